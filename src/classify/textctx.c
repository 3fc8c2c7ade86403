/* textctx.c - free text (logs, service notes, a notes column): what the vocabulary's
 * words announce.
 *
 *   key=value, key: value, key：value   the key's context (the column-name rules of
 *                                        context.c) applies to the value up to the next
 *                                        delimiter or " word=" / " word:"
 *   a keyword in a sentence               within a bounded window (docs/classify.md):
 *     phone, national id, VIN, card, identifier words: digit runs (VIN tokens) that end
 *       at most CW_NEAR_BYTES (40) after the keyword on the same line get its context;
 *     date of birth, plate, name, address words: the value must start within
 *       CW_KW_SKIP (24) bytes after the keyword on the same line (blanks, ':', '-', '#',
 *       '(' and filler words such as "is", "no." skipped), and is the longest run of at
 *       most 5 tokens (dates, plates), 4 capitalised or non-Latin words (names) or up to
 *       the end of the sentence, 160 bytes at most (addresses), that validates;
 *   a title (Mr, Khun, คุณ, Bapak)        the capitalised words (or Thai/CJK words) after it
 *                                        are a name; a name already taken with its key is
 *                                        not counted again.
 */
#include <string.h>

#include "scan.h"
#include "validate.h"
#include "vocab.h"

#define CW_KW_SKIP 24

static inline bool dig(uint8_t c) { return (uint8_t)(c - '0') < 10; }
static inline bool alpha(uint8_t c) { return (uint8_t)((c | 0x20) - 'a') < 26; }
static inline bool alnum(uint8_t c) { return dig(c) || alpha(c); }
static inline bool upper(uint8_t c) { return (uint8_t)(c - 'A') < 26; }

static bool fw_colon(const uint8_t *b, size_t i, size_t n) /* '：' U+FF1A, '＝' U+FF1D */
{
    return i + 3 <= n && b[i] == 0xEF && b[i + 1] == 0xBC && (b[i + 2] == 0x9A || b[i + 2] == 0x9D);
}
static bool ideo_space(const uint8_t *b, size_t i, size_t n) /* U+3000 */
{
    return i + 3 <= n && b[i] == 0xE3 && b[i + 1] == 0x80 && b[i + 2] == 0x80;
}

/* ---- key=value ---- */
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
        if (fw_colon(b, i, lim) || (c == 0xE3 && i + 2 < lim && b[i + 1] == 0x80 && (b[i + 2] == 0x81 || b[i + 2] == 0x82)))
            break; /* '：' '、' '。' */
        if (c == ' ') {
            /* stop before " word=" / " word:" */
            size_t k = i + 1;
            while (k < lim && (alnum(b[k]) || b[k] == '_' || b[k] == '.' || b[k] == '-' || b[k] >= 0x80) && !fw_colon(b, k, lim)) k++;
            if (k > i + 1 && k < lim && (b[k] == '=' || b[k] == ':' || fw_colon(b, k, lim))) break;
            if (i + 1 < lim && b[i + 1] == ' ') break;
        }
        i++;
    }
    return i;
}

static bool take_tokens(cw_scan *s, size_t v, cw_cat cat, int max, bool commas);
static bool take_address(cw_scan *s, size_t v);
static bool take_name(cw_scan *s, size_t v, bool titled);

static void mark_taken(cw_scan *s, size_t vs, size_t ve)
{
    s->kv_start = s->base + vs;
    s->kv_end = s->base + ve;
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
    while (v < s->len && (b[v] == ' ' || ideo_space(b, v, s->len))) v += b[v] == ' ' ? 1 : 3;
    size_t lim = v + 300 < s->len ? v + 300 : s->len;
    size_t ve = value_end(b, v, lim);
    size_t vs = v;
    if (vs < ve && (b[vs] == '"' || b[vs] == '\'')) vs++;
    else if (ve == v && v < lim && (b[v] == '"' || b[v] == '\'')) return;
    if (cw_scan_field_ok(s, vs, ve, kc & (CW_CTX_FIELD_CATS | CW_CTX_WEAK | CW_CTX_CC_MASK))) {
        mark_taken(s, vs, ve);
        return;
    }
    /* "Date of birth: 14 Apr 1952. VIN ...", "alamat: No. 22, Jalan ...": the value is a
     * prefix of what follows (sentence rules below) */
    if ((kc & CW_CTX_CAT(CW_CAT_DOB)) && take_tokens(s, vs, CW_CAT_DOB, 5, true)) return;
    if ((kc & CW_CTX_CAT(CW_CAT_PLATE)) && take_tokens(s, vs, CW_CAT_PLATE, 5, false)) return;
    if ((kc & CW_CTX_CAT(CW_CAT_POSTAL_ADDRESS)) && take_address(s, vs)) return;
    if (kc & CW_CTX_CAT(CW_CAT_PERSON_NAME)) take_name(s, vs, false);
}

/* ---- a keyword in a sentence ---- */
static const char *const fillers[] = {"is", "was", "of", "on", "at", "no", "no.", "nr", "number", "nomor", "nombor",
                                      "ke", "adalah", "the", "registered", "reg", NULL};

/* Position of the value after a keyword that ends at p, or SIZE_MAX. */
static size_t value_start(const cw_scan *s, size_t p)
{
    const uint8_t *b = s->buf;
    size_t lim = p + CW_KW_SKIP < s->len ? p + CW_KW_SKIP : s->len;
    size_t i = p;
    while (i < lim) {
        uint8_t c = b[i];
        if (c == '\n' || c == '\r') return SIZE_MAX;
        if (c == ' ' || c == ':' || c == '=' || c == '-' || c == '#' || c == '(' || c == '\t' || c == '"' || c == '\'') {
            i++;
            continue;
        }
        if (fw_colon(b, i, s->len) || ideo_space(b, i, s->len)) {
            i += 3;
            continue;
        }
        if (alpha(c)) { /* a filler word */
            size_t w = i;
            while (w < s->len && (alpha(b[w]) || b[w] == '.')) w++;
            bool f = false;
            for (const char *const *q = fillers; *q && !f; q++)
                f = strlen(*q) == w - i && strncasecmp(*q, (const char *)b + i, w - i) == 0;
            if (f && w < s->len && (b[w] == ' ' || b[w] == ':')) {
                i = w;
                continue;
            }
        }
        return i;
    }
    return SIZE_MAX;
}

/* Ends of up to max blank-separated tokens from v (same line, at most maxlen bytes). */
static int token_ends(const cw_scan *s, size_t v, int max, size_t maxlen, bool commas, size_t *ends)
{
    const uint8_t *b = s->buf;
    size_t lim = v + maxlen < s->len ? v + maxlen : s->len;
    int n = 0;
    size_t i = v;
    while (i < lim && n < max) {
        uint8_t c = b[i];
        if (c == '\n' || c == '\r' || c == '\t' || c == ';' || c == '|' || c == '"' || c == '(' || c == ')' ||
            (c == ',' && !commas) || fw_colon(b, i, lim) || (c == 0xE3 && i + 2 < lim && b[i + 1] == 0x80 && (b[i + 2] == 0x81 || b[i + 2] == 0x82)))
            break;
        if (c == ' ' || ideo_space(b, i, lim)) {
            if (i > v && b[i - 1] != ' ') ends[n++] = i;
            i += c == ' ' ? 1 : 3;
            continue;
        }
        i++;
    }
    if (n < max && i > v && b[i - 1] != ' ') ends[n++] = i;
    return n;
}

static size_t strip_punct(const uint8_t *b, size_t v, size_t e)
{
    while (e > v && (b[e - 1] == '.' || b[e - 1] == ',' || b[e - 1] == ':' || b[e - 1] == '!' || b[e - 1] == '?')) {
        /* keep a dot that ends a Thai month abbreviation or an initial: only strip the last one */
        if (b[e - 1] == '.' && e - v >= 2 && b[e - 2] >= 0x80) break;
        e--;
    }
    return e;
}

/* The longest of the first `max` tokens from v that validates as cat. */
static bool take_tokens(cw_scan *s, size_t v, cw_cat cat, int max, bool commas)
{
    size_t ends[8];
    int n = token_ends(s, v, max, 64, commas, ends);
    for (int k = n; k >= 1; k--) {
        size_t e = strip_punct(s->buf, v, ends[k - 1]);
        if (e > v && cw_scan_value(s, cat, v, e, false)) {
            mark_taken(s, v, e);
            return true;
        }
    }
    return false;
}

/* A name at v: capitalised Latin words (particles allowed inside), or words of another
 * script (Thai, CJK); at most 4. */
static bool in_taken(const cw_scan *s, size_t p);

static bool take_name(cw_scan *s, size_t v, bool titled)
{
    const uint8_t *b = s->buf;
    if (in_taken(s, v)) return false; /* "Owner Mr Smith": the keyword took it already */
    size_t ends[8];
    int n = token_ends(s, v, 4, 80, false, ends), ok = 0;
    size_t st = v;
    for (int k = 0; k < n; k++) {
        size_t ws = k ? ends[k - 1] + 1 : v;
        while (ws < ends[k] && b[ws] == ' ') ws++;
        if (ws >= ends[k]) break;
        bool good = upper(b[ws]) || b[ws] >= 0x80;
        if (!good && k > 0 && k + 1 < n) { /* bin, binti, van, de ... between capitalised words */
            size_t l = ends[k] - ws;
            good = (l == 3 && !strncmp((const char *)b + ws, "bin", 3)) || (l == 5 && !strncmp((const char *)b + ws, "binti", 5)) ||
                   (l == 3 && !strncmp((const char *)b + ws, "van", 3)) || (l == 2 && !strncmp((const char *)b + ws, "de", 2)) ||
                   (l == 3 && !strncmp((const char *)b + ws, "del", 3)) || (l == 2 && !strncmp((const char *)b + ws, "da", 2));
        }
        if (!good) break;
        ok = k + 1;
    }
    for (int k = ok; k >= 1; k--) {
        size_t e = strip_punct(b, st, ends[k - 1]);
        if (e > st && cw_scan_value(s, CW_CAT_PERSON_NAME, st, e, !titled && k < 2)) {
            mark_taken(s, st, e);
            return true;
        }
    }
    return false;
}

/* An address at v: to the end of the sentence (". " before a capital), the line, or a
 * field delimiter; at most 160 bytes. */
static bool take_address(cw_scan *s, size_t v)
{
    const uint8_t *b = s->buf;
    size_t lim = v + 160 < s->len ? v + 160 : s->len, i = v;
    while (i < lim) {
        uint8_t c = b[i];
        if (c == '\n' || c == '\r' || c == '\t' || c == ';' || c == '|' || c == '"') break;
        if (c == '.' && i + 1 < lim && b[i + 1] == ' ') {
            /* "St. Michael", "No. 22", "Jl. Sudirman": an abbreviation; "Selangor. Called": the end */
            size_t w = i;
            while (w > v && alpha(b[w - 1])) w--;
            if (!(i - w <= 4 && i > w && upper(b[w]))) break;
        }
        if (c == 0xE3 && i + 2 < lim && b[i + 1] == 0x80 && b[i + 2] == 0x82) break; /* '。' */
        i++;
    }
    size_t e = strip_punct(b, v, i);
    if (e > v && cw_scan_value(s, CW_CAT_POSTAL_ADDRESS, v, e, false)) {
        mark_taken(s, v, e);
        return true;
    }
    return false;
}

static bool in_taken(const cw_scan *s, size_t p)
{
    uint64_t a = s->base + p;
    return a >= s->kv_start && a < s->kv_end;
}

/* The ASCII term that ends at we (exclusive): the longest run of up to 4 words joined by
 * ' ', '_' or '-' that the vocabulary knows. */
static const cw_vterm *ascii_term_at(const cw_vocab *v, const uint8_t *b, size_t we)
{
    size_t starts[4];
    int nw = 0;
    size_t i = we;
    while (nw < 4) {
        size_t w = i;
        while (w > 0 && (alnum(b[w - 1]) || b[w - 1] == '.' || b[w - 1] == '/') && i - w < 24) w--;
        while (w < i && b[w] == '.') w++;
        if (w == i) break;
        starts[nw++] = w;
        if (w == 0 || !(b[w - 1] == ' ' || b[w - 1] == '_' || b[w - 1] == '-') || w < 2 || !alnum(b[w - 2])) break;
        i = w - 1;
    }
    for (int k = nw; k >= 1; k--) {
        size_t st = starts[k - 1], n = we - st;
        char norm[104];
        if (n >= sizeof norm) continue;
        for (size_t j = 0; j < n; j++) {
            uint8_t c = b[st + j];
            norm[j] = (char)(c == '_' || c == '-' ? ' ' : (uint8_t)(c - 'A') < 26 ? c | 0x20 : c);
        }
        /* "date of birth", "d.o.b", "dob": the longest known suffix of the words */
        long idx = cw_vocab_find(v, norm, n);
        if (idx >= 0) return cw_vocab_term(v, (size_t)idx);
    }
    return NULL;
}

void cw_scan_word(cw_scan *s, size_t to, uint32_t term)
{
    const cw_vocab *v = cw_vocab_get();
    const uint8_t *b = s->buf;
    const cw_vterm *t = term == UINT32_MAX ? ascii_term_at(v, b, to) : cw_vocab_term(v, term);
    if (!t) return;
    size_t we = to;
    /* an ASCII term is a whole word: not "hp" in "hpq", nor "tel" in "tel_no"'s "telx" */
    if (t->ascii && to < s->len && (alnum(b[to]) || b[to] == '_')) return;
    if (we < t->nlen) return;
    size_t ws = we - t->nlen;
    if (!t->ascii && cw_thai_lead_before(b, ws)) return; /* "ชื่อ" in "สินเชื่อ" */
    if (in_taken(s, ws)) return; /* inside a value already counted ("customer: Mr John Smith") */
    /* key = value / key: value (the key may be a compound: owner_name, customer.email, お客様氏名) */
    size_t k = we;
    while (k < s->len && k < we + 3 && (b[k] == '"' || b[k] == '\'' || b[k] == ' ')) k++;
    if (k < s->len && (b[k] == ':' || b[k] == '=' || fw_colon(b, k, s->len))) {
        size_t ks = ws, lo = ws > 40 ? ws - 40 : 0;
        while (ks > lo && (alnum(b[ks - 1]) || b[ks - 1] == '_' || b[ks - 1] == '-' || b[ks - 1] == '.' || b[ks - 1] >= 0x80)) ks--;
        keyval(s, ks, we, k + (b[k] == ':' || b[k] == '=' ? 1 : 3));
        return;
    }
    if (t->ascii && ws > 0 && (alnum(b[ws - 1]) || b[ws - 1] == '_' || b[ws - 1] == '@' || b[ws - 1] == '.')) return;
    uint64_t c = t->classes;
    if (c & VB(V_TITLE)) {
        size_t n = we;
        if (t->ascii) {
            /* "Mr. John Smith", "Dear Mr Smith" (the next title takes it) */
            if (n < s->len && b[n] == '.') n++;
            if (n >= s->len || b[n] != ' ') return;
            size_t nx = n + 1;
            const cw_vterm *t2;
            if (cw_vocab_prefix(v, V_TITLE, (const char *)b + nx, s->len - nx, &t2)) return;
            if (nx < s->len && upper(b[nx])) take_name(s, nx, true);
            return;
        }
        /* คุณสมชาย ใจดี: Thai titles are written without a blank */
        while (n < s->len && b[n] == ' ') n++;
        if (n < s->len && b[n] >= 0x80) take_name(s, n, true);
        return;
    }
    if (c & VB(V_KW_IDENT)) {
        s->kw_end = s->base + we;
        s->kw_ctx = CW_CTX_IDENT;
    }
    if (c & (VB(V_KW_PHONE) | VB(V_KW_NATID) | VB(V_KW_VIN) | VB(V_KW_CARD))) {
        s->kw_end = s->base + we;
        s->kw_ctx = (c & VB(V_KW_PHONE) ? CW_CTX_CAT(CW_CAT_PHONE) : 0) |
                    (c & VB(V_KW_NATID) ? CW_CTX_CAT(CW_CAT_NATIONAL_ID) : 0) |
                    (c & VB(V_KW_VIN) ? CW_CTX_CAT(CW_CAT_VIN) : 0) | (c & VB(V_KW_CARD) ? CW_CTX_CAT(CW_CAT_CARD) : 0) |
                    (c & VB(V_KW_NATID) ? CW_CTX_CC(cw_vocab_natid_cc(c)) : 0);
    }
    if (!(c & (VB(V_KW_DOB) | VB(V_KW_PLATE) | VB(V_KW_NAME) | VB(V_KW_ADDRESS)))) return;
    size_t vs = value_start(s, we);
    if (vs == SIZE_MAX) return;
    if ((c & VB(V_KW_DOB)) && take_tokens(s, vs, CW_CAT_DOB, 5, true)) return;
    if ((c & VB(V_KW_PLATE)) && take_tokens(s, vs, CW_CAT_PLATE, 5, false)) return;
    if (c & VB(V_KW_NAME)) {
        /* "customer Mr John Smith": the title's handler takes it */
        const cw_vterm *t2;
        size_t tl = cw_vocab_prefix(v, V_TITLE, (const char *)b + vs, s->len - vs, &t2);
        if (tl) {
            size_t n = vs + tl;
            if (n < s->len && b[n] == '.') n++;
            while (n < s->len && b[n] == ' ') n++;
            vs = n;
        }
        if (take_name(s, vs, tl != 0)) return;
    }
    if (c & VB(V_KW_ADDRESS)) take_address(s, vs);
}

void cw_scan_postmark(cw_scan *s, size_t to)
{
    const uint8_t *b = s->buf;
    size_t st = to - 3, i = to, lim = to + 160 < s->len ? to + 160 : s->len;
    if (in_taken(s, st)) return;
    while (i < lim && b[i] != '\n' && b[i] != '\r' && b[i] != '\t' && b[i] != '"' && b[i] != ',' && b[i] != '|') i++;
    if (cw_scan_value(s, CW_CAT_POSTAL_ADDRESS, st, i, false)) mark_taken(s, st, i);
}

/* ---- keys in compatibility forms ---- */
/* The code point of the UTF-8 character at b[i..n) (0 when not a 2-3 byte sequence),
 * its length in *l. */
static uint32_t cp_at(const uint8_t *b, size_t i, size_t n, size_t *l)
{
    uint8_t c = b[i];
    if ((c & 0xE0) == 0xC0 && i + 1 < n) return *l = 2, (uint32_t)(c & 0x1F) << 6 | (b[i + 1] & 0x3F);
    if ((c & 0xF0) == 0xE0 && i + 2 < n)
        return *l = 3, (uint32_t)(c & 0x0F) << 12 | (uint32_t)(b[i + 1] & 0x3F) << 6 | (b[i + 2] & 0x3F);
    return *l = 1, 0;
}

/* A character that can be part of a key: letters and digits of any script (full-width
 * and half-width forms included), '_', '-', '.'; not punctuation or blanks. */
static bool key_cp(uint32_t cp)
{
    if (cp < 0x80) return alnum((uint8_t)cp) || cp == '_' || cp == '-' || cp == '.';
    if (cp >= 0x3000 && cp <= 0x303F) return cp == 0x3005; /* CJK punctuation, but 々 */
    if (cp >= 0xFF00 && cp <= 0xFF65)                     /* full-width ASCII: alnum - _ . */
        return (cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A) ||
               cp == 0xFF0D || cp == 0xFF3F || cp == 0xFF0E;
    if (cp >= 0x2000 && cp <= 0x206F) return false; /* general punctuation */
    return cp >= 0xC0;                               /* letters of other scripts, half-width katakana */
}

/* Start of the key that ends at ke (at most 48 bytes back), ke when none. */
static size_t key_start(const uint8_t *b, size_t ke, size_t lo)
{
    size_t ks = ke;
    if (ke > lo + 48) lo = ke - 48;
    while (ks > lo) {
        size_t st = ks - 1;
        while (st > lo && (b[st] & 0xC0) == 0x80 && ks - st < 3) st--;
        size_t l;
        uint32_t cp = b[st] < 0x80 ? b[st] : cp_at(b, st, ke, &l);
        if (b[st] >= 0x80 && st + l != ks) break; /* not a whole character */
        if (!key_cp(cp)) break;
        ks = st;
    }
    return ks;
}

void cw_scan_compat(cw_scan *s, size_t to)
{
    const uint8_t *b = s->buf;
    if (to < 2 || to >= s->len) return;
    size_t p = to - 2, l, q;
    uint32_t cp = cp_at(b, p, s->len, &l);
    if (l != 3) return;
    size_t ke = p, sep_end;
    if (cp == 0xFF1A || cp == 0xFF1D) { /* '：' or '＝' after a key */
        sep_end = p + 3;
        while (ke > 0 && (b[ke - 1] == ' ' || (ke >= 3 && ideo_space(b, ke - 3, s->len)))) ke -= b[ke - 1] == ' ' ? 1 : 3;
    } else {
        if (!key_cp(cp)) return;
        ke = p + 3; /* the key's last character? */
        if (ke < s->len && key_cp(b[ke] < 0x80 ? b[ke] : cp_at(b, ke, s->len, &l))) return;
        q = ke;
        while (q < s->len && (b[q] == ' ' || ideo_space(b, q, s->len))) q += b[q] == ' ' ? 1 : 3;
        if (q >= s->len || (b[q] != ':' && b[q] != '=')) return; /* '：' '＝' have their own hit */
        sep_end = q + 1;
    }
    if (s->kw_end == s->base + sep_end) return; /* the vocabulary's term took this key */
    size_t lo = s->kw_end > s->base && s->kw_end - s->base < ke ? (size_t)(s->kw_end - s->base) : 0;
    size_t ks = key_start(b, ke, lo);
    if (ks == ke || in_taken(s, ks)) return;
    cw_ctx kc = cw_ctx_of_name((const char *)b + ks, ke - ks, NULL, 0);
    if (!(kc & (CW_CTX_CATS | CW_CTX_IDENT))) return; /* says nothing: leave the keywords' context */
    keyval(s, ks, ke, sep_end);
}
