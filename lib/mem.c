/*
 * mem.c - hints for the large arrays of a run
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdint.h>
#include <sys/mman.h>
#ifdef HAVE_MALLOPT
#include <malloc.h>
#endif

#include "mem.h"

#define HUGE_PAGE	((uintptr_t)2 << 20)

void
mare_mem_hint_huge(void *p, size_t size)
{
#ifdef MADV_HUGEPAGE
	uintptr_t lo, hi;

	if (p == NULL || size < 2 * HUGE_PAGE)
		return;
	lo = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	hi = ((uintptr_t)p + size) & ~(HUGE_PAGE - 1);
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
	(void)p;
	(void)size;
#endif
}

void
mare_mem_big_apart(void)
{
#if defined(HAVE_MALLOPT) && defined(M_MMAP_THRESHOLD)
	(void)mallopt(M_MMAP_THRESHOLD, 1 << 20);
#ifdef M_TRIM_THRESHOLD
	(void)mallopt(M_TRIM_THRESHOLD, 32 << 20);
#endif
#endif
}
