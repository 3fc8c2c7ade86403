#include "timeutil.h"

#include <stdio.h>

/* Howard Hinnant's days_from_civil algorithm (public domain description). */
int64_t cw_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* ... and civil_from_days, its inverse. */
void cw_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

bool cw_date_valid(int64_t y, unsigned m, unsigned d)
{
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) return false;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
    return true;
}

/* k digits at s[*i] as a number; -1 when they are not all digits. */
static int digits(const char *s, size_t n, size_t *i, int k)
{
    if (*i + (size_t)k > n) return -1;
    int v = 0;
    for (int j = 0; j < k; j++) {
        char c = s[*i + (size_t)j];
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    *i += (size_t)k;
    return v;
}

int64_t cw_time_parse(const char *s, size_t n)
{
    size_t i = 0;
    int y = digits(s, n, &i, 4);
    if (y < 0 || i >= n || s[i++] != '-') return CW_TIME_UNKNOWN;
    int mo = digits(s, n, &i, 2);
    if (mo < 0 || i >= n || s[i++] != '-') return CW_TIME_UNKNOWN;
    int d = digits(s, n, &i, 2);
    if (d < 0 || !cw_date_valid(y, (unsigned)mo, (unsigned)d)) return CW_TIME_UNKNOWN;
    int64_t days = cw_days_from_civil(y, (unsigned)mo, (unsigned)d);
    int64_t secs = 0, frac_us = 0;
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        i++;
        int hh = digits(s, n, &i, 2);
        if (hh < 0 || i >= n || s[i++] != ':') return CW_TIME_UNKNOWN;
        int mm = digits(s, n, &i, 2);
        if (mm < 0) return CW_TIME_UNKNOWN;
        int ss = 0;
        if (i < n && s[i] == ':') {
            i++;
            if ((ss = digits(s, n, &i, 2)) < 0) return CW_TIME_UNKNOWN;
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                i++;
                size_t k = 0;
                int64_t scale = 100000;
                while (i < n && s[i] >= '0' && s[i] <= '9') {
                    if (scale) frac_us += (s[i] - '0') * scale, scale /= 10;
                    i++, k++;
                }
                if (!k) return CW_TIME_UNKNOWN;
            }
        }
        if (hh > 24 || mm > 59 || ss > 60 || (hh == 24 && (mm || ss || frac_us))) return CW_TIME_UNKNOWN;
        secs = hh * 3600 + mm * 60 + ss;
        if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
            int sign = s[i++] == '-' ? -1 : 1;
            int oh = digits(s, n, &i, 2), om = 0;
            if (oh < 0) return CW_TIME_UNKNOWN;
            if (i < n && s[i] == ':') {
                i++;
                if ((om = digits(s, n, &i, 2)) < 0) return CW_TIME_UNKNOWN;
            } else if (i < n && s[i] >= '0' && s[i] <= '9') {
                if ((om = digits(s, n, &i, 2)) < 0) return CW_TIME_UNKNOWN;
            }
            if (oh > 18 || om > 59) return CW_TIME_UNKNOWN;
            secs -= sign * (oh * 3600 + om * 60); /* local time minus offset = UTC */
        }
    }
    if (i != n) return CW_TIME_UNKNOWN;
    return (days * 86400 + secs) * 1000000 + frac_us;
}

void cw_time_format(int64_t us, char *buf, size_t n)
{
    int64_t secs = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
    int64_t frac = us - secs * 1000000;
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t sod = secs - days * 86400;
    int64_t y;
    unsigned m, d;
    cw_civil_from_days(days, &y, &m, &d);
    int k = snprintf(buf, n, "%04lld-%02u-%02uT%02d:%02d:%02d", (long long)y, m, d, (int)(sod / 3600),
                     (int)(sod / 60 % 60), (int)(sod % 60));
    if (k < 0 || (size_t)k >= n) return;
    if (frac % 1000 == 0 && frac) snprintf(buf + k, n - (size_t)k, ".%03dZ", (int)(frac / 1000));
    else if (frac) snprintf(buf + k, n - (size_t)k, ".%06dZ", (int)frac);
    else snprintf(buf + k, n - (size_t)k, "Z");
}
