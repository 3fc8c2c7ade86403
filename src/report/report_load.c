/* report_load.c - the report's inputs: investigations, classify profiles and
 * reports, scan findings. Every free text kept is masked (cw_rpt_mask). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../forensics/forensics.h"
#include "../json/json.h"
#include "../store/store.h"
#include "report.h"

#define MAX_OBJECTS 20
#define MAX_UAS 5

cw_rpt *cw_rpt_new(const char *title, int64_t discovered)
{
    cw_rpt *r = cw_xcalloc(1, sizeof *r);
    cw_arena_init(&r->arena, 0);
    cw_diags_init(&r->diags);
    r->title = cw_arena_strdup(&r->arena, title ? title : "Data exposure incident report");
    r->discovered = discovered;
    r->generated = INT64_MIN;
    return r;
}

void cw_rpt_mask_free(cw_rpt *r);

void cw_rpt_free(cw_rpt *r)
{
    if (!r) return;
    cw_rpt_mask_free(r);
    free(r->cats);
    free(r->countries);
    free(r->actors);
    for (size_t i = 0; i < r->ninvs; i++) free(r->invs[i].gaps);
    free(r->invs);
    free(r->findings);
    free(r->obls);
    free(r->events);
    free(r->windows);
    free(r->resources);
    cw_diags_free(&r->diags);
    cw_arena_free(&r->arena);
    free(r);
}

/* Grow a malloc'd array of n elements of size sz by one; returns the new slot. */
static void *push(void *pv, size_t *n, size_t sz)
{
    void **p = pv;
    *p = cw_xrealloc(*p, (*n + 1) * sz);
    void *slot = (char *)*p + *n * sz;
    memset(slot, 0, sz);
    (*n)++;
    return slot;
}

/* text parsed as JSON into the report's arena; NULL with a diagnostic. */
static cw_json *parse_json(cw_rpt *r, const char *name, const char *text, size_t n)
{
    cw_json_err err;
    cw_json *v = cw_json_parse(&r->arena, text, n, &err);
    if (!v) {
        cw_diag_add(&r->diags, CW_DIAG_ERROR, name, err.line, err.col, 0, NULL, "%s", err.msg);
        return NULL;
    }
    if (v->type != CW_JOBJ) {
        cw_diag_add(&r->diags, CW_DIAG_ERROR, name, 1, 1, 0, NULL, "expected a JSON object");
        return NULL;
    }
    return v;
}

char *cw_rpt_slurp(cw_rpt *r, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cw_diag_add(&r->diags, CW_DIAG_ERROR, path, 0, 0, 0, NULL, "cannot open: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0, got;
    char *b = cw_xmalloc(cap + CW_JSON_PADDING);
    while ((got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            b = cw_xrealloc(b, cap + CW_JSON_PADDING);
        }
    }
    int rerr = ferror(f);
    fclose(f);
    if (rerr) {
        cw_diag_add(&r->diags, CW_DIAG_ERROR, path, 0, 0, 0, NULL, "read error");
        free(b);
        return NULL;
    }
    *len = n;
    return b;
}

static int load_investigation(cw_rpt *r, const char *path, cw_json *v);
static int load_profile(cw_rpt *r, const char *path, cw_json *v);
static int load_findings(cw_rpt *r, const char *path, cw_json *v);

int cw_rpt_add_text(cw_rpt *r, cw_rpt_input kind, const char *name, const char *text, size_t len)
{
    cw_json *v = parse_json(r, name, text, len);
    if (!v) return -1;
    name = cw_arena_strdup(&r->arena, name);
    switch (kind) {
    case CW_RPT_IN_INVESTIGATION: return load_investigation(r, name, v);
    case CW_RPT_IN_PROFILE: return load_profile(r, name, v);
    default: return load_findings(r, name, v);
    }
}

static int add_file(cw_rpt *r, cw_rpt_input kind, const char *path)
{
    size_t n;
    char *b = cw_rpt_slurp(r, path, &n);
    if (!b) return -1;
    int rc = cw_rpt_add_text(r, kind, path, b, n);
    free(b);
    return rc;
}

int cw_rpt_add_investigation(cw_rpt *r, const char *path) { return add_file(r, CW_RPT_IN_INVESTIGATION, path); }
int cw_rpt_add_profile(cw_rpt *r, const char *path) { return add_file(r, CW_RPT_IN_PROFILE, path); }
int cw_rpt_add_findings(cw_rpt *r, const char *path) { return add_file(r, CW_RPT_IN_FINDINGS, path); }

static const char *str(const cw_json *o, const char *k) { return cw_json_str(cw_json_get(o, k), NULL); }
static uint64_t num(const cw_json *o, const char *k)
{
    double d = cw_json_num(cw_json_get(o, k), 0);
    return d > 0 ? (uint64_t)d : 0;
}

static int64_t time_of(const cw_json *o, const char *k)
{
    const char *s = str(o, k);
    int64_t t;
    if (!s || cw_fx_parse_time(s, strlen(s), &t) < 0) return INT64_MIN;
    return t;
}

static const char *kept(cw_rpt *r, const char *s) { return s ? cw_arena_strdup(&r->arena, s) : NULL; }

static void add_resource(cw_rpt *r, const char *res)
{
    for (size_t i = 0; i < r->nresources; i++)
        if (strcmp(r->resources[i], res) == 0) return;
    *(const char **)push(&r->resources, &r->nresources, sizeof *r->resources) = kept(r, res);
}

void cw_rpt_add_window(cw_rpt *r, int64_t from, int64_t to, const char *resource)
{
    for (size_t i = 0; i < r->nwindows; i++)
        if (r->windows[i].from == from && r->windows[i].to == to &&
            (r->windows[i].resource == resource ||
             (r->windows[i].resource && resource && strcmp(r->windows[i].resource, resource) == 0)))
            return;
    cw_rpt_window *w = push(&r->windows, &r->nwindows, sizeof *r->windows);
    w->from = from, w->to = to;
    w->resource = resource ? kept(r, resource) : NULL;
}

/* Up to max masked strings of a JSON array. */
static const char **masked_list(cw_rpt *r, const cw_json *arr, size_t max, size_t *n)
{
    *n = 0;
    if (!arr || arr->type != CW_JARR) return NULL;
    size_t k = arr->len < max ? arr->len : max;
    const char **v = cw_arena_alloc(&r->arena, (k + 1) * sizeof *v);
    for (size_t i = 0; i < k; i++) {
        const cw_json *s = &arr->u.items[i];
        if (s->type == CW_JSTR) v[(*n)++] = cw_rpt_mask(r, s->u.str, s->len);
    }
    return v;
}

static uint64_t arrlen(const cw_json *o, const char *k)
{
    const cw_json *a = cw_json_get(o, k);
    return a && a->type == CW_JARR ? a->len : 0;
}

static int load_investigation(cw_rpt *r, const char *path, cw_json *v)
{
    const char *schema = str(v, "schema");
    if (!schema || strncmp(schema, "cloudwarden.investigation/", 26) != 0) {
        cw_diag_add(&r->diags, CW_DIAG_ERROR, path, 1, 1, 0, NULL,
                    "not an investigation (expected \"schema\": \"cloudwarden.investigation/v1\", the output of "
                    "'cloudwarden investigate --format json')");
        return -1;
    }
    cw_rpt_investigation *inv = push(&r->invs, &r->ninvs, sizeof *r->invs);
    inv->file = kept(r, path);
    inv->verdict = kept(r, str(v, "verdict"));
    inv->external_access = kept(r, str(v, "external_access"));
    const cw_json *cov = cw_json_get(v, "coverage");
    inv->coverage = cw_json_num(cw_json_get(cov, "percent"), 0);
    inv->hours = num(cov, "hours"), inv->hours_covered = num(cov, "hours_covered");
    const cw_json *res = cw_json_get(v, "resources");
    inv->resources = masked_list(r, res, 64, &inv->nresources);
    for (size_t i = 0; i < inv->nresources; i++) add_resource(r, inv->resources[i]);
    const cw_json *wins = cw_json_get(v, "windows");
    for (uint32_t i = 0; wins && wins->type == CW_JARR && i < wins->len; i++) {
        const cw_json *w = &wins->u.items[i];
        int64_t f = time_of(w, "from"), t = time_of(w, "to");
        cw_rpt_add_window(r, f == INT64_MIN ? INT64_MIN : f, t == INT64_MIN ? INT64_MAX : t,
                          inv->nresources ? inv->resources[0] : NULL);
    }
    const cw_json *gaps = cw_json_get(v, "gaps");
    for (uint32_t i = 0; gaps && gaps->type == CW_JARR && i < gaps->len; i++) {
        const cw_json *g = &gaps->u.items[i];
        int64_t from = time_of(g, "from"), to = time_of(g, "to");
        if (from == INT64_MIN || to == INT64_MIN || to < from) {
            cw_diag_add(&r->diags, CW_DIAG_WARNING, path, 0, 0, i + 1, NULL, "gap %u has no valid from/to; left out", i + 1);
            continue;
        }
        cw_rpt_gap *gp = push(&inv->gaps, &inv->ngaps, sizeof *inv->gaps);
        gp->source = kept(r, str(g, "source"));
        gp->kind = kept(r, str(g, "kind"));
        gp->from = from, gp->to = to;
    }
    const cw_json *actors = cw_json_get(v, "actors");
    for (uint32_t i = 0; actors && actors->type == CW_JARR && i < actors->len; i++) {
        const cw_json *a = &actors->u.items[i];
        cw_rpt_actor *x = push(&r->actors, &r->nactors, sizeof *r->actors);
        const char *id = str(a, "id");
        x->id = id ? kept(r, id) : "?"; /* an address or account: evidence, not customer data */
        x->kind = kept(r, str(a, "kind"));
        x->source = inv->file;
        x->first = time_of(a, "first"), x->last = time_of(a, "last");
        x->objects_read = arrlen(a, "objects_read");
        x->full_copies = arrlen(a, "full_copies");
        x->partial_reads = arrlen(a, "partial_reads");
        x->bytes_sent = num(a, "bytes_sent");
        x->denied = num(a, "denied");
        x->requests = num(a, "requests");
        x->listed = cw_json_bool(cw_json_get(a, "listed"), false);
        x->objects = masked_list(r, cw_json_get(a, x->full_copies ? "full_copies" : "objects_read"), MAX_OBJECTS,
                                 &x->nobjects);
        x->user_agents = masked_list(r, cw_json_get(a, "user_agents"), MAX_UAS, &x->nuas);
        const cw_json *ips = cw_json_get(a, "ips");
        x->ips = cw_arena_alloc(&r->arena, 9 * sizeof *x->ips);
        for (uint32_t k = 0; ips && ips->type == CW_JARR && k < ips->len && x->nips < 8; k++)
            if (ips->u.items[k].type == CW_JSTR) x->ips[x->nips++] = kept(r, ips->u.items[k].u.str);
    }
    return 0;
}

static cw_rpt_category *category(cw_rpt *r, const char *name)
{
    for (size_t i = 0; i < r->ncats; i++)
        if (strcmp(r->cats[i].name, name) == 0) return &r->cats[i];
    cw_rpt_category *c = push(&r->cats, &r->ncats, sizeof *r->cats);
    c->name = kept(r, name);
    return c;
}

static cw_rpt_country *country(cw_rpt *r, const char *code)
{
    for (size_t i = 0; i < r->ncountries; i++)
        if (strcmp(r->countries[i].code, code) == 0) return &r->countries[i];
    cw_rpt_country *c = push(&r->countries, &r->ncountries, sizeof *r->countries);
    c->code = kept(r, code);
    return c;
}

static int sens_rank(const char *s)
{
    static const char *const order[] = {"none", "low", "medium", "high", NULL};
    for (int i = 0; s && order[i]; i++)
        if (strcmp(s, order[i]) == 0) return i;
    return -1;
}

/* A classify profile (schema cloudwarden.classify.profile/v1) or a classify
 * --format json report (totals, files, countries with counts). */
static int load_profile(cw_rpt *r, const char *path, cw_json *v)
{
    const char *schema = str(v, "schema");
    bool profile = schema && strncmp(schema, "cloudwarden.classify.profile/", 29) == 0;
    const cw_json *cats = cw_json_get(v, profile ? "categories" : "totals");
    if (!profile && (!cats || cats->type != CW_JOBJ)) {
        cw_diag_add(&r->diags, CW_DIAG_ERROR, path, 1, 1, 0, NULL,
                    "not a classify profile or report (expected \"schema\": \"cloudwarden.classify.profile/v1\" "
                    "from 'classify --profile', or the 'totals' of 'classify --format json')");
        return -1;
    }
    const char *asset = str(v, "asset");
    if (asset) add_resource(r, cw_rpt_mask(r, asset, strlen(asset)));
    const cw_json *rec = cw_json_get(v, "records");
    r->records_total += num(rec, "total");
    r->records_matched += num(rec, "matched");
    r->bytes_classified += num(v, "bytes");
    const char *sens = str(v, "sensitivity");
    if (sens && sens_rank(sens) > sens_rank(r->sensitivity)) r->sensitivity = kept(r, sens);
    for (uint32_t i = 0; cats && cats->type == CW_JOBJ && i < cats->len; i++) {
        const cw_jmember *m = &cats->u.members[i];
        uint64_t occ = num(&m->val, "occurrences");
        if (!occ) continue;
        cw_rpt_category *c = category(r, m->key);
        c->occurrences += occ;
        c->distinct += num(&m->val, "distinct"); /* across assets: an upper bound */
        const cw_json *smp = cw_json_get(&m->val, "samples");
        for (uint32_t k = 0; smp && smp->type == CW_JARR && k < smp->len && c->nsamples < 5; k++)
            if (smp->u.items[k].type == CW_JSTR)
                c->samples[c->nsamples++] = cw_rpt_mask(r, smp->u.items[k].u.str, smp->u.items[k].len);
    }
    const cw_json *cc = cw_json_get(v, "countries");
    if (cc && cc->type == CW_JARR) {
        for (uint32_t i = 0; i < cc->len; i++)
            if (cc->u.items[i].type == CW_JSTR) country(r, cc->u.items[i].u.str);
    } else if (cc && cc->type == CW_JOBJ) {
        for (uint32_t i = 0; i < cc->len; i++) {
            cw_rpt_country *c = country(r, cc->u.members[i].key);
            c->values += (uint64_t)cw_json_num(&cc->u.members[i].val, 0);
            c->counted = true;
            r->countries_counted = true;
        }
    }
    return 0;
}

/* scan --format json: the findings on the report's resources, or every
 * public-access / network-exposure finding when the report names none yet. */
static int load_findings(cw_rpt *r, const char *path, cw_json *v)
{
    const cw_json *fs = cw_json_get(v, "findings");
    if (!fs || fs->type != CW_JARR) {
        cw_diag_add(&r->diags, CW_DIAG_ERROR, path, 1, 1, 0, NULL,
                    "expected scan findings ({\"findings\": [...]}, from 'cloudwarden scan --format json')");
        return -1;
    }
    for (uint32_t i = 0; i < fs->len; i++) {
        const cw_json *f = &fs->u.items[i];
        const cw_json *rule = cw_json_get(f, "rule"), *res = cw_json_get(f, "resource");
        const char *rid = res && res->type == CW_JOBJ ? str(res, "id") : cw_json_str(res, NULL);
        const char *cat = rule && rule->type == CW_JOBJ ? str(rule, "category") : str(f, "category");
        if (!rid) continue;
        bool mine = false;
        for (size_t k = 0; k < r->nresources; k++) {
            const char *name = r->resources[k];
            const char *tail = strrchr(rid, ':');
            mine |= strcmp(rid, name) == 0 || (tail && strcmp(tail + 1, name) == 0);
        }
        if (!mine && !(r->nresources == 0 && cat &&
                       (strcmp(cat, "public-access") == 0 || strcmp(cat, "network-exposure") == 0)))
            continue;
        cw_rpt_finding *x = push(&r->findings, &r->nfindings, sizeof *r->findings);
        const char *id = rule && rule->type == CW_JOBJ ? str(rule, "id") : cw_json_str(rule, NULL);
        const char *title = rule && rule->type == CW_JOBJ ? str(rule, "title") : NULL;
        const char *sev = rule && rule->type == CW_JOBJ ? str(rule, "severity") : str(f, "severity");
        x->rule = kept(r, id ? id : "?");
        x->title = title ? cw_rpt_mask(r, title, strlen(title)) : NULL;
        x->severity = kept(r, sev ? sev : "?");
        x->category = kept(r, cat ? cat : "?");
        x->resource = cw_rpt_mask(r, rid, strlen(rid));
    }
    return 0;
}

/* ---- the monitor's store (--db) ----------------------------------------- */
typedef struct store_ctx {
    cw_rpt *r;
    size_t nres; /* the report's resources when the store was read (0 = every exposed one) */
    size_t windows, findings;
} store_ctx;

static bool store_mine(const store_ctx *c, const char *resource, const char *category)
{
    for (size_t k = 0; k < c->nres; k++)
        if (cw_store_resource_named(resource, c->r->resources[k])) return true;
    return c->nres == 0 && category &&
           (strcmp(category, "public-access") == 0 || strcmp(category, "network-exposure") == 0);
}

static int store_window(void *vc, const cw_store_window *w)
{
    store_ctx *c = vc;
    if (!store_mine(c, w->resource, "public-access")) return 0;
    int64_t from, to;
    cw_store_window_seconds(w, &from, &to);
    cw_rpt_add_window(c->r, from, to, w->resource);
    c->windows++;
    return 0;
}

static int store_finding(void *vc, const cw_store_finding *f)
{
    store_ctx *c = vc;
    if (!f->resource || !store_mine(c, f->resource, f->category)) return 0;
    cw_rpt *r = c->r;
    cw_rpt_finding *x = push(&r->findings, &r->nfindings, sizeof *r->findings);
    x->rule = kept(r, f->rule_id ? f->rule_id : "?");
    x->title = f->title ? cw_rpt_mask(r, f->title, strlen(f->title)) : NULL;
    x->severity = kept(r, f->severity ? f->severity : "?");
    x->category = kept(r, f->category ? f->category : "?");
    x->resource = cw_rpt_mask(r, f->resource, strlen(f->resource));
    c->findings++;
    return 0;
}

int cw_rpt_add_store(cw_rpt *r, const char *spec)
{
    char *err = NULL;
    cw_store *st = cw_store_open(spec, CW_STORE_READONLY, &err);
    if (!st) {
        cw_diag_add(&r->diags, CW_DIAG_ERROR, spec ? spec : "store", 0, 0, 0, NULL, "%s",
                    err ? err : "cannot open the store");
        free(err);
        return -1;
    }
    store_ctx c = {.r = r, .nres = r->nresources};
    cw_store_window_query wq = {.from_us = CW_TIME_UNKNOWN, .to_us = CW_TIME_UNKNOWN};
    cw_store_finding_query fq = {0};
    int rc = cw_store_windows(st, &wq, store_window, &c);
    if (rc == 0) rc = cw_store_findings(st, &fq, store_finding, &c);
    if (rc < 0)
        cw_diag_add(&r->diags, CW_DIAG_ERROR, cw_store_location(st), 0, 0, 0, NULL, "%s", cw_store_error(st));
    else if (!c.windows && !c.findings)
        cw_diag_add(&r->diags, CW_DIAG_WARNING, cw_store_location(st), 0, 0, 0, NULL,
                    "no exposure window or finding %s in the store",
                    c.nres ? "of the report's resources" : "of category public-access or network-exposure");
    cw_store_close(st);
    return rc;
}
