/*
 * test-model.c - prediction computes only the features of nonzero
 * coefficients: the same bits as the full feature vector and full sum
 *
 * A spec of every class (lqpht) is fitted on synthetic rows; the model's
 * coefficients are set by hand, most to zero (as an L1 fit leaves them).
 * The reference is the earlier prediction, written out here: every
 * feature from mare_featspec_apply(), then intercept + the sum over all p
 * features in order (for feature rows: each feature clamped to its
 * range, then the full sum). mare_model_predict() (rows in several blocks
 * and one at a time) and mare_model_predict_features() must give the same
 * bits,
 * with and without clamping, for rows inside and outside the training
 * range; a model of zero coefficients predicts its intercept.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "featspec.h"
#include "model.h"
#include "rng.h"
#include "tap.h"

#define NV	4
#define NTRAIN	400
#define NROWS	700	/* more than one block of rows */

static const char *NAMES[NV] = { "a", "b", "c", "d" };

/* The earlier mare_model_predict(): every feature, the full sum. */
static int
reference(const struct mare_model *m, const double *raw, size_t n,
    int clamp, enum mare_model_output type, double *out)
{
	double *f, s;
	size_t r, j;

	if ((f = malloc(m->p * sizeof(*f))) == NULL)
		return -1;
	for (r = 0; r < n; r++) {
		if (mare_featspec_apply(m->spec, raw + r * NV,
		    clamp ? MARE_FEATSPEC_CLAMP : 0, f, NULL) < 0) {
			free(f);
			return -1;
		}
		s = 0.0;
		for (j = 0; j < m->p; j++)
			s += m->beta[j] * f[j];
		out[r] = mare_model_transform(m, m->intercept + s, type);
	}
	free(f);
	return 0;
}

/* The earlier mare_model_predict_features(): clamp each feature, sum. */
static void
reference_features(const struct mare_model *m, const double *feat,
    size_t n, int clamp, enum mare_model_output type, double *out)
{
	const struct mare_featspec_stats *st;
	double s, v;
	size_t r, j;

	for (r = 0; r < n; r++) {
		s = 0.0;
		for (j = 0; j < m->p; j++) {
			v = feat[r * m->p + j];
			st = &m->spec->feat[j].st;
			if (clamp && v < st->min)
				v = st->min;
			if (clamp && v > st->max)
				v = st->max;
			s += m->beta[j] * v;
		}
		out[r] = mare_model_transform(m, m->intercept + s, type);
	}
}

static size_t
ndiff(const double *a, const double *b, size_t n)
{
	size_t i, d = 0;

	for (i = 0; i < n; i++)
		if (memcmp(&a[i], &b[i], sizeof(double)) != 0)
			d++;
	return d;
}

static void
check(struct mare_model *m, const double *raw, const char *what)
{
	static double want[NROWS], got[NROWS], one[NROWS];
	struct mare_model_pred_opts po;
	struct mare_err err;
	double *feat;
	size_t r, nout, d;
	int clamp;

	mare_err_init(&err);
	feat = malloc((size_t)NROWS * m->p * sizeof(*feat));
	if (feat == NULL) {
		ok(0, "model: %s: memory", what);
		return;
	}
	for (clamp = 0; clamp <= 1; clamp++) {
		mare_model_pred_opts_init(&po);
		po.clamp = clamp;
		po.type = MARE_MODEL_LINK;
		if (reference(m, raw, NROWS, clamp, po.type, want) != 0) {
			ok(0, "model: %s: reference", what);
			continue;
		}
		d = mare_model_predict(m, raw, NROWS, &po, got, &nout,
		    &err) == 0 ? ndiff(got, want, NROWS) : NROWS;
		is_int((long long)d, 0, "model: %s, clamp %d: %d rows in "
		    "blocks, the bits of the full sum", what, clamp, NROWS);
		for (r = 0; r < NROWS; r++)
			if (mare_model_predict(m, raw + r * NV, 1, &po,
			    one + r, NULL, &err) != 0)
				one[r] = NAN;
		is_int((long long)ndiff(one, want, NROWS), 0, "model: %s, "
		    "clamp %d: row by row, the same bits", what, clamp);
		if (mare_featspec_apply_rows(m->spec, raw, NROWS, 0, feat,
		    NULL, &err) != 0 || mare_model_predict_features(m, feat,
		    NROWS, &po, got, &err) != 0)
			d = NROWS;
		else {
			reference_features(m, feat, NROWS, clamp, po.type,
			    want);
			d = ndiff(got, want, NROWS);
		}
		is_int((long long)d, 0, "model: %s, clamp %d: from feature "
		    "rows, the same bits", what, clamp);
	}
	free(feat);
}

int
main(void)
{
	static double train[NTRAIN * NV], raw[NROWS * NV];
	static int lab[NTRAIN];
	struct mare_featspec_opts fo;
	struct mare_featspec *fs;
	struct mare_model *m;
	struct mare_rng rng;
	struct mare_err err;
	double out[3], rows[3 * NV];
	size_t i, j, nz = 0;

	mare_err_init(&err);
	mare_rng_init(&rng, 42);
	for (i = 0; i < NTRAIN; i++) {
		for (j = 0; j < NV; j++)
			train[i * NV + j] = 10 * mare_rng_uniform(&rng) +
			    (double)j;
		lab[i] = i % 5 == 0;
	}
	/* rows from 20% below to 20% above the training ranges */
	for (i = 0; i < NROWS * NV; i++)
		raw[i] = 12 * mare_rng_uniform(&rng) - 2 + (double)(i % NV);
	memset(&fo, 0, sizeof(fo));
	fo.classes = "lqpht";
	fs = mare_featspec_fit(train, NTRAIN, NV, NAMES, lab, &fo, &err);
	if (fs == NULL || (m = mare_model_new(MARE_MODEL_MAXENT, fs,
	    &err)) == NULL) {
		ok(0, "model: spec and model (%s)", err.msg);
		return tap_done();
	}
	ok(m->p > 100, "model: lqpht spec of %zu features", m->p);
	m->intercept = -1.25;
	m->entropy = 3.5;
	/* about one coefficient in 9 nonzero, of both signs and scales */
	for (j = 0; j < m->p; j++)
		if (j % 9 == 4 || j == m->p - 1) {
			m->beta[j] = (j % 2 ? 1 : -1) * (0.01 + (double)j /
			    7.0) * mare_rng_uniform(&rng);
			nz++;
		}
	diag("%zu of %zu coefficients nonzero", nz, m->p);
	check(m, raw, "sparse");
	for (j = 0; j < m->p; j++)
		m->beta[j] = 0.5 - mare_rng_uniform(&rng);
	check(m, raw, "dense");
	memset(m->beta, 0, m->p * sizeof(*m->beta));
	check(m, raw, "all zero");
	memcpy(rows, raw, sizeof(rows));
	rows[NV + 2] = NAN;
	is_int(mare_model_predict(m, rows, 3, NULL, out, NULL, &err), -1,
	    "model: a NaN variable of a zero-coefficient model still fails");
	is_str(err.msg, "row 2: 'c': not a finite number",
	    "model: and names the row and variable");
	mare_model_free(m);
	return tap_done();
}
