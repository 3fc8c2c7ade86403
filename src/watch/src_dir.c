/* src_dir.c - files delivered into a directory (see source.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../util/arena.h"
#include "log.h"
#include "source.h"

typedef struct seen {
    char *name;
    off_t size;
    struct timespec mtime;
    int64_t stable_since; /* ms on the monotonic clock */
    int64_t retry_at;     /* ms: after a store failure */
    int failures;
    bool present;
} seen;

struct cw_dirsrc {
    char *dir, *done, *failed;
    int64_t settle_ms;
    seen *v;
    size_t n, cap;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *r = cw_xmalloc(n);
    snprintf(r, n, "%s/%s", a, b);
    return r;
}

static int mkdir_p1(const char *p, char **err)
{
    if (mkdir(p, 0755) == 0 || errno == EEXIST) {
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
        errno = ENOTDIR;
    }
    size_t n = strlen(p) + 128;
    *err = cw_xmalloc(n);
    snprintf(*err, n, "--events %s: cannot create the directory: %s", p, strerror(errno));
    return -1;
}

cw_dirsrc *cw_src_dir_open(const char *dir, int64_t settle_ms, char **err)
{
    struct stat st;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        size_t n = strlen(dir) + 128;
        *err = cw_xmalloc(n);
        snprintf(*err, n, "--events %s: %s", dir, errno ? strerror(errno) : "not a directory");
        if (S_ISREG(st.st_mode)) snprintf(*err, n, "--events %s: not a directory (a file: use --events - < FILE)", dir);
        return NULL;
    }
    cw_dirsrc *d = cw_xcalloc(1, sizeof *d);
    d->dir = cw_xstrdup(dir);
    d->done = join(dir, "done");
    d->failed = join(dir, "failed");
    d->settle_ms = settle_ms >= 0 ? settle_ms : 500;
    if (mkdir_p1(d->done, err) < 0 || mkdir_p1(d->failed, err) < 0) {
        cw_src_dir_close(d);
        return NULL;
    }
    return d;
}

void cw_src_dir_close(cw_dirsrc *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) free(d->v[i].name);
    free(d->v);
    free(d->dir);
    free(d->done);
    free(d->failed);
    free(d);
}

static bool skip_name(const char *n)
{
    if (n[0] == '.') return true;
    static const char *const suf[] = {".tmp", ".part", ".partial", ".filepart", ".crdownload", ".reason", "~"};
    size_t l = strlen(n);
    for (size_t i = 0; i < sizeof suf / sizeof suf[0]; i++) {
        size_t s = strlen(suf[i]);
        if (l >= s && strcmp(n + l - s, suf[i]) == 0) return true;
    }
    return false;
}

static seen *lookup(cw_dirsrc *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->v[i].name, name) == 0) return &d->v[i];
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = cw_xrealloc(d->v, d->cap * sizeof *d->v);
    }
    seen *s = &d->v[d->n++];
    memset(s, 0, sizeof *s);
    s->name = cw_xstrdup(name);
    s->size = -1;
    return s;
}

/* rename into dest/, never over an earlier file of the same name */
static int move_into(const char *dest, const char *from, const char *name, char **to_out)
{
    char *to = join(dest, name);
    for (int k = 1; access(to, F_OK) == 0 && k < 10000; k++) {
        free(to);
        size_t n = strlen(dest) + strlen(name) + 16;
        to = cw_xmalloc(n);
        snprintf(to, n, "%s/%s.%d", dest, name, k);
    }
    int r = rename(from, to);
    if (r == 0) {
        /* the rename is durable once the directory is on disk */
        int fd = open(dest, O_RDONLY | O_DIRECTORY);
        if (fd >= 0) {
            fsync(fd);
            close(fd);
        }
    }
    *to_out = to;
    return r;
}

static int cmp_seen(const void *a, const void *b)
{
    return strcmp(((const seen *)a)->name, ((const seen *)b)->name);
}

int cw_src_dir_poll(cw_dirsrc *d, const cw_source_ctl *c)
{
    DIR *dh = opendir(d->dir);
    if (!dh) {
        cw_log_error("--events %s: %s", d->dir, strerror(errno));
        return 0;
    }
    for (size_t i = 0; i < d->n; i++) d->v[i].present = false;
    int64_t t = now_ms();
    struct dirent *de;
    while ((de = readdir(dh))) {
        if (skip_name(de->d_name)) continue;
        char *p = join(d->dir, de->d_name);
        struct stat st;
        int r = lstat(p, &st);
        free(p);
        if (r < 0 || !S_ISREG(st.st_mode)) continue;
        seen *s = lookup(d, de->d_name);
        s->present = true;
        if (s->size != st.st_size || s->mtime.tv_sec != st.st_mtim.tv_sec || s->mtime.tv_nsec != st.st_mtim.tv_nsec) {
            bool first = s->size < 0;
            s->size = st.st_size;
            s->mtime = st.st_mtim;
            s->stable_since = t;
            /* first sight of a file last written more than settle ago: complete already */
            if (first) {
                struct timespec w;
                clock_gettime(CLOCK_REALTIME, &w);
                int64_t age = ((int64_t)w.tv_sec - st.st_mtim.tv_sec) * 1000 + (w.tv_nsec - st.st_mtim.tv_nsec) / 1000000;
                if (age >= d->settle_ms) s->stable_since = t - d->settle_ms;
            }
        }
    }
    closedir(dh);
    /* forget what is gone; handle what is complete, in name order */
    size_t k = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (d->v[i].present) d->v[k++] = d->v[i];
        else free(d->v[i].name);
    }
    d->n = k;
    qsort(d->v, d->n, sizeof *d->v, cmp_seen);
    int handled = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (c->stop && *c->stop) break;
        seen *s = &d->v[i];
        if (t - s->stable_since < d->settle_ms || t < s->retry_at) continue;
        char *path = join(d->dir, s->name);
        char origin[600];
        snprintf(origin, sizeof origin, "dir:%s", path);
        cw_ingest_req rq = {origin, path, NULL, 0, 0};
        cw_ingest_result r;
        memset(&r, 0, sizeof r);
        c->ingest(c->ctx, &rq, &r);
        char *to = NULL;
        if (r.status == CW_INGEST_RETRY) {
            s->failures++;
            int64_t wait = 1000;
            for (int f = 1; f < s->failures && wait < 60000; f++) wait *= 2;
            if (r.retry_after_s && wait < (int64_t)r.retry_after_s * 1000) wait = (int64_t)r.retry_after_s * 1000;
            s->retry_at = t + wait;
            cw_log_warn("%s: not committed (%s); left in place, tried again in %lld ms", path, r.msg, (long long)wait);
        } else if (r.status == CW_INGEST_OK) {
            if (move_into(d->done, path, s->name, &to) < 0)
                cw_log_error("%s: committed, but moving it to %s failed: %s (it will be read again; the store "
                             "de-duplicates)", path, d->done, strerror(errno));
            handled++;
            s->present = false;
            s->size = -1; /* a file of this name delivered later is new */
        } else {
            if (move_into(d->failed, path, s->name, &to) < 0) {
                cw_log_error("%s: rejected (%s), and moving it to %s failed: %s", path, r.msg, d->failed,
                             strerror(errno));
                s->retry_at = INT64_MAX; /* do not read it again in this run */
            } else {
                size_t n = strlen(to) + 8;
                char *rp = cw_xmalloc(n);
                snprintf(rp, n, "%s.reason", to);
                FILE *f = fopen(rp, "w");
                if (f) {
                    fprintf(f, "%s\n", r.msg);
                    fclose(f);
                }
                cw_log_warn("%s: rejected: %s; moved to %s", path, r.msg, to);
                free(rp);
                s->present = false;
                s->size = -1;
            }
            handled++;
        }
        free(to);
        free(path);
    }
    return handled;
}
