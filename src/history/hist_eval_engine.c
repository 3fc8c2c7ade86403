/* hist_eval_engine.c - history steps on the engine's incremental path: each
 * version is applied with cw_engine_apply_buffer, which re-evaluates only
 * the assets the change can affect (the resource, what relates to it, and
 * for account-level items every asset of the account they govern) and
 * reports the findings that opened, changed and resolved. */
#include <stdlib.h>
#include <string.h>

#include "hist_eval_int.h"
#include "../engine/engine.h"

typedef struct engine_eval {
    cw_engine *e;
    cw_delta d;
} engine_eval;

static void *eng_open(const cw_hist_opts *o, cw_diags *d)
{
    cw_engine_opts eo = {.rules = o->rules, .threads = o->threads, .format = "aws-config"};
    cw_engine *e = cw_engine_open(&eo, d);
    if (!e) return NULL;
    cw_engine_evaluate(e, d); /* the empty state: the incremental path starts after one evaluation */
    engine_eval *x = cw_xcalloc(1, sizeof *x);
    x->e = e;
    cw_delta_init(&x->d);
    return x;
}

static void eng_free(void *impl)
{
    engine_eval *x = impl;
    cw_delta_free(&x->d);
    cw_engine_free(x->e);
    free(x);
}

static const cw_ruleset *eng_rules(void *impl) { return cw_engine_rules(((engine_eval *)impl)->e); }
static const cw_findings *eng_findings(void *impl) { return cw_engine_findings(((engine_eval *)impl)->e); }

static int eng_apply(void *impl, const char *name, const char *buf, size_t len, cw_diags *d, hist_delta *out)
{
    engine_eval *x = impl;
    int rc = cw_engine_apply_buffer(x->e, name, buf, len, d, &x->d);
    for (size_t i = 0; i < x->d.n; i++) {
        const cw_delta_item *it = &x->d.v[i];
        hist_kind k = it->kind == CW_DELTA_OPENED ? HIST_OPENED : it->kind == CW_DELTA_CHANGED ? HIST_CHANGED
                                                                                               : HIST_RESOLVED;
        hist_delta_add(out, k, it->finding, it->before);
    }
    out->affected = x->d.assets_affected;
    return rc;
}

const hist_backend hist_backend_engine = {
    "incremental", "the engine's incremental path", eng_open, eng_free, eng_rules, eng_findings,
    eng_apply,
};
