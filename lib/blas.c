/*
 * blas.c - OpenBLAS calls, kept behind mare types
 *
 * The wrappers only convert size_t to the int cblas wants and pin the
 * storage order to row-major; no algebra happens here. A command that
 * calls one of them loads OpenBLAS; the threads and the version are in
 * blasctl.c, which does not.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <cblas.h>

#include "blas.h"

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
