/* store.h - the monitor's store: one interface, two back ends.
 *
 *   SQLite (default): a file, WAL journal, synchronous=FULL. Default path
 *     $XDG_DATA_HOME/cloudwarden/cloudwarden.db (~/.local/share/... when
 *     XDG_DATA_HOME is unset); `--db PATH` names another.
 *   PostgreSQL: `--db postgresql://...` (or postgres://, or a libpq
 *     "host=... dbname=..." string): several watch processes share one
 *     store and split the work by account with leases (below).
 *
 * What it holds (docs/store.md gives the schema): every configuration
 * version of every asset, ingested events (de-duplication), findings with
 * their lifecycle, exposure windows, the alert outbox with a delivery state
 * per sink, account leases, and a small key/value table (schema version).
 *
 * Schema versions: opening migrates an older store forward (in one
 * transaction, serialised between processes); a store written by a newer
 * cloudwarden is refused with a message saying so.
 *
 * Errors: every function returns 0 on success and -1 on failure, with the
 * message in cw_store_error() (it names the store and what went wrong: the
 * disk is full, the store is read-only, the file is not a database, the
 * connection was lost) and the kind in cw_store_errkind(). Nothing is
 * half-written: a failed cw_store_commit() rolls the transaction back.
 *
 * Strings passed to callbacks are valid only during the call.
 * Times are µs since 1970-01-01T00:00:00Z (UTC); CW_TIME_UNKNOWN (INT64_MIN,
 * timeutil.h) stands for "none" (an open window's end, an open finding's
 * resolution time). */
#ifndef CW_STORE_H
#define CW_STORE_H
#include <stddef.h>
#include <stdint.h>

#include "../util/timeutil.h"

#define CW_STORE_SCHEMA_VERSION 1

typedef struct cw_store cw_store;

typedef enum {
    CW_STORE_E_OK = 0,
    CW_STORE_E_ERROR,      /* anything else */
    CW_STORE_E_BUSY,       /* locked by another process for too long; retry */
    CW_STORE_E_FULL,       /* the disk is full */
    CW_STORE_E_READONLY,   /* the store cannot be written */
    CW_STORE_E_NOTDB,      /* not a (cloudwarden) database, or damaged */
    CW_STORE_E_CONN,       /* PostgreSQL: the connection was lost */
    CW_STORE_E_CONSTRAINT, /* a uniqueness or integrity rule */
    CW_STORE_E_NEWER,      /* written by a newer cloudwarden */
} cw_store_errkind;

enum {
    CW_STORE_READONLY = 1, /* open for reading only: no migration, no write */
};

/* Open (creating an SQLite file and its directory when missing) and
 * migrate. spec NULL = the default path. NULL on failure with *err
 * (malloc'd, the caller frees) saying why. */
cw_store *cw_store_open(const char *spec, unsigned flags, char **err);
void cw_store_close(cw_store *st);
/* The default SQLite path into buf (at least 4096 bytes). */
const char *cw_store_default_path(char *buf, size_t n);
/* 1 when spec names a PostgreSQL store. */
int cw_store_spec_is_pg(const char *spec);
const char *cw_store_backend(const cw_store *st);  /* "sqlite" or "postgresql" */
const char *cw_store_location(const cw_store *st); /* the path, or the connection string without password */
int cw_store_readonly(const cw_store *st);
const char *cw_store_error(const cw_store *st);
cw_store_errkind cw_store_errkind_of(const cw_store *st);
/* The store's clock (the server's for PostgreSQL, so every node's leases
 * agree), µs since the epoch. */
int64_t cw_store_now(cw_store *st);

/* Transactions: begin, then commit (or rollback). Writes outside a
 * transaction commit one by one. */
int cw_store_begin(cw_store *st);
int cw_store_commit(cw_store *st);
void cw_store_rollback(cw_store *st);

/* ---- key/value ------------------------------------------------------- */
/* *out malloc'd (NULL when absent). */
int cw_store_meta_get(cw_store *st, const char *key, char **out);
int cw_store_meta_set(cw_store *st, const char *key, const char *value);

/* ---- configuration versions ------------------------------------------ */
typedef struct cw_store_version {
    const char *resource;    /* the asset's canonical id (ARN, or type/resourceId) */
    const char *type;        /* AWS::S3::Bucket */
    const char *resource_id; /* resourceId */
    const char *account, *region;
    const char *state_id;    /* configurationStateId, or a derived one (see cw_store_state_id) */
    const char *status;      /* configurationItemStatus */
    int64_t capture_us;      /* configurationItemCaptureTime */
    const char *item;        /* the configuration item, JSON text (NULL in listings without items) */
    const char *source;      /* where it came from: file:record, or an event id */
    int64_t recorded_us;     /* when the store recorded it */
} cw_store_version;
/* Record a version; the same (resource, state id) twice is one version
 * (*inserted 0 the second time). */
int cw_store_put_version(cw_store *st, const cw_store_version *v, int *inserted);
/* A state id for an item that has none: "t<capture µs>-<16 hex digits of
 * the item's hash>" into buf (at least 48 bytes). */
const char *cw_store_state_id(int64_t capture_us, const char *item, char *buf, size_t n);
typedef int (*cw_store_version_fn)(void *ctx, const cw_store_version *v);
typedef struct cw_store_version_query {
    const char *resource; /* NULL = every resource */
    const char *account;  /* NULL = every account */
    int with_item;        /* fill v->item */
    int latest_only;      /* only each resource's latest version (by capture time) */
} cw_store_version_query;
/* In (resource, capture time, state id) order. A non-zero return of fn
 * stops the listing (and is not an error). */
int cw_store_versions(cw_store *st, const cw_store_version_query *q, cw_store_version_fn fn, void *ctx);
int cw_store_version_count(cw_store *st, int64_t *n);

/* ---- ingested events ------------------------------------------------- */
typedef struct cw_store_event {
    const char *id;       /* SNS MessageId, EventBridge id, CloudTrail eventID, or a digest */
    const char *source;   /* "stdin", "dir:FILE", "http", "history" */
    const char *kind;     /* "config-item", "cloudtrail", "oversized", "ignored", ... */
    const char *account, *resource;
    const char *detail;   /* a sentence or JSON for the record (may be NULL) */
    int64_t event_us;     /* the event's own time (capture time, eventTime) */
    int64_t received_us;
} cw_store_event;
/* Record an event; *inserted 0 when its id was recorded before (a
 * duplicate delivery: nothing else should be done with it). */
int cw_store_put_event(cw_store *st, const cw_store_event *e, int *inserted);
typedef int (*cw_store_event_fn)(void *ctx, const cw_store_event *e);
/* kind NULL = every kind; in received order. */
int cw_store_events(cw_store *st, const char *kind, cw_store_event_fn fn, void *ctx);
int cw_store_event_count(cw_store *st, const char *kind, int64_t *n);

/* ---- findings and their lifecycle -------------------------------------- */
typedef struct cw_store_finding {
    const char *fingerprint; /* cw_out_fingerprint: rule + resource identity */
    const char *rule_id, *resource, *resource_type, *resource_id, *resource_name, *account, *region;
    const char *severity, *category, *title, *evidence;
    const char *status;       /* "open" or "resolved" */
    int64_t first_seen_us;    /* when it first opened */
    int64_t last_seen_us;     /* the last change at which it held */
    int64_t resolved_us;      /* CW_TIME_UNKNOWN while open */
    int64_t reopened;         /* times it opened again after being resolved */
    const char *open_change;  /* the change that (last) opened it */
    const char *close_change; /* the change that resolved it (NULL while open) */
} cw_store_finding;
/* Insert or replace by fingerprint. */
int cw_store_put_finding(cw_store *st, const cw_store_finding *f);
typedef int (*cw_store_finding_fn)(void *ctx, const cw_store_finding *f);
/* One finding by fingerprint: fn called once when it exists. */
int cw_store_get_finding(cw_store *st, const char *fingerprint, cw_store_finding_fn fn, void *ctx);
typedef struct cw_store_finding_query {
    const char *status;   /* "open", "resolved", NULL = all */
    const char *resource; /* NULL = all */
    const char *account;  /* NULL = all */
} cw_store_finding_query;
/* In (resource, rule id) order. */
int cw_store_findings(cw_store *st, const cw_store_finding_query *q, cw_store_finding_fn fn, void *ctx);

/* ---- exposure windows (read by history windows, report --db, investigate --db) ----
 * A window is an interval during which a resource carried at least one
 * finding of category public-access or network-exposure. */
typedef struct cw_store_window {
    int64_t id;               /* 0 for a new window */
    const char *resource, *resource_type, *account, *region;
    const char *rules;        /* rule ids that held during the window, comma-separated, sorted */
    int64_t start_us;         /* the capture/event time of the change that opened it */
    int64_t end_us;           /* of the change that closed it; CW_TIME_UNKNOWN = still open */
    const char *open_change;  /* change ids: "config:<resource>@<capture time>#<state id>" or */
    const char *close_change; /*   "cloudtrail:<eventID>" (NULL while open) */
} cw_store_window;
/* Insert (w->id == 0; *id_out gets the new id, may be NULL) or update by id. */
int cw_store_put_window(cw_store *st, const cw_store_window *w, int64_t *id_out);
typedef int (*cw_store_window_fn)(void *ctx, const cw_store_window *w);
typedef struct cw_store_window_query {
    const char *resource;   /* exact canonical id; NULL = all */
    const char *account;    /* NULL = all */
    int64_t from_us, to_us; /* windows overlapping [from, to]; CW_TIME_UNKNOWN = unbounded */
    int open_only;          /* only windows still open */
} cw_store_window_query;
/* In (resource, start) order. */
int cw_store_windows(cw_store *st, const cw_store_window_query *q, cw_store_window_fn fn, void *ctx);
/* A window as whole seconds [*from, *to): the start truncated, the end
 * rounded up (a window ending at 10:00:00.5 covers 10:00:00); an unknown
 * start is INT64_MIN, an open end INT64_MAX (investigate --db, report --db). */
void cw_store_window_seconds(const cw_store_window *w, int64_t *from, int64_t *to);
/* Delete the windows of an account (NULL = all): history import rebuilds them. */
int cw_store_clear_windows(cw_store *st, const char *account);
/* Delete the findings of an account (NULL = all), for the same rebuild. */
int cw_store_clear_findings(cw_store *st, const char *account);

/* ---- alert outbox ---------------------------------------------------- */
typedef struct cw_store_alert {
    const char *id;      /* stable: a digest of fingerprint, kind and the change */
    const char *kind;    /* "open", "escalate", "resolve" */
    const char *fingerprint, *resource;
    const char *payload; /* the alert as JSON (one line) */
    int64_t created_us;
    /* delivery, per sink */
    const char *sink;    /* "file", "webhook", "syslog" */
    const char *state;   /* "pending", "delivered" */
    int64_t attempts, next_try_us, delivered_us;
    const char *last_error;
} cw_store_alert;
/* Add an alert and a pending delivery for each sink (a known id: nothing
 * added, *inserted 0). */
int cw_store_add_alert(cw_store *st, const cw_store_alert *a, const char *const *sinks, size_t nsinks,
                       int *inserted);
typedef int (*cw_store_alert_fn)(void *ctx, const cw_store_alert *a);
/* Pending deliveries for a sink due at now_us, oldest first, at most limit. */
int cw_store_alerts_due(cw_store *st, const char *sink, int64_t now_us, size_t limit, cw_store_alert_fn fn,
                        void *ctx);
int cw_store_alert_delivered(cw_store *st, const char *id, const char *sink, int64_t when_us);
int cw_store_alert_retry(cw_store *st, const char *id, const char *sink, int64_t next_try_us, const char *error);
int cw_store_alerts_pending(cw_store *st, const char *sink, int64_t *n);
/* Several nodes on one store: claim a due delivery before sending it (its
 * next try moves to until_us, so no other node sends it meanwhile; a node
 * that dies after claiming leaves it to another once until_us passes).
 * *got 0 when another node claimed it first or it was delivered. */
int cw_store_alert_claim(cw_store *st, const char *id, const char *sink, int64_t now_us, int64_t until_us, int *got);
/* Every alert with its deliveries (sink NULL = every sink), oldest first. */
int cw_store_alerts(cw_store *st, const char *sink, cw_store_alert_fn fn, void *ctx);

/* ---- account leases (work split between watch processes) --------------
 * A lease names its owner (a unique string per process) and expires at the
 * store's clock + ttl; the owner renews it. An expired lease is taken over
 * by the next process that asks. */
/* *got 1 when owner holds the lease now (newly or renewed); otherwise
 * *holder (malloc'd, may be NULL) names who does. */
int cw_store_lease_acquire(cw_store *st, const char *account, const char *owner, int64_t ttl_us, int *got,
                           char **holder);
/* Extend every lease of owner; *renewed gets how many. */
int cw_store_lease_renew_all(cw_store *st, const char *owner, int64_t ttl_us, int64_t *renewed);
/* Inside a transaction: 1 in *held when owner still holds account's lease
 * (and extends it; on PostgreSQL the row stays locked until commit, so no
 * other process takes it over between this check and the commit). */
int cw_store_lease_check(cw_store *st, const char *account, const char *owner, int64_t ttl_us, int *held);
/* Give the leases of owner up (they expire now; the rows stay, naming owner). */
int cw_store_lease_release_all(cw_store *st, const char *owner);
/* Inside a transaction (watch): take or keep account's lease for owner (free,
 * expired, or owner's already), the row locked until commit on PostgreSQL.
 * got 1: owner holds it until expires_us; stale 1 when another owner held
 * it before (holder names it, prior_expires_us when its lease ended): that
 * owner may have committed changes owner's model has not seen. got 0:
 * holder (another owner) holds it until expires_us. holder is malloc'd. */
typedef struct cw_store_lease_take_r {
    int got, stale;
    char *holder;
    int64_t expires_us, prior_expires_us, now_us;
} cw_store_lease_take_r;
int cw_store_lease_take(cw_store *st, const char *account, const char *owner, int64_t ttl_us, cw_store_lease_take_r *r);
/* Claim this process's right to be node node_id while the store is open
 * (watch): *got 0 when another live process is node_id on this store.
 * PostgreSQL: a session advisory lock, plus lock_timeout and
 * idle_in_transaction_session_timeout from ttl_us; SQLite: an flock on
 * STORE.node-<id>.lock. */
int cw_store_node_claim(cw_store *st, const char *node_id, int64_t ttl_us, int *got);
typedef int (*cw_store_lease_fn)(void *ctx, const char *account, const char *owner, int64_t expires_us);
int cw_store_leases(cw_store *st, cw_store_lease_fn fn, void *ctx);
/* ---- resource names ---------------------------------------------------
 * 1 when a user's name for a resource (a bucket name, an ARN, a resource id,
 * gs://bucket) names the store's canonical resource id: equal, or equal to
 * what follows the id's last ':' or '/' (arn:aws:s3:::NAME, type/NAME). Used
 * by `investigate --db` and `report --db` to find a resource's windows. */
int cw_store_resource_named(const char *resource, const char *name);
#endif
