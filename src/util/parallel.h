/* parallel.h - run a job split in parts on threads (part 0 on the caller). */
#ifndef CW_PARALLEL_H
#define CW_PARALLEL_H

typedef void (*cw_part_fn)(void *ctx, unsigned part, unsigned nparts);

/* Online cores, at least 1. */
unsigned cw_cores(void);
/* Call fn(ctx, p, nparts) for every p < nparts, each on its own thread except
 * part 0, which runs on the caller; returns when all are done. A part whose
 * thread cannot be started runs on the caller. */
void cw_parallel(cw_part_fn fn, void *ctx, unsigned nparts);
#endif
