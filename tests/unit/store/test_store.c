/* test_store.c - the monitor's store on SQLite (and on PostgreSQL when
 * CW_TEST_PG names a server: tests/store/pg_store.sh starts a real one):
 * open/migrate, refusals (not a database, read-only, newer schema),
 * versions and events de-duplicated, findings lifecycle, windows, the
 * alert outbox, leases taken over after expiry, rollback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"

static char dir[256];

static void path_in(char *buf, size_t n, const char *name) { snprintf(buf, n, "%s/%s", dir, name); }

static cw_store *open_ok(const char *spec)
{
    char *err = NULL;
    cw_store *st = cw_store_open(spec, 0, &err);
    if (!st) fail_msg("open %s: %s", spec, err ? err : "?");
    return st;
}

/* A fresh store: a new SQLite file, or the PostgreSQL server emptied. */
static const char *pg_spec(void) { return getenv("CW_TEST_PG"); }

static int count_versions(void *ctx, const cw_store_version *v)
{
    (void)v;
    ++*(int *)ctx;
    return 0;
}

static void exercise(cw_store *st)
{
    /* versions: the same state id twice is one version */
    cw_store_version v = {.resource = "arn:aws:s3:::b1", .type = "AWS::S3::Bucket", .resource_id = "b1",
                          .account = "111122223333", .region = "eu-west-1", .state_id = "100",
                          .status = "OK", .capture_us = 1000, .item = "{\"a\":1}", .source = "f:1",
                          .recorded_us = 5};
    int ins = -1;
    assert_int_equal(cw_store_put_version(st, &v, &ins), 0);
    assert_int_equal(ins, 1);
    assert_int_equal(cw_store_put_version(st, &v, &ins), 0);
    assert_int_equal(ins, 0);
    v.state_id = "101", v.capture_us = 2000;
    assert_int_equal(cw_store_put_version(st, &v, &ins), 0);
    assert_int_equal(ins, 1);
    int64_t n = 0;
    assert_int_equal(cw_store_version_count(st, &n), 0);
    assert_int_equal(n, 2);
    int seen = 0;
    cw_store_version_query q = {.resource = "arn:aws:s3:::b1", .latest_only = 1, .with_item = 1};
    assert_int_equal(cw_store_versions(st, &q, count_versions, &seen), 0);
    assert_int_equal(seen, 1);

    /* events: a duplicate delivery is recognised */
    cw_store_event e = {.id = "ev-1", .source = "stdin", .kind = "config-item", .account = "111122223333",
                        .resource = "arn:aws:s3:::b1", .event_us = 1000, .received_us = 1001};
    assert_int_equal(cw_store_put_event(st, &e, &ins), 0);
    assert_int_equal(ins, 1);
    assert_int_equal(cw_store_put_event(st, &e, &ins), 0);
    assert_int_equal(ins, 0);
    assert_int_equal(cw_store_event_count(st, "config-item", &n), 0);
    assert_int_equal(n, 1);

    /* findings: insert, resolve (replace by fingerprint), query by status */
    cw_store_finding f = {.fingerprint = "fp1", .rule_id = "aws-s3-bucket-public-read", .resource = "arn:aws:s3:::b1",
                          .resource_type = "AWS::S3::Bucket", .resource_id = "b1", .resource_name = "b1",
                          .account = "111122223333", .region = "eu-west-1", .severity = "critical",
                          .category = "public-access", .title = "t", .evidence = "e", .status = "open",
                          .first_seen_us = 1000, .last_seen_us = 1000, .resolved_us = CW_TIME_UNKNOWN,
                          .open_change = "config:b1@1000#100"};
    assert_int_equal(cw_store_put_finding(st, &f), 0);
    int nf = 0;
    cw_store_finding_query fq = {.status = "open"};
    assert_int_equal(cw_store_findings(st, &fq, (cw_store_finding_fn)count_versions, &nf), 0);
    assert_int_equal(nf, 1);
    f.status = "resolved", f.resolved_us = 2000, f.close_change = "config:b1@2000#101";
    assert_int_equal(cw_store_put_finding(st, &f), 0);
    nf = 0;
    assert_int_equal(cw_store_findings(st, &fq, (cw_store_finding_fn)count_versions, &nf), 0);
    assert_int_equal(nf, 0);
    fq.status = "resolved";
    assert_int_equal(cw_store_findings(st, &fq, (cw_store_finding_fn)count_versions, &nf), 0);
    assert_int_equal(nf, 1);

    /* windows: open, then closed by update */
    cw_store_window w = {.resource = "arn:aws:s3:::b1", .resource_type = "AWS::S3::Bucket",
                         .account = "111122223333", .region = "eu-west-1", .rules = "aws-s3-bucket-public-read",
                         .start_us = 1000, .end_us = CW_TIME_UNKNOWN, .open_change = "config:b1@1000#100"};
    int64_t wid = 0;
    assert_int_equal(cw_store_put_window(st, &w, &wid), 0);
    assert_true(wid > 0);
    int nw = 0;
    cw_store_window_query wq = {.from_us = CW_TIME_UNKNOWN, .to_us = CW_TIME_UNKNOWN, .open_only = 1};
    assert_int_equal(cw_store_windows(st, &wq, (cw_store_window_fn)count_versions, &nw), 0);
    assert_int_equal(nw, 1);
    w.id = wid, w.end_us = 2000, w.close_change = "config:b1@2000#101";
    assert_int_equal(cw_store_put_window(st, &w, NULL), 0);
    nw = 0;
    assert_int_equal(cw_store_windows(st, &wq, (cw_store_window_fn)count_versions, &nw), 0);
    assert_int_equal(nw, 0);
    wq.open_only = 0, wq.from_us = 1500, wq.to_us = 1600; /* overlapping */
    assert_int_equal(cw_store_windows(st, &wq, (cw_store_window_fn)count_versions, &nw), 0);
    assert_int_equal(nw, 1);
    nw = 0, wq.from_us = 3000, wq.to_us = 4000; /* after it */
    assert_int_equal(cw_store_windows(st, &wq, (cw_store_window_fn)count_versions, &nw), 0);
    assert_int_equal(nw, 0);

    /* outbox: one delivery per sink; delivered once; retry keeps it pending */
    const char *sinks[] = {"file", "webhook"};
    cw_store_alert a = {.id = "al-1", .kind = "open", .fingerprint = "fp1", .resource = "arn:aws:s3:::b1",
                        .payload = "{\"text\":\"x\"}", .created_us = 1000};
    assert_int_equal(cw_store_add_alert(st, &a, sinks, 2, &ins), 0);
    assert_int_equal(ins, 1);
    assert_int_equal(cw_store_add_alert(st, &a, sinks, 2, &ins), 0);
    assert_int_equal(ins, 0);
    assert_int_equal(cw_store_alerts_pending(st, "webhook", &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(cw_store_alert_retry(st, "al-1", "webhook", 10000, "HTTP 503"), 0);
    int due = 0;
    assert_int_equal(cw_store_alerts_due(st, "webhook", 5000, 10, (cw_store_alert_fn)count_versions, &due), 0);
    assert_int_equal(due, 0); /* not before its next try */
    assert_int_equal(cw_store_alerts_due(st, "webhook", 20000, 10, (cw_store_alert_fn)count_versions, &due), 0);
    assert_int_equal(due, 1);
    assert_int_equal(cw_store_alert_delivered(st, "al-1", "webhook", 20001), 0);
    assert_int_equal(cw_store_alerts_pending(st, "webhook", &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(cw_store_alerts_pending(st, "file", &n), 0);
    assert_int_equal(n, 1);

    /* leases: held, refused to another, taken over once expired */
    int got = -1;
    char *holder = NULL;
    assert_int_equal(cw_store_lease_acquire(st, "111122223333", "node-a", 60000000, &got, &holder), 0);
    assert_int_equal(got, 1);
    free(holder), holder = NULL;
    assert_int_equal(cw_store_lease_acquire(st, "111122223333", "node-b", 60000000, &got, &holder), 0);
    assert_int_equal(got, 0);
    assert_non_null(holder);
    assert_string_equal(holder, "node-a");
    free(holder), holder = NULL;
    assert_int_equal(cw_store_lease_acquire(st, "444455556666", "node-b", 1, &got, &holder), 0);
    assert_int_equal(got, 1);
    free(holder), holder = NULL;
    usleep(20000); /* node-b's 1 µs lease has expired */
    assert_int_equal(cw_store_lease_acquire(st, "444455556666", "node-a", 60000000, &got, &holder), 0);
    assert_int_equal(got, 1);
    free(holder), holder = NULL;
    assert_int_equal(cw_store_lease_release_all(st, "node-a"), 0);
    assert_int_equal(cw_store_lease_acquire(st, "111122223333", "node-b", 60000000, &got, &holder), 0);
    assert_int_equal(got, 1);
    free(holder);

    /* watch's fence: take inside a transaction; the previous holder makes the taker's model stale */
    cw_store_lease_take_r tk;
    assert_int_equal(cw_store_begin(st), 0);
    assert_int_equal(cw_store_lease_take(st, "777788889999", "node-a", 60000000, &tk), 0);
    assert_int_equal(tk.got, 1); /* never held: not stale */
    assert_int_equal(tk.stale, 0);
    assert_null(tk.holder);
    assert_int_equal(cw_store_lease_take(st, "111122223333", "node-a", 60000000, &tk), 0);
    assert_int_equal(tk.got, 0); /* node-b's */
    assert_non_null(tk.holder);
    assert_string_equal(tk.holder, "node-b");
    assert_true(tk.expires_us > tk.now_us);
    free(tk.holder);
    assert_int_equal(cw_store_commit(st), 0);
    assert_int_equal(cw_store_lease_release_all(st, "node-b"), 0); /* ends now, the row stays */
    assert_int_equal(cw_store_begin(st), 0);
    assert_int_equal(cw_store_lease_take(st, "111122223333", "node-a", 60000000, &tk), 0);
    assert_int_equal(tk.got, 1);
    assert_int_equal(tk.stale, 1); /* node-b may have committed for it */
    assert_string_equal(tk.holder, "node-b");
    free(tk.holder);
    assert_int_equal(cw_store_lease_take(st, "111122223333", "node-a", 60000000, &tk), 0);
    assert_int_equal(tk.got, 1); /* its own now: renewed, not stale */
    assert_int_equal(tk.stale, 0);
    assert_int_equal(cw_store_commit(st), 0);
    /* a delivery claimed once; again once the claim has passed; never once delivered */
    int cl = -1;
    assert_int_equal(cw_store_alert_claim(st, "al-1", "file", 5000, 90000, &cl), 0);
    assert_int_equal(cl, 1);
    assert_int_equal(cw_store_alert_claim(st, "al-1", "file", 5000, 90000, &cl), 0);
    assert_int_equal(cl, 0);
    assert_int_equal(cw_store_alert_claim(st, "al-1", "file", 100000, 190000, &cl), 0);
    assert_int_equal(cl, 1);
    assert_int_equal(cw_store_alert_claim(st, "al-1", "webhook", 100000, 190000, &cl), 0);
    assert_int_equal(cl, 0);

    /* rollback: nothing half-written */
    assert_int_equal(cw_store_begin(st), 0);
    cw_store_event e2 = e;
    e2.id = "ev-rolled-back";
    assert_int_equal(cw_store_put_event(st, &e2, &ins), 0);
    cw_store_rollback(st);
    assert_int_equal(cw_store_event_count(st, NULL, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(cw_store_begin(st), 0);
    assert_int_equal(cw_store_put_event(st, &e2, &ins), 0);
    assert_int_equal(cw_store_commit(st), 0);
    assert_int_equal(cw_store_event_count(st, NULL, &n), 0);
    assert_int_equal(n, 2);
}

static void test_sqlite(void **s)
{
    (void)s;
    char p[512];
    path_in(p, sizeof p, "sub/dir/a.db"); /* directories created */
    cw_store *st = open_ok(p);
    assert_string_equal(cw_store_backend(st), "sqlite");
    exercise(st);
    cw_store_close(st);
    /* reopened: everything still there, schema not migrated twice */
    st = open_ok(p);
    int64_t n = 0;
    assert_int_equal(cw_store_version_count(st, &n), 0);
    assert_int_equal(n, 2);
    cw_store_close(st);
    /* read-only open of an existing store works and refuses writes */
    char *err = NULL;
    st = cw_store_open(p, CW_STORE_READONLY, &err);
    assert_non_null(st);
    cw_store_event e = {.id = "x", .source = "t", .kind = "k", .event_us = 1, .received_us = 1};
    int ins;
    assert_int_not_equal(cw_store_put_event(st, &e, &ins), 0);
    cw_store_close(st);
}

static void test_refusals(void **s)
{
    (void)s;
    char p[512], *err = NULL;
    /* not a database */
    path_in(p, sizeof p, "junk.db");
    FILE *f = fopen(p, "w");
    fputs("this is not an SQLite file, just some text that is long enough to look like a header....\n", f);
    fclose(f);
    cw_store *st = cw_store_open(p, 0, &err);
    assert_null(st);
    assert_non_null(err);
    assert_non_null(strstr(err, p)); /* names the file */
    free(err), err = NULL;
    /* a directory */
    st = cw_store_open(dir, 0, &err);
    assert_null(st);
    assert_non_null(strstr(err, "directory"));
    free(err), err = NULL;
    /* missing store opened for reading */
    path_in(p, sizeof p, "missing.db");
    st = cw_store_open(p, CW_STORE_READONLY, &err);
    assert_null(st);
    assert_non_null(err);
    free(err), err = NULL;
    /* written by a newer version */
    path_in(p, sizeof p, "newer.db");
    st = open_ok(p);
    char v[32];
    snprintf(v, sizeof v, "%d", CW_STORE_SCHEMA_VERSION + 1);
    assert_int_equal(cw_store_meta_set(st, "schema_version", v), 0);
    cw_store_close(st);
    st = cw_store_open(p, 0, &err);
    assert_null(st);
    assert_non_null(err);
    assert_non_null(strstr(err, "newer"));
    free(err), err = NULL;
    /* read-only file (unless root, who may write anything) */
    if (geteuid() != 0) {
        path_in(p, sizeof p, "ro.db");
        st = open_ok(p);
        cw_store_close(st);
        chmod(p, 0444);
        st = cw_store_open(p, 0, &err);
        assert_null(st);
        assert_non_null(strstr(err, "read-only"));
        free(err);
    }
}

static void test_pg(void **s)
{
    (void)s;
    const char *spec = pg_spec();
    if (!spec || !*spec) {
        print_message("CW_TEST_PG not set: PostgreSQL part skipped (tests/store/pg_store.sh runs it)\n");
        skip();
    }
    cw_store *st = open_ok(spec);
    assert_string_equal(cw_store_backend(st), "postgresql");
    exercise(st);
    cw_store_close(st);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/cw-store-test-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sqlite),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_pg),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) rc = rc ? rc : 1;
    return rc;
}
