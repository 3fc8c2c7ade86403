/* mask.h - masked samples: enough of a value to recognise its kind, never enough
 * to use it. j***@e***.com, JT2*********1234, 4111********1111, +61 *** *** *78. */
#ifndef CW_CLS_MASK_H
#define CW_CLS_MASK_H
#include <stddef.h>

#include "classify.h"

/* Masked copy of v[0..n) for category c, malloc'd, NUL-terminated, valid UTF-8. */
char *cw_mask(cw_cat c, const char *v, size_t n);
#endif
