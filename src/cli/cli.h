/* cli.h - subcommand registry and shared option helpers. */
#ifndef CW_CLI_H
#define CW_CLI_H
#include <stdbool.h>
#include <stdio.h>

#define CW_VERSION "0.1.0"

typedef struct cw_command {
    const char *name;
    const char *summary; /* one line for `cloudwarden --help` */
    int (*run)(int argc, char **argv); /* argv[0] is the subcommand name; returns exit code */
    void (*help)(FILE *out);
} cw_command;

extern const cw_command cw_commands[]; /* terminated by {NULL} */

/* Subcommands (one file each). */
int cw_cmd_scan(int argc, char **argv);
void cw_cmd_scan_help(FILE *out);
int cw_cmd_rules(int argc, char **argv);
void cw_cmd_rules_help(FILE *out);
int cw_cmd_classify(int argc, char **argv);
int cw_cmd_types(int argc, char **argv);
void cw_cmd_types_help(FILE *out);
void cw_cmd_classify_help(FILE *out);
int cw_cmd_investigate(int argc, char **argv);
void cw_cmd_investigate_help(FILE *out);
int cw_cmd_report(int argc, char **argv);
void cw_cmd_report_help(FILE *out);
int cw_cmd_history(int argc, char **argv);
void cw_cmd_history_help(FILE *out);
int cw_cmd_findings(int argc, char **argv);
void cw_cmd_findings_help(FILE *out);
int cw_cmd_watch(int argc, char **argv);
void cw_cmd_watch_help(FILE *out);

/* The findings file of scan --output (outfile.c): opened before the scan,
 * emptied on a thread while inputs load, unless it is also an input. */
#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>
typedef struct cw_outfile {
    int fd;
    dev_t dev;
    ino_t ino;
    int regular, threaded, truncated, trunc_errno;
    pthread_t th;
} cw_outfile;
int cw_outfile_open(cw_outfile *f, const char *path);                 /* -1 with errno */
void cw_outfile_prepare(cw_outfile *f, char *const *inputs, size_t n); /* start emptying */
FILE *cw_outfile_stream(cw_outfile *f);                               /* NULL with errno */
void cw_outfile_abandon(cw_outfile *f);

/* Option values (cli_args.c): a size, digits with an optional K/M/G/T suffix
 * (KiB/MB...), and a count in [lo, hi]; false for a sign, a blank, other
 * text or overflow. */
#include <stdint.h>
bool cw_parse_size(const char *s, uint64_t *out);
bool cw_parse_count(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

/* True when argv[i] is -h/--help. */
bool cw_is_help(const char *arg);
#endif
