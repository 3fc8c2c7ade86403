/* mask.c - masking of sample values (see mask.h). */
#include "mask.h"

#include <ctype.h>
#include <string.h>

#include "../util/strbuf.h"

/* Length of the UTF-8 sequence starting at s (1 for an invalid byte). */
static size_t u8len(const unsigned char *s, size_t n)
{
    size_t l = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 1;
    if (l > n) return 1;
    for (size_t i = 1; i < l; i++)
        if ((s[i] & 0xC0) != 0x80) return 1;
    return l;
}

static void add_char(cw_strbuf *sb, const unsigned char *s, size_t l)
{
    if (l == 1 && s[0] >= 0x80) cw_sb_addc(sb, '?');
    else cw_sb_add(sb, s, l);
}

/* Each whitespace-separated word: its first character, then "***". */
static void mask_words(cw_strbuf *sb, const unsigned char *v, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (v[i] == ' ' || v[i] == ',') {
            cw_sb_addc(sb, (char)v[i]);
            i++;
            continue;
        }
        size_t l = u8len(v + i, n - i);
        add_char(sb, v + i, l);
        i += l;
        bool more = false;
        while (i < n && v[i] != ' ' && v[i] != ',') {
            i += u8len(v + i, n - i);
            more = true;
        }
        if (more) cw_sb_adds(sb, "***");
    }
}

static void mask_email(cw_strbuf *sb, const char *v, size_t n)
{
    const char *at = memchr(v, '@', n);
    if (!at || at == v) {
        cw_sb_adds(sb, "***");
        return;
    }
    cw_sb_addc(sb, v[0]);
    cw_sb_adds(sb, "***@");
    const char *dom = at + 1, *end = v + n;
    const char *dot = end;
    while (dot > dom && dot[-1] != '.') dot--;
    if (dom < end) cw_sb_addc(sb, *dom);
    cw_sb_adds(sb, "***");
    if (dot > dom) {
        cw_sb_addc(sb, '.');
        cw_sb_add(sb, dot, (size_t)(end - dot));
    }
}

/* Keep the first `head` and last `tail` alphanumerics, star the others, keep separators. */
static void mask_keep(cw_strbuf *sb, const char *v, size_t n, size_t head, size_t tail)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        if (isalnum((unsigned char)v[i])) total++;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v[i];
        if (ch >= 0x80) {
            cw_sb_addc(sb, '*');
            i += u8len((const unsigned char *)v + i, n - i) - 1;
            continue;
        }
        if (!isalnum(ch)) {
            cw_sb_addc(sb, (char)ch);
            continue;
        }
        cw_sb_addc(sb, (k < head || k + tail >= total) ? (char)ch : '*');
        k++;
    }
}

static void mask_phone(cw_strbuf *sb, const char *v, size_t n)
{
    size_t head = 0;
    if (n && v[0] == '+')
        for (size_t i = 1; i < n && isdigit((unsigned char)v[i]); i++) head++;
    mask_keep(sb, v, n, head, 2);
}

static void mask_dob(cw_strbuf *sb, const char *v, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)v[i];
        if (isdigit(ch)) {
            size_t j = i;
            while (j < n && isdigit((unsigned char)v[j])) j++;
            for (size_t k = i; k < j; k++) cw_sb_addc(sb, (j - i == 4 && k < i + 2) ? v[k] : '*');
            i = j;
        } else if (isalpha(ch) || ch >= 0x80) {
            size_t j = i;
            while (j < n && (isalpha((unsigned char)v[j]) || (unsigned char)v[j] >= 0x80)) j++;
            cw_sb_adds(sb, "***");
            i = j;
        } else {
            cw_sb_addc(sb, (char)ch);
            i++;
        }
    }
}

static void mask_plate(cw_strbuf *sb, const unsigned char *v, size_t n)
{
    /* first and last character, stars (one per character) between */
    size_t chars = 0;
    for (size_t i = 0; i < n; i += u8len(v + i, n - i)) chars++;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        size_t l = u8len(v + i, n - i);
        if (k == 0 || k + 1 == chars || v[i] == ' ' || v[i] == '-') add_char(sb, v + i, l);
        else cw_sb_addc(sb, '*');
        i += l;
        k++;
    }
}

char *cw_mask(cw_cat c, const char *v, size_t n)
{
    cw_strbuf sb = CW_STRBUF_INIT;
    if (n > 200) n = 200;
    switch (c) {
    case CW_CAT_EMAIL: mask_email(&sb, v, n); break;
    case CW_CAT_VIN: mask_keep(&sb, v, n, 3, 4); break;
    case CW_CAT_CARD: mask_keep(&sb, v, n, 4, 4); break;
    case CW_CAT_PHONE: mask_phone(&sb, v, n); break;
    case CW_CAT_NATIONAL_ID: mask_keep(&sb, v, n, 0, 2); break;
    case CW_CAT_DOB: mask_dob(&sb, v, n); break;
    case CW_CAT_PLATE: mask_plate(&sb, (const unsigned char *)v, n); break;
    case CW_CAT_PERSON_NAME:
    case CW_CAT_POSTAL_ADDRESS:
    default: mask_words(&sb, (const unsigned char *)v, n); break;
    }
    if (!sb.buf) cw_sb_adds(&sb, "");
    return cw_sb_detach(&sb);
}
