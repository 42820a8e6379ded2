/*
 * mem.h - hints for the large arrays of a run
 *
 * A 1,000,000 x 20 table is 160 MB: in 4 KB pages that is 40,000 page
 * faults on first touch, a second of system time on a busy machine. With
 * transparent huge pages in "madvise" mode (Debian's default) a range
 * must ask for 2 MB pages; this asks, for arrays large enough to profit.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_MEM_H
#define MARE_MEM_H

#include <stddef.h>

/*
 * Ask for huge pages over the 2 MB-aligned part of [p, p + size) when size
 * is at least 4 MB; a hint only: nothing happens where the system does
 * not support it, and it never fails.
 */
void	mare_mem_hint_huge(void *p, size_t size);

/*
 * Have every allocation of 1 MB or more mapped on its own, so that
 * freeing it gives its memory back at once. glibc otherwise raises its
 * mapping threshold after such a free (up to 32 MB), and the next large
 * arrays land in the heap, where a small allocation made after them can
 * keep their freed pages in the process (a 1,000,000 x 20 L1 fit peaked
 * at 228.5 MB instead of 220.5 MB). Setting the threshold also fixes
 * glibc's trim threshold at 128 KB, and the heap then gave back and
 * faulted in again the work arrays of every IRLS step (half the page
 * faults of a default maxent fit, 20-60 ms of it on a VM): the heap
 * keeps up to 32 MB of free memory instead. A no-op without mallopt().
 */
void	mare_mem_big_apart(void);

#endif /* MARE_MEM_H */
