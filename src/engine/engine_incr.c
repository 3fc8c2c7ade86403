/* engine_incr.c - the incremental path (engine.h): apply a few records to an
 * evaluated engine and report what changed as a delta.
 *
 * An apply parses its records into a scratch set, moves what the model keeps
 * of each into the engine's set (cw_asset_keep, cw_assets_add: the latest
 * capture per type + resource id wins, in place), then brings facts and
 * findings up to date (engine_deps.c: which assets the change can affect)
 * and compares the findings before and after by rule and resource. */
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

void cw_delta_init(cw_delta *x) { memset(x, 0, sizeof *x); }

void cw_delta_reset(cw_delta *x)
{
    x->n = 0;
    x->assets_changed = x->assets_affected = 0;
}

void cw_delta_free(cw_delta *x)
{
    free(x->v);
    memset(x, 0, sizeof *x);
}

static void delta_add(cw_delta *x, cw_delta_kind k, const cw_finding *now, const cw_finding *before)
{
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 16;
        x->v = cw_xrealloc(x->v, x->cap * sizeof *x->v);
    }
    x->v[x->n++] = (cw_delta_item){.kind = k, .finding = now, .before = before};
}

/* ---- the delta: findings before and after, matched by rule and resource ---- */
static int key_cmp(const cw_finding *a, const cw_finding *b)
{
    int c = strcmp(a->rule->id, b->rule->id);
    if (c) return c;
    const char *ta = a->asset->type ? a->asset->type : "", *tb = b->asset->type ? b->asset->type : "";
    if ((c = strcmp(ta, tb))) return c;
    const char *ia = a->asset->id ? a->asset->id : "", *ib = b->asset->id ? b->asset->id : "";
    return strcmp(ia, ib);
}

static int key_cmp_p(const void *a, const void *b)
{
    const cw_finding *x = *(const cw_finding *const *)a, *y = *(const cw_finding *const *)b;
    int c = key_cmp(x, y);
    return c ? c : cw_finding_cmp(x, y);
}

static bool same_finding(const cw_finding *a, const cw_finding *b)
{
    const char *sa = a->suppressed_by ? a->suppressed_by : "", *sb = b->suppressed_by ? b->suppressed_by : "";
    return a->rule->severity == b->rule->severity && strcmp(a->evidence ? a->evidence : "", b->evidence ? b->evidence : "") == 0 &&
           strcmp(sa, sb) == 0 && (a->suppressed_by == NULL) == (b->suppressed_by == NULL);
}

static int item_cmp(const void *a, const void *b)
{
    const cw_delta_item *x = a, *y = b;
    return cw_finding_cmp(x->finding, y->finding);
}

/* before and after: any order. Items in cw_finding_cmp order (of the finding
 * now, or as it was for RESOLVED). */
static void diff(const cw_finding *before, size_t nb, const cw_finding *after, size_t na, cw_delta *out)
{
    const cw_finding **b = cw_xmalloc((nb + 1) * sizeof *b), **a = cw_xmalloc((na + 1) * sizeof *a);
    for (size_t i = 0; i < nb; i++) b[i] = &before[i];
    for (size_t i = 0; i < na; i++) a[i] = &after[i];
    qsort(b, nb, sizeof *b, key_cmp_p);
    qsort(a, na, sizeof *a, key_cmp_p);
    size_t i = 0, j = 0;
    while (i < nb || j < na) {
        int c = i == nb ? 1 : j == na ? -1 : key_cmp(b[i], a[j]);
        if (c < 0) delta_add(out, CW_DELTA_RESOLVED, b[i++], NULL);
        else if (c > 0) delta_add(out, CW_DELTA_OPENED, a[j++], NULL);
        else {
            if (!same_finding(b[i], a[j])) delta_add(out, CW_DELTA_CHANGED, a[j], b[i]);
            i++, j++;
        }
    }
    free(b);
    free(a);
    if (out->n > 1) qsort(out->v, out->n, sizeof *out->v, item_cmp);
}

/* ---- records into the engine's set ---------------------------------------- */
/* Parse into a scratch set, then move each asset into e's set. Returns the
 * changed assets (malloc'd, *n of them; each is the stored asset). */
static cw_asset **merge(cw_engine *e, cw_assets *tmp, size_t *n)
{
    cw_assets *s = &e->assets;
    if (!e->keep) e->keep = cw_jshare_new(&s->arena);
    cw_asset **changed = cw_xmalloc((tmp->n + 1) * sizeof *changed);
    size_t k = 0;
    for (size_t i = 0; i < tmp->n; i++) {
        cw_asset a = *tmp->v[i];
        cw_asset_keep(&a, e->keep, NULL);
        a.facts = NULL;
        cw_asset *stored = cw_assets_add(s, &a);
        if (stored->raw != a.raw) continue; /* an older capture than the one kept */
        changed[k++] = stored;
    }
    *n = k;
    return changed;
}

static int apply(cw_engine *e, const char *name, const char *buf, size_t len, const char *path, cw_diags *d,
                 cw_delta *out)
{
    cw_delta_reset(out);
    int rc = 0;
    if (!e->evaluated) rc = cw_engine_evaluate(e, d); /* the baseline the delta is relative to */
    e->st.applies++;
    cw_assets tmp;
    cw_assets_init(&tmp);
    cw_arena_free(&tmp.arena);
    cw_arena_init(&tmp.arena, 64 * 1024); /* a few records: small blocks */
    cw_ingest_opts io = {.format = e->o.format, .proj = e->proj, .limits = e->o.limits};
    cw_ingest_stats st = {0};
    double t = cw_engine_now(), c = cw_engine_cpu();
    if ((path ? cw_ingest_file(&tmp, path, &io, d, &st) : cw_ingest_buffer(&tmp, name, buf, len, &io, d, &st)) < 0)
        rc = -1;
    size_t nchanged;
    cw_asset **changed = merge(e, &tmp, &nchanged);
    cw_assets_free(&tmp);
    e->st.t_ingest += cw_engine_now() - t, e->st.c_ingest += cw_engine_cpu() - c;
    out->assets_changed = nchanged;
    if (nchanged) {
        /* the findings before: kept until the next apply (RESOLVED and CHANGED point into them) */
        cw_findings_free(&e->prev);
        cw_arena_free(&e->prev_arena);
        e->prev = e->fs;
        e->prev_arena = e->farena;
        cw_findings_init(&e->fs);
        cw_arena_init(&e->farena, 1 << 20);
        cw_diags ed;
        cw_diags_init(&ed);
        if (cw_engine_evaluate(e, &ed) < 0) rc = -1;
        for (size_t i = 0; i < ed.n; i++) /* errors only: warnings (expired exceptions) came with the baseline */
            if (ed.v[i].level == CW_DIAG_ERROR)
                cw_diag_add(d, ed.v[i].level, ed.v[i].file, ed.v[i].line, ed.v[i].col, ed.v[i].record,
                            ed.v[i].source_line, "%s", ed.v[i].msg);
        cw_diags_free(&ed);
        out->assets_affected = e->assets.n;
        e->st.assets_reanalyzed += e->assets.n;
        diff(e->prev.v, e->prev.n, e->fs.v, e->fs.n, out);
    }
    free(changed);
    return rc;
}

int cw_engine_apply_buffer(cw_engine *e, const char *name, const char *buf, size_t len, cw_diags *d, cw_delta *out)
{
    return apply(e, name, buf, len, NULL, d, out);
}

int cw_engine_apply_file(cw_engine *e, const char *path, cw_diags *d, cw_delta *out)
{
    return apply(e, path, NULL, 0, path, d, out);
}
