/* natid.h - national identity and tax numbers with their check digits or structure:
 * AU TFN, NZ IRD, JP My Number, SG NRIC/FIN, TH citizen ID, ID NIK, PH SSS,
 * MY MyKad, IN Aadhaar (Verhoeff) and PAN. */
#ifndef CW_CLS_NATID_H
#define CW_CLS_NATID_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"

/* s[0..n): a candidate token. with_ctx: a column/key/keyword says "national id":
 * any scheme whose check digits or structure hold is accepted; without context the
 * number must also be written in the scheme's usual grouping. Returns the country,
 * CW_CC_NONE when not an ID. */
cw_cc cw_natid_check(const char *s, size_t n, bool with_ctx);
/* Every reading at once: bit 1 << cw_cc for each country whose scheme accepts s[0..n)
 * (under the same rules); 0 when none. cw_natid_check() is cw_natid_first() of it. */
uint16_t cw_natid_readings(const char *s, size_t n, bool with_ctx);
/* The reading taken when nothing else decides (a fixed order of the schemes). */
cw_cc cw_natid_first(uint16_t mask);
bool cw_verhoeff(const char *digits, size_t n);
bool cw_tfn_ok(const char *d, size_t n);
bool cw_ird_ok(const char *d, size_t n);
bool cw_mynumber_ok(const char *d, size_t n);
bool cw_nric_ok(const char *s); /* 9 chars */
bool cw_thai_id_ok(const char *d, size_t n);
#endif
