/*
 * cv.h - cross-validation of mare models: folds and per-fold metrics
 *
 * Folds. Every assignment is keyed on the seed and a stable key of each
 * row (a hash of its feature values and label), never on input order or
 * thread order: rows of one label are ranked by mare_rng_keyed_u64(seed,
 * key) (ties by position, which only reorders identical rows) and dealt
 * to folds in turn, so folds are stratified by label.
 *   random        the above (k folds)
 *   block         ENMeval's get.block(): 4 folds, presences split at the
 *                 median latitude, then each half at its median longitude;
 *                 other rows go to the quadrant those lines put them in
 *                 (needs lon/lat)
 *   checkerboard1 ENMeval's get.checkerboard1() with aggregation factor
 *                 2 (alias "checkerboard"): 2 folds, the colours of a
 *                 chessboard of square cells of o->grid degrees with its
 *                 origin at lon -180, lat 90 (the corner of a global
 *                 raster): cell column c = floor((lon + 180) / grid), row
 *                 r = floor((90 - lat) / grid), counted from the north as
 *                 raster rows are; fold 1 ("white" in dismo's gridSample)
 *                 where c + r is even, fold 2 where it is odd. ENMeval
 *                 aggregates the environmental raster by 2: grid is then
 *                 twice the raster's resolution (and the raster must be
 *                 aligned with the global origin for the same cells)
 *   checkerboard2 get.checkerboard2() (hierarchical): 4 folds, the
 *                 colour on the grid-degree board (b1, 0 white, 1 black)
 *                 and on a board of 2 grid degrees (b2): fold 2 b1 + b2
 *                 + 1, i.e. white-white 1, white-black 2, black-white 3,
 *                 black-black 4 as ENMeval numbers them
 *   user          o->user[i] holds each row's fold: an integer 1..k
 *                 (k = the largest), or 0 for a row used in every
 *                 training set and never held out
 * Checkerboards partition every row (background included, as ENMeval
 * does); they need lon/lat and every fold must get a presence.
 * For maxent only presences are partitioned by "random" (the background
 * stays in every training set, as ENMeval's randomkfold); "block"
 * partitions the background too. Logistic and Poisson models partition
 * every row.
 *
 * Metrics per fold, on the model's default scale: training AUC,
 * validation AUC (maxent: the fold's presences against the full
 * background, as ENMeval), their difference, max TSS, continuous Boyce
 * index (fit: background scores, obs: the fold's presences), omission at
 * the minimum and the 10th-percentile training-presence thresholds of the
 * fold's model, and log-loss (logistic only). Poisson: deviance explained
 * on the held-out rows, against the null model of one rate for all of
 * them; with offsets (to->offset, one a row), every mean and that rate
 * are times the row's exposure exp(offset), as glmnet's null deviance.
 * The summary holds the mean and sd (n - 1) of each.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_CV_H
#define MARE_CV_H

#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "model.h"
#include "train.h"

enum mare_cv_scheme {
	MARE_CV_RANDOM = 0,
	MARE_CV_BLOCK,
	MARE_CV_CHECKERBOARD,		/* checkerboard1 */
	MARE_CV_CHECKERBOARD2,
	MARE_CV_USER
};

struct mare_cv_opts {
	unsigned	 k;		/* folds; 5 by default; block: 4 */
	enum mare_cv_scheme scheme;
	uint64_t	 seed;
	double		 grid;		/* checkerboards: cell, degrees */
	const double	*user;		/* user: n fold ids (above) */
};

/*
 * The validation sets of a cross-validation pooled: the rows each fold's
 * model scored to compute its auc_val (maxent "random": the fold's
 * presences and the whole background; otherwise the held-out rows), one
 * after the other, on the default scale. The owner frees score and y.
 */
struct mare_cv_pool {
	double	*score;
	double	*y;			/* 1 presence, 0 otherwise */
	size_t	 n;
};

void	mare_cv_opts_init(struct mare_cv_opts *o);
/*
 * "random", "block", "checkerboard1" (or "checkerboard"),
 * "checkerboard2", "user"; 0, or -1 for another name.
 */
int	mare_cv_scheme_parse(const char *name, enum mare_cv_scheme *s);
const char *mare_cv_scheme_name(enum mare_cv_scheme s);

/*
 * Assign each of n rows (feat: n x p; y labels, 0 or > 0; lon/lat may be
 * NULL for random) a fold in fold[0..n), or -1 for rows used in every
 * training set (maxent background under "random": pass all_rows = 0).
 * Returns 0, or -1: MARE_E_DATA when a fold would get no presence ("--cv
 * 5: only 3 presences"), non-finite lon/lat under block and checkerboards, a
 * user fold id that is not an integer in 0..1000, fewer than 2 user
 * folds; MARE_E_USAGE for a checkerboard without a grid > 0;
 * MARE_E_NOMEM. The number of folds is o->k for random, 4 for block and
 * checkerboard2, 2 for checkerboard1, the largest id for user: see
 * mare_cv_nfolds().
 */
int	mare_cv_folds(const double *feat, size_t p, const double *y,
	    const double *lon, const double *lat, size_t n, int all_rows,
	    const struct mare_cv_opts *o, int *fold, struct mare_err *err);

/* The number of folds the scheme makes (user: the largest id, or 0). */
unsigned mare_cv_nfolds(const struct mare_cv_opts *o, size_t n);

/*
 * Cross-validate m's method (m's type and spec; m itself is not changed)
 * and return the table as a new JSON object: {"scheme", "k", "seed",
 * "folds": [{"fold", "train_rows", "test_presences", "auc_train",
 * "auc_val", "auc_diff", "max_tss", "boyce", "omission_min",
 * "omission_p10", "logloss", "deviance_explained"}...], "summary":
 * {"auc_val": {"mean", "sd"}, ...}}; metrics that do not apply are null.
 * pool, when not NULL, receives the pooled validation scores (binary
 * models; Poisson leaves it empty). NULL with err set on failure.
 */
json_t	*mare_cv_run(const struct mare_model *m, const double *feat,
	    const double *y, const double *w, const double *lon,
	    const double *lat, size_t n, const struct mare_train_opts *to,
	    const struct mare_cv_opts *o, struct mare_cv_pool *pool,
	    struct mare_err *err);

/*
 * Tuning (mare-train --tune). Each cell of a grid (feature classes x
 * regmult for maxent, x lambda for the others) is fitted on all rows and
 * cross-validated; the table row of a cell is the JSON object {"regmult",
 * "lambda" (each null for the other kind of model), "features",
 * "auc_val_mean",
 * "auc_val_sd", "auc_train", "aicc", "nonzero", "converged",
 * "auc_diff_mean", "max_tss_mean", "boyce_mean", "omission_p10_mean",
 * "deviance_mean"}
 * (null where a value does not apply or is not finite): auc_train,
 * aicc, nonzero and converged are those of the fit on all rows, the rest
 * the CV summary's means (and sd).
 *
 * Selection (enum mare_cv_select) as ENMeval users select: the highest
 * mean validation AUC (auc_val, the default), the lowest AICc (aicc), the
 * smallest mean train - validation AUC gap (auc_diff), the lowest mean
 * 10th-percentile omission (omission_p10), the highest mean Boyce index
 * (boyce) or max TSS (max_tss); Poisson models the highest mean
 * deviance explained (deviance). Ties (equal values) go to the cell with
 * fewer non-zero coefficients, then to the first. Cells whose metric is
 * null are never selected.
 */
enum mare_cv_select {
	MARE_CV_SEL_AUC_VAL = 0,
	MARE_CV_SEL_AICC,
	MARE_CV_SEL_AUC_DIFF,
	MARE_CV_SEL_OMISSION_P10,
	MARE_CV_SEL_BOYCE,
	MARE_CV_SEL_MAX_TSS,
	MARE_CV_SEL_DEVIANCE
};

/* Names as above; 0, or -1 for another name. */
int	mare_cv_select_parse(const char *name, enum mare_cv_select *s);
const char *mare_cv_select_name(enum mare_cv_select s);

/*
 * AICc of a fitted maxent model m as ENMeval's aic.maxent() computes it
 * without a raster (p = NULL): with P_i the exponential ("raw") output at
 * the np presences of the n training rows (y > 0), normalised by maxnet
 * over the background, LL = sum log P_i and K the number of non-zero
 * coefficients, AICc = 2 K - 2 LL + 2 K (K + 1) / (np - K - 1); NaN when
 * K >= np or AICc is not finite (ENMeval's NA). Other model types: NaN.
 */
int	mare_cv_aicc(const struct mare_model *m, const double *feat,
	    const double *y, size_t n, double *aicc, struct mare_err *err);

/*
 * One row of a tuning table (see above) for m's type and spec at
 * to->regmult: fits a copy of m on the n rows (m is not changed),
 * computes auc_train and AICc, runs mare_cv_run() with o. features names
 * the classes in the row. NULL with err set on failure.
 */
json_t	*mare_cv_tune_row(const struct mare_model *m,
	    const char *features, const double *feat, const double *y,
	    const double *w, const double *lon, const double *lat, size_t n,
	    const struct mare_train_opts *to, const struct mare_cv_opts *o,
	    struct mare_err *err);

/*
 * The index of the best row of rows (a JSON array of tuning rows) by s,
 * in *best. Returns 0, or -1 with MARE_E_DATA when no row has the
 * metric ("--select aicc: no cell has an AICc").
 */
int	mare_cv_tune_select(const json_t *rows, enum mare_cv_select s,
	    size_t *best, struct mare_err *err);

/*
 * A tuning grid: nset feature sets (set a: a model m[a] holding its spec,
 * the feature matrix feat[a] of the training rows, the classes' name
 * classes[a]) times nval values of regmult, or of lambda with by_lambda
 * (val NULL, nval 1: the train options' own); cell a * nval + v.
 */
struct mare_cv_grid {
	const struct mare_model *const *m;
	const double *const *feat;
	const char *const *classes;
	size_t		 nset;
	const double	*val;
	size_t		 nval;
	int		 by_lambda;
};

/*
 * Every cell of g through mare_cv_tune_row() on the n rows, cells in
 * parallel on threads (each cell's fit on one thread and OpenBLAS held at
 * one meanwhile: a cell's row does not depend on the thread that ran
 * it), then the selection by s: the "tuning" object ({"metric",
 * "selected", "rows"}), the selected cell in *best. On failure, NULL with
 * the error of the first failed cell in cell order, whatever the order
 * the threads ran them in.
 */
json_t	*mare_cv_tune(const struct mare_cv_grid *g, const double *y,
	    const double *w, const double *lon, const double *lat, size_t n,
	    const struct mare_train_opts *to, const struct mare_cv_opts *o,
	    enum mare_cv_select s, unsigned threads, size_t *best,
	    struct mare_err *err);

#endif /* MARE_CV_H */
