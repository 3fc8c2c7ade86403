/* iam_admin.c - does an identity policy make its holder a full administrator?
 *
 * Issue 9 item 14: the full-admin rules matched an Allow of "*" on "*" as a
 * pattern, so a Deny "*" that cancels it still fired, and an Allow through
 * NotAction (everything except a few actions) was missed. Here the policies
 * are compiled by the one evaluator (iam_policy.c) and evaluated the way IAM
 * evaluates identity policies for their holder (an explicit Deny wins,
 * otherwise an Allow is needed), on every resource, for probe actions:
 *   - an action no statement names (a fresh service's action): "everything
 *     else";
 *   - every action the statements name (Action and NotAction), and for a
 *     wildcard pattern an instance of it ("iam:*" -> "iam:Cw");
 *   - the IAM actions with which a holder grants itself more (iam:PutUserPolicy,
 *     iam:AttachRolePolicy, iam:CreatePolicyVersion ...).
 * Verdicts:
 *   full administrator - every probe is allowed on every resource; or
 *     everything else is, the actions left out are only not granted, and a
 *     self-granting IAM action is allowed (the rest is one policy edit away);
 *     or the actions left out are refused by a Deny of the same policies and
 *     the holder may rewrite them (iam:CreatePolicyVersion for a managed
 *     policy, iam:Put{User,Role,Group}Policy for inline ones);
 *   near administrator - everything else is allowed on every resource but
 *     some named actions stay out of reach (AWS's PowerUserAccess: NotAction
 *     iam:*, organizations:*, account:*); the excluded actions are named.
 * Resources: a statement covers every resource when a Resource pattern covers
 * every ARN ("*", "arn:*", "arn:aws:*"). An Allow with NotResource covers all
 * but the listed resources (counted, the exception is named); an
 * unconditional Deny on every resource or with NotResource refuses the
 * action (it leaves at most the listed resources); an unconditional Deny on
 * named resources leaves the action allowed elsewhere (named in the reason).
 * Conditions: an Allow counts with its conditions (an administrator under
 * MFA or from an office address is still one; the reason says so); a
 * conditional Deny leaves the requests it does not match allowed (named).
 * Facts (AWS::IAM::Policy: its default version; AWS::IAM::User/Role/Group:
 * their inline policies together, as AWS Config records them):
 *   iam.full_admin, iam.near_admin  bool
 *   iam.admin_excluded  the action patterns out of reach (near administrators)
 *   iam.admin_reason  sentence: which statement grants what, or why not */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "analyze_int.h"
#include "iam_int.h"

typedef struct adm_doc {
    const cw_policy *p;
    const char *name; /* inline policy name, NULL for a managed policy's version */
} adm_doc;

typedef struct adm_set {
    adm_doc *d;
    size_t n, cap;
    const char *what;    /* "the default version", "the user's inline policies" */
    const char *rewrite; /* the action that rewrites these policies in place */
} adm_set;

/* the answer for one action */
typedef struct adm_q {
    const iam_stmt *grant, *deny; /* granting Allow; refusing Deny (allowed = grant && !deny) */
    const adm_doc *gdoc, *ddoc;
    const iam_stmt *partial;      /* a Deny on named resources, or the grant's NotResource */
    const adm_doc *pdoc;
    const iam_stmt *cdeny;        /* a conditional Deny */
    const adm_doc *cddoc;
} adm_q;

static const char *const self_grant[] = {
    "iam:PutUserPolicy",  "iam:AttachUserPolicy",  "iam:PutRolePolicy",      "iam:AttachRolePolicy",
    "iam:PutGroupPolicy", "iam:AttachGroupPolicy", "iam:CreatePolicyVersion", NULL,
};

#define PROBE_REST "cwprobe:CwProbeAction"

enum { RES_NONE, RES_SOME, RES_EXCEPT, RES_ALL };

static bool pat_all(const char *pat)
{
    return iam_glob_covers(pat, "*", false) || iam_glob_covers(pat, "arn:*", false) ||
           iam_glob_covers(pat, "arn:aws:*", false);
}

static int res_class(const iam_stmt *st)
{
    if (!st->has_resource) return RES_NONE; /* IAM rejects an identity policy statement without one */
    if (st->not_resource) {
        for (size_t i = 0; i < st->nresources; i++)
            if (pat_all(st->resources[i])) return RES_NONE;
        return RES_EXCEPT;
    }
    for (size_t i = 0; i < st->nresources; i++)
        if (pat_all(st->resources[i])) return RES_ALL;
    return st->nresources ? RES_SOME : RES_NONE;
}

static void query(const adm_set *set, const char *action, adm_q *q)
{
    memset(q, 0, sizeof *q);
    int grant_rc = RES_NONE;
    for (size_t d = 0; d < set->n; d++) {
        const cw_policy *p = set->d[d].p;
        for (size_t i = 0; i < p->nst; i++) {
            const iam_stmt *st = &p->st[i];
            if (!iam_action_matches(st, action)) continue;
            int rc = res_class(st);
            if (rc == RES_NONE) continue;
            bool cond = st->nconds > 0;
            if (st->allow) {
                if (rc == RES_SOME) continue;
                /* prefer every resource, then no conditions */
                bool better = !q->grant || rc > grant_rc ||
                              (rc == grant_rc && q->grant->nconds && !cond);
                if (better) q->grant = st, q->gdoc = &set->d[d], grant_rc = rc;
            } else if (cond) {
                if (!q->cdeny) q->cdeny = st, q->cddoc = &set->d[d];
            } else if (rc == RES_SOME) {
                if (!q->partial) q->partial = st, q->pdoc = &set->d[d];
            } else if (!q->deny) {
                q->deny = st, q->ddoc = &set->d[d];
            }
        }
    }
    if (q->grant && grant_rc == RES_EXCEPT && !q->partial) q->partial = q->grant, q->pdoc = q->gdoc;
}

static bool allowed(const adm_q *q)
{
    return q->grant && !q->deny;
}

static const char *label(cw_arena *a, const adm_doc *d, const iam_stmt *st)
{
    const char *s = st->sid ? cw_arena_printf(a, "statement #%d (Sid \"%s\")", st->index + 1, st->sid)
                            : cw_arena_printf(a, "statement #%d", st->index + 1);
    return d->name ? cw_arena_printf(a, "policy \"%s\" %s", d->name, s) : s;
}

/* a probe action and the pattern it stands for */
typedef struct probe {
    const char *action, *source;
} probe;

static void add_probe(cw_arena *a, probe **v, size_t *n, size_t *cap, const char *src)
{
    if (strcmp(src, "*") == 0 || !strchr(src, ':')) return; /* "*" is the rest probe; AWS rejects others */
    for (size_t i = 0; i < *n; i++)
        if (strcasecmp((*v)[i].source, src) == 0) return;
    size_t len = strlen(src);
    char *inst = cw_arena_alloc(a, len * 2 + 1), *w = inst;
    for (const char *p = src; *p; p++) {
        if (*p == '*') *w++ = 'C', *w++ = 'w';
        else *w++ = *p == '?' ? 'x' : *p;
    }
    *w = 0;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 32;
        *v = cw_arena_realloc(a, *v, *cap * sizeof **v, nc * sizeof **v);
        *cap = nc;
    }
    (*v)[(*n)++] = (probe){inst, src};
}

/* "a, b and c" */
static const char *join(cw_arena *a, const char *const *v, size_t n)
{
    if (!n) return "";
    const char *s = v[0];
    for (size_t i = 1; i < n; i++) s = cw_arena_printf(a, "%s%s%s", s, i + 1 == n ? " and " : ", ", v[i]);
    return s;
}

static void verdict(cw_assets *s, cw_asset *as, cw_arena *scratch, const adm_set *set)
{
    cw_factset fs;
    cw_fs_init(&fs, s, as);
    const char *why;
    bool admin = false, near = false;
    const char **excluded = NULL;
    size_t nex = 0;
    size_t nst = 0;
    for (size_t d = 0; d < set->n; d++) nst += set->d[d].p->nst;
    adm_q rest;
    query(set, PROBE_REST, &rest);
    if (!nst) {
        why = cw_arena_printf(scratch, "not full admin: no Allow or Deny statement in %s", set->what);
    } else if (rest.deny) {
        why = cw_arena_printf(scratch, "not full admin: %s refuses every action on every resource without a condition",
                              label(scratch, rest.ddoc, rest.deny));
    } else if (!rest.grant) {
        why = cw_arena_printf(scratch, "not full admin: no statement of %s allows actions beyond those it names on "
                                       "every resource",
                              set->what);
    } else {
        /* every action the statements name, and the self-granting ones */
        probe *pv = NULL;
        size_t np = 0, cap = 0;
        for (size_t d = 0; d < set->n; d++)
            for (size_t i = 0; i < set->d[d].p->nst; i++) {
                const iam_stmt *st = &set->d[d].p->st[i];
                for (size_t k = 0; k < st->nactions; k++) add_probe(scratch, &pv, &np, &cap, st->actions[k]);
            }
        bool cond = rest.grant->nconds > 0;
        const adm_q *partial = rest.partial ? &rest : NULL, *cdeny = rest.cdeny ? &rest : NULL;
        adm_q *qs = cw_arena_alloc(scratch, (np ? np : 1) * sizeof *qs);
        excluded = cw_arena_alloc(scratch, (np ? np : 1) * sizeof *excluded);
        const adm_q *refusal = NULL; /* a missing action refused by a Deny */
        for (size_t i = 0; i < np; i++) {
            query(set, pv[i].action, &qs[i]);
            if (!allowed(&qs[i])) {
                excluded[nex++] = pv[i].source;
                if (qs[i].deny && !refusal) refusal = &qs[i];
                continue;
            }
            if (qs[i].grant->nconds) cond = true;
            if (!partial && qs[i].partial) partial = &qs[i];
            if (!cdeny && qs[i].cdeny) cdeny = &qs[i];
        }
        const char *notes = "";
        if (cond) notes = cw_arena_printf(scratch, "%s; under the conditions of the granting statement", notes);
        if (partial) {
            bool own = partial->partial == partial->grant;
            notes = cw_arena_printf(scratch, "%s; %s %s", notes, label(scratch, partial->pdoc, partial->partial),
                                    own ? "leaves out the resources its NotResource lists"
                                        : "refuses some actions on the resources it names");
        }
        if (cdeny)
            notes = cw_arena_printf(scratch, "%s; %s refuses under its conditions", notes,
                                    label(scratch, cdeny->cddoc, cdeny->cdeny));
        const char *grant = label(scratch, rest.gdoc, rest.grant);
        const char *via = rest.grant->not_action ? " through NotAction" : "";
        if (!nex) {
            admin = true;
            why = cw_arena_printf(scratch, "every action on every resource is allowed: %s%s (%s)%s", grant, via,
                                  set->what, notes);
        } else {
            const char *list = join(scratch, excluded, nex);
            const char *esc = NULL;
            if (refusal) {
                /* a Deny of these policies: only rewriting them lifts it */
                adm_q q;
                query(set, set->rewrite, &q);
                if (allowed(&q)) esc = set->rewrite;
            } else {
                for (const char *const *g = self_grant; *g && !esc; g++) {
                    adm_q q;
                    query(set, *g, &q);
                    if (allowed(&q)) esc = *g;
                }
            }
            if (esc) {
                admin = true;
                why = cw_arena_printf(scratch,
                                      "every action on every resource is allowed except %s (%s%s, %s), and so is "
                                      "%s, with which the holder %s%s",
                                      list, grant, via, set->what, esc,
                                      refusal ? "rewrites the policy that refuses them" : "grants itself the rest",
                                      notes);
            } else {
                near = true;
                why = cw_arena_printf(scratch,
                                      "not full admin but near it: every action on every resource is allowed (%s%s, "
                                      "%s) except %s, %s, and no IAM action with which the holder could grant itself "
                                      "those%s",
                                      grant, via, set->what, list,
                                      refusal ? cw_arena_printf(scratch, "refused by %s",
                                                                label(scratch, refusal->ddoc, refusal->deny))
                                              : "which no statement grants",
                                      notes);
            }
        }
    }
    cw_fs_bool(&fs, "iam.full_admin", admin);
    cw_fs_bool(&fs, "iam.near_admin", near);
    cw_fs_strs(&fs, "iam.admin_excluded", excluded, near ? nex : 0);
    cw_fs_str(&fs, "iam.admin_reason", why);
    cw_fs_commit(&fs);
}

/* a document, or (the rdk example form) an array of documents */
static void add_doc(cw_arena *a, adm_set *set, const cw_json *raw, const char *name, int depth)
{
    const cw_json *d = cw_json_doc(a, raw, NULL);
    if (!d || depth > 4) return;
    if (d->type == CW_JARR) {
        for (size_t i = 0; i < d->len; i++) add_doc(a, set, cw_json_at(d, i), name, depth + 1);
        return;
    }
    const cw_policy *p = cw_policy_compile(a, d);
    if (!p) return;
    if (set->n == set->cap) {
        size_t nc = set->cap ? set->cap * 2 : 4;
        set->d = cw_arena_realloc(a, set->d, set->cap * sizeof *set->d, nc * sizeof *set->d);
        set->cap = nc;
    }
    set->d[set->n++] = (adm_doc){p, name};
}

static void inline_policies(cw_assets *s, const char *type, const char *list_key, const char *what,
                            const char *rewrite)
{
    const cw_asset_list *l = cw_assets_of_type(s, type);
    for (size_t i = 0; i < l->n; i++) {
        cw_asset *as = l->v[i];
        if (!as->live || !cw_an_target(s, as)) continue;
        const cw_json *lst = cw_json_get_ci(cw_conf(as), list_key);
        if (!lst || lst->type != CW_JARR || !lst->len) continue;
        cw_arena scratch;
        cw_arena_init(&scratch, 4096);
        adm_set set = {.what = what, .rewrite = rewrite};
        for (size_t j = 0; j < lst->len; j++) {
            const cw_json *e = cw_json_at(lst, j);
            add_doc(&scratch, &set, cw_json_get_ci(e, "policyDocument"),
                    cw_json_str(cw_json_get_ci(e, "policyName"), "(unnamed)"), 0);
        }
        verdict(s, as, &scratch, &set);
        cw_arena_free(&scratch);
    }
}

void cw_an_iam_admin(cw_assets *s)
{
    const cw_asset_list *l = cw_assets_of_type(s, "AWS::IAM::Policy");
    for (size_t i = 0; i < l->n; i++) {
        cw_asset *as = l->v[i];
        if (!as->live || !cw_an_target(s, as)) continue;
        const cw_json *vl = cw_json_get_ci(cw_conf(as), "policyVersionList");
        if (!vl || vl->type != CW_JARR) continue;
        cw_arena scratch;
        cw_arena_init(&scratch, 4096);
        adm_set set = {.what = "the default version", .rewrite = "iam:CreatePolicyVersion"};
        bool found = false;
        for (size_t j = 0; j < vl->len; j++) {
            const cw_json *v = cw_json_at(vl, j);
            if (!cw_is_true(cw_json_get_ci(v, "isDefaultVersion"))) continue;
            add_doc(&scratch, &set, cw_json_get_ci(v, "document"), NULL, 0);
            found = true;
            break;
        }
        if (found) verdict(s, as, &scratch, &set);
        cw_arena_free(&scratch);
    }
    inline_policies(s, "AWS::IAM::User", "userPolicyList", "the user's inline policies", "iam:PutUserPolicy");
    inline_policies(s, "AWS::IAM::Role", "rolePolicyList", "the role's inline policies", "iam:PutRolePolicy");
    inline_policies(s, "AWS::IAM::Group", "groupPolicyList", "the group's inline policies", "iam:PutGroupPolicy");
}
