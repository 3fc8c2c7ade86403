/* test_outbox.c - alerts from the store's outbox to an NDJSON file and to a
 * webhook: a loopback HTTP receiver of the test's own (python3 http.server)
 * that fails while a flag file exists. Shows: the payload (Slack-compatible
 * text, finding, resource, change, window, stable id also in a header), at
 * least once with retries and backoff, the sink resting while it fails,
 * everything delivered in order once it recovers, and alerts pending when
 * the process stopped delivered after a "restart" (store closed, reopened). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json/json.h"
#include "store/store.h"
#include "util/timeutil.h"
#include "watch/alert.h"
#include "watch/log.h"
#include "watch/outbox.h"

static char dir[256], failflag[300], recvlog[300], alerts_path[300], url[128];
static pid_t receiver;
static int receiver_out = -1; /* kept open: the receiver's stdout */

static const char receiver_py[] =
    "import http.server, json, os, sys\n"
    "fail, log = sys.argv[1], sys.argv[2]\n"
    "class H(http.server.BaseHTTPRequestHandler):\n"
    "    def do_POST(self):\n"
    "        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))\n"
    "        if os.path.exists(fail):\n"
    "            self.send_response(500); self.end_headers(); return\n"
    "        with open(log, 'a') as f:\n"
    "            f.write(json.dumps({'id': self.headers.get('X-Cloudwarden-Alert-Id'),\n"
    "                                'ctype': self.headers.get('Content-Type'), 'body': json.loads(body)}) + '\\n')\n"
    "        self.send_response(200); self.end_headers()\n"
    "    def log_message(self, *a): pass\n"
    "s = http.server.HTTPServer(('127.0.0.1', 0), H)\n"
    "print(s.server_address[1], flush=True)\n"
    "s.serve_forever()\n";

static void start_receiver(void)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    receiver = fork();
    if (receiver == 0) {
        dup2(p[1], 1);
        close(p[0]);
        execlp("python3", "python3", "-c", receiver_py, failflag, recvlog, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    char buf[32] = "";
    ssize_t n = read(p[0], buf, sizeof buf - 1);
    receiver_out = p[0];
    if (n <= 0) fail_msg("the python3 receiver did not start");
    buf[n] = 0;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/hook", atoi(buf));
}

static void stop_receiver(void)
{
    if (receiver > 0) {
        kill(receiver, SIGTERM);
        waitpid(receiver, NULL, 0);
        receiver = 0;
        close(receiver_out);
    }
}

static void set_failing(bool on)
{
    if (on) {
        FILE *f = fopen(failflag, "w");
        fclose(f);
    } else {
        unlink(failflag);
    }
}

static int count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int n = 0, c;
    while ((c = fgetc(f)) != EOF) n += c == '\n';
    fclose(f);
    return n;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, f);
    b[got] = 0;
    fclose(f);
    return b;
}

static cw_store *open_store(void)
{
    char p[400], *err = NULL;
    snprintf(p, sizeof p, "%s/outbox.db", dir);
    cw_store *st = cw_store_open(p, 0, &err);
    if (!st) fail_msg("%s", err);
    return st;
}

static void add(cw_store *st, int i, const char *const *sinks, size_t ns, char id[33])
{
    char fp[40], res[64], change[96];
    snprintf(fp, sizeof fp, "fp%02d", i);
    snprintf(res, sizeof res, "arn:aws:s3:::bucket-%d", i);
    snprintf(change, sizeof change, "cloudtrail:event-%d", i);
    cw_alert_in in = {.kind = i % 3 == 2 ? "resolve" : "open",
                      .fingerprint = fp,
                      .rule_id = "aws-s3-public-read",
                      .title = "S3 bucket readable by anyone",
                      .severity = "critical",
                      .category = "public-access",
                      .evidence = "the bucket policy grants s3:GetObject to \"*\"",
                      .resource = res,
                      .resource_type = "AWS::S3::Bucket",
                      .resource_id = res + 13,
                      .account = "111122223333",
                      .region = "eu-west-1",
                      .change_id = change,
                      .event_id = change,
                      .event_kind = "cloudtrail",
                      .event_source = "http",
                      .event_name = "PutBucketPolicy",
                      .actor = "arn:aws:iam::111122223333:user/alice",
                      .change_us = cw_time_parse("2026-12-07T10:00:00Z", 20) + i,
                      .window_open_us = cw_time_parse("2026-12-07T10:00:00Z", 20)};
    char *payload = cw_alert_build(&in, 1000 + i, id);
    cw_store_alert a = {.id = id, .kind = in.kind, .fingerprint = fp, .resource = res, .payload = payload,
                        .created_us = 1000 + i};
    int ins = 0;
    assert_int_equal(cw_store_add_alert(st, &a, sinks, ns, &ins), 0);
    assert_int_equal(ins, 1);
    /* the same alert again (the event re-processed): nothing new */
    assert_int_equal(cw_store_add_alert(st, &a, sinks, ns, &ins), 0);
    assert_int_equal(ins, 0);
    free(payload);
}

static int64_t pending(cw_store *st, const char *sink)
{
    int64_t n = -1;
    assert_int_equal(cw_store_alerts_pending(st, sink, &n), 0);
    return n;
}

static void test_payload(void **s)
{
    (void)s;
    char id[33], id2[33];
    cw_alert_in in = {.kind = "escalate", .fingerprint = "f", .rule_id = "r", .severity = "critical",
                      .prev_severity = "medium", .resource = "arn:aws:s3:::b", .change_id = "config:x@t#1",
                      .change_us = CW_TIME_UNKNOWN, .window_open_us = cw_time_parse("2016-10-01T00:00:00Z", 20)};
    char *p = cw_alert_build(&in, 5, id);
    cw_arena a;
    cw_arena_init(&a, 0);
    cw_json_err e;
    cw_json *v = cw_json_parse(&a, p, strlen(p), &e);
    assert_non_null(v);
    assert_null(strchr(p, '\n'));
    assert_string_equal(cw_json_str(cw_json_get(v, "alert_id"), ""), id);
    assert_non_null(strstr(cw_json_str(cw_json_get(v, "text"), ""), "ESCALATED critical (was medium)"));
    assert_non_null(strstr(cw_json_str(cw_json_get(v, "text"), ""), "exposed since 2016-10-01T00:00:00Z"));
    assert_string_equal(cw_json_str(cw_json_path(v, "window.opened"), ""), "2016-10-01T00:00:00Z");
    assert_string_equal(cw_json_str(cw_json_path(v, "change.id"), ""), "config:x@t#1");
    assert_string_equal(cw_json_str(cw_json_path(v, "finding.previous_severity"), ""), "medium");
    /* stable: the same finding, kind and change give the same id; another change another */
    cw_alert_id("f", "escalate", "config:x@t#1", id2);
    assert_string_equal(id, id2);
    cw_alert_id("f", "escalate", "config:x@t#2", id2);
    assert_string_not_equal(id, id2);
    free(p);
    cw_arena_free(&a);
    cw_outbox_opts o = {.base_us = 1000000, .max_us = 60000000};
    assert_int_equal(cw_outbox_backoff(&o, 1), 1000000);
    assert_int_equal(cw_outbox_backoff(&o, 3), 4000000);
    assert_int_equal(cw_outbox_backoff(&o, 40), 60000000);
}

static void test_delivery(void **s)
{
    (void)s;
    set_failing(true);
    start_receiver();
    cw_store *st = open_store();
    char *err = NULL;
    cw_sink *sinks[2] = {cw_sink_file_open(alerts_path, &err), NULL};
    assert_non_null(sinks[0]);
    sinks[1] = cw_sink_webhook_open(url, NULL, &err);
    assert_non_null(sinks[1]);
    cw_outbox_opts o = {.base_us = 2000000, .max_us = 60000000};
    cw_outbox *ob = cw_outbox_new(sinks, 2, &o);
    const char *const *names = cw_outbox_sink_names(ob);
    char ids[7][33];
    for (int i = 0; i < 5; i++) add(st, i, names, 2, ids[i]);
    int64_t t = 10000000;
    /* the webhook fails: the file gets all five, the webhook one try, then rests */
    assert_int_equal(cw_outbox_pump(ob, st, t), 5);
    assert_int_equal(count_lines(alerts_path), 5);
    assert_int_equal(pending(st, "file"), 0);
    assert_int_equal(pending(st, "webhook"), 5);
    assert_int_equal(cw_outbox_stats_of(ob)->failed, 1);
    assert_int_equal(cw_outbox_pump(ob, st, t + 1000), 0);
    assert_int_equal(cw_outbox_stats_of(ob)->failed, 1); /* resting: no request */
    assert_int_equal(cw_outbox_pump(ob, st, t + 2000001), 0); /* still failing: one more try */
    assert_int_equal(cw_outbox_stats_of(ob)->failed, 2);
    /* it recovers: everything, in order, after the backoff */
    set_failing(false);
    assert_int_equal(cw_outbox_pump(ob, st, t + 2000002), 0); /* resting 4 s now */
    assert_int_equal(cw_outbox_pump(ob, st, t + 6500000), 5);
    assert_int_equal(pending(st, "webhook"), 0);
    char *got = slurp(recvlog);
    assert_non_null(got);
    const char *p = got;
    for (int i = 0; i < 5; i++) {
        p = strstr(p, ids[i]); /* the header's id, then the payload's */
        assert_non_null(p);
        p = strstr(p + 1, ids[i]);
        assert_non_null(p);
    }
    assert_non_null(strstr(got, "\"ctype\": \"application/json\""));
    assert_non_null(strstr(got, "\"text\": \"[cloudwarden] OPENED critical aws-s3-public-read"));
    assert_non_null(strstr(got, "Caused by PutBucketPolicy by arn:aws:iam::111122223333:user/alice"));
    free(got);
    /* the NDJSON file: one parseable alert a line */
    char *lines = slurp(alerts_path);
    cw_arena a;
    cw_arena_init(&a, 0);
    int n = 0;
    for (char *l = strtok(lines, "\n"); l; l = strtok(NULL, "\n"), n++) {
        cw_json_err e;
        cw_json *v = cw_json_parse(&a, l, strlen(l), &e);
        assert_non_null(v);
        assert_string_equal(cw_json_str(cw_json_get(v, "alert_id"), ""), ids[n]);
        assert_string_equal(cw_json_str(cw_json_path(v, "resource.account"), ""), "111122223333");
        assert_non_null(cw_json_path(v, "window.opened"));
    }
    assert_int_equal(n, 5);
    free(lines);
    cw_arena_free(&a);

    /* two more while the webhook is down, then the process stops */
    set_failing(true);
    add(st, 5, names, 2, ids[5]);
    add(st, 6, names, 2, ids[6]);
    assert_int_equal(cw_outbox_pump(ob, st, t + 20000000), 2); /* the file's */
    assert_int_equal(pending(st, "webhook"), 2);
    cw_outbox_free(ob);
    cw_sink_free(sinks[0]);
    cw_sink_free(sinks[1]);
    cw_store_close(st);
    /* restart: a new process finds them in the outbox and delivers them */
    set_failing(false);
    st = open_store();
    sinks[0] = cw_sink_file_open(alerts_path, &err);
    sinks[1] = cw_sink_webhook_open(url, NULL, &err);
    ob = cw_outbox_new(sinks, 2, &o);
    assert_int_equal(cw_outbox_pump(ob, st, t + 30000000), 2);
    assert_int_equal(pending(st, NULL), 0);
    assert_int_equal(count_lines(recvlog), 7);
    assert_int_equal(count_lines(alerts_path), 7);
    got = slurp(recvlog);
    assert_non_null(strstr(got, ids[5]));
    assert_non_null(strstr(got, ids[6]));
    free(got);
    cw_outbox_free(ob);
    cw_sink_free(sinks[0]);
    cw_sink_free(sinks[1]);
    cw_store_close(st);
    stop_receiver();
    /* a receiver that is not there at all: an error naming the URL, retried later */
    st = open_store();
    sinks[0] = cw_sink_webhook_open("http://127.0.0.1:9/none", NULL, &err);
    ob = cw_outbox_new(sinks, 1, &o);
    const char *const *n1 = cw_outbox_sink_names(ob);
    char id[33];
    add(st, 9, n1, 1, id);
    assert_int_equal(cw_outbox_pump(ob, st, t + 40000000), 0);
    assert_int_equal(pending(st, "webhook"), 1);
    cw_outbox_free(ob);
    cw_sink_free(sinks[0]);
    cw_store_close(st);
    /* bad sink arguments */
    assert_null(cw_sink_webhook_open("ftp://x", NULL, &err));
    assert_non_null(strstr(err, "http://"));
    free(err);
    assert_null(cw_sink_file_open("/nonexistent-dir/x.ndjson", &err));
    assert_non_null(strstr(err, "/nonexistent-dir/x.ndjson"));
    free(err);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/cw-watch-outbox-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    snprintf(failflag, sizeof failflag, "%s/fail", dir);
    snprintf(recvlog, sizeof recvlog, "%s/received.ndjson", dir);
    snprintf(alerts_path, sizeof alerts_path, "%s/alerts.ndjson", dir);
    cw_log_quiet(1);
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_payload), cmocka_unit_test(test_delivery)};
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    stop_receiver();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) rc = rc ? rc : 1;
    return rc;
}
