/* context.h - what a column header, JSON key path, SQL column or text key says about
 * the value beside it (as Macie uses keywords): a bit set of categories plus a few
 * kinds of non-personal field. */
#ifndef CW_CLS_CONTEXT_H
#define CW_CLS_CONTEXT_H
#include <stddef.h>
#include <stdint.h>

#include "classify.h"

typedef uint32_t cw_ctx;
#define CW_CTX_CAT(c) ((cw_ctx)(1u << (c)))
#define CW_CTX_IDENT ((cw_ctx)(1u << 10)) /* order/part/serial numbers, ids, codes */
#define CW_CTX_TEXT ((cw_ctx)(1u << 11))  /* free text: notes, comments, messages */
#define CW_CTX_BIZ ((cw_ctx)(1u << 12))   /* a business/product name, not a person */
#define CW_CTX_OTHER ((cw_ctx)(1u << 13)) /* a named field that is none of the above */
/* with CW_CAT_PERSON_NAME: a generic key ("name", "xxxName" with an unknown qualifier): the
 * value must look like a person's name (capitalised words, no slug), not a resource name */
#define CW_CTX_WEAK ((cw_ctx)(1u << 14))
#define CW_CTX_CATS ((cw_ctx)0x1FF)
/* with CW_CAT_NATIONAL_ID: the name says whose scheme (TFN, My Number, NIK ...): the
 * country (cw_cc) in bits 16-19, 0 when it does not say (national_id, passport) */
#define CW_CTX_CC_SHIFT 16
#define CW_CTX_CC_MASK ((cw_ctx)0xF << CW_CTX_CC_SHIFT)
#define CW_CTX_CC(cc) ((cw_ctx)(cc) << CW_CTX_CC_SHIFT)
#define CW_CTX_CC_OF(x) ((cw_cc)(((x) >> CW_CTX_CC_SHIFT) & 0xF))
/* Categories validated field by field from context alone (the whole field is the value). */
#define CW_CTX_FIELD_CATS                                                                              \
    (CW_CTX_CAT(CW_CAT_PERSON_NAME) | CW_CTX_CAT(CW_CAT_POSTAL_ADDRESS) | CW_CTX_CAT(CW_CAT_PLATE) |   \
     CW_CTX_CAT(CW_CAT_DOB) | CW_CTX_CAT(CW_CAT_NATIONAL_ID))

/* Context of a field called name[0..n); parent is the enclosing key (JSON) or NULL.
 * Handles snake_case, camelCase, spaces, hyphens ("E-mail", "Chassis No",
 * "vehicleIdentificationNumber", "customer.name.given"). */
cw_ctx cw_ctx_of_name(const char *name, size_t n, const char *parent, size_t pn);
#endif
