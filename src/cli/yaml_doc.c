/* yaml_doc.c - small YAML documents for the command line (see yaml_doc.h). */
#include "yaml_doc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"
#include "../util/strbuf.h"

int cw_ydoc_load(cw_ydoc *y, const char *file, cw_diags *d)
{
    memset(y, 0, sizeof *y);
    y->file = file;
    FILE *f = fopen(file, "rb");
    if (!f) {
        cw_diag_add(d, CW_DIAG_ERROR, file, 0, 0, 0, NULL, "cannot read: %s", strerror(errno));
        return -1;
    }
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, f);
    int ok = yaml_parser_load(&p, &y->doc);
    if (!ok) {
        cw_diag_add(d, CW_DIAG_ERROR, file, (uint32_t)p.problem_mark.line + 1, (uint32_t)p.problem_mark.column + 1, 0,
                    NULL, "YAML: %s%s%s", p.problem ? p.problem : "syntax error", p.context ? " " : "",
                    p.context ? p.context : "");
    }
    yaml_parser_delete(&p);
    fclose(f);
    if (!ok) return -1;
    y->loaded = true;
    return 0;
}

void cw_ydoc_free(cw_ydoc *y)
{
    if (y->loaded) yaml_document_delete(&y->doc);
    y->loaded = false;
}

yaml_node_t *cw_ydoc_root(cw_ydoc *y) { return y->loaded ? yaml_document_get_root_node(&y->doc) : NULL; }
yaml_node_t *cw_ydoc_node(cw_ydoc *y, int id) { return yaml_document_get_node(&y->doc, id); }

const char *cw_ydoc_str(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

void cw_ydoc_err(cw_ydoc *y, cw_diags *d, const yaml_node_t *n, cw_diag_level lvl, const char *fmt, ...)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    cw_sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    cw_diag_add(d, lvl, y->file, n ? (uint32_t)n->start_mark.line + 1 : 0, n ? (uint32_t)n->start_mark.column + 1 : 0,
                0, NULL, "%s", sb.buf);
    cw_sb_free(&sb);
}

static size_t edit(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = cw_xmalloc((lb + 1) * sizeof *row);
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j], sub = prev + (a[i - 1] != b[j - 1]);
            size_t v = (cur < row[j - 1] ? cur : row[j - 1]) + 1;
            row[j] = v < sub ? v : sub;
            prev = cur;
        }
    }
    size_t r = row[lb];
    free(row);
    return r;
}

const char *cw_closest_name(const char *s, const char *const *names)
{
    const char *best = NULL;
    size_t bd = strlen(s) / 3 + 1;
    for (; names && *names; names++) {
        size_t d = edit(s, *names);
        if (d < bd || (d == bd && !best && d <= 2)) bd = d, best = *names;
    }
    return best;
}
