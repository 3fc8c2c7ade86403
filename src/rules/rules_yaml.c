/* rules_yaml.c - YAML text -> cw_ynode tree that remembers where every node
 * starts, so errors inside a condition string can point at the exact byte.
 * Uses the libyaml event API; aliases are rejected; depth is capped. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "rules_int.h"

#define YAML_MAX_DEPTH 64

typedef struct ybuild {
    cw_arena *a;
    const cw_ysrc *src;
    size_t *lines; /* byte offset of each line start */
    size_t nlines;
} ybuild;

void cw_ydiag(cw_diags *d, cw_diag_level lvl, const cw_ysrc *src, size_t off, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    uint32_t line = 0, col = 0;
    char *sl = NULL;
    if (src && src->buf) {
        cw_offset_to_linecol(src->buf, src->len, off, &line, &col);
        sl = cw_line_at(src->buf, src->len, off);
        /* cw_line_at shortens long lines from the left: keep the caret right */
        size_t ls = off > src->len ? src->len : off;
        while (ls > 0 && src->buf[ls - 1] != '\n') ls--;
        if (off - ls > 150 && strlen(sl) < off - ls) {
            free(sl);
            sl = NULL;
        }
    }
    cw_diag_add(d, lvl, src ? src->file : NULL, line, col, 0, sl, "%s", msg);
    free(sl);
}

/* libyaml marks count characters; convert (line, column) to a byte offset. */
static size_t mark_off(const ybuild *b, const yaml_mark_t *m)
{
    if (m->line >= b->nlines) return b->src->len;
    size_t o = b->lines[m->line];
    for (size_t c = 0; c < m->column && o < b->src->len && b->src->buf[o] != '\n'; c++) {
        o++;
        while (o < b->src->len && ((unsigned char)b->src->buf[o] & 0xC0) == 0x80) o++;
    }
    return o;
}

static cw_ynode *newnode(ybuild *b, int kind, const yaml_mark_t *m)
{
    cw_ynode *n = cw_arena_zalloc(b->a, sizeof *n);
    n->kind = (uint8_t)kind;
    n->off = mark_off(b, m);
    n->src = b->src;
    return n;
}

typedef struct yframe {
    cw_ynode *n;
    cw_ynode **v;
    size_t len, cap;
} yframe;

static void push_child(yframe *f, cw_ynode *c)
{
    if (f->len == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->v = cw_xrealloc(f->v, f->cap * sizeof *f->v);
    }
    f->v[f->len++] = c;
}

static int style_of(yaml_scalar_style_t s)
{
    switch (s) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: return CW_YS_SINGLE;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return CW_YS_DOUBLE;
    case YAML_LITERAL_SCALAR_STYLE: return CW_YS_LITERAL;
    case YAML_FOLDED_SCALAR_STYLE: return CW_YS_FOLDED;
    default: return CW_YS_PLAIN;
    }
}

cw_ynode *cw_yaml_parse(cw_arena *a, const cw_ysrc *src, cw_diags *d)
{
    ybuild b = {.a = a, .src = src};
    size_t capl = 64;
    b.lines = cw_xmalloc(capl * sizeof *b.lines);
    b.lines[b.nlines++] = 0;
    for (size_t i = 0; i < src->len; i++)
        if (src->buf[i] == '\n') {
            if (b.nlines == capl) b.lines = cw_xrealloc(b.lines, (capl *= 2) * sizeof *b.lines);
            b.lines[b.nlines++] = i + 1;
        }
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)src->buf, src->len);
    yframe st[YAML_MAX_DEPTH + 1];
    int depth = 0, docs = 0;
    cw_ynode *root = NULL;
    bool ok = true, done = false;
    while (!done) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e)) {
            size_t off = mark_off(&b, &p.problem_mark);
            bool colon = p.problem && strstr(p.problem, "mapping values are not allowed");
            cw_ydiag(d, CW_DIAG_ERROR, src, off, "YAML syntax error: %s%s%s%s",
                     p.problem ? p.problem : "malformed YAML", p.context ? " " : "",
                     p.context ? p.context : "",
                     colon ? " (a value containing ': ', such as a quantifier, must be a block "
                             "'condition: >' on its own lines, or quoted)"
                           : "");
            ok = false;
            break;
        }
        cw_ynode *n = NULL;
        switch (e.type) {
        case YAML_STREAM_END_EVENT: done = true; break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) {
                cw_ydiag(d, CW_DIAG_ERROR, src, mark_off(&b, &e.start_mark),
                         "a rule pack holds one YAML document; found a second one");
                ok = false;
                done = true;
            }
            break;
        case YAML_ALIAS_EVENT:
            cw_ydiag(d, CW_DIAG_ERROR, src, mark_off(&b, &e.start_mark),
                     "YAML aliases (*%s) are not supported in rule packs; repeat the value or use a list",
                     (const char *)e.data.alias.anchor);
            ok = false;
            done = true;
            break;
        case YAML_SCALAR_EVENT:
            n = newnode(&b, CW_Y_SCALAR, &e.start_mark);
            n->style = (uint8_t)style_of(e.data.scalar.style);
            n->len = e.data.scalar.length;
            n->str = cw_arena_strndup(a, (const char *)e.data.scalar.value, n->len);
            if (e.data.scalar.tag && e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                strcmp((const char *)e.data.scalar.tag, "!") == 0)
                n->style = CW_YS_SINGLE; /* "! value" forces a string */
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (depth >= YAML_MAX_DEPTH) {
                cw_ydiag(d, CW_DIAG_ERROR, src, mark_off(&b, &e.start_mark),
                         "YAML nested too deeply (limit %d levels)", YAML_MAX_DEPTH);
                ok = false;
                done = true;
                break;
            }
            st[depth].n = newnode(&b, e.type == YAML_SEQUENCE_START_EVENT ? CW_Y_SEQ : CW_Y_MAP,
                                  &e.start_mark);
            st[depth].v = NULL;
            st[depth].len = st[depth].cap = 0;
            depth++;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: {
            yframe *f = &st[--depth];
            n = f->n;
            n->n = n->kind == CW_Y_MAP ? f->len / 2 : f->len;
            if (f->len) {
                n->items = cw_arena_alloc(a, f->len * sizeof *n->items);
                memcpy(n->items, f->v, f->len * sizeof *n->items);
            }
            free(f->v);
            break;
        }
        default: break;
        }
        yaml_event_delete(&e);
        if (n) {
            if (depth > 0) push_child(&st[depth - 1], n);
            else if (!root) root = n;
        }
    }
    while (depth > 0) free(st[--depth].v);
    yaml_parser_delete(&p);
    if (ok && !root) {
        static const yaml_mark_t m0;
        root = newnode(&b, CW_Y_SEQ, &m0);
    }
    free(b.lines);
    return ok ? root : NULL;
}

const cw_ynode *cw_ymap_get(const cw_ynode *map, const char *key)
{
    if (!map || map->kind != CW_Y_MAP) return NULL;
    for (size_t i = 0; i < map->n; i++) {
        const cw_ynode *k = map->items[2 * i];
        if (k->kind == CW_Y_SCALAR && strcmp(k->str, key) == 0) return map->items[2 * i + 1];
    }
    return NULL;
}

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static size_t utf8_len(uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

/* Walk the scalar's source text alongside its value. Non-blank characters of
 * plain and block scalars appear verbatim in the source, so skipping blanks,
 * line breaks and indentation re-synchronises exactly; quoted scalars also
 * need their escapes ('' and backslash sequences) decoded. */
size_t cw_yscalar_offset(const cw_ynode *n, size_t k)
{
    const char *b = n->src->buf;
    size_t L = n->src->len, j = n->off;
    if (!b || j >= L) return n->off;
    if (n->style == CW_YS_LITERAL || n->style == CW_YS_FOLDED) {
        while (j < L && b[j] != '\n') j++; /* skip the header line "|-" */
        if (j < L) j++;
    } else if (n->style == CW_YS_SINGLE || n->style == CW_YS_DOUBLE) {
        j++; /* opening quote */
    }
    if (k > n->len) k = n->len;
    for (size_t i = 0; i < n->len && j < L; i++) {
        char c = n->str[i];
        if (n->style == CW_YS_DOUBLE && b[j] == '\\' && j + 1 < L) {
            char e = b[j + 1];
            size_t skip = 2, produce = 1;
            if (e == '\n' || e == '\r') { /* escaped line break: produces nothing */
                j += 2;
                while (j < L && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n')) j++;
                i--;
                continue;
            }
            uint32_t cp = 0;
            int hex = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
            if (hex) {
                skip = 2 + (size_t)hex;
                for (int h = 0; h < hex && j + 2 + (size_t)h < L; h++) {
                    char x = b[j + 2 + h];
                    cp = cp * 16 + (uint32_t)(x <= '9' ? x - '0' : (x | 0x20) - 'a' + 10);
                }
                produce = utf8_len(cp);
            } else if (e == 'N' || e == '_') produce = 2;
            else if (e == 'L' || e == 'P') produce = 3;
            if (k < i + produce) return j;
            i += produce - 1;
            j += skip;
            continue;
        }
        if (!is_ws(c)) {
            while (j < L && is_ws(b[j]) && b[j] != c) j++;
            if (n->style == CW_YS_SINGLE && c == '\'' && j + 1 < L && b[j] == '\'' && b[j + 1] == '\'') {
                if (i == k) return j;
                j += 2;
                continue;
            }
        }
        if (i == k) return j;
        if (j < L && (b[j] == c || is_ws(b[j]))) j++;
    }
    return j < L ? j : L;
}

/* YAML 1.2 core schema for plain scalars. */
int cw_yaml_plain_value(const char *s, size_t len, cw_json *v)
{
    memset(v, 0, sizeof *v);
#define EQ(lit) (len == sizeof(lit) - 1 && memcmp(s, lit, len) == 0)
    if (len == 0 || EQ("~") || EQ("null") || EQ("Null") || EQ("NULL")) {
        v->type = CW_JNULL;
        return 1;
    }
    if (EQ("true") || EQ("True") || EQ("TRUE") || EQ("false") || EQ("False") || EQ("FALSE")) {
        v->type = CW_JBOOL;
        v->b = (s[0] | 0x20) == 't';
        return 1;
    }
#undef EQ
    if (len > 40) return 0;
    char tmp[48];
    memcpy(tmp, s, len);
    tmp[len] = 0;
    size_t i = 0;
    if (tmp[i] == '-' || tmp[i] == '+') i++;
    if (!(tmp[i] >= '0' && tmp[i] <= '9') && !(tmp[i] == '.' && tmp[i + 1] >= '0' && tmp[i + 1] <= '9'))
        return 0;
    bool isint = true;
    for (size_t q = i; q < len; q++) {
        char c = tmp[q];
        if (c >= '0' && c <= '9') continue;
        if (c == '.' || c == 'e' || c == 'E' || ((c == '+' || c == '-') && (tmp[q - 1] | 0x20) == 'e')) {
            isint = false;
            continue;
        }
        return 0;
    }
    char *end;
    v->type = CW_JNUM;
    if (isint) {
        long long x = strtoll(tmp, &end, 10);
        if (*end) return 0;
        v->is_int = 1;
        v->u.num = (double)x;
    } else {
        v->u.num = strtod(tmp, &end);
        if (*end) return 0;
    }
    return 1;
}

cw_json *cw_yaml_to_json(cw_arena *a, const cw_ynode *n)
{
    cw_json *j;
    switch (n->kind) {
    case CW_Y_SCALAR:
        j = cw_arena_zalloc(a, sizeof *j);
        if (n->style == CW_YS_PLAIN && cw_yaml_plain_value(n->str, n->len, j)) return j;
        j->type = CW_JSTR;
        j->u.str = n->str;
        j->len = (uint32_t)n->len;
        return j;
    case CW_Y_SEQ:
        j = cw_json_new_arr(a);
        for (size_t i = 0; i < n->n; i++) cw_json_arr_push(a, j, cw_yaml_to_json(a, n->items[i]));
        return j;
    default:
        j = cw_json_new_obj(a);
        for (size_t i = 0; i < n->n; i++) {
            const cw_ynode *k = n->items[2 * i];
            const char *key = k->kind == CW_Y_SCALAR ? k->str : "";
            cw_json_obj_set(a, j, key, cw_yaml_to_json(a, n->items[2 * i + 1]));
        }
        return j;
    }
}
