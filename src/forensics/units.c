/* units.c - the registry of log formats and reading one input with one of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fx_inv.h"

const cw_fx_unit *const cw_fx_units[] = {
    &cw_fx_unit_s3, &cw_fx_unit_cloudtrail, &cw_fx_unit_ctndjson, &cw_fx_unit_gcs, &cw_fx_unit_azure, NULL,
};

const cw_fx_unit *cw_fx_unit_find(const char *name)
{
    for (const cw_fx_unit *const *u = cw_fx_units; *u; u++)
        if (strcmp((*u)->name, name) == 0) return *u;
    return NULL;
}

#define HEAD 65536

static int read_one(cw_fx_inv *inv, const char *path, const void *mem, size_t len, const char *unit)
{
    cw_fx_file f;
    memset(&f, 0, sizeof f);
    f.path = path;
    f.mem = mem;
    f.mem_len = len;
    f.inv = inv;
    f.last_time = INT64_MIN;
    f.name_hour = cw_fx_name_hour(path);
    const cw_fx_unit *u = NULL;
    if (unit) {
        u = cw_fx_unit_find(unit);
        if (!u) {
            cw_diag_add(&inv->diags, CW_DIAG_ERROR, path, 0, 0, 0, NULL, "unknown log format '%s'", unit);
            return -1;
        }
    } else {
        char *head = cw_xmalloc(HEAD);
        char err[320];
        long n = cw_fx_head(path, mem, len, head, HEAD, err, sizeof err);
        if (n < 0) {
            free(head);
            cw_diag_add(&inv->diags, CW_DIAG_ERROR, path, 0, 0, 0, NULL, "%s", err);
            return -1;
        }
        int best = 0;
        for (const cw_fx_unit *const *c = cw_fx_units; *c; c++) {
            int sc = (*c)->sniff(head, (size_t)n);
            if (sc > best) best = sc, u = *c;
        }
        bool ct_name = strstr(path, "_CloudTrail_") && strstr(path, ".json");
        unsigned line = 1, col = 1;
        char first = 0;
        if ((!u || best < 30) && ct_name) {
            /* named like a CloudTrail log file (ACCOUNT_CloudTrail_REGION_...json[.gz]) */
            for (long i = 0; i < n && !first; i++) {
                char c = head[i];
                if (c == '\n') line++, col = 1;
                else if (c == ' ' || c == '\t' || c == '\r') col++;
                else if (i == 0 && n >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3)) i += 2;
                else first = c;
            }
            /* JSON, but not recognisably CloudTrail: the unit says what is wrong */
            if (first == '{' || first == '[') u = cw_fx_unit_find("cloudtrail"), best = 30;
        }
        free(head);
        if (!u || best < 30) {
            if (ct_name && !first)
                cw_diag_add(&inv->diags, CW_DIAG_ERROR, path, 1, 0, 0, NULL,
                            "empty: expected a CloudTrail log file {\"Records\":[...]}");
            else if (ct_name)
                cw_diag_add(&inv->diags, CW_DIAG_ERROR, path, line, 0, 0, NULL,
                            "column %u: not JSON: found '%s%c' where a CloudTrail log file starts with "
                            "{\"Records\":[...]}", col, first == '\'' ? "\\" : "",
                            (unsigned char)first >= 0x20 && (unsigned char)first < 0x7f ? first : '?');
            else
                cw_diag_add(&inv->diags, CW_DIAG_ERROR, path, 1, 0, 0, NULL,
                        "not a log format cloudwarden reads (expected S3 server access log lines, a CloudTrail "
                        "file {\"Records\":[...]} or NDJSON events, a GCS usage log CSV with its header, or Azure "
                        "Storage Analytics log lines); use --log-format to force one");
            /* an unrecognisable file still counts as unreadable input: of CloudTrail
             * when its name says so, its hour then not covered */
            inv->unrecognised++;
            if (strstr(path, "_CloudTrail_")) {
                fx_srcstate *ct = &inv->src[CW_FX_SRC_CLOUDTRAIL];
                ct->out.files++;
                ct->out.files_unreadable++;
                if (f.name_hour != INT64_MIN && cw_fx_in_window(inv, f.name_hour))
                    cw_fx_hours_mark(&ct->unreadable, f.name_hour / 3600);
            }
            return -1;
        }
    }
    f.source = u->source;
    fx_srcstate *s = &inv->src[u->source];
    s->out.files++;
    int rc = u->run(&f);
    s->out.records += f.records;
    s->out.records_bad += f.bad;
    s->out.bytes_unreadable += f.bytes_bad;
    if (rc < 0) s->out.files_unreadable++;
    /* an unreadable file's hours, as far as its name tells them: S3 names a log
     * object by its delivery time, which follows the requests it holds */
    if ((rc < 0 || f.bad) && f.name_hour != INT64_MIN) {
        for (int back = 0; back <= (u->source == CW_FX_SRC_S3); back++) {
            int64_t t = f.name_hour - back * 3600;
            if (cw_fx_in_window(inv, t)) cw_fx_hours_mark(&s->unreadable, t / 3600);
        }
    }
    if (f.other_count)
        cw_diag_add(&inv->diags, CW_DIAG_WARNING, path, (uint32_t)f.other_first_line, 0, 0, NULL,
                    "%llu records of '%s' (not an investigated resource: a log of another bucket?) skipped",
                    (unsigned long long)f.other_count, f.other_name);
    return rc;
}

int cw_fx_read_file(cw_fx_inv *inv, const char *path, const char *unit)
{
    if (strcmp(path, "-") == 0 && !unit) {
        cw_diag_add(&inv->diags, CW_DIAG_ERROR, "-", 0, 0, 0, NULL,
                    "standard input needs --log-format (it cannot be sniffed and read again)");
        return -1;
    }
    return read_one(inv, path, NULL, 0, unit);
}

int cw_fx_read_mem(cw_fx_inv *inv, const char *name, const void *data, size_t len, const char *unit)
{
    return read_one(inv, name, data ? data : "", len, unit);
}
