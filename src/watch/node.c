/* node.c - account leases of one watch node (see node.h). */
#include "node.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/arena.h"
#include "log.h"

struct cw_node {
    char *id;
    int64_t ttl_us;
    int64_t next_tick_ms; /* monotonic */
    char **held;          /* accounts whose lease the node holds (sorted) */
    size_t nheld, cap;
};

static size_t find(const cw_node *n, const char *acct, int *found)
{
    size_t lo = 0, hi = n->nheld;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(n->held[mid], acct);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    *found = 0;
    return lo;
}

static void hold(cw_node *n, const char *acct)
{
    int f;
    size_t i = find(n, acct, &f);
    if (f) return;
    if (n->nheld == n->cap) {
        n->cap = n->cap ? n->cap * 2 : 16;
        n->held = cw_xrealloc(n->held, n->cap * sizeof *n->held);
    }
    memmove(n->held + i + 1, n->held + i, (n->nheld - i) * sizeof *n->held);
    n->held[i] = cw_xstrdup(acct);
    n->nheld++;
}

cw_node *cw_node_open(cw_store *st, const char *id, int64_t ttl_us, char **err)
{
    char host[256];
    if (!id || !*id) {
        if (gethostname(host, sizeof host) < 0 || !host[0]) snprintf(host, sizeof host, "localhost");
        host[sizeof host - 1] = 0;
        id = host;
    }
    if (ttl_us <= 0) ttl_us = CW_NODE_TTL_DEFAULT_US;
    int got = 0;
    if (cw_store_node_claim(st, id, ttl_us, &got) < 0) {
        size_t m = strlen(cw_store_error(st)) + 64;
        *err = cw_xmalloc(m);
        snprintf(*err, m, "node id '%s': %s", id, cw_store_error(st));
        return NULL;
    }
    if (!got) {
        size_t m = strlen(id) + strlen(cw_store_location(st)) + 200;
        *err = cw_xmalloc(m);
        snprintf(*err, m, "%s: another watch process is running as node '%s' on this store; give each process "
                 "its own --node-id", cw_store_location(st), id);
        return NULL;
    }
    cw_node *n = cw_xcalloc(1, sizeof *n);
    n->id = cw_xstrdup(id);
    n->ttl_us = ttl_us;
    return n;
}

void cw_node_free(cw_node *n)
{
    if (!n) return;
    for (size_t i = 0; i < n->nheld; i++) free(n->held[i]);
    free(n->held);
    free(n->id);
    free(n);
}

const char *cw_node_id(const cw_node *n)
{
    return n->id;
}
int64_t cw_node_ttl_us(const cw_node *n)
{
    return n->ttl_us;
}
size_t cw_node_nheld(const cw_node *n)
{
    return n->nheld;
}

int cw_node_take(cw_node *n, cw_store *st, const char *account, cw_node_take_r *r)
{
    memset(r, 0, sizeof *r);
    cw_store_lease_take_r t;
    if (cw_store_lease_take(st, account, n->id, n->ttl_us, &t) < 0) return -1;
    r->got = t.got;
    r->stale = t.stale;
    if (!t.got) {
        int64_t left = t.expires_us - t.now_us;
        int64_t s = (left + 999999) / 1000000;
        r->retry_s = (unsigned)(s < 1 ? 1 : s > 3600 ? 3600 : s);
        snprintf(r->msg, sizeof r->msg, "account %s is held by node '%s' (its lease ends in %.1f s): not committed "
                 "here; send it to that node, or again later", account, t.holder ? t.holder : "?",
                 (double)left / 1e6);
    } else if (t.stale) {
        snprintf(r->msg, sizeof r->msg, "account %s taken over from node '%s' (its lease ended %.1f s ago)", account,
                 t.holder ? t.holder : "?", (double)(t.now_us - t.prior_expires_us) / 1e6);
    }
    free(t.holder);
    return 0;
}

void cw_node_committed(cw_node *n, const char *account)
{
    hold(n, account);
}

int cw_node_due(const cw_node *n, int64_t mono_ms)
{
    return mono_ms >= n->next_tick_ms;
}

typedef struct tickctx {
    cw_node *n;
    int64_t now;
    char **exp;
    size_t nexp, cap;
    char **mine;
    size_t nmine, mcap;
} tickctx;

static void push(char ***v, size_t *n, size_t *cap, const char *s)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *v = cw_xrealloc(*v, *cap * sizeof **v);
    }
    (*v)[(*n)++] = cw_xstrdup(s);
}

static int tick_row(void *ctx, const char *account, const char *owner, int64_t expires_us)
{
    tickctx *t = ctx;
    if (!account || !owner) return 0;
    if (expires_us < t->now) push(&t->exp, &t->nexp, &t->cap, account);
    else if (strcmp(owner, t->n->id) == 0) push(&t->mine, &t->nmine, &t->mcap, account);
    else {
        int f;
        find(t->n, account, &f);
        if (f) cw_log_warn("node %s: lost the lease of account %s to node '%s'", t->n->id, account, owner);
    }
    return 0;
}

int cw_node_tick(cw_node *n, cw_store *st, int64_t mono_ms, char ***expired, size_t *nexpired)
{
    *expired = NULL;
    *nexpired = 0;
    n->next_tick_ms = mono_ms + n->ttl_us / 3000;
    int64_t renewed = 0;
    if (cw_store_lease_renew_all(st, n->id, n->ttl_us, &renewed) < 0) {
        cw_log_error("node %s: renewing its leases: %s", n->id, cw_store_error(st));
        return -1;
    }
    tickctx t = {.n = n, .now = cw_store_now(st)};
    if (cw_store_leases(st, tick_row, &t) < 0) {
        cw_log_error("node %s: reading the leases: %s", n->id, cw_store_error(st));
        for (size_t i = 0; i < t.nexp; i++) free(t.exp[i]);
        for (size_t i = 0; i < t.nmine; i++) free(t.mine[i]);
        free(t.exp);
        free(t.mine);
        return -1;
    }
    /* what the node holds now: its unexpired rows */
    for (size_t i = 0; i < n->nheld; i++) free(n->held[i]);
    n->nheld = 0;
    for (size_t i = 0; i < t.nmine; i++) {
        hold(n, t.mine[i]);
        free(t.mine[i]);
    }
    free(t.mine);
    *expired = t.exp;
    *nexpired = t.nexp;
    return 0;
}

int cw_node_release(cw_node *n, cw_store *st)
{
    if (cw_store_lease_release_all(st, n->id) < 0) {
        cw_log_error("node %s: releasing its leases: %s (they expire in %.0f s)", n->id, cw_store_error(st),
                     (double)n->ttl_us / 1e6);
        return -1;
    }
    if (n->nheld) cw_log_info("node %s: released the leases of %zu account%s", n->id, n->nheld, n->nheld == 1 ? "" : "s");
    for (size_t i = 0; i < n->nheld; i++) free(n->held[i]);
    n->nheld = 0;
    return 0;
}
