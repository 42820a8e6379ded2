/*
 * test-csv.c - unit tests of lib/csv.c on real tables and small cases
 *
 * Expected values were read from the files with standard tools, e.g.
 *   sed -n 2p tests/data/csv/ioos_caricoos_sargassum_occurrence_dwc.csv
 *   python3 -c "import csv; print(sum(1 for _ in csv.reader(open(F))) - 1)"
 * (2168 rows for the IOOS table, 3672 for the pterois export).
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "csv.h"
#include "tap.h"

static char fixdir[1024];

static const char *
fixture(const char *name)
{
	static char path[1200];

	snprintf(path, sizeof(path), "%s/%s", fixdir, name);
	return path;
}

/* A source over a string, chunk bytes at a time. */
struct mem {
	const char	*s;
	size_t		 len, pos, chunk;
};

static long
mem_read(void *ctx, void *buf, size_t size, struct mare_err *err)
{
	struct mem *m = ctx;
	size_t n = m->len - m->pos;

	if (n > size)
		n = size;
	if (m->chunk > 0 && n > m->chunk)
		n = m->chunk;
	memcpy(buf, m->s + m->pos, n);
	m->pos += n;
	return (long)n;
}

static struct mare_csv *
mem_csv(struct mem *m, const char *s, size_t chunk,
    const struct mare_csv_opts *o, struct mare_err *err)
{
	m->s = s;
	m->len = strlen(s);
	m->pos = 0;
	m->chunk = chunk;
	mare_err_init(err);
	return mare_csv_new(mem_read, m, "mem", o, err);
}

static void
test_ioos(void)
{
	struct mare_err err;
	struct mare_csv *c;
	struct mare_csv_map *map;
	json_t *r, *first = NULL;
	size_t n = 0, nh;
	unsigned long lastline = 0;
	int rc;

	mare_err_init(&err);
	c = mare_csv_open(fixture("ioos_caricoos_sargassum_occurrence_"
	    "dwc.csv"), NULL, &err);
	ok(c != NULL, "csv: the IOOS table opens");
	if (c == NULL)
		return;
	is_int(mare_csv_delim(c), ',', "csv: comma sniffed");
	mare_csv_header(c, &nh);
	is_int((long long)nh, 12, "csv: 12 columns in the header");
	map = mare_csv_map_new(c, NULL, &err);
	while ((rc = mare_csv_read_record(c, map, "csv", &r, &err)) == 1) {
		if (n++ == 0)
			first = r;
		else
			json_decref(r);
	}
	is_int(rc, 0, "csv: IOOS read to the end");
	is_int((long long)n, 2168, "csv: IOOS has 2168 rows");
	/* line 2: 2021-01-13,17.972265,-67.065926,Chromista,Sargassum,... */
	is_str(json_string_value(json_object_get(first, "eventDate")),
	    "2021-01-13", "csv: IOOS first eventDate");
	is_double(json_real_value(json_object_get(first, "decimalLatitude")),
	    17.972265, 1e-12, "csv: IOOS first latitude is a number");
	is_double(json_real_value(json_object_get(first, "decimalLongitude")),
	    -67.065926, 1e-12, "csv: IOOS first longitude is a number");
	is_str(json_string_value(json_object_get(first, "basisOfRecord")),
	    "HumanObservation", "csv: IOOS first basisOfRecord");
	is_str(json_string_value(json_object_get(first, "source")), "csv",
	    "csv: source is csv");
	json_decref(first);
	mare_csv_map_free(map);
	mare_csv_close(c);

	c = mare_csv_open(fixture("ioos_caricoos_sargassum_occurrence_"
	    "dwc.csv"), NULL, &err);
	{
		const struct mare_csv_row *row;

		while (mare_csv_read(c, &row, &err) == 1)
			lastline = row->line;
	}
	is_int((long long)lastline, 2169, "csv: the last row is on line 2169");
	mare_csv_close(c);
}

static void
test_pterois(void)
{
	static const char *const ov[] = { "sname=scientificName",
	    "LATITUDE=decimalLatitude", "longitude=decimallongitude", NULL };
	static const char *const bad[] = { "nope=scientificName", NULL };
	static const char *const bad2[] = { "sname", NULL };
	struct mare_err err;
	struct mare_csv *c;
	struct mare_csv_map *map;
	json_t *r, *first = NULL;
	size_t n = 0, withlat = 0;
	int rc;

	mare_err_init(&err);
	c = mare_csv_open(fixture("obis_export_2015_pterois_volitans_"
	    "lionfish.csv"), NULL, &err);
	ok(c != NULL, "csv: the pterois export opens");
	if (c == NULL)
		return;
	map = mare_csv_map_new(c, bad, &err);
	ok(map == NULL && err.code == MARE_E_USAGE,
	    "csv: an override naming no column is a usage error");
	like(err.msg, "'nope=scientificName': no column 'nope' in the header",
	    "csv: the message names the column");
	mare_err_init(&err);
	ok(mare_csv_map_new(c, bad2, &err) == NULL &&
	    strcmp(err.msg, "'sname': expected COLUMN=TERM") == 0,
	    "csv: an override without '=' is refused");
	mare_err_init(&err);
	map = mare_csv_map_new(c, ov, &err);
	ok(map != NULL, "csv: overrides map old OBIS columns");
	is_str(mare_csv_map_key(map, 2), "scientificName",
	    "csv: sname maps to scientificName");
	is_str(mare_csv_map_key(map, 16), "depth",
	    "csv: depth is matched by name");
	while ((rc = mare_csv_read_record(c, map, "csv", &r, &err)) == 1) {
		if (json_is_number(json_object_get(r, "decimalLatitude")))
			withlat++;
		if (n++ == 0)
			first = r;
		else
			json_decref(r);
	}
	is_int(rc, 0, "csv: pterois read to the end");
	is_int((long long)n, 3672, "csv: pterois has 3672 rows");
	is_int((long long)withlat, 3672, "csv: every pterois row has a "
	    "numeric latitude");
	/*
	 * line 2: 13927887,501083,"Pterois volitans",...,
	 * -0.0235591009259224,37.9062004089355,...
	 */
	is_str(json_string_value(json_object_get(first, "scientificName")),
	    "Pterois volitans", "csv: pterois scientificName");
	is_double(json_real_value(json_object_get(first, "decimalLatitude")),
	    -0.0235591009259224, 1e-15, "csv: pterois first latitude");
	is_str(json_string_value(json_object_get(first, "tname")),
	    "Pterois volitans", "csv: an unknown column keeps its name");
	ok(json_object_get(first, "sname") == NULL,
	    "csv: the overridden column is renamed");
	ok(json_object_get(first, "lifestage") == NULL,
	    "csv: an empty quoted field is omitted");
	json_decref(first);
	mare_csv_map_free(map);
	mare_csv_close(c);
}

static void
test_latin1(void)
{
	struct mare_err err;
	struct mare_csv_opts o;
	struct mare_csv *c;
	const struct mare_csv_row *row;
	char where[1300];
	int rc;
	size_t n = 0;

	mare_err_init(&err);
	c = mare_csv_open(fixture("derived_latin1.csv"), NULL, &err);
	while ((rc = mare_csv_read(c, &row, &err)) == 1)
		n++;
	is_int(rc, -1, "csv: a Latin-1 byte is an error");
	is_int((long long)n, 2, "csv: after the two good rows");
	is_int(err.code, MARE_E_DATA, "csv: Latin-1 is a data error");
	is_str(err.msg, "invalid UTF-8 (byte 0xFC): the file looks like "
	    "Latin-1 or Windows-1252: use --encoding",
	    "csv: the message gives the byte and the hint");
	snprintf(where, sizeof(where), "%s:4", fixture("derived_latin1.csv"));
	is_str(err.where, where, "csv: the error names line 4");
	mare_csv_close(c);

	memset(&o, 0, sizeof(o));
	o.encoding = "ISO-8859-1";
	mare_err_init(&err);
	c = mare_csv_open(fixture("derived_latin1.csv"), &o, &err);
	n = 0;
	while ((rc = mare_csv_read(c, &row, &err)) == 1)
		if (++n == 3) {
			is_str(row->fields[4], "Sargass\xC3\xBCm",
			    "csv: iconv converts Latin-1 to UTF-8");
			is_int((long long)row->line, 4,
			    "csv: the converted row is line 4");
		}
	is_int(rc, 0, "csv: with --encoding the file reads to the end");
	is_int((long long)n, 5, "csv: all 5 rows");
	mare_csv_close(c);

	o.encoding = "NO-SUCH-CHARSET";
	mare_err_init(&err);
	c = mare_csv_open(fixture("derived_latin1.csv"), &o, &err);
	ok(c == NULL && err.code == MARE_E_USAGE &&
	    strcmp(err.msg, "unknown encoding 'NO-SUCH-CHARSET'") == 0,
	    "csv: an unknown encoding is a usage error");
}

static void
test_too_few(void)
{
	struct mare_err err;
	struct mare_csv_opts o;
	struct mare_csv *c;
	struct mare_csv_map *map;
	const struct mare_csv_row *row;
	json_t *r;
	char where[1300];
	int rc, nbad = 0, ngood = 0;

	mare_err_init(&err);
	c = mare_csv_open(fixture("derived_too_few.csv"), NULL, &err);
	rc = mare_csv_read(c, &row, &err);
	is_int(rc, 1, "csv: line 2 is fine");
	rc = mare_csv_read(c, &row, &err);
	is_int(rc, -1, "csv: too few columns is an error by default");
	is_str(err.msg, "expected 12 columns, got 3",
	    "csv: the message gives both counts");
	snprintf(where, sizeof(where), "%s:3", fixture("derived_too_few.csv"));
	is_str(err.where, where, "csv: ...at line 3");
	mare_csv_close(c);

	memset(&o, 0, sizeof(o));
	o.reject_bad_rows = 1;
	mare_err_init(&err);
	c = mare_csv_open(fixture("derived_too_few.csv"), &o, &err);
	map = mare_csv_map_new(c, NULL, &err);
	while ((rc = mare_csv_read_record(c, map, "csv", &r, &err)) > 0) {
		if (rc == MARE_CSV_BADROW) {
			nbad++;
			is_str(json_string_value(json_object_get(r,
			    "_rejected")), "expected 12 columns, got 3",
			    "csv: the reject gives the reason");
			is_str(json_string_value(json_object_get(r, "_raw")),
			    "2021-02-04,17.972265,-67.065926",
			    "csv: the reject carries the raw row");
			is_str(json_string_value(json_object_get(r, "_where")),
			    where, "csv: the reject names the line");
		} else
			ngood++;
		json_decref(r);
	}
	is_int(rc, 0, "csv: with rejects the file reads to the end");
	is_int(nbad, 1, "csv: one reject");
	is_int(ngood, 4, "csv: four records");
	mare_csv_map_free(map);
	mare_csv_close(c);
}

/* The quoted-newline file, read with a source of chunk bytes at a time. */
static void
test_quoted(size_t chunk)
{
	struct mare_err err;
	struct mare_csv *c;
	struct mem m;
	const struct mare_csv_row *row;
	unsigned long lines[4] = { 0, 0, 0, 0 };
	char *text, *v2 = NULL, *r2 = NULL;
	FILE *fp;
	size_t n = 0, len;
	int rc;

	fp = fopen(fixture("derived_quoted_newlines.csv"), "rb");
	text = calloc(1, 4096);
	len = fread(text, 1, 4095, fp);
	fclose(fp);
	text[len] = '\0';
	c = mem_csv(&m, text, chunk, NULL, &err);
	while ((rc = mare_csv_read(c, &row, &err)) == 1 && n < 4) {
		lines[n] = row->line;
		if (n == 0)
			v2 = strdup(row->fields[6]);
		if (n == 1) {
			free(r2);
			r2 = strdup(row->fields[11]);
		}
		n++;
	}
	is_int(rc, 0, "csv: chunk %zu: quoted newlines read to the end",
	    chunk);
	is_int((long long)n, 3, "csv: chunk %zu: three rows", chunk);
	ok(lines[0] == 2 && lines[1] == 4 && lines[2] == 7,
	    "csv: chunk %zu: rows start on lines 2, 4, 7 (got %lu %lu %lu)",
	    chunk, lines[0], lines[1], lines[2]);
	is_str(v2, "Varadero\n2021-01-13", "csv: chunk %zu: a newline inside "
	    "quotes is kept", chunk);
	is_str(r2, "Human\n\"Observation\"\n", "csv: chunk %zu: doubled "
	    "quotes and newlines per RFC 4180", chunk);
	free(v2);
	free(r2);
	free(text);
	mare_csv_close(c);
}

static void
test_small(void)
{
	struct mare_err err;
	struct mare_csv_opts o;
	struct mare_csv *c;
	struct mem m;
	const struct mare_csv_row *row;
	char *big;
	size_t n;

	c = mem_csv(&m, "a;b|c;d\n1;2|3;4\n", 0, NULL, &err);
	is_int(mare_csv_delim(c), ';', "csv: semicolon sniffed");
	mare_csv_close(c);
	c = mem_csv(&m, "a|b|\"c,d,e\"\n", 0, NULL, &err);
	is_int(mare_csv_delim(c), '|', "csv: pipe sniffed, commas inside "
	    "quotes ignored");
	mare_csv_close(c);
	c = mem_csv(&m, "\xEF\xBB\xBF" "a\tb\r\n1\t2\r\n\r\n3\t4", 0, NULL,
	    &err);
	is_int(mare_csv_delim(c), '\t', "csv: tab sniffed after a BOM");
	n = 0;
	while (mare_csv_read(c, &row, &err) == 1)
		n++;
	ok(n == 2 && row == NULL, "csv: CRLF, a blank line, no final newline");
	{
		size_t nh;
		const char *const *h = mare_csv_header(c, &nh);

		ok(nh == 2 && strcmp(h[0], "a") == 0, "csv: the BOM is "
		    "stripped from the first name");
	}
	mare_csv_close(c);

	c = mem_csv(&m, "a,b\n1,\"2\n", 0, NULL, &err);
	ok(mare_csv_read(c, &row, &err) == -1 &&
	    strcmp(err.msg, "quoted field not closed at the end of the input")
	    == 0 && strcmp(err.where, "mem:2") == 0,
	    "csv: an unclosed quote at the end is an error at its line");
	mare_csv_close(c);

	c = mem_csv(&m, "a,b\n1,2\r3,4\n", 0, NULL, &err);
	ok(mare_csv_read(c, &row, &err) == -1 && strcmp(err.where, "mem:2")
	    == 0 && strstr(err.msg, "carriage return") != NULL,
	    "csv: a bare CR in the middle of a line is refused");
	mare_csv_close(c);

	c = mem_csv(&m, "a,b\n1,x\0y\n", 0, NULL, &err);
	m.len = 11;
	ok(mare_csv_read(c, &row, &err) == -1 &&
	    strcmp(err.msg, "NUL byte in text") == 0, "csv: a NUL byte is "
	    "refused");
	mare_csv_close(c);

	/* a 200 000-byte field: longer than the 64 KiB buffer */
	big = malloc(200020);
	memcpy(big, "a,b\n1,", 6);
	memset(big + 6, 'x', 200000);
	memcpy(big + 200006, "\n2,3\n", 6);
	c = mem_csv(&m, big, 0, NULL, &err);
	ok(mare_csv_read(c, &row, &err) == 1 && row->lens[1] == 200000 &&
	    row->line == 2, "csv: a field longer than the buffer is whole");
	ok(mare_csv_read(c, &row, &err) == 1 && row->line == 3 &&
	    strcmp(row->fields[0], "2") == 0, "csv: and the next row follows");
	mare_csv_close(c);
	memset(&o, 0, sizeof(o));
	o.max_row = 100000;
	c = mem_csv(&m, big, 0, &o, &err);
	ok(mare_csv_read(c, &row, &err) == -1 && strcmp(err.msg,
	    "row longer than 100000 bytes (a quote not closed?)") == 0 &&
	    strcmp(err.where, "mem:2") == 0, "csv: a row over max_row is an "
	    "error");
	mare_csv_close(c);
	free(big);

	memset(&o, 0, sizeof(o));
	o.no_header = 1;
	o.delim = '\t';
	o.quote = MARE_CSV_NOQUOTE;
	o.min_columns = 3;
	o.reject_bad_rows = 1;
	c = mem_csv(&m, "\"a\tb\tc\nd\te\n", 0, &o, &err);
	ok(mare_csv_read(c, &row, &err) == 1 &&
	    strcmp(row->fields[0], "\"a") == 0, "csv: without quoting a "
	    "quote is text");
	ok(mare_csv_read(c, &row, &err) == MARE_CSV_BADROW &&
	    strcmp(row->problem, "expected at least 3 columns, got 2") == 0,
	    "csv: min_columns makes short rows bad");
	mare_csv_close(c);

	c = mem_csv(&m, "", 0, NULL, &err);
	ok(c == NULL && strcmp(err.msg, "no header line") == 0,
	    "csv: an empty file has no header line");
}

/* UTF-8 forms, options, iconv faults, a read error, and a BOM */
static void
test_more(void)
{
	static const struct {
		const char *text, *msg, *where, *what;
	} bad[] = {
		{ "a\n\xED\xA0\x80\n", "invalid UTF-8 (byte 0xED): the "
		  "file looks like Latin-1 or Windows-1252: use --encoding",
		  "mem:2", "a UTF-16 surrogate (ED A0 80)" },
		{ "a\n\xF0\x80\x80\x80\n", "invalid UTF-8 (byte 0xF0): the "
		  "file looks like Latin-1 or Windows-1252: use --encoding",
		  "mem:2", "an overlong 4-byte form (F0 80 80 80)" },
		{ "a\n\xF4\x90\x80\x80\n", "invalid UTF-8 (byte 0xF4): the "
		  "file looks like Latin-1 or Windows-1252: use --encoding",
		  "mem:2", "past U+10FFFF (F4 90 80 80)" },
		{ "a\nx\n\xC3", "invalid UTF-8 (a character cut at the end of "
		  "the input)", "mem:3", "a lead byte at the very end" }
	};
	struct mare_csv_opts o;
	struct mare_csv_map *map;
	const struct mare_csv_row *row;
	const char *const *h;
	struct mare_csv *c;
	struct mare_err err;
	struct mem m;
	json_t *rec;
	size_t i, nh;
	int rc;

	/* a valid 4-byte character (U+1F41F) and a 3-byte one (U+20AC) */
	c = mem_csv(&m, "a\n\xF0\x9F\x90\x9F\xE2\x82\xAC\n", 0, NULL, &err);
	ok(c != NULL && mare_csv_read(c, &row, &err) == 1 &&
	    strcmp(row->fields[0], "\xF0\x9F\x90\x9F\xE2\x82\xAC") == 0,
	    "csv: 4- and 3-byte UTF-8 read as they are");
	mare_csv_close(c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = mem_csv(&m, bad[i].text, 0, NULL, &err);
		while (c != NULL && (rc = mare_csv_read(c, &row, &err)) == 1)
			;
		ok(err.code == MARE_E_DATA, "csv: %s is a data error",
		    bad[i].what);
		is_str(err.msg, bad[i].msg, "csv: %s: message", bad[i].what);
		is_str(err.where, bad[i].where, "csv: %s: line", bad[i].what);
		mare_csv_close(c);
	}

	/* found by this test: a BOM was kept when the first read gave
	 * fewer than 3 bytes (a pipe may) */
	c = mem_csv(&m, "\xEF\xBB\xBF" "a,b\n1,2\n", 1, NULL, &err);
	h = c != NULL ? mare_csv_header(c, &nh) : NULL;
	ok(h != NULL && nh == 2 && strcmp(h[0], "a") == 0,
	    "csv: the BOM is stripped when read one byte at a time");
	mare_csv_close(c);

	/* options */
	memset(&o, 0, sizeof(o));
	o.delim = ';';
	o.quote = ';';
	ok(mem_csv(&m, "a\n", 0, &o, &err) == NULL &&
	    err.code == MARE_E_USAGE &&
	    strcmp(err.msg, "bad CSV reader options") == 0,
	    "csv: a quote equal to the separator is a usage error");
	memset(&o, 0, sizeof(o));
	o.skip_rows = 5;
	ok(mem_csv(&m, "x\ny\n", 0, &o, &err) == NULL &&
	    err.code == MARE_E_DATA && strcmp(err.msg, "no header line") == 0,
	    "csv: skipping more rows than there are leaves no header");
	memset(&o, 0, sizeof(o));
	o.no_header = 1;
	c = mem_csv(&m, "1,2\n", 0, &o, &err);
	mare_err_init(&err);
	ok(c != NULL && mare_csv_map_new(c, NULL, &err) == NULL &&
	    err.code == MARE_E_USAGE && strcmp(err.msg, "mapping columns "
	    "needs a header line") == 0, "csv: a map needs a header line");
	mare_csv_close(c);

	/* iconv: a byte ASCII cannot convert, on line 3 */
	memset(&o, 0, sizeof(o));
	o.encoding = "ASCII";
	c = mem_csv(&m, "a\nb\nc\xE9\n", 0, &o, &err);
	rc = 0;
	while (c != NULL && (rc = mare_csv_read(c, &row, &err)) == 1)
		;
	ok((c == NULL || rc == -1) && err.code == MARE_E_DATA &&
	    strcmp(err.msg, "a byte sequence that this encoding cannot "
	    "convert") == 0, "csv: ASCII cannot convert 0xE9 (%s)", err.msg);
	is_str(err.where, "mem:3", "csv: ... on line 3");
	mare_csv_close(c);
	/* iconv: UTF-16LE with an odd byte at the end */
	{
		static const char u16[] = "a\0\n\0b\0\n\0c";
		struct mem m16 = { u16, sizeof(u16) - 1, 0, 0 };

		o.encoding = "UTF-16LE";
		mare_err_init(&err);
		c = mare_csv_new(mem_read, &m16, "mem", &o, &err);
		rc = 0;
		while (c != NULL && (rc = mare_csv_read(c, &row, &err)) == 1)
			;
		ok((c == NULL || rc == -1) && err.code == MARE_E_DATA &&
		    strcmp(err.msg, "incomplete multibyte sequence at the "
		    "end") == 0, "csv: UTF-16LE cut in a character (%s)",
		    err.msg);
		is_str(err.where, "mem:3", "csv: ... on line 3");
		mare_csv_close(c);
	}
	/* iconv: an empty input has no header */
	o.encoding = "ISO-8859-1";
	ok(mem_csv(&m, "", 0, &o, &err) == NULL && err.code == MARE_E_DATA &&
	    strcmp(err.msg, "no header line") == 0,
	    "csv: an empty Latin-1 input has no header line");

	/* a folder: fopen() works, fread() fails */
	mare_err_init(&err);
	ok(mare_csv_open(tap_tmpdir(), NULL, &err) == NULL &&
	    err.code == MARE_E_IO && strcmp(err.msg, "read error") == 0 &&
	    err.sys_errno == EISDIR, "csv: a folder is a read error "
	    "(EISDIR)");

	/* a record value that a numeric term refuses */
	c = mem_csv(&m, "decimalLatitude\n12.5\nabc\n", 0, NULL, &err);
	map = c != NULL ? mare_csv_map_new(c, NULL, &err) : NULL;
	rc = map != NULL ? mare_csv_read_record(c, map, "csv", &rec, &err) :
	    -1;
	ok(rc == 1 && json_real_value(json_object_get(rec,
	    "decimalLatitude")) == 12.5, "csv: 12.5 is a number");
	json_decref(rec);
	rc = map != NULL ? mare_csv_read_record(c, map, "csv", &rec, &err) :
	    0;
	ok(rc == 1 && json_is_string(json_object_get(rec, "decimalLatitude")),
	    "csv: 'abc' as decimalLatitude stays a string (for validation "
	    "to reject)");
	json_decref(rec);
	mare_csv_map_free(map);
	mare_csv_close(c);
}

int
main(void)
{
	const char *src = getenv("MARE_SRCDIR");

	snprintf(fixdir, sizeof(fixdir), "%s/tests/data/csv",
	    src != NULL && *src != '\0' ? src : ".");
	if (access(fixture("derived_latin1.csv"), R_OK) != 0) {
		diag("fixtures not found in %s (set MARE_SRCDIR)", fixdir);
		ok(0, "csv: the fixtures are found");
		return tap_done();
	}
	test_ioos();
	test_pterois();
	test_latin1();
	test_too_few();
	test_quoted(0);
	test_quoted(1);
	test_quoted(7);
	test_small();
	test_more();
	return tap_done();
}
