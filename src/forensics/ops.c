/* ops.c - what each logged operation does to the data: read, list, write...
 * S3 server access logs name operations REST.<METHOD>.<RESOURCE>; CloudTrail
 * and the S3 API use the API name (GetObject). Both are mapped to one API name
 * so that a request seen in both sources reads the same. */
#include <string.h>

#include "fx_int.h"

static const cw_fx_opdef s3_ops[] = {
    {"REST.GET.OBJECT", "GetObject", CW_FX_OP_READ},
    {"WEBSITE.GET.OBJECT", "GetObject", CW_FX_OP_READ},
    {"REST.GET.OBJECT_TORRENT", "GetObjectTorrent", CW_FX_OP_READ},
    {"REST.COPY.OBJECT_GET", "CopyObject", CW_FX_OP_READ},    /* the source side of a copy */
    {"REST.COPY.PART_GET", "UploadPartCopy", CW_FX_OP_READ},  /* the source side of a part copy */
    {"REST.HEAD.OBJECT", "HeadObject", CW_FX_OP_HEAD},
    {"WEBSITE.HEAD.OBJECT", "HeadObject", CW_FX_OP_HEAD},
    {"REST.GET.BUCKET", "ListObjects", CW_FX_OP_LIST},
    {"REST.GET.BUCKETVERSIONS", "ListObjectVersions", CW_FX_OP_LIST},
    {"REST.GET.UPLOADS", "ListMultipartUploads", CW_FX_OP_LIST},
    {"REST.GET.UPLOAD", "ListParts", CW_FX_OP_LIST},
    {"REST.HEAD.BUCKET", "HeadBucket", CW_FX_OP_OTHER},
    {"REST.PUT.OBJECT", "PutObject", CW_FX_OP_WRITE},
    {"REST.POST.OBJECT", "PostObject", CW_FX_OP_WRITE},
    {"REST.POST.UPLOADS", "CreateMultipartUpload", CW_FX_OP_WRITE},
    {"REST.PUT.PART", "UploadPart", CW_FX_OP_WRITE},
    {"REST.POST.UPLOAD", "CompleteMultipartUpload", CW_FX_OP_WRITE},
    {"REST.COPY.OBJECT", "CopyObject", CW_FX_OP_WRITE},
    {"REST.COPY.PART", "UploadPartCopy", CW_FX_OP_WRITE},
    {"REST.DELETE.OBJECT", "DeleteObject", CW_FX_OP_DELETE},
    {"REST.DELETE.UPLOAD", "AbortMultipartUpload", CW_FX_OP_DELETE},
    {"REST.POST.MULTI_OBJECT_DELETE", "DeleteObjects", CW_FX_OP_DELETE},
    {"BATCH.DELETE.OBJECT", "DeleteObjects", CW_FX_OP_DELETE},
    {"REST.PUT.BUCKETPOLICY", "PutBucketPolicy", CW_FX_OP_PERMS},
    {"REST.DELETE.BUCKETPOLICY", "DeleteBucketPolicy", CW_FX_OP_PERMS},
    {"REST.PUT.PUBLICACCESSBLOCK", "PutPublicAccessBlock", CW_FX_OP_PERMS},
    {"REST.DELETE.PUBLICACCESSBLOCK", "DeletePublicAccessBlock", CW_FX_OP_PERMS},
    {"REST.PUT.OWNERSHIP_CONTROLS", "PutBucketOwnershipControls", CW_FX_OP_PERMS},
    {"REST.GET.BUCKETPOLICY", "GetBucketPolicy", CW_FX_OP_OTHER},
    {"REST.GET.LOCATION", "GetBucketLocation", CW_FX_OP_OTHER},
    {"REST.GET.VERSIONING", "GetBucketVersioning", CW_FX_OP_OTHER},
    {"REST.GET.LOGGING_STATUS", "GetBucketLogging", CW_FX_OP_OTHER},
    {"REST.GET.PUBLICACCESSBLOCK", "GetPublicAccessBlock", CW_FX_OP_OTHER},
    {"REST.GET.ENCRYPTION", "GetBucketEncryption", CW_FX_OP_OTHER},
    {"REST.GET.OBJECT_TAGGING", "GetObjectTagging", CW_FX_OP_OTHER},
    {"REST.POST.RESTORE", "RestoreObject", CW_FX_OP_OTHER},
    {"REST.OPTIONS.PREFLIGHT", "Preflight", CW_FX_OP_OTHER},
};

/* Name-dependent ACL operations (bucket or object). */
static const cw_fx_opdef acl_bucket = {"REST.PUT.ACL", "PutBucketAcl", CW_FX_OP_PERMS};
static const cw_fx_opdef acl_object = {"REST.PUT.ACL", "PutObjectAcl", CW_FX_OP_PERMS};
static const cw_fx_opdef getacl_bucket = {"REST.GET.ACL", "GetBucketAcl", CW_FX_OP_OTHER};
static const cw_fx_opdef getacl_object = {"REST.GET.ACL", "GetObjectAcl", CW_FX_OP_OTHER};

const cw_fx_opdef *cw_fx_s3_op(cw_fx_str op, bool has_key)
{
    if (cw_fx_eq(op, "REST.PUT.ACL")) return has_key ? &acl_object : &acl_bucket;
    if (cw_fx_eq(op, "REST.GET.ACL")) return has_key ? &getacl_object : &getacl_bucket;
    for (size_t i = 0; i < sizeof s3_ops / sizeof *s3_ops; i++) {
        size_t n = strlen(s3_ops[i].log);
        if (op.n == n && memcmp(op.p, s3_ops[i].log, n) == 0) return &s3_ops[i];
    }
    return NULL;
}

typedef struct api_class {
    const char *name;
    cw_fx_opclass cls;
} api_class;

static const api_class api_ops[] = {
    {"GetObject", CW_FX_OP_READ},
    {"GetObjectTorrent", CW_FX_OP_READ},
    {"SelectObjectContent", CW_FX_OP_READ},
    {"HeadObject", CW_FX_OP_HEAD},
    {"GetObjectAttributes", CW_FX_OP_HEAD},
    {"ListObjects", CW_FX_OP_LIST},
    {"ListObjectsV2", CW_FX_OP_LIST},
    {"ListObjectVersions", CW_FX_OP_LIST},
    {"ListMultipartUploads", CW_FX_OP_LIST},
    {"ListParts", CW_FX_OP_LIST},
    {"ListBucket", CW_FX_OP_LIST},
    {"PutObject", CW_FX_OP_WRITE},
    {"PostObject", CW_FX_OP_WRITE},
    {"CopyObject", CW_FX_OP_WRITE},
    {"CreateMultipartUpload", CW_FX_OP_WRITE},
    {"UploadPart", CW_FX_OP_WRITE},
    {"UploadPartCopy", CW_FX_OP_WRITE},
    {"CompleteMultipartUpload", CW_FX_OP_WRITE},
    {"RestoreObject", CW_FX_OP_OTHER},
    {"DeleteObject", CW_FX_OP_DELETE},
    {"DeleteObjects", CW_FX_OP_DELETE},
    {"AbortMultipartUpload", CW_FX_OP_DELETE},
    {"PutBucketAcl", CW_FX_OP_PERMS},
    {"PutObjectAcl", CW_FX_OP_PERMS},
    {"PutBucketPolicy", CW_FX_OP_PERMS},
    {"DeleteBucketPolicy", CW_FX_OP_PERMS},
    {"PutBucketPublicAccessBlock", CW_FX_OP_PERMS},
    {"DeleteBucketPublicAccessBlock", CW_FX_OP_PERMS},
    {"PutPublicAccessBlock", CW_FX_OP_PERMS},
    {"DeletePublicAccessBlock", CW_FX_OP_PERMS},
    {"PutBucketOwnershipControls", CW_FX_OP_PERMS},
};

cw_fx_opclass cw_fx_api_class(cw_fx_str name)
{
    for (size_t i = 0; i < sizeof api_ops / sizeof *api_ops; i++) {
        size_t n = strlen(api_ops[i].name);
        if (name.n == n && memcmp(name.p, api_ops[i].name, n) == 0) return api_ops[i].cls;
    }
    return CW_FX_OP_OTHER;
}

/* Azure Storage Analytics operation types (Blob service). */
static const api_class azure_ops[] = {
    {"GetBlob", CW_FX_OP_READ},
    {"CopyBlobSource", CW_FX_OP_READ},
    {"GetBlobProperties", CW_FX_OP_HEAD},
    {"GetBlobMetadata", CW_FX_OP_HEAD},
    {"ListBlobs", CW_FX_OP_LIST},
    {"ListContainers", CW_FX_OP_LIST},
    {"FindBlobsByTags", CW_FX_OP_LIST},
    {"PutBlob", CW_FX_OP_WRITE},
    {"PutBlock", CW_FX_OP_WRITE},
    {"PutBlockList", CW_FX_OP_WRITE},
    {"PutPage", CW_FX_OP_WRITE},
    {"AppendBlock", CW_FX_OP_WRITE},
    {"CopyBlob", CW_FX_OP_WRITE},
    {"CopyBlobDestination", CW_FX_OP_WRITE},
    {"DeleteBlob", CW_FX_OP_DELETE},
    {"DeleteContainer", CW_FX_OP_DELETE},
    {"SetContainerACL", CW_FX_OP_PERMS},
};

cw_fx_opclass cw_fx_azure_class(cw_fx_str op)
{
    for (size_t i = 0; i < sizeof azure_ops / sizeof *azure_ops; i++) {
        size_t n = strlen(azure_ops[i].name);
        if (op.n == n && memcmp(op.p, azure_ops[i].name, n) == 0) return azure_ops[i].cls;
    }
    return CW_FX_OP_OTHER;
}
