/* model.c - asset set: storage, indexes, relationship resolution. */
#include "model.h"
#include "../util/pool.h"

#include <stdlib.h>
#include <string.h>

static const cw_json empty_obj = {.type = CW_JOBJ};
static const cw_asset_list empty_list;

void cw_assets_init(cw_assets *s)
{
    memset(s, 0, sizeof *s);
    cw_arena_init(&s->arena, 4u << 20); /* big blocks: populated when mapped (arena.c) */
    cw_hmap_init(&s->by_type);
}

static void free_type_lists(cw_assets *s)
{
    size_t it = 0;
    const cw_hmap_slot *sl;
    while (cw_hmap_next(&s->by_type, &it, &sl)) free(((cw_asset_list *)sl->val)->v);
    cw_hmap_free(&s->by_type);
}

void cw_assets_free(cw_assets *s)
{
    cw_jshare_free(s->facts_share);
    free_type_lists(s);
    free(s->by_id.slots);
    free(s->by_rid.slots);
    free(s->v);
    for (size_t i = 0; i < s->nadopted; i++) {
        cw_arena_free(s->adopted[i]);
        free(s->adopted[i]);
    }
    free(s->adopted);
    cw_arena_free(&s->arena);
    memset(s, 0, sizeof *s);
}

cw_jshare *cw_assets_facts_share(cw_assets *s)
{
    if (!s->facts_share) s->facts_share = cw_jshare_new(s->facts_arena ? s->facts_arena : &s->arena);
    return s->facts_share;
}

size_t cw_assets_arena_bytes(const cw_assets *s)
{
    size_t n = s->arena.total;
    for (size_t i = 0; i < s->nadopted; i++) n += s->adopted[i]->total;
    return n;
}

size_t cw_assets_index_bytes(const cw_assets *s)
{
    size_t n = s->cap * sizeof *s->v + (s->by_id.cap + s->by_rid.cap) * sizeof(uint64_t) +
               s->by_type.cap * sizeof(cw_hmap_slot);
    size_t it = 0;
    const cw_hmap_slot *sl;
    while (cw_hmap_next(&s->by_type, &it, &sl)) n += ((const cw_asset_list *)sl->val)->cap * sizeof(cw_asset *);
    return n;
}

void cw_assets_adopt(cw_assets *s, cw_arena *a)
{
    s->adopted = cw_xrealloc(s->adopted, (s->nadopted + 1) * sizeof *s->adopted);
    s->adopted[s->nadopted++] = a;
}

/* ---- the two asset indexes ---------------------------------------------- */
enum { BY_ID, BY_RID };

static const char *rid_of(const cw_asset *a)
{
    return a->resource_id ? a->resource_id : a->id;
}

static uint32_t id_tag_n(const char *id, size_t n) { return (uint32_t)cw_hmap_hash(id, n); }
static uint32_t id_tag(const char *id) { return id_tag_n(id, strlen(id)); }

static uint32_t rid_tag_n(const char *type, const char *rid, size_t rl)
{
    uint64_t h = cw_hmap_hash(rid, rl) ^ (cw_hmap_hash(type, strlen(type)) * 0x9E3779B97F4A7C15ULL);
    return (uint32_t)(h ^ (h >> 32));
}
static uint32_t rid_tag(const char *type, const char *rid) { return rid_tag_n(type, rid, strlen(rid)); }

/* The slot holding the key, or the empty slot where it would go. */
static size_t ix_probe(const cw_asset_index *x, const cw_assets *s, int kind, uint32_t tag, const char *type,
                       const char *key)
{
    size_t mask = x->cap - 1;
    for (size_t i = tag & mask;; i = (i + 1) & mask) {
        uint64_t e = x->slots[i];
        if (!e) return i;
        if ((uint32_t)(e >> 32) != tag) continue;
        const cw_asset *a = s->v[(uint32_t)e - 1];
        const char *k = kind == BY_ID ? a->id : rid_of(a); /* an asset replaced by a newer capture may lack it */
        if (k && strcmp(k, key) == 0 && (kind == BY_ID || (a->type && strcmp(a->type, type) == 0))) return i;
    }
}

static cw_asset *ix_get(const cw_asset_index *x, const cw_assets *s, int kind, uint32_t tag, const char *type,
                        const char *key)
{
    if (!x->count) return NULL;
    uint64_t e = x->slots[ix_probe(x, s, kind, tag, type, key)];
    return e ? s->v[(uint32_t)e - 1] : NULL;
}

static void ix_put(cw_asset_index *x, const cw_assets *s, int kind, uint32_t tag, const cw_asset *a)
{
    if ((x->count + 1) * 4 >= x->cap * 3) { /* grow: re-place every entry by its tag */
        size_t ncap = x->cap ? x->cap * 2 : 1024;
        uint64_t *nv = cw_xcalloc(ncap, sizeof *nv);
        for (size_t i = 0; i < x->cap; i++) {
            uint64_t e = x->slots[i];
            if (!e) continue;
            size_t k = (uint32_t)(e >> 32) & (ncap - 1);
            while (nv[k]) k = (k + 1) & (ncap - 1);
            nv[k] = e;
        }
        free(x->slots);
        x->slots = nv, x->cap = ncap;
    }
    size_t i = ix_probe(x, s, kind, tag, a->type, kind == BY_ID ? a->id : rid_of(a));
    if (!x->slots[i]) x->count++;
    x->slots[i] = (uint64_t)tag << 32 | (a->index + 1u);
}

/* The strings cw_assets_add copies next to the asset, in the order of
 * cw_asset_keys.len. */
static void copied_strings(const cw_asset *a, const char *v[5])
{
    v[0] = a->id, v[1] = a->resource_id, v[2] = a->name, v[3] = a->account, v[4] = a->region;
}

void cw_asset_keys_of(const cw_asset *a, cw_asset_keys *k)
{
    const char *src[5];
    copied_strings(a, src);
    for (int i = 0; i < 5; i++) k->len[i] = src[i] ? (uint32_t)strlen(src[i]) : 0;
    k->id_tag = a->id ? id_tag_n(a->id, k->len[0]) : 0;
    const char *rid = rid_of(a);
    k->rid_tag = a->type && rid ? rid_tag_n(a->type, rid, a->resource_id ? k->len[1] : k->len[0]) : 0;
    k->plain_id = a->id && !strpbrk(a->id, ":/");
}

void cw_assets_prefetch(const cw_assets *s, const cw_asset *in, const cw_asset_keys *k)
{
    if (s->by_rid.cap && in->type && rid_of(in)) __builtin_prefetch(&s->by_rid.slots[k->rid_tag & (s->by_rid.cap - 1)]);
    if (s->by_id.cap && in->id) __builtin_prefetch(&s->by_id.slots[k->id_tag & (s->by_id.cap - 1)]);
}

/* Whether a (being added) replaces b: instants compare, not their spellings
 * ("...23:00:00Z" is earlier than "...23:00:00.900Z" and than
 * "...09:00:00.5+10:00"). A known time beats an unknown one; between two
 * unknown ones, or equal instants, the one added last wins. */
static int newer(const cw_asset *a, const cw_asset *b)
{
    int64_t ta = a->capture_time ? a->capture_us : CW_TIME_UNKNOWN;
    int64_t tb = b->capture_time ? b->capture_us : CW_TIME_UNKNOWN;
    if (ta == CW_TIME_UNKNOWN) return tb == CW_TIME_UNKNOWN && a->capture_time;
    return tb == CW_TIME_UNKNOWN || ta >= tb;
}

cw_asset *cw_assets_add(cw_assets *s, const cw_asset *in)
{
    cw_asset_keys k;
    cw_asset_keys_of(in, &k);
    return cw_assets_add_keyed(s, in, &k);
}

cw_asset *cw_assets_add_keyed(cw_assets *s, const cw_asset *in, const cw_asset_keys *k)
{
    s->records_seen++;
    const char *rid = rid_of(in);
    cw_asset *prev = in->type && rid ? ix_get(&s->by_rid, s, BY_RID, k->rid_tag, in->type, rid) : NULL;
    const char *src[5];
    copied_strings(in, src);
    if (prev) {
        if (!newer(in, prev)) return prev; /* older history item */
        uint32_t idx = prev->index;
        *prev = *in;
        prev->index = idx;
        /* the strings in may point into memory that is reused (a scratch arena) */
        const char **dst[5] = {&prev->id, &prev->resource_id, &prev->name, &prev->account, &prev->region};
        for (int i = 0; i < 5; i++)
            if (src[i]) *dst[i] = cw_arena_strndup(&s->arena, src[i], k->len[i]);
        if (!prev->facts) prev->facts = cw_json_new_obj(&s->arena);
        if (!prev->tags) prev->tags = &empty_obj;
        if (prev->id) ix_put(&s->by_id, s, BY_ID, k->id_tag, prev);
        if (k->plain_id) s->plain_ids = true;
        return prev;
    }
    /* the asset and copies of the strings every later stage reads (sort, output)
     * in one block: its fields then share cache lines instead of pointing into
     * the parse arenas */
    size_t total = sizeof(cw_asset);
    for (int i = 0; i < 5; i++)
        if (src[i]) total += k->len[i] + 1;
    cw_asset *a = cw_arena_alloc(&s->arena, total);
    *a = *in;
    char *pk = (char *)(a + 1);
    const char **dst[5] = {&a->id, &a->resource_id, &a->name, &a->account, &a->region}; /* as copied_strings */
    for (int i = 0; i < 5; i++)
        if (src[i]) {
            memcpy(pk, src[i], k->len[i] + 1);
            *dst[i] = pk;
            pk += k->len[i] + 1;
        }
    rid = rid_of(a);
    if (!a->facts) a->facts = cw_json_new_obj(&s->arena);
    if (!a->tags) a->tags = &empty_obj;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->v = cw_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    a->index = (uint32_t)s->n;
    s->v[s->n++] = a;
    if (a->id) ix_put(&s->by_id, s, BY_ID, k->id_tag, a);
    if (k->plain_id) s->plain_ids = true;
    if (a->type && rid) ix_put(&s->by_rid, s, BY_RID, k->rid_tag, a);
    return a;
}

void cw_asset_keep(cw_asset *a, cw_jshare *sh, const cw_jproj *model)
{
    a->type = a->type ? cw_jshare_str(sh, a->type, strlen(a->type)) : NULL;
    a->status = a->status ? cw_jshare_str(sh, a->status, strlen(a->status)) : NULL;
    a->capture_time = a->capture_time ? cw_jshare_str(sh, a->capture_time, strlen(a->capture_time)) : NULL;
    if (a->raw) a->raw = cw_jshare_copy(sh, a->raw, model, 0);
    if (a->tags) a->tags = cw_jshare_copy(sh, a->tags, NULL, 1);
    if (a->nrels) {
        cw_rel *r = cw_arena_alloc(cw_jshare_arena(sh), a->nrels * sizeof *r);
        for (uint32_t i = 0; i < a->nrels; i++) {
            const cw_rel *o = &a->rels[i];
            r[i].name = o->name ? cw_jshare_str(sh, o->name, strlen(o->name)) : NULL;
            r[i].type = o->type ? cw_jshare_str(sh, o->type, strlen(o->type)) : NULL;
            r[i].resource_id = o->resource_id ? cw_jshare_str(sh, o->resource_id, strlen(o->resource_id)) : NULL;
            r[i].resource_name = o->resource_name == o->resource_id ? r[i].resource_id
                                 : o->resource_name ? cw_jshare_str(sh, o->resource_name, strlen(o->resource_name))
                                                    : NULL;
            r[i].target = NULL;
        }
        a->rels = r;
    } else {
        a->rels = NULL;
    }
}

static void list_push(cw_asset_list *l, cw_asset *a)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = cw_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = a;
}

/* Whether any live asset has this type, by the type string's address (the
 * adapters intern them: a handful of addresses per type); a miss asks the
 * type lists. Most relationships of an inventory name resources that were not
 * recorded (VPCs, subnets, ...): this spares their (type, id) lookup. */
typedef struct type_memo {
    const char *type[64];
    bool has[64];
} type_memo;

static bool type_present(const cw_assets *s, type_memo *m, const char *type)
{
    size_t h = cw_ptr_slot(type, 63);
    if (m->type[h] != type) m->type[h] = type, m->has[h] = cw_assets_of_type(s, type)->n > 0;
    return m->has[h];
}

/* Ids are ARNs or "type/resourceId" (model.h): unless an item's ARN field
 * said otherwise (plain_ids), a resource id with neither ':' nor '/' is no
 * asset's id. */
static bool may_be_id(const cw_assets *s, const char *rid)
{
    return s->plain_ids || strpbrk(rid, ":/") != NULL;
}

/* Relationship targets: read-only lookups, each part writes only its own
 * assets' relationships, so parts can run on separate threads. */
static void link_rels(void *ctx, unsigned part, unsigned nparts)
{
    cw_assets *s = ctx;
    type_memo memo;
    memset(&memo, 0, sizeof memo);
    for (size_t i = part; i < s->n; i += nparts) {
        cw_asset *a = s->v[i];
        if (!a->live || !a->type) continue;
        for (uint32_t r = 0; r < a->nrels; r++) {
            cw_rel *rel = &a->rels[r];
            rel->target = NULL;
            if (rel->type && rel->resource_id && type_present(s, &memo, rel->type))
                rel->target = cw_assets_find_rid(s, rel->type, rel->resource_id);
            if (!rel->target && rel->resource_id && may_be_id(s, rel->resource_id))
                rel->target = cw_assets_find(s, rel->resource_id);
            if (rel->target && !rel->target->live) rel->target = NULL;
        }
    }
}

void cw_assets_link(cw_assets *s, const cw_exec *x)
{
    free_type_lists(s);
    cw_hmap_init(&s->by_type);
    for (size_t i = 0; i < s->n; i++) {
        cw_asset *a = s->v[i];
        if (!a->live || !a->type) continue;
        cw_asset_list *l = cw_hmap_get(&s->by_type, a->type, strlen(a->type));
        if (!l) {
            l = cw_arena_zalloc(&s->arena, sizeof *l);
            cw_hmap_put(&s->by_type, a->type, strlen(a->type), l);
        }
        list_push(l, a);
    }
    cw_pool_split(cw_exec_pool(x), link_rels, s, cw_exec_parts(x, s->n));
}

void cw_asset_link(const cw_assets *s, cw_asset *a)
{
    for (uint32_t r = 0; r < a->nrels; r++) {
        cw_rel *rel = &a->rels[r];
        rel->target = NULL;
        if (!a->live || !a->type) continue;
        if (rel->type && rel->resource_id && cw_assets_of_type(s, rel->type)->n > 0)
            rel->target = cw_assets_find_rid(s, rel->type, rel->resource_id);
        if (!rel->target && rel->resource_id && may_be_id(s, rel->resource_id))
            rel->target = cw_assets_find(s, rel->resource_id);
        if (rel->target && !rel->target->live) rel->target = NULL;
    }
}

void cw_assets_list_update(cw_assets *s, cw_asset *a, bool listed)
{
    if (!a->type) return;
    bool want = a->live;
    if (want == listed) return;
    cw_asset_list *l = cw_hmap_get(&s->by_type, a->type, strlen(a->type));
    if (!want) {
        for (size_t i = 0; l && i < l->n; i++)
            if (l->v[i] == a) {
                memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof *l->v);
                l->n--;
                break;
            }
        return;
    }
    if (!l) {
        l = cw_arena_zalloc(&s->arena, sizeof *l);
        cw_hmap_put(&s->by_type, a->type, strlen(a->type), l);
    }
    list_push(l, a);
    size_t i = l->n - 1; /* lists are in input order (index) */
    while (i > 0 && l->v[i - 1]->index > a->index) l->v[i] = l->v[i - 1], i--;
    l->v[i] = a;
}

cw_asset *cw_assets_find(const cw_assets *s, const char *id)
{
    return id ? ix_get(&s->by_id, s, BY_ID, id_tag(id), NULL, id) : NULL;
}

cw_asset *cw_assets_find_rid(const cw_assets *s, const char *type, const char *rid)
{
    if (!type || !rid) return NULL;
    return ix_get(&s->by_rid, s, BY_RID, rid_tag(type, rid), type, rid);
}

const cw_asset_list *cw_assets_of_type(const cw_assets *s, const char *type)
{
    const cw_asset_list *l = type ? cw_hmap_get(&s->by_type, type, strlen(type)) : NULL;
    return l ? l : &empty_list;
}

size_t cw_assets_live_count(const cw_assets *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) n += s->v[i]->live;
    return n;
}

const char *cw_asset_tag(const cw_asset *a, const char *key)
{
    return cw_json_str(cw_json_get(a->tags, key), NULL);
}

size_t cw_asset_related(const cw_asset *a, const char *type, cw_asset **out, size_t max)
{
    size_t n = 0;
    for (uint32_t i = 0; i < a->nrels; i++) {
        cw_asset *t = a->rels[i].target;
        if (!t || (type && (!t->type || strcmp(t->type, type) != 0))) continue;
        if (n < max) out[n] = t;
        n++;
    }
    return n;
}
