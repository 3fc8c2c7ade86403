/* scan_select.h - what `scan` reports: rule and asset filters (--rule,
 * --skip-rule, --category, --type, --account, --region: shell globs), the
 * ignore file (rule, resource glob, reason, expiry; reported like rule
 * exceptions) and baselines (--baseline-out records today's findings,
 * --baseline reports only the ones not in it). See docs/cli.md. */
#ifndef CW_SCAN_SELECT_H
#define CW_SCAN_SELECT_H
#include <stdbool.h>
#include <stddef.h>

#include "../model/finding.h"
#include "../rules/rules.h"
#include "../util/arena.h"

typedef struct cw_strv {
    const char **v; /* NULL-terminated when non-empty */
    size_t n, cap;
} cw_strv;
void cw_strv_push(cw_strv *s, const char *x);
void cw_strv_free(cw_strv *s);

typedef struct cw_ignore_entry cw_ignore_entry;

typedef struct cw_scan_select {
    cw_strv rule, skip_rule, category, type, account, region; /* globs */
    cw_strv include, exclude;                                  /* directory walk globs */
    const char *ignore_file;  /* NULL: .cloudwarden-ignore.yaml when it exists */
    bool no_ignore_file;
    const char *baseline, *baseline_out;
    /* loaded */
    cw_ignore_entry *ignores;
    size_t nignores;
    char **known;             /* baseline fingerprints, sorted */
    size_t nknown;
    cw_arena arena;
    /* what happened (for the summary) */
    size_t filtered, ignored, in_baseline, baseline_gone, expired_ignores;
} cw_scan_select;

/* Days since 1970-01-01 of --today (YYYY-MM-DD, already checked) or of the current UTC date. */
int64_t cw_scan_today(const char *today);

void cw_scan_select_init(cw_scan_select *s);
void cw_scan_select_free(cw_scan_select *s);

/* Check the globs, load the ignore file and the baseline (every error with
 * its place, on stderr). today: days since 1970-01-01 (for expiry). Returns
 * 0, or -1 on a usage or file error (exit 2, nothing scanned). */
int cw_scan_select_prepare(cw_scan_select *s, int64_t today);
/* Narrow the rule set (--rule, --skip-rule, --category); a plain rule id
 * that names no rule is an error with "did you mean", a glob that matches
 * none too. Returns 0 or -1. */
int cw_scan_select_rules(cw_scan_select *s, cw_ruleset *rs);
/* Warn about --type globs that match no resource type AWS Config records
 * nor any type a rule names. */
void cw_scan_select_check_types(const cw_scan_select *s, const cw_ruleset *rs);
/* After evaluation: drop findings outside --type/--account/--region, mark
 * those the ignore file or the baseline covers as suppressed, write
 * --baseline-out. Returns 0, or -1 when the baseline could not be written. */
int cw_scan_select_findings(cw_scan_select *s, cw_findings *fs, const char *started);
/* One line on stderr saying what the filters, ignore file and baseline did
 * (nothing when none was used). */
void cw_scan_select_summary(const cw_scan_select *s);
#endif
