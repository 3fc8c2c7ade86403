/* alert.h - alerts: what watch says when a finding opens, escalates or
 * resolves, and the sinks that carry it (NDJSON file, webhook, syslog).
 *
 * An alert is written into the store's outbox in the same transaction as the
 * change that caused it, with a pending delivery per sink; the outbox
 * (outbox.h) delivers it and marks it delivered only after the sink accepted
 * it. So delivery is at least once; the alert id is stable (a digest of the
 * finding's fingerprint, the kind and the change) for receivers to
 * de-duplicate on.
 *
 * Payload (one JSON line): alert_id, kind, created, text (Slack-compatible:
 * the one field a Slack incoming webhook reads), finding {fingerprint,
 * rule_id, title, severity, previous_severity, category, evidence}, resource
 * {id, type, resource_id, name, account, region}, change {id, event_id, kind,
 * source, event_name, actor, time}, window {opened, open_change}. */
#ifndef CW_WATCH_ALERT_H
#define CW_WATCH_ALERT_H
#include <stddef.h>
#include <stdint.h>

typedef struct cw_alert_in {
    const char *kind; /* "open", "escalate", "resolve" */
    const char *fingerprint, *rule_id, *title, *severity, *prev_severity, *category, *evidence;
    const char *resource, *resource_type, *resource_id, *resource_name, *account, *region;
    const char *change_id;    /* config:<resource>@<capture>#<state> or cloudtrail:<eventID> */
    const char *event_id;     /* the event as the store recorded it */
    const char *event_kind;   /* config-item, cloudtrail */
    const char *event_source; /* http, stdin, dir:FILE */
    const char *event_name;   /* CloudTrail eventName (NULL for items) */
    const char *actor;        /* CloudTrail userIdentity.arn (NULL for items) */
    int64_t change_us;        /* capture time / eventTime */
    int64_t window_open_us;   /* when the resource's exposure window opened (CW_TIME_UNKNOWN: none) */
    const char *window_open_change;
} cw_alert_in;

/* The stable alert id (32 hex digits) into id. */
void cw_alert_id(const char *fingerprint, const char *kind, const char *change_id, char id[33]);
/* The payload (malloc'd, one line, no newline); id filled. */
char *cw_alert_build(const cw_alert_in *in, int64_t created_us, char id[33]);

/* ---- sinks -------------------------------------------------------------- */
typedef struct cw_sink cw_sink;
typedef struct cw_webhook_opts {
    long connect_timeout_ms; /* 0 = 5000 */
    long timeout_ms;         /* 0 = 10000 */
} cw_webhook_opts;
/* path "-" = stdout. NULL with *err (malloc'd) on failure. */
cw_sink *cw_sink_file_open(const char *path, char **err);
cw_sink *cw_sink_webhook_open(const char *url, const cw_webhook_opts *o, char **err);
cw_sink *cw_sink_syslog_open(const char *ident);
/* "file", "webhook", "syslog": the store's delivery key. */
const char *cw_sink_name(const cw_sink *s);
const char *cw_sink_target(const cw_sink *s); /* the path, URL or "syslog" */
/* 0 delivered (the receiver acknowledged), -1 not (err says why). */
int cw_sink_deliver(cw_sink *s, const char *id, const char *kind, const char *payload, char *err, size_t n);
/* What the sink delivered since its last sync is acknowledged only once this
 * returns 0 (the file sink writes lines and fsyncs here, once for a batch;
 * the others deliver at once and return 0). -1: err says why; those
 * deliveries did not happen. */
int cw_sink_sync(cw_sink *s, char *err, size_t n);
void cw_sink_free(cw_sink *s);
#endif
