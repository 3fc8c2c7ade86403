/* no_threads.c - LD_PRELOAD shim for tests: every pthread_create fails with
 * EAGAIN, as when a process hits its thread limit. cloudwarden must then run
 * every stage on the calling thread and produce the same findings
 * (tests/cli/threads.py). A test hook outside the production code. */
#include <errno.h>
#include <pthread.h>

int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    (void)th, (void)attr, (void)fn, (void)arg;
    return EAGAIN;
}
