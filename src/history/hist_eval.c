/* hist_eval.c - the evaluation interface of history replay and its
 * registry of back ends: "incremental" (the engine's incremental path, the
 * default where it is built) and "whole" (the whole state evaluated at each
 * change, as scan would: slow, and a cross-check of the other). */
#include <stdlib.h>
#include <string.h>

#include "hist_eval_int.h"

static const hist_backend *const backends[] = {&hist_backend_engine, &hist_backend_whole, NULL};

struct hist_eval {
    const hist_backend *b;
    void *impl;
};

void hist_delta_free(hist_delta *x)
{
    free(x->v);
    memset(x, 0, sizeof *x);
}

void hist_delta_add(hist_delta *x, hist_kind k, const cw_finding *f, const cw_finding *before)
{
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 16;
        x->v = cw_xrealloc(x->v, x->cap * sizeof *x->v);
    }
    x->v[x->n++] = (hist_change){k, f, before};
}

const char *hist_eval_names(void)
{
    static char names[128];
    if (!names[0])
        for (const hist_backend *const *b = backends; *b; b++) {
            if (names[0]) strncat(names, ", ", sizeof names - strlen(names) - 1);
            strncat(names, (*b)->name, sizeof names - strlen(names) - 1);
        }
    return names;
}

int hist_eval_known(const char *name)
{
    for (const hist_backend *const *b = backends; *b; b++)
        if (!name || strcmp((*b)->name, name) == 0) return 1;
    return 0;
}

hist_eval *hist_eval_open(const cw_hist_opts *o, cw_diags *d)
{
    const hist_backend *b = backends[0];
    for (const hist_backend *const *c = backends; o->evaluate && *c; c++)
        if (strcmp((*c)->name, o->evaluate) == 0) b = *c;
    void *impl = b->open(o, d);
    if (!impl) return NULL;
    hist_eval *e = cw_xcalloc(1, sizeof *e);
    e->b = b;
    e->impl = impl;
    return e;
}

void hist_eval_free(hist_eval *e)
{
    if (!e) return;
    e->b->free(e->impl);
    free(e);
}

const cw_ruleset *hist_eval_rules(const hist_eval *e) { return e->b->rules(e->impl); }
const char *hist_eval_backend(const hist_eval *e) { return e->b->what; }
const cw_findings *hist_eval_findings(const hist_eval *e) { return e->b->findings(e->impl); }

int hist_eval_apply(hist_eval *e, const char *name, const char *buf, size_t len, cw_diags *d, hist_delta *out)
{
    out->n = 0;
    out->affected = 0;
    return e->b->apply(e->impl, name, buf, len, d, out);
}

const char *cw_hist_evaluators(void) { return hist_eval_names(); }
int cw_hist_evaluator_known(const char *name) { return hist_eval_known(name); }
