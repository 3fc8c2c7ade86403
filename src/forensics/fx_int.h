/* fx_int.h - internals shared by the forensics units and the investigation. */
#ifndef CW_FX_INT_H
#define CW_FX_INT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/bytesrc.h"
#include "forensics.h"

/* ---- lines.c: a line source over a plain or gzip file ------------------ */
typedef struct cw_fx_lines {
    cw_fx_file *f;
    cw_bytesrc rd;
    cw_gzlimits lim;
    int fd;            /* -1: memory */
    char *buf;
    size_t cap, len, pos;
    size_t max_line;
    uint64_t lineno;   /* of the line last returned */
    bool eof, failed, opened;
} cw_fx_lines;

/* Open f (file or memory). -1 when it cannot be opened (reported). */
int cw_fx_lines_open(cw_fx_lines *l, cw_fx_file *f);
/* 1: *p, *n hold the next line (without "\n" or "\r\n"); lines longer than
 * the limit are reported with cw_fx_bad and skipped. 0: end of input.
 * -1: a read or gzip error (reported; the lines before it were returned). */
int cw_fx_lines_next(cw_fx_lines *l, const char **p, size_t *n);
void cw_fx_lines_close(cw_fx_lines *l);

/* First bytes of a file, decompressed, for sniffing. Returns bytes read, or -1
 * with a message in err. */
long cw_fx_head(const char *path, const void *mem, size_t mem_len, char *buf, size_t cap, char *err,
                size_t errlen);

/* ---- small helpers (fxutil.c) ------------------------------------------ */
static inline bool cw_fx_eq(cw_fx_str s, const char *lit)
{
    size_t n = __builtin_strlen(lit);
    return s.n == n && __builtin_memcmp(s.p, lit, n) == 0;
}
static inline cw_fx_str cw_fx_s(const char *p, size_t n) { return (cw_fx_str){p, n}; }
/* Non-negative decimal, -1 for "-" / empty, -2 when not a number. */
int64_t cw_fx_num(cw_fx_str s);
/* Percent-decode s into out (cap >= s.n); returns the decoded length. */
size_t cw_fx_pct_decode(cw_fx_str s, char *out);
/* The account id in an ARN "arn:partition:service:region:account:...". */
cw_fx_str cw_fx_arn_account(cw_fx_str arn);
/* Strip a port from "1.2.3.4:5678" / "[::1]:80"; IPv6 without brackets is kept. */
cw_fx_str cw_fx_strip_port(cw_fx_str ip);
/* Unix seconds of a civil UTC time; -1 when a part is out of range. */
int64_t cw_fx_civil(int y, int mo, int d, int h, int mi, int s);
/* "2024-03-01T05:00:00[.fff]Z" (or "+hh:mm", or a space instead of T). */
int cw_fx_iso_time(const char *s, size_t n, int64_t *out);
/* Name a file's delivery hour from its name when it carries one (S3 log
 * objects "2024-03-01-05-17-22-...", CloudTrail "..._20240301T0515Z_..."). */
int64_t cw_fx_name_hour(const char *path);

/* Operation tables (ops.c). */
typedef struct cw_fx_opdef {
    const char *log;  /* name as the log writes it */
    const char *api;  /* normalised API name */
    cw_fx_opclass cls;
} cw_fx_opdef;
/* S3 server access log operation ("REST.GET.OBJECT") -> API name and class. */
const cw_fx_opdef *cw_fx_s3_op(cw_fx_str op, bool has_key);
/* CloudTrail / API event name -> class; unknown names are OTHER. */
cw_fx_opclass cw_fx_api_class(cw_fx_str name);
/* Azure Storage operation type ("GetBlob") -> class. */
cw_fx_opclass cw_fx_azure_class(cw_fx_str op);

/* The units. */
extern const cw_fx_unit cw_fx_unit_s3;
extern const cw_fx_unit cw_fx_unit_cloudtrail;
extern const cw_fx_unit cw_fx_unit_ctndjson;
extern const cw_fx_unit cw_fx_unit_gcs;
extern const cw_fx_unit cw_fx_unit_azure;

/* Investigation internals units need. */
size_t cw_fx_max_line(const cw_fx_inv *inv);
void cw_fx_gz_limits(const cw_fx_inv *inv, uint64_t *max_bytes, uint64_t *max_ratio);
/* Whether bucket names an investigated resource (fast path for units that
 * want to skip the rest of a record early). */
bool cw_fx_is_resource(const cw_fx_inv *inv, cw_fx_str bucket);
/* Count a record of another resource (S3/GCS/Azure logs: reported per file). */
void cw_fx_other_resource(cw_fx_file *f, cw_fx_str bucket, uint64_t line);
#endif
