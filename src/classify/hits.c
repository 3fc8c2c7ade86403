/* hits.c - stage 2: what to do with each Vectorscan hit and each field that context
 * names. Every candidate is extracted from the bytes around the hit's end offset,
 * confirmed by an anchored PCRE2 regex and checked by its validator. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "natid.h"
#include "phone.h"
#include "plates.h"
#include "scan.h"
#include "validate.h"
#include "../util/arena.h"
#include "counters.h"
#include "vocab.h"


static inline bool dig(uint8_t c) { return (uint8_t)(c - '0') < 10; }
static inline bool alpha(uint8_t c) { return (uint8_t)((c | 0x20) - 'a') < 26; }
static inline bool alnum(uint8_t c) { return dig(c) || alpha(c); }

/* ---- field-level (context-driven) categories ---- */

static void trim(const uint8_t *b, size_t *st, size_t *en)
{
    while (*st < *en && (b[*st] == ' ' || b[*st] == '\t')) (*st)++;
    while (*en > *st && (b[*en - 1] == ' ' || b[*en - 1] == '\t' || b[*en - 1] == '\r')) (*en)--;
}

/* Validate v[0..n) as cat. On success fills *cc and the normalized form's hash. */
static bool validate_value(cw_scan *s, cw_cat cat, const char *v, size_t n, cw_cc *cc, uint16_t *idm, uint64_t *nh,
                           bool weak)
{
    char norm[320];
    *cc = CW_CC_NONE;
    *idm = 0;
    switch (cat) {
    case CW_CAT_PERSON_NAME:
        if (!cw_name_check(v, n, weak)) return false;
        cw_name_core(&v, &n); /* "Mr John Smith" and "John Smith" are one person */
        *nh = cw_vhash_lower(v, n);
        return true;
    case CW_CAT_POSTAL_ADDRESS:
        if (!cw_address_valid(v, n, cc)) return false;
        *nh = cw_vhash_lower(v, n);
        return true;
    case CW_CAT_PLATE: {
        size_t nl;
        if (!cw_plate_check(s->ps, v, n, cc, norm, &nl)) return false;
        *nh = cw_vhash(norm, nl);
        return true;
    }
    case CW_CAT_DOB: {
        int y, m, d;
        if (!cw_date_parse(v, n, &y, &m, &d)) return false;
        int k = y * 10000 + m * 100 + d;
        *nh = cw_vhash(&k, sizeof k);
        return true;
    }
    case CW_CAT_NATIONAL_ID: {
        *idm = cw_natid_readings(v, n, true);
        if (!*idm) return false;
        cw_rx_id rx = alpha((uint8_t)v[0]) ? (n == 9 ? CW_RX_NRIC : CW_RX_PAN_IN) : CW_RX_NATID_NUM;
        if (!cw_rx_full(s->ps, rx, v, n)) return false;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (alnum((uint8_t)v[i])) norm[k++] = v[i];
        *nh = cw_vhash(norm, k);
        return true;
    }
    default: return false;
    }
}

/* Field values repeat (first names, dates, suburbs): remember recent verdicts
 * (direct-mapped, 4096 per category: 96 KiB per category used). A verdict depends
 * only on the category, the bytes and weak, so one cache serves a worker for every
 * segment and file it scans; gen tells whether the value was counted in the current
 * part (cw_vcache_part), where a second occurrence need not reach the counter. */
#define VC_BITS 12
typedef struct cw_vcache_ent {
    uint64_t raw;  /* hash of the raw bytes, 0 = empty */
    uint64_t norm; /* hash of the normalized value */
    uint8_t ok, cc;
    uint16_t idm;  /* national IDs: the countries whose scheme reads the value */
    uint32_t gen;  /* counted in part gen */
} cw_vcache_ent;
struct cw_vcache {
    cw_vcache_ent e[CW_CAT__COUNT][1u << VC_BITS];
    uint32_t gen;
};

cw_vcache *cw_vcache_new(void) { return cw_xcalloc(1, sizeof(cw_vcache)); }
void cw_vcache_free(cw_vcache *v) { free(v); }
void cw_vcache_part(cw_vcache *v)
{
    if (++v->gen == 0) { /* wrapped: forget who was counted where */
        for (size_t c = 0; c < CW_CAT__COUNT; c++)
            for (size_t i = 0; i < (1u << VC_BITS); i++) v->e[c][i].gen = 0;
        v->gen = 1;
    }
}

/* The value of a quoted SQL string (mysqldump writes 'Liam O\\'Neill') or a JSON string
 * ("Jos\\u00e9") as text: n <= 300 bytes in, the text into out (320 bytes); 0 on a bad
 * escape. */
static size_t unescape(const char *v, size_t n, char *out, bool sql)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = v[i];
        if (c != '\\' || i + 1 == n) {
            out[k++] = c;
            continue;
        }
        char e = v[++i];
        switch (e) {
        case 'n': out[k++] = ' '; break;
        case 't': out[k++] = ' '; break;
        case 'r': out[k++] = ' '; break;
        case '0': if (!sql) return 0; out[k++] = ' '; break;
        case 'b': case 'f': out[k++] = ' '; break;
        case 'u': {
            if (sql || i + 4 >= n) return 0;
            unsigned cp = 0;
            for (int j = 1; j <= 4; j++) {
                char h = v[i + j];
                cp = cp * 16 + (unsigned)(h >= '0' && h <= '9' ? h - '0' : (h | 0x20) >= 'a' && (h | 0x20) <= 'f' ? (h | 0x20) - 'a' + 10 : 99);
                if (cp > 0xFFFF) return 0;
            }
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDFFF) return 0; /* surrogates: not needed for names */
            if (cp < 0x80) out[k++] = (char)cp;
            else if (cp < 0x800) out[k++] = (char)(0xC0 | cp >> 6), out[k++] = (char)(0x80 | (cp & 0x3F));
            else out[k++] = (char)(0xE0 | cp >> 12), out[k++] = (char)(0x80 | ((cp >> 6) & 0x3F)), out[k++] = (char)(0x80 | (cp & 0x3F));
            break;
        }
        default: out[k++] = e; break; /* \' \" \\ \/ */
        }
    }
    return k;
}

bool cw_scan_value(cw_scan *s, cw_cat cat, size_t st, size_t en, bool weak)
{
    const uint8_t *b = s->buf;
    trim(b, &st, &en);
    size_t n = en - st;
    if (n == 0 || n > 300) return false;
    const char *v = (const char *)b + st;
    char unesc[320];
    if ((s->fmt == CW_IN_SQL || s->fmt == CW_IN_JSON || s->fmt == CW_IN_NDJSON) && memchr(v, '\\', n)) {
        n = unescape(v, n, unesc, s->fmt == CW_IN_SQL);
        v = unesc;
        if (!n) return false;
    }
    if (!s->vcache) s->vcache = cw_vcache_new(), cw_vcache_part(s->vcache); /* owned by s */
    cw_vcache *vc = s->vcache;
    uint64_t rh = (cw_vhash(v, n) ^ (weak ? 0x5bd1e9955bd1e995ULL : 0)) | 1;
    cw_vcache_ent *e = &vc->e[cat][rh & ((1u << VC_BITS) - 1)];
    if (e->raw != rh) {
        cw_cc cc;
        uint16_t idm;
        uint64_t nh = 0;
        e->ok = validate_value(s, cat, v, n, &cc, &idm, &nh, weak);
        e->raw = rh;
        e->norm = nh;
        e->cc = (uint8_t)cc;
        e->idm = idm;
        e->gen = 0;
    }
    if (!e->ok) return false;
    if (cat == CW_CAT_NATIONAL_ID) { /* decided with the rest of the record (coherence.c) */
        cw_scan_pend_natid(s, st, en, e->idm, s->id_hint, e->norm, NULL);
        return true;
    }
    bool seen = e->gen == vc->gen; /* counted in this part already */
    e->gen = vc->gen;
    cw_scan_accept_seen(s, cat, st, en, (cw_cc)e->cc, e->norm, seen);
    return true;
}

bool cw_scan_field_ok(cw_scan *s, size_t start, size_t end, cw_ctx ctx)
{
    if (s->in_header || end <= start || end > s->len) return false;
    static const cw_cat order[] = {CW_CAT_PERSON_NAME, CW_CAT_POSTAL_ADDRESS, CW_CAT_PLATE, CW_CAT_DOB,
                                   CW_CAT_NATIONAL_ID};
    s->id_hint = CW_CTX_CC_OF(ctx);
    for (size_t i = 0; i < sizeof order / sizeof *order; i++)
        if ((ctx & CW_CTX_CAT(order[i])) && cw_scan_value(s, order[i], start, end, (ctx & CW_CTX_WEAK) != 0)) return true;
    return false;
}

void cw_scan_field(cw_scan *s, size_t start, size_t end, cw_ctx ctx) { (void)cw_scan_field_ok(s, start, end, ctx); }

/* ---- e-mail ---- */
static uint8_t local_tab[256];
static void local_init(void)
{
    for (int c = 0; c < 256; c++) local_tab[c] = alnum((uint8_t)c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
static const uint8_t *local_set(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT; /* runs share it */
    pthread_once(&once, local_init);
    return local_tab;
}

static void hit_email(cw_scan *s, size_t to)
{
    const uint8_t *b = s->buf, *ls = local_set();
    size_t at = to - 2;
    if (at < s->email_done || b[at] != '@') return;
    size_t st = at, lo = at > 64 ? at - 64 : 0;
    while (st > lo && ls[b[st - 1]]) st--;
    while (st < at && (b[st] == '.' || b[st] == '-')) st++;
    size_t en = at + 1, hi = at + 256 < s->len ? at + 256 : s->len;
    while (en < hi && (alnum(b[en]) || b[en] == '-' || b[en] == '.')) en++;
    while (en > at + 1 && (b[en - 1] == '.' || b[en - 1] == '-')) en--;
    s->email_done = en;
    if (st == at) return;
    cw_cc cc = CW_CC_NONE;
    const char *v = (const char *)b + st;
    size_t n = en - st;
    /* the span holds only [A-Za-z0-9._%+-] before '@' and [A-Za-z0-9.-] after it, so the
     * validator's dot-atom and LDH checks imply CW_RX_EMAIL: no regex needed */
    if (!cw_email_valid(v, n, &cc)) return;
    cw_scan_accept_hash(s, CW_CAT_EMAIL, st, en, cc, cw_vhash_lower(v, n));
}

/* ---- VIN ---- */
static void hit_vin(cw_scan *s, size_t to)
{
    const uint8_t *b = s->buf;
    if (to < 17) return;
    size_t st = to - 17;
    if (st < s->vin_done) return;
    s->vin_done = to;
    if (s->ctx & (CW_CTX_FIELD_CATS | CW_CTX_BIZ | CW_CTX_IDENT)) return; /* tracking codes, part numbers */
    if ((st > 0 && alnum(b[st - 1])) || (to < s->len && alnum(b[to]))) return; /* part of a longer token */
    const char *v = (const char *)b + st;
    cw_vin_result r = cw_vin_validate(v);
    if (r == CW_VIN_BAD) return;
    bool ctx = (s->ctx & CW_CTX_CAT(CW_CAT_VIN)) || cw_kw_near(s, st, CW_CTX_CAT(CW_CAT_VIN));
    /* outside North America the check digit is optional and position 9 may be a
     * letter (ISO 3779): such a VIN needs context */
    if (r == CW_VIN_OK_UNCHECKED && !ctx) return;
    /* a 17-character hex trace id or hash that happens to pass the check digit */
    if (!ctx && cw_vin_hexlike(v)) return;
    cw_scan_accept(s, CW_CAT_VIN, st, to, CW_CC_NONE, v, 17);
}

/* ---- digit runs: cards, national IDs, phone numbers ---- */
static bool try_card(cw_scan *s, size_t st, size_t en)
{
    char d[24];
    size_t nd = 0;
    for (size_t i = st; i < en; i++) {
        uint8_t c = s->buf[i];
        if (dig(c)) {
            if (nd == 19) return false;
            d[nd++] = (char)c;
        } else if (c != ' ' && c != '-') {
            return false;
        }
    }
    if (nd < 12 || !cw_luhn(d, nd)) return false;
    /* Maestro's whole range (50, 56-58; 12-19 digits) only where a column or keyword says "card" */
    bool maestro_wide = s->card_ctx && nd >= 12 && (d[0] == '5' && (d[1] == '0' || (d[1] >= '6' && d[1] <= '8')));
    if (!cw_card_issuer(d, nd) && !maestro_wide) return false;
    if (s->no_bare_card && en - st == nd) return false;
    if (!cw_shape_card((const char *)s->buf + st, en - st)) return false;
    cw_scan_accept(s, CW_CAT_CARD, st, en, CW_CC_NONE, d, nd);
    return true;
}

static bool try_phone(cw_scan *s, size_t st, size_t en, bool ctx)
{
    cw_phone ph;
    const char *v = (const char *)s->buf + st;
    char alt[48];
    size_t n = en - st;
    /* "(+62) 258 0686 543": the country code in brackets */
    if (n > 4 && n < sizeof alt && v[0] == '(' && v[1] == '+') {
        const char *cl = memchr(v, ')', n);
        if (!cl || cl - v > 5) return false;
        size_t k = 0;
        for (const char *p = v + 1; p < cl; p++) alt[k++] = *p;
        for (const char *p = cl + 1; p < v + n; p++) alt[k++] = *p;
        v = alt;
        n = k;
    }
    if (!cw_phone_check(v, n, !ctx, &ph)) return false;
    if (!cw_shape_phone(v, n)) return false;
    cw_scan_accept(s, CW_CAT_PHONE, st, en, ph.cc, ph.e164, ph.e164_len);
    return true;
}

/* ctx: a keyword says "national id" (hint: whose scheme); phone_ctx: also "phone",
 * the reading counted when the record refuses the ID (coherence.c) */
static bool try_natid(cw_scan *s, size_t st, size_t en, bool ctx, cw_cc hint, bool phone_ctx)
{
    const char *v = (const char *)s->buf + st;
    uint16_t m = cw_natid_readings(v, en - st, ctx);
    if (!m || !cw_shape_natid_num(v, en - st)) return false;
    char norm[32];
    size_t k = 0;
    for (size_t i = st; i < en && k < sizeof norm; i++)
        if (dig(s->buf[i])) norm[k++] = (char)s->buf[i];
    cw_phone ph;
    bool alt = phone_ctx && cw_phone_check(v, en - st, false, &ph) && cw_shape_phone(v, en - st);
    cw_scan_pend_natid(s, st, en, m, hint, cw_vhash(norm, k), alt ? &ph : NULL);
    return true;
}

static bool try_span(cw_scan *s, size_t st, size_t en, bool phone_ctx, bool card_ctx, bool id_ctx, cw_cc hint)
{
    if (en <= st) return false;
    if (card_ctx) return try_card(s, st, en);
    if (phone_ctx && !id_ctx) return try_phone(s, st, en, true);
    if (id_ctx) return try_natid(s, st, en, true, hint, phone_ctx) || (phone_ctx && try_phone(s, st, en, true));
    return try_card(s, st, en) || try_natid(s, st, en, false, CW_CC_NONE, false) || try_phone(s, st, en, false);
}

static inline bool tokch(uint8_t c) { return dig(c) || c == '(' || c == ')' || c == '+'; }
static inline bool sepch(uint8_t c) { return c == ' ' || c == '-' || c == '.'; }

static void hit_digits(cw_scan *s, size_t term)
{
    const uint8_t *b = s->buf;
    if (term <= s->digits_done) return;
    cw_ctx ctx = s->ctx;
    /* fields whose name rules digits out, or that are checked whole from their context */
    if (ctx & (CW_CTX_IDENT | CW_CTX_BIZ | CW_CTX_CAT(CW_CAT_EMAIL) | CW_CTX_CAT(CW_CAT_VIN) | CW_CTX_FIELD_CATS)) return;
    /* last digit before the terminator */
    size_t te = term;
    size_t lo = term > 48 ? term - 48 : 0;
    size_t ts = te;
    while (ts > lo) {
        uint8_t c = b[ts - 1];
        if (tokch(c)) ts--;
        else if (sepch(c) && ts - 1 > lo && (dig(b[ts - 2]) || b[ts - 2] == ')')) ts--;
        else break;
    }
    /* forward over more groups ("0412 345" + " 678") */
    size_t hi = te + 40 < s->len ? te + 40 : s->len;
    while (te < hi) {
        uint8_t c = b[te];
        if (dig(c) || c == ')') te++;
        else if ((sepch(c) || c == '(') && te + 1 < s->len && (dig(b[te + 1]) || b[te + 1] == '(')) te++;
        else break;
    }
    while (ts < te && !dig(b[ts]) && b[ts] != '+' && b[ts] != '(') ts++;
    s->digits_done = te;
    if (s->kv_end > s->base + ts && s->kv_start <= s->base + ts) return; /* inside a key=value already taken */
    /* Singapore NRIC/FIN: letter, 7 digits, letter */
    if (te - ts == 7 && ts >= 1 && te < s->len && strchr("STFGM", b[ts - 1]) && b[ts - 1] && b[te] >= 'A' &&
        b[te] <= 'Z' && (ts < 2 || !alnum(b[ts - 2])) && (te + 1 >= s->len || !alnum(b[te + 1]))) {
        const char *v = (const char *)b + ts - 1;
        if (cw_nric_ok(v) && cw_rx_full(s->ps, CW_RX_NRIC, v, 9)) {
            cw_cc hint = cw_kw_near(s, ts - 1, CW_CTX_CAT(CW_CAT_NATIONAL_ID)) ? CW_CTX_CC_OF(s->kw_ctx) : CW_CC_NONE;
            cw_scan_pend_natid(s, ts - 1, te + 1, (uint16_t)(1u << CW_CC_SG), hint, cw_vhash(v, 9), NULL);
        }
        return;
    }
    if ((ts > 0 && alnum(b[ts - 1])) || (te < s->len && alnum(b[te]))) return; /* inside a bigger token */
    if ((ts > 1 && (b[ts - 1] == '-' || b[ts - 1] == '/') && alnum(b[ts - 2])) ||
        (te + 1 < s->len && (b[te] == '-' || b[te] == '/') && alnum(b[te + 1])))
        return; /* SN-1234-5678, 2024-1234-99/7: a code, not a number */
    /* "IMEI 490154203237518", "order 4539 1488 0343 6467": an identifier, whatever its digits pass */
    if (cw_kw_near(s, ts, CW_CTX_IDENT)) return;
    bool phone_ctx = (ctx & CW_CTX_CAT(CW_CAT_PHONE)) || cw_kw_near(s, ts, CW_CTX_CAT(CW_CAT_PHONE));
    bool card_ctx = ((ctx & CW_CTX_CAT(CW_CAT_CARD)) && !(ctx & CW_CTX_CAT(CW_CAT_NATIONAL_ID))) ||
                    cw_kw_near(s, ts, CW_CTX_CAT(CW_CAT_CARD));
    s->no_bare_card = !card_ctx && cw_textish(s);
    s->card_ctx = card_ctx; /* free text: an ungrouped 16-digit number is an order number */
    bool id_kw = cw_kw_near(s, ts, CW_CTX_CAT(CW_CAT_NATIONAL_ID));
    bool id_ctx = (ctx & CW_CTX_CAT(CW_CAT_NATIONAL_ID)) || id_kw;
    cw_cc hint = id_kw ? CW_CTX_CC_OF(s->kw_ctx) : CW_CTX_CC_OF(ctx);
    if (try_span(s, ts, te, phone_ctx, card_ctx, id_ctx, hint)) return;
    if (!phone_ctx || !cw_textish(s)) return;
    /* text may glue numbers together: try without the first or the last group */
    size_t f = ts;
    while (f < te && !sepch(b[f])) f++;
    size_t l = te;
    while (l > ts && !sepch(b[l - 1])) l--;
    if (f < te && try_phone(s, f + 1, te, true)) return;
    if (l > ts && try_phone(s, ts, l - 1, true)) return;
}

int cw_scan_collect(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
    (void)from;
    (void)flags;
    cw_scan *s = ctx;
    uint32_t term = UINT32_MAX;
    if (id >= CW_T_TERM0) {
        term = id - CW_T_TERM0;
        id = CW_T_WORD;
        /* terms ending at the same byte: keep the longest */
        if (s->nhits && (s->hits[s->nhits - 1] >> 3) == (uint32_t)to && (s->hits[s->nhits - 1] & 7) == CW_T_WORD &&
            s->hitterm[s->nhits - 1] != UINT32_MAX) {
            const cw_vocab *v = cw_vocab_get();
            if (cw_vocab_term(v, term)->nlen > cw_vocab_term(v, s->hitterm[s->nhits - 1])->nlen)
                s->hitterm[s->nhits - 1] = term;
            return 0;
        }
    }
    if (id == CW_T_WORD && term == UINT32_MAX && s->nhits && s->hits[s->nhits - 1] == (((uint32_t)to << 3) | CW_T_WORD))
        return 0; /* the ASCII set reports each end once per alternative that ends there */
    if (s->nhits == s->caphits) {
        s->caphits = s->caphits ? s->caphits * 2 : 65536;
        s->hits = cw_xrealloc(s->hits, s->caphits * sizeof *s->hits);
        s->hitterm = cw_xrealloc(s->hitterm, s->caphits * sizeof *s->hitterm);
    }
    s->hitterm[s->nhits] = term;
    s->hits[s->nhits++] = ((uint32_t)to << 3) | id;
    return 0;
}

void cw_scan_hits(cw_scan *s)
{
    /* merge the two hit streams (both in end order) */
    size_t i = 0, j = 0;
    while (i < s->nhits || j < s->nrhits) {
        uint32_t h;
        uint32_t term = UINT32_MAX;
        if (j == s->nrhits || (i < s->nhits && s->hits[i] <= s->rhits[j])) term = s->hitterm[i], h = s->hits[i++];
        else h = s->rhits[j++];
        unsigned id = h & 7;
        size_t to = h >> 3;
        size_t end = to;
        if (id == CW_T_DIGITS) end--; /* the terminator is not part of the value */
        if (end > s->len) end = s->len;
        if (end > s->pos) s->trk->advance(s, end);
        if (s->in_header) continue;
        switch ((cw_trigger)id) {
        case CW_T_EMAIL: hit_email(s, to); break;
        case CW_T_VIN: hit_vin(s, to); break;
        case CW_T_DIGITS: hit_digits(s, end); break;
        case CW_T_WORD:
            if (cw_textish(s)) cw_scan_word(s, to, term);
            break;
        case CW_T_POSTMARK:
            if (cw_textish(s)) cw_scan_postmark(s, to);
            break;
        case CW_T_COMPAT:
            if (cw_textish(s)) cw_scan_compat(s, to);
            break;
        default: break;
        }
    }
    s->nhits = 0;
    s->nrhits = 0;
    s->last_vin_to = 0;
}
