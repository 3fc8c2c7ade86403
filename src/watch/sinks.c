/* sinks.c - where alerts go: an NDJSON file (or stdout), a webhook (libcurl),
 * syslog (see alert.h). */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "../util/arena.h"
#include "alert.h"

typedef enum { SINK_FILE, SINK_WEBHOOK, SINK_SYSLOG } sink_kind;

struct cw_sink {
    sink_kind kind;
    char *target;
    int fd;          /* file */
    bool own_fd;
    bool dirty;      /* file: lines written since the last fsync */
    CURL *curl;      /* webhook */
    cw_webhook_opts wo;
};

const char *cw_sink_name(const cw_sink *s)
{
    return s->kind == SINK_FILE ? "file" : s->kind == SINK_WEBHOOK ? "webhook" : "syslog";
}

const char *cw_sink_target(const cw_sink *s)
{
    return s->target;
}

static char *xprintf(const char *fmt, const char *a, const char *b)
{
    size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;
    char *r = cw_xmalloc(n);
    snprintf(r, n, fmt, a, b);
    return r;
}

cw_sink *cw_sink_file_open(const char *path, char **err)
{
    cw_sink *s = cw_xcalloc(1, sizeof *s);
    s->kind = SINK_FILE;
    s->target = cw_xstrdup(path);
    if (strcmp(path, "-") == 0) {
        s->fd = STDOUT_FILENO;
    } else {
        s->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (s->fd < 0) {
            *err = xprintf("--alerts %s: %s", path, strerror(errno));
            free(s->target);
            free(s);
            return NULL;
        }
        s->own_fd = true;
    }
    return s;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

cw_sink *cw_sink_webhook_open(const char *url, const cw_webhook_opts *o, char **err)
{
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
        *err = xprintf("--webhook %s: expected an http:// or https:// URL%s", url, "");
        return NULL;
    }
    pthread_once(&curl_once, curl_init);
    cw_sink *s = cw_xcalloc(1, sizeof *s);
    s->kind = SINK_WEBHOOK;
    s->target = cw_xstrdup(url);
    if (o) s->wo = *o;
    if (!s->wo.connect_timeout_ms) s->wo.connect_timeout_ms = 5000;
    if (!s->wo.timeout_ms) s->wo.timeout_ms = 10000;
    s->curl = curl_easy_init();
    if (!s->curl) {
        *err = xprintf("--webhook %s: libcurl could not start%s", url, "");
        free(s->target);
        free(s);
        return NULL;
    }
    return s;
}

cw_sink *cw_sink_syslog_open(const char *ident)
{
    cw_sink *s = cw_xcalloc(1, sizeof *s);
    s->kind = SINK_SYSLOG;
    s->target = cw_xstrdup("syslog");
    openlog(ident ? ident : "cloudwarden", LOG_PID | LOG_NDELAY, LOG_DAEMON);
    return s;
}

void cw_sink_free(cw_sink *s)
{
    if (!s) return;
    if (s->own_fd) close(s->fd);
    if (s->curl) curl_easy_cleanup(s->curl);
    if (s->kind == SINK_SYSLOG) closelog();
    free(s->target);
    free(s);
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int deliver_file(cw_sink *s, const char *payload, char *err, size_t n)
{
    size_t len = strlen(payload);
    char *line = cw_xmalloc(len + 2);
    memcpy(line, payload, len);
    line[len] = '\n';
    /* one write per line: O_APPEND keeps concurrent writers' lines whole */
    int r = write_all(s->fd, line, len + 1);
    free(line);
    if (r < 0) {
        snprintf(err, n, "%s: %s", s->target, strerror(errno));
        return -1;
    }
    s->dirty = true; /* on disk at cw_sink_sync */
    return 0;
}

int cw_sink_sync(cw_sink *s, char *err, size_t n)
{
    if (s->kind != SINK_FILE || !s->dirty) return 0;
    /* a line that was written is delivered only once it is on disk */
    if (fsync(s->fd) < 0 && errno != EINVAL && errno != EROFS && errno != ENOTSUP) {
        snprintf(err, n, "%s: fsync: %s", s->target, strerror(errno));
        return -1;
    }
    s->dirty = false;
    return 0;
}

static size_t discard(char *p, size_t sz, size_t nm, void *ctx)
{
    (void)p;
    (void)ctx;
    return sz * nm;
}

static int deliver_webhook(cw_sink *s, const char *id, const char *kind, const char *payload, char *err, size_t n)
{
    CURL *c = s->curl;
    curl_easy_reset(c);
    char h1[96], h2[96], h3[64];
    snprintf(h1, sizeof h1, "X-Cloudwarden-Alert-Id: %s", id);
    snprintf(h2, sizeof h2, "Idempotency-Key: %s", id);
    snprintf(h3, sizeof h3, "X-Cloudwarden-Alert-Kind: %s", kind ? kind : "");
    struct curl_slist *hs = curl_slist_append(NULL, "Content-Type: application/json");
    hs = curl_slist_append(hs, h1);
    hs = curl_slist_append(hs, h2);
    hs = curl_slist_append(hs, h3);
    hs = curl_slist_append(hs, "Expect:");
    char ebuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_URL, s->target);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(payload));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, s->wo.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, s->wo.timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "cloudwarden-watch");
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hs);
    if (rc != CURLE_OK) {
        snprintf(err, n, "%s: %s", s->target, *ebuf ? ebuf : curl_easy_strerror(rc));
        return -1;
    }
    if (status < 200 || status > 299) {
        snprintf(err, n, "%s: HTTP %ld", s->target, status);
        return -1;
    }
    return 0;
}

static int syslog_level(const char *payload, const char *kind)
{
    if (kind && strcmp(kind, "resolve") == 0) return LOG_NOTICE;
    static const struct {
        const char *sev;
        int lvl;
    } map[] = {{"\"severity\":\"critical\"", LOG_CRIT},
               {"\"severity\":\"high\"", LOG_ERR},
               {"\"severity\":\"medium\"", LOG_WARNING},
               {"\"severity\":\"low\"", LOG_NOTICE}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strstr(payload, map[i].sev)) return map[i].lvl;
    return LOG_INFO;
}

int cw_sink_deliver(cw_sink *s, const char *id, const char *kind, const char *payload, char *err, size_t n)
{
    switch (s->kind) {
    case SINK_FILE: return deliver_file(s, payload, err, n);
    case SINK_WEBHOOK: return deliver_webhook(s, id, kind, payload, err, n);
    case SINK_SYSLOG:
        /* syslog(3) reports nothing: handing the line to the daemon is delivery */
        syslog(syslog_level(payload, kind), "alert %s %s", id, payload);
        return 0;
    }
    return -1;
}
