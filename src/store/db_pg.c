/* db_pg.c - the PostgreSQL back end of the store (libpq): several watch
 * processes on several machines share one database. Statements are
 * prepared once per connection (named by the SQL text's address, '?'
 * placeholders numbered $1...); a lost connection is re-established at the
 * next transaction. */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "../util/arena.h"
#include "../util/strbuf.h"

typedef struct pg_slot {
    const char *sql;
    unsigned no; /* statement name "cw<no>" */
} pg_slot;

typedef struct pg_db {
    cw_db base;
    PGconn *c;
    pg_slot *slots;
    size_t cap, count;
    unsigned next_no;
    /* watch's node: taken again after a reconnect */
    char *node_id;
    int64_t node_key, node_ttl_ms;
    int node_lost; /* after a reconnect another process held the id: every transaction refused */
} pg_db;

int cw_db_pg_available(void)
{
    return 1;
}

static void nop_notice(void *arg, const char *msg)
{
    (void)arg, (void)msg;
}

static int kind_of_state(const char *st)
{
    if (!st) return DBE_CONN;
    if (strncmp(st, "23", 2) == 0) return DBE_CONSTRAINT;
    if (strcmp(st, "53100") == 0) return DBE_FULL;
    if (strcmp(st, "25006") == 0) return DBE_READONLY;
    if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 || strcmp(st, "55P03") == 0) return DBE_BUSY;
    if (strncmp(st, "08", 2) == 0 || strncmp(st, "57P", 3) == 0) return DBE_CONN;
    return DBE_ERROR;
}

static void pg_err(pg_db *d, PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    int k = kind_of_state(state);
    if (PQstatus(d->c) != CONNECTION_OK) k = DBE_CONN;
    const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(d->c);
    if (!msg || !*msg) msg = PQerrorMessage(d->c);
    char m[400];
    snprintf(m, sizeof m, "%s", msg);
    size_t n = strlen(m);
    while (n && (m[n - 1] == '\n' || m[n - 1] == ' ')) m[--n] = 0;
    cw_db_seterr(&d->base, k, "PostgreSQL store: %s%s", m,
                 k == DBE_FULL ? " (the server's disk is full)" : k == DBE_CONN ? " (connection lost)" : "");
}

static size_t ptr_hash(const void *p)
{
    uintptr_t x = (uintptr_t)p;
    x ^= x >> 17;
    x *= 0x9E3779B97F4A7C15ull;
    return (size_t)(x >> 20);
}

static void forget_statements(pg_db *d)
{
    free(d->slots);
    d->slots = NULL;
    d->cap = d->count = 0;
}

/* "...?..." -> "...$1..." outside quotes */
static char *number_params(const char *sql)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    int n = 0;
    char q = 0;
    for (const char *p = sql; *p; p++) {
        if (q) {
            if (*p == q) q = 0;
            cw_sb_addc(&sb, *p);
        } else if (*p == '\'' || *p == '"') {
            q = *p;
            cw_sb_addc(&sb, *p);
        } else if (*p == '?')
            cw_sb_printf(&sb, "$%d", ++n);
        else
            cw_sb_addc(&sb, *p);
    }
    return cw_sb_detach(&sb);
}

static int lookup(pg_db *d, const char *sql, unsigned *no)
{
    if (d->count * 2 >= d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 64;
        pg_slot *ns = cw_xcalloc(ncap, sizeof *ns);
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
        if (d->slots[j].sql == sql) {
            *no = d->slots[j].no;
            return 0;
        }
        j = (j + 1) & (d->cap - 1);
    }
    char name[32];
    unsigned k = ++d->next_no;
    snprintf(name, sizeof name, "cw%u", k);
    char *text = number_params(sql);
    PGresult *r = PQprepare(d->c, name, text, 0, NULL);
    free(text);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        pg_err(d, r);
        PQclear(r);
        return -1;
    }
    PQclear(r);
    d->slots[j].sql = sql;
    d->slots[j].no = k;
    d->count++;
    *no = k;
    return 0;
}

static int is_int_type(Oid t)
{
    return t == 20 || t == 21 || t == 23; /* int8, int2, int4 */
}

static int pg_exec(cw_db *db, const char *sql, const cw_dbval *args, size_t nargs, cw_db_row_fn fn, void *ctx,
                   int64_t *changes)
{
    pg_db *d = (pg_db *)db;
    unsigned no;
    if (lookup(d, sql, &no) < 0) return -1;
    char name[32];
    snprintf(name, sizeof name, "cw%u", no);
    const char *vals[32];
    char nums[32][24];
    if (nargs > 32) nargs = 32;
    for (size_t i = 0; i < nargs; i++) {
        if (args[i].t == CW_DBV_INT) {
            snprintf(nums[i], sizeof nums[i], "%" PRId64, args[i].i);
            vals[i] = nums[i];
        } else
            vals[i] = args[i].t == CW_DBV_TEXT ? args[i].s : NULL;
    }
    PGresult *r = PQexecPrepared(d->c, name, (int)nargs, vals, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        pg_err(d, r);
        PQclear(r);
        return -1;
    }
    if (s == PGRES_TUPLES_OK && fn) {
        int nr = PQntuples(r), nc = PQnfields(r);
        if (nc > 32) nc = 32;
        cw_dbval cols[32];
        for (int row = 0; row < nr; row++) {
            for (int c = 0; c < nc; c++) {
                if (PQgetisnull(r, row, c)) cols[c] = DB_NULL;
                else if (is_int_type(PQftype(r, c)))
                    cols[c] = DB_INT(strtoll(PQgetvalue(r, row, c), NULL, 10));
                else {
                    cols[c].t = CW_DBV_TEXT;
                    cols[c].s = PQgetvalue(r, row, c);
                }
            }
            if (fn(ctx, cols, (size_t)nc)) break;
        }
    }
    if (changes) {
        const char *t = PQcmdTuples(r);
        *changes = t && *t ? strtoll(t, NULL, 10) : 0;
    }
    PQclear(r);
    return 0;
}

static int pg_script(cw_db *db, const char *sql)
{
    pg_db *d = (pg_db *)db;
    PGresult *r = PQexec(d->c, sql);
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        pg_err(d, r);
        PQclear(r);
        return -1;
    }
    PQclear(r);
    return 0;
}

static int node_setup(pg_db *d, int *got);

static int reconnect(pg_db *d)
{
    if (PQstatus(d->c) == CONNECTION_OK) return 0;
    PQreset(d->c);
    forget_statements(d);
    if (PQstatus(d->c) != CONNECTION_OK) {
        pg_err(d, NULL);
        return -1;
    }
    if (pg_script(&d->base, "SET client_min_messages = warning") < 0) return -1;
    if (!d->node_id) return 0;
    int got = 0;
    if (node_setup(d, &got) < 0) return -1;
    if (!got) {
        /* while the connection was down another process took the id */
        d->node_lost = 1;
        return -1;
    }
    return 0;
}

static int pg_begin(cw_db *db)
{
    pg_db *d = (pg_db *)db;
    if (!d->node_lost && reconnect(d) < 0 && !d->node_lost) return -1;
    if (d->node_lost) {
        cw_db_seterr(db, DBE_CONN, "PostgreSQL store: reconnected, but node id '%s' is now held by another process: "
                     "this process writes nothing more (stop it)", d->node_id);
        return -1;
    }
    if (pg_script(db, "BEGIN") < 0) return -1;
    db->in_tx = 1;
    return 0;
}

static int pg_commit(cw_db *db)
{
    db->in_tx = 0;
    return pg_script(db, "COMMIT");
}

static int pg_rollback(cw_db *db)
{
    pg_db *d = (pg_db *)db;
    db->in_tx = 0;
    if (PQstatus(d->c) != CONNECTION_OK) return 0;
    return pg_script(db, "ROLLBACK");
}

static void pg_close(cw_db *db)
{
    pg_db *d = (pg_db *)db;
    PQfinish(d->c);
    forget_statements(d);
    free(d->node_id);
    free(d);
}

static int now_row(void *ctx, const cw_dbval *c, size_t n)
{
    if (n && c[0].t == CW_DBV_INT) *(int64_t *)ctx = c[0].i;
    else if (n && c[0].t == CW_DBV_TEXT) *(int64_t *)ctx = strtoll(c[0].s, NULL, 10);
    return 1;
}

static int64_t pg_now(cw_db *db)
{
    static const char q[] = "SELECT CAST(extract(epoch FROM clock_timestamp()) * 1000000 AS BIGINT)";
    int64_t v = 0;
    if (pg_exec(db, q, NULL, 0, now_row, &v, NULL) < 0) return 0;
    return v;
}

static int pg_mlock(cw_db *db)
{
    static const char q[] = "SELECT pg_advisory_xact_lock(7206820399)"; /* "cloudwarden migrations" */
    return pg_exec(db, q, NULL, 0, NULL, NULL, NULL);
}

static int bool_row(void *ctx, const cw_dbval *c, size_t n)
{
    *(int *)ctx = n && ((c[0].t == CW_DBV_TEXT && c[0].s[0] == 't') || (c[0].t == CW_DBV_INT && c[0].i));
    return 1;
}

/* the session limits and the node's advisory lock (session level: it goes with the connection,
 * so a process that dies frees its id at once) */
static int node_setup(pg_db *d, int *got)
{
    char sql[200];
    int64_t ttl = d->node_ttl_ms > 0 ? d->node_ttl_ms : 30000;
    /* a node stopped inside a transaction (SIGSTOP, a stalled VM) must not hold the lease rows it
     * locked past its lease: the server ends such a session after the ttl */
    snprintf(sql, sizeof sql, "SET idle_in_transaction_session_timeout = %lld; SET lock_timeout = %lld",
             (long long)(ttl < 1000 ? 1000 : ttl), (long long)(2 * ttl + 1000));
    if (pg_script(&d->base, sql) < 0) return -1;
    static const char q[] = "SELECT pg_try_advisory_lock(CAST(? AS BIGINT))";
    char key[32];
    snprintf(key, sizeof key, "%lld", (long long)d->node_key);
    cw_dbval a[] = {{.t = CW_DBV_TEXT, .s = key}};
    *got = 0;
    return pg_exec(&d->base, q, a, 1, bool_row, got, NULL);
}

static int pg_node_lock(cw_db *db, const char *node_id, int64_t ttl_ms, int *got)
{
    pg_db *d = (pg_db *)db;
    /* FNV-1a of "cloudwarden node <id>" as the advisory key */
    uint64_t h = 1469598103934665603ull;
    static const char pre[] = "cloudwarden node ";
    for (const char *p = pre; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
    for (const char *p = node_id; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
    d->node_key = (int64_t)(h & 0x7fffffffffffffffull);
    d->node_ttl_ms = ttl_ms;
    if (node_setup(d, got) < 0) return -1;
    if (*got) {
        free(d->node_id);
        d->node_id = cw_xstrdup(node_id);
    }
    return 0;
}

static const cw_db_ops pg_ops = {"postgresql", pg_exec, pg_script, pg_begin, pg_commit, pg_rollback, pg_close, pg_now,
                                 pg_mlock, pg_node_lock};

cw_db *cw_db_pg_open(const char *conninfo, char **err)
{
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        char buf[700];
        const char *m = PQerrorMessage(c);
        snprintf(buf, sizeof buf, "PostgreSQL store: cannot connect: %s", m && *m ? m : "unknown error");
        size_t n = strlen(buf);
        while (n && buf[n - 1] == '\n') buf[--n] = 0;
        *err = cw_xstrdup(buf);
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, nop_notice, NULL);
    pg_db *d = cw_xcalloc(1, sizeof *d);
    d->base.ops = &pg_ops;
    d->c = c;
    if (pg_script(&d->base, "SET client_min_messages = warning") < 0) {
        *err = cw_xstrdup(d->base.err);
        pg_close(&d->base);
        return NULL;
    }
    return &d->base;
}
