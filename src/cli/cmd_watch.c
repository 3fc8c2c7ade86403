/* cmd_watch.c - `cloudwarden watch`: options, then the monitor (src/watch/watch.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../util/diag.h"
#include "../watch/watch.h"

void cw_cmd_watch_help(FILE *out)
{
    fprintf(out,
            "usage: cloudwarden watch [--db STORE] SOURCE... [--baseline FILE] [alerts] [options]\n"
            "\n"
            "The continuous monitor: change events in, findings kept current through the engine's\n"
            "incremental path (the same rules and verdicts as scan), exposure windows and the findings\n"
            "lifecycle in the store, alerts when a finding opens, escalates or resolves.\n"
            "\n"
            "sources (at least one):\n"
            "      --events -          NDJSON on standard input: configuration items, AWS Config change\n"
            "                          notifications, SNS or EventBridge envelopes, CloudTrail events; ends at\n"
            "                          the end of input (exit 0)\n"
            "      --events DIR        files delivered into DIR, read once complete (size and time unchanged\n"
            "                          for --settle-ms; write NAME.tmp and rename for an exact hand-over);\n"
            "                          moved to DIR/done/ once committed, DIR/failed/ (with NAME.reason) when\n"
            "                          nothing in them is usable (repeatable)\n"
            "      --listen ADDR:PORT  HTTP: POST /events (the bodies SNS and EventBridge API destinations\n"
            "                          send; 2xx only once committed, 400 bad input, 413 over --max-body,\n"
            "                          503 store failure: retry), GET /healthz\n"
            "start:\n"
            "      --db STORE          SQLite file or postgresql://... (default $XDG_DATA_HOME/cloudwarden/\n"
            "                          cloudwarden.db); the state starts from its latest versions\n"
            "      --baseline FILE     a snapshot (any inventory scan reads) to start from as well\n"
            "      --no-store-state    do not load the store's versions at start\n"
            "  -r, --rules PATH        add a rule pack file or directory (repeatable; SIGHUP reloads them)\n"
            "      --no-builtin        do not load the built-in rule packs\n"
            "      --today YYYY-MM-DD  the date used for rule exception expiry\n"
            "      --threads N         engine threads (0 = one per core)\n"
            "alerts (each alert: the finding, the resource, the change that caused it, when its window opened):\n"
            "      --alerts FILE|-     NDJSON, one alert a line (appended; - = standard output)\n"
            "      --webhook URL       POST each alert as JSON with a Slack-compatible \"text\"; header\n"
            "                          X-Cloudwarden-Alert-Id (also Idempotency-Key) to de-duplicate on;\n"
            "                          retried with exponential backoff, kept in the store until delivered\n"
            "      --syslog            to syslog (facility daemon)\n"
            "      --retry-base-ms N   first retry after N ms (default 1000), doubling up to --retry-max-ms\n"
            "      --retry-max-ms N    (default 300000)\n"
            "other:\n"
            "      --sns-confirm       visit SNS SubscribeURLs (https://sns.<region>.amazonaws.com only);\n"
            "                          without it the URL is logged for you to visit\n"
            "      --max-body BYTES    largest HTTP body / stdin line / record (default 16M; K, M, G)\n"
            "      --settle-ms N       directory source: unchanged for N ms = complete (default 500)\n"
            "      --http-timeout S    idle HTTP connections closed after S seconds (default 10)\n"
            "      --request-timeout S an HTTP request not complete after S seconds is dropped (default 30)\n"
            "several nodes (one store, PostgreSQL or SQLite; docs/watch.md):\n"
            "      --node-id ID        this process's name in the store's account leases (default the host\n"
            "                          name; one live process per id)\n"
            "      --lease-ttl S       account lease time to live in seconds (default 30; renewed every S/3;\n"
            "                          a dead node's accounts are taken over S after its last renewal);\n"
            "                          an event for an account another node holds is refused (HTTP 503,\n"
            "                          Retry-After) and not committed\n"
            "  -q, --quiet             log warnings and errors only\n"
            "\n"
            "signals: SIGTERM/SIGINT finish the event in hand and exit 0; SIGHUP reloads the rule packs (a bad\n"
            "pack is reported and the old rules kept). Log lines on standard error name each event's place.\n"
            "exit codes: 0 stopped cleanly, 2 usage or start-up error (rule packs, store, port), 3 internal\n");
}

static int num(const char *opt, const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    long long mul = 1;
    if (*end == 'k' || *end == 'K') mul = 1024, end++;
    else if (*end == 'm' || *end == 'M') mul = 1024 * 1024, end++;
    else if (*end == 'g' || *end == 'G') mul = 1024LL * 1024 * 1024, end++;
    if (end == s || *end || v < lo || v * mul > hi) {
        cw_error("%s: expected a number from %lld to %lld, got '%s'", opt, lo, hi, s);
        return -1;
    }
    *out = v * mul;
    return 0;
}

int cw_cmd_watch(int argc, char **argv)
{
    enum {
        O_DB = 256, O_EVENTS, O_LISTEN, O_BASELINE, O_NOSTATE, O_NOBUILTIN, O_TODAY, O_THREADS, O_ALERTS,
        O_WEBHOOK, O_SYSLOG, O_SNS, O_MAXBODY, O_SETTLE, O_HTTPTO, O_REQTO, O_RBASE, O_RMAX, O_NODE, O_TTL
    };
    static const struct option lo[] = {
        {"db", required_argument, 0, O_DB},          {"events", required_argument, 0, O_EVENTS},
        {"listen", required_argument, 0, O_LISTEN},  {"baseline", required_argument, 0, O_BASELINE},
        {"no-store-state", no_argument, 0, O_NOSTATE}, {"rules", required_argument, 0, 'r'},
        {"no-builtin", no_argument, 0, O_NOBUILTIN}, {"today", required_argument, 0, O_TODAY},
        {"threads", required_argument, 0, O_THREADS}, {"alerts", required_argument, 0, O_ALERTS},
        {"webhook", required_argument, 0, O_WEBHOOK}, {"syslog", no_argument, 0, O_SYSLOG},
        {"sns-confirm", no_argument, 0, O_SNS},      {"max-body", required_argument, 0, O_MAXBODY},
        {"settle-ms", required_argument, 0, O_SETTLE}, {"http-timeout", required_argument, 0, O_HTTPTO},
        {"request-timeout", required_argument, 0, O_REQTO}, {"retry-base-ms", required_argument, 0, O_RBASE},
        {"retry-max-ms", required_argument, 0, O_RMAX}, {"quiet", no_argument, 0, 'q'},
        {"node-id", required_argument, 0, O_NODE},   {"lease-ttl", required_argument, 0, O_TTL},
        {"help", no_argument, 0, 'h'},               {0, 0, 0, 0}};
    cw_watch_opts o = {.settle_ms = -1, .rules = {.builtin = true}};
    const char **events = calloc((size_t)argc + 1, sizeof *events);
    const char **rules = calloc((size_t)argc + 1, sizeof *rules);
    size_t nev = 0, nr = 0;
    int rc = CW_EXIT_USAGE;
    long long v;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "r:qh", lo, NULL)) != -1) {
        switch (c) {
        case O_DB: o.db = optarg; break;
        case O_EVENTS: events[nev++] = optarg; break;
        case O_LISTEN: o.listen = optarg; break;
        case O_BASELINE: o.baseline = optarg; break;
        case O_NOSTATE: o.no_store_state = true; break;
        case 'r': rules[nr++] = optarg; break;
        case O_NOBUILTIN: o.rules.builtin = false; break;
        case O_TODAY: o.rules.today = optarg; break;
        case O_THREADS:
            if (num("--threads", optarg, 0, 1024, &v) < 0) goto out;
            o.threads = (unsigned)v;
            break;
        case O_ALERTS: o.alerts = optarg; break;
        case O_WEBHOOK: o.webhook = optarg; break;
        case O_SYSLOG: o.syslog = true; break;
        case O_SNS: o.sns_confirm = true; break;
        case O_MAXBODY:
            if (num("--max-body", optarg, 1024, 1LL << 32, &v) < 0) goto out;
            o.max_body = (size_t)v;
            break;
        case O_SETTLE:
            if (num("--settle-ms", optarg, 0, 3600000, &v) < 0) goto out;
            o.settle_ms = v;
            break;
        case O_HTTPTO:
            if (num("--http-timeout", optarg, 1, 3600, &v) < 0) goto out;
            o.http.idle_timeout_s = (unsigned)v;
            break;
        case O_REQTO:
            if (num("--request-timeout", optarg, 1, 3600, &v) < 0) goto out;
            o.http.request_timeout_s = (unsigned)v;
            break;
        case O_RBASE:
            if (num("--retry-base-ms", optarg, 1, 3600000, &v) < 0) goto out;
            o.outbox.base_us = v * 1000;
            break;
        case O_RMAX:
            if (num("--retry-max-ms", optarg, 1, 86400000, &v) < 0) goto out;
            o.outbox.max_us = v * 1000;
            break;
        case O_NODE:
            if (!*optarg || strlen(optarg) > 200) {
                cw_error("--node-id: expected a name of 1 to 200 characters, got '%s'", optarg);
                goto out;
            }
            o.node_id = optarg;
            break;
        case O_TTL: {
            char *end;
            double s = strtod(optarg, &end);
            if (end == optarg || *end || !(s >= 0.5 && s <= 86400)) {
                cw_error("--lease-ttl: expected seconds from 0.5 to 86400, got '%s'", optarg);
                goto out;
            }
            o.lease_ttl_us = (int64_t)(s * 1e6);
            break;
        }
        case 'q': o.quiet = true; break;
        case 'h':
            cw_cmd_watch_help(stdout);
            rc = CW_EXIT_OK;
            goto out;
        default: cw_error("watch: see cloudwarden watch --help"); goto out;
        }
    }
    if (optind < argc) {
        cw_error("watch: unexpected argument '%s' (sources are --events - | --events DIR | --listen ADDR:PORT)",
                 argv[optind]);
        goto out;
    }
    if (!nev && !o.listen) {
        cw_error("watch: no source; give --events -, --events DIR or --listen ADDR:PORT (see --help)");
        goto out;
    }
    int stdin_n = 0;
    for (size_t i = 0; i < nev; i++) stdin_n += strcmp(events[i], "-") == 0;
    if (stdin_n > 1) {
        cw_error("watch: --events - given %d times", stdin_n);
        goto out;
    }
    o.events = events;
    o.nevents = nev;
    o.rules.paths = rules;
    o.rules.npaths = nr;
    rc = cw_watch_run(&o);
out:
    free(events);
    free(rules);
    return rc;
}
