/* hits.c - stage 2: what to do with each Vectorscan hit and each field that context
 * names. Every candidate is extracted from the bytes around the hit's end offset,
 * confirmed by an anchored PCRE2 regex and checked by its validator. */
#include <string.h>

#include "natid.h"
#include "phone.h"
#include "plates.h"
#include "scan.h"
#include "validate.h"
#include "../util/arena.h"
#include "counters.h"

#define NEAR_BYTES 40

static inline bool dig(uint8_t c) { return (uint8_t)(c - '0') < 10; }
static inline bool alpha(uint8_t c) { return (uint8_t)((c | 0x20) - 'a') < 26; }
static inline bool alnum(uint8_t c) { return dig(c) || alpha(c); }

/* Free text, or a field whose name says nothing about its content. */
static inline bool textish(const cw_scan *s)
{
    cw_ctx c = s->ctx;
    if (c & ~(CW_CTX_TEXT | CW_CTX_OTHER)) return false;
    if (c == 0 && (s->fmt == CW_IN_JSON || s->fmt == CW_IN_NDJSON)) return false;
    return true;
}

/* Was a keyword of context want seen shortly before chunk position p, on the same line? */
static bool kw_near(const cw_scan *s, size_t p, cw_ctx want)
{
    if (!(s->kw_ctx & want)) return false;
    uint64_t ap = s->base + p;
    if (s->kw_end > ap || ap - s->kw_end > NEAR_BYTES || s->kw_end < s->base) return false;
    size_t k = (size_t)(s->kw_end - s->base);
    return !memchr(s->buf + k, '\n', p - k);
}

/* ---- field-level (context-driven) categories ---- */

static void trim(const uint8_t *b, size_t *st, size_t *en)
{
    while (*st < *en && (b[*st] == ' ' || b[*st] == '\t')) (*st)++;
    while (*en > *st && (b[*en - 1] == ' ' || b[*en - 1] == '\t' || b[*en - 1] == '\r')) (*en)--;
}

/* Validate v[0..n) as cat. On success fills *cc and the normalized form's hash. */
static bool validate_value(cw_scan *s, cw_cat cat, const char *v, size_t n, cw_cc *cc, uint64_t *nh, bool weak)
{
    char norm[320];
    *cc = CW_CC_NONE;
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
        *cc = cw_natid_check(v, n, true);
        if (*cc == CW_CC_NONE) return false;
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
 * (direct-mapped, 4096 per category: 96 KiB per category used). */
#define VC_BITS 12
typedef struct cw_vcache_ent {
    uint64_t raw;  /* hash of the raw bytes, 0 = empty */
    uint64_t norm; /* hash of the normalized value */
    uint8_t ok, cc;
} cw_vcache_ent;
struct cw_vcache {
    cw_vcache_ent e[CW_CAT__COUNT][1u << VC_BITS];
};

static bool value_as(cw_scan *s, cw_cat cat, size_t st, size_t en, bool weak)
{
    const uint8_t *b = s->buf;
    trim(b, &st, &en);
    size_t n = en - st;
    if (n == 0 || n > 300) return false;
    const char *v = (const char *)b + st;
    if (!s->vcache) s->vcache = cw_xcalloc(1, sizeof *s->vcache);
    uint64_t rh = (cw_vhash(v, n) ^ (weak ? 0x5bd1e9955bd1e995ULL : 0)) | 1;
    cw_vcache_ent *e = &s->vcache->e[cat][rh & ((1u << VC_BITS) - 1)];
    bool seen = e->raw == rh; /* accepted before in this file when ok: already counted as distinct */
    if (!seen) {
        cw_cc cc;
        uint64_t nh = 0;
        e->ok = validate_value(s, cat, v, n, &cc, &nh, weak);
        e->raw = rh;
        e->norm = nh;
        e->cc = (uint8_t)cc;
    }
    if (!e->ok) return false;
    cw_scan_accept_seen(s, cat, st, en, (cw_cc)e->cc, e->norm, seen);
    return true;
}

void cw_scan_field(cw_scan *s, size_t start, size_t end, cw_ctx ctx)
{
    if (s->in_header || end <= start || end > s->len) return;
    static const cw_cat order[] = {CW_CAT_PERSON_NAME, CW_CAT_POSTAL_ADDRESS, CW_CAT_PLATE, CW_CAT_DOB,
                                   CW_CAT_NATIONAL_ID};
    for (size_t i = 0; i < sizeof order / sizeof *order; i++)
        if ((ctx & CW_CTX_CAT(order[i])) && value_as(s, order[i], start, end, (ctx & CW_CTX_WEAK) != 0)) return;
}

/* ---- e-mail ---- */
static const uint8_t *local_set(void)
{
    static uint8_t t[256];
    static int init;
    if (!init) {
        for (int c = 0; c < 256; c++) t[c] = alnum((uint8_t)c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
        init = 1;
    }
    return t;
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
    if (r == CW_VIN_OK_UNCHECKED && !(s->ctx & CW_CTX_CAT(CW_CAT_VIN)) && !kw_near(s, st, CW_CTX_CAT(CW_CAT_VIN)))
        return;
    /* the validator checked the characters and position 10; CW_RX_VIN adds only that
     * position 9 (the check digit) is a digit or X */
    if (!dig((uint8_t)v[8]) && v[8] != 'X') return;
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
    if (nd < 13 || !cw_card_issuer(d, nd) || !cw_luhn(d, nd)) return false;
    if (!cw_shape_card((const char *)s->buf + st, en - st)) return false;
    cw_scan_accept(s, CW_CAT_CARD, st, en, CW_CC_NONE, d, nd);
    return true;
}

static bool try_phone(cw_scan *s, size_t st, size_t en, bool ctx)
{
    cw_phone ph;
    const char *v = (const char *)s->buf + st;
    if (!cw_phone_check(v, en - st, !ctx, &ph)) return false;
    if (!cw_shape_phone(v, en - st)) return false;
    cw_scan_accept(s, CW_CAT_PHONE, st, en, ph.cc, ph.e164, ph.e164_len);
    return true;
}

static bool try_natid(cw_scan *s, size_t st, size_t en, bool ctx)
{
    const char *v = (const char *)s->buf + st;
    cw_cc cc = cw_natid_check(v, en - st, ctx);
    if (cc == CW_CC_NONE || !cw_shape_natid_num(v, en - st)) return false;
    char norm[32];
    size_t k = 0;
    for (size_t i = st; i < en && k < sizeof norm; i++)
        if (dig(s->buf[i])) norm[k++] = (char)s->buf[i];
    cw_scan_accept(s, CW_CAT_NATIONAL_ID, st, en, cc, norm, k);
    return true;
}

static bool try_span(cw_scan *s, size_t st, size_t en, bool phone_ctx, bool card_ctx, bool id_ctx)
{
    if (en <= st) return false;
    if (card_ctx) return try_card(s, st, en);
    if (phone_ctx && !id_ctx) return try_phone(s, st, en, true);
    if (id_ctx) return try_natid(s, st, en, true) || (phone_ctx && try_phone(s, st, en, true));
    return try_card(s, st, en) || try_natid(s, st, en, false) || try_phone(s, st, en, false);
}

static inline bool tokch(uint8_t c) { return dig(c) || c == '(' || c == ')' || c == '+'; }
static inline bool sepch(uint8_t c) { return c == ' ' || c == '-'; }

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
        if (cw_nric_ok(v) && cw_rx_full(s->ps, CW_RX_NRIC, v, 9))
            cw_scan_accept(s, CW_CAT_NATIONAL_ID, ts - 1, te + 1, CW_CC_SG, v, 9);
        return;
    }
    if ((ts > 0 && alnum(b[ts - 1])) || (te < s->len && alnum(b[te]))) return; /* inside a bigger token */
    if ((ts > 1 && (b[ts - 1] == '-' || b[ts - 1] == '/') && alnum(b[ts - 2])) ||
        (te + 1 < s->len && (b[te] == '-' || b[te] == '/') && alnum(b[te + 1])))
        return; /* SN-1234-5678, 2024-1234-99/7: a code, not a number */
    bool phone_ctx = (ctx & CW_CTX_CAT(CW_CAT_PHONE)) || kw_near(s, ts, CW_CTX_CAT(CW_CAT_PHONE));
    bool card_ctx = (ctx & CW_CTX_CAT(CW_CAT_CARD)) && !(ctx & CW_CTX_CAT(CW_CAT_NATIONAL_ID));
    bool id_ctx = (ctx & CW_CTX_CAT(CW_CAT_NATIONAL_ID)) || kw_near(s, ts, CW_CTX_CAT(CW_CAT_NATIONAL_ID));
    if (try_span(s, ts, te, phone_ctx, card_ctx, id_ctx)) return;
    if (!phone_ctx || !textish(s)) return;
    /* text may glue numbers together: try without the first or the last group */
    size_t f = ts;
    while (f < te && !sepch(b[f])) f++;
    size_t l = te;
    while (l > ts && !sepch(b[l - 1])) l--;
    if (f < te && try_phone(s, f + 1, te, true)) return;
    if (l > ts && try_phone(s, ts, l - 1, true)) return;
}

/* ---- text context: key=value, keywords, titles, postal mark ---- */
static size_t value_end(const uint8_t *b, size_t v, size_t lim)
{
    if (v < lim && (b[v] == '"' || b[v] == '\'')) {
        const uint8_t *q = memchr(b + v + 1, b[v], lim - v - 1);
        const uint8_t *nl = memchr(b + v + 1, '\n', lim - v - 1);
        if (q && (!nl || q < nl)) return (size_t)(q - b);
        return v;
    }
    size_t i = v;
    while (i < lim) {
        uint8_t c = b[i];
        if (c == '\n' || c == '\r' || c == '\t' || c == ',' || c == ';' || c == '|' || c == '&' || c == '"' || c == '<')
            break;
        if (c == ' ') {
            /* stop before " word=" / " word:" */
            size_t k = i + 1;
            while (k < lim && (alnum(b[k]) || b[k] == '_' || b[k] == '.' || b[k] == '-')) k++;
            if (k > i + 1 && k < lim && (b[k] == '=' || b[k] == ':')) break;
            if (i + 1 < lim && b[i + 1] == ' ') break;
        }
        i++;
    }
    return i;
}

/* key[ks..ke) followed by ':' or '=' ending at `to` (exclusive): remember the context; for
 * field-level categories take the value that follows. */
static void keyval(cw_scan *s, size_t ks, size_t ke, size_t to)
{
    const uint8_t *b = s->buf;
    cw_ctx kc = cw_ctx_of_name((const char *)b + ks, ke - ks, NULL, 0);
    s->kw_end = s->base + to;
    s->kw_ctx = kc;
    if (!(kc & CW_CTX_FIELD_CATS)) return;
    size_t v = to;
    while (v < s->len && b[v] == ' ') v++;
    size_t lim = v + 300 < s->len ? v + 300 : s->len;
    size_t ve = value_end(b, v, lim);
    size_t vs = v;
    if (vs < ve && (b[vs] == '"' || b[vs] == '\'')) vs++;
    else if (ve == v && v < lim && (b[v] == '"' || b[v] == '\'')) return;
    s->kv_start = s->base + vs;
    s->kv_end = s->base + ve;
    cw_scan_field(s, vs, ve, kc & CW_CTX_FIELD_CATS);
}

static void hit_title(cw_scan *s, size_t to)
{
    const uint8_t *b = s->buf;
    size_t st = to - 1, i = st, words = 0, end = st;
    while (i < s->len && words < 3) {
        if (!(b[i] >= 'A' && b[i] <= 'Z')) break;
        size_t w = i + 1;
        while (w < s->len && (alpha(b[w]) || b[w] == '\'' || b[w] == '-')) w++;
        if (w - i < 2) break;
        words++;
        end = w;
        if (w + 1 < s->len && b[w] == ' ' && b[w + 1] >= 'A' && b[w + 1] <= 'Z') i = w + 1;
        else break;
    }
    if (words) value_as(s, CW_CAT_PERSON_NAME, st, end, false);
}

static void hit_postmark(cw_scan *s, size_t to)
{
    const uint8_t *b = s->buf;
    size_t st = to - 3, i = to, lim = to + 160 < s->len ? to + 160 : s->len;
    while (i < lim && b[i] != '\n' && b[i] != '\r' && b[i] != '\t' && b[i] != '"' && b[i] != ',' && b[i] != '|') i++;
    value_as(s, CW_CAT_POSTAL_ADDRESS, st, i, false);
}

static bool in_list(const uint8_t *w, size_t n, const char *const *list, bool ci)
{
    for (; *list; list++) {
        size_t l = strlen(*list);
        if (l != n) continue;
        size_t i = 0;
        while (i < n && (ci ? (w[i] | 0x20) == (uint8_t)(*list)[i] : w[i] == (uint8_t)(*list)[i])) i++;
        if (i == n) return true;
    }
    return false;
}

static const char *const titles[] = {"Mr", "Mrs", "Ms", "Miss", "Mdm", "Dr", "Dear", "Khun", "Bapak", "Ibu", "Encik",
                                     "Puan", "Shri", "Smt", NULL};
static const char *const phone_words[] = {"call", "called", "calling", "phone", "telephone", "tel", "mobile", "mob",
                                          "cell", "sms", "whatsapp", "fax", "contact", "ring", "dial", NULL};

/* A context word ended at to-1 (the byte at to-1 follows it). */
static void hit_word(cw_scan *s, size_t to)
{
    const uint8_t *b = s->buf;
    size_t we = to - 1, ws = we;
    while (ws > 0 && alpha(b[ws - 1])) ws--;
    bool bound = ws == 0 || !alnum(b[ws - 1]);
    /* key = value / key: value (the key may be a compound: owner_name, customer.email) */
    size_t k = we;
    while (k < s->len && k < we + 3 && (b[k] == '"' || b[k] == '\'' || b[k] == ' ')) k++;
    if (k < s->len && (b[k] == ':' || b[k] == '=')) {
        size_t ks = we, lo = we > 40 ? we - 40 : 0;
        while (ks > lo && (alnum(b[ks - 1]) || b[ks - 1] == '_' || b[ks - 1] == '-' || b[ks - 1] == '.')) ks--;
        keyval(s, ks, we, k + 1);
        return;
    }
    if (!bound) return;
    if (in_list(b + ws, we - ws, titles, false)) {
        size_t n = we;
        if (n < s->len && b[n] == '.') n++;
        size_t nx = n + 1, nxe = nx; /* "Dear Mr Smith": the next title takes it */
        while (nxe < s->len && alpha(b[nxe])) nxe++;
        if (nxe > nx && in_list(b + nx, nxe - nx, titles, false)) return;
        if (n + 1 < s->len && b[n] == ' ' && b[n + 1] >= 'A' && b[n + 1] <= 'Z') hit_title(s, n + 2);
        return;
    }
    if (in_list(b + ws, we - ws, phone_words, true)) {
        s->kw_end = s->base + we;
        s->kw_ctx = CW_CTX_CAT(CW_CAT_PHONE);
    }
}

int cw_scan_collect(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
    (void)from;
    (void)flags;
    cw_scan *s = ctx;
    if (id == CW_T_VIN) { /* a long run of VIN characters fires at every byte: keep non-overlapping ones */
        if (s->last_vin_to && to < (unsigned long long)s->last_vin_to + 17) return 0;
        s->last_vin_to = (uint32_t)to;
    }
    if (s->nhits == s->caphits) {
        s->caphits = s->caphits ? s->caphits * 2 : 65536;
        s->hits = cw_xrealloc(s->hits, s->caphits * sizeof *s->hits);
    }
    s->hits[s->nhits++] = ((uint32_t)to << 3) | id;
    return 0;
}

void cw_scan_hits(cw_scan *s)
{
    /* merge the two hit streams (both in end order) */
    size_t i = 0, j = 0;
    while (i < s->nhits || j < s->nrhits) {
        uint32_t h;
        if (j == s->nrhits || (i < s->nhits && s->hits[i] <= s->rhits[j])) h = s->hits[i++];
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
            if (textish(s)) hit_word(s, to);
            break;
        case CW_T_POSTMARK:
            if (textish(s)) hit_postmark(s, to);
            break;
        default: break;
        }
    }
    s->nhits = 0;
    s->nrhits = 0;
    s->last_vin_to = 0;
}
