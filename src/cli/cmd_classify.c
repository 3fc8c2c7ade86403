/* cmd_classify.c - `cloudwarden classify`: find and count customer data in files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../classify/classify.h"
#include "../util/arena.h"
#include "../util/diag.h"
#include "../util/walk.h"
#include "cli.h"


void cw_cmd_classify_help(FILE *out)
{
    fprintf(out,
            "usage: cloudwarden classify [options] PATH...\n\n"
            "Finds and counts customer data (names, postal addresses, phone numbers, e-mail\n"
            "addresses, VINs, vehicle registrations, payment cards, national IDs, dates of\n"
            "birth) in files: CSV/TSV, JSON, NDJSON, SQL dumps, text and logs, each optionally\n"
            "gzip-compressed. Directories are searched recursively; '-' reads standard input.\n"
            "Values are never printed: samples are masked.\n\n"
            "options:\n"
            "  -f, --format FMT         table (default), json, or spans (one line per match:\n"
            "                           path, byte offset, length, category, country; no values)\n"
            "  -o, --output FILE        write the report to FILE\n"
            "      --no-samples         omit masked samples\n"
            "      --samples N          masked samples per category (default 3, max 5)\n"
            "      --asset ID           the cloud resource the data came from (ARN or full\n"
            "                           resource name); recorded in the report and profile\n"
            "      --profile FILE       also write the asset data profile (JSON) to FILE\n"
            "      --input-format NAME  auto (default), csv, tsv, json, ndjson, sql, text\n"
            "      --gzip-max-ratio N   stop inflating past N:1 (default 200) ...\n"
            "      --gzip-ratio-after SIZE  ... once this much is inflated (default 16M)\n"
            "      --gzip-max-size SIZE stop inflating a file past SIZE (default 64G)\n"
            "      --chunk SIZE         scan chunk (default 1M; 4K-64M)\n"
            "      --threads N          threads on one large file (0 = one per core, at most 4;\n"
            "                           default 0); the report is the same on any number\n"
            "      --segment SIZE       bytes a thread takes at a time (default 4M)\n"
            "      --scan-all           look for keywords in every CSV field, not only in the\n"
            "                           free-text ones (slower; the same report: for checking)\n"
            "  -q, --quiet              no summary on standard error\n\n"
            "exit codes: 0 done, 2 usage error or an input that could not be read in full\n"
            "(unreadable, corrupt or over a gzip limit), 3 internal error.\n"
            "See docs/classify.md for the JSON shape, categories, countries and limits.\n");
}

typedef struct pathlist {
    char **v;
    size_t n, cap;
} pathlist;

static void pl_add(pathlist *p, const char *s)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->v = cw_xrealloc(p->v, p->cap * sizeof *p->v);
    }
    p->v[p->n++] = cw_xstrdup(s);
}

static void pl_free(pathlist *p)
{
    for (size_t i = 0; i < p->n; i++) free(p->v[i]);
    free(p->v);
}

int cw_cmd_classify(int argc, char **argv)
{
    cw_cls_opts o;
    cw_cls_opts_default(&o);
    o.threads = 0; /* one per core unless --threads says */
    const char *format = "table", *output = NULL, *asset = NULL, *profile = NULL;
    bool samples = true, quiet = false;
    pathlist inputs = {0};
    bool dashdash = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
#define NEEDVAL()                                                                 \
    do {                                                                          \
        if (i + 1 >= argc) {                                                      \
            cw_error("classify: option %s needs a value; see 'cloudwarden classify --help'", a); \
            goto usage;                                                           \
        }                                                                         \
        val = argv[++i];                                                          \
    } while (0)
        if (dashdash || a[0] != '-' || strcmp(a, "-") == 0) {
            pl_add(&inputs, a);
        } else if (strcmp(a, "--") == 0) {
            dashdash = true;
        } else if (!strcmp(a, "-f") || !strcmp(a, "--format")) {
            NEEDVAL();
            format = val;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            NEEDVAL();
            output = val;
        } else if (!strcmp(a, "--no-samples")) {
            samples = false;
        } else if (!strcmp(a, "--samples")) {
            NEEDVAL();
            uint64_t ns;
            if (!cw_parse_count(val, 0, CW_CLS_MAX_SAMPLES, &ns)) {
                cw_error("classify: --samples %s: expected 0 to %d", val, CW_CLS_MAX_SAMPLES);
                goto usage;
            }
            o.samples = (int)ns;
        } else if (!strcmp(a, "--asset")) {
            NEEDVAL();
            asset = val;
        } else if (!strcmp(a, "--profile")) {
            NEEDVAL();
            profile = val;
        } else if (!strcmp(a, "--input-format")) {
            NEEDVAL();
            if (!cw_informat_parse(val, &o.informat)) {
                cw_error("classify: --input-format %s: expected auto, csv, tsv, json, ndjson, sql or text", val);
                goto usage;
            }
        } else if (!strcmp(a, "--gzip-max-ratio") || !strcmp(a, "--gzip-max-size") || !strcmp(a, "--gzip-ratio-after") ||
                   !strcmp(a, "--chunk") || !strcmp(a, "--segment")) {
            NEEDVAL();
            uint64_t v;
            if (!cw_parse_size(val, &v) || v == 0) {
                cw_error("classify: %s %s: expected a positive number (suffix K, M or G allowed)", a, val);
                goto usage;
            }
            if (!strcmp(a, "--gzip-max-ratio")) o.gz_max_ratio = v;
            else if (!strcmp(a, "--gzip-max-size")) o.gz_max_bytes = v;
            else if (!strcmp(a, "--gzip-ratio-after")) o.gz_ratio_after = v;
            else if (!strcmp(a, "--segment")) o.segment = v > (1ULL << 30) ? (size_t)1 << 30 : (size_t)v;
            else if (v < (4u << 10) || v > (64u << 20)) {
                cw_error("classify: --chunk %s: expected 4K to 64M", val);
                goto usage;
            } else o.chunk = (size_t)v;
        } else if (!strcmp(a, "--threads")) {
            NEEDVAL();
            char *end;
            errno = 0;
            long t = strtol(val, &end, 10);
            if (errno || end == val || *end || t < 0 || t > 64) {
                cw_error("classify: --threads %s: expected a number from 0 (one per core) to 64", val);
                goto usage;
            }
            o.threads = (unsigned)t;
        } else if (!strcmp(a, "--scan-all")) {
            o.scan_all = true;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = true;
        } else {
            cw_error("classify: unknown option '%s'; see 'cloudwarden classify --help'", a);
            goto usage;
        }
#undef NEEDVAL
    }
    if (strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "spans")) {
        cw_error("classify: --format %s: expected table, json or spans", format);
        goto usage;
    }
    if (!inputs.n) {
        cw_error("classify: no PATH given; see 'cloudwarden classify --help'");
        goto usage;
    }
    int rc = CW_EXIT_OK;
    FILE *out = stdout;
    if (output && !(out = fopen(output, "w"))) {
        cw_error("classify: cannot write %s: %s", output, strerror(errno));
        goto usage;
    }
    /* the profile too is opened before anything is read: a path that cannot
     * be written ends the run at once (exit 2), not after the whole scan */
    FILE *pf = NULL;
    if (profile && !(pf = fopen(profile, "w"))) {
        cw_error("classify: cannot write the profile to %s: %s", profile, strerror(errno));
        if (output) fclose(out);
        goto usage;
    }
    /* the walker scan uses: symlink loops, FIFOs and devices, unreadable
     * directories (classify reads every regular file, hidden ones too) */
    cw_walk_list files = {0};
    cw_diags wd;
    cw_diags_init(&wd);
    cw_walk_opts wo = {.hidden = true, .skip_why = "a report this run writes (--output, --profile)"};
    cw_walk_id own[2];
    struct stat ost;
    if (output && fstat(fileno(out), &ost) == 0 && S_ISREG(ost.st_mode)) own[wo.nskip++] = (cw_walk_id){ost.st_dev, ost.st_ino};
    if (pf && fstat(fileno(pf), &ost) == 0 && S_ISREG(ost.st_mode)) own[wo.nskip++] = (cw_walk_id){ost.st_dev, ost.st_ino};
    wo.skip = own;
    if (cw_walk((const char *const *)inputs.v, inputs.n, &wo, &files, &wd)) rc = CW_EXIT_USAGE;
    cw_diags_print(&wd);
    cw_diags_free(&wd);
    if (!strcmp(format, "spans")) o.spans = out;
    char err[256];
    cw_classifier *c = cw_classifier_new(err, sizeof err);
    if (!c) {
        cw_error("%s", err);
        return CW_EXIT_INTERNAL;
    }
    cw_cls_run *r = cw_cls_run_new(c, &o);
    if (!r) {
        cw_error("classify: cannot allocate pattern scratch");
        cw_classifier_free(c);
        return CW_EXIT_INTERNAL;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < files.n; i++) {
        const cw_file_report *f = cw_cls_file(r, files.v[i]);
        if (f->message) {
            if (f->skipped && f->format && strcmp(f->format, "binary") == 0) cw_warn("%s: %s", f->path, f->message);
            else if (f->skipped || f->truncated) cw_error("%s: %s", f->path, f->message);
            else cw_warn("%s: %s", f->path, f->message);
        }
        if ((f->skipped && !(f->format && strcmp(f->format, "binary") == 0)) || f->truncated) rc = CW_EXIT_USAGE;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int wr = 0;
    if (!strcmp(format, "json")) wr = cw_cls_write_json(out, r, asset, samples);
    else if (!strcmp(format, "table")) wr = cw_cls_write_table(out, r, asset, samples);
    else wr = (fflush(out) == 0 && !ferror(out)) ? 0 : -1;
    if (output && fclose(out) != 0) wr = -1;
    if (wr < 0) {
        cw_error("classify: cannot write the report%s%s: %s", output ? " to " : "", output ? output : "", strerror(errno));
        rc = CW_EXIT_INTERNAL;
    }
    if (pf) {
        if (cw_cls_write_profile(pf, r, asset) < 0 || fclose(pf) != 0) {
            cw_error("classify: cannot write the profile to %s: %s", profile, strerror(errno));
            rc = CW_EXIT_INTERNAL;
        }
    }
    if (!quiet) {
        const cw_file_report *t = cw_cls_totals(r);
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        uint64_t segs = 0, redone = 0;
        for (size_t i = 0; i < cw_cls_nfiles(r); i++) {
            segs += cw_cls_file_at(r, i)->segments;
            redone += cw_cls_file_at(r, i)->redone;
        }
        fprintf(stderr, "classify: %zu files, %.1f MB in %.2f s (%.0f MB/s), %llu of %llu records hold customer data",
                files.n, (double)t->bytes / 1e6, secs, secs > 0 ? (double)t->bytes / 1e6 / secs : 0.0,
                (unsigned long long)t->records_matched, (unsigned long long)t->records);
        if (segs > cw_cls_nfiles(r))
            fprintf(stderr, "; %llu segments, %llu scanned again", (unsigned long long)segs, (unsigned long long)redone);
        fputc('\n', stderr);
    }
    cw_cls_run_free(r);
    cw_classifier_free(c);
    pl_free(&inputs);
    cw_walk_list_free(&files);
    free(files.v);
    return rc;
usage: /* every refusal before the walk: the paths gathered so far are freed */
    pl_free(&inputs);
    return CW_EXIT_USAGE;
}
