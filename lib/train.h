/*
 * train.h - fitting models: maxnet's MaxEnt, penalised logistic and Poisson
 *
 * The algorithms behind mare-train, on a dense row-major feature matrix
 * (the spec of the model applied to the training rows) and lib/optim.
 *
 * MaxEnt is maxnet 0.1.4's formulation, exactly:
 * - presences whose feature row is not already a background row are added
 *   to the background (maxnet's addsamplestobackground; maxnet compares the
 *   rows pasted as text with 15 digits, mare compares the doubles);
 * - weights 1 for presences, 100 for background;
 * - per-feature penalties (maxnet.default.regularization): a class value
 *   interpolated linearly at np presences (rule 2: flat outside) from
 *     linear     1, 1, 0.2, 0.05          at 0, 10, 30, 100
 *     quadratic  1.3, 0.8, 0.5, 0.25, 0.05 at 0, 10, 17, 30, 100
 *     product    2.6, 1.6, 0.9, 0.55, 0.05 at 0, 10, 17, 30, 100
 *     hinge      0.5;  threshold 2 to 1 over 0 to 100;
 *     categorical 0.65, 0.5, 0.25 at 0, 10, 17
 *   where linear, quadratic and product features share ONE table: the
 *   product table when the spec has any product feature, else the
 *   quadratic table when it has any quadratic, else the linear table;
 *   divided by sqrt(np), times the sd of the feature over the presences
 *   (n - 1), floored by 0.001 (max - min) over all rows, for hinges by
 *   max(sd, 1/sqrt(np)) 0.5 / sqrt(np), for thresholds constant over the
 *   presences by 1; then times regmult;
 * - glmnet's L1 logistic path without standardisation, 200 lambdas
 *   10^seq(4, 0, length = 200) * mean(reg) * sum(y) / sum(w), with the
 *   penalty factors rescaled to sum to p as glmnet does; the last is kept;
 * - the glmnet intercept is dropped: with S the sum of exp(f . beta) over
 *   the background rows, alpha = -log S is the link's intercept and the
 *   entropy is -sum q log q over q = exp(f . beta) / S.
 *
 * Logistic and Poisson: one fit of mare_optim_fit() at the given lambda
 * and alpha, standardised internally, coefficients on the original scale.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_TRAIN_H
#define MARE_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"

#define MARE_TRAIN_MAXENT_STEPS	200	/* maxnet's path length */
#define MARE_TRAIN_BG_WEIGHT	100.0	/* maxnet's background weight */

struct mare_train_opts {
	double	 regmult;	/* maxent: > 0, default 1 */
	int	 add_samples;	/* maxent: add presences to background (1) */
	double	 lambda;	/* logistic, poisson: >= 0 */
	double	 alpha;		/* logistic, poisson: 0 ridge .. 1 lasso */
	int	 standardize;	/* logistic, poisson: 1 */
	double	 tol;		/* KKT tolerance (1e-7) */
	int	 max_iter;	/* outer iterations (1000) */
	const double *offset;	/* poisson: an offset a row (log exposure),
				   added to the linear predictor of the rows
				   fitted; NULL (default) for none */
	unsigned threads;	/* threads of the solvers' passes over
				   the rows (1; see mare_optim_opts); the
				   same fit for any count. maxent: above
				   1, its path holds OpenBLAS at one
				   thread (1: the caller keeps it there) */
};

/* Defaults as listed above. */
void	mare_train_opts_init(struct mare_train_opts *o);

/*
 * The maxnet penalty of each feature of m's spec (before regmult) from
 * the n training rows feat (p = m->p values per row) and labels y (0/1),
 * into reg[0..p), on threads (0 or 1: this one). Returns 0 or -1
 * (MARE_E_DATA: no presence).
 */
int	mare_train_maxent_penalty(const struct mare_model *m,
	    const double *feat, const double *y, size_t n, unsigned threads,
	    double *reg, struct mare_err *err);

/*
 * Fit m (whose type and spec are set) to n rows: feat (n x m->p,
 * row-major, finite), y (0/1 for logistic and maxent, counts >= 0 for
 * Poisson), w (weights or NULL; ignored by maxent, which sets its own).
 * Fills m->intercept, beta, entropy (maxent), maxent, convergence and
 * hyper; the thresholds (mare_train_thresholds()) and the rest are the
 * caller's. Returns 0 (a fit that did not converge is a success with
 * convergence.converged false), or -1 with the errors of mare_optim_fit()
 * (all labels equal, a bad label, a non-finite value) or MARE_E_NOMEM.
 */
int	mare_train_fit(struct mare_model *m, const double *feat,
	    const double *y, const double *w, size_t n,
	    const struct mare_train_opts *o, struct mare_err *err);

/*
 * Predictions of m at the training rows on its default scale, without
 * clamping, into out[0..n).
 */
int	mare_train_predict(const struct mare_model *m, const double *feat,
	    size_t n, double *out, struct mare_err *err);

/*
 * The same on threads (0 or 1: the calling thread), chunks of rows at a
 * time: the same bits for any count, a row's prediction being its own.
 */
int	mare_train_predict_threads(const struct mare_model *m,
	    const double *feat, size_t n, unsigned threads, double *out,
	    struct mare_err *err);

/*
 * mare_model_predict() of n raw rows with options o (NULL: its defaults)
 * on threads, the same way; the count of rows outside the training range
 * is not kept.
 */
int	mare_train_predict_raw(const struct mare_model *m, const double *raw,
	    size_t n, const struct mare_model_pred_opts *o, unsigned threads,
	    double *out, struct mare_err *err);

/*
 * Poisson: the mean counts of m at the n feature rows feat, each the
 * model's rate there times the row's exposure exp(off[i]) (off NULL: 1),
 * into mu, on threads (as mare_train_predict_threads()); the exposures
 * into expo when it is not NULL. 0, or -1 with err set.
 */
int	mare_train_poisson_means(const struct mare_model *m,
	    const double *feat, const double *off, size_t n,
	    unsigned threads, double *mu, double *expo, struct mare_err *err);

/*
 * Set m's thresholds (minimum and 10th-percentile training presence,
 * max-TSS cut-off) from its predictions at the training rows (y 0/1),
 * predicted on threads (mare_train_predict_threads()). Poisson models get
 * none. Returns 0 or -1.
 */
int	mare_train_thresholds(struct mare_model *m, const double *feat,
	    const double *y, size_t n, unsigned threads,
	    struct mare_err *err);
/* The same from its predictions s at the training rows, already made. */
int	mare_train_thresholds_scores(struct mare_model *m, const double *s,
	    const double *y, size_t n, struct mare_err *err);

/*
 * Permutation importance as MaxEnt reports it: for each raw variable v of
 * m's spec, its values over the n training rows (raw: n x nvars in the
 * spec's variable order; presences and background alike) are permuted
 * (Fisher-Yates on the stream mare_rng_init_keyed(seed, v)), the rows are
 * predicted again (default scale, no clamping) and drop[v] is the
 * training AUC (y 0/1, rows labelled 1 against the others) minus the AUC
 * with v permuted, negative drops counted as 0; pct[v] is 100 drop[v] /
 * sum(drop) (all 0 when nothing drops). drop may be NULL. The
 * permutation follows row order: the same rows in the same order and
 * seed give the same figures, whatever the number of threads: threads
 * (0 or 1: the calling thread) permute and score variables at a time,
 * each with OpenBLAS at one thread. Work memory: 2 n values and a block
 * of rows a thread, and the n rows' features of the non-zero coefficients
 * when that is at most 8M values (a permuted row then computes only the
 * features of the permuted variable again).
 */
int	mare_train_importance(const struct mare_model *m, const double *raw,
	    const double *y, size_t n, uint64_t seed, unsigned threads,
	    double *pct, double *drop, struct mare_err *err);

#endif /* MARE_TRAIN_H */
