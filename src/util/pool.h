/* pool.h - the one facility for running work on threads.
 *
 * A pool has a fixed number of threads, the calling thread included: the
 * workers are started at the first parallel call and kept until
 * cw_pool_free(), so a long-running caller (watch) does not pay for thread
 * creation per change. Three shapes of work run on it:
 *   - cw_pool_split:    a range split into parts, fn(ctx, part, nparts);
 *   - cw_pool_jobs:     a set of jobs, each claimed by the next free thread;
 *   - cw_pool_pipeline: an ordered pipeline: units produced and consumed on
 *                       the calling thread in order, worked on any thread
 *                       (parse batches of records, format blocks of output).
 * Every call returns when all its work is done, and the calling thread always
 * takes part, so the work completes whatever number of workers runs:
 * a pool of one thread (or NULL) runs everything on the calling thread, a
 * worker that cannot be started is simply absent (the next call tries again),
 * and a call made from inside a pool job, or while another thread uses the
 * pool, runs on its own thread. Work must therefore give the same result on
 * any number of threads (every threaded stage has a test comparing them).
 *
 * The pool never ends the process and never reports an error: a failure to
 * start threads costs parallelism only (cw_pool_stats says how many failed). */
#ifndef CW_POOL_H
#define CW_POOL_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cw_pool cw_pool;

/* Online cores, at least 1. */
unsigned cw_cores(void);
/* Most threads a pool may have (--threads accepts up to this). */
#define CW_POOL_MAX 64
/* Threads of a pool when none are asked for: one per core, at most this. */
#define CW_POOL_AUTO_MAX 4
/* Threads a pool asked for `threads` gets: threads when > 0 (at most
 * CW_POOL_MAX), else one per core (at most CW_POOL_AUTO_MAX). */
unsigned cw_pool_threads_for(unsigned threads);

/* A pool of cw_pool_threads_for(threads) threads, the caller included. */
cw_pool *cw_pool_new(unsigned threads);
/* Stops and joins the workers. NULL is ignored. */
void cw_pool_free(cw_pool *p);
/* Threads work can run on now, the caller included (starts the workers if
 * they are not running yet; 1 for NULL): the size to give per-thread state
 * (the `width` below). */
unsigned cw_pool_threads(cw_pool *p);

typedef struct cw_pool_stats {
    unsigned threads;        /* asked for, the caller included */
    unsigned running;        /* workers running now */
    uint64_t start_failures; /* workers that could not be started */
    uint64_t parallel_calls; /* calls that ran on more than one thread */
    uint64_t serial_calls;   /* calls that ran on the calling thread alone */
} cw_pool_stats;
void cw_pool_stats_get(const cw_pool *p, cw_pool_stats *out);

/* fn(ctx, part, nparts) for every part < nparts, on any threads. */
typedef void (*cw_part_fn)(void *ctx, unsigned part, unsigned nparts);
void cw_pool_split(cw_pool *p, cw_part_fn fn, void *ctx, unsigned nparts);

/* fn(ctx, job, worker) for every job < njobs, claimed in order, on threads
 * numbered worker < width (the caller is 0): the caller's per-thread state
 * has width entries, typically cw_pool_threads(p); 0 = no per-thread state
 * (any thread). */
typedef void (*cw_job_fn)(void *ctx, size_t job, unsigned worker);
void cw_pool_jobs(cw_pool *p, cw_job_fn fn, void *ctx, size_t njobs, unsigned width);

/* An ordered pipeline over caller-owned slots (any number >= 1):
 *   produce(ctx, slot)          calling thread: fill the slot with the next
 *                               unit; returns 1, or 0 when there is no more;
 *   work(ctx, slot, worker)     any thread: process a produced unit;
 *   consume(ctx, slot)          calling thread, in the order produced.
 * A slot is reused (produced again) only after it was consumed. Threads
 * numbered worker < width take part (per-thread state as for cw_pool_jobs). */
typedef struct cw_pipeline {
    int (*produce)(void *ctx, void *slot);
    void (*work)(void *ctx, void *slot, unsigned worker);
    void (*consume)(void *ctx, void *slot);
    void *ctx;
    void *const *slots;
    size_t nslots;
    unsigned width;
} cw_pipeline;
void cw_pool_pipeline(cw_pool *p, const cw_pipeline *pl);

/* ---- how a run uses threads ------------------------------------------------
 * The tunables every threaded stage reads, passed down from the engine's
 * options (never globals): the pool, and the sizes below which a stage stays
 * on the calling thread (threads cost more than they save on small work).
 * NULL = everything on the calling thread. */
typedef struct cw_exec {
    cw_pool *pool;      /* NULL = the calling thread only */
    size_t min_items;   /* assets or findings; 0 = CW_EXEC_MIN_ITEMS */
    uint64_t min_bytes; /* input size for threaded parsing; 0 = CW_EXEC_MIN_BYTES */
} cw_exec;
#define CW_EXEC_MIN_ITEMS 20000
#define CW_EXEC_MIN_BYTES (8u << 20)
static inline size_t cw_exec_min_items(const cw_exec *x)
{
    return x && x->min_items ? x->min_items : CW_EXEC_MIN_ITEMS;
}
static inline uint64_t cw_exec_min_bytes(const cw_exec *x)
{
    return x && x->min_bytes ? x->min_bytes : CW_EXEC_MIN_BYTES;
}
static inline cw_pool *cw_exec_pool(const cw_exec *x) { return x ? x->pool : NULL; }
/* Parts to split n items into: 1 below min_items or without a pool, else
 * the pool's thread count. */
unsigned cw_exec_parts(const cw_exec *x, size_t n);

#ifdef __cplusplus
}
#endif
#endif
