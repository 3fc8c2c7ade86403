/* plates.c - registration plates of the nine countries, parsed by hand (one pass, no
 * regex). Formats and their sources:
 *   AU  the standard series of every state and territory (state registries, as listed
 *       in "Vehicle registration plates of Australia"): NSW aa·nn·aa and aaa·nna
 *       (slimline), VIC naa·naa, QLD nnn·aaa and nnn·aan (2023-), WA naaa·nnn, SA
 *       Snnn·aaa, TAS a·nn·aa, ACT Yaa·nna, NT Ca·nn·aa, and the older aaa·nnn of NSW,
 *       VIC, SA and ACT;
 *   NZ  aaa nnn (2001-) and aa nnnn (Waka Kotahi NZTA);
 *   JP  region name, class number (1-3 characters), one hiragana, serial number
 *       (品川 300 さ 12-34, なにわ 310 せ ・659; 道路運送車両法施行規則);
 *   TH  [digit] one or two Thai consonants, 1-4 digits, province (1กข 1234 กรุงเทพมหานคร,
 *       วพ-5652 กรุงเทพมหานคร; Department of Land Transport);
 *   ID  region prefix (1-2 letters from the Korlantas list), 1-4 digits, 0-3 letters
 *       (B 1234 ABC, written L4124CCU too);
 *   PH  aaa nnnn (LTO, 2014-), aaa nnn (older);
 *   SG  S + 1-2 letters, 1-4 digits, check letter (LTA checksum, weights 9 4 5 4 3 2);
 *   MY  state letter + up to 2 letters, 1-4 digits, optional letter (JPJ);
 *   IN  state code, 2-digit district, 1-3 letters, 4 digits (MH 12 AB 1234; CMVR
 *       1989), and the Bharat series nn BH nnnn aa (2021-).
 * A plate shape several countries share (ABC123: AU or NZ; B 1234 A: ID or MY) gets
 * every candidate in a mask; the record's other values decide (engine.c). */
#include "plates.h"

#include <string.h>

#include "vocab.h"

#define M(c) ((uint16_t)(1u << (c)))

char cw_sg_plate_letter(const char *s, size_t n)
{
    /* last two prefix letters (A=1..Z=26) and four digits (left-padded), weights 9 4 5 4 3 2 */
    char let[3] = {0};
    int nl = 0, digits[4] = {0};
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
    int a = let[nl - 2] - 'A' + 1, b = let[nl - 1] - 'A' + 1;
    if (nl == 2) a = let[0] == 'S' ? 19 : let[0] - 'A' + 1, b = let[1] - 'A' + 1;
    int sum = a * 9 + b * 4 + digits[0] * 5 + digits[1] * 4 + digits[2] * 3 + digits[3] * 2;
    return "AZYXUTSRPMLKJHGEDCB"[sum % 19];
}

static inline bool up(char c) { return c >= 'A' && c <= 'Z'; }
static inline bool dg(char c) { return c >= '0' && c <= '9'; }

/* s as "letters/digits" shape: L for A-Z, D for 0-9, in c[] (no separators) */
static bool shape(const char *c, size_t n, const char *pat)
{
    size_t l = strlen(pat);
    if (l != n) return false;
    for (size_t i = 0; i < n; i++) {
        if (pat[i] == 'L' && !up(c[i])) return false;
        if (pat[i] == 'D' && !dg(c[i])) return false;
        if (pat[i] != 'L' && pat[i] != 'D' && pat[i] != c[i]) return false;
    }
    return true;
}

static const char in_states[] = "AN AP AR AS BR CH CG DD DL GA GJ HR HP JK JH KA KL LA LD MP MH MN ML MZ NL OD PB PY RJ SK TN TS TR UP UK WB";
static const char my_first[] = "ABCDFJKLMNPQRSTVW";

/* letters, digits, letters runs of a compact ASCII plate */
typedef struct runs3 {
    size_t l1, d, l2, rest;
} runs3;

static void runs_of(const char *c, size_t n, runs3 *r)
{
    size_t i = 0;
    memset(r, 0, sizeof *r);
    while (i < n && up(c[i])) i++, r->l1++;
    while (i < n && dg(c[i])) i++, r->d++;
    while (i < n && up(c[i])) i++, r->l2++;
    r->rest = n - i;
}

static uint16_t ascii_mask(const char *raw, size_t rn, const char *c, size_t n, bool *sg_ok)
{
    uint16_t m = 0;
    *sg_ok = false;
    /* separators: at most 3 groups in what people write ("AB 12 CD", "MH-12-AB-1234") */
    int groups = 1;
    for (size_t i = 0; i < rn; i++)
        if (raw[i] == ' ' || raw[i] == '-' || raw[i] == '.') groups++;
    if (groups > 4) return 0;
    /* Australia */
    if (shape(c, n, "LLDDLL") || shape(c, n, "LLLDDL") || shape(c, n, "DLLDLL") || shape(c, n, "DDDLLL") ||
        shape(c, n, "DDDLLD") || shape(c, n, "DLLLDDD") || shape(c, n, "SDDDLLL") || shape(c, n, "LDDLL"))
        m |= M(CW_CC_AU);
    if (shape(c, n, "LLLDDD")) m |= M(CW_CC_AU) | M(CW_CC_NZ) | M(CW_CC_PH);
    if (shape(c, n, "LLDDDD") || shape(c, n, "LLDDD") || shape(c, n, "LLDD")) m |= M(CW_CC_NZ); /* pre-2001: 2 letters, 1-4 digits */
    if (shape(c, n, "LLLDDDD")) m |= M(CW_CC_PH);
    runs3 r;
    runs_of(c, n, &r);
    /* India: state code, district, series, number; Bharat series */
    if (r.l1 == 2 && n >= 8) {
        char st[3] = {c[0], c[1], 0};
        if (strstr(in_states, st)) {
            size_t i = 2, d = 0, l = 0;
            while (i < n && dg(c[i]) && d < 2) i++, d++;
            while (i < n && up(c[i]) && l < 3) i++, l++;
            if (d >= 1 && l >= 1 && n - i == 4 && dg(c[i]) && dg(c[i + 1]) && dg(c[i + 2]) && dg(c[i + 3]))
                m |= M(CW_CC_IN);
        }
    }
    if (shape(c, n, "DDBHDDDDLL") || shape(c, n, "DDBHDDDDL")) m |= M(CW_CC_IN);
    /* Singapore: the check letter decides */
    if (r.l1 >= 2 && r.l1 <= 3 && c[0] == 'S' && r.d >= 1 && r.d <= 4 && r.l2 == 1 && !r.rest && c[r.l1] != '0') {
        char want = cw_sg_plate_letter(c, n);
        if (want && want == c[n - 1]) *sg_ok = true, m |= M(CW_CC_SG);
    }
    /* Indonesia: region prefix, 1-4 digits, up to 3 letters */
    if (r.l1 >= 1 && r.l1 <= 2 && r.d >= 1 && r.d <= 4 && r.l2 <= 3 && !r.rest && c[r.l1] != '0') {
        char pre[3] = {(char)(c[0] | 0x20), r.l1 == 2 ? (char)(c[1] | 0x20) : 0, 0};
        if (cw_vocab_is(cw_vocab_get(), V_ID_REGION, pre, r.l1) && (r.l2 >= 1 || r.d == 4)) m |= M(CW_CC_ID);
    }
    /* Malaysia: state letter (+ up to 2), 1-4 digits, optional letter */
    if (r.l1 >= 1 && r.l1 <= 3 && strchr(my_first, c[0]) && r.d >= 1 && r.d <= 4 && r.l2 <= 1 && !r.rest &&
        c[r.l1] != '0' && !(r.l1 == 1 && r.d < 2))
        m |= M(CW_CC_MY);
    return m;
}

/* ---- non-ASCII: Japan, Thailand ---- */
static uint32_t dec(const unsigned char *s, size_t n, size_t *len)
{
    unsigned char c = s[0];
    if (c < 0x80) return *len = 1, c;
    size_t l = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (!l || l > n) return *len = 1, 0xFFFFFFFF;
    uint32_t cp = c & (0x7F >> l);
    for (size_t i = 1; i < l; i++) {
        if ((s[i] & 0xC0) != 0x80) return *len = 1, 0xFFFFFFFF;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *len = l;
    return cp;
}

static bool blank(uint32_t cp) { return cp == ' ' || cp == 0x3000 || cp == '\t'; }
static bool cjk_region(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x30A1 && cp <= 0x30FA) ||
           cp == 0x30FC || cp == 0x3005 || cp == 0x30F6;
}
static bool digit_cp(uint32_t cp) { return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19); }
static bool dot_cp(uint32_t cp) { return cp == 0x30FB || cp == 0xFF65 || cp == '.' || cp == 0x2022 || cp == 0xB7; }

/* 品川 300 さ 12-34 / なにわ 310 せ ・659 / 横浜 33A あ 1-23 */
static bool jp_plate(const unsigned char *u, size_t n)
{
    size_t i = 0, l;
    uint32_t cp;
    int region = 0;
    while (i < n && cjk_region(cp = dec(u + i, n - i, &l)) && region < 6) i += l, region++;
    if (region < 1 || region > 5) return false;
    while (i < n && blank(dec(u + i, n - i, &l))) i += l;
    int cls = 0;
    while (i < n && cls < 3) {
        cp = dec(u + i, n - i, &l);
        if (!(digit_cp(cp) || (cp >= 'A' && cp <= 'Z' && cls > 0))) break;
        i += l, cls++;
    }
    if (cls < 1) return false;
    while (i < n && blank(dec(u + i, n - i, &l))) i += l;
    if (i >= n) return false;
    cp = dec(u + i, n - i, &l);
    if (!(cp >= 0x3041 && cp <= 0x3096)) return false; /* one hiragana */
    i += l;
    while (i < n && blank(dec(u + i, n - i, &l))) i += l;
    /* serial: nn-nn, n-nn, or dots then 1-3 digits, or 1-4 digits */
    int dots = 0, d1 = 0, d2 = 0;
    bool dash = false;
    while (i < n && dot_cp(cp = dec(u + i, n - i, &l))) i += l, dots++;
    while (i < n && blank(dec(u + i, n - i, &l))) i += l;
    while (i < n && digit_cp(dec(u + i, n - i, &l))) i += l, d1++;
    if (i < n && (u[i] == '-' || dec(u + i, n - i, &l) == 0xFF0D)) {
        dec(u + i, n - i, &l);
        i += l;
        dash = true;
        while (i < n && digit_cp(dec(u + i, n - i, &l))) i += l, d2++;
    }
    if (i != n || dots > 3) return false;
    if (dash) return !dots && d1 >= 1 && d1 <= 2 && d2 == 2;
    return d1 >= 1 && d1 <= (dots ? 3 : 4);
}

static bool thai_cons(uint32_t cp) { return cp >= 0x0E01 && cp <= 0x0E2E; }

/* 1กข 1234 [province] / วพ-5652 กรุงเทพมหานคร */
static bool th_plate(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, l;
    if (i < n && dg(s[i])) i++;
    int cons = 0;
    while (i < n && thai_cons(dec(u + i, n - i, &l)) && cons < 3) i += l, cons++;
    if (cons < 1 || cons > 2) return false;
    if (i < n && (s[i] == ' ' || s[i] == '-')) i++;
    int d = 0;
    while (i < n && dg(s[i]) && d < 5) i++, d++;
    if (d < 1 || d > 4) return false;
    if (i == n) return true;
    /* the province, after blanks */
    size_t b = i;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) i++;
    if (i == b || i == n) return false;
    return cw_vocab_is(cw_vocab_get(), V_TH_PROVINCE, s + i, n - i);
}

static void normalize(const char *s, size_t n, char *norm, size_t *normlen)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < 31; i++)
        if (s[i] != ' ' && s[i] != '-' && s[i] != '.') norm[k++] = s[i];
    *normlen = k;
}

bool cw_plate_parse(const char *s, size_t n, cw_cc *cc, uint16_t *mask, char *norm, size_t *normlen)
{
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    *cc = CW_CC_NONE;
    if (mask) *mask = 0;
    if (n < 3 || n > 120) return false;
    /* a middle dot between groups, as plates are printed (CT·00·ZV): a blank */
    char dotted[128];
    if (memmem(s, n, "\xC2\xB7", 2) && n < sizeof dotted) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if ((uint8_t)s[i] == 0xC2 && i + 1 < n && (uint8_t)s[i + 1] == 0xB7) dotted[k++] = ' ', i++;
            else dotted[k++] = s[i];
        }
        s = dotted, n = k;
    }
    bool ascii = true, digit = false;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] >= 0x80) ascii = false;
        else if (dg(s[i])) digit = true;
    }
    if (!ascii) {
        const unsigned char *u = (const unsigned char *)s;
        if (jp_plate(u, n)) *cc = CW_CC_JP;
        else if (th_plate(s, n)) *cc = CW_CC_TH;
        else return false;
        if (mask) *mask = M(*cc);
        normalize(s, n, norm, normlen);
        return true;
    }
    if (!digit || n > 14) return false;
    char c[16];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == ' ' || ch == '-' || ch == '.') {
            if (i + 1 < n && (s[i + 1] == ' ' || s[i + 1] == '-' || s[i + 1] == '.')) return false;
            continue;
        }
        if (!up(ch) && !dg(ch)) return false;
        if (k == 15) return false;
        c[k++] = ch;
    }
    if (k < 4 || k > 10) return false;
    bool sg;
    uint16_t m = ascii_mask(s, n, c, k, &sg);
    if (!m) return false;
    if (sg) m = M(CW_CC_SG) | (m & M(CW_CC_MY)); /* the check letter is strong evidence */
    if (mask) *mask = m;
    if (!(m & (m - 1))) *cc = (cw_cc)__builtin_ctz(m);
    else if (sg) *cc = CW_CC_SG;
    memcpy(norm, c, k);
    *normlen = k;
    return true;
}

bool cw_plate_check(cw_pat_scratch *ps, const char *s, size_t n, cw_cc *cc, char *norm, size_t *normlen)
{
    (void)ps;
    return cw_plate_parse(s, n, cc, NULL, norm, normlen);
}
