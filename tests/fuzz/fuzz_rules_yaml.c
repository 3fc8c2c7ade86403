/* fuzz_rules_yaml.c - bytes -> rule pack loader (YAML, items, conditions,
 * type checking, evidence templates). Must never crash, hang or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "rules/rules.h"
#include "rules/rules_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cw_builtin_pack p = {"fuzz.yaml", (const char *)data, size};
    cw_rules_opts o = {.builtin = false, .today = "2026-01-01"};
    cw_diags d;
    cw_diags_init(&d);
    cw_ruleset *rs = cw_rules_load_mem(&p, 1, &o, &d);
    for (size_t i = 0; i < d.n; i++) free(cw_diag_format(&d.v[i]));
    if (rs) {
        /* evaluate over an empty inventory and one asset without data */
        cw_assets s;
        cw_assets_init(&s);
        cw_json *raw = cw_json_new_obj(&s.arena);
        cw_asset a = {.provider = "aws", .type = "AWS::S3::Bucket", .id = "arn:aws:s3:::b", .resource_id = "b",
                      .raw = raw, .live = true};
        cw_assets_add(&s, &a);
        cw_assets_link(&s, NULL);
        cw_arena ar;
        cw_arena_init(&ar, 0);
        cw_findings f;
        cw_findings_init(&f);
        cw_rules_eval(rs, &s, &ar, &f, &d, NULL);
        cw_findings_free(&f);
        cw_arena_free(&ar);
        cw_assets_free(&s);
        cw_rules_free(rs);
    }
    cw_diags_free(&d);
    return 0;
}
