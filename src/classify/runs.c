/* runs.c - VIN tokens and digit runs by bit masks (see runs.h). */
#include "runs.h"

#include <pthread.h>
#include <string.h>

#include "../util/arena.h"
#include "patterns.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef struct masks {
    uint64_t d; /* [0-9] */
    uint64_t a; /* [0-9A-Za-z] */
    uint64_t s; /* [0-9 -] */
    uint64_t c; /* CSV specials: the delimiter, '\n', '"' (when asked for) */
    uint64_t at; /* '@' */
} masks;

static inline __attribute__((always_inline)) void classify64(const uint8_t *p, masks *m, bool csv, uint8_t delim)
{
#if defined(__SSE2__)
    uint64_t d = 0, a = 0, s = 0, cs = 0;
    const __m128i dl = _mm_set1_epi8((char)delim), nl = _mm_set1_epi8('\n'), qu = _mm_set1_epi8('"');
    const __m128i atc = _mm_set1_epi8('@');
    uint64_t at = 0;
    const __m128i lo0 = _mm_set1_epi8('0' - 1), hi9 = _mm_set1_epi8('9' + 1);
    const __m128i loa = _mm_set1_epi8('a' - 1), hiz = _mm_set1_epi8('z' + 1), c20 = _mm_set1_epi8(0x20);
    const __m128i sp = _mm_set1_epi8(' '), da = _mm_set1_epi8('-'), dt = _mm_set1_epi8('.');
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        /* signed compares: bytes >= 0x80 are negative, so neither digits nor letters */
        __m128i dv = _mm_and_si128(_mm_cmpgt_epi8(v, lo0), _mm_cmplt_epi8(v, hi9));
        __m128i l = _mm_or_si128(v, c20);
        __m128i av = _mm_and_si128(_mm_cmpgt_epi8(l, loa), _mm_cmplt_epi8(l, hiz));
        __m128i sv = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, da)), _mm_cmpeq_epi8(v, dt));
        d |= (uint64_t)(uint16_t)_mm_movemask_epi8(dv) << (16 * k);
        a |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(av, dv)) << (16 * k);
        s |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(sv, dv)) << (16 * k);
        at |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, atc)) << (16 * k);
        if (csv) {
            __m128i cv = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dl), _mm_cmpeq_epi8(v, nl)), _mm_cmpeq_epi8(v, qu));
            cs |= (uint64_t)(uint16_t)_mm_movemask_epi8(cv) << (16 * k);
        }
    }
    m->d = d;
    m->a = a;
    m->s = s;
    m->c = cs;
    m->at = at;
#else
    uint64_t d = 0, a = 0, s = 0, cs = 0, at = 0;
    for (int i = 0; i < 64; i++) {
        uint8_t c = p[i];
        uint64_t bit = 1ULL << i;
        bool isd = (uint8_t)(c - '0') < 10;
        bool isl = (uint8_t)((c | 0x20) - 'a') < 26;
        if (isd) d |= bit;
        if (isd || isl) a |= bit;
        if (isd || c == ' ' || c == '-' || c == '.') s |= bit;
        if (csv && (c == delim || c == '\n' || c == '"')) cs |= bit;
        if (c == '@') at |= bit;
    }
    m->d = d;
    m->a = a;
    m->s = s;
    m->c = cs;
    m->at = at;
#endif
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* classify64 with 32-byte vectors (the same masks) */
static inline __attribute__((always_inline, target("avx2"))) void classify64_avx2(const uint8_t *p, masks *m, bool csv,
                                                                                  uint8_t delim)
{
    uint64_t d = 0, a = 0, s = 0, cs = 0, at = 0;
    const __m256i lo0 = _mm256_set1_epi8('0' - 1), hi9 = _mm256_set1_epi8('9' + 1);
    const __m256i loa = _mm256_set1_epi8('a' - 1), hiz = _mm256_set1_epi8('z' + 1), c20 = _mm256_set1_epi8(0x20);
    const __m256i sp = _mm256_set1_epi8(' '), da = _mm256_set1_epi8('-'), atc = _mm256_set1_epi8('@'), dt = _mm256_set1_epi8('.');
    const __m256i dl = _mm256_set1_epi8((char)delim), nl = _mm256_set1_epi8('\n'), qu = _mm256_set1_epi8('"');
    for (int k = 0; k < 2; k++) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + 32 * k));
        /* signed compares: bytes >= 0x80 are negative, so neither digits nor letters */
        __m256i dv = _mm256_and_si256(_mm256_cmpgt_epi8(v, lo0), _mm256_cmpgt_epi8(hi9, v));
        __m256i l = _mm256_or_si256(v, c20);
        __m256i av = _mm256_and_si256(_mm256_cmpgt_epi8(l, loa), _mm256_cmpgt_epi8(hiz, l));
        __m256i sv = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, sp), _mm256_cmpeq_epi8(v, da)), _mm256_cmpeq_epi8(v, dt));
        d |= (uint64_t)(uint32_t)_mm256_movemask_epi8(dv) << (32 * k);
        a |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(av, dv)) << (32 * k);
        s |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(sv, dv)) << (32 * k);
        at |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, atc)) << (32 * k);
        if (csv) {
            __m256i cv = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, dl), _mm256_cmpeq_epi8(v, nl)),
                                         _mm256_cmpeq_epi8(v, qu));
            cs |= (uint64_t)(uint32_t)_mm256_movemask_epi8(cv) << (32 * k);
        }
    }
    m->d = d;
    m->a = a;
    m->s = s;
    m->c = cs;
    m->at = at;
}
#endif

/* bit j of the result: bit j-k of the stream (cur holds bits 0..63 of this block,
 * prev those of the block before); 1 <= k <= 63 */
#define SH(cur, prev, k) (((cur) << (k)) | ((prev) >> (64 - (k))))

static uint8_t vin_tab[256];
static void vin_tab_init(void)
{
    for (int c = '0'; c <= '9'; c++) vin_tab[c] = 1;
    for (int c = 'A'; c <= 'Z'; c++) vin_tab[c] = c != 'I' && c != 'O' && c != 'Q';
}
static const uint8_t *vin_chars(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT; /* runs share it */
    pthread_once(&once, vin_tab_init);
    return vin_tab;
}

static inline void push(uint32_t **hits, size_t *n, size_t *cap, uint32_t v)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 65536;
        *hits = cw_xrealloc(*hits, *cap * sizeof **hits);
    }
    (*hits)[(*n)++] = v;
}

static const uint8_t email_local[256] = {
    ['.'] = 1, ['_'] = 1, ['%'] = 1, ['+'] = 1, ['-'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
    ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
    ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
    ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

#define RUNS_NAME runs_scan_base
#define RUNS_ATTR
#define RUNS_CLASSIFY classify64
#include "runs_body.h"
#undef RUNS_NAME
#undef RUNS_ATTR
#undef RUNS_CLASSIFY

#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_AVX2_PATH 1
#define RUNS_AVX2_FN runs_scan_avx2
#define RUNS_NAME runs_scan_avx2
#define RUNS_ATTR __attribute__((target("avx2")))
#define RUNS_CLASSIFY classify64_avx2
#include "runs_body.h"
#undef RUNS_NAME
#undef RUNS_ATTR
#undef RUNS_CLASSIFY
#else
#define RUNS_AVX2_FN runs_scan_base /* not chosen: no AVX2 path */
#endif

typedef void runs_fn(const uint8_t *, size_t, uint32_t **, size_t *, size_t *, bool, uint8_t, uint64_t *);

static runs_fn *runs_fn_cur;

static runs_fn *runs_impl(void)
{
    runs_fn *fn = __atomic_load_n(&runs_fn_cur, __ATOMIC_RELAXED); /* threads may race here: same value */
    if (!fn) {
        cw_runs_use_avx2(true);
        fn = __atomic_load_n(&runs_fn_cur, __ATOMIC_RELAXED);
    }
    return fn;
}

bool cw_runs_use_avx2(bool on)
{
#ifdef HAVE_AVX2_PATH
    bool avx2 = on && __builtin_cpu_supports("avx2");
#else
    bool avx2 = false;
    (void)on;
#endif
    __atomic_store_n(&runs_fn_cur, avx2 ? RUNS_AVX2_FN : runs_scan_base, __ATOMIC_RELAXED);
    return avx2;
}

static void runs_scan(const uint8_t *b, size_t n, uint32_t **hits, size_t *nhits, size_t *caphits, bool csv,
                      uint8_t delim, uint64_t *map)
{
    runs_impl()(b, n, hits, nhits, caphits, csv, delim, map);
}

void cw_runs_scan(const uint8_t *b, size_t n, uint32_t **hits, size_t *nhits, size_t *caphits)
{
    runs_scan(b, n, hits, nhits, caphits, false, 0, NULL);
}

void cw_runs_scan_csv(const uint8_t *b, size_t n, uint32_t **hits, size_t *nhits, size_t *caphits, char delim,
                      uint64_t *map)
{
    runs_scan(b, n, hits, nhits, caphits, true, (uint8_t)delim, map);
}
