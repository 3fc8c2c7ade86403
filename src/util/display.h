/* display.h - text from inventories, rule packs and file names shown to people.
 *
 * Such text may hold bytes that drive a terminal (ESC sequences, BEL, C1
 * controls such as U+009B CSI) or code points that change how the text around
 * them is shown without being visible themselves: bidirectional controls
 * (U+202E RIGHT-TO-LEFT OVERRIDE makes "evil\u202Egpj.exe" read "evilexe.jpg"),
 * line and paragraph separators, zero-width and other invisible format
 * characters, the Tags block. Everywhere such text reaches a terminal or a
 * spreadsheet (the table, CSV, diagnostics) it is written with these made
 * visible as escapes: "\x1b" for a control byte or an invalid UTF-8 byte,
 * "\u202e" (or "\U000e0041") for an invisible code point. Everything else is
 * copied unchanged, so plain ids stay whole and can be pasted. */
#ifndef CW_DISPLAY_H
#define CW_DISPLAY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    CW_DISP_KEEP_NL = 1,    /* keep '\n' */
    CW_DISP_KEEP_TAB = 2,   /* keep '\t' */
    CW_DISP_KEEP_CR = 4,    /* keep '\r' */
    CW_DISP_WS_SPACE = 8,   /* '\n', '\r' and '\t' become one space each (the table) */
};

/* Whether code point c is shown as nothing while changing the display of the
 * text around it (bidi controls, separators, zero-width and format characters). */
bool cw_cp_invisible(uint32_t c);
/* Whether s[0..n) needs no escape at all (the common case: a fast check). */
bool cw_display_plain(const char *s, size_t n, unsigned flags);
/* Append s[0..n) to sb with controls, invalid bytes and invisible code points
 * escaped as described above. */
void cw_sb_add_display(cw_strbuf *sb, const char *s, size_t n, unsigned flags);
/* The same for a NUL-terminated string (NULL appends nothing). */
void cw_sb_add_displays(cw_strbuf *sb, const char *s, unsigned flags);
/* Write text for people (a listing with no colour of its own) to out with
 * newlines and tabs kept and everything else escaped as above; returns
 * false when the write failed. */
bool cw_fwrite_display(FILE *out, const char *s, size_t n);
#ifdef __cplusplus
}
#endif
#endif
