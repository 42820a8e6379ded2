/*
 * test-sample.c - background points on a hand-made 4 x 3 stack
 *
 * Two layers; layer a has NODATA at cells 1 and 5, layer b has NaN at
 * cells 8 and 10, so the cells valid in both are exactly
 * {0, 2, 3, 4, 6, 7, 9, 11} (row-major, 4 columns):
 *
 *	row 0:  0  .  2  3
 *	row 1:  4  .  6  7
 *	row 2:  .  9  . 11
 *
 * The frequency checks run over fixed seeds, so they pass or fail the same
 * way every time; their tolerances are loose (a few standard deviations)
 * but a sampler that ignored the weights would miss them by far.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grid.h"
#include "sample.h"
#include "tap.h"

static const int valid_cells[12] = { 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1 };

static struct mare_grid *
layer(const char *name, int has_nodata)
{
	struct mare_grid_geom geom = { 4, 3, 0, 0, 1, has_nodata, -9999 };
	struct mare_grid *g = mare_grid_new(&geom, name, NULL);
	size_t i;

	for (i = 0; g != NULL && i < 12; i++)
		g->cells[i] = (float)i;
	return g;
}

/* every cell valid, no duplicates, row-major order */
static int
well_formed(const struct mare_grid_cell *c, long n)
{
	long k;
	size_t i, prev = 0;

	for (k = 0; k < n; k++) {
		if (c[k].row >= 3 || c[k].col >= 4)
			return 0;
		i = c[k].row * 4 + c[k].col;
		if (!valid_cells[i] || (k > 0 && i <= prev))
			return 0;
		prev = i;
	}
	return 1;
}

int
main(void)
{
	struct mare_grid_stack s, empty;
	struct mare_grid *a, *b, *bias, *badbias;
	struct mare_grid_geom other = { 4, 3, 0.5, 0, 1, 0, 0 };
	struct mare_grid_cell *c1 = NULL, *c2 = NULL, dummy = { 0, 0 };
	struct mare_err err;
	long n, n2, k;
	unsigned long hits[12] = { 0 };
	uint64_t seed;
	int all_ok, differ, zero_drawn;
	double f;

	mare_err_init(&err);
	mare_grid_stack_init(&s);
	a = layer("a", 1);
	b = layer("b", 0);
	if (a == NULL || b == NULL)
		return 1;
	a->cells[1] = a->cells[5] = -9999;
	b->cells[8] = b->cells[10] = NAN;
	mare_grid_stack_add_take(&s, a, &err);
	mare_grid_stack_add_take(&s, b, &err);
	is_int((long long)mare_grid_stack_count_valid(&s), 8,
	    "sample: the hand-made stack has 8 valid cells");

	n = mare_sample_cells(&s, 3, 1, &c1, &err);
	is_int(n, 3, "sample: 3 cells drawn");
	ok(well_formed(c1, n), "sample: all valid, distinct, in row-major "
	    "order");
	n2 = mare_sample_cells(&s, 3, 1, &c2, &err);
	ok(n2 == n && memcmp(c1, c2, (size_t)n * sizeof(*c1)) == 0,
	    "sample: the same seed gives the same cells in the same order");
	free(c2);
	differ = 0;
	for (seed = 2; seed < 12; seed++) {
		n2 = mare_sample_cells(&s, 3, seed, &c2, &err);
		if (n2 != 3 || memcmp(c1, c2, 3 * sizeof(*c1)) != 0)
			differ = 1;
		free(c2);
	}
	ok(differ, "sample: other seeds give other cells");
	free(c1);

	all_ok = 1;
	for (seed = 0; seed < 200; seed++) {
		n = mare_sample_cells(&s, 1 + seed % 8, seed, &c1, &err);
		if (n != (long)(1 + seed % 8) || !well_formed(c1, n))
			all_ok = 0;
		free(c1);
	}
	ok(all_ok, "sample: 200 draws of 1 to 8 cells are all well formed");

	n = mare_sample_cells(&s, 8, 5, &c1, &err);
	is_int(n, 8, "sample: n equal to the valid count gives all of them");
	ok(well_formed(c1, n), "sample: ... each once");
	free(c1);
	n = mare_sample_cells(&s, 10000, 5, &c1, &err);
	is_int(n, 8, "sample: n larger than the valid count returns 8");
	ok(well_formed(c1, n), "sample: ... every valid cell once");
	free(c1);
	c1 = &dummy;	/* must be reset to NULL */
	is_int(mare_sample_cells(&s, 0, 5, &c1, &err), 0,
	    "sample: n = 0 draws nothing");
	ok(c1 == NULL, "sample: ... and returns no array");

	/* uniform: each valid cell is drawn with probability 1/8 for n = 1 */
	memset(hits, 0, sizeof(hits));
	for (seed = 0; seed < 8000; seed++) {
		if (mare_sample_cells(&s, 1, seed, &c1, &err) == 1)
			hits[c1[0].row * 4 + c1[0].col]++;
		free(c1);
	}
	all_ok = 1;
	for (k = 0; k < 12; k++) {
		f = hits[k] / 8000.0;
		if (valid_cells[k] ? fabs(f - 0.125) > 0.02 : hits[k] != 0)
			all_ok = 0;
	}
	ok(all_ok, "sample: single draws are uniform over the valid cells");

	/* weighted: cells 2, 4, 7 weigh 1, 2, 4; cell 3 0; the rest NODATA */
	bias = layer("bias", 1);
	for (k = 0; k < 12; k++)
		bias->cells[k] = -9999;
	bias->cells[2] = 1;
	bias->cells[4] = 2;
	bias->cells[7] = 4;
	bias->cells[3] = 0;
	bias->cells[1] = 100;	/* invalid in the stack: never drawn */
	memset(hits, 0, sizeof(hits));
	zero_drawn = 0;
	all_ok = 1;
	for (seed = 0; seed < 14000; seed++) {
		n = mare_sample_cells_weighted(&s, bias, 1, seed, &c1, &err);
		if (n != 1)
			all_ok = 0;
		else
			hits[c1[0].row * 4 + c1[0].col]++;
		free(c1);
	}
	ok(all_ok, "sample: weighted single draws all succeed");
	ok(hits[3] == 0 && hits[1] == 0 && hits[0] == 0 && hits[11] == 0,
	    "sample: zero-weight, NODATA-weight and invalid cells are never "
	    "drawn");
	diag("weighted hits: cell 2 %lu, cell 4 %lu, cell 7 %lu", hits[2],
	    hits[4], hits[7]);
	is_double(hits[2] / 14000.0, 1.0 / 7, 0.02,
	    "sample: weight 1 of 7 is drawn about 1/7 of the time");
	is_double(hits[4] / 14000.0, 2.0 / 7, 0.02,
	    "sample: weight 2 of 7 is drawn about 2/7 of the time");
	is_double(hits[7] / 14000.0, 4.0 / 7, 0.02,
	    "sample: weight 4 of 7 is drawn about 4/7 of the time");

	for (seed = 0; seed < 500; seed++) {
		n = mare_sample_cells_weighted(&s, bias, 2, seed, &c1, &err);
		for (k = 0; k < n; k++) {
			if (c1[k].row * 4 + c1[k].col == 3)
				zero_drawn = 1;
		}
		if (n != 2 || !well_formed(c1, n))
			all_ok = 0;
		free(c1);
	}
	ok(all_ok && !zero_drawn, "sample: weighted pairs are distinct, "
	    "valid, never the zero-weight cell");
	n = mare_sample_cells_weighted(&s, bias, 100, 9, &c1, &err);
	is_int(n, 3, "sample: only the 3 positive-weight cells can be drawn");
	ok(n == 3 && c1[0].row == 0 && c1[0].col == 2 && c1[1].row == 1 &&
	    c1[1].col == 0 && c1[2].row == 1 && c1[2].col == 3,
	    "sample: ... and all three are returned, row-major");
	free(c1);

	/* a uniform sample is a weighted one with equal weights */
	for (k = 0; k < 12; k++)
		bias->cells[k] = 3;
	n = mare_sample_cells(&s, 4, 77, &c1, &err);
	n2 = mare_sample_cells_weighted(&s, bias, 4, 77, &c2, &err);
	ok(n == 4 && n2 == 4 && memcmp(c1, c2, 4 * sizeof(*c1)) == 0,
	    "sample: equal weights give the uniform sample");
	free(c1);
	free(c2);

	/* every weight 0: nothing can be drawn */
	for (k = 0; k < 12; k++)
		bias->cells[k] = 0;
	c1 = NULL;
	mare_err_init(&err);
	is_int(mare_sample_cells_weighted(&s, bias, 4, 77, &c1, &err), 0,
	    "sample: all weights 0: no cell is drawn");
	ok(c1 == NULL && !mare_err_failed(&err), "sample: ... and no error");
	bias->cells[2] = INFINITY;	/* a valid cell of the stack */
	mare_err_init(&err);
	is_int(mare_sample_cells_weighted(&s, bias, 4, 77, &c1, &err), -1,
	    "sample: an infinite weight is refused");
	is_str(err.msg, "bias layer 'bias': infinite weight inf at row 0, "
	    "col 2", "sample: ... naming the cell (cell 2: row 0, col 2)");
	bias->cells[2] = 3;

	bias->cells[6] = -0.5f;
	mare_err_init(&err);
	is_int(mare_sample_cells_weighted(&s, bias, 4, 77, &c1, &err), -1,
	    "sample: a negative weight is refused");
	is_int(err.code, MARE_E_DATA, "sample: ... as a data error");
	is_str(err.msg, "bias layer 'bias': negative weight -0.5 at row 1, "
	    "col 2", "sample: ... naming the cell");
	mare_grid_free(bias);

	badbias = mare_grid_new(&other, "shifted", &err);
	mare_err_init(&err);
	is_int(mare_sample_cells_weighted(&s, badbias, 4, 77, &c1, &err), -1,
	    "sample: a misaligned bias layer is refused");
	is_str(err.msg, "bias layer 'shifted' is not aligned with the layers: "
	    "xllcorner differs", "sample: ... naming the field");
	mare_grid_free(badbias);

	mare_grid_stack_init(&empty);
	mare_err_init(&err);
	is_int(mare_sample_cells(&empty, 4, 1, &c1, &err), -1,
	    "sample: an empty stack is a usage error");
	is_int(err.code, MARE_E_USAGE, "sample: ... MARE_E_USAGE");

	mare_grid_stack_release(&s);
	return tap_done();
}
