/* aws_types.h - the resource types AWS Config records (aws_types.c is
 * generated from AWS's service model by scripts/gen-aws-types.py). Used to
 * catch misspelled types (AWS::S3::Bukket) in rule packs and filters. */
#ifndef CW_AWS_TYPES_H
#define CW_AWS_TYPES_H
#include <stdbool.h>
#include <stddef.h>

extern const char *const cw_aws_types[]; /* sorted, NULL-terminated */
extern const size_t cw_aws_ntypes;

/* True when t is one of them (exact, case-sensitive as AWS spells them). */
bool cw_aws_type_known(const char *t);
/* The known type closest to t (edit distance, case-insensitive), or NULL
 * when none is close enough to be a typo. */
const char *cw_aws_type_suggest(const char *t);
#endif
