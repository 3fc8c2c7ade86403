/* reader.h - byte source for classify: a file, stdin or memory, gzip-compressed or
 * not (detected by magic bytes, concatenated members supported), with gzip-bomb
 * limits: inflating stops when the output exceeds gz_max_bytes, or exceeds
 * gz_max_ratio times the compressed bytes consumed once past gz_ratio_after. */
#ifndef CW_CLS_READER_H
#define CW_CLS_READER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "classify.h"

typedef struct cw_reader {
    int fd;              /* -1 for memory */
    const uint8_t *mem;
    size_t mem_len, mem_pos;
    bool gz, zinit, zend;
    z_stream zs;
    uint8_t *in;         /* compressed (or raw look-ahead) buffer */
    size_t in_len, in_pos;
    bool in_eof;
    uint64_t comp_used, out_total;
    const cw_cls_opts *o;
    char err[300];       /* set when read returns < 0 */
} cw_reader;

/* 0 on success; -1 with r->err set (cannot open). */
int cw_reader_open(cw_reader *r, const char *path, const cw_cls_opts *o);
void cw_reader_open_mem(cw_reader *r, const void *data, size_t len, const cw_cls_opts *o);
/* Read up to cap bytes. Returns bytes read, 0 at end, -1 on a read/gzip error,
 * -2 when a gzip limit stopped inflating; r->err says which. */
long cw_reader_read(cw_reader *r, uint8_t *dst, size_t cap);
void cw_reader_close(cw_reader *r);
#endif
