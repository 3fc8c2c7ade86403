/* model.h - the asset model every adapter produces and every analyzer and
 * rule reads.
 *
 * An asset is one cloud resource as recorded at one time: provider, type,
 * canonical id (ARN for AWS), account, region, tags, the raw record (the
 * whole AWS Config configuration item, with JSON-in-strings decoded in place)
 * and the facts analyzers derived. Relationships name other assets by
 * (type, resource id); cw_assets_link() resolves them to pointers.
 *
 * Ownership: an cw_assets owns its arena; all strings and JSON of its assets
 * live there and die with cw_assets_free(). */
#ifndef CW_MODEL_H
#define CW_MODEL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../json/json.h"
#include "../util/arena.h"
#include "../util/hmap.h"
#include "../util/timeutil.h"
#include "../util/pool.h"

typedef struct cw_asset cw_asset;

typedef struct cw_rel {
    const char *name;        /* "Is associated with SecurityGroup" */
    const char *type;        /* "AWS::EC2::SecurityGroup" */
    const char *resource_id; /* "sg-e627199e" (may be NULL) */
    const char *resource_name;
    cw_asset *target;        /* resolved by cw_assets_link(), NULL if not in the inventory */
} cw_rel;

struct cw_asset {
    const char *provider;    /* "aws" */
    const char *type;        /* "AWS::S3::Bucket" */
    const char *id;          /* canonical id: ARN; or "type/resourceId" when no ARN */
    const char *resource_id; /* provider resource id (resourceId) */
    const char *name;        /* resourceName, may be NULL */
    const char *account;     /* may be NULL */
    const char *region;      /* may be NULL */
    const char *status;      /* configurationItemStatus */
    const char *capture_time;/* configurationItemCaptureTime (ISO 8601) */
    cw_json *raw;            /* the configuration item (object) */
    cw_json *facts;          /* analyzer facts (object); created empty by cw_assets_add */
    const cw_json *tags;     /* object key -> string value (normalised), never NULL */
    cw_rel *rels;
    /* provenance */
    const char *source_file;
    uint64_t source_record;  /* 1-based record number in source_file */
    int64_t capture_us;      /* capture_time parsed once by the adapter (µs since the epoch, UTC);
                                CW_TIME_UNKNOWN (INT64_MIN) when absent or not a timestamp */
    uint32_t nrels;
    uint32_t source_line;    /* line where the record starts */
    uint32_t index;          /* position in cw_assets.v */
    bool live;               /* false for ResourceDeleted / ResourceNotRecorded */
};

/* Open-addressing index over cw_assets.v: a slot holds 32 bits of the key's
 * hash and the asset's position + 1 (0 = empty); keys are compared against
 * the assets themselves, so the index costs 8 bytes a slot and no key copies. */
typedef struct cw_asset_index {
    uint64_t *slots;
    size_t cap, count;
} cw_asset_index;

typedef struct cw_assets {
    cw_arena arena;
    cw_asset **v;            /* live and non-live assets, input order */
    size_t n, cap;
    cw_asset_index by_id;    /* id -> asset (latest capture wins) */
    cw_asset_index by_rid;   /* (type, resourceId) -> asset */
    cw_hmap by_type;         /* type -> cw_asset_list* */
    uint64_t records_seen;   /* records read, including superseded ones */
    bool plain_ids;          /* some id has neither ':' nor '/' (not an ARN nor type/resourceId) */
    cw_arena **adopted;      /* arenas of worker threads whose data assets use */
    size_t nadopted;
    /* where analyzers' facts are copied to (cw_fs_commit): facts_arena, or the
     * set's arena when NULL, through facts_share (made on first use, freed
     * with the set; a view made for a thread sets both its own) */
    cw_arena *facts_arena;
    cw_jshare *facts_share;
    /* the instant (epoch seconds) analyzers evaluate time conditions
     * (aws:CurrentTime) at; 0 = the real time when they run (`scan --today`
     * sets that day's 00:00:00Z: per set, no process-wide clock) */
    int64_t clock;
    /* the incremental path (src/engine): when set, analyzers compute facts
     * only for the assets whose target[index] is non-zero, reading every
     * other asset as it is; NULL = every asset */
    const uint8_t *target;
    /* with target: the targeted assets themselves (NULL = only the mask), so
     * an analyzer that would walk every asset walks only these */
    cw_asset *const *target_v;
    size_t target_n;
} cw_assets;

typedef struct cw_asset_list {
    cw_asset **v;
    size_t n, cap;
} cw_asset_list;

void cw_assets_init(cw_assets *s);
void cw_assets_free(cw_assets *s);
/* Take ownership of a heap-allocated arena (cw_xmalloc'd, initialised) that
 * holds data of assets added to s; freed with s. */
void cw_assets_adopt(cw_assets *s, cw_arena *a);
/* The sharer facts are copied with (see facts_arena), made on first use. */
cw_jshare *cw_assets_facts_share(cw_assets *s);
/* Bytes the assets' arenas (own and adopted) reserved from the system. */
size_t cw_assets_arena_bytes(const cw_assets *s);
/* Bytes of the model outside the arenas: the asset vector, the two indexes,
 * the type map and its lists. */
size_t cw_assets_index_bytes(const cw_assets *s);
/* Add an asset whose fields are filled (strings in s->arena). When an asset
 * with the same type+resource id exists, the one with the later capture
 * instant (capture_us: offsets and fractions normalised; an unknown time
 * loses to a known one, ties go to the one added last) replaces it (history files list many items per resource). Returns the
 * stored asset. */
cw_asset *cw_assets_add(cw_assets *s, const cw_asset *a);
/* What adding an asset computes of it alone (index hashes, string lengths):
 * loaders compute it on their parse threads and add with the result, so the
 * one thread that adds does not. */
typedef struct cw_asset_keys {
    uint32_t id_tag, rid_tag; /* index hashes of id and of (type, resource id) */
    uint32_t len[5];          /* strlen of id, resource_id, name, account, region (0 when NULL) */
    bool plain_id;            /* the id is neither an ARN nor type/resourceId */
} cw_asset_keys;
void cw_asset_keys_of(const cw_asset *a, cw_asset_keys *k); /* thread-safe */
cw_asset *cw_assets_add_keyed(cw_assets *s, const cw_asset *a, const cw_asset_keys *k);
/* Move what the model keeps of a prepared asset out of the memory it was
 * parsed in (a scratch arena) into sh's arena, compactly (json.h, jshare.c):
 * its item as far as the model projection keeps it (NULL: all of it), tags,
 * relationships, type, status and capture time. The id, resource id, name,
 * account and region stay where they are: adding the asset copies them next
 * to it. Thread-safe per sh. */
void cw_asset_keep(cw_asset *a, cw_jshare *sh, const cw_jproj *model);
/* A hint that a will be added soon: starts loading the index slots it needs
 * (adding assets is bound by those cache misses). */
void cw_assets_prefetch(const cw_assets *s, const cw_asset *a, const cw_asset_keys *k);
/* Loops over assets are bound by cache misses (each asset, its item and its
 * facts lie far apart): called at each v[i] of a loop that steps by `step`,
 * starts loading the asset 3 steps ahead, its item, facts and tags nodes 2
 * steps ahead and their members 1 step ahead, so each step follows pointers
 * already in cache. */
static inline void cw_assets_prefetch_ahead(cw_asset *const *v, size_t n, size_t i, size_t step)
{
    if (i + 3 * step < n) __builtin_prefetch(v[i + 3 * step]);
    if (i + 2 * step < n) {
        const cw_asset *a = v[i + 2 * step];
        __builtin_prefetch(a->raw), __builtin_prefetch(a->facts), __builtin_prefetch(a->tags);
    }
    if (i + step < n) {
        const cw_asset *a = v[i + step];
        if (a->raw) __builtin_prefetch(a->raw->u.members);
        if (a->facts) __builtin_prefetch(a->facts->u.members);
        if (a->tags) __builtin_prefetch(a->tags->u.members);
    }
}
/* After loading: build per-type lists and resolve relationships (large sets
 * on the threads of x; NULL = the calling thread). */
void cw_assets_link(cw_assets *s, const cw_exec *x);
/* The same for one asset added or replaced after cw_assets_link (the
 * engine's incremental path): its relationships resolved as cw_assets_link
 * resolves them, and its place in the type lists: listed says whether it is
 * in its type's list now (it was live when the lists were last made). */
void cw_asset_link(const cw_assets *s, cw_asset *a);
void cw_assets_list_update(cw_assets *s, cw_asset *a, bool listed);
cw_asset *cw_assets_find(const cw_assets *s, const char *id);
cw_asset *cw_assets_find_rid(const cw_assets *s, const char *type, const char *resource_id);
/* Live assets of a type (empty list when none). Valid after cw_assets_link. */
const cw_asset_list *cw_assets_of_type(const cw_assets *s, const char *type);
size_t cw_assets_live_count(const cw_assets *s);
/* Tag value or NULL. */
const char *cw_asset_tag(const cw_asset *a, const char *key);
/* Relationship targets of a given type (resolved ones only). Fills out up to
 * max, returns the total count. */
size_t cw_asset_related(const cw_asset *a, const char *type, cw_asset **out, size_t max);
#endif
