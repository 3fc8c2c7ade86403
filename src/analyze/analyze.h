/* analyze.h - analyzers: facts that need real cloud semantics, computed once
 * per asset after all assets are loaded and linked, and exposed to rules.
 *
 * Facts live in asset->facts as nested objects following their dotted name:
 * the fact "s3.public.read" is facts["s3"]["public"]["read"]. Every fact an
 * analyzer can set is declared in cw_fact_defs (name, type, resource types,
 * meaning) so the rule compiler can reject unknown fact names and type errors
 * when a pack loads, and `rules doc` can document them. A declared fact that
 * an analyzer did not set on an asset is absent (never an error). */
#ifndef CW_ANALYZE_H
#define CW_ANALYZE_H
#include <stdbool.h>
#include <stdint.h>

#include "../model/model.h"

typedef enum {
    CW_VT_ANY = 0, /* unknown statically (raw configuration fields) */
    CW_VT_BOOL,
    CW_VT_NUM,
    CW_VT_STR,
    CW_VT_LIST, /* array */
    CW_VT_OBJ,
} cw_vtype;

typedef struct cw_fact_def {
    const char *name;          /* dotted: "s3.public.read" */
    cw_vtype type;
    const char *resource_types;/* comma-separated AWS types it is set on, "*" = any */
    const char *doc;           /* one sentence */
} cw_fact_def;

extern const cw_fact_def cw_fact_defs[]; /* terminated by {NULL} */
const cw_fact_def *cw_fact_find(const char *name);
/* 1 when name is a prefix namespace of some fact ("s3", "s3.public"). */
int cw_fact_is_namespace(const char *name);

/* Registry of analyzers (one per concern). Analyzers flagged `first` run
 * alone, in table order; then the others run concurrently on large inventories,
 * so each of those must set facts only on its own resource types, read only
 * facts it set itself (or that a `first` analyzer set), and allocate only from
 * s->arena (each thread is given an s whose arena is its own). */
typedef struct cw_analyzer {
    const char *name;
    const char *doc;
    void (*run)(cw_assets *s); /* sets facts on the live assets it understands */
    int first;
    /* optional: the same work for the assets whose index % nparts == part,
     * which touches only those assets (lets a `first` analyzer use all cores) */
    void (*run_part)(cw_assets *s, unsigned part, unsigned nparts);
    /* every field of the configuration item the analyzer reads, as dotted paths
     * from the item ("configuration.endpoint.port"; each kept whole, matched
     * case-insensitively, arrays transparent), NULL-terminated. The parser
     * builds only declared fields; the sanitizer build aborts on a lookup of
     * an undeclared one (see cw_jproj in json.h). */
    const char *const *reads;
} cw_analyzer;
extern const cw_analyzer cw_analyzers[]; /* terminated by {NULL} */

size_t cw_analyzer_count(void);
/* What each analyzer cost in a run (`scan --stats`), by index in cw_analyzers. */
typedef struct cw_analyzer_stats {
    double seconds; /* wall seconds (summed over its parts) */
    size_t bytes;   /* bytes its arenas took (threaded runs; 0 otherwise) */
} cw_analyzer_stats;
/* Run every analyzer over the linked asset set, large sets on the threads of
 * x (NULL = the calling thread). st: cw_analyzer_count() entries that the
 * costs are added to, or NULL. */
void cw_analyze_all(cw_assets *s, const cw_exec *x, cw_analyzer_stats *st);
/* The clock (cw_assets.clock) for evaluating time conditions (aws:CurrentTime)
 * at 00:00:00Z of a YYYY-MM-DD day (`scan --today`); 0 (the real time) for
 * NULL or a string that is not a date. */
int64_t cw_analyze_clock_of(const char *day);
/* Add every analyzer's reads to a projection of configuration items. */
void cw_analyze_project(cw_arena *a, cw_jproj *item);
#endif

/* ---- network helpers shared with rule functions (netreach.c) ---------- */
/* An EC2 security-group permission object as AWS Config records it
 * ({ipProtocol, fromPort, toPort, ipRanges, ipv4Ranges, ipv6Ranges, ...}).
 * True when its sources, taken together, cover the whole IPv4 or IPv6
 * internet (0.0.0.0/0, ::/0, or a union such as 0.0.0.0/1 + 128.0.0.0/1). */
bool cw_net_perm_open_to_internet(const cw_json *perm);
/* True when the permission's protocol/port range admits any of ports[]
 * (protocol "-1" admits every port; TCP/UDP use fromPort..toPort). */
bool cw_net_perm_port_overlaps(const cw_json *perm, const int64_t *ports, size_t nports);
/* CIDR containment: 1 when outer contains inner, 0 when not, -1 when either
 * does not parse. IPv4 and IPv6; an address without /len is a host. */
int cw_cidr_contains(const char *outer, const char *inner);
