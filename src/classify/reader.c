/* reader.c - classify's input: the shared byte source (gzip, bomb limits) over a file,
 * stdin or memory; limit messages name the classify option that sets the limit. */
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void limits_of(const cw_cls_opts *o, cw_gzlimits *l)
{
    l->max_bytes = o->gz_max_bytes;
    l->max_ratio = o->gz_max_ratio;
    l->ratio_after = o->gz_ratio_after;
}

int cw_reader_open(cw_reader *r, const char *path, const cw_cls_opts *o)
{
    memset(r, 0, sizeof *r);
    cw_gzlimits l;
    limits_of(o, &l);
    r->fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        snprintf(r->err, sizeof r->err, "cannot open: %s", strerror(errno));
        cw_bytesrc_init_mem(&r->src, NULL, 0, &l);
        return -1;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    if (r->fd > 0) posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    cw_bytesrc_init_fd(&r->src, r->fd, &l);
    return 0;
}

void cw_reader_open_mem(cw_reader *r, const void *data, size_t len, const cw_cls_opts *o)
{
    memset(r, 0, sizeof *r);
    cw_gzlimits l;
    limits_of(o, &l);
    r->fd = -1;
    cw_bytesrc_init_mem(&r->src, data, len, &l);
}

int cw_reader_failed(cw_reader *r)
{
    const cw_bytesrc *s = &r->src;
    if (s->st == CW_BS_OK) return 0;
    if (s->st == CW_BS_ERR_LIMIT)
        snprintf(r->err, sizeof r->err, "%s (--gzip-%s)", s->err,
                 s->limit == CW_BS_LIMIT_BYTES ? "max-size" : "max-ratio");
    else
        snprintf(r->err, sizeof r->err, "%s", s->err);
    return s->st == CW_BS_ERR_LIMIT ? -2 : -1;
}

long cw_reader_read(cw_reader *r, uint8_t *dst, size_t cap)
{
    ssize_t n = cw_bytesrc_read(&r->src, dst, cap);
    r->gz = r->src.gz;
    if (n >= 0) return (long)n;
    return cw_reader_failed(r);
}

void cw_reader_close(cw_reader *r)
{
    cw_bytesrc_close(&r->src);
    if (r->fd > 0) close(r->fd);
    r->fd = -1;
}
