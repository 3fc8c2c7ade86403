/* fx_inv.h - the investigation's state, shared by investigate.c (requests and
 * actors) and coverage.c (hours, gaps, verdict). */
#ifndef CW_FX_INV_H
#define CW_FX_INV_H
#include "../analyze/ipset.h"
#include "../util/arena.h"
#include "../util/hmap.h"
#include "fx_int.h"

/* A set of whole hours (Unix seconds / 3600) as a bitmap that grows both ways. */
typedef struct cw_fx_hours {
    uint64_t *bits;
    int64_t base;  /* hour of bit 0 */
    size_t nwords;
    uint64_t count;
} cw_fx_hours;
void cw_fx_hours_mark(cw_fx_hours *h, int64_t hour);
bool cw_fx_hours_has(const cw_fx_hours *h, int64_t hour);
void cw_fx_hours_free(cw_fx_hours *h);

/* One object an actor touched. */
typedef struct fx_obj {
    const char *key;      /* "key" (one resource) or "bucket/key" */
    size_t keylen;
    uint64_t reads;
    int64_t max_full;     /* most bytes sent by one whole-object 200 response; -1 none */
    int64_t size;         /* largest object size the requests stated; -1 unknown */
    bool read_ok, copy, sized_source;
} fx_obj;

typedef struct fx_actor {
    cw_fx_kind kind;
    const char *id;
    size_t idlen;
    int64_t first, last;
    cw_hmap ips, uas, ops, objs;
    bool ips_capped, uas_capped;
    uint64_t bytes, requests, denied;
    bool listed, succeeded;
    bool provisional; /* an account that may turn out to be the owner's (decided at finish) */
} fx_actor;

/* An external request already counted, by request id. */
typedef struct fx_req {
    fx_actor *actor;
    int64_t bytes;
    bool counted;
} fx_req;

/* An external request already counted whose id is 16 hex digits (S3's request
 * ids, and CloudTrail's requestID of S3 data events): held as the 64-bit
 * number it is, in an open-addressing table (24 bytes a request instead of a
 * string map entry). actor NULL: empty slot; bytes < 0: not counted. */
typedef struct fx_idslot {
    uint64_t id;
    fx_actor *actor;
    int64_t bytes;
} fx_idslot;

typedef struct fx_idtab {
    fx_idslot *v;
    size_t cap, n; /* cap a power of two (or 0) */
} fx_idtab;

typedef struct fx_srcstate {
    cw_fx_source_out out;
    cw_fx_hours covered;    /* hours with a record of the resource (CloudTrail: of the trail) */
    cw_fx_hours unreadable; /* hours of files that could not be read whole */
    cw_fx_hours ct_data;    /* CloudTrail: hours with a data event of the resource */
} fx_srcstate;

struct cw_fx_inv {
    cw_arena arena;
    char **res;
    size_t *reslen, nres;
    cw_fx_window *win;
    size_t nwin;
    cw_hmap org;          /* internal account ids, canonical ids, tenants, names */
    bool have_org;
    cw_hmap owners;       /* owner accounts learned from the logs (CloudTrail bucket account) */
    cw_ipset trusted4, trusted6;
    size_t max_line;
    uint64_t gz_max_bytes, gz_max_ratio;
    cw_hmap actors;       /* "kind\0id" -> fx_actor */
    cw_hmap sizes;        /* object id -> int64_t* largest known size */
    cw_hmap reqids;       /* request ids of external requests already counted */
    fx_idtab hexids;      /* the same, for ids of 16 hex digits */
    fx_srcstate src[CW_FX_SRC__COUNT];
    uint64_t internal, service, duplicates, other_resource, outside_window, unrecognised;
    cw_diags diags;
    cw_fx_result result;
    bool finished;
};

bool cw_fx_in_window(const cw_fx_inv *inv, int64_t t);
/* coverage.c: hours, gaps and the verdict into inv->result. */
void cw_fx_coverage(cw_fx_inv *inv);
#endif
