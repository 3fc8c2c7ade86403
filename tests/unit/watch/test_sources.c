/* test_sources.c - watch's sources on a real store (SQLite in a temporary
 * directory) through the real core, with a real HTTP client (libcurl) and raw
 * sockets for the hostile ones: valid and duplicate deliveries, malformed
 * JSON, unknown records, a 50 MB body, an endless body, a trickled body,
 * slow-loris connections, a store that cannot be written (503 / the file
 * stays), the directory source's done/ and failed/, stdin's bad lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "watch/core.h"
#include "watch/log.h"
#include "watch/source.h"

static char dir[256];

static const char item_fmt[] =
    "{\"configurationItemVersion\":\"1.3\",\"configurationItemCaptureTime\":\"2026-12-07T09:00:%02d.000Z\","
    "\"configurationStateId\":%d,\"awsAccountId\":\"111122223333\",\"configurationItemStatus\":\"OK\","
    "\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"b%d\",\"ARN\":\"arn:aws:s3:::b%d\",\"awsRegion\":"
    "\"eu-west-1\",\"configuration\":{\"name\":\"b%d\"},\"supplementaryConfiguration\":{}}";

static char *item(int i)
{
    static char buf[8][1024];
    char *b = buf[i % 8];
    snprintf(b, 1024, item_fmt, i % 60, 1000 + i, i, i, i);
    return b;
}

static cw_store *new_store(const char *name, unsigned flags)
{
    char p[512], *err = NULL;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    cw_store *st = cw_store_open(p, flags, &err);
    if (!st) fail_msg("store %s: %s", p, err);
    return st;
}

static int64_t events(cw_store *st, const char *kind)
{
    int64_t n = -1;
    assert_int_equal(cw_store_event_count(st, kind, &n), 0);
    return n;
}

/* ---- HTTP ------------------------------------------------------------------ */
typedef struct resp {
    long status;
    char body[4096];
    size_t len;
} resp;

static size_t on_body(char *p, size_t sz, size_t nm, void *ctx)
{
    resp *r = ctx;
    size_t n = sz * nm, room = sizeof r->body - 1 - r->len;
    memcpy(r->body + r->len, p, n < room ? n : room);
    r->len += n < room ? n : room;
    r->body[r->len] = 0;
    return n;
}

static resp http(unsigned port, const char *method, const char *path, const char *body, size_t len, bool chunked)
{
    resp r = {0};
    CURL *c = curl_easy_init();
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    struct curl_slist *h = NULL;
    if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        h = curl_slist_append(h, "Content-Type: text/plain; charset=UTF-8"); /* as SNS sends it */
        if (chunked) h = curl_slist_append(h, "Transfer-Encoding: chunked");
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    }
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    else r.status = -(long)rc;
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return r;
}

static int raw_connect(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* wait until the server closes fd; the seconds it took (or -1 after limit) */
static double wait_closed(int fd, double limit)
{
    double t0 = now_s();
    struct timeval tv = {0, 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char b[512];
    while (now_s() - t0 < limit) {
        ssize_t n = recv(fd, b, sizeof b, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) return now_s() - t0;
        if (n > 0 && strstr(b, "HTTP/1.1 2")) return -2; /* acknowledged: must not happen */
    }
    return -1;
}

static void test_http(void **s)
{
    (void)s;
    cw_store *st = new_store("http.db", 0);
    cw_core *core = cw_core_new(st, NULL, NULL);
    volatile sig_atomic_t stop = 0;
    cw_source_ctl ctl = {.stop = &stop, .ingest = cw_core_ingest, .ctx = core, .healthy = cw_core_healthy, .health_ctx = core};
    cw_http_opts ho = {.idle_timeout_s = 1, .request_timeout_s = 3};
    char *err = NULL;
    cw_httpsrc *h = cw_src_http_start("127.0.0.1:0", &ho, &ctl, &err);
    if (!h) fail_msg("%s", err);
    unsigned port = cw_src_http_port(h);
    assert_true(port > 0);

    resp r = http(port, "GET", "/healthz", NULL, 0, false);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"ok\""));
    /* an SNS-wrapped change notification */
    char msg[8192], body[20000];
    snprintf(msg, sizeof msg, "{\"configurationItem\":%s,\"messageType\":\"ConfigurationItemChangeNotification\"}",
             item(1));
    char esc[16384];
    size_t k = 0;
    for (const char *p = msg; *p; p++) {
        if (*p == '"' || *p == '\\') esc[k++] = '\\';
        esc[k++] = *p;
    }
    esc[k] = 0;
    snprintf(body, sizeof body, "{\"Type\":\"Notification\",\"MessageId\":\"m-1\",\"Message\":\"%s\"}", esc);
    r = http(port, "POST", "/events", body, strlen(body), false);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"applied\":1"));
    assert_int_equal(events(st, "config-item"), 1);
    /* delivered again (SNS retries): acknowledged, recorded once */
    r = http(port, "POST", "/events", body, strlen(body), false);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"duplicates\":1"));
    assert_int_equal(events(st, "config-item"), 1);
    /* malformed JSON: 400 saying where; nothing recorded */
    const char *bad = "{\"Type\":\"Notification\",\n \"Message\": tru}";
    r = http(port, "POST", "/events", bad, strlen(bad), false);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "2:"));
    /* unknown: 400, recorded as unknown */
    r = http(port, "POST", "/events", "{\"hello\":1}", 11, false);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "expected"));
    assert_int_equal(events(st, "unknown"), 1);
    /* empty body */
    r = http(port, "POST", "/events", "", 0, false);
    assert_int_equal(r.status, 400);
    /* NDJSON body with one bad line between good ones: the good ones kept */
    snprintf(body, sizeof body, "%s\n{\"broken\": \n%s\n", item(2), item(3));
    r = http(port, "POST", "/events", body, strlen(body), false);
    assert_int_equal(r.status, 200);
    assert_int_equal(events(st, "config-item"), 3);
    /* wrong method / path */
    assert_int_equal(http(port, "GET", "/events", NULL, 0, false).status, 405);
    assert_int_equal(http(port, "GET", "/nope", NULL, 0, false).status, 404);

    /* 50 MB: refused with 413 before it is read (Content-Length), and chunked (read and dropped) */
    size_t big = 50u << 20;
    char *huge = malloc(big);
    memset(huge, ' ', big);
    huge[0] = '[';
    huge[big - 1] = ']';
    double t0 = now_s();
    r = http(port, "POST", "/events", huge, big, false);
    assert_int_equal(r.status, 413);
    double t_len = now_s() - t0;
    r = http(port, "POST", "/events", huge, 17u << 20, true);
    assert_int_equal(r.status, 413);
    free(huge);
    assert_true(t_len < 5);

    /* slow-loris: 8 connections that send part of their headers and stop */
    int slow[8];
    for (int i = 0; i < 8; i++) {
        slow[i] = raw_connect(port);
        const char *part = "POST /events HTTP/1.1\r\nHost: x\r\nX-Slow: ";
        assert_true(send(slow[i], part, strlen(part), 0) > 0);
    }
    /* others are served meanwhile */
    r = http(port, "POST", "/events", item(4), strlen(item(4)), false);
    assert_int_equal(r.status, 200);
    for (int i = 0; i < 8; i++) {
        double w = wait_closed(slow[i], 6);
        assert_true(w >= 0); /* closed by the idle timeout */
        close(slow[i]);
    }
    /* a body trickled a byte at a time: dropped at the request deadline, not acknowledged */
    int fd = raw_connect(port);
    const char *hdr = "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 4000\r\n\r\n";
    assert_true(send(fd, hdr, strlen(hdr), 0) > 0);
    const char *it5 = item(5);
    t0 = now_s();
    bool closed = false;
    for (size_t i = 0; i < strlen(it5) && now_s() - t0 < 8; i++) {
        if (send(fd, it5 + i, 1, MSG_NOSIGNAL) < 0) {
            closed = true;
            break;
        }
        usleep(250000);
    }
    if (!closed) closed = wait_closed(fd, 3) >= 0;
    assert_true(closed);
    close(fd);
    assert_int_equal(events(st, "config-item"), 4); /* item 5 was not acknowledged nor recorded */
    /* a body that never ends (chunked, as fast as it goes): dropped */
    fd = raw_connect(port);
    hdr = "POST /events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    assert_true(send(fd, hdr, strlen(hdr), 0) > 0);
    char chunk[8192 + 16];
    int cl = snprintf(chunk, sizeof chunk, "2000\r\n");
    memset(chunk + cl, 'x', 8192);
    memcpy(chunk + cl + 8192, "\r\n", 2);
    t0 = now_s();
    closed = false;
    while (now_s() - t0 < 10) {
        if (send(fd, chunk, (size_t)cl + 8194, MSG_NOSIGNAL) < 0) {
            closed = true;
            break;
        }
    }
    assert_true(closed);
    assert_true(now_s() - t0 < 6);
    close(fd);
    assert_int_equal(events(st, "config-item"), 4);
    /* still serving */
    assert_int_equal(http(port, "GET", "/healthz", NULL, 0, false).status, 200);
    cw_src_http_stop(h);
    cw_core_free(core);
    cw_store_close(st);

    /* a store that cannot be written: 503 (the sender retries), /healthz unavailable */
    st = new_store("http.db", CW_STORE_READONLY);
    core = cw_core_new(st, NULL, NULL);
    ctl.ctx = core;
    ctl.health_ctx = core;
    h = cw_src_http_start("127.0.0.1:0", &ho, &ctl, &err);
    port = cw_src_http_port(h);
    r = http(port, "POST", "/events", item(6), strlen(item(6)), false);
    assert_int_equal(r.status, 503);
    assert_non_null(strstr(r.body, "store"));
    assert_int_equal(http(port, "GET", "/healthz", NULL, 0, false).status, 503);
    cw_src_http_stop(h);
    cw_core_free(core);
    cw_store_close(st);
}

/* ---- directory ---------------------------------------------------------- */
static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static bool exists(const char *fmt, const char *name)
{
    char p[600];
    snprintf(p, sizeof p, fmt, dir, name);
    return access(p, F_OK) == 0;
}

static void test_dir(void **s)
{
    (void)s;
    char in[400], p[600], q[600];
    snprintf(in, sizeof in, "%s/inbox", dir);
    mkdir(in, 0755);
    cw_store *st = new_store("dir.db", 0);
    cw_core *core = cw_core_new(st, NULL, NULL);
    volatile sig_atomic_t stop = 0;
    cw_source_ctl ctl = {.stop = &stop, .ingest = cw_core_ingest, .ctx = core};
    char *err = NULL;
    cw_dirsrc *d = cw_src_dir_open(in, 200, &err);
    if (!d) fail_msg("%s", err);
    /* a history file renamed into place, a malformed file, a temporary name */
    snprintf(p, sizeof p, "%s/.a.json", in);
    char hist[12000];
    snprintf(hist, sizeof hist, "{\"fileVersion\":\"1.0\",\"configurationItems\":[%s,%s]}", item(10), item(11));
    write_file(p, hist);
    snprintf(q, sizeof q, "%s/a.json", in);
    assert_int_equal(rename(p, q), 0);
    snprintf(p, sizeof p, "%s/b.json", in);
    write_file(p, "{\"configurationItems\": [\n  {\"resourceType\": \"AWS::S3::Bucket\", oops}\n]}");
    snprintf(p, sizeof p, "%s/c.json.tmp", in);
    write_file(p, item(12));
    assert_int_equal(cw_src_dir_poll(d, &ctl), 0); /* nothing is settled yet */
    usleep(300000);
    assert_int_equal(cw_src_dir_poll(d, &ctl), 2);
    assert_true(exists("%s/inbox/done/%s", "a.json"));
    assert_true(exists("%s/inbox/failed/%s", "b.json"));
    assert_true(exists("%s/inbox/failed/%s", "b.json.reason"));
    assert_true(exists("%s/inbox/%s", "c.json.tmp"));
    snprintf(p, sizeof p, "%s/failed/b.json.reason", in);
    FILE *f = fopen(p, "r");
    char reason[512] = "";
    assert_non_null(fgets(reason, sizeof reason, f));
    fclose(f);
    assert_non_null(strstr(reason, "2:")); /* line 2 */
    assert_int_equal(events(st, "config-item"), 2);
    /* the same file delivered again later: moved to done/ beside the first, recorded once */
    write_file(q, hist);
    usleep(300000);
    assert_int_equal(cw_src_dir_poll(d, &ctl), 1);
    assert_true(exists("%s/inbox/done/%s", "a.json.1"));
    assert_int_equal(events(st, "config-item"), 2);
    cw_core_free(core);
    cw_store_close(st);
    /* a store that cannot be written: the file stays where it is */
    st = new_store("dir.db", CW_STORE_READONLY);
    core = cw_core_new(st, NULL, NULL);
    ctl.ctx = core;
    snprintf(q, sizeof q, "%s/e.json", in);
    write_file(q, item(13));
    usleep(300000);
    cw_src_dir_poll(d, &ctl);
    assert_true(exists("%s/inbox/%s", "e.json"));
    assert_false(exists("%s/inbox/done/%s", "e.json"));
    cw_src_dir_close(d);
    cw_core_free(core);
    cw_store_close(st);
}

/* ---- stdin ----------------------------------------------------------------- */
static void test_stdin(void **s)
{
    (void)s;
    cw_store *st = new_store("stdin.db", 0);
    cw_core *core = cw_core_new(st, NULL, NULL);
    volatile sig_atomic_t stop = 0;
    cw_source_ctl ctl = {.stop = &stop, .ingest = cw_core_ingest, .ctx = core, .max_body = 4096};
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    char buf[16384];
    int n = snprintf(buf, sizeof buf, "%s\n{\"resourceType\": \n\n   \n{\"what\":1}\r\n%s\n", item(20), item(21));
    /* a line over the limit, then a last line without a newline */
    memset(buf + n, 'x', 5000);
    n += 5000;
    n += snprintf(buf + n, sizeof buf - (size_t)n, "\n%s", item(22));
    assert_int_equal(write(pfd[1], buf, (size_t)n), n);
    close(pfd[1]);
    unsigned long bad = cw_src_stdin_run(pfd[0], &ctl);
    close(pfd[0]);
    assert_int_equal(bad, 3); /* malformed, unknown, too long */
    assert_int_equal(events(st, "config-item"), 3);
    assert_int_equal(events(st, "unknown"), 1);
    cw_core_free(core);
    cw_store_close(st);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/cw-watch-src-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    cw_log_quiet(1);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_dir),
        cmocka_unit_test(test_http),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) rc = rc ? rc : 1;
    return rc;
}
