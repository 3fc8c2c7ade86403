/* Duplicate keys in JSON objects (issue 9 item 11): the last value wins, in the
 * place of the first member of that name, as jq and Python's json read it; with
 * and without a projection, in objects small and large (the parser's filter and
 * its hash table), nested, and in the streaming reader. The expected text is
 * computed here by a plain quadratic reading of the same members. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "util/strbuf.h"

static cw_arena A;

static char *text_of(const cw_json *v)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    cw_json_write(&sb, v, -1);
    char *s = strdup(sb.buf ? sb.buf : "");
    cw_sb_free(&sb);
    return s;
}

static char *parse_text(const char *in, const cw_jproj *p)
{
    cw_json_err e;
    cw_json *v = cw_json_parse_proj(&A, in, strlen(in), p, &e);
    if (!v) fail_msg("parse failed: %s (%s)", e.msg, in);
    return text_of(v);
}

static void expect(const char *in, const char *want, const cw_jproj *p)
{
    char *got = parse_text(in, p);
    if (strcmp(got, want) != 0) fail_msg("%s\n got  %s\n want %s", in, got, want);
    free(got);
}

static void test_small_cases(void **st)
{
    (void)st;
    expect("{\"a\":1,\"a\":2}", "{\"a\":2}", NULL);
    expect("{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":3,\"b\":2}", NULL); /* jq: the first place, the last value */
    expect("{\"a\":1,\"A\":2}", "{\"a\":1,\"A\":2}", NULL);       /* keys are exact bytes */
    expect("{\"\":1,\"\":2}", "{\"\":2}", NULL);
    expect("{\"x\":{\"y\":1,\"y\":{\"z\":1,\"z\":[1,{\"q\":1,\"q\":2}]}}}", "{\"x\":{\"y\":{\"z\":[1,{\"q\":2}]}}}", NULL);
    /* keys alike in length and end bytes (one filter bit) but different */
    expect("{\"ab\":1,\"bb\":2,\"ab\":3,\"bb\":4}", "{\"ab\":3,\"bb\":4}", NULL);
    /* the case of issue 9: a private ACL, then a public one */
    expect("{\"supplementaryConfiguration\":{\"AccessControlList\":\"private\",\"AccessControlList\":\"public\"}}",
           "{\"supplementaryConfiguration\":{\"AccessControlList\":\"public\"}}", NULL);
    /* a key longer than the interning limit */
    char k[200];
    memset(k, 'k', sizeof k - 1);
    k[sizeof k - 1] = 0;
    char in[512], want[512];
    snprintf(in, sizeof in, "{\"%s\":1,\"%s\":2}", k, k);
    snprintf(want, sizeof want, "{\"%s\":2}", k);
    expect(in, want, NULL);
    /* embedded JSON text goes through the same parser */
    cw_json_err e;
    const char *acl = "{\"grantList\":[],\"owner\":{\"id\":\"o\"},\"grantList\":[{\"grantee\":\"AllUsers\"}]}";
    cw_json *v = cw_json_parse(&A, acl, strlen(acl), &e);
    assert_non_null(v);
    assert_int_equal(v->len, 2);
    assert_int_equal(cw_json_get(v, "grantList")->len, 1);
}

/* n members named from a small set (so names repeat), as text; the expected
 * object (first place, last value) by a quadratic pass. */
static void random_object(unsigned *seed, size_t n, unsigned names, cw_strbuf *in, cw_strbuf *want, int keep_mod)
{
    unsigned *key = malloc((n + 1) * sizeof *key);
    int *val = malloc((n + 1) * sizeof *val);
    for (size_t i = 0; i < n; i++) key[i] = (unsigned)rand_r(seed) % names, val[i] = (int)i;
    cw_sb_adds(in, "{\"o\":{");
    cw_sb_adds(want, "{\"o\":{");
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        cw_sb_printf(in, "%s\"k%u\":%d", i ? "," : "", key[i], val[i]);
        int earlier = 0;
        for (size_t j = 0; j < i && !earlier; j++) earlier = key[j] == key[i];
        if (earlier || (keep_mod && key[i] % (unsigned)keep_mod != 0)) continue;
        int last = val[i];
        for (size_t j = i + 1; j < n; j++)
            if (key[j] == key[i]) last = val[j];
        cw_sb_printf(want, "%s\"k%u\":%d", first ? "" : ",", key[i], last);
        first = 0;
    }
    cw_sb_adds(in, "}}");
    cw_sb_adds(want, "}}");
    free(key);
    free(val);
}

static void test_random_against_reference(void **st)
{
    (void)st;
    cw_arena pa;
    cw_arena_init(&pa, 0);
    cw_jproj *proj = cw_jproj_new(&pa, true);
    for (unsigned i = 0; i < 400; i += 3) {
        char k[32];
        snprintf(k, sizeof k, "o.k%u", i);
        cw_jproj_keep(&pa, proj, k);
    }
    cw_jproj_freeze(&pa, proj);
    unsigned seed = 9;
    size_t sizes[] = {0, 1, 2, 3, 5, 8, 16, 31, 32, 33, 40, 64, 65, 100, 127, 128, 129, 300, 1000};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        for (int round = 0; round < 20; round++) {
            unsigned names = 1 + (unsigned)rand_r(&seed) % (unsigned)(sizes[s] * 2 + 1);
            if (names > 400) names = 400;
            for (int projected = 0; projected < 2; projected++) {
                cw_strbuf in = CW_STRBUF_INIT, want = CW_STRBUF_INIT;
                unsigned s2 = seed;
                random_object(&s2, sizes[s], names, &in, &want, projected ? 3 : 0);
                char *got = parse_text(in.buf, projected ? proj : NULL);
                if (strcmp(got, want.buf) != 0)
                    fail_msg("n=%zu names=%u projected=%d\n in   %.300s\n got  %.300s\n want %.300s", sizes[s], names,
                             projected, in.buf, got, want.buf);
                free(got);
                cw_sb_free(&in);
                cw_sb_free(&want);
            }
            rand_r(&seed);
            cw_arena_reset(&A);
        }
    }
    cw_arena_free(&pa);
}

/* A large object is not quadratic: 400,000 members, all distinct and all one
 * name (quadratic would be 8e10 comparisons: the test's timeout). */
static void test_large_objects(void **st)
{
    (void)st;
    for (int same = 0; same < 2; same++) {
        cw_strbuf in = CW_STRBUF_INIT;
        cw_sb_adds(&in, "{");
        const int n = 400000;
        for (int i = 0; i < n; i++) cw_sb_printf(&in, "%s\"%s%d\":%d", i ? "," : "", "key", same ? 0 : i, i);
        cw_sb_adds(&in, "}");
        cw_json_err e;
        cw_json *v = cw_json_parse(&A, in.buf, in.len, &e);
        assert_non_null(v);
        assert_int_equal(v->len, same ? 1 : n);
        assert_int_equal(cw_json_int(cw_json_get(v, same ? "key0" : "key399999")), n - 1);
        cw_sb_free(&in);
        cw_arena_reset(&A);
    }
}

/* The streaming reader (records of a snapshot, raw records parsed later) reads
 * the same way. */
static void test_reader(void **st)
{
    (void)st;
    const char *snap = "{\"fileVersion\":\"1.0\",\"configurationItems\":[{\"resourceId\":\"a\",\"resourceId\":\"b\"},"
                       "{\"configuration\":{\"x\":1,\"x\":2}}]}";
    cw_json_err e;
    for (int raw = 0; raw < 2; raw++) {
        cw_jreader *r = cw_jreader_open_mem(snap, strlen(snap), NULL, &e);
        assert_non_null(r);
        cw_jrecord rec;
        const char *want[] = {"{\"resourceId\":\"b\"}", "{\"configuration\":{\"x\":2}}"};
        for (int i = 0; i < 2; i++) {
            cw_json *v;
            if (raw) {
                const char *t;
                size_t n;
                assert_int_equal(cw_jreader_next_raw(r, &t, &n, &rec, &e), 1);
                v = cw_jrecord_parse(&A, t, n, &rec, &e);
            } else {
                assert_int_equal(cw_jreader_next(r, &A, &rec, &e), 1);
                v = rec.value;
            }
            assert_non_null(v);
            char *got = text_of(v);
            assert_string_equal(got, want[i]);
            free(got);
        }
        cw_jreader_close(r);
    }
}

int main(void)
{
    cw_arena_init(&A, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_cases),
        cmocka_unit_test(test_random_against_reference),
        cmocka_unit_test(test_large_objects),
        cmocka_unit_test(test_reader),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    cw_arena_free(&A);
    return rc;
}
