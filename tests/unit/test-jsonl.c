/*
 * test-jsonl.c - unit tests of the JSON Lines reader and writer
 *
 * Inputs are written to temporary files (tmpfile()) so that NUL bytes,
 * CRLF and a missing final newline reach the reader exactly.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "tap.h"

static FILE *
input(const char *data, size_t n)
{
	FILE *fp = tmpfile();

	if (fp == NULL || fwrite(data, 1, n, fp) != n) {
		perror("tmpfile");
		abort();
	}
	rewind(fp);
	return fp;
}

#define INPUT(s)	input((s), sizeof(s) - 1)

/*
 * The reading tests run twice: as is, and with the reader decoding only
 * selected keys (lib/jscan.h), which on these regular files also reads in
 * blocks; lines, errors, raw text and the selected values must not change.
 */
static int select_mode;

static struct mare_jsonl_reader *
new_reader(FILE *fp, const char *name, size_t max, struct mare_err *err)
{
	static const char *const keys[] = { "n", "s", "a" };
	struct mare_jsonl_reader *r = mare_jsonl_reader_new(fp, name, max,
	    err);

	if (r != NULL && select_mode && mare_jsonl_reader_select(r, keys, 3,
	    err) != 0) {
		mare_jsonl_reader_free(r);
		return NULL;
	}
	return r;
}
#define mare_jsonl_reader_new(fp, name, max, err) \
	new_reader((fp), (name), (max), (err))

/* Read one record; returns the read status and the formatted error. */
static int
next(struct mare_jsonl_reader *r, json_t **obj, char *msg, size_t size)
{
	struct mare_err err;
	int rc;

	mare_err_init(&err);
	rc = mare_jsonl_read(r, obj, &err);
	if (rc == -1)
		mare_err_format(&err, msg, size);
	else
		snprintf(msg, size, "%s", "");
	return rc;
}

static json_int_t
field(const json_t *obj, const char *key)
{
	return json_integer_value(json_object_get(obj, key));
}

static void
test_several(void)
{
	struct mare_jsonl_reader *r;
	json_t *o;
	char msg[600];
	FILE *fp = INPUT("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
	int n = 0;

	r = mare_jsonl_reader_new(fp, "occ.jsonl", 0, NULL);
	while (next(r, &o, msg, sizeof(msg)) == 1) {
		n++;
		is_int(field(o, "n"), n, "jsonl: record %d holds n = %d", n,
		    n);
		json_decref(o);
	}
	is_int(n, 3, "jsonl: three lines give three records");
	is_int((long long)mare_jsonl_line(r), 3,
	    "jsonl: the line count after three lines is 3");
	is_int(next(r, &o, msg, sizeof(msg)), 0,
	    "jsonl: reading after the end returns 0 again");
	ok(o == NULL, "jsonl: at the end the record pointer is NULL");
	mare_jsonl_reader_free(r);
	fclose(fp);
}

static void
test_blank_crlf_lastline(void)
{
	struct mare_jsonl_reader *r;
	json_t *o;
	const char *raw;
	size_t len;
	char msg[600];
	FILE *fp = INPUT("{\"n\":1}\r\n\n  \t\r\n{\"n\":2}\r\n{\"n\":3}");

	r = mare_jsonl_reader_new(fp, "occ.jsonl", 0, NULL);
	is_int(next(r, &o, msg, sizeof(msg)), 1,
	    "jsonl: a CRLF line is read");
	raw = mare_jsonl_raw(r, &len);
	ok(len == 7 && memcmp(raw, "{\"n\":1}", 7) == 0,
	    "jsonl: the raw text of a CRLF line has no CR");
	json_decref(o);
	is_int(next(r, &o, msg, sizeof(msg)), 1,
	    "jsonl: blank lines are skipped to the next record");
	is_int(field(o, "n"), 2, "jsonl: the record after blanks is n = 2");
	is_int((long long)mare_jsonl_line(r), 4,
	    "jsonl: blank lines are counted: the record is on line 4");
	json_decref(o);
	is_int(next(r, &o, msg, sizeof(msg)), 1,
	    "jsonl: a last line without a newline is read");
	is_int(field(o, "n"), 3, "jsonl: the last line holds n = 3");
	is_int((long long)mare_jsonl_line(r), 5,
	    "jsonl: the last line is line 5");
	json_decref(o);
	is_int(next(r, &o, msg, sizeof(msg)), 0,
	    "jsonl: then the input ends");
	mare_jsonl_reader_free(r);
	fclose(fp);
}

static void
test_errors(void)
{
	struct mare_jsonl_reader *r;
	json_t *o;
	const char *raw;
	size_t len;
	char msg[600];
	FILE *fp = INPUT("{\"n\":1}\n"
	    "[1,2]\n"
	    "{\"n\": 3,, }\n"
	    "{\"s\":\"\xff\xfe\"}\n"
	    "{\"n\":5}\n"
	    "{\"n\":6,\"a\":\0}\n"
	    "\"text\"\n"
	    "{\"n\":8} x\n"
	    "{\"n\":9,\"n\":9}\n"
	    "{\"n\":10}\n");
	struct mare_err err;

	r = mare_jsonl_reader_new(fp, "occ.jsonl", 0, NULL);
	is_int(next(r, &o, msg, sizeof(msg)), 1, "jsonl: line 1 is read");
	json_decref(o);

	is_int(next(r, &o, msg, sizeof(msg)), -1,
	    "jsonl: an array line is an error");
	is_str(msg, "occ.jsonl:2: expected a JSON object, got an array",
	    "jsonl: an array line names the type and line 2");
	ok(o == NULL, "jsonl: a failed read leaves the record NULL");
	raw = mare_jsonl_raw(r, &len);
	ok(len == 5 && memcmp(raw, "[1,2]", 5) == 0,
	    "jsonl: the raw text of the rejected line is available");

	is_int(next(r, &o, msg, sizeof(msg)), -1,
	    "jsonl: invalid JSON is an error");
	is_str(msg, "occ.jsonl:3:9: invalid JSON: string or '}' expected "
	    "near ','", "jsonl: invalid JSON gives line:column and jansson's "
	    "reason");

	mare_err_init(&err);
	is_int(mare_jsonl_read(r, &o, &err), -1,
	    "jsonl: invalid UTF-8 is an error");
	is_int(err.code, MARE_E_DATA, "jsonl: invalid UTF-8 is a data error");
	is_str(mare_err_format(&err, msg, sizeof(msg)),
	    "occ.jsonl:4:6: invalid JSON: invalid UTF-8 byte 0xff",
	    "jsonl: invalid UTF-8 names line 4 and the byte");

	is_int(next(r, &o, msg, sizeof(msg)), 1,
	    "jsonl: the line after invalid UTF-8 is read");
	is_int(field(o, "n"), 5, "jsonl: and it is line 5's record");
	json_decref(o);

	is_int(next(r, &o, msg, sizeof(msg)), -1,
	    "jsonl: a NUL byte is an error, not a truncation");
	is_str(msg, "occ.jsonl:6:12: NUL byte in line",
	    "jsonl: a NUL byte names line 6 and its column");

	is_int(next(r, &o, msg, sizeof(msg)), -1,
	    "jsonl: a string line is an error");
	is_str(msg, "occ.jsonl:7: expected a JSON object, got a string",
	    "jsonl: a string line names the type");

	is_int(next(r, &o, msg, sizeof(msg)), -1,
	    "jsonl: text after the object is an error");
	is_str(msg, "occ.jsonl:8:9: invalid JSON: end of file expected "
	    "near 'x'", "jsonl: trailing text is reported at its column");

	is_int(next(r, &o, msg, sizeof(msg)), -1,
	    "jsonl: a duplicate key is an error");
	is_str(msg, "occ.jsonl:9:10: invalid JSON: duplicate object key "
	    "near '\"n\"'", "jsonl: a duplicate key is named");

	is_int(next(r, &o, msg, sizeof(msg)), 1,
	    "jsonl: reading goes on after errors");
	is_int(field(o, "n"), 10, "jsonl: the last record is line 10's");
	json_decref(o);
	is_int(next(r, &o, msg, sizeof(msg)), 0, "jsonl: then the end");
	mare_jsonl_reader_free(r);
	fclose(fp);
}

static void
test_long_line(void)
{
	struct mare_jsonl_reader *r;
	json_t *o;
	char msg[600], *data;
	size_t big = 5 * 1024 * 1024, n, len;
	FILE *fp;
	struct mare_err err;

	/* {"n":1}\n {"s":"xxx...(5 MiB)"}\n {"n":3}\n */
	data = malloc(big + 64);
	n = (size_t)snprintf(data, 64, "{\"n\":1}\n{\"s\":\"");
	memset(data + n, 'x', big);
	n += big;
	memcpy(data + n, "\"}\n{\"n\":3}\n", 11);
	n += 11;
	fp = input(data, n);
	free(data);

	r = mare_jsonl_reader_new(fp, "big.jsonl", 0, NULL);
	is_int(next(r, &o, msg, sizeof(msg)), 1,
	    "jsonl: the line before the long one is read");
	json_decref(o);
	mare_err_init(&err);
	is_int(mare_jsonl_read(r, &o, &err), -1,
	    "jsonl: a 5 MiB line over the 1 MiB limit is an error");
	is_int(err.code, MARE_E_DATA, "jsonl: a long line is a data error");
	is_str(mare_err_format(&err, msg, sizeof(msg)),
	    "big.jsonl:2: line longer than 1048576 bytes",
	    "jsonl: a long line is reported at line 2 with the limit");
	ok(mare_jsonl_raw(r, &len) == NULL && len == 0,
	    "jsonl: a long line has no raw text");
	ok(mare_jsonl_bufsize(r) <= MARE_JSONL_MAX_LINE + 1,
	    "jsonl: the buffer did not grow past the limit (%zu bytes)",
	    mare_jsonl_bufsize(r));
	is_int(next(r, &o, msg, sizeof(msg)), 1,
	    "jsonl: the line after the long one is read");
	is_int(field(o, "n"), 3, "jsonl: it is line 3's record");
	is_int((long long)mare_jsonl_line(r), 3,
	    "jsonl: and the line count is 3");
	json_decref(o);
	mare_jsonl_reader_free(r);

	rewind(fp);
	r = mare_jsonl_reader_new(fp, "big.jsonl", 8 * 1024 * 1024, NULL);
	n = 0;
	while (next(r, &o, msg, sizeof(msg)) == 1) {
		if (n == 1)
			is_int((long long)json_string_length(
			    json_object_get(o, "s")), (long long)big,
			    "jsonl: a raised limit reads the 5 MiB string");
		json_decref(o);
		n++;
	}
	is_int((long long)n, 3, "jsonl: a raised limit accepts all 3 lines");
	ok(msg[0] == '\0', "jsonl: and no error");
	mare_jsonl_reader_free(r);
	fclose(fp);

	/* A line exactly at the limit, with CRLF, fits; one more does not. */
	fp = INPUT("{\"a\":12}\r\n{\"a\":123}\n{\"a\":1}");
	r = mare_jsonl_reader_new(fp, "t", 8, NULL);
	is_int(next(r, &o, msg, sizeof(msg)), 1,
	    "jsonl: a line of exactly max_line bytes plus CRLF is read");
	json_decref(o);
	is_int(next(r, &o, msg, sizeof(msg)), -1,
	    "jsonl: a line of max_line + 1 bytes is not");
	is_str(msg, "t:2: line longer than 8 bytes",
	    "jsonl: the small limit is named in the message");
	ok(mare_jsonl_bufsize(r) <= 9,
	    "jsonl: the buffer stays at max_line + 1 bytes");
	is_int(next(r, &o, msg, sizeof(msg)), 1,
	    "jsonl: the last line is read after it");
	json_decref(o);
	mare_jsonl_reader_free(r);
	fclose(fp);
}

static void
test_empty(void)
{
	struct mare_jsonl_reader *r;
	json_t *o;
	char msg[600];
	FILE *fp = INPUT("");

	r = mare_jsonl_reader_new(fp, "empty.jsonl", 0, NULL);
	is_int(next(r, &o, msg, sizeof(msg)), 0,
	    "jsonl: an empty file returns 0 at once");
	is_int((long long)mare_jsonl_line(r), 0,
	    "jsonl: an empty file has no lines");
	mare_jsonl_reader_free(r);
	fclose(fp);

	fp = INPUT("\n \n");
	r = mare_jsonl_reader_new(fp, "blank.jsonl", 0, NULL);
	is_int(next(r, &o, msg, sizeof(msg)), 0,
	    "jsonl: a file of blank lines has no records");
	is_int((long long)mare_jsonl_line(r), 2,
	    "jsonl: but its 2 lines are counted");
	mare_jsonl_reader_free(r);
	fclose(fp);
}

/* Write obj to a string with mare_jsonl_write(). */
static char *
written(const json_t *obj, struct mare_err *err)
{
	char *s = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&s, &n);

	mare_err_init(err);
	if (mare_jsonl_write(fp, obj, err) == -1) {
		fclose(fp);
		free(s);
		return NULL;
	}
	fclose(fp);
	return s;
}

static void
test_doubles(void)
{
	static const struct {
		double		v;
		const char	*text;
	} cases[] = {
		{ 0.1, "0.1" },
		{ 1 / 3.0, "0.3333333333333333" },
		{ 12.345, "12.345" },
		{ 1e300, "1e+300" },
		{ 1e-300, "1e-300" },
		{ 5e-324, "5e-324" },
		{ 2.2250738585072014e-308, "2.2250738585072014e-308" },
		{ 1.7976931348623157e308, "1.7976931348623157e+308" },
		{ -0.0, "-0.0" },
		{ 0.0, "0.0" },
		{ 3.0, "3.0" },
		{ -250.0, "-250.0" },
		{ 1e15, "1000000000000000.0" },
		{ 1e16, "1e+16" },
		{ 0.0001, "0.0001" },
		{ 0.00001, "1e-05" },
		{ 123456789012345678.0, "1.2345678901234568e+17" },
		{ 0.30000000000000004, "0.30000000000000004" },
		{ -45.123456, "-45.123456" },
		{ 9007199254740993.0, "9007199254740992.0" },
	};
	char buf[MARE_JSONL_DTOA_SIZE], line[128];
	struct mare_err err;
	json_t *o;
	char *s;
	double back;
	size_t i;
	int len;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = mare_jsonl_dtoa(cases[i].v, buf, sizeof(buf));
		is_str(buf, cases[i].text, "dtoa: %.17g is written as %s",
		    cases[i].v, cases[i].text);
		is_int(len, (long long)strlen(cases[i].text),
		    "dtoa: the length of %s is returned", cases[i].text);
		back = strtod(buf, NULL);
		ok(memcmp(&back, &cases[i].v, sizeof(back)) == 0,
		    "dtoa: %s reads back bit-exact", buf);

		o = json_pack("{s:f}", "v", cases[i].v);
		s = written(o, &err);
		snprintf(line, sizeof(line), "{\"v\":%s}\n", cases[i].text);
		is_str(s, line, "write: the real %s is written shortest",
		    cases[i].text);
		free(s);
		json_decref(o);
	}
	ok(mare_jsonl_dtoa(NAN, buf, sizeof(buf)) == -1,
	    "dtoa: NaN is refused");
	ok(mare_jsonl_dtoa(-INFINITY, buf, sizeof(buf)) == -1,
	    "dtoa: -infinity is refused");
	ok(mare_jsonl_dtoa(0.1, buf, 8) == -1,
	    "dtoa: a buffer under MARE_JSONL_DTOA_SIZE is refused");
	ok(json_real(NAN) == NULL,
	    "write: jansson cannot even hold NaN, so none reaches the writer");
}

/*
 * The significant digits of a number's text, without leading or trailing
 * zeros, the sign, the point or the exponent: "-0.0250" -> "25".
 */
static void
digits(const char *s, char *d, size_t size)
{
	size_t n = 0;

	for (; *s != '\0' && *s != 'e' && n + 1 < size; s++)
		if (*s >= '0' && *s <= '9' && (n > 0 || *s != '0'))
			d[n++] = *s;
	while (n > 1 && d[n - 1] == '0')
		n--;
	d[n] = '\0';
}

/* Check v against the reference search of the brief: %.*g for 1..17. */
static void
check_one(double v, int *bad, int *differ)
{
	char buf[MARE_JSONL_DTOA_SIZE], g[40], d1[40], d2[40];
	double back;
	int p;

	mare_jsonl_dtoa(v, buf, sizeof(buf));
	back = strtod(buf, NULL);
	if (memcmp(&back, &v, sizeof(v)) != 0)
		(*bad)++;
	for (p = 1; p <= 17; p++) {
		snprintf(g, sizeof(g), "%.*g", p, v);
		if (strtod(g, NULL) == v)
			break;
	}
	digits(buf, d1, sizeof(d1));
	digits(g, d2, sizeof(d2));
	if (strcmp(d1, d2) != 0) {
		if (*differ == 0)
			diag("%s differs from %s", buf, g);
		(*differ)++;
	}
}

static void
test_doubles_random(void)
{
	uint64_t x = 88172645463325252ULL;
	double v;
	int i, bad = 0, differ = 0;

	for (i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(&v, &x, sizeof(v));
		if (isfinite(v))
			check_one(v, &bad, &differ);
		/* Coordinates with 1 to 7 decimals, as occurrences hold. */
		v = (double)(int64_t)(x % 3600000000ULL) - 1800000000.0;
		check_one(v / pow(10, (double)(1 + (x >> 60) % 7)), &bad,
		    &differ);
	}
	is_int(bad, 0, "dtoa: 400000 random doubles all read back "
	    "bit-exact");
	is_int(differ, 0, "dtoa: each has the digits of the shortest %%.*g "
	    "that round-trips");
}

static void
test_strings_and_order(void)
{
	struct mare_err err;
	json_t *o;
	char *s;

	o = json_object();
	json_object_set_new(o, "zeta", json_integer(1));
	json_object_set_new(o, "alpha", json_integer(-9223372036854775807LL
	    - 1));
	json_object_set_new(o, "mid", json_stringn("q\"b\\s/\n\r\t\b\f"
	    "\x01\x1f\x7f\xc3\xa9\xe2\x82\xac", 19));
	json_object_set_new(o, "nul", json_stringn("a\0b", 3));
	json_object_set_new(o, "arr", json_pack("[b,b,n,{},[],f,i]", 1, 0,
	    2.5, 42));
	s = written(o, &err);
	is_str(s, "{\"zeta\":1,\"alpha\":-9223372036854775808,"
	    "\"mid\":\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\\u001f\x7f"
	    "\xc3\xa9\xe2\x82\xac\",\"nul\":\"a\\u0000b\","
	    "\"arr\":[true,false,null,{},[],2.5,42]}\n",
	    "write: keys keep their order, strings are escaped, UTF-8 "
	    "passes through");
	free(s);
	json_decref(o);

	o = json_object();
	json_object_set_new(o, "k\"\x02", json_string("v"));
	s = written(o, &err);
	is_str(s, "{\"k\\\"\\u0002\":\"v\"}\n", "write: keys are escaped "
	    "too");
	free(s);
	json_decref(o);

	o = json_array();
	s = written(o, &err);
	ok(s == NULL && err.code == MARE_E_INTERNAL,
	    "write: a record that is not an object is refused");
	is_str(err.msg, "a JSON Lines record must be an object",
	    "write: the refusal says why");
	json_decref(o);
}

/* What the writer writes, the reader reads back equal. */
static void
test_roundtrip(void)
{
	struct mare_jsonl_reader *r;
	struct mare_err err;
	json_t *o, *back;
	char msg[600], *s;
	FILE *fp;

	o = json_pack("{s:s,s:f,s:f,s:I,s:[f,s],s:n}", "occurrenceID",
	    "urn:x:\xc3\xa9\t1", "decimalLatitude", -33.865143,
	    "decimalLongitude", 151.2099, "year", (json_int_t)2021, "list",
	    0.1, "a\nb", "depth");
	s = written(o, &err);
	fp = input(s, strlen(s));
	r = mare_jsonl_reader_new(fp, "rt", 0, NULL);
	is_int(next(r, &back, msg, sizeof(msg)), 1,
	    "round trip: the written line is read back");
	ok(json_equal(o, back), "round trip: the record read back is equal");
	json_decref(back);
	mare_jsonl_reader_free(r);
	fclose(fp);
	free(s);
	json_decref(o);
}

/* What cannot be written, and reading and writing that fail */
static void
test_refusals(void)
{
	struct mare_jsonl_reader *r;
	struct mare_err err;
	json_t *o, *deep, *inner;
	char *buf = NULL;
	size_t size = 0;
	FILE *fp;
	int i;

	/*
	 * (Non-finite reals cannot be tested: jansson's json_real() refuses
	 * NaN and infinities, so the writer's checks for them are defensive.)
	 */
	fp = open_memstream(&buf, &size);
	/* 2049 nested arrays inside the record */
	deep = json_array();
	inner = deep;
	for (i = 0; i < 2049; i++) {
		json_t *a = json_array();

		json_array_append_new(inner, a);
		inner = a;
	}
	o = json_pack("{s:o}", "d", deep);
	mare_err_init(&err);
	ok(mare_jsonl_write(fp, o, &err) == -1 && err.code == MARE_E_DATA &&
	    strcmp(err.msg, "value nested deeper than 2048 levels") == 0,
	    "jsonl: nesting deeper than 2048 levels is refused");
	json_decref(o);
	o = json_pack("[i]", 1);
	mare_err_init(&err);
	ok(mare_jsonl_write(fp, o, &err) == -1 &&
	    err.code == MARE_E_INTERNAL && strcmp(err.msg, "a JSON Lines "
	    "record must be an object") == 0, "jsonl: an array is not a "
	    "record");
	json_decref(o);
	fclose(fp);
	is_int((long long)size, 0, "jsonl: nothing was written for any");
	free(buf);

	/* a stream that cannot be written */
	fp = fopen(tap_tmpdir(), "r");
	o = json_pack("{s:i}", "a", 1);
	mare_err_init(&err);
	ok(fp != NULL && mare_jsonl_write(fp, o, &err) == -1 &&
	    err.code == MARE_E_IO && strcmp(err.msg, "write error") == 0,
	    "jsonl: a write error is MARE_E_IO");
	json_decref(o);

	/* reading a folder: a read error, and the reader stays broken */
	r = mare_jsonl_reader_new(fp, "d", 0, &err);
	mare_err_init(&err);
	ok(mare_jsonl_read(r, &o, &err) == -1 && err.code == MARE_E_IO &&
	    err.sys_errno == EISDIR && strcmp(err.msg, "read error") == 0 &&
	    strcmp(err.where, "d") == 0, "jsonl: a read error names the "
	    "input (EISDIR)");
	mare_err_init(&err);
	ok(mare_jsonl_read(r, &o, &err) == -1 && err.code == MARE_E_IO &&
	    strcmp(err.msg, "read error") == 0 && strcmp(err.where, "d") == 0,
	    "jsonl: and the next read fails the same way");
	mare_jsonl_reader_free(r);
	if (fp != NULL)
		fclose(fp);

	/* a line that is not an object names its type */
	{
		static const char *const lines[] = { "true", "null", "\"s\"",
		    "[1]", "2.5" };
		static const char *const kinds[] = { "a boolean", "null",
		    "a string", "an array", "a number" };
		char want[64];

		for (i = 0; i < 5; i++) {
			fp = fmemopen((void *)(uintptr_t)lines[i],
			    strlen(lines[i]), "r");
			r = mare_jsonl_reader_new(fp, "t", 0, &err);
			mare_err_init(&err);
			snprintf(want, sizeof(want), "expected a JSON object, "
			    "got %s", kinds[i]);
			ok(mare_jsonl_read(r, &o, &err) == -1 &&
			    err.code == MARE_E_DATA &&
			    strcmp(err.msg, want) == 0, "jsonl: '%s': %s",
			    lines[i], want);
			mare_jsonl_reader_free(r);
			fclose(fp);
		}
	}

	/* splicing needs a raw line */
	fp = fmemopen((void *)(uintptr_t)"", 0, "r");
	r = mare_jsonl_reader_new(fp, "t", 0, &err);
	o = json_object();
	mare_err_init(&err);
	ok(mare_jsonl_write_spliced(stdout, "-", r, o, "k", o, &err) == -1 &&
	    err.code == MARE_E_INTERNAL && strcmp(err.msg, "no raw line") ==
	    0, "jsonl: splicing before any line is a caller's bug");
	json_decref(o);
	mare_jsonl_reader_free(r);
	fclose(fp);
}

int
main(void)
{
	for (select_mode = 0; select_mode < 2; select_mode++) {
		if (select_mode)
			diag("again, decoding selected keys only");
		test_several();
		test_blank_crlf_lastline();
		test_errors();
		test_long_line();
		test_empty();
	}
	select_mode = 0;
	test_doubles();
	test_doubles_random();
	test_strings_and_order();
	test_roundtrip();
	test_refusals();
	return tap_done();
}
