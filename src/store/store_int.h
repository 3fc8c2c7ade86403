/* store_int.h - what the store's files share (internal to src/store/). */
#ifndef CW_STORE_INT_H
#define CW_STORE_INT_H
#include "db.h"
#include "store.h"
#include "../cli/cli.h" /* CW_VERSION: recorded as the store's writer */

#define CW_STORE_TOOL_VERSION CW_VERSION

struct cw_store {
    cw_db *db;
    int pg;       /* PostgreSQL back end */
    int readonly; /* opened with CW_STORE_READONLY */
    int newer;    /* refused: written by a newer version */
    char *location;
};

/* One statement through the back end (refused on a read-only store unless a SELECT). */
int cw_store_exec(cw_store *st, const char *sql, const cw_dbval *args, size_t nargs, cw_db_row_fn fn, void *ctx,
                  int64_t *changes);
#endif
