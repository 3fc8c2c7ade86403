/* table.c - `--format table` (default): aligned columns for a terminal.
 *
 *   SEVERITY  RULE                  RESOURCE                 EVIDENCE
 *   CRITICAL  aws-s3-bucket-public  s3:dealer-exports        ACL grants READ to AllUsers; no
 *                                                            bucket or account block ...
 *
 * Width: $COLUMNS when set, else 100. Evidence wraps at word boundaries;
 * long resource ids are shortened (an ARN to service:resource, otherwise
 * an ellipsis in the middle). Text from the inventory is sanitised: control
 * bytes (escape sequences included) and invalid UTF-8 become '?', so a tag
 * value cannot drive the terminal. ANSI colour only when o->color. */
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"
#include "emit.h"

#define SEP "  "
#define SEV_W 8
#define ELLIPSIS "\xE2\x80\xA6" /* U+2026, one column */

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

/* Copy s into sb: controls -> '?' (newline/tab -> space), invalid UTF-8 -> '?'. */
static void sanitize(cw_strbuf *sb, const char *s)
{
    cw_sb_reset(sb);
    if (!s) return;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p == '\n' || *p == '\t' || *p == '\r') {
            cw_sb_addc(sb, ' ');
            p++;
        } else if (*p < 0x20 || *p == 0x7F) {
            cw_sb_addc(sb, '?');
            p++;
        } else {
            size_t l = utf8_seq(p);
            if (!l) {
                cw_sb_addc(sb, '?');
                p++;
            } else {
                cw_sb_add(sb, p, l);
                p += l;
            }
        }
    }
}

static size_t width_n(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) w++;
    return w;
}
static size_t width(const char *s) { return width_n(s, strlen(s)); }

/* byte offset of the code point number k in s (or strlen) */
static size_t cp_offset(const char *s, size_t k)
{
    size_t i = 0, seen = 0;
    while (s[i]) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (seen == k) return i;
            seen++;
        }
        i++;
    }
    return i;
}

/* Fit a (sanitised) id into max columns. */
static void shorten(cw_strbuf *out, const char *id, size_t max)
{
    cw_sb_reset(out);
    size_t w = width(id);
    if (w <= max) {
        cw_sb_adds(out, id);
        return;
    }
    /* arn:partition:service:region:account:resource -> service:resource */
    if (strncmp(id, "arn:", 4) == 0) {
        const char *f[5];
        const char *p = id;
        int k = 0;
        while (k < 5 && (p = strchr(p, ':'))) f[k++] = ++p;
        if (k == 5) {
            size_t svc = (size_t)(f[2] - f[1] - 1);
            if (svc + 1 + width(f[4]) <= max) {
                cw_sb_add(out, f[1], svc);
                cw_sb_addc(out, ':');
                cw_sb_adds(out, f[4]);
                return;
            }
            id = f[4]; /* the resource part is what identifies it */
            w = width(id);
            if (w <= max) {
                cw_sb_adds(out, id);
                return;
            }
        }
    }
    if (max < 2) {
        cw_sb_adds(out, ELLIPSIS);
        return;
    }
    size_t head = (max - 1) / 3, tail = max - 1 - head; /* ids differ at the end */
    cw_sb_add(out, id, cp_offset(id, head));
    cw_sb_adds(out, ELLIPSIS);
    cw_sb_adds(out, id + cp_offset(id, w - tail));
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

static size_t term_width(void)
{
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

int cw_out_table(FILE *out, const cw_scan_info *info, const cw_findings *fs, const cw_output_opts *o)
{
    cw_emit e;
    cw_emit_init(&e, out);
    bool color = o && o->color;
    size_t tw = term_width();
    tstate t = {CW_STRBUF_INIT, CW_STRBUF_INIT, CW_STRBUF_INIT, NULL, 0};

    /* column widths from the visible findings */
    size_t rule_w = 4, res_w = 8, nvis = 0;
    size_t count[CW_SEV_CRITICAL + 1] = {0}, suppressed = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const cw_finding *f = &fs->v[i];
        if (!cw_out_visible(f, o)) {
            suppressed++;
            continue;
        }
        nvis++;
        if (f->suppressed_by) suppressed++;
        else count[f->rule ? f->rule->severity : CW_SEV_INFO]++;
        sanitize(&t.a, cw_out_rule_id(f));
        size_t w = width(t.a.buf ? t.a.buf : "");
        if (w > rule_w) rule_w = w;
        sanitize(&t.a, cw_out_resource_id(f));
        w = width(t.a.buf ? t.a.buf : "");
        if (w > res_w) res_w = w;
    }
    if (rule_w > 36) rule_w = 36;
    if (res_w > 44) res_w = 44;
    size_t fixed = SEV_W + 3 * strlen(SEP);
    const size_t min_ev = 24;
    while (fixed + rule_w + res_w + min_ev > tw && res_w > 16) res_w--;
    while (fixed + rule_w + res_w + min_ev > tw && rule_w > 12) rule_w--;
    size_t ev_w = tw > fixed + rule_w + res_w + min_ev ? tw - fixed - rule_w - res_w : min_ev;

    if (nvis) {
        if (color) cw_sb_adds(&e.sb, BOLD);
        cw_sb_adds(&e.sb, "SEVERITY");
        pad(&e.sb, 8, SEV_W);
        cw_sb_adds(&e.sb, SEP "RULE");
        pad(&e.sb, 4, rule_w);
        cw_sb_adds(&e.sb, SEP "RESOURCE");
        pad(&e.sb, 8, res_w);
        cw_sb_adds(&e.sb, SEP "EVIDENCE");
        if (color) cw_sb_adds(&e.sb, RESET);
        cw_sb_addc(&e.sb, '\n');
    }

    int prev_sev = -1;
    for (size_t i = 0; i < fs->n; i++) {
        const cw_finding *f = &fs->v[i];
        if (!cw_out_visible(f, o)) continue;
        cw_severity sev = f->rule ? f->rule->severity : CW_SEV_INFO;
        if ((unsigned)sev > CW_SEV_CRITICAL) sev = CW_SEV_INFO;
        if (prev_sev >= 0 && prev_sev != (int)sev) cw_sb_addc(&e.sb, '\n'); /* group break */
        prev_sev = (int)sev;

        /* evidence, with the exception named when suppressed findings are shown */
        cw_strbuf raw = CW_STRBUF_INIT;
        if (f->suppressed_by) cw_sb_printf(&raw, "[suppressed: %s] ", f->suppressed_by);
        cw_sb_adds(&raw, f->evidence ? f->evidence : f->rule && f->rule->title ? f->rule->title : "");
        sanitize(&t.evid, raw.buf);
        cw_sb_free(&raw);
        const char *ev = t.evid.buf ? t.evid.buf : "";
        size_t nl = wrap(ev, ev_w, &t.lines, &t.cap);

        sanitize(&t.a, cw_out_rule_id(f));
        cw_strbuf rule_s = CW_STRBUF_INIT;
        shorten(&rule_s, t.a.buf ? t.a.buf : "", rule_w);
        sanitize(&t.a, cw_out_resource_id(f));
        shorten(&t.b, t.a.buf ? t.a.buf : "", res_w);

        for (size_t l = 0; l < (nl ? nl : 1); l++) {
            cw_strbuf *sb = &e.sb;
            if (l == 0) {
                if (color) cw_sb_adds(sb, f->suppressed_by ? DIM : sev_color[sev]);
                cw_sb_adds(sb, sev_upper[sev]);
                if (color) cw_sb_adds(sb, RESET);
                pad(sb, strlen(sev_upper[sev]), SEV_W);
                cw_sb_adds(sb, SEP);
                cw_sb_adds(sb, rule_s.buf ? rule_s.buf : "");
                pad(sb, width(rule_s.buf ? rule_s.buf : ""), rule_w);
                cw_sb_adds(sb, SEP);
                cw_sb_adds(sb, t.b.buf ? t.b.buf : "");
                pad(sb, width(t.b.buf ? t.b.buf : ""), res_w);
            } else {
                pad(sb, 0, SEV_W + rule_w + res_w + 2 * strlen(SEP));
            }
            if (nl) {
                cw_sb_adds(sb, SEP);
                cw_sb_add(sb, ev + t.lines[l].off, t.lines[l].len);
            }
            cw_sb_addc(sb, '\n');
        }
        cw_sb_free(&rule_s);
        cw_emit_maybe_flush(&e);
    }

    /* one-line summary */
    size_t total = 0;
    for (int s = 0; s <= CW_SEV_CRITICAL; s++) total += count[s];
    if (nvis) cw_sb_addc(&e.sb, '\n');
    if (color) cw_sb_adds(&e.sb, BOLD);
    if (total == 0) cw_sb_adds(&e.sb, "No findings");
    else cw_sb_printf(&e.sb, "%zu finding%s", total, total == 1 ? "" : "s");
    if (color) cw_sb_adds(&e.sb, RESET);
    cw_sb_adds(&e.sb, ":");
    for (int s = CW_SEV_CRITICAL; s >= CW_SEV_INFO; s--) {
        cw_sb_addc(&e.sb, ' ');
        if (color && count[s]) cw_sb_adds(&e.sb, sev_color[s]);
        cw_sb_printf(&e.sb, "%zu %s", count[s], cw_severity_name((cw_severity)s));
        if (color && count[s]) cw_sb_adds(&e.sb, RESET);
        if (s > CW_SEV_INFO) cw_sb_addc(&e.sb, ',');
    }
    if (suppressed) cw_sb_printf(&e.sb, "; %zu suppressed by exceptions", suppressed);
    if (info) cw_sb_printf(&e.sb, " (%zu assets, %zu rules)", info->assets, info->nrules);
    cw_sb_addc(&e.sb, '\n');

    cw_sb_free(&t.a);
    cw_sb_free(&t.b);
    cw_sb_free(&t.evid);
    free(t.lines);
    return cw_emit_finish(&e);
}
