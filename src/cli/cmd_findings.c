/* cmd_findings.c - `cloudwarden findings`: the store's findings ("what is
 * exposed now", without rescanning) in every format scan writes, through
 * the same output code. Each stored finding is turned back into a
 * cw_finding: the rule's metadata from the rule packs (the built-in ones
 * and --rules; a rule no longer known keeps the id, title, severity and
 * category stored with the finding), the resource's identity from the
 * finding and its provenance (file, record, line) from the resource's
 * latest recorded version. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "../history/history.h"
#include "../output/output.h"
#include "../rules/rules.h"
#include "../store/store.h"
#include "../util/diag.h"
#include "../util/hmap.h"
#include "../util/strbuf.h"

void cw_cmd_findings_help(FILE *out)
{
    fprintf(out,
            "usage: cloudwarden findings [--db STORE] [--status open|resolved|all] [options]\n"
            "\n"
            "The findings in the store (written by 'history import' and 'watch'), in every format scan\n"
            "writes and with the same schema: '--status open' is what is exposed now, without rescanning.\n"
            "\n"
            "options:\n"
            "      --db STORE          the store: an SQLite file, or postgresql://... (default:\n"
            "                          $XDG_DATA_HOME/cloudwarden/cloudwarden.db, ~/.local/share/... when unset)\n"
            "      --status S          open (default), resolved or all\n"
            "  -f, --format FMT        table (default), json, ocsf, sarif, csv\n"
            "  -o, --output FILE       write the findings to FILE instead of standard output\n"
            "      --resource ID       only the findings of this resource (canonical id)\n"
            "      --account ID        only the findings of this account\n"
            "      --min-severity SEV  only findings at or above SEV (info, low, medium, high, critical)\n"
            "      --fail-on SEV       exit 1 when a finding at or above SEV is listed\n"
            "  -r, --rules PATH        rule packs for the rules' descriptions (as given to the import)\n"
            "      --no-builtin        do not load the built-in rule packs\n"
            "      --color WHEN        auto (default), always, never\n"
            "\n"
            "exit codes: 0 no finding at/above --fail-on, 1 findings at/above --fail-on,\n"
            "            2 usage error or a store that cannot be read, 3 internal error\n");
}

typedef struct fopts {
    const char *db, *status, *format, *output, *resource, *account, *color;
    const char **rules;
    size_t nrules;
    int builtin, fail_on, min_sev;
} fopts;

typedef struct rows {
    cw_arena a;
    cw_findings fs;
    const cw_ruleset *rs;
    cw_hmap synth;  /* rule id -> synthesised cw_rule_meta (rules no pack has) */
    cw_hmap source; /* resource -> latest version's source */
    const cw_rule_meta **extra;
    size_t nextra;
    size_t live;    /* resources whose latest version is not a deletion */
} rows;

static char *adup(cw_arena *a, const char *s) { return s ? cw_arena_strdup(a, s) : NULL; }

static int take_source(void *ctx, const cw_store_version *v)
{
    rows *R = ctx;
    char *key = adup(&R->a, v->resource);
    cw_hmap_put(&R->source, key, strlen(key), adup(&R->a, v->source));
    if (!v->status || (strcmp(v->status, "ResourceDeleted") && strcmp(v->status, "ResourceNotRecorded") &&
                       strcmp(v->status, "ResourceDeletedNotRecorded")))
        R->live++;
    return 0;
}

static const cw_rule_meta *meta_of(rows *R, const cw_store_finding *f)
{
    const cw_rule_meta *m = R->rs ? cw_rules_find(R->rs, f->rule_id) : NULL;
    if (m) return m;
    m = cw_hmap_get(&R->synth, f->rule_id, strlen(f->rule_id));
    if (m) return m;
    cw_rule_meta *s = cw_arena_zalloc(&R->a, sizeof *s);
    s->id = adup(&R->a, f->rule_id);
    s->title = adup(&R->a, f->title);
    s->category = adup(&R->a, f->category);
    cw_severity sev = CW_SEV_INFO;
    if (f->severity) cw_severity_parse(f->severity, &sev);
    s->severity = sev;
    cw_hmap_put(&R->synth, s->id, strlen(s->id), s);
    R->extra = cw_xrealloc(R->extra, (R->nextra + 1) * sizeof *R->extra);
    R->extra[R->nextra++] = s;
    return s;
}

static int take_finding(void *ctx, const cw_store_finding *f)
{
    rows *R = ctx;
    cw_asset *a = cw_arena_zalloc(&R->a, sizeof *a);
    a->provider = "aws";
    a->id = adup(&R->a, f->resource);
    a->type = adup(&R->a, f->resource_type);
    a->resource_id = adup(&R->a, f->resource_id);
    a->name = adup(&R->a, f->resource_name);
    a->account = adup(&R->a, f->account);
    a->region = adup(&R->a, f->region);
    a->live = true;
    a->capture_us = CW_TIME_UNKNOWN;
    const char *src = f->resource ? cw_hmap_get(&R->source, f->resource, strlen(f->resource)) : NULL;
    char *file = NULL;
    uint32_t line = 0;
    uint64_t record = 0;
    if (src && cw_hist_source_parse(src, &file, &line, &record) == 0) {
        a->source_file = adup(&R->a, file);
        a->source_line = line;
        a->source_record = record;
        free(file);
    }
    cw_finding x = {.rule = meta_of(R, f), .asset = a, .evidence = adup(&R->a, f->evidence)};
    cw_findings_add(&R->fs, &x);
    return 0;
}

static const struct option lo[] = {
    {"db", required_argument, 0, 1},       {"status", required_argument, 0, 2},
    {"format", required_argument, 0, 'f'}, {"output", required_argument, 0, 'o'},
    {"resource", required_argument, 0, 3}, {"account", required_argument, 0, 4},
    {"min-severity", required_argument, 0, 5}, {"fail-on", required_argument, 0, 6},
    {"rules", required_argument, 0, 'r'},  {"no-builtin", no_argument, 0, 7},
    {"color", required_argument, 0, 8},    {0, 0, 0, 0},
};

static int parse(int argc, char **argv, fopts *o)
{
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "f:o:r:", lo, NULL)) != -1) {
        cw_severity sev;
        switch (c) {
        case 1: o->db = optarg; break;
        case 2:
            if (strcmp(optarg, "open") && strcmp(optarg, "resolved") && strcmp(optarg, "all")) {
                cw_error("--status: expected open, resolved or all, not '%s'", optarg);
                return -1;
            }
            o->status = optarg;
            break;
        case 'f': o->format = optarg; break;
        case 'o': o->output = optarg; break;
        case 3: o->resource = optarg; break;
        case 4: o->account = optarg; break;
        case 5:
        case 6:
            if (cw_severity_parse(optarg, &sev) < 0) {
                cw_error("--%s: '%s' is not a severity; expected info, low, medium, high or critical",
                         c == 6 ? "fail-on" : "min-severity", optarg);
                return -1;
            }
            if (c == 6) o->fail_on = (int)sev;
            else o->min_sev = (int)sev;
            break;
        case 'r':
            o->rules = cw_xrealloc(o->rules, (o->nrules + 1) * sizeof *o->rules);
            o->rules[o->nrules++] = optarg;
            break;
        case 7: o->builtin = 0; break;
        case 8:
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never")) {
                cw_error("--color: expected auto, always or never, not '%s'", optarg);
                return -1;
            }
            o->color = optarg;
            break;
        default:
            if (optopt) cw_error("findings: option '-%c' %s; see 'cloudwarden findings --help'", optopt,
                                 strchr("for", optopt) ? "needs a value" : "is unknown");
            else cw_error("findings: option '%s' is unknown or needs a value; see 'cloudwarden findings --help'",
                          argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        cw_error("findings: unexpected argument '%s' (the findings come from the store: --db)", argv[optind]);
        return -1;
    }
    return 0;
}

static int run(fopts *o)
{
    const cw_output_fmt *fmt = cw_output_find(o->format);
    if (!fmt) {
        cw_strbuf sb = CW_STRBUF_INIT;
        for (const cw_output_fmt *f = cw_output_formats; f->name; f++) cw_sb_printf(&sb, "%s%s", sb.len ? ", " : "", f->name);
        cw_error("--format: unknown format '%s'; expected one of %s", o->format, sb.buf);
        cw_sb_free(&sb);
        return CW_EXIT_USAGE;
    }
    cw_diags d;
    cw_diags_init(&d);
    cw_rules_opts ro = {.builtin = o->builtin, .paths = o->rules, .npaths = o->nrules};
    cw_ruleset *rs = (o->builtin || o->nrules) ? cw_rules_load(&ro, &d) : NULL;
    cw_diags_print(&d);
    cw_diags_free(&d);
    if ((o->builtin || o->nrules) && !rs) {
        cw_error("findings: errors in rule packs");
        return CW_EXIT_USAGE;
    }
    char *err = NULL;
    cw_store *st = cw_store_open(o->db, CW_STORE_READONLY, &err);
    if (!st) {
        cw_error("%s", err ? err : "cannot open the store");
        free(err);
        cw_rules_free(rs);
        return CW_EXIT_USAGE;
    }
    rows R = {.rs = rs};
    cw_arena_init(&R.a, 0);
    cw_findings_init(&R.fs);
    cw_hmap_init(&R.synth);
    cw_hmap_init(&R.source);
    int rc = CW_EXIT_OK;
    cw_store_version_query vq = {.resource = o->resource, .account = o->account, .latest_only = 1};
    cw_store_finding_query fq = {.status = strcmp(o->status, "all") ? o->status : NULL, .resource = o->resource,
                                 .account = o->account};
    if (cw_store_versions(st, &vq, take_source, &R) < 0 || cw_store_findings(st, &fq, take_finding, &R) < 0) {
        cw_error("findings: %s", cw_store_error(st));
        rc = CW_EXIT_USAGE;
        goto done;
    }
    if (o->min_sev >= 0) {
        size_t k = 0;
        for (size_t i = 0; i < R.fs.n; i++)
            if ((int)R.fs.v[i].rule->severity >= o->min_sev) R.fs.v[k++] = R.fs.v[i];
        R.fs.n = k;
    }
    cw_findings_sort(&R.fs, NULL);

    size_t nrules = rs ? cw_rules_count(rs) : 0;
    const cw_rule_meta **metas = cw_xcalloc(nrules + R.nextra + 1, sizeof *metas);
    for (size_t i = 0; i < nrules; i++) metas[i] = cw_rules_meta(rs, i);
    for (size_t i = 0; i < R.nextra; i++) metas[nrules + i] = R.extra[i];
    char started[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const char *inputs[] = {cw_store_location(st)};
    cw_scan_info info = {.tool_version = CW_VERSION, .started = started, .inputs = inputs, .ninputs = 1,
                         .assets = R.live, .rules = metas, .nrules = nrules + R.nextra};
    FILE *out = stdout;
    if (o->output && strcmp(o->output, "-") != 0 && !(out = fopen(o->output, "w"))) {
        cw_error("--output: cannot write '%s': %s", o->output, strerror(errno));
        rc = CW_EXIT_USAGE;
    }
    if (out) {
        int tty = isatty(fileno(out));
        cw_output_opts oo = {.color = strcmp(o->color, "always") == 0 ||
                                      (strcmp(o->color, "auto") == 0 && tty && !getenv("NO_COLOR"))};
        int w = fmt->write(out, &info, &R.fs, &oo);
        if (fflush(out) != 0) w = -1;
        if (out != stdout && fclose(out) != 0) w = -1;
        if (w < 0) {
            cw_error("cannot write findings to %s: %s", o->output ? o->output : "standard output", strerror(errno));
            rc = CW_EXIT_INTERNAL;
        }
    }
    free(metas);
    if (rc == CW_EXIT_OK && o->fail_on >= 0)
        for (size_t i = 0; i < R.fs.n; i++)
            if ((int)R.fs.v[i].rule->severity >= o->fail_on) rc = CW_EXIT_FINDINGS;
done:
    free(R.extra);
    cw_hmap_free(&R.synth);
    cw_hmap_free(&R.source);
    cw_findings_free(&R.fs);
    cw_arena_free(&R.a);
    cw_store_close(st);
    cw_rules_free(rs);
    return rc;
}

int cw_cmd_findings(int argc, char **argv)
{
    fopts o = {.status = "open", .format = "table", .color = "auto", .builtin = 1, .fail_on = -1, .min_sev = -1};
    int rc = parse(argc, argv, &o) < 0 ? CW_EXIT_USAGE : run(&o);
    free(o.rules);
    return rc;
}
