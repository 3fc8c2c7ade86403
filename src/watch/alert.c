/* alert.c - alert ids and payloads (see alert.h). */
#include "alert.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../util/hmap.h"
#include "../util/strbuf.h"
#include "../util/timeutil.h"

void cw_alert_id(const char *fingerprint, const char *kind, const char *change_id, char id[33])
{
    cw_strbuf sb;
    cw_sb_init(&sb);
    cw_sb_adds(&sb, fingerprint ? fingerprint : "");
    cw_sb_addc(&sb, '\x1f');
    cw_sb_adds(&sb, kind ? kind : "");
    cw_sb_addc(&sb, '\x1f');
    cw_sb_adds(&sb, change_id ? change_id : "");
    uint64_t h1 = cw_hash_bytes(sb.buf, sb.len);
    cw_sb_addc(&sb, '\x1e');
    uint64_t h2 = cw_hash_bytes(sb.buf, sb.len);
    cw_sb_free(&sb);
    snprintf(id, 33, "%016" PRIx64 "%016" PRIx64, h1, h2);
}

static void kv(cw_strbuf *sb, bool *first, const char *k, const char *v)
{
    if (!*first) cw_sb_addc(sb, ',');
    *first = false;
    cw_sb_add_json_cstr(sb, k);
    cw_sb_addc(sb, ':');
    if (v) cw_sb_add_json_cstr(sb, v);
    else cw_sb_adds(sb, "null");
}

static void kv_time(cw_strbuf *sb, bool *first, const char *k, int64_t us)
{
    char b[40];
    if (us == CW_TIME_UNKNOWN) {
        kv(sb, first, k, NULL);
        return;
    }
    cw_time_format(us, b, sizeof b);
    kv(sb, first, k, b);
}

static void open_obj(cw_strbuf *sb, bool *first, const char *k)
{
    if (!*first) cw_sb_addc(sb, ',');
    *first = false;
    cw_sb_add_json_cstr(sb, k);
    cw_sb_adds(sb, ":{");
}

static const char *verb(const char *kind)
{
    if (strcmp(kind, "open") == 0) return "OPENED";
    if (strcmp(kind, "escalate") == 0) return "ESCALATED";
    if (strcmp(kind, "resolve") == 0) return "RESOLVED";
    return kind;
}

char *cw_alert_build(const cw_alert_in *in, int64_t created_us, char id[33])
{
    cw_alert_id(in->fingerprint, in->kind, in->change_id, id);
    /* the Slack-compatible text: one sentence a person reads in a channel */
    cw_strbuf t;
    cw_sb_init(&t);
    char when[40] = "";
    if (in->change_us != CW_TIME_UNKNOWN) cw_time_format(in->change_us, when, sizeof when);
    cw_sb_printf(&t, "[cloudwarden] %s %s", verb(in->kind), in->severity ? in->severity : "?");
    if (in->prev_severity && strcmp(in->kind, "escalate") == 0) cw_sb_printf(&t, " (was %s)", in->prev_severity);
    cw_sb_printf(&t, " %s: %s on %s", in->rule_id ? in->rule_id : "?", in->title ? in->title : "",
                 in->resource ? in->resource : "?");
    if (in->account) cw_sb_printf(&t, " (account %s%s%s)", in->account, in->region ? ", " : "",
                                  in->region ? in->region : "");
    if (in->evidence && *in->evidence) cw_sb_printf(&t, ". %s", in->evidence);
    if (in->event_name) cw_sb_printf(&t, ". Caused by %s%s%s", in->event_name, in->actor ? " by " : "",
                                     in->actor ? in->actor : "");
    else cw_sb_adds(&t, ". Caused by a configuration change");
    if (*when) cw_sb_printf(&t, " at %s", when);
    if (in->window_open_us != CW_TIME_UNKNOWN && strcmp(in->kind, "resolve") != 0) {
        char w[40];
        cw_time_format(in->window_open_us, w, sizeof w);
        cw_sb_printf(&t, "; exposed since %s", w);
    } else if (in->window_open_us != CW_TIME_UNKNOWN) {
        char w[40];
        cw_time_format(in->window_open_us, w, sizeof w);
        cw_sb_printf(&t, "; the exposure window opened %s", w);
    }
    cw_sb_addc(&t, '.');

    cw_strbuf sb;
    cw_sb_init(&sb);
    bool f = true;
    cw_sb_addc(&sb, '{');
    kv(&sb, &f, "alert_id", id);
    kv(&sb, &f, "kind", in->kind);
    kv_time(&sb, &f, "created", created_us);
    kv(&sb, &f, "text", t.buf);
    bool g = true;
    open_obj(&sb, &f, "finding");
    kv(&sb, &g, "fingerprint", in->fingerprint);
    kv(&sb, &g, "rule_id", in->rule_id);
    kv(&sb, &g, "title", in->title);
    kv(&sb, &g, "severity", in->severity);
    kv(&sb, &g, "previous_severity", in->prev_severity);
    kv(&sb, &g, "category", in->category);
    kv(&sb, &g, "evidence", in->evidence);
    cw_sb_addc(&sb, '}');
    g = true;
    open_obj(&sb, &f, "resource");
    kv(&sb, &g, "id", in->resource);
    kv(&sb, &g, "type", in->resource_type);
    kv(&sb, &g, "resource_id", in->resource_id);
    kv(&sb, &g, "name", in->resource_name);
    kv(&sb, &g, "account", in->account);
    kv(&sb, &g, "region", in->region);
    cw_sb_addc(&sb, '}');
    g = true;
    open_obj(&sb, &f, "change");
    kv(&sb, &g, "id", in->change_id);
    kv(&sb, &g, "event_id", in->event_id);
    kv(&sb, &g, "kind", in->event_kind);
    kv(&sb, &g, "source", in->event_source);
    kv(&sb, &g, "event_name", in->event_name);
    kv(&sb, &g, "actor", in->actor);
    kv_time(&sb, &g, "time", in->change_us);
    cw_sb_addc(&sb, '}');
    g = true;
    open_obj(&sb, &f, "window");
    kv_time(&sb, &g, "opened", in->window_open_us);
    kv(&sb, &g, "open_change", in->window_open_change);
    cw_sb_addc(&sb, '}');
    cw_sb_addc(&sb, '}');
    cw_sb_free(&t);
    return cw_sb_detach(&sb);
}
