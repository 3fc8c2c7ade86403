/* PLACEHOLDER until the classify module lands (being written now). */
#include "cli.h"
#include "../util/diag.h"
int cw_cmd_classify(int argc, char **argv) { (void)argc; (void)argv; cw_error("classify: not built yet"); return CW_EXIT_INTERNAL; }
void cw_cmd_classify_help(FILE *out) { fprintf(out, "usage: cloudwarden classify\n"); }
