/* sarif.c - `--format sarif`: a SARIF 2.1.0 log with one run. Every enabled
 * rule is a reportingDescriptor; each finding is a result pointing at the
 * input file and line it came from (physical location) and at the resource
 * (logical location, kind "resource"). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/arena.h"
#include "../util/hmap.h"
#include "emit.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

/* error for high/critical, warning for medium, note for low/info */
static const char *level(cw_severity s)
{
    if (s >= CW_SEV_HIGH) return "error";
    if (s == CW_SEV_MEDIUM) return "warning";
    return "note";
}

/* GitHub code scanning reads properties.security-severity (0.1-10.0 as a
 * string): >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low;
 * 0.0 means "no security severity", which suits info findings. */
static const char *security_severity(cw_severity s)
{
    switch (s) {
    case CW_SEV_CRITICAL: return "9.5";
    case CW_SEV_HIGH: return "8.0";
    case CW_SEV_MEDIUM: return "5.5";
    case CW_SEV_LOW: return "3.0";
    default: return "0.0";
    }
}

/* The input path as a URI reference: absolute paths become file:// URIs,
 * relative ones stay relative; bytes outside RFC 3986 unreserved and '/'
 * are percent-encoded (':' too, so a relative path never reads as a scheme). */
static char *path_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    cw_strbuf sb = CW_STRBUF_INIT;
    if (path[0] == '/') cw_sb_adds(&sb, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        unsigned c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '.' || c == '_' || c == '~' || c == '/') {
            cw_sb_addc(&sb, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            cw_sb_add(&sb, e, 3);
        }
    }
    return cw_sb_detach(&sb);
}

/* A reference as an RFC 3986 URI (SARIF1002): bytes that may not appear in a
 * URI (space, <, >, ", {, }, |, \\, ^, `, controls, non-ASCII) are
 * percent-encoded, everything else is kept as written. */
static char *uri_ref(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    cw_strbuf sb = CW_STRBUF_INIT;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned c = *p;
        if (c <= 0x20 || c >= 0x7f || strchr("<>\"{}|\\^`", (int)c)) {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            cw_sb_add(&sb, e, 3);
        } else {
            cw_sb_addc(&sb, (char)c);
        }
    }
    return cw_sb_detach(&sb);
}

/* the first http(s) reference: the only links a tool should hand on */
static const char *help_uri(const cw_rule_meta *r)
{
    for (size_t i = 0; i < r->nreferences; i++) {
        const char *u = r->references[i];
        if (u && (strncasecmp(u, "https://", 8) == 0 || strncasecmp(u, "http://", 7) == 0)) return u;
    }
    return NULL;
}

typedef struct rule_table {
    const cw_rule_meta **v;
    size_t n, cap;
    cw_hmap idx; /* id -> (index + 1) */
} rule_table;

static void rules_add(rule_table *t, const cw_rule_meta *r)
{
    if (!r || !r->id) return;
    size_t len = strlen(r->id);
    if (cw_hmap_get(&t->idx, r->id, len)) return;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->v = cw_xrealloc(t->v, t->cap * sizeof *t->v);
    }
    t->v[t->n++] = r;
    cw_hmap_put(&t->idx, r->id, len, (void *)(uintptr_t)t->n);
}

static long rules_index(const rule_table *t, const char *id)
{
    if (!id) return -1;
    uintptr_t v = (uintptr_t)cw_hmap_get(&t->idx, id, strlen(id));
    return v ? (long)v - 1 : -1;
}

/* SARIF 3.49.7: a rule's name is for people and must differ from its opaque
 * id (Multitool SARIF1001); SARIF's own convention is PascalCase words
 * (SARIF2009): the title's letters and digits, each word capitalised
 * ("S3 bucket readable by anyone" -> S3BucketReadableByAnyone); the id's
 * words when there is no title. */
static void pascal_name(const char *text, char *out, size_t n)
{
    size_t k = 0;
    bool up = true;
    for (const unsigned char *p = (const unsigned char *)text; *p && k + 1 < n; p++) {
        unsigned char c = *p;
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (c >= 0x80) continue; /* non-ASCII letters are left out, the word goes on */
        if (!alnum) {
            up = true;
            continue;
        }
        out[k++] = up && c >= 'a' && c <= 'z' ? (char)(c - 32) : (char)c;
        up = false;
    }
    out[k] = 0;
}

static void write_rule(cw_jw *w, const cw_rule_meta *r)
{
    const char *title = r->title ? r->title : r->id;
    const char *cat = r->category ? r->category : "other";
    cw_jw_obj(w);
    cw_jw_kstr(w, "id", r->id);
    char name[256];
    pascal_name(r->title && r->title[0] ? r->title : r->id, name, sizeof name);
    if (!name[0] || strcmp(name, r->id) == 0) pascal_name(r->id, name, sizeof name);
    if (name[0] && strcmp(name, r->id) != 0) cw_jw_kstr(w, "name", name);
    cw_jw_key(w, "shortDescription");
    cw_jw_obj(w);
    cw_jw_kstr(w, "text", title);
    cw_jw_end(w);
    cw_jw_key(w, "fullDescription");
    cw_jw_obj(w);
    cw_jw_kstr(w, "text", r->description ? r->description : title);
    cw_jw_end(w);
    cw_jw_key(w, "help");
    cw_jw_obj(w);
    cw_jw_kstr(w, "text", r->remediation ? r->remediation : r->description ? r->description : title);
    cw_jw_end(w);
    const char *hu = help_uri(r);
    if (hu) {
        char *u = uri_ref(hu);
        cw_jw_kstr(w, "helpUri", u);
        free(u);
    }
    cw_jw_key(w, "defaultConfiguration");
    cw_jw_obj(w);
    cw_jw_kstr(w, "level", level(r->severity));
    cw_jw_end(w);
    cw_jw_key(w, "properties");
    cw_jw_obj(w);
    cw_jw_kstr(w, "category", cat);
    cw_jw_kstr(w, "severity", cw_severity_name(r->severity));
    cw_jw_kstr(w, "security-severity", security_severity(r->severity));
    cw_jw_key(w, "tags");
    cw_jw_arr(w);
    cw_jw_str(w, "security");
    cw_jw_str(w, cat);
    cw_jw_end(w);
    if (r->ncompliance) {
        cw_jw_key(w, "compliance");
        cw_jw_arr(w);
        for (size_t i = 0; i < r->ncompliance; i++) cw_jw_str(w, r->compliance[i]);
        cw_jw_end(w);
    }
    if (r->pack) cw_jw_kstr(w, "pack", r->pack);
    cw_jw_end(w);
    cw_jw_end(w);
}

static void write_result(cw_jw *w, const cw_finding *f, long ridx)
{
    const cw_rule_meta *r = f->rule;
    const cw_asset *a = f->asset;
    cw_severity sev = r ? r->severity : CW_SEV_INFO;
    char fp[33];
    cw_out_fingerprint(f, fp);

    cw_jw_obj(w);
    cw_jw_kstr(w, "ruleId", cw_out_rule_id(f));
    if (ridx >= 0) cw_jw_kint(w, "ruleIndex", ridx);
    cw_jw_kstr(w, "level", level(sev));
    cw_jw_key(w, "message");
    cw_jw_obj(w);
    cw_jw_kstr(w, "text", f->evidence    ? f->evidence
                          : r && r->title ? r->title
                                          : cw_out_rule_id(f));
    cw_jw_end(w);

    cw_jw_key(w, "locations");
    cw_jw_arr(w);
    cw_jw_obj(w);
    if (a && a->source_file && a->source_file[0]) {
        /* standard input has no path: the relative reference "stdin", said
         * so in the description, keeps the line (consumers such as GitHub
         * code scanning drop a result with no physical location) */
        bool in = strcmp(a->source_file, "-") == 0;
        char *uri = path_uri(in ? "stdin" : a->source_file);
        cw_jw_key(w, "physicalLocation");
        cw_jw_obj(w);
        cw_jw_key(w, "artifactLocation");
        cw_jw_obj(w);
        cw_jw_kstr(w, "uri", uri);
        if (in) {
            cw_jw_key(w, "description");
            cw_jw_obj(w);
            cw_jw_kstr(w, "text", "standard input");
            cw_jw_end(w);
        }
        cw_jw_end(w);
        if (a->source_line) {
            cw_jw_key(w, "region");
            cw_jw_obj(w);
            cw_jw_kuint(w, "startLine", a->source_line);
            cw_jw_end(w);
        }
        cw_jw_end(w);
        free(uri);
    }
    cw_jw_key(w, "logicalLocations");
    cw_jw_arr(w);
    cw_jw_obj(w);
    /* no "name": for a top-level logical location SARIF 2.1.0 (3.33.5)
     * requires fullyQualifiedName to equal name, and the id is the name */
    cw_jw_kstr(w, "fullyQualifiedName", cw_out_resource_id(f));
    cw_jw_kstr(w, "kind", "resource");
    cw_jw_end(w);
    cw_jw_end(w);
    cw_jw_end(w);
    cw_jw_end(w);

    cw_jw_key(w, "partialFingerprints");
    cw_jw_obj(w);
    cw_jw_kstr(w, "cloudwarden/v1", fp);
    cw_jw_end(w);

    if (f->suppressed_by) {
        cw_jw_key(w, "suppressions");
        cw_jw_arr(w);
        cw_jw_obj(w);
        cw_jw_kstr(w, "kind", "external");
        cw_jw_kstr(w, "status", "accepted");
        cw_jw_kstr(w, "justification", f->suppressed_by);
        cw_jw_end(w);
        cw_jw_end(w);
    }

    cw_jw_key(w, "properties");
    cw_jw_obj(w);
    cw_jw_kstr(w, "severity", cw_severity_name(sev));
    cw_jw_kstr(w, "category", r && r->category ? r->category : "other");
    if (a) {
        cw_jw_kstr(w, "resourceId", a->id);
        cw_jw_kstr(w, "resourceType", a->type);
        cw_jw_kstr(w, "provider", a->provider);
        cw_jw_kstr(w, "account", a->account);
        cw_jw_kstr(w, "region", a->region);
        if (a->source_record) cw_jw_kuint(w, "record", a->source_record);
    }
    cw_jw_end(w);
    cw_jw_end(w);
}

int cw_out_sarif(FILE *out, const cw_scan_info *info, const cw_findings *fs, const cw_output_opts *o)
{
    rule_table rt = {0};
    cw_hmap_init(&rt.idx);
    for (size_t i = 0; info && i < info->nrules; i++) rules_add(&rt, info->rules[i]);
    for (size_t i = 0; i < fs->n; i++)
        if (cw_out_visible(&fs->v[i], o)) rules_add(&rt, fs->v[i].rule);

    cw_emit e;
    cw_emit_init(&e, out);
    cw_jw w;
    cw_jw_init(&w, &e.sb, 2);

    cw_jw_obj(&w);
    cw_jw_kstr(&w, "$schema", SARIF_SCHEMA);
    cw_jw_kstr(&w, "version", "2.1.0");
    cw_jw_key(&w, "runs");
    cw_jw_arr(&w);
    cw_jw_obj(&w);

    cw_jw_key(&w, "tool");
    cw_jw_obj(&w);
    cw_jw_key(&w, "driver");
    cw_jw_obj(&w);
    cw_jw_kstr(&w, "name", CW_TOOL_NAME);
    cw_jw_kstr(&w, "version", info && info->tool_version ? info->tool_version : "");
    cw_jw_kstr(&w, "informationUri", CW_INFORMATION_URI);
    cw_jw_key(&w, "rules");
    cw_jw_arr(&w);
    for (size_t i = 0; i < rt.n; i++) {
        write_rule(&w, rt.v[i]);
        cw_emit_maybe_flush(&e);
    }
    cw_jw_end(&w);
    cw_jw_end(&w);
    cw_jw_end(&w);

    if (info && info->started) {
        cw_jw_key(&w, "invocations");
        cw_jw_arr(&w);
        cw_jw_obj(&w);
        cw_jw_key(&w, "executionSuccessful");
        cw_jw_bool(&w, true);
        cw_jw_kstr(&w, "startTimeUtc", info->started);
        cw_jw_end(&w);
        cw_jw_end(&w);
    }

    cw_jw_key(&w, "results");
    cw_jw_arr(&w);
    for (size_t i = 0; i < fs->n; i++) {
        const cw_finding *f = &fs->v[i];
        if (!cw_out_visible(f, o)) continue;
        write_result(&w, f, rules_index(&rt, f->rule ? f->rule->id : NULL));
        cw_emit_maybe_flush(&e);
    }
    cw_jw_end(&w);

    cw_jw_end(&w);
    cw_jw_end(&w);
    cw_jw_end(&w);
    cw_sb_addc(&e.sb, '\n');

    free(rt.v);
    cw_hmap_free(&rt.idx);
    return cw_emit_finish(&e);
}
