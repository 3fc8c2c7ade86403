/* cli_args.c - option values shared by the commands: sizes and counts are
 * read strictly (digits only, no sign, no overflow), so "--chunk -5" or
 * "--gzip-max-size -1" is an error instead of a wrapped 18-exabyte value. */
#include <stdint.h>
#include <string.h>

#include "cli.h"

bool cw_parse_size(const char *s, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9') return false; /* no sign, no blank */
    uint64_t v = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    uint64_t mul = 1;
    if (*p == 'k' || *p == 'K') mul = 1ULL << 10, p++;
    else if (*p == 'm' || *p == 'M') mul = 1ULL << 20, p++;
    else if (*p == 'g' || *p == 'G') mul = 1ULL << 30, p++;
    else if (*p == 't' || *p == 'T') mul = 1ULL << 40, p++;
    if (mul > 1 && *p == 'i') p++;
    if (*p == 'B' || *p == 'b') p++;
    if (*p) return false;
    if (v > UINT64_MAX / mul) return false;
    *out = v * mul;
    return true;
}

bool cw_parse_count(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9') return false;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return false;
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    if (v < lo || v > hi) return false;
    *out = v;
    return true;
}
