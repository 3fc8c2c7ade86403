/* patterns.h - the pattern database: one Vectorscan (libhs) block-mode database with
 * the literal stage-1 triggers (the byte-class runs, VIN and digits, are found by
 * runs.c), and the anchored PCRE2 (JIT) regexes that confirm a candidate
 * span in stage 2. Both are registry tables in patterns.c.
 *
 * Triggers report only end offsets (no SOM): each trigger is built so that its end
 * lands inside or just after the candidate, and the hit handler extracts the span. */
#ifndef CW_CLS_PATTERNS_H
#define CW_CLS_PATTERNS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>

typedef enum {
    CW_T_EMAIL,    /* local-part char, '@', domain char */
    CW_T_VIN,      /* 17 VIN characters */
    CW_T_DIGITS,   /* >= 8 chars of digits and separators, then a non-digit */
    CW_T_WORD,     /* a vocabulary term (key of key=value, keyword, title): Vectorscan ids CW_T_TERM0 + term, end offset just past it */
    CW_T_POSTMARK, /* Japanese postal mark before an address */
    CW_T_COMPAT,   /* the first two bytes of U+FF00-FFBF: full-width ASCII (ＤＯＢ, '：'), half-width katakana (ﾅﾝﾊﾞｰ) */
    CW_T__COUNT
} cw_trigger;
#define CW_T_TERM0 8u /* Vectorscan id of vocabulary term 0 */

typedef enum {
    CW_RX_EMAIL,
    CW_RX_VIN,
    CW_RX_CARD,
    CW_RX_PHONE,
    CW_RX_PLATE,      /* ASCII plate formats, one named group per country family */
    CW_RX_PLATE_JP,
    CW_RX_PLATE_TH,
    CW_RX_NRIC,
    CW_RX_PAN_IN,
    CW_RX_NATID_NUM,  /* digit national IDs with their separators */
    CW_RX_DOB,
    CW_RX__COUNT
} cw_rx_id;

typedef struct cw_patterns {
    hs_database_t *db;
    pcre2_code *rx[CW_RX__COUNT];
    bool jit[CW_RX__COUNT]; /* JIT-compiled, byte mode: matched with pcre2_jit_match */
    unsigned plate_group[16]; /* capture group numbers of CW_RX_PLATE, see patterns.c */
    uint64_t lit_bytes[4];    /* bytes that occur in a trigger literal (either case for caseless ones) */
} cw_patterns;
/* Does byte c occur in a trigger literal? */
static inline bool cw_pat_lit_byte(const cw_patterns *p, uint8_t c) { return (p->lit_bytes[c >> 6] >> (c & 63)) & 1; }

/* Per-thread matching state. */
typedef struct cw_pat_scratch {
    const cw_patterns *p;
    hs_scratch_t *hs;
    pcre2_match_data *md;
    pcre2_match_context *mc;
    pcre2_jit_stack *js;
} cw_pat_scratch;

bool cw_patterns_build(cw_patterns *p, char *err, size_t errlen);
void cw_patterns_free(cw_patterns *p);
bool cw_pat_scratch_init(cw_pat_scratch *s, const cw_patterns *p);
void cw_pat_scratch_free(cw_pat_scratch *s);

/* Anchored match of the whole of subj[0..n) against regex id. */
bool cw_rx_full(cw_pat_scratch *s, cw_rx_id id, const char *subj, size_t n);
/* Same, returning the number of the first capture group that took part (0 if none,
 * -1 if no match). */
int cw_rx_group(cw_pat_scratch *s, cw_rx_id id, const char *subj, size_t n);

/* Hand-coded equivalents of the confirmation regexes on the hot paths (one pass, no
 * backtracking): each returns exactly what cw_rx_full() returns for the same bytes
 * (the unit tests compare them on random strings). */
bool cw_shape_card(const char *s, size_t n);      /* CW_RX_CARD */
bool cw_shape_phone(const char *s, size_t n);     /* CW_RX_PHONE */
bool cw_shape_natid_num(const char *s, size_t n); /* CW_RX_NATID_NUM */
#endif
