/* ingest.c - adapter registry and the file loading loop.
 *
 * Small inputs are read, parsed and converted on the calling thread. Large
 * ones use a pipeline: the calling thread frames records (cw_jreader_next_raw)
 * into batches; worker threads parse each batch (simdjson) and run the
 * adapter's prepare step into arenas of their own; the calling thread then adds
 * the prepared assets and reports diagnostics batch by batch in input order,
 * so results are the same as the serial path's. */
#include "ingest.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "awsconfig.h"

const cw_adapter *const cw_adapters[] = {
    &cw_adapter_awsconfig,
    NULL,
};

int cw_ingest_threads = 0;
uint64_t cw_ingest_parallel_min = 8u << 20;

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

static int nthreads(void)
{
    if (cw_ingest_threads > 0) return cw_ingest_threads > 8 ? 8 : cw_ingest_threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 4 ? 4 : (int)n;
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

enum { B_FREE, B_READY, B_WORKING, B_DONE };

typedef struct batch {
    char *buf;
    size_t len, cap;
    item *items;
    size_t n, cap_items;
    cw_diags diags;
    cw_arena scratch; /* the batch's trees, until it is committed */
    int state;
    uint64_t seq;
} batch;

typedef struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    batch slots[NSLOTS];
    int stop;
    const cw_adapter *ad;
    const cw_jproj *proj;
    const char *path;
} pool;

typedef struct worker {
    pool *p;
    cw_arena *arena; /* what the model keeps (adopted by the asset set) */
    cw_jshare *share;
    pthread_t th;
} worker;

/* Records are parsed and prepared in the batch's scratch arena (reused batch
 * after batch); the model keeps a compact copy (cw_asset_keep) in the
 * worker's arena. The strings adding copies stay in scratch until then. */
static void work_batch(pool *p, worker *w, batch *b)
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
                cw_asset_keep(&it->asset, w->share, model);
                cw_asset_keys_of(&it->asset, &it->keys);
            }
        }
        it->rec.value = NULL; /* in scratch */
        it->diag_to = b->diags.n;
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    pool *p = w->p;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        batch *pick = NULL;
        for (int i = 0; i < NSLOTS; i++)
            if (p->slots[i].state == B_READY && (!pick || p->slots[i].seq < pick->seq)) pick = &p->slots[i];
        if (!pick) {
            if (p->stop) break;
            pthread_cond_wait(&p->cv_work, &p->mu);
            continue;
        }
        pick->state = B_WORKING;
        pthread_mutex_unlock(&p->mu);
        work_batch(p, w, pick);
        pthread_mutex_lock(&p->mu);
        pick->state = B_DONE;
        pthread_cond_broadcast(&p->cv_done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
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

typedef struct committer {
    cw_assets *s;
    cw_diags *d;
    cw_ingest_stats *st;
    const char *path;
    int rc;
} committer;

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

static int ingest_parallel(cw_assets *s, cw_jreader *r, const char *path, const cw_adapter *ad,
                           const cw_jproj *proj, cw_diags *d,
                           cw_ingest_stats *st, cw_progress_fn progress, void *pctx, int nw)
{
    committer c = {s, d, st, path, 0};
    const char *text;
    size_t len;
    cw_jrecord rec;
    cw_json_err err;
    /* the first record decides the adapter */
    int k;
    for (;;) {
        k = cw_jreader_next_raw(r, &text, &len, &rec, &err);
        if (k >= 0) break;
        add_json_err(d, path, &err);
        st->errors++;
        c.rc = -1;
    }
    if (k == 0) return c.rc;
    if (!ad) {
        cw_arena tmp;
        cw_arena_init(&tmp, 0);
        cw_json_err pe;
        cw_jrecord r0 = rec;
        r0.value = cw_jrecord_parse(&tmp, text, len, &rec, &pe);
        if (r0.value) ad = sniff(cw_jreader_header(r), r0.value);
        if (r0.value && !ad) {
            rec.value = r0.value;
            not_recognised(d, path, &rec);
            int report = cw_ingest_findings_report(NULL, r0.value) != NULL;
            cw_arena_free(&tmp);
            if (report) return 0;
            st->errors++;
            return -1;
        }
        cw_arena_free(&tmp);
        if (!ad) ad = &cw_adapter_awsconfig; /* a first record that does not parse: errors come from the batch */
    }

    pool p;
    memset(&p, 0, sizeof p);
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv_work, NULL);
    pthread_cond_init(&p.cv_done, NULL);
    p.ad = ad;
    p.proj = proj;
    p.path = path;
    for (int i = 0; i < NSLOTS; i++) {
        cw_diags_init(&p.slots[i].diags);
        cw_arena_init(&p.slots[i].scratch, 1u << 20);
    }
    worker *ws = cw_xcalloc((size_t)nw, sizeof *ws);
    for (int i = 0; i < nw; i++) {
        ws[i].p = &p;
        ws[i].arena = cw_xmalloc(sizeof(cw_arena));
        cw_arena_init(ws[i].arena, 4u << 20);
        ws[i].share = cw_jshare_new(ws[i].arena);
        if (pthread_create(&ws[i].th, NULL, worker_main, &ws[i]) != 0) cw_bug("cannot start a worker thread");
    }

    uint64_t seq_fill = 0, seq_commit = 0, done_at = 0;
    batch *cur = &p.slots[0];
    cur->seq = seq_fill++;
    batch_add_record(cur, text, len, &rec);
    int eof = 0;
    while (!eof) {
        k = cw_jreader_next_raw(r, &text, &len, &rec, &err);
        if (k == 0) eof = 1;
        else if (k < 0) {
            item *it = batch_item(cur);
            it->framing_error = 1;
            it->err = err;
        } else {
            batch_add_record(cur, text, len, &rec);
        }
        if (!eof && cur->n < BATCH_RECORDS && cur->len < BATCH_BYTES) continue;
        /* hand the batch over, then find a free slot, committing finished batches in order */
        pthread_mutex_lock(&p.mu);
        cur->state = B_READY;
        pthread_cond_signal(&p.cv_work);
        for (;;) {
            batch *next = NULL;
            for (int i = 0; i < NSLOTS; i++) {
                batch *b = &p.slots[i];
                if (b->state == B_DONE && b->seq == seq_commit) {
                    pthread_mutex_unlock(&p.mu);
                    commit_batch(&c, b);
                    pthread_mutex_lock(&p.mu);
                    b->state = B_FREE;
                    seq_commit++;
                    i = -1; /* rescan for the next in order */
                    continue;
                }
            }
            if (eof) {
                if (seq_commit == seq_fill) break;
            } else {
                for (int i = 0; i < NSLOTS && !next; i++)
                    if (p.slots[i].state == B_FREE) next = &p.slots[i];
                if (next) {
                    next->seq = seq_fill++;
                    next->state = B_FREE;
                    cur = next;
                    break;
                }
            }
            pthread_cond_wait(&p.cv_done, &p.mu);
        }
        pthread_mutex_unlock(&p.mu);
        if (progress && cw_jreader_bytes_read(r) - done_at >= (8u << 20)) {
            done_at = cw_jreader_bytes_read(r);
            progress(pctx, done_at, cw_jreader_input_size(r));
        }
    }
    pthread_mutex_lock(&p.mu);
    p.stop = 1;
    pthread_cond_broadcast(&p.cv_work);
    pthread_mutex_unlock(&p.mu);
    for (int i = 0; i < nw; i++) {
        pthread_join(ws[i].th, NULL);
        cw_jshare_free(ws[i].share);
        cw_assets_adopt(s, ws[i].arena);
    }
    free(ws);
    for (int i = 0; i < NSLOTS; i++) {
        free(p.slots[i].buf);
        free(p.slots[i].items);
        cw_diags_free(&p.slots[i].diags);
        cw_arena_free(&p.slots[i].scratch);
    }
    pthread_cond_destroy(&p.cv_work);
    pthread_cond_destroy(&p.cv_done);
    pthread_mutex_destroy(&p.mu);
    return c.rc;
}

void cw_ingest_project(cw_arena *a, cw_jproj *item)
{
    for (const cw_adapter *const *ad = cw_adapters; *ad; ad++)
        if ((*ad)->project) (*ad)->project(a, item);
    cw_ingest_reports_project(a, item);
}

int cw_ingest_file(cw_assets *s, const char *path, const char *format, const cw_jproj *proj, cw_diags *d,
                   cw_ingest_stats *st, cw_progress_fn progress, void *progress_ctx)
{
    cw_json_err err;
    memset(&err, 0, sizeof err);
    const cw_adapter *ad = NULL;
    if (format && !(ad = find_adapter(format))) {
        cw_diag_add(d, CW_DIAG_ERROR, NULL, 0, 0, 0, NULL, "unknown input format '%s'", format);
        return -1;
    }
    cw_jreader *r = cw_jreader_open(path, NULL, &err);
    if (!r) {
        cw_diag_add(d, CW_DIAG_ERROR, path, 0, 0, 0, NULL, "%s", err.msg);
        return -1;
    }
    cw_jreader_set_projection(r, proj);
    uint64_t size = cw_jreader_input_size(r); /* 0 for gzip and pipes: may be large */
    int nw = nthreads();
    int rc;
    if (nw > 1 && (size == 0 || size >= cw_ingest_parallel_min))
        rc = ingest_parallel(s, r, path, ad, proj, d, st, progress, progress_ctx, nw);
    else
        rc = ingest_serial(s, r, path, ad, proj, d, st, progress, progress_ctx);
    st->bytes += cw_jreader_bytes_read(r);
    cw_jreader_close(r);
    return rc;
}
