/* test_rules_eval.c - evaluating rules over hand-built assets: every
 * operator, quantifiers, absent values, functions, macros and lists,
 * exceptions and their expiry, evidence, overrides between packs. */
#include <time.h>

#include "test_util.h"

static const char *RAW =
    "{\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"b1\",\"configuration\":{"
    "\"name\":\"Dealer-Exports\",\"port\":\"5432\",\"size\":12,\"enabled\":true,\"off\":false,"
    "\"nothing\":null,\"list\":[\"a\",\"b\",\"c\"],\"nums\":[1,5,9],"
    "\"perms\":[{\"ipProtocol\":\"tcp\",\"fromPort\":22,\"toPort\":22,\"cidrs\":[\"10.0.0.0/8\"],"
    "\"ipv4Ranges\":[{\"cidrIp\":\"10.0.0.0/8\"}]},"
    "{\"ipProtocol\":\"tcp\",\"fromPort\":3306,\"toPort\":3306,\"cidrs\":[\"0.0.0.0/0\"],"
    "\"ipv4Ranges\":[{\"cidrIp\":\"0.0.0.0/0\"}]}],"
    "\"odd key\":{\"x.y\":7},\"created\":\"2024-03-05T10:00:00.000Z\",\"obj\":{\"k\":\"v\"},"
    "\"Nested\":{\"Inner\":1}},"
    "\"tags\":{\"Env\":\"prod\",\"data-class\":\"customer-pii\"}}";

static cw_asset *add(cw_assets *s, const char *type, const char *id, const char *raw)
{
    cw_json_err e;
    cw_json *j = cw_json_parse(&s->arena, raw, strlen(raw), &e);
    if (!j) fprintf(stderr, "json: %s\n", e.msg);
    assert_non_null(j);
    cw_asset a;
    memset(&a, 0, sizeof a);
    a.provider = "aws";
    a.type = type;
    a.id = cw_arena_printf(&s->arena, "arn:aws:s3:::%s", id);
    a.resource_id = id;
    a.name = id;
    a.raw = j;
    a.live = true;
    a.tags = cw_json_get(j, "tags");
    return cw_assets_add(s, &a);
}

static void set_fact_bool(cw_assets *s, cw_asset *a, const char *ns1, const char *ns2, const char *k, bool v)
{
    cw_json *o = cw_json_obj_child(&s->arena, cw_json_obj_child(&s->arena, a->facts, ns1), ns2);
    cw_json_set_bool(&s->arena, o, k, v);
}

static cw_ruleset *keep[64];
static int nkeep;
static int free_kept(void **st)
{
    for (int i = 0; i < nkeep; i++) cw_rules_free(keep[i]);
    nkeep = 0;
    return 0;
}

/* Evaluate pack text over s; returns the number of findings (fills f). */
static size_t run(const char *pack, cw_assets *s, cw_findings *f, cw_arena *a, cw_diags *d)
{
    cw_ruleset *rs = load1(pack, d);
    if (!rs) dump_diags(d);
    assert_non_null(rs);
    cw_findings_init(f);
    cw_rules_eval(rs, s, a, f, d, NULL);
    size_t n = f->n;
    /* findings point at rule metadata: keep the set alive until the caller is done */
    if (nkeep == 64) free_kept(NULL);
    keep[nkeep++] = rs;
    return n;
}

static void test_operators(void **st)
{
    static const struct { const char *cond; int want; } cases[] = {
        {"configuration.name = \"Dealer-Exports\"", 1}, {"configuration.name = \"dealer-exports\"", 0},
        {"lower(configuration.name) = \"dealer-exports\"", 1}, {"upper(configuration.name) = \"DEALER-EXPORTS\"", 1},
        {"configuration.port = 5432", 1}, {"configuration.port > 1000", 1}, {"num(configuration.port) = 5432", 1},
        {"configuration.size >= 12 and configuration.size < 13", 1}, {"configuration.size != 12", 0},
        {"configuration.size <= 11.5 or configuration.size > 12", 0},
        {"configuration.enabled", 1}, {"configuration.off", 0}, {"not configuration.off", 1},
        {"configuration.enabled = true", 1}, {"configuration.off = false", 1},
        {"configuration.missing = 1", 0}, {"configuration.missing != 1", 0},
        {"not (configuration.missing = 1)", 1}, {"configuration.missing exists", 0},
        {"configuration.name exists", 1}, {"configuration.nothing exists", 0},
        {"configuration.nothing = null", 1}, {"configuration.missing = null", 1},
        {"configuration.name != null", 1}, {"configuration.name = null", 0},
        {"configuration.missing.deeper.still > 3", 0}, {"configuration.missing", 0},
        {"\"b\" in configuration.list", 1}, {"configuration.name in [\"x\", \"Dealer-Exports\"]", 1},
        {"configuration.name not in [\"x\"]", 1}, {"configuration.missing not in [\"x\"]", 0},
        {"configuration.size in [1, 12]", 1}, {"configuration.port in [5432]", 1},
        {"configuration.list contains \"c\"", 1}, {"configuration.list contains \"z\"", 0},
        {"configuration.name contains \"Export\"", 1}, {"configuration.obj contains \"k\"", 1},
        {"\"k\" in configuration.obj", 1}, {"configuration.nums contains 5", 1},
        {"configuration.name startswith \"Dealer\"", 1}, {"configuration.name endswith \"Exports\"", 1},
        {"configuration.name startswith \"Exports\"", 0},
        {"configuration.name matches \"^D[a-z]+-E\"", 1}, {"configuration.name matches \"^d\"", 0},
        {"configuration.name matches '(?i)^dealer'", 1}, {"configuration.name matches '\\w+-\\w+'", 1},
        {"configuration.created < 2025-01-01", 1}, {"configuration.created = 2024-03-05", 1},
        {"configuration.created > 2024-03-05", 0}, {"configuration.name < 2025-01-01", 0},
        {"days_since(configuration.created) > 600 and days_since(configuration.created) < 700", 1},
        {"days_since(configuration.name) exists", 0},
        {"any p in configuration.perms: p.fromPort = 3306 and any c in p.cidrs: c = \"0.0.0.0/0\"", 1},
        {"any p in configuration.perms: p.fromPort = 22 and (any c in p.cidrs: c = \"0.0.0.0/0\")", 0},
        {"any p in configuration.perms: any q in configuration.perms: p.fromPort < q.fromPort", 1},
        {"all n in configuration.nums: n > 0", 1}, {"all n in configuration.nums: n > 1", 0},
        {"all n in configuration.missing: n > 0", 0}, {"all n in []: false", 1}, {"any n in []: true", 0},
        {"any n in [1, 2]: n = 2", 1},
        {"count(n in configuration.nums: n > 2) = 2", 1}, {"count(x in configuration.list: true) > 2", 1},
        {"configuration.nums[-1] = 9", 1}, {"configuration.nums[0] = 1", 1}, {"configuration.nums[5] exists", 0},
        {"configuration[\"odd key\"][\"x.y\"] = 7", 1}, {"configuration.nested.inner = 1", 1},
        {"tags[\"Env\"] = \"prod\"", 1}, {"tags[\"env\"] = \"prod\"", 1}, {"tag(\"E_N_V\") = \"prod\"", 1},
        {"tag(\"DataClass\") = \"customer-pii\"", 1}, {"any_tag([\"data_class\"], [\"CUSTOMER-PII\"])", 1},
        {"any_tag([\"owner\"])", 0}, {"any_tag(\"env\")", 1}, {"\"Env\" in tags", 1},
        {"len(configuration.list) = 3", 1}, {"len(configuration.name) = 14", 1}, {"len(tags) = 2", 1},
        {"resource.resource_id = \"b1\"", 1}, {"resource.provider = \"aws\"", 1},
        {"resourceType = \"AWS::S3::Bucket\"", 1},
        {"cidr.contains(\"10.0.0.0/8\", \"10.1.2.3\")", 1}, {"cidr.contains(\"10.0.0.0/8\", \"11.0.0.0/24\")", 0},
        {"cidr.contains(\"bogus\", \"10.0.0.1\") exists", 0}, {"cidr.is_private(\"10.1.0.0/16\")", 1},
        {"cidr.is_private(\"8.8.8.8\")", 0},
        {"any p in configuration.perms: net.open_to_internet(p) and net.port_overlaps(p, [3306])", 1},
        {"any p in configuration.perms: net.open_to_internet(p) and net.port_overlaps(p, [22, 23])", 0},
        {"net.port_overlaps(configuration.perms[0], configuration.nums)", 0},
        {"keys(configuration.obj) contains \"k\"", 1}, {"values(configuration.obj) contains \"v\"", 1},
        {"str(configuration.size) = \"12\"", 1}, {"related(\"AWS::EC2::VPC\") = 0", 1},
        {"s3.public.read", 1}, {"s3.public.write", 0}, {"not s3.public.write", 1},
        {"s3.public.read = true", 1}, {"s3.public exists", 1},
    };
    cw_assets s;
    cw_assets_init(&s);
    cw_asset *a = add(&s, "AWS::S3::Bucket", "b1", RAW);
    set_fact_bool(&s, a, "s3", "public", "read", true);
    cw_assets_link(&s, NULL);
    cw_arena ar;
    cw_arena_init(&ar, 0);
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char pack[2048];
        /* a block literal: quotes in the condition need no escaping */
        snprintf(pack, sizeof pack, RULE_HEAD("r", "AWS::S3::Bucket") "  condition: |\n    %s\n", cases[i].cond);
        cw_diags d;
        cw_findings f;
        size_t n = run(pack, &s, &f, &ar, &d);
        if ((int)n != cases[i].want) {
            fprintf(stderr, "case %zu: %s: got %zu, want %d\n", i, cases[i].cond, n, cases[i].want);
            bad++;
        }
        cw_findings_free(&f);
        cw_diags_free(&d);
    }
    assert_int_equal(bad, 0);
    cw_arena_free(&ar);
    cw_assets_free(&s);
}

static void test_types_and_live_assets(void **st)
{
    cw_assets s;
    cw_assets_init(&s);
    add(&s, "AWS::S3::Bucket", "b1", RAW);
    add(&s, "AWS::S3::Bucket", "b2", "{\"configuration\":{\"name\":\"x\"}}");
    cw_asset *dead = add(&s, "AWS::S3::Bucket", "b3", "{\"configuration\":{\"name\":\"y\"}}");
    dead->live = false;
    add(&s, "AWS::EC2::Instance", "i1", "{\"configuration\":{\"name\":\"z\"}}");
    cw_assets_link(&s, NULL);
    cw_arena ar;
    cw_arena_init(&ar, 0);
    cw_diags d;
    cw_findings f;
    assert_int_equal(run(RULE_HEAD("r", "AWS::S3::Bucket") "  condition: configuration.name exists\n", &s, &f, &ar, &d), 2);
    cw_findings_free(&f);
    cw_diags_free(&d);
    assert_int_equal(run(RULE_HEAD("r", "[AWS::S3::Bucket, AWS::EC2::Instance]") "  condition: configuration.name exists\n",
                         &s, &f, &ar, &d), 3);
    cw_findings_free(&f);
    cw_diags_free(&d);
    assert_int_equal(run(RULE_HEAD("r", "\"*\"") "  condition: configuration.name exists\n", &s, &f, &ar, &d), 3);
    cw_findings_free(&f);
    cw_diags_free(&d);
    cw_arena_free(&ar);
    cw_assets_free(&s);
}

static void test_macros_lists_overrides(void **st)
{
    cw_assets s;
    cw_assets_init(&s);
    add(&s, "AWS::S3::Bucket", "b1", RAW);
    cw_assets_link(&s, NULL);
    const char *base = "- list: classes\n  items: [secret]\n"
                       "- macro: is_customer\n  condition: tag(\"data-class\") in classes\n"
                       "- macro: is_prod\n  condition: tags[\"Env\"] = \"prod\"\n"
                       "- macro: both\n  condition: is_customer and is_prod\n"
                       RULE_HEAD("r1", "AWS::S3::Bucket") "  condition: both\n"
                       RULE_HEAD("r2", "AWS::S3::Bucket") "  condition: is_prod\n";
    const char *user = "- list: classes\n  items: [customer-pii]\n  append: true\n"
                       "- rule: r2\n  enabled: false\n"
                       "- rule: r1\n  severity: low\n";
    cw_builtin_pack packs[2] = {{"base.yaml", base, strlen(base)}, {"user.yaml", user, strlen(user)}};
    cw_rules_opts o = {.builtin = false, .today = TODAY};
    cw_diags d;
    cw_diags_init(&d);
    /* base alone: r1 does not fire (classes lacks customer-pii), r2 fires */
    cw_ruleset *rs = cw_rules_load_mem(packs, 1, &o, &d);
    assert_non_null(rs);
    cw_findings f;
    cw_findings_init(&f);
    cw_arena ar;
    cw_arena_init(&ar, 0);
    cw_rules_eval(rs, &s, &ar, &f, &d, NULL);
    assert_int_equal(f.n, 1);
    assert_string_equal(f.v[0].rule->id, "r2");
    cw_findings_free(&f);
    cw_rules_free(rs);
    /* with the user pack: list extended, r2 disabled, r1 retuned */
    rs = cw_rules_load_mem(packs, 2, &o, &d);
    if (!rs) dump_diags(&d);
    assert_non_null(rs);
    assert_int_equal(cw_rules_count(rs), 1);
    cw_findings_init(&f);
    cw_rules_eval(rs, &s, &ar, &f, &d, NULL);
    assert_int_equal(f.n, 1);
    assert_string_equal(f.v[0].rule->id, "r1");
    assert_int_equal(f.v[0].rule->severity, CW_SEV_LOW);
    cw_rule_info ri;
    assert_int_equal(cw_rules_info(rs, (size_t)cw_rules_index(rs, "r1"), &ri), 0);
    assert_int_equal(ri.nmodified, 1);
    assert_string_equal(ri.modified_by[0], "user.yaml:6");
    cw_findings_free(&f);
    cw_rules_free(rs);
    cw_arena_free(&ar);
    cw_diags_free(&d);
    cw_assets_free(&s);
}

static void test_exceptions_and_expiry(void **st)
{
    cw_assets s;
    cw_assets_init(&s);
    add(&s, "AWS::S3::Bucket", "web", "{\"configuration\":{\"p\":1},\"tags\":{\"purpose\":\"website\"}}");
    add(&s, "AWS::S3::Bucket", "old1", "{\"configuration\":{\"p\":1},\"tags\":{\"legacy\":\"yes\"}}");
    add(&s, "AWS::S3::Bucket", "old2", "{\"configuration\":{\"p\":1},\"tags\":{\"legacy\":\"yes\"}}");
    add(&s, "AWS::S3::Bucket", "plain", "{\"configuration\":{\"p\":1}}");
    cw_assets_link(&s, NULL);
    const char *pack = RULE_HEAD("r", "AWS::S3::Bucket")
        "  condition: configuration.p = 1\n"
        "  exceptions:\n"
        "    - name: website\n      condition: tags[\"purpose\"] = \"website\"\n"
        "      reason: marketing site is public on purpose\n      expires: 2026-01-15\n"
        "    - name: legacy\n      condition: tags[\"legacy\"] = \"yes\"\n"
        "      reason: migration\n      expires: 2026-01-14\n"
        "    - name: never-matches\n      condition: tags[\"x\"] = \"y\"\n      reason: r\n      expires: 2020-01-01\n";
    cw_diags d;
    cw_findings f;
    cw_arena ar;
    cw_arena_init(&ar, 0);
    assert_int_equal(run(pack, &s, &f, &ar, &d), 4);
    size_t supp = 0;
    for (size_t i = 0; i < f.n; i++) {
        if (f.v[i].suppressed_by) {
            supp++;
            assert_string_equal(f.v[i].suppressed_by, "website"); /* expires today: still applies */
            assert_string_equal(f.v[i].asset->resource_id, "web");
        }
    }
    assert_int_equal(supp, 1);
    assert_int_equal(d.warnings, 2); /* once per expired exception, not per asset */
    int w = find_diag(&d, "exception 'legacy' of rule r expired on 2026-01-14");
    assert_true(w >= 0);
    assert_non_null(strstr(d.v[w].msg, "2 findings"));
    assert_string_equal(d.v[w].file, "t.yaml");
    assert_int_equal(d.v[w].line, 12);
    assert_true(find_diag(&d, "'never-matches' of rule r expired on 2020-01-01") >= 0);
    cw_findings_free(&f);
    cw_diags_free(&d);
    cw_arena_free(&ar);
    cw_assets_free(&s);
}

static void test_evidence(void **st)
{
    cw_assets s;
    cw_assets_init(&s);
    add(&s, "AWS::S3::Bucket", "b1", RAW);
    cw_assets_link(&s, NULL);
    cw_diags d;
    cw_findings f;
    cw_arena ar;
    cw_arena_init(&ar, 0);
    run(RULE_HEAD("r", "AWS::S3::Bucket") "  condition: configuration.size > 3\n"
        "  evidence: \"{configuration.name} has {configuration.size} items, reason: {s3.public.reason|none given}"
        " {{literal}} {tags['Env']}; {explain}\"\n",
        &s, &f, &ar, &d);
    assert_int_equal(f.n, 1);
    assert_string_equal(f.v[0].evidence,
                        "Dealer-Exports has 12 items, reason: none given {literal} prod; configuration.size > 3 "
                        "[configuration.size = 12]");
    cw_findings_free(&f);
    cw_diags_free(&d);
    /* generated from the condition */
    run(RULE_HEAD("r", "AWS::S3::Bucket")
        "  condition: >\n    configuration.name = \"Dealer-Exports\" and\n"
        "    any p in configuration.perms: net.open_to_internet(p) and net.port_overlaps(p, [3306])\n",
        &s, &f, &ar, &d);
    assert_int_equal(f.n, 1);
    const char *e = f.v[0].evidence;
    assert_non_null(strstr(e, "configuration.name = \"Dealer-Exports\""));
    assert_non_null(strstr(e, "p = configuration.perms[1] {\"ipProtocol\":\"tcp\",\"fromPort\":3306"));
    assert_non_null(strstr(e, "}: net.open_to_internet(p); net.port_overlaps(p, [3306])"));
    cw_findings_free(&f);
    cw_diags_free(&d);
    /* template errors are load errors with a position */
    const char *bad = RULE_HEAD("r", "AWS::S3::Bucket") "  condition: configuration.size > 3\n"
                      "  evidence: \"size {configuration.size} of {nosuch.x}\"\n";
    cw_ruleset *rs = load1(bad, &d);
    assert_null(rs);
    expect_error_at(&d, bad, "unknown name 'nosuch'", "nosuch", 0);
    cw_diags_free(&d);
    const char *bad2 = RULE_HEAD("r", "AWS::S3::Bucket") "  condition: configuration.size > 3\n"
                       "  evidence: \"size {configuration.size\"\n";
    assert_null(load1(bad2, &d));
    expect_error_at(&d, bad2, "unclosed '{'", "{configuration.size", 0);
    cw_diags_free(&d);
    cw_arena_free(&ar);
    cw_assets_free(&s);
}

/* Evidence generated from conditions with parenthesised parts quotes balanced
 * text (issue 9 item 14: "not (...)" lost its closing parenthesis): not,
 * and/or with a parenthesised first or last operand, nesting, quantifiers. */
static bool balanced(const char *e)
{
    int depth = 0;
    bool q = false;
    for (const char *c = e; *c; c++) {
        if (*c == '"' && (c == e || c[-1] != '\\')) q = !q;
        if (q) continue;
        if (*c == '(') depth++;
        if (*c == ')' && --depth < 0) return false;
    }
    return depth == 0;
}

static void test_evidence_parentheses(void **st)
{
    (void)st;
    cw_assets s;
    cw_assets_init(&s);
    add(&s, "AWS::S3::Bucket", "b1", RAW);
    cw_assets_link(&s, NULL);
    static const char *const conds[] = {
        "not (configuration.name = \"zzz\" or configuration.size < 1)",
        "(configuration.name = \"Dealer-Exports\" or configuration.size < 0) and configuration.size > 1",
        "configuration.size > 1 and (configuration.name = \"Dealer-Exports\" or configuration.size < 0)",
        "not (not (configuration.size > 3))",
        "((configuration.size > 3))",
        "not (configuration.size < 3) and not (configuration.name = \"x\")",
        "any p in configuration.perms: (net.open_to_internet(p) and not (p.fromPort = 1))",
    };
    for (size_t i = 0; i < sizeof conds / sizeof *conds; i++) {
        cw_diags d;
        cw_findings f;
        cw_arena ar;
        cw_arena_init(&ar, 0);
        char rule[1024];
        snprintf(rule, sizeof rule, "%s  condition: '%s'\n", RULE_HEAD("r", "AWS::S3::Bucket"), conds[i]);
        run(rule, &s, &f, &ar, &d);
        if (f.n != 1) fail_msg("condition %s: %zu findings", conds[i], f.n);
        if (!balanced(f.v[0].evidence)) fail_msg("condition %s: evidence %s", conds[i], f.v[0].evidence);
        cw_findings_free(&f);
        cw_diags_free(&d);
        cw_arena_free(&ar);
    }
    cw_assets_free(&s);
}

static void test_speed(void **st)
{
    /* 50,000 buckets x 40 rules must evaluate in well under a second */
    cw_assets s;
    cw_assets_init(&s);
    char raw[512];
    for (int i = 0; i < 50000; i++) {
        snprintf(raw, sizeof raw,
                 "{\"configuration\":{\"name\":\"bucket-%d\",\"n\":%d,\"list\":[\"a\",\"b\",\"c%d\"],"
                 "\"perms\":[{\"fromPort\":%d,\"toPort\":%d}]},\"tags\":{\"env\":\"%s\"}}",
                 i, i, i % 7, i % 1000, i % 1000 + 10, i % 3 ? "prod" : "dev");
        char id[32];
        snprintf(id, sizeof id, "b%d", i);
        add(&s, "AWS::S3::Bucket", cw_arena_strdup(&s.arena, id), raw);
    }
    cw_assets_link(&s, NULL);
    cw_strbuf pack = CW_STRBUF_INIT;
    for (int r = 0; r < 40; r++)
        cw_sb_printf(&pack,
                     "- rule: r%d\n  title: t\n  severity: high\n  category: hardening\n"
                     "  resource: AWS::S3::Bucket\n  condition: >\n"
                     "    configuration.n = %d or (tags[\"env\"] = \"dev\" and configuration.name startswith \"x\")"
                     " or any p in configuration.perms: p.fromPort <= %d and p.toPort >= %d and "
                     "configuration.list contains \"c9\"\n",
                     r, r * 997, r, r);
    cw_diags d;
    cw_ruleset *rs = load1(pack.buf, &d);
    if (!rs) dump_diags(&d);
    assert_non_null(rs);
    cw_findings f;
    cw_findings_init(&f);
    cw_arena ar;
    cw_arena_init(&ar, 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cw_rules_eval(rs, &s, &ar, &f, &d, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr, "  eval: 50000 assets x 40 rules: %.3f s, %zu findings\n", secs, f.n);
    assert_true(f.n >= 40); /* each rule matches configuration.n = r*997 */
    assert_true(secs < 5.0);
    /* in parts on a pool of three threads: the same findings */
    cw_pool *pool = cw_pool_new(3);
    cw_exec x = {.pool = pool, .min_items = 1};
    cw_findings f2;
    cw_findings_init(&f2);
    cw_rules_eval(rs, &s, &ar, &f2, &d, &x);
    cw_pool_free(pool);
    cw_findings_sort(&f, NULL);
    cw_findings_sort(&f2, NULL);
    assert_int_equal(f.n, f2.n);
    for (size_t i = 0; i < f.n; i++) {
        assert_ptr_equal(f.v[i].rule, f2.v[i].rule);
        assert_ptr_equal(f.v[i].asset, f2.v[i].asset);
        assert_string_equal(f.v[i].evidence, f2.v[i].evidence);
    }
    cw_findings_free(&f2);
    cw_findings_free(&f);
    cw_rules_free(rs);
    cw_arena_free(&ar);
    cw_diags_free(&d);
    cw_sb_free(&pack);
    cw_assets_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_types_and_live_assets),
        cmocka_unit_test(test_macros_lists_overrides),
        cmocka_unit_test(test_exceptions_and_expiry),
        cmocka_unit_test(test_evidence),
        cmocka_unit_test(test_evidence_parentheses),
        cmocka_unit_test(test_speed),
    };
    return cmocka_run_group_tests(tests, NULL, free_kept);
}
