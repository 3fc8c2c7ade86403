/* phone.c - numbering plans. Lengths are of the national significant number (NSN:
 * after the country code, without the trunk prefix 0). */
#include "phone.h"

#include <string.h>

typedef struct plan {
    cw_cc cc;
    const char *code; /* country calling code */
    bool trunk0;      /* national format starts with 0 */
} plan;

static const plan plans[] = {
    {CW_CC_AU, "61", true}, {CW_CC_NZ, "64", true}, {CW_CC_JP, "81", true},
    {CW_CC_SG, "65", false}, {CW_CC_TH, "66", true}, {CW_CC_ID, "62", true},
    {CW_CC_PH, "63", true}, {CW_CC_MY, "60", true}, {CW_CC_IN, "91", true},
};
#define NPLANS (sizeof plans / sizeof *plans)

/* Does nsn[0..n) fit country cc's plan? */
static bool nsn_ok(cw_cc cc, const char *d, size_t n)
{
    char f = d[0];
    switch (cc) {
    case CW_CC_AU: return n == 9 && strchr("23478", f);
    case CW_CC_NZ: return (n == 8 && strchr("34679", f)) || (f == '2' && n >= 8 && n <= 10);
    case CW_CC_JP:
        if (n == 10) return (f == '7' || f == '8' || f == '9' || f == '5') && d[1] == '0';
        return n == 9 && f != '0';
    case CW_CC_SG: return n == 8 && strchr("3689", f);
    case CW_CC_TH: return (n == 8 && f >= '2' && f <= '7') || (n == 9 && strchr("689", f));
    case CW_CC_ID: return (f == '8' && n >= 9 && n <= 12) || (f >= '2' && f <= '7' && n >= 8 && n <= 11);
    case CW_CC_PH: return (f == '9' && n == 10) || (f >= '2' && f <= '8' && n == 9);
    case CW_CC_MY: return (f == '1' && (n == 9 || n == 10)) || (f >= '3' && f <= '9' && (n == 8 || n == 9));
    case CW_CC_IN: return n == 10 && f >= '1' && f <= '9';
    default: return false;
    }
}

static void set_e164(cw_phone *p, const char *cc, const char *nsn, size_t n)
{
    size_t l = strlen(cc);
    if (l + n > sizeof p->e164) n = sizeof p->e164 - l;
    memcpy(p->e164, cc, l);
    memcpy(p->e164 + l, nsn, n);
    p->e164_len = (uint8_t)(l + n);
}

bool cw_phone_check(const char *s, size_t n, bool need_intl, cw_phone *out)
{
    /* an international number starts with '+' (the check below would reject it later) */
    if (need_intl && out && (n == 0 || s[0] != '+')) return false;
    char dg[24];
    size_t nd = 0;
    bool plus = false;
    int parens = 0, groups = 0, seps = 0;
    size_t glen = 0, maxg = 0;
    char prev = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (nd >= 16) return false;
            dg[nd++] = c;
            if (glen++ == 0) groups++;
            if (glen > maxg) maxg = glen;
        } else {
            glen = 0;
            if (c == '+') {
                if (i != 0) return false;
                plus = true;
            } else if (c == '(') {
                if (parens++ || (prev && prev != ' ' && prev != '+')) return false;
            } else if (c == ')') {
                if (parens != 1) return false;
                parens = 2;
            } else if (c == ' ' || c == '-' || c == '.') {
                if (prev == ' ' || prev == '-' || prev == '.') return false;
                seps++;
            } else {
                return false;
            }
        }
        prev = c;
    }
    if (parens == 1 || nd < 7 || nd > 15 || groups > 6) return false;
    if (!out) return true;
    memset(out, 0, sizeof *out);
    /* same digit repeated is never a subscriber number */
    size_t same = 1;
    for (size_t i = 1; i < nd; i++) same += dg[i] == dg[0];
    if (same == nd) return false;
    if (plus) {
        out->intl = true;
        for (size_t k = 0; k < NPLANS; k++) {
            size_t cl = strlen(plans[k].code);
            if (nd > cl && memcmp(dg, plans[k].code, cl) == 0) {
                const char *nsn = dg + cl;
                size_t nl = nd - cl;
                if (nsn[0] == '0' && nl > 1) nsn++, nl--; /* +61 (0)4.. */
                if (!nsn_ok(plans[k].cc, nsn, nl)) return false;
                out->cc = plans[k].cc;
                set_e164(out, plans[k].code, nsn, nl);
                return true;
            }
        }
        /* other country codes: E.164 allows up to 15 digits; want a real subscriber part */
        if (nd < 8 || dg[0] == '0') return false;
        set_e164(out, "", dg, nd);
        return true;
    }
    if (need_intl) return false;
    /* national formats */
    int hits = 0;
    cw_cc found = CW_CC_NONE;
    const char *fcode = "";
    const char *fnsn = dg;
    size_t fnl = nd;
    for (size_t k = 0; k < NPLANS; k++) {
        const char *nsn = dg;
        size_t nl = nd;
        if (plans[k].trunk0) {
            if (dg[0] != '0') {
                /* India: mobile numbers are written without the trunk prefix */
                if (!(plans[k].cc == CW_CC_IN && nd == 10 && dg[0] >= '6')) continue;
            } else {
                nsn++, nl--;
            }
        } else if (dg[0] == '0') {
            continue;
        }
        if (nl && nsn[0] != '0' && nsn_ok(plans[k].cc, nsn, nl)) {
            if (!hits++) found = plans[k].cc, fcode = plans[k].code, fnsn = nsn, fnl = nl;
        }
    }
    if (!hits) return false;
    if (hits == 1) {
        out->cc = found;
        set_e164(out, fcode, fnsn, fnl);
    } else {
        set_e164(out, "", dg, nd);
    }
    (void)seps;
    (void)maxg;
    return true;
}
