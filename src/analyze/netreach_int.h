/* netreach_int.h - the security groups of one resource, shared by
 * netreach_res.c (databases, search domains, instances) and netreach_front.c
 * (load balancers, API stages, EKS endpoints). Not a public header. */
#ifndef CW_NETREACH_INT_H
#define CW_NETREACH_INT_H
#include "analyze_int.h"
#include "netreach.h"

typedef struct sgs {
    const cw_sgcache *cache; /* parsed permissions of every group */
    const cw_asset *owner;   /* the resource the groups are attached to */
    cw_asset **v;
    size_t n, cap;
    cw_strlist ids, missing;
} sgs;

/* add group id (target: its asset when already known); ids not in the
 * inventory go to missing */
void sgs_add(cw_assets *s, sgs *g, const char *id, cw_asset *target);
void sgs_from_rels(cw_assets *s, const cw_asset *a, sgs *g);
/* ids from an array of strings or of objects holding key */
void sgs_from_array(cw_assets *s, sgs *g, const cw_json *arr, const char *key);
void sgs_free(sgs *g);
void sgs_exposure(const sgs *g, cw_exposure *e);
const char *list_text(cw_assets *s, const cw_strlist *l);
/* net.publicly_accessible, net.in_vpc, net.security_groups, net.missing_security_groups */
void common_facts(cw_factset *fsp, const sgs *g, bool publicly, bool in_vpc);
const char *missing_note(cw_assets *s, const sgs *g);

/* netreach_front.c: load balancers, API Gateway stages, EKS cluster endpoints */
void cw_an_front(cw_assets *s, const cw_sgcache *cache, int64_t now);
#endif
