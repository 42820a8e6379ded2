/*
 * jsonl-cat.c - read JSON Lines with libmare and write them back
 *
 * The benchmark driver for the JSONL reader and writer (bench/run.sh): it
 * parses every line into a jansson object and serialises it again, which is
 * the work every mare filter does per record. Not installed.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdio.h>

#include <jansson.h>

#include "jsonl.h"

int
main(int argc, char **argv)
{
	struct mare_jsonl_reader *r;
	struct mare_err err;
	json_t *obj;
	FILE *fp = stdin;
	char line[1024];
	int rc, status = 0;

	mare_err_init(&err);
	if (argc > 1 && (fp = fopen(argv[1], "rb")) == NULL) {
		perror(argv[1]);
		return 66;
	}
	r = mare_jsonl_reader_new(fp, argc > 1 ? argv[1] : "<stdin>", 0, &err);
	if (r == NULL)
		goto fail;
	while ((rc = mare_jsonl_read(r, &obj, &err)) != 0) {
		if (rc < 0)
			goto fail;
		if (mare_jsonl_write(stdout, obj, &err) != 0) {
			json_decref(obj);
			goto fail;
		}
		json_decref(obj);
	}
	goto out;
fail:
	fprintf(stderr, "jsonl-cat: %s\n",
	    mare_err_format(&err, line, sizeof(line)));
	status = mare_err_exit_status(err.code);
out:
	mare_jsonl_reader_free(r);
	if (fp != stdin)
		fclose(fp);
	if (fflush(stdout) != 0)
		status = 74;
	return status;
}
