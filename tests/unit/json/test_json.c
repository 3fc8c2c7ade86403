/* Unit tests of the JSON layer: parse/convert, access, build, write, error
 * locations, the streaming reader in every mode, gzip limits, JSONTestSuite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "json/json.h"
#include "json/jreader_int.h"
#include "util/strbuf.h"

static cw_arena A;

static cw_json *P(const char *s, cw_json_err *e) { return cw_json_parse(&A, s, strlen(s), e); }

static void test_parse_access(void **st)
{
    (void)st;
    cw_json_err e;
    cw_json *v = P("{\"a\":{\"b\":[1,2.5,-3,18446744073709551615]},\"s\":\"x\\u00e9\\n\",\"t\":true,\"n\":null,"
                   "\"Key\":\"ci\"}",
                   &e);
    assert_non_null(v);
    assert_int_equal(v->type, CW_JOBJ);
    assert_int_equal(v->len, 5);
    const cw_json *b = cw_json_path(v, "a.b");
    assert_int_equal(b->type, CW_JARR);
    assert_int_equal(b->len, 4);
    assert_true(cw_json_at(b, 0)->is_int);
    assert_int_equal(cw_json_int(cw_json_at(b, 0)), 1);
    assert_false(cw_json_at(b, 1)->is_int);
    assert_true(cw_json_at(b, 1)->u.num == 2.5);
    assert_int_equal(cw_json_int(cw_json_at(b, 2)), -3);
    assert_false(cw_json_at(b, 3)->is_int); /* beyond int64: double */
    assert_null(cw_json_at(b, 4));
    assert_string_equal(cw_json_str(cw_json_get(v, "s"), NULL), "x\xc3\xa9\n");
    assert_true(cw_json_bool(cw_json_get(v, "t"), false));
    assert_int_equal(cw_json_get(v, "n")->type, CW_JNULL);
    assert_string_equal(cw_json_str(cw_json_get_ci(v, "key"), NULL), "ci");
    assert_null(cw_json_get(v, "missing"));
    assert_null(cw_json_get(b, "a")); /* not an object */
    /* keys are interned: the same key in two records shares storage */
    cw_json *w1 = P("{\"resourceType\":1}", &e), *w2 = P("{\"resourceType\":2}", &e);
    assert_ptr_equal(w1->u.members[0].key, w2->u.members[0].key);
}

static void test_build_write_roundtrip(void **st)
{
    (void)st;
    cw_json *o = cw_json_new_obj(&A);
    cw_json_set_bool(&A, o, "b", true);
    cw_json_set_num(&A, o, "n", 42);
    cw_json_set_num(&A, o, "f", 0.1);
    cw_json_set_str(&A, o, "s", "q\"\\\x01");
    cw_json *arr = cw_json_new_arr(&A);
    for (int i = 0; i < 100; i++) cw_json_arr_push(&A, arr, cw_json_new_int(&A, i));
    cw_json_obj_set(&A, o, "arr", arr);
    cw_json *child = cw_json_obj_child(&A, o, "c");
    cw_json_set_str(&A, child, "k", "v");
    cw_json_set_num(&A, o, "n", 43); /* replace */
    assert_int_equal(o->len, 6);
    assert_int_equal(cw_json_get(o, "arr")->len, 100);
    assert_int_equal(cw_json_int(cw_json_at(cw_json_get(o, "arr"), 99)), 99);
    cw_strbuf sb = CW_STRBUF_INIT;
    cw_json_write(&sb, o, -1);
    assert_string_equal(sb.buf, "{\"b\":true,\"n\":43,\"f\":0.1,\"s\":\"q\\\"\\\\\\u0001\",\"arr\":[0,1,2,3,4,5,6,7,8,9,10,11,12,"
                                "13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,"
                                "43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,"
                                "73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95,96,97,98,99],\"c\":{"
                                "\"k\":\"v\"}}");
    cw_json_err e;
    cw_json *back = cw_json_parse(&A, sb.buf, sb.len, &e);
    assert_non_null(back);
    assert_true(cw_json_equal(back, o));
    cw_sb_reset(&sb);
    cw_json_write(&sb, child, 2);
    assert_string_equal(sb.buf, "{\n  \"k\": \"v\"\n}");
    cw_sb_free(&sb);
}

static void expect_err(const char *text, uint32_t line, uint32_t col, const char *msg_part)
{
    cw_json_err e;
    cw_json *v = P(text, &e);
    assert_null(v);
    if (e.line != line || e.col != col || !strstr(e.msg, msg_part))
        fail_msg("for %s: got %u:%u %s; expected %u:%u ...%s...", text, e.line, e.col, e.msg, line, col, msg_part);
}

static void test_error_locations(void **st)
{
    (void)st;
    expect_err("{\"a\": 1,\n \"b\" 2}", 2, 6, "expected ':'");
    expect_err("[1, 2\n, 3", 2, 4, "missing ']'");
    expect_err("{\"a\": [1, 2}", 1, 12, "expected ',' or ']'");
    expect_err("{\"a\": \"x\ny\"}", 1, 9, "control character");
    expect_err("{\"a\": 01}", 1, 7, "invalid number");
    expect_err("{\"a\": tru}", 1, 7, "expected 'true'");
    expect_err("[1,]", 1, 4, "expected a value");
    expect_err("{\"a\":1,}", 1, 8, "expected a string key");
    expect_err("", 1, 1, "empty input");
    expect_err("{} x", 1, 4, "expected end of input");
    expect_err("\"\xff\"", 1, 2, "invalid UTF-8");
    expect_err("{\"a\": \"\\x\"}", 1, 8, "invalid escape");
    expect_err("{\n  \"a\": {\n    \"b\": 1\n", 4, 1, "missing '}' to close the object opened at line 2, column 8");
    /* deep nesting is an error, not a crash */
    char *deep = malloc(100001);
    memset(deep, '[', 100000);
    deep[100000] = 0;
    cw_json_err e;
    assert_null(P(deep, &e));
    assert_non_null(strstr(e.msg, "nesting deeper"));
    assert_int_equal(e.col, CW_JSON_MAX_DEPTH + 1);
    free(deep);
}

/* ---- reader ------------------------------------------------------------ */
typedef struct got {
    int n, errs;
    uint32_t lines[16];
    char errmsg[16][256];
    uint32_t errline[16];
} got;

static got read_all_mem(const char *text, size_t len, const cw_jreader_opts *o)
{
    got g = {0};
    cw_json_err e;
    cw_jreader *r = cw_jreader_open_mem(text, len, o, &e);
    assert_non_null(r);
    cw_jrecord rec;
    int k, guard = 0;
    while ((k = cw_jreader_next(r, &A, &rec, &e)) != 0 && guard++ < 1000) {
        if (k > 0) {
            if (g.n < 16) g.lines[g.n] = rec.line;
            g.n++;
        } else {
            if (g.errs < 16) {
                memcpy(g.errmsg[g.errs], e.msg, sizeof e.msg);
                g.errline[g.errs] = e.line;
            }
            g.errs++;
        }
    }
    cw_jreader_close(r);
    return g;
}

static got read_all(const char *text, const cw_jreader_opts *o) { return read_all_mem(text, strlen(text), o); }

static void test_reader_modes(void **st)
{
    (void)st;
    got g = read_all("[{\"a\":1},\n{\"a\":2},\n{\"a\":3}]", NULL);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.errs, 0);
    assert_int_equal(g.lines[2], 3);

    /* stream key with header members before and after */
    const char *snap = "{\"fileVersion\":\"1.0\",\n\"configurationItems\":[\n {\"x\":[1,\"]\"]},\n {\"y\":\"\\\"}\"}\n],"
                       "\"tail\":{\"z\":true}}";
    cw_json_err e;
    cw_jreader *r = cw_jreader_open_mem(snap, strlen(snap), NULL, &e);
    cw_jrecord rec;
    assert_int_equal(cw_jreader_next(r, &A, &rec, &e), 1);
    assert_int_equal(rec.index, 1);
    assert_int_equal(rec.line, 3);
    assert_int_equal(rec.col, 2);
    assert_string_equal(cw_json_str(cw_json_get(cw_jreader_header(r), "fileVersion"), ""), "1.0");
    assert_int_equal(cw_jreader_next(r, &A, &rec, &e), 1);
    assert_string_equal(cw_json_str(cw_json_get(rec.value, "y"), ""), "\"}");
    assert_int_equal(cw_jreader_next(r, &A, &rec, &e), 0);
    assert_true(cw_json_bool(cw_json_path(cw_jreader_header(r), "tail.z"), false));
    cw_jreader_close(r);

    /* single object without a stream key: one record */
    g = read_all("{\"resourceType\":\"AWS::S3::Bucket\",\"configuration\":{\"a\":[1,2]}}\n", NULL);
    assert_int_equal(g.n, 1);
    /* NDJSON */
    g = read_all("{\"a\":1}\n{\"a\":2}\n\n{\"a\":3}\n", NULL);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.lines[2], 4);
    /* empty stream array */
    g = read_all("{\"configurationItems\":[]}", NULL);
    assert_int_equal(g.n, 0);
    assert_int_equal(g.errs, 0);
    /* BOM */
    g = read_all("\xEF\xBB\xBF[1]", NULL);
    assert_int_equal(g.n, 1);
}

static void test_reader_errors(void **st)
{
    (void)st;
    /* bad record with intact framing: error, then the next record */
    got g = read_all("[{\"a\":1},\n{\"a\":\"x\ty\"},\n{\"a\":3}]", NULL);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.errs, 1);
    assert_int_equal(g.errline[0], 2);
    assert_non_null(strstr(g.errmsg[0], "control character"));
    /* missing comma between elements: reported, next element still read */
    g = read_all("[{\"a\":1}\n{\"a\":2}]", NULL);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.errs, 1);
    assert_int_equal(g.errline[0], 2);
    /* truncation: error naming where the array opened, then end */
    g = read_all("{\"configurationItems\":[\n{\"a\":1},\n{\"a\":", NULL);
    assert_int_equal(g.n, 1);
    assert_int_equal(g.errs, 1);
    assert_non_null(strstr(g.errmsg[0], "end of input"));
    /* empty input */
    g = read_all("  \n ", NULL);
    assert_int_equal(g.errs, 1);
    assert_non_null(strstr(g.errmsg[0], "empty input"));
    /* record larger than the limit */
    cw_jreader_opts o = {.max_record_bytes = 1 << 20};
    size_t n = 3u << 20;
    char *big = malloc(n + 8);
    assert_non_null(big);
    if (!big) return;
    memcpy(big, "[\"", 2);
    memset(big + 2, 'x', n);
    memcpy(big + 2 + n, "\"]", 3);
    g = read_all(big, &o);
    free(big);
    assert_int_equal(g.n, 0);
    assert_int_equal(g.errs, 1);
    assert_non_null(strstr(g.errmsg[0], "larger than"));
}

static char *gz(const char *text, size_t len, size_t *out_len)
{
    uLong cap = compressBound(len) + 64;
    char *out = malloc(cap);
    z_stream zs = {0};
    deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
    zs.next_in = (Bytef *)text;
    zs.avail_in = (uInt)len;
    zs.next_out = (Bytef *)out;
    zs.avail_out = (uInt)cap;
    deflate(&zs, Z_FINISH);
    *out_len = zs.total_out;
    deflateEnd(&zs);
    return out;
}

static void test_reader_gzip(void **st)
{
    (void)st;
    const char *t = "{\"configurationItems\":[{\"a\":1},{\"a\":2}]}";
    size_t zl;
    char *z = gz(t, strlen(t), &zl);
    got g = read_all_mem(z, zl, NULL);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.errs, 0);
    /* two members concatenated */
    char *two = malloc(2 * zl);
    memcpy(two, z, zl);
    memcpy(two + zl, z, zl);
    g = read_all_mem(two, 2 * zl, NULL);
    assert_int_equal(g.n, 4);
    free(two);
    /* truncated */
    g = read_all_mem(z, zl / 2, NULL);
    assert_int_equal(g.errs, 1);
    assert_non_null(strstr(g.errmsg[0], "gzip"));
    free(z);
    /* bomb: total limit */
    size_t n = 8u << 20;
    char *sp = malloc(n + 3);
    sp[0] = '[';
    memset(sp + 1, ' ', n);
    sp[n + 1] = ']';
    sp[n + 2] = 0;
    z = gz(sp, n + 2, &zl);
    cw_jreader_opts o = {.max_decompressed = 1 << 20};
    g = read_all_mem(z, zl, &o);
    assert_int_equal(g.errs, 1);
    assert_non_null(strstr(g.errmsg[0], "decompression bomb"));
    free(z);
    free(sp);
}

/* Property: random documents (strings full of quotes, backslashes and
 * brackets, at every alignment) written out and streamed back give the same
 * records, whatever the framing scanner's block boundaries. */
/* plain: strings without characters that need escaping, so that long runs of
 * the text go through the reader's 64-byte block scanner */
static cw_json *rnd_value_k(cw_arena *a, unsigned *seed, int depth, bool plain)
{
    static const char escapes[] = "ab\"\\[]{}:, \n\t\x01\xc3\xa9x";
    static const char plain_chars[] = "ab[]{}:, x[[{{";
    const char *alphabet = plain ? plain_chars : escapes;
    size_t nalpha = plain ? sizeof plain_chars - 1 : sizeof escapes - 1;
    unsigned r = (*seed = *seed * 1103515245u + 12345u) >> 8;
    int kind = depth > 3 ? (int)(r % 3) : (int)(r % 5);
    if (kind == 0) return cw_json_new_int(a, (int64_t)(r % 100000) - 500);
    if (kind == 1 || kind == 2) {
        char buf[80];
        size_t n = r % 70;
        for (size_t i = 0; i < n; i++) {
            *seed = *seed * 1103515245u + 12345u;
            buf[i] = alphabet[(*seed >> 8) % nalpha];
        }
        /* keep UTF-8 valid: the two bytes of \xc3\xa9 must stay together */
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)buf[i] == 0xc3 && (i + 1 >= n || (unsigned char)buf[i + 1] != 0xa9)) buf[i] = 'y';
            else if ((unsigned char)buf[i] == 0xa9 && (i == 0 || (unsigned char)buf[i - 1] != 0xc3)) buf[i] = 'z';
        return cw_json_new_strn(a, buf, n);
    }
    cw_json *c = kind == 3 ? cw_json_new_arr(a) : cw_json_new_obj(a);
    size_t n = r % (plain ? 9 : 5);
    for (size_t i = 0; i < n; i++) {
        cw_json *v = rnd_value_k(a, seed, depth + 1, plain);
        if (kind == 3) cw_json_arr_push(a, c, v);
        else {
            char k[16];
            snprintf(k, sizeof k, plain ? "k%zu]" : "k%zu\"]", i);
            cw_json_obj_set(a, c, k, v);
        }
    }
    return c;
}


static void test_reader_random_roundtrip(void **st)
{
    (void)st;
    unsigned seed = 12345;
    for (int round = 0; round < 80; round++) {
        cw_jr_sse2_only = round >= 40; /* the AVX2 block scanner (when the CPU has it), then SSE2 */
        cw_arena a;
        cw_arena_init(&a, 0);
        cw_json *arr = cw_json_new_arr(&a);
        for (int i = 0; i < 200; i++) cw_json_arr_push(&a, arr, rnd_value_k(&a, &seed, 0, round % 4 >= 2));
        cw_strbuf sb = CW_STRBUF_INIT;
        cw_json *doc = cw_json_new_obj(&a);
        cw_json_obj_set(&a, doc, "configurationItems", arr);
        cw_json_write(&sb, doc, round % 2 ? 2 : -1);
        cw_json_err e;
        cw_jreader *r = cw_jreader_open_mem(sb.buf, sb.len, NULL, &e);
        cw_jrecord rec;
        size_t k = 0;
        int rc;
        while ((rc = cw_jreader_next(r, &a, &rec, &e)) == 1) {
            assert_true(k < arr->len);
            assert_true(cw_json_equal(rec.value, &arr->u.items[k]));
            k++;
        }
        if (rc < 0) fail_msg("round %d: %s at %u:%u", round, e.msg, e.line, e.col);
        cw_jr_sse2_only = 0;
        assert_int_equal(k, arr->len);
        cw_jreader_close(r);
        cw_sb_free(&sb);
        cw_arena_free(&a);
    }
}

static int is_json(const char *n) { size_t l = strlen(n); return l > 5 && strcmp(n + l - 5, ".json") == 0; }

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, f);
    fclose(f);
    return b;
}

/* Projections: what is kept, case-insensitively, through arrays and envelopes;
 * parsing with a projection equals projecting the full tree. */
static char *proj_text(const char *in, const cw_jproj *p, bool after)
{
    cw_json_err e;
    cw_json *v = after ? cw_json_parse(&A, in, strlen(in), &e) : cw_json_parse_proj(&A, in, strlen(in), p, &e);
    assert_non_null(v);
    if (after) cw_json_project(&A, v, p);
    cw_strbuf sb = CW_STRBUF_INIT;
    cw_json_write(&sb, v, -1);
    return sb.buf;
}

static void check_proj(const cw_jproj *p, const char *in, const char *want)
{
    for (int after = 0; after < 2; after++) {
        char *got = proj_text(in, p, after);
        if (strcmp(got, want) != 0) fail_msg("%s projection of %s\n got  %s\n want %s", after ? "post" : "parse", in, got, want);
        free(got);
    }
}

static void test_projection(void **st)
{
    (void)st;
    cw_arena pa;
    cw_arena_init(&pa, 0);
    cw_jproj *item = cw_jproj_new(&pa, true);
    cw_jproj_keep(&pa, item, "configuration.a");
    cw_jproj_keep(&pa, item, "configuration.B.c");
    cw_jproj_keep(&pa, item, "supplementaryConfiguration.X");
    cw_jproj_keep(&pa, item, "configuration.w.x");
    cw_jproj_keep(&pa, item, "configuration.w"); /* whole wins over a path below it */
    cw_jproj_keep(&pa, item, "configuration.w.y");
    for (int i = 0; i < 100; i += 3) {
        char k[32];
        snprintf(k, sizeof k, "wide.k%d", i);
        cw_jproj_keep(&pa, item, k);
    }
    cw_jproj_link(&pa, item, "configurationItem", item);
    cw_jproj_freeze(&pa, item);

    check_proj(item,
               "{\"top\":1,\"configuration\":{\"a\":{\"deep\":[1,2]},\"b\":{\"c\":1,\"d\":2},\"e\":3,\"A2\":4},"
               "\"supplementaryConfiguration\":{\"x\":\"s\",\"y\":[1]},\"arr\":[{\"q\":1}]}",
               "{\"top\":1,\"configuration\":{\"a\":{\"deep\":[1,2]},\"b\":{\"c\":1}},"
               "\"supplementaryConfiguration\":{\"x\":\"s\"},\"arr\":[{\"q\":1}]}");
    /* arrays are transparent, at any level */
    check_proj(item, "{\"configuration\":{\"B\":[{\"c\":1,\"d\":2},{\"d\":3},5]}}",
               "{\"configuration\":{\"B\":[{\"c\":1},{},5]}}");
    check_proj(item, "{\"configuration\":[{\"a\":1,\"z\":2}]}", "{\"configuration\":[{\"a\":1}]}");
    /* a projected value that is not an object is kept as it is */
    check_proj(item, "{\"configuration\":\"{\\\"a\\\":1}\",\"supplementaryConfiguration\":null}",
               "{\"configuration\":\"{\\\"a\\\":1}\",\"supplementaryConfiguration\":null}");
    check_proj(item, "{\"configuration\":{\"w\":{\"x\":1,\"z\":2}}}", "{\"configuration\":{\"w\":{\"x\":1,\"z\":2}}}");
    /* envelope linked back to the item */
    check_proj(item, "{\"configurationItem\":{\"configuration\":{\"a\":1,\"z\":2},\"other\":1},\"messageType\":\"x\"}",
               "{\"configurationItem\":{\"configuration\":{\"a\":1},\"other\":1},\"messageType\":\"x\"}");
    /* more members than the parser's fast path holds */
    cw_strbuf in = CW_STRBUF_INIT, want = CW_STRBUF_INIT;
    cw_sb_adds(&in, "{\"wide\":{");
    cw_sb_adds(&want, "{\"wide\":{");
    for (int i = 0; i < 100; i++) {
        cw_sb_printf(&in, "%s\"K%d\":%d", i ? "," : "", i, i);
        if (i % 3 == 0) cw_sb_printf(&want, "%s\"K%d\":%d", i ? "," : "", i, i);
    }
    cw_sb_adds(&in, "}}");
    cw_sb_adds(&want, "}}");
    check_proj(item, in.buf, want.buf);
    cw_sb_free(&in);
    cw_sb_free(&want);
    /* lookups */
    const cw_jproj *c;
    assert_int_equal(cw_jproj_lookup(item, "anything", 8, &c), 1);
    assert_null(c);
    assert_int_equal(cw_jproj_lookup(item, "CONFIGURATION", 13, &c), 1);
    assert_non_null(c);
    assert_int_equal(cw_jproj_lookup(c, "zz", 2, &c), 0);
    cw_arena_free(&pa);
}

static void test_json_test_suite(void **st)
{
    (void)st;
    const char *root = getenv("CW_SOURCE_ROOT");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/../shared/corpora/JSONTestSuite/test_parsing", root ? root : ".");
    DIR *d = opendir(dir);
    if (!d) {
        skip();
        return;
    }
    struct dirent *de;
    int y = 0, n = 0, i = 0, bad = 0;
    while ((de = readdir(d))) {
        if (!is_json(de->d_name)) continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t len = 0;
        char *b = slurp(path, &len);
        cw_json_err e;
        cw_json *v = cw_json_parse(&A, b, len, &e);
        if (de->d_name[0] == 'y') {
            y++;
            if (!v) printf("  should parse: %s (%s)\n", de->d_name, e.msg), bad++;
        } else if (de->d_name[0] == 'n') {
            n++;
            if (v) printf("  should be rejected: %s\n", de->d_name), bad++;
            else if (e.line == 0 || e.col == 0) printf("  no location: %s\n", de->d_name), bad++;
        } else {
            i++; /* implementation-defined: must just not crash */
        }
        free(b);
    }
    closedir(d);
    printf("  JSONTestSuite: %d y, %d n, %d i files\n", y, n, i);
    assert_true(y > 50 && n > 100);
    assert_int_equal(bad, 0);
}

static int setup(void **st)
{
    (void)st;
    cw_arena_init(&A, 0);
    return 0;
}
static int teardown(void **st)
{
    (void)st;
    cw_arena_free(&A);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_access),  cmocka_unit_test(test_build_write_roundtrip),
        cmocka_unit_test(test_error_locations), cmocka_unit_test(test_reader_modes),
        cmocka_unit_test(test_reader_errors), cmocka_unit_test(test_reader_gzip),
        cmocka_unit_test(test_json_test_suite), cmocka_unit_test(test_projection),  cmocka_unit_test(test_reader_random_roundtrip),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
