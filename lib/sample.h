/*
 * sample.h - background points: cells drawn without replacement from a stack
 *
 * The cells eligible are those valid in every layer of the stack (and, for
 * the weighted draw, with a weight > 0 in the bias layer). Both draws are
 * the Efraimidis-Spirakis method ("Weighted random sampling with a
 * reservoir", Inf. Process. Lett. 97(5), 2006): each eligible cell i gets
 * the key u_i^(1/w_i) (compared as log(u_i) / w_i) and the n cells with the
 * largest keys are kept in a min-heap, so memory is O(n) whatever the grid
 * size. The uniform draw is the same with every w_i = 1.
 *
 * u_i comes from the keyed stream mare_rng_init_keyed(seed, i), where i is
 * the cell index (row * ncols + col): a cell's key depends only on the seed
 * and the cell, never on the order of work or on the other cells. Hence the
 * same seed gives the same cells on every machine, and masking one more cell
 * out changes the sample by at most that cell and its replacement. Ties
 * (equal keys) go to the smaller cell index.
 *
 * Output order: the chosen cells in row-major order (ascending cell index),
 * not in draw order, so the result is sorted for cache-friendly lookups and
 * independent of the heap's internals.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_SAMPLE_H
#define MARE_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "grid.h"

/*
 * Draw min(n, eligible) distinct cells of s, uniformly. On success returns
 * the number drawn (less than n when fewer cells are eligible: all of them
 * are returned then) and sets *cells to a malloc'd array of that many cells,
 * in row-major order, which the caller frees (NULL when none are drawn).
 * Returns -1 with MARE_E_NOMEM, or MARE_E_USAGE for an empty stack.
 */
long	mare_sample_cells(const struct mare_grid_stack *s, size_t n,
	    uint64_t seed, struct mare_grid_cell **cells,
	    struct mare_err *err);

/*
 * The same, weighted by bias: the probability of each draw is proportional
 * to the bias value among the cells not yet drawn. bias must be aligned
 * with s (MARE_E_DATA otherwise, naming the field). Cells where bias has no
 * value or the value 0 are never drawn. A negative or infinite weight is
 * MARE_E_DATA with the cell ("bias 'b': negative weight -1 at row 2,
 * col 0").
 */
long	mare_sample_cells_weighted(const struct mare_grid_stack *s,
	    const struct mare_grid *bias, size_t n, uint64_t seed,
	    struct mare_grid_cell **cells, struct mare_err *err);

#endif /* MARE_SAMPLE_H */
