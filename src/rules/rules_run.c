/* rules_run.c - evaluate a loaded rule set over an asset set; accessors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules_int.h"
#include "../analyze/analyze.h"
#include "../ingest/ingest.h"
#include "../util/pool.h"

void cw_rules_free(cw_ruleset *rs)
{
    if (!rs) return;
    for (size_t i = 0; i < rs->nregexes; i++) pcre2_code_free(rs->regexes[i]);
    free(rs->regexes);
    free(rs->rules);
    free(rs->enabled);
    cw_hmap_free(&rs->by_id);
    cw_hmap_free(&rs->lists);
    cw_hmap_free(&rs->macros);
    cw_arena_free(&rs->arena);
    free(rs);
}

size_t cw_rules_count(const cw_ruleset *rs) { return rs ? rs->nenabled : 0; }
size_t cw_rules_total(const cw_ruleset *rs) { return rs ? rs->nrules : 0; }

const cw_rule_meta *cw_rules_meta(const cw_ruleset *rs, size_t i)
{
    return rs && i < rs->nenabled ? &rs->enabled[i]->meta : NULL;
}

size_t cw_rules_select(cw_ruleset *rs, bool (*keep)(const cw_rule_meta *m, void *ctx), void *ctx)
{
    if (!rs) return 0;
    size_t k = 0;
    for (size_t i = 0; i < rs->nenabled; i++)
        if (keep(&rs->enabled[i]->meta, ctx)) rs->enabled[k++] = rs->enabled[i];
    rs->nenabled = k;
    return k;
}

/* Every '-'-separated word of a (at least two) is a word of b:
 * "aws-s3-versioning" and "aws-s3-bucket-versioning-disabled". */
static bool words_within(const char *a, const char *b)
{
    int words = 0;
    for (const char *p = a; *p;) {
        const char *e = strchr(p, '-');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n) {
            bool found = false;
            for (const char *q = b; *q && !found;) {
                const char *f = strchr(q, '-');
                size_t m = f ? (size_t)(f - q) : strlen(q);
                found = m == n && memcmp(p, q, n) == 0;
                q += m + (f != NULL);
            }
            if (!found) return false;
            words++;
        }
        p += n + (e != NULL);
    }
    return words >= 2;
}

size_t cw_rules_suggest(const cw_ruleset *rs, const char *id, const char **out, size_t max)
{
    if (!rs || !max) return 0;
    size_t il = strlen(id), n = 0;
    size_t best[8];
    if (max > 8) max = 8;
    for (size_t i = 0; i < rs->nrules; i++) {
        const char *c = rs->rules[i]->meta.id;
        size_t cl = strlen(c);
        size_t dist = cw_edit_distance(id, il, c, cl);
        /* close enough to be a typo: a third of the length, or a shared prefix/suffix */
        bool near = dist <= (il > cl ? il : cl) / 3 || (il >= 6 && (strstr(c, id) || strstr(id, c))) ||
                    words_within(id, c);
        if (!near) continue;
        size_t j = n < max ? n++ : max;
        if (j == max && dist >= best[max - 1]) continue;
        if (j == max) j = max - 1;
        while (j > 0 && best[j - 1] > dist) best[j] = best[j - 1], out[j] = out[j - 1], j--;
        best[j] = dist, out[j] = c;
    }
    return n;
}

const cw_rule_meta *cw_rules_find(const cw_ruleset *rs, const char *id)
{
    cw_rule *r = rs ? cw_hmap_get(&rs->by_id, id, strlen(id)) : NULL;
    return r ? &r->meta : NULL;
}

long cw_rules_index(const cw_ruleset *rs, const char *id)
{
    cw_rule *r = rs ? cw_hmap_get(&rs->by_id, id, strlen(id)) : NULL;
    return r ? (long)r->ordinal : -1;
}

int cw_rules_info(const cw_ruleset *rs, size_t i, cw_rule_info *out)
{
    if (!rs || i >= rs->nrules) return -1;
    const cw_rule *r = rs->rules[i];
    out->meta = &r->meta;
    out->enabled = r->enabled;
    out->condition = r->condition;
    out->evidence = r->evidence;
    out->nexceptions = r->nexc;
    out->modified_by = r->modified_by;
    out->nmodified = r->nmodified;
    return 0;
}

int cw_rules_exception(const cw_ruleset *rs, size_t i, size_t j, cw_rule_exception_info *out)
{
    if (!rs || i >= rs->nrules || j >= rs->rules[i]->nexc) return -1;
    const cw_rexc *x = &rs->rules[i]->exc[j];
    out->name = x->name;
    out->reason = x->reason;
    out->condition = x->condition;
    out->expires = x->expires;
    out->expired = x->expired;
    out->file = x->file;
    out->line = x->line;
    return 0;
}

static void render(const cw_rule *r, cw_ectx *x, cw_strbuf *sb)
{
    if (!r->ntparts) {
        cw_explain(r->cond, x, sb);
        return;
    }
    for (size_t i = 0; i < r->ntparts; i++) {
        const cw_tpart *p = &r->tparts[i];
        if (p->explain) cw_explain(r->cond, x, sb);
        else if (!p->expr) cw_sb_add(sb, p->text, p->len);
        else {
            cw_json t;
            const cw_json *v = cw_eval_val(p->expr, x, &t);
            if (v && v->type != CW_JNULL) cw_value_text(sb, v, 400);
            else if (p->text) cw_sb_add(sb, p->text, p->len);
        }
    }
}

typedef struct run {
    cw_ectx x;
    cw_strbuf sb;
    cw_arena *a;
    cw_findings *out;
    int64_t today;
    cw_diags diags;           /* evaluation errors (regexes that could not run) */
    size_t re_failed, re_shown; /* resources whose regex failed; how many are in diags */
} run;

enum { RE_SHOWN_MAX = 20 }; /* regex failures reported one by one per run */

static void regex_check(run *R, const cw_rule *r)
{
    if (!R->x.re_err) return;
    R->re_failed++;
    if (R->re_shown < RE_SHOWN_MAX) R->re_shown += (size_t)cw_ectx_regex_error(&R->x, r->meta.id, &R->diags);
    R->x.re_err = 0;
}

static void eval_asset(run *R, const cw_rule *r, const cw_asset *as, size_t *expired_hits)
{
    cw_ectx_reset(&R->x);
    R->x.asset = as;
    bool hit = cw_eval_bool(r->cond, &R->x);
    regex_check(R, r);
    if (!hit) return;
    const char *supp = NULL;
    for (size_t e = 0; e < r->nexc; e++) {
        const cw_rexc *ex = &r->exc[e];
        if (ex->expires && ex->expires_days < R->today) {
            if (cw_eval_bool(ex->cond, &R->x)) expired_hits[e]++;
            regex_check(R, r);
            continue;
        }
        if (!supp && cw_eval_bool(ex->cond, &R->x)) supp = ex->name;
        regex_check(R, r);
    }
    cw_sb_reset(&R->sb);
    render(r, &R->x, &R->sb);
    R->x.re_err = 0; /* explaining re-evaluates what already failed above */
    cw_finding f = {
        .rule = &r->meta,
        .asset = as,
        .evidence = cw_arena_strndup(R->a, R->sb.buf ? R->sb.buf : "", R->sb.len),
        .suppressed_by = supp,
    };
    cw_findings_add(R->out, &f);
}

/* Asset-major order: for each resource type, each asset is evaluated by
 * every rule of that type while its JSON is still in cache (rule-major order
 * re-reads the whole inventory once per rule and is memory-bound). With
 * nparts > 1 only the assets whose index falls in this part are evaluated, so
 * parts can run on separate threads. */
enum { PF_AHEAD = 3 }; /* assets evaluated per prefetch step */

static void eval_part(run *R, const cw_rule *const *rules, size_t n, const cw_assets *s, const size_t *base,
                      size_t *hits, unsigned part, unsigned nparts)
{
    const cw_rule **grp = cw_xmalloc((n + 1) * sizeof *grp);
    size_t *gidx = cw_xmalloc((n + 1) * sizeof *gidx);
#define MINE(as) ((as)->live && (as)->index % nparts == part)
    /* rules for every type ("*") */
    size_t ng = 0;
    for (size_t k = 0; k < n; k++)
        if (rules[k]->all_types) grp[ng] = rules[k], gidx[ng++] = k;
    for (size_t i = 0; ng && i < s->n; i++) {
        cw_assets_prefetch_ahead(s->v, s->n, i, PF_AHEAD);
        if (MINE(s->v[i]))
            for (size_t g = 0; g < ng; g++) eval_asset(R, grp[g], s->v[i], hits + base[gidx[g]]);
    }
    /* each distinct type once, with the rules that name it */
    for (size_t k = 0; k < n; k++) {
        const cw_rule *r = rules[k];
        if (r->all_types) continue;
        for (size_t t = 0; t < r->meta.nresource_types; t++) {
            const char *type = r->meta.resource_types[t];
            bool seen = false;
            for (size_t j = 0; j < k && !seen; j++) {
                if (rules[j]->all_types) continue;
                for (size_t u = 0; u < rules[j]->meta.nresource_types && !seen; u++)
                    seen = strcmp(rules[j]->meta.resource_types[u], type) == 0;
            }
            if (seen) continue;
            ng = 0;
            for (size_t j = k; j < n; j++) {
                if (rules[j]->all_types) continue;
                for (size_t u = 0; u < rules[j]->meta.nresource_types; u++)
                    if (strcmp(rules[j]->meta.resource_types[u], type) == 0) {
                        grp[ng] = rules[j], gidx[ng++] = j;
                        break;
                    }
            }
            const cw_asset_list *l = cw_assets_of_type(s, type);
            for (size_t i = 0; l && i < l->n; i++) {
                cw_assets_prefetch_ahead(l->v, l->n, i, PF_AHEAD);
                if (MINE(l->v[i]))
                    for (size_t g = 0; g < ng; g++) eval_asset(R, grp[g], l->v[i], hits + base[gidx[g]]);
            }
        }
    }
#undef MINE
    free(grp);
    free(gidx);
}

static void warn_expired(run *R, const cw_rule *const *rules, size_t n, const size_t *base, const size_t *hits,
                         cw_diags *d)
{
    for (size_t k = 0; k < n; k++) {
        const cw_rule *r = rules[k];
        for (size_t e = 0; e < r->nexc; e++) {
            const cw_rexc *ex = &r->exc[e];
            size_t h = hits[base[k] + e];
            if (!ex->expires || ex->expires_days >= R->today) continue;
            if (h)
                cw_diag_add(d, CW_DIAG_WARNING, ex->file, ex->line, 0, 0, NULL,
                            "exception '%s' of rule %s expired on %s and no longer applies: %zu finding%s it "
                            "matched %s reported again",
                            ex->name, r->meta.id, ex->expires, h, h == 1 ? "" : "s", h == 1 ? "is" : "are");
            else
                cw_diag_add(d, CW_DIAG_WARNING, ex->file, ex->line, 0, 0, NULL,
                            "exception '%s' of rule %s expired on %s and no longer applies; remove or renew it",
                            ex->name, r->meta.id, ex->expires);
        }
    }
}

static size_t *exc_base(const cw_rule *const *rules, size_t n)
{
    size_t *base = cw_xcalloc(n + 1, sizeof *base);
    for (size_t k = 0; k < n; k++) base[k + 1] = base[k] + rules[k]->nexc;
    return base;
}

/* The evaluation errors of the runs, in run order, then the count of those
 * not shown one by one (itself an error: the exit code must say so). */
static void flush_eval_errors(run *const *runs, size_t nruns, cw_diags *d)
{
    size_t failed = 0, shown = 0;
    for (size_t i = 0; i < nruns; i++) {
        const cw_diags *e = &runs[i]->diags;
        for (size_t k = 0; k < e->n && shown < RE_SHOWN_MAX; k++, shown++) {
            const cw_diag *g = &e->v[k];
            cw_diag_add(d, g->level, g->file, g->line, g->col, g->record, g->source_line, "%s", g->msg);
        }
        failed += runs[i]->re_failed;
    }
    if (failed > shown)
        cw_diag_add(d, CW_DIAG_ERROR, NULL, 0, 0, 0, NULL,
                    "%zu more rule evaluations where a regular expression could not be evaluated (not shown)",
                    failed - shown);
}

static void eval_rules(run *R, const cw_rule *const *rules, size_t n, const cw_assets *s, cw_diags *d)
{
    size_t *base = exc_base(rules, n);
    size_t *hits = cw_xcalloc(base[n] + 1, sizeof *hits);
    eval_part(R, rules, n, s, base, hits, 0, 1);
    flush_eval_errors(&R, 1, d);
    warn_expired(R, rules, n, base, hits, d);
    free(hits);
    free(base);
}

static void run_init(run *R, int64_t today, cw_arena *a, cw_findings *out);
static void run_free(run *R);

/* ---- parts on the pool's threads for large inventories ----------------------- */
typedef struct part_job {
    run R;
    cw_arena arena;
    cw_findings found;
    size_t *hits;
    const cw_rule *const *rules;
    size_t n;
    const cw_assets *s;
    const size_t *base;
    unsigned part, nparts;
} part_job;

static void part_main(void *ctx, unsigned part, unsigned nparts)
{
    part_job *j = &((part_job *)ctx)[part];
    eval_part(&j->R, j->rules, j->n, j->s, j->base, j->hits, j->part, j->nparts);
}

static void eval_rules_parallel(const cw_ruleset *rs, const cw_assets *s, cw_arena *a, cw_findings *out,
                                cw_diags *d, cw_pool *pool, unsigned nparts)
{
    const cw_rule *const *rules = (const cw_rule *const *)rs->enabled;
    size_t n = rs->nenabled;
    size_t *base = exc_base(rules, n);
    part_job *jobs = cw_xcalloc(nparts, sizeof *jobs);
    for (unsigned p = 0; p < nparts; p++) {
        part_job *j = &jobs[p];
        cw_arena_init(&j->arena, 1u << 20);
        cw_findings_init(&j->found);
        run_init(&j->R, rs->today, &j->arena, &j->found);
        j->hits = cw_xcalloc(base[n] + 1, sizeof *j->hits);
        j->rules = rules, j->n = n, j->s = s, j->base = base, j->part = p, j->nparts = nparts;
    }
    cw_pool_split(pool, part_main, jobs, nparts);
    /* merge: findings (evidence copied into the caller's arena) and exception hits */
    for (unsigned p = 0; p < nparts; p++) {
        part_job *j = &jobs[p];
        for (size_t i = 0; i < j->found.n; i++) {
            cw_finding f = j->found.v[i];
            f.evidence = cw_arena_strdup(a, f.evidence ? f.evidence : "");
            cw_findings_add(out, &f);
        }
        if (p > 0)
            for (size_t e = 0; e < base[n]; e++) jobs[0].hits[e] += j->hits[e];
    }
    run **runs = cw_xcalloc(nparts, sizeof *runs);
    for (unsigned p = 0; p < nparts; p++) runs[p] = &jobs[p].R;
    flush_eval_errors(runs, nparts, d);
    free(runs);
    warn_expired(&jobs[0].R, rules, n, base, jobs[0].hits, d);
    for (unsigned p = 0; p < nparts; p++) {
        run_free(&jobs[p].R);
        cw_findings_free(&jobs[p].found);
        cw_arena_free(&jobs[p].arena);
        free(jobs[p].hits);
    }
    free(jobs);
    free(base);
}

static void run_init(run *R, int64_t today, cw_arena *a, cw_findings *out)
{
    R->today = today;
    cw_ectx_init(&R->x, today);
    cw_sb_init(&R->sb);
    cw_diags_init(&R->diags);
    R->re_failed = R->re_shown = 0;
    R->a = a;
    R->out = out;
}

static void run_free(run *R)
{
    cw_ectx_free(&R->x);
    cw_sb_free(&R->sb);
    cw_diags_free(&R->diags);
}

void cw_rules_eval(const cw_ruleset *rs, const cw_assets *s, cw_arena *a, cw_findings *out, cw_diags *d,
                   const cw_exec *x)
{
    if (!rs) return;
    unsigned parts = cw_exec_parts(x, s->n);
    if (parts > 1) {
        eval_rules_parallel(rs, s, a, out, d, cw_exec_pool(x), parts);
        return;
    }
    run R;
    run_init(&R, rs->today, a, out);
    eval_rules(&R, (const cw_rule *const *)rs->enabled, rs->nenabled, s, d);
    run_free(&R);
}

void cw_rules_eval_one(const cw_ruleset *rs, size_t i, const cw_assets *s, cw_arena *a, cw_findings *out,
                       cw_diags *d)
{
    if (rs) cw_rules_eval_one_at(rs, i, s, a, out, d, rs->today);
}

void cw_rules_eval_one_at(const cw_ruleset *rs, size_t i, const cw_assets *s, cw_arena *a, cw_findings *out,
                          cw_diags *d, int64_t today)
{
    if (!rs || i >= rs->nrules) return;
    run R;
    run_init(&R, today, a, out);
    const cw_rule *one = rs->rules[i];
    eval_rules(&R, &one, 1, s, d);
    run_free(&R);
}

/* ---- projection: what the rules read of configuration items ------------- */
static void project_node(const cw_cnode *n, cw_arena *a, cw_jproj *item, int depth)
{
    if (!n || depth > 4 * CW_COND_MAX_DEPTH) return;
    if (n->op == CN_PATH && n->root == CR_RAW) {
        /* keys up to the end, skipping array indexes (projections see through arrays) */
        const char *keys[64];
        uint32_t lens[64];
        size_t k = 0;
        for (uint32_t i = 0; i < n->nsegs && k < 64; i++)
            if (n->segs[i].key) keys[k] = n->segs[i].key, lens[k] = n->segs[i].keylen, k++;
        if (k) cw_jproj_keep_segs(a, item, keys, lens, k);
        return;
    }
    if (n->op == CN_MACRO) { /* the shared body */
        project_node(n->a, a, item, depth + 1);
        return;
    }
    project_node(n->a, a, item, depth + 1);
    project_node(n->b, a, item, depth + 1);
    for (uint32_t i = 0; i < n->nargs; i++) project_node(n->args[i], a, item, depth + 1);
}

/* What rules (conditions, evidence, exceptions) and analyzers read. */
static void project_reads(const cw_ruleset *rs, cw_arena *a, cw_jproj *item)
{
    for (size_t i = 0; rs && i < rs->nrules; i++) {
        const cw_rule *r = rs->rules[i];
        project_node(r->cond, a, item, 0);
        for (size_t k = 0; k < r->ntparts; k++) project_node(r->tparts[k].expr, a, item, 0);
        for (size_t k = 0; k < r->nexc; k++) project_node(r->exc[k].cond, a, item, 0);
    }
    cw_analyze_project(a, item);
}

const cw_jproj *cw_rules_projection(const cw_ruleset *rs, cw_arena *a)
{
    /* parsing also builds what the adapter reads; the model then keeps only
     * what rules and analyzers read */
    cw_jproj *model = cw_jproj_new(a, false);
    project_reads(rs, a, model);
    cw_jproj_freeze(a, model);
    cw_jproj *item = cw_jproj_new(a, false);
    project_reads(rs, a, item);
    cw_ingest_project(a, item);
    cw_jproj_set_model(item, model);
    cw_jproj_freeze(a, item);
    return item;
}
