/* scan_select.c - filters, the ignore file and baselines of `scan` (see
 * scan_select.h). */
#include "scan_select.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "yaml_doc.h"
#include "../ingest/aws_types.h"
#include "../json/json.h"
#include "../output/output.h"
#include "../util/glob.h"
#include "../util/strbuf.h"
#include "../util/timeutil.h"

#define DEFAULT_IGNORE_FILE ".cloudwarden-ignore.yaml"

void cw_strv_push(cw_strv *s, const char *x)
{
    if (s->n + 2 > s->cap) s->v = cw_xrealloc(s->v, (s->cap = s->cap ? s->cap * 2 : 8) * sizeof *s->v);
    s->v[s->n++] = x;
    s->v[s->n] = NULL;
}

void cw_strv_free(cw_strv *s)
{
    free(s->v);
    memset(s, 0, sizeof *s);
}

struct cw_ignore_entry {
    const char *rule, *resource, *reason, *expires;
    const char *label; /* suppressed_by: "ignore file F:L: reason" */
    const char *file;
    unsigned line;
    bool expired;
    size_t hits;
};

int64_t cw_scan_today(const char *today)
{
    int64_t t = today ? cw_time_parse(today, strlen(today)) : CW_TIME_UNKNOWN;
    if (t != CW_TIME_UNKNOWN) return t / 86400000000LL;
    return (int64_t)(time(NULL) / 86400);
}

void cw_scan_select_init(cw_scan_select *s)
{
    memset(s, 0, sizeof *s);
    cw_arena_init(&s->arena, 0);
}

void cw_scan_select_free(cw_scan_select *s)
{
    cw_strv *all[] = {&s->rule, &s->skip_rule, &s->category, &s->type, &s->account, &s->region, &s->include,
                      &s->exclude};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) cw_strv_free(all[i]);
    free(s->ignores);
    free(s->known);
    cw_arena_free(&s->arena);
}

static bool any_glob(const cw_strv *g, const char *s)
{
    if (!s) return false;
    for (size_t i = 0; i < g->n; i++)
        if (cw_fnglob_match(g->v[i], s, 0)) return true;
    return false;
}

static int check_globs(const char *opt, const cw_strv *g)
{
    int rc = 0;
    for (size_t i = 0; i < g->n; i++) {
        const char *why = cw_fnglob_check(g->v[i]);
        if (why) {
            cw_error("--%s: the pattern '%s' %s", opt, g->v[i], why);
            rc = -1;
        }
    }
    return rc;
}

/* ---- the ignore file ------------------------------------------------------ */
static const char *const ignore_keys[] = {"rule", "resource", "reason", "expires", NULL};

static int load_ignores(cw_scan_select *s, const char *file, int64_t today)
{
    cw_diags d;
    cw_diags_init(&d);
    cw_ydoc y;
    int rc = cw_ydoc_load(&y, file, &d);
    yaml_node_t *root = rc == 0 ? cw_ydoc_root(&y) : NULL;
    if (rc == 0 && root) {
        yaml_node_t *list = root;
        if (root->type == YAML_MAPPING_NODE) { /* {ignore: [...]} */
            list = NULL;
            for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
                yaml_node_t *k = cw_ydoc_node(&y, p->key);
                const char *ks = cw_ydoc_str(k);
                if (ks && strcmp(ks, "ignore") == 0) list = cw_ydoc_node(&y, p->value);
                else cw_ydoc_err(&y, &d, k, CW_DIAG_ERROR, "unknown key '%s'; the file holds 'ignore:' and a list", ks ? ks : "?");
            }
        }
        if (list && list->type != YAML_SEQUENCE_NODE) {
            cw_ydoc_err(&y, &d, list, CW_DIAG_ERROR,
                        "expected a list of entries (rule, resource, reason, expires)");
            list = NULL;
        }
        for (yaml_node_item_t *it = list ? list->data.sequence.items.start : NULL;
             list && it < list->data.sequence.items.top; it++) {
            yaml_node_t *e = cw_ydoc_node(&y, *it);
            if (!e || e->type != YAML_MAPPING_NODE) {
                cw_ydoc_err(&y, &d, e, CW_DIAG_ERROR, "an entry is a mapping with rule, resource, reason and expires");
                continue;
            }
            cw_ignore_entry x = {.file = file, .line = (unsigned)e->start_mark.line + 1};
            yaml_node_t *exp_node = NULL;
            bool bad = false;
            for (yaml_node_pair_t *p = e->data.mapping.pairs.start; p < e->data.mapping.pairs.top; p++) {
                yaml_node_t *k = cw_ydoc_node(&y, p->key), *v = cw_ydoc_node(&y, p->value);
                const char *ks = cw_ydoc_str(k), *vs = cw_ydoc_str(v);
                int which = -1;
                for (int i = 0; ks && ignore_keys[i]; i++)
                    if (strcmp(ks, ignore_keys[i]) == 0) which = i;
                if (which < 0) {
                    const char *near = ks ? cw_closest_name(ks, ignore_keys) : NULL;
                    cw_ydoc_err(&y, &d, k, CW_DIAG_ERROR, "unknown key '%s'%s%s%s (expected rule, resource, reason, "
                                "expires)", ks ? ks : "?", near ? "; did you mean '" : "", near ? near : "",
                                near ? "'?" : "");
                    bad = true;
                    continue;
                }
                if (!vs || !*vs) {
                    cw_ydoc_err(&y, &d, v, CW_DIAG_ERROR, "'%s' must be a non-empty string", ks);
                    bad = true;
                    continue;
                }
                const char *copy = cw_arena_strdup(&s->arena, vs);
                if (which == 0) x.rule = copy;
                else if (which == 1) x.resource = copy;
                else if (which == 2) x.reason = copy;
                else x.expires = copy, exp_node = v;
            }
            if (!x.rule) cw_ydoc_err(&y, &d, e, CW_DIAG_ERROR, "entry has no 'rule' (an id or a glob)"), bad = true;
            if (!x.reason)
                cw_ydoc_err(&y, &d, e, CW_DIAG_ERROR, "entry has no 'reason' (say why, so the next reviewer knows)"),
                    bad = true;
            if (x.rule && cw_fnglob_check(x.rule))
                cw_ydoc_err(&y, &d, e, CW_DIAG_ERROR, "rule pattern '%s' %s", x.rule, cw_fnglob_check(x.rule)), bad = true;
            if (x.resource && cw_fnglob_check(x.resource))
                cw_ydoc_err(&y, &d, e, CW_DIAG_ERROR, "resource pattern '%s' %s", x.resource,
                            cw_fnglob_check(x.resource)),
                    bad = true;
            if (x.expires) {
                int64_t t = cw_time_parse(x.expires, strlen(x.expires));
                if (t == CW_TIME_UNKNOWN || strlen(x.expires) != 10) {
                    cw_ydoc_err(&y, &d, exp_node, CW_DIAG_ERROR, "expires: '%s' is not a date; expected YYYY-MM-DD",
                                x.expires);
                    bad = true;
                } else {
                    x.expired = t / 86400000000LL < today; /* valid through the day it names */
                }
            }
            if (bad) continue;
            if (!x.resource) x.resource = "*";
            x.label = cw_arena_printf(&s->arena, "ignore file %s:%u: %s", file, x.line, x.reason);
            s->ignores = cw_xrealloc(s->ignores, (s->nignores + 1) * sizeof *s->ignores);
            s->ignores[s->nignores++] = x;
        }
    }
    if (d.errors) rc = -1;
    cw_diags_print(&d);
    if (rc < 0) cw_error("%s: %zu error%s in the ignore file; nothing scanned", file, d.errors, d.errors == 1 ? "" : "s");
    cw_diags_free(&d);
    cw_ydoc_free(&y);
    return rc;
}

/* ---- baselines ------------------------------------------------------------ */
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int load_baseline(cw_scan_select *s, const char *file)
{
    FILE *f = fopen(file, "rb");
    if (!f) {
        cw_error("--baseline: cannot read '%s': %s", file, strerror(errno));
        return -1;
    }
    cw_strbuf sb = CW_STRBUF_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) cw_sb_add(&sb, buf, n);
    int rerr = ferror(f);
    fclose(f);
    if (rerr) {
        cw_error("--baseline: cannot read '%s'", file);
        cw_sb_free(&sb);
        return -1;
    }
    cw_json_err err;
    cw_arena a;
    cw_arena_init(&a, 0);
    cw_json *doc = cw_json_parse(&a, sb.buf ? sb.buf : "", sb.len, &err);
    int rc = 0;
    const cw_json *list = doc ? cw_json_get(doc, "findings") : NULL;
    if (!doc) {
        cw_error("%s:%u:%u: --baseline: %s", file, err.line, err.col, err.msg);
        rc = -1;
    } else if (doc->type != CW_JOBJ || !cw_json_get(doc, "cloudwarden_baseline") || !list || list->type != CW_JARR) {
        cw_error("%s: --baseline: not a cloudwarden baseline (expected an object with \"cloudwarden_baseline\" and "
                 "\"findings\", as 'scan --baseline-out' writes)",
                 file);
        rc = -1;
    } else {
        s->known = cw_xcalloc(list->len + 1, sizeof *s->known);
        for (uint32_t i = 0; i < list->len; i++) {
            const char *fp = cw_json_str(cw_json_get(&list->u.items[i], "fingerprint"), NULL);
            if (!fp || strlen(fp) != 32) {
                cw_error("%s: --baseline: finding %u has no 32-digit \"fingerprint\"", file, i + 1);
                rc = -1;
                break;
            }
            s->known[s->nknown++] = cw_arena_strdup(&s->arena, fp);
        }
        qsort(s->known, s->nknown, sizeof *s->known, cmp_str);
    }
    cw_arena_free(&a);
    cw_sb_free(&sb);
    return rc;
}

static int write_baseline(const cw_findings *fs, const char *file, const char *started)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    cw_sb_adds(&sb, "{\n  \"cloudwarden_baseline\": 1,\n  \"created\": ");
    cw_sb_add_json_cstr(&sb, started ? started : "");
    cw_sb_adds(&sb, ",\n  \"findings\": [");
    size_t k = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const cw_finding *f = &fs->v[i];
        if (f->suppressed_by) continue;
        char fp[33];
        cw_out_fingerprint(f, fp);
        cw_sb_adds(&sb, k++ ? ",\n    {\"fingerprint\": \"" : "\n    {\"fingerprint\": \"");
        cw_sb_adds(&sb, fp);
        cw_sb_adds(&sb, "\", \"rule\": ");
        cw_sb_add_json_cstr(&sb, f->rule && f->rule->id ? f->rule->id : "");
        cw_sb_adds(&sb, ", \"type\": ");
        cw_sb_add_json_cstr(&sb, f->asset && f->asset->type ? f->asset->type : "");
        cw_sb_adds(&sb, ", \"resource\": ");
        cw_sb_add_json_cstr(&sb, f->asset && f->asset->id ? f->asset->id : "");
        cw_sb_addc(&sb, '}');
    }
    cw_sb_adds(&sb, k ? "\n  ]\n}\n" : "]\n}\n");
    /* written beside, then renamed: a failed run never leaves half a baseline */
    cw_strbuf tmp = CW_STRBUF_INIT;
    cw_sb_printf(&tmp, "%s.tmp.%ld", file, (long)getpid());
    FILE *f = fopen(tmp.buf, "wb");
    int rc = 0;
    if (!f || fwrite(sb.buf, 1, sb.len, f) != sb.len || fclose(f) != 0 || rename(tmp.buf, file) != 0) {
        cw_error("--baseline-out: cannot write '%s': %s", file, strerror(errno));
        if (f) unlink(tmp.buf);
        rc = -1;
    }
    cw_sb_free(&tmp);
    cw_sb_free(&sb);
    return rc;
}

/* ---- prepare ------------------------------------------------------------- */
int cw_scan_select_prepare(cw_scan_select *s, int64_t today)
{
    int rc = 0;
    const struct {
        const char *opt;
        const cw_strv *g;
    } globs[] = {{"rule", &s->rule},       {"skip-rule", &s->skip_rule}, {"category", &s->category},
                 {"type", &s->type},       {"account", &s->account},     {"region", &s->region},
                 {"include", &s->include}, {"exclude", &s->exclude}};
    for (size_t i = 0; i < sizeof globs / sizeof *globs; i++)
        if (check_globs(globs[i].opt, globs[i].g) < 0) rc = -1;
    for (size_t i = 0; i < s->category.n; i++) {
        bool hit = false;
        for (size_t c = 0; cw_categories[c]; c++) hit |= cw_fnglob_match(s->category.v[i], cw_categories[c], 0);
        if (!hit) {
            cw_strbuf sb = CW_STRBUF_INIT;
            for (size_t c = 0; cw_categories[c]; c++) cw_sb_printf(&sb, "%s%s", c ? ", " : "", cw_categories[c]);
            cw_error("--category: '%s' matches no category; expected one of %s", s->category.v[i], sb.buf);
            cw_sb_free(&sb);
            rc = -1;
        }
    }
    const char *ign = s->ignore_file;
    struct stat st;
    if (!ign && !s->no_ignore_file && stat(DEFAULT_IGNORE_FILE, &st) == 0) ign = DEFAULT_IGNORE_FILE;
    if (ign && !s->no_ignore_file && load_ignores(s, ign, today) < 0) rc = -1;
    if (s->baseline && load_baseline(s, s->baseline) < 0) rc = -1;
    return rc;
}

/* ---- rules ----------------------------------------------------------------- */
typedef struct rule_sel {
    const cw_scan_select *s;
} rule_sel;

static bool keep_rule(const cw_rule_meta *m, void *ctx)
{
    const cw_scan_select *s = ((rule_sel *)ctx)->s;
    if (s->rule.n && !any_glob(&s->rule, m->id)) return false;
    if (any_glob(&s->skip_rule, m->id)) return false;
    if (s->category.n && !any_glob(&s->category, m->category)) return false;
    return true;
}

static int check_rule_globs(const char *opt, const cw_strv *g, const cw_ruleset *rs)
{
    int rc = 0;
    for (size_t i = 0; i < g->n; i++) {
        const char *p = g->v[i];
        bool hit = false;
        for (size_t k = 0; k < cw_rules_total(rs) && !hit; k++) {
            cw_rule_info ri;
            if (cw_rules_info(rs, k, &ri) == 0) hit = cw_fnglob_match(p, ri.meta->id, 0);
        }
        if (hit) continue;
        rc = -1;
        if (cw_fnglob_is_pattern(p)) {
            cw_error("--%s: the pattern '%s' matches no rule (see 'cloudwarden rules list')", opt, p);
            continue;
        }
        const char *near[3];
        size_t nn = cw_rules_suggest(rs, p, near, 3);
        cw_strbuf sb = CW_STRBUF_INIT;
        for (size_t k = 0; k < nn; k++) cw_sb_printf(&sb, "%s%s", k ? (k + 1 == nn ? " or " : ", ") : "", near[k]);
        cw_error("--%s: no rule has the id '%s'%s%s%s", opt, p, nn ? "; did you mean " : " (see 'cloudwarden rules list')",
                 nn ? sb.buf : "", nn ? "?" : "");
        cw_sb_free(&sb);
    }
    return rc;
}

int cw_scan_select_rules(cw_scan_select *s, cw_ruleset *rs)
{
    int rc = 0;
    if (check_rule_globs("rule", &s->rule, rs) < 0) rc = -1;
    if (check_rule_globs("skip-rule", &s->skip_rule, rs) < 0) rc = -1;
    if (rc < 0) return -1;
    if (!s->rule.n && !s->skip_rule.n && !s->category.n) return 0;
    rule_sel ctx = {s};
    if (cw_rules_select(rs, keep_rule, &ctx) == 0) {
        cw_error("the rule filters (--rule, --skip-rule, --category) leave no rule to run");
        return -1;
    }
    return 0;
}

void cw_scan_select_check_types(const cw_scan_select *s, const cw_ruleset *rs)
{
    for (size_t i = 0; i < s->type.n; i++) {
        const char *p = s->type.v[i];
        bool hit = false;
        for (size_t k = 0; k < cw_aws_ntypes && !hit; k++) hit = cw_fnglob_match(p, cw_aws_types[k], 0);
        for (size_t k = 0; k < cw_rules_total(rs) && !hit; k++) {
            cw_rule_info ri;
            if (cw_rules_info(rs, k, &ri) != 0) continue;
            for (size_t t = 0; t < ri.meta->nresource_types && !hit; t++)
                hit = cw_fnglob_match(p, ri.meta->resource_types[t], 0);
        }
        if (hit) continue;
        const char *near = cw_fnglob_is_pattern(p) ? NULL : cw_aws_type_suggest(p);
        cw_warn("--type: '%s' matches no resource type AWS Config records%s%s%s (see 'cloudwarden types --all')", p,
                near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
    }
}

/* ---- findings ---------------------------------------------------------------- */
static bool in_scope(const cw_scan_select *s, const cw_asset *a)
{
    if (s->type.n && !any_glob(&s->type, a ? a->type : NULL)) return false;
    if (s->account.n && !any_glob(&s->account, a ? a->account : NULL)) return false;
    if (s->region.n && !any_glob(&s->region, a ? a->region : NULL)) return false;
    return true;
}

static bool ignore_matches(const cw_ignore_entry *x, const cw_finding *f)
{
    if (!cw_fnglob_match(x->rule, f->rule && f->rule->id ? f->rule->id : "", 0)) return false;
    const cw_asset *a = f->asset;
    if (strcmp(x->resource, "*") == 0) return true;
    return a && (cw_fnglob_match(x->resource, a->id ? a->id : "", 0) ||
                 (a->resource_id && cw_fnglob_match(x->resource, a->resource_id, 0)) ||
                 (a->name && cw_fnglob_match(x->resource, a->name, 0)));
}

int cw_scan_select_findings(cw_scan_select *s, cw_findings *fs, const char *started)
{
    size_t k = 0;
    for (size_t i = 0; i < fs->n; i++) {
        if (!in_scope(s, fs->v[i].asset)) {
            s->filtered++;
            continue;
        }
        fs->v[k++] = fs->v[i];
    }
    fs->n = k;
    for (size_t i = 0; s->nignores && i < fs->n; i++) {
        cw_finding *f = &fs->v[i];
        if (f->suppressed_by) continue;
        for (size_t e = 0; e < s->nignores; e++) {
            cw_ignore_entry *x = &s->ignores[e];
            if (!ignore_matches(x, f)) continue;
            x->hits++;
            if (x->expired) continue;
            f->suppressed_by = x->label;
            s->ignored++;
            break;
        }
    }
    for (size_t e = 0; e < s->nignores; e++) {
        const cw_ignore_entry *x = &s->ignores[e];
        if (!x->expired) continue;
        s->expired_ignores++;
        if (x->hits)
            fprintf(stderr, "%s:%u: warning: ignore entry for %s on %s expired on %s: its %zu finding%s %s reported again\n",
                    x->file, x->line, x->rule, x->resource, x->expires, x->hits, x->hits == 1 ? "" : "s",
                    x->hits == 1 ? "is" : "are");
        else
            fprintf(stderr, "%s:%u: warning: ignore entry for %s on %s expired on %s and matches nothing; remove it\n",
                    x->file, x->line, x->rule, x->resource, x->expires);
    }
    int rc = 0;
    if (s->baseline_out && write_baseline(fs, s->baseline_out, started) < 0) rc = -1;
    if (s->baseline) {
        bool *seen = cw_xcalloc(s->nknown + 1, 1);
        for (size_t i = 0; i < fs->n; i++) {
            cw_finding *f = &fs->v[i];
            char fp[33];
            cw_out_fingerprint(f, fp);
            const char *key = fp;
            char **hit = bsearch(&key, s->known, s->nknown, sizeof *s->known, cmp_str);
            if (!hit) continue;
            seen[hit - s->known] = true;
            if (f->suppressed_by) continue;
            f->suppressed_by = cw_arena_printf(&s->arena, "baseline %s", s->baseline);
            s->in_baseline++;
        }
        for (size_t j = 0; j < s->nknown; j++) s->baseline_gone += !seen[j];
        free(seen);
    }
    return rc;
}

void cw_scan_select_summary(const cw_scan_select *s)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    if (s->filtered)
        cw_sb_printf(&sb, "%zu finding%s outside --type/--account/--region dropped", s->filtered,
                     s->filtered == 1 ? "" : "s");
    if (s->nignores)
        cw_sb_printf(&sb, "%s%zu ignored by the ignore file (%zu entr%s, %zu expired)", sb.len ? "; " : "", s->ignored,
                     s->nignores, s->nignores == 1 ? "y" : "ies", s->expired_ignores);
    if (s->baseline)
        cw_sb_printf(&sb, "%s%zu already in the baseline not reported; %zu baseline finding%s no longer found",
                     sb.len ? "; " : "", s->in_baseline, s->baseline_gone, s->baseline_gone == 1 ? "" : "s");
    if (s->baseline_out)
        cw_sb_printf(&sb, "%sbaseline written to %s", sb.len ? "; " : "", s->baseline_out);
    if (sb.len) fprintf(stderr, "cloudwarden: %s\n", sb.buf);
    cw_sb_free(&sb);
}
