/* diag.h - user-facing diagnostics and exit codes.
 *
 * Exit codes (documented in docs/cli.md):
 *   0 clean, 1 findings at/above --fail-on, 2 usage or input error, 3 internal error.
 *
 * A cw_diags collects every error of one load (a rule pack, an input file) so
 * they can be reported together. Each diagnostic names a place: file, line and
 * column (1-based; 0 = unknown) or a record number, and says what was expected. */
#ifndef CW_DIAG_H
#define CW_DIAG_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
#define CW_NORETURN [[noreturn]]
#else
#define CW_NORETURN _Noreturn
#endif

enum { CW_EXIT_OK = 0, CW_EXIT_FINDINGS = 1, CW_EXIT_USAGE = 2, CW_EXIT_INTERNAL = 3 };

typedef enum { CW_DIAG_ERROR, CW_DIAG_WARNING, CW_DIAG_NOTE } cw_diag_level;

typedef struct cw_diag {
    cw_diag_level level;
    char *file;      /* may be NULL */
    uint32_t line, col;
    uint64_t record; /* 1-based record number, 0 = none */
    char *msg;
    char *source_line; /* the offending line's text for a caret display, may be NULL */
} cw_diag;

typedef struct cw_diags {
    cw_diag *v;
    size_t n, cap;
    size_t errors, warnings;
} cw_diags;

void cw_diags_init(cw_diags *d);
void cw_diags_free(cw_diags *d);
void cw_diag_add(cw_diags *d, cw_diag_level lvl, const char *file, uint32_t line, uint32_t col,
                 uint64_t record, const char *source_line, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
/* Among d->v[from..n), keep the first `keep` notes of each text and drop the
 * other notes with the same text, adding one note per text that says how
 * many were dropped ("... and 998 more like it in FILE"). Errors and
 * warnings are never dropped. */
void cw_diags_collapse_notes(cw_diags *d, size_t from, size_t keep);
/* Print all as "file:line:col: error: msg" (+ source line and caret) to stderr. */
void cw_diags_print(const cw_diags *d);
/* Format one diagnostic into a malloc'd string (without trailing newline). */
char *cw_diag_format(const cw_diag *g);

/* Immediate messages to stderr, prefixed "cloudwarden: ". */
void cw_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cw_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cw_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Line/column (1-based) of byte offset off in buf[0..len). Column counts bytes. */
void cw_offset_to_linecol(const char *buf, size_t len, size_t off, uint32_t *line, uint32_t *col);
/* Copy of the line containing offset off (at most 200 bytes), malloc'd. */
char *cw_line_at(const char *buf, size_t len, size_t off);
#ifdef __cplusplus
}
#endif
#endif
