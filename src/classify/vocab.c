/* vocab.c - parsing and lookups of the embedded vocabularies (see vocab.h). */
#include "vocab.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "../util/arena.h"

extern const char cw_cls_vocab_text[];
extern const size_t cw_cls_vocab_len;

#define HBITS 12

struct cw_vocab {
    cw_vterm *t;
    size_t n, cap;
    int bad_lines;
    uint32_t slot[1u << HBITS]; /* single-word terms: index + 1, open addressing */
    uint32_t *phr;              /* ASCII multi-word terms */
    size_t nphr;
    uint32_t *sub;              /* non-ASCII terms (matched as substrings) */
    size_t nsub;
    uint32_t *bycls[V__COUNT];  /* terms of each class */
    size_t nbycls[V__COUNT];
    cw_arena strings;
};

static cw_vocab vocab;
static pthread_once_t vocab_once = PTHREAD_ONCE_INIT;

static inline uint32_t fnv(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

/* Results of cw_nfkc_fold for non-ASCII input (a pure function), per thread. */
#define NF_SLOTS 128
typedef struct nf_ent {
    uint8_t n, nl; /* n = 0: empty */
    uint32_t h;
    char in[56];
    char out[64];
} nf_ent;
static _Thread_local nf_ent nf_cache[NF_SLOTS];

size_t cw_nfkc_fold(const char *s, size_t n, char *out, size_t cap)
{
    if (!n || cap < 2) return 0;
    bool ascii = true;
    for (size_t i = 0; i < n && ascii; i++) ascii = (uint8_t)s[i] < 0x80;
    if (ascii) {
        if (n >= cap) return 0;
        for (size_t i = 0; i < n; i++) {
            uint8_t c = (uint8_t)s[i];
            out[i] = (char)((uint8_t)(c - 'A') < 26 ? c | 0x20 : c);
        }
        out[n] = 0;
        return n;
    }
    /* non-ASCII: the same few strings come back (Thai provinces, Japanese plate
     * regions, column names): remember the last results of this thread */
    nf_ent *ce = NULL;
    uint32_t h = 0;
    if (n <= sizeof ce->in) {
        h = fnv(s, n);
        ce = &nf_cache[h & (NF_SLOTS - 1)];
        if (ce->n == n && ce->h == h && memcmp(ce->in, s, n) == 0) {
            if (ce->nl >= cap) return 0;
            memcpy(out, ce->out, ce->nl);
            out[ce->nl] = 0;
            return ce->nl;
        }
    }
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t l = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &dst,
                                      UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    if (l < 0 || (size_t)l >= cap) {
        free(dst);
        if (l >= 0 || n >= cap) return 0;
        for (size_t i = 0; i < n; i++) { /* invalid UTF-8: bytes, ASCII lower-cased */
            uint8_t c = (uint8_t)s[i];
            out[i] = (char)((uint8_t)(c - 'A') < 26 ? c | 0x20 : c);
        }
        out[n] = 0;
        return n;
    }
    memcpy(out, dst, (size_t)l);
    out[l] = 0;
    free(dst);
    if (ce && (size_t)l <= sizeof ce->out) {
        ce->n = (uint8_t)n;
        ce->nl = (uint8_t)l;
        ce->h = h;
        memcpy(ce->in, s, n);
        memcpy(ce->out, out, (size_t)l);
    }
    return (size_t)l;
}

static const char *const class_names[V__COUNT] = {
    "email", "dob", "vin", "phone", "natid", "card", "plate", "license", "address", "name",
    "person", "namepart", "nameok", "biz", "ident", "text", "dateword", "netaddr",
    "kw_phone", "kw_dob", "kw_plate", "kw_name", "kw_address", "kw_natid", "kw_vin", "kw_card", "kw_ident",
    "title", "honorific", "th_province", "id_region",
    "natid_au", "natid_nz", "natid_jp", "natid_sg", "natid_th", "natid_id", "natid_ph", "natid_my", "natid_in",
    NULL, NULL,
};

static int class_of(const char *s, size_t n, int *month, int *era)
{
    *month = 0;
    *era = 0;
    if (n >= 2 && n <= 3 && s[0] == 'm') {
        int m = atoi(s + 1);
        if (m >= 1 && m <= 12) return *month = m, V_MONTH;
    }
    if (n == 8 && memcmp(s, "era_", 4) == 0) {
        *era = atoi(s + 4);
        return *era > 1800 ? V_ERA : -1;
    }
    for (int c = 0; c < V__COUNT; c++)
        if (class_names[c] && strlen(class_names[c]) == n && memcmp(class_names[c], s, n) == 0) return c;
    return -1;
}

static uint32_t *slot_of(cw_vocab *v, const char *w, size_t n, bool exact)
{
    uint32_t h = fnv(w, n) ^ (exact ? 0x9e3779b9u : 0);
    for (uint32_t i = h & ((1u << HBITS) - 1);; i = (i + 1) & ((1u << HBITS) - 1)) {
        uint32_t k = v->slot[i];
        if (!k) return &v->slot[i];
        const cw_vterm *t = &v->t[k - 1];
        if (t->nlen == n && t->exact == exact && memcmp(t->norm, w, n) == 0) return &v->slot[i];
    }
}

static void push_idx(uint32_t **a, size_t *n, uint32_t x)
{
    if ((*n & (*n - 1)) == 0 || *n == 0) *a = cw_xrealloc(*a, (*n ? *n * 2 : 8) * sizeof **a);
    (*a)[(*n)++] = x;
}

static void add_term(cw_vocab *v, int cls, int month, int era, const char *raw, size_t rn)
{
    bool exact = rn && raw[0] == '=';
    if (exact) raw++, rn--;
    char norm[256];
    size_t nl = cw_nfkc_fold(raw, rn, norm, sizeof norm);
    if (!nl) {
        v->bad_lines++;
        return;
    }
    bool ascii = true;
    int words = 1;
    for (size_t i = 0; i < nl; i++) {
        if ((uint8_t)norm[i] >= 0x80) ascii = false;
        if (norm[i] == ' ') words++;
    }
    bool single = ascii ? words == 1 : true;
    uint32_t idx = 0;
    uint32_t *slot = single ? slot_of(v, norm, nl, exact) : NULL;
    if (slot && *slot) {
        idx = *slot - 1;
    } else {
        if (!single) /* merge repeated phrases */
            for (size_t k = 0; k < v->nphr; k++) {
                const cw_vterm *t = &v->t[v->phr[k]];
                if (t->nlen == nl && memcmp(t->norm, norm, nl) == 0) {
                    idx = v->phr[k] + 1;
                    break;
                }
            }
        if (idx) {
            idx--;
        } else {
            if (v->n == v->cap) {
                v->cap = v->cap ? v->cap * 2 : 512;
                v->t = cw_xrealloc(v->t, v->cap * sizeof *v->t);
            }
            idx = (uint32_t)v->n++;
            cw_vterm *t = &v->t[idx];
            memset(t, 0, sizeof *t);
            t->norm = cw_arena_strndup(&v->strings, norm, nl);
            t->nlen = (uint32_t)nl;
            t->ascii = ascii;
            t->exact = exact;
            t->nwords = (uint8_t)(ascii ? words : 1);
            if (slot) *slot = idx + 1;
            else push_idx(&v->phr, &v->nphr, idx);
            if (!ascii && !exact) push_idx(&v->sub, &v->nsub, idx);
        }
    }
    cw_vterm *t = &v->t[idx];
    if (!(t->classes & VB(cls))) push_idx(&v->bycls[cls], &v->nbycls[cls], idx);
    t->classes |= VB(cls);
    if (month) t->month = (uint8_t)month;
    if (era) t->era_year = (uint16_t)era;
}

static void parse(void)
{
    cw_vocab *v = &vocab;
    cw_arena_init(&v->strings, 16384);
    const char *p = cw_cls_vocab_text, *end = p + cw_cls_vocab_len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *q = p;
        p = nl ? nl + 1 : end;
        while (q < le && (*q == ' ' || *q == '\t')) q++;
        const char *e = le;
        while (e > q && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) e--;
        if (q == e || *q == '#' || *q == '@') continue;
        const char *cs = q;
        while (q < e && *q != ' ' && *q != '\t') q++;
        size_t cn = (size_t)(q - cs);
        while (q < e && (*q == ' ' || *q == '\t')) q++;
        int month, era;
        int cls = class_of(cs, cn, &month, &era);
        if (cls < 0 || q == e) {
            v->bad_lines++;
            continue;
        }
        add_term(v, cls, month, era, q, (size_t)(e - q));
    }
}

static void init_once(void) { parse(); }

const cw_vocab *cw_vocab_get(void)
{
    pthread_once(&vocab_once, init_once);
    return &vocab;
}

int cw_vocab_bad_lines(const cw_vocab *v) { return v->bad_lines; }
size_t cw_vocab_nterms(const cw_vocab *v) { return v->n; }
const cw_vterm *cw_vocab_term(const cw_vocab *v, size_t i) { return i < v->n ? &v->t[i] : NULL; }

uint64_t cw_vocab_word(const cw_vocab *v, const char *w, size_t n)
{
    uint32_t *s = slot_of((cw_vocab *)v, w, n, false);
    return *s ? v->t[*s - 1].classes : 0;
}

static bool contains(const char *h, size_t hn, const char *nd, size_t nn)
{
    for (size_t o = 0; nn && o + nn <= hn;) {
        const char *p = memmem(h + o, hn - o, nd, nn);
        if (!p) return false;
        size_t i = (size_t)(p - h);
        if (!cw_thai_lead_before((const uint8_t *)h, i)) return true; /* not inside a Thai syllable */
        o = i + 1;
    }
    return false;
}

uint64_t cw_vocab_name_classes(const cw_vocab *v, const char *const *ws, const size_t *wl, int nw,
                               const char *joined, size_t jl, uint64_t known, bool *unknown)
{
    uint64_t cls = 0;
    uint64_t wknown = 0; /* bit i: word i is accounted for */
    bool nonascii = false;
    for (size_t i = 0; i < jl && !nonascii; i++) nonascii = (uint8_t)joined[i] >= 0x80;
    for (int i = 0; i < nw && i < 64; i++) {
        uint64_t c = cw_vocab_word(v, ws[i], wl[i]);
        cls |= c;
        bool digits = true;
        for (size_t k = 0; k < wl[i]; k++) digits &= (uint8_t)(ws[i][k] - '0') < 10;
        if ((c & known) || digits) wknown |= 1ULL << i;
    }
    for (size_t k = 0; k < v->nphr; k++) {
        const cw_vterm *t = &v->t[v->phr[k]];
        if (t->nwords > nw) continue;
        /* the phrase's words, adjacent */
        for (int i = 0; i + t->nwords <= nw; i++) {
            const char *p = t->norm;
            int j = 0;
            for (; j < t->nwords; j++) {
                const char *sp = memchr(p, ' ', t->nlen - (size_t)(p - t->norm));
                size_t l = sp ? (size_t)(sp - p) : t->nlen - (size_t)(p - t->norm);
                if (l != wl[i + j] || memcmp(p, ws[i + j], l) != 0) break;
                p += l + 1;
            }
            if (j == t->nwords) {
                cls |= t->classes;
                if (t->classes & known)
                    for (j = 0; j < t->nwords; j++) wknown |= 1ULL << (i + j);
            }
        }
    }
    if (nonascii) {
        for (size_t k = 0; k < v->nsub; k++) {
            const cw_vterm *t = &v->t[v->sub[k]];
            if (!contains(joined, jl, t->norm, t->nlen)) continue;
            cls |= t->classes;
            if (t->classes & known)
                for (int i = 0; i < nw && i < 64; i++)
                    if (contains(ws[i], wl[i], t->norm, t->nlen)) wknown |= 1ULL << i;
        }
    }
    /* '=' terms: the whole name */
    uint32_t *s = slot_of((cw_vocab *)v, joined, jl, true);
    if (*s) {
        cls |= v->t[*s - 1].classes;
        if (v->t[*s - 1].classes & known) wknown = ~0ULL;
    }
    if (unknown) {
        *unknown = false;
        for (int i = 0; i < nw && i < 64; i++)
            if (!(wknown >> i & 1)) *unknown = true;
    }
    return cls;
}

static inline uint8_t lower(uint8_t c) { return (uint8_t)(c - 'A') < 26 ? c | 0x20 : c; }
static inline bool letter(uint8_t c) { return (uint8_t)((c | 0x20) - 'a') < 26; }

/* Does term t match s at [0..) ? returns the length in s or 0. */
static size_t match_at(const cw_vterm *t, const char *s, size_t n)
{
    if (t->nlen > n) return 0;
    if (t->ascii) {
        for (size_t i = 0; i < t->nlen; i++) {
            uint8_t a = lower((uint8_t)s[i]), b = (uint8_t)t->norm[i];
            if (a != b) return 0;
        }
        if (t->nlen < n && letter((uint8_t)s[t->nlen]) && letter((uint8_t)t->norm[t->nlen - 1])) return 0;
        return t->nlen;
    }
    return memcmp(s, t->norm, t->nlen) == 0 ? t->nlen : 0;
}

size_t cw_vocab_prefix(const cw_vocab *v, cw_vclass c, const char *s, size_t n, const cw_vterm **term)
{
    size_t best = 0;
    for (size_t k = 0; k < v->nbycls[c]; k++) {
        const cw_vterm *t = &v->t[v->bycls[c][k]];
        size_t l = match_at(t, s, n);
        if (l > best) {
            best = l;
            if (term) *term = t;
        }
    }
    return best;
}

size_t cw_vocab_suffix(const cw_vocab *v, cw_vclass c, const char *s, size_t n)
{
    size_t best = 0;
    for (size_t k = 0; k < v->nbycls[c]; k++) {
        const cw_vterm *t = &v->t[v->bycls[c][k]];
        if (t->nlen > n || t->nlen <= best) continue;
        if (t->ascii) {
            size_t i = 0, o = n - t->nlen;
            while (i < t->nlen && lower((uint8_t)s[o + i]) == (uint8_t)t->norm[i]) i++;
            if (i == t->nlen) best = t->nlen;
        } else if (memcmp(s + n - t->nlen, t->norm, t->nlen) == 0) {
            best = t->nlen;
        }
    }
    return best;
}

bool cw_vocab_is(const cw_vocab *v, cw_vclass c, const char *s, size_t n)
{
    char norm[256];
    size_t nl = cw_nfkc_fold(s, n, norm, sizeof norm);
    if (!nl) return false;
    uint32_t *sl = slot_of((cw_vocab *)v, norm, nl, false);
    if (*sl) return (v->t[*sl - 1].classes & VB(c)) != 0;
    for (size_t k = 0; k < v->nphr; k++) {
        const cw_vterm *t = &v->t[v->phr[k]];
        if ((t->classes & VB(c)) && t->nlen == nl && memcmp(t->norm, norm, nl) == 0) return true;
    }
    return false;
}

long cw_vocab_find(const cw_vocab *v, const char *norm, size_t n)
{
    uint32_t *sl = slot_of((cw_vocab *)v, norm, n, false);
    if (*sl) return (long)*sl - 1;
    for (size_t k = 0; k < v->nphr; k++) {
        const cw_vterm *t = &v->t[v->phr[k]];
        if (t->nlen == n && memcmp(t->norm, norm, n) == 0) return (long)v->phr[k];
    }
    return -1;
}
