/* engine.c - the engine session and its whole-set path: rules, projection,
 * pool, inputs, link, analyze, evaluate, sort (engine.h). The incremental
 * path is engine_incr.c. */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "engine_int.h"

double cw_engine_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

double cw_engine_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void assets_init(cw_engine *e)
{
    cw_assets_init(&e->assets);
    e->assets.clock = e->clock; /* aws:CurrentTime of this engine: no process-wide clock */
    cw_arena_init(&e->farena, 1 << 20);
    cw_findings_init(&e->fs);
    cw_findings_init(&e->prev);
    cw_findings_init(&e->made);
    cw_hmap_init(&e->names);
    e->evaluated = e->analyzed = false;
}

static void assets_free(cw_engine *e)
{
    cw_deps_free(e->deps);
    e->deps = NULL;
    cw_jshare_free(e->keep);
    e->keep = NULL;
    cw_findings_free(&e->fs);
    cw_findings_free(&e->prev);
    cw_findings_free(&e->made);
    cw_hmap_free(&e->names);
    cw_arena_free(&e->farena);
    cw_assets_free(&e->assets);
}

static cw_engine *open_on(const cw_engine_opts *o, cw_ruleset *rs, bool own)
{
    cw_engine *e = cw_xcalloc(1, sizeof *e);
    e->o = *o;
    e->format = o->format ? cw_xstrdup(o->format) : NULL;
    e->o.format = e->format;
    e->o.rules.paths = NULL, e->o.rules.npaths = 0; /* read by the load only */
    e->o.rules.today = NULL;
    e->rs = rs;
    e->own_rs = own;
    cw_arena_init(&e->proj_arena, 0);
    e->proj = o->full_records ? NULL : cw_rules_projection(rs, &e->proj_arena);
    e->pool = cw_pool_new(o->threads);
    e->ex = (cw_exec){.pool = e->pool, .min_items = o->min_items, .min_bytes = o->min_bytes};
    e->ast = cw_xcalloc(cw_analyzer_count() + 1, sizeof *e->ast);
    e->clock = cw_analyze_clock_of(o->rules.today);
    assets_init(e);
    return e;
}

cw_engine *cw_engine_open(const cw_engine_opts *o, cw_diags *d)
{
    cw_ruleset *rs = cw_rules_load(&o->rules, d);
    if (!rs) return NULL;
    return open_on(o, rs, true);
}

cw_engine *cw_engine_open_rules(const cw_engine_opts *o, cw_ruleset *rs, cw_diags *d)
{
    (void)d;
    return rs ? open_on(o, rs, false) : NULL;
}

void cw_engine_free(cw_engine *e)
{
    if (!e) return;
    assets_free(e);
    cw_pool_free(e->pool);
    if (e->own_rs) cw_rules_free(e->rs);
    cw_arena_free(&e->proj_arena);
    free(e->ast);
    free(e->format);
    free(e);
}

void cw_engine_reset(cw_engine *e)
{
    assets_free(e);
    assets_init(e);
}

cw_ruleset *cw_engine_rules(cw_engine *e) { return e->rs; }
const cw_exec *cw_engine_exec(const cw_engine *e) { return &e->ex; }
cw_arena *cw_engine_arena(cw_engine *e) { return &e->assets.arena; }
const cw_findings *cw_engine_findings(cw_engine *e) { return &e->fs; }
const cw_assets *cw_engine_assets(const cw_engine *e) { return &e->assets; }
const cw_analyzer_stats *cw_engine_analyzer_stats(const cw_engine *e) { return e->ast; }

const cw_asset *cw_engine_find(const cw_engine *e, const char *type, const char *resource_id)
{
    const cw_asset *a = cw_assets_find_rid(&e->assets, type, resource_id);
    return a && a->live ? a : NULL;
}

void cw_engine_stats_get(const cw_engine *e, cw_engine_stats *out)
{
    *out = e->st;
    out->model_bytes = cw_assets_arena_bytes(&e->assets) + cw_assets_index_bytes(&e->assets) + cw_deps_bytes(e->deps);
}

/* ---- inputs --------------------------------------------------------------- */
const char *cw_engine_name(cw_engine *e, const char *name)
{
    if (!name) return NULL;
    size_t n = strlen(name);
    const char *own = cw_hmap_get(&e->names, name, n);
    if (own) return own;
    char *c = cw_arena_strndup(&e->assets.arena, name, n);
    cw_hmap_put(&e->names, c, n, c);
    return c;
}

static void ingest_opts(const cw_engine *e, cw_ingest_opts *io)
{
    *io = (cw_ingest_opts){.format = e->o.format, .proj = e->proj, .exec = &e->ex, .limits = e->o.limits,
                           .progress = e->o.progress, .progress_ctx = e->o.progress_ctx};
}

int cw_engine_add_file(cw_engine *e, const char *path, cw_diags *d, cw_ingest_stats *st)
{
    cw_ingest_stats local = {0};
    cw_ingest_opts io;
    ingest_opts(e, &io);
    double t = cw_engine_now(), c = cw_engine_cpu();
    int rc = cw_ingest_file(&e->assets, cw_engine_name(e, path), &io, d, st ? st : &local);
    e->st.t_ingest += cw_engine_now() - t, e->st.c_ingest += cw_engine_cpu() - c;
    e->evaluated = false;
    return rc;
}

int cw_engine_add_buffer(cw_engine *e, const char *name, const char *buf, size_t len, cw_diags *d,
                         cw_ingest_stats *st)
{
    cw_ingest_stats local = {0};
    cw_ingest_opts io;
    ingest_opts(e, &io);
    double t = cw_engine_now(), c = cw_engine_cpu();
    int rc = cw_ingest_buffer(&e->assets, cw_engine_name(e, name), buf, len, &io, d, st ? st : &local);
    e->st.t_ingest += cw_engine_now() - t, e->st.c_ingest += cw_engine_cpu() - c;
    e->evaluated = false;
    return rc;
}

static const cw_adapter *record_adapter(const cw_engine *e, const cw_json *v)
{
    for (const cw_adapter *const *ad = cw_adapters; *ad; ad++)
        if (e->o.format ? strcmp((*ad)->name, e->o.format) == 0 : (*ad)->sniff(NULL, v) > 0) return *ad;
    return e->o.format ? NULL : cw_adapters[0];
}

int cw_engine_add_record(cw_engine *e, const char *name, const cw_jrecord *rec, cw_diags *d, cw_ingest_stats *st)
{
    const cw_adapter *ad = record_adapter(e, rec->value);
    if (!ad) {
        cw_diag_add(d, CW_DIAG_ERROR, NULL, 0, 0, 0, NULL, "unknown input format '%s'", e->o.format);
        return -1;
    }
    if (e->proj) cw_json_project(&e->assets.arena, rec->value, e->proj);
    cw_asset as;
    int k = ad->prepare(&e->assets.arena, cw_engine_name(e, name), rec, d, &as);
    if (st) st->records++;
    e->evaluated = false;
    if (k > 0) {
        cw_assets_add(&e->assets, &as);
        if (st) st->assets++;
        return 0;
    }
    if (st) *(k == 0 ? &st->skipped : &st->errors) += 1;
    return k == 0 ? 1 : -1;
}

/* ---- link, analyze, evaluate --------------------------------------------------- */
void cw_engine_link_analyze(cw_engine *e)
{
    cw_assets *s = &e->assets;
    double t = cw_engine_now(), c = cw_engine_cpu();
    cw_assets_link(s, &e->ex);
    double t1 = cw_engine_now(), c1 = cw_engine_cpu();
    e->st.t_link += t1 - t, e->st.c_link += c1 - c;
    if (e->analyzed) /* facts of an earlier run: analyzers start from none, as on load */
        for (size_t i = 0; i < s->n; i++) s->v[i]->facts = cw_json_new_obj(&s->arena);
    cw_analyze_all(s, &e->ex, e->ast);
    e->analyzed = true;
    e->st.t_analyze += cw_engine_now() - t1, e->st.c_analyze += cw_engine_cpu() - c1;
}

static int evaluate(cw_engine *e, long rule, int64_t today, cw_diags *d)
{
    size_t errors = d->errors;
    cw_deps_free(e->deps); /* rebuilt from this state on the next apply */
    e->deps = NULL;
    cw_engine_link_analyze(e);
    double t = cw_engine_now(), c = cw_engine_cpu();
    e->fs.n = 0;
    cw_arena_reset(&e->farena);
    if (rule < 0) cw_rules_eval(e->rs, &e->assets, &e->farena, &e->fs, d, &e->ex);
    else if (today == INT64_MIN) cw_rules_eval_one(e->rs, (size_t)rule, &e->assets, &e->farena, &e->fs, d);
    else cw_rules_eval_one_at(e->rs, (size_t)rule, &e->assets, &e->farena, &e->fs, d, today);
    double t1 = cw_engine_now(), c1 = cw_engine_cpu();
    e->st.t_eval += t1 - t, e->st.c_eval += c1 - c;
    cw_findings_sort(&e->fs, &e->ex);
    e->st.t_sort += cw_engine_now() - t1, e->st.c_sort += cw_engine_cpu() - c1;
    e->st.evaluations++;
    e->evaluated = rule < 0;
    return d->errors > errors ? -1 : 0;
}

int cw_engine_evaluate(cw_engine *e, cw_diags *d) { return evaluate(e, -1, 0, d); }

int cw_engine_evaluate_rule(cw_engine *e, size_t rule, int64_t today_days, cw_diags *d)
{
    if (rule >= cw_rules_total(e->rs)) return -1;
    return evaluate(e, (long)rule, today_days, d);
}
