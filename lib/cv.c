/*
 * cv.c - cross-validation of mare models: folds and per-fold metrics
 *
 * Folds are dealt from a keyed ranking (see cv.h), so that the same rows
 * and seed give the same folds in any order. Each fold's model is a
 * shallow copy of the caller's that shares its spec and owns only its
 * coefficients and JSON parts.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "blas.h"
#include "cv.h"
#include "err.h"
#include "metrics.h"
#include "model.h"
#include "par.h"
#include "rng.h"
#include "train.h"

#define NSCHEMES 5
#define MAX_USER_FOLD 1000

static const char *const scheme_names[NSCHEMES] = {
	"random", "block", "checkerboard1", "checkerboard2", "user"
};

void
mare_cv_opts_init(struct mare_cv_opts *o)
{
	o->k = 5;
	o->scheme = MARE_CV_RANDOM;
	o->seed = 1;
	o->grid = 0.0;
	o->user = NULL;
}

int
mare_cv_scheme_parse(const char *name, enum mare_cv_scheme *s)
{
	size_t i;

	if (strcmp(name, "checkerboard") == 0) {
		*s = MARE_CV_CHECKERBOARD;
		return 0;
	}
	for (i = 0; i < NSCHEMES; i++)
		if (strcmp(name, scheme_names[i]) == 0) {
			*s = (enum mare_cv_scheme)i;
			return 0;
		}
	return -1;
}

const char *
mare_cv_scheme_name(enum mare_cv_scheme s)
{
	return (unsigned)s < NSCHEMES ? scheme_names[s] : "?";
}

unsigned
mare_cv_nfolds(const struct mare_cv_opts *o, size_t n)
{
	size_t i;
	unsigned k = 0;

	switch (o->scheme) {
	case MARE_CV_BLOCK:
	case MARE_CV_CHECKERBOARD2:
		return 4;
	case MARE_CV_CHECKERBOARD:
		return 2;
	case MARE_CV_USER:
		for (i = 0; o->user != NULL && i < n; i++)
			if (o->user[i] >= 1 && o->user[i] <= MAX_USER_FOLD &&
			    (unsigned)o->user[i] > k)
				k = (unsigned)o->user[i];
		return k;
	default:
		return o->k;
	}
}

struct rk {
	uint64_t	u;
	size_t		i;
};

static int
rk_cmp(const void *a, const void *b)
{
	const struct rk *x = a, *y = b;

	if (x->u != y->u)
		return x->u < y->u ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static uint64_t
row_key(const double *r, size_t p, double y)
{
	uint64_t h = 0x6a09e667f3bcc908ULL, b;
	size_t j;
	double v;

	for (j = 0; j <= p; j++) {
		v = j < p ? r[j] : y;
		v = v == 0.0 ? 0.0 : v;
		memcpy(&b, &v, sizeof(b));
		h = mare_rng_mix64(h ^ b);
	}
	return h;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* R's quantile(x, 0.5) (type 7) of the k values in v (sorted in place). */
static double
median(double *v, size_t k)
{
	qsort(v, k, sizeof(double), cmp_double);
	if (k % 2 == 1)
		return v[k / 2];
	return 0.5 * (v[k / 2 - 1] + v[k / 2]);
}

static int
block_folds(const double *y, const double *lon, const double *lat, size_t n,
    int *fold, struct mare_err *err)
{
	double *v, mlat, mlon[2];
	size_t i, k, h;

	if (lon == NULL || lat == NULL)
		return mare_err_set(err, MARE_E_DATA, "--cv-scheme block "
		    "needs lon and lat columns");
	for (i = 0; i < n; i++)
		if (!isfinite(lon[i]) || !isfinite(lat[i]))
			return mare_err_set(err, MARE_E_DATA, "row %zu: lon/lat "
			    "not finite (needed by --cv-scheme block)", i + 1);
	if ((v = malloc((n ? n : 1) * sizeof(double))) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	for (i = k = 0; i < n; i++)
		if (y[i] > 0)
			v[k++] = lat[i];
	if (k == 0) {
		/* median() of nothing would read v[-1] */
		free(v);
		return mare_err_set(err, MARE_E_DATA, "--cv-scheme block: "
		    "no presences");
	}
	mlat = median(v, k);
	for (h = 0; h < 2; h++) {
		for (i = k = 0; i < n; i++)
			if (y[i] > 0 && (h == 0 ? lat[i] <= mlat :
			    lat[i] > mlat))
				v[k++] = lon[i];
		if (k == 0) {
			free(v);
			return mare_err_set(err, MARE_E_DATA, "--cv-scheme "
			    "block: too few distinct presence latitudes");
		}
		mlon[h] = median(v, k);
	}
	free(v);
	for (i = 0; i < n; i++) {
		h = lat[i] <= mlat ? 0 : 1;
		fold[i] = (int)(2 * h + (lon[i] <= mlon[h] ? 0 : 1));
	}
	return 0;
}

/* The colour of (lon, lat) on a board of cells of size g: 0 or 1. */
static int
colour(double lon, double lat, double g)
{
	double c = floor((lon + 180.0) / g), r = floor((90.0 - lat) / g);

	return fmod(fabs(c + r), 2.0) != 0.0;
}

static int
checker_folds(const double *lon, const double *lat, size_t n, double grid,
    int levels, int *fold, struct mare_err *err)
{
	size_t i;

	if (!(grid > 0.0) || !isfinite(grid))
		return mare_err_set(err, MARE_E_USAGE, "--cv-scheme "
		    "checkerboard%d needs --cv-grid, the cell size in "
		    "degrees", levels);
	if (lon == NULL || lat == NULL)
		return mare_err_set(err, MARE_E_DATA, "--cv-scheme "
		    "checkerboard%d needs lon and lat columns", levels);
	for (i = 0; i < n; i++) {
		if (!isfinite(lon[i]) || !isfinite(lat[i]))
			return mare_err_set(err, MARE_E_DATA, "row %zu: "
			    "lon/lat not finite (needed by --cv-scheme "
			    "checkerboard%d)", i + 1, levels);
		fold[i] = colour(lon[i], lat[i], grid);
		if (levels == 2)
			fold[i] = 2 * fold[i] + colour(lon[i], lat[i],
			    2.0 * grid);
	}
	return 0;
}

static int
user_folds(const double *u, size_t n, int *fold, struct mare_err *err)
{
	size_t i;

	if (u == NULL)
		return mare_err_set(err, MARE_E_USAGE, "--cv-scheme user "
		    "needs --folds-column");
	for (i = 0; i < n; i++) {
		if (!(u[i] >= 0 && u[i] <= MAX_USER_FOLD) ||
		    u[i] != floor(u[i]))
			return mare_err_set(err, MARE_E_DATA, "row %zu: fold "
			    "%g is not an integer from 0 to %d", i + 1, u[i],
			    MAX_USER_FOLD);
		fold[i] = (int)u[i] - 1;
	}
	return 0;
}

int
mare_cv_folds(const double *feat, size_t p, const double *y,
    const double *lon, const double *lat, size_t n, int all_rows,
    const struct mare_cv_opts *o, int *fold, struct mare_err *err)
{
	struct rk *r;
	size_t i, c, k, np = 0;
	unsigned f, *cnt, nf = mare_cv_nfolds(o, n);
	int rc = 0;

	for (i = 0; i < n; i++)
		np += y[i] > 0;
	if (o->scheme == MARE_CV_BLOCK) {
		if (block_folds(y, lon, lat, n, fold, err) != 0)
			return -1;
	} else if (o->scheme == MARE_CV_CHECKERBOARD ||
	    o->scheme == MARE_CV_CHECKERBOARD2) {
		if (checker_folds(lon, lat, n, o->grid, o->scheme ==
		    MARE_CV_CHECKERBOARD ? 1 : 2, fold, err) != 0)
			return -1;
	} else if (o->scheme == MARE_CV_USER) {
		if (user_folds(o->user, n, fold, err) != 0)
			return -1;
		if (nf < 2)
			return mare_err_set(err, MARE_E_DATA,
			    "--folds-column: %u fold%s: need at least 2", nf,
			    nf == 1 ? "" : "s");
	} else {
		if (np < o->k)
			return mare_err_set(err, MARE_E_DATA, "--cv %u: only "
			    "%zu presences, each fold needs one", o->k, np);
		if ((r = malloc((n ? n : 1) * sizeof(*r))) == NULL)
			return mare_err_set(err, MARE_E_NOMEM,
			    "out of memory");
		for (c = 0; c < 2; c++) {
			for (i = k = 0; i < n; i++) {
				if ((y[i] > 0) != (c == 1))
					continue;
				r[k].u = mare_rng_keyed_u64(o->seed,
				    row_key(feat + i * p, p, y[i]));
				r[k++].i = i;
			}
			qsort(r, k, sizeof(*r), rk_cmp);
			for (i = 0; i < k; i++)
				fold[r[i].i] = (c == 1 || all_rows) ?
				    (int)(i % o->k) : -1;
		}
		free(r);
		return 0;
	}
	/* every fold needs a presence; the first empty one is named */
	if ((cnt = calloc(nf, sizeof(*cnt))) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	for (i = 0; i < n; i++)
		if (y[i] > 0 && fold[i] >= 0)
			cnt[fold[i]]++;
	for (f = 0; f < nf && rc == 0; f++)
		if (cnt[f] == 0)
			rc = mare_err_set(err, MARE_E_DATA, "--cv-scheme "
			    "%s: fold %u has no presence",
			    mare_cv_scheme_name(o->scheme), f + 1);
	free(cnt);
	return rc;
}

/* ------------------------------------------------------------------ */

#define NMET 10
static const char *const met_names[NMET] = {
	"auc_train", "auc_val", "auc_diff", "max_tss", "boyce",
	"omission_min", "omission_p10", "logloss", "deviance_explained",
	"test_presences"
};

/* Append the nv validation scores vs and labels vy to pool. */
static int
pool_add(struct mare_cv_pool *pool, const double *vs, const double *vy,
    size_t nv, struct mare_err *err)
{
	double *a, *b;

	if (nv > SIZE_MAX / sizeof(double) - pool->n)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	if ((a = realloc(pool->score, (pool->n + nv) * sizeof(double))) ==
	    NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	pool->score = a;
	if ((b = realloc(pool->y, (pool->n + nv) * sizeof(double))) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	pool->y = b;
	memcpy(a + pool->n, vs, nv * sizeof(double));
	memcpy(b + pool->n, vy, nv * sizeof(double));
	pool->n += nv;
	return 0;
}

/*
 * Evaluate one fold; met[] gets NaN where a metric does not apply. off:
 * the Poisson offsets of the n rows, or NULL.
 */
static int
eval_fold(const struct mare_model *fm, const double *feat, const double *y,
    const double *off, const int *fold, size_t n, int f, int maxent,
    double *met, struct mare_cv_pool *pool, struct mare_err *err)
{
	double *s = NULL, *vs = NULL, *vy = NULL, *bg = NULL, *obs = NULL;
	double *ts = NULL, *ty = NULL, *ex = NULL, thr;
	size_t i, nv = 0, nb = 0, no = 0, nt = 0;
	int rc = -1;

	for (i = 0; i < NMET; i++)
		met[i] = NAN;
	if ((s = malloc(n * sizeof(double))) == NULL ||
	    (vs = malloc(n * sizeof(double))) == NULL ||
	    (vy = malloc(n * sizeof(double))) == NULL ||
	    (bg = malloc(n * sizeof(double))) == NULL ||
	    (obs = malloc(n * sizeof(double))) == NULL ||
	    (ts = malloc(n * sizeof(double))) == NULL ||
	    (ty = malloc(n * sizeof(double))) == NULL ||
	    (ex = malloc(n * sizeof(double))) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto done;
	}
	if (fm->type == MARE_MODEL_POISSON ? mare_train_poisson_means(fm, feat,
	    off, n, 1, s, ex, err) != 0 : mare_train_predict(fm, feat, n, s,
	    err) != 0)
		goto done;
	for (i = 0; i < n; i++) {
		int test = fold[i] == f;

		if (!test) {
			ts[nt] = s[i];
			ty[nt++] = y[i] > 0;
		}
		if (maxent) {
			if (y[i] == 0.0) {
				bg[nb++] = s[i];
				vs[nv] = s[i];
				vy[nv++] = 0.0;
			} else if (test) {
				obs[no++] = s[i];
				vs[nv] = s[i];
				vy[nv++] = 1.0;
			}
		} else if (test) {
			if (fm->type == MARE_MODEL_POISSON)
				ex[nv] = ex[i];	/* nv <= i */
			vs[nv] = s[i];
			vy[nv++] = fm->type == MARE_MODEL_POISSON ? y[i] :
			    (y[i] > 0);
			if (y[i] > 0)
				obs[no++] = s[i];
			else
				bg[nb++] = s[i];
		}
	}
	met[9] = (double)no;
	if (pool != NULL && fm->type != MARE_MODEL_POISSON &&
	    pool_add(pool, vs, vy, nv, err) != 0)
		goto done;
	if (fm->type == MARE_MODEL_POISSON) {
		if (mare_metrics_poisson_d2(vs, vy, ex, NULL, nv, &met[8],
		    err) != 0)
			goto done;
		rc = 0;
		goto done;
	}
	if (mare_metrics_auc(ts, ty, NULL, nt, &met[0], err) != 0 ||
	    mare_metrics_auc(vs, vy, NULL, nv, &met[1], err) != 0 ||
	    mare_metrics_max_tss(vs, vy, nv, &met[3], NULL, err) != 0 ||
	    mare_metrics_boyce(bg, nb, obs, no, &met[4], err) != 0)
		goto done;
	met[2] = met[0] - met[1];
	if (mare_metrics_presence_threshold(ts, ty, nt, 0.0, &thr, err) != 0 ||
	    mare_metrics_omission(vs, vy, nv, thr, &met[5], err) != 0 ||
	    mare_metrics_presence_threshold(ts, ty, nt, 0.1, &thr, err) != 0 ||
	    mare_metrics_omission(vs, vy, nv, thr, &met[6], err) != 0)
		goto done;
	if (!maxent && mare_metrics_logloss(vs, vy, NULL, nv, &met[7],
	    err) != 0)
		goto done;
	rc = 0;
done:
	free(s);
	free(vs);
	free(vy);
	free(bg);
	free(obs);
	free(ts);
	free(ty);
	free(ex);
	return rc;
}

static json_t *
num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *
mare_cv_run(const struct mare_model *m, const double *feat, const double *y,
    const double *w, const double *lon, const double *lat, size_t n,
    const struct mare_train_opts *to, const struct mare_cv_opts *o,
    struct mare_cv_pool *pool, struct mare_err *err)
{
	struct mare_model fm;
	struct mare_cv_opts co = *o;
	struct mare_train_opts fto = *to;
	json_t *cv = NULL, *folds = NULL, *sum = NULL, *fj;
	double *fx = NULL, *fy = NULL, *fw = NULL, *fo = NULL, met[NMET];
	double acc[NMET], acc2[NMET];
	size_t i, j, nt, p = m->p, cnt[NMET];
	int *fold = NULL, maxent = m->type == MARE_MODEL_MAXENT;
	unsigned f, k;

	k = co.k = mare_cv_nfolds(&co, n);
	memset(&fm, 0, sizeof(fm));
	if (pool != NULL)
		memset(pool, 0, sizeof(*pool));
	if ((fold = calloc(n ? n : 1, sizeof(int))) == NULL)
		goto nomem;
	if (mare_cv_folds(feat, p, y, lon, lat, n,
	    !maxent || co.scheme != MARE_CV_RANDOM, &co, fold, err) != 0)
		goto fail;
	if ((fx = malloc((n ? n : 1) * (p ? p : 1) * sizeof(double))) ==
	    NULL || (fy = malloc((n ? n : 1) * sizeof(double))) == NULL ||
	    (fw = malloc((n ? n : 1) * sizeof(double))) == NULL ||
	    (fo = malloc((n ? n : 1) * sizeof(double))) == NULL ||
	    (cv = json_object()) == NULL || (folds = json_array()) == NULL ||
	    (sum = json_object()) == NULL)
		goto nomem;
	memset(acc, 0, sizeof(acc));
	memset(acc2, 0, sizeof(acc2));
	memset(cnt, 0, sizeof(cnt));
	for (f = 0; f < k; f++) {
		for (i = nt = 0; i < n; i++) {
			if (fold[i] == (int)f)
				continue;
			memcpy(fx + nt * p, feat + i * p, p * sizeof(double));
			fy[nt] = y[i];
			fo[nt] = to->offset != NULL ? to->offset[i] : 0.0;
			fw[nt++] = w != NULL ? w[i] : 1.0;
		}
		fto.offset = to->offset != NULL ? fo : NULL;
		fm = *m;
		fm.maxent = fm.hyper = fm.convergence = fm.training = NULL;
		fm.cv = fm.profile = fm.provenance = NULL;
		fm.tuning = fm.roc = fm.importance = NULL;
		if ((fm.beta = calloc(p ? p : 1, sizeof(double))) == NULL)
			goto nomem;
		if (mare_train_fit(&fm, fx, fy, w != NULL ? fw : NULL, nt,
		    &fto, err) != 0 ||
		    eval_fold(&fm, feat, y, to->offset, fold, n, (int)f,
		    maxent, met, pool, err) != 0)
			goto fail;
		if ((fj = json_object()) == NULL)
			goto nomem;
		json_object_set_new(fj, "fold", json_integer(f + 1));
		json_object_set_new(fj, "train_rows",
		    json_integer((json_int_t)nt));
		json_object_set_new(fj, "converged", json_incref(
		    json_object_get(fm.convergence, "converged")));
		for (j = 0; j < NMET; j++) {
			if (j == 9)
				json_object_set_new(fj, met_names[j],
				    json_integer((json_int_t)met[j]));
			else
				json_object_set_new(fj, met_names[j],
				    num(met[j]));
			if (isfinite(met[j])) {
				acc[j] += met[j];
				acc2[j] += met[j] * met[j];
				cnt[j]++;
			}
		}
		json_array_append_new(folds, fj);
		free(fm.beta);
		json_decref(fm.maxent);
		json_decref(fm.hyper);
		json_decref(fm.convergence);
		memset(&fm, 0, sizeof(fm));
	}
	for (j = 0; j < NMET - 1; j++) {
		json_t *s = json_object();
		double mu = cnt[j] ? acc[j] / (double)cnt[j] : NAN, sd = NAN;

		if (s == NULL)
			goto nomem;
		if (cnt[j] > 1) {
			sd = (acc2[j] - (double)cnt[j] * mu * mu) /
			    (double)(cnt[j] - 1);
			sd = sd > 0 ? sqrt(sd) : 0.0;
		}
		json_object_set_new(s, "mean", num(mu));
		json_object_set_new(s, "sd", num(sd));
		json_object_set_new(sum, met_names[j], s);
	}
	json_object_set_new(cv, "scheme", json_string(
	    mare_cv_scheme_name(co.scheme)));
	json_object_set_new(cv, "k", json_integer(k));
	json_object_set_new(cv, "seed", json_integer((json_int_t)co.seed));
	json_object_set_new(cv, "folds", folds);
	json_object_set_new(cv, "summary", sum);
	free(fold);
	free(fx);
	free(fy);
	free(fw);
	free(fo);
	return cv;
nomem:
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
fail:
	free(fm.beta);
	json_decref(fm.maxent);
	json_decref(fm.hyper);
	json_decref(fm.convergence);
	json_decref(cv);
	json_decref(folds);
	json_decref(sum);
	free(fold);
	free(fx);
	free(fy);
	free(fw);
	free(fo);
	if (pool != NULL) {
		free(pool->score);
		free(pool->y);
		memset(pool, 0, sizeof(*pool));
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Tuning */

#define NSELECT 7

static const char *const select_names[NSELECT] = {
	"auc_val", "aicc", "auc_diff", "omission_p10", "boyce", "max_tss",
	"deviance"
};
/* The row key of each selection metric and whether larger is better. */
static const char *const select_keys[NSELECT] = {
	"auc_val_mean", "aicc", "auc_diff_mean", "omission_p10_mean",
	"boyce_mean", "max_tss_mean", "deviance_mean"
};
static const int select_max[NSELECT] = { 1, 0, 0, 0, 1, 1, 1 };

int
mare_cv_select_parse(const char *name, enum mare_cv_select *s)
{
	size_t i;

	for (i = 0; i < NSELECT; i++)
		if (strcmp(name, select_names[i]) == 0) {
			*s = (enum mare_cv_select)i;
			return 0;
		}
	return -1;
}

const char *
mare_cv_select_name(enum mare_cv_select s)
{
	return (unsigned)s < NSELECT ? select_names[s] : "?";
}

int
mare_cv_aicc(const struct mare_model *m, const double *feat,
    const double *y, size_t n, double *aicc, struct mare_err *err)
{
	struct mare_model_pred_opts po;
	double *raw, ll = 0.0, k = 0.0, np = 0.0, a;
	size_t i, j;

	*aicc = NAN;
	if (m->type != MARE_MODEL_MAXENT)
		return 0;
	if ((raw = malloc((n ? n : 1) * sizeof(double))) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	mare_model_pred_opts_init(&po);
	po.type = MARE_MODEL_EXPONENTIAL;
	po.clamp = 0;
	if (mare_model_predict_features(m, feat, n, &po, raw, err) != 0) {
		free(raw);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (y[i] > 0) {
			ll += log(raw[i]);
			np += 1.0;
		}
	free(raw);
	for (j = 0; j < m->p; j++)
		k += m->beta[j] != 0.0;
	if (k >= np)
		return 0;
	a = 2.0 * k - 2.0 * ll + 2.0 * k * (k + 1.0) / (np - k - 1.0);
	*aicc = isfinite(a) ? a : NAN;
	return 0;
}

static double
summary_stat(const json_t *cv, const char *metric, const char *stat)
{
	const json_t *v = json_object_get(json_object_get(json_object_get(cv,
	    "summary"), metric), stat);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

json_t *
mare_cv_tune_row(const struct mare_model *m, const char *features,
    const double *feat, const double *y, const double *w, const double *lon,
    const double *lat, size_t n, const struct mare_train_opts *to,
    const struct mare_cv_opts *o, struct mare_err *err)
{
	struct mare_model fm;
	json_t *row = NULL, *cv = NULL, *conv;
	double *s = NULL, auc = NAN, aicc = NAN, *yb = NULL;
	size_t i, j, nz = 0;
	int bin = m->type != MARE_MODEL_POISSON;

	fm = *m;
	fm.maxent = fm.hyper = fm.convergence = fm.training = NULL;
	fm.cv = fm.profile = fm.provenance = NULL;
	fm.tuning = fm.roc = fm.importance = NULL;
	if ((fm.beta = calloc(m->p ? m->p : 1, sizeof(double))) == NULL ||
	    (s = malloc((n ? n : 1) * sizeof(double))) == NULL ||
	    (yb = malloc((n ? n : 1) * sizeof(double))) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto done;
	}
	if (mare_train_fit(&fm, feat, y, w, n, to, err) != 0)
		goto done;
	for (j = 0; j < fm.p; j++)
		nz += fm.beta[j] != 0.0;
	for (i = 0; i < n; i++)
		yb[i] = y[i] > 0;
	if (bin && (mare_train_predict(&fm, feat, n, s, err) != 0 ||
	    mare_metrics_auc(s, yb, NULL, n, &auc, err) != 0))
		goto done;
	if (mare_cv_aicc(&fm, feat, y, n, &aicc, err) != 0)
		goto done;
	if ((cv = mare_cv_run(&fm, feat, y, w, lon, lat, n, to, o, NULL,
	    err)) == NULL)
		goto done;
	if ((row = json_object()) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto done;
	}
	conv = json_object_get(fm.convergence, "converged");
	json_object_set_new(row, "regmult", m->type == MARE_MODEL_MAXENT ?
	    json_real(to->regmult) : json_null());
	json_object_set_new(row, "lambda", m->type != MARE_MODEL_MAXENT ?
	    json_real(to->lambda) : json_null());
	json_object_set_new(row, "features", json_string(features));
	json_object_set_new(row, "auc_val_mean", num(summary_stat(cv,
	    "auc_val", "mean")));
	json_object_set_new(row, "auc_val_sd", num(summary_stat(cv,
	    "auc_val", "sd")));
	json_object_set_new(row, "auc_train", num(auc));
	json_object_set_new(row, "aicc", num(aicc));
	json_object_set_new(row, "nonzero", json_integer((json_int_t)nz));
	json_object_set_new(row, "converged",
	    json_boolean(json_is_true(conv)));
	json_object_set_new(row, "auc_diff_mean", num(summary_stat(cv,
	    "auc_diff", "mean")));
	json_object_set_new(row, "max_tss_mean", num(summary_stat(cv,
	    "max_tss", "mean")));
	json_object_set_new(row, "boyce_mean", num(summary_stat(cv, "boyce",
	    "mean")));
	json_object_set_new(row, "omission_p10_mean", num(summary_stat(cv,
	    "omission_p10", "mean")));
	json_object_set_new(row, "deviance_mean", num(summary_stat(cv,
	    "deviance_explained", "mean")));
done:
	json_decref(cv);
	free(fm.beta);
	json_decref(fm.maxent);
	json_decref(fm.hyper);
	json_decref(fm.convergence);
	free(s);
	free(yb);
	return row;
}

int
mare_cv_tune_select(const json_t *rows, enum mare_cv_select s, size_t *best,
    struct mare_err *err)
{
	const json_t *r, *v;
	double x, bx = NAN;
	json_int_t nz, bnz = 0;
	size_t i;
	int found = 0, better;

	if ((unsigned)s >= NSELECT)
		return mare_err_set(err, MARE_E_USAGE, "unknown selection");
	json_array_foreach(rows, i, r) {
		v = json_object_get(r, select_keys[s]);
		if (!json_is_number(v))
			continue;
		x = json_number_value(v);
		nz = json_integer_value(json_object_get(r, "nonzero"));
		if (!found)
			better = 1;
		else if (x == bx)
			better = nz < bnz;
		else
			better = select_max[s] ? x > bx : x < bx;
		if (better) {
			*best = i;
			bx = x;
			bnz = nz;
			found = 1;
		}
	}
	if (!found)
		return mare_err_set(err, MARE_E_DATA, "--select %s: no cell "
		    "has %s", select_names[s], s == MARE_CV_SEL_AICC ?
		    "an AICc (more coefficients than presences?)" :
		    "a value for it");
	return 0;
}

/* mare_cv_tune()'s cells on threads. */
struct tune_job {
	const struct mare_cv_grid *g;
	const double	*y, *w, *lon, *lat;
	size_t		 n;
	const struct mare_train_opts *to;
	const struct mare_cv_opts *o;
	json_t		**rows;		/* a row per cell */
	struct mare_err	*err;		/* an error per cell */
};

static int
tune_cell(void *arg, size_t i, size_t t)
{
	const struct tune_job *j = arg;
	const struct mare_cv_grid *g = j->g;
	struct mare_train_opts to = *j->to;
	size_t a = i / g->nval, v = i % g->nval;

	(void)t;
	to.threads = 1;		/* the cells are the parallel part */
	if (g->val != NULL && g->by_lambda)
		to.lambda = g->val[v];
	else if (g->val != NULL)
		to.regmult = g->val[v];
	j->rows[i] = mare_cv_tune_row(g->m[a], g->classes[a], g->feat[a],
	    j->y, j->w, j->lon, j->lat, j->n, &to, j->o, &j->err[i]);
	return j->rows[i] != NULL ? 0 : -1;
}

json_t *
mare_cv_tune(const struct mare_cv_grid *g, const double *y, const double *w,
    const double *lon, const double *lat, size_t n,
    const struct mare_train_opts *to, const struct mare_cv_opts *o,
    enum mare_cv_select s, unsigned threads, size_t *best,
    struct mare_err *err)
{
	struct tune_job j = { g, y, w, lon, lat, n, to, o, NULL, NULL };
	json_t *rows = NULL, *tu = NULL;
	size_t i, nc = g->nset * g->nval;
	int rc, blas_threads;

	if (g->val == NULL && g->nval != 1) {
		mare_err_set(err, MARE_E_USAGE, "tuning grid: no values");
		return NULL;
	}
	if (threads > nc)
		threads = (unsigned)nc;
	/* arrays of pointers: a pointer's size is meant */
	/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
	j.rows = calloc(nc ? nc : 1, sizeof(*j.rows));
	if (j.rows == NULL || (j.err = calloc(nc ? nc : 1,
	    sizeof(*j.err))) == NULL || (rows = json_array()) == NULL)
		goto nomem;
	for (i = 0; i < nc; i++)
		mare_err_init(&j.err[i]);
	blas_threads = threads > 1 ? mare_blas_hold_one() : 0;
	rc = mare_par_for(nc, threads, tune_cell, &j);
	mare_blas_set_threads(blas_threads);	/* 0: left as it was */
	if (rc != 0) {
		for (i = 0; i < nc && !mare_err_failed(&j.err[i]); i++)
			;
		*err = j.err[i < nc ? i : 0];
		goto fail;
	}
	for (i = 0; i < nc; i++) {
		if (json_array_append_new(rows, j.rows[i]) != 0)
			goto nomem;
		j.rows[i] = NULL;
	}
	if (mare_cv_tune_select(rows, s, best, err) != 0)
		goto fail;
	if ((tu = json_object()) == NULL)
		goto nomem;
	json_object_set_new(tu, "metric", json_string(mare_cv_select_name(s)));
	json_object_set_new(tu, "selected", json_integer((json_int_t)*best));
	json_object_set_new(tu, "rows", rows);
	rows = NULL;
	goto done;
nomem:
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
fail:
	json_decref(tu);
	tu = NULL;
done:
	json_decref(rows);
	for (i = 0; j.rows != NULL && i < nc; i++)
		json_decref(j.rows[i]);
	free(j.rows);
	free(j.err);
	return tu;
}
