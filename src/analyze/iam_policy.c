/* iam_policy.c - policy compilation, principal/action/resource matching and
 * the public-access query (model in iam_policy.h; conditions in iam_cond.c).
 *
 * Evaluation of one (action, resource) for a stranger:
 *   for each Allow statement whose Principal admits a stranger ("*",
 *   {"AWS":"*"}, or NotPrincipal not listing "*"), whose Action/NotAction
 *   admits the action and whose Resource/NotResource reaches the target:
 *     the Deny statements that apply to a stranger, the action, and all of
 *     what the Allow grants on the target are collected; a Deny without
 *     conditions ends it; otherwise iam_search() looks for a caller meeting
 *     every condition of the Allow and escaping every Deny.
 * The first Allow with such a caller makes the access public. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iam_int.h"

/* ---- globs ---------------------------------------------------------------- */
static inline bool ceq(char a, char b, bool nocase)
{
    return nocase ? tolower((unsigned char)a) == tolower((unsigned char)b) : a == b;
}

bool cw_glob_match(const char *p, const char *s, bool nocase)
{
    const char *star = NULL, *ss = NULL;
    while (*s) {
        if (*p == '*') {
            star = p++;
            ss = s;
        } else if (*p && (*p == '?' || ceq(*p, *s, nocase))) {
            p++;
            s++;
        } else if (star) {
            p = star + 1;
            s = ++ss;
        } else {
            return false;
        }
    }
    while (*p == '*') p++;
    return !*p;
}

/* Can pat match some string prefix + x with x non-empty? NFA over pattern
 * positions, run on prefix. */
bool iam_glob_prefix_viable(const char *pat, const char *prefix, bool nocase)
{
    /* up to the first wildcard the automaton has one state: walk it directly
     * (resource patterns are mostly a literal ARN head and a trailing '*') */
    while (*pat && *pat != '*' && *pat != '?' && *prefix) {
        if (!ceq(*pat, *prefix, nocase)) return false;
        pat++, prefix++;
    }
    if (!*prefix) return *pat != 0;
    size_t n = strlen(pat);
    bool stack[2][257];
    bool *cur = n < 256 ? stack[0] : cw_xmalloc(n + 1), *nxt = n < 256 ? stack[1] : cw_xmalloc(n + 1);
    memset(cur, 0, n + 1);
    cur[0] = true;
    for (size_t i = 0; i < n && cur[i] && pat[i] == '*'; i++) cur[i + 1] = true;
    bool any = true;
    for (const char *c = prefix; *c && any; c++) {
        memset(nxt, 0, n + 1);
        any = false;
        for (size_t i = 0; i < n; i++) {
            if (!cur[i]) continue;
            if (pat[i] == '*') nxt[i] = any = true;
            else if (pat[i] == '?' || ceq(pat[i], *c, nocase)) nxt[i + 1] = any = true;
        }
        for (size_t i = 0; i < n; i++)
            if (nxt[i] && pat[i] == '*') nxt[i + 1] = true;
        bool *t = cur;
        cur = nxt;
        nxt = t;
    }
    bool viable = false;
    for (size_t i = 0; i < n && any; i++) viable |= cur[i]; /* more pattern to match a non-empty rest */
    if (n >= 256) {
        free(cur);
        free(nxt);
    }
    return viable;
}

/* Does outer match every string inner (a pattern) matches? Checked on
 * expansions of inner whose wildcards become a sentinel that only outer's
 * wildcards can match. */
bool iam_glob_covers(const char *outer, const char *inner, bool nocase)
{
    static const int ks[] = {0, 1, 2, 5};
    size_t n = strlen(inner);
    char *buf = cw_xmalloc(n * 5 + 1);
    bool all = true;
    for (size_t ki = 0; ki < sizeof ks / sizeof ks[0] && all; ki++) {
        size_t j = 0;
        for (size_t i = 0; i < n; i++) {
            if (inner[i] == '*') {
                for (int r = 0; r < ks[ki]; r++) buf[j++] = '\x01';
            } else if (inner[i] == '?') {
                buf[j++] = '\x01';
            } else {
                buf[j++] = inner[i];
            }
        }
        buf[j] = 0;
        all = cw_glob_match(outer, buf, nocase);
    }
    free(buf);
    return all;
}

/* ArnLike: the six colon-separated fields are matched one by one (the last
 * one is the rest of the string). */
bool iam_arn_like(const char *pat, const char *s)
{
    const char *pf[7], *sf[7];
    int np = 0, ns = 0;
    pf[np++] = pat;
    for (const char *c = pat; *c && np < 6; c++)
        if (*c == ':') pf[np++] = c + 1;
    sf[ns++] = s;
    for (const char *c = s; *c && ns < 6; c++)
        if (*c == ':') sf[ns++] = c + 1;
    if (np < 6 || ns < 6) return cw_glob_match(pat, s, false);
    pf[6] = pat + strlen(pat) + 1;
    sf[6] = s + strlen(s) + 1;
    char a[512], b[512];
    for (int i = 0; i < 6; i++) {
        size_t la = (size_t)(pf[i + 1] - pf[i] - 1), lb = (size_t)(sf[i + 1] - sf[i] - 1);
        if (la >= sizeof a || lb >= sizeof b) return cw_glob_match(pat, s, false);
        memcpy(a, pf[i], la);
        a[la] = 0;
        memcpy(b, sf[i], lb);
        b[lb] = 0;
        if (!cw_glob_match(a, b, false)) return false;
    }
    return true;
}

bool cw_principal_account(const char *p, char acct[13])
{
    if (!p) return false;
    const char *f = p;
    size_t len;
    if (strncmp(p, "arn:", 4) == 0) {
        int colons = 0;
        const char *c = p;
        for (; *c && colons < 4; c++)
            if (*c == ':') colons++;
        if (colons < 4) return false;
        f = c;
        const char *e = strchr(f, ':');
        if (!e) return false;
        len = (size_t)(e - f);
    } else {
        len = strlen(p);
    }
    if (len != 12) return false;
    for (size_t i = 0; i < 12; i++)
        if (!isdigit((unsigned char)f[i])) return false;
    memcpy(acct, f, 12);
    acct[12] = 0;
    return true;
}

/* ---- compilation ------------------------------------------------------------ */
static size_t str_list(cw_arena *a, const cw_json *v, const char ***out)
{
    *out = NULL;
    if (!v) return 0;
    if (v->type == CW_JSTR) {
        const char **l = cw_arena_alloc(a, sizeof *l);
        l[0] = v->u.str;
        *out = l;
        return 1;
    }
    if (v->type != CW_JARR) return 0;
    const char **l = cw_arena_alloc(a, (v->len ? v->len : 1) * sizeof *l);
    size_t n = 0;
    for (uint32_t i = 0; i < v->len; i++)
        if (v->u.items[i].type == CW_JSTR) l[n++] = v->u.items[i].u.str;
    *out = l;
    return n;
}

static void parse_principal(cw_arena *a, iam_stmt *st, const cw_json *pr)
{
    st->has_principal = true;
    if (pr->type == CW_JSTR) {
        if (strcmp(pr->u.str, "*") == 0) {
            st->principal_all = true;
            return;
        }
        st->principals = cw_arena_alloc(a, sizeof *st->principals);
        st->principals[0] = cw_arena_printf(a, "AWS:%s", pr->u.str);
        st->nprincipals = 1;
        return;
    }
    if (pr->type != CW_JOBJ) return;
    size_t cap = 0;
    for (uint32_t i = 0; i < pr->len; i++) {
        const cw_json *v = &pr->u.members[i].val;
        cap += v->type == CW_JARR ? v->len : 1;
    }
    st->principals = cw_arena_alloc(a, (cap ? cap : 1) * sizeof *st->principals);
    for (uint32_t i = 0; i < pr->len; i++) {
        const char *kind = pr->u.members[i].key;
        const char **vals;
        size_t n = str_list(a, &pr->u.members[i].val, &vals);
        bool aws = strcasecmp(kind, "AWS") == 0;
        bool fed = strcasecmp(kind, "Federated") == 0;
        for (size_t j = 0; j < n; j++) {
            /* a web identity provider (graph.facebook.com, accounts.google.com,
             * cognito-identity.amazonaws.com, ...) admits anyone who signs in
             * with it; a SAML or OIDC provider ARN admits that account's
             * identity provider's users */
            if (fed) {
                st->fed_any = true;
                if (strncmp(vals[j], "arn:", 4) != 0 && !st->fed_web) {
                    st->fed_web = true;
                    st->fed_name = vals[j];
                }
            }
            /* "*" admits everyone; AWS rejects other wildcards in principals,
             * so one here is read as everyone too */
            if (aws && strpbrk(vals[j], "*?")) {
                st->principal_all = true;
                continue;
            }
            st->principals[st->nprincipals++] = cw_arena_printf(a, "%s:%s", kind, vals[j]);
        }
    }
}

static int key_index(cw_policy *p, cw_arena *a, const char *name, size_t *cap)
{
    char low[256];
    size_t n = strlen(name);
    if (n >= sizeof low) n = sizeof low - 1;
    for (size_t i = 0; i < n; i++) low[i] = (char)tolower((unsigned char)name[i]);
    low[n] = 0;
    for (size_t i = 0; i < p->nkeys; i++)
        if (strcmp(p->keys[i].name, low) == 0) return (int)i;
    if (p->nkeys == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        p->keys = cw_arena_realloc(a, p->keys, *cap * sizeof *p->keys, nc * sizeof *p->keys);
        *cap = nc;
    }
    iam_key *k = &p->keys[p->nkeys];
    memset(k, 0, sizeof *k);
    k->name = cw_arena_strdup(a, low);
    k->display = name;
    k->cls = iam_key_class(low);
    return (int)p->nkeys++;
}

static void parse_conditions(cw_policy *p, cw_arena *a, iam_stmt *st, const cw_json *cond, size_t *keycap)
{
    if (!cond || cond->type != CW_JOBJ) return;
    size_t cap = 0;
    for (uint32_t i = 0; i < cond->len; i++)
        if (cond->u.members[i].val.type == CW_JOBJ) cap += cond->u.members[i].val.len;
    st->conds = cw_arena_zalloc(a, (cap ? cap : 1) * sizeof *st->conds);
    for (uint32_t i = 0; i < cond->len; i++) {
        const cw_jmember *om = &cond->u.members[i];
        if (om->val.type != CW_JOBJ) continue;
        for (uint32_t j = 0; j < om->val.len; j++) {
            const cw_jmember *km = &om->val.u.members[j];
            iam_clause *c = &st->conds[st->nconds++];
            iam_parse_operator(om->key, c);
            c->opname = om->key;
            c->keyname = km->key;
            c->key = key_index(p, a, km->key, keycap);
            const cw_json *v = &km->val;
            if (v->type == CW_JARR) {
                c->vals = cw_arena_zalloc(a, (v->len ? v->len : 1) * sizeof *c->vals);
                for (uint32_t k = 0; k < v->len; k++) iam_parse_value(a, &v->u.items[k], &c->vals[c->nvals++]);
            } else {
                c->vals = cw_arena_zalloc(a, sizeof *c->vals);
                iam_parse_value(a, v, &c->vals[0]);
                c->nvals = 1;
            }
        }
    }
}

cw_policy *cw_policy_compile(cw_arena *a, const cw_json *doc)
{
    if (!doc || doc->type != CW_JOBJ) return NULL;
    const cw_json *sts = cw_json_get_ci(doc, "Statement");
    cw_policy *p = cw_arena_zalloc(a, sizeof *p);
    p->arena = a;
    size_t n = !sts ? 0 : sts->type == CW_JOBJ ? 1 : sts->type == CW_JARR ? sts->len : 0;
    p->st = cw_arena_zalloc(a, (n ? n : 1) * sizeof *p->st);
    size_t keycap = 0;
    for (size_t i = 0; i < n; i++) {
        const cw_json *s = sts->type == CW_JOBJ ? sts : &sts->u.items[i];
        if (s->type != CW_JOBJ) continue;
        const char *eff = cw_json_str(cw_json_get_ci(s, "Effect"), "");
        bool allow = strcasecmp(eff, "Allow") == 0;
        if (!allow && strcasecmp(eff, "Deny") != 0) continue; /* AWS rejects such statements */
        iam_stmt *st = &p->st[p->nst++];
        st->index = (int)i;
        st->allow = allow;
        st->sid = cw_json_str(cw_json_get_ci(s, "Sid"), NULL);
        if (st->sid && !*st->sid) st->sid = NULL;
        const cw_json *pr = cw_json_get_ci(s, "Principal");
        if (!pr && (pr = cw_json_get_ci(s, "NotPrincipal"))) st->not_principal = true;
        if (pr) parse_principal(a, st, pr);
        const cw_json *ac = cw_json_get_ci(s, "Action");
        if (!ac && (ac = cw_json_get_ci(s, "NotAction"))) st->not_action = true;
        st->has_action = ac != NULL;
        st->nactions = str_list(a, ac, &st->actions);
        const cw_json *rs = cw_json_get_ci(s, "Resource");
        if (!rs && (rs = cw_json_get_ci(s, "NotResource"))) st->not_resource = true;
        st->has_resource = rs != NULL;
        st->nresources = str_list(a, rs, &st->resources);
        parse_conditions(p, a, st, cw_json_get_ci(s, "Condition"), &keycap);
    }
    return p;
}

size_t cw_policy_nstatements(const cw_policy *p)
{
    return p ? p->nst : 0;
}

/* ---- matching --------------------------------------------------------------- */
static bool action_matches(const iam_stmt *st, const char *action)
{
    if (!st->has_action) return false;
    bool m = false;
    for (size_t i = 0; i < st->nactions && !m; i++) m = cw_glob_match(st->actions[i], action, true);
    return st->not_action ? !m : m;
}

bool iam_action_matches(const iam_stmt *st, const char *action)
{
    return action_matches(st, action);
}

/* Does the statement's action set meet an action pattern such as "s3:*"? */
static bool action_meets(const iam_stmt *st, const char *pat)
{
    size_t n = strlen(pat);
    if (!n || pat[n - 1] != '*') return action_matches(st, pat);
    if (!st->has_action) return false;
    if (st->not_action) {
        for (size_t i = 0; i < st->nactions; i++)
            if (iam_glob_covers(st->actions[i], pat, true)) return false;
        return true;
    }
    char buf[256];
    if (n >= sizeof buf) return true;
    memcpy(buf, pat, n - 1);
    buf[n - 1] = 0;
    for (size_t i = 0; i < st->nactions; i++)
        if (iam_glob_prefix_viable(st->actions[i], buf, true) || cw_glob_match(st->actions[i], buf, true))
            return true;
    return false;
}

static bool admits_stranger(const iam_stmt *st, int mode)
{
    if (!st->has_principal) return false;
    if (st->not_principal) return !st->principal_all;
    return st->principal_all || (mode == CW_POLICY_REACH ? st->fed_web : st->fed_any);
}

/* a Deny refuses a stranger only when it names everyone */
static bool denies_stranger(const iam_stmt *st)
{
    if (!st->has_principal) return false;
    return st->not_principal ? !st->principal_all : st->principal_all;
}

bool cw_policy_admits_strangers(const cw_policy *p, int mode)
{
    for (size_t i = 0; p && i < p->nst; i++)
        if (p->st[i].allow && admits_stranger(&p->st[i], mode)) return true;
    return false;
}

bool cw_policy_stranger_actions_literal(const cw_policy *p, int mode)
{
    for (size_t i = 0; p && i < p->nst; i++) {
        const iam_stmt *st = &p->st[i];
        if (!st->allow || !admits_stranger(st, mode)) continue;
        if (st->not_action || !st->has_action) return false;
        for (size_t k = 0; k < st->nactions; k++)
            if (strpbrk(st->actions[k], "*?")) return false;
    }
    return true;
}

size_t cw_policy_stranger_actions(const cw_policy *p, int mode, const char *prefix, bool instances, cw_arena *a,
                                  const char ***out)
{
    const char **v = NULL;
    size_t n = 0, cap = 0;
    size_t pl = prefix ? strlen(prefix) : 0;
    for (size_t i = 0; p && i < p->nst; i++) {
        const iam_stmt *st = &p->st[i];
        if (!st->allow || !admits_stranger(st, mode)) continue;
        for (size_t k = 0; k < st->nactions; k++) {
            const char *ac = st->actions[k];
            bool wild = strpbrk(ac, "*?") != NULL;
            if (wild && (!instances || st->not_action)) continue;
            if (pl && strncasecmp(ac, prefix, pl) != 0) continue;
            const char *name = ac;
            if (wild) {
                size_t m = strlen(ac);
                char *o = cw_arena_alloc(a, m * 2 + 3);
                size_t j = 0;
                for (size_t c = 0; c < m; c++) {
                    if (ac[c] == '*') o[j++] = 'c', o[j++] = 'w';
                    else o[j++] = ac[c] == '?' ? 'x' : ac[c];
                }
                o[j] = 0;
                name = o;
            }
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 8;
                v = cw_arena_realloc(a, v, cap * sizeof *v, nc * sizeof *v);
                cap = nc;
            }
            v[n++] = name;
        }
    }
    *out = v;
    return n;
}

static bool all_stars(const char *p)
{
    if (!*p) return false;
    for (; *p; p++)
        if (*p != '*') return false;
    return true;
}

static bool pat_intersects(const char *pat, const cw_res_target *t)
{
    if (!t || !t->arn) return true;
    return t->subtree ? iam_glob_prefix_viable(pat, t->arn, false) : cw_glob_match(pat, t->arn, false);
}

static bool pat_covers(const char *pat, const cw_res_target *t)
{
    if (!t || !t->arn) return all_stars(pat);
    if (!t->subtree) return cw_glob_match(pat, t->arn, false);
    size_t n = strlen(t->arn);
    char *inner = cw_xmalloc(n + 3);
    memcpy(inner, t->arn, n);
    memcpy(inner + n, "?*", 3);
    bool r = iam_glob_covers(pat, inner, false);
    free(inner);
    return r;
}

static bool res_reaches(const iam_stmt *st, const cw_res_target *t)
{
    if (!st->has_resource) return true;
    if (st->not_resource) {
        for (size_t i = 0; i < st->nresources; i++)
            if (pat_covers(st->resources[i], t)) return false;
        return true;
    }
    for (size_t i = 0; i < st->nresources; i++)
        if (pat_intersects(st->resources[i], t)) return true;
    return false;
}

/* Does deny d refuse everything allow s grants on t? */
static bool deny_covers(const iam_stmt *d, const iam_stmt *s, const cw_res_target *t)
{
    if (!d->has_resource) return true;
    if (d->not_resource) {
        for (size_t i = 0; i < d->nresources; i++)
            if (pat_intersects(d->resources[i], t)) return false;
        return true;
    }
    for (size_t i = 0; i < d->nresources; i++)
        if (pat_covers(d->resources[i], t)) return true;
    if (!s->has_resource || s->not_resource) return false;
    bool any = false;
    for (size_t i = 0; i < s->nresources; i++) {
        if (!pat_intersects(s->resources[i], t)) continue;
        any = true;
        bool cov = false;
        for (size_t j = 0; j < d->nresources && !cov; j++)
            cov = iam_glob_covers(d->resources[j], s->resources[i], false);
        if (!cov) return false;
    }
    return any;
}

static const char *stmt_label(cw_arena *a, const iam_stmt *st)
{
    return st->sid ? cw_arena_printf(a, "statement \"%s\" (#%d)", st->sid, st->index + 1)
                   : cw_arena_printf(a, "statement #%d", st->index + 1);
}

static const char *who(cw_arena *a, const iam_stmt *st, int mode)
{
    if (st->not_principal) return "everyone not listed in its NotPrincipal";
    if (st->principal_all) return "everyone (Principal \"*\")";
    if (st->fed_web)
        return cw_arena_printf(a, "anyone who signs in with %s (Principal Federated)", st->fed_name);
    (void)mode;
    return "the users of the identity provider it names (Principal Federated)";
}

/* Keys of allow's conditions no stranger can satisfy. */
static const char *pinned_keys(const cw_policy *p, cw_arena *a, const iam_stmt *s)
{
    char *out = cw_arena_strdup(a, "");
    for (size_t i = 0; i < s->nconds; i++) {
        const iam_clause *c = &s->conds[i];
        const iam_key *k = &p->keys[c->key];
        bool any = false;
        for (size_t j = 0; j < k->ncands && !any; j++) any = iam_clause_eval(c, &k->cands[j], false);
        if (!any && !strstr(out, c->keyname))
            out = cw_arena_printf(a, "%s%s%s %s", out, *out ? ", " : "", c->opname, c->keyname);
    }
    return *out ? out : "their combination";
}

static const char *deny_labels(cw_arena *a, const iam_stmt *const *d, size_t n)
{
    char *out = cw_arena_strdup(a, "");
    for (size_t i = 0; i < n; i++)
        out = cw_arena_printf(a, "%s%s%s", out, i ? (i + 1 == n ? " and " : ", ") : "", stmt_label(a, d[i]));
    return out;
}

bool cw_policy_is_public(const cw_policy *pc, const cw_policy_ctx *ctx, const char *action,
                         const cw_res_target *target, cw_arena *a, cw_policy_verdict *out)
{
    cw_policy *p = (cw_policy *)pc; /* candidates are built lazily */
    cw_policy_verdict v = {false, -1, NULL, NULL};
    if (!p) {
        v.why = "there is no policy";
        if (out) *out = v;
        return false;
    }
    iam_build_candidates(p, p->arena, ctx);
    const int mode = p->mode;
    /* small policies (nearly all) work on the stack: this runs a dozen times per bucket */
    const iam_stmt *denies_local[32];
    int choice_local[32];
    const iam_stmt **denies = p->nst <= 32 ? denies_local : cw_xmalloc(p->nst * sizeof *denies);
    int *choice = p->nkeys <= 32 ? choice_local : cw_xmalloc(p->nkeys * sizeof *choice);
    const char *first_fail = NULL;
    for (size_t i = 0; i < p->nst && !v.is_public; i++) {
        const iam_stmt *s = &p->st[i];
        if (!s->allow || !admits_stranger(s, mode) || !action_matches(s, action) || !res_reaches(s, target))
            continue;
        size_t nd = 0;
        const iam_stmt *hard = NULL;
        for (size_t j = 0; j < p->nst; j++) {
            const iam_stmt *d = &p->st[j];
            if (d->allow || !denies_stranger(d) || !action_matches(d, action) || !deny_covers(d, s, target))
                continue;
            if (!d->nconds && !hard) hard = d;
            denies[nd++] = d;
        }
        if (hard) {
            if (!first_fail && a)
                first_fail = cw_arena_printf(a, "%s allows %s to %s, but %s denies it to everyone without conditions",
                                             stmt_label(a, s), action, who(a, s, mode), stmt_label(a, hard));
            continue;
        }
        int r = iam_search(p, s, denies, nd, choice);
        if (r == 0) {
            if (first_fail || !a) continue;
            /* did the Allow alone fail? */
            int r2 = nd ? iam_search(p, s, NULL, 0, choice) : 0;
            if (!nd || r2 == 0)
                first_fail = cw_arena_printf(a, "%s allows %s to %s only when %s hold, which no outsider can meet",
                                             stmt_label(a, s), action, who(a, s, mode), pinned_keys(p, a, s));
            else
                first_fail = cw_arena_printf(a, "%s allows %s to %s, but %s refuse%s it to every outsider",
                                             stmt_label(a, s), action, who(a, s, mode), deny_labels(a, denies, nd),
                                             nd == 1 ? "s" : "");
            continue;
        }
        v.is_public = true;
        v.stmt = s->index;
        v.sid = s->sid;
        if (!a) break;
        const char *w = cw_arena_printf(a, "%s allows %s to %s", stmt_label(a, s), action, who(a, s, mode));
        if (r < 0) {
            w = cw_arena_printf(a, "%s; its conditions are too complex to prove a restriction", w);
        } else {
            const iam_stmt *all[1 + 64];
            size_t na = 0;
            all[na++] = s;
            for (size_t j = 0; j < nd && na < 65; j++) all[na++] = denies[j];
            const char *c = iam_describe_choice(p, a, all, na, choice);
            if (!s->nconds) w = cw_arena_printf(a, "%s without conditions", w);
            if (*c) w = cw_arena_printf(a, "%s; a caller with %s gets through", w, c);
            if (nd)
                w = cw_arena_printf(a, "%s (%s do%s not stop it)", w, deny_labels(a, denies, nd), nd == 1 ? "es" : "");
        }
        v.why = w;
    }
    if (!v.is_public && a)
        v.why = first_fail ? first_fail : cw_arena_printf(a, "no statement allows %s to everyone", action);
    if (denies != denies_local) free(denies);
    if (choice != choice_local) free(choice);
    if (out) *out = v;
    return v.is_public;
}

/* ---- external principals ------------------------------------------------------ */
static void add_unique(cw_arena *a, const char ***v, size_t *n, size_t *cap, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i], s) == 0) return;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        *v = cw_arena_realloc(a, *v, *cap * sizeof **v, nc * sizeof **v);
        *cap = nc;
    }
    (*v)[(*n)++] = s;
}

size_t cw_policy_external_principals(const cw_policy *p, const cw_policy_ctx *ctx, const char *const *actions,
                                     cw_arena *a, const char ***out)
{
    const char **v = NULL;
    size_t n = 0, cap = 0;
    const char *owner = ctx ? ctx->owner_account : NULL;
    for (size_t i = 0; p && i < p->nst; i++) {
        const iam_stmt *s = &p->st[i];
        if (!s->allow || s->not_principal) continue;
        bool am = !actions;
        for (const char *const *ac = actions; ac && *ac && !am; ac++) am = action_meets(s, *ac);
        if (!am) continue;
        for (size_t j = 0; j < s->nprincipals; j++) {
            const char *pr = s->principals[j];
            const char *colon = strchr(pr, ':');
            const char *val = colon ? colon + 1 : pr;
            char acct[13];
            if (strncasecmp(pr, "AWS:", 4) == 0) {
                if (cw_principal_account(val, acct) && owner && strcmp(acct, owner) == 0) continue;
                add_unique(a, &v, &n, &cap, val);
            } else if (strncasecmp(pr, "Federated:", 10) == 0) {
                /* an identity provider of the owner account is the owner's */
                if (cw_principal_account(val, acct) && owner && strcmp(acct, owner) == 0) continue;
                add_unique(a, &v, &n, &cap, val);
            }
        }
        if (!s->principal_all) continue;
        for (size_t c = 0; c < s->nconds; c++) {
            const iam_clause *cl = &s->conds[c];
            if (cl->negated || cl->ifexists || cl->setq) continue;
            bool acct_key = strcasecmp(cl->keyname, "aws:PrincipalAccount") == 0;
            bool arn_key = strcasecmp(cl->keyname, "aws:PrincipalArn") == 0;
            if (!acct_key && !arn_key) continue;
            for (size_t k = 0; k < cl->nvals; k++) {
                char acct[13];
                if (!cw_principal_account(cl->vals[k].s, acct)) continue;
                if (owner && strcmp(acct, owner) == 0) continue;
                add_unique(a, &v, &n, &cap, cl->vals[k].s);
            }
        }
    }
    *out = v;
    return n;
}

/* ---- transport ------------------------------------------------------------------ */
static bool only_insecure_transport_conds(const iam_stmt *d)
{
    if (!d->nconds) return false;
    for (size_t i = 0; i < d->nconds; i++) {
        const iam_clause *c = &d->conds[i];
        if (strcasecmp(c->keyname, "aws:SecureTransport") != 0 || c->op != OP_BOOL || c->negated ||
            c->setq != SETQ_NONE)
            return false;
        bool has_false = false;
        for (size_t k = 0; k < c->nvals; k++) has_false |= strcasecmp(c->vals[k].s, "false") == 0;
        if (!has_false) return false;
    }
    return true;
}

bool cw_policy_denies_insecure_transport(const cw_policy *p, const char *probe, const cw_res_target *t)
{
    for (size_t i = 0; p && i < p->nst; i++) {
        const iam_stmt *d = &p->st[i];
        if (d->allow || !d->has_principal || d->not_principal || !d->principal_all) continue;
        if (!only_insecure_transport_conds(d)) continue;
        bool acov = false;
        if (d->not_action) {
            size_t n = strlen(probe);
            char buf[256];
            if (n >= sizeof buf) continue;
            memcpy(buf, probe, n + 1);
            while (n && (buf[n - 1] == '*')) buf[--n] = 0;
            acov = true;
            for (size_t k = 0; k < d->nactions && acov; k++)
                if (iam_glob_prefix_viable(d->actions[k], buf, true) || cw_glob_match(d->actions[k], buf, true))
                    acov = false;
        } else {
            for (size_t k = 0; k < d->nactions && !acov; k++) acov = iam_glob_covers(d->actions[k], probe, true);
        }
        if (!acov) continue;
        bool rcov = !d->has_resource;
        if (d->has_resource && d->not_resource) {
            rcov = true;
            for (size_t k = 0; k < d->nresources; k++)
                if (pat_intersects(d->resources[k], t)) rcov = false;
        } else {
            for (size_t k = 0; k < d->nresources && !rcov; k++) rcov = pat_covers(d->resources[k], t);
        }
        if (rcov) return true;
    }
    return false;
}
