/* libFuzzer target: the classify engine over arbitrary bytes (plain or gzip) in every
 * input format, with a small chunk so records and fields straddle chunk boundaries.
 * Must never crash, hang or leak; counts must stay consistent, and two threads must
 * give the report one thread gives (the second run also looks for CSV keywords in
 * text-ish fields only, the first in all: the same report). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"

static cw_classifier *cls;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cls) {
        char err[256];
        cls = cw_classifier_new(err, sizeof err);
        if (!cls) abort();
    }
    if (size < 1) return 0;
    static const char *names[] = {"f.csv", "f.tsv", "f.json", "f.ndjson", "f.sql", "f.log", "f"};
    cw_cls_opts o;
    cw_cls_opts_default(&o);
    o.informat = (cw_informat)(data[0] % 7); /* CW_IN_AUTO .. CW_IN_TEXT */
    o.chunk = 4096;
    o.gz_max_bytes = 4u << 20;
    o.gz_ratio_after = 1u << 20;
    o.scan_all = true; /* keywords looked for in every CSV field ... */
    cw_cls_run *r = cw_cls_run_new(cls, &o);
    if (!r) abort();
    o.scan_all = false; /* ... and in the text-ish ones only (below): the same report */
    const cw_file_report *f = cw_cls_buffer(r, names[data[0] % 7], data + 1, size - 1);
    /* the same report on two threads, segments of one chunk (stream.c) */
    o.threads = 2;
    o.segment = 4096;
    cw_cls_run *r2 = cw_cls_run_new(cls, &o);
    if (!r2) abort();
    const cw_file_report *g = cw_cls_buffer(r2, names[data[0] % 7], data + 1, size - 1);
    if (f->bytes != g->bytes || f->records != g->records || f->records_matched != g->records_matched ||
        f->truncated != g->truncated || f->skipped != g->skipped)
        __builtin_trap();
    for (int c = 0; c < CW_CAT__COUNT; c++) {
        const cw_cat_stats *a = &f->cats[c], *b = &g->cats[c];
        if (a->occurrences != b->occurrences || a->distinct != b->distinct || a->nsamples != b->nsamples ||
            memcmp(a->by_cc, b->by_cc, sizeof a->by_cc) != 0)
            __builtin_trap();
        for (int k = 0; k < a->nsamples; k++)
            if (strcmp(a->samples[k], b->samples[k]) != 0) __builtin_trap();
    }
    cw_cls_run_free(r2);
    uint64_t occ = 0;
    for (int c = 0; c < CW_CAT__COUNT; c++) occ += f->cats[c].occurrences;
    if (f->records_matched > occ) __builtin_trap();
    if (occ && !f->records_matched) __builtin_trap();
    const cw_file_report *t = cw_cls_totals(r);
    for (int c = 0; c < CW_CAT__COUNT; c++)
        if (t->cats[c].distinct > t->cats[c].occurrences) __builtin_trap();
    cw_cls_run_free(r);
    return 0;
}
