/* report_mask.c - no personal value reaches the report unmasked: every free
 * text taken from the inputs (object keys, user agents, samples, titles) is
 * classified with the classify engine itself (text format, span output) and
 * each value it validates is replaced by its masked form (cw_mask, as classify
 * masks samples). Masked samples stay masked: a masked value does not
 * validate again.
 *
 * Classify needs context for some values (a VIN without a check digit, a
 * phone number without a keyword are not validated in free text). Object keys
 * have none, so a second, conservative pass masks what merely looks like one:
 * a run of 8 or more digits with phone separators (not a date), a 17-character
 * VIN-shaped token, an e-mail-shaped token. Over-masking a key is acceptable;
 * letting a value through is not. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../classify/classify.h"
#include "../classify/mask.h"
#include "../util/strbuf.h"
#include "report.h"

typedef struct masker {
    const cw_classifier *cls; /* shared: compiled once per process, immutable */
    cw_cls_run *run;
    cw_cls_opts opts;
    FILE *spans;
    char *sbuf;
    size_t slen;
    bool broken;
} masker;

typedef struct span {
    size_t off, len;
    cw_cat cat;
} span;

/* The classifier is immutable after it is built and may be shared (classify.h):
 * one per process, so that reports (and the fuzz target) do not compile the
 * pattern database each time. */
static cw_classifier *shared_cls;
static char shared_err[256];
static pthread_once_t shared_once = PTHREAD_ONCE_INIT;
static void build_shared(void) { shared_cls = cw_classifier_new(shared_err, sizeof shared_err); }

static masker *get(cw_rpt *r)
{
    masker *m = r->masker;
    if (m) return m;
    m = cw_xcalloc(1, sizeof *m);
    r->masker = m;
    pthread_once(&shared_once, build_shared);
    const char *err = shared_err;
    m->cls = shared_cls;
    m->spans = open_memstream(&m->sbuf, &m->slen);
    if (!m->cls || !m->spans) {
        m->broken = true;
        cw_diag_add(&r->diags, CW_DIAG_ERROR, NULL, 0, 0, 0, NULL, "cannot start the masking classifier: %s",
                    m->cls ? "no memory stream" : err);
        return m;
    }
    cw_cls_opts_default(&m->opts);
    m->opts.informat = CW_IN_TEXT;
    m->opts.samples = 0;
    m->opts.spans = m->spans;
    m->run = cw_cls_run_new(m->cls, &m->opts);
    if (!m->run) m->broken = true;
    return m;
}

void cw_rpt_mask_free(cw_rpt *r);
void cw_rpt_mask_free(cw_rpt *r)
{
    masker *m = r->masker;
    if (!m) return;
    if (m->run) cw_cls_run_free(m->run);
    if (m->spans) fclose(m->spans);
    free(m->sbuf);
    free(m);
    r->masker = NULL;
}

static bool cat_of(const char *name, size_t n, cw_cat *out)
{
    for (int c = 0; c < CW_CAT__COUNT; c++) {
        const char *cn = cw_cat_name((cw_cat)c);
        if (strlen(cn) == n && memcmp(cn, name, n) == 0) {
            *out = (cw_cat)c;
            return true;
        }
    }
    return false;
}

static int cmp_span(const void *a, const void *b)
{
    const span *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* Spans written since offset from by classifying s. */
static size_t find_spans(masker *m, const char *s, size_t n, span *out, size_t max)
{
    fflush(m->spans);
    size_t from = m->slen;
    cw_cls_buffer(m->run, "-", s, n);
    fflush(m->spans);
    size_t k = 0;
    const char *p = m->sbuf + from, *end = m->sbuf + m->slen;
    while (p < end && k < max) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) break;
        /* path \t offset \t length \t category \t country */
        const char *f[5];
        size_t nf = 0;
        f[nf++] = p;
        for (const char *q = p; q < nl && nf < 5; q++)
            if (*q == '\t') f[nf++] = q + 1;
        if (nf == 5) {
            span sp;
            sp.off = strtoull(f[1], NULL, 10);
            sp.len = strtoull(f[2], NULL, 10);
            const char *ce = memchr(f[3], '\t', (size_t)(nl - f[3]));
            if (ce && cat_of(f[3], (size_t)(ce - f[3]), &sp.cat) && sp.off + sp.len <= n) out[k++] = sp;
        }
        p = nl + 1;
    }
    /* the stream only grows: forget what was read */
    if (m->slen > (1u << 20)) {
        fclose(m->spans);
        free(m->sbuf);
        m->sbuf = NULL, m->slen = 0;
        m->spans = open_memstream(&m->sbuf, &m->slen);
        m->opts.spans = m->spans;
        cw_cls_run_free(m->run);
        m->run = m->spans ? cw_cls_run_new(m->cls, &m->opts) : NULL;
        if (!m->run) m->broken = true;
    }
    return k;
}

static bool vin_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q');
}

static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Look-alike spans classify did not validate (see above), appended to sp. */
static size_t lookalikes(const char *s, size_t n, span *sp, size_t k, size_t max)
{
    for (size_t i = 0; i < n && k < max;) {
        unsigned char c = (unsigned char)s[i];
        /* phone-like: [+(]digits with blanks, dashes, parentheses */
        if (is_digit(c) || ((c == '+' || c == '(') && i + 1 < n && is_digit((unsigned char)s[i + 1]))) {
            size_t j = i, digits = 0;
            while (j < n && (is_digit((unsigned char)s[j]) || strchr("+()- ", s[j]))) digits += is_digit((unsigned char)s[j++]);
            while (j > i && !is_digit((unsigned char)s[j - 1])) j--;
            bool date = j - i >= 10 && is_digit((unsigned char)s[i]) && s[i + 4] == '-' && is_digit((unsigned char)s[i + 5]);
            if (digits >= 8 && !date) {
                sp[k++] = (span){i, j - i, CW_CAT_PHONE};
                i = j;
                continue;
            }
        }
        /* VIN-like: 17 VIN characters with letters and digits, on token boundaries */
        if (vin_char(c) && (i == 0 || !vin_char((unsigned char)s[i - 1])) && i + 17 <= n) {
            size_t j = i, letters = 0, digits = 0;
            while (j < n && vin_char((unsigned char)s[j])) digits += is_digit((unsigned char)s[j]), letters += !is_digit((unsigned char)s[j]), j++;
            if (j - i == 17 && letters >= 2 && digits >= 3) {
                sp[k++] = (span){i, 17, CW_CAT_VIN};
                i = j;
                continue;
            }
        }
        /* e-mail-like: local@domain.tld */
        if (c == '@' && i > 0 && i + 3 < n) {
            size_t a = i, b = i + 1;
            while (a > 0 && (isalnum((unsigned char)s[a - 1]) || strchr("._%+-", s[a - 1]))) a--;
            while (b < n && (isalnum((unsigned char)s[b]) || strchr(".-", s[b]))) b++;
            if (a < i && memchr(s + i, '.', b - i)) {
                sp[k++] = (span){a, b - a, CW_CAT_EMAIL};
                i = b;
                continue;
            }
        }
        i++;
    }
    return k;
}

const char *cw_rpt_mask(cw_rpt *r, const char *s, size_t n)
{
    masker *m = get(r);
    if (m->broken) return "[masked]"; /* never let a value through unchecked */
    span sp[128];
    size_t k = find_spans(m, s, n, sp, 64);
    k = lookalikes(s, n, sp, k, 128);
    if (!k) return cw_arena_strndup(&r->arena, s, n);
    qsort(sp, k, sizeof *sp, cmp_span);
    cw_strbuf out = CW_STRBUF_INIT;
    size_t at = 0;
    for (size_t i = 0; i < k; i++) {
        if (sp[i].off < at) continue; /* overlapping spans: the first one covers it */
        cw_sb_add(&out, s + at, sp[i].off - at);
        char *mk = cw_mask(sp[i].cat, s + sp[i].off, sp[i].len);
        cw_sb_adds(&out, mk);
        free(mk);
        at = sp[i].off + sp[i].len;
    }
    cw_sb_add(&out, s + at, n - at);
    const char *res = cw_arena_strndup(&r->arena, out.buf, out.len);
    cw_sb_free(&out);
    return res;
}
