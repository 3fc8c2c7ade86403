/* ctrail_ec2.c - CloudTrail calls on security groups and RDS to configuration
 * items (see ctrail.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ctrail.h"

/* ---- security groups --------------------------------------------------------- */
/* "tcp", "6", 6 -> "tcp"; "-1", "all" -> "-1" */
static const char *proto_norm(const cw_json *v, char buf[8])
{
    if (!v) return NULL;
    const char *s = NULL;
    if (v->type == CW_JNUM) {
        /* a protocol number (0-255); anything else is not one (a cast out of range is undefined: found by fuzzing) */
        double d = v->u.num;
        if (d >= -1 && d <= 255 && d == (double)(int)d) snprintf(buf, 8, "%d", (int)d);
        else snprintf(buf, 8, "?");
        s = buf;
    } else if (v->type == CW_JSTR) s = v->u.str;
    if (!s) return NULL;
    static const char *const map[][2] = {{"6", "tcp"}, {"17", "udp"}, {"1", "icmp"}, {"58", "icmpv6"}, {"all", "-1"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(s, map[i][0]) == 0 || strcasecmp(s, map[i][1]) == 0) return map[i][1];
    return s;
}

/* a port (-1 for ICMP "all"), -1 when absent, -2 when not a port number */
static int port(const cw_json *p, const char *key)
{
    const cw_json *v = cw_json_get(p, key);
    if (!v) return -1;
    double d = cw_json_num(v, -1);
    return d >= -1 && d <= 65535 && d == (double)(int)d ? (int)d : -2;
}

static bool same_rule(const cw_json *a, const cw_json *b)
{
    char x[8], y[8];
    const char *pa = proto_norm(cw_json_get_ci(a, "ipProtocol"), x), *pb = proto_norm(cw_json_get_ci(b, "ipProtocol"), y);
    if (!pa || !pb || strcasecmp(pa, pb) != 0) return false;
    if (strcmp(pa, "-1") == 0) return true;
    return port(a, "fromPort") == port(b, "fromPort") && port(a, "toPort") == port(b, "toPort");
}

typedef struct src {
    const char *list;  /* the item's list: ipRanges (strings), ipv4Ranges, ipv6Ranges, userIdGroupPairs, prefixListIds */
    const char *key;   /* member in object elements */
    const char *value;
    const char *user;  /* userIdGroupPairs: the group's account */
} src;

typedef struct srcs {
    src v[64];
    size_t n;
    bool truncated;
} srcs;

static void add_src(srcs *s, const char *list, const char *key, const char *value, const char *user)
{
    if (!value) return;
    if (s->n == sizeof s->v / sizeof s->v[0]) {
        s->truncated = true;
        return;
    }
    s->v[s->n++] = (src){list, key, value, user};
}

/* the sources of one CloudTrail ipPermission */
static void sources_of(const cw_json *p, srcs *s)
{
    uint32_t n;
    const cw_json *r = cw_ct_items(cw_json_get(p, "ipRanges"), &n);
    for (uint32_t i = 0; i < n; i++) add_src(s, "ipv4Ranges", "cidrIp", cw_json_str(cw_json_get(&r[i], "cidrIp"), NULL), NULL);
    r = cw_ct_items(cw_json_get(p, "ipv6Ranges"), &n);
    for (uint32_t i = 0; i < n; i++)
        add_src(s, "ipv6Ranges", "cidrIpv6", cw_json_str(cw_json_get(&r[i], "cidrIpv6"), NULL), NULL);
    r = cw_ct_items(cw_json_get(p, "groups"), &n);
    for (uint32_t i = 0; i < n; i++)
        add_src(s, "userIdGroupPairs", "groupId", cw_json_str(cw_json_get(&r[i], "groupId"), NULL),
                cw_json_str(cw_json_get(&r[i], "userId"), NULL));
    r = cw_ct_items(cw_json_get(p, "prefixListIds"), &n);
    for (uint32_t i = 0; i < n; i++)
        add_src(s, "prefixListIds", "prefixListId", cw_json_str(cw_json_get(&r[i], "prefixListId"), NULL), NULL);
}

static bool elem_is(const cw_json *e, const src *x)
{
    if (e->type == CW_JSTR) return strcmp(x->list, "ipv4Ranges") == 0 && strcmp(e->u.str, x->value) == 0;
    return strcmp(cw_json_str(cw_json_get_ci(e, x->key), ""), x->value) == 0;
}

static bool list_has(const cw_json *perm, const char *list, const src *x)
{
    const cw_json *l = cw_json_get_ci(perm, list);
    for (uint32_t i = 0; l && l->type == CW_JARR && i < l->len; i++)
        if (elem_is(&l->u.items[i], x)) return true;
    return false;
}

static cw_json *list_of(cw_arena *a, cw_json *perm, const char *list)
{
    cw_json *l = (cw_json *)cw_json_get_ci(perm, list);
    if (l && l->type == CW_JARR) return l;
    cw_json_obj_set(a, perm, list, cw_json_new_arr(a));
    return cw_json_getm(perm, list);
}

static void perm_add(cw_arena *a, cw_json *perm, const src *x)
{
    bool v4 = strcmp(x->list, "ipv4Ranges") == 0;
    if (v4) {
        /* AWS Config writes IPv4 sources twice: "ipRanges" (strings) and "ipv4Ranges" (objects) */
        if (!list_has(perm, "ipRanges", x)) cw_json_arr_push(a, list_of(a, perm, "ipRanges"), cw_json_new_str(a, x->value));
    }
    if (list_has(perm, x->list, x)) return;
    cw_json *e = cw_json_new_obj(a);
    cw_json_set_str(a, e, x->key, x->value);
    if (x->user) cw_json_set_str(a, e, "userId", x->user);
    cw_json_arr_push(a, list_of(a, perm, x->list), e);
}

static void perm_remove(cw_json *perm, const src *x)
{
    const char *lists[2] = {x->list, strcmp(x->list, "ipv4Ranges") == 0 ? "ipRanges" : NULL};
    for (int k = 0; k < 2 && lists[k]; k++) {
        cw_json *l = (cw_json *)cw_json_get_ci(perm, lists[k]);
        if (!l || l->type != CW_JARR) continue;
        for (uint32_t i = 0; i < l->len; i++)
            if (elem_is(&l->u.items[i], x)) {
                memmove(&l->u.items[i], &l->u.items[i + 1], (l->len - i - 1) * sizeof(cw_json));
                l->len--;
                i--;
            }
    }
}

static bool perm_empty(const cw_json *perm)
{
    static const char *const lists[] = {"ipRanges", "ipv4Ranges", "ipv6Ranges", "userIdGroupPairs", "prefixListIds"};
    for (size_t k = 0; k < 5; k++) {
        const cw_json *l = cw_json_get_ci(perm, lists[k]);
        if (l && l->type == CW_JARR && l->len) return false;
    }
    return true;
}

static cw_json *new_perm(cw_arena *a, const cw_json *p)
{
    cw_json *o = cw_json_new_obj(a);
    char b[8];
    const char *proto = proto_norm(cw_json_get(p, "ipProtocol"), b);
    cw_json_set_str(a, o, "ipProtocol", proto);
    if (strcmp(proto, "-1") != 0) {
        if (cw_json_get(p, "fromPort")) cw_json_obj_set(a, o, "fromPort", cw_json_new_int(a, port(p, "fromPort")));
        if (cw_json_get(p, "toPort")) cw_json_obj_set(a, o, "toPort", cw_json_new_int(a, port(p, "toPort")));
    }
    static const char *const lists[] = {"userIdGroupPairs", "ipRanges", "ipv4Ranges", "ipv6Ranges", "prefixListIds"};
    for (size_t k = 0; k < 5; k++) cw_json_obj_set(a, o, lists[k], cw_json_new_arr(a));
    return o;
}

cw_ct_verdict cw_ct_ec2(cw_arena *a, const cw_json *ev, const cw_ct_target *t, cw_json *item, const char **why)
{
    const cw_json *rp = cw_json_get(ev, "requestParameters");
    bool add = strcmp(t->event_name, "AuthorizeSecurityGroupIngress") == 0;
    if (cw_json_get(rp, "securityGroupRuleIds")) {
        *why = cw_arena_printf(a, "%s by securityGroupRuleIds: configuration items carry no rule ids, so the change "
                                  "cannot be mapped; AWS Config's item will bring it", t->event_name);
        return CW_CT_NEED_ITEM;
    }
    uint32_t np;
    const cw_json *perms = cw_ct_items(cw_json_get(rp, "ipPermissions"), &np);
    cw_json legacy = {0};
    if (!np && cw_json_get(rp, "ipProtocol")) { /* the old flat form: ipProtocol, fromPort, toPort, cidrIp */
        legacy = *rp;
        perms = &legacy;
        np = 1;
    }
    if (!np) {
        *why = cw_arena_printf(a, "%s without ipPermissions", t->event_name);
        return CW_CT_BAD;
    }
    cw_json *conf = cw_json_obj_child(a, item, "configuration");
    cw_json *ip = (cw_json *)cw_json_get_ci(conf, "ipPermissions");
    if (!ip || ip->type != CW_JARR) {
        cw_json_obj_set(a, conf, "ipPermissions", cw_json_new_arr(a));
        ip = cw_json_getm(conf, "ipPermissions");
    }
    for (uint32_t i = 0; i < np; i++) {
        const cw_json *p = &perms[i];
        char b[8];
        if (!proto_norm(cw_json_get(p, "ipProtocol"), b)) {
            *why = cw_arena_printf(a, "%s: ipPermissions item %u has no ipProtocol", t->event_name, i + 1);
            return CW_CT_BAD;
        }
        srcs s = {.n = 0};
        sources_of(p, &s);
        if (p == &legacy) {
            add_src(&s, "ipv4Ranges", "cidrIp", cw_json_str(cw_json_get(p, "cidrIp"), NULL), NULL);
            add_src(&s, "ipv6Ranges", "cidrIpv6", cw_json_str(cw_json_get(p, "cidrIpv6"), NULL), NULL);
        }
        if (s.truncated) {
            *why = cw_arena_printf(a, "%s: more than 64 sources in one permission", t->event_name);
            return CW_CT_NEED_ITEM;
        }
        cw_json *perm = NULL;
        uint32_t at = 0;
        for (uint32_t k = 0; k < ip->len; k++)
            if (same_rule(&ip->u.items[k], p)) perm = &ip->u.items[k], at = k;
        if (add) {
            if (!perm) {
                cw_json_arr_push(a, ip, new_perm(a, p));
                perm = &ip->u.items[ip->len - 1];
            }
            for (size_t k = 0; k < s.n; k++) perm_add(a, perm, &s.v[k]);
        } else if (perm) {
            for (size_t k = 0; k < s.n; k++) perm_remove(perm, &s.v[k]);
            if (perm_empty(perm)) {
                memmove(&ip->u.items[at], &ip->u.items[at + 1], (ip->len - at - 1) * sizeof(cw_json));
                ip->len--;
            }
        }
    }
    return CW_CT_APPLY;
}

/* ---- RDS ------------------------------------------------------------------- */
static cw_ct_verdict modify_db_instance(cw_arena *a, const cw_json *ev, cw_json *item, const char **why)
{
    const cw_json *rp = cw_json_get(ev, "requestParameters");
    cw_json *conf = cw_json_obj_child(a, item, "configuration");
    bool changed = false;
    const cw_json *pa = cw_json_get(rp, "publiclyAccessible");
    if (pa && (pa->type == CW_JBOOL || pa->type == CW_JSTR)) {
        cw_ct_obj_del(conf, "publiclyAccessible");
        cw_json_set_bool(a, conf, "publiclyAccessible", cw_json_bool(pa, false));
        changed = true;
    }
    uint32_t n;
    const cw_json *sg = cw_ct_items(cw_json_get(rp, "vpcSecurityGroupIds"), &n);
    if (sg && n) {
        cw_json *l = cw_json_new_arr(a);
        cw_json *rels = cw_json_new_arr(a);
        const cw_json *old = cw_json_get(item, "relationships");
        for (uint32_t i = 0; old && old->type == CW_JARR && i < old->len; i++)
            if (strcmp(cw_json_str(cw_json_get_ci(&old->u.items[i], "resourceType"), ""), "AWS::EC2::SecurityGroup") != 0)
                cw_json_arr_push(a, rels, &old->u.items[i]);
        for (uint32_t i = 0; i < n; i++) {
            const char *id = cw_json_str(&sg[i], NULL);
            if (!id) continue;
            cw_json *e = cw_json_new_obj(a);
            cw_json_set_str(a, e, "vpcSecurityGroupId", id);
            cw_json_set_str(a, e, "status", "active");
            cw_json_arr_push(a, l, e);
            cw_json *r = cw_json_new_obj(a);
            cw_json_set_str(a, r, "resourceType", "AWS::EC2::SecurityGroup");
            cw_json_set_str(a, r, "resourceId", id);
            cw_json_set_str(a, r, "relationshipName", "Is associated with SecurityGroup");
            cw_json_arr_push(a, rels, r);
        }
        cw_ct_obj_del(conf, "vpcSecurityGroups");
        cw_json_obj_set(a, conf, "vpcSecurityGroups", l);
        cw_json_obj_set(a, item, "relationships", rels);
        changed = true;
    }
    if (!changed) {
        *why = "ModifyDBInstance changes neither publiclyAccessible nor vpcSecurityGroupIds";
        return CW_CT_IGNORED;
    }
    return CW_CT_APPLY;
}

static cw_ct_verdict snapshot_attribute(cw_arena *a, const cw_json *ev, const cw_ct_target *t, cw_json *item,
                                        const char **why)
{
    bool cluster = strcmp(t->type, "AWS::RDS::DBClusterSnapshot") == 0;
    const char *list = cluster ? "DBClusterSnapshotAttributes" : "DBSnapshotAttributes";
    const cw_json *rp = cw_json_get(ev, "requestParameters");
    cw_json *supp = cw_json_obj_child(a, item, "supplementaryConfiguration");
    /* the response states the attributes after the call: take them whole */
    /* (CloudTrail flattens the result: responseElements is the
     * DBSnapshotAttributesResult; older records nest it) */
    const cw_json *re = cw_json_get(ev, "responseElements");
    const char *rk = cluster ? "dBClusterSnapshotAttributes" : "dBSnapshotAttributes";
    const cw_json *after = cw_json_get_ci(re, rk);
    if (!after)
        after = cw_json_get_ci(cw_json_get_ci(re, cluster ? "dBClusterSnapshotAttributesResult"
                                                          : "dBSnapshotAttributesResult"), rk);
    if (after && after->type == CW_JARR) {
        cw_ct_obj_del(supp, list);
        cw_json_obj_set(a, supp, list, cw_ct_clone(a, after));
        return CW_CT_APPLY;
    }
    const char *attr = cw_json_str(cw_json_get(rp, "attributeName"), "");
    if (strcasecmp(attr, "restore") != 0) {
        *why = cw_arena_printf(a, "%s of attribute \"%s\" (only \"restore\" shares a snapshot)", t->event_name, attr);
        return CW_CT_IGNORED;
    }
    /* the attribute list now (JSON inside a string in some items) */
    const cw_json *cur = cw_json_get_ci(supp, list);
    if (cur && cur->type == CW_JSTR) {
        cw_json_err e;
        cur = cw_json_parse(a, cur->u.str, cur->len, &e);
    }
    cw_json *attrs = cur && cur->type == CW_JARR ? cw_ct_clone(a, cur) : cw_json_new_arr(a);
    cw_json *restore = NULL;
    for (uint32_t i = 0; i < attrs->len; i++)
        if (strcasecmp(cw_json_str(cw_json_get_ci(&attrs->u.items[i], "attributeName"), ""), "restore") == 0)
            restore = &attrs->u.items[i];
    if (!restore) {
        cw_json *e = cw_json_new_obj(a);
        cw_json_set_str(a, e, "attributeName", "restore");
        cw_json_obj_set(a, e, "attributeValues", cw_json_new_arr(a));
        cw_json_arr_push(a, attrs, e);
        restore = &attrs->u.items[attrs->len - 1];
    }
    cw_json *vals = (cw_json *)cw_json_get_ci(restore, "attributeValues");
    if (!vals || vals->type != CW_JARR) {
        cw_json_obj_set(a, restore, "attributeValues", cw_json_new_arr(a));
        vals = cw_json_getm(restore, "attributeValues");
    }
    uint32_t n;
    const cw_json *rm = cw_ct_items(cw_json_get(rp, "valuesToRemove"), &n);
    for (uint32_t i = 0; i < n; i++) {
        const char *v = cw_json_str(&rm[i], "");
        for (uint32_t k = 0; k < vals->len; k++)
            if (strcmp(cw_json_str(&vals->u.items[k], ""), v) == 0) {
                memmove(&vals->u.items[k], &vals->u.items[k + 1], (vals->len - k - 1) * sizeof(cw_json));
                vals->len--;
                k--;
            }
    }
    const cw_json *ad = cw_ct_items(cw_json_get(rp, "valuesToAdd"), &n);
    for (uint32_t i = 0; i < n; i++) {
        const char *v = cw_json_str(&ad[i], NULL);
        if (!v) continue;
        bool have = false;
        for (uint32_t k = 0; k < vals->len && !have; k++) have = strcmp(cw_json_str(&vals->u.items[k], ""), v) == 0;
        if (!have) cw_json_arr_push(a, vals, cw_json_new_str(a, v));
    }
    cw_ct_obj_del(supp, list);
    cw_json_obj_set(a, supp, list, attrs);
    return CW_CT_APPLY;
}

cw_ct_verdict cw_ct_rds(cw_arena *a, const cw_json *ev, const cw_ct_target *t, cw_json *item, const char **why)
{
    if (strcmp(t->type, "AWS::RDS::DBInstance") == 0) return modify_db_instance(a, ev, item, why);
    return snapshot_attribute(a, ev, t, item, why);
}
