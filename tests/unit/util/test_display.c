/* Text shown to people (util/display.h, issue 9 item 14): controls, invalid
 * UTF-8 and invisible code points become visible escapes; everything else is
 * copied byte for byte; the escaped text holds no byte or code point that
 * would drive a terminal or reorder the text around it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/display.h"

static char *disp(const char *s, size_t n, unsigned flags)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    cw_sb_add_display(&sb, s, n, flags);
    return cw_sb_detach(&sb);
}

static void eq(const char *in, unsigned flags, const char *want)
{
    char *got = disp(in, strlen(in), flags);
    if (strcmp(got, want) != 0) fail_msg("in %s\n got  %s\n want %s", in, got, want);
    assert_int_equal(cw_display_plain(in, strlen(in), flags), strcmp(in, want) == 0);
    free(got);
}

static void test_cases(void **st)
{
    (void)st;
    eq("arn:aws:s3:::dealer-exports", 0, "arn:aws:s3:::dealer-exports");
    eq("caf\xc3\xa9 \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80", 0, "caf\xc3\xa9 \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80");
    eq("evil\xe2\x80\xaegpj.exe", 0, "evil\\u202egpj.exe");             /* RIGHT-TO-LEFT OVERRIDE */
    eq("\x1b[31mred\x07", 0, "\\x1b[31mred\\x07");                       /* ESC, BEL */
    eq("a\x7f" "b", 0, "a\\x7fb");                                         /* DEL */
    eq("csi\xc2\x9b" "2J", 0, "csi\\u009b2J");                             /* C1 CSI */
    eq("nbsp\xc2\xa0ok", 0, "nbsp\xc2\xa0ok");                             /* U+00A0 is visible */
    eq("zw\xe2\x80\x8bj\xe2\x81\xa6x\xe2\x81\xa9\xef\xbb\xbf", 0, "zw\\u200bj\\u2066x\\u2069\\ufeff");
    eq("tag\xf3\xa0\x81\x81", 0, "tag\\U000e0041");                         /* Tags block */
    eq("bad\xff\xc3(", 0, "bad\\xff\\xc3(");                                /* invalid UTF-8 */
    eq("l1\nl2\tt\rr", 0, "l1\\x0al2\\x09t\\x0dr");
    eq("l1\nl2\tt\rr", CW_DISP_KEEP_NL | CW_DISP_KEEP_TAB | CW_DISP_KEEP_CR, "l1\nl2\tt\rr");
    eq("l1\nl2\tt\rr", CW_DISP_KEEP_NL, "l1\nl2\\x09t\\x0dr");
    eq("l1\nl2\tt\rr", CW_DISP_WS_SPACE, "l1 l2 t r");
    /* NUL inside the counted text */
    char *got = disp("a\0b", 3, 0);
    assert_string_equal(got, "a\\x00b");
    free(got);
}

/* Random text from a pool of every kind: the output is the input with exactly
 * the unsafe parts replaced, and holds nothing unsafe. */
static void test_random(void **st)
{
    (void)st;
    static const char *const pool[] = {"a", "Z", " ", "-", "\\", "\n", "\t", "\x1b", "\x01", "\x7f", "\xc3\xa9",
                                       "\xe2\x80\xae", "\xe2\x80\xa8", "\xc2\x9b", "\xc2\xa0", "\xf0\x9f\x98\x80",
                                       "\xf3\xa0\x81\x81", "\xff", "\xe2\x80", "\xef\xbb\xbf", "\xd8\x9c"};
    const size_t np = sizeof pool / sizeof *pool;
    unsigned seed = 42;
    for (int round = 0; round < 5000; round++) {
        char in[400];
        size_t n = 0;
        int parts = rand_r(&seed) % 40;
        for (int k = 0; k < parts; k++) {
            const char *p = pool[(size_t)rand_r(&seed) % np];
            memcpy(in + n, p, strlen(p));
            n += strlen(p);
        }
        char *out = disp(in, n, CW_DISP_KEEP_NL);
        const unsigned char *o = (const unsigned char *)out;
        size_t on = strlen(out);
        for (size_t i = 0; i < on;) {
            unsigned c = o[i];
            assert_true(c == '\n' || (c >= 0x20 && c != 0x7f));
            size_t l = cw_utf8_len(o + i, on - i);
            assert_true(l > 0); /* valid UTF-8 throughout */
            uint32_t cp = c;
            if (l > 1) {
                cp = c & (0x3F >> (l - 1));
                for (size_t k = 1; k < l; k++) cp = (cp << 6) | (o[i + k] & 0x3F);
            }
            assert_false(cp >= 0x80 && cp < 0xA0);
            assert_false(cw_cp_invisible(cp));
            i += l;
        }
        /* text without any unsafe part is copied as it is */
        if (cw_display_plain(in, n, CW_DISP_KEEP_NL)) {
            assert_int_equal(on, n);
            assert_memory_equal(out, in, n);
        }
        free(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cases), cmocka_unit_test(test_random)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
