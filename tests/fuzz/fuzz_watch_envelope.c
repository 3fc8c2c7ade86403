/* libFuzzer target: watch's envelope decoder (src/watch/envelope.c) over
 * arbitrary bytes, read the way the core reads a body: the whole input as one
 * record, and each line as an NDJSON record. Must never crash, hang or leak;
 * every unit must be usable by the core: an id, a known kind, an item for an
 * item unit (with its type and resource id), an event for a CloudTrail unit, a
 * detail for what is reported; and the same record must give the same units
 * (the ids the store de-duplicates on are stable). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "json/json.h"
#include "watch/envelope.h"

static void check_units(const cw_evs *e)
{
    for (size_t i = 0; i < e->n; i++) {
        const cw_ev *u = &e->v[i];
        if (!u->id || !*u->id || !u->via) __builtin_trap();
        switch (u->kind) {
        case CW_EV_ITEM:
            if (!u->item || u->item->type != CW_JOBJ || !u->type || !u->resource_id || !u->resource) __builtin_trap();
            if (strncmp(u->id, "config:", 7) != 0) __builtin_trap();
            break;
        case CW_EV_CLOUDTRAIL:
            if (!u->event || u->event->type != CW_JOBJ) __builtin_trap();
            break;
        case CW_EV_OVERSIZED:
        case CW_EV_SUBSCRIBE:
        case CW_EV_NOTICE:
        case CW_EV_UNKNOWN:
            if (!u->detail) __builtin_trap();
            break;
        default:
            __builtin_trap();
        }
        if (strcmp(cw_ev_kind_name(u->kind), "unknown") == 0 && u->kind != CW_EV_UNKNOWN) __builtin_trap();
    }
}

static void one(cw_arena *a, const char *text, size_t len)
{
    cw_json_err je;
    cw_json *v = cw_json_parse(a, text, len, &je);
    if (!v) return;
    cw_evs e1 = {0}, e2 = {0};
    cw_envelope_unwrap(a, v, text, len, &e1);
    check_units(&e1);
    cw_envelope_unwrap(a, v, text, len, &e2);
    if (e1.n != e2.n) __builtin_trap();
    for (size_t i = 0; i < e1.n; i++)
        if (e1.v[i].kind != e2.v[i].kind || strcmp(e1.v[i].id, e2.v[i].id) != 0) __builtin_trap();
    cw_evs_free(&e1);
    cw_evs_free(&e2);
}

/* undefined behaviour stops the run (UBSan's default only reports it) */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cw_arena a;
    cw_arena_init(&a, 0);
    const char *s = (const char *)data;
    one(&a, s, size);
    const char *nl = memchr(s, '\n', size);
    if (nl) {
        size_t pos = 0;
        while (pos < size) {
            const char *p = s + pos;
            const char *e = memchr(p, '\n', size - pos);
            size_t n = e ? (size_t)(e - p) : size - pos;
            one(&a, p, n);
            pos += n + 1;
        }
    }
    cw_arena_free(&a);
    return 0;
}
