/* runs.h - the byte-class triggers of stage 1, found without Vectorscan: VIN-shaped
 * tokens (exactly 17 letters and digits between non-alphanumerics, all VIN
 * characters), the ends of digit runs ([0-9][0-9 -]{6,}[0-9] followed by a
 * non-digit) and e-mail triggers ([A-Za-z0-9._%+-]@[A-Za-z0-9]). A bounded repeat of
 * a dense character class is the slowest thing a regex engine can be asked to scan
 * for; here each 64-byte block is classified with SIMD compares into bit masks
 * (digit, alphanumeric, digit/space/dash, '@'), and runs are found by shifting and
 * AND-ing masks, with the previous block's masks carried in.
 *
 * Hits use the same encoding and end offsets as the Vectorscan triggers they replace
 * (patterns.h): (to << 3) | CW_T_VIN with `to` just past the 17th character,
 * (to << 3) | CW_T_DIGITS with `to` just past the non-digit that ends the run, and
 * (to << 3) | CW_T_EMAIL with `to` just past the byte after '@'. With AVX2 (checked
 * at run time) a block is classified in two 32-byte halves, else in four SSE2 16-byte
 * quarters: the same masks. */
#ifndef CW_CLS_RUNS_H
#define CW_CLS_RUNS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Appends the hits of b[0..n) to *hits (grown with cw_xrealloc), in end order. */
void cw_runs_scan(const uint8_t *b, size_t n, uint32_t **hits, size_t *nhits, size_t *caphits);
/* Same, and in the same pass the CSV bitmap: bit i of map[i / 64] is set when b[i] is
 * delim, '\n' or '"' (map holds (n + 63) / 64 words), so the CSV tracker finds the next
 * delimiter, line end or quote by a bit scan instead of reading every byte. */
/* Use the AVX2 path when on and the CPU has AVX2 (the default), else SSE2; returns
 * whether AVX2 is used. For tests: both paths give the same hits and maps. Call
 * before scanning (not while another thread scans). */
bool cw_runs_use_avx2(bool on);
void cw_runs_scan_csv(const uint8_t *b, size_t n, uint32_t **hits, size_t *nhits, size_t *caphits, char delim,
                      uint64_t *map);
#endif
