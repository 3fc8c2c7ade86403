/* hist_list.c - `history windows` and `history changes` listings: table
 * (aligned columns), json (one document), csv (RFC 4180, as the findings'
 * csv writes cells). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "../output/output.h"
#include "../util/strbuf.h"

int cw_hist_list_format_ok(const char *f)
{
    return f && (strcmp(f, "table") == 0 || strcmp(f, "json") == 0 || strcmp(f, "csv") == 0);
}

static char *xdup(const char *s) { return s ? cw_xstrdup(s) : NULL; }

/* ---- collecting rows ------------------------------------------------------ */
static int take_window(void *ctx, const cw_store_window *w)
{
    cw_hist_windows *x = ctx;
    if (x->n == x->cap) x->cap = x->cap ? 2 * x->cap : 64, x->v = cw_xrealloc(x->v, x->cap * sizeof *x->v);
    cw_store_window *o = &x->v[x->n++];
    *o = *w;
    o->resource = xdup(w->resource), o->resource_type = xdup(w->resource_type), o->account = xdup(w->account);
    o->region = xdup(w->region), o->rules = xdup(w->rules), o->open_change = xdup(w->open_change);
    o->close_change = xdup(w->close_change);
    return 0;
}

int cw_hist_windows_load(cw_store *st, const cw_store_window_query *q, cw_hist_windows *out)
{
    return cw_store_windows(st, q, take_window, out);
}

void cw_hist_windows_free(cw_hist_windows *x)
{
    for (size_t i = 0; i < x->n; i++) {
        cw_store_window *w = &x->v[i];
        free((char *)w->resource), free((char *)w->resource_type), free((char *)w->account);
        free((char *)w->region), free((char *)w->rules), free((char *)w->open_change);
        free((char *)w->close_change);
    }
    free(x->v);
    memset(x, 0, sizeof *x);
}

static void iso(int64_t us, char *buf, size_t n) { cw_hist_time(us, buf, n); }

/* "3d 4h 5m 6.871s": the units from the largest one that is not zero. */
void cw_hist_duration(int64_t us, char *buf, size_t n)
{
    if (us < 0) us = 0;
    int64_t ms = us / 1000, s = ms / 1000, frac = ms % 1000;
    int64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;
    char secs[32];
    if (frac) snprintf(secs, sizeof secs, "%" PRId64 ".%03" PRId64 "s", sec, frac);
    else snprintf(secs, sizeof secs, "%" PRId64 "s", sec);
    if (d) snprintf(buf, n, "%" PRId64 "d %" PRId64 "h %" PRId64 "m %s", d, h, m, secs);
    else if (h) snprintf(buf, n, "%" PRId64 "h %" PRId64 "m %s", h, m, secs);
    else if (m) snprintf(buf, n, "%" PRId64 "m %s", m, secs);
    else snprintf(buf, n, "%s", secs);
}

/* ---- an aligned table ----------------------------------------------------- */
typedef struct table {
    size_t ncol;
    char **cells; /* rows * ncol */
    size_t rows, cap;
    size_t *width;
} table;

/* Columns a cell takes: its code points (UTF-8 continuation bytes not counted). */
static size_t cols(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void table_row(table *t, const char *const *cells)
{
    if (t->rows == t->cap) t->cap = t->cap ? 2 * t->cap : 32, t->cells = cw_xrealloc(t->cells, t->cap * t->ncol * sizeof *t->cells);
    for (size_t c = 0; c < t->ncol; c++) {
        const char *s = cells[c] ? cells[c] : "";
        t->cells[t->rows * t->ncol + c] = cw_xstrdup(s);
        size_t w = cols(s);
        if (w > t->width[c]) t->width[c] = w;
    }
    t->rows++;
}

static void table_write(cw_strbuf *sb, table *t)
{
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->ncol; c++) {
            const char *s = t->cells[r * t->ncol + c];
            cw_sb_adds(sb, s);
            if (c + 1 < t->ncol) cw_sb_addn(sb, ' ', t->width[c] - cols(s) + 2);
            free(t->cells[r * t->ncol + c]);
        }
        while (sb->len && sb->buf[sb->len - 1] == ' ') sb->buf[--sb->len] = 0;
        cw_sb_addc(sb, '\n');
    }
    free(t->cells);
    free(t->width);
}

static int finish(FILE *out, cw_strbuf *sb)
{
    size_t w = sb->len ? fwrite(sb->buf, 1, sb->len, out) : 0;
    int ok = w == sb->len && fflush(out) == 0 && !ferror(out);
    cw_sb_free(sb);
    if (!ok && !errno) errno = EIO;
    return ok ? 0 : -1;
}

static void jkey(cw_strbuf *sb, const char *k, int first)
{
    if (!first) cw_sb_addc(sb, ',');
    cw_sb_add_json_cstr(sb, k);
    cw_sb_addc(sb, ':');
}

static void jstrv(cw_strbuf *sb, const char *s)
{
    if (s) cw_sb_add_json_cstr(sb, s);
    else cw_sb_adds(sb, "null");
}

static void jtime(cw_strbuf *sb, int64_t us)
{
    char b[48];
    if (us == CW_TIME_UNKNOWN) {
        cw_sb_adds(sb, "null");
        return;
    }
    cw_hist_time(us, b, sizeof b);
    cw_sb_add_json_cstr(sb, b);
}

/* ---- windows ----------------------------------------------------------------- */
int cw_hist_write_windows(FILE *out, const char *format, const cw_hist_windows *x, int64_t now_us)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    size_t open = 0;
    for (size_t i = 0; i < x->n; i++) open += x->v[i].end_us == CW_TIME_UNKNOWN;
    if (strcmp(format, "json") == 0) {
        cw_sb_adds(&sb, "{\"windows\":[");
        for (size_t i = 0; i < x->n; i++) {
            const cw_store_window *w = &x->v[i];
            cw_sb_adds(&sb, i ? ",\n  {" : "\n  {");
            jkey(&sb, "resource", 1), jstrv(&sb, w->resource);
            jkey(&sb, "type", 0), jstrv(&sb, w->resource_type);
            jkey(&sb, "account", 0), jstrv(&sb, w->account);
            jkey(&sb, "region", 0), jstrv(&sb, w->region);
            jkey(&sb, "start", 0), jtime(&sb, w->start_us);
            jkey(&sb, "end", 0), jtime(&sb, w->end_us);
            int is_open = w->end_us == CW_TIME_UNKNOWN;
            jkey(&sb, "open", 0), cw_sb_adds(&sb, is_open ? "true" : "false");
            jkey(&sb, "duration_seconds", 0);
            if (is_open) cw_sb_adds(&sb, "null");
            else cw_sb_printf(&sb, "%.3f", (double)(w->end_us - w->start_us) / 1e6);
            jkey(&sb, "rules", 0);
            cw_sb_addc(&sb, '[');
            const char *r = w->rules ? w->rules : "";
            for (int k = 0; *r; k++) {
                const char *e = strchr(r, ',');
                size_t n = e ? (size_t)(e - r) : strlen(r);
                if (k) cw_sb_addc(&sb, ',');
                cw_sb_add_json_str(&sb, r, n);
                r += n + (e != NULL);
            }
            cw_sb_addc(&sb, ']');
            jkey(&sb, "opened_by", 0), jstrv(&sb, w->open_change);
            jkey(&sb, "closed_by", 0), jstrv(&sb, w->close_change);
            cw_sb_addc(&sb, '}');
        }
        cw_sb_printf(&sb, "%s],\"summary\":{\"windows\":%zu,\"open\":%zu}}\n", x->n ? "\n" : "", x->n, open);
        return finish(out, &sb);
    }
    if (strcmp(format, "csv") == 0) {
        cw_sb_adds(&sb, "resource,type,account,region,start,end,duration_seconds,rules,opened_by,closed_by\r\n");
        for (size_t i = 0; i < x->n; i++) {
            const cw_store_window *w = &x->v[i];
            char s[48], e[48], d[48];
            cw_hist_time(w->start_us, s, sizeof s);
            if (w->end_us == CW_TIME_UNKNOWN) e[0] = d[0] = 0;
            else cw_hist_time(w->end_us, e, sizeof e), snprintf(d, sizeof d, "%.3f", (w->end_us - w->start_us) / 1e6);
            const char *cells[] = {w->resource, w->resource_type, w->account, w->region, s, e, d, w->rules,
                                   w->open_change, w->close_change};
            for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++) {
                if (c) cw_sb_addc(&sb, ',');
                cw_out_csv_cell(&sb, cells[c]);
            }
            cw_sb_adds(&sb, "\r\n");
        }
        return finish(out, &sb);
    }
    if (!x->n) {
        cw_sb_adds(&sb, "no exposure windows\n");
        return finish(out, &sb);
    }
    table t = {.ncol = 7};
    t.width = cw_xcalloc(t.ncol, sizeof *t.width);
    const char *head[] = {"START", "END", "DURATION", "RESOURCE", "RULES", "OPENED BY", "CLOSED BY"};
    table_row(&t, head);
    for (size_t i = 0; i < x->n; i++) {
        const cw_store_window *w = &x->v[i];
        char s[48], e[48], d[64], so_far[48];
        iso(w->start_us, s, sizeof s);
        if (w->end_us == CW_TIME_UNKNOWN) {
            snprintf(e, sizeof e, "(open)");
            cw_hist_duration(now_us - w->start_us, so_far, sizeof so_far);
            snprintf(d, sizeof d, "%s so far", so_far);
        } else {
            iso(w->end_us, e, sizeof e);
            cw_hist_duration(w->end_us - w->start_us, d, sizeof d);
        }
        const char *row[] = {s, e, d, w->resource, w->rules, w->open_change, w->close_change ? w->close_change : "-"};
        table_row(&t, row);
    }
    table_write(&sb, &t);
    cw_sb_printf(&sb, "%zu window%s, %zu open\n", x->n, x->n == 1 ? "" : "s", open);
    return finish(out, &sb);
}

/* ---- changes (configuration versions) ------------------------------------- */
typedef struct chg {
    cw_strbuf sb;
    const char *format;
    int with_items;
    size_t n;
    table t;
} chg;

static int write_change(void *ctx, const cw_store_version *v)
{
    chg *c = ctx;
    cw_strbuf *sb = &c->sb;
    char ct[48], rt[48];
    iso(v->capture_us, ct, sizeof ct);
    iso(v->recorded_us, rt, sizeof rt);
    if (strcmp(c->format, "json") == 0) {
        cw_sb_adds(sb, c->n ? ",\n  {" : "\n  {");
        jkey(sb, "resource", 1), jstrv(sb, v->resource);
        jkey(sb, "type", 0), jstrv(sb, v->type);
        jkey(sb, "resource_id", 0), jstrv(sb, v->resource_id);
        jkey(sb, "account", 0), jstrv(sb, v->account);
        jkey(sb, "region", 0), jstrv(sb, v->region);
        jkey(sb, "capture_time", 0), jtime(sb, v->capture_us);
        jkey(sb, "state_id", 0), jstrv(sb, v->state_id);
        jkey(sb, "status", 0), jstrv(sb, v->status);
        jkey(sb, "source", 0), jstrv(sb, v->source);
        jkey(sb, "recorded", 0), jtime(sb, v->recorded_us);
        if (c->with_items) jkey(sb, "item", 0), cw_sb_adds(sb, v->item && *v->item ? v->item : "null");
        cw_sb_addc(sb, '}');
    } else if (strcmp(c->format, "csv") == 0) {
        const char *cells[] = {v->resource, v->type, v->resource_id, v->account, v->region, ct, v->state_id,
                               v->status, v->source, rt};
        for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
            if (i) cw_sb_addc(sb, ',');
            cw_out_csv_cell(sb, cells[i]);
        }
        cw_sb_adds(sb, "\r\n");
    } else {
        const char *row[] = {ct, v->resource, v->state_id, v->status};
        table_row(&c->t, row);
    }
    c->n++;
    return 0;
}

int cw_hist_write_changes(FILE *out, cw_store *st, const cw_store_version_query *q, const char *format)
{
    chg c = {.format = format, .with_items = q->with_item};
    if (strcmp(format, "json") == 0) cw_sb_adds(&c.sb, "{\"changes\":[");
    else if (strcmp(format, "csv") == 0)
        cw_sb_adds(&c.sb, "resource,type,resource_id,account,region,capture_time,state_id,status,source,recorded\r\n");
    else {
        c.t.ncol = 4;
        c.t.width = cw_xcalloc(4, sizeof *c.t.width);
        const char *head[] = {"CAPTURE TIME", "RESOURCE", "STATE ID", "STATUS"};
        table_row(&c.t, head);
    }
    if (cw_store_versions(st, q, write_change, &c) < 0) {
        cw_sb_free(&c.sb);
        if (c.t.width) {
            for (size_t i = 0; i < c.t.rows * c.t.ncol; i++) free(c.t.cells[i]);
            free(c.t.cells), free(c.t.width);
        }
        return -2;
    }
    if (strcmp(format, "json") == 0) cw_sb_printf(&c.sb, "%s],\"count\":%zu}\n", c.n ? "\n" : "", c.n);
    else if (strcmp(format, "table") == 0) {
        table_write(&c.sb, &c.t);
        cw_sb_printf(&c.sb, "%zu version%s\n", c.n, c.n == 1 ? "" : "s");
    }
    return finish(out, &c.sb);
}
