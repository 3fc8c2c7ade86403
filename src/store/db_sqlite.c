/* db_sqlite.c - the SQLite back end of the store: one file, WAL journal,
 * synchronous=FULL (a committed transaction survives a crash of the process
 * and of the machine), prepared statements cached by the SQL text's address. */
#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/time.h>
#include <unistd.h>

#include "db.h"
#include "../util/arena.h"

typedef struct stmt_slot {
    const char *sql;
    sqlite3_stmt *st;
} stmt_slot;

typedef struct sq_db {
    cw_db base;
    sqlite3 *h;
    char *path;
    stmt_slot *slots;
    size_t cap, count;
    int node_fd; /* the node id's lock file (watch), or -1 */
} sq_db;

void cw_db_seterr(cw_db *db, int kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(db->err, sizeof db->err, fmt, ap);
    va_end(ap);
    db->errkind = kind;
}

static int kind_of(sqlite3 *h, int rc)
{
    int prim = rc & 0xff;
    /* EFBIG: the file size limit (RLIMIT_FSIZE, a quota) refuses the write as a full disk does */
    if (prim == SQLITE_FULL || sqlite3_system_errno(h) == ENOSPC || sqlite3_system_errno(h) == EFBIG) return DBE_FULL;
    switch (prim) {
    case SQLITE_READONLY: return DBE_READONLY;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT: return DBE_NOTDB;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return DBE_BUSY;
    case SQLITE_CONSTRAINT: return DBE_CONSTRAINT;
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
        return sqlite3_system_errno(h) == EROFS || sqlite3_system_errno(h) == EACCES ? DBE_READONLY : DBE_ERROR;
    default: return DBE_ERROR;
    }
}

static void sq_err(sq_db *d, int rc)
{
    int k = kind_of(d->h, rc);
    const char *what = k == DBE_FULL && sqlite3_system_errno(d->h) == EFBIG ? " (the store is full: a file size limit)"
                       : k == DBE_FULL     ? " (the disk is full)"
                       : k == DBE_READONLY ? " (the store is read-only)"
                       : k == DBE_NOTDB    ? " (not an SQLite database, or damaged)"
                                           : "";
    cw_db_seterr(&d->base, k, "%s: %s%s", d->path, sqlite3_errmsg(d->h), what);
}

static size_t ptr_hash(const void *p)
{
    uintptr_t x = (uintptr_t)p;
    x ^= x >> 17;
    x *= 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 20);
}

static sqlite3_stmt *prepare(sq_db *d, const char *sql)
{
    if (d->count * 2 >= d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 64;
        stmt_slot *ns = cw_xcalloc(ncap, sizeof *ns);
        for (size_t i = 0; i < d->cap; i++)
            if (d->slots[i].sql) {
                size_t j = ptr_hash(d->slots[i].sql) & (ncap - 1);
                while (ns[j].sql) j = (j + 1) & (ncap - 1);
                ns[j] = d->slots[i];
            }
        free(d->slots);
        d->slots = ns;
        d->cap = ncap;
    }
    size_t j = ptr_hash(sql) & (d->cap - 1);
    while (d->slots[j].sql) {
        if (d->slots[j].sql == sql) return d->slots[j].st;
        j = (j + 1) & (d->cap - 1);
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        sq_err(d, rc);
        return NULL;
    }
    d->slots[j].sql = sql;
    d->slots[j].st = st;
    d->count++;
    return st;
}

static int sq_exec(cw_db *db, const char *sql, const cw_dbval *args, size_t nargs, cw_db_row_fn fn, void *ctx,
                   int64_t *changes)
{
    sq_db *d = (sq_db *)db;
    sqlite3_stmt *st = prepare(d, sql);
    if (!st) return -1;
    for (size_t i = 0; i < nargs; i++) {
        int rc;
        switch (args[i].t) {
        case CW_DBV_INT: rc = sqlite3_bind_int64(st, (int)i + 1, args[i].i); break;
        case CW_DBV_TEXT: rc = sqlite3_bind_text(st, (int)i + 1, args[i].s, -1, SQLITE_STATIC); break;
        default: rc = sqlite3_bind_null(st, (int)i + 1); break;
        }
        if (rc != SQLITE_OK) {
            sq_err(d, rc);
            sqlite3_reset(st);
            return -1;
        }
    }
    int rc, ret = 0;
    cw_dbval cols[32];
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!fn) continue;
        int n = sqlite3_column_count(st);
        if (n > 32) n = 32;
        for (int c = 0; c < n; c++) {
            switch (sqlite3_column_type(st, c)) {
            case SQLITE_NULL: cols[c] = DB_NULL; break;
            case SQLITE_INTEGER: cols[c] = DB_INT(sqlite3_column_int64(st, c)); break;
            default:
                cols[c].t = CW_DBV_TEXT;
                cols[c].s = (const char *)sqlite3_column_text(st, c);
                if (!cols[c].s) cols[c] = DB_NULL;
                break;
            }
        }
        if (fn(ctx, cols, (size_t)n)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE) {
        sq_err(d, rc);
        ret = -1;
    } else if (changes)
        *changes = sqlite3_changes64(d->h);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return ret;
}

static int sq_script(cw_db *db, const char *sql)
{
    sq_db *d = (sq_db *)db;
    char *msg = NULL;
    int rc = sqlite3_exec(d->h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        int k = kind_of(d->h, rc);
        cw_db_seterr(db, k, "%s: %s", d->path, msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int sq_simple(cw_db *db, const char *sql)
{
    static const char *const known[] = {"BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"};
    for (size_t i = 0; i < 3; i++)
        if (strcmp(sql, known[i]) == 0) return sq_exec(db, known[i], NULL, 0, NULL, NULL, NULL);
    return sq_script(db, sql);
}

static int sq_begin(cw_db *db)
{
    if (sq_simple(db, "BEGIN IMMEDIATE") < 0) return -1;
    db->in_tx = 1;
    return 0;
}

static int sq_commit(cw_db *db)
{
    int rc = sq_simple(db, "COMMIT");
    if (rc < 0) {
        /* a failed COMMIT (disk full) may leave the transaction open: end it */
        sq_db *d = (sq_db *)db;
        if (!sqlite3_get_autocommit(d->h)) {
            int k = db->errkind;
            char e[sizeof db->err];
            memcpy(e, db->err, sizeof e);
            sq_simple(db, "ROLLBACK");
            db->errkind = k;
            memcpy(db->err, e, sizeof e);
        }
    }
    db->in_tx = 0;
    return rc;
}

static int sq_rollback(cw_db *db)
{
    sq_db *d = (sq_db *)db;
    db->in_tx = 0;
    if (sqlite3_get_autocommit(d->h)) return 0;
    return sq_simple(db, "ROLLBACK");
}

static void sq_close(cw_db *db)
{
    sq_db *d = (sq_db *)db;
    for (size_t i = 0; i < d->cap; i++)
        if (d->slots[i].sql) sqlite3_finalize(d->slots[i].st);
    free(d->slots);
    if (d->node_fd >= 0) close(d->node_fd);
    sqlite3_close(d->h);
    free(d->path);
    free(d);
}

static int64_t sq_now(cw_db *db)
{
    (void)db;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static int sq_mlock(cw_db *db)
{
    (void)db; /* BEGIN IMMEDIATE holds the write lock already */
    return 0;
}

/* STORE.node-<id>.lock, the id's bytes outside [A-Za-z0-9._-] as '_': held
 * (flock) while the process lives, so two live processes cannot be one node */
static int sq_node_lock(cw_db *db, const char *node_id, int64_t ttl_ms, int *got)
{
    sq_db *d = (sq_db *)db;
    (void)ttl_ms; /* one machine, one clock: nothing to bound */
    *got = 0;
    size_t n = strlen(d->path) + strlen(node_id) + 16;
    char *lp = cw_xmalloc(n);
    int k = snprintf(lp, n, "%s.node-", d->path);
    for (const char *p = node_id; *p && (size_t)k + 1 < n; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
        lp[k++] = ok ? c : '_';
    }
    snprintf(lp + k, n - (size_t)k, ".lock");
    int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        cw_db_seterr(db, DBE_ERROR, "%s: cannot open the node lock file: %s", lp, strerror(errno));
        free(lp);
        return -1;
    }
    free(lp);
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        close(fd);
        if (errno == EWOULDBLOCK) return 0;
        cw_db_seterr(db, DBE_ERROR, "%s: locking the node id: %s", d->path, strerror(errno));
        return -1;
    }
    if (d->node_fd >= 0) close(d->node_fd);
    d->node_fd = fd;
    *got = 1;
    return 0;
}

static const cw_db_ops sq_ops = {"sqlite", sq_exec, sq_script, sq_begin, sq_commit, sq_rollback, sq_close, sq_now,
                                 sq_mlock, sq_node_lock};

cw_db *cw_db_sqlite_open(const char *path, int readonly, char **err)
{
    sq_db *d = cw_xcalloc(1, sizeof *d);
    d->base.ops = &sq_ops;
    d->node_fd = -1;
    d->path = cw_xstrdup(path);
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path, &d->h, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        char buf[600];
        snprintf(buf, sizeof buf, "%s: cannot open the store: %s", path, d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
        *err = cw_xstrdup(buf);
        sqlite3_close(d->h);
        free(d->path);
        free(d);
        return NULL;
    }
    sqlite3_extended_result_codes(d->h, 1);
    sqlite3_busy_timeout(d->h, 10000);
    d->base.readonly = readonly || sqlite3_db_readonly(d->h, "main") == 1;
    /* the first read tells a database from any other file */
    if (sq_script(&d->base, "SELECT count(*) FROM sqlite_master") < 0) {
        char buf[700];
        snprintf(buf, sizeof buf, "%s", d->base.err);
        if (d->base.errkind == DBE_NOTDB)
            snprintf(buf, sizeof buf, "%s: not a cloudwarden store (the file is not an SQLite database); "
                     "give --db a new path or the store's file", path);
        *err = cw_xstrdup(buf);
        sq_close(&d->base);
        return NULL;
    }
    if (!d->base.readonly) {
        if (sq_script(&d->base, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON") < 0) {
            *err = cw_xstrdup(d->base.err);
            sq_close(&d->base);
            return NULL;
        }
    }
    return &d->base;
}
