/* ingest.c - adapter registry and the file loading loop.
 *
 * Small inputs are read, parsed and converted on the calling thread. Large
 * ones use a pipeline: the calling thread frames records (cw_jreader_next_raw)
 * into batches; worker threads parse each batch (simdjson) and run the
 * adapter's prepare step into arenas of their own; the calling thread then adds
 * the prepared assets and reports diagnostics batch by batch in input order,
 * so results are the same as the serial path's. */
#include "ingest.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "awsconfig.h"
#include "../util/pool.h"

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

static void add_json_err(cw_diags *d, const char *path, const cw_json_err *e)
{
    cw_diag_add(d, CW_DIAG_ERROR, path, e->line, e->col, e->record, NULL, "%s", e->msg);
}

static const cw_adapter *sniff(const cw_json *header, const cw_json *first)
{
    int best = 0;
    const cw_adapter *ad = NULL;
    for (const cw_adapter *const *c = cw_adapters; *c; c++) {
        int sc = (*c)->sniff(header, first);
        if (sc > best) best = sc, ad = *c;
    }
    return ad;
}

static void not_recognised(cw_diags *d, const char *path, const cw_jrecord *rec)
{
    const char *report = cw_ingest_findings_report(NULL, rec->value);
    if (report) {
        cw_diag_add(d, CW_DIAG_NOTE, path, rec->line, rec->col, 0, NULL,
                    "%s, not an inventory; skipped", report);
        return;
    }
    cw_diag_add(d, CW_DIAG_ERROR, path, rec->line, rec->col, rec->index, NULL,
                "not a recognised inventory: expected an AWS Config snapshot or history file "
                "(fileVersion + configurationItems), a configuration item, or a change notification");
}

/* ---- serial path ------------------------------------------------------- */
static int ingest_serial(cw_assets *s, cw_jreader *r, const char *path, const cw_adapter *ad, const cw_jproj *proj,
                         cw_diags *d,
                         cw_ingest_stats *st, cw_progress_fn progress, void *pctx)
{
    int rc = 0, n;
    uint64_t done_at = 0;
    cw_jrecord rec;
    cw_json_err err;
    /* each record is parsed and prepared in scratch memory; the model keeps a
     * compact copy of what rules and analyzers read (cw_asset_keep) */
    cw_arena scratch;
    cw_arena_init(&scratch, 256u << 10);
    cw_jshare *sh = cw_jshare_new(&s->arena);
    const cw_jproj *model = cw_jproj_model(proj);
    for (;;) {
        cw_arena_reset(&scratch);
        n = cw_jreader_next(r, &scratch, &rec, &err);
        if (n == 0) break;
        if (n < 0) {
            add_json_err(d, path, &err);
            st->errors++;
            rc = -1;
            continue; /* the reader says 0 next when it cannot go on */
        }
        st->records++;
        if (!ad && !(ad = sniff(cw_jreader_header(r), rec.value))) {
            not_recognised(d, path, &rec);
            if (cw_ingest_findings_report(NULL, rec.value)) break; /* skipped with a note */
            st->errors++;
            rc = -1;
            break;
        }
        cw_asset as;
        int k = ad->prepare(&scratch, path, &rec, d, &as);
        if (k > 0) cw_asset_keep(&as, sh, model), cw_assets_add(s, &as), st->assets++;
        else if (k == 0) st->skipped++;
        else st->errors++, rc = -1;
        if (progress && cw_jreader_bytes_read(r) - done_at >= (8u << 20)) {
            done_at = cw_jreader_bytes_read(r);
            progress(pctx, done_at, cw_jreader_input_size(r));
        }
    }
    cw_jshare_free(sh);
    cw_arena_free(&scratch);
    return rc;
}

/* ---- parallel path ----------------------------------------------------- */
#define NSLOTS 8
#define BATCH_BYTES (2u << 20)
#define BATCH_RECORDS 2048

typedef struct item {
    int framing_error; /* 1: err holds a reader error, no record */
    cw_jrecord rec;
    size_t off, len;   /* record text in the batch buffer */
    cw_json_err err;
    int result;        /* prepare: 1 asset, 0 skipped, -1 rejected; -2 did not parse */
    size_t diag_from, diag_to; /* this record's diagnostics in batch->diags */
    cw_asset asset;
    cw_asset_keys keys; /* of asset, computed on the worker */
} item;

typedef struct batch {
    char *buf;
    size_t len, cap;
    item *items;
    size_t n, cap_items;
    cw_diags diags;
    cw_arena scratch; /* the batch's trees, until it is committed */
} batch;

typedef struct committer {
    cw_assets *s;
    cw_diags *d;
    cw_ingest_stats *st;
    const char *path;
    int rc;
} committer;

/* One file through the pool's ordered pipeline: the calling thread frames
 * records into batches (produce) and adds their assets in input order
 * (consume); any thread parses a batch into an arena of its own (work). */
typedef struct pipe_ctx {
    cw_jreader *r;
    const cw_adapter *ad;
    const cw_jproj *proj;
    const char *path;
    cw_arena **arenas; /* what the model keeps, one per thread of the pool */
    cw_jshare **shares; /* over arenas[i] */
    committer c;
    /* the first record, read before the pipeline to pick the adapter */
    const char *first_text;
    size_t first_len;
    cw_jrecord first_rec;
    bool have_first, eof;
    uint64_t done_at;
    cw_progress_fn progress;
    void *pctx;
} pipe_ctx;

/* Records are parsed and prepared in the batch's scratch arena (reused batch
 * after batch); the model keeps a compact copy (cw_asset_keep) in the
 * arena of the thread that worked the batch. The strings adding copies stay in
 * scratch until then. */
static void work_batch(pipe_ctx *p, unsigned worker, batch *b)
{
    cw_arena *a = &b->scratch;
    cw_arena_reset(a);
    const cw_jproj *model = cw_jproj_model(p->proj);
    for (size_t i = 0; i < b->n; i++) {
        item *it = &b->items[i];
        if (it->framing_error) continue;
        it->diag_from = b->diags.n;
        it->rec.value = cw_jrecord_parse_proj(a, b->buf + it->off, it->len, p->proj, &it->rec, &it->err);
        if (!it->rec.value) {
            it->result = -2;
            add_json_err(&b->diags, p->path, &it->err);
        } else {
            it->result = p->ad->prepare(a, p->path, &it->rec, &b->diags, &it->asset);
            if (it->result > 0) {
                cw_asset_keep(&it->asset, p->shares[worker], model);
                cw_asset_keys_of(&it->asset, &it->keys);
            }
        }
        it->rec.value = NULL; /* in scratch */
        it->diag_to = b->diags.n;
    }
}

static item *batch_item(batch *b)
{
    if (b->n == b->cap_items) {
        b->cap_items = b->cap_items ? b->cap_items * 2 : 256;
        b->items = cw_xrealloc(b->items, b->cap_items * sizeof *b->items);
    }
    item *it = &b->items[b->n++];
    memset(it, 0, sizeof *it);
    return it;
}

static void batch_add_record(batch *b, const char *text, size_t len, const cw_jrecord *rec)
{
    if (b->len + len + CW_JSON_PADDING > b->cap) {
        size_t nc = b->cap ? b->cap : BATCH_BYTES + (64u << 10);
        while (nc < b->len + len + CW_JSON_PADDING) nc *= 2;
        b->buf = cw_xrealloc(b->buf, nc);
        b->cap = nc;
    }
    item *it = batch_item(b);
    it->rec = *rec;
    it->off = b->len;
    it->len = len;
    memcpy(b->buf + b->len, text, len);
    b->len += len;
    memset(b->buf + b->len, ' ', CW_JSON_PADDING); /* padding (overwritten by the next record) */
}

static void commit_batch(committer *c, batch *b)
{
    enum { AHEAD = 8 }; /* assets whose index slots are being fetched */
    for (size_t i = 0; i < b->n && i < AHEAD; i++)
        if (!b->items[i].framing_error && b->items[i].result > 0)
            cw_assets_prefetch(c->s, &b->items[i].asset, &b->items[i].keys);
    for (size_t i = 0; i < b->n; i++) {
        item *it = &b->items[i];
        if (i + AHEAD < b->n && !it[AHEAD].framing_error && it[AHEAD].result > 0)
            cw_assets_prefetch(c->s, &it[AHEAD].asset, &it[AHEAD].keys);
        if (it->framing_error) {
            add_json_err(c->d, c->path, &it->err);
            c->st->errors++;
            c->rc = -1;
            continue;
        }
        for (size_t k = it->diag_from; k < it->diag_to; k++) {
            const cw_diag *g = &b->diags.v[k];
            cw_diag_add(c->d, g->level, g->file, g->line, g->col, g->record, g->source_line, "%s", g->msg);
        }
        if (it->result == -2) {
            c->st->errors++;
            c->rc = -1;
            continue;
        }
        c->st->records++;
        if (it->result > 0) cw_assets_add_keyed(c->s, &it->asset, &it->keys), c->st->assets++;
        else if (it->result == 0) c->st->skipped++;
        else c->st->errors++, c->rc = -1;
    }
    b->n = 0;
    b->len = 0;
    cw_diags_free(&b->diags);
    cw_diags_init(&b->diags);
}

static int pipe_produce(void *ctx, void *slot)
{
    pipe_ctx *p = ctx;
    batch *b = slot;
    if (p->have_first) {
        batch_add_record(b, p->first_text, p->first_len, &p->first_rec);
        p->have_first = false;
    }
    while (!p->eof && b->n < BATCH_RECORDS && b->len < BATCH_BYTES) {
        const char *text;
        size_t len;
        cw_jrecord rec;
        cw_json_err err;
        int k = cw_jreader_next_raw(p->r, &text, &len, &rec, &err);
        if (k == 0) p->eof = true;
        else if (k < 0) {
            item *it = batch_item(b);
            it->framing_error = 1;
            it->err = err;
        } else {
            batch_add_record(b, text, len, &rec);
        }
    }
    return b->n > 0;
}

static void pipe_work(void *ctx, void *slot, unsigned worker)
{
    pipe_ctx *p = ctx;
    work_batch(p, worker, slot);
}

static void pipe_consume(void *ctx, void *slot)
{
    pipe_ctx *p = ctx;
    commit_batch(&p->c, slot);
    if (p->progress && cw_jreader_bytes_read(p->r) - p->done_at >= (8u << 20)) {
        p->done_at = cw_jreader_bytes_read(p->r);
        p->progress(p->pctx, p->done_at, cw_jreader_input_size(p->r));
    }
}

static int ingest_parallel(cw_assets *s, cw_jreader *r, const char *path, const cw_adapter *ad,
                           const cw_ingest_opts *o, cw_diags *d, cw_ingest_stats *st)
{
    pipe_ctx p = {.r = r, .proj = o->proj, .path = path, .c = {s, d, st, path, 0}, .progress = o->progress,
                  .pctx = o->progress_ctx};
    cw_json_err err;
    /* the first record decides the adapter */
    int k;
    for (;;) {
        k = cw_jreader_next_raw(r, &p.first_text, &p.first_len, &p.first_rec, &err);
        if (k >= 0) break;
        add_json_err(d, path, &err);
        st->errors++;
        p.c.rc = -1;
    }
    if (k == 0) return p.c.rc;
    if (!ad) {
        cw_arena tmp;
        cw_arena_init(&tmp, 0);
        cw_json_err pe;
        cw_jrecord r0 = p.first_rec;
        r0.value = cw_jrecord_parse(&tmp, p.first_text, p.first_len, &p.first_rec, &pe);
        if (r0.value) ad = sniff(cw_jreader_header(r), r0.value);
        if (r0.value && !ad) {
            not_recognised(d, path, &r0);
            int report = cw_ingest_findings_report(NULL, r0.value) != NULL;
            cw_arena_free(&tmp);
            if (report) return 0;
            st->errors++;
            return -1;
        }
        cw_arena_free(&tmp);
        if (!ad) ad = cw_adapters[0]; /* a first record that does not parse: errors come from the batch */
    }
    p.ad = ad;
    p.have_first = true;
    cw_pool *pool = cw_exec_pool(o->exec);
    unsigned nw = cw_pool_threads(pool);
    p.arenas = cw_xcalloc(nw, sizeof *p.arenas);
    p.shares = cw_xcalloc(nw, sizeof *p.shares);
    for (unsigned i = 0; i < nw; i++) {
        p.arenas[i] = cw_xmalloc(sizeof(cw_arena));
        cw_arena_init(p.arenas[i], 4u << 20);
        p.shares[i] = cw_jshare_new(p.arenas[i]);
    }
    batch slots[NSLOTS];
    void *slotp[NSLOTS];
    memset(slots, 0, sizeof slots);
    for (int i = 0; i < NSLOTS; i++) {
        cw_diags_init(&slots[i].diags);
        cw_arena_init(&slots[i].scratch, 1u << 20);
        slotp[i] = &slots[i];
    }
    cw_pipeline pl = {pipe_produce, pipe_work, pipe_consume, &p, slotp, NSLOTS, nw};
    cw_pool_pipeline(pool, &pl);
    for (unsigned i = 0; i < nw; i++) {
        cw_jshare_free(p.shares[i]);
        cw_assets_adopt(s, p.arenas[i]);
    }
    free(p.arenas);
    free(p.shares);
    for (int i = 0; i < NSLOTS; i++) {
        free(slots[i].buf);
        free(slots[i].items);
        cw_diags_free(&slots[i].diags);
        cw_arena_free(&slots[i].scratch);
    }
    return p.c.rc;
}

void cw_ingest_project(cw_arena *a, cw_jproj *item)
{
    for (const cw_adapter *const *ad = cw_adapters; *ad; ad++)
        if ((*ad)->project) (*ad)->project(a, item);
    cw_ingest_reports_project(a, item);
}

/* One opened reader into s: on the pool for large inputs (or of unknown
 * size), else on the calling thread. */
static int ingest_reader(cw_assets *s, cw_jreader *r, const char *name, const cw_ingest_opts *o, cw_diags *d,
                         cw_ingest_stats *st)
{
    const cw_adapter *ad = NULL;
    if (o->format && !(ad = find_adapter(o->format))) {
        cw_diag_add(d, CW_DIAG_ERROR, NULL, 0, 0, 0, NULL, "unknown input format '%s'", o->format);
        return -1;
    }
    cw_jreader_set_projection(r, o->proj);
    uint64_t size = cw_jreader_input_size(r); /* 0 for gzip and pipes: may be large */
    int rc;
    if (cw_pool_threads(cw_exec_pool(o->exec)) > 1 && (size == 0 || size >= cw_exec_min_bytes(o->exec)))
        rc = ingest_parallel(s, r, name, ad, o, d, st);
    else
        rc = ingest_serial(s, r, name, ad, o->proj, d, st, o->progress, o->progress_ctx);
    st->bytes += cw_jreader_bytes_read(r);
    return rc;
}

/* Reader options: the limits asked for, and the stream keys of every
 * adapter (into keys, which must live as long as the reader). */
enum { MAX_STREAM_KEYS = 16 };
static void reader_opts(const cw_ingest_opts *o, cw_jreader_opts *ro, const char *keys[MAX_STREAM_KEYS])
{
    *ro = o->limits;
    if (ro->stream_keys) return;
    size_t n = 0;
    for (const cw_adapter *const *ad = cw_adapters; *ad; ad++)
        for (const char *const *k = (*ad)->stream_keys; k && *k && n + 1 < MAX_STREAM_KEYS; k++) keys[n++] = *k;
    keys[n] = NULL;
    ro->stream_keys = keys;
}

int cw_ingest_file(cw_assets *s, const char *path, const cw_ingest_opts *o, cw_diags *d, cw_ingest_stats *st)
{
    cw_json_err err;
    memset(&err, 0, sizeof err);
    cw_jreader_opts ro;
    const char *keys[MAX_STREAM_KEYS];
    reader_opts(o, &ro, keys);
    cw_jreader *r = cw_jreader_open(path, &ro, &err);
    if (!r) {
        cw_diag_add(d, CW_DIAG_ERROR, path, 0, 0, 0, NULL, "%s", err.msg);
        return -1;
    }
    int rc = ingest_reader(s, r, path, o, d, st);
    cw_jreader_close(r);
    return rc;
}

int cw_ingest_buffer(cw_assets *s, const char *name, const char *buf, size_t len, const cw_ingest_opts *o,
                     cw_diags *d, cw_ingest_stats *st)
{
    cw_json_err err;
    memset(&err, 0, sizeof err);
    cw_jreader_opts ro;
    const char *keys[MAX_STREAM_KEYS];
    reader_opts(o, &ro, keys);
    cw_jreader *r = cw_jreader_open_mem(buf, len, &ro, &err);
    if (!r) {
        cw_diag_add(d, CW_DIAG_ERROR, name, 0, 0, 0, NULL, "%s", err.msg);
        return -1;
    }
    int rc = ingest_reader(s, r, name, o, d, st);
    cw_jreader_close(r);
    return rc;
}
