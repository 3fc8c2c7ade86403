/* analyze_util.c - fact setters and configuration-item helpers shared by the
 * analyzers (see analyze_int.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "analyze_int.h"
#include "../util/timeutil.h"

int64_t cw_analyze_clock_of(const char *day)
{
    int64_t us = day ? cw_time_parse(day, strlen(day)) : CW_TIME_UNKNOWN;
    return us == CW_TIME_UNKNOWN || us == 0 ? 0 : us / 1000000;
}

int64_t cw_analyze_time(const cw_assets *s)
{
    return s && s->clock ? s->clock : (int64_t)time(NULL);
}

const char *cw_time_text(cw_arena *a, int64_t t)
{
    char buf[48];
    cw_time_format(t * 1000000, buf, sizeof buf);
    return cw_arena_strdup(a, buf);
}

const char *cw_time_change_note(cw_arena *a, int64_t t)
{
    return cw_arena_printf(a, "a time condition changes this verdict at %s (aws:CurrentTime, no configuration change)",
                           cw_time_text(a, t));
}

/* The single-fact setters commit a factset of one (facts are only ever
 * written by cw_fs_commit, which never writes an array in place). */
static void set_one(cw_assets *s, cw_asset *a, const char *name, const cw_json *v)
{
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    fs.dynamic_names = true; /* name may be a buffer: no caching by address */
    cw_fs_json(&fs, name, v);
    cw_fs_commit(&fs);
}

void cw_fact_set(cw_assets *s, cw_asset *a, const char *name, const cw_json *v)
{
    set_one(s, a, name, v);
}

void cw_fact_bool(cw_assets *s, cw_asset *a, const char *name, bool b)
{
    cw_json v = {0};
    v.type = CW_JBOOL;
    v.b = b;
    set_one(s, a, name, &v);
}

void cw_fact_num(cw_assets *s, cw_asset *a, const char *name, double d)
{
    cw_json v = {0};
    v.type = CW_JNUM;
    v.u.num = d;
    set_one(s, a, name, &v);
}

void cw_fact_str(cw_assets *s, cw_asset *a, const char *name, const char *str)
{
    if (!str) return;
    cw_json v = {0};
    v.type = CW_JSTR;
    v.len = (uint32_t)strlen(str);
    v.u.str = str;
    set_one(s, a, name, &v);
}

void cw_fact_strs(cw_assets *s, cw_asset *a, const char *name, const char *const *v, size_t n)
{
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    fs.dynamic_names = true;
    cw_fs_strs(&fs, name, v, n);
    cw_fs_commit(&fs);
}

void cw_fact_ints(cw_assets *s, cw_asset *a, const char *name, const int64_t *v, size_t n)
{
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    fs.dynamic_names = true;
    cw_fs_ints(&fs, name, v, n);
    cw_fs_commit(&fs);
}

/* ---- batched facts ---------------------------------------------------------- */
void cw_fs_init(cw_factset *fs, cw_assets *s, cw_asset *a)
{
    fs->s = s;
    fs->a = a;
    fs->n = 0;
    fs->dynamic_names = false;
}

void cw_fs_json(cw_factset *fs, const char *name, const cw_json *v)
{
    if (fs->n == CW_FS_MAX) cw_fs_commit(fs);
    fs->name[fs->n] = name;
    fs->val[fs->n++] = *v;
}

void cw_fs_bool(cw_factset *fs, const char *name, bool b)
{
    cw_json v = {0};
    v.type = CW_JBOOL;
    v.b = b;
    cw_fs_json(fs, name, &v);
}

void cw_fs_str(cw_factset *fs, const char *name, const char *str)
{
    if (!str) return;
    cw_json v = {0};
    v.type = CW_JSTR;
    v.len = (uint32_t)strlen(str);
    v.u.str = str;
    cw_fs_json(fs, name, &v);
}

void cw_fs_strs(cw_factset *fs, const char *name, const char *const *list, size_t n)
{
    cw_json v = {0};
    v.type = CW_JARR;
    v.len = (uint32_t)n;
    v.u.items = n ? cw_arena_zalloc(&fs->s->arena, n * sizeof(cw_json)) : NULL;
    for (size_t i = 0; i < n; i++) {
        v.u.items[i].type = CW_JSTR;
        v.u.items[i].len = (uint32_t)strlen(list[i]);
        v.u.items[i].u.str = list[i];
    }
    cw_fs_json(fs, name, &v);
}

void cw_fs_ints(cw_factset *fs, const char *name, const int64_t *list, size_t n)
{
    cw_json v = {0};
    v.type = CW_JARR;
    v.len = (uint32_t)n;
    v.u.items = n ? cw_arena_zalloc(&fs->s->arena, n * sizeof(cw_json)) : NULL;
    for (size_t i = 0; i < n; i++) {
        v.u.items[i].type = CW_JNUM;
        v.u.items[i].is_int = 1;
        v.u.items[i].u.num = (double)list[i];
    }
    cw_fs_json(fs, name, &v);
}

/* a tree of the collected names: node 0 is the root */
typedef struct fs_node {
    const char *seg;
    uint32_t seglen;
    int first, last, next, nchild;
    const cw_json *leaf;
} fs_node;

#define FS_NODES (CW_FS_MAX * 4 + 1)

static int fs_child(fs_node *t, int *nt, int parent, const char *seg, size_t len)
{
    for (int c = t[parent].first; c >= 0; c = t[c].next)
        if (t[c].seglen == len && (t[c].seg == seg || cw_key_eq(t[c].seg, seg, len))) return c;
    if (*nt >= FS_NODES) return -1;
    int c = (*nt)++;
    t[c].seg = seg;
    t[c].seglen = (uint32_t)len;
    t[c].first = t[c].last = -1;
    t[c].nchild = 0;
    t[c].leaf = NULL;
    t[c].next = -1;
    /* append to keep insertion order */
    if (t[parent].first < 0) t[parent].first = c;
    else t[t[parent].last].next = c;
    t[parent].last = c;
    t[parent].nchild++;
    return c;
}

/* Member keys of facts: names are mostly string literals, so a segment's
 * address finds the key made for it before, reused while the arena
 * (generation) it was made in lives and while its bytes still match. */
typedef struct key_slot {
    const char *seg, *key;
    uint32_t len;
    unsigned long long gen;
} key_slot;
static _Thread_local key_slot key_cache[256];

static const char *fact_key(cw_arena *ar, const char *seg, uint32_t len)
{
    key_slot *k = &key_cache[(((uintptr_t)seg >> 2) ^ len) & 255];
    if (k->seg == seg && k->len == len && k->gen == ar->gen && cw_key_eq(k->key, seg, len)) return k->key;
    const char *key = cw_json_key(ar, seg, len);
    k->seg = seg, k->len = len, k->gen = ar->gen, k->key = key;
    return key;
}

/* Committing copies every value into the facts arena (strings and arrays
 * shared with equal ones made before, cw_jshare) and never writes an existing
 * member array: a merge into an object builds a new array for it. Facts are
 * therefore shared between assets safely, and analyzers may build their
 * values in scratch memory. */
typedef struct fs_out {
    cw_arena *ar;
    cw_jshare *sh;
} fs_out;

/* A copy of a leaf value in the facts arena. */
static void fs_copy(const fs_out *c, const cw_json *v, cw_json *out, int depth)
{
    *out = *v;
    if (v->type == CW_JSTR) {
        out->u.str = cw_jshare_text(c->sh, v->u.str, v->len);
    } else if ((v->type == CW_JARR || v->type == CW_JOBJ) && v->len && depth < 32) {
        bool obj = v->type == CW_JOBJ;
        size_t esz = obj ? sizeof(cw_jmember) : sizeof(cw_json);
        void *tmp = cw_xmalloc(v->len * esz);
        for (uint32_t i = 0; i < v->len; i++) {
            if (obj) {
                cw_jmember *m = (cw_jmember *)tmp + i;
                m->key = fact_key(c->ar, v->u.members[i].key, cw_jkeylen(&v->u.members[i]));
                fs_copy(c, &v->u.members[i].val, &m->val, depth + 1);
            } else {
                fs_copy(c, &v->u.items[i], (cw_json *)tmp + i, depth + 1);
            }
        }
        if (obj) out->u.members = (cw_jmember *)cw_jshare_members(c->sh, tmp, v->len);
        else out->u.items = (cw_json *)cw_jshare_items(c->sh, tmp, v->len);
        out->b = 0;
        free(tmp);
    } else if (v->type == CW_JARR || v->type == CW_JOBJ) {
        out->len = 0, out->u.items = NULL, out->b = 0;
    }
}

static void fs_merge(const fs_out *c, const fs_node *t, int n, cw_json *o);

/* The value of node n: its leaf's copy, or a new object of its children. */
static void fs_value(const fs_out *c, const fs_node *t, int n, cw_json *out)
{
    if (t[n].leaf) {
        fs_copy(c, t[n].leaf, out, 0);
        return;
    }
    memset(out, 0, sizeof *out);
    out->type = CW_JOBJ;
    fs_merge(c, t, n, out);
}

/* Merge the children of node n into object o: members replaced or appended,
 * in a new (shared) array. */
static void fs_merge(const fs_out *c, const fs_node *t, int n, cw_json *o)
{
    size_t cap = o->len + (size_t)t[n].nchild;
    cw_jmember local[16];
    cw_jmember *mm = cap <= 16 ? local : cw_xmalloc(cap * sizeof *mm);
    if (o->len) memcpy(mm, o->u.members, o->len * sizeof *mm);
    uint32_t k = o->len;
    for (int ch = t[n].first; ch >= 0; ch = t[ch].next) {
        cw_json *m = NULL;
        for (uint32_t i = 0; i < o->len && !m; i++)
            if (cw_jkeylen(&mm[i]) == t[ch].seglen && cw_key_eq(mm[i].key, t[ch].seg, t[ch].seglen)) m = &mm[i].val;
        if (m && !t[ch].leaf && m->type == CW_JOBJ) {
            fs_merge(c, t, ch, m);
        } else if (m) {
            fs_value(c, t, ch, m);
        } else {
            /* the last segment of a name is NUL-terminated already (names are
             * static or arena strings); inner segments need a copy */
            mm[k].key = fact_key(c->ar, t[ch].seg, t[ch].seglen);
            fs_value(c, t, ch, &mm[k].val);
            k++;
        }
    }
    o->u.members = (cw_jmember *)cw_jshare_members(c->sh, mm, k);
    o->len = k;
    o->b = 0;
    if (mm != local) free(mm);
}

/* Segment lengths of a fact name, by its address (names are literals: see
 * cw_fs_json); NULL for names of more than 8 segments or 255 bytes each. */
typedef struct name_split {
    const char *name;
    uint8_t nseg, len[8];
} name_split;
static _Thread_local name_split split_cache[256];

static const name_split *split_name(const char *name)
{
    name_split *e = &split_cache[((uintptr_t)name >> 3) & 255];
    if (e->name == name) return e;
    uint8_t n = 0, l[8];
    for (const char *p = name;;) {
        size_t len = 0;
        while (p[len] && p[len] != '.') len++;
        if (n == 8 || len > 255) return NULL;
        l[n++] = (uint8_t)len;
        if (!p[len]) break;
        p += len + 1;
    }
    e->name = name;
    e->nseg = n;
    memcpy(e->len, l, n);
    return e;
}

void cw_fs_commit(cw_factset *fs)
{
    if (!fs->n) return;
    fs_node t[FS_NODES];
    int nt = 1;
    t[0].first = t[0].last = -1;
    t[0].next = -1;
    t[0].nchild = 0;
    t[0].leaf = NULL;
    for (size_t i = 0; i < fs->n; i++) {
        int cur = 0;
        const char *p = fs->name[i];
        const name_split *sp = fs->dynamic_names ? NULL : split_name(p);
        for (uint32_t g = 0;; g++) {
            size_t len;
            if (sp) len = sp->len[g];
            else for (len = 0; p[len] && p[len] != '.';) len++;
            cur = fs_child(t, &nt, cur, p, len);
            if (cur < 0) break;
            if (sp ? g + 1 == sp->nseg : !p[len]) {
                t[cur].leaf = &fs->val[i];
                break;
            }
            p += len + 1;
        }
    }
    cw_jshare *sh = cw_assets_facts_share(fs->s);
    fs_out c = {cw_jshare_arena(sh), sh};
    fs_merge(&c, t, 0, fs->a->facts);
    fs->n = 0;
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

const cw_json *cw_json_doc(cw_arena *a, const cw_json *v, bool *bad)
{
    if (bad) *bad = false;
    if (!v || v->type == CW_JNULL) return NULL;
    if (v->type != CW_JSTR) return v;
    if (!v->len) return NULL;
    cw_json_err err;
    const cw_json *p = cw_json_parse(a, v->u.str, v->len, &err);
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
