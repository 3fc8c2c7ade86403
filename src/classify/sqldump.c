/* sqldump.c - SQL dump tracker (mysqldump, pg_dump, sqlite .dump):
 *   CREATE TABLE t (col type, ...)          -> column names of t
 *   INSERT INTO t [(cols)] VALUES (..),(..); -> one record per tuple, column context
 *                                              from the list or from CREATE TABLE
 *   COPY t (cols) FROM stdin; rows \.       -> one record per tab-separated row
 * Strings: '...' with '' or backslash escapes; comments -- and slash-star. */
#include "scan.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"

#define SQL_HEADMAX 65536
#define SQL_MAXCOLS 256
#define SQL_MAXTABLES 256

enum { Q_STMT, Q_LINECOMMENT, Q_BLOCKCOMMENT, Q_HEADSTR, Q_VALUES, Q_VSTR, Q_VSTR_QUOTE, Q_VSTR_ESC, Q_COPY_NL, Q_COPY };

typedef struct sql_table {
    char name[64];
    uint16_t ncols;
    cw_ctx ctx[SQL_MAXCOLS];
} sql_table;

struct cw_sql_state {
    int st;
    char quote;          /* quote of the current string */
    int depth;
    size_t hlen;
    char head[SQL_HEADMAX];
    uint8_t prev;
    /* current INSERT/COPY */
    uint16_t ncols;
    cw_ctx ctx[SQL_MAXCOLS];
    uint32_t col;
    size_t fstart, qend;
    bool quoted, field_began;
    bool copy_line_start;
    size_t copy_dot;     /* matched chars of "\\.\n" at line start */
    size_t ntables;
    sql_table tables[SQL_MAXTABLES];
};

static bool ieq(const char *a, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    if (n != l) return false;
    for (size_t i = 0; i < n; i++)
        if (toupper((unsigned char)a[i]) != lit[i]) return false;
    return true;
}

/* Next token of the head: identifier (quotes stripped), or a single punctuation char. */
static size_t tok(const char *h, size_t n, size_t i, size_t *ts, size_t *tl)
{
    while (i < n && isspace((unsigned char)h[i])) i++;
    if (i >= n) {
        *tl = 0;
        return n;
    }
    char c = h[i];
    if (c == '`' || c == '"' || c == '[') {
        char close = c == '[' ? ']' : c;
        size_t s = ++i;
        while (i < n && h[i] != close) i++;
        *ts = s;
        *tl = i - s;
        return i < n ? i + 1 : n;
    }
    if (isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80) {
        size_t s = i;
        while (i < n && (isalnum((unsigned char)h[i]) || h[i] == '_' || (unsigned char)h[i] >= 0x80 || h[i] == '$')) i++;
        *ts = s;
        *tl = i - s;
        return i;
    }
    *ts = i;
    *tl = 1;
    return i + 1;
}

/* Table name (last part of schema.table) starting at i; returns position after it. */
static size_t table_name(const char *h, size_t n, size_t i, char *out)
{
    size_t ts, tl;
    out[0] = 0;
    for (;;) {
        i = tok(h, n, i, &ts, &tl);
        if (!tl) return i;
        size_t l = tl < 63 ? tl : 63;
        memcpy(out, h + ts, l);
        out[l] = 0;
        size_t save = i, ts2, tl2;
        size_t j = tok(h, n, i, &ts2, &tl2);
        if (tl2 == 1 && h[ts2] == '.') {
            i = j;
            continue;
        }
        return save;
    }
}

/* Column list "(a, b, c)" starting at i (which points at or before '('): fills ctx. */
static uint16_t column_list(const char *h, size_t n, size_t i, cw_ctx *ctx, bool defs)
{
    size_t ts, tl;
    i = tok(h, n, i, &ts, &tl);
    if (tl != 1 || h[ts] != '(') return 0;
    uint16_t nc = 0;
    int depth = 1;
    bool item_start = true;
    while (i < n && depth > 0) {
        i = tok(h, n, i, &ts, &tl);
        if (!tl) break;
        if (tl == 1 && h[ts] == '(') depth++;
        else if (tl == 1 && h[ts] == ')') depth--;
        else if (tl == 1 && h[ts] == ',' && depth == 1) item_start = true;
        else if (item_start && depth == 1) {
            item_start = false;
            const char *t = h + ts;
            if (defs && (ieq(t, tl, "PRIMARY") || ieq(t, tl, "KEY") || ieq(t, tl, "UNIQUE") || ieq(t, tl, "CONSTRAINT") ||
                         ieq(t, tl, "FOREIGN") || ieq(t, tl, "INDEX") || ieq(t, tl, "CHECK") || ieq(t, tl, "FULLTEXT") ||
                         ieq(t, tl, "SPATIAL") || ieq(t, tl, "EXCLUDE")))
                continue;
            if (nc < SQL_MAXCOLS) ctx[nc++] = cw_ctx_of_name(t, tl, NULL, 0);
        }
    }
    return nc;
}

static sql_table *find_table(cw_sql_state *q, const char *name)
{
    for (size_t k = 0; k < q->ntables; k++)
        if (strcasecmp(q->tables[k].name, name) == 0) return &q->tables[k];
    return NULL;
}

static void stmt_end(cw_sql_state *q)
{
    const char *h = q->head;
    size_t n = q->hlen, ts, tl, i = 0;
    i = tok(h, n, i, &ts, &tl);
    if (tl && ieq(h + ts, tl, "CREATE")) {
        /* CREATE [TEMPORARY|UNLOGGED ...] TABLE [IF NOT EXISTS] name (...) */
        while (i < n) {
            i = tok(h, n, i, &ts, &tl);
            if (!tl || ieq(h + ts, tl, "TABLE")) break;
            if (tl == 1 && !isalnum((unsigned char)h[ts])) return;
        }
        if (!tl) return;
        size_t save = i;
        i = tok(h, n, i, &ts, &tl);
        if (tl && ieq(h + ts, tl, "IF")) {
            i = tok(h, n, i, &ts, &tl);
            i = tok(h, n, i, &ts, &tl);
        } else {
            i = save;
        }
        char name[64];
        i = table_name(h, n, i, name);
        if (!name[0]) return;
        sql_table *t = find_table(q, name);
        if (!t) {
            if (q->ntables == SQL_MAXTABLES) return;
            t = &q->tables[q->ntables++];
            strcpy(t->name, name);
        }
        t->ncols = column_list(h, n, i, t->ctx, true);
    } else if (tl && ieq(h + ts, tl, "COPY")) {
        char name[64];
        i = table_name(h, n, i, name);
        q->ncols = column_list(h, n, i, q->ctx, false);
        if (!q->ncols) {
            sql_table *t = find_table(q, name);
            if (t) q->ncols = t->ncols, memcpy(q->ctx, t->ctx, t->ncols * sizeof *t->ctx);
        }
        bool stdin_ = false;
        for (size_t k = 0; k + 5 <= n; k++)
            if (strncasecmp(h + k, "stdin", 5) == 0) stdin_ = true;
        if (stdin_) q->st = Q_COPY_NL;
    }
}

/* Head ends with VALUES: parse INSERT/REPLACE INTO name [(cols)]. */
static bool head_is_values(cw_sql_state *q)
{
    size_t n = q->hlen;
    while (n && isspace((unsigned char)q->head[n - 1])) n--;
    return n >= 6 && strncasecmp(q->head + n - 6, "VALUES", 6) == 0;
}

static void insert_begin(cw_sql_state *q)
{
    const char *h = q->head;
    size_t n = q->hlen, ts, tl, i = 0;
    q->ncols = 0;
    while (i < n) {
        i = tok(h, n, i, &ts, &tl);
        if (!tl) return;
        if (ieq(h + ts, tl, "INTO")) break;
    }
    char name[64];
    i = table_name(h, n, i, name);
    q->ncols = column_list(h, n, i, q->ctx, false);
    if (!q->ncols) {
        sql_table *t = find_table(q, name);
        if (t) q->ncols = t->ncols, memcpy(q->ctx, t->ctx, t->ncols * sizeof *t->ctx);
    }
}

static inline cw_ctx col_ctx(cw_sql_state *q)
{
    return q->col < q->ncols ? q->ctx[q->col] : 0;
}

static void end_field(cw_scan *s, cw_sql_state *q, size_t end)
{
    cw_ctx ctx = col_ctx(q);
    if (!(ctx & CW_CTX_FIELD_CATS) || q->fstart == CW_NOPOS) return;
    size_t st = q->fstart, e = q->quoted ? q->qend : end;
    if (e < st) return;
    cw_scan_field(s, st, e, ctx);
}

static void head_add(cw_sql_state *q, uint8_t c)
{
    if (q->hlen < SQL_HEADMAX) q->head[q->hlen++] = (char)c;
}

static void sql_advance(cw_scan *s, size_t upto)
{
    cw_sql_state *q = s->sql;
    const uint8_t *b = s->buf;
    for (size_t i = s->pos; i < upto; i++) {
        uint8_t c = b[i];
        switch (q->st) {
        case Q_LINECOMMENT:
            if (c == '\n') q->st = Q_STMT;
            break;
        case Q_BLOCKCOMMENT:
            if (c == '/' && q->prev == '*') {
                q->st = Q_STMT;
                c = 0;
            }
            break;
        case Q_HEADSTR:
            head_add(q, c);
            if (c == (uint8_t)q->quote) q->st = Q_STMT;
            break;
        case Q_STMT:
            if (c == '-' && q->prev == '-') {
                if (q->hlen) q->hlen--;
                q->st = Q_LINECOMMENT;
                break;
            }
            if (c == '*' && q->prev == '/') {
                if (q->hlen) q->hlen--;
                q->st = Q_BLOCKCOMMENT;
                c = 0;
                break;
            }
            if (c == '\'' || c == '"' || c == '`') {
                q->quote = (char)c;
                q->st = Q_HEADSTR;
                head_add(q, c);
                break;
            }
            if (c == '(' && q->depth == 0 && head_is_values(q)) {
                insert_begin(q);
                q->hlen = 0;
                q->st = Q_VALUES;
                q->depth = 0;
                goto values; /* this '(' opens the first tuple */
            }
            if (c == '(') q->depth++;
            else if (c == ')' && q->depth > 0) q->depth--;
            if (c == ';' && q->depth == 0) {
                stmt_end(q);
                q->hlen = 0;
                break;
            }
            if (q->hlen || !isspace(c)) head_add(q, c);
            break;
        case Q_VSTR: {
            const uint8_t *p = b + i;
            while (p < b + upto && *p != (uint8_t)q->quote && *p != '\\') p++;
            i = (size_t)(p - b);
            if (i == upto) break;
            if (*p == '\\') q->st = Q_VSTR_ESC;
            else {
                q->qend = i;
                q->st = Q_VSTR_QUOTE;
            }
            break;
        }
        case Q_VSTR_ESC: q->st = Q_VSTR; break;
        case Q_VSTR_QUOTE:
            if (c == (uint8_t)q->quote) { /* doubled quote */
                q->st = Q_VSTR;
                break;
            }
            q->st = Q_VALUES;
            /* fall through: c is structure */
            goto values;
        case Q_VALUES:
        values:
            if (c == '(') {
                if (q->depth++ == 0) {
                    q->col = 0;
                    q->fstart = i + 1;
                    q->quoted = false;
                    q->field_began = false;
                    s->rec_open = true;
                    s->ctx = col_ctx(q);
                }
            } else if (c == ')') {
                if (q->depth == 1) {
                    end_field(s, q, i);
                    cw_scan_record_end(s);
                    s->ctx = 0;
                }
                if (q->depth > 0) q->depth--;
            } else if (c == ',' && q->depth == 1) {
                end_field(s, q, i);
                q->col++;
                q->fstart = i + 1;
                q->quoted = false;
                q->field_began = false;
                s->ctx = col_ctx(q);
            } else if ((c == '\'' || c == '"') && q->depth >= 1) {
                q->quote = (char)c;
                q->st = Q_VSTR;
                if (q->depth == 1 && !q->field_began) {
                    q->quoted = true;
                    q->fstart = i + 1;
                }
                q->field_began = true;
            } else if (c == ';' && q->depth == 0) {
                q->st = Q_STMT;
                s->ctx = 0;
            } else if (!isspace(c)) {
                q->field_began = true;
            } else if (!q->field_began && q->depth == 1) {
                q->fstart = i + 1;
            }
            break;
        case Q_COPY_NL:
            if (c == '\n') {
                q->st = Q_COPY;
                q->col = 0;
                q->fstart = i + 1;
                q->copy_dot = 0;
                q->quoted = false;
                s->ctx = col_ctx(q);
            }
            break;
        case Q_COPY:
            if (c == '\t') {
                end_field(s, q, i);
                q->col++;
                q->fstart = i + 1;
                s->ctx = col_ctx(q);
                s->rec_open = true;
            } else if (c == '\n') {
                if (q->copy_dot == 2) { /* "\." ends the data */
                    q->st = Q_STMT;
                    s->rec_open = false;
                    s->ctx = 0;
                } else {
                    end_field(s, q, i);
                    cw_scan_record_end(s);
                    q->col = 0;
                    q->fstart = i + 1;
                    s->ctx = col_ctx(q);
                }
                q->copy_dot = 0;
                break;
            } else {
                s->rec_open = true;
            }
            if (i == q->fstart && q->col == 0 && c == '\\') q->copy_dot = 1;
            else if (q->copy_dot == 1 && c == '.') q->copy_dot = 2;
            else if (c != '\t') q->copy_dot = 0;
            break;
        }
        q->prev = c;
    }
    s->pos = upto;
}

static void sql_chunk_begin(cw_scan *s)
{
    cw_sql_state *q = s->sql;
    if ((q->st == Q_COPY || q->st == Q_COPY_NL) && q->prev == '\n') q->fstart = 0;
    else q->fstart = CW_NOPOS;
}

static void sql_finish(cw_scan *s)
{
    if (s->rec_open) cw_scan_record_end(s);
}

static void sql_copy(cw_scan *dst, const cw_scan *src)
{
    if (!dst->sql) dst->sql = cw_xcalloc(1, sizeof *dst->sql);
    const cw_sql_state *a = src->sql;
    cw_sql_state *q = dst->sql;
    /* the used parts only: the statement head so far and the tables known */
    memcpy(q, a, offsetof(cw_sql_state, head));
    memcpy(q->head, a->head, a->hlen);
    memcpy(&q->prev, &a->prev, offsetof(cw_sql_state, tables) - offsetof(cw_sql_state, prev));
    memcpy(q->tables, a->tables, a->ntables * sizeof *a->tables);
}

static bool clean_state(int st) { return st == Q_STMT || st == Q_VALUES || st == Q_COPY; }

static void sql_boundary(cw_scan *s)
{
    cw_sql_state *q = s->sql;
    if (!clean_state(q->st)) q->st = Q_STMT;
    q->hlen = 0;
    q->depth = 0;
    q->prev = '\n';
    q->col = 0;
    q->copy_dot = 0;
    s->ctx = q->st == Q_COPY ? col_ctx(q) : 0;
}

/* At a line end between statements, between the tuples of a VALUES list, or
 * between the rows of a COPY block: the same tables known, the same columns for
 * the rows that follow. Fields are (re)started before they are read. */
static bool sql_same(const cw_scan *x, const cw_scan *y)
{
    const cw_sql_state *a = x->sql, *b = y->sql;
    if (a->st != b->st || !clean_state(a->st) || a->hlen || b->hlen || a->depth || b->depth || a->prev != b->prev)
        return false;
    if (a->st != Q_STMT) {
        if (a->ncols != b->ncols || memcmp(a->ctx, b->ctx, a->ncols * sizeof *a->ctx) != 0 || a->col || b->col)
            return false;
        if (a->st == Q_COPY && (a->copy_dot || b->copy_dot)) return false;
    }
    return a->ntables == b->ntables && memcmp(a->tables, b->tables, a->ntables * sizeof *a->tables) == 0;
}

static const cw_tracker_ops sql_ops = {"sql", sql_advance, sql_chunk_begin, sql_finish, sql_copy, sql_boundary, sql_same};

void cw_sql_init(cw_scan *s)
{
    cw_sql_state *q = cw_xcalloc(1, sizeof *q);
    q->st = Q_STMT;
    s->sql = q;
    s->trk = &sql_ops;
    s->ctx = 0;
}

