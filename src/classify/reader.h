/* reader.h - byte source for classify: a file, stdin or memory, gzip-compressed or
 * not, through the shared byte source (src/util/bytesrc.h: the same gzip handling and
 * bomb limits as the JSON reader of `scan`). */
#ifndef CW_CLS_READER_H
#define CW_CLS_READER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/bytesrc.h"
#include "classify.h"

typedef struct cw_reader {
    int fd;              /* -1 for memory */
    bool gz;             /* set by the first read */
    cw_bytesrc src;
    char err[320];       /* set when open fails or a read returns < 0 */
} cw_reader;

/* 0 on success; -1 with r->err set (cannot open). */
int cw_reader_open(cw_reader *r, const char *path, const cw_cls_opts *o);
void cw_reader_open_mem(cw_reader *r, const void *data, size_t len, const cw_cls_opts *o);
/* Read up to cap bytes (fills cap unless the input ends or fails). Returns bytes read,
 * 0 at the end, -1 on a read/gzip error, -2 when a gzip limit stopped inflating;
 * r->err says which. Bytes inflated before an error are returned first. */
long cw_reader_read(cw_reader *r, uint8_t *dst, size_t cap);
/* 0 while the input reads cleanly, else what cw_reader_read returns for the error
 * (-1 or -2) with r->err set: an error found while filling a short last read. */
int cw_reader_failed(cw_reader *r);
void cw_reader_close(cw_reader *r);
#endif
