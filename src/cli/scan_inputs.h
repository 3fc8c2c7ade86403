/* scan_inputs.h - the input files of `scan`: arguments and directory trees
 * expanded by the shared walker (util/walk.h) into the files to read. */
#ifndef CW_SCAN_INPUTS_H
#define CW_SCAN_INPUTS_H
#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "../util/diag.h"
#include "../util/walk.h"

/* True for the names scan reads from a directory: *.json, *.ndjson, *.jsonl,
 * each optionally .gz, in any letter case. */
bool cw_scan_input_name(const char *name, void *ctx);

/* Expand inputs into out; the output file (of, may be NULL) is never taken
 * from a directory. include/exclude: NULL-terminated globs (may be NULL).
 * Prints the walker's notes and errors; returns the number of errors (also
 * counted in d). */
size_t cw_scan_walk(const char *const *inputs, size_t n, const cw_outfile *of, const char *const *include,
                    const char *const *exclude, cw_walk_list *out, cw_diags *d);
#endif
