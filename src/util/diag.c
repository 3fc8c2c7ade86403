#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "display.h"
#include "hmap.h"
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

void cw_diags_collapse_notes(cw_diags *d, size_t from, size_t keep)
{
    if (keep < 1) keep = 1; /* the first of each text is kept: it is the map's key */
    if (d->n <= from + keep) return;
    typedef struct text_count {
        const char *msg, *file;
        size_t total, kept;
    } text_count;
    cw_hmap seen;
    cw_hmap_init(&seen);
    text_count *tc = NULL;
    size_t ntc = 0;
    for (size_t i = from; i < d->n; i++) { /* count; slots are indexes + 1 into tc */
        if (d->v[i].level != CW_DIAG_NOTE) continue;
        const char *m = d->v[i].msg;
        uintptr_t ix = (uintptr_t)cw_hmap_get(&seen, m, strlen(m));
        if (!ix) {
            tc = cw_xrealloc(tc, (ntc + 1) * sizeof *tc);
            tc[ntc] = (text_count){m, d->v[i].file, 0, 0};
            ix = ++ntc;
            cw_hmap_put(&seen, m, strlen(m), (void *)ix);
        }
        tc[ix - 1].total++;
    }
    size_t w = from;
    for (size_t i = from; i < d->n; i++) {
        cw_diag *g = &d->v[i];
        if (g->level == CW_DIAG_NOTE) {
            text_count *t = &tc[(uintptr_t)cw_hmap_get(&seen, g->msg, strlen(g->msg)) - 1];
            if (t->kept == keep) {
                free(g->file), free(g->msg), free(g->source_line);
                continue;
            }
            t->kept++;
        }
        d->v[w++] = *g;
    }
    d->n = w;
    for (size_t t = 0; t < ntc; t++)
        if (tc[t].total > tc[t].kept)
            cw_diag_add(d, CW_DIAG_NOTE, tc[t].file, 0, 0, 0, NULL, "... and %zu more notes like \"%.160s%s\"",
                        tc[t].total - tc[t].kept, tc[t].msg, strlen(tc[t].msg) > 160 ? "..." : "");
    cw_hmap_free(&seen);
    free(tc);
}

static const char *lvl_name(cw_diag_level l)
{
    return l == CW_DIAG_ERROR ? "error" : l == CW_DIAG_WARNING ? "warning" : "note";
}

/* File names, messages and source lines come from inputs: written with
 * controls and invisible code points as escapes (util/display.h). */
#define DISP_MSG (CW_DISP_KEEP_NL | CW_DISP_KEEP_TAB)
char *cw_diag_format(const cw_diag *g)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    if (g->file) {
        cw_sb_add_displays(&sb, g->file, 0);
        cw_sb_addc(&sb, ':');
    }
    if (g->line) {
        cw_sb_printf(&sb, "%u:", g->line);
        if (g->col) cw_sb_printf(&sb, "%u:", g->col);
    }
    if (g->record) cw_sb_printf(&sb, " record %llu:", (unsigned long long)g->record);
    if (sb.len) cw_sb_addc(&sb, ' ');
    cw_sb_printf(&sb, "%s: ", lvl_name(g->level));
    cw_sb_add_displays(&sb, g->msg, DISP_MSG);
    if (g->source_line && g->col) {
        cw_sb_adds(&sb, "\n    ");
        cw_sb_add_displays(&sb, g->source_line, CW_DISP_KEEP_TAB);
        cw_sb_adds(&sb, "\n    ");
        /* the caret under column col (bytes) of the line as written above */
        size_t sl = strlen(g->source_line), pre = g->col - 1 < sl ? g->col - 1 : sl;
        cw_strbuf p = CW_STRBUF_INIT;
        cw_sb_add_display(&p, g->source_line, pre, CW_DISP_KEEP_TAB);
        for (size_t i = 0; i < p.len; i++)
            if (((unsigned char)p.buf[i] & 0xC0) != 0x80) cw_sb_addc(&sb, p.buf[i] == '\t' ? '\t' : ' ');
        cw_sb_free(&p);
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
    cw_strbuf m = CW_STRBUF_INIT, out = CW_STRBUF_INIT;
    cw_sb_vprintf(&m, fmt, ap);
    cw_sb_printf(&out, "cloudwarden: %s", kind);
    cw_sb_add_display(&out, m.buf, m.len, DISP_MSG);
    cw_sb_addc(&out, '\n');
    fputs(out.buf, stderr);
    cw_sb_free(&m);
    cw_sb_free(&out);
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

void cw_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("note: ", fmt, ap);
    va_end(ap);
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
