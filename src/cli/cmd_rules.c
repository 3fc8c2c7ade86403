/* cmd_rules.c - `cloudwarden rules list|show|test|doc|check`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/display.h"
#include "../rules/rules.h"
#include "../util/strbuf.h"
#include "cli.h"

void cw_cmd_rules_help(FILE *out)
{
    fprintf(out,
            "usage: cloudwarden rules list [--format table|json] [options]\n"
            "       cloudwarden rules show ID [options]\n"
            "       cloudwarden rules test [--verbose] [FIXTURE...] [options]\n"
            "       cloudwarden rules doc [--format markdown|html] [--output FILE] [options]\n"
            "       cloudwarden rules check [options]\n\n"
            "Work with rule packs: the built-in ones (compiled in) plus any given with --rules.\n\n"
            "  list     one line per rule: id, severity, category, resource types, title\n"
            "  show     everything about one rule: text, condition, exceptions, where it is defined\n"
            "  test     run rule fixtures (default directory: tests/rules) and print\n"
            "           'N passed, N failed'; exit 1 when any failed\n"
            "  doc      write a handbook of the rules (Markdown or HTML), grouped by category,\n"
            "           followed by the facts rules can use\n"
            "  check    load the packs and report every error; exit 2 when there is one\n\n"
            "options:\n"
            "  -r, --rules PATH      add a rule pack file or a directory of *.yaml (repeatable)\n"
            "      --no-builtin      do not load the built-in packs\n"
            "      --today DATE      YYYY-MM-DD used for exception expiry and days_since()\n"
            "  -f, --format FMT      list: table (default) or json; doc: markdown (default) or html\n"
            "  -o, --output FILE     doc: write to FILE instead of standard output\n"
            "  -v, --verbose         test: also list the fixtures that passed\n"
            "  -h, --help            this help\n\n"
            "The rule language and the fixture format are described in docs/rule-language.md.\n"
            "exit codes: 0 ok, 1 fixture failures, 2 usage error or a rule pack error, 3 internal or\n"
            "write error\n");
}

typedef struct ropts {
    const char **rules;
    size_t nrules;
    bool builtin, verbose;
    const char *today, *format, *output;
} ropts;

static int finish(FILE *out, int rc)
{
    if (fflush(out) != 0 || ferror(out)) {
        cw_error("cannot write the output");
        return CW_EXIT_INTERNAL;
    }
    return rc;
}

static void types_text(cw_strbuf *sb, const cw_rule_meta *m)
{
    for (size_t t = 0; t < m->nresource_types; t++) {
        if (t) cw_sb_addc(sb, ',');
        cw_sb_adds(sb, m->resource_types[t]);
    }
}

static void json_strs(cw_strbuf *sb, const char *const *v, size_t n)
{
    cw_sb_addc(sb, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) cw_sb_addc(sb, ',');
        cw_sb_add_json_str(sb, v[i], strlen(v[i]));
    }
    cw_sb_addc(sb, ']');
}

static void json_field(cw_strbuf *sb, const char *k, const char *v, bool comma)
{
    cw_sb_printf(sb, "%s\"%s\":", comma ? "," : "", k);
    if (v) cw_sb_add_json_str(sb, v, strlen(v));
    else cw_sb_adds(sb, "null");
}

static int do_list(const cw_ruleset *rs, const ropts *o)
{
    size_t n = cw_rules_total(rs);
    cw_strbuf sb = CW_STRBUF_INIT;
    if (o->format && strcmp(o->format, "json") == 0) {
        cw_sb_adds(&sb, "[");
        for (size_t i = 0; i < n; i++) {
            cw_rule_info ri;
            cw_rules_info(rs, i, &ri);
            const cw_rule_meta *m = ri.meta;
            cw_sb_adds(&sb, i ? ",\n " : "\n ");
            cw_sb_addc(&sb, '{');
            json_field(&sb, "id", m->id, false);
            json_field(&sb, "title", m->title, true);
            json_field(&sb, "severity", cw_severity_name(m->severity), true);
            json_field(&sb, "category", m->category, true);
            cw_sb_adds(&sb, ",\"resource_types\":");
            json_strs(&sb, m->resource_types, m->nresource_types);
            cw_sb_printf(&sb, ",\"enabled\":%s", ri.enabled ? "true" : "false");
            json_field(&sb, "pack", m->pack, true);
            cw_sb_printf(&sb, ",\"line\":%u}", m->line);
        }
        cw_sb_adds(&sb, n ? "\n]\n" : "]\n");
    } else {
        size_t wid = 2, wres = 8;
        for (size_t i = 0; i < n; i++) {
            cw_rule_info ri;
            cw_rules_info(rs, i, &ri);
            size_t l = strlen(ri.meta->id);
            if (l > wid) wid = l;
            cw_strbuf t = CW_STRBUF_INIT;
            types_text(&t, ri.meta);
            if (t.len > wres) wres = t.len;
            cw_sb_free(&t);
        }
        if (wres > 40) wres = 40;
        cw_sb_printf(&sb, "%-*s  %-8s  %-16s  %-*s  %s\n", (int)wid, "ID", "SEVERITY", "CATEGORY", (int)wres,
                     "RESOURCE", "TITLE");
        for (size_t i = 0; i < n; i++) {
            cw_rule_info ri;
            cw_rules_info(rs, i, &ri);
            cw_strbuf t = CW_STRBUF_INIT;
            types_text(&t, ri.meta);
            cw_sb_printf(&sb, "%-*s  %-8s  %-16s  %-*s  %s%s\n", (int)wid, ri.meta->id,
                         cw_severity_name(ri.meta->severity), ri.meta->category, (int)wres, t.buf ? t.buf : "",
                         ri.meta->title, ri.enabled ? "" : " (disabled)");
            cw_sb_free(&t);
        }
        cw_sb_printf(&sb, "%zu rule%s, %zu enabled\n", n, n == 1 ? "" : "s", cw_rules_count(rs));
    }
    if (sb.len) cw_fwrite_display(stdout, sb.buf, sb.len); /* titles come from rule packs */
    cw_sb_free(&sb);
    return finish(stdout, CW_EXIT_OK);
}

/* rules show: the text of a rule pack (untrusted) for a terminal, written
 * with controls and invisible code points as escapes (util/display.h) */
static cw_strbuf show_out;

static void block(const char *label, const char *text)
{
    if (!text) return;
    cw_sb_printf(&show_out, "%s:\n", label);
    const char *p = text;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l || (e && e[1])) cw_sb_printf(&show_out, "  %.*s\n", (int)l, p);
        if (!e) break;
        p = e + 1;
    }
}

static int do_show(const cw_ruleset *rs, const char *id)
{
    long i = cw_rules_index(rs, id);
    if (i < 0) {
        const char *best = NULL;
        size_t bl = 0;
        size_t idl = strlen(id);
        for (size_t k = 0; k < cw_rules_total(rs); k++) {
            cw_rule_info ri;
            cw_rules_info(rs, k, &ri);
            if (strstr(ri.meta->id, id) && (!best || strlen(ri.meta->id) < bl)) best = ri.meta->id, bl = strlen(best);
        }
        (void)idl;
        if (best) cw_error("no rule '%s'; did you mean '%s'? ('cloudwarden rules list' shows all)", id, best);
        else cw_error("no rule '%s' ('cloudwarden rules list' shows all)", id);
        return CW_EXIT_USAGE;
    }
    cw_rule_info ri;
    cw_rules_info(rs, (size_t)i, &ri);
    const cw_rule_meta *m = ri.meta;
    cw_strbuf t = CW_STRBUF_INIT;
    types_text(&t, m);
    cw_sb_printf(&show_out, "%s\n  %s\n\n", m->id, m->title);
    cw_sb_printf(&show_out, "severity:    %s\ncategory:    %s\nresource:    %s\nenabled:     %s\ndefined in:  %s:%u\n",
           cw_severity_name(m->severity), m->category, t.buf ? t.buf : "", ri.enabled ? "yes" : "no", m->pack,
           m->line);
    cw_sb_free(&t);
    for (size_t k = 0; k < ri.nmodified; k++) cw_sb_printf(&show_out, "retuned in:  %s\n", ri.modified_by[k]);
    cw_sb_adds(&show_out, "\n");
    block("description", m->description);
    block("remediation", m->remediation);
    block("condition", ri.condition);
    cw_sb_printf(&show_out, "evidence:\n  %s\n", ri.evidence ? ri.evidence : "(generated from the condition's matched values)");
    if (m->nreferences) {
        cw_sb_printf(&show_out, "references:\n");
        for (size_t k = 0; k < m->nreferences; k++) cw_sb_printf(&show_out, "  %s\n", m->references[k]);
    }
    if (m->ncompliance) {
        cw_sb_printf(&show_out, "compliance:\n");
        for (size_t k = 0; k < m->ncompliance; k++) cw_sb_printf(&show_out, "  %s\n", m->compliance[k]);
    }
    if (ri.nexceptions) cw_sb_printf(&show_out, "exceptions:\n");
    for (size_t k = 0; k < ri.nexceptions; k++) {
        cw_rule_exception_info e;
        cw_rules_exception(rs, (size_t)i, k, &e);
        cw_sb_printf(&show_out, "  - %s  (%s:%u)%s%s%s\n", e.name, e.file, e.line, e.expires ? (e.expired ? "  EXPIRED " : "  until ") : "",
               e.expires ? e.expires : "", "");
        cw_sb_printf(&show_out, "    reason:    %s\n    condition: %s\n", e.reason, e.condition);
    }
    if (show_out.len) cw_fwrite_display(stdout, show_out.buf, show_out.len);
    cw_sb_free(&show_out);
    return finish(stdout, CW_EXIT_OK);
}

static int do_doc(const cw_ruleset *rs, const ropts *o)
{
    const char *fmt = o->format ? o->format : "markdown";
    if (strcmp(fmt, "markdown") != 0 && strcmp(fmt, "md") != 0 && strcmp(fmt, "html") != 0) {
        cw_error("rules doc: unknown format '%s' (expected markdown or html)", fmt);
        return CW_EXIT_USAGE;
    }
    FILE *out = stdout;
    if (o->output && strcmp(o->output, "-") != 0) {
        out = fopen(o->output, "w");
        if (!out) {
            cw_error("cannot create %s", o->output);
            return CW_EXIT_USAGE;
        }
    }
    int w = cw_rules_doc(rs, strcmp(fmt, "html") == 0 ? "html" : "markdown", out);
    int rc = CW_EXIT_OK;
    if (w < 0) {
        cw_error("cannot write the handbook%s%s", o->output ? " to " : "", o->output ? o->output : "");
        rc = CW_EXIT_INTERNAL;
    }
    if (out != stdout) {
        if (fclose(out) != 0 && rc == CW_EXIT_OK) {
            cw_error("cannot write %s", o->output);
            rc = CW_EXIT_INTERNAL;
        }
        return rc;
    }
    return rc ? rc : finish(stdout, rc);
}

static int do_test(const cw_ruleset *rs, const ropts *o, int argc, char **argv)
{
    const char *def[] = {"tests/rules"};
    const char *const *paths = (const char *const *)argv;
    size_t n = (size_t)argc;
    if (!n) {
        struct stat st;
        if (stat(def[0], &st) != 0) {
            cw_error("rules test: no fixtures given and no tests/rules directory here");
            return CW_EXIT_USAGE;
        }
        paths = def;
        n = 1;
    }
    cw_diags d;
    cw_diags_init(&d);
    size_t failed = cw_rules_test(rs, paths, n, o->verbose, stdout, &d);
    fflush(stdout);
    cw_diags_print(&d);
    cw_diags_free(&d);
    return finish(stdout, failed ? CW_EXIT_FINDINGS : CW_EXIT_OK);
}

int cw_cmd_rules(int argc, char **argv)
{
    ropts o = {.builtin = true};
    static const struct option lo[] = {
        {"rules", required_argument, 0, 'r'}, {"no-builtin", no_argument, 0, 1},
        {"today", required_argument, 0, 2},   {"format", required_argument, 0, 'f'},
        {"output", required_argument, 0, 'o'}, {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0},
    };
    optind = 1;
    opterr = 0;
    int c;
    /* GNU getopt permutes: options may come before or after the subcommand */
    while ((c = getopt_long(argc, argv, "r:f:o:vh", lo, NULL)) != -1) {
        switch (c) {
        case 'r':
            o.rules = cw_xrealloc(o.rules, (o.nrules + 1) * sizeof *o.rules);
            o.rules[o.nrules++] = optarg;
            break;
        case 1: o.builtin = false; break;
        case 2: o.today = optarg; break;
        case 'f': o.format = optarg; break;
        case 'o': o.output = optarg; break;
        case 'v': o.verbose = true; break;
        case 'h': cw_cmd_rules_help(stdout); free(o.rules); return CW_EXIT_OK;
        default:
            if (optopt && strchr("rfo", optopt))
                cw_error("rules: option '-%c' needs a value; see 'cloudwarden rules --help'", optopt);
            else
                cw_error("rules: unknown or incomplete option '%s'; see 'cloudwarden rules --help'",
                         argv[optind - 1]);
            free(o.rules);
            return CW_EXIT_USAGE;
        }
    }
    char **pos = argv + optind;
    int npos = argc - optind;
    if (!npos) {
        cw_cmd_rules_help(stderr);
        free(o.rules);
        return CW_EXIT_USAGE;
    }
    const char *sub = pos[0];
    if (strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "test") && strcmp(sub, "doc") &&
        strcmp(sub, "check")) {
        cw_error("rules: unknown subcommand '%s' (expected list, show, test, doc or check)", sub);
        free(o.rules);
        return CW_EXIT_USAGE;
    }
    if ((strcmp(sub, "show") == 0 && npos != 2) ||
        ((!strcmp(sub, "list") || !strcmp(sub, "doc") || !strcmp(sub, "check")) && npos != 1)) {
        cw_error("rules %s: %s", sub, strcmp(sub, "show") == 0 ? "expected one rule id" : "unexpected operand");
        free(o.rules);
        return CW_EXIT_USAGE;
    }
    if (o.format && strcmp(sub, "list") == 0 && strcmp(o.format, "json") && strcmp(o.format, "table")) {
        cw_error("rules list: unknown format '%s' (expected table or json)", o.format);
        free(o.rules);
        return CW_EXIT_USAGE;
    }
    cw_diags d;
    cw_diags_init(&d);
    cw_rules_opts ro = {.builtin = o.builtin, .paths = o.rules, .npaths = o.nrules, .today = o.today};
    cw_ruleset *rs = cw_rules_load(&ro, &d);
    cw_diags_print(&d);
    if (!rs) {
        cw_error("rule packs have %zu error%s", d.errors, d.errors == 1 ? "" : "s");
        cw_diags_free(&d);
        free(o.rules);
        return CW_EXIT_USAGE;
    }
    cw_diags_free(&d);
    int rc;
    if (strcmp(sub, "list") == 0) rc = do_list(rs, &o);
    else if (strcmp(sub, "show") == 0) rc = do_show(rs, pos[1]);
    else if (strcmp(sub, "doc") == 0) rc = do_doc(rs, &o);
    else if (strcmp(sub, "test") == 0) rc = do_test(rs, &o, npos - 1, pos + 1);
    else {
        printf("rule packs ok: %zu rules, %zu enabled\n", cw_rules_total(rs), cw_rules_count(rs));
        rc = finish(stdout, CW_EXIT_OK);
    }
    cw_rules_free(rs);
    free(o.rules);
    return rc;
}
