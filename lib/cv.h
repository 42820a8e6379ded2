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
 *   checkerboard  not implemented yet (MARE_E_USAGE)
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
 * on the held-out rows. The summary holds the mean and sd (n - 1) of each.
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
	MARE_CV_CHECKERBOARD
};

struct mare_cv_opts {
	unsigned	 k;		/* folds; 5 by default; block: 4 */
	enum mare_cv_scheme scheme;
	uint64_t	 seed;
};

void	mare_cv_opts_init(struct mare_cv_opts *o);
/* "random", "block", "checkerboard"; 0, or -1 for another name. */
int	mare_cv_scheme_parse(const char *name, enum mare_cv_scheme *s);
const char *mare_cv_scheme_name(enum mare_cv_scheme s);

/*
 * Assign each of n rows (feat: n x p; y labels, 0 or > 0; lon/lat may be
 * NULL for random) a fold in fold[0..n), or -1 for rows used in every
 * training set (maxent background under "random": pass all_rows = 0).
 * Returns 0, or -1: MARE_E_DATA when a fold would get no presence ("--cv
 * 5: only 3 presences"), non-finite lon/lat under block; MARE_E_USAGE for
 * checkerboard; MARE_E_NOMEM.
 */
int	mare_cv_folds(const double *feat, size_t p, const double *y,
	    const double *lon, const double *lat, size_t n, int all_rows,
	    const struct mare_cv_opts *o, int *fold, struct mare_err *err);

/*
 * Cross-validate m's method (m's type and spec; m itself is not changed)
 * and return the table as a new JSON object: {"scheme", "k", "seed",
 * "folds": [{"fold", "train_rows", "test_presences", "auc_train",
 * "auc_val", "auc_diff", "max_tss", "boyce", "omission_min",
 * "omission_p10", "logloss", "deviance_explained"}...], "summary":
 * {"auc_val": {"mean", "sd"}, ...}}; metrics that do not apply are null.
 * NULL with err set on failure.
 */
json_t	*mare_cv_run(const struct mare_model *m, const double *feat,
	    const double *y, const double *w, const double *lon,
	    const double *lat, size_t n, const struct mare_train_opts *to,
	    const struct mare_cv_opts *o, struct mare_err *err);

#endif /* MARE_CV_H */
