/* emit.h - private helpers shared by the output writers (not a public API).
 *
 * cw_emit buffers output in a cw_strbuf and writes it in large chunks; the
 * first failed write is remembered (errno) and reported by cw_emit_finish(),
 * so writers can append freely and check once.
 *
 * cw_jw writes JSON incrementally (pretty or compact) without building a
 * tree: keys and values are escaped with cw_sb_add_json_str, so invalid
 * UTF-8 in cloud data still yields valid JSON. */
#ifndef CW_OUTPUT_EMIT_H
#define CW_OUTPUT_EMIT_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../util/strbuf.h"
#include "output.h"

#define CW_TOOL_NAME "cloudwarden"

typedef struct cw_emit {
    FILE *out;
    cw_strbuf sb;
    int err; /* errno of the first failed write, 0 when none */
} cw_emit;

void cw_emit_init(cw_emit *e, FILE *out);
/* Write the buffer out once it holds a large chunk. */
void cw_emit_maybe_flush(cw_emit *e);
/* Write what is left, fflush, check ferror; frees the buffer.
 * Returns 0, or -1 with errno set to the first failure. */
int cw_emit_finish(cw_emit *e);

/* ---- incremental JSON writer ------------------------------------------ */
#define CW_JW_MAX_DEPTH 32
typedef struct cw_jw {
    cw_strbuf *sb;
    int indent;      /* spaces per level; < 0 = compact */
    int depth;
    bool after_key;  /* a key was written; the next value follows it */
    int flat_from;   /* > 0: containers at this depth or deeper are written on one line */
    bool nonempty[CW_JW_MAX_DEPTH];
    char closer[CW_JW_MAX_DEPTH];
} cw_jw;

void cw_jw_init(cw_jw *w, cw_strbuf *sb, int indent);
void cw_jw_obj(cw_jw *w);  /* { */
void cw_jw_arr(cw_jw *w);  /* [ */
void cw_jw_end(cw_jw *w);  /* } or ] closing the innermost container */
/* Separator and indentation for a value the caller then appends to w->sb
 * itself, as complete JSON (a fast path for writers of many small objects). */
void cw_jw_raw(cw_jw *w);
void cw_jw_keyn(cw_jw *w, const char *k, size_t n);
/* inline, so that the length of a literal key is known at compile time */
static inline void cw_jw_key(cw_jw *w, const char *k) { cw_jw_keyn(w, k, __builtin_strlen(k)); }
void cw_jw_str(cw_jw *w, const char *s); /* NULL -> null */
void cw_jw_int(cw_jw *w, int64_t v);
void cw_jw_uint(cw_jw *w, uint64_t v);
void cw_jw_bool(cw_jw *w, bool b);
void cw_jw_null(cw_jw *w);
static inline void cw_jw_kstr(cw_jw *w, const char *k, const char *s) { cw_jw_key(w, k), cw_jw_str(w, s); }
static inline void cw_jw_kint(cw_jw *w, const char *k, int64_t v) { cw_jw_key(w, k), cw_jw_int(w, v); }
static inline void cw_jw_kuint(cw_jw *w, const char *k, uint64_t v) { cw_jw_key(w, k), cw_jw_uint(w, v); }
/* key + value shorthands */
/* key + array of strings, omitted entirely when n is 0 */
void cw_jw_kstrs(cw_jw *w, const char *k, const char *const *v, size_t n);
/* key + value, omitted entirely when s is NULL */
void cw_jw_kstr_opt(cw_jw *w, const char *k, const char *s);

/* ---- shared helpers ---------------------------------------------------- */
/* A finding is written unless it is suppressed and o->show_suppressed is off. */
bool cw_out_visible(const cw_finding *f, const cw_output_opts *o);

/* Write every visible finding as an element of the JSON array w has open,
 * with fn (thread-safe: it may run on two threads for large outputs; the
 * bytes are the same as writing them one after another). Each element is
 * written on a line of its own, compact (grep-able, and half the bytes of
 * indented JSON on large outputs). */
/* Outputs with at least o->exec's min_items findings are formatted on its
 * pool's threads. */
typedef void (*cw_out_item_fn)(cw_jw *w, const cw_finding *f, const void *ctx);
void cw_out_items(cw_emit *e, cw_jw *w, const cw_findings *fs, const cw_output_opts *o, cw_out_item_fn fn,
                  const void *ctx);
/* Stable 128-bit fingerprint of (rule id, resource type, resource id, id, account,
 * region) as 32 lowercase hex digits: unique per finding of a scan, the same
 * across scans (SARIF fingerprints, OCSF finding_info.uid, baselines). */
void cw_out_fingerprint(const cw_finding *f, char out[33]);
/* Parse ISO 8601 UTC ("2026-01-01T00:00:00Z", fraction and +hh:mm offset
 * accepted) to milliseconds since the epoch; -1 when malformed. */
int64_t cw_out_iso_to_ms(const char *s);
/* Scan start in ms: info->started when parseable, else the current time. */
int64_t cw_out_started_ms(const cw_scan_info *info);
const char *cw_out_rule_id(const cw_finding *f);
const char *cw_out_resource_id(const cw_finding *f);

/* Writers (one file each). */
int cw_out_table(FILE *out, const cw_scan_info *info, const cw_findings *f, const cw_output_opts *o);
int cw_out_json(FILE *out, const cw_scan_info *info, const cw_findings *f, const cw_output_opts *o);
int cw_out_ocsf(FILE *out, const cw_scan_info *info, const cw_findings *f, const cw_output_opts *o);
int cw_out_sarif(FILE *out, const cw_scan_info *info, const cw_findings *f, const cw_output_opts *o);
int cw_out_csv(FILE *out, const cw_scan_info *info, const cw_findings *f, const cw_output_opts *o);
#endif
