/* ocsf.c - `--format ocsf`: a JSON array of OCSF Detection Finding events
 * (class_uid 2004, schema 1.3.0), one per finding. Field names checked
 * against the ocsf-schema definitions; see docs/output-formats.md. */
#include <string.h>
#include <strings.h>

#include "emit.h"

#define OCSF_VERSION "1.3.0"

static const char *const sev_caption[] = {"Informational", "Low", "Medium", "High", "Critical"};

/* OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical */
static int sev_id(cw_severity s) { return (unsigned)s <= CW_SEV_CRITICAL ? (int)s + 1 : 0; }

/* cloud.provider wants the provider's name as commonly written */
static const char *provider_name(const char *p)
{
    if (!p) return "Unknown";
    if (strcasecmp(p, "aws") == 0) return "AWS";
    if (strcasecmp(p, "gcp") == 0) return "GCP";
    if (strcasecmp(p, "azure") == 0) return "Azure";
    return p;
}

/* account.type_id: 10 AWS Account, 11 GCP Project, 13 Azure Subscription */
static int account_type_id(const char *p, const char **caption)
{
    if (p && strcasecmp(p, "aws") == 0) return *caption = "AWS Account", 10;
    if (p && strcasecmp(p, "gcp") == 0) return *caption = "GCP Project", 11;
    if (p && strcasecmp(p, "azure") == 0) return *caption = "Azure Subscription", 13;
    return *caption = NULL, 0;
}

/* "arn:aws-cn:s3:::b" -> "aws-cn" (into buf); NULL when id is not an ARN */
static const char *arn_partition(const char *id, char *buf, size_t cap)
{
    if (!id || strncmp(id, "arn:", 4) != 0) return NULL;
    const char *p = id + 4, *e = strchr(p, ':');
    if (!e || e == p || (size_t)(e - p) >= cap) return NULL;
    memcpy(buf, p, (size_t)(e - p));
    buf[e - p] = 0;
    return buf;
}

static void write_account(cw_jw *w, const char *key, const cw_asset *a)
{
    const char *cap;
    int tid = account_type_id(a->provider, &cap);
    cw_jw_key(w, key);
    cw_jw_obj(w);
    cw_jw_kstr(w, "uid", a->account);
    if (tid) {
        cw_jw_kint(w, "type_id", tid);
        cw_jw_kstr(w, "type", cap);
    }
    cw_jw_end(w);
}

static void write_event(cw_jw *w, const cw_finding *f, int64_t ms, const char *version)
{
    const cw_rule_meta *r = f->rule;
    const cw_asset *a = f->asset;
    cw_severity sev = r ? r->severity : CW_SEV_INFO;
    char fp[33], part[32];
    cw_out_fingerprint(f, fp);
    bool supp = f->suppressed_by != NULL;
    const char *title = r && r->title ? r->title : cw_out_rule_id(f);

    cw_jw_obj(w);
    cw_jw_kint(w, "class_uid", 2004);
    cw_jw_kstr(w, "class_name", "Detection Finding");
    cw_jw_kint(w, "category_uid", 2);
    cw_jw_kstr(w, "category_name", "Findings");
    cw_jw_kint(w, "activity_id", 1);
    cw_jw_kstr(w, "activity_name", "Create");
    cw_jw_kint(w, "type_uid", 200401);
    cw_jw_kstr(w, "type_name", "Detection Finding: Create");
    cw_jw_kint(w, "time", ms);
    cw_jw_kint(w, "severity_id", sev_id(sev));
    cw_jw_kstr(w, "severity", sev_caption[sev_id(sev) - 1]);
    /* status_id: 1 New; 3 Suppressed (shown only with show_suppressed) */
    cw_jw_kint(w, "status_id", supp ? 3 : 1);
    cw_jw_kstr(w, "status", supp ? "Suppressed" : "New");
    cw_jw_kstr(w, "message", f->evidence ? f->evidence : title);

    cw_jw_key(w, "finding_info");
    cw_jw_obj(w);
    cw_jw_kstr(w, "uid", fp);
    cw_jw_kstr(w, "title", title);
    cw_jw_kstr_opt(w, "desc", r && r->description ? r->description : NULL);
    cw_jw_key(w, "types");
    cw_jw_arr(w);
    cw_jw_str(w, r && r->category ? r->category : "other");
    cw_jw_end(w);
    cw_jw_kint(w, "created_time", ms);
    cw_jw_key(w, "analytic");
    cw_jw_obj(w);
    cw_jw_kstr(w, "uid", cw_out_rule_id(f));
    cw_jw_kstr(w, "name", cw_out_rule_id(f));
    cw_jw_kint(w, "type_id", 1);
    cw_jw_kstr(w, "type", "Rule");
    cw_jw_end(w);
    cw_jw_end(w);

    cw_jw_key(w, "resources");
    cw_jw_arr(w);
    if (a) {
        cw_jw_obj(w);
        cw_jw_kstr(w, "uid", a->id);
        cw_jw_kstr_opt(w, "name", a->name);
        cw_jw_kstr(w, "type", a->type);
        cw_jw_kstr_opt(w, "region", a->region);
        const char *pt = arn_partition(a->id, part, sizeof part);
        cw_jw_kstr_opt(w, "cloud_partition", pt);
        if (a->account) {
            cw_jw_key(w, "owner");
            cw_jw_obj(w);
            write_account(w, "account", a);
            cw_jw_end(w);
        }
        cw_jw_end(w);
    }
    cw_jw_end(w);

    cw_jw_key(w, "cloud");
    cw_jw_obj(w);
    cw_jw_kstr(w, "provider", provider_name(a ? a->provider : NULL));
    if (a && a->account) write_account(w, "account", a);
    cw_jw_kstr_opt(w, "region", a ? a->region : NULL);
    cw_jw_end(w);

    cw_jw_key(w, "metadata");
    cw_jw_obj(w);
    cw_jw_key(w, "product");
    cw_jw_obj(w);
    cw_jw_kstr(w, "name", CW_TOOL_NAME);
    cw_jw_kstr(w, "vendor_name", CW_TOOL_NAME);
    cw_jw_kstr(w, "version", version);
    cw_jw_end(w);
    cw_jw_kstr(w, "version", OCSF_VERSION);
    cw_jw_key(w, "profiles");
    cw_jw_arr(w);
    cw_jw_str(w, "cloud");
    cw_jw_end(w);
    cw_jw_end(w);

    if (r && r->remediation) {
        cw_jw_key(w, "remediation");
        cw_jw_obj(w);
        cw_jw_kstr(w, "desc", r->remediation);
        /* kb_articles are KB objects, not URLs: references go to unmapped */
        cw_jw_end(w);
    }

    /* what OCSF has no place for: provenance, compliance, the exception */
    cw_jw_key(w, "unmapped");
    cw_jw_obj(w);
    cw_jw_kstr(w, "rule_id", cw_out_rule_id(f));
    cw_jw_kstr(w, "severity", cw_severity_name(sev));
    cw_jw_kstr(w, "category", r && r->category ? r->category : "other");
    cw_jw_kstr(w, "evidence", f->evidence ? f->evidence : "");
    if (a && a->source_file) {
        cw_jw_key(w, "source");
        cw_jw_obj(w);
        cw_jw_kstr(w, "file", a->source_file);
        if (a->source_record) cw_jw_kuint(w, "record", a->source_record);
        if (a->source_line) cw_jw_kuint(w, "line", a->source_line);
        cw_jw_end(w);
    }
    if (supp) cw_jw_kstr(w, "suppressed", f->suppressed_by);
    if (r) {
        cw_jw_kstrs(w, "compliance", r->compliance, r->ncompliance);
        cw_jw_kstrs(w, "references", r->references, r->nreferences);
    }
    cw_jw_end(w);

    cw_jw_end(w);
}

typedef struct event_ctx {
    int64_t ms;
    const char *version;
} event_ctx;

static void write_item(cw_jw *w, const cw_finding *f, const void *ctx)
{
    const event_ctx *c = ctx;
    write_event(w, f, c->ms, c->version);
}

int cw_out_ocsf(FILE *out, const cw_scan_info *info, const cw_findings *fs, const cw_output_opts *o)
{
    cw_emit e;
    cw_emit_init(&e, out);
    cw_jw w;
    cw_jw_init(&w, &e.sb, 2);
    int64_t ms = cw_out_started_ms(info);
    const char *version = info && info->tool_version ? info->tool_version : "";

    cw_jw_arr(&w);
    event_ctx c = {ms, version};
    cw_out_items(&e, &w, fs, o, write_item, &c);
    cw_jw_end(&w);
    cw_sb_addc(&e.sb, '\n');
    return cw_emit_finish(&e);
}
