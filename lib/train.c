/*
 * train.c - fitting models: maxnet's MaxEnt, penalised logistic and Poisson
 *
 * MaxEnt follows maxnet 0.1.4 step by step (see train.h): the background
 * is completed with the presences it lacks (a hash of the background's
 * feature rows finds them), the penalties come from maxnet's tables, and
 * the 200-step glmnet path is solved by mare_optim_path() with glmnet's
 * penalty-factor rescaling done here, since optim leaves the factors as
 * given, and with glmnet's stopping rule (tol is glmnet's thresh), so
 * that the fit stops where maxnet's does. The normalisers are computed in log space (log-sum-exp), so that
 * a large link does not overflow where R's exp() would give Inf.
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
#include "err.h"
#include "featspec.h"
#include "metrics.h"
#include "model.h"
#include "optim.h"
#include "par.h"
#include "rng.h"
#include "train.h"

#define IMP_BLOCK	4096	/* rows predicted at a time by importance */
#define IMP_CACHE_MAX	(8UL << 20)	/* doubles of unpermuted features */
#define PRED_CHUNK	65536	/* rows a thread predicts at a time */

void
mare_train_opts_init(struct mare_train_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->regmult = 1.0;
	o->add_samples = 1;
	o->lambda = 0.0;
	o->alpha = 0.0;
	o->standardize = 1;
	o->tol = 1e-7;
	o->max_iter = 1000;
	o->threads = 1;
}

/* R's approx(x, y, xout, rule = 2) on a table of k points. */
static double
approx(const double *x, const double *y, size_t k, double v)
{
	size_t i;

	if (v <= x[0])
		return y[0];
	for (i = 1; i < k; i++)
		if (v <= x[i])
			return y[i - 1] + (y[i] - y[i - 1]) * (v - x[i - 1]) /
			    (x[i] - x[i - 1]);
	return y[k - 1];
}

static const double lx[] = { 0, 10, 30, 100 }, ly[] = { 1, 1, 0.2, 0.05 };
static const double qx[] = { 0, 10, 17, 30, 100 };
static const double qy[] = { 1.3, 0.8, 0.5, 0.25, 0.05 };
static const double py[] = { 2.6, 1.6, 0.9, 0.55, 0.05 };
static const double cx[] = { 0, 10, 17 }, cy[] = { 0.65, 0.5, 0.25 };
static const double tx[] = { 0, 100 }, ty[] = { 2, 1 };

/* mare_train_maxent_penalty()'s column sums, by blocks of columns. */
struct pen_job {
	const double	*feat, *y;
	size_t		 n, p, np, cols;
	double		*amean, *alo, *ahi, *as;
};

/*
 * Block b of jb->cols columns: the range over all rows, then the mean
 * and the sum of squared deviations over the presences, each column's
 * sums over the rows in order whatever the blocks.
 */
static int
pen_block(void *arg, size_t b, size_t thread)
{
	const struct pen_job *jb = arg;
	size_t p = jb->p, i, j;
	size_t j0 = b * jb->cols, j1 = p - j0 < jb->cols ? p : j0 + jb->cols;
	const double *row;
	double v;

	(void)thread;
	for (j = j0; j < j1; j++) {
		jb->alo[j] = INFINITY;
		jb->ahi[j] = -INFINITY;
	}
	for (i = 0; i < jb->n; i++) {
		row = jb->feat + i * p;
		for (j = j0; j < j1; j++) {
			jb->alo[j] = row[j] < jb->alo[j] ? row[j] : jb->alo[j];
			jb->ahi[j] = row[j] > jb->ahi[j] ? row[j] : jb->ahi[j];
		}
		if (jb->y[i] == 1.0)
			for (j = j0; j < j1; j++)
				jb->amean[j] += row[j];
	}
	for (j = j0; j < j1; j++)
		jb->amean[j] /= (double)jb->np;
	for (i = 0; i < jb->n; i++)
		if (jb->y[i] == 1.0)
			for (j = j0, row = jb->feat + i * p; j < j1; j++) {
				v = row[j] - jb->amean[j];
				jb->as[j] += v * v;
			}
	return 0;
}

int
mare_train_maxent_penalty(const struct mare_model *m, const double *feat,
    const double *y, size_t n, unsigned threads, double *reg,
    struct mare_err *err)
{
	const struct mare_featspec *fs = m->spec;
	const double *tabx = lx, *taby = ly;
	size_t tabk = 4, np = 0, i, j;
	double cls, sd, mean, s, lo, hi, v, fl, rnp;
	double *acc, *amean, *alo, *ahi, *as;
	struct pen_job jb;
	int anyq = 0, anyp = 0;

	for (i = 0; i < n; i++)
		if (y[i] == 1.0)
			np++;
	if (np == 0)
		return mare_err_set(err, MARE_E_DATA, "no presence (label 1)");
	for (j = 0; j < m->p; j++) {
		anyq |= fs->feat[j].cls == MARE_FEATSPEC_QUADRATIC;
		anyp |= fs->feat[j].cls == MARE_FEATSPEC_PRODUCT;
	}
	if (anyq) {
		tabx = qx;
		taby = qy;
		tabk = 5;
	}
	if (anyp) {
		tabx = qx;
		taby = py;
		tabk = 5;
	}
	rnp = sqrt((double)np);
	/*
	 * sd over presences (n - 1), two passes; range over all rows. The
	 * passes run row by row (feat is row-major), on threads by blocks
	 * of columns (a block per thread, at least 64 columns).
	 */
	if ((acc = calloc(4 * (m->p ? m->p : 1), sizeof(double))) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	amean = acc;
	alo = acc + m->p;
	ahi = acc + 2 * m->p;
	as = acc + 3 * m->p;
	jb.feat = feat;
	jb.y = y;
	jb.n = n;
	jb.p = m->p;
	jb.np = np;
	jb.cols = mare_par_cols(m->p, threads, 64);
	jb.amean = amean;
	jb.alo = alo;
	jb.ahi = ahi;
	jb.as = as;
	(void)mare_par_for((m->p + jb.cols - 1) / jb.cols, threads,
	    pen_block, &jb);
	for (j = 0; j < m->p; j++) {
		switch (fs->feat[j].cls) {
		case MARE_FEATSPEC_HINGE:
			cls = 0.5;
			break;
		case MARE_FEATSPEC_CATEGORICAL:
			cls = approx(cx, cy, 3, (double)np);
			break;
		case MARE_FEATSPEC_THRESHOLD:
			cls = approx(tx, ty, 2, (double)np);
			break;
		default:
			cls = approx(tabx, taby, tabk, (double)np);
			break;
		}
		cls /= rnp;
		mean = amean[j];
		lo = alo[j];
		hi = ahi[j];
		s = as[j];
		sd = np > 1 ? sqrt(s / (double)(np - 1)) : NAN;
		fl = 0.001 * (hi - lo);
		if (fs->feat[j].cls == MARE_FEATSPEC_HINGE) {
			v = isnan(sd) || sd < 1.0 / rnp ? 1.0 / rnp : sd;
			v = v * 0.5 / rnp;
			if (v > fl)
				fl = v;
		}
		if (fs->feat[j].cls == MARE_FEATSPEC_THRESHOLD &&
		    (mean == 0.0 || mean == 1.0) && fl < 1.0)
			fl = 1.0;
		/* R's pmax() gives NA for an NA sd; mare takes the floor */
		v = isnan(sd) ? 0.0 : sd * cls;
		reg[j] = v > fl ? v : fl;
	}
	free(acc);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Presences missing from the background */

static uint64_t
row_hash(const double *r, const size_t *col, size_t nc)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL, b;
	size_t j;
	double v;

	/* a multiply per value, one full mix at the end */
	for (j = 0; j < nc; j++) {
		v = r[col[j]] == 0.0 ? 0.0 : r[col[j]];	/* -0 == 0 */
		memcpy(&b, &v, sizeof(b));
		h = (h ^ b) * 0x100000001b3ULL;
	}
	return mare_rng_mix64(h);
}

static int
row_eq(const double *a, const double *b, size_t p)
{
	size_t j;

	for (j = 0; j < p; j++)
		if (a[j] != b[j])
			return 0;
	return 1;
}

/*
 * The columns that missing_presences() hashes, into col (p entries): the
 * linear features when every continuous variable of fs has one, else all
 * p columns. Equal rows have equal values in any set of columns, so the
 * set changes only how often different rows share a hash, never which
 * rows are found equal (row_eq() compares whole rows); the linear
 * features are the raw values, which tell rows apart as well as the whole
 * row does, at a hundredth of the work for maxnet's default classes.
 * Returns the number of columns.
 */
static size_t
hash_columns(const struct mare_featspec *fs, size_t p, size_t *col)
{
	size_t j, v, nc = 0, nlin = 0, ncont = 0;

	if (fs != NULL && fs->nfeat == p) {
		for (v = 0; v < fs->nvars; v++)
			ncont += !fs->vars[v].categorical;
		for (j = 0; j < p; j++)
			if (fs->feat[j].cls == MARE_FEATSPEC_LINEAR &&
			    !fs->vars[fs->feat[j].var].categorical) {
				col[nc++] = j;
				nlin++;
			}
		if (nlin == ncont && nlin > 0)
			return nc;
	}
	for (j = 0; j < p; j++)
		col[j] = j;
	return p;
}

/*
 * Mark in add[i] the presences whose row is no background row; the rows
 * are hashed on the columns of hash_columns(). Returns the count, or
 * (size_t)-1 when out of memory.
 */
static size_t
missing_presences(const struct mare_featspec *fs, const double *x,
    const double *y, size_t n, size_t p, unsigned char *add)
{
	size_t cap = 16, mask, i, k, nc, nadd = 0, *tab, *col;

	while (cap < 2 * n)
		cap *= 2;
	mask = cap - 1;
	tab = malloc(cap * sizeof(*tab));
	col = malloc((p ? p : 1) * sizeof(*col));
	if (tab == NULL || col == NULL) {
		free(tab);
		free(col);
		return (size_t)-1;
	}
	nc = hash_columns(fs, p, col);
	for (i = 0; i < cap; i++)
		tab[i] = SIZE_MAX;
	for (i = 0; i < n; i++) {
		if (y[i] != 0.0)
			continue;
		k = (size_t)row_hash(x + i * p, col, nc) & mask;
		while (tab[k] != SIZE_MAX)
			k = (k + 1) & mask;
		tab[k] = i;
	}
	for (i = 0; i < n; i++) {
		add[i] = 0;
		if (y[i] != 1.0)
			continue;
		k = (size_t)row_hash(x + i * p, col, nc) & mask;
		while (tab[k] != SIZE_MAX &&
		    !row_eq(x + tab[k] * p, x + i * p, p))
			k = (k + 1) & mask;
		if (tab[k] == SIZE_MAX) {
			add[i] = 1;
			nadd++;
		}
	}
	free(tab);
	free(col);
	return nadd;
}

/* ------------------------------------------------------------------ */
/* Fitting */

static json_t *
conv_json(const struct mare_optim_fit *f, const struct mare_train_opts *o,
    int steps)
{
	json_t *c = json_object();

	if (c == NULL)
		return NULL;
	json_object_set_new(c, "converged", json_boolean(f->converged));
	json_object_set_new(c, "iterations", json_integer(f->iterations));
	json_object_set_new(c, "kkt", json_real(f->kkt));
	json_object_set_new(c, "tol", json_real(o->tol));
	json_object_set_new(c, "max_iter", json_integer(o->max_iter));
	json_object_set_new(c, "objective", json_real(f->objective));
	json_object_set_new(c, "loss", json_real(f->loss));
	json_object_set_new(c, "lambda", json_real(f->lambda));
	json_object_set_new(c, "path_steps", json_integer(steps));
	return c;
}

/*
 * The structure of maxent's columns for mare_optim_path(): every hinge
 * and threshold feature of a variable is a clamp01 or step function of
 * its first left hinge, clamp01((x - min) / (max - min)) (see optim.h).
 */
static void
maxent_structure(const struct mare_featspec *fs, size_t p, size_t *key,
    double *a, double *b)
{
	const struct mare_featspec_feat *f;
	const struct mare_featspec_stats *st;
	size_t j, k;
	double r;

	for (j = 0; j < p; j++) {
		key[j] = (size_t)-1;
		a[j] = b[j] = 0.0;
	}
	if (fs == NULL || fs->nfeat != p)
		return;
	for (j = 0; j < p; j++) {
		f = &fs->feat[j];
		if (f->cls != MARE_FEATSPEC_HINGE &&
		    f->cls != MARE_FEATSPEC_THRESHOLD)
			continue;
		st = &fs->vars[f->var].st;
		if (!(st->max > st->min))
			continue;
		for (k = 0; k < p; k++)	/* the key: the first left hinge */
			if (fs->feat[k].cls == MARE_FEATSPEC_HINGE &&
			    fs->feat[k].var == f->var &&
			    fs->feat[k].lo == st->min &&
			    fs->feat[k].hi == st->max)
				break;
		if (k == p)
			continue;
		r = st->max - st->min;
		key[j] = k;
		if (f->cls == MARE_FEATSPEC_HINGE) {
			a[j] = (f->lo - st->min) / r;
			b[j] = (f->hi - st->min) / r;
		} else
			a[j] = b[j] = (f->knot - st->min) / r;
	}
}

static int
fit_maxent(struct mare_model *m, const double *feat, const double *y,
    size_t n, const struct mare_train_opts *o, struct mare_err *err)
{
	struct mare_optim_data d;
	struct mare_optim_opts oo;
	struct mare_optim_fit *fits = NULL;
	unsigned char *add = NULL;
	double *x = NULL, *yy = NULL, *w = NULL, *reg = NULL, *pf = NULL;
	double *pa = NULL, *pb = NULL;
	size_t *pkey = NULL;
	double lam[MARE_TRAIN_MAXENT_STEPS], sreg = 0, sy = 0, sw = 0;
	double mx, lse, l, ent, *link = NULL;
	size_t nadd = 0, N, i, k, a, p = m->p, nbg = 0, np = 0, nz;
	json_t *mj, *pen;
	int rc = -1, s;

	if ((add = calloc(n ? n : 1, 1)) == NULL ||
	    (reg = malloc((p ? p : 1) * sizeof(double))) == NULL ||
	    (pf = malloc((p ? p : 1) * sizeof(double))) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (y[i] != 0.0 && y[i] != 1.0) {
			mare_err_set(err, MARE_E_DATA, "row %zu: label %g is "
			    "not 0 or 1", i + 1, y[i]);
			goto done;
		}
		if (y[i] == 1.0)
			np++;
	}
	if (np == 0 || np == n) {
		mare_err_set(err, MARE_E_DATA, "all labels are %d: maxent "
		    "needs presences (1) and background (0)", np ? 1 : 0);
		goto done;
	}
	if (mare_train_maxent_penalty(m, feat, y, n, o->threads, reg,
	    err) != 0)
		goto done;
	if (o->add_samples &&
	    (nadd = missing_presences(m->spec, feat, y, n, p,
	    add)) == (size_t)-1) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto done;
	}
	N = n + nadd;
	if ((nadd > 0 && (x = malloc(N * (p ? p : 1) *
	    sizeof(double))) == NULL) ||
	    (yy = malloc(N * sizeof(double))) == NULL ||
	    (w = malloc(N * sizeof(double))) == NULL ||
	    (link = malloc(N * sizeof(double))) == NULL ||
	    (fits = calloc(MARE_TRAIN_MAXENT_STEPS, sizeof(*fits))) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto done;
	}
	/* the design is copied only when presences join the background */
	if (nadd > 0) {
		memcpy(x, feat, n * p * sizeof(double));
		for (i = 0, k = n; i < n; i++)
			if (add[i])
				memcpy(x + k++ * p, feat + i * p,
				    p * sizeof(double));
	}
	memcpy(yy, y, n * sizeof(double));
	for (i = 0, k = n; i < n; i++)
		if (add[i])
			yy[k++] = 0.0;
	for (i = 0; i < N; i++) {
		w[i] = yy[i] == 1.0 ? 1.0 : MARE_TRAIN_BG_WEIGHT;
		sy += yy[i];
		sw += w[i];
		if (yy[i] == 0.0)
			nbg++;
	}
	for (k = 0; k < p; k++) {
		reg[k] *= o->regmult;
		sreg += reg[k];
	}
	/* glmnet: vp <- vp * nvars / sum(vp) */
	for (k = 0; k < p; k++)
		pf[k] = reg[k] * (double)p / sreg;
	for (s = 0; s < MARE_TRAIN_MAXENT_STEPS; s++)
		lam[s] = pow(10.0, 4.0 - 4.0 * s /
		    (MARE_TRAIN_MAXENT_STEPS - 1)) * (sreg / (double)p) *
		    sy / sw;
	d.x = nadd > 0 ? x : feat;
	d.n = N;
	d.p = p;
	d.y = yy;
	d.w = w;
	d.offset = NULL;
	if ((pkey = malloc((p ? p : 1) * sizeof(size_t))) == NULL ||
	    (pa = malloc((p ? p : 1) * sizeof(double))) == NULL ||
	    (pb = malloc((p ? p : 1) * sizeof(double))) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto done;
	}
	maxent_structure(m->spec, p, pkey, pa, pb);
	d.pl_key = pkey;
	d.pl_a = pa;
	d.pl_b = pb;
	mare_optim_opts_init(&oo);
	oo.family = MARE_OPTIM_LOGISTIC;
	oo.alpha = 1.0;
	oo.penalty_factor = pf;
	oo.intercept = 1;
	oo.standardize = 0;
	oo.tol = o->tol;
	oo.max_iter = o->max_iter;
	oo.stop = MARE_OPTIM_STOP_GLMNET;	/* maxnet's glmnet, thresh */
	oo.last_only = 1;			/* and its last fit only */
	oo.threads = o->threads;
	oo.lambda = lam[MARE_TRAIN_MAXENT_STEPS - 1];
	/*
	 * Above one thread the path holds OpenBLAS at one (its threads
	 * would split the gemv and gemm calls, and the model's rounding
	 * with them, by their count); with 1 the caller keeps it there
	 * (--threads 1; --tune's cells, fitted side by side).
	 */
	s = mare_optim_path(&d, &oo, lam, MARE_TRAIN_MAXENT_STEPS, 0.0, fits,
	    err);
	if (s != 0) {
		free(fits);
		fits = NULL;
		goto done;
	}
	{
		const struct mare_optim_fit *f =
		    &fits[MARE_TRAIN_MAXENT_STEPS - 1];

		memcpy(m->beta, f->beta, p * sizeof(double));
		/*
		 * link without intercept at every background row, over the
		 * non-zero coefficients (in column order, so the same sums)
		 */
		for (k = 0, nz = 0; k < p; k++)
			if (m->beta[k] != 0.0)
				pkey[nz++] = k;
		mx = -INFINITY;
		for (i = 0; i < N; i++) {
			if (yy[i] != 0.0)
				continue;
			l = 0.0;
			for (a = 0; a < nz; a++)
				l += d.x[i * p + pkey[a]] * m->beta[pkey[a]];
			link[i] = l;
			if (l > mx)
				mx = l;
		}
		lse = 0.0;
		for (i = 0; i < N; i++)
			if (yy[i] == 0.0)
				lse += exp(link[i] - mx);
		/* labels were checked above: there is background, so lse >= 1 */
		if (!(lse > 0.0)) {
			mare_err_set(err, MARE_E_INTERNAL, "maxent: no "
			    "background rows to normalise over");
			goto done;
		}
		lse = mx + log(lse);
		ent = 0.0;
		for (i = 0; i < N; i++)
			if (yy[i] == 0.0) {
				l = link[i] - lse;
				ent -= exp(l) * l;
			}
		m->intercept = -lse;
		m->entropy = ent;
		mj = json_object();
		pen = json_array();
		if (mj == NULL || pen == NULL) {
			json_decref(mj);
			json_decref(pen);
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto done;
		}
		for (k = 0; k < p; k++)
			json_array_append_new(pen, json_real(reg[k]));
		json_object_set_new(mj, "entropy", json_real(ent));
		json_object_set_new(mj, "alpha", json_real(-lse));
		json_object_set_new(mj, "glmnet_intercept",
		    json_real(f->intercept));
		json_object_set_new(mj, "presences", json_integer(
		    (json_int_t)np));
		json_object_set_new(mj, "background", json_integer(
		    (json_int_t)nbg));
		json_object_set_new(mj, "added_presences", json_integer(
		    (json_int_t)nadd));
		json_object_set_new(mj, "presence_weight", json_real(1.0));
		json_object_set_new(mj, "background_weight",
		    json_real(MARE_TRAIN_BG_WEIGHT));
		json_object_set_new(mj, "lambda_first", json_real(lam[0]));
		json_object_set_new(mj, "lambda_last",
		    json_real(lam[MARE_TRAIN_MAXENT_STEPS - 1]));
		json_object_set_new(mj, "nonzero", json_integer(
		    (json_int_t)f->n_nonzero));
		json_object_set_new(mj, "penalty", pen);
		json_decref(m->maxent);
		m->maxent = mj;
		json_decref(m->convergence);
		m->convergence = conv_json(f, o, MARE_TRAIN_MAXENT_STEPS);
		json_decref(m->hyper);
		m->hyper = json_object();
		json_object_set_new(m->hyper, "classes",
		    json_string(m->spec->classes));
		json_object_set_new(m->hyper, "regmult",
		    json_real(o->regmult));
		json_object_set_new(m->hyper, "add_samples_to_background",
		    json_boolean(o->add_samples));
		if (m->convergence == NULL || m->hyper == NULL) {
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto done;
		}
	}
	rc = 0;
done:
	if (fits != NULL)
		for (s = 0; s < MARE_TRAIN_MAXENT_STEPS; s++)
			mare_optim_fit_release(&fits[s]);
	free(fits);
	free(add);
	free(x);
	free(yy);
	free(w);
	free(reg);
	free(pf);
	free(link);
	free(pkey);
	free(pa);
	free(pb);
	return rc;
}

static int
fit_glm(struct mare_model *m, const double *feat, const double *y,
    const double *w, size_t n, const struct mare_train_opts *o,
    struct mare_err *err)
{
	struct mare_optim_data d;
	struct mare_optim_opts oo;
	struct mare_optim_fit f;

	memset(&f, 0, sizeof(f));
	d.x = feat;
	d.n = n;
	d.p = m->p;
	d.y = y;
	d.w = w;
	d.offset = m->type == MARE_MODEL_POISSON ? o->offset : NULL;
	d.pl_key = NULL;
	d.pl_a = d.pl_b = NULL;
	mare_optim_opts_init(&oo);
	oo.family = m->type == MARE_MODEL_POISSON ? MARE_OPTIM_POISSON :
	    MARE_OPTIM_LOGISTIC;
	oo.lambda = o->lambda;
	oo.alpha = o->alpha;
	oo.intercept = 1;
	oo.standardize = o->standardize;
	oo.tol = o->tol;
	oo.max_iter = o->max_iter;
	oo.threads = o->threads;
	if (o->alpha > 0.0)
		oo.path_steps = 20;
	if (mare_optim_fit(&d, &oo, &f, err) != 0)
		return -1;
	memcpy(m->beta, f.beta, m->p * sizeof(double));
	m->intercept = f.intercept;
	m->entropy = 0.0;
	json_decref(m->convergence);
	m->convergence = conv_json(&f, o, f.path_steps);
	json_decref(m->hyper);
	m->hyper = json_object();
	if (m->convergence == NULL || m->hyper == NULL) {
		mare_optim_fit_release(&f);
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	}
	json_object_set_new(m->hyper, "penalty", json_string(o->alpha == 0.0 ?
	    "l2" : o->alpha == 1.0 ? "l1" : "elasticnet"));
	json_object_set_new(m->hyper, "lambda", json_real(o->lambda));
	json_object_set_new(m->hyper, "alpha", json_real(o->alpha));
	json_object_set_new(m->hyper, "standardize",
	    json_boolean(o->standardize));
	json_object_set_new(m->hyper, "zero_variance_features",
	    json_integer((json_int_t)f.n_zero_var));
	mare_optim_fit_release(&f);
	return 0;
}

int
mare_train_fit(struct mare_model *m, const double *feat, const double *y,
    const double *w, size_t n, const struct mare_train_opts *o,
    struct mare_err *err)
{
	struct mare_train_opts def;

	if (o == NULL) {
		mare_train_opts_init(&def);
		o = &def;
	}
	if (m->type == MARE_MODEL_MAXENT)
		return fit_maxent(m, feat, y, n, o, err);
	return fit_glm(m, feat, y, w, n, o, err);
}

int
mare_train_predict(const struct mare_model *m, const double *feat, size_t n,
    double *out, struct mare_err *err)
{
	return mare_train_predict_threads(m, feat, n, 1, out, err);
}

/* The row chunks of mare_train_predict_threads(), on threads. */
struct pred_job {
	const struct mare_model *m;
	const double	*x;		/* feature rows, or raw ones */
	int		 raw;
	const struct mare_model_pred_opts *po;
	size_t		 n;
	double		*out;
	struct mare_err	*err;		/* a chunk's error */
};

static int
pred_chunk(void *arg, size_t c, size_t t)
{
	struct pred_job *j = arg;
	size_t i0 = c * PRED_CHUNK, nb = j->n - i0 < PRED_CHUNK ? j->n - i0 :
	    PRED_CHUNK;

	(void)t;
	if (j->raw)
		return mare_model_predict(j->m, j->x + i0 * j->m->spec->nvars,
		    nb, j->po, j->out + i0, NULL, &j->err[c]);
	return mare_model_predict_features(j->m, j->x + i0 * j->m->p, nb,
	    j->po, j->out + i0, &j->err[c]);
}

/* One pass (an error names the row from the first), or chunks on threads. */
static int
pred_run(struct pred_job *j, unsigned threads, struct mare_err *err)
{
	size_t nc = (j->n + PRED_CHUNK - 1) / PRED_CHUNK;
	int rc = -1;

	/* a row's prediction is its own: chunks give the same bits */
	if (threads > 1 && nc > 1) {
		if ((j->err = calloc(nc, sizeof(*j->err))) == NULL)
			return mare_err_set(err, MARE_E_NOMEM,
			    "out of memory");
		rc = mare_par_for(nc, threads, pred_chunk, j);
		free(j->err);
	}
	if (rc != 0 && j->raw)
		rc = mare_model_predict(j->m, j->x, j->n, j->po, j->out, NULL,
		    err);
	else if (rc != 0)
		rc = mare_model_predict_features(j->m, j->x, j->n, j->po,
		    j->out, err);
	return rc;
}

int
mare_train_predict_threads(const struct mare_model *m, const double *feat,
    size_t n, unsigned threads, double *out, struct mare_err *err)
{
	struct mare_model_pred_opts po;
	struct pred_job j;

	mare_model_pred_opts_init(&po);
	po.clamp = 0;
	j.m = m;
	j.x = feat;
	j.raw = 0;
	j.po = &po;
	j.n = n;
	j.out = out;
	j.err = NULL;
	return pred_run(&j, threads, err);
}

int
mare_train_poisson_means(const struct mare_model *m, const double *feat,
    const double *off, size_t n, unsigned threads, double *mu, double *expo,
    struct mare_err *err)
{
	size_t i;
	double e;

	if (mare_train_predict_threads(m, feat, n, threads, mu, err) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		e = off != NULL ? exp(off[i]) : 1.0;
		if (off != NULL)
			mu[i] *= e;
		if (expo != NULL)
			expo[i] = e;
	}
	return 0;
}

int
mare_train_predict_raw(const struct mare_model *m, const double *raw,
    size_t n, const struct mare_model_pred_opts *o, unsigned threads,
    double *out, struct mare_err *err)
{
	struct pred_job j;

	j.m = m;
	j.x = raw;
	j.raw = 1;
	j.po = o;
	j.n = n;
	j.out = out;
	j.err = NULL;
	return pred_run(&j, threads, err);
}

int
mare_train_thresholds(struct mare_model *m, const double *feat,
    const double *y, size_t n, unsigned threads, struct mare_err *err)
{
	double *s;
	int rc = -1;

	m->thr_min = m->thr_p10 = m->thr_maxtss = NAN;
	if (m->type == MARE_MODEL_POISSON)
		return 0;
	if ((s = malloc((n ? n : 1) * sizeof(double))) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	if (mare_train_predict_threads(m, feat, n, threads, s, err) == 0)
		rc = mare_train_thresholds_scores(m, s, y, n, err);
	free(s);
	return rc;
}

int
mare_train_thresholds_scores(struct mare_model *m, const double *s,
    const double *y, size_t n, struct mare_err *err)
{
	double tss;

	m->thr_min = m->thr_p10 = m->thr_maxtss = NAN;
	if (m->type == MARE_MODEL_POISSON)
		return 0;
	if (mare_metrics_presence_threshold(s, y, n, 0.0, &m->thr_min,
	    err) != 0 ||
	    mare_metrics_presence_threshold(s, y, n, 0.1, &m->thr_p10,
	    err) != 0)
		return -1;
	return mare_metrics_max_tss(s, y, n, &tss, &m->thr_maxtss, err);
}

/*
 * A view of m restricted to its non-zero coefficients: the same
 * predictions (terms of 0 add exactly nothing, and the rest are summed in
 * the same order) for a fraction of the featurisation. The view shares
 * m's variables and JSON parts; free *fs->feat and *beta only.
 */
static int
nonzero_view(const struct mare_model *m, struct mare_model *v,
    struct mare_featspec *fs, struct mare_err *err)
{
	size_t j, k = 0;

	*v = *m;
	*fs = *m->spec;
	fs->feat = malloc((m->p ? m->p : 1) * sizeof(*fs->feat));
	v->beta = malloc((m->p ? m->p : 1) * sizeof(double));
	if (fs->feat == NULL || v->beta == NULL) {
		free(fs->feat);
		free(v->beta);
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	}
	for (j = 0; j < m->p; j++)
		if (m->beta[j] != 0.0) {
			fs->feat[k] = m->spec->feat[j];
			v->beta[k++] = m->beta[j];
		}
	fs->nfeat = k;
	v->p = k;
	v->spec = fs;
	return 0;
}

/*
 * 1 when every feature of the view is a linear one of a continuous
 * variable: its predictions are then plain sums over the raw values.
 */
static int
view_linear(const struct mare_featspec *fs)
{
	size_t k;

	for (k = 0; k < fs->nfeat; k++)
		if (fs->feat[k].cls != MARE_FEATSPEC_LINEAR ||
		    fs->vars[fs->feat[k].var].categorical)
			return 0;
	return 1;
}

/*
 * The default-scale scores of rows [i0, i0 + nb) under a view_linear()
 * model, with variable v's values taken from col (v >= nvars: none, and
 * col is not read):
 * the sum, in the same order, that mare_model_predict() computes (a
 * linear feature is its raw value), so the same bits, without the
 * feature rows.
 */
static void
linear_scores(const struct mare_model *vm, const double *raw, size_t i0,
    size_t nb, size_t v, const double *col, double *s)
{
	const struct mare_featspec *fs = vm->spec;
	enum mare_model_output type = mare_model_default_output(vm);
	const double *row;
	double sum;
	size_t nv = fs->nvars, i, k, var;

	for (i = i0; i < i0 + nb; i++) {
		row = raw + i * nv;
		sum = 0.0;
		for (k = 0; k < fs->nfeat; k++) {
			var = fs->feat[k].var;
			sum += vm->beta[k] * (var == v ? col[i] : row[var]);
		}
		s[i] = mare_model_transform(vm, vm->intercept + sum, type);
	}
}

/*
 * The default-scale scores of rows [i0, i0 + nb) under the view vm with
 * variable v's values taken from col, from fb, the view's features of the
 * unpermuted rows (n x vm->p): only the nd features dep[] of v are
 * computed again, from a copy of the row in x (nv doubles); the link is
 * the sum in feature order that mare_model_predict() takes, so the same
 * bits. Returns 0, or -1 with err set (raw values are checked by the
 * caller: none is expected).
 */
static int
cached_scores(const struct mare_model *vm, const double *raw,
    const double *fb, size_t i0, size_t nb, size_t v, const double *col,
    const size_t *dep, size_t nd, double *x, double *s, struct mare_err *err)
{
	enum mare_model_output type = mare_model_default_output(vm);
	size_t nv = vm->spec->nvars, p = vm->p, i, k, d;
	double sum;

	for (i = i0; i < i0 + nb; i++) {
		memcpy(x, raw + i * nv, nv * sizeof(double));
		x[v] = col[i];
		if (mare_featspec_apply_some(vm->spec, x, 0, dep, nd, x + nv,
		    err) < 0)
			return -1;
		sum = 0.0;
		for (k = 0, d = 0; k < p; k++)
			if (d < nd && dep[d] == k)
				sum += vm->beta[k] * x[nv + d++];
			else
				sum += vm->beta[k] * fb[i * p + k];
		s[i] = mare_model_transform(vm, vm->intercept + sum, type);
	}
	return 0;
}

/* The permuted variables of mare_train_importance(), on threads. */
struct imp_job {
	const struct mare_model *vm;
	const double	*raw, *y;
	size_t		 n, nv;
	uint64_t	 seed;
	int		 lin;
	double		 auc0;
	double		*drop;		/* nv: each variable's drop */
	double		**col, **s, **x;	/* a thread's buffers */
	const double	*fb;		/* the view's features, or NULL */
	const size_t	*dep, *dep0;	/* v's: dep[dep0[v] .. dep0[v + 1]) */
	struct mare_err	*err;		/* a thread's error */
};

/*
 * Variable v permuted: a shuffled copy of its column in the thread's col,
 * the scores of every row in its s, their AUC with col and s as the sort's
 * work memory (the scores are read first), the drop into drop[v].
 */
static int
imp_var(void *arg, size_t v, size_t t)
{
	struct imp_job *j = arg;
	struct mare_model_pred_opts po;
	struct mare_rng r;
	double *col = j->col[t], *s = j->s[t], *x = j->x[t], tmp, auc;
	size_t n = j->n, nv = j->nv, i, k, i0, nb;

	for (i = 0; i < n; i++)
		col[i] = j->raw[i * nv + v];
	mare_rng_init_keyed(&r, j->seed, (uint64_t)v);
	for (i = n; i > 1; i--) {
		k = (size_t)mare_rng_bounded(&r, (uint64_t)i);
		tmp = col[i - 1];
		col[i - 1] = col[k];
		col[k] = tmp;
	}
	mare_model_pred_opts_init(&po);
	po.clamp = 0;
	for (i0 = 0; j->lin && i0 < n; i0 += nb) {
		nb = n - i0 < IMP_BLOCK ? n - i0 : IMP_BLOCK;
		linear_scores(j->vm, j->raw, i0, nb, v, col, s);
	}
	for (i0 = 0; !j->lin && j->fb != NULL && i0 < n; i0 += nb) {
		nb = n - i0 < IMP_BLOCK ? n - i0 : IMP_BLOCK;
		if (cached_scores(j->vm, j->raw, j->fb, i0, nb, v, col,
		    j->dep + j->dep0[v], j->dep0[v + 1] - j->dep0[v], x, s,
		    &j->err[t]) != 0)
			return -1;
	}
	for (i0 = 0; !j->lin && j->fb == NULL && i0 < n; i0 += nb) {
		nb = n - i0 < IMP_BLOCK ? n - i0 : IMP_BLOCK;
		memcpy(x, j->raw + i0 * nv, nb * nv * sizeof(double));
		for (i = 0; i < nb; i++)
			x[i * nv + v] = col[i0 + i];
		/* the values of raw, permuted: checked by the caller */
		if (mare_model_predict(j->vm, x, nb, &po, s + i0, NULL,
		    &j->err[t]) != 0)
			return -1;
	}
	/* col is done with: the keys go there, s is the sort's scratch */
	if (mare_metrics_auc_work(s, j->y, n, (uint64_t *)(void *)col,
	    (uint64_t *)(void *)s, &auc, &j->err[t]) != 0)
		return -1;
	j->drop[v] = j->auc0 - auc > 0 ? j->auc0 - auc : 0.0;
	return 0;
}

/*
 * The features of each variable v of fs, in feature order, into
 * dep[dep0[v] .. dep0[v + 1]) (dep: 2 nfeat entries, dep0: nvars + 1; a
 * product is a feature of both its variables).
 */
static void
imp_deps(const struct mare_featspec *fs, size_t *dep, size_t *dep0)
{
	size_t v, k, d = 0;

	for (v = 0; v < fs->nvars; v++) {
		dep0[v] = d;
		for (k = 0; k < fs->nfeat; k++)
			if (fs->feat[k].var == v || fs->feat[k].var2 == v)
				dep[d++] = k;
	}
	dep0[fs->nvars] = d;
}

int
mare_train_importance(const struct mare_model *m, const double *raw,
    const double *y, size_t n, uint64_t seed, unsigned threads, double *pct,
    double *drop, struct mare_err *err)
{
	struct mare_model_pred_opts po;
	struct mare_model vm;
	struct mare_featspec vfs;
	struct imp_job job;
	struct mare_err terr[MARE_PAR_MAX_THREADS];
	double *col[MARE_PAR_MAX_THREADS], *s[MARE_PAR_MAX_THREADS];
	double *x[MARE_PAR_MAX_THREADS], *yb = NULL, *buf = NULL, sum = 0;
	double *fb = NULL;
	size_t nv = m->spec->nvars, v, i, nt, nx, nn, per, *dep = NULL;
	int rc = -1, blas_threads = 0;

	if (nonzero_view(m, &vm, &vfs, err) != 0)
		return -1;
	nt = threads < 1 ? 1 : threads > MARE_PAR_MAX_THREADS ?
	    MARE_PAR_MAX_THREADS : threads;
	if (nt > nv)
		nt = nv > 0 ? nv : 1;
	/*
	 * a thread's buffers, in one allocation: the permuted column, the
	 * scores (both then the AUC's work memory) and a block of rows to
	 * predict from
	 */
	nx = IMP_BLOCK * (nv ? nv : 1);
	nn = n ? n : 1;
	per = nx + 2 * nn;
	if (nn > (SIZE_MAX / sizeof(double) - nx) / 2 ||
	    per > SIZE_MAX / sizeof(double) / nt ||
	    (buf = malloc(nt * per * sizeof(double))) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < nt; i++) {
		mare_err_init(&terr[i]);
		x[i] = buf + i * per;
		s[i] = x[i] + nx;
		col[i] = s[i] + nn;
	}
	for (i = 0; i < n; i++)
		if (y[i] != 0 && y[i] != 1)
			break;
	if (i < n) {	/* counts: presence is y > 0 */
		if ((yb = malloc(n * sizeof(double))) == NULL) {
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto done;
		}
		for (i = 0; i < n; i++)
			yb[i] = y[i] > 0;
	}
	job.vm = &vm;
	job.raw = raw;
	job.y = yb != NULL ? yb : y;
	job.n = n;
	job.nv = nv;
	job.seed = seed;
	job.lin = view_linear(&vfs);
	job.drop = pct;
	job.col = col;
	job.s = s;
	job.x = x;
	job.err = terr;
	job.fb = NULL;
	mare_model_pred_opts_init(&po);
	po.clamp = 0;
	if (job.lin)
		linear_scores(&vm, raw, 0, n, nv, raw, s[0]);	/* col unread */
	else if (mare_model_predict(&vm, raw, n, &po, s[0], NULL, err) != 0)
		goto done;
	if (!job.lin && n > 0 && vm.p > 0 && n <= IMP_CACHE_MAX / vm.p &&
	    nv + vm.p <= nx) {
		if ((dep = malloc((2 * vm.p + nv + 1) *
		    sizeof(size_t))) == NULL ||
		    (fb = malloc(n * vm.p * sizeof(double))) == NULL) {
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto done;
		}
		if (mare_featspec_apply_rows(&vfs, raw, n, 0, (unsigned)nt,
		    fb, NULL, err) != 0)
			goto done;
		imp_deps(&vfs, dep + nv + 1, dep);
		job.fb = fb;
		job.dep = dep + nv + 1;
		job.dep0 = dep;
	}
	if (mare_metrics_auc_work(s[0], job.y, n, (uint64_t *)(void *)col[0],
	    (uint64_t *)(void *)s[0], &job.auc0, err) != 0)
		goto done;
	if (nt > 1)
		blas_threads = mare_blas_hold_one();
	if (mare_par_for(nv, (unsigned)nt, imp_var, &job) != 0) {
		for (i = 0; i < nt && !mare_err_failed(&terr[i]); i++)
			;
		if (err != NULL && i < nt)
			*err = terr[i];
		goto done;
	}
	for (v = 0; v < nv; v++) {
		if (drop != NULL)
			drop[v] = pct[v];
		sum += pct[v];	/* in variable order, whatever the threads */
	}
	for (v = 0; v < nv; v++)
		pct[v] = sum > 0 ? 100.0 * pct[v] / sum : 0.0;
	rc = 0;
done:
	if (nt > 1)
		mare_blas_set_threads(blas_threads);
	free(vfs.feat);
	free(vm.beta);
	free(buf);
	free(yb);
	free(fb);
	free(dep);
	return rc;
}
