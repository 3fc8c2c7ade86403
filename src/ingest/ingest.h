/* ingest.h - input adapters: each turns one input format into assets.
 * Chosen by content sniffing, registered in a table. */
#ifndef CW_INGEST_H
#define CW_INGEST_H
#include <stddef.h>

#include "../json/json.h"
#include "../model/model.h"
#include "../util/diag.h"

typedef struct cw_ingest_stats {
    uint64_t records;   /* records read */
    uint64_t assets;    /* assets added */
    uint64_t skipped;   /* records that are not assets (unknown shape) */
    uint64_t errors;    /* records rejected */
    uint64_t bytes;     /* decompressed bytes read */
} cw_ingest_stats;

typedef void (*cw_progress_fn)(void *ctx, uint64_t bytes_done, uint64_t bytes_total);

typedef struct cw_adapter {
    const char *name; /* "aws-config" */
    const char *doc;
    /* Return a score 0..100 for how well the first record (and header) fit. */
    int (*sniff)(const cw_json *header, const cw_json *first);
    /* Turn one record into an asset, allocating only from a (it may run on a
     * worker thread; the caller adds *out to the asset set in input order).
     * Returns 1 asset, 0 not an asset (skipped), -1 rejected with a
     * diagnostic added (nothing else is lost). */
    int (*prepare)(cw_arena *a, const char *file, const cw_jrecord *rec, cw_diags *d, cw_asset *out);
    /* optional: add to the projection of an item (whose paths are relative to
     * the asset's raw record) the envelopes that hold items in this format */
    void (*project)(cw_arena *a, cw_jproj *item);
    /* the members of a top-level object whose array elements are records
     * ("configurationItems"), NULL-terminated; the reader streams them */
    const char *const *stream_keys;
} cw_adapter;

extern const cw_adapter *const cw_adapters[]; /* NULL-terminated */

typedef struct cw_ingest_opts {
    const char *format;      /* adapter name; NULL = the one that sniffs best */
    const cw_jproj *proj;    /* what to build of each record; NULL = everything */
    const cw_exec *exec;     /* threads (large inputs); NULL = the calling thread */
    cw_jreader_opts limits;  /* record size and gzip limits (0 = defaults); stream_keys NULL = the adapters' */
    cw_progress_fn progress; /* optional, called on the calling thread */
    void *progress_ctx;
} cw_ingest_opts;

/* Load one input file into s. Errors are added to d with file:line:col or
 * record number; assets accepted before an error are kept. Returns 0 when
 * the file loaded cleanly, -1 when anything was rejected. Large inputs (or
 * of unknown size: gzip, pipes) are parsed on the threads of o->exec, with
 * the same result as on one thread. */
int cw_ingest_file(cw_assets *s, const char *path, const cw_ingest_opts *o, cw_diags *d, cw_ingest_stats *st);
/* The same over an input in memory (not copied; must live until the call
 * returns); name locates its errors. */
int cw_ingest_buffer(cw_assets *s, const char *name, const char *buf, size_t len, const cw_ingest_opts *o,
                     cw_diags *d, cw_ingest_stats *st);

/* A findings report (cloudwarden's JSON, SARIF or OCSF output, another
 * scanner's) rather than an inventory: what it is, or NULL (reports.c). Such
 * files are skipped with a note. The fields it reads are added to the
 * projection by cw_ingest_project. */
const char *cw_ingest_findings_report(const cw_json *header, const cw_json *first);
void cw_ingest_reports_project(cw_arena *a, cw_jproj *item);

/* Add every adapter's envelopes to a projection of items (see project above;
 * the whole projection is made by cw_rules_projection). */
void cw_ingest_project(cw_arena *a, cw_jproj *item);
#endif
