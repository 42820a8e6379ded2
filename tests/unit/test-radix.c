/*
 * test-radix.c - lib/radix.c against qsort() on keys of every shape
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "radix.h"
#include "tap.h"

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* xorshift64*: a fixed sequence, whatever the libc */
static uint64_t
next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

/*
 * n keys of the given shape sorted by mare_radix_sort() and by qsort():
 * the same keys in the same order.
 */
static void
check(const char *shape, size_t n, uint64_t mask, uint64_t base)
{
	uint64_t *a = malloc((n + 1) * sizeof(*a));
	uint64_t *b = malloc((n + 1) * sizeof(*b));
	uint64_t *want = malloc((n + 1) * sizeof(*want));
	size_t *cnt = malloc(MARE_RADIX_CNT * sizeof(*cnt));
	uint64_t s = 0x9e3779b97f4a7c15u ^ n, diff = 0, *r;
	size_t i;

	if (a == NULL || b == NULL || want == NULL || cnt == NULL) {
		ok(0, "%s, %zu keys: out of memory", shape, n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		a[i] = base | (next(&s) & mask);
		diff |= a[i] ^ a[0];
	}
	memcpy(want, a, n * sizeof(*a));
	qsort(want, n, sizeof(*want), cmp_u64);
	r = mare_radix_sort(a, b, cnt, n, diff);
	ok(r == a || r == b, "%s, %zu keys: the result is a or b", shape, n);
	ok(memcmp(r, want, n * sizeof(*r)) == 0, "%s, %zu keys: as qsort",
	    shape, n);
out:
	free(a);
	free(b);
	free(want);
	free(cnt);
}

int
main(void)
{
	static const size_t sizes[] = { 1, 2, 3, 100, 4097, 100000 };
	size_t k;

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		check("every bit", sizes[k], UINT64_MAX, 0);
		check("low 7 bits", sizes[k], 0x7f, UINT64_C(0xabc) << 40);
		check("high 5 bits", sizes[k], UINT64_C(0x1f) << 59, 0x1234);
		check("bits 13..30", sizes[k], UINT64_C(0x3ffff) << 13, 5);
		check("two values", sizes[k], UINT64_C(1) << 33, 0);
		check("all equal", sizes[k], 0, UINT64_C(0xfeed));
	}
	return tap_done();
}
