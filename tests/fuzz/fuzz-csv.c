/*
 * fuzz-csv - libFuzzer target: CSV/TSV rows and their mapping to records
 *
 * Each input is read twice from memory through a read callback that hands
 * out at most 7 bytes a call (so rows cross buffer ends): with a sniffed
 * delimiter, a header and Darwin Core records; and without a header,
 * rejecting bad rows, converting from Latin-1.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <string.h>

#include <jansson.h>

#include "csv.h"
#include "fuzz.h"

struct src {
	const uint8_t	*p;
	size_t		 left;
};

static long
feed(void *ctx, void *buf, size_t size, struct mare_err *err)
{
	struct src *s = ctx;
	size_t n = s->left < size ? s->left : size;

	if (n > 7)
		n = 7;
	memcpy(buf, s->p, n);
	s->p += n;
	s->left -= n;
	return (long)n;
}

static void
as_records(const uint8_t *data, size_t size)
{
	struct mare_csv_opts o;
	struct src s = { data, size };
	struct mare_csv *csv;
	struct mare_csv_map *map = NULL;
	struct mare_err err;
	json_t *rec;
	int ret;

	memset(&o, 0, sizeof(o));
	o.max_row = 4096;
	mare_err_init(&err);
	if ((csv = mare_csv_new(feed, &s, "fuzz.csv", &o, &err)) == NULL) {
		fuzz_check_err(&err);
		return;
	}
	if ((map = mare_csv_map_new(csv, NULL, &err)) == NULL) {
		fuzz_check_err(&err);
		goto out;
	}
	while ((ret = mare_csv_read_record(csv, map, "csv", &rec,
	    &err)) == 1)
		json_decref(rec);
	if (ret == -1)
		fuzz_check_err(&err);
out:
	mare_csv_map_free(map);
	mare_csv_close(csv);
}

static void
as_rows(const uint8_t *data, size_t size)
{
	struct mare_csv_opts o;
	struct src s = { data, size };
	const struct mare_csv_row *row;
	struct mare_csv *csv;
	struct mare_err err;
	int ret;

	memset(&o, 0, sizeof(o));
	o.no_header = 1;
	o.min_columns = 2;
	o.reject_bad_rows = 1;
	o.encoding = "ISO-8859-1";
	o.max_row = 4096;
	mare_err_init(&err);
	if ((csv = mare_csv_new(feed, &s, "fuzz.csv", &o, &err)) == NULL) {
		fuzz_check_err(&err);
		return;
	}
	while ((ret = mare_csv_read(csv, &row, &err)) == 1 ||
	    ret == MARE_CSV_BADROW)
		;
	if (ret == -1)
		fuzz_check_err(&err);
	mare_csv_close(csv);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return 0;
	as_records(data, size);
	as_rows(data, size);
	return 0;
}
