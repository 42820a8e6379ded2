/*
 * test-npy.c - unit tests of lib/npy.c against files written by numpy
 *
 * The fixtures in tests/data/npy/ were written by numpy itself
 * (tests/data/npy/make.py, see the README there); their values are exact
 * in binary or computed here the same way Python computed them, so they
 * are compared with ==. Header parser cases are small files built here.
 * The round trip writes with mare and asks /usr/bin/python3 (or $PYTHON3)
 * whether numpy loads the file and writes the very same bytes; without
 * python3 and numpy those checks are skipped.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "npy.h"
#include "tap.h"

static char fixdir[1024];

static const char *
fixture(const char *name)
{
	static char path[1200];

	snprintf(path, sizeof(path), "%s/%s", fixdir, name);
	return path;
}

static const char *
tmppath(const char *name)
{
	static char path[1200];

	snprintf(path, sizeof(path), "%s/%s", tap_tmpdir(), name);
	return path;
}

/* Read the header of path; the error, if any, is left in err. */
static int
header_of(const char *path, const char *name, struct mare_npy_header *h,
    struct mare_err *err)
{
	FILE *fp;
	int rc;

	mare_err_init(err);
	if ((fp = fopen(path, "rb")) == NULL) {
		diag("cannot open %s", path);
		return -2;
	}
	rc = mare_npy_read_header(fp, name, h, err);
	fclose(fp);
	return rc;
}

static const char *
errline(const struct mare_err *err)
{
	static char buf[1024];

	return mare_err_format(err, buf, sizeof(buf));
}

/* A numpy fixture is refused with MARE_E_DATA and exactly this message. */
static void
bad_fixture(const char *name, const char *want, const char *what)
{
	struct mare_npy_header h;
	struct mare_err err;
	int rc;

	rc = header_of(fixture(name), name, &h, &err);
	is_int(rc, -1, "npy: %s is refused", what);
	is_int(err.code, MARE_E_DATA, "npy: %s is a data error", what);
	is_str(errline(&err), want, "npy: %s says where and why", what);
}

/* Write a .npy file from a version, a header text and zeroed data. */
static const char *
make_npy_len(const char *name, int major, const char *text, size_t len,
    size_t ndata)
{
	const char *path = tmppath(name);
	size_t i;
	FILE *fp;

	if ((fp = fopen(path, "wb")) == NULL)
		return path;
	fwrite("\x93NUMPY", 1, 6, fp);
	putc(major, fp);
	putc(0, fp);
	putc((int)(len & 0xff), fp);
	putc((int)(len >> 8 & 0xff), fp);
	if (major > 1) {
		putc((int)(len >> 16 & 0xff), fp);
		putc((int)(len >> 24 & 0xff), fp);
	}
	fwrite(text, 1, len, fp);
	for (i = 0; i < ndata; i++)
		putc(0, fp);
	fclose(fp);
	return path;
}

static const char *
make_npy(const char *name, int major, const char *text, size_t ndata)
{
	return make_npy_len(name, major, text, strlen(text), ndata);
}

static void
bad_header(const char *text, const char *want, const char *what)
{
	struct mare_npy_header h;
	struct mare_err err;
	int rc;

	rc = header_of(make_npy("case.npy", 1, text, 64), "case.npy", &h,
	    &err);
	is_int(rc, -1, "npy: %s is refused", what);
	is_int(err.code, MARE_E_DATA, "npy: %s is a data error", what);
	is_str(errline(&err), want, "npy: %s is reported as such", what);
}

static void
test_good_f4_2d(void)
{
	struct mare_npy_header h;
	struct mare_err err;
	unsigned long long done = 0;
	float buf[2 * 3];
	size_t n, i, j, row = 0, calls = 0;
	int rc, exact = 1;
	FILE *fp;

	fp = fopen(fixture("f4-2d.npy"), "rb");
	mare_err_init(&err);
	rc = mare_npy_read_header(fp, "f4-2d.npy", &h, &err);
	is_int(rc, 0, "npy: numpy's 5x3 float32 file is accepted");
	is_int(h.dtype, MARE_NPY_F4, "npy: its dtype is float32");
	is_int(h.ndim, 2, "npy: it has 2 dimensions");
	is_int((long long)h.rows, 5, "npy: it has 5 rows");
	is_int((long long)h.cols, 3, "npy: it has 3 columns");
	is_int((long long)h.data_offset, 128, "npy: its data starts at 128");
	is_int(h.major * 10 + h.minor, 10, "npy: it is format 1.0");
	is_int(ftell(fp), 128, "npy: the stream is left at the first data "
	    "byte");
	while ((rc = mare_npy_read_rows(fp, "f4-2d.npy", &h, &done, buf, 2,
	    &n, &err)) == 1) {
		calls++;
		for (i = 0; i < n; i++, row++)
			for (j = 0; j < 3; j++)
				if (buf[i * 3 + j] !=
				    (float)(row * 10 + j) + 0.25f)
					exact = 0;
	}
	is_int(rc, 0, "npy: reading 2 rows at a time ends without error");
	is_int((long long)calls, 3, "npy: 5 rows come in 3 reads of 2, 2, 1");
	is_int((long long)row, 5, "npy: all 5 rows are read");
	is_int((long long)done, 5, "npy: the row counter reaches 5");
	ok(exact, "npy: every float32 value is i*10 + j + 0.25 exactly");
	rc = mare_npy_read_rows(fp, "f4-2d.npy", &h, &done, buf, 2, &n, &err);
	ok(rc == 0 && n == 0, "npy: reading past the end returns 0 again");
	fclose(fp);
}

static void
test_good_f8(const char *name, int major, unsigned long long rows,
    unsigned long long cols, int kind)
{
	struct mare_npy_header h;
	struct mare_err err;
	unsigned long long done = 0, i, j;
	double buf[16], want;
	size_t n;
	int rc, exact = 1;
	FILE *fp;

	fp = fopen(fixture(name), "rb");
	mare_err_init(&err);
	rc = mare_npy_read_header(fp, name, &h, &err);
	is_int(rc, 0, "npy: numpy's float64 file %s is accepted", name);
	is_int(h.dtype, MARE_NPY_F8, "npy: %s holds float64", name);
	ok(h.ndim == 2 && h.rows == rows && h.cols == cols,
	    "npy: %s is %llux%llu", name, rows, cols);
	is_int(h.major, major, "npy: %s has format version %d.0", name,
	    major);
	is_int(h.minor, 0, "npy: %s has minor version 0", name);
	is_int((long long)h.data_offset, 128, "npy: %s data starts at 128",
	    name);
	rc = mare_npy_read_rows(fp, name, &h, &done, buf, 16, &n, &err);
	ok(rc == 1 && n == rows, "npy: %s gives its %llu rows in one read",
	    name, rows);
	for (i = 0; i < rows; i++)
		for (j = 0; j < cols; j++) {
			if (kind == 0)
				want = (double)(i * 10 + j) / 3.0 - 1.5;
			else
				want = (double)(i * 3 + j) + 0.125;
			if (buf[i * cols + j] != want)
				exact = 0;
		}
	ok(exact, "npy: every float64 value of %s is exact", name);
	rc = mare_npy_read_rows(fp, name, &h, &done, buf, 16, &n, &err);
	is_int(rc, 0, "npy: %s then ends", name);
	fclose(fp);
}

static void
test_good_1d(void)
{
	struct mare_npy_header h;
	struct mare_err err;
	unsigned long long done = 0;
	float buf[8];
	size_t n, i;
	int rc, exact = 1;
	FILE *fp;

	fp = fopen(fixture("f4-1d.npy"), "rb");
	mare_err_init(&err);
	rc = mare_npy_read_header(fp, "f4-1d.npy", &h, &err);
	is_int(rc, 0, "npy: numpy's 1-D float32 file is accepted");
	is_int(h.ndim, 1, "npy: shape (7,) has 1 dimension");
	is_int((long long)h.rows, 7, "npy: shape (7,) has 7 rows");
	is_int((long long)h.cols, 1, "npy: a 1-D array has 1 column");
	rc = mare_npy_read_rows(fp, "f4-1d.npy", &h, &done, buf, 8, &n, &err);
	ok(rc == 1 && n == 7, "npy: the 7 values are read at once");
	for (i = 0; i < 7; i++)
		if (buf[i] != (float)i * 0.5f - 1.0f)
			exact = 0;
	ok(exact, "npy: every 1-D value is i*0.5 - 1 exactly");
	fclose(fp);

	fp = fopen(fixture("empty-rows.npy"), "rb");
	rc = mare_npy_read_header(fp, "empty-rows.npy", &h, &err);
	ok(rc == 0 && h.rows == 0 && h.cols == 4,
	    "npy: numpy's 0x4 array is accepted");
	done = 0;
	rc = mare_npy_read_rows(fp, "empty-rows.npy", &h, &done, buf, 2, &n,
	    &err);
	ok(rc == 0 && n == 0, "npy: a 0-row array ends at once");
	fclose(fp);
}

static void
test_bad_fixtures(void)
{
	bad_fixture("be-f4.npy", "be-f4.npy: offset 20: big-endian dtype "
	    "'>f4' is not supported; convert with a.astype('<f4')",
	    "a big-endian '>f4' array");
	bad_fixture("fortran.npy", "fortran.npy: offset 44: Fortran order is "
	    "not supported; save with np.ascontiguousarray",
	    "a Fortran-order array");
	bad_fixture("object.npy", "object.npy: offset 20: unsupported dtype "
	    "'|O': mare reads float32 ('<f4') and float64 ('<f8') arrays",
	    "an object array");
	bad_fixture("i8.npy", "i8.npy: offset 20: unsupported dtype '<i8': "
	    "mare reads float32 ('<f4') and float64 ('<f8') arrays",
	    "an int64 array");
	bad_fixture("u3.npy", "u3.npy: offset 20: unsupported dtype '<U3': "
	    "mare reads float32 ('<f4') and float64 ('<f8') arrays",
	    "a unicode string array");
	bad_fixture("3d.npy", "3d.npy: offset 60: 3-dimensional array is not "
	    "supported; expected 1 or 2 dimensions", "a 3-D array");
	bad_fixture("0d.npy", "0d.npy: offset 60: 0-dimensional array is not "
	    "supported; expected 1 or 2 dimensions", "a 0-D array");
	bad_fixture("truncated.npy", "truncated.npy: offset 183: truncated "
	    "data: expected 60 bytes of data, the file has 55 (5 bytes "
	    "missing)", "a file cut 5 bytes short");
	bad_fixture("trailing.npy", "trailing.npy: offset 188: 3 trailing "
	    "bytes after the data (expected 60 bytes of data)",
	    "a file with 3 bytes too many");
	bad_fixture("bad-magic.npy", "bad-magic.npy: offset 0: not a .npy "
	    "file: bad magic (expected \\x93NUMPY)", "a bad magic string");
	bad_fixture("header-2g.npy", "header-2g.npy: offset 8: header length "
	    "2147483648 exceeds the limit of 1048576 bytes",
	    "a header length of 2 GiB");
	bad_fixture("empty.npy", "empty.npy: offset 0: empty file: expected a "
	    ".npy header", "a zero-byte file");
}

static void
test_parser(void)
{
	struct mare_npy_header h;
	struct mare_err err;
	int rc;

	rc = header_of(make_npy("order.npy", 1, "{\"shape\":(2,2),"
	    "\"fortran_order\":False,\"descr\":\"<f4\"}", 16), "order.npy",
	    &h, &err);
	ok(rc == 0 && h.rows == 2 && h.cols == 2 && h.dtype == MARE_NPY_F4,
	    "npy: keys in another order, double quotes, no spaces are "
	    "accepted");
	is_int((long long)h.data_offset, 10 + 51, "npy: an unaligned data "
	    "offset (61) is accepted");
	rc = header_of(make_npy("ws.npy", 3, " \t\n\n{\n\t'descr' : '<f8' ,\n"
	    " 'fortran_order' : False ,\r\n 'shape' : ( 3 , ) \n}\f \n", 24),
	    "ws.npy", &h, &err);
	ok(rc == 0 && h.ndim == 1 && h.rows == 3 && h.dtype == MARE_NPY_F8,
	    "npy: tabs, newlines and spaces between tokens are accepted");
	bad_header("\n {'descr': '<f4'}", "case.npy: offset 11: header: "
	    "unexpected indentation before the dict",
	    "an indented dict on a second line (as in Python)");
	rc = header_of(make_npy("py2.npy", 1, "{'descr': '<f4', "
	    "'fortran_order': False, 'shape': (2L, 1L), }          \n", 8),
	    "py2.npy", &h, &err);
	ok(rc == 0 && h.rows == 2 && h.cols == 1,
	    "npy: Python 2 long integers (2L) are accepted in format 1.0");
	rc = header_of(make_npy("py2v3.npy", 3, "{'descr': '<f4', "
	    "'fortran_order': False, 'shape': (2L, 1L), }", 8),
	    "py2v3.npy", &h, &err);
	is_str(errline(&err), "py2v3.npy: offset 63: header: shape: expected "
	    "a non-negative integer, got '2L'",
	    "npy: Python 2 long integers are refused in format 3.0");
	rc = header_of(make_npy("zero.npy", 1, "{'descr': '<f8', "
	    "'fortran_order': False, 'shape': (000, 7), }", 0),
	    "zero.npy", &h, &err);
	ok(rc == 0 && h.rows == 0 && h.cols == 7,
	    "npy: a row count of 000 is a valid Python zero");

	bad_header("{'descr': '<f4', 'fortran_order': False}",
	    "case.npy: offset 10: header: missing key 'shape'",
	    "a header without shape");
	bad_header("{}", "case.npy: offset 10: header: missing key 'descr'",
	    "an empty dict");
	bad_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), "
	    "'x': 1}", "case.npy: offset 66: header: unexpected key 'x' (a "
	    ".npy header has exactly descr, fortran_order and shape)",
	    "an extra key");
	bad_header("{'descr': '<f4', 'descr': '<f4'}",
	    "case.npy: offset 27: header: duplicate key 'descr'",
	    "a duplicate key");
	bad_header("{'descr': '<f4', 'fortran_order': False, 'shape': (5)}",
	    "case.npy: offset 60: header: shape: (5) is not a tuple; a 1-D "
	    "shape is (5,)", "shape (5) without a comma");
	bad_header("{'descr': '<f4', 'fortran_order': False, 'shape': [5, 3]}",
	    "case.npy: offset 60: header: shape: expected a tuple such as "
	    "(3, 4), got '['", "a list as shape");
	bad_header("{'descr': '<f4', 'fortran_order': False, "
	    "'shape': (-1, 3)}",
	    "case.npy: offset 61: header: shape: expected a non-negative "
	    "integer, got '-'", "a negative dimension");
	bad_header("{'descr': '<f4', 'fortran_order': False, "
	    "'shape': (05, 3)}",
	    "case.npy: offset 61: header: shape: leading zeros in an integer",
	    "a dimension with a leading zero");
	bad_header("{'descr': '<f4', 'fortran_order': False, 'shape': "
	    "(18446744073709551616, 1)}", "case.npy: offset 61: header: "
	    "shape: value overflows 64 bits", "a dimension of 2^64");
	bad_header("{'descr': '<f4', 'fortran_order': False, 'shape': "
	    "(4611686018427387904, 1)}", "case.npy: offset 60: data size "
	    "overflows 64 bits (shape 4611686018427387904 x 1 of 4-byte "
	    "items)", "a data size of 2^64 bytes");
	bad_header("{'descr': '<f8', 'fortran_order': False, 'shape': "
	    "(4294967296, 4294967296)}", "case.npy: offset 60: data size "
	    "overflows 64 bits (shape 4294967296 x 4294967296 of 8-byte "
	    "items)", "a shape whose product overflows");
	bad_header("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}",
	    "case.npy: offset 44: header: fortran_order: expected True or "
	    "False, got '0'", "fortran_order 0");
	bad_header("{'descr': '<f4', 'fortran_order': Falsey, 'shape': (1,)}",
	    "case.npy: offset 44: header: fortran_order: expected True or "
	    "False, got 'F'", "fortran_order Falsey");
	bad_header("['descr', '<f4']", "case.npy: offset 10: header: not a "
	    "Python dict literal: expected '{', got '['", "a list header");
	bad_header("{'descr' '<f4'}", "case.npy: offset 19: header: expected "
	    "':' after key 'descr', got '''", "a missing colon");
	bad_header("{'descr': '<f4' 'shape': (1,)}", "case.npy: offset 26: "
	    "header: expected ',' or '}', got '''", "a missing comma");
	bad_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x",
	    "case.npy: offset 66: header: unexpected 'x' after the dict",
	    "text after the dict");
	bad_header("{'descr': '<f\\x34'}", "case.npy: offset 23: header: "
	    "escape sequences in strings are not supported",
	    "an escape sequence");
	bad_header("{'descr': '<f4", "case.npy: offset 20: header: "
	    "unterminated string", "an unterminated string");
	bad_header("{'descr': [('a', '<f4')]}", "case.npy: offset 20: "
	    "header: descr: structured dtypes are not supported",
	    "a structured dtype");
	bad_header("{'descr': <f4}", "case.npy: offset 20: header: expected "
	    "descr: a quoted dtype such as '<f4', got '<'",
	    "an unquoted dtype");
	bad_header("{1: 2}", "case.npy: offset 11: header: expected a quoted "
	    "key or '}', got '1'", "a numeric key");
	bad_header("{'descr': '=f4', 'fortran_order': False, 'shape': (1,)}",
	    "case.npy: offset 20: unsupported dtype '=f4': mare reads "
	    "float32 ('<f4') and float64 ('<f8') arrays",
	    "a native-order '=f4' dtype");
	rc = header_of(make_npy_len("nul.npy", 1, "{'descr': '<f4',\0 }",
	    19, 0), "nul.npy", &h, &err);
	ok(rc == -1 && err.code == MARE_E_DATA, "npy: a NUL byte inside the "
	    "header is refused");
	is_str(errline(&err), "nul.npy: offset 26: header: expected a quoted "
	    "key or '}', got byte 0x00", "npy: a NUL byte in the header is "
	    "named as a byte");
}

static void
test_preamble(void)
{
	struct mare_npy_header h;
	struct mare_err err;
	const char *path;
	FILE *fp;
	int rc;

	path = tmppath("v4.npy");
	fp = fopen(path, "wb");
	fwrite("\x93NUMPY\x04\x00\x10\x00{}", 1, 12, fp);
	fclose(fp);
	rc = header_of(path, "v4.npy", &h, &err);
	ok(rc == -1 && err.code == MARE_E_DATA,
	    "npy: format version 4.0 is a data error");
	is_str(errline(&err), "v4.npy: offset 6: unsupported .npy format "
	    "version 4.0 (mare reads 1.0, 2.0 and 3.0)",
	    "npy: format version 4.0 is named");

	path = tmppath("short.npy");
	fp = fopen(path, "wb");
	fwrite("\x93NUM", 1, 4, fp);
	fclose(fp);
	rc = header_of(path, "short.npy", &h, &err);
	is_str(errline(&err), "short.npy: offset 4: file ends inside the .npy "
	    "preamble", "npy: a 4-byte file ends inside the preamble");

	path = tmppath("past.npy");
	fp = fopen(path, "wb");
	fwrite("\x93NUMPY\x01\x00\xe8\x03{}", 1, 12, fp);
	fclose(fp);
	rc = header_of(path, "past.npy", &h, &err);
	ok(rc == -1 && err.code == MARE_E_DATA,
	    "npy: a header length past the end of the file is refused");
	is_str(errline(&err), "past.npy: offset 8: header length 1000 runs "
	    "past the end of the file (12 bytes)",
	    "npy: a header length past the end names both sizes");
}

/* Through a pipe there is no file size: the row reader finds the end. */
static void
test_pipe(void)
{
	struct mare_npy_header h;
	struct mare_err err;
	unsigned long long done = 0;
	char cmd[1300];
	float buf[5 * 3];
	size_t n;
	int rc;
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "cat '%s'", fixture("truncated.npy"));
	fp = popen(cmd, "r");
	mare_err_init(&err);
	rc = mare_npy_read_header(fp, "truncated.npy", &h, &err);
	is_int(rc, 0, "npy: a truncated file's header passes through a pipe");
	rc = mare_npy_read_rows(fp, "truncated.npy", &h, &done, buf, 10, &n,
	    &err);
	is_int(rc, -1, "npy: truncated data in a pipe is an error");
	ok(n == 4 && done == 4, "npy: the 4 whole rows before the end are "
	    "counted");
	is_int(err.code, MARE_E_DATA, "npy: truncated data is a data error");
	is_str(errline(&err), "truncated.npy: offset 183: truncated data: "
	    "expected 5 rows, data ends after 4",
	    "npy: truncated data in a pipe says how many rows came");
	pclose(fp);

	snprintf(cmd, sizeof(cmd), "cat '%s'", fixture("trailing.npy"));
	fp = popen(cmd, "r");
	mare_err_init(&err);
	done = 0;
	rc = mare_npy_read_header(fp, "trailing.npy", &h, &err);
	rc = mare_npy_read_rows(fp, "trailing.npy", &h, &done, buf, 10, &n,
	    &err);
	ok(rc == 1 && n == 5, "npy: the 5 rows before trailing bytes are "
	    "read from a pipe");
	rc = mare_npy_read_rows(fp, "trailing.npy", &h, &done, buf, 10, &n,
	    &err);
	is_int(rc, -1, "npy: trailing bytes in a pipe are an error");
	is_str(errline(&err), "trailing.npy: offset 188: trailing bytes after "
	    "the data (expected 5 rows)",
	    "npy: trailing bytes in a pipe are named");
	pclose(fp);
}

static const char *py3;

static const char *
python(void)
{
	return py3;
}

/*
 * Debian's /usr/bin/python3 has python3-numpy; $PYTHON3 (configure's
 * choice, perhaps a pyenv shim without numpy) is the fallback.
 */
static int
have_numpy(void)
{
	const char *cand[2];
	char cmd[600];
	size_t i;

	cand[0] = "/usr/bin/python3";
	cand[1] = getenv("PYTHON3");
	for (i = 0; i < 2; i++) {
		if (cand[i] == NULL || *cand[i] == '\0')
			continue;
		snprintf(cmd, sizeof(cmd), "'%s' -c 'import numpy' "
		    ">/dev/null 2>&1", cand[i]);
		if (system(cmd) == 0) {
			py3 = cand[i];
			return 1;
		}
	}
	return 0;
}

/* Write with mare, read back with mare, then ask numpy. */
static void
test_round_trip(void)
{
	struct mare_npy_header h;
	struct mare_err err;
	unsigned long long done = 0;
	float f4[5 * 3], g4[5 * 3];
	double f8[70], g8[70];
	char cmd[4000];
	const char *p4, *p8;
	size_t i, n;
	int rc;
	FILE *fp;

	for (i = 0; i < 15; i++)
		f4[i] = (float)((i / 3) * 10 + i % 3) + 0.25f;
	for (i = 0; i < 70; i++)
		f8[i] = (double)i / 7.0 - 3.0;

	mare_err_init(&err);
	p4 = strdup(tmppath("rt4.npy"));
	fp = fopen(p4, "wb");
	rc = mare_npy_write_header(fp, MARE_NPY_F4, 2, 5, 3, &err);
	is_int(rc, 0, "npy: a 5x3 float32 header is written");
	is_int(ftell(fp) % 64, 0, "npy: the data of a written file starts at "
	    "a multiple of 64");
	rc = mare_npy_write_rows(fp, MARE_NPY_F4, 3, f4, 5, &err);
	is_int(rc, 0, "npy: 5 float32 rows are written");
	fclose(fp);

	p8 = strdup(tmppath("rt8.npy"));
	fp = fopen(p8, "wb");
	rc = mare_npy_write_header(fp, MARE_NPY_F8, 1, 70, 99, &err);
	rc |= mare_npy_write_rows(fp, MARE_NPY_F8, 1, f8, 70, &err);
	is_int(rc, 0, "npy: a 1-D float64 file of 70 values is written");
	fclose(fp);

	fp = fopen(p4, "rb");
	rc = mare_npy_read_header(fp, "rt4.npy", &h, &err);
	ok(rc == 0 && h.dtype == MARE_NPY_F4 && h.ndim == 2 && h.rows == 5 &&
	    h.cols == 3, "npy: mare reads back its own 5x3 float32 header");
	is_int((long long)(h.data_offset % 64), 0,
	    "npy: the written data offset is a multiple of 64");
	rc = mare_npy_read_rows(fp, "rt4.npy", &h, &done, g4, 5, &n, &err);
	ok(rc == 1 && n == 5 && memcmp(f4, g4, sizeof(f4)) == 0,
	    "npy: mare reads back the same float32 values");
	fclose(fp);

	fp = fopen(p8, "rb");
	done = 0;
	rc = mare_npy_read_header(fp, "rt8.npy", &h, &err);
	ok(rc == 0 && h.ndim == 1 && h.rows == 70 && h.cols == 1 &&
	    h.data_offset % 64 == 0, "npy: mare reads back its 1-D header");
	rc = mare_npy_read_rows(fp, "rt8.npy", &h, &done, g8, 70, &n, &err);
	ok(rc == 1 && n == 70 && memcmp(f8, g8, sizeof(f8)) == 0,
	    "npy: mare reads back the same float64 values");
	fclose(fp);

	if (!have_numpy()) {
		skip("python3 with numpy not found", "npy: numpy loads mare's "
		    "float32 file");
		skip("python3 with numpy not found", "npy: numpy loads mare's "
		    "float64 file");
		skip("python3 with numpy not found", "npy: mare writes the "
		    "same headers as numpy");
		free((void *)p4);
		free((void *)p8);
		return;
	}
	snprintf(cmd, sizeof(cmd), "'%s' -c 'import io, numpy as np\n"
	    "a = np.load(\"%s\")\n"
	    "w = np.array([[i*10 + j + 0.25 for j in range(3)] for i in "
	    "range(5)], dtype=np.float32)\n"
	    "assert a.dtype == np.float32 and a.shape == (5, 3), a\n"
	    "assert (a == w).all()\n"
	    "b = io.BytesIO(); np.save(b, w)\n"
	    "assert b.getvalue() == open(\"%s\", \"rb\").read()\n'",
	    python(), p4, p4);
	is_int(system(cmd), 0, "npy: numpy loads mare's float32 file with the "
	    "same shape and values, and saves the same bytes");
	snprintf(cmd, sizeof(cmd), "'%s' -c 'import io, numpy as np\n"
	    "a = np.load(\"%s\")\n"
	    "w = np.array([i / 7.0 - 3.0 for i in range(70)])\n"
	    "assert a.dtype == np.float64 and a.shape == (70,), a\n"
	    "assert (a == w).all()\n"
	    "b = io.BytesIO(); np.save(b, w)\n"
	    "assert b.getvalue() == open(\"%s\", \"rb\").read()\n'",
	    python(), p8, p8);
	is_int(system(cmd), 0, "npy: numpy loads mare's float64 file with the "
	    "same shape and values, and saves the same bytes");
	free((void *)p4);
	free((void *)p8);

	/* Header bytes for awkward shapes, compared with numpy's writer. */
	{
		static const unsigned long long shapes[][3] = {
			{ 4, 0, 0 }, { 4, 1, 1 }, { 8, 12345, 67 },
			{ 8, 0, 5 }, { 4, 1000000000000ULL, 3 },
			{ 8, 2305843009213693951ULL, 1 },
			{ 4, 99999, 100000 }, { 8, 7, 0 },
		};
		char list[2000] = "";
		size_t k, len = 0;
		int aligned = 1;

		for (k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
			char name[64];
			int nd = shapes[k][2] == 0 ? 1 : 2;

			snprintf(name, sizeof(name), "hdr%zu.bin", k);
			fp = fopen(tmppath(name), "wb");
			rc = mare_npy_write_header(fp,
			    (enum mare_npy_dtype)shapes[k][0], nd,
			    shapes[k][1], shapes[k][2], &err);
			if (rc != 0 || ftell(fp) % 64 != 0)
				aligned = 0;
			fclose(fp);
			if (nd == 1)
				len += (size_t)snprintf(list + len,
				    sizeof(list) - len, "(\"%s\", \"<f%llu\", "
				    "(%llu,)), ", tmppath(name), shapes[k][0],
				    shapes[k][1]);
			else
				len += (size_t)snprintf(list + len,
				    sizeof(list) - len, "(\"%s\", \"<f%llu\", "
				    "(%llu, %llu)), ", tmppath(name),
				    shapes[k][0], shapes[k][1], shapes[k][2]);
		}
		ok(aligned, "npy: headers for 8 shapes all end at a multiple "
		    "of 64");
		snprintf(cmd, sizeof(cmd), "'%s' -c 'import io, numpy as np\n"
		    "for path, descr, shape in [%s]:\n"
		    "    b = io.BytesIO()\n"
		    "    np.lib.format.write_array_header_1_0(b, {\"descr\": "
		    "descr, \"fortran_order\": False, \"shape\": shape})\n"
		    "    assert b.getvalue() == open(path, \"rb\").read(), "
		    "(path, shape, b.getvalue())\n'", python(), list);
		is_int(system(cmd), 0, "npy: mare writes the same headers as "
		    "numpy for 8 shapes up to 10^18 rows");
	}
}

static void
test_write_errors(void)
{
	struct mare_err err;
	FILE *fp;
	int rc;

	fp = fopen(tmppath("x.npy"), "wb");
	mare_err_init(&err);
	rc = mare_npy_write_header(fp, (enum mare_npy_dtype)2, 2, 1, 1, &err);
	ok(rc == -1 && err.code == MARE_E_INTERNAL,
	    "npy: writing dtype 2 is a programming error");
	mare_err_init(&err);
	rc = mare_npy_write_header(fp, MARE_NPY_F4, 3, 1, 1, &err);
	ok(rc == -1 && err.code == MARE_E_INTERNAL,
	    "npy: writing 3 dimensions is a programming error");
	mare_err_init(&err);
	rc = mare_npy_write_header(fp, MARE_NPY_F8, 2, 1ULL << 40, 1ULL << 30,
	    &err);
	ok(rc == -1 && err.code == MARE_E_DATA,
	    "npy: writing a shape whose size overflows is a data error");
	fclose(fp);

	if ((fp = fopen("/dev/full", "wb")) == NULL) {
		skip("no /dev/full", "npy: a failed write is an I/O error");
		return;
	}
	setvbuf(fp, NULL, _IONBF, 0);
	mare_err_init(&err);
	rc = mare_npy_write_header(fp, MARE_NPY_F4, 1, 3, 1, &err);
	ok(rc == -1 && err.code == MARE_E_IO,
	    "npy: a failed write is an I/O error");
	fclose(fp);
}

static void
test_more(void)
{
	struct mare_npy_header h;
	struct mare_err err;
	const char *path;
	FILE *fp;
	double one = 1;

	/* offsets: the header text starts at 10 */
	bad_header("{'descr': '<f4', 'fortran_order': False, 'fortran_order': "
	    "False, 'shape': (1,)}", "case.npy: offset 51: header: duplicate "
	    "key 'fortran_order'", "fortran_order twice");
	bad_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), "
	    "'shape': (1,)}", "case.npy: offset 66: header: duplicate key "
	    "'shape'", "shape twice");
	bad_header("{'descr': '<f4', 'shape': (1,)}", "case.npy: offset 10: "
	    "header: missing key 'fortran_order'", "no fortran_order");

	/* truncated before and inside the header */
	path = tmppath("cut.npy");
	fp = fopen(path, "wb");
	fwrite("\x93NUMPY\x01\x00\x50", 1, 9, fp);
	fclose(fp);
	mare_err_init(&err);
	ok(header_of(path, "cut.npy", &h, &err) == -1 &&
	    err.code == MARE_E_DATA, "npy: 9 bytes end inside the header "
	    "length");
	is_str(errline(&err), "cut.npy: offset 9: file ends inside the "
	    "header length", "npy: ... at offset 9");
	/* the same through a stream of unknown size (a pipe): read to the
	 * end of what there is */
	{
		static char cut[] = "\x93NUMPY\x01\x00\x50\x00{'descr': "
		    "'<f4', ";

		fp = fmemopen(cut, 27, "rb");
		mare_err_init(&err);
		ok(fp != NULL && mare_npy_read_header(fp, "cut2.npy", &h,
		    &err) == -1 && err.code == MARE_E_DATA, "npy: a header of "
		    "80 bytes cut after 17 is refused on a stream");
		is_str(errline(&err), "cut2.npy: offset 27: file ends inside "
		    "the header", "npy: ... where the stream ends (10 + 17)");
		if (fp != NULL)
			fclose(fp);
	}
	/* and on a file, against its size */
	path = tmppath("cut2.npy");
	fp = fopen(path, "wb");
	fwrite("\x93NUMPY\x01\x00\x50\x00{'descr': '<f4', ", 1, 27, fp);
	fclose(fp);
	mare_err_init(&err);
	ok(header_of(path, "cut2.npy", &h, &err) == -1 &&
	    strcmp(errline(&err), "cut2.npy: offset 8: header length 80 runs "
	    "past the end of the file (27 bytes)") == 0,
	    "npy: on a file, the length is checked against the size");

	/* a read error: a folder */
	fp = fopen(tap_tmpdir(), "rb");
	mare_err_init(&err);
	ok(fp != NULL && mare_npy_read_header(fp, "d", &h, &err) == -1 &&
	    err.code == MARE_E_IO && err.sys_errno == EISDIR,
	    "npy: a folder is a read error (EISDIR)");
	like(err.msg, "read error in ", "npy: ... saying where (%s)",
	    err.msg);
	if (fp != NULL)
		fclose(fp);

	/* the writer's argument checks */
	fp = tmpfile();
	mare_err_init(&err);
	ok(mare_npy_write_header(fp, (enum mare_npy_dtype)2, 2, 1, 1, &err) ==
	    -1 && err.code == MARE_E_INTERNAL && strcmp(err.msg, "npy: bad "
	    "dtype 2") == 0, "npy: writing dtype 2 is a caller's bug");
	mare_err_init(&err);
	ok(mare_npy_write_header(fp, MARE_NPY_F8, 3, 1, 1, &err) == -1 &&
	    err.code == MARE_E_INTERNAL && strcmp(err.msg, "npy: bad number "
	    "of dimensions 3") == 0, "npy: 3 dimensions are a caller's bug");
	mare_err_init(&err);
	ok(mare_npy_write_rows(fp, (enum mare_npy_dtype)3, 1, &one, 1,
	    &err) == -1 && err.code == MARE_E_INTERNAL && strcmp(err.msg,
	    "npy: bad dtype 3") == 0, "npy: writing rows of dtype 3 too");
	fclose(fp);

	/*
	 * A 19-digit dimension still fits format 1.0: the dict is 77 bytes,
	 * 20 spare spaces (21 - 1 digits of the row count) and '\n' make
	 * 98, padded by 20 so that 10 + 118 = 128 is a multiple of 64.
	 */
	{
		char b[129];
		size_t n;

		fp = tmpfile();
		mare_err_init(&err);
		ok(mare_npy_write_header(fp, MARE_NPY_F4, 2, 1, 1ULL << 60,
		    &err) == 0, "npy: a header for 1 x 2^60 is written (%s)",
		    err.msg);
		rewind(fp);
		n = fread(b, 1, sizeof(b), fp);
		is_int((long long)n, 128, "npy: 128 bytes");
		ok(n == 128 && memcmp(b, "\x93NUMPY\x01\x00\x76\x00", 10) ==
		    0 && memcmp(b + 10, "{'descr': '<f4', 'fortran_order': "
		    "False, 'shape': (1, 1152921504606846976), }", 77) == 0 &&
		    b[87] == ' ' && b[126] == ' ' && b[127] == '\n',
		    "npy: format 1.0, length 118, the dict, spaces, newline");
		fclose(fp);
	}
}

int
main(void)
{
	const char *src = getenv("MARE_SRCDIR");

	snprintf(fixdir, sizeof(fixdir), "%s/tests/data/npy",
	    src != NULL && *src != '\0' ? src : ".");
	if (access(fixture("f4-2d.npy"), R_OK) != 0) {
		diag("fixtures not found in %s (set MARE_SRCDIR)", fixdir);
		ok(0, "npy: the fixtures are found");
		return tap_done();
	}
	test_good_f4_2d();
	test_good_f8("f8-2d.npy", 1, 4, 2, 0);
	test_good_f8("v2.npy", 2, 2, 3, 1);
	test_good_f8("v3.npy", 3, 2, 3, 1);
	test_good_1d();
	test_bad_fixtures();
	test_parser();
	test_more();
	test_preamble();
	test_pipe();
	test_round_trip();
	test_write_errors();
	return tap_done();
}
