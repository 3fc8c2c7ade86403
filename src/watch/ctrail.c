/* ctrail.c - CloudTrail calls to configuration items: dispatch, the item
 * frame, and the S3 calls (ctrail_ec2.c: security groups and RDS). */
#include "ctrail.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../util/strbuf.h"

const char *cw_ct_verdict_name(cw_ct_verdict v)
{
    switch (v) {
    case CW_CT_APPLY: return "applied";
    case CW_CT_FAILED: return "failed-call";
    case CW_CT_IGNORED: return "ignored";
    case CW_CT_NEED_ITEM: return "needs-fetch";
    case CW_CT_BAD: return "bad-request-parameters";
    }
    return "?";
}

cw_json *cw_ct_clone(cw_arena *a, const cw_json *v)
{
    if (!v) return cw_json_new_null(a);
    if (v->type == CW_JOBJ) {
        /* a duplicate key keeps its first value, the one cw_json_get reads (obj_set alone would keep the
         * first key with the last value, and the translated item would be another item: found by fuzzing) */
        cw_json *o = cw_json_new_obj(a);
        for (uint32_t i = 0; i < v->len; i++) {
            const cw_jmember *m = &v->u.members[i];
            bool seen = false;
            for (uint32_t k = 0; k < i && !seen; k++)
                seen = cw_jkeylen(&v->u.members[k]) == cw_jkeylen(m) &&
                       memcmp(v->u.members[k].key, m->key, cw_jkeylen(m)) == 0;
            if (!seen) cw_json_obj_set(a, o, m->key, cw_ct_clone(a, &m->val));
        }
        return o;
    }
    if (v->type == CW_JARR) {
        cw_json *r = cw_json_new_arr(a);
        for (uint32_t i = 0; i < v->len; i++) cw_json_arr_push(a, r, cw_ct_clone(a, &v->u.items[i]));
        return r;
    }
    cw_json *c = cw_arena_alloc(a, sizeof *c);
    *c = *v;
    return c;
}

void cw_ct_obj_del(cw_json *obj, const char *key)
{
    if (!obj || obj->type != CW_JOBJ) return;
    size_t kl = strlen(key);
    for (uint32_t i = 0; i < obj->len; i++) {
        if (cw_jkeylen(&obj->u.members[i]) == kl && strcasecmp(obj->u.members[i].key, key) == 0) {
            memmove(&obj->u.members[i], &obj->u.members[i + 1], (obj->len - i - 1) * sizeof(cw_jmember));
            obj->len--;
            i--;
        }
    }
}

const cw_json *cw_ct_items(const cw_json *v, uint32_t *n)
{
    *n = 0;
    if (!v) return NULL;
    if (v->type == CW_JOBJ) {
        const cw_json *it = cw_json_get(v, "items");
        if (it) v = it;
        else {
            *n = v->len ? 1 : 0;
            return *n ? v : NULL;
        }
    }
    if (v->type != CW_JARR) return NULL;
    *n = v->len;
    return v->u.items;
}

static const char *rp_str(const cw_json *rp, const char *key)
{
    const cw_json *v = cw_json_get(rp, key);
    if (v && v->type == CW_JARR && v->len) v = &v->u.items[0]; /* S3 headers arrive as ["value"] */
    return cw_json_str(v, NULL);
}

/* ---- classification ------------------------------------------------------ */
static const char *const s3_bucket_calls[] = {"PutBucketPolicy", "DeleteBucketPolicy", "PutBucketAcl",
                                              "PutBucketPublicAccessBlock", "DeleteBucketPublicAccessBlock", NULL};

static bool in(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0) return true;
    return false;
}

cw_ct_verdict cw_ct_target_of(cw_arena *a, const cw_json *ev, cw_ct_target *t, const char **why)
{
    memset(t, 0, sizeof *t);
    *why = NULL;
    t->event_name = cw_json_str(cw_json_get(ev, "eventName"), "");
    t->event_source = cw_json_str(cw_json_get(ev, "eventSource"), "");
    t->event_id = cw_json_str(cw_json_get(ev, "eventID"), NULL);
    t->event_time = cw_json_str(cw_json_get(ev, "eventTime"), NULL);
    t->region = cw_json_str(cw_json_get(ev, "awsRegion"), NULL);
    t->account = cw_json_str(cw_json_get(ev, "recipientAccountId"), NULL);
    if (!t->account) t->account = cw_json_str(cw_json_path(ev, "userIdentity.accountId"), NULL);
    const char *name = t->event_name, *src = t->event_source;
    const cw_json *rp = cw_json_get(ev, "requestParameters");
    bool s3 = strcmp(src, "s3.amazonaws.com") == 0 || strcmp(src, "s3-control.amazonaws.com") == 0;
    bool known = false;
    if (s3) {
        const char *bucket = rp_str(rp, "bucketName");
        bool acct_call = strcmp(name, "PutAccountPublicAccessBlock") == 0 ||
                         strcmp(name, "DeleteAccountPublicAccessBlock") == 0 ||
                         ((strcmp(name, "PutPublicAccessBlock") == 0 || strcmp(name, "DeletePublicAccessBlock") == 0) &&
                          !bucket);
        if (acct_call) {
            known = true;
            t->type = "AWS::S3::AccountPublicAccessBlock";
            const char *acct = rp_str(rp, "x-amz-account-id");
            if (!acct) acct = rp_str(rp, "accountId");
            if (!acct) acct = t->account;
            t->resource_id = acct;
            t->account = acct;
        } else if (in(name, s3_bucket_calls) || strcmp(name, "PutPublicAccessBlock") == 0 ||
                   strcmp(name, "DeletePublicAccessBlock") == 0) {
            known = true;
            t->type = "AWS::S3::Bucket";
            t->resource_id = bucket;
            t->name = bucket;
        }
    } else if (strcmp(src, "ec2.amazonaws.com") == 0 &&
               (strcmp(name, "AuthorizeSecurityGroupIngress") == 0 || strcmp(name, "RevokeSecurityGroupIngress") == 0)) {
        known = true;
        t->type = "AWS::EC2::SecurityGroup";
        t->resource_id = rp_str(rp, "groupId");
        t->name = rp_str(rp, "groupName");
    } else if (strcmp(src, "rds.amazonaws.com") == 0) {
        const cw_json *re = cw_json_get(ev, "responseElements");
        if (strcmp(name, "ModifyDBInstance") == 0) {
            known = true;
            t->type = "AWS::RDS::DBInstance";
            t->resource_id = cw_json_str(cw_json_get(re, "dbiResourceId"), NULL);
            t->name = rp_str(rp, "dBInstanceIdentifier");
        } else if (strcmp(name, "ModifyDBSnapshotAttribute") == 0) {
            known = true;
            t->type = "AWS::RDS::DBSnapshot";
            t->resource_id = rp_str(rp, "dBSnapshotIdentifier");
            t->name = t->resource_id;
        } else if (strcmp(name, "ModifyDBClusterSnapshotAttribute") == 0) {
            known = true;
            t->type = "AWS::RDS::DBClusterSnapshot";
            t->resource_id = rp_str(rp, "dBClusterSnapshotIdentifier");
            t->name = t->resource_id;
        }
    }
    if (!known) {
        *why = cw_arena_printf(a, "%s %s does not change what watch evaluates", src, name);
        return CW_CT_IGNORED;
    }
    const char *ec = cw_json_str(cw_json_get(ev, "errorCode"), NULL);
    if (ec && *ec) {
        *why = cw_arena_printf(a, "%s failed (%s%s%s): nothing changed", name, ec,
                               cw_json_get(ev, "errorMessage") ? ": " : "",
                               cw_json_str(cw_json_get(ev, "errorMessage"), ""));
        return CW_CT_FAILED;
    }
    if (!rp || rp->type != CW_JOBJ) {
        *why = cw_arena_printf(a, "%s without requestParameters", name);
        return CW_CT_BAD;
    }
    if (!t->event_time) {
        *why = cw_arena_printf(a, "%s without eventTime", name);
        return CW_CT_BAD;
    }
    if (!t->resource_id && !t->name) {
        *why = cw_arena_printf(a, "%s: requestParameters name no %s", name, t->type);
        return CW_CT_BAD;
    }
    return CW_CT_APPLY;
}

/* ---- S3 -------------------------------------------------------------------- */
static void set_policy_text(cw_arena *a, cw_json *supp, const cw_json *pol)
{
    cw_json *bp = cw_json_new_obj(a);
    if (!pol || pol->type == CW_JNULL) {
        cw_json_obj_set(a, bp, "policyText", cw_json_new_null(a));
    } else if (pol->type == CW_JSTR) {
        cw_json_obj_set(a, bp, "policyText", pol);
    } else {
        cw_strbuf sb;
        cw_sb_init(&sb);
        cw_json_write(&sb, pol, -1);
        cw_json_obj_set(a, bp, "policyText", cw_json_new_strn(a, sb.buf, sb.len));
        cw_sb_free(&sb);
    }
    cw_json_obj_set(a, supp, "BucketPolicy", bp);
}

/* AWS Config's permission names */
static const char *perm_name(const char *p)
{
    static const char *const map[][2] = {{"FULL_CONTROL", "FullControl"}, {"READ", "Read"},      {"WRITE", "Write"},
                                         {"READ_ACP", "ReadAcp"},         {"WRITE_ACP", "WriteAcp"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(p, map[i][0]) == 0 || strcasecmp(p, map[i][1]) == 0) return map[i][1];
    return NULL;
}

static const char *group_of_uri(const char *uri)
{
    const char *slash = strrchr(uri, '/');
    const char *g = slash ? slash + 1 : uri;
    if (strcmp(g, "AllUsers") == 0 || strcmp(g, "AuthenticatedUsers") == 0 || strcmp(g, "LogDelivery") == 0) return g;
    return NULL;
}

static void add_grant(cw_arena *a, cw_json *list, const char *kind, const char *who, const char *perm)
{
    cw_json *g = cw_json_new_obj(a);
    if (strcmp(kind, "group") == 0) {
        cw_json_set_str(a, g, "grantee", who);
    } else {
        cw_json *ge = cw_json_new_obj(a);
        if (strcmp(kind, "id") == 0) {
            cw_json_set_str(a, ge, "id", who);
            cw_json_obj_set(a, ge, "displayName", cw_json_new_null(a));
        } else {
            cw_json_set_str(a, ge, "identifier", who);
            cw_json_set_str(a, ge, "typeIdentifier", "emailAddress");
        }
        cw_json_obj_set(a, g, "grantee", ge);
    }
    cw_json_set_str(a, g, "permission", perm);
    cw_json_arr_push(a, list, g);
}

/* x-amz-grant-read: uri="http://acs.amazonaws.com/groups/global/AllUsers", id="..." */
static int header_grants(cw_arena *a, cw_json *list, const char *val, const char *perm)
{
    int n = 0;
    const char *p = val;
    while (*p) {
        while (*p == ' ' || *p == ',') p++;
        const char *eq = strchr(p, '=');
        if (!eq) break;
        size_t kl = (size_t)(eq - p);
        const char *v = eq + 1;
        bool q = *v == '"';
        if (q) v++;
        const char *end = q ? strchr(v, '"') : v + strcspn(v, ",");
        if (!end) end = v + strlen(v);
        char *value = cw_arena_strndup(a, v, (size_t)(end - v));
        if (kl == 3 && strncasecmp(p, "uri", 3) == 0) {
            const char *g = group_of_uri(value);
            if (g) add_grant(a, list, "group", g, perm), n++;
        } else if (kl == 2 && strncasecmp(p, "id", 2) == 0) {
            add_grant(a, list, "id", value, perm), n++;
        } else if (kl == 12 && strncasecmp(p, "emailAddress", 12) == 0) {
            add_grant(a, list, "email", value, perm), n++;
        }
        p = end + (q && *end ? 1 : 0);
    }
    return n;
}

static cw_ct_verdict put_bucket_acl(cw_arena *a, const cw_json *rp, cw_json *supp, const char **why)
{
    /* the owner: from the request body, else the ACL recorded before */
    const char *owner = cw_json_str(cw_json_path(rp, "AccessControlPolicy.Owner.ID"), NULL);
    const cw_json *old = cw_json_get_ci(supp, "AccessControlList");
    cw_json_err jerr;
    if (old && old->type == CW_JSTR) old = cw_json_parse(a, old->u.str, old->len, &jerr);
    if (!owner) owner = cw_json_str(cw_json_path(old, "owner.id"), NULL);
    cw_json *list = cw_json_new_arr(a);
    const char *canned = rp_str(rp, "x-amz-acl");
    const cw_json *body = cw_json_path(rp, "AccessControlPolicy.AccessControlList");
    static const char *const hdr[][2] = {{"x-amz-grant-full-control", "FullControl"}, {"x-amz-grant-read", "Read"},
                                         {"x-amz-grant-write", "Write"},             {"x-amz-grant-read-acp", "ReadAcp"},
                                         {"x-amz-grant-write-acp", "WriteAcp"}};
    bool headers = false;
    for (size_t i = 0; i < 5; i++) {
        const char *v = rp_str(rp, hdr[i][0]);
        if (v) headers = true, header_grants(a, list, v, hdr[i][1]);
    }
    if (canned) {
        if (owner) add_grant(a, list, "id", owner, "FullControl");
        if (strcmp(canned, "public-read") == 0) add_grant(a, list, "group", "AllUsers", "Read");
        else if (strcmp(canned, "public-read-write") == 0) {
            add_grant(a, list, "group", "AllUsers", "Read");
            add_grant(a, list, "group", "AllUsers", "Write");
        } else if (strcmp(canned, "authenticated-read") == 0) add_grant(a, list, "group", "AuthenticatedUsers", "Read");
        else if (strcmp(canned, "log-delivery-write") == 0) {
            add_grant(a, list, "group", "LogDelivery", "Write");
            add_grant(a, list, "group", "LogDelivery", "ReadAcp");
        } else if (strcmp(canned, "private") != 0 && strcmp(canned, "bucket-owner-read") != 0 &&
                   strcmp(canned, "bucket-owner-full-control") != 0 && strcmp(canned, "aws-exec-read") != 0) {
            *why = cw_arena_printf(a, "PutBucketAcl: unknown canned ACL \"%s\"", canned);
            return CW_CT_BAD;
        }
    } else if (body) {
        uint32_t n;
        const cw_json *g = cw_ct_items(cw_json_get(body, "Grant"), &n);
        for (uint32_t i = 0; i < n; i++) {
            const cw_json *ge = cw_json_get(&g[i], "Grantee");
            const char *perm = perm_name(cw_json_str(cw_json_get(&g[i], "Permission"), ""));
            if (!perm) {
                *why = cw_arena_printf(a, "PutBucketAcl: grant %u has no known Permission", i + 1);
                return CW_CT_BAD;
            }
            const char *uri = cw_json_str(cw_json_get(ge, "URI"), NULL);
            const char *id = cw_json_str(cw_json_get(ge, "ID"), NULL);
            const char *mail = cw_json_str(cw_json_get(ge, "EmailAddress"), NULL);
            if (uri && group_of_uri(uri)) add_grant(a, list, "group", group_of_uri(uri), perm);
            else if (id) add_grant(a, list, "id", id, perm);
            else if (mail) add_grant(a, list, "email", mail, perm);
            else {
                *why = cw_arena_printf(a, "PutBucketAcl: grant %u names no grantee (URI, ID or EmailAddress)", i + 1);
                return CW_CT_BAD;
            }
        }
    } else if (!headers) {
        *why = "PutBucketAcl: neither x-amz-acl, x-amz-grant-* nor AccessControlPolicy in requestParameters";
        return CW_CT_BAD;
    }
    cw_json *acl = cw_json_new_obj(a);
    cw_json_obj_set(a, acl, "grantSet", cw_json_new_null(a));
    cw_json_obj_set(a, acl, "grantList", list);
    cw_json *own = cw_json_new_obj(a);
    cw_json_obj_set(a, own, "displayName", cw_json_new_null(a));
    if (owner) cw_json_set_str(a, own, "id", owner);
    else cw_json_obj_set(a, own, "id", cw_json_new_null(a));
    cw_json_obj_set(a, acl, "owner", own);
    cw_json_set_bool(a, acl, "isRequesterCharged", false);
    /* AWS Config records the ACL as JSON inside a string */
    cw_strbuf sb;
    cw_sb_init(&sb);
    cw_json_write(&sb, acl, -1);
    cw_json_obj_set(a, supp, "AccessControlList", cw_json_new_strn(a, sb.buf, sb.len));
    cw_sb_free(&sb);
    return CW_CT_APPLY;
}

static const char *const bpa_in[] = {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy",
                                     "RestrictPublicBuckets"};
static const char *const bpa_out[] = {"blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy",
                                      "restrictPublicBuckets"};

/* PutPublicAccessBlock replaces the whole configuration: absent = false */
static cw_json *bpa_config(cw_arena *a, const cw_json *rp)
{
    const cw_json *c = cw_json_get(rp, "PublicAccessBlockConfiguration");
    if (!c) c = cw_json_get(rp, "publicAccessBlockConfiguration");
    if (!c || c->type != CW_JOBJ) return NULL;
    cw_json *o = cw_json_new_obj(a);
    for (int i = 0; i < 4; i++) cw_json_set_bool(a, o, bpa_out[i], cw_json_bool(cw_json_get_ci(c, bpa_in[i]), false));
    return o;
}

static cw_ct_verdict s3_bucket(cw_arena *a, const cw_json *ev, const cw_ct_target *t, cw_json *item, const char **why)
{
    const cw_json *rp = cw_json_get(ev, "requestParameters");
    const char *n = t->event_name;
    cw_json *supp = cw_json_obj_child(a, item, "supplementaryConfiguration");
    if (strcmp(n, "PutBucketPolicy") == 0) {
        const cw_json *pol = cw_json_get(rp, "bucketPolicy");
        if (!pol || (pol->type == CW_JSTR && !pol->len)) pol = cw_json_get(rp, "policy");
        if (pol && pol->type == CW_JARR && pol->len) pol = &pol->u.items[0];
        if (!pol || pol->type == CW_JNULL || (pol->type == CW_JSTR && !pol->len)) {
            *why = "PutBucketPolicy without the policy (requestParameters.bucketPolicy)";
            return CW_CT_BAD;
        }
        set_policy_text(a, supp, pol);
        return CW_CT_APPLY;
    }
    if (strcmp(n, "DeleteBucketPolicy") == 0) {
        set_policy_text(a, supp, NULL);
        return CW_CT_APPLY;
    }
    if (strcmp(n, "PutBucketAcl") == 0) return put_bucket_acl(a, rp, supp, why);
    if (strncmp(n, "Put", 3) == 0) { /* Put(Bucket)PublicAccessBlock */
        cw_json *c = bpa_config(a, rp);
        if (!c) {
            *why = cw_arena_printf(a, "%s without PublicAccessBlockConfiguration", n);
            return CW_CT_BAD;
        }
        cw_ct_obj_del(supp, "PublicAccessBlockConfiguration");
        cw_json_obj_set(a, supp, "PublicAccessBlockConfiguration", c);
        return CW_CT_APPLY;
    }
    /* Delete(Bucket)PublicAccessBlock */
    cw_ct_obj_del(supp, "PublicAccessBlockConfiguration");
    cw_ct_obj_del(cw_json_getm(item, "configuration"), "PublicAccessBlockConfiguration");
    return CW_CT_APPLY;
}

/* the account's block: the call states it whole, no current item needed */
static cw_ct_verdict s3_account(cw_arena *a, const cw_json *ev, const cw_ct_target *t, cw_json *item, const char **why)
{
    const cw_json *rp = cw_json_get(ev, "requestParameters");
    cw_json_set_str(a, item, "resourceType", t->type);
    cw_json_set_str(a, item, "resourceId", t->resource_id);
    if (!cw_json_get(item, "awsAccountId") && !cw_json_get(item, "accountId"))
        cw_json_set_str(a, item, "awsAccountId", t->resource_id);
    if (!cw_json_get(item, "awsRegion") && t->region) cw_json_set_str(a, item, "awsRegion", t->region);
    if (strncmp(t->event_name, "Delete", 6) == 0) {
        cw_json_set_str(a, item, "configurationItemStatus", "ResourceDeleted");
        cw_json_obj_set(a, item, "configuration", cw_json_new_null(a));
        return CW_CT_APPLY;
    }
    cw_json *c = bpa_config(a, rp);
    if (!c) {
        *why = cw_arena_printf(a, "%s without PublicAccessBlockConfiguration", t->event_name);
        return CW_CT_BAD;
    }
    cw_json_obj_set(a, item, "configuration", c);
    return CW_CT_APPLY;
}

cw_ct_verdict cw_ct_translate(cw_arena *a, const cw_json *ev, const cw_ct_target *t, const cw_json *current,
                              cw_json **out, const char **why)
{
    *out = NULL;
    *why = NULL;
    bool account = strcmp(t->type, "AWS::S3::AccountPublicAccessBlock") == 0;
    if (!current && !account) {
        *why = cw_arena_printf(a, "%s on %s %s: its configuration item is not known yet (AWS Config's item will "
                                  "bring it)", t->event_name, t->type, t->resource_id ? t->resource_id : t->name);
        return CW_CT_NEED_ITEM;
    }
    cw_json *item = current ? cw_ct_clone(a, current) : cw_json_new_obj(a);
    if (item->type != CW_JOBJ) {
        *why = "the current configuration item is not an object";
        return CW_CT_BAD;
    }
    cw_ct_verdict v;
    if (account) v = s3_account(a, ev, t, item, why);
    else if (strcmp(t->type, "AWS::S3::Bucket") == 0) v = s3_bucket(a, ev, t, item, why);
    else if (strcmp(t->type, "AWS::EC2::SecurityGroup") == 0) v = cw_ct_ec2(a, ev, t, item, why);
    else v = cw_ct_rds(a, ev, t, item, why);
    if (v != CW_CT_APPLY) return v;
    /* the frame AWS Config would record */
    cw_json_set_str(a, item, "configurationItemCaptureTime", t->event_time);
    if (!(account && strncmp(t->event_name, "Delete", 6) == 0))
        cw_json_set_str(a, item, "configurationItemStatus", "OK");
    cw_json_set_str(a, item, "configurationStateId",
                    cw_arena_printf(a, "cloudtrail-%s", t->event_id ? t->event_id : t->event_time));
    cw_ct_obj_del(item, "configurationItemMD5Hash");
    cw_ct_obj_del(item, "configurationStateMd5Hash");
    cw_json *rel = cw_json_new_arr(a);
    if (t->event_id) cw_json_arr_push(a, rel, cw_json_new_str(a, t->event_id));
    cw_json_obj_set(a, item, "relatedEvents", rel);
    *out = item;
    return CW_CT_APPLY;
}
