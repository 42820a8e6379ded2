/*
 * featspec.h - the feature spec: MaxEnt feature classes, fitted once and
 * applied everywhere
 *
 * A spec turns a row of raw variables (the values of the environmental
 * layers or covariates at one point, in the spec's variable order) into the
 * model's feature vector. It is fitted once, from the training rows
 * (presences and background with their labels), and then applied by the
 * same code to training rows, prediction rows, grid cells and streamed
 * records, so that the features agree to the bit wherever they are
 * computed.
 *
 * The feature classes, their knots and their order are those of R maxnet
 * 0.1.4 (maxnet.formula(), hinge(), thresholds(), categorical() and
 * model.matrix()), so that feature names and counts can be compared with
 * maxnet's betas:
 *
 *   l  linear       x                                   name "x"
 *   q  quadratic    x * x                               name "I(x^2)"
 *   h  hinge        clamp01((x - lo) / (hi - lo))       "hinge(x):lo:hi"
 *                   knots k_0..k_{n-1} = seq(min, max, length = n), n = 50:
 *                   n-1 "left" hinges (lo = k_i, hi = max, i < n-1), then
 *                   n-1 "right" hinges (lo = min, hi = k_j, j > 0);
 *                   the first left and the last right hinge are both
 *                   (min, max): maxnet keeps both, and so does the spec
 *   t  threshold    x >= k ? 1 : 0                      "thresholds(x):k"
 *                   CRAN maxnet 0.1.4 takes seq(min, max, length = n + 2)
 *                   [2:n+1], R's precedence making it elements 3..n+1:
 *                   n-1 thresholds k = min + j (max - min) / (n + 1),
 *                   j = 2..n. Later maxnet (issue #15, 2022) uses
 *                   [2:(n+1)], j = 1..n; MARE_FEATSPEC_THR_FIXED selects it.
 *   p  product      x * y, for each pair of continuous variables in order
 *                                                       name "x:y"
 *   categorical     x == level ? 1 : 0 for each level seen in training
 *                   (declared categorical variables only; always present,
 *                   whatever the classes, as in maxnet)
 *                                                       "categorical(x):level"
 *
 * Column order is model.matrix()'s: all linear, all quadratic, hinges (per
 * variable: left then right), thresholds, categorical indicators, then
 * products (R puts main effects before interactions). Categorical variables
 * take part in no other class. A constant continuous variable gets no hinge
 * or threshold features (maxnet would divide by zero).
 *
 * Default classes by the number of presences, as maxnet.formula(): under 10
 * "l", 10-14 "lq", 15-79 "lqh", 80 or more "lqph" (maxnet 0.1.4; MaxEnt
 * Java adds threshold features at 80, maxnet does not). The spec records
 * both the request and the classes it resolved to.
 *
 * Numbers in names are printed as R's as.character() does (15 significant
 * digits, fixed or scientific by width), so they match maxnet's names;
 * the spec itself stores every number exactly. maxnet's predict() re-reads
 * the knots from those 15-digit names; mare always uses the exact knots.
 *
 * Clamping (MARE_FEATSPEC_CLAMP) is maxnet's predict(clamp = TRUE): each
 * continuous variable is clamped to its training range, then each feature to
 * its training range (which matters for products). A training row is never
 * changed by clamping.
 *
 * Statistics: per variable and per feature the minimum, maximum, mean and
 * standard deviation over all training rows and the mean and standard
 * deviation over the presences (label 1); standard deviations divide by
 * n - 1 like R's sd() (0 when n < 2). maxnet's penalties use the sd over
 * presences and the range over all rows.
 *
 * Serialisation: mare_featspec_to_json() writes one canonical text (fixed
 * key order and layout, every double in the shortest form that reads back
 * to the same bits), so write -> read -> write gives identical bytes, and
 * the SHA-256 of that text identifies the spec in tensor headers.
 *
 * (The module is "featspec", not "features": a features.h on the include
 * path would hide glibc's own <features.h>.)
 *
 * Ownership: a spec belongs to the caller who got it from _fit, _from_json
 * or _load, and is freed with mare_featspec_free(). Its fields are
 * read-only. Strings returned by _to_json belong to the caller (free()).
 * Memory: mare_featspec_fit() keeps per-feature accumulators and four
 * columns of scratch per thread (no feature matrix); fitting computes each
 * feature value once and reads it back once.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_FEATSPEC_H
#define MARE_FEATSPEC_H

#include <stddef.h>

#include "err.h"

#define MARE_FEATSPEC_FORMAT	"mare-features"
#define MARE_FEATSPEC_VERSION	1
#define MARE_FEATSPEC_NKNOTS	50	/* maxnet's default */
#define MARE_FEATSPEC_MAX_KNOTS	1000
#define MARE_FEATSPEC_MAX_LEVELS 1000	/* per categorical variable */
#define MARE_FEATSPEC_MAX_JSON	(256UL << 20)	/* bytes of a spec file */

enum mare_featspec_class {
	MARE_FEATSPEC_LINEAR = 0,
	MARE_FEATSPEC_QUADRATIC,
	MARE_FEATSPEC_PRODUCT,
	MARE_FEATSPEC_HINGE,
	MARE_FEATSPEC_THRESHOLD,
	MARE_FEATSPEC_CATEGORICAL
};

/* Where threshold knots go (see above). */
enum mare_featspec_thr {
	MARE_FEATSPEC_THR_MAXNET014 = 0,	/* "maxnet-0.1.4": n-1 knots */
	MARE_FEATSPEC_THR_FIXED			/* "maxnet-fixed": n knots */
};

enum mare_featspec_apply_flags {
	MARE_FEATSPEC_CLAMP = (1 << 0)	/* clamp to the training ranges */
};

struct mare_featspec_stats {
	double	min, max;	/* over all training rows */
	double	mean, sd;	/* over all training rows */
	double	pmean, psd;	/* over the presences */
};

struct mare_featspec_var {
	char	*name;
	int	 categorical;	/* 1: indicator features per level */
	struct mare_featspec_stats st;	/* of the raw values */
	size_t	 nlevels;	/* categorical: distinct values, ascending */
	double	*levels;
};

struct mare_featspec_feat {
	enum mare_featspec_class cls;
	size_t	 var;		/* index into vars */
	size_t	 var2;		/* product: the second variable; else var */
	double	 lo, hi;	/* hinge: clamp01((x - lo) / (hi - lo)) */
	double	 knot;		/* threshold: x >= knot; categorical: level */
	char	*name;		/* maxnet's column name */
	struct mare_featspec_stats st;
};

struct mare_featspec {
	char	 requested[16];	/* classes asked for: "default" or letters */
	char	 classes[8];	/* resolved, in the order "lqpht" */
	unsigned nknots;	/* hinge knots per variable (50) */
	enum mare_featspec_thr thr;
	size_t	 npresence;	/* training rows with label 1 */
	size_t	 nbackground;	/* training rows with label 0 */
	size_t	 nvars;
	struct mare_featspec_var *vars;
	size_t	 nfeat;
	struct mare_featspec_feat *feat;
};

struct mare_featspec_opts {
	const char	*classes;	/* NULL or "default": by presences */
	const char *const *categorical;	/* names of categorical variables */
	size_t		 ncategorical;
	unsigned	 nknots;	/* 0: MARE_FEATSPEC_NKNOTS */
	enum mare_featspec_thr thr;
	unsigned	 threads;	/* for the statistics; 0 or 1: one */
};

/* Lifecycle */

/*
 * Fit a spec on nrows training rows of nvars raw variables. x is row-major
 * (x[r * nvars + v]), names[v] names variable v (non-empty, unique, UTF-8),
 * label[r] is 1 for a presence and 0 for background. opts may be NULL (the
 * defaults). Returns a new spec, or NULL with MARE_E_DATA (a non-finite
 * value: "row 12: 'SST': not a finite number"; a label other than 0 or 1;
 * no presence; too many levels), MARE_E_USAGE (bad classes string, unknown
 * categorical name, nknots out of 2..MARE_FEATSPEC_MAX_KNOTS) or
 * MARE_E_NOMEM.
 */
struct mare_featspec *mare_featspec_fit(const double *x, size_t nrows,
	    size_t nvars, const char *const *names, const int *label,
	    const struct mare_featspec_opts *opts, struct mare_err *err);
/*
 * mare_featspec_fit() that also applies the spec, unclamped, to the rows it
 * is fitted on, computing each feature value once: *design receives a new
 * nrows x nfeat row-major matrix (the caller's to free()) holding the bits
 * that mare_featspec_apply_rows(fs, x, nrows, 0, ...) would give, or NULL
 * when the spec is the identity (mare_featspec_is_identity(): x is its own
 * feature matrix). On error *design is NULL.
 */
struct mare_featspec *mare_featspec_fit_apply(const double *x, size_t nrows,
	    size_t nvars, const char *const *names, const int *label,
	    const struct mare_featspec_opts *opts, double **design,
	    struct mare_err *err);
/* Free a spec; NULL is a no-op. */
void	mare_featspec_free(struct mare_featspec *fs);

/* Applying */

/*
 * Compute the feature vector of one raw row (nvars values in the spec's
 * variable order) into out (nfeat values). flags: MARE_FEATSPEC_CLAMP.
 * Returns the number of variables outside the training range (continuous
 * values below min or above max, categorical values of an unseen level,
 * whose indicators are all 0), counted whether or not clamping is asked
 * for; or -1 with MARE_E_DATA when a raw value is not finite
 * ("'SST': not a finite number").
 */
int	mare_featspec_apply(const struct mare_featspec *fs, const double *raw,
	    unsigned flags, double *out, struct mare_err *err);
/*
 * The same, computing only the n features idx[0..n) (indices into
 * fs->feat) into out[0..n): what a model needs when most of its
 * coefficients are zero. Every raw value is still checked, so the return
 * value and the errors are those of mare_featspec_apply(), and out[k]
 * holds the same bits as mare_featspec_apply()'s out[idx[k]].
 */
int	mare_featspec_apply_some(const struct mare_featspec *fs,
	    const double *raw, unsigned flags, const size_t *idx, size_t n,
	    double *out, struct mare_err *err);
/*
 * The same for nrows rows (row-major in and out), by blocks of rows on
 * threads (0 or 1: this one). *noutside (may be NULL) receives the
 * number of rows with a variable outside the training range. Returns 0,
 * or -1 with "row N: ..." for the first bad row (rows from 1) whatever
 * the thread count.
 */
int	mare_featspec_apply_rows(const struct mare_featspec *fs,
	    const double *raw, size_t nrows, unsigned flags, unsigned threads,
	    double *out, size_t *noutside, struct mare_err *err);

/* Reading */

/* The index of the variable named name, or -1. */
long	mare_featspec_var_index(const struct mare_featspec *fs,
	    const char *name);
/*
 * 1 when applying fs to an unclamped row copies it unchanged: one linear
 * feature per variable, in the variables' order, none categorical. A
 * caller may then use the raw rows as the feature matrix (no copy).
 */
int	mare_featspec_is_identity(const struct mare_featspec *fs);
/* "linear", "quadratic", "product", "hinge", "threshold", "categorical". */
const char *mare_featspec_class_name(enum mare_featspec_class cls);
/*
 * Format d as R's as.character() does (15 significant digits, fixed or
 * scientific, whichever is narrower): 1e+05, 27.0272387693898, 0.5. buf
 * should hold 32 bytes. Returns buf.
 */
char	*mare_featspec_rnum(double d, char *buf, size_t size);

/* Serialising */

/*
 * The canonical JSON text of the spec, ending with a newline. Returns a
 * string the caller frees (its length in *len when len is not NULL), or
 * NULL with MARE_E_NOMEM.
 */
char	*mare_featspec_to_json(const struct mare_featspec *fs, size_t *len,
	    struct mare_err *err);
/*
 * Parse and check a spec. src names the text in messages. Returns a new
 * spec, or NULL with MARE_E_DATA and the problem's JSON path:
 * "spec.json: $.features[3].knots: expected 2 numbers, got 3"
 * (syntax errors give the line and column instead).
 */
struct mare_featspec *mare_featspec_from_json(const char *text, size_t len,
	    const char *src, struct mare_err *err);
/* Write the canonical text atomically (mare_out_*); "-" is stdout. */
int	mare_featspec_save(const struct mare_featspec *fs, const char *path,
	    struct mare_err *err);
/* Read a spec file ("-": stdin); MARE_E_NOINPUT when missing. */
struct mare_featspec *mare_featspec_load(const char *path,
	    struct mare_err *err);
/*
 * SHA-256 of the canonical text: 32 bytes into sha (may be NULL) and 64 hex
 * digits plus NUL into hex (may be NULL). Returns 0, or -1 (MARE_E_NOMEM,
 * MARE_E_INTERNAL).
 */
int	mare_featspec_hash(const struct mare_featspec *fs,
	    unsigned char sha[32], char hex[65], struct mare_err *err);

#endif /* MARE_FEATSPEC_H */
