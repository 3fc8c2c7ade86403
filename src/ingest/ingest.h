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

/* Worker threads used to parse large inputs (0 = as many as cores, max 4). */
extern int cw_ingest_threads;
/* Inputs at least this large (or of unknown size) use the worker threads. */
extern uint64_t cw_ingest_parallel_min;

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
} cw_adapter;

extern const cw_adapter *const cw_adapters[]; /* NULL-terminated */

/* Load one input file into s, building only what proj keeps of each record
 * (NULL = everything), with the adapter that sniffs best (or the one
 * named by format, NULL = auto). Errors are added to d with file:line:col or
 * record number; assets accepted before an error are kept. Returns 0 when
 * the file loaded cleanly, -1 when anything was rejected. */
int cw_ingest_file(cw_assets *s, const char *path, const char *format, const cw_jproj *proj, cw_diags *d,
                   cw_ingest_stats *st, cw_progress_fn progress, void *progress_ctx);

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
