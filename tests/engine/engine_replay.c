/* engine_replay.c - test driver of the engine's incremental path (not part of
 * the product): load baseline inventories, evaluate, then apply change files
 * one by one; after EVERY step compare, finding for finding, with a fresh
 * engine that loads the baseline and every change so far and evaluates the
 * whole set, and compare the delta with the difference between the fresh
 * findings before and after the step.
 *
 *   engine_replay [--threads N] [--today YYYY-MM-DD] [--time-only 1] BASE... -- CHANGE...
 *
 * --time-only 1: no comparison, the wall time of each apply (a benchmark of
 * the incremental path on a large baseline).
 *
 * Prints one line per step and "replay: N steps, N mismatches"; exit 0 when
 * every step matched, 1 on a mismatch, 2 on bad input. Used by
 * tests/engine/random_changes.py (issue 8, and the monitor's issue 10). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/engine.h"
#include "util/strbuf.h"

typedef struct lines {
    char **v;
    size_t n;
} lines;

static void lines_free(lines *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static char *key_of(const cw_finding *f)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    cw_sb_printf(&sb, "%s|%s|%s", f->rule->id, f->asset->type ? f->asset->type : "", f->asset->id ? f->asset->id : "");
    return sb.buf;
}

/* one line per finding: key, then what outputs show of it */
static lines text_of(const cw_findings *fs)
{
    lines l = {cw_xmalloc((fs->n + 1) * sizeof(char *)), 0};
    for (size_t i = 0; i < fs->n; i++) {
        const cw_finding *f = &fs->v[i];
        cw_strbuf sb = CW_STRBUF_INIT;
        char *k = key_of(f);
        cw_sb_printf(&sb, "%s\t%d|%s|%s|%s:%llu", k, (int)f->rule->severity, f->evidence ? f->evidence : "",
                     f->suppressed_by ? f->suppressed_by : "-", f->asset->source_file ? f->asset->source_file : "?",
                     (unsigned long long)f->asset->source_record);
        free(k);
        l.v[l.n++] = sb.buf;
    }
    return l;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* "KIND key" for every change between two finding texts */
static lines expected_delta(const lines *before, const lines *after)
{
    lines b = {cw_xmalloc((before->n + 1) * sizeof(char *)), before->n}, a = {cw_xmalloc((after->n + 1) * sizeof(char *)), after->n};
    memcpy(b.v, before->v, before->n * sizeof(char *));
    memcpy(a.v, after->v, after->n * sizeof(char *));
    qsort(b.v, b.n, sizeof *b.v, cmp_str);
    qsort(a.v, a.n, sizeof *a.v, cmp_str);
    lines out = {cw_xmalloc((b.n + a.n + 1) * sizeof(char *)), 0};
    size_t i = 0, j = 0;
    while (i < b.n || j < a.n) {
        size_t kb = i < b.n ? strcspn(b.v[i], "\t") : 0, ka = j < a.n ? strcspn(a.v[j], "\t") : 0;
        int c;
        if (i == b.n) c = 1;
        else if (j == a.n) c = -1;
        else {
            c = strncmp(b.v[i], a.v[j], kb < ka ? kb : ka);
            if (c == 0 && kb != ka) c = kb < ka ? -1 : 1;
        }
        cw_strbuf sb = CW_STRBUF_INIT;
        if (c < 0) cw_sb_printf(&sb, "RESOLVED %.*s", (int)kb, b.v[i++]);
        else if (c > 0) cw_sb_printf(&sb, "OPENED %.*s", (int)ka, a.v[j++]);
        else {
            /* same key: changed when what follows the key differs, the source aside */
            const char *x = b.v[i] + kb, *y = a.v[j] + ka;
            size_t lx = strrchr(x, '|') - x, ly = strrchr(y, '|') - y;
            if (lx != ly || strncmp(x, y, lx) != 0) cw_sb_printf(&sb, "CHANGED %.*s", (int)ka, a.v[j]);
            i++, j++;
        }
        if (sb.buf) out.v[out.n++] = sb.buf;
    }
    free(b.v);
    free(a.v);
    qsort(out.v, out.n, sizeof *out.v, cmp_str);
    return out;
}

static lines delta_of(const cw_delta *x)
{
    static const char *const kind[] = {"?", "OPENED", "CHANGED", "RESOLVED"};
    lines out = {cw_xmalloc((x->n + 1) * sizeof(char *)), 0};
    for (size_t i = 0; i < x->n; i++) {
        cw_strbuf sb = CW_STRBUF_INIT;
        char *k = key_of(x->v[i].finding);
        cw_sb_printf(&sb, "%s %s", kind[x->v[i].kind], k);
        free(k);
        out.v[out.n++] = sb.buf;
    }
    qsort(out.v, out.n, sizeof *out.v, cmp_str);
    return out;
}

/* first difference of two line lists, printed; true when equal */
static bool same(const char *what, size_t step, const lines *x, const lines *y)
{
    size_t n = x->n < y->n ? x->n : y->n;
    for (size_t i = 0; i < n; i++)
        if (strcmp(x->v[i], y->v[i]) != 0) {
            fprintf(stderr, "step %zu: %s differ at line %zu:\n  incremental: %s\n  expected:    %s\n", step, what, i + 1,
                    x->v[i], y->v[i]);
            return false;
        }
    if (x->n != y->n) {
        fprintf(stderr, "step %zu: %s: %zu lines, expected %zu (first extra: %s)\n", step, what, x->n, y->n,
                x->n > y->n ? x->v[n] : y->v[n]);
        return false;
    }
    return true;
}

static cw_engine *open_engine(unsigned threads, const char *today, char **base, size_t nbase, char **chg,
                              size_t nchg)
{
    cw_diags d;
    cw_diags_init(&d);
    cw_engine_opts o = {.rules = {.builtin = true, .today = today}, .threads = threads};
    cw_engine *e = cw_engine_open(&o, &d);
    for (size_t i = 0; e && i < nbase; i++) cw_engine_add_file(e, base[i], &d, NULL);
    for (size_t i = 0; e && i < nchg; i++) cw_engine_add_file(e, chg[i], &d, NULL);
    cw_diags_print(&d);
    if (e && d.errors) {
        cw_engine_free(e);
        e = NULL;
    }
    if (e) {
        cw_diags_free(&d);
        cw_diags_init(&d);
        cw_engine_evaluate(e, &d);
    }
    cw_diags_free(&d);
    return e;
}

int main(int argc, char **argv)
{
    unsigned threads = 1;
    int time_only = 0;
    const char *today = "2026-12-07";
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i += 2) {
        if (strcmp(argv[i], "--threads") == 0) threads = (unsigned)atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--today") == 0) today = argv[i + 1];
        else if (strcmp(argv[i], "--time-only") == 0) time_only = atoi(argv[i + 1]);
        else break;
    }
    char **base = argv + i;
    size_t nbase = 0;
    while (i < argc && strcmp(argv[i], "--")) i++, nbase++;
    if (i == argc || !nbase) {
        fprintf(stderr, "usage: engine_replay [--threads N] [--today DAY] BASE... -- CHANGE...\n");
        return 2;
    }
    char **chg = argv + i + 1;
    size_t nchg = (size_t)(argc - i - 1);
    cw_engine *e = open_engine(threads, today, base, nbase, NULL, 0);
    if (!e) return 2;
    size_t live = cw_assets_live_count(cw_engine_assets(e));
    lines before = text_of(cw_engine_findings(e));
    printf("baseline: %zu assets, %zu findings\n", live, before.n);
    cw_delta x;
    cw_delta_init(&x);
    size_t bad = 0, affected = 0, changed = 0;
    for (size_t s = 0; s < nchg; s++) {
        cw_diags d;
        cw_diags_init(&d);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        cw_engine_apply_file(e, chg[s], &d, &x);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        cw_diags_print(&d);
        cw_diags_free(&d);
        if (time_only) {
            double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
            affected += x.assets_affected, changed += x.assets_changed;
            printf("step %zu %s: %.2f ms, %zu changed, %zu affected, %zu delta items\n", s + 1, chg[s], ms,
                   x.assets_changed, x.assets_affected, x.n);
            continue;
        }
        cw_engine *fresh = open_engine(1, today, base, nbase, chg, s + 1);
        if (!fresh) return 2;
        lines now = text_of(cw_engine_findings(e)), want = text_of(cw_engine_findings(fresh));
        lines dx = delta_of(&x), dw = expected_delta(&before, &want);
        bool ok = same("findings", s + 1, &now, &want);
        ok &= same("delta", s + 1, &dx, &dw);
        bad += !ok;
        affected += x.assets_affected, changed += x.assets_changed;
        printf("step %zu %s: %s, %zu changed, %zu affected of %zu, %zu delta items, %zu findings\n", s + 1, chg[s],
               ok ? "ok" : "MISMATCH", x.assets_changed, x.assets_affected,
               cw_assets_live_count(cw_engine_assets(e)), x.n, now.n);
        lines_free(&before);
        before = want;
        lines_free(&now);
        lines_free(&dx);
        lines_free(&dw);
        cw_engine_free(fresh);
    }
    cw_engine_stats st;
    cw_engine_stats_get(e, &st);
    printf("replay: %zu steps, %zu mismatches; %zu assets changed, %zu re-evaluated in all (%.1f per step, %zu live "
           "assets at the start); %llu applies\n",
           nchg, bad, changed, affected, nchg ? (double)affected / nchg : 0.0, live, (unsigned long long)st.applies);
    lines_free(&before);
    cw_delta_free(&x);
    cw_engine_free(e);
    return bad ? 1 : 0;
}
