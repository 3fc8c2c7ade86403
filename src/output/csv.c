/* csv.c - `--format csv`: RFC 4180 (CRLF line ends, fields quoted when they
 * hold a comma, quote, CR or LF, quotes doubled), one row per finding.
 *
 * Spreadsheet formula injection: a text cell whose first character is
 * = + - @ (or TAB / CR, which some spreadsheets skip before evaluating) is
 * prefixed with a single quote, so a bucket named "=HYPERLINK(...)" shows
 * as text instead of running. Numeric columns (record, line) are ours.
 * Control bytes and invisible code points are escaped as in the table. */
#include <inttypes.h>
#include <string.h>

#include "../util/display.h"
#include "emit.h"

static const char *const columns[] = {
    "severity", "rule_id",  "category", "title", "resource_id", "resource_type",
    "account",  "region",   "evidence", "file",  "record",      "line",
    NULL,
};

static void cell_raw(cw_strbuf *sb, const char *s, size_t n)
{
    bool quote = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ',' || c == '"' || c == '\r' || c == '\n') {
            quote = true;
            break;
        }
    }
    if (n && (s[0] == ' ' || s[n - 1] == ' ')) quote = true; /* keep edge spaces visible */
    if (!quote) {
        cw_sb_add(sb, s, n);
        return;
    }
    cw_sb_addc(sb, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            cw_sb_add(sb, s + run, i + 1 - run);
            cw_sb_addc(sb, '"');
            run = i + 1;
        }
    }
    cw_sb_add(sb, s + run, n - run);
    cw_sb_addc(sb, '"');
}

/* A text cell, neutralised against formula injection; controls other than
 * CR, LF and TAB, invalid UTF-8 and invisible code points (U+202E...) written
 * as visible escapes (util/display.h). NULL -> empty. */
static void cell_text(cw_strbuf *sb, const char *s)
{
    if (!s || !*s) return;
    size_t n = strlen(s);
    const unsigned keep = CW_DISP_KEEP_NL | CW_DISP_KEEP_CR | CW_DISP_KEEP_TAB;
    if (!cw_display_plain(s, n, keep)) {
        cw_strbuf t = CW_STRBUF_INIT;
        cw_sb_add_display(&t, s, n, keep);
        cell_text(sb, t.buf);
        cw_sb_free(&t);
        return;
    }
    char c = s[0];
    if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') {
        cw_strbuf t = CW_STRBUF_INIT;
        cw_sb_addc(&t, '\'');
        cw_sb_add(&t, s, n);
        cell_raw(sb, t.buf, t.len);
        cw_sb_free(&t);
        return;
    }
    cell_raw(sb, s, n);
}

void cw_out_csv_cell(cw_strbuf *sb, const char *s)
{
    cell_text(sb, s);
}

static void cell_num(cw_strbuf *sb, uint64_t v)
{
    if (v) cw_sb_printf(sb, "%" PRIu64, v);
}

int cw_out_csv(FILE *out, const cw_scan_info *info, const cw_findings *fs, const cw_output_opts *o)
{
    (void)info;
    cw_emit e;
    cw_emit_init(&e, out);
    bool with_supp = o && o->show_suppressed;

    for (size_t i = 0; columns[i]; i++) {
        if (i) cw_sb_addc(&e.sb, ',');
        cw_sb_adds(&e.sb, columns[i]);
    }
    if (with_supp) cw_sb_adds(&e.sb, ",suppressed");
    cw_sb_adds(&e.sb, "\r\n");

    for (size_t i = 0; i < fs->n; i++) {
        const cw_finding *f = &fs->v[i];
        if (!cw_out_visible(f, o)) continue;
        const cw_rule_meta *r = f->rule;
        const cw_asset *a = f->asset;
        cw_strbuf *sb = &e.sb;
        cell_text(sb, cw_severity_name(r ? r->severity : CW_SEV_INFO));
        cw_sb_addc(sb, ',');
        cell_text(sb, r ? r->id : NULL);
        cw_sb_addc(sb, ',');
        cell_text(sb, r && r->category ? r->category : "other");
        cw_sb_addc(sb, ',');
        cell_text(sb, r ? r->title : NULL);
        cw_sb_addc(sb, ',');
        cell_text(sb, a ? a->id : NULL);
        cw_sb_addc(sb, ',');
        cell_text(sb, a ? a->type : NULL);
        cw_sb_addc(sb, ',');
        cell_text(sb, a ? a->account : NULL);
        cw_sb_addc(sb, ',');
        cell_text(sb, a ? a->region : NULL);
        cw_sb_addc(sb, ',');
        cell_text(sb, f->evidence);
        cw_sb_addc(sb, ',');
        cell_text(sb, a ? a->source_file : NULL);
        cw_sb_addc(sb, ',');
        cell_num(sb, a ? a->source_record : 0);
        cw_sb_addc(sb, ',');
        cell_num(sb, a ? a->source_line : 0);
        if (with_supp) {
            cw_sb_addc(sb, ',');
            cell_text(sb, f->suppressed_by);
        }
        cw_sb_adds(sb, "\r\n");
        cw_emit_maybe_flush(&e);
    }
    return cw_emit_finish(&e);
}
