/* report_html.c - the report as one self-contained HTML page: CSS and JS
 * inline, the timeline drawn as inline SVG, nothing fetched from the network
 * (a Content-Security-Policy forbids it). Elements carry ids and classes the
 * browser test reads (tests/report/browser_test.mjs). */
#include <stdio.h>
#include <string.h>

#include "../util/strbuf.h"
#include "report.h"

static void h(cw_strbuf *sb, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': cw_sb_adds(sb, "&lt;"); break;
        case '>': cw_sb_adds(sb, "&gt;"); break;
        case '&': cw_sb_adds(sb, "&amp;"); break;
        case '"': cw_sb_adds(sb, "&quot;"); break;
        case '\'': cw_sb_adds(sb, "&#39;"); break;
        default: cw_sb_addc(sb, *s);
        }
    }
}

static const char *t(int64_t v, char *b, size_t n) { return cw_rpt_time(v, b, n); }

static const char css[] =
    "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}"
    "main{max-width:1200px;margin:0 auto;padding:24px}h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;"
    "border-bottom:2px solid #d9dde5;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}"
    ".meta{color:#5b6475;font-size:13px}.verdict{display:inline-block;margin:12px 0;padding:8px 14px;border-radius:6px;"
    "font-weight:600}.v-yes{background:#fde2e1;color:#8a1c14}.v-none{background:#e3f4e6;color:#1f5c2b}.v-unknown{background:#fff1d6;"
    "color:#7a4b00}.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}.card{background:#fff;border:1px solid #d9dde5;"
    "border-radius:8px;padding:10px 14px;min-width:140px}.card b{display:block;font-size:22px}.card span{color:#5b6475;font-size:12px}"
    "table{border-collapse:collapse;width:100%;background:#fff;margin:6px 0 12px;font-size:13px}th,td{border:1px solid #d9dde5;"
    "padding:5px 8px;text-align:left;vertical-align:top}th{background:#eef0f4;cursor:pointer;user-select:none}td.n{text-align:right;"
    "font-variant-numeric:tabular-nums}.notice{background:#fff8e1;border-left:4px solid #e0a800;padding:8px 12px;margin:8px 0}"
    "svg{background:#fff;border:1px solid #d9dde5;border-radius:8px;width:100%;height:auto}.tl-exposure{fill:#e4572e}"
    ".tl-access{fill:#7b2cbf}.tl-gap{fill:#9aa3b2;opacity:.7}.tl-discovery{stroke:#0b6e4f;stroke-width:2}.tl-deadline{fill:#0b6e4f}"
    ".tl-label{font-size:11px;fill:#1d2330}.tl-axis{font-size:10px;fill:#5b6475}.small{font-size:12px;color:#5b6475}"
    "code{font-size:12px}@media print{th{cursor:auto}}";

/* Sort a table by the column clicked (numbers by value). */
static const char js[] =
    "document.querySelectorAll('table.sortable th').forEach(function(th,i){th.addEventListener('click',function(){"
    "var tb=th.closest('table').tBodies[0],rows=Array.prototype.slice.call(tb.rows),d=th.dataset.dir==='a'?-1:1;"
    "th.dataset.dir=d===1?'a':'d';rows.sort(function(a,b){var x=a.cells[i].dataset.v||a.cells[i].textContent,"
    "y=b.cells[i].dataset.v||b.cells[i].textContent,nx=parseFloat(x),ny=parseFloat(y);"
    "if(!isNaN(nx)&&!isNaN(ny))return (nx-ny)*d;return x.localeCompare(y)*d;});rows.forEach(function(r){tb.appendChild(r);});});});"
    "document.getElementById('timeline').setAttribute('data-ready','1');";

/* ---- the timeline --------------------------------------------------------- */
typedef struct scale {
    int64_t lo, hi;
    double x0, w;
} scale;

static double X(const scale *s, int64_t v)
{
    if (s->hi <= s->lo) return s->x0;
    return s->x0 + s->w * (double)(v - s->lo) / (double)(s->hi - s->lo);
}

static void timeline(cw_strbuf *sb, const cw_rpt *r)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < r->nevents; i++) {
        if (r->events[i].time < lo) lo = r->events[i].time;
        if (r->events[i].end > hi) hi = r->events[i].end;
        if (r->events[i].time > hi) hi = r->events[i].time;
    }
    if (lo == INT64_MAX) {
        cw_sb_adds(sb, "<p id=\"timeline\" class=\"small\">No dated event: give --investigation, --window or --discovered.</p>");
        return;
    }
    int64_t pad = (hi - lo) / 50 + 3600;
    scale s = {lo - pad, hi + pad, 150, 820};
    const int rows = 4;
    static const char *const row_names[] = {"exposure", "external access", "logging gaps", "discovery, deadlines"};
    int height = 40 + rows * 34 + 30;
    cw_sb_printf(sb, "<svg id=\"timeline\" viewBox=\"0 0 1000 %d\" role=\"img\" aria-label=\"timeline\">", height);
    for (int k = 0; k < rows; k++)
        cw_sb_printf(sb, "<text class=\"tl-label\" x=\"8\" y=\"%d\">%s</text><line x1=\"150\" x2=\"970\" y1=\"%d\" y2=\"%d\" stroke=\"#eef0f4\"/>",
                     52 + k * 34, row_names[k], 48 + k * 34, 48 + k * 34);
    /* axis: 6 ticks */
    char a[40];
    for (int k = 0; k <= 5; k++) {
        int64_t v = s.lo + (s.hi - s.lo) * k / 5;
        double x = X(&s, v);
        cw_sb_printf(sb, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"30\" y2=\"%d\" stroke=\"#d9dde5\"/>"
                         "<text class=\"tl-axis\" x=\"%.1f\" y=\"22\" text-anchor=\"%s\">%.16s</text>",
                     x, x, height - 20, x, k == 5 ? "end" : "middle", t(v, a, sizeof a));
    }
    for (size_t i = 0; i < r->nwindows; i++) {
        const cw_rpt_window *w = &r->windows[i];
        int64_t f = w->from == INT64_MIN ? s.lo : w->from, to = w->to == INT64_MAX ? s.hi : w->to;
        double x1 = X(&s, f), x2 = X(&s, to);
        cw_sb_printf(sb, "<rect class=\"tl-exposure\" data-kind=\"exposure\" x=\"%.1f\" y=\"40\" width=\"%.1f\" height=\"14\" rx=\"3\"><title>exposure ",
                     x1, x2 - x1 < 2 ? 2 : x2 - x1);
        h(sb, t(w->from, a, sizeof a));
        cw_sb_adds(sb, " .. ");
        h(sb, t(w->to, a, sizeof a));
        cw_sb_adds(sb, "</title></rect>");
    }
    for (size_t i = 0; i < r->nactors; i++) {
        const cw_rpt_actor *x = &r->actors[i];
        if (x->first == INT64_MIN) continue;
        double x1 = X(&s, x->first), x2 = X(&s, x->last == INT64_MIN ? x->first : x->last);
        cw_sb_printf(sb, "<g class=\"tl-access\" data-kind=\"access\" data-actor=\"");
        h(sb, x->id);
        cw_sb_printf(sb, "\"><rect x=\"%.1f\" y=\"76\" width=\"%.1f\" height=\"10\" rx=\"2\"/><circle cx=\"%.1f\" cy=\"81\" r=\"5\"/><title>",
                     x1, x2 - x1 < 2 ? 2 : x2 - x1, x1);
        h(sb, x->id);
        cw_sb_adds(sb, " (");
        h(sb, x->kind);
        cw_sb_printf(sb, "): %llu objects read, %llu full copies</title></g>", (unsigned long long)x->objects_read,
                     (unsigned long long)x->full_copies);
    }
    for (size_t i = 0; i < r->nevents; i++) {
        const cw_rpt_event *e = &r->events[i];
        double x1 = X(&s, e->time), x2 = X(&s, e->end);
        if (e->kind == CW_RPT_EV_GAP) {
            cw_sb_printf(sb, "<rect class=\"tl-gap\" data-kind=\"gap\" x=\"%.1f\" y=\"108\" width=\"%.1f\" height=\"14\"><title>", x1,
                         x2 - x1 < 2 ? 2 : x2 - x1);
            h(sb, e->text);
            cw_sb_adds(sb, "</title></rect>");
        } else if (e->kind == CW_RPT_EV_DISCOVERY) {
            cw_sb_printf(sb, "<line class=\"tl-discovery\" data-kind=\"discovery\" x1=\"%.1f\" x2=\"%.1f\" y1=\"36\" y2=\"%d\"><title>discovered ",
                         x1, x1, height - 24);
            h(sb, t(e->time, a, sizeof a));
            cw_sb_adds(sb, "</title></line>");
        } else if (e->kind == CW_RPT_EV_DEADLINE) {
            cw_sb_printf(sb, "<path class=\"tl-deadline\" data-kind=\"deadline\" d=\"M%.1f 140 l6 12 h-12 z\"><title>", x1);
            h(sb, e->text);
            cw_sb_adds(sb, " ");
            h(sb, t(e->time, a, sizeof a));
            cw_sb_adds(sb, "</title></path>");
        }
    }
    cw_sb_adds(sb, "</svg>");
}

/* ---- tables ----------------------------------------------------------------- */
static void num_cell(cw_strbuf *sb, uint64_t v) { cw_sb_printf(sb, "<td class=\"n\" data-v=\"%llu\">%llu</td>", (unsigned long long)v, (unsigned long long)v); }
static void cell(cw_strbuf *sb, const char *s)
{
    cw_sb_adds(sb, "<td>");
    h(sb, s ? s : "-");
    cw_sb_adds(sb, "</td>");
}

static void obligations(cw_strbuf *sb, const cw_rpt *r)
{
    char a[40], b[48];
    cw_sb_adds(sb, "<h2>Notification obligations</h2><div class=\"notice\" id=\"legal-notice\"><b>Guidance, not legal advice.</b> ");
    h(sb, r->notice);
    cw_sb_adds(sb, "</div><table id=\"obligations\"><thead><tr><th>jurisdiction</th><th>step</th><th>deadline</th><th>due (guidance)</th>"
                   "<th>authority</th><th>trigger</th><th>citation</th><th>checked</th></tr></thead><tbody>");
    for (size_t i = 0; i < r->nobls; i++) {
        const cw_rpt_obligation *o = &r->obls[i];
        for (size_t k = 0; k < o->nsteps; k++) {
            const cw_rpt_step *s = &o->steps[k];
            cw_sb_adds(sb, "<tr data-jurisdiction=\"");
            h(sb, o->code);
            cw_sb_adds(sb, "\"><td><b>");
            h(sb, o->code);
            cw_sb_adds(sb, "</b> ");
            h(sb, o->name);
            cw_sb_adds(sb, "<br><span class=\"small\">");
            h(sb, o->applies_because);
            cw_sb_adds(sb, "</span></td>");
            cell(sb, s->action);
            cell(sb, s->deadline_text);
            cw_sb_adds(sb, "<td class=\"due\">");
            if (s->not_in_force) cw_sb_adds(sb, "not in force at the discovery time");
            else if (s->due != INT64_MIN) {
                cw_sb_adds(sb, "<b>");
                h(sb, t(s->due, a, sizeof a));
                cw_sb_adds(sb, "</b><br>");
                h(sb, cw_rpt_local_time(s->due, o->timezone, b, sizeof b));
                cw_sb_adds(sb, "<br><span class=\"small\">");
                h(sb, s->due_note);
                cw_sb_adds(sb, "</span>");
            } else h(sb, s->due_note);
            cw_sb_adds(sb, "</td>");
            cell(sb, o->authority);
            cell(sb, s->trigger);
            cw_sb_adds(sb, "<td>");
            h(sb, s->citation);
            cw_sb_adds(sb, "<br><span class=\"small\">");
            h(sb, o->law);
            cw_sb_adds(sb, "</span></td>");
            cell(sb, o->checked);
            cw_sb_adds(sb, "</tr>");
        }
    }
    cw_sb_adds(sb, "</tbody></table>");
}

int cw_rpt_write_html(FILE *out, const cw_rpt *r)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    char a[40], b[40];
    cw_sb_adds(&sb, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
                    "script-src 'unsafe-inline'; img-src data:\"><meta name=\"viewport\" content=\"width=device-width\"><title>");
    h(&sb, r->title);
    cw_sb_printf(&sb, "</title><style>%s</style></head><body><main><h1>", css);
    h(&sb, r->title);
    cw_sb_printf(&sb, "</h1><div class=\"meta\">generated %s by cloudwarden 0.1.0 &middot; discovered ", t(r->generated, a, sizeof a));
    cw_sb_adds(&sb, r->discovered == INT64_MIN ? "(not given)" : t(r->discovered, b, sizeof b));
    cw_sb_adds(&sb, "</div>");
    const char *vc = strstr(r->verdict, ": yes") ? "v-yes" : strstr(r->verdict, "none found") ? "v-none" : "v-unknown";
    cw_sb_printf(&sb, "<div id=\"verdict\" class=\"verdict %s\">", vc);
    h(&sb, r->verdict);
    cw_sb_adds(&sb, "</div>");
    uint64_t full = 0, bytes = 0, reads = 0;
    for (size_t i = 0; i < r->nactors; i++) full += r->actors[i].full_copies, bytes += r->actors[i].bytes_sent, reads += r->actors[i].objects_read;
    cw_sb_printf(&sb,
                 "<div class=\"cards\"><div class=\"card\" id=\"card-records\"><b>%llu</b><span>records with customer data</span></div>"
                 "<div class=\"card\" id=\"card-actors\"><b>%zu</b><span>external actors</span></div>"
                 "<div class=\"card\" id=\"card-copies\"><b>%llu</b><span>full copies (of %llu objects read)</span></div>"
                 "<div class=\"card\" id=\"card-bytes\"><b>%llu</b><span>bytes sent to outsiders</span></div>"
                 "<div class=\"card\" id=\"card-jurisdictions\"><b>%zu</b><span>jurisdictions to consider</span></div></div>",
                 (unsigned long long)r->records_matched, r->nactors, (unsigned long long)full, (unsigned long long)reads,
                 (unsigned long long)bytes, r->nobls);
    cw_sb_adds(&sb, "<h2>Timeline</h2>");
    timeline(&sb, r);
    cw_sb_adds(&sb, "<table id=\"events\" class=\"sortable\"><thead><tr><th>time (UTC)</th><th>event</th></tr></thead><tbody>");
    for (size_t i = 0; i < r->nevents; i++) {
        cw_sb_printf(&sb, "<tr data-kind=\"%s\">", cw_rpt_evkind_name(r->events[i].kind));
        cell(&sb, t(r->events[i].time, a, sizeof a));
        cell(&sb, r->events[i].text);
        cw_sb_adds(&sb, "</tr>");
    }
    cw_sb_adds(&sb, "</tbody></table><h2>Exposure</h2><ul id=\"resources\">");
    for (size_t i = 0; i < r->nresources; i++) {
        cw_sb_adds(&sb, "<li><code>");
        h(&sb, r->resources[i]);
        cw_sb_adds(&sb, "</code></li>");
    }
    cw_sb_printf(&sb, "</ul><h2>Data exposed</h2><p>%llu records read by classify, %llu with customer data; sensitivity <b>",
                 (unsigned long long)r->records_total, (unsigned long long)r->records_matched);
    h(&sb, r->sensitivity ? r->sensitivity : "unknown");
    cw_sb_adds(&sb, "</b>.</p><table id=\"categories\" class=\"sortable\"><thead><tr><th>category</th><th>values</th><th>distinct</th>"
                    "<th>masked samples</th></tr></thead><tbody>");
    for (size_t i = 0; i < r->ncats; i++) {
        const cw_rpt_category *c = &r->cats[i];
        cw_sb_adds(&sb, "<tr>");
        cell(&sb, c->name);
        num_cell(&sb, c->occurrences);
        num_cell(&sb, c->distinct);
        cw_sb_adds(&sb, "<td>");
        for (int k = 0; k < c->nsamples; k++) {
            if (k) cw_sb_adds(&sb, ", ");
            h(&sb, c->samples[k]);
        }
        cw_sb_adds(&sb, "</td></tr>");
    }
    cw_sb_adds(&sb, "</tbody></table><h2>Affected customers by country</h2><table id=\"countries\" class=\"sortable\"><thead><tr>"
                    "<th>country</th><th>code</th><th>values attributed</th></tr></thead><tbody>");
    for (size_t i = 0; i < r->ncountries; i++) {
        const cw_rpt_country *c = &r->countries[i];
        cw_sb_adds(&sb, "<tr>");
        cell(&sb, cw_rpt_country_name(c->code));
        cell(&sb, c->code);
        if (c->counted) num_cell(&sb, c->values);
        else cell(&sb, "present (no count in the profile)");
        cw_sb_adds(&sb, "</tr>");
    }
    cw_sb_adds(&sb, "</tbody></table><p class=\"small\">Counts are validated personal values attributed to each country by "
                    "their format (phone numbering plan, national ID, plate), not people.</p>");
    cw_sb_adds(&sb, "<h2>External actors</h2><table id=\"actors\" class=\"sortable\"><thead><tr><th>actor</th><th>kind</th><th>first</th>"
                    "<th>last</th><th>listed</th><th>objects read</th><th>full copies</th><th>bytes sent</th><th>denied</th>"
                    "<th>objects (masked)</th></tr></thead><tbody>");
    for (size_t i = 0; i < r->nactors; i++) {
        const cw_rpt_actor *x = &r->actors[i];
        cw_sb_adds(&sb, "<tr>");
        cell(&sb, x->id);
        cell(&sb, x->kind);
        cell(&sb, t(x->first, a, sizeof a));
        cell(&sb, t(x->last, b, sizeof b));
        cell(&sb, x->listed ? "yes" : "no");
        num_cell(&sb, x->objects_read);
        num_cell(&sb, x->full_copies);
        num_cell(&sb, x->bytes_sent);
        num_cell(&sb, x->denied);
        cw_sb_adds(&sb, "<td class=\"small\">");
        size_t shown = x->nobjects < 5 ? x->nobjects : 5;
        uint64_t all = x->full_copies ? x->full_copies : x->objects_read;
        for (size_t k = 0; k < shown; k++) {
            if (k) cw_sb_adds(&sb, "<br>");
            h(&sb, x->objects[k]);
        }
        if (shown < all) cw_sb_printf(&sb, "<br>&hellip; %llu more (see the JSON report)", (unsigned long long)(all - shown));
        cw_sb_adds(&sb, "</td></tr>");
    }
    cw_sb_adds(&sb, "</tbody></table><h2>What the logs cannot show</h2><table id=\"gaps\" class=\"sortable\"><thead><tr><th>investigation</th>"
                    "<th>source</th><th>from</th><th>to</th><th>kind</th></tr></thead><tbody>");
    for (size_t i = 0; i < r->ninvs; i++)
        for (size_t k = 0; k < r->invs[i].ngaps; k++) {
            const cw_rpt_gap *g = &r->invs[i].gaps[k];
            cw_sb_adds(&sb, "<tr>");
            cell(&sb, r->invs[i].file);
            cell(&sb, g->source);
            cell(&sb, t(g->from, a, sizeof a));
            cell(&sb, t(g->to, b, sizeof b));
            cell(&sb, g->kind);
            cw_sb_adds(&sb, "</tr>");
        }
    cw_sb_adds(&sb, "</tbody></table><ul id=\"coverage\">");
    for (size_t i = 0; i < r->ninvs; i++) {
        cw_sb_adds(&sb, "<li>");
        h(&sb, r->invs[i].file);
        cw_sb_adds(&sb, ": ");
        h(&sb, r->invs[i].verdict);
        cw_sb_printf(&sb, " &middot; %llu of %llu hours covered (%.1f%%)</li>", (unsigned long long)r->invs[i].hours_covered,
                     (unsigned long long)r->invs[i].hours, r->invs[i].coverage);
    }
    cw_sb_adds(&sb, "</ul><p class=\"small\">Absence of evidence is not evidence of absence: access logging is off by default, "
                    "delivery is best effort, and an hour without a record is a gap whatever its cause.</p>");
    if (r->nfindings) {
        cw_sb_adds(&sb, "<h2>Findings</h2><table id=\"findings\" class=\"sortable\"><thead><tr><th>severity</th><th>rule</th><th>category</th>"
                        "<th>resource</th></tr></thead><tbody>");
        for (size_t i = 0; i < r->nfindings; i++) {
            cw_sb_adds(&sb, "<tr>");
            cell(&sb, r->findings[i].severity);
            cell(&sb, r->findings[i].title ? r->findings[i].title : r->findings[i].rule);
            cell(&sb, r->findings[i].category);
            cell(&sb, r->findings[i].resource);
            cw_sb_adds(&sb, "</tr>");
        }
        cw_sb_adds(&sb, "</tbody></table>");
    }
    obligations(&sb, r);
    cw_sb_printf(&sb, "</main><script>%s</script></body></html>\n", js);
    int rc = fwrite(sb.buf, 1, sb.len, out) == sb.len ? 0 : -1;
    cw_sb_free(&sb);
    if (fflush(out) != 0) rc = -1;
    return rc;
}
