/* report.c - after the inputs: the overall verdict, the timeline of the
 * exposure and of external access, and helpers the writers share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../forensics/forensics.h"
#include "report.h"

char *cw_rpt_time(int64_t t, char *buf, size_t n)
{
    if (t == INT64_MIN || t == INT64_MAX) snprintf(buf, n, "-");
    else cw_fx_format_time(t, buf, n);
    return buf;
}

const char *cw_rpt_evkind_name(cw_rpt_evkind k)
{
    static const char *const n[] = {"exposure-start", "exposure-end", "access-first", "access-last",
                                    "logging-gap", "discovery", "deadline"};
    return k <= CW_RPT_EV_DEADLINE ? n[k] : "?";
}

const char *cw_rpt_country_name(const char *code)
{
    static const char *const names[][2] = {
        {"AU", "Australia"}, {"NZ", "New Zealand"}, {"JP", "Japan"}, {"SG", "Singapore"}, {"TH", "Thailand"},
        {"ID", "Indonesia"}, {"PH", "Philippines"}, {"MY", "Malaysia"}, {"IN", "India"}, {"DE", "Germany"},
        {"FR", "France"}, {"IT", "Italy"}, {"ES", "Spain"}, {"NL", "Netherlands"}, {"IE", "Ireland"},
        {"US", "United States"}, {"GB", "United Kingdom"}, {"CN", "China"}, {"KR", "South Korea"},
        {"VN", "Viet Nam"}, {NULL, NULL}};
    for (int i = 0; names[i][0]; i++)
        if (strcmp(names[i][0], code) == 0) return names[i][1];
    return code;
}

static void event(cw_rpt *r, int64_t t, int64_t end, cw_rpt_evkind k, const char *text)
{
    if (t == INT64_MIN || t == INT64_MAX) return;
    r->events = cw_xrealloc(r->events, (r->nevents + 1) * sizeof *r->events);
    r->events[r->nevents++] = (cw_rpt_event){t, end, k, text};
}

static int cmp_event(const void *a, const void *b)
{
    const cw_rpt_event *x = a, *y = b;
    if (x->time != y->time) return x->time < y->time ? -1 : 1;
    return (int)x->kind - (int)y->kind;
}

static int cmp_cat(const void *a, const void *b)
{
    const cw_rpt_category *x = a, *y = b;
    if (x->occurrences != y->occurrences) return x->occurrences > y->occurrences ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int cmp_country(const void *a, const void *b)
{
    const cw_rpt_country *x = a, *y = b;
    if (x->values != y->values) return x->values > y->values ? -1 : 1;
    return strcmp(x->code, y->code);
}

static int cmp_actor(const void *a, const void *b)
{
    const cw_rpt_actor *x = a, *y = b;
    if (x->first != y->first) return x->first < y->first ? -1 : 1;
    return strcmp(x->id, y->id);
}

void cw_rpt_finish(cw_rpt *r)
{
    if (r->ncats) qsort(r->cats, r->ncats, sizeof *r->cats, cmp_cat);
    if (r->ncountries) qsort(r->countries, r->ncountries, sizeof *r->countries, cmp_country);
    if (r->nactors) qsort(r->actors, r->nactors, sizeof *r->actors, cmp_actor);
    /* the verdict across investigations: yes wins; else the least coverage */
    const char *yes = NULL, *none = NULL;
    double least = 101;
    bool unknown = false;
    for (size_t i = 0; i < r->ninvs; i++) {
        const cw_rpt_investigation *v = &r->invs[i];
        if (!v->external_access) continue;
        if (strcmp(v->external_access, "yes") == 0 && !yes) yes = v->verdict;
        else if (strcmp(v->external_access, "none-found") == 0 && v->coverage < least) least = v->coverage, none = v->verdict;
        else if (strcmp(v->external_access, "unknown") == 0) unknown = true;
    }
    if (yes) r->verdict = yes;
    else if (unknown) r->verdict = "evidence of external access: unknown (no logs for at least one investigation)";
    else if (none) r->verdict = none;
    else r->verdict = "not investigated: no access logs were read (give --investigation)";
    /* the timeline */
    for (size_t i = 0; i < r->nwindows; i++) {
        const cw_rpt_window *w = &r->windows[i];
        const char *res = w->resource ? w->resource : "the resource";
        event(r, w->from, w->from, CW_RPT_EV_EXPOSURE_START, cw_arena_printf(&r->arena, "exposure of %s begins", res));
        event(r, w->to, w->to, CW_RPT_EV_EXPOSURE_END, cw_arena_printf(&r->arena, "exposure of %s ends", res));
    }
    for (size_t i = 0; i < r->nactors; i++) {
        const cw_rpt_actor *a = &r->actors[i];
        const char *what = a->full_copies ? cw_arena_printf(&r->arena, ", %llu full copies", (unsigned long long)a->full_copies)
                           : a->objects_read ? cw_arena_printf(&r->arena, ", %llu objects read", (unsigned long long)a->objects_read)
                           : a->denied ? ", refused" : "";
        event(r, a->first, a->first, CW_RPT_EV_ACCESS_FIRST,
              cw_arena_printf(&r->arena, "%s (%s): first request%s%s", a->id, a->kind ? a->kind : "?",
                              a->listed ? ", listed the bucket" : "", what));
        if (a->last != a->first)
            event(r, a->last, a->last, CW_RPT_EV_ACCESS_LAST,
                  cw_arena_printf(&r->arena, "%s (%s): last request", a->id, a->kind ? a->kind : "?"));
    }
    for (size_t i = 0; i < r->ninvs; i++)
        for (size_t k = 0; k < r->invs[i].ngaps; k++) {
            const cw_rpt_gap *g = &r->invs[i].gaps[k];
            event(r, g->from, g->to, CW_RPT_EV_GAP,
                  cw_arena_printf(&r->arena, "%s: %s, %lld h", g->source ? g->source : "?", g->kind ? g->kind : "gap",
                                  (long long)((g->to - g->from) / 3600)));
        }
    event(r, r->discovered, r->discovered, CW_RPT_EV_DISCOVERY, "exposure discovered");
    for (size_t i = 0; i < r->nobls; i++)
        for (size_t k = 0; k < r->obls[i].nsteps; k++) {
            const cw_rpt_step *s = &r->obls[i].steps[k];
            if (s->due != INT64_MIN && !s->not_in_force)
                event(r, s->due, s->due, CW_RPT_EV_DEADLINE,
                      cw_arena_printf(&r->arena, "%s: %s (guidance)", r->obls[i].code, s->action));
        }
    if (r->nevents) qsort(r->events, r->nevents, sizeof *r->events, cmp_event);
}
