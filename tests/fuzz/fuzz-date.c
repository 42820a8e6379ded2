/*
 * fuzz-date - libFuzzer target: Darwin Core eventDate strings
 *
 * The input, made a C string, is parsed; a parsed span must be ordered
 * (start <= end), which is checked here as the parser promises it.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdlib.h>

#include "date.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mare_date d;
	struct mare_err err;
	char *s;

	if (size > 4096 || (s = fuzz_strndup(data, size)) == NULL)
		return 0;
	mare_err_init(&err);
	if (mare_date_parse(s, &d, &err) == -1)
		fuzz_check_err(&err);
	else if (d.start > d.end) {
		fprintf(stderr, "fuzz: '%s' parses to an empty span\n", s);
		abort();
	}
	free(s);
	return 0;
}
