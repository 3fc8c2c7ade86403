/* s3log.c - the S3 server access log unit.
 *
 * One record a line, space-separated fields; "..." and [...] fields hold
 * spaces; "-" marks a missing value. The documented fields, in order:
 *   1 bucket owner   2 bucket   3 [time]   4 remote IP   5 requester
 *   6 request id     7 operation   8 key (URL-encoded)   9 "request-URI"
 *  10 HTTP status   11 error code   12 bytes sent   13 object size
 *  14 total time    15 turn-around time   16 "referer"   17 "user-agent"
 *  18 version id    19 host id   20 signature version   21 cipher suite
 *  22 authentication type   23 host header   24 TLS version
 *  25 access point ARN   26 aclRequired   27 source region
 * Older logs end earlier (the first 17 are required); AWS appends fields over
 * time, so anything after the 27th is ignored. */
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"

#include "fx_int.h"

#define S3_FIELDS 27
#define S3_REQUIRED 17

enum {
    F_OWNER, F_BUCKET, F_TIME, F_IP, F_REQUESTER, F_REQID, F_OP, F_KEY, F_URI, F_STATUS, F_ERROR, F_BYTES,
    F_SIZE, F_TOTAL, F_TURN, F_REFERER, F_UA, F_VERSION, F_HOSTID, F_SIGV, F_CIPHER, F_AUTH, F_HOST, F_TLS,
    F_AP, F_ACL, F_REGION
};

/* Split a line into fields. Returns the count, or -1 with *why and *col set. */
static int split(const char *s, size_t n, cw_fx_str *f, const char **why, size_t *col)
{
    size_t i = 0;
    int k = 0;
    while (k < S3_FIELDS) {
        while (i < n && s[i] == ' ') i++;
        if (i >= n) break;
        char c = s[i];
        if (c == '"') {
            size_t j = i + 1;
            for (;;) {
                const char *q = memchr(s + j, '"', n - j);
                if (!q) {
                    *why = "a quoted field that never closes (unbalanced '\"')";
                    *col = i + 1;
                    return -1;
                }
                j = (size_t)(q - s);
                if (j + 1 == n || s[j + 1] == ' ') break;
                j++;
            }
            f[k++] = cw_fx_s(s + i + 1, j - i - 1);
            i = j + 1;
        } else if (c == '[') {
            const char *q = memchr(s + i, ']', n - i);
            if (!q) {
                *why = "a bracketed field that never closes (unbalanced '[')";
                *col = i + 1;
                return -1;
            }
            f[k++] = cw_fx_s(s + i + 1, (size_t)(q - s) - i - 1);
            i = (size_t)(q - s) + 1;
        } else {
            const char *q = memchr(s + i, ' ', n - i);
            size_t j = q ? (size_t)(q - s) : n;
            f[k++] = cw_fx_s(s + i, j - i);
            i = j;
        }
    }
    return k;
}

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

/* "06/Feb/2019:00:00:38 +0000" */
static int parse_time(cw_fx_str t, int64_t *out)
{
    const char *s = t.p;
    if (t.n < 20 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':') return -1;
    int mo = 0;
    for (int m = 0; m < 12; m++)
        if (memcmp(s + 3, months + 3 * m, 3) == 0) mo = m + 1;
    int v[5];
    static const unsigned char at[5] = {0, 7, 12, 15, 18}, len[5] = {2, 4, 2, 2, 2};
    for (int k = 0; k < 5; k++) {
        int x = 0;
        for (int i = 0; i < len[k]; i++) {
            unsigned d = (unsigned char)s[at[k] + i] - '0';
            if (d > 9) return -1;
            x = x * 10 + (int)d;
        }
        v[k] = x;
    }
    int64_t r = cw_fx_civil(v[1], mo, v[0], v[2], v[3], v[4]);
    if (r < 0 || !mo) return -1;
    if (t.n >= 26 && (s[21] == '+' || s[21] == '-')) {
        int oh = (s[22] - '0') * 10 + (s[23] - '0'), om = (s[24] - '0') * 10 + (s[25] - '0');
        if (oh >= 0 && oh < 24 && om >= 0 && om < 60) r -= (s[21] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    }
    *out = r;
    return 0;
}

static bool is_hex64(cw_fx_str s)
{
    if (s.n != 64) return false;
    for (size_t i = 0; i < 64; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

static cw_fx_str dash(cw_fx_str s) { return s.n == 1 && s.p[0] == '-' ? cw_fx_s(NULL, 0) : s; }

/* Who made the request, from the requester field and the operation. */
static void who(cw_fx_event *e, cw_fx_str req, cw_fx_str op)
{
    e->principal = dash(req);
    if (op.n > 3 && memcmp(op.p, "S3.", 3) == 0) { /* lifecycle and other actions of S3 itself */
        e->who = CW_FX_WHO_SERVICE;
        return;
    }
    if (!e->principal.n || cw_fx_eq(req, "Anonymous")) { /* "Anonymous" in logs of 2006-2008 */
        e->principal = cw_fx_s(NULL, 0);
        e->who = CW_FX_WHO_ANONYMOUS;
        return;
    }
    if (req.n > 4 && memcmp(req.p, "svc:", 4) == 0) {
        e->who = CW_FX_WHO_SERVICE;
        return;
    }
    if (req.n > 14 && memcmp(req.p + req.n - 14, ".amazonaws.com", 14) == 0) {
        e->who = CW_FX_WHO_SERVICE;
        return;
    }
    cw_fx_str acct = cw_fx_arn_account(req);
    if (acct.n) {
        e->who = CW_FX_WHO_PRINCIPAL;
        e->account = acct;
        return;
    }
    e->who = CW_FX_WHO_CANONICAL;
    e->account = req;
}

/* One line into e. 0 = request, 1 = not for us (counted), -1 = bad (reported). */
static int parse_line(cw_fx_file *f, const char *s, size_t n, uint64_t line, char *keybuf, cw_fx_event *e)
{
    cw_fx_str fl[S3_FIELDS];
    const char *why = NULL;
    size_t col = 0;
    int k = split(s, n, fl, &why, &col);
    if (k < 0) {
        cw_fx_bad(f, line, n, "column %zu: %s", col, why);
        return -1;
    }
    if (k < S3_REQUIRED) {
        cw_fx_bad(f, line, n, "expected at least %d space-separated fields of an S3 server access log record, found %d",
                  S3_REQUIRED, k);
        return -1;
    }
    memset(e, 0, sizeof *e);
    e->source = CW_FX_SRC_S3;
    e->line = line;
    if (parse_time(fl[F_TIME], &e->time) < 0) {
        cw_fx_bad(f, line, n, "field 3: expected a time like [06/Feb/2019:00:00:38 +0000], found '[%.*s]'",
                  (int)(fl[F_TIME].n > 40 ? 40 : fl[F_TIME].n), fl[F_TIME].p);
        return -1;
    }
    int64_t st = cw_fx_num(fl[F_STATUS]);
    if (st < 100 || st > 599) {
        cw_fx_bad(f, line, n, "field 10: expected an HTTP status, found '%.*s'", (int)(fl[F_STATUS].n > 20 ? 20 : fl[F_STATUS].n),
                  fl[F_STATUS].p);
        return -1;
    }
    e->bytes_sent = cw_fx_num(fl[F_BYTES]);
    e->object_size = cw_fx_num(fl[F_SIZE]);
    if (e->bytes_sent == -2 || e->object_size == -2) {
        cw_fx_bad(f, line, n, "fields 12-13: expected byte counts or '-', found '%.*s' '%.*s'",
                  (int)(fl[F_BYTES].n > 20 ? 20 : fl[F_BYTES].n), fl[F_BYTES].p,
                  (int)(fl[F_SIZE].n > 20 ? 20 : fl[F_SIZE].n), fl[F_SIZE].p);
        return -1;
    }
    if (e->bytes_sent == -1) e->bytes_sent = 0; /* "-" means zero bytes sent */
    e->bucket = fl[F_BUCKET];
    if (!cw_fx_is_resource(f->inv, e->bucket)) {
        cw_fx_other_resource(f, e->bucket, line);
        return 1;
    }
    e->status = (int)st;
    e->owner = fl[F_OWNER];
    e->ip = dash(fl[F_IP]);
    e->request_id = dash(fl[F_REQID]);
    cw_fx_str key = dash(fl[F_KEY]);
    if (key.n) e->key = cw_fx_s(keybuf, cw_fx_pct_decode(key, keybuf));
    const cw_fx_opdef *od = cw_fx_s3_op(fl[F_OP], key.n > 0);
    if (od) {
        e->op = cw_fx_s(od->api, strlen(od->api));
        e->opclass = od->cls;
    } else {
        e->op = fl[F_OP];
        e->opclass = CW_FX_OP_OTHER;
    }
    e->copy_source = e->opclass == CW_FX_OP_READ && fl[F_OP].n > 9 && memmem(fl[F_OP].p, fl[F_OP].n, ".COPY.", 6);
    e->ranged = e->status == 206 || cw_fx_eq(fl[F_OP], "REST.COPY.PART_GET");
    who(e, fl[F_REQUESTER], fl[F_OP]);
    e->user_agent = dash(fl[F_UA]);
    e->denied = e->status == 401 || e->status == 403;
    cw_fx_str auth = k > F_AUTH ? fl[F_AUTH] : cw_fx_s(NULL, 0);
    if (cw_fx_eq(auth, "QueryString")) e->auth = CW_FX_AUTH_QUERY;
    else if (cw_fx_eq(auth, "AuthHeader")) e->auth = CW_FX_AUTH_HEADER;
    else if (e->who == CW_FX_WHO_ANONYMOUS) e->auth = CW_FX_AUTH_NONE;
    /* logs older than the authentication-type field: a signature in the query */
    if (e->auth == CW_FX_AUTH_UNKNOWN && fl[F_URI].n &&
        (memmem(fl[F_URI].p, fl[F_URI].n, "X-Amz-Signature=", 16) || memmem(fl[F_URI].p, fl[F_URI].n, "&Signature=", 11)))
        e->auth = CW_FX_AUTH_QUERY;
    return 0;
}

static int run(cw_fx_file *f)
{
    cw_fx_lines l;
    if (cw_fx_lines_open(&l, f) < 0) return -1;
    char *keybuf = cw_xmalloc(l.max_line + 1);
    const char *s;
    size_t n;
    int rc;
    cw_fx_event e;
    while ((rc = cw_fx_lines_next(&l, &s, &n)) > 0) {
        if (!n) continue;
        if (parse_line(f, s, n, l.lineno, keybuf, &e) == 0) cw_fx_add(f, &e);
    }
    free(keybuf);
    cw_fx_lines_close(&l);
    return rc < 0 ? -1 : 0;
}

static int sniff(const char *head, size_t n)
{
    const char *nl = memchr(head, '\n', n);
    size_t len = nl ? (size_t)(nl - head) : n;
    if (len && head[len - 1] == '\r') len--;
    cw_fx_str fl[S3_FIELDS];
    const char *why;
    size_t col;
    int k = split(head, len, fl, &why, &col);
    if (k < 3) return 0;
    int64_t t;
    if (parse_time(fl[F_TIME], &t) < 0) return 0;
    return (is_hex64(fl[F_OWNER]) || k >= S3_REQUIRED) ? 90 : 40;
}

const cw_fx_unit cw_fx_unit_s3 = {
    "s3-access-log", "Amazon S3 server access logs (space-separated, every documented field)",
    CW_FX_SRC_S3, sniff, run,
};
