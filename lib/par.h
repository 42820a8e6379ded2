/*
 * par.h - a loop over independent items on a few threads
 *
 * The work of mare's parallel loops (the columns of mare-drift, the
 * tuning cells of mare-train) is a set of independent items whose results
 * go to their own slots, so a thread pulls the next item in turn and the
 * outcome does not depend on the thread count or on which thread ran an
 * item. The threads are kept between loops (see par.c). OpenBLAS
 * threads are the caller's business: a caller running BLAS-heavy items
 * in parallel sets them to 1 first.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_PAR_H
#define MARE_PAR_H

#include <stddef.h>

#define MARE_PAR_MAX_THREADS	64

/*
 * fn(arg, i, t) for every i < n, on nthreads threads (at most
 * MARE_PAR_MAX_THREADS; 0 or 1: in the calling thread, in order) pulling
 * the next i in turn; the calling thread is thread 0 and t names the
 * thread, for per-thread state. Loops may run from several threads at
 * once and inside items. A thread that cannot start leaves its
 * share to the others. fn returns 0 or -1; after a -1 no new call starts
 * (calls running finish). Returns 0, or -1 when a call returned -1.
 */
int	mare_par_for(size_t n, unsigned nthreads,
	    int (*fn)(void *arg, size_t i, size_t t), void *arg);

/*
 * Columns per item of a pass over p columns by blocks on nthreads
 * threads: a block per thread, of at least min columns (fewer blocks
 * when the columns are few). Passes whose every column's sums run over
 * the rows in order give the same bits whatever the blocks.
 */
size_t	mare_par_cols(size_t p, unsigned nthreads, size_t min);

#endif /* MARE_PAR_H */
