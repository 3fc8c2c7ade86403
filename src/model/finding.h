/* finding.h - rule metadata and findings, the currency between rules and
 * outputs. Field meanings follow ../shared/design/findings-schema.md. */
#ifndef CW_FINDING_H
#define CW_FINDING_H
#include <stddef.h>
#include <stdint.h>

#include "model.h"

typedef enum { CW_SEV_INFO = 0, CW_SEV_LOW, CW_SEV_MEDIUM, CW_SEV_HIGH, CW_SEV_CRITICAL } cw_severity;

const char *cw_severity_name(cw_severity s);
int cw_severity_parse(const char *s, cw_severity *out); /* 0 ok, -1 unknown */

/* Category vocabulary (fixed). */
extern const char *const cw_categories[]; /* NULL-terminated */
int cw_category_valid(const char *c);     /* 1 when in the vocabulary */

typedef struct cw_rule_meta {
    const char *id;
    const char *title;
    const char *description;
    const char *remediation;
    const char *category;
    cw_severity severity;
    const char *const *resource_types; size_t nresource_types;
    const char *const *references;     size_t nreferences;
    const char *const *compliance;     size_t ncompliance;
    const char *pack;                  /* file the rule came from */
    uint32_t line;                     /* line of the rule in that file */
} cw_rule_meta;

typedef struct cw_finding {
    const cw_rule_meta *rule;
    const cw_asset *asset;
    const char *evidence;     /* human sentence: why */
    const char *suppressed_by;/* name of the exception that applies, or NULL */
} cw_finding;

typedef struct cw_findings {
    cw_finding *v;
    size_t n, cap;
} cw_findings;

void cw_findings_init(cw_findings *f);
void cw_findings_free(cw_findings *f);
void cw_findings_add(cw_findings *f, const cw_finding *x);
/* Sort: severity desc, rule id, resource id (see cw_finding_cmp); large
 * lists on the threads of x (NULL = the calling thread). */
void cw_findings_sort(cw_findings *f, const cw_exec *x);
/* The total order cw_findings_sort produces: severity (highest first), rule
 * id, resource id, source file, record, evidence, exception name. */
int cw_finding_cmp(const cw_finding *a, const cw_finding *b);
#endif
