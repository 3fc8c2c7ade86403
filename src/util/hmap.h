/* hmap.h - open-addressing hash map from byte-string keys to pointers.
 * Keys are not copied: they must outlive the map (use arena strings). */
#ifndef CW_HMAP_H
#define CW_HMAP_H
#include <stddef.h>
#include <stdint.h>

typedef struct cw_hmap_slot {
    const char *key;
    size_t keylen;
    uint64_t hash;
    void *val;
} cw_hmap_slot;

typedef struct cw_hmap {
    cw_hmap_slot *slots;
    size_t cap, count;
} cw_hmap;

uint64_t cw_hash_bytes(const void *p, size_t n); /* FNV-1a 64, mixed */
/* Slot of a pointer in an open-addressing table of mask + 1 (a power of two) slots. */
static inline size_t cw_ptr_slot(const void *p, size_t mask)
{
    return (size_t)((((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ULL) >> 20) & mask;
}
/* The r (< 8) bytes at s as one word for hashing, by overlapping loads instead
 * of a variable-length copy: equal byte strings give equal words, and for a
 * given r different ones give different words. */
static inline uint64_t cw_tail_word(const void *s, size_t r)
{
    const unsigned char *u = (const unsigned char *)s;
    if (r >= 4) {
        uint32_t a, b;
        __builtin_memcpy(&a, u, 4);
        __builtin_memcpy(&b, u + r - 4, 4);
        return a | (uint64_t)b << 32;
    }
    if (!r) return 0;
    return u[0] | (uint64_t)u[r >> 1] << 8 | (uint64_t)u[r - 1] << 16;
}
/* The maps' own hash: 8 bytes per step (keys are ARNs and ids of 20 to 100
 * bytes; byte-wise FNV was a visible cost of loading 200,000 items). Not
 * stable across versions: fingerprints use cw_hash_bytes. */
static inline uint64_t cw_hmap_hash(const void *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xff51afd7ed558ccdULL);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        __builtin_memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    h = (h ^ cw_tail_word(s + i, n - i)) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 32);
}
void cw_hmap_init(cw_hmap *m);
/* An empty map whose first table has cap slots (a power of two, at least 2),
 * for many small maps: the first put otherwise allocates 16 slots (512 bytes). */
void cw_hmap_init_cap(cw_hmap *m, size_t cap);
void cw_hmap_free(cw_hmap *m);
void *cw_hmap_get(const cw_hmap *m, const char *key, size_t keylen);
/* Insert or replace; returns the previous value or NULL. */
void *cw_hmap_put(cw_hmap *m, const char *key, size_t keylen, void *val);
/* Iterate: for (size_t i = 0; cw_hmap_next(m, &i, &slot);) */
int cw_hmap_next(const cw_hmap *m, size_t *iter, const cw_hmap_slot **out);
#endif
