/* counters.h - distinct-value counting: an exact set of 64-bit value hashes up to
 * CW_DISTINCT_EXACT_MAX (16384) values (a table of at most 256 KiB), then a HyperLogLog sketch (p = 14, ~0.8% error).
 * The sketch is filled when the set overflows (from the set's hashes) and fed from then on;
 * it is the same sketch as one fed every value from the start. */
#ifndef CW_CLS_COUNTERS_H
#define CW_CLS_COUNTERS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify.h"

#define CW_DISTINCT_EXACT_MAX (1u << 14)
#define CW_HLL_P 14

struct cw_distinct {
    uint64_t *set;    /* open addressing, 0 = empty; NULL once overflowed; a log: the hashes in order */
    uint32_t cap, n;
    bool overflow;
    bool log;         /* a log (cw_distinct_new_log): only merged into a counter, never counted */
    uint8_t hll[1u << CW_HLL_P]; /* used once overflowed */
};

cw_distinct *cw_distinct_new(void);
/* A log: cw_distinct_add appends (duplicates kept), cw_distinct_merge(dst, log) adds
 * every logged hash to dst, cw_distinct_clear empties it keeping its memory. For the
 * parts of a file scanned on several threads (stream.c): appending to an array costs
 * a fraction of inserting into a table of up to 256 KiB, which was rebuilt, overflowed
 * and freed again in every part (distinct union and the sketch do not depend on the
 * order values arrive in, so the file's counter ends the same). */
cw_distinct *cw_distinct_new_log(void);
void cw_distinct_free(cw_distinct *d);
void cw_distinct_add(cw_distinct *d, uint64_t h);
/* Empty again, keeping the memory (a counter reused for the next part of a file). */
void cw_distinct_clear(cw_distinct *d);
/* dst |= src (exact while the union stays within the bound). */
void cw_distinct_merge(cw_distinct *dst, const cw_distinct *src);
/* HLL estimate alone (exposed for tests). */
double cw_hll_estimate(const uint8_t *regs);

/* Fast 64-bit hash of a normalized value. */
uint64_t cw_vhash(const void *p, size_t n);
/* cw_vhash of the bytes with ASCII A-Z lowercased (no copy). */
uint64_t cw_vhash_lower(const void *p, size_t n);
#endif
