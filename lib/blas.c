/*
 * blas.c - OpenBLAS calls, kept behind mare types
 *
 * The wrappers only convert size_t to the int cblas wants and pin the
 * storage order to row-major; no algebra happens here.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <cblas.h>
#include <dlfcn.h>

#include "blas.h"

static int single;	/* mare_blas_one_thread() ran */

void
mare_blas_set_threads(int n)
{
	if (n >= 1)
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
	int n = openblas_get_num_threads();

	openblas_set_num_threads(1);
	return n;
}

const char *
mare_blas_version(void)
{
	return openblas_get_config();
}

void
mare_blas_dgemv(int trans, size_t m, size_t n, double alpha,
    const double *a, size_t lda, const double *x, double beta, double *y)
{
	cblas_dgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans,
	    (int)m, (int)n, alpha, a, (int)lda, x, 1, beta, y, 1);
}

double
mare_blas_ddot(size_t n, const double *x, const double *y)
{
	return cblas_ddot((int)n, x, 1, y, 1);
}

void
mare_blas_daxpy(size_t n, double alpha, const double *x, double *y)
{
	cblas_daxpy((int)n, alpha, x, 1, y, 1);
}

void
mare_blas_dgemm(int ta, int tb, size_t m, size_t n, size_t k, double alpha,
    const double *a, size_t lda, const double *b, size_t ldb, double beta,
    double *c, size_t ldc)
{
	cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
	    tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, alpha,
	    a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
}

void
mare_blas_dsyrk_t(size_t n, size_t k, double alpha, const double *a,
    size_t lda, double beta, double *c, size_t ldc)
{
	cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)n, (int)k,
	    alpha, a, (int)lda, beta, c, (int)ldc);
}
