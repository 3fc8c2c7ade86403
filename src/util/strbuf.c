#include "strbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "display.h"
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static char empty_str[1];

void cw_sb_init(cw_strbuf *sb) { sb->buf = NULL, sb->len = sb->cap = 0; }
void cw_sb_free(cw_strbuf *sb)
{
    free(sb->buf);
    cw_sb_init(sb);
}
void cw_sb_reset(cw_strbuf *sb)
{
    sb->len = 0;
    if (sb->buf) sb->buf[0] = 0;
}
void cw_sb_grow(cw_strbuf *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap) return;
    size_t nc = sb->cap ? sb->cap * 2 : 64;
    while (nc < sb->len + extra + 1) nc *= 2;
    sb->buf = cw_xrealloc(sb->buf, nc);
    sb->cap = nc;
}
void cw_sb_add(cw_strbuf *sb, const void *p, size_t n)
{
    cw_sb_grow(sb, n);
    if (n) memcpy(sb->buf + sb->len, p, n);
    sb->len += n;
    sb->buf[sb->len] = 0;
}
void cw_sb_adds(cw_strbuf *sb, const char *s) { cw_sb_add(sb, s, strlen(s)); }
void cw_sb_addn(cw_strbuf *sb, char c, size_t n)
{
    cw_sb_grow(sb, n);
    memset(sb->buf + sb->len, c, n);
    sb->len += n;
    sb->buf[sb->len] = 0;
}
void cw_sb_vprintf(cw_strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n > 0) {
        cw_sb_grow(sb, (size_t)n);
        vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap2);
        sb->len += (size_t)n;
    }
    va_end(ap2);
}
void cw_sb_printf(cw_strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cw_sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

size_t cw_utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80) return 1;
    size_t len;
    unsigned min;
    if (c >= 0xC2 && c <= 0xDF) len = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, min = 0x10000;
    else return 0;
    if (n < len) return 0;
    unsigned cp = c & (0x3F >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

/* A valid UTF-8 sequence of l bytes that display.h calls invisible. */
static bool json_invisible(const unsigned char *p, size_t l)
{
    uint32_t cp = p[0] & (0x3F >> (l - 1));
    for (size_t k = 1; k < l; k++) cp = (cp << 6) | (p[k] & 0x3F);
    return cw_cp_invisible(cp);
}

void cw_sb_add_json_str(cw_strbuf *sb, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    cw_sb_grow(sb, n + 2);
    cw_sb_addc(sb, '"');
    size_t run = 0; /* start of pending run of plain bytes */
    size_t i = 0;
    while (i < n) {
#ifdef __SSE2__
        /* 16 plain bytes at a time: no quote, backslash, control or non-ASCII byte */
        const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), sp = _mm_set1_epi8(0x20);
        while (i + 16 <= n) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            /* signed compare: bytes >= 0x80 are negative, so "< 0x20" also catches them */
            __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)),
                                           _mm_cmplt_epi8(v, sp));
            int m = _mm_movemask_epi8(special);
            if (m) {
                i += (size_t)__builtin_ctz((unsigned)m);
                break;
            }
            i += 16;
        }
        if (i >= n) break;
#endif
        unsigned c = p[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t l = cw_utf8_len(p + i, n - i);
            /* C1 controls and code points that change how the text around them
             * is shown (U+202E...) as \u escapes: the same value to a parser,
             * harmless on a terminal (util/display.h) */
            if (l && !((l == 2 && c == 0xC2 && p[i + 1] < 0xA0) || json_invisible(p + i, l))) {
                i += l;
                continue;
            }
            if (l) {
                cw_sb_add(sb, s + run, i - run);
                uint32_t cp = p[i] & (0x3F >> (l - 1));
                for (size_t k = 1; k < l; k++) cp = (cp << 6) | (p[i + k] & 0x3F);
                uint32_t u[2] = {cp, 0};
                if (cp > 0xFFFF) u[0] = 0xD800 + ((cp - 0x10000) >> 10), u[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
                for (int k = 0; k < 2 && u[k]; k++) {
                    char e[6] = {'\\', 'u', hex[u[k] >> 12], hex[(u[k] >> 8) & 15], hex[(u[k] >> 4) & 15], hex[u[k] & 15]};
                    cw_sb_add(sb, e, 6);
                }
                i += l;
                run = i;
                continue;
            }
        }
        cw_sb_add(sb, s + run, i - run);
        switch (c) {
        case '"': cw_sb_add(sb, "\\\"", 2); break;
        case '\\': cw_sb_add(sb, "\\\\", 2); break;
        case '\n': cw_sb_add(sb, "\\n", 2); break;
        case '\r': cw_sb_add(sb, "\\r", 2); break;
        case '\t': cw_sb_add(sb, "\\t", 2); break;
        default:
            if (c < 0x20) {
                char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                cw_sb_add(sb, e, 6);
            } else {
                cw_sb_add(sb, "\xEF\xBF\xBD", 3); /* invalid UTF-8 byte */
            }
        }
        i++;
        run = i;
    }
    cw_sb_add(sb, s + run, n - run);
    cw_sb_addc(sb, '"');
}

#ifdef __SSE2__
/* Reading past the NUL (below) is safe for the machine but not for the
 * sanitizers, which do not know that: they look away from these two. */
#if defined(__clang__) || defined(__GNUC__)
#define CW_NO_ASAN __attribute__((no_sanitize("address")))
#else
#define CW_NO_ASAN
#endif

/* Bytes of an aligned block that end a plain run: NUL and other controls,
 * quote, backslash, non-ASCII. */
CW_NO_ASAN static inline unsigned special16(const unsigned char *blk)
{
    const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), sp = _mm_set1_epi8(0x20);
    __m128i v = _mm_load_si128((const __m128i *)(const void *)blk);
    return (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)), _mm_cmplt_epi8(v, sp)));
}

/* Length of the plain run at s (up to its NUL or first byte to escape), in
 * aligned 16-byte loads: an aligned load never crosses into another page. */
CW_NO_ASAN static size_t plain_run(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t mis = (uintptr_t)p & 15;
    const unsigned char *blk = p - mis;
    unsigned m = special16(blk) >> mis;
    if (m) return (size_t)__builtin_ctz(m);
    size_t i = 16 - mis;
    for (;;) {
        m = special16(p + i);
        if (m) return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
}
#endif

void cw_sb_add_json_cstr(cw_strbuf *sb, const char *s)
{
#ifdef __SSE2__
    size_t i = plain_run(s);
    if (s[i] == 0) { /* nothing to escape: one pass found the end too */
        cw_sb_grow(sb, i + 2);
        sb->buf[sb->len++] = '"';
        memcpy(sb->buf + sb->len, s, i);
        sb->len += i;
        sb->buf[sb->len++] = '"';
        sb->buf[sb->len] = 0;
        return;
    }
    cw_sb_add_json_str(sb, s, i + strlen(s + i));
#else
    cw_sb_add_json_str(sb, s, strlen(s));
#endif
}

char *cw_sb_detach(cw_strbuf *sb)
{
    char *p = sb->buf ? sb->buf : cw_xstrdup(empty_str);
    cw_sb_init(sb);
    return p;
}
