/*
 * test-metrics.c - AUC and log-loss against scikit-learn, hand-worked cases
 *
 * tests/data/ref/metrics_cases.csv holds 8789 scores rounded to 2 decimals
 * (so with many ties), the lionfish labels and weights; metrics_ref.txt
 * holds scikit-learn 1.2.1's roc_auc_score and log_loss on them (made by
 * tests/data/ref/make_ref.py).
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "tap.h"

#define MAXN	10000

static double S[MAXN], Y[MAXN], W[MAXN];
static size_t N;

static FILE *
open_ref(const char *name)
{
	char buf[4096];
	const char *src = getenv("MARE_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/tests/data/ref/%s",
	    src != NULL ? src : ".", name);
	return fopen(buf, "r");
}

static double
ref(const char *key)
{
	FILE *fp = open_ref("metrics_ref.txt");
	char k[64];
	double v, r = NAN;

	if (fp == NULL)
		return NAN;
	while (fscanf(fp, "%63s %lf", k, &v) == 2)
		if (strcmp(k, key) == 0)
			r = v;
	fclose(fp);
	return r;
}

static void
check(int rc, const double *v, const char *key, const char *what)
{
	double want = ref(key);

	ok(rc == 0 && fabs(*v - want) <= 1e-12, "metrics: %s %.15g equals "
	    "scikit-learn's %.15g", what, *v, want);
}

static void
test_sklearn(void)
{
	FILE *fp = open_ref("metrics_cases.csv");
	char line[256];
	struct mare_err err;
	double v;

	if (fp == NULL || fgets(line, sizeof(line), fp) == NULL) {
		ok(0, "metrics: metrics_cases.csv reads");
		if (fp != NULL)
			fclose(fp);
		return;
	}
	while (N < MAXN && fscanf(fp, "%lf,%lf,%lf", &Y[N], &S[N], &W[N]) == 3)
		N++;
	fclose(fp);
	is_int((long long)N, 8789, "metrics: 8789 saved cases");
	mare_err_init(&err);
	check(mare_metrics_auc(S, Y, NULL, N, &v, &err), &v, "auc",
	    "AUC with ties");
	check(mare_metrics_auc(S, Y, W, N, &v, &err), &v, "auc_weighted",
	    "weighted AUC");
	check(mare_metrics_logloss(S, Y, NULL, N, &v, &err), &v, "logloss",
	    "log-loss");
	check(mare_metrics_logloss(S, Y, W, N, &v, &err), &v,
	    "logloss_weighted", "weighted log-loss");
}

static void
test_small(void)
{
	/* presences 0.8 0.6 0.6, absences 0.6 0.2 -> pairs: 1+1, .5+1, .5+1 */
	double s[] = { 0.8, 0.6, 0.6, 0.6, 0.2 }, y[] = { 1, 1, 1, 0, 0 };
	double p01[] = { 0, 1 }, y01[] = { 1, 0 }, v, cut;
	double a[] = { 1, 2, 2, 3 }, b[] = { 10, 20, 30, 30 };
	struct mare_err err;

	mare_err_init(&err);
	mare_metrics_auc(s, y, NULL, 5, &v, &err);
	is_double(v, 5.0 / 6.0, 1e-15, "metrics: AUC counts a tie as 1/2");
	mare_metrics_logloss(p01, y01, NULL, 2, &v, &err);
	/* p 0 for a presence -> 1e-15; p 1 for an absence -> 1 - 1e-15 */
	is_double(v, (-log(1e-15) - log1p(-(1.0 - 1e-15))) / 2, 1e-14,
	    "metrics: log-loss clips at 1e-15");
	mare_metrics_max_tss(s, y, 5, &v, &cut, &err);
	/* cut 0.6: sens 1, spec 1/2 -> 0.5; cut > 0.6: sens 1/3, spec 1 */
	is_double(v, 0.5, 1e-15, "metrics: max TSS of the small case");
	ok(cut > 0.2 && cut <= 0.6, "metrics: ... at a cut in (0.2, 0.6]");
	mare_metrics_omission(s, y, 5, 0.7, &v, &err);
	is_double(v, 2.0 / 3.0, 1e-15, "metrics: omission at 0.7 is 2/3");
	mare_metrics_presence_threshold(s, y, 5, 0, &v, &err);
	is_double(v, 0.6, 0, "metrics: minimum presence threshold");
	mare_metrics_spearman(a, b, 4, &v, &err);
	/* ranks a: 1 2.5 2.5 4, b: 1 2 3.5 3.5: 3.75 / 4.5 */
	is_double(v, 5.0 / 6.0, 1e-15, "metrics: Spearman with average ranks");

	y[0] = 0.5;
	mare_err_init(&err);
	is_int(mare_metrics_auc(s, y, NULL, 5, &v, &err), -1,
	    "metrics: a label 0.5 fails");
	is_str(err.msg, "label 0.5 at 1: labels must be 0 or 1",
	    "metrics: ... naming it");
	y[0] = 0;
	y[1] = 0;
	y[2] = 0;
	mare_err_init(&err);
	is_int(mare_metrics_auc(s, y, NULL, 5, &v, &err), -1,
	    "metrics: AUC without presences fails");
	is_str(err.msg, "AUC needs both labels: no presences (1)",
	    "metrics: ... saying why");
}

/*
 * Boyce by hand. fit = 0, 0.1, ..., 1.0 (11 cells), obs = 0.9, 1.0, 1.0:
 * width 0.1, 101 window starts t_k = 0.009 k, the last (0.9) shifted by +1
 * as ecospat does, so it is empty and dropped. For k <= 88 the window
 * [t, t + 0.1] ends below 0.9: no presence, P/E = 0. For k = 89..99 it
 * holds the cell 0.9 and the presence 0.9 only: P/E = (1/3)/(1/11) = 11/3.
 * Runs of equal ratios collapse to 0 and 11/3, which rise with t: the
 * index is 1. With fit 1..4 and every presence at 4 all kept ratios are 0
 * (4 lies only in the shifted last window): fewer than 2 remain, NaN.
 * A third case is checked against the R transcription of ecospat.boyce in
 * tests/data/ref/boyce_check.R (0.57380458405303114).
 */
static void
test_boyce(void)
{
	double fit[21], obs[] = { 0.9, 1.0, 1.0 }, v, f2[4] = { 1, 2, 3, 4 };
	double o2[] = { 4, 4, 4 }, o3[] = { 0.3, 0.55, 0.7, 0.8, 0.85, 0.95 };
	struct mare_err err;
	int i;

	for (i = 0; i < 11; i++)
		fit[i] = i / 10.0;
	mare_err_init(&err);
	ok(mare_metrics_boyce(fit, 11, obs, 3, &v, &err) == 0,
	    "metrics: Boyce runs");
	is_double(v, 1.0, 1e-12, "metrics: Boyce of the hand case is 1");
	ok(mare_metrics_boyce(f2, 4, o2, 3, &v, &err) == 0 && isnan(v),
	    "metrics: Boyce with one distinct ratio is NaN");
	for (i = 0; i < 21; i++)
		fit[i] = i * 0.05;
	ok(mare_metrics_boyce(fit, 21, o3, 6, &v, &err) == 0,
	    "metrics: Boyce runs on the R case");
	is_double(v, 0.57380458405303114, 1e-12, "metrics: Boyce equals the "
	    "ecospat transcription (%.17g)", v);
}

/*
 * ROC against scikit-learn 1.2.1 (Debian python3-sklearn):
 *   /usr/bin/python3 -c "from sklearn.metrics import roc_curve,
 *     roc_auc_score; s = [0.9,0.8,0.8,0.7,0.6,0.6,0.6,0.5,0.4,0.3,0.3,
 *     0.2,0.1,0.05]; y = [1,1,0,1,1,0,0,1,0,0,1,0,0,0];
 *     print(roc_curve(y, s), roc_auc_score(y, s))"
 */
static void
test_roc(void)
{
	static const double s[] = { 0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.6, 0.5,
	    0.4, 0.3, 0.3, 0.2, 0.1, 0.05 };
	static const double y[] = { 1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0,
	    0 };
	static const double wf[] = { 0.0, 0.0, 0.125, 0.125, 0.375, 0.375,
	    0.5, 0.625, 1.0 };
	static const double wt[] = { 0.0, 0.16666666666666666,
	    0.3333333333333333, 0.5, 0.6666666666666666, 0.8333333333333334,
	    0.8333333333333334, 1.0, 1.0 };
	double f[200], t[200], auc, *bs, *by, ff[2001], ft[2001], a;
	size_t np, i, j, nfull, onfull, hullin;

	struct mare_err err;
	int same = 1;

	mare_err_init(&err);
	ok(mare_metrics_roc(s, y, 14, 200, f, t, &np, &auc, &err) == 0,
	    "roc: small case");
	is_int((long long)np, 9, "roc: 9 points as sklearn");
	for (i = 0; i < 9 && np == 9; i++)
		same &= f[i] == wf[i] && t[i] == wt[i];
	ok(same, "roc: the points of sklearn's roc_curve");
	is_double(auc, 0.7708333333333333, 1e-15, "roc: roc_auc_score");
	/* thinning: 2000 scores, all distinct, curve of ~2000 points */
	bs = malloc(2000 * sizeof(double));
	by = malloc(2000 * sizeof(double));
	for (i = 0; i < 2000; i++) {
		bs[i] = sin((double)i * 12.9898) * 43758.5453;
		bs[i] -= floor(bs[i]);
		by[i] = bs[i] + 0.3 * sin((double)i) > 0.6;
	}
	nfull = 0;
	i = mare_metrics_roc(bs, by, 2000, 2001, ff, ft, &nfull, NULL, &err)
	    == 0;
	ok(i && nfull > 200, "roc: full curve of %zu points", nfull);
	ok(mare_metrics_roc(bs, by, 2000, 200, f, t, &np, NULL, &err) == 0 &&
	    np == 200, "roc: thinned to 200");
	ok(f[0] == 0 && t[0] == 0 && f[199] == 1 && t[199] == 1,
	    "roc: thinned curve from (0, 0) to (1, 1)");
	for (i = onfull = 0, j = 0; i < np; i++) {
		while (j < nfull && !(ff[j] == f[i] && ft[j] == t[i]))
			j++;
		onfull += j < nfull;
	}
	is_int((long long)onfull, 200, "roc: every point is on the curve, "
	    "in order");
	/*
	 * Vertices of the upper convex hull, found by brute force: i is one
	 * when it lies above every chord (a, b), a < i < b, that is when the
	 * shallowest slope into it from the left exceeds the steepest slope
	 * out of it to the right; each must be kept.
	 */
	for (i = 1, hullin = 0, same = 1; i + 1 < nfull; i++) {
		double in = INFINITY, out = -INFINITY, sl;

		for (j = 0; j < i; j++)
			if (ff[j] < ff[i]) {
				sl = (ft[i] - ft[j]) / (ff[i] - ff[j]);
				in = sl < in ? sl : in;
			}
		for (j = i + 1; j < nfull; j++) {
			sl = ff[j] > ff[i] ? (ft[j] - ft[i]) /
			    (ff[j] - ff[i]) : INFINITY;
			out = sl > out ? sl : out;
		}
		if (!(in > out + 1e-12))
			continue;
		hullin++;
		for (j = 0, a = 0; j < np; j++)
			a += f[j] == ff[i] && t[j] == ft[i];
		same &= a == 1;
	}
	ok(same, "roc: the %zu hull vertices are kept", hullin);
	free(bs);
	free(by);
}

/*
 * Max TSS and the full ROC curve of n scores (the radix-sort path, with
 * ties and both zeros) against direct counts: at each of the 100
 * cut-offs the presences and absences below it counted one by one; each
 * point of the curve the share of each label at or above one of the
 * distinct scores, from the highest down, and the area under the curve
 * (trapezoids) the AUC.
 */
static void
test_tss_roc_big(const double *s, const double *y, size_t n, double np,
    double auc)
{
	static double f[8192], t[8192];
	double lo = s[0], hi = s[0], cut, best = -2, bestcut = 0, v, tss;
	double tp, fp, area = 0, d, prev;
	size_t i, c, k, npts, bad = 0;
	struct mare_err err;
	int rc;

	for (i = 1; i < n; i++) {
		lo = s[i] < lo ? s[i] : lo;
		hi = s[i] > hi ? s[i] : hi;
	}
	for (c = 0; c < MARE_METRICS_TSS_CUTS; c++) {
		cut = c == MARE_METRICS_TSS_CUTS - 1 ? hi : lo + (double)c *
		    (hi - lo) / (MARE_METRICS_TSS_CUTS - 1);
		tp = fp = 0;
		for (i = 0; i < n; i++) {
			tp += y[i] == 1 && s[i] < cut;
			fp += y[i] == 0 && s[i] < cut;
		}
		v = (np - tp) / np + fp / ((double)n - np) - 1;
		if (v > best) {
			best = v;
			bestcut = cut;
		}
	}
	mare_err_init(&err);
	ok(mare_metrics_max_tss(s, y, n, &tss, &cut, &err) == 0,
	    "tss: %zu scores", n);
	ok(tss == best && cut == bestcut, "tss: %.17g at %g, directly "
	    "counted %.17g at %g", tss, cut, best, bestcut);
	npts = 0;
	rc = mare_metrics_roc(s, y, n, 8192, f, t, &npts, NULL, &err);
	ok(rc == 0 && npts > 2 && f[0] == 0 && t[0] == 0 && f[npts - 1] == 1 &&
	    t[npts - 1] == 1, "roc: full curve of %zu scores, %zu points",
	    n, npts);
	/* each point is (share of absences, of presences) at or above the
	 * highest score not above the previous point's */
	for (k = 1, prev = INFINITY; k < npts; k++) {
		for (;;) {
			d = -INFINITY;
			for (i = 0; i < n; i++)
				if (s[i] < prev && s[i] > d)
					d = s[i];
			tp = fp = 0;
			for (i = 0; i < n; i++) {
				tp += y[i] == 1 && s[i] >= d;
				fp += y[i] == 0 && s[i] >= d;
			}
			prev = d;
			if ((fp / ((double)n - np) == f[k] &&
			    tp / np == t[k]) || d == -INFINITY)
				break;
		}
		bad += d == -INFINITY;
		area += (f[k] - f[k - 1]) * (t[k] + t[k - 1]) / 2;
	}
	ok(bad == 0, "roc: every point is a threshold's counts, in order");
	is_double(area, auc, 1e-12, "roc: area under the full curve is the "
	    "AUC");
}

/*
 * AUC of 6000 scores (the radix-sort path) with ties, negatives and
 * both zeros, against the O(n^2) count of pairs.
 */
static void
test_auc_big(void)
{
	enum { NBIG = 6000 };
	static double s[NBIG], y[NBIG];
	double auc, cnt = 0, np = 0;
	size_t i, j;
	struct mare_err err;

	for (i = 0; i < NBIG; i++) {
		s[i] = (double)((long)((i * 7919) % 1013) - 500) / 8.0;
		if (i % 97 == 0)
			s[i] = i % 2 ? -0.0 : 0.0;
		y[i] = ((i * 31) % 7) < 3;
		np += y[i];
	}
	for (i = 0; i < NBIG; i++)
		for (j = 0; j < NBIG; j++)
			if (y[i] == 1 && y[j] == 0)
				cnt += s[i] > s[j] ? 1.0 : s[i] == s[j] ?
				    0.5 : 0.0;
	mare_err_init(&err);
	ok(mare_metrics_auc(s, y, NULL, NBIG, &auc, &err) == 0,
	    "auc: 6000 scores");
	is_double(auc, cnt / (np * (NBIG - np)), 1e-15,
	    "auc: radix-sorted AUC equals the pair count");
	test_tss_roc_big(s, y, NBIG, np, auc);
	{
		/* the caller's work memory, buf in the scores' place */
		static double sc[NBIG];
		static uint64_t keys[NBIG];
		double auc2 = -1;
		int rc;

		memcpy(sc, s, sizeof(sc));
		rc = mare_metrics_auc_work(sc, y, NBIG, keys,
		    (uint64_t *)(void *)sc, &auc2, &err);
		ok(rc == 0 && memcmp(&auc, &auc2, sizeof(auc)) == 0,
		    "auc: in work memory the same bits (%.17g)", auc2);
		ok(mare_metrics_auc_work(s, y, 100, keys,
		    (uint64_t *)(void *)sc, &auc2, &err) == 0 &&
		    mare_metrics_auc(s, y, NULL, 100, &auc, &err) == 0 &&
		    memcmp(&auc, &auc2, sizeof(auc)) == 0,
		    "auc: in work memory, 100 scores (qsort path)");
	}
}

/*
 * Poisson deviance explained, worked by hand: y = 0, 2, 3 and mu = 0.5,
 * 2, 2.5 give D = 2 (0.5 + 0 + 3 ln 1.2 - 0.5) = 6 ln 1.2; the null rate
 * 5/3 gives D0 = 4 ln 1.2 + 6 ln 1.8 (the y - mu0 terms sum to 0). With
 * exposures 1, 2, 1 the rate is 5/4, mu0 = 1.25, 2.5, 1.25 and
 * D0 = 4 ln 0.8 + 6 ln 2.4.
 */
static void
test_poisson_d2(void)
{
	static const double y[] = { 0, 2, 3 }, mu[] = { 0.5, 2, 2.5 };
	static const double ex[] = { 1, 2, 1 }, zeros[] = { 0, 0, 0 };
	double v, bad[3];
	struct mare_err err;

	mare_err_init(&err);
	ok(mare_metrics_poisson_d2(mu, y, NULL, NULL, 3, &v, &err) == 0,
	    "poisson d2: computed");
	is_double(v, 1 - 6 * log(1.2) / (4 * log(1.2) + 6 * log(1.8)), 1e-14,
	    "poisson d2: 1 - D / D0 by hand");
	ok(mare_metrics_poisson_d2(mu, y, ex, NULL, 3, &v, &err) == 0,
	    "poisson d2 with exposures: computed");
	is_double(v, 1 - 6 * log(1.2) / (4 * log(0.8) + 6 * log(2.4)), 1e-14,
	    "poisson d2: the null model times the exposure");
	ok(mare_metrics_poisson_d2(mu, zeros, NULL, NULL, 3, &v, &err) == 0 &&
	    isnan(v), "poisson d2 of all-zero counts is NaN");
	memcpy(bad, y, sizeof(bad));
	bad[1] = -1;
	ok(mare_metrics_poisson_d2(mu, bad, NULL, NULL, 3, &v, &err) == -1 &&
	    strcmp(err.msg, "count -1 at 2: must be a finite number >= 0") ==
	    0, "poisson d2 refuses a negative count (%s)", err.msg);
	mare_err_init(&err);
	memcpy(bad, mu, sizeof(bad));
	bad[2] = 0;
	ok(mare_metrics_poisson_d2(bad, y, NULL, NULL, 3, &v, &err) == -1 &&
	    strcmp(err.msg, "mean 0 or exposure 1 at 3: must be finite and "
	    "> 0") == 0, "poisson d2 refuses a mean of 0 (%s)", err.msg);
}

/* The refusals of each metric, with their messages */
static void
test_refusals(void)
{
	static const double s3[] = { 0.1, 0.5, 0.9 };
	static const double y3[] = { 0, 1, 1 };
	static const double ones[] = { 1, 1, 1 };
	static const double zeros[] = { 0, 0, 0 };
	double v, fpr[4], tpr[4], s[3], y[3], w[3];
	size_t np;
	struct mare_err err;

#define REFUSED(call, code_, msg_, what) do {				\
	mare_err_init(&err);						\
	ok((call) == -1 && err.code == (code_) &&			\
	    strcmp(err.msg, (msg_)) == 0, "metrics: %s (%s)", what,	\
	    err.msg);							\
} while (0)

	memcpy(s, s3, sizeof(s));
	s[1] = INFINITY;
	REFUSED(mare_metrics_auc(s, y3, NULL, 3, &v, &err), MARE_E_DATA,
	    "non-finite score (inf) at 2", "an infinite score");
	memcpy(w, ones, sizeof(w));
	w[2] = -1;
	REFUSED(mare_metrics_auc(s3, y3, w, 3, &v, &err), MARE_E_DATA,
	    "weight -1 at 3: weights must be finite and >= 0",
	    "a negative weight");
	memcpy(s, s3, sizeof(s));
	s[0] = 1.5;
	REFUSED(mare_metrics_logloss(s, y3, NULL, 3, &v, &err), MARE_E_DATA,
	    "probability 1.5 at 1: must be in [0, 1]",
	    "a probability above 1");
	REFUSED(mare_metrics_logloss(s3, y3, zeros, 3, &v, &err),
	    MARE_E_DATA, "log-loss of no observations (weights sum to 0)",
	    "log-loss with all weights 0");
	REFUSED(mare_metrics_max_tss(s3, ones, 3, &v, NULL, &err),
	    MARE_E_DATA, "TSS needs both labels: no absences (0)",
	    "TSS of presences only");
	REFUSED(mare_metrics_max_tss(s3, zeros, 3, &v, NULL, &err),
	    MARE_E_DATA, "TSS needs both labels: no presences (1)",
	    "TSS of absences only");
	memcpy(y, y3, sizeof(y));
	y[0] = 2;
	REFUSED(mare_metrics_max_tss(s3, y, 3, &v, NULL, &err), MARE_E_DATA,
	    "label 2 at 1: labels must be 0 or 1", "TSS with a label 2");
	REFUSED(mare_metrics_omission(s3, zeros, 3, 0.5, &v, &err),
	    MARE_E_DATA, "omission rate needs presences (1)",
	    "omission without presences");
	REFUSED(mare_metrics_presence_threshold(s3, y3, 3, 1, &v, &err),
	    MARE_E_USAGE, "presence quantile must be in [0, 1), got 1",
	    "a presence quantile of 1");
	REFUSED(mare_metrics_presence_threshold(s3, zeros, 3, 0.1, &v, &err),
	    MARE_E_DATA, "threshold needs presences (1)",
	    "a threshold without presences");
	REFUSED(mare_metrics_spearman(s3, y3, 1, &v, &err), MARE_E_DATA,
	    "Spearman correlation needs at least 2 pairs, got 1",
	    "Spearman of 1 pair");
	memcpy(s, s3, sizeof(s));
	s[2] = NAN;
	REFUSED(mare_metrics_spearman(s3, s, 3, &v, &err), MARE_E_DATA,
	    "NaN in pair 3", "Spearman with a NaN");
	REFUSED(mare_metrics_boyce(s3, 3, s3, 0, &v, &err), MARE_E_DATA,
	    "Boyce index needs background and presence scores",
	    "Boyce without presences");
	REFUSED(mare_metrics_boyce(s3, 3, s, 3, &v, &err), MARE_E_DATA,
	    "non-finite presence score (nan) at 3", "Boyce with a NaN");
	REFUSED(mare_metrics_roc(s3, y3, 3, 2, fpr, tpr, &np, NULL, &err),
	    MARE_E_USAGE, "ROC: at least 3 points", "ROC of 2 points");
	REFUSED(mare_metrics_roc(s3, ones, 3, 4, fpr, tpr, &np, NULL, &err),
	    MARE_E_DATA, "ROC needs both labels", "ROC of presences only");
#undef REFUSED
}

int
main(void)
{
	test_poisson_d2();
	test_auc_big();
	test_roc();
	test_sklearn();
	test_small();
	test_boyce();
	test_refusals();
	return tap_done();
}
