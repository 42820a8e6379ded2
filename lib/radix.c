/*
 * radix.c - LSD radix sort of 64-bit keys
 *
 * See radix.h.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "radix.h"

uint64_t *
mare_radix_sort(uint64_t *a, uint64_t *b, size_t *cnt, size_t n,
    uint64_t diff)
{
	uint64_t *t;
	size_t *cp, i, p, sum, c, passes, nb;
	unsigned lo, hi, bits, sh;

	if (diff == 0 || n < 2)
		return a;
	for (lo = 0; !(diff >> lo & 1); lo++)
		;
	for (hi = 63; !(diff >> hi & 1); hi--)
		;
	passes = (hi - lo + MARE_RADIX_BITS) / MARE_RADIX_BITS;
	bits = (unsigned)((hi - lo + passes) / passes);
	nb = (size_t)1 << bits;
	memset(cnt, 0, passes * nb * sizeof(*cnt));
	for (i = 0; i < n; i++)
		for (p = 0; p < passes; p++)
			cnt[p * nb + ((a[i] >> (lo + p * bits)) & (nb - 1))]++;
	for (p = 0; p < passes; p++) {
		cp = cnt + p * nb;
		sh = lo + (unsigned)p * bits;
		if (cp[(a[0] >> sh) & (nb - 1)] == n)
			continue;	/* every key has this digit */
		for (sum = 0, i = 0; i < nb; i++) {
			c = cp[i];
			cp[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			b[cp[(a[i] >> sh) & (nb - 1)]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	return a;
}
