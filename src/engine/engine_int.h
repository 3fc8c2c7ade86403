/* engine_int.h - the engine's state, shared by engine.c (session, whole-set
 * path), engine_incr.c (apply) and engine_deps.c (who reads whom). Not a
 * public header: callers use engine.h. */
#ifndef CW_ENGINE_INT_H
#define CW_ENGINE_INT_H
#include "engine.h"

#include "engine_deps.h"

struct cw_engine {
    cw_engine_opts o;          /* copied; o.format points to format below */
    char *format;
    cw_ruleset *rs;
    bool own_rs;               /* loaded by cw_engine_open (freed with the engine) */
    cw_arena proj_arena;       /* the projection records are parsed with */
    const cw_jproj *proj;      /* NULL = whole records */
    cw_pool *pool;
    cw_exec ex;
    cw_assets assets;
    cw_arena farena;           /* evidence of the findings */
    cw_findings fs;            /* current findings, cw_findings_sort order */
    int64_t clock;             /* cw_assets.clock of this engine's sets (opts.rules.today) */
    bool analyzed;             /* the assets carry facts of a run */
    bool evaluated;            /* findings cover every asset (a baseline for apply) */
    cw_engine_stats st;
    cw_analyzer_stats *ast;    /* cw_analyzer_count() entries */
    cw_deps *deps;             /* reverse indexes of the incremental path, built on first apply */
    cw_hmap names;             /* input names (assets' source_file) copied into assets.arena */
    cw_jshare *keep;           /* applied records' model copies, into assets.arena (made on first apply) */
    /* the findings an apply removed and made (the delta's items point into them) */
    cw_findings prev, made;
    size_t compact_at;         /* farena bytes at which an apply first sees whether to compact it */
};

double cw_engine_now(void);    /* monotonic seconds */
double cw_engine_cpu(void);    /* process CPU seconds */
/* The engine's copy of an input name (assets keep it as source_file and
 * outlive the caller's string). */
const char *cw_engine_name(cw_engine *e, const char *name);
/* Link and analyze every asset (facts replaced), with the session's costs. */
void cw_engine_link_analyze(cw_engine *e);
#endif
