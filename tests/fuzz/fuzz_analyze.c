/* fuzz_analyze.c - bytes -> JSON -> every analyzer. The value is used as the
 * configuration of one asset of each analyzed type, as its supplementary
 * configuration, and as a resource policy (bucket policy, OpenSearch access
 * policy) queried for public access; the text is also parsed as a CIDR.
 * Must never crash, hang or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "analyze/iam_policy.h"
#include "analyze/ipset.h"
#include "json/json.h"
#include "model/model.h"

static const char *const types[] = {
    "AWS::S3::Bucket",          "AWS::EC2::SecurityGroup",    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",      "AWS::Redshift::Cluster",     "AWS::EC2::Instance",
    "AWS::OpenSearch::Domain",  "AWS::Elasticsearch::Domain", "AWS::RDS::DBSnapshot",
    "AWS::RDS::DBClusterSnapshot", "AWS::Redshift::ClusterSnapshot", "AWS::DynamoDB::Table",
    "AWS::EC2::Volume",         "AWS::S3::AccountPublicAccessBlock",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    int fam;
    cw_u128 lo, hi;
    (void)cw_ip_parse_cidr(text, &fam, &lo, &hi);
    (void)cw_cidr_contains(text, "10.0.0.0/8");

    cw_assets s;
    cw_assets_init(&s);
    cw_json_err err;
    cw_json *v = cw_json_parse(&s.arena, text, size, &err);
    if (v) {
        cw_policy *p = cw_policy_compile(&s.arena, v);
        if (p) {
            cw_policy_ctx ctx = {.owner_account = "111122223333", .now = 1700000000};
            cw_res_target t = {"arn:aws:s3:::b/", true};
            cw_policy_verdict vd;
            cw_policy_is_public(p, &ctx, "s3:GetObject", &t, &s.arena, &vd);
            const char **ext;
            cw_policy_external_principals(p, &ctx, NULL, &s.arena, &ext);
            cw_policy_denies_insecure_transport(p, "s3:*", &t);
        }
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
            cw_json *raw = cw_json_new_obj(&s.arena);
            cw_json_obj_set(&s.arena, raw, "configuration", v);
            cw_json_obj_set(&s.arena, raw, "supplementaryConfiguration", v);
            cw_asset a = {0};
            a.provider = "aws";
            a.type = types[i];
            a.resource_id = cw_arena_printf(&s.arena, "r%zu", i);
            a.id = cw_arena_printf(&s.arena, "arn:aws:x:us-east-1:111122223333:r%zu", i);
            a.account = "111122223333";
            a.live = true;
            a.raw = raw;
            a.tags = v->type == CW_JOBJ ? v : NULL;
            cw_assets_add(&s, &a);
        }
        cw_assets_link(&s, NULL);
        cw_analyze_all(&s, NULL, NULL);
    }
    cw_assets_free(&s);
    free(text);
    return 0;
}
