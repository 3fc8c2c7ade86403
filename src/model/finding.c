/* finding.c - severities, the category vocabulary, and the findings list. */
#include "finding.h"
#include "../util/pool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/arena.h"
#include "../util/hmap.h"

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

/* Severity (highest first), then rule id. */
static int cmp_rule(const cw_rule_meta *x, const cw_rule_meta *y)
{
    cw_severity sx = x ? x->severity : CW_SEV_INFO, sy = y ? y->severity : CW_SEV_INFO;
    if (sx != sy) return sx > sy ? -1 : 1;
    return x == y ? 0 : strcmp0(x ? x->id : NULL, y ? y->id : NULL);
}

/* Findings of one rule: resource id, then provenance, evidence, exception. */
static int cmp_in_rule(const void *pa, const void *pb)
{
    const cw_finding *a = pa, *b = pb;
    int c;
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

int cw_finding_cmp(const cw_finding *a, const cw_finding *b)
{
    int c = cmp_rule(a->rule, b->rule);
    return c ? c : cmp_in_rule(a, b);
}

typedef struct rule_slot {
    const cw_rule_meta *rule;
    size_t rank, count, start;
} rule_slot;

static int cmp_rule_order(const void *pa, const void *pb)
{
    return cmp_rule((*(rule_slot *const *)pa)->rule, (*(rule_slot *const *)pb)->rule);
}

typedef struct sort_job {
    cw_finding *v;
    const size_t *bstart, *bcount; /* buckets (one per rank) */
    const unsigned *owner;         /* part that sorts each bucket */
    size_t nb;
} sort_job;

/* Sorting one rule's findings by resource id: the ids of a bucket share a
 * long prefix ("arn:aws:ec2:"), so each finding gets as key the 8 bytes after
 * the bucket's common prefix (big-endian, zero past the end: the order of
 * strcmp). The keys are sorted alone; each run of equal keys then takes the
 * next 8 bytes of its ids as key and is sorted again, until the ids end, and
 * only findings with equal ids compare the findings themselves. Each id is
 * read 8 bytes per level, in order, instead of once per comparison: in the
 * model of a large estate every comparison of two ids was two cache and TLB
 * misses (ids of one name family, "analytics-staging-...", share far more
 * than 8 bytes). The order is the one of (id, cmp_in_rule), and qsort is
 * applied the same way at every level, so ties keep their order as before. */
typedef struct skey {
    uint64_t key;
    const char *rest; /* the id from the key on */
    const cw_finding *f;
} skey;

static int cmp_key(const void *pa, const void *pb)
{
    const skey *a = pa, *b = pb;
    return a->key != b->key ? (a->key < b->key ? -1 : 1) : 0;
}

static int cmp_skey_f(const void *pa, const void *pb)
{
    return cmp_in_rule(((const skey *)pa)->f, ((const skey *)pb)->f);
}

static uint64_t key8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    uint64_t key = 0;
    int b = 0;
    for (; b < 8 && p[b]; b++) key = key << 8 | p[b];
    if (b && b < 8) key <<= 8 * (8 - b); /* (b == 0: key is 0; a shift by 64 is undefined) */
    return key;
}

static void sort_keys(skey *k, size_t n)
{
    qsort(k, n, sizeof *k, cmp_key);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && k[j].key == k[i].key) j++;
        if (j - i > 1) {
            if ((k[i].key & 0xff) == 0) {
                /* the ids end within these 8 bytes: equal ids */
                qsort(k + i, j - i, sizeof *k, cmp_skey_f);
            } else {
                for (size_t m = i; m < j; m++) k[m].rest += 8, k[m].key = key8(k[m].rest);
                sort_keys(k + i, j - i);
            }
        }
        i = j;
    }
}

static void sort_bucket(cw_finding *v, size_t n)
{
    const char *first = v[0].asset ? v[0].asset->id : NULL;
    size_t lcp = first ? strlen(first) : 0;
    for (size_t i = 1; i < n && first; i++) {
        const char *id = v[i].asset ? v[i].asset->id : NULL;
        if (!id) first = NULL; /* a finding without an id: the plain comparison */
        else {
            size_t l = 0;
            while (l < lcp && id[l] == first[l]) l++;
            lcp = l;
        }
    }
    if (!first) {
        qsort(v, n, sizeof *v, cmp_in_rule);
        return;
    }
    skey *k = cw_xmalloc(n * sizeof *k);
    for (size_t i = 0; i < n; i++) {
        const char *p = v[i].asset->id + lcp;
        k[i].key = key8(p), k[i].rest = p, k[i].f = &v[i];
    }
    sort_keys(k, n);
    cw_finding *tmp = cw_xmalloc(n * sizeof *tmp);
    for (size_t i = 0; i < n; i++) tmp[i] = *k[i].f;
    memcpy(v, tmp, n * sizeof *v);
    free(tmp);
    free(k);
}

static void sort_buckets(void *ctx, unsigned part, unsigned nparts)
{
    (void)nparts;
    sort_job *j = ctx;
    for (size_t b = 0; b < j->nb; b++)
        if (j->owner[b] == part && j->bcount[b] > 1) sort_bucket(j->v + j->bstart[b], j->bcount[b]);
}


/* The order of cw_finding_cmp in two steps: findings are distributed into one
 * bucket per rule (severity, then id), then each bucket is sorted by
 * resource; large lists sort their buckets on all cores. */
void cw_findings_sort(cw_findings *f, const cw_exec *x)
{
    if (f->n < 2) return;
    /* distinct rules, by pointer */
    size_t cap = 64, nr = 0;
    rule_slot *tab = cw_xcalloc(cap, sizeof *tab);
    size_t *slot_of = cw_xmalloc(f->n * sizeof *slot_of);
    for (size_t i = 0; i < f->n; i++) {
        const cw_rule_meta *r = f->v[i].rule;
        if (2 * (nr + 1) > cap) { /* grow */
            size_t ncap = cap * 2;
            rule_slot *nt = cw_xcalloc(ncap, sizeof *nt);
            for (size_t k = 0; k < cap; k++)
                if (tab[k].count) {
                    size_t h = cw_ptr_slot(tab[k].rule, ncap - 1);
                    while (nt[h].count) h = (h + 1) & (ncap - 1);
                    nt[h] = tab[k];
                }
            for (size_t k = 0; k < i; k++) { /* slots moved: look them up again */
                size_t h = cw_ptr_slot(f->v[k].rule, ncap - 1);
                while (nt[h].rule != f->v[k].rule) h = (h + 1) & (ncap - 1);
                slot_of[k] = h;
            }
            free(tab);
            tab = nt, cap = ncap;
        }
        size_t h = cw_ptr_slot(r, cap - 1);
        while (tab[h].count && tab[h].rule != r) h = (h + 1) & (cap - 1);
        if (!tab[h].count) tab[h].rule = r, nr++;
        tab[h].count++;
        slot_of[i] = h;
    }
    /* ranks: rules with equal severity and id share one */
    rule_slot **order = cw_xmalloc(nr * sizeof *order);
    size_t k = 0;
    for (size_t i = 0; i < cap; i++)
        if (tab[i].count) order[k++] = &tab[i];
    qsort(order, nr, sizeof *order, cmp_rule_order);
    size_t nb = 0;
    for (size_t i = 0; i < nr; i++) {
        if (i && cmp_rule_order(&order[i - 1], &order[i]) != 0) nb++;
        order[i]->rank = nb;
    }
    nb = nr ? nb + 1 : 0;
    size_t *bcount = cw_xcalloc(nb ? nb : 1, sizeof *bcount), *bstart = cw_xcalloc(nb ? nb : 1, sizeof *bstart);
    for (size_t i = 0; i < nr; i++) bcount[order[i]->rank] += order[i]->count;
    for (size_t b = 1; b < nb; b++) bstart[b] = bstart[b - 1] + bcount[b - 1];
    cw_finding *out = cw_xmalloc(f->n * sizeof *out);
    size_t *fill = cw_xmalloc((nb ? nb : 1) * sizeof *fill);
    memcpy(fill, bstart, nb * sizeof *fill);
    for (size_t i = 0; i < f->n; i++) out[fill[tab[slot_of[i]].rank]++] = f->v[i];
    /* buckets to parts: largest first, each to the least loaded part */
    unsigned parts = cw_exec_parts(x, f->n);
    unsigned *owner = cw_xcalloc(nb ? nb : 1, sizeof *owner);
    if (parts > 1) {
        size_t *load = cw_xcalloc(parts, sizeof *load);
        size_t *idx = cw_xmalloc((nb ? nb : 1) * sizeof *idx);
        for (size_t b = 0; b < nb; b++) idx[b] = b;
        for (size_t a = 1; a < nb; a++) /* insertion sort by size, descending (few buckets) */
            for (size_t c = a; c > 0 && bcount[idx[c]] > bcount[idx[c - 1]]; c--) {
                size_t t = idx[c];
                idx[c] = idx[c - 1];
                idx[c - 1] = t;
            }
        for (size_t a = 0; a < nb; a++) {
            unsigned best = 0;
            for (unsigned p = 1; p < parts; p++)
                if (load[p] < load[best]) best = p;
            owner[idx[a]] = best;
            load[best] += bcount[idx[a]];
        }
        free(idx);
        free(load);
    }
    sort_job j = {out, bstart, bcount, owner, nb};
    cw_pool_split(cw_exec_pool(x), sort_buckets, &j, parts);
    free(f->v);
    f->v = out;
    f->cap = f->n;
    free(owner);
    free(fill);
    free(bstart);
    free(bcount);
    free(order);
    free(slot_of);
    free(tab);
}
