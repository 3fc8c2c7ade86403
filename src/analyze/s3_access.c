/* s3_access.c - effective public access of S3 buckets.
 *
 * Inputs per AWS::S3::Bucket configuration item: the bucket ACL
 * (supplementaryConfiguration.AccessControlList), the bucket policy
 * (BucketPolicy.policyText), the bucket's PublicAccessBlockConfiguration and
 * the account's AWS::S3::AccountPublicAccessBlock. S3 applies the most
 * restrictive combination of bucket and account settings, so each effective
 * flag is bucket OR account. What the flags do to EXISTING configuration
 * (S3 User Guide, "Blocking public access"):
 *   IgnorePublicAcls      - public ACL grants are ignored: neutralises them;
 *   BlockPublicAcls       - refuses NEW public ACLs only: an existing public
 *                           grant stays effective;
 *   RestrictPublicBuckets - a public policy then only serves AWS service
 *                           principals and the owner account: neutralises
 *                           public (and cross-account) access from it;
 *   BlockPublicPolicy     - refuses NEW public policies only.
 * Public grantees are AllUsers (anyone) and AuthenticatedUsers (anyone with
 * an AWS account). Bucket ACL permissions: READ lists the objects, WRITE
 * creates/overwrites/deletes objects, READ_ACP/WRITE_ACP read/write the ACL,
 * FULL_CONTROL all of these. A bucket ACL never grants reading objects
 * (object ACLs do, and AWS Config does not record them). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "s3_int.h"

enum { D_READ = CW_S3_READ, D_LIST = CW_S3_LIST, D_WRITE = CW_S3_WRITE, D_ACL = CW_S3_ACL, D_N = CW_S3_NDIM };
static const char *const dim_fact[D_N] = {"s3.public.read", "s3.public.list", "s3.public.write", "s3.public.acl"};
static const char *const dim_reason[D_N] = {"s3.public.read_reason", "s3.public.list_reason",
                                            "s3.public.write_reason", "s3.public.acl_reason"};
static const char *const dim_words[D_N] = {"read objects", "list objects", "write or delete objects",
                                           "read or change access control lists"};

static const char *const s3_any_actions[] = {"s3:*", NULL};

typedef struct bpa {
    bool v[4];      /* block_public_acls, ignore_public_acls, block_public_policy, restrict_public_buckets */
    bool bucket[4], account[4];
} bpa;
static const char *const bpa_keys[4] = {"blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy",
                                        "restrictPublicBuckets"};
static const char *const bpa_facts[4] = {"s3.block.block_public_acls", "s3.block.ignore_public_acls",
                                         "s3.block.block_public_policy", "s3.block.restrict_public_buckets"};

static void read_bpa(const cw_json *cfg, bool out[4])
{
    for (int i = 0; i < 4; i++) out[i] = cw_is_true(cw_json_get_ci(cfg, bpa_keys[i]));
}

static const char *bpa_where(const bpa *b, int i)
{
    return b->bucket[i] && b->account[i] ? "bucket and account level"
           : b->bucket[i]               ? "bucket level"
                                        : "account level";
}

/* ---- ACL ------------------------------------------------------------------ */
typedef struct acl_result {
    bool dim[D_N];
    bool any;
    cw_strlist grants;     /* "AllUsers:READ" */
    const char *why[D_N];  /* first grant per dimension */
    const char *rewrite;   /* a WRITE_ACP or FULL_CONTROL grant: anyone can rewrite the ACL */
} acl_result;

/* A group grantee by its exact name: AWS Config writes the group as its
 * GroupGrantee name ("AllUsers", "AuthenticatedUsers", "LogDelivery"); the S3
 * API and other exports write the group URI. Canonical users (id,
 * displayName) and e-mail grantees are never public, whatever their names. */
static const char *group_name(const char *s)
{
    static const char *const groups[] = {"AllUsers", "AuthenticatedUsers"};
    static const char uri[] = "http://acs.amazonaws.com/groups/global/";
    for (size_t i = 0; i < 2; i++) {
        if (strcasecmp(s, groups[i]) == 0) return groups[i];
        if ((strncasecmp(s, uri, sizeof uri - 1) == 0 && strcmp(s + sizeof uri - 1, groups[i]) == 0) ||
            (strncasecmp(s, "https://", 8) == 0 && strncasecmp(s + 8, uri + 7, sizeof uri - 8) == 0 &&
             strcmp(s + 8 + sizeof uri - 8, groups[i]) == 0))
            return groups[i];
    }
    return NULL;
}

static const char *public_grantee(const cw_json *g)
{
    if (!g) return NULL;
    if (g->type == CW_JSTR) return group_name(g->u.str);
    if (g->type != CW_JOBJ) return NULL;
    /* {"URI": ...} (S3 API), {"uri": ...}, {"typeIdentifier": "uri", "identifier": ...} */
    static const char *const keys[] = {"URI", "uri", "identifier"};
    for (size_t i = 0; i < 3; i++) {
        const cw_json *v = cw_json_get(g, keys[i]);
        if (i == 2) {
            if (!v) v = cw_json_get(g, "Identifier");
            const char *ti = cw_json_str(cw_json_get_ci(g, "typeIdentifier"), "uri");
            if (strcasecmp(ti, "uri") != 0) continue;
        }
        if (v && v->type == CW_JSTR) {
            const char *r = group_name(v->u.str);
            if (r && (i < 2 || strchr(v->u.str, '/'))) return r;
        }
    }
    return NULL;
}

/* "FullControl" / "FULL_CONTROL" / "full-control" -> "fullcontrol" */
static void norm_perm(const char *p, char *out, size_t n)
{
    size_t j = 0;
    for (; *p && j + 1 < n; p++)
        if (*p != '_' && *p != '-' && *p != ' ') out[j++] = (char)(*p | 0x20);
    out[j] = 0;
}

static void acl_grant(cw_assets *s, acl_result *r, const cw_json *grant)
{
    const cw_json *ge = cw_json_get_ci(grant, "grantee");
    const char *who = public_grantee(ge);
    if (!who) return;
    const char *perm = cw_json_str(cw_json_get_ci(grant, "permission"), "");
    char np[32];
    norm_perm(perm, np, sizeof np);
    bool dims[D_N] = {false};
    const char *label;
    if (strcmp(np, "fullcontrol") == 0) {
        dims[D_LIST] = dims[D_WRITE] = dims[D_ACL] = true;
        label = "FULL_CONTROL";
    } else if (strcmp(np, "read") == 0) {
        dims[D_LIST] = true;
        label = "READ";
    } else if (strcmp(np, "write") == 0) {
        dims[D_WRITE] = true;
        label = "WRITE";
    } else if (strcmp(np, "readacp") == 0) {
        dims[D_ACL] = true;
        label = "READ_ACP";
    } else if (strcmp(np, "writeacp") == 0) {
        dims[D_ACL] = true;
        label = "WRITE_ACP";
    } else {
        return;
    }
    r->any = true;
    const char *whom = strcmp(who, "AllUsers") == 0 ? "anyone on the internet" : "anyone with an AWS account";
    if (!r->rewrite && (strcmp(np, "fullcontrol") == 0 || strcmp(np, "writeacp") == 0))
        r->rewrite = cw_arena_printf(&s->arena, "the bucket ACL grants %s to %s (%s)", label, who, whom);
    const char *g = cw_arena_printf(&s->arena, "%s:%s", who, label);
    cw_strlist_add_unique(&r->grants, g);
    for (int d = 0; d < D_N; d++) {
        if (!dims[d] || r->why[d]) continue;
        r->dim[d] = true;
        r->why[d] = cw_arena_printf(&s->arena, "the bucket ACL grants %s to %s (%s)", label, who, whom);
    }
}

static void analyze_acl(cw_assets *s, const cw_json *acl, acl_result *r)
{
    if (!acl || acl->type != CW_JOBJ) return;
    static const char *const lists[] = {"grantList", "grantSet", "grants", "Grants"};
    for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++) {
        const cw_json *gl = cw_json_get(acl, lists[k]);
        if (!gl || gl->type != CW_JARR) continue;
        for (uint32_t i = 0; i < gl->len; i++) acl_grant(s, r, &gl->u.items[i]);
    }
}

/* ---- one bucket ------------------------------------------------------------- */
static const char *join(cw_assets *s, const char *a, const char *b)
{
    if (!a || !*a) return b;
    if (!b || !*b) return a;
    return cw_arena_printf(&s->arena, "%s; %s", a, b);
}

static void bucket(cw_assets *s, cw_asset *a, const cw_json *acct_cfg, int64_t now)
{
    cw_arena *ar = &s->arena;
    /* the compiled policy and working strings live only while this bucket is analysed */
    cw_arena scratch;
    cw_arena_init(&scratch, 16 * 1024);
    const cw_json *conf = cw_conf(a), *supp = cw_supp(a);
    const char *name = cw_json_str(cw_json_get_ci(conf, "name"), a->name ? a->name : a->resource_id);
    const char *barn =
        a->id && strncmp(a->id, "arn:", 4) == 0 ? a->id : cw_arena_printf(&scratch, "arn:aws:s3:::%s", name);
    const char *oarn = cw_arena_printf(&scratch, "%s/", barn);
    cw_factset fs;
    cw_fs_init(&fs, s, a);

    /* Block Public Access */
    bpa b = {0};
    const cw_json *bcfg = cw_json_get_ci(supp, "PublicAccessBlockConfiguration");
    if (!bcfg) bcfg = cw_json_get_ci(conf, "PublicAccessBlockConfiguration");
    bcfg = cw_json_doc(&scratch, bcfg, NULL);
    read_bpa(bcfg, b.bucket);
    read_bpa(acct_cfg, b.account);
    bool all = true, acct_all = acct_cfg != NULL;
    for (int i = 0; i < 4; i++) {
        b.v[i] = b.bucket[i] || b.account[i];
        cw_fs_bool(&fs, bpa_facts[i], b.v[i]);
        all &= b.v[i];
        acct_all &= b.account[i];
    }
    cw_fs_bool(&fs, "s3.block.all", all);
    cw_fs_bool(&fs, "s3.block.account_all", acct_all);
    cw_fs_bool(&fs, "s3.block.account_recorded", acct_cfg != NULL);
    bool restrict_policy = b.v[3];

    /* ACL */
    acl_result acl = {0};
    bool acl_bad = false;
    analyze_acl(s, cw_json_doc(&scratch, cw_json_get_ci(supp, "AccessControlList"), &acl_bad), &acl);
    cw_fs_bool(&fs, "s3.acl.public", acl.any);
    cw_fs_strs(&fs, "s3.acl.public_grants", acl.grants.v, acl.grants.n);

    /* Policy */
    bool pol_bad = false;
    const cw_json *bp = cw_json_get_ci(supp, "BucketPolicy");
    const cw_json *doc = cw_json_doc(&scratch, bp && bp->type == CW_JOBJ ? cw_json_get_ci(bp, "policyText") : bp, &pol_bad);
    cw_policy *pol = cw_policy_compile(&scratch, doc);
    cw_fs_bool(&fs, "s3.policy.exists", pol != NULL || pol_bad);
    cw_policy_ctx ctx = {.owner_account = a->account, .now = now};
    cw_res_target tb = {barn, false}, to = {oarn, true};
    cw_s3_polres pr;
    cw_s3_policy_eval(pol, &ctx, CW_POLICY_S3_BPA, &tb, &to, ar, &scratch, "bucket policy", &pr);
    /* S3 applies RestrictPublicBuckets to policies public in its own sense:
     * then only AWS services and the owner account get through, cross-account
     * grants included; otherwise the policy works as written */
    bool rpb = restrict_policy && pr.bpa_pub;
    bool pol_live = !rpb;
    const char *pol_reason = pol_bad ? "the bucket policy text is not valid JSON" : NULL;
    const char *bpa_note = NULL; /* S3 calls the policy public, reachability does not */
    if (pol) {
        if (pr.pub) {
            for (int d = 0; d < D_N && !pol_reason; d++) pol_reason = pr.why[d];
            if (!pol_reason) pol_reason = pr.pub_why;
        } else if (pr.bpa_pub) {
            /* reachability and S3's definition differ: say both, briefly */
            bpa_note = cw_arena_printf(ar, "no stranger gets through today, but S3 rates the policy public: %s; %s",
                                       pr.bpa_why,
                                       rpb ? cw_arena_printf(ar, "RestrictPublicBuckets (%s) therefore cuts off its "
                                                                 "cross-account grants",
                                                             bpa_where(&b, 3))
                                           : "BlockPublicPolicy would refuse it, RestrictPublicBuckets would cut off "
                                             "its cross-account grants");
            pol_reason = bpa_note;
        } else {
            cw_policy_verdict v;
            cw_policy_is_public(pol, &ctx, "s3:GetObject", &to, ar, &v);
            pol_reason = cw_arena_printf(ar, "bucket policy: %s", v.why);
        }
        if (pr.changes_at && !pr.pub)
            pol_reason = cw_arena_printf(ar, "%s; %s", cw_time_change_note(ar, pr.changes_at), pol_reason);
        else if (pr.changes_at)
            pol_reason = cw_arena_printf(ar, "%s; %s", pol_reason, cw_time_change_note(ar, pr.changes_at));
        const char **ext;
        size_t next = cw_policy_external_principals(pol, &ctx, s3_any_actions, ar, &ext);
        for (size_t i = 0; i < next; i++) ext[i] = cw_arena_strdup(ar, ext[i]); /* may point into the policy */
        if (rpb && next && pr.pub)
            pol_reason = cw_arena_printf(ar, "%s; RestrictPublicBuckets (%s) applies to the policy, so its grants to "
                                             "other accounts (%s%s) are blocked too",
                                         pol_reason, bpa_where(&b, 3), ext[0], next > 1 ? ", ..." : "");
        cw_fs_bool(&fs, "s3.policy.cross_account", next > 0 && pol_live);
        cw_fs_strs(&fs, "s3.policy.external_principals", ext, next);
        cw_fs_bool(&fs, "s3.policy.tls_only",
                     cw_policy_denies_insecure_transport(pol, "s3:*", &tb) &&
                         cw_policy_denies_insecure_transport(pol, "s3:*", &to));
        if (pr.changes_at) cw_fs_str(&fs, "access.reevaluate_at", cw_time_text(ar, pr.changes_at));
    } else {
        cw_fs_bool(&fs, "s3.policy.cross_account", false);
        cw_fs_strs(&fs, "s3.policy.external_principals", NULL, 0);
        cw_fs_bool(&fs, "s3.policy.tls_only", false);
    }
    cw_fs_bool(&fs, "s3.policy.public", pr.pub);
    cw_fs_bool(&fs, "s3.policy.bpa_public", pr.bpa_pub);
    cw_fs_str(&fs, "s3.policy.reason", pol_reason ? pol_reason : (pol ? NULL : "the bucket has no policy"));

    /* Effective access. Anyone allowed s3:PutBucketPublicAccessBlock can
     * delete the bucket's own settings: then only the account's count. */
    bool eff[4];
    const char *bpa_removed = NULL;
    if (pol_live && pr.esc[CW_S3_PUT_BPA]) {
        bool any_bucket = false;
        for (int i = 0; i < 4; i++) any_bucket |= b.bucket[i] && !b.account[i];
        if (any_bucket)
            bpa_removed = cw_arena_printf(ar, "%s, so anyone can delete the bucket's own Block Public Access settings "
                                              "and only the account-level ones count",
                                          pr.esc_why[CW_S3_PUT_BPA]);
    }
    for (int i = 0; i < 4; i++) eff[i] = bpa_removed ? b.account[i] : b.v[i];
    bool acl_live = !eff[1], new_public_acl_ok = !eff[0] && !eff[1];
    const char *esc[D_N] = {NULL};
    /* whoever may rewrite the bucket ACL can grant themselves READ and WRITE */
    const char *acl_rewrite = acl.rewrite && acl_live ? acl.rewrite
                              : pol_live && pr.esc[CW_S3_PUT_BUCKET_ACL] ? pr.esc_why[CW_S3_PUT_BUCKET_ACL]
                                                                         : NULL;
    if (acl_rewrite && new_public_acl_ok) {
        const char *w = cw_arena_printf(ar, "%s, who can rewrite the bucket ACL to grant themselves READ and WRITE "
                                            "(BlockPublicAcls and IgnorePublicAcls are off)",
                                        acl_rewrite);
        esc[D_LIST] = esc[D_WRITE] = esc[D_ACL] = w;
    }
    if (pol_live && pr.esc[CW_S3_PUT_OBJECT_ACL] && new_public_acl_ok)
        esc[D_READ] = cw_arena_printf(ar, "%s, so anyone can make objects public-read through their ACLs "
                                          "(BlockPublicAcls and IgnorePublicAcls are off)",
                                      pr.esc_why[CW_S3_PUT_OBJECT_ACL]);
    if (pol_live && pr.esc[CW_S3_PUT_POLICY] && !eff[2]) {
        const char *w = cw_arena_printf(ar, "%s, so anyone can replace the policy with one granting themselves "
                                            "everything (BlockPublicPolicy is off)",
                                        pr.esc_why[CW_S3_PUT_POLICY]);
        for (int d = 0; d < D_N; d++)
            if (!esc[d]) esc[d] = w;
    }
    bool any = false;
    const char *overall = NULL, *neutralised = NULL;
    for (int d = 0; d < D_N; d++) {
        const char *why = NULL;
        if (acl.dim[d]) {
            if (!acl_live) {
                neutralised = join(s, neutralised, cw_arena_printf(ar, "%s, but IgnorePublicAcls (%s) neutralises it",
                                                                   acl.why[d], bpa_where(&b, 1)));
            } else {
                why = cw_arena_printf(ar, "%s; IgnorePublicAcls is off%s", acl.why[d],
                                      eff[0] ? " (BlockPublicAcls only refuses new public ACLs)" : "");
            }
        }
        if (pr.dim[d]) {
            if (!pol_live) {
                neutralised = join(s, neutralised,
                                   cw_arena_printf(ar, "%s, but RestrictPublicBuckets (%s) limits it to AWS services "
                                                       "and the owner account", pr.why[d], bpa_where(&b, 3)));
            } else {
                why = join(s, why, cw_arena_printf(ar, "%s; RestrictPublicBuckets is off%s", pr.why[d],
                                                   eff[2] ? " (BlockPublicPolicy only refuses new public policies)"
                                                          : ""));
            }
        }
        if (!why && esc[d]) why = esc[d];
        if (why && bpa_removed) why = cw_arena_printf(ar, "%s; %s", why, bpa_removed);
        if (why && pr.changes_at && (pr.dim[d] || (esc[d] && why == esc[d])))
            why = cw_arena_printf(ar, "%s; %s", why, cw_time_change_note(ar, pr.changes_at));
        cw_fs_bool(&fs, dim_fact[d], why != NULL);
        if (why) {
            cw_fs_str(&fs, dim_reason[d], why);
            any = true;
            overall = join(s, overall, cw_arena_printf(ar, "anyone can %s: %s", dim_words[d], why));
        }
    }
    cw_fs_bool(&fs, "s3.public.any", any);
    if (!overall) {
        overall = neutralised ? cw_arena_printf(ar, "not public: %s", neutralised)
                              : cw_arena_printf(ar, "not public: the ACL has no public grant and %s",
                                                pol ? "no policy statement opens the bucket to outsiders"
                                                    : pol_bad ? "the policy text is not valid JSON"
                                                              : "there is no bucket policy");
        if (!acct_cfg && !all)
            overall = cw_arena_printf(ar, "%s (the account-level Block Public Access setting is not recorded)",
                                      overall);
        if (bpa_note) overall = cw_arena_printf(ar, "%s; %s", overall, bpa_note);
    }
    if (pr.changes_at && !any)
        overall = cw_arena_printf(ar, "%s; %s", overall, cw_time_change_note(ar, pr.changes_at));
    if (acl_bad) overall = cw_arena_printf(ar, "%s; the ACL text is not valid JSON", overall);
    cw_fs_str(&fs, "s3.public.reason", overall);

    /* Hygiene */
    const cw_json *sse = cw_json_doc(&scratch, cw_json_get_ci(supp, "ServerSideEncryptionConfiguration"), NULL);
    bool enc = sse && ((sse->type == CW_JOBJ && sse->len) || (sse->type == CW_JARR && sse->len));
    cw_fs_bool(&fs, "s3.encryption.enabled", enc);
    const cw_json *lg = cw_json_doc(&scratch, cw_json_get_ci(supp, "BucketLoggingConfiguration"), NULL);
    const char *dest = cw_json_str(cw_json_get_ci(lg, "destinationBucketName"), NULL);
    cw_fs_bool(&fs, "s3.logging.enabled", dest && *dest);
    const cw_json *ver = cw_json_doc(&scratch, cw_json_get_ci(supp, "BucketVersioningConfiguration"), NULL);
    const char *vs = cw_json_str(cw_json_get_ci(ver, "status"), "");
    cw_fs_bool(&fs, "s3.versioning.enabled", strcasecmp(vs, "Enabled") == 0);
    cw_fs_bool(&fs, "s3.versioning.mfa_delete", cw_is_true(cw_json_get_ci(ver, "isMfaDeleteEnabled")) ||
                                                       strcasecmp(cw_json_str(cw_json_get_ci(ver, "mfaDelete"), ""),
                                                                  "Enabled") == 0);
    cw_fs_commit(&fs);
    cw_strlist_free(&acl.grants);
    cw_arena_free(&scratch);
}

/* The buckets at positions part, part + nparts, ... of the type list. */
void cw_an_s3_part(cw_assets *s, unsigned part, unsigned nparts)
{
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
    const cw_asset_list *bl = cw_assets_of_type(s, "AWS::S3::Bucket");
    for (size_t i = part; i < bl->n; i += nparts) {
        cw_assets_prefetch_ahead(bl->v, bl->n, i, nparts);
        cw_asset *a = bl->v[i];
        if (!cw_an_target(s, a)) continue;
        const cw_json *acfg = a->account ? cw_hmap_get(&by_acct, a->account, strlen(a->account)) : NULL;
        bucket(s, a, acfg, now);
    }
    cw_hmap_free(&by_acct);
}

void cw_an_s3(cw_assets *s)
{
    cw_an_s3_part(s, 0, 1);
}
