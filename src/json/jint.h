/* jint.h - internals shared by the JSON layer's files. */
#ifndef CW_JINT_H
#define CW_JINT_H
#include "json.h"
#include "../util/diag.h"

#define CW_XSTR(x) #x
#define CW_STR(x) CW_XSTR(x)

#ifdef __cplusplus
extern "C" {
#endif
/* Strict validation on the error path: 0 valid, -1 with err->offset/msg set
 * (line/col not set). */
int cw_json_locate(const char *buf, size_t len, cw_json_err *err);
/* For valid JSON simdjson rejected: locate an unrepresentable number. */
int cw_json_locate_number(const char *buf, size_t len, cw_json_err *err);
/* Parse when buf has CW_JSON_PADDING readable bytes after len (no copy). */
/* Shared copy of a short string in arena a (per-thread cache of the parser). */
const char *cw_json_intern(cw_arena *a, const char *s, size_t n);
cw_json *cw_json_parse_padded(cw_arena *a, const char *buf, size_t len, const cw_jproj *p, cw_json_err *err);
/* Projection nodes (jproj.c). serial is unique per node for the process's
 * lifetime, so a cache keyed by it never confuses a freed node with a new one. */
typedef struct cw_jproj_ent {
    const char *key; /* lowercased copy */
    uint32_t len;
    uint32_t hash;
    cw_jproj *child; /* NULL: keep the whole value */
} cw_jproj_ent;

struct cw_jproj {
    bool keep_rest; /* members not listed are kept whole (true) or dropped */
    bool frozen;
    uint32_t n, cap;
    cw_jproj_ent *v;
    uint32_t *slots; /* open addressing: index + 1, 0 = empty */
    uint32_t mask;
    uint64_t serial;
    const cw_jproj *model; /* cw_jproj_set_model */
};

#ifdef CW_PROJ_CHECK
/* Sanitizer builds: a projected object has b == CW_PROJ_CHECK_FLAG and a hidden
 * member before its members naming its projection node (jproj.c). */
#define CW_PROJ_CHECK_FLAG 0xC7
void cw_proj_check_tag(cw_jmember *hidden, const cw_jproj *p);
void cw_proj_check_read(const cw_json *obj, const char *key, size_t n);
#endif
#ifdef __cplusplus
}
#endif
#endif
