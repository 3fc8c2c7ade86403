/* patterns.c - stage-1 trigger table (Vectorscan) and stage-2 confirmation regexes
 * (PCRE2, anchored at both ends, JIT-compiled). */
#include "patterns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"
#include "../util/strbuf.h"
#include "vocab.h"

typedef struct trigger_def {
    cw_trigger id;
    unsigned flags;
    const char *re;
} trigger_def;

/* CW_T_VIN and CW_T_DIGITS (bounded repeats of dense classes) and CW_T_EMAIL
 * ([A-Za-z0-9._%+-]@[A-Za-z0-9], a single byte class around '@') are found by runs.c.
 * The context words are the vocabulary's terms (vocab.h), one literal pattern each
 * with id CW_T_TERM0 + term index: ASCII terms case-insensitive and followed by a byte
 * that is not a letter, digit or '_' (the handler checks the start), other scripts as
 * written (no word boundaries). */
/* classes whose terms are triggers in text */
#define TRIGGER_CLASSES                                                                                       \
    (V_KW_ANY | VB(V_TITLE) | VB(V_EMAIL) | VB(V_DOB) | VB(V_VIN) | VB(V_PHONE) | VB(V_NATID) | VB(V_CARD) |   \
     VB(V_PLATE) | VB(V_ADDRESS) | VB(V_NAME) | VB(V_PERSON))

typedef struct rx_def {
    cw_rx_id id;
    bool utf;
    const char *re;
} rx_def;

#define PLATE_IN_STATES \
    "(?:AN|AP|AR|AS|BR|CH|CG|DD|DL|GA|GJ|HR|HP|JK|JH|KA|KL|LA|LD|MP|MH|MN|ML|MZ|NL|OD|PB|PY|RJ|SK|TN|TS|TR|UP|UK|WB)"

static const rx_def rxs[] = {
    {CW_RX_EMAIL, false,
     "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@"
     "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,24}"},
    {CW_RX_VIN, false, "[A-HJ-NPR-Z0-9]{8}[0-9X][A-HJ-NPR-TV-Y1-9][A-HJ-NPR-Z0-9]{7}"},
    {CW_RX_CARD, false,
     "(?:\\d{4}([ -]?)\\d{4}\\1\\d{4}\\1\\d{4}(?:\\1?\\d{1,3})?|\\d{4}([ -]?)\\d{6}\\2\\d{4,5}|\\d{12,19})"},
    {CW_RX_PHONE, false,
     "(?:\\+\\d{1,3}[ .-]?)?(?:\\(0?\\d{1,4}\\)[ .-]?)?\\d{1,5}(?:[ .-]?\\d{1,5}){0,6}"},
    /* groups: 1 SG, 2 IN, 3 AU-only, 4 ID, 5 shared by AU/NZ/PH/MY, 6 MY */
    {CW_RX_PLATE, false,
     "(?:(S[A-HJ-NPR-Z]{1,2}[ -]?[1-9]\\d{0,3}[ -]?[A-HJ-NPR-Z])"
     "|(" PLATE_IN_STATES "[ -]?\\d{1,2}[ -]?[A-Z]{1,3}[ -]?\\d{4})"
     "|([A-Z]{2}[ -]?\\d{2}[ -]?[A-Z]{2}|\\d[A-Z]{2}[ -]?\\d[A-Z]{2}|\\d{3}[ -]?[A-Z]{3}|\\d[A-Z]{3}[ -]?\\d{3}"
     "|S\\d{3}[ -]?[A-Z]{3}|[A-Z]\\d{2}[ -]?[A-Z]{2}|Y[A-Z]{2}[ -]?\\d{2}[ -]?[A-Z])"
     "|([A-Z]{1,2} \\d{1,4} [A-Z]{1,3})"
     "|([A-Z]{3}[ -]?\\d{3,4}|[A-Z]{2}[ -]?\\d{4})"
     "|([A-Z]{1,3} ?\\d{1,4}(?: ?[A-Z])?))"},
    {CW_RX_PLATE_JP, true,
     "[\\x{4E00}-\\x{9FFF}\\x{3040}-\\x{30FF}]{1,5}\\s?\\d{2,3}\\s?[\\x{3041}-\\x{309F}]\\s?\\d{1,2}-\\d{2}"},
    {CW_RX_PLATE_TH, true, "\\d?[\\x{0E01}-\\x{0E2E}]{1,2}\\s?\\d{1,4}(?:\\s+[\\x{0E00}-\\x{0E7F}]+)?"},
    {CW_RX_NRIC, false, "[STFGM]\\d{7}[A-Z]"},
    {CW_RX_PAN_IN, false, "[A-Z]{3}[ABCFGHLJPT][A-Z]\\d{4}[A-Z]"},
    {CW_RX_NATID_NUM, false, "\\d+(?:[ -]\\d+){0,5}"},
    {CW_RX_DOB, false,
     "(?:\\d{1,4}[-/. ]\\d{1,2}[-/. ]\\d{1,4}|\\d{1,2}[ -][A-Za-z]{3,9},?[ -]\\d{4}|[A-Za-z]{3,9} \\d{1,2},? \\d{4}"
     "|\\d{8}|\\d{4}\xE5\xB9\xB4\\d{1,2}\xE6\x9C\x88\\d{1,2}\xE6\x97\xA5)(?:[T ]\\d{2}:\\d{2}[0-9:.]*(?:Z|[+-]\\d{2}:?\\d{2})?)?"},
};

bool cw_patterns_build(cw_patterns *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    const cw_vocab *v = cw_vocab_get();
    size_t nterms = cw_vocab_nterms(v);
    /* every trigger is a literal: the postal mark and the vocabulary's terms (ASCII ones
     * case-insensitive, a phrase also with '_' and '-' between its words); literal sets
     * compile in milliseconds and scan with Vectorscan's literal matchers */
    size_t cap = 4 + 3 * nterms, nt = 0;
    char **exprs = cw_xcalloc(cap, sizeof *exprs);
    size_t *lens = cw_xcalloc(cap, sizeof *lens);
    unsigned *flags = cw_xcalloc(cap, sizeof *flags), *ids = cw_xcalloc(cap, sizeof *ids);
    exprs[nt] = cw_xstrdup("\xE3\x80\x92"); /* 〒 */
    lens[nt] = 3;
    ids[nt++] = CW_T_POSTMARK;
    /* compatibility forms (keys written ＤＯＢ：, Ｅ－ｍａｉｌ:, ﾅﾝﾊﾞｰ=): textctx.c reads the character */
    for (int k = 0; k < 3; k++) {
        char lead[3] = {(char)0xEF, (char)(0xBC + k), 0};
        exprs[nt] = cw_xstrdup(lead);
        lens[nt] = 2;
        ids[nt++] = CW_T_COMPAT;
    }
    for (size_t i = 0; i < nterms; i++) {
        const cw_vterm *t = cw_vocab_term(v, i);
        if (!(t->classes & TRIGGER_CLASSES) || t->exact) continue;
        if (t->ascii && t->nlen < 2 && !(t->classes & V_KW_ANY)) continue;
        static const char seps[] = {' ', '_', '-'};
        for (int k = 0; k < (t->ascii && t->nwords > 1 ? 3 : 1); k++) {
            char *e = cw_xstrdup(t->norm);
            for (char *q = e; *q; q++)
                if (*q == ' ') *q = seps[k];
            exprs[nt] = e;
            lens[nt] = t->nlen;
            flags[nt] = t->ascii ? HS_FLAG_CASELESS : 0;
            ids[nt++] = CW_T_TERM0 + (unsigned)i;
        }
    }
    for (size_t i = 0; i < nt; i++)
        for (size_t k = 0; k < lens[i]; k++) {
            uint8_t ch = (uint8_t)exprs[i][k];
            p->lit_bytes[ch >> 6] |= 1ULL << (ch & 63);
            if (flags[i] & HS_FLAG_CASELESS) {
                uint8_t o = (uint8_t)((ch | 0x20) - 'a') < 26 ? ch ^ 0x20 : ch;
                p->lit_bytes[o >> 6] |= 1ULL << (o & 63);
            }
        }
    hs_compile_error_t *ce = NULL;
    hs_error_t rc = hs_compile_lit_multi((const char *const *)exprs, flags, ids, lens, (unsigned)nt, HS_MODE_BLOCK,
                                         NULL, &p->db, &ce);
    if (rc != HS_SUCCESS)
        snprintf(err, errlen, "internal: trigger %s does not compile: %s",
                 ce && ce->expression >= 0 ? exprs[ce->expression] : "?", ce ? ce->message : "?");
    for (size_t i = 0; i < nt; i++) free(exprs[i]);
    free(exprs);
    free(lens);
    free(flags);
    free(ids);
    if (rc != HS_SUCCESS) {
        hs_free_compile_error(ce);
        return false;
    }
    for (size_t i = 0; i < sizeof rxs / sizeof *rxs; i++) {
        int ec;
        PCRE2_SIZE eo;
        uint32_t opt = PCRE2_ANCHORED | PCRE2_ENDANCHORED;
        if (rxs[i].utf) opt |= PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
        pcre2_code *c = pcre2_compile((PCRE2_SPTR)rxs[i].re, PCRE2_ZERO_TERMINATED, opt, &ec, &eo, NULL);
        if (!c) {
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(ec, msg, sizeof msg);
            snprintf(err, errlen, "internal: regex %d does not compile at %zu: %s", (int)rxs[i].id, (size_t)eo,
                     (char *)msg);
            cw_patterns_free(p);
            return false;
        }
        /* without JIT (unsupported CPU), pcre2_match interprets */
        p->jit[rxs[i].id] = pcre2_jit_compile(c, PCRE2_JIT_COMPLETE) == 0 && !rxs[i].utf;
        p->rx[rxs[i].id] = c;
    }
    return true;
}

void cw_patterns_free(cw_patterns *p)
{
    if (p->db) hs_free_database(p->db);
    for (int i = 0; i < CW_RX__COUNT; i++)
        if (p->rx[i]) pcre2_code_free(p->rx[i]);
    memset(p, 0, sizeof *p);
}

bool cw_pat_scratch_init(cw_pat_scratch *s, const cw_patterns *p)
{
    memset(s, 0, sizeof *s);
    s->p = p;
    if (hs_alloc_scratch(p->db, &s->hs) != HS_SUCCESS) return false;
    s->md = pcre2_match_data_create(16, NULL);
    s->mc = pcre2_match_context_create(NULL);
    s->js = pcre2_jit_stack_create(32 * 1024, 256 * 1024, NULL);
    if (!s->md || !s->mc || !s->js) return false;
    pcre2_jit_stack_assign(s->mc, NULL, s->js);
    return true;
}

void cw_pat_scratch_free(cw_pat_scratch *s)
{
    if (s->hs) hs_free_scratch(s->hs);
    if (s->md) pcre2_match_data_free(s->md);
    if (s->mc) pcre2_match_context_free(s->mc);
    if (s->js) pcre2_jit_stack_free(s->js);
    memset(s, 0, sizeof *s);
}

static int rx_match(cw_pat_scratch *s, cw_rx_id id, const char *subj, size_t n)
{
    /* JIT code of the byte (non-UTF) regexes runs directly; UTF ones go through pcre2_match,
     * which also handles invalid UTF-8 safely */
    if (s->p->jit[id]) return pcre2_jit_match(s->p->rx[id], (PCRE2_SPTR)subj, n, 0, 0, s->md, s->mc);
    return pcre2_match(s->p->rx[id], (PCRE2_SPTR)subj, n, 0, 0, s->md, s->mc);
}

bool cw_rx_full(cw_pat_scratch *s, cw_rx_id id, const char *subj, size_t n)
{
    return rx_match(s, id, subj, n) > 0;
}

int cw_rx_group(cw_pat_scratch *s, cw_rx_id id, const char *subj, size_t n)
{
    int rc = rx_match(s, id, subj, n);
    if (rc <= 0) return -1;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->md);
    for (int g = 1; g < rc; g++)
        if (ov[2 * g] != PCRE2_UNSET) return g;
    return 0;
}

/* ---- hand-coded shapes (see patterns.h) ---- */
static inline bool sdig(char c) { return (unsigned char)(c - '0') < 10; }

bool cw_shape_card(const char *s, size_t n)
{
    /* groups of digits split by single separators, all the same separator */
    size_t g[20];
    size_t ng = 0, len = 0;
    char sep = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (sdig(c)) {
            len++;
            continue;
        }
        if (c != ' ' && c != '-') return false;
        if (!len || (sep && c != sep) || ng == 19) return false;
        sep = c;
        g[ng++] = len;
        len = 0;
    }
    if (!len) return false;
    g[ng++] = len;
    if (ng == 1) return len >= 12 && len <= 19;
    if (ng == 3 && g[0] == 4 && g[1] == 6 && (g[2] == 4 || g[2] == 5)) return true;
    if (ng < 4 || ng > 5 || g[0] != 4 || g[1] != 4 || g[2] != 4) return false;
    if (ng == 4) return g[3] >= 4 && g[3] <= 7;
    return g[3] == 4 && g[4] >= 1 && g[4] <= 3;
}

static inline bool psep(char c) { return c == ' ' || c == '.' || c == '-'; }

/* \d{1,5}(?:[ .-]?\d{1,5}){0,6} over s[i..n): digit runs split by single separators,
 * at most 7 pieces of 1-5 digits */
static bool phone_tail(const char *s, size_t n, size_t i)
{
    size_t pieces = 0;
    while (i < n) {
        if (!sdig(s[i])) return false;
        size_t l = 0;
        while (i < n && sdig(s[i])) i++, l++;
        pieces += (l + 4) / 5;
        if (pieces > 7) return false;
        if (i < n) {
            if (!psep(s[i])) return false;
            i++;
            if (i == n) return false;
        }
    }
    return pieces > 0;
}

/* (?:\(0?\d{1,4}\)[ .-]?)?tail */
static bool phone_rest(const char *s, size_t n, size_t i)
{
    if (i < n && s[i] == '(') {
        size_t j = i + 1, l = 0;
        while (j < n && sdig(s[j])) j++, l++;
        if (j >= n || s[j] != ')' || l == 0 || l > 5 || (l == 5 && s[i + 1] != '0')) return false;
        i = j + 1;
        if (i < n && psep(s[i])) i++;
    }
    return i < n && phone_tail(s, n, i);
}

bool cw_shape_phone(const char *s, size_t n)
{
    if (n && s[0] == '+') {
        size_t l = 0;
        while (1 + l < n && sdig(s[1 + l])) l++;
        if (!l) return false;
        /* the country code takes 1-3 digits; the rest of its run starts the number */
        for (size_t c = 1; c <= 3 && c <= l; c++) {
            if (c < l) {
                if (phone_tail(s, n, 1 + c)) return true;
            } else {
                size_t i = 1 + c;
                if (i < n && psep(s[i])) i++;
                if (phone_rest(s, n, i)) return true;
            }
        }
        return false;
    }
    return phone_rest(s, n, 0);
}

bool cw_shape_natid_num(const char *s, size_t n)
{
    size_t groups = 0, i = 0;
    while (i < n) {
        if (!sdig(s[i])) return false;
        while (i < n && sdig(s[i])) i++;
        if (++groups > 6) return false;
        if (i < n) {
            if (s[i] != ' ' && s[i] != '-') return false;
            if (++i == n) return false;
        }
    }
    return groups > 0;
}
