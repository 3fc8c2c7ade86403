/* jreader.c - streaming record reader over plain or gzip input.
 *
 * A small framing scanner (string and escape aware, depth counting) finds the
 * boundaries of records in a window of the input; each record's bytes are
 * then parsed by simdjson (cw_json_parse_padded) in place. Memory is bounded
 * by the largest record plus the read chunk. Lines are counted lazily, up to
 * the start of each record and to error positions. See json.h for the modes
 * and the error semantics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "jreader_int.h"

static const char *describe(int c, char *b, size_t n)
{
    if (c < 0) return "end of input";
    if (c >= 0x21 && c < 0x7f) snprintf(b, n, "'%c'", c);
    else snprintf(b, n, "byte 0x%02X", c);
    return b;
}

/* Byte at absolute position at: 0..255, -1 end of input, -2 error. */
static int byte_at(cw_jreader *r, uint64_t at, cw_json_err *err)
{
    while (at >= r->base + r->len) {
        ssize_t n = cw_jr_more(r, err);
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

void cw_jr_init_cls(void)
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

#ifdef __SSE2__
/* Whole 64-byte blocks of b[0..n) while none holds a backslash: strings by
 * quote parity, depth by counting the brackets outside strings (walking them
 * only in a block where the value may end). Returns the bytes consumed; when
 * the value ends, *found = 1 and *end is the offset just past it. */
#define CW_SCAN_BLOCKS(MASKS, PXOR)                                                                              \
    size_t i = 0;                                                                                                \
    long d = *depth;                                                                                             \
    uint64_t str = *in_str ? ~(uint64_t)0 : 0;                                                                   \
    for (; i + 64 <= n; i += 64) {                                                                               \
        uint64_t qt, bs, op, cl;                                                                                 \
        MASKS(b + i, &qt, &bs, &op, &cl);                                                                        \
        if (bs) break;                                                                                           \
        uint64_t inside = PXOR(qt) ^ str;                                                                        \
        uint64_t o = op & ~inside, c = cl & ~inside;                                                             \
        if ((long)__builtin_popcountll(c) < d) {                                                                 \
            d += (long)__builtin_popcountll(o) - (long)__builtin_popcountll(c);                                  \
        } else {                                                                                                 \
            for (uint64_t br = o | c; br; br &= br - 1) {                                                        \
                unsigned k = (unsigned)__builtin_ctzll(br);                                                      \
                if ((op >> k) & 1) d++;                                                                          \
                else if (--d == 0) {                                                                             \
                    *end = i + k + 1;                                                                            \
                    *found = 1;                                                                                  \
                    *depth = 0;                                                                                  \
                    return i;                                                                                    \
                }                                                                                                \
            }                                                                                                    \
        }                                                                                                        \
        str = (uint64_t)((int64_t)inside >> 63);                                                                 \
    }                                                                                                            \
    *depth = d;                                                                                                  \
    *in_str = str != 0;                                                                                          \
    return i;

CW_POPCNT_CLONES static size_t scan_blocks_sse2(const unsigned char *b, size_t n, long *depth, int *in_str,
                                                size_t *end, int *found)
{
    CW_SCAN_BLOCKS(block_masks, prefix_xor)
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define CW_HAVE_AVX2_SCAN 1
__attribute__((target("avx2,pclmul,popcnt"))) static inline void block_masks_avx2(const unsigned char *b, uint64_t *qt,
                                                                                  uint64_t *bs, uint64_t *op,
                                                                                  uint64_t *cl)
{
    const __m256i q = _mm256_set1_epi8('"'), s = _mm256_set1_epi8('\\'), o = _mm256_set1_epi8(0x7B),
                  c = _mm256_set1_epi8(0x7D), b5 = _mm256_set1_epi8(0x20);
    __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)b);
    __m256i v1 = _mm256_loadu_si256((const __m256i *)(const void *)(b + 32));
    __m256i t0 = _mm256_or_si256(v0, b5), t1 = _mm256_or_si256(v1, b5);
#define CW_M2(x0, x1, k) ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x0, k)) |                        \
                          (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x1, k)) << 32)
    *qt = CW_M2(v0, v1, q);
    *bs = CW_M2(v0, v1, s);
    *op = CW_M2(t0, t1, o);
    *cl = CW_M2(t0, t1, c);
#undef CW_M2
}

__attribute__((target("avx2,pclmul,popcnt"))) static inline uint64_t prefix_xor_clmul(uint64_t m)
{
    /* carry-less multiplication by all ones: bit k = xor of bits 0..k */
    __m128i r = _mm_clmulepi64_si128(_mm_set_epi64x(0, (long long)m), _mm_set1_epi8((char)0xFF), 0);
    return (uint64_t)_mm_cvtsi128_si64(r);
}

__attribute__((target("avx2,pclmul,popcnt"))) static size_t scan_blocks_avx2(const unsigned char *b, size_t n,
                                                                             long *depth, int *in_str, size_t *end,
                                                                             int *found)
{
    CW_SCAN_BLOCKS(block_masks_avx2, prefix_xor_clmul)
}
#endif

int cw_jr_sse2_only;

cw_jr_scan_fn cw_jr_pick_scan(void)
{
#ifdef CW_HAVE_AVX2_SCAN
    __builtin_cpu_init();
    if (!cw_jr_sse2_only && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("popcnt"))
        return scan_blocks_avx2;
#endif
    return scan_blocks_sse2;
}
#else
int cw_jr_sse2_only;
cw_jr_scan_fn cw_jr_pick_scan(void) { return NULL; }
#endif

/* Find the end (exclusive) of the value starting at start. 0 ok, -1 error. */
CW_POPCNT_CLONES static int frame_value(cw_jreader *r, uint64_t start, uint64_t *end, cw_json_err *err)
{
    int c = byte_at(r, start, err);
    if (c < 0) return c == -2 ? -1 : cw_jr_set_err(r, err, start, "unexpected end of input: expected a value");
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
            return cw_jr_set_err(r, err, start,
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
            /* whole 64-byte blocks without backslashes at SIMD speed; a block
             * with one is walked byte by byte */
            if (!esc && depth > 0 && i + 64 <= n && r->base + i >= scalar_until && r->scan) {
                size_t off = 0;
                int found = 0;
                size_t used = r->scan(b + i, n - i, &depth, &in_str, &off, &found);
                if (found) {
                    *end = r->base + i + off;
                    return 0;
                }
                i += used;
                if (i + 64 <= n) scalar_until = r->base + i + 64;
                continue;
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
                return cw_jr_set_err(r, err, r->base + i - 1, "unbalanced '%c'", ch);
            }
        }
        p = r->base + i;
        ssize_t m = cw_jr_more(r, err);
        if (m < 0) return -1;
        if (m == 0) {
            uint32_t col, line = cw_jr_line_of(r, start, &col);
            if (in_str)
                return cw_jr_set_err(r, err, p, "unexpected end of input: unterminated string in the value that starts "
                               "at line %u, column %u", line, col);
            return cw_jr_set_err(r, err, p, "unexpected end of input: missing '%c' to close the %s opened at line %u, "
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
    rec->line = cw_jr_line_of(r, s, &rec->col);
    if (e - s > r->o.max_record_bytes) {
        cw_jr_set_err(r, err, s, "the JSON value starting at line %u, column %u is larger than the limit of %zu bytes "
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
    rec->value = cw_json_parse_padded(a, r->buf + (s - r->base), (size_t)(e - s), r->proj, &pe);
    if (!rec->value) {
        cw_jr_set_err(r, err, s + pe.offset, "%s", pe.msg);
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
    oline = cw_jr_line_of(r, start, &ocol);
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
                    cw_jr_set_err(r, err, r->pos, "unexpected end of input: missing '}' to close the object opened at "
                            "line %u, column %u", oline, ocol);
                else
                    cw_jr_set_err(r, err, r->pos, "expected ',' or '}' after object member, found %s", describe(c, d, sizeof d));
                goto out;
            }
            r->pos++;
            c = skip_ws(r, err);
            if (c == -2) goto out;
        }
        if (c != '"') {
            if (c == -1)
                cw_jr_set_err(r, err, r->pos, "unexpected end of input: missing '}' to close the object opened at "
                        "line %u, column %u", oline, ocol);
            else
                cw_jr_set_err(r, err, r->pos, "expected a string key in object, found %s", describe(c, d, sizeof d));
            goto out;
        }
        uint64_t koff = r->pos, kend;
        if (frame_value(r, koff, &kend, err) < 0) goto out;
        r->pos = kend;
        c = skip_ws(r, err);
        if (c != ':') {
            if (c != -2) cw_jr_set_err(r, err, r->pos, "expected ':' after object key, found %s", describe(c, d, sizeof d));
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
            r->open_line = cw_jr_line_of(r, r->pos, &r->open_col);
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
            return cw_jr_set_err(r, err, r->pos, c == -1 ? "unexpected end of input: missing '}' to close the top-level "
                                                     "object%s"
                                                   : "expected ',' or '}' after object member, found %s",
                           c == -1 ? "" : describe(c, d, sizeof d));
        r->pos++;
        c = skip_ws(r, err);
        if (c != '"') {
            if (c != -2) cw_jr_set_err(r, err, r->pos, "expected a string key in object, found %s", describe(c, d, sizeof d));
            return -1;
        }
        uint64_t koff = r->pos, kend, vend;
        if (frame_value(r, koff, &kend, err) < 0) return -1;
        r->pos = kend;
        c = skip_ws(r, err);
        if (c != ':') {
            if (c != -2) cw_jr_set_err(r, err, r->pos, "expected ':' after object key, found %s", describe(c, d, sizeof d));
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
                if (b0 == -2 || b1 == -2 || b2 == -2) return cw_jr_fatal(r);
            }
            int c = skip_ws(r, err);
            if (c == -2) return cw_jr_fatal(r);
            if (c == -1) {
                if (r->top_values == 0) {
                    cw_jr_set_err(r, err, r->pos, "empty input: expected a JSON value");
                    return cw_jr_fatal(r);
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
                r->open_line = cw_jr_line_of(r, start, &r->open_col);
                r->pos++;
                continue;
            }
            if (c == '{') {
                int k = top_object(r, start, &end, err);
                if (k < 0) return cw_jr_fatal(r);
                if (k == 1) continue;
            } else if (frame_value(r, start, &end, err) < 0) {
                return cw_jr_fatal(r);
            }
            r->pos = end;
            return emit(r, a, start, end, rec, err);
        }
        if (r->mode == M_TRAILER) {
            if (trailer(r, err) < 0) return cw_jr_fatal(r);
            r->mode = M_TOP;
            continue;
        }
        /* M_ARRAY: next element of the stream array */
        r->pin = r->pos;
        int c = skip_ws(r, err);
        if (c == -2) return cw_jr_fatal(r);
        if (c == -1) {
            cw_jr_set_err(r, err, r->pos, "unexpected end of input: missing ']' to close the array opened at line %u, "
                    "column %u", r->open_line, r->open_col);
            return cw_jr_fatal(r);
        }
        if (c == ']' && r->first_elem) goto close;
        if (!r->first_elem) {
            if (c == ']') goto close;
            if (c == ',') {
                r->pos++;
                c = skip_ws(r, err);
                if (c == -2) return cw_jr_fatal(r);
                if (c == ']' || c == -1) {
                    cw_jr_set_err(r, err, r->pos, "expected a value after ',' in array, found %s", describe(c, d, sizeof d));
                    return cw_jr_fatal(r);
                }
            } else {
                /* missing comma: report, then go on with the value if it is one */
                cw_jr_set_err(r, err, r->pos, "expected ',' or ']' after array element, found %s", describe(c, d, sizeof d));
                err->record = r->records + 1;
                if (c != '{' && c != '[' && c != '"') return cw_jr_fatal(r);
                r->first_elem = 1; /* the next call frames this value */
                return -1;
            }
        }
        r->first_elem = 0;
        uint64_t start = r->pos, end;
        if (frame_value(r, start, &end, err) < 0) return cw_jr_fatal(r);
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

void cw_jreader_set_projection(cw_jreader *r, const cw_jproj *p) { r->proj = p; }

cw_json *cw_jrecord_parse(cw_arena *a, const char *text, size_t len, const cw_jrecord *rec, cw_json_err *err)
{
    return cw_jrecord_parse_proj(a, text, len, NULL, rec, err);
}

cw_json *cw_jrecord_parse_proj(cw_arena *a, const char *text, size_t len, const cw_jproj *p, const cw_jrecord *rec,
                               cw_json_err *err)
{
    cw_json_err pe;
    memset(&pe, 0, sizeof pe);
    cw_json *v = cw_json_parse_padded(a, text, len, p, &pe);
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

