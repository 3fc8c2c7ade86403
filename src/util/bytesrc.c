/* bytesrc.c - plain or gzip bytes from a file descriptor or memory, with bomb limits
 * (see bytesrc.h). */
#include "bytesrc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"

#define IN_CAP (256u * 1024)

static void init(cw_bytesrc *s, const cw_gzlimits *lim)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    if (lim) s->lim = *lim;
}

void cw_bytesrc_init_fd(cw_bytesrc *s, int fd, const cw_gzlimits *lim)
{
    init(s, lim);
    s->fd = fd;
}

void cw_bytesrc_init_mem(cw_bytesrc *s, const void *data, size_t len, const cw_gzlimits *lim)
{
    init(s, lim);
    s->mem = data ? data : (const uint8_t *)"";
    s->mem_len = data ? len : 0;
}

static int fail(cw_bytesrc *s, cw_bs_status st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(cw_bytesrc *s, cw_bs_status st, const char *fmt, ...)
{
    if (s->st != CW_BS_OK) return -1; /* the first error is the one reported */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    s->st = st;
    return -1;
}

/* One read of at most cap raw bytes: > 0, 0 at end, -1 on error. */
static ssize_t raw_read(cw_bytesrc *s, uint8_t *dst, size_t cap)
{
    if (s->fd < 0) {
        size_t n = s->mem_len - s->mem_pos;
        if (n > cap) n = cap;
        memcpy(dst, s->mem + s->mem_pos, n);
        s->mem_pos += n;
        s->raw_total += n;
        return (ssize_t)n;
    }
    for (;;) {
        ssize_t n = read(s->fd, dst, cap);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail(s, CW_BS_ERR_READ, "read error: %s", strerror(errno));
        s->raw_total += (uint64_t)n;
        return n;
    }
}

/* Keep the unconsumed input, then read until the buffer is full or the input ends. */
static int refill(cw_bytesrc *s)
{
    if (s->in_pos) {
        memmove(s->in, s->in + s->in_pos, s->in_len - s->in_pos);
        s->in_len -= s->in_pos;
        s->in_pos = 0;
    }
    while (s->in_len < IN_CAP && !s->raw_eof) {
        ssize_t n = raw_read(s, s->in + s->in_len, IN_CAP - s->in_len);
        if (n < 0) return -1;
        if (n == 0) s->raw_eof = true;
        s->in_len += (size_t)n;
    }
    return 0;
}

static int sniff(cw_bytesrc *s)
{
    s->sniffed = true;
    s->in = cw_xmalloc(IN_CAP);
    if (refill(s) < 0) return -1;
    s->gz = s->in_len >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b;
    if (s->gz) {
        if (inflateInit2(&s->zs, 16 + MAX_WBITS) != Z_OK) return fail(s, CW_BS_ERR_GZIP, "cannot initialise the gzip decoder");
        s->zinit = true;
    }
    return 0;
}

bool cw_bytesrc_is_gzip(cw_bytesrc *s)
{
    if (!s->sniffed) sniff(s);
    return s->gz;
}

static bool over_ratio(const cw_bytesrc *s, size_t pending)
{
    uint64_t out = s->out_total + pending;
    return s->lim.max_ratio && out > s->lim.ratio_after && out / (s->comp_used ? s->comp_used : 1) > s->lim.max_ratio;
}

static ssize_t gz_read(cw_bytesrc *s, uint8_t *dst, size_t cap)
{
    size_t got = 0;
    while (got < cap) {
        if (s->zend) { /* a member ended: another one, or the end */
            if (s->in_len - s->in_pos < 2 && !s->raw_eof && refill(s) < 0) break;
            if (s->in_len - s->in_pos >= 2 && s->in[s->in_pos] == 0x1f && s->in[s->in_pos + 1] == 0x8b) {
                inflateReset(&s->zs);
                s->zend = false;
                continue;
            }
            /* the end, or bytes after the last member that are not one: ignored */
            s->in_pos = s->in_len;
            s->raw_eof = true;
            break;
        }
        if (s->in_pos == s->in_len) {
            if (s->raw_eof) {
                fail(s, CW_BS_ERR_GZIP,
                     "truncated gzip data: the compressed input ends inside a gzip member (after %llu compressed "
                     "bytes, %llu decompressed)",
                     (unsigned long long)s->comp_used, (unsigned long long)(s->out_total + got));
                break;
            }
            if (refill(s) < 0) break;
            continue;
        }
        size_t want = cap - got;
        if (s->lim.max_bytes) {
            uint64_t done = s->out_total + got;
            if (done >= s->lim.max_bytes) {
                s->limit = CW_BS_LIMIT_BYTES;
                fail(s, CW_BS_ERR_LIMIT,
                     "gzip data decompresses to more than %llu bytes (the limit): stopped, possible decompression "
                     "bomb",
                     (unsigned long long)s->lim.max_bytes);
                break;
            }
            if (want > s->lim.max_bytes - done) want = (size_t)(s->lim.max_bytes - done);
        }
        if (want > (1u << 30)) want = 1u << 30;
        s->zs.next_in = s->in + s->in_pos;
        s->zs.avail_in = (uInt)(s->in_len - s->in_pos);
        s->zs.next_out = dst + got;
        s->zs.avail_out = (uInt)want;
        uInt bin = s->zs.avail_in, bout = s->zs.avail_out;
        int rc = inflate(&s->zs, Z_NO_FLUSH);
        size_t used = bin - s->zs.avail_in, made = bout - s->zs.avail_out;
        s->in_pos += used;
        s->comp_used += used;
        got += made;
        if (rc == Z_STREAM_END) {
            s->zend = true;
        } else if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR || rc == Z_STREAM_ERROR || rc == Z_MEM_ERROR) {
            const char *m = s->zs.msg ? s->zs.msg : "inflate failed";
            fail(s, CW_BS_ERR_GZIP, "corrupt gzip data at compressed byte %llu: %s%s", (unsigned long long)s->comp_used,
                 m, strstr(m, "data check") ? " (CRC-32 mismatch)" : strstr(m, "length check") ? " (length mismatch)" : "");
            break;
        } else if (used == 0 && made == 0 && s->in_pos < s->in_len) {
            fail(s, CW_BS_ERR_GZIP, "corrupt gzip data at compressed byte %llu: no progress",
                 (unsigned long long)s->comp_used);
            break;
        }
        if (over_ratio(s, got)) {
            s->limit = CW_BS_LIMIT_RATIO;
            fail(s, CW_BS_ERR_LIMIT,
                 "gzip compression ratio exceeds %llu:1 after %llu decompressed bytes (the limit): stopped, possible "
                 "decompression bomb",
                 (unsigned long long)s->lim.max_ratio, (unsigned long long)(s->out_total + got));
            break;
        }
    }
    s->out_total += got;
    return (ssize_t)got;
}

ssize_t cw_bytesrc_read(cw_bytesrc *s, void *dst, size_t cap)
{
    if (s->st != CW_BS_OK) return -1;
    if (!s->sniffed && sniff(s) < 0) return -1;
    if (s->st != CW_BS_OK) return -1;
    if (s->gz) {
        ssize_t n = gz_read(s, dst, cap);
        return n > 0 ? n : s->st != CW_BS_OK ? -1 : 0;
    }
    uint8_t *d = dst;
    size_t got = 0;
    if (s->in_pos < s->in_len) {
        size_t n = s->in_len - s->in_pos;
        if (n > cap) n = cap;
        memcpy(d, s->in + s->in_pos, n);
        s->in_pos += n;
        got = n;
    }
    while (got < cap && !s->raw_eof) {
        ssize_t n = raw_read(s, d + got, cap - got);
        if (n < 0) break;
        if (n == 0) s->raw_eof = true;
        got += (size_t)n;
    }
    s->out_total += got;
    return got ? (ssize_t)got : s->st != CW_BS_OK ? -1 : 0;
}

void cw_bytesrc_close(cw_bytesrc *s)
{
    if (s->zinit) inflateEnd(&s->zs);
    s->zinit = false;
    free(s->in);
    s->in = NULL;
}
