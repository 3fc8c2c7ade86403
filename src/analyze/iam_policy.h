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

typedef struct cw_policy_ctx {
    const char *owner_account; /* account owning the resource, may be NULL */
    int64_t now;               /* epoch seconds used for aws:CurrentTime / aws:EpochTime */
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

/* Account id named by a principal string ("123456789012", an IAM/STS ARN);
 * writes 12 digits + NUL into acct and returns true. */
bool cw_principal_account(const char *principal, char acct[13]);

/* Glob match with '*' and '?' (IAM semantics: no escaping). */
bool cw_glob_match(const char *pat, const char *s, bool nocase);
#endif
