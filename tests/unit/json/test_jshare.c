/* Unit tests of compact copies (jshare.c): a copy reads exactly like the
 * original (random documents with repeats, every scalar kind, NUL bytes, long
 * strings, duplicate keys), a projection keeps what cw_json_project keeps,
 * repeated sub-documents and strings are shared, values that differ only in
 * their bits (-0.0, 1 vs 1.0, "a\0b" vs "a\0c") are not. */
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

static char *written(const cw_json *v)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    cw_json_write(&sb, v, -1);
    return cw_sb_detach(&sb);
}

/* every member key of a copy carries its length (cw_jkeylen) and finds its value */
static void check_keys(const cw_json *v)
{
    if (v->type == CW_JOBJ) {
        for (uint32_t i = 0; i < v->len; i++) {
            const cw_jmember *m = &v->u.members[i];
            assert_int_equal(cw_jkeylen(m), strlen(m->key));
            const cw_json *g = cw_json_getn(v, m->key, cw_jkeylen(m));
            assert_non_null(g);
            check_keys(&m->val);
        }
    } else if (v->type == CW_JARR) {
        for (uint32_t i = 0; i < v->len; i++) check_keys(&v->u.items[i]);
    }
}

/* equal in every bit a reader can see: types, lengths, number bits and
 * is_int, string bytes, member keys and order */
static void same_tree(const cw_json *x, const cw_json *y)
{
    assert_int_equal(x->type, y->type);
    assert_int_equal(x->len, y->len);
    switch (x->type) {
    case CW_JBOOL: assert_int_equal(x->b, y->b); break;
    case CW_JNUM:
        assert_int_equal(x->is_int, y->is_int);
        assert_memory_equal(&x->u.num, &y->u.num, sizeof x->u.num);
        break;
    case CW_JSTR:
        assert_memory_equal(x->u.str, y->u.str, x->len + 1);
        break;
    case CW_JARR:
        for (uint32_t i = 0; i < x->len; i++) same_tree(&x->u.items[i], &y->u.items[i]);
        break;
    case CW_JOBJ:
        for (uint32_t i = 0; i < x->len; i++) {
            assert_int_equal(cw_jkeylen(&x->u.members[i]), cw_jkeylen(&y->u.members[i]));
            assert_memory_equal(x->u.members[i].key, y->u.members[i].key, cw_jkeylen(&x->u.members[i]) + 1);
            same_tree(&x->u.members[i].val, &y->u.members[i].val);
        }
        break;
    default: break;
    }
}

static cw_json *parse(cw_arena *a, const char *s)
{
    cw_json_err e;
    cw_json *v = cw_json_parse(a, s, strlen(s), &e);
    if (!v) fail_msg("%s: %s", s, e.msg);
    return v;
}

static void same_text(cw_jshare *sh, const cw_json *v, const cw_jproj *p, const char *want)
{
    cw_json *c = cw_jshare_copy(sh, v, p, 0);
    char *got = written(c);
    assert_string_equal(got, want);
    check_keys(c);
    free(got);
}

/* ---- random documents with repeats ------------------------------------------ */
static uint64_t rng = 88172645463325252ULL;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static const char *const pool_strs[] = {"Allow", "Deny", "s3:GetObject", "", "a\\u0000b", "a\\u0000c",
                                        "0123456789012345678901234567890123456789012345678901234567890123456789",
                                        "arn:aws:iam::123456789012:root", "\\u00e9t\\u00e9", "x"};
static const char *const pool_keys[] = {"Effect", "Action", "Principal", "grantee", "id", "permission", "a", "A", ""};

static void gen(cw_strbuf *sb, int depth)
{
    uint32_t k = rnd(depth > 3 ? 6 : 9);
    switch (k) {
    case 0: cw_sb_adds(sb, "null"); break;
    case 1: cw_sb_adds(sb, rnd(2) ? "true" : "false"); break;
    case 2: {
        static const char *const nums[] = {"0", "-0", "0.0", "-0.0", "1", "1.0", "1e2", "9007199254740993",
                                           "-12", "3.25"};
        cw_sb_adds(sb, nums[rnd(10)]);
        break;
    }
    case 3:
    case 4: cw_sb_printf(sb, "\"%s\"", pool_strs[rnd(10)]); break;
    case 5: cw_sb_printf(sb, "\"u%u\"", rnd(100000)); break;
    case 6: {
        uint32_t n = rnd(4);
        cw_sb_addc(sb, '[');
        for (uint32_t i = 0; i < n; i++) {
            if (i) cw_sb_addc(sb, ',');
            gen(sb, depth + 1);
        }
        cw_sb_addc(sb, ']');
        break;
    }
    default: {
        uint32_t n = rnd(5);
        cw_sb_addc(sb, '{');
        for (uint32_t i = 0; i < n; i++) {
            if (i) cw_sb_addc(sb, ',');
            cw_sb_printf(sb, "\"%s\":", pool_keys[rnd(9)]); /* duplicates too */
            gen(sb, depth + 1);
        }
        cw_sb_addc(sb, '}');
    }
    }
}

static void random_documents(bool collide)
{
    cw_arena src, dst;
    cw_arena_init(&src, 0);
    cw_arena_init(&dst, 0);
    cw_jshare *sh = cw_jshare_new(&dst);
    if (collide) cw_jshare_collide_for_tests(sh);
    for (int i = 0; i < 3000; i++) {
        cw_strbuf sb = CW_STRBUF_INIT;
        gen(&sb, 0);
        cw_json *v = parse(&src, sb.buf);
        char *want = written(v);
        cw_json *c = cw_jshare_copy(sh, v, NULL, 0);
        char *got = written(c);
        assert_string_equal(got, want);
        assert_true(cw_json_equal(v, c));
        same_tree(v, c);
        check_keys(c);
        free(want);
        free(got);
        cw_sb_free(&sb);
    }
    const cw_jshare_stats *s = cw_jshare_stats_of(sh);
    if (!collide) assert_true(s->containers_shared > 100); /* small documents repeat */
    else assert_true(s->containers_shared > 0);
    assert_true(s->strings_shared > 1000);
    cw_jshare_free(sh);
    cw_arena_free(&src);
    cw_arena_free(&dst);
}

static void test_random_documents(void **st)
{
    (void)st;
    random_documents(false);
    /* every container hashed alike: only the equality checks keep values apart */
    random_documents(true);
}

/* ---- sharing ---------------------------------------------------------------- */
static void test_sharing(void **st)
{
    (void)st;
    cw_arena src, dst;
    cw_arena_init(&src, 0);
    cw_arena_init(&dst, 0);
    cw_jshare *sh = cw_jshare_new(&dst);
    const char *acl = "{\"owner\":{\"id\":\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\"},"
                      "\"grantList\":[{\"grantee\":{\"id\":\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\"},"
                      "\"permission\":\"FullControl\"},{\"grantee\":\"AllUsers\",\"permission\":\"Read\"}]}";
    cw_json *first = cw_jshare_copy(sh, parse(&src, acl), NULL, 0);
    size_t before = dst.total;
    for (int i = 0; i < 2000; i++) {
        cw_json *c = cw_jshare_copy(sh, parse(&src, acl), NULL, 0);
        assert_ptr_equal(c->u.members, first->u.members); /* one copy of the whole document */
    }
    /* 2000 more copies cost their 16-byte roots only */
    assert_true(dst.total - before <= 2000 * 16 + 65536);
    /* values that read alike but differ in their bits are not confused */
    cw_json *a = cw_jshare_copy(sh, parse(&src, "{\"v\":[0.0,1,\"a\\u0000b\"]}"), NULL, 0);
    cw_json *b = cw_jshare_copy(sh, parse(&src, "{\"v\":[-0.0,1.0,\"a\\u0000c\"]}"), NULL, 0);
    cw_json *c = cw_jshare_copy(sh, parse(&src, "{\"v\":[0.0,1,\"a\\u0000b\"]}"), NULL, 0);
    assert_ptr_not_equal(a->u.members, b->u.members);
    assert_ptr_equal(a->u.members, c->u.members);
    const cw_json *av = cw_json_get(a, "v"), *bv = cw_json_get(b, "v");
    assert_int_equal(av->u.items[1].is_int, 1);
    assert_int_equal(bv->u.items[1].is_int, 0);
    assert_int_equal(av->u.items[2].len, 3);
    assert_memory_equal(av->u.items[2].u.str, "a\0b", 4);
    assert_memory_equal(bv->u.items[2].u.str, "a\0c", 4);
    /* interned strings: one copy */
    const char *s1 = cw_jshare_str(sh, "us-east-1", 9), *s2 = cw_jshare_str(sh, "us-east-1", 9);
    assert_ptr_equal(s1, s2);
    assert_string_equal(s1, "us-east-1");
    assert_null(cw_jshare_str(sh, NULL, 0));
    /* a field whose values never repeat stops being looked up, and still copies right */
    for (int i = 0; i < 5000; i++) {
        char doc[64];
        snprintf(doc, sizeof doc, "{\"uid\":\"u-%08d\",\"n\":%d}", i, i);
        cw_json *u = cw_jshare_copy(sh, parse(&src, doc), NULL, 0);
        char want[32];
        snprintf(want, sizeof want, "u-%08d", i);
        assert_string_equal(cw_json_str(cw_json_get(u, "uid"), ""), want);
    }
    cw_jshare_free(sh);
    cw_arena_free(&src);
    cw_arena_free(&dst);
}

/* Pairs that differ in one thing a reader can see, copied one after the other
 * into the one slot the test mode has: the second must not share the first. */
static void test_equality_checks(void **st)
{
    (void)st;
    static const char *const pairs[][2] = {
        {"{\"v\":true}", "{\"v\":false}"},     {"[1]", "[1.0]"},
        {"[0.0]", "[-0.0]"},                    {"[2]", "[3]"},
        {"[\"a\\u0000b\"]", "[\"a\\u0000c\"]"}, {"{\"a\":1}", "{\"b\":1}"},
        {"{\"ab\":1}", "{\"ba\":1}"},           {"[null]", "[false]"},
        {"[\"x\"]", "[\"xy\"]"},                {"[[]]", "[{}]"},
        {"[[1]]", "[[1,2]]"},                   {"[\"\"]", "[[]]"},
    };
    cw_arena src, dst;
    cw_arena_init(&src, 0);
    cw_arena_init(&dst, 0);
    cw_jshare *sh = cw_jshare_new(&dst);
    cw_jshare_collide_for_tests(sh);
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        for (int k = 0; k < 2; k++) {
            cw_json *a = parse(&src, pairs[i][k]), *b = parse(&src, pairs[i][!k]);
            cw_json *ca = cw_jshare_copy(sh, a, NULL, 0), *cb = cw_jshare_copy(sh, b, NULL, 0);
            same_tree(a, ca);
            same_tree(b, cb);
            cw_json *again = cw_jshare_copy(sh, parse(&src, pairs[i][!k]), NULL, 0);
            same_tree(b, again);
        }
    /* and equal ones still share in that slot */
    cw_json *x = cw_jshare_copy(sh, parse(&src, "{\"k\":[1,\"s\"]}"), NULL, 0);
    cw_json *y = cw_jshare_copy(sh, parse(&src, "{\"k\":[1,\"s\"]}"), NULL, 0);
    assert_ptr_equal(x->u.members, y->u.members);
    cw_jshare_free(sh);
    cw_arena_free(&src);
    cw_arena_free(&dst);
}

/* ---- projections ---------------------------------------------------------- */
static void test_projection(void **st)
{
    (void)st;
    cw_arena src, dst, pa;
    cw_arena_init(&src, 0);
    cw_arena_init(&dst, 0);
    cw_arena_init(&pa, 0);
    cw_jproj *model = cw_jproj_new(&pa, false);
    cw_jproj_keep(&pa, model, "configuration.a");
    cw_jproj_keep(&pa, model, "configuration.B.c");
    cw_jproj_keep(&pa, model, "supplementaryConfiguration.X");
    cw_jproj_freeze(&pa, model);
    cw_jproj *item = cw_jproj_new(&pa, false);
    cw_jproj_keep(&pa, item, "resourceType");
    cw_jproj_set_model(item, model);
    assert_ptr_equal(cw_jproj_model(item), model);
    assert_null(cw_jproj_model(model));
    assert_null(cw_jproj_model(NULL));
    cw_jshare *sh = cw_jshare_new(&dst);
    const char *doc = "{\"resourceType\":\"AWS::S3::Bucket\",\"configuration\":{\"a\":{\"deep\":[1,2]},"
                      "\"b\":[{\"c\":1,\"d\":2},{\"d\":3},5],\"e\":3},\"supplementaryConfiguration\":{\"x\":\"s\",\"y\":1}}";
    for (int i = 0; i < 300; i++) { /* past the point where fields are judged */
        cw_json *v = parse(&src, doc);
        same_text(sh, v, model,
                  "{\"configuration\":{\"a\":{\"deep\":[1,2]},\"b\":[{\"c\":1},{},5]},\"supplementaryConfiguration\":{\"x\":\"s\"}}");
        /* the same as projecting the tree in place */
        cw_json_project(&src, v, model);
        char *want = written(v);
        same_text(sh, v, NULL, want);
        free(want);
    }
    cw_jshare_free(sh);
    cw_arena_free(&src);
    cw_arena_free(&dst);
    cw_arena_free(&pa);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_documents),
        cmocka_unit_test(test_sharing),
        cmocka_unit_test(test_equality_checks),
        cmocka_unit_test(test_projection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
