/* analyze_int.h - helpers shared by the analyzers of src/analyze (setting
 * dotted facts, reading configuration items) and their run functions, which
 * the registry in analyze.c lists. Not a public header. */
#ifndef CW_ANALYZE_INT_H
#define CW_ANALYZE_INT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyze.h"

/* Facts: "s3.public.read" -> facts["s3"]["public"]["read"]. */
void cw_fact_set(cw_assets *s, cw_asset *a, const char *name, const cw_json *v);
void cw_fact_bool(cw_assets *s, cw_asset *a, const char *name, bool b);
void cw_fact_num(cw_assets *s, cw_asset *a, const char *name, double d);
void cw_fact_str(cw_assets *s, cw_asset *a, const char *name, const char *str); /* NULL = not set */
void cw_fact_strs(cw_assets *s, cw_asset *a, const char *name, const char *const *v, size_t n);
void cw_fact_ints(cw_assets *s, cw_asset *a, const char *name, const int64_t *v, size_t n);
/* Batched facts of one asset: collect with cw_fs_*, then cw_fs_commit()
 * builds the nested objects with exact sizes and merges them into
 * asset->facts (one allocation per object instead of one per fact). Values
 * are copied at commit into the set's facts arena (model.h: facts_arena),
 * strings and objects shared with equal ones of other assets: they may live
 * in scratch memory (the arena of an analyzer job after `first` is scratch,
 * freed when the job ends; only committed facts outlive it). Facts are never
 * modified in place: commit again to change one. */
#define CW_FS_MAX 96
typedef struct cw_factset {
    cw_assets *s;
    cw_asset *a;
    size_t n;
    bool dynamic_names; /* names are not static: do not cache their splits by address */
    const char *name[CW_FS_MAX];
    cw_json val[CW_FS_MAX];
} cw_factset;
void cw_fs_init(cw_factset *fs, cw_assets *s, cw_asset *a);
/* name: a dotted fact name that stays unchanged for the life of the process (a
 * string literal, as in cw_fact_defs): commits remember how names split by
 * their address. */
void cw_fs_json(cw_factset *fs, const char *name, const cw_json *v);
void cw_fs_bool(cw_factset *fs, const char *name, bool b);
void cw_fs_str(cw_factset *fs, const char *name, const char *str); /* NULL = not set */
void cw_fs_strs(cw_factset *fs, const char *name, const char *const *v, size_t n);
void cw_fs_ints(cw_factset *fs, const char *name, const int64_t *v, size_t n);
void cw_fs_commit(cw_factset *fs);

/* Read back a fact (NULL when unset). */
const cw_json *cw_fact_get(const cw_asset *a, const char *name);

/* Configuration item parts (NULL when absent). */
const cw_json *cw_conf(const cw_asset *a);  /* "configuration" */
const cw_json *cw_supp(const cw_asset *a);  /* "supplementaryConfiguration" */
/* Case-insensitive path "a.b.c" through objects. */
const cw_json *cw_get_path_ci(const cw_json *root, const char *dotted);
/* A JSON document that may still be a string holding JSON: returns the
 * parsed value (in arena a) or v itself; NULL for null/empty/unparsable.
 * *bad is set when a string did not parse. */
const cw_json *cw_json_doc(cw_arena *a, const cw_json *v, bool *bad);
bool cw_is_true(const cw_json *v); /* true, "true", "True", 1 */

/* A growable list of strings (malloc'd array, arena strings). */
typedef struct cw_strlist {
    const char **v;
    size_t n, cap;
} cw_strlist;
void cw_strlist_add(cw_strlist *l, const char *s);        /* keeps duplicates */
void cw_strlist_add_unique(cw_strlist *l, const char *s);
void cw_strlist_free(cw_strlist *l);

/* Analyzer entry points (registered in analyze.c, in this order). */
void cw_an_common(cw_assets *s);
/* The assets whose index % nparts == part (parts may run concurrently). */
void cw_an_common_part(cw_assets *s, unsigned part, unsigned nparts);
void cw_an_s3(cw_assets *s);
void cw_an_s3_part(cw_assets *s, unsigned part, unsigned nparts);
void cw_an_netreach(cw_assets *s);
void cw_an_snapshots(cw_assets *s);
void cw_an_respol(cw_assets *s);
void cw_an_s3ap(cw_assets *s);
void cw_an_iam_admin(cw_assets *s);

/* netreach.c: security-group facts (cache: see netreach.h). */
struct cw_sgcache;
void cw_an_netreach_sg(cw_assets *s, const struct cw_sgcache *cache);

/* "2030-01-01T00:00:00Z" for epoch seconds t (arena). */
const char *cw_time_text(cw_arena *a, int64_t t);
/* The sentence for a verdict that a time condition changes at t (arena). */
const char *cw_time_change_note(cw_arena *a, int64_t t);

/* The clock analyzers use for aws:CurrentTime (epoch seconds): s->clock, or
 * the real time when that is 0. */
int64_t cw_analyze_time(const cw_assets *s);
/* Whether the analyzers compute facts for a in this run (s->target, set by
 * the engine's incremental path; every asset when NULL). Context reads
 * (the groups of an instance, the account's block) ignore it. */
static inline bool cw_an_target(const cw_assets *s, const cw_asset *a)
{
    return !s->target || s->target[a->index];
}
#endif
