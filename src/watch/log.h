/* log.h - the monitor's log: one line per event on stderr,
 * "2026-12-07T13:40:01.123Z cloudwarden watch: LEVEL: message", written whole
 * (a line is never interleaved with another thread's). */
#ifndef CW_WATCH_LOG_H
#define CW_WATCH_LOG_H
void cw_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cw_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cw_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* 1: info lines are not written (warnings and errors are). */
void cw_log_quiet(int q);
#endif
