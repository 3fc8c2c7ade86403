/* watch.c - the monitor's run loop: store, engine, sources, outbox, signals
 * (see watch.h). */
#include "watch.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../store/store.h"
#include "../util/diag.h"
#include "core.h"
#include "log.h"
#include "wengine.h"

static volatile sig_atomic_t g_stop, g_reload;

static void on_stop(int sig)
{
    (void)sig;
    g_stop = 1;
}
static void on_hup(int sig)
{
    (void)sig;
    g_reload = 1;
}

static int64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct run {
    const cw_watch_opts *o;
    cw_store *st;
    cw_core *core;
    cw_wengine *eng;
    cw_node *node;
    bool claim; /* several nodes may deliver: claim before sending */
    uint64_t takeovers; /* accounts the timer took over from another node */
    cw_outbox *ob;
    cw_dirsrc **dirs;
    size_t ndirs;
    cw_source_ctl ctl;
    int64_t last_pump, last_dirs;
} run;

/* several nodes: keep only the deliveries this node claimed (in one transaction) */
static int claim(run *R, cw_outbox_batch *b)
{
    int64_t now = wall_us(), until = now + 2 * cw_node_ttl_us(R->node) + 10000000;
    if (cw_store_begin(R->st) < 0) return -1;
    size_t k = 0;
    int rc = 0;
    for (size_t i = 0; i < b->n; i++) {
        int got = 0;
        if (rc == 0) rc = cw_store_alert_claim(R->st, b->v[i].id, cw_outbox_sink_names(R->ob)[b->v[i].sink], now,
                                               until, &got);
        if (rc == 0 && got) b->v[k++] = b->v[i];
        else free(b->v[i].id), free(b->v[i].kind), free(b->v[i].payload);
    }
    b->n = k;
    if (rc == 0) rc = cw_store_commit(R->st);
    else cw_store_rollback(R->st);
    return rc;
}

/* deliver what is due: the store is used under the core's lock, the sinks without it */
static void pump(run *R)
{
    if (!R->ob || !cw_outbox_nsinks(R->ob)) return;
    cw_outbox_batch b = {0};
    cw_core_lock(R->core);
    int rc = cw_outbox_collect(R->ob, R->st, wall_us(), &b);
    if (rc == 0 && b.n && R->claim) rc = claim(R, &b);
    cw_core_unlock(R->core);
    if (rc < 0) {
        cw_log_error("alerts: reading the outbox: %s", cw_store_error(R->st));
        cw_outbox_batch_free(&b);
        return;
    }
    if (!b.n) { /* nothing due, or another node claimed all of it: the array may still be allocated */
        cw_outbox_batch_free(&b);
        return;
    }
    cw_outbox_send(R->ob, &b, wall_us());
    cw_core_lock(R->core);
    if (cw_outbox_mark(R->ob, R->st, wall_us(), &b) < 0)
        cw_log_error("alerts: recording deliveries: %s (they will be delivered again)", cw_store_error(R->st));
    /* claimed but not tried (their sink failed first): due again now, for whichever node */
    for (size_t i = 0; R->claim && i < b.n; i++) {
        int got;
        if (b.v[i].state == 0)
            cw_store_alert_claim(R->st, b.v[i].id, cw_outbox_sink_names(R->ob)[b.v[i].sink], INT64_MAX, wall_us(), &got);
    }
    cw_core_unlock(R->core);
    cw_outbox_batch_free(&b);
}

static void reload(run *R)
{
    g_reload = 0;
    cw_core_lock(R->core);
    cw_wengine_reload(R->eng, R->st);
    cw_core_unlock(R->core);
}

/* the node's timer: renew the leases, take over the accounts whose lease expired */
static void node_tick(run *R, int64_t t)
{
    char **exp = NULL;
    size_t nexp = 0;
    cw_core_lock(R->core);
    if (cw_node_tick(R->node, R->st, t, &exp, &nexp) == 0) {
        for (size_t i = 0; i < nexp; i++) {
            bool taken = false;
            if (!g_stop && cw_wengine_take_over(R->eng, R->st, exp[i], &taken) < 0) {
                cw_log_error("node %s: taking over account %s: %s", cw_node_id(R->node), exp[i], cw_store_error(R->st));
                cw_applier ap;
                cw_wengine_applier(R->eng, &ap);
                ap.resync(ap.ctx, R->st);
            }
            if (taken) R->takeovers++;
            free(exp[i]);
        }
    }
    free(exp);
    cw_core_unlock(R->core);
}

/* between bodies: alerts, directories, SIGHUP, leases */
static void idle(void *ctx)
{
    run *R = ctx;
    int64_t t = mono_ms();
    if (g_reload) reload(R);
    if (R->node && cw_node_due(R->node, t)) node_tick(R, t);
    if (t - R->last_pump >= 50) {
        R->last_pump = t;
        pump(R);
    }
    if (R->ndirs && t - R->last_dirs >= 200) {
        R->last_dirs = t;
        for (size_t i = 0; i < R->ndirs && !g_stop; i++) cw_src_dir_poll(R->dirs[i], &R->ctl);
    }
}

static void health_json(void *ctx, char *buf, size_t n)
{
    run *R = ctx;
    cw_core_stats s;
    cw_core_stats_get(R->core, &s);
    int64_t pend = 0;
    cw_core_lock(R->core);
    cw_store_alerts_pending(R->st, NULL, &pend);
    size_t na = 0, nf = 0;
    cw_wengine_counts(R->eng, &na, &nf);
    size_t nheld = cw_node_nheld(R->node);
    uint64_t takeovers = R->takeovers;
    cw_core_unlock(R->core);
    snprintf(buf, n,
             "\"store\":\"%s\",\"assets\":%zu,\"findings\":%zu,\"bodies\":%llu,\"applied\":%llu,"
             "\"duplicates\":%llu,\"bad\":%llu,\"alerts_pending\":%lld,\"node\":\"%s\",\"leases\":%zu,"
             "\"lease_refusals\":%llu,\"takeovers\":%llu",
             cw_store_backend(R->st), na, nf, (unsigned long long)s.bodies, (unsigned long long)s.applied,
             (unsigned long long)s.duplicates, (unsigned long long)s.bad, (long long)pend, cw_node_id(R->node),
             nheld, (unsigned long long)s.lease_refusals, (unsigned long long)(s.takeovers + takeovers));
}

static int health_ok(void *ctx)
{
    return cw_core_healthy(((run *)ctx)->core);
}

static void signals(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_hup;
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int open_sinks(const cw_watch_opts *o, cw_sink **sinks, size_t *n)
{
    char *err = NULL;
    *n = 0;
    if (o->alerts) {
        if (!(sinks[*n] = cw_sink_file_open(o->alerts, &err))) goto fail;
        (*n)++;
    }
    if (o->webhook) {
        if (!(sinks[*n] = cw_sink_webhook_open(o->webhook, NULL, &err))) goto fail;
        (*n)++;
    }
    if (o->syslog) sinks[(*n)++] = cw_sink_syslog_open("cloudwarden");
    return 0;
fail:
    cw_log_error("%s", err);
    free(err);
    for (size_t i = 0; i < *n; i++) cw_sink_free(sinks[i]);
    *n = 0;
    return -1;
}

int cw_watch_run(const cw_watch_opts *o)
{
    cw_log_quiet(o->quiet);
    g_stop = g_reload = 0;
    signals();
    run R = {.o = o};
    int code = CW_EXIT_USAGE;
    cw_sink *sinks[3];
    size_t nsinks = 0;
    bool use_stdin = false;
    for (size_t i = 0; i < o->nevents; i++) use_stdin |= strcmp(o->events[i], "-") == 0;
    char *err = NULL;
    R.st = cw_store_open(o->db, 0, &err);
    if (!R.st) {
        cw_log_error("%s", err);
        free(err);
        return CW_EXIT_USAGE;
    }
    cw_log_info("store: %s %s", cw_store_backend(R.st), cw_store_location(R.st));
    R.node = cw_node_open(R.st, o->node_id, o->lease_ttl_us, &err);
    if (!R.node) {
        cw_log_error("%s", err);
        free(err);
        cw_store_close(R.st);
        return CW_EXIT_USAGE;
    }
    R.claim = strcmp(cw_store_backend(R.st), "postgresql") == 0;
    cw_log_info("node %s: account leases of %.1f s, renewed every %.1f s", cw_node_id(R.node),
                (double)cw_node_ttl_us(R.node) / 1e6, (double)cw_node_ttl_us(R.node) / 3e6);
    if (open_sinks(o, sinks, &nsinks) < 0) goto out;
    R.ob = cw_outbox_new(sinks, nsinks, &o->outbox);
    cw_wengine_opts eo = {.rules = o->rules, .threads = o->threads, .baseline = o->baseline,
                          .no_store_state = o->no_store_state, .node = R.node};
    R.eng = cw_wengine_open(&eo, R.st);
    if (!R.eng) goto out;
    cw_wengine_set_sinks(R.eng, cw_outbox_sink_names(R.ob), nsinks);
    cw_applier ap;
    cw_wengine_applier(R.eng, &ap);
    cw_core_opts co = {.sns_confirm = o->sns_confirm, .max_record = o->max_body, .node = R.node};
    R.core = cw_core_new(R.st, &ap, &co);
    R.ctl = (cw_source_ctl){.stop = &g_stop, .ingest = cw_core_ingest, .ctx = R.core, .max_body = o->max_body};
    for (size_t i = 0; i < o->nevents; i++) {
        if (strcmp(o->events[i], "-") == 0) continue;
        cw_dirsrc *d = cw_src_dir_open(o->events[i], o->settle_ms, &err);
        if (!d) {
            cw_log_error("%s", err);
            free(err);
            goto out;
        }
        R.dirs = cw_xrealloc(R.dirs, (R.ndirs + 1) * sizeof *R.dirs);
        R.dirs[R.ndirs++] = d;
        cw_log_info("watching directory %s (done/ and failed/ beside)", o->events[i]);
    }
    cw_httpsrc *http = NULL;
    R.ctl.idle = idle;
    R.ctl.idle_ctx = &R;
    R.ctl.healthy = health_ok;
    R.ctl.health_json = health_json;
    R.ctl.health_ctx = &R;
    if (o->listen) {
        http = cw_src_http_start(o->listen, &o->http, &R.ctl, &err);
        if (!http) {
            cw_log_error("%s", err);
            free(err);
            goto out;
        }
        cw_log_info("listening on %s (port %u): POST /events, GET /healthz", o->listen, cw_src_http_port(http));
    }
    pump(&R); /* what an earlier run left in the outbox */
    if (use_stdin) {
        unsigned long bad = cw_src_stdin_run(0, &R.ctl);
        if (!g_stop) cw_log_info("end of standard input (%lu line%s rejected)", bad, bad == 1 ? "" : "s");
    }
    /* directories and HTTP: until a signal (stdin alone: its end is the end) */
    /* an alert goes out as soon as the body that made it commits */
    uint64_t seq = 0;
    while (!g_stop && (R.ndirs || http)) {
        uint64_t now_seq = cw_core_wait(R.core, seq, 50);
        if (now_seq != seq) R.last_pump = 0;
        seq = now_seq;
        idle(&R);
    }
    if (http) {
        cw_src_http_stop(http); /* the request in hand finishes first */
        http = NULL;
    }
    /* deliver what is due now; what a sink refuses stays in the outbox */
    R.last_pump = 0;
    pump(&R);
    cw_node_release(R.node, R.st);
    int64_t pend = 0;
    cw_store_alerts_pending(R.st, NULL, &pend);
    cw_core_stats cs;
    cw_core_stats_get(R.core, &cs);
    const cw_eff_stats *es = cw_wengine_eff_stats(R.eng);
    cw_log_info("stopping: %llu bod%s, %llu applied, %llu duplicate, %llu bad; findings %llu opened, %llu resolved, "
                "%llu escalated; %llu alert%s queued, %lld deliver%s pending",
                (unsigned long long)cs.bodies, cs.bodies == 1 ? "y" : "ies", (unsigned long long)cs.applied,
                (unsigned long long)cs.duplicates, (unsigned long long)cs.bad, (unsigned long long)es->opened,
                (unsigned long long)es->resolved, (unsigned long long)es->escalated, (unsigned long long)es->alerts,
                es->alerts == 1 ? "" : "s", (long long)pend, pend == 1 ? "y" : "ies");
    code = CW_EXIT_OK;
out:
    if (R.core) cw_core_free(R.core);
    cw_wengine_free(R.eng);
    for (size_t i = 0; i < R.ndirs; i++) cw_src_dir_close(R.dirs[i]);
    free(R.dirs);
    cw_outbox_free(R.ob);
    for (size_t i = 0; i < nsinks; i++) cw_sink_free(sinks[i]);
    cw_node_free(R.node);
    cw_store_close(R.st);
    return code;
}
