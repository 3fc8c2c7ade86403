/* hist_eval_int.h - the evaluation back ends of history replay (a registry:
 * hist_eval.c picks one by name). */
#ifndef CW_HIST_EVAL_INT_H
#define CW_HIST_EVAL_INT_H
#include "hist_eval.h"

typedef struct hist_backend {
    const char *name; /* --evaluate NAME */
    const char *what; /* for the summary: how each step was evaluated */
    void *(*open)(const cw_hist_opts *o, cw_diags *d); /* NULL: rule pack errors in d */
    void (*free)(void *impl);
    const cw_ruleset *(*rules)(void *impl);
    const cw_findings *(*findings)(void *impl);
    /* out is reset by the caller */
    int (*apply)(void *impl, const char *name, const char *buf, size_t len, cw_diags *d, hist_delta *out);
} hist_backend;

extern const hist_backend hist_backend_whole;  /* hist_eval_whole.c */
extern const hist_backend hist_backend_engine; /* hist_eval_engine.c */

void hist_delta_add(hist_delta *x, hist_kind k, const cw_finding *f, const cw_finding *before);
#endif
