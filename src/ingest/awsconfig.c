/* awsconfig.c - AWS Config adapter.
 *
 * Accepts, record by record:
 *   - configuration items, 1.2 shape (version, accountId, arn) and 1.3 shape
 *     (configurationItemVersion, awsAccountId, ARN), as found in configuration
 *     snapshot and history files (streamed from "configurationItems") or alone;
 *   - change notifications ({configurationItemDiff, configurationItem, messageType});
 *   - the same wrapped by SNS ({"Type":"Notification","Message":"<json>"}) or
 *     EventBridge ({"detail-type":..., "detail":{...}}).
 * JSON that AWS Config stores inside strings (S3 AccessControlList,
 * BucketPolicy.policyText, Elasticsearch accessPolicies, URL-encoded IAM policy
 * documents) is decoded in place so rules and analyzers see structure. */
#include <ctype.h>
#include <string.h>

#include "ingest.h"
#include "awsconfig.h"
#include "../util/strbuf.h"

#define MAX_UNWRAP 4

static const char *jstr(const cw_json *item, const char *k1, const char *k2)
{
    const cw_json *v = cw_json_get(item, k1);
    if (!v && k2) v = cw_json_get(item, k2);
    if (v && v->type == CW_JSTR && v->len) return v->u.str;
    return NULL;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Replace string values that hold JSON documents by their parsed value. */
static void decode_embedded(cw_arena *a, cw_json *v, int depth)
{
    if (depth > 64) return;
    if (v->type == CW_JOBJ) {
        for (uint32_t i = 0; i < v->len; i++) decode_embedded(a, &v->u.members[i].val, depth + 1);
    } else if (v->type == CW_JARR) {
        for (uint32_t i = 0; i < v->len; i++) decode_embedded(a, &v->u.items[i], depth + 1);
    } else if (v->type == CW_JSTR && v->len >= 2) {
        const char *s = v->u.str;
        unsigned char c0 = (unsigned char)s[0];
        if (c0 != '{' && c0 != '[' && c0 != '%' && !isspace(c0)) return; /* the usual case: plain text */
        size_t n = v->len, k = 0;
        while (k < n && isspace((unsigned char)s[k])) k++;
        if (k < n && (s[k] == '{' || s[k] == '[')) {
            cw_json_err err;
            cw_json *p = cw_json_parse(a, s, n, &err);
            if (p && (p->type == CW_JOBJ || p->type == CW_JARR)) *v = *p;
        } else if (n > 6 && s[0] == '%' && (strncmp(s, "%7B", 3) == 0 || strncmp(s, "%7b", 3) == 0)) {
            /* URL-encoded JSON (IAM policy documents) */
            char *d = cw_arena_alloc(a, n + 1);
            size_t j = 0;
            for (size_t i = 0; i < n; i++) {
                if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
                    d[j++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
                    i += 2;
                } else if (s[i] == '+') {
                    d[j++] = ' ';
                } else {
                    d[j++] = s[i];
                }
            }
            d[j] = 0;
            cw_json_err err;
            cw_json *p = cw_json_parse(a, d, j, &err);
            if (p && p->type == CW_JOBJ) *v = *p;
        }
    }
}

/* Tags: {k: v} or [{key, value}] or [{tagKey/Key, tagValue/Value}] -> {k: v}. */
static const cw_json *normalise_tags(cw_arena *a, const cw_json *t)
{
    if (!t) return NULL;
    if (t->type == CW_JOBJ) return t;
    if (t->type != CW_JARR) return NULL;
    cw_json *o = cw_json_new_obj(a);
    for (uint32_t i = 0; i < t->len; i++) {
        const cw_json *e = &t->u.items[i];
        const char *k = cw_json_str(cw_json_get_ci(e, "key"), NULL);
        if (!k) k = cw_json_str(cw_json_get_ci(e, "tagKey"), NULL);
        const cw_json *val = cw_json_get_ci(e, "value");
        if (!val) val = cw_json_get_ci(e, "tagValue");
        if (k && val) cw_json_obj_set(a, o, k, val);
    }
    return o;
}

int cw_awsconfig_is_item(const cw_json *v)
{
    if (!v || v->type != CW_JOBJ) return 0;
    const cw_json *rt = cw_json_get(v, "resourceType");
    return rt && (cw_json_get(v, "configurationItemCaptureTime") || cw_json_get(v, "configuration") ||
                  cw_json_get(v, "resourceId"));
}

/* Every message type AWS Config sends (to SNS, to EventBridge as the
 * detail, and to rule Lambdas), from AWS Config's developer guide
 * ("Notifications that AWS Config sends to an Amazon SNS topic" and its
 * examples). Only ConfigurationItemChangeNotification carries an item; the
 * others are skipped with a note that says what they were, and oversized
 * ones with a warning naming the resource whose full item must be fetched. */
enum { MSG_ITEM, MSG_OVERSIZED, MSG_INFO };
static const struct msg_type {
    const char *name;
    int kind;
    const char *what;
} msg_types[] = {
    {"ConfigurationItemChangeNotification", MSG_ITEM, "a configuration item change"},
    {"OversizedConfigurationItemChangeNotification", MSG_OVERSIZED, "an oversized configuration item change"},
    {"OversizedConfigurationItemChangeDeliveryFailed", MSG_OVERSIZED,
     "an oversized configuration item change whose delivery to S3 failed"},
    {"ConfigurationSnapshotDeliveryStarted", MSG_INFO, "a configuration snapshot delivery start"},
    {"ConfigurationSnapshotDeliveryCompleted", MSG_INFO, "a configuration snapshot delivery"},
    {"ConfigurationSnapshotDeliveryFailed", MSG_INFO, "a failed configuration snapshot delivery"},
    {"ConfigurationHistoryDeliveryCompleted", MSG_INFO, "a configuration history delivery"},
    {"ConfigurationHistoryDeliveryFailed", MSG_INFO, "a failed configuration history delivery"},
    {"ComplianceChangeNotification", MSG_INFO, "a Config rule compliance change"},
    {"ConfigRulesEvaluationStarted", MSG_INFO, "a Config rules evaluation start"},
    {"ScheduledNotification", MSG_INFO, "a periodic Config rule trigger"},
    {NULL, 0, NULL},
};

static const struct msg_type *msg_type_of(const char *mt)
{
    for (const struct msg_type *t = msg_types; mt && t->name; t++)
        if (strcmp(t->name, mt) == 0) return t;
    return NULL;
}

int cw_awsconfig_message_known(const char *mt) { return msg_type_of(mt) != NULL; }

/* The note for a message that carries no item (on d, at the record). */
static void skipped_message(cw_diags *d, const char *file, const cw_jrecord *rec, const cw_json *v, const char *mt,
                            const struct msg_type *t)
{
    if (t && t->kind == MSG_OVERSIZED) {
        const cw_json *sum = cw_json_get(v, "configurationItemSummary");
        const cw_json *del = cw_json_get(v, "s3DeliverySummary");
        const char *type = jstr(sum, "resourceType", NULL), *rid = jstr(sum, "resourceId", NULL);
        const char *arn = jstr(sum, "ARN", "arn"), *when = jstr(sum, "configurationItemCaptureTime", NULL);
        const char *loc = jstr(del, "s3BucketLocation", NULL), *ec = jstr(del, "errorCode", NULL);
        cw_strbuf sb = CW_STRBUF_INIT;
        cw_sb_printf(&sb, "AWS Config %s message (%s) carries only a summary: the state of %s %s", mt, t->what,
                     type ? type : "(no resourceType)", rid ? rid : "(no resourceId)");
        if (arn) cw_sb_printf(&sb, " (%s)", arn);
        if (when) cw_sb_printf(&sb, " captured at %s", when);
        cw_sb_adds(&sb, " is not known until its full configuration item is fetched");
        if (loc) cw_sb_printf(&sb, " from %s", loc);
        if (ec) cw_sb_printf(&sb, " (delivery to S3 failed: %s)", ec);
        if (type && rid)
            cw_sb_printf(&sb, " or with 'aws configservice get-resource-config-history --resource-type %s "
                              "--resource-id %s --limit 1'", type, rid);
        cw_sb_adds(&sb, " and scanned");
        cw_diag_add(d, CW_DIAG_WARNING, file, rec->line, rec->col, rec->index, NULL, "%s", sb.buf);
        cw_sb_free(&sb);
        return;
    }
    if (t) {
        const char *extra = NULL;
        const char *bucket = jstr(v, "s3Bucket", NULL), *key = jstr(v, "s3ObjectKey", NULL);
        if (bucket && key) extra = "s3";
        cw_diag_add(d, CW_DIAG_NOTE, file, rec->line, rec->col, rec->index, NULL,
                    "AWS Config %s message (%s) carries no configuration item; skipped%s%s%s%s%s", mt,
                    t->what, extra ? " (the delivered file is s3://" : "", extra ? bucket : "", extra ? "/" : "",
                    extra ? key : "", extra ? ": scan that file)" : "");
        return;
    }
    cw_diag_add(d, CW_DIAG_NOTE, file, rec->line, rec->col, rec->index, NULL,
                "AWS Config message type '%s' is not one cloudwarden knows and carries no configuration item; "
                "skipped", mt);
}

/* Unwrap notification envelopes down to a configuration item. Returns the
 * item, NULL when the record is a message that carries none (*skip set, a
 * note added to d), or NULL with *why set when the shape is not understood.
 * The message type is looked at before anything else: a compliance change
 * names a resourceType and resourceId too, and is not an item. */
static cw_json *unwrap(cw_arena *a, cw_json *v, const char *file, const cw_jrecord *rec, cw_diags *d, int *skip,
                       const char **why)
{
    for (int depth = 0; depth < MAX_UNWRAP && v; depth++) {
        if (v->type != CW_JOBJ) {
            *why = "expected a configuration item object";
            return NULL;
        }
        const char *mt = jstr(v, "messageType", NULL);
        const struct msg_type *t = msg_type_of(mt);
        if (mt && (!t || t->kind != MSG_ITEM)) {
            skipped_message(d, file, rec, v, mt, t);
            *skip = 1;
            return NULL;
        }
        cw_json *ci = cw_json_getm(v, "configurationItem");
        if (ci) {
            v = ci;
            continue;
        }
        if (t) { /* a ConfigurationItemChangeNotification with no item */
            *why = "ConfigurationItemChangeNotification without a configurationItem object";
            return NULL;
        }
        if (cw_awsconfig_is_item(v)) return v;
        const char *dt = jstr(v, "detail-type", NULL);
        cw_json *detail = cw_json_getm(v, "detail");
        if (detail && dt) {
            if (detail->type == CW_JOBJ && !cw_json_get(detail, "messageType") &&
                !cw_json_get(detail, "configurationItem") && !cw_awsconfig_is_item(detail) &&
                strncmp(dt, "Config ", 7) == 0) {
                cw_diag_add(d, CW_DIAG_NOTE, file, rec->line, rec->col, rec->index, NULL,
                            "EventBridge event '%s' from AWS Config carries no configuration item; skipped", dt);
                *skip = 1;
                return NULL;
            }
            v = detail;
            continue;
        }
        cw_json *msg = cw_json_getm(v, "Message");
        if (msg && msg->type == CW_JSTR) {
            cw_json_err err;
            v = cw_json_parse(a, msg->u.str, msg->len, &err);
            if (!v) {
                *why = "SNS Message is not valid JSON";
                return NULL;
            }
            continue;
        }
        if (msg && msg->type == CW_JOBJ) { /* as AWS's documentation prints it */
            v = msg;
            continue;
        }
        *why = "expected an AWS Config configuration item (an object with resourceType and "
               "configurationItemCaptureTime), a change notification, or a snapshot file";
        return NULL;
    }
    *why = "too many nested notification envelopes";
    return NULL;
}

static int field_type_error(cw_diags *d, const char *file, const cw_jrecord *rec, const char *field,
                            const char *expected)
{
    cw_diag_add(d, CW_DIAG_ERROR, file, rec->line, rec->col, rec->index, NULL,
                "configuration item field '%s' must be %s", field, expected);
    return -1;
}

/* The item fields prepare reads, found in one pass over the members (the
 * first of duplicate keys wins, as with cw_json_get). */
typedef struct item_fields {
    const cw_json *type, *rid, *rname, *ARN, *arn, *region, *acct, *acct12, *status, *ctime, *rels, *tags;
    cw_json *conf, *supp;
} item_fields;

#define KEY_IS(lit) (kl == sizeof lit - 1 && memcmp(k, lit, sizeof lit - 1) == 0)
#define TAKE(field) ((field) = (field) ? (field) : v)

static void item_scan(cw_json *item, item_fields *f)
{
    memset(f, 0, sizeof *f);
    for (uint32_t i = 0; i < item->len; i++) {
        cw_jmember *m = &item->u.members[i];
        const char *k = m->key;
        uint32_t kl = cw_jkeylen(m);
        cw_json *v = &m->val;
        switch (kl) {
        case 3:
            if (KEY_IS("ARN")) TAKE(f->ARN);
            else if (KEY_IS("arn")) TAKE(f->arn);
            break;
        case 4:
            if (KEY_IS("tags")) TAKE(f->tags);
            break;
        case 9:
            if (KEY_IS("awsRegion")) TAKE(f->region);
            else if (KEY_IS("accountId")) TAKE(f->acct12);
            break;
        case 10:
            if (KEY_IS("resourceId")) TAKE(f->rid);
            break;
        case 12:
            if (KEY_IS("resourceType")) TAKE(f->type);
            else if (KEY_IS("resourceName")) TAKE(f->rname);
            else if (KEY_IS("awsAccountId")) TAKE(f->acct);
            break;
        case 13:
            if (KEY_IS("configuration")) TAKE(f->conf);
            else if (KEY_IS("relationships")) TAKE(f->rels);
            break;
        case 23:
            if (KEY_IS("configurationItemStatus")) TAKE(f->status);
            break;
        case 26:
            if (KEY_IS("supplementaryConfiguration")) TAKE(f->supp);
            break;
        case 28:
            if (KEY_IS("configurationItemCaptureTime")) TAKE(f->ctime);
            break;
        default: break;
        }
    }
#ifdef CW_PROJ_CHECK
    /* the sanitizer build checks these reads against the declared projection
     * (project() below); this list mirrors the switch above and is kept apart
     * from project()'s on purpose, so that a read missing there is caught */
    static const char *const names[] = {"ARN", "arn", "tags", "awsRegion", "accountId", "resourceId", "resourceType",
                                        "resourceName", "awsAccountId", "configuration", "relationships",
                                        "configurationItemStatus", "supplementaryConfiguration",
                                        "configurationItemCaptureTime", NULL};
    for (const char *const *n = names; *n; n++) (void)cw_json_get(item, *n);
#endif
}

/* A non-empty string value, or NULL. */
static const char *sval(const cw_json *v)
{
    return v && v->type == CW_JSTR && v->len ? v->u.str : NULL;
}

/* The first of two fields that holds a non-empty string (1.3 name, 1.2 name). */
static const char *sval2(const cw_json *v, const cw_json *alt)
{
    const char *s = sval(v);
    return s ? s : sval(alt);
}

/* The capture time, parsed once: ISO 8601 text as AWS Config writes it
 * (2024-01-01T00:00:00.000Z; other tools write +00:00 offsets, no fraction,
 * or more digits), or epoch seconds as the Config API returns them (then
 * also formatted as text for the outputs). A time that does not parse is
 * kept as text, with a warning: it loses to any known time. */
static void capture_time(cw_arena *a, const cw_json *v, const char *file, const cw_jrecord *rec, cw_diags *d,
                         cw_asset *as)
{
    as->capture_time = NULL;
    as->capture_us = CW_TIME_UNKNOWN;
    if (v && v->type == CW_JNUM) {
        double secs = v->u.num;
        if (secs > -1e11 && secs < 1e11) {
            as->capture_us = (int64_t)(secs * 1e6 + (secs < 0 ? -0.5 : 0.5));
            char buf[48];
            cw_time_format(as->capture_us, buf, sizeof buf);
            as->capture_time = cw_arena_strdup(a, buf);
        } else {
            cw_diag_add(d, CW_DIAG_WARNING, file, rec->line, rec->col, rec->index, NULL,
                        "configurationItemCaptureTime %g is not a time in epoch seconds; this item loses to any "
                        "other capture of the same resource", secs);
        }
        return;
    }
    if (!(as->capture_time = sval(v))) return;
    as->capture_us = cw_time_parse(v->u.str, v->len);
    if (as->capture_us == CW_TIME_UNKNOWN)
        cw_diag_add(d, CW_DIAG_WARNING, file, rec->line, rec->col, rec->index, NULL,
                    "configurationItemCaptureTime '%.*s%s' is not an ISO 8601 time; this item loses to any other "
                    "capture of the same resource",
                    (int)(v->len > 60 ? 60 : v->len), v->u.str, v->len > 60 ? "..." : "");
}

/* Fill *as from a configuration item; allocations in a only (thread-safe). */
static int item_prepare(cw_arena *a, cw_json *item, const char *file, const cw_jrecord *rec, cw_diags *d,
                        cw_asset *out)
{
    item_fields f;
    item_scan(item, &f);
    const struct {
        const char *name;
        const cw_json *v;
    } str_fields[] = {{"resourceType", f.type}, {"resourceId", f.rid}, {"resourceName", f.rname}, {"ARN", f.ARN},
                      {"arn", f.arn}, {"awsRegion", f.region}, {"awsAccountId", f.acct}, {"accountId", f.acct12},
                      {"configurationItemStatus", f.status}, {"configurationItemCaptureTime", f.ctime}};
    for (size_t i = 0; i < sizeof str_fields / sizeof str_fields[0]; i++) {
        const cw_json *v = str_fields[i].v;
        if (v == f.ctime && v && v->type == CW_JNUM) continue; /* the Config API's epoch seconds */
        if (v && v->type != CW_JSTR && v->type != CW_JNULL)
            return field_type_error(d, file, rec, str_fields[i].name, "a string");
    }
    const cw_json *rels = f.rels;
    if (rels && rels->type != CW_JARR && rels->type != CW_JNULL)
        return field_type_error(d, file, rec, "relationships", "an array");
    cw_json *conf = f.conf;
    if (conf && conf->type == CW_JSTR) decode_embedded(a, conf, 0); /* some types store it as a string */
    if (conf && conf->type != CW_JOBJ && conf->type != CW_JNULL && conf->type != CW_JARR)
        return field_type_error(d, file, rec, "configuration", "an object");
    const char *type = sval(f.type);
    if (!type) return field_type_error(d, file, rec, "resourceType", "a non-empty string");

    cw_asset as;
    memset(&as, 0, sizeof as);
    as.provider = "aws";
    as.type = type;
    as.resource_id = sval(f.rid);
    as.name = sval(f.rname);
    as.account = sval2(f.acct, f.acct12);
    as.region = sval(f.region);
    as.status = sval(f.status);
    capture_time(a, f.ctime, file, rec, d, &as);
    const char *arn = sval2(f.ARN, f.arn);
    if (arn) as.id = arn;
    else if (as.resource_id) as.id = cw_arena_printf(a, "%s/%s", type, as.resource_id);
    else if (as.name) as.id = cw_arena_printf(a, "%s/%s", type, as.name);
    else return field_type_error(d, file, rec, "resourceId", "present (the item names no resource)");
    if (!as.resource_id) as.resource_id = as.name ? as.name : as.id;
    as.live = !(as.status && (strcmp(as.status, "ResourceDeleted") == 0 ||
                              strcmp(as.status, "ResourceNotRecorded") == 0 ||
                              strcmp(as.status, "ResourceDeletedNotRecorded") == 0));
    if (conf) decode_embedded(a, conf, 0);
    cw_json *supp = f.supp;
    if (supp) decode_embedded(a, supp, 0);
    as.raw = item;
    as.tags = normalise_tags(a, f.tags);
    if (rels && rels->type == CW_JARR && rels->len) {
        as.rels = cw_arena_zalloc(a, rels->len * sizeof *as.rels);
        for (uint32_t i = 0; i < rels->len; i++) {
            const cw_json *r = &rels->u.items[i];
            cw_rel *o = &as.rels[as.nrels];
            o->type = jstr(r, "resourceType", NULL);
            o->resource_id = jstr(r, "resourceId", NULL);
            o->resource_name = jstr(r, "resourceName", NULL);
            o->name = jstr(r, "relationshipName", "name");
            if (!o->resource_id) o->resource_id = o->resource_name;
            if (o->type || o->resource_id) as.nrels++;
        }
    }
    as.source_file = file;
    as.source_record = rec->index;
    as.source_line = rec->line;
    *out = as;
    return 0;
}

int cw_awsconfig_item_to_asset(cw_assets *s, cw_json *item, const char *file, const cw_jrecord *rec,
                               cw_diags *d, cw_asset **out)
{
    cw_asset as;
    if (item_prepare(&s->arena, item, file, rec, d, &as) < 0) return -1;
    cw_asset *stored = cw_assets_add(s, &as);
    if (out) *out = stored;
    return 0;
}

static int sniff(const cw_json *header, const cw_json *first)
{
    if (header && (cw_json_get(header, "fileVersion") || cw_json_get(header, "configurationItems"))) return 100;
    if (cw_awsconfig_is_item(first)) return 100;
    if (first && first->type == CW_JOBJ &&
        (cw_json_get(first, "configurationItem") || cw_json_get(first, "configurationItemDiff")))
        return 100;
    if (first && first->type == CW_JOBJ && cw_json_get(first, "detail-type")) {
        const char *dt = cw_json_str(cw_json_get(first, "detail-type"), "");
        if (strstr(dt, "Config")) return 90;
    }
    if (first && first->type == CW_JOBJ && msg_type_of(jstr(first, "messageType", NULL))) return 100;
    const cw_json *msg = first && first->type == CW_JOBJ ? cw_json_get(first, "Message") : NULL;
    if (msg && msg->type == CW_JSTR) {
        const char *m = msg->u.str;
        if (strstr(m, "configurationItem")) return 90;
        if (strstr(m, "\"messageType\""))
            for (const struct msg_type *t = msg_types; t->name; t++)
                if (strstr(m, t->name)) return 90;
    }
    if (msg && msg->type == CW_JOBJ && msg_type_of(jstr(msg, "messageType", NULL))) return 90;
    return 0;
}

static int prepare(cw_arena *a, const char *file, const cw_jrecord *rec, cw_diags *d, cw_asset *out)
{
    int skip = 0;
    const char *why = NULL;
    cw_json *item = unwrap(a, rec->value, file, rec, d, &skip, &why);
    if (!item) {
        if (skip) return 0;
        cw_diag_add(d, CW_DIAG_ERROR, file, rec->line, rec->col, rec->index, NULL, "%s", why);
        return -1;
    }
    return item_prepare(a, item, file, rec, d, out) < 0 ? -1 : 1;
}

/* What prepare, unwrap and sniff read of a record: the item fields above,
 * whether configuration and supplementaryConfiguration exist (their members
 * are what rules and analyzers declare), and the envelopes: change
 * notifications hold the item in configurationItem, EventBridge events in
 * detail (which may itself be a notification). */
static void project(cw_arena *a, cw_jproj *item)
{
    static const char *const whole[] = {"resourceType", "resourceId", "resourceName", "ARN", "arn", "awsRegion",
                                        "awsAccountId", "accountId", "configurationItemStatus",
                                        "configurationItemCaptureTime", "relationships", "tags", "detail-type",
                                        "Message", "messageType", "configurationItemSummary",
                                        "s3DeliverySummary", "s3Bucket", "s3ObjectKey", NULL};
    for (const char *const *k = whole; *k; k++) cw_jproj_keep(a, item, *k);
    static const char *const present[] = {"configuration", "supplementaryConfiguration", "configurationItemDiff",
                                          NULL};
    for (const char *const *k = present; *k; k++) (void)cw_jproj_child(a, item, *k, strlen(*k));
    cw_jproj_link(a, item, "configurationItem", item);
    cw_jproj_link(a, item, "detail", item);
}

static const char *const stream_keys[] = {"configurationItems", NULL};

const cw_adapter cw_adapter_awsconfig = {
    "aws-config",
    "AWS Config snapshot, history, configuration item or change notification (JSON, NDJSON, gzip)",
    sniff,
    prepare,
    project,
    stream_keys,
};
