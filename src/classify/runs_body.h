/* runs_body.h - the block loop of runs.c, compiled once per instruction set: runs.c
 * defines RUNS_NAME, RUNS_ATTR (function attributes) and RUNS_CLASSIFY (the 64-byte
 * classifier) and includes this file once for each. Not a public header. */
static RUNS_ATTR void RUNS_NAME(const uint8_t *b, size_t n, uint32_t **hits, size_t *nhits, size_t *caphits,
                               bool csv, uint8_t delim, uint64_t *map)
{
    const uint8_t *vc = vin_chars();
    /* previous block's masks (the bytes before b[0] count as none of the classes) */
    uint64_t pA = 0, pT1 = 0, pT2 = 0, pT4 = 0, pT17 = 0;
    uint64_t pD = 0, pS = 0, pU1 = 0, pU2 = 0, pU8 = 0, pAT = 0;
    uint8_t tail[64];
    for (size_t base = 0; base < n; base += 64) {
        masks m;
        if (n - base >= 64) {
            RUNS_CLASSIFY(b + base, &m, csv, delim);
        } else {
            memset(tail, 0, sizeof tail);
            memcpy(tail, b + base, n - base);
            RUNS_CLASSIFY(tail, &m, csv, delim);
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
        /* e-mail: an alphanumeric at j after '@' at j-1 (the byte at j-2 is checked below) */
        uint64_t E = A & SH(m.at, pAT, 1);
        pA = A, pT1 = T1, pT2 = T2, pT4 = T4, pT17 = T17;
        pD = D, pS = S, pU1 = U1, pU2 = U2, pU8 = U8, pAT = m.at;
        uint64_t all = V | R | E;
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
                    /* "(0572) 8625055": the run may continue inside a bracketed area code */
                    if (q == 0 || !(b[q - 1] == ' ' || b[q - 1] == '-' || b[q - 1] == '.' || b[q - 1] == ')' ||
                                    (uint8_t)(b[q - 1] - '0') < 10))
                        break;
                    q--;
                }
                if ((uint8_t)(b[q] - '0') < 10) push(hits, nhits, caphits, (uint32_t)((p + 1) << 3) | CW_T_DIGITS);
            }
            if (((E >> j) & 1) && p >= 2 && email_local[b[p - 2]])
                push(hits, nhits, caphits, (uint32_t)((p + 1) << 3) | CW_T_EMAIL);
        }
    }
}
