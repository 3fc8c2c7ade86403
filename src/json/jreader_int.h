/* jreader_int.h - internals of the streaming reader, shared by jsource.c
 * (input, buffering, positions) and jreader.c (framing, records). */
#ifndef CW_JREADER_INT_H
#define CW_JREADER_INT_H
#include <stdint.h>
#include <sys/types.h>
#include "../util/bytesrc.h"

#include "jint.h"

/* Hot scanning loops get a POPCNT clone chosen at load time (ifunc); without
 * the instruction __builtin_popcountll is a dozen instructions. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
#define CW_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define CW_POPCNT_CLONES
#endif

/* Block scanner of the framing loop (jreader.c): AVX2 where the CPU has it,
 * SSE2 otherwise; NULL without SIMD. */
typedef size_t (*cw_jr_scan_fn)(const unsigned char *b, size_t n, long *depth, int *in_str, size_t *end, int *found);
cw_jr_scan_fn cw_jr_pick_scan(void);
extern int cw_jr_sse2_only; /* tests: readers opened while set use the SSE2 scanner */

#define CHUNK (4u << 20)
#define MAX_MEMBERS 1024 /* header members remembered before a stream key */

typedef enum { M_TOP, M_ARRAY, M_TRAILER } rmode;

typedef struct span {
    uint64_t koff, klen, voff, vlen; /* absolute offsets */
} span;

struct cw_jreader {
    /* source */
    int fd, own_fd, src_eof, gz;
    cw_bytesrc src; /* plain or gzip bytes with the decompression limits (shared with classify) */
    uint64_t file_size;
    const char *mem;
    size_t mem_len, mem_pos;
    cw_jreader_opts o;
    const cw_jproj *proj; /* what cw_jreader_next builds of each record (NULL: all) */
    cw_jr_scan_fn scan;   /* framing's block scanner for this CPU */
    /* window: buf[0..len) holds input bytes [base, base+len) */
    char *buf;
    size_t len, cap;
    uint64_t base, pos, pin;
    /* lazy line counting: line number at lc_off and the start of that line */
    uint64_t lc_off, lc_line, lc_line_start;
    /* state */
    rmode mode;
    int array_depth, first_elem;
    uint32_t open_line, open_col; /* where the current stream array / object opened */
    uint64_t top_values, records;
    int fatal;
    int raw;              /* next_raw(): hand out text instead of parsing */
    const char *raw_text;
    size_t raw_len;
    cw_arena harena;
    cw_json *header;
};

/* jsource.c */
void cw_jr_count_to(cw_jreader *r, uint64_t abs);
uint32_t cw_jr_line_of(cw_jreader *r, uint64_t abs, uint32_t *col);
int cw_jr_set_err(cw_jreader *r, cw_json_err *err, uint64_t abs, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int cw_jr_fatal(cw_jreader *r); /* marks the reader finished; returns -1 */
/* Read more input into the window, first discarding what lies before pin.
 * Returns bytes added, 0 at end of input, -1 on error (fatal). */
ssize_t cw_jr_more(cw_jreader *r, cw_json_err *err);
/* jreader.c */
void cw_jr_init_cls(void);
#endif
