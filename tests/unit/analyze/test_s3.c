/* Unit tests of the S3 effective-access analyzer (src/analyze/s3_access.c):
 * ACL grants, bucket policy, and what each Block Public Access flag really
 * does to existing configuration, at bucket and account level. */
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

#define ALLUSERS "{'id':null,'uri':'http://acs.amazonaws.com/groups/global/AllUsers'}"
#define AUTHUSERS "{'identifier':'http://acs.amazonaws.com/groups/global/AuthenticatedUsers','typeIdentifier':'uri'}"
#define ACL(grants) "'AccessControlList':{'grantSet':null,'grantList':[" grants "],'owner':{'id':'abc'}}"
#define GRANT(who, perm) "{'grantee':" who ",'permission':'" perm "'}"
#define POLICY(stmts) "'BucketPolicy':{'policyText':{'Version':'2012-10-17','Statement':[" stmts "]}}"
#define PUBREAD "{'Sid':'PublicRead','Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':'arn:aws:s3:::b/*'}"
#define PAB(a, b, c, d)                                                                                          \
    "'PublicAccessBlockConfiguration':{'blockPublicAcls':" a ",'ignorePublicAcls':" b ",'blockPublicPolicy':" c \
    ",'restrictPublicBuckets':" d "}"

static cw_asset *bucket(const char *supp)
{
    cw_asset *a = an_item(&S, "AWS::S3::Bucket", "b", "arn:aws:s3:::b", "{'name':'b'}", supp);
    return a;
}

static void account_block(const char *acct, const char *a, const char *b, const char *c, const char *d)
{
    char *t = cw_arena_printf(&S.arena,
                              "{\"version\":\"1.3\",\"accountId\":\"%s\",\"resourceType\":"
                              "\"AWS::S3::AccountPublicAccessBlock\",\"resourceId\":\"%s\",\"awsRegion\":\"us-east-1\","
                              "\"configurationItemCaptureTime\":\"2024-01-01T00:00:00Z\",\"configuration\":{"
                              "\"blockPublicAcls\":%s,\"ignorePublicAcls\":%s,\"blockPublicPolicy\":%s,"
                              "\"restrictPublicBuckets\":%s},\"supplementaryConfiguration\":{}}",
                              acct, acct, a, b, c, d);
    an_add(&S, t);
}

static void run(void)
{
    cw_assets_link(&S, NULL);
    cw_an_s3(&S);
}

static void test_acl_allusers_read_lists(void **st)
{
    (void)st;
    cw_asset *b = bucket("{" ACL(GRANT(ALLUSERS, "Read")) "}");
    run();
    assert_true(an_bool(b, "s3.acl.public"));
    assert_true(an_bool(b, "s3.public.list"));
    assert_false(an_bool(b, "s3.public.read")); /* a bucket ACL never grants object reads */
    assert_false(an_bool(b, "s3.public.write"));
    assert_true(an_bool(b, "s3.public.any"));
    assert_true(an_has(b, "s3.acl.public_grants", "AllUsers:READ"));
    assert_non_null(strstr(an_fstr(b, "s3.public.list_reason"), "AllUsers"));
    assert_null(an_fact(b, "s3.public.read_reason"));
    assert_false(an_bool(b, "s3.block.account_recorded"));
}

static void test_acl_shorthand_and_authenticated(void **st)
{
    (void)st;
    cw_asset *b = bucket("{" ACL(GRANT("'AllUsers'", "Write") "," GRANT(AUTHUSERS, "FULL_CONTROL")) "}");
    run();
    assert_true(an_bool(b, "s3.public.write"));
    assert_true(an_bool(b, "s3.public.list"));
    assert_true(an_bool(b, "s3.public.acl"));
    assert_true(an_has(b, "s3.acl.public_grants", "AuthenticatedUsers:FULL_CONTROL"));
    assert_non_null(strstr(an_fstr(b, "s3.public.acl_reason"), "anyone with an AWS account"));
}

static void test_acl_owner_only(void **st)
{
    (void)st;
    cw_asset *b = bucket("{" ACL(GRANT("{'id':'8ac813c84b8ad4d9f3e35f80aaeb254f85922a902ce87ed6b49ccbfa188f5a12'}",
                                       "FullControl")) "}");
    run();
    assert_false(an_bool(b, "s3.acl.public"));
    assert_false(an_bool(b, "s3.public.any"));
    assert_non_null(strstr(an_fstr(b, "s3.public.reason"), "not public"));
    assert_int_equal(an_len(b, "s3.acl.public_grants"), 0);
}

static void test_block_public_acls_keeps_existing(void **st)
{
    (void)st;
    /* BlockPublicAcls refuses new public ACLs; the existing grant still works */
    cw_asset *b = bucket("{" ACL(GRANT(ALLUSERS, "READ")) "," PAB("true", "false", "true", "true") "}");
    run();
    assert_true(an_bool(b, "s3.public.list"));
    assert_true(an_bool(b, "s3.block.block_public_acls"));
    assert_false(an_bool(b, "s3.block.all"));
    assert_non_null(strstr(an_fstr(b, "s3.public.list_reason"), "BlockPublicAcls only refuses new public ACLs"));
}

static void test_ignore_public_acls_account_level(void **st)
{
    (void)st;
    cw_asset *b = bucket("{" ACL(GRANT(ALLUSERS, "READ")) "}");
    account_block(OWNER, "false", "true", "false", "false");
    run();
    assert_true(an_bool(b, "s3.acl.public"));   /* before neutralisation */
    assert_false(an_bool(b, "s3.public.list")); /* after */
    assert_false(an_bool(b, "s3.public.any"));
    assert_true(an_bool(b, "s3.block.ignore_public_acls"));
    assert_true(an_bool(b, "s3.block.account_recorded"));
    assert_false(an_bool(b, "s3.block.account_all"));
    assert_non_null(strstr(an_fstr(b, "s3.public.reason"), "IgnorePublicAcls (account level)"));
}

static void test_policy_public_read(void **st)
{
    (void)st;
    cw_asset *b = bucket("{" POLICY(PUBREAD) "}");
    run();
    assert_true(an_bool(b, "s3.policy.exists"));
    assert_true(an_bool(b, "s3.policy.public"));
    assert_true(an_bool(b, "s3.public.read"));
    assert_false(an_bool(b, "s3.public.list"));
    const char *r = an_fstr(b, "s3.public.read_reason");
    assert_non_null(strstr(r, "\"PublicRead\""));
    assert_non_null(strstr(r, "RestrictPublicBuckets is off"));
}

static void test_block_public_policy_keeps_existing(void **st)
{
    (void)st;
    cw_asset *b = bucket("{" POLICY(PUBREAD) "," PAB("true", "true", "true", "false") "}");
    run();
    assert_true(an_bool(b, "s3.public.read"));
    assert_non_null(strstr(an_fstr(b, "s3.public.read_reason"), "BlockPublicPolicy only refuses new public policies"));
}

static void test_restrict_public_buckets(void **st)
{
    (void)st;
    cw_asset *b = bucket("{" POLICY(PUBREAD) "," PAB("false", "false", "false", "true") "}");
    run();
    assert_true(an_bool(b, "s3.policy.public"));
    assert_false(an_bool(b, "s3.public.read"));
    assert_non_null(strstr(an_fstr(b, "s3.public.reason"), "RestrictPublicBuckets (bucket level)"));
}

static void test_account_block_all(void **st)
{
    (void)st;
    cw_asset *b = bucket("{" POLICY(PUBREAD) "," ACL(GRANT(ALLUSERS, "READ")) "}");
    account_block(OWNER, "true", "true", "true", "true");
    account_block("999988887777", "false", "false", "false", "false"); /* another account: ignored */
    run();
    assert_true(an_bool(b, "s3.block.all"));
    assert_true(an_bool(b, "s3.block.account_all"));
    assert_false(an_bool(b, "s3.public.any"));
}

static void test_other_account_block_does_not_apply(void **st)
{
    (void)st;
    cw_asset *b = bucket("{" POLICY(PUBREAD) "}");
    account_block("999988887777", "true", "true", "true", "true");
    run();
    assert_false(an_bool(b, "s3.block.account_recorded"));
    assert_true(an_bool(b, "s3.public.read"));
}

static void test_json_in_strings(void **st)
{
    (void)st;
    /* the shape AWS Config delivers when nobody decoded it */
    cw_asset *b = bucket("{'AccessControlList':'{\\'grantList\\':[{\\'grantee\\':\\'AllUsers\\',\\'permission\\':"
                         "\\'Read\\'}]}','BucketPolicy':{'policyText':'{\\'Statement\\':[{\\'Effect\\':\\'Allow\\',"
                         "\\'Principal\\':\\'*\\',\\'Action\\':\\'s3:PutObject\\',\\'Resource\\':"
                         "\\'arn:aws:s3:::b/*\\'}]}'}}");
    run();
    assert_true(an_bool(b, "s3.public.list"));
    assert_true(an_bool(b, "s3.public.write"));
    assert_false(an_bool(b, "s3.public.read"));
}

static void test_policy_restricted_by_deny(void **st)
{
    (void)st;
    cw_asset *b = bucket("{" POLICY(PUBREAD ",{'Effect':'Deny','Principal':'*','Action':'s3:*','Resource':["
                                           "'arn:aws:s3:::b','arn:aws:s3:::b/*'],'Condition':{'StringNotEquals':{"
                                           "'aws:SourceVpce':'vpce-1a2b3c4d'}}}") "}");
    run();
    assert_false(an_bool(b, "s3.policy.public"));
    assert_false(an_bool(b, "s3.public.any"));
    assert_non_null(strstr(an_fstr(b, "s3.policy.reason"), "refuses it to every outsider"));
}

static void test_policy_sourceip(void **st)
{
    (void)st;
    cw_asset *b1 = an_item(&S, "AWS::S3::Bucket", "b1", "arn:aws:s3:::b1", "{'name':'b1'}",
                           "{" POLICY("{'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':"
                                      "'arn:aws:s3:::b1/*','Condition':{'IpAddress':{'aws:SourceIp':'0.0.0.0/0'}}}") "}");
    cw_asset *b2 = an_item(&S, "AWS::S3::Bucket", "b2", "arn:aws:s3:::b2", "{'name':'b2'}",
                           "{" POLICY("{'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':"
                                      "'arn:aws:s3:::b2/*','Condition':{'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}}}") "}");
    run();
    assert_true(an_bool(b1, "s3.public.read"));
    assert_false(an_bool(b2, "s3.public.read"));
}

static void test_cross_account_and_tls(void **st)
{
    (void)st;
    cw_asset *b = bucket("{" POLICY("{'Effect':'Allow','Principal':{'AWS':['arn:aws:iam::444455556666:root',"
                                    "'arn:aws:iam::111122223333:role/app']},'Action':['s3:GetObject','s3:ListBucket'],"
                                    "'Resource':['arn:aws:s3:::b','arn:aws:s3:::b/*']},{'Effect':'Deny','Principal':"
                                    "'*','Action':'s3:*','Resource':['arn:aws:s3:::b','arn:aws:s3:::b/*'],"
                                    "'Condition':{'Bool':{'aws:SecureTransport':'false'}}}") "}");
    run();
    assert_true(an_bool(b, "s3.policy.cross_account"));
    assert_int_equal(an_len(b, "s3.policy.external_principals"), 1);
    assert_true(an_has(b, "s3.policy.external_principals", "arn:aws:iam::444455556666:root"));
    assert_true(an_bool(b, "s3.policy.tls_only"));
    assert_false(an_bool(b, "s3.public.any"));
}

static void test_policy_acl_actions_public(void **st)
{
    (void)st;
    cw_asset *b = bucket("{" POLICY("{'Effect':'Allow','Principal':{'AWS':'*'},'Action':'s3:PutBucketAcl',"
                                    "'Resource':'arn:aws:s3:::b'}") "}");
    run();
    assert_true(an_bool(b, "s3.public.acl"));
    assert_false(an_bool(b, "s3.public.read"));
}

static void test_policy_public_other_action(void **st)
{
    (void)st;
    /* public in S3's sense (a "bad action") but none of read/list/write/acl */
    cw_asset *b = bucket("{" POLICY("{'Effect':'Allow','Principal':'*','Action':'s3:GetObjectTagging',"
                                    "'Resource':'arn:aws:s3:::b/*'}") "}");
    run();
    assert_true(an_bool(b, "s3.policy.public"));
    assert_false(an_bool(b, "s3.public.any"));
}

static void test_hygiene(void **st)
{
    (void)st;
    cw_asset *b = bucket("{'ServerSideEncryptionConfiguration':{'rules':[{'applyServerSideEncryptionByDefault':{"
                         "'sseAlgorithm':'aws:kms'}}]},'BucketLoggingConfiguration':{'destinationBucketName':'logs',"
                         "'logFilePrefix':'b/'},'BucketVersioningConfiguration':{'status':'Enabled',"
                         "'isMfaDeleteEnabled':true}}");
    cw_asset *c = an_item(&S, "AWS::S3::Bucket", "c", "arn:aws:s3:::c", "{'name':'c'}",
                          "{'BucketLoggingConfiguration':{'destinationBucketName':null},"
                          "'BucketVersioningConfiguration':{'status':'Suspended','isMfaDeleteEnabled':null}}");
    run();
    assert_true(an_bool(b, "s3.encryption.enabled"));
    assert_true(an_bool(b, "s3.logging.enabled"));
    assert_true(an_bool(b, "s3.versioning.enabled"));
    assert_true(an_bool(b, "s3.versioning.mfa_delete"));
    assert_false(an_bool(c, "s3.encryption.enabled"));
    assert_false(an_bool(c, "s3.logging.enabled"));
    assert_false(an_bool(c, "s3.versioning.enabled"));
    assert_false(an_bool(c, "s3.versioning.mfa_delete"));
    assert_false(an_bool(c, "s3.policy.exists"));
}

static char *slurp(const char *rel)
{
    const char *root = getenv("CW_SOURCE_ROOT");
    char path[1024];
    snprintf(path, sizeof path, "%s/../shared/corpora/%s", root ? root : ".", rel);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = cw_arena_alloc(&S.arena, (size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, f);
    fclose(f);
    b[got] = 0;
    return b;
}

static void test_corpus_bucket(void **st)
{
    (void)st;
    char *item = slurp("aws-config-rdk-example-ci/AWS_S3_Bucket.json");
    if (!item) skip();
    cw_asset *b = an_add(&S, item);
    run();
    assert_true(an_bool(b, "s3.policy.exists"));
    assert_false(an_bool(b, "s3.policy.public"));
    assert_false(an_bool(b, "s3.acl.public"));
    assert_false(an_bool(b, "s3.public.any"));
    /* the Deny on plain HTTP names only the bucket ARN, not its objects */
    assert_false(an_bool(b, "s3.policy.tls_only"));
    assert_true(an_bool(b, "s3.versioning.enabled"));
    assert_false(an_bool(b, "s3.logging.enabled"));
}

/* ---- issue 9 items 15-16 ------------------------------------------------------ */
static void test_acl_grantee_exact(void **st)
{
    (void)st;
    /* names are not grantees: a canonical user called smallusers-team or AllUsers */
    cw_asset *b = bucket("{" ACL(GRANT("{'id':'def','displayName':'smallusers-team'}", "Read") ","
                                 GRANT("{'id':'fed','displayName':'AllUsers'}", "FullControl") ","
                                 GRANT("'LogDelivery'", "Write") ","
                                 GRANT("{'URI':'http://acs.amazonaws.com/groups/global/AllUsersX'}", "Read")) "}");
    run();
    assert_false(an_bool(b, "s3.acl.public"));
    assert_false(an_bool(b, "s3.public.any"));
}

static void test_acl_writeacp_escalates(void **st)
{
    (void)st;
    cw_asset *b = bucket("{" ACL(GRANT("'AllUsers'", "WriteAcp")) "}");
    run();
    assert_true(an_bool(b, "s3.public.acl"));
    assert_true(an_bool(b, "s3.public.list"));
    assert_true(an_bool(b, "s3.public.write"));
    assert_false(an_bool(b, "s3.public.read")); /* a bucket ACL still grants no object reads */
    assert_non_null(strstr(an_fstr(b, "s3.public.write_reason"), "rewrite the bucket ACL"));
}

static void test_acl_writeacp_blocked_by_blockpublicacls(void **st)
{
    (void)st;
    cw_asset *b = bucket("{" ACL(GRANT("'AllUsers'", "WriteAcp")) "," PAB("true", "false", "false", "false") "}");
    run();
    assert_true(an_bool(b, "s3.public.acl")); /* the grant itself still works */
    assert_false(an_bool(b, "s3.public.write")); /* a new public grant is refused */
}

static void test_policy_bad_action_classes(void **st)
{
    (void)st;
    static const char *const acts[] = {"s3:PutBucketPublicAccessBlock", "s3:PutBucketWebsite",
                                       "s3:DeleteObjectTagging", "s3:PutObjectRetention", "s3:RestoreObject",
                                       "s3:AbortMultipartUpload", "s3:GetBucketTagging", "s3:ListBucketMultipartUploads"};
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        cw_assets_free(&S);
        cw_assets_init(&S);
        char *supp = cw_arena_printf(&S.arena, "{'BucketPolicy':{'policyText':{'Statement':[{'Effect':'Allow',"
                                               "'Principal':'*','Action':'%s','Resource':['arn:aws:s3:::b',"
                                               "'arn:aws:s3:::b/*']}]}}}", acts[i]);
        cw_asset *b = bucket(supp);
        run();
        if (!an_bool(b, "s3.policy.public")) fail_msg("%s to everyone is not public", acts[i]);
        assert_true(an_bool(b, "s3.policy.bpa_public"));
    }
}

static void test_policy_anyone_removes_bucket_block(void **st)
{
    (void)st;
    cw_asset *b = bucket("{" ACL(GRANT("'AllUsers'", "Read")) "," PAB("true", "true", "false", "false") ","
                         POLICY("{'Effect':'Allow','Principal':'*','Action':'s3:PutBucketPublicAccessBlock',"
                                "'Resource':'arn:aws:s3:::b'}") "}");
    run();
    assert_true(an_bool(b, "s3.public.list"));
    assert_non_null(strstr(an_fstr(b, "s3.public.list_reason"), "delete the bucket's own Block Public Access"));
    /* the account-level setting cannot be removed through the bucket */
    cw_assets_free(&S);
    cw_assets_init(&S);
    account_block(OWNER, "true", "true", "false", "false");
    b = an_item(&S, "AWS::S3::Bucket", "b", "arn:aws:s3:::b", "{'name':'b'}",
                "{" ACL(GRANT("'AllUsers'", "Read")) "," POLICY("{'Effect':'Allow','Principal':'*','Action':"
                "'s3:PutBucketPublicAccessBlock','Resource':'arn:aws:s3:::b'}") "}");
    b->account = OWNER;
    run();
    assert_false(an_bool(b, "s3.public.list"));
}

static void test_policy_escalation_blocked(void **st)
{
    (void)st;
    /* PutBucketPolicy to everyone: anyone can write a public policy, unless
     * BlockPublicPolicy refuses it */
    cw_asset *b = bucket("{" POLICY("{'Effect':'Allow','Principal':'*','Action':'s3:PutBucketPolicy','Resource':"
                                    "'arn:aws:s3:::b'}") "}");
    run();
    assert_true(an_bool(b, "s3.public.read"));
    cw_assets_free(&S);
    cw_assets_init(&S);
    b = bucket("{" PAB("false", "false", "true", "false") ","
               POLICY("{'Effect':'Allow','Principal':'*','Action':'s3:PutBucketPolicy','Resource':'arn:aws:s3:::b'}") "}");
    run();
    assert_false(an_bool(b, "s3.public.read"));
    assert_true(an_bool(b, "s3.policy.public"));
}

static void test_rpb_blocks_cross_account_of_public_policy(void **st)
{
    (void)st;
    const char *acct2 = "{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::444455556666:root'},'Action':"
                        "'s3:GetObject','Resource':'arn:aws:s3:::b/*'}";
    char *both = cw_arena_printf(&S.arena, "{" PAB("false", "false", "false", "true") ",'BucketPolicy':{'policyText':"
                                           "{'Statement':[%s," PUBREAD "]}}}", acct2);
    cw_asset *b = bucket(both);
    run();
    assert_false(an_bool(b, "s3.public.read"));
    assert_false(an_bool(b, "s3.policy.cross_account"));
    assert_true(an_has(b, "s3.policy.external_principals", "arn:aws:iam::444455556666:root"));
    assert_non_null(strstr(an_fstr(b, "s3.policy.reason"), "blocked too"));
    cw_assets_free(&S);
    cw_assets_init(&S);
    char *only = cw_arena_printf(&S.arena, "{" PAB("false", "false", "false", "true") ",'BucketPolicy':{'policyText':"
                                           "{'Statement':[%s]}}}", acct2);
    b = bucket(only);
    run();
    assert_true(an_bool(b, "s3.policy.cross_account"));
    assert_false(an_bool(b, "s3.policy.bpa_public"));
}

static void test_bpa_differs_from_reach(void **st)
{
    (void)st;
    cw_asset *b = bucket("{" POLICY("{'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':"
                                    "'arn:aws:s3:::b/*','Condition':{'ArnLike':{'aws:PrincipalArn':"
                                    "'arn:aws:iam::444455556666:role/*'}}}") "}");
    run();
    assert_false(an_bool(b, "s3.policy.public"));
    assert_true(an_bool(b, "s3.policy.bpa_public"));
    assert_non_null(strstr(an_fstr(b, "s3.policy.reason"), "S3 rates the policy public"));
    assert_non_null(strstr(an_fstr(b, "s3.public.reason"), "S3 rates the policy public"));
}

static void test_current_time_noted(void **st)
{
    (void)st;
    S.clock = cw_analyze_clock_of("2026-11-25"); /* aws:CurrentTime: the set's clock */
    cw_asset *b = bucket("{" POLICY("{'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':"
                                    "'arn:aws:s3:::b/*','Condition':{'DateLessThan':{'aws:CurrentTime':"
                                    "'2027-01-01T00:00:00Z'}}}") "}");
    run();
    assert_true(an_bool(b, "s3.public.read"));
    assert_string_equal(an_fstr(b, "access.reevaluate_at"), "2027-01-01T00:00:00Z");
    assert_non_null(strstr(an_fstr(b, "s3.public.read_reason"), "changes this verdict at 2027-01-01T00:00:00Z"));
    cw_assets_free(&S);
    cw_assets_init(&S);
    S.clock = cw_analyze_clock_of("2027-02-01");
    b = bucket("{" POLICY("{'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':"
                          "'arn:aws:s3:::b/*','Condition':{'DateLessThan':{'aws:CurrentTime':"
                          "'2027-01-01T00:00:00Z'}}}") "}");
    run();
    assert_false(an_bool(b, "s3.public.read"));
    assert_null(an_fact(b, "access.reevaluate_at"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_acl_allusers_read_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_acl_shorthand_and_authenticated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_acl_owner_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_public_acls_keeps_existing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ignore_public_acls_account_level, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy_public_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_public_policy_keeps_existing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restrict_public_buckets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_account_block_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_account_block_does_not_apply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_in_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy_restricted_by_deny, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy_sourceip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cross_account_and_tls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy_acl_actions_public, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy_public_other_action, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hygiene, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corpus_bucket, setup, teardown),
        cmocka_unit_test_setup_teardown(test_acl_grantee_exact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_acl_writeacp_escalates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_acl_writeacp_blocked_by_blockpublicacls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy_bad_action_classes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy_anyone_removes_bucket_block, setup, teardown),
        cmocka_unit_test_setup_teardown(test_policy_escalation_blocked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rpb_blocks_cross_account_of_public_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bpa_differs_from_reach, setup, teardown),
        cmocka_unit_test_setup_teardown(test_current_time_noted, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
