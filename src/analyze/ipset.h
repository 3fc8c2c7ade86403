/* ipset.h - IPv4/IPv6 addresses, CIDR parsing and interval sets over the
 * 32-bit and 128-bit address spaces.
 *
 * An address is held in a cw_u128 whatever its family (IPv4 in the low 32
 * bits). An interval set is a growable array of closed ranges [lo, hi] of one
 * family; cw_ipset_normalize() sorts and merges overlapping and adjacent
 * ranges, so 0.0.0.0/1 + 128.0.0.0/1 becomes the single range 0.0.0.0 -
 * 255.255.255.255.
 *
 * "The internet" (cw_ipset_covers_public): every publicly routable address of
 * the family, i.e. the whole space minus the special-purpose ranges that no
 * internet host can source traffic from (RFC 1918, loopback, link-local,
 * CGNAT, documentation, benchmarking, multicast, reserved; for IPv6 anything
 * outside global unicast 2000::/3, and the documentation prefixes). A set of
 * ranges covering every public address is "open to the internet" even when it
 * leaves private ranges out (0.0.0.0/5 + 8.0.0.0/7 + 11.0.0.0/8 + ... ).
 *
 * Memory: sets own malloc'd storage; cw_ipset_free() releases it. */
#ifndef CW_IPSET_H
#define CW_IPSET_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

__extension__ typedef unsigned __int128 cw_u128;

typedef struct cw_iprange {
    cw_u128 lo, hi;
} cw_iprange;

typedef struct cw_ipset {
    cw_iprange *v;
    size_t n, cap;
    int fam; /* 4 or 6 */
} cw_ipset;

/* Parse "a.b.c.d[/n]" or an IPv6 text form "x:x::x[/n]" (with an optional
 * embedded dotted quad). Host bits under the mask are ignored. Without /n the
 * range is the single host. Returns 0 and sets *fam, *lo, *hi; -1 when s is
 * not an address. */
int cw_ip_parse_cidr(const char *s, int *fam, cw_u128 *lo, cw_u128 *hi);
/* Text of an address (buf of at least 48 bytes); returns buf. */
char *cw_ip_format(int fam, cw_u128 addr, char *buf, size_t len);
/* Highest address of the family. */
cw_u128 cw_ip_max(int fam);

void cw_ipset_init(cw_ipset *s, int fam);
void cw_ipset_free(cw_ipset *s);
void cw_ipset_clear(cw_ipset *s);
void cw_ipset_add(cw_ipset *s, cw_u128 lo, cw_u128 hi);
void cw_ipset_add_set(cw_ipset *s, const cw_ipset *o);
void cw_ipset_normalize(cw_ipset *s);
bool cw_ipset_contains(const cw_ipset *s, cw_u128 addr); /* needs a normalized set */
/* True when the set covers every public address of its family. */
bool cw_ipset_covers_public(const cw_ipset *s);

/* The public (internet-routable) ranges of a family, sorted, merged; returns
 * the count written (at most max; 32 is always enough). */
size_t cw_ip_public_ranges(int fam, cw_iprange *out, size_t max);
bool cw_ip_is_public(int fam, cw_u128 addr);
#endif
