/* classify.h - find and count customer data in files (the `classify` subcommand).
 *
 * Pipeline per file: reader (plain or gzip, with bomb limits) -> format sniffing ->
 * one Vectorscan database scanned once over each chunk -> per hit: the format's
 * structure tracker gives the record and the field context (CSV header, JSON key
 * path, SQL column) -> candidate span extraction -> anchored PCRE2 confirmation +
 * validator (check digits, numbering plans, plate formats) -> counters.
 * Weak categories (names, addresses, plates, dates of birth) need context: a column
 * or key that names them, or a keyword just before the value in text.
 *
 * Ownership: a cw_classifier is immutable after cw_classifier_new() and may be shared;
 * a cw_cls_run holds all mutable state of one run (scratch, counters, reports) and is
 * used by one thread. Reports returned by the run belong to it. */
#ifndef CW_CLASSIFY_H
#define CW_CLASSIFY_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
    CW_CAT_PERSON_NAME,
    CW_CAT_POSTAL_ADDRESS,
    CW_CAT_PHONE,
    CW_CAT_EMAIL,
    CW_CAT_VIN,
    CW_CAT_PLATE,
    CW_CAT_CARD,
    CW_CAT_NATIONAL_ID,
    CW_CAT_DOB,
    CW_CAT__COUNT
} cw_cat;

/* Countries whose formats are known. CW_CC_NONE = not inferred. */
typedef enum {
    CW_CC_NONE,
    CW_CC_AU, CW_CC_NZ, CW_CC_JP, CW_CC_SG, CW_CC_TH,
    CW_CC_ID, CW_CC_PH, CW_CC_MY, CW_CC_IN,
    CW_CC__COUNT
} cw_cc;

const char *cw_cat_name(cw_cat c);   /* "person_name", ... */
const char *cw_cc_code(cw_cc c);     /* "AU", ... ; "" for NONE */

typedef enum {
    CW_IN_AUTO, CW_IN_CSV, CW_IN_TSV, CW_IN_JSON, CW_IN_NDJSON, CW_IN_SQL, CW_IN_TEXT
} cw_informat;
const char *cw_informat_name(cw_informat f);
/* Parse a name given on the command line; false if unknown. */
bool cw_informat_parse(const char *s, cw_informat *out);

typedef struct cw_cls_opts {
    cw_informat informat;    /* CW_IN_AUTO: by extension and content */
    int samples;             /* masked samples kept per category (0 = none) */
    FILE *spans;             /* when set: one line per match (path, offset, length, category, country) */
    uint64_t gz_max_ratio;   /* stop inflating when out > ratio * in ... */
    uint64_t gz_ratio_after; /* ... once out exceeds this many bytes */
    uint64_t gz_max_bytes;   /* absolute cap on decompressed bytes per file */
    size_t chunk;            /* bytes per scan chunk */
    size_t segment;          /* bytes a thread takes at a time from one file (about; >= chunk) */
    unsigned threads;        /* threads on one file, the caller included; 0 = one per core (at most 4) */
    bool scan_all;           /* CSV: the pattern scan over every field, not the text-ish ones only (same report) */
} cw_cls_opts;
void cw_cls_opts_default(cw_cls_opts *o);

#define CW_CLS_MAX_SAMPLES 5

/* Distinct-value counter: exact (hash set) up to a bound, HyperLogLog beyond. */
typedef struct cw_distinct cw_distinct;

typedef struct cw_cat_stats {
    uint64_t occurrences;
    uint64_t distinct;       /* final count (set when the file is done) */
    bool distinct_exact;     /* false: HyperLogLog estimate */
    cw_distinct *set;        /* live counter while scanning */
    uint64_t by_cc[CW_CC__COUNT];
    int nsamples;
    uint64_t sample_hash[CW_CLS_MAX_SAMPLES];
    char *samples[CW_CLS_MAX_SAMPLES]; /* masked, malloc'd */
} cw_cat_stats;

typedef struct cw_file_report {
    char *path;
    const char *format;    /* "csv", "ndjson", ... */
    bool gzip;
    bool skipped;          /* not classified (binary, unreadable) */
    bool truncated;        /* stopped early (gzip limits, read error): counts cover a prefix */
    char *message;         /* why skipped/truncated, or a warning; NULL if none */
    uint64_t bytes;        /* bytes classified (decompressed) */
    uint64_t records, records_matched;
    cw_cat_stats cats[CW_CAT__COUNT];
    /* how the file was scanned (not part of the report: the same on any number of
     * threads except these): segments, and those scanned again because the state
     * guessed for their start was wrong (docs/classify.md "Threads") */
    uint64_t segments, redone;
} cw_file_report;

typedef struct cw_classifier cw_classifier;
typedef struct cw_cls_run cw_cls_run;

/* Compile the pattern database and confirmation regexes. NULL + message in err on failure. */
cw_classifier *cw_classifier_new(char *err, size_t errlen);
void cw_classifier_free(cw_classifier *c);

cw_cls_run *cw_cls_run_new(const cw_classifier *c, const cw_cls_opts *o);
void cw_cls_run_free(cw_cls_run *r);
/* Classify one file (or "-" for stdin). Always returns a report (skipped or truncated
 * ones carry a message); the report is owned by the run and also folded into totals. */
const cw_file_report *cw_cls_file(cw_cls_run *r, const char *path);
/* Classify an in-memory buffer as one file named name (fuzzing, tests). */
const cw_file_report *cw_cls_buffer(cw_cls_run *r, const char *name, const void *data, size_t len);
size_t cw_cls_nfiles(const cw_cls_run *r);
const cw_file_report *cw_cls_file_at(const cw_cls_run *r, size_t i);
const cw_file_report *cw_cls_totals(const cw_cls_run *r);

/* Distinct estimate; *exact tells whether it is an exact count. */
uint64_t cw_distinct_value(const cw_distinct *d, bool *exact);

/* Output (output.c). asset may be NULL. Return 0, or -1 on a write error. */
int cw_cls_write_json(FILE *out, const cw_cls_run *r, const char *asset, bool samples);
int cw_cls_write_table(FILE *out, const cw_cls_run *r, const char *asset, bool samples);
/* Asset data profile (docs/classify.md): small JSON object meant to be stored beside
 * that asset's findings. */
int cw_cls_write_profile(FILE *out, const cw_cls_run *r, const char *asset);
#endif
