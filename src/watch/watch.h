/* watch.h - `cloudwarden watch`, the long-running monitor (issue 10 items 4-5).
 *
 * Start: the engine loads the rule packs, then the state: --baseline FILE
 * (any inventory scan reads) and/or the store's latest version of every
 * resource (unless --no-store-state); one whole evaluation; findings the
 * store does not hold yet are recorded as open (change "baseline:<file>" or
 * "store", no alerts for what was already there).
 * Run: sources (source.h) hand bodies to the core (core.h); each item is
 * applied through the engine's incremental path (cw_engine_apply_buffer) and
 * its findings delta written as lifecycle, windows and alerts (effects.h) in
 * the body's transaction; the outbox (outbox.h) delivers alerts to the sinks.
 * Signals: SIGTERM/SIGINT finish the body in hand, stop the sources, deliver
 * what is due and exit 0; SIGHUP reloads the rule packs (a bad pack is
 * reported and the old rules kept; findings that appear or go with the new
 * rules are recorded and alerted, change "rules-reload@<time>").
 * Nodes (node.h): the process is node --node-id of the store and commits
 * only for accounts it holds leases on; a timer (ttl/3) renews them and takes
 * over the accounts whose lease expired; a clean stop releases them. On
 * PostgreSQL a delivery is claimed before it is sent, so two nodes do not
 * send one alert at once.
 * `--events -` drains stdin and exits 0 at its end (after delivering what is
 * due; what a sink refused stays in the outbox for the next run). */
#ifndef CW_WATCH_WATCH_H
#define CW_WATCH_WATCH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../rules/rules.h"
#include "outbox.h"
#include "source.h"

typedef struct cw_watch_opts {
    const char *db;                 /* NULL = the default store */
    const char *const *events;      /* "-" or directories */
    size_t nevents;
    const char *listen;             /* ADDR:PORT or NULL */
    const char *baseline;           /* NULL = none */
    bool no_store_state;            /* do not load the store's versions at start */
    cw_rules_opts rules;
    unsigned threads;
    const char *alerts;             /* FILE or "-" (NDJSON), NULL = none */
    const char *webhook;            /* URL or NULL */
    bool syslog;
    bool sns_confirm;
    size_t max_body;                /* 0 = 16 MiB */
    int64_t settle_ms;              /* directory source (-1 = 500) */
    cw_http_opts http;
    cw_outbox_opts outbox;
    bool quiet;                     /* no info lines */
    const char *node_id;            /* NULL = the host name (node.h) */
    int64_t lease_ttl_us;           /* 0 = 30 s */
} cw_watch_opts;

/* Runs until the sources end (stdin) or a signal. The exit code: 0 clean
 * stop, 2 a usage or start-up error (bad rule pack, store not usable, port
 * taken), 3 internal. */
int cw_watch_run(const cw_watch_opts *o);
#endif
