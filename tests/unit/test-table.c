/*
 * test-table.c - lib/table.c: rows of named columns from a tensor, JSON
 * Lines or records through a spec, with and without windows
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "featspec.h"
#include "grid.h"
#include "table.h"
#include "tap.h"
#include "tensor.h"

/* A tensor of columns a, b, c with rows (i, 10 i, 100 i), i = 1..n. */
static FILE *
tensor_of(size_t n)
{
	static const char *const cols[] = { "a", "b", "c" };
	struct mare_tensor_writer *w;
	struct mare_err err;
	double row[3];
	size_t i;
	FILE *fp = tmpfile();

	mare_err_init(&err);
	if (fp == NULL)
		return NULL;
	w = mare_tensor_writer_new(fp, "t", MARE_TENSOR_F64, 3, cols, NULL,
	    NULL, &err);
	for (i = 1; w != NULL && i <= n; i++) {
		row[0] = (double)i;
		row[1] = 10.0 * (double)i;
		row[2] = 100.0 * (double)i;
		if (mare_tensor_write_f64(w, row, 1, &err) != 0)
			break;
	}
	if (w == NULL || mare_tensor_writer_finish(w, &err) != 0) {
		mare_tensor_writer_free(w);
		fclose(fp);
		return NULL;
	}
	mare_tensor_writer_free(w);
	rewind(fp);
	return fp;
}

static FILE *
text_of(const char *s)
{
	FILE *fp = tmpfile();

	if (fp != NULL) {
		fputs(s, fp);
		rewind(fp);
	}
	return fp;
}

/* WANT naming the given columns (its cols unused). */
static void
want_of(struct mare_table *want, const char *const *names, size_t n)
{
	size_t j;

	memset(want, 0, sizeof(*want));
	want->ncols = n;
	want->names = calloc(n, sizeof(*want->names));
	for (j = 0; want->names != NULL && j < n; j++)
		want->names[j] = strdup(names[j]);
}

static void
test_tensor(void)
{
	static const char *const cb[] = { "c", "a" };
	static const char *const cx[] = { "a", "x" };
	struct mare_table t, want;
	struct mare_err err;
	FILE *fp;

	memset(&t, 0, sizeof(t));
	fp = tensor_of(5000);	/* more than one 4096-row block */
	mare_err_init(&err);
	is_int(mare_table_read(fp, "t", NULL, &t, NULL, &err), 0,
	    "tensor: read");
	is_int((long long)t.ncols, 3, "tensor: every column");
	is_int((long long)t.nrows, 5000, "tensor: every row");
	is_str(t.names[1], "b", "tensor: names in order");
	ok(t.cols[0][4999] == 5000 && t.cols[1][4096] == 40970 &&
	    t.cols[2][0] == 100, "tensor: values by column");
	mare_table_free(&t);

	rewind(fp);
	want_of(&want, cb, 2);
	mare_err_init(&err);
	is_int(mare_table_read(fp, "t", &want, &t, NULL, &err), 0,
	    "tensor: WANT's columns");
	ok(t.ncols == 2 && strcmp(t.names[0], "c") == 0 &&
	    t.cols[0][2] == 300 && t.cols[1][2] == 3,
	    "tensor: in WANT's order");
	mare_table_free(&t);
	mare_table_free(&want);

	rewind(fp);
	want_of(&want, cx, 2);
	mare_err_init(&err);
	is_int(mare_table_read(fp, "t.tensor", &want, &t, NULL, &err), -1,
	    "tensor: a missing column");
	is_str(err.msg, "column \"x\" of the reference is missing",
	    "tensor: names it");
	is_str(err.where, "t.tensor", "tensor: and the file");
	is_int(err.code, MARE_E_DATA, "tensor: data error");
	mare_table_free(&t);
	mare_table_free(&want);
	fclose(fp);
}

static void
test_jsonl(void)
{
	static const char *const cb[] = { "y", "x" };
	static const char *const cz[] = { "x", "z" };
	struct mare_table t, want;
	struct mare_err err;
	FILE *fp;

	memset(&t, 0, sizeof(t));
	fp = text_of("{\"x\": 1, \"s\": \"a\", \"y\": 2.5}\n"
	    "{\"x\": null, \"y\": -1}\n"
	    "{\"y\": 4, \"x\": 3}\n");
	mare_err_init(&err);
	is_int(mare_table_read(fp, "r.jsonl", NULL, &t, NULL, &err), 0,
	    "jsonl: read");
	ok(t.ncols == 2 && strcmp(t.names[0], "x") == 0 &&
	    strcmp(t.names[1], "y") == 0,
	    "jsonl: the numeric keys of the first record");
	ok(t.nrows == 3 && t.cols[0][0] == 1 && isnan(t.cols[0][1]) &&
	    t.cols[0][2] == 3 && t.cols[1][1] == -1,
	    "jsonl: null reads as NaN, keys in any order");
	mare_table_free(&t);

	rewind(fp);
	want_of(&want, cb, 2);
	mare_err_init(&err);
	is_int(mare_table_read(fp, "r.jsonl", &want, &t, NULL, &err), 0,
	    "jsonl: WANT's columns");
	ok(t.cols[0][0] == 2.5 && t.cols[1][2] == 3, "jsonl: WANT's order");
	mare_table_free(&t);
	mare_table_free(&want);

	rewind(fp);
	want_of(&want, cz, 2);
	mare_err_init(&err);
	is_int(mare_table_read(fp, "r.jsonl", &want, &t, NULL, &err), -1,
	    "jsonl: a column no row has");
	is_str(err.msg, "column \"z\" of the reference is missing",
	    "jsonl: names it");
	mare_table_free(&t);
	mare_table_free(&want);
	fclose(fp);

	fp = text_of("{\"x\": 1}\n{\"x\": \"2\"}\n");
	mare_err_init(&err);
	is_int(mare_table_read(fp, "r.jsonl", NULL, &t, NULL, &err), -1,
	    "jsonl: a string value");
	is_str(err.msg, "x: expected a number or null", "jsonl: the problem");
	is_str(err.where, "r.jsonl:2", "jsonl: its line");
	mare_table_free(&t);
	fclose(fp);

	fp = text_of("{\"s\": \"a\"}\n");
	mare_err_init(&err);
	is_int(mare_table_read(fp, "r.jsonl", NULL, &t, NULL, &err), -1,
	    "jsonl: no numbers");
	is_str(err.msg, "no numeric values in the first record",
	    "jsonl: says so");
	mare_table_free(&t);
	fclose(fp);
}

struct seen {
	size_t	 calls, rows;
	double	 first[8];	/* column a's first value in each window */
	int	 stop_at;	/* return -1 at this call (0: never) */
};

static int
full(void *arg, struct mare_table *t, struct mare_err *err)
{
	struct seen *s = arg;

	if (s->calls < 8)
		s->first[s->calls] = t->cols[0][0];
	s->calls++;
	s->rows += t->nrows;
	t->nrows = 0;
	if (s->stop_at > 0 && (int)s->calls == s->stop_at)
		return mare_err_set(err, MARE_E_DATA, "stopped");
	return 0;
}

static void
test_window(void)
{
	struct mare_table t;
	struct mare_table_window w;
	struct seen s;
	struct mare_err err;
	FILE *fp;

	memset(&t, 0, sizeof(t));
	memset(&s, 0, sizeof(s));
	w.n = 3000;
	w.full = full;
	w.arg = &s;
	fp = tensor_of(10000);
	mare_err_init(&err);
	is_int(mare_table_read(fp, "t", NULL, &t, &w, &err), 0,
	    "window: tensor read");
	ok(s.calls == 3 && s.rows == 9000, "window: three full windows");
	ok(s.first[0] == 1 && s.first[1] == 3001 && s.first[2] == 6001,
	    "window: consecutive rows");
	ok(t.nrows == 1000 && t.cols[0][0] == 9001 && t.total == 10000,
	    "window: the partial last window is left, total counts all");
	ok(t.cap < 2 * 3000,
	    "window: less than two windows in memory, not the whole file");
	mare_table_free(&t);

	rewind(fp);
	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	mare_err_init(&err);
	is_int(mare_table_read(fp, "t", NULL, &t, &w, &err), -1,
	    "window: full() stops the read");
	is_str(err.msg, "stopped", "window: with its error");
	mare_table_free(&t);
	fclose(fp);

	fp = text_of("{\"a\": 1}\n{\"a\": 2}\n{\"a\": 3}\n{\"a\": 4}\n"
	    "{\"a\": 5}\n");
	memset(&s, 0, sizeof(s));
	w.n = 2;
	mare_err_init(&err);
	is_int(mare_table_read(fp, "r", NULL, &t, &w, &err), 0,
	    "window: jsonl read");
	ok(s.calls == 2 && s.first[1] == 3 && t.nrows == 1 &&
	    t.cols[0][0] == 5 && t.total == 5, "window: jsonl windows");
	mare_table_free(&t);
	fclose(fp);
}

static void
test_records(void)
{
	static const double x[] = { 1, 10, 2, 20, 3, 30 };
	static const char *const names[] = { "a", "b" };
	static const int label[] = { 1, 0, 1 };
	struct mare_grid_geom geom = { 2, 1, 0, 0, 1, 1, -9999 };
	struct mare_featspec *fs;
	struct mare_grid_stack st;
	struct mare_grid *ga, *gb;
	size_t layer[2] = { 1, 0 };	/* the stack holds b, then a */
	struct mare_table t;
	struct mare_err err;
	FILE *fp;

	memset(&t, 0, sizeof(t));
	fs = mare_featspec_fit(x, 3, 2, names, label, NULL, NULL);
	fp = text_of("{\"b\": 7.5, \"a\": -1}\n{\"a\": 2, \"b\": 0}\n");
	mare_err_init(&err);
	is_int(mare_table_read_records(fp, "r", fs, NULL, NULL, &t, NULL,
	    &err), 0, "records: read");
	ok(t.ncols == 2 && strcmp(t.names[1], "b") == 0 && t.nrows == 2 &&
	    t.cols[0][0] == -1 && t.cols[1][0] == 7.5 && t.cols[1][1] == 0,
	    "records: the spec's variables");
	mare_table_free(&t);
	fclose(fp);

	mare_grid_stack_init(&st);
	gb = mare_grid_new(&geom, "b", NULL);
	ga = mare_grid_new(&geom, "a", NULL);
	gb->cells[0] = 5;
	gb->cells[1] = 6;
	ga->cells[0] = 1.5f;
	ga->cells[1] = -9999;
	mare_grid_stack_add_take(&st, gb, NULL);
	mare_grid_stack_add_take(&st, ga, NULL);
	fp = text_of("{\"a\": 1, \"b\": 2}\n"
	    "{\"decimalLongitude\": 0.5, \"decimalLatitude\": 0.5}\n"
	    "{\"decimalLongitude\": 1.5, \"decimalLatitude\": 0.5}\n");
	mare_err_init(&err);
	is_int(mare_table_read_records(fp, "r.jsonl", fs, &st, layer, &t,
	    NULL, &err), -1, "records: a NODATA cell stops the read");
	ok(t.nrows == 2 && t.cols[0][1] == 1.5 && t.cols[1][1] == 5,
	    "records: the layers at a record's coordinates");
	is_str(err.msg, "decimalLongitude,decimalLatitude: no value in layer "
	    "'a'", "records: the problem");
	is_str(err.where, "r.jsonl:3", "records: file and line");
	mare_table_free(&t);
	fclose(fp);

	fp = text_of("{\"a\": 1}\n");
	mare_err_init(&err);
	is_int(mare_table_read_records(fp, "r", fs, NULL, NULL, &t, NULL,
	    &err), -1, "records: a missing variable without layers");
	is_str(err.msg, "b: missing", "records: names it");
	mare_table_free(&t);
	fclose(fp);
	mare_grid_stack_release(&st);
	mare_featspec_free(fs);
}

int
main(void)
{
	test_tensor();
	test_jsonl();
	test_window();
	test_records();
	return tap_done();
}
