/* Unit tests of the snapshot and common analyzers, the fact registry, and a
 * run of every analyzer over the real AWS Config corpus. */
#include <dirent.h>

#include "an_test.h"

static cw_assets S;

static int setup(void **st)
{
    (void)st;
    cw_assets_init(&S);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    cw_assets_free(&S);
    return 0;
}

static void run(void)
{
    cw_assets_link(&S, NULL);
    cw_analyze_all(&S, NULL, NULL);
}

/* ---- snapshots ------------------------------------------------------------------------- */
static void test_rds_snapshot_public(void **st)
{
    (void)st;
    cw_asset *p = an_item(&S, "AWS::RDS::DBSnapshot", "snap-pub", NULL, "{'encrypted':false,'snapshotType':'manual'}",
                          "{'DBSnapshotAttributes':[{'attributeName':'restore','attributeValues':['all',"
                          "'444455556666']}]}");
    cw_asset *sh = an_item(&S, "AWS::RDS::DBSnapshot", "snap-shared", NULL, "{'encrypted':true}",
                           "{'DBSnapshotAttributes':[{'attributeName':'restore','attributeValues':['444455556666',"
                           "'111122223333']}]}");
    cw_asset *pv = an_item(&S, "AWS::RDS::DBSnapshot", "snap-priv", NULL, "{'encrypted':true}",
                           "{'DBSnapshotAttributes':[{'attributeName':'restore','attributeValues':[]}]}");
    run();
    assert_true(an_bool(p, "snapshot.public"));
    assert_false(an_bool(p, "snapshot.encrypted"));
    assert_true(an_has(p, "snapshot.shared_accounts", "444455556666"));
    assert_non_null(strstr(an_fstr(p, "snapshot.reason"), "\"all\""));
    assert_false(an_bool(sh, "snapshot.public"));
    assert_int_equal(an_len(sh, "snapshot.shared_accounts"), 1); /* the owner is not "shared with" */
    assert_false(an_bool(pv, "snapshot.public"));
    assert_int_equal(an_len(pv, "snapshot.shared_accounts"), 0);
}

static void test_cluster_snapshot_variants(void **st)
{
    (void)st;
    cw_asset *a = an_item(&S, "AWS::RDS::DBClusterSnapshot", "cs1", NULL, "{'storageEncrypted':true}",
                          "{'DBClusterSnapshotAttributes':[{'attributeName':'restore','attributeValues':['all']}]}");
    /* the DescribeDBClusterSnapshotAttributes result shape, as a string */
    cw_asset *b = an_item(&S, "AWS::RDS::DBClusterSnapshot", "cs2", NULL, "{'storageEncrypted':false}",
                          "{'DBClusterSnapshotAttributesResult':'{\\'DBClusterSnapshotIdentifier\\':\\'cs2\\',"
                          "\\'DBClusterSnapshotAttributes\\':[{\\'AttributeName\\':\\'restore\\',"
                          "\\'AttributeValues\\':[\\'all\\']}]}'}");
    cw_asset *c = an_item(&S, "AWS::RDS::DBClusterSnapshot", "cs3", NULL, "{'storageEncrypted':true}",
                          "{'DBClusterSnapshotAttributes':[{'attributeName':'other','attributeValues':['all']}]}");
    run();
    assert_true(an_bool(a, "snapshot.public"));
    assert_true(an_bool(a, "snapshot.encrypted"));
    assert_true(an_bool(b, "snapshot.public"));
    assert_false(an_bool(c, "snapshot.public"));
}

static void test_redshift_snapshot(void **st)
{
    (void)st;
    cw_asset *a = an_item(&S, "AWS::Redshift::ClusterSnapshot", "rs", NULL,
                          "{'encrypted':true,'accountsWithRestoreAccess':[{'accountId':'444455556666',"
                          "'accountAlias':'partner'}]}",
                          NULL);
    run();
    assert_false(an_bool(a, "snapshot.public"));
    assert_true(an_has(a, "snapshot.shared_accounts", "444455556666"));
    assert_true(an_bool(a, "snapshot.encrypted"));
}

/* ---- common ------------------------------------------------------------------------------- */
static void test_common_facts(void **st)
{
    (void)st;
    /* 1.2 shape: accountId and arn */
    cw_asset *v = an_addq(&S, "{'version':'1.2','accountId':'264683526309','arn':"
                              "'arn:aws:ec2:us-east-1:264683526309:volume/vol-1','resourceType':'AWS::EC2::Volume',"
                              "'resourceId':'vol-1','awsRegion':'us-east-1','tags':{'DataClassification':'PII'},"
                              "'configuration':{'encrypted':false}}");
    /* no account or region on the item: taken from the ARN */
    cw_asset *t = an_addq(&S, "{'ARN':'arn:aws:dynamodb:eu-west-1:111122223333:table/t','resourceType':"
                              "'AWS::DynamoDB::Table','resourceId':'t','resourceName':'t','tags':{'data-class':"
                              "'internal, customer-data'},'configuration':{'sseDescription':{'status':'ENABLED'}},"
                              "'supplementaryConfiguration':{'ContinuousBackupsDescription':{"
                              "'pointInTimeRecoveryDescription':{'pointInTimeRecoveryStatus':'ENABLED'}}}}");
    cw_asset *o = an_item(&S, "AWS::Elasticsearch::Domain", "d", "arn:aws:es:us-east-1:111122223333:domain/d",
                          "{'encryptionAtRestOptions':{'enabled':true}}", NULL);
    cw_asset *x = an_addq(&S, "{'resourceType':'AWS::SNS::Topic','resourceId':'t2','tags':{'classification':"
                              "'public'},'configuration':{}}");
    /* keys compared ignoring case and - _ . : space; a longer or shorter key is not one */
    cw_asset *y = an_addq(&S, "{'resourceType':'AWS::SNS::Topic','resourceId':'t3','tags':{'Env':'pii',"
                              "'Data_Class.ification':'Personal'},'configuration':{}}");
    cw_asset *z = an_addq(&S, "{'resourceType':'AWS::SNS::Topic','resourceId':'t4','tags':{'data-classes':'pii',"
                              "'dataclas':'pii','classification2':'pii','DATA':'pii'},'configuration':{}}");
    run();
    assert_true(an_bool(y, "data.customer"));
    assert_false(an_bool(z, "data.customer"));
    assert_string_equal(v->account, "264683526309");
    assert_string_equal(v->region, "us-east-1");
    assert_true(an_bool(v, "data.customer"));
    assert_false(an_bool(v, "ebs.encrypted"));
    assert_string_equal(t->account, "111122223333");
    assert_string_equal(t->region, "eu-west-1");
    assert_true(an_bool(t, "data.customer"));
    assert_true(an_bool(t, "dynamodb.encrypted"));
    assert_true(an_bool(t, "dynamodb.sse_kms"));
    assert_true(an_bool(t, "dynamodb.pitr"));
    assert_true(an_bool(o, "opensearch.encrypted"));
    assert_false(an_bool(x, "data.customer"));
    assert_null(x->account);
}

/* ---- committing facts ------------------------------------------------------------------------ */
/* Facts are copied at commit and shared between assets (equal objects are one
 * array); a later commit to one asset builds new arrays and leaves the other
 * asset's facts as they were; values may come from scratch memory. */
static void test_fact_commit_sharing(void **st)
{
    (void)st;
    cw_asset *a = an_addq(&S, "{'resourceType':'AWS::S3::Bucket','resourceId':'a','configuration':{}}");
    cw_asset *b = an_addq(&S, "{'resourceType':'AWS::S3::Bucket','resourceId':'b','configuration':{}}");
    char why[64];
    for (int k = 0; k < 2; k++) {
        cw_asset *x = k ? b : a;
        snprintf(why, sizeof why, "not public: %s", "no grant");
        cw_factset fs;
        cw_fs_init(&fs, &S, x);
        cw_fs_bool(&fs, "s3.block.all", true);
        cw_fs_bool(&fs, "s3.public.any", false);
        cw_fs_str(&fs, "s3.public.reason", why);
        const char *ports[] = {"22", "443"};
        cw_fs_strs(&fs, "sg.internet_ports", ports, 2);
        cw_fs_commit(&fs);
        memset(why, 'z', sizeof why - 1); /* the buffer dies: the fact was copied */
    }
    const cw_json *sa = cw_json_get(a->facts, "s3"), *sb = cw_json_get(b->facts, "s3");
    assert_non_null(sa);
    assert_ptr_equal(sa->u.members, sb->u.members);
    assert_string_equal(cw_json_str(cw_fact_get(b, "s3.public.reason"), ""), "not public: no grant");
    /* change a only */
    cw_factset fs;
    cw_fs_init(&fs, &S, a);
    cw_fs_bool(&fs, "s3.block.all", false);
    cw_fs_bool(&fs, "s3.block.account_all", true);
    cw_fs_commit(&fs);
    assert_false(an_bool(a, "s3.block.all"));
    assert_true(an_bool(a, "s3.block.account_all"));
    assert_true(an_bool(b, "s3.block.all"));
    assert_null(cw_fact_get(b, "s3.block.account_all"));
    assert_false(an_bool(a, "s3.public.any"));
    assert_string_equal(cw_json_str(cw_fact_get(a, "s3.public.reason"), ""), "not public: no grant");
    assert_int_equal(cw_fact_get(a, "sg.internet_ports")->len, 2);
    assert_string_equal(cw_fact_get(b, "sg.internet_ports")->u.items[1].u.str, "443");
    /* single-fact setters with a name in a reused buffer */
    char name[32];
    snprintf(name, sizeof name, "net.reason");
    cw_fact_str(&S, b, name, "first");
    snprintf(name, sizeof name, "net.in_vpc");
    cw_fact_bool(&S, b, name, true);
    assert_string_equal(cw_json_str(cw_fact_get(b, "net.reason"), ""), "first");
    assert_true(an_bool(b, "net.in_vpc"));
    assert_null(cw_fact_get(a, "net.reason"));
}

/* ---- registry ------------------------------------------------------------------------------ */
static void test_fact_registry(void **st)
{
    (void)st;
    assert_non_null(cw_fact_find("s3.public.read"));
    assert_int_equal(cw_fact_find("s3.public.read")->type, CW_VT_BOOL);
    assert_int_equal(cw_fact_find("sg.internet_ports")->type, CW_VT_LIST);
    assert_null(cw_fact_find("s3.public"));
    assert_null(cw_fact_find("s3.public.reed"));
    assert_true(cw_fact_is_namespace("s3"));
    assert_true(cw_fact_is_namespace("s3.public"));
    assert_false(cw_fact_is_namespace("s3.public.read"));
    assert_false(cw_fact_is_namespace("s3.pub"));
    /* every declared name is unique, documented, and no fact is also a namespace */
    size_t n = 0;
    for (const cw_fact_def *d = cw_fact_defs; d->name; d++, n++) {
        assert_true(strlen(d->doc) > 10);
        assert_true(d->resource_types && *d->resource_types);
        assert_false(cw_fact_is_namespace(d->name));
        for (const cw_fact_def *e = d + 1; e->name; e++) assert_string_not_equal(d->name, e->name);
    }
    assert_true(n >= 55);
    size_t na = 0;
    for (const cw_analyzer *an = cw_analyzers; an->name; an++) na++;
    assert_int_equal(na, 7);
}

/* Every fact an analyzer sets must be declared with its type. */
static void check_declared(const cw_json *o, char *prefix, size_t plen)
{
    for (uint32_t i = 0; i < o->len; i++) {
        const cw_jmember *m = &o->u.members[i];
        size_t k = plen;
        if (k) prefix[k++] = '.';
        memcpy(prefix + k, m->key, cw_jkeylen(m));
        prefix[k + cw_jkeylen(m)] = 0;
        const cw_fact_def *d = cw_fact_find(prefix);
        if (!d) {
            if (m->val.type != CW_JOBJ) fprintf(stderr, "undeclared fact %s\n", prefix);
            assert_true(m->val.type == CW_JOBJ);
            check_declared(&m->val, prefix, k + cw_jkeylen(m));
            continue;
        }
        switch (d->type) {
        case CW_VT_BOOL: assert_int_equal(m->val.type, CW_JBOOL); break;
        case CW_VT_STR: assert_int_equal(m->val.type, CW_JSTR); break;
        case CW_VT_LIST: assert_int_equal(m->val.type, CW_JARR); break;
        case CW_VT_NUM: assert_int_equal(m->val.type, CW_JNUM); break;
        default: break;
        }
    }
}

static void test_corpus_all_analyzers(void **st)
{
    (void)st;
    const char *root = getenv("CW_SOURCE_ROOT");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/../shared/corpora/aws-config-rdk-example-ci", root ? root : ".");
    DIR *d = opendir(dir);
    if (!d) skip();
    struct dirent *e;
    size_t loaded = 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0) continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        char *buf = cw_arena_alloc(&S.arena, 1 << 20);
        size_t got = fread(buf, 1, (1 << 20) - 1, f);
        fclose(f);
        buf[got] = 0;
        cw_json_err err;
        cw_json *j = cw_json_parse(&S.arena, buf, got, &err);
        if (!j || j->type != CW_JOBJ || !cw_json_get(j, "resourceType")) continue; /* known-bad files, notifications */
        an_add(&S, buf);
        loaded++;
    }
    closedir(d);
    assert_true(loaded >= 70);
    run();
    char prefix[512];
    for (size_t i = 0; i < S.n; i++) {
        prefix[0] = 0;
        check_declared(S.v[i]->facts, prefix, 0);
    }
    cw_asset *sg = cw_assets_find_rid(&S, "AWS::EC2::SecurityGroup", "sg-1d56fc66");
    assert_non_null(sg);
    assert_true(an_bool(sg, "sg.open_to_internet"));
    assert_true(an_has(sg, "sg.admin_ports_open", "22"));
    cw_asset *db = cw_assets_find_rid(&S, "AWS::RDS::DBInstance", "db-HHTTSRD6HXUIKXPFPI6WFVZ4PA");
    assert_non_null(db);
    assert_true(an_bool(db, "net.publicly_accessible"));
    assert_true(an_bool(db, "rds.encrypted"));
    /* its group sg-e627199e is not part of the corpus */
    assert_true(an_has(db, "net.missing_security_groups", "sg-e627199e"));
    assert_false(an_bool(db, "net.internet_reachable"));
    cw_asset *es = cw_assets_find_rid(&S, "AWS::Elasticsearch::Domain", "123456789012/test");
    assert_non_null(es);
    assert_true(an_bool(es, "net.in_vpc"));
    assert_false(an_bool(es, "opensearch.public"));
    cw_asset *os = cw_assets_find_rid(&S, "AWS::OpenSearch::Domain", "test");
    assert_non_null(os);
    assert_false(an_bool(os, "opensearch.public"));
    cw_asset *snap = cw_assets_find_rid(&S, "AWS::RDS::DBSnapshot", "rds:myrdstest-2016-10-20-23-52");
    assert_non_null(snap);
    assert_false(an_bool(snap, "snapshot.public"));
    assert_true(an_bool(snap, "snapshot.encrypted"));
    cw_asset *dyn = cw_assets_find_rid(&S, "AWS::DynamoDB::Table", "test");
    assert_non_null(dyn);
    assert_false(an_bool(dyn, "dynamodb.pitr"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rds_snapshot_public, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cluster_snapshot_variants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_redshift_snapshot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_common_facts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fact_registry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fact_commit_sharing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corpus_all_analyzers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
