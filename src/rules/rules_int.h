/* rules_int.h - internals of the rules module shared by its .c files, its
 * unit tests and its fuzz targets. Not part of the public contract.
 *
 * Pipeline: YAML text -> cw_ynode tree (rules_yaml.c) -> pack items
 * (rules_load.c) -> condition text -> cw_cnode tree (rules_parse.c) ->
 * names resolved and types checked in place (rules_check.c) -> evaluated
 * (rules_eval.c) with functions from the registry (rules_func.c).
 *
 * Ownership: everything (YAML trees, source buffers, nodes, compiled regexes
 * excepted) lives in the ruleset arena; regexes are freed by cw_rules_free. */
#ifndef CW_RULES_INT_H
#define CW_RULES_INT_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stdint.h>

#include "../util/hmap.h"
#include "../util/strbuf.h"
#include "rules.h"

#define CW_COND_MAX_DEPTH 100 /* parser recursion cap */
#define CW_MAX_VARS 32        /* nested quantifier variables */

/* ---- YAML tree with source positions (rules_yaml.c) ------------------- */
enum { CW_Y_SCALAR, CW_Y_SEQ, CW_Y_MAP };
enum { CW_YS_PLAIN, CW_YS_SINGLE, CW_YS_DOUBLE, CW_YS_LITERAL, CW_YS_FOLDED };

typedef struct cw_ysrc {
    const char *file; /* name used in diagnostics */
    const char *buf;  /* whole file text */
    size_t len;
} cw_ysrc;

typedef struct cw_ynode cw_ynode;
struct cw_ynode {
    uint8_t kind, style;
    const char *str; /* scalar value, NUL-terminated */
    size_t len;
    size_t off;      /* byte offset of the node's first character in src->buf */
    const cw_ysrc *src;
    cw_ynode **items; /* SEQ: n items; MAP: n pairs as items[2i] key, items[2i+1] value */
    size_t n;
};

/* Parse a YAML document (a stream with at most one document). Errors go to d;
 * returns NULL on error, or an empty SEQ for an empty file. */
cw_ynode *cw_yaml_parse(cw_arena *a, const cw_ysrc *src, cw_diags *d);
const cw_ynode *cw_ymap_get(const cw_ynode *map, const char *key);
/* File offset of byte k of a scalar's value (exact for plain and block
 * scalars, and for quoted ones outside escape sequences). */
size_t cw_yscalar_offset(const cw_ynode *n, size_t k);
/* Diagnostic at a file offset, with the source line for the caret. */
void cw_ydiag(cw_diags *d, cw_diag_level lvl, const cw_ysrc *src, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Convert a YAML node to JSON (plain scalars typed per the YAML core schema). */
cw_json *cw_yaml_to_json(cw_arena *a, const cw_ynode *n);
/* 1 when a plain scalar resolves to null/bool/number; fills v. */
int cw_yaml_plain_value(const char *s, size_t len, cw_json *v);

/* ---- conditions --------------------------------------------------------- */
/* Static types (bit masks so that function parameters can accept several). */
enum {
    CW_T_ANY = 0, /* unknown statically */
    CW_T_BOOL = 1 << 0,
    CW_T_NUM = 1 << 1,
    CW_T_STR = 1 << 2,
    CW_T_LIST = 1 << 3,
    CW_T_OBJ = 1 << 4,
    CW_T_NULL = 1 << 5,
    CW_T_DATE = 1 << 6,
};
#define CW_T_SCALAR (CW_T_BOOL | CW_T_NUM | CW_T_STR | CW_T_NULL | CW_T_DATE)
const char *cw_type_name(unsigned t);

typedef enum {
    CN_LIT,   /* constant: lit */
    CN_PATH,  /* root + segs */
    CN_AND, CN_OR, CN_NOT,
    CN_EQ, CN_NE, CN_LT, CN_LE, CN_GT, CN_GE,
    CN_IN, CN_NOTIN, CN_CONTAINS, CN_STARTS, CN_ENDS, CN_MATCHES, CN_EXISTS,
    CN_ANY, CN_ALL, CN_COUNT, /* a = domain, b = body, slot = variable */
    CN_CALL,  /* fn(args) */
    CN_MACRO, /* a = the macro's compiled body (shared) */
} cw_cop;

typedef enum { CR_UNRESOLVED, CR_VAR, CR_FACTS, CR_TAGS, CR_RESOURCE, CR_RAW } cw_croot;

typedef struct cw_pseg {
    const char *key; /* NULL for an index */
    uint32_t keylen;
    int32_t index;   /* negative counts from the end */
} cw_pseg;

typedef struct cw_csrc {
    const char *text; /* the condition text the node came from */
    size_t len;
    const cw_ynode *scalar; /* YAML scalar holding it (NULL: no file, e.g. fuzzing) */
    size_t base;            /* offset of text[0] inside the scalar's value */
    const char *what;       /* "rule aws-x", "macro m" (for notes) */
} cw_csrc;

struct cw_rfunc;
typedef struct cw_cnode cw_cnode;
struct cw_cnode {
    uint8_t op, root, rfield, datecmp;
    uint16_t type;     /* static type (CW_T_*) */
    uint16_t slot;     /* variable slot (CR_VAR, quantifiers) */
    uint32_t pos, end; /* byte range in src->text */
    uint32_t oppos;    /* operator position (binary operators) */
    const cw_csrc *src;
    cw_cnode *a, *b;
    cw_cnode **args;
    uint32_t nargs;
    const struct cw_rfunc *fn;
    void *fdata;       /* function's precomputed data (e.g. port array) */
    const char *name;  /* root identifier / variable / macro / function name */
    uint32_t namelen;
    cw_pseg *segs;
    uint32_t nsegs;
    cw_json lit;
    pcre2_code *re;
};

/* Parse condition text into an unresolved tree (arena). NULL + diagnostic on
 * a syntax error. */
cw_cnode *cw_cond_parse(cw_arena *a, const cw_csrc *src, cw_diags *d);
/* Report an error at byte pos of a condition source. */
void cw_cond_error(cw_diags *d, const cw_csrc *src, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- name resolution and type checking (rules_check.c) ----------------- */
typedef struct cw_rlist {
    const char *name;
    cw_json *items; /* CW_JARR */
    unsigned elt_type;
    const char *file;
    uint32_t line;
} cw_rlist;

typedef struct cw_rmacro {
    const char *name;
    cw_csrc src;
    cw_cnode *body; /* compiled (after check) */
    int state;      /* 0 = not compiled, 1 = compiling, 2 = done, 3 = failed */
    const char *file;
    uint32_t line;
} cw_rmacro;

typedef struct cw_checker {
    cw_arena *a;
    cw_diags *d;
    cw_hmap *lists;  /* name -> cw_rlist* */
    cw_hmap *macros; /* name -> cw_rmacro* */
    const char *const *types; /* resource types of the rule being compiled (NULL for a macro) */
    size_t ntypes;
    pcre2_code ***regexes; size_t *nregexes, *capregexes; /* every compiled regex (to free) */
    /* scope */
    const char *vars[CW_MAX_VARS];
    uint32_t varlen[CW_MAX_VARS];
    unsigned vartype[CW_MAX_VARS];
    int nvars;
    int maxvars;
    int errors;
    const char *macro_chain[64];
    int nchain;
} cw_checker;

/* Resolve names and check types of a parsed condition in place; bool_ctx
 * when it is used as a condition. Returns the number of errors reported. */
int cw_cond_check(cw_checker *c, cw_cnode *n, bool bool_ctx);
/* Parse and check a macro's body once (state 0 -> 2 ok / 3 failed). */
void cw_macro_compile(cw_checker *c, cw_rmacro *m);
extern const char *const cw_resource_fields[]; /* resource.<field>, NULL-terminated */
/* Edit distance for "did you mean" suggestions. */
size_t cw_edit_distance(const char *a, size_t al, const char *b, size_t bl);

/* ---- functions (rules_func.c) ------------------------------------------ */
typedef struct cw_ectx cw_ectx;
typedef const cw_json *(*cw_rfunc_impl)(const cw_cnode *call, const cw_json *const *av, cw_ectx *x,
                                       cw_json *out);
typedef struct cw_rfunc {
    const char *name;
    uint8_t nparams, nrequired;
    uint16_t params[4]; /* accepted types per parameter */
    uint16_t ret;
    cw_rfunc_impl impl;
    /* optional: check/precompute constant arguments; return error text or NULL */
    const char *(*prepare)(cw_cnode *call, cw_arena *a);
    const char *signature; /* "net.port_overlaps(perm, ports)" */
    const char *doc;
} cw_rfunc;
extern const cw_rfunc cw_rfuncs[]; /* terminated by {NULL} */
const cw_rfunc *cw_rfunc_find(const char *name, size_t len);

/* ---- evaluation (rules_eval.c) ------------------------------------------ */
typedef struct cw_scratch_blk cw_scratch_blk;
struct cw_ectx {
    const cw_asset *asset;
    const cw_json *vars[CW_MAX_VARS];
    int32_t vidx[CW_MAX_VARS]; /* index of the bound element (for explanations) */
    const cw_cnode *vdom[CW_MAX_VARS]; /* domain the variable ranges over */
    pcre2_match_data *md;
    pcre2_match_context *mctx; /* with a JIT stack large enough for long values */
    pcre2_jit_stack *jit;
    /* the first regex of this evaluation that could not be evaluated
     * (match limit, JIT stack, ...): the result is unknown, reported by the
     * caller with the rule and the resource (cw_ectx_regex_error) */
    int re_err;
    const cw_cnode *re_node;
    size_t re_len;
    int64_t today; /* days since 1970-01-01 */
    cw_scratch_blk *blk, *first;
    size_t used;
};
void cw_ectx_init(cw_ectx *x, int64_t today);
void cw_ectx_free(cw_ectx *x);
void cw_ectx_reset(cw_ectx *x);
void *cw_ectx_alloc(cw_ectx *x, size_t n);
bool cw_eval_bool(const cw_cnode *n, cw_ectx *x);
/* Report x's regex failure (if any) as an error located at the regex in its
 * rule pack, naming the rule and the resource, and clear it. Returns 1 when
 * one was reported. */
int cw_ectx_regex_error(cw_ectx *x, const char *rule_id, cw_diags *d);
/* The largest JIT stack a regex match may use (bytes). */
#define CW_REGEX_JIT_STACK_MAX (64u << 20)
/* Value of n; NULL when absent. May return tmp (filled) or memory of the asset. */
const cw_json *cw_eval_val(const cw_cnode *n, cw_ectx *x, cw_json *tmp);
bool cw_json_truthy(const cw_json *v);
/* Append a human explanation of why n is true for the bound asset. */
void cw_explain(const cw_cnode *n, cw_ectx *x, cw_strbuf *sb);
/* Append a value as text (strings bare, containers as compact JSON, capped). */
void cw_value_text(cw_strbuf *sb, const cw_json *v, size_t cap);

/* Dates: days since 1970-01-01 of a "YYYY-MM-DD..." prefix; INT64_MIN when not a date. */
int64_t cw_date_days(const char *s, size_t len);
int64_t cw_today_days(const char *today);

/* ---- evidence templates ---------------------------------------------- */
typedef struct cw_tpart {
    const char *text; /* literal text, or fallback for an expression */
    size_t len;
    cw_cnode *expr;   /* NULL for literal text; "{explain}" is expr == NULL && explain */
    bool explain;
} cw_tpart;

/* ---- loaded rule set --------------------------------------------------- */
typedef struct cw_rexc {
    const char *name, *reason, *expires; /* expires may be NULL */
    int64_t expires_days;
    bool expired;
    cw_cnode *cond;
    const char *condition;
    const char *file;
    uint32_t line;
} cw_rexc;

typedef struct cw_rule {
    cw_rule_meta meta;
    bool enabled;
    const char *condition;
    cw_cnode *cond;
    const char *evidence;      /* template text or NULL */
    cw_tpart *tparts;
    size_t ntparts;
    cw_rexc *exc;
    size_t nexc;
    bool all_types;            /* resource: "*" */
    const char **modified_by;  /* "file:line" of overrides */
    size_t nmodified;
    size_t ordinal;
} cw_rule;

/* Compile an evidence template into r->tparts (rules_check.c). */
void cw_template_compile(cw_checker *c, cw_rule *r, const cw_ynode *ev);

struct cw_ruleset {
    cw_arena arena;
    cw_rule **rules; /* all rules, load order */
    size_t nrules;
    cw_rule **enabled;
    size_t nenabled;
    cw_hmap by_id;
    cw_hmap lists, macros;
    pcre2_code **regexes;
    size_t nregexes, capregexes;
    int64_t today;
};

/* Load packs from memory (names are used in diagnostics). */
cw_ruleset *cw_rules_load_mem(const cw_builtin_pack *packs, size_t n, const cw_rules_opts *o,
                              cw_diags *d);
/* Parse and check one standalone condition (fuzzing, tests): 0 ok, -1 errors. */
int cw_rules_check_condition(const char *text, size_t len, cw_diags *d);
#endif
