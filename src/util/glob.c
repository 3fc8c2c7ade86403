/* glob.c - shell-style pattern matching (see glob.h).
 *
 * One segment is matched with the usual single-backtrack loop (only the last
 * '*' seen is ever retried), so no pattern takes more than O(pattern x text)
 * steps per segment; '**' segments try each later segment start. */
#include "glob.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

static int fold(int c, int flags) { return (flags & CW_GLOB_ICASE) ? tolower((unsigned char)c) : (unsigned char)c; }

/* The class at p (just after '['), against c. Sets *end past the ']'.
 * Returns -1 when the class is not closed (then '[' is a literal). */
static int class_match(const char *p, const char *pend, int c, int flags, const char **end)
{
    bool neg = false, hit = false;
    if (p < pend && (*p == '!' || *p == '^')) neg = true, p++;
    const char *start = p;
    while (p < pend && (*p != ']' || p == start)) {
        int lo = (unsigned char)*p;
        if (lo == '\\' && p + 1 < pend) lo = (unsigned char)*++p;
        int hi = lo;
        if (p + 2 < pend && p[1] == '-' && p[2] != ']') {
            hi = (unsigned char)p[2];
            if (hi == '\\' && p + 3 < pend) hi = (unsigned char)p[3], p++;
            p += 2;
        }
        p++;
        int fc = fold(c, flags);
        if ((fold(lo, flags) <= fc && fc <= fold(hi, flags)) || (lo <= c && c <= hi)) hit = true;
    }
    if (p >= pend) return -1;
    *end = p + 1;
    return hit != neg;
}

/* Match pattern [p, pend) against text [s, send) with no '/' semantics. */
static bool seg_match(const char *p, const char *pend, const char *s, const char *send, int flags)
{
    const char *star_p = NULL, *star_s = NULL;
    while (s < send || p < pend) {
        if (p < pend) {
            char pc = *p;
            if (pc == '*') {
                while (p < pend && *p == '*') p++;
                star_p = p, star_s = s;
                continue;
            }
            if (s < send) {
                if (pc == '?') {
                    p++, s++;
                    continue;
                }
                if (pc == '[') {
                    const char *end;
                    int m = class_match(p + 1, pend, (unsigned char)*s, flags, &end);
                    if (m == 1) {
                        p = end, s++;
                        continue;
                    }
                    if (m == 0) goto retry;
                    /* unclosed: a literal '[' */
                }
                if (pc == '\\' && p + 1 < pend) pc = *++p;
                if (fold(pc, flags) == fold(*s, flags)) {
                    p++, s++;
                    continue;
                }
            }
        }
    retry:
        if (star_p && star_s < send) {
            p = star_p, s = ++star_s;
            continue;
        }
        return false;
    }
    return true;
}

/* End of the pattern segment starting at p (the next unescaped '/'). */
static const char *pseg_end(const char *p)
{
    while (*p && *p != '/') {
        if (*p == '\\' && p[1]) p++;
        p++;
    }
    return p;
}

static bool path_match(const char *p, const char *s, int flags, int depth)
{
    if (depth > 64) return false;
    for (;;) {
        if (p[0] == '*' && p[1] == '*' && (p[2] == '/' || p[2] == 0)) {
            if (p[2] == 0) return true;
            const char *rest = p + 3;
            for (const char *t = s;; t++) {
                if ((t == s || t[-1] == '/') && path_match(rest, t, flags, depth + 1)) return true;
                if (!*t) return false;
            }
        }
        const char *pe = pseg_end(p);
        const char *se = strchr(s, '/');
        if (!se) se = s + strlen(s);
        if (!seg_match(p, pe, s, se, flags)) return false;
        if (!*pe) return !*se;
        if (!*se) return false;
        p = pe + 1, s = se + 1;
    }
}

bool cw_fnglob_match(const char *pattern, const char *s, int flags)
{
    if (!pattern || !s) return false;
    if (flags & CW_GLOB_PATH) return path_match(pattern, s, flags, 0);
    return seg_match(pattern, pattern + strlen(pattern), s, s + strlen(s), flags);
}

const char *cw_fnglob_check(const char *p)
{
    for (; *p; p++) {
        if (*p == '\\') {
            if (!p[1]) return "ends with a lone '\\'";
            p++;
        } else if (*p == '[') {
            const char *q = p + 1;
            if (*q == '!' || *q == '^') q++;
            if (*q == ']') q++;
            while (*q && *q != ']') q++;
            if (!*q) return "has a '[' with no closing ']'";
            p = q;
        }
    }
    return NULL;
}

bool cw_fnglob_is_pattern(const char *p)
{
    return strpbrk(p, "*?[") != NULL;
}
