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
void cw_hmap_init(cw_hmap *m);
void cw_hmap_free(cw_hmap *m);
void *cw_hmap_get(const cw_hmap *m, const char *key, size_t keylen);
/* Insert or replace; returns the previous value or NULL. */
void *cw_hmap_put(cw_hmap *m, const char *key, size_t keylen, void *val);
/* Iterate: for (size_t i = 0; cw_hmap_next(m, &i, &slot);) */
int cw_hmap_next(const cw_hmap *m, size_t *iter, const cw_hmap_slot **out);
#endif
