/* ipset.c - address parsing and interval sets (see ipset.h). */
#include "ipset.h"

#include <pthread.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"

cw_u128 cw_ip_max(int fam)
{
    return fam == 4 ? (cw_u128)0xffffffffu : ~(cw_u128)0;
}

/* Dotted quad of exactly n bytes starting at s; returns 0 on success. */
static int parse_v4(const char *s, size_t n, uint32_t *out)
{
    uint32_t v = 0;
    int parts = 0;
    size_t i = 0;
    while (i < n) {
        if (!isdigit((unsigned char)s[i])) return -1;
        unsigned x = 0;
        int digits = 0;
        while (i < n && isdigit((unsigned char)s[i])) {
            x = x * 10 + (unsigned)(s[i] - '0');
            if (++digits > 3 || x > 255) return -1;
            i++;
        }
        v = (v << 8) | x;
        parts++;
        if (i < n) {
            if (s[i] != '.' || parts == 4) return -1;
            i++;
            if (i == n) return -1;
        }
    }
    if (parts != 4) return -1;
    *out = v;
    return 0;
}

static int hexdig(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int parse_v6(const char *s, size_t n, cw_u128 *out)
{
    uint16_t g[8];
    int ng = 0, gap = -1;
    size_t i = 0;
    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        i = 2;
    } else if (n && s[0] == ':') {
        return -1;
    }
    while (i < n) {
        /* embedded IPv4 in the last 32 bits */
        size_t j = i;
        while (j < n && s[j] != ':' && s[j] != '.') j++;
        if (j < n && s[j] == '.') {
            uint32_t v4;
            if (ng > 6 || parse_v4(s + i, n - i, &v4) < 0) return -1;
            g[ng++] = (uint16_t)(v4 >> 16);
            g[ng++] = (uint16_t)v4;
            i = n;
            break;
        }
        unsigned x = 0;
        int digits = 0;
        while (i < n && hexdig(s[i]) >= 0) {
            x = (x << 4) | (unsigned)hexdig(s[i]);
            if (++digits > 4) return -1;
            i++;
        }
        if (!digits || ng == 8) return -1;
        g[ng++] = (uint16_t)x;
        if (i == n) break;
        if (s[i] != ':') return -1;
        i++;
        if (i < n && s[i] == ':') {
            if (gap >= 0) return -1;
            gap = ng;
            i++;
        } else if (i == n) {
            return -1;
        }
    }
    if (gap < 0 && ng != 8) return -1;
    if (gap >= 0 && ng > 7) return -1;
    uint16_t full[8] = {0};
    if (gap < 0) {
        memcpy(full, g, sizeof full);
    } else {
        for (int k = 0; k < gap; k++) full[k] = g[k];
        int tail = ng - gap;
        for (int k = 0; k < tail; k++) full[8 - tail + k] = g[gap + k];
    }
    cw_u128 v = 0;
    for (int k = 0; k < 8; k++) v = (v << 16) | full[k];
    *out = v;
    return 0;
}

int cw_ip_parse_cidr(const char *s, int *fam, cw_u128 *lo, cw_u128 *hi)
{
    if (!s) return -1;
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    if (!n || n > 64) return -1;
    const char *slash = memchr(s, '/', n);
    size_t alen = slash ? (size_t)(slash - s) : n;
    int f;
    cw_u128 addr;
    if (memchr(s, ':', alen)) {
        if (parse_v6(s, alen, &addr) < 0) return -1;
        f = 6;
    } else {
        uint32_t v4;
        if (parse_v4(s, alen, &v4) < 0) return -1;
        addr = v4;
        f = 4;
    }
    int bits = f == 4 ? 32 : 128, plen = bits;
    if (slash) {
        const char *p = slash + 1, *e = s + n;
        if (p == e || e - p > 3) return -1;
        plen = 0;
        for (; p < e; p++) {
            if (!isdigit((unsigned char)*p)) return -1;
            plen = plen * 10 + (*p - '0');
        }
        if (plen > bits) return -1;
    }
    cw_u128 hostmask = plen == bits ? 0 : (plen == 0 ? cw_ip_max(f) : (((cw_u128)1 << (bits - plen)) - 1));
    *fam = f;
    *lo = addr & ~hostmask & cw_ip_max(f);
    *hi = *lo | hostmask;
    return 0;
}

char *cw_ip_format(int fam, cw_u128 a, char *buf, size_t len)
{
    if (fam == 4) {
        uint32_t v = (uint32_t)a;
        snprintf(buf, len, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255);
        return buf;
    }
    uint16_t g[8];
    for (int k = 7; k >= 0; k--) {
        g[k] = (uint16_t)(a & 0xffff);
        a >>= 16;
    }
    /* longest run of zero groups (length >= 2) becomes "::" */
    int best = -1, bestlen = 0;
    for (int k = 0; k < 8;) {
        if (g[k]) {
            k++;
            continue;
        }
        int e = k;
        while (e < 8 && !g[e]) e++;
        if (e - k > bestlen && e - k >= 2) {
            best = k;
            bestlen = e - k;
        }
        k = e;
    }
    size_t o = 0;
    buf[0] = 0;
    for (int k = 0; k < 8 && o + 6 < len; k++) {
        if (k == best) {
            o += (size_t)snprintf(buf + o, len - o, "::");
            k += bestlen - 1;
            continue;
        }
        if (o && buf[o - 1] != ':') buf[o++] = ':';
        o += (size_t)snprintf(buf + o, len - o, "%x", g[k]);
    }
    if (o < len) buf[o] = 0;
    return buf;
}

void cw_ipset_init(cw_ipset *s, int fam)
{
    memset(s, 0, sizeof *s);
    s->fam = fam;
}

void cw_ipset_free(cw_ipset *s)
{
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

void cw_ipset_clear(cw_ipset *s)
{
    s->n = 0;
}

void cw_ipset_add(cw_ipset *s, cw_u128 lo, cw_u128 hi)
{
    if (lo > hi) return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->v = cw_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n].lo = lo;
    s->v[s->n].hi = hi;
    s->n++;
}

void cw_ipset_add_set(cw_ipset *s, const cw_ipset *o)
{
    for (size_t i = 0; i < o->n; i++) cw_ipset_add(s, o->v[i].lo, o->v[i].hi);
}

static int cmp_range(const void *a, const void *b)
{
    const cw_iprange *x = a, *y = b;
    if (x->lo != y->lo) return x->lo < y->lo ? -1 : 1;
    if (x->hi != y->hi) return x->hi < y->hi ? -1 : 1;
    return 0;
}

void cw_ipset_normalize(cw_ipset *s)
{
    if (s->n < 2) return;
    qsort(s->v, s->n, sizeof *s->v, cmp_range);
    size_t o = 0;
    for (size_t i = 1; i < s->n; i++) {
        cw_iprange *cur = &s->v[o];
        /* merge overlapping or adjacent (hi + 1 == lo, without overflow) */
        if (s->v[i].lo <= cur->hi || (cur->hi != ~(cw_u128)0 && s->v[i].lo == cur->hi + 1)) {
            if (s->v[i].hi > cur->hi) cur->hi = s->v[i].hi;
        } else {
            s->v[++o] = s->v[i];
        }
    }
    s->n = o + 1;
}

bool cw_ipset_contains(const cw_ipset *s, cw_u128 a)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->v[mid].hi < a) lo = mid + 1;
        else if (s->v[mid].lo > a) hi = mid;
        else return true;
    }
    return false;
}

/* Special-purpose ranges no internet host sources traffic from. */
static const char *const reserved_v4[] = {
    "0.0.0.0/8",      "10.0.0.0/8",    "100.64.0.0/10",   "127.0.0.0/8",     "169.254.0.0/16",
    "172.16.0.0/12",  "192.0.0.0/24",  "192.0.2.0/24",    "192.88.99.0/24",  "192.168.0.0/16",
    "198.18.0.0/15",  "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4",    "240.0.0.0/4",
    NULL,
};
/* Everything outside global unicast 2000::/3, plus documentation prefixes. */
static const char *const reserved_v6[] = {
    "::/3", "4000::/2", "8000::/1", "2001:db8::/32", "3fff::/20", NULL,
};

static void add_reserved(cw_ipset *s)
{
    const char *const *list = s->fam == 4 ? reserved_v4 : reserved_v6;
    for (; *list; list++) {
        int f;
        cw_u128 lo, hi;
        if (cw_ip_parse_cidr(*list, &f, &lo, &hi) == 0) cw_ipset_add(s, lo, hi);
    }
}

size_t cw_ip_public_ranges(int fam, cw_iprange *out, size_t max)
{
    cw_ipset r;
    cw_ipset_init(&r, fam);
    add_reserved(&r);
    cw_ipset_normalize(&r);
    size_t n = 0;
    cw_u128 next = 0; /* first address not yet accounted for */
    bool done = false;
    for (size_t i = 0; i < r.n && !done; i++) {
        if (r.v[i].lo > next && n < max) {
            out[n].lo = next;
            out[n].hi = r.v[i].lo - 1;
            n++;
        }
        if (r.v[i].hi == cw_ip_max(fam)) done = true;
        else next = r.v[i].hi + 1;
    }
    if (!done && n < max) {
        out[n].lo = next;
        out[n].hi = cw_ip_max(fam);
        n++;
    }
    cw_ipset_free(&r);
    return n;
}

bool cw_ip_is_public(int fam, cw_u128 a)
{
    cw_iprange pub[32];
    size_t n = cw_ip_public_ranges(fam, pub, 32);
    for (size_t i = 0; i < n; i++)
        if (a >= pub[i].lo && a <= pub[i].hi) return true;
    return false;
}

/* The public ranges of each family, computed once. */
static cw_iprange pub_v4[64], pub_v6[64];
static size_t npub_v4, npub_v6;
static pthread_once_t pub_once = PTHREAD_ONCE_INIT;

static void pub_init(void)
{
    npub_v4 = cw_ip_public_ranges(4, pub_v4, 64);
    npub_v6 = cw_ip_public_ranges(6, pub_v6, 64);
}

/* s normalized: does one of its ranges hold [lo, hi]? */
static bool holds(const cw_ipset *s, cw_u128 lo, cw_u128 hi)
{
    size_t a = 0, b = s->n;
    while (a < b) {
        size_t mid = (a + b) / 2;
        if (s->v[mid].hi < lo) a = mid + 1;
        else if (s->v[mid].lo > lo) b = mid;
        else return s->v[mid].hi >= hi;
    }
    return false;
}

bool cw_ipset_covers_public(const cw_ipset *s)
{
    if (!s->n) return false;
    pthread_once(&pub_once, pub_init);
    const cw_iprange *pub = s->fam == 4 ? pub_v4 : pub_v6;
    size_t npub = s->fam == 4 ? npub_v4 : npub_v6;
    cw_ipset u;
    cw_ipset_init(&u, s->fam);
    cw_ipset_add_set(&u, s);
    cw_ipset_normalize(&u);
    bool all = true;
    for (size_t i = 0; i < npub && all; i++) all = holds(&u, pub[i].lo, pub[i].hi);
    cw_ipset_free(&u);
    return all;
}
