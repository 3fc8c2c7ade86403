/* config_file.h - .cloudwarden.yaml: the options of a command kept in a
 * file. Keys are the command's long option names (format, output, rules,
 * fail-on, skip-rule, ...), values a string, a list for repeatable options,
 * or true/false for switches; 'inputs' lists inputs used when the command
 * line names none. The file is ./.cloudwarden.yaml when it exists, the
 * file named by --config, or none with --no-config. Its options come before
 * the command line's: a single-valued option given on the command line wins,
 * repeatable ones (rules, skip-rule, ...) add up. */
#ifndef CW_CONFIG_FILE_H
#define CW_CONFIG_FILE_H
#include <getopt.h>
#include <stddef.h>

#include "../util/arena.h"

#define CW_CONFIG_DEFAULT ".cloudwarden.yaml"

typedef struct cw_config {
    cw_arena a;
    const char *file;  /* the file read, or NULL */
    char **argv;       /* argv[0], the file's options, then the command line's */
    int argc;
    int first_cli;     /* index in argv of the first command-line argument */
    char **inputs;     /* 'inputs' of the file */
    size_t ninputs;
    char **origin;     /* "file:line:col" of argv[i] from the file (NULL for the command line) */
} cw_config;

/* Build c->argv from argv and the config file (options in lo). Errors
 * (unknown key with "did you mean", a bad value, a YAML error: each with
 * file:line:col) are printed; returns 0, or -1 (exit 2). */
int cw_config_apply(cw_config *c, int argc, char **argv, const struct option *lo);
void cw_config_free(cw_config *c);
/* After a failed option parse at index i of c->argv: a note naming the file
 * place the option came from (nothing when it came from the command line). */
void cw_config_blame(const cw_config *c, int i);
#endif
