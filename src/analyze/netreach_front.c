/* netreach_front.c - the front doors of an estate: internet-facing load
 * balancers, API Gateway stages and EKS cluster endpoints, and what the
 * inventory shows behind them.
 *
 *   ELBv2 load balancer  (AWS::ElasticLoadBalancingV2::LoadBalancer) reachable
 *       when its scheme is internet-facing and a listener port is open: for an
 *       Application Load Balancer (and a Network Load Balancer with security
 *       groups) the groups must admit the whole internet on the listener
 *       port; a Network Load Balancer without groups passes every client.
 *       Listeners: AWS::ElasticLoadBalancingV2::Listener items (LoadBalancerArn,
 *       Port, Protocol); without any in the inventory the ports the groups
 *       open are used and the reason says so. Behind it: the target groups of
 *       the listeners' forward actions (AWS::ElasticLoadBalancingV2::TargetGroup
 *       Targets) and the assets those targets are (instances, Lambda
 *       functions), with their data.customer fact.
 *   API Gateway REST stage (AWS::ApiGateway::Stage, its AWS::ApiGateway::RestApi)
 *       public unless the API's endpoint type is PRIVATE (reachable only
 *       through interface VPC endpoints), its default execute-api endpoint is
 *       disabled, its resource policy admits no stranger to execute-api:Invoke
 *       on the stage (the one policy evaluator), or every method the inventory
 *       holds (AWS::ApiGateway::Method) needs Cognito or a Lambda authorizer.
 *       Behind it: AWS service integrations of its methods (s3, dynamodb, sqs,
 *       kinesis, ...) and Lambda functions.
 *   API Gateway v2 stage (AWS::ApiGatewayV2::Stage, its AWS::ApiGatewayV2::Api)
 *       public unless disableExecuteApiEndpoint (HTTP and WebSocket APIs have
 *       no resource policies and no private endpoints); behind it: the API's
 *       integrations (AWS::ApiGatewayV2::Integration).
 *   EKS cluster (AWS::EKS::Cluster) its Kubernetes API endpoint is reachable
 *       when ResourcesVpcConfig.EndpointPublicAccess is true and
 *       PublicAccessCidrs cover every public IPv4 address (AWS's default
 *       0.0.0.0/0 when the list is absent).
 * Facts: net.* as for databases; lb.internet_facing, lb.listeners,
 * lb.targets, lb.fronts_customer_data; api.public, api.reason, api.fronts,
 * api.open_methods; eks.public_endpoint, eks.public_access_cidrs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iam_policy.h"
#include "ipset.h"
#include "netreach_int.h"
#include "../util/hmap.h"

static const char *sget(const cw_json *c, const char *path)
{
    return cw_json_str(cw_get_path_ci(c, path), NULL);
}

static int port_num(const cw_json *v)
{
    double d = cw_json_num(v, 0);
    return d > 0 && d <= 65535 ? (int)d : 0;
}

/* ---- load balancers ----------------------------------------------------- */

/* listeners by load balancer ARN: a chain through a small array */
typedef struct lst_map {
    cw_hmap by_lb; /* lb arn -> (index + 1) into heads */
    cw_asset **v;
    size_t *next; /* next index with the same lb, or SIZE_MAX */
    size_t *heads;
    size_t n, nheads;
} lst_map;

static void lst_build(cw_assets *s, lst_map *m)
{
    memset(m, 0, sizeof *m);
    cw_hmap_init(&m->by_lb);
    const cw_asset_list *l = cw_assets_of_type(s, "AWS::ElasticLoadBalancingV2::Listener");
    m->v = cw_xmalloc((l->n ? l->n : 1) * sizeof *m->v);
    m->next = cw_xmalloc((l->n ? l->n : 1) * sizeof *m->next);
    m->heads = cw_xmalloc((l->n ? l->n : 1) * sizeof *m->heads);
    for (size_t i = 0; i < l->n; i++) {
        cw_asset *a = l->v[i];
        const char *lb = sget(cw_conf(a), "LoadBalancerArn");
        if (!a->live || !lb) continue;
        size_t k = m->n++;
        m->v[k] = a;
        m->next[k] = SIZE_MAX;
        uintptr_t h = (uintptr_t)cw_hmap_get(&m->by_lb, lb, strlen(lb));
        if (h) {
            /* append to the chain's head (order does not matter) */
            size_t *head = &m->heads[h - 1];
            m->next[k] = *head;
            *head = k;
        } else {
            m->heads[m->nheads] = k;
            cw_hmap_put(&m->by_lb, lb, strlen(lb), (void *)(uintptr_t)(m->nheads + 1));
            m->nheads++;
        }
    }
}

static void lst_free(lst_map *m)
{
    cw_hmap_free(&m->by_lb);
    free(m->v);
    free(m->next);
    free(m->heads);
}

static bool udp_proto(const char *p)
{
    return p && (strcasecmp(p, "UDP") == 0 || strcasecmp(p, "TCP_UDP") == 0);
}

/* target group ARNs of a listener's default actions */
static void listener_tgs(const cw_json *c, cw_strlist *out)
{
    const cw_json *acts = cw_json_get_ci(c, "DefaultActions");
    for (size_t i = 0; acts && acts->type == CW_JARR && i < acts->len; i++) {
        const cw_json *a = cw_json_at(acts, i);
        const char *tg = sget(a, "TargetGroupArn");
        if (tg) cw_strlist_add_unique(out, tg);
        const cw_json *fw = cw_get_path_ci(a, "ForwardConfig.TargetGroups");
        for (size_t j = 0; fw && fw->type == CW_JARR && j < fw->len; j++) {
            const char *t = sget(cw_json_at(fw, j), "TargetGroupArn");
            if (t) cw_strlist_add_unique(out, t);
        }
    }
}

static cw_asset *find_live(cw_assets *s, const char *type, const char *id)
{
    if (!id) return NULL;
    cw_asset *a = cw_assets_find(s, id);
    if (!a) a = cw_assets_find_rid(s, type, id);
    return a && a->live ? a : NULL;
}

/* the assets behind the target groups: instances by id, Lambda functions by ARN */
static void lb_targets(cw_assets *s, const cw_strlist *tgs, cw_strlist *targets, bool *customer)
{
    for (size_t i = 0; i < tgs->n; i++) {
        cw_asset *tg = find_live(s, "AWS::ElasticLoadBalancingV2::TargetGroup", tgs->v[i]);
        if (!tg) continue;
        const cw_json *ts = cw_json_get_ci(cw_conf(tg), "Targets");
        const char *ttype = sget(cw_conf(tg), "TargetType");
        for (size_t j = 0; ts && ts->type == CW_JARR && j < ts->len; j++) {
            const char *id = sget(cw_json_at(ts, j), "Id");
            if (!id) continue;
            cw_asset *t = NULL;
            if (strncmp(id, "arn:", 4) == 0) t = find_live(s, "AWS::Lambda::Function", id);
            else if (!ttype || strcasecmp(ttype, "instance") == 0) t = find_live(s, "AWS::EC2::Instance", id);
            cw_strlist_add_unique(targets, t ? t->id : id);
            if (t && cw_is_true(cw_fact_get(t, "data.customer"))) *customer = true;
        }
    }
}

static void load_balancer(cw_assets *s, cw_asset *a, const cw_sgcache *cache, const lst_map *lm)
{
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    cw_arena *ar = &s->arena;
    const cw_json *c = cw_conf(a);
    sgs g = {0};
    g.cache = cache;
    g.owner = a;
    sgs_from_array(s, &g, cw_json_get_ci(c, "securityGroups"), "groupId");
    sgs_from_rels(s, a, &g);
    const char *scheme = sget(c, "scheme");
    const char *type = sget(c, "type");
    bool facing = scheme && strcasecmp(scheme, "internet-facing") == 0;
    bool nlb = type && strcasecmp(type, "network") == 0;
    bool gwlb = type && strcasecmp(type, "gateway") == 0;
    bool filtered = !nlb || g.ids.n > 0; /* ALBs always have groups; NLBs only when created with them */
    const char *arn = sget(c, "loadBalancerArn");
    if (!arn) arn = a->id;
    common_facts(&fs, &g, facing, sget(c, "vpcId") != NULL);
    cw_strlist listeners = {0}, open = {0}, tgs = {0}, targets = {0};
    size_t nl = 0;
    cw_exposure e;
    sgs_exposure(&g, &e);
    uintptr_t h = arn ? (uintptr_t)cw_hmap_get(&lm->by_lb, arn, strlen(arn)) : 0;
    for (size_t k = h ? lm->heads[h - 1] : SIZE_MAX; k != SIZE_MAX; k = lm->next[k]) {
        const cw_json *lc = cw_conf(lm->v[k]);
        int port = port_num(cw_json_get_ci(lc, "Port"));
        const char *proto = sget(lc, "Protocol");
        if (!port) continue;
        nl++;
        const char *text = cw_arena_printf(ar, "%s:%d", proto ? proto : "TCP", port);
        cw_strlist_add(&listeners, text);
        listener_tgs(lc, &tgs);
        bool is_open = !filtered;
        if (filtered) {
            if (udp_proto(proto)) {
                for (int f = 0; f < 2 && !is_open; f++) {
                    is_open = e.all[f];
                    for (size_t r = 0; r < e.nudp[f] && !is_open; r++)
                        is_open = e.udp[f][r].lo <= port && port <= e.udp[f][r].hi;
                }
            }
            if (!udp_proto(proto) || (proto && strcasecmp(proto, "TCP_UDP") == 0))
                is_open = is_open || cw_exposure_tcp_open(&e, CW_FAM_ANY, port);
        }
        if (is_open) cw_strlist_add_unique(&open, cw_arena_printf(ar, "%d", port));
    }
    bool customer = false;
    lb_targets(s, &tgs, &targets, &customer);
    const char *reason;
    bool reach = false;
    if (gwlb) {
        reason = "not internet reachable: a Gateway Load Balancer has no listeners clients connect to";
    } else if (!facing) {
        reason = cw_arena_printf(ar, "not internet reachable: the load balancer's scheme is %s, so it has only "
                                     "private addresses whatever its security groups allow",
                                 scheme ? scheme : "not recorded");
    } else if (!nl) {
        /* listeners not in the inventory: what the groups open */
        const char **desc = NULL;
        size_t nd = filtered ? cw_exposure_describe(&e, CW_FAM_ANY, ar, &desc) : 0;
        for (size_t i = 0; i < nd; i++) cw_strlist_add(&open, desc[i]);
        reach = !filtered || nd > 0;
        reason = !filtered
                     ? "internet reachable: an internet-facing Network Load Balancer without security groups passes "
                       "every client to its listeners (its listeners are not in the inventory)"
                 : nd ? cw_arena_printf(ar, "internet reachable: internet-facing, and security group%s %s admit%s the "
                                            "whole internet on %s (its listeners are not in the inventory)%s",
                                        g.n > 1 ? "s" : "", list_text(s, &g.ids), g.n > 1 ? "" : "s",
                                        list_text(s, &open), missing_note(s, &g))
                      : cw_arena_printf(ar, "not internet reachable: internet-facing, but no security group admits "
                                            "the whole internet (its listeners are not in the inventory)%s",
                                        missing_note(s, &g));
    } else if (open.n) {
        reach = true;
        reason = cw_arena_printf(ar, "internet reachable: internet-facing, listener port%s %s open to the whole "
                                     "internet%s%s",
                                 open.n > 1 ? "s" : "", list_text(s, &open),
                                 filtered ? cw_arena_printf(ar, " through security group%s %s", g.n > 1 ? "s" : "",
                                                            list_text(s, &g.ids))
                                          : " (a Network Load Balancer without security groups)",
                                 missing_note(s, &g));
    } else {
        reason = cw_arena_printf(ar, "not internet reachable: internet-facing, but no security group admits the "
                                     "whole internet on its listener port%s %s%s",
                                 nl > 1 ? "s" : "", list_text(s, &listeners), missing_note(s, &g));
    }
    if (reach && targets.n)
        reason = cw_arena_printf(ar, "%s; behind it: %s%s", reason, list_text(s, &targets),
                                 customer ? " (tagged as holding customer data)" : "");
    cw_exposure_free(&e);
    cw_fs_bool(&fs, "net.internet_reachable", reach);
    cw_fs_strs(&fs, "net.reachable_ports", open.v, reach ? open.n : 0);
    cw_fs_str(&fs, "net.reason", reason);
    cw_fs_bool(&fs, "lb.internet_facing", facing);
    cw_fs_strs(&fs, "lb.listeners", listeners.v, listeners.n);
    cw_fs_strs(&fs, "lb.targets", targets.v, targets.n);
    cw_fs_bool(&fs, "lb.fronts_customer_data", reach && customer);
    cw_fs_commit(&fs);
    cw_strlist_free(&listeners);
    cw_strlist_free(&open);
    cw_strlist_free(&tgs);
    cw_strlist_free(&targets);
    sgs_free(&g);
}

/* ---- EKS ------------------------------------------------------------------ */

static void eks_cluster(cw_assets *s, cw_asset *a)
{
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    cw_arena *ar = &s->arena;
    const cw_json *v = cw_json_get_ci(cw_conf(a), "ResourcesVpcConfig");
    const cw_json *pub = cw_json_get_ci(v, "EndpointPublicAccess");
    const cw_json *cidrs = cw_json_get_ci(v, "PublicAccessCidrs");
    bool public_ep = pub && cw_is_true(pub);
    cw_strlist list = {0};
    cw_ipset set;
    cw_ipset_init(&set, 4);
    if (cidrs && cidrs->type == CW_JARR) {
        for (size_t i = 0; i < cidrs->len; i++) {
            const char *t = cw_json_str(cw_json_at(cidrs, i), NULL);
            int fam;
            cw_u128 lo, hi;
            if (!t) continue;
            cw_strlist_add(&list, t);
            if (cw_ip_parse_cidr(t, &fam, &lo, &hi) == 0 && fam == 4) cw_ipset_add(&set, lo, hi);
        }
    } else if (public_ep) {
        cw_strlist_add(&list, "0.0.0.0/0");
        cw_ipset_add(&set, 0, cw_ip_max(4));
    }
    cw_ipset_normalize(&set);
    bool open = public_ep && cw_ipset_covers_public(&set);
    const char *reason;
    if (!pub)
        reason = "not internet reachable as far as recorded: the item does not record EndpointPublicAccess";
    else if (!public_ep)
        reason = "not internet reachable: the Kubernetes API endpoint is private (EndpointPublicAccess false)";
    else if (open)
        reason = cw_arena_printf(ar, "internet reachable: the Kubernetes API endpoint is public and PublicAccessCidrs "
                                     "(%s) admit every public address%s",
                                 list_text(s, &list), cidrs ? "" : " (AWS's default when none are set)");
    else
        reason = cw_arena_printf(ar, "not internet reachable: the endpoint is public but only for %s",
                                 list_text(s, &list));
    const char *ports[] = {"443"};
    cw_fs_bool(&fs, "eks.public_endpoint", public_ep);
    cw_fs_strs(&fs, "eks.public_access_cidrs", list.v, public_ep ? list.n : 0);
    cw_fs_bool(&fs, "net.publicly_accessible", public_ep);
    cw_fs_bool(&fs, "net.internet_reachable", open);
    cw_fs_strs(&fs, "net.reachable_ports", ports, open ? 1 : 0);
    cw_fs_str(&fs, "net.reason", reason);
    cw_fs_commit(&fs);
    cw_ipset_free(&set);
    cw_strlist_free(&list);
}

/* ---- API Gateway ------------------------------------------------------------ */

/* "arn:aws:apigateway:R::/restapis/ID/stages/S" -> ID and the API's ARN */
static bool api_of_stage(cw_arena *a, const char *stage_arn, const char *kind, const char **api_arn,
                         const char **api_id)
{
    if (!stage_arn) return false;
    const char *k = strstr(stage_arn, kind);
    if (!k) return false;
    const char *id = k + strlen(kind);
    const char *end = strchr(id, '/');
    if (!end || end == id) return false;
    *api_arn = cw_arena_printf(a, "%.*s", (int)(end - stage_arn), stage_arn);
    *api_id = cw_arena_printf(a, "%.*s", (int)(end - id), id);
    return true;
}

static cw_asset *related(cw_assets *s, cw_asset *a, const char *type, const char *arn, const char *id)
{
    cw_asset *t = NULL;
    if (cw_asset_related(a, type, &t, 1) && t && t->live) return t;
    t = find_live(s, type, arn);
    return t ? t : find_live(s, type, id);
}

/* API Gateway returns the policy JSON with its quotes escaped once more
 * ("{\"Version\":...}"); undo that when the text does not parse. */
static const cw_json *api_policy(cw_arena *a, const cw_json *v, bool *bad)
{
    const cw_json *d = cw_json_doc(a, v, bad);
    if (d || !v || v->type != CW_JSTR || !strstr(v->u.str, "\\\"")) return d;
    char *t = cw_arena_alloc(a, v->len + 1), *w = t;
    for (const char *p = v->u.str; *p; p++) {
        if (p[0] == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == '/')) p++;
        *w++ = *p;
    }
    *w = 0;
    cw_json_err err;
    d = cw_json_parse(a, t, (size_t)(w - t), &err);
    *bad = d == NULL;
    return d;
}

/* what an integration URI reaches: "s3 (arn:aws:apigateway:...:s3:path/b/{k})", a Lambda function */
static const char *integration_target(cw_assets *s, const char *uri)
{
    static const char *const svc[] = {"s3", "dynamodb", "sqs", "kinesis", "firehose", "sns", "rds-data",
                                      "secretsmanager", NULL};
    if (!uri) return NULL;
    const char *fn = strstr(uri, ":function:");
    if (fn && strstr(uri, "lambda")) {
        /* .../functions/arn:aws:lambda:R:A:function:NAME/invocations or the bare ARN */
        const char *start = strstr(uri, "arn:aws:lambda:");
        if (start) {
            const char *end = strstr(start, "/invocations");
            return cw_arena_printf(&s->arena, "lambda %.*s", (int)(end ? end - start : (long)strlen(start)), start);
        }
    }
    if (strncmp(uri, "arn:aws:apigateway:", 19) == 0) {
        const char *p = strchr(uri + 19, ':');
        if (p) {
            p++;
            for (const char *const *x = svc; *x; x++) {
                size_t n = strlen(*x);
                if (strncmp(p, *x, n) == 0 && p[n] == ':') return cw_arena_printf(&s->arena, "%s (%s)", *x, uri);
            }
        }
    }
    return NULL;
}

static bool data_service(const char *t)
{
    return t && (strncmp(t, "s3 ", 3) == 0 || strncmp(t, "dynamodb ", 9) == 0 || strncmp(t, "sqs ", 4) == 0 ||
                 strncmp(t, "kinesis ", 8) == 0 || strncmp(t, "rds-data ", 9) == 0 ||
                 strncmp(t, "secretsmanager ", 15) == 0 || strncmp(t, "firehose ", 9) == 0);
}

static void api_facts(cw_factset *fs, bool pub, const char *why, const cw_strlist *fronts, size_t open_methods,
                      bool data)
{
    cw_fs_bool(fs, "api.public", pub);
    cw_fs_str(fs, "api.reason", why);
    cw_fs_strs(fs, "api.fronts", fronts->v, fronts->n);
    cw_fs_bool(fs, "api.fronts_data_store", pub && data);
    cw_fs_ints(fs, "api.open_methods", (const int64_t[]){(int64_t)open_methods}, 1);
    cw_fs_bool(fs, "net.internet_reachable", pub);
    cw_fs_str(fs, "net.reason", why);
    static const char *const ports[] = {"443"};
    cw_fs_strs(fs, "net.reachable_ports", ports, pub ? 1 : 0);
}

static void rest_stage(cw_assets *s, cw_asset *a, int64_t now)
{
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    cw_arena *ar = &s->arena;
    const char *stage = sget(cw_conf(a), "stageName");
    if (!stage) stage = a->name;
    const char *api_arn = NULL, *api_id = NULL;
    api_of_stage(ar, a->id, "/restapis/", &api_arn, &api_id);
    cw_asset *api = related(s, a, "AWS::ApiGateway::RestApi", api_arn, api_id);
    const cw_json *ac = api ? cw_conf(api) : NULL;
    if (api && !api_id) api_id = sget(ac, "id");
    /* methods and their integrations */
    cw_strlist fronts = {0};
    size_t nmeth = 0, open = 0;
    bool data = false;
    const cw_asset_list *ml = cw_assets_of_type(s, "AWS::ApiGateway::Method");
    for (size_t i = 0; api_id && i < ml->n; i++) {
        const cw_json *mc = cw_conf(ml->v[i]);
        const char *rid = sget(mc, "RestApiId");
        if (!ml->v[i]->live || !rid || strcmp(rid, api_id) != 0) continue;
        const char *at = sget(mc, "AuthorizationType");
        if (sget(mc, "HttpMethod") && strcasecmp(sget(mc, "HttpMethod"), "OPTIONS") == 0) continue;
        nmeth++;
        bool keyreq = cw_is_true(cw_json_get_ci(mc, "ApiKeyRequired"));
        /* AWS_IAM: any AWS account's signed request when the resource policy admits it */
        bool m_open = !at || strcasecmp(at, "NONE") == 0 || strcasecmp(at, "AWS_IAM") == 0;
        if (m_open && !keyreq) {
            open++;
            const char *t = integration_target(s, sget(mc, "Integration.Uri"));
            if (t) cw_strlist_add_unique(&fronts, t);
            if (data_service(t)) data = true;
        }
    }
    const char *why;
    bool pub = false;
    const cw_json *types = cw_get_path_ci(ac, "endpointConfiguration.types");
    bool private_ep = false;
    for (size_t i = 0; types && types->type == CW_JARR && i < types->len; i++)
        if (strcasecmp(cw_json_str(cw_json_at(types, i), ""), "PRIVATE") == 0) private_ep = true;
    if (!api) {
        why = "not public as far as known: the stage's REST API is not in the inventory";
    } else if (private_ep) {
        why = "not public: a PRIVATE REST API is reachable only through interface VPC endpoints";
    } else if (cw_is_true(cw_json_get_ci(ac, "disableExecuteApiEndpoint"))) {
        why = "not public through execute-api: the default endpoint is disabled (custom domain names are not in the "
              "inventory)";
    } else {
        bool bad = false;
        const cw_json *doc = api_policy(ar, cw_json_get_ci(ac, "policy"), &bad);
        cw_policy *pol = cw_policy_compile(ar, doc);
        const char *acct = api->account ? api->account : a->account;
        const char *pol_why = NULL;
        bool pol_open = true;
        if (pol) {
            cw_res_target t = {cw_arena_printf(ar, "arn:aws:execute-api:%s:%s:%s/%s/", a->region ? a->region : "*",
                                               acct ? acct : "*", api_id ? api_id : "*", stage ? stage : "*"),
                               true};
            cw_policy_ctx ctx = {.owner_account = acct, .now = now};
            cw_policy_verdict v = {0};
            pol_open = cw_policy_is_public(pol, &ctx, "execute-api:Invoke", &t, ar, &v);
            pol_why = v.why;
        }
        if (bad && !pol) {
            why = "not public as far as known: the resource policy is not valid JSON";
        } else if (!pol_open) {
            why = cw_arena_printf(ar, "not public: resource policy: %s", pol_why);
        } else if (nmeth && !open) {
            why = cw_arena_printf(ar, "not public: a public endpoint%s, but every one of its %zu methods needs a "
                                      "Cognito user pool, a Lambda authorizer or an API key",
                                  pol ? " and resource policy" : "", nmeth);
        } else {
            pub = true;
            const char *m = nmeth ? cw_arena_printf(ar, "%zu of its %zu method%s need%s no authorizer", open, nmeth,
                                                    nmeth > 1 ? "s" : "", open > 1 ? "" : "s")
                                  : "its methods' authorization is not in the inventory";
            why = pol ? cw_arena_printf(ar, "public: %s endpoint, resource policy %s; %s",
                                        types && types->len ? cw_json_str(cw_json_at(types, 0), "REGIONAL")
                                                            : "EDGE",
                                        pol_why, m)
                      : cw_arena_printf(ar, "public: %s endpoint and no resource policy; %s",
                                        types && types->len ? cw_json_str(cw_json_at(types, 0), "REGIONAL")
                                                            : "EDGE",
                                        m);
            if (fronts.n)
                why = cw_arena_printf(ar, "%s; behind it: %s", why, list_text(s, &fronts));
        }
    }
    api_facts(&fs, pub, why, &fronts, open, data);
    cw_fs_commit(&fs);
    cw_strlist_free(&fronts);
}

static void v2_stage(cw_assets *s, cw_asset *a)
{
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    cw_arena *ar = &s->arena;
    const char *api_arn = NULL, *api_id = NULL;
    api_of_stage(ar, a->id, "/apis/", &api_arn, &api_id);
    cw_asset *api = related(s, a, "AWS::ApiGatewayV2::Api", api_arn, api_id);
    const cw_json *ac = api ? cw_conf(api) : NULL;
    if (api && !api_id) api_id = sget(ac, "apiId");
    cw_strlist fronts = {0};
    bool data = false;
    const cw_asset_list *il = cw_assets_of_type(s, "AWS::ApiGatewayV2::Integration");
    for (size_t i = 0; api_id && i < il->n; i++) {
        const cw_json *ic = cw_conf(il->v[i]);
        const char *id = sget(ic, "ApiId");
        if (!il->v[i]->live || !id || strcmp(id, api_id) != 0) continue;
        const char *sub = sget(ic, "IntegrationSubtype"); /* "SQS-SendMessage", "Kinesis-PutRecord", ... */
        const char *t = sub ? cw_arena_printf(ar, "%s (AWS service integration)", sub)
                            : integration_target(s, sget(ic, "IntegrationUri"));
        if (!t && sget(ic, "IntegrationUri")) t = sget(ic, "IntegrationUri");
        if (!t) continue;
        cw_strlist_add_unique(&fronts, t);
        if (sub && (strncasecmp(sub, "SQS-", 4) == 0 || strncasecmp(sub, "Kinesis-", 8) == 0 ||
                    strncasecmp(sub, "AppConfig-", 10) == 0))
            data = true;
    }
    const char *why;
    bool pub = false;
    if (!api) {
        why = "not public as far as known: the stage's API is not in the inventory";
    } else if (cw_is_true(cw_json_get_ci(ac, "disableExecuteApiEndpoint"))) {
        why = "not public through execute-api: the default endpoint is disabled (custom domain names are not in the "
              "inventory)";
    } else {
        pub = true;
        const char *ep = sget(ac, "apiEndpoint");
        why = cw_arena_printf(ar, "public: %s API endpoint %s (HTTP and WebSocket APIs have no resource policy or "
                                  "private endpoint; route authorizers are not in the inventory)",
                              sget(ac, "protocolType") ? sget(ac, "protocolType") : "HTTP", ep ? ep : "execute-api");
        if (fronts.n) why = cw_arena_printf(ar, "%s; behind it: %s", why, list_text(s, &fronts));
    }
    api_facts(&fs, pub, why, &fronts, 0, data);
    cw_fs_commit(&fs);
    cw_strlist_free(&fronts);
}

void cw_an_front(cw_assets *s, const cw_sgcache *cache, int64_t now)
{
    lst_map lm;
    lst_build(s, &lm);
    const cw_asset_list *l = cw_assets_of_type(s, "AWS::ElasticLoadBalancingV2::LoadBalancer");
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i]->live && cw_an_target(s, l->v[i])) load_balancer(s, l->v[i], cache, &lm);
    lst_free(&lm);
    l = cw_assets_of_type(s, "AWS::EKS::Cluster");
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i]->live && cw_an_target(s, l->v[i])) eks_cluster(s, l->v[i]);
    l = cw_assets_of_type(s, "AWS::ApiGateway::Stage");
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i]->live && cw_an_target(s, l->v[i])) rest_stage(s, l->v[i], now);
    l = cw_assets_of_type(s, "AWS::ApiGatewayV2::Stage");
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i]->live && cw_an_target(s, l->v[i])) v2_stage(s, l->v[i]);
}
