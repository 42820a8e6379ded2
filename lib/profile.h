/*
 * profile.h - the reference profile of a data set, as stored in a model
 *
 * A profile summarises each column of a table of doubles well enough to
 * test later data for drift without the raw rows: counts, range, moments,
 * a fixed grid of quantiles, an equal-frequency histogram, the number of
 * distinct values and, for columns with few distinct values, their counts.
 *
 * Definitions (fixed; a stored profile means the same thing everywhere):
 * - n counts the finite values of the column; nan counts the values that
 *   are NaN or infinite. Only finite values enter the statistics below.
 * - mean and sd: the arithmetic mean and the population standard
 *   deviation (divisor n, as numpy.std() with ddof=0, which is what
 *   Evidently normalises the Wasserstein distance by), computed with
 *   compensated (Neumaier) sums; 0 when n < 2 for sd.
 * - quantiles: MARE_PROFILE_NQ = 101 values at p = 0, 0.01, ..., 1,
 *   "type 7" (linear interpolation between order statistics: the default
 *   of numpy.quantile() and R's quantile()): h = (n - 1) p, value =
 *   x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
 * - histogram: MARE_PROFILE_NBINS = 30 equal-frequency bins whose edges
 *   are the type-7 quantiles at p = k / 30, k = 0..30, with repeated edges
 *   merged (so a column with ties has fewer, never empty-width bins; a
 *   constant column has one bin [v, v]). Bin k holds the values v with
 *   edge[k] <= v < edge[k + 1]; the last bin is closed on the right.
 * - distinct: the exact number of distinct finite values when it is at
 *   most MARE_PROFILE_DISTINCT_CAP (1000), otherwise
 *   MARE_PROFILE_DISTINCT_CAP + 1, read as "more than 1000".
 * - levels: when distinct <= MARE_PROFILE_MAX_LEVELS (20), every distinct
 *   value with its count, ascending by value; otherwise none.
 * - categorical: true when distinct <= MARE_PROFILE_CAT_DISTINCT (5): the
 *   rule by which Evidently tests a numeric column as categorical.
 *
 * JSON form (keys always in this order, reals written by mare_jsonl_write()
 * or any dumper in the shortest form that reads back to the same double):
 *   {"format":"mare-profile","version":1,"rows":R,"columns":[
 *     {"name":"sst","n":..,"nan":..,"min":..,"max":..,"mean":..,"sd":..,
 *      "quantiles":[101 reals],"edges":[k+1 reals],"counts":[k integers],
 *      "distinct":..,"categorical":false,"levels":[[value,count],...]}]}
 * A column with n = 0 has min, max, mean, sd null, empty quantiles,
 * edges, counts and levels, and distinct 0.
 * A model's profile may also hold, after "columns", the optional key
 * "prediction": one column object (named "prediction") profiling the
 * model's predictions (its default output type, clamped) on the rows
 * profiled, for prediction drift. Profiles without it stay valid.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_PROFILE_H
#define MARE_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

#define MARE_PROFILE_VERSION		1
#define MARE_PROFILE_NQ			101
#define MARE_PROFILE_NBINS		30
#define MARE_PROFILE_DISTINCT_CAP	1000
#define MARE_PROFILE_MAX_LEVELS		20
#define MARE_PROFILE_CAT_DISTINCT	5
/* Limits on a profile read from JSON (an untrusted file). */
#define MARE_PROFILE_MAX_COLUMNS	100000
#define MARE_PROFILE_MAX_NAME		1024

struct mare_profile_level {
	double		value;
	uint64_t	count;
};

struct mare_profile_col {
	char		*name;		/* owned, NUL-terminated */
	uint64_t	 n;		/* finite values */
	uint64_t	 nan;		/* NaN or infinite values */
	double		 min, max, mean, sd;	/* NaN when n == 0 */
	double		 q[MARE_PROFILE_NQ];	/* NaN when n == 0 */
	size_t		 nbins;		/* 0 when n == 0, else 1..30 */
	double		 edges[MARE_PROFILE_NBINS + 1];	/* nbins + 1 used */
	uint64_t	 counts[MARE_PROFILE_NBINS];	/* nbins used */
	uint64_t	 distinct;	/* capped: see above */
	int		 categorical;	/* 1 or 0 */
	size_t		 nlevels;	/* 0..MARE_PROFILE_MAX_LEVELS */
	struct mare_profile_level levels[MARE_PROFILE_MAX_LEVELS];
};

struct mare_profile {
	uint64_t	 rows;		/* rows summarised */
	size_t		 ncols;
	struct mare_profile_col *cols;	/* ncols entries, owned */
	struct mare_profile_col *prediction;	/* owned; NULL: none */
};

/*
 * Summarise nrows x ncols row-major doubles (rows[i * ncols + j] is column
 * j of row i); names holds ncols column names (copied). rows may be NULL
 * when nrows is 0. NaN and infinite values are counted, not used.
 * Returns a new profile (free with mare_profile_free()), or NULL with
 * MARE_E_USAGE for ncols 0 or a NULL name, MARE_E_NOMEM.
 */
struct mare_profile *mare_profile_build(const double *rows, size_t nrows,
	    size_t ncols, const char *const *names, struct mare_err *err);

/*
 * The same, nthreads columns at a time (0 or 1: in the calling thread; at
 * most MARE_PAR_MAX_THREADS): the same profile for any count. Work
 * memory: 24 bytes a row a thread (a column's finite values and the
 * sort's scratch, kept from one column to the next).
 */
struct mare_profile *mare_profile_build_threads(const double *rows,
	    size_t nrows, size_t ncols, const char *const *names,
	    unsigned nthreads, struct mare_err *err);

/*
 * The same from one column of n doubles into col (whose name the caller
 * sets and owns). Used by mare_profile_build(); exposed for tests and for
 * callers holding columns. Returns 0, or -1 with MARE_E_NOMEM.
 */
int	mare_profile_column(const double *x, size_t n, size_t stride,
	    struct mare_profile_col *col, struct mare_err *err);

/*
 * The same from the m finite values s, already sorted ascending, and the
 * count of left-out non-finite values; allocates nothing.
 */
void	mare_profile_column_sorted(const double *s, size_t m, uint64_t nnan,
	    struct mare_profile_col *col);

/* Sort n finite doubles ascending (LSD radix). 0, or -1 MARE_E_NOMEM. */
int	mare_profile_sort(double *x, size_t n, struct mare_err *err);

/*
 * Scratch memory kept from one sort to the next (zero-initialise it;
 * free with mare_profile_scratch_free()): a caller sorting many columns
 * allocates, and the kernel zero-fills, its buffers once (up to 16 bytes
 * a value). mare_profile_sort() is this with a scratch of its own.
 */
struct mare_profile_scratch {
	void	*buf;
	size_t	 size;
};

int	mare_profile_sort_scratch(double *x, size_t n,
	    struct mare_profile_scratch *s, struct mare_err *err);
void	mare_profile_scratch_free(struct mare_profile_scratch *s);

/*
 * The JSON form above, as a new object (the caller json_decref()s it).
 * Returns NULL only when out of memory.
 */
json_t	*mare_profile_to_json(const struct mare_profile *p);

/*
 * Read a profile from its JSON form, validating every field: types,
 * counts (quantiles 101 ascending reals, edges ascending, counts summing
 * to n, levels ascending and summing to n when present), limits. src
 * names the file in messages. Returns a new profile, or NULL with
 * MARE_E_DATA and a message naming the JSON path
 * ("m.json: profile: columns[2].quantiles[5]: expected a real"), or
 * MARE_E_NOMEM.
 */
struct mare_profile *mare_profile_from_json(const json_t *j, const char *src,
	    struct mare_err *err);

/*
 * Set p's prediction profile from the n predictions pred (replacing any).
 * Returns 0, or -1 with MARE_E_NOMEM.
 */
int	mare_profile_set_prediction(struct mare_profile *p, const double *pred,
	    size_t n, struct mare_err *err);

/* The index of the column called name, or -1. */
long	mare_profile_find(const struct mare_profile *p, const char *name);

/* Free p and everything it owns; NULL is fine. */
void	mare_profile_free(struct mare_profile *p);

#endif /* MARE_PROFILE_H */
