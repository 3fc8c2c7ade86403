/* node.h - one watch process as a node of a shared store: account leases.
 *
 * A node has an id (--node-id, default the host name) that one live process
 * holds at a time (cw_store_node_claim: a PostgreSQL session advisory lock,
 * an flock beside an SQLite file), and leases on accounts (cw_leases, the
 * store's clock) with a time to live (--lease-ttl, default 30 s):
 *   - a body's effects are committed only for accounts whose lease the node
 *     takes or keeps inside the body's transaction (cw_node_take): on
 *     PostgreSQL the lease row stays locked until the commit, on SQLite the
 *     transaction holds the store; a node that lost a lease cannot commit
 *     for that account (the fence);
 *   - a lease another node holds refuses the body (nothing committed, not
 *     acknowledged: HTTP 503 with Retry-After until that lease ends);
 *   - taking a lease another node held before means that node may have
 *     committed what this node's model has not seen: *stale, and the caller
 *     brings its model of the account up to the store's state first;
 *   - a timer (every ttl/3) renews the node's leases and lists the accounts
 *     whose lease expired (a node died, or stopped and released them) for
 *     the caller to take over.
 * Every call that touches the store runs under the caller's lock of it. */
#ifndef CW_WATCH_NODE_H
#define CW_WATCH_NODE_H
#include <stddef.h>
#include <stdint.h>

#include "../store/store.h"

#define CW_NODE_TTL_DEFAULT_US (30 * 1000000LL)

typedef struct cw_node cw_node;

/* Claim node id (NULL = the host name) on the store. NULL with *err
 * (malloc'd) when another live process is that node, or the store failed. */
cw_node *cw_node_open(cw_store *st, const char *id, int64_t ttl_us, char **err);
void cw_node_free(cw_node *n);
const char *cw_node_id(const cw_node *n);
int64_t cw_node_ttl_us(const cw_node *n);
size_t cw_node_nheld(const cw_node *n);

typedef struct cw_node_take_r {
    int got;             /* the node holds the lease until the commit at least */
    int stale;           /* another node held it before: refresh the model of the account */
    unsigned retry_s;    /* !got: seconds until the holder's lease ends (at least 1) */
    char msg[300];       /* !got: who holds it; stale: from whom it was taken */
} cw_node_take_r;
/* Inside the caller's transaction. 0, or -1 on a store error. */
int cw_node_take(cw_node *n, cw_store *st, const char *account, cw_node_take_r *r);
/* Record that the transaction holding these takes committed (the accounts are
 * the node's from now on: for the log and the renewal). */
void cw_node_committed(cw_node *n, const char *account);

/* 1 when the timer is due at mono_ms. */
int cw_node_due(const cw_node *n, int64_t mono_ms);
/* Renew the node's leases; list (malloc'd, *n of them; free each and the
 * array) the accounts whose lease expired, another node's or released, to
 * take over. -1 on a store error (logged). */
int cw_node_tick(cw_node *n, cw_store *st, int64_t mono_ms, char ***expired, size_t *nexpired);
/* A clean stop: the node's leases end now (another node takes them over at
 * its next tick). */
int cw_node_release(cw_node *n, cw_store *st);
#endif
