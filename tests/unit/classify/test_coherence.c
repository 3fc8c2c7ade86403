/* test_coherence.c - country coherence (docs/classify.md): a national-ID reading that
 * the record's other values contradict is not counted unless a column, key or keyword
 * names that country's scheme; the same values in a coherent record still are. The
 * values are the false positives: a Thai provincial landline written
 * `038 500 080` (Chonburi's 038 area, Thailand's NBTC plan) is a valid Australian TFN
 * (ATO weights 1,4,3,7,5,8,6,9,10, sum 0 mod 11); an Indonesian mobile `0852 0499 9622`
 * (Telkomsel's 0852 prefix) is a valid Japanese My Number (check digit of the Cabinet
 * Office's ordinance). Singapore's S1234567D is ICA's documented NRIC example (a key before it: NRICs in
 * sentences are not found yet). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "classify/classify.h"
#include "classify/natid.h"

#include "cls_fixture.h"

/* The spans report of text classified as file `name` (threads: 1, chunk: 4 KiB when
 * small_chunks, so that records cross chunk ends). */
static char *spans_of(const char *name, const char *text, bool small_chunks)
{
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    assert_non_null(f);
    cw_cls_opts o;
    cw_cls_opts_default(&o);
    o.spans = f;
    if (small_chunks) o.chunk = 4096;
    cw_cls_run *r = cw_cls_run_new(g_cls, &o);
    assert_non_null(r);
    const cw_file_report *rep = cw_cls_buffer(r, name, text, strlen(text));
    assert_false(rep->skipped);
    cw_cls_run_free(r);
    fclose(f);
    return out;
}

/* Lines of spans reporting category cat with country cc ("" none, NULL any). */
static int count(const char *spans, const char *cat, const char *cc)
{
    int k = 0;
    for (const char *l = spans; *l;) {
        const char *e = strchr(l, '\n');
        size_t ln = e ? (size_t)(e - l) : strlen(l);
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)ln, l);
        char *f[5] = {0};
        char *p = line;
        for (int i = 0; i < 5 && p; i++) {
            f[i] = p;
            p = strchr(p, '\t');
            if (p) *p++ = 0;
        }
        if (f[3] && strcmp(f[3], cat) == 0 && (!cc || (f[4] && strcmp(f[4], cc) == 0))) k++;
        l += ln + (e ? 1 : 0);
    }
    return k;
}

#define EXPECT(sp, cat, cc, n)                                                                           \
    do {                                                                                                 \
        int got_ = count(sp, cat, cc);                                                                   \
        if (got_ != (n)) fail_msg("%s %s: %d, want %d in\n%s", cat, cc ? cc : "*", got_, (int)(n), sp); \
    } while (0)

static void test_values_are_ids(void **state)
{
    (void)state;
    /* the premise: each value really has the contradicted reading */
    assert_int_equal(cw_natid_check("038 500 080", 11, false), CW_CC_AU);
    assert_int_equal(cw_natid_check("0852 0499 9622", 14, false), CW_CC_JP);
    assert_int_equal(cw_natid_check("S1234567D", 9, false), CW_CC_SG);
    assert_int_equal(cw_natid_readings("038500080", 9, true), 1u << CW_CC_AU);
}

/* free text: one record per line; the record's country from +CC phones and ccTLDs */
static void test_text_records(void **state)
{
    (void)state;
    const char *t =
        /* contradicted: not IDs */
        "Somchai Jaidee +66 81 234 5678 somchai@example.co.th 038 500 080\n"
        "Budi Santoso, +62 812 3456 7890, budi@example.co.id, kantor 0852 0499 9622\n"
        "Ali bin Ahmad +60 12-345 6789 ic no: S1234567D\n"
        /* the country comes after the ID: still contradicted */
        "038 500 080 then +66 81 234 5678\n"
        /* coherent: IDs */
        "John Smith +61 412 345 678 john.smith@example.com.au 038 500 080\n"
        "Sato Taro, +81 90-1234-5678, sato@example.co.jp, 0852 0499 9622\n"
        "Tan Wei Ming +65 9123 4567 ic no: S1234567D\n"
        /* nothing says a country: the reading stands, as without coherence */
        "filed 038 500 080\n"
        /* a customer of two countries: the reading of one of them stands */
        "Somchai +66 81 234 5678, in Sydney +61 412 345 678, filed 038 500 080\n";
    char *sp = spans_of("notes.txt", t, false);
    EXPECT(sp, "national_id", "AU", 3);
    EXPECT(sp, "national_id", "JP", 1);
    EXPECT(sp, "national_id", "SG", 1);
    EXPECT(sp, "national_id", NULL, 5);
    free(sp);
}

/* a keyword naming one country's scheme is the stronger evidence: it overrides the
 * record, and a value without a reading of that country is not an ID */
static void test_scheme_keywords(void **state)
{
    (void)state;
    const char *t = "Somchai +66 81 234 5678 TFN 038 500 080\n"      /* AU, though the record is Thai */
                    "Budi +62 812 3456 7890 My Number 0852 0499 9622\n" /* JP, though Indonesian */
                    "Ali +60 12-345 6789 NRIC: S1234567D\n"             /* SG, though Malaysian */
                    "Sato +81 90-1234-5678 TFN 0852 0499 9622\n"       /* a My Number is not a TFN */
                    "Smith +61 412 345 678 NIK 038 500 080\n";         /* nor a TFN a NIK */
    char *sp = spans_of("notes.txt", t, false);
    EXPECT(sp, "national_id", "AU", 1);
    EXPECT(sp, "national_id", "JP", 1);
    EXPECT(sp, "national_id", "SG", 1);
    EXPECT(sp, "national_id", NULL, 3);
    free(sp);
}

/* CSV: the record is the row, the evidence any column (before or after the ID) */
static void test_csv_rows(void **state)
{
    (void)state;
    const char *t = "name,other,phone,national_id,tfn,email\n"
                    "Somchai Jaidee,038 500 080,+66 81 234 5678,038500080,,somchai@example.co.th\n"
                    "Budi Santoso,0852 0499 9622,+62 812 3456 7890,085204999622,,\n"
                    "John Smith,038 500 080,+61 412 345 678,038500080,,\n"
                    "Sato Taro,0852 0499 9622,+81 90-1234-5678,085204999622,,\n"
                    "Somchai Jaidee,,+66 81 234 5678,,038500080,\n"; /* a TFN column: AU */
    char *sp = spans_of("customers.csv", t, false);
    EXPECT(sp, "national_id", "AU", 3); /* row 3 twice, row 5 */
    EXPECT(sp, "national_id", "JP", 2); /* row 4 twice */
    EXPECT(sp, "national_id", NULL, 5);
    EXPECT(sp, "phone_number", NULL, 5);
    free(sp);
}

/* NDJSON (a record per line) and SQL (a record per tuple of one INSERT line) */
static void test_json_sql_records(void **state)
{
    (void)state;
    const char *j = "{\"customer\": {\"phone\": \"+62 812 3456 7890\", \"note\": \"0852 0499 9622\"}}\n"
                    "{\"customer\": {\"phone\": \"+81 90-1234-5678\", \"note\": \"0852 0499 9622\"}}\n"
                    "{\"customer\": {\"note\": \"0852 0499 9622\", \"plate\": \"品川 300 あ 12-34\"}}\n";
    char *sp = spans_of("events.ndjson", j, false);
    EXPECT(sp, "national_id", "JP", 2); /* lines 2 and 3 (the plate is Japanese) */
    EXPECT(sp, "national_id", NULL, 2);
    free(sp);
    const char *q = "INSERT INTO `pelanggan` VALUES ('Budi','+62 812 3456 7890','0852 0499 9622'),"
                    "('Sato','+81 90-1234-5678','0852 0499 9622'),('Ana','','0852 0499 9622');\n";
    sp = spans_of("dump.sql", q, false);
    EXPECT(sp, "national_id", "JP", 2);
    EXPECT(sp, "national_id", NULL, 2);
    free(sp);
}

/* the decision is made within the record's chunk: the same on any chunking of the
 * file where records do not cross chunks, and a record cut by a chunk end is two */
static void test_chunks(void **state)
{
    (void)state;
    char *t = malloc(1 << 20);
    size_t n = 0;
    for (int i = 0; i < 400; i++)
        n += (size_t)sprintf(t + n, "%s\n",
                             i % 2 ? "Somchai +66 81 234 5678 somchai@example.co.th 038 500 080"
                                   : "John Smith +61 412 345 678 john.smith@example.com.au 038 500 080");
    char *a = spans_of("notes.txt", t, false), *b = spans_of("notes.txt", t, true);
    EXPECT(a, "national_id", "AU", 200);
    EXPECT(a, "national_id", NULL, 200);
    assert_string_equal(a, b);
    free(a);
    free(b);
    free(t);
}

/* found by the loan-application fixtures: "ชื่อ" (name) inside "สินเชื่อ" (credit) made
 * "บ้าน" (home) a person's name */
static void test_thai_syllables(void **state)
{
    (void)state;
    char *sp = spans_of("notes.txt", "ใบสมัครสินเชื่อ: บ้าน 074 412 509; mobile +66 81 234 5678\n"
                                      "สินเชื่อ บ้าน\n"
                                      "ชื่อ: สมชาย ใจดี\n", false);
    EXPECT(sp, "person_name", NULL, 1); /* the last line's */
    EXPECT(sp, "national_id", NULL, 0);
    free(sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_are_ids),  cmocka_unit_test(test_text_records),
        cmocka_unit_test(test_scheme_keywords), cmocka_unit_test(test_csv_rows),
        cmocka_unit_test(test_json_sql_records), cmocka_unit_test(test_chunks),
        cmocka_unit_test(test_thai_syllables),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
