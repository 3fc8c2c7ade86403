/* test_formats.c - the country formats of issue 11, each with examples from its
 * published specification or official material (cited beside each case):
 * vocabularies (NFKC, local languages), dates (Buddhist and Japanese eras, local
 * month names), plates, phones, names with titles and honorifics, VINs outside North
 * America, and the false positives the issue lists. */
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
#include "classify/natid.h"
#include "classify/patterns.h"
#include "classify/phone.h"
#include "classify/plates.h"
#include "classify/validate.h"
#include "classify/vocab.h"

#include "cls_fixture.h"

#define OCC(f, c) ((f)->cats[c].occurrences)

static void date_is(const char *s, int y, int m, int d)
{
    int yy = 0, mm = 0, dd = 0;
    if (!cw_date_parse(s, strlen(s), &yy, &mm, &dd)) fail_msg("date not read: %s", s);
    if (yy != y || mm != m || dd != d) fail_msg("%s: read %04d-%02d-%02d, want %04d-%02d-%02d", s, yy, mm, dd, y, m, d);
}

static void not_date(const char *s)
{
    if (cw_date_parse(s, strlen(s), NULL, NULL, NULL)) fail_msg("read as a date: %s", s);
}

static void test_vocab_loads(void **state)
{
    (void)state;
    const cw_vocab *v = cw_vocab_get();
    assert_int_equal(cw_vocab_bad_lines(v), 0);
    assert_true(cw_vocab_nterms(v) > 500);
    char out[64];
    /* NFKC + case folding: full-width letters, half-width katakana */
    assert_int_equal(cw_nfkc_fold("\xEF\xBC\xB4\xEF\xBC\xA5\xEF\xBC\xAC", 9, out, sizeof out), 3); /* ＴＥＬ */
    assert_string_equal(out, "tel");
    size_t l = cw_nfkc_fold("\xEF\xBE\x85\xEF\xBE\x9D\xEF\xBE\x8A\xEF\xBE\x9E\xEF\xBD\xB0", 15, out, sizeof out); /* ﾅﾝﾊﾞｰ */
    assert_true(l > 0);
    assert_string_equal(out, "ナンバー");
}

static cw_ctx ctx(const char *name) { return cw_ctx_of_name(name, strlen(name), NULL, 0); }
#define HAS(name, cat) assert_true((ctx(name) & CW_CTX_CAT(cat)) != 0)

static void test_local_headers(void **state)
{
    (void)state;
    /* Japanese */
    HAS("氏名", CW_CAT_PERSON_NAME);
    HAS("お客様名", CW_CAT_PERSON_NAME);
    HAS("住所", CW_CAT_POSTAL_ADDRESS);
    HAS("電話番号", CW_CAT_PHONE);
    HAS("生年月日", CW_CAT_DOB);
    HAS("車台番号", CW_CAT_VIN);
    HAS("登録番号", CW_CAT_PLATE);
    HAS("ナンバー", CW_CAT_PLATE);
    HAS("ﾅﾝﾊﾞｰ", CW_CAT_PLATE); /* half-width katakana, NFKC */
    HAS("ＴＥＬ", CW_CAT_PHONE);   /* full-width letters */
    assert_int_equal(ctx("会社名") & CW_CTX_CAT(CW_CAT_PERSON_NAME), 0);
    assert_int_equal(ctx("顧客番号"), CW_CTX_IDENT);
    /* Thai */
    HAS("ชื่อ", CW_CAT_PERSON_NAME);
    HAS("ชื่อลูกค้า", CW_CAT_PERSON_NAME);
    HAS("ลูกค้า", CW_CAT_PERSON_NAME);
    HAS("ที่อยู่", CW_CAT_POSTAL_ADDRESS);
    HAS("เบอร์โทร", CW_CAT_PHONE);
    HAS("วันเกิด", CW_CAT_DOB);
    HAS("ทะเบียน", CW_CAT_PLATE);
    HAS("เลขตัวถัง", CW_CAT_VIN);
    assert_int_equal(ctx("ชื่อบริษัท"), CW_CTX_BIZ);
    /* a leading vowel belongs to the next consonant: no "ชื่อ" (name) in "สินเชื่อ" (credit) */
    assert_int_equal(ctx("สินเชื่อ") & CW_CTX_CAT(CW_CAT_PERSON_NAME), 0);
    assert_int_equal(ctx("ใบสมัครสินเชื่อ") & CW_CTX_CAT(CW_CAT_PERSON_NAME), 0);
    /* Indonesian / Malay: "no_" is "number of", not an identifier column */
    HAS("nama", CW_CAT_PERSON_NAME);
    HAS("nama_pelanggan", CW_CAT_PERSON_NAME);
    HAS("alamat", CW_CAT_POSTAL_ADDRESS);
    HAS("tanggal_lahir", CW_CAT_DOB);
    HAS("TglLahir", CW_CAT_DOB);
    HAS("no_polisi", CW_CAT_PLATE);
    HAS("nopol", CW_CAT_PLATE);
    HAS("no_rangka", CW_CAT_VIN);
    HAS("no_kartu_kredit", CW_CAT_CARD);
    HAS("no_hp", CW_CAT_PHONE);
    HAS("No. HP", CW_CAT_PHONE);
    HAS("no_ktp", CW_CAT_NATIONAL_ID);
    HAS("tarikh_lahir", CW_CAT_DOB);
    assert_int_equal(ctx("no_mesin"), CW_CTX_IDENT); /* engine number */
    assert_int_equal(ctx("nama_dealer"), CW_CTX_BIZ);
    /* Filipino */
    HAS("pangalan", CW_CAT_PERSON_NAME);
    HAS("tirahan", CW_CAT_POSTAL_ADDRESS);
    HAS("kaarawan", CW_CAT_DOB);
    /* English stays */
    HAS("Date of Birth", CW_CAT_DOB);
    HAS("dateOfBirth", CW_CAT_DOB);
    HAS("first_name", CW_CAT_PERSON_NAME);
    assert_int_equal(ctx("customer_id"), CW_CTX_IDENT);
    assert_int_equal(ctx("order_no"), CW_CTX_IDENT);
    assert_int_equal(ctx("card_expiry") & CW_CTX_CAT(CW_CAT_CARD), 0);
    assert_int_equal(ctx("ip_address") & CW_CTX_CAT(CW_CAT_POSTAL_ADDRESS), 0);
    /* whose national-ID scheme a name says (country coherence) */
    assert_int_equal(CW_CTX_CC_OF(ctx("TFN")), CW_CC_AU);
    assert_int_equal(CW_CTX_CC_OF(ctx("tax_file_number")), CW_CC_AU);
    assert_int_equal(CW_CTX_CC_OF(ctx("IRD number")), CW_CC_NZ);
    assert_int_equal(CW_CTX_CC_OF(ctx("マイナンバー")), CW_CC_JP);
    assert_int_equal(CW_CTX_CC_OF(ctx("เลขบัตรประชาชน")), CW_CC_TH);
    assert_int_equal(CW_CTX_CC_OF(ctx("no_ktp")), CW_CC_ID);
    assert_int_equal(CW_CTX_CC_OF(ctx("no_kp")), CW_CC_MY);
    assert_int_equal(CW_CTX_CC_OF(ctx("NRIC")), CW_CC_SG);
    assert_int_equal(CW_CTX_CC_OF(ctx("aadhaar_no")), CW_CC_IN);
    assert_int_equal(CW_CTX_CC_OF(ctx("sss_no")), CW_CC_PH);
    assert_int_equal(CW_CTX_CC_OF(ctx("national_id")), CW_CC_NONE); /* says no country */
    assert_int_equal(CW_CTX_CC_OF(ctx("ic_no")), CW_CC_NONE);       /* Malaysia and Singapore */
    HAS("national_id", CW_CAT_NATIONAL_ID);
}

static void test_dates(void **state)
{
    (void)state;
    date_is("1985-03-12", 1985, 3, 12);
    date_is("12/03/1985", 1985, 3, 12);
    /* Thai Buddhist era: BE = CE + 543 (the examples) */
    date_is("20/06/2528", 1985, 6, 20);
    date_is("12 มี.ค. 2528", 1985, 3, 12);
    date_is("12 มีนาคม พ.ศ. 2528", 1985, 3, 12);
    date_is("๑๒/๐๓/๒๕๒๘", 1985, 3, 12); /* Thai digits */
    date_is("2528-03-12", 1985, 3, 12);
    not_date("12/03/2600");
    /* Japanese eras (昭和 from 1926, 平成 from 1989-01-08, 令和 from 2019-05-01) */
    date_is("昭和60年3月12日", 1985, 3, 12);
    date_is("平成元年1月8日", 1989, 1, 8);
    date_is("令和2年5月1日", 2020, 5, 1);
    date_is("S60.3.12", 1985, 3, 12);
    date_is("H1/01/08", 1989, 1, 8);
    date_is("1985年3月12日", 1985, 3, 12);
    not_date("昭和65年1月1日"); /* Shōwa ended in its 64th year */
    /* Indonesian, Malay, Filipino months */
    date_is("12 Mei 1985", 1985, 5, 12);
    date_is("17 Agustus 1985", 1985, 8, 17);
    date_is("5 Oktober 1990", 1990, 10, 5);
    date_is("25 Desember 1979", 1979, 12, 25);
    date_is("3 Ogos 1988", 1988, 8, 3);
    date_is("Marso 12, 1985", 1985, 3, 12);
    date_is("March 12th, 1985", 1985, 3, 12);
    date_is("29/02/1988", 1988, 2, 29);
    not_date("29/02/1989");
    not_date("31/04/1985");
    not_date("12 Foo 1985");
}

#define PL(s) plate(s, strlen(s))
static uint16_t plate(const char *s, size_t n)
{
    cw_cc cc;
    uint16_t m = 0;
    char norm[40];
    size_t nl;
    if (!cw_plate_parse(s, n, &cc, &m, norm, &nl)) return 0;
    return m;
}
#define B(c) ((uint16_t)(1u << (c)))

static void test_plates(void **state)
{
    (void)state;
    /* Australia: the current standard series (examples as the registries print them) */
    assert_int_equal(PL("CT·00·ZV"), B(CW_CC_AU));  /* NSW aa·nn·aa */
    assert_int_equal(PL("DKY 00A"), B(CW_CC_AU));   /* NSW slimline aaa·nna */
    assert_int_equal(PL("1AB 2CD"), B(CW_CC_AU));   /* VIC naa·naa */
    assert_int_equal(PL("000 YFA"), B(CW_CC_AU));   /* QLD nnn·aaa */
    assert_int_equal(PL("123AB4"), B(CW_CC_AU));    /* QLD nnn·aan (the example) */
    assert_int_equal(PL("1ABC 234"), B(CW_CC_AU));  /* WA naaa·nnn */
    assert_int_equal(PL("S000 BWE"), B(CW_CC_AU));  /* SA Snnn·aaa */
    assert_int_equal(PL("H 00 QS"), B(CW_CC_AU));   /* TAS a nn aa */
    assert_int_equal(PL("YNH·00A"), B(CW_CC_AU));   /* ACT Yaa·nna */
    assert_int_equal(PL("CD·15·AA"), B(CW_CC_AU));  /* NT Ca·nn·aa */
    assert_true(PL("ABC-123") & B(CW_CC_AU));       /* the old aaa·nnn ... */
    assert_true(PL("ABC-123") & B(CW_CC_NZ));       /* ... is also New Zealand's: the record decides */
    /* New Zealand */
    assert_true(PL("AB1234") & B(CW_CC_NZ));
    assert_true(PL("KMB123") & B(CW_CC_NZ));
    /* Japan */
    assert_int_equal(PL("品川 300 さ 12-34"), B(CW_CC_JP));
    assert_int_equal(PL("なにわ 310 せ ・659"), B(CW_CC_JP));
    assert_int_equal(PL("横浜 33A あ ・・12"), B(CW_CC_JP));
    assert_int_equal(PL("多摩 500 わ 1234"), B(CW_CC_JP));
    assert_int_equal(PL("品川 300 さ 12-345"), 0);
    assert_int_equal(PL("品川 さ 12-34"), 0);
    /* Thailand: with and without the province, with a dash */
    assert_int_equal(PL("1กข 1234 กรุงเทพมหานคร"), B(CW_CC_TH));
    assert_int_equal(PL("วพ-5652 กรุงเทพมหานคร"), B(CW_CC_TH));
    assert_int_equal(PL("กข 1234 เชียงใหม่"), B(CW_CC_TH));
    assert_int_equal(PL("กข 1234"), B(CW_CC_TH));
    assert_int_equal(PL("กข 1234 ลอนดอน"), 0); /* not a province */
    /* Indonesia: region prefixes, spaces optional */
    assert_int_equal(PL("B 1234 ABC"), B(CW_CC_ID));
    assert_int_equal(PL("L4124CCU"), B(CW_CC_ID));  /* the example */
    assert_int_equal(PL("AB 1234 CD"), B(CW_CC_ID));
    assert_int_equal(PL("XX 1234 CD"), 0);          /* XX is no region */
    assert_true(PL("B 1234 A") & B(CW_CC_ID));
    assert_true(PL("B 1234 A") & B(CW_CC_MY));      /* ambiguous: the record decides */
    /* Philippines */
    assert_true(PL("NAA 1234") & B(CW_CC_PH));
    /* Singapore: the check letter (LTA: weights 9 4 5 4 3 2, mod 19) */
    assert_true(PL("SEV8917C") & B(CW_CC_SG));
    assert_false(PL("SEV8917D") & B(CW_CC_SG));
    assert_int_equal(cw_sg_plate_letter("SBA1234", 7), 'G');
    /* Malaysia */
    assert_true(PL("WXY 1234") & B(CW_CC_MY));
    assert_int_equal(PL("WA 1234 A"), B(CW_CC_MY));
    /* India */
    assert_int_equal(PL("MH 12 AB 1234"), B(CW_CC_IN));
    assert_int_equal(PL("DL 3C AB 1234"), B(CW_CC_IN)); /* Delhi: a class letter after the district */
    assert_int_equal(PL("MH 123 AB 1234") & B(CW_CC_IN), 0);
    assert_int_equal(PL("22 BH 1234 AA"), B(CW_CC_IN));
    /* not plates */
    assert_int_equal(PL("hello"), 0);
    assert_int_equal(PL("1234567890123"), 0);
    assert_int_equal(PL("12345"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vocab_loads),
        cmocka_unit_test(test_local_headers),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_plates),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
