/* vocab.h - the classify vocabularies (the .txt files of src/classify/vocab, embedded at build
 * time; the format is in src/classify/vocab/README.md): column-name and key words per
 * category, words that announce values in free text, titles and honorifics, month
 * and era names, Thai provinces and Indonesian plate regions. Parsed once, on first
 * use (thread-safe); immutable afterwards. Terms are stored NFKC-normalised and
 * case-folded; lookups normalise their input the same way. */
#ifndef CW_CLS_VOCAB_H
#define CW_CLS_VOCAB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    V_EMAIL, V_DOB, V_VIN, V_PHONE, V_NATID, V_CARD, V_PLATE, V_LICENSE, V_ADDRESS, V_NAME,
    V_PERSON, V_NAMEPART, V_NAMEOK, V_BIZ, V_IDENT, V_TEXT, V_DATEWORD, V_NETADDR,
    V_KW_PHONE, V_KW_DOB, V_KW_PLATE, V_KW_NAME, V_KW_ADDRESS, V_KW_NATID, V_KW_VIN, V_KW_CARD, V_KW_IDENT,
    V_TITLE, V_HONORIFIC, V_TH_PROVINCE, V_ID_REGION,
    /* the national-ID scheme of one country (tfn, マイナンバー, nik): the order of cw_cc */
    V_NATID_AU, V_NATID_NZ, V_NATID_JP, V_NATID_SG, V_NATID_TH, V_NATID_ID, V_NATID_PH, V_NATID_MY, V_NATID_IN,
    V_MONTH, V_ERA,
    V__COUNT
} cw_vclass;
#define VB(c) ((uint64_t)1 << (c))
#define V_KW_ANY                                                                                              \
    (VB(V_KW_PHONE) | VB(V_KW_DOB) | VB(V_KW_PLATE) | VB(V_KW_NAME) | VB(V_KW_ADDRESS) | VB(V_KW_NATID) |      \
     VB(V_KW_VIN) | VB(V_KW_CARD) | VB(V_KW_IDENT))

#define V_NATID_CCS                                                                                           \
    (VB(V_NATID_AU) | VB(V_NATID_NZ) | VB(V_NATID_JP) | VB(V_NATID_SG) | VB(V_NATID_TH) | VB(V_NATID_ID) |     \
     VB(V_NATID_PH) | VB(V_NATID_MY) | VB(V_NATID_IN))
/* The country whose scheme the classes name (one only), else 0 (CW_CC_NONE). */
static inline int cw_vocab_natid_cc(uint64_t classes)
{
    uint64_t m = classes & V_NATID_CCS;
    if (!m || (m & (m - 1))) return 0;
    int c = 0;
    while (!(m & VB(V_NATID_AU + c))) c++;
    return 1 + c; /* CW_CC_AU is 1 */
}

/* Thai writes the vowels เ แ โ ใ ไ (U+0E40-0E44) before the consonant they follow in
 * speech: a term that starts right after one is inside another word ("ชื่อ", name, in
 * "สินเชื่อ", credit). b[0..i) precedes a match at i. */
static inline bool cw_thai_lead_before(const uint8_t *b, size_t i)
{
    return i >= 3 && b[i - 3] == 0xE0 && b[i - 2] == 0xB9 && b[i - 1] >= 0x80 && b[i - 1] <= 0x84;
}

typedef struct cw_vterm {
    const char *norm; /* NFKC + case folded, NUL-terminated */
    uint32_t nlen;
    uint64_t classes;
    uint16_t era_year; /* V_ERA: the era's first year */
    uint8_t month;     /* V_MONTH: 1-12 */
    bool ascii;        /* only ASCII bytes */
    bool exact;        /* '=' term: the whole name only */
    uint8_t nwords;    /* ASCII: number of blank-separated words */
} cw_vterm;

typedef struct cw_vocab cw_vocab;

/* The parsed vocabulary (never NULL; aborts on a malformed embedded file, which is a
 * build error caught by the unit tests). */
const cw_vocab *cw_vocab_get(void);
size_t cw_vocab_nterms(const cw_vocab *v);
/* Lines of the embedded files that could not be used (unknown class, empty term). */
int cw_vocab_bad_lines(const cw_vocab *v);
const cw_vterm *cw_vocab_term(const cw_vocab *v, size_t i);

/* NFKC + case folding of s[0..n) into out (cap bytes, NUL-terminated); returns the
 * length, or 0 when s is empty, invalid UTF-8 (then the ASCII-lowercased bytes are
 * used) or does not fit. */
size_t cw_nfkc_fold(const char *s, size_t n, char *out, size_t cap);

/* Index of the term whose normalised text is norm[0..n) (not '=' terms), -1 if none. */
long cw_vocab_find(const cw_vocab *v, const char *norm, size_t n);
/* Classes of one normalised word (a single-word term), 0 if none. */
uint64_t cw_vocab_word(const cw_vocab *v, const char *w, size_t n);

/* Classes a normalised column name gets from its words: ws[0..nw) are the name's
 * words (normalised), joined the normalised whole name with words separated by one
 * blank. Sets *unknown when some word belongs to none of the classes in `known`. */
uint64_t cw_vocab_name_classes(const cw_vocab *v, const char *const *ws, const size_t *wl, int nw,
                               const char *joined, size_t jl, uint64_t known, bool *unknown);

/* A term of class c that starts at s[0..n): its length in s (bytes), else 0; the
 * longest wins. ASCII terms compare case-insensitively and must end at a non-letter;
 * *term receives the term. */
size_t cw_vocab_prefix(const cw_vocab *v, cw_vclass c, const char *s, size_t n, const cw_vterm **term);
/* A term of class c that ends s[0..n) (a suffix): its length, else 0. */
size_t cw_vocab_suffix(const cw_vocab *v, cw_vclass c, const char *s, size_t n);
/* Is s[0..n) (as written, compared after normalisation) exactly a term of class c? */
bool cw_vocab_is(const cw_vocab *v, cw_vclass c, const char *s, size_t n);
#endif
