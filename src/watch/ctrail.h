/* ctrail.h - CloudTrail management events turned into configuration items.
 *
 * AWS Config records a change minutes after it happened; the CloudTrail
 * event of the API call that made it reaches EventBridge within seconds.
 * For the calls that change exposure, watch builds from the event's
 * requestParameters (and responseElements where they state the result) the
 * configuration item AWS Config will record, and applies it: the alert comes
 * before AWS Config has recorded anything, and the item AWS Config records
 * later (a later capture time) reconciles.
 *
 *   s3    PutBucketPolicy, DeleteBucketPolicy, PutBucketAcl (canned ACL,
 *         x-amz-grant-* headers or an AccessControlPolicy body),
 *         Put/DeleteBucketPublicAccessBlock (CloudTrail's name for
 *         Put/DeletePublicAccessBlock on a bucket), Put/DeletePublicAccessBlock
 *         without a bucket and Put/DeleteAccountPublicAccessBlock (S3 Control,
 *         the account's block)
 *   ec2   AuthorizeSecurityGroupIngress, RevokeSecurityGroupIngress (by
 *         ipPermissions; a revoke by securityGroupRuleIds cannot be mapped and
 *         says so)
 *   rds   ModifyDBInstance (publiclyAccessible, vpcSecurityGroupIds),
 *         ModifyDBSnapshotAttribute, ModifyDBClusterSnapshotAttribute
 *         (attribute "restore")
 * A call that failed (errorCode) changes nothing. Other calls are ignored.
 *
 * The new item: the current item with the change applied, capture time =
 * eventTime, status OK, configurationStateId "cloudtrail-<eventID>", the
 * eventID in relatedEvents. It needs the current item (except for the
 * account's public access block, which the call states whole): without it
 * the verdict is NEED_ITEM. */
#ifndef CW_WATCH_CTRAIL_H
#define CW_WATCH_CTRAIL_H
#include "../json/json.h"
#include "../util/arena.h"

typedef enum {
    CW_CT_APPLY = 0, /* *out is the new item */
    CW_CT_FAILED,    /* the call failed (errorCode): nothing changed */
    CW_CT_IGNORED,   /* not a call that changes what watch evaluates */
    CW_CT_NEED_ITEM, /* the resource's current item is needed (not known, or the call cannot be mapped) */
    CW_CT_BAD,       /* requestParameters are not what the call takes */
} cw_ct_verdict;

const char *cw_ct_verdict_name(cw_ct_verdict v);

/* What a call changes. */
typedef struct cw_ct_target {
    const char *event_name, *event_source, *event_id;
    const char *type;        /* AWS::S3::Bucket, ... */
    const char *resource_id; /* NULL when the call names it otherwise (then name is set) */
    const char *name;        /* DB instance identifier, security group name */
    const char *account, *region;
    const char *event_time;  /* ISO 8601 as in the event */
} cw_ct_target;

/* Classify ev (a CloudTrail record) and fill *t. APPLY means "a call to
 * translate" (then call cw_ct_translate); the other verdicts set *why. */
cw_ct_verdict cw_ct_target_of(cw_arena *a, const cw_json *ev, cw_ct_target *t, const char **why);

/* The item after the call: current is the resource's item now (NULL when
 * unknown). *out is built in a (the current item is not modified). */
cw_ct_verdict cw_ct_translate(cw_arena *a, const cw_json *ev, const cw_ct_target *t, const cw_json *current,
                              cw_json **out, const char **why);

/* ---- shared by ctrail*.c ---- */
cw_json *cw_ct_clone(cw_arena *a, const cw_json *v);
void cw_ct_obj_del(cw_json *obj, const char *key);
/* An EC2-style list: {"items": [...]} or an array or a single object -> the
 * elements (NULL, 0 when none). */
const cw_json *cw_ct_items(const cw_json *v, uint32_t *n);
cw_ct_verdict cw_ct_ec2(cw_arena *a, const cw_json *ev, const cw_ct_target *t, cw_json *item, const char **why);
cw_ct_verdict cw_ct_rds(cw_arena *a, const cw_json *ev, const cw_ct_target *t, cw_json *item, const char **why);
#endif
