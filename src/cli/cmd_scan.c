/* PLACEHOLDER: being written now. */
#include "cli.h"
#include "../util/diag.h"
int cw_cmd_scan(int argc, char **argv) { (void)argc; (void)argv; cw_error("scan: not built yet"); return CW_EXIT_INTERNAL; }
void cw_cmd_scan_help(FILE *out) { fprintf(out, "usage: cloudwarden scan\n"); }
