/* output.h - findings writers, one file per format, registered in a table. */
#ifndef CW_OUTPUT_H
#define CW_OUTPUT_H
#include <stdbool.h>
#include <stdio.h>

#include "../model/finding.h"

typedef struct cw_scan_info {
    const char *tool_version;
    const char *started;            /* ISO 8601 UTC */
    const char *const *inputs;      /* input paths as given */
    size_t ninputs;
    size_t assets;                  /* live assets scanned */
    const cw_rule_meta *const *rules; /* every enabled rule */
    size_t nrules;
} cw_scan_info;

typedef struct cw_output_opts {
    bool color;           /* table only: ANSI colour (set when stdout is a TTY) */
    bool show_suppressed; /* include findings suppressed by an exception */
    const cw_exec *exec;  /* threads for formatting large outputs; NULL = the calling thread */
} cw_output_opts;

typedef struct cw_output_fmt {
    const char *name; /* "table", "json", "ocsf", "sarif", "csv" */
    const char *doc;
    /* Write all findings; returns 0, or -1 on a write error (errno set). */
    int (*write)(FILE *out, const cw_scan_info *info, const cw_findings *f, const cw_output_opts *o);
} cw_output_fmt;

/* The finding's stable fingerprint (32 hex digits), as SARIF and OCSF write it. */
void cw_out_fingerprint(const cw_finding *f, char out[33]);

/* One CSV cell as the csv format writes it (RFC 4180 quoting, formula
 * injection neutralised; NULL = empty), for other CSV listings. */
struct cw_strbuf;
void cw_out_csv_cell(struct cw_strbuf *sb, const char *s);

extern const cw_output_fmt cw_output_formats[]; /* terminated by {NULL} */
const cw_output_fmt *cw_output_find(const char *name);
#endif
