#include "hmap.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"

uint64_t cw_hash_bytes(const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    return h;
}

void cw_hmap_init(cw_hmap *m) { m->slots = NULL, m->cap = m->count = 0; }
void cw_hmap_init_cap(cw_hmap *m, size_t cap)
{
    size_t c = 2;
    while (c < cap) c *= 2;
    m->slots = cw_xcalloc(c, sizeof *m->slots);
    m->cap = c, m->count = 0;
}
void cw_hmap_free(cw_hmap *m)
{
    free(m->slots);
    cw_hmap_init(m);
}

static cw_hmap_slot *find(const cw_hmap *m, const char *key, size_t keylen, uint64_t h)
{
    size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        cw_hmap_slot *s = &m->slots[i];
        if (!s->key) return s;
        if (s->hash == h && s->keylen == keylen && memcmp(s->key, key, keylen) == 0) return s;
    }
}

void *cw_hmap_get(const cw_hmap *m, const char *key, size_t keylen)
{
    if (!m->count) return NULL;
    cw_hmap_slot *s = find(m, key, keylen, cw_hmap_hash(key, keylen));
    return s->key ? s->val : NULL;
}

static void rehash(cw_hmap *m, size_t ncap)
{
    cw_hmap_slot *old = m->slots;
    size_t ocap = m->cap;
    m->slots = cw_xcalloc(ncap, sizeof *m->slots);
    m->cap = ncap;
    for (size_t i = 0; i < ocap; i++) {
        if (!old[i].key) continue;
        *find(m, old[i].key, old[i].keylen, old[i].hash) = old[i];
    }
    free(old);
}

void *cw_hmap_put(cw_hmap *m, const char *key, size_t keylen, void *val)
{
    if ((m->count + 1) * 4 >= m->cap * 3) rehash(m, m->cap ? m->cap * 2 : 16);
    uint64_t h = cw_hmap_hash(key, keylen);
    cw_hmap_slot *s = find(m, key, keylen, h);
    if (s->key) {
        void *prev = s->val;
        s->val = val;
        return prev;
    }
    s->key = key, s->keylen = keylen, s->hash = h, s->val = val;
    m->count++;
    return NULL;
}

int cw_hmap_next(const cw_hmap *m, size_t *iter, const cw_hmap_slot **out)
{
    while (*iter < m->cap) {
        const cw_hmap_slot *s = &m->slots[(*iter)++];
        if (s->key) {
            *out = s;
            return 1;
        }
    }
    return 0;
}
