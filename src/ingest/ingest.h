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
    /* Convert one record into zero or more assets. Returns 0, or -1 with a
     * diagnostic added (the record is then rejected, nothing else is lost). */
    int (*record)(cw_assets *s, const char *file, const cw_jrecord *rec, cw_diags *d,
                  cw_ingest_stats *st);
} cw_adapter;

extern const cw_adapter *const cw_adapters[]; /* NULL-terminated */

/* Load one input file into s with the adapter that sniffs best (or the one
 * named by format, NULL = auto). Errors are added to d with file:line:col or
 * record number; assets accepted before an error are kept. Returns 0 when
 * the file loaded cleanly, -1 when anything was rejected. */
int cw_ingest_file(cw_assets *s, const char *path, const char *format, cw_diags *d,
                   cw_ingest_stats *st, cw_progress_fn progress, void *progress_ctx);
#endif
