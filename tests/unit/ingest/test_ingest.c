/* Unit tests of the AWS Config adapter and the ingest loop, including every
 * file of the real corpus ../shared/corpora/aws-config-rdk-example-ci. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "ingest/ingest.h"
#include "model/model.h"

static char tmpdir[256];

static const char *write_tmp(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static int load_x(cw_assets *s, const char *path, cw_diags *d, cw_ingest_stats *st, const cw_exec *x)
{
    memset(st, 0, sizeof *st);
    cw_ingest_opts o = {.exec = x};
    return cw_ingest_file(s, path, &o, d, st);
}

static int load(cw_assets *s, const char *path, cw_diags *d, cw_ingest_stats *st)
{
    return load_x(s, path, d, st, NULL);
}

#define ITEM13(type, id, arn, status, time, conf)                                                              \
    "{\"configurationItemVersion\":\"1.3\",\"awsAccountId\":\"111122223333\",\"configurationItemStatus\":\"" status \
    "\",\"configurationItemCaptureTime\":\"" time "\",\"resourceType\":\"" type "\",\"resourceId\":\"" id          \
    "\",\"ARN\":\"" arn "\",\"awsRegion\":\"ap-southeast-2\",\"tags\":{\"env\":\"prod\"},\"relationships\":[],"   \
    "\"configuration\":" conf "}"

static void test_snapshot_and_history(void **state)
{
    (void)state;
    const char *p = write_tmp(
        "snap.json",
        "{\"fileVersion\":\"1.0\",\"configSnapshotId\":\"x\",\"configurationItems\":[\n" ITEM13(
            "AWS::S3::Bucket", "b1", "arn:aws:s3:::b1", "OK", "2020-01-01T00:00:00.000Z", "{\"name\":\"b1\"}") ",\n" ITEM13("AWS::S3::Bucket", "b1", "arn:aws:s3:::b1", "OK", "2021-01-01T00:00:00.000Z", "{\"name\":\"b1-new\"}") ",\n" ITEM13("AWS::S3::Bucket", "b2", "arn:aws:s3:::b2", "OK", "2021-01-01T00:00:00.000Z", "{}") ",\n" ITEM13("AWS::S3::Bucket", "b2", "arn:aws:s3:::b2", "ResourceDeleted", "2022-01-01T00:00:00.000Z", "null") ",\n" ITEM13("AWS::S3::Bucket", "b1", "arn:aws:s3:::b1", "OK", "2019-01-01T00:00:00.000Z", "{\"name\":\"b1-old\"}") "]}\n");
    cw_assets s;
    cw_assets_init(&s);
    cw_diags d;
    cw_diags_init(&d);
    cw_ingest_stats st;
    assert_int_equal(load(&s, p, &d, &st), 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(st.records, 5);
    cw_assets_link(&s, NULL);
    assert_int_equal(cw_assets_live_count(&s), 1);
    cw_asset *b1 = cw_assets_find(&s, "arn:aws:s3:::b1");
    assert_non_null(b1);
    /* the latest capture wins, whatever the order in the file */
    assert_string_equal(cw_json_str(cw_json_path(b1->raw, "configuration.name"), ""), "b1-new");
    assert_string_equal(b1->account, "111122223333");
    assert_string_equal(b1->region, "ap-southeast-2");
    assert_string_equal(cw_asset_tag(b1, "env"), "prod");
    cw_asset *b2 = cw_assets_find(&s, "arn:aws:s3:::b2");
    assert_non_null(b2);
    assert_false(b2->live);
    assert_int_equal(cw_assets_of_type(&s, "AWS::S3::Bucket")->n, 1);
    cw_assets_free(&s);
    cw_diags_free(&d);
}

/* Relationship targets: by (type, resource id); by id when the relationship
 * names the target by its ARN; and by an id that is neither ARN nor
 * type/resourceId when an item's ARN field holds such a string. */
#define ITEMR(type, id, arn, rels)                                                                              \
    "{\"configurationItemVersion\":\"1.3\",\"awsAccountId\":\"111122223333\",\"configurationItemStatus\":\"OK\"," \
    "\"configurationItemCaptureTime\":\"2021-01-01T00:00:00.000Z\",\"resourceType\":\"" type "\",\"resourceId\":\"" id \
    "\",\"ARN\":\"" arn "\",\"awsRegion\":\"ap-southeast-2\",\"tags\":{},\"relationships\":" rels           \
    ",\"configuration\":{}}"
static void test_link_targets(void **state)
{
    (void)state;
    const char *p = write_tmp(
        "links.json",
        "{\"configurationItems\":[\n" ITEMR("AWS::EC2::SecurityGroup", "sg-1", "arn:aws:ec2:ap-southeast-2:111122223333:security-group/sg-1", "[]")
        ",\n" ITEMR("AWS::Custom::Thing", "t-1", "plainid", "[]")
        ",\n" ITEMR("AWS::EC2::Instance", "i-1", "arn:aws:ec2:ap-southeast-2:111122223333:instance/i-1",
                     "[{\"resourceType\":\"AWS::EC2::SecurityGroup\",\"resourceId\":\"sg-1\"},"
                     "{\"resourceType\":\"AWS::EC2::VPC\",\"resourceId\":\"vpc-1\"},"
                     "{\"resourceType\":\"AWS::Other::Type\",\"resourceId\":\"arn:aws:ec2:ap-southeast-2:111122223333:security-group/sg-1\"},"
                     "{\"resourceType\":\"AWS::Other::Type\",\"resourceId\":\"plainid\"}]") "]}\n");
    cw_assets s;
    cw_assets_init(&s);
    cw_diags d;
    cw_diags_init(&d);
    cw_ingest_stats st;
    assert_int_equal(load(&s, p, &d, &st), 0);
    cw_assets_link(&s, NULL);
    cw_asset *i1 = cw_assets_find_rid(&s, "AWS::EC2::Instance", "i-1");
    cw_asset *sg = cw_assets_find_rid(&s, "AWS::EC2::SecurityGroup", "sg-1");
    cw_asset *t1 = cw_assets_find(&s, "plainid");
    assert_non_null(i1);
    assert_non_null(sg);
    assert_non_null(t1);
    assert_int_equal(i1->nrels, 4);
    assert_ptr_equal(i1->rels[0].target, sg);   /* (type, resource id) */
    assert_null(i1->rels[1].target);            /* not in the inventory */
    assert_ptr_equal(i1->rels[2].target, sg);   /* by ARN */
    assert_ptr_equal(i1->rels[3].target, t1);   /* by a plain id */
    cw_assets_free(&s);
    cw_diags_free(&d);
}

static void test_embedded_json_decoded(void **state)
{
    (void)state;
    const char *p = write_tmp(
        "bucket.json",
        "{\"version\":\"1.2\",\"accountId\":\"1\",\"arn\":\"arn:aws:s3:::x\",\"resourceType\":\"AWS::S3::Bucket\","
        "\"resourceId\":\"x\",\"configurationItemCaptureTime\":\"2020-01-01T00:00:00Z\",\"configuration\":{},"
        "\"supplementaryConfiguration\":{\"AccessControlList\":\"{\\\"grantList\\\":[{\\\"grantee\\\":\\\"AllUsers\\\","
        "\\\"permission\\\":\\\"Read\\\"}]}\",\"BucketPolicy\":{\"policyText\":\"{\\\"Statement\\\":[]}\"}},"
        "\"tags\":[{\"key\":\"data-class\",\"value\":\"pii\"}]}");
    cw_assets s;
    cw_assets_init(&s);
    cw_diags d;
    cw_diags_init(&d);
    cw_ingest_stats st;
    assert_int_equal(load(&s, p, &d, &st), 0);
    cw_assets_link(&s, NULL);
    cw_asset *a = cw_assets_find(&s, "arn:aws:s3:::x");
    assert_non_null(a);
    const cw_json *acl = cw_json_path(a->raw, "supplementaryConfiguration.AccessControlList");
    assert_non_null(acl);
    assert_int_equal(acl->type, CW_JOBJ);
    assert_int_equal(cw_json_get(acl, "grantList")->type, CW_JARR);
    assert_int_equal(cw_json_path(a->raw, "supplementaryConfiguration.BucketPolicy.policyText")->type, CW_JOBJ);
    assert_string_equal(cw_asset_tag(a, "data-class"), "pii");
    cw_assets_free(&s);
    cw_diags_free(&d);
}

static void test_notifications(void **state)
{
    (void)state;
    /* change notification, SNS envelope, EventBridge envelope, NDJSON */
    const char *p = write_tmp(
        "events.ndjson",
        "{\"configurationItemDiff\":{\"changeType\":\"UPDATE\"},\"messageType\":\"ConfigurationItemChangeNotification\","
        "\"configurationItem\":" ITEM13("AWS::EC2::SecurityGroup", "sg-1", "arn:aws:ec2:ap-southeast-2:111122223333:security-group/sg-1", "OK", "2020-01-01T00:00:00Z", "{}") "}\n"
        "{\"Type\":\"Notification\",\"Message\":\"{\\\"messageType\\\":\\\"ConfigurationItemChangeNotification\\\","
        "\\\"configurationItem\\\":{\\\"resourceType\\\":\\\"AWS::EC2::Instance\\\",\\\"resourceId\\\":\\\"i-1\\\","
        "\\\"configurationItemCaptureTime\\\":\\\"2020-01-01T00:00:00Z\\\",\\\"configuration\\\":{}}}\"}\n"
        "{\"detail-type\":\"Config Configuration Item Change\",\"detail\":{\"messageType\":\"ConfigurationItemChangeNotification\","
        "\"configurationItem\":" ITEM13("AWS::RDS::DBInstance", "db-1", "arn:aws:rds:ap-southeast-2:111122223333:db:one", "OK", "2020-01-01T00:00:00Z", "{}") "}}\n"
        "{\"messageType\":\"ScheduledNotification\",\"notificationCreationTime\":\"2020-01-01T00:00:00Z\"}\n");
    cw_assets s;
    cw_assets_init(&s);
    cw_diags d;
    cw_diags_init(&d);
    cw_ingest_stats st;
    assert_int_equal(load(&s, p, &d, &st), 0);
    assert_int_equal(st.records, 4);
    assert_int_equal(st.assets, 3);
    assert_int_equal(st.skipped, 1);
    cw_assets_link(&s, NULL);
    assert_non_null(cw_assets_find(&s, "arn:aws:ec2:ap-southeast-2:111122223333:security-group/sg-1"));
    assert_non_null(cw_assets_find_rid(&s, "AWS::EC2::Instance", "i-1"));
    assert_non_null(cw_assets_find_rid(&s, "AWS::RDS::DBInstance", "db-1"));
    cw_assets_free(&s);
    cw_diags_free(&d);
}

static void test_bad_records_keep_good_ones(void **state)
{
    (void)state;
    const char *p = write_tmp(
        "mixed.json",
        "{\"configurationItems\":[\n" ITEM13("AWS::S3::Bucket", "ok1", "arn:aws:s3:::ok1", "OK", "2020-01-01T00:00:00Z", "{}") ",\n"
        "{\"resourceType\": 5, \"resourceId\": \"x\", \"configuration\": {}},\n"
        "[1,2],\n" ITEM13("AWS::S3::Bucket", "ok2", "arn:aws:s3:::ok2", "OK", "2020-01-01T00:00:00Z", "{}") "\n]}\n");
    cw_assets s;
    cw_assets_init(&s);
    cw_diags d;
    cw_diags_init(&d);
    cw_ingest_stats st;
    assert_int_equal(load(&s, p, &d, &st), -1);
    assert_int_equal(d.errors, 2);
    /* errors are located: file, line, record */
    assert_string_equal(d.v[0].file, p);
    assert_int_equal(d.v[0].line, 3);
    assert_int_equal(d.v[0].record, 2);
    assert_non_null(strstr(d.v[0].msg, "resourceType"));
    assert_int_equal(d.v[1].line, 4);
    cw_assets_link(&s, NULL);
    assert_int_equal(cw_assets_live_count(&s), 2);
    cw_assets_free(&s);
    cw_diags_free(&d);
}

static void test_not_an_inventory(void **state)
{
    (void)state;
    const char *p = write_tmp("pkg.json", "{\n  \"name\": \"left-pad\",\n  \"version\": \"1.0.0\"\n}\n");
    cw_assets s;
    cw_assets_init(&s);
    cw_diags d;
    cw_diags_init(&d);
    cw_ingest_stats st;
    assert_int_equal(load(&s, p, &d, &st), -1);
    assert_int_equal(d.errors, 1);
    assert_int_equal(d.v[0].line, 1);
    assert_non_null(strstr(d.v[0].msg, "not a recognised inventory"));
    cw_assets_free(&s);
    cw_diags_free(&d);
}

static void test_gzip_input(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/snap.json.gz", tmpdir);
    gzFile g = gzopen(path, "wb");
    assert_non_null(g);
    const char *text = "{\"configurationItems\":[" ITEM13("AWS::S3::Bucket", "gz", "arn:aws:s3:::gz", "OK",
                                                                  "2020-01-01T00:00:00Z", "{}") "]}";
    gzwrite(g, text, (unsigned)strlen(text));
    gzclose(g);
    cw_assets s;
    cw_assets_init(&s);
    cw_diags d;
    cw_diags_init(&d);
    cw_ingest_stats st;
    assert_int_equal(load(&s, path, &d, &st), 0);
    assert_non_null(cw_assets_find(&s, "arn:aws:s3:::gz"));
    cw_assets_free(&s);
    cw_diags_free(&d);
}

/* Every valid file of the real corpus loads; the two invalid ones are
 * rejected with a located error. */
static void test_corpus(void **state)
{
    (void)state;
    const char *root = getenv("CW_SOURCE_ROOT");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/../shared/corpora/aws-config-rdk-example-ci", root ? root : ".");
    DIR *dd = opendir(dir);
    if (!dd) {
        skip();
        return;
    }
    struct dirent *e;
    int files = 0, bad = 0;
    while ((e = readdir(dd))) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0) continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        cw_assets s;
        cw_assets_init(&s);
        cw_diags d;
        cw_diags_init(&d);
        cw_ingest_stats st;
        int rc = load(&s, path, &d, &st);
        int invalid = strcmp(e->d_name, "AWS_EC2_NetworkInterface.json") == 0 ||
                      strcmp(e->d_name, "AWS_SSM_ManagedInstanceInventory_Linux.json") == 0;
        if (invalid) {
            bad++;
            assert_int_equal(rc, -1);
            assert_true(d.errors >= 1);
            assert_true(d.v[0].line > 0 && d.v[0].col > 0);
            if (strstr(e->d_name, "Linux")) assert_int_equal(d.v[0].line, 51);
        } else {
            if (rc != 0) {
                cw_diags_print(&d);
                fail_msg("%s did not load", e->d_name);
            }
            assert_true(st.assets >= 1);
        }
        files++;
        cw_assets_free(&s);
        cw_diags_free(&d);
    }
    closedir(dd);
    assert_true(files >= 80);
    assert_int_equal(bad, 2);
}

/* The worker-thread pipeline gives the same assets and the same located
 * diagnostics, in the same order, as the serial path. */
static void load_both(const char *path, cw_assets *ser, cw_diags *dser, cw_assets *par, cw_diags *dpar)
{
    cw_ingest_stats st;
    load(ser, path, dser, &st);
    cw_pool *pool = cw_pool_new(3);
    cw_exec x = {.pool = pool, .min_bytes = 1};
    load_x(par, path, dpar, &st, &x);
    cw_pool_free(pool);
}

static void test_parallel_same_as_serial(void **state)
{
    (void)state;
    /* a few thousand items (several batches), history duplicates, bad records, a truncated end */
    char path[512];
    snprintf(path, sizeof path, "%s/many.json", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"fileVersion\":\"1.0\",\"configurationItems\":[\n", f);
    for (int i = 0; i < 5000; i++) {
        if (i == 1234) fputs("{\"resourceType\": 7, \"resourceId\": \"bad\"},\n", f);
        if (i == 2345) fputs("{\"resourceType\": \"AWS::S3::Bucket\", \"resourceId\": \"x\ty\"},\n", f);
        fprintf(f,
                "{\"configurationItemVersion\":\"1.3\",\"awsAccountId\":\"111122223333\",\"configurationItemStatus\":"
                "\"OK\",\n \"configurationItemCaptureTime\":\"2020-01-0%dT00:00:00Z\",\"resourceType\":\"AWS::S3::Bucket\","
                "\"resourceId\":\"b%d\",\"ARN\":\"arn:aws:s3:::b%d\",\"configuration\":{\"n\":%d},"
                "\"supplementaryConfiguration\":{\"BucketPolicy\":{\"policyText\":\"{\\\"Statement\\\":[]}\"}}},\n",
                1 + i % 3, i % 3000, i % 3000, i);
    }
    fputs("{\"resourceType\": \"AWS::S3::Bucket\", \"resourceId\": \"trunc", f);
    fclose(f);
    cw_assets a, b;
    cw_assets_init(&a);
    cw_assets_init(&b);
    cw_diags da, db;
    cw_diags_init(&da);
    cw_diags_init(&db);
    load_both(path, &a, &da, &b, &db);
    assert_int_equal(a.n, 3000);
    assert_int_equal(b.n, a.n);
    assert_int_equal(db.n, da.n);
    assert_int_equal(da.n, 3);
    for (size_t i = 0; i < da.n; i++) {
        char *x = cw_diag_format(&da.v[i]), *y = cw_diag_format(&db.v[i]);
        assert_string_equal(x, y);
        free(x);
        free(y);
    }
    for (size_t i = 0; i < a.n; i++) {
        cw_asset *p = a.v[i], *q = cw_assets_find(&b, p->id);
        assert_non_null(q);
        assert_int_equal(q->index, p->index);
        assert_string_equal(q->capture_time, p->capture_time);
        assert_true(cw_json_equal(p->raw, q->raw));
        assert_int_equal(q->source_line, p->source_line);
        assert_int_equal(q->source_record, p->source_record);
    }
    cw_assets_free(&a);
    cw_assets_free(&b);
    cw_diags_free(&da);
    cw_diags_free(&db);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cw-ingest-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_snapshot_and_history), cmocka_unit_test(test_link_targets), cmocka_unit_test(test_embedded_json_decoded),
        cmocka_unit_test(test_notifications),        cmocka_unit_test(test_bad_records_keep_good_ones),
        cmocka_unit_test(test_not_an_inventory),     cmocka_unit_test(test_gzip_input),
        cmocka_unit_test(test_corpus),               cmocka_unit_test(test_parallel_same_as_serial),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
