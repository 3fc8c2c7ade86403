/* cmd_scan.c - `cloudwarden scan`: inventories -> assets -> facts -> findings. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config_file.h"
#include "scan_inputs.h"
#include "scan_select.h"
#include "types_cover.h"
#include "../analyze/analyze.h"
#include "../engine/engine.h"
#include "../ingest/ingest.h"
#include "../output/output.h"
#include "../rules/rules.h"
#include "../util/diag.h"
#include "../util/strbuf.h"
#include "../util/timeutil.h"
#include "../util/walk.h"

void cw_cmd_scan_help(FILE *out)
{
    fprintf(out,
            "usage: cloudwarden scan [options] INPUT...\n"
            "\n"
            "Evaluate the built-in and user rule packs over cloud inventories and report findings.\n"
            "INPUT is a file or a directory (searched for *.json, *.json.gz, *.ndjson, *.jsonl);\n"
            "'-' reads standard input. Formats are detected from content: AWS Config configuration\n"
            "snapshots and history files, single configuration items, change notifications (also in\n"
            "SNS or EventBridge envelopes); gzip is decompressed transparently.\n"
            "\n"
            "options:\n"
            "  -f, --format FMT        table (default), json, ocsf, sarif, csv\n"
            "  -o, --output FILE       write findings to FILE instead of standard output\n"
            "  -r, --rules PATH        add a rule pack file or directory (repeatable)\n"
            "      --no-builtin        do not load the built-in rule packs\n"
            "      --fail-on SEV       exit 1 when a finding at or above SEV exists\n"
            "                          (info, low, medium, high, critical)\n"
            "      --min-severity SEV  report only findings at or above SEV\n"
            "      --input-format NAME force an input adapter (aws-config)\n"
            "      --show-suppressed   also report findings suppressed by a rule exception\n"
            "      --today YYYY-MM-DD  the date used for exception expiry (default: today, UTC)\n"
            "      --color WHEN        auto (default), always, never\n"
            "      --threads N         threads for large inputs, every stage (0 = one per core, at most 4;\n"
            "                          1 = everything on the calling thread)\n"
            "      --full-records      build every field of every record (by default fields that no\n"
            "                          rule or analyzer reads are skipped while parsing)\n"
            "      --stats             print the time of each stage and the peak memory on standard error\n"
            "\n"
            "selecting (GLOB: shell pattern, * ? [..]; each option repeatable):\n"
            "      --rule GLOB         run only the rules whose id matches\n"
            "      --skip-rule GLOB    do not run the rules whose id matches\n"
            "      --category GLOB     run only the rules of a category (public-access, encryption, ...)\n"
            "      --type GLOB         report only findings on resources of a type (AWS::S3::*)\n"
            "      --account GLOB      report only findings on resources of an account\n"
            "      --region GLOB       report only findings on resources of a region\n"
            "      --include GLOB      in directories, read only files whose name (or path below the\n"
            "                          directory, when GLOB has a '/') matches; ** spans directories\n"
            "      --exclude GLOB      in directories, skip matching files and directories\n"
            "      --ignore-file FILE  suppress findings listed in FILE (rule, resource, reason, expires);\n"
            "                          default: .cloudwarden-ignore.yaml when it exists\n"
            "      --no-ignore-file    do not read .cloudwarden-ignore.yaml\n"
            "      --baseline FILE     report only findings that are not in FILE (from --baseline-out)\n"
            "      --baseline-out FILE record this scan's findings in FILE as a baseline\n"
            "      --config FILE       read options from FILE (default: .cloudwarden.yaml when it exists)\n"
            "      --no-config         do not read .cloudwarden.yaml\n"
            "  -q, --quiet             no progress and no summary on standard error\n"
            "  -h, --help              this help\n"
            "\n"
            "exit codes: 0 no finding at/above --fail-on, 1 findings at/above --fail-on,\n"
            "            2 usage or input error (findings of the inputs that loaded are still\n"
            "            reported), 3 internal error\n");
}

typedef struct scan_opts {
    const char *format, *output, *input_format, *today, *color;
    const char **rules;
    size_t nrules;
    int builtin, quiet, show_suppressed, stats, full_records;
    int fail_on, min_sev; /* -1 = unset */
    cw_scan_select *sel;  /* filters, ignore file, baseline (scan_select.c) */
    unsigned threads;     /* 0 = one per core */
} scan_opts;

typedef struct progress {
    int enabled;
    double start;
    const char *file;
    int shown;
} progress;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    progress *p = ctx;
    if (!p->enabled || now_s() - p->start < 1.0) return;
    if (total && done <= total)
        fprintf(stderr, "\r\033[Kreading %s: %.0f MB of %.0f MB", p->file, done / 1e6, total / 1e6);
    else
        fprintf(stderr, "\r\033[Kreading %s: %.0f MB", p->file, done / 1e6);
    p->shown = 1;
}

static void iso_now(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const struct option scan_lo[] = {
    {"format", required_argument, 0, 'f'},     {"output", required_argument, 0, 'o'},
    {"rules", required_argument, 0, 'r'},      {"no-builtin", no_argument, 0, 1},
    {"fail-on", required_argument, 0, 2},      {"min-severity", required_argument, 0, 3},
    {"input-format", required_argument, 0, 4}, {"show-suppressed", no_argument, 0, 5},
    {"today", required_argument, 0, 6},        {"color", required_argument, 0, 7},
    {"quiet", no_argument, 0, 'q'},            {"threads", required_argument, 0, 8},
    {"stats", no_argument, 0, 9},              {"full-records", no_argument, 0, 10},
    {"rule", required_argument, 0, 200},      {"skip-rule", required_argument, 0, 201},
    {"category", required_argument, 0, 202},  {"type", required_argument, 0, 203},
    {"account", required_argument, 0, 204},   {"region", required_argument, 0, 205},
    {"include", required_argument, 0, 206},   {"exclude", required_argument, 0, 207},
    {"ignore-file", required_argument, 0, 208}, {"no-ignore-file", no_argument, 0, 209},
    {"baseline", required_argument, 0, 210},  {"baseline-out", required_argument, 0, 211},
    {"config", required_argument, 0, 212},    {"no-config", no_argument, 0, 213},
    {0, 0, 0, 0},
};

static int parse_opts(int argc, char **argv, scan_opts *o, int *first_input)
{
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "f:o:r:q", scan_lo, NULL)) != -1) {
        cw_severity sev;
        switch (c) {
        case 'f': o->format = optarg; break;
        case 'o': o->output = optarg; break;
        case 'r':
            o->rules = cw_xrealloc(o->rules, (o->nrules + 1) * sizeof *o->rules);
            o->rules[o->nrules++] = optarg;
            break;
        case 1: o->builtin = 0; break;
        case 2:
        case 3:
            if (cw_severity_parse(optarg, &sev) < 0) {
                cw_error("--%s: '%s' is not a severity; expected info, low, medium, high or critical",
                         c == 2 ? "fail-on" : "min-severity", optarg);
                return -1;
            }
            if (c == 2) o->fail_on = (int)sev;
            else o->min_sev = (int)sev;
            break;
        case 4: {
            /* checked here, once, with the valid names (was: once per file, none named) */
            bool known = false;
            cw_strbuf names = CW_STRBUF_INIT;
            for (const cw_adapter *const *ad = cw_adapters; *ad; ad++) {
                known |= strcmp((*ad)->name, optarg) == 0;
                cw_sb_printf(&names, "%s%s", names.len ? ", " : "", (*ad)->name);
            }
            if (!known) cw_error("--input-format: unknown input format '%s'; expected %s", optarg, names.buf);
            cw_sb_free(&names);
            if (!known) return -1;
            o->input_format = optarg;
            break;
        }
        case 5: o->show_suppressed = 1; break;
        case 6: {
            if (strlen(optarg) != 10 || cw_time_parse(optarg, 10) == CW_TIME_UNKNOWN) {
                cw_error("--today: '%s' is not a date; expected YYYY-MM-DD (a day that exists)", optarg);
                return -1;
            }
            o->today = optarg;
            break;
        }
        case 7:
            if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never")) {
                cw_error("--color: expected auto, always or never, not '%s'", optarg);
                return -1;
            }
            o->color = optarg;
            break;
        case 'q': o->quiet = 1; break;
        case 9: o->stats = 1; break;
        case 10: o->full_records = 1; break;
        case 8: {
            char *end;
            long t = strtol(optarg, &end, 10);
            if (*end || t < 0 || t > 64) {
                cw_error("--threads: expected a number from 0 (one per core) to 64, not '%s'", optarg);
                return -1;
            }
            o->threads = (unsigned)t;
            break;
        }
        case 200: cw_strv_push(&o->sel->rule, optarg); break;
        case 201: cw_strv_push(&o->sel->skip_rule, optarg); break;
        case 202: cw_strv_push(&o->sel->category, optarg); break;
        case 203: cw_strv_push(&o->sel->type, optarg); break;
        case 204: cw_strv_push(&o->sel->account, optarg); break;
        case 205: cw_strv_push(&o->sel->region, optarg); break;
        case 206: cw_strv_push(&o->sel->include, optarg); break;
        case 207: cw_strv_push(&o->sel->exclude, optarg); break;
        case 208: o->sel->ignore_file = optarg; break;
        case 209: o->sel->no_ignore_file = true; break;
        case 210: o->sel->baseline = optarg; break;
        case 211: o->sel->baseline_out = optarg; break;
        case 212: case 213: break; /* read by cw_config_apply */
        default:
            if (optopt) cw_error("scan: option '-%c' %s; see 'cloudwarden scan --help'", optopt,
                                 strchr("for", optopt) ? "needs a value" : "is unknown");
            else cw_error("scan: option '%s' is unknown or needs a value; see 'cloudwarden scan --help'",
                          argv[optind - 1]);
            return -1;
        }
    }
    *first_input = optind;
    return 0;
}

static int scan_run(int argc, char **argv, const cw_config *cfg, cw_scan_select *sel)
{
    scan_opts o = {.format = "table", .builtin = 1, .fail_on = -1, .min_sev = -1, .color = "auto", .sel = sel};
    int first;
    if (parse_opts(argc, argv, &o, &first) < 0) {
        cw_config_blame(cfg, optind - 1);
        free(o.rules);
        return CW_EXIT_USAGE;
    }
    const char *const *inputs = (const char *const *)argv + first; /* or the config file's */
    size_t ninputs = (size_t)(argc - first);
    if (!ninputs && cfg->ninputs) inputs = (const char *const *)cfg->inputs, ninputs = cfg->ninputs;
    if (!ninputs) {
        cw_error("scan: no input; usage: cloudwarden scan [options] INPUT... (see --help)");
        free(o.rules);
        return CW_EXIT_USAGE;
    }
    const cw_output_fmt *fmt = cw_output_find(o.format);
    if (!fmt) {
        cw_strbuf sb = CW_STRBUF_INIT;
        for (const cw_output_fmt *f = cw_output_formats; f->name; f++) cw_sb_printf(&sb, "%s%s", sb.len ? ", " : "", f->name);
        cw_error("--format: unknown format '%s'; expected one of %s", o.format, sb.buf);
        cw_sb_free(&sb);
        free(o.rules);
        return CW_EXIT_USAGE;
    }
    double t0 = now_s();
    char started[32];
    iso_now(started, sizeof started);

    /* 1. the engine and its rules: every error of every pack, then stop */
    progress pg = {.enabled = !o.quiet && isatty(2), .start = t0};
    cw_diags rd;
    cw_diags_init(&rd);
    cw_engine_opts eo = {
        .rules = {.builtin = o.builtin, .paths = o.rules, .npaths = o.nrules, .today = o.today},
        .threads = o.threads,
        .full_records = o.full_records,
        .format = o.input_format,
        .progress = on_progress,
        .progress_ctx = &pg,
    };
    cw_engine *e = cw_engine_open(&eo, &rd); /* aws:CurrentTime is --today's 00:00:00Z */
    cw_diags_print(&rd);
    if (!e) {
        cw_error("scan: %zu error%s in rule packs; nothing scanned", rd.errors, rd.errors == 1 ? "" : "s");
        cw_diags_free(&rd);
        free(o.rules);
        return CW_EXIT_USAGE;
    }
    cw_diags_free(&rd);
    cw_ruleset *rs = cw_engine_rules(e);
    /* filters, ignore file and baseline: every error now, before any work */
    if (cw_scan_select_prepare(sel, cw_scan_today(o.today)) < 0 || cw_scan_select_rules(sel, rs) < 0) {
        cw_engine_free(e);
        free(o.rules);
        return CW_EXIT_USAGE;
    }
    cw_scan_select_check_types(sel, rs);
    if (cw_rules_count(rs) == 0) {
        cw_error("scan: no rule to run (%s); nothing scanned", o.builtin ? "every rule is disabled"
                                                                        : "--no-builtin and no --rules pack");
        cw_engine_free(e);
        free(o.rules);
        return CW_EXIT_USAGE;
    }

    /* the output file: one that cannot be written fails now, not after the scan */
    cw_outfile of = {.fd = -1};
    bool to_file = o.output && strcmp(o.output, "-") != 0;
    if (to_file && cw_outfile_open(&of, o.output) != 0) {
        cw_error("--output: cannot write '%s': %s", o.output, strerror(errno));
        cw_engine_free(e);
        free(o.rules);
        return CW_EXIT_USAGE;
    }

    /* 2. inputs */
    double t_rules0 = now_s();
    cw_diags d;
    cw_diags_init(&d);
    cw_walk_list wl = {0};
    cw_scan_walk(inputs, ninputs, to_file ? &of : NULL, sel->include.v, sel->exclude.v, &wl, &d);
    char **files = wl.v;
    size_t nfiles = wl.n;
    if (to_file) cw_outfile_prepare(&of, files, nfiles);
    cw_ingest_stats st = {0};
    size_t input_errors = d.errors;
    for (size_t i = 0; i < nfiles; i++) {
        pg.file = files[i];
        size_t before = d.errors, from = d.n;
        cw_engine_add_file(e, files[i], &d, &st);
        if (pg.shown) fprintf(stderr, "\r\033[K"), pg.shown = 0;
        cw_diags_collapse_notes(&d, from, 3); /* 10,000 compliance notifications: 3 notes and a count */
        for (size_t k = from; k < d.n; k++) {
            char *t = cw_diag_format(&d.v[k]);
            fprintf(stderr, "%s\n", t);
            free(t);
        }
        input_errors += d.errors - before;
    }
    if (nfiles == 0 && !input_errors) {
        cw_error("scan: no input files found in the given directories");
        input_errors++;
    }
    double t_load = now_s();

    /* 3. link, analyze, evaluate, sort (the engine), then this scan's selection */
    cw_diags ed;
    cw_diags_init(&ed);
    cw_engine_evaluate(e, &ed);
    double t_sel = now_s(), c_sel = o.stats ? cpu_s() : 0;
    cw_diags_print(&ed);
    size_t eval_errors = ed.errors;
    int rc_select = CW_EXIT_OK;
    cw_diags_free(&ed);
    const cw_findings *all = cw_engine_findings(e);
    cw_findings fs; /* the engine's findings, narrowed (their order is kept) */
    cw_findings_init(&fs);
    fs.v = cw_xmalloc((all->n + 1) * sizeof *fs.v);
    fs.cap = all->n + 1;
    for (size_t i = 0; i < all->n; i++)
        if (o.min_sev < 0 || (int)all->v[i].rule->severity >= o.min_sev) fs.v[fs.n++] = all->v[i];
    if (cw_scan_select_findings(sel, &fs, started) < 0) rc_select = CW_EXIT_USAGE;
    double t_eval = now_s(), c_eval = o.stats ? cpu_s() : 0;
    const cw_assets *assets = cw_engine_assets(e);
    const cw_exec *ex = cw_engine_exec(e);

    /* 4. output */
    size_t nrules = cw_rules_count(rs);
    const cw_rule_meta **metas = cw_xcalloc(nrules + 1, sizeof *metas);
    for (size_t i = 0; i < nrules; i++) metas[i] = cw_rules_meta(rs, i);
    size_t live = cw_assets_live_count(assets);
    cw_scan_info info = {.tool_version = CW_VERSION, .started = started, .inputs = inputs,
                         .ninputs = ninputs, .assets = live, .rules = metas, .nrules = nrules};
    FILE *out = stdout;
    int rc = CW_EXIT_OK;
    if (to_file) {
        out = cw_outfile_stream(&of);
        if (!out) {
            cw_error("--output: cannot write '%s': %s", o.output, strerror(errno));
            cw_outfile_abandon(&of);
            rc = CW_EXIT_USAGE;
        }
    }
    if (out) {
        int tty = isatty(fileno(out));
        cw_output_opts oo = {.color = strcmp(o.color, "always") == 0 || (strcmp(o.color, "auto") == 0 && tty &&
                                                                         !getenv("NO_COLOR")),
                             .show_suppressed = o.show_suppressed,
                             .exec = ex};
        int w = fmt->write(out, &info, &fs, &oo);
        if (fflush(out) != 0) w = -1;
        if (w < 0) {
            cw_error("cannot write findings to %s: %s", o.output ? o.output : "standard output", strerror(errno));
            rc = CW_EXIT_INTERNAL;
        }
        if (out != stdout && fclose(out) != 0 && rc == CW_EXIT_OK) {
            cw_error("cannot write findings to %s: %s", o.output, strerror(errno));
            rc = CW_EXIT_INTERNAL;
        }
    }

    if (o.stats) {
        double t_out = now_s(), c_out = cpu_s();
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        cw_engine_stats es;
        cw_engine_stats_get(e, &es);
        cw_pool_stats ps;
        cw_pool_stats_get(ex->pool, &ps);
        const cw_analyzer_stats *ast = cw_engine_analyzer_stats(e);
        cw_strbuf an = CW_STRBUF_INIT;
        for (const cw_analyzer *a = cw_analyzers; a->name; a++)
            cw_sb_printf(&an, "%s%s %.3fs %.0f MiB", an.len ? ", " : "", a->name, ast[a - cw_analyzers].seconds,
                         ast[a - cw_analyzers].bytes / 1048576.0);
        fprintf(stderr,
                "cloudwarden: stats (wall/cpu seconds): rules %.3f, load %.3f/%.2f, link %.3f/%.2f, analyze %.3f/%.2f "
                "(%s), evaluate %.3f/%.2f, sort %.3f/%.2f, output %.3f/%.2f; total cpu %.2fs user %.2fs sys; peak RSS "
                "%.0f MiB; model %.1f MiB = %.0f bytes/asset (arenas %.1f MiB, indexes %.1f MiB); threads %u (%u workers started, %llu failed to start)\n",
                t_rules0 - t0, es.t_ingest, es.c_ingest, es.t_link, es.c_link, es.t_analyze, es.c_analyze, an.buf,
                es.t_eval, es.c_eval, es.t_sort + (t_eval - t_sel), es.c_sort + (c_eval - c_sel), t_out - t_eval,
                c_out - c_eval, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
                ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss / 1024.0, es.model_bytes / 1048576.0,
                (double)es.model_bytes / (assets->n ? assets->n : 1), cw_assets_arena_bytes(assets) / 1048576.0,
                cw_assets_index_bytes(assets) / 1048576.0, ps.threads, ps.running,
                (unsigned long long)ps.start_failures);
        cw_sb_free(&an);
    }

    /* 5. summary and exit code */
    size_t by_sev[5] = {0}, shown = 0, suppressed = 0;
    int worst = -1;
    for (size_t i = 0; i < fs.n; i++) {
        if (fs.v[i].suppressed_by) {
            suppressed++;
            continue;
        }
        shown++;
        by_sev[fs.v[i].rule->severity]++;
        if ((int)fs.v[i].rule->severity > worst) worst = (int)fs.v[i].rule->severity;
    }
    if (!o.quiet) {
        double t1 = now_s();
        fprintf(stderr,
                "cloudwarden: %zu asset%s from %zu file%s (%.1f MB) against %zu rules in %.2fs "
                "(load %.2fs, evaluate %.2fs): %zu finding%s (%zu critical, %zu high, %zu medium, %zu low, "
                "%zu info)%s",
                live, live == 1 ? "" : "s", nfiles, nfiles == 1 ? "" : "s", st.bytes / 1e6, nrules, t1 - t0,
                t_load - t0, t_eval - t_load, shown, shown == 1 ? "" : "s", by_sev[4], by_sev[3], by_sev[2],
                by_sev[1], by_sev[0], suppressed ? "" : "\n");
        if (suppressed) fprintf(stderr, ", %zu suppressed (exceptions, ignore file, baseline; --show-suppressed lists them)\n", suppressed);
        if (input_errors)
            fprintf(stderr, "cloudwarden: %zu input error%s (see above); findings cover the records that loaded\n",
                    input_errors, input_errors == 1 ? "" : "s");
        if (eval_errors)
            fprintf(stderr, "cloudwarden: %zu rule evaluation error%s (see above); the findings may be incomplete\n",
                    eval_errors, eval_errors == 1 ? "" : "s");
        cw_scan_select_summary(sel);
        cw_types_cov cov;
        cw_types_coverage(assets, rs, &cov);
        if (cov.uncovered_types)
            fprintf(stderr,
                    "cloudwarden: %zu of %zu resource types in the inputs (%zu of %zu assets) have no rule; "
                    "'cloudwarden types INPUT...' lists them\n",
                    cov.uncovered_types, cov.types, cov.uncovered_assets, cov.assets);
    }
    if (rc == CW_EXIT_OK && rc_select) rc = rc_select;
    if (rc == CW_EXIT_OK) {
        if (input_errors || eval_errors) rc = CW_EXIT_USAGE;
        else if (o.fail_on >= 0 && worst >= o.fail_on) rc = CW_EXIT_FINDINGS;
    }
    free(metas);
    cw_findings_free(&fs);
    cw_engine_free(e);
    cw_walk_list_free(&wl);
    cw_diags_free(&d);
    free(o.rules);
    return rc;
}

int cw_cmd_scan(int argc, char **argv)
{
    cw_config cfg; /* .cloudwarden.yaml or --config: its options come first */
    if (cw_config_apply(&cfg, argc, argv, scan_lo) < 0) return CW_EXIT_USAGE;
    cw_scan_select sel;
    cw_scan_select_init(&sel);
    int rc = scan_run(cfg.argc, cfg.argv, &cfg, &sel);
    cw_scan_select_free(&sel);
    cw_config_free(&cfg);
    return rc;
}
