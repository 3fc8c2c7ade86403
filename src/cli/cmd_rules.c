/* PLACEHOLDER until the rules module lands (being written now). */
#include "cli.h"
#include "../util/diag.h"
int cw_cmd_rules(int argc, char **argv) { (void)argc; (void)argv; cw_error("rules: not built yet"); return CW_EXIT_INTERNAL; }
void cw_cmd_rules_help(FILE *out) { fprintf(out, "usage: cloudwarden rules\n"); }
