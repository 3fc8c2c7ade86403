/* rules_eval.c - evaluate compiled conditions against one asset.
 *
 * Values are const cw_json pointers into the asset (or into a caller's
 * temporary); NULL means absent. JSON null behaves as absent except in
 * `= null` / `!= null`. Comparisons with an absent operand are false.
 * The hot path allocates nothing: computed strings (lower(), keys()) go to a
 * scratch area that is reset per asset. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../util/timeutil.h"
#include "rules_int.h"

struct cw_scratch_blk {
    cw_scratch_blk *next;
    size_t cap;
    char data[];
};

void cw_ectx_init(cw_ectx *x, int64_t today)
{
    memset(x, 0, sizeof *x);
    x->today = today;
    x->md = pcre2_match_data_create(1, NULL);
    if (!x->md) cw_oom(sizeof(pcre2_match_data *));
    /* PCRE2's default JIT stack (32 KiB) fails `^(?:a|b)+$` on a value of
     * 2,000 characters; configuration values (policies, certificates, user
     * data) run to hundreds of KB. The stack is reserved, and only touched as
     * a match needs it. */
    x->mctx = pcre2_match_context_create(NULL);
    x->jit = pcre2_jit_stack_create(32 * 1024, CW_REGEX_JIT_STACK_MAX, NULL);
    if (!x->mctx) cw_oom(sizeof(pcre2_match_context *));
    if (x->jit) pcre2_jit_stack_assign(x->mctx, NULL, x->jit);
}

int cw_ectx_regex_error(cw_ectx *x, const char *rule_id, cw_diags *d)
{
    if (!x->re_err) return 0;
    PCRE2_UCHAR msg[256];
    if (pcre2_get_error_message(x->re_err, msg, sizeof msg) < 0) snprintf((char *)msg, sizeof msg, "error");
    const cw_cnode *n = x->re_node;
    const cw_asset *as = x->asset;
    const char *id = as && as->id ? as->id : "?";
    int idlen = (int)strnlen(id, 240); /* a resource id can be as long as its value: cut for the message */
    cw_cond_error(d, n->src, n->oppos ? n->oppos : n->pos,
                  "rule %s: the regular expression could not be evaluated on resource %.*s%s (a %zu-byte value): %s "
                  "(PCRE2 error %d); it is counted as not matching, so the rule's result for this resource may be wrong",
                  rule_id, idlen, id, id[idlen] ? "..." : "", x->re_len, (const char *)msg, x->re_err);
    x->re_err = 0;
    x->re_node = NULL;
    return 1;
}

void cw_ectx_free(cw_ectx *x)
{
    for (cw_scratch_blk *b = x->first, *n; b; b = n) {
        n = b->next;
        free(b);
    }
    pcre2_match_data_free(x->md);
    pcre2_match_context_free(x->mctx);
    pcre2_jit_stack_free(x->jit);
    memset(x, 0, sizeof *x);
}

void cw_ectx_reset(cw_ectx *x)
{
    x->blk = x->first;
    x->used = 0;
}

void *cw_ectx_alloc(cw_ectx *x, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (x->blk && x->used + n <= x->blk->cap) {
        void *p = x->blk->data + x->used;
        x->used += n;
        return p;
    }
    /* next block (reused after a reset) or a new one */
    cw_scratch_blk *b = x->blk ? x->blk->next : x->first;
    while (b && b->cap < n) b = b->next;
    if (!b) {
        size_t cap = n > 65536 ? n : 65536;
        b = cw_xmalloc(sizeof *b + cap);
        b->cap = cap;
        b->next = NULL;
        if (!x->first) x->first = b;
        else {
            cw_scratch_blk *t = x->blk ? x->blk : x->first;
            while (t->next) t = t->next;
            t->next = b;
        }
    }
    x->blk = b;
    x->used = n;
    return b->data;
}

/* ---- dates --------------------------------------------------------------- */

int64_t cw_date_days(const char *s, size_t len)
{
    if (len < 10) return INT64_MIN;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-') return INT64_MIN;
        } else if (s[i] < '0' || s[i] > '9') return INT64_MIN;
    }
    if (len > 10 && s[10] != 'T' && s[10] != ' ' && s[10] != 't') return INT64_MIN;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0')), d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) return INT64_MIN;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return INT64_MIN;
    return cw_days_from_civil(y, m, d);
}

int64_t cw_today_days(const char *today)
{
    if (today) return cw_date_days(today, strlen(today));
    return (int64_t)(time(NULL) / 86400);
}

/* ---- values --------------------------------------------------------------- */
static inline bool present(const cw_json *v) { return v && v->type != CW_JNULL; }

bool cw_json_truthy(const cw_json *v)
{
    if (!v) return false;
    if (v->type == CW_JBOOL) return v->b;
    if (v->type == CW_JSTR) return v->len == 4 && strncasecmp(v->u.str, "true", 4) == 0;
    return false;
}

static bool str_num(const cw_json *s, double *out)
{
    if (s->len == 0 || s->len > 60) return false;
    char buf[64], *end;
    memcpy(buf, s->u.str, s->len);
    buf[s->len] = 0;
    if (buf[0] == ' ') return false;
    *out = strtod(buf, &end);
    return *end == 0;
}

static const cw_json *member(const cw_json *o, const char *k, uint32_t kl)
{
    if (o->type != CW_JOBJ) return NULL;
    const cw_jmember *m = o->u.members;
    if (kl == 0) {
        for (uint32_t i = 0; i < o->len; i++)
            if (cw_jkeylen(&m[i]) == 0) return &m[i].val;
        return NULL;
    }
    /* first byte and length first: most keys differ there */
    const char c0 = k[0];
    for (uint32_t i = 0; i < o->len; i++)
        if (m[i].key[0] == c0 && cw_jkeylen(&m[i]) == kl && cw_key_eq(m[i].key, k, kl)) return &m[i].val;
    /* AWS Config mixes camelCase and PascalCase: fall back to ignoring case */
    const char l0 = (char)(c0 | 0x20);
    for (uint32_t i = 0; i < o->len; i++)
        if ((char)(m[i].key[0] | 0x20) == l0 && cw_jkeylen(&m[i]) == kl && strncasecmp(m[i].key, k, kl) == 0)
            return &m[i].val;
    return NULL;
}

static const cw_json *walk(const cw_json *v, const cw_pseg *s, uint32_t n)
{
    for (uint32_t i = 0; i < n && v; i++) {
        if (s[i].key) v = member(v, s[i].key, s[i].keylen);
        else if (v->type == CW_JARR) {
            int64_t ix = s[i].index < 0 ? (int64_t)v->len + s[i].index : s[i].index;
            v = (ix >= 0 && ix < (int64_t)v->len) ? &v->u.items[ix] : NULL;
        } else v = NULL;
    }
    return v;
}

static const char *resource_field(const cw_asset *a, int f)
{
    switch (f) {
    case 0: return a->provider;
    case 1: return a->type;
    case 2: return a->id;
    case 3: return a->resource_id;
    case 4: return a->name;
    case 5: return a->account;
    case 6: return a->region;
    case 7: return a->status;
    case 8: return a->capture_time;
    case 9: return a->source_file;
    default: return NULL;
    }
}

static const cw_json *set_bool(cw_json *t, bool b)
{
    memset(t, 0, sizeof *t);
    t->type = CW_JBOOL;
    t->b = b;
    return t;
}

static bool loose_eq(const cw_json *a, const cw_json *b, bool datecmp)
{
    if (datecmp && a->type == CW_JSTR && b->type == CW_JSTR) {
        int64_t x = cw_date_days(a->u.str, a->len), y = cw_date_days(b->u.str, b->len);
        return x != INT64_MIN && x == y;
    }
    if (a->type == b->type) {
        switch (a->type) {
        case CW_JSTR: return a->len == b->len && memcmp(a->u.str, b->u.str, a->len) == 0;
        case CW_JNUM: return a->u.num == b->u.num;
        case CW_JBOOL: return a->b == b->b;
        case CW_JNULL: return true;
        default: return cw_json_equal(a, b);
        }
    }
    if (a->type == CW_JSTR && b->type != CW_JSTR) {
        const cw_json *t = a;
        a = b, b = t;
    }
    /* a is not a string; b may be */
    if (b->type != CW_JSTR) return false;
    if (a->type == CW_JNUM) {
        double d;
        return str_num(b, &d) && d == a->u.num;
    }
    if (a->type == CW_JBOOL)
        return (b->len == 4 && a->b && strncasecmp(b->u.str, "true", 4) == 0) ||
               (b->len == 5 && !a->b && strncasecmp(b->u.str, "false", 5) == 0);
    return false;
}

/* -1/0/1 in *r; false when the two cannot be ordered */
static bool order(const cw_json *a, const cw_json *b, bool datecmp, int *r)
{
    double x, y;
    if (datecmp) {
        if (a->type != CW_JSTR || b->type != CW_JSTR) return false;
        int64_t p = cw_date_days(a->u.str, a->len), q = cw_date_days(b->u.str, b->len);
        if (p == INT64_MIN || q == INT64_MIN) return false;
        *r = p < q ? -1 : p > q;
        return true;
    }
    if (a->type == CW_JSTR && b->type == CW_JSTR) {
        size_t n = a->len < b->len ? a->len : b->len;
        int c = memcmp(a->u.str, b->u.str, n);
        *r = c ? (c < 0 ? -1 : 1) : (a->len < b->len ? -1 : a->len > b->len);
        return true;
    }
    if (a->type == CW_JNUM) x = a->u.num;
    else if (a->type != CW_JSTR || !str_num(a, &x)) return false;
    if (b->type == CW_JNUM) y = b->u.num;
    else if (b->type != CW_JSTR || !str_num(b, &y)) return false;
    *r = x < y ? -1 : x > y;
    return true;
}

static bool contains_val(const cw_json *coll, const cw_json *v)
{
    if (coll->type == CW_JARR) {
        for (uint32_t i = 0; i < coll->len; i++)
            if (present(&coll->u.items[i]) && loose_eq(&coll->u.items[i], v, false)) return true;
        return false;
    }
    if (coll->type == CW_JOBJ && v->type == CW_JSTR) {
        for (uint32_t i = 0; i < coll->len; i++)
            if (cw_jkeylen(&coll->u.members[i]) == v->len && memcmp(coll->u.members[i].key, v->u.str, v->len) == 0)
                return true;
    }
    return false;
}

static const cw_json *eval_call(const cw_cnode *n, cw_ectx *x, cw_json *tmp)
{
    cw_json tmps[8];
    const cw_json *av[8] = {0};
    for (uint32_t i = 0; i < n->nargs; i++) {
        av[i] = cw_eval_val(n->args[i], x, &tmps[i]);
        if (av[i] && av[i]->type == CW_JNULL) av[i] = NULL;
    }
    return n->fn->impl(n, av, x, tmp);
}

static int quant_count(const cw_cnode *n, cw_ectx *x, bool stop_on_true, bool stop_on_false, int *first)
{
    cw_json dt;
    const cw_json *d = cw_eval_val(n->a, x, &dt);
    if (!d || (d->type != CW_JARR && d->type != CW_JOBJ)) return -1;
    int s = n->slot, cnt = 0;
    const cw_json *saved = x->vars[s];
    int32_t savedi = x->vidx[s];
    const cw_cnode *savedd = x->vdom[s];
    x->vdom[s] = n->a;
    if (first) *first = -1;
    for (uint32_t i = 0; i < d->len; i++) {
        x->vars[s] = d->type == CW_JARR ? &d->u.items[i] : &d->u.members[i].val;
        x->vidx[s] = (int32_t)i;
        bool b = cw_eval_bool(n->b, x);
        if (b) {
            cnt++;
            if (first && *first < 0) *first = (int)i;
            if (stop_on_true) break;
        } else if (stop_on_false) {
            cnt = -2;
            break;
        }
    }
    x->vars[s] = saved, x->vidx[s] = savedi, x->vdom[s] = savedd;
    return cnt;
}

const cw_json *cw_eval_val(const cw_cnode *n, cw_ectx *x, cw_json *tmp)
{
    switch (n->op) {
    case CN_LIT: return &n->lit;
    case CN_PATH: {
        const cw_asset *a = x->asset;
        switch (n->root) {
        case CR_VAR: return walk(x->vars[n->slot], n->segs, n->nsegs);
        case CR_FACTS: return a->facts ? walk(a->facts, n->segs, n->nsegs) : NULL;
        case CR_RAW: return a->raw ? walk(a->raw, n->segs, n->nsegs) : NULL;
        case CR_TAGS:
            if (!a->tags) return NULL;
            return n->nsegs ? member(a->tags, n->segs[0].key, n->segs[0].keylen) : a->tags;
        case CR_RESOURCE: {
            const char *s = resource_field(a, n->rfield);
            if (!s) return NULL;
            memset(tmp, 0, sizeof *tmp);
            tmp->type = CW_JSTR;
            tmp->u.str = s;
            tmp->len = (uint32_t)strlen(s);
            return tmp;
        }
        default: return NULL;
        }
    }
    case CN_MACRO:
        if (n->a->type == CW_T_BOOL) return set_bool(tmp, cw_eval_bool(n->a, x));
        return cw_eval_val(n->a, x, tmp);
    case CN_CALL: return eval_call(n, x, tmp);
    case CN_COUNT: {
        int c = quant_count(n, x, false, false, NULL);
        if (c < 0) return NULL;
        memset(tmp, 0, sizeof *tmp);
        tmp->type = CW_JNUM;
        tmp->u.num = c;
        tmp->is_int = 1;
        return tmp;
    }
    default: return set_bool(tmp, cw_eval_bool(n, x));
    }
}

bool cw_eval_bool(const cw_cnode *n, cw_ectx *x)
{
    cw_json ta, tb;
    const cw_json *a, *b;
    switch (n->op) {
    case CN_AND: return cw_eval_bool(n->a, x) && cw_eval_bool(n->b, x);
    case CN_OR: return cw_eval_bool(n->a, x) || cw_eval_bool(n->b, x);
    case CN_NOT: return !cw_eval_bool(n->a, x);
    case CN_MACRO: return n->a->type == CW_T_BOOL ? cw_eval_bool(n->a, x) : cw_json_truthy(cw_eval_val(n->a, x, &ta));
    case CN_LIT: case CN_PATH: case CN_CALL: return cw_json_truthy(cw_eval_val(n, x, &ta));
    case CN_EXISTS: return present(cw_eval_val(n->a, x, &ta));
    case CN_ANY: return quant_count(n, x, true, false, NULL) > 0;
    case CN_ALL: return quant_count(n, x, false, true, NULL) >= 0;
    case CN_COUNT: return false;
    default: break;
    }
    a = cw_eval_val(n->a, x, &ta);
    b = cw_eval_val(n->b, x, &tb);
    if (n->op == CN_EQ || n->op == CN_NE) {
        bool anull = !present(a), bnull = !present(b);
        /* "= null" tests absence */
        if ((b && b->type == CW_JNULL && n->b->op == CN_LIT) || (a && a->type == CW_JNULL && n->a->op == CN_LIT))
            return (n->op == CN_EQ) == (anull && bnull);
        if (anull || bnull) return false;
        return (n->op == CN_EQ) == loose_eq(a, b, n->datecmp);
    }
    if (!present(a) || !present(b)) return false;
    int r;
    switch (n->op) {
    case CN_LT: return order(a, b, n->datecmp, &r) && r < 0;
    case CN_LE: return order(a, b, n->datecmp, &r) && r <= 0;
    case CN_GT: return order(a, b, n->datecmp, &r) && r > 0;
    case CN_GE: return order(a, b, n->datecmp, &r) && r >= 0;
    case CN_IN: return contains_val(b, a);
    case CN_NOTIN: return (b->type == CW_JARR || b->type == CW_JOBJ) && !contains_val(b, a);
    case CN_CONTAINS:
        if (a->type == CW_JSTR)
            return b->type == CW_JSTR && memmem(a->u.str, a->len, b->u.str, b->len) != NULL;
        return contains_val(a, b);
    case CN_STARTS:
        return a->type == CW_JSTR && b->type == CW_JSTR && a->len >= b->len &&
               memcmp(a->u.str, b->u.str, b->len) == 0;
    case CN_ENDS:
        return a->type == CW_JSTR && b->type == CW_JSTR && a->len >= b->len &&
               memcmp(a->u.str + a->len - b->len, b->u.str, b->len) == 0;
    case CN_MATCHES: {
        if (a->type != CW_JSTR || !n->re) return false;
        int rc = pcre2_match(n->re, (PCRE2_SPTR)a->u.str, a->len, 0, 0, x->md, x->mctx);
        if (rc >= 0) return true;
        if (rc != PCRE2_ERROR_NOMATCH && !x->re_err) x->re_err = rc, x->re_node = n, x->re_len = a->len;
        return false;
    }
    default: return false;
    }
}

/* ---- explanations (only for assets that matched) -------------------------- */
void cw_value_text(cw_strbuf *sb, const cw_json *v, size_t cap)
{
    if (!v) {
        cw_sb_adds(sb, "(absent)");
        return;
    }
    size_t start = sb->len;
    switch (v->type) {
    case CW_JSTR: cw_sb_add(sb, v->u.str, v->len); break;
    case CW_JNUM:
        if (v->is_int) cw_sb_printf(sb, "%lld", (long long)v->u.num);
        else cw_sb_printf(sb, "%.15g", v->u.num);
        break;
    case CW_JBOOL: cw_sb_adds(sb, v->b ? "true" : "false"); break;
    case CW_JNULL: cw_sb_adds(sb, "null"); break;
    default: cw_json_write(sb, v, -1); break;
    }
    if (sb->len - start > cap) {
        size_t cut = start + cap;
        while (cut > start && ((unsigned char)sb->buf[cut] & 0xC0) == 0x80) cut--;
        sb->len = cut;
        sb->buf[cut] = 0;
        cw_sb_adds(sb, "...");
    }
}

static void text_of(cw_strbuf *sb, const cw_cnode *n)
{
    size_t e = n->end > n->pos ? n->end : n->pos;
    const char *t = n->src->text + n->pos;
    size_t len = e - n->pos;
    /* collapse runs of white space (block scalars) */
    bool sp = false;
    for (size_t i = 0; i < len; i++) {
        char c = t[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            sp = true;
            continue;
        }
        if (sp && sb->len && sb->buf[sb->len - 1] != ' ') cw_sb_addc(sb, ' ');
        sp = false;
        cw_sb_addc(sb, c);
    }
}

static void show_val(cw_strbuf *sb, const cw_cnode *n, cw_ectx *x)
{
    cw_json t;
    if (n->op == CN_PATH && n->root == CR_VAR && !n->nsegs && x->vdom[n->slot]) {
        text_of(sb, x->vdom[n->slot]);
        cw_sb_printf(sb, "[%d] = ", x->vidx[n->slot]);
    } else {
        text_of(sb, n);
        cw_sb_adds(sb, " = ");
    }
    const cw_json *v = cw_eval_val(n, x, &t);
    bool quote = v && v->type == CW_JSTR;
    if (quote) cw_sb_addc(sb, '"');
    cw_value_text(sb, v, 160);
    if (quote) cw_sb_addc(sb, '"');
}

/* operands worth showing with their value; a bare quantifier variable is
 * not: the quantifier already showed which element it is bound to */
static bool interesting(const cw_cnode *n)
{
    if (n->op == CN_PATH && n->root == CR_VAR && !n->nsegs) return false;
    return n->op == CN_PATH || n->op == CN_CALL || n->op == CN_COUNT;
}

void cw_explain(const cw_cnode *n, cw_ectx *x, cw_strbuf *sb)
{
    switch (n->op) {
    case CN_AND:
        cw_explain(n->a, x, sb);
        cw_sb_adds(sb, "; ");
        cw_explain(n->b, x, sb);
        return;
    case CN_OR:
        cw_explain(cw_eval_bool(n->a, x) ? n->a : n->b, x, sb);
        return;
    case CN_MACRO:
        if (n->a->type == CW_T_BOOL && n->a->op != CN_PATH) {
            cw_explain(n->a, x, sb);
            return;
        }
        show_val(sb, n, x);
        return;
    case CN_ANY: {
        int first;
        if (quant_count(n, x, true, false, &first) <= 0 || first < 0) break;
        cw_json dt;
        const cw_json *d = cw_eval_val(n->a, x, &dt);
        int s = n->slot;
        const cw_json *saved = x->vars[s];
        int32_t si = x->vidx[s];
        const cw_cnode *sd = x->vdom[s];
        x->vars[s] = d->type == CW_JARR ? &d->u.items[first] : &d->u.members[first].val;
        x->vidx[s] = first;
        x->vdom[s] = n->a;
        cw_sb_printf(sb, "%.*s = ", (int)n->namelen, n->name);
        text_of(sb, n->a);
        cw_sb_printf(sb, "[%d] ", first);
        cw_value_text(sb, x->vars[s], 200);
        cw_sb_adds(sb, ": ");
        cw_explain(n->b, x, sb);
        x->vars[s] = saved, x->vidx[s] = si, x->vdom[s] = sd;
        return;
    }
    case CN_ALL: {
        cw_json dt;
        const cw_json *d = cw_eval_val(n->a, x, &dt);
        cw_sb_printf(sb, "all %u of ", d ? d->len : 0);
        text_of(sb, n->a);
        cw_sb_adds(sb, ": ");
        text_of(sb, n->b);
        return;
    }
    case CN_PATH:
    case CN_LIT:
    case CN_NOT:
        break;
    case CN_CALL: {
        text_of(sb, n);
        bool any = false;
        for (uint32_t i = 0; i < n->nargs; i++) {
            if (!interesting(n->args[i])) continue;
            cw_sb_adds(sb, any ? ", " : " [");
            any = true;
            show_val(sb, n->args[i], x);
        }
        if (any) cw_sb_addc(sb, ']');
        return;
    }
    default:
        if (n->op >= CN_EQ && n->op <= CN_EXISTS) {
            bool la = interesting(n->a), lb = n->b && interesting(n->b);
            if (n->op == CN_EQ && la != lb) { /* "x = literal": the value is the literal */
                show_val(sb, la ? n->a : n->b, x);
                return;
            }
            text_of(sb, n);
            if (la || lb) {
                cw_sb_adds(sb, " [");
                if (la) show_val(sb, n->a, x);
                if (la && lb) cw_sb_adds(sb, ", ");
                if (lb) show_val(sb, n->b, x);
                cw_sb_addc(sb, ']');
            }
            return;
        }
        break;
    }
    if (n->op == CN_PATH && n->type == CW_T_BOOL) {
        text_of(sb, n);
        return;
    }
    if (n->op == CN_PATH) {
        show_val(sb, n, x);
        return;
    }
    text_of(sb, n);
}
