/* test_envelope.c - what arrives at watch, unwrapped: SNS (the message as
 * JSON inside a string), EventBridge (Config item change, CloudTrail API
 * call), AWS Config notifications (item change, oversized, delivery
 * notices), bare items and CloudTrail records; ids for de-duplication; what
 * is not understood says what was expected. */
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
#include "util/timeutil.h"
#include "watch/envelope.h"

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

static void unwrap(const char *text, cw_evs *out)
{
    cw_json_err e;
    cw_json *v = cw_json_parse(&A, text, strlen(text), &e);
    if (!v) fail_msg("test JSON %u:%u: %s", e.line, e.col, e.msg);
    out->n = 0;
    cw_envelope_unwrap(&A, v, text, strlen(text), out);
}

/* AWS Config's item change notification, compact as AWS sends it */
static const char notif[] =
    "{\"configurationItemDiff\":{\"changedProperties\":{},\"changeType\":\"UPDATE\"},\"configurationItem\":"
    "{\"relatedEvents\":[],\"relationships\":[],\"configuration\":{\"name\":\"cust-data\"},"
    "\"supplementaryConfiguration\":{},\"tags\":{},\"configurationItemVersion\":\"1.3\","
    "\"configurationItemCaptureTime\":\"2026-12-07T09:00:00.123Z\",\"configurationStateId\":1765098000123,"
    "\"awsAccountId\":\"111122223333\",\"configurationItemStatus\":\"OK\",\"resourceType\":\"AWS::S3::Bucket\","
    "\"resourceId\":\"cust-data\",\"resourceName\":\"cust-data\",\"ARN\":\"arn:aws:s3:::cust-data\",\"awsRegion\":"
    "\"eu-west-1\",\"availabilityZone\":\"Regional\",\"configurationStateMd5Hash\":\"\"},\"notificationCreationTime\":"
    "\"2026-12-07T09:00:01.456Z\",\"messageType\":\"ConfigurationItemChangeNotification\",\"recordVersion\":\"1.3\"}";

static char *json_string(const char *s)
{
    cw_strbuf sb;
    cw_sb_init(&sb);
    cw_sb_add_json_cstr(&sb, s);
    char *r = cw_arena_strdup(&A, sb.buf);
    cw_sb_free(&sb);
    return r;
}

static void test_sns_item(void **s)
{
    (void)s;
    cw_evs o = {0};
    char *sns = cw_arena_printf(
        &A,
        "{\"Type\":\"Notification\",\"MessageId\":\"8e3b1a2c-0000-5000-8000-000000000001\",\"TopicArn\":"
        "\"arn:aws:sns:eu-west-1:111122223333:config-topic\",\"Subject\":\"[AWS Config:eu-west-1] AWS::S3::Bucket "
        "cust-data Updated in Account 111122223333\",\"Message\":%s,\"Timestamp\":\"2026-12-07T09:00:01.500Z\","
        "\"SignatureVersion\":\"1\",\"Signature\":\"EXAMPLE==\",\"SigningCertURL\":\"https://sns.eu-west-1.amazonaws.com/"
        "SimpleNotificationService-x.pem\",\"UnsubscribeURL\":\"https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe\"}",
        json_string(notif));
    unwrap(sns, &o);
    assert_int_equal(o.n, 1);
    assert_int_equal(o.v[0].kind, CW_EV_ITEM);
    assert_string_equal(o.v[0].via, "sns");
    assert_string_equal(o.v[0].resource, "arn:aws:s3:::cust-data");
    assert_string_equal(o.v[0].account, "111122223333");
    assert_string_equal(o.v[0].type, "AWS::S3::Bucket");
    assert_true(o.v[0].time_us == cw_time_parse("2026-12-07T09:00:00.123Z", 24));
    assert_string_equal(o.v[0].id, "config:arn:aws:s3:::cust-data@2026-12-07T09:00:00.123Z#1765098000123");
    const char *sns_id = o.v[0].id;
    /* the same item through EventBridge: the same id, so one event */
    char *eb = cw_arena_printf(&A,
                               "{\"version\":\"0\",\"id\":\"f00dfeed-0000-0000-0000-000000000002\",\"detail-type\":"
                               "\"Config Configuration Item Change\",\"source\":\"aws.config\",\"account\":"
                               "\"111122223333\",\"time\":\"2026-12-07T09:00:01Z\",\"region\":\"eu-west-1\","
                               "\"resources\":[\"arn:aws:s3:::cust-data\"],\"detail\":%s}",
                               notif);
    unwrap(eb, &o);
    assert_int_equal(o.n, 1);
    assert_int_equal(o.v[0].kind, CW_EV_ITEM);
    assert_string_equal(o.v[0].via, "eventbridge");
    assert_string_equal(o.v[0].id, sns_id);
    /* and bare */
    unwrap(notif, &o);
    assert_int_equal(o.v[0].kind, CW_EV_ITEM);
    assert_string_equal(o.v[0].id, sns_id);
    /* EventBridge inside SNS */
    char *both = cw_arena_printf(&A, "{\"Type\":\"Notification\",\"MessageId\":\"m2\",\"Message\":%s}", json_string(eb));
    unwrap(both, &o);
    assert_int_equal(o.v[0].kind, CW_EV_ITEM);
    assert_string_equal(o.v[0].via, "sns+eventbridge");
    cw_evs_free(&o);
}

static void test_oversized(void **s)
{
    (void)s;
    cw_evs o = {0};
    unwrap("{\"configurationItemSummary\":{\"changeType\":\"UPDATE\",\"configurationItemVersion\":\"1.3\","
           "\"configurationItemCaptureTime\":\"2026-12-07T09:05:00.000Z\",\"configurationStateId\":1765098300000,"
           "\"awsAccountId\":\"111122223333\",\"configurationItemStatus\":\"OK\",\"resourceType\":"
           "\"AWS::EC2::SecurityGroup\",\"resourceId\":\"sg-0a1\",\"resourceName\":null,\"ARN\":"
           "\"arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0a1\",\"awsRegion\":\"eu-west-1\","
           "\"availabilityZone\":\"Not Applicable\",\"configurationStateMd5Hash\":\"\",\"resourceCreationTime\":null},"
           "\"s3DeliverySummary\":{\"s3BucketLocation\":\"config-bucket/AWSLogs/111122223333/Config/eu-west-1/2026/12/7/"
           "OversizedChangeNotification/AWS::EC2::SecurityGroup/sg-0a1/111122223333_Config_eu-west-1_"
           "ChangeNotification_AWS::EC2::SecurityGroup_sg-0a1_20261207T090500Z_1765098300000.json.gz\",\"errorCode\":null,"
           "\"errorMessage\":null},\"notificationCreationTime\":\"2026-12-07T09:05:01.000Z\",\"messageType\":"
           "\"OversizedConfigurationItemChangeNotification\",\"recordVersion\":\"1.0\"}",
           &o);
    assert_int_equal(o.n, 1);
    assert_int_equal(o.v[0].kind, CW_EV_OVERSIZED);
    assert_string_equal(o.v[0].type, "AWS::EC2::SecurityGroup");
    assert_string_equal(o.v[0].resource_id, "sg-0a1");
    assert_non_null(strstr(o.v[0].detail, "fetch s3://config-bucket/AWSLogs/111122223333/"));
    assert_string_equal(o.v[0].id, "oversized:arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0a1#1765098300000");
    cw_evs_free(&o);
}

static void test_notices_and_subscription(void **s)
{
    (void)s;
    cw_evs o = {0};
    unwrap("{\"s3ObjectKey\":\"AWSLogs/111122223333/Config/eu-west-1/2026/12/7/ConfigSnapshot/111122223333_Config_"
           "eu-west-1_ConfigSnapshot_20261207T000000Z_x.json.gz\",\"s3Bucket\":\"config-bucket\","
           "\"notificationCreationTime\":\"2026-12-07T00:10:00.000Z\",\"messageType\":"
           "\"ConfigurationSnapshotDeliveryCompleted\",\"recordVersion\":\"1.1\",\"configSnapshotId\":\"abc\"}",
           &o);
    assert_int_equal(o.n, 1);
    assert_int_equal(o.v[0].kind, CW_EV_NOTICE);
    assert_non_null(strstr(o.v[0].detail, "ConfigurationSnapshotDeliveryCompleted: s3://config-bucket/AWSLogs/"));
    unwrap("{\"Type\":\"SubscriptionConfirmation\",\"MessageId\":\"165545c9-2a5c-472c-8df2-7ff2be2b3b1b\",\"Token\":"
           "\"2336412f37f\",\"TopicArn\":\"arn:aws:sns:eu-west-1:111122223333:config-topic\",\"Message\":\"You have "
           "chosen to subscribe to the topic arn:aws:sns:eu-west-1:111122223333:config-topic.\\nTo confirm the "
           "subscription, visit the SubscribeURL included in this message.\",\"SubscribeURL\":"
           "\"https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-west-1:"
           "111122223333:config-topic&Token=2336412f37f\",\"Timestamp\":\"2026-12-07T08:00:00.000Z\","
           "\"SignatureVersion\":\"1\",\"Signature\":\"EXAMPLE\",\"SigningCertURL\":\"https://sns.eu-west-1.amazonaws.com/"
           "x.pem\"}",
           &o);
    assert_int_equal(o.n, 1);
    assert_int_equal(o.v[0].kind, CW_EV_SUBSCRIBE);
    assert_true(strncmp(o.v[0].detail, "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription", 63) == 0);
    assert_string_equal(o.v[0].id, "sns:165545c9-2a5c-472c-8df2-7ff2be2b3b1b");
    /* EventBridge events of other kinds are notices */
    unwrap("{\"version\":\"0\",\"id\":\"x1\",\"detail-type\":\"EC2 Instance State-change Notification\",\"source\":"
           "\"aws.ec2\",\"account\":\"111122223333\",\"time\":\"2026-12-07T08:00:00Z\",\"region\":\"eu-west-1\","
           "\"detail\":{\"instance-id\":\"i-1\",\"state\":\"running\"}}",
           &o);
    assert_int_equal(o.v[0].kind, CW_EV_NOTICE);
    assert_string_equal(o.v[0].id, "eventbridge:x1");
    cw_evs_free(&o);
}

static void test_cloudtrail(void **s)
{
    (void)s;
    cw_evs o = {0};
    const char *ct = "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"accountId\":\"111122223333\","
                     "\"arn\":\"arn:aws:iam::111122223333:user/alice\"},\"eventTime\":\"2026-12-07T10:00:00Z\","
                     "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"PutBucketAcl\",\"awsRegion\":\"eu-west-1\","
                     "\"requestParameters\":{\"bucketName\":\"cust-data\",\"x-amz-acl\":[\"public-read\"]},"
                     "\"responseElements\":null,\"eventID\":\"3ba1ab5e-0000-4000-8000-00000000000a\",\"readOnly\":false,"
                     "\"recipientAccountId\":\"111122223333\"}";
    char *eb = cw_arena_printf(&A,
                               "{\"version\":\"0\",\"id\":\"eb-1\",\"detail-type\":\"AWS API Call via CloudTrail\","
                               "\"source\":\"aws.s3\",\"account\":\"111122223333\",\"time\":\"2026-12-07T10:00:00Z\","
                               "\"region\":\"eu-west-1\",\"resources\":[],\"detail\":%s}",
                               ct);
    unwrap(eb, &o);
    assert_int_equal(o.n, 1);
    assert_int_equal(o.v[0].kind, CW_EV_CLOUDTRAIL);
    assert_string_equal(o.v[0].id, "cloudtrail:3ba1ab5e-0000-4000-8000-00000000000a");
    assert_string_equal(o.v[0].account, "111122223333");
    assert_string_equal(cw_json_str(cw_json_get(o.v[0].event, "eventName"), ""), "PutBucketAcl");
    /* a CloudTrail file's Records, bare records */
    char *file = cw_arena_printf(&A, "{\"Records\":[%s,%s]}", ct, ct);
    unwrap(file, &o);
    assert_int_equal(o.n, 2);
    assert_int_equal(o.v[1].kind, CW_EV_CLOUDTRAIL);
    cw_evs_free(&o);
}

static void test_unknown(void **s)
{
    (void)s;
    cw_evs o = {0};
    unwrap("{\"hello\":\"world\"}", &o);
    assert_int_equal(o.n, 1);
    assert_int_equal(o.v[0].kind, CW_EV_UNKNOWN);
    assert_non_null(strstr(o.v[0].detail, "a configuration item (resourceType"));
    assert_true(strncmp(o.v[0].id, "unknown:", 8) == 0);
    unwrap("[1,2]", &o);
    assert_int_equal(o.v[0].kind, CW_EV_UNKNOWN);
    /* SNS whose Message is not JSON: where in the Message */
    unwrap("{\"Type\":\"Notification\",\"MessageId\":\"m9\",\"Message\":\"{\\\"configurationItem\\\": \"}", &o);
    assert_int_equal(o.v[0].kind, CW_EV_UNKNOWN);
    assert_non_null(strstr(o.v[0].detail, "SNS Message is not JSON: 1:"));
    assert_string_equal(o.v[0].id, "sns:m9");
    /* an item without resourceId */
    unwrap("{\"resourceType\":\"AWS::S3::Bucket\",\"configurationItemCaptureTime\":\"2026-12-07T10:00:00Z\"}", &o);
    assert_int_equal(o.v[0].kind, CW_EV_UNKNOWN);
    /* an unknown resource type is still an item (the engine has no rules for it) */
    unwrap("{\"resourceType\":\"AWS::Made::Up\",\"resourceId\":\"x\",\"configurationItemCaptureTime\":"
           "\"2026-12-07T10:00:00Z\",\"configuration\":{}}",
           &o);
    assert_int_equal(o.v[0].kind, CW_EV_ITEM);
    assert_string_equal(o.v[0].resource, "AWS::Made::Up/x");
    /* no state id: a digest, stable for the same text */
    const char *id1 = o.v[0].id;
    unwrap("{\"resourceType\":\"AWS::Made::Up\",\"resourceId\":\"x\",\"configurationItemCaptureTime\":"
           "\"2026-12-07T10:00:00Z\",\"configuration\":{}}",
           &o);
    assert_string_equal(o.v[0].id, id1);
    cw_evs_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sns_item),    cmocka_unit_test(test_oversized), cmocka_unit_test(test_notices_and_subscription),
        cmocka_unit_test(test_cloudtrail), cmocka_unit_test(test_unknown),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
