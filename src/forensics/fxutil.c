/* fxutil.c - numbers, times, ARNs and names as the logs write them. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../util/timeutil.h"
#include "fx_int.h"

int64_t cw_fx_num(cw_fx_str s)
{
    if (!s.n || (s.n == 1 && s.p[0] == '-')) return -1;
    if (s.n > 18) return -2;
    int64_t v = 0;
    for (size_t i = 0; i < s.n; i++) {
        unsigned d = (unsigned char)s.p[i] - '0';
        if (d > 9) return -2;
        v = v * 10 + d;
    }
    return v;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

size_t cw_fx_pct_decode(cw_fx_str s, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < s.n; i++) {
        int h, l;
        if (s.p[i] == '%' && i + 2 < s.n + 0 && (h = hexval((unsigned char)s.p[i + 1])) >= 0 &&
            (l = hexval((unsigned char)s.p[i + 2])) >= 0) {
            out[o++] = (char)(h << 4 | l);
            i += 2;
        } else {
            out[o++] = s.p[i];
        }
    }
    return o;
}

cw_fx_str cw_fx_arn_account(cw_fx_str arn)
{
    /* arn:partition:service:region:account:resource */
    size_t colons = 0, start = 0;
    if (arn.n < 4 || memcmp(arn.p, "arn:", 4) != 0) return cw_fx_s(NULL, 0);
    for (size_t i = 0; i < arn.n; i++) {
        if (arn.p[i] != ':') continue;
        colons++;
        if (colons == 4) start = i + 1;
        else if (colons == 5) return cw_fx_s(arn.p + start, i - start);
    }
    return cw_fx_s(NULL, 0);
}

cw_fx_str cw_fx_strip_port(cw_fx_str ip)
{
    if (ip.n && ip.p[0] == '[') {
        const char *e = memchr(ip.p, ']', ip.n);
        if (e) return cw_fx_s(ip.p + 1, (size_t)(e - ip.p) - 1);
        return ip;
    }
    const char *c = memchr(ip.p, ':', ip.n);
    if (c && !memchr(c + 1, ':', ip.n - (size_t)(c - ip.p) - 1)) return cw_fx_s(ip.p, (size_t)(c - ip.p));
    return ip;
}

int64_t cw_fx_civil(int y, int mo, int d, int h, int mi, int s)
{
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        s < 0 || s > 60)
        return -1;
    static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d > mdays[mo - 1]) return -1;
    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return -1;
    return cw_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
}

static int digits(const char *s, size_t n, size_t at, size_t k)
{
    if (at + k > n) return -1;
    int v = 0;
    for (size_t i = 0; i < k; i++) {
        unsigned d = (unsigned char)s[at + i] - '0';
        if (d > 9) return -1;
        v = v * 10 + (int)d;
    }
    return v;
}

int cw_fx_iso_time(const char *s, size_t n, int64_t *out)
{
    int y = digits(s, n, 0, 4), mo = -1, d = -1, h = 0, mi = 0, se = 0;
    if (y < 0 || n < 10 || s[4] != '-' || s[7] != '-') return -1;
    mo = digits(s, n, 5, 2), d = digits(s, n, 8, 2);
    size_t i = 10;
    int64_t off = 0;
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        h = digits(s, n, 11, 2), mi = digits(s, n, 14, 2);
        if (h < 0 || mi < 0 || n < 16 || s[13] != ':') return -1;
        i = 16;
        if (i < n && s[i] == ':') {
            se = digits(s, n, 17, 2);
            if (se < 0) return -1;
            i = 19;
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                i++;
                while (i < n && isdigit((unsigned char)s[i])) i++;
            }
        }
        if (i < n && (s[i] == 'Z' || s[i] == 'z')) i++;
        else if (i < n && (s[i] == '+' || s[i] == '-')) {
            int oh = digits(s, n, i + 1, 2), om = 0;
            if (oh < 0) return -1;
            size_t j = i + 3;
            if (j < n && s[j] == ':') j++;
            if (j < n) {
                om = digits(s, n, j, 2);
                if (om < 0) return -1;
                j += 2;
            }
            off = (oh * 3600 + om * 60) * (s[i] == '+' ? 1 : -1);
            i = j;
        }
    }
    if (i != n) return -1;
    int64_t t = cw_fx_civil(y, mo, d, h, mi, se);
    if (t < 0) return -1;
    *out = t - off;
    return 0;
}

int cw_fx_parse_time(const char *s, size_t n, int64_t *out)
{
    while (n && isspace((unsigned char)s[n - 1])) n--;
    while (n && isspace((unsigned char)*s)) s++, n--;
    return cw_fx_iso_time(s, n, out);
}

char *cw_fx_format_time(int64_t t, char *buf, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) {
        snprintf(buf, len, "?");
        return buf;
    }
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

int cw_fx_parse_window(const char *s, cw_fx_window *w, char *err, size_t errlen)
{
    const char *dots = strstr(s, "..");
    if (!dots) {
        snprintf(err, errlen, "expected FROM..TO (ISO 8601 dates or times, e.g. 2024-01-01..2024-03-31T12:00Z), got '%s'", s);
        return -1;
    }
    w->from = INT64_MIN, w->to = INT64_MAX;
    size_t n1 = (size_t)(dots - s), n2 = strlen(dots + 2);
    if (n1 && cw_fx_parse_time(s, n1, &w->from) < 0) {
        snprintf(err, errlen, "'%.*s' is not an ISO 8601 date or time (e.g. 2024-01-01 or 2024-01-01T05:00:00Z)",
                 (int)n1, s);
        return -1;
    }
    if (n2) {
        if (cw_fx_parse_time(dots + 2, n2, &w->to) < 0) {
            snprintf(err, errlen, "'%s' is not an ISO 8601 date or time (e.g. 2024-03-31 or 2024-03-31T12:00:00Z)",
                     dots + 2);
            return -1;
        }
        /* a bare date as the end means the whole of that day */
        if (n2 == 10) w->to += 86400;
    }
    if (w->from != INT64_MIN && w->to != INT64_MAX && w->to <= w->from) {
        snprintf(err, errlen, "the window ends before it starts: '%s'", s);
        return -1;
    }
    return 0;
}

int64_t cw_fx_name_hour(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    /* S3 server access log object: YYYY-mm-DD-HH-MM-SS-UniqueString (after a prefix) */
    for (size_t i = 0; i + 19 <= n; i++) {
        const char *s = b + i;
        if (s[4] == '-' && s[7] == '-' && s[10] == '-' && s[13] == '-' && s[16] == '-') {
            int y = digits(s, 19, 0, 4), mo = digits(s, 19, 5, 2), d = digits(s, 19, 8, 2), h = digits(s, 19, 11, 2);
            if (y >= 2006 && mo > 0 && d > 0 && h >= 0) {
                int64_t t = cw_fx_civil(y, mo, d, h, 0, 0);
                if (t >= 0) return t;
            }
        }
        /* CloudTrail: ..._YYYYMMDDTHHmmZ_... */
        if (i + 14 <= n && s[8] == 'T' && s[13] == 'Z') {
            int y = digits(s, 14, 0, 4), mo = digits(s, 14, 4, 2), d = digits(s, 14, 6, 2), h = digits(s, 14, 9, 2);
            if (y >= 2006 && mo > 0 && d > 0 && h >= 0 && digits(s, 14, 11, 2) >= 0) {
                int64_t t = cw_fx_civil(y, mo, d, h, 0, 0);
                if (t >= 0) return t;
            }
        }
    }
    return INT64_MIN;
}
