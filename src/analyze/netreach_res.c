/* netreach_res.c - internet reachability of resources behind security groups.
 *
 * A resource is internet reachable when it has a public address AND the union
 * of its security groups opens one of its ports to the whole internet:
 *   RDS DB instance  publiclyAccessible=true (otherwise its endpoint resolves
 *                    to private addresses only, whatever the groups allow),
 *                    endpoint port (engine default when unrecorded);
 *                    IPv6 too when networkType is DUAL;
 *   RDS DB cluster   Aurora: through its member instances (each has its own
 *                    publiclyAccessible; they share the cluster's groups);
 *                    Multi-AZ DB clusters carry publiclyAccessible themselves;
 *                    Aurora Serverless v1 never has a public endpoint;
 *   Redshift         publiclyAccessible=true, endpoint port (default 5439);
 *   OpenSearch /     a VPC domain has only private endpoints: never reachable
 *   Elasticsearch    from the internet; a domain outside a VPC has a public
 *                    endpoint (443, and 80 unless HTTPS is enforced); whether
 *                    anyone may use it is decided by its access policy
 *                    (opensearch.public) and fine-grained access control;
 *   EC2 instance     a public IPv4 address (or IPv6 address) while running;
 *                    every open port counts.
 * Groups are found through relationships and through the group ids in the
 * configuration; ids whose group is not in the inventory are reported in
 * net.missing_security_groups and the verdict is made without them. Network
 * ACLs and route tables are not considered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze_int.h"
#include "iam_policy.h"
#include "netreach.h"
#include "netreach_int.h"

void sgs_add(cw_assets *s, sgs *g, const char *id, cw_asset *target)
{
    if (!id || !*id) return;
    for (size_t i = 0; i < g->ids.n; i++)
        if (strcmp(g->ids.v[i], id) == 0) return;
    cw_strlist_add(&g->ids, id);
    /* the owner's relationships usually hold the group already resolved: a
     * live target of that type and id is what the index would return */
    for (uint32_t i = 0; !target && g->owner && i < g->owner->nrels; i++) {
        cw_asset *t = g->owner->rels[i].target;
        if (t && t->type && t->resource_id && strcmp(t->resource_id, id) == 0 &&
            strcmp(t->type, "AWS::EC2::SecurityGroup") == 0)
            target = t;
    }
    if (!target) target = cw_assets_find_rid(s, "AWS::EC2::SecurityGroup", id);
    if (target && !target->live) target = NULL;
    if (!target) {
        cw_strlist_add(&g->missing, id);
        return;
    }
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 4;
        g->v = cw_xrealloc(g->v, g->cap * sizeof *g->v);
    }
    g->v[g->n++] = target;
}

void sgs_from_rels(cw_assets *s, const cw_asset *a, sgs *g)
{
    for (uint32_t i = 0; i < a->nrels; i++) {
        const cw_rel *r = &a->rels[i];
        if (!r->type || strcmp(r->type, "AWS::EC2::SecurityGroup") != 0) continue;
        sgs_add(s, g, r->target ? r->target->resource_id : r->resource_id, r->target);
    }
}

/* ids from an array of objects holding key (e.g. vpcSecurityGroups[].vpcSecurityGroupId)
 * or of plain strings */
void sgs_from_array(cw_assets *s, sgs *g, const cw_json *arr, const char *key)
{
    if (!arr || arr->type != CW_JARR) return;
    for (uint32_t i = 0; i < arr->len; i++) {
        const cw_json *e = &arr->u.items[i];
        if (e->type == CW_JSTR) {
            sgs_add(s, g, e->u.str, NULL);
            continue;
        }
        const char *st = cw_json_str(cw_json_get_ci(e, "status"), NULL);
        if (st && strcasecmp(st, "inactive") == 0) continue;
        sgs_add(s, g, cw_json_str(cw_json_get_ci(e, key), NULL), NULL);
    }
}

void sgs_free(sgs *g)
{
    free(g->v);
    cw_strlist_free(&g->ids);
    cw_strlist_free(&g->missing);
}

void sgs_exposure(const sgs *g, cw_exposure *e)
{
    cw_sgcache_exposure(g->cache, g->v, g->n, e);
}

const char *list_text(cw_assets *s, const cw_strlist *l)
{
    char *o = cw_arena_strdup(&s->arena, "");
    for (size_t i = 0; i < l->n; i++) o = cw_arena_printf(&s->arena, "%s%s%s", o, i ? ", " : "", l->v[i]);
    return o;
}

void common_facts(cw_factset *fsp, const sgs *g, bool publicly, bool in_vpc)
{
    cw_fs_bool(fsp, "net.publicly_accessible", publicly);
    cw_fs_bool(fsp, "net.in_vpc", in_vpc);
    cw_fs_strs(fsp, "net.security_groups", g->ids.v, g->ids.n);
    cw_fs_strs(fsp, "net.missing_security_groups", g->missing.v, g->missing.n);
}

const char *missing_note(cw_assets *s, const sgs *g)
{
    if (!g->missing.n) return "";
    return cw_arena_printf(&s->arena, " (security group%s %s not in the inventory)", g->missing.n > 1 ? "s" : "",
                           list_text(s, &g->missing));
}

/* A database-like endpoint: public flag + groups + one TCP port. */
static void endpoint_verdict(cw_assets *s, cw_factset *fsp, const sgs *g, bool publicly, bool in_vpc, int port,
                             int fammask, const char *flag)
{
    common_facts(fsp, g, publicly, in_vpc);
    const char *reason;
    bool reach = false;
    cw_strlist ports = {0};
    if (!publicly) {
        reason = cw_arena_printf(&s->arena, "not internet reachable: %s is false, so the endpoint has only private "
                                            "addresses whatever its security groups allow", flag);
    } else {
        cw_exposure e;
        sgs_exposure(g, &e);
        if (cw_exposure_tcp_open(&e, fammask, port)) {
            reach = true;
            cw_strlist_add(&ports, cw_arena_printf(&s->arena, "%d", port));
            reason = cw_arena_printf(&s->arena, "internet reachable: %s is true and security group%s %s allow%s "
                                                "tcp/%d from the whole internet%s",
                                     flag, g->n > 1 ? "s" : "", list_text(s, &g->ids), g->n > 1 ? "" : "s", port,
                                     missing_note(s, g));
        } else {
            reason = cw_arena_printf(&s->arena, "not internet reachable: %s is true but no security group allows "
                                                "tcp/%d from the whole internet%s",
                                     flag, port, missing_note(s, g));
        }
        cw_exposure_free(&e);
    }
    cw_fs_bool(fsp, "net.internet_reachable", reach);
    cw_fs_strs(fsp, "net.reachable_ports", ports.v, ports.n);
    cw_fs_str(fsp, "net.reason", reason);
    cw_strlist_free(&ports);
}

static int engine_port(const char *engine)
{
    if (!engine) return 3306;
    if (strcasestr(engine, "postgres")) return 5432;
    if (strcasestr(engine, "oracle")) return 1521;
    if (strcasestr(engine, "sqlserver")) return 1433;
    if (strcasestr(engine, "db2")) return 50000;
    return 3306; /* mysql, mariadb, aurora(-mysql) */
}

static int port_of(const cw_json *v)
{
    double d = cw_json_num(v, 0);
    return d > 0 && d <= 65535 ? (int)d : 0;
}

static void rds_instance(cw_assets *s, cw_asset *a, const cw_sgcache *sc)
{
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    const cw_json *c = cw_conf(a);
    sgs g = {0};
    g.cache = sc;
    g.owner = a;
    sgs_from_array(s, &g, cw_json_get_ci(c, "vpcSecurityGroups"), "vpcSecurityGroupId");
    sgs_from_rels(s, a, &g);
    int port = port_of(cw_get_path_ci(c, "endpoint.port"));
    if (!port) port = port_of(cw_json_get_ci(c, "dbInstancePort"));
    if (!port) port = engine_port(cw_json_str(cw_json_get_ci(c, "engine"), NULL));
    bool in_vpc = g.ids.n || cw_get_path_ci(c, "dBSubnetGroup.vpcId");
    const char *nt = cw_json_str(cw_json_get_ci(c, "networkType"), "");
    int mask = CW_FAM_V4 | (strcasecmp(nt, "DUAL") == 0 ? CW_FAM_V6 : 0);
    endpoint_verdict(s, &fs, &g, cw_is_true(cw_json_get_ci(c, "publiclyAccessible")), in_vpc, port, mask,
                     "publiclyAccessible");
    cw_fs_commit(&fs);
    sgs_free(&g);
}

static void redshift(cw_assets *s, cw_asset *a, const cw_sgcache *sc)
{
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    const cw_json *c = cw_conf(a);
    sgs g = {0};
    g.cache = sc;
    g.owner = a;
    sgs_from_array(s, &g, cw_json_get_ci(c, "vpcSecurityGroups"), "vpcSecurityGroupId");
    sgs_from_rels(s, a, &g);
    int port = port_of(cw_get_path_ci(c, "endpoint.port"));
    if (!port) port = 5439;
    bool in_vpc = g.ids.n || cw_json_get_ci(c, "vpcId");
    endpoint_verdict(s, &fs, &g, cw_is_true(cw_json_get_ci(c, "publiclyAccessible")), in_vpc, port, CW_FAM_V4,
                     "publiclyAccessible");
    cw_fs_commit(&fs);
    sgs_free(&g);
}

static const char *inst_key(cw_assets *s, const char *acct, const char *region, const char *ident)
{
    return cw_arena_printf(&s->arena, "%s\x1f%s\x1f%s", acct ? acct : "", region ? region : "", ident);
}

static void rds_cluster(cw_assets *s, cw_asset *a, const cw_hmap *instances, const cw_sgcache *sc)
{
    const cw_json *c = cw_conf(a);
    if (cw_json_get_ci(c, "publiclyAccessible")) { /* Multi-AZ DB cluster */
        rds_instance(s, a, sc);
        return;
    }
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    sgs g = {0};
    g.cache = sc;
    g.owner = a;
    sgs_from_array(s, &g, cw_json_get_ci(c, "vpcSecurityGroups"), "vpcSecurityGroupId");
    sgs_from_rels(s, a, &g);
    common_facts(&fs, &g, false, true);
    const char *mode = cw_json_str(cw_json_get_ci(c, "engineMode"), "");
    cw_strlist pub = {0}, reach = {0}, absent = {0}, ports = {0};
    const cw_json *mem = cw_json_get_ci(c, "dbclusterMembers");
    if (!mem) mem = cw_json_get_ci(c, "dBClusterMembers");
    for (uint32_t i = 0; mem && mem->type == CW_JARR && i < mem->len; i++) {
        const char *id = cw_json_str(cw_json_get_ci(&mem->u.items[i], "dbinstanceIdentifier"), NULL);
        if (!id) continue;
        const char *k = inst_key(s, a->account, a->region, id);
        cw_asset *m = cw_hmap_get(instances, k, strlen(k));
        if (!m) {
            cw_strlist_add(&absent, id);
            continue;
        }
        if (cw_is_true(cw_fact_get(m, "net.publicly_accessible"))) cw_strlist_add(&pub, id);
        if (cw_is_true(cw_fact_get(m, "net.internet_reachable"))) {
            cw_strlist_add(&reach, id);
            const cw_json *rp = cw_fact_get(m, "net.reachable_ports");
            for (uint32_t j = 0; rp && rp->type == CW_JARR && j < rp->len; j++)
                cw_strlist_add_unique(&ports, cw_json_str(&rp->u.items[j], ""));
        }
    }
    const char *reason;
    if (strcasecmp(mode, "serverless") == 0)
        reason = "not internet reachable: Aurora Serverless v1 clusters have no public endpoint";
    else if (reach.n)
        reason = cw_arena_printf(&s->arena, "internet reachable through publicly accessible member instance%s %s",
                                 reach.n > 1 ? "s" : "", list_text(s, &reach));
    else if (pub.n)
        reason = cw_arena_printf(&s->arena, "not internet reachable: member instance%s %s %s publicly accessible "
                                            "but no security group opens the port to the whole internet",
                                 pub.n > 1 ? "s" : "", list_text(s, &pub), pub.n > 1 ? "are" : "is");
    else if (absent.n)
        reason = cw_arena_printf(&s->arena, "not internet reachable as far as recorded: member instance%s %s %s not "
                                            "in the inventory",
                                 absent.n > 1 ? "s" : "", list_text(s, &absent), absent.n > 1 ? "are" : "is");
    else
        reason = "not internet reachable: no member instance is publicly accessible";
    bool r = reach.n && strcasecmp(mode, "serverless") != 0;
    cw_fs_bool(&fs, "net.publicly_accessible", pub.n > 0 && strcasecmp(mode, "serverless") != 0);
    cw_fs_bool(&fs, "net.internet_reachable", r);
    cw_fs_strs(&fs, "net.reachable_ports", r ? ports.v : NULL, r ? ports.n : 0);
    cw_fs_str(&fs, "net.reason", reason);
    cw_strlist_free(&pub);
    cw_strlist_free(&reach);
    cw_strlist_free(&absent);
    cw_strlist_free(&ports);
    cw_fs_commit(&fs);
    sgs_free(&g);
}

static void ec2_instance(cw_assets *s, cw_asset *a, const cw_sgcache *sc)
{
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    const cw_json *c = cw_conf(a);
    sgs g = {0};
    g.cache = sc;
    g.owner = a;
    sgs_from_array(s, &g, cw_json_get_ci(c, "securityGroups"), "groupId");
    bool v4 = cw_json_str(cw_json_get_ci(c, "publicIpAddress"), "")[0] != 0, v6 = false;
    const cw_json *nis = cw_json_get_ci(c, "networkInterfaces");
    for (uint32_t i = 0; nis && nis->type == CW_JARR && i < nis->len; i++) {
        const cw_json *ni = &nis->u.items[i];
        sgs_from_array(s, &g, cw_json_get_ci(ni, "groups"), "groupId");
        if (cw_json_str(cw_get_path_ci(ni, "association.publicIp"), "")[0]) v4 = true;
        const cw_json *v6a = cw_json_get_ci(ni, "ipv6Addresses");
        if (v6a && v6a->type == CW_JARR && v6a->len) v6 = true;
    }
    sgs_from_rels(s, a, &g);
    const char *state = cw_json_str(cw_get_path_ci(c, "state.name"), "running");
    bool running = strcasecmp(state, "running") == 0 || strcasecmp(state, "pending") == 0;
    int mask = (v4 ? CW_FAM_V4 : 0) | (v6 ? CW_FAM_V6 : 0);
    common_facts(&fs, &g, mask != 0, cw_json_get_ci(c, "vpcId") != NULL);
    const char **ports = NULL;
    size_t np = 0;
    const char *reason;
    if (!mask) {
        reason = "not internet reachable: the instance has no public IPv4 or IPv6 address";
    } else if (!running) {
        reason = cw_arena_printf(&s->arena, "not internet reachable: the instance is %s", state);
    } else {
        cw_exposure e;
        sgs_exposure(&g, &e);
        np = cw_exposure_describe(&e, mask, &s->arena, &ports);
        if (np) {
            char *pl = cw_arena_strdup(&s->arena, "");
            for (size_t i = 0; i < np; i++) pl = cw_arena_printf(&s->arena, "%s%s%s", pl, i ? ", " : "", ports[i]);
            reason = cw_arena_printf(&s->arena, "internet reachable: public %s address and security groups %s open "
                                                "%s to the whole internet%s",
                                     mask == 3 ? "IPv4 and IPv6" : mask == 1 ? "IPv4" : "IPv6",
                                     list_text(s, &g.ids), pl, missing_note(s, &g));
        } else {
            reason = cw_arena_printf(&s->arena, "not internet reachable: the instance has a public address but no "
                                                "security group opens a port to the whole internet%s",
                                     missing_note(s, &g));
        }
        cw_exposure_free(&e);
    }
    cw_fs_bool(&fs, "net.internet_reachable", np > 0);
    cw_fs_strs(&fs, "net.reachable_ports", ports, np);
    cw_fs_str(&fs, "net.reason", reason);
    cw_fs_commit(&fs);
    sgs_free(&g);
}

static const char *const es_actions[] = {"es:ESHttpGet", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete",
                                         "es:ESHttpHead", "es:ESHttpPatch"};

static void search_domain(cw_assets *s, cw_asset *a, int64_t now)
{
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    const cw_json *c = cw_conf(a);
    sgs g = {0};
    g.owner = a;
    const cw_json *vpc = cw_json_get_ci(c, "VPCOptions");
    const cw_json *subnets = cw_json_get_ci(vpc, "SubnetIds");
    bool in_vpc = subnets && subnets->type == CW_JARR && subnets->len;
    if (in_vpc) {
        sgs_from_array(s, &g, cw_json_get_ci(vpc, "SecurityGroupIds"), "groupId");
        sgs_from_rels(s, a, &g);
    }
    common_facts(&fs, &g, !in_vpc, in_vpc);
    bool https = cw_is_true(cw_get_path_ci(c, "DomainEndpointOptions.EnforceHTTPS"));
    const char *ports[2] = {"443", "80"};
    cw_fs_bool(&fs, "net.internet_reachable", !in_vpc);
    cw_fs_strs(&fs, "net.reachable_ports", ports, in_vpc ? 0 : https ? 1 : 2);
    cw_fs_str(&fs, "net.reason", in_vpc ? "not internet reachable: the domain lives in a VPC and has only private "
                                             "endpoints"
                                           : "internet reachable: the domain is not in a VPC, its endpoint is public");
    /* who may use it */
    bool bad = false;
    const cw_json *doc = cw_json_doc(&s->arena, cw_json_get_ci(c, "AccessPolicies"), &bad);
    cw_policy *pol = cw_policy_compile(&s->arena, doc);
    const char *arn = a->id && strncmp(a->id, "arn:", 4) == 0 ? a->id : cw_json_str(cw_json_get_ci(c, "ARN"), NULL);
    cw_res_target t = {arn ? cw_arena_printf(&s->arena, "%s/", arn) : NULL, true};
    cw_policy_ctx ctx = {.owner_account = a->account, .now = now};
    cw_policy_verdict v = {0};
    bool pol_public = false;
    for (size_t i = 0; pol && i < sizeof es_actions / sizeof es_actions[0] && !pol_public; i++)
        pol_public = cw_policy_is_public(pol, &ctx, es_actions[i], &t, &s->arena, &v);
    bool fgac = cw_is_true(cw_get_path_ci(c, "AdvancedSecurityOptions.Enabled"));
    bool anon = cw_is_true(cw_get_path_ci(c, "AdvancedSecurityOptions.AnonymousAuthEnabled"));
    const char *why;
    bool pub = false;
    if (in_vpc)
        why = "not public: the domain is only reachable inside its VPC";
    else if (!pol)
        why = bad ? "not public as far as known: the access policy is not valid JSON"
                  : "not public: the domain has no access policy, so only signed requests authorised by IAM "
                    "identity policies get in";
    else if (!pol_public)
        why = cw_arena_printf(&s->arena, "not public: access policy: %s", v.why);
    else if (fgac && !anon)
        why = cw_arena_printf(&s->arena, "not public: the access policy is open (%s) but fine-grained access control "
                                         "requires credentials",
                              v.why);
    else {
        pub = true;
        why = cw_arena_printf(&s->arena, "public endpoint and access policy %s%s", v.why,
                              fgac ? "; fine-grained access control allows anonymous access" : "");
    }
    cw_fs_bool(&fs, "opensearch.public", pub);
    cw_fs_str(&fs, "opensearch.reason", why);
    cw_fs_commit(&fs);
    sgs_free(&g);
}

void cw_an_netreach(cw_assets *s)
{
    cw_sgcache *cache = cw_sgcache_new(s);
    cw_an_netreach_sg(s, cache);
    int64_t now = cw_analyze_time(s);
    cw_hmap inst;
    cw_hmap_init(&inst);
    /* the instances by identifier are for clusters only: built when a cluster is analysed (on the incremental
     * path, building it for every instance of the estate at each change was most of an apply) */
    bool clusters = false;
    const cw_asset_list *l = cw_assets_of_type(s, "AWS::RDS::DBCluster");
    for (size_t i = 0; i < l->n && !clusters; i++) clusters = cw_an_target(s, l->v[i]);
    l = cw_assets_of_type(s, "AWS::RDS::DBInstance");
    for (size_t i = 0; i < l->n; i++) {
        cw_asset *a = l->v[i];
        if (cw_an_target(s, a)) rds_instance(s, a, cache);
        if (!clusters) continue;
        const char *id = cw_json_str(cw_json_get_ci(cw_conf(a), "dBInstanceIdentifier"), a->name);
        if (id) {
            const char *k = inst_key(s, a->account, a->region, id);
            cw_hmap_put(&inst, k, strlen(k), a);
        }
    }
    l = cw_assets_of_type(s, "AWS::RDS::DBCluster");
    for (size_t i = 0; i < l->n; i++)
        if (cw_an_target(s, l->v[i])) rds_cluster(s, l->v[i], &inst, cache);
    cw_hmap_free(&inst);
    l = cw_assets_of_type(s, "AWS::Redshift::Cluster");
    for (size_t i = 0; i < l->n; i++)
        if (cw_an_target(s, l->v[i])) redshift(s, l->v[i], cache);
    l = cw_assets_of_type(s, "AWS::EC2::Instance");
    for (size_t i = 0; i < l->n; i++)
        if (cw_an_target(s, l->v[i])) ec2_instance(s, l->v[i], cache);
    static const char *const dom[] = {"AWS::Elasticsearch::Domain", "AWS::OpenSearch::Domain",
                                      "AWS::OpenSearchService::Domain"};
    for (size_t k = 0; k < 3; k++) {
        l = cw_assets_of_type(s, dom[k]);
        for (size_t i = 0; i < l->n; i++)
            if (cw_an_target(s, l->v[i])) search_domain(s, l->v[i], now);
    }
    cw_an_front(s, cache, now);
    cw_sgcache_free(cache);
}
