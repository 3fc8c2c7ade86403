/* table.c - `--format table` (default): aligned columns for a terminal.
 *
 *   SEVERITY  RULE                         RESOURCE             EVIDENCE
 *   CRITICAL  aws-s3-bucket-public-read    dealer-exports       the bucket policy allows s3:GetObject
 *                                                               to Principal * ...
 *
 * Width: $COLUMNS when set, else 100. Rule ids and resources are never cut
 * (they are what people paste into `rules show`, `--rule` and the console):
 * the evidence wraps at word boundaries instead, and when the columns cannot
 * fit, each finding becomes a header line (severity, rule, resource; the
 * resource on a line of its own when even that is too wide) with the
 * evidence indented below it. The resource is shown by its name (resourceName;
 * else its resource id, else its ARN); when two findings' resources share a
 * name, those are shown by their full id. Text from the inventory is
 * sanitised: control bytes (escape sequences included), invalid UTF-8 and
 * invisible code points (bidi overrides such as U+202E, zero-width
 * characters) are shown as escapes ("\x1b", "\u202e": util/display.h), so a
 * name cannot drive the terminal or read as another. ANSI colour only when
 * o->color. */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../util/arena.h"
#include "../util/display.h"
#include "../util/hmap.h"
#include "emit.h"

#define SEP "  "
#define SEV_W 8

static const char *const sev_upper[] = {"INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
static const char *const sev_color[] = {"\033[2m", "\033[36m", "\033[33m", "\033[31m", "\033[1;31m"};
#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"

/* ---- text handling: sanitised UTF-8, width = code points --------------- */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned c = s[0];
    size_t len;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) len = 3;
    else if (c >= 0xF0 && c <= 0xF4) len = 4;
    else return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && s[1] < 0xA0) return 0;                 /* overlong */
    if (c == 0xED && s[1] >= 0xA0) return 0;                /* surrogate */
    if (c == 0xF0 && s[1] < 0x90) return 0;                 /* overlong */
    if (c == 0xF4 && s[1] >= 0x90) return 0;                /* > U+10FFFF */
    if (c == 0xC2 && s[1] >= 0x80 && s[1] < 0xA0) return 0; /* C1 controls */
    return len;
}

/* Copy s into sb as the terminal may show it (util/display.h): newline and
 * tab -> space; controls, invalid UTF-8 and invisible code points (U+202E...)
 * as visible escapes. */
static void sanitize(cw_strbuf *sb, const char *s)
{
    cw_sb_reset(sb);
    cw_sb_add_displays(sb, s, CW_DISP_WS_SPACE);
}

static size_t width_n(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) w++;
    return w;
}
static size_t width(const char *s) { return width_n(s, strlen(s)); }

/* The resource as the table names it (see the top of the file). */
static const char *res_name(const cw_finding *f)
{
    const cw_asset *a = f->asset;
    if (!a) return "";
    if (a->name && *a->name) return a->name;
    if (a->resource_id && *a->resource_id) return a->resource_id;
    return a->id ? a->id : "";
}

static const char AMBIGUOUS[] = "";
static const char *shown_name(const cw_hmap *names, const cw_finding *f)
{
    const char *nm = res_name(f);
    return cw_hmap_get(names, nm, strlen(nm)) == AMBIGUOUS ? cw_out_resource_id(f) : nm;
}

/* Word-wrap s into lines of at most w columns; returns line count and
 * fills starts/lens (byte offsets) up to cap lines. */
typedef struct line_span {
    size_t off, len;
} line_span;

static size_t wrap(const char *s, size_t w, line_span **lines, size_t *cap)
{
    size_t n = 0, i = 0, len = strlen(s);
    if (w < 1) w = 1;
    while (i < len) {
        while (i < len && s[i] == ' ') i++;
        if (i >= len) break;
        size_t start = i, last_fit = start, cols = 0, j = i;
        size_t brk = 0; /* end of the last whole word that fits */
        while (j < len) {
            size_t l = utf8_seq((const unsigned char *)s + j);
            if (!l) l = 1;
            if (cols + 1 > w) break;
            cols++;
            j += l;
            last_fit = j;
            if (j < len && s[j] == ' ') brk = j;
        }
        size_t end;
        if (j >= len) end = len;
        else if (s[j] == ' ') end = j;
        else if (brk > start) end = brk;
        else end = last_fit; /* a word longer than the column: hard split */
        if (n == *cap) {
            *cap = *cap ? *cap * 2 : 8;
            *lines = cw_xrealloc(*lines, *cap * sizeof **lines);
        }
        (*lines)[n].off = start;
        (*lines)[n].len = end - start;
        n++;
        i = end;
    }
    return n;
}

static void pad(cw_strbuf *sb, size_t used, size_t w)
{
    for (size_t i = used; i < w; i++) cw_sb_addc(sb, ' ');
}

static size_t term_width(FILE *out)
{
    struct winsize ws;
    if (out && isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col > 1000 ? 1000 : ws.ws_col;
    const char *c = getenv("COLUMNS");
    if (c && *c) {
        char *end;
        long v = strtol(c, &end, 10);
        if (*end == 0 && v > 0) return v < 40 ? 40 : v > 1000 ? 1000 : (size_t)v;
    }
    return 100;
}

typedef struct tstate {
    cw_strbuf a, b, evid;
    line_span *lines;
    size_t cap;
} tstate;

/* Column layout: rule and resource columns as wide as their widest id; the
 * evidence column gets what they leave and must keep at least MIN_EV columns;
 * when it cannot, each finding is written "stacked": a header line (severity,
 * rule, resource) with the evidence indented below it, and the resource on a
 * line of its own when the header would not fit. Ids are never cut. */
#define MIN_EV 30
typedef struct layout {
    size_t tw, rule_w, res_w, ev_w, ev_indent;
    bool stacked;
} layout;

static layout plan(size_t tw, size_t rule_max, size_t res_max)
{
    layout L = {.tw = tw, .rule_w = rule_max, .res_w = res_max};
    size_t fixed = SEV_W + 3 * strlen(SEP);
    if (tw >= fixed + rule_max + res_max + MIN_EV) {
        L.ev_w = tw - fixed - rule_max - res_max;
        L.ev_indent = fixed - strlen(SEP) + rule_max + res_max;
        return L;
    }
    L.stacked = true;
    L.ev_indent = SEV_W + strlen(SEP);
    L.ev_w = tw > L.ev_indent + 20 ? tw - L.ev_indent : 20;
    return L;
}

static void write_summary(cw_emit *e, const layout *L, bool color, const size_t *count,
                          size_t suppressed, const cw_scan_info *info, tstate *t)
{
    size_t total = 0;
    for (int s = 0; s <= CW_SEV_CRITICAL; s++) total += count[s];
    cw_strbuf sb = CW_STRBUF_INIT;
    if (total == 0) cw_sb_adds(&sb, "No findings:");
    else cw_sb_printf(&sb, "%zu finding%s:", total, total == 1 ? "" : "s");
    for (int s = CW_SEV_CRITICAL; s >= CW_SEV_INFO; s--)
        cw_sb_printf(&sb, " %zu %s%s", count[s], cw_severity_name((cw_severity)s),
                     s > CW_SEV_INFO ? "," : "");
    if (suppressed) cw_sb_printf(&sb, "; %zu suppressed", suppressed);
    if (info)
        cw_sb_printf(&sb, " (%zu asset%s, %zu rule%s)", info->assets, info->assets == 1 ? "" : "s", info->nrules,
                     info->nrules == 1 ? "" : "s");
    size_t nl = wrap(sb.buf, L->tw, &t->lines, &t->cap);
    for (size_t l = 0; l < nl; l++) {
        if (color) cw_sb_adds(&e->sb, BOLD);
        cw_sb_add(&e->sb, sb.buf + t->lines[l].off, t->lines[l].len);
        if (color) cw_sb_adds(&e->sb, RESET);
        cw_sb_addc(&e->sb, '\n');
    }
    cw_sb_free(&sb);
}

int cw_out_table(FILE *out, const cw_scan_info *info, const cw_findings *fs, const cw_output_opts *o)
{
    cw_emit e;
    cw_emit_init(&e, out);
    bool color = o && o->color;
    tstate t = {CW_STRBUF_INIT, CW_STRBUF_INIT, CW_STRBUF_INIT, NULL, 0};

    /* widest rule and resource ids among the visible findings */
    size_t rule_max = 4, res_max = 8, nvis = 0;
    cw_hmap names;
    cw_hmap_init(&names);
    size_t count[CW_SEV_CRITICAL + 1] = {0}, suppressed = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const cw_finding *f = &fs->v[i];
        if (!cw_out_visible(f, o)) {
            suppressed++;
            continue;
        }
        nvis++;
        if (f->suppressed_by) suppressed++;
        else count[f->rule && f->rule->severity <= CW_SEV_CRITICAL ? f->rule->severity : 0]++;
        /* a name shown for two different resources: those are shown by their id */
        const char *nm = res_name(f), *id = cw_out_resource_id(f);
        const char *prev = cw_hmap_get(&names, nm, strlen(nm));
        if (!prev) cw_hmap_put(&names, nm, strlen(nm), (void *)id);
        else if (prev != AMBIGUOUS && strcmp(prev, id) != 0) cw_hmap_put(&names, nm, strlen(nm), (void *)AMBIGUOUS);
    }
    for (size_t i = 0; i < fs->n; i++) {
        const cw_finding *f = &fs->v[i];
        if (!cw_out_visible(f, o)) continue;
        sanitize(&t.a, cw_out_rule_id(f));
        size_t w = width(t.a.buf ? t.a.buf : "");
        if (w > rule_max) rule_max = w;
        sanitize(&t.a, shown_name(&names, f));
        w = width(t.a.buf ? t.a.buf : "");
        if (w > res_max) res_max = w;
    }
    layout L = plan(term_width(out), rule_max, res_max);

    if (nvis) {
        if (color) cw_sb_adds(&e.sb, BOLD);
        cw_sb_adds(&e.sb, "SEVERITY");
        pad(&e.sb, 8, SEV_W);
        cw_sb_adds(&e.sb, SEP "RULE");
        pad(&e.sb, 4, L.rule_w);
        cw_sb_adds(&e.sb, SEP "RESOURCE");
        if (!L.stacked) {
            pad(&e.sb, 8, L.res_w);
            cw_sb_adds(&e.sb, SEP "EVIDENCE");
        }
        if (color) cw_sb_adds(&e.sb, RESET);
        cw_sb_addc(&e.sb, '\n');
    }

    int prev_sev = -1;
    for (size_t i = 0; i < fs->n; i++) {
        const cw_finding *f = &fs->v[i];
        if (!cw_out_visible(f, o)) continue;
        cw_severity sev = f->rule ? f->rule->severity : CW_SEV_INFO;
        if ((unsigned)sev > CW_SEV_CRITICAL) sev = CW_SEV_INFO;
        if (prev_sev >= 0 && (prev_sev != (int)sev || L.stacked)) cw_sb_addc(&e.sb, '\n');
        prev_sev = (int)sev;

        /* evidence, with the exception named when suppressed findings are shown */
        cw_strbuf raw = CW_STRBUF_INIT;
        if (f->suppressed_by) cw_sb_printf(&raw, "[suppressed: %s] ", f->suppressed_by);
        cw_sb_adds(&raw, f->evidence ? f->evidence : f->rule && f->rule->title ? f->rule->title : "");
        sanitize(&t.evid, raw.buf);
        cw_sb_free(&raw);
        const char *ev = t.evid.buf ? t.evid.buf : "";
        size_t nl = wrap(ev, L.ev_w, &t.lines, &t.cap);

        cw_strbuf rule_s = CW_STRBUF_INIT;
        sanitize(&rule_s, cw_out_rule_id(f));
        sanitize(&t.b, shown_name(&names, f));
        const char *rs = rule_s.buf ? rule_s.buf : "", *res = t.b.buf ? t.b.buf : "";

        cw_strbuf *sb = &e.sb;
        if (color) cw_sb_adds(sb, f->suppressed_by ? DIM : sev_color[sev]);
        cw_sb_adds(sb, sev_upper[sev]);
        if (color) cw_sb_adds(sb, RESET);
        pad(sb, strlen(sev_upper[sev]), SEV_W);
        cw_sb_adds(sb, SEP);
        cw_sb_adds(sb, rs);
        if (L.stacked && SEV_W + 2 * strlen(SEP) + width(rs) + width(res) > L.tw) {
            /* the resource on a line of its own, whole */
            cw_sb_addc(sb, '\n');
            pad(sb, 0, L.ev_indent);
        } else {
            pad(sb, width(rs), L.stacked ? width(rs) : L.rule_w);
            cw_sb_adds(sb, SEP);
        }
        cw_sb_adds(sb, res);
        size_t first = 0;
        if (!L.stacked && nl) {
            pad(sb, width(res), L.res_w);
            cw_sb_adds(sb, SEP);
            cw_sb_add(sb, ev + t.lines[0].off, t.lines[0].len);
            first = 1;
        }
        cw_sb_addc(sb, '\n');
        for (size_t l = first; l < nl; l++) {
            pad(sb, 0, L.ev_indent);
            if (!L.stacked) cw_sb_adds(sb, SEP);
            cw_sb_add(sb, ev + t.lines[l].off, t.lines[l].len);
            cw_sb_addc(sb, '\n');
        }
        cw_sb_free(&rule_s);
        cw_emit_maybe_flush(&e);
    }

    if (nvis) cw_sb_addc(&e.sb, '\n');
    write_summary(&e, &L, color, count, suppressed, info, &t);

    cw_sb_free(&t.a);
    cw_sb_free(&t.b);
    cw_sb_free(&t.evid);
    free(t.lines);
    cw_hmap_free(&names);
    return cw_emit_finish(&e);
}
