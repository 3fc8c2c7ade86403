/* fx_fuzz.h - shared body of the forensics fuzz targets: one log format unit
 * over arbitrary bytes (plain or gzip), with a small line limit so the
 * over-long-line path runs too. Must never crash, hang or leak, and the counts
 * must stay consistent. Each fuzz_fx_*.c defines FX_UNIT and includes this. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "forensics/forensics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const res[] = {"dealer-exports", "myaccount/thumbnails", "b"};
    static const char *const org[] = {"111122223333"};
    static const char *const trusted[] = {"10.0.0.0/8"};
    cw_fx_window w = {INT64_MIN, INT64_MAX};
    cw_fx_opts o = {0};
    o.resources = res, o.nresources = 3;
    o.windows = &w, o.nwindows = 1;
    o.org = org, o.norg = 1;
    o.trusted = trusted, o.ntrusted = 1;
    o.max_line = 4096;
    o.gz_max_bytes = 4u << 20;
    char err[256];
    cw_fx_inv *inv = cw_fx_inv_new(&o, err, sizeof err);
    if (!inv) abort();
    cw_fx_read_mem(inv, "2024-03-01-10-00-00-FUZZ", data, size, FX_UNIT);
    const cw_fx_result *r = cw_fx_finish(inv);
    if (r->hours_covered > r->hours) __builtin_trap();
    for (size_t i = 0; i < r->nactors; i++) {
        const cw_fx_actor_out *a = &r->actors[i];
        if (a->nfull + a->npartial != a->nread) __builtin_trap();
        if (a->denied > a->requests || a->first > a->last) __builtin_trap();
    }
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull) {
        cw_fx_write_json(devnull, r);
        cw_fx_write_table(devnull, r);
        fclose(devnull);
    }
    cw_fx_inv_free(inv);
    return 0;
}
