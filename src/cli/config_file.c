/* config_file.c - .cloudwarden.yaml (see config_file.h). */
#include "config_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "yaml_doc.h"
#include "../util/diag.h"
#include "../util/strbuf.h"

static const struct option *find_opt(const struct option *lo, const char *name)
{
    for (; lo && lo->name; lo++)
        if (strcmp(lo->name, name) == 0) return lo;
    return NULL;
}

/* YAML 1.1/1.2 booleans as people write them. */
static int ybool(const char *s)
{
    static const char *const t[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", NULL};
    static const char *const f[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", NULL};
    for (int i = 0; t[i]; i++)
        if (strcmp(s, t[i]) == 0) return 1;
    for (int i = 0; f[i]; i++)
        if (strcmp(s, f[i]) == 0) return 0;
    return -1;
}

typedef struct argv_b {
    char **v, **origin;
    int n, cap;
} argv_b;

static void push(argv_b *b, char *s, char *origin)
{
    if (b->n + 2 > b->cap) {
        b->cap = b->cap ? b->cap * 2 : 32;
        b->v = cw_xrealloc(b->v, (size_t)b->cap * sizeof *b->v);
        b->origin = cw_xrealloc(b->origin, (size_t)b->cap * sizeof *b->origin);
    }
    b->origin[b->n] = origin;
    b->v[b->n++] = s;
    b->v[b->n] = NULL;
}

static char *place(cw_config *c, const yaml_node_t *n)
{
    return cw_arena_printf(&c->a, "%s:%lu:%lu", c->file, (unsigned long)n->start_mark.line + 1,
                           (unsigned long)n->start_mark.column + 1);
}

static int read_file(cw_config *c, const struct option *lo, argv_b *b)
{
    cw_diags d;
    cw_diags_init(&d);
    cw_ydoc y;
    if (cw_ydoc_load(&y, c->file, &d) < 0) {
        cw_diags_print(&d);
        cw_diags_free(&d);
        return -1;
    }
    yaml_node_t *root = cw_ydoc_root(&y);
    if (root && root->type != YAML_MAPPING_NODE)
        cw_ydoc_err(&y, &d, root, CW_DIAG_ERROR, "expected a mapping of option names to values (format: sarif, ...)");
    /* names for "did you mean" */
    const char *names[128];
    size_t nn = 0;
    for (const struct option *o = lo; o->name && nn < 126; o++) names[nn++] = o->name;
    names[nn++] = "inputs";
    names[nn] = NULL;
    for (yaml_node_pair_t *p = root && root->type == YAML_MAPPING_NODE ? root->data.mapping.pairs.start : NULL;
         p && p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = cw_ydoc_node(&y, p->key), *v = cw_ydoc_node(&y, p->value);
        const char *key = cw_ydoc_str(k);
        if (!key) {
            cw_ydoc_err(&y, &d, k, CW_DIAG_ERROR, "keys are option names");
            continue;
        }
        bool is_inputs = strcmp(key, "inputs") == 0;
        const struct option *o = is_inputs ? NULL : find_opt(lo, key);
        if (!is_inputs && (!o || strcmp(key, "config") == 0 || strcmp(key, "no-config") == 0 ||
                           strcmp(key, "help") == 0)) {
            const char *near = o ? NULL : cw_closest_name(key, names);
            cw_ydoc_err(&y, &d, k, CW_DIAG_ERROR, "'%s' is not an option a config file can set%s%s%s", key,
                        near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
            continue;
        }
        /* the values: one scalar, or a list of scalars */
        yaml_node_t *one[1] = {v};
        yaml_node_t **vals = one;
        size_t nv = 1;
        yaml_node_t *tmp[256];
        if (v && v->type == YAML_SEQUENCE_NODE) {
            nv = 0;
            for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top && nv < 256; it++)
                tmp[nv++] = cw_ydoc_node(&y, *it);
            vals = tmp;
            if (o && o->has_arg == no_argument) {
                cw_ydoc_err(&y, &d, v, CW_DIAG_ERROR, "'%s' is a switch: true or false, not a list", key);
                continue;
            }
        }
        for (size_t i = 0; i < nv; i++) {
            const char *s = cw_ydoc_str(vals[i]);
            if (!s || (vals[i]->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && strcmp(s, "") == 0)) {
                cw_ydoc_err(&y, &d, vals[i] ? vals[i] : k, CW_DIAG_ERROR, "'%s' needs a value (a string%s)", key,
                            o && o->has_arg == no_argument ? ": true or false" : " or a list of strings");
                continue;
            }
            if (is_inputs) {
                c->inputs = cw_xrealloc(c->inputs, (c->ninputs + 1) * sizeof *c->inputs);
                c->inputs[c->ninputs++] = cw_arena_strdup(&c->a, s);
                continue;
            }
            if (o->has_arg == no_argument) {
                int bv = ybool(s);
                if (bv < 0) {
                    cw_ydoc_err(&y, &d, vals[i], CW_DIAG_ERROR, "'%s' is a switch: true or false, not '%s'", key, s);
                    continue;
                }
                if (bv) push(b, cw_arena_printf(&c->a, "--%s", key), place(c, vals[i]));
                continue;
            }
            push(b, cw_arena_printf(&c->a, "--%s=%s", key, s), place(c, vals[i]));
        }
    }
    int rc = d.errors ? -1 : 0;
    cw_diags_print(&d);
    if (rc < 0) cw_error("%s: %zu error%s in the config file; nothing done", c->file, d.errors, d.errors == 1 ? "" : "s");
    cw_diags_free(&d);
    cw_ydoc_free(&y);
    return rc;
}

int cw_config_apply(cw_config *c, int argc, char **argv, const struct option *lo)
{
    memset(c, 0, sizeof *c);
    cw_arena_init(&c->a, 0);
    const char *file = NULL;
    bool none = false, named = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) break;
        if (strcmp(argv[i], "--no-config") == 0) none = true;
        else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) file = argv[++i], named = true;
        else if (strncmp(argv[i], "--config=", 9) == 0) file = argv[i] + 9, named = true;
    }
    struct stat st;
    if (!file && stat(CW_CONFIG_DEFAULT, &st) == 0) file = CW_CONFIG_DEFAULT;
    if (none) file = NULL;
    argv_b b = {0};
    push(&b, argv[0], NULL);
    if (file) {
        if (named && stat(file, &st) != 0) {
            cw_error("--config: cannot read '%s': %s", file, strerror(errno));
            free(b.v), free(b.origin);
            cw_config_free(c);
            return -1;
        }
        c->file = cw_arena_strdup(&c->a, file);
        if (read_file(c, lo, &b) < 0) {
            free(b.v), free(b.origin);
            cw_config_free(c);
            return -1;
        }
    }
    c->first_cli = b.n;
    for (int i = 1; i < argc; i++) push(&b, argv[i], NULL);
    c->argv = b.v;
    c->origin = b.origin;
    c->argc = b.n;
    return 0;
}

void cw_config_free(cw_config *c)
{
    free(c->argv);
    free(c->origin);
    free(c->inputs);
    cw_arena_free(&c->a);
    memset(c, 0, sizeof *c);
}

void cw_config_blame(const cw_config *c, int i)
{
    if (i > 0 && i < c->first_cli && c->origin && c->origin[i])
        fprintf(stderr, "%s: note: '%s' comes from this line of the config file\n", c->origin[i], c->argv[i]);
}
