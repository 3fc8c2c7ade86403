/* jlocate.c - strict JSON validator used ONLY on the error path: simdjson
 * says that a text is invalid but not precisely where or why; this finds the
 * byte offset of the first error and says what was expected there.
 * Iterative (explicit stack), depth-capped, RFC 8259 strict, UTF-8 checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jint.h"
#include "../util/strbuf.h"

typedef struct loc {
    const unsigned char *s;
    size_t n, i;
    cw_json_err *err;
} loc;

static int fail(loc *L, size_t at, const char *fmt, const char *arg)
{
    L->err->offset = at;
    snprintf(L->err->msg, sizeof L->err->msg, fmt, arg ? arg : "");
    return -1;
}

static void ws(loc *L)
{
    while (L->i < L->n) {
        unsigned char c = L->s[L->i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        L->i++;
    }
}

static const char *describe(loc *L, char *buf, size_t bn)
{
    if (L->i >= L->n) return "end of input";
    unsigned char c = L->s[L->i];
    if (c >= 0x21 && c < 0x7f) snprintf(buf, bn, "'%c'", c);
    else snprintf(buf, bn, "byte 0x%02X", c);
    return buf;
}

static int hex4(const unsigned char *p) 
{
    for (int k = 0; k < 4; k++) {
        unsigned char c = p[k];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return 0;
    }
    return 1;
}

static int string(loc *L)
{
    size_t open = L->i++;
    while (L->i < L->n) {
        unsigned char c = L->s[L->i];
        if (c == '"') {
            L->i++;
            return 0;
        }
        if (c == '\\') {
            if (L->i + 1 >= L->n) break;
            unsigned char e = L->s[L->i + 1];
            if (e == 'u') {
                if (L->i + 6 > L->n || !hex4(L->s + L->i + 2))
                    return fail(L, L->i, "invalid \\u escape: expected four hex digits%s", NULL);
                L->i += 6;
            } else if (strchr("\"\\/bfnrt", e) && e) {
                L->i += 2;
            } else {
                return fail(L, L->i, "invalid escape sequence in string%s", NULL);
            }
            continue;
        }
        if (c < 0x20) {
            char b[64];
            snprintf(b, sizeof b, "U+%04X%s", c, c == '\n' ? " (raw newline)" : c == '\t' ? " (raw tab)" : "");
            return fail(L, L->i, "control character %s in string: must be escaped", b);
        }
        if (c >= 0x80) {
            size_t k = cw_utf8_len(L->s + L->i, L->n - L->i);
            if (!k) return fail(L, L->i, "invalid UTF-8 in string%s", NULL);
            L->i += k;
            continue;
        }
        L->i++;
    }
    return fail(L, L->n, "unexpected end of input: unterminated string%s", NULL), (void)open, -1;
}

static int number(loc *L)
{
    size_t st = L->i;
    const unsigned char *s = L->s;
    if (L->i < L->n && s[L->i] == '-') L->i++;
    if (L->i >= L->n) return fail(L, st, "invalid number%s", NULL);
    if (s[L->i] == '0') {
        L->i++;
    } else if (s[L->i] >= '1' && s[L->i] <= '9') {
        while (L->i < L->n && s[L->i] >= '0' && s[L->i] <= '9') L->i++;
    } else {
        return fail(L, st, "invalid number: expected a digit%s", NULL);
    }
    if (L->i < L->n && s[L->i] == '.') {
        L->i++;
        if (L->i >= L->n || s[L->i] < '0' || s[L->i] > '9')
            return fail(L, L->i, "invalid number: expected a digit after '.'%s", NULL);
        while (L->i < L->n && s[L->i] >= '0' && s[L->i] <= '9') L->i++;
    }
    if (L->i < L->n && (s[L->i] == 'e' || s[L->i] == 'E')) {
        L->i++;
        if (L->i < L->n && (s[L->i] == '+' || s[L->i] == '-')) L->i++;
        if (L->i >= L->n || s[L->i] < '0' || s[L->i] > '9')
            return fail(L, L->i, "invalid number: expected a digit in the exponent%s", NULL);
        while (L->i < L->n && s[L->i] >= '0' && s[L->i] <= '9') L->i++;
    }
    if (L->i < L->n) {
        unsigned char c = s[L->i];
        if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-' ||
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            return fail(L, st, "invalid number%s", NULL);
    }
    return 0;
}

static int literal(loc *L, const char *word)
{
    size_t k = strlen(word);
    if (L->n - L->i < k || memcmp(L->s + L->i, word, k) != 0) {
        /* find how far it matches to point at the bad byte */
        size_t m = 0;
        while (m < k && L->i + m < L->n && L->s[L->i + m] == (unsigned char)word[m]) m++;
        if (L->i + m >= L->n) return fail(L, L->n, "unexpected end of input: expected '%s'", word);
        return fail(L, L->i, "invalid literal: expected '%s'", word);
    }
    L->i += k;
    return 0;
}

/* value start at L->i (after whitespace); scalars consumed, containers return 1 */
static int value(loc *L, char *stack, int *depth, size_t *opened)
{
    char b[32];
    if (L->i >= L->n) return fail(L, L->n, "unexpected end of input: expected a value%s", NULL);
    unsigned char c = L->s[L->i];
    switch (c) {
    case '{':
    case '[':
        if (*depth >= CW_JSON_MAX_DEPTH)
            return fail(L, L->i, "nesting deeper than %s levels", CW_STR(CW_JSON_MAX_DEPTH));
        opened[*depth] = L->i;
        stack[(*depth)++] = (char)c;
        L->i++;
        return 1;
    case '"': return string(L);
    case 't': return literal(L, "true");
    case 'f': return literal(L, "false");
    case 'n': return literal(L, "null");
    default:
        if (c == '-' || (c >= '0' && c <= '9')) return number(L);
        return fail(L, L->i, "expected a value (object, array, string, number, true, false or null), found %s",
                    describe(L, b, sizeof b));
    }
}

int cw_json_locate(const char *buf, size_t len, cw_json_err *err)
{
    static const char *const close_msg[2] = {"unexpected end of input: missing '}' to close the object opened at %s",
                                             "unexpected end of input: missing ']' to close the array opened at %s"};
    loc L = {(const unsigned char *)buf, len, 0, err};
    char stack[CW_JSON_MAX_DEPTH + 1];
    size_t opened[CW_JSON_MAX_DEPTH + 1];
    int depth = 0;
    char b[32];
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) L.i = 3;
    ws(&L);
    if (L.i >= L.n) return fail(&L, L.n, "empty input: expected a JSON value%s", NULL);
    int r = value(&L, stack, &depth, opened);
    if (r < 0) return -1;
    int fresh = r == 1; /* a container was just opened */
    while (depth > 0) {
        char top = stack[depth - 1];
        int is_obj = top == '{';
        /* we are just after '{' / '[' or after a member/element */
        ws(&L);
        int just_opened = fresh;
        fresh = 0;
        if (L.i >= L.n) {
            uint32_t line, col;
            cw_offset_to_linecol(buf, len, opened[depth - 1], &line, &col);
            char where[48];
            snprintf(where, sizeof where, "line %u, column %u", line, col);
            return fail(&L, L.n, close_msg[!is_obj], where);
        }
        unsigned char c = L.s[L.i];
        if (!just_opened) {
            if (c == (is_obj ? '}' : ']')) {
                L.i++;
                depth--;
                continue;
            }
            if (c != ',')
                return fail(&L, L.i, is_obj ? "expected ',' or '}' after object member, found %s"
                                            : "expected ',' or ']' after array element, found %s",
                            describe(&L, b, sizeof b));
            L.i++;
            ws(&L);
        } else if (c == (is_obj ? '}' : ']')) {
            L.i++;
            depth--;
            continue;
        }
        if (is_obj) {
            if (L.i >= L.n) continue;
            if (L.s[L.i] != '"')
                return fail(&L, L.i, "expected a string key in object, found %s", describe(&L, b, sizeof b));
            if (string(&L) < 0) return -1;
            ws(&L);
            if (L.i >= L.n) return fail(&L, L.n, "unexpected end of input: expected ':' after object key%s", NULL);
            if (L.s[L.i] != ':')
                return fail(&L, L.i, "expected ':' after object key, found %s", describe(&L, b, sizeof b));
            L.i++;
            ws(&L);
        } else if (L.i >= L.n) {
            continue;
        }
        r = value(&L, stack, &depth, opened);
        if (r < 0) return -1;
        fresh = r == 1;
    }
    ws(&L);
    if (L.i < L.n)
        return fail(&L, L.i, "expected end of input after the JSON value, found %s", describe(&L, b, sizeof b));
    return 0;
}

/* After simdjson rejected a text that is valid JSON: find the number it could
 * not represent (an integer beyond 64 bits, a double that overflows). */
int cw_json_locate_number(const char *buf, size_t len, cw_json_err *err)
{
    const unsigned char *s = (const unsigned char *)buf;
    int in_str = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = s[i];
        if (in_str) {
            if (c == '\\') i++;
            else if (c == '"') in_str = 0;
            continue;
        }
        if (c == '"') {
            in_str = 1;
            continue;
        }
        if (c != '-' && (c < '0' || c > '9')) continue;
        size_t st = i, digits = 0;
        int frac = 0;
        while (i < len && (s[i] == '-' || s[i] == '+' || s[i] == '.' || s[i] == 'e' || s[i] == 'E' ||
                           (s[i] >= '0' && s[i] <= '9'))) {
            if (s[i] >= '0' && s[i] <= '9') digits++;
            if (s[i] == '.' || s[i] == 'e' || s[i] == 'E') frac = 1;
            i++;
        }
        char tmp[64];
        size_t n = i - st < sizeof tmp - 1 ? i - st : sizeof tmp - 1;
        memcpy(tmp, buf + st, n);
        tmp[n] = 0;
        double d = strtod(tmp, NULL);
        int bad = !frac && digits > 19 ? 1 : (d > 1.7976931348623157e308 || d < -1.7976931348623157e308);
        if (!frac && digits == 20) bad = strcmp(tmp, "18446744073709551615") > 0 || tmp[0] == '-';
        if (bad || i - st >= sizeof tmp - 1) {
            err->offset = st;
            snprintf(err->msg, sizeof err->msg, "number %.40s%s is out of range (beyond a 64-bit integer or a double)",
                     tmp, i - st > 40 ? "..." : "");
            return -1;
        }
        i--;
    }
    return 0;
}
