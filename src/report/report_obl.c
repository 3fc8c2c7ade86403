/* report_obl.c - notification obligations by jurisdiction: loaded from the
 * data file (data/notification-obligations.json, embedded at build time, or
 * --obligations FILE), chosen by the countries the data was attributed to, and
 * each deadline computed from the discovery time. Periods in hours run from
 * the discovery time; periods in days end at the end of the day, counted from
 * the day after the discovery, in the jurisdiction's standard time. Guidance,
 * not legal advice: the report says so beside every date. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../forensics/forensics.h"
#include "../json/json.h"
#include "report.h"

static const char *str(const cw_json *o, const char *k) { return cw_json_str(cw_json_get(o, k), NULL); }
static const char *kept(cw_rpt *r, const char *s) { return s ? cw_arena_strdup(&r->arena, s) : NULL; }

/* "+hh:mm" / "-hh:mm" as seconds east of UTC. */
static int64_t tz_offset(const char *tz)
{
    if (!tz || strlen(tz) < 6 || (tz[0] != '+' && tz[0] != '-')) return 0;
    int64_t h = (tz[1] - '0') * 10 + (tz[2] - '0'), m = (tz[4] - '0') * 10 + (tz[5] - '0');
    return (tz[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
}

char *cw_rpt_local_time(int64_t t, const char *tz, char *buf, size_t n)
{
    if (t == INT64_MIN || t == INT64_MAX) {
        snprintf(buf, n, "-");
        return buf;
    }
    time_t lt = (time_t)(t + tz_offset(tz));
    struct tm tm;
    gmtime_r(&lt, &tm);
    char b[32];
    strftime(b, sizeof b, "%Y-%m-%d %H:%M", &tm);
    snprintf(buf, n, "%s %s", b, tz ? tz : "+00:00");
    return buf;
}

/* End (last second) of the local day `days` after the local day of t. */
static int64_t end_of_day_after(int64_t t, int64_t days, const char *tz)
{
    int64_t off = tz_offset(tz);
    int64_t local = t + off;
    int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    return (day + days + 1) * 86400 - 1 - off;
}

static bool has_country(const cw_rpt *r, const cw_json *countries, uint64_t *values, const char **which)
{
    bool any = false;
    for (uint32_t i = 0; countries && countries->type == CW_JARR && i < countries->len; i++) {
        const char *c = cw_json_str(&countries->u.items[i], NULL);
        for (size_t k = 0; c && k < r->ncountries; k++)
            if (strcmp(r->countries[k].code, c) == 0) {
                *values += r->countries[k].values;
                if (!any) *which = r->countries[k].code;
                any = true;
            }
    }
    return any;
}

static bool listed(const char *code, const char *const *only, size_t nonly)
{
    for (size_t i = 0; i < nonly; i++)
        if (strcasecmp(only[i], code) == 0) return true;
    return false;
}

static void step_of(cw_rpt *r, cw_rpt_step *s, const cw_json *j, const char *tz, const char *jin_force)
{
    s->action = kept(r, str(j, "action"));
    s->trigger = kept(r, str(j, "trigger"));
    s->citation = kept(r, str(j, "citation"));
    const cw_json *d = cw_json_get(j, "deadline");
    s->deadline_text = kept(r, str(d, "text"));
    s->from = kept(r, str(d, "from"));
    s->hours = (int64_t)cw_json_num(cw_json_get(d, "hours"), 0);
    s->days = (int64_t)cw_json_num(cw_json_get(d, "days"), 0);
    s->calendar = cw_json_bool(cw_json_get(d, "calendar"), false);
    s->binding = cw_json_bool(cw_json_get(d, "binding"), true);
    s->due = INT64_MIN;
    const char *in_force = str(d, "in_force");
    if (!in_force) in_force = jin_force;
    int64_t since;
    if (r->discovered != INT64_MIN && in_force && cw_fx_parse_time(in_force, strlen(in_force), &since) == 0 &&
        r->discovered < since)
        s->not_in_force = true;
    if (r->discovered == INT64_MIN) {
        s->due_note = "give --discovered to compute the date";
        return;
    }
    const char *base = s->from && strcmp(s->from, "assessment") == 0
                           ? "counted from the assessment; shown as if the assessment was made when the "
                             "exposure was discovered (the latest date is later only if the assessment takes longer)"
                           : "counted from the discovery time given";
    if (s->hours) {
        s->due = r->discovered + s->hours * 3600;
        s->due_note = cw_arena_printf(&r->arena, "%lld hours, %s%s", (long long)s->hours, base,
                                      s->binding ? "" : "; the regulator's expectation, not a statutory limit");
    } else if (s->days) {
        s->due = end_of_day_after(r->discovered, s->days, tz);
        s->due_note = cw_arena_printf(&r->arena, "end of day %lld after the discovery day%s (%s), %s%s",
                                      (long long)s->days, s->calendar ? ", calendar days" : "", tz ? tz : "UTC", base,
                                      s->binding ? "" : "; the regulator's expectation, not a statutory limit");
    } else {
        s->due_note = "no fixed period: act now";
    }
}

int cw_rpt_load_obligations(cw_rpt *r, const char *path, const char *const *only, size_t nonly)
{
    if (!path)
        return cw_rpt_load_obligations_text(r, "data/notification-obligations.json (built in)", cw_obligations_json,
                                            cw_obligations_json_len, only, nonly);
    size_t n;
    char *b = cw_rpt_slurp(r, path, &n);
    if (!b) return -1;
    int rc = cw_rpt_load_obligations_text(r, path, b, n, only, nonly);
    free(b);
    return rc;
}

int cw_rpt_load_obligations_text(cw_rpt *r, const char *name, const char *text, size_t len, const char *const *only,
                                 size_t nonly)
{
    cw_json_err err;
    cw_json *v = cw_json_parse(&r->arena, text, len, &err);
    const cw_json *js = v ? cw_json_get(v, "jurisdictions") : NULL;
    if (!js || js->type != CW_JARR) {
        cw_diag_add(&r->diags, CW_DIAG_ERROR, name, v ? 1 : err.line, v ? 1 : err.col, 0, NULL, "%s",
                    v ? "expected {\"jurisdictions\": [...]}" : err.msg);
        return -1;
    }
    r->notice = kept(r, str(v, "notice"));
    bool any_country = r->ncountries > 0;
    /* which apply: by the countries found, or those listed, or all when none is known */
    bool *apply = cw_xcalloc(js->len + 1, sizeof *apply);
    const char **because = cw_xcalloc(js->len + 1, sizeof *because);
    size_t napply = 0;
    for (uint32_t i = 0; i < js->len; i++) {
        const cw_json *j = &js->u.items[i];
        const char *code = str(j, "code");
        if (!code) continue;
        uint64_t values = 0;
        const char *which = NULL;
        if (nonly) {
            apply[i] = listed(code, only, nonly);
            if (apply[i]) because[i] = "selected with --jurisdictions";
        } else if (any_country && has_country(r, cw_json_get(j, "countries"), &values, &which)) {
            apply[i] = true;
            because[i] = values ? cw_arena_printf(&r->arena, "customer data attributed to %s (%llu values)", which,
                                                  (unsigned long long)values)
                                : cw_arena_printf(&r->arena, "customer data attributed to %s", which);
        }
        napply += apply[i];
    }
    if (!napply && !nonly)
        for (uint32_t i = 0; i < js->len; i++) {
            apply[i] = true;
            because[i] = any_country ? "no country of the data matched; listed for reference"
                                     : "no country could be attributed to the data: check whether the affected "
                                       "customers live there";
        }
    for (uint32_t i = 0; i < js->len; i++) {
        if (!apply[i]) continue;
        const cw_json *j = &js->u.items[i];
        r->obls = cw_xrealloc(r->obls, (r->nobls + 1) * sizeof *r->obls);
        cw_rpt_obligation *o = &r->obls[r->nobls++];
        memset(o, 0, sizeof *o);
        o->code = kept(r, str(j, "code"));
        o->name = kept(r, str(j, "name"));
        o->law = kept(r, str(j, "law"));
        o->authority = kept(r, str(j, "authority"));
        o->timezone = kept(r, str(j, "timezone"));
        o->checked = kept(r, str(j, "checked"));
        o->in_force = kept(r, str(j, "in_force"));
        o->applies = true;
        o->applies_because = because[i];
        const cw_json *steps = cw_json_get(j, "steps");
        size_t ns = steps && steps->type == CW_JARR ? steps->len : 0;
        o->steps = cw_arena_zalloc(&r->arena, (ns + 1) * sizeof *o->steps);
        for (size_t k = 0; k < ns; k++) step_of(r, &o->steps[o->nsteps++], &steps->u.items[k], o->timezone, o->in_force);
    }
    free(apply);
    free(because);
    return 0;
}
