/*
 * table.c - rows of named numeric columns, read column by column
 *
 * See table.h. The readers append rows straight into the columns (a
 * tensor's rows in blocks of 4096), so that a million-row reference costs
 * its 8 bytes a value and no row-major copy.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <sys/stat.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jsonl.h"
#include "mem.h"
#include "record.h"
#include "table.h"
#include "tensor.h"

/* One more row was appended: count it, and test a full window. */
static int
row_added(struct mare_table *t, const struct mare_table_window *w,
    struct mare_err *err)
{
	t->nrows++;
	t->total++;
	if (w != NULL && t->nrows == w->n)
		return w->full(w->arg, t, err);
	return 0;
}

/* Rows that fit before the window is full (all of n without a window). */
static size_t
room(const struct mare_table *t, const struct mare_table_window *w,
    size_t n)
{
	if (w == NULL || w->n - t->nrows >= n)
		return n;
	return w->n - t->nrows;
}

/* n more rows were appended: count them, and test a full window. */
static int
rows_added(struct mare_table *t, size_t n,
    const struct mare_table_window *w, struct mare_err *err)
{
	t->nrows += n - 1;
	t->total += n - 1;
	return row_added(t, w, err);
}

void
mare_table_free(struct mare_table *t)
{
	size_t j;

	for (j = 0; j < t->ncols; j++) {
		if (t->names != NULL)
			free(t->names[j]);
		if (t->cols != NULL)
			free(t->cols[j]);
	}
	free(t->names);
	free(t->cols);
	memset(t, 0, sizeof(*t));
}

/*
 * Room for more rows in every column (t->ncols set). After the first call
 * every column exists, even for more = 0.
 */
static int
grow(struct mare_table *t, size_t more, struct mare_err *err)
{
	double *r;
	size_t cap, j;

	if (t->cols == NULL &&
	    (t->cols = calloc(t->ncols + 1, sizeof(*t->cols))) == NULL)
		return mare_err_sys(err, MARE_E_NOMEM, "rows");
	if (t->cap > 0 && t->nrows + more <= t->cap)
		return 0;
	cap = t->cap == 0 ? 1024 : t->cap;
	while (cap < t->nrows + more)
		cap *= 2;
	if (cap > SIZE_MAX / sizeof(double) / (t->ncols + 1))
		return mare_err_set(err, MARE_E_NOMEM, "too many rows");
	for (j = 0; j < t->ncols; j++) {
		r = realloc(t->cols[j], cap * sizeof(*r));
		if (r == NULL)
			return mare_err_sys(err, MARE_E_NOMEM, "rows");
		t->cols[j] = r;
		mare_mem_hint_huge(r, cap * sizeof(*r));
	}
	t->cap = cap;
	return 0;
}

static int
read_tensor(FILE *fp, const char *name, const struct mare_table *want,
    struct mare_table *t, const struct mare_table_window *w,
    struct mare_err *err)
{
	struct mare_tensor_reader *r;
	const struct mare_tensor_info *info;
	struct stat sb;
	double *buf = NULL;
	size_t j, k, take, *map = NULL, got;
	int rc = -1, st;

	if ((r = mare_tensor_reader_new(fp, name, err)) == NULL)
		return -1;
	info = mare_tensor_reader_info(r);
	t->ncols = want != NULL ? want->ncols : info->ncols;
	t->names = calloc(t->ncols, sizeof(*t->names));
	map = calloc(t->ncols, sizeof(*map));
	buf = malloc(4096 * info->ncols * sizeof(*buf));
	if (t->names == NULL || map == NULL || buf == NULL) {
		mare_err_sys(err, MARE_E_NOMEM, "rows");
		goto out;
	}
	for (j = 0; j < t->ncols; j++) {
		const char *n = want != NULL ? want->names[j] :
		    info->columns[j];

		for (k = 0; k < info->ncols; k++)
			if (strcmp(info->columns[k], n) == 0)
				break;
		if (k == info->ncols) {
			mare_err_set(err, MARE_E_DATA, "column \"%s\" of the "
			    "reference is missing", n);
			mare_err_at(err, name, 0, 0);
			goto out;
		}
		map[j] = k;
		if ((t->names[j] = strdup(n)) == NULL) {
			mare_err_sys(err, MARE_E_NOMEM, "rows");
			goto out;
		}
	}
	/*
	 * A regular file holds at most this many rows: room for them at
	 * once (pages never written cost nothing) instead of columns grown
	 * by doubling, each growth a copy into new pages.
	 */
	if (fstat(fileno(fp), &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_size > 0 && (unsigned long long)sb.st_size >
	    info->header_size) {
		unsigned long long most = ((unsigned long long)sb.st_size -
		    info->header_size) / (info->ncols * info->itemsize);

		if (w != NULL && most > w->n)
			most = w->n;
		if (most < SIZE_MAX / sizeof(double) &&
		    grow(t, (size_t)most, err) == -1)
			goto out;
	}
	if (grow(t, 0, err) == -1)
		goto out;
	while ((st = mare_tensor_read_f64(r, buf, 4096, &got, err)) == 1) {
		for (k = 0; k < got; k += take) {
			take = room(t, w, got - k);
			if (grow(t, take, err) == -1)
				goto out;
			for (j = 0; j < t->ncols; j++) {
				double *col = t->cols[j] + t->nrows;
				const double *in = buf + k * info->ncols +
				    map[j];
				size_t i;

				for (i = 0; i < take; i++)
					col[i] = in[i * info->ncols];
			}
			if (rows_added(t, take, w, err) == -1)
				goto out;
		}
	}
	rc = st;
out:
	free(buf);
	free(map);
	mare_tensor_reader_free(r);
	return rc;
}

static int
read_jsonl(FILE *fp, const char *name, const struct mare_table *want,
    struct mare_table *t, const struct mare_table_window *w,
    struct mare_err *err)
{
	struct mare_jsonl_reader *r;
	json_t *o, *v;
	const char *key;
	unsigned char *seen = NULL;
	size_t j;
	int st, rc = -1;

	if ((r = mare_jsonl_reader_new(fp, name, 0, err)) == NULL)
		return -1;
	while ((st = mare_jsonl_read(r, &o, err)) == 1) {
		if (t->names == NULL) {
			/* columns: REF's, or the numeric keys of line 1 */
			t->ncols = want != NULL ? want->ncols : 0;
			if (want == NULL) {
				json_object_foreach(o, key, v) {
					t->ncols += json_is_number(v);
				}
			}
			if (t->ncols == 0) {
				json_decref(o);
				mare_err_set(err, MARE_E_DATA, "no numeric "
				    "values in the first record");
				mare_err_at(err, name, 1, 0);
				goto out;
			}
			t->names = calloc(t->ncols, sizeof(*t->names));
			free(seen);	/* NULL: line 1 comes once */
			seen = calloc(t->ncols, 1);
			if (t->names == NULL || seen == NULL) {
				json_decref(o);
				mare_err_sys(err, MARE_E_NOMEM, "rows");
				goto out;
			}
			j = 0;
			if (want != NULL)
				for (; j < t->ncols; j++)
					t->names[j] = strdup(want->names[j]);
			else {
				json_object_foreach(o, key, v) {
					if (json_is_number(v))
						t->names[j++] = strdup(key);
				}
			}
			for (j = 0; j < t->ncols; j++)
				if (t->names[j] == NULL) {
					json_decref(o);
					mare_err_sys(err, MARE_E_NOMEM,
					    "rows");
					goto out;
				}
		}
		if (grow(t, 1, err) == -1) {
			json_decref(o);
			goto out;
		}
		for (j = 0; j < t->ncols; j++) {
			double d = NAN;

			v = json_object_get(o, t->names[j]);
			if (json_is_number(v))
				d = json_number_value(v);
			else if (v != NULL && !json_is_null(v)) {
				mare_err_set(err, MARE_E_DATA, "%s: expected "
				    "a number or null", t->names[j]);
				mare_err_at(err, name, mare_jsonl_line(r), 0);
				json_decref(o);
				goto out;
			}
			if (v != NULL)
				seen[j] = 1;
			t->cols[j][t->nrows] = d;
		}
		json_decref(o);
		if (row_added(t, w, err) == -1)
			goto out;
	}
	if (st == -1)
		goto out;
	for (j = 0; want != NULL && j < t->ncols && t->total > 0; j++)
		if (!seen[j]) {
			mare_err_set(err, MARE_E_DATA, "column \"%s\" of the "
			    "reference is missing", t->names[j]);
			mare_err_at(err, name, 0, 0);
			goto out;
		}
	if (t->names == NULL && want != NULL) {	/* no rows at all */
		t->ncols = want->ncols;
		t->names = calloc(t->ncols, sizeof(*t->names));
		for (j = 0; t->names != NULL && j < t->ncols; j++)
			t->names[j] = strdup(want->names[j]);
	}
	rc = 0;
out:
	free(seen);
	mare_jsonl_reader_free(r);
	return rc;
}

static int
read_records(FILE *fp, const char *name,
    const struct mare_featspec *fs, const struct mare_grid_stack *st,
    const size_t *layer, struct mare_table *t,
    const struct mare_table_window *w, struct mare_err *err)
{
	struct mare_jsonl_reader *r;
	const char *field, *f2;
	char msg[256], msg2[256];
	double *row;
	json_t *o;
	size_t j;
	int rc = -1, s, ok;

	t->ncols = fs->nvars;
	if ((t->names = calloc(t->ncols, sizeof(*t->names))) == NULL)
		return mare_err_sys(err, MARE_E_NOMEM, "rows");
	for (j = 0; j < t->ncols; j++)
		if ((t->names[j] = strdup(fs->vars[j].name)) == NULL)
			return mare_err_sys(err, MARE_E_NOMEM, "rows");
	if ((row = malloc((t->ncols + 1) * sizeof(*row))) == NULL)
		return mare_err_sys(err, MARE_E_NOMEM, "rows");
	if ((r = mare_jsonl_reader_new(fp, name, 0, err)) == NULL) {
		free(row);
		return -1;
	}
	while ((s = mare_jsonl_read(r, &o, err)) == 1) {
		if (grow(t, 1, err) == -1) {
			json_decref(o);
			goto out;
		}
		ok = mare_record_values(o, fs, NULL, NULL, row, &field, msg,
		    sizeof(msg));
		if (!ok && st != NULL && st->nlayers > 0 &&
		    strcmp(msg, "missing") == 0) {
			ok = mare_record_values(o, fs, st, layer, row, &f2,
			    msg2, sizeof(msg2));
			if (!ok) {
				field = f2;
				memcpy(msg, msg2, sizeof(msg));
			}
		}
		json_decref(o);
		if (!ok) {
			mare_err_set(err, MARE_E_DATA, "%s: %s", field, msg);
			mare_err_at(err, name, mare_jsonl_line(r), 0);
			goto out;
		}
		for (j = 0; j < t->ncols; j++)
			t->cols[j][t->nrows] = row[j];
		if (row_added(t, w, err) == -1)
			goto out;
	}
	rc = s;
out:
	free(row);
	mare_jsonl_reader_free(r);
	return rc;
}

/*
 * The public readers fill a table of their own and hand it over at the end:
 * the readers' invariants (every column allocated once grown) then hold
 * for the analyzer too, which cannot know that no other code touches the
 * caller's T meanwhile.
 */
int
mare_table_read(FILE *fp, const char *name, const struct mare_table *want,
    struct mare_table *t, const struct mare_table_window *w,
    struct mare_err *err)
{
	struct mare_table tab;
	int c = getc(fp), rc;

	memset(&tab, 0, sizeof(tab));
	if (c != EOF)
		ungetc(c, fp);
	if (c == MARE_TABLE_TENSOR_MAGIC)
		rc = read_tensor(fp, name, want, &tab, w, err);
	else
		rc = read_jsonl(fp, name, want, &tab, w, err);
	*t = tab;
	return rc;
}

int
mare_table_read_records(FILE *fp, const char *name,
    const struct mare_featspec *fs, const struct mare_grid_stack *st,
    const size_t *layer, struct mare_table *t,
    const struct mare_table_window *w, struct mare_err *err)
{
	struct mare_table tab;
	int rc;

	memset(&tab, 0, sizeof(tab));
	rc = read_records(fp, name, fs, st, layer, &tab, w, err);
	*t = tab;
	return rc;
}
