/* respol.c - public and cross-account access through the resource policies
 * IAM Access Analyzer covers (besides S3 buckets, access points and
 * OpenSearch domains, which have analyzers of their own): SNS topics, SQS
 * queues, KMS keys, Lambda functions and layer versions, ECR repositories,
 * EFS file systems, Secrets Manager secrets and S3 Glacier vaults.
 *
 * Every policy goes through the one evaluator (iam_policy.h) in its
 * reachability sense: an action is public when a stranger (anonymous, or any
 * AWS account) gets it and no Deny refuses it, with conditions searched over
 * what a stranger can present. The default service policies pinned to the
 * owner are therefore not public (SNS "AWS:SourceOwner" = owner; KMS
 * "kms:CallerAccount" = owner with "kms:ViaService"): a stranger cannot
 * present the owner's account.
 *
 * Where each type's policy is (AWS Config configuration items):
 *   AWS::SNS::Topic               configuration.Policy (JSON text)
 *   AWS::SQS::Queue               configuration.Policy (JSON text)
 *   AWS::KMS::Key                 supplementaryConfiguration.Policy (JSON text)
 *   AWS::Lambda::Function         supplementaryConfiguration.Policy (GetPolicy)
 *   AWS::ECR::Repository          configuration.RepositoryPolicyText (object)
 *   AWS::EFS::FileSystem          configuration.FileSystemPolicy (object)
 *   AWS::SecretsManager::ResourcePolicy  configuration.ResourcePolicy, for the secret
 *                                 configuration.SecretId
 * and, for types or policies AWS Config does not record, from items a
 * collector writes in the same envelope with the service's own field names:
 *   AWS::SecretsManager::Secret   supplementaryConfiguration.ResourcePolicy (GetResourcePolicy;
 *                                 AWS Config records the policy as its own item, above)
 *   AWS::Lambda::LayerVersion     supplementaryConfiguration.Policy (GetLayerVersionPolicy)
 *   AWS::Glacier::Vault           configuration.AccessPolicy (CloudFormation) or
 *                                 supplementaryConfiguration.Policy (GetVaultAccessPolicy)
 * See docs/analyzers.md. */
#include <string.h>
#include <strings.h>

#include "analyze_int.h"
#include "iam_policy.h"

typedef struct rp_kind {
    const char *type;
    const char *noun;                 /* "topic" */
    const char *const *policy_paths;  /* dotted, from the item; the first present wins */
    const char *arn_path;             /* the resource's ARN when the item is not the resource; NULL = item ARN */
    bool qualified;                   /* ARN:qualifier children (Lambda versions and aliases) */
    const char *prefix;               /* the service's action prefix, "sns:" */
    const char *const *actions;       /* what strangers may want, data access first */
} rp_kind;

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

static const rp_kind kinds[] = {
    {"AWS::SNS::Topic", "topic", L("configuration.Policy"), NULL, false, "sns:",
     L("sns:Subscribe", "sns:Receive", "sns:Publish", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic",
       "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission", "sns:DeleteTopic")},
    {"AWS::SQS::Queue", "queue", L("configuration.Policy"), NULL, false, "sqs:",
     L("sqs:ReceiveMessage", "sqs:SendMessage", "sqs:DeleteMessage", "sqs:PurgeQueue", "sqs:ChangeMessageVisibility",
       "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SetQueueAttributes", "sqs:AddPermission",
       "sqs:RemovePermission", "sqs:DeleteQueue")},
    {"AWS::KMS::Key", "key", L("supplementaryConfiguration.Policy"), NULL, false, "kms:",
     L("kms:Decrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey", "kms:Encrypt", "kms:CreateGrant", "kms:Sign",
       "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DescribeKey", "kms:GetKeyPolicy")},
    {"AWS::Lambda::Function", "function", L("supplementaryConfiguration.Policy"), NULL, true,
     "lambda:",
     L("lambda:InvokeFunction", "lambda:InvokeFunctionUrl", "lambda:GetFunction", "lambda:UpdateFunctionCode",
       "lambda:UpdateFunctionConfiguration", "lambda:AddPermission", "lambda:DeleteFunction")},
    {"AWS::Lambda::LayerVersion", "layer version", L("supplementaryConfiguration.Policy"), NULL, false, "lambda:", L("lambda:GetLayerVersion")},
    {"AWS::ECR::Repository", "repository", L("configuration.RepositoryPolicyText"), NULL, false,
     "ecr:",
     L("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:PutImage", "ecr:InitiateLayerUpload",
       "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:BatchDeleteImage", "ecr:DescribeImages",
       "ecr:ListImages", "ecr:SetRepositoryPolicy", "ecr:DeleteRepository")},
    {"AWS::EFS::FileSystem", "file system", L("configuration.FileSystemPolicy"), NULL, false,
     "elasticfilesystem:",
     L("elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess")},
    {"AWS::SecretsManager::Secret", "secret",
     L("supplementaryConfiguration.ResourcePolicy", "configuration.ResourcePolicy"), NULL, false,
     "secretsmanager:",
     L("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue",
       "secretsmanager:UpdateSecret", "secretsmanager:PutResourcePolicy", "secretsmanager:DeleteSecret")},
    {"AWS::SecretsManager::ResourcePolicy", "secret", L("configuration.ResourcePolicy"), "configuration.SecretId", false,
     "secretsmanager:",
     L("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue",
       "secretsmanager:UpdateSecret", "secretsmanager:PutResourcePolicy", "secretsmanager:DeleteSecret")},
    {"AWS::Glacier::Vault", "vault", L("configuration.AccessPolicy", "supplementaryConfiguration.Policy"), NULL, false, "glacier:",
     L("glacier:InitiateJob", "glacier:GetJobOutput", "glacier:UploadArchive", "glacier:DeleteArchive",
       "glacier:DescribeVault", "glacier:ListJobs", "glacier:SetVaultAccessPolicy", "glacier:DeleteVault")},
};


/* The policy document: JSON text, an object, or GetVaultAccessPolicy's
 * {"Policy": "..."} wrapper. */
static const cw_json *policy_doc(cw_arena *a, const cw_asset *as, const rp_kind *k, bool *bad, bool *present)
{
    *bad = *present = false;
    for (const char *const *p = k->policy_paths; *p; p++) {
        const cw_json *v = cw_get_path_ci(as->raw, *p);
        if (!v || v->type == CW_JNULL) continue;
        if (v->type == CW_JOBJ && !v->len) continue; /* ECR records {} for "no policy" */
        if (v->type == CW_JSTR && !v->len) continue;
        *present = true;
        const cw_json *d = cw_json_doc(a, v, bad);
        if (d && d->type == CW_JOBJ && !cw_json_get_ci(d, "Statement")) {
            const cw_json *inner = cw_json_get_ci(d, "Policy");
            if (inner) d = cw_json_doc(a, inner, bad);
        }
        return d;
    }
    return NULL;
}

/* the item's ARN (AWS Config records one for each of these types), or the
 * resource a policy item is attached to */
static const char *resource_arn(const cw_asset *as, const rp_kind *k)
{
    if (k->arn_path) {
        const char *s = cw_json_str(cw_get_path_ci(as->raw, k->arn_path), NULL);
        return s && strncmp(s, "arn:", 4) == 0 ? s : NULL;
    }
    return as->id && strncmp(as->id, "arn:", 4) == 0 ? as->id : NULL;
}

static bool listed(const char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(v[i], s) == 0) return true;
    return false;
}

static void one(cw_assets *s, cw_asset *as, const rp_kind *k, int64_t now)
{
    cw_arena *ar = &s->arena;
    cw_arena scratch;
    cw_arena_init(&scratch, 8 * 1024);
    cw_factset fs;
    cw_fs_init(&fs, s, as);
    bool bad, present;
    const cw_json *doc = policy_doc(&scratch, as, k, &bad, &present);
    cw_policy *pol = cw_policy_compile(&scratch, doc);
    cw_fs_bool(&fs, "access.policy_exists", present);
    const char *arn = resource_arn(as, k);
    cw_res_target exact = {arn, false};
    const char *sub = arn && k->qualified ? cw_arena_printf(&scratch, "%s:", arn) : NULL;
    cw_res_target children = {sub, true};
    cw_policy_ctx ctx = {.owner_account = as->account, .now = now};
    /* the type's actions, then any other action of the service a statement
     * for strangers names */
    const char *acts[64];
    size_t na = 0;
    for (const char *const *a = k->actions; *a && na < 64; a++) acts[na++] = *a;
    if (pol && cw_policy_admits_strangers(pol, CW_POLICY_REACH)) {
        const char **named;
        size_t nn = cw_policy_stranger_actions(pol, CW_POLICY_REACH, k->prefix, false, &scratch, &named);
        for (size_t i = 0; i < nn && na < 64; i++)
            if (!listed(acts, na, named[i])) acts[na++] = named[i];
    }
    const char *pub[64];
    size_t np = 0;
    const char *why = NULL;
    for (size_t i = 0; pol && i < na; i++) {
        cw_policy_verdict v;
        bool hit = cw_policy_is_public(pol, &ctx, acts[i], &exact, NULL, &v);
        const cw_res_target *t = &exact;
        if (!hit && sub) hit = cw_policy_is_public(pol, &ctx, acts[i], t = &children, NULL, &v);
        if (!hit) continue;
        pub[np++] = cw_arena_strdup(ar, acts[i]);
        if (!why) {
            cw_policy_is_public(pol, &ctx, acts[i], t, ar, &v);
            why = cw_arena_printf(ar, "the %s policy %s", k->noun, v.why);
        }
    }
    if (!why) {
        if (!pol) {
            why = bad       ? cw_arena_printf(ar, "not public: the %s policy text is not valid JSON", k->noun)
                  : present ? cw_arena_printf(ar, "not public: the %s policy has no statements", k->noun)
                            : cw_arena_printf(ar, "not public: no %s policy is recorded", k->noun);
        } else {
            cw_policy_verdict v;
            cw_policy_is_public(pol, &ctx, k->actions[0], &exact, ar, &v);
            why = cw_arena_printf(ar, "not public: the %s policy: %s", k->noun, v.why);
        }
    }
    int64_t at = pol ? cw_policy_next_time_change(pol, now) : 0;
    if (at) {
        why = cw_arena_printf(ar, "%s; %s", why, cw_time_change_note(ar, at));
        cw_fs_str(&fs, "access.reevaluate_at", cw_time_text(ar, at));
    }
    cw_fs_bool(&fs, "access.public", np > 0);
    cw_fs_strs(&fs, "access.public_actions", pub, np);
    cw_fs_str(&fs, "access.reason", why);
    const char **ext = NULL;
    size_t next = pol ? cw_policy_external_principals(pol, &ctx, NULL, &scratch, &ext) : 0;
    for (size_t i = 0; i < next; i++) ext[i] = cw_arena_strdup(ar, ext[i]);
    cw_fs_bool(&fs, "access.cross_account", next > 0);
    cw_fs_strs(&fs, "access.external_principals", ext, next);
    cw_fs_commit(&fs);
    cw_arena_free(&scratch);
}

void cw_an_respol(cw_assets *s)
{
    int64_t now = cw_analyze_time(s);
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        const cw_asset_list *l = cw_assets_of_type(s, kinds[k].type);
        for (size_t i = 0; i < l->n; i++)
            if (l->v[i]->live && cw_an_target(s, l->v[i])) one(s, l->v[i], &kinds[k], now);
    }
}
