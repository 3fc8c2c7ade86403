/* engine_deps.c - which assets read which (the affected set of a change). */
#include <stdlib.h>

#include "engine_int.h"

struct cw_deps {
    size_t bytes;
};

void cw_deps_free(cw_deps *x) { free(x); }
size_t cw_deps_bytes(const cw_deps *x) { return x ? x->bytes : 0; }
