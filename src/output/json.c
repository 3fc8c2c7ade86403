/* json.c - `--format json`: the documented findings contract
 * (../shared/design/findings-schema.md), plus added fields. */
#include <string.h>

#include "emit.h"

static void write_rule(cw_jw *w, const cw_rule_meta *r)
{
    cw_jw_key(w, "rule");
    cw_jw_obj(w);
    cw_jw_kstr(w, "id", r ? r->id : NULL);
    cw_jw_kstr(w, "title", r ? r->title : NULL);
    cw_jw_kstr(w, "severity", cw_severity_name(r ? r->severity : CW_SEV_INFO));
    cw_jw_kstr(w, "category", r && r->category ? r->category : "other");
    cw_jw_end(w);
}

static void write_resource(cw_jw *w, const cw_asset *a)
{
    cw_jw_key(w, "resource");
    cw_jw_obj(w);
    cw_jw_kstr(w, "id", a ? a->id : NULL);
    cw_jw_kstr(w, "type", a ? a->type : NULL);
    cw_jw_kstr(w, "provider", a ? a->provider : NULL);
    cw_jw_kstr(w, "account", a ? a->account : NULL);
    cw_jw_kstr(w, "region", a ? a->region : NULL);
    if (a) {
        cw_jw_kstr_opt(w, "name", a->name);
        cw_jw_kstr_opt(w, "resource_id", a->resource_id);
    }
    cw_jw_end(w);
}

static void write_source(cw_jw *w, const cw_asset *a)
{
    cw_jw_key(w, "source");
    cw_jw_obj(w);
    cw_jw_kstr(w, "file", a ? a->source_file : NULL);
    if (a && a->source_record) cw_jw_kuint(w, "record", a->source_record);
    else cw_jw_key(w, "record"), cw_jw_null(w);
    if (a && a->source_line) cw_jw_kuint(w, "line", a->source_line);
    cw_jw_end(w);
}

static void write_finding(cw_jw *w, const cw_finding *f)
{
    const cw_rule_meta *r = f->rule;
    cw_jw_obj(w);
    write_rule(w, r);
    write_resource(w, f->asset);
    cw_jw_kstr(w, "evidence", f->evidence ? f->evidence : "");
    write_source(w, f->asset);
    if (f->suppressed_by) cw_jw_kstr(w, "suppressed", f->suppressed_by);
    cw_jw_end(w);
}

static void write_item(cw_jw *w, const cw_finding *f, const void *ctx)
{
    (void)ctx;
    write_finding(w, f);
}

int cw_out_json(FILE *out, const cw_scan_info *info, const cw_findings *fs, const cw_output_opts *o)
{
    cw_emit e;
    cw_emit_init(&e, out);
    cw_jw w;
    cw_jw_init(&w, &e.sb, 2);

    cw_jw_obj(&w);
    cw_jw_key(&w, "tool");
    cw_jw_obj(&w);
    cw_jw_kstr(&w, "name", CW_TOOL_NAME);
    cw_jw_kstr(&w, "version", info && info->tool_version ? info->tool_version : "");
    cw_jw_end(&w);

    cw_jw_key(&w, "scan");
    cw_jw_obj(&w);
    cw_jw_kstr(&w, "started", info ? info->started : NULL);
    cw_jw_key(&w, "inputs");
    cw_jw_arr(&w);
    for (size_t i = 0; info && i < info->ninputs; i++) cw_jw_str(&w, info->inputs[i]);
    cw_jw_end(&w);
    cw_jw_kuint(&w, "assets", info ? info->assets : 0);
    cw_jw_kuint(&w, "rules", info ? info->nrules : 0);
    cw_jw_end(&w);

    /* rule details once, keyed by id (findings carry id, title, severity, category) */
    cw_jw_key(&w, "rules");
    cw_jw_obj(&w);
    for (size_t i = 0; info && i < info->nrules; i++) {
        const cw_rule_meta *r = info->rules[i];
        if (!r || !r->id) continue;
        cw_jw_key(&w, r->id);
        cw_jw_obj(&w);
        cw_jw_kstr(&w, "title", r->title);
        cw_jw_kstr(&w, "severity", cw_severity_name(r->severity));
        cw_jw_kstr(&w, "category", r->category);
        cw_jw_kstr_opt(&w, "description", r->description);
        cw_jw_kstr_opt(&w, "remediation", r->remediation);
        cw_jw_kstrs(&w, "compliance", r->compliance, r->ncompliance);
        cw_jw_kstrs(&w, "references", r->references, r->nreferences);
        cw_jw_end(&w);
    }
    cw_jw_end(&w);

    size_t count[CW_SEV_CRITICAL + 1] = {0}, suppressed = 0, total = 0;
    cw_jw_key(&w, "findings");
    cw_jw_arr(&w);
    for (size_t i = 0; i < fs->n; i++) {
        const cw_finding *f = &fs->v[i];
        if (!cw_out_visible(f, o) || f->suppressed_by) suppressed++;
        else count[f->rule ? f->rule->severity : CW_SEV_INFO]++, total++;
    }
    cw_out_items(&e, &w, fs, o, write_item, NULL);
    cw_jw_end(&w);

    /* counts of unsuppressed findings; suppressed ones counted apart */
    cw_jw_key(&w, "summary");
    cw_jw_obj(&w);
    cw_jw_kuint(&w, "total", total);
    for (int s = CW_SEV_CRITICAL; s >= CW_SEV_INFO; s--)
        cw_jw_kuint(&w, cw_severity_name((cw_severity)s), count[s]);
    cw_jw_kuint(&w, "suppressed", suppressed);
    cw_jw_end(&w);

    cw_jw_end(&w);
    cw_sb_addc(&e.sb, '\n');
    return cw_emit_finish(&e);
}
