/* netreach.c - security-group permissions as (protocol, port range, source
 * ranges) and their union exposed to the internet (see netreach.h), the
 * network helpers declared in analyze.h, and the security-group facts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyze_int.h"
#include "ipset.h"
#include "netreach.h"

typedef struct perm {
    int proto;
    int lo, hi;       /* tcp/udp port range */
    cw_ipset set[2];  /* sources, normalized */
    bool alone[2];    /* set[f] alone covers the whole public internet */
} perm;

int cw_perm_protocol(const cw_json *j)
{
    const cw_json *p = cw_json_get_ci(j, "ipProtocol");
    if (!p) return -2;
    if (p->type == CW_JNUM) return (int)p->u.num;
    if (p->type != CW_JSTR) return -2;
    const char *s = p->u.str;
    if (strcmp(s, "-1") == 0 || strcasecmp(s, "all") == 0) return -1;
    if (strcasecmp(s, "tcp") == 0) return 6;
    if (strcasecmp(s, "udp") == 0) return 17;
    if (strcasecmp(s, "icmp") == 0) return 1;
    if (strcasecmp(s, "icmpv6") == 0) return 58;
    char *end;
    long v = strtol(s, &end, 10);
    if (*s && !*end && v >= -1 && v <= 255) return (int)v;
    return -2;
}

static void add_source(perm *p, const char *cidr)
{
    int fam;
    cw_u128 lo, hi;
    if (cw_ip_parse_cidr(cidr, &fam, &lo, &hi) < 0) return;
    cw_ipset_add(&p->set[fam == 4 ? 0 : 1], lo, hi);
}

static void perm_parse(const cw_json *j, perm *p)
{
    memset(p, 0, sizeof *p);
    cw_ipset_init(&p->set[0], 4);
    cw_ipset_init(&p->set[1], 6);
    p->proto = cw_perm_protocol(j);
    p->lo = 0;
    p->hi = 65535;
    if (p->proto == 6 || p->proto == 17) {
        const cw_json *f = cw_json_get_ci(j, "fromPort"), *t = cw_json_get_ci(j, "toPort");
        double from = cw_json_num(f, -1), to = cw_json_num(t, -1);
        if (f && from >= 0) p->lo = (int)from;
        if (t && to >= 0) p->hi = (int)to;
        if (from < 0 && to < 0) {
            p->lo = 0;
            p->hi = 65535;
        }
        if (p->lo > 65535) p->lo = 65535;
        if (p->hi > 65535) p->hi = 65535;
        if (p->lo > p->hi) p->proto = -2; /* unusable */
    }
    static const char *const keys[] = {"ipRanges", "ipv4Ranges", "ipv6Ranges"};
    for (size_t k = 0; k < 3; k++) {
        const cw_json *arr = cw_json_get_ci(j, keys[k]);
        if (!arr || arr->type != CW_JARR) continue;
        for (uint32_t i = 0; i < arr->len; i++) {
            const cw_json *e = &arr->u.items[i];
            if (e->type == CW_JSTR) {
                add_source(p, e->u.str);
            } else if (e->type == CW_JOBJ) {
                const char *c = cw_json_str(cw_json_get_ci(e, "cidrIp"), NULL);
                if (!c) c = cw_json_str(cw_json_get_ci(e, "cidrIpv6"), NULL);
                if (!c) c = cw_json_str(cw_json_get_ci(e, "cidr"), NULL);
                if (c) add_source(p, c);
            }
        }
    }
    cw_ipset_normalize(&p->set[0]);
    cw_ipset_normalize(&p->set[1]);
    p->alone[0] = cw_ipset_covers_public(&p->set[0]);
    p->alone[1] = cw_ipset_covers_public(&p->set[1]);
}

static void perm_free(perm *p)
{
    cw_ipset_free(&p->set[0]);
    cw_ipset_free(&p->set[1]);
}

/* ---- helpers of analyze.h ------------------------------------------------------ */
bool cw_net_perm_open_to_internet(const cw_json *j)
{
    if (!j) return false;
    perm p;
    perm_parse(j, &p);
    bool open = p.proto != -2 && (cw_ipset_covers_public(&p.set[0]) || cw_ipset_covers_public(&p.set[1]));
    perm_free(&p);
    return open;
}

bool cw_net_perm_port_overlaps(const cw_json *j, const int64_t *ports, size_t n)
{
    if (!j) return false;
    int proto = cw_perm_protocol(j);
    if (proto == -1) return n > 0;
    if (proto != 6 && proto != 17) return false;
    perm p;
    perm_parse(j, &p);
    bool hit = false;
    for (size_t i = 0; i < n && !hit && p.proto != -2; i++) hit = ports[i] >= p.lo && ports[i] <= p.hi;
    perm_free(&p);
    return hit;
}

int cw_cidr_contains(const char *outer, const char *inner)
{
    int fo, fi;
    cw_u128 olo, ohi, ilo, ihi;
    if (cw_ip_parse_cidr(outer, &fo, &olo, &ohi) < 0 || cw_ip_parse_cidr(inner, &fi, &ilo, &ihi) < 0) return -1;
    return fo == fi && olo <= ilo && ihi <= ohi;
}

/* ---- exposure ------------------------------------------------------------------ */
static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static bool union_covers(const perm *const *ps, const size_t *idx, size_t n, int f)
{
    /* usually one source is 0.0.0.0/0 or ::/0 by itself: no union needed */
    for (size_t i = 0; i < n; i++)
        if (ps[idx[i]]->alone[f]) return true;
    if (n < 2) return false;
    cw_ipset u;
    cw_ipset_init(&u, f == 0 ? 4 : 6);
    for (size_t i = 0; i < n; i++) cw_ipset_add_set(&u, &ps[idx[i]]->set[f]);
    bool c = cw_ipset_covers_public(&u);
    cw_ipset_free(&u);
    return c;
}

static int cmp_prange(const void *a, const void *b)
{
    const cw_prange *x = a, *y = b;
    return x->lo != y->lo ? (x->lo > y->lo) - (x->lo < y->lo) : (x->hi > y->hi) - (x->hi < y->hi);
}

/* Sort ranges and merge overlapping or adjacent ones in place; the count left. */
static size_t sort_merge(cw_prange *v, size_t k)
{
    if (k > 1) qsort(v, k, sizeof *v, cmp_prange);
    size_t o = 0;
    for (size_t i = 0; i < k; i++) {
        if (o && v[i].lo <= v[o - 1].hi + 1) {
            if (v[i].hi > v[o - 1].hi) v[o - 1].hi = v[i].hi;
        } else {
            v[o++] = v[i];
        }
    }
    return o;
}

/* Open port ranges of protocol proto (6/17) for family f. */
static size_t open_ports(const perm *const *ps, size_t n, int proto, int f, cw_prange **out)
{
    size_t *rel = cw_xmalloc((n ? n : 1) * sizeof *rel), nrel = 0;
    for (size_t i = 0; i < n; i++)
        if ((ps[i]->proto == proto || ps[i]->proto == -1) && ps[i]->set[f].n) rel[nrel++] = i;
    *out = NULL;
    if (!nrel) {
        free(rel);
        return 0;
    }
    /* Usually no union of sources matters: when the permissions whose sources
     * do not cover the internet alone do not cover it together either, the
     * open ports are exactly the ranges of the ones that do (merged). */
    size_t nother = 0, nalone = 0;
    size_t *other = cw_xmalloc(nrel * sizeof *other);
    for (size_t i = 0; i < nrel; i++) {
        if (ps[rel[i]]->alone[f]) nalone++;
        else other[nother++] = rel[i];
    }
    bool unions_matter = nother >= 2 && union_covers(ps, other, nother, f);
    free(other);
    if (!unions_matter) {
        cw_prange *res = nalone ? cw_xmalloc(nalone * sizeof *res) : NULL;
        size_t k = 0;
        for (size_t i = 0; i < nrel; i++)
            if (ps[rel[i]]->alone[f] && ps[rel[i]]->lo <= ps[rel[i]]->hi)
                res[k].lo = ps[rel[i]]->lo, res[k].hi = ps[rel[i]]->hi, k++;
        size_t nres = sort_merge(res, k);
        free(rel);
        if (!nres) free(res), res = NULL;
        *out = res;
        return nres;
    }
    int *bp = cw_xmalloc((2 * nrel + 2) * sizeof *bp);
    size_t nbp = 0;
    bp[nbp++] = 0;
    bp[nbp++] = 65536;
    for (size_t i = 0; i < nrel; i++) {
        bp[nbp++] = ps[rel[i]]->lo;
        bp[nbp++] = ps[rel[i]]->hi + 1;
    }
    qsort(bp, nbp, sizeof *bp, cmp_int);
    size_t *cov = cw_xmalloc(nrel * sizeof *cov);
    cw_prange *res = NULL;
    size_t nres = 0, cap = 0;
    for (size_t i = 0; i + 1 < nbp; i++) {
        int lo = bp[i], hi = bp[i + 1] - 1;
        if (lo > hi || lo > 65535) continue;
        size_t nc = 0;
        for (size_t k = 0; k < nrel; k++)
            if (ps[rel[k]]->lo <= lo && ps[rel[k]]->hi >= hi) cov[nc++] = rel[k];
        if (!nc || !union_covers(ps, cov, nc, f)) continue;
        if (nres && res[nres - 1].hi + 1 == lo) {
            res[nres - 1].hi = hi;
            continue;
        }
        if (nres == cap) {
            cap = cap ? cap * 2 : 4;
            res = cw_xrealloc(res, cap * sizeof *res);
        }
        res[nres].lo = lo;
        res[nres].hi = hi;
        nres++;
    }
    free(cov);
    free(bp);
    free(rel);
    *out = res;
    return nres;
}

/* Exposure of already parsed permissions. */
static void exposure_of(const perm *const *ps, size_t np, cw_exposure *e)
{
    memset(e, 0, sizeof *e);
    size_t *idx = cw_xmalloc((np ? np : 1) * sizeof *idx);
    for (int f = 0; f < 2; f++) {
        size_t ni = 0;
        for (size_t i = 0; i < np; i++)
            if (ps[i]->proto == -1 && ps[i]->set[f].n) idx[ni++] = i;
        e->all[f] = ni && union_covers(ps, idx, ni, f);
        e->ntcp[f] = open_ports(ps, np, 6, f, &e->tcp[f]);
        e->nudp[f] = open_ports(ps, np, 17, f, &e->udp[f]);
        if (e->all[f]) continue;
        for (size_t i = 0; i < np; i++) {
            int q = ps[i]->proto;
            if (q == -1 || q == 6 || q == 17 || !ps[i]->set[f].n) continue;
            bool seen = false;
            for (size_t k = 0; k < e->nprotos[f] && !seen; k++) seen = e->protos[f][k] == q;
            if (seen) continue;
            ni = 0;
            for (size_t k = 0; k < np; k++)
                if ((ps[k]->proto == q || ps[k]->proto == -1) && ps[k]->set[f].n) idx[ni++] = k;
            if (!union_covers(ps, idx, ni, f)) continue;
            e->protos[f] = cw_xrealloc(e->protos[f], (e->nprotos[f] + 1) * sizeof *e->protos[f]);
            e->protos[f][e->nprotos[f]++] = q;
        }
    }
    free(idx);
}

void cw_exposure_compute(const cw_json *const *perms, size_t n, cw_exposure *e)
{
    perm *ps = cw_xmalloc((n ? n : 1) * sizeof *ps);
    const perm **pp = cw_xmalloc((n ? n : 1) * sizeof *pp);
    size_t np = 0;
    for (size_t i = 0; i < n; i++) {
        perm_parse(perms[i], &ps[np]);
        if (ps[np].proto == -2) {
            perm_free(&ps[np]);
        } else {
            pp[np] = &ps[np];
            np++;
        }
    }
    exposure_of(pp, np, e);
    for (size_t i = 0; i < np; i++) perm_free(&ps[i]);
    free(ps);
    free(pp);
}

/* ---- parsed permissions of every security group -------------------------------
 * A whole run parses every group up front; a run on a few target assets (the
 * engine's incremental path, s->target set) parses a group when a target
 * first asks for it, so a change costs the groups it touches, not all of
 * them. The cache belongs to one netreach run (one thread). */
struct cw_sgcache {
    size_t n;        /* = number of assets */
    perm **perms;    /* by asset index: parsed inbound permissions, NULL if none */
    uint32_t *count;
    uint8_t *parsed; /* lazy caches: by asset index, 1 once parsed; NULL = all parsed */
    uint32_t *used;  /* lazy caches: the indexes parsed, so freeing touches only them (an apply of the
                        incremental path on 200k assets read all n entries: a page fault per 4 KiB) */
    size_t nused, capused;
};

static void sg_parse(cw_sgcache *c, const cw_asset *a)
{
    if (c->parsed) {
        c->parsed[a->index] = 1;
        if (c->nused == c->capused) {
            c->capused = c->capused ? 2 * c->capused : 64;
            c->used = cw_xrealloc(c->used, c->capused * sizeof *c->used);
        }
        c->used[c->nused++] = a->index;
    }
    const cw_json *ip = cw_json_get_ci(cw_conf(a), "ipPermissions");
    if (!ip || ip->type != CW_JARR || !ip->len) return;
    perm *ps = cw_xmalloc(ip->len * sizeof *ps);
    uint32_t np = 0;
    for (uint32_t k = 0; k < ip->len; k++) {
        perm_parse(&ip->u.items[k], &ps[np]);
        if (ps[np].proto == -2) perm_free(&ps[np]);
        else np++;
    }
    c->perms[a->index] = ps;
    c->count[a->index] = np;
}

static bool is_sg(const cw_asset *a) { return a->type && strcmp(a->type, "AWS::EC2::SecurityGroup") == 0; }

cw_sgcache *cw_sgcache_new(cw_assets *s)
{
    cw_sgcache *c = cw_xcalloc(1, sizeof *c);
    c->n = s->n;
    c->perms = cw_xcalloc(s->n ? s->n : 1, sizeof *c->perms);
    c->count = cw_xcalloc(s->n ? s->n : 1, sizeof *c->count);
    if (s->target) {
        c->parsed = cw_xcalloc(s->n ? s->n : 1, 1);
        return c;
    }
    const cw_asset_list *l = cw_assets_of_type(s, "AWS::EC2::SecurityGroup");
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i]->index < c->n) sg_parse(c, l->v[i]);
    return c;
}

void cw_sgcache_free(cw_sgcache *c)
{
    if (!c) return;
    for (size_t j = 0, n = c->parsed ? c->nused : c->n; j < n; j++) {
        size_t i = c->parsed ? c->used[j] : j;
        for (uint32_t k = 0; k < c->count[i]; k++) perm_free(&c->perms[i][k]);
        free(c->perms[i]);
        c->perms[i] = NULL, c->count[i] = 0;
    }
    free(c->used);
    free(c->perms);
    free(c->count);
    free(c->parsed);
    free(c);
}

void cw_sgcache_exposure(const cw_sgcache *cc, cw_asset *const *sgs, size_t n, cw_exposure *e)
{
    cw_sgcache *c = (cw_sgcache *)cc; /* a lazy cache fills in (one thread, see above) */
    size_t tot = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t ix = sgs[i]->index;
        if (ix >= c->n) continue;
        if (c->parsed && !c->parsed[ix] && sgs[i]->live && is_sg(sgs[i])) sg_parse(c, sgs[i]);
        tot += c->count[ix];
    }
    const perm **pp = cw_xmalloc((tot ? tot : 1) * sizeof *pp);
    size_t np = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t ix = sgs[i]->index;
        if (ix >= c->n) continue;
        for (uint32_t k = 0; k < c->count[ix]; k++) pp[np++] = &c->perms[ix][k];
    }
    exposure_of(pp, np, e);
    free(pp);
}

void cw_exposure_free(cw_exposure *e)
{
    for (int f = 0; f < 2; f++) {
        free(e->tcp[f]);
        free(e->udp[f]);
        free(e->protos[f]);
    }
    memset(e, 0, sizeof *e);
}

bool cw_exposure_any(const cw_exposure *e, int mask)
{
    for (int f = 0; f < 2; f++)
        if ((mask & (1 << f)) && (e->all[f] || e->ntcp[f] || e->nudp[f] || e->nprotos[f])) return true;
    return false;
}

bool cw_exposure_tcp_open(const cw_exposure *e, int mask, int port)
{
    for (int f = 0; f < 2; f++) {
        if (!(mask & (1 << f))) continue;
        if (e->all[f]) return true;
        for (size_t i = 0; i < e->ntcp[f]; i++)
            if (port >= e->tcp[f][i].lo && port <= e->tcp[f][i].hi) return true;
    }
    return false;
}

bool cw_exposure_all_tcp(const cw_exposure *e, int mask)
{
    for (int f = 0; f < 2; f++) {
        if (!(mask & (1 << f))) continue;
        if (e->all[f] || (e->ntcp[f] == 1 && e->tcp[f][0].lo == 0 && e->tcp[f][0].hi == 65535)) return true;
    }
    return false;
}

/* Merge the ranges of both families selected by mask. */
static size_t merged(cw_prange *const r[2], const size_t n[2], int mask, cw_prange **out)
{
    size_t tot = 0;
    for (int f = 0; f < 2; f++)
        if (mask & (1 << f)) tot += n[f];
    cw_prange *m = cw_xmalloc((tot ? tot : 1) * sizeof *m);
    size_t k = 0;
    for (int f = 0; f < 2; f++)
        if (mask & (1 << f))
            for (size_t i = 0; i < n[f]; i++) m[k++] = r[f][i];
    *out = m;
    return sort_merge(m, k);
}

static const char *proto_name(cw_arena *a, int q)
{
    if (q == 1) return "icmp";
    if (q == 58) return "icmpv6";
    return cw_arena_printf(a, "proto/%d", q);
}

size_t cw_exposure_describe(const cw_exposure *e, int mask, cw_arena *a, const char ***out)
{
    cw_strlist l = {0};
    bool all = false;
    for (int f = 0; f < 2; f++) all |= (mask & (1 << f)) && e->all[f];
    if (all) {
        cw_strlist_add(&l, "all");
    } else {
        cw_prange *m;
        size_t n = merged(e->tcp, e->ntcp, mask, &m);
        for (size_t i = 0; i < n; i++)
            cw_strlist_add(&l, m[i].lo == m[i].hi ? cw_arena_printf(a, "%d", m[i].lo)
                                                  : cw_arena_printf(a, "%d-%d", m[i].lo, m[i].hi));
        free(m);
        n = merged(e->udp, e->nudp, mask, &m);
        for (size_t i = 0; i < n; i++)
            cw_strlist_add(&l, m[i].lo == m[i].hi ? cw_arena_printf(a, "udp/%d", m[i].lo)
                                                  : cw_arena_printf(a, "udp/%d-%d", m[i].lo, m[i].hi));
        free(m);
        for (int f = 0; f < 2; f++)
            if (mask & (1 << f))
                for (size_t i = 0; i < e->nprotos[f]; i++) cw_strlist_add_unique(&l, proto_name(a, e->protos[f][i]));
    }
    const char **v = cw_arena_alloc(a, (l.n ? l.n : 1) * sizeof *v);
    if (l.n) memcpy(v, l.v, l.n * sizeof *v);
    size_t n = l.n;
    cw_strlist_free(&l);
    *out = v;
    return n;
}

/* ---- security-group facts ---------------------------------------------------------- */
static const int64_t admin_ports[] = {22, 23, 3389, 5900, 5985, 5986, 2375, 2376, 6443};
static const int64_t db_ports[] = {1433, 1434, 1521, 2483, 2484, 3306, 5432, 5439, 5984, 6379, 7000, 7001,
                                   8086, 9042, 9160, 9200, 9300, 11211, 27017, 27018, 27019, 50000};

static void port_facts(cw_factset *fsp, const cw_exposure *e, const char *name, const int64_t *ports,
                       size_t n)
{
    int64_t open[32];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 32; i++)
        if (cw_exposure_tcp_open(e, CW_FAM_ANY, (int)ports[i])) open[k++] = ports[i];
    cw_fs_ints(fsp, name, open, k);
}

void cw_an_netreach_sg(cw_assets *s, const cw_sgcache *cache)
{
    const cw_asset_list *l = cw_assets_of_type(s, "AWS::EC2::SecurityGroup");
    for (size_t i = 0; i < l->n; i++) {
        cw_asset *a = l->v[i];
        if (!cw_an_target(s, a)) continue;
        cw_exposure e;
        cw_sgcache_exposure(cache, &a, 1, &e);
        cw_factset fs;
        cw_fs_init(&fs, s, a);
        const char **ports;
        size_t np = cw_exposure_describe(&e, CW_FAM_ANY, &s->arena, &ports);
        cw_fs_bool(&fs, "sg.open_to_internet", cw_exposure_any(&e, CW_FAM_ANY));
        cw_fs_strs(&fs, "sg.internet_ports", ports, np);
        cw_fs_bool(&fs, "sg.all_ports_open", cw_exposure_all_tcp(&e, CW_FAM_ANY));
        port_facts(&fs, &e, "sg.admin_ports_open", admin_ports, sizeof admin_ports / sizeof admin_ports[0]);
        port_facts(&fs, &e, "sg.db_ports_open", db_ports, sizeof db_ports / sizeof db_ports[0]);
        cw_fs_commit(&fs);
        cw_exposure_free(&e);
    }
}
