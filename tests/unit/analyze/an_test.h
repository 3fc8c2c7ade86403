/* an_test.h - helpers for the analyzer unit tests: build assets from AWS
 * Config items written as JSON text. */
#ifndef AN_TEST_H
#define AN_TEST_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "analyze/analyze_int.h"
#include "json/json.h"
#include "model/model.h"

#define OWNER "111122223333"

static inline const char *an_str(const cw_json *o, const char *k)
{
    const cw_json *v = cw_json_get(o, k);
    return v && v->type == CW_JSTR ? v->u.str : NULL;
}

/* Add the configuration item text (1.2 or 1.3 shape) as an asset. */
static inline cw_asset *an_add(cw_assets *s, const char *text)
{
    cw_json_err err;
    cw_json *j = cw_json_parse(&s->arena, text, strlen(text), &err);
    if (!j) fprintf(stderr, "test item does not parse: %s at %u:%u\n%s\n", err.msg, err.line, err.col, text);
    assert_non_null(j);
    cw_asset a;
    memset(&a, 0, sizeof a);
    a.provider = "aws";
    a.type = an_str(j, "resourceType");
    a.resource_id = an_str(j, "resourceId");
    a.name = an_str(j, "resourceName");
    a.account = an_str(j, "awsAccountId") ? an_str(j, "awsAccountId") : an_str(j, "accountId");
    a.region = an_str(j, "awsRegion");
    a.status = "OK";
    a.capture_time = an_str(j, "configurationItemCaptureTime");
    a.capture_us = a.capture_time ? cw_time_parse(a.capture_time, strlen(a.capture_time)) : CW_TIME_UNKNOWN;
    const char *arn = an_str(j, "ARN") ? an_str(j, "ARN") : an_str(j, "arn");
    a.id = arn ? arn : cw_arena_printf(&s->arena, "%s/%s", a.type, a.resource_id);
    if (!a.resource_id) a.resource_id = a.name ? a.name : a.id;
    a.live = true;
    a.raw = j;
    const cw_json *tags = cw_json_get(j, "tags");
    a.tags = tags && tags->type == CW_JOBJ ? tags : NULL;
    const cw_json *rels = cw_json_get(j, "relationships");
    if (rels && rels->type == CW_JARR && rels->len) {
        a.rels = cw_arena_zalloc(&s->arena, rels->len * sizeof *a.rels);
        for (uint32_t i = 0; i < rels->len; i++) {
            cw_rel *r = &a.rels[a.nrels++];
            r->type = an_str(&rels->u.items[i], "resourceType");
            r->resource_id = an_str(&rels->u.items[i], "resourceId");
            r->resource_name = an_str(&rels->u.items[i], "resourceName");
            r->name = an_str(&rels->u.items[i], "relationshipName");
            if (!r->resource_id) r->resource_id = r->resource_name;
        }
    }
    return cw_assets_add(s, &a);
}

/* an_add with single quotes standing for double quotes. */
static inline cw_asset *an_addq(cw_assets *s, const char *text)
{
    char *t = cw_arena_strdup(&s->arena, text);
    for (char *p = t; *p; p++)
        if (*p == '\'') *p = '"';
    return an_add(s, t);
}

/* Item text: type, id, configuration JSON, supplementary JSON (NULL = {}).
 * Single quotes in conf and supp stand for double quotes (\\' for \"). */
static inline cw_asset *an_item(cw_assets *s, const char *type, const char *id, const char *arn, const char *conf,
                                const char *supp)
{
    char *t = cw_arena_printf(&s->arena,
                              "{\"configurationItemVersion\":\"1.3\",\"awsAccountId\":\"" OWNER "\","
                              "\"configurationItemCaptureTime\":\"2024-01-01T00:00:00.000Z\","
                              "\"configurationItemStatus\":\"OK\",\"resourceType\":\"%s\",\"resourceId\":\"%s\","
                              "\"resourceName\":\"%s\",%s%s%s\"awsRegion\":\"us-east-1\",\"tags\":{},"
                              "\"relationships\":[],\"configuration\":%s,\"supplementaryConfiguration\":%s}",
                              type, id, id, arn ? "\"ARN\":\"" : "", arn ? arn : "", arn ? "\"," : "", conf,
                              supp ? supp : "{}");
    for (char *p = t; *p; p++)
        if (*p == '\'') *p = '"';
    return an_add(s, t);
}

static inline const cw_json *an_fact(const cw_asset *a, const char *name)
{
    return cw_json_path(a->facts, name);
}

static inline bool an_bool(const cw_asset *a, const char *name)
{
    const cw_json *v = an_fact(a, name);
    if (!v || v->type != CW_JBOOL) {
        fprintf(stderr, "fact %s is not a boolean\n", name);
        fail();
    }
    return v->b;
}

static inline const char *an_fstr(const cw_asset *a, const char *name)
{
    const cw_json *v = an_fact(a, name);
    return v && v->type == CW_JSTR ? v->u.str : NULL;
}

/* Does the list fact contain the string (or number written as text)? */
static inline bool an_has(const cw_asset *a, const char *name, const char *want)
{
    const cw_json *v = an_fact(a, name);
    if (!v || v->type != CW_JARR) return false;
    for (uint32_t i = 0; i < v->len; i++) {
        const cw_json *e = &v->u.items[i];
        if (e->type == CW_JSTR && strcmp(e->u.str, want) == 0) return true;
        if (e->type == CW_JNUM && e->is_int && (long long)e->u.num == atoll(want)) return true;
    }
    return false;
}

static inline size_t an_len(const cw_asset *a, const char *name)
{
    const cw_json *v = an_fact(a, name);
    return v && v->type == CW_JARR ? v->len : (size_t)-1;
}
#endif
