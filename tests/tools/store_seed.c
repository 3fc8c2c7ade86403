/* store_seed.c - test tool: write exposure windows and findings into a store
 * through the store's own interface (src/store), so tests of `investigate
 * --db` and `report --db` read a store written the way the monitor writes it.
 *
 *   store_seed DB < LINES
 *   window   RESOURCE TYPE ACCOUNT START END RULES     (END "-" = still open)
 *   finding  RESOURCE RULE SEVERITY CATEGORY STATUS TITLE...
 * Fields are separated by single tabs. Exit 0, or 1 with a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/store/store.h"
#include "../../src/util/timeutil.h"

static int64_t when(const char *s)
{
    if (strcmp(s, "-") == 0) return CW_TIME_UNKNOWN;
    int64_t t = cw_time_parse(s, strlen(s));
    if (t == CW_TIME_UNKNOWN) {
        fprintf(stderr, "store_seed: '%s' is not a time\n", s);
        exit(1);
    }
    return t;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: store_seed DB < LINES\n");
        return 1;
    }
    char *err = NULL;
    cw_store *st = cw_store_open(argv[1], 0, &err);
    if (!st) {
        fprintf(stderr, "store_seed: %s\n", err);
        return 1;
    }
    char line[4096];
    unsigned ln = 0;
    while (fgets(line, sizeof line, stdin)) {
        ln++;
        line[strcspn(line, "\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        char *f[8] = {0};
        int n = 0;
        for (char *p = line; p && n < 8; n++) {
            f[n] = p;
            p = n < 6 ? strchr(p, '\t') : NULL;
            if (p) *p++ = 0;
        }
        int rc;
        if (strcmp(f[0], "window") == 0 && n == 7) {
            cw_store_window w = {.resource = f[1], .resource_type = f[2], .account = f[3], .start_us = when(f[4]),
                                 .end_us = when(f[5]), .rules = f[6], .open_change = "seed"};
            w.close_change = w.end_us == CW_TIME_UNKNOWN ? NULL : "seed";
            rc = cw_store_put_window(st, &w, NULL);
        } else if (strcmp(f[0], "finding") == 0 && n == 7) {
            char fp[512];
            snprintf(fp, sizeof fp, "%s|%s", f[2], f[1]);
            cw_store_finding x = {.fingerprint = fp, .rule_id = f[2], .resource = f[1], .severity = f[3],
                                  .category = f[4], .status = f[5], .title = f[6], .first_seen_us = 0,
                                  .last_seen_us = 0, .resolved_us = CW_TIME_UNKNOWN, .open_change = "seed"};
            rc = cw_store_put_finding(st, &x);
        } else {
            fprintf(stderr, "store_seed: line %u: expected 'window' with 6 fields or 'finding' with 6\n", ln);
            return 1;
        }
        if (rc < 0) {
            fprintf(stderr, "store_seed: line %u: %s\n", ln, cw_store_error(st));
            return 1;
        }
    }
    cw_store_close(st);
    return 0;
}
