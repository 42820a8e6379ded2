/*
 * grid.h - ESRI ASCII grids, aligned layer stacks, and cell lookup
 *
 * A layer is one ESRI ASCII grid (".asc", or ".asc.gz" and any other
 * compression libarchive's filters recognise: the content decides, not the
 * name). Its header is a few "keyword value" lines, keywords in any case and
 * any order: ncols, nrows, xllcorner or xllcenter, yllcorner or yllcenter,
 * cellsize (or dx and dy, which must be equal: see below), and NODATA_value.
 * Then come ncols * nrows numbers, rows from north to south, separated by any
 * whitespace (one row per line is usual but not required; CRLF is fine).
 * The count is checked exactly: fewer or more values is an error. A UTF-8
 * byte order mark at the start is skipped.
 *
 * Values are stored as float (32 bits), like MaxEnt: each token is read as
 * the nearest double (what strtod(3) gives in the C locale) and then rounded
 * to float, bit for bit the same as (float)strtod(token). A fast scanner
 * handles plain decimals ("-12.3456", up to 19 digits) exactly and falls
 * back to strtod for exponents and long mantissas. "nan" and "inf" tokens
 * are accepted; a NaN cell is never valid; a value beyond the float range
 * becomes -inf or +inf, like (float)strtod. Hex floats, decimal commas and
 * tokens longer than 64 characters are refused. Parsing assumes the C
 * locale (mare never calls setlocale for numbers).
 *
 * NODATA_value is optional. Without it every (non-NaN) value is valid --
 * even -9999, which a file without a NODATA line cannot mark as missing.
 * With it, a cell is missing when its float value equals the float value of
 * NODATA_value.
 *
 * Safety: the header is checked before anything is allocated: ncols and
 * nrows are positive integers, ncols * nrows <= 2^31, and a plain file holds
 * at least two bytes per value. The cell array grows with the data actually
 * read (so a lying header in a small compressed file cannot make us allocate
 * gigabytes). Memory: 4 bytes per cell and a 1 MiB read buffer; compressed
 * input is decompressed as a stream.
 *
 * Geometry. xll, yll are the lower-left corner of the grid (a *center
 * header is converted: corner = center - cellsize / 2). Cells are square.
 * Row 0 is the northern row, col 0 the western column; cell index =
 * row * ncols + col.
 *
 * Point lookup follows raster::cellFromXY (R raster, xyCell.R) and MaxEnt:
 * col = floor((x - xll) / cs), row = floor((ymax - y) / cs), with
 * ymax = yll + nrows * cs. A point on a line between two cells belongs to
 * the cell east of it and the cell south of it, i.e. a cell is the half-open
 * box [x0, x0 + cs) x (y0, y0 + cs]. The outer edges are all inside, as in
 * raster: x == xmax falls in the last column and y == ymin in the last row.
 * Outside the closed extent [xll, xmax] x [ymin, ymax] is not found. There
 * is no longitude wrapping: on a grid from -180 to 180, lon 180 is in the
 * last (easternmost) column, lon 180.5 or -180.5 is outside; callers that
 * mix the -180..180 and 0..360 conventions must normalise first. Poles are
 * ordinary edges: lat 90 on a grid reaching 90 is in row 0, lat -90 in the
 * last row.
 *
 * Alignment of layers in a stack: ncols and nrows must be equal; the
 * corners must agree within 1e-3 of a cell, and the cell sizes so closely
 * that the accumulated difference across the whole grid stays within 1e-3
 * of a cell (|cs1 - cs2| * max(ncols, nrows) <= 1e-3 * cs1). The same rule
 * decides whether dx and dy are equal. Real layers from different sources
 * disagree in the 15th digit; those pass.
 *
 * Ownership: mare_grid_load() returns a grid the caller frees with
 * mare_grid_free(). A stack owns its layers.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_GRID_H
#define MARE_GRID_H

#include <stddef.h>

#include "err.h"

/* The most cells a layer may have (2^31). */
#define MARE_GRID_MAX_CELLS	((size_t)1 << 31)
/* Alignment tolerance, as a fraction of a cell. */
#define MARE_GRID_TOLERANCE	1e-3

struct mare_grid_geom {
	size_t	ncols;
	size_t	nrows;
	double	xll;		/* west edge (lower-left x) */
	double	yll;		/* south edge (lower-left y) */
	double	cellsize;	/* > 0 */
	int	has_nodata;	/* 0: no NODATA_value line */
	double	nodata;		/* as written in the header */
};

struct mare_grid {
	char	*name;		/* file stem: "SST" for SST.asc.gz */
	char	*path;		/* as given; NULL if in memory */
	struct mare_grid_geom geom;
	float	*cells;		/* row-major, row 0 north */
};

/* One cell of a grid, as returned by samplers. */
struct mare_grid_cell {
	size_t	row;
	size_t	col;
};

/* Lifecycle */

/*
 * Read an .asc or compressed .asc file. Returns the grid, or NULL with
 * MARE_E_NOINPUT (cannot open), MARE_E_IO (read error), MARE_E_NOMEM, or
 * MARE_E_DATA with the file and line in err->where ("x.asc:12") and the
 * problem in err->msg ("expected a number, got 'abc'"). path "-" reads
 * standard input (name "<stdin>", stem "stdin").
 */
struct mare_grid *mare_grid_load(const char *path, struct mare_err *err);

/*
 * A grid in memory with geometry geom (copied; ncols * nrows must be within
 * MARE_GRID_MAX_CELLS) and every cell set to the NODATA value (NaN when
 * geom->has_nodata is 0). name is copied. NULL with MARE_E_NOMEM or
 * MARE_E_USAGE (bad geometry).
 */
struct mare_grid *mare_grid_new(const struct mare_grid_geom *geom,
	    const char *name, struct mare_err *err);

/* Free a grid; NULL is a no-op. */
void	mare_grid_free(struct mare_grid *g);

/*
 * Write g as an ESRI ASCII grid, atomically (lib/io.h; "-" is stdout):
 * header ncols, nrows, xllcorner, yllcorner, cellsize, NODATA_value (when
 * set), one row per line, '\n' line ends. Each value is printed with the
 * fewest significant digits (6 to 9) that read back to the same float;
 * NODATA and NaN cells are printed as the NODATA value (NaN as "nan" when
 * the grid has none). Returns 0, or -1 with MARE_E_CANTCREAT or MARE_E_IO,
 * or MARE_E_DATA for an infinite cell, which the format cannot hold (the
 * file would not load back): then nothing is written.
 */
int	mare_grid_save(const struct mare_grid *g, const char *path,
	    struct mare_err *err);

/* Geometry */

/*
 * The cell holding point (x, y) by the rule above. Returns 1 and sets *row,
 * *col (either may be NULL) when the point is inside, 0 when it is outside
 * or x or y is NaN.
 */
int	mare_grid_geom_cell(const struct mare_grid_geom *g, double x,
	    double y, size_t *row, size_t *col);
/* The centre of (row, col): xll + (col + 0.5) cs, ymax - (row + 0.5) cs. */
void	mare_grid_geom_center(const struct mare_grid_geom *g, size_t row,
	    size_t col, double *x, double *y);
/*
 * Compare two geometries by the alignment rule above. Returns NULL when
 * they match, otherwise the name of the first differing field: "ncols",
 * "nrows", "xllcorner", "yllcorner" or "cellsize". NODATA is not compared.
 */
const char *mare_grid_geom_diff(const struct mare_grid_geom *a,
	    const struct mare_grid_geom *b);

/* Values */

/* True when cell i (< ncols * nrows) holds a value: not NODATA, not NaN. */
int	mare_grid_valid(const struct mare_grid *g, size_t i);
/*
 * The value at (x, y). Returns 1 with *v set, 0 when the point is outside
 * or the cell holds no value (*v untouched).
 */
int	mare_grid_value_at(const struct mare_grid *g, double x, double y,
	    float *v);

/* Stacks */

struct mare_grid_stack {
	/* the first layer's geometry, has_nodata 0 */
	struct mare_grid_geom	  geom;
	size_t			  nlayers;
	struct mare_grid	**layers;	/* owned */
};

/* An empty stack; nothing allocated. */
void	mare_grid_stack_init(struct mare_grid_stack *s);
/* Free every layer; the stack is empty (and reusable) afterwards. */
void	mare_grid_stack_release(struct mare_grid_stack *s);

/*
 * Add layer g, taking ownership in every case (g is freed on failure).
 * Refused with MARE_E_DATA when it is not aligned with the first layer
 * ("layer 'b' (b.asc) does not match layer 'a' (a.asc): cellsize 0.5 vs
 * 0.25") or when a layer of that name is already there.
 */
int	mare_grid_stack_add_take(struct mare_grid_stack *s,
	    struct mare_grid *g, struct mare_err *err);
/*
 * Load and add n files, in the order given. Returns 0 or -1 with the first
 * error (the layers loaded so far stay in s; release it).
 */
int	mare_grid_stack_load(struct mare_grid_stack *s,
	    const char *const *paths, size_t n, struct mare_err *err);
/*
 * Load every *.asc and *.asc.gz of folder dir (suffixes in any case; other
 * files are ignored), sorted by file name in byte order. A folder without
 * any is MARE_E_NOINPUT; an unreadable folder is MARE_E_NOINPUT.
 */
int	mare_grid_stack_load_dir(struct mare_grid_stack *s, const char *dir,
	    struct mare_err *err);
/* The index of the layer named name, or -1. */
long	mare_grid_stack_find(const struct mare_grid_stack *s,
	    const char *name);

/* Number of cells of the stack's grid (0 for an empty stack). */
size_t	mare_grid_stack_ncells(const struct mare_grid_stack *s);
/* True when cell i holds a value in every layer (false for an empty stack). */
int	mare_grid_stack_valid(const struct mare_grid_stack *s, size_t i);
/* The number of cells valid in every layer. */
size_t	mare_grid_stack_count_valid(const struct mare_grid_stack *s);
/*
 * Iterate over the cells valid in every layer, in row-major order:
 *	for (i = 0; mare_grid_stack_next_valid(s, &i); i++)
 * Returns 1 with *i set to the first valid cell >= *i, or 0 when none is
 * left.
 */
int	mare_grid_stack_next_valid(const struct mare_grid_stack *s,
	    size_t *i);

enum mare_grid_lookup {
	MARE_GRID_FOUND = 1,	/* inside and valid in every layer */
	MARE_GRID_OUTSIDE = 0,	/* outside, or NaN coordinates */
	MARE_GRID_NODATA = -1	/* inside, but no value in some layer */
};

/*
 * Sample every layer at (x, y): on MARE_GRID_FOUND, vals[k] is layer k's
 * value (vals holds nlayers floats) and *cell (may be NULL) the cell
 * index. On MARE_GRID_NODATA, *cell is set and *layer (may be NULL) is the
 * first layer without a value. vals may be NULL.
 */
enum mare_grid_lookup mare_grid_stack_lookup(const struct mare_grid_stack *s,
	    double x, double y, float *vals, size_t *cell, size_t *layer);

/* Number parsing (exposed for tests and other text readers) */

/*
 * Parse the whole of token [p, p + len) as a number, into the float
 * (float)strtod(token) would give. Returns 0, or -1 when the token is not
 * a decimal number (hex floats are refused).
 */
int	mare_grid_parse_float(const char *p, size_t len, float *out);

#endif /* MARE_GRID_H */
