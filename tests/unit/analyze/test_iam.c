/* Unit tests of IAM resource-policy evaluation (src/analyze/iam_policy.c,
 * iam_cond.c), case by case against the IAM User Guide (policy evaluation
 * logic, condition operators, IfExists, ForAllValues/ForAnyValue, Null) and
 * the S3 User Guide ("The meaning of public"). Policies are written with
 * single quotes for readability and converted before parsing. */
#include "an_test.h"
#include "analyze/iam_policy.h"
#include "analyze/iam_int.h"

static cw_arena A;
static const char *last_why;

static int setup(void **st)
{
    (void)st;
    cw_arena_init(&A, 0);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    cw_arena_free(&A);
    return 0;
}

static cw_policy *compile(const char *text)
{
    char *t = cw_arena_strdup(&A, text);
    for (char *p = t; *p; p++)
        if (*p == '\'') *p = '"';
    cw_json_err err;
    cw_json *j = cw_json_parse(&A, t, strlen(t), &err);
    if (!j) fprintf(stderr, "policy does not parse: %s\n%s\n", err.msg, t);
    assert_non_null(j);
    cw_policy *p = cw_policy_compile(&A, j);
    assert_non_null(p);
    return p;
}

#define NOW 1700000000 /* 2023-11-14T22:13:20Z */

static bool pub_on(const char *policy, const char *action, const char *arn, bool subtree)
{
    cw_policy *p = compile(policy);
    cw_policy_ctx ctx = {.owner_account = OWNER, .now = NOW};
    cw_res_target t = {arn, subtree};
    cw_policy_verdict v;
    bool r = cw_policy_is_public(p, &ctx, action, &t, &A, &v);
    assert_true(r == v.is_public);
    assert_non_null(v.why);
    last_why = v.why;
    return r;
}

#define OBJ(pol, act) pub_on(pol, act, "arn:aws:s3:::b/", true)
#define BKT(pol, act) pub_on(pol, act, "arn:aws:s3:::b", false)
#define GET(pol) OBJ(pol, "s3:GetObject")

/* one Allow statement for everyone on the objects of b, with a condition block */
#define ALLOW_IF(cond)                                                                                           \
    "{'Version':'2012-10-17','Statement':[{'Sid':'S','Effect':'Allow','Principal':'*','Action':'s3:GetObject',"   \
    "'Resource':'arn:aws:s3:::b/*','Condition':" cond "}]}"
/* Allow everyone, plus one Deny for everyone with a condition block */
#define DENY_IF(cond)                                                                                            \
    "{'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':'arn:aws:s3:::b/*'},"     \
    "{'Sid':'D','Effect':'Deny','Principal':'*','Action':'s3:*','Resource':['arn:aws:s3:::b','arn:aws:s3:::b/*'],"\
    "'Condition':" cond "}]}"
#define ALLOW_PRINCIPAL(pr)                                                                                      \
    "{'Statement':[{'Effect':'Allow','Principal':" pr ",'Action':'s3:GetObject','Resource':'arn:aws:s3:::b/*'}]}"

/* ---- principals --------------------------------------------------------------- */
static void test_principal_star(void **st)
{
    (void)st;
    assert_true(GET(ALLOW_PRINCIPAL("'*'")));
    assert_non_null(strstr(last_why, "everyone"));
    assert_true(GET(ALLOW_PRINCIPAL("{'AWS':'*'}")));
    assert_true(GET(ALLOW_PRINCIPAL("{'AWS':['arn:aws:iam::222233334444:root','*']}")));
}

static void test_principal_named(void **st)
{
    (void)st;
    const char *pol = ALLOW_PRINCIPAL("{'AWS':['arn:aws:iam::222233334444:root','111122223333','"
                                      "arn:aws:iam::444455556666:role/reader']}");
    assert_false(GET(pol));
    cw_policy *p = compile(pol);
    cw_policy_ctx ctx = {.owner_account = OWNER, .now = NOW};
    const char **ext;
    size_t n = cw_policy_external_principals(p, &ctx, NULL, &A, &ext);
    assert_int_equal(n, 2); /* the owner account is not external */
    assert_string_equal(ext[0], "arn:aws:iam::222233334444:root");
    assert_string_equal(ext[1], "arn:aws:iam::444455556666:role/reader");
}

static void test_principal_service_canonical_federated(void **st)
{
    (void)st;
    assert_false(GET(ALLOW_PRINCIPAL("{'Service':'cloudfront.amazonaws.com'}")));
    assert_false(GET(ALLOW_PRINCIPAL("{'CanonicalUser':'79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be'}")));
    /* a web identity provider admits anyone who signs in with it ("The meaning
     * of public": the graph.facebook.com example is public) */
    assert_true(GET(ALLOW_PRINCIPAL("{'Federated':'cognito-identity.amazonaws.com'}")));
    assert_non_null(strstr(last_why, "signs in with cognito-identity.amazonaws.com"));
    assert_true(GET(ALLOW_PRINCIPAL("{'Federated':'graph.facebook.com'}")));
    /* a SAML provider of a fixed account admits that account's IdP users */
    assert_false(GET(ALLOW_PRINCIPAL("{'Federated':'arn:aws:iam::222233334444:saml-provider/corp'}")));
}

static void test_not_principal(void **st)
{
    (void)st;
    /* Allow + NotPrincipal: everyone except the listed principal */
    assert_true(GET("{'Statement':[{'Effect':'Allow','NotPrincipal':{'AWS':'arn:aws:iam::111122223333:root'},"
                    "'Action':'s3:GetObject','Resource':'arn:aws:s3:::b/*'}]}"));
    assert_non_null(strstr(last_why, "NotPrincipal"));
    /* NotPrincipal "*" excludes everyone */
    assert_false(GET("{'Statement':[{'Effect':'Allow','NotPrincipal':'*','Action':'s3:GetObject',"
                     "'Resource':'arn:aws:s3:::b/*'}]}"));
    /* Deny + NotPrincipal(owner): refuses every stranger */
    assert_false(GET("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':"
                     "'arn:aws:s3:::b/*'},{'Effect':'Deny','NotPrincipal':{'AWS':'arn:aws:iam::111122223333:root'},"
                     "'Action':'s3:*','Resource':'arn:aws:s3:::b/*'}]}"));
}

static void test_missing_principal_or_effect(void **st)
{
    (void)st;
    assert_false(GET("{'Statement':[{'Effect':'Allow','Action':'s3:GetObject','Resource':'arn:aws:s3:::b/*'}]}"));
    assert_false(GET("{'Statement':[{'Principal':'*','Action':'s3:GetObject','Resource':'arn:aws:s3:::b/*'}]}"));
    assert_false(GET("{'Statement':[]}"));
}

/* ---- actions and resources ------------------------------------------------------ */
static void test_action_wildcards(void **st)
{
    (void)st;
#define ACT(a) "{'Statement':[{'Effect':'Allow','Principal':'*','Action':" a ",'Resource':'arn:aws:s3:::b/*'}]}"
    assert_true(GET(ACT("'s3:Get*'")));
    assert_true(GET(ACT("'s3:*Object'")));
    assert_true(GET(ACT("'s3:G?tObject'")));
    assert_true(GET(ACT("'*'")));
    assert_true(GET(ACT("'S3:getobject'"))); /* actions are case-insensitive */
    assert_true(GET(ACT("['s3:PutObject','s3:GetObject']")));
    assert_false(GET(ACT("'s3:List*'")));
    assert_false(GET(ACT("'s3:GetObjectAcl'")));
    assert_false(GET(ACT("'ec2:*'")));
#undef ACT
}

static void test_not_action(void **st)
{
    (void)st;
    const char *pol = "{'Statement':[{'Effect':'Allow','Principal':'*','NotAction':['s3:Delete*','s3:Put*'],"
                      "'Resource':'arn:aws:s3:::b/*'}]}";
    assert_true(OBJ(pol, "s3:GetObject"));
    assert_false(OBJ(pol, "s3:DeleteObject"));
    assert_false(OBJ(pol, "s3:PutObject"));
}

static void test_resource_bucket_vs_objects(void **st)
{
    (void)st;
    const char *bucket_only = "{'Statement':{'Effect':'Allow','Principal':'*','Action':['s3:GetObject',"
                              "'s3:ListBucket'],'Resource':'arn:aws:s3:::b'}}"; /* Statement as an object */
    assert_false(OBJ(bucket_only, "s3:GetObject"));
    assert_true(BKT(bucket_only, "s3:ListBucket"));
    const char *prefix = "{'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:GetObject',"
                         "'Resource':'arn:aws:s3:::b/public/*'}]}";
    assert_true(GET(prefix)); /* some objects are public */
    assert_false(GET("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:GetObject',"
                     "'Resource':'arn:aws:s3:::other/*'}]}"));
    assert_false(GET("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:GetObject',"
                     "'Resource':'arn:aws:s3:::bb/*'}]}"));
    assert_true(GET("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':'*'}]}"));
}

static void test_not_resource(void **st)
{
    (void)st;
    const char *pol = "{'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:*',"
                      "'NotResource':'arn:aws:s3:::b/*'}]}";
    assert_false(OBJ(pol, "s3:GetObject"));
    assert_true(BKT(pol, "s3:ListBucket"));
}

/* ---- restricting keys ------------------------------------------------------------ */
static void test_sourcevpce(void **st)
{
    (void)st;
    assert_false(GET(ALLOW_IF("{'StringEquals':{'aws:SourceVpce':'vpce-1a2b3c4d'}}")));
    assert_non_null(strstr(last_why, "aws:SourceVpce"));
    assert_false(GET(ALLOW_IF("{'StringEquals':{'aws:SourceVpce':['vpce-1','vpce-2']}}")));
    assert_false(GET(ALLOW_IF("{'StringEquals':{'AWS:SOURCEVPCE':'vpce-1'}}"))); /* keys ignore case */
    assert_false(GET(ALLOW_IF("{'StringEqualsIgnoreCase':{'aws:SourceVpc':'VPC-111'}}")));
    /* IfExists: an internet caller has no aws:SourceVpce */
    assert_true(GET(ALLOW_IF("{'StringEqualsIfExists':{'aws:SourceVpce':'vpce-1a2b3c4d'}}")));
    assert_non_null(strstr(last_why, "aws:SourceVpce absent"));
    /* wildcard values are not fixed values */
    assert_true(GET(ALLOW_IF("{'StringLike':{'aws:SourceVpce':'vpce-*'}}")));
    assert_true(GET(ALLOW_IF("{'StringLike':{'aws:SourceVpc':'*'}}")));
    /* with StringEquals a '*' is a literal character: nobody has that id */
    assert_false(GET(ALLOW_IF("{'StringEquals':{'aws:SourceVpce':'vpce-*'}}")));
}

static void test_org_keys(void **st)
{
    (void)st;
    assert_false(GET(ALLOW_IF("{'StringEquals':{'aws:PrincipalOrgID':'o-abc123'}}")));
    /* a negated operator in an Allow admits everyone else */
    assert_true(GET(ALLOW_IF("{'StringNotEquals':{'aws:PrincipalOrgID':'o-abc123'}}")));
    /* ForAllValues on an absent key is true */
    assert_true(GET(ALLOW_IF("{'ForAllValues:StringLike':{'aws:PrincipalOrgPaths':'o-abc123/r-ab12/*'}}")));
    /* ForAnyValue on an absent key is false, and strangers have other paths */
    assert_false(GET(ALLOW_IF("{'ForAnyValue:StringLike':{'aws:PrincipalOrgPaths':'o-abc123/r-ab12/ou-1/*'}}")));
    assert_true(GET(ALLOW_IF("{'ForAnyValue:StringLike':{'aws:PrincipalOrgPaths':'o-*'}}")));
    assert_true(GET(ALLOW_IF("{'ForAnyValue:StringLikeIfExists':{'aws:PrincipalOrgPaths':'o-abc/r-1/*'}}")));
}

static void test_principal_arn_keys(void **st)
{
    (void)st;
    /* any account may create a role named admin */
    assert_true(GET(ALLOW_IF("{'ArnLike':{'aws:PrincipalArn':'arn:aws:iam::*:role/admin'}}")));
    /* a fixed account with a wildcard path stays pinned to that account */
    assert_false(GET(ALLOW_IF("{'ArnLike':{'aws:PrincipalArn':'arn:aws:iam::111122223333:role/*'}}")));
    assert_false(GET(ALLOW_IF("{'ArnEquals':{'aws:PrincipalArn':'arn:aws:iam::444455556666:role/app'}}")));
    assert_true(GET(ALLOW_IF("{'ArnNotLike':{'aws:PrincipalArn':'arn:aws:iam::111122223333:role/*'}}")));
    assert_false(GET(ALLOW_IF("{'StringEquals':{'aws:PrincipalAccount':'444455556666'}}")));
    /* external principal named through the condition */
    cw_policy *p = compile(ALLOW_IF("{'StringEquals':{'aws:PrincipalAccount':['444455556666','111122223333']}}"));
    cw_policy_ctx ctx = {.owner_account = OWNER, .now = NOW};
    const char **ext;
    assert_int_equal(cw_policy_external_principals(p, &ctx, NULL, &A, &ext), 1);
    assert_string_equal(ext[0], "444455556666");
}

static void test_source_keys(void **st)
{
    (void)st;
    assert_false(GET(ALLOW_IF("{'ArnEquals':{'aws:SourceArn':'arn:aws:cloudfront::111122223333:distribution/E1'}}")));
    assert_false(GET(ALLOW_IF("{'StringEquals':{'aws:SourceAccount':'111122223333'}}")));
    assert_true(GET(ALLOW_IF("{'StringLike':{'aws:SourceAccount':'*'}}")));
    assert_false(GET(ALLOW_IF("{'StringEquals':{'aws:SourceOwner':'111122223333'}}")));
    assert_false(GET(ALLOW_IF("{'StringEquals':{'s3:DataAccessPointAccount':'111122223333'}}")));
    /* S3 bucket ARNs carry no account: a wildcard there matches strangers' buckets */
    assert_true(GET(ALLOW_IF("{'ArnLike':{'aws:SourceArn':'arn:aws:s3:::logs-*'}}")));
}

static void test_userid(void **st)
{
    (void)st;
    /* "AROAID:*" pins the role id; the session name is free */
    assert_false(GET(ALLOW_IF("{'StringLike':{'aws:userid':'AROAEXAMPLEID:*'}}")));
    assert_true(GET(ALLOW_IF("{'StringLike':{'aws:userid':'*:alice'}}")));
    /* any AWS account can create a user named alice: aws:username restricts nothing */
    assert_true(GET(ALLOW_IF("{'StringEquals':{'aws:username':'alice'}}")));
}

static void test_principal_is_aws_service(void **st)
{
    (void)st;
    assert_false(GET(ALLOW_IF("{'Bool':{'aws:PrincipalIsAWSService':'true'}}")));
    assert_true(GET(ALLOW_IF("{'Bool':{'aws:PrincipalIsAWSService':'false'}}")));
}

static void test_null_operator(void **st)
{
    (void)st;
    /* presence of a VPC endpoint id: strangers can use an endpoint of their own */
    assert_true(GET(ALLOW_IF("{'Null':{'aws:SourceVpce':'false'}}")));
    assert_true(GET(ALLOW_IF("{'Null':{'aws:PrincipalOrgID':'true'}}")));
    /* present and fixed at once */
    assert_false(GET(ALLOW_IF("{'Null':{'aws:SourceVpce':'false'},'StringEquals':{'aws:SourceVpce':'vpce-1'}}")));
}

/* ---- aws:SourceIp ------------------------------------------------------------------ */
static void test_sourceip_ranges(void **st)
{
    (void)st;
    assert_false(GET(ALLOW_IF("{'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}}")));
    assert_false(GET(ALLOW_IF("{'IpAddress':{'aws:SourceIp':['54.240.143.0/24','2001:DB8:1234:5678::/64']}}")));
    /* S3: ranges broader than /8 (IPv4) or /32 (IPv6) are public */
    assert_true(GET(ALLOW_IF("{'IpAddress':{'aws:SourceIp':'0.0.0.0/1'}}")));
    assert_true(GET(ALLOW_IF("{'IpAddress':{'aws:SourceIp':'52.0.0.0/7'}}")));
    assert_false(GET(ALLOW_IF("{'IpAddress':{'aws:SourceIp':'52.0.0.0/8'}}"))); /* /8 is not broader than /8 */
    assert_true(GET(ALLOW_IF("{'IpAddress':{'aws:SourceIp':'2001:db0::/28'}}")));
    assert_false(GET(ALLOW_IF("{'IpAddress':{'aws:SourceIp':'2600:1f00::/32'}}")));
    assert_false(GET(ALLOW_IF("{'IpAddress':{'aws:SourceIp':['10.0.0.0/8','172.16.0.0/12','192.168.0.0/16']}}")));
    /* a Deny outside a broad range leaves the strangers inside it */
    assert_true(GET(DENY_IF("{'NotIpAddress':{'aws:SourceIp':'0.0.0.0/2'}}")));
    assert_false(GET(DENY_IF("{'NotIpAddress':{'aws:SourceIp':'54.0.0.0/8'}}")));
    assert_true(GET(ALLOW_IF("{'IpAddress':{'aws:SourceIp':'0.0.0.0/0'}}")));
    assert_true(GET(ALLOW_IF("{'IpAddress':{'aws:SourceIp':'::/0'}}")));
    assert_true(GET(ALLOW_IF("{'IpAddress':{'aws:SourceIp':['10.0.0.0/8','::/0']}}")));
}

static void test_sourceip_unions(void **st)
{
    (void)st;
    assert_true(GET(ALLOW_IF("{'IpAddress':{'aws:SourceIp':['0.0.0.0/1','128.0.0.0/1']}}")));
    /* every public address but not the private ones: still the internet */
    assert_true(GET(ALLOW_IF("{'IpAddress':{'aws:SourceIp':['0.0.0.0/5','8.0.0.0/7','11.0.0.0/8','12.0.0.0/6',"
                             "'16.0.0.0/4','32.0.0.0/3','64.0.0.0/2','128.0.0.0/1']}}")));
    /* the same union spread over two statements */
    assert_true(GET("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':"
                    "'arn:aws:s3:::b/*','Condition':{'IpAddress':{'aws:SourceIp':'0.0.0.0/1'}}},{'Effect':'Allow',"
                    "'Principal':'*','Action':'s3:GetObject','Resource':'arn:aws:s3:::b/*','Condition':{'IpAddress':"
                    "{'aws:SourceIp':'128.0.0.0/1'}}}]}"));
    /* broad ranges are public even with a hole in the public space */
    assert_true(GET(ALLOW_IF("{'IpAddress':{'aws:SourceIp':['0.0.0.0/1','128.0.0.0/2']}}")));
    /* narrow ranges that leave a hole restrict: 1.0.0.0/8 + 2.0.0.0/8 */
    assert_false(GET(ALLOW_IF("{'IpAddress':{'aws:SourceIp':['1.0.0.0/8','2.0.0.0/8']}}")));
}

static void test_notipaddress_in_allow(void **st)
{
    (void)st;
    /* a block list in an Allow admits everyone else */
    assert_true(GET(ALLOW_IF("{'NotIpAddress':{'aws:SourceIp':'54.240.143.0/24'}}")));
    /* allow a range except one host (AWS example): still pinned to the range */
    assert_false(GET(ALLOW_IF("{'IpAddress':{'aws:SourceIp':'54.240.143.0/24'},"
                              "'NotIpAddress':{'aws:SourceIp':'54.240.143.188/32'}}")));
}

/* ---- Deny statements --------------------------------------------------------------- */
static void test_deny_restrictions_neutralise(void **st)
{
    (void)st;
    assert_false(GET(DENY_IF("{'NotIpAddress':{'aws:SourceIp':'10.0.0.0/8'}}")));
    assert_false(GET(DENY_IF("{'NotIpAddress':{'aws:SourceIp':['203.0.113.0/24','54.240.143.0/24']}}")));
    assert_false(GET(DENY_IF("{'StringNotEquals':{'aws:SourceVpce':'vpce-1a2b3c4d'}}")));
    assert_non_null(strstr(last_why, "statement \"D\" (#2)"));
    assert_false(GET(DENY_IF("{'StringNotEqualsIfExists':{'aws:SourceVpce':'vpce-1a2b3c4d'}}")));
    assert_false(GET(DENY_IF("{'StringNotEquals':{'aws:PrincipalOrgID':'o-abc123'}}")));
    assert_false(GET(DENY_IF("{'ArnNotLike':{'aws:PrincipalArn':'arn:aws:iam::111122223333:*'}}")));
}

static void test_deny_without_restriction(void **st)
{
    (void)st;
    /* denying the whole internet except 0.0.0.0/0 denies nobody on IPv4 */
    assert_true(GET(DENY_IF("{'NotIpAddress':{'aws:SourceIp':'0.0.0.0/0'}}")));
    /* a wildcard list is not a restriction */
    assert_true(GET(DENY_IF("{'StringNotLike':{'aws:SourceVpce':'vpce-*'}}")));
    /* ...IfExists on a key strangers can leave absent: a positive operator in a Deny */
    assert_true(GET(DENY_IF("{'StringEquals':{'aws:SourceVpce':'vpce-bad'}}")));
    /* TLS is not "who" */
    assert_true(GET(DENY_IF("{'Bool':{'aws:SecureTransport':'false'}}")));
    assert_non_null(strstr(last_why, "aws:SecureTransport=true"));
    /* both conditions must hold for the Deny: plain HTTP escapes this one */
    assert_true(GET(DENY_IF("{'StringNotEquals':{'aws:SourceVpce':'vpce-1'},'Bool':{'aws:SecureTransport':'true'}}")));
    /* Referer and User-Agent are chosen by the caller */
    assert_true(GET(DENY_IF("{'StringNotLike':{'aws:Referer':'https://example.com/*'}}")));
}

static void test_deny_scope(void **st)
{
    (void)st;
    /* unconditional Deny for everyone */
    assert_false(GET(DENY_IF("{}")));
    assert_non_null(strstr(last_why, "without conditions"));
    /* a Deny for a named principal does not touch strangers */
    assert_true(GET("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':"
                    "'arn:aws:s3:::b/*'},{'Effect':'Deny','Principal':{'AWS':'arn:aws:iam::444455556666:root'},"
                    "'Action':'s3:*','Resource':'arn:aws:s3:::b/*'}]}"));
    /* a Deny on part of the objects leaves the rest public */
    assert_true(GET("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':"
                    "'arn:aws:s3:::b/*'},{'Effect':'Deny','Principal':'*','Action':'s3:GetObject','Resource':"
                    "'arn:aws:s3:::b/secret/*'}]}"));
    /* a Deny covering exactly what the Allow grants */
    assert_false(GET("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':"
                     "'arn:aws:s3:::b/pub/*'},{'Effect':'Deny','Principal':'*','Action':'s3:Get*','Resource':"
                     "'arn:aws:s3:::b/pub*'}]}"));
    /* a Deny of other actions */
    assert_true(GET("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':"
                    "'arn:aws:s3:::b/*'},{'Effect':'Deny','Principal':'*','Action':'s3:PutObject','Resource':"
                    "'arn:aws:s3:::b/*'}]}"));
    /* NotAction in a Deny: denies everything but the listed actions */
    assert_true(GET("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:*','Resource':"
                    "'arn:aws:s3:::b/*'},{'Effect':'Deny','Principal':'*','NotAction':'s3:GetObject','Resource':"
                    "'arn:aws:s3:::b/*'}]}"));
    assert_false(OBJ("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:*','Resource':"
                     "'arn:aws:s3:::b/*'},{'Effect':'Deny','Principal':'*','NotAction':'s3:GetObject','Resource':"
                     "'arn:aws:s3:::b/*'}]}",
                     "s3:PutObject"));
}

static void test_deny_and_allow_same_key(void **st)
{
    (void)st;
    /* Allow only from 54.240.143.0/24, Deny outside 0.0.0.0/0: pinned by the Allow */
    assert_false(GET("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':"
                     "'arn:aws:s3:::b/*','Condition':{'IpAddress':{'aws:SourceIp':'54.240.143.0/24'}}},"
                     "{'Effect':'Deny','Principal':'*','Action':'s3:*','Resource':'arn:aws:s3:::b/*','Condition':"
                     "{'NotIpAddress':{'aws:SourceIp':'0.0.0.0/0'}}}]}"));
    /* Allow from IPv6 anywhere, Deny everything outside 10/8: IPv6 callers are outside 10/8 too */
    assert_false(GET("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:GetObject','Resource':"
                     "'arn:aws:s3:::b/*','Condition':{'IpAddress':{'aws:SourceIp':'::/0'}}},"
                     "{'Effect':'Deny','Principal':'*','Action':'s3:*','Resource':'arn:aws:s3:::b/*','Condition':"
                     "{'NotIpAddress':{'aws:SourceIp':'10.0.0.0/8'}}}]}"));
    /* Deny outside ::/0 only: IPv4 callers are denied, IPv6 callers get in */
    assert_true(GET(DENY_IF("{'NotIpAddress':{'aws:SourceIp':'::/0'}}")));
    assert_non_null(strstr(last_why, "aws:SourceIp=2000::"));
}

/* ---- free keys, numbers, dates, unknown operators ----------------------------------- */
static void test_free_keys(void **st)
{
    (void)st;
    assert_true(GET(ALLOW_IF("{'StringLike':{'aws:Referer':['https://www.example.com/*']}}")));
    assert_true(GET(ALLOW_IF("{'StringEquals':{'aws:UserAgent':'secret-agent'}}")));
    assert_true(GET(ALLOW_IF("{'Bool':{'aws:SecureTransport':'true'}}")));
    assert_true(GET(ALLOW_IF("{'Bool':{'aws:MultiFactorAuthPresent':'true'}}")));
    assert_true(GET(ALLOW_IF("{'NumericLessThanEquals':{'s3:max-keys':'10'}}")));
    assert_true(GET(ALLOW_IF("{'NumericGreaterThan':{'s3:max-keys':10},'NumericLessThan':{'s3:max-keys':12}}")));
    /* contradictory numeric bounds: nobody */
    assert_false(GET(ALLOW_IF("{'NumericGreaterThan':{'s3:max-keys':10},'NumericLessThan':{'s3:max-keys':11}}")));
    assert_false(GET(ALLOW_IF("{'StringEquals':{'s3:prefix':'a'},'StringNotEquals':{'s3:prefix':'a'}}")));
}

static void test_dates(void **st)
{
    (void)st;
    /* the grant expired before NOW */
    assert_false(GET(ALLOW_IF("{'DateLessThan':{'aws:CurrentTime':'2020-01-01T00:00:00Z'}}")));
    assert_true(GET(ALLOW_IF("{'DateGreaterThan':{'aws:CurrentTime':'2020-01-01T00:00:00Z'}}")));
    assert_true(GET(ALLOW_IF("{'DateLessThanEquals':{'aws:CurrentTime':'2030-06-30'}}")));
    assert_false(GET(ALLOW_IF("{'NumericLessThan':{'aws:EpochTime':1600000000}}")));
    assert_true(GET(ALLOW_IF("{'NumericGreaterThanEquals':{'aws:EpochTime':'1600000000'}}")));
    /* dates with offsets: 2023-11-15T00:00:00+02:00 is before NOW */
    assert_false(GET(ALLOW_IF("{'DateLessThan':{'aws:CurrentTime':'2023-11-15T00:00:00+02:00'}}")));
    /* a fixed-time Deny that already ended no longer protects */
    assert_true(GET(DENY_IF("{'DateLessThan':{'aws:CurrentTime':'2021-01-01T00:00:00Z'}}")));
    assert_false(GET(DENY_IF("{'DateGreaterThan':{'aws:CurrentTime':'2021-01-01T00:00:00Z'}}")));
}

static void test_unknown_operator(void **st)
{
    (void)st;
    /* not a valid operator: it cannot be shown to restrict anything */
    assert_true(GET(ALLOW_IF("{'StringEqualsWhatever':{'aws:SourceVpce':'vpce-1'}}")));
    assert_true(GET(DENY_IF("{'StringNotEqualz':{'aws:SourceVpce':'vpce-1'}}")));
}

/* ---- other services, transport ---------------------------------------------------------- */
static void test_opensearch_policy(void **st)
{
    (void)st;
    const char *open = "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'AWS':'*'},"
                       "'Action':'es:ESHttp*','Resource':'arn:aws:es:us-east-2:111122223333:domain/test/*'}]}";
    assert_true(pub_on(open, "es:ESHttpGet", "arn:aws:es:us-east-2:111122223333:domain/test/", true));
    assert_false(pub_on(open, "es:ESHttpGet", "arn:aws:es:us-east-2:111122223333:domain/other/", true));
    const char *deny = "{'Version':'2012-10-17','Statement':[{'Effect':'Deny','Principal':{'AWS':'*'},"
                       "'Action':'es:*','Resource':'arn:aws:es:us-east-2:111122223333:domain/test/*'}]}";
    assert_false(pub_on(deny, "es:ESHttpGet", "arn:aws:es:us-east-2:111122223333:domain/test/", true));
}

static void test_tls_only(void **st)
{
    (void)st;
    cw_res_target tb = {"arn:aws:s3:::b", false}, to = {"arn:aws:s3:::b/", true};
    cw_policy *p = compile(DENY_IF("{'Bool':{'aws:SecureTransport':'false'}}"));
    assert_true(cw_policy_denies_insecure_transport(p, "s3:*", &tb));
    assert_true(cw_policy_denies_insecure_transport(p, "s3:*", &to));
    /* the corpus policy covers only the bucket ARN: objects stay readable over HTTP */
    p = compile("{'Statement':[{'Effect':'Deny','Principal':'*','Action':'s3:*','Resource':'arn:aws:s3:::b',"
                "'Condition':{'Bool':{'aws:SecureTransport':'false'}}}]}");
    assert_true(cw_policy_denies_insecure_transport(p, "s3:*", &tb));
    assert_false(cw_policy_denies_insecure_transport(p, "s3:*", &to));
    /* only GetObject denied: not all of s3 */
    p = compile("{'Statement':[{'Effect':'Deny','Principal':'*','Action':'s3:GetObject','Resource':'*',"
                "'Condition':{'Bool':{'aws:SecureTransport':'false'}}}]}");
    assert_false(cw_policy_denies_insecure_transport(p, "s3:*", &to));
    /* an extra condition narrows the Deny */
    p = compile("{'Statement':[{'Effect':'Deny','Principal':'*','Action':'*','Resource':'*',"
                "'Condition':{'Bool':{'aws:SecureTransport':'false'},'StringEquals':{'s3:prefix':'x'}}}]}");
    assert_false(cw_policy_denies_insecure_transport(p, "s3:*", &to));
    /* Allow does not count */
    p = compile("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'*','Resource':'*',"
                "'Condition':{'Bool':{'aws:SecureTransport':'false'}}}]}");
    assert_false(cw_policy_denies_insecure_transport(p, "s3:*", &to));
}

static void test_reason_names_statement(void **st)
{
    (void)st;
    assert_true(GET(ALLOW_IF("{'StringEqualsIfExists':{'aws:SourceVpce':'vpce-1'}}")));
    assert_non_null(strstr(last_why, "statement \"S\" (#1)"));
    assert_non_null(strstr(last_why, "s3:GetObject"));
    assert_false(GET(ALLOW_IF("{'StringEquals':{'aws:SourceVpce':'vpce-1'}}")));
    assert_non_null(strstr(last_why, "no outsider"));
}

static void test_globs(void **st)
{
    (void)st;
    assert_true(cw_glob_match("a*b?c", "aXXbYc", false));
    assert_false(cw_glob_match("a*b?c", "aXXbc", false));
    assert_true(cw_glob_match("*", "", false));
    assert_true(cw_glob_match("S3:GET*", "s3:getobject", true));
    assert_false(cw_glob_match("S3:GET*", "s3:getobject", false));
    char acct[13];
    assert_true(cw_principal_account("arn:aws:iam::123456789012:role/x", acct));
    assert_string_equal(acct, "123456789012");
    assert_true(cw_principal_account("123456789012", acct));
    assert_false(cw_principal_account("arn:aws:s3:::b", acct));
    assert_false(cw_principal_account("12345", acct));
}

/* The prefix-viability check (does a glob match some longer string starting
 * with a prefix?) against a brute force over every continuation up to 5
 * characters, on random patterns and prefixes over a small alphabet. */
static bool brute_viable(const char *pat, const char *prefix)
{
    static const char alpha[] = "ab:";
    char buf[64];
    size_t pl = strlen(prefix);
    memcpy(buf, prefix, pl);
    for (int len = 1; len <= 5; len++) {
        int total = 1;
        for (int k = 0; k < len; k++) total *= 3;
        for (int x = 0; x < total; x++) {
            int v = x;
            for (int k = 0; k < len; k++, v /= 3) buf[pl + k] = alpha[v % 3];
            buf[pl + len] = 0;
            if (cw_glob_match(pat, buf, false)) return true;
        }
    }
    return false;
}

static void test_glob_prefix_viable_random(void **st)
{
    (void)st;
    static const char pal[] = "ab:*?";
    unsigned seed = 12345;
    for (int t = 0; t < 6000; t++) {
        char pat[8], pre[8];
        seed = seed * 1103515245u + 12345u;
        int pn = (int)(seed >> 16) % 6, qn = (int)(seed >> 8) % 5;
        for (int i = 0; i < pn; i++) seed = seed * 1103515245u + 12345u, pat[i] = pal[(seed >> 16) % 5];
        for (int i = 0; i < qn; i++) seed = seed * 1103515245u + 12345u, pre[i] = pal[(seed >> 16) % 3];
        pat[pn] = pre[qn] = 0;
        /* a pattern of at most 5 characters matches strings of at most 5 plus
         * what its '*' absorb, so continuations of at most 5 decide */
        bool want = brute_viable(pat, pre), got = iam_glob_prefix_viable(pat, pre, false);
        if (want != got) fail_msg("pattern '%s' prefix '%s': got %d want %d", pat, pre, got, want);
    }
}

/* ---- S3's own definition (Block Public Access) vs reachability ------------------- */
static bool pub_mode(const char *policy, int mode, const char *action)
{
    cw_policy *p = compile(policy);
    cw_policy_ctx ctx = {.owner_account = OWNER, .now = NOW, .mode = mode};
    cw_res_target t = {"arn:aws:s3:::b/", true};
    cw_policy_verdict v;
    bool r = cw_policy_is_public(p, &ctx, action, &t, &A, &v);
    last_why = v.why;
    return r;
}
#define BPA(pol) pub_mode(pol, CW_POLICY_S3_BPA, "s3:GetObject")
#define REACH(pol) pub_mode(pol, CW_POLICY_REACH, "s3:GetObject")

static void test_bpa_mode(void **st)
{
    (void)st;
    /* a fixed account with a wildcard role name: only that account's roles get
     * through, but S3 calls any wildcard public */
    const char *arn = ALLOW_IF("{'ArnLike':{'aws:PrincipalArn':'arn:aws:iam::111122223333:role/*'}}");
    assert_false(REACH(arn));
    assert_true(BPA(arn));
    /* fixed values restrict under both */
    const char *vpce = ALLOW_IF("{'StringEquals':{'aws:SourceVpce':'vpce-1a2b3c4d'}}");
    assert_false(REACH(vpce));
    assert_false(BPA(vpce));
    /* aws:userid "AROAID:*" is fixed enough for S3 too */
    const char *uid = ALLOW_IF("{'StringLike':{'aws:userid':'AROAEXAMPLEID:*'}}");
    assert_false(BPA(uid));
    /* org paths with a wildcard: pinned to the organization, public for S3 */
    const char *paths = ALLOW_IF("{'ForAnyValue:StringLike':{'aws:PrincipalOrgPaths':'o-a1b2c3/r-ab12/*'}}");
    assert_false(REACH(paths));
    assert_true(BPA(paths));
    /* the KMS key-id header: a stranger cannot use the owner's key, but the
     * user guide no longer lists it */
    const char *kms = "{'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:PutObject','Resource':"
                      "'arn:aws:s3:::b/*','Condition':{'StringEquals':{'s3:x-amz-server-side-encryption-aws-kms-key-id':"
                      "'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'}}}]}";
    assert_false(pub_mode(kms, CW_POLICY_REACH, "s3:PutObject"));
    assert_true(pub_mode(kms, CW_POLICY_S3_BPA, "s3:PutObject"));
    /* a time window: public for S3 whatever the time, for callers only inside it */
    const char *later = ALLOW_IF("{'DateGreaterThan':{'aws:CurrentTime':'2030-01-01T00:00:00Z'}}");
    assert_false(REACH(later));
    assert_true(BPA(later));
    /* every Federated principal is public for S3 */
    const char *saml = ALLOW_PRINCIPAL("{'Federated':'arn:aws:iam::222233334444:saml-provider/corp'}");
    assert_false(REACH(saml));
    assert_true(BPA(saml));
    /* access points: a wildcard access point name under a fixed account is not
     * public in a bucket policy, but is in an access point policy */
    const char *ap = ALLOW_IF("{'ArnLike':{'s3:DataAccessPointArn':'arn:aws:s3:us-west-2:111122223333:accesspoint/*'}}");
    assert_false(BPA(ap));
    assert_true(pub_mode(ap, CW_POLICY_S3_BPA_AP, "s3:GetObject"));
    assert_false(REACH(ap));
    /* the same policy compiled once answers each mode in turn */
    cw_policy *p = compile(arn);
    cw_res_target t = {"arn:aws:s3:::b/", true};
    for (int i = 0; i < 4; i++) {
        cw_policy_ctx c = {.owner_account = OWNER, .now = NOW, .mode = i % 2};
        assert_true(cw_policy_is_public(p, &c, "s3:GetObject", &t, NULL, NULL) == (i % 2 == 1));
    }
}

static void test_fixed_context(void **st)
{
    (void)st;
    /* a bucket policy delegating to the owner's access points: direct callers
     * cannot present the owner's access point, callers through it do */
    cw_policy *p = compile(ALLOW_IF("{'StringEquals':{'s3:DataAccessPointAccount':'111122223333'}}"));
    cw_res_target t = {"arn:aws:s3:::b/", true};
    cw_policy_ctx direct = {.owner_account = OWNER, .now = NOW};
    assert_false(cw_policy_is_public(p, &direct, "s3:GetObject", &t, NULL, NULL));
    static const cw_ctx_value via[] = {{"s3:DataAccessPointAccount", "111122223333"},
                                       {"s3:DataAccessPointArn", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap"}};
    cw_policy_ctx through = {.owner_account = OWNER, .now = NOW, .fixed = via, .nfixed = 2};
    assert_true(cw_policy_is_public(p, &through, "s3:GetObject", &t, NULL, NULL));
    static const cw_ctx_value other[] = {{"s3:DataAccessPointAccount", "999988887777"}};
    cw_policy_ctx foreign = {.owner_account = OWNER, .now = NOW, .fixed = other, .nfixed = 1};
    assert_false(cw_policy_is_public(p, &foreign, "s3:GetObject", &t, NULL, NULL));
}

static void test_next_time_change(void **st)
{
    (void)st;
    cw_policy *p = compile(ALLOW_IF("{'DateGreaterThan':{'aws:CurrentTime':'2030-01-01T00:00:00Z'},"
                                    "'DateLessThan':{'aws:CurrentTime':'2031-01-01T00:00:00Z'}}"));
    assert_int_equal(cw_policy_next_time_change(p, NOW), 1893456001); /* just after 2030-01-01T00:00:00Z */
    assert_int_equal(cw_policy_next_time_change(p, 1893456001), 1924992000);
    assert_int_equal(cw_policy_next_time_change(p, 1924992000), 0);
    assert_int_equal(cw_policy_next_time_change(compile(ALLOW_IF("{'Bool':{'aws:SecureTransport':'true'}}")), NOW), 0);
}

static void test_stranger_actions(void **st)
{
    (void)st;
    cw_policy *p = compile("{'Statement':[{'Effect':'Allow','Principal':'*','Action':['s3:GetObject','s3:Put*'],"
                           "'Resource':'*'},{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::222233334444:root'},"
                           "'Action':'s3:DeleteBucket','Resource':'*'}]}");
    const char **v;
    size_t n = cw_policy_stranger_actions(p, CW_POLICY_REACH, "s3:", true, &A, &v);
    assert_int_equal(n, 2);
    assert_string_equal(v[0], "s3:GetObject");
    assert_string_equal(v[1], "s3:Putcw");
    assert_int_equal(cw_policy_stranger_actions(p, CW_POLICY_REACH, "s3:", false, &A, &v), 1);
    assert_true(cw_policy_admits_strangers(p, CW_POLICY_REACH));
    assert_false(cw_policy_admits_strangers(compile(ALLOW_PRINCIPAL("{'AWS':'arn:aws:iam::222233334444:root'}")),
                                            CW_POLICY_S3_BPA));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_glob_prefix_viable_random),
        cmocka_unit_test(test_principal_star),
        cmocka_unit_test(test_principal_named),
        cmocka_unit_test(test_principal_service_canonical_federated),
        cmocka_unit_test(test_not_principal),
        cmocka_unit_test(test_missing_principal_or_effect),
        cmocka_unit_test(test_action_wildcards),
        cmocka_unit_test(test_not_action),
        cmocka_unit_test(test_resource_bucket_vs_objects),
        cmocka_unit_test(test_not_resource),
        cmocka_unit_test(test_sourcevpce),
        cmocka_unit_test(test_org_keys),
        cmocka_unit_test(test_principal_arn_keys),
        cmocka_unit_test(test_source_keys),
        cmocka_unit_test(test_userid),
        cmocka_unit_test(test_principal_is_aws_service),
        cmocka_unit_test(test_null_operator),
        cmocka_unit_test(test_sourceip_ranges),
        cmocka_unit_test(test_sourceip_unions),
        cmocka_unit_test(test_notipaddress_in_allow),
        cmocka_unit_test(test_deny_restrictions_neutralise),
        cmocka_unit_test(test_deny_without_restriction),
        cmocka_unit_test(test_deny_scope),
        cmocka_unit_test(test_deny_and_allow_same_key),
        cmocka_unit_test(test_free_keys),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_unknown_operator),
        cmocka_unit_test(test_opensearch_policy),
        cmocka_unit_test(test_tls_only),
        cmocka_unit_test(test_reason_names_statement),
        cmocka_unit_test(test_globs),
        cmocka_unit_test(test_bpa_mode),
        cmocka_unit_test(test_fixed_context),
        cmocka_unit_test(test_next_time_change),
        cmocka_unit_test(test_stranger_actions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
