/* gcslog.c - the Cloud Storage usage log unit: CSV with a header naming the
 * columns ("time_micros","c_ip",...,"cs_bucket","cs_object"), fields quoted,
 * time in microseconds since the epoch. Columns are found by name; unknown
 * columns are ignored. Usage logs carry no requester identity: requests are
 * attributed by address (docs/investigate.md), and a signed URL
 * (X-Goog-Signature in the URI) is a presigned request. */
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"

#include "fx_int.h"

#define GCS_MAX_COLS 64

enum { C_TIME, C_IP, C_METHOD, C_URI, C_STATUS, C_SCBYTES, C_UA, C_REQID, C_OP, C_BUCKET, C_OBJECT, C__N };
static const char *const colnames[C__N] = {"time_micros", "c_ip", "cs_method", "cs_uri", "sc_status", "sc_bytes",
                                           "cs_user_agent", "s_request_id", "cs_operation", "cs_bucket",
                                           "cs_object"};

/* Split one CSV line (RFC 4180 quoting, "" inside quotes). Unquoted values are
 * returned in place; quoted ones are unescaped into scratch. Returns the
 * count, or -1 with *col at an unbalanced quote. */
static int csv_split(const char *s, size_t n, cw_fx_str *f, int max, char *scratch, size_t *col)
{
    size_t i = 0, o = 0;
    int k = 0;
    for (;;) {
        if (k == max) return k;
        if (i < n && s[i] == '"') {
            size_t start = o, q = i;
            i++;
            for (;;) {
                if (i >= n) {
                    *col = q + 1;
                    return -1;
                }
                if (s[i] == '"') {
                    if (i + 1 < n && s[i + 1] == '"') {
                        scratch[o++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                scratch[o++] = s[i++];
            }
            f[k++] = cw_fx_s(scratch + start, o - start);
            if (i < n && s[i] != ',') {
                *col = i + 1;
                return -1;
            }
        } else {
            const char *c = memchr(s + i, ',', n - i);
            size_t j = c ? (size_t)(c - s) : n;
            f[k++] = cw_fx_s(s + i, j - i);
            i = j;
        }
        if (i >= n) return k;
        i++; /* the comma */
    }
}

typedef struct gcs_state {
    int col[C__N];
    int ncols;
} gcs_state;

static int header(gcs_state *g, const cw_fx_str *f, int k)
{
    for (int c = 0; c < C__N; c++) g->col[c] = -1;
    for (int i = 0; i < k; i++)
        for (int c = 0; c < C__N; c++)
            if (f[i].n == strlen(colnames[c]) && memcmp(f[i].p, colnames[c], f[i].n) == 0) g->col[c] = i;
    g->ncols = k;
    return g->col[C_TIME] >= 0 && g->col[C_BUCKET] >= 0 ? 0 : -1;
}

static cw_fx_str col(const gcs_state *g, const cw_fx_str *f, int k, int c)
{
    int i = g->col[c];
    return i >= 0 && i < k ? f[i] : cw_fx_s(NULL, 0);
}

static void row(cw_fx_file *f, const gcs_state *g, const cw_fx_str *fl, int k, uint64_t line, size_t n)
{
    int64_t us = cw_fx_num(col(g, fl, k, C_TIME));
    if (us < 0) {
        cw_fx_bad(f, line, n, "expected time_micros (microseconds since 1970), found '%.*s'",
                  (int)(col(g, fl, k, C_TIME).n > 30 ? 30 : col(g, fl, k, C_TIME).n), col(g, fl, k, C_TIME).p);
        return;
    }
    cw_fx_event e;
    memset(&e, 0, sizeof e);
    e.source = CW_FX_SRC_GCS;
    e.time = us / 1000000;
    e.line = line;
    e.bucket = col(g, fl, k, C_BUCKET);
    e.key = col(g, fl, k, C_OBJECT);
    e.ip = col(g, fl, k, C_IP);
    e.user_agent = col(g, fl, k, C_UA);
    e.request_id = col(g, fl, k, C_REQID);
    e.who = CW_FX_WHO_UNKNOWN;
    int64_t st = cw_fx_num(col(g, fl, k, C_STATUS));
    e.status = st >= 100 && st <= 599 ? (int)st : 0;
    e.denied = e.status == 401 || e.status == 403;
    e.ranged = e.status == 206;
    e.bytes_sent = cw_fx_num(col(g, fl, k, C_SCBYTES));
    if (e.bytes_sent < 0) e.bytes_sent = 0;
    e.object_size = -1;
    cw_fx_str m = col(g, fl, k, C_METHOD), op = col(g, fl, k, C_OP), uri = col(g, fl, k, C_URI);
    bool obj = e.key.n > 0;
    if (cw_fx_eq(m, "GET")) e.opclass = obj ? CW_FX_OP_READ : CW_FX_OP_LIST;
    else if (cw_fx_eq(m, "HEAD")) e.opclass = CW_FX_OP_HEAD;
    else if (cw_fx_eq(m, "PUT") || cw_fx_eq(m, "POST")) e.opclass = CW_FX_OP_WRITE;
    else if (cw_fx_eq(m, "DELETE")) e.opclass = CW_FX_OP_DELETE;
    else e.opclass = CW_FX_OP_OTHER;
    if (op.n && memmem(op.p, op.n, "ACL", 3)) e.opclass = CW_FX_OP_PERMS;
    static const char get[] = "GetObject", list[] = "ListObjects", head[] = "HeadObject";
    if (op.n) e.op = op;
    else if (e.opclass == CW_FX_OP_READ) e.op = cw_fx_s(get, sizeof get - 1);
    else if (e.opclass == CW_FX_OP_LIST) e.op = cw_fx_s(list, sizeof list - 1);
    else if (e.opclass == CW_FX_OP_HEAD) e.op = cw_fx_s(head, sizeof head - 1);
    else e.op = m;
    if (uri.n && (memmem(uri.p, uri.n, "X-Goog-Signature=", 17) || memmem(uri.p, uri.n, "GoogleAccessId=", 15)))
        e.auth = CW_FX_AUTH_QUERY;
    cw_fx_add(f, &e);
}

static int run(cw_fx_file *f)
{
    cw_fx_lines l;
    if (cw_fx_lines_open(&l, f) < 0) return -1;
    char *scratch = cw_xmalloc(l.max_line + 1);
    cw_fx_str fl[GCS_MAX_COLS];
    gcs_state g = {{0}, 0};
    bool have_header = false;
    const char *s;
    size_t n, colno;
    int rc;
    while ((rc = cw_fx_lines_next(&l, &s, &n)) > 0) {
        if (!n) continue;
        int k = csv_split(s, n, fl, GCS_MAX_COLS, scratch, &colno);
        if (k < 0) {
            cw_fx_bad(f, l.lineno, n, "column %zu: unbalanced '\"' in a CSV field", colno);
            continue;
        }
        if (!have_header || (fl[0].n == 11 && memcmp(fl[0].p, "time_micros", 11) == 0)) {
            /* the header (repeated at the top of every log object when concatenated) */
            if (header(&g, fl, k) < 0) {
                cw_fx_bad(f, l.lineno, n, "expected the usage log header naming time_micros and cs_bucket");
                if (!have_header) break;
                continue;
            }
            have_header = true;
            continue;
        }
        row(f, &g, fl, k, l.lineno, n);
    }
    free(scratch);
    cw_fx_lines_close(&l);
    return rc < 0 || !have_header ? -1 : 0;
}

static int sniff(const char *head, size_t n)
{
    size_t m = n < 2048 ? n : 2048;
    if (m > 14 && memcmp(head, "\"time_micros\"", 13) == 0) return 95;
    if (memmem(head, m, "time_micros", 11) && memmem(head, m, "cs_bucket", 9)) return 85;
    return 0;
}

const cw_fx_unit cw_fx_unit_gcs = {
    "gcs-usage-log", "Cloud Storage usage logs (CSV with a header)", CW_FX_SRC_GCS, sniff, run,
};
