/* test_compat.c - keys and headers written in Unicode compatibility forms (issue 11
 * item 1): full-width Latin letters and punctuation (ＤＯＢ, Ｅ－ｍａｉｌ, ＴＥＬ, the
 * full-width colon '：'), as Japanese input methods write them, and half-width katakana
 * (ﾅﾝﾊﾞｰ, ﾌﾘｶﾞﾅ), as older Japanese systems (JIS X 0201) export them. They are the same
 * terms after NFKC normalisation and case folding: in CSV headers, JSON keys, and the
 * keys of key：value / key: value / key=value pairs in free text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "classify/classify.h"
#include "classify/context.h"

#include "cls_fixture.h"

#define OCC(f, c) ((f)->cats[c].occurrences)

static const cw_file_report *run(cw_cls_run **r, const char *name, const char *text)
{
    cw_cls_opts o;
    cw_cls_opts_default(&o);
    *r = cw_cls_run_new(g_cls, &o);
    assert_non_null(*r);
    const cw_file_report *f = cw_cls_buffer(*r, name, text, strlen(text));
    assert_false(f->skipped);
    return f;
}

static cw_ctx ctx(const char *name) { return cw_ctx_of_name(name, strlen(name), NULL, 0); }

static void test_names(void **state)
{
    (void)state;
    assert_int_equal(ctx("ＤＯＢ"), CW_CTX_CAT(CW_CAT_DOB));
    assert_int_equal(ctx("ｄｏｂ"), CW_CTX_CAT(CW_CAT_DOB));
    assert_int_equal(ctx("Ｅ－ｍａｉｌ"), CW_CTX_CAT(CW_CAT_EMAIL));
    assert_int_equal(ctx("ＴＥＬ"), CW_CTX_CAT(CW_CAT_PHONE));
    assert_int_equal(ctx("ﾅﾝﾊﾞｰ"), CW_CTX_CAT(CW_CAT_PLATE));
    assert_int_equal(ctx("ﾒｰﾙｱﾄﾞﾚｽ"), CW_CTX_CAT(CW_CAT_EMAIL));
    assert_int_equal(ctx("ｹｲﾀｲ"), CW_CTX_OTHER); /* 携帯 in kana is not the term 携帯 */
    assert_true(ctx("ﾌﾘｶﾞﾅ") & CW_CTX_CAT(CW_CAT_PERSON_NAME));
    assert_true(ctx("ＶＩＮ") & CW_CTX_CAT(CW_CAT_VIN));
    assert_true(ctx("ｍｙ＿ｎｕｍｂｅｒ") & CW_CTX_CAT(CW_CAT_NATIONAL_ID));
}

static void test_csv_header(void **state)
{
    (void)state;
    cw_cls_run *r;
    const cw_file_report *f = run(&r, "export.csv",
                                  "ＤＯＢ,Ｅ－ｍａｉｌ,ﾅﾝﾊﾞｰ,ＴＥＬ,ﾌﾘｶﾞﾅ\n"
                                  "1985-03-12,taro@example.co.jp,品川 300 あ 12-34,03-1234-5678,ﾔﾏﾀﾞ ﾀﾛｳ\n"
                                  "1990-11-02,hanako@example.co.jp,なにわ 310 せ ・659,06-6123-4567,ｽｽﾞｷ ﾊﾅｺ\n");
    assert_int_equal(OCC(f, CW_CAT_DOB), 2);
    assert_int_equal(OCC(f, CW_CAT_EMAIL), 2);
    assert_int_equal(OCC(f, CW_CAT_PLATE), 2);
    assert_int_equal(OCC(f, CW_CAT_PHONE), 2); /* national format: only a phone column says so */
    assert_int_equal(OCC(f, CW_CAT_PERSON_NAME), 2);
    cw_cls_run_free(r);
}

static void test_json_keys(void **state)
{
    (void)state;
    cw_cls_run *r;
    const cw_file_report *f = run(&r, "events.ndjson",
                                  "{\"顧客\": {\"ＤＯＢ\": \"1985-03-12\", \"ＴＥＬ\": \"03-1234-5678\", \"ﾅﾝﾊﾞｰ\": \"品川 300 あ 12-34\"}}\n"
                                  "{\"顧客\": {\"ｄｏｂ\": \"1990-11-02\", \"ﾒｰﾙｱﾄﾞﾚｽ\": \"hanako@example.co.jp\"}}\n");
    assert_int_equal(OCC(f, CW_CAT_DOB), 2);
    assert_int_equal(OCC(f, CW_CAT_PHONE), 1);
    assert_int_equal(OCC(f, CW_CAT_PLATE), 1);
    assert_int_equal(OCC(f, CW_CAT_EMAIL), 1);
    cw_cls_run_free(r);
}

/* key：value, key: value, key=value in free text, the key in compatibility forms */
static void test_text_keys(void **state)
{
    (void)state;
    cw_cls_run *r;
    const cw_file_report *f = run(&r, "notes.txt",
                                  "ＤＯＢ：1985-03-12\n"                       /* full-width key and colon */
                                  "ＤＯＢ: 1990-11-02 ＴＥＬ＝03-1234-5678\n"   /* ASCII colon; full-width '=' */
                                  "ｄｏｂ ： 1971-01-30\n"                     /* blanks around the colon */
                                  "ﾅﾝﾊﾞｰ：品川 300 あ 12-34\n"                 /* half-width katakana */
                                  "ﾅﾝﾊﾞｰ=なにわ 310 せ ・659\n"
                                  "ＴＥＬ　：　06-6123-4567\n"                 /* ideographic spaces */
                                  "ﾌﾘｶﾞﾅ：ﾔﾏﾀﾞ ﾀﾛｳ\n"
                                  "ＭＥＭＯ：03-1234-5678 ＲＥＦ：1966-05-05\n" /* keys that say nothing */
                                  "ＯＲＤＥＲ：4539 1488 0343 6467\n"          /* an identifier: not a card */
                                  "4539 1488 0343 6467\n");                    /* without it: a card */
    assert_int_equal(OCC(f, CW_CAT_DOB), 3);
    assert_int_equal(OCC(f, CW_CAT_PLATE), 2);
    assert_int_equal(OCC(f, CW_CAT_PHONE), 2);
    assert_int_equal(OCC(f, CW_CAT_PERSON_NAME), 1);
    assert_int_equal(OCC(f, CW_CAT_CARD), 1);
    cw_cls_run_free(r);
}

/* the same pairs written in ASCII give the same counts (one term after NFKC) */
static void test_same_as_ascii(void **state)
{
    (void)state;
    cw_cls_run *r1, *r2;
    const cw_file_report *a = run(&r1, "a.txt", "ＤＯＢ：1985-03-12 Ｅ－ｍａｉｌ：taro@example.co.jp ＴＥＬ：03-1234-5678\n");
    const cw_file_report *b = run(&r2, "b.txt", "DOB: 1985-03-12 E-mail: taro@example.co.jp TEL: 03-1234-5678\n");
    for (int c = 0; c < CW_CAT__COUNT; c++) assert_int_equal(OCC(a, c), OCC(b, c));
    assert_int_equal(OCC(a, CW_CAT_DOB), 1);
    assert_int_equal(OCC(a, CW_CAT_PHONE), 1);
    cw_cls_run_free(r1);
    cw_cls_run_free(r2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),      cmocka_unit_test(test_csv_header),    cmocka_unit_test(test_json_keys),
        cmocka_unit_test(test_text_keys), cmocka_unit_test(test_same_as_ascii),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
