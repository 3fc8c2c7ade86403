/* csv.c - CSV/TSV sniffing, header detection and the row/column tracker.
 * RFC 4180 quoting ("" inside quotes), CR LF or LF line ends, quoted newlines,
 * ragged rows (columns past the header have no context). */
#include "scan.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../util/arena.h"

#define CSV_MAXCOLS 1024

enum { F_START, F_UNQ, F_QUO, F_QUO_QUOTE };

struct cw_csv_state {
    char delim;
    int st;
    uint32_t col;
    size_t fstart;   /* start of the field value */
    size_t qend;     /* position of the closing quote of a quoted field */
    uint32_t ncols;
    bool header;     /* first line is a header still to skip */
    cw_ctx colctx[CSV_MAXCOLS];
    uint8_t special[256];
};

/* Count fields of one line (outside quotes); returns pointer past the line. */
static const uint8_t *count_fields(const uint8_t *p, const uint8_t *e, char d, int *nf)
{
    bool q = false;
    int n = 1;
    for (; p < e; p++) {
        if (*p == '"') q = !q;
        else if (!q && *p == (uint8_t)d) n++;
        else if (!q && *p == '\n') {
            p++;
            break;
        }
    }
    *nf = n;
    return p;
}

char cw_csv_sniff(const uint8_t *b, size_t n, bool lenient)
{
    if (n > 65536) n = 65536;
    static const char cands[] = {',', '\t', ';', '|'};
    char best = 0;
    int bestf = 1;
    for (size_t k = 0; k < sizeof cands; k++) {
        const uint8_t *p = b, *e = b + n;
        int first = -1, lines = 0, agree = 0;
        while (p < e && lines < 20) {
            const uint8_t *nl = memchr(p, '\n', (size_t)(e - p));
            if (!nl && lines > 0) break; /* partial last line */
            int nf;
            p = count_fields(p, e, cands[k], &nf);
            if (first < 0) first = nf;
            lines++;
            if (nf == first) agree++;
        }
        if (first >= 2 && (lines == 1 || agree * 5 >= lines * 4) && first > bestf) {
            best = cands[k];
            bestf = first;
        }
    }
    if (best || !lenient) return best;
    /* ragged: the candidate most frequent in the first line, if any */
    const uint8_t *nl = memchr(b, '\n', n);
    size_t l = nl ? (size_t)(nl - b) : n;
    int bestc = 0;
    for (size_t k = 0; k < sizeof cands; k++) {
        int c = 0;
        for (size_t i = 0; i < l; i++) c += b[i] == (uint8_t)cands[k];
        if (c > bestc) bestc = c, best = cands[k];
    }
    return best;
}

static bool headerish(const uint8_t *s, size_t n)
{
    if (n == 0 || n > 64) return false;
    bool letter = false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = s[i];
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') letter = true;
        else if (c >= 0x80) letter = true;
        else if (!((c >= '0' && c <= '9') || strchr(" _-./#()", c))) return false;
    }
    return letter;
}

/* Parse the first line as a header if it looks like one; fills colctx. */
static bool parse_header(cw_csv_state *c, const uint8_t *b, size_t n)
{
    const uint8_t *nl = memchr(b, '\n', n);
    if (!nl) return false;
    size_t len = (size_t)(nl - b);
    if (len && b[len - 1] == '\r') len--;
    uint32_t col = 0;
    size_t i = 0;
    cw_ctx tmp[CSV_MAXCOLS];
    while (i <= len && col < CSV_MAXCOLS) {
        size_t s = i, e;
        if (i < len && b[i] == '"') {
            s = ++i;
            while (i < len && b[i] != '"') i++;
            e = i;
            while (i < len && b[i] != (uint8_t)c->delim) i++;
        } else {
            while (i < len && b[i] != (uint8_t)c->delim) i++;
            e = i;
        }
        while (s < e && b[s] == ' ') s++;
        while (e > s && b[e - 1] == ' ') e--;
        if (!headerish(b + s, e - s)) return false;
        tmp[col++] = cw_ctx_of_name((const char *)b + s, e - s, NULL, 0);
        i++;
    }
    memcpy(c->colctx, tmp, col * sizeof *tmp);
    c->ncols = col;
    return true;
}

static inline cw_ctx col_ctx(const cw_csv_state *c, uint32_t col)
{
    return col < c->ncols ? c->colctx[col] : 0;
}

static inline void end_field(cw_scan *s, cw_csv_state *c, size_t end)
{
    cw_ctx ctx = col_ctx(c, c->col);
    if ((ctx & CW_CTX_FIELD_CATS) && c->fstart != CW_NOPOS && !s->in_header) {
        size_t e = c->st == F_QUO_QUOTE ? c->qend : end;
        if (e > c->fstart && s->buf[e - 1] == '\r') e--;
        cw_scan_field(s, c->fstart, e, ctx);
    }
}

/* First position >= i (and < upto) whose bit is set in the chunk's CSV bitmap, else upto. */
static inline size_t next_special(const uint64_t *map, size_t i, size_t upto)
{
    if (i >= upto) return upto;
    size_t w = i >> 6;
    uint64_t m = map[w] & (~0ULL << (i & 63));
    while (!m) {
        if ((++w << 6) >= upto) return upto;
        m = map[w];
    }
    size_t p = (w << 6) + (size_t)__builtin_ctzll(m);
    return p < upto ? p : upto;
}

/* Is b[i] a delimiter, '\n' or '"'? (the chunk's bitmap when there is one) */
static inline bool is_special(const cw_scan *s, const cw_csv_state *c, size_t i)
{
    return s->csvmap ? (s->csvmap[i >> 6] >> (i & 63)) & 1 : c->special[s->buf[i]];
}

/* The first special byte at or after i (upto if none before it). */
static inline size_t skip_plain(const cw_scan *s, const cw_csv_state *c, size_t i, size_t upto)
{
    if (s->csvmap) return next_special(s->csvmap, i, upto);
    while (i < upto && !c->special[s->buf[i]]) i++;
    return i;
}

static void csv_advance(cw_scan *s, size_t upto)
{
    cw_csv_state *c = s->csv;
    const uint8_t *b = s->buf;
    size_t i = s->pos;
    const uint8_t d = (uint8_t)c->delim;
    while (i < upto) {
        uint8_t ch = b[i];
        if (__builtin_expect(c->st >= F_QUO, 0)) {
            if (c->st == F_QUO) {
                const uint8_t *q = memchr(b + i, '"', upto - i);
                if (!q) {
                    i = upto;
                    continue;
                }
                i = (size_t)(q - b);
                c->qend = i;
                c->st = F_QUO_QUOTE;
                i++;
                continue;
            }
            if (ch == '"') { /* F_QUO_QUOTE: "" escape */
                c->st = F_QUO;
                i++;
                continue;
            }
        } else if (c->st == F_START && ch == '"') {
            c->st = F_QUO;
            c->fstart = i + 1;
            s->rec_open = true;
            i++;
            continue;
        }
        /* unquoted field bytes (or the byte after a closing quote) */
        if (!c->special[ch]) {
            if (c->st != F_QUO_QUOTE) c->st = F_UNQ;
            s->rec_open = true;
            i = skip_plain(s, c, i + 1, upto);
            continue;
        }
        if (ch == d) {
            end_field(s, c, i);
            c->col++;
            c->st = F_START;
            c->fstart = i + 1;
            s->ctx = col_ctx(c, c->col);
            s->rec_open = true;
        } else if (ch == '\n') {
            end_field(s, c, i);
            c->col = 0;
            c->st = F_START;
            c->fstart = i + 1;
            if (s->in_header) {
                s->in_header = false;
                s->rec_open = false;
            } else {
                cw_scan_record_end(s);
            }
            s->ctx = col_ctx(c, 0);
        } else { /* a quote inside an unquoted field: literal */
            if (c->st != F_QUO_QUOTE) c->st = F_UNQ;
            s->rec_open = true;
            i++;
            continue;
        }
        i++;
        /* a new field: when it starts with a plain byte, go straight to its end (what
         * the next round would do) */
        if (i < upto && !is_special(s, c, i)) {
            c->st = F_UNQ;
            s->rec_open = true;
            i = skip_plain(s, c, i + 1, upto);
        }
    }
    s->pos = upto;
}

/* The free-text fields of the chunk b[0..n) (CSV bitmap map), as the tracker, now at
 * the chunk's start, will see them: ranges [rg[2k], rg[2k+1]) of whole fields whose
 * column is text-ish (cw_textish), quotes included. Only there do vocabulary terms
 * count (cw_scan_hits), and a term holds no delimiter, quote or newline (checked by
 * the caller), so scanning these bytes finds every term that counts. The state
 * machine is csv_advance's: a quote opens a quoted field only as its first byte,
 * after a closing quote it opens one again, elsewhere it is a literal. Returns the
 * number of ranges, or SIZE_MAX when more than max would be needed. */
size_t cw_csv_text_ranges(const cw_scan *s, const uint8_t *b, size_t n, const uint64_t *map, uint32_t *rg, size_t max)
{
    const cw_csv_state *c = s->csv;
    const uint8_t d = (uint8_t)c->delim;
    int st = c->st;
    uint32_t col = c->col;
    size_t fs = 0, nr = 0;
    for (size_t w = 0; w * 64 < n; w++) {
        uint64_t m = map[w];
        while (m) {
            size_t p = w * 64 + (size_t)__builtin_ctzll(m);
            m &= m - 1;
            if (p >= n) break;
            uint8_t ch = b[p];
            if (st == F_QUO) {
                if (ch == '"') st = F_QUO_QUOTE;
                continue;
            }
            if (ch == '"') {
                st = st == F_QUO_QUOTE || (st == F_START && p == fs) ? F_QUO : F_UNQ;
                continue;
            }
            if (ch != d && ch != '\n') continue; /* not special here (cannot happen) */
            cw_ctx x = col_ctx(c, col);
            if (!(x & ~(CW_CTX_TEXT | CW_CTX_OTHER)) && p > fs) {
                if (nr && rg[2 * nr - 1] + 1 >= fs) rg[2 * nr - 1] = (uint32_t)p; /* next to the last one */
                else if (nr == max) return SIZE_MAX;
                else rg[2 * nr] = (uint32_t)fs, rg[2 * nr + 1] = (uint32_t)p, nr++;
            }
            col = ch == d ? col + 1 : 0;
            st = F_START;
            fs = p + 1;
        }
    }
    cw_ctx x = col_ctx(c, col);
    if (!(x & ~(CW_CTX_TEXT | CW_CTX_OTHER)) && n > fs) {
        if (nr && rg[2 * nr - 1] + 1 >= fs) rg[2 * nr - 1] = (uint32_t)n;
        else if (nr == max) return SIZE_MAX;
        else rg[2 * nr] = (uint32_t)fs, rg[2 * nr + 1] = (uint32_t)n, nr++;
    }
    return nr;
}

static void csv_chunk_begin(cw_scan *s)
{
    cw_csv_state *c = s->csv;
    c->fstart = c->st == F_START ? 0 : CW_NOPOS;
}

static void csv_finish(cw_scan *s)
{
    cw_csv_state *c = s->csv;
    if (s->rec_open) {
        end_field(s, c, s->len);
        cw_scan_record_end(s);
    }
}

static void csv_copy(cw_scan *dst, const cw_scan *src)
{
    if (!dst->csv) dst->csv = cw_xmalloc(sizeof *dst->csv);
    const cw_csv_state *a = src->csv;
    cw_csv_state *c = dst->csv;
    /* everything but the unused tail of the column table */
    memcpy(c, a, offsetof(cw_csv_state, colctx));
    memcpy(c->colctx, a->colctx, a->ncols * sizeof *a->colctx);
    memcpy(c->special, a->special, sizeof c->special);
}

static void csv_boundary(cw_scan *s)
{
    cw_csv_state *c = s->csv;
    c->st = F_START;
    c->col = 0;
    c->fstart = 0;
    s->in_header = false;
    s->ctx = col_ctx(c, 0);
}

/* At a line end outside quotes: same columns (the header), field 0. fstart and
 * qend are set before they are read (chunk_begin, the next quote). */
static bool csv_same(const cw_scan *x, const cw_scan *y)
{
    const cw_csv_state *a = x->csv, *b = y->csv;
    return a->st == F_START && b->st == F_START && a->col == 0 && b->col == 0 && a->delim == b->delim &&
           a->ncols == b->ncols && memcmp(a->colctx, b->colctx, a->ncols * sizeof *a->colctx) == 0;
}

static const cw_tracker_ops csv_ops = {"csv", csv_advance, csv_chunk_begin, csv_finish, csv_copy, csv_boundary, csv_same};

void cw_csv_init(cw_scan *s, const uint8_t *first, size_t n, char delim)
{
    cw_csv_state *c = cw_xcalloc(1, sizeof *c);
    c->delim = delim ? delim : ',';
    c->special[(uint8_t)c->delim] = 1;
    c->special['\n'] = 1;
    c->special['"'] = 1;
    c->st = F_START;
    c->fstart = 0;
    s->csv = c;
    s->csv_delim = c->delim;
    s->trk = &csv_ops;
    s->in_header = parse_header(c, first, n);
    s->ctx = s->in_header ? 0 : col_ctx(c, 0);
}

void cw_trackers_free(cw_scan *s)
{
    free(s->csv);
    free(s->json);
    free(s->sql);
    s->csv = NULL;
    s->json = NULL;
    s->sql = NULL;
}
