/* iam_cond.c - IAM condition operators, context-key classes, representative
 * caller values and the search for a caller who gets through (see
 * iam_policy.h for the model).
 *
 * Operator semantics follow the IAM User Guide ("Condition operators",
 * "Single-valued vs multivalued context keys"):
 *   - several values for one key: OR for positive operators; the negated
 *     operators (StringNotEquals, NotIpAddress, ArnNotLike, ...) are true
 *     when the request value matches none of them;
 *   - a key absent from the request: positive operators are false, negated
 *     ones true; ...IfExists makes any operator true; ForAllValues: is true
 *     on an absent (empty) key, ForAnyValue: is false;
 *   - Null: "true" holds when the key is absent, "false" when present;
 *   - key names are case-insensitive, string values case-sensitive except
 *     for the IgnoreCase operators; Like operators use '*' and '?'. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/timeutil.h"
#include "iam_int.h"

#define SEARCH_BUDGET 200000

/* ---- operators ---------------------------------------------------------- */
static const struct {
    const char *name;
    uint8_t op;
    bool negated;
} op_table[] = {
    {"StringEquals", OP_STR_EQ, false},
    {"StringNotEquals", OP_STR_EQ, true},
    {"StringEqualsIgnoreCase", OP_STR_EQ_IC, false},
    {"StringNotEqualsIgnoreCase", OP_STR_EQ_IC, true},
    {"StringLike", OP_STR_LIKE, false},
    {"StringNotLike", OP_STR_LIKE, true},
    {"NumericEquals", OP_NUM_EQ, false},
    {"NumericNotEquals", OP_NUM_EQ, true},
    {"NumericLessThan", OP_NUM_LT, false},
    {"NumericLessThanEquals", OP_NUM_LE, false},
    {"NumericGreaterThan", OP_NUM_GT, false},
    {"NumericGreaterThanEquals", OP_NUM_GE, false},
    {"DateEquals", OP_DATE_EQ, false},
    {"DateNotEquals", OP_DATE_EQ, true},
    {"DateLessThan", OP_DATE_LT, false},
    {"DateLessThanEquals", OP_DATE_LE, false},
    {"DateGreaterThan", OP_DATE_GT, false},
    {"DateGreaterThanEquals", OP_DATE_GE, false},
    {"Bool", OP_BOOL, false},
    {"BinaryEquals", OP_BINARY, false},
    {"IpAddress", OP_IP, false},
    {"NotIpAddress", OP_IP, true},
    {"ArnEquals", OP_ARN_LIKE, false},
    {"ArnLike", OP_ARN_LIKE, false},
    {"ArnNotEquals", OP_ARN_LIKE, true},
    {"ArnNotLike", OP_ARN_LIKE, true},
    {"Null", OP_NULL, false},
};

int iam_parse_operator(const char *name, iam_clause *c)
{
    c->op = OP_UNKNOWN;
    c->setq = SETQ_NONE;
    c->negated = c->ifexists = false;
    const char *n = name;
    if (strncasecmp(n, "ForAnyValue:", 12) == 0) {
        c->setq = SETQ_ANY;
        n += 12;
    } else if (strncasecmp(n, "ForAllValues:", 13) == 0) {
        c->setq = SETQ_ALL;
        n += 13;
    }
    size_t len = strlen(n);
    if (len > 8 && strcasecmp(n + len - 8, "IfExists") == 0) {
        c->ifexists = true;
        len -= 8;
    }
    for (size_t i = 0; i < sizeof op_table / sizeof op_table[0]; i++) {
        if (strlen(op_table[i].name) == len && strncasecmp(op_table[i].name, n, len) == 0) {
            if (op_table[i].op == OP_NULL && c->ifexists) return -1; /* NullIfExists does not exist */
            c->op = op_table[i].op;
            c->negated = op_table[i].negated;
            return 0;
        }
    }
    return -1;
}

/* ---- values ------------------------------------------------------------- */

/* ISO 8601 ("2020-01-02", "2020-01-02T03:04:05[.sss](Z|+hh:mm)") or epoch
 * seconds; NaN when neither. */
static double parse_date(const char *s)
{
    if (!s || !*s) return NAN;
    const char *p = s;
    if (*p == '-' || isdigit((unsigned char)*p)) {
        char *end;
        double d = strtod(s, &end);
        if (*end == 0 && !strchr(s, '-')) return d; /* epoch */
    }
    int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
    if (sscanf(p, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) return NAN;
    if (mo < 1 || mo > 12 || d < 1 || d > 31) return NAN;
    p += n;
    double frac = 0, off = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (sscanf(p, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5) return NAN;
        p += n;
        if (*p == ':') {
            if (sscanf(p, ":%2d%n", &sec, &n) != 1 || n != 3) return NAN;
            p += n;
        }
        if (*p == '.') {
            char *end;
            frac = strtod(p, &end);
            p = end;
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om = 0;
            int sign = *p == '-' ? -1 : 1;
            if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) == 2 && n == 5) p += 6;
            else if (sscanf(p + 1, "%2d%n", &oh, &n) == 1 && n == 2) p += 3;
            else return NAN;
            off = sign * (oh * 3600.0 + om * 60.0);
        }
    }
    if (*p) return NAN;
    return (double)cw_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400.0 + h * 3600.0 + mi * 60.0 + sec +
           frac - off;
}

static double parse_num(const char *s)
{
    if (!s || !*s) return NAN;
    char *end;
    double d = strtod(s, &end);
    while (*end && isspace((unsigned char)*end)) end++;
    return *end || end == s ? NAN : d;
}

void iam_parse_value(cw_arena *a, const cw_json *v, iam_val *out)
{
    memset(out, 0, sizeof *out);
    if (!v || v->type == CW_JNULL) out->s = "";
    else if (v->type == CW_JSTR) out->s = v->u.str;
    else if (v->type == CW_JBOOL) out->s = v->b ? "true" : "false";
    else if (v->type == CW_JNUM) out->s = v->is_int ? cw_arena_printf(a, "%lld", (long long)v->u.num)
                                                    : cw_arena_printf(a, "%.17g", v->u.num);
    else out->s = ""; /* nested structures are not condition values */
    out->num = parse_num(out->s);
    out->date = parse_date(out->s);
    out->var = strstr(out->s, "${") != NULL;
    out->wild = out->var || strpbrk(out->s, "*?") != NULL;
    cw_u128 lo, hi;
    int fam;
    if (cw_ip_parse_cidr(out->s, &fam, &lo, &hi) == 0) {
        out->fam = fam;
        out->lo = lo;
        out->hi = hi;
    }
}

/* ---- key classes -------------------------------------------------------- */
static const struct {
    const char *name;
    int cls;
} key_table[] = {
    {"aws:sourceip", KC_IP_PUBLIC},
    {"aws:vpcsourceip", KC_IP_ANY},
    {"aws:securetransport", KC_PRESENT},
    {"aws:currenttime", KC_TIME},
    {"aws:epochtime", KC_TIME},
    {"aws:sourcevpc", KC_RESTRICT},
    {"aws:sourcevpce", KC_RESTRICT},
    {"aws:sourcevpcarn", KC_RESTRICT_ARN},
    {"aws:principalorgid", KC_RESTRICT},
    {"aws:principalorgpaths", KC_RESTRICT_PATH},
    {"aws:principalaccount", KC_RESTRICT},
    {"aws:principalarn", KC_RESTRICT_ARN},
    {"aws:sourceaccount", KC_RESTRICT},
    {"aws:sourcearn", KC_RESTRICT_ARN},
    {"aws:sourceowner", KC_RESTRICT},
    {"aws:sourceorgid", KC_RESTRICT},
    {"aws:sourceorgpaths", KC_RESTRICT_PATH},
    {"aws:userid", KC_RESTRICT_UID},
    {"aws:principalservicename", KC_RESTRICT},
    {"aws:principalservicenameslist", KC_RESTRICT},
    {"aws:principalisawsservice", KC_RESTRICT_FALSE},
    {"s3:dataaccesspointaccount", KC_RESTRICT},
    {"s3:dataaccesspointarn", KC_RESTRICT_ARN},
    {"s3:x-amz-server-side-encryption-aws-kms-key-id", KC_RESTRICT_ARN},
    {"kms:calleraccount", KC_RESTRICT},
};

int iam_key_class(const char *lower)
{
    for (size_t i = 0; i < sizeof key_table / sizeof key_table[0]; i++)
        if (strcmp(key_table[i].name, lower) == 0) return key_table[i].cls;
    return KC_FREE;
}

static bool is_account_key(const char *k)
{
    return strstr(k, "account") != NULL || strcmp(k, "aws:sourceowner") == 0;
}

/* ---- matching ----------------------------------------------------------- */
static bool val_matches(uint8_t op, const iam_val *val, const iam_cand *c)
{
    switch (op) {
    case OP_STR_EQ:
        return val->var || strcmp(val->s, c->s) == 0;
    case OP_STR_EQ_IC:
        return val->var || strcasecmp(val->s, c->s) == 0;
    case OP_STR_LIKE:
        return val->var || cw_glob_match(val->s, c->s, false);
    case OP_BINARY:
        return strcmp(val->s, c->s) == 0;
    case OP_BOOL:
        return strcasecmp(val->s, c->s) == 0;
    case OP_ARN_LIKE:
        return val->var || iam_arn_like(val->s, c->s);
    case OP_IP:
        return val->fam && c->fam == val->fam && c->ip >= val->lo && c->ip <= val->hi;
    case OP_NUM_EQ: return !isnan(val->num) && c->num == val->num;
    case OP_NUM_LT: return !isnan(val->num) && c->num < val->num;
    case OP_NUM_LE: return !isnan(val->num) && c->num <= val->num;
    case OP_NUM_GT: return !isnan(val->num) && c->num > val->num;
    case OP_NUM_GE: return !isnan(val->num) && c->num >= val->num;
    case OP_DATE_EQ: return !isnan(val->date) && c->date == val->date;
    case OP_DATE_LT: return !isnan(val->date) && c->date < val->date;
    case OP_DATE_LE: return !isnan(val->date) && c->date <= val->date;
    case OP_DATE_GT: return !isnan(val->date) && c->date > val->date;
    case OP_DATE_GE: return !isnan(val->date) && c->date >= val->date;
    default:
        return false;
    }
}

bool iam_clause_eval(const iam_clause *c, const iam_cand *v, bool in_deny)
{
    if (c->op == OP_UNKNOWN) return !in_deny; /* the side that favours the caller */
    if (c->op == OP_NULL) {
        for (size_t i = 0; i < c->nvals; i++) {
            bool want_absent = strcasecmp(c->vals[i].s, "true") == 0;
            if (want_absent == v->absent) return true;
        }
        return false;
    }
    if (v->absent) {
        if (c->ifexists || c->setq == SETQ_ALL) return true;
        if (c->setq == SETQ_ANY) return false;
        return c->negated;
    }
    bool m = false;
    for (size_t i = 0; i < c->nvals && !m; i++) m = val_matches(c->op, &c->vals[i], v);
    return c->negated ? !m : m;
}

/* ---- representative values ---------------------------------------------- */
typedef struct cand_vec {
    iam_cand *v;
    size_t n, cap;
} cand_vec;

static void cpush(cand_vec *cv, const iam_cand *c)
{
    for (size_t i = 0; i < cv->n; i++) { /* dedupe */
        const iam_cand *o = &cv->v[i];
        if (o->absent != c->absent || o->fam != c->fam) continue;
        if (c->absent) return;
        if (c->fam ? o->ip == c->ip : strcmp(o->s, c->s) == 0) return;
    }
    if (cv->n == cv->cap) {
        cv->cap = cv->cap ? cv->cap * 2 : 16;
        cv->v = cw_xrealloc(cv->v, cv->cap * sizeof *cv->v);
    }
    cv->v[cv->n++] = *c;
}

static void cpush_str(cand_vec *cv, const char *s, bool foreign)
{
    iam_cand c = {0};
    c.s = s;
    c.foreign = foreign;
    c.num = parse_num(s);
    c.date = parse_date(s);
    cpush(cv, &c);
}

/* "vpce-*" -> "vpce-cw": an instance of a pattern (and of policy variables) */
static const char *instance(cw_arena *a, const char *pat)
{
    size_t n = strlen(pat);
    char *o = cw_arena_alloc(a, n * 2 + 3);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (pat[i] == '$' && pat[i + 1] == '{') {
            const char *e = strchr(pat + i, '}');
            if (e) {
                o[j++] = 'c';
                o[j++] = 'w';
                i = (size_t)(e - pat);
                continue;
            }
        }
        if (pat[i] == '*') {
            o[j++] = 'c';
            o[j++] = 'w';
        } else if (pat[i] == '?') {
            o[j++] = 'x';
        } else {
            o[j++] = pat[i];
        }
    }
    o[j] = 0;
    return o;
}

/* The class of a key under a mode: S3's Block Public Access definition counts
 * neither aws:CurrentTime (a grant that starts next week is public already)
 * nor, since the user guide dropped it, the KMS key-id header as a
 * restriction. */
static int mode_class(const iam_key *k, int mode)
{
    if (mode == CW_POLICY_REACH) return k->cls;
    if (k->cls == KC_TIME) return KC_FREE;
    if (strcmp(k->name, "s3:x-amz-server-side-encryption-aws-kms-key-id") == 0) return KC_FREE;
    return k->cls;
}

/* Can a stranger present a value matching this wildcard pattern? Under S3's
 * definition only fixed values restrict: any wildcard is the stranger's, except
 * the role-id prefix of aws:userid ("AROAID:*") and, in bucket policies, an
 * access point name under a fixed account in s3:DataAccessPointArn. */
static bool pattern_is_strangers(int cls, const char *pat, int mode, const char *key)
{
    if (mode != CW_POLICY_REACH && cls != KC_RESTRICT_UID &&
        !(mode == CW_POLICY_S3_BPA && strcmp(key, "s3:dataaccesspointarn") == 0))
        return true;
    if (cls == KC_RESTRICT) return true;
    if (cls == KC_RESTRICT_UID || cls == KC_RESTRICT_PATH) {
        const char *colon = strchr(pat, cls == KC_RESTRICT_UID ? ':' : '/');
        size_t idlen = colon ? (size_t)(colon - pat) : strlen(pat);
        for (size_t i = 0; i < idlen; i++)
            if (pat[i] == '*' || pat[i] == '?' || pat[i] == '$') return true;
        return false;
    }
    if (cls == KC_RESTRICT_ARN) {
        /* arn:partition:service:region:account:resource */
        const char *f[6];
        int nf = 0;
        f[nf++] = pat;
        for (const char *p = pat; *p && nf < 6; p++)
            if (*p == ':') f[nf++] = p + 1;
        if (nf < 6) return true;
        const char *acct = f[4], *acct_end = f[5] - 1;
        if (acct == acct_end) return true; /* no account field (S3 ARNs) */
        for (const char *p = acct; p < acct_end; p++)
            if (*p == '*' || *p == '?' || *p == '$') return true;
        /* a '*' in an earlier field may swallow the account separator */
        for (const char *p = pat; p < acct; p++)
            if (*p == '*') return true;
        return false;
    }
    return true;
}

static bool collides(const cand_vec *lits, const char *s)
{
    for (size_t i = 0; i < lits->n; i++)
        if (strcasecmp(lits->v[i].s, s) == 0) return true;
    return false;
}

bool iam_ip_broad(const iam_val *v)
{
    if (v->fam == 4) return v->hi - v->lo > 0xFFFFFFu;
    if (v->fam == 6) return v->hi - v->lo > (((cw_u128)1 << 96) - 1);
    return false;
}

/* The owner's address space for aws:SourceIp: the ranges of the clauses that
 * pin callers to addresses (IpAddress in an Allow, NotIpAddress in a Deny)
 * when a clause's ranges do not cover every public address of the family by
 * themselves, leaving out ranges broader than /8 (IPv4) or /32 (IPv6), which
 * S3 counts as public ("The meaning of public"); nothing when all of them
 * together cover the internet (256 /8s in two statements). RFC 1918 ranges
 * are /8 or narrower and hold no internet caller anyway. Strangers have
 * addresses outside it. */
static void owner_space(const cw_policy *p, int ki, int fam, cw_ipset *r)
{
    cw_ipset one;
    cw_ipset_init(&one, fam);
    for (size_t si = 0; si < p->nst; si++) {
        const iam_stmt *st = &p->st[si];
        for (size_t ci = 0; ci < st->nconds; ci++) {
            const iam_clause *c = &st->conds[ci];
            if (c->key != ki || c->op != OP_IP || c->negated == st->allow) continue;
            cw_ipset_clear(&one);
            /* a range broader than /8 (IPv4) or /32 (IPv6) is nobody's own:
             * strangers have addresses in it */
            for (size_t vi = 0; vi < c->nvals; vi++)
                if (c->vals[vi].fam == fam && !iam_ip_broad(&c->vals[vi]))
                    cw_ipset_add(&one, c->vals[vi].lo, c->vals[vi].hi);
            cw_ipset_normalize(&one);
            if (!cw_ipset_covers_public(&one)) cw_ipset_add_set(r, &one);
        }
    }
    cw_ipset_free(&one);
    cw_ipset_normalize(r);
    if (cw_ipset_covers_public(r)) cw_ipset_clear(r);
}

/* One address per elementary interval of the CIDRs on key k: every address
 * of the family (or every public one outside the owner's space) behaves
 * like one of them under every IP clause of the policy. */
static void ip_candidates(cand_vec *cv, cw_arena *a, const iam_key *k, const cw_policy *p, bool public_only)
{
    int ki = (int)(k - p->keys);
    for (int fam = 4; fam <= 6; fam += 2) {
        cw_iprange dom[32];
        size_t nd;
        cw_ipset owner;
        cw_ipset_init(&owner, fam);
        if (public_only) {
            nd = cw_ip_public_ranges(fam, dom, 32);
            owner_space(p, ki, fam, &owner);
        } else {
            dom[0].lo = 0;
            dom[0].hi = cw_ip_max(fam);
            nd = 1;
        }
        /* breakpoints: the first address of every CIDR and the one after it */
        cw_u128 *bp = NULL;
        size_t nbp = 0, cap = 0;
        for (size_t si = 0; si < p->nst; si++) {
            const iam_stmt *st = &p->st[si];
            for (size_t ci = 0; ci < st->nconds; ci++) {
                const iam_clause *c = &st->conds[ci];
                if (c->key != ki || c->op != OP_IP) continue;
                for (size_t vi = 0; vi < c->nvals; vi++) {
                    const iam_val *v = &c->vals[vi];
                    if (v->fam != fam) continue;
                    if (nbp + 2 > cap) {
                        cap = cap ? cap * 2 : 16;
                        bp = cw_xrealloc(bp, cap * sizeof *bp);
                    }
                    bp[nbp++] = v->lo;
                    if (v->hi != cw_ip_max(fam)) bp[nbp++] = v->hi + 1;
                }
            }
        }
        for (size_t i = 0; i < owner.n; i++) { /* the owner's space is cut out */
            if (nbp + 2 > cap) {
                cap = cap ? cap * 2 : 16;
                bp = cw_xrealloc(bp, cap * sizeof *bp);
            }
            bp[nbp++] = owner.v[i].lo;
            if (owner.v[i].hi != cw_ip_max(fam)) bp[nbp++] = owner.v[i].hi + 1;
        }
        for (size_t di = 0; di < nd; di++) {
            iam_cand c = {0};
            c.fam = fam;
            char buf[64];
            for (size_t b = 0; b <= nbp; b++) {
                cw_u128 at = b == nbp ? dom[di].lo : bp[b];
                if (at < dom[di].lo || at > dom[di].hi) continue;
                if (cw_ipset_contains(&owner, at)) continue;
                c.ip = at;
                c.s = cw_arena_strdup(a, cw_ip_format(fam, c.ip, buf, sizeof buf));
                cpush(cv, &c);
            }
        }
        free(bp);
        cw_ipset_free(&owner);
    }
}

static const char *fixed_value(const cw_policy_ctx *ctx, const char *lower)
{
    for (size_t i = 0; ctx && i < ctx->nfixed; i++)
        if (strcasecmp(ctx->fixed[i].key, lower) == 0) return ctx->fixed[i].value;
    return NULL;
}

static void build_key(cw_policy *p, iam_key *k, cw_arena *a, int64_t now, int mode, const char *fixed)
{
    cand_vec cv = {0}, lits = {0};
    bool has_bool = false, has_ip = false;
    int ki = (int)(k - p->keys);
    for (size_t si = 0; si < p->nst; si++) {
        const iam_stmt *st = &p->st[si];
        for (size_t ci = 0; ci < st->nconds; ci++) {
            const iam_clause *c = &st->conds[ci];
            if (c->key != ki) continue;
            has_bool |= c->op == OP_BOOL;
            has_ip |= c->op == OP_IP;
            for (size_t vi = 0; vi < c->nvals; vi++) {
                iam_cand l = {0};
                l.s = c->vals[vi].s;
                cpush(&lits, &l);
            }
        }
    }
    int cls = mode_class(k, mode);
    iam_cand absent = {0};
    absent.absent = true;
    absent.s = "";
    if (fixed) {
        iam_cand c = {0};
        c.s = fixed;
        c.num = parse_num(fixed);
        c.date = parse_date(fixed);
        int fam;
        cw_u128 lo, hi;
        if (cw_ip_parse_cidr(fixed, &fam, &lo, &hi) == 0) c.fam = fam, c.ip = lo;
        cpush(&cv, &c);
    } else if (cls == KC_TIME) {
        cpush_str(&cv, cw_arena_printf(a, "%lld", (long long)now), false);
    } else if (cls == KC_IP_PUBLIC || cls == KC_IP_ANY) {
        if (cls == KC_IP_ANY) cpush(&cv, &absent);
        ip_candidates(&cv, a, k, p, cls == KC_IP_PUBLIC);
    } else if (cls == KC_RESTRICT_FALSE) {
        cpush(&cv, &absent);
        cpush_str(&cv, "false", true);
    } else if (cls >= KC_RESTRICT) {
        cpush(&cv, &absent);
        const char *base = cls == KC_RESTRICT_ARN ? "arn:aws:iam::000000000000:user/cw-outsider"
                           : cls == KC_RESTRICT_UID ? "AIDACWOUTSIDER000000"
                           : is_account_key(k->name) ? "000000000000"
                                                     : "cw-outsider";
        const char *f = base;
        for (int i = 0; collides(&lits, f) && i < 8; i++) f = cw_arena_printf(a, "%s%d", base, i);
        cpush_str(&cv, f, true);
        for (size_t i = 0; i < lits.n; i++) {
            const char *s = lits.v[i].s;
            if ((strpbrk(s, "*?") || strstr(s, "${")) && pattern_is_strangers(cls, s, mode, k->name))
                cpush_str(&cv, instance(a, s), true);
        }
    } else { /* KC_FREE, KC_PRESENT */
        if (cls == KC_FREE) cpush(&cv, &absent);
        if (has_bool) {
            cpush_str(&cv, "true", false);
            cpush_str(&cv, "false", false);
        }
        const char *f = "cw-any-value";
        for (int i = 0; collides(&lits, f) && i < 8; i++) f = cw_arena_printf(a, "cw-any-value%d", i);
        cpush_str(&cv, f, true);
        for (size_t i = 0; i < lits.n; i++) {
            const char *s = lits.v[i].s;
            cpush_str(&cv, s, false);
            if (strpbrk(s, "*?") || strstr(s, "${")) cpush_str(&cv, instance(a, s), false);
            double n = parse_num(s);
            if (!isnan(n)) {
                cpush_str(&cv, cw_arena_printf(a, "%.17g", n - 1), false);
                cpush_str(&cv, cw_arena_printf(a, "%.17g", n + 1), false);
            }
            double d = parse_date(s);
            if (!isnan(d) && isnan(n)) {
                cpush_str(&cv, cw_arena_printf(a, "%.0f", d - 1), false);
                cpush_str(&cv, cw_arena_printf(a, "%.0f", d + 1), false);
            }
        }
        if (has_ip) ip_candidates(&cv, a, k, p, false);
    }
    k->mcands[mode] = cw_arena_alloc(a, (cv.n ? cv.n : 1) * sizeof *k->cands);
    if (cv.n) memcpy(k->mcands[mode], cv.v, cv.n * sizeof *cv.v);
    k->nmcands[mode] = cv.n;
    free(cv.v);
    free(lits.v);
}

void iam_build_candidates(cw_policy *p, cw_arena *a, const cw_policy_ctx *ctx)
{
    int mode = ctx && ctx->mode > 0 && ctx->mode < IAM_NMODES ? ctx->mode : 0;
    int64_t now = ctx ? ctx->now : 0;
    const void *fx = ctx && ctx->nfixed ? (const void *)ctx->fixed : NULL;
    if (!(p->cands_ready[mode] && p->cands_now[mode] == now && p->cands_fixed[mode] == fx)) {
        for (size_t i = 0; i < p->nkeys; i++)
            build_key(p, &p->keys[i], a, now, mode, fixed_value(ctx, p->keys[i].name));
        p->cands_ready[mode] = true;
        p->cands_now[mode] = now;
        p->cands_fixed[mode] = fx;
    }
    p->mode = mode;
    for (size_t i = 0; i < p->nkeys; i++) {
        p->keys[i].cands = p->keys[i].mcands[mode];
        p->keys[i].ncands = p->keys[i].nmcands[mode];
    }
}

/* ---- search --------------------------------------------------------------- */
typedef struct search {
    const cw_policy *p;
    const iam_stmt *const *denies;
    size_t nd;
    bool **ok;       /* ok[key][cand]: allowed by the Allow statement */
    int *order;      /* keys to assign */
    size_t norder;
    int *pos;        /* key -> position in order, -1 */
    size_t *last;    /* deny -> position of its last key */
    int *choice;
    long budget;
} search;

static bool deny_applies(const search *S, const iam_stmt *d)
{
    for (size_t i = 0; i < d->nconds; i++) {
        const iam_clause *c = &d->conds[i];
        const iam_key *k = &S->p->keys[c->key];
        int ch = S->choice[c->key];
        if (ch < 0) return false;
        if (!iam_clause_eval(c, &k->cands[ch], true)) return false;
    }
    return true;
}

static int backtrack(search *S, size_t i)
{
    if (i == S->norder) return 1;
    int key = S->order[i];
    const iam_key *k = &S->p->keys[key];
    for (size_t c = 0; c < k->ncands; c++) {
        if (!S->ok[key][c]) continue;
        if (--S->budget < 0) return -1;
        S->choice[key] = (int)c;
        bool dead = false;
        for (size_t d = 0; d < S->nd && !dead; d++)
            if (S->last[d] == i && deny_applies(S, S->denies[d])) dead = true;
        if (dead) continue;
        int r = backtrack(S, i + 1);
        if (r != 0) return r;
    }
    S->choice[key] = -1;
    return 0;
}

int iam_search(const cw_policy *p, const iam_stmt *allow, const iam_stmt *const *denies, size_t nd, int *choice)
{
    size_t K = p->nkeys;
    for (size_t k = 0; k < K; k++) choice[k] = -1;
    for (size_t d = 0; d < nd; d++)
        if (!denies[d]->nconds) return 0;
    search S = {0};
    S.p = p;
    S.denies = denies;
    S.nd = nd;
    S.choice = choice;
    S.budget = SEARCH_BUDGET;
    S.ok = cw_xcalloc(K ? K : 1, sizeof *S.ok);
    S.order = cw_xmalloc((K ? K : 1) * sizeof *S.order);
    S.pos = cw_xmalloc((K ? K : 1) * sizeof *S.pos);
    S.last = cw_xcalloc(nd ? nd : 1, sizeof *S.last);
    int result = 0;
    for (size_t k = 0; k < K; k++) {
        S.pos[k] = -1;
        S.ok[k] = cw_xmalloc((p->keys[k].ncands ? p->keys[k].ncands : 1) * sizeof **S.ok);
        for (size_t c = 0; c < p->keys[k].ncands; c++) S.ok[k][c] = true;
    }
    for (size_t i = 0; i < allow->nconds; i++) {
        const iam_clause *c = &allow->conds[i];
        const iam_key *k = &p->keys[c->key];
        for (size_t j = 0; j < k->ncands; j++)
            if (S.ok[c->key][j] && !iam_clause_eval(c, &k->cands[j], false)) S.ok[c->key][j] = false;
    }
    /* every key of the Allow needs a surviving value */
    for (size_t i = 0; i < allow->nconds; i++) {
        int key = allow->conds[i].key;
        int first = -1;
        for (size_t j = 0; j < p->keys[key].ncands && first < 0; j++)
            if (S.ok[key][j]) first = (int)j;
        if (first < 0) goto out;
        choice[key] = first;
    }
    for (size_t d = 0; d < nd; d++) {
        for (size_t i = 0; i < denies[d]->nconds; i++) {
            int key = denies[d]->conds[i].key;
            if (S.pos[key] < 0) {
                S.pos[key] = (int)S.norder;
                S.order[S.norder++] = key;
            }
            if ((size_t)S.pos[key] > S.last[d]) S.last[d] = (size_t)S.pos[key];
        }
    }
    {
        int saved[64];
        size_t nsave = S.norder < 64 ? S.norder : 64;
        for (size_t i = 0; i < nsave; i++) saved[i] = choice[S.order[i]];
        result = backtrack(&S, 0);
        if (result == 0)
            for (size_t i = 0; i < nsave; i++) choice[S.order[i]] = saved[i];
    }
out:
    for (size_t k = 0; k < K; k++) free(S.ok[k]);
    free(S.ok);
    free(S.order);
    free(S.pos);
    free(S.last);
    return result;
}

const char *iam_describe_choice(const cw_policy *p, cw_arena *a, const iam_stmt *const *stmts, size_t n,
                                const int *choice)
{
    char *out = cw_arena_strdup(a, "");
    bool *seen = cw_arena_zalloc(a, p->nkeys ? p->nkeys : 1);
    for (size_t s = 0; s < n; s++) {
        for (size_t i = 0; i < stmts[s]->nconds; i++) {
            int key = stmts[s]->conds[i].key;
            if (seen[key] || choice[key] < 0) continue;
            seen[key] = true;
            const iam_key *k = &p->keys[key];
            const iam_cand *c = &k->cands[choice[key]];
            if (k->cls == KC_TIME && !c->absent && !isnan(c->num)) {
                char buf[48];
                cw_time_format((int64_t)c->num * 1000000, buf, sizeof buf);
                out = cw_arena_printf(a, "%s%s%s=%s%s", out, *out ? ", " : "", k->display, buf,
                                      p->mode == CW_POLICY_REACH ? " (the time of the scan)" : "");
                continue;
            }
            const char *v = c->absent        ? "absent"
                            : !c->foreign    ? c->s
                            : k->cls >= KC_RESTRICT ? "set to its own value"
                                                    : "set to any other value";
            out = cw_arena_printf(a, "%s%s%s%s%s", out, *out ? ", " : "", k->display,
                                  c->absent || c->foreign ? " " : "=", v);
        }
    }
    return out;
}

/* ---- time ------------------------------------------------------------------ */
int64_t cw_policy_next_time_change(const cw_policy *p, int64_t now)
{
    double best = 0;
    for (size_t si = 0; p && si < p->nst; si++) {
        const iam_stmt *st = &p->st[si];
        for (size_t ci = 0; ci < st->nconds; ci++) {
            const iam_clause *c = &st->conds[ci];
            if (p->keys[c->key].cls != KC_TIME) continue;
            bool numeric = c->op >= OP_NUM_EQ && c->op <= OP_NUM_GE;
            for (size_t vi = 0; vi < c->nvals; vi++) {
                double t = numeric ? c->vals[vi].num : c->vals[vi].date;
                if (isnan(t)) continue;
                /* "greater than t" turns true just after t */
                if (c->op == OP_DATE_GT || c->op == OP_NUM_GT || c->op == OP_DATE_EQ || c->op == OP_NUM_EQ) t += 1;
                t = ceil(t);
                if (t > (double)now && (best == 0 || t < best)) best = t;
            }
        }
    }
    return (int64_t)best;
}
