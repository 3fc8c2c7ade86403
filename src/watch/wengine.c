/* wengine.c - watch's engine (see wengine.h). */
#include "wengine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../engine/engine.h"
#include "../history/history.h"
#include "../output/output.h"
#include "../util/hmap.h"
#include "../util/strbuf.h"
#include "../util/timeutil.h"
#include "ctrail.h"
#include "log.h"

struct cw_wengine {
    cw_wengine_opts o;
    cw_engine *e;
    cw_delta delta;
    cw_delta scratch; /* refresh_account: what catching up with the store changed (already in it) */
    const char *const *sinks;
    size_t nsinks;
    cw_eff_stats stats;
};

static int64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void log_diags(const cw_diags *d, size_t max)
{
    size_t shown = 0;
    for (size_t i = 0; i < d->n && shown < max; i++) {
        if (d->v[i].level == CW_DIAG_NOTE) continue;
        char *m = cw_diag_format(&d->v[i]);
        if (d->v[i].level == CW_DIAG_ERROR) cw_log_warn("%s", m);
        else cw_log_info("%s", m);
        free(m);
        shown++;
    }
    if (d->errors + d->warnings > shown)
        cw_log_warn("... and %zu more", d->errors + d->warnings - shown);
}

typedef struct loadctx {
    cw_engine *e;
    cw_diags *d;
    size_t n;
} loadctx;

static int load_version(void *ctx, const cw_store_version *v)
{
    loadctx *l = ctx;
    if (!v->item) return 0;
    char name[600];
    snprintf(name, sizeof name, "store:%s", v->resource ? v->resource : "?");
    cw_engine_add_buffer(l->e, name, v->item, strlen(v->item), l->d, NULL);
    l->n++;
    return 0;
}

/* a new engine with the state loaded and evaluated; NULL on a bad pack */
static cw_engine *build(const cw_wengine_opts *o, cw_store *st, bool quiet_load)
{
    cw_diags d;
    cw_diags_init(&d);
    cw_engine_opts eo = {.rules = o->rules, .threads = o->threads};
    cw_engine *e = cw_engine_open(&eo, &d);
    if (!e) {
        cw_diags_print(&d);
        cw_log_error("%zu error%s in rule packs", d.errors, d.errors == 1 ? "" : "s");
        cw_diags_free(&d);
        return NULL;
    }
    cw_diags_free(&d);
    cw_diags_init(&d);
    if (o->baseline) {
        cw_ingest_stats is = {0};
        cw_engine_add_file(e, o->baseline, &d, &is);
        if (!quiet_load) cw_log_info("baseline %s: %zu asset%s", o->baseline, cw_engine_assets(e)->n,
                                     cw_engine_assets(e)->n == 1 ? "" : "s");
    }
    loadctx l = {e, &d, 0};
    if (!o->no_store_state) {
        cw_store_version_query q = {.latest_only = 1, .with_item = 1};
        if (cw_store_versions(st, &q, load_version, &l) < 0)
            cw_log_error("%s: reading its versions: %s", cw_store_location(st), cw_store_error(st));
        else if (!quiet_load) cw_log_info("store %s: %zu resource%s", cw_store_location(st), l.n, l.n == 1 ? "" : "s");
    }
    if (d.n && !quiet_load) log_diags(&d, 20);
    cw_diags_free(&d);
    cw_diags_init(&d);
    cw_engine_evaluate(e, &d);
    if (d.n && !quiet_load) log_diags(&d, 20);
    cw_diags_free(&d);
    return e;
}

/* ---- bringing the store's findings in line with the engine's -------------- */
typedef struct stale {
    char **fp, **res;
    size_t n, cap;
    const cw_hmap *live;
} stale;

static int take_stale(void *ctx, const cw_store_finding *f)
{
    stale *s = ctx;
    if (cw_hmap_get(s->live, f->fingerprint, strlen(f->fingerprint))) return 0;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->fp = cw_xrealloc(s->fp, s->cap * sizeof *s->fp);
        s->res = cw_xrealloc(s->res, s->cap * sizeof *s->res);
    }
    s->fp[s->n] = cw_xstrdup(f->fingerprint);
    s->res[s->n++] = cw_xstrdup(f->resource ? f->resource : "");
    return 0;
}

/* a stale finding's row, copied (no store call inside a listing) */
typedef struct frow {
    cw_store_finding f;
    char *s[14];
    bool found;
} frow;

static int take_row(void *ctx, const cw_store_finding *f)
{
    frow *r = ctx;
    r->f = *f;
    const char **fields[] = {&r->f.fingerprint, &r->f.rule_id,       &r->f.resource,   &r->f.resource_type,
                             &r->f.resource_id, &r->f.resource_name, &r->f.account,    &r->f.region,
                             &r->f.severity,    &r->f.category,      &r->f.title,      &r->f.evidence,
                             &r->f.open_change, &r->f.close_change};
    for (size_t i = 0; i < 14; i++) {
        r->s[i] = *fields[i] ? cw_xstrdup(*fields[i]) : NULL;
        *fields[i] = r->s[i];
    }
    r->found = true;
    return 1;
}

static int resolve_stale(cw_store *st, const char *fp, const char *change, int64_t t)
{
    frow r = {0};
    int rc = cw_store_get_finding(st, fp, take_row, &r);
    if (rc == 0 && r.found) {
        r.f.status = "resolved";
        r.f.resolved_us = t;
        r.f.close_change = change;
        rc = cw_store_put_finding(st, &r.f);
    }
    for (size_t i = 0; i < 14; i++) free(r.s[i]);
    return rc;
}

static int close_if_unexposed(cw_store *st, const char *resource, const char *change, int64_t t);

static bool same_account(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* the model's findings by fingerprint (valid until the model changes) */
typedef struct livefp {
    cw_hmap live;
    char (*fps)[33];
} livefp;

static void live_open(cw_wengine *w, livefp *L)
{
    const cw_findings *fs = cw_engine_findings(w->e);
    cw_hmap_init(&L->live);
    L->fps = cw_xmalloc((fs->n ? fs->n : 1) * sizeof *L->fps);
    for (size_t i = 0; i < fs->n; i++) {
        cw_out_fingerprint(&fs->v[i], L->fps[i]);
        cw_hmap_put(&L->live, L->fps[i], 32, (void *)&fs->v[i]);
    }
}

static void live_close(livefp *L)
{
    free(L->fps);
    cw_hmap_free(&L->live);
}

/* inside a transaction: the store's findings (of account; NULL = all) made those of the model */
static int reconcile_tx(cw_wengine *w, cw_store *st, const char *change, const char *account, const livefp *L)
{
    const cw_findings *fs = cw_engine_findings(w->e);
    int rc = 0;
    int64_t now = wall_us();
    for (size_t i = 0; i < fs->n && rc == 0; i++) {
        const cw_finding *f = &fs->v[i];
        if (account && !same_account(f->asset->account, account)) continue;
        cw_eff_item it = {CW_EFF_OPENED, f, NULL};
        int64_t t = f->asset->capture_us != CW_TIME_UNKNOWN ? f->asset->capture_us : now;
        cw_eff_change ch = {.change_id = change, .change_us = t, .event_kind = "start"};
        rc = cw_effects_apply(st, &it, 1, &ch, NULL, 0, &w->stats);
    }
    stale s = {.live = &L->live};
    cw_store_finding_query q = {.status = "open", .account = account};
    if (rc == 0) rc = cw_store_findings(st, &q, take_stale, &s);
    for (size_t i = 0; i < s.n && rc == 0; i++) {
        rc = resolve_stale(st, s.fp[i], change, now);
        if (rc == 0) rc = close_if_unexposed(st, s.res[i], change, now);
    }
    if (rc == 0 && s.n) cw_log_info("%zu finding%s the store held are gone: resolved (%s)", s.n, s.n == 1 ? "" : "s",
                                    change);
    for (size_t i = 0; i < s.n; i++) free(s.fp[i]), free(s.res[i]);
    free(s.fp);
    free(s.res);
    return rc;
}

typedef struct acctset {
    char **v;
    size_t n, cap;
} acctset;

static void acct_add(acctset *s, const char *a)
{
    if (!a || !*a) return;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], a) == 0) return;
    if (s->n == s->cap) s->cap = s->cap ? s->cap * 2 : 16, s->v = cw_xrealloc(s->v, s->cap * sizeof *s->v);
    s->v[s->n++] = cw_xstrdup(a);
}

static int take_acct(void *ctx, const cw_store_finding *f)
{
    acct_add(ctx, f->account);
    return 0;
}

static int cmp_acct(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static int refresh_tx(cw_wengine *w, cw_store *st, const char *account);

/* with a node: account by account, each under its lease; an account another node holds is left
 * to it (reconciled by whoever takes it over) */
static int reconcile_nodes(cw_wengine *w, cw_store *st, const char *change)
{
    acctset s = {0};
    const cw_findings *fs = cw_engine_findings(w->e);
    for (size_t i = 0; i < fs->n; i++) acct_add(&s, fs->v[i].asset->account);
    cw_store_finding_query q = {.status = "open"};
    int rc = cw_store_findings(st, &q, take_acct, &s);
    if (s.n > 1) qsort(s.v, s.n, sizeof *s.v, cmp_acct);
    size_t left = 0;
    livefp L;
    live_open(w, &L);
    for (size_t i = 0; i < s.n && rc == 0; i++) {
        cw_node_take_r t;
        rc = cw_store_begin(st);
        if (rc == 0) rc = cw_node_take(w->o.node, st, s.v[i], &t);
        if (rc == 0 && t.got && t.stale) {
            rc = refresh_tx(w, st, s.v[i]); /* the model changed: its findings too */
            live_close(&L);
            live_open(w, &L);
        } else if (rc == 0 && t.got)
            rc = reconcile_tx(w, st, change, s.v[i], &L);
        if (rc == 0 && t.got) {
            rc = cw_store_commit(st);
            if (rc == 0) cw_node_committed(w->o.node, s.v[i]);
        } else {
            cw_store_rollback(st);
            if (rc == 0) left++, cw_log_info("node %s: %s", cw_node_id(w->o.node), t.msg);
        }
    }
    live_close(&L);
    if (rc == 0 && s.n)
        cw_log_info("node %s: %zu account%s with findings, %zu held by other nodes", cw_node_id(w->o.node), s.n,
                    s.n == 1 ? "" : "s", left);
    for (size_t i = 0; i < s.n; i++) free(s.v[i]);
    free(s.v);
    return rc;
}

static int reconcile(cw_wengine *w, cw_store *st, const char *change)
{
    if (w->o.node) return reconcile_nodes(w, st, change);
    livefp L;
    live_open(w, &L);
    int rc = cw_store_begin(st);
    if (rc == 0) rc = reconcile_tx(w, st, change, NULL, &L);
    live_close(&L);
    if (rc == 0) rc = cw_store_commit(st);
    else cw_store_rollback(st);
    return rc;
}

typedef struct openwin {
    cw_store_window w;
    char *s[5];
    bool found;
} openwin;

static int take_open(void *ctx, const cw_store_window *w)
{
    openwin *o = ctx;
    o->w = *w;
    const char **fields[] = {&o->w.resource_type, &o->w.account, &o->w.region, &o->w.rules, &o->w.open_change};
    for (size_t i = 0; i < 5; i++) {
        o->s[i] = *fields[i] ? cw_xstrdup(*fields[i]) : NULL;
        *fields[i] = o->s[i];
    }
    o->found = true;
    return 1;
}

static int any_exposed(void *ctx, const cw_store_finding *f)
{
    if (cw_hist_exposure_category(f->category)) {
        *(bool *)ctx = true;
        return 1;
    }
    return 0;
}

static int close_if_unexposed(cw_store *st, const char *resource, const char *change, int64_t t)
{
    bool exposed = false;
    cw_store_finding_query fq = {.status = "open", .resource = resource};
    if (cw_store_findings(st, &fq, any_exposed, &exposed) < 0) return -1;
    if (exposed) return 0;
    openwin o = {0};
    cw_store_window_query wq = {.resource = resource, .from_us = CW_TIME_UNKNOWN, .to_us = CW_TIME_UNKNOWN, .open_only = 1};
    int rc = cw_store_windows(st, &wq, take_open, &o);
    if (rc == 0 && o.found) {
        cw_store_window c = o.w;
        c.resource = resource;
        c.end_us = t;
        c.close_change = change;
        rc = cw_store_put_window(st, &c, NULL);
    }
    for (size_t i = 0; i < 5; i++) free(o.s[i]);
    return rc;
}

cw_wengine *cw_wengine_open(const cw_wengine_opts *o, cw_store *st)
{
    cw_engine *e = build(o, st, false);
    if (!e) return NULL;
    cw_wengine *w = cw_xcalloc(1, sizeof *w);
    w->o = *o;
    w->e = e;
    cw_delta_init(&w->delta);
    cw_delta_init(&w->scratch);
    char change[600];
    snprintf(change, sizeof change, o->baseline ? "baseline:%s" : "store", o->baseline);
    if (reconcile(w, st, change) < 0) {
        cw_log_error("%s: recording the starting findings: %s", cw_store_location(st), cw_store_error(st));
        cw_wengine_free(w);
        return NULL;
    }
    size_t na, nf;
    cw_wengine_counts(w, &na, &nf);
    cw_log_info("engine ready: %zu asset%s, %zu finding%s (%llu opened in the store, %llu already open)", na,
                na == 1 ? "" : "s", nf, nf == 1 ? "" : "s", (unsigned long long)w->stats.opened,
                (unsigned long long)w->stats.updated);
    memset(&w->stats, 0, sizeof w->stats);
    return w;
}

void cw_wengine_free(cw_wengine *w)
{
    if (!w) return;
    cw_delta_free(&w->delta);
    cw_delta_free(&w->scratch);
    cw_engine_free(w->e);
    free(w);
}

void cw_wengine_set_sinks(cw_wengine *w, const char *const *names, size_t n)
{
    w->sinks = names;
    w->nsinks = n;
}

void cw_wengine_counts(cw_wengine *w, size_t *assets, size_t *findings)
{
    *assets = cw_engine_assets(w->e)->n;
    *findings = cw_engine_findings(w->e)->n;
}

const cw_eff_stats *cw_wengine_eff_stats(const cw_wengine *w)
{
    return &w->stats;
}

/* ---- the applier ------------------------------------------------------------ */
static int apply_item(void *ctx, cw_store *st, const cw_ev *ev, const char *origin, const char *change_id,
                      const char *item, size_t len, char *err, size_t n)
{
    cw_wengine *w = ctx;
    cw_diags d;
    cw_diags_init(&d);
    int rc = cw_engine_apply_buffer(w->e, origin, item, len, &d, &w->delta);
    if (rc < 0 && w->delta.assets_changed == 0) {
        char *m = d.n ? cw_diag_format(&d.v[0]) : NULL;
        snprintf(err, n, "not applied: %s", m ? m : "the engine rejected the item");
        free(m);
        cw_diags_free(&d);
        return 1;
    }
    cw_diags_free(&d);
    if (!w->delta.n) return 0;
    cw_eff_item *items = cw_xmalloc(w->delta.n * sizeof *items);
    for (size_t i = 0; i < w->delta.n; i++) {
        const cw_delta_item *x = &w->delta.v[i];
        items[i] = (cw_eff_item){x->kind == CW_DELTA_OPENED    ? CW_EFF_OPENED
                                 : x->kind == CW_DELTA_CHANGED ? CW_EFF_CHANGED
                                                               : CW_EFF_RESOLVED,
                                 x->finding, x->before};
    }
    const cw_json *ct = ev->kind == CW_EV_CLOUDTRAIL ? ev->event : NULL;
    cw_eff_change ch = {.change_id = change_id,
                        .change_us = ev->time_us,
                        .event_id = ev->id,
                        .event_kind = cw_ev_kind_name(ev->kind),
                        .event_source = origin,
                        .event_name = ct ? cw_json_str(cw_json_get(ct, "eventName"), NULL) : NULL,
                        .actor = ct ? cw_json_str(cw_json_path(ct, "userIdentity.arn"), NULL) : NULL};
    if (ch.change_us == CW_TIME_UNKNOWN) ch.change_us = wall_us();
    rc = cw_effects_apply(st, items, w->delta.n, &ch, w->sinks, w->nsinks, &w->stats);
    free(items);
    if (rc < 0) {
        snprintf(err, n, "%s", cw_store_error(st));
        return -1;
    }
    return 0;
}

static const cw_asset *find_by_name(const cw_engine *e, const char *type, const char *name, const char *account)
{
    const cw_asset_list *l = cw_assets_of_type(cw_engine_assets(e), type);
    for (size_t i = 0; l && i < l->n; i++) {
        const cw_asset *a = l->v[i];
        if (!a->live || (account && a->account && strcmp(account, a->account) != 0)) continue;
        const char *gn = cw_json_str(cw_json_path(a->raw, "configuration.groupName"), NULL);
        const char *di = cw_json_str(cw_json_path(a->raw, "configuration.dBInstanceIdentifier"), NULL);
        if ((a->name && strcmp(a->name, name) == 0) || (gn && strcmp(gn, name) == 0) || (di && strcmp(di, name) == 0))
            return a;
    }
    return NULL;
}

typedef struct latest {
    char *item;
    int64_t capture;
} latest;

static int take_latest(void *ctx, const cw_store_version *v)
{
    latest *l = ctx;
    if (v->item) {
        free(l->item);
        l->item = cw_xstrdup(v->item);
        l->capture = v->capture_us;
    }
    return 0;
}

static char *current_item(void *ctx, cw_store *st, const char *type, const char *resource_id, const char *name,
                          const char *account, const char *region)
{
    cw_wengine *w = ctx;
    (void)region;
    const cw_asset *a = resource_id ? cw_engine_find(w->e, type, resource_id) : NULL;
    if (!a && name) a = find_by_name(w->e, type, name, account);
    if (!a || !a->live) return NULL;
    /* the whole item as recorded, when the store has this state (the model keeps only what rules read) */
    latest l = {NULL, CW_TIME_UNKNOWN};
    cw_store_version_query q = {.resource = a->id, .with_item = 1, .latest_only = 1};
    if (cw_store_versions(st, &q, take_latest, &l) == 0 && l.item && l.capture >= a->capture_us) return l.item;
    free(l.item);
    /* the model's copy keeps what rules read: put the identity back */
    cw_arena ar;
    cw_arena_init(&ar, 16u << 10);
    cw_json *it = a->raw && a->raw->type == CW_JOBJ ? cw_ct_clone(&ar, a->raw) : cw_json_new_obj(&ar);
    const char *keys[][2] = {{"resourceType", a->type},
                             {"resourceId", a->resource_id},
                             {"ARN", a->id && strncmp(a->id, "arn:", 4) == 0 ? a->id : NULL},
                             {"resourceName", a->name},
                             {"awsAccountId", a->account},
                             {"awsRegion", a->region},
                             {"configurationItemCaptureTime", a->capture_time},
                             {"configurationItemStatus", a->status}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        bool have = cw_json_get(it, keys[i][0]) != NULL;
        if (i == 2 && cw_json_get(it, "arn")) have = true;
        if (i == 4 && cw_json_get(it, "accountId")) have = true;
        if (!have && keys[i][1]) cw_json_set_str(&ar, it, keys[i][0], keys[i][1]);
    }
    cw_strbuf sb = CW_STRBUF_INIT;
    cw_json_write(&sb, it, -1);
    cw_arena_free(&ar);
    return cw_sb_detach(&sb);
}

static void resync(void *ctx, cw_store *st)
{
    cw_wengine *w = ctx;
    cw_log_warn("rebuilding the model from the store (what was applied since the last commit was not kept)");
    cw_engine *e = build(&w->o, st, true);
    if (!e) {
        cw_log_error("the rule packs no longer load; the model stays as it was");
        return;
    }
    cw_engine_free(w->e);
    w->e = e;
}

/* ---- taking an account over from another node ----------------------------- */
typedef struct catchup {
    cw_wengine *w;
    cw_diags *d;
    size_t n;
} catchup;

static int catch_up(void *ctx, const cw_store_version *v)
{
    catchup *c = ctx;
    if (!v->item) return 0;
    char name[600];
    snprintf(name, sizeof name, "store:%s", v->resource ? v->resource : "?");
    /* the engine's incremental path; the findings it changes are the ones the other node
     * committed already: the reconcile below checks that, it writes what differs */
    cw_engine_apply_buffer(c->w->e, name, v->item, strlen(v->item), c->d, &c->w->scratch);
    c->n++;
    return 0;
}

static int refresh_tx(cw_wengine *w, cw_store *st, const char *account)
{
    cw_diags d;
    cw_diags_init(&d);
    catchup c = {w, &d, 0};
    cw_store_version_query q = {.account = account, .latest_only = 1, .with_item = 1};
    int rc = cw_store_versions(st, &q, catch_up, &c);
    cw_diags_free(&d);
    if (rc < 0) return -1;
    char change[300];
    snprintf(change, sizeof change, "takeover:%s", account);
    livefp L;
    live_open(w, &L);
    rc = reconcile_tx(w, st, change, account, &L);
    live_close(&L);
    if (rc == 0)
        cw_log_info("account %s: model brought up to the store's state (%zu resource%s)", account, c.n,
                    c.n == 1 ? "" : "s");
    return rc;
}

static int refresh_account(void *ctx, cw_store *st, const char *account, char *err, size_t n)
{
    cw_wengine *w = ctx;
    if (refresh_tx(w, st, account) < 0) {
        snprintf(err, n, "account %s: refreshing the model from the store: %s", account, cw_store_error(st));
        return -1;
    }
    return 0;
}

int cw_wengine_take_over(cw_wengine *w, cw_store *st, const char *account, bool *taken)
{
    *taken = false;
    if (!w->o.node) return 0;
    cw_node_take_r t;
    int rc = cw_store_begin(st);
    if (rc < 0) return -1;
    rc = cw_node_take(w->o.node, st, account, &t);
    if (rc == 0 && t.got && t.stale) rc = refresh_tx(w, st, account);
    if (rc == 0 && t.got) {
        rc = cw_store_commit(st);
        if (rc == 0) {
            cw_node_committed(w->o.node, account);
            *taken = t.stale;
            if (t.stale) cw_log_info("node %s: %s", cw_node_id(w->o.node), t.msg);
        }
    } else
        cw_store_rollback(st);
    return rc;
}

void cw_wengine_applier(cw_wengine *w, cw_applier *ap)
{
    *ap = (cw_applier){.ctx = w,
                       .apply_item = apply_item,
                       .current_item = current_item,
                       .resync = resync,
                       .refresh_account = refresh_account};
}

/* ---- SIGHUP ----------------------------------------------------------------- */
int cw_wengine_reload(cw_wengine *w, cw_store *st)
{
    cw_log_info("reloading the rule packs");
    cw_engine *e = build(&w->o, st, true);
    if (!e) {
        cw_log_warn("the rule packs have errors (above): the rules loaded before stay in use");
        return -1;
    }
    /* what the new rules find that the old did not, and the reverse */
    const cw_findings *old = cw_engine_findings(w->e), *neu = cw_engine_findings(e);
    cw_hmap om, nm;
    cw_hmap_init(&om);
    cw_hmap_init(&nm);
    char(*ofp)[33] = cw_xmalloc((old->n + 1) * sizeof *ofp);
    char(*nfp)[33] = cw_xmalloc((neu->n + 1) * sizeof *nfp);
    for (size_t i = 0; i < old->n; i++) cw_out_fingerprint(&old->v[i], ofp[i]), cw_hmap_put(&om, ofp[i], 32, &old->v[i]);
    for (size_t i = 0; i < neu->n; i++) cw_out_fingerprint(&neu->v[i], nfp[i]), cw_hmap_put(&nm, nfp[i], 32, &neu->v[i]);
    cw_eff_item *items = cw_xmalloc((old->n + neu->n + 1) * sizeof *items);
    size_t n = 0;
    for (size_t i = 0; i < neu->n; i++) {
        const cw_finding *b = cw_hmap_get(&om, nfp[i], 32);
        if (!b) items[n++] = (cw_eff_item){CW_EFF_OPENED, &neu->v[i], NULL};
        else if (b->rule->severity != neu->v[i].rule->severity || !b->suppressed_by != !neu->v[i].suppressed_by)
            items[n++] = (cw_eff_item){CW_EFF_CHANGED, &neu->v[i], b};
    }
    for (size_t i = 0; i < old->n; i++)
        if (!cw_hmap_get(&nm, ofp[i], 32)) items[n++] = (cw_eff_item){CW_EFF_RESOLVED, &old->v[i], NULL};
    char t[48], change[64];
    int64_t now = wall_us();
    cw_hist_time(now, t, sizeof t);
    snprintf(change, sizeof change, "rules-reload@%s", t);
    cw_eff_change ch = {.change_id = change, .change_us = now, .event_kind = "rules-reload", .event_source = "SIGHUP"};
    int rc = cw_store_begin(st);
    if (rc == 0) rc = cw_effects_apply(st, items, n, &ch, w->sinks, w->nsinks, &w->stats);
    if (rc == 0) rc = cw_store_commit(st);
    else cw_store_rollback(st);
    free(items);
    free(ofp);
    free(nfp);
    cw_hmap_free(&om);
    cw_hmap_free(&nm);
    if (rc < 0) {
        cw_log_error("rules reload: %s; the rules loaded before stay in use", cw_store_error(st));
        cw_engine_free(e);
        return -2;
    }
    cw_engine_free(w->e);
    w->e = e;
    cw_log_info("rule packs reloaded: %zu rule%s, %zu change%s in the findings", cw_rules_count(cw_engine_rules(e)),
                cw_rules_count(cw_engine_rules(e)) == 1 ? "" : "s", n, n == 1 ? "" : "s");
    return 0;
}
