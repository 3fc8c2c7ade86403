/* test_rules_lang.c - loading rule packs: syntax, names, types, positions. */
#include "test_util.h"

static void test_valid_pack_loads(void **st)
{
    const char *t = "- list: ports\n  items: [22, 3389]\n"
                    "- macro: tagged\n  condition: tags[\"env\"] = \"prod\"\n"
                    RULE_HEAD("r1", "AWS::EC2::SecurityGroup")
                    "  condition: >\n    any p in configuration.ipPermissions: net.port_overlaps(p, ports) and tagged\n"
                    "  description: d\n  remediation: r\n  references: [https://x]\n  compliance: [CIS-1]\n"
                    RULE_HEAD("r2", "[AWS::S3::Bucket, AWS::S3::Bucket]")
                    "  condition: s3.public.read\n  enabled: false\n";
    cw_diags d;
    cw_ruleset *rs = load1(t, &d);
    if (!rs) dump_diags(&d);
    assert_non_null(rs);
    assert_int_equal(cw_rules_total(rs), 2);
    assert_int_equal(cw_rules_count(rs), 1);
    const cw_rule_meta *m = cw_rules_find(rs, "r1");
    assert_non_null(m);
    assert_string_equal(m->pack, "t.yaml");
    assert_int_equal(m->line, 5);
    assert_int_equal(m->severity, CW_SEV_HIGH);
    assert_int_equal(m->nreferences, 1);
    const cw_rule_meta *m2 = cw_rules_find(rs, "r2");
    assert_int_equal(m2->nresource_types, 1); /* duplicates removed */
    assert_null(cw_rules_find(rs, "nope"));
    cw_rules_free(rs);
    cw_diags_free(&d);
}

static void test_unknown_name_position_plain(void **st)
{
    const char *t = RULE_HEAD("r1", "AWS::S3::Bucket") "  condition: configuration.x = 1 and confguration.y = 2\n";
    cw_diags d;
    assert_null(load1(t, &d));
    expect_error_at(&d, t, "unknown name 'confguration'", "confguration", 0);
    assert_non_null(strstr(d.v[0].msg, "did you mean 'configuration'"));
    assert_int_equal(d.errors, 1);
    cw_diags_free(&d);
}

static void test_positions_block_literal_and_folded(void **st)
{
    const char *t = RULE_HEAD("r1", "AWS::S3::Bucket")
        "  condition: |\n"
        "    configuration.a = 1 and\n"
        "      (configuration.b = 2 or nosuch.c)\n"
        RULE_HEAD("r2", "AWS::S3::Bucket")
        "  condition: >-\n"
        "    configuration.a = 1\n"
        "    and\n"
        "       badname2\n";
    cw_diags d;
    assert_null(load1(t, &d));
    assert_int_equal(d.errors, 2);
    expect_error_at(&d, t, "unknown name 'nosuch'", "nosuch", 0);
    expect_error_at(&d, t, "unknown name 'badname2'", "badname2", 0);
    cw_diags_free(&d);
}

static void test_positions_quoted(void **st)
{
    const char *t = RULE_HEAD("r1", "AWS::S3::Bucket")
        "  condition: \"configuration.a = \\\"x\\\" and nope1\"\n"
        RULE_HEAD("r2", "AWS::S3::Bucket")
        "  condition: 'configuration.a = ''x'' and nope2'\n";
    cw_diags d;
    assert_null(load1(t, &d));
    expect_error_at(&d, t, "unknown name 'nope1'", "nope1", 0);
    expect_error_at(&d, t, "unknown name 'nope2'", "nope2", 0);
    cw_diags_free(&d);
}

static void test_syntax_errors(void **st)
{
    static const struct { const char *cond, *msg, *at; } cases[] = {
        {"configuration.a = = 1", "expected a value", "= 1"},
        {"configuration.a = 1 configuration.b", "expected 'and', 'or'", "configuration.b"},
        {"configuration.a && configuration.b", "write 'and'", "&&"},
        {"(configuration.a = 1", "expected ')'", "\n"},
        {"configuration.a = 'abc", "unterminated string", "'abc"},
        {"configuration.a < 1 < 2", "do not chain", "< 2"},
        {"configuration.a = 2024-13-01", "not a valid date", "2024-13-01"},
        {"configuration.a matches configuration.b", "string literal holding a regular expression", "configuration.b"},
        {"any in configuration.a: true", "expected a variable name", "in configuration"},
        {"configuration[\"a\" = 1", "expected ']'", "= 1"},
        {"configuration.a = 12abc", "malformed number", "12abc"},
        {"configuration.a in [1, configuration.b]", "a literal in a list literal", "configuration.b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char t[1024];
        snprintf(t, sizeof t, RULE_HEAD("r", "AWS::S3::Bucket") "  condition: |\n    %s\n", cases[i].cond);
        cw_diags d;
        cw_ruleset *rs = load1(t, &d);
        assert_null(rs);
        assert_int_equal(d.errors, 1);
        const char *cond = strstr(t, "    ") + 4;
        uint32_t line, col;
        const char *at = strstr(cond, cases[i].at);
        assert_non_null(at);
        cw_offset_to_linecol(t, strlen(t), (size_t)(at - t), &line, &col);
        if (!strstr(d.v[0].msg, cases[i].msg) || d.v[0].line != line || d.v[0].col != col) {
            fprintf(stderr, "case %zu: %s (want %u:%u)\n", i, cases[i].cond, line, col);
            dump_diags(&d);
        }
        assert_non_null(strstr(d.v[0].msg, cases[i].msg));
        assert_int_equal(d.v[0].line, line);
        assert_int_equal(d.v[0].col, col);
        cw_diags_free(&d);
    }
}

static void test_type_errors(void **st)
{
    static const struct { const char *cond, *msg, *at; } cases[] = {
        {"s3.public.read > 3", "orders numbers, strings and dates, not a bool", ">"},
        {"s3.public.read = 3", "cannot compare a bool with a number using '='", "="},
        {"len(true) > 1", "argument 1 of len(x) must be", "true"},
        {"lower() = \"a\"", "takes 1 argument, found 0", "lower"},
        {"s3.public.reason", "expected a condition (true or false)", "s3.public.reason"},
        {"s3.publik.read", "unknown fact 's3.publik.read'; did you mean 's3.public.read'", "s3.publik"},
        {"s3.public.read.reason = \"x\"", "fact 's3.public.read' is a bool; it has no field 'reason'", "s3.public"},
        {"nosuchfn(configuration.a)", "unknown function 'nosuchfn'", "nosuchfn"},
        {"net.open_to_internt(configuration)", "did you mean 'net.open_to_internet'", "net.open"},
        {"s3.public.read = \"yes\"", "cannot compare a bool with a string", "="},
        {"configuration.a in \"abc\"", "needs a list", "\"abc\""},
        {"s3.public.read in [\"a\", \"b\"]", "compares a bool with a list of strings", "in"},
        {"\"x\" exists", "not a literal", "\"x\""},
        {"any x in 3: x = 1", "needs a list to range over", "3"},
        {"count(x in configuration.a: x) > \"a\"", "cannot compare a number with a string", ">"},
        {"configuration.a matches \"a(b\"", "bad regular expression", "\"a(b\""},
        {"resource.typo = \"a\"", "resource needs one of the fields", "resource"},
        {"net.port_overlaps(configuration, [1, 70000])", "ports must be whole numbers", "net.port"},
        {"configuration.a startswith 3", "needs a string on the right", "3"},
        {"tags = \"x\"", "cannot compare an object with a string", "="},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char t[1024];
        snprintf(t, sizeof t, RULE_HEAD("r", "AWS::S3::Bucket") "  condition: |\n    %s\n", cases[i].cond);
        cw_diags d;
        cw_ruleset *rs = load1(t, &d);
        if (rs || d.errors != 1 || !strstr(d.v[0].msg, cases[i].msg)) {
            fprintf(stderr, "case %zu: %s\n", i, cases[i].cond);
            dump_diags(&d);
        }
        assert_null(rs);
        assert_int_equal(d.errors, 1);
        assert_non_null(strstr(d.v[0].msg, cases[i].msg));
        const char *cond = strstr(t, "    ") + 4;
        const char *at = strstr(cond, cases[i].at);
        uint32_t line, col;
        cw_offset_to_linecol(t, strlen(t), (size_t)(at - t), &line, &col);
        if (d.v[0].line != line || d.v[0].col != col) fprintf(stderr, "case %zu: want %u:%u\n", i, line, col), dump_diags(&d);
        assert_int_equal(d.v[0].line, line);
        if (strcmp(cases[i].msg, "bad regular expression") == 0)
            assert_true(d.v[0].col > col && d.v[0].col <= col + 4); /* inside the pattern */
        else
            assert_int_equal(d.v[0].col, col);
        cw_diags_free(&d);
    }
}

static void test_fact_on_wrong_resource(void **st)
{
    const char *t = RULE_HEAD("r", "AWS::EC2::SecurityGroup") "  condition: s3.public.read\n";
    cw_diags d;
    assert_null(load1(t, &d));
    expect_error_at(&d, t, "is set on AWS::S3::Bucket only", "s3.public.read", 0);
    cw_diags_free(&d);
}

static void test_many_errors_one_load(void **st)
{
    const char *t = "- list: l1\n  items: [a]\n"
                    RULE_HEAD("r1", "AWS::S3::Bucket") "  condition: bad1 = 1\n  titel: x\n"
                    "- rule: r2\n  title: t\n  severity: urgent\n  category: hardening\n"
                    "  resource: AWS::S3::Bucket\n  condition: configuration.a = 1\n"
                    RULE_HEAD("r3", "AWS::S3::Bucket") "  condition: (bad3\n"
                    "- rule: r4\n  title: t\n  severity: low\n  category: publik-access\n  resource: AWS::S3::Bucket\n"
                    "  condition: l1 contains \"a\"\n"
                    "- macro: m\n  condition: bad5\n"
                    "- rule: r5\n  title: no condition\n  severity: low\n  category: other\n  resource: S3 bucket\n";
    cw_diags d;
    assert_null(load1(t, &d));
    if (d.errors != 8) dump_diags(&d);
    assert_int_equal(d.errors, 8);
    expect_error_at(&d, t, "unknown name 'bad1'", "bad1", 0);
    expect_error_at(&d, t, "unknown key 'titel' in a rule; did you mean 'title'?", "titel", 0);
    expect_error_at(&d, t, "unknown severity 'urgent'", "urgent", 0);
    expect_error_at(&d, t, "expected ')'", "\n- rule: r4", 0);
    expect_error_at(&d, t, "did you mean 'public-access'", "publik", 0);
    expect_error_at(&d, t, "unknown name 'bad5'", "bad5", 0);
    expect_error_at(&d, t, "rule 'r5' has no 'condition'", "r5", 0);
    expect_error_at(&d, t, "should look like AWS::Service::Type", "S3 bucket", 0);
    cw_diags_free(&d);
}

static void test_macros_and_cycles(void **st)
{
    const char *t = "- macro: a\n  condition: b and configuration.x = 1\n"
                    "- macro: b\n  condition: c\n"
                    "- macro: c\n  condition: a\n"
                    "- macro: self\n  condition: self\n"
                    RULE_HEAD("r", "AWS::S3::Bucket") "  condition: a\n";
    cw_diags d;
    assert_null(load1(t, &d));
    int i = find_diag(&d, "macro cycle: a -> b -> c -> a");
    if (i < 0) dump_diags(&d);
    assert_true(i >= 0);
    expect_error_at(&d, t, "macro cycle: self -> self", "self\n", 1);
    assert_int_equal(d.errors, 2);
    cw_diags_free(&d);
}

static void test_nesting_depth_capped(void **st)
{
    char cond[1200] = "";
    for (int i = 0; i < 150; i++) strcat(cond, "(");
    strcat(cond, "configuration.a");
    for (int i = 0; i < 150; i++) strcat(cond, ")");
    char t[2000];
    snprintf(t, sizeof t, RULE_HEAD("r", "AWS::S3::Bucket") "  condition: %s\n", cond);
    cw_diags d;
    assert_null(load1(t, &d));
    assert_true(find_diag(&d, "nested too deeply") >= 0);
    cw_diags_free(&d);
    /* not-chains too */
    char c2[1000] = "";
    for (int i = 0; i < 120; i++) strcat(c2, "not ");
    strcat(c2, "configuration.a");
    assert_int_equal(cw_rules_check_condition(c2, strlen(c2), &d), -1);
    assert_true(find_diag(&d, "nested too deeply") >= 0);
    cw_diags_free(&d);
}

static void test_yaml_and_item_errors(void **st)
{
    cw_diags d;
    const char *t1 = "- rule: r\n  title: [unclosed\n";
    assert_null(load1(t1, &d));
    assert_true(find_diag(&d, "YAML syntax error") >= 0);
    assert_int_equal(d.v[0].line, 3);
    cw_diags_free(&d);
    const char *t2 = "rule: r\n";
    assert_null(load1(t2, &d));
    assert_true(find_diag(&d, "a rule pack is a YAML list") >= 0);
    cw_diags_free(&d);
    const char *t3 = "- rule: r\n  macro: m\n- foo: 1\n";
    assert_null(load1(t3, &d));
    expect_error_at(&d, t3, "only one of rule:, macro: or list:", "rule: r", 0);
    expect_error_at(&d, t3, "starts with rule:, macro: or list:", "foo", 0);
    cw_diags_free(&d);
    const char *t5 = "- rules: r\n  title: t\n";
    assert_null(load1(t5, &d));
    expect_error_at(&d, t5, "did you mean 'rule:'?", "rules", 0);
    cw_diags_free(&d);
    const char *t4 = "- list: a\n  items: &x [1]\n- list: b\n  items: *x\n";
    assert_null(load1(t4, &d));
    expect_error_at(&d, t4, "aliases (*x) are not supported", "*x", 0);
    cw_diags_free(&d);
    cw_ruleset *rs = load1("", &d); /* an empty pack is fine */
    assert_non_null(rs);
    assert_int_equal(cw_rules_total(rs), 0);
    cw_rules_free(rs);
    cw_diags_free(&d);
}

static void test_exception_validation(void **st)
{
    const char *t = RULE_HEAD("r", "AWS::S3::Bucket")
        "  condition: configuration.a = 1\n"
        "  exceptions:\n"
        "    - name: e1\n      condition: configuration.b = 1\n      expires: 2026-02-30\n      reason: r\n"
        "    - name: e2\n      condition: configuration.b = 1\n"
        "    - name: e3\n      condition: nosuch = 1\n      reason: r\n      expire: 2026-01-01\n";
    cw_diags d;
    assert_null(load1(t, &d));
    expect_error_at(&d, t, "'expires' must be a date", "2026-02-30", 0);
    expect_error_at(&d, t, "has no 'reason' (required)", "name: e2", 0);
    expect_error_at(&d, t, "unknown key 'expire' in an exception; did you mean 'expires'?", "expire:", 0);
    assert_int_equal(d.errors, 3);
    cw_diags_free(&d);
}

static void test_condition_api(void **st)
{
    cw_diags d;
    cw_diags_init(&d);
    const char *ok = "any p in configuration.ipPermissions: (p.fromPort <= 22 and p.toPort >= 22) or "
                     "p.ipProtocol = \"-1\"";
    assert_int_equal(cw_rules_check_condition(ok, strlen(ok), &d), 0);
    const char *bad = "any p in configuration.ipPermissions: q.fromPort = 1";
    assert_int_equal(cw_rules_check_condition(bad, strlen(bad), &d), -1);
    assert_true(find_diag(&d, "unknown name 'q'") >= 0);
    assert_int_equal(d.v[0].col, (uint32_t)(strstr(bad, "q.") - bad) + 1);
    cw_diags_free(&d);
    /* embedded NUL and odd bytes never crash */
    const char odd[] = "configuration.a = \"x\0y\" and \xff";
    cw_diags_init(&d);
    assert_int_equal(cw_rules_check_condition(odd, sizeof odd - 1, &d), -1);
    cw_diags_free(&d);
}

static void test_names_clash(void **st)
{
    const char *t = "- list: s3\n  items: [a]\n- macro: any\n  condition: configuration.a\n"
                    "- list: dup\n  items: [a]\n- list: dup\n  items: [b]\n"
                    "- list: more\n  items: [a]\n  append: true\n";
    cw_diags d;
    assert_null(load1(t, &d));
    expect_error_at(&d, t, "would hide the facts named s3", "s3", 0);
    expect_error_at(&d, t, "'any' is reserved", "any", 0);
    expect_error_at(&d, t, "defined twice in this pack", "dup", 1);
    expect_error_at(&d, t, "needs an earlier list named 'more'", "more", 0);
    cw_diags_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_pack_loads),
        cmocka_unit_test(test_unknown_name_position_plain),
        cmocka_unit_test(test_positions_block_literal_and_folded),
        cmocka_unit_test(test_positions_quoted),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_type_errors),
        cmocka_unit_test(test_fact_on_wrong_resource),
        cmocka_unit_test(test_many_errors_one_load),
        cmocka_unit_test(test_macros_and_cycles),
        cmocka_unit_test(test_nesting_depth_capped),
        cmocka_unit_test(test_yaml_and_item_errors),
        cmocka_unit_test(test_exception_validation),
        cmocka_unit_test(test_condition_api),
        cmocka_unit_test(test_names_clash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
