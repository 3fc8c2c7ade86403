/* validate.c - VIN, card, e-mail, date, name and address validators. */
#include "validate.h"

#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "vocab.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- VIN (49 CFR 565.15) ---- */
static const signed char vin_val[256] = {
    ['0'] = 0, ['1'] = 1, ['2'] = 2, ['3'] = 3, ['4'] = 4, ['5'] = 5, ['6'] = 6, ['7'] = 7, ['8'] = 8, ['9'] = 9,
    ['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
    ['J'] = 1, ['K'] = 2, ['L'] = 3, ['M'] = 4, ['N'] = 5, ['P'] = 7, ['R'] = 9,
    ['S'] = 2, ['T'] = 3, ['U'] = 4, ['V'] = 5, ['W'] = 6, ['X'] = 7, ['Y'] = 8, ['Z'] = 9,
};
static const unsigned char vin_w[17] = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};

static inline bool vin_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q');
}

char cw_vin_check_digit(const char *v)
{
    unsigned sum = 0;
    for (int i = 0; i < 17; i++) sum += (unsigned)vin_val[(unsigned char)v[i]] * vin_w[i];
    unsigned r = sum % 11;
    return r == 10 ? 'X' : (char)('0' + r);
}

bool cw_vin_hexlike(const char *v)
{
    for (int i = 0; i < 17; i++)
        if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'A' && v[i] <= 'F'))) return false;
    return true;
}

bool cw_vin_na(const char *v)
{
    return v[0] >= '1' && v[0] <= '5';
}

static signed char vin_check_val[256];
static void vin_check_init(void)
{
    memset(vin_check_val, -1, sizeof vin_check_val);
    for (int c = 0; c < 256; c++)
        if (vin_char((unsigned char)c)) vin_check_val[c] = vin_val[c];
}

cw_vin_result cw_vin_validate(const char *v)
{
    /* one pass: characters, letters/digits, weighted sum */
    static pthread_once_t once = PTHREAD_ONCE_INIT; /* runs share the table */
    pthread_once(&once, vin_check_init);
    const signed char *val = vin_check_val;
    int digits = 0;
    unsigned sum = 0;
    for (int i = 0; i < 17; i++) {
        unsigned char c = (unsigned char)v[i];
        int x = val[c];
        if (x < 0) return CW_VIN_BAD;
        digits += c <= '9';
        sum += (unsigned)x * vin_w[i];
    }
    if (digits == 17 || digits < 3) return CW_VIN_BAD; /* needs letters and digits */
    /* position 10 (model year) is never U, Z or 0; no region starts with 0 */
    if (v[9] == 'U' || v[9] == 'Z' || v[9] == '0' || v[0] == '0') return CW_VIN_BAD;
    /* ISO 3779: the last four characters of the VIS (positions 14-17) are numeric */
    for (int i = 13; i < 17; i++)
        if (v[i] < '0' || v[i] > '9') return CW_VIN_BAD;
    unsigned r = sum % 11;
    char check = r == 10 ? 'X' : (char)('0' + r);
    if (check == v[8]) return CW_VIN_OK_CHECKED;
    /* North America (49 CFR 565): the check digit is mandatory; elsewhere ISO 3779 has
     * no check digit and position 9 is part of the VDS (a letter is allowed) */
    if (cw_vin_na(v)) return CW_VIN_BAD;
    return CW_VIN_OK_UNCHECKED;
}

/* ---- cards ---- */
bool cw_luhn(const char *d, size_t n)
{
    unsigned sum = 0;
    bool dbl = false;
    for (size_t i = n; i-- > 0;) {
        unsigned x = (unsigned)(d[i] - '0');
        if (dbl) {
            x *= 2;
            if (x > 9) x -= 9;
        }
        sum += x;
        dbl = !dbl;
    }
    return sum % 10 == 0;
}

static unsigned prefix(const char *d, int k)
{
    unsigned v = 0;
    for (int i = 0; i < k; i++) v = v * 10 + (unsigned)(d[i] - '0');
    return v;
}

bool cw_card_issuer(const char *d, size_t n)
{
    unsigned p1 = prefix(d, 1), p2 = prefix(d, 2), p3 = prefix(d, 3), p4 = prefix(d, 4), p6 = prefix(d, 6);
    if (p1 == 4) return n == 13 || n == 16 || n == 19;                          /* Visa */
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n == 16;    /* Mastercard */
    if (p2 == 34 || p2 == 37) return n == 15;                                   /* Amex */
    if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) return n >= 14 && n <= 19; /* Diners */
    if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19;                    /* JCB */
    if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || (p6 >= 622126 && p6 <= 622925))
        return n >= 16 && n <= 19;                                              /* Discover */
    if (p2 == 62) return n >= 16 && n <= 19;                                    /* UnionPay */
    if (p2 == 60 || p2 == 81 || p2 == 82 || p3 == 508) return n == 16;          /* RuPay */
    if (p4 == 5018 || p4 == 5020 || p4 == 5038 || p4 == 5893 || p4 == 6304 || p4 == 6759 ||
        (p4 >= 6761 && p4 <= 6763))
        return n >= 12 && n <= 19;                                              /* Maestro (12-19 digits) */
    if ((p4 == 2131 || p4 == 1800) && n == 15) return true;                     /* JCB, 15-digit series */
    return false;
}

/* ---- e-mail ---- */
static const char cc_tlds[][3] = {"", "au", "nz", "jp", "sg", "th", "id", "ph", "my", "in"};

cw_cc cw_cc_from_tld(const char *t, size_t n)
{
    if (n != 2) return CW_CC_NONE;
    char a = (char)(t[0] | 0x20), b = (char)(t[1] | 0x20);
    for (int i = 1; i < CW_CC__COUNT; i++)
        if (cc_tlds[i][0] == a && cc_tlds[i][1] == b) return (cw_cc)i;
    return CW_CC_NONE;
}

static inline bool is_alpha(unsigned char c) { return (unsigned char)((c | 0x20) - 'a') < 26; }
static inline bool is_digit(unsigned char c) { return (unsigned char)(c - '0') < 10; }
static inline bool is_alnum(unsigned char c) { return is_alpha(c) || is_digit(c); }

bool cw_email_valid(const char *s, size_t n, cw_cc *cc)
{
    const char *at = memchr(s, '@', n);
    if (!at || n > 254) return false;
    size_t ll = (size_t)(at - s), dl = n - ll - 1;
    if (ll == 0 || ll > 64 || dl < 4) return false;
    if (s[0] == '.' || at[-1] == '.') return false;
    for (size_t i = 1; i < ll; i++)
        if (s[i] == '.' && s[i - 1] == '.') return false;
    const char *d = at + 1, *end = s + n;
    int labels = 0;
    const char *lab = d;
    for (const char *p = d; p <= end; p++) {
        if (p == end || *p == '.') {
            size_t len = (size_t)(p - lab);
            if (len == 0 || len > 63 || lab[0] == '-' || p[-1] == '-') return false;
            labels++;
            if (p == end) break;
            lab = p + 1;
        } else if (!is_alnum((unsigned char)*p) && *p != '-') {
            return false;
        }
    }
    if (labels < 2) return false;
    size_t tl = (size_t)(end - lab);
    if (tl < 2 || tl > 24) return false;
    for (size_t i = 0; i < tl; i++)
        if (!is_alpha((unsigned char)lab[i])) return false;
    if (cc) *cc = cw_cc_from_tld(lab, tl);
    return true;
}

/* ---- dates ---- */
static bool ymd_ok(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2030 || m < 1 || m > 12 || d < 1) return false;
    int md = mdays[m - 1] + (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
    return d <= md;
}

/* Japanese eras: first year and length (years). */
static int era_len(int first)
{
    switch (first) {
    case 1868: return 45; /* 明治 */
    case 1912: return 15; /* 大正 */
    case 1926: return 64; /* 昭和 */
    case 1989: return 31; /* 平成 */
    case 2019: return 30; /* 令和 (open) */
    default: return 0;
    }
}

static bool is3(const unsigned char *u, size_t i, size_t n, const char *lit)
{
    return i + 3 <= n && memcmp(u + i, lit, 3) == 0;
}

bool cw_date_parse(const char *s, size_t n, int *py, int *pm, int *pd)
{
    const cw_vocab *v = cw_vocab_get();
    const unsigned char *u = (const unsigned char *)s;
    int num[3], nlen[3], nn = 0, mon = 0, era = 0, era_n = -1;
    bool be = false, marks = false;
    while (n && (s[n - 1] == ' ')) n--;
    /* an ISO time part after the date: cut at 'T' or ' ' followed by hh:mm */
    for (size_t k = 6; k + 3 < n; k++)
        if ((s[k] == 'T' || s[k] == ' ') && is_digit(u[k + 1]) && is_digit(u[k + 2]) && s[k + 3] == ':') {
            n = k;
            break;
        }
    if (n < 6 || n > 48) return false;
    size_t i = 0;
    while (i < n) {
        unsigned char c = u[i];
        bool thai_digit = c == 0xE0 && i + 2 < n && u[i + 1] == 0xB9 && u[i + 2] >= 0x90 && u[i + 2] <= 0x99;
        if (is_digit(c) || thai_digit) {
            if (nn == 3) return false;
            int val = 0, l = 0;
            for (;;) {
                if (i < n && is_digit(u[i])) val = val * 10 + (u[i] - '0'), i++;
                else if (i + 2 < n && u[i] == 0xE0 && u[i + 1] == 0xB9 && u[i + 2] >= 0x90 && u[i + 2] <= 0x99)
                    val = val * 10 + (u[i + 2] - 0x90), i += 3; /* Thai digits ๐-๙ */
                else break;
                if (++l > 8) return false;
            }
            /* an ordinal after the day: 12th, 1st */
            if (i + 1 < n && ((s[i] == 's' && s[i + 1] == 't') || (s[i] == 'n' && s[i + 1] == 'd') ||
                              (s[i] == 'r' && s[i + 1] == 'd') || (s[i] == 't' && s[i + 1] == 'h')) &&
                l <= 2 && (i + 2 == n || !is_alpha(u[i + 2])))
                i += 2;
            if (era && era_n < 0 && nn == 0) {
                era_n = val; /* the era's year */
                continue;
            }
            num[nn] = val;
            nlen[nn++] = l;
            continue;
        }
        if (c == '-' || c == '/' || c == '.' || c == ' ' || c == ',') {
            i++;
            continue;
        }
        if (is3(u, i, n, "\xE5\xB9\xB4") || is3(u, i, n, "\xE6\x9C\x88") || is3(u, i, n, "\xE6\x97\xA5")) {
            i += 3; /* 年 月 日 */
            marks = true;
            continue;
        }
        if (is3(u, i, n, "\xE5\x85\x83") && era && era_n < 0) { /* 元年: the first year of the era */
            era_n = 1;
            i += 3;
            continue;
        }
        if (is3(u, i, n, "\xE3\x80\x80")) { /* ideographic space */
            i += 3;
            continue;
        }
        /* พ.ศ. / B.E. before or after the year: Buddhist era */
        if (i + 12 <= n && memcmp(u + i, "\xE0\xB8\x9E.\xE0\xB8\xA8.", 8) == 0) {
            be = true;
            i += 8;
            continue;
        }
        if (i + 8 <= n && memcmp(u + i, "\xE0\xB8\x9E.\xE0\xB8\xA8", 7) == 0) {
            be = true;
            i += 7;
            continue;
        }
        if (i + 2 <= n && (s[i] == 'B' || s[i] == 'b') && (s[i + 1] == 'E' || s[i + 1] == 'e' || s[i + 1] == '.') &&
            (i + 2 == n || !is_alpha(u[i + 2]) || ((s[i + 2] == 'E' || s[i + 2] == 'e') && s[i + 1] == '.'))) {
            be = true;
            i += s[i + 1] == '.' ? (i + 3 < n && s[i + 3] == '.' ? 4 : 3) : 2;
            continue;
        }
        const cw_vterm *t = NULL;
        if (!era && nn == 0 && cw_vocab_prefix(v, V_ERA, s + i, n - i, &t)) {
            /* an era letter (S60.3.12) must be followed by its year's digits */
            if (!t->ascii || (i + t->nlen < n && is_digit(u[i + t->nlen]))) {
                era = t->era_year;
                i += t->nlen;
                continue;
            }
        }
        size_t ml = cw_vocab_prefix(v, V_MONTH, s + i, n - i, &t);
        if (ml && !mon && t->month) {
            mon = t->month;
            i += ml;
            while (i < n && s[i] == '.') i++;
            continue;
        }
        return false;
    }
    int y, m, d;
    if (era) {
        if (era_n < 1 || era_n > era_len(era) || nn != 2 || mon) return false;
        y = era + era_n - 1, m = num[0], d = num[1];
    } else if (mon) {
        if (nn != 2) return false;
        m = mon;
        if (nlen[1] == 4 && nlen[0] <= 2) d = num[0], y = num[1];
        else if (nlen[0] == 4 && nlen[1] <= 2) y = num[0], d = num[1];
        else return false;
    } else if (nn == 1 && nlen[0] == 8 && !marks) {
        y = num[0] / 10000, m = num[0] / 100 % 100, d = num[0] % 100;
    } else if (nn == 3) {
        if (nlen[0] == 4 && nlen[1] <= 2 && nlen[2] <= 2) y = num[0], m = num[1], d = num[2];
        else if (nlen[2] == 4 && nlen[0] <= 2 && nlen[1] <= 2 && !marks) {
            y = num[2];
            d = num[0], m = num[1];
            if (m > 12 && d <= 12) d = num[1], m = num[0]; /* US order */
        } else return false;
    } else {
        return false;
    }
    /* Thai Buddhist era: BE = CE + 543 (a year past 2400 is never a CE birth year) */
    if (!era && (be || (y >= 2443 && y <= 2573))) {
        if (y < 2443 || y > 2573) return false;
        y -= 543;
    }
    if (!ymd_ok(y, m, d)) return false;
    if (py) *py = y;
    if (pm) *pm = m;
    if (pd) *pd = d;
    return true;
}

/* ---- names ---- */
static uint32_t u8dec(const unsigned char *s, size_t n, size_t *len)
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

static bool cp_letter(uint32_t cp)
{
    return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
           (cp >= 0x370 && cp <= 0x3FF) || (cp >= 0x400 && cp <= 0x4FF) || (cp >= 0x900 && cp <= 0x97F) ||
           (cp >= 0xE00 && cp <= 0xE7F) || (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x3040 && cp <= 0x30FF) ||
           (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
           (cp >= 0xFF66 && cp <= 0xFF9F); /* half-width katakana (JIS X 0201 exports: ﾔﾏﾀﾞ ﾀﾛｳ) */
}

static bool eq_ci(const char *s, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    if (l != n) return false;
    for (size_t i = 0; i < n; i++)
        if ((s[i] | 0x20) != lit[i]) return false;
    return true;
}

/* Title before a name ("Mr.", "คุณ", "Bapak") and honorific after it ("様", "さん"):
 * the name is what lies between. */
void cw_name_core(const char **ps, size_t *pn)
{
    const cw_vocab *v = cw_vocab_get();
    const char *s = *ps;
    size_t n = *pn;
    while (n && (*s == ' ')) s++, n--;
    while (n && s[n - 1] == ' ') n--;
    for (int round = 0; round < 2; round++) { /* "Dear Mr" */
        size_t tl = cw_vocab_prefix(v, V_TITLE, s, n, NULL);
        if (!tl || tl >= n) break;
        size_t k = tl;
        if (k < n && s[k] == '.') k++;
        bool thai = (uint8_t)s[0] >= 0x80;
        if (k < n && (s[k] == ' ' || thai || s[k - 1] == '.')) {
            while (k < n && s[k] == ' ') k++;
            s += k, n -= k;
        } else {
            break;
        }
    }
    size_t hl = cw_vocab_suffix(v, V_HONORIFIC, s, n);
    if (hl && hl < n && (uint8_t)s[n - hl] >= 0x80) { /* CJK honorifics only: "Tan" is a name */
        n -= hl;
        while (n && (s[n - 1] == ' ' || (n >= 3 && memcmp(s + n - 3, "\xE3\x80\x80", 3) == 0)))
            n -= s[n - 1] == ' ' ? 1 : 3;
    }
    *ps = s;
    *pn = n;
}

static const char *const particles[] = {"bin", "binti", "bte", "bt", "b", "van", "von", "der", "den", "de",
                                        "da", "del", "dela", "di", "du", "la", "le", "al", "el", "y", "dos",
                                        "das", "do", "ap", "ibn", "a/l", "a/p", "s/o", "d/o", NULL};

/* strict: the key only said "name" (or an unknown thing's name): Latin-script values
 * must be two or more capitalised words, not a slug or a sentence */
bool cw_name_check(const char *s, size_t n, bool strict)
{
    cw_name_core(&s, &n);
    if (n < 2 || n > 200) return false; /* bytes: 60 Thai or CJK characters */
    static const char *junk[] = {"null", "none", "n/a", "na", "unknown", "test", "tbd", "anonymous", "nil", "undefined", "-"};
    for (size_t k = 0; k < sizeof junk / sizeof *junk; k++)
        if (eq_ci(s, n, junk[k])) return false;
    int letters = 0, words = 1, run = 0, latin_words = 0, lower_start = 0, camel = 0;
    bool other_script = false, word_start = true, prev_lower = false;
    const unsigned char *u = (const unsigned char *)s;
    size_t ws = 0;
    for (size_t i = 0; i <= n;) {
        size_t l = 1;
        uint32_t cp = i < n ? u8dec(u + i, n - i, &l) : ' ';
        bool sep = cp == ' ' || cp == 0x3000;
        if (i < n && cp_letter(cp)) {
            letters++;
            run = 0;
            bool latin = cp < 0x250 || (cp >= 0x1E00 && cp <= 0x1EFF);
            if (!latin) other_script = true;
            if (latin && word_start) {
                latin_words++;
                bool up = (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE);
                if (!up) {
                    /* a particle ("bin", "van", "de") may start lower case */
                    size_t we = i;
                    while (we < n && u[we] != ' ') we++;
                    bool part = false;
                    for (const char *const *p = particles; *p && !part; p++)
                        part = strlen(*p) == we - i && strncasecmp(*p, s + i, we - i) == 0;
                    if (!part) lower_start++;
                }
            } else if (latin && prev_lower && cp >= 'A' && cp <= 'Z') {
                /* McDonald, MacKenzie, DeSouza: a capital after a lower-case prefix of two or three */
                size_t wl = i - ws;
                if (!(wl == 2 && (u[ws] == 'M' || u[ws] == 'D')) && !(wl == 3 && u[ws] == 'M')) camel++;
            }
            prev_lower = latin && !((cp >= 'A' && cp <= 'Z'));
            word_start = false;
        } else if (sep) {
            if (i == n) break;
            if (run) return false; /* double separator */
            words++;
            run = 1;
            word_start = true;
            prev_lower = false;
            ws = i + l;
        } else if (cp == '-' || cp == '\'' || cp == '.' || cp == ',' || cp == 0x2019 || cp == 0x30FB || cp == 0x3005 ||
                   cp == 0x30F6 || cp == 0x30FC || cp == '/') {
            /* hyphenated, O'Brien, initials, "Smith, John", katakana middle dot, 々 (佐々木), ヶ, ー,
             * "a/l" (anak lelaki) */
            if (cp == '/' && strict) return false;
            if (cp == 0x3005 || cp == 0x30F6 || cp == 0x30FC) letters++;
            if (cp == '-' || cp == '\'' || cp == 0x2019) word_start = true, ws = i + l;
        } else {
            return false;
        }
        i += l;
    }
    if (letters < 2 || words > 6) return false;
    if (strict && !other_script) {
        if (words < 2 || lower_start || camel) return false;
    }
    return true;
}

bool cw_name_valid(const char *s, size_t n) { return cw_name_check(s, n, false); }

/* ---- addresses ---- */

/* Place words that tell an address's country, looked up by a hash of the word. */
typedef struct place_word {
    const char *w;
    cw_cc cc;
} place_word;
static const place_word place_words[] = {
    {"Singapore", CW_CC_SG}, {"Jl", CW_CC_ID}, {"Jakarta", CW_CC_ID}, {"Indonesia", CW_CC_ID},
    {"Surabaya", CW_CC_ID}, {"Bandung", CW_CC_ID}, {"Jalan", CW_CC_MY}, {"Kuala", CW_CC_MY},
    {"Selangor", CW_CC_MY}, {"Penang", CW_CC_MY}, {"Malaysia", CW_CC_MY}, {"Johor", CW_CC_MY},
    {"Bangkok", CW_CC_TH}, {"Thailand", CW_CC_TH}, {"Chiang", CW_CC_TH}, {"Manila", CW_CC_PH},
    {"Philippines", CW_CC_PH}, {"Cebu", CW_CC_PH}, {"Quezon", CW_CC_PH}, {"Makati", CW_CC_PH},
    {"India", CW_CC_IN}, {"Karnataka", CW_CC_IN}, {"Maharashtra", CW_CC_IN}, {"Tamil", CW_CC_IN},
    {"Delhi", CW_CC_IN}, {"Bengal", CW_CC_IN}, {"Mumbai", CW_CC_IN}, {"Bengaluru", CW_CC_IN},
    {"Chennai", CW_CC_IN}, {"Kolkata", CW_CC_IN}, {"Auckland", CW_CC_NZ}, {"Wellington", CW_CC_NZ},
    {"Christchurch", CW_CC_NZ}, {"Dunedin", CW_CC_NZ}, {"Zealand", CW_CC_NZ}, {"Australia", CW_CC_AU},
    {"NSW", CW_CC_AU}, {"WA", CW_CC_AU}, {"SA", CW_CC_AU}, {"NT", CW_CC_AU}, {"VIC", CW_CC_AU}, {"QLD", CW_CC_AU}, {"TAS", CW_CC_AU}, {"ACT", CW_CC_AU},
};
#define PW_COUNT (sizeof place_words / sizeof *place_words)
#define PW_SLOTS 256
static uint8_t pw_table[PW_SLOTS]; /* index+1 into place_words, 0 = empty */
static uint8_t pw_len[PW_COUNT];
static uint32_t pw_first; /* bit (letter - 'A'): a place word starts with it */

static uint32_t word_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

static void pw_init(void)
{
    for (size_t k = 0; k < PW_COUNT; k++) {
        pw_len[k] = (uint8_t)strlen(place_words[k].w);
        pw_first |= 1u << (place_words[k].w[0] - 'A');
        uint32_t i = word_hash(place_words[k].w, pw_len[k]) % PW_SLOTS;
        while (pw_table[i]) i = (i + 1) % PW_SLOTS;
        pw_table[i] = (uint8_t)(k + 1);
    }
}

static cw_cc place_word_cc(const char *w, size_t n)
{
    if (!(pw_first >> (w[0] - 'A') & 1)) return CW_CC_NONE;
    uint32_t i = word_hash(w, n) % PW_SLOTS;
    while (pw_table[i]) {
        unsigned k = pw_table[i] - 1u;
        if (pw_len[k] == n && memcmp(place_words[k].w, w, n) == 0) return place_words[k].cc;
        i = (i + 1) % PW_SLOTS;
    }
    return CW_CC_NONE;
}

/* Byte classes of an address (at most 300 bytes: 5 blocks of 64), one bit per byte. */
#define ADDR_BLOCKS 5
typedef struct addr_masks {
    uint64_t alpha[ADDR_BLOCKS]; /* ASCII letters */
    uint64_t upper[ADDR_BLOCKS]; /* A-Z */
    uint64_t lead3[ADDR_BLOCKS]; /* >= 0xE0: lead byte of a 3- or 4-byte UTF-8 sequence */
    size_t nb;
    int digits, words, nonascii; /* words: runs of 2+ letters or non-ASCII bytes */
    bool at;                     /* an '@' */
} addr_masks;

static void addr_classify(const unsigned char *u, size_t n, addr_masks *m)
{
    m->nb = (n + 63) / 64;
    m->digits = m->words = m->nonascii = 0;
    m->at = false;
    uint64_t prevw = 0;
    for (size_t k = 0; k < m->nb; k++) {
        unsigned char blk[64];
        const unsigned char *p = u + 64 * k;
        size_t len = n - 64 * k < 64 ? n - 64 * k : 64;
        if (len < 64) { /* NUL padding is in none of the classes */
            memset(blk, 0, sizeof blk);
            memcpy(blk, p, len);
            p = blk;
        }
        uint64_t d = 0, a = 0, up = 0, hi = 0, e = 0, at = 0;
#if defined(__SSE2__)
        const __m128i c0 = _mm_set1_epi8('0' - 1), c9 = _mm_set1_epi8('9' + 1), cA = _mm_set1_epi8('A' - 1),
                      cZ = _mm_set1_epi8('Z' + 1), c20 = _mm_set1_epi8(0x20), ca = _mm_set1_epi8('a' - 1),
                      cz = _mm_set1_epi8('z' + 1), cE0 = _mm_set1_epi8((char)0xDF), cat = _mm_set1_epi8('@');
        for (int q = 0; q < 4; q++) {
            __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * q));
            /* signed compares: bytes >= 0x80 are negative */
            __m128i dv = _mm_and_si128(_mm_cmpgt_epi8(v, c0), _mm_cmplt_epi8(v, c9));
            __m128i uv = _mm_and_si128(_mm_cmpgt_epi8(v, cA), _mm_cmplt_epi8(v, cZ));
            __m128i l = _mm_or_si128(v, c20);
            __m128i av = _mm_and_si128(_mm_cmpgt_epi8(l, ca), _mm_cmplt_epi8(l, cz));
            unsigned sh = 16 * (unsigned)q;
            d |= (uint64_t)(uint16_t)_mm_movemask_epi8(dv) << sh;
            up |= (uint64_t)(uint16_t)_mm_movemask_epi8(uv) << sh;
            a |= (uint64_t)(uint16_t)_mm_movemask_epi8(av) << sh;
            uint64_t h16 = (uint16_t)_mm_movemask_epi8(v);
            hi |= h16 << sh;
            e |= ((uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpgt_epi8(v, cE0)) & h16) << sh;
            at |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, cat)) << sh;
        }
#else
        for (int i = 0; i < 64; i++) {
            unsigned char c = p[i];
            uint64_t bit = 1ULL << i;
            if (is_digit(c)) d |= bit;
            if (is_alpha(c)) a |= bit;
            if (c >= 'A' && c <= 'Z') up |= bit;
            if (c >= 0x80) hi |= bit;
            if (c >= 0xE0) e |= bit;
            if (c == '@') at |= bit;
        }
#endif
        m->alpha[k] = a;
        m->upper[k] = up;
        m->lead3[k] = e;
        m->at |= at != 0;
        m->digits += __builtin_popcountll(d);
        m->nonascii += __builtin_popcountll(hi);
        uint64_t w = a | hi; /* the second byte of a run counts a word */
        uint64_t w1 = (w << 1) | (prevw >> 63), w2 = (w << 2) | (prevw >> 62);
        m->words += __builtin_popcountll(w & w1 & ~w2);
        prevw = w;
    }
}

/* First position >= i whose bit in m[0..nb) is clear (the padding bits are clear). */
static size_t next_clear(const uint64_t *m, size_t nb, size_t i)
{
    for (size_t k = i / 64; k < nb; k++) {
        uint64_t x = ~m[k];
        if (k == i / 64) x &= ~0ULL << (i % 64);
        if (x) return 64 * k + (size_t)__builtin_ctzll(x);
    }
    return 64 * nb;
}

static cw_cc address_country(const char *s, size_t n, const addr_masks *m)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT; /* runs share the table */
    pthread_once(&once, pw_init);
    const unsigned char *u = (const unsigned char *)s;
    /* scripts first: Thai; Japanese postal mark or prefecture characters (the first
     * lead byte >= 0xE0 that starts one of them) */
    if (m->nonascii)
        for (size_t k = 0; k < m->nb; k++)
            for (uint64_t e = m->lead3[k]; e; e &= e - 1) {
                size_t i = 64 * k + (size_t)__builtin_ctzll(e);
                if (i + 2 >= n) break;
                if (u[i] == 0xE0 && (u[i + 1] == 0xB8 || u[i + 1] == 0xB9)) return CW_CC_TH;
                if (u[i] == 0xE3 && u[i + 1] == 0x80 && u[i + 2] == 0x92) return CW_CC_JP; /* 〒 */
                if (u[i] == 0xE9 && u[i + 1] == 0x83 && u[i + 2] == 0xBD) return CW_CC_JP; /* 都 */
                if (u[i] == 0xE7 && u[i + 1] == 0x9C && u[i + 2] == 0x8C) return CW_CC_JP; /* 県 */
                if (u[i] == 0xE5 && u[i + 1] == 0xBA && u[i + 2] == 0x9C) return CW_CC_JP; /* 府 */
            }
    /* words (maximal runs of ASCII letters) starting with a capital; an Australian state
     * must be followed by a 4-digit postcode */
    cw_cc found = CW_CC_NONE;
    uint64_t prev = 0;
    for (size_t k = 0; k < m->nb; k++) {
        uint64_t a = m->alpha[k];
        uint64_t starts = a & m->upper[k] & ~((a << 1) | (prev >> 63));
        prev = a;
        for (; starts; starts &= starts - 1) {
            size_t b = 64 * k + (size_t)__builtin_ctzll(starts);
            size_t i = next_clear(m->alpha, m->nb, b);
            size_t l = i - b;
            if (l < 2 || l > 12) continue;
            cw_cc c = place_word_cc(s + b, l);
            if (c == CW_CC_NONE) continue;
            if (c == CW_CC_AU && l <= 3) {
                if (!(i + 5 <= n && u[i] == ' ' && is_digit(u[i + 1]) && is_digit(u[i + 2]) && is_digit(u[i + 3]) &&
                      is_digit(u[i + 4]) && (i + 5 == n || !is_digit(u[i + 5]))))
                    continue;
            }
            if (c == CW_CC_MY && l == 5 && u[b] == 'J' && found == CW_CC_NONE) { /* "Jalan": Malaysia unless Indonesian words follow */
                found = c;
                continue;
            }
            return c;
        }
    }
    return found;
}

cw_cc cw_address_country(const char *s, size_t n)
{
    if (n > 64 * ADDR_BLOCKS) n = 64 * ADDR_BLOCKS;
    addr_masks m;
    addr_classify((const unsigned char *)s, n, &m);
    return address_country(s, n, &m);
}

bool cw_address_valid(const char *s, size_t n, cw_cc *cc)
{
    if (cc) *cc = CW_CC_NONE;
    while (n && *s == ' ') s++, n--;
    while (n && s[n - 1] == ' ') n--;
    if (n < 8 || n > 300) return false;
    addr_masks m;
    addr_classify((const unsigned char *)s, n, &m);
    if (m.at) return false;
    /* a hostname, an IP address, an ARN: Latin-script postal addresses have blanks */
    if (!m.nonascii && !memchr(s, ' ', n)) return false;
    for (const char *c = memchr(s, ':', n); c; c = memchr(c + 1, ':', (size_t)(s + n - c - 1)))
        if (c + 2 < s + n && c[1] == '/' && c[2] == '/') return false; /* a URL */
    if (m.nonascii < 9 && !(m.digits > 0 && m.words >= 2)) return false; /* CJK / Thai address text, or digits and words */
    if (cc) *cc = address_country(s, n, &m);
    return true;
}
