/* hist_replay.c - every stored configuration version, in capture order,
 * through the engine; each change's findings delta becomes the findings
 * lifecycle and the exposure windows the store keeps.
 *
 * A step is one capture instant: every version captured at that instant is
 * applied at once (in recorded order), so two items of one instant never
 * make a window of no length between them. Times are the capture times of
 * the items: a window opens at the capture time of the change that made the
 * resource carry its first public-access or network-exposure finding (its
 * own item, or another one: an account's public access block, a security
 * group) and closes at the capture time of the change after which it
 * carries none. Findings suppressed by a rule exception are not exposures
 * and are not stored (as `scan` does not report them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hist_eval.h"
#include "history.h"
#include "../output/output.h"
#include "../util/hmap.h"
#include "../util/strbuf.h"

/* ---- versions from the store ------------------------------------------- */
typedef struct ver {
    char *resource, *account, *state_id, *item, *change;
    int64_t capture_us, recorded_us;
} ver;
typedef struct vers {
    ver *v;
    size_t n, cap;
} vers;

static char *xdup(const char *s) { return s ? cw_xstrdup(s) : NULL; }

static int take_version(void *ctx, const cw_store_version *v)
{
    vers *x = ctx;
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 256;
        x->v = cw_xrealloc(x->v, x->cap * sizeof *x->v);
    }
    ver *o = &x->v[x->n++];
    o->resource = xdup(v->resource);
    o->account = xdup(v->account);
    o->state_id = xdup(v->state_id);
    o->item = xdup(v->item);
    o->capture_us = v->capture_us;
    o->recorded_us = v->recorded_us;
    o->change = cw_hist_change_id(v->resource, v->capture_us, v->state_id);
    return 0;
}

static int ver_cmp(const void *pa, const void *pb)
{
    const ver *a = pa, *b = pb;
    if (a->capture_us != b->capture_us) return a->capture_us < b->capture_us ? -1 : 1;
    if (a->recorded_us != b->recorded_us) return a->recorded_us < b->recorded_us ? -1 : 1;
    int c = strcmp(a->resource, b->resource);
    return c ? c : strcmp(a->state_id ? a->state_id : "", b->state_id ? b->state_id : "");
}

static void vers_free(vers *x)
{
    for (size_t i = 0; i < x->n; i++)
        free(x->v[i].resource), free(x->v[i].account), free(x->v[i].state_id), free(x->v[i].item),
            free(x->v[i].change);
    free(x->v);
}

/* ---- findings lifecycle -------------------------------------------------- */
typedef struct frec {
    char fp[33];
    char *rule_id, *resource, *type, *resource_id, *name, *account, *region, *severity, *category, *title;
    char *evidence, *open_change, *close_change;
    int open, exposure_cat;
    int64_t first_seen, last_seen, resolved, reopened;
    /* pending (within one instant): what the finding is after the last
     * change that touched it, and that change */
    int visible;
    const char *change;
} frec;

/* ---- exposure windows ---------------------------------------------------- */
typedef struct win {
    char *rules; /* sorted, comma-separated */
    int64_t start, end;
    char *open_change, *close_change;
} win;
typedef struct wres {
    char *resource, *type, *account, *region;
    char **active; /* rule ids of the exposures it carries now */
    size_t nactive;
    char **rules;  /* rule ids that held during the open window (sorted) */
    size_t nrules;
    int open;
    win cur;
    win *done;
    size_t ndone;
} wres;

typedef struct frecs {
    cw_hmap map; /* fingerprint -> frec */
    frec **v;
    size_t n, cap;
} frecs;

typedef struct replay {
    frecs findings;   /* lifecycle of every finding seen */
    frecs pend;       /* what the changes of this instant did, by finding */
    cw_hmap res;      /* resource -> wres */
    wres **wv;
    size_t wn, wcap;
    int64_t t, prev_t; /* this step's instant, the previous one's */
} replay;

static void set_str(char **dst, const char *s)
{
    free(*dst);
    *dst = xdup(s);
}

static void frec_free(frec *r)
{
    free(r->rule_id), free(r->resource), free(r->type), free(r->resource_id), free(r->name);
    free(r->account), free(r->region), free(r->severity), free(r->category), free(r->title);
    free(r->evidence), free(r->open_change), free(r->close_change), free(r);
}

static void frecs_add(frecs *x, frec *r)
{
    cw_hmap_put(&x->map, r->fp, 32, r);
    if (x->n == x->cap) x->cap = x->cap ? 2 * x->cap : 64, x->v = cw_xrealloc(x->v, x->cap * sizeof *x->v);
    x->v[x->n++] = r;
}

/* The pending record of a finding the engine reported (identity copied). */
static frec *pend_of(replay *R, const cw_finding *f)
{
    char fp[33];
    cw_out_fingerprint(f, fp);
    frec *r = cw_hmap_get(&R->pend.map, fp, 32);
    if (r) return r;
    r = cw_xcalloc(1, sizeof *r);
    memcpy(r->fp, fp, 33);
    const cw_asset *a = f->asset;
    r->rule_id = xdup(f->rule->id);
    r->resource = xdup(a->id);
    r->type = xdup(a->type);
    r->resource_id = xdup(a->resource_id);
    r->name = xdup(a->name);
    r->account = xdup(a->account);
    r->region = xdup(a->region);
    r->category = xdup(f->rule->category ? f->rule->category : "other");
    r->exposure_cat = cw_hist_exposure_category(f->rule->category);
    r->title = xdup(f->rule->title);
    r->first_seen = r->resolved = CW_TIME_UNKNOWN;
    frecs_add(&R->pend, r);
    return r;
}

/* One change's effect on a finding: f as it is now (visible: not
 * suppressed), or gone. */
static void pend_change(replay *R, const cw_finding *f, int present, const char *change)
{
    frec *p = pend_of(R, f);
    p->visible = present && !f->suppressed_by;
    if (present) {
        set_str(&p->evidence, f->evidence);
        set_str(&p->severity, cw_severity_name(f->rule->severity));
    }
    p->change = change;
}

static wres *wres_of(replay *R, const frec *f)
{
    wres *w = cw_hmap_get(&R->res, f->resource, strlen(f->resource));
    if (w) return w;
    w = cw_xcalloc(1, sizeof *w);
    w->resource = xdup(f->resource);
    w->type = xdup(f->type);
    w->account = xdup(f->account);
    w->region = xdup(f->region);
    cw_hmap_put(&R->res, w->resource, strlen(w->resource), w);
    if (R->wn == R->wcap) R->wcap = R->wcap ? 2 * R->wcap : 64, R->wv = cw_xrealloc(R->wv, R->wcap * sizeof *R->wv);
    R->wv[R->wn++] = w;
    return w;
}

/* Add s to the sorted set v[0..*n) (not copied twice). */
static void set_add(char ***v, size_t *n, const char *s)
{
    size_t i = 0;
    while (i < *n && strcmp((*v)[i], s) < 0) i++;
    if (i < *n && strcmp((*v)[i], s) == 0) return;
    *v = cw_xrealloc(*v, (*n + 1) * sizeof **v);
    memmove(*v + i + 1, *v + i, (*n - i) * sizeof **v);
    (*v)[i] = cw_xstrdup(s);
    (*n)++;
}

static void set_del(char **v, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(v[i], s) == 0) {
            free(v[i]);
            memmove(v + i, v + i + 1, (*n - i - 1) * sizeof *v);
            (*n)--;
            return;
        }
}

static char *join(char **v, size_t n)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    for (size_t i = 0; i < n; i++) cw_sb_printf(&sb, "%s%s", i ? "," : "", v[i]);
    return sb.buf ? cw_sb_detach(&sb) : cw_xstrdup("");
}

static void window_add(replay *R, const frec *f, const char *change)
{
    wres *w = wres_of(R, f);
    set_add(&w->active, &w->nactive, f->rule_id);
    if (!w->open) {
        w->open = 1;
        w->cur = (win){.start = R->t, .end = CW_TIME_UNKNOWN, .open_change = xdup(change)};
    }
    set_add(&w->rules, &w->nrules, f->rule_id);
}

static void window_remove(replay *R, const frec *f, const char *change)
{
    wres *w = wres_of(R, f);
    set_del(w->active, &w->nactive, f->rule_id);
    if (w->nactive || !w->open) return;
    w->cur.end = R->t;
    w->cur.close_change = xdup(change);
    w->cur.rules = join(w->rules, w->nrules);
    for (size_t i = 0; i < w->nrules; i++) free(w->rules[i]);
    w->nrules = 0;
    w->done = cw_xrealloc(w->done, (w->ndone + 1) * sizeof *w->done);
    w->done[w->ndone++] = w->cur;
    memset(&w->cur, 0, sizeof w->cur);
    w->open = 0;
}

/* The versions of one instant are applied one by one (each transition is
 * put down to the change that caused it); what they did together is taken
 * at the end of the instant, so a finding that a change opened and the next
 * one of the same instant resolved never held at any time. */
static void flush_instant(replay *R)
{
    for (size_t i = 0; i < R->pend.n; i++) {
        frec *p = R->pend.v[i];
        frec *r = cw_hmap_get(&R->findings.map, p->fp, 32);
        int was = r && r->open, now = p->visible;
        if (!was && now) {
            if (!r) {
                frecs_add(&R->findings, p);
                R->pend.v[i] = NULL;
                r = p;
                r->first_seen = R->t;
            } else {
                r->reopened++;
                set_str(&r->evidence, p->evidence);
                set_str(&r->severity, p->severity);
            }
            r->open = 1;
            r->last_seen = R->t;
            r->resolved = CW_TIME_UNKNOWN;
            set_str(&r->open_change, p->change);
            set_str(&r->close_change, NULL);
            if (r->exposure_cat) window_add(R, r, p->change);
        } else if (was && !now) {
            r->open = 0;
            r->last_seen = R->prev_t; /* it held until the instant before */
            r->resolved = R->t;
            set_str(&r->close_change, p->change);
            if (r->exposure_cat) window_remove(R, r, p->change);
        } else if (was && now) {
            r->last_seen = R->t;
            set_str(&r->evidence, p->evidence);
            set_str(&r->severity, p->severity);
        }
    }
    for (size_t i = 0; i < R->pend.n; i++)
        if (R->pend.v[i]) frec_free(R->pend.v[i]);
    R->pend.n = 0;
    cw_hmap_free(&R->pend.map);
    cw_hmap_init(&R->pend.map);
}

static void apply_delta(replay *R, const hist_delta *dl, const char *change)
{
    for (size_t i = 0; i < dl->n; i++) {
        const hist_change *c = &dl->v[i];
        pend_change(R, c->finding, c->kind != HIST_RESOLVED, change);
    }
}

static int write_store(cw_store *st, replay *R, cw_hist_stats *stats)
{
    if (cw_store_begin(st) < 0) return -1;
    if (cw_store_clear_findings(st, NULL) < 0 || cw_store_clear_windows(st, NULL) < 0) goto fail;
    for (size_t i = 0; i < R->findings.n; i++) {
        frec *r = R->findings.v[i];
        if (r->open) r->last_seen = R->t, stats->findings_open++;
        else stats->findings_resolved++;
        cw_store_finding f = {.fingerprint = r->fp, .rule_id = r->rule_id, .resource = r->resource,
                              .resource_type = r->type, .resource_id = r->resource_id, .resource_name = r->name,
                              .account = r->account, .region = r->region, .severity = r->severity,
                              .category = r->category, .title = r->title, .evidence = r->evidence,
                              .status = r->open ? "open" : "resolved", .first_seen_us = r->first_seen,
                              .last_seen_us = r->last_seen, .resolved_us = r->resolved, .reopened = r->reopened,
                              .open_change = r->open_change, .close_change = r->close_change};
        if (cw_store_put_finding(st, &f) < 0) goto fail;
    }
    for (size_t i = 0; i < R->wn; i++) {
        wres *w = R->wv[i];
        for (size_t k = 0; k <= w->ndone; k++) {
            win *x = k < w->ndone ? &w->done[k] : (w->open ? &w->cur : NULL);
            if (!x) continue;
            char *rules = x->rules ? NULL : join(w->rules, w->nrules);
            cw_store_window sw = {.resource = w->resource, .resource_type = w->type, .account = w->account,
                                  .region = w->region, .rules = x->rules ? x->rules : rules,
                                  .start_us = x->start, .end_us = x->end, .open_change = x->open_change,
                                  .close_change = x->close_change};
            int rc = cw_store_put_window(st, &sw, NULL);
            free(rules);
            if (rc < 0) goto fail;
            stats->windows++;
            if (x->end == CW_TIME_UNKNOWN) stats->windows_open++;
        }
    }
    if (cw_store_commit(st) < 0) return -1;
    return 0;
fail:
    cw_store_rollback(st);
    return -1;
}

static void replay_free(replay *R)
{
    for (size_t i = 0; i < R->findings.n; i++) frec_free(R->findings.v[i]);
    for (size_t i = 0; i < R->pend.n; i++)
        if (R->pend.v[i]) frec_free(R->pend.v[i]);
    free(R->findings.v), free(R->pend.v);
    cw_hmap_free(&R->findings.map);
    cw_hmap_free(&R->pend.map);
    for (size_t i = 0; i < R->wn; i++) {
        wres *w = R->wv[i];
        for (size_t k = 0; k < w->nactive; k++) free(w->active[k]);
        for (size_t k = 0; k < w->nrules; k++) free(w->rules[k]);
        for (size_t k = 0; k < w->ndone; k++)
            free(w->done[k].rules), free(w->done[k].open_change), free(w->done[k].close_change);
        free(w->cur.rules), free(w->cur.open_change), free(w->cur.close_change);
        free(w->active), free(w->rules), free(w->done);
        free(w->resource), free(w->type), free(w->account), free(w->region), free(w);
    }
    free(R->wv);
    cw_hmap_free(&R->res);
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int cw_hist_rebuild(cw_store *st, const cw_hist_opts *o, cw_diags *d, cw_hist_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    double t0 = mono_s();
    hist_eval *e = hist_eval_open(o, d);
    if (!e) return -1;
    stats->backend = hist_eval_backend(e);
    vers vs = {0};
    cw_store_version_query q = {.with_item = 1};
    if (cw_store_versions(st, &q, take_version, &vs) < 0) {
        vers_free(&vs);
        hist_eval_free(e);
        return -1;
    }
    if (vs.n > 1) qsort(vs.v, vs.n, sizeof *vs.v, ver_cmp);
    replay R = {0};
    cw_hmap_init(&R.findings.map);
    cw_hmap_init(&R.pend.map);
    cw_hmap_init(&R.res);
    R.t = R.prev_t = CW_TIME_UNKNOWN;
    hist_delta dl = {0};
    for (size_t i = 0; i < vs.n; i++) {
        const ver *v = &vs.v[i];
        if (i == 0 || v->capture_us != R.t) {
            if (i) flush_instant(&R);
            R.prev_t = R.t;
            R.t = v->capture_us;
            stats->steps++;
        }
        const char *item = v->item ? v->item : "{}";
        hist_eval_apply(e, v->change, item, strlen(item), d, &dl);
        apply_delta(&R, &dl, v->change);
        stats->assets_affected += dl.affected;
        stats->versions++;
    }
    if (vs.n) flush_instant(&R);
    hist_delta_free(&dl);
    int rc = write_store(st, &R, stats);
    replay_free(&R);
    vers_free(&vs);
    hist_eval_free(e);
    stats->seconds = mono_s() - t0;
    return rc;
}
