/* Tests of the output writers: each format's fields checked one by one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>

#include "fixtures.h"
#include "output/emit.h"

#define SKIP_NO_PY()                                                                               \
    do {                                                                                           \
        if (!fx_have_python()) skip();                                                             \
    } while (0)

static void assert_path(const char *flat, const char *path, const char *want)
{
    const char *got = fx_get(flat, path);
    if (!got || strcmp(got, want) != 0) {
        print_error("%s: want %s, got %s\n", path, want, got ? got : "(absent)");
        fail();
    }
}
static void assert_absent(const char *flat, const char *path)
{
    const char *got = fx_get(flat, path);
    if (got) {
        print_error("%s: expected absent, got %s\n", path, got);
        fail();
    }
}

/* ---- json ---------------------------------------------------------------- */
static void test_json_contract(void **st)
{
    (void)st;
    SKIP_NO_PY();
    cw_scan_info in = fx_info();
    cw_findings fs;
    fx_findings(&fs);
    cw_output_opts o = {0};
    int rc = -2;
    char *out = fx_run("json", &in, &fs, &o, &rc);
    assert_int_equal(rc, 0);
    char *flat = fx_flatten(out);
    assert_non_null(flat);

    assert_path(flat, "tool.name", "\"cloudwarden\"");
    assert_path(flat, "tool.version", "\"0.1.0\"");
    assert_path(flat, "scan.started", "\"2026-01-01T00:00:00Z\"");
    assert_path(flat, "scan.inputs", "#arr 2");
    assert_path(flat, "scan.inputs.0", "\"snapshot.json.gz\"");
    assert_path(flat, "scan.inputs.1", "\"dir with space/config:1.json\"");
    assert_path(flat, "scan.assets", "2053");
    assert_path(flat, "scan.rules", "5");
    /* the suppressed medium finding is omitted without show_suppressed */
    assert_path(flat, "findings", "#arr 4");
    assert_path(flat, "findings.0.rule.id", "\"aws-s3-bucket-public\"");
    assert_path(flat, "findings.0.rule.title", "\"S3 bucket readable by anyone\"");
    assert_path(flat, "findings.0.rule.severity", "\"critical\"");
    assert_path(flat, "findings.0.rule.category", "\"public-access\"");
    assert_path(flat, "findings.0.resource.id", "\"arn:aws:s3:::dealer-exports\"");
    assert_path(flat, "findings.0.resource.type", "\"AWS::S3::Bucket\"");
    assert_path(flat, "findings.0.resource.provider", "\"aws\"");
    assert_path(flat, "findings.0.resource.account", "\"210987654321\"");
    assert_path(flat, "findings.0.resource.region", "\"ap-southeast-2\"");
    assert_path(flat, "findings.0.evidence",
                "\"ACL grants READ to AllUsers; no bucket or account block ignores public ACLs\"");
    assert_path(flat, "findings.0.source.file", "\"snapshot.json.gz\"");
    assert_path(flat, "findings.0.source.record", "1187");
    assert_path(flat, "findings.0.source.line", "40211");
    /* rule details once, under rules.<id>; not repeated in every finding */
    assert_path(flat, "rules.aws-s3-bucket-public.remediation",
                "\"Enable S3 Block Public Access on the bucket and the account.\"");
    assert_path(flat, "rules.aws-s3-bucket-public.compliance.1", "\"PCI-DSS-1.3.1\"");
    assert_path(flat, "rules.aws-s3-bucket-public.severity", "\"critical\"");
    assert_absent(flat, "findings.0.remediation");
    assert_absent(flat, "findings.0.suppressed");
    /* high sg: line unknown -> no source.line, quotes in evidence survive */
    assert_path(flat, "findings.1.rule.severity", "\"high\"");
    assert_path(flat, "findings.1.evidence", "\"ingress 0.0.0.0/0 tcp/22 (\\\"ssh\\\")\"");
    assert_path(flat, "findings.1.source.record", "7");
    assert_absent(flat, "findings.1.source.line");
    assert_absent(flat, "findings.1.remediation");
    assert_path(flat, "rules", "#obj 5");
    assert_path(flat, "findings.2.rule.severity", "\"low\"");
    assert_path(flat, "findings.3.rule.severity", "\"info\"");
    assert_path(flat, "summary.total", "4");
    assert_path(flat, "summary.critical", "1");
    assert_path(flat, "summary.medium", "0");
    assert_path(flat, "summary.suppressed", "1");
    free(flat);
    free(out);

    /* with show_suppressed the exception is named */
    o.show_suppressed = true;
    out = fx_run("json", &in, &fs, &o, &rc);
    assert_int_equal(rc, 0);
    flat = fx_flatten(out);
    assert_non_null(flat);
    assert_path(flat, "findings", "#arr 5");
    assert_path(flat, "findings.2.rule.id", "\"aws-rds-unencrypted\"");
    assert_path(flat, "findings.2.suppressed", "\"legacy-db-2026\"");
    assert_path(flat, "findings.2.source.file", "null");
    assert_path(flat, "findings.2.source.record", "null");
    assert_path(flat, "summary.total", "4");
    free(flat);
    free(out);
    cw_findings_free(&fs);
}

static void test_json_hostile_strings(void **st)
{
    (void)st;
    SKIP_NO_PY();
    cw_scan_info in = fx_info();
    cw_findings fs;
    cw_findings_init(&fs);
    cw_asset a = fx_bucket;
    a.id = "arn:aws:s3:::b\x01\xff\"\\\n";
    cw_finding f = {&fx_rules[0], &a, "tag Name=\"\xe2\x82\xac\" \xc3\x28 \x1b[31m", NULL};
    cw_findings_add(&fs, &f);
    cw_output_opts o = {0};
    int rc;
    char *out = fx_run("json", &in, &fs, &o, &rc);
    assert_int_equal(rc, 0);
    char *flat = fx_flatten(out); /* strict UTF-8 read: invalid bytes must be gone */
    assert_non_null(flat);
    assert_path(flat, "findings.0.resource.id",
                "\"arn:aws:s3:::b\\u0001\xEF\xBF\xBD\\\"\\\\\\n\"");
    assert_path(flat, "findings.0.evidence",
                "\"tag Name=\\\"\xe2\x82\xac\\\" \xEF\xBF\xBD( \\u001b[31m\"");
    free(flat);
    free(out);
    cw_findings_free(&fs);
}

static void test_json_empty(void **st)
{
    (void)st;
    SKIP_NO_PY();
    cw_findings fs;
    cw_findings_init(&fs);
    cw_scan_info in = {.tool_version = "0.1.0", .started = "2026-01-01T00:00:00Z"};
    int rc;
    char *out = fx_run("json", &in, &fs, NULL, &rc);
    assert_int_equal(rc, 0);
    char *flat = fx_flatten(out);
    assert_non_null(flat);
    assert_path(flat, "findings", "#arr 0");
    assert_path(flat, "scan.inputs", "#arr 0");
    assert_path(flat, "scan.rules", "0");
    free(flat);
    free(out);
}

/* ---- ocsf ---------------------------------------------------------------- */
static void test_ocsf_fields(void **st)
{
    (void)st;
    SKIP_NO_PY();
    cw_scan_info in = fx_info();
    cw_findings fs;
    fx_findings(&fs);
    cw_output_opts o = {.show_suppressed = true};
    int rc;
    char *out = fx_run("ocsf", &in, &fs, &o, &rc);
    assert_int_equal(rc, 0);
    char *flat = fx_flatten(out);
    assert_non_null(flat);
    assert_path(flat, "", "#arr 5");
    /* 2026-01-01T00:00:00Z */
    const char *ms = "1767225600000";
    static const char *const sev_ids[] = {"5", "4", "3", "2", "1"};
    char p[128];
    for (int i = 0; i < 5; i++) {
#define AT(suffix) (snprintf(p, sizeof p, "%d.%s", i, suffix), p)
        assert_path(flat, AT("class_uid"), "2004");
        assert_path(flat, AT("category_uid"), "2");
        assert_path(flat, AT("activity_id"), "1");
        assert_path(flat, AT("type_uid"), "200401");
        assert_path(flat, AT("time"), ms);
        assert_path(flat, AT("finding_info.created_time"), ms);
        assert_path(flat, AT("severity_id"), sev_ids[i]);
        assert_path(flat, AT("metadata.version"), "\"1.3.0\"");
        assert_path(flat, AT("metadata.product.name"), "\"cloudwarden\"");
        assert_path(flat, AT("metadata.product.vendor_name"), "\"cloudwarden\"");
        assert_path(flat, AT("metadata.product.version"), "\"0.1.0\"");
        assert_path(flat, AT("cloud.provider"), "\"AWS\"");
        assert_path(flat, AT("finding_info.types"), "#arr 1");
        const char *uid = fx_get(flat, AT("finding_info.uid"));
        assert_non_null(uid);
        assert_int_equal(strlen(uid), 34); /* quoted 32 hex digits */
        assert_int_equal(strspn(uid + 1, "0123456789abcdef"), 32);
#undef AT
    }
    assert_path(flat, "0.status_id", "1");
    assert_path(flat, "2.status_id", "3"); /* the suppressed one */
    assert_path(flat, "2.status", "\"Suppressed\"");
    assert_path(flat, "2.unmapped.suppressed", "\"legacy-db-2026\"");
    assert_path(flat, "0.finding_info.title", "\"S3 bucket readable by anyone\"");
    assert_path(flat, "0.finding_info.desc", "\"The bucket grants read access to everyone.\"");
    assert_path(flat, "0.finding_info.types.0", "\"public-access\"");
    assert_path(flat, "0.resources.0.uid", "\"arn:aws:s3:::dealer-exports\"");
    assert_path(flat, "0.resources.0.type", "\"AWS::S3::Bucket\"");
    assert_path(flat, "0.resources.0.region", "\"ap-southeast-2\"");
    assert_path(flat, "0.resources.0.cloud_partition", "\"aws\"");
    assert_path(flat, "0.resources.0.owner.account.uid", "\"210987654321\"");
    assert_path(flat, "0.cloud.account.uid", "\"210987654321\"");
    assert_path(flat, "0.cloud.region", "\"ap-southeast-2\"");
    assert_path(flat, "0.remediation.desc",
                "\"Enable S3 Block Public Access on the bucket and the account.\"");
    assert_path(flat, "0.message",
                "\"ACL grants READ to AllUsers; no bucket or account block ignores public ACLs\"");
    assert_path(flat, "0.unmapped.source.record", "1187");
    assert_path(flat, "2.resources.0.cloud_partition", "\"aws-cn\"");
    assert_absent(flat, "1.remediation");
    /* uid: same rule+resource -> same uid; other resource -> other uid */
    char uid0[64], uid3[64];
    snprintf(uid0, sizeof uid0, "%s", fx_get(flat, "0.finding_info.uid"));
    snprintf(uid3, sizeof uid3, "%s", fx_get(flat, "3.finding_info.uid"));
    assert_string_not_equal(uid0, uid3); /* same bucket, other rule */
    free(flat);
    free(out);
    char *again = fx_run("ocsf", &in, &fs, &o, &rc);
    flat = fx_flatten(again);
    assert_string_equal(fx_get(flat, "0.finding_info.uid"), uid0);
    free(flat);
    free(again);

    /* default options: suppressed omitted */
    out = fx_run("ocsf", &in, &fs, NULL, &rc);
    flat = fx_flatten(out);
    assert_path(flat, "", "#arr 4");
    free(flat);
    free(out);
    cw_findings_free(&fs);
}

/* ---- sarif --------------------------------------------------------------- */
static void test_sarif_fields(void **st)
{
    (void)st;
    SKIP_NO_PY();
    cw_scan_info in = fx_info();
    cw_findings fs;
    fx_findings(&fs);
    int rc;
    char *out = fx_run("sarif", &in, &fs, NULL, &rc);
    assert_int_equal(rc, 0);
    char *flat = fx_flatten(out);
    assert_non_null(flat);
    assert_path(flat, "$schema", "\"https://json.schemastore.org/sarif-2.1.0.json\"");
    assert_path(flat, "version", "\"2.1.0\"");
    assert_path(flat, "runs", "#arr 1");
    assert_path(flat, "runs.0.tool.driver.name", "\"cloudwarden\"");
    assert_path(flat, "runs.0.tool.driver.version", "\"0.1.0\"");
    assert_path(flat, "runs.0.tool.driver.informationUri", "\"" CW_INFORMATION_URI "\""); /* SARIF2005 */
    assert_path(flat, "runs.0.tool.driver.rules", "#arr 5");
    assert_path(flat, "runs.0.tool.driver.rules.0.id", "\"aws-s3-bucket-public\"");
    /* a name for people, not the id (SARIF1001): the title in PascalCase */
    assert_path(flat, "runs.0.tool.driver.rules.0.name", "\"S3BucketReadableByAnyone\"");
    assert_path(flat, "runs.0.tool.driver.rules.0.shortDescription.text",
                "\"S3 bucket readable by anyone\"");
    assert_path(flat, "runs.0.tool.driver.rules.0.fullDescription.text",
                "\"The bucket grants read access to everyone.\"");
    assert_path(flat, "runs.0.tool.driver.rules.0.help.text",
                "\"Enable S3 Block Public Access on the bucket and the account.\"");
    assert_path(flat, "runs.0.tool.driver.rules.0.defaultConfiguration.level", "\"error\"");
    assert_path(flat, "runs.0.tool.driver.rules.0.properties.category", "\"public-access\"");
    assert_path(flat, "runs.0.tool.driver.rules.0.properties.severity", "\"critical\"");
    assert_path(flat, "runs.0.tool.driver.rules.0.properties.security-severity", "\"9.5\"");
    assert_path(flat, "runs.0.tool.driver.rules.0.properties.tags.0", "\"security\"");
    assert_path(flat, "runs.0.tool.driver.rules.2.defaultConfiguration.level", "\"warning\"");
    assert_path(flat, "runs.0.tool.driver.rules.3.defaultConfiguration.level", "\"note\"");
    assert_path(flat, "runs.0.tool.driver.rules.4.defaultConfiguration.level", "\"note\"");
    /* every rule has the required texts */
    for (int i = 0; i < 5; i++) {
        char p[128];
        snprintf(p, sizeof p, "runs.0.tool.driver.rules.%d.help.text", i);
        assert_non_null(fx_get(flat, p));
        snprintf(p, sizeof p, "runs.0.tool.driver.rules.%d.fullDescription.text", i);
        assert_non_null(fx_get(flat, p));
    }

    assert_path(flat, "runs.0.results", "#arr 4");
    const char *r0 = "runs.0.results.0.";
    char p[160];
#define R(i, s) (snprintf(p, sizeof p, "runs.0.results.%d.%s", i, s), p)
    (void)r0;
    assert_path(flat, R(0, "ruleId"), "\"aws-s3-bucket-public\"");
    assert_path(flat, R(0, "ruleIndex"), "0");
    assert_path(flat, R(0, "level"), "\"error\"");
    assert_path(flat, R(0, "message.text"),
                "\"ACL grants READ to AllUsers; no bucket or account block ignores public ACLs\"");
    assert_path(flat, R(0, "locations.0.physicalLocation.artifactLocation.uri"),
                "\"snapshot.json.gz\"");
    assert_path(flat, R(0, "locations.0.physicalLocation.region.startLine"), "40211");
    assert_path(flat, R(0, "locations.0.logicalLocations.0.fullyQualifiedName"),
                "\"arn:aws:s3:::dealer-exports\"");
    assert_path(flat, R(0, "locations.0.logicalLocations.0.kind"), "\"resource\"");
    assert_absent(flat, R(0, "locations.0.logicalLocations.0.name"));
    assert_non_null(fx_get(flat, R(0, "partialFingerprints.cloudwarden/v1")));
    /* sg: line unknown -> no region; path percent-encoded */
    assert_path(flat, R(1, "ruleIndex"), "1");
    assert_path(flat, R(1, "level"), "\"error\"");
    assert_path(flat, R(1, "locations.0.physicalLocation.artifactLocation.uri"),
                "\"dir%20with%20space/config%3A1.json\"");
    assert_absent(flat, R(1, "locations.0.physicalLocation.region"));
    /* low -> note, ruleIndex 3 */
    assert_path(flat, R(2, "ruleId"), "\"aws-s3-no-logging\"");
    assert_path(flat, R(2, "ruleIndex"), "3");
    assert_path(flat, R(2, "level"), "\"note\"");
    /* absolute path -> file URI */
    assert_path(flat, R(3, "locations.0.physicalLocation.artifactLocation.uri"),
                "\"file:///abs/path/snap.json\"");
    assert_path(flat, R(3, "locations.0.physicalLocation.region.startLine"), "99");
    free(flat);
    free(out);

    /* suppressed shown: medium -> warning, no physical location (no file), suppressions */
    cw_output_opts o = {.show_suppressed = true};
    out = fx_run("sarif", &in, &fs, &o, &rc);
    flat = fx_flatten(out);
    assert_non_null(flat);
    assert_path(flat, "runs.0.results", "#arr 5");
    assert_path(flat, R(2, "ruleId"), "\"aws-rds-unencrypted\"");
    assert_path(flat, R(2, "level"), "\"warning\"");
    assert_absent(flat, R(2, "locations.0.physicalLocation"));
    assert_path(flat, R(2, "locations.0.logicalLocations.0.fullyQualifiedName"),
                "\"arn:aws-cn:rds:cn-north-1:111122223333:db:orders\"");
    assert_path(flat, R(2, "suppressions.0.kind"), "\"external\"");
    assert_path(flat, R(2, "suppressions.0.justification"), "\"legacy-db-2026\"");
#undef R
    free(flat);
    free(out);
    cw_findings_free(&fs);
}

/* a finding whose rule is not in info->rules still gets a descriptor */
static void test_sarif_rule_not_listed(void **st)
{
    (void)st;
    SKIP_NO_PY();
    cw_scan_info in = fx_info();
    in.nrules = 1;
    cw_findings fs;
    cw_findings_init(&fs);
    cw_finding f = {&fx_rules[1], &fx_sg, "open", NULL};
    cw_findings_add(&fs, &f);
    int rc;
    char *out = fx_run("sarif", &in, &fs, NULL, &rc);
    char *flat = fx_flatten(out);
    assert_non_null(flat);
    assert_path(flat, "runs.0.tool.driver.rules", "#arr 2");
    assert_path(flat, "runs.0.tool.driver.rules.1.id", "\"aws-sg-open-ssh\"");
    assert_path(flat, "runs.0.results.0.ruleIndex", "1");
    free(flat);
    free(out);
    cw_findings_free(&fs);
}

/* ---- csv ----------------------------------------------------------------- */
static void test_csv_quoting_and_injection(void **st)
{
    (void)st;
    cw_rule_meta r = {.id = "r-1", .title = "-title, with comma", .category = "other",
                      .severity = CW_SEV_HIGH};
    cw_asset a = {.provider = "aws", .type = "AWS::S3::Bucket", .id = "=HYPERLINK(\"http://x\")",
                  .account = "+123", .region = "@eu", .source_file = "in.json",
                  .source_record = 12, .source_line = 340};
    cw_asset b = {.provider = "aws", .type = "T", .id = "plain", .source_file = NULL};
    cw_findings fs;
    cw_findings_init(&fs);
    cw_finding f1 = {&r, &a, "line1\nline2 \"q\"", NULL};
    cw_finding f2 = {&r, &b, " spaced ", "exc"};
    cw_findings_add(&fs, &f1);
    cw_findings_add(&fs, &f2);
    int rc;
    char *out = fx_run("csv", NULL, &fs, NULL, &rc);
    assert_int_equal(rc, 0);
    const char *want =
        "severity,rule_id,category,title,resource_id,resource_type,account,region,evidence,file,"
        "record,line\r\n"
        "high,r-1,other,\"'-title, with comma\",\"'=HYPERLINK(\"\"http://x\"\")\",AWS::S3::Bucket,"
        "'+123,'@eu,\"line1\nline2 \"\"q\"\"\",in.json,12,340\r\n";
    assert_string_equal(out, want);
    free(out);

    cw_output_opts o = {.show_suppressed = true};
    out = fx_run("csv", NULL, &fs, &o, &rc);
    assert_int_equal(rc, 0);
    const char *want2 =
        "severity,rule_id,category,title,resource_id,resource_type,account,region,evidence,file,"
        "record,line,suppressed\r\n"
        "high,r-1,other,\"'-title, with comma\",\"'=HYPERLINK(\"\"http://x\"\")\",AWS::S3::Bucket,"
        "'+123,'@eu,\"line1\nline2 \"\"q\"\"\",in.json,12,340,\r\n"
        "high,r-1,other,\"'-title, with comma\",plain,T,,,\" spaced \",,,,exc\r\n";
    assert_string_equal(out, want2);
    free(out);
    cw_findings_free(&fs);
}

static void test_csv_python_reads_back(void **st)
{
    (void)st;
    SKIP_NO_PY();
    cw_scan_info in = fx_info();
    cw_findings fs;
    fx_findings(&fs);
    int rc;
    char *out = fx_run("csv", &in, &fs, NULL, &rc);
    assert_int_equal(rc, 0);
    char path[] = "/tmp/cw_csv_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs(out, f);
    fclose(f);
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "python3 -c \"import csv,sys; r=list(csv.reader(open('%s',newline='')));"
             "assert len(r)==5 and all(len(x)==12 for x in r), r;"
             "assert r[1][1]=='aws-s3-bucket-public' and r[1][10]=='1187' and r[1][11]=='40211';"
             "assert r[2][8]=='ingress 0.0.0.0/0 tcp/22 (\\\"ssh\\\")', r[2][8]\"",
             path);
    int st2 = system(cmd);
    unlink(path);
    assert_int_equal(st2, 0);
    free(out);
    cw_findings_free(&fs);
}

/* ---- table --------------------------------------------------------------- */
static size_t max_line_width(const char *s)
{
    size_t best = 0, w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n') {
            if (w > best) best = w;
            w = 0;
        } else if ((*p & 0xC0) != 0x80) {
            w++;
        }
    }
    return w > best ? w : best;
}

static void test_table_plain(void **st)
{
    (void)st;
    setenv("COLUMNS", "100", 1);
    cw_scan_info in = fx_info();
    cw_findings fs;
    fx_findings(&fs);
    cw_output_opts o = {0};
    int rc;
    char *out = fx_run("table", &in, &fs, &o, &rc);
    assert_int_equal(rc, 0);
    assert_null(strchr(out, '\033'));
    assert_non_null(strstr(out, "SEVERITY"));
    assert_non_null(strstr(out, "EVIDENCE"));
    assert_non_null(strstr(out, "CRITICAL  aws-s3-bucket-public"));
    assert_non_null(strstr(out, "  dealer-exports")); /* the resource by its name, whole */
    assert_null(strstr(out, "\xE2\x80\xA6"));         /* nothing cut */
    assert_null(strstr(out, "aws-rds-unencrypted")); /* suppressed, hidden */
    /* the sg has no name: its resource id, never a shortened ARN */
    assert_non_null(strstr(out, "  sg-0123456789abcdef0"));
    assert_null(strstr(out, "arn:aws:ec2:eu-west-1:123456789012:security-group"));
    assert_non_null(strstr(out, "\n\n4 findings: 1 critical, 1 high, 0 medium, 1 low, 1 info; "
                                "1 suppressed (2053 assets, 5 rules)\n"));
    assert_true(max_line_width(out) <= 100);
    /* severity order: CRITICAL before HIGH before LOW before INFO */
    const char *c = strstr(out, "CRITICAL"), *h = strstr(out, "HIGH "), *l = strstr(out, "LOW "),
               *i = strstr(out, "INFO ");
    assert_true(c && h && l && i && c < h && h < l && l < i);
    free(out);

    setenv("COLUMNS", "160", 1); /* wide: the same names */
    out = fx_run("table", &in, &fs, &o, &rc);
    assert_non_null(strstr(out, "  dealer-exports  "));
    assert_non_null(strstr(out, "  sg-0123456789abcdef0  "));
    assert_true(max_line_width(out) <= 160);
    free(out);
    setenv("COLUMNS", "40", 1); /* narrow: stacked, rule ids and names still whole */
    out = fx_run("table", &in, &fs, &o, &rc);
    for (size_t k = 0; k < fs.n; k++)
        if (!fs.v[k].suppressed_by) assert_non_null(strstr(out, fs.v[k].rule->id));
    assert_non_null(strstr(out, "sg-0123456789abcdef0"));
    assert_null(strstr(out, "\xE2\x80\xA6"));
    free(out);
    setenv("COLUMNS", "100", 1);

    o.show_suppressed = true;
    out = fx_run("table", &in, &fs, &o, &rc);
    assert_non_null(strstr(out, "aws-rds-unencrypted"));
    assert_non_null(strstr(out, "[suppressed: legacy-db-2026]"));
    free(out);
    cw_findings_free(&fs);
}

static void test_table_color_and_wrap(void **st)
{
    (void)st;
    setenv("COLUMNS", "72", 1);
    cw_scan_info in = fx_info();
    cw_findings fs;
    cw_findings_init(&fs);
    cw_asset a = fx_bucket;
    a.id = "arn:aws:s3:::a-bucket-with-a-very-long-name-that-does-not-fit-in-any-column-at-all";
    a.name = a.resource_id = a.id + strlen("arn:aws:s3:::");
    const char *ev = "the bucket policy allows s3:GetObject to Principal * without any condition; "
                     "public access block is off at bucket and account level; "
                     "supercalifragilisticexpialidocious-word-longer-than-the-column-itself-xxxxxx"
                     " \x1b]0;pwned\x07 end";
    cw_finding f = {&fx_rules[0], &a, ev, NULL};
    cw_findings_add(&fs, &f);
    cw_output_opts o = {.color = true};
    int rc;
    char *out = fx_run("table", &in, &fs, &o, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "\033[1;31mCRITICAL\033[0m"));
    assert_non_null(strstr(out, "\033[0m"));
    free(out);

    o.color = false;
    out = fx_run("table", &in, &fs, &o, &rc);
    assert_null(strchr(out, '\033')); /* the ESC in the evidence is neutralised */
    assert_null(strchr(out, '\007'));
    assert_true(max_line_width(out) <= 72 || strstr(out, a.name)); /* only a whole name may be wider */
    /* every word of the evidence is still there, across several lines */
    assert_non_null(strstr(out, "without"));
    assert_non_null(strstr(out, "condition;"));
    assert_non_null(strstr(out, "end\n"));
    int lines = 0;
    for (const char *p = out; *p; p++) lines += *p == '\n';
    assert_true(lines >= 6);
    /* a long name is never cut: on a line of its own */
    assert_non_null(strstr(out, a.name));
    free(out);
    cw_findings_free(&fs);
    unsetenv("COLUMNS");
}

static void test_table_empty(void **st)
{
    (void)st;
    cw_findings fs;
    cw_findings_init(&fs);
    cw_scan_info in = fx_info();
    int rc;
    char *out = fx_run("table", &in, &fs, NULL, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "No findings: 0 critical, 0 high, 0 medium, 0 low, 0 info "
                             "(2053 assets, 5 rules)\n");
    free(out);
}

/* ---- write failures --------------------------------------------------------- */
static void test_dev_full(void **st)
{
    (void)st;
    if (access("/dev/full", W_OK) != 0) skip();
    cw_scan_info in = fx_info();
    cw_findings small, big;
    fx_findings(&small);
    cw_findings_init(&big); /* large enough to fail mid-stream, not only at fflush */
    for (int i = 0; i < 3000; i++) cw_findings_add(&big, &small.v[i % small.n]);
    cw_output_opts o = {.show_suppressed = true};
    for (const cw_output_fmt *f = cw_output_formats; f->name; f++) {
        for (int k = 0; k < 2; k++) {
            FILE *full = fopen("/dev/full", "w");
            assert_non_null(full);
            errno = 0;
            int rc = f->write(full, &in, k ? &big : &small, &o);
            int err = errno;
            fclose(full);
            if (rc != -1 || err != ENOSPC) {
                print_error("format %s (%s): rc %d errno %d\n", f->name, k ? "big" : "small", rc,
                            err);
                fail();
            }
        }
    }
    cw_findings_free(&small);
    cw_findings_free(&big);
}

/* deterministic: same input, same bytes */
static void test_deterministic(void **st)
{
    (void)st;
    cw_scan_info in = fx_info();
    cw_findings fs;
    fx_findings(&fs);
    for (const cw_output_fmt *f = cw_output_formats; f->name; f++) {
        char *a = fx_run(f->name, &in, &fs, NULL, NULL);
        char *b = fx_run(f->name, &in, &fs, NULL, NULL);
        assert_non_null(a);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    cw_findings_free(&fs);
}

/* Large outputs formatted on two threads are byte for byte the sequential ones. */
static void test_parallel_same_bytes(void **st)
{
    (void)st;
    cw_scan_info in = fx_info();
    cw_findings small, big;
    fx_findings(&small);
    cw_findings_init(&big);
    for (int k = 0; k < 5000; k++)
        for (size_t i = 0; i < small.n; i++) {
            cw_finding f = small.v[i];
            if ((k + i) % 7 == 0) f.suppressed_by = "an exception"; /* hidden: commas must still be right */
            cw_findings_add(&big, &f);
        }
    assert_true(big.n >= 20000);
    static const char *const fmts[] = {"json", "ocsf", "sarif", "csv", "table"};
    cw_pool *pool = cw_pool_new(3);
    cw_exec x = {.pool = pool, .min_items = 1};
    for (int f = 0; f < 5; f++)
        for (int v = 0; v < 2; v++) {
            cw_output_opts serial = {.show_suppressed = v}, threaded = {.show_suppressed = v, .exec = &x};
            char *seq = fx_run(fmts[f], &in, &big, &serial, NULL);
            char *par = fx_run(fmts[f], &in, &big, &threaded, NULL);
            assert_non_null(seq);
            assert_non_null(par);
            assert_true(strlen(seq) > 1000000);
            assert_string_equal(seq, par);
            free(seq);
            free(par);
        }
    cw_pool_stats ps;
    cw_pool_stats_get(pool, &ps);
    assert_true(ps.parallel_calls > 0 || ps.start_failures > 0);
    cw_pool_free(pool);
    cw_findings_free(&big);
    cw_findings_free(&small);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_contract),
        cmocka_unit_test(test_parallel_same_bytes),
        cmocka_unit_test(test_json_hostile_strings),
        cmocka_unit_test(test_json_empty),
        cmocka_unit_test(test_ocsf_fields),
        cmocka_unit_test(test_sarif_fields),
        cmocka_unit_test(test_sarif_rule_not_listed),
        cmocka_unit_test(test_csv_quoting_and_injection),
        cmocka_unit_test(test_csv_python_reads_back),
        cmocka_unit_test(test_table_plain),
        cmocka_unit_test(test_table_color_and_wrap),
        cmocka_unit_test(test_table_empty),
        cmocka_unit_test(test_dev_full),
        cmocka_unit_test(test_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
