/* rules_doc.c - `rules doc`: a handbook of the loaded rule set, for the
 * people who must follow the rules (Markdown or a self-contained HTML page):
 * per category, per rule: title, why it matters, what to do, references,
 * compliance, exceptions; then the facts rules can use. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../analyze/analyze.h"
#include "rules_int.h"

typedef struct doc {
    FILE *out;
    bool html;
    cw_strbuf sb;
} doc;

static void put(doc *D, const char *s) { cw_sb_adds(&D->sb, s); }
static void putf(doc *D, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(doc *D, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cw_sb_vprintf(&D->sb, fmt, ap);
    va_end(ap);
}

/* Markdown text: rule packs are input, and a handbook is rendered by
 * Markdown viewers that pass HTML through and follow links. Outside code
 * spans, the characters that start HTML, entities, links and escapes
 * (< > & [ ] \\) are backslash-escaped, so text stays text; a code span
 * (a backtick run with its matching closing run) is kept as written, since
 * nothing inside one is interpreted; an unmatched backtick is escaped. */
static void md_text(doc *D, const char *s, bool table)
{
    while (*s) {
        char c = *s;
        if (c == '`') {
            size_t k = 0;
            while (s[k] == '`') k++;
            const char *q = s + k, *close = NULL;
            while ((q = strchr(q, '`'))) {
                size_t j = 0;
                while (q[j] == '`') j++;
                if (j == k) {
                    close = q;
                    break;
                }
                q += j;
            }
            if (close && !(table && memchr(s, '|', (size_t)(close - s)))) {
                for (const char *t = s; t < close + k; t++) cw_sb_addc(&D->sb, *t == '\n' && table ? ' ' : *t);
                s = close + k;
            } else {
                for (size_t j = 0; j < k; j++) put(D, "\\`");
                s += k;
            }
            continue;
        }
        if (strchr("<>&[]\\", c)) {
            cw_sb_addc(&D->sb, '\\');
            cw_sb_addc(&D->sb, c);
        } else if (table && c == '|') put(D, "\\|");
        else if (table && c == '\n') cw_sb_addc(&D->sb, ' ');
        else cw_sb_addc(&D->sb, c);
        s++;
    }
}

/* text as HTML (escaped) or Markdown (md_text; | escaped in tables) */
static void text(doc *D, const char *s, bool table)
{
    if (!s) return;
    if (!D->html) {
        md_text(D, s, table);
        return;
    }
    for (; *s; s++) {
        char c = *s;
        if (c == '<') put(D, "&lt;");
        else if (c == '>') put(D, "&gt;");
        else if (c == '&') put(D, "&amp;");
        else if (c == '"') put(D, "&quot;");
        else if (c == '\'') put(D, "&#39;");
        else cw_sb_addc(&D->sb, c);
    }
}

/* Only http and https references become links (javascript:, data:, file:
 * ... are shown as text); the URL is percent-encoded where a URI may not
 * hold a byte (space, < > " { } | \\ ^ `, controls, non-ASCII). */
static bool web_link(const char *u)
{
    if (!u) return false;
    size_t k = strncasecmp(u, "https://", 8) == 0 ? 8 : strncasecmp(u, "http://", 7) == 0 ? 7 : 0;
    return k && u[k] && u[k] != '/';
}

static char *uri_enc(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    cw_strbuf sb = CW_STRBUF_INIT;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned c = *p;
        if (c <= 0x20 || c >= 0x7f || strchr("<>\"{}|\\^`", (int)c)) {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            cw_sb_add(&sb, e, 3);
        } else cw_sb_addc(&sb, (char)c);
    }
    return cw_sb_detach(&sb);
}

/* Prose from a rule (description, remediation): blank lines separate
 * paragraphs; "1. " and "- " lines start list items (their continuation
 * lines are indented by the marker's width); a line indented at least two
 * columns deeper than the text around it is a command or code line and is
 * shown verbatim (a fenced block in Markdown, <pre> in HTML). */
static size_t list_marker(const char *l, size_t n)
{
    size_t i = 0;
    while (i < n && l[i] >= '0' && l[i] <= '9') i++;
    if (i && i + 1 < n && l[i] == '.' && l[i + 1] == ' ') return i + 2;
    if (n >= 2 && (l[0] == '-' || l[0] == '*') && l[1] == ' ') return 2;
    return 0;
}

static void text_n(doc *D, const char *s, size_t n)
{
    char *t = cw_xmalloc(n + 1);
    memcpy(t, s, n);
    t[n] = 0;
    text(D, t, false);
    free(t);
}

static void paras(doc *D, const char *s)
{
    size_t base = 0;       /* indentation of the current text */
    bool in_code = false, in_para = false;
    size_t code_indent = 0;
    for (const char *l = s; *l;) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        size_t ind = 0;
        while (ind < n && l[ind] == ' ') ind++;
        bool blank = ind == n;
        bool code = !blank && ind >= base + 2;
        if (in_code && !code) {
            put(D, D->html ? "</pre>\n" : "```\n");
            in_code = false;
        }
        if (blank) {
            if (in_para) put(D, D->html ? "</p>\n" : "\n\n");
            in_para = false;
            base = 0;
        } else if (code) {
            if (!in_code) {
                if (in_para) put(D, D->html ? "</p>\n" : "\n");
                in_para = false;
                put(D, D->html ? "<pre>" : "\n```\n");
                in_code = true;
                code_indent = ind;
            }
            size_t cut = ind < code_indent ? ind : code_indent;
            if (D->html) text_n(D, l + cut, n - cut);
            else {
                /* verbatim inside the fence; a line that would close it
                 * (``` or ~~~ after at most 3 spaces) is indented 4 */
                size_t sp = 0;
                while (sp < n - cut && sp < 4 && l[cut + sp] == ' ') sp++;
                if (sp < 4 && n - cut - sp >= 3 &&
                    (memcmp(l + cut + sp, "```", 3) == 0 || memcmp(l + cut + sp, "~~~", 3) == 0))
                    put(D, "    ");
                cw_sb_add(&D->sb, l + cut, n - cut);
            }
            put(D, "\n");
        } else {
            size_t m = ind == 0 ? list_marker(l, n) : 0;
            if (m) base = m;
            else if (ind == 0) base = 0;
            if (!in_para) put(D, D->html ? "<p>" : "");
            else if (m) put(D, D->html ? "<br>\n" : "\n");
            else put(D, D->html ? "\n" : "\n");
            in_para = true;
            if (D->html) text_n(D, l + ind, n - ind);
            else text_n(D, l, n);
        }
        if (!e) break;
        l = e + 1;
    }
    if (in_code) put(D, D->html ? "</pre>\n" : "```\n");
    if (in_para) put(D, D->html ? "</p>\n" : "\n");
    if (!D->html) put(D, "\n");
}

static void anchor_of(const char *s, char *out, size_t n)
{
    size_t o = 0;
    for (; *s && o + 1 < n; s++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') out[o++] = c;
        else if (c == ' ' || c == '_') out[o++] = '-';
    }
    out[o] = 0;
}

static const char *cat_title(const char *c)
{
    static const struct { const char *k, *t; } t[] = {
        {"public-access", "Public access"}, {"network-exposure", "Network exposure"},
        {"cross-account", "Cross-account access"}, {"hardening", "Hardening"},
        {"encryption", "Encryption"}, {"logging", "Logging"}, {"identity", "Identity"},
        {"data-protection", "Data protection"}, {"data-residency", "Data residency"}, {"other", "Other"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        if (strcmp(t[i].k, c) == 0) return t[i].t;
    return c;
}

static int by_sev_id(const void *a, const void *b)
{
    const cw_rule *x = *(cw_rule *const *)a, *y = *(cw_rule *const *)b;
    if (x->meta.severity != y->meta.severity) return (int)y->meta.severity - (int)x->meta.severity;
    return strcmp(x->meta.id, y->meta.id);
}

static const char *vt_name(cw_vtype t)
{
    switch (t) {
    case CW_VT_BOOL: return "bool";
    case CW_VT_NUM: return "number";
    case CW_VT_STR: return "string";
    case CW_VT_LIST: return "list";
    case CW_VT_OBJ: return "object";
    default: return "any";
    }
}

static void rule_doc(doc *D, const cw_ruleset *rs, const cw_rule *r)
{
    const cw_rule_meta *m = &r->meta;
    char anc[200];
    anchor_of(m->id, anc, sizeof anc);
    if (D->html) {
        putf(D, "<section class=\"rule\" id=\"%s\">\n<h3>", anc);
        text(D, m->title, false);
        put(D, "</h3>\n<p class=\"meta\"><code>");
        text(D, m->id, false);
        putf(D, "</code> &middot; <span class=\"sev %s\">%s</span> &middot; applies to ",
             cw_severity_name(m->severity), cw_severity_name(m->severity));
    } else {
        put(D, "### ");
        text(D, m->title, false);
        putf(D, "\n\n`%s` · severity **%s** · applies to ", m->id, cw_severity_name(m->severity));
    }
    for (size_t t = 0; t < m->nresource_types; t++) {
        put(D, t ? ", " : "");
        put(D, D->html ? "<code>" : "`");
        text(D, m->resource_types[t], false);
        put(D, D->html ? "</code>" : "`");
    }
    put(D, " · defined in ");
    text(D, m->pack, false);
    putf(D, ":%u%s", m->line, r->enabled ? "" : " · **disabled**");
    put(D, D->html ? "</p>\n" : "\n\n");
    if (m->description) {
        put(D, D->html ? "<h4>Why it matters</h4>\n" : "**Why it matters.**\n\n");
        paras(D, m->description);
    }
    if (m->remediation) {
        put(D, D->html ? "<h4>What to do</h4>\n" : "**What to do.**\n\n");
        paras(D, m->remediation);
    }
    if (m->nreferences) {
        put(D, D->html ? "<h4>References</h4>\n<ul>\n" : "**References.**\n\n");
        for (size_t i = 0; i < m->nreferences; i++) {
            const char *ref = m->references[i];
            if (!web_link(ref)) {
                put(D, D->html ? "<li>" : "- ");
                text(D, ref, false);
                put(D, D->html ? " (not a link: only http and https references are linked)</li>\n"
                               : " (not a link: only http and https references are linked)\n");
                continue;
            }
            char *u = uri_enc(ref);
            if (D->html) {
                put(D, "<li><a href=\"");
                text(D, u, false);
                put(D, "\" rel=\"noopener noreferrer\">");
                text(D, ref, false);
                put(D, "</a></li>\n");
            } else putf(D, "- <%s>\n", u);
            free(u);
        }
        put(D, D->html ? "</ul>\n" : "\n");
    }
    if (m->ncompliance) {
        put(D, D->html ? "<p><b>Compliance:</b> " : "**Compliance.** ");
        for (size_t i = 0; i < m->ncompliance; i++) {
            put(D, i ? ", " : "");
            text(D, m->compliance[i], false);
        }
        put(D, D->html ? "</p>\n" : "\n\n");
    }
    if (r->nexc) {
        put(D, D->html ? "<h4>Accepted exceptions</h4>\n<ul>\n" : "**Accepted exceptions.**\n\n");
        for (size_t i = 0; i < r->nexc; i++) {
            const cw_rexc *x = &r->exc[i];
            bool expired = x->expires && x->expires_days < rs->today;
            put(D, D->html ? "<li><b>" : "- **");
            text(D, x->name, false);
            put(D, D->html ? "</b>: " : "**: ");
            text(D, x->reason, false);
            if (x->expires) putf(D, " (%s %s)", expired ? "expired on" : "until", x->expires);
            put(D, D->html ? "</li>\n" : "\n");
        }
        put(D, D->html ? "</ul>\n" : "\n");
    }
    if (D->html) put(D, "</section>\n");
}

int cw_rules_doc(const cw_ruleset *rs, const char *format, FILE *out)
{
    doc D = {.out = out, .html = format && strcmp(format, "html") == 0};
    cw_sb_init(&D.sb);
    cw_rule **v = cw_xmalloc((rs->nrules ? rs->nrules : 1) * sizeof *v);
    memcpy(v, rs->rules, rs->nrules * sizeof *v);
    qsort(v, rs->nrules, sizeof *v, by_sev_id);
    if (D.html)
        put(&D, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                "<title>cloudwarden rule handbook</title>\n<style>\n"
                "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
                "line-height:1.5;color:#222}\n"
                "code{background:#f3f3f3;padding:0 .2em}.meta{color:#555}.rule{border-top:1px solid #ddd}\n"
                ".sev{font-weight:bold}.critical{color:#a00}.high{color:#c40}.medium{color:#a70}"
                ".low{color:#37a}.info{color:#555}\n"
                "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;"
                "text-align:left;vertical-align:top}\n</style></head><body>\n"
                "<h1>cloudwarden rule handbook</h1>\n");
    else put(&D, "# cloudwarden rule handbook\n\n");
    putf(&D, D.html ? "<p>%zu rules (%zu enabled). Each rule says what it forbids, why it matters and what "
                      "to do about a finding.</p>\n<ul>\n"
                    : "%zu rules (%zu enabled). Each rule says what it forbids, why it matters and what "
                      "to do about a finding.\n\n",
         rs->nrules, rs->nenabled);
    for (size_t c = 0; cw_categories[c]; c++) {
        size_t cnt = 0;
        for (size_t i = 0; i < rs->nrules; i++) cnt += strcmp(v[i]->meta.category, cw_categories[c]) == 0;
        if (!cnt) continue;
        char anc[64];
        anchor_of(cat_title(cw_categories[c]), anc, sizeof anc); /* GitHub's heading anchors */
        if (D.html) putf(&D, "<li><a href=\"#cat-%s\">%s</a> (%zu)</li>\n", cw_categories[c], cat_title(cw_categories[c]), cnt);
        else putf(&D, "- [%s](#%s) (%zu)\n", cat_title(cw_categories[c]), anc, cnt);
    }
    put(&D, D.html ? "<li><a href=\"#facts\">Facts</a></li>\n</ul>\n" : "- [Facts](#facts)\n\n");
    for (size_t c = 0; cw_categories[c]; c++) {
        bool head = false;
        for (size_t i = 0; i < rs->nrules; i++) {
            if (strcmp(v[i]->meta.category, cw_categories[c]) != 0) continue;
            if (!head) {
                if (D.html) putf(&D, "<h2 id=\"cat-%s\">%s</h2>\n", cw_categories[c], cat_title(cw_categories[c]));
                else putf(&D, "## %s\n\n", cat_title(cw_categories[c]));
                head = true;
            }
            rule_doc(&D, rs, v[i]);
        }
    }
    put(&D, D.html ? "<h2 id=\"facts\">Facts</h2>\n<p>What the analyzers work out about each resource; "
                     "rules read them by name.</p>\n<table><tr><th>fact</th><th>type</th><th>set on</th>"
                     "<th>meaning</th></tr>\n"
                   : "## Facts\n\nWhat the analyzers work out about each resource; rules read them by name.\n\n"
                     "| fact | type | set on | meaning |\n|---|---|---|---|\n");
    for (const cw_fact_def *f = cw_fact_defs; f->name; f++) {
        if (D.html) {
            put(&D, "<tr><td><code>");
            text(&D, f->name, false);
            putf(&D, "</code></td><td>%s</td><td>", vt_name(f->type));
            text(&D, f->resource_types, false);
            put(&D, "</td><td>");
            text(&D, f->doc, false);
            put(&D, "</td></tr>\n");
        } else {
            putf(&D, "| `%s` | %s | ", f->name, vt_name(f->type));
            text(&D, f->resource_types, true);
            put(&D, " | ");
            text(&D, f->doc, true);
            put(&D, " |\n");
        }
    }
    put(&D, D.html ? "</table>\n</body></html>\n" : "\n");
    free(v);
    size_t w = D.sb.len ? fwrite(D.sb.buf, 1, D.sb.len, out) : 0;
    int rc = (w == D.sb.len && fflush(out) == 0 && !ferror(out)) ? 0 : -1;
    cw_sb_free(&D.sb);
    return rc;
}
