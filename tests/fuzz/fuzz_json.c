/* libFuzzer target: the JSON parser and the streaming reader over arbitrary
 * bytes (plain or gzip). Must never crash, hang or leak. */
#include <stddef.h>
#include <stdint.h>

#include "json/json.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cw_arena a;
    cw_arena_init(&a, 0);
    cw_json_err e;
    cw_json *v = cw_json_parse(&a, (const char *)data, size, &e);
    if (v) { /* what parses must serialise and parse back to an equal tree */
        cw_strbuf sb = CW_STRBUF_INIT;
        cw_json_write(&sb, v, -1);
        cw_json *w = cw_json_parse(&a, sb.buf, sb.len, &e);
        if (!w || !cw_json_equal(v, w)) __builtin_trap();
        cw_sb_free(&sb);
    }
    cw_jreader_opts o = {.max_record_bytes = 1 << 20, .max_decompressed = 8 << 20};
    cw_jreader *r = cw_jreader_open_mem((const char *)data, size, &o, &e);
    if (r) {
        /* differential: a valid top-level array streams back as exactly its elements */
        int check = v && v->type == CW_JARR && size > 1 && data[0] != 0x1f;
        cw_jrecord rec;
        int k, n = 0;
        uint32_t got = 0;
        while ((k = cw_jreader_next(r, &a, &rec, &e)) != 0 && n++ < 100000) {
            if (!check) continue;
            if (k < 0 || got >= v->len || !cw_json_equal(rec.value, &v->u.items[got])) __builtin_trap();
            got++;
        }
        if (check && got != v->len) __builtin_trap();
        cw_jreader_close(r);
    }
    cw_arena_free(&a);
    return 0;
}
