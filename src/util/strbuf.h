/* strbuf.h - growable byte string (malloc-backed). Always NUL-terminated. */
#ifndef CW_STRBUF_H
#define CW_STRBUF_H
#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cw_strbuf {
    char *buf;
    size_t len, cap;
} cw_strbuf;

#define CW_STRBUF_INIT {NULL, 0, 0}
void cw_sb_init(cw_strbuf *sb);
void cw_sb_free(cw_strbuf *sb);
void cw_sb_reset(cw_strbuf *sb);           /* len = 0, keeps memory */
void cw_sb_grow(cw_strbuf *sb, size_t extra);
void cw_sb_add(cw_strbuf *sb, const void *p, size_t n);
void cw_sb_adds(cw_strbuf *sb, const char *s);
void cw_sb_printf(cw_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cw_sb_vprintf(cw_strbuf *sb, const char *fmt, va_list ap);
/* Append s (n bytes) as a JSON string literal, quotes included. Invalid UTF-8
 * bytes are replaced by U+FFFD so the output is always valid JSON. */
void cw_sb_add_json_str(cw_strbuf *sb, const char *s, size_t n);
/* The same for a NUL-terminated string, without a separate strlen pass. */
void cw_sb_add_json_cstr(cw_strbuf *sb, const char *s);
char *cw_sb_detach(cw_strbuf *sb);         /* caller frees; sb is reset */
/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 when invalid
 * (overlong, surrogate, beyond U+10FFFF, truncated). A byte < 0x80 is 1. */
size_t cw_utf8_len(const unsigned char *s, size_t n);
/* Append one byte (inline: output writers call it per character). */
static inline void cw_sb_addc(cw_strbuf *sb, char c)
{
    if (sb->len + 2 > sb->cap) cw_sb_grow(sb, 1);
    sb->buf[sb->len++] = c;
    sb->buf[sb->len] = 0;
}
/* Append n copies of c. */
void cw_sb_addn(cw_strbuf *sb, char c, size_t n);
#ifdef __cplusplus
}
#endif
#endif
