/* cloudtrail.c - the CloudTrail units: log files as delivered to S3
 * ({"Records":[...]}, usually .json.gz), and NDJSON exports of CloudTrail Lake
 * or Athena (one event a line; Athena writes lower-case column names and may
 * hold requestParameters / additionalEventData as JSON text; a Lake export
 * may wrap the event as {"eventJson": "..."}).
 *
 * S3 data events become requests; every other record only tells that the
 * trail was delivering in that hour. Parsing goes through the project's JSON
 * layer (simdjson) with a projection: only the members read here are built. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../json/json.h"
#include "fx_int.h"

void cw_fx_owner_account(cw_fx_inv *inv, cw_fx_str account);

/* Every member read below (the sanitizer build aborts on an undeclared read). */
static const char *const kept[] = {"eventTime", "eventSource", "eventName", "userIdentity", "sourceIPAddress",
                                   "userAgent", "requestParameters", "additionalEventData", "errorCode",
                                   "requestID", "resources", "recipientAccountId", "eventJson", NULL};

static cw_jproj *projection(cw_arena *a)
{
    cw_jproj *p = cw_jproj_new(a, false);
    for (int i = 0; kept[i]; i++) cw_jproj_keep(a, p, kept[i]);
    cw_jproj_freeze(a, p);
    return p;
}

static cw_fx_str jstr(const cw_json *o, const char *key)
{
    const cw_json *v = cw_json_get_ci(o, key);
    if (!v || v->type != CW_JSTR) return cw_fx_s(NULL, 0);
    return cw_fx_s(v->u.str, v->len);
}

static int64_t jnum(const cw_json *o, const char *key)
{
    const cw_json *v = cw_json_get_ci(o, key);
    if (!v) return -1;
    if (v->type == CW_JNUM) return v->u.num < 0 ? -1 : (int64_t)v->u.num;
    if (v->type == CW_JSTR) {
        int64_t n = cw_fx_num(cw_fx_s(v->u.str, v->len));
        return n < 0 ? -1 : n;
    }
    return -1;
}

/* A member that Athena may hold as JSON text: parsed into a. */
static const cw_json *jobj(cw_arena *a, const cw_json *o, const char *key)
{
    const cw_json *v = cw_json_get_ci(o, key);
    if (v && v->type == CW_JSTR && v->len && v->u.str[0] == '{') {
        cw_json_err err;
        v = cw_json_parse(a, v->u.str, v->len, &err);
    }
    return v && v->type == CW_JOBJ ? v : NULL;
}

static bool is_service_host(cw_fx_str s)
{
    return (s.n > 14 && memcmp(s.p + s.n - 14, ".amazonaws.com", 14) == 0) || cw_fx_eq(s, "AWS Internal");
}

/* One event (already parsed) into zero, one or two requests. */
static void event(cw_fx_file *f, cw_arena *a, const cw_json *ev, uint64_t line)
{
    cw_fx_str wrapped = jstr(ev, "eventJson");
    if (wrapped.n) {
        cw_json_err err;
        const cw_json *inner = cw_json_parse(a, wrapped.p, wrapped.n, &err);
        if (!inner || inner->type != CW_JOBJ) {
            cw_fx_bad(f, line, wrapped.n, "eventJson is not a JSON object: %s", err.msg);
            return;
        }
        ev = inner;
    }
    if (ev->type != CW_JOBJ) {
        cw_fx_bad(f, line, 0, "expected a CloudTrail event (a JSON object), found another JSON value");
        return;
    }
    cw_fx_str ts = jstr(ev, "eventTime");
    int64_t t;
    if (!ts.n || cw_fx_iso_time(ts.p, ts.n, &t) < 0) {
        cw_fx_bad(f, line, 0, "expected eventTime as an ISO 8601 time, found '%.*s'", (int)(ts.n > 40 ? 40 : ts.n),
                  ts.p ? ts.p : "");
        return;
    }
    cw_fx_alive(f, t);
    cw_fx_str recipient = jstr(ev, "recipientAccountId");
    if (recipient.n) cw_fx_owner_account(f->inv, recipient);
    if (!cw_fx_eq(jstr(ev, "eventSource"), "s3.amazonaws.com")) return;
    const cw_json *rp = jobj(a, ev, "requestParameters");
    const cw_json *ad = jobj(a, ev, "additionalEventData");
    const cw_json *ui = jobj(a, ev, "userIdentity");
    cw_fx_event e;
    memset(&e, 0, sizeof e);
    e.source = CW_FX_SRC_CLOUDTRAIL;
    e.time = t;
    e.line = line;
    e.bucket = jstr(rp, "bucketName");
    e.key = jstr(rp, "key");
    e.op = jstr(ev, "eventName");
    e.opclass = cw_fx_api_class(e.op);
    e.ip = jstr(ev, "sourceIPAddress");
    e.user_agent = jstr(ev, "userAgent");
    e.request_id = jstr(ev, "requestID");
    e.bytes_sent = jnum(ad, "bytesTransferredOut");
    e.object_size = -1;
    if (e.opclass == CW_FX_OP_WRITE && cw_fx_eq(e.op, "PutObject")) e.object_size = jnum(ad, "bytesTransferredIn");
    cw_fx_str auth = jstr(ad, "AuthenticationMethod");
    e.auth = cw_fx_eq(auth, "QueryString") ? CW_FX_AUTH_QUERY : cw_fx_eq(auth, "AuthHeader") ? CW_FX_AUTH_HEADER
                                                                                            : CW_FX_AUTH_UNKNOWN;
    e.ranged = jstr(rp, "Range").n > 0;
    cw_fx_str err = jstr(ev, "errorCode");
    if (err.n) {
        e.denied = cw_fx_eq(err, "AccessDenied") || cw_fx_eq(err, "AllAccessDisabled") ||
                   cw_fx_eq(err, "SignatureDoesNotMatch") || cw_fx_eq(err, "InvalidAccessKeyId") ||
                   cw_fx_eq(err, "AccountProblem");
        e.status = e.denied ? 403 : 400;
    } else {
        e.status = 200;
    }
    /* the bucket's account, from resources[] */
    const cw_json *res = cw_json_get_ci(ev, "resources");
    for (uint32_t i = 0; res && res->type == CW_JARR && i < res->len; i++) {
        const cw_json *r = &res->u.items[i];
        if (cw_fx_eq(jstr(r, "type"), "AWS::S3::Bucket")) {
            cw_fx_str acct = jstr(r, "accountId"), barn = jstr(r, "ARN");
            /* only an investigated bucket's account is the owner's (a copy names both buckets) */
            const char *c = barn.n ? memchr(barn.p, ':', barn.n) : NULL;
            for (int k = 0; c && k < 4; k++) c = memchr(c + 1, ':', (size_t)(barn.p + barn.n - c - 1));
            if (!c || !cw_fx_is_resource(f->inv, cw_fx_s(c + 1, (size_t)(barn.p + barn.n - c - 1)))) continue;
            if (acct.n) {
                cw_fx_owner_account(f->inv, acct);
                e.owner = acct;
            }
        }
    }
    if (!e.owner.n) e.owner = recipient;
    /* who */
    cw_fx_str type = jstr(ui, "type"), acct = jstr(ui, "accountId"), arn = jstr(ui, "arn");
    cw_fx_str pid = jstr(ui, "principalId");
    if (cw_fx_eq(acct, "ANONYMOUS_PRINCIPAL") || cw_fx_eq(pid, "ANONYMOUS_PRINCIPAL") ||
        cw_fx_eq(type, "Anonymous")) {
        e.who = CW_FX_WHO_ANONYMOUS;
        if (e.auth == CW_FX_AUTH_UNKNOWN) e.auth = CW_FX_AUTH_NONE;
    } else if (cw_fx_eq(type, "AWSService")) {
        e.who = CW_FX_WHO_SERVICE;
        e.principal = jstr(ui, "invokedBy");
    } else {
        e.who = CW_FX_WHO_PRINCIPAL;
        e.principal = arn.n ? arn : pid;
        e.account = acct.n ? acct : cw_fx_arn_account(arn);
        if (!e.account.n) e.who = ui ? CW_FX_WHO_PRINCIPAL : CW_FX_WHO_UNKNOWN;
    }
    if (is_service_host(e.ip)) e.ip = cw_fx_s(NULL, 0); /* a service's name, not an address */
    /* a server-side copy out of an investigated bucket: a read of the source */
    cw_fx_str src = jstr(rp, "x-amz-copy-source");
    if (src.n && (cw_fx_eq(e.op, "CopyObject") || cw_fx_eq(e.op, "UploadPartCopy"))) {
        char *buf = cw_arena_alloc(a, src.n + 1);
        size_t n = cw_fx_pct_decode(src, buf);
        size_t i = buf[0] == '/' ? 1 : 0;
        char *slash = memchr(buf + i, '/', n - i);
        if (slash) {
            char *q = memchr(slash, '?', (size_t)(buf + n - slash)); /* ?versionId= */
            cw_fx_event c = e;
            c.bucket = cw_fx_s(buf + i, (size_t)(slash - buf) - i);
            c.key = cw_fx_s(slash + 1, (size_t)((q ? q : buf + n) - slash - 1));
            c.opclass = CW_FX_OP_READ;
            c.copy_source = true;
            c.ranged = cw_fx_eq(e.op, "UploadPartCopy");
            c.request_id = cw_fx_s(NULL, 0); /* the destination's event carries the id */
            if (cw_fx_is_resource(f->inv, c.bucket)) cw_fx_add(f, &c);
        }
    }
    if (!e.bucket.n) {
        /* ListBuckets and account-level calls name no bucket */
        return;
    }
    if (!cw_fx_is_resource(f->inv, e.bucket)) return; /* a trail holds every bucket's events */
    cw_fx_add(f, &e);
}

/* ---- {"Records":[...]} files --------------------------------------------- */
static int run_records(cw_fx_file *f)
{
    static const char *const keys[] = {"Records", NULL};
    cw_jreader_opts o = {keys, cw_fx_max_line(f->inv), 0, 0};
    uint64_t mb, mr;
    cw_fx_gz_limits(f->inv, &mb, &mr);
    o.max_decompressed = mb;
    o.max_ratio = (unsigned)mr;
    cw_json_err err;
    cw_jreader *r = f->mem ? cw_jreader_open_mem(f->mem, f->mem_len, &o, &err) : cw_jreader_open(f->path, &o, &err);
    if (!r) {
        cw_fx_bad(f, 0, 0, "%s", err.msg);
        return -1;
    }
    cw_arena pa, a;
    cw_arena_init(&pa, 4096);
    cw_arena_init(&a, 1 << 20);
    cw_jreader_set_projection(r, projection(&pa));
    cw_jrecord rec;
    int rc, last = 0;
    uint64_t n = 0;
    while ((rc = cw_jreader_next(r, &a, &rec, &err)) != 0) {
        last = rc;
        if (rc < 0) {
            cw_fx_bad(f, err.line, 0, "column %u: %s", err.col, err.msg);
            continue;
        }
        event(f, &a, rec.value, rec.line);
        if (++n % 4096 == 0) {
            cw_arena_free(&a);
            cw_arena_init(&a, 1 << 20);
        }
    }
    cw_arena_free(&a);
    cw_arena_free(&pa);
    cw_jreader_close(r);
    return last < 0 ? -1 : 0;
}

static const char *skip_ws(const char *s, const char *e)
{
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) s++;
    /* a UTF-8 byte order mark */
    if (e - s >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF) s += 3;
    return s;
}

static int sniff_records(const char *head, size_t n)
{
    const char *s = skip_ws(head, head + n);
    if (s == head + n || *s != '{') return 0;
    size_t m = (size_t)(head + n - s) < 4096 ? (size_t)(head + n - s) : 4096;
    if (memmem(s, m, "\"Records\"", 9)) return 95;
    return 0;
}

/* ---- NDJSON (CloudTrail Lake, Athena) ---------------------------------- */
static int run_ndjson(cw_fx_file *f)
{
    f->unordered = true; /* query results come in no particular order */
    cw_fx_lines l;
    if (cw_fx_lines_open(&l, f) < 0) return -1;
    cw_arena pa, a;
    cw_arena_init(&pa, 4096);
    cw_arena_init(&a, 1 << 20);
    const cw_jproj *p = projection(&pa);
    char *pad = cw_xmalloc(l.max_line + CW_JSON_PADDING + 1);
    const char *s;
    size_t n;
    int rc;
    uint64_t k = 0;
    while ((rc = cw_fx_lines_next(&l, &s, &n)) > 0) {
        const char *b = skip_ws(s, s + n);
        if (b == s + n) continue;
        n -= (size_t)(b - s);
        memcpy(pad, b, n);
        memset(pad + n, 0, CW_JSON_PADDING);
        cw_json_err err;
        cw_json *v = cw_json_parse_proj(&a, pad, n, p, &err);
        if (!v) {
            cw_fx_bad(f, l.lineno, n, "column %u: not a JSON event: %s", err.col, err.msg);
            continue;
        }
        event(f, &a, v, l.lineno);
        if (++k % 4096 == 0) {
            cw_arena_free(&a);
            cw_arena_init(&a, 1 << 20);
        }
    }
    free(pad);
    cw_arena_free(&a);
    cw_arena_free(&pa);
    cw_fx_lines_close(&l);
    return rc < 0 ? -1 : 0;
}

static int sniff_ndjson(const char *head, size_t n)
{
    const char *s = skip_ws(head, head + n);
    if (s == head + n || *s != '{') return 0;
    const char *nl = memchr(s, '\n', (size_t)(head + n - s));
    size_t m = nl ? (size_t)(nl - s) : (size_t)(head + n - s);
    static const char *const marks[] = {"\"eventName\"", "\"eventname\"", "\"eventJson\"", "\"eventjson\"",
                                        "\"eventTime\"", "\"eventtime\"", NULL};
    for (int i = 0; marks[i]; i++)
        if (memmem(s, m, marks[i], strlen(marks[i]))) return 80;
    return 0;
}

const cw_fx_unit cw_fx_unit_cloudtrail = {
    "cloudtrail", "CloudTrail log files as delivered to S3 ({\"Records\":[...]}, .json.gz)", CW_FX_SRC_CLOUDTRAIL,
    sniff_records, run_records,
};

const cw_fx_unit cw_fx_unit_ctndjson = {
    "cloudtrail-ndjson", "CloudTrail Lake / Athena exports: one event a line (NDJSON)", CW_FX_SRC_CLOUDTRAIL,
    sniff_ndjson, run_ndjson,
};
