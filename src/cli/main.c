/* main.c - entry point: dispatches to the subcommand registry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../rules/rules_int.h"
#include "cli.h"
#include "../util/arena.h"
#include "../util/diag.h"

const cw_command cw_commands[] = {
    {"scan", "evaluate rule packs over cloud inventories and report findings", cw_cmd_scan,
     cw_cmd_scan_help},
    {"rules", "list, show, test and document rule packs", cw_cmd_rules, cw_cmd_rules_help},
    {"types", "the resource types understood, with their rules; or those of inventories", cw_cmd_types,
     cw_cmd_types_help},
    {"classify", "find and count customer data (PII, VINs, plates) in files", cw_cmd_classify,
     cw_cmd_classify_help},
    {"investigate", "read access logs: did anyone outside read or copy the data", cw_cmd_investigate,
     cw_cmd_investigate_help},
    {"report", "the incident report: exposure, data, actors, gaps, who must be told by when", cw_cmd_report,
     cw_cmd_report_help},
    {"history", "configuration history into the store: exposure windows, versions", cw_cmd_history,
     cw_cmd_history_help},
    {"findings", "the store's findings (what is exposed now) in every scan format", cw_cmd_findings,
     cw_cmd_findings_help},
    {"watch", "the continuous monitor: change events to findings, exposure windows and alerts", cw_cmd_watch,
     cw_cmd_watch_help},
    {NULL, NULL, NULL, NULL},
};

bool cw_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: cloudwarden [--version] [--help] <command> [<args>]\n\n"
            "cloudwarden watches cloud configurations for exposed customer data.\n\n"
            "commands:\n");
    for (const cw_command *c = cw_commands; c->name; c++) fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fprintf(out, "\n'cloudwarden <command> --help' describes a command.\n"
                 "exit codes: 0 clean, 1 findings at/above --fail-on, 2 usage or input error, "
                 "3 internal error\n");
}

/* The library's out-of-memory handler: the command's exit code for an
 * internal error (the library itself never exits). */
static _Noreturn void oom_exit(size_t bytes)
{
    fprintf(stderr, "cloudwarden: internal error: out of memory allocating %zu bytes\n", bytes);
    exit(CW_EXIT_INTERNAL);
}

int main(int argc, char **argv)
{
    cw_set_oom_handler(oom_exit);
    if (argc < 2) {
        usage(stderr);
        return CW_EXIT_USAGE;
    }
    if (cw_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
        if (argc > 2) {
            for (const cw_command *c = cw_commands; c->name; c++)
                if (strcmp(c->name, argv[2]) == 0) {
                    c->help(stdout);
                    return 0;
                }
        }
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("cloudwarden %s\n", CW_VERSION);
        return 0;
    }
    for (const cw_command *c = cw_commands; c->name; c++) {
        if (strcmp(c->name, argv[1]) == 0) {
            for (int i = 2; i < argc; i++) {
                if (strcmp(argv[i], "--") == 0) break;
                if (cw_is_help(argv[i])) {
                    c->help(stdout);
                    return 0;
                }
            }
            return c->run(argc - 1, argv + 1);
        }
    }
    /* the nearest command name, when one is near (a typo: 'scna', 'clasify') */
    const char *best = NULL;
    size_t bd = (size_t)-1, al = strlen(argv[1]);
    for (const cw_command *c = cw_commands; c->name; c++) {
        size_t d = cw_edit_distance(argv[1], al, c->name, strlen(c->name));
        if (d < bd) bd = d, best = c->name;
    }
    if (best && bd <= (al > 3 ? 2u : 1u))
        cw_error("'%s' is not a cloudwarden command; did you mean '%s'? see 'cloudwarden --help'", argv[1], best);
    else
        cw_error("'%s' is not a cloudwarden command; see 'cloudwarden --help'", argv[1]);
    return CW_EXIT_USAGE;
}
