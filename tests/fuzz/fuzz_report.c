/* libFuzzer target: the report's inputs (an investigation, a classify profile
 * or report, scan findings, the obligations data) from arbitrary bytes, then
 * every writer. The first byte picks the kind. Must never crash, hang or leak;
 * the built-in obligations must always load. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    cw_rpt *r = cw_rpt_new("fuzz", 1709542800);
    const char *text = (const char *)data + 1;
    size_t n = size - 1;
    int kind = data[0] % 4;
    if (kind == 3) {
        cw_rpt_load_obligations_text(r, "fuzz.json", text, n, NULL, 0);
    } else {
        cw_rpt_add_text(r, (cw_rpt_input)kind, "fuzz.json", text, n);
        if (cw_rpt_load_obligations(r, NULL, NULL, 0) < 0) __builtin_trap();
    }
    cw_rpt_finish(r);
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull) {
        cw_rpt_write_html(devnull, r);
        cw_rpt_write_json(devnull, r);
        cw_rpt_write_markdown(devnull, r);
        fclose(devnull);
    }
    cw_rpt_free(r);
    return 0;
}
