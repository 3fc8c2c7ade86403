/* rules_check.c - name resolution and static type checking of conditions.
 *
 * The first segment of a path is looked up in order: quantifier variable,
 * macro, named list, fact namespace (cw_fact_defs), the roots `tags` and
 * `resource`, and the top-level keys of an AWS Config configuration item.
 * Anything else is an error with a suggestion. Types of facts come from the
 * registry; raw configuration fields are ANY. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../analyze/analyze.h"
#include "rules_int.h"

static const char *const ci_keys[] = {
    "configuration", "supplementaryConfiguration", "relationships", "resourceType", "resourceId",
    "resourceName", "ARN", "arn", "awsRegion", "awsAccountId", "accountId", "availabilityZone",
    "configurationItemStatus", "configurationItemCaptureTime", "configurationItemVersion",
    "configurationItemMD5Hash", "configurationStateId", "configurationStateMd5Hash",
    "resourceCreationTime", "resourceTransitionStatus", "relatedEvents", "version", NULL,
};

/* resource.<field>: the asset's normalised fields (rfield indexes this table) */
const char *const cw_resource_fields[] = {
    "provider", "type", "id", "resource_id", "name", "account", "region", "status",
    "capture_time", "source_file", NULL,
};

const char *cw_type_name(unsigned t)
{
    switch (t) {
    case CW_T_ANY: return "value of unknown type";
    case CW_T_BOOL: return "bool";
    case CW_T_NUM: return "number";
    case CW_T_STR: return "string";
    case CW_T_LIST: return "list";
    case CW_T_OBJ: return "object";
    case CW_T_NULL: return "null";
    case CW_T_DATE: return "date";
    default: return "value";
    }
}

static const char *article(unsigned t)
{
    return (t == CW_T_OBJ || t == CW_T_ANY) ? "an" : "a";
}

size_t cw_edit_distance(const char *a, size_t al, const char *b, size_t bl)
{
    if (al > 64 || bl > 64) return 99;
    size_t row[65];
    for (size_t j = 0; j <= bl; j++) row[j] = j;
    for (size_t i = 1; i <= al; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= bl; j++) {
            size_t cur = row[j];
            size_t cost = ((a[i - 1] | 0x20) == (b[j - 1] | 0x20)) ? 0 : 1;
            size_t v = prev + cost;
            if (row[j] + 1 < v) v = row[j] + 1;
            if (row[j - 1] + 1 < v) v = row[j - 1] + 1;
            row[j] = v;
            prev = cur;
        }
    }
    return row[bl];
}

typedef struct suggest {
    const char *want;
    size_t wlen;
    const char *best;
    size_t blen, bd;
} suggest;

static void sug_try(suggest *s, const char *cand, size_t clen)
{
    size_t d = cw_edit_distance(s->want, s->wlen, cand, clen);
    size_t lim = s->wlen < 4 ? 1 : s->wlen / 3 + 1;
    if (d <= lim && d < s->bd) s->best = cand, s->blen = clen, s->bd = d;
}

static const char *sug_text(const suggest *s, char *buf, size_t n)
{
    if (!s->best) return "";
    snprintf(buf, n, "; did you mean '%.*s'?", (int)s->blen, s->best);
    return buf;
}

#define ERR(c, node, pos, ...)                                                                     \
    do {                                                                                           \
        cw_cond_error((c)->d, (node)->src, (pos), __VA_ARGS__);                                    \
        (c)->errors++;                                                                             \
    } while (0)

static unsigned chk(cw_checker *c, cw_cnode *n);

static bool need_bool(cw_checker *c, cw_cnode *n, unsigned t)
{
    if (t == CW_T_ANY || t == CW_T_BOOL) return true;
    ERR(c, n, n->pos,
        "expected a condition (true or false) here, but this is %s %s; compare it (=, <, in, ...) "
        "or test it with 'exists'",
        article(t), cw_type_name(t));
    return false;
}

static bool applies(const char *fact_types, const char *type)
{
    if (!fact_types || strcmp(fact_types, "*") == 0 || strcmp(type, "*") == 0) return true;
    size_t tl = strlen(type);
    for (const char *p = fact_types; *p;) {
        while (*p == ' ' || *p == ',') p++;
        const char *e = p;
        while (*e && *e != ',') e++;
        const char *q = e;
        while (q > p && q[-1] == ' ') q--;
        if ((size_t)(q - p) == tl && memcmp(p, type, tl) == 0) return true;
        p = e;
    }
    return false;
}

static unsigned vt_to_t(cw_vtype v)
{
    switch (v) {
    case CW_VT_BOOL: return CW_T_BOOL;
    case CW_VT_NUM: return CW_T_NUM;
    case CW_VT_STR: return CW_T_STR;
    case CW_VT_LIST: return CW_T_LIST;
    case CW_VT_OBJ: return CW_T_OBJ;
    default: return CW_T_ANY;
    }
}

static unsigned list_elt_type(const cw_json *arr)
{
    unsigned t = 0;
    for (uint32_t i = 0; i < arr->len; i++) {
        const cw_json *e = &arr->u.items[i];
        unsigned et = e->type == CW_JSTR ? CW_T_STR : e->type == CW_JNUM ? CW_T_NUM
                    : e->type == CW_JBOOL ? CW_T_BOOL : e->type == CW_JNULL ? CW_T_NULL : CW_T_ANY;
        if (i == 0) t = et;
        else if (t != et) return CW_T_ANY;
    }
    return t;
}

/* Prepend the first segment (the root name) to the segment list. */
static void segs_with_root(cw_checker *c, cw_cnode *n)
{
    cw_pseg *s = cw_arena_alloc(c->a, (n->nsegs + 1) * sizeof *s);
    s[0].key = n->name;
    s[0].keylen = n->namelen;
    s[0].index = 0;
    if (n->nsegs) memcpy(s + 1, n->segs, n->nsegs * sizeof *s);
    n->segs = s;
    n->nsegs++;
}

static unsigned resolve_fact(cw_checker *c, cw_cnode *n)
{
    char name[512];
    size_t nl = 0;
    if (n->namelen >= sizeof name) return CW_T_ANY;
    memcpy(name, n->name, n->namelen);
    nl = n->namelen;
    name[nl] = 0;
    segs_with_root(c, n);
    n->root = CR_FACTS;
    uint32_t i = 1;
    for (;; i++) {
        const cw_fact_def *f = cw_fact_find(name);
        if (f) {
            for (size_t t = 0; c->types && t < c->ntypes; t++) {
                if (applies(f->resource_types, c->types[t])) goto ok;
            }
            if (c->types && c->ntypes)
                ERR(c, n, n->pos, "fact '%s' is set on %s only, never on %s", name,
                    f->resource_types, c->types[0]);
        ok:;
            unsigned ft = vt_to_t(f->type);
            if (i < n->nsegs) {
                if (ft == CW_T_ANY || ft == CW_T_OBJ || ft == CW_T_LIST) return CW_T_ANY;
                ERR(c, n, n->pos, "fact '%s' is %s %s; it has no field '%.*s'", name, article(ft),
                    cw_type_name(ft), n->segs[i].key ? (int)n->segs[i].keylen : 3,
                    n->segs[i].key ? n->segs[i].key : "[ ]");
                return CW_T_ANY;
            }
            return ft;
        }
        if (!cw_fact_is_namespace(name)) break;
        if (i >= n->nsegs) return CW_T_OBJ; /* a whole namespace object */
        if (!n->segs[i].key) return CW_T_ANY;
        if (nl + 1 + n->segs[i].keylen >= sizeof name) break;
        name[nl++] = '.';
        memcpy(name + nl, n->segs[i].key, n->segs[i].keylen);
        nl += n->segs[i].keylen;
        name[nl] = 0;
    }
    /* suggest against the whole dotted path the rule wrote */
    char want[512];
    size_t wl = (size_t)snprintf(want, sizeof want, "%s", name);
    for (uint32_t k = i; k < n->nsegs && n->segs[k].key && wl < sizeof want; k++)
        wl += (size_t)snprintf(want + wl, sizeof want - wl, ".%.*s", (int)n->segs[k].keylen, n->segs[k].key);
    if (wl >= sizeof want) wl = sizeof want - 1;
    suggest s = {.want = want, .wlen = wl, .bd = 99};
    for (const cw_fact_def *f = cw_fact_defs; f->name; f++) sug_try(&s, f->name, strlen(f->name));
    char sb[600];
    ERR(c, n, n->pos, "unknown fact '%s'%s", want, sug_text(&s, sb, sizeof sb));
    return CW_T_ANY;
}

static unsigned resolve_path(cw_checker *c, cw_cnode *n)
{
    const char *nm = n->name;
    size_t nl = n->namelen;
    /* 1. quantifier variables, innermost first */
    for (int v = c->nvars - 1; v >= 0; v--) {
        if (c->varlen[v] == nl && memcmp(c->vars[v], nm, nl) == 0) {
            n->root = CR_VAR;
            n->slot = (uint16_t)v;
            if (!n->nsegs) return c->vartype[v];
            unsigned vt = c->vartype[v];
            if (vt != CW_T_ANY && vt != CW_T_OBJ && vt != CW_T_LIST) {
                ERR(c, n, n->pos, "'%.*s' is %s %s; it has no fields", (int)nl, nm, article(vt),
                    cw_type_name(vt));
            }
            return CW_T_ANY;
        }
    }
    char key[256];
    if (nl >= sizeof key) nl = sizeof key - 1;
    memcpy(key, nm, nl);
    key[nl] = 0;
    /* 2. macros */
    cw_rmacro *m = cw_hmap_get(c->macros, nm, nl);
    if (m) {
        if (n->nsegs) {
            ERR(c, n, n->pos, "'%s' is a macro; it has no fields", key);
            return CW_T_ANY;
        }
        if (m->state == 1) {
            char chain[512] = "";
            size_t o = 0;
            int start = 0;
            for (int i = 0; i < c->nchain; i++)
                if (strcmp(c->macro_chain[i], key) == 0) start = i;
            for (int i = start; i < c->nchain && o < sizeof chain - 80; i++)
                o += (size_t)snprintf(chain + o, sizeof chain - o, "%s -> ", c->macro_chain[i]);
            snprintf(chain + o, sizeof chain - o, "%s", key);
            ERR(c, n, n->pos, "macro cycle: %s", chain);
            return CW_T_ANY;
        }
        if (m->state == 0) cw_macro_compile(c, m);
        if (m->state != 2) return CW_T_ANY; /* its own error was reported */
        n->op = CN_MACRO;
        n->a = m->body;
        return m->body->type;
    }
    /* 3. named lists */
    cw_rlist *l = cw_hmap_get(c->lists, nm, nl);
    if (l) {
        if (n->nsegs) {
            ERR(c, n, n->pos, "'%s' is a list; it has no fields", key);
            return CW_T_ANY;
        }
        n->op = CN_LIT;
        n->lit = *l->items;
        return CW_T_LIST;
    }
    /* 4. facts */
    if (strcmp(key, "resource") != 0 && (cw_fact_is_namespace(key) || cw_fact_find(key)))
        return resolve_fact(c, n);
    /* 5. special roots */
    if (strcmp(key, "tags") == 0) {
        n->root = CR_TAGS;
        if (!n->nsegs) return CW_T_OBJ;
        if (!n->segs[0].key) {
            ERR(c, n, n->pos, "tags are looked up by key: tags[\"name\"]");
            return CW_T_ANY;
        }
        if (n->nsegs > 1) {
            ERR(c, n, n->pos, "a tag value is a string; it has no fields");
            return CW_T_ANY;
        }
        return CW_T_STR;
    }
    if (strcmp(key, "resource") == 0) {
        n->root = CR_RESOURCE;
        char want[128] = "";
        if (n->nsegs >= 1 && n->segs[0].key && n->segs[0].keylen < sizeof want) {
            memcpy(want, n->segs[0].key, n->segs[0].keylen);
            want[n->segs[0].keylen] = 0;
            for (int f = 0; cw_resource_fields[f]; f++)
                if (strcmp(cw_resource_fields[f], want) == 0) {
                    n->rfield = (uint8_t)f;
                    if (n->nsegs > 1) {
                        ERR(c, n, n->pos, "resource.%s is a string; it has no fields", want);
                        return CW_T_ANY;
                    }
                    return CW_T_STR;
                }
        }
        suggest s = {.want = want, .wlen = strlen(want), .bd = 99};
        for (int f = 0; cw_resource_fields[f]; f++) sug_try(&s, cw_resource_fields[f], strlen(cw_resource_fields[f]));
        char sb[300];
        ERR(c, n, n->pos,
            "resource needs one of the fields provider, type, id, resource_id, name, account, region, "
            "status, capture_time, source_file%s",
            sug_text(&s, sb, sizeof sb));
        return CW_T_ANY;
    }
    /* 6. raw configuration item fields */
    for (int k = 0; ci_keys[k]; k++)
        if (strcmp(ci_keys[k], key) == 0) {
            segs_with_root(c, n);
            n->root = CR_RAW;
            return CW_T_ANY;
        }
    /* unknown: suggest among everything that is visible */
    suggest s = {.want = key, .wlen = strlen(key), .bd = 99};
    for (int v = 0; v < c->nvars; v++) sug_try(&s, c->vars[v], c->varlen[v]);
    size_t it = 0;
    const cw_hmap_slot *sl;
    while (cw_hmap_next(c->macros, &it, &sl)) sug_try(&s, sl->key, sl->keylen);
    it = 0;
    while (cw_hmap_next(c->lists, &it, &sl)) sug_try(&s, sl->key, sl->keylen);
    for (const cw_fact_def *f = cw_fact_defs; f->name; f++) {
        const char *dot = strchr(f->name, '.');
        sug_try(&s, f->name, dot ? (size_t)(dot - f->name) : strlen(f->name));
    }
    sug_try(&s, "tags", 4);
    sug_try(&s, "resource", 8);
    for (int k = 0; ci_keys[k]; k++) sug_try(&s, ci_keys[k], strlen(ci_keys[k]));
    char sb[300];
    ERR(c, n, n->pos,
        "unknown name '%s' (not a variable, macro, list, fact, tags, resource or configuration item "
        "field)%s",
        key, sug_text(&s, sb, sizeof sb));
    return CW_T_ANY;
}

/* Map an offset in a decoded string literal back to its source text. */
static size_t lit_src_pos(const cw_cnode *lit, size_t k)
{
    const char *t = lit->src->text;
    size_t i = lit->pos + 1, d = 0;
    while (i < lit->end && d < k) {
        if (t[i] == '\\' && i + 1 < lit->end && strchr("\\\"'nt", t[i + 1])) i += 2;
        else i++;
        d++;
    }
    return i;
}

static void compile_regex(cw_checker *c, cw_cnode *n)
{
    cw_cnode *r = n->b;
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)r->lit.u.str, r->lit.len,
                                   PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &erroff, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof msg);
        ERR(c, r, lit_src_pos(r, erroff), "bad regular expression: %s", (const char *)msg);
        return;
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter if JIT is off */
    if (*c->nregexes == *c->capregexes) {
        *c->capregexes = *c->capregexes ? *c->capregexes * 2 : 16;
        *c->regexes = cw_xrealloc(*c->regexes, *c->capregexes * sizeof **c->regexes);
    }
    (*c->regexes)[(*c->nregexes)++] = re;
    n->re = re;
}

static bool ordered(unsigned t) { return t == CW_T_ANY || t == CW_T_NUM || t == CW_T_STR || t == CW_T_DATE; }

static bool comparable(unsigned a, unsigned b)
{
    if (a == CW_T_ANY || b == CW_T_ANY || a == b) return true;
    if (a == CW_T_NULL || b == CW_T_NULL) return true;
    if ((a == CW_T_DATE && b == CW_T_STR) || (a == CW_T_STR && b == CW_T_DATE)) return true;
    return false;
}

static const char *opname(int op)
{
    switch (op) {
    case CN_EQ: return "=";
    case CN_NE: return "!=";
    case CN_LT: return "<";
    case CN_LE: return "<=";
    case CN_GT: return ">";
    case CN_GE: return ">=";
    case CN_IN: return "in";
    case CN_NOTIN: return "not in";
    case CN_CONTAINS: return "contains";
    case CN_STARTS: return "startswith";
    case CN_ENDS: return "endswith";
    case CN_MATCHES: return "matches";
    default: return "?";
    }
}

static unsigned chk_call(cw_checker *c, cw_cnode *n)
{
    const cw_rfunc *f = cw_rfunc_find(n->name, n->namelen);
    if (!f) {
        suggest s = {.want = n->name, .wlen = n->namelen, .bd = 99};
        for (const cw_rfunc *g = cw_rfuncs; g->name; g++) sug_try(&s, g->name, strlen(g->name));
        char sb[300];
        for (uint32_t i = 0; i < n->nargs; i++) chk(c, n->args[i]);
        ERR(c, n, n->pos, "unknown function '%.*s'%s", (int)n->namelen, n->name, sug_text(&s, sb, sizeof sb));
        return CW_T_ANY;
    }
    n->fn = f;
    if (n->nargs < f->nrequired || n->nargs > f->nparams) {
        for (uint32_t i = 0; i < n->nargs; i++) chk(c, n->args[i]);
        if (f->nrequired == f->nparams)
            ERR(c, n, n->pos, "%s takes %u argument%s, found %u", f->signature, f->nparams,
                f->nparams == 1 ? "" : "s", n->nargs);
        else
            ERR(c, n, n->pos, "%s takes %u to %u arguments, found %u", f->signature, f->nrequired,
                f->nparams, n->nargs);
        return f->ret;
    }
    bool ok = true;
    for (uint32_t i = 0; i < n->nargs; i++) {
        unsigned t = chk(c, n->args[i]);
        unsigned want = f->params[i];
        if (t == CW_T_DATE && (want & CW_T_STR)) continue;
        if (t != CW_T_ANY && want != CW_T_ANY && !(t & want)) {
            char ws[96] = "";
            size_t o = 0;
            for (unsigned b = 1; b <= CW_T_DATE; b <<= 1)
                if (want & b) o += (size_t)snprintf(ws + o, sizeof ws - o, "%s%s", o ? " or " : "", cw_type_name(b));
            ERR(c, n->args[i], n->args[i]->pos, "argument %u of %s must be %s %s, found %s %s", i + 1,
                f->signature, (want & (CW_T_OBJ)) && !(want & ~CW_T_OBJ) ? "an" : "a", ws, article(t),
                cw_type_name(t));
            ok = false;
        }
    }
    if (ok && f->prepare) {
        const char *e = f->prepare(n, c->a);
        if (e) ERR(c, n, n->pos, "%s: %s", f->signature, e);
    }
    return f->ret;
}

static unsigned chk_quant(cw_checker *c, cw_cnode *n)
{
    unsigned dt = chk(c, n->a);
    if (dt != CW_T_ANY && dt != CW_T_LIST && dt != CW_T_OBJ)
        ERR(c, n->a, n->a->pos, "'%s' needs a list to range over, but this is %s %s",
            n->op == CN_COUNT ? "count" : n->op == CN_ANY ? "any" : "all", article(dt), cw_type_name(dt));
    if (c->nvars >= CW_MAX_VARS) {
        ERR(c, n, n->pos, "quantifiers nested too deeply (limit %d)", CW_MAX_VARS);
        return n->op == CN_COUNT ? CW_T_NUM : CW_T_BOOL;
    }
    int v = c->nvars++;
    c->vars[v] = n->name;
    c->varlen[v] = n->namelen;
    c->vartype[v] = (n->a->op == CN_LIT && n->a->lit.type == CW_JARR) ? list_elt_type(&n->a->lit) : CW_T_ANY;
    if (c->nvars > c->maxvars) c->maxvars = c->nvars;
    n->slot = (uint16_t)v;
    unsigned bt = chk(c, n->b);
    need_bool(c, n->b, bt);
    c->nvars--;
    return n->op == CN_COUNT ? CW_T_NUM : CW_T_BOOL;
}

static unsigned chk(cw_checker *c, cw_cnode *n)
{
    unsigned t = CW_T_ANY;
    switch (n->op) {
    case CN_LIT: t = n->type; break;
    case CN_PATH: t = resolve_path(c, n); break;
    case CN_MACRO: t = n->a->type; break;
    case CN_CALL: t = chk_call(c, n); break;
    case CN_NOT: need_bool(c, n->a, chk(c, n->a)); t = CW_T_BOOL; break;
    case CN_AND:
    case CN_OR:
        need_bool(c, n->a, chk(c, n->a));
        need_bool(c, n->b, chk(c, n->b));
        t = CW_T_BOOL;
        break;
    case CN_EXISTS:
        chk(c, n->a);
        if (n->a->op == CN_LIT)
            ERR(c, n->a, n->a->pos, "'exists' tests a field, fact or function result, not a literal");
        t = CW_T_BOOL;
        break;
    case CN_ANY: case CN_ALL: case CN_COUNT: t = chk_quant(c, n); break;
    case CN_EQ: case CN_NE: case CN_LT: case CN_LE: case CN_GT: case CN_GE: {
        unsigned a = chk(c, n->a), b = chk(c, n->b);
        t = CW_T_BOOL;
        if (n->op >= CN_LT && (!ordered(a) || !ordered(b))) {
            unsigned bad = !ordered(a) ? a : b;
            ERR(c, n, n->oppos, "'%s' orders numbers, strings and dates, not %s %s", opname(n->op),
                article(bad), cw_type_name(bad));
            break;
        }
        if (!comparable(a, b)) {
            ERR(c, n, n->oppos, "cannot compare %s %s with %s %s using '%s'", article(a), cw_type_name(a),
                article(b), cw_type_name(b), opname(n->op));
            break;
        }
        if (a == CW_T_DATE || b == CW_T_DATE) n->datecmp = 1;
        break;
    }
    case CN_IN: case CN_NOTIN: {
        unsigned a = chk(c, n->a), b = chk(c, n->b);
        t = CW_T_BOOL;
        if (b != CW_T_ANY && b != CW_T_LIST && b != CW_T_OBJ) {
            ERR(c, n->b, n->b->pos, "'%s' needs a list (or an object, for its keys) on the right, found %s %s",
                opname(n->op), article(b), cw_type_name(b));
            break;
        }
        if (a == CW_T_LIST || a == CW_T_OBJ) {
            ERR(c, n->a, n->a->pos, "'%s' tests one value, but this is %s %s; use 'any x in ...: x in ...'",
                opname(n->op), article(a), cw_type_name(a));
            break;
        }
        if (n->b->op == CN_LIT && n->b->lit.type == CW_JARR && n->b->lit.len) {
            unsigned et = list_elt_type(&n->b->lit);
            if (et != CW_T_ANY && !comparable(a, et))
                ERR(c, n, n->oppos, "'%s' compares %s %s with a list of %ss", opname(n->op), article(a),
                    cw_type_name(a), cw_type_name(et));
        }
        break;
    }
    case CN_CONTAINS: {
        unsigned a = chk(c, n->a), b = chk(c, n->b);
        t = CW_T_BOOL;
        if (a != CW_T_ANY && a != CW_T_STR && a != CW_T_LIST && a != CW_T_OBJ)
            ERR(c, n->a, n->a->pos, "'contains' needs a string, list or object on the left, found %s %s",
                article(a), cw_type_name(a));
        else if (a == CW_T_STR && b != CW_T_ANY && b != CW_T_STR && b != CW_T_DATE)
            ERR(c, n->b, n->b->pos, "a string contains a string, not %s %s", article(b), cw_type_name(b));
        else if (b == CW_T_LIST || b == CW_T_OBJ)
            ERR(c, n->b, n->b->pos, "'contains' looks for one value, found %s %s", article(b), cw_type_name(b));
        break;
    }
    case CN_STARTS: case CN_ENDS: case CN_MATCHES: {
        unsigned a = chk(c, n->a), b = chk(c, n->b);
        t = CW_T_BOOL;
        if (a != CW_T_ANY && a != CW_T_STR && a != CW_T_DATE)
            ERR(c, n->a, n->a->pos, "'%s' needs a string on the left, found %s %s", opname(n->op), article(a),
                cw_type_name(a));
        if (b != CW_T_ANY && b != CW_T_STR && b != CW_T_DATE)
            ERR(c, n->b, n->b->pos, "'%s' needs a string on the right, found %s %s", opname(n->op), article(b),
                cw_type_name(b));
        if (n->op == CN_MATCHES && n->b->op == CN_LIT && n->b->lit.type == CW_JSTR) compile_regex(c, n);
        break;
    }
    default: break;
    }
    n->type = (uint16_t)t;
    return t;
}

int cw_cond_check(cw_checker *c, cw_cnode *n, bool bool_ctx)
{
    int before = c->errors;
    unsigned t = chk(c, n);
    if (bool_ctx) need_bool(c, n, t);
    return c->errors - before;
}

void cw_macro_compile(cw_checker *c, cw_rmacro *m)
{
    if (m->state != 0) return;
    m->state = 1;
    /* a macro sees no quantifier variables and no resource type */
    const char *const *types = c->types;
    size_t ntypes = c->ntypes;
    int nvars = c->nvars;
    c->types = NULL, c->ntypes = 0, c->nvars = 0;
    if (c->nchain < 64) c->macro_chain[c->nchain] = m->name;
    c->nchain++;
    int before = c->errors;
    cw_cnode *body = cw_cond_parse(c->a, &m->src, c->d);
    if (!body) c->errors++;
    else cw_cond_check(c, body, false);
    c->nchain--;
    c->types = types, c->ntypes = ntypes, c->nvars = nvars;
    m->body = body;
    m->state = (c->errors == before && body) ? 2 : 3;
}

/* Evidence template: literal text with {expr}, {expr|fallback} and {explain}
 * holes; {{ and }} are literal braces. Expressions are compiled in the rule's
 * scope and located inside the template for errors. */
void cw_template_compile(cw_checker *c, cw_rule *r, const cw_ynode *ev)
{
    const char *s = ev->str;
    size_t n = ev->len;
    cw_tpart parts[64];
    size_t np = 0;
    cw_strbuf lit = CW_STRBUF_INIT;
    for (size_t i = 0; i <= n; i++) {
        bool flush = i == n;
        if (!flush && s[i] == '{' && i + 1 < n && s[i + 1] == '{') {
            cw_sb_addc(&lit, '{');
            i++;
            continue;
        }
        if (!flush && s[i] == '}' && i + 1 < n && s[i + 1] == '}') {
            cw_sb_addc(&lit, '}');
            i++;
            continue;
        }
        if (!flush && s[i] != '{') {
            cw_sb_addc(&lit, s[i]);
            continue;
        }
        if (lit.len && np < 64) {
            parts[np].text = cw_arena_strndup(c->a, lit.buf, lit.len);
            parts[np].len = lit.len;
            parts[np].expr = NULL;
            parts[np++].explain = false;
            cw_sb_reset(&lit);
        }
        if (flush) break;
        /* {expr} or {expr|fallback} or {explain} */
        size_t j = i + 1, bar = 0;
        char q = 0;
        for (; j < n; j++) {
            if (q) {
                if (s[j] == '\\' && j + 1 < n) j++;
                else if (s[j] == q) q = 0;
            } else if (s[j] == '"' || s[j] == '\'') q = s[j];
            else if (s[j] == '|' && !bar) bar = j;
            else if (s[j] == '}') break;
        }
        if (j >= n) {
            cw_ydiag(c->d, CW_DIAG_ERROR, ev->src, cw_yscalar_offset(ev, i),
                     "unclosed '{' in evidence template (write '{{' for a literal brace)");
            c->errors++;
            break;
        }
        if (np == 64) {
            cw_ydiag(c->d, CW_DIAG_ERROR, ev->src, cw_yscalar_offset(ev, i), "evidence template has too many parts (limit 64)");
            c->errors++;
            break;
        }
        size_t ee = bar ? bar : j, es = i + 1;
        while (es < ee && s[es] == ' ') es++;
        while (ee > es && s[ee - 1] == ' ') ee--;
        cw_tpart *p = &parts[np];
        memset(p, 0, sizeof *p);
        if (ee - es == 7 && memcmp(s + es, "explain", 7) == 0) {
            p->explain = true;
            np++;
        } else {
            cw_csrc *cs = cw_arena_zalloc(c->a, sizeof *cs);
            cs->text = s + es;
            cs->len = ee - es;
            cs->scalar = ev;
            cs->base = es;
            cs->what = "evidence";
            cw_cnode *x = cw_cond_parse(c->a, cs, c->d);
            if (!x) c->errors++;
            else if (cw_cond_check(c, x, false) == 0) {
                p->expr = x;
                if (bar) {
                    p->text = cw_arena_strndup(c->a, s + bar + 1, j - bar - 1);
                    p->len = j - bar - 1;
                }
                np++;
            }
        }
        i = j;
    }
    cw_sb_free(&lit);
    r->ntparts = np;
    r->tparts = cw_arena_alloc(c->a, (np ? np : 1) * sizeof *parts);
    memcpy(r->tparts, parts, np * sizeof *parts);
}
