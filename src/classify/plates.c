/* plates.c - plate formats. Shapes are confirmed by the anchored CW_RX_PLATE* regexes;
 * which capture group matched tells the country family. */
#include "plates.h"

#include <string.h>

char cw_sg_plate_letter(const char *s, size_t n)
{
    /* last two prefix letters (A=1..Z=26) and four digits (left-padded), weights 9 4 5 4 3 2 */
    char let[3] = {0};
    int nl = 0, digits[4] = {0}, nd = 0;
    size_t i = 0;
    while (i < n && s[i] >= 'A' && s[i] <= 'Z') {
        if (nl < 3) let[nl] = s[i];
        nl++;
        i++;
    }
    while (i < n && (s[i] == ' ' || s[i] == '-')) i++;
    int dv[4], k = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9' && k < 4) dv[k++] = s[i++] - '0';
    if (nl < 2 || nl > 3 || k == 0) return 0;
    for (int j = 0; j < k; j++) digits[4 - k + j] = dv[j];
    nd = k;
    (void)nd;
    int a = let[nl - 2] - 'A' + 1, b = let[nl - 1] - 'A' + 1;
    if (nl == 2) a = let[0] == 'S' ? 19 : let[0] - 'A' + 1, b = let[1] - 'A' + 1;
    int sum = a * 9 + b * 4 + digits[0] * 5 + digits[1] * 4 + digits[2] * 3 + digits[3] * 2;
    return "AZYXUTSRPMLKJHGEDCB"[sum % 19];
}

static void normalize(const char *s, size_t n, char *norm, size_t *normlen)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < 31; i++)
        if (s[i] != ' ' && s[i] != '-' && s[i] != '.') norm[k++] = s[i];
    *normlen = k;
}

bool cw_plate_check(cw_pat_scratch *ps, const char *s, size_t n, cw_cc *cc, char *norm, size_t *normlen)
{
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    *cc = CW_CC_NONE;
    if (n < 3 || n > 120) return false;
    bool ascii = true, digit = false;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] >= 0x80) ascii = false;
        else if (s[i] >= '0' && s[i] <= '9') digit = true;
    }
    if (!digit) return false;
    if (!ascii) {
        if (cw_rx_full(ps, CW_RX_PLATE_JP, s, n)) *cc = CW_CC_JP;
        else if (cw_rx_full(ps, CW_RX_PLATE_TH, s, n)) *cc = CW_CC_TH;
        else return false;
        normalize(s, n, norm, normlen);
        return true;
    }
    if (n > 13) return false;
    int g = cw_rx_group(ps, CW_RX_PLATE, s, n);
    if (g <= 0) return false;
    switch (g) {
    case 1: { /* Singapore: the check letter decides */
        char want = cw_sg_plate_letter(s, n);
        *cc = want && want == s[n - 1] ? CW_CC_SG : CW_CC_NONE;
        break;
    }
    case 2: *cc = CW_CC_IN; break;
    case 3: *cc = CW_CC_AU; break;
    case 4: *cc = CW_CC_ID; break;
    case 6: *cc = CW_CC_MY; break;
    default: *cc = CW_CC_NONE; break;
    }
    normalize(s, n, norm, normlen);
    return true;
}
