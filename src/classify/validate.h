/* validate.h - validators for candidate spans: VIN (49 CFR 565.15 check digit, WMI
 * region), payment cards (Luhn + issuer ranges), e-mail syntax, dates of birth, and
 * the shape of names and postal addresses found through context. All take the span
 * as bytes; none allocates. */
#ifndef CW_CLS_VALIDATE_H
#define CW_CLS_VALIDATE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"

/* ---- VIN ---- */
typedef enum { CW_VIN_BAD, CW_VIN_OK_CHECKED, CW_VIN_OK_UNCHECKED } cw_vin_result;
/* v: 17 bytes. CW_VIN_OK_CHECKED: structure valid and check digit (position 9)
 * right. CW_VIN_OK_UNCHECKED: structure valid, check digit wrong, and the WMI region
 * does not require it (outside North America): needs context to be accepted. */
cw_vin_result cw_vin_validate(const char *v);
/* True when the WMI (first character 1-5) is North American: check digit mandatory. */
bool cw_vin_na(const char *v);
char cw_vin_check_digit(const char *v);
/* Only hexadecimal characters (0-9, A-F): a trace id or hash more likely than a VIN. */
bool cw_vin_hexlike(const char *v);

/* ---- payment cards ---- */
bool cw_luhn(const char *digits, size_t n);
/* Known issuer range for this length (Visa, Mastercard, Amex, JCB, Diners, Discover,
 * UnionPay, RuPay, Maestro). */
bool cw_card_issuer(const char *digits, size_t n);

/* ---- e-mail ---- */
/* s[0..n) is local@domain; checks RFC 5321 sizes, dot-atom local part, LDH labels,
 * alphabetic TLD. Sets *cc from a country-code TLD. */
bool cw_email_valid(const char *s, size_t n, cw_cc *cc);

/* ---- dates ---- */
/* Dates as people write them: 1985-03-12, 12/03/1985, 12.03.1985, 12 Mar 1985,
 * Mar 12, 1985, 1985年3月12日, 19850312; an ISO time may follow. Year 1900-2030. */
bool cw_date_parse(const char *s, size_t n, int *y, int *m, int *d);

/* ---- names and addresses (need context) ---- */
bool cw_name_valid(const char *s, size_t n);
/* strict: for a generic "name" key; Latin-script values must be 2+ capitalised words. */
bool cw_name_check(const char *s, size_t n, bool strict);
/* Narrow s[0..n) to the name without a title before it or an honorific after it. */
void cw_name_core(const char **s, size_t *n);
/* *cc: the address's country when valid (CW_CC_NONE otherwise). */
bool cw_address_valid(const char *s, size_t n, cw_cc *cc);
/* Country from an address's postcode/state/city/script, CW_CC_NONE if unsure (the
 * first 300 bytes). */
cw_cc cw_address_country(const char *s, size_t n);
/* Country of an e-mail domain / TLD (".au" ...). */
cw_cc cw_cc_from_tld(const char *tld, size_t n);
#endif
