/* coherence.c - country coherence of a record (docs/classify.md, "Country coherence").
 *
 * A national-ID scheme is a checksum over a few digits: a Thai landline written
 * `038 500 080` is also a valid Australian TFN, an Indonesian mobile `0852 0499 9622`
 * a valid Japanese My Number. What tells them apart is the rest of the record: its
 * phone's country code, its address, its plate, its e-mail's ccTLD. So a national-ID
 * reading is not counted when the value is seen; it waits for the end of its record
 * (or of the chunk, whichever comes first: chunks are the same on any number of
 * threads, so the report is too) and is then decided:
 *
 *   - a column, key or keyword that names one country's scheme (`TFN`, `NIK`,
 *     `マイナンバー`) is the stronger evidence: that country's reading is taken, and a
 *     value that has no reading of that country is not an ID;
 *   - else, when the record's other values say no country, the first reading is
 *     taken (as without coherence);
 *   - else a reading of one of the record's countries is taken;
 *   - else the reading contradicts the record: not an ID (a phone reading is counted
 *     instead when the value had phone context).
 */
#include <string.h>

#include "../util/arena.h"
#include "counters.h"
#include "natid.h"
#include "phone.h"
#include "scan.h"

typedef struct cw_pend {
    uint32_t st, en;  /* chunk offsets */
    uint16_t mask;    /* countries whose scheme reads the value */
    uint8_t hint;     /* the country a column/key/keyword names, 0 none */
    uint8_t alt_cc;   /* the phone reading's country */
    bool alt;         /* there is a phone reading */
    uint64_t h;       /* hash of the normalized ID */
    uint64_t alt_h;   /* hash of the phone's E.164 form */
} cw_pend;

void cw_scan_pend_natid(cw_scan *s, size_t st, size_t en, uint16_t mask, cw_cc hint, uint64_t h,
                        const struct cw_phone *alt)
{
    if (s->npend == s->cappend) {
        s->cappend = s->cappend ? s->cappend * 2 : 16;
        s->pend = cw_xrealloc(s->pend, s->cappend * sizeof *s->pend);
    }
    cw_pend *p = &s->pend[s->npend++];
    memset(p, 0, sizeof *p);
    p->st = (uint32_t)st;
    p->en = (uint32_t)en;
    p->mask = mask;
    p->hint = (uint8_t)hint;
    p->h = h;
    if (alt) {
        p->alt = true;
        p->alt_cc = (uint8_t)alt->cc;
        p->alt_h = cw_vhash(alt->e164, alt->e164_len);
    }
}

/* The reading taken for mask given the record's countries rec and the hint. */
static cw_cc decide(uint16_t mask, cw_cc hint, uint16_t rec)
{
    if (hint) return (mask >> hint & 1) ? hint : CW_CC_NONE;
    if (!rec) return cw_natid_first(mask);
    return cw_natid_first(mask & rec); /* none of the record's countries: contradicts */
}

void cw_scan_rec_flush(cw_scan *s)
{
    /* ascending offsets, as counted without coherence (masked samples are the first ones) */
    uint16_t rec = s->rec_cc; /* what is counted below says nothing more */
    for (size_t i = 0; i < s->npend; i++) {
        const cw_pend *p = &s->pend[i];
        cw_cc cc = decide(p->mask, (cw_cc)p->hint, rec);
        if (cc != CW_CC_NONE) cw_scan_accept_hash(s, CW_CAT_NATIONAL_ID, p->st, p->en, cc, p->h);
        else if (p->alt) cw_scan_accept_hash(s, CW_CAT_PHONE, p->st, p->en, (cw_cc)p->alt_cc, p->alt_h);
    }
    s->npend = 0;
    s->rec_cc = 0;
}
