/* hist_eval_whole.c - history steps by whole-state evaluation:
 * the state at each instant (the latest item of every resource so far) is
 * loaded, linked, analyzed and evaluated as `scan` does, and its findings
 * are compared with the previous state's by fingerprint. Correct for every
 * change (account-level ones included, since everything is evaluated), and
 * slow: each step costs a scan of the whole state. The engine's incremental
 * path (hist_eval_engine.c) does the same work per change on what the change
 * can affect; this back end is the cross-check (`history import --evaluate
 * whole`). */
#include <stdlib.h>
#include <string.h>

#include "hist_eval_int.h"
#include "../analyze/analyze.h"
#include "../ingest/awsconfig.h"
#include "../ingest/ingest.h"
#include "../output/output.h"
#include "../util/hmap.h"
#include "../util/strbuf.h"

typedef struct slot {
    char *key;  /* type \x1f resource id */
    char *text; /* the item */
    int64_t capture_us;
} slot;

typedef struct gen {
    int used;
    cw_assets assets;
    cw_arena fa;
    cw_findings fs;
    char (*fps)[33];
    cw_hmap byfp; /* fingerprint -> finding */
} gen;

typedef struct whole {
    cw_ruleset *rs;
    cw_arena pa;
    const cw_jproj *proj;
    cw_pool *pool;
    cw_exec ex;
    cw_hmap cur; /* key -> slot index + 1 */
    slot *v;
    size_t n, cap;
    gen g[2];
    int now; /* index of the current generation */
    int64_t clock; /* cw_assets.clock of the generations */
} whole;

static void gen_free(gen *g)
{
    if (!g->used) return;
    cw_hmap_free(&g->byfp);
    free(g->fps);
    cw_findings_free(&g->fs);
    cw_arena_free(&g->fa);
    cw_assets_free(&g->assets);
    memset(g, 0, sizeof *g);
}

static void *w_open(const cw_hist_opts *o, cw_diags *d)
{
    cw_ruleset *rs = cw_rules_load(&o->rules, d);
    if (!rs) return NULL;
    whole *e = cw_xcalloc(1, sizeof *e);
    e->rs = rs;
    e->clock = cw_analyze_clock_of(o->rules.today); /* aws:CurrentTime: per asset set (cw_assets.clock) */
    cw_arena_init(&e->pa, 0);
    e->proj = cw_rules_projection(rs, &e->pa);
    e->pool = cw_pool_new(o->threads);
    e->ex.pool = e->pool;
    cw_hmap_init(&e->cur);
    return e;
}

static void w_free(void *impl)
{
    whole *e = impl;
    gen_free(&e->g[0]);
    gen_free(&e->g[1]);
    for (size_t i = 0; i < e->n; i++) free(e->v[i].key), free(e->v[i].text);
    free(e->v);
    cw_hmap_free(&e->cur);
    cw_pool_free(e->pool);
    cw_arena_free(&e->pa);
    cw_rules_free(e->rs);
    free(e);
}

static const cw_ruleset *w_rules(void *impl) { return ((whole *)impl)->rs; }
static const cw_findings *w_findings(void *impl)
{
    whole *e = impl;
    return &e->g[e->now].fs;
}

/* Take the items of buf into the state (the later capture instant wins per
 * type and resource id; a tie goes to the one given last). */
static int take_items(whole *e, const char *name, const char *buf, size_t len, cw_diags *d)
{
    cw_json_err err;
    cw_jreader_opts ro = {.stream_keys = cw_adapter_awsconfig.stream_keys};
    cw_jreader *r = cw_jreader_open_mem(buf, len, &ro, &err);
    if (!r) {
        cw_diag_add(d, CW_DIAG_ERROR, name, 0, 0, 0, NULL, "%s", err.msg);
        return -1;
    }
    int rc = 0;
    cw_arena scratch;
    cw_arena_init(&scratch, 64u << 10);
    cw_strbuf sb = CW_STRBUF_INIT;
    for (;;) {
        cw_arena_reset(&scratch);
        cw_jrecord rec;
        int n = cw_jreader_next(r, &scratch, &rec, &err);
        if (n == 0) break;
        if (n < 0) {
            cw_diag_add(d, CW_DIAG_ERROR, name, err.line, err.col, err.record, NULL, "%s", err.msg);
            rc = -1;
            continue;
        }
        cw_asset as;
        int k = cw_adapter_awsconfig.prepare(&scratch, name, &rec, d, &as);
        if (k < 0) rc = -1;
        if (k <= 0) continue;
        cw_sb_reset(&sb);
        cw_sb_printf(&sb, "%s\x1f%s", as.type, as.resource_id);
        size_t at = (size_t)(uintptr_t)cw_hmap_get(&e->cur, sb.buf, sb.len);
        slot *s;
        if (at) {
            s = &e->v[at - 1];
            if (s->capture_us != CW_TIME_UNKNOWN && as.capture_us < s->capture_us) continue; /* older */
            free(s->text);
        } else {
            if (e->n == e->cap) {
                e->cap = e->cap ? 2 * e->cap : 64;
                e->v = cw_xrealloc(e->v, e->cap * sizeof *e->v);
            }
            s = &e->v[e->n++];
            s->key = cw_xstrdup(sb.buf);
            cw_hmap_put(&e->cur, s->key, sb.len, (void *)(uintptr_t)e->n);
        }
        s->capture_us = as.capture_us;
        cw_sb_reset(&sb);
        cw_json_write(&sb, as.raw, -1);
        s->text = cw_sb_detach(&sb);
    }
    cw_sb_free(&sb);
    cw_arena_free(&scratch);
    cw_jreader_close(r);
    return rc;
}

/* Evaluate the whole state into g, as scan does. */
static void evaluate(whole *e, gen *g, cw_diags *d)
{
    g->used = 1;
    cw_assets_init(&g->assets);
    g->assets.clock = e->clock;
    cw_arena_init(&g->fa, 1 << 16);
    cw_findings_init(&g->fs);
    cw_hmap_init(&g->byfp);
    cw_strbuf all = CW_STRBUF_INIT;
    for (size_t i = 0; i < e->n; i++) cw_sb_adds(&all, e->v[i].text), cw_sb_addc(&all, '\n');
    cw_ingest_opts io = {.format = "aws-config", .proj = e->proj, .exec = &e->ex};
    cw_ingest_stats st = {0};
    cw_diags ld; /* the items were accepted once: nothing new to say */
    cw_diags_init(&ld);
    if (all.len) cw_ingest_buffer(&g->assets, "history", all.buf, all.len, &io, &ld, &st);
    cw_diags_free(&ld);
    cw_assets_link(&g->assets, &e->ex);
    cw_analyze_all(&g->assets, &e->ex, NULL);
    cw_rules_eval(e->rs, &g->assets, &g->fa, &g->fs, d, &e->ex);
    cw_findings_sort(&g->fs, &e->ex);
    g->fps = cw_xcalloc(g->fs.n + 1, sizeof *g->fps);
    for (size_t i = 0; i < g->fs.n; i++) {
        cw_out_fingerprint(&g->fs.v[i], g->fps[i]);
        cw_hmap_put(&g->byfp, g->fps[i], 32, &g->fs.v[i]);
    }
    /* the ingest buffer must outlive the assets only while they are built:
     * assets keep their own copies (cw_asset_keep) */
    cw_sb_free(&all);
}

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
    whole *e = impl;
    int rc = take_items(e, name, buf, len, d);
    int next = !e->now;
    gen_free(&e->g[next]);
    size_t errors = d->errors;
    evaluate(e, &e->g[next], d);
    if (d->errors > errors) rc = -1;
    gen *old = &e->g[e->now], *cur = &e->g[next];
    for (size_t i = 0; i < cur->fs.n; i++) {
        const cw_finding *f = &cur->fs.v[i];
        const cw_finding *was = old->used ? cw_hmap_get(&old->byfp, cur->fps[i], 32) : NULL;
        if (!was) hist_delta_add(out, HIST_OPENED, f, NULL);
        else if (str_differs(was->evidence, f->evidence) || str_differs(was->suppressed_by, f->suppressed_by) ||
                 was->rule->severity != f->rule->severity)
            hist_delta_add(out, HIST_CHANGED, f, was);
    }
    for (size_t i = 0; old->used && i < old->fs.n; i++)
        if (!cw_hmap_get(&cur->byfp, old->fps[i], 32)) hist_delta_add(out, HIST_RESOLVED, &old->fs.v[i], NULL);
    if (out->n > 1) qsort(out->v, out->n, sizeof *out->v, change_cmp);
    out->affected = cur->assets.n;
    e->now = next;
    return rc;
}

const hist_backend hist_backend_whole = {
    "whole", "the whole state evaluated at each change", w_open, w_free, w_rules, w_findings, w_apply,
};
