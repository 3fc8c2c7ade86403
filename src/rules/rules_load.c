/* rules_load.c - rule packs: YAML items -> rules, macros and lists, then
 * compile every condition into the immutable rule set.
 *
 * Packs load in order (built-in first, then --rules paths). A `- rule: ID`
 * whose ID an earlier pack defined retunes that rule: the keys it gives
 * replace the earlier ones and its exceptions are added. Macros and lists of
 * a later pack replace earlier ones of the same name; `append: true` extends
 * a list. Every error of every pack is reported before giving up. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../analyze/analyze.h"
#include "rules_int.h"
#include "../ingest/aws_types.h"

enum { F_TITLE, F_DESC, F_SEV, F_CAT, F_RES, F_COND, F_EVID, F_REMED, F_REFS, F_COMPL, F_ENABLED, NF };
static const char *const rule_keys[] = {"title", "description", "severity", "category", "resource",
                                        "condition", "evidence", "remediation", "references",
                                        "compliance", "enabled", NULL};
static const char *const rule_all_keys[] = {"rule", "title", "description", "severity", "category",
                                            "resource", "condition", "evidence", "remediation",
                                            "references", "compliance", "enabled", "exceptions", NULL};
static const char *const macro_keys[] = {"macro", "condition", "description", NULL};
static const char *const list_keys[] = {"list", "items", "append", "description", NULL};
static const char *const exc_keys[] = {"name", "condition", "reason", "expires", NULL};

typedef struct rdef {
    const char *id;
    const cw_ynode *idnode;
    const cw_ynode *f[NF];
    const cw_ynode **exc;
    size_t nexc, capexc;
    const char **mod;
    size_t nmod, capmod;
    size_t pack;
    const char *file;
    uint32_t line;
    bool invalid; /* a field had a bad value (already reported) */
    bool badkey;  /* an unknown key was reported */
} rdef;

typedef struct loader {
    cw_ruleset *rs;
    cw_diags *d;
    cw_arena *a;
    rdef **defs;
    size_t ndefs, capdefs;
    cw_hmap defs_by_id;
    cw_rmacro **macros; /* definition order (for deterministic error order) */
    size_t nmacros, capmacros;
    cw_hmap macro_pack, list_pack; /* name -> pack index + 1 */
    size_t pack;
    size_t caprules;
} loader;

#define YERR(L, node, ...) cw_ydiag((L)->d, CW_DIAG_ERROR, (node)->src, (node)->off, __VA_ARGS__)

static uint32_t node_line(const cw_ynode *n)
{
    uint32_t line, col;
    cw_offset_to_linecol(n->src->buf, n->src->len, n->off, &line, &col);
    return line;
}

static void *grow(void *v, size_t *cap, size_t n, size_t sz)
{
    if (n < *cap) return v;
    *cap = *cap ? *cap * 2 : 8;
    return cw_xrealloc(v, *cap * sz);
}

static bool check_keys(loader *L, const cw_ynode *map, const char *const *keys, const char *what)
{
    bool ok = true;
    for (size_t i = 0; i < map->n; i++) {
        const cw_ynode *k = map->items[2 * i];
        if (k->kind != CW_Y_SCALAR) {
            YERR(L, k, "keys of %s must be plain names", what);
            ok = false;
            continue;
        }
        bool known = false;
        for (int j = 0; keys[j]; j++) known |= strcmp(keys[j], k->str) == 0;
        for (size_t j = 0; j < i && known; j++) {
            const cw_ynode *p = map->items[2 * j];
            if (p->kind == CW_Y_SCALAR && strcmp(p->str, k->str) == 0) {
                YERR(L, k, "key '%s' appears twice in %s (first on line %u)", k->str, what, node_line(p));
                ok = false;
            }
        }
        if (known) continue;
        const char *best = NULL;
        size_t bd = 99;
        for (int j = 0; keys[j]; j++) {
            size_t dd = cw_edit_distance(k->str, k->len, keys[j], strlen(keys[j]));
            if (dd < bd) bd = dd, best = keys[j];
        }
        char list[400];
        size_t o = 0;
        for (int j = 0; keys[j] && o < sizeof list - 40; j++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", j ? ", " : "", keys[j]);
        if (best && bd <= (k->len < 4 ? 1 : k->len / 3 + 1))
            YERR(L, k, "unknown key '%s' in %s; did you mean '%s'?", k->str, what, best);
        else
            YERR(L, k, "unknown key '%s' in %s (expected one of: %s)", k->str, what, list);
        ok = false;
    }
    return ok;
}

static const cw_ynode *scalar_field(loader *L, const cw_ynode *map, const char *key, const char *what)
{
    const cw_ynode *v = cw_ymap_get(map, key);
    if (v && v->kind != CW_Y_SCALAR) {
        YERR(L, v, "'%s' of %s must be a single value (text), not a %s", key, what,
             v->kind == CW_Y_SEQ ? "list" : "mapping");
        return NULL;
    }
    return v;
}

static bool valid_name(const char *s, bool allow_dots)
{
    if (!*s) return false;
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' || (allow_dots && *s >= '0' && *s <= '9')))
        return false;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-' || (allow_dots && c == '.')))
            return false;
    }
    return s[strlen(s) - 1] != '-';
}

static int parse_bool(const cw_ynode *v, bool *out)
{
    cw_json j;
    if (v->kind == CW_Y_SCALAR && v->style == CW_YS_PLAIN && cw_yaml_plain_value(v->str, v->len, &j) &&
        j.type == CW_JBOOL) {
        *out = j.b;
        return 0;
    }
    return -1;
}

/* A macro or list name must not hide another kind of name. */
static bool name_free(loader *L, const cw_ynode *at, const char *name, const char *kind)
{
    static const char *const reserved[] = {"and", "or", "not", "in", "contains", "startswith", "endswith",
                                           "matches", "exists", "any", "all", "count", "true", "false",
                                           "null", "tags", "resource", "configuration",
                                           "supplementaryConfiguration", "relationships", NULL};
    for (int i = 0; reserved[i]; i++)
        if (strcmp(reserved[i], name) == 0) {
            YERR(L, at, "'%s' is reserved in conditions and cannot name a %s", name, kind);
            return false;
        }
    if (cw_fact_is_namespace(name) || cw_fact_find(name)) {
        YERR(L, at, "%s name '%s' would hide the facts named %s.*", kind, name, name);
        return false;
    }
    return true;
}

static void do_list(loader *L, const cw_ynode *it)
{
    if (!check_keys(L, it, list_keys, "a list")) return;
    const cw_ynode *nm = scalar_field(L, it, "list", "a list");
    if (!nm) return;
    if (!valid_name(nm->str, false)) {
        YERR(L, nm, "list name '%s' must be a name (letters, digits, _ and -)", nm->str);
        return;
    }
    bool append = false;
    const cw_ynode *ap = cw_ymap_get(it, "append");
    if (ap && parse_bool(ap, &append) < 0) {
        YERR(L, ap, "'append' must be true or false");
        return;
    }
    const cw_ynode *items = cw_ymap_get(it, "items");
    if (!items) {
        YERR(L, nm, "list '%s' has no 'items'", nm->str);
        return;
    }
    if (items->kind != CW_Y_SEQ) {
        YERR(L, items, "'items' of list '%s' must be a YAML list ([a, b] or - lines)", nm->str);
        return;
    }
    for (size_t i = 0; i < items->n; i++)
        if (items->items[i]->kind != CW_Y_SCALAR) {
            YERR(L, items->items[i], "list items must be single values (strings, numbers, booleans)");
            return;
        }
    cw_rlist *old = cw_hmap_get(&L->rs->lists, nm->str, nm->len);
    if (append) {
        if (!old) {
            YERR(L, nm, "'append: true' needs an earlier list named '%s'", nm->str);
            return;
        }
        for (size_t i = 0; i < items->n; i++) cw_json_arr_push(L->a, old->items, cw_yaml_to_json(L->a, items->items[i]));
        return;
    }
    if (old && (uintptr_t)cw_hmap_get(&L->list_pack, nm->str, nm->len) == L->pack + 1) {
        YERR(L, nm, "list '%s' is defined twice in this pack (first on line %u)", nm->str, old->line);
        return;
    }
    if (cw_hmap_get(&L->rs->macros, nm->str, nm->len)) {
        YERR(L, nm, "'%s' is already the name of a macro", nm->str);
        return;
    }
    if (!name_free(L, nm, nm->str, "list")) return;
    cw_rlist *l = cw_arena_zalloc(L->a, sizeof *l);
    l->name = nm->str;
    l->items = cw_yaml_to_json(L->a, items);
    l->file = nm->src->file;
    l->line = node_line(nm);
    cw_hmap_put(&L->rs->lists, l->name, nm->len, l);
    cw_hmap_put(&L->list_pack, l->name, nm->len, (void *)(uintptr_t)(L->pack + 1));
}

static void do_macro(loader *L, const cw_ynode *it)
{
    if (!check_keys(L, it, macro_keys, "a macro")) return;
    const cw_ynode *nm = scalar_field(L, it, "macro", "a macro");
    const cw_ynode *cond = scalar_field(L, it, "condition", "a macro");
    if (!nm) return;
    if (!valid_name(nm->str, false)) {
        YERR(L, nm, "macro name '%s' must be a name (letters, digits, _ and -)", nm->str);
        return;
    }
    if (!cond) {
        if (!cw_ymap_get(it, "condition")) YERR(L, nm, "macro '%s' has no 'condition'", nm->str);
        return;
    }
    cw_rmacro *old = cw_hmap_get(&L->rs->macros, nm->str, nm->len);
    if (old && (uintptr_t)cw_hmap_get(&L->macro_pack, nm->str, nm->len) == L->pack + 1) {
        YERR(L, nm, "macro '%s' is defined twice in this pack (first on line %u)", nm->str, old->line);
        return;
    }
    if (cw_hmap_get(&L->rs->lists, nm->str, nm->len)) {
        YERR(L, nm, "'%s' is already the name of a list", nm->str);
        return;
    }
    if (!name_free(L, nm, nm->str, "macro")) return;
    cw_rmacro *m = old ? old : cw_arena_zalloc(L->a, sizeof *m);
    m->name = nm->str;
    m->src.text = cond->str;
    m->src.len = cond->len;
    m->src.scalar = cond;
    m->src.base = 0;
    m->src.what = cw_arena_printf(L->a, "macro %s", nm->str);
    m->file = nm->src->file;
    m->line = node_line(nm);
    if (!old) {
        cw_hmap_put(&L->rs->macros, m->name, nm->len, m);
        L->macros = grow(L->macros, &L->capmacros, L->nmacros, sizeof *L->macros);
        L->macros[L->nmacros++] = m;
    }
    cw_hmap_put(&L->macro_pack, m->name, nm->len, (void *)(uintptr_t)(L->pack + 1));
}

static bool valid_type(const char *t)
{
    if (strcmp(t, "*") == 0) return true;
    int parts = 0;
    const char *p = t;
    for (;;) {
        const char *s = p;
        while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) p++;
        if (p == s) return false;
        parts++;
        if (!*p) break;
        if (p[0] != ':' || p[1] != ':') return false;
        p += 2;
    }
    return parts == 3;
}

static void do_rule(loader *L, const cw_ynode *it)
{
    bool keys_ok = check_keys(L, it, rule_all_keys, "a rule");
    const cw_ynode *idn = scalar_field(L, it, "rule", "a rule");
    if (!idn) return;
    if (!valid_name(idn->str, true)) {
        YERR(L, idn, "rule id '%s' must be letters, digits, '.', '_' and '-'", idn->str);
        return;
    }
    rdef *r = cw_hmap_get(&L->defs_by_id, idn->str, idn->len);
    if (r && r->pack == L->pack) {
        YERR(L, idn, "rule '%s' is defined twice in this pack (first on line %u)", idn->str, r->line);
        return;
    }
    if (r) { /* retune a rule of an earlier pack */
        r->mod = grow(r->mod, &r->capmod, r->nmod, sizeof *r->mod);
        r->mod[r->nmod++] = cw_arena_printf(L->a, "%s:%u", idn->src->file, node_line(idn));
    } else {
        r = cw_arena_zalloc(L->a, sizeof *r);
        r->id = idn->str;
        r->idnode = idn;
        r->pack = L->pack;
        r->file = idn->src->file;
        r->line = node_line(idn);
        cw_hmap_put(&L->defs_by_id, r->id, idn->len, r);
        L->defs = grow(L->defs, &L->capdefs, L->ndefs, sizeof *L->defs);
        L->defs[L->ndefs++] = r;
    }
    if (!keys_ok) r->badkey = true;
    for (int f = 0; f < NF; f++) {
        const cw_ynode *v = cw_ymap_get(it, rule_keys[f]);
        if (!v) continue;
        bool list_ok = f == F_RES || f == F_REFS || f == F_COMPL;
        if (v->kind == CW_Y_MAP || (v->kind == CW_Y_SEQ && !list_ok)) {
            YERR(L, v, "'%s' of rule '%s' must be %s", rule_keys[f], r->id,
                 list_ok ? "a value or a list of values" : "a single value (text)");
            r->invalid = true;
            continue;
        }
        if (v->kind == CW_Y_SEQ) {
            bool ok = true;
            for (size_t i = 0; i < v->n; i++)
                if (v->items[i]->kind != CW_Y_SCALAR) {
                    YERR(L, v->items[i], "items of '%s' must be single values", rule_keys[f]);
                    ok = false;
                }
            if (!ok) {
                r->invalid = true;
                continue;
            }
        }
        cw_severity sv;
        bool b;
        if (f == F_SEV && cw_severity_parse(v->str, &sv) < 0) {
            YERR(L, v, "unknown severity '%s' (expected info, low, medium, high or critical)", v->str);
            r->f[f] = v;
            r->invalid = true;
            continue;
        }
        if (f == F_CAT && !cw_category_valid(v->str)) {
            char list[300];
            size_t o = 0;
            const char *best = NULL;
            size_t bd = 99;
            for (int j = 0; cw_categories[j]; j++) {
                o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", j ? ", " : "", cw_categories[j]);
                size_t dd = cw_edit_distance(v->str, v->len, cw_categories[j], strlen(cw_categories[j]));
                if (dd < bd) bd = dd, best = cw_categories[j];
            }
            if (best && bd <= v->len / 3 + 1)
                YERR(L, v, "unknown category '%s'; did you mean '%s'?", v->str, best);
            else
                YERR(L, v, "unknown category '%s' (expected one of: %s)", v->str, list);
            r->f[f] = v;
            r->invalid = true;
            continue;
        }
        if (f == F_RES) {
            bool ok = true;
            for (size_t i = 0; i < (v->kind == CW_Y_SEQ ? v->n : 1); i++) {
                const cw_ynode *tn = v->kind == CW_Y_SEQ ? v->items[i] : v;
                if (!valid_type(tn->str)) {
                    YERR(L, tn, "resource type '%s' should look like AWS::Service::Type (or be \"*\")", tn->str);
                    ok = false;
                } else if (strcmp(tn->str, "*") != 0 && strncmp(tn->str, "AWS::", 5) == 0 &&
                           !cw_aws_type_known(tn->str)) {
                    /* a near miss of a type AWS Config records is a typo (the rule would never
                     * match); a type far from every known one may be newer than our list */
                    const char *near = cw_aws_type_suggest(tn->str);
                    if (near) {
                        YERR(L, tn, "resource type '%s' is not one AWS Config records; did you mean '%s'?",
                             tn->str, near);
                        ok = false;
                    } else {
                        cw_ydiag(L->d, CW_DIAG_WARNING, tn->src, tn->off,
                                 "resource type '%s' is not in cloudwarden's list of the types AWS Config records "
                                 "(see 'cloudwarden types --all'); the rule matches only if inventories use it",
                                 tn->str);
                    }
                }
            }
            if (!ok) {
                r->f[f] = v;
                r->invalid = true;
                continue;
            }
        }
        if (f == F_ENABLED && parse_bool(v, &b) < 0) {
            YERR(L, v, "'enabled' must be true or false");
            r->f[f] = v;
            r->invalid = true;
            continue;
        }
        r->f[f] = v;
    }
    const cw_ynode *ex = cw_ymap_get(it, "exceptions");
    if (ex) {
        if (ex->kind != CW_Y_SEQ) {
            YERR(L, ex, "'exceptions' must be a list of {name, condition, reason, expires}");
            return;
        }
        for (size_t i = 0; i < ex->n; i++) {
            const cw_ynode *e = ex->items[i];
            if (e->kind != CW_Y_MAP) {
                YERR(L, e, "an exception is a mapping with name, condition, reason and expires");
                continue;
            }
            r->exc = grow(r->exc, &r->capexc, r->nexc, sizeof *r->exc);
            r->exc[r->nexc++] = e;
        }
    }
}

static void load_pack(loader *L, const cw_ysrc *src)
{
    cw_ynode *root = cw_yaml_parse(L->a, src, L->d);
    if (!root) return;
    if (root->kind == CW_Y_SCALAR && root->style == CW_YS_PLAIN && root->len == 0) return; /* empty */
    if (root->kind != CW_Y_SEQ) {
        YERR(L, root, "a rule pack is a YAML list of items (- rule: ..., - macro: ..., - list: ...)");
        return;
    }
    for (size_t i = 0; i < root->n; i++) {
        const cw_ynode *it = root->items[i];
        if (it->kind != CW_Y_MAP) {
            YERR(L, it, "each item of a rule pack is a mapping starting with rule:, macro: or list:");
            continue;
        }
        int kinds = !!cw_ymap_get(it, "rule") + !!cw_ymap_get(it, "macro") + !!cw_ymap_get(it, "list");
        if (kinds != 1) {
            const cw_ynode *k0 = it->n ? it->items[0] : NULL;
            const char *best = NULL;
            static const char *const kinds_k[] = {"rule", "macro", "list"};
            for (int q = 0; !kinds && k0 && k0->kind == CW_Y_SCALAR && q < 3; q++)
                if (cw_edit_distance(k0->str, k0->len, kinds_k[q], strlen(kinds_k[q])) <= 1) best = kinds_k[q];
            if (best)
                YERR(L, k0, "each item of a rule pack starts with rule:, macro: or list:; did you mean '%s:'?", best);
            else
                YERR(L, it, kinds ? "an item can be only one of rule:, macro: or list:"
                                  : "each item of a rule pack starts with rule:, macro: or list:");
            continue;
        }
        if (cw_ymap_get(it, "rule")) do_rule(L, it);
        else if (cw_ymap_get(it, "macro")) do_macro(L, it);
        else do_list(L, it);
    }
}

/* ---- compile ------------------------------------------------------------ */
static void checker_init(loader *L, cw_checker *c)
{
    memset(c, 0, sizeof *c);
    c->a = L->a;
    c->d = L->d;
    c->lists = &L->rs->lists;
    c->macros = &L->rs->macros;
    c->regexes = &L->rs->regexes;
    c->nregexes = &L->rs->nregexes;
    c->capregexes = &L->rs->capregexes;
}

static cw_cnode *compile_cond(loader *L, cw_checker *c, const cw_ynode *scalar, const char *what)
{
    cw_csrc *s = cw_arena_zalloc(L->a, sizeof *s);
    s->text = scalar->str;
    s->len = scalar->len;
    s->scalar = scalar;
    s->what = what;
    cw_cnode *n = cw_cond_parse(L->a, s, L->d);
    if (!n) {
        c->errors++;
        return NULL;
    }
    return cw_cond_check(c, n, true) ? NULL : n;
}


static const char *const *str_array(loader *L, const cw_ynode *v, size_t *n)
{
    *n = 0;
    if (!v) return NULL;
    size_t cnt = v->kind == CW_Y_SEQ ? v->n : 1;
    const char **a = cw_arena_alloc(L->a, (cnt ? cnt : 1) * sizeof *a);
    for (size_t i = 0; i < cnt; i++) {
        const cw_ynode *e = v->kind == CW_Y_SEQ ? v->items[i] : v;
        if (e->len) a[(*n)++] = e->str;
    }
    return a;
}

static const char *sval(const cw_ynode *v) { return v ? v->str : NULL; }

static void build_rule(loader *L, rdef *d)
{
    static const int required[] = {F_TITLE, F_SEV, F_CAT, F_RES, F_COND};
    bool ok = true;
    for (size_t i = 0; i < sizeof required / sizeof *required; i++)
        if (!d->f[required[i]]) {
            /* after an unknown key (a misspelt field) the "did you mean" says it all */
            if (!d->badkey)
                YERR(L, d->idnode, "rule '%s' has no '%s' (required)", d->id, rule_keys[required[i]]);
            ok = false;
        }
    /* go on: the condition, evidence and exceptions are checked even when
     * another field is wrong, so that one run reports every error */
    cw_rule *r = cw_arena_zalloc(L->a, sizeof *r);
    cw_rule_meta *m = &r->meta;
    m->id = d->id;
    m->title = sval(d->f[F_TITLE]);
    m->description = sval(d->f[F_DESC]);
    m->remediation = sval(d->f[F_REMED]);
    m->category = sval(d->f[F_CAT]);
    if (d->f[F_SEV]) cw_severity_parse(d->f[F_SEV]->str, &m->severity);
    m->pack = d->file;
    m->line = d->line;
    m->references = str_array(L, d->f[F_REFS], &m->nreferences);
    m->compliance = str_array(L, d->f[F_COMPL], &m->ncompliance);
    size_t nt;
    const char **types = (const char **)str_array(L, d->f[F_RES], &nt);
    size_t k = 0;
    for (size_t i = 0; i < nt; i++) {
        if (!valid_type(types[i])) continue; /* reported when the pack was read */
        if (strcmp(types[i], "*") == 0) r->all_types = true;
        bool dup = false;
        for (size_t j = 0; j < k; j++) dup |= strcmp(types[j], types[i]) == 0;
        if (!dup) types[k++] = types[i];
    }
    if (!k && ok && !d->invalid) {
        YERR(L, d->f[F_RES], "rule '%s' names no resource type", d->id);
        ok = false;
    }
    m->resource_types = types;
    m->nresource_types = k;
    bool en = true;
    if (d->f[F_ENABLED]) parse_bool(d->f[F_ENABLED], &en);
    r->enabled = en;
    r->nmodified = d->nmod;
    if (d->nmod) {
        const char **mb = cw_arena_alloc(L->a, d->nmod * sizeof *mb);
        memcpy(mb, d->mod, d->nmod * sizeof *mb);
        r->modified_by = mb;
    }
    cw_checker c;
    checker_init(L, &c);
    c.types = r->all_types ? NULL : types;
    c.ntypes = r->all_types ? 0 : k;
    const char *what = cw_arena_printf(L->a, "rule %s", d->id);
    if (d->f[F_COND]) {
        r->condition = d->f[F_COND]->str;
        r->cond = compile_cond(L, &c, d->f[F_COND], what);
    }
    if (d->f[F_EVID]) {
        r->evidence = d->f[F_EVID]->str;
        cw_template_compile(&c, r, d->f[F_EVID]);
    }
    r->exc = cw_arena_zalloc(L->a, (d->nexc ? d->nexc : 1) * sizeof *r->exc);
    for (size_t i = 0; i < d->nexc; i++) {
        const cw_ynode *e = d->exc[i];
        if (!check_keys(L, e, exc_keys, "an exception")) {
            c.errors++;
            continue;
        }
        const cw_ynode *nm = scalar_field(L, e, "name", "an exception"),
                       *cd = scalar_field(L, e, "condition", "an exception"),
                       *rs = scalar_field(L, e, "reason", "an exception"),
                       *ex = scalar_field(L, e, "expires", "an exception");
        bool eok = true;
        const char *miss[3] = {nm ? NULL : "name", cd ? NULL : "condition", rs && rs->len ? NULL : "reason"};
        for (int q = 0; q < 3; q++)
            if (miss[q]) {
                YERR(L, e, "exception of rule '%s' has no '%s' (required)", d->id, miss[q]);
                eok = false;
            }
        cw_rexc *x = &r->exc[r->nexc];
        if (ex) {
            x->expires_days = cw_date_days(ex->str, ex->len);
            if (ex->len != 10 || x->expires_days == INT64_MIN) {
                YERR(L, ex, "'expires' must be a date YYYY-MM-DD, found '%s'", ex->str);
                eok = false;
            }
            x->expires = ex->str;
            x->expired = x->expires_days < L->rs->today;
        }
        if (!eok) {
            c.errors++;
            continue;
        }
        x->name = nm->str;
        x->reason = rs->str;
        x->condition = cd->str;
        x->file = e->src->file;
        x->line = node_line(e);
        x->cond = compile_cond(L, &c, cd, what);
        if (x->cond) r->nexc++;
    }
    if (c.errors || !r->cond || d->invalid || !ok) return;
    L->rs->rules = grow(L->rs->rules, &L->caprules, L->rs->nrules, sizeof *L->rs->rules);
    r->ordinal = L->rs->nrules;
    L->rs->rules[L->rs->nrules++] = r;
    cw_hmap_put(&L->rs->by_id, m->id, strlen(m->id), r);
}

static char *read_file(const char *path, size_t *len, cw_diags *d)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cw_diag_add(d, CW_DIAG_ERROR, path, 0, 0, 0, NULL, "cannot open rule pack: %s", strerror(errno));
        return NULL;
    }
    cw_strbuf sb = CW_STRBUF_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        cw_sb_add(&sb, buf, n);
        if (sb.len > (64u << 20)) {
            cw_diag_add(d, CW_DIAG_ERROR, path, 0, 0, 0, NULL, "rule pack larger than 64 MiB");
            fclose(f);
            cw_sb_free(&sb);
            return NULL;
        }
    }
    bool err = ferror(f);
    fclose(f);
    if (err) {
        cw_diag_add(d, CW_DIAG_ERROR, path, 0, 0, 0, NULL, "cannot read rule pack: %s", strerror(errno));
        cw_sb_free(&sb);
        return NULL;
    }
    *len = sb.len;
    if (!sb.buf) cw_sb_addc(&sb, 0), sb.len = 0;
    return cw_sb_detach(&sb);
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void load_text(loader *L, const char *name, const char *text, size_t len)
{
    cw_ysrc *src = cw_arena_zalloc(L->a, sizeof *src);
    src->file = cw_arena_strdup(L->a, name);
    char *copy = cw_arena_alloc(L->a, len + 1);
    memcpy(copy, text, len);
    copy[len] = 0;
    src->buf = copy;
    src->len = len;
    load_pack(L, src);
    L->pack++;
}

static void load_path(loader *L, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        DIR *dir = opendir(path);
        if (!dir) {
            cw_diag_add(L->d, CW_DIAG_ERROR, path, 0, 0, 0, NULL, "cannot open directory: %s", strerror(errno));
            return;
        }
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *e;
        while ((e = readdir(dir))) {
            size_t l = strlen(e->d_name);
            if (e->d_name[0] == '.') continue;
            if ((l > 5 && strcmp(e->d_name + l - 5, ".yaml") == 0) || (l > 4 && strcmp(e->d_name + l - 4, ".yml") == 0)) {
                names = grow(names, &cap, n, sizeof *names);
                names[n++] = cw_xstrdup(e->d_name);
            }
        }
        closedir(dir);
        qsort(names, n, sizeof *names, cmpstr);
        for (size_t i = 0; i < n; i++) {
            char *full = cw_arena_printf(L->a, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", names[i]);
            free(names[i]);
            load_path(L, full);
        }
        free(names);
        return;
    }
    size_t len;
    char *text = read_file(path, &len, L->d);
    if (!text) return;
    load_text(L, path, text, len);
    free(text);
}

static cw_ruleset *load_all(const cw_builtin_pack *mem, size_t nmem, const cw_rules_opts *o, cw_diags *d)
{
    size_t errors0 = d->errors;
    cw_ruleset *rs = cw_xcalloc(1, sizeof *rs);
    cw_arena_init(&rs->arena, 0);
    cw_hmap_init(&rs->by_id);
    cw_hmap_init(&rs->lists);
    cw_hmap_init(&rs->macros);
    loader L = {.rs = rs, .d = d, .a = &rs->arena};
    cw_hmap_init(&L.defs_by_id);
    cw_hmap_init(&L.macro_pack);
    cw_hmap_init(&L.list_pack);
    rs->today = cw_today_days(o ? o->today : NULL);
    if (rs->today == INT64_MIN) {
        cw_diag_add(d, CW_DIAG_ERROR, NULL, 0, 0, 0, NULL, "today '%s' is not a date YYYY-MM-DD", o->today);
        rs->today = 0;
    }
    if (!o || o->builtin)
        for (size_t i = 0; i < cw_builtin_npacks; i++) {
            char *nm = cw_arena_printf(&rs->arena, "rules/%s", cw_builtin_packs[i].name);
            load_text(&L, nm, cw_builtin_packs[i].text, cw_builtin_packs[i].len);
        }
    for (size_t i = 0; i < nmem; i++) load_text(&L, mem[i].name, mem[i].text, mem[i].len);
    for (size_t i = 0; o && i < o->npaths; i++) load_path(&L, o->paths[i]);
    cw_checker c;
    checker_init(&L, &c);
    for (size_t i = 0; i < L.nmacros; i++) cw_macro_compile(&c, L.macros[i]);
    for (size_t i = 0; i < L.ndefs; i++) build_rule(&L, L.defs[i]);
    for (size_t i = 0; i < L.ndefs; i++) {
        free(L.defs[i]->exc);
        free(L.defs[i]->mod);
    }
    free(L.defs);
    free(L.macros);
    cw_hmap_free(&L.defs_by_id);
    cw_hmap_free(&L.macro_pack);
    cw_hmap_free(&L.list_pack);
    if (d->errors > errors0) {
        cw_rules_free(rs);
        return NULL;
    }
    rs->enabled = cw_xmalloc((rs->nrules ? rs->nrules : 1) * sizeof *rs->enabled);
    for (size_t i = 0; i < rs->nrules; i++)
        if (rs->rules[i]->enabled) rs->enabled[rs->nenabled++] = rs->rules[i];
    return rs;
}

cw_ruleset *cw_rules_load(const cw_rules_opts *o, cw_diags *d) { return load_all(NULL, 0, o, d); }

cw_ruleset *cw_rules_load_mem(const cw_builtin_pack *packs, size_t n, const cw_rules_opts *o, cw_diags *d)
{
    return load_all(packs, n, o, d);
}

int cw_rules_check_condition(const char *text, size_t len, cw_diags *d)
{
    cw_arena a;
    cw_arena_init(&a, 0);
    cw_hmap lists, macros;
    cw_hmap_init(&lists);
    cw_hmap_init(&macros);
    pcre2_code **res = NULL;
    size_t nres = 0, capres = 0;
    cw_checker c = {.a = &a, .d = d, .lists = &lists, .macros = &macros, .regexes = &res,
                    .nregexes = &nres, .capregexes = &capres};
    char *copy = cw_arena_strndup(&a, text, len);
    cw_csrc src = {.text = copy, .len = len, .what = "condition"};
    cw_cnode *n = cw_cond_parse(&a, &src, d);
    int rc = n && cw_cond_check(&c, n, true) == 0 ? 0 : -1;
    for (size_t i = 0; i < nres; i++) pcre2_code_free(res[i]);
    free(res);
    cw_hmap_free(&lists);
    cw_hmap_free(&macros);
    cw_arena_free(&a);
    return rc;
}
