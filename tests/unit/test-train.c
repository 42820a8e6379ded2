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
#include "featspec.h"
#include "model.h"
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
	    mare_featspec_apply_rows(fs, RAW, N, 0, feat, NULL, &err) != 0) {
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

int
main(void)
{
	mare_blas_set_threads(1);
	if (load_swd() == -1 || N != 8789) {
		ok(0, "train: swd.csv loads 8789 rows");
		return tap_done();
	}
	run_setting("default", "default", 1, 1e-3, 29, 0);
	run_setting("lqh_rm2", "lqh", 2, 1e-3, 20, 0);
	run_setting("lq_rm1", "lq", 1, 1e-3, 6, 0);
	return tap_done();
}
