/* hist_eval_whole.c - history steps by whole-state evaluation on the
 * engine's whole-set path: each change is added (the later capture instant
 * wins per resource) and every rule is evaluated over every asset, as one
 * scan of the state at that instant would; the findings are compared with
 * the previous state's by fingerprint. Correct for every change, slow (each
 * step costs a scan of the whole state): the cross-check of the incremental
 * path (`history import --evaluate whole`). */
#include <stdlib.h>
#include <string.h>

#include "hist_eval_int.h"
#include "../engine/engine.h"
#include "../output/output.h"
#include "../util/hmap.h"

/* The findings of one state, copied: the engine's are valid only until its
 * next evaluation. Rules and assets stay (assets are replaced in place). */
typedef struct gen {
    cw_arena a;
    cw_finding *v;
    char (*fps)[33];
    size_t n;
    cw_hmap byfp; /* fingerprint -> index + 1 */
} gen;

typedef struct whole {
    cw_engine *e;
    gen g[2];
    int now;
} whole;

static void gen_init(gen *g)
{
    memset(g, 0, sizeof *g);
    cw_arena_init(&g->a, 1 << 16);
    cw_hmap_init(&g->byfp);
}

static void gen_free(gen *g)
{
    cw_hmap_free(&g->byfp);
    free(g->fps);
    free(g->v);
    cw_arena_free(&g->a);
}

static char *adup(cw_arena *a, const char *s) { return s ? cw_arena_strdup(a, s) : NULL; }

static void gen_take(gen *g, const cw_findings *fs)
{
    gen_free(g);
    gen_init(g);
    g->n = fs->n;
    g->v = cw_xcalloc(fs->n + 1, sizeof *g->v);
    g->fps = cw_xcalloc(fs->n + 1, sizeof *g->fps);
    for (size_t i = 0; i < fs->n; i++) {
        g->v[i] = fs->v[i];
        g->v[i].evidence = adup(&g->a, fs->v[i].evidence);
        g->v[i].suppressed_by = adup(&g->a, fs->v[i].suppressed_by);
        cw_out_fingerprint(&fs->v[i], g->fps[i]);
        cw_hmap_put(&g->byfp, g->fps[i], 32, (void *)(uintptr_t)(i + 1));
    }
}

static const cw_finding *gen_find(const gen *g, const char *fp)
{
    size_t at = (size_t)(uintptr_t)cw_hmap_get(&g->byfp, fp, 32);
    return at ? &g->v[at - 1] : NULL;
}

static void *w_open(const cw_hist_opts *o, cw_diags *d)
{
    cw_engine_opts eo = {.rules = o->rules, .threads = o->threads, .format = "aws-config"};
    cw_engine *e = cw_engine_open(&eo, d);
    if (!e) return NULL;
    whole *w = cw_xcalloc(1, sizeof *w);
    w->e = e;
    gen_init(&w->g[0]);
    gen_init(&w->g[1]);
    return w;
}

static void w_free(void *impl)
{
    whole *w = impl;
    gen_free(&w->g[0]);
    gen_free(&w->g[1]);
    cw_engine_free(w->e);
    free(w);
}

static const cw_ruleset *w_rules(void *impl) { return cw_engine_rules(((whole *)impl)->e); }
static const cw_findings *w_findings(void *impl) { return cw_engine_findings(((whole *)impl)->e); }

static int str_differs(const char *a, const char *b)
{
    if (!a || !b) return a != b;
    return strcmp(a, b) != 0;
}

static int change_cmp(const void *pa, const void *pb)
{
    const hist_change *a = pa, *b = pb;
    return cw_finding_cmp(a->finding, b->finding);
}

static int w_apply(void *impl, const char *name, const char *buf, size_t len, cw_diags *d, hist_delta *out)
{
    whole *w = impl;
    cw_ingest_stats st = {0};
    int rc = cw_engine_add_buffer(w->e, name, buf, len, d, &st);
    if (cw_engine_evaluate(w->e, d) < 0) rc = -1;
    int next = !w->now;
    gen *old = &w->g[w->now], *cur = &w->g[next];
    gen_take(cur, cw_engine_findings(w->e));
    for (size_t i = 0; i < cur->n; i++) {
        const cw_finding *f = &cur->v[i], *was = gen_find(old, cur->fps[i]);
        if (!was) hist_delta_add(out, HIST_OPENED, f, NULL);
        else if (str_differs(was->evidence, f->evidence) || str_differs(was->suppressed_by, f->suppressed_by) ||
                 was->rule->severity != f->rule->severity)
            hist_delta_add(out, HIST_CHANGED, f, was);
    }
    for (size_t i = 0; i < old->n; i++)
        if (!gen_find(cur, old->fps[i])) hist_delta_add(out, HIST_RESOLVED, &old->v[i], NULL);
    if (out->n > 1) qsort(out->v, out->n, sizeof *out->v, change_cmp);
    out->affected = cw_assets_live_count(cw_engine_assets(w->e));
    w->now = next;
    return rc;
}

const hist_backend hist_backend_whole = {
    "whole", "the whole state evaluated at each change", w_open, w_free, w_rules, w_findings, w_apply,
};
