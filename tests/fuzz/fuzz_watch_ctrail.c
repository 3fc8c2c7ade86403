/* libFuzzer target: watch's CloudTrail translation (src/watch/ctrail.c,
 * ctrail_ec2.c). Input: line 1 a CloudTrail record, bare or as EventBridge
 * delivers it ("AWS API Call via CloudTrail"); optional line 2 the resource's
 * current configuration item (used when of the call's resource type, as the core
 * gives it; else a built-in one of that type in AWS Config's 1.3 shape). Each call is classified, then translated with
 * the current item and without one. Must never crash, hang or leak, and:
 *   - an applied call gives an object item of the call's resource type with
 *     the event's time as capture time, whose compact JSON parses back equal;
 *   - the current item is never modified;
 *   - a failed call (errorCode) is never applied. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "json/json.h"
#include "util/strbuf.h"
#include "watch/ctrail.h"
#include "watch/envelope.h"

#define HEAD "\"configurationItemVersion\":\"1.3\",\"configurationItemCaptureTime\":\"2026-12-01T00:00:00.000Z\"," \
             "\"configurationStateId\":1764547200000,\"awsAccountId\":\"111122223333\",\"configurationItemStatus\":\"OK\"," \
             "\"awsRegion\":\"eu-west-1\",\"configurationStateMd5Hash\":\"\",\"tags\":{},\"relatedEvents\":[],"

static const char *const builtin[][2] = {
    {"AWS::S3::Bucket",
     "{" HEAD "\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"cust-data\",\"resourceName\":\"cust-data\","
     "\"ARN\":\"arn:aws:s3:::cust-data\",\"relationships\":[],\"configuration\":{\"name\":\"cust-data\",\"owner\":"
     "{\"displayName\":null,\"id\":\"ownerid1\"}},\"supplementaryConfiguration\":{\"AccessControlList\":"
     "\"{\\\"grantSet\\\":null,\\\"grantList\\\":[{\\\"grantee\\\":{\\\"id\\\":\\\"ownerid1\\\",\\\"displayName\\\":null},"
     "\\\"permission\\\":\\\"FullControl\\\"}],\\\"owner\\\":{\\\"displayName\\\":null,\\\"id\\\":\\\"ownerid1\\\"},"
     "\\\"isRequesterCharged\\\":false}\",\"PublicAccessBlockConfiguration\":{\"blockPublicAcls\":true,"
     "\"ignorePublicAcls\":true,\"blockPublicPolicy\":true,\"restrictPublicBuckets\":true},\"BucketPolicy\":"
     "{\"policyText\":\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[]}\"}}}"},
    {"AWS::S3::AccountPublicAccessBlock",
     "{" HEAD "\"resourceType\":\"AWS::S3::AccountPublicAccessBlock\",\"resourceId\":\"111122223333\",\"relationships\":[],"
     "\"configuration\":{\"blockPublicAcls\":true,\"ignorePublicAcls\":true,\"blockPublicPolicy\":true,"
     "\"restrictPublicBuckets\":true},\"supplementaryConfiguration\":{}}"},
    {"AWS::EC2::SecurityGroup",
     "{" HEAD "\"resourceType\":\"AWS::EC2::SecurityGroup\",\"resourceId\":\"sg-0123456789abcdef0\",\"resourceName\":"
     "\"db\",\"ARN\":\"arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0\",\"relationships\":[],"
     "\"configuration\":{\"groupName\":\"db\",\"groupId\":\"sg-0123456789abcdef0\",\"vpcId\":\"vpc-1\",\"ipPermissions\":"
     "[{\"ipProtocol\":\"tcp\",\"fromPort\":5432,\"toPort\":5432,\"userIdGroupPairs\":[{\"groupId\":\"sg-1\",\"userId\":"
     "\"111122223333\"}],\"ipv4Ranges\":[{\"cidrIp\":\"10.0.0.0/8\"}],\"ipRanges\":[\"10.0.0.0/8\"],\"ipv6Ranges\":[],"
     "\"prefixListIds\":[]},{\"ipProtocol\":\"-1\",\"ipv6Ranges\":[{\"cidrIpv6\":\"::/0\"}],\"ipv4Ranges\":[],"
     "\"ipRanges\":[],\"userIdGroupPairs\":[],\"prefixListIds\":[]}],\"ipPermissionsEgress\":[]},"
     "\"supplementaryConfiguration\":{}}"},
    {"AWS::RDS::DBInstance",
     "{" HEAD "\"resourceType\":\"AWS::RDS::DBInstance\",\"resourceId\":\"db-ABCDEFGHIJKLMNOP\",\"resourceName\":\"crm\","
     "\"ARN\":\"arn:aws:rds:eu-west-1:111122223333:db:crm\",\"relationships\":[{\"resourceType\":"
     "\"AWS::EC2::SecurityGroup\",\"resourceId\":\"sg-0123456789abcdef0\",\"relationshipName\":\"Is associated with "
     "SecurityGroup\"}],\"configuration\":{\"dBInstanceIdentifier\":\"crm\",\"publiclyAccessible\":false,"
     "\"vpcSecurityGroups\":[{\"vpcSecurityGroupId\":\"sg-0123456789abcdef0\",\"status\":\"active\"}],\"dbiResourceId\":"
     "\"db-ABCDEFGHIJKLMNOP\",\"engine\":\"postgres\"},\"supplementaryConfiguration\":{}}"},
    {"AWS::RDS::DBSnapshot",
     "{" HEAD "\"resourceType\":\"AWS::RDS::DBSnapshot\",\"resourceId\":\"crm-final\",\"resourceName\":\"crm-final\","
     "\"ARN\":\"arn:aws:rds:eu-west-1:111122223333:snapshot:crm-final\",\"relationships\":[],\"configuration\":"
     "{\"dBSnapshotIdentifier\":\"crm-final\",\"snapshotType\":\"manual\",\"encrypted\":false},"
     "\"supplementaryConfiguration\":{\"DBSnapshotAttributes\":[{\"attributeName\":\"restore\",\"attributeValues\":"
     "[\"210987654321\"]}]}}"},
    {"AWS::RDS::DBClusterSnapshot",
     "{" HEAD "\"resourceType\":\"AWS::RDS::DBClusterSnapshot\",\"resourceId\":\"cs1\",\"resourceName\":\"cs1\","
     "\"ARN\":\"arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:cs1\",\"relationships\":[],\"configuration\":"
     "{\"dBClusterSnapshotIdentifier\":\"cs1\",\"snapshotType\":\"manual\"},\"supplementaryConfiguration\":"
     "{\"DBClusterSnapshotAttributes\":[{\"attributeName\":\"restore\",\"attributeValues\":[]}]}}"},
};

static const cw_json *builtin_item(cw_arena *a, const char *type)
{
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
        if (strcmp(type, builtin[i][0]) != 0) continue;
        cw_json_err je;
        cw_json *v = cw_json_parse(a, builtin[i][1], strlen(builtin[i][1]), &je);
        if (!v) __builtin_trap(); /* the target's own items are JSON */
        return v;
    }
    return NULL;
}

static void translate(cw_arena *a, const cw_json *ev, const cw_ct_target *t, const cw_json *cur)
{
    /* compared as text: a clone would fold duplicate keys */
    cw_strbuf before = CW_STRBUF_INIT, after = CW_STRBUF_INIT;
    if (cur) cw_json_write(&before, cur, -1);
    cw_json *out = NULL;
    const char *why = NULL;
    cw_ct_verdict v = cw_ct_translate(a, ev, t, cur, &out, &why);
    if (cur) {
        cw_json_write(&after, cur, -1);
        if (before.len != after.len || memcmp(before.buf, after.buf, before.len) != 0)
            __builtin_trap(); /* the current item is not modified */
    }
    cw_sb_free(&before);
    cw_sb_free(&after);
    if (v != CW_CT_APPLY) {
        if (!why) __builtin_trap();
        return;
    }
    if (!out || out->type != CW_JOBJ) __builtin_trap();
    const char *type = cw_json_str(cw_json_get(out, "resourceType"), NULL);
    if (!type || strcmp(type, t->type) != 0) __builtin_trap();
    const char *cap = cw_json_str(cw_json_get(out, "configurationItemCaptureTime"), NULL);
    if (!cap) __builtin_trap();
    cw_strbuf sb = CW_STRBUF_INIT;
    cw_json_write(&sb, out, -1);
    cw_json_err je;
    cw_json *back = cw_json_parse(a, sb.buf, sb.len, &je);
    if (!back || !cw_json_equal(back, out)) __builtin_trap();
    cw_sb_free(&sb);
}

static void call(cw_arena *a, const cw_json *ev, const cw_json *given)
{
    cw_ct_target t;
    const char *why = NULL;
    cw_ct_verdict v = cw_ct_target_of(a, ev, &t, &why);
    if (v != CW_CT_APPLY) {
        if (!why) __builtin_trap();
        return;
    }
    if (!t.type || (!t.resource_id && !t.name)) __builtin_trap();
    const char *ec = cw_json_str(cw_json_get(ev, "errorCode"), NULL);
    if (ec && *ec) __builtin_trap(); /* a failed call is never applied */
    /* the core hands over the item of the call's resource (same type) */
    const char *gt = cw_json_str(cw_json_get(given, "resourceType"), NULL);
    translate(a, ev, &t, gt && strcmp(gt, t.type) == 0 ? given : builtin_item(a, t.type));
    translate(a, ev, &t, NULL);
}

/* undefined behaviour stops the run (UBSan's default only reports it) */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cw_arena a;
    cw_arena_init(&a, 0);
    const char *s = (const char *)data;
    const char *nl = memchr(s, '\n', size);
    size_t n1 = nl ? (size_t)(nl - s) : size;
    cw_json_err je;
    cw_json *rec = cw_json_parse(&a, s, n1, &je);
    cw_json *cur = nl ? cw_json_parse(&a, nl + 1, size - n1 - 1, &je) : NULL;
    if (cur && cur->type != CW_JOBJ) cur = NULL;
    if (rec) {
        /* through the envelope decoder, as the core gets it */
        cw_evs e = {0};
        cw_envelope_unwrap(&a, rec, s, n1, &e);
        for (size_t i = 0; i < e.n; i++)
            if (e.v[i].kind == CW_EV_CLOUDTRAIL) call(&a, e.v[i].event, cur);
        cw_evs_free(&e);
    }
    cw_arena_free(&a);
    return 0;
}
