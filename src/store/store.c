/* store.c - opening a store, schema migrations, transactions, key/value.
 * The data functions are in store_data.c; the SQL back ends in db_*.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_int.h"
#include "../util/arena.h"
#include "../util/strbuf.h"

/* Migration N takes a store from schema version N-1 to N. "@SERIAL@" is the
 * back end's auto-increment primary key type. Never edit a released
 * migration: add the next one. */
static const char *const migrations[] = {
    /* 1: the first schema */
    "CREATE TABLE IF NOT EXISTS cw_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE cw_versions ("
    " resource TEXT NOT NULL, state_id TEXT NOT NULL, capture_us BIGINT NOT NULL,"
    " type TEXT NOT NULL, resource_id TEXT, account TEXT, region TEXT, status TEXT,"
    " item TEXT NOT NULL, source TEXT, recorded_us BIGINT NOT NULL,"
    " PRIMARY KEY (resource, state_id));"
    "CREATE INDEX cw_versions_time ON cw_versions (resource, capture_us);"
    "CREATE INDEX cw_versions_account ON cw_versions (account, resource, capture_us);"
    "CREATE TABLE cw_events ("
    " event_id TEXT PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, account TEXT, resource TEXT,"
    " event_us BIGINT, received_us BIGINT NOT NULL, detail TEXT);"
    "CREATE INDEX cw_events_kind ON cw_events (kind, received_us);"
    "CREATE TABLE cw_findings ("
    " fingerprint TEXT PRIMARY KEY, rule_id TEXT NOT NULL, resource TEXT NOT NULL, resource_type TEXT,"
    " resource_id TEXT, resource_name TEXT, account TEXT, region TEXT, severity TEXT NOT NULL, category TEXT,"
    " title TEXT, evidence TEXT, status TEXT NOT NULL, first_seen_us BIGINT NOT NULL, last_seen_us BIGINT NOT NULL,"
    " resolved_us BIGINT, reopened BIGINT NOT NULL DEFAULT 0, open_change TEXT, close_change TEXT);"
    "CREATE INDEX cw_findings_status ON cw_findings (status, resource, rule_id);"
    "CREATE INDEX cw_findings_resource ON cw_findings (resource, rule_id);"
    "CREATE INDEX cw_findings_account ON cw_findings (account);"
    "CREATE TABLE cw_windows ("
    " window_id @SERIAL@, resource TEXT NOT NULL, resource_type TEXT, account TEXT, region TEXT,"
    " rules TEXT NOT NULL, start_us BIGINT NOT NULL, end_us BIGINT, open_change TEXT, close_change TEXT);"
    "CREATE INDEX cw_windows_resource ON cw_windows (resource, start_us);"
    "CREATE INDEX cw_windows_account ON cw_windows (account, start_us);"
    "CREATE UNIQUE INDEX cw_windows_one_open ON cw_windows (resource) WHERE end_us IS NULL;"
    "CREATE TABLE cw_alerts ("
    " alert_id TEXT PRIMARY KEY, kind TEXT NOT NULL, fingerprint TEXT, resource TEXT, payload TEXT NOT NULL,"
    " created_us BIGINT NOT NULL);"
    "CREATE TABLE cw_deliveries ("
    " alert_id TEXT NOT NULL REFERENCES cw_alerts (alert_id), sink TEXT NOT NULL, state TEXT NOT NULL,"
    " attempts BIGINT NOT NULL DEFAULT 0, next_try_us BIGINT NOT NULL, delivered_us BIGINT, last_error TEXT,"
    " PRIMARY KEY (alert_id, sink));"
    "CREATE INDEX cw_deliveries_due ON cw_deliveries (sink, state, next_try_us);"
    "CREATE TABLE cw_leases ("
    " account TEXT PRIMARY KEY, owner TEXT NOT NULL, expires_us BIGINT NOT NULL, acquired_us BIGINT NOT NULL);",
};
#define NMIGRATIONS (sizeof migrations / sizeof migrations[0])
_Static_assert(NMIGRATIONS == CW_STORE_SCHEMA_VERSION, "one migration per schema version");

int cw_store_spec_is_pg(const char *spec)
{
    return spec && (strncmp(spec, "postgresql://", 13) == 0 || strncmp(spec, "postgres://", 11) == 0 ||
                    strstr(spec, "dbname=") != NULL || strstr(spec, "host=") != NULL);
}

const char *cw_store_default_path(char *buf, size_t n)
{
    const char *x = getenv("XDG_DATA_HOME");
    if (x && *x == '/') snprintf(buf, n, "%s/cloudwarden/cloudwarden.db", x);
    else {
        const char *h = getenv("HOME");
        snprintf(buf, n, "%s/.local/share/cloudwarden/cloudwarden.db", h && *h ? h : ".");
    }
    return buf;
}

static int mkdirs_for(const char *path)
{
    char *d = cw_xstrdup(path);
    char *slash = strrchr(d, '/');
    if (!slash || slash == d) {
        free(d);
        return 0;
    }
    *slash = 0;
    for (char *p = d + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(d, 0700) < 0 && errno != EEXIST) {
            free(d);
            return -1;
        }
        *p = '/';
    }
    int rc = (mkdir(d, 0700) < 0 && errno != EEXIST) ? -1 : 0;
    free(d);
    return rc;
}

/* postgresql://user:secret@host/db -> postgresql://user:***@host/db */
static char *redact(const char *spec)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    const char *scheme = strstr(spec, "://");
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *colon = scheme && at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
    if (colon) {
        cw_sb_add(&sb, spec, (size_t)(colon - spec + 1));
        cw_sb_adds(&sb, "***");
        cw_sb_adds(&sb, at);
    } else {
        const char *pw = strstr(spec, "password=");
        if (pw) {
            cw_sb_add(&sb, spec, (size_t)(pw - spec) + 9);
            cw_sb_adds(&sb, "***");
            const char *end = strchr(pw, ' ');
            if (end) cw_sb_adds(&sb, end);
        } else
            cw_sb_adds(&sb, spec);
    }
    return cw_sb_detach(&sb);
}

static int int_row(void *ctx, const cw_dbval *c, size_t n)
{
    if (n && c[0].t == CW_DBV_INT) *(int64_t *)ctx = c[0].i;
    else if (n && c[0].t == CW_DBV_TEXT) *(int64_t *)ctx = strtoll(c[0].s, NULL, 10);
    return 1;
}

static int str_row(void *ctx, const cw_dbval *c, size_t n)
{
    if (n && c[0].t == CW_DBV_TEXT) *(char **)ctx = cw_xstrdup(c[0].s);
    else if (n && c[0].t == CW_DBV_INT) {
        char b[32];
        snprintf(b, sizeof b, "%lld", (long long)c[0].i);
        *(char **)ctx = cw_xstrdup(b);
    }
    return 1;
}

/* -1 error, 0 no cw_meta table, 1 present */
static int has_meta(cw_store *st, int64_t *other_tables)
{
    static const char sq[] = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'cw_meta'";
    static const char sq_all[] = "SELECT count(*) FROM sqlite_master WHERE type = 'table'";
    static const char pg[] = "SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = 'cw_meta' AND "
                             "schemaname = ANY (current_schemas(false))";
    int64_t n = 0;
    *other_tables = 0;
    if (cw_store_exec(st, st->pg ? pg : sq, NULL, 0, int_row, &n, NULL) < 0) return -1;
    if (!n && !st->pg && cw_store_exec(st, sq_all, NULL, 0, int_row, other_tables, NULL) < 0) return -1;
    return n > 0;
}

static int schema_version(cw_store *st, int64_t *v)
{
    static const char q[] = "SELECT value FROM cw_meta WHERE key = 'schema_version'";
    char *s = NULL;
    if (cw_store_exec(st, q, NULL, 0, str_row, &s, NULL) < 0) return -1;
    *v = s ? strtoll(s, NULL, 10) : 0;
    free(s);
    return 0;
}

static void set_err(char **err, const char *fmt, const char *a, const char *b)
{
    char buf[1200];
    snprintf(buf, sizeof buf, fmt, a, b);
    *err = cw_xstrdup(buf);
}

static int migrate(cw_store *st, char **err)
{
    if (cw_store_begin(st) < 0 || st->db->ops->migration_lock(st->db) < 0) goto fail;
    int64_t other = 0, v = 0;
    int m = has_meta(st, &other);
    if (m < 0) goto fail;
    if (m == 0 && other > 0) {
        cw_store_rollback(st);
        set_err(err, "%s: an SQLite database but not a cloudwarden store (it has tables of its own); "
                "give --db a new path%s", st->location, "");
        st->db->errkind = DBE_NOTDB;
        return -1;
    }
    if (m && schema_version(st, &v) < 0) goto fail;
    if (v > CW_STORE_SCHEMA_VERSION) {
        cw_store_rollback(st);
        char vb[64];
        snprintf(vb, sizeof vb, "%lld; this cloudwarden %s reads up to %d", (long long)v, CW_STORE_TOOL_VERSION,
                 CW_STORE_SCHEMA_VERSION);
        set_err(err, "%s: written by a newer cloudwarden (store schema version %s); upgrade cloudwarden to use it",
                st->location, vb);
        st->newer = 1;
        return -1;
    }
    for (int64_t k = v; k < (int64_t)NMIGRATIONS; k++) {
        cw_strbuf sb = CW_STRBUF_INIT;
        const char *s = migrations[k];
        const char *serial = st->pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY";
        for (const char *p; (p = strstr(s, "@SERIAL@")); s = p + 8) {
            cw_sb_add(&sb, s, (size_t)(p - s));
            cw_sb_adds(&sb, serial);
        }
        cw_sb_adds(&sb, s);
        int rc = st->db->ops->script(st->db, sb.buf);
        cw_sb_free(&sb);
        if (rc < 0) goto fail;
    }
    if (v < CW_STORE_SCHEMA_VERSION) {
        char vb[16];
        snprintf(vb, sizeof vb, "%d", CW_STORE_SCHEMA_VERSION);
        if (cw_store_meta_set(st, "schema_version", vb) < 0 ||
            cw_store_meta_set(st, "written_by", "cloudwarden " CW_STORE_TOOL_VERSION) < 0)
            goto fail;
    }
    if (cw_store_commit(st) < 0) goto fail_nrb;
    return 0;
fail:
    cw_store_rollback(st);
fail_nrb:
    set_err(err, "%s: cannot prepare the store: %s", st->location, st->db->err);
    return -1;
}

cw_store *cw_store_open(const char *spec, unsigned flags, char **err)
{
    *err = NULL;
    char def[4096];
    if (!spec || !*spec) spec = cw_store_default_path(def, sizeof def);
    int pg = cw_store_spec_is_pg(spec);
    int ro = (flags & CW_STORE_READONLY) != 0;
    cw_db *db;
    if (pg) {
        db = cw_db_pg_open(spec, err);
    } else {
        struct stat sb;
        int exists = stat(spec, &sb) == 0;
        if (exists && S_ISDIR(sb.st_mode)) {
            set_err(err, "%s: is a directory; --db names the store's file (e.g. %s/cloudwarden.db)", spec, spec);
            return NULL;
        }
        if (!exists && ro) {
            set_err(err, "%s: no store there (run 'cloudwarden watch' or 'cloudwarden history import' first, "
                    "or give --db)%s", spec, "");
            return NULL;
        }
        if (!exists && mkdirs_for(spec) < 0) {
            char e[256];
            snprintf(e, sizeof e, "%s", strerror(errno));
            set_err(err, "%s: cannot create the store's directory: %s", spec, e);
            return NULL;
        }
        db = cw_db_sqlite_open(spec, ro, err);
    }
    if (!db) return NULL;
    cw_store *st = cw_xcalloc(1, sizeof *st);
    st->db = db;
    st->pg = pg;
    st->location = pg ? redact(spec) : cw_xstrdup(spec);
    if (ro || db->readonly) {
        int64_t other = 0, v = 0;
        int m = has_meta(st, &other);
        if (m <= 0) {
            if (m < 0) set_err(err, "%s: %s", st->location, db->err);
            else if (!ro && db->readonly)
                set_err(err, "%s: the store is read-only (%s); watch and history import need to write it",
                        st->location, "check the file's permissions and the file system");
            else
                set_err(err, "%s: not a cloudwarden store (no cloudwarden tables)%s", st->location, "");
            cw_store_close(st);
            return NULL;
        }
        if (schema_version(st, &v) < 0) {
            set_err(err, "%s: %s", st->location, db->err);
            cw_store_close(st);
            return NULL;
        }
        if (v > CW_STORE_SCHEMA_VERSION) {
            char vb[64];
            snprintf(vb, sizeof vb, "%lld; this cloudwarden %s reads up to %d", (long long)v, CW_STORE_TOOL_VERSION,
                     CW_STORE_SCHEMA_VERSION);
            set_err(err, "%s: written by a newer cloudwarden (store schema version %s); upgrade cloudwarden to use it",
                    st->location, vb);
            cw_store_close(st);
            return NULL;
        }
        if (!ro && db->readonly) {
            set_err(err, "%s: the store is read-only (%s); watch and history import need to write it", st->location,
                    "check the file's permissions and the file system");
            cw_store_close(st);
            return NULL;
        }
        if (v < CW_STORE_SCHEMA_VERSION) {
            char vb[64];
            snprintf(vb, sizeof vb, "%lld, this cloudwarden uses %d", (long long)v, CW_STORE_SCHEMA_VERSION);
            set_err(err, "%s: an older store schema (version %s); open it once for writing (watch or history "
                    "import) to migrate it", st->location, vb);
            cw_store_close(st);
            return NULL;
        }
        st->readonly = 1;
        return st;
    }
    if (migrate(st, err) < 0) {
        cw_store_close(st);
        return NULL;
    }
    return st;
}

void cw_store_close(cw_store *st)
{
    if (!st) return;
    if (st->db->in_tx) st->db->ops->rollback(st->db);
    st->db->ops->close(st->db);
    free(st->location);
    free(st);
}

const char *cw_store_backend(const cw_store *st)
{
    return st->db->ops->name;
}

const char *cw_store_location(const cw_store *st)
{
    return st->location;
}

int cw_store_readonly(const cw_store *st)
{
    return st->readonly;
}

const char *cw_store_error(const cw_store *st)
{
    return st->db->err;
}

cw_store_errkind cw_store_errkind_of(const cw_store *st)
{
    switch (st->db->errkind) {
    case DBE_OK: return CW_STORE_E_OK;
    case DBE_BUSY: return CW_STORE_E_BUSY;
    case DBE_FULL: return CW_STORE_E_FULL;
    case DBE_READONLY: return CW_STORE_E_READONLY;
    case DBE_NOTDB: return CW_STORE_E_NOTDB;
    case DBE_CONN: return CW_STORE_E_CONN;
    case DBE_CONSTRAINT: return CW_STORE_E_CONSTRAINT;
    default: return st->newer ? CW_STORE_E_NEWER : CW_STORE_E_ERROR;
    }
}

int cw_store_node_claim(cw_store *st, const char *node_id, int64_t ttl_us, int *got)
{
    *got = 0;
    if (st->readonly) {
        cw_db_seterr(st->db, DBE_READONLY, "%s: opened read-only: cannot be a watch node", st->location);
        return -1;
    }
    return st->db->ops->node_lock(st->db, node_id, ttl_us / 1000, got);
}

int64_t cw_store_now(cw_store *st)
{
    return st->db->ops->now_us(st->db);
}

int cw_store_exec(cw_store *st, const char *sql, const cw_dbval *args, size_t nargs, cw_db_row_fn fn, void *ctx,
                  int64_t *changes)
{
    if (st->readonly && strncmp(sql, "SELECT", 6) != 0) {
        cw_db_seterr(st->db, DBE_READONLY, "%s: the store was opened read-only", st->location);
        return -1;
    }
    return st->db->ops->exec(st->db, sql, args, nargs, fn, ctx, changes);
}

int cw_store_begin(cw_store *st)
{
    return st->db->ops->begin(st->db);
}

int cw_store_commit(cw_store *st)
{
    if (st->db->ops->commit(st->db) < 0) {
        int k = st->db->errkind;
        char e[sizeof st->db->err];
        memcpy(e, st->db->err, sizeof e);
        st->db->ops->rollback(st->db);
        st->db->errkind = k;
        memcpy(st->db->err, e, sizeof e);
        return -1;
    }
    return 0;
}

void cw_store_rollback(cw_store *st)
{
    int k = st->db->errkind;
    char e[sizeof st->db->err];
    memcpy(e, st->db->err, sizeof e);
    st->db->ops->rollback(st->db);
    st->db->errkind = k; /* keep the error that made us roll back */
    memcpy(st->db->err, e, sizeof e);
}

int cw_store_meta_get(cw_store *st, const char *key, char **out)
{
    static const char q[] = "SELECT value FROM cw_meta WHERE key = ?";
    *out = NULL;
    cw_dbval a[] = {DB_TEXT(key)};
    return cw_store_exec(st, q, a, 1, str_row, out, NULL);
}

int cw_store_meta_set(cw_store *st, const char *key, const char *value)
{
    static const char q[] = "INSERT INTO cw_meta (key, value) VALUES (?, ?) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
    cw_dbval a[] = {DB_TEXT(key), DB_TEXT(value)};
    return cw_store_exec(st, q, a, 2, NULL, NULL, NULL);
}

int cw_store_resource_named(const char *resource, const char *name)
{
    if (!resource || !name || !*name) return 0;
    if (strncmp(name, "gs://", 5) == 0) name += 5;
    if (strncmp(name, "s3://", 5) == 0) name += 5;
    size_t nl = strlen(name);
    while (nl && name[nl - 1] == '/') nl--;
    if (!nl) return 0;
    if (strlen(resource) == nl && memcmp(resource, name, nl) == 0) return 1;
    const char *c = strrchr(resource, ':'), *s = strrchr(resource, '/');
    const char *tail = c > s ? c : s;
    return tail && strlen(tail + 1) == nl && memcmp(tail + 1, name, nl) == 0;
}

void cw_store_window_seconds(const cw_store_window *w, int64_t *from, int64_t *to)
{
    *from = w->start_us == CW_TIME_UNKNOWN ? INT64_MIN : w->start_us / 1000000;
    *to = w->end_us == CW_TIME_UNKNOWN ? INT64_MAX : (w->end_us + 999999) / 1000000;
}
