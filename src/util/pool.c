/* pool.c - persistent worker threads running one task at a time (see pool.h).
 *
 * A task is a function every participating thread calls once with its worker
 * number (0 = the caller); the shapes of pool.h are tasks whose function
 * claims units of work until none is left, so the task completes with any
 * number of participants. The caller posts a task to the workers, runs it
 * itself and waits until every worker has returned from it. */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"

typedef struct task {
    void (*run)(void *arg, unsigned worker);
    void *arg;
    unsigned width; /* workers numbered below this take part; 0 = all */
} task;

typedef struct worker {
    cw_pool *pool;
    unsigned id;   /* 1.. */
    uint64_t seen; /* tasks posted before it started */
    pthread_t th;
} worker;

struct cw_pool {
    unsigned threads; /* asked for, the caller included */
    unsigned running; /* workers started */
    worker *w;
    pthread_mutex_t mu;
    pthread_cond_t cv_task, cv_idle;
    const task *cur;
    uint64_t seq;    /* tasks posted */
    unsigned active; /* workers that have not yet returned from cur */
    bool stop;
    pthread_mutex_t busy; /* held by the thread using the pool */
    _Atomic uint64_t start_failures, parallel_calls, serial_calls;
};

/* The pool whose task this thread is running (nested calls run inline). */
static _Thread_local const cw_pool *in_task;

unsigned cw_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1u : (unsigned)n;
}

unsigned cw_pool_threads_for(unsigned threads)
{
    if (threads > 0) return threads > CW_POOL_MAX ? CW_POOL_MAX : threads;
    unsigned c = cw_cores();
    return c > CW_POOL_AUTO_MAX ? CW_POOL_AUTO_MAX : c;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    cw_pool *p = w->pool;
    pthread_mutex_lock(&p->mu);
    uint64_t seen = w->seen;
    for (;;) {
        while (!p->stop && p->seq == seen) pthread_cond_wait(&p->cv_task, &p->mu);
        if (p->stop) break;
        seen = p->seq;
        const task *t = p->cur;
        pthread_mutex_unlock(&p->mu);
        if (!t->width || w->id < t->width) {
            in_task = p;
            t->run(t->arg, w->id);
            in_task = NULL;
        }
        pthread_mutex_lock(&p->mu);
        if (--p->active == 0) pthread_cond_signal(&p->cv_idle);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

cw_pool *cw_pool_new(unsigned threads)
{
    cw_pool *p = cw_xcalloc(1, sizeof *p);
    p->threads = cw_pool_threads_for(threads);
    p->w = cw_xcalloc(p->threads, sizeof *p->w);
    pthread_mutex_init(&p->mu, NULL);
    pthread_mutex_init(&p->busy, NULL);
    pthread_cond_init(&p->cv_task, NULL);
    pthread_cond_init(&p->cv_idle, NULL);
    return p;
}

void cw_pool_free(cw_pool *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->cv_task);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->running; i++) pthread_join(p->w[i].th, NULL);
    pthread_cond_destroy(&p->cv_task);
    pthread_cond_destroy(&p->cv_idle);
    pthread_mutex_destroy(&p->mu);
    pthread_mutex_destroy(&p->busy);
    free(p->w);
    free(p);
}

/* Start the workers not running yet; a failure stops this attempt (the next
 * call tries again). Called with busy held, so no task is running. */
static void start_workers(cw_pool *p)
{
    while (p->running + 1 < p->threads) {
        worker *w = &p->w[p->running];
        w->pool = p;
        w->id = p->running + 1;
        w->seen = p->seq; /* no task runs now: busy is held */
        if (pthread_create(&w->th, NULL, worker_main, w) != 0) {
            atomic_fetch_add(&p->start_failures, 1);
            return;
        }
        p->running++;
    }
}

unsigned cw_pool_threads(cw_pool *p)
{
    if (!p || p->threads <= 1) return 1;
    if (in_task == p) return p->running + 1;
    pthread_mutex_lock(&p->busy);
    start_workers(p);
    unsigned n = p->running + 1;
    pthread_mutex_unlock(&p->busy);
    return n;
}

void cw_pool_stats_get(const cw_pool *p, cw_pool_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!p) {
        out->threads = 1;
        return;
    }
    out->threads = p->threads;
    out->running = p->running;
    out->start_failures = atomic_load(&p->start_failures);
    out->parallel_calls = atomic_load(&p->parallel_calls);
    out->serial_calls = atomic_load(&p->serial_calls);
}

/* Run t on every thread of the pool (the caller as worker 0), or on the
 * caller alone when the pool cannot take it. */
static void run_task(cw_pool *p, const task *t)
{
    if (!p || p->threads <= 1 || t->width == 1 || in_task == p || pthread_mutex_trylock(&p->busy) != 0) {
        if (p) atomic_fetch_add(&p->serial_calls, 1);
        t->run(t->arg, 0);
        return;
    }
    start_workers(p);
    if (!p->running) {
        atomic_fetch_add(&p->serial_calls, 1);
        t->run(t->arg, 0);
        pthread_mutex_unlock(&p->busy);
        return;
    }
    atomic_fetch_add(&p->parallel_calls, 1);
    pthread_mutex_lock(&p->mu);
    p->cur = t;
    p->active = p->running;
    p->seq++;
    pthread_cond_broadcast(&p->cv_task);
    pthread_mutex_unlock(&p->mu);
    in_task = p;
    t->run(t->arg, 0);
    in_task = NULL;
    pthread_mutex_lock(&p->mu);
    while (p->active) pthread_cond_wait(&p->cv_idle, &p->mu);
    p->cur = NULL;
    pthread_mutex_unlock(&p->mu);
    pthread_mutex_unlock(&p->busy);
}

/* ---- split and jobs ------------------------------------------------------ */
typedef struct claim {
    cw_part_fn part_fn;
    cw_job_fn job_fn;
    void *ctx;
    size_t n;
    _Atomic size_t next;
} claim;

static void claim_run(void *arg, unsigned worker)
{
    claim *c = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&c->next, 1);
        if (i >= c->n) return;
        if (c->part_fn)
            c->part_fn(c->ctx, (unsigned)i, (unsigned)c->n);
        else
            c->job_fn(c->ctx, i, worker);
    }
}

void cw_pool_split(cw_pool *p, cw_part_fn fn, void *ctx, unsigned nparts)
{
    if (nparts <= 1) {
        fn(ctx, 0, 1);
        return;
    }
    claim c = {.part_fn = fn, .ctx = ctx, .n = nparts};
    atomic_init(&c.next, 0);
    task t = {claim_run, &c, 0};
    run_task(p, &t);
}

void cw_pool_jobs(cw_pool *p, cw_job_fn fn, void *ctx, size_t njobs, unsigned width)
{
    if (njobs == 0) return;
    if (njobs == 1) {
        fn(ctx, 0, 0);
        return;
    }
    claim c = {.job_fn = fn, .ctx = ctx, .n = njobs};
    atomic_init(&c.next, 0);
    task t = {claim_run, &c, width};
    run_task(p, &t);
}

/* ---- ordered pipeline ---------------------------------------------------- */
enum { S_FREE, S_READY, S_WORKING, S_DONE };

typedef struct pipe_run {
    const cw_pipeline *pl;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    int *state;
    uint64_t *seq;   /* production number of the unit a slot holds */
    uint64_t filled; /* units produced */
    bool finished;   /* the caller is done: workers leave */
} pipe_run;

/* The READY slot produced first, or -1. Called with mu held. */
static long oldest_ready(const pipe_run *r)
{
    long best = -1;
    for (size_t i = 0; i < r->pl->nslots; i++)
        if (r->state[i] == S_READY && (best < 0 || r->seq[i] < r->seq[best])) best = (long)i;
    return best;
}

static void pipe_work(pipe_run *r, long i, unsigned worker)
{
    r->state[i] = S_WORKING;
    pthread_mutex_unlock(&r->mu);
    r->pl->work(r->pl->ctx, r->pl->slots[i], worker);
    pthread_mutex_lock(&r->mu);
    r->state[i] = S_DONE;
    pthread_cond_broadcast(&r->cv_done);
}

static void pipe_worker(pipe_run *r, unsigned worker)
{
    pthread_mutex_lock(&r->mu);
    for (;;) {
        long i = oldest_ready(r);
        if (i >= 0) {
            pipe_work(r, i, worker);
            continue;
        }
        if (r->finished) break;
        pthread_cond_wait(&r->cv_work, &r->mu);
    }
    pthread_mutex_unlock(&r->mu);
}

/* The caller: consume in order, else produce into the next slot of the
 * ring, else work a ready unit itself, else wait. */
static void pipe_caller(pipe_run *r)
{
    const cw_pipeline *pl = r->pl;
    size_t n = pl->nslots;
    uint64_t consumed = 0;
    bool eof = false;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        size_t c = (size_t)(consumed % n);
        if (consumed < r->filled && r->state[c] == S_DONE) {
            pthread_mutex_unlock(&r->mu);
            pl->consume(pl->ctx, pl->slots[c]);
            pthread_mutex_lock(&r->mu);
            r->state[c] = S_FREE;
            consumed++;
            continue;
        }
        if (eof && consumed == r->filled) break;
        size_t f = (size_t)(r->filled % n);
        if (!eof && r->state[f] == S_FREE) {
            pthread_mutex_unlock(&r->mu);
            int more = pl->produce(pl->ctx, pl->slots[f]);
            pthread_mutex_lock(&r->mu);
            if (!more) {
                eof = true;
                continue;
            }
            r->state[f] = S_READY;
            r->seq[f] = r->filled++;
            pthread_cond_signal(&r->cv_work);
            continue;
        }
        long i = oldest_ready(r);
        if (i >= 0) {
            pipe_work(r, i, 0);
            continue;
        }
        pthread_cond_wait(&r->cv_done, &r->mu);
    }
    r->finished = true;
    pthread_cond_broadcast(&r->cv_work);
    pthread_mutex_unlock(&r->mu);
}

static void pipe_task(void *arg, unsigned worker)
{
    if (worker == 0)
        pipe_caller(arg);
    else
        pipe_worker(arg, worker);
}

void cw_pool_pipeline(cw_pool *p, const cw_pipeline *pl)
{
    if (!pl->nslots) return;
    pipe_run r = {.pl = pl};
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv_work, NULL);
    pthread_cond_init(&r.cv_done, NULL);
    r.state = cw_xcalloc(pl->nslots, sizeof *r.state);
    r.seq = cw_xcalloc(pl->nslots, sizeof *r.seq);
    task t = {pipe_task, &r, pl->width};
    run_task(p, &t);
    free(r.state);
    free(r.seq);
    pthread_cond_destroy(&r.cv_work);
    pthread_cond_destroy(&r.cv_done);
    pthread_mutex_destroy(&r.mu);
}

unsigned cw_exec_parts(const cw_exec *x, size_t n)
{
    if (!x || !x->pool || n < cw_exec_min_items(x)) return 1;
    return cw_pool_threads(x->pool);
}
