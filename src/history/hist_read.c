/* hist_read.c - configuration items of AWS Config history files, snapshots
 * and change notifications, as versions: what they are, where they came
 * from, in capture-instant order. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "../ingest/awsconfig.h"
#include "../json/json.h"
#include "../util/strbuf.h"

static char *dup_or_null(const char *s)
{
    return s ? cw_xstrdup(s) : NULL;
}

void cw_hist_items_free(cw_hist_items *x)
{
    for (size_t i = 0; i < x->n; i++) {
        cw_hist_item *it = &x->v[i];
        free(it->resource), free(it->type), free(it->resource_id), free(it->name), free(it->account);
        free(it->region), free(it->status), free(it->state_id), free(it->item), free(it->source);
    }
    free(x->v);
    memset(x, 0, sizeof *x);
}

/* configurationStateId as text: AWS writes a number (ms since the epoch of
 * the change) in 1.3 items and a string in 1.2 ones. NULL when absent. */
static char *state_id_of(const cw_json *item)
{
    const cw_json *v = cw_json_get(item, "configurationStateId");
    if (!v) return NULL;
    char buf[64];
    if (v->type == CW_JNUM) {
        if (v->is_int) snprintf(buf, sizeof buf, "%" PRId64, cw_json_int(v));
        else snprintf(buf, sizeof buf, "%.17g", v->u.num);
        return cw_xstrdup(buf);
    }
    if (v->type == CW_JSTR && v->len) return cw_xstrdup(v->u.str);
    return NULL;
}

static int add_item(cw_hist_items *out, const cw_asset *as, const char *path, const cw_jrecord *rec, size_t file,
                    cw_diags *d)
{
    if (as->capture_us == CW_TIME_UNKNOWN) {
        cw_diag_add(d, CW_DIAG_ERROR, path, rec->line, rec->col, rec->index, NULL,
                    "configuration item of %s has no configurationItemCaptureTime that is a time; it cannot be "
                    "placed in the history and is not recorded", as->id);
        return -1;
    }
    if (out->n == out->cap) {
        out->cap = out->cap ? 2 * out->cap : 64;
        out->v = cw_xrealloc(out->v, out->cap * sizeof *out->v);
    }
    cw_hist_item *it = &out->v[out->n++];
    memset(it, 0, sizeof *it);
    it->capture_us = as->capture_us;
    it->file = file;
    it->record = rec->index;
    it->resource = cw_xstrdup(as->id);
    it->type = dup_or_null(as->type);
    it->resource_id = dup_or_null(as->resource_id);
    it->name = dup_or_null(as->name);
    it->account = dup_or_null(as->account);
    it->region = dup_or_null(as->region);
    it->status = dup_or_null(as->status);
    cw_strbuf sb = CW_STRBUF_INIT;
    cw_json_write(&sb, as->raw, -1);
    it->item = cw_sb_detach(&sb);
    it->state_id = state_id_of(as->raw);
    if (!it->state_id) {
        char buf[48];
        it->state_id = cw_xstrdup(cw_store_state_id(it->capture_us, it->item, buf, sizeof buf));
    }
    cw_sb_printf(&sb, "%s:%" PRIu32 ":%" PRIu32 "#%" PRIu64, path, rec->line, rec->col, rec->index);
    it->source = cw_sb_detach(&sb);
    return 0;
}

int cw_hist_read_file(cw_hist_items *out, const char *path, size_t file, cw_diags *d)
{
    cw_json_err err;
    cw_jreader_opts ro = {.stream_keys = cw_adapter_awsconfig.stream_keys};
    cw_jreader *r = cw_jreader_open(path, &ro, &err);
    if (!r) {
        cw_diag_add(d, CW_DIAG_ERROR, path, 0, 0, 0, NULL, "%s", err.msg);
        return -1;
    }
    int rc = 0;
    cw_arena scratch;
    cw_arena_init(&scratch, 256u << 10);
    for (;;) {
        cw_arena_reset(&scratch);
        cw_jrecord rec;
        int n = cw_jreader_next(r, &scratch, &rec, &err);
        if (n == 0) break;
        if (n < 0) {
            cw_diag_add(d, CW_DIAG_ERROR, path, err.line, err.col, err.record, NULL, "%s", err.msg);
            rc = -1;
            continue; /* the reader returns 0 next when it cannot go on */
        }
        cw_asset as;
        int k = cw_adapter_awsconfig.prepare(&scratch, path, &rec, d, &as);
        if (k == 0) out->skipped++;
        else if (k < 0 || add_item(out, &as, path, &rec, file, d) < 0) rc = -1;
    }
    cw_arena_free(&scratch);
    cw_jreader_close(r);
    return rc;
}

static int item_cmp(const void *pa, const void *pb)
{
    const cw_hist_item *a = pa, *b = pb;
    if (a->capture_us != b->capture_us) return a->capture_us < b->capture_us ? -1 : 1;
    if (a->file != b->file) return a->file < b->file ? -1 : 1;
    return a->record < b->record ? -1 : a->record > b->record;
}

void cw_hist_sort(cw_hist_items *x)
{
    if (x->n > 1) qsort(x->v, x->n, sizeof *x->v, item_cmp); /* (file, record) is unique: stable */
}

/* Digits backwards from end (exclusive) to a separator; the value, and *at
 * the separator's position. -1 when none. */
static int num_back(const char *s, size_t end, char sep, uint64_t *v, size_t *at)
{
    size_t i = end;
    while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9') i--;
    if (i == end || i == 0 || s[i - 1] != sep) return -1;
    *v = strtoull(s + i, NULL, 10);
    *at = i - 1;
    return 0;
}

int cw_hist_source_parse(const char *source, char **file, uint32_t *line, uint64_t *record)
{
    if (!source) return -1;
    size_t n = strlen(source), at;
    uint64_t rec, col, ln;
    if (num_back(source, n, '#', &rec, &at) < 0) return -1;
    if (num_back(source, at, ':', &col, &at) < 0) return -1;
    if (num_back(source, at, ':', &ln, &at) < 0) return -1;
    if (file) *file = cw_xstrdup(source), (*file)[at] = 0;
    if (line) *line = (uint32_t)ln;
    if (record) *record = rec;
    return 0;
}

void cw_hist_time(int64_t us, char *buf, size_t n)
{
    if (us == CW_TIME_UNKNOWN) {
        snprintf(buf, n, "-");
        return;
    }
    char t[48];
    cw_time_format(us - ((us % 1000000) + 1000000) % 1000000, t, sizeof t); /* whole seconds: no fraction */
    size_t len = strlen(t);
    if (len && t[len - 1] == 'Z') t[--len] = 0;
    int64_t frac = ((us % 1000000) + 1000000) % 1000000;
    if (frac % 1000) snprintf(buf, n, "%s.%06" PRId64 "Z", t, frac);
    else snprintf(buf, n, "%s.%03" PRId64 "Z", t, frac / 1000);
}

char *cw_hist_change_id(const char *resource, int64_t capture_us, const char *state_id)
{
    char t[48];
    cw_hist_time(capture_us, t, sizeof t);
    cw_strbuf sb = CW_STRBUF_INIT;
    cw_sb_printf(&sb, "config:%s@%s#%s", resource, t, state_id ? state_id : "");
    return cw_sb_detach(&sb);
}

int cw_hist_exposure_category(const char *category)
{
    return category && (strcmp(category, "public-access") == 0 || strcmp(category, "network-exposure") == 0);
}
