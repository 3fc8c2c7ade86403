#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "strbuf.h"

void cw_diags_init(cw_diags *d) { memset(d, 0, sizeof *d); }

void cw_diags_free(cw_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].msg);
        free(d->v[i].source_line);
    }
    free(d->v);
    cw_diags_init(d);
}

void cw_diag_add(cw_diags *d, cw_diag_level lvl, const char *file, uint32_t line, uint32_t col,
                 uint64_t record, const char *source_line, const char *fmt, ...)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->v = cw_xrealloc(d->v, d->cap * sizeof *d->v);
    }
    cw_diag *g = &d->v[d->n++];
    g->level = lvl;
    g->file = file ? cw_xstrdup(file) : NULL;
    g->line = line, g->col = col, g->record = record;
    g->source_line = source_line ? cw_xstrdup(source_line) : NULL;
    cw_strbuf sb = CW_STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    cw_sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    g->msg = cw_sb_detach(&sb);
    if (lvl == CW_DIAG_ERROR) d->errors++;
    else if (lvl == CW_DIAG_WARNING) d->warnings++;
}

static const char *lvl_name(cw_diag_level l)
{
    return l == CW_DIAG_ERROR ? "error" : l == CW_DIAG_WARNING ? "warning" : "note";
}

char *cw_diag_format(const cw_diag *g)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    if (g->file) cw_sb_printf(&sb, "%s:", g->file);
    if (g->line) {
        cw_sb_printf(&sb, "%u:", g->line);
        if (g->col) cw_sb_printf(&sb, "%u:", g->col);
    }
    if (g->record) cw_sb_printf(&sb, " record %llu:", (unsigned long long)g->record);
    if (sb.len) cw_sb_addc(&sb, ' ');
    cw_sb_printf(&sb, "%s: %s", lvl_name(g->level), g->msg);
    if (g->source_line && g->col) {
        cw_sb_printf(&sb, "\n    %s\n    ", g->source_line);
        size_t sl = strlen(g->source_line);
        for (uint32_t i = 1; i < g->col && i <= sl; i++)
            cw_sb_addc(&sb, g->source_line[i - 1] == '\t' ? '\t' : ' ');
        cw_sb_addc(&sb, '^');
    }
    return cw_sb_detach(&sb);
}

void cw_diags_print(const cw_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        char *s = cw_diag_format(&d->v[i]);
        fprintf(stderr, "%s\n", s);
        free(s);
    }
}

static void vmsg(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "cloudwarden: %s", kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}
void cw_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("error: ", fmt, ap);
    va_end(ap);
}
void cw_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("warning: ", fmt, ap);
    va_end(ap);
}
void cw_bug(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("internal error: ", fmt, ap);
    va_end(ap);
    exit(CW_EXIT_INTERNAL);
}

void cw_offset_to_linecol(const char *buf, size_t len, size_t off, uint32_t *line, uint32_t *col)
{
    if (off > len) off = len;
    uint32_t l = 1;
    size_t ls = 0;
    for (const char *p = buf; off && (p = memchr(p, '\n', (size_t)(buf + off - p))) != NULL; p++) {
        l++;
        ls = (size_t)(p - buf) + 1;
    }
    *line = l;
    *col = (uint32_t)(off - ls) + 1;
}

char *cw_line_at(const char *buf, size_t len, size_t off)
{
    if (off > len) off = len;
    size_t s = off, e = off;
    while (s > 0 && buf[s - 1] != '\n') s--;
    while (e < len && buf[e] != '\n' && buf[e] != '\r') e++;
    if (e - s > 200) {
        if (off - s > 150) s = off - 150;
        if (e - s > 200) e = s + 200;
    }
    char *r = cw_xmalloc(e - s + 1);
    for (size_t i = s; i < e; i++) {
        unsigned char c = (unsigned char)buf[i];
        r[i - s] = (c < 0x20 && c != '\t') ? ' ' : (char)c;
    }
    r[e - s] = 0;
    return r;
}
