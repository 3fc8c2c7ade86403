/* netreach.h - internet exposure of EC2 security-group rules.
 *
 * Security groups only allow; the traffic a resource accepts is the union of
 * the inbound permissions of all its groups. cw_exposure_compute() takes
 * those permissions (AWS Config "ipPermissions" objects) and works out, per
 * address family, which protocols and ports are open to the whole internet:
 * a port is open when the union of the source ranges of every permission
 * admitting it covers every public address of the family (see ipset.h), so
 * two permissions for 0.0.0.0/1 and 128.0.0.0/1 on port 22 open port 22.
 * Sources that are other security groups or prefix lists are not internet
 * sources. Network ACLs and route tables are not considered (they can only
 * narrow what is computed here). */
#ifndef CW_NETREACH_H
#define CW_NETREACH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../json/json.h"
#include "../model/model.h"
#include "../util/arena.h"

enum { CW_FAM_V4 = 1, CW_FAM_V6 = 2, CW_FAM_ANY = 3 };

typedef struct cw_prange {
    int lo, hi;
} cw_prange;

typedef struct cw_exposure {
    /* index 0 = IPv4, 1 = IPv6 */
    bool all[2];               /* every protocol and port ("-1") */
    cw_prange *tcp[2], *udp[2]; /* sorted, merged open port ranges */
    size_t ntcp[2], nudp[2];
    int *protos[2];            /* other IP protocol numbers open (1 icmp, 58 icmpv6, ...) */
    size_t nprotos[2];
} cw_exposure;

/* Protocol of a permission: -1 all, 6 tcp, 17 udp, 1 icmp, 58 icmpv6, other
 * numbers as given; -2 when unreadable. */
int cw_perm_protocol(const cw_json *perm);

void cw_exposure_compute(const cw_json *const *perms, size_t n, cw_exposure *out);
void cw_exposure_free(cw_exposure *e);
/* Is anything open on the families in fammask? */
bool cw_exposure_any(const cw_exposure *e, int fammask);
bool cw_exposure_tcp_open(const cw_exposure *e, int fammask, int port);
/* Every TCP port open (all or 0-65535)? */
bool cw_exposure_all_tcp(const cw_exposure *e, int fammask);
/* Open ports as text ("all", "22", "80-443", "udp/53", "icmp", "proto/47")
 * for the families in fammask; strings in arena a. Returns the count. */
size_t cw_exposure_describe(const cw_exposure *e, int fammask, cw_arena *a, const char ***out);

/* Parsed inbound permissions of every security group of an asset set, so
 * that groups shared by many resources are parsed once. */
typedef struct cw_sgcache cw_sgcache;
cw_sgcache *cw_sgcache_new(cw_assets *s); /* after cw_assets_link */
void cw_sgcache_free(cw_sgcache *c);
/* Exposure of the union of the given groups' permissions. */
void cw_sgcache_exposure(const cw_sgcache *c, cw_asset *const *sgs, size_t n, cw_exposure *e);
#endif
