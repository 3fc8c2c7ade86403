/* engine.c - runs, files, chunks: reads a file in chunks cut at line ends, scans each
 * chunk once with the Vectorscan database (hits handled in hits.c as they arrive, in
 * end-offset order), lets the format tracker consume the bytes in between, and counts
 * what was confirmed. Memory per run: one chunk buffer, the scratch, and the distinct
 * counters (bounded, see counters.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"
#include "counters.h"
#include "mask.h"
#include "reader.h"
#include "run.h"
#include "scan.h"

static const char *cat_names[CW_CAT__COUNT] = {
    "person_name", "postal_address", "phone_number", "email_address", "vin",
    "vehicle_registration", "credit_card", "national_id", "date_of_birth",
};
static const char *cc_codes[CW_CC__COUNT] = {"", "AU", "NZ", "JP", "SG", "TH", "ID", "PH", "MY", "IN"};
static const char *fmt_names[] = {"auto", "csv", "tsv", "json", "ndjson", "sql", "text"};

const char *cw_cat_name(cw_cat c) { return (unsigned)c < CW_CAT__COUNT ? cat_names[c] : "?"; }
const char *cw_cc_code(cw_cc c) { return (unsigned)c < CW_CC__COUNT ? cc_codes[c] : ""; }
const char *cw_informat_name(cw_informat f) { return (unsigned)f <= CW_IN_TEXT ? fmt_names[f] : "?"; }

bool cw_informat_parse(const char *s, cw_informat *out)
{
    for (int i = 0; i <= CW_IN_TEXT; i++)
        if (strcmp(s, fmt_names[i]) == 0) {
            *out = (cw_informat)i;
            return true;
        }
    if (strcmp(s, "jsonl") == 0) return *out = CW_IN_NDJSON, true;
    if (strcmp(s, "log") == 0 || strcmp(s, "txt") == 0) return *out = CW_IN_TEXT, true;
    return false;
}

void cw_cls_opts_default(cw_cls_opts *o)
{
    memset(o, 0, sizeof *o);
    o->informat = CW_IN_AUTO;
    o->samples = 3;
    o->gz_max_ratio = 200;
    o->gz_ratio_after = 16u << 20;
    o->gz_max_bytes = 64ULL << 30;
    o->chunk = 1u << 20;
    o->segment = 4u << 20;
    o->threads = 1;
}

cw_classifier *cw_classifier_new(char *err, size_t errlen)
{
    cw_classifier *c = cw_xcalloc(1, sizeof *c);
    if (!cw_patterns_build(&c->pat, err, errlen)) {
        free(c);
        return NULL;
    }
    return c;
}

void cw_classifier_free(cw_classifier *c)
{
    if (!c) return;
    cw_patterns_free(&c->pat);
    free(c);
}

cw_cls_run *cw_cls_run_new(const cw_classifier *c, const cw_cls_opts *o)
{
    cw_cls_run *r = cw_xcalloc(1, sizeof *r);
    r->c = c;
    r->o = *o;
    if (r->o.chunk < 4096) r->o.chunk = 4096;
    if (r->o.chunk > (64u << 20)) r->o.chunk = 64u << 20;
    if (r->o.samples > CW_CLS_MAX_SAMPLES) r->o.samples = CW_CLS_MAX_SAMPLES;
    if (r->o.samples < 0) r->o.samples = 0;
    if (!cw_pat_scratch_init(&r->ps, &c->pat)) {
        cw_pat_scratch_free(&r->ps);
        free(r);
        return NULL;
    }
    r->buf = cw_xmalloc(r->o.chunk + 16);
    r->tot.path = cw_xstrdup("(total)");
    return r;
}

void cw_report_clear(cw_file_report *f)
{
    for (int c = 0; c < CW_CAT__COUNT; c++) {
        cw_distinct_free(f->cats[c].set);
        for (int k = 0; k < f->cats[c].nsamples; k++) free(f->cats[c].samples[k]);
    }
    memset(f, 0, sizeof *f);
}

static void report_free(cw_file_report *f)
{
    free(f->path);
    free(f->message);
    cw_report_clear(f);
}

void cw_cls_run_free(cw_cls_run *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->nfiles; i++) {
        report_free(r->files[i]);
        free(r->files[i]);
    }
    free(r->files);
    report_free(&r->tot);
    cw_pat_scratch_free(&r->ps);
    for (unsigned i = 0; i < r->nwps; i++) cw_pat_scratch_free(&r->wps[i]);
    free(r->wps);
    for (unsigned i = 0; i < r->nvcs; i++) cw_vcache_free(r->vcs[i]);
    free(r->vcs);
    free(r->buf);
    free(r);
}

size_t cw_cls_nfiles(const cw_cls_run *r) { return r->nfiles; }
const cw_file_report *cw_cls_file_at(const cw_cls_run *r, size_t i) { return i < r->nfiles ? r->files[i] : NULL; }

const cw_file_report *cw_cls_totals(const cw_cls_run *r)
{
    cw_file_report *t = (cw_file_report *)&r->tot;
    for (int c = 0; c < CW_CAT__COUNT; c++) t->cats[c].distinct = cw_distinct_value(t->cats[c].set, &t->cats[c].distinct_exact);
    return t;
}

void cw_report_message(cw_file_report *f, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    free(f->message);
    f->message = cw_xstrdup(buf);
}

/* ---- counting ---- */
static void add_sample(cw_cat_stats *cs, int max, uint64_t h, char *masked)
{
    for (int k = 0; k < cs->nsamples; k++)
        if (cs->sample_hash[k] == h) {
            free(masked);
            return;
        }
    if (cs->nsamples >= max) {
        free(masked);
        return;
    }
    cs->sample_hash[cs->nsamples] = h;
    cs->samples[cs->nsamples++] = masked;
}

void cw_scan_accept(cw_scan *s, cw_cat cat, size_t start, size_t end, cw_cc cc, const void *norm, size_t nlen)
{
    cw_scan_accept_hash(s, cat, start, end, cc, cw_vhash(norm, nlen));
}

void cw_scan_accept_hash(cw_scan *s, cw_cat cat, size_t start, size_t end, cw_cc cc, uint64_t h)
{
    cw_scan_accept_seen(s, cat, start, end, cc, h, false);
}

void cw_scan_accept_seen(cw_scan *s, cw_cat cat, size_t start, size_t end, cw_cc cc, uint64_t h, bool counted)
{
    cw_cat_stats *cs = &s->rep->cats[cat];
    if (cc != CW_CC_NONE && cat != CW_CAT_NATIONAL_ID) s->rec_cc |= (uint16_t)(1u << cc); /* coherence.c */
    cs->occurrences++;
    cs->by_cc[cc]++;
    if (!cs->set) cs->set = cw_distinct_new();
    if (!counted) cw_distinct_add(cs->set, h);
    if (cs->nsamples < s->opts->samples) {
        bool seen = false;
        for (int k = 0; k < cs->nsamples; k++) seen |= cs->sample_hash[k] == h;
        if (!seen) add_sample(cs, s->opts->samples, h, cw_mask(cat, (const char *)s->buf + start, end - start));
    }
    if (!s->any_rec_matched || s->last_rec_matched != s->rec) {
        s->rep->records_matched++;
        s->last_rec_matched = s->rec;
        s->any_rec_matched = true;
    }
    if (s->opts->spans)
        fprintf(s->opts->spans, "%s\t%llu\t%zu\t%s\t%s\n", s->path, (unsigned long long)(s->base + start), end - start,
                cat_names[cat], cc_codes[cc]);
}

static void merge_counts(cw_file_report *dst, const cw_file_report *src)
{
    dst->bytes += src->bytes;
    dst->records += src->records;
    dst->records_matched += src->records_matched;
    for (int c = 0; c < CW_CAT__COUNT; c++) {
        const cw_cat_stats *fs = &src->cats[c];
        cw_cat_stats *ts = &dst->cats[c];
        ts->occurrences += fs->occurrences;
        for (int k = 0; k < CW_CC__COUNT; k++) ts->by_cc[k] += fs->by_cc[k];
        if (fs->set) {
            if (!ts->set) ts->set = cw_distinct_new();
            cw_distinct_merge(ts->set, fs->set);
        }
    }
}

void cw_report_merge(cw_file_report *dst, cw_file_report *src, int max)
{
    merge_counts(dst, src);
    for (int c = 0; c < CW_CAT__COUNT; c++) {
        cw_cat_stats *fs = &src->cats[c];
        for (int k = 0; k < fs->nsamples; k++) add_sample(&dst->cats[c], max, fs->sample_hash[k], fs->samples[k]);
        fs->nsamples = 0;
    }
    cw_report_reset(src);
}

void cw_report_reset(cw_file_report *f)
{
    for (int c = 0; c < CW_CAT__COUNT; c++) {
        cw_cat_stats *fs = &f->cats[c];
        for (int k = 0; k < fs->nsamples; k++) free(fs->samples[k]);
        cw_distinct *keep = fs->set; /* its memory serves the next part */
        if (keep) cw_distinct_clear(keep);
        memset(fs, 0, sizeof *fs);
        fs->set = keep;
    }
    f->bytes = f->records = f->records_matched = 0;
}

static void fold_into_totals(cw_cls_run *r, cw_file_report *f)
{
    merge_counts(&r->tot, f);
    for (int c = 0; c < CW_CAT__COUNT; c++) {
        cw_cat_stats *fs = &f->cats[c], *ts = &r->tot.cats[c];
        fs->distinct = cw_distinct_value(fs->set, &fs->distinct_exact);
        cw_distinct_free(fs->set);
        fs->set = NULL;
        for (int k = 0; k < fs->nsamples; k++)
            add_sample(ts, r->o.samples, fs->sample_hash[k], cw_xstrdup(fs->samples[k]));
    }
}

/* ---- sniffing ---- */
static bool ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcasecmp(s + a - b, suf) == 0;
}

static bool contains_ci(const uint8_t *b, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    for (size_t i = 0; i + l <= n; i++)
        if (strncasecmp((const char *)b + i, lit, l) == 0) return true;
    return false;
}

static cw_informat sniff(const char *path, const uint8_t *b, size_t n, char *delim)
{
    char name[4096];
    snprintf(name, sizeof name, "%s", path);
    if (ends_with(name, ".gz")) name[strlen(name) - 3] = 0;
    size_t i = 0;
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) i = 3;
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) i++;
    size_t look = n < 65536 ? n : 65536;
    if (i < n && (b[i] == '{' || b[i] == '[')) {
        if (b[i] == '[' || ends_with(name, ".json")) {
            /* a .json file may still be NDJSON: two lines each holding one object */
            const uint8_t *nl = memchr(b + i, '\n', look - i);
            if (b[i] == '{' && nl) {
                size_t e = (size_t)(nl - b);
                while (e > i && (b[e - 1] == '\r' || b[e - 1] == ' ')) e--;
                size_t k = (size_t)(nl - b) + 1;
                while (k < look && (b[k] == ' ' || b[k] == '\r' || b[k] == '\n')) k++;
                if (e > i && b[e - 1] == '}' && k < look && b[k] == '{') return CW_IN_NDJSON;
            }
            return CW_IN_JSON;
        }
        const uint8_t *nl = memchr(b + i, '\n', look - i);
        if (nl) {
            size_t e = (size_t)(nl - b);
            while (e > i && (b[e - 1] == '\r' || b[e - 1] == ' ')) e--;
            if (e > i && b[e - 1] == '}') return CW_IN_NDJSON;
        }
        return ends_with(name, ".ndjson") || ends_with(name, ".jsonl") ? CW_IN_NDJSON : CW_IN_JSON;
    }
    if (ends_with(name, ".sql") || contains_ci(b, look, "INSERT INTO ") || contains_ci(b, look, "CREATE TABLE ") ||
        (contains_ci(b, look, "COPY ") && contains_ci(b, look, "FROM stdin")))
        return CW_IN_SQL;
    if (ends_with(name, ".tsv") || ends_with(name, ".tab")) {
        *delim = '\t';
        return CW_IN_TSV;
    }
    char d = cw_csv_sniff(b, n, false);
    if (ends_with(name, ".csv")) {
        d = cw_csv_sniff(b, n, true);
        *delim = d ? d : ',';
        return CW_IN_CSV;
    }
    if (d && !ends_with(name, ".log") && !ends_with(name, ".txt")) {
        *delim = d;
        return d == '\t' ? CW_IN_TSV : CW_IN_CSV;
    }
    return CW_IN_TEXT;
}

/* Offset of the first NUL, or of the first byte when control characters are dense; -1 if text. */
static long binary_at(const uint8_t *b, size_t n)
{
    if (n > 65536) n = 65536;
    const uint8_t *z = memchr(b, 0, n);
    if (z) return (long)(z - b);
    size_t ctl = 0;
    for (size_t i = 0; i < n; i++)
        if (b[i] < 0x20 && b[i] != '\n' && b[i] != '\r' && b[i] != '\t' && b[i] != '\f') ctl++;
    return n >= 64 && ctl * 10 > n ? 0 : -1;
}

/* Offset of the first invalid UTF-8 sequence in b[0..n), -1 if none. A sequence cut
 * by the end of the buffer is not counted. */
static long utf8_invalid_at(const uint8_t *b, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = b[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t l = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (!l || c == 0xC0 || c == 0xC1 || c > 0xF4) return (long)i;
        if (i + l > n) return -1;
        for (size_t k = 1; k < l; k++)
            if ((b[i + k] & 0xC0) != 0x80) return (long)i;
        i += l;
    }
    return -1;
}

/* ---- text tracker: a record per line ---- */
static void text_advance(cw_scan *s, size_t upto)
{
    const uint8_t *b = s->buf;
    size_t p = s->pos;
    while (p < upto) {
        const uint8_t *nl = memchr(b + p, '\n', upto - p);
        if (!nl) {
            s->rec_open = true;
            break;
        }
        if ((size_t)(nl - b) > p) s->rec_open = true;
        cw_scan_record_end(s);
        p = (size_t)(nl - b) + 1;
    }
    s->pos = upto;
}
static void text_chunk_begin(cw_scan *s) { (void)s; }
static void text_finish(cw_scan *s) { cw_scan_record_end(s); }
static void text_copy(cw_scan *dst, const cw_scan *src) { (void)dst, (void)src; }
static void text_boundary(cw_scan *s) { s->ctx = CW_CTX_TEXT; }
static bool text_same(const cw_scan *a, const cw_scan *b) { (void)a, (void)b; return true; } /* lines only */
static const cw_tracker_ops text_ops = {"text", text_advance, text_chunk_begin, text_finish, text_copy, text_boundary, text_same};

void cw_text_init(cw_scan *s)
{
    s->trk = &text_ops;
    s->ctx = CW_CTX_TEXT;
}

static void classify_stream(cw_cls_run *r, cw_file_report *rep, cw_reader *rd)
{
    const size_t cap = r->o.chunk;
    uint8_t *buf = r->buf;
    long n = cw_reader_read(rd, buf, cap);
    rep->gzip = rd->gz;
    bool eof = false;
    if (n < 0) {
        rep->skipped = n == -1;
        rep->truncated = n == -2;
        cw_report_message(rep, "%s", rd->err);
        return;
    }
    size_t len = (size_t)n;
    eof = len < cap;
    long bin = binary_at(buf, len);
    if (bin >= 0) {
        rep->skipped = true;
        rep->format = "binary";
        cw_report_message(rep, "binary data (%s at byte %ld); not classified",
                    buf[bin] == 0 ? "NUL byte" : "control characters", bin);
        return;
    }
    long bad = utf8_invalid_at(buf, len < 65536 ? len : 65536);
    if (bad >= 0) cw_report_message(rep, "invalid UTF-8 at byte %ld; classified as bytes", bad);

    char delim = 0;
    cw_informat fmt = r->o.informat;
    if (fmt == CW_IN_AUTO) fmt = sniff(rep->path, buf, len, &delim);
    if (fmt == CW_IN_TSV) delim = '\t';
    if (fmt == CW_IN_CSV && !delim) delim = cw_csv_sniff(buf, len, true);
    rep->format = fmt_names[fmt];

    cw_scan s;
    memset(&s, 0, sizeof s);
    s.path = rep->path;
    s.fmt = fmt;
    s.ps = &r->ps;
    s.rep = rep;
    s.opts = &r->o;
    s.buf = buf;
    switch (fmt) {
    case CW_IN_CSV: case CW_IN_TSV: cw_csv_init(&s, buf, len, delim); break;
    case CW_IN_JSON: cw_json_init(&s, false); break;
    case CW_IN_NDJSON: cw_json_init(&s, true); break;
    case CW_IN_SQL: cw_sql_init(&s); break;
    default: cw_text_init(&s); break;
    }
    cw_cls_stream(r, rep, rd, &s, len, eof);
}

static cw_file_report *new_report(cw_cls_run *r, const char *path)
{
    if (r->nfiles == r->capfiles) {
        r->capfiles = r->capfiles ? r->capfiles * 2 : 16;
        r->files = cw_xrealloc(r->files, r->capfiles * sizeof *r->files);
    }
    cw_file_report *f = cw_xcalloc(1, sizeof *f);
    f->path = cw_xstrdup(path);
    f->format = "unknown";
    r->files[r->nfiles++] = f;
    return f;
}

const cw_file_report *cw_cls_file(cw_cls_run *r, const char *path)
{
    cw_file_report *rep = new_report(r, path);
    cw_reader rd;
    if (cw_reader_open(&rd, path, &r->o) < 0) {
        rep->skipped = true;
        cw_report_message(rep, "%s", rd.err);
    } else {
        classify_stream(r, rep, &rd);
    }
    cw_reader_close(&rd);
    fold_into_totals(r, rep);
    return rep;
}

const cw_file_report *cw_cls_buffer(cw_cls_run *r, const char *name, const void *data, size_t len)
{
    cw_file_report *rep = new_report(r, name);
    cw_reader rd;
    cw_reader_open_mem(&rd, data, len, &r->o);
    classify_stream(r, rep, &rd);
    cw_reader_close(&rd);
    fold_into_totals(r, rep);
    return rep;
}
