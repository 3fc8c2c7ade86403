/* s3_accesspoint.c - S3 access points (AWS::S3::AccessPoint).
 *
 * A request through an access point needs both the access point policy and
 * the bucket's permission (the bucket policy, often delegating to the
 * account's access points with s3:DataAccessPointAccount). What S3 says:
 *   - "An access point that has a VPC network origin is always considered
 *     non-public, regardless of the contents of its access point policy":
 *     only requests from that VPC reach it;
 *   - Block Public Access applies the most restrictive combination of the
 *     access point's, the bucket's and the account's settings;
 *     RestrictPublicBuckets then limits a public access point policy (public
 *     in S3's sense, where a wildcard in s3:DataAccessPointArn is public too)
 *     to AWS services and the owner account.
 * Requests through the access point carry its s3:DataAccessPointArn,
 * s3:DataAccessPointAccount and s3:AccessPointNetworkOrigin: both policies
 * are evaluated with those values fixed.
 *
 * AWS Config item (CloudFormation-shaped configuration): Name, Bucket,
 * BucketAccountId, NetworkOrigin ("Internet" | "VPC"), VpcConfiguration.VpcId,
 * Policy (a document or JSON text), PublicAccessBlockConfiguration
 * {BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets}. */
#include <string.h>
#include <strings.h>

#include "s3_int.h"

static const char *const dim_words[CW_S3_NDIM] = {"read objects", "list objects", "write or delete objects",
                                                  "read or change object ACLs"};
static const char *const dim_action[CW_S3_NDIM] = {"s3:GetObject", "s3:ListBucket", "s3:PutObject",
                                                   "s3:PutObjectAcl"};

static bool rpb_of(const cw_json *cfg)
{
    return cw_is_true(cw_json_get_ci(cfg, "RestrictPublicBuckets"));
}

static void access_point(cw_assets *s, cw_asset *a, const cw_hmap *by_acct, int64_t now)
{
    cw_arena *ar = &s->arena;
    cw_arena scratch;
    cw_arena_init(&scratch, 16 * 1024);
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    const cw_json *conf = cw_conf(a);
    const char *name = cw_json_str(cw_json_get_ci(conf, "Name"), a->name ? a->name : a->resource_id);
    const char *bucket = cw_json_str(cw_json_get_ci(conf, "Bucket"), NULL);
    const char *origin = cw_json_str(cw_json_get_ci(conf, "NetworkOrigin"), "Internet");
    bool vpc = strcasecmp(origin, "VPC") == 0;
    const char *aparn = a->id && strncmp(a->id, "arn:", 4) == 0
                            ? a->id
                            : cw_arena_printf(&scratch, "arn:aws:s3:%s:%s:accesspoint/%s", a->region ? a->region : "",
                                              a->account ? a->account : "", name ? name : "");
    const char *objarn = cw_arena_printf(&scratch, "%s/object/", aparn);
    cw_ctx_value fixed[3] = {{"s3:DataAccessPointArn", aparn},
                             {"s3:DataAccessPointAccount", a->account ? a->account : ""},
                             {"s3:AccessPointNetworkOrigin", vpc ? "VPC" : "Internet"}};
    cw_policy_ctx ctx = {.owner_account = a->account, .now = now, .fixed = fixed, .nfixed = 3};

    /* Block Public Access: access point, bucket, account */
    const cw_json *apb = cw_json_doc(&scratch, cw_json_get_ci(conf, "PublicAccessBlockConfiguration"), NULL);
    const cw_asset *b = NULL;
    if (bucket) {
        b = cw_assets_find(s, cw_arena_printf(&scratch, "arn:aws:s3:::%s", bucket));
        if (!b) b = cw_assets_find_rid(s, "AWS::S3::Bucket", bucket);
    }
    const cw_json *bsupp = b ? cw_supp(b) : NULL;
    const cw_json *bpb = b ? cw_json_get_ci(bsupp, "PublicAccessBlockConfiguration") : NULL;
    if (b && !bpb) bpb = cw_json_get_ci(cw_conf(b), "PublicAccessBlockConfiguration");
    bpb = cw_json_doc(&scratch, bpb, NULL);
    const char *bacct = cw_json_str(cw_json_get_ci(conf, "BucketAccountId"), a->account);
    const cw_json *acfg = bacct ? cw_hmap_get(by_acct, bacct, strlen(bacct)) : NULL;
    const char *rpb_where = rpb_of(apb) ? "access point" : rpb_of(bpb) ? "bucket" : rpb_of(acfg) ? "account" : NULL;

    /* the access point policy */
    bool bad = false;
    const cw_json *doc = cw_json_doc(&scratch, cw_json_get_ci(conf, "Policy"), &bad);
    cw_policy *pol = cw_policy_compile(&scratch, doc);
    cw_fs_bool(&fs, "access.policy_exists", pol != NULL || bad);
    cw_res_target tap = {aparn, false}, tobj = {objarn, true};
    cw_s3_polres pr;
    cw_s3_policy_eval(pol, &ctx, CW_POLICY_S3_BPA_AP, &tap, &tobj, ar, &scratch, "access point policy", &pr);

    /* the bucket's permission for the same requests */
    cw_s3_polres br;
    memset(&br, 0, sizeof br);
    cw_policy *bpol = NULL;
    if (b) {
        const cw_json *bp = cw_json_get_ci(bsupp, "BucketPolicy");
        const cw_json *bdoc =
            cw_json_doc(&scratch, bp && bp->type == CW_JOBJ ? cw_json_get_ci(bp, "policyText") : bp, NULL);
        bpol = cw_policy_compile(&scratch, bdoc);
        const char *barn = b->id && strncmp(b->id, "arn:", 4) == 0 ? b->id : NULL;
        cw_res_target bb = {barn, false}, bo = {barn ? cw_arena_printf(&scratch, "%s/", barn) : NULL, true};
        cw_policy_ctx bctx = ctx;
        bctx.owner_account = b->account;
        cw_s3_policy_eval(bpol, &bctx, CW_POLICY_S3_BPA, &bb, &bo, ar, &scratch, "bucket policy", &br);
    }

    bool any = false;
    const char *pubacts[CW_S3_NDIM];
    size_t npub = 0;
    const char *why = NULL;
    for (int d = 0; d < CW_S3_NDIM; d++) {
        if (vpc || !pr.dim[d]) continue;
        if (rpb_where && pr.bpa_pub) continue;
        if (b && !(br.dim[d] && !(rpb_where && br.bpa_pub))) continue;
        any = true;
        pubacts[npub++] = dim_action[d];
        if (!why)
            why = cw_arena_printf(ar, "anyone can %s through the internet-origin access point: %s; %s", dim_words[d],
                                  pr.why[d],
                                  b ? cw_arena_printf(ar, "and the %s", br.why[d])
                                    : "the bucket is not in the inventory (access also needs the bucket's permission, "
                                      "which AWS recommends delegating to access points)");
    }
    if (!why) {
        if (vpc)
            why = cw_arena_printf(ar, "not public: the access point has a VPC network origin (%s), which S3 always "
                                      "counts as non-public: only requests from that VPC reach it",
                                  cw_json_str(cw_get_path_ci(conf, "VpcConfiguration.VpcId"), "VPC not recorded"));
        else if (!pol)
            why = bad ? "not public: the access point policy text is not valid JSON"
                      : "not public: the access point has no policy";
        else if (pr.pub && rpb_where && pr.bpa_pub)
            why = cw_arena_printf(ar, "not public: %s, but RestrictPublicBuckets (%s level) limits it to AWS services "
                                      "and the owner account",
                                  pr.pub_why, rpb_where);
        else if (pr.pub && b && bpol)
            why = cw_arena_printf(ar, "not public: %s, but the bucket policy does not grant it to outsiders through "
                                      "the access point",
                                  pr.pub_why);
        else if (pr.pub && b)
            why = cw_arena_printf(ar, "not public: %s, but the bucket has no policy granting it to outsiders",
                                  pr.pub_why);
        else {
            cw_policy_verdict v;
            cw_policy_is_public(pol, &ctx, "s3:GetObject", &tobj, ar, &v);
            why = cw_arena_printf(ar, "not public: access point policy: %s", v.why);
            if (pr.bpa_pub)
                why = cw_arena_printf(ar, "%s; S3 rates the policy public: %s", why, pr.bpa_why);
        }
    }
    if (pr.changes_at) {
        why = cw_arena_printf(ar, "%s; %s", why, cw_time_change_note(ar, pr.changes_at));
        cw_fs_str(&fs, "access.reevaluate_at", cw_time_text(ar, pr.changes_at));
    }
    cw_fs_bool(&fs, "access.public", any);
    cw_fs_strs(&fs, "access.public_actions", pubacts, npub);
    cw_fs_str(&fs, "access.reason", why);
    cw_fs_bool(&fs, "access.vpc_origin", vpc);
    cw_fs_bool(&fs, "access.bpa_public", pr.bpa_pub);
    const char **ext = NULL;
    size_t next = pol ? cw_policy_external_principals(pol, &ctx, NULL, &scratch, &ext) : 0;
    for (size_t i = 0; i < next; i++) ext[i] = cw_arena_strdup(ar, ext[i]);
    bool blocked = rpb_where && pr.bpa_pub;
    cw_fs_bool(&fs, "access.cross_account", next > 0 && !blocked && !vpc);
    cw_fs_strs(&fs, "access.external_principals", ext, next);
    cw_fs_commit(&fs);
    cw_arena_free(&scratch);
}

void cw_an_s3ap(cw_assets *s)
{
    const cw_asset_list *l = cw_assets_of_type(s, "AWS::S3::AccessPoint");
    if (!l->n) return;
    const cw_asset_list *acc = cw_assets_of_type(s, "AWS::S3::AccountPublicAccessBlock");
    cw_hmap by_acct;
    cw_hmap_init(&by_acct);
    for (size_t i = 0; i < acc->n; i++) {
        const cw_asset *a = acc->v[i];
        const char *acct = a->account ? a->account : a->resource_id;
        const cw_json *cfg = cw_conf(a);
        if (acct && cfg) cw_hmap_put(&by_acct, acct, strlen(acct), (void *)cfg);
    }
    int64_t now = cw_analyze_time(s);
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i]->live && cw_an_target(s, l->v[i])) access_point(s, l->v[i], &by_acct, now);
    cw_hmap_free(&by_acct);
}
