/* report_md.c - the report as Markdown: the same sections as the HTML page. */
#include <stdio.h>
#include <string.h>

#include "../util/strbuf.h"
#include "report.h"

/* Text for a table cell or a line: no '|', no newline, no raw HTML. */
static void md(cw_strbuf *sb, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '|': cw_sb_adds(sb, "\\|"); break;
        case '\n': case '\r': cw_sb_addc(sb, ' '); break;
        case '<': cw_sb_adds(sb, "&lt;"); break;
        case '>': cw_sb_adds(sb, "&gt;"); break;
        case '*': case '_': case '`': case '[': case ']': cw_sb_addc(sb, '\\'); cw_sb_addc(sb, *s); break;
        default: cw_sb_addc(sb, *s);
        }
    }
}

static const char *t(int64_t v, char *b, size_t n) { return cw_rpt_time(v, b, n); }

int cw_rpt_write_markdown(FILE *out, const cw_rpt *r)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    char a[40], b[40];
    cw_sb_adds(&sb, "# ");
    md(&sb, r->title);
    cw_sb_printf(&sb, "\n\nGenerated %s by cloudwarden 0.1.0. Discovered: %s.\n\n", t(r->generated, a, sizeof a),
                 r->discovered == INT64_MIN ? "not given" : t(r->discovered, b, sizeof b));
    cw_sb_adds(&sb, "**");
    md(&sb, r->verdict);
    cw_sb_adds(&sb, "**\n\n## Exposure\n\n");
    for (size_t i = 0; i < r->nresources; i++) {
        cw_sb_adds(&sb, "- ");
        md(&sb, r->resources[i]);
        cw_sb_addc(&sb, '\n');
    }
    if (r->nwindows) {
        cw_sb_adds(&sb, "\n| from | to | resource |\n|---|---|---|\n");
        for (size_t i = 0; i < r->nwindows; i++) {
            cw_sb_printf(&sb, "| %s | %s | ", t(r->windows[i].from, a, sizeof a), t(r->windows[i].to, b, sizeof b));
            md(&sb, r->windows[i].resource ? r->windows[i].resource : "-");
            cw_sb_adds(&sb, " |\n");
        }
    }
    cw_sb_adds(&sb, "\n## Timeline\n\n| time (UTC) | event |\n|---|---|\n");
    for (size_t i = 0; i < r->nevents; i++) {
        cw_sb_printf(&sb, "| %s | ", t(r->events[i].time, a, sizeof a));
        md(&sb, r->events[i].text);
        cw_sb_adds(&sb, " |\n");
    }
    cw_sb_printf(&sb, "\n## Data exposed\n\n%llu records, %llu with customer data; sensitivity: %s.\n\n",
                 (unsigned long long)r->records_total, (unsigned long long)r->records_matched,
                 r->sensitivity ? r->sensitivity : "unknown");
    cw_sb_adds(&sb, "| category | values | distinct | masked samples |\n|---|---:|---:|---|\n");
    for (size_t i = 0; i < r->ncats; i++) {
        const cw_rpt_category *c = &r->cats[i];
        cw_sb_adds(&sb, "| ");
        md(&sb, c->name);
        cw_sb_printf(&sb, " | %llu | %llu | ", (unsigned long long)c->occurrences, (unsigned long long)c->distinct);
        for (int k = 0; k < c->nsamples; k++) {
            if (k) cw_sb_adds(&sb, ", ");
            md(&sb, c->samples[k]);
        }
        cw_sb_adds(&sb, " |\n");
    }
    cw_sb_adds(&sb, "\n## Affected customers by country\n\n| country | values attributed |\n|---|---:|\n");
    for (size_t i = 0; i < r->ncountries; i++) {
        const cw_rpt_country *c = &r->countries[i];
        cw_sb_adds(&sb, "| ");
        md(&sb, cw_rpt_country_name(c->code));
        cw_sb_printf(&sb, " (%s) | ", c->code);
        if (c->counted) cw_sb_printf(&sb, "%llu |\n", (unsigned long long)c->values);
        else cw_sb_adds(&sb, "present |\n");
    }
    cw_sb_adds(&sb, "\n## External actors\n\n| actor | kind | first | last | listed | objects read | full copies | bytes sent | denied |\n"
                    "|---|---|---|---|---|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < r->nactors; i++) {
        const cw_rpt_actor *x = &r->actors[i];
        cw_sb_adds(&sb, "| ");
        md(&sb, x->id);
        cw_sb_adds(&sb, " | ");
        md(&sb, x->kind);
        cw_sb_printf(&sb, " | %s | %s | %s | %llu | %llu | %llu | %llu |\n", t(x->first, a, sizeof a), t(x->last, b, sizeof b),
                     x->listed ? "yes" : "no", (unsigned long long)x->objects_read, (unsigned long long)x->full_copies,
                     (unsigned long long)x->bytes_sent, (unsigned long long)x->denied);
    }
    cw_sb_adds(&sb, "\n## What the logs cannot show\n\n");
    for (size_t i = 0; i < r->ninvs; i++) {
        const cw_rpt_investigation *v = &r->invs[i];
        cw_sb_adds(&sb, "- ");
        md(&sb, v->file);
        cw_sb_adds(&sb, ": ");
        md(&sb, v->verdict);
        cw_sb_printf(&sb, "; %llu of %llu hours covered (%.1f%%)\n", (unsigned long long)v->hours_covered,
                     (unsigned long long)v->hours, v->coverage);
        for (size_t k = 0; k < v->ngaps; k++) {
            cw_sb_printf(&sb, "  - %s .. %s ", t(v->gaps[k].from, a, sizeof a), t(v->gaps[k].to, b, sizeof b));
            md(&sb, v->gaps[k].source);
            cw_sb_adds(&sb, ": ");
            md(&sb, v->gaps[k].kind);
            cw_sb_addc(&sb, '\n');
        }
    }
    if (r->nfindings) {
        cw_sb_adds(&sb, "\n## Findings\n\n| severity | rule | resource |\n|---|---|---|\n");
        for (size_t i = 0; i < r->nfindings; i++) {
            cw_sb_adds(&sb, "| ");
            md(&sb, r->findings[i].severity);
            cw_sb_adds(&sb, " | ");
            md(&sb, r->findings[i].rule);
            cw_sb_adds(&sb, " | ");
            md(&sb, r->findings[i].resource);
            cw_sb_adds(&sb, " |\n");
        }
    }
    cw_sb_adds(&sb, "\n## Notification obligations (guidance, not legal advice)\n\n> ");
    md(&sb, r->notice);
    cw_sb_addc(&sb, '\n');
    for (size_t i = 0; i < r->nobls; i++) {
        const cw_rpt_obligation *o = &r->obls[i];
        cw_sb_adds(&sb, "\n### ");
        md(&sb, o->name);
        cw_sb_adds(&sb, "\n\n");
        md(&sb, o->law);
        cw_sb_adds(&sb, ". Authority: ");
        md(&sb, o->authority);
        cw_sb_adds(&sb, ". Applies: ");
        md(&sb, o->applies_because);
        cw_sb_adds(&sb, ". Checked: ");
        md(&sb, o->checked);
        cw_sb_adds(&sb, ".\n\n| step | deadline | due (guidance) | trigger | citation |\n|---|---|---|---|---|\n");
        for (size_t k = 0; k < o->nsteps; k++) {
            const cw_rpt_step *s = &o->steps[k];
            cw_sb_adds(&sb, "| ");
            md(&sb, s->action);
            cw_sb_adds(&sb, " | ");
            md(&sb, s->deadline_text);
            cw_sb_adds(&sb, " | ");
            if (s->not_in_force) cw_sb_adds(&sb, "not in force at discovery");
            else if (s->due != INT64_MIN) {
                cw_sb_printf(&sb, "%s (%s) — ", t(s->due, a, sizeof a), cw_rpt_local_time(s->due, o->timezone, b, sizeof b));
                md(&sb, s->due_note);
            } else md(&sb, s->due_note);
            cw_sb_adds(&sb, " | ");
            md(&sb, s->trigger);
            cw_sb_adds(&sb, " | ");
            md(&sb, s->citation);
            cw_sb_adds(&sb, " |\n");
        }
    }
    int rc = fwrite(sb.buf, 1, sb.len, out) == sb.len ? 0 : -1;
    cw_sb_free(&sb);
    if (fflush(out) != 0) rc = -1;
    return rc;
}
