/* analyze_util.c - fact setters and configuration-item helpers shared by the
 * analyzers (see analyze_int.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "analyze_int.h"

int64_t cw_analyze_time(void)
{
    return (int64_t)time(NULL);
}

/* Walk/create the parent objects of a dotted name; returns the parent and
 * sets *leaf to the last segment (arena copy). */
static cw_json *fact_parent(cw_assets *s, cw_asset *a, const char *name, const char **leaf)
{
    cw_json *o = a->facts;
    const char *p = name;
    for (;;) {
        const char *dot = strchr(p, '.');
        if (!dot) break;
        char seg[128];
        size_t n = (size_t)(dot - p);
        if (n >= sizeof seg) n = sizeof seg - 1;
        memcpy(seg, p, n);
        seg[n] = 0;
        o = cw_json_obj_child(&s->arena, o, seg);
        p = dot + 1;
    }
    *leaf = p;
    return o;
}

void cw_fact_set(cw_assets *s, cw_asset *a, const char *name, const cw_json *v)
{
    const char *leaf;
    cw_json *o = fact_parent(s, a, name, &leaf);
    cw_json_obj_set(&s->arena, o, leaf, v);
}

void cw_fact_bool(cw_assets *s, cw_asset *a, const char *name, bool b)
{
    const char *leaf;
    cw_json *o = fact_parent(s, a, name, &leaf);
    cw_json_set_bool(&s->arena, o, leaf, b);
}

void cw_fact_num(cw_assets *s, cw_asset *a, const char *name, double d)
{
    const char *leaf;
    cw_json *o = fact_parent(s, a, name, &leaf);
    cw_json_set_num(&s->arena, o, leaf, d);
}

void cw_fact_str(cw_assets *s, cw_asset *a, const char *name, const char *str)
{
    if (!str) return;
    const char *leaf;
    cw_json *o = fact_parent(s, a, name, &leaf);
    cw_json_set_str(&s->arena, o, leaf, str);
}

void cw_fact_strs(cw_assets *s, cw_asset *a, const char *name, const char *const *v, size_t n)
{
    cw_json *arr = cw_json_new_arr(&s->arena);
    for (size_t i = 0; i < n; i++) {
        cw_json *e = cw_json_new_str(&s->arena, v[i]);
        cw_json_arr_push(&s->arena, arr, e);
    }
    cw_fact_set(s, a, name, arr);
}

void cw_fact_ints(cw_assets *s, cw_asset *a, const char *name, const int64_t *v, size_t n)
{
    cw_json *arr = cw_json_new_arr(&s->arena);
    for (size_t i = 0; i < n; i++) cw_json_arr_push(&s->arena, arr, cw_json_new_int(&s->arena, v[i]));
    cw_fact_set(s, a, name, arr);
}

const cw_json *cw_fact_get(const cw_asset *a, const char *name)
{
    return cw_json_path(a->facts, name);
}

const cw_json *cw_conf(const cw_asset *a)
{
    const cw_json *c = cw_json_get(a->raw, "configuration");
    return c && c->type == CW_JOBJ ? c : NULL;
}

const cw_json *cw_supp(const cw_asset *a)
{
    const cw_json *c = cw_json_get(a->raw, "supplementaryConfiguration");
    return c && c->type == CW_JOBJ ? c : NULL;
}

const cw_json *cw_get_path_ci(const cw_json *root, const char *dotted)
{
    const cw_json *o = root;
    const char *p = dotted;
    while (o && *p) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        char seg[128];
        if (n >= sizeof seg) return NULL;
        memcpy(seg, p, n);
        seg[n] = 0;
        o = cw_json_get_ci(o, seg);
        if (!dot) break;
        p = dot + 1;
    }
    return o;
}

const cw_json *cw_json_doc(cw_assets *s, const cw_json *v, bool *bad)
{
    if (bad) *bad = false;
    if (!v || v->type == CW_JNULL) return NULL;
    if (v->type != CW_JSTR) return v;
    if (!v->len) return NULL;
    cw_json_err err;
    const cw_json *p = cw_json_parse(&s->arena, v->u.str, v->len, &err);
    if (!p && bad) *bad = true;
    return p;
}

bool cw_is_true(const cw_json *v)
{
    if (!v) return false;
    if (v->type == CW_JBOOL) return v->b;
    if (v->type == CW_JSTR) return strcasecmp(v->u.str, "true") == 0;
    if (v->type == CW_JNUM) return v->u.num != 0;
    return false;
}

void cw_strlist_add(cw_strlist *l, const char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = cw_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = s;
}

void cw_strlist_add_unique(cw_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0) return;
    cw_strlist_add(l, s);
}

void cw_strlist_free(cw_strlist *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}
