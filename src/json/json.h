/* json.h - cloudwarden's JSON layer.
 *
 * Parsing is done by simdjson (json_simd.cpp, the project's only C++ file);
 * the result is converted into an immutable-by-convention tree of cw_json
 * nodes allocated in a cw_arena. The tree is ours, so adapters may rewrite
 * it (e.g. replace a string holding embedded JSON by the parsed value).
 *
 * Ownership: every node, key and string lives in the arena passed to the
 * function that created it. Nothing is freed individually.
 *
 * Errors: cw_json_err carries a byte offset and a 1-based line:column
 * relative to the start of the whole input (file), plus a message saying
 * what was expected ("expected ',' or '}' after object member"). */
#ifndef CW_JSON_H
#define CW_JSON_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    CW_JNULL = 0,
    CW_JBOOL,
    CW_JNUM,
    CW_JSTR,
    CW_JARR,
    CW_JOBJ,
} cw_jtype;

typedef struct cw_json cw_json;
typedef struct cw_jmember cw_jmember;

/* 16 bytes a node, 32 a member: a scan keeps every configuration item. */
struct cw_json {
    uint8_t type;   /* cw_jtype */
    uint8_t is_int; /* CW_JNUM: u.num is an integer (exact up to 2^53; JSON
                       integers beyond that are kept as the nearest double) */
    uint8_t b;      /* CW_JBOOL */
    uint32_t len;   /* CW_JSTR: byte length; CW_JARR/CW_JOBJ: element count */
    union {
        double num;
        const char *str;       /* NUL-terminated, may contain NUL if JSON had \u0000 */
        cw_json *items;        /* CW_JARR: len items */
        cw_jmember *members;   /* CW_JOBJ: len members, in document order */
    } u;
};
/* Integer value of a number node. */
#define cw_json_int(v) ((int64_t)(v)->u.num)

/* 24 bytes. The key's length is stored in the 4 bytes before the key (keys
 * are made by cw_json_key); read it with cw_jkeylen(). */
struct cw_jmember {
    const char *key;
    cw_json val;
};
static inline uint32_t cw_jkeylen(const cw_jmember *m)
{
    uint32_t n;
    __builtin_memcpy(&n, m->key - 4, 4);
    return n;
}
/* a[0..n) == b[0..n) for the short strings keys are, without a call:
 * words, the last one overlapping; never reads outside [0, n). */
static inline bool cw_key_eq(const char *a, const char *b, size_t n)
{
    if (n >= 8) {
        uint64_t u, v;
        for (size_t i = 0; i + 8 <= n; i += 8) {
            __builtin_memcpy(&u, a + i, 8);
            __builtin_memcpy(&v, b + i, 8);
            if (u != v) return false;
        }
        __builtin_memcpy(&u, a + n - 8, 8);
        __builtin_memcpy(&v, b + n - 8, 8);
        return u == v;
    }
    if (n >= 4) {
        uint32_t u, v, x, y;
        __builtin_memcpy(&u, a, 4);
        __builtin_memcpy(&v, b, 4);
        __builtin_memcpy(&x, a + n - 4, 4);
        __builtin_memcpy(&y, b + n - 4, 4);
        return u == v && x == y;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return false;
    return true;
}

/* ---- parsing ---------------------------------------------------------- */
typedef struct cw_json_err {
    size_t offset;      /* byte offset in the input where the error was found */
    uint32_t line, col; /* 1-based; 0 when unknown */
    char msg[256];      /* what was expected */
    uint64_t record;    /* cw_jreader: 1-based record number the error is in, 0 = none */
} cw_json_err;

/* Parse one complete JSON text buf[0..len). Returns the root or NULL (err set).
 * Depth is capped (CW_JSON_MAX_DEPTH) and reported as an error beyond it. */
#define CW_JSON_MAX_DEPTH 512
cw_json *cw_json_parse(cw_arena *a, const char *buf, size_t len, cw_json_err *err);

/* ---- access ----------------------------------------------------------- */
/* Member lookup (linear; objects in configuration items are small). NULL if
 * obj is not an object or has no such key. */
const cw_json *cw_json_getn(const cw_json *obj, const char *key, size_t keylen);
/* Inline so that strlen of a literal key folds at compile time. */
static inline const cw_json *cw_json_get(const cw_json *obj, const char *key)
{
    return key ? cw_json_getn(obj, key, __builtin_strlen(key)) : (const cw_json *)0;
}
static inline cw_json *cw_json_getm(cw_json *obj, const char *key) /* mutable variant */
{
    return (cw_json *)cw_json_get(obj, key);
}
/* Case-insensitive lookup (AWS Config mixes camelCase and PascalCase). */
const cw_json *cw_json_get_ci(const cw_json *obj, const char *key);
/* Dotted path "a.b.c" through objects (no array indexing). */
const cw_json *cw_json_path(const cw_json *root, const char *dotted);
const cw_json *cw_json_at(const cw_json *arr, size_t i); /* NULL when out of range */
/* Scalar helpers: return def when v is NULL or of another type. */
const char *cw_json_str(const cw_json *v, const char *def);
bool cw_json_bool(const cw_json *v, bool def); /* also accepts "true"/"false" strings */
double cw_json_num(const cw_json *v, double def); /* also accepts numeric strings */
bool cw_json_is(const cw_json *v, cw_jtype t);
/* Deep equality (numbers by value, objects by member set). */
bool cw_json_equal(const cw_json *a, const cw_json *b);

/* ---- building (for analyzers' facts and for tests) --------------------- */
/* A member key: a NUL-terminated copy of s[0..n) in a (short keys are shared),
 * with its length stored before it as cw_jkeylen() expects. */
const char *cw_json_key(cw_arena *a, const char *s, size_t n);
cw_json *cw_json_new_null(cw_arena *a);
cw_json *cw_json_new_bool(cw_arena *a, bool b);
cw_json *cw_json_new_num(cw_arena *a, double d);
cw_json *cw_json_new_int(cw_arena *a, int64_t i);
cw_json *cw_json_new_str(cw_arena *a, const char *s);          /* copies s */
cw_json *cw_json_new_strn(cw_arena *a, const char *s, size_t n);
cw_json *cw_json_new_arr(cw_arena *a);
cw_json *cw_json_new_obj(cw_arena *a);
/* Append a copy of *v (shallow: children are shared) to an array. */
void cw_json_arr_push(cw_arena *a, cw_json *arr, const cw_json *v);
/* Set key (copied) to a shallow copy of *v; replaces an existing member. */
void cw_json_obj_set(cw_arena *a, cw_json *obj, const char *key, const cw_json *v);
/* Get or create a nested object at key. */
cw_json *cw_json_obj_child(cw_arena *a, cw_json *obj, const char *key);
/* Convenience setters. */
void cw_json_set_bool(cw_arena *a, cw_json *obj, const char *key, bool b);
void cw_json_set_num(cw_arena *a, cw_json *obj, const char *key, double d);
void cw_json_set_str(cw_arena *a, cw_json *obj, const char *key, const char *s);

/* ---- projections -------------------------------------------------------- */
/* Which members of a record to build (everything else is skipped by the
 * parser). A node lists member keys (case-insensitive), each kept whole or
 * projected by a child node; members it does not list are kept whole when the
 * node keeps the rest, dropped otherwise. Arrays are transparent: a node
 * applies to each element of an array found where it applies. Nodes may link
 * back to an ancestor (an envelope holding an item). Built in an arena, then
 * frozen (indexed) before use; read-only and shareable by threads after. */
typedef struct cw_jproj cw_jproj;
cw_jproj *cw_jproj_new(cw_arena *a, bool keep_rest);
/* The child node for key (created, dropping the rest, when absent); NULL when
 * key is already kept whole. */
cw_jproj *cw_jproj_child(cw_arena *a, cw_jproj *p, const char *key, size_t n);
/* Keep the value at a dotted path ("configuration.ipPermissions") whole. */
void cw_jproj_keep(cw_arena *a, cw_jproj *p, const char *dotted);
void cw_jproj_keep_segs(cw_arena *a, cw_jproj *p, const char *const *keys, const uint32_t *lens, size_t n);
/* Project the value at key by target (e.g. an envelope member holding an item). */
void cw_jproj_link(cw_arena *a, cw_jproj *p, const char *key, cw_jproj *target);
void cw_jproj_freeze(cw_arena *a, cw_jproj *p);
/* 1 = keep the member (*child: NULL whole, else its projection), 0 = drop. */
int cw_jproj_lookup(const cw_jproj *p, const char *key, size_t n, const cw_jproj **child);
bool cw_jproj_keeps_rest(const cw_jproj *p);
/* Apply a projection to a tree already built (drops members in place). */
void cw_json_project(cw_arena *a, cw_json *v, const cw_jproj *p);
/* Parse with a projection (NULL = keep everything). */
cw_json *cw_json_parse_proj(cw_arena *a, const char *buf, size_t len, const cw_jproj *p, cw_json_err *err);

/* The projection of what the model keeps of an item once its adapter has
 * read it (what rules and analyzers read; the adapter's own fields are in p
 * only): NULL when none was set (keep everything p keeps). */
void cw_jproj_set_model(cw_jproj *p, const cw_jproj *model);
const cw_jproj *cw_jproj_model(const cw_jproj *p);

/* ---- compact copies (jshare.c) ------------------------------------------- */
/* Copies trees into a long-lived arena: only what a projection keeps, short
 * strings interned, containers equal to one copied before shared (the copy is
 * a DAG: never modify it). One per thread and arena; bounded tables, so each
 * value costs a bounded probe. Readers see exactly the same values. */
typedef struct cw_jshare cw_jshare;
typedef struct cw_jshare_stats {
    uint64_t strings_shared, strings_copied, containers_shared, containers_copied;
} cw_jshare_stats;
cw_jshare *cw_jshare_new(cw_arena *a);
void cw_jshare_free(cw_jshare *sh);
/* A copy of *v keeping what p keeps (NULL = everything), in the arena. ctx
 * (< CW_JSHARE_CTX) names where roots come from (items, tags...): whether a
 * kind of root repeats is judged per ctx, as it is per field inside. */
#define CW_JSHARE_CTX 4
cw_json *cw_jshare_copy(cw_jshare *sh, const cw_json *v, const cw_jproj *p, unsigned ctx);
void cw_jshare_copy_into(cw_jshare *sh, const cw_json *v, const cw_jproj *p, unsigned ctx, cw_json *out);
/* A string s[0..n) in the arena, shared when short (NUL-terminated; s NULL: NULL). */
const char *cw_jshare_str(cw_jshare *sh, const char *s, size_t n);
/* The same for text of any length up to 4 KiB (sentences that repeat). */
const char *cw_jshare_text(cw_jshare *sh, const char *s, size_t n);
/* An arena copy of the members m[0..n) (or items v[0..n)), shared with an
 * equal array made before: keys and strings compared by their bytes, nested
 * containers by the array they point to (NULL when n is 0). */
const cw_jmember *cw_jshare_members(cw_jshare *sh, const cw_jmember *m, uint32_t n);
const cw_json *cw_jshare_items(cw_jshare *sh, const cw_json *v, uint32_t n);
const cw_jshare_stats *cw_jshare_stats_of(const cw_jshare *sh);
cw_arena *cw_jshare_arena(cw_jshare *sh);
/* Tests: every container goes to one slot per type and is told apart from the one
 * before by the equality checks alone (not by its hash). */
void cw_jshare_collide_for_tests(cw_jshare *sh);

/* ---- serialising ------------------------------------------------------ */
struct cw_strbuf;
/* Compact JSON (indent < 0) or pretty with that many spaces per level. */
void cw_json_write(struct cw_strbuf *sb, const cw_json *v, int indent);

/* ---- streaming reader -------------------------------------------------- */
/* Reads one input file (plain, or gzip detected by magic bytes) and yields
 * records one at a time with bounded memory (the largest record plus I/O
 * buffers, never the whole file):
 *   - top-level array            -> each element is a record
 *   - top-level object with a member named in opts.stream_keys whose value is
 *     an array (e.g. "configurationItems") -> each element of that array is a
 *     record; the object's other members are collected as the header
 *   - any other top-level object -> that object is one record
 *   - several top-level values (NDJSON / concatenated) -> each value is a record
 * Records are numbered from 1 in input order. */
typedef struct cw_jreader cw_jreader;

typedef struct cw_jreader_opts {
    const char *const *stream_keys; /* NULL-terminated; NULL = {"configurationItems", NULL} */
    size_t max_record_bytes;        /* 0 = 256 MiB; larger records are an error */
    uint64_t max_decompressed;      /* gzip: 0 = 64 GiB total output */
    unsigned max_ratio;             /* gzip: 0 = 1000; output/input ratio limit, enforced past 64 MiB out */
} cw_jreader_opts;

typedef struct cw_jrecord {
    cw_json *value;      /* parsed record, in the arena given to next() */
    uint64_t index;      /* 1-based record number */
    uint32_t line, col;  /* where the record starts in the (decompressed) input */
    size_t offset;       /* byte offset of the record start */
    size_t bytes;        /* raw size of the record text */
} cw_jrecord;

/* Open path ("-" = stdin). NULL on failure with err set (msg names the OS error). */
cw_jreader *cw_jreader_open(const char *path, const cw_jreader_opts *opts, cw_json_err *err);
/* Same over an in-memory buffer (not copied; must outlive the reader). */
cw_jreader *cw_jreader_open_mem(const char *buf, size_t len, const cw_jreader_opts *opts,
                                cw_json_err *err);
/* 1 = record produced, 0 = end of input, -1 = error (err set, located in the
 * file). After an error in one record of a streamed array whose framing is
 * intact the reader can continue with the next record (call next() again);
 * after a framing error (truncation, unbalanced brackets) it returns 0. */
int cw_jreader_next(cw_jreader *r, cw_arena *a, cw_jrecord *rec, cw_json_err *err);
/* Like cw_jreader_next without parsing: rec->value is NULL and *text, *len
 * give the record's bytes, valid until the next call, followed by at least
 * CW_JSON_PADDING readable bytes. For handing records to worker threads. */
int cw_jreader_next_raw(cw_jreader *r, const char **text, size_t *len, cw_jrecord *rec, cw_json_err *err);
/* Parse the text of a raw record; text must be followed by CW_JSON_PADDING
 * readable bytes. Errors are located in the file (rec gives the start). */
#define CW_JSON_PADDING 64
cw_json *cw_jrecord_parse(cw_arena *a, const char *text, size_t len, const cw_jrecord *rec, cw_json_err *err);
/* The same, building only what the projection p keeps (NULL = everything). */
cw_json *cw_jrecord_parse_proj(cw_arena *a, const char *text, size_t len, const cw_jproj *p, const cw_jrecord *rec,
                               cw_json_err *err);
/* Build only what p keeps of each record cw_jreader_next parses (NULL = all). */
void cw_jreader_set_projection(cw_jreader *r, const cw_jproj *p);
/* Header members seen so far (e.g. fileVersion); an object, possibly empty. */
const cw_json *cw_jreader_header(cw_jreader *r);
uint64_t cw_jreader_bytes_read(const cw_jreader *r); /* decompressed bytes consumed */
uint64_t cw_jreader_input_size(const cw_jreader *r); /* file size on disk, 0 if unknown */
void cw_jreader_close(cw_jreader *r);
#ifdef __cplusplus
}
#endif
#endif
