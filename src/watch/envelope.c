/* envelope.c - SNS, EventBridge and AWS Config notification envelopes (see envelope.h). */
#include "envelope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/strbuf.h"
#include "../util/timeutil.h"

const char *cw_ev_kind_name(cw_ev_kind k)
{
    switch (k) {
    case CW_EV_ITEM: return "config-item";
    case CW_EV_CLOUDTRAIL: return "cloudtrail";
    case CW_EV_OVERSIZED: return "oversized";
    case CW_EV_SUBSCRIBE: return "sns-subscription";
    case CW_EV_NOTICE: return "notice";
    case CW_EV_UNKNOWN: return "unknown";
    }
    return "unknown";
}

void cw_evs_free(cw_evs *e)
{
    free(e->v);
    e->v = NULL;
    e->n = e->cap = 0;
}

static cw_ev *push(cw_evs *o)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 4;
        o->v = cw_xrealloc(o->v, o->cap * sizeof *o->v);
    }
    cw_ev *e = &o->v[o->n++];
    memset(e, 0, sizeof *e);
    e->time_us = CW_TIME_UNKNOWN;
    return e;
}

const char *cw_ev_str2(const cw_json *o, const char *k1, const char *k2)
{
    const char *s = cw_json_str(cw_json_get(o, k1), NULL);
    if (!s && k2) s = cw_json_str(cw_json_get(o, k2), NULL);
    return s;
}

const char *cw_ev_digest(const char *s, size_t n, char buf[17])
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    snprintf(buf, 17, "%016llx", (unsigned long long)h);
    return buf;
}

const char *cw_ev_number(const cw_json *v, char buf[32])
{
    double d = v->u.num;
    /* an integer as digits; anything else (1e300, 1.5, found by fuzzing: a cast out of range is undefined) as %.17g */
    if (d >= -9.2e18 && d <= 9.2e18 && d == (double)(int64_t)d) snprintf(buf, 32, "%lld", (long long)(int64_t)d);
    else snprintf(buf, 32, "%.17g", d);
    return buf;
}

static int64_t time_of(const cw_json *v)
{
    const char *s = cw_json_str(v, NULL);
    return s ? cw_time_parse(s, strlen(s)) : CW_TIME_UNKNOWN;
}

/* configurationStateId: a string, or a number in the 1.3 shape */
static const char *state_id(cw_arena *a, const cw_json *v)
{
    if (!v) return NULL;
    if (v->type == CW_JSTR) return v->u.str;
    if (v->type == CW_JNUM) {
        char buf[32];
        return cw_arena_strdup(a, cw_ev_number(v, buf));
    }
    return NULL;
}

static const char *digest_id(cw_arena *a, const char *prefix, const char *text, size_t len, const cw_json *rec)
{
    char d[17];
    if (text && len) return cw_arena_printf(a, "%s:%s", prefix, cw_ev_digest(text, len, d));
    /* no raw text: digest the compact serialisation */
    cw_strbuf sb;
    cw_sb_init(&sb);
    cw_json_write(&sb, rec, -1);
    const char *r = cw_arena_printf(a, "%s:%s", prefix, cw_ev_digest(sb.buf, sb.len, d));
    cw_sb_free(&sb);
    return r;
}

/* resource identity of an item or an oversized summary */
static void identity(cw_arena *a, cw_ev *e, const cw_json *it)
{
    e->type = cw_json_str(cw_json_get(it, "resourceType"), NULL);
    e->resource_id = cw_json_str(cw_json_get(it, "resourceId"), NULL);
    e->account = cw_ev_str2(it, "awsAccountId", "accountId");
    e->region = cw_json_str(cw_json_get(it, "awsRegion"), NULL);
    const char *arn = cw_ev_str2(it, "ARN", "arn");
    if (arn && *arn) e->resource = arn;
    else if (e->type && e->resource_id) e->resource = cw_arena_printf(a, "%s/%s", e->type, e->resource_id);
    e->time_us = time_of(cw_json_get(it, "configurationItemCaptureTime"));
}

static void item_unit(cw_arena *a, cw_evs *o, const cw_json *it, const char *via)
{
    cw_ev *e = push(o);
    e->kind = CW_EV_ITEM;
    e->via = via;
    e->item = it;
    identity(a, e, it);
    if (!e->type || !e->resource_id) {
        e->kind = CW_EV_UNKNOWN;
        e->detail = "a configuration item without resourceType or resourceId";
        e->id = digest_id(a, "unknown", NULL, 0, it);
        return;
    }
    const char *sid = state_id(a, cw_json_get(it, "configurationStateId"));
    const char *cap = cw_json_str(cw_json_get(it, "configurationItemCaptureTime"), "");
    if (sid) e->id = cw_arena_printf(a, "config:%s@%s#%s", e->resource, cap, sid);
    else e->id = digest_id(a, cw_arena_printf(a, "config:%s@%s#", e->resource, cap), NULL, 0, it);
}

static void unknown(cw_arena *a, cw_evs *o, const cw_json *rec, const char *text, size_t len, const char *via,
                    const char *why)
{
    cw_ev *e = push(o);
    e->kind = CW_EV_UNKNOWN;
    e->via = via;
    e->detail = why;
    e->id = digest_id(a, "unknown", text, len, rec);
}

static bool is_item(const cw_json *r)
{
    return cw_json_get(r, "resourceType") &&
           (cw_json_get(r, "configurationItemCaptureTime") || cw_json_get(r, "configuration") ||
            cw_json_get(r, "configurationItemStatus"));
}

static bool is_cloudtrail(const cw_json *r)
{
    return cw_json_is(cw_json_get(r, "eventSource"), CW_JSTR) && cw_json_is(cw_json_get(r, "eventName"), CW_JSTR) &&
           cw_json_get(r, "eventTime");
}

static void cloudtrail_unit(cw_arena *a, cw_evs *o, const cw_json *r, const char *text, size_t len, const char *via,
                            const char *env_id)
{
    cw_ev *e = push(o);
    e->kind = CW_EV_CLOUDTRAIL;
    e->via = via;
    e->event = r;
    e->account = cw_json_str(cw_json_get(r, "recipientAccountId"), NULL);
    if (!e->account) e->account = cw_json_str(cw_json_path(r, "userIdentity.accountId"), NULL);
    e->region = cw_json_str(cw_json_get(r, "awsRegion"), NULL);
    e->time_us = time_of(cw_json_get(r, "eventTime"));
    const char *eid = cw_json_str(cw_json_get(r, "eventID"), NULL);
    if (eid) e->id = cw_arena_printf(a, "cloudtrail:%s", eid);
    else if (env_id) e->id = env_id;
    else e->id = digest_id(a, "cloudtrail", text, len, r);
}

/* an AWS Config notification (messageType) */
static void notification(cw_arena *a, cw_evs *o, const cw_json *m, const char *text, size_t len, const char *via,
                         const char *env_id)
{
    const char *mt = cw_json_str(cw_json_get(m, "messageType"), "");
    if (strcmp(mt, "ConfigurationItemChangeNotification") == 0) {
        const cw_json *it = cw_json_get(m, "configurationItem");
        if (it && it->type == CW_JOBJ) {
            item_unit(a, o, it, via);
            return;
        }
        unknown(a, o, m, text, len, via, "a ConfigurationItemChangeNotification without a configurationItem object");
        return;
    }
    if (strcmp(mt, "OversizedConfigurationItemChangeNotification") == 0) {
        cw_ev *e = push(o);
        e->kind = CW_EV_OVERSIZED;
        e->via = via;
        const cw_json *sum = cw_json_get(m, "configurationItemSummary");
        identity(a, e, sum);
        const cw_json *s3 = cw_json_get(m, "s3DeliverySummary");
        const char *loc = cw_json_str(cw_json_get(s3, "s3BucketLocation"), NULL);
        const char *err = cw_json_str(cw_json_get(s3, "errorCode"), NULL);
        e->detail = loc ? cw_arena_printf(a, "item too large for the notification: fetch s3://%s%s%s", loc,
                                          err ? "; delivery error " : "", err ? err : "")
                        : "item too large for the notification and no s3DeliverySummary.s3BucketLocation";
        const char *sid = state_id(a, cw_json_get(sum, "configurationStateId"));
        if (e->resource && sid) e->id = cw_arena_printf(a, "oversized:%s#%s", e->resource, sid);
        else e->id = env_id ? env_id : digest_id(a, "oversized", text, len, m);
        return;
    }
    /* notifications that carry no item */
    cw_ev *e = push(o);
    e->kind = CW_EV_NOTICE;
    e->via = via;
    e->time_us = time_of(cw_json_get(m, "notificationCreationTime"));
    const char *bucket = cw_json_str(cw_json_get(m, "s3Bucket"), NULL);
    const char *key = cw_json_str(cw_json_get(m, "s3ObjectKey"), NULL);
    if (!key) {
        const cw_json *keys = cw_json_get(m, "s3ObjectKeys");
        key = cw_json_str(cw_json_at(keys, 0), NULL);
    }
    e->detail = bucket && key ? cw_arena_printf(a, "%s: s3://%s/%s (deliver it to the directory source to load it)", mt,
                                                bucket, key)
                              : cw_arena_printf(a, "%s (no configuration item)", mt);
    e->id = env_id ? env_id : digest_id(a, "notice", text, len, m);
}

static void record(cw_arena *a, const cw_json *r, const char *text, size_t len, cw_evs *o, const char *via,
                   const char *env_id, int depth);

static void sns(cw_arena *a, const cw_json *r, const char *text, size_t len, cw_evs *o, const char *via, int depth)
{
    const char *type = cw_json_str(cw_json_get(r, "Type"), "");
    const char *mid = cw_json_str(cw_json_get(r, "MessageId"), NULL);
    const char *env_id = mid ? cw_arena_printf(a, "sns:%s", mid) : NULL;
    const char *v = strcmp(via, "bare") == 0 ? "sns" : cw_arena_printf(a, "%s+sns", via);
    if (strcmp(type, "SubscriptionConfirmation") == 0 || strcmp(type, "UnsubscribeConfirmation") == 0) {
        cw_ev *e = push(o);
        e->kind = strcmp(type, "SubscriptionConfirmation") == 0 ? CW_EV_SUBSCRIBE : CW_EV_NOTICE;
        e->via = v;
        e->account = NULL;
        e->time_us = time_of(cw_json_get(r, "Timestamp"));
        const char *url = cw_json_str(cw_json_get(r, "SubscribeURL"), NULL);
        const char *topic = cw_json_str(cw_json_get(r, "TopicArn"), "?");
        e->detail = e->kind == CW_EV_SUBSCRIBE
                        ? (url ? url : "a SubscriptionConfirmation without SubscribeURL")
                        : cw_arena_printf(a, "SNS UnsubscribeConfirmation for %s", topic);
        e->resource = topic;
        e->id = env_id ? env_id : digest_id(a, "sns", text, len, r);
        return;
    }
    const cw_json *msg = cw_json_get(r, "Message");
    if (strcmp(type, "Notification") != 0 || !msg) {
        unknown(a, o, r, text, len, v, cw_arena_printf(a, "an SNS envelope of Type \"%s\" (expected Notification or "
                                                          "SubscriptionConfirmation)", type));
        return;
    }
    const cw_json *inner = msg;
    if (msg->type == CW_JSTR) {
        cw_json_err err;
        inner = cw_json_parse(a, msg->u.str, msg->len, &err);
        if (!inner) {
            unknown(a, o, r, text, len, v,
                    cw_arena_printf(a, "SNS Message is not JSON: %u:%u (inside the Message string): %s", err.line,
                                    err.col, err.msg));
            if (env_id) o->v[o->n - 1].id = env_id;
            return;
        }
    }
    record(a, inner, msg->type == CW_JSTR ? msg->u.str : NULL, msg->type == CW_JSTR ? msg->len : 0, o, v, env_id,
           depth + 1);
}

static void eventbridge(cw_arena *a, const cw_json *r, const char *text, size_t len, cw_evs *o, const char *via,
                        int depth)
{
    const char *dt = cw_json_str(cw_json_get(r, "detail-type"), "");
    const char *id = cw_json_str(cw_json_get(r, "id"), NULL);
    const char *env_id = id ? cw_arena_printf(a, "eventbridge:%s", id) : NULL;
    const char *v = strcmp(via, "bare") == 0 ? "eventbridge" : cw_arena_printf(a, "%s+eventbridge", via);
    const cw_json *d = cw_json_get(r, "detail");
    if (!d || d->type != CW_JOBJ) {
        unknown(a, o, r, text, len, v, "an EventBridge event without a detail object");
        return;
    }
    if (strcmp(dt, "Config Configuration Item Change") == 0) {
        notification(a, o, d, text, len, v, env_id);
        return;
    }
    if (strcmp(dt, "AWS API Call via CloudTrail") == 0) {
        cloudtrail_unit(a, o, d, text, len, v, env_id);
        return;
    }
    cw_ev *e = push(o);
    e->kind = CW_EV_NOTICE;
    e->via = v;
    e->account = cw_json_str(cw_json_get(r, "account"), NULL);
    e->region = cw_json_str(cw_json_get(r, "region"), NULL);
    e->time_us = time_of(cw_json_get(r, "time"));
    e->detail = cw_arena_printf(a, "EventBridge \"%s\" from %s: not a configuration change watch reads", dt,
                                cw_json_str(cw_json_get(r, "source"), "?"));
    e->id = env_id ? env_id : digest_id(a, "eventbridge", text, len, r);
    (void)depth;
}

static void record(cw_arena *a, const cw_json *r, const char *text, size_t len, cw_evs *o, const char *via,
                   const char *env_id, int depth)
{
    if (!r || r->type != CW_JOBJ) {
        unknown(a, o, r, text, len, via, "a JSON object (configuration item, notification, SNS or EventBridge event)");
        return;
    }
    if (depth > 4) {
        unknown(a, o, r, text, len, via, "envelopes nested more than 4 deep");
        return;
    }
    if (cw_json_get(r, "messageType")) {
        notification(a, o, r, text, len, via, env_id);
    } else if (cw_json_get(r, "Type") && cw_json_get(r, "Message") && cw_json_get(r, "MessageId")) {
        sns(a, r, text, len, o, via, depth);
    } else if (cw_json_get(r, "Type") && cw_json_get(r, "SubscribeURL")) {
        sns(a, r, text, len, o, via, depth);
    } else if (cw_json_get(r, "detail-type") && cw_json_get(r, "detail")) {
        eventbridge(a, r, text, len, o, via, depth);
    } else if (is_cloudtrail(r)) {
        cloudtrail_unit(a, o, r, text, len, via, env_id);
    } else if (is_item(r)) {
        item_unit(a, o, r, via);
    } else if (cw_json_get(r, "configurationItems") || cw_json_get(r, "Records")) {
        /* a whole file handed over as one record (e.g. inside SNS): its elements */
        const cw_json *arr = cw_json_get(r, "configurationItems");
        if (!arr) arr = cw_json_get(r, "Records");
        if (!arr || arr->type != CW_JARR) {
            unknown(a, o, r, text, len, via, "configurationItems/Records is not an array");
            return;
        }
        for (uint32_t i = 0; i < arr->len; i++) record(a, &arr->u.items[i], NULL, 0, o, via, NULL, depth + 1);
    } else {
        unknown(a, o, r, text, len, via,
                "a configuration item (resourceType, configurationItemCaptureTime), an AWS Config notification "
                "(messageType), an SNS envelope (Type, Message), an EventBridge event (detail-type, detail) or a "
                "CloudTrail record (eventSource, eventName, eventTime)");
    }
}

void cw_envelope_unwrap(cw_arena *a, const cw_json *rec, const char *text, size_t len, cw_evs *out)
{
    record(a, rec, text, len, out, "bare", NULL, 0);
}
