/* parallel.h - run a job split in parts on fresh threads (part 0 on the caller).
 * Left for classify's segment pipeline (src/classify/stream.c), which runs
 * outside an engine session; every scan stage uses the pool (pool.h). */
#ifndef CW_PARALLEL_H
#define CW_PARALLEL_H
#include "pool.h"

/* Call fn(ctx, p, nparts) for every p < nparts, each on its own thread except
 * part 0, which runs on the caller; returns when all are done. A part whose
 * thread cannot be started runs on the caller. */
void cw_parallel(cw_part_fn fn, void *ctx, unsigned nparts);
#endif
