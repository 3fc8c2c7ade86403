/* plates.h - vehicle registration plates by country (and Australian state format),
 * with the Singapore check letter. Plates are weak: callers need context. */
#ifndef CW_CLS_PLATES_H
#define CW_CLS_PLATES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "patterns.h"

/* True when s[0..n) (trimmed) is a plate in a known format. *cc is the country when
 * the format is unique to one; norm receives the plate without separators (>= 32 bytes). */
bool cw_plate_check(cw_pat_scratch *ps, const char *s, size_t n, cw_cc *cc, char *norm, size_t *normlen);
/* Same without the regex scratch; *mask gets every country whose format the plate
 * fits (bit 1 << cw_cc), *cc the country when only one fits (or Singapore's check
 * letter holds). */
bool cw_plate_parse(const char *s, size_t n, cw_cc *cc, uint16_t *mask, char *norm, size_t *normlen);
/* Singapore check letter of e.g. "SBA1234" (prefix letters + up to 4 digits); 0 if not computable. */
char cw_sg_plate_letter(const char *s, size_t n);
#endif
