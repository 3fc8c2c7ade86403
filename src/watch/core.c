/* core.c - bodies to committed effects (see core.h). */
#include "core.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../history/history.h"
#include "../json/json.h"
#include "../util/strbuf.h"
#include "../util/timeutil.h"
#include "ctrail.h"
#include "log.h"

typedef struct waiter waiter;

struct cw_core {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a commit happened (seq) */
    /* group commit: bodies handed over while a transaction is being written
     * wait here; the next leader takes them all into one transaction */
    pthread_mutex_t qmu;
    pthread_cond_t qcv;
    waiter *qhead, **qtail;
    bool leader;
    uint64_t seq;
    cw_store *st;
    cw_applier ap;
    bool has_ap;
    cw_core_opts o;
    cw_core_stats stats;
    int healthy;
};

static int64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

cw_core *cw_core_new(cw_store *st, const cw_applier *ap, const cw_core_opts *o)
{
    cw_core *c = cw_xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&c->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&c->qmu, NULL);
    pthread_cond_init(&c->qcv, NULL);
    c->qtail = &c->qhead;
    c->st = st;
    if (ap) c->ap = *ap, c->has_ap = true;
    if (o) c->o = *o;
    if (!c->o.max_record) c->o.max_record = 16u << 20;
    c->healthy = 1;
    return c;
}

void cw_core_free(cw_core *c)
{
    if (!c) return;
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->qmu);
    pthread_cond_destroy(&c->qcv);
    free(c);
}

void cw_core_lock(cw_core *c)
{
    pthread_mutex_lock(&c->mu);
}
void cw_core_unlock(cw_core *c)
{
    pthread_mutex_unlock(&c->mu);
}
cw_store *cw_core_store(cw_core *c)
{
    return c->st;
}
uint64_t cw_core_wait(cw_core *c, uint64_t seen, int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_nsec += (long)ms * 1000000L;
    ts.tv_sec += ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    pthread_mutex_lock(&c->mu);
    while (c->seq == seen)
        if (pthread_cond_timedwait(&c->cv, &c->mu, &ts) != 0) break;
    uint64_t s = c->seq;
    pthread_mutex_unlock(&c->mu);
    return s;
}

int cw_core_healthy(void *core)
{
    return ((cw_core *)core)->healthy;
}
void cw_core_stats_get(cw_core *c, cw_core_stats *out)
{
    pthread_mutex_lock(&c->mu);
    *out = c->stats;
    pthread_mutex_unlock(&c->mu);
}

const char *cw_core_resource_of(cw_arena *a, const cw_json *item)
{
    const char *arn = cw_ev_str2(item, "ARN", "arn");
    if (arn && *arn) return arn;
    const char *t = cw_json_str(cw_json_get(item, "resourceType"), NULL);
    const char *id = cw_json_str(cw_json_get(item, "resourceId"), NULL);
    return t && id ? cw_arena_printf(a, "%s/%s", t, id) : NULL;
}

/* what one body is worked on with */
typedef struct body {
    cw_core *c;
    const cw_ingest_req *rq;
    cw_ingest_result *r;
    cw_arena *a;
    int64_t now;
    uint32_t line, col; /* of the record in hand */
    uint64_t record;
    char **confirm;     /* SubscribeURLs to visit after the commit */
    size_t nconfirm;
    bool store_failed;
    char store_err[512];
} body;

static void first_msg(body *b, const char *fmt, const char *s)
{
    if (b->r->msg[0]) return;
    snprintf(b->r->msg, sizeof b->r->msg, fmt, s);
}

static int put_event(body *b, const cw_ev *ev, const char *kind, const char *resource, const char *detail, int *ins)
{
    cw_store_event e = {.id = ev->id,
                        .source = b->rq->origin,
                        .kind = kind,
                        .account = ev->account,
                        .resource = resource,
                        .detail = detail,
                        .event_us = ev->time_us,
                        .received_us = b->now};
    if (cw_store_put_event(b->c->st, &e, ins) < 0) {
        b->store_failed = true;
        snprintf(b->store_err, sizeof b->store_err, "%s", cw_store_error(b->c->st));
        return -1;
    }
    if (!*ins) b->r->duplicates++, b->c->stats.duplicates++;
    return 0;
}

/* record a version and apply it; item is the JSON object */
static int version_and_apply(body *b, const cw_ev *ev, const cw_json *item, const char *change_id)
{
    cw_strbuf sb;
    cw_sb_init(&sb);
    cw_json_write(&sb, item, -1);
    const char *sid_s = NULL;
    const cw_json *sid = cw_json_get(item, "configurationStateId");
    char sbuf[48];
    if (sid && sid->type == CW_JSTR) sid_s = sid->u.str;
    else if (sid && sid->type == CW_JNUM) sid_s = cw_ev_number(sid, sbuf);
    int64_t cap = ev->time_us;
    const char *cs = cw_json_str(cw_json_get(item, "configurationItemCaptureTime"), NULL);
    if (cs) cap = cw_time_parse(cs, strlen(cs));
    if (!sid_s) sid_s = cw_store_state_id(cap, sb.buf, sbuf, sizeof sbuf);
    const char *resource = cw_core_resource_of(b->a, item);
    cw_store_version v = {.resource = resource,
                          .type = cw_json_str(cw_json_get(item, "resourceType"), NULL),
                          .resource_id = cw_json_str(cw_json_get(item, "resourceId"), NULL),
                          .account = cw_ev_str2(item, "awsAccountId", "accountId"),
                          .region = cw_json_str(cw_json_get(item, "awsRegion"), NULL),
                          .state_id = sid_s,
                          .status = cw_json_str(cw_json_get(item, "configurationItemStatus"), NULL),
                          .capture_us = cap,
                          .item = sb.buf,
                          .source = b->rq->origin,
                          .recorded_us = b->now};
    int ins = 0;
    if (cw_store_put_version(b->c->st, &v, &ins) < 0) {
        b->store_failed = true;
        snprintf(b->store_err, sizeof b->store_err, "%s", cw_store_error(b->c->st));
        cw_sb_free(&sb);
        return -1;
    }
    int rc = 0;
    if (!ins) {
        /* the same state of the resource came by another path: already applied */
        b->r->duplicates++, b->c->stats.duplicates++;
    } else if (b->c->has_ap) {
        char err[512] = "";
        /* an item's change id as history writes it (capture time normalised) */
        char *cid = ev->kind == CW_EV_ITEM ? cw_hist_change_id(resource, cap, sid_s) : NULL;
        int k = b->c->ap.apply_item(b->c->ap.ctx, b->c->st, ev, b->rq->origin, cid ? cid : change_id, sb.buf, sb.len,
                                    err, sizeof err);
        free(cid);
        if (k < 0) {
            b->store_failed = true;
            snprintf(b->store_err, sizeof b->store_err, "%s", err);
            rc = -1;
        } else if (k > 0) {
            cw_log_warn("%s:%u:%u: %s %s: %s", b->rq->origin, b->line, b->col, v.type ? v.type : "?",
                        v.resource_id ? v.resource_id : "?", err);
            b->r->bad++, b->c->stats.bad++;
            first_msg(b, "%s", err);
        } else {
            b->r->applied++, b->c->stats.applied++;
        }
    } else {
        b->r->applied++, b->c->stats.applied++;
    }
    cw_sb_free(&sb);
    return rc;
}

static int cloudtrail(body *b, const cw_ev *ev)
{
    cw_arena *a = b->a;
    cw_ct_target t;
    const char *why = NULL;
    cw_ct_verdict v = cw_ct_target_of(a, ev->event, &t, &why);
    cw_json *item = NULL;
    if (v == CW_CT_APPLY) {
        char *cur = b->c->has_ap && b->c->ap.current_item
                        ? b->c->ap.current_item(b->c->ap.ctx, b->c->st, t.type, t.resource_id, t.name, t.account,
                                                t.region)
                        : NULL;
        const cw_json *cj = NULL;
        if (cur) {
            cw_json_err je;
            cj = cw_json_parse(a, cur, strlen(cur), &je);
            free(cur);
        }
        v = cw_ct_translate(a, ev->event, &t, cj, &item, &why);
    }
    const char *resource = item ? cw_core_resource_of(a, item)
                                : t.type ? cw_arena_printf(a, "%s/%s", t.type, t.resource_id ? t.resource_id
                                                                                              : t.name ? t.name : "?")
                                         : NULL;
    const char *detail = v == CW_CT_APPLY ? cw_arena_printf(a, "%s: applied", t.event_name)
                                          : cw_arena_printf(a, "%s: %s: %s", t.event_name, cw_ct_verdict_name(v), why);
    int ins = 0;
    if (put_event(b, ev, "cloudtrail", resource, detail, &ins) < 0) return -1;
    if (!ins) return 0;
    switch (v) {
    case CW_CT_APPLY: return version_and_apply(b, ev, item, ev->id);
    case CW_CT_FAILED:
    case CW_CT_IGNORED: b->r->notices++, b->c->stats.notices++; return 0;
    case CW_CT_NEED_ITEM:
        cw_log_warn("%s:%u:%u: CloudTrail %s (%s): %s", b->rq->origin, b->line, b->col, t.event_name, ev->id, why);
        b->r->notices++, b->c->stats.notices++;
        return 0;
    case CW_CT_BAD:
        cw_log_warn("%s:%u:%u: CloudTrail %s (%s): %s", b->rq->origin, b->line, b->col, t.event_name, ev->id, why);
        b->r->bad++, b->c->stats.bad++;
        first_msg(b, "%s", detail);
        return 0;
    }
    return 0;
}

static int unit(body *b, const cw_ev *ev)
{
    int ins = 0;
    b->r->units++, b->c->stats.units++;
    switch (ev->kind) {
    case CW_EV_ITEM:
        if (put_event(b, ev, "config-item", ev->resource, NULL, &ins) < 0) return -1;
        return ins ? version_and_apply(b, ev, ev->item, ev->id) : 0;
    case CW_EV_CLOUDTRAIL: return cloudtrail(b, ev);
    case CW_EV_OVERSIZED:
        if (put_event(b, ev, "oversized", ev->resource, ev->detail, &ins) < 0) return -1;
        if (ins) {
            cw_log_warn("%s:%u:%u: %s %s changed, but AWS Config sent only a summary: %s", b->rq->origin, b->line,
                        b->col, ev->type ? ev->type : "?", ev->resource_id ? ev->resource_id : "?", ev->detail);
            b->r->notices++, b->c->stats.notices++, b->c->stats.oversized++;
        }
        return 0;
    case CW_EV_SUBSCRIBE:
        if (put_event(b, ev, "sns-subscription", ev->resource, ev->detail, &ins) < 0) return -1;
        cw_log_warn("%s: SNS subscription confirmation for %s: %s %s", b->rq->origin, ev->resource ? ev->resource : "?",
                    b->c->o.sns_confirm ? "confirming by visiting" : "confirm it by visiting (or run with --sns-confirm)",
                    ev->detail);
        if (b->c->o.sns_confirm) {
            b->confirm = cw_xrealloc(b->confirm, (b->nconfirm + 1) * sizeof *b->confirm);
            b->confirm[b->nconfirm++] = cw_xstrdup(ev->detail);
        }
        b->r->notices++, b->c->stats.notices++;
        return 0;
    case CW_EV_NOTICE:
        if (put_event(b, ev, "notice", ev->resource, ev->detail, &ins) < 0) return -1;
        if (ins) cw_log_info("%s:%u:%u: %s", b->rq->origin, b->line, b->col, ev->detail);
        b->r->notices++, b->c->stats.notices++;
        return 0;
    case CW_EV_UNKNOWN:
        if (put_event(b, ev, "unknown", ev->resource, ev->detail, &ins) < 0) return -1;
        cw_log_warn("%s:%u:%u: record %llu not understood: expected %s", b->rq->origin, b->line, b->col,
                    (unsigned long long)b->record, ev->detail);
        b->r->bad++, b->c->stats.bad++;
        first_msg(b, "not understood: expected %s", ev->detail);
        return 0;
    }
    return 0;
}

/* visit https://sns.<region>.amazonaws.com[.cn]/?Action=ConfirmSubscription... and nothing else */
static void sns_confirm(const char *url)
{
    const char *h = url + 8;
    size_t hl = strcspn(h, "/?:");
    bool ok = strncmp(url, "https://", 8) == 0 && hl > 18 && strncmp(h, "sns.", 4) == 0 &&
              (strncmp(h + hl - 14, ".amazonaws.com", 14) == 0 || strncmp(h + hl - 17, ".amazonaws.com.cn", 17) == 0) &&
              strstr(url, "Action=ConfirmSubscription");
    if (!ok) {
        cw_log_warn("SNS SubscribeURL %s is not https://sns.<region>.amazonaws.com/?Action=ConfirmSubscription: not "
                    "visited", url);
        return;
    }
    CURL *c = curl_easy_init();
    if (!c) return;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    CURLcode rc = curl_easy_perform(c);
    long st = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
    if (rc == CURLE_OK && st >= 200 && st < 300) cw_log_info("SNS subscription confirmed (%s)", url);
    else cw_log_warn("SNS subscription confirmation failed (%s): %s", url,
                     rc != CURLE_OK ? curl_easy_strerror(rc) : "not HTTP 2xx");
    curl_easy_cleanup(c);
}

/* Records of a body: a file or buffer through the streaming reader, or an
 * NDJSON buffer line by line (so a broken line does not swallow the next). */
typedef struct recsrc {
    cw_jreader *jr;
    const char *buf;
    size_t len, pos;
    uint32_t line, base; /* next line (lines mode); the body's first line - 1 */
    uint64_t index;
} recsrc;

static bool blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') return false;
    return true;
}

/* NDJSON: more than one non-blank line and the first parses alone */
static bool ndjson(cw_arena *a, const char *buf, size_t len)
{
    size_t i = 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n')) i++;
    const char *nl = memchr(buf + i, '\n', len - i);
    if (!nl || blank(nl, len - (size_t)(nl - buf))) return false;
    cw_json_err je;
    return cw_json_parse(a, buf + i, (size_t)(nl - (buf + i)), &je) != NULL;
}

/* 1 a record (*v NULL: it did not parse, je says why), 0 the end */
static int next_rec(recsrc *rs, cw_arena *a, cw_json **v, const char **text, size_t *len, cw_jrecord *rec,
                    cw_json_err *je)
{
    *v = NULL;
    if (rs->jr) {
        int k = cw_jreader_next_raw(rs->jr, text, len, rec, je);
        if (k == 0) return 0;
        if (k < 0) {
            je->line += rs->base;
            return 1;
        }
        *v = cw_jrecord_parse(a, *text, *len, rec, je);
        rec->line += rs->base;
        if (!*v) je->line += rs->base;
        return 1;
    }
    while (rs->pos < rs->len) {
        const char *p = rs->buf + rs->pos;
        const char *nl = memchr(p, '\n', rs->len - rs->pos);
        size_t n = nl ? (size_t)(nl - p) : rs->len - rs->pos;
        rs->pos += n + (nl ? 1 : 0);
        uint32_t line = rs->line++;
        if (blank(p, n)) continue;
        memset(rec, 0, sizeof *rec);
        rec->index = ++rs->index;
        rec->line = line + rs->base;
        rec->col = 1;
        *text = p;
        *len = n;
        *v = cw_json_parse(a, p, n, je);
        if (!*v) je->line += line - 1 + rs->base;
        return 1;
    }
    return 0;
}

static int open_recs(cw_core *c, const cw_ingest_req *rq, cw_arena *a, recsrc *rs, cw_json_err *je)
{
    static const char *const keys[] = {"configurationItems", "Records", NULL};
    cw_jreader_opts jo = {.stream_keys = keys, .max_record_bytes = c->o.max_record};
    *rs = (recsrc){.buf = rq->buf, .len = rq->len, .line = 1, .base = rq->first_line ? rq->first_line - 1 : 0};
    if (rq->path || !ndjson(a, rq->buf, rq->len)) {
        rs->jr = rq->path ? cw_jreader_open(rq->path, &jo, je) : cw_jreader_open_mem(rq->buf, rq->len, &jo, je);
        if (!rs->jr) return -1;
    }
    return 0;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The accounts whose state the body changes (items, CloudTrail calls), sorted and distinct (so two
 * nodes lock lease rows in one order). A first pass over the records: nothing applied yet. */
static size_t body_accounts(cw_core *c, const cw_ingest_req *rq, char ***out)
{
    cw_arena a;
    cw_arena_init(&a, 64u << 10);
    recsrc rs;
    cw_json_err je;
    char **v = NULL;
    size_t n = 0, cap = 0;
    if (open_recs(c, rq, &a, &rs, &je) == 0) {
        cw_evs evs = {0};
        for (;;) {
            const char *text = NULL;
            size_t len = 0;
            cw_jrecord rec;
            cw_json *j;
            cw_arena_reset(&a);
            if (!next_rec(&rs, &a, &j, &text, &len, &rec, &je)) break;
            if (!j) continue;
            evs.n = 0;
            cw_envelope_unwrap(&a, j, text, len, &evs);
            for (size_t i = 0; i < evs.n; i++) {
                const cw_ev *e = &evs.v[i];
                if ((e->kind != CW_EV_ITEM && e->kind != CW_EV_CLOUDTRAIL) || !e->account || !*e->account) continue;
                bool seen = false;
                for (size_t k = 0; k < n && !seen; k++) seen = strcmp(v[k], e->account) == 0;
                if (seen) continue;
                if (n == cap) cap = cap ? cap * 2 : 4, v = cw_xrealloc(v, cap * sizeof *v);
                v[n++] = cw_xstrdup(e->account);
            }
        }
        if (rs.jr) cw_jreader_close(rs.jr);
        cw_evs_free(&evs);
    }
    cw_arena_free(&a);
    if (n > 1) qsort(v, n, sizeof *v, cmp_str);
    *out = v;
    return n;
}

/* inside the body's transaction: 0 every lease held, 1 refused (b->r says why), -1 the store failed */
static int take_leases(body *b, char **accts, size_t n)
{
    cw_core *c = b->c;
    for (size_t i = 0; i < n; i++) {
        cw_node_take_r t;
        if (cw_node_take(c->o.node, c->st, accts[i], &t) < 0) {
            b->store_failed = true;
            snprintf(b->store_err, sizeof b->store_err, "%s", cw_store_error(c->st));
            return -1;
        }
        if (!t.got) {
            snprintf(b->r->msg, sizeof b->r->msg, "%s", t.msg);
            b->r->retry_after_s = t.retry_s;
            return 1;
        }
        if (t.stale) {
            cw_log_info("node %s: %s; refreshing its model from the store", cw_node_id(c->o.node), t.msg);
            char err[512] = "";
            if (c->has_ap && c->ap.refresh_account &&
                c->ap.refresh_account(c->ap.ctx, c->st, accts[i], err, sizeof err) < 0) {
                b->store_failed = true;
                snprintf(b->store_err, sizeof b->store_err, "%s", err);
                return -1;
            }
            c->stats.takeovers++;
        }
    }
    return 0;
}

/* one body handed over, waiting for its transaction */
struct waiter {
    const cw_ingest_req *rq;
    cw_ingest_result *r;
    cw_arena a;
    recsrc rs;
    char **accts; /* with a node: the accounts whose leases the body needs */
    size_t naccts;
    bool refused; /* a lease held by another node: RETRY, nothing of it kept */
    char **confirm; /* SubscribeURLs to visit after the commit */
    size_t nconfirm;
    bool done;
    waiter *next;
};

/* the records of one body, inside the open transaction; false when the store failed (err says why) or a
 * lease was refused (w->refused) */
static bool body_run(cw_core *c, waiter *w, int64_t now, cw_evs *evs, char *err, size_t errn)
{
    const cw_ingest_req *rq = w->rq;
    cw_ingest_result *r = w->r;
    cw_json_err je;
    c->stats.bodies++;
    body b = {.c = c, .rq = rq, .r = r, .a = &w->a, .now = now};
    if (w->naccts && take_leases(&b, w->accts, w->naccts) == 1) {
        w->refused = true;
        return false;
    }
    while (!b.store_failed) {
        const char *text = NULL;
        size_t len = 0;
        cw_jrecord rec;
        cw_json *v;
        cw_arena_reset(&w->a);
        if (!next_rec(&w->rs, &w->a, &v, &text, &len, &rec, &je)) break;
        if (!v) {
            cw_log_warn("%s:%u:%u: %s", rq->origin, je.line, je.col, je.msg);
            if (!r->msg[0]) snprintf(r->msg, sizeof r->msg, "%u:%u: %s", je.line, je.col, je.msg);
            r->bad++, c->stats.bad++;
            continue;
        }
        r->records++, c->stats.records++;
        b.line = rec.line, b.col = rec.col, b.record = rec.index;
        evs->n = 0;
        cw_envelope_unwrap(&w->a, v, text, len, evs);
        for (size_t i = 0; i < evs->n && !b.store_failed; i++) unit(&b, &evs->v[i]);
    }
    w->confirm = b.confirm;
    w->nconfirm = b.nconfirm;
    if (b.store_failed) snprintf(err, errn, "%s", b.store_err);
    return !b.store_failed;
}

static void body_result(cw_ingest_result *r)
{
    unsigned long usable = r->applied + r->duplicates + r->notices;
    r->status = usable == 0 && r->bad > 0 ? CW_INGEST_REJECTED : CW_INGEST_OK;
    if (r->status == CW_INGEST_OK && !r->msg[0])
        snprintf(r->msg, sizeof r->msg, "%lu record%s: %lu applied, %lu duplicate, %lu notice", r->records,
                 r->records == 1 ? "" : "s", r->applied, r->duplicates, r->notices);
    else if (r->status == CW_INGEST_OK) {
        char tmp[sizeof r->msg];
        snprintf(tmp, sizeof tmp, "%lu applied, %lu bad (first: %.900s)", r->applied, r->bad, r->msg);
        memcpy(r->msg, tmp, sizeof tmp);
    }
    if (r->records == 0 && r->bad == 0) {
        r->status = CW_INGEST_REJECTED;
        snprintf(r->msg, sizeof r->msg, "empty: no JSON record");
    }
}

/* The bodies of a batch in ONE transaction (one fsync for all): all are
 * committed, or, when the store fails anywhere, none (all RETRY). With a
 * node (leases) a batch is one body: a refused lease refuses that body only. */
static void batch_run(cw_core *c, waiter *list)
{
    pthread_mutex_lock(&c->mu);
    char err[512] = "";
    bool ok = cw_store_begin(c->st) == 0;
    if (!ok) snprintf(err, sizeof err, "%s", cw_store_error(c->st));
    cw_evs evs = {0};
    int64_t now = wall_us();
    for (waiter *w = list; w && ok; w = w->next) ok = body_run(c, w, now, &evs, err, sizeof err);
    cw_evs_free(&evs);
    if (!ok && list->refused) { /* the one body of the batch: nothing of it kept, retried later */
        cw_store_rollback(c->st);
        c->stats.lease_refusals++;
        list->r->status = CW_INGEST_RETRY;
        if (list->rq->first_line) cw_log_warn("%s:%u: %s", list->rq->origin, list->rq->first_line, list->r->msg);
        else cw_log_warn("%s: %s", list->rq->origin, list->r->msg);
        pthread_mutex_unlock(&c->mu);
        return;
    }
    if (ok && cw_store_commit(c->st) < 0) {
        ok = false;
        snprintf(err, sizeof err, "%s", cw_store_error(c->st));
    } else if (!ok) {
        cw_store_rollback(c->st);
    }
    for (waiter *w = list; w; w = w->next) {
        if (ok) {
            for (size_t i = 0; i < w->naccts; i++) cw_node_committed(c->o.node, w->accts[i]);
            body_result(w->r);
            continue;
        }
        w->r->status = CW_INGEST_RETRY;
        snprintf(w->r->msg, sizeof w->r->msg, "the store failed, nothing of it was kept: %s", err);
        cw_log_error("%s: %s", w->rq->origin, w->r->msg);
    }
    if (!ok) {
        c->stats.commit_failures++;
        c->healthy = 0;
        if (c->has_ap && c->ap.resync) c->ap.resync(c->ap.ctx, c->st);
    } else {
        c->stats.commits++;
        c->healthy = 1;
        c->seq++;
        pthread_cond_broadcast(&c->cv);
    }
    pthread_mutex_unlock(&c->mu);
}

#define BATCH_MAX 256

void cw_core_ingest(void *core, const cw_ingest_req *rq, cw_ingest_result *r)
{
    cw_core *c = core;
    memset(r, 0, sizeof *r);
    cw_json_err je;
    waiter w = {.rq = rq, .r = r};
    cw_arena_init(&w.a, 64u << 10);
    if (open_recs(c, rq, &w.a, &w.rs, &je) < 0) {
        r->status = CW_INGEST_REJECTED;
        snprintf(r->msg, sizeof r->msg, "%s: %s", rq->origin, je.msg);
        cw_log_warn("%s", r->msg);
        cw_arena_free(&w.a);
        return;
    }
    w.naccts = c->o.node ? body_accounts(c, rq, &w.accts) : 0;
    /* group commit: join the queue; the first body that finds no leader
     * writes every body queued by then in one transaction */
    size_t max = c->o.node ? 1 : BATCH_MAX;
    pthread_mutex_lock(&c->qmu);
    *c->qtail = &w;
    c->qtail = &w.next;
    while (!w.done) {
        if (c->leader) {
            pthread_cond_wait(&c->qcv, &c->qmu);
            continue;
        }
        c->leader = true;
        waiter *list = c->qhead, *last = list;
        for (size_t n = 1; n < max && last->next; n++) last = last->next;
        c->qhead = last->next;
        if (!c->qhead) c->qtail = &c->qhead;
        last->next = NULL;
        pthread_mutex_unlock(&c->qmu);
        batch_run(c, list);
        pthread_mutex_lock(&c->qmu);
        for (waiter *x = list, *nx; x; x = nx) {
            nx = x->next;
            x->done = true;
        }
        c->leader = false;
        pthread_cond_broadcast(&c->qcv);
    }
    pthread_mutex_unlock(&c->qmu);
    if (w.rs.jr) cw_jreader_close(w.rs.jr);
    cw_arena_free(&w.a);
    for (size_t i = 0; i < w.naccts; i++) free(w.accts[i]);
    free(w.accts);
    for (size_t i = 0; i < w.nconfirm; i++) {
        if (r->status != CW_INGEST_RETRY) sns_confirm(w.confirm[i]);
        free(w.confirm[i]);
    }
    free(w.confirm);
}
