/* cmd_types.c - `cloudwarden types`: the resource types cloudwarden
 * understands (the rules and analyzer facts for each), every type AWS Config
 * records (--all), or the types found in inventories with how many of their
 * assets no rule looks at. Also the coverage count of the scan summary. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/display.h"
#include "cli.h"
#include "scan_inputs.h"
#include "types_cover.h"
#include "../analyze/analyze.h"
#include "../ingest/aws_types.h"
#include "../ingest/ingest.h"
#include "../rules/rules.h"
#include "../util/strbuf.h"

void cw_cmd_types_help(FILE *out)
{
    fprintf(out,
            "usage: cloudwarden types [options] [INPUT...]\n"
            "\n"
            "List the resource types cloudwarden understands: for each, the rules that evaluate it\n"
            "and the analyzer facts set on it. With INPUT (files or directories, as for scan), list\n"
            "the types found there with their asset counts, and mark the types no rule covers.\n"
            "\n"
            "options:\n"
            "      --all               every resource type AWS Config records, covered or not\n"
            "  -f, --format FMT        table (default) or json\n"
            "  -r, --rules PATH        add a rule pack file or directory (repeatable)\n"
            "      --no-builtin        do not load the built-in rule packs\n"
            "  -h, --help              this help\n"
            "\n"
            "exit codes: 0 ok, 2 usage, rule pack or input error\n");
}

static bool rule_covers(const cw_rule_meta *m, const char *type)
{
    for (size_t t = 0; t < m->nresource_types; t++)
        if (strcmp(m->resource_types[t], "*") == 0 || strcmp(m->resource_types[t], type) == 0) return true;
    return false;
}

bool cw_type_covered(const cw_ruleset *rs, const char *type)
{
    for (size_t i = 0; i < cw_rules_count(rs); i++)
        if (rule_covers(cw_rules_meta(rs, i), type)) return true;
    return false;
}

void cw_types_coverage(const cw_assets *s, const cw_ruleset *rs, cw_types_cov *c)
{
    memset(c, 0, sizeof *c);
    size_t it = 0;
    const cw_hmap_slot *sl;
    while (cw_hmap_next(&s->by_type, &it, &sl)) {
        const cw_asset_list *l = sl->val;
        if (!l->n) continue;
        c->types++, c->assets += l->n;
        if (!cw_type_covered(rs, sl->key)) c->uncovered_types++, c->uncovered_assets += l->n;
    }
}

static bool fact_on(const cw_fact_def *f, const char *type)
{
    const char *p = f->resource_types;
    if (!p) return false;
    size_t tl = strlen(type);
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n && *p == ' ') p++, n--;
        if ((n == tl && strncmp(p, type, n) == 0)) return true;
        if (!e) break;
        p = e + 1;
    }
    return false;
}

typedef struct trow {
    const char *type;
    size_t assets;
    bool in_inputs;
} trow;

static int cmp_row(const void *a, const void *b) { return strcmp(((const trow *)a)->type, ((const trow *)b)->type); }

static void add_row(trow **v, size_t *n, const char *type, size_t assets, bool in_inputs)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i].type, type) == 0) {
            (*v)[i].assets += assets;
            (*v)[i].in_inputs |= in_inputs;
            return;
        }
    *v = cw_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = (trow){type, assets, in_inputs};
}

int cw_cmd_types(int argc, char **argv)
{
    static const struct option lo[] = {
        {"all", no_argument, 0, 1},      {"format", required_argument, 0, 'f'},
        {"rules", required_argument, 0, 'r'}, {"no-builtin", no_argument, 0, 2},
        {0, 0, 0, 0},
    };
    bool all = false, builtin = true;
    const char *format = "table";
    const char **packs = NULL;
    size_t npacks = 0;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "f:r:", lo, NULL)) != -1) {
        switch (c) {
        case 1: all = true; break;
        case 2: builtin = false; break;
        case 'f': format = optarg; break;
        case 'r':
            packs = cw_xrealloc(packs, (npacks + 1) * sizeof *packs);
            packs[npacks++] = optarg;
            break;
        default:
            cw_error("types: option '%s' is unknown or needs a value; see 'cloudwarden types --help'", argv[optind - 1]);
            free(packs);
            return CW_EXIT_USAGE;
        }
    }
    if (strcmp(format, "table") && strcmp(format, "json")) {
        cw_error("types: --format: expected table or json, not '%s'", format);
        free(packs);
        return CW_EXIT_USAGE;
    }
    cw_diags d;
    cw_diags_init(&d);
    cw_rules_opts ro = {.builtin = builtin, .paths = packs, .npaths = npacks};
    cw_ruleset *rs = cw_rules_load(&ro, &d);
    cw_diags_print(&d);
    cw_diags_free(&d);
    if (!rs) {
        cw_error("types: errors in rule packs");
        free(packs);
        return CW_EXIT_USAGE;
    }
    int rc = CW_EXIT_OK;
    trow *rows = NULL;
    size_t nrows = 0;
    /* the types of the inputs */
    cw_assets s;
    cw_assets_init(&s);
    bool have_inputs = optind < argc;
    if (have_inputs) {
        cw_diags_init(&d);
        cw_walk_list wl = {0};
        if (cw_scan_walk((const char *const *)argv + optind, (size_t)(argc - optind), NULL, NULL, NULL, &wl, &d))
            rc = CW_EXIT_USAGE;
        cw_ingest_stats st = {0};
        cw_ingest_opts io = {0}; /* any format, whole records, the calling thread */
        for (size_t i = 0; i < wl.n; i++) {
            size_t from = d.n;
            if (cw_ingest_file(&s, wl.v[i], &io, &d, &st) < 0) rc = CW_EXIT_USAGE;
            cw_diags_collapse_notes(&d, from, 3);
            for (size_t k = from; k < d.n; k++) {
                char *m = cw_diag_format(&d.v[k]);
                fprintf(stderr, "%s\n", m);
                free(m);
            }
        }
        cw_walk_list_free(&wl);
        cw_diags_free(&d);
        cw_assets_link(&s, NULL);
        size_t it = 0;
        const cw_hmap_slot *sl;
        while (cw_hmap_next(&s.by_type, &it, &sl)) {
            const cw_asset_list *l = sl->val;
            if (l->n) add_row(&rows, &nrows, sl->key, l->n, true);
        }
    } else {
        for (size_t i = 0; i < cw_rules_count(rs); i++) {
            const cw_rule_meta *m = cw_rules_meta(rs, i);
            for (size_t t = 0; t < m->nresource_types; t++)
                if (strcmp(m->resource_types[t], "*")) add_row(&rows, &nrows, m->resource_types[t], 0, false);
        }
        for (const cw_fact_def *f = cw_fact_defs; f->name; f++) {
            const char *p = f->resource_types;
            while (p && *p && strcmp(p, "*")) {
                const char *e = strchr(p, ',');
                size_t n = e ? (size_t)(e - p) : strlen(p);
                while (n && *p == ' ') p++, n--;
                if (n) {
                    char buf[128];
                    snprintf(buf, sizeof buf, "%.*s", (int)n, p);
                    for (size_t k = 0; k < cw_aws_ntypes; k++)
                        if (strcmp(cw_aws_types[k], buf) == 0) add_row(&rows, &nrows, cw_aws_types[k], 0, false);
                }
                if (!e) break;
                p = e + 1;
            }
        }
    }
    if (all)
        for (size_t k = 0; k < cw_aws_ntypes; k++) add_row(&rows, &nrows, cw_aws_types[k], 0, false);
    qsort(rows, nrows, sizeof *rows, cmp_row);

    cw_strbuf sb = CW_STRBUF_INIT;
    bool json = strcmp(format, "json") == 0;
    size_t covered = 0, uncovered_assets = 0, total_assets = 0;
    if (json) cw_sb_adds(&sb, "{\"types\": [");
    for (size_t i = 0; i < nrows; i++) {
        const trow *r = &rows[i];
        cw_strbuf ids = CW_STRBUF_INIT, facts = CW_STRBUF_INIT;
        size_t nids = 0, nfacts = 0;
        for (size_t k = 0; k < cw_rules_count(rs); k++) {
            const cw_rule_meta *m = cw_rules_meta(rs, k);
            if (!rule_covers(m, r->type)) continue;
            if (json) {
                if (nids) cw_sb_adds(&ids, ", ");
                cw_sb_add_json_cstr(&ids, m->id);
            } else {
                cw_sb_printf(&ids, "%s%s", nids ? " " : "", m->id);
            }
            nids++;
        }
        for (const cw_fact_def *f = cw_fact_defs; f->name; f++) {
            if (!fact_on(f, r->type)) continue;
            if (json) {
                if (nfacts) cw_sb_adds(&facts, ", ");
                cw_sb_add_json_cstr(&facts, f->name);
            }
            nfacts++;
        }
        covered += nids > 0;
        total_assets += r->assets;
        if (!nids) uncovered_assets += r->assets;
        if (json) {
            cw_sb_adds(&sb, i ? ",\n  {\"type\": " : "\n  {\"type\": ");
            cw_sb_add_json_cstr(&sb, r->type);
            if (have_inputs) cw_sb_printf(&sb, ", \"assets\": %zu", r->assets);
            cw_sb_printf(&sb, ", \"known_to_aws_config\": %s, \"rules\": [%s], \"facts\": [%s]}",
                         cw_aws_type_known(r->type) ? "true" : "false", ids.buf ? ids.buf : "",
                         facts.buf ? facts.buf : "");
        } else {
            if (i == 0)
                cw_sb_printf(&sb, "%-44s %s%-6s %s\n", "TYPE", have_inputs ? "ASSETS  " : "", "FACTS", "RULES");
            cw_sb_printf(&sb, "%-44s ", r->type);
            if (have_inputs) cw_sb_printf(&sb, "%6zu  ", r->assets);
            cw_sb_printf(&sb, "%-6zu %s\n", nfacts, nids ? ids.buf : "(no rule)");
        }
        cw_sb_free(&ids);
        cw_sb_free(&facts);
    }
    if (json) {
        cw_sb_printf(&sb, "%s], \"covered\": %zu, \"uncovered\": %zu", nrows ? "\n" : "", covered, nrows - covered);
        if (have_inputs) cw_sb_printf(&sb, ", \"assets\": %zu, \"uncovered_assets\": %zu", total_assets, uncovered_assets);
        cw_sb_adds(&sb, "}\n");
    } else {
        cw_sb_printf(&sb, "\n%zu type%s, %zu with rules, %zu without", nrows, nrows == 1 ? "" : "s", covered,
                     nrows - covered);
        if (have_inputs)
            cw_sb_printf(&sb, "; %zu of %zu asset%s are of types no rule covers", uncovered_assets, total_assets,
                         total_assets == 1 ? "" : "s");
        cw_sb_adds(&sb, "\n");
    }
    if (sb.len) cw_fwrite_display(stdout, sb.buf, sb.len); /* type names come from the inputs */
    cw_sb_free(&sb);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cw_error("types: cannot write the output");
        rc = CW_EXIT_INTERNAL;
    }
    free(rows);
    cw_assets_free(&s);
    cw_rules_free(rs);
    free(packs);
    return rc;
}
