/* iam_policy.h - IAM resource-policy evaluation: "can someone outside the
 * owner's control do this?".
 *
 * A policy document (bucket policy, OpenSearch access policy, ...) is compiled
 * once (cw_policy_compile) and then queried per action and resource.
 *
 * The question cw_policy_is_public() answers exactly, following the AWS policy
 * evaluation logic (an explicit Deny wins, otherwise an Allow is needed):
 * does there exist a caller who is anonymous or belongs to an arbitrary AWS
 * account (not named anywhere in the policy), and a request from that caller
 * over the internet, that some Allow statement grants and no Deny statement
 * refuses?
 *
 * The caller controls everything about the request that a stranger can
 * control: the source IP (any public IPv4/IPv6 address), TLS or not, headers
 * (Referer, User-Agent), request parameters (s3:prefix, tags, ...), MFA, and
 * can leave most context keys absent. Keys that identify the caller's origin
 * or identity cannot take the owner's values: aws:SourceVpc, aws:SourceVpce,
 * aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalAccount,
 * aws:PrincipalArn, aws:SourceAccount, aws:SourceArn, aws:SourceOwner,
 * aws:SourceOrgID, aws:userid, aws:username, aws:PrincipalIsAWSService,
 * aws:PrincipalServiceName, s3:DataAccessPointAccount, s3:DataAccessPointArn,
 * kms:CallerAccount; for those the caller can present only its own values
 * (which match a pattern value with a wildcard, e.g. "vpce-*" or ARNs with a
 * wildcard account) or none. A condition pins access only when no such caller
 * satisfies it, which is decided by searching the caller's choices over a
 * finite set of representative values per key (every literal, wildcard
 * instances, values next to numbers and dates, one public address per
 * elementary interval of the CIDRs in the policy, absence).
 *
 * Ownership: everything lives in the arena given to compile/query. */
#ifndef CW_IAM_POLICY_H
#define CW_IAM_POLICY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../json/json.h"
#include "../util/arena.h"

typedef struct cw_policy cw_policy;

/* Compile a policy document (object with Statement: object or array). NULL
 * when doc is not a policy object. */
cw_policy *cw_policy_compile(cw_arena *a, const cw_json *doc);
size_t cw_policy_nstatements(const cw_policy *p);

/* The resource an action is asked about: the exact ARN (subtree false), or
 * every ARN starting with arn (subtree true, e.g. "arn:aws:s3:::b/" for the
 * objects of bucket b). arn NULL = unknown: any Resource pattern matches an
 * Allow, and only "*" counts as covering it for a Deny. */
typedef struct cw_res_target {
    const char *arn;
    bool subtree;
} cw_res_target;

/* What "public" means for a query:
 *   CW_POLICY_REACH     - reachability (the default): is there a stranger who
 *                         really gets through (see above);
 *   CW_POLICY_S3_BPA    - S3's own definition for bucket policies (Block
 *                         Public Access, "The meaning of public"): only FIXED
 *                         values of the identity and origin keys restrict (a
 *                         wildcard or policy variable never does, except
 *                         "AROAID:*" in aws:userid and an access point name in
 *                         s3:DataAccessPointArn when the account is fixed);
 *                         s3:x-amz-server-side-encryption-aws-kms-key-id and
 *                         aws:CurrentTime restrict nothing; every Federated
 *                         principal is public;
 *   CW_POLICY_S3_BPA_AP - the same for access point policies, where a
 *                         wildcard in s3:DataAccessPointArn is public too.
 * S3 applies RestrictPublicBuckets (and BlockPublicPolicy) to policies that
 * are public in its own sense, so both answers matter. */
enum { CW_POLICY_REACH = 0, CW_POLICY_S3_BPA = 1, CW_POLICY_S3_BPA_AP = 2 };

/* A context key whose value is known for every request the query is about
 * (requests through an access point carry its s3:DataAccessPointArn). */
typedef struct cw_ctx_value {
    const char *key;   /* any case: "s3:DataAccessPointArn" */
    const char *value;
} cw_ctx_value;

typedef struct cw_policy_ctx {
    const char *owner_account; /* account owning the resource, may be NULL */
    int64_t now;               /* epoch seconds used for aws:CurrentTime / aws:EpochTime */
    int mode;                  /* CW_POLICY_* */
    const cw_ctx_value *fixed; /* keys with a known value (the array must outlive the queries) */
    size_t nfixed;
} cw_policy_ctx;

typedef struct cw_policy_verdict {
    bool is_public;
    int stmt;          /* 0-based index of the granting Allow statement, -1 if none */
    const char *sid;   /* its Sid or NULL */
    const char *why;   /* sentence (arena): which statement, to whom, and why not blocked,
                          or why not public; NULL when no arena was given */
} cw_policy_verdict;

/* Decide whether action on target is open to the public (see above). The
 * why sentence is built in a; with a NULL it is left NULL (faster). */
bool cw_policy_is_public(const cw_policy *p, const cw_policy_ctx *ctx, const char *action,
                         const cw_res_target *target, cw_arena *a, cw_policy_verdict *out);

/* Named principals outside the owner account granted (by Allow statements)
 * any action matching one of actions[] (NULL-terminated; NULL = any action; a
 * trailing "*" as in "s3:*" means any action of that prefix):
 * AWS account ids and IAM ARNs from Principal, fixed aws:PrincipalAccount
 * values of statements open to "*", and Federated identity providers.
 * Deduplicated; returns the count and sets *out (arena array). */
size_t cw_policy_external_principals(const cw_policy *p, const cw_policy_ctx *ctx,
                                     const char *const *actions, cw_arena *a, const char ***out);

/* True when a Deny statement applying to every principal refuses, for every
 * action matching action_probe (e.g. "s3:*" or "s3:GetObject"), every
 * resource of target, whenever aws:SecureTransport is false - and only then
 * (its other conditions, if any, hold for every plain-HTTP request). */
bool cw_policy_denies_insecure_transport(const cw_policy *p, const char *action_probe,
                                         const cw_res_target *target);

/* Does some Allow statement apply to a stranger under mode (Principal "*",
 * NotPrincipal without "*", a public Federated provider)? A quick test that
 * lets callers skip the per-action queries. */
bool cw_policy_admits_strangers(const cw_policy *p, int mode);

/* The actions the policy's Allow statements for strangers name, and for each
 * wildcard pattern among them an instance of it (an action S3 may add in
 * future, "s3:Put*" -> "s3:Putcw"), restricted to names starting with prefix
 * (case-insensitive; NULL = all). Arena array; returns the count. */
size_t cw_policy_stranger_actions(const cw_policy *p, int mode, const char *prefix, bool instances, cw_arena *a,
                                  const char ***out);

/* True when every Allow statement for strangers (under mode) lists its
 * actions literally (Action without wildcards, no NotAction): the actions a
 * stranger may get are then exactly cw_policy_stranger_actions(). */
bool cw_policy_stranger_actions_literal(const cw_policy *p, int mode);

/* The first instant after now at which a time condition (aws:CurrentTime,
 * aws:EpochTime) of the policy changes truth: every verdict may change then
 * with no configuration change. 0 when there is none. */
int64_t cw_policy_next_time_change(const cw_policy *p, int64_t now);

/* Account id named by a principal string ("123456789012", an IAM/STS ARN);
 * writes 12 digits + NUL into acct and returns true. */
bool cw_principal_account(const char *principal, char acct[13]);

/* Glob match with '*' and '?' (IAM semantics: no escaping). */
bool cw_glob_match(const char *pat, const char *s, bool nocase);
#endif
