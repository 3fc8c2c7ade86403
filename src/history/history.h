/* history.h - configuration history (issue 10, item 2): AWS Config history
 * files, snapshots and change notifications read into configuration
 * versions, ordered by capture instant and recorded in the store; then every
 * stored version replayed in that order through the engine's incremental
 * path, each change's findings delta turned into the store's findings
 * lifecycle and exposure windows (docs/watch.md, "history").
 *
 * Order: by capture instant (offsets and fractions normalised); items of one
 * instant in the order they were read (file order, then record order); the
 * same (resource, configurationStateId) twice is one version. An item with
 * no capture time cannot be placed on the timeline: it is an error naming
 * its file, line and record, and is not recorded. */
#ifndef CW_HISTORY_H
#define CW_HISTORY_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../rules/rules.h"
#include "../store/store.h"
#include "../util/diag.h"

/* One configuration item as read from an input. Strings are malloc'd. */
typedef struct cw_hist_item {
    int64_t capture_us;
    size_t file, record;    /* read order: ties of capture instants keep it */
    char *resource;         /* canonical id (ARN, or type/resourceId) */
    char *type, *resource_id, *name, *account, *region, *status;
    char *state_id;         /* configurationStateId, or cw_store_state_id's */
    char *item;             /* the item, compact JSON (envelopes removed) */
    char *source;           /* FILE:LINE:COL#RECORD */
} cw_hist_item;

typedef struct cw_hist_items {
    cw_hist_item *v;
    size_t n, cap;
    size_t skipped;         /* records that carry no item (messages, unknown shapes) */
} cw_hist_items;

void cw_hist_items_free(cw_hist_items *x);
/* Append the items of one input (path "-" = standard input): history files,
 * snapshots, single items, change notifications bare or in SNS/EventBridge
 * envelopes, NDJSON, gzip. Errors (with file:line:col and record) and notes
 * in d; accepted items are kept. file: its index (read order). Returns 0
 * clean, -1 when something was rejected. */
int cw_hist_read_file(cw_hist_items *out, const char *path, size_t file, cw_diags *d);
/* Sort by capture instant, then read order (stable). */
void cw_hist_sort(cw_hist_items *x);
/* "FILE:LINE:COL#RECORD" split back (the file may contain ':'); 0 or -1. */
int cw_hist_source_parse(const char *source, char **file, uint32_t *line, uint64_t *record);
/* A time as AWS Config writes capture times: 2026-03-09T00:00:00.000Z
 * (microseconds when it has them); "-" for CW_TIME_UNKNOWN. buf >= 48. */
void cw_hist_time(int64_t us, char *buf, size_t n);
/* The change id of a version: "config:<resource>@<capture time>#<state id>". */
char *cw_hist_change_id(const char *resource, int64_t capture_us, const char *state_id);

/* ---- replay ---------------------------------------------------------------- */
typedef struct cw_hist_opts {
    cw_rules_opts rules;
    unsigned threads;       /* 0 = one per core */
    const char *evaluate;   /* back end: "incremental", "whole"; NULL = the first built in */
} cw_hist_opts;
/* The evaluation back ends built in, "incremental, whole"; 1 when name is one. */
const char *cw_hist_evaluators(void);
int cw_hist_evaluator_known(const char *name);

typedef struct cw_hist_stats {
    size_t versions;        /* versions replayed */
    size_t steps;           /* distinct capture instants */
    size_t findings_open, findings_resolved;
    size_t windows, windows_open;
    size_t assets_affected; /* assets the engine re-evaluated, summed over the steps */
    double seconds;         /* wall time of the replay */
    const char *backend;    /* how each step was evaluated */
} cw_hist_stats;

/* Replay every version in the store in capture order (ties: recorded order)
 * and rewrite the store's findings and exposure windows from the result, in
 * one transaction. Rule pack errors and evaluation errors in d. 0, or -1
 * (store error in cw_store_error, or rules in d; the store is unchanged). */
int cw_hist_rebuild(cw_store *st, const cw_hist_opts *o, cw_diags *d, cw_hist_stats *stats);

/* ---- listings (hist_list.c) ------------------------------------------------ */
int cw_hist_list_format_ok(const char *format); /* table, json, csv */
typedef struct cw_hist_windows {
    cw_store_window *v; /* copies (strings malloc'd) */
    size_t n, cap;
} cw_hist_windows;
int cw_hist_windows_load(cw_store *st, const cw_store_window_query *q, cw_hist_windows *out);
void cw_hist_windows_free(cw_hist_windows *x);
/* Write windows in format (table, json, csv); now_us: the "so far" of open
 * windows in the table. 0, or -1 on a write error (errno). */
int cw_hist_write_windows(FILE *out, const char *format, const cw_hist_windows *x, int64_t now_us);
/* Write the versions q selects; 0, -1 on a write error (errno), -2 on a
 * store error (cw_store_error). */
int cw_hist_write_changes(FILE *out, cw_store *st, const cw_store_version_query *q, const char *format);
/* "3d 4h 5m 6.871s" */
void cw_hist_duration(int64_t us, char *buf, size_t n);

/* Categories that make an exposure window. */
int cw_hist_exposure_category(const char *category);
#endif
