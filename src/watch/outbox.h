/* outbox.h - delivering the store's alert outbox to the sinks.
 *
 * Each pending delivery (alert, sink) due now is handed to its sink, oldest
 * first; when the sink acknowledges it the delivery is marked delivered. When
 * a sink fails, that delivery is retried after an exponential backoff
 * (base * 2^(attempts-1), capped at max) and the sink itself rests for the
 * backoff of its consecutive failures: the alerts behind it wait, in order,
 * without each costing a request. The outbox is in the store, so deliveries
 * pending when the process stopped are retried after a restart. Delivery is
 * at least once: a crash between the sink's acknowledgement and the mark
 * delivers that alert again, with the same id.
 *
 * Three steps so a caller holding a lock around the store can release it
 * while the sinks work: collect (store) -> send (network, no store) -> mark
 * (store). cw_outbox_pump does all three. */
#ifndef CW_WATCH_OUTBOX_H
#define CW_WATCH_OUTBOX_H
#include <stddef.h>
#include <stdint.h>

#include "../store/store.h"
#include "alert.h"

typedef struct cw_outbox_opts {
    int64_t base_us; /* first retry after (0 = 1 s) */
    int64_t max_us;  /* longest wait between tries (0 = 5 min) */
    size_t batch;    /* deliveries per sink per pump (0 = 256) */
} cw_outbox_opts;

typedef struct cw_outbox cw_outbox;

typedef struct cw_outbox_item {
    char *id, *kind, *payload;
    size_t sink;      /* index into the outbox's sinks */
    int64_t attempts; /* before this try */
    int state;        /* after send: 0 not tried, 1 delivered, -1 failed */
    char err[256];
} cw_outbox_item;

typedef struct cw_outbox_batch {
    cw_outbox_item *v;
    size_t n, cap;
} cw_outbox_batch;

typedef struct cw_outbox_stats {
    uint64_t delivered, failed; /* tries */
} cw_outbox_stats;

/* The sinks stay the caller's. */
cw_outbox *cw_outbox_new(cw_sink *const *sinks, size_t nsinks, const cw_outbox_opts *o);
void cw_outbox_free(cw_outbox *ob);
size_t cw_outbox_nsinks(const cw_outbox *ob);
cw_sink *cw_outbox_sink(const cw_outbox *ob, size_t i);
const char *const *cw_outbox_sink_names(const cw_outbox *ob); /* for cw_store_add_alert */
const cw_outbox_stats *cw_outbox_stats_of(const cw_outbox *ob);

/* Deliveries due at now for each sink not resting (appended to b). -1 on a
 * store error. */
int cw_outbox_collect(cw_outbox *ob, cw_store *st, int64_t now_us, cw_outbox_batch *b);
/* Hand the items to their sinks in order (no store access); a sink's first
 * failure leaves its later items untried. */
void cw_outbox_send(cw_outbox *ob, cw_outbox_batch *b, int64_t now_us);
/* Record the results. -1 on a store error (the items stay pending). */
int cw_outbox_mark(cw_outbox *ob, cw_store *st, int64_t now_us, cw_outbox_batch *b);
void cw_outbox_batch_free(cw_outbox_batch *b);
/* collect + send + mark. The number delivered, or -1 on a store error. */
long cw_outbox_pump(cw_outbox *ob, cw_store *st, int64_t now_us);
/* The wait before try number attempts+1. */
int64_t cw_outbox_backoff(const cw_outbox_opts *o, int64_t attempts);
#endif
