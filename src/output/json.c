/* json.c - `--format json`: the documented findings contract
 * (../shared/design/findings-schema.md), plus added fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "../util/hmap.h"

/* A finding is written compact on its line (cw_out_items), straight into the
 * buffer: the rule part is the same for every finding of a rule, so it is
 * rendered once per rule; keys are literals that need no escaping. */
typedef struct rule_frag {
    const cw_rule_meta *rule;
    char *text; /* "rule":{...} */
    size_t len;
} rule_frag;

typedef struct frags {
    rule_frag *v;
    size_t mask;
} frags;


static void jstr(cw_strbuf *sb, const char *s)
{
    if (s) cw_sb_add_json_cstr(sb, s);
    else cw_sb_add(sb, "null", 4);
}

#define LIT(sb, s) cw_sb_add((sb), s, sizeof s - 1)

static void render_rule(cw_strbuf *sb, const cw_rule_meta *r)
{
    LIT(sb, "\"rule\":{\"id\":");
    jstr(sb, r ? r->id : NULL);
    LIT(sb, ",\"title\":");
    jstr(sb, r ? r->title : NULL);
    LIT(sb, ",\"severity\":");
    jstr(sb, cw_severity_name(r ? r->severity : CW_SEV_INFO));
    LIT(sb, ",\"category\":");
    jstr(sb, r && r->category ? r->category : "other");
    cw_sb_addc(sb, '}');
}

static void frags_init(frags *t, const cw_findings *fs)
{
    size_t runs = 1; /* findings are sorted by rule: runs of one rule bound the rules seen */
    for (size_t i = 1; i < fs->n; i++) runs += fs->v[i].rule != fs->v[i - 1].rule;
    size_t cap = 16;
    while (cap < 2 * runs && cap < (1u << 16)) cap *= 2;
    t->v = cw_xcalloc(cap, sizeof *t->v);
    t->mask = cap - 1;
    size_t used = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const cw_rule_meta *r = fs->v[i].rule;
        if (i && r == fs->v[i - 1].rule) continue;
        size_t h = cw_ptr_slot(r, t->mask);
        while (t->v[h].text && t->v[h].rule != r) h = (h + 1) & t->mask;
        if (t->v[h].text) continue;
        if (2 * (used + 1) > cap) break; /* a full table: the rest are rendered per finding */
        cw_strbuf sb = CW_STRBUF_INIT;
        render_rule(&sb, r);
        t->v[h].rule = r;
        t->v[h].len = sb.len;
        t->v[h].text = cw_sb_detach(&sb);
        used++;
    }
}

static void frags_free(frags *t)
{
    for (size_t i = 0; i <= t->mask; i++) free(t->v[i].text);
    free(t->v);
}

static void write_rule(cw_strbuf *sb, const cw_rule_meta *r, const frags *t)
{
    for (size_t h = cw_ptr_slot(r, t->mask); t->v[h].text; h = (h + 1) & t->mask)
        if (t->v[h].rule == r) {
            cw_sb_add(sb, t->v[h].text, t->v[h].len);
            return;
        }
    render_rule(sb, r);
}

static void write_uint(cw_strbuf *sb, uint64_t v)
{
    char b[24];
    size_t n = sizeof b;
    do b[--n] = (char)('0' + v % 10); while ((v /= 10) != 0);
    cw_sb_add(sb, b + n, sizeof b - n);
}

static void write_finding(cw_jw *w, const cw_finding *f, const frags *t)
{
    cw_jw_raw(w);
    cw_strbuf *sb = w->sb;
    const cw_asset *a = f->asset;
    cw_sb_addc(sb, '{');
    write_rule(sb, f->rule, t);
    LIT(sb, ",\"resource\":{\"id\":");
    jstr(sb, a ? a->id : NULL);
    LIT(sb, ",\"type\":");
    jstr(sb, a ? a->type : NULL);
    LIT(sb, ",\"provider\":");
    jstr(sb, a ? a->provider : NULL);
    LIT(sb, ",\"account\":");
    jstr(sb, a ? a->account : NULL);
    LIT(sb, ",\"region\":");
    jstr(sb, a ? a->region : NULL);
    if (a && a->name) LIT(sb, ",\"name\":"), jstr(sb, a->name);
    if (a && a->resource_id) LIT(sb, ",\"resource_id\":"), jstr(sb, a->resource_id);
    LIT(sb, "},\"evidence\":");
    jstr(sb, f->evidence ? f->evidence : "");
    LIT(sb, ",\"source\":{\"file\":");
    jstr(sb, a ? a->source_file : NULL);
    LIT(sb, ",\"record\":");
    if (a && a->source_record) write_uint(sb, a->source_record);
    else LIT(sb, "null");
    if (a && a->source_line) LIT(sb, ",\"line\":"), write_uint(sb, a->source_line);
    cw_sb_addc(sb, '}');
    if (f->suppressed_by) LIT(sb, ",\"suppressed\":"), jstr(sb, f->suppressed_by);
    cw_sb_addc(sb, '}');
}

static void write_item(cw_jw *w, const cw_finding *f, const void *ctx)
{
    write_finding(w, f, ctx);
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
    frags t;
    frags_init(&t, fs);
    cw_out_items(&e, &w, fs, o, write_item, &t);
    frags_free(&t);
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
