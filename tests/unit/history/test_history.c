/* test_history.c - the small pieces of src/history: read order of items
 * (capture instant, then read order), times as AWS writes capture times,
 * sources split back (paths with ':'), change ids, durations, and reading
 * a history file with its errors located. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "history/history.h"

static void test_time_format(void **state)
{
    (void)state;
    char b[48];
    cw_hist_time(cw_time_parse("2026-03-09T00:00:00Z", 20), b, sizeof b);
    assert_string_equal(b, "2026-03-09T00:00:00.000Z");
    cw_hist_time(cw_time_parse("2026-03-04T17:23:45.678Z", 24), b, sizeof b);
    assert_string_equal(b, "2026-03-04T17:23:45.678Z");
    cw_hist_time(cw_time_parse("2026-03-04T19:23:45.678901+02:00", 32), b, sizeof b);
    assert_string_equal(b, "2026-03-04T17:23:45.678901Z");
    cw_hist_time(cw_time_parse("1969-12-31T23:59:59.500Z", 24), b, sizeof b);
    assert_string_equal(b, "1969-12-31T23:59:59.500Z");
    cw_hist_time(CW_TIME_UNKNOWN, b, sizeof b);
    assert_string_equal(b, "-");
}

static void test_source_parse(void **state)
{
    (void)state;
    char *file = NULL;
    uint32_t line = 0;
    uint64_t rec = 0;
    assert_int_equal(cw_hist_source_parse("/d/1_Config_us-east-1_ConfigHistory_AWS::S3::Bucket_x.json.gz:12:5#7", &file,
                                          &line, &rec), 0);
    assert_string_equal(file, "/d/1_Config_us-east-1_ConfigHistory_AWS::S3::Bucket_x.json.gz");
    assert_int_equal(line, 12);
    assert_int_equal(rec, 7);
    free(file);
    assert_int_equal(cw_hist_source_parse("no-numbers", &file, &line, &rec), -1);
    assert_int_equal(cw_hist_source_parse("f:1#2", &file, &line, &rec), -1);
    assert_int_equal(cw_hist_source_parse(NULL, &file, &line, &rec), -1);
}

static void test_change_id_duration(void **state)
{
    (void)state;
    char *c = cw_hist_change_id("arn:aws:s3:::b", cw_time_parse("2026-03-05T08:00:01.001Z", 24), "1772697601001");
    assert_string_equal(c, "config:arn:aws:s3:::b@2026-03-05T08:00:01.001Z#1772697601001");
    free(c);
    char b[64];
    cw_hist_duration(((int64_t)3 * 86400 + 4 * 3600 + 5 * 60 + 6) * 1000000 + 871000, b, sizeof b);
    assert_string_equal(b, "3d 4h 5m 6.871s");
    cw_hist_duration(59 * 1000000, b, sizeof b);
    assert_string_equal(b, "59s");
    cw_hist_duration(-5, b, sizeof b);
    assert_string_equal(b, "0s");
}

static char dir[64];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

#define ITEM(id, t, sid)                                                                                            \
    "{\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"" id "\",\"ARN\":\"arn:aws:s3:::" id                   \
    "\",\"awsAccountId\":\"111122223333\",\"awsRegion\":\"us-east-1\",\"configurationItemStatus\":\"OK\","            \
    "\"configurationItemCaptureTime\":\"" t "\",\"configurationStateId\":" sid ",\"configuration\":{}}"

static void test_read_and_sort(void **state)
{
    (void)state;
    char a[128], b[128];
    snprintf(a, sizeof a, "%s/a.json", dir);
    snprintf(b, sizeof b, "%s/b.ndjson", dir);
    /* a history file, newest first; then an NDJSON file with a tie, a bad line, an item without time */
    write_file(a, "{\"fileVersion\":\"1.0\",\"configurationItems\":[" ITEM("x", "2026-01-03T00:00:00.000Z", "3") ","
                  ITEM("x", "2026-01-01T00:00:00.000Z", "1") "]}");
    write_file(b, ITEM("y", "2026-01-03T01:00:00+01:00", "\"30\"") "\n{\"resourceType\":1}\n"
                  "{\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"z\",\"configuration\":{}}\n"
                  ITEM("w", "2026-01-02T00:00:00.000Z", "2") "\n");
    cw_hist_items it = {0};
    cw_diags d;
    cw_diags_init(&d);
    assert_int_equal(cw_hist_read_file(&it, a, 0, &d), 0);
    assert_int_equal(cw_hist_read_file(&it, b, 1, &d), -1);
    assert_int_equal(d.errors, 2); /* the resourceType that is not a string, the item without a time */
    int where2 = 0, where3 = 0;
    for (size_t i = 0; i < d.n; i++) {
        if (d.v[i].level != CW_DIAG_ERROR) continue;
        assert_string_equal(d.v[i].file, b);
        where2 |= d.v[i].line == 2, where3 |= d.v[i].line == 3;
    }
    assert_true(where2 && where3);
    assert_int_equal(it.n, 4);
    cw_hist_sort(&it);
    /* 01-01 x, 01-02 w, then x and y at the same instant (y's +01:00 is 00:00Z): file order */
    const char *order[] = {"x", "w", "x", "y"};
    const char *sids[] = {"1", "2", "3", "30"};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(it.v[i].resource_id, order[i]);
        assert_string_equal(it.v[i].state_id, sids[i]);
    }
    assert_int_equal(it.v[2].capture_us, it.v[3].capture_us);
    assert_non_null(strstr(it.v[0].source, "a.json:"));
    assert_non_null(strstr(it.v[0].item, "\"configurationStateId\":1"));
    cw_hist_items_free(&it);
    cw_diags_free(&d);
    unlink(a);
    unlink(b);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/cw-hist-unit-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_format),
        cmocka_unit_test(test_source_parse),
        cmocka_unit_test(test_change_id_duration),
        cmocka_unit_test(test_read_and_sort),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(dir);
    return rc;
}
