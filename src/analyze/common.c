/* common.c - facts every resource gets (data.customer; account and region
 * completed from the ARN on the asset itself, read by rules as resource.*) and
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

static bool is_sep(unsigned char c) { return c == '-' || c == '_' || c == ' ' || c == '.' || c == ':'; }

static void squash(const char *in, size_t n, char *out, size_t cap)
{
    size_t j = 0;
    for (size_t i = 0; i < n && j + 1 < cap; i++) {
        unsigned char c = (unsigned char)in[i];
        if (is_sep(c)) continue;
        out[j++] = (char)tolower(c);
    }
    out[j] = 0;
}

/* squash(s) == word (lower case), without building the squashed copy: every
 * resource's tags are checked, and most keys differ at their first letter. */
static bool squash_eq(const char *s, const char *word)
{
    const unsigned char *p = (const unsigned char *)s;
    for (;; p++) {
        unsigned char c = *p;
        if (is_sep(c)) continue;
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c | 0x20);
        if (c != (unsigned char)*word) return false;
        if (!c) return true;
        word++;
    }
}

static bool class_key(const char *k)
{
    return squash_eq(k, "dataclass") || squash_eq(k, "dataclassification") || squash_eq(k, "classification");
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

typedef void (*enc_fn)(cw_factset *fs, const cw_json *c, const cw_json *supp);

static void enc_rds(cw_factset *fs, const cw_json *c, const cw_json *supp)
{
    (void)supp;
    cw_fs_bool(fs, "rds.encrypted", cw_is_true(cw_json_get_ci(c, "storageEncrypted")));
}

static void enc_ebs(cw_factset *fs, const cw_json *c, const cw_json *supp)
{
    (void)supp;
    cw_fs_bool(fs, "ebs.encrypted", cw_is_true(cw_json_get_ci(c, "encrypted")));
}

static void enc_redshift(cw_factset *fs, const cw_json *c, const cw_json *supp)
{
    (void)supp;
    cw_fs_bool(fs, "redshift.encrypted", cw_is_true(cw_json_get_ci(c, "encrypted")));
}

static void enc_dynamodb(cw_factset *fs, const cw_json *c, const cw_json *supp)
{
    /* every table is encrypted at rest; SSEDescription appears when a KMS key is used */
    cw_fs_bool(fs, "dynamodb.encrypted", true);
    const char *st = cw_json_str(cw_get_path_ci(c, "sseDescription.status"), "");
    cw_fs_bool(fs, "dynamodb.sse_kms", strcasecmp(st, "ENABLED") == 0 || strcasecmp(st, "ENABLING") == 0 ||
                                           strcasecmp(st, "UPDATING") == 0);
    const cw_json *pitr =
        cw_get_path_ci(supp, "ContinuousBackupsDescription.pointInTimeRecoveryDescription.pointInTimeRecoveryStatus");
    if (pitr) cw_fs_bool(fs, "dynamodb.pitr", strcasecmp(cw_json_str(pitr, ""), "ENABLED") == 0);
}

static void enc_search(cw_factset *fs, const cw_json *c, const cw_json *supp)
{
    (void)supp;
    cw_fs_bool(fs, "opensearch.encrypted", cw_is_true(cw_get_path_ci(c, "EncryptionAtRestOptions.Enabled")));
}

static const struct {
    const char *type;
    enc_fn fn;
} enc_table[] = {
    {"AWS::RDS::DBInstance", enc_rds},
    {"AWS::RDS::DBCluster", enc_rds},
    {"AWS::EC2::Volume", enc_ebs},
    {"AWS::Redshift::Cluster", enc_redshift},
    {"AWS::DynamoDB::Table", enc_dynamodb},
    {"AWS::Elasticsearch::Domain", enc_search},
    {"AWS::OpenSearch::Domain", enc_search},
    {"AWS::OpenSearchService::Domain", enc_search},
};

static void common_one(cw_assets *s, cw_asset *a)
{
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    /* resource.* are the asset's own fields (the rules read them there);
     * fill account and region from the ARN when the item lacks them */
    char buf[64];
    if (!a->account && arn_field(a->id, 4, buf, sizeof buf)) a->account = cw_arena_strdup(&s->arena, buf);
    if (!a->region && arn_field(a->id, 3, buf, sizeof buf)) a->region = cw_arena_strdup(&s->arena, buf);
    bool cust = false;
    const cw_json *tags = a->tags;
    for (uint32_t k = 0; tags && tags->type == CW_JOBJ && k < tags->len && !cust; k++) {
        const cw_jmember *m = &tags->u.members[k];
        if (class_key(m->key) && m->val.type == CW_JSTR) cust = customer_value(m->val.u.str);
    }
    cw_fs_bool(&fs, "data.customer", cust);
    cw_fs_commit(&fs);
}

static void enc_one(cw_assets *s, cw_asset *a, size_t k)
{
    cw_factset fs;
    cw_fs_init(&fs, s, a);
    enc_table[k].fn(&fs, cw_conf(a), cw_supp(a));
    cw_fs_commit(&fs);
}

void cw_an_common_part(cw_assets *s, unsigned part, unsigned nparts)
{
    if (s->target_v) { /* the incremental path: only the targeted assets, not a walk over the estate */
        for (size_t i = part; i < s->target_n; i += nparts) {
            cw_asset *a = s->target_v[i];
            if (a->live && a->type && cw_an_target(s, a)) common_one(s, a);
        }
        for (size_t k = 0; k < sizeof enc_table / sizeof enc_table[0]; k++)
            for (size_t i = 0; i < s->target_n; i++) {
                cw_asset *a = s->target_v[i];
                if (a->index % nparts == part && a->type && strcmp(a->type, enc_table[k].type) == 0 &&
                    a->live && cw_an_target(s, a)) /* the type lists hold the live ones */
                    enc_one(s, a, k);
            }
        return;
    }
    /* assets lie far apart: fetch each two steps ahead, then what this loop
     * reads of it (its tags and facts; cw_assets_prefetch_ahead also fetches
     * the item, which only a few types need here, and is slower) */
    const size_t ahead = 4 * (size_t)nparts;
    for (size_t i = part; i < s->n; i += nparts) {
        if (i + 2 * ahead < s->n) __builtin_prefetch(s->v[i + 2 * ahead]);
        if (i + ahead < s->n) {
            const cw_asset *n = s->v[i + ahead];
            __builtin_prefetch(n->tags), __builtin_prefetch(n->facts);
        }
        cw_asset *a = s->v[i];
        if (!a->live || !a->type || !cw_an_target(s, a)) continue;
        common_one(s, a);
    }
    for (size_t k = 0; k < sizeof enc_table / sizeof enc_table[0]; k++) {
        const cw_asset_list *l = cw_assets_of_type(s, enc_table[k].type);
        for (size_t i = 0; i < l->n; i++) {
            if (l->v[i]->index % nparts != part || !cw_an_target(s, l->v[i])) continue;
            enc_one(s, l->v[i], k);
        }
    }
}

void cw_an_common(cw_assets *s) { cw_an_common_part(s, 0, 1); }
