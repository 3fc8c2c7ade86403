/* walk.c - the directory walker of scan and classify (see walk.h). */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "glob.h"
#include "strbuf.h"

/* A set of (device, inode) pairs: open addressing, grows at half full. */
typedef struct idset {
    cw_walk_id *v;
    unsigned char *used;
    size_t cap, n;
} idset;

static size_t id_hash(cw_walk_id k)
{
    uint64_t h = (uint64_t)k.ino * 0x9E3779B97F4A7C15ULL ^ (uint64_t)k.dev * 0xC2B2AE3D27D4EB4FULL;
    return (size_t)(h ^ (h >> 29));
}

/* Adds k; returns false when it was already there. */
static bool idset_add(idset *s, cw_walk_id k)
{
    if (2 * (s->n + 1) > s->cap) {
        idset t = {.cap = s->cap ? s->cap * 2 : 64};
        t.v = cw_xcalloc(t.cap, sizeof *t.v);
        t.used = cw_xcalloc(t.cap, 1);
        for (size_t i = 0; i < s->cap; i++)
            if (s->used[i]) idset_add(&t, s->v[i]);
        free(s->v);
        free(s->used);
        *s = t;
    }
    for (size_t i = id_hash(k) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
        if (!s->used[i]) {
            s->used[i] = 1, s->v[i] = k, s->n++;
            return true;
        }
        if (s->v[i].dev == k.dev && s->v[i].ino == k.ino) return false;
    }
}

typedef struct walker {
    const cw_walk_opts *o;
    cw_walk_list *out;
    cw_diags *d;
    idset dirs, files;
    size_t errors;
    int max_depth;
} walker;

static void push(cw_walk_list *l, const char *p)
{
    if (l->n == l->cap) l->v = cw_xrealloc(l->v, (l->cap = l->cap ? l->cap * 2 : 64) * sizeof *l->v);
    l->v[l->n++] = cw_xstrdup(p);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static const char *kind_of(mode_t m)
{
    return S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : S_ISCHR(m) ? "a character device"
           : S_ISBLK(m) ? "a block device" : "not a regular file";
}

static bool glob_any(const char *const *globs, const char *rel, const char *name)
{
    for (; globs && *globs; globs++) {
        const char *g = *globs;
        if (strchr(g, '/') ? cw_fnglob_match(g[0] == '/' ? g + 1 : g, rel, CW_GLOB_PATH)
                           : cw_fnglob_match(g, name, 0))
            return true;
    }
    return false;
}

static bool is_skipped(const walker *w, const struct stat *st)
{
    for (size_t i = 0; i < w->o->nskip; i++)
        if (w->o->skip[i].dev == st->st_dev && w->o->skip[i].ino == st->st_ino) return true;
    return false;
}

static void walk_dir(walker *w, const char *dir, const char *rel, int depth)
{
    if (depth > w->max_depth) {
        cw_diag_add(w->d, CW_DIAG_NOTE, dir, 0, 0, 0, NULL,
                    "directories nested deeper than %d levels; not descending further", w->max_depth);
        return;
    }
    DIR *dh = opendir(dir);
    if (!dh) {
        cw_diag_add(w->d, CW_DIAG_ERROR, dir, 0, 0, 0, NULL, "cannot open directory: %s", strerror(errno));
        w->errors++;
        return;
    }
    char **names = NULL;
    size_t nn = 0, nc = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(dh))) {
        if (e->d_name[0] == '.' && (!w->o->hidden || !e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
            continue; /* ".", ".." and (unless asked for) hidden entries */
        if (nn == nc) names = cw_xrealloc(names, (nc = nc ? nc * 2 : 16) * sizeof *names);
        names[nn++] = cw_xstrdup(e->d_name);
    }
    if (errno) {
        cw_diag_add(w->d, CW_DIAG_ERROR, dir, 0, 0, 0, NULL, "cannot read directory: %s", strerror(errno));
        w->errors++;
    }
    closedir(dh);
    qsort(names, nn, sizeof *names, cmp_str);
    cw_strbuf p = CW_STRBUF_INIT, r = CW_STRBUF_INIT;
    size_t dl = strlen(dir);
    for (size_t i = 0; i < nn; i++) {
        const char *name = names[i];
        cw_sb_reset(&p);
        cw_sb_printf(&p, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name);
        cw_sb_reset(&r);
        cw_sb_printf(&r, "%s%s%s", rel, *rel ? "/" : "", name);
        struct stat ls, st;
        if (lstat(p.buf, &ls) != 0) {
            if (errno != ENOENT) { /* vanished since readdir: not an error */
                cw_diag_add(w->d, CW_DIAG_ERROR, p.buf, 0, 0, 0, NULL, "cannot read: %s", strerror(errno));
                w->errors++;
            }
            continue;
        }
        st = ls;
        if (S_ISLNK(ls.st_mode) && stat(p.buf, &st) != 0) {
            if (!w->o->want || w->o->want(name, w->o->ctx)) {
                cw_diag_add(w->d, CW_DIAG_NOTE, p.buf, 0, 0, 0, NULL, "broken symbolic link (%s); skipped",
                            strerror(errno));
                w->out->broken++;
            }
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (glob_any(w->o->exclude, r.buf, name)) continue;
            if (!idset_add(&w->dirs, (cw_walk_id){st.st_dev, st.st_ino})) {
                cw_diag_add(w->d, CW_DIAG_NOTE, p.buf, 0, 0, 0, NULL,
                            "%s already read (a link loop or a second path to it); not read again",
                            S_ISLNK(ls.st_mode) ? "a symbolic link to a directory" : "a directory");
                w->out->loops++;
                continue;
            }
            walk_dir(w, p.buf, r.buf, depth + 1);
            continue;
        }
        if (w->o->want && !w->o->want(name, w->o->ctx)) {
            w->out->unwanted++;
            continue;
        }
        if (w->o->include && w->o->include[0] && !glob_any(w->o->include, r.buf, name)) continue;
        if (glob_any(w->o->exclude, r.buf, name)) continue;
        if (!S_ISREG(st.st_mode)) {
            cw_diag_add(w->d, CW_DIAG_NOTE, p.buf, 0, 0, 0, NULL, "%s, not a regular file; skipped",
                        kind_of(st.st_mode));
            w->out->special++;
            continue;
        }
        if (is_skipped(w, &st)) {
            cw_diag_add(w->d, CW_DIAG_NOTE, p.buf, 0, 0, 0, NULL, "%s; not read as an input",
                        w->o->skip_why ? w->o->skip_why : "excluded");
            continue;
        }
        if (!idset_add(&w->files, (cw_walk_id){st.st_dev, st.st_ino})) {
            cw_diag_add(w->d, CW_DIAG_NOTE, p.buf, 0, 0, 0, NULL, "the same file as one already read (a link); skipped");
            w->out->duplicates++;
            continue;
        }
        push(w->out, p.buf);
    }
    cw_sb_free(&p);
    cw_sb_free(&r);
    for (size_t i = 0; i < nn; i++) free(names[i]);
    free(names);
}

size_t cw_walk(const char *const *inputs, size_t ninputs, const cw_walk_opts *o, cw_walk_list *out, cw_diags *d)
{
    static const cw_walk_opts none = {0};
    walker w = {.o = o ? o : &none, .out = out, .d = d};
    w.max_depth = w.o->max_depth > 0 ? w.o->max_depth : 64;
    for (size_t i = 0; i < ninputs; i++) {
        const char *in = inputs[i];
        struct stat st;
        if (strcmp(in, "-") == 0 || stat(in, &st) != 0 || !S_ISDIR(st.st_mode)) {
            /* named explicitly: kept (a missing one is reported by whoever opens it) */
            if (strcmp(in, "-") != 0 && stat(in, &st) == 0 && S_ISREG(st.st_mode))
                idset_add(&w.files, (cw_walk_id){st.st_dev, st.st_ino});
            push(out, in);
            continue;
        }
        if (!idset_add(&w.dirs, (cw_walk_id){st.st_dev, st.st_ino})) {
            cw_diag_add(d, CW_DIAG_NOTE, in, 0, 0, 0, NULL, "a directory already read; not read again");
            out->loops++;
            continue;
        }
        walk_dir(&w, in, "", 0);
    }
    free(w.dirs.v), free(w.dirs.used);
    free(w.files.v), free(w.files.used);
    return w.errors;
}

void cw_walk_list_free(cw_walk_list *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}
