/*
 * example.c - a program outside mare using the installed libmare (the SDK)
 *
 * Built by `make installcheck` against the installed headers and mare.pc:
 *
 *	cc example.c $(pkg-config --cflags --libs mare jansson)
 *
 * It writes a two-row tensor to a temporary file, reads it back and checks
 * the values, so a broken install (missing header, unexported symbol, wrong
 * pkg-config flags) fails the check.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include <mare/mare.h>
#include <mare/tensor.h>

int
main(void)
{
	static const char *const cols[] = { "sst", "depth" };
	const double rows[4] = { 27.5, 10.0, 28.25, 200.0 };
	double back[4];
	struct mare_tensor_writer *w;
	struct mare_tensor_reader *r;
	struct mare_err err;
	size_t n = 0;
	FILE *fp;

	mare_err_init(&err);
	fp = tmpfile();
	if (fp == NULL)
		return 1;
	w = mare_tensor_writer_new(fp, "sdk", MARE_TENSOR_F64, 2, cols, NULL,
	    NULL, &err);
	if (w == NULL || mare_tensor_write_f64(w, rows, 2, &err) != 0 ||
	    mare_tensor_writer_finish(w, &err) != 0)
		goto fail;
	mare_tensor_writer_free(w);
	rewind(fp);
	r = mare_tensor_reader_new(fp, "sdk", &err);
	if (r == NULL || mare_tensor_read_f64(r, back, 2, &n, &err) != 1)
		goto fail;
	mare_tensor_reader_free(r);
	fclose(fp);
	if (n != 2 || memcmp(rows, back, sizeof(rows)) != 0) {
		fprintf(stderr, "sdk-example: values differ\n");
		return 1;
	}
	printf("sdk-example: libmare %s ok\n", mare_version());
	return 0;
fail:
	fprintf(stderr, "sdk-example: %s\n", err.msg);
	return 1;
}
