/*
 * version.c - the versions of libmare and of the libraries it was built with
 *
 * A bug report needs them (bsdcat --version prints libarchive's too). This
 * is the one file outside each dependency's owning module that asks the
 * dependencies for their versions; it asks, and uses nothing else.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include <archive.h>
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <zlib.h>

#include "blas.h"
#include "mare.h"

const char *
mare_version_details(void)
{
	static char buf[512];
	const char *blas = mare_blas_version();
	const char *arch = archive_version_string();
	char blasv[64] = "OpenBLAS";
	const char *sp;

	/* "OpenBLAS 0.3.21 DYNAMIC_ARCH ..." -> "OpenBLAS/0.3.21" */
	if (blas != NULL && strncmp(blas, "OpenBLAS ", 9) == 0) {
		sp = strchr(blas + 9, ' ');
		snprintf(blasv, sizeof(blasv), "OpenBLAS/%.*s",
		    (int)(sp ? (size_t)(sp - blas - 9) : strlen(blas + 9)),
		    blas + 9);
	}
	if (arch != NULL && strncmp(arch, "libarchive ", 11) == 0)
		arch += 11;
	snprintf(buf, sizeof(buf),
	    "libmare/%s jansson/%s libarchive/%s libcurl/%s zlib/%s %s OpenSSL/%s",
	    MARE_VERSION_STRING, jansson_version_str(), arch ? arch : "?",
	    curl_version_info(CURLVERSION_NOW)->version, zlibVersion(), blasv,
	    OpenSSL_version(OPENSSL_VERSION_STRING));
	return buf;
}
