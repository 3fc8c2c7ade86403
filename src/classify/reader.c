/* reader.c - plain and gzip input with bomb limits. */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/arena.h"

#define IN_CAP (256 * 1024)

static long raw_fill(cw_reader *r, uint8_t *dst, size_t cap)
{
    if (r->fd < 0) {
        size_t n = r->mem_len - r->mem_pos;
        if (n > cap) n = cap;
        memcpy(dst, r->mem + r->mem_pos, n);
        r->mem_pos += n;
        return (long)n;
    }
    for (;;) {
        ssize_t n = read(r->fd, dst, cap);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            snprintf(r->err, sizeof r->err, "read error: %s", strerror(errno));
            return -1;
        }
        return (long)n;
    }
}

static int prime(cw_reader *r)
{
    r->in = cw_xmalloc(IN_CAP);
    long n = raw_fill(r, r->in, IN_CAP);
    if (n < 0) return -1;
    r->in_len = (size_t)n;
    r->in_eof = n == 0;
    r->gz = r->in_len >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b;
    if (r->gz) {
        memset(&r->zs, 0, sizeof r->zs);
        if (inflateInit2(&r->zs, 16 + MAX_WBITS) != Z_OK) {
            snprintf(r->err, sizeof r->err, "gzip: cannot initialise zlib");
            return -1;
        }
        r->zinit = true;
    }
    return 0;
}

int cw_reader_open(cw_reader *r, const char *path, const cw_cls_opts *o)
{
    memset(r, 0, sizeof *r);
    r->o = o;
    if (strcmp(path, "-") == 0) r->fd = 0;
    else r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        snprintf(r->err, sizeof r->err, "cannot open: %s", strerror(errno));
        return -1;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    if (r->fd > 0) posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    if (prime(r) < 0) return -1;
    return 0;
}

void cw_reader_open_mem(cw_reader *r, const void *data, size_t len, const cw_cls_opts *o)
{
    memset(r, 0, sizeof *r);
    r->o = o;
    r->fd = -1;
    r->mem = data;
    r->mem_len = len;
    if (prime(r) < 0) r->in_len = 0;
}

static long gz_read(cw_reader *r, uint8_t *dst, size_t cap)
{
    size_t got = 0;
    while (got < cap) {
        if (r->zend) {
            /* another gzip member follows? */
            if (r->in_pos == r->in_len && !r->in_eof) {
                long n = raw_fill(r, r->in, IN_CAP);
                if (n < 0) return -1;
                r->in_len = (size_t)n, r->in_pos = 0, r->in_eof = n == 0;
            }
            if (r->in_pos == r->in_len) break;
            if (r->in_len - r->in_pos >= 2 && r->in[r->in_pos] == 0x1f && r->in[r->in_pos + 1] == 0x8b) {
                inflateReset(&r->zs);
                r->zend = false;
            } else {
                break; /* trailing bytes after the last member are ignored */
            }
        }
        if (r->in_pos == r->in_len) {
            if (r->in_eof) {
                snprintf(r->err, sizeof r->err, "gzip: unexpected end of compressed data after %llu bytes",
                         (unsigned long long)r->comp_used);
                return got ? (long)got : -1;
            }
            long n = raw_fill(r, r->in, IN_CAP);
            if (n < 0) return -1;
            r->in_len = (size_t)n, r->in_pos = 0, r->in_eof = n == 0;
            continue;
        }
        size_t want = cap - got;
        /* limits: never produce more than allowed */
        uint64_t room = r->o->gz_max_bytes > r->out_total ? r->o->gz_max_bytes - r->out_total : 0;
        if (room == 0) {
            snprintf(r->err, sizeof r->err,
                     "gzip: stopped after %llu decompressed bytes (limit --gzip-max-size %llu; possible gzip bomb)",
                     (unsigned long long)r->out_total, (unsigned long long)r->o->gz_max_bytes);
            return got ? (long)got : -2;
        }
        if (want > room) want = (size_t)room;
        r->zs.next_in = r->in + r->in_pos;
        r->zs.avail_in = (uInt)(r->in_len - r->in_pos);
        r->zs.next_out = dst + got;
        r->zs.avail_out = (uInt)(want > (1u << 30) ? (1u << 30) : want);
        uInt before_in = r->zs.avail_in, before_out = r->zs.avail_out;
        int rc = inflate(&r->zs, Z_NO_FLUSH);
        size_t used = before_in - r->zs.avail_in, made = before_out - r->zs.avail_out;
        r->in_pos += used;
        r->comp_used += used;
        r->out_total += made;
        got += made;
        if (rc == Z_STREAM_END) {
            r->zend = true;
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            snprintf(r->err, sizeof r->err, "gzip: corrupt data at compressed byte %llu: %s",
                     (unsigned long long)r->comp_used, r->zs.msg ? r->zs.msg : "inflate error");
            return got ? (long)got : -1;
        } else if (rc == Z_BUF_ERROR && used == 0 && made == 0 && r->in_eof && r->in_pos == r->in_len) {
            snprintf(r->err, sizeof r->err, "gzip: truncated compressed data");
            return got ? (long)got : -1;
        }
        if (r->out_total > r->o->gz_ratio_after && r->out_total / (r->comp_used ? r->comp_used : 1) > r->o->gz_max_ratio) {
            snprintf(r->err, sizeof r->err,
                     "gzip: stopped at compression ratio %llu:1 after %llu decompressed bytes "
                     "(limit --gzip-max-ratio %llu; possible gzip bomb)",
                     (unsigned long long)(r->out_total / (r->comp_used ? r->comp_used : 1)),
                     (unsigned long long)r->out_total, (unsigned long long)r->o->gz_max_ratio);
            return got ? (long)got : -2;
        }
    }
    return (long)got;
}

long cw_reader_read(cw_reader *r, uint8_t *dst, size_t cap)
{
    if (r->err[0]) return r->err[0] == 'g' && strstr(r->err, "bomb") ? -2 : -1;
    if (r->gz) return gz_read(r, dst, cap);
    size_t got = 0;
    if (r->in_pos < r->in_len) {
        size_t n = r->in_len - r->in_pos;
        if (n > cap) n = cap;
        memcpy(dst, r->in + r->in_pos, n);
        r->in_pos += n;
        got = n;
    }
    while (got < cap && !r->in_eof) {
        long n = raw_fill(r, dst + got, cap - got);
        if (n < 0) return got ? (long)got : -1;
        if (n == 0) r->in_eof = true;
        got += (size_t)n;
    }
    r->out_total += got;
    return (long)got;
}

void cw_reader_close(cw_reader *r)
{
    if (r->zinit) inflateEnd(&r->zs);
    if (r->fd > 0) close(r->fd);
    free(r->in);
    r->in = NULL;
    r->fd = -1;
}
