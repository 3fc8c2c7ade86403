/* timeutil.h - calendar arithmetic without the C library's time zones. */
#ifndef CW_TIMEUTIL_H
#define CW_TIMEUTIL_H
#include <stdint.h>

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1..12). */
int64_t cw_days_from_civil(int64_t y, unsigned m, unsigned d);
#endif
