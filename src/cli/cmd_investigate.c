/* cmd_investigate.c - `cloudwarden investigate`: did anyone outside read or copy
 * the data? A thin client of src/forensics. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../forensics/forensics.h"
#include "../json/json.h"
#include "../store/store.h"
#include "../util/arena.h"
#include "../util/diag.h"
#include "../util/walk.h"
#include "cli.h"

void cw_cmd_investigate_help(FILE *out)
{
    fprintf(out,
            "usage: cloudwarden investigate --resource ID [--window FROM..TO] [options] LOGS...\n\n"
            "Reads access logs and tells whether anyone outside the organisation read,\n"
            "listed or copied the resource's data inside the window, what each external\n"
            "actor did, and which hours the logs do not cover. LOGS are files or\n"
            "directories (searched recursively), plain or gzip:\n");
    for (const cw_fx_unit *const *u = cw_fx_units; *u; u++) fprintf(out, "  %-19s %s\n", (*u)->name, (*u)->summary);
    fprintf(out,
            "\noptions:\n"
            "  --resource ID          bucket name or ARN (gs://bucket, Azure account/container);\n"
            "                         repeatable; required\n"
            "  --window FROM..TO      exposure window, ISO 8601 (2024-01-01..2024-03-31T12:00Z);\n"
            "                         repeatable; an empty end is open (default: the logs' span)\n"
            "  --db STORE             take the resources' exposure windows from the monitor's\n"
            "                         store (SQLite path or postgresql://...; written by\n"
            "                         'history import' and 'watch'), besides any --window\n"
            "  --org-accounts LIST|FILE  internal accounts: comma-separated 12-digit ids, S3\n"
            "                         canonical ids, Azure tenants/accounts, or a file of them\n"
            "                         (one a line, or `aws organizations list-accounts` JSON)\n"
            "  --trusted-ips CIDRS|FILE  addresses from which presigned URLs are internal use\n"
            "  -f, --format FMT       table (default) or json\n"
            "  -o, --output FILE      write the result to FILE\n"
            "  --log-format NAME      read every input as this format (default: by content)\n"
            "  --max-line SIZE        longest accepted log line or record (default 1M)\n"
            "  --gzip-max-size SIZE   stop inflating a file past SIZE (default 64G)\n"
            "  --gzip-max-ratio N     stop inflating past N:1 (default 200)\n"
            "  -q, --quiet            no problems listed on standard error\n\n"
            "The verdict reads 'evidence of external access: yes', 'none found (coverage N%%)'\n"
            "or 'unknown (no logs)'. Absence of evidence is not evidence of absence: logging\n"
            "is off by default and delivery has gaps; the gaps are listed to the hour.\n\n"
            "exit codes: 0 no evidence of external access, 1 evidence of external access,\n"
            "2 usage error or an input that could not be read at all, 3 internal error.\n"
            "See docs/investigate.md for the method and the JSON shape.\n");
}

typedef struct strlist {
    char **v;
    size_t n, cap;
} strlist;

static void sl_add(strlist *l, const char *s, size_t n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = cw_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    char *c = cw_xmalloc(n + 1);
    memcpy(c, s, n);
    c[n] = 0;
    l->v[l->n++] = c;
}

static void sl_free(strlist *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
}

/* Words of s separated by commas, blanks or newlines; '#' starts a comment. */
static void words(strlist *out, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] == '#') {
            while (i < n && s[i] != '\n') i++;
            continue;
        }
        if (s[i] == ',' || isspace((unsigned char)s[i])) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && s[j] != ',' && s[j] != '#' && !isspace((unsigned char)s[j])) j++;
        sl_add(out, s + i, j - i);
        i = j;
    }
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 65536, n = 0;
    char *b = cw_xmalloc(cap + 1);
    size_t got;
    while ((got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            if (cap >= (64u << 20)) break;
            cap *= 2;
            b = cw_xrealloc(b, cap + 1);
        }
    }
    fclose(f);
    b[n] = 0;
    *len = n;
    return b;
}

/* --org-accounts / --trusted-ips: a list, or a file of words, or (accounts) the
 * JSON `aws organizations list-accounts` prints. */
static int list_or_file(const char *opt, const char *arg, strlist *out)
{
    struct stat st;
    if (stat(arg, &st) != 0 || !S_ISREG(st.st_mode)) {
        words(out, arg, strlen(arg));
        return 0;
    }
    size_t n;
    char *b = slurp(arg, &n);
    if (!b) {
        cw_error("%s %s: cannot read: %s", opt, arg, strerror(errno));
        return -1;
    }
    size_t i = 0;
    while (i < n && isspace((unsigned char)b[i])) i++;
    if (i < n && b[i] == '{') {
        cw_arena a;
        cw_arena_init(&a, 0);
        cw_json_err err;
        cw_json *root = cw_json_parse(&a, b, n, &err);
        const cw_json *acc = root ? cw_json_get_ci(root, "Accounts") : NULL;
        if (!acc || acc->type != CW_JARR) {
            if (root)
                cw_error("%s %s: expected {\"Accounts\": [{\"Id\": ...}]} (aws organizations list-accounts): no "
                         "Accounts array", opt, arg);
            else
                cw_error("%s:%u:%u: expected {\"Accounts\": [{\"Id\": ...}]} (aws organizations list-accounts): %s",
                         arg, err.line, err.col, err.msg);
            cw_arena_free(&a);
            free(b);
            return -1;
        }
        for (uint32_t k = 0; k < acc->len; k++) {
            const char *id = cw_json_str(cw_json_get_ci(&acc->u.items[k], "Id"), NULL);
            if (id) sl_add(out, id, strlen(id));
        }
        cw_arena_free(&a);
    } else {
        words(out, b, n);
    }
    free(b);
    return 0;
}

/* --db: every exposure window the store recorded for the named resources
 * (open ones end "now": open-ended). A resource without one is an error: the
 * user asked for the store's windows and there are none to look in. */
typedef struct dbwin_ctx {
    const strlist *res;
    bool *seen;
    cw_fx_window **w;
    size_t *n;
} dbwin_ctx;

static int dbwin_add(void *vc, const cw_store_window *w)
{
    dbwin_ctx *c = vc;
    bool mine = false;
    for (size_t i = 0; i < c->res->n; i++)
        if (cw_store_resource_named(w->resource, c->res->v[i])) c->seen[i] = mine = true;
    if (!mine) return 0;
    *c->w = cw_xrealloc(*c->w, (*c->n + 1) * sizeof **c->w);
    cw_fx_window *x = &(*c->w)[(*c->n)++];
    cw_store_window_seconds(w, &x->from, &x->to);
    return 0;
}

static int store_windows(const char *db, const strlist *res, cw_fx_window **wins, size_t *nwins, bool quiet)
{
    char *err = NULL;
    cw_store *st = cw_store_open(db, CW_STORE_READONLY, &err);
    if (!st) {
        cw_error("investigate: --db: %s", err ? err : "cannot open the store");
        free(err);
        return -1;
    }
    bool *seen = cw_xcalloc(res->n ? res->n : 1, sizeof *seen);
    dbwin_ctx c = {res, seen, wins, nwins};
    cw_store_window_query q = {.from_us = CW_TIME_UNKNOWN, .to_us = CW_TIME_UNKNOWN};
    size_t before = *nwins;
    int rc = cw_store_windows(st, &q, dbwin_add, &c);
    if (rc < 0) cw_error("investigate: --db: %s", cw_store_error(st));
    for (size_t i = 0; rc == 0 && i < res->n; i++)
        if (!seen[i]) {
            cw_error("investigate: --db %s: no exposure window of '%s' is recorded (the store has windows once "
                     "'cloudwarden history import' or 'watch' has seen the resource exposed)",
                     cw_store_location(st), res->v[i]);
            rc = -1;
        }
    if (rc == 0 && !quiet)
        cw_note("investigate: %zu exposure window%s from %s", *nwins - before, *nwins - before == 1 ? "" : "s",
                cw_store_location(st));
    free(seen);
    cw_store_close(st);
    return rc;
}

int cw_cmd_investigate(int argc, char **argv)
{
    strlist res = {0}, org = {0}, trusted = {0}, inputs = {0};
    cw_fx_window *wins = NULL;
    size_t nwins = 0;
    const char *format = "table", *output = NULL, *unit = NULL, *db = NULL;
    uint64_t max_line = 0, gz_size = 0, gz_ratio = 0;
    bool quiet = false, dashdash = false;
    int rc = CW_EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
#define NEEDVAL()                                                                                      \
    do {                                                                                               \
        if (i + 1 >= argc) {                                                                           \
            cw_error("investigate: option %s needs a value; see 'cloudwarden investigate --help'", a); \
            goto out;                                                                                  \
        }                                                                                              \
        val = argv[++i];                                                                               \
    } while (0)
        if (dashdash || a[0] != '-' || strcmp(a, "-") == 0) {
            sl_add(&inputs, a, strlen(a));
        } else if (strcmp(a, "--") == 0) {
            dashdash = true;
        } else if (strcmp(a, "--resource") == 0) {
            NEEDVAL();
            sl_add(&res, val, strlen(val));
        } else if (strcmp(a, "--window") == 0) {
            NEEDVAL();
            char err[256];
            wins = cw_xrealloc(wins, (nwins + 1) * sizeof *wins);
            if (cw_fx_parse_window(val, &wins[nwins], err, sizeof err) < 0) {
                cw_error("investigate: --window: %s", err);
                goto out;
            }
            nwins++;
        } else if (strcmp(a, "--db") == 0) {
            NEEDVAL();
            db = val;
        } else if (strcmp(a, "--org-accounts") == 0) {
            NEEDVAL();
            size_t before = org.n;
            if (list_or_file(a, val, &org) < 0) goto out;
            /* a mistyped file name must not become an "account" (and every real
             * account external): ids are letters, digits and '-' */
            for (size_t k = before; k < org.n; k++) {
                const char *w = org.v[k];
                size_t wl = strlen(w), ok = wl <= 64;
                for (size_t c = 0; ok && c < wl; c++) ok = isalnum((unsigned char)w[c]) || w[c] == '-';
                if (!ok) {
                    cw_error("investigate: --org-accounts: '%s' is neither a readable file nor an account id (a "
                             "12-digit AWS account, a 64-hex S3 canonical id, an Azure tenant id or account name)",
                             w);
                    goto out;
                }
            }
        } else if (strcmp(a, "--trusted-ips") == 0) {
            NEEDVAL();
            if (list_or_file(a, val, &trusted) < 0) goto out;
        } else if (strcmp(a, "-f") == 0 || strcmp(a, "--format") == 0) {
            NEEDVAL();
            format = val;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            NEEDVAL();
            output = val;
        } else if (strcmp(a, "--log-format") == 0) {
            NEEDVAL();
            unit = val;
            if (!cw_fx_unit_find(unit)) {
                cw_error("investigate: --log-format: unknown format '%s' (see 'cloudwarden investigate --help')", unit);
                goto out;
            }
        } else if (strcmp(a, "--max-line") == 0) {
            NEEDVAL();
            if (!cw_parse_size(val, &max_line) || max_line < 1024 || max_line > (256u << 20)) {
                cw_error("investigate: --max-line: expected a size between 1K and 256M, got '%s'", val);
                goto out;
            }
        } else if (strcmp(a, "--gzip-max-size") == 0) {
            NEEDVAL();
            if (!cw_parse_size(val, &gz_size) || !gz_size) {
                cw_error("investigate: --gzip-max-size: expected a size, got '%s'", val);
                goto out;
            }
        } else if (strcmp(a, "--gzip-max-ratio") == 0) {
            NEEDVAL();
            if (!cw_parse_size(val, &gz_ratio) || gz_ratio < 2) {
                cw_error("investigate: --gzip-max-ratio: expected a number of at least 2, got '%s'", val);
                goto out;
            }
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else {
            cw_error("investigate: unknown option '%s'; see 'cloudwarden investigate --help'", a);
            goto out;
        }
    }
    if (!res.n) {
        cw_error("investigate: --resource ID is required (the bucket whose logs to read)");
        goto out;
    }
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
        cw_error("investigate: --format: expected table or json, got '%s'", format);
        goto out;
    }
    if (!inputs.n) {
        cw_error("investigate: no logs given (files or directories of S3 server access logs, CloudTrail, GCS or "
                 "Azure Storage logs)");
        goto out;
    }
    if (db && store_windows(db, &res, &wins, &nwins, quiet) < 0) goto out;
    if (!nwins && !quiet)
        cw_warn("investigate: no --window: the window is the span of the logs (no part before logging can be seen)");
    if (!org.n && !quiet)
        cw_warn("investigate: no --org-accounts: only the resource owner's account (as CloudTrail names it) is "
                "internal; every other account counts as external");
    /* files and directories (walked as scan and classify walk them) */
    cw_walk_list files = {0};
    cw_diags wd;
    cw_diags_init(&wd);
    cw_walk_opts wo = {0};
    size_t werr = cw_walk((const char *const *)inputs.v, inputs.n, &wo, &files, &wd);
    if (wd.n && !quiet) cw_diags_print(&wd);
    cw_diags_free(&wd);
    cw_fx_opts o = {0};
    o.resources = (const char *const *)res.v, o.nresources = res.n;
    o.windows = wins, o.nwindows = nwins;
    o.org = (const char *const *)org.v, o.norg = org.n;
    o.trusted = (const char *const *)trusted.v, o.ntrusted = trusted.n;
    o.max_line = (size_t)max_line;
    o.gz_max_bytes = gz_size, o.gz_max_ratio = gz_ratio;
    char err[512];
    cw_fx_inv *inv = cw_fx_inv_new(&o, err, sizeof err);
    if (!inv) {
        cw_error("investigate: %s", err);
        cw_walk_list_free(&files);
        goto out;
    }
    int unreadable = (int)werr;
    for (size_t i = 0; i < files.n; i++)
        if (cw_fx_read_file(inv, files.v[i], unit) < 0) unreadable++;
    cw_walk_list_free(&files);
    const cw_fx_result *r = cw_fx_finish(inv);
    if (!quiet && r->problems->n) cw_diags_print(r->problems);
    FILE *out = stdout;
    if (output && !(out = fopen(output, "w"))) {
        cw_error("investigate: cannot write %s: %s", output, strerror(errno));
        cw_fx_inv_free(inv);
        goto out;
    }
    int w = strcmp(format, "json") == 0 ? cw_fx_write_json(out, r) : cw_fx_write_table(out, r);
    if (output && fclose(out) != 0) w = -1;
    if (w < 0) {
        cw_error("investigate: write error on %s", output ? output : "standard output");
        rc = CW_EXIT_INTERNAL;
    } else if (unreadable) {
        rc = CW_EXIT_USAGE;
    } else {
        rc = r->verdict == CW_FX_VERDICT_YES ? CW_EXIT_FINDINGS : CW_EXIT_OK;
    }
    cw_fx_inv_free(inv);
out:
    sl_free(&res);
    sl_free(&org);
    sl_free(&trusted);
    sl_free(&inputs);
    free(wins);
    return rc;
}
