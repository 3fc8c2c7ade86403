/* libFuzzer target: the JSON parser and the streaming reader over arbitrary
 * bytes (plain or gzip). Must never crash, hang or leak. */
#include <stddef.h>
#include <stdint.h>

#include "json/json.h"
#include "util/strbuf.h"

/* A projection with every kind of node: kept whole, projected, dropped, linked. */
static const cw_jproj *projection(void)
{
    static cw_arena pa;
    static cw_jproj *p;
    if (p) return p;
    cw_arena_init(&pa, 0);
    p = cw_jproj_new(&pa, true);
    cw_jproj_keep(&pa, p, "a.b");
    cw_jproj_keep(&pa, p, "a.C.d");
    cw_jproj_keep(&pa, p, "x.y.z");
    cw_jproj_link(&pa, p, "e", p);
    cw_jproj_freeze(&pa, p);
    return p;
}

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
        /* parsing with a projection = projecting the whole tree */
        cw_json *pv = cw_json_parse_proj(&a, (const char *)data, size, projection(), &e);
        if (!pv) __builtin_trap();
        cw_json_project(&a, w, projection());
        if (!cw_json_equal(pv, w)) __builtin_trap();
    } else if (cw_json_parse_proj(&a, (const char *)data, size, projection(), &e)) {
        __builtin_trap(); /* a projection never makes invalid JSON acceptable */
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
