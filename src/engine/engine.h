/* engine.h - the scan engine as a library (issue 8), for `scan`, the
 * rule-fixture runner (`rules test`), `history` and `watch`. Implemented in
 * src/engine/: engine.c (session, whole-set path), engine_incr.c (the
 * incremental path), engine_deps.c (which assets read which: the affected
 * set). docs/architecture.md shows the calls and who uses them.
 *
 * Never exits (out of memory aborts through the one handler), no globals: two
 * engines in one process are independent (today's date included). Not
 * thread-safe per engine: one caller thread at a time; the engine's own pool
 * does the parallel work. */
#ifndef CW_ENGINE_H
#define CW_ENGINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../analyze/analyze.h"
#include "../ingest/ingest.h"
#include "../model/finding.h"
#include "../model/model.h"
#include "../rules/rules.h"
#include "../util/diag.h"

typedef struct cw_engine cw_engine;

typedef struct cw_engine_opts {
    cw_rules_opts rules;        /* packs, builtin, today (aws:CurrentTime) */
    unsigned threads;           /* 0 = one per core, 1 = the calling thread only */
    size_t min_items;           /* parallel thresholds, 0 = defaults (cw_exec) */
    uint64_t min_bytes;
    bool full_records;          /* keep whole items (no projection) */
    const char *format;         /* adapter name, NULL = sniff */
    cw_jreader_opts limits;     /* record size, gzip limits (0 = defaults) */
    /* additions (announced in /work/notes/LEAD.md) */
    cw_progress_fn progress;    /* optional: bytes read of a large input, on the calling thread */
    void *progress_ctx;
} cw_engine_opts;

/* NULL when a rule pack has errors: every one of them is in d. */
cw_engine *cw_engine_open(const cw_engine_opts *o, cw_diags *d);
void cw_engine_free(cw_engine *e);
/* The rule set, e.g. for --rule/--skip-rule selection before the first
 * evaluation (cw_rules_select), `rules doc`, metadata of findings. */
cw_ruleset *cw_engine_rules(cw_engine *e);
const cw_exec *cw_engine_exec(const cw_engine *e);

/* ---- whole-set path (scan, fixtures, a watch baseline) ---------------- */
/* Load inputs (any adapter); errors in d with file:line:col or record;
 * accepted assets are kept. 0 clean, -1 something rejected. */
int cw_engine_add_file(cw_engine *e, const char *path, cw_diags *d, cw_ingest_stats *st);
int cw_engine_add_buffer(cw_engine *e, const char *name, const char *buf, size_t len, cw_diags *d,
                         cw_ingest_stats *st);
/* Link, analyze and evaluate every rule over every asset; the findings
 * replace the previous ones. Rule evaluation errors (regex match limits...)
 * in d. Returns 0, or -1 when d got an evaluation error. */
int cw_engine_evaluate(cw_engine *e, cw_diags *d);
/* The current findings in cw_findings_sort order (valid until the next
 * evaluate/apply/free). */
const cw_findings *cw_engine_findings(cw_engine *e);
const cw_assets *cw_engine_assets(const cw_engine *e);
/* The live asset of (type, resource id), or NULL (e.g. to build the item a
 * CloudTrail call changes). */
const cw_asset *cw_engine_find(const cw_engine *e, const char *type, const char *resource_id);

/* Per-session statistics (zero at open; `scan --stats`). */
typedef struct cw_engine_stats {
    double t_ingest, t_link, t_analyze, t_eval, t_sort; /* wall seconds, summed over runs */
    uint64_t applies;            /* cw_engine_apply* calls */
    uint64_t assets_reanalyzed;  /* assets the incremental path re-analyzed / re-evaluated */
    size_t model_bytes;          /* arenas + indexes now */
    /* additions: process CPU seconds (user + system, all threads) during each
     * stage, summed over runs */
    double c_ingest, c_link, c_analyze, c_eval, c_sort;
    uint64_t evaluations;        /* cw_engine_evaluate* calls */
} cw_engine_stats;
void cw_engine_stats_get(const cw_engine *e, cw_engine_stats *out);
/* What each analyzer cost in this session: cw_analyzer_count() entries, by
 * index in cw_analyzers (analyze.h), summed over runs. */
const cw_analyzer_stats *cw_engine_analyzer_stats(const cw_engine *e);

/* ---- incremental path (watch, history) --------------------------------
 * After one cw_engine_evaluate. Each call adds or replaces assets (the same
 * rules as loading: latest capture instant wins per type+resource id; a
 * ResourceDeleted item ends the asset), re-links them in both directions,
 * and re-runs analyzers and rules on only the assets the change can affect:
 * the changed assets, the assets whose relationships name them or that they
 * name (a security group and the instances/databases/ENIs using it), and
 * for account-level assets (S3 account public access block, ...) every asset
 * of that account they govern, transitively as far as the analyzers read.
 * Afterwards cw_engine_findings equals what a cw_engine_evaluate over the
 * same state gives, finding for finding (the test applies random changes and
 * compares after every step). */
typedef enum { CW_DELTA_OPENED = 1, CW_DELTA_CHANGED, CW_DELTA_RESOLVED } cw_delta_kind;
typedef struct cw_delta_item {
    cw_delta_kind kind;
    /* OPENED/CHANGED: the finding now; RESOLVED: the finding as it was. Both
     * (and their rule, asset, evidence) stay valid until the next apply or
     * evaluate or free; copy what you keep. CHANGED = same rule and resource,
     * different evidence or suppression or severity. */
    const cw_finding *finding;
    const cw_finding *before;   /* CHANGED: the previous one; else NULL */
} cw_delta_item;
typedef struct cw_delta {
    cw_delta_item *v;
    size_t n, cap;
    size_t assets_changed;      /* assets added/replaced/ended by the call */
    size_t assets_affected;     /* assets re-analyzed and re-evaluated */
} cw_delta;
void cw_delta_init(cw_delta *x);
void cw_delta_reset(cw_delta *x);
void cw_delta_free(cw_delta *x);
/* Apply the records of a buffer (configuration items, change notifications,
 * snapshots: whatever the adapters read); delta filled (reset first), in
 * cw_finding_cmp order. Errors in d as for add_buffer; the accepted records
 * are applied. 0 clean, -1 something rejected. */
int cw_engine_apply_buffer(cw_engine *e, const char *name, const char *buf, size_t len, cw_diags *d,
                           cw_delta *out);
int cw_engine_apply_file(cw_engine *e, const char *path, cw_diags *d, cw_delta *out);
/* ---- additions (announced in /work/notes/LEAD.md) ----------------------- */
/* An engine over a rule set the caller loaded and keeps (freed by the caller
 * after cw_engine_free; the engine does not change it): `rules test` runs
 * every fixture on one rule set. o->rules is ignored. */
cw_engine *cw_engine_open_rules(const cw_engine_opts *o, cw_ruleset *rs, cw_diags *d);
/* Drop every asset and finding (the rules, the pool and the statistics
 * stay): the next fixture, or a new baseline. */
void cw_engine_reset(cw_engine *e);
/* Memory that lives as long as the engine's assets (until reset or free):
 * build the records given to cw_engine_add_record in it. */
cw_arena *cw_engine_arena(cw_engine *e);
/* One record already parsed (rec->value in cw_engine_arena; projected here),
 * through the adapter of o->format (else the first adapter whose sniff
 * accepts it, else the first): 0 = an asset was added, 1 = the record is not
 * an asset (nothing added, no diagnostic), -1 = rejected (diagnostic in d). */
int cw_engine_add_record(cw_engine *e, const char *name, const cw_jrecord *rec, cw_diags *d,
                         cw_ingest_stats *st);
/* cw_engine_evaluate with one rule only (index < cw_rules_total, enabled or
 * not) and another "today" for its exceptions (days since 1970-01-01;
 * INT64_MIN = the rule set's): a rule fixture. */
int cw_engine_evaluate_rule(cw_engine *e, size_t rule, int64_t today_days, cw_diags *d);
#endif
