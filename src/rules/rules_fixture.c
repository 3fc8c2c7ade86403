/* rules_fixture.c - `rules test`: rule fixtures as data.
 *
 * A fixture file (YAML, or JSON with the same shape) holds one fixture or a
 * list of them. Each names a rule, gives AWS Config configuration items
 * inline (`items`) and/or inventory files (`inventory`, relative to the
 * fixture file), and says what must happen (`expect`). Items go through the
 * real ingest adapter and analyzers, then only the named rule is evaluated.
 * The format is documented in docs/rule-language.md. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../engine/engine.h"
#include "rules_int.h"

static const char *const fixture_keys[] = {"test", "rule", "today", "items", "inventory", "expect", NULL};
static const char *const expect_keys[] = {"fires", "count", "resource", "evidence", "suppressed_by", NULL};

typedef struct frun {
    const cw_ruleset *rs;
    FILE *out;
    cw_diags *d;
    bool verbose;
    size_t pass, fail;
    cw_engine *e; /* on rs, reset for each fixture: the calls `scan` makes */
} frun;

static bool known_keys(frun *F, const cw_ynode *m, const char *const *keys, const char *what)
{
    bool ok = true;
    for (size_t i = 0; i < m->n; i++) {
        const cw_ynode *k = m->items[2 * i];
        bool found = false;
        for (int j = 0; keys[j] && k->kind == CW_Y_SCALAR; j++) found |= strcmp(keys[j], k->str) == 0;
        if (found) continue;
        const char *best = NULL;
        size_t bd = 99;
        for (int j = 0; keys[j] && k->kind == CW_Y_SCALAR; j++) {
            size_t dd = cw_edit_distance(k->str, k->len, keys[j], strlen(keys[j]));
            if (dd < bd) bd = dd, best = keys[j];
        }
        if (best && bd <= 2)
            cw_ydiag(F->d, CW_DIAG_ERROR, k->src, k->off, "unknown key '%s' in %s; did you mean '%s'?",
                     k->kind == CW_Y_SCALAR ? k->str : "?", what, best);
        else
            cw_ydiag(F->d, CW_DIAG_ERROR, k->src, k->off, "unknown key '%s' in %s",
                     k->kind == CW_Y_SCALAR ? k->str : "?", what);
        ok = false;
    }
    return ok;
}

static const cw_ynode *scalar(frun *F, const cw_ynode *m, const char *key, bool *bad)
{
    const cw_ynode *v = cw_ymap_get(m, key);
    if (v && v->kind != CW_Y_SCALAR) {
        cw_ydiag(F->d, CW_DIAG_ERROR, v->src, v->off, "'%s' must be a single value", key);
        *bad = true;
        return NULL;
    }
    return v;
}

static bool finding_on(const cw_finding *f, const char *res)
{
    const cw_asset *a = f->asset;
    return !res || (a->id && strcmp(a->id, res) == 0) || (a->resource_id && strcmp(a->resource_id, res) == 0) ||
           (a->name && strcmp(a->name, res) == 0);
}

static void fail_head(frun *F, const cw_ynode *fx, const char *name, const char *rule)
{
    uint32_t line, col;
    cw_offset_to_linecol(fx->src->buf, fx->src->len, fx->off, &line, &col);
    fprintf(F->out, "FAIL %s:%u: %s (rule %s)\n", fx->src->file, line, name, rule ? rule : "?");
}

static void run_one(frun *F, const cw_ynode *fx, const char *dir)
{
    bool bad = false;
    char namebuf[64];
    uint32_t line, col;
    cw_offset_to_linecol(fx->src->buf, fx->src->len, fx->off, &line, &col);
    snprintf(namebuf, sizeof namebuf, "fixture at line %u", line);
    if (fx->kind != CW_Y_MAP) {
        cw_ydiag(F->d, CW_DIAG_ERROR, fx->src, fx->off, "a fixture is a mapping with rule, items and expect");
        F->fail++;
        return;
    }
    bad |= !known_keys(F, fx, fixture_keys, "a fixture");
    const cw_ynode *tn = scalar(F, fx, "test", &bad), *rn = scalar(F, fx, "rule", &bad),
                   *td = scalar(F, fx, "today", &bad), *ex = cw_ymap_get(fx, "expect");
    const char *name = tn ? tn->str : namebuf;
    const char *rule = rn ? rn->str : NULL;
    if (!rn && !bad) cw_ydiag(F->d, CW_DIAG_ERROR, fx->src, fx->off, "fixture has no 'rule'"), bad = true;
    if (!ex && !bad) cw_ydiag(F->d, CW_DIAG_ERROR, fx->src, fx->off, "fixture has no 'expect'"), bad = true;
    if (ex && ex->kind != CW_Y_MAP) {
        cw_ydiag(F->d, CW_DIAG_ERROR, ex->src, ex->off, "'expect' is a mapping: {fires: true|false, ...}");
        bad = true;
        ex = NULL;
    }
    const cw_ynode *efires = NULL, *ecount = NULL, *eres = NULL, *eev = NULL, *esup = NULL;
    bool fires = false;
    long long count = -1;
    if (ex) {
        bad |= !known_keys(F, ex, expect_keys, "expect");
        efires = scalar(F, ex, "fires", &bad);
        ecount = scalar(F, ex, "count", &bad);
        eres = scalar(F, ex, "resource", &bad);
        eev = scalar(F, ex, "evidence", &bad);
        esup = scalar(F, ex, "suppressed_by", &bad);
        cw_json v;
        if (!efires || !cw_yaml_plain_value(efires->str, efires->len, &v) || v.type != CW_JBOOL) {
            cw_ydiag(F->d, CW_DIAG_ERROR, efires ? efires->src : ex->src, efires ? efires->off : ex->off,
                     "expect needs 'fires: true' or 'fires: false'");
            bad = true;
        } else fires = v.b;
        if (ecount) {
            if (!cw_yaml_plain_value(ecount->str, ecount->len, &v) || v.type != CW_JNUM || !v.is_int || v.u.num < 0) {
                cw_ydiag(F->d, CW_DIAG_ERROR, ecount->src, ecount->off, "'count' must be a whole number");
                bad = true;
            } else count = (int64_t)v.u.num;
        }
    }
    int64_t today = F->rs->today;
    if (td) {
        today = cw_date_days(td->str, td->len);
        if (td->len != 10 || today == INT64_MIN) {
            cw_ydiag(F->d, CW_DIAG_ERROR, td->src, td->off, "'today' must be a date YYYY-MM-DD");
            bad = true;
        }
    }
    long idx = rule ? cw_rules_index(F->rs, rule) : -1;
    if (rule && idx < 0) {
        cw_ydiag(F->d, CW_DIAG_ERROR, rn->src, rn->off, "no rule '%s' in the loaded packs", rule);
        bad = true;
    }
    if (bad) {
        fail_head(F, fx, name, rule);
        fprintf(F->out, "     the fixture is malformed (see the errors above)\n");
        F->fail++;
        return;
    }
    /* build the asset set: the engine's calls, as a scan makes them */
    cw_engine *e = F->e;
    cw_engine_reset(e);
    cw_diags dl;
    cw_diags_init(&dl);
    cw_ingest_stats st = {0};
    const cw_ynode *items = cw_ymap_get(fx, "items");
    size_t nitems = items ? (items->kind == CW_Y_SEQ ? items->n : 1) : 0;
    for (size_t i = 0; i < nitems; i++) {
        const cw_ynode *it = items->kind == CW_Y_SEQ ? items->items[i] : items;
        cw_jrecord rec = {0};
        rec.value = cw_yaml_to_json(cw_engine_arena(e), it);
        rec.index = i + 1;
        cw_offset_to_linecol(it->src->buf, it->src->len, it->off, &rec.line, &rec.col);
        if (cw_engine_add_record(e, it->src->file, &rec, &dl, &st) == 1)
            cw_diag_add(&dl, CW_DIAG_ERROR, it->src->file, rec.line, rec.col, 0, NULL,
                        "item %zu is not an AWS Config configuration item", i + 1);
    }
    const cw_ynode *inv = cw_ymap_get(fx, "inventory");
    size_t ninv = inv ? (inv->kind == CW_Y_SEQ ? inv->n : 1) : 0;
    for (size_t i = 0; i < ninv; i++) {
        const cw_ynode *p = inv->kind == CW_Y_SEQ ? inv->items[i] : inv;
        if (p->kind != CW_Y_SCALAR) continue;
        char *path = p->str[0] == '/' || !dir ? cw_xstrdup(p->str) : NULL;
        if (!path) {
            size_t n = strlen(dir) + strlen(p->str) + 2;
            path = cw_xmalloc(n);
            snprintf(path, n, "%s/%s", dir, p->str);
        }
        cw_engine_add_file(e, path, &dl, &st);
        free(path);
    }
    if (!nitems && !ninv) cw_diag_add(&dl, CW_DIAG_ERROR, fx->src->file, line, col, 0, NULL, "fixture has no 'items' and no 'inventory'");
    cw_findings none = {0};
    const cw_findings *fsp = &none;
    if (!dl.errors) {
        cw_engine_evaluate_rule(e, (size_t)idx, today, &dl);
        fsp = cw_engine_findings(e);
    }
    const cw_findings fs = *fsp;
    /* judge */
    const char *sup = esup ? esup->str : NULL, *res = eres ? eres->str : NULL, *ev = eev ? eev->str : NULL;
    size_t matched = 0, evok = 0;
    for (size_t i = 0; i < fs.n; i++) {
        const cw_finding *f = &fs.v[i];
        bool m = sup ? (f->suppressed_by && strcmp(f->suppressed_by, sup) == 0) : !f->suppressed_by;
        if (!m || !finding_on(f, res)) continue;
        matched++;
        if (ev && strstr(f->evidence, ev)) evok++;
    }
    char why[512] = "";
    if (dl.errors) snprintf(why, sizeof why, "the items did not load");
    else if (fires && !matched)
        snprintf(why, sizeof why, "expected the rule to fire%s%s%s%s, it did not", res ? " on " : "", res ? res : "",
                 sup ? " suppressed by " : "", sup ? sup : "");
    else if (!fires && matched)
        snprintf(why, sizeof why, "expected no %sfinding%s%s, got %zu", sup ? "suppressed " : "", res ? " on " : "",
                 res ? res : "", matched);
    else if (count >= 0 && (size_t)count != matched)
        snprintf(why, sizeof why, "expected %lld finding%s, got %zu", count, count == 1 ? "" : "s", matched);
    else if (fires && ev && !evok)
        snprintf(why, sizeof why, "no finding's evidence contains \"%s\"", ev);
    if (why[0]) {
        F->fail++;
        fail_head(F, fx, name, rule);
        fprintf(F->out, "     %s\n", why);
        for (size_t i = 0; i < fs.n; i++)
            fprintf(F->out, "     finding on %s%s%s%s: %s\n", fs.v[i].asset->id ? fs.v[i].asset->id : "?",
                    fs.v[i].suppressed_by ? " (suppressed by '" : "",
                    fs.v[i].suppressed_by ? fs.v[i].suppressed_by : "", fs.v[i].suppressed_by ? "')" : "",
                    fs.v[i].evidence);
        size_t live = cw_assets_live_count(cw_engine_assets(e));
        if (!fs.n && !dl.errors) fprintf(F->out, "     (no findings; %zu asset%s loaded)\n", live, live == 1 ? "" : "s");
        for (size_t i = 0; i < dl.n; i++) {
            char *t = cw_diag_format(&dl.v[i]);
            fprintf(F->out, "     %s\n", t);
            free(t);
        }
    } else {
        F->pass++;
        if (F->verbose) fprintf(F->out, "ok   %s (rule %s)\n", name, rule);
    }
    cw_diags_free(&dl);
}

/* JSON fixture files: convert to the YAML node shape (positions: line 1). */
static cw_ynode *from_json(cw_arena *a, const cw_json *j, const cw_ysrc *src)
{
    cw_ynode *n = cw_arena_zalloc(a, sizeof *n);
    n->src = src;
    switch (j->type) {
    case CW_JARR:
        n->kind = CW_Y_SEQ;
        n->n = j->len;
        n->items = cw_arena_alloc(a, (j->len ? j->len : 1) * sizeof *n->items);
        for (uint32_t i = 0; i < j->len; i++) n->items[i] = from_json(a, &j->u.items[i], src);
        return n;
    case CW_JOBJ:
        n->kind = CW_Y_MAP;
        n->n = j->len;
        n->items = cw_arena_alloc(a, (j->len ? 2 * (size_t)j->len : 1) * sizeof *n->items);
        for (uint32_t i = 0; i < j->len; i++) {
            cw_ynode *k = cw_arena_zalloc(a, sizeof *k);
            k->kind = CW_Y_SCALAR;
            k->style = CW_YS_DOUBLE;
            k->str = j->u.members[i].key;
            k->len = cw_jkeylen(&j->u.members[i]);
            k->src = src;
            n->items[2 * i] = k;
            n->items[2 * i + 1] = from_json(a, &j->u.members[i].val, src);
        }
        return n;
    case CW_JSTR:
        n->style = CW_YS_DOUBLE;
        n->str = j->u.str;
        n->len = j->len;
        return n;
    default: {
        cw_strbuf sb = CW_STRBUF_INIT;
        if (j->type == CW_JNUM && !j->is_int) cw_sb_printf(&sb, "%.17g", j->u.num);
        else cw_value_text(&sb, j, 64);
        n->str = cw_arena_strndup(a, sb.buf ? sb.buf : "", sb.len);
        n->len = sb.len;
        cw_sb_free(&sb);
        return n;
    }
    }
}

static void run_file(frun *F, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cw_diag_add(F->d, CW_DIAG_ERROR, path, 0, 0, 0, NULL, "cannot open fixture file");
        F->fail++;
        return;
    }
    cw_strbuf sb = CW_STRBUF_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) cw_sb_add(&sb, buf, n);
    fclose(f);
    cw_arena a;
    cw_arena_init(&a, 0);
    cw_ysrc src = {.file = path, .buf = sb.buf ? sb.buf : "", .len = sb.len};
    cw_ynode *root;
    size_t pl = strlen(path);
    if (pl > 5 && strcmp(path + pl - 5, ".json") == 0) {
        cw_json_err je;
        cw_json *j = cw_json_parse(&a, src.buf, src.len, &je);
        root = j ? from_json(&a, j, &src) : NULL;
        if (!j) cw_diag_add(F->d, CW_DIAG_ERROR, path, je.line, je.col, 0, NULL, "%s", je.msg);
    } else root = cw_yaml_parse(&a, &src, F->d);
    if (!root) F->fail++;
    else {
        char *dir = cw_xstrdup(path);
        char *slash = strrchr(dir, '/');
        if (slash) *slash = 0;
        if (root->kind == CW_Y_SEQ)
            for (size_t i = 0; i < root->n; i++) run_one(F, root->items[i], slash ? dir : NULL);
        else if (!(root->kind == CW_Y_SCALAR && root->len == 0))
            run_one(F, root, slash ? dir : NULL);
        free(dir);
    }
    cw_arena_free(&a);
    cw_sb_free(&sb);
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void run_path(frun *F, const char *path, int depth)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        cw_diag_add(F->d, CW_DIAG_ERROR, path, 0, 0, 0, NULL, "no such fixture file or directory");
        F->fail++;
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        run_file(F, path);
        return;
    }
    if (depth > 8) return;
    DIR *dir = opendir(path);
    if (!dir) {
        cw_diag_add(F->d, CW_DIAG_ERROR, path, 0, 0, 0, NULL, "cannot open directory");
        F->fail++;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (e->d_name[0] == '.') continue;
        size_t l = strlen(e->d_name);
        char *full = cw_xmalloc(strlen(path) + l + 2);
        sprintf(full, "%s/%s", path, e->d_name);
        struct stat s2;
        bool isdir = stat(full, &s2) == 0 && S_ISDIR(s2.st_mode);
        bool want = isdir || (l > 5 && strcmp(e->d_name + l - 5, ".yaml") == 0) ||
                    (l > 4 && strcmp(e->d_name + l - 4, ".yml") == 0) ||
                    (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0);
        if (!want) {
            free(full);
            continue;
        }
        if (n == cap) names = cw_xrealloc(names, (cap = cap ? cap * 2 : 16) * sizeof *names);
        names[n++] = full;
    }
    closedir(dir);
    if (n) qsort(names, n, sizeof *names, cmpstr);
    for (size_t i = 0; i < n; i++) {
        run_path(F, names[i], depth + 1);
        free(names[i]);
    }
    free(names);
}

size_t cw_rules_test(const cw_ruleset *rs, const char *const *paths, size_t npaths, bool verbose, FILE *out,
                     cw_diags *d)
{
    cw_engine_opts eo = {.threads = 1}; /* small sets: the calling thread */
    frun F = {.rs = rs, .out = out, .d = d, .verbose = verbose, .e = cw_engine_open_rules(&eo, (cw_ruleset *)rs, d)};
    for (size_t i = 0; i < npaths; i++) run_path(&F, paths[i], 0);
    cw_engine_free(F.e);
    fprintf(out, "%zu passed, %zu failed\n", F.pass, F.fail);
    fflush(out);
    return F.fail;
}
