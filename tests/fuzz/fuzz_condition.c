/* fuzz_condition.c - bytes -> condition lexer, parser and type checker. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "rules/rules.h"
#include "rules/rules_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cw_diags d;
    cw_diags_init(&d);
    cw_rules_check_condition((const char *)data, size, &d);
    for (size_t i = 0; i < d.n; i++) free(cw_diag_format(&d.v[i]));
    cw_diags_free(&d);
    return 0;
}
