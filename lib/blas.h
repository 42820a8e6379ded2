/*
 * blas.h - the one seam between libmare and OpenBLAS
 *
 * Only blas.c includes cblas.h, so the dense-algebra dependency stays in
 * one reviewable place.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_BLAS_H
#define MARE_BLAS_H

/* Set the number of OpenBLAS threads (n >= 1). */
void	mare_blas_set_threads(int n);
/* OpenBLAS's configuration string, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ...". */
const char *mare_blas_version(void);

#endif /* MARE_BLAS_H */
