/*
 * fuzz-grid - libFuzzer target: ESRI ASCII grids (.asc, .asc.gz)
 *
 * mare_grid_load() takes a path: the input is a memfd reached as
 * /proc/self/fd/N (libarchive's filters decide whether it is compressed).
 * A loaded grid is looked up at its centre and at a NaN point.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <unistd.h>

#include "fuzz.h"
#include "grid.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mare_grid *g;
	struct mare_err err;
	char path[64];
	double x, y;
	float v;
	int fd;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if ((fd = fuzz_memfd(data, size, path, sizeof(path))) == -1)
		return 0;
	mare_err_init(&err);
	if ((g = mare_grid_load(path, &err)) == NULL)
		fuzz_check_err(&err);
	else {
		mare_grid_geom_center(&g->geom, g->geom.nrows / 2,
		    g->geom.ncols / 2, &x, &y);
		(void)mare_grid_value_at(g, x, y, &v);
		(void)mare_grid_value_at(g, NAN, y, &v);
		mare_grid_free(g);
	}
	close(fd);
	return 0;
}
