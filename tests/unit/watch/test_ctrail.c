/* test_ctrail.c - CloudTrail management events (the shapes CloudTrail
 * records, as in AWS's documentation: S3 headers as one-element arrays, EC2
 * lists as {"items": [...]}, RDS responseElements flattened) turned into the
 * configuration item AWS Config would record next. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "util/strbuf.h"
#include "watch/ctrail.h"

static cw_arena A;

static int setup(void **s)
{
    (void)s;
    cw_arena_init(&A, 0);
    return 0;
}
static int teardown(void **s)
{
    (void)s;
    cw_arena_free(&A);
    return 0;
}

static cw_json *parse(const char *t)
{
    cw_json_err e;
    cw_json *v = cw_json_parse(&A, t, strlen(t), &e);
    if (!v) fail_msg("test JSON %u:%u: %s", e.line, e.col, e.msg);
    return v;
}

/* an event around requestParameters/responseElements */
static cw_json *event(const char *src, const char *name, const char *rp, const char *re, const char *extra)
{
    char *t = cw_arena_printf(
        &A,
        "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDAEXAMPLE\","
        "\"arn\":\"arn:aws:iam::111122223333:user/alice\",\"accountId\":\"111122223333\",\"userName\":\"alice\"},"
        "\"eventTime\":\"2026-12-07T10:00:00Z\",\"eventSource\":\"%s\",\"eventName\":\"%s\",\"awsRegion\":\"eu-west-1\","
        "\"sourceIPAddress\":\"192.0.2.10\",\"userAgent\":\"aws-cli/2.15\",\"requestParameters\":%s,"
        "\"responseElements\":%s,\"requestID\":\"R1\",\"eventID\":\"e-%s\",\"readOnly\":false,"
        "\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"111122223333\","
        "\"eventCategory\":\"Management\"%s}",
        src, name, rp, re ? re : "null", name, extra ? extra : "");
    return parse(t);
}

static const char bucket_item[] =
    "{\"configurationItemVersion\":\"1.3\",\"configurationItemCaptureTime\":\"2026-12-01T00:00:00.000Z\","
    "\"configurationStateId\":1764547200000,\"awsAccountId\":\"111122223333\",\"configurationItemStatus\":\"OK\","
    "\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"cust-data\",\"resourceName\":\"cust-data\","
    "\"ARN\":\"arn:aws:s3:::cust-data\",\"awsRegion\":\"eu-west-1\",\"configurationStateMd5Hash\":\"\","
    "\"configuration\":{\"name\":\"cust-data\",\"owner\":{\"displayName\":null,\"id\":\"ownerid1\"}},"
    "\"supplementaryConfiguration\":{\"AccessControlList\":\"{\\\"grantSet\\\":null,\\\"grantList\\\":[{\\\"grantee\\\":"
    "{\\\"id\\\":\\\"ownerid1\\\",\\\"displayName\\\":null},\\\"permission\\\":\\\"FullControl\\\"}],\\\"owner\\\":"
    "{\\\"displayName\\\":null,\\\"id\\\":\\\"ownerid1\\\"},\\\"isRequesterCharged\\\":false}\","
    "\"PublicAccessBlockConfiguration\":{\"blockPublicAcls\":true,\"ignorePublicAcls\":true,"
    "\"blockPublicPolicy\":true,\"restrictPublicBuckets\":true},"
    "\"BucketPolicy\":{\"policyText\":null}},\"tags\":{},\"relationships\":[],\"relatedEvents\":[]}";

static cw_json *apply(const cw_json *ev, const char *current, cw_ct_verdict want, cw_ct_target *t)
{
    const char *why = NULL;
    cw_ct_target tt;
    if (!t) t = &tt;
    cw_ct_verdict v = cw_ct_target_of(&A, ev, t, &why);
    if (v != CW_CT_APPLY) {
        if (v != want) fail_msg("target: %s (%s), expected %s", cw_ct_verdict_name(v), why ? why : "",
                                cw_ct_verdict_name(want));
        assert_non_null(why);
        return NULL;
    }
    cw_json *out = NULL;
    v = cw_ct_translate(&A, ev, t, current ? parse(current) : NULL, &out, &why);
    if (v != want) fail_msg("translate: %s (%s), expected %s", cw_ct_verdict_name(v), why ? why : "",
                            cw_ct_verdict_name(want));
    if (v != CW_CT_APPLY) {
        assert_null(out);
        assert_non_null(why);
        return NULL;
    }
    assert_non_null(out);
    /* the frame: capture time = eventTime, a state id naming the event, the event in relatedEvents */
    assert_string_equal(cw_json_str(cw_json_get(out, "configurationItemCaptureTime"), ""), "2026-12-07T10:00:00Z");
    assert_true(strncmp(cw_json_str(cw_json_get(out, "configurationStateId"), ""), "cloudtrail-e-", 13) == 0);
    assert_string_equal(cw_json_str(cw_json_at(cw_json_get(out, "relatedEvents"), 0), ""),
                        cw_json_str(cw_json_get(ev, "eventID"), "?"));
    assert_null(cw_json_get(out, "configurationStateMd5Hash"));
    return out;
}

/* a string member holding JSON, parsed */
static const cw_json *inner(const cw_json *v)
{
    assert_non_null(v);
    assert_int_equal(v->type, CW_JSTR);
    return parse(v->u.str);
}

static void test_put_bucket_policy(void **s)
{
    (void)s;
    cw_json *ev = event("s3.amazonaws.com", "PutBucketPolicy",
                        "{\"bucketPolicy\":{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"PublicRead\","
                        "\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[\"s3:GetObject\"],\"Resource\":"
                        "[\"arn:aws:s3:::cust-data/*\"]}]},\"bucketName\":\"cust-data\",\"Host\":"
                        "\"cust-data.s3.eu-west-1.amazonaws.com\",\"policy\":[\"\"]}",
                        NULL, NULL);
    cw_ct_target t;
    cw_json *out = apply(ev, bucket_item, CW_CT_APPLY, &t);
    assert_string_equal(t.type, "AWS::S3::Bucket");
    assert_string_equal(t.resource_id, "cust-data");
    assert_string_equal(t.account, "111122223333");
    const cw_json *pol = inner(cw_json_path(out, "supplementaryConfiguration.BucketPolicy.policyText"));
    assert_string_equal(cw_json_str(cw_json_path(cw_json_at(cw_json_get(pol, "Statement"), 0), "Principal"), ""), "*");
    /* the rest of the item is kept */
    assert_string_equal(cw_json_str(cw_json_get(out, "ARN"), ""), "arn:aws:s3:::cust-data");
    assert_true(cw_json_bool(cw_json_path(out, "supplementaryConfiguration.PublicAccessBlockConfiguration.blockPublicAcls"),
                             false));
    /* the policy as a string (some SDKs send it so) */
    ev = event("s3.amazonaws.com", "PutBucketPolicy",
               "{\"bucketName\":\"cust-data\",\"bucketPolicy\":\"{\\\"Statement\\\":[]}\"}", NULL, NULL);
    out = apply(ev, bucket_item, CW_CT_APPLY, NULL);
    assert_string_equal(cw_json_str(cw_json_path(out, "supplementaryConfiguration.BucketPolicy.policyText"), ""),
                        "{\"Statement\":[]}");
    /* no policy at all */
    ev = event("s3.amazonaws.com", "PutBucketPolicy", "{\"bucketName\":\"cust-data\",\"policy\":[\"\"]}", NULL, NULL);
    apply(ev, bucket_item, CW_CT_BAD, NULL);
}

static void test_delete_bucket_policy(void **s)
{
    (void)s;
    const char *with_policy = cw_arena_printf(&A, "%s", bucket_item);
    cw_json *ev = event("s3.amazonaws.com", "DeleteBucketPolicy",
                        "{\"bucketName\":\"cust-data\",\"Host\":\"s3.eu-west-1.amazonaws.com\",\"policy\":[\"\"]}", NULL,
                        NULL);
    cw_json *out = apply(ev, with_policy, CW_CT_APPLY, NULL);
    const cw_json *pt = cw_json_path(out, "supplementaryConfiguration.BucketPolicy.policyText");
    assert_non_null(pt);
    assert_int_equal(pt->type, CW_JNULL);
}

static int count_group(const cw_json *acl, const char *group, const char *perm)
{
    int n = 0;
    const cw_json *l = cw_json_get(acl, "grantList");
    for (uint32_t i = 0; l && i < l->len; i++) {
        const cw_json *g = &l->u.items[i];
        if (strcmp(cw_json_str(cw_json_get(g, "grantee"), ""), group) == 0 &&
            strcmp(cw_json_str(cw_json_get(g, "permission"), ""), perm) == 0)
            n++;
    }
    return n;
}

static void test_put_bucket_acl(void **s)
{
    (void)s;
    /* the body form, with a single Grant object as in AWS's example and then a list */
    cw_json *ev = event(
        "s3.amazonaws.com", "PutBucketAcl",
        "{\"bucketName\":\"cust-data\",\"AccessControlPolicy\":{\"AccessControlList\":{\"Grant\":[{\"Grantee\":"
        "{\"xsi:type\":\"CanonicalUser\",\"xmlns:xsi\":\"http://www.w3.org/2001/XMLSchema-instance\",\"ID\":\"ownerid1\"},"
        "\"Permission\":\"FULL_CONTROL\"},{\"Grantee\":{\"xsi:type\":\"Group\",\"xmlns:xsi\":"
        "\"http://www.w3.org/2001/XMLSchema-instance\",\"URI\":\"http://acs.amazonaws.com/groups/global/AllUsers\"},"
        "\"Permission\":\"READ\"}]},\"xmlns\":\"http://s3.amazonaws.com/doc/2006-03-01/\",\"Owner\":{\"ID\":"
        "\"ownerid1\"}},\"Host\":\"s3.eu-west-1.amazonaws.com\",\"acl\":[\"\"]}",
        NULL, NULL);
    cw_json *out = apply(ev, bucket_item, CW_CT_APPLY, NULL);
    const cw_json *acl = inner(cw_json_path(out, "supplementaryConfiguration.AccessControlList"));
    assert_int_equal(count_group(acl, "AllUsers", "Read"), 1);
    assert_string_equal(cw_json_str(cw_json_path(acl, "owner.id"), ""), "ownerid1");
    assert_int_equal(cw_json_get(acl, "grantList")->len, 2);
    ev = event("s3.amazonaws.com", "PutBucketAcl",
               "{\"bucketName\":\"cust-data\",\"AccessControlPolicy\":{\"AccessControlList\":{\"Grant\":{\"Grantee\":"
               "{\"xsi:type\":\"CanonicalUser\",\"ID\":\"ownerid1\"},\"Permission\":\"FULL_CONTROL\"}},\"Owner\":{\"ID\":"
               "\"ownerid1\"}},\"acl\":[\"\"]}",
               NULL, NULL);
    out = apply(ev, bucket_item, CW_CT_APPLY, NULL);
    acl = inner(cw_json_path(out, "supplementaryConfiguration.AccessControlList"));
    assert_int_equal(cw_json_get(acl, "grantList")->len, 1);
    assert_int_equal(count_group(acl, "AllUsers", "Read"), 0);
    /* canned ACLs (x-amz-acl as CloudTrail writes headers: a one-element array) */
    ev = event("s3.amazonaws.com", "PutBucketAcl",
               "{\"bucketName\":\"cust-data\",\"Host\":\"s3.amazonaws.com\",\"acl\":[\"\"],\"x-amz-acl\":"
               "[\"public-read-write\"]}",
               NULL, NULL);
    out = apply(ev, bucket_item, CW_CT_APPLY, NULL);
    acl = inner(cw_json_path(out, "supplementaryConfiguration.AccessControlList"));
    assert_int_equal(count_group(acl, "AllUsers", "Read"), 1);
    assert_int_equal(count_group(acl, "AllUsers", "Write"), 1);
    assert_string_equal(cw_json_str(cw_json_path(acl, "owner.id"), ""), "ownerid1"); /* from the item before */
    ev = event("s3.amazonaws.com", "PutBucketAcl",
               "{\"bucketName\":\"cust-data\",\"acl\":[\"\"],\"x-amz-acl\":[\"private\"]}", NULL, NULL);
    out = apply(ev, bucket_item, CW_CT_APPLY, NULL);
    acl = inner(cw_json_path(out, "supplementaryConfiguration.AccessControlList"));
    assert_int_equal(cw_json_get(acl, "grantList")->len, 1);
    /* grant headers */
    ev = event("s3.amazonaws.com", "PutBucketAcl",
               "{\"bucketName\":\"cust-data\",\"acl\":[\"\"],\"x-amz-grant-read\":[\"uri=\\\"http://acs.amazonaws.com/"
               "groups/global/AuthenticatedUsers\\\", id=\\\"other\\\"\"]}",
               NULL, NULL);
    out = apply(ev, bucket_item, CW_CT_APPLY, NULL);
    acl = inner(cw_json_path(out, "supplementaryConfiguration.AccessControlList"));
    assert_int_equal(count_group(acl, "AuthenticatedUsers", "Read"), 1);
    assert_int_equal(cw_json_get(acl, "grantList")->len, 2);
    /* a canned ACL S3 does not have */
    ev = event("s3.amazonaws.com", "PutBucketAcl", "{\"bucketName\":\"cust-data\",\"x-amz-acl\":[\"wide-open\"]}",
               NULL, NULL);
    apply(ev, bucket_item, CW_CT_BAD, NULL);
}

static void test_bucket_public_access_block(void **s)
{
    (void)s;
    cw_json *ev = event("s3.amazonaws.com", "PutBucketPublicAccessBlock",
                        "{\"publicAccessBlock\":\"\",\"bucketName\":\"cust-data\",\"PublicAccessBlockConfiguration\":"
                        "{\"xmlns\":\"http://s3.amazonaws.com/doc/2006-03-01/\",\"RestrictPublicBuckets\":false,"
                        "\"BlockPublicPolicy\":true,\"BlockPublicAcls\":false,\"IgnorePublicAcls\":false},\"Host\":"
                        "\"cust-data.s3.eu-west-1.amazonaws.com\"}",
                        NULL, NULL);
    cw_json *out = apply(ev, bucket_item, CW_CT_APPLY, NULL);
    const cw_json *c = cw_json_path(out, "supplementaryConfiguration.PublicAccessBlockConfiguration");
    assert_false(cw_json_bool(cw_json_get(c, "blockPublicAcls"), true));
    assert_false(cw_json_bool(cw_json_get(c, "restrictPublicBuckets"), true));
    assert_true(cw_json_bool(cw_json_get(c, "blockPublicPolicy"), false));
    /* the API's own name, with a bucket */
    ev = event("s3.amazonaws.com", "DeletePublicAccessBlock", "{\"bucketName\":\"cust-data\",\"publicAccessBlock\":\"\"}",
               NULL, NULL);
    out = apply(ev, bucket_item, CW_CT_APPLY, NULL);
    assert_null(cw_json_path(out, "supplementaryConfiguration.PublicAccessBlockConfiguration"));
    assert_non_null(cw_json_path(out, "supplementaryConfiguration.AccessControlList"));
}

static void test_account_public_access_block(void **s)
{
    (void)s;
    /* S3 Control: no bucket, the account in the host / x-amz-account-id; no current item needed */
    cw_json *ev = event("s3.amazonaws.com", "PutAccountPublicAccessBlock",
                        "{\"PublicAccessBlockConfiguration\":{\"xmlns\":\"http://awss3control.amazonaws.com/doc/"
                        "2018-08-20/\",\"RestrictPublicBuckets\":false,\"BlockPublicPolicy\":false,\"BlockPublicAcls\":"
                        "false,\"IgnorePublicAcls\":false},\"Host\":\"111122223333.s3-control.eu-west-1.amazonaws.com\","
                        "\"x-amz-account-id\":[\"111122223333\"]}",
                        NULL, NULL);
    cw_ct_target t;
    cw_json *out = apply(ev, NULL, CW_CT_APPLY, &t);
    assert_string_equal(t.type, "AWS::S3::AccountPublicAccessBlock");
    assert_string_equal(t.resource_id, "111122223333");
    assert_string_equal(cw_json_str(cw_json_get(out, "resourceType"), ""), "AWS::S3::AccountPublicAccessBlock");
    assert_string_equal(cw_json_str(cw_json_get(out, "awsAccountId"), ""), "111122223333");
    assert_false(cw_json_bool(cw_json_path(out, "configuration.blockPublicPolicy"), true));
    assert_string_equal(cw_json_str(cw_json_get(out, "configurationItemStatus"), ""), "OK");
    /* PutPublicAccessBlock without a bucket is the account's */
    ev = event("s3-control.amazonaws.com", "PutPublicAccessBlock",
               "{\"PublicAccessBlockConfiguration\":{\"BlockPublicAcls\":true,\"IgnorePublicAcls\":true,"
               "\"BlockPublicPolicy\":true,\"RestrictPublicBuckets\":true},\"accountId\":\"444455556666\"}",
               NULL, NULL);
    out = apply(ev, NULL, CW_CT_APPLY, &t);
    assert_string_equal(t.resource_id, "444455556666");
    assert_true(cw_json_bool(cw_json_path(out, "configuration.restrictPublicBuckets"), false));
    ev = event("s3.amazonaws.com", "DeleteAccountPublicAccessBlock",
               "{\"Host\":\"111122223333.s3-control.eu-west-1.amazonaws.com\"}", NULL, NULL);
    out = apply(ev, NULL, CW_CT_APPLY, &t);
    assert_string_equal(t.resource_id, "111122223333"); /* recipientAccountId */
    assert_string_equal(cw_json_str(cw_json_get(out, "configurationItemStatus"), ""), "ResourceDeleted");
}

static const char sg_item[] =
    "{\"version\":\"1.3\",\"accountId\":\"111122223333\",\"configurationItemCaptureTime\":\"2026-12-01T00:00:00.000Z\","
    "\"configurationItemStatus\":\"OK\",\"configurationStateId\":\"1\",\"arn\":\"arn:aws:ec2:eu-west-1:111122223333:"
    "security-group/sg-0a1\",\"resourceType\":\"AWS::EC2::SecurityGroup\",\"resourceId\":\"sg-0a1\",\"resourceName\":"
    "\"db\",\"awsRegion\":\"eu-west-1\",\"configuration\":{\"groupName\":\"db\",\"groupId\":\"sg-0a1\",\"vpcId\":"
    "\"vpc-1\",\"ipPermissions\":[{\"ipProtocol\":\"tcp\",\"fromPort\":5432,\"toPort\":5432,\"userIdGroupPairs\":[],"
    "\"ipRanges\":[\"10.0.0.0/8\"],\"ipv4Ranges\":[{\"cidrIp\":\"10.0.0.0/8\"}],\"ipv6Ranges\":[],\"prefixListIds\":[]}],"
    "\"ipPermissionsEgress\":[]},\"supplementaryConfiguration\":{},\"relationships\":[]}";

static const cw_json *perm_at(const cw_json *item, uint32_t i)
{
    return cw_json_at(cw_json_path(item, "configuration.ipPermissions"), i);
}

static bool has_str(const cw_json *arr, const char *s)
{
    for (uint32_t i = 0; arr && arr->type == CW_JARR && i < arr->len; i++)
        if (strcmp(cw_json_str(&arr->u.items[i], ""), s) == 0) return true;
    return false;
}

static void test_security_group(void **s)
{
    (void)s;
    /* as re:Post's example shows it (eventVersion 1.05: items lists, empty objects for empty lists) */
    cw_json *ev = event("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress",
                        "{\"groupId\":\"sg-0a1\",\"ipPermissions\":{\"items\":[{\"ipProtocol\":\"tcp\",\"fromPort\":5432,"
                        "\"toPort\":5432,\"groups\":{},\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\",\"description\":"
                        "\"temp\"}]},\"ipv6Ranges\":{},\"prefixListIds\":{}},{\"ipProtocol\":\"-1\",\"groups\":{\"items\":"
                        "[{\"groupId\":\"sg-0b2\",\"userId\":\"111122223333\"}]},\"ipRanges\":{},\"ipv6Ranges\":{\"items\":"
                        "[{\"cidrIpv6\":\"::/0\"}]},\"prefixListIds\":{}}]}}",
                        "{\"requestId\":\"r\",\"_return\":true,\"securityGroupRuleSet\":{\"items\":[{\"groupOwnerId\":"
                        "\"111122223333\",\"groupId\":\"sg-0a1\",\"securityGroupRuleId\":\"sgr-1\",\"isEgress\":false,"
                        "\"ipProtocol\":\"tcp\",\"fromPort\":5432,\"toPort\":5432,\"cidrIpv4\":\"0.0.0.0/0\"}]}}",
                        NULL);
    cw_ct_target t;
    cw_json *out = apply(ev, sg_item, CW_CT_APPLY, &t);
    assert_string_equal(t.resource_id, "sg-0a1");
    assert_int_equal(cw_json_path(out, "configuration.ipPermissions")->len, 2);
    const cw_json *p0 = perm_at(out, 0);
    assert_true(has_str(cw_json_get(p0, "ipRanges"), "0.0.0.0/0")); /* merged into the 5432 rule */
    assert_true(has_str(cw_json_get(p0, "ipRanges"), "10.0.0.0/8"));
    assert_int_equal(cw_json_get(p0, "ipv4Ranges")->len, 2);
    const cw_json *p1 = perm_at(out, 1);
    assert_string_equal(cw_json_str(cw_json_get(p1, "ipProtocol"), ""), "-1");
    assert_string_equal(cw_json_str(cw_json_path(cw_json_at(cw_json_get(p1, "ipv6Ranges"), 0), "cidrIpv6"), ""), "::/0");
    assert_string_equal(cw_json_str(cw_json_path(cw_json_at(cw_json_get(p1, "userIdGroupPairs"), 0), "groupId"), ""),
                        "sg-0b2");
    /* revoke what was authorized: back to the original rule; the -1 rule goes when empty */
    cw_strbuf sb;
    cw_sb_init(&sb);
    cw_json_write(&sb, out, -1);
    char *after = cw_arena_strdup(&A, sb.buf);
    cw_sb_free(&sb);
    ev = event("ec2.amazonaws.com", "RevokeSecurityGroupIngress",
               "{\"groupId\":\"sg-0a1\",\"ipPermissions\":{\"items\":[{\"ipProtocol\":\"6\",\"fromPort\":5432,"
               "\"toPort\":5432,\"groups\":{},\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\"}]}},{\"ipProtocol\":"
               "\"-1\",\"groups\":{\"items\":[{\"groupId\":\"sg-0b2\"}]},\"ipv6Ranges\":{\"items\":[{\"cidrIpv6\":"
               "\"::/0\"}]}}]}}",
               NULL, NULL);
    out = apply(ev, after, CW_CT_APPLY, NULL);
    assert_int_equal(cw_json_path(out, "configuration.ipPermissions")->len, 1);
    p0 = perm_at(out, 0);
    assert_false(has_str(cw_json_get(p0, "ipRanges"), "0.0.0.0/0"));
    assert_true(has_str(cw_json_get(p0, "ipRanges"), "10.0.0.0/8"));
    assert_int_equal(cw_json_get(p0, "ipv4Ranges")->len, 1);
    /* a revoke by rule id cannot be mapped: said so, nothing applied */
    ev = event("ec2.amazonaws.com", "RevokeSecurityGroupIngress",
               "{\"groupId\":\"sg-0a1\",\"securityGroupRuleIds\":{\"items\":[{\"securityGroupRuleId\":\"sgr-1\"}]}}",
               NULL, NULL);
    apply(ev, sg_item, CW_CT_NEED_ITEM, NULL);
    /* a security group never seen: needs its item */
    ev = event("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress",
               "{\"groupId\":\"sg-new\",\"ipPermissions\":{\"items\":[{\"ipProtocol\":\"tcp\",\"fromPort\":22,"
               "\"toPort\":22,\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\"}]}}]}}",
               NULL, NULL);
    apply(ev, NULL, CW_CT_NEED_ITEM, NULL);
    /* the call failed: nothing changes */
    ev = event("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress",
               "{\"groupId\":\"sg-0a1\",\"ipPermissions\":{\"items\":[{\"ipProtocol\":\"tcp\",\"fromPort\":22,"
               "\"toPort\":22,\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\"}]}}]}}",
               NULL, ",\"errorCode\":\"Client.UnauthorizedOperation\",\"errorMessage\":\"You are not authorized\"");
    apply(ev, sg_item, CW_CT_FAILED, NULL);
    /* the old flat form */
    ev = event("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress",
               "{\"groupId\":\"sg-0a1\",\"ipProtocol\":\"tcp\",\"fromPort\":22,\"toPort\":22,\"cidrIp\":\"0.0.0.0/0\"}",
               NULL, NULL);
    out = apply(ev, sg_item, CW_CT_APPLY, NULL);
    assert_int_equal(cw_json_path(out, "configuration.ipPermissions")->len, 2);
    assert_true(has_str(cw_json_get(perm_at(out, 1), "ipRanges"), "0.0.0.0/0"));
}

static const char db_item[] =
    "{\"version\":\"1.3\",\"accountId\":\"111122223333\",\"configurationItemCaptureTime\":\"2026-12-01T00:00:00.000Z\","
    "\"configurationItemStatus\":\"OK\",\"configurationStateId\":\"7\",\"arn\":\"arn:aws:rds:eu-west-1:111122223333:"
    "db:crm\",\"resourceType\":\"AWS::RDS::DBInstance\",\"resourceId\":\"db-ABCDEFGHIJKLMN\",\"resourceName\":\"crm\","
    "\"awsRegion\":\"eu-west-1\",\"configuration\":{\"dBInstanceIdentifier\":\"crm\",\"engine\":\"postgres\","
    "\"publiclyAccessible\":false,\"vpcSecurityGroups\":[{\"vpcSecurityGroupId\":\"sg-0a1\",\"status\":\"active\"}],"
    "\"dbiResourceId\":\"db-ABCDEFGHIJKLMN\"},\"relationships\":[{\"resourceType\":\"AWS::EC2::SecurityGroup\","
    "\"resourceId\":\"sg-0a1\",\"relationshipName\":\"Is associated with SecurityGroup\"},{\"resourceType\":"
    "\"AWS::RDS::DBSubnetGroup\",\"resourceName\":\"default\",\"relationshipName\":\"Is associated with DBSubnetGroup\"}]}";

static void test_modify_db_instance(void **s)
{
    (void)s;
    cw_json *ev = event("rds.amazonaws.com", "ModifyDBInstance",
                        "{\"dBInstanceIdentifier\":\"crm\",\"publiclyAccessible\":true,\"applyImmediately\":true}",
                        "{\"dBInstanceIdentifier\":\"crm\",\"dBInstanceClass\":\"db.t3.micro\",\"engine\":\"postgres\","
                        "\"publiclyAccessible\":false,\"dbiResourceId\":\"db-ABCDEFGHIJKLMN\",\"pendingModifiedValues\":{}}",
                        NULL);
    cw_ct_target t;
    cw_json *out = apply(ev, db_item, CW_CT_APPLY, &t);
    assert_string_equal(t.resource_id, "db-ABCDEFGHIJKLMN");
    assert_string_equal(t.name, "crm");
    assert_true(cw_json_bool(cw_json_path(out, "configuration.publiclyAccessible"), false));
    /* new security groups: configuration and relationships */
    ev = event("rds.amazonaws.com", "ModifyDBInstance",
               "{\"dBInstanceIdentifier\":\"crm\",\"vpcSecurityGroupIds\":[\"sg-0c3\",\"sg-0d4\"],\"applyImmediately\":true}",
               NULL, NULL);
    out = apply(ev, db_item, CW_CT_APPLY, &t);
    assert_null(t.resource_id); /* no responseElements: found by name */
    assert_int_equal(cw_json_path(out, "configuration.vpcSecurityGroups")->len, 2);
    const cw_json *rels = cw_json_get(out, "relationships");
    assert_int_equal(rels->len, 3);
    assert_string_equal(cw_json_str(cw_json_get(cw_json_at(rels, 0), "resourceType"), ""), "AWS::RDS::DBSubnetGroup");
    assert_string_equal(cw_json_str(cw_json_get(cw_json_at(rels, 2), "resourceId"), ""), "sg-0d4");
    assert_false(cw_json_bool(cw_json_path(out, "configuration.publiclyAccessible"), true));
    /* nothing watch evaluates */
    ev = event("rds.amazonaws.com", "ModifyDBInstance", "{\"dBInstanceIdentifier\":\"crm\",\"backupRetentionPeriod\":7}",
               NULL, NULL);
    apply(ev, db_item, CW_CT_IGNORED, NULL);
}

static const char snap_item[] =
    "{\"version\":\"1.3\",\"accountId\":\"111122223333\",\"configurationItemCaptureTime\":\"2026-12-01T00:00:00.000Z\","
    "\"configurationItemStatus\":\"OK\",\"configurationStateId\":\"9\",\"resourceType\":\"AWS::RDS::DBSnapshot\","
    "\"resourceId\":\"crm-final\",\"resourceName\":\"crm-final\",\"awsRegion\":\"eu-west-1\",\"configuration\":"
    "{\"dBSnapshotIdentifier\":\"crm-final\",\"snapshotType\":\"manual\",\"encrypted\":false},"
    "\"supplementaryConfiguration\":{\"DBSnapshotAttributes\":[{\"attributeName\":\"restore\",\"attributeValues\":"
    "[\"444455556666\"]}],\"Tags\":[]}}";

static void test_snapshot_attributes(void **s)
{
    (void)s;
    /* no responseElements: computed from valuesToAdd / valuesToRemove */
    cw_json *ev = event("rds.amazonaws.com", "ModifyDBSnapshotAttribute",
                        "{\"dBSnapshotIdentifier\":\"crm-final\",\"attributeName\":\"restore\",\"valuesToAdd\":"
                        "[\"all\"],\"valuesToRemove\":[\"444455556666\"]}",
                        NULL, NULL);
    cw_json *out = apply(ev, snap_item, CW_CT_APPLY, NULL);
    const cw_json *vals =
        cw_json_get(cw_json_at(cw_json_path(out, "supplementaryConfiguration.DBSnapshotAttributes"), 0), "attributeValues");
    assert_int_equal(vals->len, 1);
    assert_true(has_str(vals, "all"));
    /* the response states the result: taken whole */
    ev = event("rds.amazonaws.com", "ModifyDBSnapshotAttribute",
               "{\"dBSnapshotIdentifier\":\"crm-final\",\"attributeName\":\"restore\",\"valuesToAdd\":[\"all\"]}",
               "{\"dBSnapshotIdentifier\":\"crm-final\",\"dBSnapshotAttributes\":[{\"attributeName\":\"restore\","
               "\"attributeValues\":[\"444455556666\",\"all\"]}]}",
               NULL);
    out = apply(ev, snap_item, CW_CT_APPLY, NULL);
    vals = cw_json_get(cw_json_at(cw_json_path(out, "supplementaryConfiguration.DBSnapshotAttributes"), 0),
                       "attributeValues");
    assert_int_equal(vals->len, 2);
    /* cluster snapshots */
    const char *csnap = "{\"version\":\"1.3\",\"accountId\":\"111122223333\",\"configurationItemCaptureTime\":"
                        "\"2026-12-01T00:00:00Z\",\"resourceType\":\"AWS::RDS::DBClusterSnapshot\",\"resourceId\":\"cs1\","
                        "\"configuration\":{},\"supplementaryConfiguration\":{}}";
    ev = event("rds.amazonaws.com", "ModifyDBClusterSnapshotAttribute",
               "{\"dBClusterSnapshotIdentifier\":\"cs1\",\"attributeName\":\"restore\",\"valuesToAdd\":[\"all\"]}",
               NULL, NULL);
    out = apply(ev, csnap, CW_CT_APPLY, NULL);
    vals = cw_json_get(cw_json_at(cw_json_path(out, "supplementaryConfiguration.DBClusterSnapshotAttributes"), 0),
                       "attributeValues");
    assert_true(has_str(vals, "all"));
    /* another attribute */
    ev = event("rds.amazonaws.com", "ModifyDBSnapshotAttribute",
               "{\"dBSnapshotIdentifier\":\"crm-final\",\"attributeName\":\"something\",\"valuesToAdd\":[\"x\"]}", NULL,
               NULL);
    apply(ev, snap_item, CW_CT_IGNORED, NULL);
}

static void test_other_calls(void **s)
{
    (void)s;
    cw_json *ev = event("s3.amazonaws.com", "GetBucketPolicy", "{\"bucketName\":\"cust-data\"}", NULL, NULL);
    apply(ev, bucket_item, CW_CT_IGNORED, NULL);
    ev = event("iam.amazonaws.com", "CreateUser", "{\"userName\":\"x\"}", NULL, NULL);
    apply(ev, NULL, CW_CT_IGNORED, NULL);
    /* no bucket named */
    ev = event("s3.amazonaws.com", "PutBucketPolicy", "{\"bucketPolicy\":{}}", NULL, NULL);
    apply(ev, bucket_item, CW_CT_BAD, NULL);
    /* requestParameters null (CloudTrail writes null for calls it does not log parameters of) */
    ev = event("s3.amazonaws.com", "DeleteBucketPolicy", "null", NULL, NULL);
    apply(ev, bucket_item, CW_CT_BAD, NULL);
    /* a failed S3 call */
    ev = event("s3.amazonaws.com", "PutBucketPolicy", "{\"bucketName\":\"cust-data\",\"bucketPolicy\":{}}", NULL,
               ",\"errorCode\":\"AccessDenied\",\"errorMessage\":\"Access Denied\"");
    apply(ev, bucket_item, CW_CT_FAILED, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_bucket_policy),   cmocka_unit_test(test_delete_bucket_policy),
        cmocka_unit_test(test_put_bucket_acl),      cmocka_unit_test(test_bucket_public_access_block),
        cmocka_unit_test(test_account_public_access_block), cmocka_unit_test(test_security_group),
        cmocka_unit_test(test_modify_db_instance),  cmocka_unit_test(test_snapshot_attributes),
        cmocka_unit_test(test_other_calls),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
