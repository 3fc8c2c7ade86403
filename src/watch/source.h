/* source.h - where watch's events come from: stdin (NDJSON), a directory
 * files are delivered into, and HTTP (libmicrohttpd). A source hands each
 * body (a line, a file, a request body) to an ingest function and
 * acknowledges it only when ingest says its effects are committed:
 *   stdin  nothing to acknowledge; bad lines are logged with their line
 *          number and skipped; drains and returns at end of input.
 *   dir    a file is picked up once complete: its size and modification time
 *          unchanged for settle ms (a rename into place is complete at once
 *          but is seen the same way), names starting with '.' or ending in
 *          .tmp/.part/.partial/.filepart skipped; after a commit it moves to
 *          DIR/done/, when nothing in it could be used to DIR/failed/ with
 *          NAME.reason beside it; when the store failed it stays and is tried
 *          again later.
 *   http   POST /events (2xx only after the commit; 400 with the place of
 *          what was wrong; 413 over the body limit, refused before reading
 *          when Content-Length says so; 503 when the store failed, so the
 *          sender retries), GET /healthz; idle connections closed after the
 *          timeout, a request not complete within the request deadline
 *          dropped, connections limited in number and per client address. */
#ifndef CW_WATCH_SOURCE_H
#define CW_WATCH_SOURCE_H
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    CW_INGEST_OK = 0,       /* committed (or nothing to commit): acknowledge */
    CW_INGEST_REJECTED = 1, /* nothing usable in it: do not send it again */
    CW_INGEST_RETRY = 2,    /* the store failed, or another node holds an account of it (node.h):
                               not committed, send it again */
} cw_ingest_status;

typedef struct cw_ingest_req {
    const char *origin; /* "stdin:12", "dir:FILE", "http:ADDR" */
    const char *path;   /* a file to read (dir), or NULL */
    const char *buf;    /* else the body */
    size_t len;
    uint32_t first_line; /* the body's first line in its input (stdin), 0 = 1 */
} cw_ingest_req;

typedef struct cw_ingest_result {
    cw_ingest_status status;
    unsigned long records, units, applied, duplicates, notices, bad;
    char msg[1024]; /* one line: a summary, or what was wrong and where */
    unsigned retry_after_s; /* RETRY: when to send it again (0 = the source's default) */
} cw_ingest_result;

typedef void (*cw_ingest_fn)(void *ctx, const cw_ingest_req *rq, cw_ingest_result *r);

typedef struct cw_source_ctl {
    volatile sig_atomic_t *stop; /* set: finish the body in hand and return */
    cw_ingest_fn ingest;
    void *ctx;
    size_t max_body;             /* bytes (0 = 16 MiB) */
    void (*idle)(void *idle_ctx); /* called between bodies and about every 100 ms while waiting (may be NULL) */
    void *idle_ctx;
    int (*healthy)(void *health_ctx); /* GET /healthz: 1 ok (may be NULL) */
    void (*health_json)(void *health_ctx, char *buf, size_t n); /* extra /healthz members (may be NULL) */
    void *health_ctx;
} cw_source_ctl;

/* ---- stdin --------------------------------------------------------------- */
/* Read NDJSON from fd until end of input or *stop. Lines longer than
 * max_body are logged and skipped. Returns the number of lines rejected. */
unsigned long cw_src_stdin_run(int fd, const cw_source_ctl *c);

/* ---- directory ------------------------------------------------------------ */
typedef struct cw_dirsrc cw_dirsrc;
/* Creates DIR/done and DIR/failed. NULL with *err (malloc'd). */
cw_dirsrc *cw_src_dir_open(const char *dir, int64_t settle_ms, char **err);
/* Look once; ingest the files that are complete, in name order. Returns how
 * many were handled. */
int cw_src_dir_poll(cw_dirsrc *d, const cw_source_ctl *c);
void cw_src_dir_close(cw_dirsrc *d);

/* ---- http ------------------------------------------------------------------ */
typedef struct cw_http_opts {
    unsigned idle_timeout_s;    /* 0 = 10 */
    unsigned request_timeout_s; /* whole request, 0 = 30 */
    unsigned max_connections;   /* 0 = 256 */
    unsigned per_ip;            /* 0 = 64 */
    unsigned threads;           /* request threads (0 = 16): bodies that arrive together are
                                   committed together (core.h: group commit) */
} cw_http_opts;
typedef struct cw_httpsrc cw_httpsrc;
/* addr "HOST:PORT" (IPv4 literal, [IPv6], or a name; port 0 = any free port).
 * Serves from its own thread; ingest is called from it. */
cw_httpsrc *cw_src_http_start(const char *addr, const cw_http_opts *o, const cw_source_ctl *c, char **err);
unsigned cw_src_http_port(const cw_httpsrc *h);
/* Stop accepting; wait for the requests in hand to finish. */
void cw_src_http_stop(cw_httpsrc *h);
#endif
