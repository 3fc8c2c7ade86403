/* report.h - `cloudwarden report`: the incident report.
 *
 * Reads what exists - investigation results (investigate --format json), data
 * profiles and reports of classify, scan findings, exposure windows - into one
 * model (cw_rpt), adds the notification obligations of each jurisdiction from
 * a data file (data/notification-obligations.json, embedded at build time)
 * with deadlines computed from the discovery time, and renders the model as a
 * self-contained HTML page, JSON or Markdown. Every free-text value that comes
 * from the data (object keys, user agents, samples) passes through the same
 * masking as classify before it is kept.
 *
 * Ownership: everything in a cw_rpt lives in its arena; cw_rpt_free releases
 * it. Nothing here exits; errors come back as messages with file and line. */
#ifndef CW_REPORT_H
#define CW_REPORT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../util/arena.h"
#include "../util/diag.h"

typedef struct cw_rpt_window {
    int64_t from, to; /* Unix seconds; INT64_MIN/INT64_MAX open */
    const char *resource;
} cw_rpt_window;

typedef struct cw_rpt_category {
    const char *name;
    uint64_t occurrences, distinct;
    const char *samples[5]; /* masked */
    int nsamples;
} cw_rpt_category;

typedef struct cw_rpt_country {
    const char *code;
    uint64_t values;  /* values attributed to the country; 0 when only presence is known */
    bool counted;
} cw_rpt_country;

typedef struct cw_rpt_actor {
    const char *id, *kind, *source; /* source: the investigation file */
    int64_t first, last;
    uint64_t objects_read, full_copies, partial_reads, bytes_sent, denied, requests;
    bool listed;
    const char **objects; /* up to 20 full copies (or reads), masked */
    size_t nobjects;
    const char **user_agents; /* up to 5, masked */
    size_t nuas;
    const char **ips;
    size_t nips;
} cw_rpt_actor;

typedef struct cw_rpt_gap {
    const char *source;
    int64_t from, to;
    const char *kind;
} cw_rpt_gap;

typedef struct cw_rpt_investigation {
    const char *file;
    const char *verdict, *external_access;
    double coverage;
    uint64_t hours, hours_covered;
    const char **resources;
    size_t nresources;
    cw_rpt_gap *gaps;
    size_t ngaps;
} cw_rpt_investigation;

typedef struct cw_rpt_finding {
    const char *rule, *title, *severity, *category, *resource;
} cw_rpt_finding;

typedef struct cw_rpt_step {
    const char *action, *trigger, *deadline_text, *citation, *from;
    int64_t hours, days;   /* fixed period, 0 none */
    bool calendar, binding;
    int64_t due;           /* computed; INT64_MIN none (no fixed period or no discovery time) */
    const char *due_note;  /* how due was computed */
    bool not_in_force;     /* the provision was not in force at the discovery time */
} cw_rpt_step;

typedef struct cw_rpt_obligation {
    const char *code, *name, *law, *authority, *timezone, *checked, *in_force;
    const char *applies_because; /* "customers' data attributed to AU" or "no country known" */
    bool applies;
    cw_rpt_step *steps;
    size_t nsteps;
} cw_rpt_obligation;

typedef enum { CW_RPT_EV_EXPOSURE_START, CW_RPT_EV_EXPOSURE_END, CW_RPT_EV_ACCESS_FIRST, CW_RPT_EV_ACCESS_LAST,
               CW_RPT_EV_GAP, CW_RPT_EV_DISCOVERY, CW_RPT_EV_DEADLINE } cw_rpt_evkind;

typedef struct cw_rpt_event {
    int64_t time, end;  /* end: gaps only, else = time */
    cw_rpt_evkind kind;
    const char *text;   /* masked */
} cw_rpt_event;

typedef struct cw_rpt {
    cw_arena arena;
    const char *title;
    int64_t generated, discovered; /* INT64_MIN: not given */
    const char *notice;            /* guidance, not legal advice */
    const char **resources;
    size_t nresources;
    cw_rpt_window *windows;
    size_t nwindows;
    uint64_t records_total, records_matched, bytes_classified;
    const char *sensitivity;
    cw_rpt_category *cats;
    size_t ncats;
    cw_rpt_country *countries;
    size_t ncountries;
    bool countries_counted;        /* at least one input gave counts per country */
    cw_rpt_actor *actors;
    size_t nactors;
    cw_rpt_investigation *invs;
    size_t ninvs;
    cw_rpt_finding *findings;
    size_t nfindings;
    cw_rpt_obligation *obls;
    size_t nobls;
    cw_rpt_event *events;
    size_t nevents;
    const char *verdict;           /* across investigations */
    cw_diags diags;
    void *masker;                  /* report_mask.c */
} cw_rpt;

cw_rpt *cw_rpt_new(const char *title, int64_t discovered);
void cw_rpt_free(cw_rpt *r);

/* Inputs (report_load.c). Each returns 0, or -1 with an error in r->diags
 * naming the file (and line/column for JSON errors). */
int cw_rpt_add_investigation(cw_rpt *r, const char *path);
int cw_rpt_add_profile(cw_rpt *r, const char *path);   /* classify profile or classify --format json */
int cw_rpt_add_findings(cw_rpt *r, const char *path);  /* scan --format json */
void cw_rpt_add_window(cw_rpt *r, int64_t from, int64_t to, const char *resource);
/* The monitor's store (SQLite path or postgresql://..., opened read-only):
 * its exposure windows and findings (open and resolved) of the report's
 * resources - those the investigations named, so add them first - or, when
 * none is named, every one of category public-access or network-exposure.
 * Resolved findings are kept: an exposure that has ended is still the
 * incident. */
int cw_rpt_add_store(cw_rpt *r, const char *spec);
/* The same from text in memory (fuzzing, tests); name is used in messages. */
typedef enum { CW_RPT_IN_INVESTIGATION, CW_RPT_IN_PROFILE, CW_RPT_IN_FINDINGS } cw_rpt_input;
int cw_rpt_add_text(cw_rpt *r, cw_rpt_input kind, const char *name, const char *text, size_t len);
/* A whole file, malloc'd (NULL with a diagnostic in r->diags). */
char *cw_rpt_slurp(cw_rpt *r, const char *path, size_t *len);
/* Obligations (report_obl.c): from path, or the embedded data when NULL;
 * only jurisdictions whose codes are listed (NULL = by the countries found,
 * every one when none is known). */
int cw_rpt_load_obligations(cw_rpt *r, const char *path, const char *const *only, size_t nonly);
int cw_rpt_load_obligations_text(cw_rpt *r, const char *name, const char *text, size_t len, const char *const *only,
                                 size_t nonly);
/* Compute deadlines, the timeline and the overall verdict; call after the inputs. */
void cw_rpt_finish(cw_rpt *r);

/* Masking (report_mask.c): a copy of s with every personal value classify
 * recognises in it masked as classify masks samples. */
const char *cw_rpt_mask(cw_rpt *r, const char *s, size_t n);

/* Output (report_html.c, report_md.c, report_json.c). 0, or -1 on a write error. */
int cw_rpt_write_html(FILE *out, const cw_rpt *r);
int cw_rpt_write_markdown(FILE *out, const cw_rpt *r);
int cw_rpt_write_json(FILE *out, const cw_rpt *r);

/* Shared by the writers. */
const char *cw_rpt_country_name(const char *code);
char *cw_rpt_time(int64_t t, char *buf, size_t n);          /* ISO 8601 UTC or "-" */
char *cw_rpt_local_time(int64_t t, const char *tz, char *buf, size_t n); /* in a +hh:mm zone */
const char *cw_rpt_evkind_name(cw_rpt_evkind k);
/* The embedded obligations data (generated at build time). */
extern const char cw_obligations_json[];
extern const unsigned long cw_obligations_json_len;
#endif
