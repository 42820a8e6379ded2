/*
 * sample.c - Efraimidis-Spirakis sampling without replacement over a stack
 *
 * A min-heap of (key, cell) of size n holds the best keys so far; a new cell
 * enters only when its key beats the heap's smallest. Keys are compared as
 * log(u) / w, which orders cells exactly as u^(1/w) does without the
 * underflow of a power; u is drawn in (0, 1] so the logarithm is finite.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>

#include "rng.h"
#include "sample.h"

struct item {
	double	key;
	size_t	cell;
};

/* a ranks below b: smaller key, or equal key and larger cell index */
static int
below(const struct item *a, const struct item *b)
{
	if (a->key != b->key)
		return a->key < b->key;
	return a->cell > b->cell;
}

static void
sift_down(struct item *h, size_t n, size_t i)
{
	struct item t;
	size_t l, m;

	for (;;) {
		l = 2 * i + 1;
		if (l >= n)
			return;
		m = l;
		if (l + 1 < n && below(&h[l + 1], &h[l]))
			m = l + 1;
		if (!below(&h[m], &h[i]))
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void
sift_up(struct item *h, size_t i)
{
	struct item t;
	size_t p;

	while (i > 0) {
		p = (i - 1) / 2;
		if (!below(&h[i], &h[p]))
			return;
		t = h[i];
		h[i] = h[p];
		h[p] = t;
		i = p;
	}
}

static int
cmp_cell(const void *a, const void *b)
{
	size_t x = ((const struct item *)a)->cell;
	size_t y = ((const struct item *)b)->cell;

	return (x > y) - (x < y);
}

static long
draw(const struct mare_grid_stack *s, const struct mare_grid *bias,
    size_t n, uint64_t seed, struct mare_grid_cell **cells,
    struct mare_err *err)
{
	struct item *heap = NULL, it;
	struct mare_grid_cell *out = NULL;
	size_t ncells, i, k, len = 0, cap;
	double w, u;
	const char *field;

	*cells = NULL;
	if (s->nlayers == 0) {
		mare_err_set(err, MARE_E_USAGE, "no layers to sample from");
		return -1;
	}
	if (bias != NULL &&
	    (field = mare_grid_geom_diff(&s->geom, &bias->geom)) != NULL) {
		mare_err_set(err, MARE_E_DATA, "bias layer '%s' is not "
		    "aligned with the layers: %s differs", bias->name, field);
		mare_err_at(err, bias->path, 0, 0);
		return -1;
	}
	if (n == 0)
		return 0;
	ncells = mare_grid_stack_ncells(s);
	cap = n < ncells ? n : ncells;
	heap = malloc(cap * sizeof(*heap));
	if (heap == NULL)
		goto nomem;
	for (i = 0; mare_grid_stack_next_valid(s, &i); i++) {
		w = 1;
		if (bias != NULL) {
			if (!mare_grid_valid(bias, i))
				continue;
			w = bias->cells[i];
			if (w < 0 || isinf(w)) {
				mare_err_set(err, MARE_E_DATA,
				    "bias layer '%s': "
				    "%s weight %g at row %zu, col %zu",
				    bias->name, w < 0 ? "negative" :
				    "infinite", w, i / s->geom.ncols,
				    i % s->geom.ncols);
				mare_err_at(err, bias->path, 0, 0);
				free(heap);
				return -1;
			}
			if (w == 0)
				continue;
		}
		/* the first uniform of keyed stream (seed, i), in (0, 1] */
		u = 1.0 - (double)(mare_rng_keyed_u64(seed, (uint64_t)i) >>
		    11) * 0x1.0p-53;
		it.key = bias != NULL ? log(u) / w : u;
		it.cell = i;
		if (len < cap) {
			heap[len] = it;
			sift_up(heap, len++);
		} else if (below(&heap[0], &it)) {
			heap[0] = it;
			sift_down(heap, len, 0);
		}
	}
	if (len == 0) {
		free(heap);
		return 0;
	}
	qsort(heap, len, sizeof(*heap), cmp_cell);
	out = malloc(len * sizeof(*out));
	if (out == NULL)
		goto nomem;
	for (k = 0; k < len; k++) {
		out[k].row = heap[k].cell / s->geom.ncols;
		out[k].col = heap[k].cell % s->geom.ncols;
	}
	free(heap);
	*cells = out;
	return (long)len;
nomem:
	free(heap);
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return -1;
}

long
mare_sample_cells(const struct mare_grid_stack *s, size_t n, uint64_t seed,
    struct mare_grid_cell **cells, struct mare_err *err)
{
	return draw(s, NULL, n, seed, cells, err);
}

long
mare_sample_cells_weighted(const struct mare_grid_stack *s,
    const struct mare_grid *bias, size_t n, uint64_t seed,
    struct mare_grid_cell **cells, struct mare_err *err)
{
	return draw(s, bias, n, seed, cells, err);
}
