/* test_engine.c - the engine as a library (src/engine/engine.h), driven
 * directly: an inventory loaded from memory (the exactness golden case's
 * inputs, read into buffers), evaluated; then one security group and one
 * account-level S3 block replaced through the incremental path, which must
 * re-evaluate only the affected assets and end with the findings a fresh
 * engine gets from the changed inventory, finding for finding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "util/strbuf.h"

static const char *const inputs[] = {"collected-items.json", "databases-history.json", "domains-snapshots-api.json",
                                     "resource-policies-snapshot.json", "s3-snapshot.json"};
enum { NINPUTS = sizeof inputs / sizeof inputs[0] };

static char *bufs[NINPUTS];
static size_t lens[NINPUTS];

static int load_inputs(void **st)
{
    (void)st;
    const char *root = getenv("CW_SOURCE_ROOT");
    for (size_t i = 0; i < NINPUTS; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/tests/golden/exactness/inputs/%s", root ? root : ".", inputs[i]);
        FILE *f = fopen(path, "rb");
        if (!f) {
            fprintf(stderr, "cannot open %s (set CW_SOURCE_ROOT)\n", path);
            return -1;
        }
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fseek(f, 0, SEEK_SET);
        bufs[i] = malloc((size_t)n + 1);
        lens[i] = fread(bufs[i], 1, (size_t)n, f);
        fclose(f);
    }
    return 0;
}

static int free_inputs(void **st)
{
    (void)st;
    for (size_t i = 0; i < NINPUTS; i++) free(bufs[i]);
    return 0;
}

/* The SG every public database of the case uses, now open to 10.0.0.0/8 only. */
static const char sg_closed[] =
    "{\"version\":\"1.2\",\"accountId\":\"444455556666\",\"configurationItemCaptureTime\":\"2026-12-01T00:00:00.000Z\","
    "\"configurationItemStatus\":\"OK\",\"arn\":\"arn:aws:ec2:us-east-1:444455556666:security-group/"
    "sg-0a000000000003306\",\"resourceType\":\"AWS::EC2::SecurityGroup\",\"resourceId\":\"sg-0a000000000003306\","
    "\"resourceName\":\"db-open-3306\",\"awsRegion\":\"us-east-1\",\"tags\":{\"Name\":\"db-open-3306\"},"
    "\"relationships\":[{\"resourceId\":\"vpc-0c1d2e3f4a5b6c7d8\",\"resourceType\":\"AWS::EC2::VPC\","
    "\"relationshipName\":\"Is contained in Vpc\"}],\"configuration\":{\"groupName\":\"db-open-3306\",\"ipPermissions\":"
    "[{\"ipProtocol\":\"tcp\",\"fromPort\":3306,\"toPort\":3306,\"userIdGroupPairs\":[],\"ipv6Ranges\":[],"
    "\"prefixListIds\":[],\"ipRanges\":[\"10.0.0.0/8\"],\"ipv4Ranges\":[{\"cidrIp\":\"10.0.0.0/8\"}]}],"
    "\"ownerId\":\"444455556666\",\"groupId\":\"sg-0a000000000003306\",\"vpcId\":\"vpc-0c1d2e3f4a5b6c7d8\"},"
    "\"supplementaryConfiguration\":{}}";

/* Account 111122223333 turns on all four Block Public Access settings. */
static const char block_on[] =
    "{\"relationships\":[],\"configuration\":{\"blockPublicAcls\":true,\"ignorePublicAcls\":true,"
    "\"blockPublicPolicy\":true,\"restrictPublicBuckets\":true},\"supplementaryConfiguration\":{},\"tags\":{},"
    "\"configurationItemVersion\":\"1.3\",\"configurationItemCaptureTime\":\"2026-12-01T00:00:00.000Z\","
    "\"awsAccountId\":\"111122223333\",\"configurationItemStatus\":\"OK\",\"resourceType\":"
    "\"AWS::S3::AccountPublicAccessBlock\",\"resourceId\":\"111122223333\",\"awsRegion\":\"us-east-1\"}";

/* pub-aurora-public-member-1 moves to group sg-0a0000000000000cc, named in its
 * configuration only (no relationship); then that group opens 3306 to everyone:
 * the member becomes reachable, and its cluster only through the member's facts
 * (the cluster names sg-0a000000000003306 alone). */
static const char member_moved[] =
    "{\"version\":\"1.2\",\"accountId\":\"444455556666\",\"configurationItemCaptureTime\":\"2026-12-02T00"
    ":00:00.000Z\",\"configurationItemStatus\":\"OK\",\"configurationStateId\":\"1763606663811\",\"config"
    "urationItemMD5Hash\":\"f56b977743ac20476883dcaf931c9024\",\"arn\":\"arn:aws:rds:us-east-1:4444555566"
    "66:db:pub-aurora-public-member-1\",\"resourceType\":\"AWS::RDS::DBInstance\",\"resourceId\":\"db-089"
    "1701AC7532821E03CB11A96\",\"resourceName\":\"pub-aurora-public-member-1\",\"awsRegion\":\"us-east-1\""
    ",\"availabilityZone\":\"us-east-1a\",\"resourceCreationTime\":\"2024-03-11T22:05:41.000Z\",\"tags\":"
    "{},\"relatedEvents\":[],\"relationships\":[{\"resourceId\":\"db-subnets\",\"resourceType\":\"AWS::RD"
    "S::DBSubnetGroup\",\"relationshipName\":\"Is associated with DBSubnetGroup\"}],\"configuration\":{\""
    "dBInstanceIdentifier\":\"pub-aurora-public-member-1\",\"dBInstanceClass\":\"db.t3.medium\",\"engine\""
    ":\"aurora-mysql\",\"dBInstanceStatus\":\"available\",\"masterUsername\":\"admin\",\"endpoint\":{\"ad"
    "dress\":\"pub-aurora-public-member-1.c9akciq32.us-east-1.rds.amazonaws.com\",\"port\":3306,\"hostedZ"
    "oneId\":\"Z32T0VRHXEXS0V\"},\"allocatedStorage\":100,\"instanceCreateTime\":\"2024-05-02T10:11:12.00"
    "0Z\",\"preferredBackupWindow\":\"16:00-16:30\",\"backupRetentionPeriod\":7,\"dBSecurityGroups\":[],\""
    "vpcSecurityGroups\":[{\"vpcSecurityGroupId\":\"sg-0a0000000000000cc\",\"status\":\"active\"}],\"dBPa"
    "rameterGroups\":[{\"dBParameterGroupName\":\"default.mysql\",\"parameterApplyStatus\":\"in-sync\"}],"
    "\"availabilityZone\":\"us-east-1a\",\"dBSubnetGroup\":{\"dBSubnetGroupName\":\"db-subnets\",\"dBSubn"
    "etGroupDescription\":\"database subnets\",\"vpcId\":\"vpc-0c1d2e3f4a5b6c7d8\",\"subnetGroupStatus\":"
    "\"Complete\",\"subnets\":[{\"subnetIdentifier\":\"subnet-0a1b2c3d4e5f60718\",\"subnetAvailabilityZon"
    "e\":{\"name\":\"us-east-1a\"},\"subnetStatus\":\"Active\"},{\"subnetIdentifier\":\"subnet-0b2c3d4e5f"
    "6071829\",\"subnetAvailabilityZone\":{\"name\":\"us-east-1b\"},\"subnetStatus\":\"Active\"}]},\"pref"
    "erredMaintenanceWindow\":\"sun:17:00-sun:17:30\",\"pendingModifiedValues\":{},\"multiAZ\":false,\"en"
    "gineVersion\":\"8.0.mysql_aurora.3.05.2\",\"autoMinorVersionUpgrade\":true,\"readReplicaDBInstanceId"
    "entifiers\":[],\"licenseModel\":\"general-public-license\",\"optionGroupMemberships\":[],\"publiclyA"
    "ccessible\":true,\"storageType\":\"gp3\",\"dbInstancePort\":0,\"storageEncrypted\":true,\"dbiResourc"
    "eId\":\"db-0891701AC7532821E03CB11A96\",\"cACertificateIdentifier\":\"rds-ca-rsa2048-g1\",\"copyTags"
    "ToSnapshot\":true,\"monitoringInterval\":0,\"iAMDatabaseAuthenticationEnabled\":false,\"performanceI"
    "nsightsEnabled\":false,\"deletionProtection\":true,\"dBInstanceArn\":\"arn:aws:rds:us-east-1:4444555"
    "56666:db:pub-aurora-public-member-1\",\"networkType\":\"IPV4\",\"dBClusterIdentifier\":\"pub-aurora-"
    "public-member\",\"kmsKeyId\":\"arn:aws:kms:us-east-1:444455556666:key/5c7e2a1b-93d4-4f60-8e21-7b3a9c"
    "0d1e2f\"},\"supplementaryConfiguration\":{}}";

static const char sg_cc_open[] =
    "{\"version\":\"1.2\",\"accountId\":\"444455556666\",\"configurationItemCaptureTime\":\"2026-12-03T00"
    ":00:00.000Z\",\"configurationItemStatus\":\"OK\",\"configurationStateId\":\"1763604777249\",\"config"
    "urationItemMD5Hash\":\"b58bef2427a7ae44016509aed42a3738\",\"arn\":\"arn:aws:ec2:us-east-1:4444555566"
    "66:security-group/sg-0a0000000000000cc\",\"resourceType\":\"AWS::EC2::SecurityGroup\",\"resourceId\""
    ":\"sg-0a0000000000000cc\",\"resourceName\":\"app-tier\",\"awsRegion\":\"us-east-1\",\"availabilityZo"
    "ne\":\"Regional\",\"resourceCreationTime\":\"2024-03-11T22:05:41.000Z\",\"tags\":{\"Name\":\"app-tie"
    "r\"},\"relatedEvents\":[],\"relationships\":[{\"resourceId\":\"vpc-0c1d2e3f4a5b6c7d8\",\"resourceTyp"
    "e\":\"AWS::EC2::VPC\",\"relationshipName\":\"Is contained in Vpc\"}],\"configuration\":{\"descriptio"
    "n\":\"app-tier\",\"groupName\":\"app-tier\",\"ipPermissions\":[{\"ipProtocol\":\"tcp\",\"fromPort\":"
    "8080,\"toPort\":8080,\"userIdGroupPairs\":[],\"ipv6Ranges\":[],\"prefixListIds\":[],\"ipRanges\":[\""
    "10.20.0.0/16\"],\"ipv4Ranges\":[{\"cidrIp\":\"10.20.0.0/16\"}]},{\"ipProtocol\":\"tcp\",\"fromPort\""
    ":3306,\"toPort\":3306,\"userIdGroupPairs\":[],\"ipv6Ranges\":[],\"prefixListIds\":[],\"ipRanges\":[\""
    "0.0.0.0/0\"],\"ipv4Ranges\":[{\"cidrIp\":\"0.0.0.0/0\"}]}],\"ownerId\":\"444455556666\",\"groupId\":"
    "\"sg-0a0000000000000cc\",\"ipPermissionsEgress\":[{\"ipProtocol\":\"-1\",\"userIdGroupPairs\":[],\"i"
    "pv6Ranges\":[],\"prefixListIds\":[],\"ipRanges\":[\"0.0.0.0/0\"],\"ipv4Ranges\":[{\"cidrIp\":\"0.0.0"
    ".0/0\"}]}],\"vpcId\":\"vpc-0c1d2e3f4a5b6c7d8\",\"tags\":[{\"key\":\"Name\",\"value\":\"app-tier\"}]}"
    ",\"supplementaryConfiguration\":{}}";

static cw_engine *engine(unsigned threads, size_t min_items)
{
    cw_diags d;
    cw_diags_init(&d);
    cw_engine_opts o = {.rules = {.builtin = true, .today = "2026-12-07"}, .threads = threads, .min_items = min_items};
    cw_engine *e = cw_engine_open(&o, &d);
    assert_non_null(e);
    assert_int_equal(d.errors, 0);
    for (size_t i = 0; i < NINPUTS; i++) assert_int_equal(cw_engine_add_buffer(e, inputs[i], bufs[i], lens[i], &d, NULL), 0);
    cw_diags_free(&d);
    return e;
}

static void evaluate(cw_engine *e)
{
    cw_diags d;
    cw_diags_init(&d);
    assert_int_equal(cw_engine_evaluate(e, &d), 0);
    cw_diags_free(&d);
}

/* Everything an output shows of the findings, one line each, in order. */
static char *text_of(const cw_findings *fs)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    for (size_t i = 0; i < fs->n; i++) {
        const cw_finding *f = &fs->v[i];
        cw_sb_printf(&sb, "%s|%d|%s|%s|%s|%s|%s:%llu\n", f->rule->id, (int)f->rule->severity, f->asset->type,
                     f->asset->id, f->evidence, f->suppressed_by ? f->suppressed_by : "-",
                     f->asset->source_file ? f->asset->source_file : "?", (unsigned long long)f->asset->source_record);
    }
    return sb.buf ? sb.buf : calloc(1, 1);
}

static void assert_same_findings(cw_engine *a, cw_engine *b)
{
    char *x = text_of(cw_engine_findings(a)), *y = text_of(cw_engine_findings(b));
    if (strcmp(x, y) != 0) fprintf(stderr, "incremental:\n%s\nfresh:\n%s\n", x, y);
    assert_string_equal(x, y);
    free(x);
    free(y);
}

static size_t count_kind(const cw_delta *x, cw_delta_kind k, const char *rule, const char *resource)
{
    size_t n = 0;
    for (size_t i = 0; i < x->n; i++) {
        const cw_finding *f = x->v[i].finding;
        if (x->v[i].kind == k && (!rule || strcmp(f->rule->id, rule) == 0) &&
            (!resource || strstr(f->asset->id, resource)))
            n++;
    }
    return n;
}

static void test_whole_set_threads(void **st)
{
    (void)st;
    cw_engine *one = engine(1, 0), *par = engine(3, 1); /* min_items 1: every stage in parts */
    evaluate(one);
    evaluate(par);
    assert_true(cw_engine_findings(one)->n > 50);
    assert_same_findings(one, par);
    cw_engine_stats s;
    cw_engine_stats_get(one, &s);
    assert_int_equal(s.evaluations, 1);
    assert_int_equal(s.applies, 0);
    assert_true(s.model_bytes > 0);
    /* evaluating again gives the same findings (facts start from none) */
    evaluate(one);
    assert_same_findings(one, par);
    cw_engine_free(one);
    cw_engine_free(par);
}

/* What the affected set of a security group must hold, worked out here from
 * the assets (not from the engine's index): the group, every asset naming it
 * by relationship or in net.security_groups, and the Aurora clusters whose
 * members are among those. */
static size_t expected_for_sg(const cw_assets *s, const char *sg)
{
    size_t n = 0;
    uint8_t *in = calloc(s->n + 1, 1);
    for (size_t i = 0; i < s->n; i++) {
        const cw_asset *a = s->v[i];
        if (!a->live) continue;
        bool hit = strcmp(a->resource_id, sg) == 0;
        for (uint32_t r = 0; r < a->nrels && !hit; r++) hit = a->rels[r].resource_id && strcmp(a->rels[r].resource_id, sg) == 0;
        const cw_json *g = cw_json_get(cw_json_get(a->facts, "net"), "security_groups");
        for (uint32_t k = 0; g && g->type == CW_JARR && k < g->len && !hit; k++) hit = strcmp(g->u.items[k].u.str, sg) == 0;
        if (hit) in[i] = 1, n++;
    }
    for (size_t i = 0; i < s->n; i++) {
        const cw_asset *a = s->v[i];
        if (!a->live || in[i] || strcmp(a->type, "AWS::RDS::DBCluster") != 0) continue;
        const cw_json *m = cw_json_get(cw_json_get(a->raw, "configuration"), "dBClusterMembers");
        if (!m) m = cw_json_get(cw_json_get(a->raw, "configuration"), "dbclusterMembers");
        for (uint32_t k = 0; m && m->type == CW_JARR && k < m->len && !in[i]; k++) {
            const cw_json *id = cw_json_get(&m->u.items[k], "dbinstanceIdentifier");
            for (size_t j = 0; j < s->n && id; j++)
                if (in[j] && s->v[j]->name && strcmp(s->v[j]->name, id->u.str) == 0) in[i] = 1, n++;
        }
    }
    free(in);
    return n;
}

static size_t expected_for_block(const cw_assets *s, const char *acct)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        const cw_asset *a = s->v[i];
        if (!a->live || !a->account || strcmp(a->account, acct) != 0) continue;
        n += strcmp(a->type, "AWS::S3::Bucket") == 0 || strcmp(a->type, "AWS::S3::AccessPoint") == 0 ||
             strcmp(a->type, "AWS::S3::AccountPublicAccessBlock") == 0;
    }
    return n;
}

static void test_replace_sg_and_block(void **st)
{
    (void)st;
    cw_engine *e = engine(1, 0);
    evaluate(e);
    size_t live = cw_assets_live_count(cw_engine_assets(e));
    size_t want_sg = expected_for_sg(cw_engine_assets(e), "sg-0a000000000003306");
    assert_true(want_sg >= 8); /* the group, its databases and clusters */
    cw_diags d;
    cw_diags_init(&d);
    cw_delta x;
    cw_delta_init(&x);

    /* 1. the group closes: the databases behind it are no longer reachable */
    char *name = strdup("change-sg.json"); /* the engine keeps its own copy of input names */
    assert_int_equal(cw_engine_apply_buffer(e, name, sg_closed, strlen(sg_closed), &d, &x), 0);
    free(name);
    assert_int_equal(d.errors, 0);
    assert_int_equal(x.assets_changed, 1);
    assert_int_equal(x.assets_affected, want_sg);
    assert_true(x.assets_affected < live / 4);
    assert_true(count_kind(&x, CW_DELTA_RESOLVED, NULL, "pub-rds-open-sg-3306") >= 1);
    assert_true(count_kind(&x, CW_DELTA_RESOLVED, NULL, "cluster:pub-aurora-public-member") >= 1); /* via its member's facts */
    for (size_t i = 0; getenv("CW_TEST_VERBOSE") && i < x.n; i++)
        fprintf(stderr, "delta %d %s %s: %s\n", (int)x.v[i].kind, x.v[i].finding->rule->id, x.v[i].finding->asset->id,
                x.v[i].finding->evidence);
    /* the databases stay publicly accessible, now without a way in: the lesser rule opens */
    assert_true(count_kind(&x, CW_DELTA_OPENED, NULL, NULL) >= 1);
    assert_int_equal(count_kind(&x, CW_DELTA_OPENED, "aws-rds-instance-publicly-accessible", NULL),
                     count_kind(&x, CW_DELTA_OPENED, NULL, NULL));
    for (size_t i = 0; i < x.n; i++) /* items in cw_finding_cmp order */
        if (i) assert_true(cw_finding_cmp(x.v[i - 1].finding, x.v[i].finding) <= 0);
    cw_engine *fresh = engine(1, 0);
    assert_int_equal(cw_engine_add_buffer(fresh, "change-sg.json", sg_closed, strlen(sg_closed), &d, NULL), 0);
    evaluate(fresh);
    assert_same_findings(e, fresh);

    /* 2. account 111122223333 blocks public access: its buckets, nothing else */
    size_t want_block = expected_for_block(cw_engine_assets(e), "111122223333");
    assert_int_equal(want_block, 4); /* the block and 3 buckets */
    assert_int_equal(cw_engine_apply_buffer(e, "change-block.json", block_on, strlen(block_on), &d, &x), 0);
    assert_int_equal(x.assets_changed, 1);
    assert_int_equal(x.assets_affected, want_block);
    assert_true(count_kind(&x, CW_DELTA_RESOLVED, NULL, NULL) + count_kind(&x, CW_DELTA_CHANGED, NULL, NULL) >= 1);
    assert_int_equal(cw_engine_add_buffer(fresh, "change-block.json", block_on, strlen(block_on), &d, NULL), 0);
    evaluate(fresh);
    assert_same_findings(e, fresh);

    /* 3. the same item again (delivered twice): no finding changes; an older
     * capture than the one kept changes nothing at all */
    assert_int_equal(cw_engine_apply_buffer(e, "change-block.json", block_on, strlen(block_on), &d, &x), 0);
    assert_int_equal(x.n, 0);
    assert_same_findings(e, fresh);
    char *old = strdup(block_on);
    memcpy(strstr(old, "2026-12-01"), "2025-01-01", 10);
    assert_int_equal(cw_engine_apply_buffer(e, "old-block.json", old, strlen(old), &d, &x), 0);
    assert_int_equal(x.assets_changed, 0);
    assert_int_equal(x.assets_affected, 0);
    assert_int_equal(x.n, 0);
    free(old);

    /* 4. a cluster member moves to a group named in its configuration only;
     * 5. that group opens: the cluster is affected through its member's facts */
    assert_int_equal(cw_engine_apply_buffer(e, "member.json", member_moved, strlen(member_moved), &d, &x), 0);
    assert_int_equal(cw_engine_add_buffer(fresh, "member.json", member_moved, strlen(member_moved), &d, NULL), 0);
    evaluate(fresh);
    assert_same_findings(e, fresh);
    assert_int_equal(cw_engine_apply_buffer(e, "sg-cc.json", sg_cc_open, strlen(sg_cc_open), &d, &x), 0);
    assert_int_equal(d.errors, 0);
    assert_true(count_kind(&x, CW_DELTA_OPENED, "aws-rds-cluster-internet-reachable", "pub-aurora-public-member") == 1);
    assert_int_equal(cw_engine_add_buffer(fresh, "sg-cc.json", sg_cc_open, strlen(sg_cc_open), &d, NULL), 0);
    evaluate(fresh);
    assert_same_findings(e, fresh);

    cw_engine_stats s;
    cw_engine_stats_get(e, &s);
    assert_int_equal(s.applies, 6);
    assert_true(s.assets_reanalyzed >= want_sg + 2 * want_block + 3);
    cw_delta_free(&x);
    cw_diags_free(&d);
    cw_engine_free(fresh);
    cw_engine_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_set_threads),
        cmocka_unit_test(test_replace_sg_and_block),
    };
    return cmocka_run_group_tests(tests, load_inputs, free_inputs);
}
