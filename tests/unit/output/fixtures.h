/* fixtures.h - hand-built assets, rules and findings for the output tests,
 * and a JSON checker: python3 parses the text strictly (duplicate keys,
 * NaN and trailing garbage rejected) and flattens it to "path\tjson" lines
 * that the tests query field by field. */
#ifndef CW_TEST_OUTPUT_FIXTURES_H
#define CW_TEST_OUTPUT_FIXTURES_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/finding.h"
#include "output/output.h"

static const char *const fx_compliance[] = {"CIS-AWS-2.1.5", "PCI-DSS-1.3.1"};
static const char *const fx_refs[] = {"https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"};

static cw_rule_meta fx_rules[] = {
    {.id = "aws-s3-bucket-public", .title = "S3 bucket readable by anyone",
     .description = "The bucket grants read access to everyone.",
     .remediation = "Enable S3 Block Public Access on the bucket and the account.",
     .category = "public-access", .severity = CW_SEV_CRITICAL,
     .compliance = fx_compliance, .ncompliance = 2, .references = fx_refs, .nreferences = 1,
     .pack = "rules/aws-s3.yaml", .line = 12},
    {.id = "aws-sg-open-ssh", .title = "Security group open to the internet on 22",
     .description = "Ingress from 0.0.0.0/0 to TCP 22.", .remediation = NULL,
     .category = "hardening", .severity = CW_SEV_HIGH},
    {.id = "aws-rds-unencrypted", .title = "RDS storage not encrypted", .category = "encryption",
     .severity = CW_SEV_MEDIUM},
    {.id = "aws-s3-no-logging", .title = "S3 access logging off", .category = "logging",
     .severity = CW_SEV_LOW},
    {.id = "aws-iam-user", .title = "IAM user exists", .category = "identity", .severity = CW_SEV_INFO},
};
#define FX_NRULES (sizeof fx_rules / sizeof fx_rules[0])

static cw_asset fx_bucket = {
    .provider = "aws", .type = "AWS::S3::Bucket", .id = "arn:aws:s3:::dealer-exports",
    .resource_id = "dealer-exports", .name = "dealer-exports", .account = "210987654321",
    .region = "ap-southeast-2", .source_file = "snapshot.json.gz", .source_record = 1187,
    .source_line = 40211, .live = true};
static cw_asset fx_sg = {
    .provider = "aws", .type = "AWS::EC2::SecurityGroup",
    .id = "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0123456789abcdef0",
    .resource_id = "sg-0123456789abcdef0", .account = "123456789012", .region = "eu-west-1",
    .source_file = "dir with space/config:1.json", .source_record = 7, .source_line = 0, .live = true};
static cw_asset fx_db = {
    .provider = "aws", .type = "AWS::RDS::DBInstance",
    .id = "arn:aws-cn:rds:cn-north-1:111122223333:db:orders", .account = "111122223333",
    .region = "cn-north-1", .source_file = NULL, .live = true};
static cw_asset fx_user = {
    .provider = "aws", .type = "AWS::IAM::User", .id = "arn:aws:iam::123456789012:user/bob",
    .account = "123456789012", .region = "global", .source_file = "/abs/path/snap.json",
    .source_record = 3, .source_line = 99, .live = true};

static const char *const fx_inputs[] = {"snapshot.json.gz", "dir with space/config:1.json"};
static const cw_rule_meta *fx_rule_ptrs[FX_NRULES];

static cw_scan_info fx_info(void)
{
    for (size_t i = 0; i < FX_NRULES; i++) fx_rule_ptrs[i] = &fx_rules[i];
    cw_scan_info in = {.tool_version = "0.1.0", .started = "2026-01-01T00:00:00Z",
                       .inputs = fx_inputs, .ninputs = 2, .assets = 2053,
                       .rules = fx_rule_ptrs, .nrules = FX_NRULES};
    return in;
}

/* critical s3, high sg, suppressed medium rds, low s3, info user */
static void fx_findings(cw_findings *fs)
{
    cw_findings_init(fs);
    cw_finding f[] = {
        {&fx_rules[0], &fx_bucket,
         "ACL grants READ to AllUsers; no bucket or account block ignores public ACLs", NULL},
        {&fx_rules[1], &fx_sg, "ingress 0.0.0.0/0 tcp/22 (\"ssh\")", NULL},
        {&fx_rules[2], &fx_db, "StorageEncrypted is false", "legacy-db-2026"},
        {&fx_rules[3], &fx_bucket, "LoggingEnabled absent", NULL},
        {&fx_rules[4], &fx_user, "user bob has console access", NULL},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) cw_findings_add(fs, &f[i]);
    cw_findings_sort(fs, NULL);
}

/* Run a writer into memory. Returns malloc'd text; *rc gets the writer's result. */
static char *fx_run(const char *fmt, const cw_scan_info *in, const cw_findings *fs,
                    const cw_output_opts *o, int *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    const cw_output_fmt *f = cw_output_find(fmt);
    if (!m || !f) return NULL;
    int r = f->write(m, in, fs, o);
    if (rc) *rc = r;
    fclose(m);
    return buf;
}

/* ---- JSON via python3 --------------------------------------------------- */
static const char fx_py[] =
    "import json,sys\n"
    "def nodup(p):\n"
    "    d={}\n"
    "    for k,v in p:\n"
    "        if k in d: raise ValueError('duplicate key '+k)\n"
    "        d[k]=v\n"
    "    return d\n"
    "def bad(x): raise ValueError('bad constant '+x)\n"
    "t=open(sys.argv[1],encoding='utf-8',errors='strict').read()\n"
    "v=json.loads(t,object_pairs_hook=nodup,parse_constant=bad)\n"
    "out=[]\n"
    "def walk(p,v):\n"
    "    if isinstance(v,dict):\n"
    "        out.append(p+'\\t#obj '+str(len(v)))\n"
    "        for k,x in v.items(): walk(p+'.'+k if p else k,x)\n"
    "    elif isinstance(v,list):\n"
    "        out.append(p+'\\t#arr '+str(len(v)))\n"
    "        for i,x in enumerate(v): walk(p+'.'+str(i) if p else str(i),x)\n"
    "    else: out.append(p+'\\t'+json.dumps(v,ensure_ascii=False))\n"
    "walk('',v)\n"
    "sys.stdout.write('\\n'.join(out)+'\\n')\n";

static int fx_have_python(void) { return system("python3 -c 'import json' >/dev/null 2>&1") == 0; }

/* Flatten JSON text; NULL when python3 rejects it. */
static char *fx_flatten(const char *text)
{
    char in[] = "/tmp/cw_out_testXXXXXX";
    int fd = mkstemp(in);
    if (fd < 0) return NULL;
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    char py[] = "/tmp/cw_out_pyXXXXXX";
    fd = mkstemp(py);
    f = fdopen(fd, "w");
    fputs(fx_py, f);
    fclose(f);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "python3 %s %s 2>/dev/null", py, in);
    FILE *p = popen(cmd, "r");
    char *out = NULL;
    size_t cap = 0, len = 0;
    char chunk[4096];
    size_t n;
    while (p && (n = fread(chunk, 1, sizeof chunk, p)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            out = realloc(out, cap);
        }
        memcpy(out + len, chunk, n);
        len += n;
        out[len] = 0;
    }
    int st = p ? pclose(p) : -1;
    unlink(in);
    unlink(py);
    if (st != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* Value at a dotted path ("findings.0.rule.id") as JSON text ("\"x\"", "12",
 * "#obj 3", "#arr 2"), or NULL. Returned pointer is static storage. */
static const char *fx_get(const char *flat, const char *path)
{
    static char val[8192];
    size_t pl = strlen(path);
    const char *p = flat;
    while (p && *p) {
        const char *eol = strchr(p, '\n');
        size_t ll = eol ? (size_t)(eol - p) : strlen(p);
        if (ll > pl && strncmp(p, path, pl) == 0 && p[pl] == '\t') {
            size_t vl = ll - pl - 1;
            if (vl >= sizeof val) vl = sizeof val - 1;
            memcpy(val, p + pl + 1, vl);
            val[vl] = 0;
            return val;
        }
        p = eol ? eol + 1 : NULL;
    }
    return NULL;
}
#endif
