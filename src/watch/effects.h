/* effects.h - what one change does to the store: the findings lifecycle,
 * exposure windows and alerts, written inside the caller's transaction.
 *
 * For each finding the engine reports for a change (opened, changed,
 * resolved; a finding suppressed by an exception counts as not held), the
 * store's row decides what happened, as `history import` decides it:
 *   not held -> held   the finding opens (first seen, or reopened: count + 1),
 *                      alert "open"; public-access / network-exposure findings
 *                      open the resource's exposure window at the change's
 *                      time (or join the open one: its rules grow)
 *   held -> held       evidence and severity updated; severity up: "escalate"
 *   held -> not held   resolved at the change's time, alert "resolve"; the
 *                      window closes when no exposure finding of the resource
 *                      is held any more
 * Openings are handled before resolutions, so a change that swaps one
 * exposing rule for another keeps one window. Alerts go into the outbox with
 * a pending delivery per sink (alert.h). */
#ifndef CW_WATCH_EFFECTS_H
#define CW_WATCH_EFFECTS_H
#include <stddef.h>
#include <stdint.h>

#include "../model/finding.h"
#include "../store/store.h"

typedef enum { CW_EFF_OPENED = 1, CW_EFF_CHANGED, CW_EFF_RESOLVED } cw_eff_kind;

typedef struct cw_eff_item {
    cw_eff_kind kind;
    const cw_finding *finding; /* now (RESOLVED: as it was) */
    const cw_finding *before;  /* CHANGED: before */
} cw_eff_item;

typedef struct cw_eff_change {
    const char *change_id;    /* config:<resource>@<capture>#<state>, cloudtrail:<eventID> */
    int64_t change_us;        /* its capture time / eventTime */
    const char *event_id, *event_kind, *event_source, *event_name, *actor;
} cw_eff_change;

typedef struct cw_eff_stats {
    uint64_t opened, escalated, resolved, updated, windows_opened, windows_closed, alerts;
} cw_eff_stats;

/* Apply the items of one change. sinks: the outbox's sink names (none: no
 * alerts). 0, or -1 on a store error (message in cw_store_error). */
int cw_effects_apply(cw_store *st, const cw_eff_item *items, size_t n, const cw_eff_change *ch,
                     const char *const *sinks, size_t nsinks, cw_eff_stats *stats);
#endif
