/* parallel.h - run a job split in parts on threads (part 0 on the caller). */
#ifndef CW_PARALLEL_H
#define CW_PARALLEL_H
#include <stddef.h>

typedef void (*cw_part_fn)(void *ctx, unsigned part, unsigned nparts);

/* Online cores, at least 1. */
unsigned cw_cores(void);
/* Below this many items (assets, findings) work stays on one thread. */
#define CW_PARALLEL_MIN 20000
/* Parts to split n items into: 1 below CW_PARALLEL_MIN or on one core, else
 * one per core, at most 4. */
unsigned cw_parts_for(size_t n);
/* Call fn(ctx, p, nparts) for every p < nparts, each on its own thread except
 * part 0, which runs on the caller; returns when all are done. A part whose
 * thread cannot be started runs on the caller. */
void cw_parallel(cw_part_fn fn, void *ctx, unsigned nparts);
#endif
