/*
 * drift.h - has the data moved? Drift statistics per column and verdicts
 *
 * The statistics, each matching a reference implementation:
 * - KS: the two-sample Kolmogorov-Smirnov statistic D and its two-sided
 *   p-value as scipy.stats.ks_2samp(method="auto"): exact when both
 *   samples have at most 10,000 values (the lattice-path recursion, or
 *   the closed sum when n1 == n2), otherwise the distribution of the
 *   one-sample statistic with n = round(n1 n2 / (n1 + n2)): 0 when
 *   n D^2 >= 370, 2 smirnov(n, D) (Birnbaum-Tingey sum) when n D^2 >= 2.2
 *   or D >= 0.5, otherwise 1 - the Pelz-Good series. (scipy uses the
 *   Durbin matrix for n <= 140 or n D^1.5 <= 1.4; there the Pelz-Good
 *   series is used too; those p-values lie near 1 and differ from scipy's
 *   by less than 1e-3.)
 * - Wasserstein-1: the integral of |F_ref - F_cur|, as
 *   scipy.stats.wasserstein_distance; drift tests divide it by the
 *   reference's population standard deviation floored at 0.001 (Evidently).
 * - PSI: sum over bins of (c - r) ln(c / r), where r and c are the shares
 *   of the reference and current values in the reference's equal-frequency
 *   bins (the profile's histogram edges; current values below the first
 *   edge count in the first bin, above the last in the last). A share of
 *   0 is replaced by MARE_DRIFT_PSI_EPS = 0.0001 before the sum.
 * - JS: the Jensen-Shannon distance (the square root of the divergence,
 *   natural logarithm: scipy.spatial.distance.jensenshannon's default
 *   base e, which Evidently uses) between the shares in shared bins: the
 *   union of the distinct values for a categorical column, the reference
 *   bins otherwise. Zero shares are kept (scipy: 0 ln 0 = 0).
 * - chi-square: goodness of fit of the current counts to the reference
 *   counts scaled to the current total, over the union of the distinct
 *   values (Evidently's chi_stat_test, scipy.stats.chisquare); a value
 *   absent from the reference gives p = 0.
 * - Z: the two-proportion Z test for a column with at most two distinct
 *   values (Evidently's z_stat_test); p = erfc(|z| / sqrt 2).
 *
 * Against a profile only (no raw reference rows), the reference's CDF is
 * the piecewise linear function through its 101 quantiles: KS and
 * Wasserstein are then computed exactly for that CDF, which differs from
 * the empirical one by at most one percentile (D is within 0.01 of the raw
 * value; W1 within the mean width of the quantile intervals, weighted
 * 1/100 each, i.e. (max - min) / 100 at worst). PSI, JS and chi-square use
 * the profile's counts and are exact.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_DRIFT_H
#define MARE_DRIFT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "grid.h"
#include "profile.h"

#define MARE_DRIFT_PSI_EPS	0.0001
#define MARE_DRIFT_SD_FLOOR	0.001
#define MARE_DRIFT_KS_EXACT_MAX	10000	/* scipy's MAX_AUTO_N */
#define MARE_DRIFT_SMALL_REF	1000	/* Evidently: "small" reference */

enum mare_drift_test {
	MARE_DRIFT_AUTO = 0,	/* Evidently's choice per column */
	MARE_DRIFT_KS,
	MARE_DRIFT_PSI,
	MARE_DRIFT_WASSERSTEIN,	/* normalised by the reference sd */
	MARE_DRIFT_JS,
	MARE_DRIFT_CHISQ,
	MARE_DRIFT_Z,
	MARE_DRIFT_NONE		/* column not tested */
};

/* "ks", "psi", "wasserstein", "js", "chisquare", "z", "auto", "none" */
const char *mare_drift_test_name(enum mare_drift_test t);
/* The test called name (also "wd" for wasserstein), or -1. */
int	mare_drift_test_parse(const char *name);
/* The default threshold: 0.05 for p-value tests, 0.1 for distances. */
double	mare_drift_default_threshold(enum mare_drift_test t);
/* 1 when the test gives a p-value (drift when p < threshold). */
int	mare_drift_is_pvalue(enum mare_drift_test t);

/* Statistics on sorted samples (ascending, finite values only) */

/* Sort n doubles ascending (LSD radix; NaN must not be present). */
int	mare_drift_sort(double *x, size_t n, struct mare_err *err);

/*
 * KS statistic of sorted a[na] and b[nb] (both > 0); *p gets the p-value
 * as described above and *exact whether it was computed exactly.
 */
double	mare_drift_ks(const double *a, size_t na, const double *b, size_t nb,
	    double *p, int *exact);
/* The two-sided p-value for statistic d of samples n1, n2. */
double	mare_drift_ks_pvalue(double d, uint64_t n1, uint64_t n2, int *exact);
/* Kolmogorov's one-sample survival function P(D_n >= d), as scipy kstwo. */
double	mare_drift_kstwo_sf(double d, double n);

/* W1 between sorted a[na] and b[nb]. */
double	mare_drift_wasserstein(const double *a, size_t na, const double *b,
	    size_t nb);

/* PSI and JS distance of two count vectors over k bins (k > 0). */
double	mare_drift_psi(const double *ref, const double *cur, size_t k);
double	mare_drift_js(const double *ref, const double *cur, size_t k);
/*
 * chi-square goodness of fit: observed cur against ref scaled to cur's
 * total. Returns the p-value; *stat gets the statistic (may be NULL).
 */
double	mare_drift_chisq(const double *ref, const double *cur, size_t k,
	    double *stat);
/* Two-proportion Z test: x1 of n1 against x2 of n2; the p-value. */
double	mare_drift_z(double x1, double n1, double x2, double n2,
	    double *stat);

/* Per column */

struct mare_drift_col {
	const char	*name;		/* the profile's */
	enum mare_drift_test test;	/* the test run (NONE: skipped) */
	double		 stat;		/* D, W1/sd, PSI, JS, chi2, z */
	double		 pvalue;	/* NaN for distance tests */
	double		 score;		/* the verdict's p-value or distance */
	double		 threshold;
	int		 drift;
	int		 exact;		/* from raw rows (1) or the profile */
	uint64_t	 n_ref, n_cur, nan_cur;
	double		 out_of_range;	/* share of current values outside */
	const char	*skipped;	/* why not tested, or NULL */
};

/*
 * Test one column. pc is the reference's profile column; ref is its sorted
 * finite raw values (n = pc->n) or NULL to work from the profile alone.
 * cur holds ncur values with the given stride (NaN and infinities are
 * counted and left out). test and threshold choose the test; AUTO and a
 * NaN threshold mean the defaults. Returns 0, or -1 with MARE_E_NOMEM.
 */
int	mare_drift_column(const struct mare_profile_col *pc, const double *ref,
	    const double *cur, size_t ncur, size_t stride,
	    enum mare_drift_test test, double threshold,
	    struct mare_drift_col *out, struct mare_err *err);
/*
 * The same from c[m], the finite current values already sorted ascending
 * (nnan non-finite values left out); allocates nothing. 0, or -1.
 */
int	mare_drift_column_sorted(const struct mare_profile_col *pc,
	    const double *ref, const double *c, size_t m, uint64_t nnan,
	    enum mare_drift_test test, double threshold,
	    struct mare_drift_col *out, struct mare_err *err);

/* Many columns at once (what mare-drift does) */

#define MARE_DRIFT_MAX_THREADS	64

/*
 * A raw reference: ncols columns of n values each (non-finite allowed)
 * become the reference where they lie: column j's finite values move to
 * its front, sorted ascending (the sorted raw values that
 * mare_drift_column_sorted() and mare_drift_mess_sorted() take), and its
 * profile column, named names[j], is computed from them (as
 * mare_profile_build()). nthreads columns at a time (0 or 1: in the
 * calling thread; at most MARE_DRIFT_MAX_THREADS); the result does not
 * depend on it. Memory: 8 bytes a value per thread. Returns the profile,
 * or NULL with MARE_E_NOMEM.
 */
struct mare_profile *mare_drift_reference(double *const *cols, size_t n,
	    size_t ncols, const char *const *names, unsigned nthreads,
	    struct mare_err *err);

/* A set of current columns to test. */
struct mare_drift_set {
	const struct mare_profile *prof;
	const double *const *sorted;	/* raw reference columns, or NULL */
	const size_t	*idx;		/* the profile column of each */
	const double *const *cur;	/* ncols columns of n values */
	size_t		 ncols, n;
	const enum mare_drift_test *test;	/* each's (AUTO: default) */
	const double	*threshold;	/* each's (NaN: default) */
	const struct mare_drift_mess *mess;	/* built over idx */
};

/*
 * Test every column of s: out[i] is mare_drift_column_sorted() of
 * column i (its finite values, sorted) against profile column idx[i],
 * mean[i] the mean of its finite values (summed in order; NaN when none),
 * and minv[r] the MESS of row r over all the columns (INFINITY where no
 * value of the row is finite), as mare_drift_mess_column() from INFINITY.
 * nthreads as above; the results do not depend on it. Memory: 24 bytes a
 * row per thread. Returns 0, or -1 with MARE_E_NOMEM.
 */
int	mare_drift_columns(const struct mare_drift_set *s, unsigned nthreads,
	    struct mare_drift_col *out, double *mean, double *minv,
	    struct mare_err *err);

/*
 * MESS (Elith et al. 2010) of one row x[ncols] against the profile's
 * columns idx[ncols] (the minimum over variables of the similarity: with
 * f the percentage of reference values below x, 100 (x - min) / (max -
 * min) when f = 0, 2 f when f <= 50, 2 (100 - f) when f < 100, 100 (max -
 * x) / (max - min) when f = 100). f comes from the profile's quantiles,
 * interpolated linearly (accurate to one percentile). A variable with
 * max == min gives 0 at its value and -100 elsewhere. NaN values are
 * skipped; NaN when none remains.
 */
double	mare_drift_mess(const struct mare_profile *p, const size_t *idx,
	    const double *x, size_t ncols);
/*
 * The same, exact against raw reference rows: sorted[k] holds the
 * p->cols[k].n finite values of column k, ascending, and f is the
 * percentage of them strictly below x. sorted NULL is mare_drift_mess().
 */
double	mare_drift_mess_sorted(const struct mare_profile *p,
	    const double *const *sorted, const size_t *idx, const double *x,
	    size_t ncols);

/*
 * The same for many rows, fast: a lookup table per column built once
 * (memory: up to 256 KiB a column) finds the count below x within x's
 * bucket of equal width instead of searching the whole sorted column.
 * mare_drift_mess_row() of x[ncols] gives bit for bit what
 * mare_drift_mess_sorted(p, sorted, idx, x, ncols) gives; p and sorted
 * must outlive the object. NULL with MARE_E_NOMEM.
 */
struct mare_drift_mess;
struct mare_drift_mess *mare_drift_mess_new(const struct mare_profile *p,
	    const double *const *sorted, const size_t *idx, size_t ncols,
	    struct mare_err *err);
double	mare_drift_mess_row(const struct mare_drift_mess *m,
	    const double *x);
/*
 * The same column by column: for each finite x[i] (column j's values of
 * n rows), minv[i] = min(minv[i], similarity). Starting from minv[i] =
 * INFINITY, after every column minv[i] is mare_drift_mess_row() of row i,
 * or still INFINITY where that is NaN.
 */
void	mare_drift_mess_column(const struct mare_drift_mess *m, size_t j,
	    const double *x, size_t n, double *minv);
/* Free m; NULL is fine. */
void	mare_drift_mess_free(struct mare_drift_mess *m);

#define MARE_DRIFT_MAP_NODATA	(-9999.0)

/*
 * The MESS map of a layer stack: a new grid (free with mare_grid_free())
 * aligned with s, named "mess", NODATA_value MARE_DRIFT_MAP_NODATA, whose
 * cells valid in every layer of s hold (float) mare_drift_mess_sorted() of
 * the cell's values, variable j (profile column idx[j]) read from layer
 * layer[j]; every other cell is NODATA. sorted may be NULL (the profile's
 * quantiles). Memory: the map (4 bytes a cell). Returns NULL with
 * MARE_E_USAGE (no layers or columns) or MARE_E_NOMEM.
 */
struct mare_grid *mare_drift_mess_grid(const struct mare_profile *p,
	    const double *const *sorted, const size_t *idx,
	    const size_t *layer, size_t ncols,
	    const struct mare_grid_stack *s, struct mare_err *err);

#endif /* MARE_DRIFT_H */
