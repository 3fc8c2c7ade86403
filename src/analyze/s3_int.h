/* s3_int.h - what the S3 analyzers (buckets: s3_access.c, access points:
 * s3_accesspoint.c) share: the S3 action table, S3's "bad actions", and the
 * evaluation of a bucket or access point policy in both senses of "public"
 * (reachability, and S3's own Block Public Access definition). Not a public
 * header. */
#ifndef CW_S3_INT_H
#define CW_S3_INT_H
#include <stdbool.h>
#include <stdint.h>

#include "analyze_int.h"
#include "iam_policy.h"

typedef struct cw_s3_action {
    const char *name;
    bool object; /* the resource is an object ("arn:aws:s3:::b/key"), else the bucket */
} cw_s3_action;
extern const cw_s3_action cw_s3_actions[]; /* terminated by {NULL} */
const cw_s3_action *cw_s3_action_find(const char *name);
/* s3:Get*, s3:List*, s3:Put*, s3:Delete*, s3:AbortMultipartUpload, s3:RestoreObject */
bool cw_s3_bad_action(const char *action);

/* What anyone can do, by dimension. */
enum { CW_S3_READ, CW_S3_LIST, CW_S3_WRITE, CW_S3_ACL, CW_S3_NDIM };
/* Actions through which anyone can grant themselves more. */
enum { CW_S3_PUT_POLICY, CW_S3_PUT_BUCKET_ACL, CW_S3_PUT_OBJECT_ACL, CW_S3_PUT_BPA, CW_S3_NESC };

typedef struct cw_s3_polres {
    bool dim[CW_S3_NDIM];           /* reachability, per dimension */
    const char *why[CW_S3_NDIM];    /* "bucket policy statement ... allows ..." */
    bool pub;                       /* a stranger gets some bad action */
    const char *pub_why;            /* the first such grant (set when pub) */
    bool esc[CW_S3_NESC];           /* a stranger gets the escalation action */
    const char *esc_why[CW_S3_NESC];
    bool bpa_pub;                   /* S3's own verdict: the policy is public */
    const char *bpa_why;            /* why S3 calls it public when reachability does not */
    int64_t changes_at;             /* next aws:CurrentTime boundary, 0 = none */
} cw_s3_polres;

/* Evaluate pol for the bucket (tb) and object (to) targets. base: owner,
 * time and fixed context (mode ignored); bpa_mode: CW_POLICY_S3_BPA for bucket
 * policies, CW_POLICY_S3_BPA_AP for access point policies; label names the
 * document in sentences ("bucket policy"). Sentences are built in ar,
 * working lists in scratch. */
void cw_s3_policy_eval(cw_policy *pol, const cw_policy_ctx *base, int bpa_mode, const cw_res_target *tb,
                       const cw_res_target *to, cw_arena *ar, cw_arena *scratch, const char *label,
                       cw_s3_polres *r);
#endif
