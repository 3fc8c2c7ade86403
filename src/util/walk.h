/* walk.h - the one directory walker of every command that reads a tree
 * (scan, classify).
 *
 * Each argument is expanded in order: '-' (standard input) and files named
 * on the command line are kept as given (a FIFO or /dev/fd/N named
 * explicitly is read: that is process substitution); directories are walked
 * recursively in sorted order. In a directory:
 *   - symbolic links are followed, to files and directories; a directory
 *     already walked (same device and inode: a link loop, a self-link, a bind
 *     mount seen twice) is not walked again, with a note;
 *   - a file reached twice (hard or symbolic links to one inode) is read once;
 *   - only regular files are taken: FIFOs, sockets and devices are skipped
 *     with a note (opening a FIFO would block forever);
 *   - a broken symbolic link is skipped with a note; a directory that cannot
 *     be opened is an error naming it;
 *   - names starting with '.' are skipped (hidden files and directories)
 *     unless `hidden` is set;
 *   - files that `want` rejects are skipped silently, files excluded by
 *     the globs likewise;
 *   - the files of `skip` (device, inode: the command's own output file) are
 *     skipped with a note.
 * Globs (glob.h, path mode) match the path relative to the walked directory:
 * a pattern with no '/' matches the file name at any depth. A directory that
 * matches an exclude glob is not entered. */
#ifndef CW_WALK_H
#define CW_WALK_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "diag.h"

typedef struct cw_walk_id {
    dev_t dev;
    ino_t ino;
} cw_walk_id;

typedef struct cw_walk_opts {
    /* file names to take from directories; NULL = every regular file */
    bool (*want)(const char *name, void *ctx);
    void *ctx;
    const char *const *include; /* NULL-terminated globs; NULL or empty = all */
    const char *const *exclude;
    const cw_walk_id *skip; /* files never taken from a directory */
    size_t nskip;
    const char *skip_why;   /* note text for a skipped one ("the output file") */
    int max_depth;          /* 0 = 64 */
    bool hidden;            /* also take names starting with '.' */
} cw_walk_opts;

typedef struct cw_walk_list {
    char **v;
    size_t n, cap;
    /* what was skipped, for a summary */
    size_t special, loops, duplicates, broken, unwanted;
} cw_walk_list;

/* Expand the inputs into files. Notes and errors (with the path) go to d.
 * Returns the number of errors added. */
size_t cw_walk(const char *const *inputs, size_t ninputs, const cw_walk_opts *o, cw_walk_list *out,
               cw_diags *d);
void cw_walk_list_free(cw_walk_list *l);
#endif
