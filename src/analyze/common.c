/* common.c - facts every resource gets (resource.*, data.customer) and
 * encryption / backup facts where AWS Config records them uniformly.
 *
 * AWS Config 1.2 items say accountId/arn, 1.3 items awsAccountId/ARN; the
 * adapter already maps both onto the asset, and missing account or region is
 * taken from the ARN here. data.customer is true when a data-classification
 * tag (data-class, dataclass, data_classification, DataClassification,
 * classification; any case, '-', '_' ignored) names customer or personal data
 * (customer, customer-data, pii, personal, personal-data, phi; a list
 * separated by ',', ';', '/', '+' or spaces may hold several). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "analyze_int.h"

static void squash(const char *in, size_t n, char *out, size_t cap)
{
    size_t j = 0;
    for (size_t i = 0; i < n && j + 1 < cap; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '-' || c == '_' || c == ' ' || c == '.' || c == ':') continue;
        out[j++] = (char)tolower(c);
    }
    out[j] = 0;
}

static bool class_key(const char *k)
{
    char b[64];
    squash(k, strlen(k), b, sizeof b);
    return strcmp(b, "dataclass") == 0 || strcmp(b, "dataclassification") == 0 || strcmp(b, "classification") == 0;
}

static bool customer_value(const char *v)
{
    static const char *const words[] = {"customer", "customerdata", "pii", "personal", "personaldata", "phi"};
    while (*v) {
        size_t n = strcspn(v, ",;/+ ");
        char b[64];
        squash(v, n, b, sizeof b);
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            if (strcmp(b, words[i]) == 0) return true;
        v += n;
        if (*v) v++;
    }
    return false;
}

/* Field i (0-based) of an ARN into buf; false when absent or empty. */
static bool arn_field(const char *arn, int idx, char *buf, size_t cap)
{
    if (!arn || strncmp(arn, "arn:", 4) != 0) return false;
    const char *p = arn;
    for (int i = 0; i < idx; i++) {
        p = strchr(p, ':');
        if (!p) return false;
        p++;
    }
    size_t n = strcspn(p, ":");
    if (!n || n >= cap) return false;
    memcpy(buf, p, n);
    buf[n] = 0;
    return true;
}

static void encryption(cw_assets *s, cw_asset *a)
{
    const cw_json *c = cw_conf(a), *supp = cw_supp(a);
    const char *t = a->type;
    if (strcmp(t, "AWS::RDS::DBInstance") == 0 || strcmp(t, "AWS::RDS::DBCluster") == 0) {
        cw_fact_bool(s, a, "rds.encrypted", cw_is_true(cw_json_get_ci(c, "storageEncrypted")));
    } else if (strcmp(t, "AWS::EC2::Volume") == 0) {
        cw_fact_bool(s, a, "ebs.encrypted", cw_is_true(cw_json_get_ci(c, "encrypted")));
    } else if (strcmp(t, "AWS::Redshift::Cluster") == 0) {
        cw_fact_bool(s, a, "redshift.encrypted", cw_is_true(cw_json_get_ci(c, "encrypted")));
    } else if (strcmp(t, "AWS::DynamoDB::Table") == 0) {
        /* every table is encrypted at rest; SSEDescription appears when a KMS key is used */
        cw_fact_bool(s, a, "dynamodb.encrypted", true);
        const char *st = cw_json_str(cw_get_path_ci(c, "sseDescription.status"), "");
        cw_fact_bool(s, a, "dynamodb.sse_kms", strcasecmp(st, "ENABLED") == 0 || strcasecmp(st, "ENABLING") == 0 ||
                                                   strcasecmp(st, "UPDATING") == 0);
        const cw_json *pitr =
            cw_get_path_ci(supp, "ContinuousBackupsDescription.pointInTimeRecoveryDescription.pointInTimeRecoveryStatus");
        if (pitr) cw_fact_bool(s, a, "dynamodb.pitr", strcasecmp(cw_json_str(pitr, ""), "ENABLED") == 0);
    } else if (strcmp(t, "AWS::Elasticsearch::Domain") == 0 || strcmp(t, "AWS::OpenSearch::Domain") == 0 ||
               strcmp(t, "AWS::OpenSearchService::Domain") == 0) {
        cw_fact_bool(s, a, "opensearch.encrypted", cw_is_true(cw_get_path_ci(c, "EncryptionAtRestOptions.Enabled")));
    }
}

void cw_an_common(cw_assets *s)
{
    for (size_t i = 0; i < s->n; i++) {
        cw_asset *a = s->v[i];
        if (!a->live || !a->type) continue;
        cw_fact_str(s, a, "resource.type", a->type);
        cw_fact_str(s, a, "resource.id", a->id);
        cw_fact_str(s, a, "resource.name", a->name ? a->name : a->resource_id);
        char buf[64];
        const char *acct = a->account;
        if (!acct && arn_field(a->id, 4, buf, sizeof buf)) acct = cw_arena_strdup(&s->arena, buf);
        cw_fact_str(s, a, "resource.account", acct);
        const char *region = a->region;
        if (!region && arn_field(a->id, 3, buf, sizeof buf)) region = cw_arena_strdup(&s->arena, buf);
        cw_fact_str(s, a, "resource.region", region);
        bool cust = false;
        const cw_json *tags = a->tags;
        for (uint32_t k = 0; tags && tags->type == CW_JOBJ && k < tags->len && !cust; k++) {
            const cw_jmember *m = &tags->u.members[k];
            if (class_key(m->key) && m->val.type == CW_JSTR) cust = customer_value(m->val.u.str);
        }
        cw_fact_bool(s, a, "data.customer", cust);
        encryption(s, a);
    }
}
