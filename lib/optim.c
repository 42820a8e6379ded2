/*
 * optim.c - TRON and coordinate descent for penalised GLMs
 *
 * Everything works in the standardised coordinates theta = (b0, beta~)
 * without ever forming X~: X~ v = X (v / s) - (m . v / s) 1 and
 * X~' u = (X' u - m sum(u)) / s, both one BLAS gemv over X. The loss
 * derivatives are kept per row, already multiplied by w_i / W, in r (first)
 * and q (second), so every solver step is a handful of passes over X.
 *
 * Coordinate descent uses the covariance form: per IRLS step the
 * gradients of the working set come from one gemv over its columns, and
 * the weighted Gram matrix of the working set is filled in column by
 * column as coefficients move (the non-zero ones at once, by a blocked
 * gemm), after which a full sweep costs O(working set) per move,
 * independent of n. The working columns are copied while that is cheap
 * and read from X by blocks of rows beyond (cd_admit()), so memory stays
 * near X's own. The intercept is eliminated exactly from each
 * quadratic model. A backtracking step on the true objective makes every
 * outer iteration a descent step, which is what keeps IRLS from cycling
 * on hard problems (glmnet's "could not complete the path" cases).
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "mem.h"
#include "optim.h"
#include "par.h"

#define GEMV_ROWS	(1 << 20) /* rows per gemv call (cblas takes int) */
#define MAX_HALVINGS	40
#define GRAM_BYTES	(256 << 10) /* working columns per Gram block */
#define FUSE_BYTES	(256 << 10) /* X per block of the fused TRON passes */
#define DIRECT_MAX	64	/* mare_optim_fit(): see optim.h */
#define CD_COPY_BYTES	(16 << 20) /* mare_optim_opts_init() */
#define MODEL_CHUNK_ROWS 1024	/* cd_model_par(): rows per chunk, about */
#define MODEL_CHUNKS	64	/* and chunks at most */
#define CHECK_COLS	64	/* prob_init(), pl_init(): columns a block, at least */
#define LOSS_ROWS	1024	/* cd_loss_step(): rows per block */

struct prob {
	const struct mare_optim_data *d;
	enum mare_optim_family fam;
	size_t		 n, p;
	int		 icpt;
	double		 W;
	double		*wn;	/* n: w_i / W */
	double		*m;	/* p: centres (0 without intercept) */
	double		*s;	/* p: scales (1 unless standardising) */
	double		*pf;	/* p: penalty factors */
	unsigned char	*zv;	/* p: zero-variance flags */
	double		*cmax;	/* p: max_i |x_ij - m_j| */
	double		*cnrm;	/* p: ||x_j - m_j||_2^2 */
	double		*eta, *r, *q, *u;	/* n: work */
	double		*vp;	/* p: work */
	double		 alpha;
	unsigned	 nthreads;
};

static void *
xcalloc(size_t n, size_t size, struct mare_err *err)
{
	void *p;

	if (n == 0)
		n = 1;
	if ((p = calloc(n, size)) == NULL)
		mare_err_set(err, MARE_E_NOMEM, "out of memory (%zu x %zu "
		    "bytes)", n, size);
	else
		mare_mem_hint_huge(p, n * size);
	return p;
}

static void
prob_release(struct prob *pb)
{
	free(pb->wn);
	free(pb->m);
	free(pb->s);
	free(pb->pf);
	free(pb->zv);
	free(pb->cmax);
	free(pb->cnrm);
	free(pb->eta);
	free(pb->r);
	free(pb->q);
	free(pb->u);
	free(pb->vp);
	memset(pb, 0, sizeof(*pb));
}

static int
check_opts(const struct mare_optim_opts *o, struct mare_err *err)
{
	if (o->family != MARE_OPTIM_LOGISTIC && o->family != MARE_OPTIM_POISSON)
		return mare_err_set(err, MARE_E_USAGE, "unknown model family");
	if (!(o->lambda >= 0) || !isfinite(o->lambda))
		return mare_err_set(err, MARE_E_USAGE, "lambda must be a "
		    "finite number >= 0, got %g", o->lambda);
	if (!(o->alpha >= 0 && o->alpha <= 1))
		return mare_err_set(err, MARE_E_USAGE, "alpha must be in "
		    "[0, 1], got %g", o->alpha);
	if (!(o->tol > 0))
		return mare_err_set(err, MARE_E_USAGE, "tol must be > 0, "
		    "got %g", o->tol);
	if (o->max_iter < 1)
		return mare_err_set(err, MARE_E_USAGE, "max_iter must be "
		    ">= 1, got %d", o->max_iter);
	return 0;
}

/* out = X~' u (p values); returns sum(u). */
static double
xtv(struct prob *pb, const double *u, double *out)
{
	const struct mare_optim_data *d = pb->d;
	double su = 0;
	size_t i, j, i0, nr;

	for (i = 0; i < pb->n; i++)
		su += u[i];
	if (pb->p == 0)
		return su;
	memset(out, 0, pb->p * sizeof(*out));
	for (i0 = 0; i0 < pb->n; i0 += nr) {
		nr = pb->n - i0 < GEMV_ROWS ? pb->n - i0 : GEMV_ROWS;
		mare_blas_dgemv(1, nr, pb->p, 1.0, d->x + i0 * pb->p, pb->p,
		    u + i0, 1.0, out);
	}
	for (j = 0; j < pb->p; j++)
		out[j] = pb->zv[j] ? 0 : (out[j] - pb->m[j] * su) / pb->s[j];
	return su;
}

/* The loss l_i of row i at eta_i = e; with deriv, also r_i and q_i. */
static inline double
loss_row(struct prob *pb, size_t i, double e, int deriv)
{
	const double *y = pb->d->y;
	double l, mu, t;

	if (pb->fam == MARE_OPTIM_LOGISTIC) {
		/* log(1 + exp(e)) without overflow; one exp */
		t = exp(e > 0 ? -e : e);
		if (e > 0) {
			l = e + log1p(t);
			mu = 1 / (1 + t);
		} else {
			l = log1p(t);
			mu = t / (1 + t);
		}
		l -= y[i] * e;
		if (deriv) {
			pb->r[i] = pb->wn[i] * (mu - y[i]);
			pb->q[i] = pb->wn[i] * mu * (1 - mu);
		}
	} else {
		mu = exp(e);
		l = mu - y[i] * e;
		if (deriv) {
			pb->r[i] = pb->wn[i] * (mu - y[i]);
			pb->q[i] = pb->wn[i] * mu;
		}
	}
	return l;
}

/*
 * L plus the loss terms wn_i l_i of rows [i0, i1) at eta, summed in row
 * order; with deriv, also r = wn l' and q = wn l'' there.
 */
static double
loss_rows(struct prob *pb, const double *eta, size_t i0, size_t i1,
    int deriv, double L)
{
	size_t i;

	for (i = i0; i < i1; i++)
		L += pb->wn[i] * loss_row(pb, i, eta[i], deriv);
	return L;
}

/*
 * Loss (1/W) sum w l at eta; with deriv, also r = wn l' and q = wn l''.
 */
static double
loss(struct prob *pb, const double *eta, int deriv)
{
	return loss_rows(pb, eta, 0, pb->n, deriv, 0.0);
}

static double
penalty(const struct prob *pb, const double *b, double lambda)
{
	double P = 0;
	size_t j;

	for (j = 0; j < pb->p; j++)
		P += pb->pf[j] * (pb->alpha * fabs(b[j]) +
		    (1 - pb->alpha) / 2 * b[j] * b[j]);
	return lambda * P;
}

/* prob_init()'s column statistics, by blocks of columns. */
struct col_stats_job {
	struct prob	*pb;
	size_t		 cols;
	size_t		*bad;	/* per block: i p + j of its first
				   non-finite x_ij, or SIZE_MAX */
};

/*
 * Block b: the weighted means (0 without intercept) and max |x_ij| over
 * weighted rows (vp); then the spread, max_i |x_ij - m_j| and
 * ||x_j - m_j||^2 over all rows. A non-finite value makes its column's
 * mean non-finite (the weights are finite, >= 0 and sum to 1), so the
 * check costs nothing until one is found.
 */
static int
col_stats(void *arg, size_t b, size_t thread)
{
	struct col_stats_job *jb = arg;
	struct prob *pb = jb->pb;
	const double *x = pb->d->x, *r, *wn = pb->wn;
	size_t n = pb->n, p = pb->p, i, j;
	size_t j0 = b * jb->cols, j1 = p - j0 < jb->cols ? p : j0 + jb->cols;
	double *m = pb->m, *mx = pb->vp, *sp = pb->s, *cm = pb->cmax;
	double *cn = pb->cnrm, t, w;

	(void)thread;
	jb->bad[b] = SIZE_MAX;
	for (i = 0, r = x; i < n; i++, r += p) {
		for (j = j0; j < j1; j++)
			m[j] += wn[i] * r[j];
		if (wn[i] > 0)
			for (j = j0; j < j1; j++)
				mx[j] = fabs(r[j]) > mx[j] ? fabs(r[j]) : mx[j];
	}
	for (j = j0; j < j1 && isfinite(m[j]); j++)
		;
	if (j < j1) {
		for (i = 0, r = x; i < n && jb->bad[b] == SIZE_MAX; i++,
		    r += p)
			for (j = j0; j < j1; j++)
				if (!isfinite(r[j])) {
					jb->bad[b] = i * p + j;
					break;
				}
		if (jb->bad[b] != SIZE_MAX)
			return 0;
	}
	if (!pb->icpt)
		for (j = j0; j < j1; j++)
			m[j] = 0;
	for (i = 0, r = x; i < n; i++, r += p) {
		w = wn[i];
		for (j = j0; j < j1; j++) {
			t = r[j] - m[j];
			sp[j] += w * t * t;
			cm[j] = fabs(t) > cm[j] ? fabs(t) : cm[j];
			cn[j] += t * t;
		}
	}
	return 0;
}

static int
prob_init(struct prob *pb, const struct mare_optim_data *d,
    const struct mare_optim_opts *o, struct mare_err *err)
{
	size_t n = d->n, p = d->p, i, j, k, nb, bad, n0 = 0, n1 = 0;
	double ybar = 0, mx, v, t;
	const double *x = d->x;
	struct col_stats_job jb;

	memset(pb, 0, sizeof(*pb));
	if (check_opts(o, err) == -1)
		return -1;
	if (n == 0)
		return mare_err_set(err, MARE_E_DATA, "no observations");
	if (d->x == NULL && p > 0)
		return mare_err_set(err, MARE_E_INTERNAL, "X is NULL");
	pb->d = d;
	pb->fam = o->family;
	pb->n = n;
	pb->p = p;
	pb->icpt = o->intercept;
	pb->alpha = o->alpha;
	pb->nthreads = o->threads;
	if ((pb->wn = xcalloc(n, sizeof(double), err)) == NULL ||
	    (pb->m = xcalloc(p, sizeof(double), err)) == NULL ||
	    (pb->s = xcalloc(p, sizeof(double), err)) == NULL ||
	    (pb->pf = xcalloc(p, sizeof(double), err)) == NULL ||
	    (pb->zv = xcalloc(p, 1, err)) == NULL ||
	    (pb->cmax = xcalloc(p, sizeof(double), err)) == NULL ||
	    (pb->cnrm = xcalloc(p, sizeof(double), err)) == NULL ||
	    (pb->eta = xcalloc(n, sizeof(double), err)) == NULL ||
	    (pb->r = xcalloc(n, sizeof(double), err)) == NULL ||
	    (pb->q = xcalloc(n, sizeof(double), err)) == NULL ||
	    (pb->u = xcalloc(n, sizeof(double), err)) == NULL ||
	    (pb->vp = xcalloc(p, sizeof(double), err)) == NULL)
		goto fail;

	pb->W = 0;
	for (i = 0; i < n; i++) {
		v = d->w != NULL ? d->w[i] : 1;
		if (!(v >= 0) || !isfinite(v)) {
			mare_err_set(err, MARE_E_DATA, "weight %g in row %zu: "
			    "weights must be finite and >= 0", v, i + 1);
			goto fail;
		}
		if (d->offset != NULL && !isfinite(d->offset[i])) {
			mare_err_set(err, MARE_E_DATA, "non-finite offset "
			    "(%g) in row %zu", d->offset[i], i + 1);
			goto fail;
		}
		t = d->y[i];
		if (o->family == MARE_OPTIM_LOGISTIC && t != 0 && t != 1) {
			mare_err_set(err, MARE_E_DATA, "label %g in row %zu: "
			    "labels must be 0 or 1", t, i + 1);
			goto fail;
		}
		if (o->family == MARE_OPTIM_POISSON &&
		    (!(t >= 0) || !isfinite(t))) {
			mare_err_set(err, MARE_E_DATA, "count %g in row %zu: "
			    "counts must be finite and >= 0", t, i + 1);
			goto fail;
		}
		pb->wn[i] = v;
		pb->W += v;
	}
	if (!(pb->W > 0)) {
		mare_err_set(err, MARE_E_DATA, "the weights sum to 0");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		pb->wn[i] /= pb->W;
		ybar += pb->wn[i] * d->y[i];
		if (pb->wn[i] > 0) {
			n1 += d->y[i] == 1;
			n0 += d->y[i] == 0;
		}
	}
	if (o->family == MARE_OPTIM_LOGISTIC && (n0 == 0 || n1 == 0)) {
		mare_err_set(err, MARE_E_DATA, "all labels are %d (with "
		    "non-zero weight): need both 1 (presence) and 0 "
		    "(absence or background)", n1 > 0);
		goto fail;
	}
	if (o->family == MARE_OPTIM_POISSON && ybar <= 0) {
		mare_err_set(err, MARE_E_DATA, "all counts are 0 (with "
		    "non-zero weight)");
		goto fail;
	}

	/* Centres, scales and constant columns, two passes for accuracy. */
	for (j = 0; j < p; j++) {
		pb->pf[j] = o->penalty_factor != NULL ?
		    o->penalty_factor[j] : 1;
		if (!(pb->pf[j] >= 0) || !isfinite(pb->pf[j])) {
			mare_err_set(err, MARE_E_USAGE, "penalty factor %g of "
			    "column %zu: must be finite and >= 0", pb->pf[j],
			    j + 1);
			goto fail;
		}
	}
	/*
	 * Centres, spreads and the bounds' column maxima (vp: work) by
	 * blocks of columns on threads; the first non-finite value in row
	 * order is the one reported.
	 */
	memset(pb->vp, 0, p * sizeof(double));
	jb.pb = pb;
	jb.cols = mare_par_cols(p, pb->nthreads, CHECK_COLS);
	nb = p > 0 ? (p + jb.cols - 1) / jb.cols : 0;
	if ((jb.bad = xcalloc(nb, sizeof(size_t), err)) == NULL)
		goto fail;
	(void)mare_par_for(nb, pb->nthreads, col_stats, &jb);
	for (k = 0, bad = SIZE_MAX; k < nb; k++)
		bad = jb.bad[k] < bad ? jb.bad[k] : bad;
	free(jb.bad);
	if (bad != SIZE_MAX) {
		mare_err_set(err, MARE_E_DATA, "non-finite value (%g) in row "
		    "%zu, column %zu", x[bad], bad / p + 1, bad % p + 1);
		goto fail;
	}
	for (j = 0; j < p; j++) {
		mx = pb->vp[j];
		pb->s[j] = sqrt(pb->s[j]);
		if (pb->s[j] <= 1e-12 * mx || pb->s[j] == 0) {
			pb->zv[j] = 1;
			pb->s[j] = 1;
		} else if (!o->standardize)
			pb->s[j] = 1;
	}
	return 0;
fail:
	prob_release(pb);
	return -1;
}

static double
start_b0(const struct prob *pb)
{
	double ybar = 0;
	size_t i;

	if (!pb->icpt)
		return 0;
	for (i = 0; i < pb->n; i++)
		ybar += pb->wn[i] * pb->d->y[i];
	if (pb->fam == MARE_OPTIM_LOGISTIC)
		return log(ybar / (1 - ybar));
	return log(ybar);
}

/* ---------------------------------------------------------------------
 * TRON (alpha == 0): theta = (b0, beta~), length p + 1.
 */

struct tron {
	struct prob	*pb;
	double		 lambda;
	double		*gl;	/* p + 1: loss gradient at the last tron_fun */
	double		*acc;	/* p: X' u accumulated over row blocks */
	/*
	 * The fused passes run their row blocks on pb->nthreads threads;
	 * block k leaves X~' u of its rows in part[k (p + 1) ...] and
	 * (tron_fun) its loss in part[k (p + 1) + p], summed in block order
	 * afterwards, whatever thread ran it.
	 */
	double		*part;	/* nblk x (p + 1) */
	size_t		 nblk, B;
	int		 hv;	/* the pass: tron_hv (1) or tron_fun (0) */
	double		 c;	/* the pass's constant term of X~ v */
};

/* Rows per block of the fused passes: a block stays in cache between
 * its two gemv calls, so X is read once per product, not twice. */
static size_t
block_rows(const struct prob *pb)
{
	size_t b = FUSE_BYTES / sizeof(double) / (pb->p ? pb->p : 1);

	return b < 64 ? 64 : b > GEMV_ROWS ? GEMV_ROWS : b;
}

/* vp = v / s (0 on constant columns); returns c - m . vp. */
static double
scale_v(struct prob *pb, const double *v, double c)
{
	size_t j;

	for (j = 0; j < pb->p; j++) {
		pb->vp[j] = pb->zv[j] ? 0 : v[j] / pb->s[j];
		c -= pb->m[j] * pb->vp[j];
	}
	return c;
}

/* g[1..p] = (acc - m su) / s on the non-constant columns, 0 elsewhere. */
static void
unscale_g(const struct prob *pb, const double *acc, double su, double *g)
{
	size_t j;

	for (j = 0; j < pb->p; j++)
		g[j + 1] = pb->zv[j] ? 0 : (acc[j] - pb->m[j] * su) /
		    pb->s[j];
}

/*
 * Block k of a fused pass. tron_fun: eta = X~ beta~ + b0 + offset, the
 * loss with r and q, and X~' r. tron_hv: u = q (X~ v + v0) and X~' u.
 */
static int
tron_block(void *arg, size_t k, size_t thread)
{
	struct tron *t = arg;
	struct prob *pb = t->pb;
	const struct mare_optim_data *d = pb->d;
	size_t p = pb->p, i, i0 = k * t->B, nr;
	double *part = t->part + k * (p + 1);
	double *y = t->hv ? pb->u : pb->eta;

	(void)thread;
	nr = pb->n - i0 < t->B ? pb->n - i0 : t->B;
	if (p > 0)
		mare_blas_dgemv(0, nr, p, 1.0, d->x + i0 * p, p, pb->vp, 0.0,
		    y + i0);
	else
		memset(y + i0, 0, nr * sizeof(double));
	if (t->hv) {
		for (i = i0; i < i0 + nr; i++)
			pb->u[i] = (pb->u[i] + t->c) * pb->q[i];
	} else {
		for (i = i0; i < i0 + nr; i++)
			pb->eta[i] += t->c + (d->offset != NULL ?
			    d->offset[i] : 0);
		part[p] = loss_rows(pb, pb->eta, i0, i0 + nr, 1, 0.0);
	}
	if (p > 0)
		mare_blas_dgemv(1, nr, p, 1.0, d->x + i0 * p, p,
		    (t->hv ? pb->u : pb->r) + i0, 0.0, part);
	return 0;
}

/*
 * The block partials of a pass over X on threads, each p sums and a
 * scalar, added in block order so that the result does not depend on the
 * thread count: out (NULL: not wanted) += the sums; returns the scalars'
 * sum.
 */
static double
add_parts(const double *part, size_t nblk, size_t p, double *out)
{
	size_t j, k;
	double s = 0;

	for (k = 0; k < nblk; k++, part += p + 1) {
		for (j = 0; out != NULL && j < p; j++)
			out[j] += part[j];
		s += part[p];
	}
	return s;
}

/*
 * One fused pass over the blocks; acc = the blocks' X~' u in block order,
 * returns their loss so summed (tron_fun).
 */
static double
tron_pass(struct tron *t)
{
	size_t p = t->pb->p;

	(void)mare_par_for(t->nblk, t->pb->nthreads, tron_block, t);
	memset(t->acc, 0, (p ? p : 1) * sizeof(double));
	return add_parts(t->part, t->nblk, p, t->acc);
}

/*
 * F at theta, in one pass over X: per row block, eta = X~ beta~ + b0 +
 * offset, the loss with r and q, and X~' r into t->gl (the loss
 * gradient, intercept first).
 */
static double
tron_fun(struct tron *t, const double *th, double *L)
{
	struct prob *pb = t->pb;
	double su = 0, l;
	size_t i;

	t->c = scale_v(pb, th + 1, th[0]);
	t->hv = 0;
	l = tron_pass(t);
	for (i = 0; i < pb->n; i++)
		su += pb->r[i];
	t->gl[0] = pb->icpt ? su : 0;
	unscale_g(pb, t->acc, su, t->gl);
	*L = l;
	return l + penalty(pb, th + 1, t->lambda);
}

/* Gradient of F at th, the theta of the last tron_fun. */
static void
tron_grad(struct tron *t, const double *th, double *g)
{
	struct prob *pb = t->pb;
	size_t j;

	memcpy(g, t->gl, (pb->p + 1) * sizeof(double));
	for (j = 0; j < pb->p; j++)
		if (!pb->zv[j])
			g[j + 1] += t->lambda * pb->pf[j] * th[j + 1];
}

/* hv = H v, one pass over X: per row block u = q (X~ v + v0), X~' u. */
static void
tron_hv(struct tron *t, const double *v, double *hv)
{
	struct prob *pb = t->pb;
	size_t p = pb->p, i, j;
	double su = 0;

	t->c = scale_v(pb, v + 1, pb->icpt ? v[0] : 0);
	t->hv = 1;
	(void)tron_pass(t);
	for (i = 0; i < pb->n; i++)
		su += pb->u[i];
	hv[0] = pb->icpt ? su : 0;
	unscale_g(pb, t->acc, su, hv);
	for (j = 0; j < p; j++)
		if (!pb->zv[j])
			hv[j + 1] += t->lambda * pb->pf[j] * v[j + 1];
}

static double
nrm2(size_t n, const double *x)
{
	return sqrt(mare_blas_ddot(n, x, x));
}

static double
nrminf(size_t n, const double *x)
{
	double m = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (fabs(x[i]) > m)
			m = fabs(x[i]);
	return m;
}

/* Steihaug CG on the trust region of radius delta (liblinear's trcg). */
static void
trcg(struct tron *t, size_t k, double delta, const double *g, double *s,
    double *r, double *d, double *Hd)
{
	double rTr, rnewTrnew, a, beta, cgtol, std, sts, dtd, dsq, rad;
	size_t i;
	int it;

	for (i = 0; i < k; i++) {
		s[i] = 0;
		r[i] = -g[i];
		d[i] = r[i];
	}
	cgtol = 0.1 * nrm2(k, g);
	rTr = mare_blas_ddot(k, r, r);
	for (it = 0; it < 10000; it++) {
		if (sqrt(rTr) <= cgtol)
			break;
		tron_hv(t, d, Hd);
		a = mare_blas_ddot(k, d, Hd);
		if (!(a > 0))
			break;	/* no curvature left: keep s */
		a = rTr / a;
		mare_blas_daxpy(k, a, d, s);
		if (nrm2(k, s) > delta) {
			mare_blas_daxpy(k, -a, d, s);
			std = mare_blas_ddot(k, s, d);
			sts = mare_blas_ddot(k, s, s);
			dtd = mare_blas_ddot(k, d, d);
			dsq = delta * delta;
			rad = sqrt(std * std + dtd * (dsq - sts));
			if (std >= 0)
				a = (dsq - sts) / (std + rad);
			else
				a = (rad - std) / dtd;
			mare_blas_daxpy(k, a, d, s);
			mare_blas_daxpy(k, -a, Hd, r);
			break;
		}
		mare_blas_daxpy(k, -a, Hd, r);
		rnewTrnew = mare_blas_ddot(k, r, r);
		beta = rnewTrnew / rTr;
		for (i = 0; i < k; i++)
			d[i] = beta * d[i] + r[i];
		rTr = rnewTrnew;
	}
}

/*
 * Minimise F from th (p + 1 values, updated in place). Fills objective,
 * loss, kkt, iterations and converged of fit.
 */
static int
solve_tron(struct prob *pb, double lambda, double tol, int max_iter,
    double *th, struct mare_optim_fit *fit, struct mare_err *err)
{
	const double eta0 = 1e-4, eta1 = 0.25, eta2 = 0.75;
	const double sigma1 = 0.25, sigma2 = 0.5, sigma3 = 4;
	struct tron t = { pb, lambda, NULL, NULL, NULL, 0, 0, 0, 0 };
	size_t k = pb->p + 1;
	double *g, *s, *r, *d, *Hd, *wnew, *gnew, *buf;
	double f, fnew, L, Lnew, delta, gs, prered, actred, snorm, al, gmax;
	int iter = 0, blas_threads = 0;

	t.B = block_rows(pb);
	t.nblk = (pb->n + t.B - 1) / t.B;
	if (pb->nthreads > 1)
		blas_threads = mare_blas_hold_one();
	if ((buf = xcalloc(9 * k, sizeof(double), err)) == NULL ||
	    (t.part = xcalloc(t.nblk * k, sizeof(double), err)) == NULL) {
		free(buf);
		mare_blas_set_threads(blas_threads);
		return -1;
	}
	t.gl = buf + 7 * k;
	t.acc = buf + 8 * k;
	g = buf;
	s = g + k;
	r = s + k;
	d = r + k;
	Hd = d + k;
	wnew = Hd + k;
	gnew = wnew + k;

	f = tron_fun(&t, th, &L);
	tron_grad(&t, th, g);
	delta = nrm2(k, g);
	gmax = nrminf(k, g);
	while (gmax > tol && iter < max_iter) {
		trcg(&t, k, delta, g, s, r, d, Hd);
		memcpy(wnew, th, k * sizeof(double));
		mare_blas_daxpy(k, 1.0, s, wnew);
		gs = mare_blas_ddot(k, g, s);
		prered = -0.5 * (gs - mare_blas_ddot(k, s, r));
		fnew = tron_fun(&t, wnew, &Lnew);
		actred = f - fnew;
		snorm = nrm2(k, s);
		if (iter == 0)
			delta = fmin(delta, snorm);
		if (fnew - f - gs <= 0)
			al = sigma3;
		else
			al = fmax(sigma1, -0.5 * (gs / (fnew - f - gs)));
		if (actred < eta0 * prered)
			delta = fmin(fmax(al, sigma1) * snorm, sigma2 * delta);
		else if (actred < eta1 * prered)
			delta = fmax(sigma1 * delta, fmin(al * snorm,
			    sigma2 * delta));
		else if (actred < eta2 * prered)
			delta = fmax(sigma1 * delta, fmin(al * snorm,
			    sigma3 * delta));
		else
			delta = fmax(delta, fmin(al * snorm, sigma3 * delta));
		iter++;
		if (actred > eta0 * prered) {
			memcpy(th, wnew, k * sizeof(double));
			f = fnew;
			L = Lnew;
			tron_grad(&t, th, g);
			gmax = nrminf(k, g);
		} else if (fabs(prered) <= 1e-12 * fabs(f)) {
			/*
			 * F no longer resolves the predicted decrease: judge
			 * the step by the gradient instead.
			 */
			tron_grad(&t, wnew, gnew);
			if (nrminf(k, gnew) < gmax) {
				memcpy(th, wnew, k * sizeof(double));
				memcpy(g, gnew, k * sizeof(double));
				f = fnew;
				L = Lnew;
				gmax = nrminf(k, g);
				continue;
			}
			f = tron_fun(&t, th, &L);
			break;	/* no more progress in double precision */
		} else {
			/* restore r and q of the current point */
			f = tron_fun(&t, th, &L);
		}
	}
	fit->objective = f;
	fit->loss = L;
	fit->kkt = gmax;
	fit->iterations += iter;
	fit->converged = gmax <= tol;
	free(t.part);
	free(buf);
	mare_blas_set_threads(blas_threads);	/* 0: left as it was */
	return 0;
}

/* ---------------------------------------------------------------------
 * Structured gradients (mare_optim_data's pl_key): X' u for columns that
 * are clamp01 or step functions of a key column, from prefix sums of u
 * and u t over the rows sorted by the key: O(n) per key, not per column.
 */

struct pl {
	size_t	 nk, nu, n;
	size_t	*kc;	/* nk: the key columns */
	size_t	*perm;	/* nk x n: rows by ascending key value */
	double	*ts;	/* nk x n: the key values in that order */
	size_t	*kof;	/* p: index into kc, or NO_KEY (unstructured) */
	size_t	*kend;	/* p: the end of j's run of equal kof */
	size_t	*ia, *ib; /* p: sorted positions where f leaves 0, reaches 1 */
	double	*dev;	/* p: max_i |x_ij - f_j(t_i)|, as checked */
	size_t	*uj;	/* nu: the unstructured columns */
	double	*ucol;	/* nu x n: their raw columns, column-major */
	double	*S0, *S1;	/* nth x (n + 1): work */
	unsigned nth;		/* threads of pl_xtv() */
};

#define NO_KEY	((size_t)-1)
#define PL_FEW	4	/* cd_screen(): more uncertain, all structured */
#define PL_THREADS 8	/* pl_xtv()'s threads at most (2 n doubles each) */

static void
pl_free(struct pl *pl)
{
	if (pl == NULL)
		return;
	free(pl->kc);
	free(pl->perm);
	free(pl->ts);
	free(pl->kof);
	free(pl->kend);
	free(pl->ia);
	free(pl->ib);
	free(pl->dev);
	free(pl->uj);
	free(pl->ucol);
	free(pl->S0);
	free(pl->S1);
	free(pl);
}

struct pl_pair {
	double	 v;
	size_t	 i;
};

static int
pl_cmp(const void *a, const void *b)
{
	const struct pl_pair *x = a, *y = b;

	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* First sorted position whose value is > v (strict) or >= v. */
static size_t
pl_bound(const double *ts, size_t n, double v, int strict)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strict ? ts[mid] <= v : ts[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* pl_init()'s work on threads. */
struct pl_init_job {
	const struct prob *pb;
	struct pl	*pl;
	struct pl_pair	*pr;	/* nth x n: the sort's work */
	size_t		 cols;	/* pl_check()'s block */
};

/* Key k's rows in ascending order of its values (perm, ts). */
static int
pl_sort(void *arg, size_t k, size_t t)
{
	const struct pl_init_job *jb = arg;
	const struct pl *pl = jb->pl;
	const double *x = jb->pb->d->x;
	size_t n = pl->n, p = jb->pb->p, i;
	struct pl_pair *pr = jb->pr + t * n;

	for (i = 0; i < n; i++) {
		pr[i].v = x[i * p + pl->kc[k]];
		pr[i].i = i;
	}
	qsort(pr, n, sizeof(*pr), pl_cmp);
	for (i = 0; i < n; i++) {
		pl->perm[k * n + i] = pr[i].i;
		pl->ts[k * n + i] = pr[i].v;
	}
	return 0;
}

/*
 * Block b of jb->cols columns: dev, the largest deviation of each
 * structured one from its f_j of the key, and the unstructured ones
 * copied into ucol.
 */
static int
pl_check(void *arg, size_t b, size_t t)
{
	const struct pl_init_job *jb = arg;
	const struct mare_optim_data *d = jb->pb->d;
	struct pl *pl = jb->pl;
	const double *r, *a = d->pl_a, *bb = d->pl_b;
	double *dev = pl->dev, v, f, tk;
	size_t n = pl->n, p = jb->pb->p, i, j, l, e, u, u0, u1;
	size_t j0 = b * jb->cols, j1 = p - j0 < jb->cols ? p : j0 + jb->cols;

	(void)t;
	for (u0 = 0; u0 < pl->nu && pl->uj[u0] < j0; u0++)
		;
	for (u1 = u0; u1 < pl->nu && pl->uj[u1] < j1; u1++)
		;
	/*
	 * Row by row, a run of columns of one key at a time. The hint's
	 * f_j(t) is 0 for t <= a, (t - a) / (b - a) below b, 1 from b on
	 * (a == b: 0 below a, else 1), here as selects, last the 1 (at
	 * a == b the quotient is not finite and never kept), so that the
	 * run's loop vectorizes.
	 */
	for (i = 0, r = d->x; i < n; i++, r += p) {
		for (j = j0; j < j1; j = e) {
			e = pl->kend[j] < j1 ? pl->kend[j] : j1;
			if (pl->kof[j] == NO_KEY)
				continue;
			tk = r[pl->kc[pl->kof[j]]];
			for (l = j; l < e; l++) {
				f = (tk - a[l]) / (bb[l] - a[l]);
				f = tk <= a[l] ? 0 : f;
				f = tk >= bb[l] ? 1 : f;
				v = fabs(r[l] - f);
				dev[l] = v <= dev[l] ? dev[l] : v != v ?
				    INFINITY : v;
			}
		}
		for (u = u0; u < u1; u++)
			pl->ucol[u * n + i] = r[pl->uj[u]];
	}
	return 0;
}

/*
 * The structure of d's hint, checked against X (dev), or NULL when there
 * is no hint or it would not pay (fewer than half the columns covered).
 * Returns -1 on out of memory.
 */
static int
pl_init(const struct prob *pb, struct pl **out, struct mare_err *err)
{
	const struct mare_optim_data *d = pb->d;
	size_t n = pb->n, p = pb->p, j, k, ns = 0;
	struct pl_init_job jb;
	struct pl_pair *pr = NULL;
	struct pl *pl;
	double a, b;

	*out = NULL;
	if (d->pl_key == NULL || d->pl_a == NULL || d->pl_b == NULL || n == 0)
		return 0;
	for (j = 0; j < p; j++)
		if (d->pl_key[j] < p && d->pl_key[d->pl_key[j]] == d->pl_key[j]
		    && !pb->zv[j] && d->pl_a[j] <= d->pl_b[j])
			ns++;
	if (ns < p / 2 + 1)
		return 0;
	if ((pl = calloc(1, sizeof(*pl))) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	pl->n = n;
	pl->nth = pb->nthreads < 1 ? 1 : pb->nthreads > PL_THREADS ?
	    PL_THREADS : pb->nthreads;
	if ((pl->kof = xcalloc(p, sizeof(size_t), err)) == NULL ||
	    (pl->kc = xcalloc(p, sizeof(size_t), err)) == NULL ||
	    (pl->kend = xcalloc(p, sizeof(size_t), err)) == NULL ||
	    (pl->ia = xcalloc(p, sizeof(size_t), err)) == NULL ||
	    (pl->ib = xcalloc(p, sizeof(size_t), err)) == NULL ||
	    (pl->dev = xcalloc(p, sizeof(double), err)) == NULL ||
	    (pl->uj = xcalloc(p, sizeof(size_t), err)) == NULL ||
	    (pl->S0 = xcalloc(pl->nth * (n + 1), sizeof(double), err)) ==
	    NULL ||
	    (pl->S1 = xcalloc(pl->nth * (n + 1), sizeof(double), err)) ==
	    NULL)
		goto fail;
	/* keys: columns that are their own key; kof of the others */
	for (j = 0; j < p; j++)
		pl->kof[j] = NO_KEY;
	for (j = 0; j < p; j++) {
		k = d->pl_key[j];
		if (k >= p || d->pl_key[k] != k || pb->zv[j] ||
		    !(d->pl_a[j] <= d->pl_b[j]))
			continue;
		if (pl->kof[k] == NO_KEY || pl->kc[pl->kof[k]] != k) {
			pl->kc[pl->nk] = k;
			pl->kof[k] = pl->nk++;
		}
		pl->kof[j] = pl->kof[k];
	}
	for (j = 0; j < p; j++)
		if (pl->kof[j] == NO_KEY && !pb->zv[j])
			pl->uj[pl->nu++] = j;
	for (j = p; j-- > 0;)
		pl->kend[j] = j + 1 < p && pl->kof[j + 1] == pl->kof[j] ?
		    pl->kend[j + 1] : j + 1;
	if ((pl->perm = xcalloc(pl->nk * n, sizeof(size_t), err)) == NULL ||
	    (pl->ts = xcalloc(pl->nk * n, sizeof(double), err)) == NULL ||
	    (pl->ucol = xcalloc(pl->nu * n, sizeof(double), err)) == NULL ||
	    (pr = xcalloc(pl->nth * n, sizeof(*pr), err)) == NULL)
		goto fail;
	/* each key sorted (items 0 .. nk-1), then the check (the rest) */
	jb.pb = pb;
	jb.pl = pl;
	jb.pr = pr;
	(void)mare_par_for(pl->nk, pl->nth, pl_sort, &jb);
	for (j = 0; j < p; j++) {
		if (pl->kof[j] == NO_KEY)
			continue;
		a = d->pl_a[j];
		b = d->pl_b[j];
		k = pl->kof[j];
		pl->ia[j] = pl_bound(pl->ts + k * n, n, a, a < b);
		pl->ib[j] = a < b ? pl_bound(pl->ts + k * n, n, b, 0) :
		    pl->ia[j];
	}
	/* the hint is checked, not trusted: one pass over X */
	jb.cols = mare_par_cols(p, pb->nthreads, CHECK_COLS);
	(void)mare_par_for((p + jb.cols - 1) / jb.cols, pb->nthreads,
	    pl_check, &jb);
	free(pr);
	*out = pl;
	return 0;
fail:
	free(pr);
	pl_free(pl);
	return -1;
}

/* pl_xtv()'s work, shared by its items. */
struct pl_job {
	struct prob	*pb;
	struct pl	*pl;
	const double	*u;
	double		*out, *e;
	double		 A0;
};

/*
 * Item k of pl_xtv(): key k's columns, from prefix sums of u and u t
 * over its sorted rows (in thread t's S0 and S1), or, past the keys,
 * unstructured column k - nk.
 */
static int
pl_item(void *arg, size_t k, size_t t)
{
	const struct pl_job *jb = arg;
	const struct mare_optim_data *d = jb->pb->d;
	const struct pl *pl = jb->pl;
	const double *u = jb->u, *ts;
	const size_t *perm;
	size_t n = pl->n, i, j;
	double *S0 = pl->S0 + t * (n + 1), *S1 = pl->S1 + t * (n + 1);
	double A1 = 0, a, b, w, G, E;
	const double eps = 4 * ((double)n + 4) * 2.220446049250313e-16;

	if (k >= pl->nk) {
		j = pl->uj[k - pl->nk];
		jb->out[j] = mare_blas_ddot(n, pl->ucol + (k - pl->nk) * n,
		    u);
		return 0;
	}
	perm = pl->perm + k * n;
	ts = pl->ts + k * n;
	S0[0] = S1[0] = 0;
	for (i = 0; i < n; i++) {
		w = u[perm[i]];
		S0[i + 1] = S0[i] + w;
		S1[i + 1] = S1[i] + w * ts[i];
		A1 += fabs(w * ts[i]);
	}
	/* the key's own column j = k... and every column of this key */
	for (j = 0; j < jb->pb->p; j++) {
		if (pl->kof[j] != k)
			continue;
		a = d->pl_a[j];
		b = d->pl_b[j];
		G = S0[n] - S0[pl->ib[j]];
		E = eps * jb->A0;
		if (a < b) {
			G += ((S1[pl->ib[j]] - S1[pl->ia[j]]) -
			    a * (S0[pl->ib[j]] - S0[pl->ia[j]])) / (b - a);
			E += eps * (A1 + fabs(a) * jb->A0) / (b - a);
		}
		jb->out[j] = G;
		jb->e[j] = 2 * (E + pl->dev[j] * jb->A0);
	}
	return 0;
}

/*
 * out = X~' u (as xtv(), p values) and e, a bound on each one's error
 * beyond that of a plain sum; returns sum(u). The keys and the
 * unstructured columns are items on pl->nth threads, each writing its
 * own columns: the same for any thread count.
 */
static double
pl_xtv(struct prob *pb, struct pl *pl, const double *u, double *out,
    double *e)
{
	struct pl_job jb = { pb, pl, u, out, e, 0 };
	size_t n = pb->n, i, j;
	double su = 0;

	for (i = 0; i < n; i++) {
		su += u[i];
		jb.A0 += fabs(u[i]);
	}
	for (j = 0; j < pb->p; j++)
		e[j] = 0;
	(void)mare_par_for(pl->nk + pl->nu, pl->nth, pl_item, &jb);
	for (j = 0; j < pb->p; j++) {
		if (pb->zv[j]) {
			out[j] = e[j] = 0;
			continue;
		}
		if (e[j] > 0)
			e[j] = (e[j] + 1e-15 * (fabs(out[j]) +
			    fabs(pb->m[j] * su))) / pb->s[j];
		out[j] = (out[j] - pb->m[j] * su) / pb->s[j];
	}
	return su;
}

/* ---------------------------------------------------------------------
 * Coordinate descent (alpha > 0), covariance updates.
 */

#define NO_SLOT		((size_t)-1)
/* cd->blk: a Gram block's columns, or at least 64 rows of p + 1 */
#define BLK_DOUBLES(p)	((p) + 1 > GRAM_BYTES / sizeof(double) / 64 ? \
			    64 * ((p) + 1) : GRAM_BYTES / sizeof(double))
#define MAX_PASSES	100000	/* CD passes per lambda (glmnet's maxit) */

struct cd {
	double	*g;	/* p: gradient of the loss (work) */
	double	*ga;	/* p: |g| as last computed, for the strong rule */
	double	*xv;	/* p: sum q x~_j^2 (working set only) */
	double	*b;	/* p: beta~ */
	double	*bs;	/* p: beta~ at the start of the IRLS step */
	/*
	 * The working columns x~_j: copied (column-major, col) while they
	 * are at most half of X, read from X by blocks of rows and
	 * standardised on the fly (stream) beyond: memory stays within 1.5
	 * X plus a few n-vectors. The change of eta over an IRLS step is kept
	 * in pb->u, which the CD path does not use otherwise, or in deta.
	 */
	double	*col;	/* cap x n, or NULL when streaming */
	int	 stream;	/* columns read from X by row blocks */
	size_t	 copy_bytes;	/* the opts' cd_copy_bytes */
	double	*part;	/* streaming: nblk x (p + 1), see cd_par() */
	size_t	 nblk, B;	/* row blocks of cd_par() and their rows */
	size_t	*js;	/* p: the feature of each slot */
	size_t	*wsort;	/* p: the slots' features in ascending order */
	double	*blk;	/* BLK_DOUBLES(p): a block of working columns */
	double	*xq;	/* p: sum q x~_j (working set only) */
	/*
	 * The covariance form of the quadratic model: with the working
	 * residual res = wn (y - mu) - q d(eta) (never formed), gr[l] =
	 * x~_l . res for the slots l, kept current by the columns of the
	 * weighted Gram matrix G[k cap + l] = sum q x~_k x~_l, each computed
	 * when slot k first moves in an IRLS step (gok[k]).
	 */
	double	*gr;	/* cap */
	double	*dsl;	/* cap: moves of an IRLS step, by slot */
	double	*G;	/* cap x cap */
	unsigned char *gok;	/* cap */
	unsigned char *xok;	/* cap: xv of the slot is current */
	double	*tmp;	/* n: work (copied columns only) */
	double	 cshift;	/* intercept moves not yet in gr */
	double	 sres;		/* sum of the true residual */
	size_t	*slot;	/* p: column of j in col, or NO_SLOT */
	size_t	*act;	/* nact: features ever non-zero, in order */
	unsigned char *inact;	/* p: in act */
	unsigned char *ixx;	/* p: in the working (strong) set */
	size_t	 ncol, cap, nact, n;
	/*
	 * rref: once every feature is in the working set (which never
	 * shrinks) nothing is left to screen, and its memory, already
	 * touched, holds the step in eta instead (deta; pb->u otherwise).
	 */
	double	*rref;	/* n: pb->r where ga was last computed in full */
	double	*deta;	/* n: the former rref, or NULL */
	size_t	 nvar;	/* features that are not constant */
	double	*cmax;	/* p: max_i |x~_ij| */
	double	*cnrm;	/* p: ||x~_j||_2 */
	double	*gb1;	/* p: bound bases at rref, L1 and L2 (see */
	double	*gb2;	/*    cd_screen()) */
	size_t	*unc;	/* p: work */
	size_t	*pend;	/* p: admitted, column not yet copied */
	size_t	 npend;
	unsigned char *fresh;	/* p: admitted since the last cd_model() */
	double	*gerr;	/* p: bound on the error of g (structured) */
	double	*lpart;	/* n / LOSS_ROWS: cd_loss_step()'s block sums */
	struct pl *pl;	/* structured gradients, or NULL */
	int	 eager;		/* cd_model() takes the fresh ones too */
	int	 gref;		/* ga and rref are set */
};

static void
cd_release(struct cd *c)
{
	free(c->g);
	free(c->ga);
	free(c->xv);
	free(c->b);
	free(c->bs);
	free(c->gr);
	free(c->dsl);
	free(c->G);
	free(c->gok);
	free(c->xok);
	free(c->tmp);
	free(c->col);
	free(c->js);
	free(c->wsort);
	free(c->blk);
	free(c->xq);
	free(c->slot);
	free(c->act);
	free(c->inact);
	free(c->ixx);
	free(c->rref);
	free(c->deta);
	free(c->cmax);
	free(c->cnrm);
	free(c->gb1);
	free(c->gb2);
	free(c->unc);
	free(c->pend);
	free(c->fresh);
	free(c->gerr);
	free(c->part);
	free(c->lpart);
	pl_free(c->pl);
	memset(c, 0, sizeof(*c));
}

static int
cd_init(struct cd *c, size_t n, size_t p, struct mare_err *err)
{
	size_t j;

	memset(c, 0, sizeof(*c));
	c->n = n;
	if ((c->g = xcalloc(p, sizeof(double), err)) == NULL ||
	    (c->ga = xcalloc(p, sizeof(double), err)) == NULL ||
	    (c->xv = xcalloc(p, sizeof(double), err)) == NULL ||
	    (c->xq = xcalloc(p, sizeof(double), err)) == NULL ||
	    (c->b = xcalloc(p, sizeof(double), err)) == NULL ||
	    (c->bs = xcalloc(p, sizeof(double), err)) == NULL ||
	    (c->js = xcalloc(p, sizeof(size_t), err)) == NULL ||
	    (c->wsort = xcalloc(p, sizeof(size_t), err)) == NULL ||
	    (c->blk = xcalloc(BLK_DOUBLES(p), sizeof(double), err)) == NULL ||
	    (c->slot = xcalloc(p, sizeof(size_t), err)) == NULL ||
	    (c->act = xcalloc(p, sizeof(size_t), err)) == NULL ||
	    (c->inact = xcalloc(p, 1, err)) == NULL ||
	    (c->ixx = xcalloc(p, 1, err)) == NULL ||
	    (c->rref = xcalloc(n, sizeof(double), err)) == NULL ||
	    (c->cmax = xcalloc(p, sizeof(double), err)) == NULL ||
	    (c->cnrm = xcalloc(p, sizeof(double), err)) == NULL ||
	    (c->gb1 = xcalloc(p, sizeof(double), err)) == NULL ||
	    (c->gb2 = xcalloc(p, sizeof(double), err)) == NULL ||
	    (c->unc = xcalloc(p, sizeof(size_t), err)) == NULL ||
	    (c->pend = xcalloc(p, sizeof(size_t), err)) == NULL ||
	    (c->fresh = xcalloc(p, 1, err)) == NULL ||
	    (c->gerr = xcalloc(p, sizeof(double), err)) == NULL ||
	    (c->lpart = xcalloc((n + LOSS_ROWS - 1) / LOSS_ROWS + 1,
	    sizeof(double), err)) == NULL) {
		cd_release(c);
		return -1;
	}
	for (j = 0; j < p; j++)
		c->slot[j] = NO_SLOT;
	return 0;
}

/*
 * Put j in the working set. A feature new to it gets a slot for its
 * standardised column x~_j (column-major), copied by cd_fill() while the
 * copies stay within half of X or c->copy_bytes; beyond, or from the
 * start when c->copy_bytes is 0, the copies are dropped and every working
 * column is read from X by row blocks (cd_block()). Each IRLS step reads
 * every working column: streamed, that is all of X, gathered and
 * standardised (100,000 maxent presences: 32 s with a quarter of X as the
 * bound, 14 s with half).
 */
static int
cd_admit(const struct prob *pb, struct cd *c, size_t j, struct mare_err *err)
{
	size_t n = pb->n, p = pb->p, ncap, k;
	double *nc;

	c->ixx[j] = 1;
	if (c->slot[j] != NO_SLOT)
		return 0;
	if (c->ncol == c->cap) {
		ncap = c->cap == 0 ? 16 : c->cap * 2;
		if (ncap > p)
			ncap = p;
		if (!c->stream && (c->copy_bytes == 0 || (ncap * 2 > p &&
		    n > 0 && ncap > c->copy_bytes / sizeof(double) / n))) {
			free(c->col);
			free(c->tmp);
			c->col = c->tmp = NULL;
			c->stream = 1;
			c->npend = 0;
			c->B = block_rows(pb);
			c->nblk = (n + c->B - 1) / c->B;
			if ((c->part = xcalloc(c->nblk, (p + 1) *
			    sizeof(double), err)) == NULL)
				return -1;
		}
		if (!c->stream && n > 0 &&
		    ncap > ((size_t)-1) / sizeof(double) / n)
			return mare_err_set(err, MARE_E_NOMEM, "out of memory "
			    "(%zu working columns of %zu rows)", ncap, n);
		if (!c->stream) {
			if ((nc = realloc(c->col, (ncap * n + 1) *
			    sizeof(double))) == NULL)
				return mare_err_set(err, MARE_E_NOMEM, "out "
				    "of memory (%zu working columns of %zu "
				    "rows)", ncap, n);
			c->col = nc;
			if (c->tmp == NULL && (c->tmp = xcalloc(n,
			    sizeof(double), err)) == NULL)
				return -1;
		}
		/* G is rebuilt lazily in every IRLS step: no copy */
		free(c->G);
		free(c->gr);
		free(c->gok);
		free(c->xok);
		free(c->dsl);
		c->xok = calloc(ncap ? ncap : 1, 1);
		c->gr = malloc((ncap ? ncap : 1) * sizeof(double));
		c->dsl = malloc((ncap ? ncap : 1) * sizeof(double));
		c->gok = calloc(ncap ? ncap : 1, 1);
		c->G = ncap > ((size_t)-1) / sizeof(double) / (ncap ? ncap : 1) ?
		    NULL : malloc((ncap ? ncap * ncap : 1) * sizeof(double));
		if (c->G == NULL || c->gr == NULL || c->gok == NULL ||
		    c->xok == NULL || c->dsl == NULL)
			return mare_err_set(err, MARE_E_NOMEM, "out of memory "
			    "(Gram matrix of %zu working columns)", ncap);
		c->cap = ncap;
	}
	c->js[c->ncol] = j;
	for (k = c->ncol; k > 0 && c->wsort[k - 1] > j; k--)
		c->wsort[k] = c->wsort[k - 1];
	c->wsort[k] = j;
	c->slot[j] = c->ncol++;
	if (c->ncol == c->nvar) {
		c->deta = c->rref;
		c->rref = NULL;
	}
	if (!c->stream)
		c->pend[c->npend++] = j;
	c->fresh[j] = 1;
	return 0;
}

/* cd_fill()'s pass: rows of blocks of B on threads. */
struct cd_fill_job {
	const struct prob *pb;
	const struct cd	*c;
	size_t		 B;
};

static int
cd_fill_block(void *arg, size_t b, size_t thread)
{
	const struct cd_fill_job *jb = arg;
	const struct prob *pb = jb->pb;
	const struct cd *c = jb->c;
	const double *x = pb->d->x;
	size_t n = pb->n, p = pb->p, i, i0 = b * jb->B, i1, k, j;
	double *cj, mj, sj;

	(void)thread;
	i1 = n - i0 < jb->B ? n : i0 + jb->B;
	for (k = 0; k < c->npend; k++) {
		j = c->pend[k];
		cj = c->col + c->slot[j] * n;
		mj = pb->m[j];
		sj = pb->s[j];
		for (i = i0; i < i1; i++)
			cj[i] = (x[i * p + j] - mj) / sj;
	}
	return 0;
}

/*
 * Copy the columns of the features admitted since the last call, in one
 * pass over X by blocks of rows that stay in cache (X is row-major, so
 * one column at a time would read all of it per column), on threads.
 */
static void
cd_fill(const struct prob *pb, struct cd *c)
{
	struct cd_fill_job jb = { pb, c, 0 };

	if (c->npend == 0)
		return;
	jb.B = FUSE_BYTES / sizeof(double) / pb->p;
	if (jb.B < 16)
		jb.B = 16;
	(void)mare_par_for((pb->n + jb.B - 1) / jb.B, pb->nthreads,
	    cd_fill_block, &jb);
	c->npend = 0;
}

/*
 * The working columns over rows [i0, i0 + nb) as an ncol x nb row-major
 * matrix with leading dimension *ld: the copies, or x~ computed from X
 * into buf (ncol x nb), row by row as X is stored (times 1 / s: a
 * division per value would cost more than the rest of the pass; sc holds
 * the slots' m and 1 / s, 2 ncol values).
 */
static const double *
cd_block(const struct prob *pb, const struct cd *c, size_t i0, size_t nb,
    const double *sc, double *buf, size_t *ld)
{
	const double *x = pb->d->x + i0 * pb->p;
	const size_t *js = c->js;
	size_t l, r, p = pb->p, ncol = c->ncol;

	if (!c->stream) {
		*ld = c->n;
		return c->col + i0;
	}
	for (r = 0; r < nb; r++, x += p)
		for (l = 0; l < ncol; l++)
			buf[l * nb + r] = (x[js[l]] - sc[2 * l]) *
			    sc[2 * l + 1];
	*ld = nb;
	return buf;
}

/* Rows per block of cd_block() with w more doubles a row besides. */
static size_t
cd_rows(const struct cd *c, size_t w)
{
	size_t B = GRAM_BYTES / sizeof(double) / (c->ncol + w);

	return B < 64 ? 64 : B > c->n ? c->n : B;
}

/*
 * cd_model()'s pass on pb->nthreads threads: fixed chunks of rows (a
 * function of n alone), each leaving its t and sv (see cd_model()) in its
 * own slot of part, added in chunk order, so the sums do not depend on
 * the thread count; w and blk hold a thread's blocks.
 */
struct cd_mpar {
	const struct prob *pb;
	const struct cd	*c;
	const size_t	*ka;
	const double	*sc;
	size_t		 na, nw, B, rows;
	double		*part, *w, *blk;
};

/*
 * cd_model()'s sums over rows i0..i1 in blocks of B: t (nw x ncol) += the
 * q-weighted active columns, q and -r (w: nw x B) times the block's
 * columns (buf: ncol x B for cd_block()); when streaming, sv += the xv
 * of the slots not in the gemm.
 */
static void
cd_model_rows(const struct prob *pb, const struct cd *c, const size_t *ka,
    size_t na, size_t B, const double *sc, size_t i0, size_t i1, double *w,
    double *buf, double *t, double *sv)
{
	size_t ncol = c->ncol, nw = na + 2, nb, a, r, l, ld;
	const double *q = pb->q, *cb, *x;
	double v;

	for (; i0 < i1; i0 += nb) {
		nb = i1 - i0 < B ? i1 - i0 : B;
		cb = cd_block(pb, c, i0, nb, sc, buf, &ld);
		for (a = 0; a < na; a++)
			for (r = 0, x = cb + ka[a] * ld; r < nb; r++)
				w[a * B + r] = q[i0 + r] * x[r];
		memcpy(w + na * B, q + i0, nb * sizeof(double));
		for (r = 0; r < nb; r++)
			w[(na + 1) * B + r] = -pb->r[i0 + r];
		mare_blas_dgemm(0, 1, nw, ncol, nb, 1.0, w, B, cb, ld,
		    1.0, t, ncol);
		for (l = 0; c->stream && l < ncol; l++)
			for (r = 0, x = cb + l * ld; r < nb && !c->gok[l];
			    r++) {
				v = x[r];
				sv[l] += q[i0 + r] * v * v;
			}
	}
}

static int
cd_model_chunk(void *arg, size_t k, size_t thread)
{
	struct cd_mpar *m = arg;
	const struct cd *c = m->c;
	size_t ncol = c->ncol, B = m->B, nw = m->nw;
	size_t i1 = (k + 1) * m->rows;
	double *t = m->part + k * (nw + 1) * ncol, *sv = t + nw * ncol;

	cd_model_rows(m->pb, c, m->ka, m->na, B, m->sc, k * m->rows,
	    i1 < c->n ? i1 : c->n, m->w + thread * nw * B,
	    m->blk + thread * ncol * B, t, sv);
	return 0;
}

/* t += the chunks' sums in chunk order; 0, or -1 out of memory. */
static int
cd_model_par(const struct prob *pb, const struct cd *c, const size_t *ka,
    size_t na, size_t B, const double *sc, double *t)
{
	struct cd_mpar m = { pb, c, ka, sc, na, na + 2, B, 0, NULL, NULL,
	    NULL };
	size_t nth = pb->nthreads > 1 ? pb->nthreads : 1, nch, k, i;
	size_t len = (m.nw + 1) * c->ncol;

	if (nth > MARE_PAR_MAX_THREADS)
		nth = MARE_PAR_MAX_THREADS;
	nch = (c->n + MODEL_CHUNK_ROWS - 1) / MODEL_CHUNK_ROWS;
	if (nch > MODEL_CHUNKS)
		nch = MODEL_CHUNKS;
	m.rows = (c->n + nch - 1) / nch;
	nch = (c->n + m.rows - 1) / m.rows;
	m.part = calloc(nch * len, sizeof(double));
	m.w = malloc(nth * m.nw * B * sizeof(double));
	m.blk = malloc(nth * c->ncol * B * sizeof(double));
	if (m.part == NULL || m.w == NULL || m.blk == NULL) {
		free(m.part);
		free(m.w);
		free(m.blk);
		return -1;
	}
	(void)mare_par_for(nch, pb->nthreads, cd_model_chunk, &m);
	for (k = 0; k < nch; k++)
		for (i = 0; i < len; i++)
			t[i] += m.part[k * len + i];
	free(m.part);
	free(m.w);
	free(m.blk);
	return 0;
}

/*
 * The quadratic model at the current IRLS point, in one pass over the
 * working columns: per block of rows, one gemm of the block with the
 * q-weighted columns of the non-zero coefficients and, with c->eager (the
 * KKT rule; glmnet's keeps its rounding), of the features new to the
 * working set (their Gram columns and xv: they move in nearly every IRLS
 * step, and the new ones were admitted to move), q (xq) and -r (gr).
 * The xv of the other slots come from their columns, when needed or, when
 * streaming, in the same pass (the same sums in the same order). 0, or -1
 * with err set.
 */
static int
cd_model(const struct prob *pb, struct cd *c, struct mare_err *err)
{
	size_t na = 0, nw, a, j, l, B, ncol = c->ncol;
	size_t *ka, *fj;
	double *t, *sv, *sc;

	if (ncol == 0)
		return 0;
	/* zeroed: every slot has a j, but the analyzer cannot know it */
	ka = calloc(ncol, sizeof(*ka));
	fj = calloc(ncol, sizeof(*fj));
	if (ka == NULL || fj == NULL) {
		free(ka);
		free(fj);
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	}
	for (j = 0; j < pb->p; j++)
		if (c->slot[j] != NO_SLOT) {
			fj[c->slot[j]] = j;
			if (c->b[j] != 0 || (c->eager && c->fresh[j]))
				ka[na++] = c->slot[j];
			c->fresh[j] = 0;
		}
	nw = na + 2;
	B = cd_rows(c, nw);
	t = calloc((nw + 3) * ncol, sizeof(double));
	if (t == NULL) {
		free(ka);
		free(fj);
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	}
	memset(c->gok, 0, ncol);
	for (a = 0; a < na; a++)
		c->gok[ka[a]] = 1;
	sv = t + nw * ncol;	/* streaming: xv of the other slots */
	sc = t + (nw + 1) * ncol;	/* cd_block()'s m and 1 / s */
	for (l = 0; l < ncol; l++) {
		sc[2 * l] = pb->m[fj[l]];
		sc[2 * l + 1] = 1 / pb->s[fj[l]];
	}
	if (cd_model_par(pb, c, ka, na, B, sc, t) == -1) {
		free(t);
		free(ka);
		free(fj);
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	}
	for (a = 0; a < na; a++) {
		memcpy(c->G + ka[a] * c->cap, t + a * ncol,
		    ncol * sizeof(double));
		c->xv[fj[ka[a]]] = t[a * ncol + ka[a]];
	}
	for (l = 0; l < ncol; l++) {
		c->xq[fj[l]] = t[na * ncol + l];
		c->gr[l] = t[(na + 1) * ncol + l];
		c->xok[l] = c->gok[l] || c->stream;	/* else cd_xv() */
		if (c->stream && !c->gok[l])
			c->xv[fj[l]] = sv[l];
	}
	free(t);
	free(ka);
	free(fj);
	return 0;
}

/*
 * xv of feature j (slot l) at the current IRLS point: from its column when
 * cd_model() did not compute it, which only matters once j moves.
 */
static double
cd_xv(const struct prob *pb, struct cd *c, size_t j, size_t l)
{
	const double *x = c->col + l * c->n, *q = pb->q;
	double sv, v;
	size_t r;

	if (!c->xok[l] && !c->stream) {
		for (r = 0, sv = 0; r < c->n; r++) {
			v = x[r];
			sv += q[r] * v * v;
		}
		c->xv[j] = sv;
		c->xok[l] = 1;
	}
	return c->xv[j];
}

/*
 * Column k (a slot) of G at the current IRLS point, computed once: one
 * gemv over the copies, or per block of rows when streaming.
 */
static const double *
cd_gram(const struct prob *pb, struct cd *c, size_t k)
{
	const double *xk, *x;
	double *gk = c->G + k * c->cap, *tb, *acc, mj, sj, st = 0;
	size_t i, i0, nb, B, j, l, p;

	if (c->gok[k])
		return gk;
	if (!c->stream) {
		xk = c->col + k * c->n;
		for (i = 0; i < c->n; i++)
			c->tmp[i] = pb->q[i] * xk[i];
		mare_blas_dgemv(0, c->ncol, c->n, 1.0, c->col, c->n, c->tmp,
		    0.0, gk);
		c->gok[k] = 1;
		return gk;
	}
	/*
	 * Streaming: t = q x~_k by blocks, X' t by gemv over X itself and
	 * the centring after: G_lk = (x_l . t - m_l sum(t)) / s_l.
	 */
	p = pb->p;
	j = c->js[k];
	mj = pb->m[j];
	sj = 1 / pb->s[j];
	acc = c->blk;
	tb = c->blk + p;
	B = BLK_DOUBLES(p) - p;
	memset(acc, 0, p * sizeof(double));
	for (i0 = 0; i0 < c->n; i0 += nb) {
		nb = c->n - i0 < B ? c->n - i0 : B;
		x = pb->d->x + i0 * p;
		for (i = 0; i < nb; i++) {
			tb[i] = pb->q[i0 + i] * ((x[i * p + j] - mj) * sj);
			st += tb[i];
		}
		mare_blas_dgemv(1, nb, p, 1.0, x, p, tb, 1.0, acc);
	}
	for (l = 0; l < c->ncol; l++) {
		j = c->js[l];
		gk[l] = (acc[j] - pb->m[j] * st) / pb->s[j];
	}
	c->gok[k] = 1;
	return gk;
}

/*
 * The streamed passes over X on pb->nthreads threads: fixed blocks of
 * c->B rows (block_rows(), as the TRON passes), block k leaving its
 * partial sums in c->part[k (p + 1) ...], added in block order
 * afterwards, so the sums do not depend on the thread count. OpenBLAS
 * is held at one thread meanwhile (mare_optim_fit(), mare_optim_path()).
 */
enum cd_job { CD_XTV, CD_XB };

struct cd_par {
	struct prob	*pb;
	struct cd	*c;
	enum cd_job	 job;
	const double	*u;	/* CD_XTV: u */
	double		*out;	/* CD_XB: deta */
	double		 c0;	/* CD_XB: the constant term */
};

/*
 * Block k: CD_XTV: X' u and sum(u) over its rows; CD_XB: out = X vp + c0
 * on its rows.
 */
static int
cd_par_block(void *arg, size_t k, size_t thread)
{
	struct cd_par *a = arg;
	struct prob *pb = a->pb;
	size_t p = pb->p, i, i0 = k * a->c->B, nr;
	const double *x = pb->d->x + i0 * p;
	double *part = a->c->part + k * (p + 1), s = 0;

	(void)thread;
	nr = pb->n - i0 < a->c->B ? pb->n - i0 : a->c->B;
	switch (a->job) {
	case CD_XTV:
		for (i = i0; i < i0 + nr; i++)
			s += a->u[i];
		mare_blas_dgemv(1, nr, p, 1.0, x, p, a->u + i0, 0.0, part);
		break;
	case CD_XB:
		mare_blas_dgemv(0, nr, p, 1.0, x, p, pb->vp, 0.0,
		    a->out + i0);
		for (i = i0; i < i0 + nr; i++)
			a->out[i] += a->c0;
		break;
	}
	part[p] = s;
	return 0;
}

/*
 * Runs a's job over the blocks; fills out (p values: CD_XTV, else NULL)
 * and returns the sum.
 */
static double
cd_par(struct cd_par *a, double *out)
{
	size_t p = a->pb->p;

	(void)mare_par_for(a->c->nblk, a->pb->nthreads, cd_par_block, a);
	if (out != NULL)
		memset(out, 0, p * sizeof(double));
	return add_parts(a->c->part, a->c->nblk, p, out);
}

/* xtv() for the CD path: over blocks on threads when streaming. */
static double
cd_xtv(struct prob *pb, struct cd *c, const double *u, double *out)
{
	struct cd_par a = { pb, c, CD_XTV, u, NULL, 0 };
	double su;
	size_t j;

	if (!c->stream || pb->p == 0)
		return xtv(pb, u, out);
	su = cd_par(&a, out);
	for (j = 0; j < pb->p; j++)
		out[j] = pb->zv[j] ? 0 : (out[j] - pb->m[j] * su) / pb->s[j];
	return su;
}

/* cd_loss_step()'s trial point: eta + step deta. */
struct cd_trial {
	struct prob	*pb;
	double		*lpart;
	const double	*eta, *deta;
	double		 step;
};

/* Block k of cd_loss_step(): its rows' loss terms, with r and q. */
static int
cd_loss_block(void *arg, size_t k, size_t thread)
{
	const struct cd_trial *a = arg;
	struct prob *pb = a->pb;
	size_t i, i1 = (k + 1) * LOSS_ROWS;
	double s = 0;

	(void)thread;
	if (i1 > pb->n)
		i1 = pb->n;
	for (i = k * LOSS_ROWS; i < i1; i++)
		s += pb->wn[i] * loss_row(pb, i, a->eta[i] + a->step *
		    a->deta[i], 1);
	a->lpart[k] = s;
	return 0;
}

/*
 * The loss at eta + step deta, with r and q there (pb->eta is not
 * changed): per block of LOSS_ROWS rows on pb->nthreads threads, the
 * blocks' sums added in block order, the same for any thread count.
 */
static double
cd_loss_step(struct prob *pb, struct cd *c, const double *eta,
    const double *deta, double step)
{
	struct cd_trial a = { pb, c->lpart, eta, deta, step };
	size_t k, nb = (pb->n + LOSS_ROWS - 1) / LOSS_ROWS;
	double L = 0;

	(void)mare_par_for(nb, pb->nthreads, cd_loss_block, &a);
	for (k = 0; k < nb; k++)
		L += c->lpart[k];
	return L;
}

/*
 * out[slot] = x~_j . u for every working column: per column over the
 * copies, or by xtv() over X when streaming (c->g: work).
 */
static void
cd_xtu(struct prob *pb, struct cd *c, const double *u, double *out)
{
	size_t l;

	if (!c->stream) {
		for (l = 0; l < c->ncol; l++)
			out[l] = mare_blas_ddot(c->n, u, c->col + l * c->n);
		return;
	}
	cd_xtv(pb, c, u, c->g);
	for (l = 0; l < c->ncol; l++)
		out[l] = c->g[c->js[l]];
}

/*
 * deta = X~_W dsl (the working columns times the slots' moves): one gemv
 * over the copies, or over X as X (dsl / s) - m . (dsl / s) when
 * streaming (pb->vp: work).
 */
static void
cd_xb(struct prob *pb, struct cd *c, const double *dsl, double *deta)
{
	struct cd_par a = { pb, c, CD_XB, NULL, NULL, 0 };
	size_t l, j, p = pb->p;
	double c0 = 0;

	if (c->ncol == 0) {
		memset(deta, 0, c->n * sizeof(double));
		return;
	}
	if (!c->stream) {	/* one pass over the working columns */
		mare_blas_dgemv(1, c->ncol, c->n, 1.0, c->col, c->n, dsl,
		    0.0, deta);
		return;
	}
	memset(pb->vp, 0, p * sizeof(double));
	for (l = 0; l < c->ncol; l++) {
		j = c->js[l];
		pb->vp[j] = dsl[l] / pb->s[j];
		c0 -= pb->m[j] * pb->vp[j];
	}
	a.out = deta;
	a.c0 = c0;
	(void)cd_par(&a, NULL);
}

/*
 * One CD pass over the working set (all) or over the features ever
 * non-zero (!all), then the intercept. Returns the pass's largest change
 * measure: xv d^2 (glmnet) or xv |d| (the gradient scale, mare). The
 * true residual is res - cshift q: intercept moves cost O(1), and sres
 * follows its sum.
 */
static double
cd_pass(const struct prob *pb, struct cd *c, double lambda, double *b0,
    double xmz, int all, int gl)
{
	size_t j, l, cnt;
	double al1 = lambda * pb->alpha, al2 = lambda * (1 - pb->alpha);
	double dlx = 0, u, au, nb, d;

	/*
	 * in feature order: the working set, or the features ever moved
	 * (never constant ones: they are never admitted)
	 */
	cnt = all ? c->ncol : c->nact;
	for (l = 0; l < cnt; l++) {
		j = all ? c->wsort[l] : c->act[l];
		/* b[j] == 0 unless j moved in this step: xv is current */
		u = c->gr[c->slot[j]] - c->cshift * c->xq[j] +
		    c->xv[j] * c->b[j];
		au = fabs(u) - pb->pf[j] * al1;
		if (au > 0)
			cd_xv(pb, c, j, c->slot[j]);
		if (au > 0 && c->xv[j] + pb->pf[j] * al2 > 0)
			nb = copysign(au, u) / (c->xv[j] + pb->pf[j] * al2);
		else
			nb = 0;
		d = nb - c->b[j];
		if (d == 0)
			continue;
		c->b[j] = nb;
		dlx = fmax(dlx, gl ? c->xv[j] * d * d : c->xv[j] * fabs(d));
		mare_blas_daxpy(c->ncol, -d, cd_gram(pb, c, c->slot[j]),
		    c->gr);
		c->sres -= d * c->xq[j];
		if (!c->inact[j]) {
			c->inact[j] = 1;
			c->act[c->nact++] = j;
		}
	}
	if (pb->icpt && xmz > 0) {
		d = c->sres / xmz;
		if (d != 0) {
			*b0 += d;
			dlx = fmax(dlx, gl ? xmz * d * d : xmz * fabs(d));
			c->cshift += d;
			c->sres -= d * xmz;
		}
	}
	return dlx;
}

/*
 * |gradient| of the loss at the current point into ga (one pass over X,
 * or structured with the error bounds in gerr), remembering the residual
 * it was computed at.
 */
static void
cd_grad(struct prob *pb, struct cd *c)
{
	size_t j;

	if (c->pl != NULL)
		pl_xtv(pb, c->pl, pb->r, c->g, c->gerr);
	else
		cd_xtv(pb, c, pb->r, c->g);
	for (j = 0; j < pb->p; j++) {
		c->ga[j] = fabs(c->g[j]);
		c->gb1[j] = c->gb2[j] = c->ga[j] + c->gerr[j];
	}
	if (c->rref != NULL)
		memcpy(c->rref, pb->r, pb->n * sizeof(double));
	c->gref = 1;
}

/* max_i |x~_ij| and ||x~_j||_2, for cd_screen()'s bounds. */
static void
cd_colmax(const struct prob *pb, struct cd *c)
{
	size_t j;

	for (j = 0; j < pb->p; j++) {
		c->cmax[j] = pb->zv[j] ? 0 : pb->cmax[j] / pb->s[j];
		c->cnrm[j] = pb->zv[j] ? 0 : sqrt(pb->cnrm[j]) / pb->s[j];
	}
}

/*
 * Exact gradients of the nu features in c->unc, row by row; the bases of
 * their bounds moved to rref with d1 and d2 (see cd_screen()).
 */
static void
cd_exact(struct prob *pb, struct cd *c, size_t nu, double d1, double d2)
{
	const double *x = pb->d->x;
	size_t i, j, k, p = pb->p;
	double sr = 0;

	for (k = 0; k < nu; k++)
		c->g[c->unc[k]] = 0;
	for (i = 0; i < pb->n; i++) {
		sr += pb->r[i];
		for (k = 0; k < nu; k++)
			c->g[c->unc[k]] += x[i * p + c->unc[k]] * pb->r[i];
	}
	for (k = 0; k < nu; k++) {
		j = c->unc[k];
		c->ga[j] = fabs((c->g[j] - pb->m[j] * sr) / pb->s[j]);
		c->gerr[j] = 0;
		c->gb1[j] = c->ga[j] + c->cmax[j] * d1;
		c->gb2[j] = c->ga[j] + c->cnrm[j] * d2;
	}
}

/*
 * KKT check of the features outside the working set: the ones that
 * violate it join the set (*viol = 1). With d = r - rref, the triangle
 * and Hoelder inequalities give |g_j| <= gb1_j + cmax_j ||d||_1 and
 * |g_j| <= gb2_j + cnrm_j ||d||_2: a feature whose bound is below its
 * threshold provably stays at 0. The few others get their exact gradient
 * from their own columns (bases moved to rref by the same inequalities);
 * when there are many, every gradient is recomputed (one pass over X, or
 * structured: then the features whose error bound straddles their
 * threshold get their exact gradient too).
 */
static int
cd_screen(struct prob *pb, struct cd *c, double lambda, int *viol,
    struct mare_err *err)
{
	size_t i, j, k, p = pb->p, nu = 0;
	double d1 = 0, d2 = 0, dr, l1;

	*viol = 0;
	if (c->rref == NULL) {	/* every feature is in the working set */
		cd_fill(pb, c);
		return 0;
	}
	if (c->gref) {
		for (i = 0; i < pb->n; i++) {
			dr = pb->r[i] - c->rref[i];
			d1 += fabs(dr);
			d2 += dr * dr;
		}
		d2 = sqrt(d2);
		for (j = 0; j < p; j++) {
			if (c->ixx[j] || pb->zv[j])
				continue;
			l1 = lambda * pb->alpha * pb->pf[j];
			if (c->gb1[j] + c->cmax[j] * d1 > l1 &&
			    c->gb2[j] + c->cnrm[j] * d2 > l1)
				c->unc[nu++] = j;
		}
		if (nu == 0)
			return 0;
	}
	/* structured full gradients cost about as much as a few columns */
	if (!c->gref || nu > (c->pl != NULL ? PL_FEW : p / 32 + 1)) {
		cd_grad(pb, c);
		nu = 0;
		for (j = 0; j < p; j++) {
			if (c->ixx[j] || pb->zv[j])
				continue;
			l1 = lambda * pb->alpha * pb->pf[j];
			if (c->gerr[j] > 0 && fabs(c->ga[j] - l1) <= c->gerr[j])
				c->unc[nu++] = j;	/* exact below */
			else if (c->ga[j] > l1) {
				if (cd_admit(pb, c, j, err) == -1)
					return -1;
				*viol = 1;
			}
		}
		d1 = d2 = 0;	/* at rref */
	}
	if (nu > 0)
		cd_exact(pb, c, nu, d1, d2);
	for (k = 0; k < nu; k++) {
		j = c->unc[k];
		if (c->ga[j] > lambda * pb->alpha * pb->pf[j]) {
			if (cd_admit(pb, c, j, err) == -1)
				return -1;
			*viol = 1;
		}
	}
	cd_fill(pb, c);
	return 0;
}

/*
 * The KKT violation at the current point right after a cd_screen() that
 * found no violator: exact on the working set (from its columns), 0
 * elsewhere (proved by the screen).
 */
static double
cd_kkt(struct prob *pb, struct cd *c, double lambda)
{
	size_t i, j;
	double g0 = 0, k, v, l1;

	for (i = 0; i < pb->n; i++)
		g0 += pb->r[i];
	k = pb->icpt ? fabs(g0) : 0;
	if (c->ncol > 0)	/* dsl: work, set afresh in every IRLS step */
		cd_xtu(pb, c, pb->r, c->dsl);
	for (j = 0; j < pb->p; j++) {
		if (!c->ixx[j] || pb->zv[j])
			continue;
		l1 = lambda * pb->alpha * pb->pf[j];
		v = c->dsl[c->slot[j]] + lambda *
		    (1 - pb->alpha) * pb->pf[j] * c->b[j];
		if (c->b[j] > 0)
			v = fabs(v + l1);
		else if (c->b[j] < 0)
			v = fabs(v - l1);
		else
			v = fabs(v) > l1 ? fabs(v) - l1 : 0;
		if (v > k)
			k = v;
	}
	return k;
}

/* Null deviance scale of glmnet's threshold: loss(null) - loss(sat). */
static double
null_dev(struct prob *pb)
{
	const double *y = pb->d->y;
	double b0 = start_b0(pb), L, sat = 0;
	size_t i;

	for (i = 0; i < pb->n; i++)
		pb->u[i] = b0 + (pb->d->offset != NULL ? pb->d->offset[i] :
		    0);
	L = loss(pb, pb->u, 0);
	if (pb->fam == MARE_OPTIM_POISSON)
		for (i = 0; i < pb->n; i++)
			if (y[i] > 0)
				sat += pb->wn[i] * (y[i] - y[i] * log(y[i]));
	return L - sat > 0 ? L - sat : L;
}

/*
 * Minimise F at lambda from (b0, bt) (updated in place), glmnet's way:
 * IRLS on the quadratic approximation; per step, naive CD passes over the
 * working set until a pass changes little, then passes over the features
 * ever non-zero only, then a full pass again; strong-rule screening from
 * the previous lambda lprev (0 = none) and a KKT check of the screened-
 * out features before accepting a solution. pb->eta, r and q must be at
 * (b0, bt) on entry and are kept there, and so is *Lp, the loss there.
 * shr: glmnet's threshold times the null deviance (o->stop ==
 * MARE_OPTIM_STOP_GLMNET).
 */
static int
solve_cd(struct prob *pb, struct cd *c, double lambda, double lprev,
    const struct mare_optim_opts *o, double shr, double *b0, double *bt,
    double *Lp, struct mare_optim_fit *fit, struct mare_err *err)
{
	size_t p = pb->p, n = pb->n, i, j, l;
	double L, F, Fnew, Lnew, xmz, b0s, kk = INFINITY, kbest = INFINITY;
	double itol, step, tlam, *eta = pb->eta, *deta;
	int gl = o->stop == MARE_OPTIM_STOP_GLMNET, iter = 0, passes = 0;
	int h, stall = 0, done = 0, conv = 0, ix;

	memcpy(c->b, bt, p * sizeof(double));
	L = *Lp;
	F = L + penalty(pb, c->b, lambda);
	if (!c->gref)
		cd_grad(pb, c);
	/* strong rule: the working set for this lambda */
	tlam = pb->alpha * (2 * lambda - lprev);
	for (j = 0; j < p; j++)
		if (!c->ixx[j] && !pb->zv[j] && (!o->strong_rules ||
		    lprev <= 0 || c->b[j] != 0 ||
		    c->ga[j] > tlam * pb->pf[j]) &&
		    cd_admit(pb, c, j, err) == -1)
			return -1;
	cd_fill(pb, c);
	itol = gl ? shr : 0.01 * o->tol;
	while (!done && iter < o->max_iter && passes < MAX_PASSES) {
		iter++;
		/* quadratic model at the current point */
		b0s = *b0;
		memcpy(c->bs, c->b, p * sizeof(double));
		xmz = 0;
		c->sres = 0;
		c->cshift = 0;
		for (i = 0; i < n; i++) {
			c->sres -= pb->r[i];
			xmz += pb->q[i];
		}
		/* xv, xq, gr = X~_W' res at d(eta) = 0, some of G */
		if (cd_model(pb, c, err) == -1)
			return -1;
		if (!gl && isfinite(kk))
			itol = fmax(0.01 * o->tol, 1e-3 * kk);
		/* full passes and passes over the active features */
		while (passes < MAX_PASSES) {
			passes++;
			if (cd_pass(pb, c, lambda, b0, xmz, 1, gl) < itol)
				break;
			while (passes++ < MAX_PASSES &&
			    cd_pass(pb, c, lambda, b0, xmz, 0, gl) >= itol)
				;
		}
		/* the step in eta, and a safeguard on F (mare only) */
		if (c->ncol > 0)	/* dsl is NULL before the first column */
			memset(c->dsl, 0, c->ncol * sizeof(double));
		for (l = 0; l < c->nact; l++) {
			j = c->act[l];
			c->dsl[c->slot[j]] = c->b[j] - c->bs[j];
		}
		deta = c->deta != NULL ? c->deta : pb->u;
		cd_xb(pb, c, c->dsl, deta);
		for (i = 0; i < n; i++)
			deta[i] += *b0 - b0s;
		step = 1;
		for (h = 0; h < MAX_HALVINGS; h++) {
			if (h > 0)	/* halve the step in beta too */
				for (j = 0; j < p; j++)
					c->b[j] = c->bs[j] +
					    (c->b[j] - c->bs[j]) / 2;
			/* r and q follow the trial point eta + step deta */
			Lnew = cd_loss_step(pb, c, eta, deta, step);
			Fnew = Lnew + penalty(pb, c->b, lambda);
			/*
			 * glmnet takes every IRLS step; mare halves the
			 * ones that increase F beyond rounding level (with
			 * glmnet's rule: beyond its own precision), which
			 * is where glmnet's path can fail.
			 */
			if (Fnew <= F || (h == 0 && Fnew - F <=
			    (gl ? 1e-6 : 1e-12) * fabs(F)))
				break;
			step /= 2;
		}
		if (h == MAX_HALVINGS) {
			memcpy(c->b, c->bs, p * sizeof(double));
			*b0 = b0s;
			loss(pb, eta, 1);
			break;	/* no descent left: report kkt as it is */
		}
		*b0 = b0s + step * (*b0 - b0s);
		for (i = 0; i < n; i++)
			eta[i] += step * deta[i];
		L = Lnew;
		F = Fnew;

		if (gl) {
			/* glmnet: small changes, then KKT of the others */
			xmz = 0;
			for (i = 0; i < n; i++)
				xmz += pb->q[i];
			ix = xmz * (*b0 - b0s) * (*b0 - b0s) >= shr;
			for (l = 0; !ix && l < c->nact; l++) {
				j = c->act[l];
				ix = c->xv[j] * (c->b[j] - c->bs[j]) *
				    (c->b[j] - c->bs[j]) >= shr;
			}
			if (ix)
				continue;
			if (cd_screen(pb, c, lambda, &ix, err) == -1)
				return -1;
			done = conv = !ix;
			continue;
		}
		/* mare: the KKT violation over every feature */
		if (cd_screen(pb, c, lambda, &ix, err) == -1)
			return -1;
		kk = cd_kkt(pb, c, lambda);
		if (kk <= o->tol && !ix) {
			conv = 1;
			break;
		}
		if (kk < 0.99 * kbest) {
			kbest = kk;
			stall = 0;
		} else if (++stall >= 10 && !ix)
			break;	/* stagnation at rounding level */
	}
	/* the exact violation: violators found here join the set */
	if (cd_screen(pb, c, lambda, &ix, err) == -1)
		return -1;
	memcpy(bt, c->b, p * sizeof(double));
	fit->objective = F;
	fit->loss = *Lp = L;
	/* o->last_only: a step whose fit is not kept (see path_run()) */
	fit->kkt = o->last_only ? NAN : cd_kkt(pb, c, lambda);
	fit->iterations += iter;
	fit->converged = gl ? conv : fit->kkt <= o->tol;
	return 0;
}

/* ---------------------------------------------------------------------
 * Public entry points.
 */

void
mare_optim_opts_init(struct mare_optim_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->family = MARE_OPTIM_LOGISTIC;
	o->intercept = 1;
	o->standardize = 1;
	o->tol = 1e-7;
	o->max_iter = 1000;
	o->path_steps = 20;
	o->strong_rules = 1;
	o->cd_copy_bytes = CD_COPY_BYTES;
}

void
mare_optim_fit_release(struct mare_optim_fit *fit)
{
	if (fit == NULL)
		return;
	free(fit->beta);
	free(fit->zero_var);
	memset(fit, 0, sizeof(*fit));
}

static double
lmax_of(struct prob *pb, double *g)
{
	double b0 = start_b0(pb), lm = 0, a, v;
	size_t j;

	for (size_t i = 0; i < pb->n; i++)	/* X~ 0 + b0 + offset */
		pb->eta[i] = b0 + (pb->d->offset != NULL ?
		    pb->d->offset[i] : 0);
	loss(pb, pb->eta, 1);
	xtv(pb, pb->r, g);
	a = pb->alpha > 1e-3 ? pb->alpha : 1e-3;
	for (j = 0; j < pb->p; j++) {
		if (pb->zv[j] || pb->pf[j] <= 0)
			continue;
		v = fabs(g[j]) / (a * pb->pf[j]);
		if (v > lm)
			lm = v;
	}
	return lm;
}

int
mare_optim_lambda_max(const struct mare_optim_data *d,
    const struct mare_optim_opts *o, double *lmax, struct mare_err *err)
{
	struct prob pb;
	double *g;

	if (prob_init(&pb, d, o, err) == -1)
		return -1;
	if ((g = xcalloc(d->p, sizeof(double), err)) == NULL) {
		prob_release(&pb);
		return -1;
	}
	*lmax = lmax_of(&pb, g);
	free(g);
	prob_release(&pb);
	return 0;
}

/* Fill the public parts of fit from the internal solution. */
static int
finish(const struct prob *pb, double lambda, double b0, const double *bt,
    struct mare_optim_fit *fit, struct mare_err *err)
{
	size_t j;

	fit->p = pb->p;
	fit->lambda = lambda;
	if ((fit->beta = xcalloc(pb->p, sizeof(double), err)) == NULL ||
	    (fit->zero_var = xcalloc(pb->p, 1, err)) == NULL) {
		mare_optim_fit_release(fit);
		return -1;
	}
	fit->intercept = b0;
	fit->n_zero_var = fit->n_nonzero = 0;
	for (j = 0; j < pb->p; j++) {
		fit->zero_var[j] = pb->zv[j];
		fit->n_zero_var += pb->zv[j];
		fit->beta[j] = pb->zv[j] ? 0 : bt[j] / pb->s[j];
		fit->intercept -= pb->m[j] * fit->beta[j];
		fit->n_nonzero += fit->beta[j] != 0;
	}
	if (!pb->icpt)
		fit->intercept = 0;
	return 0;
}

/*
 * The path of mare_optim_path() on an initialised problem. lm: lambda_max
 * with g its gradient at the null model (from lmax_of()), or NAN to
 * compute both here.
 */
static int
path_run(struct prob *pb, const struct mare_optim_opts *o,
    const double *lambdas, size_t nlambda, double ratio, double lm,
    const double *g0, struct mare_optim_fit *fits, struct mare_err *err)
{
	struct cd c;
	struct mare_optim_opts oo = *o;
	size_t p = pb->p, k, j;
	double *bt = NULL, b0, lam, lprev, shr = 0, L = 0;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	memset(fits, 0, nlambda * sizeof(*fits));
	if ((bt = xcalloc(p + 1, sizeof(double), err)) == NULL)
		goto out;
	if (o->alpha > 0 && cd_init(&c, pb->n, p, err) == -1)
		goto out;
	c.copy_bytes = o->cd_copy_bytes;
	for (j = 0; c.rref != NULL && j < p; j++)
		c.nvar += !pb->zv[j];
	if (isnan(lm) || g0 == NULL) {
		lm = lmax_of(pb, bt);
		g0 = bt;
	}
	b0 = start_b0(pb);
	lprev = lm;
	if (c.cmax != NULL) {	/* cd_init() ran: o->alpha > 0 */
		if (pl_init(pb, &c.pl, err) == -1)
			goto out;
		/* the gradient at the null model is cd_grad()'s first */
		for (j = 0; j < p; j++)
			c.g[j] = g0[j];
		cd_colmax(pb, &c);
		if (o->stop == MARE_OPTIM_STOP_GLMNET)
			shr = o->tol * null_dev(pb);
		for (size_t i = 0; i < pb->n; i++)	/* the null model */
			pb->eta[i] = b0 + (pb->d->offset != NULL ?
			    pb->d->offset[i] : 0);
		L = loss(pb, pb->eta, 1);
		for (j = 0; j < p; j++)
			c.ga[j] = c.gb1[j] = c.gb2[j] = fabs(c.g[j]);
		memcpy(c.rref, pb->r, pb->n * sizeof(double));
		c.gref = 1;
		c.eager = o->stop != MARE_OPTIM_STOP_GLMNET;
	}
	memset(bt, 0, (p + 1) * sizeof(double));
	for (k = 0; k < nlambda; k++) {
		if (lambdas != NULL)
			lam = lambdas[k];
		else
			lam = nlambda == 1 ? lm : lm * pow(ratio,
			    (double)k / (double)(nlambda - 1));
		oo.lambda = lam;
		oo.last_only = o->last_only && k + 1 < nlambda;
		if (o->alpha > 0 && o->stop == MARE_OPTIM_STOP_GLMNET &&
		    lam >= lm && c.nact == 0) {
			/*
			 * At or above lambda_max nothing has moved yet: the
			 * null model solves it (maxnet's path starts far
			 * above lambda_max, and an IRLS step here would move
			 * only the intercept, by rounding).
			 */
			double g0s = 0;

			for (size_t i = 0; i < pb->n; i++)
				g0s += pb->r[i];
			fits[k].objective = fits[k].loss = L;
			fits[k].kkt = pb->icpt ? fabs(g0s) : 0;
			fits[k].converged = 1;
		} else if (o->alpha > 0) {
			if (solve_cd(pb, &c, lam, lprev, &oo, shr, &b0,
			    bt + 1, &L, &fits[k], err) == -1)
				goto out;
		} else {
			bt[0] = b0;
			if (solve_tron(pb, lam, o->tol, o->max_iter, bt,
			    &fits[k], err) == -1)
				goto out;
			b0 = bt[0];
		}
		if (!oo.last_only &&
		    finish(pb, lam, b0, bt + 1, &fits[k], err) == -1)
			goto out;
		fits[k].path_steps = (int)k + 1;
		lprev = lam;
	}
	rc = 0;
out:
	if (rc == -1)
		for (j = 0; j < nlambda; j++)
			mare_optim_fit_release(&fits[j]);
	free(bt);
	if (o->alpha > 0)
		cd_release(&c);
	return rc;
}

int
mare_optim_path(const struct mare_optim_data *d,
    const struct mare_optim_opts *o, const double *lambdas, size_t nlambda,
    double ratio, struct mare_optim_fit *fits, struct mare_err *err)
{
	struct prob pb;
	size_t k;
	int rc, blas_threads = 0;

	if (nlambda == 0)
		return mare_err_set(err, MARE_E_USAGE, "empty lambda path");
	if (lambdas == NULL && !(ratio > 0 && ratio < 1))
		return mare_err_set(err, MARE_E_USAGE, "lambda ratio must be "
		    "in (0, 1), got %g", ratio);
	for (k = 0; lambdas != NULL && k < nlambda; k++)
		if (!(lambdas[k] >= 0) || !isfinite(lambdas[k]) ||
		    (k > 0 && lambdas[k] > lambdas[k - 1]))
			return mare_err_set(err, MARE_E_USAGE, "lambda path "
			    "must be finite, >= 0 and decreasing (value %zu: "
			    "%g)", k + 1, lambdas[k]);
	if (prob_init(&pb, d, o, err) == -1)
		return -1;
	if (o->alpha > 0 && o->threads > 1)	/* see mare_optim_fit() */
		blas_threads = mare_blas_hold_one();
	rc = path_run(&pb, o, lambdas, nlambda, ratio, NAN, NULL, fits, err);
	prob_release(&pb);
	mare_blas_set_threads(blas_threads);
	return rc;
}

int
mare_optim_fit(const struct mare_optim_data *d,
    const struct mare_optim_opts *o, struct mare_optim_fit *fit,
    struct mare_err *err)
{
	struct mare_optim_fit *fits = NULL;
	struct prob pb;
	double *lams = NULL, *g = NULL, lm;
	size_t k, K, j, nv = 0;
	int rc = -1, iters = 0, blas_threads = 0;

	memset(fit, 0, sizeof(*fit));
	if (check_opts(o, err) == -1 || prob_init(&pb, d, o, err) == -1)
		return -1;
	/*
	 * CD's passes are single-threaded gemm/gemv calls: OpenBLAS's own
	 * threads would split their sums by its thread count (the fit would
	 * change with --threads) and, on blocks this small, cost more than
	 * they save.
	 */
	if (o->alpha > 0 && o->threads > 1)
		blas_threads = mare_blas_hold_one();
	K = o->path_steps > 1 && o->alpha > 0 ? (size_t)o->path_steps : 1;
	if ((g = xcalloc(d->p, sizeof(double), err)) == NULL)
		goto out;
	lm = lmax_of(&pb, g);
	/*
	 * Few features violating the KKT conditions at the null model:
	 * solve lambda directly (IRLS with a line search is a proximal
	 * Newton method); a path would repeat the passes over X per lambda.
	 */
	for (j = 0; j < d->p; j++)
		nv += !pb.zv[j] && fabs(g[j]) > o->lambda * o->alpha *
		    pb.pf[j];
	if (lm <= o->lambda || nv <= DIRECT_MAX)
		K = 1;
	if ((lams = xcalloc(K, sizeof(double), err)) == NULL ||
	    (fits = xcalloc(K, sizeof(*fits), err)) == NULL)
		goto out;
	for (k = 0; k < K; k++)
		lams[k] = lm * pow(o->lambda / lm, (double)(k + 1) / (double)K);
	lams[K - 1] = o->lambda;
	rc = path_run(&pb, o, lams, K, 0, lm, g, fits, err);
	if (rc == 0) {
		for (k = 0; k < K; k++)
			iters += fits[k].iterations;
		*fit = fits[K - 1];
		fit->iterations = iters;
		fit->path_steps = (int)K;
		for (k = 0; k + 1 < K; k++)
			mare_optim_fit_release(&fits[k]);
	}
out:
	free(fits);
	free(lams);
	free(g);
	prob_release(&pb);
	mare_blas_set_threads(blas_threads);	/* 0: left as it was */
	return rc;
}
