/* natid.c - national ID schemes. */
#include "natid.h"

#include <string.h>

static inline bool dig(char c) { return c >= '0' && c <= '9'; }

bool cw_tfn_ok(const char *d, size_t n)
{
    static const int w[9] = {1, 4, 3, 7, 5, 8, 6, 9, 10};
    if (n != 9) return false;
    int s = 0;
    for (int i = 0; i < 9; i++) s += (d[i] - '0') * w[i];
    return s % 11 == 0;
}

bool cw_ird_ok(const char *d, size_t n)
{
    static const int w1[8] = {3, 2, 7, 6, 5, 4, 3, 2}, w2[8] = {7, 4, 3, 2, 5, 2, 7, 6};
    if (n != 8 && n != 9) return false;
    char b[9];
    if (n == 8) b[0] = '0', memcpy(b + 1, d, 8);
    else memcpy(b, d, 9);
    long v = 0;
    for (int i = 0; i < 8; i++) v = v * 10 + (b[i] - '0');
    if (v < 1000000 || v > 15000000) return false; /* base number (without check digit) range */
    for (int pass = 0; pass < 2; pass++) {
        const int *w = pass ? w2 : w1;
        int s = 0;
        for (int i = 0; i < 8; i++) s += (b[i] - '0') * w[i];
        int r = s % 11, c = r == 0 ? 0 : 11 - r;
        if (c == 10) continue;
        return c == b[8] - '0';
    }
    return false;
}

bool cw_mynumber_ok(const char *d, size_t n)
{
    if (n != 12) return false;
    int s = 0;
    for (int k = 1; k <= 11; k++) {
        int q = k <= 6 ? k + 1 : k - 5;
        s += (d[11 - k] - '0') * q;
    }
    int r = s % 11, c = r <= 1 ? 0 : 11 - r;
    return c == d[11] - '0';
}

bool cw_nric_ok(const char *s)
{
    static const int w[7] = {2, 7, 6, 5, 4, 3, 2};
    char p = s[0];
    if (!strchr("STFG", p)) return false;
    int sum = 0;
    for (int i = 0; i < 7; i++) {
        if (!dig(s[1 + i])) return false;
        sum += (s[1 + i] - '0') * w[i];
    }
    if (p == 'T' || p == 'G') sum += 4;
    const char *tab = (p == 'S' || p == 'T') ? "JZIHGFEDCBA" : "XWUTRQPNMLK";
    return tab[sum % 11] == s[8];
}

bool cw_thai_id_ok(const char *d, size_t n)
{
    if (n != 13 || d[0] == '0' || d[0] == '9') return false;
    int s = 0;
    for (int i = 0; i < 12; i++) s += (d[i] - '0') * (13 - i);
    return (11 - s % 11) % 10 == d[12] - '0';
}

static const unsigned char vd[10][10] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
    {3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
    {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
    {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
static const unsigned char vp[8][10] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
    {8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
    {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}};

bool cw_verhoeff(const char *d, size_t n)
{
    int c = 0;
    for (size_t i = 0; i < n; i++) c = vd[c][vp[i % 8][d[n - 1 - i] - '0']];
    return c == 0;
}

static bool nik_ok(const char *d, size_t n)
{
    if (n != 16) return false;
    int prov = (d[0] - '0') * 10 + (d[1] - '0');
    static const int provs[] = {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53,
                                61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94};
    bool pok = false;
    for (size_t i = 0; i < sizeof provs / sizeof *provs; i++) pok |= provs[i] == prov;
    if (!pok) return false;
    int dd = (d[6] - '0') * 10 + (d[7] - '0'), mm = (d[8] - '0') * 10 + (d[9] - '0');
    if (dd > 40) dd -= 40;
    if (dd < 1 || dd > 31 || mm < 1 || mm > 12) return false;
    return memcmp(d + 12, "0000", 4) != 0;
}

static bool mykad_ok(const char *d, size_t n)
{
    if (n != 12) return false;
    int mm = (d[2] - '0') * 10 + (d[3] - '0'), dd = (d[4] - '0') * 10 + (d[5] - '0');
    int pb = (d[6] - '0') * 10 + (d[7] - '0');
    if (mm < 1 || mm > 12 || dd < 1 || dd > 31) return false;
    return (pb >= 1 && pb <= 16) || (pb >= 21 && pb <= 59) || (pb >= 60 && pb <= 68) || pb == 71 || pb == 72 ||
           (pb >= 74 && pb <= 79) || (pb >= 82 && pb <= 93) || pb == 98 || pb == 99;
}

/* Grouping of digits: lengths of digit runs and the separator used. */
typedef struct shape {
    int g[8], ng;
    char sep; /* ' ', '-', 0 none, '?' mixed */
} shape;

static void get_shape(const char *s, size_t n, shape *sh)
{
    memset(sh, 0, sizeof *sh);
    int run = 0;
    for (size_t i = 0; i < n; i++) {
        if (dig(s[i])) {
            run++;
        } else {
            if (run && sh->ng < 8) sh->g[sh->ng++] = run;
            run = 0;
            if (!sh->sep) sh->sep = s[i];
            else if (sh->sep != s[i]) sh->sep = '?';
        }
    }
    if (run && sh->ng < 8) sh->g[sh->ng++] = run;
}

static bool shape_is(const shape *sh, char sep, int a, int b, int c, int d, int e)
{
    int want[5] = {a, b, c, d, e}, k = 0;
    while (k < 5 && want[k]) k++;
    if (sh->ng != k || sh->sep != sep) return false;
    for (int i = 0; i < k; i++)
        if (sh->g[i] != want[i]) return false;
    return true;
}

uint16_t cw_natid_readings(const char *s, size_t n, bool ctx)
{
    uint16_t m = 0;
#define R(c) (m |= (uint16_t)(1u << (c)))
    while (n && *s == ' ') s++, n--;
    while (n && s[n - 1] == ' ') n--;
    if (n < 8 || n > 24) return 0;
    /* letter-framed: NRIC/FIN, PAN */
    if (n == 9 && s[0] >= 'A' && s[0] <= 'Z' && s[8] >= 'A' && s[8] <= 'Z') return cw_nric_ok(s) ? (uint16_t)(1u << CW_CC_SG) : 0;
    if (n == 10 && ctx) {
        bool pan = true;
        for (int i = 0; i < 10; i++) {
            bool letter = s[i] >= 'A' && s[i] <= 'Z';
            if ((i < 5 || i == 9) ? !letter : !dig(s[i])) pan = false;
        }
        if (pan && strchr("ABCFGHLJPT", s[3])) return (uint16_t)(1u << CW_CC_IN);
    }
    char d[24];
    size_t nd = 0;
    for (size_t i = 0; i < n; i++) {
        if (dig(s[i])) d[nd++] = s[i];
        else if (s[i] != ' ' && s[i] != '-') return 0;
    }
    shape sh;
    get_shape(s, n, &sh);
    switch (nd) {
    case 8:
        if ((ctx || shape_is(&sh, '-', 2, 3, 3, 0, 0)) && cw_ird_ok(d, nd)) R(CW_CC_NZ);
        break;
    case 9:
        if ((ctx || shape_is(&sh, ' ', 3, 3, 3, 0, 0)) && cw_tfn_ok(d, nd)) R(CW_CC_AU);
        if ((ctx || shape_is(&sh, '-', 3, 3, 3, 0, 0)) && cw_ird_ok(d, nd)) R(CW_CC_NZ);
        break;
    case 10:
        if (shape_is(&sh, '-', 2, 7, 1, 0, 0) || (ctx && sh.ng == 1)) R(CW_CC_PH); /* SSS */
        break;
    case 12:
        if ((shape_is(&sh, '-', 6, 2, 4, 0, 0) || (ctx && sh.ng == 1)) && mykad_ok(d, nd)) R(CW_CC_MY);
        if (d[0] >= '2' && (ctx || shape_is(&sh, ' ', 4, 4, 4, 0, 0)) && cw_verhoeff(d, nd)) R(CW_CC_IN);
        if ((ctx || shape_is(&sh, ' ', 4, 4, 4, 0, 0)) && cw_mynumber_ok(d, nd))
            R(CW_CC_JP);
        break;
    case 13:
        if ((ctx || shape_is(&sh, '-', 1, 4, 5, 2, 1) || shape_is(&sh, ' ', 1, 4, 5, 2, 1)) && cw_thai_id_ok(d, nd))
            R(CW_CC_TH);
        break;
    case 16:
        if (ctx && nik_ok(d, nd)) R(CW_CC_ID);
        break;
    default: break;
    }
#undef R
    return m;
}

/* The reading chosen when nothing else decides: the first in this order (each length
 * has its own schemes, so the order only matters within a length). */
static const cw_cc order[] = {CW_CC_SG, CW_CC_AU, CW_CC_NZ, CW_CC_PH, CW_CC_MY, CW_CC_IN, CW_CC_JP, CW_CC_TH, CW_CC_ID};

cw_cc cw_natid_first(uint16_t mask)
{
    for (size_t i = 0; i < sizeof order / sizeof *order; i++)
        if (mask & (1u << order[i])) return order[i];
    return CW_CC_NONE;
}

cw_cc cw_natid_check(const char *s, size_t n, bool ctx) { return cw_natid_first(cw_natid_readings(s, n, ctx)); }
