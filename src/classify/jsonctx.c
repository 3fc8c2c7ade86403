/* jsonctx.c - light JSON / NDJSON tracker: follows strings, nesting and the current
 * key path without building anything, so a hit inside a value knows its field
 * (customer.contact.phone -> phone context). Records: each top-level value of an
 * NDJSON stream; in a JSON document, each element of the outermost array (or the
 * whole document when it has no array). Nesting deeper than JSON_MAXDEPTH is
 * followed but gives no context. Malformed JSON never stops the scan: the tracker
 * resynchronises at the next line for NDJSON. */
#include "scan.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"

#define JSON_MAXDEPTH 64
#define JSON_KEYMAX 48
#define KCACHE 1024

enum { J_VALUE, J_KEY, J_KEY_ESC, J_STR, J_STR_ESC, J_SCALAR };

typedef struct jlevel {
    bool obj;
    bool expect_key;
    cw_ctx ctx;            /* context of the current member (or inherited for arrays) */
    uint8_t klen;
    char key[JSON_KEYMAX]; /* current member key (objects) */
} jlevel;

typedef struct kcache_ent {
    uint64_t h;
    cw_ctx ctx;
} kcache_ent;

struct cw_json_state {
    bool ndjson;
    int st;
    int depth;            /* number of open containers */
    int rec_depth;        /* depth at which record containers open (-1: unknown yet) */
    size_t fstart;
    char kbuf[JSON_KEYMAX];
    uint8_t klen;
    jlevel lv[JSON_MAXDEPTH + 1];
    kcache_ent cache[KCACHE];
};

static cw_ctx key_ctx(cw_json_state *j, const char *k, size_t kn, const char *p, size_t pn)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < kn; i++) h = (h ^ (uint8_t)k[i]) * 1099511628211ULL;
    h = (h ^ 0xFF) * 1099511628211ULL;
    for (size_t i = 0; i < pn; i++) h = (h ^ (uint8_t)p[i]) * 1099511628211ULL;
    h |= 1;
    kcache_ent *e = &j->cache[h % KCACHE];
    if (e->h == h) return e->ctx;
    e->h = h;
    e->ctx = cw_ctx_of_name(k, kn, p, pn);
    return e->ctx;
}

static inline jlevel *top(cw_json_state *j)
{
    return j->depth > 0 && j->depth <= JSON_MAXDEPTH ? &j->lv[j->depth] : NULL;
}

/* Context of a value at the current position. */
static inline cw_ctx value_ctx(cw_json_state *j)
{
    jlevel *t = top(j);
    return t ? t->ctx : 0;
}

static void push(cw_scan *s, cw_json_state *j, bool obj)
{
    cw_ctx inherit = value_ctx(j);
    if (j->depth == (j->rec_depth < 0 ? 0 : j->rec_depth)) s->rec_open = true;
    j->depth++;
    if (j->rec_depth < 0 && !obj && !j->ndjson) j->rec_depth = j->depth; /* outermost array */
    jlevel *t = top(j);
    if (t) {
        t->obj = obj;
        t->expect_key = obj;
        t->ctx = obj ? 0 : inherit;
        t->klen = 0;
    }
}

static void pop(cw_scan *s, cw_json_state *j)
{
    if (j->depth == 0) return;
    j->depth--;
    if (j->depth == (j->rec_depth < 0 ? 0 : j->rec_depth)) cw_scan_record_end(s);
}

static void end_value(cw_scan *s, cw_json_state *j, size_t end)
{
    cw_ctx ctx = value_ctx(j);
    if ((ctx & CW_CTX_FIELD_CATS) && j->fstart != CW_NOPOS) cw_scan_field(s, j->fstart, end, ctx);
    if (j->depth == 0 || j->depth == j->rec_depth) cw_scan_record_end(s); /* scalar record */
}

static void end_key(cw_json_state *j)
{
    jlevel *t = top(j);
    if (!t) return;
    jlevel *parent = NULL;
    for (int d = j->depth - 1; d >= 1 && d <= JSON_MAXDEPTH; d--)
        if (j->lv[d].obj) {
            parent = &j->lv[d];
            break;
        }
    memcpy(t->key, j->kbuf, j->klen);
    t->klen = j->klen;
    t->ctx = key_ctx(j, j->kbuf, j->klen, parent ? parent->key : NULL, parent ? parent->klen : 0);
    t->expect_key = false;
}

static void json_advance(cw_scan *s, size_t upto)
{
    cw_json_state *j = s->json;
    const uint8_t *b = s->buf;
    size_t i = s->pos;
    while (i < upto) {
        uint8_t c = b[i];
        switch (j->st) {
        case J_STR: {
            /* find the closing quote or a backslash */
            size_t k = i;
            while (k < upto && b[k] != '"' && b[k] != '\\') k++;
            if (k == upto) {
                i = upto;
                continue;
            }
            if (b[k] == '\\') {
                j->st = J_STR_ESC;
                i = k + 1;
                continue;
            }
            j->st = J_VALUE;
            end_value(s, j, k);
            s->ctx = 0;
            i = k + 1;
            continue;
        }
        case J_STR_ESC: j->st = J_STR; i++; continue;
        case J_KEY:
            if (c == '"') {
                end_key(j);
                j->st = J_VALUE;
            } else if (c == '\\') {
                j->st = J_KEY_ESC;
            } else if (j->klen < JSON_KEYMAX) {
                j->kbuf[j->klen++] = (char)c;
            }
            i++;
            continue;
        case J_KEY_ESC: j->st = J_KEY; i++; continue;
        case J_SCALAR:
            if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                j->st = J_VALUE;
                end_value(s, j, i);
                s->ctx = 0;
                continue; /* reprocess the delimiter */
            }
            i++;
            continue;
        default: break;
        }
        /* J_VALUE: structure */
        switch (c) {
        case ' ': case '\t': case '\r': case ':': break;
        case '\n':
            if (j->ndjson && j->depth != 0) { /* broken line: resynchronise */
                j->depth = 0;
                cw_scan_record_end(s);
            }
            break;
        case '"': {
            jlevel *t = top(j);
            if (t && t->obj && t->expect_key) {
                j->st = J_KEY;
                j->klen = 0;
            } else {
                j->st = J_STR;
                j->fstart = i + 1;
                s->ctx = value_ctx(j);
                if (j->depth == 0) s->rec_open = true;
            }
            break;
        }
        case '{': push(s, j, true); break;
        case '[': push(s, j, false); break;
        case '}': case ']': pop(s, j); break;
        case ',': {
            jlevel *t = top(j);
            if (t && t->obj) t->expect_key = true;
            break;
        }
        default:
            j->st = J_SCALAR;
            j->fstart = i;
            s->ctx = value_ctx(j);
            if (j->depth == 0) s->rec_open = true;
            break;
        }
        i++;
    }
    s->pos = upto;
}

static void json_chunk_begin(cw_scan *s)
{
    cw_json_state *j = s->json;
    if (j->st == J_STR || j->st == J_STR_ESC || j->st == J_SCALAR) j->fstart = CW_NOPOS;
}

static void json_finish(cw_scan *s)
{
    cw_json_state *j = s->json;
    if (j->st == J_SCALAR) end_value(s, j, s->len);
    if (s->rec_open) cw_scan_record_end(s);
}

static void json_copy(cw_scan *dst, const cw_scan *src)
{
    if (!dst->json) dst->json = cw_xcalloc(1, sizeof *dst->json);
    const cw_json_state *a = src->json;
    cw_json_state *j = dst->json;
    /* the key cache is not state: each copy keeps its own */
    memcpy(j, a, offsetof(cw_json_state, cache));
}

static void json_boundary(cw_scan *s)
{
    cw_json_state *j = s->json;
    j->st = J_VALUE;
    j->depth = 0;
    s->ctx = 0;
}

/* NDJSON between two lines: nothing open. (A JSON document is one piece.) */
static bool json_same(const cw_scan *x, const cw_scan *y)
{
    const cw_json_state *a = x->json, *b = y->json;
    return a->ndjson && b->ndjson && a->st == J_VALUE && b->st == J_VALUE && a->depth == 0 && b->depth == 0 &&
           a->rec_depth == b->rec_depth;
}

static const cw_tracker_ops json_ops = {"json", json_advance, json_chunk_begin, json_finish, json_copy, json_boundary, json_same};

void cw_json_init(cw_scan *s, bool ndjson)
{
    cw_json_state *j = cw_xcalloc(1, sizeof *j);
    j->ndjson = ndjson;
    j->rec_depth = ndjson ? 0 : -1;
    j->st = J_VALUE;
    s->json = j;
    s->trk = &json_ops;
    s->ctx = 0;
}
