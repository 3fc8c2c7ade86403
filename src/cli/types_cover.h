/* types_cover.h - which resource types the enabled rules cover (cmd_types.c):
 * the scan summary counts the assets of types no rule looks at. */
#ifndef CW_TYPES_COVER_H
#define CW_TYPES_COVER_H
#include <stdbool.h>
#include <stddef.h>

#include "../model/model.h"
#include "../rules/rules.h"

typedef struct cw_types_cov {
    size_t types, assets;                     /* live assets, their distinct types */
    size_t uncovered_types, uncovered_assets; /* of types no enabled rule names */
} cw_types_cov;

bool cw_type_covered(const cw_ruleset *rs, const char *type);
/* After cw_assets_link. */
void cw_types_coverage(const cw_assets *s, const cw_ruleset *rs, cw_types_cov *c);
#endif
