/* store_data.c - the store's data: versions, events, findings, windows,
 * the alert outbox and account leases. Every statement is the same SQL on
 * both back ends (db.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "../util/arena.h"
#include "../util/hmap.h"

#define TXT(c) ((c).t == CW_DBV_TEXT ? (c).s : NULL)
#define INT(c) ((c).t == CW_DBV_INT ? (c).i : (c).t == CW_DBV_TEXT ? strtoll((c).s, NULL, 10) : CW_TIME_UNKNOWN)
#define OPT_TIME(x) ((x) == CW_TIME_UNKNOWN ? DB_NULL : DB_INT(x))

static int count_row(void *ctx, const cw_dbval *c, size_t n)
{
    *(int64_t *)ctx = n ? INT(c[0]) : 0;
    return 1;
}

/* ---- versions ------------------------------------------------------- */

const char *cw_store_state_id(int64_t capture_us, const char *item, char *buf, size_t n)
{
    uint64_t h = cw_hash_bytes(item ? item : "", item ? strlen(item) : 0);
    snprintf(buf, n, "t%" PRId64 "-%016" PRIx64, capture_us, h);
    return buf;
}

int cw_store_put_version(cw_store *st, const cw_store_version *v, int *inserted)
{
    static const char q[] =
        "INSERT INTO cw_versions (resource, state_id, capture_us, type, resource_id, account, region, status, item,"
        " source, recorded_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (resource, state_id) DO NOTHING";
    char sid[48];
    const char *state = v->state_id && *v->state_id ? v->state_id : cw_store_state_id(v->capture_us, v->item, sid, sizeof sid);
    int64_t rec = v->recorded_us ? v->recorded_us : cw_store_now(st);
    cw_dbval a[] = {DB_TEXT(v->resource), DB_TEXT(state),     DB_INT(v->capture_us), DB_TEXT(v->type),
                    DB_TEXT(v->resource_id), DB_TEXT(v->account), DB_TEXT(v->region), DB_TEXT(v->status),
                    DB_TEXT(v->item ? v->item : "{}"), DB_TEXT(v->source), DB_INT(rec)};
    int64_t ch = 0;
    if (cw_store_exec(st, q, a, 11, NULL, NULL, &ch) < 0) return -1;
    if (inserted) *inserted = ch > 0;
    return 0;
}

typedef struct vctx {
    cw_store_version_fn fn;
    void *ctx;
    int with_item;
} vctx;

static int version_row(void *p, const cw_dbval *c, size_t n)
{
    vctx *x = p;
    if (n < 11) return 1;
    cw_store_version v = {.resource = TXT(c[0]), .state_id = TXT(c[1]), .capture_us = INT(c[2]), .type = TXT(c[3]),
                          .resource_id = TXT(c[4]), .account = TXT(c[5]), .region = TXT(c[6]), .status = TXT(c[7]),
                          .item = x->with_item ? TXT(c[8]) : NULL, .source = TXT(c[9]), .recorded_us = INT(c[10])};
    return x->fn(x->ctx, &v);
}

int cw_store_versions(cw_store *st, const cw_store_version_query *q, cw_store_version_fn fn, void *ctx)
{
    /* the item column is only read when asked for (NULL otherwise) */
#define VCOLS(item) "resource, state_id, capture_us, type, resource_id, account, region, status, " item ", source, recorded_us"
#define VWHERE " WHERE (CAST(? AS TEXT) IS NULL OR resource = ?) AND (CAST(? AS TEXT) IS NULL OR account = ?)"
#define VORDER " ORDER BY resource, capture_us, state_id"
    static const char all_i[] = "SELECT " VCOLS("item") " FROM cw_versions" VWHERE VORDER;
    static const char all_n[] = "SELECT " VCOLS("NULL") " FROM cw_versions" VWHERE VORDER;
    /* latest per resource: the one no later version of the same resource follows */
#define VLATEST                                                                                                \
    " AND NOT EXISTS (SELECT 1 FROM cw_versions w WHERE w.resource = v.resource AND (w.capture_us > v.capture_us" \
    " OR (w.capture_us = v.capture_us AND w.recorded_us > v.recorded_us)"                                       \
    " OR (w.capture_us = v.capture_us AND w.recorded_us = v.recorded_us AND w.state_id > v.state_id)))"
    static const char lat_i[] = "SELECT " VCOLS("item") " FROM cw_versions v" VWHERE VLATEST VORDER;
    static const char lat_n[] = "SELECT " VCOLS("NULL") " FROM cw_versions v" VWHERE VLATEST VORDER;
    /* one resource (watch: the current item of a CloudTrail call's resource, per event): "resource = ?" so the
     * index is used; "(? IS NULL OR resource = ?)" reads the whole table (every version of every asset) */
#define VWHERE1 " WHERE resource = ? AND (CAST(? AS TEXT) IS NULL OR account = ?)"
#define VLATEST1 " ORDER BY capture_us DESC, recorded_us DESC, state_id DESC LIMIT 1"
    static const char one_i[] = "SELECT " VCOLS("item") " FROM cw_versions" VWHERE1 VORDER;
    static const char one_n[] = "SELECT " VCOLS("NULL") " FROM cw_versions" VWHERE1 VORDER;
    static const char one_lat_i[] = "SELECT " VCOLS("item") " FROM cw_versions" VWHERE1 VLATEST1;
    static const char one_lat_n[] = "SELECT " VCOLS("NULL") " FROM cw_versions" VWHERE1 VLATEST1;
    cw_store_version_query none = {0};
    if (!q) q = &none;
    vctx x = {fn, ctx, q->with_item};
    if (q->resource) {
        const char *sql = q->latest_only ? (q->with_item ? one_lat_i : one_lat_n) : (q->with_item ? one_i : one_n);
        cw_dbval a[] = {DB_TEXT(q->resource), DB_TEXT(q->account), DB_TEXT(q->account)};
        return cw_store_exec(st, sql, a, 3, version_row, &x, NULL);
    }
    const char *sql = q->latest_only ? (q->with_item ? lat_i : lat_n) : (q->with_item ? all_i : all_n);
    cw_dbval a[] = {DB_TEXT(q->resource), DB_TEXT(q->resource), DB_TEXT(q->account), DB_TEXT(q->account)};
    return cw_store_exec(st, sql, a, 4, version_row, &x, NULL);
}

int cw_store_version_count(cw_store *st, int64_t *n)
{
    static const char q[] = "SELECT count(*) FROM cw_versions";
    *n = 0;
    return cw_store_exec(st, q, NULL, 0, count_row, n, NULL);
}

/* ---- events --------------------------------------------------------- */

int cw_store_put_event(cw_store *st, const cw_store_event *e, int *inserted)
{
    static const char q[] = "INSERT INTO cw_events (event_id, source, kind, account, resource, event_us, received_us,"
                            " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING";
    int64_t rec = e->received_us ? e->received_us : cw_store_now(st);
    cw_dbval a[] = {DB_TEXT(e->id),       DB_TEXT(e->source), DB_TEXT(e->kind ? e->kind : "unknown"),
                    DB_TEXT(e->account),  DB_TEXT(e->resource), OPT_TIME(e->event_us),
                    DB_INT(rec),          DB_TEXT(e->detail)};
    int64_t ch = 0;
    if (cw_store_exec(st, q, a, 8, NULL, NULL, &ch) < 0) return -1;
    if (inserted) *inserted = ch > 0;
    return 0;
}

typedef struct ectx {
    cw_store_event_fn fn;
    void *ctx;
} ectx;

static int event_row(void *p, const cw_dbval *c, size_t n)
{
    ectx *x = p;
    if (n < 8) return 1;
    cw_store_event e = {.id = TXT(c[0]), .source = TXT(c[1]), .kind = TXT(c[2]), .account = TXT(c[3]),
                        .resource = TXT(c[4]), .event_us = c[5].t == CW_DBV_NULL ? CW_TIME_UNKNOWN : INT(c[5]),
                        .received_us = INT(c[6]), .detail = TXT(c[7])};
    return x->fn(x->ctx, &e);
}

int cw_store_events(cw_store *st, const char *kind, cw_store_event_fn fn, void *ctx)
{
    static const char q[] = "SELECT event_id, source, kind, account, resource, event_us, received_us, detail"
                            " FROM cw_events WHERE (CAST(? AS TEXT) IS NULL OR kind = ?) ORDER BY received_us, event_id";
    cw_dbval a[] = {DB_TEXT(kind), DB_TEXT(kind)};
    ectx x = {fn, ctx};
    return cw_store_exec(st, q, a, 2, event_row, &x, NULL);
}

int cw_store_event_count(cw_store *st, const char *kind, int64_t *n)
{
    static const char q[] = "SELECT count(*) FROM cw_events WHERE (CAST(? AS TEXT) IS NULL OR kind = ?)";
    cw_dbval a[] = {DB_TEXT(kind), DB_TEXT(kind)};
    *n = 0;
    return cw_store_exec(st, q, a, 2, count_row, n, NULL);
}

/* ---- findings ------------------------------------------------------- */

#define FCOLS                                                                                                  \
    "fingerprint, rule_id, resource, resource_type, resource_id, resource_name, account, region, severity,"   \
    " category, title, evidence, status, first_seen_us, last_seen_us, resolved_us, reopened, open_change,"    \
    " close_change"

int cw_store_put_finding(cw_store *st, const cw_store_finding *f)
{
    static const char q[] =
        "INSERT INTO cw_findings (" FCOLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (fingerprint) DO UPDATE SET rule_id = excluded.rule_id, resource = excluded.resource,"
        " resource_type = excluded.resource_type, resource_id = excluded.resource_id,"
        " resource_name = excluded.resource_name, account = excluded.account, region = excluded.region,"
        " severity = excluded.severity, category = excluded.category, title = excluded.title,"
        " evidence = excluded.evidence, status = excluded.status, first_seen_us = excluded.first_seen_us,"
        " last_seen_us = excluded.last_seen_us, resolved_us = excluded.resolved_us, reopened = excluded.reopened,"
        " open_change = excluded.open_change, close_change = excluded.close_change";
    cw_dbval a[] = {DB_TEXT(f->fingerprint),   DB_TEXT(f->rule_id),      DB_TEXT(f->resource),
                    DB_TEXT(f->resource_type), DB_TEXT(f->resource_id),  DB_TEXT(f->resource_name),
                    DB_TEXT(f->account),       DB_TEXT(f->region),       DB_TEXT(f->severity ? f->severity : "info"),
                    DB_TEXT(f->category),      DB_TEXT(f->title),        DB_TEXT(f->evidence),
                    DB_TEXT(f->status),        DB_INT(f->first_seen_us), DB_INT(f->last_seen_us),
                    OPT_TIME(f->resolved_us),  DB_INT(f->reopened),      DB_TEXT(f->open_change),
                    DB_TEXT(f->close_change)};
    return cw_store_exec(st, q, a, 19, NULL, NULL, NULL);
}

typedef struct fctx {
    cw_store_finding_fn fn;
    void *ctx;
} fctx;

static int finding_row(void *p, const cw_dbval *c, size_t n)
{
    fctx *x = p;
    if (n < 19) return 1;
    cw_store_finding f = {
        .fingerprint = TXT(c[0]), .rule_id = TXT(c[1]), .resource = TXT(c[2]), .resource_type = TXT(c[3]),
        .resource_id = TXT(c[4]), .resource_name = TXT(c[5]), .account = TXT(c[6]), .region = TXT(c[7]),
        .severity = TXT(c[8]), .category = TXT(c[9]), .title = TXT(c[10]), .evidence = TXT(c[11]),
        .status = TXT(c[12]), .first_seen_us = INT(c[13]), .last_seen_us = INT(c[14]),
        .resolved_us = c[15].t == CW_DBV_NULL ? CW_TIME_UNKNOWN : INT(c[15]), .reopened = INT(c[16]),
        .open_change = TXT(c[17]), .close_change = TXT(c[18])};
    return x->fn(x->ctx, &f);
}

int cw_store_get_finding(cw_store *st, const char *fingerprint, cw_store_finding_fn fn, void *ctx)
{
    static const char q[] = "SELECT " FCOLS " FROM cw_findings WHERE fingerprint = ?";
    cw_dbval a[] = {DB_TEXT(fingerprint)};
    fctx x = {fn, ctx};
    return cw_store_exec(st, q, a, 1, finding_row, &x, NULL);
}

int cw_store_findings(cw_store *st, const cw_store_finding_query *q, cw_store_finding_fn fn, void *ctx)
{
    static const char sql[] = "SELECT " FCOLS " FROM cw_findings WHERE (CAST(? AS TEXT) IS NULL OR status = ?)"
                              " AND (CAST(? AS TEXT) IS NULL OR resource = ?) AND (CAST(? AS TEXT) IS NULL OR account = ?)"
                              " ORDER BY resource, rule_id, fingerprint";
    /* one resource (watch, per resolved finding): by the resource index */
    static const char one[] = "SELECT " FCOLS " FROM cw_findings WHERE resource = ?"
                              " AND (CAST(? AS TEXT) IS NULL OR status = ?) AND (CAST(? AS TEXT) IS NULL OR account = ?)"
                              " ORDER BY resource, rule_id, fingerprint";
    cw_store_finding_query none = {0};
    if (!q) q = &none;
    fctx x = {fn, ctx};
    if (q->resource) {
        cw_dbval a[] = {DB_TEXT(q->resource), DB_TEXT(q->status), DB_TEXT(q->status), DB_TEXT(q->account),
                        DB_TEXT(q->account)};
        return cw_store_exec(st, one, a, 5, finding_row, &x, NULL);
    }
    cw_dbval a[] = {DB_TEXT(q->status),   DB_TEXT(q->status),  DB_TEXT(q->resource),
                    DB_TEXT(q->resource), DB_TEXT(q->account), DB_TEXT(q->account)};
    return cw_store_exec(st, sql, a, 6, finding_row, &x, NULL);
}

int cw_store_clear_findings(cw_store *st, const char *account)
{
    static const char q[] = "DELETE FROM cw_findings WHERE (CAST(? AS TEXT) IS NULL OR account = ?)";
    cw_dbval a[] = {DB_TEXT(account), DB_TEXT(account)};
    return cw_store_exec(st, q, a, 2, NULL, NULL, NULL);
}

/* ---- windows -------------------------------------------------------- */

#define WCOLS "window_id, resource, resource_type, account, region, rules, start_us, end_us, open_change, close_change"

static int id_row(void *ctx, const cw_dbval *c, size_t n)
{
    *(int64_t *)ctx = n ? INT(c[0]) : 0;
    return 1;
}

int cw_store_put_window(cw_store *st, const cw_store_window *w, int64_t *id_out)
{
    static const char ins[] = "INSERT INTO cw_windows (resource, resource_type, account, region, rules, start_us,"
                              " end_us, open_change, close_change) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                              " RETURNING window_id";
    static const char upd[] = "UPDATE cw_windows SET resource = ?, resource_type = ?, account = ?, region = ?,"
                              " rules = ?, start_us = ?, end_us = ?, open_change = ?, close_change = ?"
                              " WHERE window_id = ?";
    cw_dbval a[] = {DB_TEXT(w->resource), DB_TEXT(w->resource_type), DB_TEXT(w->account),
                    DB_TEXT(w->region),   DB_TEXT(w->rules ? w->rules : ""), DB_INT(w->start_us),
                    OPT_TIME(w->end_us),  DB_TEXT(w->open_change),   DB_TEXT(w->close_change),
                    DB_INT(w->id)};
    if (w->id == 0) {
        int64_t id = 0;
        if (cw_store_exec(st, ins, a, 9, id_row, &id, NULL) < 0) return -1;
        if (id_out) *id_out = id;
        return 0;
    }
    if (id_out) *id_out = w->id;
    return cw_store_exec(st, upd, a, 10, NULL, NULL, NULL);
}

typedef struct wctx {
    cw_store_window_fn fn;
    void *ctx;
} wctx;

static int window_row(void *p, const cw_dbval *c, size_t n)
{
    wctx *x = p;
    if (n < 10) return 1;
    cw_store_window w = {.id = INT(c[0]), .resource = TXT(c[1]), .resource_type = TXT(c[2]), .account = TXT(c[3]),
                         .region = TXT(c[4]), .rules = TXT(c[5]), .start_us = INT(c[6]),
                         .end_us = c[7].t == CW_DBV_NULL ? CW_TIME_UNKNOWN : INT(c[7]), .open_change = TXT(c[8]),
                         .close_change = TXT(c[9])};
    return x->fn(x->ctx, &w);
}

int cw_store_windows(cw_store *st, const cw_store_window_query *q, cw_store_window_fn fn, void *ctx)
{
    static const char sql[] = "SELECT " WCOLS " FROM cw_windows WHERE (CAST(? AS TEXT) IS NULL OR resource = ?)"
                              " AND (CAST(? AS TEXT) IS NULL OR account = ?) AND (CAST(? AS BIGINT) IS NULL OR end_us IS NULL OR end_us >= ?)"
                              " AND (CAST(? AS BIGINT) IS NULL OR start_us <= ?) AND (? = 0 OR end_us IS NULL)"
                              " ORDER BY resource, start_us, window_id";
    /* one resource (watch, per finding that opens or resolves): by the resource index */
    static const char one[] = "SELECT " WCOLS " FROM cw_windows WHERE resource = ?"
                              " AND (CAST(? AS TEXT) IS NULL OR account = ?) AND (CAST(? AS BIGINT) IS NULL OR end_us IS NULL OR end_us >= ?)"
                              " AND (CAST(? AS BIGINT) IS NULL OR start_us <= ?) AND (? = 0 OR end_us IS NULL)"
                              " ORDER BY resource, start_us, window_id";
    cw_store_window_query none = {.from_us = CW_TIME_UNKNOWN, .to_us = CW_TIME_UNKNOWN};
    if (!q) q = &none;
    wctx x = {fn, ctx};
    if (q->resource) {
        cw_dbval a[] = {DB_TEXT(q->resource), DB_TEXT(q->account),  DB_TEXT(q->account),
                        OPT_TIME(q->from_us), OPT_TIME(q->from_us), OPT_TIME(q->to_us),
                        OPT_TIME(q->to_us),   DB_INT(q->open_only ? 1 : 0)};
        return cw_store_exec(st, one, a, 8, window_row, &x, NULL);
    }
    cw_dbval a[] = {DB_TEXT(q->resource), DB_TEXT(q->resource), DB_TEXT(q->account),  DB_TEXT(q->account),
                    OPT_TIME(q->from_us), OPT_TIME(q->from_us), OPT_TIME(q->to_us),   OPT_TIME(q->to_us),
                    DB_INT(q->open_only ? 1 : 0)};
    return cw_store_exec(st, sql, a, 9, window_row, &x, NULL);
}

int cw_store_clear_windows(cw_store *st, const char *account)
{
    static const char q[] = "DELETE FROM cw_windows WHERE (CAST(? AS TEXT) IS NULL OR account = ?)";
    cw_dbval a[] = {DB_TEXT(account), DB_TEXT(account)};
    return cw_store_exec(st, q, a, 2, NULL, NULL, NULL);
}

/* ---- alert outbox ----------------------------------------------------- */

int cw_store_add_alert(cw_store *st, const cw_store_alert *al, const char *const *sinks, size_t nsinks, int *inserted)
{
    static const char ins[] = "INSERT INTO cw_alerts (alert_id, kind, fingerprint, resource, payload, created_us)"
                              " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (alert_id) DO NOTHING";
    static const char del[] = "INSERT INTO cw_deliveries (alert_id, sink, state, attempts, next_try_us)"
                              " VALUES (?, ?, 'pending', 0, ?) ON CONFLICT (alert_id, sink) DO NOTHING";
    int64_t created = al->created_us ? al->created_us : cw_store_now(st);
    cw_dbval a[] = {DB_TEXT(al->id), DB_TEXT(al->kind), DB_TEXT(al->fingerprint), DB_TEXT(al->resource),
                    DB_TEXT(al->payload), DB_INT(created)};
    int64_t ch = 0;
    if (cw_store_exec(st, ins, a, 6, NULL, NULL, &ch) < 0) return -1;
    if (inserted) *inserted = ch > 0;
    if (!ch) return 0;
    for (size_t i = 0; i < nsinks; i++) {
        cw_dbval d[] = {DB_TEXT(al->id), DB_TEXT(sinks[i]), DB_INT(created)};
        if (cw_store_exec(st, del, d, 3, NULL, NULL, NULL) < 0) return -1;
    }
    return 0;
}

typedef struct actx {
    cw_store_alert_fn fn;
    void *ctx;
} actx;

static int alert_row(void *p, const cw_dbval *c, size_t n)
{
    actx *x = p;
    if (n < 12) return 1;
    cw_store_alert a = {.id = TXT(c[0]), .kind = TXT(c[1]), .fingerprint = TXT(c[2]), .resource = TXT(c[3]),
                        .payload = TXT(c[4]), .created_us = INT(c[5]), .sink = TXT(c[6]), .state = TXT(c[7]),
                        .attempts = INT(c[8]), .next_try_us = INT(c[9]),
                        .delivered_us = c[10].t == CW_DBV_NULL ? CW_TIME_UNKNOWN : INT(c[10]),
                        .last_error = TXT(c[11])};
    return x->fn(x->ctx, &a);
}

#define ACOLS                                                                                                  \
    "a.alert_id, a.kind, a.fingerprint, a.resource, a.payload, a.created_us, d.sink, d.state, d.attempts,"    \
    " d.next_try_us, d.delivered_us, d.last_error"

int cw_store_alerts_due(cw_store *st, const char *sink, int64_t now_us, size_t limit, cw_store_alert_fn fn, void *ctx)
{
    static const char q[] = "SELECT " ACOLS " FROM cw_deliveries d JOIN cw_alerts a ON a.alert_id = d.alert_id"
                            " WHERE d.sink = ? AND d.state = 'pending' AND d.next_try_us <= ?"
                            " ORDER BY a.created_us, a.alert_id LIMIT ?";
    cw_dbval a[] = {DB_TEXT(sink), DB_INT(now_us), DB_INT(limit)};
    actx x = {fn, ctx};
    return cw_store_exec(st, q, a, 3, alert_row, &x, NULL);
}

int cw_store_alerts(cw_store *st, const char *sink, cw_store_alert_fn fn, void *ctx)
{
    static const char q[] = "SELECT " ACOLS " FROM cw_deliveries d JOIN cw_alerts a ON a.alert_id = d.alert_id"
                            " WHERE (CAST(? AS TEXT) IS NULL OR d.sink = ?) ORDER BY a.created_us, a.alert_id, d.sink";
    cw_dbval a[] = {DB_TEXT(sink), DB_TEXT(sink)};
    actx x = {fn, ctx};
    return cw_store_exec(st, q, a, 2, alert_row, &x, NULL);
}

int cw_store_alert_delivered(cw_store *st, const char *id, const char *sink, int64_t when_us)
{
    static const char q[] = "UPDATE cw_deliveries SET state = 'delivered', delivered_us = ?, attempts = attempts + 1,"
                            " last_error = NULL WHERE alert_id = ? AND sink = ?";
    cw_dbval a[] = {DB_INT(when_us), DB_TEXT(id), DB_TEXT(sink)};
    return cw_store_exec(st, q, a, 3, NULL, NULL, NULL);
}

int cw_store_alert_retry(cw_store *st, const char *id, const char *sink, int64_t next_try_us, const char *error)
{
    static const char q[] = "UPDATE cw_deliveries SET attempts = attempts + 1, next_try_us = ?, last_error = ?"
                            " WHERE alert_id = ? AND sink = ? AND state = 'pending'";
    cw_dbval a[] = {DB_INT(next_try_us), DB_TEXT(error), DB_TEXT(id), DB_TEXT(sink)};
    return cw_store_exec(st, q, a, 4, NULL, NULL, NULL);
}

int cw_store_alerts_pending(cw_store *st, const char *sink, int64_t *n)
{
    static const char q[] = "SELECT count(*) FROM cw_deliveries WHERE state = 'pending' AND (CAST(? AS TEXT) IS NULL OR sink = ?)";
    cw_dbval a[] = {DB_TEXT(sink), DB_TEXT(sink)};
    *n = 0;
    return cw_store_exec(st, q, a, 2, count_row, n, NULL);
}

/* ---- leases --------------------------------------------------------- */

typedef struct lease_seen {
    char *owner;
} lease_seen;

static int lease_owner_row(void *ctx, const cw_dbval *c, size_t n)
{
    lease_seen *l = ctx;
    if (n && c[0].t == CW_DBV_TEXT) l->owner = cw_xstrdup(c[0].s);
    return 1;
}

int cw_store_lease_acquire(cw_store *st, const char *account, const char *owner, int64_t ttl_us, int *got,
                           char **holder)
{
    static const char up[] =
        "INSERT INTO cw_leases (account, owner, expires_us, acquired_us) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (account) DO UPDATE SET owner = excluded.owner, expires_us = excluded.expires_us,"
        " acquired_us = CASE WHEN cw_leases.owner = excluded.owner THEN cw_leases.acquired_us"
        " ELSE excluded.acquired_us END"
        " WHERE cw_leases.owner = excluded.owner OR cw_leases.expires_us < ?";
    static const char sel[] = "SELECT owner FROM cw_leases WHERE account = ?";
    *got = 0;
    if (holder) *holder = NULL;
    int64_t now = cw_store_now(st);
    cw_dbval a[] = {DB_TEXT(account), DB_TEXT(owner), DB_INT(now + ttl_us), DB_INT(now), DB_INT(now)};
    int64_t ch = 0;
    if (cw_store_exec(st, up, a, 5, NULL, NULL, &ch) < 0) return -1;
    if (ch > 0) {
        *got = 1;
        return 0;
    }
    lease_seen l = {0};
    cw_dbval b[] = {DB_TEXT(account)};
    if (cw_store_exec(st, sel, b, 1, lease_owner_row, &l, NULL) < 0) return -1;
    *got = l.owner && strcmp(l.owner, owner) == 0;
    if (holder && !*got) *holder = l.owner;
    else free(l.owner);
    return 0;
}

int cw_store_lease_renew_all(cw_store *st, const char *owner, int64_t ttl_us, int64_t *renewed)
{
    static const char q[] = "UPDATE cw_leases SET expires_us = ? WHERE owner = ? AND expires_us >= ?";
    int64_t now = cw_store_now(st);
    cw_dbval a[] = {DB_INT(now + ttl_us), DB_TEXT(owner), DB_INT(now)};
    int64_t ch = 0;
    if (cw_store_exec(st, q, a, 3, NULL, NULL, &ch) < 0) return -1;
    if (renewed) *renewed = ch;
    return 0;
}

int cw_store_lease_check(cw_store *st, const char *account, const char *owner, int64_t ttl_us, int *held)
{
    static const char q[] = "UPDATE cw_leases SET expires_us = ? WHERE account = ? AND owner = ? AND expires_us >= ?";
    int64_t now = cw_store_now(st);
    cw_dbval a[] = {DB_INT(now + ttl_us), DB_TEXT(account), DB_TEXT(owner), DB_INT(now)};
    int64_t ch = 0;
    if (cw_store_exec(st, q, a, 4, NULL, NULL, &ch) < 0) return -1;
    *held = ch > 0;
    return 0;
}

/* the row stays (expired, same owner): who held an account last tells the next
 * holder whether its model of the account may be behind (cw_store_lease_take) */
int cw_store_lease_release_all(cw_store *st, const char *owner)
{
    static const char q[] = "UPDATE cw_leases SET expires_us = ? WHERE owner = ? AND expires_us >= ?";
    int64_t now = cw_store_now(st);
    cw_dbval a[] = {DB_INT(now - 1), DB_TEXT(owner), DB_INT(now - 1)};
    return cw_store_exec(st, q, a, 3, NULL, NULL, NULL);
}

typedef struct lease_prior {
    char *owner;
    int64_t expires;
    int found;
} lease_prior;

static int lease_prior_row(void *ctx, const cw_dbval *c, size_t n)
{
    lease_prior *l = ctx;
    if (n < 2) return 1;
    l->owner = TXT(c[0]) ? cw_xstrdup(TXT(c[0])) : NULL;
    l->expires = INT(c[1]);
    l->found = 1;
    return 1;
}

int cw_store_lease_take(cw_store *st, const char *account, const char *owner, int64_t ttl_us, cw_store_lease_take_r *r)
{
    /* PostgreSQL: the row locked until the caller's commit (the caller is in a transaction);
     * SQLite: BEGIN IMMEDIATE holds the whole store already */
    static const char sel_pg[] = "SELECT owner, expires_us FROM cw_leases WHERE account = ? FOR UPDATE";
    static const char sel_sq[] = "SELECT owner, expires_us FROM cw_leases WHERE account = ?";
    static const char up[] =
        "INSERT INTO cw_leases (account, owner, expires_us, acquired_us) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (account) DO UPDATE SET owner = excluded.owner, expires_us = excluded.expires_us,"
        " acquired_us = CASE WHEN cw_leases.owner = excluded.owner THEN cw_leases.acquired_us"
        " ELSE excluded.acquired_us END"
        " WHERE cw_leases.owner = excluded.owner OR cw_leases.expires_us < ?";
    memset(r, 0, sizeof *r);
    lease_prior p = {0};
    cw_dbval b[] = {DB_TEXT(account)};
    if (cw_store_exec(st, st->pg ? sel_pg : sel_sq, b, 1, lease_prior_row, &p, NULL) < 0) return -1;
    int64_t now = cw_store_now(st);
    r->now_us = now;
    cw_dbval a[] = {DB_TEXT(account), DB_TEXT(owner), DB_INT(now + ttl_us), DB_INT(now), DB_INT(now)};
    int64_t ch = 0;
    if (cw_store_exec(st, up, a, 5, NULL, NULL, &ch) < 0) {
        free(p.owner);
        return -1;
    }
    r->got = ch > 0;
    r->expires_us = r->got ? now + ttl_us : p.expires;
    if (p.found && p.owner && strcmp(p.owner, owner) != 0) {
        r->prior_expires_us = p.expires;
        if (r->got) r->stale = 1;
        r->holder = p.owner; /* the one who held it (r->got) or holds it */
    } else
        free(p.owner);
    return 0;
}

int cw_store_alert_claim(cw_store *st, const char *id, const char *sink, int64_t now_us, int64_t until_us, int *got)
{
    static const char q[] = "UPDATE cw_deliveries SET next_try_us = ? WHERE alert_id = ? AND sink = ?"
                            " AND state = 'pending' AND next_try_us <= ?";
    cw_dbval a[] = {DB_INT(until_us), DB_TEXT(id), DB_TEXT(sink), DB_INT(now_us)};
    int64_t ch = 0;
    if (cw_store_exec(st, q, a, 4, NULL, NULL, &ch) < 0) return -1;
    *got = ch > 0;
    return 0;
}

typedef struct lctx {
    cw_store_lease_fn fn;
    void *ctx;
} lctx;

static int lease_row(void *p, const cw_dbval *c, size_t n)
{
    lctx *x = p;
    if (n < 3) return 1;
    return x->fn(x->ctx, TXT(c[0]), TXT(c[1]), INT(c[2]));
}

int cw_store_leases(cw_store *st, cw_store_lease_fn fn, void *ctx)
{
    static const char q[] = "SELECT account, owner, expires_us FROM cw_leases ORDER BY account";
    lctx x = {fn, ctx};
    return cw_store_exec(st, q, NULL, 0, lease_row, &x, NULL);
}
