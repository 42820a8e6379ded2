/*
 * fuzz-featspec - libFuzzer target: feature spec JSON
 *
 * The input is a spec file read from memory; a spec that loads is written
 * back, hashed, and applied to one row of zeros and one of NaN.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include "featspec.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mare_featspec *fs;
	struct mare_err err;
	unsigned char sha[32];
	char hex[65], *text;
	double *raw = NULL, *out = NULL;
	size_t i, len;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	mare_err_init(&err);
	fs = mare_featspec_from_json((const char *)data, size, "fuzz.json",
	    &err);
	if (fs == NULL) {
		fuzz_check_err(&err);
		return 0;
	}
	if ((text = mare_featspec_to_json(fs, &len, &err)) == NULL)
		fuzz_check_err(&err);
	free(text);
	if (mare_featspec_hash(fs, sha, hex, &err) == -1)
		fuzz_check_err(&err);
	raw = calloc(fs->nvars + 1, sizeof(*raw));
	out = calloc(fs->nfeat + 1, sizeof(*out));
	if (raw != NULL && out != NULL) {
		(void)mare_featspec_apply(fs, raw, MARE_FEATSPEC_CLAMP, out,
		    &err);
		for (i = 0; i < fs->nvars; i++)
			raw[i] = NAN;
		(void)mare_featspec_apply(fs, raw, 0, out, &err);
	}
	free(raw);
	free(out);
	mare_featspec_free(fs);
	return 0;
}
