/* investigate.c - from requests to external actors: filtering by resource and
 * window, who is outside, de-duplication across sources, one record per
 * actor. See docs/investigate.md for the method. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fx_inv.h"

#define MAX_SET 1000          /* distinct IPs / user agents kept per actor */
#define MAX_PROBLEMS_PER_FILE 20
#define ORDER_TOLERANCE 3600  /* a record this much earlier than one before it is not a delivery jitter */

const char *cw_fx_source_name(cw_fx_source s)
{
    static const char *const n[] = {"s3-access-log", "cloudtrail", "gcs-usage-log", "azure-storage-log"};
    return s < CW_FX_SRC__COUNT ? n[s] : "?";
}

const char *cw_fx_kind_name(cw_fx_kind k)
{
    static const char *const n[] = {"anonymous", "external-account", "presigned-external"};
    return k <= CW_FX_KIND_PRESIGNED ? n[k] : "?";
}

const char *cw_fx_gapkind_name(cw_fx_gapkind k)
{
    static const char *const n[] = {"no-logs", "before-logging", "unreadable", "no-data-events"};
    return k <= CW_FX_GAP_NO_DATA_EVENTS ? n[k] : "?";
}

size_t cw_fx_max_line(const cw_fx_inv *inv) { return inv->max_line; }
void cw_fx_gz_limits(const cw_fx_inv *inv, uint64_t *max_bytes, uint64_t *max_ratio)
{
    *max_bytes = inv->gz_max_bytes, *max_ratio = inv->gz_max_ratio;
}

/* ---- setup ---------------------------------------------------------------- */
static const char *resource_name(const char *r, size_t *n)
{
    static const char *const prefixes[] = {"arn:aws:s3:::", "arn:aws-cn:s3:::", "arn:aws-us-gov:s3:::", "gs://",
                                           "https://", "s3://", NULL};
    for (int i = 0; prefixes[i]; i++) {
        size_t pl = strlen(prefixes[i]);
        if (strncmp(r, prefixes[i], pl) == 0) {
            r += pl;
            break;
        }
    }
    size_t len = strlen(r);
    /* Azure: account.blob.core.windows.net/container -> account/container */
    const char *dot = strstr(r, ".blob.core.windows.net");
    static __thread char az[512];
    if (dot) {
        const char *rest = dot + strlen(".blob.core.windows.net");
        snprintf(az, sizeof az, "%.*s%s", (int)(dot - r), r, rest);
        r = az, len = strlen(az);
    }
    while (len && r[len - 1] == '/') len--;
    *n = len;
    return r;
}

cw_fx_inv *cw_fx_inv_new(const cw_fx_opts *o, char *err, size_t errlen)
{
    cw_fx_inv *inv = cw_xcalloc(1, sizeof *inv);
    cw_arena_init(&inv->arena, 0);
    cw_diags_init(&inv->diags);
    cw_ipset_init(&inv->trusted4, 4);
    cw_ipset_init(&inv->trusted6, 6);
    inv->max_line = o->max_line ? o->max_line : (1u << 20);
    inv->gz_max_bytes = o->gz_max_bytes, inv->gz_max_ratio = o->gz_max_ratio;
    inv->res = cw_arena_alloc(&inv->arena, (o->nresources + 1) * sizeof *inv->res);
    inv->reslen = cw_arena_alloc(&inv->arena, (o->nresources + 1) * sizeof *inv->reslen);
    for (size_t i = 0; i < o->nresources; i++) {
        size_t n;
        const char *r = resource_name(o->resources[i], &n);
        if (!n) {
            snprintf(err, errlen, "--resource '%s' names no bucket", o->resources[i]);
            cw_fx_inv_free(inv);
            return NULL;
        }
        inv->res[inv->nres] = cw_arena_strndup(&inv->arena, r, n);
        inv->reslen[inv->nres++] = n;
    }
    inv->nwin = o->nwindows ? o->nwindows : 1;
    inv->win = cw_arena_alloc(&inv->arena, inv->nwin * sizeof *inv->win);
    if (o->nwindows) memcpy(inv->win, o->windows, o->nwindows * sizeof *inv->win);
    else inv->win[0] = (cw_fx_window){INT64_MIN, INT64_MAX};
    for (size_t i = 0; i < o->norg; i++) {
        const char *a = o->org[i];
        size_t n = strlen(a);
        if (!n) continue;
        cw_hmap_put(&inv->org, cw_arena_strndup(&inv->arena, a, n), n, (void *)1);
        inv->have_org = true;
    }
    for (size_t i = 0; i < o->ntrusted; i++) {
        int fam;
        cw_u128 lo, hi;
        if (cw_ip_parse_cidr(o->trusted[i], &fam, &lo, &hi) < 0) {
            snprintf(err, errlen, "--trusted-ips: '%s' is not an IPv4 or IPv6 address or CIDR", o->trusted[i]);
            cw_fx_inv_free(inv);
            return NULL;
        }
        cw_ipset_add(fam == 4 ? &inv->trusted4 : &inv->trusted6, lo, hi);
    }
    cw_ipset_normalize(&inv->trusted4);
    cw_ipset_normalize(&inv->trusted6);
    for (int s = 0; s < CW_FX_SRC__COUNT; s++) {
        inv->src[s].out.source = (cw_fx_source)s;
        inv->src[s].out.first = INT64_MIN;
        inv->src[s].out.last = INT64_MIN;
    }
    return inv;
}

static void free_actor(fx_actor *a)
{
    cw_hmap_free(&a->ips);
    cw_hmap_free(&a->uas);
    cw_hmap_free(&a->ops);
    cw_hmap_free(&a->objs);
}

void cw_fx_inv_free(cw_fx_inv *inv)
{
    if (!inv) return;
    const cw_hmap_slot *sl;
    for (size_t it = 0; cw_hmap_next(&inv->actors, &it, &sl);) free_actor(sl->val);
    cw_hmap_free(&inv->actors);
    cw_hmap_free(&inv->org);
    cw_hmap_free(&inv->owners);
    cw_hmap_free(&inv->sizes);
    cw_hmap_free(&inv->reqids);
    free(inv->hexids.v);
    cw_ipset_free(&inv->trusted4);
    cw_ipset_free(&inv->trusted6);
    for (int s = 0; s < CW_FX_SRC__COUNT; s++) {
        cw_fx_hours_free(&inv->src[s].covered);
        cw_fx_hours_free(&inv->src[s].unreadable);
        cw_fx_hours_free(&inv->src[s].ct_data);
    }
    free(inv->result.actors);
    free(inv->result.gaps);
    cw_diags_free(&inv->diags);
    cw_arena_free(&inv->arena);
    free(inv);
}

/* ---- problems ---------------------------------------------------------- */
static void problem(cw_fx_file *f, cw_diag_level lvl, uint64_t line, const char *msg)
{
    f->problems++;
    if (f->problems == MAX_PROBLEMS_PER_FILE + 1)
        cw_diag_add(&f->inv->diags, CW_DIAG_WARNING, f->path, (uint32_t)(line > UINT32_MAX ? 0 : line), 0, 0, NULL,
                    "more problems in this file are counted but not listed");
    if (f->problems > MAX_PROBLEMS_PER_FILE) return;
    cw_diag_add(&f->inv->diags, lvl, f->path, (uint32_t)(line > UINT32_MAX ? 0 : line), 0, 0, NULL, "%s", msg);
}

void cw_fx_bad(cw_fx_file *f, uint64_t line, uint64_t bytes, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    f->bad++;
    f->bytes_bad += bytes;
    problem(f, CW_DIAG_ERROR, line, msg);
}

void cw_fx_note(cw_fx_file *f, uint64_t line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    problem(f, CW_DIAG_WARNING, line, msg);
}

/* ---- filters ----------------------------------------------------------- */
bool cw_fx_is_resource(const cw_fx_inv *inv, cw_fx_str b)
{
    for (size_t i = 0; i < inv->nres; i++) {
        size_t n = inv->reslen[i];
        if (b.n == n && memcmp(b.p, inv->res[i], n) == 0) return true;
        /* Azure: a resource naming the whole account matches its containers */
        if (b.n > n && b.p[n] == '/' && memcmp(b.p, inv->res[i], n) == 0) return true;
    }
    return false;
}

void cw_fx_other_resource(cw_fx_file *f, cw_fx_str bucket, uint64_t line)
{
    f->inv->other_resource++;
    if (!f->other_count++) {
        f->other_first_line = line;
        snprintf(f->other_name, sizeof f->other_name, "%.*s", (int)(bucket.n > 70 ? 70 : bucket.n), bucket.p);
    }
}

bool cw_fx_in_window(const cw_fx_inv *inv, int64_t t)
{
    for (size_t i = 0; i < inv->nwin; i++)
        if (t >= inv->win[i].from && t < inv->win[i].to) return true;
    return false;
}

static bool trusted_ip(const cw_fx_inv *inv, cw_fx_str ip)
{
    if (!ip.n || ip.n > 60) return false;
    char buf[64];
    memcpy(buf, ip.p, ip.n);
    buf[ip.n] = 0;
    int fam;
    cw_u128 lo, hi;
    if (cw_ip_parse_cidr(buf, &fam, &lo, &hi) < 0) return false;
    return cw_ipset_contains(fam == 4 ? &inv->trusted4 : &inv->trusted6, lo);
}

static bool internal_id(const cw_fx_inv *inv, cw_fx_str id)
{
    return id.n && (cw_hmap_get(&inv->org, id.p, id.n) || cw_hmap_get(&inv->owners, id.p, id.n));
}

void cw_fx_alive(cw_fx_file *f, int64_t t)
{
    fx_srcstate *s = &f->inv->src[f->source];
    if (cw_fx_in_window(f->inv, t)) cw_fx_hours_mark(&s->covered, t / 3600);
}

/* ---- actors ------------------------------------------------------------ */
static const char *keep(cw_fx_inv *inv, cw_fx_str s) { return cw_arena_strndup(&inv->arena, s.p ? s.p : "", s.n); }

static void set_add(cw_fx_inv *inv, cw_hmap *m, cw_fx_str s, bool *capped)
{
    if (!s.n || cw_hmap_get(m, s.p, s.n)) return;
    if (!m->cap) cw_hmap_init_cap(m, 4); /* most actors have one or two of each */
    if (capped && m->count >= MAX_SET) {
        *capped = true;
        return;
    }
    cw_hmap_put(m, keep(inv, s), s.n, (void *)1);
}

static fx_actor *actor(cw_fx_inv *inv, cw_fx_kind kind, cw_fx_str id)
{
    char kbuf[320];
    size_t kn = id.n < sizeof kbuf - 2 ? id.n : sizeof kbuf - 2;
    kbuf[0] = (char)('0' + kind);
    memcpy(kbuf + 1, id.p, kn);
    fx_actor *a = cw_hmap_get(&inv->actors, kbuf, kn + 1);
    if (a) return a;
    a = cw_arena_zalloc(&inv->arena, sizeof *a);
    a->kind = kind;
    a->id = cw_arena_strndup(&inv->arena, id.p ? id.p : "", kn);
    a->idlen = kn;
    a->first = INT64_MAX, a->last = INT64_MIN;
    cw_hmap_put(&inv->actors, cw_arena_strndup(&inv->arena, kbuf, kn + 1), kn + 1, a);
    return a;
}

/* The object id: the key alone with one resource, "bucket/key" with several. */
static cw_fx_str object_id(cw_fx_inv *inv, const cw_fx_event *e, char *buf, size_t cap)
{
    if (inv->nres <= 1 || e->bucket.n + 1 + e->key.n > cap) return e->key;
    memcpy(buf, e->bucket.p, e->bucket.n);
    buf[e->bucket.n] = '/';
    memcpy(buf + e->bucket.n + 1, e->key.p, e->key.n);
    return cw_fx_s(buf, e->bucket.n + 1 + e->key.n);
}

static void note_size(cw_fx_inv *inv, cw_fx_str oid, int64_t size)
{
    if (size < 0 || !oid.n) return;
    int64_t *p = cw_hmap_get(&inv->sizes, oid.p, oid.n);
    if (!p) {
        p = cw_arena_alloc(&inv->arena, sizeof *p);
        *p = size;
        cw_hmap_put(&inv->sizes, keep(inv, oid), oid.n, p);
    } else if (size > *p) {
        *p = size;
    }
}

/* Fold a request into its actor; true when its bytes were counted. */
static bool fold(cw_fx_inv *inv, fx_actor *a, const cw_fx_event *e)
{
    if (e->time < a->first) a->first = e->time;
    if (e->time > a->last) a->last = e->time;
    a->requests++;
    set_add(inv, &a->ips, e->ip, &a->ips_capped);
    set_add(inv, &a->uas, e->user_agent, &a->uas_capped);
    set_add(inv, &a->ops, e->op, NULL);
    if (e->denied) {
        a->denied++;
        return false;
    }
    bool ok = e->status == 0 || (e->status >= 200 && e->status < 300);
    if (!ok) return false;
    a->succeeded = true;
    if (e->bytes_sent > 0) a->bytes += (uint64_t)e->bytes_sent;
    if (e->opclass == CW_FX_OP_LIST) a->listed = true;
    if (e->opclass != CW_FX_OP_READ || !e->key.n) return true;
    char buf[2048];
    cw_fx_str oid = object_id(inv, e, buf, sizeof buf);
    fx_obj *o = cw_hmap_get(&a->objs, oid.p, oid.n);
    if (!o) {
        o = cw_arena_zalloc(&inv->arena, sizeof *o);
        o->key = keep(inv, oid);
        o->keylen = oid.n;
        o->max_full = -1, o->size = -1;
        if (!a->objs.cap) cw_hmap_init_cap(&a->objs, 4);
        cw_hmap_put(&a->objs, o->key, o->keylen, o);
    }
    o->reads++;
    o->read_ok = true;
    if (e->object_size > o->size) o->size = e->object_size;
    if (e->source == CW_FX_SRC_S3) o->sized_source = true;
    if (e->copy_source && !e->ranged) o->copy = true;
    else if (!e->ranged && (e->status == 200 || e->status == 0) && e->bytes_sent >= o->max_full)
        o->max_full = e->bytes_sent < 0 ? 0 : e->bytes_sent;
    note_size(inv, oid, e->object_size);
    return true;
}

/* ---- request ids --------------------------------------------------------- */
/* 16 hex digits (either case) as the number they write. */
static bool hex_id(cw_fx_str s, uint64_t *out)
{
    if (s.n != 16) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < 16; i++) {
        unsigned c = (unsigned char)s.p[i], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') d = (c | 0x20) - 'a' + 10;
        else return false;
        v = v << 4 | d;
    }
    *out = v;
    return true;
}

static size_t id_home(uint64_t id, size_t cap)
{
    id ^= id >> 31;
    id *= 0x9E3779B97F4A7C15ULL;
    return (size_t)(id >> 17) & (cap - 1);
}

/* The slot holding id, or the free slot where it goes (the table grown first
 * so that one more entry keeps it at most 3/4 full). */
static fx_idslot *idtab_slot(fx_idtab *t, uint64_t id)
{
    if ((t->n + 1) * 4 > t->cap * 3) {
        size_t nc = t->cap ? t->cap * 2 : 1024;
        fx_idslot *nv = cw_xcalloc(nc, sizeof *nv);
        for (size_t i = 0; i < t->cap; i++) {
            if (!t->v[i].actor) continue;
            size_t j = id_home(t->v[i].id, nc);
            while (nv[j].actor) j = (j + 1) & (nc - 1);
            nv[j] = t->v[i];
        }
        free(t->v);
        t->v = nv, t->cap = nc;
    }
    size_t j = id_home(id, t->cap);
    while (t->v[j].actor && t->v[j].id != id) j = (j + 1) & (t->cap - 1);
    return &t->v[j];
}

/* A request already counted, seen again (the other source, or delivered
 * twice): learn the object size it states, keep the larger byte count. */
static void duplicate(cw_fx_inv *inv, const cw_fx_event *e, fx_actor *a, int64_t *counted_bytes)
{
    inv->duplicates++;
    char buf[2048];
    if (e->key.n) note_size(inv, object_id(inv, e, buf, sizeof buf), e->object_size);
    if (!e->denied && counted_bytes && a && e->bytes_sent > *counted_bytes) {
        a->bytes += (uint64_t)(e->bytes_sent - *counted_bytes);
        *counted_bytes = e->bytes_sent;
    }
}

/* Decide who is outside. Returns 0 internal, 1 AWS service, 2 external (kind
 * and id set), 3 an account that is external unless it turns out to own the
 * resource (decided at finish, when every owner is known). */
static int outside(cw_fx_inv *inv, const cw_fx_event *e, cw_fx_kind *kind, cw_fx_str *id)
{
    if (e->who == CW_FX_WHO_SERVICE) return 1;
    if (e->auth == CW_FX_AUTH_QUERY && !trusted_ip(inv, e->ip)) {
        *kind = CW_FX_KIND_PRESIGNED;
        *id = e->ip.n ? e->ip : cw_fx_s("unknown-address", 15);
        return 2;
    }
    switch (e->who) {
    case CW_FX_WHO_ANONYMOUS:
        *kind = CW_FX_KIND_ANONYMOUS;
        *id = e->ip.n ? e->ip : cw_fx_s("unknown-address", 15);
        return 2;
    case CW_FX_WHO_UNKNOWN: /* no identity in the log: by address */
        if (trusted_ip(inv, e->ip)) return 0;
        *kind = CW_FX_KIND_ANONYMOUS;
        *id = e->ip.n ? e->ip : cw_fx_s("unknown-address", 15);
        return 2;
    case CW_FX_WHO_CANONICAL:
    case CW_FX_WHO_NAMED:
        if ((e->owner.n && e->account.n == e->owner.n && memcmp(e->account.p, e->owner.p, e->owner.n) == 0) ||
            internal_id(inv, e->account) || internal_id(inv, e->principal))
            return 0;
        *kind = CW_FX_KIND_EXTERNAL_ACCOUNT;
        *id = e->account.n ? e->account : e->principal;
        return 2;
    case CW_FX_WHO_PRINCIPAL:
        if (internal_id(inv, e->account)) return 0;
        if (e->owner.n && e->account.n == e->owner.n && memcmp(e->account.p, e->owner.p, e->owner.n) == 0) return 0;
        *kind = CW_FX_KIND_EXTERNAL_ACCOUNT;
        *id = e->account;
        return 3;
    default:
        return 0;
    }
}

void cw_fx_add(cw_fx_file *f, const cw_fx_event *e)
{
    cw_fx_inv *inv = f->inv;
    fx_srcstate *s = &inv->src[f->source];
    if (!cw_fx_is_resource(inv, e->bucket)) {
        if (f->source != CW_FX_SRC_CLOUDTRAIL) cw_fx_other_resource(f, e->bucket, e->line);
        return;
    }
    /* order: a record far earlier than one before it in the same file */
    if (!f->unordered) {
        if (f->last_time != INT64_MIN && e->time + ORDER_TOLERANCE < f->last_time) {
            char a[32], b[32];
            cw_fx_bad(f, e->line, 0,
                      "timestamp %s is %lld s earlier than a record before it (%s): out of order beyond delivery "
                      "jitter; skipped",
                      cw_fx_format_time(e->time, a, sizeof a), (long long)(f->last_time - e->time),
                      cw_fx_format_time(f->last_time, b, sizeof b));
            return;
        }
        if (e->time < f->last_time) {
            s->out.out_of_order++;
            if (!f->out_of_order++) f->first_ooo_line = e->line;
        } else {
            f->last_time = e->time;
        }
    }
    f->records++;
    s->out.records_resource++;
    if (s->out.first == INT64_MIN || e->time < s->out.first) s->out.first = e->time;
    if (e->time > s->out.last) s->out.last = e->time;
    if (!cw_fx_in_window(inv, e->time)) {
        inv->outside_window++;
        return;
    }
    s->out.records_in_window++;
    if (f->source == CW_FX_SRC_CLOUDTRAIL) {
        s->out.data_events = true;
        cw_fx_hours_mark(&s->ct_data, e->time / 3600);
    } else {
        cw_fx_hours_mark(&s->covered, e->time / 3600);
    }
    cw_fx_kind kind;
    cw_fx_str id;
    int w = outside(inv, e, &kind, &id);
    if (w == 0) {
        inv->internal++;
        return;
    }
    if (w == 1) {
        inv->service++;
        return;
    }
    /* a request seen in two sources is counted once; what the second source
     * knows better (S3 logs count listing bytes, CloudTrail does not) is kept */
    fx_req *rq = NULL;
    fx_idslot *is = NULL;
    uint64_t hid = 0;
    if (e->request_id.n && hex_id(e->request_id, &hid)) {
        is = idtab_slot(&inv->hexids, hid);
        if (is->actor) {
            bool counted = is->bytes >= 0;
            duplicate(inv, e, is->actor, counted ? &is->bytes : NULL);
            return;
        }
    } else if (e->request_id.n) {
        rq = cw_hmap_get(&inv->reqids, e->request_id.p, e->request_id.n);
        if (rq) {
            duplicate(inv, e, rq->actor, rq->counted ? &rq->bytes : NULL);
            return;
        }
        rq = cw_arena_zalloc(&inv->arena, sizeof *rq);
        cw_hmap_put(&inv->reqids, keep(inv, e->request_id), e->request_id.n, rq);
    }
    fx_actor *a = actor(inv, kind, id);
    if (w == 3) a->provisional = true;
    bool counted = fold(inv, a, e);
    int64_t bytes = e->bytes_sent > 0 ? e->bytes_sent : 0;
    if (is) { /* the slot is still the free one found above: fold does not touch the table */
        is->id = hid;
        is->actor = a;
        is->bytes = counted ? bytes : -1;
        inv->hexids.n++;
    }
    if (rq) {
        rq->actor = a;
        rq->bytes = bytes;
        rq->counted = counted;
    }
}

/* Learn an owner account (CloudTrail names the bucket's account). */
void cw_fx_owner_account(cw_fx_inv *inv, cw_fx_str account);
void cw_fx_owner_account(cw_fx_inv *inv, cw_fx_str account)
{
    if (!account.n || cw_hmap_get(&inv->owners, account.p, account.n)) return;
    cw_hmap_put(&inv->owners, keep(inv, account), account.n, (void *)1);
}

/* ---- results ----------------------------------------------------------- */
static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static const char **set_list(cw_fx_inv *inv, const cw_hmap *m, size_t *n)
{
    const char **v = cw_arena_alloc(&inv->arena, (m->count + 1) * sizeof *v);
    size_t k = 0;
    const cw_hmap_slot *sl;
    for (size_t it = 0; cw_hmap_next(m, &it, &sl);) v[k++] = sl->key;
    qsort(v, k, sizeof *v, cmp_str);
    *n = k;
    return v;
}

static int cmp_actor(const void *pa, const void *pb)
{
    const cw_fx_actor_out *a = pa, *b = pb;
    if (a->first != b->first) return a->first < b->first ? -1 : 1;
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    return strcmp(a->id, b->id);
}

static void finish_actor(cw_fx_inv *inv, fx_actor *a, cw_fx_actor_out *o)
{
    memset(o, 0, sizeof *o);
    o->kind = a->kind;
    o->id = a->id;
    o->first = a->first, o->last = a->last;
    o->ips = set_list(inv, &a->ips, &o->nips);
    o->user_agents = set_list(inv, &a->uas, &o->nuas);
    o->operations = set_list(inv, &a->ops, &o->nops);
    o->ips_capped = a->ips_capped, o->uas_capped = a->uas_capped;
    o->bytes_sent = a->bytes, o->requests = a->requests, o->denied = a->denied;
    o->listed = a->listed, o->succeeded = a->succeeded;
    size_t n = a->objs.count;
    o->objects_read = cw_arena_alloc(&inv->arena, (n + 1) * sizeof(char *));
    o->full_copies = cw_arena_alloc(&inv->arena, (n + 1) * sizeof(char *));
    o->partial_reads = cw_arena_alloc(&inv->arena, (n + 1) * sizeof(char *));
    const cw_hmap_slot *sl;
    for (size_t it = 0; cw_hmap_next(&a->objs, &it, &sl);) {
        fx_obj *ob = sl->val;
        int64_t size = ob->size;
        int64_t *known = cw_hmap_get(&inv->sizes, ob->key, ob->keylen);
        if (known && *known > size) size = *known;
        bool full = ob->copy || (ob->max_full >= 0 && (size < 0 ? !ob->sized_source : ob->max_full >= size));
        o->objects_read[o->nread++] = ob->key;
        if (full) o->full_copies[o->nfull++] = ob->key;
        else o->partial_reads[o->npartial++] = ob->key;
    }
    qsort(o->objects_read, o->nread, sizeof(char *), cmp_str);
    qsort(o->full_copies, o->nfull, sizeof(char *), cmp_str);
    qsort(o->partial_reads, o->npartial, sizeof(char *), cmp_str);
}

const cw_fx_result *cw_fx_finish(cw_fx_inv *inv)
{
    cw_fx_result *r = &inv->result;
    if (inv->finished) return r;
    inv->finished = true;
    r->resources = (const char *const *)inv->res;
    r->nresources = inv->nres;
    r->windows = inv->win;
    r->nwindows = inv->nwin;
    r->actors = cw_xcalloc(inv->actors.count + 1, sizeof *r->actors);
    const cw_hmap_slot *sl;
    for (size_t it = 0; cw_hmap_next(&inv->actors, &it, &sl);) {
        fx_actor *a = sl->val;
        /* an account first seen before CloudTrail named it as the owner's */
        if (a->provisional && internal_id(inv, cw_fx_s(a->id, a->idlen))) {
            inv->internal += a->requests;
            continue;
        }
        cw_fx_actor_out *o = &r->actors[r->nactors++];
        finish_actor(inv, a, o);
        r->objects_read += o->nread;
        r->full_copies += o->nfull;
        r->bytes_sent += o->bytes_sent;
        r->denied += o->denied;
    }
    qsort(r->actors, r->nactors, sizeof *r->actors, cmp_actor);
    r->internal_requests = inv->internal;
    r->service_requests = inv->service;
    r->duplicates = inv->duplicates;
    r->other_resource = inv->other_resource;
    r->outside_window = inv->outside_window;
    r->files_unrecognised = inv->unrecognised;
    for (int s = 0; s < CW_FX_SRC__COUNT; s++) r->sources[s] = inv->src[s].out;
    cw_fx_coverage(inv);
    r->problems = &inv->diags;
    return r;
}
