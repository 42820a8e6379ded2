/*
 * test-tensor.c - unit tests of lib/tensor.c: round trips through a pipe
 * (several chunks) and a file (one chunk, mapped), f64, zero rows, and
 * every malformed stream the reader must refuse, with its message and
 * offset
 *
 * Malformed streams are made by writing a good one into memory
 * (open_memstream: not a file, so the writer makes pipe-style chunks) and
 * changing bytes; the reader gets them through fmemopen (no size known, as
 * on a pipe) or from a regular file (size known).
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include "tap.h"
#include "tensor.h"

static const char *const cols3[] = { "x", "y", "z" };

/* An independent bitwise CRC-32 (IEEE, reflected, as zlib's crc32). */
static uint32_t
crc32(uint32_t crc, const unsigned char *p, size_t len)
{
	int k;

	crc = ~crc;
	while (len-- > 0) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320U & (0U - (crc & 1)));
	}
	return ~crc;
}

static float
fval(size_t i, size_t k)
{
	return (float)i * 0.5f + (float)k;
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
	    ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Write nrows f32 rows of 3 columns to fp, in pieces of step rows. */
static int
write_f32(FILE *fp, size_t nrows, size_t step, struct mare_err *err)
{
	struct mare_tensor_writer *w;
	json_t *meta = json_pack("{s:s}", "source", "test");
	float *buf = malloc(step * 3 * sizeof(float));
	size_t i, k, n, done = 0;
	int rc = -1;

	w = mare_tensor_writer_new(fp, "t.tensor", MARE_TENSOR_F32, 3, cols3,
	    "AB12000000000000000000000000000000000000000000000000000000000000",
	    meta, err);
	if (w == NULL || buf == NULL)
		goto out;
	while (done < nrows) {
		n = nrows - done < step ? nrows - done : step;
		for (i = 0; i < n; i++)
			for (k = 0; k < 3; k++)
				buf[i * 3 + k] = fval(done + i, k);
		if (mare_tensor_write_rows(w, buf, n, err) != 0)
			goto out;
		done += n;
	}
	rc = mare_tensor_writer_finish(w, err);
out:
	mare_tensor_writer_free(w);
	json_decref(meta);
	free(buf);
	return rc;
}

/* Read every row, checking values; returns 0 (end), -1 (error) or -2. */
static int
read_f32(FILE *fp, unsigned long long *rows, unsigned long long *chunks,
    struct mare_err *err)
{
	struct mare_tensor_reader *r;
	float buf[3 * 1000];
	size_t n, i, k;
	int rc, bad = 0;

	*rows = 0;
	r = mare_tensor_reader_new(fp, "t.tensor", err);
	if (r == NULL)
		return -1;
	while ((rc = mare_tensor_read_rows(r, buf, 1000, &n, err)) == 1) {
		for (i = 0; i < n; i++)
			for (k = 0; k < 3; k++)
				if (buf[i * 3 + k] != fval(*rows + i, k))
					bad = 1;
		*rows += n;
	}
	if (chunks != NULL)
		*chunks = mare_tensor_reader_chunks(r);
	mare_tensor_reader_free(r);
	return rc == 1 || (bad && rc == 0) ? -2 : rc;
}

/* A good stream in memory (pipe style). */
static unsigned char *
good_stream(size_t nrows, size_t *len)
{
	struct mare_err err;
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);

	mare_err_init(&err);
	if (fp == NULL || write_f32(fp, nrows, 7, &err) != 0) {
		diag("good_stream: %s", err.msg);
		exit(1);
	}
	fclose(fp);
	*len = size;
	return (unsigned char *)buf;
}

/* Read bytes as a stream of unknown size. */
static int
read_mem(const unsigned char *b, size_t len, unsigned long long *rows,
    struct mare_err *err)
{
	FILE *fp = fmemopen((void *)(uintptr_t)b, len, "rb");
	unsigned long long chunks;
	int rc;

	if (fp == NULL)
		return -3;
	mare_err_init(err);
	rc = read_f32(fp, rows, &chunks, err);
	fclose(fp);
	return rc;
}

static char *
tmp_path(const char *base)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s", tap_tmpdir(), base);
	return path;
}

static void
save(const char *path, const unsigned char *b, size_t len)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fwrite(b, 1, len, fp) != len || fclose(fp) != 0) {
		diag("cannot write %s", path);
		exit(1);
	}
}

static int
read_file(const char *path, unsigned long long *rows, struct mare_err *err)
{
	FILE *fp = fopen(path, "rb");
	int rc;

	mare_err_init(err);
	if (fp == NULL)
		return -3;
	rc = read_f32(fp, rows, NULL, err);
	fclose(fp);
	return rc;
}

static void
is_err(int rc, const struct mare_err *err, const char *where,
    const char *msg, const char *what)
{
	ok(rc == -1, "%s: refused", what);
	is_int(err->code, MARE_E_DATA, "%s: a data error (65)", what);
	is_str(err->where, where, "%s: position", what);
	like(err->msg, msg, "%s: message", what);
}

/* Fix the header CRC after changing the fixed fields. */
static void
fix_header_crc(unsigned char *b)
{
	uint32_t L = get32(b + 24);
	uint32_t crc = crc32(0, b, 28 + L);

	put32(b + 28 + L, (uint32_t)crc);
}

/* A header with the given ncols and JSON text (padded), then END 0. */
static unsigned char *
custom_header(uint64_t ncols, const char *json, size_t *len)
{
	size_t jl = strlen(json), L = (28 + jl + 4 + 63) / 64 * 64 - 32;
	unsigned char *b = calloc(1, 28 + L + 4 + 20);
	static const unsigned char magic[8] = {
		0x89, 'M', 'T', 'N', '\r', '\n', 0x1a, '\n'
	};
	unsigned char *e;

	memcpy(b, magic, 8);
	b[8] = 1;
	put32(b + 12, 1);
	put64(b + 16, ncols);
	put32(b + 24, (uint32_t)L);
	memset(b + 28, ' ', L);
	memcpy(b + 28, json, jl);
	fix_header_crc(b);
	e = b + 28 + L + 4;
	memcpy(e, "END", 4);
	put32(e + 16, (uint32_t)crc32(0, e, 16));
	*len = 28 + L + 4 + 20;
	return b;
}

static void
test_pipe(void)
{
	struct mare_err err;
	unsigned long long rows, chunks;
	int fds[2], status, rc;
	pid_t pid;
	FILE *fp;

	/* 1 MiB / 12 bytes = 87381 rows per chunk: 200000 rows = 3 chunks */
	if (pipe(fds) != 0) {
		diag("pipe: %s", strerror(errno));
		exit(1);
	}
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		mare_err_init(&err);
		fp = fdopen(fds[1], "wb");
		rc = write_f32(fp, 200000, 999, &err);
		_exit(rc == 0 && fclose(fp) == 0 ? 0 : 1);
	}
	close(fds[1]);
	fp = fdopen(fds[0], "rb");
	mare_err_init(&err);
	rc = read_f32(fp, &rows, &chunks, &err);
	fclose(fp);
	waitpid(pid, &status, 0);
	is_int(rc, 0, "pipe: reads to the verified end (%s)", err.msg);
	is_int((long long)rows, 200000, "pipe: every row, values equal");
	is_int((long long)chunks, 3, "pipe: the writer made 3 chunks");
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "pipe: the writer finished");
}

static void
test_file(void)
{
	const char *path = tmp_path("one.tensor");
	const struct mare_tensor_info *info;
	struct mare_tensor_map *m;
	struct mare_tensor_reader *r;
	struct mare_err err;
	unsigned long long rows, chunks;
	const float *d;
	FILE *fp;
	int rc;

	mare_err_init(&err);
	fp = fopen(path, "w+b");
	rc = write_f32(fp, 200000, 999, &err);
	fclose(fp);
	is_int(rc, 0, "file: written");
	fp = fopen(path, "rb");
	rc = read_f32(fp, &rows, &chunks, &err);
	fclose(fp);
	is_int(rc, 0, "file: reads to the verified end (%s)", err.msg);
	is_int((long long)rows, 200000, "file: every row, values equal");
	is_int((long long)chunks, 1, "file: one chunk");

	fp = fopen(path, "rb");
	r = mare_tensor_reader_new(fp, path, &err);
	info = mare_tensor_reader_info(r);
	is_int((long long)info->ncols, 3, "info: 3 columns");
	is_int(info->dtype, MARE_TENSOR_F32, "info: f32");
	is_str(info->columns[2], "z", "info: third column is z");
	is_str(info->spec_sha256, "ab1200000000000000000000000000000000000"
	    "0000000000000000000000000", "info: spec hash in lower case");
	is_str(json_string_value(json_object_get(info->meta, "source")),
	    "test", "info: meta kept");
	is_int((long long)info->header_size % 64, 0, "info: header 64-aligned");
	mare_tensor_reader_free(r);
	fclose(fp);

	m = mare_tensor_map(path, MARE_TENSOR_MAP_VERIFY, &err);
	ok(m != NULL, "map: a single-chunk file maps (%s)", err.msg);
	if (m != NULL) {
		d = mare_tensor_map_data(m);
		is_int((long long)mare_tensor_map_rows(m), 200000,
		    "map: 200000 rows");
		is_int((long long)((uintptr_t)d % 16), 0,
		    "map: data 16-byte aligned");
		ok(d[0] == fval(0, 0) && d[199999 * 3 + 2] == fval(199999, 2),
		    "map: first and last values");
		is_str(mare_tensor_map_info(m)->columns[0], "x",
		    "map: column names");
		mare_tensor_map_free(m);
	}
}

static void
test_f64_and_zero(void)
{
	const char *path = tmp_path("f64.tensor");
	static const char *const cols2[] = { "a", "b" };
	double in[4] = { 0.1, -1e300, NAN, 1.0 / 3.0 }, out[8];
	struct mare_tensor_writer *w;
	struct mare_tensor_reader *r;
	struct mare_tensor_map *m;
	struct mare_err err;
	size_t n;
	FILE *fp;
	int rc;

	mare_err_init(&err);
	fp = fopen(path, "w+b");
	w = mare_tensor_writer_new(fp, "f64", MARE_TENSOR_F64, 2, cols2, NULL,
	    NULL, &err);
	rc = mare_tensor_write_f64(w, in, 2, &err);
	rc |= mare_tensor_writer_finish(w, &err);
	mare_tensor_writer_free(w);
	rewind(fp);
	r = mare_tensor_reader_new(fp, "f64", &err);
	ok(rc == 0 && r != NULL, "f64: written and reopened");
	rc = mare_tensor_read_f64(r, out, 4, &n, &err);
	ok(rc == 1 && n == 2, "f64: 2 rows");
	ok(out[0] == 0.1 && out[1] == -1e300 && isnan(out[2]) &&
	    out[3] == 1.0 / 3.0, "f64: values exact, NaN kept");
	is_int(mare_tensor_read_f64(r, out, 4, &n, &err), 0, "f64: then end");
	ok(mare_tensor_reader_info(r)->spec_sha256 == NULL,
	    "f64: no spec hash is NULL");
	mare_tensor_reader_free(r);
	fclose(fp);

	/* f32 widened by read_f64 (-1e300 is out of range: -inf itself) */
	in[1] = -INFINITY;
	fp = fopen(path, "w+b");
	w = mare_tensor_writer_new(fp, "f32", MARE_TENSOR_F32, 2, cols2, NULL,
	    NULL, &err);
	mare_tensor_write_f64(w, in, 2, &err);
	mare_tensor_writer_finish(w, &err);
	mare_tensor_writer_free(w);
	rewind(fp);
	r = mare_tensor_reader_new(fp, "f32", &err);
	rc = mare_tensor_read_f64(r, out, 4, &n, &err);
	ok(rc == 1 && n == 2 && out[0] == (double)0.1f &&
	    out[1] == -INFINITY && isnan(out[2]) &&
	    out[3] == (double)(float)(1.0 / 3.0), "f32: widened to double");
	mare_tensor_reader_free(r);
	fclose(fp);

	/* zero rows: file and memory */
	fp = fopen(path, "w+b");
	w = mare_tensor_writer_new(fp, "zero", MARE_TENSOR_F32, 2, cols2,
	    NULL, NULL, &err);
	rc = mare_tensor_writer_finish(w, &err);
	mare_tensor_writer_free(w);
	rewind(fp);
	r = mare_tensor_reader_new(fp, "zero", &err);
	is_int(mare_tensor_read_rows(r, out, 4, &n, &err), 0,
	    "zero rows: end at once (%s)", err.msg);
	is_int((long long)mare_tensor_reader_rows(r), 0, "zero rows: 0 rows");
	mare_tensor_reader_free(r);
	fclose(fp);
	m = mare_tensor_map(path, MARE_TENSOR_MAP_VERIFY, &err);
	ok(m != NULL && mare_tensor_map_rows(m) == 0 &&
	    mare_tensor_map_data(m) == NULL, "zero rows: maps, no data");
	mare_tensor_map_free(m);
}

/* found with tests/bad: 1e39 became +inf in an f32 tensor, silently */
static void
test_f32_range(void)
{
	static const char *const ab[] = { "a", "b" };
	const double rows[] = { 1, 2, 3, 1e39, -FLT_MAX, 1e-50, INFINITY, NAN };
	struct mare_tensor_writer *w;
	struct mare_err err;
	FILE *fp = tmpfile();

	mare_err_init(&err);
	w = mare_tensor_writer_new(fp, "w", MARE_TENSOR_F32, 2, ab, NULL,
	    NULL, &err);
	is_int(mare_tensor_write_f64(w, rows, 4, &err), -1,
	    "writer: a finite value beyond FLT_MAX is refused for f32");
	is_int(err.code, MARE_E_DATA, "writer: out of range is a data error");
	is_str(err.msg, "row 2, column 2: 1e+39 is out of the float32 range",
	    "writer: says which row and column");
	is_int((long long)mare_tensor_writer_rows(w), 1,
	    "writer: the rows before it are written, that one is not");
	mare_err_init(&err);
	is_int(mare_tensor_write_f64(w, rows + 4, 2, &err), 0,
	    "writer: -FLT_MAX, an underflow, inf and NaN are accepted");
	is_int(mare_tensor_writer_finish(w, &err), 0,
	    "writer: still usable after the refusal");
	mare_tensor_writer_free(w);
	fclose(fp);
}

static void
test_writer_refuses(void)
{
	static const char *const dup[] = { "a", "b", "a" };
	static const char *const empty[] = { "a", "" };
	static const char *const bad[] = { "a", "\xff" };
	struct mare_err err;
	FILE *fp = tmpfile();

	mare_err_init(&err);
	ok(mare_tensor_writer_new(fp, "w", MARE_TENSOR_F32, 3, dup, NULL,
	    NULL, &err) == NULL && err.code == MARE_E_USAGE,
	    "writer: duplicate names refused");
	is_str(err.msg, "column name 'a' is duplicated", "writer: says which");
	mare_err_init(&err);
	mare_tensor_writer_new(fp, "w", MARE_TENSOR_F32, 2, empty, NULL, NULL,
	    &err);
	is_str(err.msg, "column 2 name is empty", "writer: empty name");
	mare_err_init(&err);
	mare_tensor_writer_new(fp, "w", MARE_TENSOR_F32, 2, bad, NULL, NULL,
	    &err);
	is_str(err.msg, "column 2 name is not valid UTF-8",
	    "writer: invalid UTF-8 name");
	mare_err_init(&err);
	mare_tensor_writer_new(fp, "w", MARE_TENSOR_F32, 1, dup, "abc", NULL,
	    &err);
	like(err.msg, "is not 64 hex digits", "writer: bad spec hash");
	fclose(fp);
	test_f32_range();
}

static void
test_errors(void)
{
	struct mare_err err;
	unsigned long long rows;
	unsigned char *g, *b;
	size_t len, glen, hs, c1, c2, endoff;
	char where[64], msg[128];
	int rc;

	/* 5 rows, written 7 at a time... one chunk of 5: make 3 chunks by
	 * hand below instead with a small writer buffer is not possible, so
	 * use 200000 rows (3 chunks) for chunk positions. */
	g = good_stream(200000, &glen);
	rc = read_mem(g, glen, &rows, &err);
	is_int(rc, 0, "memory: the good stream reads (%s)", err.msg);
	hs = 28 + get32(g + 24) + 4;
	c1 = hs;			/* chunk 1: 87381 rows */
	c2 = c1 + 16 + 87381 * 12 + 4;
	endoff = glen - 20;
	b = malloc(glen + 1);

	memcpy(b, g, glen);
	b[1] = 'X';
	rc = read_mem(b, glen, &rows, &err);
	is_err(rc, &err, "t.tensor: offset 0",
	    "not a tensor stream (wrong magic)", "wrong magic");

	memcpy(b, g, glen);
	b[4] = '\n';	/* \r\n -> \n\n: a text-mode conversion */
	rc = read_mem(b, glen, &rows, &err);
	is_err(rc, &err, "t.tensor: offset 0", "mangled tensor magic",
	    "CR LF mangled");

	memcpy(b, g, glen);
	b[8] = 2;
	rc = read_mem(b, glen, &rows, &err);
	is_err(rc, &err, "t.tensor: offset 8",
	    "unsupported tensor format version 2.0", "unknown major");

	memcpy(b, g, glen);
	b[10] = 7;
	fix_header_crc(b);
	rc = read_mem(b, glen, &rows, &err);
	is_int(rc, 0, "higher minor version 1.7 is accepted (%s)", err.msg);

	memcpy(b, g, glen);
	put64(b + 16, 1ULL << 40);
	rc = read_mem(b, glen, &rows, &err);
	is_err(rc, &err, "t.tensor: offset 16",
	    "header claims 1099511627776 columns (limit 1048576)",
	    "2^40 columns");

	memcpy(b, g, glen);
	put32(b + 24, (16U << 20) + 36);
	rc = read_mem(b, glen, &rows, &err);
	is_err(rc, &err, "t.tensor: offset 24",
	    "header JSON length 16777252 over the limit of 16777216 bytes",
	    "JSON too long");

	memcpy(b, g, glen);
	put32(b + 24, get32(b + 24) + 1);
	rc = read_mem(b, glen, &rows, &err);
	is_err(rc, &err, "t.tensor: offset 24", "does not pad the header",
	    "JSON length not 64-aligned");

	memcpy(b, g, glen);
	b[hs - 5] ^= 0x01;	/* a padding space */
	rc = read_mem(b, glen, &rows, &err);
	snprintf(where, sizeof(where), "t.tensor: offset %zu", hs - 4);
	is_err(rc, &err, where, "header checksum mismatch", "header CRC");

	memcpy(b, g, glen);
	b[c1 + 16 + 1000] ^= 0x40;
	rc = read_mem(b, glen, &rows, &err);
	snprintf(where, sizeof(where), "t.tensor: offset %zu", c2 - 4);
	is_err(rc, &err, where, "chunk 1 checksum mismatch (stored",
	    "chunk CRC, a flipped data byte");

	rc = read_mem(g, 20, &rows, &err);
	is_err(rc, &err, "t.tensor",
	    "truncated: stream ends at offset 20 inside the header",
	    "truncated in the fixed header");
	rc = read_mem(g, hs - 2, &rows, &err);
	snprintf(msg, sizeof(msg), "truncated: stream ends at offset %zu "
	    "inside the header", hs - 2);
	is_err(rc, &err, "t.tensor", msg, "truncated in the header CRC");

	rc = read_mem(g, c2 + 100, &rows, &err);
	snprintf(msg, sizeof(msg), "truncated: stream ends at offset %zu "
	    "inside chunk 2", c2 + 100);
	is_err(rc, &err, "t.tensor", msg, "truncated inside chunk 2");

	rc = read_mem(g, endoff, &rows, &err);
	snprintf(msg, sizeof(msg), "truncated: no end record (stream ends "
	    "at offset %zu after 3 chunks)", endoff);
	is_err(rc, &err, "t.tensor", msg, "truncated before the end record");

	rc = read_mem(g, glen - 3, &rows, &err);
	snprintf(msg, sizeof(msg), "truncated: stream ends at offset %zu "
	    "inside the end record", glen - 3);
	is_err(rc, &err, "t.tensor", msg, "truncated in the end record");

	memcpy(b, g, glen);
	put64(b + c1 + 8, UINT64_MAX);
	rc = read_mem(b, glen, &rows, &err);
	snprintf(where, sizeof(where), "t.tensor: offset %zu", c1 + 8);
	is_err(rc, &err, where, "chunk 1 is unfinished", "UINT64_MAX chunk");

	memcpy(b, g, glen);
	b[glen] = 0;
	rc = read_mem(b, glen + 1, &rows, &err);
	snprintf(where, sizeof(where), "t.tensor: offset %zu", glen);
	is_err(rc, &err, where, "trailing bytes after end record",
	    "trailing bytes");

	memcpy(b, g, glen);
	put64(b + endoff + 8, 199999);
	put32(b + endoff + 16, (uint32_t)crc32(0, b + endoff, 16));
	rc = read_mem(b, glen, &rows, &err);
	snprintf(where, sizeof(where), "t.tensor: offset %zu", endoff + 8);
	is_err(rc, &err, where,
	    "end record says 199999 rows, the chunks hold 200000",
	    "end-record total mismatch");

	memcpy(b, g, glen);
	b[endoff] = 'X';
	rc = read_mem(b, glen, &rows, &err);
	snprintf(where, sizeof(where), "t.tensor: offset %zu", endoff);
	is_err(rc, &err, where, "unknown record tag", "unknown record tag");

	/* 2^50 rows: read in bounded pieces, fails at EOF on a stream ... */
	memcpy(b, g, glen);
	put64(b + c1 + 8, 1ULL << 50);
	rc = read_mem(b, glen, &rows, &err);
	snprintf(msg, sizeof(msg), "truncated: stream ends at offset %zu "
	    "inside chunk 1", glen);
	is_err(rc, &err, "t.tensor", msg, "2^50-row chunk on a stream");
	/* ... and at once on a file, against its size */
	save(tmp_path("huge.tensor"), b, glen);
	rc = read_file(tmp_path("huge.tensor"), &rows, &err);
	snprintf(where, sizeof(where), "t.tensor: offset %zu", c1 + 8);
	is_err(rc, &err, where, "truncated: chunk 1 claims "
	    "1125899906842624 rows", "2^50-row chunk in a file");
	is_int((long long)rows, 0, "2^50-row chunk in a file: no row read");

	/* empty input */
	save(tmp_path("empty.tensor"), b, 0);
	rc = read_file(tmp_path("empty.tensor"), &rows, &err);
	is_err(rc, &err, "t.tensor: offset 0", "empty input", "empty input");

	free(b);
	free(g);

	b = custom_header(1, "{\"columns\":[\"a\"", &len);
	rc = read_mem(b, len, &rows, &err);
	is_err(rc, &err, "t.tensor: offset 59", "header JSON: ", "bad JSON");
	diag("bad JSON: %s", err.msg);
	free(b);
	b = custom_header(2, "{\"columns\":[\"a\"]}", &len);
	rc = read_mem(b, len, &rows, &err);
	is_err(rc, &err, "t.tensor: offset 28",
	    "header JSON names 1 columns, the header claims 2",
	    "column count mismatch");
	free(b);
	b = custom_header(2, "{\"columns\":[\"a\",\"a\"]}", &len);
	rc = read_mem(b, len, &rows, &err);
	is_err(rc, &err, "t.tensor: offset 28",
	    "header JSON: column name 'a' is duplicated", "duplicate names");
	free(b);
	b = custom_header(1, "{\"columns\":[\"a\"],\"spec_sha256\":\"x\"}",
	    &len);
	rc = read_mem(b, len, &rows, &err);
	is_err(rc, &err, "t.tensor: offset 28", "\"spec_sha256\" is not 64",
	    "bad spec hash");
	free(b);
	b = custom_header(1, "{\"columns\":[\"a\"],\"meta\":[1]}", &len);
	rc = read_mem(b, len, &rows, &err);
	is_err(rc, &err, "t.tensor: offset 28",
	    "header JSON: \"meta\" is not an object", "meta an array");
	free(b);
	b = custom_header(1, "{\"columns\":[\"a\"],\"future\":1}", &len);
	rc = read_mem(b, len, &rows, &err);
	is_int(rc, 0, "unknown header keys are ignored (%s)", err.msg);
	free(b);
}

static void
test_unfinished_file(void)
{
	const char *path = tmp_path("died.tensor");
	struct mare_tensor_writer *w;
	struct mare_err err;
	unsigned long long rows;
	float row[3] = { 1, 2, 3 };
	FILE *fp;
	int rc;

	mare_err_init(&err);
	fp = fopen(path, "wb");
	w = mare_tensor_writer_new(fp, "died", MARE_TENSOR_F32, 3, cols3,
	    NULL, NULL, &err);
	mare_tensor_write_rows(w, row, 1, &err);
	mare_tensor_write_rows(w, row, 1, &err);
	/* the writer "dies": its buffer is flushed, no finish */
	mare_tensor_writer_free(w);
	fclose(fp);
	rc = read_file(path, &rows, &err);
	ok(rc == -1 && err.code == MARE_E_DATA, "a file whose writer died "
	    "is refused");
	fp = fopen(path, "rb");
	mare_tensor_map_free(mare_tensor_map(path, 0, &err));
	fclose(fp);
}

static void
test_numbers(void)
{
	struct mare_tensor_stats s[1];
	double v[] = { 1, 2, NAN, 3, 4 };
	char buf[32];

	memset(s, 0, sizeof(s));
	mare_tensor_stats_add(s, 1, v, 5);
	ok(s[0].count == 4 && s[0].nan == 1, "stats: 4 values, 1 NaN");
	ok(s[0].min == 1 && s[0].max == 4 && s[0].mean == 2.5,
	    "stats: min, max, mean");
	is_double(mare_tensor_stats_sd(s), 1.2909944487358056, 1e-15,
	    "stats: sample sd (numpy std(ddof=1))");
	mare_tensor_ftoa(0.1f, buf, sizeof(buf));
	is_str(buf, "0.1", "ftoa: 0.1f is 0.1");
	mare_tensor_ftoa(16777216.0f, buf, sizeof(buf));
	is_str(buf, "16777216", "ftoa: 2^24");
	mare_tensor_ftoa(3.4028235e38f, buf, sizeof(buf));
	is_str(buf, "3.4028235e+38", "ftoa: FLT_MAX");
	mare_tensor_ftoa(-NAN, buf, sizeof(buf));
	is_str(buf, "nan", "ftoa: NaN");
}

/* The whole stream through the streaming reader: 0 good, -1 err set. */
static int
stream_all(const char *path, const char *name, struct mare_err *err)
{
	struct mare_tensor_reader *r;
	size_t got;
	double *buf;
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "rb")) == NULL)
		return mare_err_set(err, MARE_E_NOINPUT, "cannot open");
	if ((r = mare_tensor_reader_new(fp, name, err)) == NULL) {
		fclose(fp);
		return -1;
	}
	buf = malloc(64 * mare_tensor_reader_info(r)->ncols * sizeof(double));
	do
		rc = mare_tensor_read_f64(r, buf, 64, &got, err);
	while (rc == 1);
	free(buf);
	mare_tensor_reader_free(r);
	fclose(fp);
	return rc;
}

/*
 * Every bad tensor of tests/bad through both readers: the mapped reader
 * (mare-predict and mare-train map regular files) refuses what the
 * streaming reader refuses, with a data error. Files that only a
 * command's own checks refuse (a spec hash, say) load in both.
 */
static void
test_bad_corpus(void)
{
	char dir[4096], path[4400];
	struct mare_tensor_map *m;
	struct mare_err se, me;
	const char *src = getenv("MARE_SRCDIR");
	struct dirent *e;
	int n = 0, agree = 0, srcs, mrc;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/bad/tensor", src ? src : ".");
	if ((d = opendir(dir)) == NULL) {
		ok(0, "tensor: %s: cannot open", dir);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strstr(e->d_name, ".tensor") == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		mare_err_init(&se);
		mare_err_init(&me);
		srcs = stream_all(path, e->d_name, &se);
		m = mare_tensor_map(path, MARE_TENSOR_MAP_VERIFY, &me);
		mrc = m == NULL ? -1 : 0;
		mare_tensor_map_free(m);
		n++;
		if (srcs == 0 ? mrc == 0 : mrc == -1 &&
		    me.code == MARE_E_DATA && se.code == MARE_E_DATA &&
		    strcmp(me.msg, se.msg) == 0)
			agree++;
		else
			diag("%s: stream %d (%s), map %d (%s)", e->d_name,
			    srcs, se.msg, mrc, me.msg);
	}
	closedir(d);
	ok(n >= 40 && agree == n, "tensor: the mapped and streaming readers "
	    "agree on all %d bad tensors of tests/bad", n);
}

/* A reader on the bytes in memory, or NULL with err set. */
static struct mare_tensor_reader *
mem_reader(const unsigned char *b, size_t len, FILE **fp,
    struct mare_err *err)
{
	mare_err_init(err);
	*fp = fmemopen((void *)(uintptr_t)b, len, "rb");
	return mare_tensor_reader_new(*fp, "t.tensor", err);
}

/* Stream faults not made by test_errors(), and the reader's own rules. */
static void
test_stream_more(void)
{
	struct mare_tensor_reader *r;
	struct mare_err err, again;
	unsigned long long rows;
	unsigned char *g, *b;
	size_t glen, hs, c2, endoff, n;
	char where[64], msg[160];
	float buf[3 * 16];
	FILE *fp;
	int rc;

	/* 100000 rows through a pipe: chunks of 87381 and 12619 rows */
	g = good_stream(100000, &glen);
	hs = 28 + get32(g + 24) + 4;
	c2 = hs + 16 + 87381 * 12 + 4;
	endoff = glen - 20;
	is_int((long long)glen, (long long)(c2 + 16 + 12619 * 12 + 4 + 20),
	    "stream: two chunks of 87381 and 12619 rows, then the end record");
	b = malloc(glen);

	rc = read_mem(g, 40, &rows, &err);
	is_err(rc, &err, "t.tensor", "truncated: stream ends at offset 40 "
	    "inside the header", "truncated in the header JSON");
	save(tmp_path("empty.tensor"), g, 0);
	mare_err_init(&err);
	ok(mare_tensor_map(tmp_path("empty.tensor"), 0, &err) == NULL &&
	    err.code == MARE_E_DATA && strcmp(err.msg, "empty input: not a "
	    "tensor stream") == 0, "map: an empty file is not a tensor");
	snprintf(where, sizeof(where), "%s: offset 0",
	    tmp_path("empty.tensor"));
	is_str(err.where, where, "map: at offset 0");
	rc = read_mem(g, c2 + 8, &rows, &err);
	snprintf(msg, sizeof(msg), "truncated: stream ends at offset %zu "
	    "inside chunk 2", c2 + 8);
	is_err(rc, &err, "t.tensor", msg, "truncated in a chunk's record");
	rc = read_mem(g, endoff + 8, &rows, &err);
	snprintf(msg, sizeof(msg), "truncated: stream ends at offset %zu "
	    "inside the end record", endoff + 8);
	is_err(rc, &err, "t.tensor", msg, "truncated in the end record's "
	    "first 16 bytes");
	rc = read_mem(g, c2 - 2, &rows, &err);
	snprintf(msg, sizeof(msg), "truncated: stream ends at offset %zu "
	    "inside chunk 1", c2 - 2);
	is_err(rc, &err, "t.tensor", msg, "truncated in a chunk's CRC");

	/* (2^64 - 2) rows of 12 bytes cannot be counted in 64 bits */
	memcpy(b, g, glen);
	put64(b + hs + 8, UINT64_MAX - 1);
	rc = read_mem(b, glen, &rows, &err);
	snprintf(where, sizeof(where), "t.tensor: offset %zu", hs + 8);
	is_err(rc, &err, where, "chunk 1 claims 18446744073709551614 rows: "
	    "too many", "2^64-2 rows");

	/* once failed, a reader keeps failing with the same error */
	r = mem_reader(b, glen, &fp, &err);
	rc = mare_tensor_read_rows(r, buf, 16, &n, &err);
	mare_err_init(&again);
	is_int(mare_tensor_read_rows(r, buf, 16, &n, &again), -1,
	    "reader: a failed reader fails again");
	is_str(again.msg, err.msg, "reader: with the first error");
	is_str(again.where, where, "reader: at the first error's offset");
	mare_tensor_reader_free(r);
	fclose(fp);

	/* maxrows 0 is a caller's bug */
	r = mem_reader(g, glen, &fp, &err);
	is_int(mare_tensor_read_rows(r, buf, 0, &n, &err), -1,
	    "reader: maxrows 0 is refused");
	is_int(err.code, MARE_E_INTERNAL, "reader: as an internal error");
	is_str(err.msg, "mare_tensor_read_rows: maxrows is 0",
	    "reader: naming the function");
	mare_tensor_reader_free(r);
	fclose(fp);

	/* a read error: a folder opens with fopen() but read(2) fails */
	mare_err_init(&err);
	fp = fopen(tap_tmpdir(), "rb");
	r = mare_tensor_reader_new(fp, "d", &err);
	ok(r == NULL && err.code == MARE_E_IO && err.sys_errno == EISDIR,
	    "reader: a read error is MARE_E_IO with errno EISDIR");
	is_str(err.msg, "read error", "reader: says read error");
	is_str(err.where, "d: offset 0", "reader: at offset 0");
	fclose(fp);

	/* the mapped reader on the same faults, from files */
	save(tmp_path("two.tensor"), g, glen);
	mare_err_init(&err);
	ok(mare_tensor_map(tmp_path("two.tensor"), 0, &err) == NULL,
	    "map: a two-chunk stream is refused");
	snprintf(where, sizeof(where), "%s: offset %zu",
	    tmp_path("two.tensor"), c2);
	is_str(err.where, where, "map: at the second chunk");
	is_str(err.msg, "not a single-chunk tensor file (written through a "
	    "pipe? re-write it with 'mare-tensor cat -o')",
	    "map: says how to make a mappable file");
	save(tmp_path("many.tensor"), b, glen);
	mare_err_init(&err);
	ok(mare_tensor_map(tmp_path("many.tensor"), 0, &err) == NULL &&
	    strcmp(err.msg, "chunk 1 claims 18446744073709551614 rows: "
	    "too many") == 0, "map: 2^64-2 rows are too many");
	free(b);
	free(g);
}

/* A one-chunk file of 5 rows: its bytes, its header size. */
static unsigned char *
one_chunk(size_t *len, size_t *hs)
{
	const char *path = tmp_path("five.tensor");
	struct mare_err err;
	unsigned char *b;
	FILE *fp;

	mare_err_init(&err);
	fp = fopen(path, "w+b");
	if (write_f32(fp, 5, 5, &err) != 0) {
		diag("one_chunk: %s", err.msg);
		exit(1);
	}
	*len = (size_t)ftello(fp);
	b = malloc(*len);
	rewind(fp);
	if (fread(b, 1, *len, fp) != *len)
		exit(1);
	fclose(fp);
	*hs = 28 + get32(b + 24) + 4;
	return b;
}

static void
test_map_more(void)
{
	const char *path = tmp_path("m.tensor");
	struct mare_err err;
	unsigned char *g, *b;
	size_t len, hs, endoff;
	char want[600];

	g = one_chunk(&len, &hs);
	endoff = hs + 16 + 5 * 12 + 4;
	is_int((long long)len, (long long)endoff + 20,
	    "map: 5 rows in one chunk, then the end record");
	b = malloc(len);

	memcpy(b, g, len);
	memcpy(b + endoff, "XXXX", 4);
	save(path, b, len);
	mare_err_init(&err);
	ok(mare_tensor_map(path, 0, &err) == NULL && err.code == MARE_E_DATA,
	    "map: a bad tag after the chunk is a data error");
	is_str(err.msg, "unknown record tag 58 58 58 58 (expected \"ROWS\" "
	    "or \"END\")", "map: the tag in hex");
	snprintf(want, sizeof(want), "%s: offset %zu", path, endoff);
	is_str(err.where, want, "map: at the tag");

	memcpy(b, g, len);
	put32(b + endoff + 4, 7);
	save(path, b, len);
	mare_err_init(&err);
	ok(mare_tensor_map(path, 0, &err) == NULL &&
	    strcmp(err.msg, "reserved field is 7, expected 0") == 0,
	    "map: a non-zero reserved field in the end record");
	snprintf(want, sizeof(want), "%s: offset %zu", path, endoff + 4);
	is_str(err.where, want, "map: at the reserved field");

	mare_err_init(&err);
	snprintf(want, sizeof(want), "%s/none.tensor", tap_tmpdir());
	ok(mare_tensor_map(want, 0, &err) == NULL &&
	    err.code == MARE_E_NOINPUT && err.sys_errno == ENOENT,
	    "map: a missing file is MARE_E_NOINPUT (ENOENT)");
	snprintf(want, sizeof(want), "'%s/none.tensor'", tap_tmpdir());
	is_str(err.msg, want, "map: the message quotes the path");

	mare_err_init(&err);
	ok(mare_tensor_map(tap_tmpdir(), 0, &err) == NULL &&
	    err.code == MARE_E_NOINPUT, "map: a folder is MARE_E_NOINPUT");
	snprintf(want, sizeof(want), "cannot map '%s': not a regular file",
	    tap_tmpdir());
	is_str(err.msg, want, "map: a folder is not a regular file");
	free(b);
	free(g);
}

static void
test_writer_more(void)
{
	static const char *const utf8[] = {
		/* e acute, the euro sign, a G clef */
		"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9d\x84\x9e"
	};
	static const struct {
		const char *name, *what;
	} badnames[] = {
		{ "a\xc3", "a lead byte at the end" },
		{ "\xc3\x41", "a lead byte before ASCII" },
		{ "\xc0\xaf", "an overlong 2-byte '/'" },
		{ "\xe0\x80\xaf", "an overlong 3-byte '/'" },
		{ "\xf0\x80\x80\xaf", "an overlong 4-byte '/'" },
		{ "\xed\xa0\x80", "a UTF-16 surrogate (U+D800)" },
		{ "\xf4\x90\x80\x80", "U+110000, past Unicode" },
		{ "\xf8\x88\x80\x80\x80", "a 5-byte form" },
		{ "\x80", "a lone continuation byte" }
	};
	const char *one[1];
	const struct mare_tensor_info *info;
	struct mare_tensor_writer *w;
	struct mare_tensor_reader *r;
	struct mare_err err;
	json_t *meta;
	char *big, name[16], **names;
	double row[3] = { 1, 2, 3 }, *wide, *back;
	size_t i, n;
	FILE *fp;
	pid_t pid;
	int status, rc;

	/* UTF-8 column names round trip; malformed ones are refused */
	mare_err_init(&err);
	fp = tmpfile();
	w = mare_tensor_writer_new(fp, "w", MARE_TENSOR_F32, 3, utf8, NULL,
	    NULL, &err);
	ok(w != NULL && mare_tensor_write_f64(w, row, 1, &err) == 0 &&
	    mare_tensor_writer_finish(w, &err) == 0,
	    "writer: 2-, 3- and 4-byte UTF-8 names are accepted");
	mare_tensor_writer_free(w);
	rewind(fp);
	r = mare_tensor_reader_new(fp, "w", &err);
	info = r != NULL ? mare_tensor_reader_info(r) : NULL;
	ok(info != NULL && strcmp(info->columns[0], utf8[0]) == 0 &&
	    strcmp(info->columns[1], utf8[1]) == 0 &&
	    strcmp(info->columns[2], utf8[2]) == 0,
	    "reader: the UTF-8 names come back byte for byte");
	mare_tensor_reader_free(r);
	fclose(fp);
	for (i = 0; i < sizeof(badnames) / sizeof(badnames[0]); i++) {
		mare_err_init(&err);
		one[0] = badnames[i].name;
		ok(mare_tensor_writer_new(stdout, "w", MARE_TENSOR_F32, 1, one,
		    NULL, NULL, &err) == NULL &&
		    strcmp(err.msg, "column 1 name is not valid UTF-8") == 0,
		    "writer: %s is not valid UTF-8", badnames[i].what);
	}

	/* arguments */
	mare_err_init(&err);
	ok(mare_tensor_writer_new(stdout, "w", (enum mare_tensor_dtype)3, 3,
	    cols3, NULL, NULL, &err) == NULL && err.code == MARE_E_USAGE &&
	    strcmp(err.msg, "unknown dtype 3") == 0, "writer: dtype 3 is "
	    "unknown");
	mare_err_init(&err);
	ok(mare_tensor_writer_new(stdout, "w", MARE_TENSOR_F32, 0, cols3,
	    NULL, NULL, &err) == NULL && err.code == MARE_E_USAGE &&
	    strcmp(err.msg, "0 columns: a tensor has 1 to 1048576") == 0,
	    "writer: 0 columns are refused");
	meta = json_array();
	mare_err_init(&err);
	ok(mare_tensor_writer_new(stdout, "w", MARE_TENSOR_F32, 3, cols3,
	    NULL, meta, &err) == NULL && err.code == MARE_E_USAGE &&
	    strcmp(err.msg, "tensor meta is not a JSON object") == 0,
	    "writer: an array as meta is refused");
	json_decref(meta);

	/* header JSON over 16 MiB: {"columns":["x"],"spec_sha256":null,
	 * "meta":{"big":"a...a"}} is 54 + 17000000 bytes, padded so that
	 * 28 + L + 4 is a multiple of 64: L = 17000096 */
	big = malloc(17000001);
	memset(big, 'a', 17000000);
	big[17000000] = '\0';
	meta = json_pack("{s:s}", "big", big);
	mare_err_init(&err);
	fp = tmpfile();
	ok(mare_tensor_writer_new(fp, "w", MARE_TENSOR_F32, 1, cols3, NULL,
	    meta, &err) == NULL && err.code == MARE_E_USAGE,
	    "writer: a 17 MB meta is refused as a usage error");
	is_str(err.msg, "header JSON of 17000096 bytes over the limit of "
	    "16777216 bytes", "writer: the message gives the padded size");
	is_str(err.where, "w: offset 28", "writer: at the JSON's offset");
	is_int((long long)ftello(fp), 0, "writer: nothing was written");
	fclose(fp);
	json_decref(meta);
	free(big);

	/* a stream that cannot be written: fwrite fails at once (EBADF) */
	fp = fopen(tmp_path("five.tensor"), "rb");
	mare_err_init(&err);
	ok(mare_tensor_writer_new(fp, "w", MARE_TENSOR_F32, 3, cols3, NULL,
	    NULL, &err) == NULL && err.code == MARE_E_IO &&
	    err.sys_errno == EBADF, "writer: a read-only stream fails with "
	    "EBADF");
	is_str(err.msg, "cannot write", "writer: says cannot write");
	is_str(err.where, "w: offset 0", "writer: at offset 0");
	fclose(fp);

	/* /dev/full: buffered until the final flush, which fails; the
	 * header is 128 bytes, one chunk 16 + 12 + 4, the end record 20 */
	fp = fopen("/dev/full", "wb");
	mare_err_init(&err);
	w = mare_tensor_writer_new(fp, "w", MARE_TENSOR_F32, 3, cols3, NULL,
	    NULL, &err);
	ok(w != NULL && mare_tensor_write_f64(w, row, 1, &err) == 0,
	    "writer: /dev/full takes the header and a row into the buffer");
	is_int(mare_tensor_writer_finish(w, &err), -1,
	    "writer: finishing on /dev/full fails");
	ok(err.code == MARE_E_IO && err.sys_errno == ENOSPC &&
	    strcmp(err.msg, "cannot write") == 0, "writer: with ENOSPC");
	is_str(err.where, "w: offset 180", "writer: after all 180 bytes");
	mare_err_init(&err);
	is_int(mare_tensor_write_f64(w, row, 1, &err), -1,
	    "writer: a failed writer refuses more rows");
	is_str(err.msg, "tensor writer for 'w' has already failed",
	    "writer: saying it has failed");
	is_int(err.code, MARE_E_IO, "writer: as an I/O error");
	mare_tensor_writer_free(w);
	fclose(fp);

	/* a full chunk (87381 rows of 12 bytes) is one fwrite() of 1 MiB,
	 * past stdio's buffer: it fails as the rows are written, after the
	 * 128-byte header and the 16-byte chunk record */
	wide = calloc(87382 * 3, sizeof(*wide));
	fp = fopen("/dev/full", "wb");
	mare_err_init(&err);
	w = mare_tensor_writer_new(fp, "w", MARE_TENSOR_F32, 3, cols3, NULL,
	    NULL, &err);
	ok(w != NULL && mare_tensor_write_f64(w, wide, 87382, &err) == -1 &&
	    err.code == MARE_E_IO && err.sys_errno == ENOSPC,
	    "writer: a full chunk on /dev/full fails while writing rows");
	is_str(err.where, "w: offset 144", "writer: at the chunk's data");
	mare_tensor_writer_free(w);
	fclose(fp);
	free(wide);

	/* rows after finish are a caller's bug */
	fp = tmpfile();
	w = mare_tensor_writer_new(fp, "w", MARE_TENSOR_F32, 3, cols3, NULL,
	    NULL, &err);
	mare_tensor_writer_finish(w, &err);
	mare_err_init(&err);
	ok(mare_tensor_write_f64(w, row, 1, &err) == -1 &&
	    err.code == MARE_E_INTERNAL && strcmp(err.msg, "tensor writer "
	    "for 'w' is finished") == 0, "writer: rows after finish are an "
	    "internal error");
	mare_tensor_writer_free(w);
	fclose(fp);

	/* a file over RLIMIT_FSIZE: the flush before the chunk fails */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/* only the soft limit, lifted again so that exit() can
		 * write the gcov counts */
		struct rlimit rl = { 64, RLIM_INFINITY };

		signal(SIGXFSZ, SIG_IGN);
		fp = fopen(tmp_path("capped.tensor"), "w+b");
		if (fp == NULL || setrlimit(RLIMIT_FSIZE, &rl) != 0)
			exit(2);
		mare_err_init(&err);
		w = mare_tensor_writer_new(fp, "w", MARE_TENSOR_F32, 3, cols3,
		    NULL, NULL, &err);
		if (w == NULL || mare_tensor_write_f64(w, row, 1, &err) != 0)
			exit(3);
		rc = mare_tensor_writer_finish(w, &err);
		rl.rlim_cur = RLIM_INFINITY;
		setrlimit(RLIMIT_FSIZE, &rl);
		/* freed before exit(): LeakSanitizer checks at exit */
		mare_tensor_writer_free(w);
		fclose(fp);
		if (rc != -1 || err.code != MARE_E_IO ||
		    err.sys_errno != EFBIG ||
		    strcmp(err.msg, "cannot write") != 0)
			exit(4);
		exit(strcmp(err.where, "w: offset 128") == 0 ? 0 : 5);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "writer: a file over the size limit fails with EFBIG at the "
	    "chunk (offset 128)");

	/* a row over 1 MiB (140000 f64 columns) still gets a buffer row */
	n = 140000;
	names = malloc(n * sizeof(*names));
	wide = malloc(2 * n * sizeof(*wide));
	back = malloc(2 * n * sizeof(*back));
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "c%zu", i);
		names[i] = strdup(name);
		wide[i] = (double)i;
		wide[n + i] = -(double)i;
	}
	fp = tmpfile();
	mare_err_init(&err);
	w = mare_tensor_writer_new(fp, "wide", MARE_TENSOR_F64, n,
	    (const char *const *)names, NULL, NULL, &err);
	ok(w != NULL && mare_tensor_write_f64(w, wide, 2, &err) == 0 &&
	    mare_tensor_writer_finish(w, &err) == 0,
	    "writer: two rows of 1.12 MB are written (%s)", err.msg);
	mare_tensor_writer_free(w);
	rewind(fp);
	r = mare_tensor_reader_new(fp, "wide", &err);
	ok(r != NULL && mare_tensor_read_f64(r, back, 2, &i, &err) == 1 &&
	    i == 2 && back[139999] == 139999 && back[n + 139999] == -139999 &&
	    memcmp(back, wide, 2 * n * sizeof(*wide)) == 0,
	    "reader: and read back equal");
	mare_tensor_reader_free(r);
	fclose(fp);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(wide);
	free(back);
}

static void
test_ftoa_more(void)
{
	char buf[32];

	is_int(mare_tensor_ftoa(INFINITY, buf, sizeof(buf)), 3, "ftoa: inf "
	    "is 3 characters");
	is_str(buf, "inf", "ftoa: inf");
	is_int(mare_tensor_ftoa(-INFINITY, buf, sizeof(buf)), 4, "ftoa: -inf "
	    "is 4 characters");
	is_str(buf, "-inf", "ftoa: -inf");
	is_int(mare_tensor_ftoa(0.1f, buf, 3), -1, "ftoa: \"0.1\" does not "
	    "fit in 3 bytes");
	is_int(mare_tensor_ftoa(0.1f, buf, 4), 3, "ftoa: but fits in 4");
}

int
main(void)
{
	test_pipe();
	test_file();
	test_f64_and_zero();
	test_writer_refuses();
	test_errors();
	test_unfinished_file();
	test_numbers();
	test_bad_corpus();
	test_stream_more();
	test_map_more();
	test_writer_more();
	test_ftoa_more();
	return tap_done();
}
