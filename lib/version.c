/*
 * version.c - the versions of libmare and of the libraries a command runs with
 *
 * A bug report needs them (bsdcat --version prints libarchive's too). This
 * is the one file outside each dependency's owning module that asks the
 * dependencies for their versions; it asks, and uses nothing else.
 *
 * The commands link libmare statically with --as-needed, so each loads
 * only the libraries it calls (mare-tensor neither libcurl nor OpenBLAS).
 * The references here are weak so as not to load them just to name them:
 * a library a command does not load is left out of its line.
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

#pragma weak archive_version_string
#pragma weak curl_version_info
#pragma weak zlibVersion
#pragma weak OpenSSL_version

/* Appends " name/version" to buf (of size n, holding *len bytes). */
static void
add(char *buf, size_t n, size_t *len, const char *name, const char *v,
    int vlen)
{
	int k;

	if (*len >= n)
		return;
	k = snprintf(buf + *len, n - *len, " %s/%.*s", name, vlen, v);
	if (k > 0)
		*len += (size_t)k;
}

const char *
mare_version_details(void)
{
	static char buf[512];
	const char *blas = mare_blas_version(), *v, *sp;
	size_t len = 0;
	int k;

	k = snprintf(buf, sizeof(buf), "libmare/%s jansson/%s",
	    MARE_VERSION_STRING, jansson_version_str());
	len = k > 0 ? (size_t)k : 0;
	if (archive_version_string != NULL &&
	    (v = archive_version_string()) != NULL) {
		if (strncmp(v, "libarchive ", 11) == 0)
			v += 11;
		add(buf, sizeof(buf), &len, "libarchive", v, (int)strlen(v));
	}
	if (curl_version_info != NULL) {
		v = curl_version_info(CURLVERSION_NOW)->version;
		add(buf, sizeof(buf), &len, "libcurl", v, (int)strlen(v));
	}
	if (zlibVersion != NULL) {
		v = zlibVersion();
		add(buf, sizeof(buf), &len, "zlib", v, (int)strlen(v));
	}
	/* "OpenBLAS 0.3.21 DYNAMIC_ARCH ..." -> "OpenBLAS/0.3.21" */
	if (blas != NULL && strncmp(blas, "OpenBLAS ", 9) == 0) {
		v = blas + 9;
		sp = strchr(v, ' ');
		add(buf, sizeof(buf), &len, "OpenBLAS", v,
		    (int)(sp ? (size_t)(sp - v) : strlen(v)));
	} else if (blas != NULL)
		add(buf, sizeof(buf), &len, "OpenBLAS", "?", 1);
	if (OpenSSL_version != NULL) {
		v = OpenSSL_version(OPENSSL_VERSION_STRING);
		add(buf, sizeof(buf), &len, "OpenSSL", v, (int)strlen(v));
	}
	return buf;
}
