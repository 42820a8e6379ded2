/*
 * fuzz-npy - libFuzzer target: .npy headers and data
 *
 * Each input is read as a stream (fmemopen) and as a regular file (memfd),
 * header first, then every row.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"
#include "npy.h"

#define ROWS	64

static void
read_all(FILE *fp)
{
	struct mare_npy_header h;
	struct mare_err err;
	unsigned long long done = 0;
	void *buf;
	size_t n;
	int ret;

	mare_err_init(&err);
	if (mare_npy_read_header(fp, "fuzz.npy", &h, &err) == -1) {
		fuzz_check_err(&err);
		return;
	}
	/* a header may claim any number of columns: cap the buffer */
	if (h.cols > 4096)
		return;
	if ((buf = malloc(ROWS * (h.cols ? h.cols : 1) * h.dtype)) == NULL)
		return;
	while ((ret = mare_npy_read_rows(fp, "fuzz.npy", &h, &done, buf, ROWS,
	    &n, &err)) == 1)
		;
	if (ret == -1)
		fuzz_check_err(&err);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	FILE *fp;
	int fd;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (size > 0 &&
	    (fp = fmemopen((void *)(uintptr_t)data, size, "r")) != NULL) {
		read_all(fp);
		fclose(fp);
	}
	if ((fd = fuzz_memfd(data, size, path, sizeof(path))) == -1)
		return 0;
	if ((fp = fdopen(fd, "r")) != NULL) {
		read_all(fp);
		fclose(fp);
	} else
		close(fd);
	return 0;
}
