/* jreader.c - streaming record reader over plain or gzip input.
 *
 * A small framing scanner (string and escape aware, depth counting) finds the
 * boundaries of records in a window of the input; each record's bytes are
 * then parsed by simdjson (cw_json_parse_padded) in place. Memory is bounded
 * by the largest record plus the read chunk. Lines are counted lazily, up to
 * the start of each record and to error positions. See json.h for the modes
 * and the error semantics. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "jint.h"

#define CHUNK (4u << 20)
#define ZCHUNK (256u << 10)
#define MAX_MEMBERS 1024 /* header members remembered before a stream key */

typedef enum { M_TOP, M_ARRAY, M_TRAILER } rmode;

typedef struct span {
    uint64_t koff, klen, voff, vlen; /* absolute offsets */
} span;

struct cw_jreader {
    /* source */
    int fd, own_fd, raw_eof, src_eof, gz, gz_done;
    z_stream zs;
    unsigned char *zin;
    uint64_t in_total, out_total, file_size;
    const char *mem;
    size_t mem_len, mem_pos;
    cw_jreader_opts o;
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

static const char *const default_keys[] = {"configurationItems", NULL};

/* ---- positions and errors --------------------------------------------- */
static void count_to(cw_jreader *r, uint64_t abs)
{
    if (abs <= r->lc_off) return;
    if (abs > r->base + r->len) abs = r->base + r->len;
    const unsigned char *p = (const unsigned char *)r->buf + (r->lc_off - r->base);
    size_t n = (size_t)(abs - r->lc_off);
    uint64_t lines = 0;
    for (size_t i = 0; i < n; i++) lines += p[i] == '\n'; /* vectorised by the compiler */
    if (lines) {
        const char *last = memrchr(p, '\n', n);
        r->lc_line_start = r->base + (uint64_t)(last - r->buf) + 1;
    }
    r->lc_line += lines;
    r->lc_off = abs;
}

static uint32_t line_of(cw_jreader *r, uint64_t abs, uint32_t *col)
{
    if (abs >= r->lc_off) {
        count_to(r, abs);
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

static int set_err(cw_jreader *r, cw_json_err *err, uint64_t abs, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int set_err(cw_jreader *r, cw_json_err *err, uint64_t abs, const char *fmt, ...)
{
    memset(err, 0, sizeof *err);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->offset = (size_t)abs;
    err->line = line_of(r, abs, &err->col);
    return -1;
}

static int fatal(cw_jreader *r)
{
    r->fatal = 1;
    return -1;
}

static const char *describe(int c, char *b, size_t n)
{
    if (c < 0) return "end of input";
    if (c >= 0x21 && c < 0x7f) snprintf(b, n, "'%c'", c);
    else snprintf(b, n, "byte 0x%02X", c);
    return b;
}

/* ---- source ------------------------------------------------------------ */
static ssize_t raw_read(cw_jreader *r, void *dst, size_t want)
{
    if (r->mem) {
        size_t n = r->mem_len - r->mem_pos;
        if (n > want) n = want;
        memcpy(dst, r->mem + r->mem_pos, n);
        r->mem_pos += n;
        r->in_total += n;
        return (ssize_t)n;
    }
    for (;;) {
        ssize_t n = read(r->fd, dst, want);
        if (n < 0 && errno == EINTR) continue;
        if (n > 0) r->in_total += (uint64_t)n;
        return n;
    }
}

static ssize_t gz_read(cw_jreader *r, char *dst, size_t want, cw_json_err *err)
{
    if (r->gz_done) return 0;
    r->zs.next_out = (unsigned char *)dst;
    r->zs.avail_out = (uInt)want;
    while (r->zs.avail_out == want) {
        if (r->zs.avail_in == 0 && !r->raw_eof) {
            ssize_t n = raw_read(r, r->zin, ZCHUNK);
            if (n < 0) return set_err(r, err, r->base + r->len, "read error: %s", strerror(errno));
            if (n == 0) r->raw_eof = 1;
            r->zs.next_in = r->zin;
            r->zs.avail_in = (uInt)n;
        }
        int z = inflate(&r->zs, Z_NO_FLUSH);
        if (z == Z_STREAM_END) {
            if (r->zs.avail_in == 0 && !r->raw_eof) {
                ssize_t n = raw_read(r, r->zin, ZCHUNK);
                if (n <= 0) r->raw_eof = 1;
                r->zs.next_in = r->zin;
                r->zs.avail_in = n > 0 ? (uInt)n : 0;
            }
            if (r->zs.avail_in == 0 && r->raw_eof) {
                r->gz_done = 1;
                break;
            }
            inflateReset(&r->zs); /* another gzip member follows */
            continue;
        }
        if (z == Z_BUF_ERROR && r->zs.avail_in == 0 && r->raw_eof)
            return set_err(r, err, r->base + r->len,
                           "truncated gzip stream: the compressed data ends before the end of the gzip member");
        if (z != Z_OK && z != Z_BUF_ERROR)
            return set_err(r, err, r->base + r->len, "corrupt gzip data: %s", r->zs.msg ? r->zs.msg : "inflate failed");
    }
    size_t got = want - r->zs.avail_out;
    r->out_total += got;
    if (r->out_total > r->o.max_decompressed)
        return set_err(r, err, r->base + r->len,
                       "gzip input decompresses to more than %llu bytes (the limit); refusing a possible "
                       "decompression bomb",
                       (unsigned long long)r->o.max_decompressed);
    if (r->out_total > (64u << 20) && r->out_total / (r->in_total ? r->in_total : 1) > r->o.max_ratio)
        return set_err(r, err, r->base + r->len,
                       "gzip compression ratio exceeds %u:1 after %llu MiB of output; refusing a possible "
                       "decompression bomb",
                       r->o.max_ratio, (unsigned long long)(r->out_total >> 20));
    return (ssize_t)got;
}

/* Read more input into the window, first discarding what lies before pin.
 * Returns bytes added, 0 at end of input, -1 on error (fatal). */
static ssize_t more(cw_jreader *r, cw_json_err *err)
{
    if (r->src_eof) return 0;
    if (r->pin > r->base) {
        count_to(r, r->pin);
        size_t drop = (size_t)(r->pin - r->base);
        memmove(r->buf, r->buf + drop, r->len - drop);
        r->len -= drop;
        r->base = r->pin;
    }
    if (r->len >= r->o.max_record_bytes) {
        uint32_t col, line = line_of(r, r->pin, &col);
        set_err(r, err, r->pin, "the JSON value starting at line %u, column %u is larger than the limit of %zu "
                "bytes for one record", line, col, r->o.max_record_bytes);
        return fatal(r);
    }
    /* read sizes grow with the input: small inputs get small buffers */
    size_t want = r->cap >= 2 * CHUNK ? CHUNK : (r->cap ? r->cap / 2 : 64 * 1024);
    if (r->cap - r->len < want) {
        size_t nc = r->cap ? r->cap * 2 : 128 * 1024;
        while (nc - r->len < want) nc *= 2;
        r->buf = cw_xrealloc(r->buf, nc + CW_JSON_PADDING);
        r->cap = nc;
    }
    ssize_t n;
    if (r->gz) n = gz_read(r, r->buf + r->len, want, err);
    else {
        n = raw_read(r, r->buf + r->len, want);
        if (n < 0) set_err(r, err, r->base + r->len, "read error: %s", strerror(errno));
    }
    if (n < 0) return fatal(r);
    if (n == 0) r->src_eof = 1;
    r->len += (size_t)n;
    memset(r->buf + r->len, 0, CW_JSON_PADDING);
    return n;
}

/* Byte at absolute position at: 0..255, -1 end of input, -2 error. */
static int byte_at(cw_jreader *r, uint64_t at, cw_json_err *err)
{
    while (at >= r->base + r->len) {
        ssize_t n = more(r, err);
        if (n < 0) return -2;
        if (n == 0) return -1;
    }
    return (unsigned char)r->buf[at - r->base];
}

static int skip_ws(cw_jreader *r, cw_json_err *err)
{
    for (;;) {
        int c = byte_at(r, r->pos, err);
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return c;
        r->pos++;
    }
}

/* ---- framing ----------------------------------------------------------- */
static unsigned char cls[256]; /* 1: structural outside strings, 2: '"', 4: '\\' */

static void init_cls(void)
{
    if (cls['"']) return;
    cls['{'] = cls['}'] = cls['['] = cls[']'] = 1;
    cls['"'] = 2 | 1;
    cls['\\'] = 4;
}

/* Skip to the next '"' or '\\' (inside a string) or to the next '"', '{',
 * '}', '[', ']' (outside), 16 bytes at a time where SSE2 is available. */
static inline size_t skip_in_string(const unsigned char *b, size_t i, size_t n)
{
#ifdef __SSE2__
    const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
        int m = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)));
        if (m) return i + (size_t)__builtin_ctz((unsigned)m);
        i += 16;
    }
#endif
    while (i < n && !(cls[b[i]] & 6)) i++;
    return i;
}

static inline size_t skip_outside(const unsigned char *b, size_t i, size_t n)
{
#ifdef __SSE2__
    /* '[' 0x5B and '{' 0x7B become 0x7B with bit 5 set; ']' and '}' become 0x7D */
    const __m128i q = _mm_set1_epi8('"'), open = _mm_set1_epi8(0x7B), close = _mm_set1_epi8(0x7D),
                  b5 = _mm_set1_epi8(0x20);
    while (i + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
        __m128i t = _mm_or_si128(v, b5);
        __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, q),
                                   _mm_or_si128(_mm_cmpeq_epi8(t, open), _mm_cmpeq_epi8(t, close)));
        int m = _mm_movemask_epi8(hit);
        if (m) return i + (size_t)__builtin_ctz((unsigned)m);
        i += 16;
    }
#endif
    while (i < n && !cls[b[i]]) i++;
    return i;
}

#ifdef __SSE2__
/* 64-byte block: bit k of each mask is set when byte k is a quote, a
 * backslash, an opening or a closing bracket ('[' and '{' are 0x5B/0x7B,
 * ']' and '}' 0x5D/0x7D: with bit 5 set both become 0x7B or 0x7D). */
static inline void block_masks(const unsigned char *b, uint64_t *qt, uint64_t *bs, uint64_t *op, uint64_t *cl)
{
    const __m128i q = _mm_set1_epi8('"'), s = _mm_set1_epi8('\\'), o = _mm_set1_epi8(0x7B),
                  c = _mm_set1_epi8(0x7D), b5 = _mm_set1_epi8(0x20);
    uint64_t mq = 0, ms = 0, mo = 0, mc = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * k));
        __m128i t = _mm_or_si128(v, b5);
        mq |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, q)) << (16 * k);
        ms |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, s)) << (16 * k);
        mo |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(t, o)) << (16 * k);
        mc |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(t, c)) << (16 * k);
    }
    *qt = mq, *bs = ms, *op = mo, *cl = mc;
}

/* bit k = parity of the set bits 0..k */
static inline uint64_t prefix_xor(uint64_t m)
{
    m ^= m << 1;
    m ^= m << 2;
    m ^= m << 4;
    m ^= m << 8;
    m ^= m << 16;
    m ^= m << 32;
    return m;
}
#endif

/* Find the end (exclusive) of the value starting at start. 0 ok, -1 error. */
static int frame_value(cw_jreader *r, uint64_t start, uint64_t *end, cw_json_err *err)
{
    int c = byte_at(r, start, err);
    if (c < 0) return c == -2 ? -1 : set_err(r, err, start, "unexpected end of input: expected a value");
    if (c != '{' && c != '[' && c != '"') {
        /* scalar: up to a delimiter */
        uint64_t p = start;
        for (;;) {
            int b = byte_at(r, p, err);
            if (b == -2) return -1;
            if (b < 0 || b == ',' || b == ']' || b == '}' || b == ' ' || b == '\n' || b == '\r' || b == '\t' ||
                b == '{' || b == '[' || b == '"' || b == ':')
                break;
            p++;
        }
        if (p == start) {
            char d[24];
            return set_err(r, err, start,
                           "expected a value (object, array, string, number, true, false or null), found %s",
                           describe(c, d, sizeof d));
        }
        *end = p;
        return 0;
    }
    uint64_t p = start, scalar_until = 0;
    long depth = 0;
    int in_str = 0, esc = 0;
    for (;;) {
        const unsigned char *b = (const unsigned char *)r->buf;
        size_t i = (size_t)(p - r->base), n = r->len;
        while (i < n) {
#ifdef __SSE2__
            /* whole 64-byte blocks without backslashes: strings by quote parity,
             * depth by walking only the brackets outside strings */
            if (!esc && depth > 0 && i + 64 <= n && r->base + i >= scalar_until) {
                uint64_t qt, bs, op, cl;
                block_masks(b + i, &qt, &bs, &op, &cl);
                if (!bs) {
                    uint64_t inside = prefix_xor(qt) ^ (in_str ? ~(uint64_t)0 : 0);
                    uint64_t br = (op | cl) & ~inside;
                    while (br) {
                        unsigned k = (unsigned)__builtin_ctzll(br);
                        if ((op >> k) & 1) depth++;
                        else if (--depth == 0) {
                            *end = r->base + i + k + 1;
                            return 0;
                        }
                        br &= br - 1;
                    }
                    in_str = (int)(inside >> 63);
                    i += 64;
                    continue;
                }
                scalar_until = r->base + i + 64; /* escapes here: byte by byte */
            }
#endif
            if (in_str) {
                if (esc) {
                    esc = 0;
                    i++;
                    continue;
                }
                i = skip_in_string(b, i, n);
                if (i >= n) break;
                if (b[i] == '\\') esc = 1;
                else {
                    in_str = 0;
                    if (depth == 0) {
                        *end = r->base + i + 1;
                        return 0;
                    }
                }
                i++;
                continue;
            }
            i = skip_outside(b, i, n);
            if (i >= n) break;
            unsigned char ch = b[i++];
            if (ch == '"') in_str = 1;
            else if (ch == '{' || ch == '[') depth++;
            else if (--depth == 0) {
                *end = r->base + i;
                return 0;
            } else if (depth < 0) {
                return set_err(r, err, r->base + i - 1, "unbalanced '%c'", ch);
            }
        }
        p = r->base + i;
        ssize_t m = more(r, err);
        if (m < 0) return -1;
        if (m == 0) {
            uint32_t col, line = line_of(r, start, &col);
            if (in_str)
                return set_err(r, err, p, "unexpected end of input: unterminated string in the value that starts "
                               "at line %u, column %u", line, col);
            return set_err(r, err, p, "unexpected end of input: missing '%c' to close the %s opened at line %u, "
                           "column %u", c == '{' ? '}' : c == '[' ? ']' : '"', c == '{' ? "object" : "array", line,
                           col);
        }
    }
}

static int is_stream_key(cw_jreader *r, uint64_t koff, uint64_t klen)
{
    const char *k = r->buf + (koff - r->base) + 1; /* inside the quotes */
    size_t kl = (size_t)klen - 2;
    for (const char *const *s = r->o.stream_keys; *s; s++)
        if (strlen(*s) == kl && memcmp(*s, k, kl) == 0) return 1;
    return 0;
}

static void header_add(cw_jreader *r, uint64_t koff, uint64_t klen, uint64_t voff, uint64_t vlen)
{
    cw_json_err e;
    cw_json *k = cw_json_parse(&r->harena, r->buf + (koff - r->base), (size_t)klen, &e);
    cw_json *v = cw_json_parse(&r->harena, r->buf + (voff - r->base), (size_t)vlen, &e);
    if (k && v && k->type == CW_JSTR) cw_json_obj_set(&r->harena, r->header, k->u.str, v);
}

/* Emit buf[s..e) as a record. 1 ok, -1 parse error (recoverable). With raw
 * set, the text is handed out unparsed. */
static int emit(cw_jreader *r, cw_arena *a, uint64_t s, uint64_t e, cw_jrecord *rec, cw_json_err *err)
{
    memset(rec, 0, sizeof *rec);
    rec->index = ++r->records;
    rec->offset = (size_t)s;
    rec->bytes = (size_t)(e - s);
    rec->line = line_of(r, s, &rec->col);
    if (e - s > r->o.max_record_bytes) {
        set_err(r, err, s, "the JSON value starting at line %u, column %u is larger than the limit of %zu bytes "
                "for one record", rec->line, rec->col, r->o.max_record_bytes);
        err->record = rec->index;
        r->pin = e;
        return -1;
    }
    if (r->raw) {
        r->raw_text = r->buf + (s - r->base);
        r->raw_len = (size_t)(e - s);
        r->pin = e;
        return 1;
    }
    cw_json_err pe;
    memset(&pe, 0, sizeof pe);
    rec->value = cw_json_parse_padded(a, r->buf + (s - r->base), (size_t)(e - s), &pe);
    if (!rec->value) {
        set_err(r, err, s + pe.offset, "%s", pe.msg);
        err->record = rec->index;
        r->pin = e;
        return -1;
    }
    r->pin = e;
    return 1;
}

/* Scan a top-level object member by member. Returns 1 when a stream key was
 * found (mode switched), 2 when the whole object was framed (*end set),
 * -1 on error (fatal). */
static int top_object(cw_jreader *r, uint64_t start, uint64_t *end, cw_json_err *err)
{
    char d[24];
    span *sp = NULL;
    size_t nsp = 0;
    uint32_t oline, ocol;
    oline = line_of(r, start, &ocol);
    r->pin = start;
    r->pos = start + 1;
    int rc = -1;
    for (int first = 1;; first = 0) {
        int c = skip_ws(r, err);
        if (c == -2) goto out;
        if (c == '}' ) {
            *end = r->pos + 1;
            rc = 2;
            goto out;
        }
        if (!first) {
            if (c != ',') {
                if (c == -1)
                    set_err(r, err, r->pos, "unexpected end of input: missing '}' to close the object opened at "
                            "line %u, column %u", oline, ocol);
                else
                    set_err(r, err, r->pos, "expected ',' or '}' after object member, found %s", describe(c, d, sizeof d));
                goto out;
            }
            r->pos++;
            c = skip_ws(r, err);
            if (c == -2) goto out;
        }
        if (c != '"') {
            if (c == -1)
                set_err(r, err, r->pos, "unexpected end of input: missing '}' to close the object opened at "
                        "line %u, column %u", oline, ocol);
            else
                set_err(r, err, r->pos, "expected a string key in object, found %s", describe(c, d, sizeof d));
            goto out;
        }
        uint64_t koff = r->pos, kend;
        if (frame_value(r, koff, &kend, err) < 0) goto out;
        r->pos = kend;
        c = skip_ws(r, err);
        if (c != ':') {
            if (c != -2) set_err(r, err, r->pos, "expected ':' after object key, found %s", describe(c, d, sizeof d));
            goto out;
        }
        r->pos++;
        c = skip_ws(r, err);
        if (c == -2) goto out;
        if (c == '[' && is_stream_key(r, koff, kend - koff)) {
            for (size_t i = 0; i < nsp; i++) header_add(r, sp[i].koff, sp[i].klen, sp[i].voff, sp[i].vlen);
            r->mode = M_ARRAY;
            r->array_depth = 2;
            r->first_elem = 1;
            r->open_line = line_of(r, r->pos, &r->open_col);
            r->pos++;
            r->pin = r->pos;
            rc = 1;
            goto out;
        }
        uint64_t vend;
        if (frame_value(r, r->pos, &vend, err) < 0) goto out;
        if (nsp < MAX_MEMBERS && vend - r->pos < (1u << 20)) {
            sp = cw_xrealloc(sp, (nsp + 1) * sizeof *sp);
            sp[nsp++] = (span){koff, kend - koff, r->pos, vend - r->pos};
        }
        r->pos = vend;
    }
out:
    free(sp);
    return rc;
}

/* After the stream array closed: remaining members of the top-level object go
 * to the header. 0 ok (object closed), -1 error. */
static int trailer(cw_jreader *r, cw_json_err *err)
{
    char d[24];
    for (;;) {
        r->pin = r->pos;
        int c = skip_ws(r, err);
        if (c == -2) return -1;
        if (c == '}') {
            r->pos++;
            return 0;
        }
        if (c != ',')
            return set_err(r, err, r->pos, c == -1 ? "unexpected end of input: missing '}' to close the top-level "
                                                     "object%s"
                                                   : "expected ',' or '}' after object member, found %s",
                           c == -1 ? "" : describe(c, d, sizeof d));
        r->pos++;
        c = skip_ws(r, err);
        if (c != '"') {
            if (c != -2) set_err(r, err, r->pos, "expected a string key in object, found %s", describe(c, d, sizeof d));
            return -1;
        }
        uint64_t koff = r->pos, kend, vend;
        if (frame_value(r, koff, &kend, err) < 0) return -1;
        r->pos = kend;
        c = skip_ws(r, err);
        if (c != ':') {
            if (c != -2) set_err(r, err, r->pos, "expected ':' after object key, found %s", describe(c, d, sizeof d));
            return -1;
        }
        r->pos++;
        if (skip_ws(r, err) == -2) return -1;
        if (frame_value(r, r->pos, &vend, err) < 0) return -1;
        header_add(r, koff, kend - koff, r->pos, vend - r->pos);
        r->pos = vend;
    }
}

int cw_jreader_next(cw_jreader *r, cw_arena *a, cw_jrecord *rec, cw_json_err *err)
{
    char d[24];
    memset(err, 0, sizeof *err);
    for (;;) {
        if (r->fatal) return 0;
        if (r->mode == M_TOP) {
            r->pin = r->pos;
            if (r->pos == 0) { /* UTF-8 BOM */
                int b0 = byte_at(r, 0, err), b1 = byte_at(r, 1, err), b2 = byte_at(r, 2, err);
                if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) r->pos = r->pin = 3;
                if (b0 == -2 || b1 == -2 || b2 == -2) return fatal(r);
            }
            int c = skip_ws(r, err);
            if (c == -2) return fatal(r);
            if (c == -1) {
                if (r->top_values == 0) {
                    set_err(r, err, r->pos, "empty input: expected a JSON value");
                    return fatal(r);
                }
                r->fatal = 1; /* done */
                return 0;
            }
            r->top_values++;
            uint64_t start = r->pos, end;
            if (c == '[') {
                r->mode = M_ARRAY;
                r->array_depth = 1;
                r->first_elem = 1;
                r->open_line = line_of(r, start, &r->open_col);
                r->pos++;
                continue;
            }
            if (c == '{') {
                int k = top_object(r, start, &end, err);
                if (k < 0) return fatal(r);
                if (k == 1) continue;
            } else if (frame_value(r, start, &end, err) < 0) {
                return fatal(r);
            }
            r->pos = end;
            return emit(r, a, start, end, rec, err);
        }
        if (r->mode == M_TRAILER) {
            if (trailer(r, err) < 0) return fatal(r);
            r->mode = M_TOP;
            continue;
        }
        /* M_ARRAY: next element of the stream array */
        r->pin = r->pos;
        int c = skip_ws(r, err);
        if (c == -2) return fatal(r);
        if (c == -1) {
            set_err(r, err, r->pos, "unexpected end of input: missing ']' to close the array opened at line %u, "
                    "column %u", r->open_line, r->open_col);
            return fatal(r);
        }
        if (c == ']' && r->first_elem) goto close;
        if (!r->first_elem) {
            if (c == ']') goto close;
            if (c == ',') {
                r->pos++;
                c = skip_ws(r, err);
                if (c == -2) return fatal(r);
                if (c == ']' || c == -1) {
                    set_err(r, err, r->pos, "expected a value after ',' in array, found %s", describe(c, d, sizeof d));
                    return fatal(r);
                }
            } else {
                /* missing comma: report, then go on with the value if it is one */
                set_err(r, err, r->pos, "expected ',' or ']' after array element, found %s", describe(c, d, sizeof d));
                err->record = r->records + 1;
                if (c != '{' && c != '[' && c != '"') return fatal(r);
                r->first_elem = 1; /* the next call frames this value */
                return -1;
            }
        }
        r->first_elem = 0;
        uint64_t start = r->pos, end;
        if (frame_value(r, start, &end, err) < 0) return fatal(r);
        r->pos = end;
        return emit(r, a, start, end, rec, err);
    close:
        r->pos++;
        r->pin = r->pos;
        r->mode = r->array_depth == 2 ? M_TRAILER : M_TOP;
    }
}

int cw_jreader_next_raw(cw_jreader *r, const char **text, size_t *len, cw_jrecord *rec, cw_json_err *err)
{
    r->raw = 1;
    r->raw_text = NULL;
    r->raw_len = 0;
    int k = cw_jreader_next(r, NULL, rec, err);
    r->raw = 0;
    *text = r->raw_text;
    *len = r->raw_len;
    return k;
}

cw_json *cw_jrecord_parse(cw_arena *a, const char *text, size_t len, const cw_jrecord *rec, cw_json_err *err)
{
    cw_json_err pe;
    memset(&pe, 0, sizeof pe);
    cw_json *v = cw_json_parse_padded(a, text, len, &pe);
    if (v) return v;
    memset(err, 0, sizeof *err);
    memcpy(err->msg, pe.msg, sizeof err->msg);
    size_t off = pe.offset < len ? pe.offset : len;
    err->offset = rec->offset + off;
    err->record = rec->index;
    uint32_t nl = 0;
    size_t last = 0;
    for (size_t i = 0; i < off; i++)
        if (text[i] == '\n') nl++, last = i + 1;
    err->line = rec->line + nl;
    err->col = nl ? (uint32_t)(off - last) + 1 : rec->col + (uint32_t)off;
    return NULL;
}

/* ---- open / close ------------------------------------------------------ */
static cw_jreader *alloc_reader(const cw_jreader_opts *opts)
{
    init_cls();
    cw_jreader *r = cw_xcalloc(1, sizeof *r);
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

/* Sniff gzip magic from the first raw bytes; set up inflate or keep them as data. */
static int start_source(cw_jreader *r, cw_json_err *err)
{
    r->zin = cw_xmalloc(ZCHUNK);
    ssize_t n = raw_read(r, r->zin, 2);
    if (n == 1) { /* one more try for a short first read */
        ssize_t m = raw_read(r, r->zin + 1, 1);
        if (m > 0) n += m;
    }
    if (n < 0) {
        snprintf(err->msg, sizeof err->msg, "read error: %s", strerror(errno));
        return -1;
    }
    if (n == 2 && r->zin[0] == 0x1f && r->zin[1] == 0x8b) {
        r->gz = 1;
        memset(&r->zs, 0, sizeof r->zs);
        if (inflateInit2(&r->zs, 15 + 16) != Z_OK) {
            snprintf(err->msg, sizeof err->msg, "cannot initialise gzip decoder");
            return -1;
        }
        r->zs.next_in = r->zin;
        r->zs.avail_in = 2;
        return 0;
    }
    r->cap = 128 * 1024;
    r->buf = cw_xmalloc(r->cap + CW_JSON_PADDING);
    memcpy(r->buf, r->zin, (size_t)(n > 0 ? n : 0));
    r->len = (size_t)(n > 0 ? n : 0);
    memset(r->buf + r->len, 0, CW_JSON_PADDING);
    return 0;
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
    if (start_source(r, err) < 0) {
        cw_jreader_close(r);
        return NULL;
    }
    return r;
}

cw_jreader *cw_jreader_open_mem(const char *buf, size_t len, const cw_jreader_opts *opts, cw_json_err *err)
{
    memset(err, 0, sizeof *err);
    cw_jreader *r = alloc_reader(opts);
    r->mem = buf ? buf : "";
    r->mem_len = buf ? len : 0;
    r->file_size = len;
    if (start_source(r, err) < 0) {
        cw_jreader_close(r);
        return NULL;
    }
    return r;
}

const cw_json *cw_jreader_header(cw_jreader *r) { return r->header; }
uint64_t cw_jreader_bytes_read(const cw_jreader *r) { return r->pos; }
uint64_t cw_jreader_input_size(const cw_jreader *r) { return r->gz ? 0 : r->file_size; }

void cw_jreader_close(cw_jreader *r)
{
    if (!r) return;
    if (r->gz) inflateEnd(&r->zs);
    if (r->own_fd && r->fd >= 0) close(r->fd);
    free(r->zin);
    free(r->buf);
    cw_arena_free(&r->harena);
    free(r);
}
