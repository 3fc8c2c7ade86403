/* phone.h - telephone numbers checked against national numbering plans
 * (AU, NZ, JP, SG, TH, ID, PH, MY, IN; other country codes by length only). */
#ifndef CW_CLS_PHONE_H
#define CW_CLS_PHONE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"

typedef struct cw_phone {
    cw_cc cc;         /* country when it can be told (international prefix or unique plan) */
    bool intl;        /* written with +CC */
    char e164[20];    /* digits, with country code when known */
    uint8_t e164_len;
} cw_phone;

/* s[0..n): a token of digits and separators (" -.()", leading '+').
 * need_intl: accept only +CC numbers (no context says this is a phone). */
bool cw_phone_check(const char *s, size_t n, bool need_intl, cw_phone *out);
#endif
