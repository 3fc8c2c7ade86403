/* db.h - the one SQL abstraction the store's two back ends implement
 * (db_sqlite.c, db_pg.c). Internal to src/store/.
 *
 * Statements are written once, in the SQL both SQLite (>= 3.24) and
 * PostgreSQL (>= 9.5) accept (INSERT ... ON CONFLICT, BIGINT, TEXT), with
 * '?' placeholders (the PostgreSQL back end numbers them $1, $2, ...).
 * A statement's text is static: back ends cache the prepared statement by
 * the text's address. Values are NULL, 64-bit integers or text. */
#ifndef CW_STORE_DB_H
#define CW_STORE_DB_H
#include <stddef.h>
#include <stdint.h>

typedef enum { CW_DBV_NULL = 0, CW_DBV_INT, CW_DBV_TEXT } cw_dbv_type;

typedef struct cw_dbval {
    cw_dbv_type t;
    int64_t i;
    const char *s; /* NUL-terminated (t == CW_DBV_TEXT) */
} cw_dbval;

#define DB_NULL ((cw_dbval){.t = CW_DBV_NULL})
#define DB_INT(x) ((cw_dbval){.t = CW_DBV_INT, .i = (int64_t)(x)})
#define DB_TEXT(x) ((cw_dbval){.t = (x) ? CW_DBV_TEXT : CW_DBV_NULL, .s = (x)})

/* Called per result row; cols valid only during the call. Non-zero stops. */
typedef int (*cw_db_row_fn)(void *ctx, const cw_dbval *cols, size_t ncols);

/* Error kinds (cw_store_errkind in store.h mirrors them). */
enum { DBE_OK = 0, DBE_ERROR, DBE_BUSY, DBE_FULL, DBE_READONLY, DBE_NOTDB, DBE_CONN, DBE_CONSTRAINT };

typedef struct cw_db cw_db;
typedef struct cw_db_ops {
    const char *name; /* "sqlite", "postgresql" */
    /* Run one statement with args; rows go to fn (may be NULL). *changes
     * (may be NULL) receives the number of rows inserted/updated/deleted.
     * Returns 0 or -1 with the error in the db (errmsg/errkind). */
    int (*exec)(cw_db *db, const char *sql, const cw_dbval *args, size_t nargs, cw_db_row_fn fn, void *ctx,
                int64_t *changes);
    /* Several statements without arguments or results (migrations). */
    int (*script)(cw_db *db, const char *sql);
    int (*begin)(cw_db *db);
    int (*commit)(cw_db *db);
    int (*rollback)(cw_db *db);
    void (*close)(cw_db *db);
    /* The store's clock: the server's for PostgreSQL (one clock for every
     * node's leases), the local one for SQLite. µs since the epoch. */
    int64_t (*now_us)(cw_db *db);
    /* Serialise migrations between processes (PostgreSQL: an advisory
     * transaction lock; SQLite: BEGIN IMMEDIATE does it). Inside begin. */
    int (*migration_lock)(cw_db *db);
    /* Claim a node id for as long as this connection lives (watch --node-id):
     * *got 0 when another live process holds it. PostgreSQL: a session
     * advisory lock (re-taken after a reconnect), plus the session limits a
     * node needs (lock_timeout, idle_in_transaction_session_timeout, from
     * ttl_ms); SQLite: an flock on STORE.node-<id>.lock beside the file. */
    int (*node_lock)(cw_db *db, const char *node_id, int64_t ttl_ms, int *got);
} cw_db_ops;

struct cw_db {
    const cw_db_ops *ops;
    int errkind;    /* DBE_* of the last failure */
    char err[512];  /* its message */
    int readonly;   /* opened read-only (file not writable, or asked) */
    int in_tx;
};

void cw_db_seterr(cw_db *db, int kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Back ends. Return NULL with *err (malloc'd) on failure to open. */
cw_db *cw_db_sqlite_open(const char *path, int readonly, char **err);
cw_db *cw_db_pg_open(const char *conninfo, char **err);
/* 1 when the PostgreSQL back end was built (libpq present). */
int cw_db_pg_available(void);
#endif
