/* engine_deps.h - who reads whom (engine_deps.c): the keys an asset provides
 * and reads, and the reverse index from a key to the assets reading it, for
 * the affected set of an apply (engine_incr.c). Not a public header. */
#ifndef CW_ENGINE_DEPS_H
#define CW_ENGINE_DEPS_H
#include <stddef.h>
#include <stdint.h>

#include "../model/model.h"

/* A list of keys (strings "<kind>\x1f<name>[\x1f...]"); kinds: 'r' a name
 * relationships and lookups use, 'a' an account's S3 block, 'i' an RDS
 * instance whose facts its cluster reads. */
typedef struct cw_keys {
    char *p;
    size_t n, cap;
    size_t *off;
    size_t nk, capk;
    size_t mark; /* keys are deduplicated from here on (one asset's keys) */
} cw_keys;
void cw_keys_reset(cw_keys *k);
void cw_keys_free(cw_keys *k);
size_t cw_keys_count(const cw_keys *k);
const char *cw_keys_at(const cw_keys *k, size_t i);

/* Append the keys a provides (names others find it by) / reads (after its
 * analysis: it reads facts), without duplicates among a's own keys. */
void cw_deps_provides(const cw_asset *a, cw_keys *k);
void cw_deps_reads(const cw_asset *a, cw_keys *k);

typedef struct cw_deps cw_deps;
/* The index over every live asset of s (linked and analyzed). */
cw_deps *cw_deps_build(const cw_assets *s);
/* Record what a reads now (k: scratch). */
void cw_deps_set_reads(cw_deps *x, const cw_asset *a, cw_keys *k);
/* The indexes of the assets reading key (valid until the next change). */
size_t cw_deps_readers(const cw_deps *x, const char *key, const uint32_t **out);
void cw_deps_free(cw_deps *x);
size_t cw_deps_bytes(const cw_deps *x);
#endif
