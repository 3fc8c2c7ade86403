/* log.c - see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <unistd.h>

#include "../util/strbuf.h"
#include "../util/timeutil.h"

static int quiet;

void cw_log_quiet(int q)
{
    quiet = q;
}

static void vlog(const char *level, const char *fmt, va_list ap)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    int64_t us = (int64_t)tv.tv_sec * 1000000 + (tv.tv_usec / 1000) * 1000;
    char ts[40];
    cw_time_format(us, ts, sizeof ts);
    cw_strbuf sb;
    cw_sb_init(&sb);
    cw_sb_printf(&sb, "%s cloudwarden watch: %s: ", ts, level);
    cw_sb_vprintf(&sb, fmt, ap);
    cw_sb_addc(&sb, '\n');
    /* one write(2): whole lines even with several threads */
    ssize_t w = write(STDERR_FILENO, sb.buf, sb.len);
    (void)w;
    cw_sb_free(&sb);
}

void cw_log_info(const char *fmt, ...)
{
    if (quiet) return;
    va_list ap;
    va_start(ap, fmt);
    vlog("info", fmt, ap);
    va_end(ap);
}

void cw_log_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("warning", fmt, ap);
    va_end(ap);
}

void cw_log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("error", fmt, ap);
    va_end(ap);
}
