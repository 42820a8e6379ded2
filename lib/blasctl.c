/*
 * blasctl.c - OpenBLAS's thread count and version, by weak reference
 *
 * Every command takes --threads and names OpenBLAS in --version, but only
 * the ones that call blas.c's wrappers do algebra. The commands link
 * libmare statically with --as-needed, so a command that calls none of
 * them does not load OpenBLAS at all (its start-up cost 14 ms here, and
 * 0.6 s under valgrind). The references below are weak for that: when
 * OpenBLAS is not loaded they are null and there is nothing to set. In
 * libmare.so OpenBLAS is always there.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <cblas.h>
#include <dlfcn.h>
#include <stddef.h>

#include "blas.h"

#pragma weak openblas_set_num_threads
#pragma weak openblas_get_num_threads
#pragma weak openblas_get_config

static int single;	/* mare_blas_one_thread() ran */

void
mare_blas_set_threads(int n)
{
	if (n >= 1 && openblas_set_num_threads != NULL)
		openblas_set_num_threads(single ? 1 : n);
}

/*
 * OpenBLAS (pthreads build) starts its worker threads when it is loaded,
 * before main() can ask for one thread, and each spins in sched_yield()
 * for about 2^28 cycles before it sleeps. They are stopped with the
 * library's own fork handler when it has one; the process then keeps to
 * one thread, since raising the count again could start them twice.
 */
void
mare_blas_one_thread(void)
{
	void (*stop)(void);

	if (openblas_set_num_threads == NULL)
		return;
	openblas_set_num_threads(1);
	if (single)
		return;
	single = 1;
	if ((*(void **)&stop = dlsym(RTLD_DEFAULT,
	    "blas_thread_shutdown_")) != NULL)
		stop();
}

int
mare_blas_hold_one(void)
{
	int n;

	if (openblas_get_num_threads == NULL ||
	    openblas_set_num_threads == NULL)
		return 1;
	n = openblas_get_num_threads();
	openblas_set_num_threads(1);
	return n;
}

const char *
mare_blas_version(void)
{
	return openblas_get_config != NULL ? openblas_get_config() : NULL;
}
