/* json.c - access, building and serialising of cw_json trees. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jint.h"
#include "../util/strbuf.h"

const cw_json *cw_json_getn(const cw_json *obj, const char *key, size_t keylen)
{
#ifdef CW_PROJ_CHECK
    if (obj) cw_proj_check_read(obj, key, keylen);
#endif
    if (!obj || obj->type != CW_JOBJ || !keylen) {
        if (obj && obj->type == CW_JOBJ)
            for (uint32_t i = 0; i < obj->len; i++)
                if (cw_jkeylen(&obj->u.members[i]) == 0) return &obj->u.members[i].val;
        return NULL;
    }
    char c0 = key[0];
    const cw_jmember *m = obj->u.members;
    for (uint32_t i = 0; i < obj->len; i++)
        if (m[i].key[0] == c0 && cw_jkeylen(&m[i]) == keylen && cw_key_eq(m[i].key, key, keylen)) return &m[i].val;
    return NULL;
}

const cw_json *cw_json_get_ci(const cw_json *obj, const char *key)
{
    if (!obj || obj->type != CW_JOBJ || !key) return NULL;
#ifdef CW_PROJ_CHECK
    cw_proj_check_read(obj, key, strlen(key));
#endif
    const cw_json *exact = cw_json_get(obj, key);
    if (exact) return exact;
    size_t kl = strlen(key);
    for (uint32_t i = 0; i < obj->len; i++) {
        const cw_jmember *m = &obj->u.members[i];
        if (cw_jkeylen(m) == kl && strncasecmp(m->key, key, kl) == 0) return &m->val;
    }
    return NULL;
}

const cw_json *cw_json_path(const cw_json *root, const char *dotted)
{
    const cw_json *v = root;
    const char *p = dotted;
    while (v && p && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        v = cw_json_getn(v, p, n);
        p = dot ? dot + 1 : NULL;
    }
    return v;
}

const cw_json *cw_json_at(const cw_json *arr, size_t i)
{
    if (!arr || arr->type != CW_JARR || i >= arr->len) return NULL;
    return &arr->u.items[i];
}

const char *cw_json_str(const cw_json *v, const char *def)
{
    return v && v->type == CW_JSTR ? v->u.str : def;
}

bool cw_json_bool(const cw_json *v, bool def)
{
    if (!v) return def;
    if (v->type == CW_JBOOL) return v->b;
    if (v->type == CW_JSTR) {
        if (strcasecmp(v->u.str, "true") == 0) return true;
        if (strcasecmp(v->u.str, "false") == 0) return false;
    }
    return def;
}

double cw_json_num(const cw_json *v, double def)
{
    if (!v) return def;
    if (v->type == CW_JNUM) return v->u.num;
    if (v->type == CW_JSTR && v->len) {
        char *end;
        double d = strtod(v->u.str, &end);
        if (*end == 0 && end != v->u.str) return d;
    }
    return def;
}

bool cw_json_is(const cw_json *v, cw_jtype t) { return v && v->type == t; }

bool cw_json_equal(const cw_json *a, const cw_json *b)
{
    if (a == b) return true;
    if (!a || !b || a->type != b->type) return false;
    switch (a->type) {
    case CW_JNULL: return true;
    case CW_JBOOL: return a->b == b->b;
    case CW_JNUM:
        return a->u.num == b->u.num;
    case CW_JSTR: return a->len == b->len && memcmp(a->u.str, b->u.str, a->len) == 0;
    case CW_JARR:
        if (a->len != b->len) return false;
        for (uint32_t i = 0; i < a->len; i++)
            if (!cw_json_equal(&a->u.items[i], &b->u.items[i])) return false;
        return true;
    case CW_JOBJ:
        if (a->len != b->len) return false;
        for (uint32_t i = 0; i < a->len; i++) {
            const cw_jmember *m = &a->u.members[i], *n = &b->u.members[i];
            /* same key at the same place (also right for duplicate keys), else by lookup */
            const cw_json *other = cw_jkeylen(n) == cw_jkeylen(m) && memcmp(n->key, m->key, cw_jkeylen(m)) == 0
                                       ? &n->val
                                       : cw_json_getn(b, m->key, cw_jkeylen(m));
            if (!cw_json_equal(&m->val, other)) return false;
        }
        return true;
    }
    return false;
}

/* ---- building ---------------------------------------------------------- */
static cw_json *node(cw_arena *a, cw_jtype t)
{
    cw_json *v = cw_arena_zalloc(a, sizeof *v);
    v->type = (uint8_t)t;
    return v;
}
cw_json *cw_json_new_null(cw_arena *a) { return node(a, CW_JNULL); }
cw_json *cw_json_new_bool(cw_arena *a, bool b)
{
    cw_json *v = node(a, CW_JBOOL);
    v->b = b;
    return v;
}
cw_json *cw_json_new_num(cw_arena *a, double d)
{
    cw_json *v = node(a, CW_JNUM);
    v->u.num = d;
    if (d == floor(d) && fabs(d) <= 9007199254740992.0) v->is_int = 1;
    return v;
}
cw_json *cw_json_new_int(cw_arena *a, int64_t i)
{
    cw_json *v = node(a, CW_JNUM);
    v->is_int = 1;
    v->u.num = (double)i;
    return v;
}
cw_json *cw_json_new_strn(cw_arena *a, const char *s, size_t n)
{
    cw_json *v = node(a, CW_JSTR);
    v->u.str = cw_arena_strndup(a, s, n);
    v->len = (uint32_t)n;
    return v;
}
cw_json *cw_json_new_str(cw_arena *a, const char *s) { return cw_json_new_strn(a, s, strlen(s)); }
cw_json *cw_json_new_arr(cw_arena *a) { return node(a, CW_JARR); }
cw_json *cw_json_new_obj(cw_arena *a) { return node(a, CW_JOBJ); }

/* Arrays and objects from the parser have exactly len slots (b == 0); those
 * grown by the builders keep log2 of their capacity in the otherwise unused
 * b byte, so appends double the storage instead of copying every time. */
static void *grow(cw_arena *a, cw_json *c, void *v, size_t elem)
{
#ifdef CW_PROJ_CHECK
    if (c->b == CW_PROJ_CHECK_FLAG) c->b = 0; /* exact size; the hidden member stays behind */
#endif
    size_t cap = c->b ? (size_t)1 << c->b : c->len;
    if (c->len < cap) return v;
    size_t nc = cap < 4 ? 4 : cap * 2;
    uint8_t lg = 0;
    while (((size_t)1 << lg) < nc) lg++;
    c->b = lg;
    return cw_arena_realloc(a, v, c->len * elem, nc * elem);
}

void cw_json_arr_push(cw_arena *a, cw_json *arr, const cw_json *v)
{
    if (!arr || arr->type != CW_JARR) return;
    cw_json copy = *v; /* v may point into the array being moved */
    if (copy.type == CW_JARR || copy.type == CW_JOBJ) copy.b = 0; /* the copy shares storage: exact */
    arr->u.items = grow(a, arr, arr->u.items, sizeof(cw_json));
    arr->u.items[arr->len++] = copy;
}

void cw_json_obj_set(cw_arena *a, cw_json *obj, const char *key, const cw_json *v)
{
    if (!obj || obj->type != CW_JOBJ) return;
    size_t kl = strlen(key);
    for (uint32_t i = 0; i < obj->len; i++) {
        cw_jmember *m = &obj->u.members[i];
        if (cw_jkeylen(m) == kl && memcmp(m->key, key, kl) == 0) {
            m->val = *v;
            if (m->val.type == CW_JARR || m->val.type == CW_JOBJ) m->val.b = 0;
            return;
        }
    }
    cw_json copy = *v;
    if (copy.type == CW_JARR || copy.type == CW_JOBJ) copy.b = 0;
    obj->u.members = grow(a, obj, obj->u.members, sizeof(cw_jmember));
    cw_jmember *m = &obj->u.members[obj->len++];
    m->key = cw_json_key(a, key, kl);
    m->val = copy;
}

cw_json *cw_json_obj_child(cw_arena *a, cw_json *obj, const char *key)
{
    cw_json *c = cw_json_getm(obj, key);
    if (c && c->type == CW_JOBJ) return c;
    cw_json empty = {.type = CW_JOBJ};
    cw_json_obj_set(a, obj, key, &empty);
    return cw_json_getm(obj, key);
}

void cw_json_set_bool(cw_arena *a, cw_json *obj, const char *key, bool b)
{
    cw_json v = {.type = CW_JBOOL, .b = b};
    cw_json_obj_set(a, obj, key, &v);
}
void cw_json_set_num(cw_arena *a, cw_json *obj, const char *key, double d)
{
    cw_json_obj_set(a, obj, key, cw_json_new_num(a, d));
}
void cw_json_set_str(cw_arena *a, cw_json *obj, const char *key, const char *s)
{
    cw_json_obj_set(a, obj, key, cw_json_new_str(a, s ? s : ""));
}

/* ---- writing ----------------------------------------------------------- */
static void newline(cw_strbuf *sb, int indent, int level)
{
    if (indent < 0) return;
    cw_sb_addc(sb, '\n');
    for (int i = 0; i < indent * level; i++) cw_sb_addc(sb, ' ');
}

static void write_num(cw_strbuf *sb, const cw_json *v)
{
    if (v->is_int) {
        cw_sb_printf(sb, "%lld", (long long)v->u.num);
    } else if (!isfinite(v->u.num)) {
        cw_sb_adds(sb, "null");
    } else {
        char b[40];
        snprintf(b, sizeof b, "%.17g", v->u.num);
        /* shortest form that round-trips */
        for (int p = 1; p <= 17; p++) {
            char t[40];
            snprintf(t, sizeof t, "%.*g", p, v->u.num);
            if (strtod(t, NULL) == v->u.num) {
                memcpy(b, t, sizeof t);
                break;
            }
        }
        cw_sb_adds(sb, b);
    }
}

static void write_rec(cw_strbuf *sb, const cw_json *v, int indent, int level)
{
    if (level > 4 * CW_JSON_MAX_DEPTH) {
        cw_sb_adds(sb, "null");
        return;
    }
    switch (v->type) {
    case CW_JNULL: cw_sb_adds(sb, "null"); break;
    case CW_JBOOL: cw_sb_adds(sb, v->b ? "true" : "false"); break;
    case CW_JNUM: write_num(sb, v); break;
    case CW_JSTR: cw_sb_add_json_str(sb, v->u.str, v->len); break;
    case CW_JARR:
        cw_sb_addc(sb, '[');
        for (uint32_t i = 0; i < v->len; i++) {
            if (i) cw_sb_addc(sb, ',');
            newline(sb, indent, level + 1);
            write_rec(sb, &v->u.items[i], indent, level + 1);
        }
        if (v->len) newline(sb, indent, level);
        cw_sb_addc(sb, ']');
        break;
    case CW_JOBJ:
        cw_sb_addc(sb, '{');
        for (uint32_t i = 0; i < v->len; i++) {
            const cw_jmember *m = &v->u.members[i];
            if (i) cw_sb_addc(sb, ',');
            newline(sb, indent, level + 1);
            cw_sb_add_json_str(sb, m->key, cw_jkeylen(m));
            cw_sb_adds(sb, indent >= 0 ? ": " : ":");
            write_rec(sb, &m->val, indent, level + 1);
        }
        if (v->len) newline(sb, indent, level);
        cw_sb_addc(sb, '}');
        break;
    }
}

void cw_json_write(cw_strbuf *sb, const cw_json *v, int indent)
{
    if (!v) {
        cw_sb_adds(sb, "null");
        return;
    }
    write_rec(sb, v, indent, 0);
}
