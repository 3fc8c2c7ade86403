/* iam_int.h - internals shared by iam_policy.c (statements, principals,
 * actions, resources, queries) and iam_cond.c (condition operators, context
 * keys, representative values, the caller search). Not a public header. */
#ifndef CW_IAM_INT_H
#define CW_IAM_INT_H
#include "iam_policy.h"
#include "ipset.h"

/* condition operator families */
enum {
    OP_UNKNOWN = 0,
    OP_STR_EQ, OP_STR_EQ_IC, OP_STR_LIKE,
    OP_NUM_EQ, OP_NUM_LT, OP_NUM_LE, OP_NUM_GT, OP_NUM_GE,
    OP_DATE_EQ, OP_DATE_LT, OP_DATE_LE, OP_DATE_GT, OP_DATE_GE,
    OP_BOOL, OP_BINARY, OP_IP, OP_ARN_LIKE, OP_NULL,
};
enum { SETQ_NONE = 0, SETQ_ANY, SETQ_ALL };

/* How a stranger can set a context key. */
enum {
    KC_FREE = 0,     /* any value or absent */
    KC_PRESENT,      /* any value, always present (aws:SecureTransport) */
    KC_TIME,         /* the current time, never chosen */
    KC_IP_PUBLIC,    /* any public address, always present (aws:SourceIp) */
    KC_IP_ANY,       /* any address or absent (aws:VpcSourceIp) */
    KC_RESTRICT,     /* only the caller's own values (wildcard patterns) or absent */
    KC_RESTRICT_ARN, /* same, an ARN: a pattern is the caller's only if its account field is wild */
    KC_RESTRICT_UID, /* aws:userid: "AROAID:*" stays pinned to the role id */
    KC_RESTRICT_PATH, /* org paths: "o-id/r-root/..." patterns stay pinned to the organization */
    KC_RESTRICT_FALSE, /* boolean the caller always has false (aws:PrincipalIsAWSService) */
};

typedef struct iam_val {   /* one condition value, pre-parsed */
    const char *s;
    double num;             /* NaN when not numeric */
    double date;            /* epoch seconds, NaN when not a date */
    int fam;                /* 0 when not a CIDR */
    cw_u128 lo, hi;
    bool wild;              /* contains '*', '?' or a policy variable */
    bool var;               /* contains a policy variable "${...}": matches anything */
} iam_val;

typedef struct iam_clause {
    const char *opname;     /* as written */
    const char *keyname;    /* as written */
    uint8_t op, setq;
    bool negated, ifexists;
    int key;                /* index in policy key table */
    iam_val *vals;
    size_t nvals;
} iam_clause;

typedef struct iam_cand {  /* a representative value a caller may present */
    bool absent;
    bool foreign;           /* a value of the caller's own, equal to no literal */
    const char *s;
    double num, date;
    int fam;
    cw_u128 ip;
} iam_cand;

/* Evaluation modes (cw_policy_ctx.mode): reachability, and S3's own
 * Block Public Access definition for bucket and access point policies. */
#define IAM_NMODES 3

typedef struct iam_key {
    const char *name;       /* lower-case */
    const char *display;    /* as first written */
    int cls;                /* KC_* (reachability) */
    iam_cand *cands;        /* the candidates of the mode last built (points into mcands) */
    size_t ncands;
    iam_cand *mcands[IAM_NMODES];
    size_t nmcands[IAM_NMODES];
} iam_key;

typedef struct iam_stmt {
    int index;
    const char *sid;
    bool allow;
    bool has_principal, not_principal, principal_all; /* principal_all: "*" listed */
    bool fed_any, fed_web;  /* a Federated principal; one that is a public web identity provider */
    const char *fed_name;   /* the first public web identity provider named */
    const char **principals; /* "AWS:x", "Service:x", "CanonicalUser:x", "Federated:x" */
    size_t nprincipals;
    const char **actions;
    size_t nactions;
    bool not_action, has_action;
    const char **resources;
    size_t nresources;
    bool not_resource, has_resource;
    iam_clause *conds;
    size_t nconds;
} iam_stmt;

struct cw_policy {
    cw_arena *arena; /* the compile arena: representative values live there too */
    iam_stmt *st;
    size_t nst;
    iam_key *keys;
    size_t nkeys;
    bool cands_ready[IAM_NMODES];
    int64_t cands_now[IAM_NMODES];
    const void *cands_fixed[IAM_NMODES]; /* the fixed context they were built with */
    int mode;                            /* the mode of keys[].cands */
};

/* iam_cond.c */
int iam_parse_operator(const char *name, iam_clause *c); /* 0 ok, -1 unknown (op = OP_UNKNOWN) */
void iam_parse_value(cw_arena *a, const cw_json *v, iam_val *out);
int iam_key_class(const char *lower_name);
/* Build every key's representative values for a mode (once per policy, mode,
 * time and fixed context) and make them the current ones (keys[].cands). */
void iam_build_candidates(cw_policy *p, cw_arena *a, const cw_policy_ctx *ctx);
/* An IPv4 range broader than /8 or an IPv6 range broader than /32: S3 counts
 * aws:SourceIp conditions on such ranges as public ("The meaning of public"). */
bool iam_ip_broad(const iam_val *v);
/* Clause truth for a candidate; in_deny picks the side unknown operators fall on. */
bool iam_clause_eval(const iam_clause *c, const iam_cand *v, bool in_deny);
/* Search: is there a choice of values satisfying every clause of allow and
 * making each deny in denies[] false? On success fills choice[nkeys] with
 * candidate indexes (-1 = key not constrained). Returns 1 found, 0 none,
 * -1 search budget exhausted (treated as found by callers). */
int iam_search(const cw_policy *p, const iam_stmt *allow, const iam_stmt *const *denies, size_t ndenies,
               int *choice);
/* "aws:SourceIp 203.0.113.9, aws:SourceVpce absent" for the keys of stmts */
const char *iam_describe_choice(const cw_policy *p, cw_arena *a, const iam_stmt *const *stmts, size_t n,
                                const int *choice);

/* Does the statement's Action (or NotAction) apply to action? (iam_policy.c) */
bool iam_action_matches(const iam_stmt *st, const char *action);

/* glob helpers (iam_policy.c) */
bool iam_glob_prefix_viable(const char *pat, const char *prefix, bool nocase);
bool iam_glob_covers(const char *outer, const char *inner_pattern, bool nocase);
bool iam_arn_like(const char *pat, const char *s);
#endif
