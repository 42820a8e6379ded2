/*
 * metrics.h - model evaluation: AUC, log-loss, TSS, omission, Boyce
 *
 * Every function reads scores and labels (1 presence, 0 absence or
 * background; any other value is a MARE_E_DATA error naming the index,
 * counted from 1), never keeps them, and returns 0 with the result in an
 * out parameter, or -1 with err set. Non-finite scores are errors too.
 * Weights, where accepted, may be NULL (all 1) and must be finite and
 * >= 0. Work memory is O(n) (sorting), freed before returning: at most
 * 16 bytes a row for the unweighted AUC, 25 for the ROC curve, none for
 * max TSS; 32 for the weighted AUC, and for Spearman 32 plus the ranks.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_METRICS_H
#define MARE_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* log-loss clips probabilities to [eps, 1 - eps] (scikit-learn <= 1.2). */
#define MARE_METRICS_LOGLOSS_EPS	1e-15
/* max TSS: number of cut-offs tried. */
#define MARE_METRICS_TSS_CUTS		100

/*
 * Area under the ROC curve as the Mann-Whitney statistic: the (weighted)
 * share of (presence, absence) pairs where the presence scores higher,
 * ties counting 1/2. O(n log n). Needs at least one of each label with
 * non-zero weight.
 */
int	mare_metrics_auc(const double *score, const double *y, const double *w,
	    size_t n, double *auc, struct mare_err *err);

/*
 * The unweighted mare_metrics_auc() (the same bits) in the caller's work
 * memory instead of its own, for callers computing many AUCs of n rows:
 * keys and buf hold n 64-bit values each; keys may not overlap score, y
 * or buf, and buf may be score's memory (score is read before buf is
 * written; its values are lost). Allocates at most a radix histogram.
 */
int	mare_metrics_auc_work(const double *score, const double *y,
	    size_t n, uint64_t *keys, uint64_t *buf, double *auc,
	    struct mare_err *err);

/*
 * Mean (weighted) negative log-likelihood of probabilities prob in
 * [0, 1], each clipped to [MARE_METRICS_LOGLOSS_EPS, 1 - that].
 */
int	mare_metrics_logloss(const double *prob, const double *y,
	    const double *w, size_t n, double *ll, struct mare_err *err);

/*
 * Deviance explained (D^2) of Poisson means mu > 0 for counts y >= 0:
 * 1 - D(y, mu) / D(y, mu0), D the (weighted) Poisson deviance
 * 2 sum w (y log(y / mu) - (y - mu)), and mu0 the null model of one rate
 * for all rows times each row's exposure expo (NULL: 1), the rate
 * sum w y / sum w expo: glmnet's dev.ratio, offsets being log exposures.
 * *d2 is NaN when the null deviance is 0 (every count 0). w NULL: 1.
 */
int	mare_metrics_poisson_d2(const double *mu, const double *y,
	    const double *expo, const double *w, size_t n, double *d2,
	    struct mare_err *err);

/*
 * Maximum of the true skill statistic TSS = sensitivity + specificity - 1
 * over MARE_METRICS_TSS_CUTS cut-offs evenly spaced from the smallest to
 * the largest score, both included (t_k = min + k (max - min) / 99); a
 * row is predicted present when score >= t. On ties the lowest cut-off
 * wins. *cut (may be NULL) receives it.
 */
int	mare_metrics_max_tss(const double *score, const double *y, size_t n,
	    double *tss, double *cut, struct mare_err *err);

/* Share of presences (y = 1) with score < threshold. */
int	mare_metrics_omission(const double *score, const double *y, size_t n,
	    double threshold, double *rate, struct mare_err *err);

/*
 * Training-presence thresholds as ENMeval computes them from the presence
 * scores: the minimum (q = 0), or, for the 10th percentile (q = 0.1), the
 * k-th largest with k = ceil(np (1 - q)) (floor when np < 10).
 */
int	mare_metrics_presence_threshold(const double *score, const double *y,
	    size_t n, double q, double *thr, struct mare_err *err);

/*
 * Spearman rank correlation of a and b: Pearson correlation of their
 * ranks, ties given their average rank. NaN (not an error) when either
 * has zero variance. n >= 2.
 */
int	mare_metrics_spearman(const double *a, const double *b, size_t n,
	    double *rho, struct mare_err *err);

/*
 * Continuous Boyce index (Hirzel et al. 2006) exactly as
 * ecospat.boyce(fit, obs) with its defaults (nclass = 0, res = 100,
 * rm.duplicate = TRUE, method = "spearman"): fit holds the scores of the
 * study area (background), obs those of the presences. Windows of width
 * (max(fit) - min(fit)) / 10 start at 101 evenly spaced points from
 * min(fit, obs) to max(fit, obs) - width, the last start shifted by +1 as
 * ecospat does; for each window the ratio P/E of the share of obs and the
 * share of fit inside it (closed interval), rounded to 10 decimals; windows
 * with 0/0 are dropped, a ratio equal to the next one is dropped (the last
 * is dropped when it equals 1: ecospat compares it with TRUE), and the
 * index is the Spearman correlation of the ratios with the window starts.
 * NaN (not an error) when fewer than 2 ratios remain.
 */
int	mare_metrics_boyce(const double *fit, size_t nfit, const double *obs,
	    size_t nobs, double *boyce, struct mare_err *err);

/*
 * The ROC curve of scores against labels 1/0 (unweighted), thinned to at
 * most maxpts points (>= 3) for drawing. The full curve is
 * scikit-learn's roc_curve(y, score, drop_intermediate = True): one point
 * (fpr, tpr) per distinct score from the highest down, (0, 0) first,
 * (1, 1) last, points that are the midpoint of both neighbours in both
 * coordinates dropped. When more than maxpts remain, the thinned curve
 * keeps (0, 0), (1, 1) and every vertex of the upper convex hull (up to
 * maxpts of them, evenly by index if more), then fills the rest of the
 * budget with points evenly spaced by index among the others: every
 * point drawn is a point of the curve. fpr and tpr must hold maxpts
 * values; *npts receives the count and *auc (may be NULL) the exact AUC
 * of the full curve (mare_metrics_auc()). Work memory O(n).
 */
int	mare_metrics_roc(const double *score, const double *y, size_t n,
	    size_t maxpts, double *fpr, double *tpr, size_t *npts,
	    double *auc, struct mare_err *err);

#endif /* MARE_METRICS_H */
