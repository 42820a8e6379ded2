/*
 * rng.c - xoshiro256** and splitmix64 (Blackman & Vigna, public domain
 * reference code, rewritten here)
 *
 * The 64x64->128-bit multiply of Lemire's method is done by hand with
 * 32-bit halves so that the code stays ISO C11 without __int128.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>

#include "rng.h"

#define SPLITMIX_GAMMA	UINT64_C(0x9E3779B97F4A7C15)

uint64_t
mare_rng_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static uint64_t
splitmix64(uint64_t *state)
{
	*state += SPLITMIX_GAMMA;
	return mare_rng_mix64(*state);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void
mare_rng_init(struct mare_rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

void
mare_rng_init_keyed(struct mare_rng *r, uint64_t seed, uint64_t key)
{
	uint64_t sm = seed;
	int i;

	sm = splitmix64(&sm) ^ key;
	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&sm);
}

uint64_t
mare_rng_keyed_u64(uint64_t seed, uint64_t key)
{
	uint64_t sm = seed;

	/* xoshiro256**'s first output reads only s[1], splitmix's 2nd word */
	sm = splitmix64(&sm) ^ key;
	sm += 2 * SPLITMIX_GAMMA;
	return rotl(mare_rng_mix64(sm) * 5, 7) * 9;
}

uint64_t
mare_rng_u64(struct mare_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double
mare_rng_uniform(struct mare_rng *r)
{
	return (double)(mare_rng_u64(r) >> 11) * 0x1.0p-53;
}

/* Full 128-bit product of a and b: high word returned, low word in *lo. */
static uint64_t
mul128(uint64_t a, uint64_t b, uint64_t *lo)
{
	uint64_t a0 = a & 0xffffffffU, a1 = a >> 32;
	uint64_t b0 = b & 0xffffffffU, b1 = b >> 32;
	uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffU) + (p10 & 0xffffffffU);

	*lo = (mid << 32) | (p00 & 0xffffffffU);
	return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

uint64_t
mare_rng_bounded(struct mare_rng *r, uint64_t n)
{
	uint64_t hi, lo, threshold;

	if (n == 0)
		return 0;
	hi = mul128(mare_rng_u64(r), n, &lo);
	if (lo < n) {
		threshold = (0 - n) % n;	/* 2^64 mod n */
		while (lo < threshold)
			hi = mul128(mare_rng_u64(r), n, &lo);
	}
	return hi;
}

double
mare_rng_normal(struct mare_rng *r)
{
	/* 1 - u is in (0, 1], so the logarithm is finite. */
	double u1 = 1.0 - mare_rng_uniform(r);
	double u2 = mare_rng_uniform(r);

	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925 * u2);
}
