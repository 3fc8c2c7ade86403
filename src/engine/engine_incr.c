/* engine_incr.c - the incremental path (engine.h): apply a few records to an
 * evaluated engine and report what changed as a delta.
 *
 * An apply parses its records into a scratch set, moves what the model keeps
 * of each into the engine's set (cw_asset_keep, cw_assets_add: the latest
 * capture per type + resource id wins, in place), then brings facts and
 * findings up to date (engine_deps.c: which assets the change can affect)
 * and compares the findings before and after by rule and resource. */
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

void cw_delta_init(cw_delta *x) { memset(x, 0, sizeof *x); }

void cw_delta_reset(cw_delta *x)
{
    x->n = 0;
    x->assets_changed = x->assets_affected = 0;
}

void cw_delta_free(cw_delta *x)
{
    free(x->v);
    memset(x, 0, sizeof *x);
}

static void delta_add(cw_delta *x, cw_delta_kind k, const cw_finding *now, const cw_finding *before)
{
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 16;
        x->v = cw_xrealloc(x->v, x->cap * sizeof *x->v);
    }
    x->v[x->n++] = (cw_delta_item){.kind = k, .finding = now, .before = before};
}

/* ---- the delta: findings before and after, matched by rule and resource ---- */
static int key_cmp(const cw_finding *a, const cw_finding *b)
{
    int c = strcmp(a->rule->id, b->rule->id);
    if (c) return c;
    const char *ta = a->asset->type ? a->asset->type : "", *tb = b->asset->type ? b->asset->type : "";
    if ((c = strcmp(ta, tb))) return c;
    const char *ia = a->asset->id ? a->asset->id : "", *ib = b->asset->id ? b->asset->id : "";
    return strcmp(ia, ib);
}

static int key_cmp_p(const void *a, const void *b)
{
    const cw_finding *x = *(const cw_finding *const *)a, *y = *(const cw_finding *const *)b;
    int c = key_cmp(x, y);
    return c ? c : cw_finding_cmp(x, y);
}

static bool same_finding(const cw_finding *a, const cw_finding *b)
{
    const char *sa = a->suppressed_by ? a->suppressed_by : "", *sb = b->suppressed_by ? b->suppressed_by : "";
    return a->rule->severity == b->rule->severity && strcmp(a->evidence ? a->evidence : "", b->evidence ? b->evidence : "") == 0 &&
           strcmp(sa, sb) == 0 && (a->suppressed_by == NULL) == (b->suppressed_by == NULL);
}

static int item_cmp(const void *a, const void *b)
{
    const cw_delta_item *x = a, *y = b;
    return cw_finding_cmp(x->finding, y->finding);
}

/* before and after: any order. Items in cw_finding_cmp order (of the finding
 * now, or as it was for RESOLVED). */
static void diff(const cw_finding *before, size_t nb, const cw_finding *after, size_t na, cw_delta *out)
{
    const cw_finding **b = cw_xmalloc((nb + 1) * sizeof *b), **a = cw_xmalloc((na + 1) * sizeof *a);
    for (size_t i = 0; i < nb; i++) b[i] = &before[i];
    for (size_t i = 0; i < na; i++) a[i] = &after[i];
    qsort(b, nb, sizeof *b, key_cmp_p);
    qsort(a, na, sizeof *a, key_cmp_p);
    size_t i = 0, j = 0;
    while (i < nb || j < na) {
        int c = i == nb ? 1 : j == na ? -1 : key_cmp(b[i], a[j]);
        if (c < 0) delta_add(out, CW_DELTA_RESOLVED, b[i++], NULL);
        else if (c > 0) delta_add(out, CW_DELTA_OPENED, a[j++], NULL);
        else {
            if (!same_finding(b[i], a[j])) delta_add(out, CW_DELTA_CHANGED, a[j], b[i]);
            i++, j++;
        }
    }
    free(b);
    free(a);
    if (out->n > 1) qsort(out->v, out->n, sizeof *out->v, item_cmp);
}

/* ---- records into the engine's set ---------------------------------------- */
typedef struct change {
    cw_asset **v;   /* the stored assets that changed (added, replaced, ended) */
    bool *listed;   /* whether each was in its type list before (live) */
    size_t n;
    cw_keys old;    /* the keys their previous versions provided */
} change;

/* Move each asset of the scratch set into e's set (what the model keeps of
 * it, compactly, in e's arena). */
static void merge(cw_engine *e, cw_assets *tmp, change *c)
{
    cw_assets *s = &e->assets;
    if (!e->keep) e->keep = cw_jshare_new(&s->arena);
    c->v = cw_xmalloc((tmp->n + 1) * sizeof *c->v);
    c->listed = cw_xmalloc(tmp->n + 1);
    for (size_t i = 0; i < tmp->n; i++) {
        cw_asset a = *tmp->v[i];
        const char *rid = a.resource_id ? a.resource_id : a.id;
        cw_asset *prev = a.type && rid ? cw_assets_find_rid(s, a.type, rid) : NULL;
        size_t k0 = c->old.nk;
        bool listed = prev && prev->live && prev->type; /* in its type list until now */
        if (prev) cw_deps_provides(prev, &c->old); /* before it is overwritten in place */
        cw_asset_keep(&a, e->keep, NULL);
        a.facts = NULL;
        cw_asset *stored = cw_assets_add(s, &a);
        if (stored->raw != a.raw || stored->source_file != a.source_file || stored->source_record != a.source_record) {
            /* an older capture than the one kept: no change */
            if (c->old.nk > k0) c->old.n = c->old.off[k0], c->old.nk = k0;
            continue;
        }
        c->listed[c->n] = listed;
        c->v[c->n++] = stored;
    }
}

/* ---- the affected set -------------------------------------------------------- */
typedef struct aset {
    uint8_t *mask; /* by asset index */
    cw_asset **v;
    size_t n, cap;
} aset;

static void aset_add(aset *A, cw_asset *a)
{
    if (A->mask[a->index]) return;
    A->mask[a->index] = 1;
    if (A->n == A->cap) {
        A->cap = A->cap ? 2 * A->cap : 64;
        A->v = cw_xrealloc(A->v, A->cap * sizeof *A->v);
    }
    A->v[A->n++] = a;
}

static void add_readers(const cw_engine *e, aset *A, const char *key)
{
    const uint32_t *r;
    size_t n = cw_deps_readers(e->deps, key, &r);
    for (size_t i = 0; i < n; i++)
        if (r[i] < e->assets.n) aset_add(A, e->assets.v[r[i]]);
}

/* engine_deps.c: the changed assets; the readers of what they provide(d);
 * transitively the readers of the facts of affected assets. */
static void affected(const cw_engine *e, const change *c, aset *A)
{
    cw_keys k = {0};
    for (size_t i = 0; i < c->n; i++) aset_add(A, c->v[i]);
    for (size_t i = 0; i < c->n; i++) {
        cw_keys_reset(&k);
        cw_deps_provides(c->v[i], &k);
        for (size_t j = 0; j < k.nk; j++) add_readers(e, A, cw_keys_at(&k, j));
    }
    for (size_t j = 0; j < c->old.nk; j++) add_readers(e, A, cw_keys_at(&c->old, j));
    for (size_t w = 0; w < A->n; w++) { /* A grows while it is walked */
        cw_keys_reset(&k);
        cw_deps_provides(A->v[w], &k);
        for (size_t j = 0; j < k.nk; j++)
            if (cw_keys_at(&k, j)[0] == 'i' || cw_keys_at(&k, j)[0] == 'f') add_readers(e, A, cw_keys_at(&k, j));
    }
    cw_keys_free(&k);
}

/* ---- analyzers and rules on the affected set ------------------------------------ */
static void analyze_affected(cw_engine *e, const aset *A)
{
    cw_assets *s = &e->assets;
    for (size_t i = 0; i < A->n; i++) A->v[i]->facts = cw_json_new_obj(&s->arena); /* replaced, as on load */
    s->target = A->mask;
    s->target_v = A->v;
    s->target_n = A->n;
    for (const cw_analyzer *an = cw_analyzers; an->name; an++) {
        double t = cw_engine_now();
        if (an->first) {
            an->run(s); /* may complete assets' fields (account from the ARN): the set's own arena */
        } else {
            /* scratch arena; committed facts go to the set's arena */
            cw_assets view = *s;
            cw_arena_init(&view.arena, 64 * 1024);
            view.facts_arena = &s->arena;
            view.facts_share = cw_assets_facts_share(s);
            an->run(&view);
            cw_arena_free(&view.arena);
        }
        e->ast[an - cw_analyzers].seconds += cw_engine_now() - t;
    }
    s->target = NULL;
    s->target_v = NULL;
    s->target_n = 0;
}

static int by_index(const void *a, const void *b)
{
    uint32_t x = (*(cw_asset *const *)a)->index, y = (*(cw_asset *const *)b)->index;
    return x < y ? -1 : x > y;
}

/* Every enabled rule over the live affected assets: a view of the set
 * holding only them (the rules read nothing else). */
static void eval_affected(cw_engine *e, const aset *A, cw_findings *out, cw_diags *d)
{
    cw_assets view = e->assets;
    view.v = cw_xmalloc((A->n + 1) * sizeof *view.v);
    view.n = 0;
    for (size_t i = 0; i < A->n; i++)
        if (A->v[i]->live && A->v[i]->type) view.v[view.n++] = A->v[i];
    qsort(view.v, view.n, sizeof *view.v, by_index); /* input order, as in the whole set */
    cw_hmap_init(&view.by_type);
    for (size_t i = 0; i < view.n; i++) {
        cw_asset *a = view.v[i];
        cw_asset_list *l = cw_hmap_get(&view.by_type, a->type, strlen(a->type));
        if (!l) {
            l = cw_xcalloc(1, sizeof *l);
            cw_hmap_put(&view.by_type, a->type, strlen(a->type), l);
        }
        if (l->n == l->cap) l->v = cw_xrealloc(l->v, (l->cap = l->cap ? 2 * l->cap : 4) * sizeof *l->v);
        l->v[l->n++] = a;
    }
    cw_rules_eval(e->rs, &view, &e->farena, out, d, NULL);
    size_t it = 0;
    const cw_hmap_slot *sl;
    while (cw_hmap_next(&view.by_type, &it, &sl)) {
        free(((cw_asset_list *)sl->val)->v);
        free(sl->val);
    }
    cw_hmap_free(&view.by_type);
    free(view.v);
}

/* e->fs without the findings of affected assets (those go to e->prev), merged
 * with nf (sorted): the order stays cw_findings_sort's. */
/* the affected assets as a set of pointers (assets are replaced in place, so
 * a finding's asset is the stored one): membership without touching the
 * asset, as the findings are read in order */
static size_t ptr_slot(const void *p, size_t mask)
{
    return (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull >> 20) & mask;
}

/* The affected assets' findings leave (into e->prev), the new ones (nf,
 * sorted) go in at their places: in place (the estate's findings array was
 * copied into a new one per apply: at 200k assets 10+ MB of fresh pages and
 * a cache miss per finding for its asset's index), the new ones inserted
 * from the back at positions found by binary search (ties: the kept finding
 * first, as before). */
static void replace_findings(cw_engine *e, const aset *A, const cw_findings *nf)
{
    size_t hn = 16;
    while (hn < 4 * A->n) hn *= 2;
    const cw_asset **h = cw_xcalloc(hn, sizeof *h);
    for (size_t i = 0; i < A->n; i++) {
        size_t k = ptr_slot(A->v[i], hn - 1);
        while (h[k] && h[k] != A->v[i]) k = (k + 1) & (hn - 1);
        h[k] = A->v[i];
    }
    cw_finding *v = e->fs.v;
    size_t w = 0;
    for (size_t i = 0; i < e->fs.n; i++) {
        const cw_asset *a = v[i].asset;
        size_t k = ptr_slot(a, hn - 1);
        while (h[k] && h[k] != a) k = (k + 1) & (hn - 1);
        if (h[k]) {
            cw_findings_add(&e->prev, &v[i]);
            continue;
        }
        if (w != i) v[w] = v[i];
        w++;
    }
    free(h);
    size_t total = w + nf->n;
    if (total + 1 > e->fs.cap) {
        size_t cap = 2 * e->fs.cap > total + 1 ? 2 * e->fs.cap : total + 1;
        e->fs.v = v = cw_xrealloc(v, cap * sizeof *v);
        e->fs.cap = cap;
    }
    size_t end = w;
    for (size_t j = nf->n; j-- > 0;) {
        size_t lo = 0, hi = end; /* the first kept finding after nf[j] */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cw_finding_cmp(&v[mid], &nf->v[j]) > 0) hi = mid;
            else lo = mid + 1;
        }
        memmove(&v[lo + j + 1], &v[lo], (end - lo) * sizeof *v);
        v[lo + j] = nf->v[j];
        end = lo;
    }
    e->fs.n = total;
}

static void forward_errors(const cw_diags *from, cw_diags *d)
{
    for (size_t i = 0; i < from->n; i++) /* errors only: warnings (expired exceptions) came with the baseline */
        if (from->v[i].level == CW_DIAG_ERROR)
            cw_diag_add(d, from->v[i].level, from->v[i].file, from->v[i].line, from->v[i].col, from->v[i].record,
                        from->v[i].source_line, "%s", from->v[i].msg);
}

/* The evidence of re-evaluated findings accumulates in farena: when most of
 * it is dead, copy the live evidence into a new arena (at the start of an
 * apply, when the previous delta's items are no longer valid anyway). */
static void compact_evidence(cw_engine *e)
{
    if (e->farena.total < e->compact_at || e->farena.total < (16u << 20)) return;
    size_t live = 0;
    for (size_t i = 0; i < e->fs.n; i++) live += strlen(e->fs.v[i].evidence ? e->fs.v[i].evidence : "") + 1;
    if (e->farena.total > 4 * live) {
        cw_arena na;
        cw_arena_init(&na, 1 << 20);
        for (size_t i = 0; i < e->fs.n; i++)
            if (e->fs.v[i].evidence) e->fs.v[i].evidence = cw_arena_strdup(&na, e->fs.v[i].evidence);
        cw_arena_free(&e->farena);
        e->farena = na;
    }
    e->compact_at = 2 * e->farena.total;
}

static int apply(cw_engine *e, const char *name, const char *buf, size_t len, const char *path, cw_diags *d,
                 cw_delta *out)
{
    cw_delta_reset(out);
    int rc = 0;
    if (!e->evaluated) rc = cw_engine_evaluate(e, d); /* the baseline the delta is relative to */
    e->st.applies++;
    e->prev.n = e->made.n = 0; /* the previous delta's findings end here */
    compact_evidence(e);
    cw_assets *s = &e->assets;

    /* 1. parse into a scratch set, move into the engine's */
    cw_assets tmp;
    cw_assets_init(&tmp);
    cw_arena_free(&tmp.arena);
    cw_arena_init(&tmp.arena, 64 * 1024); /* a few records: small blocks */
    cw_ingest_opts io = {.format = e->o.format, .proj = e->proj, .limits = e->o.limits};
    cw_ingest_stats ist = {0};
    double t = cw_engine_now(), c = cw_engine_cpu();
    name = cw_engine_name(e, name); /* the assets keep it as their source_file */
    if ((path ? cw_ingest_file(&tmp, path, &io, d, &ist) : cw_ingest_buffer(&tmp, name, buf, len, &io, d, &ist)) < 0)
        rc = -1;
    double t1 = cw_engine_now(), c1 = cw_engine_cpu();
    e->st.t_ingest += t1 - t, e->st.c_ingest += c1 - c;
    if (!e->deps) e->deps = cw_deps_build(s); /* first apply after an evaluation */
    change ch = {0};
    merge(e, &tmp, &ch);
    cw_assets_free(&tmp);
    out->assets_changed = ch.n;
    if (!ch.n) goto done;

    /* 2. type lists, the affected set, links */
    aset A = {.mask = cw_xcalloc(s->n + 1, 1)};
    for (size_t i = 0; i < ch.n; i++) cw_assets_list_update(s, ch.v[i], ch.listed[i]);
    affected(e, &ch, &A);
    for (size_t i = 0; i < A.n; i++) cw_asset_link(s, A.v[i]);
    double t2 = cw_engine_now(), c2 = cw_engine_cpu();
    e->st.t_link += t2 - t1, e->st.c_link += c2 - c1;

    /* 3. facts of the affected assets, what they read now */
    analyze_affected(e, &A);
    cw_keys k = {0};
    for (size_t i = 0; i < A.n; i++) cw_deps_set_reads(e->deps, A.v[i], &k);
    cw_keys_free(&k);
    double t3 = cw_engine_now(), c3 = cw_engine_cpu();
    e->st.t_analyze += t3 - t2, e->st.c_analyze += c3 - c2;

    /* 4. rules on them; their findings replace the old ones */
    cw_findings *nf = &e->made;
    cw_diags ed;
    cw_diags_init(&ed);
    eval_affected(e, &A, nf, &ed);
    if (ed.errors) rc = -1;
    forward_errors(&ed, d);
    cw_diags_free(&ed);
    double t4 = cw_engine_now(), c4 = cw_engine_cpu();
    e->st.t_eval += t4 - t3, e->st.c_eval += c4 - c3;
    cw_findings_sort(nf, NULL);
    replace_findings(e, &A, nf);
    diff(e->prev.v, e->prev.n, nf->v, nf->n, out);
    e->st.t_sort += cw_engine_now() - t4, e->st.c_sort += cw_engine_cpu() - c4;
    out->assets_affected = A.n;
    e->st.assets_reanalyzed += A.n;
    free(A.mask);
    free(A.v);
done:
    free(ch.v);
    free(ch.listed);
    cw_keys_free(&ch.old);
    return rc;
}

int cw_engine_apply_buffer(cw_engine *e, const char *name, const char *buf, size_t len, cw_diags *d, cw_delta *out)
{
    return apply(e, name, buf, len, NULL, d, out);
}

int cw_engine_apply_file(cw_engine *e, const char *path, cw_diags *d, cw_delta *out)
{
    return apply(e, path, NULL, 0, cw_engine_name(e, path), d, out);
}
