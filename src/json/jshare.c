/* jshare.c - copying parsed trees into a long-lived arena, compactly.
 *
 * A scan keeps every configuration item it loads, and the items of an estate
 * repeat themselves: the same keys in every item, the same account ids,
 * regions, owner ids, KMS key ARNs and security group ids in thousands of
 * them, and whole sub-documents that are identical (a bucket ACL of one
 * account, "ipPermissionsEgress" allowing everything, {"name": "running"}).
 * Records are parsed (and adapters rewrite them) in scratch memory; what the
 * model keeps is then copied here, once:
 *   - only what the model projection keeps (what rules and analyzers read);
 *   - strings of up to SHORT bytes are interned: equal strings share one copy;
 *   - containers (objects, arrays) whose content equals one copied before
 *     share that one's member or item array ("hash-consing"): the result is a
 *     DAG, so it must never be modified (trees of the model are read-only
 *     after loading; facts live elsewhere).
 * Both tables are direct-mapped and of fixed size, so their cost per value is
 * a bounded probe in memory that stays in cache, whatever the estate's size;
 * a collision only means a copy instead of a share. Fields whose values never
 * repeat (ids, timestamps, ARNs, policies naming their bucket) are found by
 * counting hits per (projection node, key) and stop being looked up.
 *
 * Sharing never changes what a reader sees: member order, duplicate keys,
 * numbers and string bytes are copied exactly. */
#include <stdlib.h>
#include <string.h>

#include "jint.h"
#include "../util/hmap.h"

enum {
    SHORT = 64,          /* strings up to this length are interned */
    STR_BITS = 14,       /* 16384 string slots (256 KiB) */
    BOX_BITS = 14,       /* 16384 container slots (384 KiB) */
    KEY_BITS = 10,       /* member keys: a few hundred distinct in a scan */
    FIELD_BITS = 11,     /* per (projection node, key): keep decision and statistics */
    PROBE = 256,         /* values tried before a field may stop sharing */
};

typedef struct sh_str {
    const char *s; /* in the arena, with its length in the 4 bytes before */
    uint32_t len, tag;
} sh_str;

typedef struct sh_box {
    uint64_t hash;
    const void *ptr; /* members or items */
    uint32_t len;
    uint8_t type;
} sh_box;

typedef struct sh_field {
    const cw_jproj *p;     /* node the key was looked up in (NULL: kept whole) */
    const char *key;       /* the key interned in the arena (content compared) */
    const cw_jproj *child; /* projection of the member's value */
    uint64_t khash;        /* of the key's bytes */
    uint32_t len;
    uint8_t keep;
    uint32_t tries, hits;  /* values of this field looked up / shared */
} sh_field;

struct cw_jshare {
    cw_arena *a;
    sh_str *strs, *keys;
    sh_box *boxes;
    sh_field *fields;
    sh_field root[CW_JSHARE_CTX]; /* statistics of values that are no member, by origin */
    bool collide;       /* cw_jshare_collide_for_tests */
    unsigned char *tmp; /* stack of member/item arrays being built */
    size_t tmp_len, tmp_cap;
    cw_jshare_stats st;
};

cw_jshare *cw_jshare_new(cw_arena *a)
{
    cw_jshare *sh = cw_xcalloc(1, sizeof *sh);
    sh->a = a;
    sh->strs = cw_xcalloc((size_t)1 << STR_BITS, sizeof *sh->strs);
    sh->keys = cw_xcalloc((size_t)1 << KEY_BITS, sizeof *sh->keys);
    sh->boxes = cw_xcalloc((size_t)1 << BOX_BITS, sizeof *sh->boxes);
    sh->fields = cw_xcalloc((size_t)1 << FIELD_BITS, sizeof *sh->fields);
    return sh;
}

void cw_jshare_free(cw_jshare *sh)
{
    if (!sh) return;
    free(sh->strs);
    free(sh->keys);
    free(sh->boxes);
    free(sh->fields);
    free(sh->tmp);
    free(sh);
}

void cw_jshare_collide_for_tests(cw_jshare *sh)
{
    sh->collide = true;
}

cw_arena *cw_jshare_arena(cw_jshare *sh)
{
    return sh->a;
}

const cw_jshare_stats *cw_jshare_stats_of(const cw_jshare *sh)
{
    return &sh->st;
}

static inline uint64_t mix(uint64_t h, uint64_t v)
{
    h = (h ^ v) * 0xff51afd7ed558ccdULL;
    return h ^ (h >> 32);
}

static uint64_t str_hash(const char *s, size_t n)
{
    return cw_hmap_hash(s, n) | 1; /* 0 means "not hashed" */
}

/* A copy of s[0..n) with its length in front (a valid member key). */
static const char *make(cw_arena *a, const char *s, size_t n)
{
    char *p = cw_arena_alloc_align(a, n + 5, 4);
    uint32_t len = (uint32_t)n;
    memcpy(p, &len, 4);
    if (n) memcpy(p + 4, s, n);
    p[4 + n] = 0;
    return p + 4;
}

static const char *intern(cw_jshare *sh, sh_str *tab, unsigned bits, const char *s, size_t n, uint64_t h, bool *hit)
{
    sh_str *sl = &tab[(h >> 7) & (((size_t)1 << bits) - 1)];
    uint32_t tag = (uint32_t)(h >> 32);
    if (sl->s && sl->len == n && sl->tag == tag && memcmp(sl->s, s, n) == 0) {
        *hit = true;
        return sl->s;
    }
    *hit = false;
    const char *k = make(sh->a, s, n);
    sl->s = k, sl->len = (uint32_t)n, sl->tag = tag;
    return k;
}

const char *cw_jshare_str(cw_jshare *sh, const char *s, size_t n)
{
    if (!s) return NULL;
    if (n > SHORT) return cw_arena_strndup(sh->a, s, n);
    bool hit;
    const char *r = intern(sh, sh->strs, STR_BITS, s, n, str_hash(s, n), &hit);
    sh->st.strings_shared += hit;
    return r;
}

static const char *share_key(cw_jshare *sh, const char *k, size_t n)
{
    bool hit;
    return intern(sh, sh->keys, KEY_BITS, k, n, str_hash(k, n), &hit);
}

static bool wants(const cw_jshare *sh, const sh_field *f)
{
    return f->tries < PROBE || f->hits * 8 >= f->tries || sh->collide;
}

/* The keep decision, child projection and statistics of member key k under
 * p (p NULL: everything is kept). */
static sh_field *field_of(cw_jshare *sh, const cw_jproj *p, const char *k, uint32_t n)
{
    uint64_t kh = str_hash(k, n);
    uint64_t h = mix(kh, (uintptr_t)p);
    sh_field *f = &sh->fields[(h >> 7) & (((size_t)1 << FIELD_BITS) - 1)];
    if (f->key && f->p == p && f->len == n && memcmp(f->key, k, n) == 0) return f;
    const cw_jproj *child = NULL;
    int keep = p ? cw_jproj_lookup(p, k, n, &child) : 1;
    f->p = p;
    f->khash = kh;
    f->key = share_key(sh, k, n);
    f->len = n;
    f->child = child;
    f->keep = (uint8_t)keep;
    f->tries = f->hits = 0;
    return f;
}

static void *tmp_push(cw_jshare *sh, size_t bytes)
{
    if (sh->tmp_len + bytes > sh->tmp_cap) {
        size_t nc = sh->tmp_cap ? sh->tmp_cap * 2 : 4096;
        while (nc < sh->tmp_len + bytes) nc *= 2;
        sh->tmp = cw_xrealloc(sh->tmp, nc);
        sh->tmp_cap = nc;
    }
    void *p = sh->tmp + sh->tmp_len;
    sh->tmp_len += bytes;
    return p;
}

/* Scalars equal byte for byte; containers by the array they point to. */
static bool same_val(const cw_json *x, const cw_json *y)
{
    if (x->type != y->type || x->len != y->len) return false;
    switch (x->type) {
    case CW_JNULL: return true;
    case CW_JBOOL: return x->b == y->b;
    case CW_JNUM: return x->is_int == y->is_int && memcmp(&x->u.num, &y->u.num, sizeof x->u.num) == 0;
    case CW_JSTR: return x->u.str == y->u.str || memcmp(x->u.str, y->u.str, x->len) == 0;
    default: return x->b == y->b && x->u.items == y->u.items;
    }
}

static uint64_t val_hash(const cw_json *v, uint64_t child)
{
    uint64_t h = mix(v->type, v->len);
    switch (v->type) {
    case CW_JBOOL: return mix(h, v->b) | 1;
    case CW_JNUM: {
        uint64_t bits;
        memcpy(&bits, &v->u.num, 8);
        return mix(mix(h, bits), v->is_int) | 1;
    }
    case CW_JNULL: return h | 1;
    default: return child ? mix(h, child) | 1 : 0;
    }
}

/* The shared copy of a container whose array (hidden members first) was
 * built in arr, or a new copy of it; returns the pointer to its first
 * element. hash 0: not to be shared. *hit: it was shared. */
static const void *box(cw_jshare *sh, uint8_t type, const unsigned char *arr, uint32_t len, size_t esz,
                       size_t hidden, uint64_t hash, bool *hit)
{
    sh_box *b = NULL;
    *hit = false;
    if (hash) {
        /* tests: one slot per type and no hash compare: only the equality checks tell values apart */
        b = sh->collide ? &sh->boxes[type] : &sh->boxes[(hash >> 7) & (((size_t)1 << BOX_BITS) - 1)];
        if ((b->hash == hash || (sh->collide && b->ptr)) && b->type == type && b->len == len) {
            bool eq = true;
            if (type == CW_JOBJ) {
                const cw_jmember *x = (const cw_jmember *)b->ptr - hidden, *y = (const cw_jmember *)arr;
                if (hidden) eq = x[0].key == y[0].key && x[0].val.u.items == y[0].val.u.items; /* projection tag */
                for (uint32_t i = (uint32_t)hidden; i < len + hidden && eq; i++)
                    eq = (x[i].key == y[i].key ||
                          (cw_jkeylen(&x[i]) == cw_jkeylen(&y[i]) && memcmp(x[i].key, y[i].key, cw_jkeylen(&y[i])) == 0)) &&
                         same_val(&x[i].val, &y[i].val);
            } else {
                const cw_json *x = b->ptr, *y = (const cw_json *)arr;
                for (uint32_t i = 0; i < len && eq; i++) eq = same_val(&x[i], &y[i]);
            }
            if (eq) {
                sh->st.containers_shared++;
                *hit = true;
                return b->ptr;
            }
        }
    }
    size_t bytes = (len + hidden) * esz;
    unsigned char *m = cw_arena_alloc(sh->a, bytes);
    memcpy(m, arr, bytes);
    const void *ptr = m + hidden * esz;
    sh->st.containers_copied++;
    if (b) b->hash = hash, b->ptr = ptr, b->len = len, b->type = type;
    return ptr;
}

/* Copy *v into *out under projection p (NULL: whole) and field statistics f.
 * Returns the content hash, or 0 when *out is not shareable. */
static uint64_t copy(cw_jshare *sh, const cw_json *v, const cw_jproj *p, sh_field *f, cw_json *out, int depth)
{
    *out = *v;
    switch (v->type) {
    case CW_JSTR: {
        if (v->len > SHORT || !wants(sh, f)) {
            char *s = cw_arena_alloc_align(sh->a, v->len + 1, 1);
            memcpy(s, v->u.str, v->len + 1);
            out->u.str = s;
            sh->st.strings_copied++;
            return 0;
        }
        uint64_t h = str_hash(v->u.str, v->len);
        bool hit;
        out->u.str = intern(sh, sh->strs, STR_BITS, v->u.str, v->len, h, &hit);
        f->tries++, f->hits += hit;
        sh->st.strings_shared += hit;
        sh->st.strings_copied += !hit;
        return mix(CW_JSTR, h) | 1;
    }
    case CW_JARR: {
        if (!v->len || depth > CW_JSON_MAX_DEPTH) {
            out->u.items = NULL, out->len = 0;
            return val_hash(out, 1);
        }
        size_t mark = sh->tmp_len;
        tmp_push(sh, v->len * sizeof(cw_json));
        uint64_t h = mix(CW_JARR, v->len);
        for (uint32_t i = 0; i < v->len; i++) {
            cw_json c;
            uint64_t ch = copy(sh, &v->u.items[i], p, f, &c, depth + 1);
            memcpy(sh->tmp + mark + i * sizeof c, &c, sizeof c); /* tmp may have moved */
            h = h && ch ? mix(h, val_hash(&c, ch)) : 0;
        }
        bool try_share = h && wants(sh, f), hit;
        out->u.items = (cw_json *)box(sh, CW_JARR, sh->tmp + mark, v->len, sizeof(cw_json), 0, try_share ? h | 1 : 0, &hit);
        if (try_share) f->tries++, f->hits += hit;
        sh->tmp_len = mark;
        return try_share ? h | 1 : 0;
    }
    case CW_JOBJ: {
        if (depth > CW_JSON_MAX_DEPTH) {
            out->u.members = NULL, out->len = 0, out->b = 0;
            return 0;
        }
#ifdef CW_PROJ_CHECK
        const size_t hidden = p && !cw_jproj_keeps_rest(p) ? 1 : 0;
#else
        const size_t hidden = 0;
#endif
        size_t mark = sh->tmp_len;
        tmp_push(sh, (v->len + hidden) * sizeof(cw_jmember));
        uint64_t h = mix(CW_JOBJ, (uintptr_t)(hidden ? p : NULL));
        uint32_t k = 0;
        for (uint32_t i = 0; i < v->len; i++) {
            const cw_jmember *m = &v->u.members[i];
            uint32_t kl = cw_jkeylen(m);
            sh_field *mf = field_of(sh, p, m->key, kl);
            if (!mf->keep) continue;
            cw_jmember cm;
            cm.key = mf->key;
            uint64_t ch = copy(sh, &m->val, mf->child, mf, &cm.val, depth + 1);
            memcpy(sh->tmp + mark + (hidden + k) * sizeof cm, &cm, sizeof cm);
            k++;
            h = h && ch ? mix(mix(h, mf->khash), val_hash(&cm.val, ch)) : 0;
        }
        out->len = k;
        out->b = 0;
#ifdef CW_PROJ_CHECK
        if (hidden) {
            cw_jmember tagm;
            cw_proj_check_tag(&tagm, p);
            memcpy(sh->tmp + mark, &tagm, sizeof tagm);
            out->b = CW_PROJ_CHECK_FLAG;
        }
#endif
        if (!k && !hidden) {
            out->u.members = NULL;
            sh->tmp_len = mark;
            return h ? mix(h, 0) | 1 : 0;
        }
        h = h ? mix(h, k) : 0;
        bool try_share = h && wants(sh, f), hit;
        out->u.members = (cw_jmember *)box(sh, CW_JOBJ, sh->tmp + mark, k, sizeof(cw_jmember), hidden,
                                           try_share ? h | 1 : 0, &hit);
        if (try_share) f->tries++, f->hits += hit;
        sh->tmp_len = mark;
        return try_share ? h | 1 : 0;
    }
    default: return val_hash(v, 1);
    }
}

/* ---- arrays built by the caller (facts) -------------------------------------- */
/* hash of a value whose containers are identified by their array */
static uint64_t shallow_hash(const cw_json *v)
{
    if (v->type == CW_JSTR) return mix(val_hash(v, 1), str_hash(v->u.str, v->len)) | 1;
    if (v->type == CW_JARR || v->type == CW_JOBJ) return val_hash(v, (uintptr_t)v->u.items | 1);
    return val_hash(v, 1);
}

const cw_jmember *cw_jshare_members(cw_jshare *sh, const cw_jmember *m, uint32_t n)
{
    if (!n) return NULL;
    uint64_t h = mix(CW_JOBJ, n);
    for (uint32_t i = 0; i < n; i++) h = mix(mix(h, str_hash(m[i].key, cw_jkeylen(&m[i]))), shallow_hash(&m[i].val));
    bool hit;
    return box(sh, CW_JOBJ, (const unsigned char *)m, n, sizeof *m, 0, h | 1, &hit);
}

const cw_json *cw_jshare_items(cw_jshare *sh, const cw_json *v, uint32_t n)
{
    if (!n) return NULL;
    uint64_t h = mix(CW_JARR, n);
    for (uint32_t i = 0; i < n; i++) h = mix(h, shallow_hash(&v[i]));
    bool hit;
    return box(sh, CW_JARR, (const unsigned char *)v, n, sizeof *v, 0, h | 1, &hit);
}

const char *cw_jshare_text(cw_jshare *sh, const char *s, size_t n)
{
    if (!s) return NULL;
    if (n > 4096) return cw_arena_strndup(sh->a, s, n);
    bool hit;
    const char *r = intern(sh, sh->strs, STR_BITS, s, n, str_hash(s, n), &hit);
    sh->st.strings_shared += hit;
    sh->st.strings_copied += !hit;
    return r;
}

void cw_jshare_copy_into(cw_jshare *sh, const cw_json *v, const cw_jproj *p, unsigned ctx, cw_json *out)
{
    if (!v) {
        memset(out, 0, sizeof *out);
        return;
    }
    copy(sh, v, p, &sh->root[ctx % CW_JSHARE_CTX], out, 0);
}

cw_json *cw_jshare_copy(cw_jshare *sh, const cw_json *v, const cw_jproj *p, unsigned ctx)
{
    if (!v) return NULL;
    cw_json *out = cw_arena_alloc(sh->a, sizeof *out);
    cw_jshare_copy_into(sh, v, p, ctx, out);
    return out;
}
