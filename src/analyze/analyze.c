/* analyze.c - the fact registry (every fact an analyzer may set) and the
 * analyzer registry. Semantics: docs/analyzers.md. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyze_int.h"
#include "../util/pool.h"

#define S3 "AWS::S3::Bucket"
#define NET                                                                                                        \
    "AWS::RDS::DBInstance,AWS::RDS::DBCluster,AWS::Redshift::Cluster,AWS::Elasticsearch::Domain,"                 \
    "AWS::OpenSearch::Domain,AWS::EC2::Instance,AWS::ElasticLoadBalancingV2::LoadBalancer,AWS::EKS::Cluster,"    \
    "AWS::ApiGateway::Stage,AWS::ApiGatewayV2::Stage"
#define LB "AWS::ElasticLoadBalancingV2::LoadBalancer"
#define API "AWS::ApiGateway::Stage,AWS::ApiGatewayV2::Stage"
#define SG "AWS::EC2::SecurityGroup"
#define SNAP "AWS::RDS::DBSnapshot,AWS::RDS::DBClusterSnapshot,AWS::Redshift::ClusterSnapshot,AWS::EC2::Snapshot"
#define OS "AWS::Elasticsearch::Domain,AWS::OpenSearch::Domain"
#define IAMP "AWS::IAM::Policy,AWS::IAM::User,AWS::IAM::Role,AWS::IAM::Group"
#define RESPOL                                                                                                    \
    "AWS::SNS::Topic,AWS::SQS::Queue,AWS::KMS::Key,AWS::Lambda::Function,AWS::Lambda::LayerVersion,"            \
    "AWS::ECR::Repository,AWS::EFS::FileSystem,AWS::SecretsManager::Secret,AWS::SecretsManager::ResourcePolicy,"   \
    "AWS::Glacier::Vault"
#define S3AP "AWS::S3::AccessPoint"
#define POLICY_TYPES RESPOL "," S3AP
#define ACCESS_TYPES S3 "," POLICY_TYPES

const cw_fact_def cw_fact_defs[] = {
    /* common */
    {"data.customer", CW_VT_BOOL, "*",
     "A data-classification tag (data-class, DataClassification, ...) says customer or personal data (customer, pii, "
     "personal, phi)."},
    /* S3 effective access */
    {"s3.public.read", CW_VT_BOOL, S3,
     "Anyone (anonymous or any AWS account) can read objects, after Block Public Access is applied."},
    {"s3.public.list", CW_VT_BOOL, S3, "Anyone can list the bucket's objects, after Block Public Access is applied."},
    {"s3.public.write", CW_VT_BOOL, S3,
     "Anyone can create, overwrite or delete objects, after Block Public Access is applied."},
    {"s3.public.acl", CW_VT_BOOL, S3,
     "Anyone can read or change the bucket or object ACLs, after Block Public Access is applied."},
    {"s3.public.any", CW_VT_BOOL, S3, "Any of s3.public.read, list, write or acl is true."},
    {"s3.public.reason", CW_VT_STR, S3,
     "Why the bucket is or is not public: the grant or statement, and which blocks did or did not neutralise it."},
    {"s3.public.read_reason", CW_VT_STR, S3, "Why anyone can read objects (set only when s3.public.read)."},
    {"s3.public.list_reason", CW_VT_STR, S3, "Why anyone can list objects (set only when s3.public.list)."},
    {"s3.public.write_reason", CW_VT_STR, S3, "Why anyone can write objects (set only when s3.public.write)."},
    {"s3.public.acl_reason", CW_VT_STR, S3, "Why anyone can read or change ACLs (set only when s3.public.acl)."},
    {"s3.acl.public", CW_VT_BOOL, S3,
     "The bucket ACL grants something to AllUsers or AuthenticatedUsers (before IgnorePublicAcls)."},
    {"s3.acl.public_grants", CW_VT_LIST, S3, "The public ACL grants as \"Grantee:PERMISSION\" strings."},
    {"s3.policy.exists", CW_VT_BOOL, S3, "The bucket has a bucket policy."},
    {"s3.policy.public", CW_VT_BOOL, S3,
     "The bucket policy alone lets outsiders perform some S3 action (before RestrictPublicBuckets)."},
    {"s3.policy.reason", CW_VT_STR, S3, "Why the bucket policy is or is not public."},
    {"s3.policy.cross_account", CW_VT_BOOL, S3,
     "The bucket policy grants access to named principals of other accounts, and RestrictPublicBuckets does not block "
     "it (it does when S3 rates the policy public)."},
    {"s3.policy.external_principals", CW_VT_LIST, S3,
     "Accounts, IAM ARNs and identity providers outside the owner account named by Allow statements."},
    {"s3.policy.bpa_public", CW_VT_BOOL, S3,
     "S3's own verdict on the bucket policy (Block Public Access, \"The meaning of public\"): it grants a bad action or an "
     "unsupported one to anyone but fixed principals or fixed values. RestrictPublicBuckets applies only to such "
     "policies; it can be true while no stranger gets through (s3.policy.public false)."},
    {"s3.policy.tls_only", CW_VT_BOOL, S3,
     "A Deny for everyone on all S3 actions when aws:SecureTransport is false covers the bucket and its objects."},
    {"s3.block.block_public_acls", CW_VT_BOOL, S3, "BlockPublicAcls is on at bucket or account level (new ACLs only)."},
    {"s3.block.ignore_public_acls", CW_VT_BOOL, S3, "IgnorePublicAcls is on at bucket or account level."},
    {"s3.block.block_public_policy", CW_VT_BOOL, S3,
     "BlockPublicPolicy is on at bucket or account level (new policies only)."},
    {"s3.block.restrict_public_buckets", CW_VT_BOOL, S3, "RestrictPublicBuckets is on at bucket or account level."},
    {"s3.block.all", CW_VT_BOOL, S3, "All four Block Public Access settings are effective (bucket or account)."},
    {"s3.block.account_all", CW_VT_BOOL, S3, "All four settings are on at the account level."},
    {"s3.block.account_recorded", CW_VT_BOOL, S3,
     "The account's AWS::S3::AccountPublicAccessBlock is in the inventory."},
    {"s3.encryption.enabled", CW_VT_BOOL, S3, "A default encryption configuration is recorded."},
    {"s3.logging.enabled", CW_VT_BOOL, S3, "Server access logging has a destination bucket."},
    {"s3.versioning.enabled", CW_VT_BOOL, S3, "Versioning status is Enabled."},
    {"s3.versioning.mfa_delete", CW_VT_BOOL, S3, "MFA delete is enabled."},
    /* every resource policy */
    {"access.reevaluate_at", CW_VT_STR, ACCESS_TYPES,
     "The next instant (ISO 8601, UTC) at which a time condition (aws:CurrentTime, aws:EpochTime) of the resource "
     "policy changes truth: the access verdicts may change then with no configuration change (re-evaluate then)."},
    /* resource policies of other services (respol.c) */
    {"access.policy_exists", CW_VT_BOOL, POLICY_TYPES, "A resource policy is recorded for the resource."},
    {"access.public", CW_VT_BOOL, POLICY_TYPES,
     "Anyone (anonymous or any AWS account) can perform one of the resource's actions through its resource policy."},
    {"access.public_actions", CW_VT_LIST, POLICY_TYPES, "The actions anyone can perform (\"sqs:ReceiveMessage\", ...)."},
    {"access.reason", CW_VT_STR, POLICY_TYPES,
     "Why the resource is or is not public: the statement, who it admits and a caller that gets through."},
    {"access.cross_account", CW_VT_BOOL, POLICY_TYPES, "The resource policy grants access to named principals of other accounts."},
    {"access.external_principals", CW_VT_LIST, POLICY_TYPES,
     "Accounts, IAM ARNs and identity providers outside the owner account named by Allow statements."},
    {"access.vpc_origin", CW_VT_BOOL, S3AP,
     "The access point has a VPC network origin: only requests from that VPC reach it (S3 counts it non-public)."},
    {"access.bpa_public", CW_VT_BOOL, S3AP,
     "S3's own verdict on the access point policy (Block Public Access; a wildcard in s3:DataAccessPointArn is public "
     "in access point policies)."},
    /* front doors (netreach_front.c) */
    {"lb.internet_facing", CW_VT_BOOL, LB, "The load balancer's scheme is internet-facing (public addresses)."},
    {"lb.listeners", CW_VT_LIST, LB,
     "Its listeners in the inventory as PROTOCOL:PORT (AWS::ElasticLoadBalancingV2::Listener items)."},
    {"lb.targets", CW_VT_LIST, LB,
     "What the listeners forward to, as far as the inventory shows: the targets of their target groups (asset ids "
     "when the target is in the inventory)."},
    {"lb.fronts_customer_data", CW_VT_BOOL, LB,
     "The load balancer is internet reachable and a target behind it is tagged as holding customer data."},
    {"api.public", CW_VT_BOOL, API,
     "Anyone on the internet can call the stage: public endpoint type, execute-api endpoint enabled, resource policy "
     "(REST) admitting strangers to execute-api:Invoke, and some method without an authorizer (when methods are "
     "in the inventory)."},
    {"api.reason", CW_VT_STR, API, "Why the stage is or is not public, and what is behind it."},
    {"api.fronts", CW_VT_LIST, API,
     "What the stage's integrations call, as far as the inventory shows: AWS services (s3, dynamodb, sqs, ...) with "
     "the integration URI, Lambda functions, HTTP back ends."},
    {"api.fronts_data_store", CW_VT_BOOL, API,
     "The stage is public and an integration without an authorizer reads or writes a data service directly (S3, "
     "DynamoDB, SQS, Kinesis, Firehose, RDS Data API, Secrets Manager)."},
    {"api.open_methods", CW_VT_LIST, "AWS::ApiGateway::Stage",
     "One number: the REST API's methods in the inventory that need no authorizer or API key (OPTIONS excluded)."},
    {"eks.public_endpoint", CW_VT_BOOL, "AWS::EKS::Cluster",
     "The Kubernetes API endpoint is public (ResourcesVpcConfig.EndpointPublicAccess)."},
    {"eks.public_access_cidrs", CW_VT_LIST, "AWS::EKS::Cluster",
     "The ranges admitted to the public endpoint (0.0.0.0/0 when the item records none)."},
    /* full administrators (iam_admin.c) */
    {"iam.full_admin", CW_VT_BOOL, IAMP,
     "The identity policy (a managed policy's default version; a principal's inline policies together) allows every "
     "action on every resource after its Deny statements, or everything but a few actions together with an IAM "
     "action with which the holder grants itself the rest (or rewrites the policy that refuses them)."},
    {"iam.near_admin", CW_VT_BOOL, IAMP,
     "Not a full administrator, but every action no statement names is allowed on every resource: only the actions "
     "in iam.admin_excluded are out of reach (AWS's PowerUserAccess: NotAction iam:*, organizations:*, account:*)."},
    {"iam.admin_excluded", CW_VT_LIST, IAMP,
     "For a near administrator: the action patterns, as the policy writes them, that stay out of reach."},
    {"iam.admin_reason", CW_VT_STR, IAMP,
     "Why the policy does or does not make its holder an administrator: the granting statement, what is left out "
     "and by which statement, conditions and resource exceptions."},
    /* security groups */
    {"sg.open_to_internet", CW_VT_BOOL, SG, "Some inbound port or protocol is open to every public address."},
    {"sg.internet_ports", CW_VT_LIST, SG,
     "Inbound ports open to the whole internet: \"all\", \"22\", \"80-443\", \"udp/53\", \"icmp\"."},
    {"sg.all_ports_open", CW_VT_BOOL, SG, "Every TCP port is open to the whole internet."},
    {"sg.admin_ports_open", CW_VT_LIST, SG,
     "Remote-administration TCP ports open to the internet (22, 23, 3389, 5900, 5985, 5986, 2375, 2376, 6443)."},
    {"sg.db_ports_open", CW_VT_LIST, SG,
     "Database TCP ports open to the internet (1433, 1521, 3306, 5432, 5439, 6379, 9200, 27017, 11211, ...)."},
    /* reachability */
    {"net.internet_reachable", CW_VT_BOOL, NET,
     "The resource has a public endpoint and its security groups admit one of its ports from the whole internet."},
    {"net.reachable_ports", CW_VT_LIST, NET, "The ports reachable from the internet."},
    {"net.reason", CW_VT_STR, NET, "Why the resource is or is not reachable from the internet."},
    {"net.publicly_accessible", CW_VT_BOOL, NET, "The resource has a public address or endpoint."},
    {"net.in_vpc", CW_VT_BOOL, NET, "The resource lives in a VPC."},
    {"net.security_groups", CW_VT_LIST, NET, "Ids of the security groups attached to the resource."},
    {"net.missing_security_groups", CW_VT_LIST, NET, "Attached security groups that are not in the inventory."},
    /* snapshots */
    {"snapshot.public", CW_VT_BOOL, SNAP,
     "Any AWS account can restore the snapshot (RDS restore attribute \"all\"; EBS create-volume permission group "
     "\"all\")."},
    {"snapshot.shared_accounts", CW_VT_LIST, SNAP, "Other accounts allowed to restore the snapshot."},
    {"snapshot.encrypted", CW_VT_BOOL, SNAP, "The snapshot is encrypted."},
    {"snapshot.reason", CW_VT_STR, SNAP, "Why the snapshot is or is not public."},
    {"image.public", CW_VT_BOOL, "AWS::EC2::Image",
     "Any AWS account can launch the AMI (launch permission group \"all\", or DescribeImages Public)."},
    {"image.shared_accounts", CW_VT_LIST, "AWS::EC2::Image", "Other accounts and organizations allowed to launch the AMI."},
    {"image.reason", CW_VT_STR, "AWS::EC2::Image", "Why the AMI is or is not public."},
    /* encryption and backups */
    {"rds.encrypted", CW_VT_BOOL, "AWS::RDS::DBInstance,AWS::RDS::DBCluster", "Storage encryption is enabled."},
    {"ebs.encrypted", CW_VT_BOOL, "AWS::EC2::Volume", "The EBS volume is encrypted."},
    {"redshift.encrypted", CW_VT_BOOL, "AWS::Redshift::Cluster", "The cluster is encrypted at rest."},
    {"dynamodb.encrypted", CW_VT_BOOL, "AWS::DynamoDB::Table",
     "Encrypted at rest (always true: DynamoDB encrypts every table)."},
    {"dynamodb.sse_kms", CW_VT_BOOL, "AWS::DynamoDB::Table", "Encrypted with a KMS key (SSEDescription enabled)."},
    {"dynamodb.pitr", CW_VT_BOOL, "AWS::DynamoDB::Table", "Point-in-time recovery is enabled (when recorded)."},
    {"opensearch.encrypted", CW_VT_BOOL, OS, "Encryption at rest is enabled."},
    {"opensearch.public", CW_VT_BOOL, OS,
     "The domain endpoint is public and its access policy lets anyone in without credentials."},
    {"opensearch.reason", CW_VT_STR, OS, "Why the domain is or is not public."},
    {NULL, 0, NULL, NULL},
};

const cw_fact_def *cw_fact_find(const char *name)
{
    if (!name) return NULL;
    for (const cw_fact_def *d = cw_fact_defs; d->name; d++)
        if (strcmp(d->name, name) == 0) return d;
    return NULL;
}

int cw_fact_is_namespace(const char *name)
{
    if (!name || !*name) return 0;
    size_t n = strlen(name);
    for (const cw_fact_def *d = cw_fact_defs; d->name; d++)
        if (strncmp(d->name, name, n) == 0 && d->name[n] == '.') return 1;
    return 0;
}

/* What each analyzer reads of the configuration items (tags, relationships
 * and the item's top-level fields are always kept). */
static const char *const common_reads[] = {
    "configuration.storageEncrypted", "configuration.encrypted", "configuration.sseDescription.status",
    "supplementaryConfiguration.ContinuousBackupsDescription.pointInTimeRecoveryDescription.pointInTimeRecoveryStatus",
    "configuration.EncryptionAtRestOptions.Enabled", NULL,
};
static const char *const s3_reads[] = {
    "configuration.name", "configuration.PublicAccessBlockConfiguration",
    "supplementaryConfiguration.PublicAccessBlockConfiguration", "supplementaryConfiguration.AccessControlList",
    "supplementaryConfiguration.BucketPolicy", "supplementaryConfiguration.ServerSideEncryptionConfiguration",
    "supplementaryConfiguration.BucketLoggingConfiguration", "supplementaryConfiguration.BucketVersioningConfiguration",
    /* AWS::S3::AccountPublicAccessBlock */
    "configuration.blockPublicAcls", "configuration.ignorePublicAcls", "configuration.blockPublicPolicy",
    "configuration.restrictPublicBuckets", NULL,
};
static const char *const netreach_reads[] = {
    /* security groups */
    "configuration.ipPermissions",
    /* RDS instances and clusters, Redshift */
    "configuration.vpcSecurityGroups", "configuration.endpoint.port", "configuration.dbInstancePort",
    "configuration.engine", "configuration.dBSubnetGroup.vpcId", "configuration.networkType",
    "configuration.publiclyAccessible", "configuration.vpcId", "configuration.engineMode",
    "configuration.dBClusterMembers", "configuration.dBInstanceIdentifier",
    /* EC2 instances */
    "configuration.securityGroups", "configuration.publicIpAddress", "configuration.networkInterfaces.groups",
    "configuration.networkInterfaces.association.publicIp", "configuration.networkInterfaces.ipv6Addresses",
    "configuration.state.name",
    /* OpenSearch / Elasticsearch */
    "configuration.VPCOptions", "configuration.DomainEndpointOptions.EnforceHTTPS", "configuration.AccessPolicies",
    "configuration.ARN", "configuration.AdvancedSecurityOptions.Enabled",
    "configuration.AdvancedSecurityOptions.AnonymousAuthEnabled",
    /* load balancers, listeners, target groups (netreach_front.c) */
    "configuration.scheme", "configuration.type", "configuration.loadBalancerArn", "configuration.Port",
    "configuration.Protocol", "configuration.DefaultActions", "configuration.Targets", "configuration.TargetType",
    /* EKS */
    "configuration.ResourcesVpcConfig",
    /* API Gateway stages, APIs, methods, integrations */
    "configuration.stageName", "configuration.id", "configuration.apiId", "configuration.endpointConfiguration",
    "configuration.disableExecuteApiEndpoint", "configuration.policy", "configuration.apiEndpoint",
    "configuration.protocolType", "configuration.RestApiId", "configuration.HttpMethod",
    "configuration.AuthorizationType", "configuration.ApiKeyRequired", "configuration.Integration",
    "configuration.ApiId", "configuration.IntegrationSubtype", "configuration.IntegrationUri", NULL,
};
static const char *const respol_reads[] = {
    "configuration.Policy", "supplementaryConfiguration.Policy", "configuration.RepositoryPolicyText",
    "configuration.FileSystemPolicy", "supplementaryConfiguration.ResourcePolicy", "configuration.ResourcePolicy",
    "configuration.AccessPolicy", "configuration.SecretId", NULL,
};
static const char *const s3ap_reads[] = {
    "configuration.Name", "configuration.Bucket", "configuration.BucketAccountId", "configuration.NetworkOrigin",
    "configuration.VpcConfiguration.VpcId", "configuration.Policy", "configuration.PublicAccessBlockConfiguration",
    "supplementaryConfiguration.PublicAccessBlockConfiguration", "supplementaryConfiguration.BucketPolicy", NULL,
};
static const char *const iam_admin_reads[] = {
    "configuration.policyVersionList", "configuration.userPolicyList", "configuration.rolePolicyList",
    "configuration.groupPolicyList", NULL,
};
static const char *const snapshots_reads[] = {
    "supplementaryConfiguration.DBSnapshotAttributes", "supplementaryConfiguration.DBClusterSnapshotAttributes",
    "supplementaryConfiguration.DBSnapshotAttributesResult",
    "supplementaryConfiguration.DBClusterSnapshotAttributesResult", "configuration.DBSnapshotAttributes",
    "configuration.DBClusterSnapshotAttributes", "configuration.DBSnapshotAttributesResult",
    "configuration.DBClusterSnapshotAttributesResult", "configuration.encrypted", "configuration.storageEncrypted",
    "configuration.snapshotType", "configuration.accountsWithRestoreAccess",
    /* EBS snapshots and AMIs (EC2 API shapes) */
    "supplementaryConfiguration.CreateVolumePermissions", "configuration.CreateVolumePermissions",
    "supplementaryConfiguration.LaunchPermissions", "configuration.LaunchPermissions", "configuration.Public",
    "configuration.Encrypted", NULL,
};

const cw_analyzer cw_analyzers[] = {
    {"common", "customer-data tags, encryption and backup facts; account and region from the ARN", cw_an_common, 1,
     cw_an_common_part, common_reads},
    {"s3", "S3 effective public access: ACL, bucket policy, bucket and account Block Public Access", cw_an_s3, 0,
     cw_an_s3_part,
     s3_reads},
    {"netreach", "security groups as port x CIDR sets; internet reachability of databases, search domains, "
                 "instances, load balancers, API stages and EKS endpoints",
     cw_an_netreach, 0, NULL, netreach_reads},
    {"snapshots", "RDS and Redshift snapshots restorable by everyone or shared with other accounts", cw_an_snapshots, 0,
     NULL, snapshots_reads},
    {"respol", "public and cross-account access through the resource policies of SNS, SQS, KMS, Lambda, ECR, EFS, "
               "Secrets Manager and Glacier",
     cw_an_respol, 0, NULL, respol_reads},
    {"s3ap", "S3 access points: network origin, access point and bucket policies, Block Public Access at all three "
             "levels",
     cw_an_s3ap, 0, NULL, s3ap_reads},
    {"iam_admin", "full administrators: identity policies evaluated with Deny and NotAction (iam.full_admin)",
     cw_an_iam_admin, 0, NULL, iam_admin_reads},
    {NULL, NULL, NULL, 0, NULL, NULL},
};

void cw_analyze_project(cw_arena *a, cw_jproj *item)
{
    for (const cw_analyzer *an = cw_analyzers; an->name; an++)
        for (const char *const *r = an->reads; r && *r; r++) cw_jproj_keep(a, item, *r);
}

size_t cw_analyzer_count(void)
{
    size_t n = 0;
    while (cw_analyzers[n].name) n++;
    return n;
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void add_stat(cw_analyzer_stats *st, const cw_analyzer *an, double secs, size_t bytes)
{
    if (!st) return;
    st[an - cw_analyzers].seconds += secs;
    st[an - cw_analyzers].bytes += bytes;
}

typedef struct part_ctx {
    const cw_analyzer *an;
    cw_assets *views;
} part_ctx;

static void run_part(void *ctx, unsigned part, unsigned nparts)
{
    part_ctx *p = ctx;
    p->an->run_part(&p->views[part], part, nparts);
}

/* A `first` analyzer with run_part: its parts on all threads, each with an
 * asset-set view whose arena is its own (adopted by s afterwards). */
static void run_first_parallel(cw_assets *s, const cw_analyzer *an, cw_pool *pool, unsigned nparts,
                               cw_analyzer_stats *st)
{
    part_ctx p = {an, cw_xcalloc(nparts, sizeof(cw_assets))};
    for (unsigned i = 0; i < nparts; i++) {
        p.views[i] = *s;
        cw_arena_init(&p.views[i].arena, 4u << 20);
        p.views[i].facts_arena = NULL, p.views[i].facts_share = NULL; /* facts into the view's arena */
    }
    cw_pool_split(pool, run_part, &p, nparts);
    for (unsigned i = 0; i < nparts; i++) {
        cw_jshare_free(p.views[i].facts_share);
        cw_arena *a = cw_xmalloc(sizeof *a);
        *a = p.views[i].arena;
        add_stat(st, an, 0, a->total);
        cw_assets_adopt(s, a);
    }
    free(p.views);
}

/* The analyzers after the `first` ones, as jobs on the pool: an analyzer
 * with run_part in parts (so that the longest one does not run alone at the
 * end), the others whole, the whole ones first. Each job writes facts only on
 * its own assets, into an arena of its own. */
typedef struct an_job {
    const cw_analyzer *an;
    unsigned part, nparts; /* nparts 0: the whole analyzer */
    cw_assets view;        /* a shallow copy of the asset set with an arena of its own */
    double secs;
} an_job;

static void run_job(void *ctx, size_t i, unsigned worker)
{
    (void)worker;
    an_job *j = &((an_job *)ctx)[i];
    double t = mono();
    if (j->nparts) j->an->run_part(&j->view, j->part, j->nparts);
    else j->an->run(&j->view);
    j->secs = mono() - t;
}

static void run_rest_parallel(cw_assets *s, cw_pool *pool, unsigned threads, cw_analyzer_stats *st)
{
    const unsigned nparts = 2 * threads;
    size_t n = 0;
    for (const cw_analyzer *an = cw_analyzers; an->name; an++)
        if (!an->first) n += an->run_part ? nparts : 1;
    an_job *jobs = cw_xcalloc(n, sizeof(an_job));
    size_t nj = 0;
    for (int split = 0; split < 2; split++)
        for (const cw_analyzer *an = cw_analyzers; an->name; an++) {
            if (an->first || !an->run_part != !split) continue;
            for (unsigned k = 0; k < (split ? nparts : 1); k++) {
                an_job *j = &jobs[nj++];
                j->an = an, j->part = k, j->nparts = split ? nparts : 0;
                j->view = *s;
                /* the job's arena is scratch; only committed facts are kept */
                cw_arena_init(&j->view.arena, 1u << 20);
                j->view.facts_arena = cw_xmalloc(sizeof(cw_arena));
                cw_arena_init(j->view.facts_arena, 1u << 20);
                j->view.facts_share = NULL;
            }
        }
    cw_pool_jobs(pool, run_job, jobs, nj, threads);
    for (size_t i = 0; i < nj; i++) {
        cw_jshare_free(jobs[i].view.facts_share);
        cw_arena_free(&jobs[i].view.arena);
        cw_arena *a = jobs[i].view.facts_arena;
        add_stat(st, jobs[i].an, jobs[i].secs, a->total);
        cw_assets_adopt(s, a);
    }
    free(jobs);
}

void cw_analyze_all(cw_assets *s, const cw_exec *x, cw_analyzer_stats *st)
{
    unsigned parts = cw_exec_parts(x, s->n);
    bool large = parts > 1;
    for (const cw_analyzer *an = cw_analyzers; an->name; an++) {
        if (!an->first) continue;
        double t = mono();
        if (large && an->run_part) run_first_parallel(s, an, cw_exec_pool(x), parts, st);
        else an->run(s);
        add_stat(st, an, mono() - t, 0);
    }
    if (!large) {
        for (const cw_analyzer *an = cw_analyzers; an->name; an++) {
            if (an->first) continue;
            double t = mono();
            an->run(s);
            add_stat(st, an, mono() - t, 0);
        }
        return;
    }
    run_rest_parallel(s, cw_exec_pool(x), parts, st);
}
