/* runs.c - VIN tokens and digit runs by bit masks (see runs.h). */
#include "runs.h"

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
} masks;

static inline __attribute__((always_inline)) void classify64(const uint8_t *p, masks *m, bool csv, uint8_t delim)
{
#if defined(__SSE2__)
    uint64_t d = 0, a = 0, s = 0, cs = 0;
    const __m128i dl = _mm_set1_epi8((char)delim), nl = _mm_set1_epi8('\n'), qu = _mm_set1_epi8('"');
    const __m128i lo0 = _mm_set1_epi8('0' - 1), hi9 = _mm_set1_epi8('9' + 1);
    const __m128i loa = _mm_set1_epi8('a' - 1), hiz = _mm_set1_epi8('z' + 1), c20 = _mm_set1_epi8(0x20);
    const __m128i sp = _mm_set1_epi8(' '), da = _mm_set1_epi8('-');
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        /* signed compares: bytes >= 0x80 are negative, so neither digits nor letters */
        __m128i dv = _mm_and_si128(_mm_cmpgt_epi8(v, lo0), _mm_cmplt_epi8(v, hi9));
        __m128i l = _mm_or_si128(v, c20);
        __m128i av = _mm_and_si128(_mm_cmpgt_epi8(l, loa), _mm_cmplt_epi8(l, hiz));
        __m128i sv = _mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, da));
        d |= (uint64_t)(uint16_t)_mm_movemask_epi8(dv) << (16 * k);
        a |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(av, dv)) << (16 * k);
        s |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(sv, dv)) << (16 * k);
        if (csv) {
            __m128i cv = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dl), _mm_cmpeq_epi8(v, nl)), _mm_cmpeq_epi8(v, qu));
            cs |= (uint64_t)(uint16_t)_mm_movemask_epi8(cv) << (16 * k);
        }
    }
    m->d = d;
    m->a = a;
    m->s = s;
    m->c = cs;
#else
    uint64_t d = 0, a = 0, s = 0, cs = 0;
    for (int i = 0; i < 64; i++) {
        uint8_t c = p[i];
        uint64_t bit = 1ULL << i;
        bool isd = (uint8_t)(c - '0') < 10;
        bool isl = (uint8_t)((c | 0x20) - 'a') < 26;
        if (isd) d |= bit;
        if (isd || isl) a |= bit;
        if (isd || c == ' ' || c == '-') s |= bit;
        if (csv && (c == delim || c == '\n' || c == '"')) cs |= bit;
    }
    m->d = d;
    m->a = a;
    m->s = s;
    m->c = cs;
#endif
}

/* bit j of the result: bit j-k of the stream (cur holds bits 0..63 of this block,
 * prev those of the block before); 1 <= k <= 63 */
#define SH(cur, prev, k) (((cur) << (k)) | ((prev) >> (64 - (k))))

static const uint8_t *vin_chars(void)
{
    static uint8_t t[256];
    static int init;
    if (!init) {
        for (int c = '0'; c <= '9'; c++) t[c] = 1;
        for (int c = 'A'; c <= 'Z'; c++) t[c] = c != 'I' && c != 'O' && c != 'Q';
        init = 1;
    }
    return t;
}

static inline void push(uint32_t **hits, size_t *n, size_t *cap, uint32_t v)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 65536;
        *hits = cw_xrealloc(*hits, *cap * sizeof **hits);
    }
    (*hits)[(*n)++] = v;
}

static inline __attribute__((always_inline)) void runs_scan(const uint8_t *b, size_t n, uint32_t **hits,
                                                             size_t *nhits, size_t *caphits, bool csv, uint8_t delim,
                                                             uint64_t *map)
{
    const uint8_t *vc = vin_chars();
    /* previous block's masks (the bytes before b[0] count as none of the classes) */
    uint64_t pA = 0, pT1 = 0, pT2 = 0, pT4 = 0, pT17 = 0;
    uint64_t pD = 0, pS = 0, pU1 = 0, pU2 = 0, pU8 = 0;
    uint8_t tail[64];
    for (size_t base = 0; base < n; base += 64) {
        masks m;
        if (n - base >= 64) {
            classify64(b + base, &m, csv, delim);
        } else {
            memset(tail, 0, sizeof tail);
            memcpy(tail, b + base, n - base);
            classify64(tail, &m, csv, delim);
            if (csv) m.c &= (1ULL << (n - base)) - 1; /* the padding is not input */
        }
        if (csv) map[base >> 6] = m.c;
        /* VIN: 17 alphanumerics ending at j-1, a non-alphanumeric at j and at j-18 */
        uint64_t A = m.a;
        uint64_t T1 = A & SH(A, pA, 1);
        uint64_t T2 = T1 & SH(T1, pT1, 2);
        uint64_t T4 = T2 & SH(T2, pT2, 4);
        uint64_t T8 = T4 & SH(T4, pT4, 8);
        uint64_t T17 = T8 & SH(A, pA, 16);
        uint64_t V = ~A & SH(T17, pT17, 1) & ~SH(A, pA, 18);
        /* digit runs: a non-digit at j after a digit, the 8 bytes before all digit,
         * space or dash */
        uint64_t D = m.d, S = m.s;
        uint64_t U1 = S & SH(S, pS, 1);
        uint64_t U2 = U1 & SH(U1, pU1, 2);
        uint64_t U8 = U2 & SH(U2, pU2, 4);
        uint64_t R = ~D & SH(D, pD, 1) & SH(U8, pU8, 1);
        pA = A, pT1 = T1, pT2 = T2, pT4 = T4, pT17 = T17;
        pD = D, pS = S, pU1 = U1, pU2 = U2, pU8 = U8;
        uint64_t all = V | R;
        if (n - base < 64) all &= (1ULL << (n - base)) - 1; /* the terminator must be a real byte */
        while (all) {
            unsigned j = (unsigned)__builtin_ctzll(all);
            all &= all - 1;
            size_t p = base + j;
            if ((V >> j) & 1) {
                const uint8_t *v = b + p - 17;
                bool ok = true;
                for (int k = 0; k < 17; k++) ok &= vc[v[k]] != 0;
                if (ok) push(hits, nhits, caphits, (uint32_t)(p << 3) | CW_T_VIN);
            }
            if ((R >> j) & 1) {
                /* the run's first digit must be at p-8 or before: walk back over spaces
                 * and dashes when the byte at p-8 is not a digit */
                size_t q = p - 8;
                while (!((uint8_t)(b[q] - '0') < 10)) {
                    if (q == 0 || !(b[q - 1] == ' ' || b[q - 1] == '-' || (uint8_t)(b[q - 1] - '0') < 10)) break;
                    q--;
                }
                if ((uint8_t)(b[q] - '0') < 10) push(hits, nhits, caphits, (uint32_t)((p + 1) << 3) | CW_T_DIGITS);
            }
        }
    }
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
