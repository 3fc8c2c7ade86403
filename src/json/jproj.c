/* jproj.c - projections: which members of a record to keep while parsing.
 *
 * A scan reads a few dozen fields of each configuration item; the rest (block
 * device mappings, parameter groups, tag copies...) is never looked at. The
 * rule compiler and the analyzers declare the paths they read; the parser
 * builds only those parts of the tree. Matching is case-insensitive (analyzers
 * look fields up case-insensitively) and arrays are transparent (a node
 * applies to every element of an array found where it applies).
 *
 * Under -DCW_PROJ_CHECK (the sanitizer build) every projected object carries
 * its node in a hidden member before its members, and cw_json_getn /
 * cw_json_get_ci abort on a lookup of a key the projection does not keep: a
 * read that was not declared fails the tests even when the test data lacks
 * the field. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jint.h"

static inline uint32_t lc_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u ^ (uint32_t)n;
    for (size_t i = 0; i < n; i++) h = (h ^ ((unsigned char)s[i] | 0x20u)) * 16777619u;
    return h;
}

static _Atomic uint64_t proj_serial;

cw_jproj *cw_jproj_new(cw_arena *a, bool keep_rest)
{
    cw_jproj *p = cw_arena_zalloc(a, sizeof *p);
    p->keep_rest = keep_rest;
    p->serial = ++proj_serial;
    return p;
}

/* The entry for key (any case): by the hash index once frozen, else by a scan. */
static cw_jproj_ent *find(const cw_jproj *p, const char *key, size_t n)
{
    if (p->slots) {
        for (uint32_t h = lc_hash(key, n) & p->mask, s; (s = p->slots[h]) != 0; h = (h + 1) & p->mask)
            if (p->v[s - 1].len == n && strncasecmp(p->v[s - 1].key, key, n) == 0) return &p->v[s - 1];
        return NULL;
    }
    for (uint32_t i = 0; i < p->n; i++)
        if (p->v[i].len == n && strncasecmp(p->v[i].key, key, n) == 0) return &p->v[i];
    return NULL;
}

static cw_jproj_ent *add(cw_arena *a, cw_jproj *p, const char *key, size_t n, cw_jproj *child)
{
    assert(!p->frozen && "a projection is read-only once frozen (threads share it)");
    if (p->n == p->cap) {
        uint32_t nc = p->cap ? p->cap * 2 : 8;
        p->v = cw_arena_realloc(a, p->v, p->cap * sizeof *p->v, nc * sizeof *p->v);
        p->cap = nc;
    }
    char *k = cw_arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++) k[i] = (char)((key[i] >= 'A' && key[i] <= 'Z') ? key[i] + 32 : key[i]);
    k[n] = 0;
    cw_jproj_ent *e = &p->v[p->n++];
    e->key = k;
    e->len = (uint32_t)n;
    e->hash = lc_hash(key, n);
    e->child = child;
    return e;
}

cw_jproj *cw_jproj_child(cw_arena *a, cw_jproj *p, const char *key, size_t n)
{
    cw_jproj_ent *e = find(p, key, n);
    if (!e) return add(a, p, key, n, cw_jproj_new(a, false))->child;
    return e->child; /* NULL when already kept whole */
}

void cw_jproj_link(cw_arena *a, cw_jproj *p, const char *key, cw_jproj *target)
{
    cw_jproj_ent *e = find(p, key, strlen(key));
    if (!e) add(a, p, key, strlen(key), target);
    else if (e->child) e->child = target;
}

void cw_jproj_keep_segs(cw_arena *a, cw_jproj *p, const char *const *keys, const uint32_t *lens, size_t n)
{
    for (size_t i = 0; i < n && p; i++) {
        cw_jproj_ent *e = find(p, keys[i], lens[i]);
        if (i + 1 == n) {
            if (e) e->child = NULL;
            else add(a, p, keys[i], lens[i], NULL);
            return;
        }
        if (!e) e = add(a, p, keys[i], lens[i], cw_jproj_new(a, false));
        p = e->child;
    }
}

void cw_jproj_keep(cw_arena *a, cw_jproj *p, const char *dotted)
{
    const char *keys[32];
    uint32_t lens[32];
    size_t n = 0;
    for (const char *s = dotted; *s && n < 32;) {
        size_t l = strcspn(s, ".");
        keys[n] = s, lens[n] = (uint32_t)l, n++;
        s += l;
        if (*s == '.') s++;
    }
    if (n) cw_jproj_keep_segs(a, p, keys, lens, n);
}

/* Hash index of each node, once; follows links (cycles allowed). */
void cw_jproj_freeze(cw_arena *a, cw_jproj *p)
{
    if (!p || p->frozen) return;
    p->frozen = true;
    uint32_t sz = 8;
    while (sz < p->n * 2 + 2) sz *= 2;
    p->slots = cw_arena_zalloc(a, sz * sizeof *p->slots);
    p->mask = sz - 1;
    for (uint32_t i = 0; i < p->n; i++) {
        uint32_t h = p->v[i].hash & p->mask;
        while (p->slots[h]) h = (h + 1) & p->mask;
        p->slots[h] = i + 1;
    }
    for (uint32_t i = 0; i < p->n; i++) cw_jproj_freeze(a, p->v[i].child);
}

int cw_jproj_lookup(const cw_jproj *p, const char *key, size_t n, const cw_jproj **child)
{
    const cw_jproj_ent *e = find(p, key, n);
    *child = e ? e->child : NULL;
    return e || p->keep_rest;
}

bool cw_jproj_keeps_rest(const cw_jproj *p) { return p->keep_rest; }

void cw_jproj_set_model(cw_jproj *p, const cw_jproj *model) { p->model = model; }
const cw_jproj *cw_jproj_model(const cw_jproj *p) { return p ? p->model : NULL; }

/* ---- applying a projection to a built tree ------------------------------ */
void cw_json_project(cw_arena *a, cw_json *v, const cw_jproj *p)
{
    if (!v || !p) return;
    if (v->type == CW_JARR) {
        for (uint32_t i = 0; i < v->len; i++) cw_json_project(a, &v->u.items[i], p);
        return;
    }
    if (v->type != CW_JOBJ) return;
    uint32_t k = 0;
    for (uint32_t i = 0; i < v->len; i++) {
        cw_jmember m = v->u.members[i];
        const cw_jproj *c;
        if (!cw_jproj_lookup(p, m.key, cw_jkeylen(&m), &c)) continue;
        cw_json_project(a, &m.val, c);
        v->u.members[k++] = m;
    }
    v->len = k;
#ifdef CW_PROJ_CHECK
    if (!p->keep_rest) {
        cw_jmember *nm = cw_arena_alloc(a, (k + 1) * sizeof *nm);
        cw_proj_check_tag(nm, p);
        if (k) memcpy(nm + 1, v->u.members, k * sizeof *nm);
        v->u.members = nm + 1;
        v->b = CW_PROJ_CHECK_FLAG;
    }
#else
    (void)a;
#endif
}

#ifdef CW_PROJ_CHECK
static const char proj_magic[] = "\0\0\0\0cw-projection";

void cw_proj_check_tag(cw_jmember *hidden, const cw_jproj *p)
{
    memset(hidden, 0, sizeof *hidden);
    hidden->key = proj_magic + 4;
    hidden->val.u.items = (cw_json *)(uintptr_t)p;
}

void cw_proj_check_read(const cw_json *obj, const char *key, size_t n)
{
    if (obj->type != CW_JOBJ || obj->b != CW_PROJ_CHECK_FLAG) return;
    const cw_jmember *h = obj->u.members - 1;
    if (h->key != proj_magic + 4) {
        fprintf(stderr, "cloudwarden: projection check: object flagged without its node\n");
        abort(); /* the sanitizer build's check (-Dproj_check), not in production */
    }
    const cw_jproj *p = (const cw_jproj *)(uintptr_t)h->val.u.items;
    const cw_jproj *c;
    if (!cw_jproj_lookup(p, key, n, &c)) {
        fprintf(stderr, "cloudwarden: projection check: field '%.*s' is read but no analyzer or rule declares it\n",
                (int)n, key);
        abort();
    }
}
#endif
