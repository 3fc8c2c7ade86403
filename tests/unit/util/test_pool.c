/* test_pool.c - the thread pool: every shape completes its work with any
 * number of threads, in order where promised, nested and concurrent calls
 * run inline, and thread creation forced to fail (this file's own
 * pthread_create, a test hook outside the production code) loses nothing. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/pool.h"

/* ---- the hook: pthread_create fails while fail_threads is set, or once
 * `allow` more threads were created when allow >= 0 ------------------------ */
static _Atomic int fail_threads, created, allow = -1;

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    if (fail_threads) return EAGAIN;
    if (allow == 0) return EAGAIN;
    if (allow > 0) allow--;
    static create_fn real;
    if (!real) real = (create_fn)dlsym(RTLD_NEXT, "pthread_create");
    created++;
    return real(th, attr, fn, arg);
}

/* ---- split ------------------------------------------------------------ */
typedef struct split_ctx {
    _Atomic unsigned seen[64];
    _Atomic unsigned calls;
    unsigned nparts_seen;
} split_ctx;

static void split_fn(void *ctx, unsigned part, unsigned nparts)
{
    split_ctx *c = ctx;
    c->seen[part]++;
    c->calls++;
    c->nparts_seen = nparts;
}

static void check_split(cw_pool *p, unsigned nparts)
{
    split_ctx c;
    memset(&c, 0, sizeof c);
    cw_pool_split(p, split_fn, &c, nparts);
    assert_int_equal(c.calls, nparts ? nparts : 1);
    for (unsigned i = 0; i < nparts; i++) assert_int_equal(c.seen[i], 1);
}

static void test_split(void **st)
{
    (void)st;
    for (unsigned threads = 1; threads <= 4; threads++) {
        cw_pool *p = cw_pool_new(threads);
        for (unsigned n = 1; n <= 40; n += 3) check_split(p, n);
        assert_int_equal(cw_pool_threads(p), threads);
        cw_pool_free(p);
    }
    check_split(NULL, 5); /* no pool: the calling thread */
}

/* ---- jobs: per-thread state indexed by worker ---------------------------- */
typedef struct jobs_ctx {
    unsigned width;
    _Atomic unsigned done[1000];
    uint64_t sum[8]; /* per worker */
    _Atomic int bad_worker;
} jobs_ctx;

static void job_fn(void *ctx, size_t job, unsigned worker)
{
    jobs_ctx *c = ctx;
    if (worker >= c->width) {
        c->bad_worker = 1;
        return;
    }
    c->done[job]++;
    c->sum[worker] += job;
}

static void test_jobs(void **st)
{
    (void)st;
    for (unsigned threads = 1; threads <= 4; threads++) {
        cw_pool *p = cw_pool_new(threads);
        for (int round = 0; round < 20; round++) {
            jobs_ctx *c = calloc(1, sizeof *c);
            c->width = cw_pool_threads(p);
            cw_pool_jobs(p, job_fn, c, 1000, c->width);
            uint64_t total = 0;
            for (unsigned w = 0; w < 8; w++) total += c->sum[w];
            assert_int_equal(total, 999 * 1000 / 2);
            for (int i = 0; i < 1000; i++) assert_int_equal(c->done[i], 1);
            assert_false(c->bad_worker);
            free(c);
        }
        cw_pool_free(p);
    }
}

/* ---- pipeline: consumed in production order, worked anywhere ------------ */
typedef struct unit {
    size_t seq;
    uint64_t value;
} unit;

typedef struct pipe_ctx {
    size_t n, produced, consumed;
    int out_of_order;
    _Atomic unsigned worked_by_others;
} pipe_ctx;

static int produce(void *ctx, void *slot)
{
    pipe_ctx *c = ctx;
    if (c->produced == c->n) return 0;
    unit *u = slot;
    u->seq = c->produced++;
    u->value = 0;
    return 1;
}

static void work(void *ctx, void *slot, unsigned worker)
{
    pipe_ctx *c = ctx;
    unit *u = slot;
    uint64_t v = u->seq;
    for (int i = 0; i < 2000; i++) v = v * 6364136223846793005ULL + 1442695040888963407ULL;
    u->value = v;
    if (worker) c->worked_by_others++;
}

static void consume(void *ctx, void *slot)
{
    pipe_ctx *c = ctx;
    unit *u = slot;
    uint64_t v = u->seq;
    for (int i = 0; i < 2000; i++) v = v * 6364136223846793005ULL + 1442695040888963407ULL;
    if (u->seq != c->consumed || u->value != v) c->out_of_order = 1;
    c->consumed++;
}

static void run_pipeline(cw_pool *p, size_t n, size_t nslots)
{
    pipe_ctx c = {.n = n};
    unit *units = calloc(nslots, sizeof *units);
    void **slots = calloc(nslots, sizeof *slots);
    for (size_t i = 0; i < nslots; i++) slots[i] = &units[i];
    cw_pipeline pl = {produce, work, consume, &c, slots, nslots, 0};
    cw_pool_pipeline(p, &pl);
    assert_int_equal(c.consumed, n);
    assert_false(c.out_of_order);
    free(slots);
    free(units);
}

static void test_pipeline(void **st)
{
    (void)st;
    for (unsigned threads = 1; threads <= 4; threads++) {
        cw_pool *p = cw_pool_new(threads);
        run_pipeline(p, 0, 4);
        run_pipeline(p, 1, 1);
        run_pipeline(p, 5000, 1);
        run_pipeline(p, 5000, 3);
        run_pipeline(p, 5000, 8);
        cw_pool_free(p);
    }
    run_pipeline(NULL, 100, 2);
}

/* ---- nesting: a call from inside a job runs on that thread --------------- */
typedef struct nest_ctx {
    cw_pool *p;
    _Atomic unsigned inner;
} nest_ctx;

static void inner_fn(void *ctx, unsigned part, unsigned nparts)
{
    (void)part, (void)nparts;
    nest_ctx *c = ctx;
    c->inner++;
}

static void outer_fn(void *ctx, unsigned part, unsigned nparts)
{
    (void)part, (void)nparts;
    nest_ctx *c = ctx;
    cw_pool_split(c->p, inner_fn, c, 4);
}

static void test_nested(void **st)
{
    (void)st;
    cw_pool *p = cw_pool_new(3);
    nest_ctx c = {.p = p};
    cw_pool_split(p, outer_fn, &c, 6);
    assert_int_equal(c.inner, 24);
    cw_pool_free(p);
}

/* ---- concurrent callers: the second runs on its own thread -------------- */
typedef struct caller_arg {
    cw_pool *p;
    int ok;
} caller_arg;

static void *caller_main(void *arg)
{
    caller_arg *a = arg;
    for (int i = 0; i < 50; i++) {
        split_ctx c;
        memset(&c, 0, sizeof c);
        cw_pool_split(a->p, split_fn, &c, 7);
        if (c.calls != 7) return NULL;
    }
    a->ok = 1;
    return NULL;
}

static void test_concurrent_callers(void **st)
{
    (void)st;
    cw_pool *p = cw_pool_new(3);
    caller_arg a[3] = {{p, 0}, {p, 0}, {p, 0}};
    pthread_t th[3];
    for (int i = 0; i < 3; i++) assert_int_equal(pthread_create(&th[i], NULL, caller_main, &a[i]), 0);
    for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < 3; i++) assert_true(a[i].ok);
    cw_pool_free(p);
}

/* ---- thread creation fails: everything still runs, on the caller -------- */
static void test_no_threads(void **st)
{
    (void)st;
    fail_threads = 1;
    cw_pool *p = cw_pool_new(4);
    assert_int_equal(cw_pool_threads(p), 1);
    for (unsigned n = 1; n <= 10; n++) check_split(p, n);
    jobs_ctx *c = calloc(1, sizeof *c);
    c->width = cw_pool_threads(p);
    cw_pool_jobs(p, job_fn, c, 1000, c->width);
    assert_int_equal(c->sum[0], 999 * 1000 / 2);
    free(c);
    run_pipeline(p, 3000, 8);
    cw_pool_stats ps;
    cw_pool_stats_get(p, &ps);
    assert_int_equal(ps.running, 0);
    assert_true(ps.start_failures >= 1);
    assert_int_equal(ps.parallel_calls, 0);
    /* threads can be created again: the pool starts them at the next call */
    fail_threads = 0;
    int before = created;
    check_split(p, 9);
    assert_true(created > before);
    cw_pool_stats_get(p, &ps);
    assert_int_equal(ps.running, 3);
    cw_pool_free(p);
    /* the second of three workers fails: the pool runs with one worker */
    allow = 1;
    cw_pool *q = cw_pool_new(4);
    assert_int_equal(cw_pool_threads(q), 2);
    run_pipeline(q, 3000, 8);
    jobs_ctx *c2 = calloc(1, sizeof *c2);
    c2->width = 2;
    allow = 0; /* and the retry at the next call fails too: width stays valid */
    cw_pool_jobs(q, job_fn, c2, 1000, c2->width);
    assert_false(c2->bad_worker);
    assert_int_equal(c2->sum[0] + c2->sum[1], 999 * 1000 / 2);
    free(c2);
    allow = -1;
    cw_pool_free(q);
}

static void test_threads_for(void **st)
{
    (void)st;
    assert_int_equal(cw_pool_threads_for(1), 1);
    assert_int_equal(cw_pool_threads_for(7), 7);
    assert_int_equal(cw_pool_threads_for(1000), CW_POOL_MAX);
    unsigned a = cw_pool_threads_for(0);
    assert_true(a >= 1 && a <= CW_POOL_AUTO_MAX && a <= cw_cores());
    cw_exec x = {.min_items = 100};
    assert_int_equal(cw_exec_parts(&x, 1000), 1); /* no pool */
    assert_int_equal(cw_exec_parts(NULL, 1000000), 1);
    cw_pool *p = cw_pool_new(2);
    x.pool = p;
    assert_int_equal(cw_exec_parts(&x, 99), 1);
    assert_int_equal(cw_exec_parts(&x, 100), 2);
    cw_pool_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_jobs),
        cmocka_unit_test(test_pipeline),
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_concurrent_callers),
        cmocka_unit_test(test_no_threads),
        cmocka_unit_test(test_threads_for),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
