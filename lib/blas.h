/*
 * blas.h - the one seam between libmare and OpenBLAS
 *
 * Only blas.c and blasctl.c include cblas.h, so the dense-algebra
 * dependency stays in one reviewable place. Matrices are row-major with a leading dimension
 * (the distance between rows, in elements). Sizes must fit in an int, as
 * cblas takes them; callers work on row blocks of big matrices.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_BLAS_H
#define MARE_BLAS_H

#include <stddef.h>

/* Set the number of OpenBLAS threads (n >= 1). */
void	mare_blas_set_threads(int n);
/*
 * OpenBLAS down to one thread while the caller's own threads run BLAS
 * calls (theirs would compete); returns the count to give back with
 * mare_blas_set_threads().
 */
int	mare_blas_hold_one(void);
/*
 * One OpenBLAS thread for the rest of the process: stops the idle worker
 * threads OpenBLAS started at load time (each spins for about 0.1 s of
 * CPU before sleeping); later mare_blas_set_threads() calls keep to 1.
 */
void	mare_blas_one_thread(void);
/*
 * OpenBLAS's configuration string, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ...",
 * or NULL in a command that does not load OpenBLAS (see blasctl.c).
 */
const char *mare_blas_version(void);

/*
 * y = alpha A x + beta y (trans 0) or y = alpha A' x + beta y (trans 1),
 * A is m x n. With beta 0, y need not be initialised.
 */
void	mare_blas_dgemv(int trans, size_t m, size_t n, double alpha,
	    const double *a, size_t lda, const double *x, double beta,
	    double *y);
/* x . y over n elements. */
double	mare_blas_ddot(size_t n, const double *x, const double *y);
/* y += alpha x over n elements. */
void	mare_blas_daxpy(size_t n, double alpha, const double *x, double *y);
/*
 * C = alpha op(A) op(B) + beta C, op(A) m x k, op(B) k x n, C m x n;
 * ta/tb 1 transpose A/B.
 */
void	mare_blas_dgemm(int ta, int tb, size_t m, size_t n, size_t k,
	    double alpha, const double *a, size_t lda, const double *b,
	    size_t ldb, double beta, double *c, size_t ldc);
/*
 * C = alpha A' A + beta C for a row block A (k x n): the upper triangle of
 * the n x n matrix C is updated (the lower one is left alone).
 */
void	mare_blas_dsyrk_t(size_t n, size_t k, double alpha, const double *a,
	    size_t lda, double beta, double *c, size_t ldc);

#endif /* MARE_BLAS_H */
