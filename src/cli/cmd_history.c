/* cmd_history.c - `cloudwarden history import|windows|changes`: AWS Config
 * history into the store, and what it says: exposure windows, versions. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "scan_inputs.h"
#include "../history/history.h"
#include "../store/store.h"
#include "../util/diag.h"
#include "../util/hmap.h"

void cw_cmd_history_help(FILE *out)
{
    fprintf(out,
            "usage: cloudwarden history import [--db STORE] [options] INPUT...\n"
            "       cloudwarden history windows [--db STORE] [--resource ID] [--format table|json|csv]\n"
            "       cloudwarden history changes [--db STORE] [--resource ID] [--format json|table|csv]\n"
            "\n"
            "import   read AWS Config history files, snapshots and change notifications (files or\n"
            "         directories; gzip, NDJSON, SNS/EventBridge envelopes) into the store's configuration\n"
            "         versions in capture-time order (the same state id twice is one version), then replay\n"
            "         every stored version in capture order through the rules and rebuild the store's\n"
            "         findings (their lifecycle) and exposure windows. Importing again, in any order, adds\n"
            "         only new versions and gives the same result as one import of everything.\n"
            "windows  every interval during which a resource carried a public-access or network-exposure\n"
            "         finding: start and end (capture times of the changes that opened and closed it), duration,\n"
            "         rules, and those changes. A change to an account (its S3 public access block) or to a\n"
            "         security group opens windows on every resource it exposes, at that change's time.\n"
            "changes  the recorded configuration versions (resource, capture time, state id, status, source).\n"
            "\n"
            "options:\n"
            "      --db STORE          the store: an SQLite file, or postgresql://... (default:\n"
            "                          $XDG_DATA_HOME/cloudwarden/cloudwarden.db, ~/.local/share/... when unset)\n"
            "  -f, --format FMT        windows: table (default), json, csv; changes: json (default), table, csv\n"
            "      --resource ID       windows, changes: only this resource (canonical id: ARN or TYPE/ID)\n"
            "      --account ID        windows, changes: only this account\n"
            "      --open              windows: only windows still open\n"
            "      --latest            changes: only each resource's latest version\n"
            "      --items             changes (json): include each configuration item\n"
            "  -r, --rules PATH        import: add a rule pack file or directory (repeatable)\n"
            "      --no-builtin        import: do not load the built-in rule packs\n"
            "      --today YYYY-MM-DD  import: the date used for rule exception expiry\n"
            "      --threads N         import: threads for evaluating large states (0 = one per core)\n"
            "      --evaluate HOW      import: incremental (default: the engine re-evaluates what each change\n"
            "                          can affect) or whole (the whole state at each change: slow, a cross-check)\n"
            "  -q, --quiet             import: no summary on standard error\n"
            "\n"
            "exit codes: 0 done, 2 usage or input error (import: the items that were read are recorded),\n"
            "            3 the store could not be written\n");
}

typedef struct hopts {
    const char *db, *format, *resource, *account, *today, *evaluate;
    const char **rules;
    size_t nrules;
    int builtin, quiet, open_only, latest, items;
    unsigned threads;
} hopts;

static const struct option lo[] = {
    {"db", required_argument, 0, 1},          {"format", required_argument, 0, 'f'},
    {"resource", required_argument, 0, 2},    {"account", required_argument, 0, 3},
    {"open", no_argument, 0, 4},              {"latest", no_argument, 0, 5},
    {"items", no_argument, 0, 6},             {"rules", required_argument, 0, 'r'},
    {"no-builtin", no_argument, 0, 7},        {"today", required_argument, 0, 8},
    {"threads", required_argument, 0, 9},     {"quiet", no_argument, 0, 'q'},
    {"evaluate", required_argument, 0, 10},
    {0, 0, 0, 0},
};

/* Options of the subcommand (argv[0] = its name); which ones it takes is
 * checked by the caller. */
static int parse(int argc, char **argv, hopts *o)
{
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "f:r:q", lo, NULL)) != -1) {
        switch (c) {
        case 1: o->db = optarg; break;
        case 'f': o->format = optarg; break;
        case 2: o->resource = optarg; break;
        case 3: o->account = optarg; break;
        case 4: o->open_only = 1; break;
        case 5: o->latest = 1; break;
        case 6: o->items = 1; break;
        case 'r':
            o->rules = cw_xrealloc(o->rules, (o->nrules + 1) * sizeof *o->rules);
            o->rules[o->nrules++] = optarg;
            break;
        case 7: o->builtin = 0; break;
        case 8:
            if (strlen(optarg) != 10 || cw_time_parse(optarg, 10) == CW_TIME_UNKNOWN) {
                cw_error("--today: '%s' is not a date; expected YYYY-MM-DD (a day that exists)", optarg);
                return -1;
            }
            o->today = optarg;
            break;
        case 9: {
            char *end;
            long t = strtol(optarg, &end, 10);
            if (*end || t < 0 || t > 64) {
                cw_error("--threads: expected a number from 0 (one per core) to 64, not '%s'", optarg);
                return -1;
            }
            o->threads = (unsigned)t;
            break;
        }
        case 'q': o->quiet = 1; break;
        case 10:
            if (!cw_hist_evaluator_known(optarg)) {
                cw_error("--evaluate: expected one of %s, not '%s'", cw_hist_evaluators(), optarg);
                return -1;
            }
            o->evaluate = optarg;
            break;
        default:
            if (optopt) cw_error("history %s: option '-%c' %s; see 'cloudwarden history --help'", argv[0], optopt,
                                 strchr("fr", optopt) ? "needs a value" : "is unknown");
            else cw_error("history %s: option '%s' is unknown or needs a value; see 'cloudwarden history --help'",
                          argv[0], argv[optind - 1]);
            return -1;
        }
    }
    return 0;
}

static cw_store *open_store(const char *db, unsigned flags)
{
    char *err = NULL;
    cw_store *st = cw_store_open(db, flags, &err);
    if (!st) {
        cw_error("%s", err ? err : "cannot open the store");
        free(err);
    }
    return st;
}

static int64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void print_diags(cw_diags *d, size_t from)
{
    cw_diags_collapse_notes(d, from, 3);
    for (size_t k = from; k < d->n; k++) {
        char *s = cw_diag_format(&d->v[k]);
        fprintf(stderr, "%s\n", s);
        free(s);
    }
}

/* The replay evaluates the same rules many times: a warning (an expired
 * exception) is said once, with how often it came. */
static void print_once(const cw_diags *d)
{
    cw_hmap seen;
    cw_hmap_init(&seen);
    char **texts = cw_xcalloc(d->n + 1, sizeof *texts);
    size_t *count = cw_xcalloc(d->n + 1, sizeof *count), n = 0;
    for (size_t i = 0; i < d->n; i++) {
        char *s = cw_diag_format(&d->v[i]);
        size_t at = (size_t)(uintptr_t)cw_hmap_get(&seen, s, strlen(s));
        if (at) {
            count[at - 1]++;
            free(s);
            continue;
        }
        texts[n] = s;
        count[n] = 1;
        n++;
        cw_hmap_put(&seen, s, strlen(s), (void *)(uintptr_t)n);
    }
    for (size_t i = 0; i < n; i++) {
        if (count[i] > 1) fprintf(stderr, "%s (at %zu changes)\n", texts[i], count[i]);
        else fprintf(stderr, "%s\n", texts[i]);
        free(texts[i]);
    }
    free(texts);
    free(count);
    cw_hmap_free(&seen);
}

typedef struct same_state {
    const char *state_id;
    int64_t capture_us;
    int found;
} same_state;

static int find_state(void *ctx, const cw_store_version *v)
{
    same_state *x = ctx;
    if (strcmp(v->state_id, x->state_id) == 0) x->found = 1, x->capture_us = v->capture_us;
    return x->found;
}

/* Record a version. A duplicate is the same state id of the same resource
 * captured at the same instant (a redelivery, an item in a history file and
 * in a snapshot). The same state id at another capture instant is another
 * version (AWS gives every change its own id; inputs written by other tools
 * reuse them): it is recorded under "ID@capture µs", so no change is lost. */
static int put_version(cw_store *st, cw_store_version *v, int *inserted, size_t *reused)
{
    if (cw_store_put_version(st, v, inserted) < 0) return -1;
    if (*inserted) return 0;
    same_state x = {.state_id = v->state_id};
    cw_store_version_query q = {.resource = v->resource};
    if (cw_store_versions(st, &q, find_state, &x) < 0) return -1;
    if (!x.found || x.capture_us == v->capture_us) return 0;
    char buf[160];
    snprintf(buf, sizeof buf, "%.100s@%lld", v->state_id, (long long)v->capture_us);
    const char *orig = v->state_id;
    v->state_id = buf;
    int rc = cw_store_put_version(st, v, inserted);
    v->state_id = orig;
    if (rc == 0 && *inserted) (*reused)++;
    return rc;
}

static int cmd_import(int argc, char **argv, hopts *o)
{
    if (o->format || o->resource || o->account || o->open_only || o->latest || o->items) {
        cw_error("history import: --format, --resource, --account, --open, --latest and --items belong to "
                 "'history windows' and 'history changes'");
        return CW_EXIT_USAGE;
    }
    if (optind >= argc) {
        cw_error("history import: no input; usage: cloudwarden history import [--db STORE] INPUT...");
        return CW_EXIT_USAGE;
    }
    cw_hist_opts ho = {.rules = {.builtin = o->builtin, .paths = o->rules, .npaths = o->nrules, .today = o->today},
                       .threads = o->threads, .evaluate = o->evaluate};
    /* every rule pack error before anything is written */
    cw_diags d;
    cw_diags_init(&d);
    cw_ruleset *rs = cw_rules_load(&ho.rules, &d);
    cw_diags_print(&d);
    if (!rs) {
        cw_error("history import: %zu error%s in rule packs; nothing imported", d.errors, d.errors == 1 ? "" : "s");
        cw_diags_free(&d);
        return CW_EXIT_USAGE;
    }
    cw_rules_free(rs);
    cw_diags_free(&d);
    cw_store *st = open_store(o->db, 0);
    if (!st) return CW_EXIT_USAGE;

    cw_diags_init(&d);
    cw_walk_list wl = {0};
    cw_scan_walk((const char *const *)argv + optind, (size_t)(argc - optind), NULL, NULL, NULL, &wl, &d);
    size_t input_errors = d.errors;
    cw_hist_items items = {0};
    for (size_t i = 0; i < wl.n; i++) {
        size_t from = d.n, before = d.errors;
        cw_hist_read_file(&items, wl.v[i], i, &d);
        print_diags(&d, from);
        input_errors += d.errors - before;
    }
    if (wl.n == 0 && !input_errors) {
        cw_error("history import: no input files found in the given directories");
        input_errors++;
    }
    cw_hist_sort(&items);

    int rc = CW_EXIT_OK;
    size_t added = 0, dups = 0, reused = 0;
    int committed = 0;
    int64_t last = 0;
    if (cw_store_begin(st) < 0) goto store_fail;
    for (size_t i = 0; i < items.n; i++) {
        const cw_hist_item *it = &items.v[i];
        int64_t now = wall_us();
        last = now > last ? now : last + 1; /* strictly increasing: keeps the read order of ties */
        cw_store_version v = {.resource = it->resource, .type = it->type, .resource_id = it->resource_id,
                              .account = it->account, .region = it->region, .state_id = it->state_id,
                              .status = it->status, .capture_us = it->capture_us, .item = it->item,
                              .source = it->source, .recorded_us = last};
        int inserted = 0;
        if (put_version(st, &v, &inserted, &reused) < 0) {
            cw_store_rollback(st);
            goto store_fail;
        }
        if (inserted) added++;
        else dups++;
    }
    if (cw_store_commit(st) < 0) goto store_fail;
    committed = 1;

    cw_diags ed;
    cw_diags_init(&ed);
    cw_hist_stats hs;
    if (cw_hist_rebuild(st, &ho, &ed, &hs) < 0) {
        print_once(&ed);
        cw_diags_free(&ed);
        goto store_fail;
    }
    print_once(&ed);
    size_t eval_errors = ed.errors;
    cw_diags_free(&ed);
    if (!o->quiet) {
        fprintf(stderr,
                "cloudwarden: history import: %zu item%s from %zu file%s: %zu new version%s, %zu already recorded\n"
                "cloudwarden: replayed %zu version%s at %zu capture instant%s in %.2fs (%s): %zu open finding%s, "
                "%zu resolved; %zu exposure window%s (%zu open)\n",
                items.n, items.n == 1 ? "" : "s", wl.n, wl.n == 1 ? "" : "s", added, added == 1 ? "" : "s", dups,
                hs.versions, hs.versions == 1 ? "" : "s", hs.steps, hs.steps == 1 ? "" : "s",
                hs.seconds, hs.backend, hs.findings_open, hs.findings_open == 1 ? "" : "s", hs.findings_resolved,
                hs.windows, hs.windows == 1 ? "" : "s", hs.windows_open);
        if (reused)
            fprintf(stderr,
                    "cloudwarden: %zu item%s reused the configurationStateId of another capture of the same resource; "
                    "recorded as distinct versions (ID@capture µs)\n",
                    reused, reused == 1 ? "" : "s");
        if (items.skipped)
            fprintf(stderr, "cloudwarden: %zu record%s carried no configuration item (see the notes above)\n",
                    items.skipped, items.skipped == 1 ? "" : "s");
        if (input_errors)
            fprintf(stderr, "cloudwarden: %zu input error%s (see above); the items that were read are recorded\n",
                    input_errors, input_errors == 1 ? "" : "s");
    }
    if (input_errors || eval_errors) rc = CW_EXIT_USAGE;
    goto done;
store_fail:
    cw_error("history import: %s; %s", cw_store_error(st),
             committed ? "the versions were recorded; the store's findings and windows were not rebuilt (import again)"
                       : "nothing was recorded");
    rc = CW_EXIT_INTERNAL;
done:
    cw_hist_items_free(&items);
    cw_walk_list_free(&wl);
    cw_diags_free(&d);
    cw_store_close(st);
    return rc;
}

static int cmd_windows(int argc, char **argv, hopts *o)
{
    if (optind < argc) {
        cw_error("history windows: unexpected argument '%s'", argv[optind]);
        return CW_EXIT_USAGE;
    }
    const char *fmt = o->format ? o->format : "table";
    if (!cw_hist_list_format_ok(fmt)) {
        cw_error("--format: unknown format '%s' for history windows; expected table, json or csv", fmt);
        return CW_EXIT_USAGE;
    }
    cw_store *st = open_store(o->db, CW_STORE_READONLY);
    if (!st) return CW_EXIT_USAGE;
    cw_store_window_query q = {.resource = o->resource, .account = o->account, .from_us = CW_TIME_UNKNOWN,
                               .to_us = CW_TIME_UNKNOWN, .open_only = o->open_only};
    cw_hist_windows w = {0};
    int rc = CW_EXIT_OK;
    if (cw_hist_windows_load(st, &q, &w) < 0) {
        cw_error("history windows: %s", cw_store_error(st));
        rc = CW_EXIT_INTERNAL;
    } else if (cw_hist_write_windows(stdout, fmt, &w, wall_us()) < 0) {
        cw_error("history windows: cannot write to standard output: %s", strerror(errno));
        rc = CW_EXIT_INTERNAL;
    }
    cw_hist_windows_free(&w);
    cw_store_close(st);
    return rc;
}

static int cmd_changes(int argc, char **argv, hopts *o)
{
    if (optind < argc) {
        cw_error("history changes: unexpected argument '%s'", argv[optind]);
        return CW_EXIT_USAGE;
    }
    const char *fmt = o->format ? o->format : "json";
    if (!cw_hist_list_format_ok(fmt)) {
        cw_error("--format: unknown format '%s' for history changes; expected json, table or csv", fmt);
        return CW_EXIT_USAGE;
    }
    cw_store *st = open_store(o->db, CW_STORE_READONLY);
    if (!st) return CW_EXIT_USAGE;
    cw_store_version_query q = {.resource = o->resource, .account = o->account, .latest_only = o->latest,
                                .with_item = o->items && strcmp(fmt, "json") == 0};
    int rc = CW_EXIT_OK, w = cw_hist_write_changes(stdout, st, &q, fmt);
    if (w == -2) {
        cw_error("history changes: %s", cw_store_error(st));
        rc = CW_EXIT_INTERNAL;
    } else if (w < 0) {
        cw_error("history changes: cannot write to standard output: %s", strerror(errno));
        rc = CW_EXIT_INTERNAL;
    }
    cw_store_close(st);
    return rc;
}

int cw_cmd_history(int argc, char **argv)
{
    if (argc < 2) {
        cw_error("history: expected import, windows or changes; see 'cloudwarden history --help'");
        return CW_EXIT_USAGE;
    }
    const char *sub = argv[1];
    int (*fn)(int, char **, hopts *) = strcmp(sub, "import") == 0    ? cmd_import
                                       : strcmp(sub, "windows") == 0 ? cmd_windows
                                       : strcmp(sub, "changes") == 0 ? cmd_changes
                                                                     : NULL;
    if (!fn) {
        cw_error("history: '%s' is not a history command; expected import, windows or changes", sub);
        return CW_EXIT_USAGE;
    }
    hopts o = {.builtin = 1};
    int rc;
    if (parse(argc - 1, argv + 1, &o) < 0) rc = CW_EXIT_USAGE;
    else if (fn != cmd_import && (o.nrules || !o.builtin || o.today || o.threads || o.quiet || o.evaluate)) {
        cw_error("history %s: --rules, --no-builtin, --today, --threads, --evaluate and --quiet belong to "
                 "'history import'", sub);
        rc = CW_EXIT_USAGE;
    } else if (fn != cmd_windows && o.open_only) {
        cw_error("history %s: --open belongs to 'history windows'", sub);
        rc = CW_EXIT_USAGE;
    } else if (fn != cmd_changes && (o.latest || o.items)) {
        cw_error("history %s: --latest and --items belong to 'history changes'", sub);
        rc = CW_EXIT_USAGE;
    } else rc = fn(argc - 1, argv + 1, &o);
    free(o.rules);
    return rc;
}
