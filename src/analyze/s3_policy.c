/* s3_policy.c - a bucket or access point policy in both senses of "public".
 *
 * Reachability: which S3 actions can a stranger (anonymous, or any AWS
 * account) really perform? Asked per dimension (read, list, write, ACL
 * access), then for every S3 action in S3's "bad action" classes the policy
 * may grant (the action table, and the actions its Allow statements for
 * strangers name), then for the actions through which a stranger can grant
 * itself more (PutBucketPolicy, PutBucketAcl, PutObjectAcl,
 * PutBucketPublicAccessBlock).
 *
 * S3's own definition (Block Public Access, "The meaning of public"): a
 * policy is public when it grants a bad action, or an action S3 does not
 * support, to anyone but fixed principals or fixed values of the identity
 * and origin keys. S3 applies RestrictPublicBuckets to such policies, so the
 * verdict decides whether their (even non-public) cross-account grants still
 * work. Computed only when reachability does not already say public (every
 * policy public for reachability is public for S3 too). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "s3_int.h"

/* Representative actions per dimension, and whether each targets objects. */
static const struct {
    int dim;
    const char *action;
    bool object;
} dim_actions[] = {
    {CW_S3_READ, "s3:GetObject", true},
    {CW_S3_READ, "s3:GetObjectVersion", true},
    {CW_S3_LIST, "s3:ListBucket", false},
    {CW_S3_LIST, "s3:ListBucketVersions", false},
    {CW_S3_WRITE, "s3:PutObject", true},
    {CW_S3_WRITE, "s3:DeleteObject", true},
    {CW_S3_WRITE, "s3:DeleteObjectVersion", true},
    {CW_S3_ACL, "s3:GetBucketAcl", false},
    {CW_S3_ACL, "s3:PutBucketAcl", false},
    {CW_S3_ACL, "s3:GetObjectAcl", true},
    {CW_S3_ACL, "s3:PutObjectAcl", true},
    {CW_S3_ACL, "s3:GetObjectVersionAcl", true},
    {CW_S3_ACL, "s3:PutObjectVersionAcl", true},
};

static const struct {
    const char *action;
    bool object;
} esc_actions[CW_S3_NESC] = {
    [CW_S3_PUT_POLICY] = {"s3:PutBucketPolicy", false},
    [CW_S3_PUT_BUCKET_ACL] = {"s3:PutBucketAcl", false},
    [CW_S3_PUT_OBJECT_ACL] = {"s3:PutObjectAcl", true},
    [CW_S3_PUT_BPA] = {"s3:PutBucketPublicAccessBlock", false},
};

/* Actions a future S3 may add to each class: S3 "reviews policies for current
 * actions and any potential actions that might be added in the future". */
static const char *const future_actions[] = {"s3:GetCwFuture", "s3:ListCwFuture", "s3:PutCwFuture",
                                             "s3:DeleteCwFuture", NULL};

static bool query(cw_policy *pol, const cw_policy_ctx *ctx, const char *action, const cw_res_target *t,
                  cw_arena *ar, const char *label, const char **why)
{
    cw_policy_verdict v;
    if (!cw_policy_is_public(pol, ctx, action, t, NULL, &v)) return false;
    if (why && ar) {
        cw_policy_is_public(pol, ctx, action, t, ar, &v);
        *why = cw_arena_printf(ar, "%s %s", label, v.why);
    }
    return true;
}

/* unknown actions: either target may be the one the action would use */
static bool query_any(cw_policy *pol, const cw_policy_ctx *ctx, const char *action, const cw_res_target *tb,
                      const cw_res_target *to, cw_arena *ar, const char *label, const char **why)
{
    const cw_s3_action *known = cw_s3_action_find(action);
    if (known) return query(pol, ctx, action, known->object ? to : tb, ar, label, why);
    return query(pol, ctx, action, to, ar, label, why) || query(pol, ctx, action, tb, ar, label, why);
}

static bool in_set(const char *a, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(v[i], a) == 0) return true;
    return false;
}

/* The actions a stranger may get, when the policy names them all literally
 * (nearly every policy): then only those are asked, not the whole table. */
typedef struct literal_set {
    bool on;
    const char **v;
    size_t n;
} literal_set;

static void literals(cw_policy *pol, int mode, cw_arena *scratch, literal_set *l)
{
    l->on = cw_policy_stranger_actions_literal(pol, mode);
    l->n = l->on ? cw_policy_stranger_actions(pol, mode, NULL, false, scratch, &l->v) : 0;
}

static bool may(const literal_set *l, const char *action)
{
    return !l->on || in_set(action, l->v, l->n);
}

void cw_s3_policy_eval(cw_policy *pol, const cw_policy_ctx *base, int bpa_mode, const cw_res_target *tb,
                       const cw_res_target *to, cw_arena *ar, cw_arena *scratch, const char *label,
                       cw_s3_polres *r)
{
    memset(r, 0, sizeof *r);
    if (!pol) return;
    cw_policy_ctx ctx = *base;
    ctx.mode = CW_POLICY_REACH;
    r->changes_at = cw_policy_next_time_change(pol, ctx.now);
    bool reach_any = cw_policy_admits_strangers(pol, CW_POLICY_REACH);
    if (!reach_any && !cw_policy_admits_strangers(pol, bpa_mode)) return;
    literal_set lit = {0};
    if (reach_any) literals(pol, CW_POLICY_REACH, scratch, &lit);
    for (size_t i = 0; reach_any && i < sizeof dim_actions / sizeof dim_actions[0]; i++) {
        int d = dim_actions[i].dim;
        if (r->dim[d] || !may(&lit, dim_actions[i].action)) continue;
        if (query(pol, &ctx, dim_actions[i].action, dim_actions[i].object ? to : tb, ar, label, &r->why[d])) {
            r->dim[d] = r->pub = true;
            if (!r->pub_why) r->pub_why = r->why[d];
        }
    }
    for (int e = 0; reach_any && e < CW_S3_NESC; e++)
        if ((may(&lit, esc_actions[e].action) &&
             query(pol, &ctx, esc_actions[e].action, esc_actions[e].object ? to : tb, ar, label, &r->esc_why[e])) ||
            (e == CW_S3_PUT_OBJECT_ACL && may(&lit, "s3:PutObjectVersionAcl") &&
             query(pol, &ctx, "s3:PutObjectVersionAcl", to, ar, label, &r->esc_why[e]))) {
            r->esc[e] = r->pub = true;
            if (!r->pub_why) r->pub_why = r->esc_why[e];
        }
    /* the other bad actions: those S3 defines (when a pattern may match
     * them), then those the policy names (an S3 action missing from the table
     * but in a bad class is taken as real) */
    for (const cw_s3_action *sa = cw_s3_actions; reach_any && !lit.on && !r->pub && sa->name; sa++)
        if (cw_s3_bad_action(sa->name) && query(pol, &ctx, sa->name, sa->object ? to : tb, ar, label, &r->pub_why))
            r->pub = true;
    if (reach_any && !r->pub) {
        const char **named = lit.v;
        size_t nnamed = lit.on ? lit.n : cw_policy_stranger_actions(pol, CW_POLICY_REACH, "s3:", false, scratch, &named);
        for (size_t i = 0; i < nnamed && !r->pub; i++)
            if (cw_s3_bad_action(named[i]) && (lit.on || !cw_s3_action_find(named[i])) &&
                query_any(pol, &ctx, named[i], tb, to, ar, label, &r->pub_why))
                r->pub = true;
    }
    if (r->pub) {
        r->bpa_pub = true;
        return;
    }
    /* S3's own definition: bad actions, the actions S3 does not support, and
     * the ones it may add */
    if (!cw_policy_admits_strangers(pol, bpa_mode)) return;
    ctx.mode = bpa_mode;
    literal_set bl;
    literals(pol, bpa_mode, scratch, &bl);
    if (!bl.on) {
        for (size_t i = 0; !r->bpa_pub && i < sizeof dim_actions / sizeof dim_actions[0]; i++)
            r->bpa_pub =
                query(pol, &ctx, dim_actions[i].action, dim_actions[i].object ? to : tb, ar, label, &r->bpa_why);
        for (const cw_s3_action *sa = cw_s3_actions; !r->bpa_pub && sa->name; sa++)
            if (cw_s3_bad_action(sa->name))
                r->bpa_pub = query(pol, &ctx, sa->name, sa->object ? to : tb, ar, label, &r->bpa_why);
    }
    const char **named;
    size_t nnamed = cw_policy_stranger_actions(pol, bpa_mode, NULL, true, scratch, &named);
    for (size_t i = 0; !r->bpa_pub && i < nnamed; i++) {
        bool unsupported = !cw_s3_action_find(named[i]) && !cw_s3_bad_action(named[i]) && !strpbrk(named[i], "*?");
        if (!cw_s3_bad_action(named[i]) && !unsupported) continue;
        if (!query_any(pol, &ctx, named[i], tb, to, ar, label, &r->bpa_why)) continue;
        r->bpa_pub = true;
        if (unsupported && ar)
            r->bpa_why = cw_arena_printf(ar, "%s (%s is not an action S3 supports on buckets and objects; S3 counts "
                                             "a policy granting one as public)",
                                         r->bpa_why, named[i]);
    }
    for (size_t i = 0; !bl.on && !r->bpa_pub && future_actions[i]; i++)
        r->bpa_pub = query_any(pol, &ctx, future_actions[i], tb, to, ar, label, &r->bpa_why);
}
