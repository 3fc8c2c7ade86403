/* rules_parse.c - condition language: lexer and recursive-descent parser.
 * Produces an unresolved cw_cnode tree; rules_check.c resolves names and
 * checks types. The grammar is written down in docs/rule-language.md. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

typedef enum {
    T_EOF, T_IDENT, T_STR, T_NUM, T_DATE,
    T_LP, T_RP, T_LB, T_RB, T_COMMA, T_COLON, T_DOT,
    T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE,
    /* keywords */
    T_AND, T_OR, T_NOT, T_IN, T_CONTAINS, T_STARTS, T_ENDS, T_MATCHES, T_EXISTS,
    T_ANY, T_ALL, T_COUNT, T_TRUE, T_FALSE, T_NULL,
    T_BAD,
} tok_kind;

static const struct { const char *w; tok_kind k; } keywords[] = {
    {"and", T_AND}, {"or", T_OR}, {"not", T_NOT}, {"in", T_IN}, {"contains", T_CONTAINS},
    {"startswith", T_STARTS}, {"endswith", T_ENDS}, {"matches", T_MATCHES}, {"exists", T_EXISTS},
    {"any", T_ANY}, {"all", T_ALL}, {"count", T_COUNT}, {"true", T_TRUE}, {"false", T_FALSE},
    {"null", T_NULL}, {NULL, T_EOF},
};

typedef struct tok {
    tok_kind k;
    uint32_t pos, end;
    const char *s; /* IDENT: source; STR: decoded (arena) */
    size_t len;
    double num;
    int64_t inum;
    bool isint;
} tok;

typedef struct parser {
    cw_arena *a;
    const cw_csrc *src;
    cw_diags *d;
    const char *t;
    size_t len, i;
    tok cur;
    int depth;
    bool failed;
} parser;

void cw_cond_error(cw_diags *d, const cw_csrc *src, size_t pos, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (src->scalar) {
        size_t off = cw_yscalar_offset(src->scalar, src->base + pos);
        cw_ydiag(d, CW_DIAG_ERROR, src->scalar->src, off, "%s", msg);
    } else {
        cw_ysrc s = {.file = "<condition>", .buf = src->text, .len = src->len};
        cw_ydiag(d, CW_DIAG_ERROR, &s, pos, "%s", msg);
    }
}

static void perr(parser *p, size_t pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void perr(parser *p, size_t pos, const char *fmt, ...)
{
    if (p->failed) return; /* one syntax error per condition */
    p->failed = true;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cw_cond_error(p->d, p->src, pos, "%s", msg);
}

static int is_id0(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_dig(char c) { return c >= '0' && c <= '9'; }
static int is_id(char c) { return is_id0(c) || is_dig(c) || c == '-'; }

static int valid_date(int y, int m, int d)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) return 0;
    if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 0;
    return 1;
}

static void lex(parser *p)
{
    const char *t = p->t;
    size_t n = p->len, i = p->i;
    while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) i++;
    tok *k = &p->cur;
    memset(k, 0, sizeof *k);
    k->pos = (uint32_t)i;
    if (i >= n) {
        /* the end is reported right after the last token (not after a final newline) */
        size_t e = n;
        while (e > 0 && (t[e - 1] == ' ' || t[e - 1] == '\t' || t[e - 1] == '\n' || t[e - 1] == '\r')) e--;
        k->k = T_EOF;
        k->pos = k->end = (uint32_t)e;
        p->i = i;
        return;
    }
    char c = t[i];
    if (is_id0(c)) {
        size_t s = i;
        while (i < n && is_id(t[i])) i++;
        while (i > s + 1 && t[i - 1] == '-') i--; /* a trailing '-' is not part of a name */
        k->k = T_IDENT;
        k->s = t + s;
        k->len = i - s;
        for (int w = 0; keywords[w].w; w++)
            if (strlen(keywords[w].w) == k->len && memcmp(keywords[w].w, k->s, k->len) == 0)
                k->k = keywords[w].k;
    } else if (is_dig(c) || (c == '-' && i + 1 < n && (is_dig(t[i + 1]) || t[i + 1] == '.'))) {
        size_t s = i;
        /* date: DDDD-DD-DD */
        if (i + 10 <= n && is_dig(t[i]) && is_dig(t[i + 1]) && is_dig(t[i + 2]) && is_dig(t[i + 3]) &&
            t[i + 4] == '-' && is_dig(t[i + 5]) && is_dig(t[i + 6]) && t[i + 7] == '-' &&
            is_dig(t[i + 8]) && is_dig(t[i + 9]) && (i + 10 == n || !is_id(t[i + 10]))) {
            int y = atoi(t + i), m = (t[i + 5] - '0') * 10 + t[i + 6] - '0',
                d = (t[i + 8] - '0') * 10 + t[i + 9] - '0';
            k->k = T_DATE;
            k->s = t + i;
            k->len = 10;
            i += 10;
            if (!valid_date(y, m, d)) {
                k->end = (uint32_t)i;
                p->i = i;
                perr(p, s, "'%.10s' is not a valid date (expected YYYY-MM-DD)", t + s);
                k->k = T_BAD;
                return;
            }
        } else {
            char buf[64];
            size_t q = 0;
            bool isint = true;
            if (t[i] == '-') buf[q++] = t[i++];
            while (i < n && q < sizeof buf - 1 &&
                   (is_dig(t[i]) || t[i] == '.' || t[i] == 'e' || t[i] == 'E' ||
                    ((t[i] == '+' || t[i] == '-') && (t[i - 1] | 0x20) == 'e'))) {
                if (!is_dig(t[i])) isint = false;
                buf[q++] = t[i++];
            }
            buf[q] = 0;
            char *end;
            k->k = T_NUM;
            k->num = strtod(buf, &end);
            if (*end || (i < n && is_id0(t[i]))) {
                k->end = (uint32_t)i;
                p->i = i;
                perr(p, s, "malformed number '%.*s'", (int)(i - s + (i < n && is_id0(t[i]))), t + s);
                k->k = T_BAD;
                return;
            }
            k->isint = isint;
            if (isint) k->inum = strtoll(buf, NULL, 10);
        }
    } else if (c == '"' || c == '\'') {
        size_t s = i++;
        char *out = cw_arena_alloc(p->a, n - i + 1);
        size_t o = 0;
        while (i < n && t[i] != c) {
            if (t[i] == '\\' && i + 1 < n) {
                char e = t[i + 1];
                if (e == '\\' || e == '"' || e == '\'') out[o++] = e, i += 2;
                else if (e == 'n') out[o++] = '\n', i += 2;
                else if (e == 't') out[o++] = '\t', i += 2;
                else out[o++] = t[i++]; /* other backslashes are literal (regexes read well) */
            } else out[o++] = t[i++];
        }
        if (i >= n) {
            k->end = (uint32_t)n;
            p->i = n;
            perr(p, s, "unterminated string (missing closing %c)", c);
            k->k = T_BAD;
            return;
        }
        i++;
        out[o] = 0;
        k->k = T_STR;
        k->s = out;
        k->len = o;
    } else {
        char c2 = i + 1 < n ? t[i + 1] : 0;
        i++;
        switch (c) {
        case '(': k->k = T_LP; break;
        case ')': k->k = T_RP; break;
        case '[': k->k = T_LB; break;
        case ']': k->k = T_RB; break;
        case ',': k->k = T_COMMA; break;
        case ':': k->k = T_COLON; break;
        case '.': k->k = T_DOT; break;
        case '=': k->k = T_EQ; if (c2 == '=') i++; break;
        case '!':
            if (c2 == '=') { k->k = T_NE; i++; break; }
            k->k = T_BAD; p->i = i; k->end = (uint32_t)i;
            perr(p, i - 1, "unexpected '!'; write 'not' for negation and '!=' for inequality");
            return;
        case '<': k->k = T_LT; if (c2 == '=') k->k = T_LE, i++; else if (c2 == '>') k->k = T_NE, i++; break;
        case '>': k->k = T_GT; if (c2 == '=') k->k = T_GE, i++; break;
        case '&':
        case '|':
            k->k = T_BAD; p->i = i; k->end = (uint32_t)i;
            perr(p, i - 1, "unexpected '%c'; write '%s'", c, c == '&' ? "and" : "or");
            return;
        default:
            k->k = T_BAD; p->i = i; k->end = (uint32_t)i;
            if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
                perr(p, i - 1, "unexpected character '%c'", c);
            else
                perr(p, i - 1, "unexpected byte 0x%02x", (unsigned char)c);
            return;
        }
    }
    k->end = (uint32_t)i;
    p->i = i;
}

static void describe(parser *p, const tok *t, char *buf, size_t n)
{
    const char *fixed = t->k == T_EOF ? "the end of the condition" : t->k == T_STR ? "a string"
                        : t->k == T_NUM ? "a number" : t->k == T_DATE ? "a date" : NULL;
    if (fixed) {
        snprintf(buf, n, "%s", fixed);
        return;
    }
    unsigned w = t->end - t->pos;
    snprintf(buf, n, "'%.*s'", (int)(w > 40 ? 40 : w), p->t + t->pos);
}

static void expect_err(parser *p, const char *what)
{
    char b[96];
    describe(p, &p->cur, b, sizeof b);
    perr(p, p->cur.pos, "expected %s, found %s", what, b);
}

static cw_cnode *mk(parser *p, int op, uint32_t pos)
{
    cw_cnode *n = cw_arena_zalloc(p->a, sizeof *n);
    n->op = (uint8_t)op;
    n->pos = pos;
    n->end = pos;
    n->src = p->src;
    return n;
}

static cw_cnode *parse_expr(parser *p);

static bool enter(parser *p)
{
    if (++p->depth > CW_COND_MAX_DEPTH) {
        perr(p, p->cur.pos, "condition nested too deeply (limit %d)", CW_COND_MAX_DEPTH);
        return false;
    }
    return true;
}

static void lit_from_tok(parser *p, cw_cnode *n, const tok *t)
{
    n->op = CN_LIT;
    switch (t->k) {
    case T_STR:
        n->lit.type = CW_JSTR, n->lit.u.str = t->s, n->lit.len = (uint32_t)t->len, n->type = CW_T_STR;
        break;
    case T_DATE:
        n->lit.type = CW_JSTR, n->lit.u.str = cw_arena_strndup(p->a, t->s, 10), n->lit.len = 10;
        n->type = CW_T_DATE;
        break;
    case T_NUM:
        n->lit.type = CW_JNUM, n->lit.u.num = t->num, n->type = CW_T_NUM;
        if (t->isint) n->lit.is_int = 1;
        break;
    case T_TRUE: case T_FALSE:
        n->lit.type = CW_JBOOL, n->lit.b = t->k == T_TRUE, n->type = CW_T_BOOL;
        break;
    default: n->lit.type = CW_JNULL, n->type = CW_T_NULL; break;
    }
}

/* [lit, lit, ...] -> CN_LIT array */
static cw_cnode *parse_list(parser *p)
{
    cw_cnode *n = mk(p, CN_LIT, p->cur.pos);
    cw_json *arr = cw_json_new_arr(p->a);
    lex(p);
    while (p->cur.k != T_RB) {
        tok_kind k = p->cur.k;
        if (k == T_STR || k == T_NUM || k == T_DATE || k == T_TRUE || k == T_FALSE || k == T_NULL) {
            cw_cnode tmp = {0};
            lit_from_tok(p, &tmp, &p->cur);
            cw_json_arr_push(p->a, arr, &tmp.lit);
            lex(p);
        } else {
            expect_err(p, k == T_IDENT ? "a literal in a list literal (names of lists are used without brackets)"
                                       : "a string, number, date, true, false or null");
            return NULL;
        }
        if (p->cur.k == T_COMMA) lex(p);
        else if (p->cur.k != T_RB) {
            expect_err(p, "',' or ']'");
            return NULL;
        }
    }
    n->end = p->cur.end;
    n->lit = *arr;
    n->type = CW_T_LIST;
    lex(p);
    return n;
}

static cw_cnode *parse_quant(parser *p, int op, bool paren);

/* path | call */
static cw_cnode *parse_name(parser *p)
{
    tok first = p->cur;
    cw_cnode *n = mk(p, CN_PATH, first.pos);
    n->name = first.s;
    n->namelen = (uint32_t)first.len;
    cw_pseg segs[64];
    uint32_t ns = 0;
    lex(p);
    /* dotted prefix may name a function: net.open_to_internet( */
    size_t dotted_end = first.end;
    bool plain_dots = true;
    for (;;) {
        if (p->cur.k == T_DOT) {
            lex(p);
            if (!(p->cur.k == T_IDENT || (p->cur.k >= T_AND && p->cur.k <= T_NULL))) {
                expect_err(p, "a field name after '.'");
                return NULL;
            }
            if (ns == 64) {
                perr(p, p->cur.pos, "path has too many segments (limit 64)");
                return NULL;
            }
            segs[ns].key = p->t + p->cur.pos;
            segs[ns].keylen = p->cur.end - p->cur.pos;
            segs[ns].index = 0;
            ns++;
            if (plain_dots) dotted_end = p->cur.end;
            lex(p);
        } else if (p->cur.k == T_LB) {
            plain_dots = false;
            uint32_t lbpos = p->cur.pos;
            lex(p);
            if (ns == 64) {
                perr(p, lbpos, "path has too many segments (limit 64)");
                return NULL;
            }
            if (p->cur.k == T_STR) {
                segs[ns].key = p->cur.s;
                segs[ns].keylen = (uint32_t)p->cur.len;
            } else if (p->cur.k == T_NUM && p->cur.isint && p->cur.inum > INT32_MIN && p->cur.inum < INT32_MAX) {
                segs[ns].key = NULL;
                segs[ns].keylen = 0;
                segs[ns].index = (int32_t)p->cur.inum;
            } else {
                expect_err(p, "a quoted key or an integer index inside '[ ]'");
                return NULL;
            }
            ns++;
            lex(p);
            if (p->cur.k != T_RB) {
                expect_err(p, "']'");
                return NULL;
            }
            lex(p);
        } else break;
        n->end = p->cur.pos;
    }
    n->end = ns ? n->end : first.end;
    if (p->cur.k == T_LP) {
        if (!plain_dots) {
            perr(p, p->cur.pos, "a function name cannot contain '[ ]'");
            return NULL;
        }
        n->op = CN_CALL;
        n->name = p->t + first.pos;
        n->namelen = (uint32_t)(dotted_end - first.pos);
        cw_cnode *args[8];
        uint32_t na = 0;
        lex(p);
        while (p->cur.k != T_RP) {
            if (na == 8) {
                perr(p, p->cur.pos, "too many arguments (limit 8)");
                return NULL;
            }
            cw_cnode *x = parse_expr(p);
            if (!x) return NULL;
            args[na++] = x;
            if (p->cur.k == T_COMMA) lex(p);
            else if (p->cur.k != T_RP) {
                expect_err(p, "',' or ')' in the argument list");
                return NULL;
            }
        }
        n->end = p->cur.end;
        lex(p);
        n->nargs = na;
        if (na) {
            n->args = cw_arena_alloc(p->a, na * sizeof *n->args);
            memcpy(n->args, args, na * sizeof *args);
        }
        return n;
    }
    n->nsegs = ns;
    if (ns) {
        n->segs = cw_arena_alloc(p->a, ns * sizeof *n->segs);
        memcpy(n->segs, segs, ns * sizeof *segs);
    }
    return n;
}

static cw_cnode *parse_value(parser *p)
{
    if (!enter(p)) return NULL;
    cw_cnode *n = NULL;
    tok t = p->cur;
    switch (t.k) {
    case T_STR: case T_NUM: case T_DATE: case T_TRUE: case T_FALSE: case T_NULL:
        n = mk(p, CN_LIT, t.pos);
        lit_from_tok(p, n, &t);
        n->end = t.end;
        lex(p);
        break;
    case T_LB: n = parse_list(p); break;
    case T_IDENT: n = parse_name(p); break;
    case T_COUNT: {
        lex(p);
        if (p->cur.k != T_LP) {
            expect_err(p, "'(' after count (count(x in PATH: condition))");
            break;
        }
        lex(p);
        n = parse_quant(p, CN_COUNT, true);
        if (n) n->pos = t.pos;
        break;
    }
    case T_LP: {
        lex(p);
        n = parse_expr(p);
        if (!n) break;
        if (p->cur.k != T_RP) {
            expect_err(p, "')'");
            n = NULL;
            break;
        }
        /* the parenthesised expression's text includes its parentheses, so
         * every node that starts or ends with it (not (...), (a or b) and c)
         * quotes balanced text in evidence and messages */
        n->pos = t.pos;
        n->end = p->cur.end;
        lex(p);
        break;
    }
    default: {
        char b[96];
        describe(p, &t, b, sizeof b);
        if (t.k != T_BAD) perr(p, t.pos, "expected a value (a name, string, number, list or '('), found %s", b);
        break;
    }
    }
    p->depth--;
    return n;
}

static cw_cnode *bin(parser *p, int op, cw_cnode *a, cw_cnode *b, uint32_t pos)
{
    cw_cnode *n = mk(p, op, pos);
    n->a = a;
    n->b = b;
    n->end = b ? b->end : p->cur.pos;
    n->pos = a->pos;
    n->oppos = pos;
    return n;
}

static cw_cnode *parse_cmp(parser *p)
{
    cw_cnode *l = parse_value(p);
    if (!l) return NULL;
    tok t = p->cur;
    int op = -1;
    switch (t.k) {
    case T_EQ: op = CN_EQ; break;
    case T_NE: op = CN_NE; break;
    case T_LT: op = CN_LT; break;
    case T_LE: op = CN_LE; break;
    case T_GT: op = CN_GT; break;
    case T_GE: op = CN_GE; break;
    case T_IN: op = CN_IN; break;
    case T_CONTAINS: op = CN_CONTAINS; break;
    case T_STARTS: op = CN_STARTS; break;
    case T_ENDS: op = CN_ENDS; break;
    case T_MATCHES: op = CN_MATCHES; break;
    case T_EXISTS: {
        cw_cnode *n = bin(p, CN_EXISTS, l, NULL, t.pos);
        n->end = t.end;
        lex(p);
        return n;
    }
    case T_NOT: {
        /* "x not in L" */
        size_t save_i = p->i;
        tok save = p->cur;
        lex(p);
        if (p->cur.k == T_IN) {
            op = CN_NOTIN;
            break;
        }
        p->i = save_i;
        p->cur = save;
        return l;
    }
    default: return l;
    }
    lex(p);
    if (op == CN_MATCHES && p->cur.k != T_STR) {
        expect_err(p, "a string literal holding a regular expression after 'matches'");
        return NULL;
    }
    cw_cnode *r = parse_value(p);
    if (!r) return NULL;
    return bin(p, op, l, r, t.pos);
}

static cw_cnode *parse_quant(parser *p, int op, bool paren)
{
    uint32_t pos = p->cur.pos;
    if (!paren) lex(p); /* any / all */
    if (p->cur.k != T_IDENT) {
        expect_err(p, "a variable name");
        return NULL;
    }
    cw_cnode *n = mk(p, op, pos);
    n->name = p->t + p->cur.pos;
    n->namelen = (uint32_t)p->cur.len;
    n->rfield = 0;
    n->datecmp = 0;
    uint32_t varpos = p->cur.pos;
    lex(p);
    if (p->cur.k != T_IN) {
        expect_err(p, "'in' after the variable name");
        return NULL;
    }
    lex(p);
    n->a = parse_value(p);
    if (!n->a) return NULL;
    if (p->cur.k != T_COLON) {
        expect_err(p, "':' before the quantifier's condition");
        return NULL;
    }
    lex(p);
    n->b = parse_expr(p);
    if (!n->b) return NULL;
    n->slot = 0;
    n->end = n->b->end;
    (void)varpos;
    if (paren) {
        if (p->cur.k != T_RP) {
            expect_err(p, "')' to close count(...)");
            return NULL;
        }
        n->end = p->cur.end;
        lex(p);
    }
    return n;
}

static cw_cnode *parse_not(parser *p)
{
    if (!enter(p)) return NULL;
    cw_cnode *n;
    if (p->cur.k == T_NOT) {
        uint32_t pos = p->cur.pos;
        lex(p);
        cw_cnode *x = parse_not(p);
        n = x ? mk(p, CN_NOT, pos) : NULL;
        if (n) n->a = x, n->end = x->end;
    } else if (p->cur.k == T_ANY || p->cur.k == T_ALL) {
        n = parse_quant(p, p->cur.k == T_ANY ? CN_ANY : CN_ALL, false);
    } else {
        n = parse_cmp(p);
    }
    p->depth--;
    return n;
}

static cw_cnode *parse_and(parser *p)
{
    cw_cnode *l = parse_not(p);
    while (l && p->cur.k == T_AND) {
        uint32_t pos = p->cur.pos;
        lex(p);
        cw_cnode *r = parse_not(p);
        if (!r) return NULL;
        l = bin(p, CN_AND, l, r, pos);
    }
    return l;
}

static cw_cnode *parse_expr(parser *p)
{
    if (!enter(p)) return NULL;
    cw_cnode *l = parse_and(p);
    while (l && p->cur.k == T_OR) {
        uint32_t pos = p->cur.pos;
        lex(p);
        cw_cnode *r = parse_and(p);
        if (!r) {
            l = NULL;
            break;
        }
        l = bin(p, CN_OR, l, r, pos);
    }
    p->depth--;
    return l;
}

cw_cnode *cw_cond_parse(cw_arena *a, const cw_csrc *src, cw_diags *d)
{
    parser p = {.a = a, .src = src, .d = d, .t = src->text, .len = src->len};
    lex(&p);
    if (p.cur.k == T_EOF) {
        perr(&p, 0, "empty condition");
        return NULL;
    }
    cw_cnode *n = parse_expr(&p);
    if (n && p.cur.k != T_EOF) {
        char b[96];
        describe(&p, &p.cur, b, sizeof b);
        if (p.cur.k == T_EQ || p.cur.k == T_NE || p.cur.k == T_LT || p.cur.k == T_LE ||
            p.cur.k == T_GT || p.cur.k == T_GE || p.cur.k == T_IN)
            perr(&p, p.cur.pos, "unexpected %s: comparisons do not chain; join them with 'and'", b);
        else
            perr(&p, p.cur.pos, "unexpected %s; expected 'and', 'or' or the end of the condition", b);
        return NULL;
    }
    return p.failed ? NULL : n;
}
