/* stream.c - the chunk loop of one file, and both cores on one file.
 *
 * A file is read in windows of o.chunk bytes; each window is cut after its last
 * newline (chunk_cut) and the chunk scanned; what follows the cut starts the next
 * window. That sequence of chunks depends only on the bytes and the chunk size, so
 * it is the same however the work is shared out.
 *
 * Segments: consecutive chunks, about o.segment bytes, ending at a chunk cut after a
 * newline. Line-record formats (CSV/TSV, NDJSON, text, SQL dumps) carry little state
 * across such a line end - the CSV header, the SQL tables declared so far - so a
 * segment can be scanned before the one before it is finished, entering in the state
 * a record boundary leaves (the tracker's boundary(): a speculation). Segments are
 * then consumed in file order: the state the previous segment really ended in is
 * compared with the one assumed (the tracker's same()); when they differ (the line
 * end was inside a quoted CSV field, in the middle of an SQL statement...) the
 * segment is scanned again, on the calling thread, from the true state. Counts,
 * distinct counters, samples and span lines are merged in file order, so the report
 * is byte for byte the one a single thread gives (tests/classify/threads.py checks
 * this for every input format at several chunk and segment sizes). A file whose
 * speculations keep failing (many quoted newlines) is finished on one thread.
 * JSON documents are scanned on one thread. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"
#include "../util/parallel.h"
#include "counters.h"
#include "run.h"
#include "runs.h"
#include "scan.h"

/* Where to end a chunk that is not the last: after the last newline; in a line longer
 * than the chunk, after the last blank or delimiter of its final 4 KiB. */
static size_t chunk_cut(const uint8_t *b, size_t len)
{
    const uint8_t *nl = memrchr(b, '\n', len);
    if (nl) return (size_t)(nl - b) + 1;
    size_t lo = len > 4096 ? len - 4096 : 0;
    for (size_t i = len; i > lo; i--) {
        uint8_t c = b[i - 1];
        if (c == ' ' || c == '\t' || c == ',' || c == ';' || c == '|') return i;
    }
    return len;
}

typedef struct seg {
    uint8_t *buf;        /* the segment's chunks, then the bytes read after its last cut */
    size_t cap;          /* allocated (plus 16 bytes of slack) */
    size_t *ends;        /* end of each chunk in buf */
    size_t nends, capends;
    uint64_t base;       /* file offset of buf[0] */
    uint64_t seq;
    bool first, last;    /* holds the file's first / last chunk */
    bool after_nl;       /* the byte before buf[0] is a newline */
    bool exact;          /* entered in the true state (nothing was in flight) */
    bool deferred;       /* not worked: scanned when consumed */
    bool failed;         /* a pattern scan failed */
    int hs_err;
    uint64_t fail_at;
    cw_scan entry;       /* the state it was entered in */
    cw_scan work;        /* the scan that ran (its state at the end) */
    cw_file_report part; /* what it found */
    cw_cls_opts opts;    /* the run's options, span lines to spanf */
    char *spans;
    size_t nspans;
    FILE *spanf;
} seg;

typedef struct stream {
    cw_cls_run *r;
    cw_file_report *rep;
    cw_reader *rd;
    size_t cap, target;
    uint8_t *pend;       /* bytes read after the last cut of the last produced segment */
    size_t npend;
    uint64_t off;        /* file offset of pend[0] */
    bool eof, done, stop, after_nl;
    bool spec;           /* speculate (several threads, a line-record format) */
    bool direct;         /* one thread: counts go straight into rep */
    uint64_t produced, consumed, redone;
    cw_scan truth;       /* the state after the last consumed segment */
    unsigned width;
    cw_pat_scratch **ps; /* per worker */
    cw_vcache **vc;      /* per worker */
} stream;

/* ---- scan state ---- */
static void state_copy(cw_scan *d, const cw_scan *s)
{
    d->fmt = s->fmt;
    d->path = s->path;
    d->trk = s->trk;
    d->ctx = s->ctx;
    d->in_header = s->in_header;
    d->rec = s->rec;
    d->rec_open = s->rec_open;
    d->csv_delim = s->csv_delim;
    d->kw_end = s->kw_end;
    d->kw_ctx = s->kw_ctx;
    d->kv_start = s->kv_start;
    d->kv_end = s->kv_end;
    d->last_rec_matched = s->last_rec_matched;
    d->any_rec_matched = s->any_rec_matched;
    if (s->trk->copy) s->trk->copy(d, s);
    else if (s->csv || s->json || s->sql) abort(); /* a tracker with state must copy it */
}

static void scan_free(cw_scan *s)
{
    free(s->hits);
    free(s->hitterm);
    free(s->rhits);
    free(s->csvmap);
    free(s->trg);
    free(s->pack);
    free(s->pend);
    cw_vcache_free(s->vcache); /* NULL unless a scan outside seg_run made its own */
    cw_trackers_free(s);
    memset(s, 0, sizeof *s);
}

/* The speculative entry made from the last known state. */
static void state_boundary(cw_scan *s)
{
    s->trk->boundary(s);
    s->rec_open = false;
    s->kw_end = s->kv_start = s->kv_end = 0;
    s->kw_ctx = 0;
}

static bool state_same(const cw_scan *truth, const cw_scan *entry)
{
    return !truth->rec_open && !entry->rec_open && truth->in_header == entry->in_header && truth->ctx == entry->ctx &&
           truth->trk == entry->trk && truth->trk->same(truth, entry);
}

/* ---- scanning a segment ---- */
static void seg_fail(seg *g, cw_scan *s, int e)
{
    g->failed = true;
    g->hs_err = e;
    g->fail_at = s->base;
}

/* CSV: only the text-ish fields' bytes need the pattern scan (the triggers are
 * vocabulary terms and the postal mark, which count in free text only): when no
 * trigger holds the delimiter, a quote or a newline, every trigger that counts lies
 * inside one such field (docs/classify.md "Speed"). */
static bool pack_ok(const cw_classifier *c, const cw_scan *s)
{
    return !s->in_header && !cw_pat_lit_byte(&c->pat, (uint8_t)s->csv_delim) && !cw_pat_lit_byte(&c->pat, '"') &&
           !cw_pat_lit_byte(&c->pat, '\n');
}

/* The pattern scan of a CSV chunk buf[0..cut) (scanlen with the sentinel newline) over
 * its text-ish fields, laid one after the other with a newline between them; hits are
 * moved back to their offsets in the chunk (the same hits, in the same order, as a
 * scan of the whole chunk gives inside those fields). The whole chunk is scanned
 * when the fields are most of it or too many. */
static hs_error_t scan_text_fields(const cw_classifier *c, cw_scan *s, uint8_t *buf, size_t cut, size_t scanlen,
                                   cw_pat_scratch *ps)
{
    size_t max = cut / 8 + 16;
    if (2 * max > s->captrg) {
        free(s->trg);
        s->captrg = 2 * max;
        s->trg = cw_xmalloc(s->captrg * sizeof *s->trg);
    }
    size_t nr = cw_csv_text_ranges(s, buf, cut, s->csvmap, s->trg, max), total = 0;
    if (nr != SIZE_MAX)
        for (size_t k = 0; k < nr; k++) total += s->trg[2 * k + 1] - s->trg[2 * k] + 1;
    if (nr == SIZE_MAX || total > cut / 2)
        return hs_scan(c->pat.db, (const char *)buf, (unsigned)scanlen, 0, ps->hs, cw_scan_collect, s);
    if (!total) return HS_SUCCESS;
    if (total > s->cappack) {
        free(s->pack);
        s->cappack = total + total / 2;
        s->pack = cw_xmalloc(s->cappack);
    }
    uint8_t *q = s->pack;
    for (size_t k = 0; k < nr; k++) {
        size_t a = s->trg[2 * k], l = s->trg[2 * k + 1] - a;
        memcpy(q, buf + a, l);
        q += l;
        *q++ = '\n';
    }
    hs_error_t e = hs_scan(c->pat.db, (const char *)s->pack, (unsigned)total, 0, ps->hs, cw_scan_collect, s);
    if (e != HS_SUCCESS) return e;
    /* packed end offset -> chunk offset (hits are in end order; none ends on a newline) */
    size_t k = 0, ps0 = 0;
    for (size_t i = 0; i < s->nhits; i++) {
        size_t to = s->hits[i] >> 3;
        while (to > ps0 + (s->trg[2 * k + 1] - s->trg[2 * k])) ps0 += s->trg[2 * k + 1] - s->trg[2 * k] + 1, k++;
        s->hits[i] = (uint32_t)((s->trg[2 * k] + (to - ps0)) << 3) | (s->hits[i] & 7);
    }
    return HS_SUCCESS;
}

/* Scan g's chunks with s, which holds the state to enter in. */
static void seg_run(stream *st, seg *g, cw_scan *s, unsigned worker)
{
    cw_pat_scratch *ps = st->ps[worker];
    const cw_classifier *c = st->r->c;
    g->failed = false;
    if (st->direct) { /* one thread: straight into the file's report */
        s->rep = st->rep;
        s->opts = &st->r->o;
    } else {
        cw_report_reset(&g->part); /* empty, or what a failed guess found */
        if (g->spanf) rewind(g->spanf);
        s->rep = &g->part;
        s->opts = &g->opts;
    }
    s->ps = ps;
    s->base = g->base;
    s->vcache = st->vc[worker];
    cw_vcache_part(s->vcache);
    /* records are counted per segment; one open across the boundary continues */
    bool open_matched = s->rec_open && s->any_rec_matched && s->last_rec_matched == s->rec;
    s->rec = 0;
    s->any_rec_matched = open_matched;
    s->last_rec_matched = 0;
    size_t start = 0;
    for (size_t k = 0; k < g->nends; k++) {
        uint8_t *buf = g->buf + start;
        size_t cut = g->ends[k] - start;
        s->buf = buf;
        s->len = cut;
        s->pos = 0;
        s->email_done = s->vin_done = s->digits_done = 0;
        if (!(g->first && k == 0)) s->trk->chunk_begin(s);
        if (k ? buf[-1] == '\n' : g->after_nl) { /* a new line: keywords of the last one are done */
            s->kw_end = s->kv_start = s->kv_end = 0;
            s->kw_ctx = 0;
        }
        size_t scanlen = cut;
        uint8_t saved = buf[cut];
        if (cut && buf[cut - 1] != '\n') buf[scanlen++] = '\n'; /* lets end-anchored triggers fire */
        if (scanlen) {
            if (s->csv) {
                size_t words = (scanlen + 63) / 64;
                if (words > s->capcsvmap) {
                    free(s->csvmap);
                    s->capcsvmap = words;
                    s->csvmap = cw_xmalloc(words * sizeof *s->csvmap);
                }
                cw_runs_scan_csv(buf, scanlen, &s->rhits, &s->nrhits, &s->caprhits, s->csv_delim, s->csvmap);
            } else {
                cw_runs_scan(buf, scanlen, &s->rhits, &s->nrhits, &s->caprhits);
            }
            hs_error_t e = s->csv && !st->r->o.scan_all && pack_ok(c, s) ? scan_text_fields(c, s, buf, cut, scanlen, ps)
                                                   : hs_scan(c->pat.db, (const char *)buf, (unsigned)scanlen, 0, ps->hs,
                                                             cw_scan_collect, s);
            if (e != HS_SUCCESS) {
                buf[cut] = saved;
                s->nhits = s->nrhits = 0;
                seg_fail(g, s, (int)e);
                break;
            }
            cw_scan_hits(s);
        }
        buf[cut] = saved; /* the first byte of the next chunk */
        s->trk->advance(s, cut);
        cw_scan_rec_flush(s); /* a record's national IDs are decided within its chunk (coherence.c) */
        s->rep->bytes += cut;
        s->base += cut;
        start = g->ends[k];
    }
    if (g->last || g->failed) s->trk->finish(s), cw_scan_rec_flush(s);
    s->vcache = NULL; /* the worker's */
    s->rep->records += s->rec;
    /* the open record's number in the next segment: 0 (see above) */
    if (s->any_rec_matched && s->last_rec_matched == s->rec) s->last_rec_matched = 0;
    else s->any_rec_matched = false;
    s->rec = 0;
}

/* ---- producing: the same reads and cuts as one thread makes ---- */
static void seg_reserve(seg *g, size_t n)
{
    if (n + 16 <= g->cap) return;
    size_t nc = g->cap ? g->cap : 1u << 16;
    while (nc < n + 16) nc *= 2;
    g->buf = cw_xrealloc(g->buf, nc);
    g->cap = nc;
}

static void seg_push_end(seg *g, size_t e)
{
    if (g->nends == g->capends) {
        g->capends = g->capends ? g->capends * 2 : 16;
        g->ends = cw_xrealloc(g->ends, g->capends * sizeof *g->ends);
    }
    g->ends[g->nends++] = e;
}

static int produce(void *ctx, void *slot)
{
    stream *st = ctx;
    seg *g = slot;
    if (st->done || st->stop) return 0;
    g->seq = st->produced;
    g->base = st->off;
    g->first = st->produced == 0;
    g->last = false;
    g->after_nl = st->after_nl;
    g->nends = 0;
    seg_reserve(g, st->npend);
    memcpy(g->buf, st->pend, st->npend);
    size_t avail = st->npend, pos = 0;
    for (;;) {
        size_t len = avail - pos;
        size_t cut = st->eof ? len : chunk_cut(g->buf + pos, len);
        pos += cut;
        seg_push_end(g, pos);
        if (st->eof) {
            g->last = true;
            st->done = true;
            break;
        }
        /* refill the window exactly as one thread does */
        size_t want = st->cap - (avail - pos);
        seg_reserve(g, avail + want);
        long m = cw_reader_read(st->rd, g->buf + avail, want);
        if (m < 0) m = 0, st->eof = true; /* reported at the end */
        if ((size_t)m < want) st->eof = true;
        avail += (size_t)m;
        bool nl = cut && g->buf[pos - 1] == '\n';
        if ((pos >= st->target && nl) || pos >= 4 * st->target) {
            st->after_nl = nl;
            break;
        }
    }
    st->npend = avail - pos;
    memcpy(st->pend, g->buf + pos, st->npend);
    st->off = g->base + pos;
    g->exact = st->produced == st->consumed; /* the true state is known */
    state_copy(&g->entry, &st->truth);
    if (!g->exact) state_boundary(&g->entry);
    /* a segment cut inside a line (no newline in 4 segments' worth) is not guessed */
    g->deferred = !g->exact && (!st->spec || !g->after_nl);
    st->produced++;
    return 1;
}

static void work(void *ctx, void *slot, unsigned worker)
{
    stream *st = ctx;
    seg *g = slot;
    if (g->deferred) return;
    state_copy(&g->work, &g->entry);
    seg_run(st, g, &g->work, worker);
}

static void consume(void *ctx, void *slot)
{
    stream *st = ctx;
    seg *g = slot;
    st->consumed++;
    if (st->stop) return; /* after a failed scan: what follows is not counted */
    if (!g->exact && (g->deferred || !state_same(&st->truth, &g->entry))) {
        if (!g->deferred) st->redone++;
        state_copy(&g->work, &st->truth);
        seg_run(st, g, &g->work, 0);
    }
    state_copy(&st->truth, &g->work);
    /* many failed guesses (quoted newlines everywhere): the rest on this thread */
    if (st->spec && st->redone >= 8 && st->redone * 4 > st->consumed) st->spec = false;
    if (!st->direct) cw_report_merge(st->rep, &g->part, st->r->o.samples);
    if (g->spanf) {
        fflush(g->spanf);
        long n = ftell(g->spanf);
        if (n > 0) fwrite(g->spans, 1, (size_t)n, st->r->o.spans);
    }
    if (g->failed) {
        cw_report_message(st->rep, "internal: pattern scan failed (%d) at byte %llu", g->hs_err,
                          (unsigned long long)g->fail_at);
        st->rep->truncated = true;
        st->stop = true;
    }
}

/* ---- running on threads ----
 * The ordered pipeline: the calling thread produces segments into free slots and
 * consumes finished ones in order; every thread (the caller too, when it has
 * nothing else to do) works produced ones. */
enum { SL_FREE, SL_READY, SL_WORKING, SL_DONE };

typedef struct spipe {
    stream *st;
    seg *slots;
    size_t nslots;
    int *state;
    pthread_mutex_t mu;
    pthread_cond_t cv_work, cv_done;
    uint64_t filled;
    bool finished;
} spipe;

static long next_ready(const spipe *p)
{
    long best = -1;
    for (size_t i = 0; i < p->nslots; i++)
        if (p->state[i] == SL_READY && (best < 0 || p->slots[i].seq < p->slots[best].seq)) best = (long)i;
    return best;
}

static void pipe_work(spipe *p, long i, unsigned worker)
{
    p->state[i] = SL_WORKING;
    pthread_mutex_unlock(&p->mu);
    work(p->st, &p->slots[i], worker);
    pthread_mutex_lock(&p->mu);
    p->state[i] = SL_DONE;
    pthread_cond_broadcast(&p->cv_done);
}

static void pipe_caller(spipe *p)
{
    uint64_t consumed = 0;
    bool eof = false;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        size_t c = (size_t)(consumed % p->nslots);
        if (consumed < p->filled && p->state[c] == SL_DONE) {
            pthread_mutex_unlock(&p->mu);
            consume(p->st, &p->slots[c]);
            pthread_mutex_lock(&p->mu);
            p->state[c] = SL_FREE;
            consumed++;
            continue;
        }
        if (eof && consumed == p->filled) break;
        size_t f = (size_t)(p->filled % p->nslots);
        if (!eof && p->state[f] == SL_FREE) {
            pthread_mutex_unlock(&p->mu);
            int more = produce(p->st, &p->slots[f]);
            pthread_mutex_lock(&p->mu);
            if (!more) {
                eof = true;
                continue;
            }
            p->state[f] = SL_READY;
            p->filled++;
            pthread_cond_signal(&p->cv_work);
            continue;
        }
        long i = next_ready(p);
        if (i >= 0) {
            pipe_work(p, i, 0);
            continue;
        }
        pthread_cond_wait(&p->cv_done, &p->mu);
    }
    p->finished = true;
    pthread_cond_broadcast(&p->cv_work);
    pthread_mutex_unlock(&p->mu);
}

static void pipe_part(void *ctx, unsigned part, unsigned nparts)
{
    (void)nparts;
    spipe *p = ctx;
    if (part == 0) {
        pipe_caller(p);
        return;
    }
    pthread_mutex_lock(&p->mu);
    for (;;) {
        long i = next_ready(p);
        if (i >= 0) {
            pipe_work(p, i, part);
            continue;
        }
        if (p->finished) break;
        pthread_cond_wait(&p->cv_work, &p->mu);
    }
    pthread_mutex_unlock(&p->mu);
}

static void seg_init(seg *g, const cw_cls_opts *o, bool part)
{
    memset(g, 0, sizeof *g);
    g->opts = *o;
    if (part) /* distinct values logged, counted when the part is merged (counters.h) */
        for (int c = 0; c < CW_CAT__COUNT; c++) g->part.cats[c].set = cw_distinct_new_log();
    if (o->spans) g->opts.spans = g->spanf = open_memstream(&g->spans, &g->nspans);
    if (o->spans && !g->spanf) abort();
}

static void seg_free(seg *g)
{
    cw_report_clear(&g->part);
    if (g->spanf) fclose(g->spanf);
    free(g->spans);
    free(g->buf);
    free(g->ends);
    scan_free(&g->entry);
    scan_free(&g->work);
}

/* Threads for this file: 1 when the format needs one piece. */
static unsigned threads_for(const cw_cls_run *r, const cw_scan *s)
{
    if (!s->trk->same || (s->fmt == CW_IN_JSON)) return 1;
    unsigned t = r->o.threads ? r->o.threads : cw_cores();
    if (!r->o.threads && t > 4) t = 4;
    return t < 1 ? 1 : t > 64 ? 64 : t;
}

static cw_pat_scratch **scratches(cw_cls_run *r, unsigned width)
{
    if (width > 1 && r->nwps < width - 1) {
        r->wps = cw_xrealloc(r->wps, (width - 1) * sizeof *r->wps);
        for (unsigned i = r->nwps; i < width - 1; i++) {
            memset(&r->wps[i], 0, sizeof r->wps[i]);
            if (!cw_pat_scratch_init(&r->wps[i], &r->c->pat)) abort(); /* out of memory */
        }
        r->nwps = width - 1;
    }
    if (r->nvcs < width) {
        r->vcs = cw_xrealloc(r->vcs, width * sizeof *r->vcs);
        for (unsigned i = r->nvcs; i < width; i++) r->vcs[i] = cw_vcache_new();
        r->nvcs = width;
    }
    cw_pat_scratch **ps = cw_xmalloc(width * sizeof *ps);
    ps[0] = &r->ps;
    for (unsigned i = 1; i < width; i++) ps[i] = &r->wps[i - 1];
    return ps;
}

void cw_cls_stream(cw_cls_run *r, cw_file_report *rep, cw_reader *rd, cw_scan *s, size_t len, bool eof)
{
    stream st;
    memset(&st, 0, sizeof st);
    st.r = r;
    st.rep = rep;
    st.rd = rd;
    st.cap = r->o.chunk;
    st.target = r->o.segment > st.cap ? r->o.segment : st.cap;
    st.pend = r->buf;
    st.npend = len;
    st.eof = eof;
    st.truth = *s; /* owns the tracker state from here */
    memset(s, 0, sizeof *s);
    st.width = threads_for(r, &st.truth);
    /* a file that fits in one segment needs no threads */
    if (st.width > 1 && eof) st.width = 1;
    st.spec = st.width > 1;
    st.ps = scratches(r, st.width);
    st.vc = r->vcs;
    if (st.width == 1) {
        seg g;
        st.direct = true;
        cw_cls_opts o1 = r->o;
        o1.spans = NULL;
        seg_init(&g, &o1, false);
        while (produce(&st, &g)) {
            work(&st, &g, 0);
            consume(&st, &g);
        }
        seg_free(&g);
    } else {
        spipe p = {.st = &st, .nslots = st.width + 2};
        p.slots = cw_xcalloc(p.nslots, sizeof *p.slots);
        p.state = cw_xcalloc(p.nslots, sizeof *p.state);
        for (size_t i = 0; i < p.nslots; i++) seg_init(&p.slots[i], &r->o, true);
        pthread_mutex_init(&p.mu, NULL);
        pthread_cond_init(&p.cv_work, NULL);
        pthread_cond_init(&p.cv_done, NULL);
        cw_parallel(pipe_part, &p, st.width);
        pthread_cond_destroy(&p.cv_work);
        pthread_cond_destroy(&p.cv_done);
        pthread_mutex_destroy(&p.mu);
        for (size_t i = 0; i < p.nslots; i++) seg_free(&p.slots[i]);
        free(p.slots);
        free(p.state);
    }
    rep->segments = st.produced;
    rep->redone = st.redone;
    /* an error met while filling the last (short) read: what was read is counted */
    if (!rep->truncated && cw_reader_failed(rd)) {
        rep->truncated = true;
        cw_report_message(rep, "%s; counts cover the first %llu bytes", rd->err, (unsigned long long)rep->bytes);
    }
    scan_free(&st.truth);
    free(st.ps);
}
