/*
 * radix.h - LSD radix sort of 64-bit keys
 *
 * The one sort behind the rank metrics (lib/metrics.c) and the profiles
 * and drift statistics (lib/profile.c): both turn doubles into
 * order-preserving 64-bit keys, and sorting those is a few counting
 * passes. Only the bits that differ between the keys are sorted on, in as
 * few digits of at most MARE_RADIX_BITS bits as cover them (the buckets
 * of a digit stay in cache), every histogram from one read of the keys,
 * and a pass is skipped where every key has the same digit.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_RADIX_H
#define MARE_RADIX_H

#include <stddef.h>
#include <stdint.h>

#define MARE_RADIX_BITS	12	/* the widest digit */
/* Counters mare_radix_sort() needs: one bucket set per possible pass. */
#define MARE_RADIX_CNT \
	(((64 + MARE_RADIX_BITS - 1) / MARE_RADIX_BITS) << MARE_RADIX_BITS)

/*
 * Sort the n keys of a ascending, stably; b is scratch for n keys and
 * cnt for MARE_RADIX_CNT counters. diff is the OR of a[i] ^ a[0] over
 * the keys (the caller has it from building them; 0: all equal, nothing
 * to do). Returns a or b, whichever holds the sorted keys.
 */
uint64_t	*mare_radix_sort(uint64_t *a, uint64_t *b, size_t *cnt,
		    size_t n, uint64_t diff);

#endif /* MARE_RADIX_H */
