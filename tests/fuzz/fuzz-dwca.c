/*
 * fuzz-dwca - libFuzzer target: Darwin Core Archives (zip, meta.xml, rows)
 *
 * The input is a zip in a memfd, opened by path (/proc/self/fd/N) as
 * mare-fetch would open a download. Members are capped at 4 MiB
 * uncompressed so a zip bomb ends as an error, not a long run.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <unistd.h>

#include <jansson.h>

#include "dwca.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mare_dwca_opts o = { NULL, 1, 0, 4U << 20 };
	struct mare_dwca *d;
	struct mare_err err;
	json_t *rec;
	char path[64];
	int fd, ret;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if ((fd = fuzz_memfd(data, size, path, sizeof(path))) == -1)
		return 0;
	mare_err_init(&err);
	if ((d = mare_dwca_open(path, &o, &err)) == NULL)
		fuzz_check_err(&err);
	else {
		while ((ret = mare_dwca_read(d, &rec, &err)) == 1 ||
		    ret == MARE_DWCA_REJECT)
			json_decref(rec);
		if (ret == -1)
			fuzz_check_err(&err);
		mare_dwca_close(d);
	}
	close(fd);
	return 0;
}
