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
#include <stdio.h>

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
 * Expired exceptions produce a warning diagnostic once each. Large sets are
 * evaluated in parts on the threads of x (NULL = the calling thread); the
 * findings are the same, in another order (cw_findings_sort orders them). */
void cw_rules_eval(const cw_ruleset *rs, const cw_assets *s, cw_arena *a, cw_findings *out,
                   cw_diags *d, const cw_exec *x);
/* Narrow the enabled rules to those keep() accepts (scan --rule, --skip-rule,
 * --category): done once, after loading and before evaluating. Returns the
 * number of rules still enabled. */
size_t cw_rules_select(cw_ruleset *rs, bool (*keep)(const cw_rule_meta *m, void *ctx), void *ctx);
/* Up to max ids of rules (enabled or not) closest to id by edit distance
 * (for "did you mean"); returns how many were written. */
size_t cw_rules_suggest(const cw_ruleset *rs, const char *id, const char **out, size_t max);
/* The projection a scan with rs parses records with (see cw_jproj in
 * json.h), frozen, in a: what any rule (enabled or not), evidence template or
 * exception reads, what the analyzers declare and what the adapters read
 * (with their envelopes). Its model projection (cw_jproj_model) is the same
 * without the adapters' reads: what the model keeps of an item after its
 * adapter ran. */
const cw_jproj *cw_rules_projection(const cw_ruleset *rs, cw_arena *a);
/* ---- introspection (`rules show`, `rules doc`, `rules test`) ------------- */
size_t cw_rules_total(const cw_ruleset *rs); /* all rules, disabled ones included */
long cw_rules_index(const cw_ruleset *rs, const char *id); /* index < total, or -1 */
typedef struct cw_rule_info {
    const cw_rule_meta *meta;
    int enabled;
    const char *condition;               /* source text */
    const char *evidence;                /* template, or NULL (explained from the condition) */
    size_t nexceptions;
    const char *const *modified_by;      /* "file:line" of later packs that retuned the rule */
    size_t nmodified;
} cw_rule_info;
typedef struct cw_rule_exception_info {
    const char *name, *reason, *condition;
    const char *expires;                 /* "YYYY-MM-DD" or NULL */
    int expired;                         /* relative to the load's today */
    const char *file;
    uint32_t line;
} cw_rule_exception_info;
int cw_rules_info(const cw_ruleset *rs, size_t i, cw_rule_info *out);            /* 0 ok, -1 */
int cw_rules_exception(const cw_ruleset *rs, size_t i, size_t j, cw_rule_exception_info *out);
/* Evaluate rule i (enabled or not) only; same contract as cw_rules_eval. */
void cw_rules_eval_one(const cw_ruleset *rs, size_t i, const cw_assets *s, cw_arena *a,
                       cw_findings *out, cw_diags *d);
/* cw_rules_eval_one with another "today" (days since 1970-01-01) for the
 * exceptions: a rule fixture's `today`. */
void cw_rules_eval_one_at(const cw_ruleset *rs, size_t i, const cw_assets *s, cw_arena *a, cw_findings *out,
                          cw_diags *d, int64_t today);
/* `rules doc`: write a handbook of the rule set ("markdown" or "html") to out.
 * Returns 0, or -1 when writing failed. */
int cw_rules_doc(const cw_ruleset *rs, const char *format, FILE *out);
/* `rules test`: run rule fixtures (files, or directories holding .yaml, .yml and .json files;
 * format in docs/rule-language.md). Prints each failure with detail and a
 * final "N passed, N failed" line to out; fixture-file errors go to d and
 * count as failures. Returns the number of failures. */
size_t cw_rules_test(const cw_ruleset *rs, const char *const *paths, size_t npaths, bool verbose,
                     FILE *out, cw_diags *d);
/* Built-in pack sources (embedded): name + text. */
typedef struct cw_builtin_pack {
    const char *name; /* "aws-s3.yaml" */
    const char *text;
    size_t len;
} cw_builtin_pack;
extern const cw_builtin_pack cw_builtin_packs[];
extern const size_t cw_builtin_npacks;
#endif
