/* rules.h - rule packs: load (YAML), compile, evaluate.
 *
 * A rule set is immutable after cw_rules_load(); evaluating it does not
 * change it. Loading reports every error of every pack (file:line:col with a
 * caret) into the cw_diags and returns NULL when there was any error.
 * The built-in packs (rules/ in the source tree) are compiled into the binary. */
#ifndef CW_RULES_H
#define CW_RULES_H
#include <stdbool.h>
#include <stddef.h>

#include "../model/finding.h"
#include "../model/model.h"
#include "../util/diag.h"

typedef struct cw_ruleset cw_ruleset;

typedef struct cw_rules_opts {
    bool builtin;               /* include the built-in packs */
    const char *const *paths;   /* extra pack files or directories (*.yaml, *.yml) */
    size_t npaths;
    const char *today;          /* "YYYY-MM-DD" for exception expiry; NULL = current date */
} cw_rules_opts;

cw_ruleset *cw_rules_load(const cw_rules_opts *o, cw_diags *d);
void cw_rules_free(cw_ruleset *rs);
size_t cw_rules_count(const cw_ruleset *rs);          /* enabled rules */
const cw_rule_meta *cw_rules_meta(const cw_ruleset *rs, size_t i);
const cw_rule_meta *cw_rules_find(const cw_ruleset *rs, const char *id);
/* Evaluate every enabled rule over every live asset of its resource types.
 * Findings (evidence strings allocated in a) are appended to out; findings
 * matched by an unexpired exception are added with suppressed_by set.
 * Expired exceptions produce a warning diagnostic once each. */
void cw_rules_eval(const cw_ruleset *rs, const cw_assets *s, cw_arena *a, cw_findings *out,
                   cw_diags *d);
/* Built-in pack sources (embedded): name + text. */
typedef struct cw_builtin_pack {
    const char *name; /* "aws-s3.yaml" */
    const char *text;
    size_t len;
} cw_builtin_pack;
extern const cw_builtin_pack cw_builtin_packs[];
extern const size_t cw_builtin_npacks;
#endif
