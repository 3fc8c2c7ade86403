/* context.c - what a column name or key says about its values. The words come from
 * the vocabularies (the .txt files of src/classify/vocab, vocab.h); this file holds only the
 * order in which they decide. A name is NFKC-normalised, split into words (at
 * punctuation and blanks, camelCase, letters/digits) and case-folded; scripts without
 * blanks (Japanese, Thai) are matched by substrings. */
#include "context.h"

#include <string.h>

#include "vocab.h"

#define MAXW 12
#define WMAX 64

typedef struct words {
    char w[MAXW][WMAX];
    size_t l[MAXW];
    int n;
    char joined[MAXW * (WMAX + 1)];
    size_t jl;
} words;

static inline bool a_lower(uint8_t c) { return (uint8_t)(c - 'a') < 26; }
static inline bool a_upper(uint8_t c) { return (uint8_t)(c - 'A') < 26; }
static inline bool a_digit(uint8_t c) { return (uint8_t)(c - '0') < 10; }

static void push_word(words *ws, const char *s, size_t n)
{
    if (!n || ws->n == MAXW) return;
    size_t l = cw_nfkc_fold(s, n, ws->w[ws->n], WMAX);
    if (!l) return;
    ws->l[ws->n] = l;
    if (ws->jl) ws->joined[ws->jl++] = ' ';
    memcpy(ws->joined + ws->jl, ws->w[ws->n], l);
    ws->jl += l;
    ws->joined[ws->jl] = 0;
    ws->n++;
}

static void split(const char *name, size_t n, words *ws)
{
    ws->n = 0;
    ws->jl = 0;
    ws->joined[0] = 0;
    if (n > 256) n = 256;
    /* compatibility forms first (full-width letters, half-width kana), case kept for camelCase */
    char buf[4 * 256 + 8];
    size_t bn = n;
    bool ascii = true;
    for (size_t i = 0; i < n && ascii; i++) ascii = (uint8_t)name[i] < 0x80;
    const char *s = name;
    if (!ascii) {
        /* NFKC without case folding: fold per word below */
        size_t k = 0;
        for (size_t i = 0; i < n;) {
            /* one code point at a time through the folding normaliser would lose case;
             * full-width ASCII (U+FF01-FF5E) maps to ASCII directly, the rest is kept */
            uint8_t c = (uint8_t)name[i];
            if (c == 0xEF && i + 2 < n && ((uint8_t)name[i + 1] == 0xBC || (uint8_t)name[i + 1] == 0xBD)) {
                uint32_t cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)((uint8_t)name[i + 1] & 0x3F) << 6) |
                              ((uint8_t)name[i + 2] & 0x3F);
                if (cp >= 0xFF01 && cp <= 0xFF5E) {
                    buf[k++] = (char)(cp - 0xFF01 + 0x21);
                    i += 3;
                    continue;
                }
            }
            if (c == 0xE3 && i + 2 < n && (uint8_t)name[i + 1] == 0x80 && (uint8_t)name[i + 2] == 0x80) {
                buf[k++] = ' '; /* ideographic space */
                i += 3;
                continue;
            }
            buf[k++] = (char)c;
            i++;
        }
        s = buf;
        bn = k;
    }
    size_t st = 0;
    for (size_t i = 0; i <= bn; i++) {
        uint8_t c = i < bn ? (uint8_t)s[i] : 0;
        bool word_byte = c >= 0x80 || a_lower(c) || a_upper(c) || a_digit(c);
        if (!word_byte) {
            push_word(ws, s + st, i - st);
            st = i + 1;
            continue;
        }
        if (i > st) {
            uint8_t p = (uint8_t)s[i - 1];
            bool camel = a_upper(c) && a_lower(p);
            bool digit_edge = (a_digit(c) != a_digit(p)) && p < 0x80 && c < 0x80;
            bool script_edge = (c >= 0x80) != (p >= 0x80);
            if (camel || digit_edge || script_edge) {
                push_word(ws, s + st, i - st);
                st = i;
            }
        }
    }
}

static bool has_word(const words *ws, const char *w)
{
    size_t l = strlen(w);
    for (int i = 0; i < ws->n; i++)
        if (ws->l[i] == l && memcmp(ws->w[i], w, l) == 0) return true;
    return false;
}

#define C(x) VB(V_##x)

cw_ctx cw_ctx_of_name(const char *name, size_t n, const char *parent, size_t pn)
{
    const cw_vocab *v = cw_vocab_get();
    words ws, ps;
    split(name, n, &ws);
    if (ws.n == 0) return 0;
    const uint64_t known = C(NAME) | C(PERSON) | C(NAMEPART) | C(NAMEOK) | C(TITLE);
    bool unknown = false;
    const char *wp[MAXW];
    for (int i = 0; i < ws.n; i++) wp[i] = ws.w[i];
    uint64_t c = cw_vocab_name_classes(v, wp, ws.l, ws.n, ws.joined, ws.jl, known, &unknown);
    uint64_t pc = 0;
    if (parent && pn) {
        split(parent, pn, &ps);
        const char *pp[MAXW];
        for (int i = 0; i < ps.n; i++) pp[i] = ps.w[i];
        pc = cw_vocab_name_classes(v, pp, ps.l, ps.n, ps.joined, ps.jl, 0, NULL);
    }
    /* e-mail first: "email address" is not a postal address */
    if (c & C(EMAIL)) return CW_CTX_CAT(CW_CAT_EMAIL);
    if (c & C(DOB)) return CW_CTX_CAT(CW_CAT_DOB);
    if (c & C(VIN)) return CW_CTX_CAT(CW_CAT_VIN);
    if (c & C(PHONE)) return CW_CTX_CAT(CW_CAT_PHONE);
    if (c & C(NATID)) {
        cw_ctx cc = CW_CTX_CC(cw_vocab_natid_cc(c)); /* "tfn", "no_ktp": whose scheme */
        return (c & C(CARD)) ? CW_CTX_CAT(CW_CAT_NATIONAL_ID) | CW_CTX_CAT(CW_CAT_CARD) | cc
                             : CW_CTX_CAT(CW_CAT_NATIONAL_ID) | cc;
    }
    if ((c & C(CARD)) && !(c & (C(DATEWORD) | C(PERSON) | C(NAME)))) return CW_CTX_CAT(CW_CAT_CARD);
    if ((c & C(PLATE)) && !(c & C(DATEWORD)) && !has_word(&ws, "id")) return CW_CTX_CAT(CW_CAT_PLATE);
    if (c & C(LICENSE)) {
        if ((c & C(PLATE)) || has_word(&ws, "vehicle")) return CW_CTX_CAT(CW_CAT_PLATE);
        return CW_CTX_CAT(CW_CAT_NATIONAL_ID); /* driver licence number */
    }
    if ((c & C(ADDRESS)) && !(c & C(NETADDR)) && !(pc & C(NETADDR))) return CW_CTX_CAT(CW_CAT_POSTAL_ADDRESS);
    if ((pc & C(ADDRESS)) && !(pc & C(NETADDR)) && !(c & (C(IDENT) | C(NETADDR)))) return CW_CTX_CAT(CW_CAT_POSTAL_ADDRESS);
    /* names */
    bool nameword = (c & C(NAME)) != 0;
    bool parent_name = (pc & (C(NAME) | C(PERSON))) && !(pc & C(BIZ));
    bool part = parent_name && (c & C(NAMEPART));
    if (nameword || part || (c & C(PERSON))) {
        if (c & C(BIZ)) return CW_CTX_BIZ;
        if (!parent_name && (pc & C(BIZ)) && ws.n == 1 && nameword) return CW_CTX_BIZ;
        if ((c & C(IDENT)) && !nameword && !part) return CW_CTX_IDENT; /* customer_id, owner_no */
        /* "customer", "owner" alone: a person, or a team, or a system: judged by the value */
        if (!nameword && !part) return unknown ? CW_CTX_OTHER : CW_CTX_CAT(CW_CAT_PERSON_NAME) | CW_CTX_WEAK;
        /* "name" alone, or with a qualifier the vocabulary does not know (relationshipName,
         * groupName): the value must look like a person's name */
        if (unknown || (ws.n == 1 && (has_word(&ws, "name") || has_word(&ws, "names"))))
            return CW_CTX_CAT(CW_CAT_PERSON_NAME) | CW_CTX_WEAK;
        return CW_CTX_CAT(CW_CAT_PERSON_NAME);
    }
    if (c & C(TEXT)) return CW_CTX_TEXT;
    if (c & C(IDENT)) return CW_CTX_IDENT;
    return CW_CTX_OTHER;
}
