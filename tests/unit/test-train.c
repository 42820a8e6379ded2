/*
 * test-train.c - maxnet MaxEnt fits against R maxnet's saved predictions
 *
 * Fits tests/data/train/swd.csv (246 lionfish presences, 8,543 background
 * cells) under the three settings of fit_maxnet.R beside it and compares
 * mare's clamped cloglog predictions at every row with maxnet's, and the
 * number of selected features with maxnet's (exactly). Also reports the
 * fit time and the measured difference (about 4e-13 on x86-64).
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blas.h"
#include "cv.h"
#include "featspec.h"
#include "metrics.h"
#include "model.h"
#include "rng.h"
#include "train.h"
#include "tap.h"

#define NV	5
#define MAXN	10000

static double RAW[MAXN * NV], LAB[MAXN], REF[MAXN];
static int ILAB[MAXN];
static size_t N;
static const char *NAMES[NV] = { "SST_present_crop",
    "salinity_present_crop", "PAR_present_crop", "pH_present_crop",
    "currentspeed_present_crop" };

static FILE *
open_data(const char *name)
{
	char buf[4096];
	const char *src = getenv("MARE_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/tests/data/train/%s",
	    src != NULL ? src : ".", name);
	return fopen(buf, "r");
}

static int
load_swd(void)
{
	FILE *fp;
	char line[1024], *e;
	size_t j;

	if ((fp = open_data("swd.csv")) == NULL)
		return -1;
	if (fgets(line, sizeof(line), fp) == NULL) {
		fclose(fp);
		return -1;
	}
	while (N < MAXN && fgets(line, sizeof(line), fp) != NULL) {
		LAB[N] = strtod(line, &e);
		ILAB[N] = LAB[N] == 1;
		for (j = 0; j < 2; j++)		/* skip lon, lat */
			(void)strtod(e + 1, &e);
		for (j = 0; j < NV; j++)
			RAW[N * NV + j] = strtod(e + 1, &e);
		N++;
	}
	fclose(fp);
	return 0;
}

/* The cloglog column of NAME_pred.csv into REF; returns the rows read. */
static size_t
load_ref(const char *name)
{
	FILE *fp;
	char file[256], line[1024];
	size_t k = 0;

	snprintf(file, sizeof(file), "%s_pred.csv", name);
	if ((fp = open_data(file)) == NULL)
		return 0;
	if (fgets(line, sizeof(line), fp) != NULL)
		while (k < MAXN && fgets(line, sizeof(line), fp) != NULL)
			REF[k++] = strtod(line + 1, NULL);	/* skip '"' */
	fclose(fp);
	return k;
}

/*
 * A model of type on a spec of classes fitted on the n rows of nv
 * variables; NULL with err set.
 */
static struct mare_model *
model_of(enum mare_model_type type, const char *classes, const double *raw,
    size_t n, size_t nv, const char *const *names, const int *lab,
    struct mare_err *err)
{
	struct mare_featspec_opts fo;
	struct mare_featspec *fs;

	memset(&fo, 0, sizeof(fo));
	fo.classes = classes;
	mare_err_init(err);
	if ((fs = mare_featspec_fit(raw, n, nv, names, lab, &fo, err)) == NULL)
		return NULL;
	return mare_model_new(type, fs, err);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * Fit setting name (classes, regmult) and compare with maxnet: cloglog
 * within tol, nonzero within nzslack of maxnet's nz.
 */
static void
run_setting(const char *name, const char *classes, double regmult,
    double tol, size_t nz, size_t nzslack)
{
	struct mare_featspec_opts fo;
	struct mare_featspec *fs;
	struct mare_model *m = NULL;
	struct mare_train_opts to;
	struct mare_model_pred_opts po;
	struct mare_err err;
	double *feat = NULL, *pred = NULL, maxd = 0, t0, t1;
	size_t i, k, mnz = 0;

	mare_err_init(&err);
	if (load_ref(name) != N) {
		ok(0, "train: %s_pred.csv holds %zu rows", name, N);
		return;
	}
	memset(&fo, 0, sizeof(fo));
	fo.classes = classes;
	if ((fs = mare_featspec_fit(RAW, N, NV, NAMES, ILAB, &fo,
	    &err)) == NULL) {
		ok(0, "train: %s: spec fits (%s)", name, err.msg);
		return;
	}
	if ((feat = malloc(N * fs->nfeat * sizeof(double))) == NULL ||
	    (pred = malloc(N * sizeof(double))) == NULL ||
	    mare_featspec_apply_rows(fs, RAW, N, 0, 1, feat, NULL, &err) != 0) {
		ok(0, "train: %s: features (%s)", name, err.msg);
		mare_featspec_free(fs);
		goto out;
	}
	/* the model owns fs from here, even when it fails */
	if ((m = mare_model_new(MARE_MODEL_MAXENT, fs, &err)) == NULL) {
		ok(0, "train: %s: model (%s)", name, err.msg);
		goto out;
	}
	mare_train_opts_init(&to);
	to.regmult = regmult;
	t0 = now();
	if (mare_train_fit(m, feat, LAB, NULL, N, &to, &err) != 0) {
		ok(0, "train: %s fits (%s)", name, err.msg);
		goto out;
	}
	t1 = now();
	mare_model_pred_opts_init(&po);
	po.type = MARE_MODEL_CLOGLOG;
	if (mare_model_predict(m, RAW, N, &po, pred, NULL, &err) != 0) {
		ok(0, "train: %s predicts (%s)", name, err.msg);
		goto out;
	}
	for (i = 0; i < N; i++)
		maxd = fmax(maxd, fabs(pred[i] - REF[i]));
	for (k = 0; k < m->p; k++)
		mnz += m->beta[k] != 0;
	diag("train: %s: %zu candidate features, %zu selected (maxnet %zu), "
	    "fit %.3f s, max |cloglog - maxnet| %.3g", name, m->p, mnz, nz,
	    t1 - t0, maxd);
	ok(maxd <= tol, "train: %s: cloglog within %g of maxnet (max diff "
	    "%.3g)", name, tol, maxd);
	ok(mnz + nzslack >= nz && mnz <= nz + nzslack, "train: %s: %zu "
	    "features selected, maxnet %zu", name, mnz, nz);
out:
	mare_model_free(m);
	free(feat);
	free(pred);
}

/*
 * Folds worked by hand. Checkerboards with 1-degree cells: column
 * c = floor(lon + 180), row r = floor(90 - lat); white (fold 1) when
 * c + r is even. The 2-degree board: floor((lon + 180) / 2) and
 * floor((90 - lat) / 2). Fold of checkerboard2 = 2 b1 + b2 + 1.
 *   lon, lat         c,  r   b1   C,  R  b2   cb1 cb2
 *   -179.5, 89.5     0,  0    0   0,  0   0    1   1
 *   -178.5, 89.5     1,  0    1   0,  0   0    2   3
 *   -177.5, 89.5     2,  0    0   1,  0   1    1   2
 *   -176.5, 88.5     3,  1    0   1,  0   1    1   2
 *      0.5,  0.5   180, 89    1  90, 44   0    2   3
 *     -0.5, -0.5   179, 90    1  89, 45   0    2   3
 *      1.5, -1.5   181, 91    0  90, 45   1    1   2
 *   -178.5, 87.5     1,  2    1   0,  1   1    2   4
 *   -178.0, 89.0     2,  1    1   1,  0   1    2   4
 * (the last lies on grid lines: they belong to the cell east and south.)
 */
static void
test_folds(void)
{
	static const double lon[] = { -179.5, -178.5, -177.5, -176.5, 0.5,
	    -0.5, 1.5, -178.5, -178.0 };
	static const double lat[] = { 89.5, 89.5, 89.5, 88.5, 0.5, -0.5,
	    -1.5, 87.5, 89.0 };
	static const int cb1[] = { 0, 1, 0, 0, 1, 1, 0, 1, 1 };
	static const int cb2[] = { 0, 2, 1, 1, 2, 2, 1, 3, 3 };
	static const double y[] = { 1, 1, 1, 1, 1, 0, 0, 1, 0 };
	static const double uf[] = { 1, 2, 3, 0, 1, 2, 3, 2, 0 };
	static const int ufx[] = { 0, 1, 2, -1, 0, 1, 2, 1, -1 };
	double feat[9], bad[9];
	int fold[9], same = 1;
	size_t i;
	struct mare_cv_opts o;
	struct mare_err err;

	for (i = 0; i < 9; i++)
		feat[i] = (double)i;
	mare_cv_opts_init(&o);
	o.scheme = MARE_CV_CHECKERBOARD;
	o.grid = 1.0;
	mare_err_init(&err);
	ok(mare_cv_folds(feat, 1, y, lon, lat, 9, 1, &o, fold, &err) == 0,
	    "cv: checkerboard1 folds");
	for (i = 0; i < 9; i++)
		same &= fold[i] == cb1[i];
	ok(same, "cv: checkerboard1 folds as worked by hand");
	is_int(mare_cv_nfolds(&o, 9), 2, "cv: checkerboard1 has 2 folds");
	o.scheme = MARE_CV_CHECKERBOARD2;
	mare_err_init(&err);
	ok(mare_cv_folds(feat, 1, y, lon, lat, 9, 1, &o, fold, &err) == 0,
	    "cv: checkerboard2 folds");
	for (i = 0, same = 1; i < 9; i++)
		same &= fold[i] == cb2[i];
	ok(same, "cv: checkerboard2 folds as worked by hand");
	o.grid = 0.0;
	mare_err_init(&err);
	ok(mare_cv_folds(feat, 1, y, lon, lat, 9, 1, &o, fold, &err) == -1 &&
	    err.code == MARE_E_USAGE, "cv: checkerboard without a grid");
	o.grid = 100.0;
	mare_err_init(&err);
	ok(mare_cv_folds(feat, 1, y, lon, lat, 9, 1, &o, fold, &err) == -1,
	    "cv: checkerboard2 with 100-degree cells leaves a fold empty");
	is_str(err.msg, "--cv-scheme checkerboard2: fold 2 has no presence",
	    "cv: the empty fold is named");
	o.scheme = MARE_CV_USER;
	o.user = uf;
	mare_err_init(&err);
	ok(mare_cv_folds(feat, 1, y, lon, lat, 9, 1, &o, fold, &err) == 0,
	    "cv: user folds");
	for (i = 0, same = 1; i < 9; i++)
		same &= fold[i] == ufx[i];
	ok(same, "cv: user folds kept, 0 in every training set");
	is_int(mare_cv_nfolds(&o, 9), 3, "cv: 3 user folds");
	memcpy(bad, uf, sizeof(bad));
	bad[4] = 1.5;
	o.user = bad;
	mare_err_init(&err);
	ok(mare_cv_folds(feat, 1, y, lon, lat, 9, 1, &o, fold, &err) == -1,
	    "cv: a fraction is not a fold");
	is_str(err.msg, "row 5: fold 1.5 is not an integer from 0 to 1000",
	    "cv: the bad fold id is named");
	for (i = 0; i < 9; i++)
		bad[i] = i % 2;
	mare_err_init(&err);
	ok(mare_cv_folds(feat, 1, y, lon, lat, 9, 1, &o, fold, &err) == -1,
	    "cv: one user fold is not a cross-validation");
	is_str(err.msg, "--folds-column: 1 fold: need at least 2",
	    "cv: one user fold is named");
	bad[5] = 2;
	bad[6] = 2;
	mare_err_init(&err);
	ok(mare_cv_folds(feat, 1, y, lon, lat, 9, 1, &o, fold, &err) == -1,
	    "cv: a user fold without presence");
	is_str(err.msg, "--cv-scheme user: fold 2 has no presence",
	    "cv: the user fold without presence is named");
}

/*
 * Permutation importance worked by hand: a logistic model on linear
 * features of a and b with beta_b = 0 gives b 0 % and a 100 %; a model
 * whose score ranks presences perfectly by a alone keeps AUC 1 when b is
 * permuted. With both non-zero, the percentages sum to 100.
 */
static void
test_importance(void)
{
	static const char *names[2] = { "a", "b" };
	double raw[40], y[20], pct[2], drop[2];
	int lab[20];
	struct mare_model *m;
	struct mare_err err;
	size_t i;

	for (i = 0; i < 20; i++) {
		raw[2 * i] = (double)i;
		raw[2 * i + 1] = (double)((i * 7) % 20);
		y[i] = i >= 10;
		lab[i] = (int)y[i];
	}
	m = model_of(MARE_MODEL_LOGISTIC, "l", raw, 20, 2, names, lab, &err);
	if (m == NULL || m->p != 2) {
		ok(0, "importance: a linear spec of a and b");
		mare_model_free(m);
		return;
	}
	m->beta[0] = 1.0;
	m->beta[1] = 0.0;
	ok(mare_train_importance(m, raw, y, 20, 1, 1, pct, drop, &err) == 0,
	    "importance: computed");
	ok(drop[0] > 0.2 && pct[0] == 100.0 && pct[1] == 0.0 &&
	    drop[1] == 0.0, "importance: a 100 %%, b 0 %% (drop of a %g)",
	    drop[0]);
	m->beta[1] = 0.5;
	ok(mare_train_importance(m, raw, y, 20, 1, 1, pct, drop, &err) == 0 &&
	    fabs(pct[0] + pct[1] - 100.0) < 1e-12 && pct[0] > pct[1],
	    "importance: %g + %g = 100", pct[0], pct[1]);
	ok(mare_train_importance(m, raw, y, 20, 2, 1, pct, drop, &err) == 0,
	    "importance: another seed");
	mare_model_free(m);
}

/*
 * Permutation importance on threads: 6000 rows (the AUC's radix path) of
 * 5 variables, under a linear spec (scores summed from the raw values)
 * and a quadratic one (predicted from feature rows): the drops and
 * percentages are the same bits for 1, 2 and 3 threads.
 */
static void
test_importance_threads(void)
{
	enum { IN = 6000, IV = 5 };
	static const char *names[IV] = { "a", "b", "c", "d", "e" };
	static double raw[IN * IV], y[IN];
	static int lab[IN];
	static const char *const classes[2] = { "l", "lq" };
	double pct[3][IV], drop[3][IV];
	struct mare_model *m;
	struct mare_err err;
	uint64_t r = 12345;
	size_t i, j, c, t;
	int rc;

	for (i = 0; i < IN; i++) {
		for (j = 0; j < IV; j++) {
			r = r * 6364136223846793005ULL + 1442695040888963407ULL;
			raw[i * IV + j] = (double)(r >> 40) / 16777216.0 +
			    (double)j;
		}
		y[i] = raw[i * IV] + 0.5 * raw[i * IV + 2] > 1.0 + 1.0;
		lab[i] = (int)y[i];
	}
	for (c = 0; c < 2; c++) {
		m = model_of(MARE_MODEL_LOGISTIC, classes[c], raw, IN, IV,
		    names, lab, &err);
		if (m == NULL) {
			ok(0, "importance: a spec of %s", classes[c]);
			continue;
		}
		for (j = 0; j < m->p; j++)
			m->beta[j] = j % 3 == 1 ? 0.0 : 1.0 / (double)(j + 1);
		m->intercept = -1.5;
		for (rc = 0, t = 0; t < 3; t++)
			rc |= mare_train_importance(m, raw, y, IN, 9,
			    (unsigned)t + 1, pct[t], drop[t], &err);
		ok(rc == 0 && drop[0][0] > 0 && (c == 1 || drop[0][1] == 0),
		    "importance: %s on 1, 2, 3 threads (drop of a %g)",
		    classes[c], drop[0][0]);
		ok(memcmp(pct[0], pct[1], sizeof(pct[0])) == 0 &&
		    memcmp(pct[0], pct[2], sizeof(pct[0])) == 0 &&
		    memcmp(drop[0], drop[1], sizeof(drop[0])) == 0 &&
		    memcmp(drop[0], drop[2], sizeof(drop[0])) == 0,
		    "importance: %s the same bits for any thread count",
		    classes[c]);
		mare_model_free(m);
	}
}

/*
 * A tuning grid through mare_cv_tune(): 2 feature sets ("l", "lq") x 2
 * lambdas of penalised logistic regression on 600 synthetic rows. Each
 * row is the one mare_cv_tune_row() gives for its cell, in cell order,
 * the table is the same for 1 and 3 threads, the selection is
 * mare_cv_tune_select()'s. With the lambdas 1e-3, -1 and -2, cells 2,
 * 3, 5 and 6 fail, and the error is cell 2's (-1) whatever the order
 * the threads ran them in.
 */
static void
test_tune_grid(void)
{
	enum { TN = 600, TV = 3 };
	static const char *names[TV] = { "a", "b", "c" };
	static const char *const classes[2] = { "l", "lq" };
	static double raw[TN * TV], y[TN];
	static int lab[TN];
	double *feat[2] = { NULL, NULL }, lam[2] = { 1e-3, 1e-1 };
	double bad[3] = { 1e-3, -1, -2 };
	int own[2] = { 0, 0 };
	struct mare_featspec_opts fo;
	struct mare_featspec *fs;
	struct mare_model *m[2] = { NULL, NULL };
	struct mare_train_opts to;
	struct mare_cv_opts co;
	struct mare_cv_grid g;
	struct mare_err err;
	json_t *tu1 = NULL, *tu3 = NULL, *row;
	uint64_t r = 777;
	size_t i, j, a, best = 99, sel = 98;
	int same = 1;

	for (i = 0; i < TN; i++) {
		for (j = 0; j < TV; j++) {
			r = r * 6364136223846793005ULL + 1442695040888963407ULL;
			raw[i * TV + j] = (double)(r >> 40) / 16777216.0;
		}
		y[i] = raw[i * TV] + raw[i * TV + 1] * raw[i * TV + 1] +
		    0.3 * raw[i * TV + 2] > 0.9;
		lab[i] = (int)y[i];
	}
	mare_err_init(&err);
	for (a = 0; a < 2; a++) {
		memset(&fo, 0, sizeof(fo));
		fo.classes = classes[a];
		fs = mare_featspec_fit_apply(raw, TN, TV, names, lab, &fo,
		    &feat[a], &err);
		m[a] = fs != NULL ? mare_model_new(MARE_MODEL_LOGISTIC, fs,
		    &err) : NULL;
		own[a] = feat[a] != NULL;
		if (m[a] != NULL && feat[a] == NULL)	/* "l": the raw rows */
			feat[a] = raw;
		if (m[a] == NULL) {
			ok(0, "tune grid: a spec and design of %s: %s",
			    classes[a], err.msg);
			goto done;
		}
	}
	mare_train_opts_init(&to);
	mare_cv_opts_init(&co);
	co.k = 3;
	g.m = (const struct mare_model *const *)m;
	g.feat = (const double *const *)feat;
	g.classes = classes;
	g.nset = 2;
	g.val = lam;
	g.nval = 2;
	g.by_lambda = 1;
	tu1 = mare_cv_tune(&g, y, NULL, NULL, NULL, TN, &to, &co,
	    MARE_CV_SEL_AUC_VAL, 1, &best, &err);
	tu3 = mare_cv_tune(&g, y, NULL, NULL, NULL, TN, &to, &co,
	    MARE_CV_SEL_AUC_VAL, 3, &best, &err);
	if (tu1 == NULL || tu3 == NULL) {
		ok(0, "tune grid: tuned: %s", err.msg);
		goto done;
	}
	ok(json_array_size(json_object_get(tu1, "rows")) == 4 &&
	    json_equal(tu1, tu3), "tune grid: 4 rows, the same for 1 and 3 "
	    "threads");
	for (i = 0; i < 4; i++) {
		to.lambda = lam[i % 2];
		to.threads = 1;
		row = mare_cv_tune_row(m[i / 2], classes[i / 2], feat[i / 2], y,
		    NULL, NULL, NULL, TN, &to, &co, &err);
		same &= row != NULL && json_equal(row, json_array_get(
		    json_object_get(tu1, "rows"), i));
		json_decref(row);
	}
	ok(same, "tune grid: row i is cell i's (features outer, lambda "
	    "inner)");
	ok(mare_cv_tune_select(json_object_get(tu1, "rows"),
	    MARE_CV_SEL_AUC_VAL, &sel, &err) == 0 && sel == best &&
	    json_integer_value(json_object_get(tu1, "selected")) ==
	    (json_int_t)best && strcmp(json_string_value(json_object_get(tu1,
	    "metric")), "auc_val") == 0, "tune grid: selected cell %zu",
	    best);
	json_decref(tu1);
	g.val = bad;
	g.nval = 3;
	mare_err_init(&err);
	tu1 = mare_cv_tune(&g, y, NULL, NULL, NULL, TN, &to, &co,
	    MARE_CV_SEL_AUC_VAL, 3, &best, &err);
	ok(tu1 == NULL && err.code == MARE_E_USAGE &&
	    strstr(err.msg, "got -1") != NULL, "tune grid: the first bad "
	    "cell's error: %s", err.msg);
done:
	json_decref(tu1);
	json_decref(tu3);
	for (a = 0; a < 2; a++) {
		mare_model_free(m[a]);
		if (own[a])
			free(feat[a]);
	}
}

/*
 * Poisson means with exposures, by hand: rate exp(0.1 + 0.5 x) at x = 0,
 * 1, 2, offsets log 1, log 2, log 3, so mu = rate x 1, 2, 3 and the
 * exposures 1, 2, 3; without offsets the rates and exposures of 1.
 */
static void
test_poisson_means(void)
{
	static const char *names[1] = { "x" };
	double raw[3] = { 0, 1, 2 }, off[3], mu[3], ex[3], want;
	int lab[3] = { 1, 0, 1 };
	struct mare_model *m;
	struct mare_err err;
	size_t i;
	int good = 1, good0 = 1;

	m = model_of(MARE_MODEL_POISSON, "l", raw, 3, 1, names, lab, &err);
	if (m == NULL || m->p != 1) {
		ok(0, "poisson means: a linear spec of x (%s)", err.msg);
		mare_model_free(m);
		return;
	}
	m->beta[0] = 0.5;
	m->intercept = 0.1;
	for (i = 0; i < 3; i++)
		off[i] = log((double)i + 1);
	ok(mare_train_poisson_means(m, raw, off, 3, 2, mu, ex, &err) == 0,
	    "poisson means: computed");
	for (i = 0; i < 3; i++) {
		want = exp(0.1 + 0.5 * raw[i]) * ((double)i + 1);
		good &= fabs(mu[i] - want) <= 1e-15 * want &&
		    fabs(ex[i] - ((double)i + 1)) <= 1e-15 * ((double)i + 1);
	}
	ok(good, "poisson means: rate x exposure, and the exposures");
	ok(mare_train_poisson_means(m, raw, NULL, 3, 1, mu, ex, &err) == 0,
	    "poisson means: without offsets");
	for (i = 0; i < 3; i++)
		good0 &= fabs(mu[i] - exp(0.1 + 0.5 * raw[i])) <= 1e-15 *
		    mu[i] && ex[i] == 1.0;
	ok(good0, "poisson means: the rates, exposures 1");
	mare_model_free(m);
}

/* Selection: by the metric, ties by fewer coefficients, then first. */
static void
test_select(void)
{
	json_t *rows;
	json_error_t je;
	struct mare_err err;
	size_t best = 99;

	rows = json_loads("[{\"auc_val_mean\":0.7,\"aicc\":null,"
	    "\"nonzero\":9},{\"auc_val_mean\":0.8,\"aicc\":120,"
	    "\"nonzero\":9},{\"auc_val_mean\":0.8,\"aicc\":110,"
	    "\"nonzero\":4},{\"auc_val_mean\":0.8,\"aicc\":110,"
	    "\"nonzero\":4},{\"auc_val_mean\":null,\"aicc\":100,"
	    "\"nonzero\":20}]", 0, &je);
	mare_err_init(&err);
	ok(mare_cv_tune_select(rows, MARE_CV_SEL_AUC_VAL, &best, &err) == 0 &&
	    best == 2, "tune: highest AUC, tie to fewer coefficients, first");
	ok(mare_cv_tune_select(rows, MARE_CV_SEL_AICC, &best, &err) == 0 &&
	    best == 4, "tune: lowest AICc; null AUC does not matter");
	ok(mare_cv_tune_select(rows, MARE_CV_SEL_BOYCE, &best, &err) == -1,
	    "tune: no row has the metric");
	is_str(err.msg, "--select boyce: no cell has a value for it",
	    "tune: the missing metric is named");
	json_decref(rows);
}

/*
 * maxnet adds to the background the presences that are no background row
 * (identical() on the raw variables). Worked by hand: 20 background rows
 * of x1, x2 (continuous) and c (categorical, levels 1 and 2) and 6
 * presences: two copies of background row 3, a copy of row 7, row 0 with
 * x1 = -0 (equal to 0), row 4 with the other level of c (equal to row 4
 * in x1 and x2, so in the linear columns that are hashed: row_eq() must
 * tell them apart) and a new row: 2 added, whatever the classes (linear
 * columns hashed, or with "h" the whole row).
 */
static void
test_added_presences(void)
{
	enum { AB = 20, AP = 6, AN = AB + AP };
	static const char *names[3] = { "x1", "x2", "c" };
	static const char *const cat[1] = { "c" };
	static const char *const classes[3] = { "lq", "h", "default" };
	double raw[AN * 3], y[AN];
	int lab[AN];
	struct mare_featspec_opts fo;
	struct mare_featspec *fs;
	struct mare_model *m;
	struct mare_train_opts to;
	struct mare_err err;
	double *feat;
	size_t i, c;
	json_int_t added;

	for (i = 0; i < AB; i++) {
		raw[i * 3] = (double)i * 0.5;
		raw[i * 3 + 1] = (double)(i % 5) * 1.3 - 2.0;
		raw[i * 3 + 2] = (double)(1 + i % 2);
	}
	memcpy(raw + 20 * 3, raw + 3 * 3, 3 * sizeof(double));
	memcpy(raw + 21 * 3, raw + 3 * 3, 3 * sizeof(double));
	memcpy(raw + 22 * 3, raw + 7 * 3, 3 * sizeof(double));
	memcpy(raw + 23 * 3, raw + 0 * 3, 3 * sizeof(double));
	raw[23 * 3] = -0.0;
	memcpy(raw + 24 * 3, raw + 4 * 3, 3 * sizeof(double));
	raw[24 * 3 + 2] = 2.0;		/* row 4 has c = 1 */
	raw[25 * 3] = 0.25;
	raw[25 * 3 + 1] = 0.7;
	raw[25 * 3 + 2] = 1.0;
	for (i = 0; i < AN; i++) {
		y[i] = i >= AB;
		lab[i] = (int)y[i];
	}
	for (c = 0; c < 3; c++) {
		memset(&fo, 0, sizeof(fo));
		fo.classes = classes[c];
		fo.categorical = cat;
		fo.ncategorical = 1;
		mare_err_init(&err);
		feat = NULL;
		m = NULL;
		if ((fs = mare_featspec_fit(raw, AN, 3, names, lab, &fo,
		    &err)) != NULL && (feat = malloc(AN * fs->nfeat *
		    sizeof(double))) != NULL &&
		    mare_featspec_apply_rows(fs, raw, AN, 0, 1, feat, NULL,
		    &err) == 0)
			m = mare_model_new(MARE_MODEL_MAXENT, fs, &err);
		else
			mare_featspec_free(fs);
		mare_train_opts_init(&to);
		added = -1;
		if (m != NULL && mare_train_fit(m, feat, y, NULL, AN, &to,
		    &err) == 0)
			added = json_integer_value(json_object_get(m->maxent,
			    "added_presences"));
		ok(added == 2, "maxent: %s: 2 presences added to the "
		    "background (%lld; %s)", classes[c], (long long)added,
		    err.msg);
		mare_model_free(m);
		free(feat);
	}
}

/*
 * Permutation importance against its definition, through the public API:
 * each variable's column shuffled as mare_train_importance() documents
 * (Fisher-Yates on mare_rng_init_keyed(seed, v)), the rows predicted by
 * mare_model_predict() (unclamped), the AUC by mare_metrics_auc(), the
 * drop = AUC before - AUC after (0 if negative). Under an lqp spec with
 * some coefficients zero (products, features of several variables): the
 * same bits, on 1 and 2 threads.
 */
static void
test_importance_reference(void)
{
	enum { RN = 3000, RV = 3 };
	static const char *names[RV] = { "a", "b", "c" };
	static double raw[RN * RV], y[RN], perm[RN * RV], sc[RN], col[RN];
	static int lab[RN];
	double pct[RV], drop[RV], ref[RV], auc0, auc, tmp;
	struct mare_model *m;
	struct mare_model_pred_opts po;
	struct mare_rng rng;
	struct mare_err err;
	uint64_t r = 777;
	size_t i, j, k, v, t;
	int rc = 0, same;

	for (i = 0; i < RN; i++) {
		for (j = 0; j < RV; j++) {
			r = r * 6364136223846793005ULL + 1442695040888963407ULL;
			raw[i * RV + j] = (double)(r >> 40) / 16777216.0 * 4.0;
		}
		y[i] = raw[i * RV] * raw[i * RV + 1] > 4.0 - raw[i * RV + 2];
		lab[i] = (int)y[i];
	}
	m = model_of(MARE_MODEL_LOGISTIC, "lqp", raw, RN, RV, names, lab, &err);
	if (m == NULL || m->p != 9) {
		ok(0, "importance: an lqp spec of a, b, c (%s)", err.msg);
		mare_model_free(m);
		return;
	}
	for (j = 0; j < m->p; j++)	/* l a, b, c; q a, b, c; p ab, ac, bc */
		m->beta[j] = j == 1 || j == 5 || j == 7 ? 0.0 :
		    0.3 * (double)(j + 1) - 1.1;
	m->intercept = -0.5;
	mare_model_pred_opts_init(&po);
	po.clamp = 0;
	rc |= mare_model_predict(m, raw, RN, &po, sc, NULL, &err);
	rc |= mare_metrics_auc(sc, y, NULL, RN, &auc0, &err);
	for (v = 0; v < RV; v++) {
		for (i = 0; i < RN; i++)
			col[i] = raw[i * RV + v];
		mare_rng_init_keyed(&rng, 5, (uint64_t)v);
		for (i = RN; i > 1; i--) {
			k = (size_t)mare_rng_bounded(&rng, (uint64_t)i);
			tmp = col[i - 1];
			col[i - 1] = col[k];
			col[k] = tmp;
		}
		memcpy(perm, raw, sizeof(raw));
		for (i = 0; i < RN; i++)
			perm[i * RV + v] = col[i];
		rc |= mare_model_predict(m, perm, RN, &po, sc, NULL, &err);
		rc |= mare_metrics_auc(sc, y, NULL, RN, &auc, &err);
		ref[v] = auc0 - auc > 0 ? auc0 - auc : 0.0;
	}
	for (t = 1; t <= 2; t++) {
		rc |= mare_train_importance(m, raw, y, RN, 5, (unsigned)t,
		    pct, drop, &err);
		same = memcmp(drop, ref, sizeof(ref)) == 0;
		ok(rc == 0 && same && ref[0] > 0, "importance: lqp on %zu "
		    "thread(s): the drops of the definition (a %g, b %g, "
		    "c %g)", t, drop[0], drop[1], drop[2]);
	}
	mare_model_free(m);
}

int
main(void)
{
	mare_blas_set_threads(1);
	test_folds();
	test_select();
	test_tune_grid();
	test_poisson_means();
	test_importance();
	test_importance_threads();
	test_importance_reference();
	test_added_presences();
	if (load_swd() == -1 || N != 8789) {
		ok(0, "train: swd.csv loads 8789 rows");
		return tap_done();
	}
	run_setting("default", "default", 1, 1e-3, 29, 0);
	run_setting("lqh_rm2", "lqh", 2, 1e-3, 20, 0);
	run_setting("lq_rm1", "lq", 1, 1e-3, 6, 0);
	return tap_done();
}
