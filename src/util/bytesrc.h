/* bytesrc.h - one byte source for every reader of input files: a file descriptor or a
 * memory buffer, plain or gzip-compressed (detected by the magic bytes; concatenated
 * members are read in turn, bytes after the last member that are not another member
 * are ignored, as gzip(1) does), with decompression-bomb limits.
 *
 * Used by the JSON streaming reader (src/json/jsource.c) and by classify
 * (src/classify/reader.c), so that both treat damaged and hostile gzip the same way:
 *   - a truncated member, corrupt deflate data, a CRC or length mismatch in the gzip
 *     trailer: CW_BS_ERR_GZIP;
 *   - more than max_bytes of output, or output above max_ratio times the compressed
 *     bytes consumed once past ratio_after: CW_BS_ERR_LIMIT;
 *   - a failing read(2): CW_BS_ERR_READ.
 * Bytes inflated before an error are returned first; the error is returned by the
 * next call (and every call after it), so no accepted byte is lost and no error is
 * lost behind a short read. */
#ifndef CW_BYTESRC_H
#define CW_BYTESRC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <zlib.h>

typedef struct cw_gzlimits {
    uint64_t max_bytes;   /* decompressed bytes per input; 0 = no limit */
    uint64_t max_ratio;   /* output / compressed bytes consumed; 0 = no limit ... */
    uint64_t ratio_after; /* ... checked once the output exceeds this many bytes */
} cw_gzlimits;

typedef enum { CW_BS_OK, CW_BS_ERR_READ, CW_BS_ERR_GZIP, CW_BS_ERR_LIMIT } cw_bs_status;
typedef enum { CW_BS_LIMIT_NONE, CW_BS_LIMIT_BYTES, CW_BS_LIMIT_RATIO } cw_bs_limit;

typedef struct cw_bytesrc {
    int fd;              /* -1: memory */
    const uint8_t *mem;
    size_t mem_len, mem_pos;
    bool sniffed, gz, zinit, zend, raw_eof;
    z_stream zs;
    uint8_t *in;         /* compressed input (gzip) or the sniffed first bytes (plain) */
    size_t in_len, in_pos;
    uint64_t raw_total;  /* bytes read from the fd / buffer */
    uint64_t comp_used;  /* compressed bytes consumed by inflate */
    uint64_t out_total;  /* bytes handed out */
    cw_gzlimits lim;
    cw_bs_status st;     /* sticky once set */
    cw_bs_limit limit;   /* which limit stopped inflating (st == CW_BS_ERR_LIMIT) */
    char err[256];       /* what went wrong (st != CW_BS_OK) */
} cw_bytesrc;

/* Read from fd (not closed by cw_bytesrc_close). lim may be NULL (no limits). */
void cw_bytesrc_init_fd(cw_bytesrc *s, int fd, const cw_gzlimits *lim);
void cw_bytesrc_init_mem(cw_bytesrc *s, const void *data, size_t len, const cw_gzlimits *lim);
/* Up to cap bytes into dst, filling it unless the input ends or fails first. Returns
 * the bytes stored (> 0), 0 at the clean end of the input, -1 on an error (s->st and
 * s->err say which). */
ssize_t cw_bytesrc_read(cw_bytesrc *s, void *dst, size_t cap);
/* Sniff without consuming: is the input gzip? (reads the first bytes if not yet) */
bool cw_bytesrc_is_gzip(cw_bytesrc *s);
void cw_bytesrc_close(cw_bytesrc *s);
#endif
