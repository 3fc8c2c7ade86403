/* engine_deps.c - which assets read which: the affected set of a change.
 *
 * Every cross-asset read of the analyzers (src/analyze) and rules, as keys:
 * an asset PROVIDES keys (the names others find it by) and READS keys (the
 * names it looks up). A reverse index maps each key to the assets reading it.
 *
 *   key               provided by                     read by
 *   r <id>            every asset: its resourceId     every asset: each relationship's
 *                     and its id (ARN)                resourceId (link; rule related();
 *                                                     netreach's groups); NET types (below):
 *                                                     each group id of net.security_groups
 *                                                     (groups named in the configuration
 *                                                     only, e.g. vpcSecurityGroups);
 *                                                     S3 access points: their bucket, by
 *                                                     name and by arn:aws:s3:::name
 *   a <account>       AWS::S3::AccountPublicAccess-   S3 buckets (their account), S3 access
 *                     Block (account, else its id)    points (BucketAccountId, else theirs)
 *   i <identifier,    AWS::RDS::DBInstance            AWS::RDS::DBCluster: its members
 *      acct,region>   (dBInstanceIdentifier, else     (dBClusterMembers), whose FACTS
 *                     its name)                       (net.publicly_accessible,
 *                                                     internet_reachable, reachable_ports)
 *                                                     it reads
 *
 *   f <name>          front doors (netreach_front.c), FACT-like keys read transitively:
 *                     Listener: "lb:<LoadBalancerArn>"   the load balancer of that ARN
 *                     TargetGroup: "tg:<its ARN>"        Listeners forwarding to it (a target
 *                                                        group reads each target: r <Id>)
 *                     ApiGateway::Method, ApiGatewayV2::  the stages of that API (id from the
 *                     Integration: "api:<RestApiId/ApiId>" stage's ARN; the API itself by r)
 *
 * The affected set of a change: the changed assets; every asset reading a
 * key a changed asset provides, before or after the change (one hop: those
 * read the changed configuration or presence); then, transitively, every
 * asset reading a FACT key ("i", "f") of an affected asset, since its facts may
 * have changed (a group opens -> the instance is reachable -> its Aurora
 * cluster is). Network ACLs, route tables, subnets and gateways are read by
 * no analyzer today (netreach.h): when one starts to, add its key here. Keys
 * over-approximate (two resources with one resourceId read each other): more
 * assets are re-evaluated, never fewer. NET types: RDS instances and
 * clusters, Redshift clusters, EC2 instances, OpenSearch/Elasticsearch
 * domains (analyze.c). Analyzers that read only their own asset (common,
 * snapshots, respol, iam_admin, the groups' own facts) need no key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "engine_deps.h"

typedef struct rlist { /* the assets (indexes) reading one key */
    uint32_t *v;
    uint32_t n, cap;
} rlist;

typedef struct areads { /* the lists one asset is in */
    rlist **v;
    uint32_t n;
} areads;

struct cw_deps {
    cw_hmap readers; /* key -> rlist* */
    cw_arena arena;  /* keys and rlists */
    areads *reads;   /* by asset index */
    size_t nreads;
    size_t bytes;    /* malloc'd besides the arena */
};

/* ---- keys ------------------------------------------------------------------ */
static void kb_add(cw_keys *k, char kind, const char *a, const char *b, const char *c)
{
    if (!a || !*a) return;
    char tmp[1024];
    int len = snprintf(tmp, sizeof tmp, "%c\x1f%s%s%s%s%s", kind, a, b ? "\x1f" : "", b ? b : "", c ? "\x1f" : "",
                       c ? c : "");
    if (len < 0 || (size_t)len >= sizeof tmp) return; /* no id is that long; such a key names nothing */
    for (size_t i = k->mark; i < k->nk; i++) /* few keys per asset: dedupe by scan */
        if (strcmp(k->p + k->off[i], tmp) == 0) return;
    if (k->n + (size_t)len + 1 > k->cap) {
        k->cap = (k->n + (size_t)len + 1) * 2 + 256;
        k->p = cw_xrealloc(k->p, k->cap);
    }
    if (k->nk == k->capk) {
        k->capk = k->capk ? 2 * k->capk : 16;
        k->off = cw_xrealloc(k->off, k->capk * sizeof *k->off);
    }
    k->off[k->nk++] = k->n;
    memcpy(k->p + k->n, tmp, (size_t)len + 1);
    k->n += (size_t)len + 1;
}

void cw_keys_reset(cw_keys *k) { k->n = k->nk = k->mark = 0; }
void cw_keys_free(cw_keys *k)
{
    free(k->p);
    free(k->off);
    memset(k, 0, sizeof *k);
}
size_t cw_keys_count(const cw_keys *k) { return k->nk; }
const char *cw_keys_at(const cw_keys *k, size_t i) { return k->p + k->off[i]; }

static bool is(const cw_asset *a, const char *type) { return a->type && strcmp(a->type, type) == 0; }

/* field n (0-based, ':'-separated) of an ARN into buf; NULL when absent */
static const char *arn_field(const char *arn, int n, char *buf, size_t cap)
{
    if (!arn || strncmp(arn, "arn:", 4) != 0) return NULL;
    const char *p = arn;
    for (int i = 0; i < n; i++) {
        p = strchr(p, ':');
        if (!p) return NULL;
        p++;
    }
    size_t len = strcspn(p, ":");
    if (!len || len >= cap) return NULL;
    memcpy(buf, p, len);
    buf[len] = 0;
    return buf;
}

/* account and region as the common analyzer completes them (from the ARN) */
static const char *account_of(const cw_asset *a, char *buf) { return a->account ? a->account : arn_field(a->id, 4, buf, 64); }
static const char *region_of(const cw_asset *a, char *buf) { return a->region ? a->region : arn_field(a->id, 3, buf, 64); }

static const cw_json *conf_of(const cw_asset *a) { return a->raw ? cw_json_get_ci(a->raw, "configuration") : NULL; }

static const char *json_str(const cw_json *v) { return v && v->type == CW_JSTR ? v->u.str : NULL; }

/* The facts object path a.b of an asset (facts are nested by dotted name). */
static const cw_json *fact2(const cw_asset *a, const char *ns, const char *name)
{
    return a->facts ? cw_json_get(cw_json_get(a->facts, ns), name) : NULL;
}

static bool net_type(const cw_asset *a)
{
    static const char *const t[] = {"AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::Redshift::Cluster",
                                    "AWS::EC2::Instance", "AWS::Elasticsearch::Domain", "AWS::OpenSearch::Domain",
                                    "AWS::OpenSearchService::Domain", "AWS::ElasticLoadBalancingV2::LoadBalancer"};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (is(a, t[i])) return true;
    return false;
}

/* "arn:aws:apigateway:R::/restapis/ID/stages/S" -> "api:ID" */
static void stage_api_key(const cw_asset *a, const char *kind, cw_keys *k)
{
    const char *p = a->id ? strstr(a->id, kind) : NULL;
    if (!p) return;
    p += strlen(kind);
    char id[128];
    size_t n = strcspn(p, "/");
    if (!n || n >= sizeof id - 5) return;
    snprintf(id, sizeof id, "api:%.*s", (int)n, p);
    kb_add(k, 'f', id, NULL, NULL);
}

static void prefixed(cw_keys *k, const char *pre, const char *v)
{
    char tmp[768];
    if (!v || (size_t)snprintf(tmp, sizeof tmp, "%s%s", pre, v) >= sizeof tmp) return;
    kb_add(k, 'f', tmp, NULL, NULL);
}

/* target group ARNs of a listener's default actions */
static void listener_tg_keys(const cw_json *c, cw_keys *k)
{
    const cw_json *acts = cw_json_get_ci(c, "DefaultActions");
    for (uint32_t i = 0; acts && acts->type == CW_JARR && i < acts->len; i++) {
        const cw_json *ac = &acts->u.items[i];
        prefixed(k, "tg:", json_str(cw_json_get_ci(ac, "TargetGroupArn")));
        const cw_json *fw = cw_json_get_ci(cw_json_get_ci(ac, "ForwardConfig"), "TargetGroups");
        for (uint32_t j = 0; fw && fw->type == CW_JARR && j < fw->len; j++)
            prefixed(k, "tg:", json_str(cw_json_get_ci(&fw->u.items[j], "TargetGroupArn")));
    }
}

void cw_deps_provides(const cw_asset *a, cw_keys *k)
{
    char b1[64], b2[64];
    k->mark = k->nk;
    kb_add(k, 'r', a->resource_id, NULL, NULL);
    kb_add(k, 'r', a->id, NULL, NULL);
    if (is(a, "AWS::S3::AccountPublicAccessBlock")) kb_add(k, 'a', a->account ? a->account : a->resource_id, NULL, NULL);
    if (is(a, "AWS::RDS::DBInstance")) {
        const char *id = json_str(cw_json_get_ci(conf_of(a), "dBInstanceIdentifier"));
        if (!id) id = a->name;
        const char *acct = account_of(a, b1), *reg = region_of(a, b2);
        if (id) kb_add(k, 'i', id, acct ? acct : "", reg ? reg : "");
    }
    if (is(a, "AWS::ElasticLoadBalancingV2::Listener"))
        prefixed(k, "lb:", json_str(cw_json_get_ci(conf_of(a), "LoadBalancerArn")));
    if (is(a, "AWS::ElasticLoadBalancingV2::TargetGroup")) prefixed(k, "tg:", a->id);
    if (is(a, "AWS::ApiGateway::Method")) prefixed(k, "api:", json_str(cw_json_get_ci(conf_of(a), "RestApiId")));
    if (is(a, "AWS::ApiGatewayV2::Integration")) prefixed(k, "api:", json_str(cw_json_get_ci(conf_of(a), "ApiId")));
}

void cw_deps_reads(const cw_asset *a, cw_keys *k)
{
    char b1[64], b2[64];
    k->mark = k->nk;
    for (uint32_t i = 0; i < a->nrels; i++) kb_add(k, 'r', a->rels[i].resource_id, NULL, NULL);
    if (net_type(a)) {
        const cw_json *g = fact2(a, "net", "security_groups");
        for (uint32_t i = 0; g && g->type == CW_JARR && i < g->len; i++) kb_add(k, 'r', json_str(&g->u.items[i]), NULL, NULL);
    }
    if (is(a, "AWS::ElasticLoadBalancingV2::LoadBalancer")) {
        const char *arn = json_str(cw_json_get_ci(conf_of(a), "loadBalancerArn"));
        prefixed(k, "lb:", arn ? arn : a->id);
    }
    if (is(a, "AWS::ElasticLoadBalancingV2::Listener")) listener_tg_keys(conf_of(a), k);
    if (is(a, "AWS::ElasticLoadBalancingV2::TargetGroup")) {
        const cw_json *ts = cw_json_get_ci(conf_of(a), "Targets");
        for (uint32_t i = 0; ts && ts->type == CW_JARR && i < ts->len; i++)
            kb_add(k, 'r', json_str(cw_json_get_ci(&ts->u.items[i], "Id")), NULL, NULL);
    }
    if (is(a, "AWS::ApiGateway::Stage") || is(a, "AWS::ApiGatewayV2::Stage")) {
        bool rest = is(a, "AWS::ApiGateway::Stage");
        const char *kind = rest ? "/restapis/" : "/apis/";
        stage_api_key(a, kind, k);
        /* the API itself, when the stage has no relationship to it: its ARN is the stage's prefix */
        const char *st = a->id ? strstr(a->id, "/stages/") : NULL;
        if (st) {
            char arn[512];
            if ((size_t)(st - a->id) < sizeof arn) {
                snprintf(arn, sizeof arn, "%.*s", (int)(st - a->id), a->id);
                kb_add(k, 'r', arn, NULL, NULL);
            }
        }
    }
    if (is(a, "AWS::S3::Bucket")) kb_add(k, 'a', account_of(a, b1), NULL, NULL);
    if (is(a, "AWS::S3::AccessPoint")) {
        const cw_json *c = conf_of(a);
        const char *bucket = json_str(cw_json_get_ci(c, "Bucket"));
        const char *bacct = json_str(cw_json_get_ci(c, "BucketAccountId"));
        kb_add(k, 'a', bacct ? bacct : account_of(a, b1), NULL, NULL);
        if (bucket) {
            char arn[512];
            snprintf(arn, sizeof arn, "arn:aws:s3:::%s", bucket);
            kb_add(k, 'r', bucket, NULL, NULL);
            kb_add(k, 'r', arn, NULL, NULL);
        }
    }
    if (is(a, "AWS::RDS::DBCluster")) {
        const cw_json *c = conf_of(a);
        const cw_json *mem = cw_json_get_ci(c, "dbclusterMembers");
        if (!mem) mem = cw_json_get_ci(c, "dBClusterMembers");
        const char *acct = a->account ? a->account : "", *reg = a->region ? a->region : "";
        (void)b2;
        for (uint32_t i = 0; mem && mem->type == CW_JARR && i < mem->len; i++) {
            const char *id = json_str(cw_json_get_ci(&mem->u.items[i], "dbinstanceIdentifier"));
            if (id) kb_add(k, 'i', id, acct, reg);
        }
    }
}

/* ---- the reverse index -------------------------------------------------------- */
static rlist *list_of(cw_deps *x, const char *key, bool make)
{
    size_t len = strlen(key);
    rlist *l = cw_hmap_get(&x->readers, key, len);
    if (l || !make) return l;
    l = cw_arena_zalloc(&x->arena, sizeof *l);
    cw_hmap_put(&x->readers, cw_arena_strndup(&x->arena, key, len), len, l);
    return l;
}

static void rl_add(cw_deps *x, rlist *l, uint32_t ix)
{
    if (l->n == l->cap) {
        uint32_t nc = l->cap ? 2 * l->cap : 2;
        l->v = cw_xrealloc(l->v, nc * sizeof *l->v);
        x->bytes += (nc - l->cap) * sizeof *l->v;
        l->cap = nc;
    }
    l->v[l->n++] = ix;
}

static void rl_remove(rlist *l, uint32_t ix)
{
    for (uint32_t i = 0; i < l->n; i++)
        if (l->v[i] == ix) {
            l->v[i] = l->v[--l->n]; /* order does not matter */
            return;
        }
}

static void grow(cw_deps *x, size_t n)
{
    if (n <= x->nreads) return;
    size_t nc = n + n / 2 + 64;
    x->reads = cw_xrealloc(x->reads, nc * sizeof *x->reads);
    memset(x->reads + x->nreads, 0, (nc - x->nreads) * sizeof *x->reads);
    x->bytes += (nc - x->nreads) * sizeof *x->reads;
    x->nreads = nc;
}

/* Set the keys asset a reads (its entries in the index follow). */
void cw_deps_set_reads(cw_deps *x, const cw_asset *a, cw_keys *k)
{
    grow(x, (size_t)a->index + 1);
    areads *r = &x->reads[a->index];
    cw_keys_reset(k);
    if (a->live) cw_deps_reads(a, k);
    /* unchanged (the common case: an account block re-evaluates its buckets): nothing to do */
    bool same = r->n == k->nk;
    for (uint32_t i = 0; same && i < r->n; i++) same = list_of(x, cw_keys_at(k, i), false) == r->v[i];
    if (same) return;
    for (uint32_t i = 0; i < r->n; i++) rl_remove(r->v[i], a->index);
    free(r->v);
    x->bytes -= r->n * sizeof *r->v;
    r->v = k->nk ? cw_xmalloc(k->nk * sizeof *r->v) : NULL;
    r->n = (uint32_t)k->nk;
    x->bytes += r->n * sizeof *r->v;
    for (uint32_t i = 0; i < r->n; i++) {
        r->v[i] = list_of(x, cw_keys_at(k, i), true);
        rl_add(x, r->v[i], a->index);
    }
}

cw_deps *cw_deps_build(const cw_assets *s)
{
    cw_deps *x = cw_xcalloc(1, sizeof *x);
    cw_hmap_init(&x->readers);
    cw_arena_init(&x->arena, 1 << 20);
    grow(x, s->n);
    cw_keys k = {0};
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i]->live) cw_deps_set_reads(x, s->v[i], &k);
    cw_keys_free(&k);
    return x;
}

size_t cw_deps_readers(const cw_deps *x, const char *key, const uint32_t **out)
{
    const rlist *l = cw_hmap_get(&x->readers, key, strlen(key));
    *out = l ? l->v : NULL;
    return l ? l->n : 0;
}

void cw_deps_free(cw_deps *x)
{
    if (!x) return;
    size_t it = 0;
    const cw_hmap_slot *sl;
    while (cw_hmap_next(&x->readers, &it, &sl)) free(((rlist *)sl->val)->v);
    cw_hmap_free(&x->readers);
    for (size_t i = 0; i < x->nreads; i++) free(x->reads[i].v);
    free(x->reads);
    cw_arena_free(&x->arena);
    free(x);
}

size_t cw_deps_bytes(const cw_deps *x)
{
    return x ? x->bytes + x->arena.total + x->readers.cap * sizeof(cw_hmap_slot) : 0;
}
