/* timeutil.h - calendar arithmetic and timestamps without the C library's
 * time zones. */
#ifndef CW_TIMEUTIL_H
#define CW_TIMEUTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1..12). */
int64_t cw_days_from_civil(int64_t y, unsigned m, unsigned d);
/* The inverse: y-m-d of a day number. */
void cw_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);
/* True when y-m-d is a real calendar day (2026-02-31 is not). */
bool cw_date_valid(int64_t y, unsigned m, unsigned d);

/* "No time": an absent or unparseable timestamp. */
#define CW_TIME_UNKNOWN INT64_MIN

/* Parse an ISO 8601 / RFC 3339 timestamp into microseconds since
 * 1970-01-01T00:00:00Z: YYYY-MM-DD, optionally followed by 'T', 't' or ' '
 * and hh:mm[:ss[.fraction]] (',' also separates a fraction; digits beyond
 * microseconds are dropped), then 'Z'/'z', +hh:mm, +hhmm or +hh (or '-');
 * no zone means UTC. A leap second (:60) counts as the next second's start;
 * 24:00:00 is the next day's midnight. Returns CW_TIME_UNKNOWN when s[0..n)
 * is not such a timestamp (including impossible dates and offsets beyond
 * 18 hours). */
int64_t cw_time_parse(const char *s, size_t n);
/* Format microseconds since the epoch as YYYY-MM-DDThh:mm:ss[.ffffff]Z
 * (the fraction only when non-zero, shortest of 3 or 6 digits). buf holds
 * at least 40 bytes. */
void cw_time_format(int64_t us, char *buf, size_t n);
#endif
