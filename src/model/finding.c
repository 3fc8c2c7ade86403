/* finding.c - severities, the category vocabulary, and the findings list. */
#include "finding.h"
#include "../util/parallel.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/arena.h"

static const char *const sev_names[] = {"info", "low", "medium", "high", "critical"};

const char *cw_severity_name(cw_severity s)
{
    if ((unsigned)s > CW_SEV_CRITICAL) return "unknown";
    return sev_names[s];
}

int cw_severity_parse(const char *s, cw_severity *out)
{
    if (!s) return -1;
    for (int i = 0; i <= CW_SEV_CRITICAL; i++) {
        if (strcasecmp(s, sev_names[i]) == 0) {
            *out = (cw_severity)i;
            return 0;
        }
    }
    /* the OCSF caption, for people who type it */
    if (strcasecmp(s, "informational") == 0) {
        *out = CW_SEV_INFO;
        return 0;
    }
    return -1;
}

const char *const cw_categories[] = {
    "public-access", "network-exposure", "cross-account", "hardening",      "encryption",
    "logging",       "identity",         "data-protection", "data-residency", "other",
    NULL,
};

int cw_category_valid(const char *c)
{
    if (!c) return 0;
    for (size_t i = 0; cw_categories[i]; i++)
        if (strcmp(c, cw_categories[i]) == 0) return 1;
    return 0;
}

void cw_findings_init(cw_findings *f) { f->v = NULL, f->n = f->cap = 0; }

void cw_findings_free(cw_findings *f)
{
    free(f->v); /* findings point into rule and asset memory they do not own */
    cw_findings_init(f);
}

void cw_findings_add(cw_findings *f, const cw_finding *x)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->v = cw_xrealloc(f->v, f->cap * sizeof *f->v);
    }
    f->v[f->n++] = *x;
}

/* NULL sorts before any string */
static int strcmp0(const char *a, const char *b)
{
    if (a == b) return 0;
    if (!a) return -1;
    if (!b) return 1;
    return strcmp(a, b);
}

static int finding_cmp(const void *pa, const void *pb)
{
    const cw_finding *a = pa, *b = pb;
    cw_severity sa = a->rule ? a->rule->severity : CW_SEV_INFO;
    cw_severity sb = b->rule ? b->rule->severity : CW_SEV_INFO;
    if (sa != sb) return sa > sb ? -1 : 1;
    int c = a->rule == b->rule ? 0 : strcmp0(a->rule ? a->rule->id : NULL, b->rule ? b->rule->id : NULL);
    if (c) return c;
    if (a->asset == b->asset) { /* same rule, same asset: only provenance-free fields differ */
        c = strcmp0(a->evidence, b->evidence);
        return c ? c : strcmp0(a->suppressed_by, b->suppressed_by);
    }
    c = strcmp0(a->asset ? a->asset->id : NULL, b->asset ? b->asset->id : NULL);
    if (c) return c;
    /* total order for determinism: provenance, then evidence, suppression */
    c = strcmp0(a->asset ? a->asset->source_file : NULL, b->asset ? b->asset->source_file : NULL);
    if (c) return c;
    uint64_t ra = a->asset ? a->asset->source_record : 0, rb = b->asset ? b->asset->source_record : 0;
    if (ra != rb) return ra < rb ? -1 : 1;
    c = strcmp0(a->evidence, b->evidence);
    if (c) return c;
    return strcmp0(a->suppressed_by, b->suppressed_by);
}

typedef struct sort_job {
    cw_finding *v;
    size_t n, mid;
} sort_job;

static void sort_half(void *ctx, unsigned part, unsigned nparts)
{
    (void)nparts;
    sort_job *j = ctx;
    if (part == 0) qsort(j->v, j->mid, sizeof *j->v, finding_cmp);
    else qsort(j->v + j->mid, j->n - j->mid, sizeof *j->v, finding_cmp);
}

/* Large lists: each half sorted on its own thread, then merged (stable for
 * equal keys: the left half first), giving the order qsort would. */
void cw_findings_sort(cw_findings *f)
{
    if (f->n < 2) return;
    if (cw_parts_for(f->n) < 2) {
        qsort(f->v, f->n, sizeof *f->v, finding_cmp);
        return;
    }
    sort_job j = {f->v, f->n, f->n / 2};
    cw_parallel(sort_half, &j, 2);
    cw_finding *out = cw_xmalloc(f->n * sizeof *out);
    size_t a = 0, b = j.mid, k = 0;
    while (a < j.mid && b < f->n) out[k++] = finding_cmp(&f->v[b], &f->v[a]) < 0 ? f->v[b++] : f->v[a++];
    while (a < j.mid) out[k++] = f->v[a++];
    while (b < f->n) out[k++] = f->v[b++];
    free(f->v);
    f->v = out;
    f->cap = f->n;
}
