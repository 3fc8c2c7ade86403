/* Unit tests of the shared walker, the glob matcher, timestamps and note
 * collapsing (issue 9: hostile trees, time spellings). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/diag.h"
#include "util/glob.h"
#include "util/timeutil.h"
#include "util/walk.h"

static void test_glob(void **st)
{
    (void)st;
    assert_true(cw_fnglob_match("aws-s3-*", "aws-s3-bucket-public-read", 0));
    assert_false(cw_fnglob_match("aws-s3-*", "aws-ec2-x", 0));
    assert_true(cw_fnglob_match("*public*", "aws-s3-bucket-public-read", 0));
    assert_true(cw_fnglob_match("AWS::S3::*", "AWS::S3::Bucket", 0));
    assert_true(cw_fnglob_match("a?c", "abc", 0));
    assert_false(cw_fnglob_match("a?c", "ac", 0));
    assert_true(cw_fnglob_match("[0-9][0-9]*", "123456789012", 0));
    assert_false(cw_fnglob_match("[!0-9]*", "123", 0));
    assert_true(cw_fnglob_match("us-*-1", "us-east-1", 0));
    assert_true(cw_fnglob_match("a\\*b", "a*b", 0));
    assert_false(cw_fnglob_match("a\\*b", "axb", 0));
    assert_true(cw_fnglob_match("*.JSON", "x.json", CW_GLOB_ICASE));
    assert_true(cw_fnglob_match("", "", 0));
    assert_false(cw_fnglob_match("", "x", 0));
    assert_true(cw_fnglob_match("*", "", 0));
    assert_true(cw_fnglob_match("[abc", "[abc", 0)); /* unclosed class: literal */
    /* no exponential blow-up */
    char s[4001];
    memset(s, 'a', 4000), s[4000] = 0;
    assert_false(cw_fnglob_match("*a*a*a*a*a*a*a*a*a*a*a*a*b", s, 0));
    /* path mode */
    assert_true(cw_fnglob_match("**/x.json", "x.json", CW_GLOB_PATH));
    assert_true(cw_fnglob_match("**/x.json", "a/b/x.json", CW_GLOB_PATH));
    assert_true(cw_fnglob_match("logs/**", "logs/a/b.json", CW_GLOB_PATH));
    assert_false(cw_fnglob_match("logs/*", "logs/a/b.json", CW_GLOB_PATH));
    assert_true(cw_fnglob_match("a/**/b/*.json", "a/b/c.json", CW_GLOB_PATH));
    assert_true(cw_fnglob_match("a/**/b/*.json", "a/x/y/b/c.json", CW_GLOB_PATH));
    assert_false(cw_fnglob_match("a/*.json", "a/b/c.json", CW_GLOB_PATH));
    assert_null(cw_fnglob_check("a[bc]*"));
    assert_non_null(cw_fnglob_check("a[bc"));
    assert_non_null(cw_fnglob_check("ab\\"));
}

static int64_t T(const char *s) { return cw_time_parse(s, strlen(s)); }

static void test_time(void **st)
{
    (void)st;
    int64_t base = T("2024-05-01T23:00:00Z");
    assert_true(base != CW_TIME_UNKNOWN);
    assert_int_equal(base, (int64_t)1714604400 * 1000000);
    /* fractions: .9 = .900 = .900000; more digits are dropped beyond µs */
    assert_int_equal(T("2024-05-01T23:00:00.900Z") - base, 900000);
    assert_int_equal(T("2024-05-01T23:00:00.9Z") - base, 900000);
    assert_int_equal(T("2024-05-01T23:00:00.900000001Z") - base, 900000);
    assert_int_equal(T("2024-05-01T23:00:00,5Z") - base, 500000);
    /* offsets: the same instant in four spellings */
    assert_int_equal(T("2024-05-02T09:00:00+10:00"), base);
    assert_int_equal(T("2024-05-02T09:00:00+1000"), base);
    assert_int_equal(T("2024-05-02T09:00:00+10"), base);
    assert_int_equal(T("2024-05-01T18:30:00-04:30"), base);
    assert_int_equal(T("2024-05-01 23:00:00"), base);
    assert_int_equal(T("2024-05-01t23:00:00z"), base);
    assert_int_equal(T("2024-05-01T23:00Z"), base);
    /* the string order lies, the instants do not */
    assert_true(strcmp("2024-05-01T23:00:00Z", "2024-05-01T23:00:00.900Z") > 0);
    assert_true(T("2024-05-01T23:00:00Z") < T("2024-05-01T23:00:00.900Z"));
    assert_true(T("2024-05-02T08:59:59+10:00") < base);
    /* leap second and 24:00 */
    assert_int_equal(T("2016-12-31T23:59:60Z"), T("2017-01-01T00:00:00Z"));
    assert_int_equal(T("2024-05-01T24:00:00Z"), T("2024-05-02T00:00:00Z"));
    /* date only: midnight UTC */
    assert_int_equal(T("2024-05-01"), base - 23 * 3600 * (int64_t)1000000);
    /* Buddhist-era year stays representable */
    assert_true(T("2567-05-01T23:00:00Z") > base);
    /* not times */
    const char *bad[] = {"", "2024", "2024-13-01", "2026-02-31", "2023-02-29", "2024-05-01T25:00:00Z",
                         "2024-05-01T23:00:00+19:00", "2024-05-01T23:00:00.Z", "2024-05-01T23:00:00Zjunk",
                         "yesterday", "2024-05-01T24:00:01Z", "1714604400", NULL};
    for (const char **b = bad; *b; b++) assert_true(T(*b) == CW_TIME_UNKNOWN);
    assert_true(T("2024-02-29") != CW_TIME_UNKNOWN);
    /* formatting round trip */
    char buf[48];
    cw_time_format(T("2024-05-02T09:00:00.9+10:00"), buf, sizeof buf);
    assert_string_equal(buf, "2024-05-01T23:00:00.900Z");
    cw_time_format(base, buf, sizeof buf);
    assert_string_equal(buf, "2024-05-01T23:00:00Z");
    cw_time_format(base + 1, buf, sizeof buf);
    assert_string_equal(buf, "2024-05-01T23:00:00.000001Z");
    assert_true(cw_date_valid(2000, 2, 29));
    assert_false(cw_date_valid(1900, 2, 29));
}

static char tmpl[64];

static void mk(const char *rel, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", tmpl, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char *rel(const char *p) { return p + strlen(tmpl) + 1; }

static bool want_json(const char *name, void *ctx)
{
    (void)ctx;
    size_t l = strlen(name);
    return l > 5 && strcmp(name + l - 5, ".json") == 0;
}

static void test_walk_hostile(void **st)
{
    (void)st;
    strcpy(tmpl, "/tmp/cw-walk-XXXXXX");
    assert_non_null(mkdtemp(tmpl));
    char p[512], q[512];
    mk("a.json", "{}");
    mk("notes.txt", "x");
    snprintf(p, sizeof p, "%s/sub", tmpl);
    mkdir(p, 0755);
    mk("sub/b.json", "{}");
    /* self-links and a loop back to the top */
    snprintf(p, sizeof p, "%s/s1", tmpl);
    assert_int_equal(symlink(".", p), 0);
    snprintf(p, sizeof p, "%s/s2", tmpl);
    assert_int_equal(symlink(".", p), 0);
    snprintf(p, sizeof p, "%s/sub/up", tmpl);
    assert_int_equal(symlink("..", p), 0);
    /* a FIFO with an input name, a broken link, a hard link and a symlink to a file */
    snprintf(p, sizeof p, "%s/p.json", tmpl);
    assert_int_equal(mkfifo(p, 0644), 0);
    snprintf(p, sizeof p, "%s/broken.json", tmpl);
    assert_int_equal(symlink("nowhere.json", p), 0);
    snprintf(p, sizeof p, "%s/a.json", tmpl);
    snprintf(q, sizeof q, "%s/hard.json", tmpl);
    assert_int_equal(link(p, q), 0);
    snprintf(q, sizeof q, "%s/soft.json", tmpl);
    assert_int_equal(symlink("a.json", q), 0);
    mk(".hidden.json", "{}");

    cw_walk_list l = {0};
    cw_diags d;
    cw_diags_init(&d);
    const char *in[] = {tmpl};
    cw_walk_opts o = {.want = want_json};
    size_t errs = cw_walk(in, 1, &o, &l, &d);
    assert_int_equal(errs, 0);
    /* each file once, in sorted order; nothing hangs or repeats */
    assert_int_equal(l.n, 2);
    assert_string_equal(rel(l.v[0]), "a.json");
    assert_string_equal(rel(l.v[1]), "sub/b.json");
    assert_int_equal(l.special, 1);
    assert_int_equal(l.broken, 1);
    assert_int_equal(l.duplicates, 2); /* hard.json, soft.json */
    assert_int_equal(l.loops, 3);      /* s1, s2, sub/up */
    int fifo_note = 0;
    for (size_t i = 0; i < d.n; i++)
        if (strstr(d.v[i].msg, "FIFO") && strstr(d.v[i].file, "p.json")) fifo_note = 1;
    assert_true(fifo_note);
    cw_walk_list_free(&l);
    cw_diags_free(&d);

    /* globs: include by name, exclude a directory by path, hidden on */
    cw_diags_init(&d);
    const char *inc[] = {"*.json", NULL}, *exc[] = {"sub/**", "hard.json", NULL};
    cw_walk_opts o2 = {.want = want_json, .include = inc, .exclude = exc, .hidden = true};
    cw_walk(in, 1, &o2, &l, &d);
    assert_int_equal(l.n, 2);
    assert_string_equal(rel(l.v[0]), ".hidden.json");
    assert_string_equal(rel(l.v[1]), "a.json");
    cw_walk_list_free(&l);
    cw_diags_free(&d);

    /* the output file is never taken from a directory */
    cw_diags_init(&d);
    struct stat sa;
    snprintf(p, sizeof p, "%s/sub/b.json", tmpl);
    assert_int_equal(stat(p, &sa), 0);
    cw_walk_id self = {sa.st_dev, sa.st_ino};
    cw_walk_opts o3 = {.want = want_json, .skip = &self, .nskip = 1, .skip_why = "the output"};
    cw_walk(in, 1, &o3, &l, &d);
    assert_int_equal(l.n, 1);
    assert_string_equal(rel(l.v[0]), "a.json");
    cw_walk_list_free(&l);
    cw_diags_free(&d);

    /* a named file (FIFO or not) is kept as given; a missing one too (its reader reports it) */
    cw_diags_init(&d);
    snprintf(p, sizeof p, "%s/p.json", tmpl);
    const char *named[] = {p, "-", "/nonexistent/x.json"};
    cw_walk(named, 3, &o, &l, &d);
    assert_int_equal(l.n, 3);
    cw_walk_list_free(&l);
    cw_diags_free(&d);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
    assert_int_equal(system(cmd), 0);
}

static void test_walk_unreadable(void **st)
{
    (void)st;
    if (geteuid() == 0) skip(); /* root opens any directory; the CLI test covers it as nobody */
    strcpy(tmpl, "/tmp/cw-walk-XXXXXX");
    assert_non_null(mkdtemp(tmpl));
    char p[512];
    snprintf(p, sizeof p, "%s/locked", tmpl);
    mkdir(p, 0);
    cw_walk_list l = {0};
    cw_diags d;
    cw_diags_init(&d);
    const char *in[] = {tmpl};
    assert_int_equal(cw_walk(in, 1, NULL, &l, &d), 1);
    assert_int_equal(d.errors, 1);
    assert_non_null(strstr(d.v[0].file, "locked"));
    cw_walk_list_free(&l);
    cw_diags_free(&d);
    chmod(p, 0755);
    rmdir(p);
    rmdir(tmpl);
}

static void test_collapse_notes(void **st)
{
    (void)st;
    cw_diags d;
    cw_diags_init(&d);
    cw_diag_add(&d, CW_DIAG_ERROR, "f", 1, 1, 0, NULL, "earlier");
    for (int i = 0; i < 10; i++) cw_diag_add(&d, CW_DIAG_NOTE, "f", (uint32_t)i + 2, 1, 0, NULL, "same");
    cw_diag_add(&d, CW_DIAG_WARNING, "f", 20, 1, 0, NULL, "warn");
    cw_diag_add(&d, CW_DIAG_NOTE, "f", 21, 1, 0, NULL, "other");
    cw_diags_collapse_notes(&d, 1, 3);
    /* earlier, 3 x same, warn, other, summary */
    assert_int_equal(d.n, 7);
    assert_string_equal(d.v[0].msg, "earlier");
    assert_string_equal(d.v[3].msg, "same");
    assert_int_equal(d.v[3].line, 4);
    assert_string_equal(d.v[4].msg, "warn");
    assert_string_equal(d.v[5].msg, "other");
    assert_non_null(strstr(d.v[6].msg, "7 more notes like \"same\""));
    assert_int_equal(d.errors, 1);
    cw_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_glob),         cmocka_unit_test(test_time),
        cmocka_unit_test(test_walk_hostile), cmocka_unit_test(test_walk_unreadable),
        cmocka_unit_test(test_collapse_notes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
