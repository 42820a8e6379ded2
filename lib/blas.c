/*
 * blas.c - OpenBLAS calls, kept behind mare types
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <cblas.h>

#include "blas.h"

void
mare_blas_set_threads(int n)
{
	if (n >= 1)
		openblas_set_num_threads(n);
}

const char *
mare_blas_version(void)
{
	return openblas_get_config();
}
