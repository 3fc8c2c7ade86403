/* test_classify.c - validators, context, counters, masking, and the engine on small
 * inputs of every format, including bad input (binary, invalid UTF-8, ragged CSV,
 * a long single line, a gzip bomb). */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "classify/classify.h"
#include "classify/context.h"
#include "classify/counters.h"
#include "classify/mask.h"
#include "classify/natid.h"
#include "classify/patterns.h"
#include "classify/runs.h"
#include "classify/phone.h"
#include "classify/plates.h"
#include "classify/validate.h"

#include "cls_fixture.h"

/* ---- validators ---- */
/* The hand-coded shapes must say exactly what the confirmation regexes say. */
static void test_shapes_match_regexes(void **state)
{
    (void)state;
    cw_patterns pat;
    cw_pat_scratch ps;
    char err[256];
    assert_true(cw_patterns_build(&pat, err, sizeof err));
    assert_true(cw_pat_scratch_init(&ps, &pat));
    static const char seps[] = " -.+()x";
    uint64_t x = 88172645463325252ULL;
#define RND() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, x)
    int pos[3] = {0, 0, 0};
    for (int it = 0; it < 300000; it++) {
        char b[64];
        size_t n = 0;
        if (RND() % 4 == 0) b[n++] = '+';
        if (RND() % 6 == 0) {
            b[n++] = '(';
            for (int k = (int)(RND() % 6); k > 0; k--) b[n++] = (char)('0' + RND() % 10);
            b[n++] = ')';
        }
        int groups = 1 + (int)(RND() % 7);
        for (int g = 0; g < groups && n < 40; g++) {
            int l = (int)(RND() % 8);
            for (int k = 0; k < l; k++) b[n++] = (char)('0' + RND() % 10);
            if (g + 1 < groups) {
                b[n++] = RND() % 3 ? ' ' : '-';
                if (RND() % 10 == 0) b[n++] = seps[RND() % (sizeof seps - 1)];
            }
        }
        if (RND() % 2) { /* card-like: 4-4-4-4(-k) or 4-6-5 with one separator */
            static const int shapes[][7] = {{4, 4, 4, 4}, {4, 4, 4, 4, 2}, {4, 4, 4, 4, 3}, {4, 4, 4, 4, 4}, {4, 6, 5},
                                            {4, 6, 4},    {4, 6, 6},       {4, 4, 4, 7},    {4, 4, 4, 8},    {4, 4, 4, 4, 1, 1},
                                            {12},         {13},            {19},            {20},            {3, 4, 4, 4}};
            const int *sh = shapes[RND() % (sizeof shapes / sizeof *shapes)];
            char sep = RND() % 2 ? ' ' : '-';
            n = 0;
            for (int g = 0; sh[g]; g++) {
                if (g) b[n++] = RND() % 12 ? sep : ' ';
                for (int k = 0; k < sh[g]; k++) b[n++] = (char)('0' + RND() % 10);
            }
        }
        bool r1 = cw_rx_full(&ps, CW_RX_CARD, b, n), r2 = cw_rx_full(&ps, CW_RX_PHONE, b, n),
             r3 = cw_rx_full(&ps, CW_RX_NATID_NUM, b, n);
        if (r1 != cw_shape_card(b, n) || r2 != cw_shape_phone(b, n) || r3 != cw_shape_natid_num(b, n))
            fail_msg("shape differs from regex on '%.*s': card %d phone %d natid %d", (int)n, b, r1, r2, r3);
        pos[0] += r1, pos[1] += r2, pos[2] += r3;
    }
#undef RND
    /* the generator reaches both answers of every shape */
    assert_true(pos[0] > 1000 && pos[1] > 1000 && pos[2] > 1000);
    assert_true(pos[0] < 290000 && pos[1] < 290000 && pos[2] < 290000);
    cw_pat_scratch_free(&ps);
    cw_patterns_free(&pat);
}

static void test_vin(void **state)
{
    (void)state;
    assert_int_equal(cw_vin_check_digit("1HGCM82633A004352"), '3');
    assert_int_equal(cw_vin_validate("1HGCM82633A004352"), CW_VIN_OK_CHECKED);
    assert_int_equal(cw_vin_validate("1HGCM82643A004352"), CW_VIN_BAD);          /* NA: check digit required */
    assert_int_equal(cw_vin_validate("JT2BG22K0W0123456"), CW_VIN_OK_UNCHECKED); /* Japan: context decides */
    assert_int_equal(cw_vin_validate("12345678901234567"), CW_VIN_BAD);          /* no letters */
    assert_int_equal(cw_vin_validate("1HGCM82633A00435I"), CW_VIN_BAD);          /* I is not a VIN character */
}

static void test_cards(void **state)
{
    (void)state;
    assert_true(cw_luhn("4111111111111111", 16));
    assert_false(cw_luhn("4111111111111112", 16));
    assert_true(cw_card_issuer("4111111111111111", 16));
    assert_true(cw_card_issuer("378282246310005", 15));
    assert_false(cw_card_issuer("378282246310005", 16)); /* Amex is 15 digits */
    assert_true(cw_card_issuer("3530111333300000", 16)); /* JCB */
    assert_false(cw_card_issuer("9111111111111111", 16));
}

static void test_email(void **state)
{
    (void)state;
    cw_cc cc = CW_CC_NONE;
    assert_true(cw_email_valid("john.smith@bigpond.com.au", 25, &cc));
    assert_int_equal(cc, CW_CC_AU);
    assert_false(cw_email_valid("john..smith@x.com", 17, &cc));
    assert_false(cw_email_valid("john@localhost", 14, &cc));
    assert_false(cw_email_valid("john@x.c0m", 10, &cc));
    assert_false(cw_email_valid("john@-x.com", 11, &cc));
}

static void test_phone(void **state)
{
    (void)state;
    cw_phone p;
    assert_true(cw_phone_check("+61 412 345 678", 15, true, &p));
    assert_int_equal(p.cc, CW_CC_AU);
    assert_string_equal(p.e164, "61412345678");
    assert_true(cw_phone_check("090-1234-5678", 13, false, &p)); /* national: needs context */
    assert_false(cw_phone_check("090-1234-5678", 13, true, &p));
    assert_true(cw_phone_check("+65 9123 4567", 13, true, &p));
    assert_int_equal(p.cc, CW_CC_SG);
    assert_false(cw_phone_check("+61 512 345 678 999", 19, true, &p)); /* too long for AU */
    assert_false(cw_phone_check("1234-5678-9012-34", 17, false, &p));  /* a serial number */
    assert_false(cw_phone_check("0000 000 000", 12, false, &p));
    assert_true(cw_phone_check("(02) 9876 5432", 14, false, &p));
}

static void test_plates(void **state)
{
    (void)state;
    cw_pat_scratch ps;
    cw_patterns pat;
    char err[200], norm[40];
    size_t nl;
    cw_cc cc;
    assert_true(cw_patterns_build(&pat, err, sizeof err));
    assert_true(cw_pat_scratch_init(&ps, &pat));
    assert_true(cw_plate_check(&ps, "SEV8917C", 8, &cc, norm, &nl));
    assert_int_equal(cc, CW_CC_SG); /* check letter right */
    assert_true(cw_plate_check(&ps, "SEV8917D", 8, &cc, norm, &nl));
    assert_int_not_equal(cc, CW_CC_SG); /* plate-shaped, but not Singapore's */
    assert_true(cw_plate_check(&ps, "MH 12 AB 1234", 13, &cc, norm, &nl));
    assert_int_equal(cc, CW_CC_IN);
    assert_memory_equal(norm, "MH12AB1234", 10);
    assert_true(cw_plate_check(&ps, "品川 300 あ 12-34", strlen("品川 300 あ 12-34"), &cc, norm, &nl));
    assert_int_equal(cc, CW_CC_JP);
    assert_false(cw_plate_check(&ps, "hello", 5, &cc, norm, &nl));
    assert_false(cw_plate_check(&ps, "1234567890123", 13, &cc, norm, &nl));
    cw_pat_scratch_free(&ps);
    cw_patterns_free(&pat);
}

static void test_natid(void **state)
{
    (void)state;
    assert_int_equal(cw_natid_check("S1234567D", 9, false), CW_CC_SG);
    assert_int_equal(cw_natid_check("S1234567E", 9, false), CW_CC_NONE);
    assert_int_equal(cw_natid_check("123 456 782", 11, false), CW_CC_AU); /* TFN */
    assert_int_equal(cw_natid_check("123456782", 9, false), CW_CC_NONE);  /* without context: usual grouping only */
    assert_int_equal(cw_natid_check("123456782", 9, true), CW_CC_AU);
    assert_int_equal(cw_natid_check("9458 0730 2153", 14, false), CW_CC_JP);  /* My Number */
    assert_int_equal(cw_natid_check("5-5807-30215-73-0", 17, false), CW_CC_TH);
    assert_int_equal(cw_natid_check("121-428-288", 11, false), CW_CC_NZ);     /* IRD */
    assert_int_equal(cw_natid_check("2341 2341 2346", 14, false), CW_CC_IN);  /* Aadhaar, Verhoeff */
    assert_int_equal(cw_natid_check("2341 2341 2348", 14, false), CW_CC_NONE);
    assert_int_equal(cw_natid_check("ABCPE1234F", 10, true), CW_CC_IN);      /* PAN with context */
    assert_int_equal(cw_natid_check("850101-14-5567", 14, false), CW_CC_MY);  /* MyKad */
}

static void test_dates_names_addresses(void **state)
{
    (void)state;
    int y, m, d;
    assert_true(cw_date_parse("1985-03-12", 10, &y, &m, &d));
    assert_int_equal(y * 10000 + m * 100 + d, 19850312);
    assert_true(cw_date_parse("12/03/1985", 10, &y, &m, &d));
    assert_true(cw_date_parse("12 Mar 1985", 11, &y, &m, &d));
    assert_true(cw_date_parse("1985年3月12日", strlen("1985年3月12日"), &y, &m, &d));
    assert_false(cw_date_parse("1985-13-12", 10, &y, &m, &d));
    assert_false(cw_date_parse("31/02/1985", 10, &y, &m, &d));
    assert_true(cw_name_valid("Oliver O'Brien", 14));
    assert_true(cw_name_valid("山田 太郎", strlen("山田 太郎")));
    assert_false(cw_name_valid("N/A", 3));
    assert_false(cw_name_valid("R2D2", 4));
    cw_cc cc;
    assert_true(cw_address_valid("12 George St, Sydney NSW 2000", 29, &cc));
    assert_int_equal(cc, CW_CC_AU);
    assert_true(cw_address_valid("No. 12, Jalan Ampang, 50450 Kuala Lumpur", 40, &cc));
    assert_int_equal(cc, CW_CC_MY);
    assert_false(cw_address_valid("see http://x.example/a1", 23, &cc));
}

static void test_context(void **state)
{
    (void)state;
#define CTX(s) cw_ctx_of_name(s, strlen(s), NULL, 0)
    assert_int_equal(CTX("E-mail"), CW_CTX_CAT(CW_CAT_EMAIL));
    assert_int_equal(CTX("emailAddress"), CW_CTX_CAT(CW_CAT_EMAIL));
    assert_int_equal(CTX("vehicleIdentificationNumber"), CW_CTX_CAT(CW_CAT_VIN));
    assert_int_equal(CTX("Chassis No"), CW_CTX_CAT(CW_CAT_VIN));
    assert_int_equal(CTX("rego"), CW_CTX_CAT(CW_CAT_PLATE));
    assert_int_equal(CTX("licensePlate"), CW_CTX_CAT(CW_CAT_PLATE));
    assert_int_equal(CTX("first_name"), CW_CTX_CAT(CW_CAT_PERSON_NAME));
    assert_int_equal(CTX("customer_id"), CW_CTX_IDENT);
    assert_int_equal(CTX("part_no"), CW_CTX_IDENT);
    assert_int_equal(CTX("last_service"), CW_CTX_OTHER);
    assert_int_equal(CTX("date_of_birth"), CW_CTX_CAT(CW_CAT_DOB));
    assert_int_equal(CTX("notes"), CW_CTX_TEXT);
    assert_int_equal(cw_ctx_of_name("name", 4, "dealer", 6), CW_CTX_BIZ);
    assert_int_equal(cw_ctx_of_name("given", 5, "name", 4), CW_CTX_CAT(CW_CAT_PERSON_NAME));
    assert_int_equal(cw_ctx_of_name("line1", 5, "address", 7), CW_CTX_CAT(CW_CAT_POSTAL_ADDRESS));
#undef CTX
}

/* ---- counters and masks ---- */
static void test_distinct(void **state)
{
    (void)state;
    cw_distinct *d = cw_distinct_new(), *e = cw_distinct_new();
    bool exact;
    for (uint64_t i = 0; i < 1000; i++) {
        cw_distinct_add(d, cw_vhash(&i, sizeof i));
        cw_distinct_add(d, cw_vhash(&i, sizeof i)); /* twice */
    }
    assert_int_equal(cw_distinct_value(d, &exact), 1000);
    assert_true(exact);
    for (uint64_t i = 0; i < 300000; i++) cw_distinct_add(e, cw_vhash(&i, sizeof i));
    uint64_t v = cw_distinct_value(e, &exact);
    assert_false(exact);
    assert_true(v > 294000 && v < 306000); /* HLL p=14: ~0.8% */
    cw_distinct_merge(e, d);                /* d is a subset of e */
    v = cw_distinct_value(e, &exact);
    assert_true(v > 294000 && v < 306000);
    cw_distinct_free(d);
    cw_distinct_free(e);
}

/* cw_vhash_lower == cw_vhash of a lowercased copy, for every byte value and length */
static void test_vhash_lower(void **state)
{
    (void)state;
    uint8_t raw[64], low[64];
    uint32_t x = 12345;
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)round % 41;
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            uint8_t c = (uint8_t)(x >> 16);
            if (round & 1) c = (uint8_t)("AZaz@[`{09. \x80\xC3"[(x >> 8) % 14]); /* the edges of A-Z */
            raw[i] = c;
            low[i] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c | 0x20) : c;
        }
        assert_true(cw_vhash_lower(raw, n) == cw_vhash(low, n));
    }
}

/* the CSV bitmap of cw_runs_scan_csv marks exactly the delimiter, '\n' and '"' bytes,
 * the hits are those of cw_runs_scan, the AVX2 and SSE2 paths agree, and e-mail
 * triggers are exactly [A-Za-z0-9._%+-]@[A-Za-z0-9] */
static void test_runs_csv_map(void **state)
{
    (void)state;
    static uint8_t b[1000];
    uint32_t x = 7;
    const char *alpha = "0123456789 -;,\n\"ABCJKLxyz@._+\x80\xff";
    for (size_t i = 0; i < sizeof b; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (uint8_t)alpha[(x >> 16) % strlen(alpha)];
    }
    for (size_t n = 0; n <= sizeof b; n += 37) {
        uint64_t map[16];
        memset(map, 0xAA, sizeof map);
        uint32_t *h1 = NULL, *h2 = NULL;
        size_t n1 = 0, c1 = 0, n2 = 0, c2 = 0;
        cw_runs_scan(b, n, &h1, &n1, &c1);
        cw_runs_scan_csv(b, n, &h2, &n2, &c2, ';', map);
        assert_int_equal(n1, n2);
        if (n1) assert_memory_equal(h1, h2, n1 * sizeof *h1);
        /* the portable (SSE2) path finds the same */
        uint64_t map2[16];
        uint32_t *h3 = NULL;
        size_t n3 = 0, c3 = 0;
        bool avx2 = cw_runs_use_avx2(false);
        cw_runs_scan_csv(b, n, &h3, &n3, &c3, ';', map2);
        cw_runs_use_avx2(avx2);
        assert_int_equal(n1, n3);
        if (n1) assert_memory_equal(h1, h3, n1 * sizeof *h1);
        if (n) assert_memory_equal(map, map2, (n + 63) / 64 * sizeof *map);
        free(h3);
        for (size_t i = 0; i < n; i++) {
            bool want = b[i] == ';' || b[i] == '\n' || b[i] == '"';
            assert_int_equal((map[i / 64] >> (i % 64)) & 1, want);
        }
        if (n % 64) assert_int_equal(map[n / 64] >> (n % 64), 0);
        size_t ne = 0;
        for (size_t i = 0; i < n1; i++)
            if ((h1[i] & 7) == CW_T_EMAIL) {
                size_t to = h1[i] >> 3;
                assert_true(to >= 3 && to <= n && b[to - 2] == '@' && isalnum(b[to - 1]) &&
                            (isalnum(b[to - 3]) || strchr("._%+-", b[to - 3])));
                ne++;
            }
        size_t want = 0;
        for (size_t i = 2; i < n; i++)
            want += b[i - 1] == '@' && isalnum(b[i]) && b[i] < 0x80 && (isalnum(b[i - 2]) || strchr("._%+-", b[i - 2]));
        assert_int_equal(ne, want);
        free(h1);
        free(h2);
    }
}

/* The address validator as it was before the bit-mask version (byte loops), kept here
 * as the reference the fast one must agree with. */
static bool ref_alpha(unsigned char c) { return (unsigned char)((c | 0x20) - 'a') < 26; }
static bool ref_digit(unsigned char c) { return (unsigned char)(c - '0') < 10; }
static cw_cc ref_place(const char *w, size_t n)
{
    static const struct { const char *w; cw_cc cc; } pw[] = {
        {"Singapore", CW_CC_SG}, {"Jl", CW_CC_ID}, {"Jakarta", CW_CC_ID}, {"Indonesia", CW_CC_ID},
        {"Surabaya", CW_CC_ID}, {"Bandung", CW_CC_ID}, {"Jalan", CW_CC_MY}, {"Kuala", CW_CC_MY},
        {"Selangor", CW_CC_MY}, {"Penang", CW_CC_MY}, {"Malaysia", CW_CC_MY}, {"Johor", CW_CC_MY},
        {"Bangkok", CW_CC_TH}, {"Thailand", CW_CC_TH}, {"Chiang", CW_CC_TH}, {"Manila", CW_CC_PH},
        {"Philippines", CW_CC_PH}, {"Cebu", CW_CC_PH}, {"Quezon", CW_CC_PH}, {"Makati", CW_CC_PH},
        {"India", CW_CC_IN}, {"Karnataka", CW_CC_IN}, {"Maharashtra", CW_CC_IN}, {"Tamil", CW_CC_IN},
        {"Delhi", CW_CC_IN}, {"Bengal", CW_CC_IN}, {"Mumbai", CW_CC_IN}, {"Bengaluru", CW_CC_IN},
        {"Chennai", CW_CC_IN}, {"Kolkata", CW_CC_IN}, {"Auckland", CW_CC_NZ}, {"Wellington", CW_CC_NZ},
        {"Christchurch", CW_CC_NZ}, {"Dunedin", CW_CC_NZ}, {"Zealand", CW_CC_NZ}, {"Australia", CW_CC_AU},
        {"NSW", CW_CC_AU}, {"WA", CW_CC_AU}, {"SA", CW_CC_AU}, {"NT", CW_CC_AU}, {"VIC", CW_CC_AU},
        {"QLD", CW_CC_AU}, {"TAS", CW_CC_AU}, {"ACT", CW_CC_AU},
    };
    for (size_t k = 0; k < sizeof pw / sizeof *pw; k++)
        if (strlen(pw[k].w) == n && memcmp(pw[k].w, w, n) == 0) return pw[k].cc;
    return CW_CC_NONE;
}
static cw_cc ref_country(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i + 2 < n; i++) {
        if (u[i] < 0xE0) continue;
        if (u[i] == 0xE0 && (u[i + 1] == 0xB8 || u[i + 1] == 0xB9)) return CW_CC_TH;
        if (u[i] == 0xE3 && u[i + 1] == 0x80 && u[i + 2] == 0x92) return CW_CC_JP;
        if (u[i] == 0xE9 && u[i + 1] == 0x83 && u[i + 2] == 0xBD) return CW_CC_JP;
        if (u[i] == 0xE7 && u[i + 1] == 0x9C && u[i + 2] == 0x8C) return CW_CC_JP;
        if (u[i] == 0xE5 && u[i + 1] == 0xBA && u[i + 2] == 0x9C) return CW_CC_JP;
    }
    cw_cc found = CW_CC_NONE;
    size_t i = 0;
    while (i < n) {
        if (!ref_alpha(u[i])) {
            i++;
            continue;
        }
        size_t b = i;
        while (i < n && ref_alpha(u[i])) i++;
        size_t l = i - b;
        if (l < 2 || l > 12 || !(u[b] >= 'A' && u[b] <= 'Z')) continue;
        cw_cc c = ref_place(s + b, l);
        if (c == CW_CC_NONE) continue;
        if (c == CW_CC_AU && l <= 3 &&
            !(i + 5 <= n && u[i] == ' ' && ref_digit(u[i + 1]) && ref_digit(u[i + 2]) && ref_digit(u[i + 3]) &&
              ref_digit(u[i + 4]) && (i + 5 == n || !ref_digit(u[i + 5]))))
            continue;
        if (c == CW_CC_MY && l == 5 && u[b] == 'J' && found == CW_CC_NONE) {
            found = c;
            continue;
        }
        return c;
    }
    return found;
}
static bool ref_address_valid(const char *s, size_t n, cw_cc *cc)
{
    while (n && *s == ' ') s++, n--;
    while (n && s[n - 1] == ' ') n--;
    if (n < 8 || n > 300) return false;
    if (memchr(s, '@', n)) return false;
    for (const char *c = memchr(s, ':', n); c; c = memchr(c + 1, ':', (size_t)(s + n - c - 1)))
        if (c + 2 < s + n && c[1] == '/' && c[2] == '/') return false;
    int digits = 0, wordlen = 0, words = 0, nonascii = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (ref_digit(c)) digits++;
        if (ref_alpha(c) || c >= 0x80) {
            if (c >= 0x80) nonascii++;
            if (++wordlen == 2) words++;
        } else {
            wordlen = 0;
        }
    }
    if (!nonascii && !memchr(s, ' ', n)) return false; /* hostnames, IPs, ARNs */
    *cc = ref_country(s, n);
    if (nonascii >= 9) return true;
    return digits > 0 && words >= 2;
}

/* the bit-mask address validator agrees with the byte loops on generated addresses */
static void test_address_equivalence(void **state)
{
    (void)state;
    static const char *const tok[] = {
        "12", "2000", "50450", " ", " ", ", ", "St", "George", "Sydney", "NSW", "NSW 2000", "VIC 3000",
        "QLD", "WA", "Jalan", "Jl", "Jakarta", "Kuala Lumpur", "Makati", "Quezon", "Bangkok", "Singapore",
        "Auckland", "Zealand", "India", "Mumbai", "Maharashtra", "Christchurch", "Christchurches", "A", "x",
        "\xe0\xb8\x81", "\xe0\xb9\x80", "\xe3\x80\x92", "\xe6\x9d\xb1\xe4\xba\xac\xe9\x83\xbd", "\xe7\x9c\x8c",
        "\xe5\xba\x9c", "\xe3\x81\x82", "\xc3\xa9", "@", "://", ":", "/", "-", "#", "\xff", "\x80", "\t",
        "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOP", "Wellington", "TAS", "ACT 2600", "NT 0800", "SA 50001",
    };
    const size_t ntok = sizeof tok / sizeof *tok;
    char buf[400];
    uint32_t x = 99;
    for (int round = 0; round < 200000; round++) {
        size_t n = 0;
        x = x * 1103515245u + 12345u;
        size_t want = 4 + (x >> 16) % (round % 10 == 0 ? 330 : 70);
        while (n < want) {
            x = x * 1103515245u + 12345u;
            const char *t = tok[(x >> 16) % ntok];
            size_t l = strlen(t);
            if (n + l > sizeof buf) break;
            memcpy(buf + n, t, l);
            n += l;
        }
        cw_cc a = CW_CC_NONE, b = CW_CC_NONE;
        bool va = cw_address_valid(buf, n, &a), vb = ref_address_valid(buf, n, &b);
        assert_int_equal(va, vb);
        if (va) assert_int_equal(a, b);
        if (n <= 300) assert_int_equal(cw_address_country(buf, n), ref_country(buf, n));
    }
}

static void test_mask(void **state)
{
    (void)state;
    char *m;
    m = cw_mask(CW_CAT_EMAIL, "john@example.com", 16);
    assert_string_equal(m, "j***@e***.com");
    free(m);
    m = cw_mask(CW_CAT_VIN, "JT2BG22K0W0121234", 17);
    assert_string_equal(m, "JT2**********1234");
    free(m);
    m = cw_mask(CW_CAT_CARD, "4111 1111 1111 1111", 19);
    assert_string_equal(m, "4111 **** **** 1111");
    free(m);
    m = cw_mask(CW_CAT_PHONE, "+61 412 345 678", 15);
    assert_string_equal(m, "+61 *** *** *78");
    free(m);
    m = cw_mask(CW_CAT_PERSON_NAME, "Oliver Smith", 12);
    assert_string_equal(m, "O*** S***");
    free(m);
    m = cw_mask(CW_CAT_DOB, "1985-03-12", 10);
    assert_string_equal(m, "19**-**-**");
    free(m);
}

/* ---- engine ---- */
static cw_cls_run *new_run(cw_cls_opts *o)
{
    cw_cls_opts def;
    if (!o) {
        cw_cls_opts_default(&def);
        o = &def;
    }
    cw_cls_run *r = cw_cls_run_new(g_cls, o);
    assert_non_null(r);
    return r;
}

#define OCC(f, c) ((f)->cats[c].occurrences)

static void test_csv(void **state)
{
    (void)state;
    const char *csv = "id,first_name,email,mobile,rego,vin,part_no,order_no,notes\n"
                      "1,Oliver,oliver@bigpond.com.au,0412 345 678,ABC123,1HGCM82633A004352,1HGCM82643A004352,"
                      "4111111111111112,\"call me on 0413 111 222, thanks\"\n"
                      "2,Yui,yui@yahoo.co.jp,090-1234-5678,\"品川 300 あ 12-34\",JT2BG22K0W0123456,X,Y,lorem ipsum\n"
                      "3,,,,,,,\n";
    cw_cls_run *r = new_run(NULL);
    const cw_file_report *f = cw_cls_buffer(r, "t.csv", csv, strlen(csv));
    assert_string_equal(f->format, "csv");
    assert_int_equal(f->records, 3);
    assert_int_equal(f->records_matched, 2);
    assert_int_equal(OCC(f, CW_CAT_PERSON_NAME), 2);
    assert_int_equal(OCC(f, CW_CAT_EMAIL), 2);
    assert_int_equal(OCC(f, CW_CAT_PHONE), 3); /* two in the mobile column, one after "call" in notes */
    assert_int_equal(OCC(f, CW_CAT_PLATE), 2);
    assert_int_equal(OCC(f, CW_CAT_VIN), 2);   /* the part number fails the check digit */
    assert_int_equal(OCC(f, CW_CAT_CARD), 0);  /* the order number fails Luhn */
    assert_int_equal(f->cats[CW_CAT_EMAIL].by_cc[CW_CC_JP], 1);
    cw_cls_run_free(r);
}

/* Issue 9 item 8: cloud configuration is not customer data. One case per class: a
 * resource's name under a generic "name" key, names of things ("relationshipName",
 * "groupName", "bucketName", tags), network endpoints under "address" keys; and the
 * same keys holding customer data still count. */
static void test_cloud_config_json(void **state)
{
    (void)state;
    const char *cfg =
        "{\"configurationItems\": [{\"resourceType\": \"AWS::S3::Bucket\", \"resourceName\": \"hcmg-dealer-exports\",\n"
        " \"configuration\": {\"name\": \"hcmg-dealer-exports\", \"owner\": {\"displayName\": \"ops-team\"}},\n"
        " \"tags\": {\"Name\": \"web-alb\", \"Owner\": \"platform\", \"Project\": \"Dealer Portal\"},\n"
        " \"relationships\": [{\"relationshipName\": \"Is contained in Vpc\", \"resourceName\": \"Main Vpc\"}],\n"
        " \"supplementaryConfiguration\": {\"groupName\": \"crm-app\", \"attributeName\": \"restore\",\n"
        "   \"dBSubnetGroupName\": \"db-subnets\", \"bucketName\": \"Finance Archive\", \"roleName\": \"Admin Role\"}},\n"
        " {\"resourceType\": \"AWS::RDS::DBInstance\", \"configuration\": {\"endpoint\": {\"address\":\n"
        "   \"hcmg-crm-db.c9akciq32.ap-southeast-2.rds.amazonaws.com\", \"port\": 5432},\n"
        "   \"privateIpAddress\": \"10.0.1.17\", \"macAddress\": \"0a:1b:2c:3d:4e:5f\", \"dnsName\": \"a.b.example.com\"}}]}\n";
    cw_cls_run *r = new_run(NULL);
    const cw_file_report *f = cw_cls_buffer(r, "snapshot.json", cfg, strlen(cfg));
    assert_int_equal(OCC(f, CW_CAT_PERSON_NAME), 0);
    assert_int_equal(OCC(f, CW_CAT_POSTAL_ADDRESS), 0);
    /* the same keys with customer data */
    const char *cust =
        "[{\"name\": \"Liam O'Neill\", \"customerName\": \"Budi\", \"address\": \"12 George St, Sydney NSW 2000\",\n"
        "  \"owner\": {\"name\": {\"given\": \"Aroha\", \"family\": \"Ngata\"}}, \"shippingAddress\": {\"line1\": \"5 Queen Street\"}}]\n";
    f = cw_cls_buffer(r, "customers.json", cust, strlen(cust));
    assert_int_equal(OCC(f, CW_CAT_PERSON_NAME), 4);
    assert_int_equal(OCC(f, CW_CAT_POSTAL_ADDRESS), 2);
    /* the bundled example estate (when the source tree is at hand) */
    const char *root = getenv("CW_SOURCE_ROOT");
    if (root) {
        char p[4096];
        snprintf(p, sizeof p, "%s/examples/estate/snapshot.json", root);
        f = cw_cls_file(r, p);
        if (!f->skipped) {
            assert_int_equal(OCC(f, CW_CAT_PERSON_NAME), 0);
            assert_int_equal(OCC(f, CW_CAT_POSTAL_ADDRESS), 0);
        }
    }
    cw_cls_run_free(r);
}

static void test_ragged_csv(void **state)
{
    (void)state;
    const char *csv = "name;email\nAna Lima;ana@x.com;extra;fields\nBo Li\n;;;;;;\n\"unterminated;quote\n";
    cw_cls_run *r = new_run(NULL);
    const cw_file_report *f = cw_cls_buffer(r, "ragged.csv", csv, strlen(csv));
    assert_false(f->skipped);
    assert_int_equal(OCC(f, CW_CAT_EMAIL), 1);
    assert_int_equal(OCC(f, CW_CAT_PERSON_NAME), 2);
    cw_cls_run_free(r);
}

static void test_ndjson_paths(void **state)
{
    (void)state;
    const char *nd =
        "{\"customer\":{\"name\":{\"given\":\"Mere\",\"family\":\"Tane\"},\"phone\":\"(06) 023 3784\"},"
        "\"dealer\":{\"name\":\"Sydney City Toyota\",\"phone\":\"+61 2 9876 5432\"},\"dob\":\"1970-01-02\"}\n"
        "{\"vehicle\":{\"vin\":\"JT2BG22K0W0123456\",\"registration\":\"SEV8917C\"},\"parts\":[\"JT2BG22K0W0123458\"]}\n";
    cw_cls_run *r = new_run(NULL);
    const cw_file_report *f = cw_cls_buffer(r, "x.json", nd, strlen(nd));
    assert_string_equal(f->format, "ndjson");
    assert_int_equal(f->records, 2);
    assert_int_equal(OCC(f, CW_CAT_PERSON_NAME), 2); /* not the dealer's name */
    assert_int_equal(OCC(f, CW_CAT_PHONE), 2);
    assert_int_equal(OCC(f, CW_CAT_DOB), 1);
    assert_int_equal(OCC(f, CW_CAT_VIN), 1); /* the unchecked part number has no VIN context */
    assert_int_equal(OCC(f, CW_CAT_PLATE), 1);
    assert_int_equal(f->cats[CW_CAT_PLATE].by_cc[CW_CC_SG], 1);
    cw_cls_run_free(r);
}

static void test_json_document(void **state)
{
    (void)state;
    const char *js = "{\"exported\":\"2024\",\"records\":[\n {\"ownerName\":\"Ana Lima\",\"emailAddress\":\"a@b.co\"},\n"
                     " {\"ownerName\":\"Bo Chen\",\"odometer\":12}\n]}";
    cw_cls_run *r = new_run(NULL);
    const cw_file_report *f = cw_cls_buffer(r, "e.json", js, strlen(js));
    assert_string_equal(f->format, "json");
    assert_int_equal(f->records, 2);
    assert_int_equal(f->records_matched, 2);
    assert_int_equal(OCC(f, CW_CAT_PERSON_NAME), 2);
    assert_int_equal(OCC(f, CW_CAT_EMAIL), 1);
    cw_cls_run_free(r);
}

static void test_sql(void **state)
{
    (void)state;
    const char *sql = "-- dump\nCREATE TABLE `c` (`id` int, `full_name` varchar(9), `dob` date, `nric` text,\n"
                      "  PRIMARY KEY (`id`));\n"
                      "INSERT INTO `c` VALUES (1,'Oliver O''Brien','1985-03-12','S1234567D'),(2,NULL,'x','y');\n"
                      "INSERT INTO pay (id, card) VALUES (1, '4111 1111 1111 1111');\n"
                      "COPY public.v (id, vin, plate_no, owner_name) FROM stdin;\n"
                      "1\tJT2BG22K0W0123456\tABC123\tAna Lima\n2\t\\N\t\\N\t\\N\n\\.\n";
    cw_cls_run *r = new_run(NULL);
    const cw_file_report *f = cw_cls_buffer(r, "d.sql", sql, strlen(sql));
    assert_string_equal(f->format, "sql");
    assert_int_equal(f->records, 5);
    assert_int_equal(OCC(f, CW_CAT_PERSON_NAME), 2);
    assert_int_equal(OCC(f, CW_CAT_DOB), 1);
    assert_int_equal(OCC(f, CW_CAT_NATIONAL_ID), 1);
    assert_int_equal(OCC(f, CW_CAT_CARD), 1);
    assert_int_equal(OCC(f, CW_CAT_VIN), 1);
    assert_int_equal(OCC(f, CW_CAT_PLATE), 1);
    cw_cls_run_free(r);
}

static void test_text(void **state)
{
    (void)state;
    const char *t = "INFO booking customer=\"Ana Lima\" rego=\"ABC123\" phone=0412 345 678 dob=1985-03-12\n"
                    "Lorem ipsum dolor sit amet 1234 5678 9012 3456 part 1HGCM82643A004352.\n"
                    "Dear Mr Smith, your car JT2BG22K0W0123456 is ready. Tel: +81 90-1234-5678\n"
                    "〒150-0001 東京都渋谷区神宮前1-2-3\n";
    cw_cls_run *r = new_run(NULL);
    const cw_file_report *f = cw_cls_buffer(r, "app.log", t, strlen(t));
    assert_string_equal(f->format, "text");
    assert_int_equal(f->records, 4);
    assert_int_equal(OCC(f, CW_CAT_PERSON_NAME), 2);
    assert_int_equal(OCC(f, CW_CAT_PLATE), 1);
    assert_int_equal(OCC(f, CW_CAT_PHONE), 2);
    assert_int_equal(OCC(f, CW_CAT_DOB), 1);
    assert_int_equal(OCC(f, CW_CAT_CARD), 0);
    assert_int_equal(OCC(f, CW_CAT_VIN), 0); /* unchecked Japanese VIN without a VIN keyword */
    assert_int_equal(OCC(f, CW_CAT_POSTAL_ADDRESS), 1);
    assert_int_equal(f->records_matched, 3);
    cw_cls_run_free(r);
}

static void test_binary_and_utf8(void **state)
{
    (void)state;
    char bin[256];
    for (int i = 0; i < 256; i++) bin[i] = (char)i;
    cw_cls_run *r = new_run(NULL);
    const cw_file_report *f = cw_cls_buffer(r, "b.bin", bin, sizeof bin);
    assert_true(f->skipped);
    assert_non_null(strstr(f->message, "binary"));
    const char bad[] = "name,email\n\xff\xfe Ana,ana@x.com\n";
    f = cw_cls_buffer(r, "u.csv", bad, sizeof bad - 1);
    assert_false(f->skipped);
    assert_non_null(strstr(f->message, "invalid UTF-8"));
    assert_int_equal(OCC(f, CW_CAT_EMAIL), 1);
    cw_cls_run_free(r);
}

static void test_long_line(void **state)
{
    (void)state;
    size_t n = 24u << 20;
    char *b = malloc(n);
    assert_non_null(b);
    for (size_t i = 0; i < n; i++) b[i] = "lorem ipsum "[i % 12];
    int emails = 0;
    for (size_t off = 1000; off + 40 < n; off += 3u << 20, emails++) memcpy(b + off, " ana.lima@example.com ", 22);
    cw_cls_opts o;
    cw_cls_opts_default(&o);
    cw_cls_run *r = new_run(&o);
    const cw_file_report *f = cw_cls_buffer(r, "line.txt", b, n);
    assert_false(f->skipped);
    assert_int_equal(f->bytes, n);
    assert_int_equal(f->records, 1);
    assert_int_equal(OCC(f, CW_CAT_EMAIL), emails);
    cw_cls_run_free(r);
    free(b);
}

static void test_gzip_bomb(void **state)
{
    (void)state;
    /* 256 MiB of one repeated line compresses ~1000:1 */
    size_t plain = 256u << 20;
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = 2u << 20, outn = 0;
    unsigned char *out = malloc(cap), line[4096];
    for (size_t i = 0; i < sizeof line; i++) line[i] = (i % 64 == 63) ? '\n' : 'a';
    for (size_t done = 0; done < plain; done += sizeof line) {
        z.next_in = line;
        z.avail_in = sizeof line;
        do {
            z.next_out = out + outn;
            z.avail_out = (uInt)(cap - outn);
            deflate(&z, done + sizeof line >= plain ? Z_FINISH : Z_NO_FLUSH);
            outn = cap - z.avail_out;
        } while (z.avail_in);
    }
    while (deflate(&z, Z_FINISH) != Z_STREAM_END) {
        z.next_out = out + outn;
        z.avail_out = (uInt)(cap - outn);
        outn = cap - z.avail_out;
    }
    outn = z.total_out;
    deflateEnd(&z);
    cw_cls_opts o;
    cw_cls_opts_default(&o);
    o.gz_ratio_after = 4u << 20;
    cw_cls_run *r = new_run(&o);
    const cw_file_report *f = cw_cls_buffer(r, "bomb.csv.gz", out, outn);
    assert_true(f->gzip);
    assert_true(f->truncated);
    assert_non_null(strstr(f->message, "decompression bomb"));
    assert_non_null(strstr(f->message, "gzip-max-ratio"));
    assert_true(f->bytes < (64u << 20));
    /* the absolute size limit */
    o.gz_max_ratio = 100000;
    o.gz_max_bytes = 8u << 20;
    cw_cls_run *r2 = new_run(&o);
    f = cw_cls_buffer(r2, "bomb2.gz", out, outn);
    assert_true(f->truncated);
    assert_non_null(strstr(f->message, "gzip-max-size"));
    assert_true(f->bytes <= (8u << 20));
    /* a corrupt stream is an error, not a crash */
    out[outn / 2] ^= 0x55;
    out[outn / 2 + 1] ^= 0x55;
    f = cw_cls_buffer(r2, "corrupt.gz", out, outn);
    assert_true(f->truncated || f->skipped);
    cw_cls_run_free(r);
    cw_cls_run_free(r2);
    free(out);
}

/* gzip of n bytes of text (one member) */
static unsigned char *gz_of(const char *text, size_t n, size_t *outn)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = n + 1024;
    unsigned char *out = malloc(cap);
    z.next_in = (unsigned char *)text;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *outn = z.total_out;
    deflateEnd(&z);
    return out;
}

/* Issue 9 item 3: every kind of damaged gzip is an error ("truncated", exit 2), never
 * "ok"; what inflated before the damage is still counted. */
static void test_gzip_damage(void **state)
{
    (void)state;
    size_t n = 0, cap = 400000;
    char *text = malloc(cap);
    n += (size_t)snprintf(text, cap, "name,email\n");
    for (int i = 0; n + 64 < cap; i++) n += (size_t)snprintf(text + n, cap - n, "Liam Smith,liam.%d@example.com.au\n", i);
    size_t gn;
    unsigned char *gz = gz_of(text, n, &gn);
    cw_cls_opts o;
    cw_cls_opts_default(&o);
    o.chunk = 1u << 20; /* the whole text fits one chunk: the error comes with a short read */
    cw_cls_run *r = new_run(&o);
    const cw_file_report *f = cw_cls_buffer(r, "ok.csv.gz", gz, gn);
    assert_false(f->truncated);
    assert_null(f->message);
    uint64_t all = OCC(f, CW_CAT_EMAIL);
    /* truncated at many points, including inside the 8-byte trailer */
    size_t cuts[] = {gn / 5, gn / 3, gn / 2, gn - 9, gn - 8, gn - 4, gn - 1};
    for (size_t k = 0; k < sizeof cuts / sizeof *cuts; k++) {
        f = cw_cls_buffer(r, "cut.csv.gz", gz, cuts[k]);
        assert_true(f->gzip);
        assert_true(f->truncated);
        assert_non_null(strstr(f->message, "truncated gzip"));
        assert_true(OCC(f, CW_CAT_EMAIL) <= all);
    }
    f = cw_cls_buffer(r, "cut.csv.gz", gz, gn / 2);
    assert_true(OCC(f, CW_CAT_EMAIL) > 0); /* the part read is counted */
    /* CRC-32 and length in the trailer */
    unsigned char *bad = malloc(gn);
    memcpy(bad, gz, gn);
    bad[gn - 6] ^= 0xFF;
    f = cw_cls_buffer(r, "crc.csv.gz", bad, gn);
    assert_true(f->truncated);
    assert_non_null(strstr(f->message, "CRC"));
    memcpy(bad, gz, gn);
    bad[gn - 2] ^= 0x01;
    f = cw_cls_buffer(r, "len.csv.gz", bad, gn);
    assert_true(f->truncated);
    assert_non_null(strstr(f->message, "length"));
    /* corrupt deflate data in the middle */
    memcpy(bad, gz, gn);
    for (size_t i = gn / 2; i < gn / 2 + 16; i++) bad[i] ^= 0xA5;
    f = cw_cls_buffer(r, "corrupt.csv.gz", bad, gn);
    assert_true(f->truncated || f->skipped);
    assert_non_null(strstr(f->message, "gzip"));
    /* two members read in turn; zero padding after the last one is ignored */
    unsigned char *two = malloc(2 * gn + 16);
    memcpy(two, gz, gn);
    memcpy(two + gn, gz, gn);
    memset(two + 2 * gn, 0, 16);
    f = cw_cls_buffer(r, "two.csv.gz", two, 2 * gn + 16);
    assert_false(f->truncated);
    assert_int_equal(OCC(f, CW_CAT_EMAIL), 2 * all);
    /* the second member truncated */
    f = cw_cls_buffer(r, "two-cut.csv.gz", two, gn + gn / 2);
    assert_true(f->truncated);
    /* the same through small chunks (the error arrives in the middle of the stream) */
    o.chunk = 4096;
    cw_cls_run *r2 = new_run(&o);
    f = cw_cls_buffer(r2, "cut-small.csv.gz", gz, gn / 2);
    assert_true(f->truncated);
    assert_true(OCC(f, CW_CAT_EMAIL) > 0);
    cw_cls_run_free(r);
    cw_cls_run_free(r2);
    free(two);
    free(bad);
    free(gz);
    free(text);
}

static void test_json_output(void **state)
{
    (void)state;
    const char *csv = "name,email\nAna Lima,ana@example.com\n";
    cw_cls_run *r = new_run(NULL);
    cw_cls_buffer(r, "a.csv", csv, strlen(csv));
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_int_equal(cw_cls_write_json(m, r, "arn:aws:s3:::dealer-exports", true), 0);
    fclose(m);
    assert_non_null(strstr(buf, "\"totals\": {"));
    assert_non_null(strstr(buf, "\"email_address\": {\"occurrences\": 1, \"distinct\": 1"));
    assert_non_null(strstr(buf, "\"files\": [\n    {\"path\": \"a.csv\""));
    assert_non_null(strstr(buf, "\"categories\": {"));
    assert_non_null(strstr(buf, "a***@e***.com"));
    assert_null(strstr(buf, "ana@example.com"));
    free(buf);
    m = open_memstream(&buf, &len);
    assert_int_equal(cw_cls_write_profile(m, r, "arn:aws:s3:::dealer-exports"), 0);
    fclose(m);
    assert_non_null(strstr(buf, "\"schema\": \"cloudwarden.classify.profile/v1\""));
    assert_non_null(strstr(buf, "\"sensitivity\": \"high\""));
    free(buf);
    cw_cls_run_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shapes_match_regexes),
        cmocka_unit_test(test_vin),
        cmocka_unit_test(test_cards),
        cmocka_unit_test(test_email),
        cmocka_unit_test(test_phone),
        cmocka_unit_test(test_plates),
        cmocka_unit_test(test_natid),
        cmocka_unit_test(test_dates_names_addresses),
        cmocka_unit_test(test_context),
        cmocka_unit_test(test_distinct),
        cmocka_unit_test(test_vhash_lower),
        cmocka_unit_test(test_runs_csv_map),
        cmocka_unit_test(test_address_equivalence),
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_ragged_csv),
        cmocka_unit_test(test_ndjson_paths),
        cmocka_unit_test(test_json_document),
        cmocka_unit_test(test_sql),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_binary_and_utf8),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_gzip_bomb),
        cmocka_unit_test(test_gzip_damage),
        cmocka_unit_test(test_cloud_config_json),
        cmocka_unit_test(test_json_output),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
