/* cmd_report.c - `cloudwarden report`: the incident report. A thin client of src/report. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../forensics/forensics.h"
#include "../report/report.h"
#include "../util/arena.h"
#include "../util/diag.h"
#include "cli.h"

void cw_cmd_report_help(FILE *out)
{
    fprintf(out,
            "usage: cloudwarden report [options] --discovered TIME [--investigation FILE]... [--profile FILE]...\n\n"
            "Builds the incident report from what exists: investigation results (investigate\n"
            "--format json), classify data profiles or reports (categories, counts, countries),\n"
            "scan findings, exposure windows; adds the notification obligations of each\n"
            "jurisdiction (EU, AU, NZ, SG, TH, PH, ID, MY, JP, IN) with deadlines computed from\n"
            "the discovery time. Personal values are masked as classify masks them. Output: one\n"
            "self-contained HTML file (no network), JSON or Markdown.\n\n"
            "options:\n"
            "  --investigation FILE   a result of 'cloudwarden investigate --format json' (repeatable)\n"
            "  --profile FILE         'classify --profile' output or 'classify --format json' (repeatable)\n"
            "  --findings FILE        'cloudwarden scan --format json' output (repeatable)\n"
            "  --window FROM..TO      an exposure window (ISO 8601; repeatable), besides the\n"
            "                         investigations' own\n"
            "  --db STORE             the monitor's store (SQLite path or postgresql://...):\n"
            "                         its exposure windows and findings of the investigated\n"
            "                         resources (every exposed one when none is named)\n"
            "  --discovered TIME      when the exposure was discovered (ISO 8601): deadlines run from it\n"
            "  --jurisdictions LIST   only these codes (default: those of the data's countries, all\n"
            "                         when no country is known)\n"
            "  --obligations FILE     obligations data (default: the built-in\n"
            "                         data/notification-obligations.json)\n"
            "  --title TEXT           the report's title\n"
            "  -f, --format FMT       html (default), json or markdown\n"
            "  -o, --output FILE      write the report to FILE (default: standard output)\n"
            "  --generated TIME       the generation time to print (default: now; for reproducible reports)\n\n"
            "Deadlines are guidance, not legal advice; the report says so beside them.\n"
            "exit codes: 0 written, 2 usage error or an input that could not be read, 3 internal error.\n"
            "See docs/report.md for the content and the JSON shape.\n");
}

typedef struct list {
    char **v;
    size_t n;
} list;

static void add(list *l, const char *s)
{
    l->v = cw_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = (char *)s;
}

static bool parse_when(const char *opt, const char *s, int64_t *t)
{
    if (cw_fx_parse_time(s, strlen(s), t) == 0) return true;
    cw_error("report: %s: '%s' is not an ISO 8601 date or time (e.g. 2023-05-12T09:30:00Z or 2023-05-12T18:30+09:00)",
             opt, s);
    return false;
}

int cw_cmd_report(int argc, char **argv)
{
    list invs = {0}, profiles = {0}, findings = {0}, juris = {0};
    cw_fx_window *wins = NULL;
    size_t nwins = 0;
    const char *format = "html", *output = NULL, *obligations = NULL, *title = NULL, *db = NULL;
    int64_t discovered = INT64_MIN, generated = (int64_t)time(NULL);
    int rc = CW_EXIT_USAGE;
    char *jbuf = NULL;
    cw_rpt *r = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
#define NEEDVAL()                                                                             \
    do {                                                                                      \
        if (i + 1 >= argc) {                                                                  \
            cw_error("report: option %s needs a value; see 'cloudwarden report --help'", a); \
            goto out;                                                                         \
        }                                                                                     \
        val = argv[++i];                                                                      \
    } while (0)
        if (strcmp(a, "--investigation") == 0) {
            NEEDVAL();
            add(&invs, val);
        } else if (strcmp(a, "--profile") == 0) {
            NEEDVAL();
            add(&profiles, val);
        } else if (strcmp(a, "--findings") == 0) {
            NEEDVAL();
            add(&findings, val);
        } else if (strcmp(a, "--db") == 0) {
            NEEDVAL();
            db = val;
        } else if (strcmp(a, "--window") == 0) {
            NEEDVAL();
            char err[256];
            wins = cw_xrealloc(wins, (nwins + 1) * sizeof *wins);
            if (cw_fx_parse_window(val, &wins[nwins], err, sizeof err) < 0) {
                cw_error("report: --window: %s", err);
                goto out;
            }
            nwins++;
        } else if (strcmp(a, "--discovered") == 0) {
            NEEDVAL();
            if (!parse_when(a, val, &discovered)) goto out;
        } else if (strcmp(a, "--generated") == 0) {
            NEEDVAL();
            if (!parse_when(a, val, &generated)) goto out;
        } else if (strcmp(a, "--jurisdictions") == 0) {
            NEEDVAL();
            free(jbuf);
            jbuf = cw_xstrdup(val);
            for (char *tok = strtok(jbuf, ", "); tok; tok = strtok(NULL, ", ")) add(&juris, tok);
        } else if (strcmp(a, "--obligations") == 0) {
            NEEDVAL();
            obligations = val;
        } else if (strcmp(a, "--title") == 0) {
            NEEDVAL();
            title = val;
        } else if (strcmp(a, "-f") == 0 || strcmp(a, "--format") == 0) {
            NEEDVAL();
            format = val;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            NEEDVAL();
            output = val;
        } else {
            cw_error("report: unknown argument '%s'; see 'cloudwarden report --help'", a);
            goto out;
        }
    }
    if (strcmp(format, "html") && strcmp(format, "json") && strcmp(format, "markdown") && strcmp(format, "md")) {
        cw_error("report: --format: expected html, json or markdown, got '%s'", format);
        goto out;
    }
    if (!invs.n && !profiles.n && !findings.n && !nwins && !db) {
        cw_error("report: nothing to report: give --investigation, --profile, --findings, --window or --db");
        goto out;
    }
    if (discovered == INT64_MIN)
        cw_warn("report: no --discovered: notification deadlines cannot be computed and are shown without dates");
    r = cw_rpt_new(title, discovered);
    r->generated = generated;
    int bad = 0;
    for (size_t i = 0; i < nwins; i++) cw_rpt_add_window(r, wins[i].from, wins[i].to, NULL);
    for (size_t i = 0; i < invs.n; i++) bad += cw_rpt_add_investigation(r, invs.v[i]) < 0;
    for (size_t i = 0; i < profiles.n; i++) bad += cw_rpt_add_profile(r, profiles.v[i]) < 0;
    for (size_t i = 0; i < findings.n; i++) bad += cw_rpt_add_findings(r, findings.v[i]) < 0;
    if (db) bad += cw_rpt_add_store(r, db) < 0; /* after the investigations: they name the resources */
    bad += cw_rpt_load_obligations(r, obligations, (const char *const *)juris.v, juris.n) < 0;
    if (r->diags.n) cw_diags_print(&r->diags);
    if (bad) {
        cw_error("report: %d input%s could not be read; no report written", bad, bad == 1 ? "" : "s");
        goto out;
    }
    cw_rpt_finish(r);
    FILE *out = stdout;
    if (output && !(out = fopen(output, "w"))) {
        cw_error("report: cannot write %s: %s", output, strerror(errno));
        goto out;
    }
    int w = strcmp(format, "html") == 0   ? cw_rpt_write_html(out, r)
            : strcmp(format, "json") == 0 ? cw_rpt_write_json(out, r)
                                          : cw_rpt_write_markdown(out, r);
    if (output && fclose(out) != 0) w = -1;
    if (w < 0) {
        cw_error("report: write error on %s", output ? output : "standard output");
        rc = CW_EXIT_INTERNAL;
        goto out;
    }
    rc = CW_EXIT_OK;
out:
    cw_rpt_free(r);
    free(invs.v);
    free(profiles.v);
    free(findings.v);
    free(juris.v);
    free(jbuf);
    free(wins);
    return rc;
}
