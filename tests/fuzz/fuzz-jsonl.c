/*
 * fuzz-jsonl - libFuzzer target: JSON Lines records and the built-in checks
 *
 * The input is a JSON Lines stream read through fmemopen() with a small
 * line limit (so the limit path is reached); each object read goes through
 * every built-in occurrence check, as mare-validate would run them.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdio.h>

#include <jansson.h>

#include "checks.h"
#include "fuzz.h"
#include "jsonl.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mare_jsonl_reader *r;
	struct mare_checks_opts o;
	struct mare_checks *c;
	struct mare_findings f;
	struct mare_err err;
	json_t *obj;
	FILE *fp;
	int ret;

	if (size == 0 || size > FUZZ_MAX_INPUT)
		return 0;
	if ((fp = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		return 0;
	mare_err_init(&err);
	mare_checks_opts_init(&o, 1700000000);
	mare_findings_init(&f);
	c = mare_checks_new(&o, &err);
	r = mare_jsonl_reader_new(fp, "fuzz.jsonl", 4096, &err);
	if (c == NULL || r == NULL)
		goto out;
	while ((ret = mare_jsonl_read(r, &obj, &err)) == 1) {
		if (json_is_object(obj)) {
			mare_findings_clear(&f);
			if (mare_checks_run(c, obj, &f, &err) == -1)
				fuzz_check_err(&err);
		}
		json_decref(obj);
	}
	if (ret == -1)
		fuzz_check_err(&err);
out:
	mare_jsonl_reader_free(r);
	mare_checks_free(c);
	mare_findings_release(&f);
	fclose(fp);
	return 0;
}
