/* output.c - classify reports: JSON (shape in docs/classify.md), table, and the
 * asset data profile. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../cli/cli.h"
#include "../util/display.h"
#include "../util/strbuf.h"
#include "classify.h"
#include "counters.h"

static int flush_sb(FILE *out, cw_strbuf *sb)
{
    int rc = 0;
    if (sb->len && fwrite(sb->buf, 1, sb->len, out) != sb->len) rc = -1;
    if (fflush(out) != 0 || ferror(out)) rc = -1;
    cw_sb_free(sb);
    return rc;
}

/* The table names files and assets as given: controls and invisible code
 * points in them shown as escapes (util/display.h). */
static int flush_text(FILE *out, cw_strbuf *sb)
{
    int rc = 0;
    if (sb->len && !cw_fwrite_display(out, sb->buf, sb->len)) rc = -1;
    if (fflush(out) != 0 || ferror(out)) rc = -1;
    cw_sb_free(sb);
    return rc;
}

static void json_countries(cw_strbuf *sb, const uint64_t *by)
{
    cw_sb_addc(sb, '{');
    bool first = true;
    for (int k = 1; k < CW_CC__COUNT; k++) {
        if (!by[k]) continue;
        cw_sb_printf(sb, "%s\"%s\": %llu", first ? "" : ", ", cw_cc_code((cw_cc)k), (unsigned long long)by[k]);
        first = false;
    }
    cw_sb_addc(sb, '}');
}

static void countries_of(const cw_file_report *f, uint64_t *by)
{
    memset(by, 0, sizeof(uint64_t) * CW_CC__COUNT);
    for (int c = 0; c < CW_CAT__COUNT; c++)
        for (int k = 1; k < CW_CC__COUNT; k++) by[k] += f->cats[c].by_cc[k];
}

static void json_cats(cw_strbuf *sb, const cw_file_report *f, bool samples, const char *ind)
{
    cw_sb_adds(sb, "{\n");
    for (int c = 0; c < CW_CAT__COUNT; c++) {
        const cw_cat_stats *cs = &f->cats[c];
        cw_sb_printf(sb, "%s  \"%s\": {\"occurrences\": %llu, \"distinct\": %llu, \"distinct_exact\": %s, \"countries\": ",
                     ind, cw_cat_name((cw_cat)c), (unsigned long long)cs->occurrences,
                     (unsigned long long)cs->distinct, cs->distinct_exact || !cs->occurrences ? "true" : "false");
        json_countries(sb, cs->by_cc);
        if (samples) {
            cw_sb_adds(sb, ", \"samples\": [");
            for (int k = 0; k < cs->nsamples; k++) {
                if (k) cw_sb_adds(sb, ", ");
                cw_sb_add_json_str(sb, cs->samples[k], strlen(cs->samples[k]));
            }
            cw_sb_addc(sb, ']');
        }
        cw_sb_printf(sb, "}%s\n", c + 1 < CW_CAT__COUNT ? "," : "");
    }
    cw_sb_printf(sb, "%s}", ind);
}

static const char *status_of(const cw_file_report *f)
{
    return f->skipped ? "skipped" : f->truncated ? "truncated" : "ok";
}

int cw_cls_write_json(FILE *out, const cw_cls_run *r, const char *asset, bool samples)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    const cw_file_report *t = cw_cls_totals(r);
    uint64_t by[CW_CC__COUNT];
    cw_sb_printf(&sb, "{\n  \"tool\": {\"name\": \"cloudwarden\", \"version\": \"%s\"},\n  \"asset\": ", CW_VERSION);
    if (asset) cw_sb_add_json_str(&sb, asset, strlen(asset));
    else cw_sb_adds(&sb, "null");
    cw_sb_printf(&sb, ",\n  \"bytes\": %llu,\n  \"records\": {\"total\": %llu, \"matched\": %llu},\n  \"countries\": ",
                 (unsigned long long)t->bytes, (unsigned long long)t->records, (unsigned long long)t->records_matched);
    countries_of(t, by);
    json_countries(&sb, by);
    cw_sb_adds(&sb, ",\n  \"totals\": ");
    json_cats(&sb, t, samples, "  ");
    cw_sb_adds(&sb, ",\n  \"files\": [");
    size_t n = cw_cls_nfiles(r);
    for (size_t i = 0; i < n; i++) {
        const cw_file_report *f = cw_cls_file_at(r, i);
        cw_sb_adds(&sb, i ? ",\n    {\"path\": " : "\n    {\"path\": ");
        cw_sb_add_json_str(&sb, f->path, strlen(f->path));
        cw_sb_printf(&sb, ", \"format\": \"%s\", \"gzip\": %s, \"status\": \"%s\", \"message\": ", f->format,
                     f->gzip ? "true" : "false", status_of(f));
        if (f->message) cw_sb_add_json_str(&sb, f->message, strlen(f->message));
        else cw_sb_adds(&sb, "null");
        cw_sb_printf(&sb, ",\n     \"bytes\": %llu, \"records\": {\"total\": %llu, \"matched\": %llu}, \"countries\": ",
                     (unsigned long long)f->bytes, (unsigned long long)f->records,
                     (unsigned long long)f->records_matched);
        countries_of(f, by);
        json_countries(&sb, by);
        cw_sb_adds(&sb, ",\n     \"categories\": ");
        json_cats(&sb, f, samples, "     ");
        cw_sb_addc(&sb, '}');
    }
    cw_sb_adds(&sb, n ? "\n  ]\n}\n" : "]\n}\n");
    return flush_sb(out, &sb);
}

static void human_bytes(char *b, size_t n, uint64_t v)
{
    if (v >= (1ULL << 30)) snprintf(b, n, "%.1f GiB", (double)v / (1 << 30));
    else if (v >= (1u << 20)) snprintf(b, n, "%.1f MiB", (double)v / (1 << 20));
    else if (v >= 1024) snprintf(b, n, "%.1f KiB", (double)v / 1024);
    else snprintf(b, n, "%llu B", (unsigned long long)v);
}

static void table_block(cw_strbuf *sb, const cw_file_report *f, bool samples, bool all)
{
    uint64_t by[CW_CC__COUNT];
    countries_of(f, by);
    bool any = false;
    for (int k = 1; k < CW_CC__COUNT; k++)
        if (by[k]) {
            cw_sb_printf(sb, "%s%s %llu", any ? ", " : "  countries: ", cw_cc_code((cw_cc)k), (unsigned long long)by[k]);
            any = true;
        }
    if (any) cw_sb_addc(sb, '\n');
    bool header = false;
    for (int c = 0; c < CW_CAT__COUNT; c++) {
        const cw_cat_stats *cs = &f->cats[c];
        if (!cs->occurrences && !all) continue;
        if (!header) {
            cw_sb_printf(sb, "  %-22s %12s %12s%s\n", "category", "occurrences", "distinct", samples ? "  samples" : "");
            header = true;
        }
        cw_sb_printf(sb, "  %-22s %12llu %11s%llu", cw_cat_name((cw_cat)c), (unsigned long long)cs->occurrences,
                     cs->distinct_exact || !cs->occurrences ? " " : "~", (unsigned long long)cs->distinct);
        if (samples && cs->nsamples) {
            cw_sb_adds(sb, "  ");
            for (int k = 0; k < cs->nsamples; k++) cw_sb_printf(sb, "%s%s", k ? ", " : "", cs->samples[k]);
        }
        cw_sb_addc(sb, '\n');
    }
    if (!header) cw_sb_adds(sb, "  no customer data found\n");
}

int cw_cls_write_table(FILE *out, const cw_cls_run *r, const char *asset, bool samples)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    char hb[32];
    size_t n = cw_cls_nfiles(r);
    if (asset) cw_sb_printf(&sb, "asset %s\n\n", asset);
    for (size_t i = 0; i < n; i++) {
        const cw_file_report *f = cw_cls_file_at(r, i);
        human_bytes(hb, sizeof hb, f->bytes);
        cw_sb_printf(&sb, "%s  (%s%s, %s, %llu records, %llu with customer data)%s%s\n", f->path, f->format,
                     f->gzip ? "+gzip" : "", hb, (unsigned long long)f->records, (unsigned long long)f->records_matched,
                     f->skipped ? "  SKIPPED" : f->truncated ? "  TRUNCATED" : "", "");
        if (f->message) cw_sb_printf(&sb, "  note: %s\n", f->message);
        if (!f->skipped) table_block(&sb, f, samples, false);
        cw_sb_addc(&sb, '\n');
    }
    const cw_file_report *t = cw_cls_totals(r);
    human_bytes(hb, sizeof hb, t->bytes);
    cw_sb_printf(&sb, "TOTAL  (%zu files, %s, %llu records, %llu with customer data)\n", n, hb,
                 (unsigned long long)t->records, (unsigned long long)t->records_matched);
    table_block(&sb, t, samples, true);
    cw_sb_adds(&sb, "(~ = HyperLogLog estimate)\n");
    return flush_text(out, &sb);
}

static const char *sensitivity(const cw_file_report *t)
{
    const cw_cat_stats *c = t->cats;
    bool contact = c[CW_CAT_PHONE].occurrences || c[CW_CAT_EMAIL].occurrences || c[CW_CAT_POSTAL_ADDRESS].occurrences ||
                   c[CW_CAT_DOB].occurrences;
    if (c[CW_CAT_CARD].occurrences || c[CW_CAT_NATIONAL_ID].occurrences ||
        (c[CW_CAT_PERSON_NAME].occurrences && contact))
        return "high";
    if (contact || c[CW_CAT_PERSON_NAME].occurrences) return "medium";
    if (c[CW_CAT_VIN].occurrences || c[CW_CAT_PLATE].occurrences) return "low";
    return "none";
}

int cw_cls_write_profile(FILE *out, const cw_cls_run *r, const char *asset)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    const cw_file_report *t = cw_cls_totals(r);
    char ts[32];
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    const char *sens = sensitivity(t);
    cw_sb_adds(&sb, "{\n  \"schema\": \"cloudwarden.classify.profile/v1\",\n  \"asset\": ");
    if (asset) cw_sb_add_json_str(&sb, asset, strlen(asset));
    else cw_sb_adds(&sb, "null");
    cw_sb_printf(&sb, ",\n  \"classified_at\": \"%s\",\n  \"customer_data\": %s,\n  \"sensitivity\": \"%s\",\n", ts,
                 strcmp(sens, "none") ? "true" : "false", sens);
    size_t skipped = 0, truncated = 0;
    for (size_t i = 0; i < cw_cls_nfiles(r); i++) {
        skipped += cw_cls_file_at(r, i)->skipped;
        truncated += cw_cls_file_at(r, i)->truncated;
    }
    cw_sb_printf(&sb, "  \"files\": {\"classified\": %zu, \"skipped\": %zu, \"truncated\": %zu},\n",
                 cw_cls_nfiles(r) - skipped, skipped, truncated);
    cw_sb_printf(&sb, "  \"bytes\": %llu,\n  \"records\": {\"total\": %llu, \"matched\": %llu},\n  \"countries\": [",
                 (unsigned long long)t->bytes, (unsigned long long)t->records, (unsigned long long)t->records_matched);
    uint64_t by[CW_CC__COUNT];
    countries_of(t, by);
    bool first = true;
    for (int k = 1; k < CW_CC__COUNT; k++)
        if (by[k]) {
            cw_sb_printf(&sb, "%s\"%s\"", first ? "" : ", ", cw_cc_code((cw_cc)k));
            first = false;
        }
    cw_sb_adds(&sb, "],\n  \"categories\": {");
    first = true;
    for (int c = 0; c < CW_CAT__COUNT; c++) {
        const cw_cat_stats *cs = &t->cats[c];
        if (!cs->occurrences) continue;
        cw_sb_printf(&sb, "%s\n    \"%s\": {\"occurrences\": %llu, \"distinct\": %llu}", first ? "" : ",",
                     cw_cat_name((cw_cat)c), (unsigned long long)cs->occurrences, (unsigned long long)cs->distinct);
        first = false;
    }
    cw_sb_adds(&sb, first ? "}\n}\n" : "\n  }\n}\n");
    return flush_sb(out, &sb);
}
