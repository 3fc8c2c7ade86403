/* lines.c - lines of a plain or gzip log file with bounded memory: a sliding
 * buffer growing to 4 MiB (or twice the longest accepted line), never the whole file.
 * A line longer than the limit is reported with its number and skipped up to
 * its newline without being held. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/arena.h"
#include "fx_int.h"

#define READ_CHUNK (4u << 20)

/* Gzip bomb limits: the investigation's, else 64 GiB and 200:1 past 16 MiB. */
static void set_limits(const cw_fx_inv *inv, cw_gzlimits *lim)
{
    uint64_t mb, mr;
    cw_fx_gz_limits(inv, &mb, &mr);
    lim->max_bytes = mb ? mb : (64ULL << 30);
    lim->max_ratio = mr ? mr : 200;
    lim->ratio_after = 16u << 20;
}

/* Open path ("-" = stdin) for reading; -1 with a message in err. */
static int open_input(const char *path, char *err, size_t errlen)
{
    if (strcmp(path, "-") == 0) return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "is a directory, expected a log file");
        close(fd);
        return -1;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    return fd;
}

int cw_fx_lines_open(cw_fx_lines *l, cw_fx_file *f)
{
    memset(l, 0, sizeof *l);
    l->f = f;
    l->fd = -1;
    l->max_line = cw_fx_max_line(f->inv);
    set_limits(f->inv, &l->lim);
    if (f->mem) {
        cw_bytesrc_init_mem(&l->rd, f->mem, f->mem_len, &l->lim);
    } else {
        char err[300];
        if ((l->fd = open_input(f->path, err, sizeof err)) < 0) {
            cw_fx_bad(f, 0, 0, "%s", err);
            return -1;
        }
        cw_bytesrc_init_fd(&l->rd, l->fd, &l->lim);
    }
    l->opened = true;
    l->cap = 64 * 1024; /* grows to READ_CHUNK (or twice the longest line) as the input needs */
    l->buf = cw_xmalloc(l->cap + 1);
    return 0;
}

/* Refill: keep buf[pos..len), read more after it. Returns bytes added, 0 at
 * end, -1 on error (reported). */
static long fill(cw_fx_lines *l)
{
    if (l->eof) return 0;
    if (l->pos) {
        memmove(l->buf, l->buf + l->pos, l->len - l->pos);
        l->len -= l->pos;
        l->pos = 0;
    }
    size_t maxcap = READ_CHUNK > 2 * l->max_line ? READ_CHUNK : 2 * l->max_line;
    /* a line that does not fit yet, or a big input: read more at a time */
    if (l->cap < maxcap && (l->len == l->cap || l->rd.out_total >= l->cap)) {
        l->cap = l->cap * 2 > maxcap ? maxcap : l->cap * 2;
        l->buf = cw_xrealloc(l->buf, l->cap + 1);
    }
    if (l->len == l->cap) return 0; /* caller handles the over-long line */
    ssize_t n = cw_bytesrc_read(&l->rd, l->buf + l->len, l->cap - l->len);
    if (n < 0) {
        l->eof = l->failed = true;
        cw_fx_bad(l->f, l->lineno + 1, 0, "%s", l->rd.err[0] ? l->rd.err : "read error");
        return -1;
    }
    if (n == 0) {
        l->eof = true;
        return 0;
    }
    /* a short read with an error message (gzip truncated after some output) */
    l->len += (size_t)n;
    return n;
}

int cw_fx_lines_next(cw_fx_lines *l, const char **p, size_t *n)
{
    if (!l->opened) return 0;
    for (;;) {
        char *s = l->buf + l->pos;
        size_t avail = l->len - l->pos;
        char *nl = avail ? memchr(s, '\n', avail) : NULL;
        if (nl) {
            size_t len = (size_t)(nl - s);
            l->pos += len + 1;
            l->lineno++;
            if (len > l->max_line) {
                cw_fx_bad(l->f, l->lineno, len, "line of %zu bytes is longer than the limit of %zu bytes; skipped",
                          len, l->max_line);
                continue;
            }
            if (len && s[len - 1] == '\r') len--;
            *p = s, *n = len;
            return 1;
        }
        if (avail > l->max_line) {
            /* an over-long line: drop it up to its newline without holding it */
            uint64_t dropped = 0;
            l->lineno++;
            for (;;) {
                char *q = memchr(l->buf + l->pos, '\n', l->len - l->pos);
                if (q) {
                    dropped += (uint64_t)(q - (l->buf + l->pos));
                    l->pos = (size_t)(q - l->buf) + 1;
                    break;
                }
                dropped += l->len - l->pos;
                l->pos = l->len = 0;
                if (fill(l) <= 0) break;
            }
            cw_fx_bad(l->f, l->lineno, dropped,
                      "line of %llu bytes is longer than the limit of %zu bytes; skipped",
                      (unsigned long long)dropped, l->max_line);
            continue;
        }
        if (l->eof) {
            if (!avail) return l->failed ? -1 : 0;
            if (l->failed) {
                /* the line the break cut off: already reported (and counted)
                 * with the read error at its line; its bytes are unreadable */
                l->f->bytes_bad += avail;
                l->pos = l->len;
                return -1;
            }
            /* last line without a newline */
            l->pos = l->len;
            l->lineno++;
            if (avail && s[avail - 1] == '\r') avail--;
            *p = s, *n = avail;
            return 1;
        }
        if (fill(l) < 0 && l->len == l->pos) return -1;
    }
}

void cw_fx_lines_close(cw_fx_lines *l)
{
    if (l->opened) cw_bytesrc_close(&l->rd);
    if (l->fd > 0) close(l->fd);
    free(l->buf);
    memset(l, 0, sizeof *l);
}

long cw_fx_head(const char *path, const void *mem, size_t mem_len, char *buf, size_t cap, char *err,
                size_t errlen)
{
    cw_gzlimits lim = {64ULL << 30, 0, 0};
    cw_bytesrc rd;
    int fd = -1;
    if (mem) {
        cw_bytesrc_init_mem(&rd, mem, mem_len, &lim);
    } else {
        if ((fd = open_input(path, err, errlen)) < 0) return -1;
        cw_bytesrc_init_fd(&rd, fd, &lim);
    }
    /* a damaged gzip still shows its first bytes: sniff what was inflated */
    ssize_t n = cw_bytesrc_read(&rd, buf, cap);
    if (n < 0) {
        snprintf(err, errlen, "%s", rd.err[0] ? rd.err : "read error");
    }
    cw_bytesrc_close(&rd);
    if (fd > 0) close(fd);
    return n < 0 ? -1 : (long)n;
}
