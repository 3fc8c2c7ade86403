/* test_util.h - helpers shared by the rules unit tests. */
#ifndef CW_TEST_RULES_UTIL_H
#define CW_TEST_RULES_UTIL_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rules/rules.h"
#include "rules/rules_int.h"

#define TODAY "2026-01-15"

/* Load one in-memory pack (no built-ins). */
static inline cw_ruleset *load1(const char *text, cw_diags *d)
{
    cw_builtin_pack p = {"t.yaml", text, strlen(text)};
    cw_rules_opts o = {.builtin = false, .today = TODAY};
    cw_diags_init(d);
    return cw_rules_load_mem(&p, 1, &o, d);
}

/* 1-based line and byte column of the n-th (0-based) occurrence of needle. */
static inline void pos_of(const char *text, const char *needle, int nth, uint32_t *line, uint32_t *col)
{
    const char *p = text;
    for (int i = 0; i <= nth; i++) {
        p = strstr(i ? p + 1 : p, needle);
        assert_non_null(p);
    }
    cw_offset_to_linecol(text, strlen(text), (size_t)(p - text), line, col);
}

/* Index of the diagnostic whose message contains s, or -1. */
static inline int find_diag(const cw_diags *d, const char *s)
{
    for (size_t i = 0; i < d->n; i++)
        if (strstr(d->v[i].msg, s)) return (int)i;
    return -1;
}

static inline void dump_diags(const cw_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        char *t = cw_diag_format(&d->v[i]);
        fprintf(stderr, "  diag: %s\n", t);
        free(t);
    }
}

/* Expect exactly one error containing msg, at the position of needle. */
static inline void expect_error_at(const cw_diags *d, const char *text, const char *msg, const char *needle, int nth)
{
    int i = find_diag(d, msg);
    if (i < 0) dump_diags(d);
    assert_true(i >= 0);
    uint32_t line, col;
    pos_of(text, needle, nth, &line, &col);
    if (d->v[i].line != line || d->v[i].col != col) {
        dump_diags(d);
        fprintf(stderr, "  expected %u:%u\n", line, col);
    }
    assert_int_equal(d->v[i].line, line);
    assert_int_equal(d->v[i].col, col);
    assert_non_null(d->v[i].file);
    assert_non_null(d->v[i].source_line);
}

#define RULE_HEAD(id, type)                                                                        \
    "- rule: " id "\n  title: t\n  severity: high\n  category: hardening\n  resource: " type "\n"
#endif
