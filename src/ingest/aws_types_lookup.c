/* aws_types_lookup.c - lookups in the generated list of AWS resource types. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aws_types.h"

static int cmp(const void *k, const void *e) { return strcmp((const char *)k, *(const char *const *)e); }

/* Types AWS Config does not record whose items collectors write in the same
 * envelope with the service API's field names, and that analyzers read (IAM
 * Access Analyzer covers them; see docs/analyzers.md). */
static const char *const collected_types[] = {"AWS::EC2::Image", "AWS::EC2::Snapshot", "AWS::Glacier::Vault",
                                              "AWS::Lambda::LayerVersion"};

bool cw_aws_type_known(const char *t)
{
    if (!t) return false;
    for (size_t i = 0; i < sizeof collected_types / sizeof collected_types[0]; i++)
        if (strcmp(t, collected_types[i]) == 0) return true;
    return bsearch(t, cw_aws_types, cw_aws_ntypes, sizeof *cw_aws_types, cmp) != NULL;
}

/* Levenshtein distance, case-insensitive, capped at cap + 1. */
static size_t dist(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > lb + cap || lb > la + cap) return cap + 1;
    size_t *row = malloc((lb + 1) * sizeof *row);
    if (!row) return cap + 1;
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0], best = row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t sub = prev + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            size_t v = cur + 1 < row[j - 1] + 1 ? cur + 1 : row[j - 1] + 1;
            row[j] = v < sub ? v : sub;
            if (row[j] < best) best = row[j];
            prev = cur;
        }
        if (best > cap) {
            free(row);
            return cap + 1;
        }
    }
    size_t d = row[lb];
    free(row);
    return d;
}

const char *cw_aws_type_suggest(const char *t)
{
    if (!t) return NULL;
    size_t cap = strlen(t) / 4 + 1, best = cap + 1;
    const char *out = NULL;
    for (size_t i = 0; i < cw_aws_ntypes; i++) {
        size_t d = dist(t, cw_aws_types[i], cap);
        if (d < best) best = d, out = cw_aws_types[i];
    }
    return out;
}
