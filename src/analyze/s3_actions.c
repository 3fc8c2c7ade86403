/* s3_actions.c - the S3 policy actions on buckets and objects, and S3's
 * "bad actions" (Block Public Access): the classes s3:Get*, s3:List*, s3:Put*,
 * s3:Delete*, and s3:AbortMultipartUpload and s3:RestoreObject. Names follow
 * the Service Authorization Reference ("Actions, resources, and condition keys
 * for Amazon S3"); the table lists the actions a bucket or access point
 * policy can grant on a bucket or its objects (account-level, Outposts, Batch
 * Operations job and Storage Lens actions cannot be granted there). */
#include <string.h>
#include <strings.h>

#include "s3_int.h"

const cw_s3_action cw_s3_actions[] = {
    /* objects */
    {"s3:AbortMultipartUpload", true},
    {"s3:BypassGovernanceRetention", true},
    {"s3:DeleteObject", true},
    {"s3:DeleteObjectTagging", true},
    {"s3:DeleteObjectVersion", true},
    {"s3:DeleteObjectVersionTagging", true},
    {"s3:GetObject", true},
    {"s3:GetObjectAcl", true},
    {"s3:GetObjectAttributes", true},
    {"s3:GetObjectLegalHold", true},
    {"s3:GetObjectRetention", true},
    {"s3:GetObjectTagging", true},
    {"s3:GetObjectTorrent", true},
    {"s3:GetObjectVersion", true},
    {"s3:GetObjectVersionAcl", true},
    {"s3:GetObjectVersionAttributes", true},
    {"s3:GetObjectVersionForReplication", true},
    {"s3:GetObjectVersionTagging", true},
    {"s3:GetObjectVersionTorrent", true},
    {"s3:InitiateReplication", true},
    {"s3:ListMultipartUploadParts", true},
    {"s3:ObjectOwnerOverrideToBucketOwner", true},
    {"s3:PutObject", true},
    {"s3:PutObjectAcl", true},
    {"s3:PutObjectLegalHold", true},
    {"s3:PutObjectRetention", true},
    {"s3:PutObjectTagging", true},
    {"s3:PutObjectVersionAcl", true},
    {"s3:PutObjectVersionTagging", true},
    {"s3:ReplicateDelete", true},
    {"s3:ReplicateObject", true},
    {"s3:ReplicateTags", true},
    {"s3:RestoreObject", true},
    /* buckets */
    {"s3:CreateBucket", false},
    {"s3:CreateBucketMetadataTableConfiguration", false},
    {"s3:DeleteBucket", false},
    {"s3:DeleteBucketMetadataTableConfiguration", false},
    {"s3:DeleteBucketOwnershipControls", false},
    {"s3:DeleteBucketPolicy", false},
    {"s3:DeleteBucketWebsite", false},
    {"s3:GetAccelerateConfiguration", false},
    {"s3:GetAnalyticsConfiguration", false},
    {"s3:GetBucketAcl", false},
    {"s3:GetBucketCORS", false},
    {"s3:GetBucketLocation", false},
    {"s3:GetBucketLogging", false},
    {"s3:GetBucketMetadataTableConfiguration", false},
    {"s3:GetBucketNotification", false},
    {"s3:GetBucketObjectLockConfiguration", false},
    {"s3:GetBucketOwnershipControls", false},
    {"s3:GetBucketPolicy", false},
    {"s3:GetBucketPolicyStatus", false},
    {"s3:GetBucketPublicAccessBlock", false},
    {"s3:GetBucketRequestPayment", false},
    {"s3:GetBucketTagging", false},
    {"s3:GetBucketVersioning", false},
    {"s3:GetBucketWebsite", false},
    {"s3:GetEncryptionConfiguration", false},
    {"s3:GetIntelligentTieringConfiguration", false},
    {"s3:GetInventoryConfiguration", false},
    {"s3:GetLifecycleConfiguration", false},
    {"s3:GetMetricsConfiguration", false},
    {"s3:GetReplicationConfiguration", false},
    {"s3:ListBucket", false},
    {"s3:ListBucketMultipartUploads", false},
    {"s3:ListBucketVersions", false},
    {"s3:PutAccelerateConfiguration", false},
    {"s3:PutAnalyticsConfiguration", false},
    {"s3:PutBucketAcl", false},
    {"s3:PutBucketCORS", false},
    {"s3:PutBucketLogging", false},
    {"s3:PutBucketNotification", false},
    {"s3:PutBucketObjectLockConfiguration", false},
    {"s3:PutBucketOwnershipControls", false},
    {"s3:PutBucketPolicy", false},
    {"s3:PutBucketPublicAccessBlock", false},
    {"s3:PutBucketRequestPayment", false},
    {"s3:PutBucketTagging", false},
    {"s3:PutBucketVersioning", false},
    {"s3:PutBucketWebsite", false},
    {"s3:PutEncryptionConfiguration", false},
    {"s3:PutIntelligentTieringConfiguration", false},
    {"s3:PutInventoryConfiguration", false},
    {"s3:PutLifecycleConfiguration", false},
    {"s3:PutMetricsConfiguration", false},
    {"s3:PutReplicationConfiguration", false},
    {NULL, false},
};

const cw_s3_action *cw_s3_action_find(const char *name)
{
    for (const cw_s3_action *a = cw_s3_actions; a->name; a++)
        if (strcasecmp(a->name, name) == 0) return a;
    return NULL;
}

bool cw_s3_bad_action(const char *a)
{
    if (strncasecmp(a, "s3:", 3) != 0) return false;
    const char *n = a + 3;
    return strncasecmp(n, "Get", 3) == 0 || strncasecmp(n, "List", 4) == 0 || strncasecmp(n, "Put", 3) == 0 ||
           strncasecmp(n, "Delete", 6) == 0 || strcasecmp(n, "AbortMultipartUpload") == 0 ||
           strcasecmp(n, "RestoreObject") == 0;
}
