/* yaml_doc.h - small YAML documents for the command line's own files
 * (.cloudwarden.yaml, the ignore file): loaded whole with libyaml, every
 * node with its line and column for messages. */
#ifndef CW_YAML_DOC_H
#define CW_YAML_DOC_H
#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "../util/diag.h"

typedef struct cw_ydoc {
    yaml_document_t doc;
    bool loaded;
    const char *file;
} cw_ydoc;

/* Load file; a syntax error or an unreadable file is an error on d (with
 * the place). Returns 0, or -1. An empty file is an empty document (root NULL). */
int cw_ydoc_load(cw_ydoc *y, const char *file, cw_diags *d);
void cw_ydoc_free(cw_ydoc *y);
yaml_node_t *cw_ydoc_root(cw_ydoc *y);
yaml_node_t *cw_ydoc_node(cw_ydoc *y, int id);
/* The scalar's text, or NULL when n is not a scalar. */
const char *cw_ydoc_str(const yaml_node_t *n);
/* An error / warning at node n. */
void cw_ydoc_err(cw_ydoc *y, cw_diags *d, const yaml_node_t *n, cw_diag_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The closest of the NULL-terminated names to s (edit distance within a third
 * of its length), or NULL. */
const char *cw_closest_name(const char *s, const char *const *names);
#endif
