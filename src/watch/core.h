/* core.h - what watch does with a body a source hands over.
 *
 * A body (an HTTP request, a file, a line) holds records (one JSON value,
 * NDJSON, a JSON array, an AWS Config file's configurationItems, a CloudTrail
 * file's Records; gzip files too). Each record is unwrapped (envelope.h) and
 * each unit handled inside ONE store transaction for the whole body:
 *   - its event is recorded (cw_store_put_event); an id seen before is a
 *     duplicate delivery and nothing else is done with it;
 *   - a configuration item is recorded as a version and applied;
 *   - a CloudTrail call is turned into the item AWS Config will record
 *     (ctrail.h) from the resource's current item, recorded and applied; a
 *     failed call, an ignored call or one that needs the item is recorded
 *     with the reason;
 *   - an oversized notification is recorded and reported as needing a fetch;
 *     an SNS subscription confirmation logs its SubscribeURL (and visits it
 *     with --sns-confirm, only for https://sns.<region>.amazonaws.com);
 *     notices are recorded; what is not understood is recorded as "unknown"
 *     and logged with its place.
 * With a node (node.h), the accounts of the body's items and CloudTrail calls
 * are read first and their leases taken inside the transaction before any
 * unit: one held by another node refuses the whole body (RETRY with
 * retry_after_s, nothing committed); one taken over from another node has
 * its model refreshed from the store first (applier refresh_account).
 * Then the transaction commits; only then is the body acknowledged (status
 * OK). A failed commit rolls everything back (status RETRY) and the applier is
 * asked to resynchronise from the store, since what it applied was not kept.
 * A body with nothing usable in it is REJECTED (after recording what it
 * was). Errors name the origin and the record's line:column.
 *
 * Group commit: bodies handed over by several threads at once (HTTP
 * requests) share one transaction. While one is being written, the bodies
 * that arrive wait; the next of them takes every waiting body (up to 256)
 * into one transaction, so one fsync acknowledges them all; when the store
 * fails, none of that batch is kept and all get RETRY. A single source (stdin,
 * a directory) has one body in hand at a time: a batch of one.
 *
 * Applying is the applier's job (the engine: watch.c); without one, items
 * are recorded only. One body at a time: the core holds a lock around the
 * store and the applier (cw_core_lock for others that use the store). */
#ifndef CW_WATCH_CORE_H
#define CW_WATCH_CORE_H
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "../store/store.h"
#include "envelope.h"
#include "node.h"
#include "source.h"

typedef struct cw_applier {
    void *ctx;
    /* Inside the open transaction: apply the item (JSON text) of unit ev;
     * origin is the body's; change_id names the change for findings, windows
     * and alerts ("config:<resource>@<capture>#<state>", "cloudtrail:<id>"). 0 ok, -1
     * a store error (err says it), 1 the item was rejected (err says why). */
    int (*apply_item)(void *ctx, cw_store *st, const cw_ev *ev, const char *origin, const char *change_id,
                      const char *item, size_t len, char *err, size_t n);
    /* The current item of a resource (JSON text, malloc'd) or NULL. */
    char *(*current_item)(void *ctx, cw_store *st, const char *type, const char *resource_id, const char *name,
                          const char *account, const char *region);
    /* A commit failed: what was applied since the last commit is not in the
     * store; rebuild from the store. */
    void (*resync)(void *ctx, cw_store *st);
    /* Inside the open transaction, before the body's units: another node held
     * account's lease before this one took it; bring the model of the account
     * up to the store's state. 0 ok, -1 a store error (err says it). */
    int (*refresh_account)(void *ctx, cw_store *st, const char *account, char *err, size_t n);
} cw_applier;

typedef struct cw_core_opts {
    bool sns_confirm;      /* visit SubscribeURLs (https://sns.*.amazonaws.com only) */
    size_t max_record;     /* bytes (0 = 16 MiB) */
    cw_node *node;         /* account leases (node.h); NULL = none */
} cw_core_opts;

typedef struct cw_core_stats {
    uint64_t bodies, records, units, applied, duplicates, notices, bad, oversized, commits, commit_failures,
        lease_refusals, takeovers;
} cw_core_stats;

typedef struct cw_core cw_core;
cw_core *cw_core_new(cw_store *st, const cw_applier *ap, const cw_core_opts *o);
void cw_core_free(cw_core *c);
/* The ingest function of the sources (ctx = the core). */
void cw_core_ingest(void *core, const cw_ingest_req *rq, cw_ingest_result *r);
void cw_core_lock(cw_core *c);
void cw_core_unlock(cw_core *c);
cw_store *cw_core_store(cw_core *c);
/* Wait until a body commits after the one numbered seen, or ms pass;
 * returns the number of the last commit (0 at first). */
uint64_t cw_core_wait(cw_core *c, uint64_t seen, int ms);
/* 1 while the last commit succeeded (GET /healthz). */
int cw_core_healthy(void *core);
void cw_core_stats_get(cw_core *c, cw_core_stats *out);
/* The canonical resource id of an item, as the store keys versions. */
const char *cw_core_resource_of(cw_arena *a, const cw_json *item);
#endif
