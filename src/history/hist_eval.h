/* hist_eval.h - how history replay evaluates one change: the findings of
 * the state after it and what changed (opened, changed, resolved). One
 * internal interface, so the replay does not care whether the engine's
 * incremental path (cw_engine_apply_buffer) or a whole-set evaluation of
 * the state at that instant does the work. */
#ifndef CW_HIST_EVAL_H
#define CW_HIST_EVAL_H
#include <stddef.h>

#include "history.h"
#include "../model/finding.h"

typedef enum { HIST_OPENED = 1, HIST_CHANGED, HIST_RESOLVED } hist_kind;
typedef struct hist_change {
    hist_kind kind;
    const cw_finding *finding; /* OPENED/CHANGED: now; RESOLVED: as it was */
    const cw_finding *before;  /* CHANGED: the previous one */
} hist_change;
typedef struct hist_delta {
    hist_change *v;
    size_t n, cap;
    size_t affected;           /* assets re-evaluated for the change */
} hist_delta;
void hist_delta_free(hist_delta *x);

typedef struct hist_eval hist_eval;
/* The back ends' names ("incremental, whole"), and whether name is one. */
const char *hist_eval_names(void);
int hist_eval_known(const char *name);
/* NULL when a rule pack has errors (every one in d). */
hist_eval *hist_eval_open(const cw_hist_opts *o, cw_diags *d);
void hist_eval_free(hist_eval *e);
const cw_ruleset *hist_eval_rules(const hist_eval *e);
const char *hist_eval_backend(const hist_eval *e);
/* Apply the configuration items of buf (NDJSON; each replaces the asset of
 * its type and resource id when its capture instant is not older); the
 * delta is reset and filled. Findings and delta stay valid until the next
 * apply or free. 0, or -1 when something was rejected (in d). */
int hist_eval_apply(hist_eval *e, const char *name, const char *buf, size_t len, cw_diags *d, hist_delta *out);
/* The findings of the current state, in cw_findings_sort order. */
const cw_findings *hist_eval_findings(const hist_eval *e);
#endif
