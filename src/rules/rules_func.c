/* rules_func.c - the registry of functions a condition may call.
 * Each entry: name, parameter types, return type, C implementation, doc.
 * An implementation receives its evaluated arguments (NULL = absent) and
 * returns a value (NULL = absent), writing computed values into *out. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../analyze/analyze.h"
#include "rules_int.h"

#define A CW_T_ANY
#define S CW_T_STR
#define N CW_T_NUM
#define L CW_T_LIST
#define O CW_T_OBJ

static const cw_json *ret_bool(cw_json *out, bool b)
{
    memset(out, 0, sizeof *out);
    out->type = CW_JBOOL;
    out->b = b;
    return out;
}

static const cw_json *ret_num(cw_json *out, double d)
{
    memset(out, 0, sizeof *out);
    out->type = CW_JNUM;
    out->u.num = d;
    if (d >= -9.2e18 && d <= 9.2e18 && (double)(int64_t)d == d) out->is_int = 1;
    return out;
}

static const cw_json *ret_str(cw_json *out, const char *s, size_t len)
{
    memset(out, 0, sizeof *out);
    out->type = CW_JSTR;
    out->u.str = s;
    out->len = (uint32_t)len;
    return out;
}

static bool is_str(const cw_json *v) { return v && v->type == CW_JSTR; }

static const cw_json *f_len(const cw_cnode *c, const cw_json *const *av, cw_ectx *x, cw_json *out)
{
    const cw_json *v = av[0];
    if (!v || (v->type != CW_JSTR && v->type != CW_JARR && v->type != CW_JOBJ)) return NULL;
    return ret_num(out, v->len);
}

static const cw_json *f_case(const cw_json *v, cw_ectx *x, cw_json *out, bool up)
{
    if (!is_str(v)) return NULL;
    char *s = cw_ectx_alloc(x, v->len + 1);
    for (uint32_t i = 0; i < v->len; i++) {
        unsigned char ch = (unsigned char)v->u.str[i];
        s[i] = (char)(up ? toupper(ch) : tolower(ch));
    }
    s[v->len] = 0;
    return ret_str(out, s, v->len);
}
static const cw_json *f_lower(const cw_cnode *c, const cw_json *const *av, cw_ectx *x, cw_json *out)
{
    return f_case(av[0], x, out, false);
}
static const cw_json *f_upper(const cw_cnode *c, const cw_json *const *av, cw_ectx *x, cw_json *out)
{
    return f_case(av[0], x, out, true);
}

static const cw_json *f_days_since(const cw_cnode *c, const cw_json *const *av, cw_ectx *x, cw_json *out)
{
    const cw_json *v = av[0];
    int64_t d;
    if (is_str(v)) d = cw_date_days(v->u.str, v->len);
    else if (v && v->type == CW_JNUM) {
        double t = v->u.num;
        if (t > 1e11) t /= 1000.0; /* epoch milliseconds */
        d = (int64_t)(t / 86400.0);
        if (t < 0 && (double)d * 86400.0 != t) d--;
    } else return NULL;
    if (d == INT64_MIN) return NULL;
    return ret_num(out, (double)(x->today - d));
}

/* Tag keys compare ignoring case and the separators - _ . and space. */
static bool tagkey_eq(const char *a, size_t al, const char *b, size_t bl)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < al && strchr("-_. ", a[i])) i++;
        while (j < bl && strchr("-_. ", b[j])) j++;
        if (i == al || j == bl) return i == al && j == bl;
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[j])) return false;
        i++, j++;
    }
}

static const cw_json *f_tag(const cw_cnode *c, const cw_json *const *av, cw_ectx *x, cw_json *out)
{
    if (!is_str(av[0])) return NULL;
    const cw_json *t = x->asset->tags;
    if (!t || t->type != CW_JOBJ) return NULL;
    for (uint32_t i = 0; i < t->len; i++)
        if (tagkey_eq(t->u.members[i].key, cw_jkeylen(&t->u.members[i]), av[0]->u.str, av[0]->len))
            return &t->u.members[i].val;
    return NULL;
}

static bool in_keylist(const cw_json *keys, const char *k, size_t kl)
{
    if (is_str(keys)) return tagkey_eq(keys->u.str, keys->len, k, kl);
    for (uint32_t i = 0; keys && keys->type == CW_JARR && i < keys->len; i++)
        if (is_str(&keys->u.items[i]) && tagkey_eq(keys->u.items[i].u.str, keys->u.items[i].len, k, kl))
            return true;
    return false;
}

static bool in_vallist(const cw_json *vals, const cw_json *v)
{
    if (!is_str(v)) return false;
    if (is_str(vals)) return vals->len == v->len && strncasecmp(vals->u.str, v->u.str, v->len) == 0;
    for (uint32_t i = 0; vals && vals->type == CW_JARR && i < vals->len; i++) {
        const cw_json *e = &vals->u.items[i];
        if (is_str(e) && e->len == v->len && strncasecmp(e->u.str, v->u.str, v->len) == 0) return true;
    }
    return false;
}

static const cw_json *f_any_tag(const cw_cnode *c, const cw_json *const *av, cw_ectx *x, cw_json *out)
{
    const cw_json *t = x->asset->tags;
    if (!av[0]) return NULL;
    bool hit = false;
    for (uint32_t i = 0; t && t->type == CW_JOBJ && i < t->len && !hit; i++) {
        const cw_jmember *m = &t->u.members[i];
        if (!in_keylist(av[0], m->key, cw_jkeylen(m))) continue;
        hit = c->nargs < 2 || in_vallist(av[1], &m->val);
    }
    return ret_bool(out, hit);
}

static const cw_json *f_keys(const cw_cnode *c, const cw_json *const *av, cw_ectx *x, cw_json *out)
{
    const cw_json *o = av[0];
    if (!o || o->type != CW_JOBJ) return NULL;
    cw_json *items = cw_ectx_alloc(x, (o->len ? o->len : 1) * sizeof *items);
    for (uint32_t i = 0; i < o->len; i++) ret_str(&items[i], o->u.members[i].key, cw_jkeylen(&o->u.members[i]));
    memset(out, 0, sizeof *out);
    out->type = CW_JARR;
    out->len = o->len;
    out->u.items = items;
    return out;
}

static const cw_json *f_values(const cw_cnode *c, const cw_json *const *av, cw_ectx *x, cw_json *out)
{
    const cw_json *o = av[0];
    if (!o || o->type != CW_JOBJ) return NULL;
    cw_json *items = cw_ectx_alloc(x, (o->len ? o->len : 1) * sizeof *items);
    for (uint32_t i = 0; i < o->len; i++) items[i] = o->u.members[i].val;
    memset(out, 0, sizeof *out);
    out->type = CW_JARR;
    out->len = o->len;
    out->u.items = items;
    return out;
}

static const cw_json *f_num(const cw_cnode *c, const cw_json *const *av, cw_ectx *x, cw_json *out)
{
    const cw_json *v = av[0];
    if (!v) return NULL;
    if (v->type == CW_JNUM) return v;
    if (v->type == CW_JBOOL) return ret_num(out, v->b);
    if (v->type != CW_JSTR || v->len == 0 || v->len > 60) return NULL;
    char buf[64], *end;
    memcpy(buf, v->u.str, v->len);
    buf[v->len] = 0;
    double d = strtod(buf, &end);
    while (*end == ' ') end++;
    if (*end || buf[0] == ' ') return NULL;
    return ret_num(out, d);
}

static const cw_json *f_str(const cw_cnode *c, const cw_json *const *av, cw_ectx *x, cw_json *out)
{
    const cw_json *v = av[0];
    if (!v || v->type == CW_JNULL) return NULL;
    if (v->type == CW_JSTR) return v;
    cw_strbuf sb = CW_STRBUF_INIT;
    cw_value_text(&sb, v, 4096);
    char *s = cw_ectx_alloc(x, sb.len + 1);
    memcpy(s, sb.buf ? sb.buf : "", sb.len + 1);
    size_t n = sb.len;
    cw_sb_free(&sb);
    return ret_str(out, s, n);
}

static const cw_json *f_related(const cw_cnode *c, const cw_json *const *av, cw_ectx *x, cw_json *out)
{
    if (!is_str(av[0])) return NULL;
    cw_asset *one[1];
    return ret_num(out, (double)cw_asset_related(x->asset, av[0]->u.str, one, 0));
}

static const cw_json *f_cidr_contains(const cw_cnode *c, const cw_json *const *av, cw_ectx *x, cw_json *out)
{
    if (!is_str(av[0]) || !is_str(av[1])) return NULL;
    int r = cw_cidr_contains(av[0]->u.str, av[1]->u.str);
    return r < 0 ? NULL : ret_bool(out, r == 1);
}

static const char *const private_nets[] = {
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16",
    "100.64.0.0/10", "fc00::/7", "fe80::/10", "::1/128", NULL,
};

static const cw_json *f_cidr_is_private(const cw_cnode *c, const cw_json *const *av, cw_ectx *x, cw_json *out)
{
    if (!is_str(av[0])) return NULL;
    bool parsed = false;
    for (int i = 0; private_nets[i]; i++) {
        int r = cw_cidr_contains(private_nets[i], av[0]->u.str);
        if (r == 1) return ret_bool(out, true);
        if (r == 0) parsed = true;
    }
    return parsed ? ret_bool(out, false) : NULL;
}

static const cw_json *f_open(const cw_cnode *c, const cw_json *const *av, cw_ectx *x, cw_json *out)
{
    if (!av[0] || av[0]->type != CW_JOBJ) return NULL;
    return ret_bool(out, cw_net_perm_open_to_internet(av[0]));
}

typedef struct ports { int64_t *v; size_t n; } ports;

static bool port_ok(const cw_json *e) { return e->type == CW_JNUM && e->u.num >= 0 && e->u.num <= 65535 && e->u.num == (double)(int64_t)e->u.num; }

static const char *prep_ports(cw_cnode *c, cw_arena *a)
{
    const cw_cnode *p = c->args[1];
    if (p->op != CN_LIT) return NULL; /* converted at run time */
    ports *ps = cw_arena_zalloc(a, sizeof *ps);
    const cw_json *l = &p->lit;
    size_t n = l->type == CW_JARR ? l->len : 1;
    ps->v = cw_arena_alloc(a, (n ? n : 1) * sizeof *ps->v);
    for (size_t i = 0; i < n; i++) {
        const cw_json *e = l->type == CW_JARR ? &l->u.items[i] : l;
        if (!port_ok(e)) return "ports must be whole numbers from 0 to 65535";
        ps->v[ps->n++] = (int64_t)e->u.num;
    }
    c->fdata = ps;
    return NULL;
}

static const cw_json *f_ports(const cw_cnode *c, const cw_json *const *av, cw_ectx *x, cw_json *out)
{
    if (!av[0] || av[0]->type != CW_JOBJ || !av[1]) return NULL;
    const ports *ps = c->fdata;
    if (ps) return ret_bool(out, cw_net_perm_port_overlaps(av[0], ps->v, ps->n));
    int64_t buf[64];
    size_t n = 0;
    const cw_json *l = av[1];
    size_t cnt = l->type == CW_JARR ? l->len : 1;
    for (size_t i = 0; i < cnt && n < 64; i++) {
        const cw_json *e = l->type == CW_JARR ? &l->u.items[i] : l;
        if (port_ok(e)) buf[n++] = (int64_t)e->u.num;
    }
    return ret_bool(out, cw_net_perm_port_overlaps(av[0], buf, n));
}

const cw_rfunc cw_rfuncs[] = {
    {"len", 1, 1, {S | L | O}, N, f_len, NULL, "len(x)",
     "Number of characters of a string, items of a list or members of an object."},
    {"lower", 1, 1, {S}, S, f_lower, NULL, "lower(s)", "The string in lower case (ASCII)."},
    {"upper", 1, 1, {S}, S, f_upper, NULL, "upper(s)", "The string in upper case (ASCII)."},
    {"days_since", 1, 1, {S | N}, N, f_days_since, NULL, "days_since(date)",
     "Whole days from a date (\"YYYY-MM-DD...\" or epoch seconds/milliseconds) to the scan's today; "
     "absent when it is not a date."},
    {"tag", 1, 1, {S}, S, f_tag, NULL, "tag(key)",
     "Value of the tag whose key matches, ignoring case and the separators - _ . and space "
     "(tag(\"data-class\") finds DataClass and data_class)."},
    {"any_tag", 2, 1, {S | L, S | L}, CW_T_BOOL, f_any_tag, NULL, "any_tag(keys[, values])",
     "True when a tag whose key is among keys (compared like tag()) exists and, when values is "
     "given, its value is among values (ignoring case)."},
    {"keys", 1, 1, {O}, L, f_keys, NULL, "keys(obj)", "The member names of an object, as a list."},
    {"values", 1, 1, {O}, L, f_values, NULL, "values(obj)", "The member values of an object, as a list."},
    {"num", 1, 1, {A}, N, f_num, NULL, "num(x)",
     "x as a number (numeric strings are parsed, true is 1); absent when it is not a number."},
    {"str", 1, 1, {A}, S, f_str, NULL, "str(x)", "x as text (containers as compact JSON)."},
    {"related", 1, 1, {S}, N, f_related, NULL, "related(type)",
     "How many assets of that type in the inventory this asset has a relationship with."},
    {"cidr.contains", 2, 2, {S, S}, CW_T_BOOL, f_cidr_contains, NULL, "cidr.contains(outer, inner)",
     "True when the CIDR block outer contains inner (IPv4 or IPv6; an address is a host block); "
     "absent when either does not parse."},
    {"cidr.is_private", 1, 1, {S}, CW_T_BOOL, f_cidr_is_private, NULL, "cidr.is_private(cidr)",
     "True when the block lies in private, loopback, link-local or carrier-grade NAT space "
     "(RFC 1918, RFC 6598, fc00::/7, ...)."},
    {"net.open_to_internet", 1, 1, {O}, CW_T_BOOL, f_open, NULL, "net.open_to_internet(perm)",
     "True when a security-group permission's sources together cover the whole IPv4 or IPv6 "
     "internet (0.0.0.0/0, ::/0, or a union of blocks that covers it)."},
    {"net.port_overlaps", 2, 2, {O, L | N}, CW_T_BOOL, f_ports, prep_ports, "net.port_overlaps(perm, ports)",
     "True when a security-group permission's protocol and port range admit any of the ports "
     "(protocol -1 admits every port)."},
    {NULL, 0, 0, {0}, 0, NULL, NULL, NULL, NULL},
};

const cw_rfunc *cw_rfunc_find(const char *name, size_t len)
{
    for (const cw_rfunc *f = cw_rfuncs; f->name; f++)
        if (strlen(f->name) == len && memcmp(f->name, name, len) == 0) return f;
    return NULL;
}
