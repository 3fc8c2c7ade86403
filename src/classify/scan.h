/* scan.h - per-file scan state shared by the engine (engine.c) and the format
 * trackers (csv.c, jsonctx.c, sqldump.c, text in engine.c).
 *
 * A tracker consumes the bytes of the current chunk in order, up to the position
 * the engine asks for, and keeps: the record number (s->rec), the context of the
 * field the position is in (s->ctx), and calls cw_scan_field() for each completed
 * field whose context names a field-level category (name, address, plate, date of
 * birth, national ID). Positions are offsets in the current chunk; a field that
 * began in an earlier chunk has start CW_NOPOS and is not validated. */
#ifndef CW_CLS_SCAN_H
#define CW_CLS_SCAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "classify.h"
#include "context.h"
#include "patterns.h"

#define CW_NOPOS ((size_t)-1)

typedef struct cw_scan cw_scan;

typedef struct cw_tracker_ops {
    const char *name;
    void (*advance)(cw_scan *s, size_t upto); /* consume s->buf[s->pos .. upto) */
    void (*chunk_begin)(cw_scan *s);         /* new chunk: fix positions held from the last one */
    void (*finish)(cw_scan *s);              /* end of input */
    /* Parallel segments (stream.c); NULL: the format is scanned in one piece.
     * copy:     dst's tracker state becomes src's (dst's allocated if NULL);
     * boundary: the state at the start of a record, as a record boundary in the
     *           middle of the file leaves it (the speculative entry of a segment);
     * same:     a scan entering the next chunk in state a does exactly what one in
     *           state b does (b: an entry made by boundary()); false when unsure. */
    void (*copy)(cw_scan *dst, const cw_scan *src);
    void (*boundary)(cw_scan *s);
    bool (*same)(const cw_scan *a, const cw_scan *b);
} cw_tracker_ops;

/* Tracker-private state lives in one of these. */
typedef struct cw_csv_state cw_csv_state;
typedef struct cw_json_state cw_json_state;
typedef struct cw_sql_state cw_sql_state;

struct cw_scan {
    /* input */
    const uint8_t *buf;
    size_t len;      /* bytes of this chunk the tracker may consume */
    size_t pos;      /* next byte the tracker will consume */
    uint64_t base;   /* file offset of buf[0] */
    const char *path;
    cw_informat fmt;
    /* tracker */
    const cw_tracker_ops *trk;
    cw_csv_state *csv;
    cw_json_state *json;
    cw_sql_state *sql;
    cw_ctx ctx;      /* context of the field at pos */
    bool in_header;  /* CSV header line: no matching */
    uint64_t rec;    /* records completed so far (current record number) */
    bool rec_open;   /* bytes seen in the current record */
    /* matching */
    cw_pat_scratch *ps;
    uint32_t *hits;   /* Vectorscan hits: (end offset << 3) | trigger, in end-offset order */
    uint32_t *hitterm; /* the vocabulary term of each CW_T_WORD hit (UINT32_MAX for others) */
    size_t nhits, caphits;
    uint32_t *rhits;  /* runs.c hits (VIN, digits), same encoding and order */
    size_t nrhits, caprhits;
    uint32_t last_vin_to;
    uint64_t *csvmap; /* CSV/TSV: delimiter/newline/quote bitmap of the chunk (runs.h), NULL otherwise */
    size_t capcsvmap;
    char csv_delim;   /* set by cw_csv_init */
    uint32_t *trg;    /* CSV: the chunk's text-ish field ranges (cw_csv_text_ranges) */
    size_t captrg;
    uint8_t *pack;    /* CSV: those fields' bytes, one after the other, for the pattern scan */
    size_t cappack;
    struct cw_vcache *vcache; /* verdicts of recent field values (names, dates... repeat): the worker's */
    size_t email_done, vin_done, digits_done; /* dedup: end of the last candidate span */
    bool no_bare_card, card_ctx; /* the digit run being tried is in free text without card context */
    uint64_t kw_end; /* file offset just after the last keyword hit */
    cw_ctx kw_ctx;
    uint64_t kv_start, kv_end; /* value span consumed by the last key=value hit */
    uint64_t last_rec_matched;
    bool any_rec_matched;
    /* country coherence (coherence.c): the countries the current record's values say
     * (bit 1 << cw_cc; national IDs not included), and the national-ID readings waiting
     * for the end of the record (or of the chunk, whichever comes first) */
    uint16_t rec_cc;
    cw_cc id_hint; /* cw_scan_field_ok -> cw_scan_value: the scheme a column or key names */
    struct cw_pend *pend;
    size_t npend, cappend;
    /* results */
    cw_file_report *rep;
    cw_file_report *tot;
    const cw_cls_opts *opts;
};

/* A completed field [start, end) with context ctx (tracker -> engine). */
void cw_scan_field(cw_scan *s, size_t start, size_t end, cw_ctx ctx);
/* Same; true when the value was counted. */
bool cw_scan_field_ok(cw_scan *s, size_t start, size_t end, cw_ctx ctx);
/* Country coherence (coherence.c). A national-ID reading of value [st, en) of the
 * chunk: mask = the countries whose scheme accepts it (cw_natid_readings), hint = the
 * country a column/key/keyword names (CW_CC_NONE: none), h = hash of the normalized
 * value; alt: a phone reading to count instead when the ID reading is refused. The
 * decision waits for the end of the record (or of the chunk). */
struct cw_phone;
void cw_scan_pend_natid(cw_scan *s, size_t st, size_t en, uint16_t mask, cw_cc hint, uint64_t h,
                        const struct cw_phone *alt);
/* Decide the waiting readings with the record's countries, then forget both. */
void cw_scan_rec_flush(cw_scan *s);

/* A record ends at the current position (tracker -> engine). */
static inline void cw_scan_record_end(cw_scan *s)
{
    if (s->npend) cw_scan_rec_flush(s);
    s->rec_cc = 0;
    if (s->rec_open) s->rec++;
    s->rec_open = false;
}

/* Tracker constructors (first: the first chunk of the file, for header detection). */
void cw_csv_init(cw_scan *s, const uint8_t *first, size_t n, char delim_hint);
void cw_json_init(cw_scan *s, bool ndjson);
void cw_sql_init(cw_scan *s);
void cw_text_init(cw_scan *s);
void cw_trackers_free(cw_scan *s);

/* Verdict cache of field values (hits.c): one per worker, kept across segments and
 * files; cw_vcache_part starts a part (a segment run: the values counted so far are
 * forgotten, the verdicts kept). */
typedef struct cw_vcache cw_vcache;
cw_vcache *cw_vcache_new(void);
void cw_vcache_free(cw_vcache *v);
void cw_vcache_part(cw_vcache *v);

/* Validate chunk bytes [st, en) as a value of cat (a field-level category) and count
 * it when valid (hits.c). weak: a generic key, the value must look the part. */
bool cw_scan_value(cw_scan *s, cw_cat cat, size_t st, size_t en, bool weak);
/* Free-text handlers (textctx.c): a vocabulary term ended at chunk position to
 * (ASCII terms: the byte after it is at to - 1); the Japanese postal mark. */
void cw_scan_word(cw_scan *s, size_t to, uint32_t term);
void cw_scan_postmark(cw_scan *s, size_t to);
/* A compatibility-form character whose first two bytes end at chunk position to: the
 * end of a full-width or half-width key (ＤＯＢ：, Ｅ－ｍａｉｌ: , ﾅﾝﾊﾞｰ=) or a full-width
 * colon after any key: the key, NFKC-normalised, gives the value its context (textctx.c). */
void cw_scan_compat(cw_scan *s, size_t to);

/* Free text, or a field whose name says nothing about its content. */
static inline bool cw_textish(const cw_scan *s)
{
    cw_ctx c = s->ctx;
    if (c & ~(CW_CTX_TEXT | CW_CTX_OTHER)) return false;
    if (c == 0 && (s->fmt == CW_IN_JSON || s->fmt == CW_IN_NDJSON)) return false;
    return true;
}

/* The keyword window (docs/classify.md): a keyword of context want ended at most
 * CW_NEAR_BYTES before chunk position p, on the same line. */
#define CW_NEAR_BYTES 40
static inline bool cw_kw_near(const cw_scan *s, size_t p, cw_ctx want)
{
    if (!(s->kw_ctx & want)) return false;
    uint64_t ap = s->base + p;
    if (s->kw_end > ap || ap - s->kw_end > CW_NEAR_BYTES || s->kw_end < s->base) return false;
    size_t k = (size_t)(s->kw_end - s->base);
    return !memchr(s->buf + k, '\n', p - k);
}

/* Count one validated value (engine.c): span [start, end) of the chunk, its country,
 * and its normalized form (for distinct counting). */
void cw_scan_accept(cw_scan *s, cw_cat cat, size_t start, size_t end, cw_cc cc, const void *norm, size_t nlen);
/* Same with the hash of the normalized form already known (cw_vhash). */
void cw_scan_accept_hash(cw_scan *s, cw_cat cat, size_t start, size_t end, cw_cc cc, uint64_t h);
/* Same; counted: this value is known to be in the distinct counter already. */
void cw_scan_accept_seen(cw_scan *s, cw_cat cat, size_t start, size_t end, cw_cc cc, uint64_t h, bool counted);
/* Vectorscan match callback (hits.c); ctx is the cw_scan: records the hit. */
int cw_scan_collect(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx);
/* Handle the hits collected for the current chunk, in order (hits.c). */
void cw_scan_hits(cw_scan *s);

/* The text-ish fields of a CSV chunk (csv.c, see there): ranges in rg, at most max;
 * SIZE_MAX when more are needed. */
size_t cw_csv_text_ranges(const cw_scan *s, const uint8_t *b, size_t n, const uint64_t *map, uint32_t *rg, size_t max);

/* Sniffing (csv.c): the delimiter of a CSV-like first chunk, 0 if not CSV. lenient:
 * the input is known to be CSV; rows may be ragged: fall back to the delimiter most
 * frequent in the first line. */
char cw_csv_sniff(const uint8_t *b, size_t n, bool lenient);
#endif
