/* azurelog.c - the Azure Storage Analytics log unit (Blob service), versions
 * 1.0 and 2.0: one request a line, fields separated by ';', a field that may
 * hold a quote, ';' or newline is HTML-encoded and quoted. Version 1.0 has 30
 * fields, 2.0 appends eight about OAuth callers (user object id, tenant id,
 * application id, audience, issuer, user principal name, a reserved field,
 * authorization detail). Fields after those are ignored. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/arena.h"

#include "fx_int.h"

#define AZ_FIELDS 38
#define AZ_V1_FIELDS 30

enum {
    A_VERSION, A_TIME, A_OP, A_RSTATUS, A_HTTP, A_E2E, A_SRVLAT, A_AUTH, A_REQACCT, A_OWNER, A_SERVICE, A_URL,
    A_OBJKEY, A_REQID, A_OPCOUNT, A_IP, A_REQVER, A_REQHDR, A_REQPKT, A_RSPHDR, A_RSPPKT, A_REQLEN, A_REQMD5,
    A_SRVMD5, A_ETAG, A_LASTMOD, A_COND, A_UA, A_REFERER, A_CLIENTID,
    /* 2.0 */
    A_OID, A_TENANT, A_APPID, A_AUDIENCE, A_ISSUER, A_UPN, A_RESERVED, A_AUTHZ
};

static int split(const char *s, size_t n, cw_fx_str *f, size_t *col)
{
    size_t i = 0;
    int k = 0;
    for (;;) {
        if (k == AZ_FIELDS) return k;
        if (i < n && s[i] == '"') {
            const char *q = memchr(s + i + 1, '"', n - i - 1);
            if (!q) {
                *col = i + 1;
                return -1;
            }
            size_t j = (size_t)(q - s);
            f[k++] = cw_fx_s(s + i + 1, j - i - 1);
            i = j + 1;
            if (i < n && s[i] != ';') {
                *col = i + 1;
                return -1;
            }
        } else {
            const char *c = memchr(s + i, ';', n - i);
            size_t j = c ? (size_t)(c - s) : n;
            f[k++] = cw_fx_s(s + i, j - i);
            i = j;
        }
        if (i >= n) return k;
        i++;
    }
}

static void line_event(cw_fx_file *f, const char *s, size_t n, uint64_t line, char *keybuf)
{
    cw_fx_str fl[AZ_FIELDS];
    size_t colno = 0;
    int k = split(s, n, fl, &colno);
    if (k < 0) {
        cw_fx_bad(f, line, n, "column %zu: unbalanced '\"' in a Storage Analytics log field", colno);
        return;
    }
    bool v1 = cw_fx_eq(fl[0], "1.0"), v2 = cw_fx_eq(fl[0], "2.0");
    if (!v1 && !v2) {
        cw_fx_bad(f, line, n, "expected a Storage Analytics log version 1.0 or 2.0 in field 1, found '%.*s'",
                  (int)(fl[0].n > 12 ? 12 : fl[0].n), fl[0].p);
        return;
    }
    if (k < AZ_V1_FIELDS) {
        cw_fx_bad(f, line, n, "expected %d ';'-separated fields of a version %.3s entry, found %d", AZ_V1_FIELDS,
                  fl[0].p, k);
        return;
    }
    cw_fx_event e;
    memset(&e, 0, sizeof e);
    e.source = CW_FX_SRC_AZURE;
    e.line = line;
    if (cw_fx_iso_time(fl[A_TIME].p, fl[A_TIME].n, &e.time) < 0) {
        cw_fx_bad(f, line, n, "field 2: expected a request start time like 2011-08-09T21:44:36.2481552Z, found '%.*s'",
                  (int)(fl[A_TIME].n > 40 ? 40 : fl[A_TIME].n), fl[A_TIME].p);
        return;
    }
    /* the requested object key: /account/container/blob */
    cw_fx_str ok = fl[A_OBJKEY];
    size_t kn = cw_fx_pct_decode(ok, keybuf);
    const char *p = keybuf, *end = keybuf + kn;
    if (p < end && *p == '/') p++;
    const char *s1 = memchr(p, '/', (size_t)(end - p));
    const char *s2 = s1 ? memchr(s1 + 1, '/', (size_t)(end - s1 - 1)) : NULL;
    e.bucket = cw_fx_s(p, (size_t)((s2 ? s2 : end) - p));
    if (s2) e.key = cw_fx_s(s2 + 1, (size_t)(end - s2 - 1));
    e.op = fl[A_OP];
    e.opclass = cw_fx_azure_class(e.op);
    e.copy_source = cw_fx_eq(e.op, "CopyBlobSource");
    int64_t st = cw_fx_num(fl[A_HTTP]);
    e.status = st >= 100 && st <= 599 ? (int)st : 0;
    e.denied = e.status == 401 || e.status == 403;
    e.ranged = e.status == 206;
    e.bytes_sent = cw_fx_num(fl[A_RSPPKT]);
    if (e.bytes_sent < 0) e.bytes_sent = 0;
    e.object_size = -1;
    e.ip = cw_fx_strip_port(fl[A_IP]);
    e.user_agent = fl[A_UA];
    e.request_id = fl[A_REQID];
    e.owner = fl[A_OWNER];
    cw_fx_str auth = fl[A_AUTH];
    cw_fx_str tenant = k > A_TENANT ? fl[A_TENANT] : cw_fx_s(NULL, 0);
    if (auth.n == 9 && strncasecmp(auth.p, "anonymous", 9) == 0) {
        e.who = CW_FX_WHO_ANONYMOUS;
        e.auth = CW_FX_AUTH_NONE;
    } else {
        e.who = CW_FX_WHO_NAMED;
        e.auth = auth.n == 3 && strncasecmp(auth.p, "SAS", 3) == 0 ? CW_FX_AUTH_QUERY : CW_FX_AUTH_HEADER;
        if (tenant.n) { /* OAuth: the caller's tenant */
            e.account = tenant;
            e.principal = k > A_UPN && fl[A_UPN].n ? fl[A_UPN] : fl[A_OID];
        } else {
            e.account = fl[A_REQACCT];
            e.principal = fl[A_REQACCT];
        }
    }
    cw_fx_add(f, &e);
}

static int run(cw_fx_file *f)
{
    cw_fx_lines l;
    if (cw_fx_lines_open(&l, f) < 0) return -1;
    char *keybuf = cw_xmalloc(l.max_line + 1);
    const char *s;
    size_t n;
    int rc;
    while ((rc = cw_fx_lines_next(&l, &s, &n)) > 0)
        if (n) line_event(f, s, n, l.lineno, keybuf);
    free(keybuf);
    cw_fx_lines_close(&l);
    return rc < 0 ? -1 : 0;
}

static int sniff(const char *head, size_t n)
{
    if (n < 30 || (memcmp(head, "1.0;", 4) != 0 && memcmp(head, "2.0;", 4) != 0)) return 0;
    const char *e = memchr(head + 4, ';', n - 4);
    int64_t t;
    if (!e || cw_fx_iso_time(head + 4, (size_t)(e - head - 4), &t) < 0) return 0;
    return 90;
}

const cw_fx_unit cw_fx_unit_azure = {
    "azure-storage-log", "Azure Storage Analytics logs, versions 1.0 and 2.0 (Blob service)", CW_FX_SRC_AZURE,
    sniff, run,
};
