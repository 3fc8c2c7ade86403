/* src_http.c - POST /events and GET /healthz on libmicrohttpd (see source.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "../util/arena.h"
#include "../util/strbuf.h"
#include "log.h"
#include "source.h"

struct cw_httpsrc {
    struct MHD_Daemon *d;
    cw_source_ctl c;
    cw_http_opts o;
    size_t max_body;
    unsigned port;
    unsigned long seq;
};

typedef struct req {
    int64_t start_ms;
    cw_strbuf body;
    bool too_big, is_post;
    size_t seen;
} req;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* retry_after: seconds for a Retry-After header (0 = none) */
static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *json, unsigned retry_after)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(json), (void *)json, MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "application/json");
    char ra[16];
    snprintf(ra, sizeof ra, "%u", retry_after);
    if (retry_after) MHD_add_response_header(r, "Retry-After", ra);
    enum MHD_Result ok = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ok;
}

static void client(struct MHD_Connection *conn, char *buf, size_t n)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char host[INET6_ADDRSTRLEN + 8] = "?";
    unsigned port = 0;
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET) {
            const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
            inet_ntop(AF_INET, &s4->sin_addr, host, sizeof host);
            port = ntohs(s4->sin_port);
        } else if (sa->sa_family == AF_INET6) {
            const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
            inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof host);
            port = ntohs(s6->sin6_port);
        }
    }
    snprintf(buf, n, "%s:%u", host, port);
}

static void json_msg(cw_strbuf *sb, const char *status, const cw_ingest_result *r)
{
    cw_sb_printf(sb, "{\"status\":\"%s\",\"records\":%lu,\"units\":%lu,\"applied\":%lu,\"duplicates\":%lu,"
                     "\"notices\":%lu,\"bad\":%lu,\"message\":", status, r->records, r->units, r->applied,
                 r->duplicates, r->notices, r->bad);
    cw_sb_add_json_cstr(sb, r->msg);
    cw_sb_adds(sb, "}\n");
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    cw_httpsrc *h = cls;
    (void)version;
    req *q = *con_cls;
    if (!q) {
        q = cw_xcalloc(1, sizeof *q);
        q->start_ms = now_ms();
        cw_sb_init(&q->body);
        *con_cls = q;
        if (strcmp(url, "/healthz") == 0) {
            if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
                return reply(conn, 405, "{\"status\":\"error\",\"message\":\"GET /healthz\"}\n", 0);
            int ok = h->c.healthy ? h->c.healthy(h->c.health_ctx) : 1;
            char extra[768] = "";
            if (h->c.health_json) h->c.health_json(h->c.health_ctx, extra, sizeof extra);
            char body[1024];
            snprintf(body, sizeof body, "{\"status\":\"%s\"%s%s}\n", ok ? "ok" : "unavailable", *extra ? "," : "",
                     extra);
            return reply(conn, ok ? 200 : 503, body, ok ? 0 : 5);
        }
        if (strcmp(url, "/events") != 0 && strcmp(url, "/") != 0)
            return reply(conn, 404, "{\"status\":\"error\",\"message\":\"not found: POST /events, GET /healthz\"}\n",
                         0);
        if (strcmp(method, "POST") != 0)
            return reply(conn, 405, "{\"status\":\"error\",\"message\":\"POST /events\"}\n", 0);
        q->is_post = true;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(cl, &end, 10);
            if (errno || *end || v > h->max_body) {
                char who[64], msg[256];
                client(conn, who, sizeof who);
                cw_log_warn("http:%s: POST /events of %s bytes refused: over the %zu-byte body limit", who, cl,
                            h->max_body);
                snprintf(msg, sizeof msg,
                         "{\"status\":\"error\",\"message\":\"body of %s bytes over the limit of %zu bytes\"}\n", cl,
                         h->max_body);
                return reply(conn, 413, msg, 0);
            }
        }
        return MHD_YES;
    }
    if (!q->is_post) return MHD_NO;
    if (*upload_size) {
        if (now_ms() - q->start_ms > (int64_t)h->o.request_timeout_s * 1000) {
            char who[64];
            client(conn, who, sizeof who);
            cw_log_warn("http:%s: POST /events not complete after %u s (%zu bytes so far): connection dropped, "
                        "nothing acknowledged", who, h->o.request_timeout_s, q->seen);
            return MHD_NO;
        }
        q->seen += *upload_size;
        if (!q->too_big && q->body.len + *upload_size > h->max_body) {
            q->too_big = true;
            cw_sb_free(&q->body);
        }
        if (q->too_big && q->seen > 2 * h->max_body) {
            char who[64];
            client(conn, who, sizeof who);
            cw_log_warn("http:%s: POST /events body goes on past twice the %zu-byte limit: connection dropped",
                        who, h->max_body);
            return MHD_NO;
        }
        if (!q->too_big) cw_sb_add(&q->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    char who[64];
    client(conn, who, sizeof who);
    if (q->too_big) {
        cw_log_warn("http:%s: POST /events body over the %zu-byte limit (%zu bytes): refused", who, h->max_body,
                    q->seen);
        char msg[256];
        snprintf(msg, sizeof msg, "{\"status\":\"error\",\"message\":\"body over the limit of %zu bytes\"}\n",
                 h->max_body);
        return reply(conn, 413, msg, 0);
    }
    char origin[96];
    snprintf(origin, sizeof origin, "http:%s#%lu", who, __atomic_add_fetch(&h->seq, 1, __ATOMIC_RELAXED));
    cw_ingest_req rq = {origin, NULL, q->body.buf ? q->body.buf : "", q->body.len, 0};
    cw_ingest_result r;
    memset(&r, 0, sizeof r);
    h->c.ingest(h->c.ctx, &rq, &r);
    cw_strbuf sb;
    cw_sb_init(&sb);
    unsigned status = r.status == CW_INGEST_OK ? 200 : r.status == CW_INGEST_REJECTED ? 400 : 503;
    json_msg(&sb, r.status == CW_INGEST_OK ? "ok" : r.status == CW_INGEST_REJECTED ? "rejected" : "retry", &r);
    enum MHD_Result ok = reply(conn, status, sb.buf, status == 503 ? (r.retry_after_s ? r.retry_after_s : 5) : 0);
    cw_sb_free(&sb);
    return ok;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    req *q = *con_cls;
    if (!q) return;
    cw_sb_free(&q->body);
    free(q);
    *con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char b[512];
    vsnprintf(b, sizeof b, fmt, ap);
    size_t n = strlen(b);
    while (n && b[n - 1] == '\n') b[--n] = 0;
    cw_log_info("http: %s", b);
}

static char *errf(const char *fmt, const char *a, const char *b)
{
    size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;
    char *r = cw_xmalloc(n);
    snprintf(r, n, fmt, a, b);
    return r;
}

cw_httpsrc *cw_src_http_start(const char *addr, const cw_http_opts *o, const cw_source_ctl *c, char **err)
{
    /* HOST:PORT, [V6]:PORT */
    char host[256];
    const char *colon = strrchr(addr, ':');
    if (!colon || colon == addr || !colon[1]) {
        *err = errf("--listen %s: expected ADDR:PORT (e.g. 127.0.0.1:8080 or [::]:8080)%s", addr, "");
        return NULL;
    }
    size_t hl = (size_t)(colon - addr);
    if (addr[0] == '[' && hl >= 2 && addr[hl - 1] == ']') {
        addr++;
        hl -= 2;
    }
    if (hl >= sizeof host) hl = sizeof host - 1;
    memcpy(host, addr, hl);
    host[hl] = 0;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535) {
        *err = errf("--listen %s: the port must be a number from 0 to 65535%s", colon + 1, "");
        return NULL;
    }
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int gr = getaddrinfo(*host ? host : NULL, colon + 1, &hints, &ai);
    if (gr != 0 || !ai) {
        *err = errf("--listen %s: %s", host, gai_strerror(gr));
        return NULL;
    }
    cw_httpsrc *h = cw_xcalloc(1, sizeof *h);
    h->c = *c;
    if (o) h->o = *o;
    if (!h->o.idle_timeout_s) h->o.idle_timeout_s = 10;
    if (!h->o.request_timeout_s) h->o.request_timeout_s = 30;
    if (!h->o.max_connections) h->o.max_connections = 256;
    if (!h->o.per_ip) h->o.per_ip = 64;
    if (!h->o.threads) h->o.threads = 16;
    h->max_body = c->max_body ? c->max_body : 16u << 20;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_EPOLL;
    if (ai->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
    h->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, handler, h, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
                            MHD_OPTION_CONNECTION_TIMEOUT, h->o.idle_timeout_s, MHD_OPTION_CONNECTION_LIMIT,
                            h->o.max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, h->o.per_ip,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_THREAD_POOL_SIZE,
                            h->o.threads, MHD_OPTION_NOTIFY_COMPLETED,
                            completed, h, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
    freeaddrinfo(ai);
    if (!h->d) {
        *err = errf("--listen %s: cannot listen there (%s)", addr, errno ? strerror(errno) : "libmicrohttpd failed");
        free(h);
        return NULL;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    h->port = di ? di->port : (unsigned)port;
    return h;
}

unsigned cw_src_http_port(const cw_httpsrc *h)
{
    return h->port;
}

void cw_src_http_stop(cw_httpsrc *h)
{
    if (!h) return;
    MHD_stop_daemon(h->d);
    free(h);
}
