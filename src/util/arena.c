#include "arena.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

struct cw_arena_block {
    cw_arena_block *next;
    size_t size, used;
    size_t mapped; /* bytes mapped with mmap (0: from malloc) */
    int standard;  /* a block of the arena's block size (kept by cw_arena_reset) */
    _Alignas(16) unsigned char data[];
};

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif
#define HUGE_PAGE ((size_t)2 << 20)
#define GROWN_BLOCK ((size_t)4 << 20) /* block size of an arena past GROW_AT */
#define GROW_AT ((size_t)16 << 20)

/* Big blocks are mapped in whole, aligned 2 MiB huge pages (transparent huge
 * pages, asked for with madvise) and populated up front. A model of millions
 * of assets fills GiBs that every stage walks in no useful order: with 4 KiB
 * pages nearly every access missed the TLB and, past a few hundred MiB, the
 * page tables missed the caches too, so time per asset grew with the estate
 * (2,000,000 items took 45x the time of 200,000). One fault per 2 MiB
 * instead of per 4 KiB also removes most of the kernel time. Where the kernel
 * has no huge pages the block is simply a populated mapping. The mapping's
 * whole length less the header is usable (*usable, which may be the header's
 * size less than asked). Small blocks come from malloc. */
static cw_arena_block *block_alloc(size_t bytes, size_t *usable)
{
    if (bytes >= HUGE_PAGE) {
        /* the header shares the first page: a block of 4 MiB (and its
         * header) is 4 MiB, not 6 */
        size_t len = (bytes - sizeof(cw_arena_block) + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
        unsigned char *m = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m != MAP_FAILED) {
            uintptr_t at = ((uintptr_t)m + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
            unsigned char *start = (unsigned char *)at;
            if (start > m) munmap(m, (size_t)(start - m));
            if (start + len < m + len + HUGE_PAGE) munmap(start + len, (size_t)(m + len + HUGE_PAGE - (start + len)));
            (void)madvise(start, len, MADV_HUGEPAGE);
            if (madvise(start, len, MADV_POPULATE_WRITE) != 0) {
                /* older kernels: one touch per page (a fault per huge page where there are some) */
                for (size_t o = 0; o < len; o += 4096) start[o] = 0;
            }
            cw_arena_block *b = (cw_arena_block *)(void *)start;
            b->mapped = len;
            *usable = len - sizeof *b;
            return b;
        }
    }
    cw_arena_block *b = malloc(bytes);
    if (b) b->mapped = 0;
    *usable = bytes - sizeof *b;
    return b;
}

static void block_free(cw_arena_block *b)
{
    if (b->mapped) munmap(b, b->mapped);
    else free(b);
}

static _Atomic(cw_oom_handler) oom_handler;

void cw_set_oom_handler(cw_oom_handler h) { oom_handler = h; }

_Noreturn void cw_oom(size_t n)
{
    cw_oom_handler h = oom_handler;
    if (h) h(n);
    fprintf(stderr, "cloudwarden: internal error: out of memory allocating %zu bytes\n", n);
    abort();
}


/* Big tables and arrays (the indexes of millions of assets, the findings
 * and their sort keys) get huge pages too, for the same reason as big arena
 * blocks: the whole 2 MiB pages inside the allocation are advised, and the
 * kernel backs them with huge pages as they are touched (glibc serves these
 * sizes with mmap, so the advice goes with the allocation when it is freed;
 * realloc advises the new range). */
#define BIG_ALLOC ((size_t)4 << 20)
static void *advise_big(void *p, size_t n)
{
    if (p && n >= BIG_ALLOC) {
        uintptr_t s = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
        uintptr_t e = ((uintptr_t)p + n) & ~(uintptr_t)(HUGE_PAGE - 1);
        if (e > s) (void)madvise((void *)s, e - s, MADV_HUGEPAGE);
    }
    return p;
}

void *cw_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) cw_oom(n);
    return advise_big(p, n);
}
void *cw_xcalloc(size_t n, size_t m)
{
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (!p) cw_oom(n * m);
    return m && n > SIZE_MAX / m ? p : advise_big(p, n * m);
}
void *cw_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) cw_oom(n);
    return advise_big(q, n);
}
char *cw_xstrdup(const char *s)
{
    size_t n = strlen(s);
    char *p = cw_xmalloc(n + 1);
    memcpy(p, s, n + 1);
    return p;
}

static _Atomic unsigned long long arena_gen;

void cw_arena_init(cw_arena *a, size_t block_size)
{
    a->gen = ++arena_gen;
    a->head = NULL;
    a->spare = NULL;
    a->block_size = block_size ? block_size : 64 * 1024;
    a->total = 0;
}

void cw_arena_free(cw_arena *a)
{
    for (int list = 0; list < 2; list++) {
        cw_arena_block *b = list ? a->spare : a->head;
        while (b) {
            cw_arena_block *n = b->next;
            block_free(b);
            b = n;
        }
    }
    a->head = a->spare = NULL;
    a->total = 0;
    a->gen = ++arena_gen;
}

void cw_arena_reset(cw_arena *a)
{
    cw_arena_block *b = a->head;
    while (b) {
        cw_arena_block *n = b->next;
        if (b->standard) {
            b->used = 0;
            b->next = a->spare;
            a->spare = b;
        } else {
            a->total -= b->size;
            block_free(b);
        }
        b = n;
    }
    a->head = NULL;
    a->gen = ++arena_gen; /* caches keyed on the arena forget its strings */
}

void *cw_arena_alloc(cw_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    cw_arena_block *b = a->head;
    if (b) { /* re-align after byte-aligned strings */
        b->used = (b->used + 15) & ~(size_t)15;
        if (b->used > b->size) b->used = b->size;
    }
    if (!b || b->size - b->used < n) {
        size_t sz = a->block_size;
        /* an arena of small blocks that has grown big (the facts, the
         * findings' evidence of a large estate) goes on in huge-page blocks:
         * in small malloc'd blocks every 4 KiB page is a fault, and under a
         * hypervisor a fault costs more than the page's use */
        if (sz < GROWN_BLOCK && a->total >= GROW_AT) sz = GROWN_BLOCK;
        if (n > sz / 4) {
            /* big allocation: own block, put behind head so head keeps its free space */
            cw_arena_block *nb = cw_xmalloc(sizeof *nb + n);
            nb->mapped = 0;
            nb->standard = 0;
            nb->size = n;
            nb->used = n;
            a->total += n;
            if (b) {
                nb->next = b->next;
                b->next = nb;
            } else {
                nb->next = NULL;
                a->head = nb;
            }
            return nb->data;
        }
        cw_arena_block *nb = a->spare;
        if (nb) {
            a->spare = nb->next;
        } else {
            size_t usable;
            nb = block_alloc(sizeof *nb + sz, &usable);
            if (!nb) cw_oom(sz);
            nb->size = usable;
            nb->standard = 1;
            a->total += usable;
        }
        nb->used = 0;
        nb->next = b;
        a->head = nb;
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

void *cw_arena_zalloc(cw_arena *a, size_t n)
{
    void *p = cw_arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

void *cw_arena_realloc(cw_arena *a, void *p, size_t old_n, size_t new_n)
{
    if (new_n <= old_n) return p;
    cw_arena_block *b = a->head;
    size_t old_al = (old_n + 15) & ~(size_t)15;
    /* extend in place when p is the last allocation of the head block */
    if (p && b && (unsigned char *)p + old_al == b->data + b->used) {
        size_t new_al = (new_n + 15) & ~(size_t)15;
        if (b->size - b->used + old_al >= new_al) {
            b->used += new_al - old_al;
            return p;
        }
    }
    void *q = cw_arena_alloc(a, new_n);
    if (p && old_n) memcpy(q, p, old_n);
    return q;
}

/* Byte-aligned allocation for strings: packs short strings tightly. */
static char *alloc_bytes(cw_arena *a, size_t n)
{
    cw_arena_block *b = a->head;
    if (b && b->size - b->used >= n) {
        char *p = (char *)b->data + b->used;
        b->used += n;
        return p;
    }
    return cw_arena_alloc(a, n);
}

void *cw_arena_alloc_align(cw_arena *a, size_t n, size_t align)
{
    cw_arena_block *b = a->head;
    if (b) {
        size_t at = (b->used + align - 1) & ~(align - 1);
        if (at <= b->size && b->size - at >= n) {
            b->used = at + n;
            return b->data + at;
        }
    }
    return cw_arena_alloc(a, n); /* 16-aligned */
}

char *cw_arena_strndup(cw_arena *a, const char *s, size_t n)
{
    char *p = alloc_bytes(a, n + 1);
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *cw_arena_strdup(cw_arena *a, const char *s)
{
    return cw_arena_strndup(a, s, strlen(s));
}

/* Formats made only of text, %s and integer conversions (%d %u %zu %lld,
 * no flags or widths: the reason sentences analyzers write for every
 * resource) without vsnprintf's machinery (was ~2% of a scan's
 * instructions). Returns NULL when fmt has anything else. A NULL string
 * prints as glibc prints it. */
#define PS_MAX 16
static size_t fmt_uint(char *out, unsigned long long v, bool neg)
{
    char t[24];
    size_t n = 0;
    do t[n++] = (char)('0' + v % 10), v /= 10;
    while (v);
    size_t k = 0;
    if (neg) out[k++] = '-';
    while (n) out[k++] = t[--n];
    return k;
}

static char *printf_fast(cw_arena *a, const char *fmt, va_list ap)
{
    enum { C_S, C_D, C_U, C_ZU, C_LLD };
    unsigned char conv[PS_MAX];
    int k = 0;
    size_t n = 0;
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            const char *e = strchrnul(f, '%');
            n += (size_t)(e - f);
            f = e - 1;
            continue;
        }
        int c;
        if (f[1] == '%') {
            n++, f++;
            continue;
        } else if (f[1] == 's') c = C_S, f += 1;
        else if (f[1] == 'd') c = C_D, f += 1;
        else if (f[1] == 'u') c = C_U, f += 1;
        else if (f[1] == 'z' && f[2] == 'u') c = C_ZU, f += 2;
        else if (f[1] == 'l' && f[2] == 'l' && f[3] == 'd') c = C_LLD, f += 3;
        else return NULL;
        if (k == PS_MAX) return NULL;
        conv[k++] = (unsigned char)c;
    }
    const char *args[PS_MAX];
    size_t lens[PS_MAX];
    char nums[PS_MAX][24];
    for (int i = 0; i < k; i++) {
        long long v = 0;
        unsigned long long u = 0;
        switch (conv[i]) {
        case C_S:
            args[i] = va_arg(ap, const char *);
            if (!args[i]) args[i] = "(null)";
            lens[i] = strlen(args[i]);
            break;
        case C_D: v = va_arg(ap, int); goto sgn;
        case C_LLD: v = va_arg(ap, long long);
        sgn:
            u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
            lens[i] = fmt_uint(nums[i], u, v < 0), args[i] = nums[i];
            break;
        case C_U: u = va_arg(ap, unsigned); goto uns;
        case C_ZU: u = va_arg(ap, size_t);
        uns:
            lens[i] = fmt_uint(nums[i], u, false), args[i] = nums[i];
            break;
        }
        n += lens[i];
    }
    char *p = alloc_bytes(a, n + 1), *o = p;
    k = 0;
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            const char *e = strchrnul(f, '%');
            memcpy(o, f, (size_t)(e - f));
            o += e - f;
            f = e - 1;
        } else if (f[1] == '%') {
            *o++ = '%', f++;
        } else {
            memcpy(o, args[k], lens[k]);
            f += conv[k] == C_ZU ? 2 : conv[k] == C_LLD ? 3 : 1;
            o += lens[k++];
        }
    }
    *o = 0;
    return p;
}

char *cw_arena_printf(cw_arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    char *fast = printf_fast(a, fmt, ap);
    va_end(ap);
    if (fast) {
        va_end(ap2);
        return fast;
    }
    va_list ap3;
    va_copy(ap3, ap2);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap2); /* most strings fit: one pass */
    va_end(ap2);
    if (n < 0) n = 0;
    char *p = alloc_bytes(a, (size_t)n + 1);
    if ((size_t)n < sizeof small) memcpy(p, small, (size_t)n + 1);
    else vsnprintf(p, (size_t)n + 1, fmt, ap3);
    va_end(ap3);
    return p;
}
