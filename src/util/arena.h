/* arena.h - bump allocator. Everything allocated from an arena lives until
 * cw_arena_free(); nothing is freed individually. One arena per scan (assets,
 * facts, findings) or per request.
 *
 * Out of memory is the one failure that ends the process, and only through
 * one handler (as Redis's zmalloc does): every allocation of the library goes
 * through cw_xmalloc & co or an arena, and a failure calls cw_oom(), which
 * runs the handler set with cw_set_oom_handler (the command line's exits 3)
 * or, by default, prints a message and aborts. Nothing else in the library
 * ends the process. */
#ifndef CW_ARENA_H
#define CW_ARENA_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cw_arena_block cw_arena_block;
typedef struct cw_arena {
    cw_arena_block *head;
    cw_arena_block *spare; /* blocks kept by cw_arena_reset for reuse */
    size_t block_size; /* default size of new blocks */
    size_t total;      /* bytes reserved from the system */
    unsigned long long gen; /* unique per init/free cycle (caches keyed on an arena use it) */
} cw_arena;

void cw_arena_init(cw_arena *a, size_t block_size); /* 0 = 64 KiB */
void cw_arena_free(cw_arena *a);                    /* frees all blocks; a is reusable after init */
/* Forget everything allocated, keeping the blocks of the default size for
 * reuse (a scratch arena refilled per batch: no new pages to fault in). */
void cw_arena_reset(cw_arena *a);
void *cw_arena_alloc(cw_arena *a, size_t n);        /* 16-byte aligned, uninitialised */
void *cw_arena_zalloc(cw_arena *a, size_t n);       /* zero-filled */
void *cw_arena_alloc_align(cw_arena *a, size_t n, size_t align); /* align: power of two <= 16 */
/* Grow an allocation: returns new memory with the first old_n bytes of p. */
void *cw_arena_realloc(cw_arena *a, void *p, size_t old_n, size_t new_n);
char *cw_arena_strndup(cw_arena *a, const char *s, size_t n); /* NUL-terminated copy */
char *cw_arena_strdup(cw_arena *a, const char *s);
char *cw_arena_printf(cw_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The out-of-memory handler: called with the size that failed; must not
 * return. NULL restores the default (message, abort). */
typedef void (*cw_oom_handler)(size_t bytes);
void cw_set_oom_handler(cw_oom_handler h);
#ifdef __cplusplus
[[noreturn]]
#else
_Noreturn
#endif
void cw_oom(size_t bytes);
/* Checked malloc family for non-arena memory: cw_oom() on failure. */
void *cw_xmalloc(size_t n);
void *cw_xcalloc(size_t n, size_t m);
void *cw_xrealloc(void *p, size_t n);
char *cw_xstrdup(const char *s);
#ifdef __cplusplus
}
#endif
#endif
