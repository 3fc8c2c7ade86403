/* display.c - see display.h. */
#include "display.h"

#include <string.h>

bool cw_cp_invisible(uint32_t c)
{
    return c == 0x00AD                        /* soft hyphen */
           || c == 0x061C                     /* ARABIC LETTER MARK */
           || c == 0x180E                     /* MONGOLIAN VOWEL SEPARATOR */
           || (c >= 0x200B && c <= 0x200F)    /* zero-width space/joiners, LRM, RLM */
           || (c >= 0x2028 && c <= 0x202E)    /* line/paragraph separators, LRE RLE PDF LRO RLO */
           || (c >= 0x2060 && c <= 0x206F)    /* word joiner, invisible operators, LRI RLI FSI PDI, deprecated */
           || c == 0xFEFF                     /* zero-width no-break space (BOM) */
           || (c >= 0xFFF9 && c <= 0xFFFB)    /* interlinear annotation */
           || (c >= 0xE0000 && c <= 0xE007F); /* Tags block */
}

static uint32_t decode(const unsigned char *p, size_t l)
{
    if (l == 1) return p[0];
    uint32_t cp = p[0] & (0x3F >> (l - 1));
    for (size_t i = 1; i < l; i++) cp = (cp << 6) | (p[i] & 0x3F);
    return cp;
}

static bool keep_ws(unsigned c, unsigned flags)
{
    return (c == '\n' && (flags & CW_DISP_KEEP_NL)) || (c == '\t' && (flags & CW_DISP_KEEP_TAB)) ||
           (c == '\r' && (flags & CW_DISP_KEEP_CR));
}

bool cw_display_plain(const char *s, size_t n, unsigned flags)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        if (c >= 0x20 && c < 0x7F) {
            i++;
            continue;
        }
        if (c < 0x80) {
            if ((c == '\n' || c == '\t' || c == '\r') && !(flags & CW_DISP_WS_SPACE) && keep_ws(c, flags)) {
                i++;
                continue;
            }
            return false;
        }
        size_t l = cw_utf8_len(p + i, n - i);
        if (!l) return false;
        uint32_t cp = decode(p + i, l);
        if (cp < 0xA0 || cw_cp_invisible(cp)) return false;
        i += l;
    }
    return true;
}

void cw_sb_add_display(cw_strbuf *sb, const char *s, size_t n, unsigned flags)
{
    static const char hex[] = "0123456789abcdef";
    if (!s) return;
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0, i = 0;
    while (i < n) {
        unsigned c = p[i];
        if (c >= 0x20 && c < 0x7F) {
            i++;
            continue;
        }
        size_t l = 1;
        uint32_t cp = c;
        if (c >= 0x80) {
            l = cw_utf8_len(p + i, n - i);
            if (l) {
                cp = decode(p + i, l);
                if (cp >= 0xA0 && !cw_cp_invisible(cp)) {
                    i += l;
                    continue;
                }
            }
        } else if (c == '\n' || c == '\t' || c == '\r') {
            if (flags & CW_DISP_WS_SPACE) {
                cw_sb_add(sb, s + run, i - run);
                cw_sb_addc(sb, ' ');
                run = ++i;
                continue;
            }
            if (keep_ws(c, flags)) {
                i++;
                continue;
            }
        }
        cw_sb_add(sb, s + run, i - run);
        if (l == 0 || cp < 0x80) { /* a control byte, or a byte of invalid UTF-8 */
            char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            cw_sb_add(sb, e, 4);
            l = 1;
        } else if (cp <= 0xFFFF) {
            char e[6] = {'\\', 'u', hex[cp >> 12], hex[(cp >> 8) & 15], hex[(cp >> 4) & 15], hex[cp & 15]};
            cw_sb_add(sb, e, 6);
        } else {
            cw_sb_printf(sb, "\\U%08x", (unsigned)cp);
        }
        i += l;
        run = i;
    }
    cw_sb_add(sb, s + run, n - run);
}

void cw_sb_add_displays(cw_strbuf *sb, const char *s, unsigned flags)
{
    if (s) cw_sb_add_display(sb, s, strlen(s), flags);
}

bool cw_fwrite_display(FILE *out, const char *s, size_t n)
{
    const unsigned keep = CW_DISP_KEEP_NL | CW_DISP_KEEP_TAB;
    if (cw_display_plain(s, n, keep)) return fwrite(s, 1, n, out) == n;
    cw_strbuf t = CW_STRBUF_INIT;
    cw_sb_add_display(&t, s, n, keep);
    bool ok = fwrite(t.buf, 1, t.len, out) == t.len;
    cw_sb_free(&t);
    return ok;
}
