#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdlib.h>

#include "util/display.h"
#include "util/arena.h"
#include "util/diag.h"
#include "util/hmap.h"
#include "util/strbuf.h"

static void test_arena(void **st)
{
    (void)st;
    cw_arena a;
    cw_arena_init(&a, 256);
    char *p = cw_arena_strdup(&a, "hello");
    assert_string_equal(p, "hello");
    void *big = cw_arena_alloc(&a, 10000);
    memset(big, 1, 10000);
    char *q = cw_arena_printf(&a, "%d-%s", 42, "x");
    assert_string_equal(q, "42-x");
    int *arr = cw_arena_alloc(&a, 4 * sizeof(int));
    for (int i = 0; i < 4; i++) arr[i] = i;
    arr = cw_arena_realloc(&a, arr, 4 * sizeof(int), 100 * sizeof(int));
    for (int i = 0; i < 4; i++) assert_int_equal(arr[i], i);
    assert_true(((uintptr_t)arr & 15) == 0);
    cw_arena_free(&a);
}

/* Blocks of 2 MiB and more are mapped in whole aligned huge pages: a 4 MiB
 * block takes 4 MiB with its header (not 6), its whole length is usable and
 * written, reset keeps it and hands it out again. */
static void test_arena_huge_blocks(void **st)
{
    (void)st;
    const size_t mib = (size_t)1 << 20;
    cw_arena a;
    cw_arena_init(&a, 4 * mib);
    unsigned char *first = cw_arena_alloc(&a, 64);
    assert_true(((uintptr_t)first & (2 * mib - 1)) < 256); /* just past the header of an aligned block */
    assert_true(a.total > 4 * mib - 256 && a.total <= 4 * mib);
    size_t total = a.total;
    /* fill the block to its last byte, then one more block */
    size_t left = total - 64;
    unsigned char *rest = cw_arena_alloc_align(&a, left - 64, 1);
    memset(rest, 7, left - 64);
    assert_int_equal(a.total, total);
    unsigned char *next = cw_arena_alloc(&a, mib);
    memset(next, 8, mib);
    assert_int_equal(a.total, 2 * total);
    assert_int_equal(rest[left - 65], 7);
    cw_arena_reset(&a);
    assert_int_equal(a.total, 2 * total);
    for (int i = 0; i < 6; i++) memset(cw_arena_alloc(&a, mib), 9, mib);
    assert_int_equal(a.total, 2 * total); /* the two kept blocks hold six MiB */
    cw_arena_free(&a);
    assert_int_equal(a.total, 0);
}

/* An arena of small blocks that grows past 16 MiB goes on in 4 MiB blocks
 * (huge pages): a block taken after that adds about 4 MiB to the total; a reset
 * keeps those blocks too and hands them out again. */
static void test_arena_grows_into_huge_blocks(void **st)
{
    (void)st;
    const size_t kib = 1024, mib = kib * kib;
    cw_arena a;
    cw_arena_init(&a, 64 * kib);
    while (a.total < 16 * mib) {
        size_t before = a.total;
        memset(cw_arena_alloc(&a, 8 * kib), 1, 8 * kib);
        assert_true(a.total - before <= 64 * kib); /* small blocks until 16 MiB */
    }
    size_t before = a.total;
    while (a.total == before) memset(cw_arena_alloc(&a, 8 * kib), 2, 8 * kib);
    assert_true(a.total - before > 4 * mib - 256 && a.total - before <= 4 * mib);
    size_t total = a.total;
    cw_arena_reset(&a);
    for (size_t i = 0; i < total / (16 * kib) - 64; i++) memset(cw_arena_alloc(&a, 8 * kib), 3, 8 * kib);
    assert_int_equal(a.total, total); /* refilled from the kept blocks: no new memory */
    cw_arena_free(&a);
}

/* A malloc'd allocation of 4 MiB or more is advised for huge pages: the 2 MiB
 * pages inside it carry the kernel's "hg" flag (VmFlags in /proc/self/smaps). */
static int huge_advised(uintptr_t at)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f) return -1;
    char line[512];
    int in = 0, res = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
            in = at >= lo && at < hi;
        } else if (in && strncmp(line, "VmFlags:", 8) == 0) {
            res = strstr(line, " hg") != NULL;
            break;
        }
    }
    fclose(f);
    return res;
}

static void test_xalloc_big_advised(void **st)
{
    (void)st;
    const size_t mib = (size_t)1 << 20;
    if (huge_advised((uintptr_t)&mib) < 0) skip(); /* no /proc */
    unsigned char *p = cw_xmalloc(8 * mib);
    memset(p, 1, 8 * mib);
    uintptr_t page = ((uintptr_t)p + 2 * mib - 1) & ~(uintptr_t)(2 * mib - 1);
    assert_int_equal(huge_advised(page), 1);
    unsigned char *q = cw_xcalloc(3, 2 * mib);
    assert_int_equal(huge_advised(((uintptr_t)q + 2 * mib - 1) & ~(uintptr_t)(2 * mib - 1)), 1);
    p = cw_xrealloc(p, 16 * mib);
    assert_int_equal(p[8 * mib - 1], 1);
    assert_int_equal(huge_advised(((uintptr_t)p + 10 * mib) & ~(uintptr_t)(2 * mib - 1)), 1);
    unsigned char *small = cw_xmalloc(64 * 1024); /* small ones are left alone */
    memset(small, 1, 64 * 1024);
    free(small);
    free(q);
    free(p);
}

/* The fast path (text, %s and integers) of cw_arena_printf gives what vsnprintf gives. */
/* reset keeps the default-size blocks and hands them out again: no new memory
 * for a scratch arena refilled with the same amount; big blocks are freed */
static void test_arena_reset(void **st)
{
    (void)st;
    cw_arena a;
    cw_arena_init(&a, 4096);
    for (int i = 0; i < 100; i++) memset(cw_arena_alloc(&a, 100), 1, 100);
    (void)cw_arena_alloc(&a, 100000); /* a block of its own */
    size_t total = a.total;
    unsigned long long gen = a.gen;
    cw_arena_reset(&a);
    assert_true(a.gen != gen);
    assert_int_equal(a.total, total - 100000);
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 100; i++) {
            char *p = cw_arena_alloc(&a, 100);
            memset(p, 2, 100);
            assert_int_equal(((uintptr_t)p) & 15, 0);
        }
        char *s = cw_arena_strdup(&a, "kept until the next reset");
        assert_string_equal(s, "kept until the next reset");
        assert_int_equal(a.total, total - 100000);
        cw_arena_reset(&a);
    }
    cw_arena_free(&a);
    assert_int_equal(a.total, 0);
}

static void test_arena_printf_strs(void **state)
{
    (void)state;
    cw_arena a;
    cw_arena_init(&a, 0);
    const char *volatile nul = NULL; /* volatile: the compiler cannot see it is NULL */
    char big[600];
    memset(big, 'b', sizeof big - 1);
    big[sizeof big - 1] = 0;
    struct { const char *got, *fmt; } cases[] = {
        {cw_arena_printf(&a, "%s:%s", "read", "AllUsers"), "read:AllUsers"},
        {cw_arena_printf(&a, "no conversions"), "no conversions"},
        {cw_arena_printf(&a, "%s", ""), ""},
        {cw_arena_printf(&a, "100%% of %s%%", "it"), "100% of it%"},
        {cw_arena_printf(&a, "[%s]", nul), "[(null)]"}, /* as glibc prints it */
        {cw_arena_printf(&a, "%s=%d", "n", 7), "n=7"},
        {cw_arena_printf(&a, "%d|%d|%d", 0, -45, INT_MIN), "0|-45|-2147483648"},
        {cw_arena_printf(&a, "%u %zu %lld", UINT_MAX, (size_t)12345678901ULL, LLONG_MIN),
         "4294967295 12345678901 -9223372036854775808"},
        {cw_arena_printf(&a, "#%d of %s", 3, "x"), "#3 of x"},
        {cw_arena_printf(&a, "%-3s|", "x"), "x  |"},                    /* anything else: vsnprintf */
        {cw_arena_printf(&a, "%.2f %x", 1.5, 255u), "1.50 ff"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) assert_string_equal(cases[i].got, cases[i].fmt);
    char *p = cw_arena_printf(&a, "<%s%s>", big, big);
    assert_int_equal(strlen(p), 2 * (sizeof big - 1) + 2);
    assert_true(p[0] == '<' && p[1] == 'b' && p[strlen(p) - 1] == '>');
    cw_arena_free(&a);
}

static void test_strbuf_json(void **st)
{
    (void)st;
    cw_strbuf sb = CW_STRBUF_INIT;
    cw_sb_add_json_str(&sb, "a\"b\\c\n\x01\xff\xc3\xa9", 10);
    assert_string_equal(sb.buf, "\"a\\\"b\\\\c\\n\\u0001\xEF\xBF\xBD\xc3\xa9\"");
    cw_sb_reset(&sb);
    cw_sb_printf(&sb, "%s=%d", "n", 5);
    assert_string_equal(sb.buf, "n=5");
    cw_sb_free(&sb);
}

/* Reference escaper, byte by byte, for comparison with the vectorised one. */
static void ref_escape(cw_strbuf *sb, const unsigned char *p, size_t n)
{
    cw_sb_addc(sb, '"');
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        size_t l = c >= 0x80 ? cw_utf8_len(p + i, n - i) : 0;
        if (l) {
            uint32_t cp = c & (0x3F >> (l - 1));
            for (size_t k = 1; k < l; k++) cp = (cp << 6) | (p[i + k] & 0x3F);
            if ((cp >= 0x80 && cp < 0xA0) || cw_cp_invisible(cp)) { /* as \u escapes (util/display.h) */
                if (cp > 0xFFFF)
                    cw_sb_printf(sb, "\\u%04x\\u%04x", 0xD800 + ((cp - 0x10000) >> 10), 0xDC00 + ((cp - 0x10000) & 0x3FF));
                else
                    cw_sb_printf(sb, "\\u%04x", cp);
            } else {
                cw_sb_add(sb, p + i, l);
            }
            i += l;
            continue;
        }
        if (c == '"') cw_sb_adds(sb, "\\\"");
        else if (c == '\\') cw_sb_adds(sb, "\\\\");
        else if (c == '\n') cw_sb_adds(sb, "\\n");
        else if (c == '\r') cw_sb_adds(sb, "\\r");
        else if (c == '\t') cw_sb_adds(sb, "\\t");
        else if (c < 0x20) cw_sb_printf(sb, "\\u%04x", c);
        else if (c >= 0x80) cw_sb_adds(sb, "\xEF\xBF\xBD");
        else cw_sb_addc(sb, (char)c);
        i++;
    }
    cw_sb_addc(sb, '"');
}

static void test_json_escape_random(void **st)
{
    (void)st;
    static const unsigned char pool[] = "abcXYZ019 _-/\"\\\n\t\x01\x1f\x7f\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xff\x80"
                                       "\xe2\x80\xae\xc2\x9b\xf3\xa0\x81\x81\xef\xbb\xbf";
    unsigned seed = 7;
    unsigned char buf[300];
    for (int round = 0; round < 20000; round++) {
        seed = seed * 1103515245u + 12345u;
        size_t n = (seed >> 8) % sizeof buf;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            /* mostly plain runs so the 16-byte path is taken, specials sprinkled in */
            buf[i] = (seed >> 20) % 8 ? (unsigned char)('a' + (seed >> 8) % 26) : pool[(seed >> 8) % (sizeof pool - 1)];
        }
        cw_strbuf a = CW_STRBUF_INIT, b = CW_STRBUF_INIT;
        cw_sb_add_json_str(&a, (const char *)buf, n);
        ref_escape(&b, buf, n);
        assert_int_equal(a.len, b.len);
        assert_memory_equal(a.buf, b.buf, a.len);
        cw_sb_free(&a);
        cw_sb_free(&b);
    }
}

/* cw_sb_add_json_cstr == cw_sb_add_json_str(s, strlen(s)) at every alignment,
 * with the string's NUL the last byte before an unreadable page (its aligned
 * loads must not cross into it) and NULs inside the blocks it reads. */
static void test_json_cstr(void **st)
{
    (void)st;
    long pg = sysconf(_SC_PAGESIZE);
    unsigned char *map = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(map != MAP_FAILED);
    assert_int_equal(mprotect(map + pg, (size_t)pg, PROT_NONE), 0);
    unsigned char *end = map + pg; /* first unreadable byte */
    static const unsigned char pool[] = "ab\"\\\n\x01\x7f\xc3\xa9\xff";
    unsigned seed = 11;
    for (int round = 0; round < 20000; round++) {
        seed = seed * 1103515245u + 12345u;
        size_t n = (seed >> 8) % 90;
        seed = seed * 1103515245u + 12345u;
        int at_end = (seed >> 12) & 1;
        unsigned char *s = at_end ? end - n - 1 : map + 64 + (seed >> 16) % 64;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            s[i] = (seed >> 20) % 6 ? (unsigned char)('a' + (seed >> 8) % 26) : pool[(seed >> 8) % (sizeof pool - 1)];
        }
        s[n] = 0;
        if (!at_end) memset(s + n + 1, 'z', 40); /* plain bytes after the NUL must not count */
        cw_strbuf a = CW_STRBUF_INIT, b = CW_STRBUF_INIT;
        cw_sb_add_json_cstr(&a, (const char *)s);
        cw_sb_add_json_str(&b, (const char *)s, strlen((const char *)s));
        assert_int_equal(a.len, b.len);
        assert_memory_equal(a.buf, b.buf, a.len);
        assert_int_equal(a.buf[a.len], 0);
        cw_sb_free(&a);
        cw_sb_free(&b);
    }
    munmap(map, (size_t)pg * 2);
}

static void test_hmap(void **st)
{
    (void)st;
    cw_hmap m;
    cw_hmap_init(&m);
    char keys[1000][16];
    for (int i = 0; i < 1000; i++) {
        snprintf(keys[i], 16, "k%d", i);
        assert_null(cw_hmap_put(&m, keys[i], strlen(keys[i]), (void *)(intptr_t)(i + 1)));
    }
    assert_int_equal(m.count, 1000);
    for (int i = 0; i < 1000; i++)
        assert_int_equal((intptr_t)cw_hmap_get(&m, keys[i], strlen(keys[i])), i + 1);
    assert_null(cw_hmap_get(&m, "nope", 4));
    assert_int_equal((intptr_t)cw_hmap_put(&m, "k5", 2, (void *)7), 6);
    size_t it = 0, n = 0;
    const cw_hmap_slot *s;
    while (cw_hmap_next(&m, &it, &s)) n++;
    assert_int_equal(n, 1000);
    cw_hmap_free(&m);
}

static void test_linecol(void **st)
{
    (void)st;
    const char *t = "ab\ncd\n\nefg";
    uint32_t l, c;
    cw_offset_to_linecol(t, strlen(t), 0, &l, &c);
    assert_int_equal(l, 1), assert_int_equal(c, 1);
    cw_offset_to_linecol(t, strlen(t), 4, &l, &c);
    assert_int_equal(l, 2), assert_int_equal(c, 2);
    cw_offset_to_linecol(t, strlen(t), 9, &l, &c);
    assert_int_equal(l, 4), assert_int_equal(c, 3);
    char *line = cw_line_at(t, strlen(t), 4);
    assert_string_equal(line, "cd");
    free(line);
    cw_diags d;
    cw_diags_init(&d);
    cw_diag_add(&d, CW_DIAG_ERROR, "f.yaml", 3, 5, 0, "a: [b", "expected ']'");
    char *s = cw_diag_format(&d.v[0]);
    assert_string_equal(s, "f.yaml:3:5: error: expected ']'\n    a: [b\n        ^");
    free(s);
    assert_int_equal(d.errors, 1);
    cw_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_arena_reset),
        cmocka_unit_test(test_arena_huge_blocks),
        cmocka_unit_test(test_arena_grows_into_huge_blocks),
        cmocka_unit_test(test_xalloc_big_advised),
        cmocka_unit_test(test_arena_printf_strs),
        cmocka_unit_test(test_strbuf_json),
        cmocka_unit_test(test_hmap),
        cmocka_unit_test(test_json_escape_random),
        cmocka_unit_test(test_json_cstr),
        cmocka_unit_test(test_linecol),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
