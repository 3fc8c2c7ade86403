/* src_stdin.c - NDJSON on a file descriptor (see source.h). */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../util/arena.h"
#include "log.h"
#include "source.h"

static void one_line(const cw_source_ctl *c, const char *p, size_t n, unsigned long line, unsigned long *bad)
{
    /* blank lines (and a trailing CR) are not records */
    while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
    size_t s = 0;
    while (s < n && (p[s] == ' ' || p[s] == '\t')) s++;
    if (s == n) return;
    cw_ingest_req rq = {"stdin", NULL, p + s, n - s, (uint32_t)line};
    cw_ingest_result r;
    memset(&r, 0, sizeof r);
    c->ingest(c->ctx, &rq, &r);
    if (r.status != CW_INGEST_OK) (*bad)++;
}

unsigned long cw_src_stdin_run(int fd, const cw_source_ctl *c)
{
    size_t max = c->max_body ? c->max_body : 16u << 20;
    size_t cap = 1 << 16, len = 0;
    char *buf = cw_xmalloc(cap);
    unsigned long line = 1, bad = 0;
    bool skipping = false; /* inside a line over the limit */
    unsigned long skip_line = 0;
    for (;;) {
        if (c->stop && *c->stop) break;
        struct pollfd pfd = {fd, POLLIN, 0};
        int pr = poll(&pfd, 1, 100);
        if (pr < 0 && errno != EINTR) {
            cw_log_error("stdin: %s", strerror(errno));
            break;
        }
        if (pr <= 0) {
            if (c->idle) c->idle(c->idle_ctx);
            continue;
        }
        if (len == cap) {
            cap *= 2;
            buf = cw_xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            cw_log_error("stdin: %s", strerror(errno));
            break;
        }
        bool eof = r == 0;
        len += (size_t)r;
        size_t start = 0;
        for (;;) {
            char *nl = memchr(buf + start, '\n', len - start);
            if (!nl) break;
            size_t n = (size_t)(nl - (buf + start));
            if (skipping) {
                skipping = false;
            } else {
                one_line(c, buf + start, n, line, &bad);
            }
            line++;
            start += n + 1;
            if (c->stop && *c->stop) break;
        }
        memmove(buf, buf + start, len - start);
        len -= start;
        if (len > max && !skipping) {
            cw_log_warn("stdin:%lu: a line longer than %zu bytes (the body limit): skipped", line, max);
            skipping = true;
            skip_line = line;
            bad++;
        }
        if (skipping) len = 0; /* drop what we have of the long line */
        if (eof) {
            if (len && !skipping) one_line(c, buf, len, line, &bad);
            break;
        }
        if (c->idle) c->idle(c->idle_ctx);
    }
    (void)skip_line;
    free(buf);
    return bad;
}
