/* fxout.c - the investigation as JSON (docs/investigate.md) and as a table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/strbuf.h"
#include "forensics.h"

#define CW_FX_SCHEMA "cloudwarden.investigation/v1"

static void jtime(cw_strbuf *sb, int64_t t)
{
    if (t == INT64_MIN || t == INT64_MAX) {
        cw_sb_adds(sb, "null");
        return;
    }
    char b[32];
    cw_sb_printf(sb, "\"%s\"", cw_fx_format_time(t, b, sizeof b));
}

static void jlist(cw_strbuf *sb, const char *const *v, size_t n)
{
    cw_sb_addc(sb, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) cw_sb_addc(sb, ',');
        cw_sb_add_json_cstr(sb, v[i]);
    }
    cw_sb_addc(sb, ']');
}

static const char *verdict_word(cw_fx_verdict v)
{
    return v == CW_FX_VERDICT_YES ? "yes" : v == CW_FX_VERDICT_NONE_FOUND ? "none-found" : "unknown";
}

static int flush(FILE *out, cw_strbuf *sb)
{
    int rc = fwrite(sb->buf, 1, sb->len, out) == sb->len ? 0 : -1;
    cw_sb_free(sb);
    if (fflush(out) != 0) rc = -1;
    return rc;
}

int cw_fx_write_json(FILE *out, const cw_fx_result *r)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    cw_sb_adds(&sb, "{\n  \"schema\": \"" CW_FX_SCHEMA "\",\n  \"tool\": {\"name\": \"cloudwarden\", \"version\": \"0.1.0\"},\n");
    cw_sb_adds(&sb, "  \"resources\": ");
    jlist(&sb, r->resources, r->nresources);
    cw_sb_adds(&sb, ",\n  \"windows\": [");
    for (size_t i = 0; i < r->nwindows; i++) {
        cw_sb_adds(&sb, i ? ", {\"from\": " : "{\"from\": ");
        jtime(&sb, r->windows[i].from);
        cw_sb_adds(&sb, ", \"to\": ");
        jtime(&sb, r->windows[i].to);
        cw_sb_addc(&sb, '}');
    }
    cw_sb_adds(&sb, "],\n  \"verdict\": ");
    cw_sb_add_json_cstr(&sb, r->verdict_text);
    cw_sb_printf(&sb, ",\n  \"external_access\": \"%s\",\n", verdict_word(r->verdict));
    cw_sb_printf(&sb,
                 "  \"coverage\": {\"percent\": %.1f, \"hours\": %llu, \"hours_covered\": %llu, \"sources\": [",
                 r->coverage, (unsigned long long)r->hours, (unsigned long long)r->hours_covered);
    bool first = true;
    for (int s = 0; s < CW_FX_SRC__COUNT; s++) {
        const cw_fx_source_out *o = &r->sources[s];
        if (!o->files) continue;
        cw_sb_adds(&sb, first ? "\n    " : ",\n    ");
        first = false;
        cw_sb_printf(&sb,
                     "{\"source\": \"%s\", \"files\": %llu, \"files_unreadable\": %llu, \"records\": %llu, "
                     "\"records_of_resource\": %llu, \"records_in_window\": %llu, \"records_unreadable\": %llu, "
                     "\"bytes_unreadable\": %llu, \"out_of_order\": %llu, \"hours_covered\": %llu, \"first\": ",
                     cw_fx_source_name(o->source), (unsigned long long)o->files,
                     (unsigned long long)o->files_unreadable, (unsigned long long)o->records,
                     (unsigned long long)o->records_resource, (unsigned long long)o->records_in_window,
                     (unsigned long long)o->records_bad, (unsigned long long)o->bytes_unreadable,
                     (unsigned long long)o->out_of_order, (unsigned long long)o->hours_covered);
        jtime(&sb, o->first);
        cw_sb_adds(&sb, ", \"last\": ");
        jtime(&sb, o->last);
        if (o->source == CW_FX_SRC_CLOUDTRAIL) cw_sb_printf(&sb, ", \"data_events\": %s", o->data_events ? "true" : "false");
        cw_sb_addc(&sb, '}');
    }
    cw_sb_adds(&sb, first ? "]},\n" : "\n  ]},\n");
    cw_sb_adds(&sb, "  \"actors\": [");
    for (size_t i = 0; i < r->nactors; i++) {
        const cw_fx_actor_out *a = &r->actors[i];
        cw_sb_adds(&sb, i ? ",\n    {\"id\": " : "\n    {\"id\": ");
        cw_sb_add_json_cstr(&sb, a->id);
        cw_sb_printf(&sb, ", \"kind\": \"%s\", \"first\": ", cw_fx_kind_name(a->kind));
        jtime(&sb, a->first);
        cw_sb_adds(&sb, ", \"last\": ");
        jtime(&sb, a->last);
        cw_sb_adds(&sb, ",\n     \"ips\": ");
        jlist(&sb, a->ips, a->nips);
        cw_sb_adds(&sb, ", \"user_agents\": ");
        jlist(&sb, a->user_agents, a->nuas);
        cw_sb_adds(&sb, ",\n     \"operations\": ");
        jlist(&sb, a->operations, a->nops);
        cw_sb_adds(&sb, ",\n     \"objects_read\": ");
        jlist(&sb, a->objects_read, a->nread);
        cw_sb_adds(&sb, ",\n     \"full_copies\": ");
        jlist(&sb, a->full_copies, a->nfull);
        cw_sb_adds(&sb, ",\n     \"partial_reads\": ");
        jlist(&sb, a->partial_reads, a->npartial);
        cw_sb_printf(&sb, ",\n     \"bytes_sent\": %llu, \"listed\": %s, \"denied\": %llu, \"requests\": %llu",
                     (unsigned long long)a->bytes_sent, a->listed ? "true" : "false", (unsigned long long)a->denied,
                     (unsigned long long)a->requests);
        if (a->ips_capped || a->uas_capped)
            cw_sb_printf(&sb, ", \"truncated\": {\"ips\": %s, \"user_agents\": %s}", a->ips_capped ? "true" : "false",
                         a->uas_capped ? "true" : "false");
        cw_sb_addc(&sb, '}');
    }
    cw_sb_adds(&sb, r->nactors ? "\n  ],\n" : "],\n");
    cw_sb_adds(&sb, "  \"gaps\": [");
    for (size_t i = 0; i < r->ngaps; i++) {
        const cw_fx_gap *g = &r->gaps[i];
        cw_sb_printf(&sb, "%s{\"source\": \"%s\", \"from\": ", i ? ",\n    " : "\n    ", cw_fx_source_name(g->source));
        jtime(&sb, g->from);
        cw_sb_adds(&sb, ", \"to\": ");
        jtime(&sb, g->to);
        cw_sb_printf(&sb, ", \"kind\": \"%s\", \"hours\": %lld}", cw_fx_gapkind_name(g->kind),
                     (long long)((g->to - g->from) / 3600));
    }
    cw_sb_adds(&sb, r->ngaps ? "\n  ],\n" : "],\n");
    cw_sb_printf(&sb,
                 "  \"summary\": {\"actors\": %zu, \"objects_read\": %llu, \"full_copies\": %llu, \"bytes_sent\": %llu, "
                 "\"denied\": %llu, \"internal_requests\": %llu, \"service_requests\": %llu, \"duplicates\": %llu, "
                 "\"other_resource_records\": %llu, \"outside_window_records\": %llu, \"files_unrecognised\": %llu},\n",
                 r->nactors, (unsigned long long)r->objects_read, (unsigned long long)r->full_copies,
                 (unsigned long long)r->bytes_sent, (unsigned long long)r->denied,
                 (unsigned long long)r->internal_requests, (unsigned long long)r->service_requests,
                 (unsigned long long)r->duplicates, (unsigned long long)r->other_resource,
                 (unsigned long long)r->outside_window, (unsigned long long)r->files_unrecognised);
    cw_sb_adds(&sb, "  \"problems\": [");
    for (size_t i = 0; r->problems && i < r->problems->n; i++) {
        const cw_diag *d = &r->problems->v[i];
        cw_sb_adds(&sb, i ? ",\n    {\"file\": " : "\n    {\"file\": ");
        if (d->file) cw_sb_add_json_cstr(&sb, d->file);
        else cw_sb_adds(&sb, "null");
        cw_sb_printf(&sb, ", \"line\": %u, \"level\": \"%s\", \"message\": ", d->line,
                     d->level == CW_DIAG_ERROR ? "error" : d->level == CW_DIAG_WARNING ? "warning" : "note");
        cw_sb_add_json_cstr(&sb, d->msg);
        cw_sb_addc(&sb, '}');
    }
    cw_sb_adds(&sb, r->problems && r->problems->n ? "\n  ]\n}\n" : "]\n}\n");
    return flush(out, &sb);
}

/* ---- table ------------------------------------------------------------------ */
static void human_bytes(char *b, size_t n, uint64_t v)
{
    static const char *const u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double d = (double)v;
    int i = 0;
    while (d >= 1024 && i < 4) d /= 1024, i++;
    if (i == 0) snprintf(b, n, "%llu B", (unsigned long long)v);
    else snprintf(b, n, "%.1f %s", d, u[i]);
}

static void list_line(cw_strbuf *sb, const char *label, const char *const *v, size_t n, size_t max)
{
    if (!n) return;
    cw_sb_printf(sb, "    %-13s", label);
    for (size_t i = 0; i < n && i < max; i++) cw_sb_printf(sb, "%s%s", i ? ", " : "", v[i]);
    if (n > max) cw_sb_printf(sb, " ... (%zu in all)", n);
    cw_sb_addc(sb, '\n');
}

int cw_fx_write_table(FILE *out, const cw_fx_result *r)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    char a[32], b[32], hb[32];
    cw_sb_printf(&sb, "%s\n\n", r->verdict_text);
    cw_sb_adds(&sb, "resources:  ");
    for (size_t i = 0; i < r->nresources; i++) cw_sb_printf(&sb, "%s%s", i ? ", " : "", r->resources[i]);
    cw_sb_adds(&sb, "\nwindow:     ");
    for (size_t i = 0; i < r->nwindows; i++) {
        const cw_fx_window *w = &r->windows[i];
        cw_sb_printf(&sb, "%s%s .. %s", i ? ", " : "", w->from == INT64_MIN ? "(first record)" : cw_fx_format_time(w->from, a, sizeof a),
                     w->to == INT64_MAX ? "(last record)" : cw_fx_format_time(w->to, b, sizeof b));
    }
    cw_sb_printf(&sb, "\ncoverage:   %.1f%% (%llu of %llu hours have a record of at least one source)\n\n", r->coverage,
                 (unsigned long long)r->hours_covered, (unsigned long long)r->hours);
    cw_sb_printf(&sb, "%-20s %6s %8s %12s %12s %8s %7s\n", "source", "files", "bad", "records", "in window", "hours", "ooo");
    for (int s = 0; s < CW_FX_SRC__COUNT; s++) {
        const cw_fx_source_out *o = &r->sources[s];
        if (!o->files) continue;
        cw_sb_printf(&sb, "%-20s %6llu %8llu %12llu %12llu %8llu %7llu%s\n", cw_fx_source_name(o->source),
                     (unsigned long long)o->files, (unsigned long long)(o->files_unreadable + o->records_bad),
                     (unsigned long long)o->records, (unsigned long long)o->records_in_window,
                     (unsigned long long)o->hours_covered, (unsigned long long)o->out_of_order,
                     o->source == CW_FX_SRC_CLOUDTRAIL && !o->data_events ? "  (no data events of the resource)" : "");
    }
    cw_sb_printf(&sb, "\nexternal actors: %zu", r->nactors);
    human_bytes(hb, sizeof hb, r->bytes_sent);
    cw_sb_printf(&sb, "   objects read: %llu   full copies: %llu   bytes sent: %s   denied: %llu\n",
                 (unsigned long long)r->objects_read, (unsigned long long)r->full_copies, hb,
                 (unsigned long long)r->denied);
    cw_sb_printf(&sb, "(not external: %llu internal requests, %llu by AWS services; %llu duplicates across sources)\n",
                 (unsigned long long)r->internal_requests, (unsigned long long)r->service_requests,
                 (unsigned long long)r->duplicates);
    for (size_t i = 0; i < r->nactors; i++) {
        const cw_fx_actor_out *x = &r->actors[i];
        human_bytes(hb, sizeof hb, x->bytes_sent);
        cw_sb_printf(&sb, "\n  %s  %s\n    %-13s%s .. %s\n    %-13s%llu (%llu denied), %s sent%s\n", x->id,
                     cw_fx_kind_name(x->kind), "when", cw_fx_format_time(x->first, a, sizeof a),
                     cw_fx_format_time(x->last, b, sizeof b), "requests", (unsigned long long)x->requests,
                     (unsigned long long)x->denied, hb, x->listed ? ", listed the bucket" : "");
        list_line(&sb, "ips", x->ips, x->nips, 8);
        list_line(&sb, "user agents", x->user_agents, x->nuas, 3);
        list_line(&sb, "operations", x->operations, x->nops, 12);
        list_line(&sb, "full copies", x->full_copies, x->nfull, 10);
        list_line(&sb, "partial", x->partial_reads, x->npartial, 10);
    }
    if (r->ngaps) {
        cw_sb_adds(&sb, "\ngaps (hours without any record of a source):\n");
        for (size_t i = 0; i < r->ngaps; i++) {
            const cw_fx_gap *g = &r->gaps[i];
            cw_sb_printf(&sb, "  %-20s %s .. %s  %5lld h  %s\n", cw_fx_source_name(g->source),
                         cw_fx_format_time(g->from, a, sizeof a), cw_fx_format_time(g->to, b, sizeof b),
                         (long long)((g->to - g->from) / 3600), cw_fx_gapkind_name(g->kind));
        }
    }
    if (r->problems && r->problems->errors)
        cw_sb_printf(&sb, "\n%zu input problems (listed on standard error); unreadable records are not covered.\n",
                     r->problems->errors);
    return flush(out, &sb);
}
