/* wengine.h - watch's engine: the rule packs and the model, loaded from a
 * baseline and/or the store, kept current by the incremental path, and the
 * applier the core calls (core.h). See watch.h for the behaviour. */
#ifndef CW_WATCH_WENGINE_H
#define CW_WATCH_WENGINE_H
#include <stdbool.h>

#include "../rules/rules.h"
#include "../store/store.h"
#include "core.h"
#include "effects.h"
#include "node.h"

typedef struct cw_wengine_opts {
    cw_rules_opts rules;
    unsigned threads;
    const char *baseline;
    bool no_store_state;
    cw_node *node;       /* account leases (node.h); NULL = none */
} cw_wengine_opts;

typedef struct cw_wengine cw_wengine;

/* Open the engine, load the state, evaluate, and record in the store the
 * findings it does not hold (and resolve those it holds that no longer
 * are). NULL with the reason logged (rule pack errors all listed). */
cw_wengine *cw_wengine_open(const cw_wengine_opts *o, cw_store *st);
void cw_wengine_free(cw_wengine *w);
/* The sinks alerts are queued for (names stay the caller's). */
void cw_wengine_set_sinks(cw_wengine *w, const char *const *names, size_t n);
void cw_wengine_applier(cw_wengine *w, cw_applier *ap);
/* SIGHUP: reload the rule packs. 0 done, -1 a pack is bad (reported; the old
 * rules stay), -2 a store error. The caller holds the core's lock. */
int cw_wengine_reload(cw_wengine *w, cw_store *st);
/* Take over account (its lease expired; the node's timer found it): take
 * the lease, bring the model of the account up to the store's state when
 * another node held it, commit. *taken true when it was another node's
 * (false: another node was faster, or it was this node's own).
 * -1 on a store error (the caller resynchronises). Under the core's lock. */
int cw_wengine_take_over(cw_wengine *w, cw_store *st, const char *account, bool *taken);
/* Assets and findings now (for the log and /healthz). */
void cw_wengine_counts(cw_wengine *w, size_t *assets, size_t *findings);
const cw_eff_stats *cw_wengine_eff_stats(const cw_wengine *w);
#endif
