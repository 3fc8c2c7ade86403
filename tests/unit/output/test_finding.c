/* Tests of src/model/finding.c and the output registry and helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/finding.h"
#include "output/emit.h"
#include "output/output.h"

static void test_severity(void **st)
{
    (void)st;
    static const char *const names[] = {"info", "low", "medium", "high", "critical"};
    for (int i = 0; i <= CW_SEV_CRITICAL; i++) {
        assert_string_equal(cw_severity_name((cw_severity)i), names[i]);
        cw_severity s = CW_SEV_INFO;
        assert_int_equal(cw_severity_parse(names[i], &s), 0);
        assert_int_equal(s, i);
    }
    cw_severity s;
    assert_int_equal(cw_severity_parse("HIGH", &s), 0);
    assert_int_equal(s, CW_SEV_HIGH);
    assert_int_equal(cw_severity_parse("severe", &s), -1);
    assert_int_equal(cw_severity_parse("", &s), -1);
    assert_int_equal(cw_severity_parse(NULL, &s), -1);
    assert_string_equal(cw_severity_name((cw_severity)42), "unknown");
}

static void test_categories(void **st)
{
    (void)st;
    static const char *const want[] = {"public-access", "network-exposure", "cross-account",
                                       "hardening",     "encryption",       "logging",
                                       "identity",      "data-protection",  "data-residency",
                                       "other"};
    size_t n = 0;
    while (cw_categories[n]) n++;
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(cw_categories[i], want[i]);
        assert_int_equal(cw_category_valid(want[i]), 1);
    }
    assert_int_equal(cw_category_valid("public"), 0);
    assert_int_equal(cw_category_valid("Public-Access"), 0);
    assert_int_equal(cw_category_valid(NULL), 0);
}

static void test_findings_sort(void **st)
{
    (void)st;
    cw_rule_meta lo = {.id = "b-low", .severity = CW_SEV_LOW};
    cw_rule_meta hi_b = {.id = "b-high", .severity = CW_SEV_HIGH};
    cw_rule_meta hi_a = {.id = "a-high", .severity = CW_SEV_HIGH};
    cw_rule_meta crit = {.id = "z-crit", .severity = CW_SEV_CRITICAL};
    cw_asset x = {.id = "arn:x"}, y = {.id = "arn:y"};
    cw_finding in[] = {
        {&lo, &x, "e", NULL},   {&hi_b, &y, "e", NULL}, {&hi_b, &x, "e", NULL},
        {&hi_a, &y, "e", NULL}, {&crit, &y, "e", NULL},
    };
    cw_findings fs;
    cw_findings_init(&fs);
    for (int i = 0; i < 5; i++) cw_findings_add(&fs, &in[i]);
    for (int i = 0; i < 100; i++) cw_findings_add(&fs, &in[i % 5]); /* growth */
    assert_int_equal(fs.n, 105);
    cw_findings_sort(&fs, NULL);
    for (size_t i = 1; i < fs.n; i++) {
        const cw_finding *a = &fs.v[i - 1], *b = &fs.v[i];
        assert_true(a->rule->severity >= b->rule->severity);
        if (a->rule->severity == b->rule->severity) {
            int c = strcmp(a->rule->id, b->rule->id);
            assert_true(c <= 0);
            if (c == 0) assert_true(strcmp(a->asset->id, b->asset->id) <= 0);
        }
    }
    assert_string_equal(fs.v[0].rule->id, "z-crit");
    assert_string_equal(fs.v[fs.n - 1].rule->id, "b-low");
    cw_findings_free(&fs);
    assert_null(fs.v);
    assert_int_equal(fs.n, 0);
}

/* A large random list (past the threshold for threads): cw_findings_sort
 * gives exactly the order of qsort with cw_finding_cmp; rules that share an
 * id, shared assets, NULL evidence and suppressed findings included. */
static int cmp_ref(const void *a, const void *b) { return cw_finding_cmp(a, b); }

/* Sort fs on a pool of three threads and a copy on the calling thread: the
 * same findings in the same order. */
static void sort_serial_and_parallel(cw_findings *fs)
{
    cw_findings copy;
    cw_findings_init(&copy);
    for (size_t i = 0; i < fs->n; i++) cw_findings_add(&copy, &fs->v[i]);
    cw_findings_sort(&copy, NULL);
    cw_pool *pool = cw_pool_new(3);
    cw_exec x = {.pool = pool, .min_items = 1};
    cw_findings_sort(fs, &x);
    cw_pool_stats ps;
    cw_pool_stats_get(pool, &ps);
    assert_true(ps.parallel_calls > 0 || ps.start_failures > 0);
    cw_pool_free(pool);
    assert_int_equal(copy.n, fs->n);
    assert_memory_equal(copy.v, fs->v, fs->n * sizeof *fs->v);
    cw_findings_free(&copy);
}

static void test_findings_sort_random(void **st)
{
    (void)st;
    static cw_rule_meta rules[9];
    static const char *const ids[] = {"r-a", "r-b", "r-c", "r-a", "r-d", "r-e", "r-b", "r-f", "r-g"};
    for (int i = 0; i < 9; i++) rules[i] = (cw_rule_meta){.id = ids[i], .severity = (cw_severity)(i % 5)};
    rules[6].severity = rules[1].severity; /* same id and severity, another meta */
    static cw_asset assets[500];
    static char names[500][32];
    for (int i = 0; i < 500; i++) {
        snprintf(names[i], sizeof names[i], "arn:aws:s3:::b-%03d", (i * 37) % 500);
        assets[i] = (cw_asset){.id = names[i], .source_file = i % 2 ? "a.json" : "b.json",
                               .source_record = (uint64_t)(i % 7)};
    }
    static const char *const ev[] = {"x", "y", NULL};
    cw_findings fs;
    cw_findings_init(&fs);
    unsigned seed = 7;
    for (int i = 0; i < 30000; i++) {
        seed = seed * 1103515245u + 12345u;
        cw_finding f = {&rules[(seed >> 8) % 9], &assets[(seed >> 12) % 500], ev[(seed >> 20) % 3],
                        (seed >> 24) % 5 == 0 ? "exc" : NULL};
        cw_findings_add(&fs, &f);
    }
    cw_finding *ref = malloc(fs.n * sizeof *ref);
    memcpy(ref, fs.v, fs.n * sizeof *ref);
    qsort(ref, fs.n, sizeof *ref, cmp_ref);
    sort_serial_and_parallel(&fs);
    for (size_t i = 0; i < fs.n; i++) assert_int_equal(cw_finding_cmp(&fs.v[i], &ref[i]), 0);
    free(ref);
    cw_findings_free(&fs);
}

/* The keyed bucket sort against qsort with cw_finding_cmp on ids of every
 * shape: long shared prefixes, ids that are prefixes of others, ids shorter
 * than the key, bytes >= 0x80, equal ids on different assets, and buckets
 * with a NULL id or a NULL asset (the plain comparison). */
static void test_findings_sort_keys(void **st)
{
    (void)st;
    static cw_rule_meta rules[3] = {{.id = "k-a", .severity = CW_SEV_HIGH},
                                    {.id = "k-b", .severity = CW_SEV_LOW},
                                    {.id = "k-c", .severity = CW_SEV_LOW}};
    static const char *const stems[] = {"arn:aws:ec2:us-east-1:111122223333:instance/i-",
                                        "arn:aws:ec2:us-east-1:111122223333:instance/i-0",
                                        "arn:aws:ec2:us-east-1:1111", "arn:aws:ec2:us-east-1:111122223333:instance/",
                                        "arn:aws:ec2:eu-west-1:111122223333:instance/i-", "arn:aws:ec2:",
                                        "arn:aws:ec2:us-east-1:111122223333:instance/i-\xc3\xa9",
                                        "arn:aws:ec2:us-east-1:111122223333:instance/i-\x7f"};
    static cw_asset assets[600];
    static char names[600][96];
    for (int i = 0; i < 600; i++) {
        const char *stem = stems[i % 8];
        if (i % 5 == 0) snprintf(names[i], sizeof names[i], "%s", stem);
        else snprintf(names[i], sizeof names[i], "%s%x", stem, (unsigned)((i * 2654435761u) >> (i % 29)));
        if (i % 50 == 7) snprintf(names[i], sizeof names[i], "%s", names[i - 1]); /* equal ids, other asset */
        assets[i] = (cw_asset){.id = names[i], .source_file = i % 3 ? "a.json" : "b.json",
                               .source_record = (uint64_t)(i % 11)};
    }
    assets[599].id = NULL; /* rule k-c's bucket gets it: plain comparison there */
    static const char *const ev[] = {"x", "y", NULL};
    cw_findings fs;
    cw_findings_init(&fs);
    unsigned seed = 11;
    for (int i = 0; i < 25000; i++) {
        seed = seed * 1103515245u + 12345u;
        unsigned r = (seed >> 8) % 3;
        unsigned a = (seed >> 12) % 599;
        if (r == 2 && (seed >> 20) % 97 == 0) a = 599;
        cw_finding f = {&rules[r], &assets[a], ev[(seed >> 22) % 3], NULL};
        if (r == 2 && (seed >> 20) % 89 == 0) f.asset = NULL;
        cw_findings_add(&fs, &f);
    }
    cw_finding *ref = malloc(fs.n * sizeof *ref);
    memcpy(ref, fs.v, fs.n * sizeof *ref);
    qsort(ref, fs.n, sizeof *ref, cmp_ref);
    sort_serial_and_parallel(&fs);
    for (size_t i = 0; i < fs.n; i++) assert_int_equal(cw_finding_cmp(&fs.v[i], &ref[i]), 0);
    free(ref);
    cw_findings_free(&fs);
}

static void test_registry(void **st)
{
    (void)st;
    static const char *const names[] = {"table", "json", "ocsf", "sarif", "csv"};
    for (size_t i = 0; i < 5; i++) {
        const cw_output_fmt *f = cw_output_find(names[i]);
        assert_non_null(f);
        assert_string_equal(f->name, names[i]);
        assert_non_null(f->write);
        assert_non_null(f->doc);
    }
    assert_null(cw_output_find("xml"));
    assert_null(cw_output_find(NULL));
    assert_string_equal(cw_output_formats[0].name, "table"); /* the default comes first */
}

static void test_iso_to_ms(void **st)
{
    (void)st;
    assert_true(cw_out_iso_to_ms("1970-01-01T00:00:00Z") == 0);
    assert_true(cw_out_iso_to_ms("2026-01-01T00:00:00Z") == 1767225600000LL);
    assert_true(cw_out_iso_to_ms("2026-01-01T00:00:00.250Z") == 1767225600250LL);
    assert_true(cw_out_iso_to_ms("2026-01-01T02:00:00+02:00") == 1767225600000LL);
    assert_true(cw_out_iso_to_ms("2026-01-01") == 1767225600000LL);
    assert_true(cw_out_iso_to_ms("2026-13-01T00:00:00Z") == -1);
    assert_true(cw_out_iso_to_ms("yesterday") == -1);
    assert_true(cw_out_iso_to_ms("2026-01-01T00:00:00Zjunk") == -1);
    assert_true(cw_out_iso_to_ms(NULL) == -1);
}

static void test_fingerprint(void **st)
{
    (void)st;
    cw_rule_meta r1 = {.id = "ab"}, r2 = {.id = "a"};
    cw_asset a1 = {.id = "c"}, a2 = {.id = "bc"};
    cw_finding f1 = {&r1, &a1, NULL, NULL}, f2 = {&r2, &a2, NULL, NULL};
    char h1[33], h2[33], h1b[33];
    cw_out_fingerprint(&f1, h1);
    cw_out_fingerprint(&f2, h2);
    cw_out_fingerprint(&f1, h1b);
    assert_int_equal(strlen(h1), 32);
    assert_string_equal(h1, h1b);
    assert_string_not_equal(h1, h2); /* "ab"+"c" vs "a"+"bc": separator matters */
    /* issue 9 item 12: an Elasticsearch and an OpenSearch domain with one ARN */
    const char *arn = "arn:aws:es:eu-west-1:111122223333:domain/dealers";
    cw_rule_meta pub = {.id = "aws-search-domain-public"};
    cw_asset es = {.type = "AWS::Elasticsearch::Domain", .id = arn, .resource_id = "dealers"};
    cw_asset os = {.type = "AWS::OpenSearch::Domain", .id = arn, .resource_id = "dealers"};
    cw_finding fe = {&pub, &es, NULL, NULL}, fo = {&pub, &os, NULL, NULL};
    char he[33], ho[33];
    cw_out_fingerprint(&fe, he);
    cw_out_fingerprint(&fo, ho);
    assert_string_not_equal(he, ho);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_severity),     cmocka_unit_test(test_categories),
        cmocka_unit_test(test_findings_sort), cmocka_unit_test(test_findings_sort_random), cmocka_unit_test(test_findings_sort_keys),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_iso_to_ms),    cmocka_unit_test(test_fingerprint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
