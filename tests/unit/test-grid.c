/*
 * test-grid.c - ESRI ASCII grids: reading, writing, stacks, cell lookup
 *
 * Hand-made 4 x 3 grids (tests/data/grid/tiny*.asc) whose every value is
 * known, three real crops of Caribbean layers and one real gzipped layer.
 * The reference values of the real layers come from a pure-Python reading
 * of the same files: tests/data/grid/ref-values.py, run as
 * `cd tests/data/grid/crop && python3 ../ref-values.py`.
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
#include <sys/stat.h>
#include <unistd.h>

#include "grid.h"
#include "rng.h"
#include "tap.h"

static const float tiny_cells[12] = {
	1, 2, 3, 4,
	5, -9999, 7, 8,
	9, 10, 11.5f, -12.25f
};

static char datadir[1024];

static const char *
data(const char *name)
{
	static char path[4][1200];
	static int k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", datadir, name);
	return path[k];
}

static const char *
tmpfile_with(const char *name, const char *text)
{
	static char path[4][1200];
	static int k;
	FILE *fp;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", tap_tmpdir(), name);
	fp = fopen(path[k], "wb");
	if (fp != NULL) {
		fputs(text, fp);
		fclose(fp);
	}
	return path[k];
}

static uint32_t
bits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

static int
geom_eq(const struct mare_grid_geom *a, const struct mare_grid_geom *b)
{
	return a->ncols == b->ncols && a->nrows == b->nrows &&
	    a->xll == b->xll && a->yll == b->yll &&
	    a->cellsize == b->cellsize && a->has_nodata == b->has_nodata &&
	    a->nodata == b->nodata;
}

static int
same_cells(const struct mare_grid *g, const float *want, size_t n)
{
	size_t i;

	if (g == NULL || g->geom.ncols * g->geom.nrows != n)
		return 0;
	for (i = 0; i < n; i++) {
		if (bits(g->cells[i]) != bits(want[i]))
			return 0;
	}
	return 1;
}

static void
check_tiny(const char *file, double cs)
{
	struct mare_err err;
	struct mare_grid *g;

	mare_err_init(&err);
	g = mare_grid_load(data(file), &err);
	ok(g != NULL, "grid: %s loads", file);
	if (g == NULL) {
		diag("%s: %s", err.where, err.msg);
		return;
	}
	ok(g->geom.ncols == 4 && g->geom.nrows == 3, "grid: %s is 4 x 3",
	    file);
	ok(g->geom.xll == 10 && g->geom.yll == 20 && g->geom.cellsize == cs,
	    "grid: %s has corner (10, 20) and cellsize %.17g", file, cs);
	ok(g->geom.has_nodata && g->geom.nodata == -9999,
	    "grid: %s has NODATA -9999", file);
	ok(same_cells(g, tiny_cells, 12), "grid: %s has the 12 values", file);
	ok(!mare_grid_valid(g, 5) && mare_grid_valid(g, 4) &&
	    mare_grid_valid(g, 11), "grid: %s: only cell (1, 1) is NODATA",
	    file);
	mare_grid_free(g);
}

/* Load text as a file; expect MARE_E_DATA with where and msg. */
static void
bad(const char *name, const char *text, const char *want_where,
    const char *want_msg)
{
	struct mare_err err;
	struct mare_grid *g;
	const char *path = tmpfile_with(name, text);
	char where[1300];

	mare_err_init(&err);
	g = mare_grid_load(path, &err);
	ok(g == NULL && err.code == MARE_E_DATA, "grid: %s is a data error",
	    name);
	snprintf(where, sizeof(where), "%s/%s", tap_tmpdir(), want_where);
	is_str(err.where, where, "grid: %s: position", name);
	is_str(err.msg, want_msg, "grid: %s: message", name);
	mare_grid_free(g);
}

static void
test_tiny(void)
{
	struct mare_err err;
	struct mare_grid *a, *b;

	check_tiny("tiny.asc", 1);
	check_tiny("tiny_center.asc", 1);
	check_tiny("tiny_crlf.asc", 1);
	check_tiny("tiny_dxdy.asc", 1.0000000000001);
	check_tiny("tiny.asc.gz", 1);

	mare_err_init(&err);
	a = mare_grid_load(data("tiny.asc"), &err);
	b = mare_grid_load(data("tiny.asc.gz"), &err);
	ok(a != NULL && b != NULL &&
	    geom_eq(&a->geom, &b->geom) &&
	    memcmp(a->cells, b->cells, 12 * sizeof(float)) == 0,
	    "grid: tiny.asc.gz equals its gunzipped content (header and "
	    "values)");
	is_str(b != NULL ? b->name : "", "tiny", "grid: the layer name of "
	    "tiny.asc.gz is its stem 'tiny'");
	mare_grid_free(a);
	mare_grid_free(b);

	/* no NODATA_value: every value counts, -9999 included */
	a = mare_grid_load(tmpfile_with("nonodata.asc", "ncols 2\nnrows 1\n"
	    "xllcorner 0\nyllcorner 0\ncellsize 1\n-9999 nan\n"), &err);
	ok(a != NULL && !a->geom.has_nodata && mare_grid_valid(a, 0) &&
	    !mare_grid_valid(a, 1), "grid: without NODATA_value -9999 is a "
	    "value and NaN is not");
	mare_grid_free(a);

	a = mare_grid_load(tmpfile_with("bom.asc", "\xEF\xBB\xBFncols 2\n"
	    "nrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n1 2\n"), &err);
	ok(a != NULL && a->cells[1] == 2, "grid: a UTF-8 byte order mark "
	    "is skipped");
	mare_grid_free(a);

	/* a NaN NODATA (as some GDAL versions write) */
	a = mare_grid_load(tmpfile_with("nannodata.asc", "ncols 2\nnrows 1\n"
	    "xllcorner 0\nyllcorner 0\ncellsize 1\nNODATA_value nan\n"
	    "1 NaN\n"), &err);
	ok(a != NULL && mare_grid_valid(a, 0) && !mare_grid_valid(a, 1),
	    "grid: NODATA_value nan marks NaN cells");
	mare_grid_free(a);
}

static void
test_malformed(void)
{
	static const char hdr[] = "ncols 4\nnrows 3\nxllcorner 10\n"
	    "yllcorner 20\ncellsize 1\nNODATA_value -9999\n";
	struct mare_err err;
	char text[1024];

	snprintf(text, sizeof(text), "%s1 2 3 4\n5 -9999 7 8\n9 10 11.5\n",
	    hdr);
	bad("short.asc", text, "short.asc",
	    "expected 12 values, found 11 (file ends at line 9)");
	bad("shortnonl.asc", "ncols 4\nnrows 3\nxllcorner 10\nyllcorner 20\n"
	    "cellsize 1\n1 2 3 4\n5 6 7 8\n9 10 11",
	    "shortnonl.asc",
	    "expected 12 values, found 11 (file ends at line 8)");
	snprintf(text, sizeof(text), "%s1 2 3 4\n5 -9999 7 8\n9 10 11.5 12\n"
	    "\n13\n", hdr);
	bad("extra.asc", text, "extra.asc:11",
	    "extra value '13' after the 12 values of the header");
	snprintf(text, sizeof(text), "%s1 2 3 4\n5 abc 7 8\n9 10 11.5 12\n",
	    hdr);
	bad("word.asc", text, "word.asc:8", "expected a number, got 'abc'");
	snprintf(text, sizeof(text), "%s1 2 3 4\n5 6 7 8\n9 10 0x1p3 12\n",
	    hdr);
	bad("hex.asc", text, "hex.asc:9", "expected a number, got '0x1p3'");
	snprintf(text, sizeof(text), "%s1 2 3 4\n5 6 7 8\n9 10 1,5 12\n",
	    hdr);
	bad("comma.asc", text, "comma.asc:9", "expected a number, got '1,5'");
	snprintf(text, sizeof(text), "%s1 2 3 4\n5 6 7 8\n9 10 11 "
	    "1.000000000000000000000000000000"
	    "0000000000000000000000000000000001"
	    "\n", hdr);
	bad("longnum.asc", text, "longnum.asc:9", "number too long: "
	    "'1.00000000000000000000000000000000000000...' (more than 64 "
	    "characters)");
	bad("keyword.asc", "ncols 4\nnrows 3\nxllcorna 10\nyllcorner 20\n"
	    "cellsize 1\n1 2 3 4 5 6 7 8 9 10 11 12\n", "keyword.asc:3",
	    "unknown header keyword 'xllcorna'");
	bad("negative.asc", "ncols -4\nnrows 3\nxllcorner 10\nyllcorner 20\n"
	    "cellsize 1\n1 2 3 4 5 6 7 8 9 10 11 12\n", "negative.asc:1",
	    "header keyword 'ncols' must be a positive integer, got '-4'");
	bad("fraction.asc", "ncols 4\nnrows 3.5\nxllcorner 10\nyllcorner 20\n"
	    "cellsize 1\n1 2 3 4 5 6 7 8 9 10 11 12\n", "fraction.asc:2",
	    "header keyword 'nrows' must be a positive integer, got '3.5'");
	bad("huge.asc", "ncols 100000\nnrows 100000\nxllcorner 10\n"
	    "yllcorner 20\ncellsize 1\n1 2 3\n", "huge.asc",
	    "header asks for 100000 x 100000 cells, more than the limit of "
	    "2^31");
	bad("toolarge.asc", "ncols 99999999999999999999999\nnrows 1\n"
	    "xllcorner 10\nyllcorner 20\ncellsize 1\n1 2 3\n",
	    "toolarge.asc:1",
	    "header keyword 'ncols': '99999999999999999999999' is too large");
	bad("lying.asc", "ncols 1000\nnrows 1000\nxllcorner 10\n"
	    "yllcorner 20\ncellsize 1\n1 2 3 4 5 6 7 8 9 10 11 12\n",
	    "lying.asc", "header says 1000 x 1000 = 1,000,000 cells, but "
	    "only 27 bytes of data follow (at least 1,999,999 needed)");
	bad("nocellsize.asc", "ncols 4\nnrows 3\nxllcorner 10\nyllcorner 20\n"
	    "1 2 3 4 5 6 7 8 9 10 11 12\n", "nocellsize.asc",
	    "header has no cellsize (or dx and dy)");
	bad("zerocell.asc", "ncols 4\nnrows 3\nxllcorner 10\nyllcorner 20\n"
	    "cellsize 0\n1 2 3 4 5 6 7 8 9 10 11 12\n", "zerocell.asc",
	    "cellsize must be positive, got 0");
	bad("noxll.asc", "ncols 4\nnrows 3\nyllcorner 20\ncellsize 1\n"
	    "1 2 3 4 5 6 7 8 9 10 11 12\n", "noxll.asc",
	    "header has no xllcorner or xllcenter");
	bad("nonrows.asc", "ncols 4\nxllcorner 10\nyllcorner 20\ncellsize 1\n"
	    "1 2 3 4 5 6 7 8 9 10 11 12\n", "nonrows.asc",
	    "header has no nrows");
	bad("dxdy.asc", "ncols 4\nnrows 3\nxllcorner 10\nyllcorner 20\n"
	    "dx 1\ndy 2\n1 2 3 4 5 6 7 8 9 10 11 12\n", "dxdy.asc",
	    "dx 1 and dy 2 differ: non-square cells are not supported");
	bad("dxonly.asc", "ncols 4\nnrows 3\nxllcorner 10\nyllcorner 20\n"
	    "dx 1\n1 2 3 4 5 6 7 8 9 10 11 12\n", "dxonly.asc",
	    "header has dx without dy");
	bad("twice.asc", "ncols 4\nNCOLS 4\nnrows 3\nxllcorner 10\n"
	    "yllcorner 20\ncellsize 1\n1 2 3 4 5 6 7 8 9 10 11 12\n",
	    "twice.asc:2", "header keyword 'NCOLS' given twice");
	bad("novalue.asc", "ncols 4\nnrows\nxllcorner 10\nyllcorner 20\n"
	    "cellsize 1\n1 2 3 4 5 6 7 8 9 10 11 12\n", "novalue.asc:2",
	    "header keyword 'nrows' has no value");
	bad("trailing.asc", "ncols 4 5\nnrows 3\nxllcorner 10\nyllcorner 20\n"
	    "cellsize 1\n1 2 3 4 5 6 7 8 9 10 11 12\n", "trailing.asc:1",
	    "header keyword 'ncols': unexpected '5' after the value");
	bad("badcorner.asc", "ncols 4\nnrows 3\nxllcorner ten\nyllcorner 20\n"
	    "cellsize 1\n1 2 3 4 5 6 7 8 9 10 11 12\n", "badcorner.asc:3",
	    "header keyword 'xllcorner' must be a finite number, got 'ten'");
	bad("empty.asc", "", "empty.asc", "empty file");
	bad("headeronly.asc", hdr, "headeronly.asc",
	    "header says 4 x 3 = 12 cells, but only 0 bytes of data follow "
	    "(at least 23 needed)");

	mare_err_init(&err);
	ok(mare_grid_load(data("nope.asc"), &err) == NULL &&
	    err.code == MARE_E_NOINPUT, "grid: a missing file is "
	    "MARE_E_NOINPUT");
}

/* The first n bytes of file src, as a temporary file. */
static const char *
truncated(const char *src, const char *name, size_t n)
{
	static char path[1200];
	FILE *in, *out;
	char *buf = malloc(n);
	size_t got = 0;

	in = fopen(src, "rb");
	if (in != NULL && buf != NULL) {
		got = fread(buf, 1, n, in);
		fclose(in);
	}
	snprintf(path, sizeof(path), "%s/%s", tap_tmpdir(), name);
	out = fopen(path, "wb");
	if (out != NULL) {
		fwrite(buf, 1, got, out);
		fclose(out);
	}
	free(buf);
	return path;
}

static void
test_gzip_errors(void)
{
	struct mare_err err;
	const char *p;

	p = truncated(data("tiny.asc.gz"), "trunc1.asc.gz", 60);
	mare_err_init(&err);
	ok(mare_grid_load(p, &err) == NULL && err.code == MARE_E_DATA,
	    "grid: a .asc.gz cut in its first block is a data error");
	like(err.msg, "truncated gzip input", "grid: ... saying so");
	p = truncated(data("PAR_present.asc.gz"), "trunc2.asc.gz", 200000);
	mare_err_init(&err);
	ok(mare_grid_load(p, &err) == NULL && err.code == MARE_E_DATA,
	    "grid: a .asc.gz cut in the middle is a data error");
	like(err.msg, "corrupt compressed data: ", "grid: ... saying so");
	diag("truncated gzip: %s: %s", err.where, err.msg);
}

static void
test_real(void)
{
	struct mare_err err;
	struct mare_grid *sst, *par, *full;
	size_t i, n, r, c, nvalid;
	int same;

	mare_err_init(&err);
	sst = mare_grid_load(data("crop/SST_present_crop.asc"), &err);
	ok(sst != NULL, "grid: SST_present_crop.asc loads");
	if (sst == NULL) {
		diag("%s: %s", err.where, err.msg);
		return;
	}
	ok(sst->geom.ncols == 120 && sst->geom.nrows == 84,
	    "grid: SST crop is 120 x 84");
	ok(sst->geom.xll == -83.96371042 && sst->geom.yll == 19.99211657 &&
	    sst->geom.cellsize == 0.083 && sst->geom.nodata == -9999,
	    "grid: SST crop header as written");
	n = 120 * 84;
	for (i = 0, nvalid = 0; i < n; i++)
		nvalid += (size_t)mare_grid_valid(sst, i);
	is_int((long long)nvalid, 8719, "grid: SST crop has 8719 valid cells");
	/* bit patterns from ref-values.py */
	is_int(bits(sst->cells[0]), 0x41cd8884, "grid: SST (0, 0) is "
	    "(float)25.6916580872677");
	is_int(bits(sst->cells[41 * 120 + 60]), 0x41db499a,
	    "grid: SST (41, 60) is (float)27.4109374058948");
	is_int(bits(sst->cells[83 * 120 + 119]), 0x41e0d189,
	    "grid: SST (83, 119) is (float)28.1023112019715");
	is_int(bits(sst->cells[10 * 120 + 100]), 0x41d340e5,
	    "grid: SST (10, 100) is (float)26.4066866802497");
	is_int(bits(sst->cells[50 * 120 + 5]), 0x41de0765,
	    "grid: SST (50, 5) is (float)27.7536106109619");
	mare_grid_free(sst);

	par = mare_grid_load(data("crop/PAR_present_crop.asc"), &err);
	full = mare_grid_load(data("PAR_present.asc.gz"), &err);
	ok(par != NULL && full != NULL, "grid: PAR crop and PAR_present.asc.gz"
	    " load");
	if (par == NULL || full == NULL) {
		diag("%s: %s", err.where, err.msg);
		mare_grid_free(par);
		mare_grid_free(full);
		return;
	}
	is_int(bits(par->cells[10 * 120 + 100]), 0x422632b0,
	    "grid: PAR (10, 100) is (float)41.5494995117188");
	ok(!mare_grid_valid(par, 50 * 120 + 5), "grid: PAR (50, 5) is NODATA");
	ok(full->geom.ncols == 638 && full->geom.nrows == 314 &&
	    full->geom.xll == -102.97071042 && full->geom.yll == 3.973116569 &&
	    full->geom.cellsize == 0.083 && full->geom.nodata == -9999,
	    "grid: PAR_present.asc.gz header (upper case, trailing spaces)");
	same = 1;
	for (r = 0; r < 84; r++) {
		for (c = 0; c < 120; c++) {
			if (bits(par->cells[r * 120 + c]) !=
			    bits(full->cells[(r + 37) * 638 + c + 229]))
				same = 0;
		}
	}
	ok(same, "grid: the gzipped full layer holds the crop's values at "
	    "rows 37-120, cols 229-348");
	mare_grid_free(par);
	mare_grid_free(full);
}

static void
test_stack(void)
{
	struct mare_grid_stack s;
	struct mare_err err;
	struct mare_grid *g;
	const char *paths[2];
	float vals[3];
	size_t cell, layer, i, n;
	double x, y;
	int inorder;

	mare_grid_stack_init(&s);
	mare_err_init(&err);
	is_int(mare_grid_stack_load_dir(&s, data("crop"), &err), 0,
	    "grid: the crop folder loads as a stack");
	is_int((long long)s.nlayers, 3, "grid: stack of 3 layers");
	if (s.nlayers == 3) {
		is_str(s.layers[0]->name, "PAR_present_crop",
		    "grid: layers sorted by file name (1)");
		is_str(s.layers[1]->name, "SST_present_crop",
		    "grid: layers sorted by file name (2)");
		is_str(s.layers[2]->name, "pH_present_crop",
		    "grid: layers sorted by file name (3)");
	}
	is_int(mare_grid_stack_find(&s, "SST_present_crop"), 1,
	    "grid: find a layer by name");
	is_int(mare_grid_stack_find(&s, "nope"), -1,
	    "grid: an unknown layer name is -1");
	is_int((long long)mare_grid_stack_count_valid(&s), 8543,
	    "grid: 8543 cells are valid in all three layers");
	n = 0;
	inorder = 1;
	for (i = 0; mare_grid_stack_next_valid(&s, &i); i++) {
		if (!mare_grid_stack_valid(&s, i))
			inorder = 0;
		n++;
	}
	ok(n == 8543 && inorder, "grid: iterating the valid cells visits "
	    "8543 valid cells");
	mare_grid_geom_center(&s.geom, 41, 60, &x, &y);
	is_int(mare_grid_stack_lookup(&s, x, y, vals, &cell, NULL),
	    MARE_GRID_FOUND, "grid: the centre of (41, 60) is found");
	ok(cell == 41 * 120 + 60 && bits(vals[0]) == 0x422b0fe7 &&
	    bits(vals[1]) == 0x41db499a && bits(vals[2]) == 0x41039eae,
	    "grid: lookup gives PAR, SST and pH at (41, 60)");
	mare_grid_geom_center(&s.geom, 50, 5, &x, &y);
	is_int(mare_grid_stack_lookup(&s, x, y, vals, &cell, &layer),
	    MARE_GRID_NODATA, "grid: (50, 5) has no PAR value");
	is_int((long long)layer, 0, "grid: ... and the first layer without "
	    "a value is PAR (0)");
	is_int(mare_grid_stack_lookup(&s, -90, 25, vals, NULL, NULL),
	    MARE_GRID_OUTSIDE, "grid: lon -90 is outside the crop");
	mare_grid_stack_release(&s);
	is_int((long long)s.nlayers, 0, "grid: a released stack is empty");

	/* a layer that does not match */
	paths[0] = data("tiny.asc");
	paths[1] = tmpfile_with("shifted.asc", "ncols 4\nnrows 3\n"
	    "xllcorner 10.5\nyllcorner 20\ncellsize 1\n"
	    "1 2 3 4 5 6 7 8 9 10 11 12\n");
	mare_err_init(&err);
	is_int(mare_grid_stack_load(&s, paths, 2, &err), -1,
	    "grid: a shifted layer is refused");
	is_int(err.code, MARE_E_DATA, "grid: ... as a data error");
	like(err.msg, "layer 'shifted' is not aligned with layer 'tiny' (",
	    "grid: ... naming both layers");
	like(err.msg, "tiny.asc): xllcorner 10.5 vs 10",
	    "grid: ... and the field with both values");
	is_str(err.where, paths[1], "grid: ... at the shifted file");
	mare_grid_stack_release(&s);

	paths[1] = tmpfile_with("wide.asc", "ncols 3\nnrows 4\n"
	    "xllcorner 10\nyllcorner 20\ncellsize 1\n"
	    "1 2 3 4 5 6 7 8 9 10 11 12\n");
	mare_err_init(&err);
	mare_grid_stack_load(&s, paths, 2, &err);
	like(err.msg, "layer 'wide' is not aligned with layer 'tiny'",
	    "grid: a 3 x 4 layer is refused beside a 4 x 3 one");
	like(err.msg, ": ncols 3 vs 4", "grid: ... on ncols");
	mare_grid_stack_release(&s);

	paths[1] = tmpfile_with("coarse.asc", "ncols 4\nnrows 3\n"
	    "xllcorner 10\nyllcorner 20\ncellsize 1.001\n"
	    "1 2 3 4 5 6 7 8 9 10 11 12\n");
	mare_err_init(&err);
	mare_grid_stack_load(&s, paths, 2, &err);
	like(err.msg, ": cellsize 1.001 vs 1", "grid: a cellsize off by "
	    "1e-3 is refused");
	mare_grid_stack_release(&s);

	/* differences in the 9th digit are real-world noise */
	paths[1] = tmpfile_with("noisy.asc", "ncols 4\nnrows 3\n"
	    "xllcorner 10.000000001\nyllcorner 19.999999999\n"
	    "cellsize 1.000000001\nNODATA_value -1\n"
	    "1 2 3 4 5 6 7 8 9 10 11 12\n");
	mare_err_init(&err);
	is_int(mare_grid_stack_load(&s, paths, 2, &err), 0,
	    "grid: corner and cellsize within 1e-9 are accepted");
	is_int((long long)s.nlayers, 2, "grid: ... both layers in the stack");
	is_int((long long)mare_grid_stack_count_valid(&s), 11,
	    "grid: the stack's valid cells honour each layer's NODATA");
	mare_grid_stack_release(&s);

	paths[1] = data("tiny.asc.gz");
	mare_err_init(&err);
	is_int(mare_grid_stack_load(&s, paths, 2, &err), -1,
	    "grid: two layers with the same name are refused");
	like(err.msg, "two layers named 'tiny'", "grid: ... naming it");
	mare_grid_stack_release(&s);

	mare_err_init(&err);
	is_int(mare_grid_stack_load_dir(&s, tap_tmpdir(), &err), -1,
	    "grid: a folder of malformed layers fails");
	mare_grid_stack_release(&s);

	mare_err_init(&err);
	g = mare_grid_new(&(struct mare_grid_geom){ .ncols = 2, .nrows = 2,
	    .cellsize = 1 }, "m", &err);
	ok(g != NULL && isnan(g->cells[3]) && !mare_grid_valid(g, 3),
	    "grid: a new grid without NODATA is all NaN");
	mare_grid_free(g);
}

static void
cell_is(const struct mare_grid_geom *g, double x, double y, long row,
    long col, const char *what)
{
	size_t r = 999, c = 999;
	int in = mare_grid_geom_cell(g, x, y, &r, &c);

	if (row < 0)
		ok(!in, "grid: %s (%.17g, %.17g) is outside", what, x, y);
	else
		ok(in && (long)r == row && (long)c == col,
		    "grid: %s (%.17g, %.17g) is in row %ld, col %ld", what,
		    x, y, row, col);
}

static void
test_lookup(void)
{
	struct mare_grid_geom t = { 4, 3, 10, 20, 1, 1, -9999 };
	struct mare_grid_geom w = { 360, 180, -180, -90, 1, 0, 0 };
	struct mare_err err;
	struct mare_grid *g;
	double x, y;
	float v = 0;

	cell_is(&t, 10.5, 22.5, 0, 0, "inside:");
	cell_is(&t, 10, 23, 0, 0, "north-west corner");
	cell_is(&t, 14, 23, 0, 3, "north-east corner");
	cell_is(&t, 10, 20, 2, 0, "south-west corner");
	cell_is(&t, 14, 20, 2, 3, "south-east corner");
	cell_is(&t, 14, 21.5, 1, 3, "east edge");
	cell_is(&t, 12.5, 20, 2, 2, "south edge");
	cell_is(&t, 11, 21.5, 1, 1, "inner vertical line goes east:");
	cell_is(&t, 12.5, 22, 1, 2, "inner horizontal line goes south:");
	cell_is(&t, 11, 22, 1, 1, "inner corner goes south-east:");
	cell_is(&t, 9.999999, 21, -1, -1, "west of the grid");
	cell_is(&t, 14.000001, 21, -1, -1, "east of the grid");
	cell_is(&t, 12, 23.000001, -1, -1, "north of the grid");
	cell_is(&t, 12, 19.999999, -1, -1, "south of the grid");
	cell_is(&t, NAN, 21, -1, -1, "NaN longitude");
	cell_is(&t, 12, NAN, -1, -1, "NaN latitude");

	mare_grid_geom_center(&t, 1, 2, &x, &y);
	ok(x == 12.5 && y == 21.5, "grid: the centre of (1, 2) is (12.5, "
	    "21.5)");

	/* the whole globe: no wrapping, outer edges inside */
	cell_is(&w, 180, 0, 90, 359, "antimeridian lon 180 (last column):");
	cell_is(&w, -180, 0, 90, 0, "antimeridian lon -180 (first column):");
	cell_is(&w, 180.000001, 0, -1, -1, "lon just past 180 (no wrap):");
	cell_is(&w, -180.5, 0, -1, -1, "lon -180.5 (no wrap):");
	cell_is(&w, 0, 90, 0, 180, "north pole");
	cell_is(&w, 0, -90, 179, 180, "south pole");
	cell_is(&w, 0, 90.000001, -1, -1, "lat beyond the pole");

	mare_err_init(&err);
	g = mare_grid_load(data("tiny.asc"), &err);
	if (g != NULL) {
		ok(mare_grid_value_at(g, 13.5, 20.5, &v) && v == -12.25f,
		    "grid: value at (13.5, 20.5) is -12.25");
		v = 42;
		ok(!mare_grid_value_at(g, 11.5, 21.5, &v) && v == 42,
		    "grid: value at the NODATA cell is not found");
		ok(!mare_grid_value_at(g, 20, 21.5, &v),
		    "grid: value outside is not found");
	}
	mare_grid_free(g);
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *s;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	s = malloc((size_t)n + 1);
	if (s != NULL)
		s[fread(s, 1, (size_t)n, fp)] = '\0';
	fclose(fp);
	return s;
}

static void
test_save(void)
{
	struct mare_grid_geom geom = { 3, 2, -83.96371042, 19.99211657, 0.083,
	    1, -9999 };
	struct mare_err err;
	struct mare_grid *g, *back;
	char path[1200], *text;

	mare_err_init(&err);
	g = mare_grid_new(&geom, "pred", &err);
	if (g == NULL)
		return;
	g->cells[0] = 0.1f;
	g->cells[1] = 1.0f / 3;
	g->cells[2] = 25.6916580872677f;
	g->cells[3] = -12.25f;
	g->cells[4] = 1e-7f;
	/* cells[5] stays NODATA */
	snprintf(path, sizeof(path), "%s/pred.asc", tap_tmpdir());
	is_int(mare_grid_save(g, path, &err), 0, "grid: save");
	text = slurp(path);
	is_str(text, "ncols 3\nnrows 2\nxllcorner -83.96371042\n"
	    "yllcorner 19.99211657\ncellsize 0.083\nNODATA_value -9999\n"
	    "0.1 0.33333334 25.691658\n-12.25 1e-07 -9999\n",
	    "grid: saved text: shortest round-trip values");
	free(text);
	back = mare_grid_load(path, &err);
	ok(back != NULL && geom_eq(&back->geom, &g->geom) &&
	    same_cells(back, g->cells, 6), "grid: save then load gives the "
	    "same grid, bit for bit");
	mare_grid_free(back);
	mare_grid_free(g);

	snprintf(path, sizeof(path), "%s/no/such/dir/x.asc", tap_tmpdir());
	g = mare_grid_load(data("tiny.asc"), &err);
	mare_err_init(&err);
	ok(g != NULL && mare_grid_save(g, path, &err) == -1 &&
	    err.code == MARE_E_CANTCREAT, "grid: saving into a missing "
	    "folder is MARE_E_CANTCREAT");
	mare_grid_free(g);
}

/* The first %.Ng, N = 6..9, that reads back to f: the reference text. */
static const char *
shortest(float f)
{
	static char buf[40];
	int p;

	for (p = 6; p < 9; p++) {
		snprintf(buf, sizeof(buf), "%.*g", p, (double)f);
		if ((float)strtod(buf, NULL) == f)
			return buf;
	}
	snprintf(buf, sizeof(buf), "%.9g", (double)f);
	return buf;
}

/* Random float bit patterns (and decimal-looking values) survive a save. */
static void
test_save_random(void)
{
	struct mare_grid_geom geom = { 500, 400, 0, 0, 1, 1, -9999 };
	struct mare_err err;
	struct mare_grid *g, *back;
	struct mare_rng r;
	char path[1200], *text, *p, *t;
	size_t i, n = 500 * 400, differ = 0, line;
	const char *ref;
	uint32_t u;
	float f;

	mare_err_init(&err);
	g = mare_grid_new(&geom, "random", &err);
	if (g == NULL)
		return;
	mare_rng_init(&r, 99);
	for (i = 0; i < n; i++) {
		do {
			u = (uint32_t)(mare_rng_u64(&r) >> 32);
			memcpy(&f, &u, sizeof(f));
			if (i % 2)	/* values like real layers */
				f = (float)((double)mare_rng_bounded(&r,
				    100000000) / 1e6 - 50);
		} while (!isfinite(f) || f == -9999);
		g->cells[i] = f;
	}
	snprintf(path, sizeof(path), "%s/random.asc", tap_tmpdir());
	is_int(mare_grid_save(g, path, &err), 0, "grid: save 200000 random "
	    "floats");
	back = mare_grid_load(path, &err);
	ok(back != NULL && same_cells(back, g->cells, n), "grid: 200000 "
	    "random floats read back bit for bit");
	text = slurp(path);
	p = text;
	for (line = 0; p != NULL && line < 6; line++)
		p = strchr(p, '\n') != NULL ? strchr(p, '\n') + 1 : NULL;
	for (i = 0; p != NULL && i < n; i++) {
		t = p;
		while (*p != ' ' && *p != '\n' && *p != '\0')
			p++;
		ref = shortest(g->cells[i]);
		if ((size_t)(p - t) != strlen(ref) ||
		    strncmp(t, ref, strlen(ref)) != 0) {
			if (differ++ < 3)
				diag("saved '%.*s', want '%s'", (int)(p - t),
				    t, ref);
		}
		if (*p != '\0')
			p++;
	}
	ok(i == n && differ == 0, "grid: every saved value is the first "
	    "%%.Ng (N = 6..9) that round-trips (%zu differ)", differ);
	free(text);
	mare_grid_free(back);
	mare_grid_free(g);
}

/* mare_grid_parse_float must agree with (float)strtod to the bit. */
static void
test_parse(void)
{
	static const char *const fixed[] = {
		"0", "-0", "+0", "0.0", "1", "-1", "12.5", "-9999",
		"-9999.000000000000000", "25.6916580872677", ".5", "5.",
		"0.1", "0.30000000000000004", "9007199254740992",
		"9007199254740993", "9007199254740993.5",
		"123456789012345678901234", "0.0000000000000000000001234",
		"1e10", "1E-5", "-2.5e+3", "3.4028235e38", "3.4028236e38",
		"1e39", "1e-46", "1.401298464324817e-45",
		"340282356779733661637539395458142568448",
		"16777217", "16777217.000000001", "0.000000059604644775390625",
		"1.00000005960464477539062", "1.000000059604644775390625",
		"1.000000059604644775390626", "nan", "-inf", "Infinity"
	};
	static const char *const invalid[] = {
		"", "-", "+", ".", "-.", "1.2.3", "abc", "0x10", "0x1p3", "1e",
		"1e+", "--1", "1-", "1,5", "e5"
	};
	struct mare_rng r;
	char tok[64];
	size_t i, k, len;
	float got;
	double want;
	int fails = 0, rejected = 1;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		want = strtod(fixed[i], NULL);
		if (mare_grid_parse_float(fixed[i], strlen(fixed[i]),
		    &got) != 0 ||
		    (bits(got) != bits((float)want) &&
		    !(isnan(got) && isnan(want)))) {
			diag("parse '%s': got %.9g", fixed[i], (double)got);
			fails++;
		}
	}
	ok(fails == 0, "grid: hand-picked tokens parse as (float)strtod");
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		if (mare_grid_parse_float(invalid[i], strlen(invalid[i]),
		    &got) == 0) {
			diag("'%s' was accepted as %.9g", invalid[i],
			    (double)got);
			rejected = 0;
		}
	}
	ok(rejected, "grid: non-numbers are refused");

	/* random decimals of 1 to 24 digits, any decimal point position */
	mare_rng_init(&r, 7);
	fails = 0;
	for (i = 0; i < 200000; i++) {
		size_t nd = 1 + (size_t)mare_rng_bounded(&r, 24);
		size_t dot = (size_t)mare_rng_bounded(&r, nd + 1);

		len = 0;
		if (mare_rng_bounded(&r, 2))
			tok[len++] = '-';
		for (k = 0; k < nd; k++) {
			if (k == dot && dot > 0)
				tok[len++] = '.';
			tok[len++] = (char)('0' + mare_rng_bounded(&r, 10));
		}
		tok[len] = '\0';
		want = strtod(tok, NULL);
		if (mare_grid_parse_float(tok, len, &got) != 0 ||
		    bits(got) != bits((float)want)) {
			if (fails++ < 5)
				diag("parse '%s': got %.9g, want %.9g", tok,
				    (double)got, (double)(float)want);
		}
	}
	ok(fails == 0, "grid: 200000 random decimals parse as (float)strtod "
	    "(%d differ)", fails);
}

static void
test_more(void)
{
	static const char hdr[] = "ncols 2\nnrows 1\n";
	struct mare_grid_geom geom = { 2, 1, 0, 0, 1, 0, 0 };
	struct mare_grid_stack st;
	struct mare_grid *g, *h;
	struct mare_err err;
	char text[1400], path[1200], *big, *t;

	snprintf(text, sizeof(text), "%sxllcorner 0\nxllcenter 0.5\n"
	    "yllcorner 0\ncellsize 1\n1 2\n", hdr);
	bad("bothx.asc", text, "bothx.asc",
	    "header has both xllcorner and xllcenter");
	snprintf(text, sizeof(text), "%sxllcorner 0\nyllcenter 0.5\n"
	    "yllcorner 0\ncellsize 1\n1 2\n", hdr);
	bad("bothy.asc", text, "bothy.asc",
	    "header has both yllcorner and yllcenter");
	snprintf(text, sizeof(text), "%sxllcorner 0\ncellsize 1\n1 2\n", hdr);
	bad("noyll.asc", text, "noyll.asc",
	    "header has no yllcorner or yllcenter");
	snprintf(text, sizeof(text), "%sxllcorner 0\nyllcorner 0\n"
	    "cellsize 1\ndx 1\ndy 1\n1 2\n", hdr);
	bad("celldx.asc", text, "celldx.asc",
	    "header has both cellsize and dx/dy");
	snprintf(text, sizeof(text), "%sxllcorner 0\nyllcorner 0\n"
	    "cellsize 0x10\n1 2\n", hdr);
	bad("hexcell.asc", text, "hexcell.asc:5", "header keyword 'cellsize' "
	    "must be a finite number, got '0x10'");
	/* 70 digits: the message quotes the first 40 */
	snprintf(text, sizeof(text), "%sxllcorner 1%069d\nyllcorner 0\n"
	    "cellsize 1\n1 2\n", hdr, 0);
	bad("longval.asc", text, "longval.asc:3", "header keyword "
	    "'xllcorner': value too long: "
	    "'1000000000000000000000000000000000000000'");

	/* a header line of 1.5 MiB without a newline: more than one read */
	big = malloc(1536 * 1024 + 1);
	memcpy(big, "ncols ", 6);
	memset(big + 6, '7', 1536 * 1024 - 6);
	big[1536 * 1024] = '\0';
	bad("longline.asc", big, "longline.asc:1", "header line too long");
	free(big);

	/* the header ends without a newline and no data follow */
	snprintf(text, sizeof(text), "%sxllcorner 0\nyllcorner 0\n"
	    "cellsize 1", hdr);
	bad("nodata-nonl.asc", text, "nodata-nonl.asc", "header says 2 x 1 = "
	    "2 cells, but only 0 bytes of data follow (at least 3 needed)");

	/* no NODATA_value: a NaN cell is written "nan" and read back */
	mare_err_init(&err);
	ok(mare_grid_new(&(struct mare_grid_geom){ 0, 1, 0, 0, 1, 0, 0 }, "z",
	    &err) == NULL && err.code == MARE_E_USAGE && strcmp(err.msg,
	    "invalid grid geometry") == 0, "grid: 0 columns is an invalid "
	    "geometry");
	g = mare_grid_new(&geom, "n", &err);
	g->cells[0] = NAN;
	g->cells[1] = 1.5f;
	snprintf(path, sizeof(path), "%s/nan.asc", tap_tmpdir());
	ok(mare_grid_save(g, path, &err) == 0, "grid: a grid without "
	    "NODATA_value is saved");
	t = slurp(path);
	is_str(t, "ncols 2\nnrows 1\nxllcorner 0\nyllcorner 0\ncellsize 1\n"
	    "nan 1.5\n", "grid: its NaN cell is written 'nan'");
	free(t);
	h = mare_grid_load(path, &err);
	ok(h != NULL && isnan(h->cells[0]) && h->cells[1] == 1.5f,
	    "grid: and read back as NaN");
	mare_grid_free(h);

	/* found by this test: an infinite cell was written as "inf", which
	 * mare_grid_load() refuses; now the save is refused */
	g->cells[1] = -INFINITY;
	snprintf(path, sizeof(path), "%s/inf.asc", tap_tmpdir());
	mare_err_init(&err);
	ok(mare_grid_save(g, path, &err) == -1 && err.code == MARE_E_DATA,
	    "grid: an infinite cell is refused on save");
	is_str(err.msg, "cell at row 0, col 1 is -infinite: an .asc grid "
	    "holds finite values and NODATA", "grid: ... naming the cell");
	is_str(err.where, path, "grid: ... and the file");
	ok(access(path, F_OK) != 0, "grid: ... and nothing is written");
	g->cells[1] = 1.5f;

	/* a stack: layers that differ in nrows, then in yllcorner */
	mare_grid_stack_init(&st);
	mare_err_init(&err);
	ok(mare_grid_stack_add_take(&st, g, &err) == 0, "stack: the first "
	    "layer");
	h = mare_grid_new(&(struct mare_grid_geom){ 2, 2, 0, 0, 1, 0, 0 },
	    "m", &err);
	ok(mare_grid_stack_add_take(&st, h, &err) == -1 &&
	    err.code == MARE_E_DATA && strcmp(err.msg, "layer 'm' is not "
	    "aligned with layer 'n' (memory): nrows 2 vs 1") == 0,
	    "stack: 2 rows against 1 are named (%s)", err.msg);
	mare_err_init(&err);
	h = mare_grid_new(&(struct mare_grid_geom){ 2, 1, 0, 0.5, 1, 0, 0 },
	    "y", &err);
	ok(mare_grid_stack_add_take(&st, h, &err) == -1 &&
	    strcmp(err.msg, "layer 'y' is not aligned with layer 'n' "
	    "(memory): yllcorner 0.5 vs 0") == 0,
	    "stack: a shifted yllcorner is named (%s)", err.msg);
	mare_grid_stack_release(&st);

	/* folders */
	mare_grid_stack_init(&st);
	snprintf(path, sizeof(path), "%s/nolayers", tap_tmpdir());
	mkdir(path, 0755);
	mare_err_init(&err);
	ok(mare_grid_stack_load_dir(&st, path, &err) == -1 &&
	    err.code == MARE_E_NOINPUT, "stack: a folder without layers is "
	    "NOINPUT");
	snprintf(text, sizeof(text), "'%s': no .asc or .asc.gz layers in "
	    "this folder", path);
	is_str(err.msg, text, "stack: saying so");
	snprintf(path, sizeof(path), "%s/nolayers/nope", tap_tmpdir());
	mare_err_init(&err);
	ok(mare_grid_stack_load_dir(&st, path, &err) == -1 &&
	    err.code == MARE_E_NOINPUT && err.sys_errno == ENOENT,
	    "stack: a missing folder is NOINPUT (ENOENT)");
	mare_grid_stack_release(&st);
}

int
main(void)
{
	const char *src = getenv("MARE_SRCDIR");

	snprintf(datadir, sizeof(datadir), "%s/tests/data/grid",
	    src != NULL ? src : ".");
	test_tiny();
	test_malformed();
	test_gzip_errors();
	test_real();
	test_stack();
	test_lookup();
	test_save();
	test_save_random();
	test_parse();
	test_more();
	return tap_done();
}
