/* report_json.c - the report as JSON (docs/report.md). */
#include <stdio.h>
#include <string.h>

#include "../util/strbuf.h"
#include "report.h"

static void js(cw_strbuf *sb, const char *s)
{
    if (s) cw_sb_add_json_cstr(sb, s);
    else cw_sb_adds(sb, "null");
}

static void jt(cw_strbuf *sb, int64_t t)
{
    char b[32];
    if (t == INT64_MIN || t == INT64_MAX) cw_sb_adds(sb, "null");
    else cw_sb_printf(sb, "\"%s\"", cw_rpt_time(t, b, sizeof b));
}

static void jlist(cw_strbuf *sb, const char *const *v, size_t n)
{
    cw_sb_addc(sb, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) cw_sb_adds(sb, ", ");
        js(sb, v[i]);
    }
    cw_sb_addc(sb, ']');
}

int cw_rpt_write_json(FILE *out, const cw_rpt *r)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    cw_sb_adds(&sb, "{\n  \"schema\": \"cloudwarden.report/v1\",\n  \"tool\": {\"name\": \"cloudwarden\", \"version\": \"0.1.0\"},\n  \"title\": ");
    js(&sb, r->title);
    cw_sb_adds(&sb, ",\n  \"generated\": ");
    jt(&sb, r->generated);
    cw_sb_adds(&sb, ",\n  \"discovered\": ");
    jt(&sb, r->discovered);
    cw_sb_adds(&sb, ",\n  \"notice\": ");
    js(&sb, r->notice);
    cw_sb_adds(&sb, ",\n  \"verdict\": ");
    js(&sb, r->verdict);
    cw_sb_adds(&sb, ",\n  \"exposure\": {\"resources\": ");
    jlist(&sb, r->resources, r->nresources);
    cw_sb_adds(&sb, ", \"windows\": [");
    for (size_t i = 0; i < r->nwindows; i++) {
        const cw_rpt_window *w = &r->windows[i];
        cw_sb_adds(&sb, i ? ", {\"from\": " : "{\"from\": ");
        jt(&sb, w->from);
        cw_sb_adds(&sb, ", \"to\": ");
        jt(&sb, w->to);
        cw_sb_adds(&sb, ", \"resource\": ");
        js(&sb, w->resource);
        cw_sb_addc(&sb, '}');
    }
    cw_sb_adds(&sb, "]},\n");
    cw_sb_printf(&sb, "  \"data\": {\"records\": {\"total\": %llu, \"with_customer_data\": %llu}, \"bytes_classified\": %llu, \"sensitivity\": ",
                 (unsigned long long)r->records_total, (unsigned long long)r->records_matched,
                 (unsigned long long)r->bytes_classified);
    js(&sb, r->sensitivity);
    cw_sb_adds(&sb, ",\n    \"categories\": [");
    for (size_t i = 0; i < r->ncats; i++) {
        const cw_rpt_category *c = &r->cats[i];
        cw_sb_adds(&sb, i ? ",\n      {\"name\": " : "\n      {\"name\": ");
        js(&sb, c->name);
        cw_sb_printf(&sb, ", \"occurrences\": %llu, \"distinct\": %llu, \"samples\": ", (unsigned long long)c->occurrences,
                     (unsigned long long)c->distinct);
        jlist(&sb, c->samples, (size_t)c->nsamples);
        cw_sb_addc(&sb, '}');
    }
    cw_sb_adds(&sb, r->ncats ? "\n    ],\n    \"countries\": [" : "],\n    \"countries\": [");
    for (size_t i = 0; i < r->ncountries; i++) {
        const cw_rpt_country *c = &r->countries[i];
        cw_sb_adds(&sb, i ? ", {\"code\": " : "{\"code\": ");
        js(&sb, c->code);
        cw_sb_adds(&sb, ", \"name\": ");
        js(&sb, cw_rpt_country_name(c->code));
        if (c->counted) cw_sb_printf(&sb, ", \"values\": %llu}", (unsigned long long)c->values);
        else cw_sb_adds(&sb, ", \"values\": null}");
    }
    cw_sb_adds(&sb, "]},\n  \"actors\": [");
    for (size_t i = 0; i < r->nactors; i++) {
        const cw_rpt_actor *a = &r->actors[i];
        cw_sb_adds(&sb, i ? ",\n    {\"id\": " : "\n    {\"id\": ");
        js(&sb, a->id);
        cw_sb_adds(&sb, ", \"kind\": ");
        js(&sb, a->kind);
        cw_sb_adds(&sb, ", \"first\": ");
        jt(&sb, a->first);
        cw_sb_adds(&sb, ", \"last\": ");
        jt(&sb, a->last);
        cw_sb_printf(&sb,
                     ", \"objects_read\": %llu, \"full_copies\": %llu, \"partial_reads\": %llu, \"bytes_sent\": %llu, "
                     "\"listed\": %s, \"denied\": %llu, \"requests\": %llu,\n     \"ips\": ",
                     (unsigned long long)a->objects_read, (unsigned long long)a->full_copies,
                     (unsigned long long)a->partial_reads, (unsigned long long)a->bytes_sent,
                     a->listed ? "true" : "false", (unsigned long long)a->denied, (unsigned long long)a->requests);
        jlist(&sb, a->ips, a->nips);
        cw_sb_adds(&sb, ", \"user_agents\": ");
        jlist(&sb, a->user_agents, a->nuas);
        cw_sb_adds(&sb, ", \"objects\": ");
        jlist(&sb, a->objects, a->nobjects);
        cw_sb_adds(&sb, ", \"investigation\": ");
        js(&sb, a->source);
        cw_sb_addc(&sb, '}');
    }
    cw_sb_adds(&sb, r->nactors ? "\n  ],\n  \"investigations\": [" : "],\n  \"investigations\": [");
    for (size_t i = 0; i < r->ninvs; i++) {
        const cw_rpt_investigation *v = &r->invs[i];
        cw_sb_adds(&sb, i ? ",\n    {\"file\": " : "\n    {\"file\": ");
        js(&sb, v->file);
        cw_sb_adds(&sb, ", \"verdict\": ");
        js(&sb, v->verdict);
        cw_sb_printf(&sb, ", \"coverage\": %.1f, \"hours\": %llu, \"hours_covered\": %llu, \"gaps\": [", v->coverage,
                     (unsigned long long)v->hours, (unsigned long long)v->hours_covered);
        for (size_t k = 0; k < v->ngaps; k++) {
            const cw_rpt_gap *g = &v->gaps[k];
            cw_sb_adds(&sb, k ? ", {\"source\": " : "{\"source\": ");
            js(&sb, g->source);
            cw_sb_adds(&sb, ", \"from\": ");
            jt(&sb, g->from);
            cw_sb_adds(&sb, ", \"to\": ");
            jt(&sb, g->to);
            cw_sb_adds(&sb, ", \"kind\": ");
            js(&sb, g->kind);
            cw_sb_addc(&sb, '}');
        }
        cw_sb_adds(&sb, "]}");
    }
    cw_sb_adds(&sb, r->ninvs ? "\n  ],\n  \"findings\": [" : "],\n  \"findings\": [");
    for (size_t i = 0; i < r->nfindings; i++) {
        const cw_rpt_finding *f = &r->findings[i];
        cw_sb_adds(&sb, i ? ",\n    {\"rule\": " : "\n    {\"rule\": ");
        js(&sb, f->rule);
        cw_sb_adds(&sb, ", \"title\": ");
        js(&sb, f->title);
        cw_sb_adds(&sb, ", \"severity\": ");
        js(&sb, f->severity);
        cw_sb_adds(&sb, ", \"category\": ");
        js(&sb, f->category);
        cw_sb_adds(&sb, ", \"resource\": ");
        js(&sb, f->resource);
        cw_sb_addc(&sb, '}');
    }
    cw_sb_adds(&sb, r->nfindings ? "\n  ],\n  \"timeline\": [" : "],\n  \"timeline\": [");
    for (size_t i = 0; i < r->nevents; i++) {
        const cw_rpt_event *e = &r->events[i];
        cw_sb_adds(&sb, i ? ",\n    {\"time\": " : "\n    {\"time\": ");
        jt(&sb, e->time);
        if (e->end != e->time) {
            cw_sb_adds(&sb, ", \"end\": ");
            jt(&sb, e->end);
        }
        cw_sb_printf(&sb, ", \"kind\": \"%s\", \"text\": ", cw_rpt_evkind_name(e->kind));
        js(&sb, e->text);
        cw_sb_addc(&sb, '}');
    }
    cw_sb_adds(&sb, r->nevents ? "\n  ],\n  \"obligations\": [" : "],\n  \"obligations\": [");
    for (size_t i = 0; i < r->nobls; i++) {
        const cw_rpt_obligation *o = &r->obls[i];
        cw_sb_adds(&sb, i ? ",\n    {\"jurisdiction\": " : "\n    {\"jurisdiction\": ");
        js(&sb, o->code);
        cw_sb_adds(&sb, ", \"name\": ");
        js(&sb, o->name);
        cw_sb_adds(&sb, ", \"applies_because\": ");
        js(&sb, o->applies_because);
        cw_sb_adds(&sb, ", \"law\": ");
        js(&sb, o->law);
        cw_sb_adds(&sb, ", \"authority\": ");
        js(&sb, o->authority);
        cw_sb_adds(&sb, ", \"checked\": ");
        js(&sb, o->checked);
        cw_sb_adds(&sb, ", \"guidance_not_legal_advice\": true, \"steps\": [");
        for (size_t k = 0; k < o->nsteps; k++) {
            const cw_rpt_step *s = &o->steps[k];
            cw_sb_adds(&sb, k ? ",\n       {\"action\": " : "\n       {\"action\": ");
            js(&sb, s->action);
            cw_sb_adds(&sb, ", \"trigger\": ");
            js(&sb, s->trigger);
            cw_sb_adds(&sb, ", \"deadline\": ");
            js(&sb, s->deadline_text);
            cw_sb_adds(&sb, ", \"due\": ");
            jt(&sb, s->due);
            cw_sb_adds(&sb, ", \"due_note\": ");
            js(&sb, s->due_note);
            cw_sb_printf(&sb, ", \"binding\": %s, \"in_force_at_discovery\": %s, \"citation\": ",
                         s->binding ? "true" : "false", s->not_in_force ? "false" : "true");
            js(&sb, s->citation);
            cw_sb_addc(&sb, '}');
        }
        cw_sb_adds(&sb, "]}");
    }
    cw_sb_adds(&sb, r->nobls ? "\n  ]\n}\n" : "]\n}\n");
    int rc = fwrite(sb.buf, 1, sb.len, out) == sb.len ? 0 : -1;
    cw_sb_free(&sb);
    if (fflush(out) != 0) rc = -1;
    return rc;
}
