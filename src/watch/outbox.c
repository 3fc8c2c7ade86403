/* outbox.c - alert delivery with retries (see outbox.h). */
#include "outbox.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"
#include "../util/timeutil.h"
#include "log.h"

typedef struct sink_state {
    cw_sink *sink;
    int64_t rest_until; /* not before (µs) */
    int64_t failures;   /* consecutive */
    bool logged;        /* the current outage was logged */
} sink_state;

struct cw_outbox {
    sink_state *s;
    const char **names;
    size_t n;
    cw_outbox_opts o;
    cw_outbox_stats stats;
};

cw_outbox *cw_outbox_new(cw_sink *const *sinks, size_t nsinks, const cw_outbox_opts *o)
{
    cw_outbox *ob = cw_xcalloc(1, sizeof *ob);
    ob->s = cw_xcalloc(nsinks ? nsinks : 1, sizeof *ob->s);
    ob->names = cw_xcalloc(nsinks ? nsinks : 1, sizeof *ob->names);
    ob->n = nsinks;
    for (size_t i = 0; i < nsinks; i++) {
        ob->s[i].sink = sinks[i];
        ob->names[i] = cw_sink_name(sinks[i]);
    }
    if (o) ob->o = *o;
    if (ob->o.base_us <= 0) ob->o.base_us = 1000000;
    if (ob->o.max_us <= 0) ob->o.max_us = 300000000;
    if (!ob->o.batch) ob->o.batch = 256;
    return ob;
}

void cw_outbox_free(cw_outbox *ob)
{
    if (!ob) return;
    free(ob->s);
    free(ob->names);
    free(ob);
}

size_t cw_outbox_nsinks(const cw_outbox *ob)
{
    return ob->n;
}
cw_sink *cw_outbox_sink(const cw_outbox *ob, size_t i)
{
    return ob->s[i].sink;
}
const char *const *cw_outbox_sink_names(const cw_outbox *ob)
{
    return ob->names;
}
const cw_outbox_stats *cw_outbox_stats_of(const cw_outbox *ob)
{
    return &ob->stats;
}

int64_t cw_outbox_backoff(const cw_outbox_opts *o, int64_t attempts)
{
    int64_t w = o->base_us;
    for (int64_t i = 1; i < attempts && w < o->max_us; i++) w *= 2;
    return w < o->max_us ? w : o->max_us;
}

typedef struct cctx {
    cw_outbox_batch *b;
    size_t sink;
} cctx;

static int collect_row(void *ctx, const cw_store_alert *a)
{
    cctx *c = ctx;
    cw_outbox_batch *b = c->b;
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->v = cw_xrealloc(b->v, b->cap * sizeof *b->v);
    }
    cw_outbox_item *it = &b->v[b->n++];
    memset(it, 0, sizeof *it);
    it->id = cw_xstrdup(a->id);
    it->kind = cw_xstrdup(a->kind ? a->kind : "");
    it->payload = cw_xstrdup(a->payload ? a->payload : "{}");
    it->sink = c->sink;
    it->attempts = a->attempts;
    return 0;
}

int cw_outbox_collect(cw_outbox *ob, cw_store *st, int64_t now_us, cw_outbox_batch *b)
{
    for (size_t i = 0; i < ob->n; i++) {
        if (ob->s[i].rest_until > now_us) continue;
        cctx c = {b, i};
        if (cw_store_alerts_due(st, ob->names[i], now_us, ob->o.batch, collect_row, &c) < 0) return -1;
    }
    return 0;
}

void cw_outbox_send(cw_outbox *ob, cw_outbox_batch *b, int64_t now_us)
{
    bool *down = cw_xcalloc(ob->n ? ob->n : 1, sizeof *down);
    for (size_t i = 0; i < b->n; i++) {
        cw_outbox_item *it = &b->v[i];
        if (down[it->sink]) continue;
        sink_state *s = &ob->s[it->sink];
        if (cw_sink_deliver(s->sink, it->id, it->kind, it->payload, it->err, sizeof it->err) == 0) {
            it->state = 1;
            ob->stats.delivered++;
            if (s->failures && s->logged)
                cw_log_info("alerts: %s %s delivers again", cw_sink_name(s->sink), cw_sink_target(s->sink));
            s->failures = 0;
            s->logged = false;
        } else {
            it->state = -1;
            ob->stats.failed++;
            down[it->sink] = true;
            s->failures++;
            s->rest_until = now_us + cw_outbox_backoff(&ob->o, s->failures);
            if (!s->logged) {
                cw_log_warn("alerts: %s delivery failed (%s); retrying with backoff, the alerts stay in the outbox",
                            cw_sink_name(s->sink), it->err);
                s->logged = true;
            }
        }
    }
    /* a sink that buffers (the file: lines written, fsync'd once for the batch)
     * delivered its items only once it synced */
    for (size_t k = 0; k < ob->n; k++) {
        bool any = false;
        for (size_t i = 0; i < b->n && !any; i++) any = b->v[i].sink == k && b->v[i].state == 1;
        char err[256];
        if (!any || cw_sink_sync(ob->s[k].sink, err, sizeof err) == 0) continue;
        sink_state *s = &ob->s[k];
        for (size_t i = 0; i < b->n; i++) {
            if (b->v[i].sink != k || b->v[i].state != 1) continue;
            b->v[i].state = -1;
            snprintf(b->v[i].err, sizeof b->v[i].err, "%s", err);
            ob->stats.delivered--, ob->stats.failed++;
        }
        s->failures++;
        s->rest_until = now_us + cw_outbox_backoff(&ob->o, s->failures);
        if (!s->logged) {
            cw_log_warn("alerts: %s delivery failed (%s); retrying with backoff, the alerts stay in the outbox",
                        cw_sink_name(s->sink), err);
            s->logged = true;
        }
    }
    free(down);
}

int cw_outbox_mark(cw_outbox *ob, cw_store *st, int64_t now_us, cw_outbox_batch *b)
{
    if (!b->n) return 0;
    /* one transaction for the batch: one fsync, not one per alert */
    if (cw_store_begin(st) < 0) return -1;
    int rc = 0;
    for (size_t i = 0; i < b->n && rc == 0; i++) {
        cw_outbox_item *it = &b->v[i];
        const char *name = ob->names[it->sink];
        if (it->state == 1) rc = cw_store_alert_delivered(st, it->id, name, now_us);
        else if (it->state == -1)
            rc = cw_store_alert_retry(st, it->id, name, now_us + cw_outbox_backoff(&ob->o, it->attempts + 1), it->err);
    }
    if (rc < 0) {
        cw_store_rollback(st);
        return -1;
    }
    return cw_store_commit(st);
}

void cw_outbox_batch_free(cw_outbox_batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->v[i].id);
        free(b->v[i].kind);
        free(b->v[i].payload);
    }
    free(b->v);
    b->v = NULL;
    b->n = b->cap = 0;
}

long cw_outbox_pump(cw_outbox *ob, cw_store *st, int64_t now_us)
{
    cw_outbox_batch b = {0};
    if (cw_outbox_collect(ob, st, now_us, &b) < 0) {
        cw_outbox_batch_free(&b);
        return -1;
    }
    cw_outbox_send(ob, &b, now_us);
    long ok = 0;
    for (size_t i = 0; i < b.n; i++) ok += b.v[i].state == 1;
    int rc = cw_outbox_mark(ob, st, now_us, &b);
    cw_outbox_batch_free(&b);
    return rc < 0 ? -1 : ok;
}
