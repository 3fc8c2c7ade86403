#include "parallel.h"

#include <pthread.h>
#include <stdlib.h>

#include "arena.h"

typedef struct part {
    cw_part_fn fn;
    void *ctx;
    unsigned p, n;
    pthread_t th;
    int started;
} part;

static void *part_main(void *arg)
{
    part *x = arg;
    x->fn(x->ctx, x->p, x->n);
    return NULL;
}

void cw_parallel(cw_part_fn fn, void *ctx, unsigned nparts)
{
    if (nparts <= 1) {
        fn(ctx, 0, 1);
        return;
    }
    part *ps = cw_xcalloc(nparts, sizeof *ps);
    for (unsigned i = 1; i < nparts; i++) {
        ps[i] = (part){fn, ctx, i, nparts, 0, 0};
        ps[i].started = pthread_create(&ps[i].th, NULL, part_main, &ps[i]) == 0;
    }
    fn(ctx, 0, nparts);
    for (unsigned i = 1; i < nparts; i++) {
        if (ps[i].started) pthread_join(ps[i].th, NULL);
        else fn(ctx, i, nparts);
    }
    free(ps);
}
