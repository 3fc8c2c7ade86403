/* envelope.h - what arrives at `watch`, unwrapped into units of work.
 *
 * A record (one NDJSON line, one HTTP body, one element of a file's
 * "configurationItems" or "Records" array) is one of:
 *   - a bare AWS Config configuration item (1.2 or 1.3 shape);
 *   - an AWS Config notification ("messageType"): a
 *     ConfigurationItemChangeNotification carries an item; an
 *     OversizedConfigurationItemChangeNotification carries only a summary and
 *     where AWS Config put the item in S3 (it must be fetched: recorded and
 *     reported, never dropped); the other types (snapshot/history delivery,
 *     compliance, scheduled) carry no item and are recorded as notices;
 *   - an SNS envelope ("Type": "Notification", the message is JSON inside the
 *     "Message" string) holding any of the above, or a SubscriptionConfirmation
 *     (its SubscribeURL must be visited to confirm the subscription);
 *   - an EventBridge event: "Config Configuration Item Change" (the detail is
 *     a notification as above) or "AWS API Call via CloudTrail" (the detail is
 *     a CloudTrail record);
 *   - a bare CloudTrail record (eventSource, eventName).
 * Anything else is a unit of kind UNKNOWN saying what was expected.
 *
 * Every unit has an id the store de-duplicates on: the CloudTrail eventID, or
 * for an item its identity "config:<resource>@<capture time>#<state id>" (so the
 * same item delivered by SNS and by EventBridge is one event), or the
 * envelope's own id (SNS MessageId, EventBridge id), or else a digest of the
 * record's text. */
#ifndef CW_WATCH_ENVELOPE_H
#define CW_WATCH_ENVELOPE_H
#include <stddef.h>
#include <stdint.h>

#include "../json/json.h"
#include "../util/arena.h"

typedef enum {
    CW_EV_ITEM = 1,   /* a configuration item to apply */
    CW_EV_CLOUDTRAIL, /* a CloudTrail management event */
    CW_EV_OVERSIZED,  /* an item too large for the notification: needs a fetch from S3 */
    CW_EV_SUBSCRIBE,  /* SNS SubscriptionConfirmation */
    CW_EV_NOTICE,     /* a notification without an item (delivery completed, compliance, ...) */
    CW_EV_UNKNOWN,    /* not something watch understands */
} cw_ev_kind;

typedef struct cw_ev {
    cw_ev_kind kind;
    const char *id;       /* de-duplication id (never NULL) */
    const char *via;      /* "sns", "eventbridge", "sns+eventbridge" or "bare" */
    const char *type;     /* resourceType (items, oversized; NULL if unknown) */
    const char *resource_id;
    const char *resource; /* canonical id: ARN, else type/resourceId (NULL if unknown) */
    const char *account, *region;
    int64_t time_us;      /* capture time, eventTime, notification time; CW_TIME_UNKNOWN */
    const cw_json *item;  /* CW_EV_ITEM: the configuration item */
    const cw_json *event; /* CW_EV_CLOUDTRAIL: the CloudTrail record */
    const char *detail;   /* OVERSIZED: the S3 location; SUBSCRIBE: the SubscribeURL;
                             NOTICE: what it was; UNKNOWN: what was expected */
} cw_ev;

typedef struct cw_evs {
    cw_ev *v;
    size_t n, cap;
} cw_evs;

const char *cw_ev_kind_name(cw_ev_kind k); /* "config-item", "cloudtrail", "oversized", ... */

/* Unwrap one parsed record into units appended to out (allocated in a;
 * strings point into the record or a). text/len, when given, is the record's
 * raw text for the digest id of records without one. Never fails: what is
 * not understood becomes an UNKNOWN unit saying why. */
void cw_envelope_unwrap(cw_arena *a, const cw_json *rec, const char *text, size_t len, cw_evs *out);
void cw_evs_free(cw_evs *e);

/* Helpers shared with the CloudTrail translation. */
/* The first of two keys holding a string (1.2/1.3 item shapes). */
const char *cw_ev_str2(const cw_json *o, const char *k1, const char *k2);
/* A JSON number as text (configurationStateId in the 1.3 shape): an
 * integer's digits, else %.17g; into buf, returned. */
const char *cw_ev_number(const cw_json *v, char buf[32]);
/* A 16-hex-digit FNV-1a digest of bytes into buf (17 bytes). */
const char *cw_ev_digest(const char *s, size_t n, char buf[17]);
#endif
