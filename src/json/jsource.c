/* jsource.c - the streaming reader's input side: plain or gzip bytes into a
 * sliding window (bounded by the largest record), decompression limits, and
 * lazy line counting for positions in errors and records. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jreader_int.h"
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static const char *const default_keys[] = {"configurationItems", NULL};

/* ---- positions and errors --------------------------------------------- */
CW_POPCNT_CLONES void cw_jr_count_to(cw_jreader *r, uint64_t abs)
{
    if (abs <= r->lc_off) return;
    if (abs > r->base + r->len) abs = r->base + r->len;
    const unsigned char *p = (const unsigned char *)r->buf + (r->lc_off - r->base);
    size_t n = (size_t)(abs - r->lc_off);
    uint64_t lines = 0;
    size_t i = 0;
#ifdef __SSE2__
    const __m128i nl = _mm_set1_epi8('\n');
    for (; i + 64 <= n; i += 64) {
        uint64_t m = 0;
        for (int k = 0; k < 4; k++) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16 * k));
            m |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)) << (16 * k);
        }
        lines += (uint64_t)__builtin_popcountll(m);
    }
#endif
    for (; i < n; i++) lines += p[i] == '\n';
    if (lines) {
        const char *last = memrchr(p, '\n', n);
        r->lc_line_start = r->base + (uint64_t)(last - r->buf) + 1;
    }
    r->lc_line += lines;
    r->lc_off = abs;
}

uint32_t cw_jr_line_of(cw_jreader *r, uint64_t abs, uint32_t *col)
{
    if (abs >= r->lc_off) {
        cw_jr_count_to(r, abs);
        *col = (uint32_t)(abs - r->lc_line_start) + 1;
        return (uint32_t)r->lc_line;
    }
    /* behind the counter but inside the window: count back */
    if (abs < r->base) abs = r->base;
    uint64_t line = r->lc_line;
    for (uint64_t q = abs; q < r->lc_off; q++) line -= r->buf[q - r->base] == '\n';
    const char *s = r->buf + (abs - r->base);
    while (s > r->buf && s[-1] != '\n') s--;
    *col = (uint32_t)(abs - (r->base + (uint64_t)(s - r->buf))) + 1;
    return (uint32_t)line;
}

int cw_jr_set_err(cw_jreader *r, cw_json_err *err, uint64_t abs, const char *fmt, ...)
{
    memset(err, 0, sizeof *err);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->offset = (size_t)abs;
    err->line = cw_jr_line_of(r, abs, &err->col);
    return -1;
}

int cw_jr_fatal(cw_jreader *r)
{
    r->fatal = 1;
    return -1;
}

/* ---- source ------------------------------------------------------------ */
/* Plain or gzip bytes, with the decompression limits: the shared byte source
 * (src/util/bytesrc.h, also classify's). */
static ssize_t src_read(cw_jreader *r, char *dst, size_t want, cw_json_err *err)
{
    ssize_t n = cw_bytesrc_read(&r->src, dst, want);
    r->gz = r->src.gz;
    if (n >= 0) return n;
    return cw_jr_set_err(r, err, r->base + r->len, "%s", r->src.err);
}

/* Read more input into the window, first discarding what lies before pin.
 * Returns bytes added, 0 at end of input, -1 on error (fatal). */
ssize_t cw_jr_more(cw_jreader *r, cw_json_err *err)
{
    if (r->src_eof) return 0;
    if (r->pin > r->base) {
        cw_jr_count_to(r, r->pin);
        size_t drop = (size_t)(r->pin - r->base);
        memmove(r->buf, r->buf + drop, r->len - drop);
        r->len -= drop;
        r->base = r->pin;
    }
    if (r->len >= r->o.max_record_bytes) {
        uint32_t col, line = cw_jr_line_of(r, r->pin, &col);
        cw_jr_set_err(r, err, r->pin, "the JSON value starting at line %u, column %u is larger than the limit of %zu "
                "bytes for one record", line, col, r->o.max_record_bytes);
        return cw_jr_fatal(r);
    }
    /* read sizes grow with the input: small inputs get small buffers */
    size_t want = r->cap >= 2 * CHUNK ? CHUNK : (r->cap ? r->cap / 2 : 64 * 1024);
    if (r->cap - r->len < want) {
        size_t nc = r->cap ? r->cap * 2 : 128 * 1024;
        while (nc - r->len < want) nc *= 2;
        r->buf = cw_xrealloc(r->buf, nc + CW_JSON_PADDING);
        r->cap = nc;
    }
    ssize_t n = src_read(r, r->buf + r->len, want, err);
    if (n < 0) return cw_jr_fatal(r);
    if (n == 0) r->src_eof = 1;
    r->len += (size_t)n;
    memset(r->buf + r->len, 0, CW_JSON_PADDING);
    return n;
}

/* ---- open / close ------------------------------------------------------ */
static cw_jreader *alloc_reader(const cw_jreader_opts *opts)
{
    cw_jr_init_cls();
    cw_jreader *r = cw_xcalloc(1, sizeof *r);
    r->scan = cw_jr_pick_scan();
    if (opts) r->o = *opts;
    if (!r->o.stream_keys) r->o.stream_keys = default_keys;
    if (!r->o.max_record_bytes) r->o.max_record_bytes = (size_t)256 << 20;
    if (!r->o.max_decompressed) r->o.max_decompressed = (uint64_t)64 << 30;
    if (!r->o.max_ratio) r->o.max_ratio = 1000;
    r->fd = -1;
    r->lc_line = 1;
    cw_arena_init(&r->harena, 4096);
    r->header = cw_json_new_obj(&r->harena);
    return r;
}

static void start_source(cw_jreader *r)
{
    cw_gzlimits l = {r->o.max_decompressed, r->o.max_ratio, (uint64_t)64 << 20};
    if (r->mem) cw_bytesrc_init_mem(&r->src, r->mem, r->mem_len, &l);
    else cw_bytesrc_init_fd(&r->src, r->fd, &l);
    r->gz = cw_bytesrc_is_gzip(&r->src);
    r->cap = 128 * 1024;
    r->buf = cw_xmalloc(r->cap + CW_JSON_PADDING);
    memset(r->buf, 0, CW_JSON_PADDING);
}

cw_jreader *cw_jreader_open(const char *path, const cw_jreader_opts *opts, cw_json_err *err)
{
    memset(err, 0, sizeof *err);
    cw_jreader *r = alloc_reader(opts);
    if (strcmp(path, "-") == 0) {
        r->fd = 0;
    } else {
        r->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (r->fd < 0) {
            snprintf(err->msg, sizeof err->msg, "cannot open: %s", strerror(errno));
            cw_jreader_close(r);
            return NULL;
        }
        r->own_fd = 1;
        struct stat st;
        if (fstat(r->fd, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                snprintf(err->msg, sizeof err->msg, "is a directory, expected a file");
                cw_jreader_close(r);
                return NULL;
            }
            r->file_size = (uint64_t)st.st_size;
        }
#ifdef POSIX_FADV_SEQUENTIAL
        posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    }
    start_source(r);
    return r;
}

cw_jreader *cw_jreader_open_mem(const char *buf, size_t len, const cw_jreader_opts *opts, cw_json_err *err)
{
    memset(err, 0, sizeof *err);
    cw_jreader *r = alloc_reader(opts);
    r->mem = buf ? buf : "";
    r->mem_len = buf ? len : 0;
    r->file_size = len;
    start_source(r);
    return r;
}

const cw_json *cw_jreader_header(cw_jreader *r) { return r->header; }
uint64_t cw_jreader_bytes_read(const cw_jreader *r) { return r->pos; }
uint64_t cw_jreader_input_size(const cw_jreader *r) { return r->gz ? 0 : r->file_size; }

void cw_jreader_close(cw_jreader *r)
{
    if (!r) return;
    cw_bytesrc_close(&r->src);
    if (r->own_fd && r->fd >= 0) close(r->fd);
    free(r->buf);
    cw_arena_free(&r->harena);
    free(r);
}

