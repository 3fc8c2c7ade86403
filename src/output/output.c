/* output.c - the table of output formats and the helpers they share. */
#include "output.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "../util/diag.h"
#include "../util/hmap.h"
#include "../util/pool.h"
#include "emit.h"

const cw_output_fmt cw_output_formats[] = {
    {"table", "aligned, colourised report for a terminal (default)", cw_out_table},
    {"json", "one JSON object: tool, scan, findings (the documented contract)", cw_out_json},
    {"ocsf", "JSON array of OCSF 1.3.0 Detection Finding events (class_uid 2004)", cw_out_ocsf},
    {"sarif", "SARIF 2.1.0 log, one run, for code-scanning tools", cw_out_sarif},
    {"csv", "RFC 4180 CSV, one row per finding, formula-injection safe", cw_out_csv},
    {NULL, NULL, NULL},
};

const cw_output_fmt *cw_output_find(const char *name)
{
    if (!name) return NULL;
    for (const cw_output_fmt *f = cw_output_formats; f->name; f++)
        if (strcmp(f->name, name) == 0) return f;
    return NULL;
}

/* ---- buffered, checked writing ----------------------------------------- */
#define EMIT_CHUNK (64 * 1024)

void cw_emit_init(cw_emit *e, FILE *out)
{
    e->out = out;
    cw_sb_init(&e->sb);
    e->err = 0;
}

static void emit_bytes(cw_emit *e, const char *p, size_t len)
{
    if (len == 0 || e->err) return;
    errno = 0;
    size_t n = fwrite(p, 1, len, e->out);
    if (n != len) e->err = errno ? errno : EIO;
}

static void emit_write(cw_emit *e)
{
    if (e->sb.len == 0) return;
    emit_bytes(e, e->sb.buf, e->sb.len);
    cw_sb_reset(&e->sb);
}

void cw_emit_maybe_flush(cw_emit *e)
{
    if (e->sb.len >= EMIT_CHUNK) emit_write(e);
}

int cw_emit_finish(cw_emit *e)
{
    emit_write(e);
    if (!e->err) {
        errno = 0;
        if (fflush(e->out) != 0) e->err = errno ? errno : EIO;
        else if (ferror(e->out)) e->err = EIO;
    }
    cw_sb_free(&e->sb);
    if (e->err) {
        errno = e->err;
        return -1;
    }
    return 0;
}

/* ---- JSON writer -------------------------------------------------------- */
void cw_jw_init(cw_jw *w, cw_strbuf *sb, int indent)
{
    memset(w, 0, sizeof *w);
    w->sb = sb;
    w->indent = indent;
}

static inline bool jw_flat(const cw_jw *w, int depth) { return w->flat_from > 0 && depth >= w->flat_from; }

static void jw_newline(cw_jw *w)
{
    if (w->indent < 0 || jw_flat(w, w->depth)) return;
    cw_sb_addc(w->sb, '\n');
    cw_sb_addn(w->sb, ' ', (size_t)(w->depth * w->indent));
}

/* Before a value or key: separator and indentation, unless right after a key. */
static void jw_pre(cw_jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0) return;
    if (w->nonempty[w->depth]) cw_sb_addc(w->sb, ',');
    w->nonempty[w->depth] = true;
    jw_newline(w);
}

static void jw_open(cw_jw *w, char open, char close)
{
    jw_pre(w);
    cw_sb_addc(w->sb, open);
    /* writers nest a handful of levels; deeper is a programming error that
     * still yields balanced output because the closer is kept at the cap */
    if (w->depth + 1 < CW_JW_MAX_DEPTH) w->depth++;
    w->nonempty[w->depth] = false;
    w->closer[w->depth] = close;
}

void cw_jw_obj(cw_jw *w) { jw_open(w, '{', '}'); }
void cw_jw_raw(cw_jw *w) { jw_pre(w); }
void cw_jw_arr(cw_jw *w) { jw_open(w, '[', ']'); }

void cw_jw_end(cw_jw *w)
{
    if (w->depth == 0) return;
    bool had = w->nonempty[w->depth] && !jw_flat(w, w->depth);
    char c = w->closer[w->depth];
    w->depth--;
    if (had) jw_newline(w);
    cw_sb_addc(w->sb, c);
}

void cw_jw_keyn(cw_jw *w, const char *k, size_t n)
{
    jw_pre(w);
    cw_sb_add_json_str(w->sb, k, n);
    cw_sb_addc(w->sb, ':');
    if (w->indent >= 0 && !jw_flat(w, w->depth)) cw_sb_addc(w->sb, ' ');
    w->after_key = true;
}

void cw_jw_str(cw_jw *w, const char *s)
{
    jw_pre(w);
    if (s) cw_sb_add_json_cstr(w->sb, s);
    else cw_sb_adds(w->sb, "null");
}

void cw_jw_int(cw_jw *w, int64_t v)
{
    jw_pre(w);
    cw_sb_printf(w->sb, "%" PRId64, v);
}

void cw_jw_uint(cw_jw *w, uint64_t v)
{
    jw_pre(w);
    cw_sb_printf(w->sb, "%" PRIu64, v);
}

void cw_jw_bool(cw_jw *w, bool b)
{
    jw_pre(w);
    cw_sb_adds(w->sb, b ? "true" : "false");
}

void cw_jw_null(cw_jw *w)
{
    jw_pre(w);
    cw_sb_adds(w->sb, "null");
}

void cw_jw_kstr_opt(cw_jw *w, const char *k, const char *s)
{
    if (s) cw_jw_kstr(w, k, s);
}

/* ---- shared helpers ----------------------------------------------------- */
bool cw_out_visible(const cw_finding *f, const cw_output_opts *o)
{
    return !f->suppressed_by || (o && o->show_suppressed);
}

const char *cw_out_rule_id(const cw_finding *f) { return f->rule && f->rule->id ? f->rule->id : ""; }
const char *cw_out_resource_id(const cw_finding *f)
{
    return f->asset && f->asset->id ? f->asset->id : "";
}

void cw_out_fingerprint(const cw_finding *f, char out[33])
{
    /* everything that identifies the finding: the rule, and the asset as the
     * model keys it (type + resource id) plus its canonical id, account and
     * region. Not the evidence (its wording may change between versions).
     * An Elasticsearch and an OpenSearch domain share an ARN; their type
     * tells them apart. */
    const cw_asset *a = f->asset;
    const char *parts[6] = {cw_out_rule_id(f), a && a->type ? a->type : "", a && a->resource_id ? a->resource_id : "",
                            cw_out_resource_id(f), a && a->account ? a->account : "", a && a->region ? a->region : ""};
    cw_strbuf sb = CW_STRBUF_INIT;
    for (int i = 0; i < 6; i++) {
        if (i) cw_sb_addc(&sb, '\x1f');
        cw_sb_adds(&sb, parts[i]);
    }
    uint64_t h1 = cw_hash_bytes(sb.buf, sb.len);
    cw_sb_addc(&sb, '\x1e'); /* a second, independent-enough hash for 128 bits */
    uint64_t h2 = cw_hash_bytes(sb.buf, sb.len);
    cw_sb_free(&sb);
    snprintf(out, 33, "%016" PRIx64 "%016" PRIx64, h1, h2);
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

int64_t cw_out_iso_to_ms(const char *s)
{
    if (!s) return -1;
    const char *p = s;
    int Y, M, D, h = 0, m = 0, sec = 0;
    if (digits(&p, 4, &Y) || *p++ != '-' || digits(&p, 2, &M) || *p++ != '-' || digits(&p, 2, &D))
        return -1;
    int ms = 0;
    long off = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &m)) return -1;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &sec)) return -1;
        }
        if (*p == '.' || *p == ',') {
            p++;
            int scale = 100, any = 0;
            while (*p >= '0' && *p <= '9') {
                ms += (*p - '0') * scale;
                scale /= 10;
                p++, any = 1;
            }
            if (!any) return -1;
        }
        if (*p == 'Z' || *p == 'z') p++;
        else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
            if (digits(&p, 2, &oh)) return -1;
            if (*p == ':') p++;
            if (*p && digits(&p, 2, &om)) return -1;
            off = sign * (oh * 3600L + om * 60L);
        }
    }
    if (*p) return -1;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60) return -1;
    struct tm tm = {0};
    tm.tm_year = Y - 1900, tm.tm_mon = M - 1, tm.tm_mday = D;
    tm.tm_hour = h, tm.tm_min = m, tm.tm_sec = sec;
    time_t t = timegm(&tm);
    if (t == (time_t)-1 && !(Y == 1969 && M == 12 && D == 31)) return -1;
    return ((int64_t)t - off) * 1000 + ms;
}

int64_t cw_out_started_ms(const cw_scan_info *info)
{
    int64_t ms = info ? cw_out_iso_to_ms(info->started) : -1;
    if (ms >= 0) return ms;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cw_jw_kstrs(cw_jw *w, const char *k, const char *const *v, size_t n)
{
    if (!n) return;
    cw_jw_key(w, k);
    cw_jw_arr(w);
    for (size_t i = 0; i < n; i++) cw_jw_str(w, v[i]);
    cw_jw_end(w);
}

/* ---- array elements formatted on the pool's threads -------------------- */
/* Large outputs: blocks of findings are formatted on any thread of the pool
 * (an ordered pipeline) while the calling thread writes the finished blocks
 * in order, so the bytes are exactly those of the sequential writer and
 * memory stays bounded. */
#define PAR_BLOCK 2048
#define PAR_SLOTS 8

typedef struct par_slot {
    cw_strbuf sb;
    size_t block; /* block number held */
} par_slot;

typedef struct par_ctx {
    cw_emit *e;
    size_t nblocks, produced;
    const cw_findings *fs;
    const cw_output_opts *o;
    size_t first_visible;
    int depth, indent, flat_from;
    cw_out_item_fn fn;
    const void *ctx;
} par_ctx;

static int par_produce(void *ctx, void *slot)
{
    par_ctx *p = ctx;
    if (p->produced == p->nblocks) return 0;
    ((par_slot *)slot)->block = p->produced++;
    return 1;
}

static void par_work(void *ctx, void *slot, unsigned worker)
{
    (void)worker;
    par_ctx *p = ctx;
    par_slot *s = slot;
    cw_sb_reset(&s->sb);
    cw_jw w;
    cw_jw_init(&w, &s->sb, p->indent);
    w.depth = p->depth;
    w.flat_from = p->flat_from;
    size_t lo = s->block * PAR_BLOCK, hi = lo + PAR_BLOCK < p->fs->n ? lo + PAR_BLOCK : p->fs->n;
    w.nonempty[p->depth] = lo > p->first_visible; /* a comma before this block's first element */
    for (size_t i = lo; i < hi; i++)
        if (cw_out_visible(&p->fs->v[i], p->o)) p->fn(&w, &p->fs->v[i], p->ctx);
}

static void par_consume(void *ctx, void *slot)
{
    par_ctx *p = ctx;
    par_slot *s = slot;
    emit_write(p->e);                    /* what the caller buffered before the array */
    emit_bytes(p->e, s->sb.buf, s->sb.len); /* the block itself, without a copy */
}

static void cw_out_items_lines(cw_emit *e, cw_jw *w, const cw_findings *fs, const cw_output_opts *o,
                               cw_out_item_fn fn, const void *ctx);

void cw_out_items(cw_emit *e, cw_jw *w, const cw_findings *fs, const cw_output_opts *o, cw_out_item_fn fn,
                  const void *ctx)
{
    int saved_flat = w->flat_from;
    w->flat_from = w->depth + 1; /* one element per line */
    cw_out_items_lines(e, w, fs, o, fn, ctx);
    w->flat_from = saved_flat;
}

static void cw_out_items_lines(cw_emit *e, cw_jw *w, const cw_findings *fs, const cw_output_opts *o,
                               cw_out_item_fn fn, const void *ctx)
{
    size_t first = fs->n;
    for (size_t i = 0; i < fs->n && first == fs->n; i++)
        if (cw_out_visible(&fs->v[i], o)) first = i;
    if (cw_exec_parts(o ? o->exec : NULL, fs->n) < 2 || w->sb != &e->sb) {
        for (size_t i = 0; i < fs->n; i++) {
            if (!cw_out_visible(&fs->v[i], o)) continue;
            fn(w, &fs->v[i], ctx);
            cw_emit_maybe_flush(e);
        }
        return;
    }
    par_ctx p = {.e = e, .nblocks = (fs->n + PAR_BLOCK - 1) / PAR_BLOCK, .fs = fs, .o = o, .first_visible = first,
                 .depth = w->depth, .indent = w->indent, .flat_from = w->flat_from, .fn = fn, .ctx = ctx};
    par_slot slots[PAR_SLOTS];
    void *slotp[PAR_SLOTS];
    for (int i = 0; i < PAR_SLOTS; i++) cw_sb_init(&slots[i].sb), slotp[i] = &slots[i];
    cw_pipeline pl = {par_produce, par_work, par_consume, &p, slotp, PAR_SLOTS, 0};
    cw_pool_pipeline(cw_exec_pool(o->exec), &pl); /* o is set: exec was */
    for (int i = 0; i < PAR_SLOTS; i++) cw_sb_free(&slots[i].sb);
    /* the array now holds elements: later writes continue after them */
    if (first < fs->n) w->nonempty[w->depth] = true;
}
