/* coverage.c - what the logs cannot show: per source, the hours of the window
 * with no record at all, the part before the source's first record (logging
 * not yet on, or its logs not given), hours whose files could not be read; the
 * share of the window's hours that at least one source covers; the verdict.
 *
 * An hour counts as covered by a source when the source has at least one
 * record in it: S3, GCS and Azure logs a record of the resource; CloudTrail
 * any record of the trail, from the first data event of the resource on (a
 * trail delivers management events every hour; before data events for the
 * resource appear, reads were not being recorded). A quiet hour of a quiet
 * bucket is indistinguishable from a lost delivery, so coverage is a lower
 * bound of what was recorded, and never proof that nothing happened. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fx_inv.h"

/* ---- hour sets ---------------------------------------------------------- */
void cw_fx_hours_mark(cw_fx_hours *h, int64_t hour)
{
    if (!h->bits) {
        h->base = hour - (hour & 63) - 64 * 64;
        h->nwords = 128;
        h->bits = cw_xcalloc(h->nwords, sizeof *h->bits);
    }
    if (hour < h->base) {
        size_t add = (size_t)((h->base - hour) / 64 + 1);
        if (add < h->nwords) add = h->nwords;
        uint64_t *nb = cw_xcalloc(h->nwords + add, sizeof *nb);
        memcpy(nb + add, h->bits, h->nwords * sizeof *nb);
        free(h->bits);
        h->bits = nb;
        h->nwords += add;
        h->base -= (int64_t)add * 64;
    }
    size_t i = (size_t)(hour - h->base);
    if (i / 64 >= h->nwords) {
        size_t nw = h->nwords * 2;
        while (i / 64 >= nw) nw *= 2;
        h->bits = cw_xrealloc(h->bits, nw * sizeof *h->bits);
        memset(h->bits + h->nwords, 0, (nw - h->nwords) * sizeof *h->bits);
        h->nwords = nw;
    }
    uint64_t m = 1ULL << (i % 64);
    if (!(h->bits[i / 64] & m)) {
        h->bits[i / 64] |= m;
        h->count++;
    }
}

bool cw_fx_hours_has(const cw_fx_hours *h, int64_t hour)
{
    if (!h->bits || hour < h->base) return false;
    size_t i = (size_t)(hour - h->base);
    return i / 64 < h->nwords && (h->bits[i / 64] >> (i % 64) & 1);
}

/* First marked hour, INT64_MAX when none. */
static int64_t hours_first(const cw_fx_hours *h)
{
    for (size_t w = 0; h->bits && w < h->nwords; w++)
        if (h->bits[w]) return h->base + (int64_t)(w * 64) + __builtin_ctzll(h->bits[w]);
    return INT64_MAX;
}

void cw_fx_hours_free(cw_fx_hours *h)
{
    free(h->bits);
    memset(h, 0, sizeof *h);
}

/* ---- window hours --------------------------------------------------------- */
typedef struct hrange {
    int64_t a, b; /* hours [a, b) */
} hrange;

static int cmp_range(const void *x, const void *y)
{
    const hrange *p = x, *q = y;
    return p->a < q->a ? -1 : p->a > q->a;
}

static int64_t floordiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/* The window's hours as sorted, merged ranges; open ends are closed by the
 * first and last record of any source. */
static size_t window_hours(cw_fx_inv *inv, hrange *out)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (int s = 0; s < CW_FX_SRC__COUNT; s++) {
        const cw_fx_source_out *o = &inv->src[s].out;
        if (o->first != INT64_MIN && o->first < lo) lo = o->first;
        if (o->last != INT64_MIN && o->last > hi) hi = o->last;
    }
    size_t n = 0;
    for (size_t i = 0; i < inv->nwin; i++) {
        int64_t f = inv->win[i].from, t = inv->win[i].to;
        if (f == INT64_MIN) f = lo;
        if (t == INT64_MAX) t = hi == INT64_MIN ? INT64_MAX : hi + 1;
        if (f == INT64_MAX || t == INT64_MAX || t <= f) continue;
        out[n++] = (hrange){floordiv(f, 3600), floordiv(t + 3599, 3600)};
    }
    qsort(out, n, sizeof *out, cmp_range);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && out[i].a <= out[m - 1].b) {
            if (out[i].b > out[m - 1].b) out[m - 1].b = out[i].b;
        } else {
            out[m++] = out[i];
        }
    }
    return m;
}

/* ---- gaps ------------------------------------------------------------------ */
typedef struct gapbuf {
    cw_fx_gap *v;
    size_t n, cap;
} gapbuf;

static void gap_add(gapbuf *g, cw_fx_source s, cw_fx_gapkind k, int64_t hour)
{
    if (g->n) {
        cw_fx_gap *last = &g->v[g->n - 1];
        if (last->source == s && last->kind == k && last->to == hour * 3600) {
            last->to += 3600;
            return;
        }
    }
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 16;
        g->v = cw_xrealloc(g->v, g->cap * sizeof *g->v);
    }
    g->v[g->n++] = (cw_fx_gap){s, k, hour * 3600, hour * 3600 + 3600};
}

static bool source_covers(const fx_srcstate *s, int64_t first_h, int64_t h)
{
    if (h < first_h) return false;
    if (s->out.source == CW_FX_SRC_CLOUDTRAIL) return s->out.data_events && cw_fx_hours_has(&s->covered, h);
    return cw_fx_hours_has(&s->covered, h);
}

void cw_fx_coverage(cw_fx_inv *inv)
{
    cw_fx_result *r = &inv->result;
    hrange *rg = cw_xmalloc((inv->nwin + 1) * sizeof *rg);
    size_t nr = window_hours(inv, rg);
    int64_t first_h[CW_FX_SRC__COUNT];
    bool present[CW_FX_SRC__COUNT];
    for (int s = 0; s < CW_FX_SRC__COUNT; s++) {
        fx_srcstate *st = &inv->src[s];
        present[s] = st->out.files > 0;
        if (s == CW_FX_SRC_CLOUDTRAIL) first_h[s] = hours_first(&st->ct_data);
        else first_h[s] = hours_first(&st->covered);
    }
    gapbuf g = {0};
    uint64_t hours = 0, covered = 0;
    for (int s = 0; s < CW_FX_SRC__COUNT; s++) {
        if (!present[s]) continue;
        fx_srcstate *st = &inv->src[s];
        for (size_t i = 0; i < nr; i++)
            for (int64_t h = rg[i].a; h < rg[i].b; h++) {
                if (source_covers(st, first_h[s], h)) {
                    st->out.hours_covered++;
                    continue;
                }
                cw_fx_gapkind k;
                if (cw_fx_hours_has(&st->unreadable, h)) k = CW_FX_GAP_UNREADABLE;
                else if (s == CW_FX_SRC_CLOUDTRAIL && !st->out.data_events && st->covered.count)
                    k = CW_FX_GAP_NO_DATA_EVENTS;
                else if (first_h[s] == INT64_MAX) k = st->out.files_unreadable ? CW_FX_GAP_UNREADABLE : CW_FX_GAP_NO_LOGS;
                else if (h < first_h[s]) k = CW_FX_GAP_BEFORE_LOGGING;
                else k = CW_FX_GAP_NO_LOGS;
                gap_add(&g, (cw_fx_source)s, k, h);
            }
        r->sources[s] = st->out;
    }
    for (size_t i = 0; i < nr; i++)
        for (int64_t h = rg[i].a; h < rg[i].b; h++) {
            hours++;
            for (int s = 0; s < CW_FX_SRC__COUNT; s++)
                if (present[s] && source_covers(&inv->src[s], first_h[s], h)) {
                    covered++;
                    break;
                }
        }
    free(rg);
    r->gaps = g.v;
    r->ngaps = g.n;
    r->hours = hours;
    r->hours_covered = covered;
    r->coverage = hours ? 100.0 * (double)covered / (double)hours : 0;
    bool yes = false;
    for (size_t i = 0; i < r->nactors; i++) yes |= r->actors[i].succeeded;
    if (yes) {
        r->verdict = CW_FX_VERDICT_YES;
        snprintf(r->verdict_text, sizeof r->verdict_text, "evidence of external access: yes");
    } else if (!covered) {
        r->verdict = CW_FX_VERDICT_UNKNOWN;
        snprintf(r->verdict_text, sizeof r->verdict_text, "evidence of external access: unknown (no logs)");
    } else {
        r->verdict = CW_FX_VERDICT_NONE_FOUND;
        int pct = (int)r->coverage; /* rounded down: never claim more than was seen */
        if (pct == 0) snprintf(r->verdict_text, sizeof r->verdict_text, "evidence of external access: none found (coverage <1%%)");
        else snprintf(r->verdict_text, sizeof r->verdict_text, "evidence of external access: none found (coverage %d%%)", pct);
    }
}
