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

#include <errno.h>
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
		if (mare_featspec_apply_rows(m->spec, raw, NROWS, 0, 1, feat,
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

/* ------------------------------------------------------------------ */
/* Loading: every refusal names the JSON path (tests/bad/model-good.json
 * is a logistic model of two linear features a and b) */

static json_t *good;

/* Parse good with one change made by the caller, as "m.json". */
static struct mare_model *
load_changed(json_t *root, struct mare_err *err)
{
	char *text = json_dumps(root, JSON_COMPACT);
	struct mare_model *m;

	mare_err_init(err);
	m = mare_model_from_json(text, strlen(text), "m.json", err);
	free(text);
	return m;
}

/* Set path (a key of root, or of root's object at key obj) to v. */
static void
refused(const char *obj, const char *key, json_t *v, const char *msg)
{
	json_t *root = json_deep_copy(good), *o = root;
	struct mare_model *m;
	struct mare_err err;

	if (obj != NULL)
		o = json_object_get(root, obj);
	if (v == NULL)
		json_object_del(o, key);
	else
		json_object_set_new(o, key, v);
	m = load_changed(root, &err);
	ok(m == NULL && err.code == MARE_E_DATA, "model: %s%s%s %s: refused",
	    obj ? obj : "", obj ? "." : "", key, v ? "changed" : "deleted");
	is_str(err.msg, msg, "model: message '%s'", msg);
	is_str(err.where, "m.json", "model: names the file");
	mare_model_free(m);
	json_decref(root);
}

static void
test_load(void)
{
	const char *src = getenv("MARE_SRCDIR");
	struct mare_model_pred_opts po;
	struct mare_featspec *fs;
	enum mare_model_output out;
	struct mare_model *m;
	struct mare_err err, ferr;
	json_error_t jerr;
	double rows[4] = { 2, 1, NAN, 1 }, got[2];
	char path[1024], want[1200], *text;

	snprintf(path, sizeof(path), "%s/tests/bad/model-good.json",
	    src != NULL && *src != '\0' ? src : ".");
	if ((good = json_load_file(path, 0, &jerr)) == NULL) {
		ok(0, "model: %s: %s", path, jerr.text);
		return;
	}
	mare_err_init(&err);
	m = mare_model_load(path, &err);
	ok(m != NULL && m->type == MARE_MODEL_LOGISTIC && m->p == 2,
	    "model: model-good.json loads: logistic, 2 features (%s)",
	    err.msg);
	mare_model_free(m);

	refused(NULL, "spec_sha256", json_integer(5),
	    "$.spec_sha256: expected a string");
	refused("link", "intercept", NULL, "$.link.intercept: missing");
	refused("link", "intercept", json_string("0"),
	    "$.link.intercept: expected a number");
	refused("link", "beta", NULL, "$.link.beta: expected 2 numbers (one "
	    "per feature), got none");
	refused("link", "beta", json_string("x"), "$.link.beta: expected 2 "
	    "numbers (one per feature), got no array");
	refused("link", "beta", json_pack("[i]", 1), "$.link.beta: expected "
	    "2 numbers (one per feature), got 1");
	refused("link", "beta", json_pack("[i,s]", 1, "x"),
	    "$.link.beta[1]: expected a number");
	refused(NULL, "entropy", json_true(), "$.entropy: expected a number");
	refused(NULL, "thresholds", NULL, "$.thresholds: missing");
	refused(NULL, "thresholds", json_integer(3),
	    "$.thresholds: expected an object");
	refused("thresholds", "max_tss", NULL,
	    "$.thresholds.max_tss: missing");
	refused(NULL, "hyperparameters", NULL, "$.hyperparameters: missing");
	refused(NULL, "provenance", json_integer(1),
	    "$.provenance: expected an object or null");

	/* a bad embedded spec: its own message, prefixed by its position */
	{
		json_t *root = json_deep_copy(good);
		json_t *f = json_object_get(root, "features");

		json_object_set_new(f, "variables", json_string("x"));
		text = json_dumps(f, JSON_COMPACT | JSON_PRESERVE_ORDER);
		mare_err_init(&ferr);
		fs = mare_featspec_from_json(text, strlen(text), "$.features",
		    &ferr);
		ok(fs == NULL && ferr.code == MARE_E_DATA, "model: the spec "
		    "alone is refused (%s: %s)", ferr.where, ferr.msg);
		snprintf(want, sizeof(want), "%s: %s", ferr.where, ferr.msg);
		free(text);
		m = load_changed(root, &err);
		ok(m == NULL && err.code == MARE_E_DATA, "model: a model "
		    "with that spec is refused");
		is_str(err.msg, want, "model: with the spec's message and "
		    "position");
		is_str(err.where, "m.json", "model: at the model file");
		json_decref(root);
	}

	/* null thresholds load as NaN; class output then needs one */
	{
		json_t *root = json_deep_copy(good);

		json_object_set_new(json_object_get(root, "thresholds"),
		    "p10_presence", json_null());
		m = load_changed(root, &err);
		ok(m != NULL && isnan(m->thr_p10) && m->thr_min > 0.76,
		    "model: a null threshold loads as NaN");
		mare_model_pred_opts_init(&po);
		po.type = MARE_MODEL_CLASS;
		mare_err_init(&err);
		ok(m != NULL && mare_model_predict(m, rows, 1, &po, got, NULL,
		    &err) == -1 && err.code == MARE_E_USAGE,
		    "model: class output without a threshold is refused");
		is_str(err.msg, "class output needs a threshold and the model "
		    "holds none", "model: saying the model holds none");
		mare_err_init(&err);
		ok(m != NULL && mare_model_predict(m, rows, 2, NULL, got, NULL,
		    &err) == -1 && err.code == MARE_E_DATA &&
		    strcmp(err.msg, "row 2: 'a': not a finite number") == 0,
		    "model: default options: a NaN in row 2 is named");
		mare_model_free(m);
		json_decref(root);
	}

	/* no src: <stdin>; invalid JSON: line and column */
	mare_err_init(&err);
	ok(mare_model_from_json("{\"a\":", 5, NULL, &err) == NULL &&
	    err.code == MARE_E_DATA && strcmp(err.where, "<stdin>:1:5") == 0,
	    "model: truncated JSON without a name is at <stdin>:1:5 (%s)",
	    err.where);
	like(err.msg, "invalid JSON: ", "model: and says invalid JSON");

	/* a folder: open works, the read fails (EISDIR) */
	mare_err_init(&err);
	ok(mare_model_load(tap_tmpdir(), &err) == NULL &&
	    err.code == MARE_E_IO && err.sys_errno == EISDIR &&
	    strcmp(err.msg, "read error") == 0, "model: loading a folder is "
	    "a read error (EISDIR)");
	is_str(err.where, tap_tmpdir(), "model: naming the folder");
	mare_err_init(&err);
	snprintf(path, sizeof(path), "%s/none.json", tap_tmpdir());
	ok(mare_model_load(path, &err) == NULL && err.code == MARE_E_NOINPUT,
	    "model: a missing file is MARE_E_NOINPUT");

	/* saving into a missing folder */
	{
		text = json_dumps(good, JSON_COMPACT);
		m = mare_model_from_json(text, strlen(text), "good", &err);
		free(text);
		snprintf(path, sizeof(path), "%s/no/dir/m.json", tap_tmpdir());
		mare_err_init(&err);
		ok(m != NULL && mare_model_save(m, path, &err) == -1 &&
		    err.code == MARE_E_CANTCREAT, "model: saving into a "
		    "missing folder is MARE_E_CANTCREAT");
		snprintf(want, sizeof(want), "cannot create '%s'", path);
		is_str(err.msg, want, "model: naming the path");
		mare_model_free(m);
	}

	/* output names */
	ok(mare_model_output_parse("raw", &out) == 0 &&
	    out == MARE_MODEL_EXPONENTIAL, "model: 'raw' is the exponential "
	    "output");
	ok(mare_model_output_parse("cloglog", &out) == 0 &&
	    out == MARE_MODEL_CLOGLOG, "model: 'cloglog' parses");
	is_int(mare_model_output_parse("probit", &out), -1,
	    "model: 'probit' is not an output");
	json_decref(good);
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
	test_load();
	return tap_done();
}
