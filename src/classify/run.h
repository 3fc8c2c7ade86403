/* run.h - the classifier and run objects (engine.c) as the stream (stream.c) sees
 * them: private to src/classify. */
#ifndef CW_CLS_RUN_H
#define CW_CLS_RUN_H
#include "classify.h"
#include "patterns.h"
#include "reader.h"
#include "scan.h"

struct cw_classifier {
    cw_patterns pat;
};

struct cw_cls_run {
    const cw_classifier *c;
    cw_cls_opts o;
    cw_pat_scratch ps;        /* the calling thread's (worker 0) */
    cw_pat_scratch *wps;      /* workers 1..nwps (allocated on first parallel file) */
    unsigned nwps;
    cw_vcache **vcs;          /* verdict cache of each worker (0: the calling thread) */
    unsigned nvcs;
    uint8_t *buf;
    cw_file_report **files;
    size_t nfiles, capfiles;
    cw_file_report tot;
};

/* dst += src: counts, distinct counters, samples (src's are moved out; at most max
 * kept, first seen first). src is left empty for reuse (its counters' memory kept). */
void cw_report_merge(cw_file_report *dst, cw_file_report *src, int max);
/* Empties the counts of a part (stream.c), keeping its counters' memory. */
void cw_report_reset(cw_file_report *f);
/* Frees what a report's counters and samples hold and zeroes it (path and message
 * are not touched: for the parts of stream.c, which have neither). */
void cw_report_clear(cw_file_report *f);
/* Message of a report (printf-like), replacing any earlier one. */
void cw_report_message(cw_file_report *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The chunk loop of one file (stream.c): rd has given the first window buf[0..len)
 * (eof: it was short), s is the scan state after the tracker's init on it. Reads,
 * scans and counts the rest into rep, on the run's threads when the format allows
 * (see docs/classify.md "Threads"); the result is the same on any number of threads. */
void cw_cls_stream(cw_cls_run *r, cw_file_report *rep, cw_reader *rd, cw_scan *s, size_t len, bool eof);
#endif
