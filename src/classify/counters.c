/* counters.c - exact set + HyperLogLog distinct counting. */
#include "counters.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static inline uint64_t rd64(const uint8_t *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static inline uint32_t rd32(const uint8_t *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

uint64_t cw_vhash(const void *p, size_t n)
{
    /* one multiply per 8 bytes, a full mix at the end; the tail is read with
     * overlapping loads, never byte by byte */
    const uint8_t *s = p;
    const size_t len = n;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    while (n > 8) {
        h = (h ^ rd64(s)) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    uint64_t w;
    if (len >= 8) w = rd64(s + n - 8);
    else if (n >= 4) w = ((uint64_t)rd32(s) << 32) | rd32(s + n - 4);
    else if (n > 0) w = ((uint64_t)s[0] << 16) | ((uint64_t)s[n >> 1] << 8) | s[n - 1];
    else w = 0;
    h = (h ^ w) * 0x94d049bb133111ebULL;
    return mix64(h);
}

/* ASCII A-Z of the 8 bytes in w to a-z (SWAR: no byte carries into the next). */
static inline uint64_t lower8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t h7 = w & ~high;
    uint64_t ge_a = h7 + (0x80 - 'A') * ones; /* high bit: byte >= 'A' (7-bit part) */
    uint64_t gt_z = h7 + (0x80 - 'Z' - 1) * ones; /* high bit: byte > 'Z' */
    uint64_t up = ge_a & ~gt_z & ~w & high;       /* and the byte itself is ASCII */
    return w | (up >> 2);
}

static inline uint8_t lower1(uint8_t c) { return (uint8_t)(c - 'A') < 26 ? c | 0x20 : c; }

uint64_t cw_vhash_lower(const void *p, size_t n)
{
    /* cw_vhash of the ASCII-lowercased bytes, without a copy: the same loads, each
     * word lowercased */
    const uint8_t *s = p;
    const size_t len = n;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    while (n > 8) {
        h = (h ^ lower8(rd64(s))) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    uint64_t w;
    if (len >= 8) w = lower8(rd64(s + n - 8));
    else if (n >= 4) w = lower8(((uint64_t)rd32(s) << 32) | rd32(s + n - 4));
    else if (n > 0) w = ((uint64_t)lower1(s[0]) << 16) | ((uint64_t)lower1(s[n >> 1]) << 8) | lower1(s[n - 1]);
    else w = 0;
    h = (h ^ w) * 0x94d049bb133111ebULL;
    return mix64(h);
}

cw_distinct *cw_distinct_new(void)
{
    cw_distinct *d = cw_xcalloc(1, sizeof *d);
    return d;
}

cw_distinct *cw_distinct_new_log(void)
{
    cw_distinct *d = cw_xcalloc(1, sizeof *d);
    d->log = true;
    return d;
}

void cw_distinct_free(cw_distinct *d)
{
    if (!d) return;
    free(d->set);
    free(d);
}

void cw_distinct_clear(cw_distinct *d)
{
    if (d->log) {
        d->n = 0;
        return;
    }
    if (d->overflow) memset(d->hll, 0, sizeof d->hll);
    else if (d->n) memset(d->set, 0, d->cap * sizeof *d->set);
    d->n = 0;
    d->overflow = false;
}

static void hll_add(uint8_t *regs, uint64_t h)
{
    uint32_t idx = (uint32_t)(h >> (64 - CW_HLL_P));
    uint64_t rest = (h << CW_HLL_P) | (1ULL << (CW_HLL_P - 1));
    uint8_t rank = (uint8_t)(__builtin_clzll(rest) + 1);
    if (rank > regs[idx]) regs[idx] = rank;
}

static void set_insert(cw_distinct *d, uint64_t h);

static void set_grow(cw_distinct *d)
{
    uint32_t ncap = d->cap ? d->cap * 2 : 256; /* at most 2 * CW_DISTINCT_EXACT_MAX */
    uint64_t *old = d->set;
    uint32_t ocap = d->cap;
    d->set = cw_xcalloc(ncap, sizeof *d->set);
    d->cap = ncap;
    d->n = 0;
    for (uint32_t i = 0; i < ocap; i++)
        if (old[i]) set_insert(d, old[i]);
    free(old);
}

static void set_insert(cw_distinct *d, uint64_t h)
{
    uint32_t mask = d->cap - 1, i = (uint32_t)h & mask;
    while (d->set[i]) {
        if (d->set[i] == h) return;
        i = (i + 1) & mask;
    }
    d->set[i] = h;
    d->n++;
}

/* Leave exact mode: the sketch gets every distinct hash seen so far (registers are
 * maxima, so this gives the same sketch as feeding every value from the start). */
static void set_overflow(cw_distinct *d)
{
    for (uint32_t i = 0; i < d->cap; i++)
        if (d->set[i]) hll_add(d->hll, d->set[i]);
    free(d->set);
    d->set = NULL;
    d->cap = d->n = 0;
    d->overflow = true;
}

void cw_distinct_add(cw_distinct *d, uint64_t h)
{
    if (!h) h = 1;
    if (d->log) {
        if (d->n == d->cap) {
            d->cap = d->cap ? d->cap * 2 : 4096;
            d->set = cw_xrealloc(d->set, d->cap * sizeof *d->set);
        }
        d->set[d->n++] = h;
        return;
    }
    if (d->overflow) {
        hll_add(d->hll, h);
        return;
    }
    if ((d->n + 1) * 2 > d->cap) {
        if (d->n >= CW_DISTINCT_EXACT_MAX) {
            set_overflow(d);
            hll_add(d->hll, h);
            return;
        }
        set_grow(d);
    }
    set_insert(d, h);
}

void cw_distinct_merge(cw_distinct *dst, const cw_distinct *src)
{
    if (src->log) {
        for (uint32_t i = 0; i < src->n; i++) cw_distinct_add(dst, src->set[i]);
        return;
    }
    if (!src->overflow) {
        for (uint32_t i = 0; i < src->cap; i++)
            if (src->set[i]) cw_distinct_add(dst, src->set[i]);
        return;
    }
    if (!dst->overflow) set_overflow(dst);
    for (size_t i = 0; i < sizeof dst->hll; i++)
        if (src->hll[i] > dst->hll[i]) dst->hll[i] = src->hll[i];
}

double cw_hll_estimate(const uint8_t *regs)
{
    const double m = (double)(1u << CW_HLL_P);
    double sum = 0;
    uint32_t zeros = 0;
    for (uint32_t i = 0; i < (1u << CW_HLL_P); i++) {
        sum += ldexp(1.0, -(int)regs[i]);
        if (!regs[i]) zeros++;
    }
    double alpha = 0.7213 / (1.0 + 1.079 / m);
    double e = alpha * m * m / sum;
    if (e <= 2.5 * m && zeros) e = m * log(m / zeros); /* linear counting for small ranges */
    return e;
}

uint64_t cw_distinct_value(const cw_distinct *d, bool *exact)
{
    if (!d) {
        if (exact) *exact = true;
        return 0;
    }
    if (!d->overflow) {
        if (exact) *exact = true;
        return d->n;
    }
    if (exact) *exact = false;
    return (uint64_t)llround(cw_hll_estimate(d->hll));
}
