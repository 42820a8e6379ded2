/*
 * fuzz-tensor - libFuzzer target: mare-tensor(5) streams and files
 *
 * Each input is read twice: as a stream (fmemopen: no size known, the pipe
 * path) and as a regular file (a memfd: the size is known, so claims are
 * checked against it), and also mapped (mare_tensor_map with the CRC check).
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"
#include "tensor.h"

#define ROWS	64

static void
read_all(FILE *fp)
{
	struct mare_tensor_reader *r;
	const struct mare_tensor_info *info;
	struct mare_err err;
	double *buf = NULL;
	size_t n;
	int ret;

	mare_err_init(&err);
	if ((r = mare_tensor_reader_new(fp, "fuzz.tensor", &err)) == NULL) {
		fuzz_check_err(&err);
		return;
	}
	info = mare_tensor_reader_info(r);
	if ((buf = malloc(ROWS * info->ncols * sizeof(double))) == NULL)
		goto out;
	while ((ret = mare_tensor_read_f64(r, buf, ROWS, &n, &err)) == 1)
		;
	if (ret == -1)
		fuzz_check_err(&err);
out:
	free(buf);
	mare_tensor_reader_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mare_tensor_map *m;
	struct mare_err err;
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
	if ((fp = fdopen(dup(fd), "r")) != NULL) {
		read_all(fp);
		fclose(fp);
	}
	mare_err_init(&err);
	if ((m = mare_tensor_map(path, MARE_TENSOR_MAP_VERIFY, &err)) == NULL)
		fuzz_check_err(&err);
	mare_tensor_map_free(m);
	close(fd);
	return 0;
}
