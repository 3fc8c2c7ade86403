/* forensics.h - `investigate`: access logs -> did anyone outside read or copy.
 *
 * Pipeline: each input file is given to one registered unit (a parser for one
 * log format: S3 server access logs, CloudTrail files and NDJSON exports, GCS
 * usage logs, Azure Storage Analytics logs), chosen by content sniffing. A unit
 * streams the file (plain or gzip, bounded memory) and hands every request it
 * reads, normalised into a cw_fx_event, to the investigation (cw_fx_inv), which
 *   - marks the hour of the record as covered for its source,
 *   - drops records of other resources and outside the window,
 *   - decides who is outside (anonymous, other accounts, presigned URLs used
 *     from untrusted addresses; internal principals and AWS services are not),
 *   - de-duplicates requests seen in two sources by request id,
 *   - folds external requests into one record per actor.
 * Memory is bounded by the number of external actors, objects they touched and
 * external request ids, never by the size of the logs.
 *
 * Ownership: strings in an event point into the unit's buffers and are valid
 * for the duration of cw_fx_add(); the investigation copies what it keeps into
 * its own arena. A cw_fx_inv is used by one thread. Nothing here exits. */
#ifndef CW_FORENSICS_H
#define CW_FORENSICS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../util/diag.h"

typedef enum {
    CW_FX_SRC_S3,         /* S3 server access logs */
    CW_FX_SRC_CLOUDTRAIL, /* CloudTrail data events */
    CW_FX_SRC_GCS,        /* Cloud Storage usage logs */
    CW_FX_SRC_AZURE,      /* Azure Storage Analytics logs */
    CW_FX_SRC__COUNT
} cw_fx_source;
const char *cw_fx_source_name(cw_fx_source s); /* "s3-access-log", ... */

typedef enum {
    CW_FX_OP_READ,   /* object body (GetObject, GetBlob, a server-side copy's source) */
    CW_FX_OP_HEAD,   /* object metadata */
    CW_FX_OP_LIST,   /* enumeration of keys */
    CW_FX_OP_WRITE,  /* PutObject, uploads */
    CW_FX_OP_DELETE,
    CW_FX_OP_PERMS,  /* ACL / policy / public access block changes */
    CW_FX_OP_OTHER,  /* other bucket or object sub-resources */
} cw_fx_opclass;

typedef enum {
    CW_FX_WHO_ANONYMOUS, /* no credentials */
    CW_FX_WHO_PRINCIPAL, /* an IAM principal or account: account set */
    CW_FX_WHO_CANONICAL, /* an S3 canonical user id only (requester field) */
    CW_FX_WHO_SERVICE,   /* an AWS service acting on its own behalf */
    CW_FX_WHO_NAMED,     /* another provider's identity (Azure account, tenant) */
    CW_FX_WHO_UNKNOWN,   /* the log carries no identity (GCS usage logs) */
} cw_fx_who;

typedef enum { CW_FX_AUTH_UNKNOWN, CW_FX_AUTH_HEADER, CW_FX_AUTH_QUERY, CW_FX_AUTH_NONE } cw_fx_auth;

typedef struct cw_fx_str {
    const char *p;
    size_t n;
} cw_fx_str;

/* One request, as a unit read it. Strings may be empty (n == 0) when the log
 * has no such field or says "-". */
typedef struct cw_fx_event {
    cw_fx_source source;
    cw_fx_opclass opclass;
    cw_fx_who who;
    cw_fx_auth auth;
    int64_t time;           /* Unix seconds, UTC */
    cw_fx_str bucket;       /* bucket / container ("account/container" on Azure) */
    cw_fx_str key;          /* object key, decoded */
    cw_fx_str op;           /* API name: GetObject, ListObjects, ... */
    cw_fx_str principal;    /* ARN, canonical id, account name, service name */
    cw_fx_str account;      /* 12-digit AWS account (or tenant / account name) when known */
    cw_fx_str owner;        /* the resource owner's id as the log states it */
    cw_fx_str ip;           /* client address without port */
    cw_fx_str user_agent;
    cw_fx_str request_id;   /* same id in S3 logs and CloudTrail (de-duplication) */
    int status;             /* HTTP status; 0 unknown (CloudTrail success is 200) */
    bool denied;            /* 401/403 or AccessDenied */
    bool ranged;            /* the request asked for a byte range */
    bool copy_source;       /* server-side copy out of the resource: a full copy */
    int64_t bytes_sent;     /* -1 unknown */
    int64_t object_size;    /* -1 unknown */
    uint64_t line;          /* line (or record) in the file, 1-based */
} cw_fx_event;

typedef struct cw_fx_inv cw_fx_inv;

/* ---- configuration ----------------------------------------------------- */
typedef struct cw_fx_window {
    int64_t from, to; /* Unix seconds, [from, to); INT64_MIN/INT64_MAX = open */
} cw_fx_window;

typedef struct cw_fx_opts {
    const char *const *resources; /* bucket names or ARNs (gs://, Azure URLs accepted) */
    size_t nresources;
    const cw_fx_window *windows;  /* exposure windows; at least one */
    size_t nwindows;
    const char *const *org;       /* internal accounts: 12-digit ids, canonical ids, tenant ids, names */
    size_t norg;
    const char *const *trusted;   /* CIDRs from which presigned URLs are internal use */
    size_t ntrusted;
    size_t max_line;              /* longest accepted line or record (0 = 1 MiB) */
    uint64_t gz_max_bytes;        /* gzip bomb limits (0 = defaults) */
    uint64_t gz_max_ratio;
} cw_fx_opts;

/* Parse "FROM..TO" (ISO 8601 dates or times, either end may be empty = open)
 * into w. Returns 0, or -1 with a message in err. */
int cw_fx_parse_window(const char *s, cw_fx_window *w, char *err, size_t errlen);
/* Parse an ISO 8601 date or date-time (Z or +hh:mm offset) into Unix seconds.
 * Returns 0 or -1. */
int cw_fx_parse_time(const char *s, size_t n, int64_t *out);
/* "2024-03-01T05:00:00Z" into buf (at least 21 bytes). */
char *cw_fx_format_time(int64_t t, char *buf, size_t len);

/* NULL with err set when an option is malformed (a CIDR, an empty resource). */
cw_fx_inv *cw_fx_inv_new(const cw_fx_opts *o, char *err, size_t errlen);
void cw_fx_inv_free(cw_fx_inv *inv);

/* ---- units (one per log format) ---------------------------------------- */
/* A file being read: its name for messages and where the unit reports. */
typedef struct cw_fx_file {
    const char *path;         /* as given; "-" = stdin */
    const void *mem;          /* when set: read from memory instead of path */
    size_t mem_len;
    cw_fx_inv *inv;
    cw_fx_source source;
    uint64_t records, bad;    /* counted by units through cw_fx_add / cw_fx_bad */
    int64_t last_time;        /* out-of-order detection */
    uint64_t out_of_order, first_ooo_line;
    int64_t name_hour;        /* delivery hour from the file name, INT64_MIN unknown */
    bool unordered;           /* exports in no particular order: no order check */
    uint64_t other_count, other_first_line; /* records of other resources */
    char other_name[80];
    uint64_t problems;        /* problems reported for this file */
    uint64_t bytes_bad;
} cw_fx_file;

typedef struct cw_fx_unit {
    const char *name;         /* "s3-access-log", ... (--log-format) */
    const char *summary;
    cw_fx_source source;
    /* 0..100: how sure the unit is that head[0..n) (decompressed start of the
     * file) is its format. */
    int (*sniff)(const char *head, size_t n);
    /* Read the whole file, calling cw_fx_add for each request and cw_fx_bad
     * for each record it cannot read. 0 = read to the end, -1 = the file could
     * not be read on (already reported through cw_fx_bad). */
    int (*run)(cw_fx_file *f);
} cw_fx_unit;

extern const cw_fx_unit *const cw_fx_units[]; /* NULL-terminated */
const cw_fx_unit *cw_fx_unit_find(const char *name);

/* Read one input with the named unit (NULL = by sniffing). Problems are
 * reported into the investigation's diagnostics; returns 0 when the file was
 * read to its end, -1 when it could not be (unreadable, unknown format). */
int cw_fx_read_file(cw_fx_inv *inv, const char *path, const char *unit);
int cw_fx_read_mem(cw_fx_inv *inv, const char *name, const void *data, size_t len, const char *unit);

/* Called by units. */
void cw_fx_add(cw_fx_file *f, const cw_fx_event *e);
/* A record that could not be read: reported with file and line, counted. */
void cw_fx_bad(cw_fx_file *f, uint64_t line, uint64_t bytes, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A note about the file (not a skipped record). */
void cw_fx_note(cw_fx_file *f, uint64_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Every hour the source was delivering logs at all (CloudTrail: any record of
 * the trail, whichever resource it names). */
void cw_fx_alive(cw_fx_file *f, int64_t t);

/* ---- results ------------------------------------------------------------- */
typedef enum { CW_FX_KIND_ANONYMOUS, CW_FX_KIND_EXTERNAL_ACCOUNT, CW_FX_KIND_PRESIGNED } cw_fx_kind;
const char *cw_fx_kind_name(cw_fx_kind k); /* "anonymous", "external-account", "presigned-external" */

typedef enum {
    CW_FX_GAP_NO_LOGS,        /* no record of the source in that hour */
    CW_FX_GAP_BEFORE_LOGGING, /* before the source's first record: logging was not on (or not given) */
    CW_FX_GAP_UNREADABLE,     /* the hour's log file could not be read (whole or in part) */
    CW_FX_GAP_NO_DATA_EVENTS, /* CloudTrail delivered, but no data event of the resource at all */
} cw_fx_gapkind;
const char *cw_fx_gapkind_name(cw_fx_gapkind k);

typedef struct cw_fx_gap {
    cw_fx_source source;
    cw_fx_gapkind kind;
    int64_t from, to; /* whole hours, [from, to) */
} cw_fx_gap;

typedef struct cw_fx_actor_out {
    cw_fx_kind kind;
    const char *id;
    int64_t first, last;
    const char **ips, **user_agents, **operations, **objects_read, **full_copies, **partial_reads;
    size_t nips, nuas, nops, nread, nfull, npartial;
    bool ips_capped, uas_capped;
    uint64_t bytes_sent, requests, denied;
    bool listed;
    bool succeeded; /* at least one request that was not refused */
} cw_fx_actor_out;

typedef struct cw_fx_source_out {
    cw_fx_source source;
    uint64_t files, files_unreadable, records, records_resource, records_in_window, records_bad,
        bytes_unreadable, out_of_order;
    int64_t first, last;        /* first and last record of the resource, INT64_MIN if none */
    uint64_t hours_covered;     /* hours of the window with a record */
    bool data_events;           /* CloudTrail: data events of the resource were seen */
} cw_fx_source_out;

typedef enum { CW_FX_VERDICT_YES, CW_FX_VERDICT_NONE_FOUND, CW_FX_VERDICT_UNKNOWN } cw_fx_verdict;

typedef struct cw_fx_result {
    const char *const *resources;
    size_t nresources;
    const cw_fx_window *windows;
    size_t nwindows;
    cw_fx_actor_out *actors;  /* sorted by first request, then id */
    size_t nactors;
    cw_fx_gap *gaps;          /* by source, then time */
    size_t ngaps;
    cw_fx_source_out sources[CW_FX_SRC__COUNT];
    uint64_t hours;           /* hours in the window(s) */
    uint64_t hours_covered;   /* hours with a record of any source */
    double coverage;          /* percent, 0..100 */
    cw_fx_verdict verdict;
    char verdict_text[96];    /* "evidence of external access: none found (coverage 87%)" */
    uint64_t internal_requests, service_requests, duplicates, other_resource, outside_window;
    uint64_t files_unrecognised; /* inputs of no known log format */
    uint64_t objects_read, full_copies, bytes_sent, denied;
    const cw_diags *problems; /* every problem with file and line */
} cw_fx_result;

/* Finish the investigation (after every file) and return its result, owned by
 * inv. May be called once. */
const cw_fx_result *cw_fx_finish(cw_fx_inv *inv);

/* Output (fxout.c). 0, or -1 on a write error. */
int cw_fx_write_json(FILE *out, const cw_fx_result *r);
int cw_fx_write_table(FILE *out, const cw_fx_result *r);
#endif
