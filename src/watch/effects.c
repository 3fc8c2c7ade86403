/* effects.c - findings lifecycle, exposure windows and alerts of one change
 * (see effects.h). */
#include "effects.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../history/history.h"
#include "../output/output.h"
#include "../util/arena.h"
#include "../util/strbuf.h"
#include "../util/timeutil.h"
#include "alert.h"

/* the store's row of a finding, copied */
typedef struct row {
    bool found, open;
    int64_t first_seen, reopened;
    char *severity, *open_change;
} row;

static int take_row(void *ctx, const cw_store_finding *f)
{
    row *r = ctx;
    r->found = true;
    r->open = f->status && strcmp(f->status, "open") == 0;
    r->first_seen = f->first_seen_us;
    r->reopened = f->reopened;
    r->severity = f->severity ? cw_xstrdup(f->severity) : NULL;
    r->open_change = f->open_change ? cw_xstrdup(f->open_change) : NULL;
    return 1;
}

typedef struct win {
    bool found;
    int64_t id, start;
    char *rules, *open_change;
} win;

static int take_win(void *ctx, const cw_store_window *w)
{
    win *x = ctx;
    x->found = true;
    x->id = w->id;
    x->start = w->start_us;
    x->rules = cw_xstrdup(w->rules ? w->rules : "");
    x->open_change = w->open_change ? cw_xstrdup(w->open_change) : NULL;
    return 1;
}

static int open_window(cw_store *st, const char *resource, win *w)
{
    memset(w, 0, sizeof *w);
    cw_store_window_query q = {.resource = resource, .from_us = CW_TIME_UNKNOWN, .to_us = CW_TIME_UNKNOWN,
                               .open_only = 1};
    return cw_store_windows(st, &q, take_win, w);
}

static void win_free(win *w)
{
    free(w->rules);
    free(w->open_change);
}

/* rules: a sorted comma-separated set; add one */
static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static char *rules_add(const char *rules, const char *id)
{
    char *copy = cw_xstrdup(rules ? rules : "");
    size_t n = 0, cap = 8;
    char **v = cw_xmalloc(cap * sizeof *v);
    for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (n + 1 >= cap) cap *= 2, v = cw_xrealloc(v, cap * sizeof *v);
        v[n++] = t;
    }
    bool have = false;
    for (size_t i = 0; i < n && !have; i++) have = strcmp(v[i], id) == 0;
    if (!have) v[n++] = (char *)id;
    qsort(v, n, sizeof *v, cmp_str);
    cw_strbuf sb = CW_STRBUF_INIT;
    for (size_t i = 0; i < n; i++) cw_sb_printf(&sb, "%s%s", i ? "," : "", v[i]);
    free(v);
    free(copy);
    return sb.buf ? cw_sb_detach(&sb) : cw_xstrdup(id);
}

static int sev_rank(const char *s)
{
    cw_severity v;
    return s && cw_severity_parse(s, &v) == 0 ? (int)v : -1;
}

typedef struct held {
    const char *skip; /* the fingerprint being resolved */
    bool any;
} held;

static int any_exposure(void *ctx, const cw_store_finding *f)
{
    held *h = ctx;
    if (cw_hist_exposure_category(f->category) && strcmp(f->fingerprint, h->skip) != 0) {
        h->any = true;
        return 1;
    }
    return 0;
}

static int alert(cw_store *st, const char *kind, const cw_finding *f, const char *fp, const char *prev_sev,
                 const cw_eff_change *ch, int64_t win_start, const char *win_change, const char *const *sinks,
                 size_t ns, cw_eff_stats *stats)
{
    if (!ns) return 0;
    const cw_asset *a = f->asset;
    cw_alert_in in = {.kind = kind,
                      .fingerprint = fp,
                      .rule_id = f->rule->id,
                      .title = f->rule->title,
                      .severity = cw_severity_name(f->rule->severity),
                      .prev_severity = prev_sev,
                      .category = f->rule->category,
                      .evidence = f->evidence,
                      .resource = a->id,
                      .resource_type = a->type,
                      .resource_id = a->resource_id,
                      .resource_name = a->name,
                      .account = a->account,
                      .region = a->region,
                      .change_id = ch->change_id,
                      .event_id = ch->event_id,
                      .event_kind = ch->event_kind,
                      .event_source = ch->event_source,
                      .event_name = ch->event_name,
                      .actor = ch->actor,
                      .change_us = ch->change_us,
                      .window_open_us = win_start,
                      .window_open_change = win_change};
    char id[33];
    int64_t now = cw_store_now(st);
    char *payload = cw_alert_build(&in, now, id);
    cw_store_alert sa = {.id = id, .kind = kind, .fingerprint = fp, .resource = a->id, .payload = payload,
                         .created_us = now};
    int ins = 0;
    int rc = cw_store_add_alert(st, &sa, sinks, ns, &ins);
    free(payload);
    if (rc == 0 && ins) stats->alerts++;
    return rc;
}

static int put(cw_store *st, const cw_finding *f, const char *fp, const char *status, int64_t first, int64_t last,
               int64_t resolved, int64_t reopened, const char *open_change, const char *close_change)
{
    const cw_asset *a = f->asset;
    cw_store_finding sf = {.fingerprint = fp,
                           .rule_id = f->rule->id,
                           .resource = a->id,
                           .resource_type = a->type,
                           .resource_id = a->resource_id,
                           .resource_name = a->name,
                           .account = a->account,
                           .region = a->region,
                           .severity = cw_severity_name(f->rule->severity),
                           .category = f->rule->category ? f->rule->category : "other",
                           .title = f->rule->title,
                           .evidence = f->evidence,
                           .status = status,
                           .first_seen_us = first,
                           .last_seen_us = last,
                           .resolved_us = resolved,
                           .reopened = reopened,
                           .open_change = open_change,
                           .close_change = close_change};
    return cw_store_put_finding(st, &sf);
}

static int one(cw_store *st, const cw_eff_item *it, bool pass_open, const cw_eff_change *ch,
               const char *const *sinks, size_t ns, cw_eff_stats *stats)
{
    const cw_finding *f = it->finding;
    bool now = it->kind != CW_EFF_RESOLVED && !f->suppressed_by;
    if (now != pass_open) return 0;
    char fp[33];
    cw_out_fingerprint(f, fp);
    row r = {0};
    if (cw_store_get_finding(st, fp, take_row, &r) < 0) return -1;
    int rc = 0;
    bool expo = cw_hist_exposure_category(f->rule->category);
    int64_t t = ch->change_us;
    if (!r.open && now) {
        rc = put(st, f, fp, "open", r.found ? r.first_seen : t, t, CW_TIME_UNKNOWN, r.found ? r.reopened + 1 : 0,
                 ch->change_id, NULL);
        win w = {0};
        if (!rc && expo) {
            rc = open_window(st, f->asset->id, &w);
            if (!rc && !w.found) {
                cw_store_window nw = {.resource = f->asset->id, .resource_type = f->asset->type,
                                      .account = f->asset->account, .region = f->asset->region,
                                      .rules = f->rule->id, .start_us = t, .end_us = CW_TIME_UNKNOWN,
                                      .open_change = ch->change_id};
                rc = cw_store_put_window(st, &nw, NULL);
                w.start = t;
                w.open_change = cw_xstrdup(ch->change_id);
                stats->windows_opened++;
            } else if (!rc) {
                char *rules = rules_add(w.rules, f->rule->id);
                if (strcmp(rules, w.rules) != 0) {
                    cw_store_window uw = {.id = w.id, .resource = f->asset->id, .resource_type = f->asset->type,
                                          .account = f->asset->account, .region = f->asset->region, .rules = rules,
                                          .start_us = w.start, .end_us = CW_TIME_UNKNOWN,
                                          .open_change = w.open_change};
                    rc = cw_store_put_window(st, &uw, NULL);
                }
                free(rules);
            }
        }
        if (!rc) rc = alert(st, "open", f, fp, NULL, ch, expo ? w.start : CW_TIME_UNKNOWN, w.open_change, sinks, ns,
                            stats);
        win_free(&w);
        stats->opened++;
    } else if (r.open && !now) {
        rc = put(st, f, fp, "resolved", r.first_seen, t, t, r.reopened, r.open_change, ch->change_id);
        win w = {0};
        if (!rc && expo) rc = open_window(st, f->asset->id, &w);
        if (!rc && w.found) {
            held h = {fp, false};
            cw_store_finding_query q = {.status = "open", .resource = f->asset->id};
            rc = cw_store_findings(st, &q, any_exposure, &h);
            if (!rc && !h.any) {
                cw_store_window cw = {.id = w.id, .resource = f->asset->id, .resource_type = f->asset->type,
                                      .account = f->asset->account, .region = f->asset->region, .rules = w.rules,
                                      .start_us = w.start, .end_us = t, .open_change = w.open_change,
                                      .close_change = ch->change_id};
                rc = cw_store_put_window(st, &cw, NULL);
                stats->windows_closed++;
            }
        }
        if (!rc) rc = alert(st, "resolve", f, fp, NULL, ch, w.found ? w.start : CW_TIME_UNKNOWN, w.open_change, sinks,
                            ns, stats);
        win_free(&w);
        stats->resolved++;
    } else if (r.open && now) {
        rc = put(st, f, fp, "open", r.first_seen, t, CW_TIME_UNKNOWN, r.reopened, r.open_change, NULL);
        const char *sev = cw_severity_name(f->rule->severity);
        if (!rc && sev_rank(sev) > sev_rank(r.severity)) {
            win w = {0};
            if (expo) rc = open_window(st, f->asset->id, &w);
            if (!rc) rc = alert(st, "escalate", f, fp, r.severity, ch, w.found ? w.start : CW_TIME_UNKNOWN,
                                w.open_change, sinks, ns, stats);
            win_free(&w);
            stats->escalated++;
        } else {
            stats->updated++;
        }
    }
    free(r.severity);
    free(r.open_change);
    return rc;
}

int cw_effects_apply(cw_store *st, const cw_eff_item *items, size_t n, const cw_eff_change *ch,
                     const char *const *sinks, size_t nsinks, cw_eff_stats *stats)
{
    cw_eff_stats dummy;
    if (!stats) stats = &dummy;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++)
            if (one(st, &items[i], pass == 0, ch, sinks, nsinks, stats) < 0) return -1;
    return 0;
}
