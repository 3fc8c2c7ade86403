/* scan_inputs.c - the input files of `scan` (see scan_inputs.h). */
#include "scan_inputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool cw_scan_input_name(const char *n, void *ctx)
{
    (void)ctx;
    static const char *const ext[] = {".json", ".ndjson", ".jsonl", NULL};
    size_t l = strlen(n);
    if (l > 3 && strcasecmp(n + l - 3, ".gz") == 0) l -= 3;
    for (const char *const *e = ext; *e; e++) {
        size_t el = strlen(*e);
        if (l > el && strncasecmp(n + l - el, *e, el) == 0) return true;
    }
    return false;
}

size_t cw_scan_walk(const char *const *inputs, size_t n, const cw_outfile *of, const char *const *include,
                    const char *const *exclude, cw_walk_list *out, cw_diags *d)
{
    cw_walk_id self = {0};
    cw_walk_opts wo = {.want = cw_scan_input_name, .include = include, .exclude = exclude};
    if (of && of->regular) {
        self.dev = of->dev, self.ino = of->ino;
        wo.skip = &self, wo.nskip = 1, wo.skip_why = "the findings file this scan writes (--output)";
    }
    size_t from = d->n;
    size_t errors = cw_walk(inputs, n, &wo, out, d);
    for (size_t k = from; k < d->n; k++) {
        char *s = cw_diag_format(&d->v[k]);
        fprintf(stderr, "%s\n", s);
        free(s);
    }
    return errors;
}
