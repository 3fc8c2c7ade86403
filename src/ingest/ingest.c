/* ingest.c - adapter registry and the file loading loop. */
#include "ingest.h"

#include <string.h>

#include "awsconfig.h"

const cw_adapter *const cw_adapters[] = {
    &cw_adapter_awsconfig,
    NULL,
};

static const cw_adapter *find_adapter(const char *name)
{
    for (const cw_adapter *const *ad = cw_adapters; *ad; ad++)
        if (strcmp((*ad)->name, name) == 0) return *ad;
    return NULL;
}

static void add_json_err(cw_diags *d, const char *path, const cw_json_err *e, uint64_t record)
{
    cw_diag_add(d, CW_DIAG_ERROR, path, e->line, e->col, record, NULL, "%s", e->msg);
}

int cw_ingest_file(cw_assets *s, const char *path, const char *format, cw_diags *d, cw_ingest_stats *st,
                   cw_progress_fn progress, void *progress_ctx)
{
    cw_json_err err;
    memset(&err, 0, sizeof err);
    const cw_adapter *ad = NULL;
    if (format) {
        ad = find_adapter(format);
        if (!ad) {
            cw_diag_add(d, CW_DIAG_ERROR, NULL, 0, 0, 0, NULL, "unknown input format '%s'", format);
            return -1;
        }
    }
    cw_jreader *r = cw_jreader_open(path, NULL, &err);
    if (!r) {
        cw_diag_add(d, CW_DIAG_ERROR, path, 0, 0, 0, NULL, "%s", err.msg);
        return -1;
    }
    int rc = 0, n;
    uint64_t done_at = 0;
    cw_jrecord rec;
    for (;;) {
        memset(&err, 0, sizeof err);
        n = cw_jreader_next(r, &s->arena, &rec, &err);
        if (n == 0) break;
        if (n < 0) {
            add_json_err(d, path, &err, err.record);
            st->errors++;
            rc = -1;
            continue; /* the reader says 0 next when it cannot go on */
        }
        st->records++;
        if (!ad) {
            int best = 0;
            for (const cw_adapter *const *c = cw_adapters; *c; c++) {
                int sc = (*c)->sniff(cw_jreader_header(r), rec.value);
                if (sc > best) best = sc, ad = *c;
            }
            if (!ad) {
                cw_diag_add(d, CW_DIAG_ERROR, path, rec.line, rec.col, rec.index, NULL,
                            "not a recognised inventory: expected an AWS Config snapshot or history file "
                            "(fileVersion + configurationItems), a configuration item, or a change "
                            "notification");
                st->errors++;
                rc = -1;
                break;
            }
        }
        if (ad->record(s, path, &rec, d, st) < 0) {
            st->errors++;
            rc = -1;
        }
        if (progress) {
            uint64_t b = cw_jreader_bytes_read(r);
            if (b - done_at >= (8u << 20)) {
                done_at = b;
                progress(progress_ctx, b, cw_jreader_input_size(r));
            }
        }
    }
    st->bytes += cw_jreader_bytes_read(r);
    cw_jreader_close(r);
    return rc;
}
