/*
 * optim.c - TRON and coordinate descent for penalised GLMs
 *
 * Everything works in the standardised coordinates theta = (b0, beta~)
 * without ever forming X~: X~ v = X (v / s) - (m . v / s) 1 and
 * X~' u = (X' u - m sum(u)) / s, both one BLAS gemv over X. The loss
 * derivatives are kept per row, already multiplied by w_i / W, in r (first)
 * and q (second), so every solver step is a handful of passes over X.
 *
 * Coordinate descent uses the covariance form: per IRLS step the weighted,
 * intercept-centred Gram matrix G (p x p) of the standardised columns is
 * built once from row blocks (dsyrk), after which a full sweep costs O(p
 * times the active set), independent of n. The intercept is eliminated
 * exactly from each quadratic model. A backtracking step on the true
 * objective makes every outer iteration a descent step, which is what
 * keeps IRLS from cycling on hard problems (glmnet's "could not complete
 * the path" cases).
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "optim.h"

#define BLOCK_ROWS	256	/* rows per Gram block */
#define GEMV_ROWS	(1 << 20) /* rows per gemv call (cblas takes int) */
#define MAX_HALVINGS	40

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
	double		*eta, *r, *q, *u;	/* n: work */
	double		*vp;	/* p: work */
	double		 alpha;
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

/* y = X~ v (v in beta~ space), plus b0 and the offset. */
static void
xv(struct prob *pb, const double *v, double b0, double *y)
{
	const struct mare_optim_data *d = pb->d;
	double c = b0;
	size_t i, j, i0, nr;

	for (j = 0; j < pb->p; j++) {
		pb->vp[j] = pb->zv[j] ? 0 : v[j] / pb->s[j];
		c -= pb->m[j] * pb->vp[j];
	}
	for (i0 = 0; i0 < pb->n; i0 += nr) {
		nr = pb->n - i0 < GEMV_ROWS ? pb->n - i0 : GEMV_ROWS;
		if (pb->p > 0)
			mare_blas_dgemv(0, nr, pb->p, 1.0, d->x + i0 * pb->p,
			    pb->p, pb->vp, 0.0, y + i0);
		else
			memset(y + i0, 0, nr * sizeof(*y));
	}
	for (i = 0; i < pb->n; i++)
		y[i] += c + (d->offset != NULL ? d->offset[i] : 0);
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
	/* analyzer false positive: p > 0 here, and out holds p doubles */
	/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker) */
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

/*
 * Loss (1/W) sum w l at eta; with deriv, also r = wn l' and q = wn l''.
 */
static double
loss(struct prob *pb, const double *eta, int deriv)
{
	const double *y = pb->d->y;
	double L = 0, e, l, mu;
	size_t i;

	for (i = 0; i < pb->n; i++) {
		e = eta[i];
		if (pb->fam == MARE_OPTIM_LOGISTIC) {
			/* log(1 + exp(e)) without overflow */
			if (e > 0) {
				l = e + log1p(exp(-e));
				mu = 1 / (1 + exp(-e));
			} else {
				l = log1p(exp(e));
				mu = exp(e) / (1 + exp(e));
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
		L += pb->wn[i] * l;
	}
	return L;
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

/*
 * KKT violation of F at beta~ given the smooth gradient g (p values) and
 * the intercept gradient g0.
 */
static double
kkt(const struct prob *pb, const double *b, const double *g, double g0,
    double lambda)
{
	double k = pb->icpt ? fabs(g0) : 0, v, l1;
	size_t j;

	for (j = 0; j < pb->p; j++) {
		if (pb->zv[j])
			continue;
		l1 = lambda * pb->alpha * pb->pf[j];
		/*
		 * analyzer false positive: with p == 0 the workspace is
		 * empty and this loop does not run
		 */
		/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
		v = g[j] + lambda * (1 - pb->alpha) * pb->pf[j] * b[j];
		if (b[j] > 0)
			v = fabs(v + l1);
		else if (b[j] < 0)
			v = fabs(v - l1);
		else
			v = fabs(v) > l1 ? fabs(v) - l1 : 0;
		if (v > k)
			k = v;
	}
	return k;
}

static int
prob_init(struct prob *pb, const struct mare_optim_data *d,
    const struct mare_optim_opts *o, struct mare_err *err)
{
	size_t n = d->n, p = d->p, i, j, n0 = 0, n1 = 0;
	double ybar = 0, mx, v, t;
	const double *x;

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
	if ((pb->wn = xcalloc(n, sizeof(double), err)) == NULL ||
	    (pb->m = xcalloc(p, sizeof(double), err)) == NULL ||
	    (pb->s = xcalloc(p, sizeof(double), err)) == NULL ||
	    (pb->pf = xcalloc(p, sizeof(double), err)) == NULL ||
	    (pb->zv = xcalloc(p, 1, err)) == NULL ||
	    (pb->eta = xcalloc(n, sizeof(double), err)) == NULL ||
	    (pb->r = xcalloc(n, sizeof(double), err)) == NULL ||
	    (pb->q = xcalloc(n, sizeof(double), err)) == NULL ||
	    (pb->u = xcalloc(n, sizeof(double), err)) == NULL ||
	    (pb->vp = xcalloc(p, sizeof(double), err)) == NULL)
		goto fail;

	x = d->x;
	for (i = 0; i < n; i++)
		for (j = 0; j < p; j++)
			if (!isfinite(x[i * p + j])) {
				mare_err_set(err, MARE_E_DATA, "non-finite "
				    "value (%g) in row %zu, column %zu",
				    x[i * p + j], i + 1, j + 1);
				goto fail;
			}
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
	for (i = 0; i < n; i++)
		for (j = 0; j < p; j++)
			pb->m[j] += pb->wn[i] * x[i * p + j];
	if (!pb->icpt)
		memset(pb->m, 0, p * sizeof(double));
	for (i = 0; i < n; i++)
		for (j = 0; j < p; j++) {
			t = x[i * p + j] - pb->m[j];
			pb->s[j] += pb->wn[i] * t * t;
		}
	for (j = 0; j < p; j++) {
		mx = 0;
		for (i = 0; i < n; i++)
			if (pb->wn[i] > 0 && fabs(x[i * p + j]) > mx)
				mx = fabs(x[i * p + j]);
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
};

static double
tron_fun(struct tron *t, const double *th, double *L)
{
	struct prob *pb = t->pb;

	xv(pb, th + 1, th[0], pb->eta);
	*L = loss(pb, pb->eta, 1);
	return *L + penalty(pb, th + 1, t->lambda);
}

/* Gradient at the theta of the last tron_fun (r and q are current). */
static void
tron_grad(struct tron *t, const double *th, double *g)
{
	struct prob *pb = t->pb;
	size_t j;

	g[0] = xtv(pb, pb->r, g + 1);
	if (!pb->icpt)
		g[0] = 0;
	for (j = 0; j < pb->p; j++)
		if (!pb->zv[j])
			g[j + 1] += t->lambda * pb->pf[j] * th[j + 1];
}

static void
tron_hv(struct tron *t, const double *v, double *hv)
{
	struct prob *pb = t->pb;
	size_t i, j;

	xv(pb, v + 1, pb->icpt ? v[0] : 0, pb->u);
	if (pb->d->offset != NULL)	/* xv added it: take it out */
		for (i = 0; i < pb->n; i++)
			pb->u[i] -= pb->d->offset[i];
	for (i = 0; i < pb->n; i++)
		pb->u[i] *= pb->q[i];
	hv[0] = xtv(pb, pb->u, hv + 1);
	if (!pb->icpt)
		hv[0] = 0;
	for (j = 0; j < pb->p; j++)
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
	struct tron t = { pb, lambda };
	size_t k = pb->p + 1;
	double *g, *s, *r, *d, *Hd, *wnew, *gnew, *buf;
	double f, fnew, L, Lnew, delta, gs, prered, actred, snorm, al, gmax;
	int iter = 0;

	if ((buf = xcalloc(7 * k, sizeof(double), err)) == NULL)
		return -1;
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
	free(buf);
	return 0;
}

/* ---------------------------------------------------------------------
 * Coordinate descent (alpha > 0), covariance updates.
 */

struct cd {
	double	*G;	/* p x p, centred weighted Gram of X~ */
	double	*a;	/* p: centred gradient of the loss */
	double	*g;	/* p: full gradient of the loss */
	double	*b;	/* p: new beta~ */
	double	*res;	/* p: c - G b */
	double	*xq;	/* p: q-weighted mean of x~ */
	double	*blk;	/* BLOCK_ROWS x p */
	double	*db;	/* p: step */
	unsigned char *act;	/* p: in the working (strong) set */
};

static void
cd_release(struct cd *c)
{
	free(c->G);
	free(c->a);
	free(c->g);
	free(c->b);
	free(c->res);
	free(c->xq);
	free(c->blk);
	free(c->db);
	free(c->act);
}

static int
cd_init(struct cd *c, size_t p, struct mare_err *err)
{
	memset(c, 0, sizeof(*c));
	if (p > 0 && p > ((size_t)-1) / sizeof(double) / p) {
		return mare_err_set(err, MARE_E_NOMEM, "%zu columns: the Gram "
		    "matrix does not fit in memory", p);
	}
	if ((c->G = xcalloc(p * p, sizeof(double), err)) == NULL ||
	    (c->a = xcalloc(p, sizeof(double), err)) == NULL ||
	    (c->g = xcalloc(p, sizeof(double), err)) == NULL ||
	    (c->b = xcalloc(p, sizeof(double), err)) == NULL ||
	    (c->res = xcalloc(p, sizeof(double), err)) == NULL ||
	    (c->xq = xcalloc(p, sizeof(double), err)) == NULL ||
	    (c->blk = xcalloc((size_t)BLOCK_ROWS * p, sizeof(double),
	    err)) == NULL ||
	    (c->db = xcalloc(p, sizeof(double), err)) == NULL ||
	    (c->act = xcalloc(p, 1, err)) == NULL) {
		cd_release(c);
		return -1;
	}
	return 0;
}

/*
 * G = (X~ - 1 xq')' Q (X~ - 1 xq') with xq the q-weighted mean of X~ (0
 * without intercept), from row blocks; returns Sq = sum q. Centring the
 * rows before the product, not after, avoids the cancellation of
 * X~'QX~ - Sq xq xq' when q concentrates on a few extreme rows (Poisson).
 */
static double
cd_gram(struct prob *pb, struct cd *c)
{
	const double *x = pb->d->x;
	size_t p = pb->p, i, j, k, i0, nr;
	double Sq, sq;

	Sq = xtv(pb, pb->q, c->xq);
	for (j = 0; j < p; j++)
		/*
		 * analyzer false positive: with p == 0 the workspace is
		 * empty and this loop does not run
		 */
		/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
		c->xq[j] = Sq > 0 && pb->icpt ? c->xq[j] / Sq : 0;
	/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): as above */
	memset(c->G, 0, p * p * sizeof(double));
	for (i0 = 0; p > 0 && i0 < pb->n; i0 += nr) {
		nr = pb->n - i0 < BLOCK_ROWS ? pb->n - i0 : BLOCK_ROWS;
		for (i = 0; i < nr; i++) {
			sq = sqrt(pb->q[i0 + i]);
			for (j = 0; j < p; j++)
				c->blk[i * p + j] = pb->zv[j] ? 0 : sq *
				    ((x[(i0 + i) * p + j] - pb->m[j]) /
				    pb->s[j] - c->xq[j]);
		}
		mare_blas_dsyrk_t(p, nr, 1.0, c->blk, p, 1.0, c->G, p);
	}
	for (j = 0; j < p; j++)
		for (k = j + 1; k < p; k++)
			c->G[k * p + j] = c->G[j * p + k];
	return Sq;
}

/* One CD sweep over the set (all when all); returns max |d grad|. */
static double
cd_sweep(const struct prob *pb, struct cd *c, double lambda, int all)
{
	size_t p = pb->p, j, k;
	double maxd = 0, z, l1, den, nb, dl;

	for (j = 0; j < p; j++) {
		if (pb->zv[j] || !c->act[j] ||
		    (all == 2 && c->b[j] == 0))
			continue;
		l1 = lambda * pb->alpha * pb->pf[j];
		den = c->G[j * p + j] + lambda * (1 - pb->alpha) * pb->pf[j];
		if (!(den > 0))
			continue;
		z = c->res[j] + c->G[j * p + j] * c->b[j];
		if (z > l1)
			nb = (z - l1) / den;
		else if (z < -l1)
			nb = (z + l1) / den;
		else
			nb = 0;
		dl = nb - c->b[j];
		if (dl == 0)
			continue;
		c->b[j] = nb;
		for (k = 0; k < p; k++)
			c->res[k] -= c->G[k * p + j] * dl;
		if (fabs(dl) * den > maxd)
			maxd = fabs(dl) * den;
	}
	return maxd;
}

/*
 * Minimise F at lambda from (b0, bt) (updated in place). lprev is the
 * previous lambda of the path, for the strong rule (0 = none).
 */
static int
solve_cd(struct prob *pb, struct cd *c, double lambda, double lprev,
    const struct mare_optim_opts *o, double *b0, double *bt,
    struct mare_optim_fit *fit, struct mare_err *err)
{
	size_t p = pb->p, n = pb->n, i, j;
	double L, F, Fnew, g0, R, Sq, d0, step, kk, maxd, Lnew, *etan;
	double kbest = INFINITY;
	int iter = 0, h, sweeps, newact, stall = 0;

	if ((etan = xcalloc(n, sizeof(double), err)) == NULL)
		return -1;
	xv(pb, bt, *b0, pb->eta);
	L = loss(pb, pb->eta, 1);
	F = L + penalty(pb, bt, lambda);
	g0 = xtv(pb, pb->r, c->g);
	/* working set: strong rule, or everything */
	for (j = 0; j < p; j++)
		/*
		 * analyzer false positive: with p == 0 the workspace is
		 * empty and this loop does not run
		 */
		/* NOLINTBEGIN(clang-analyzer-core.NullDereference) */
		c->act[j] = !o->strong_rules || lprev <= 0 || bt[j] != 0 ||
		    fabs(c->g[j]) >= pb->alpha * pb->pf[j] *
		    (2 * lambda - lprev);
		/* NOLINTEND(clang-analyzer-core.NullDereference) */
	for (;;) {
		kk = kkt(pb, bt, c->g, g0, lambda);
		/* strong-rule violators join the working set */
		newact = 0;
		for (j = 0; j < p; j++)
			if (!c->act[j] && !pb->zv[j] && fabs(c->g[j]) >
			    lambda * pb->alpha * pb->pf[j]) {
				c->act[j] = 1;
				newact = 1;
			}
		if ((kk <= o->tol && !newact) || iter >= o->max_iter)
			break;
		/* stagnation at rounding level: stop and say so */
		if (kk < 0.99 * kbest) {
			kbest = kk;
			stall = 0;
		} else if (++stall >= 10 && !newact)
			break;
		iter++;

		/* quadratic model around the current point */
		Sq = cd_gram(pb, c);
		R = g0;
		for (j = 0; j < p; j++) {
			c->a[j] = c->g[j] - (pb->icpt ? c->xq[j] * R : 0);
			c->b[j] = bt[j];
		}
		/* res = c - G b with c = G beta - a, at b = beta: -a */
		for (j = 0; j < p; j++)
			c->res[j] = -c->a[j];
		for (sweeps = 0; sweeps < 100000; sweeps++) {
			maxd = cd_sweep(pb, c, lambda, 1);
			if (maxd <= 0.01 * o->tol)
				break;
			/* iterate on the non-zero set, then check all */
			while (sweeps++ < 100000 &&
			    cd_sweep(pb, c, lambda, 2) > 0.01 * o->tol)
				;
		}
		for (j = 0; j < p; j++)
			c->db[j] = c->b[j] - bt[j];
		d0 = 0;
		if (pb->icpt && Sq > 0)
			d0 = -(R + Sq * mare_blas_ddot(p, c->xq, c->db)) / Sq;
		/* Delta eta = d0 + X~ db, in u (offset-free) */
		xv(pb, c->db, d0, pb->u);
		if (pb->d->offset != NULL)
			for (i = 0; i < n; i++)
				pb->u[i] -= pb->d->offset[i];

		/* backtrack on the true objective */
		step = 1;
		for (h = 0; h < MAX_HALVINGS; h++) {
			for (i = 0; i < n; i++)
				etan[i] = pb->eta[i] + step * pb->u[i];
			for (j = 0; j < p; j++)
				c->b[j] = bt[j] + step * c->db[j];
			Lnew = loss(pb, etan, 0);
			Fnew = Lnew + penalty(pb, c->b, lambda);
			/*
			 * Near the solution F stops resolving the progress
			 * of a full (Newton) step: take it when the change
			 * is at rounding level.
			 */
			if (Fnew <= F || (h == 0 && Fnew - F <=
			    1e-12 * fabs(F)))
				break;
			step /= 2;
		}
		if (h == MAX_HALVINGS)
			break;	/* no descent left: report kkt as it is */
		memcpy(bt, c->b, p * sizeof(double));
		*b0 += step * d0;
		memcpy(pb->eta, etan, n * sizeof(double));
		L = loss(pb, pb->eta, 1);
		F = L + penalty(pb, bt, lambda);
		g0 = xtv(pb, pb->r, c->g);
	}
	fit->objective = F;
	fit->loss = L;
	fit->kkt = kkt(pb, bt, c->g, g0, lambda);
	fit->iterations += iter;
	fit->converged = fit->kkt <= o->tol;
	free(etan);
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

	xv(pb, g, 0, pb->eta);	/* g is all 0 here */
	for (size_t i = 0; i < pb->n; i++)
		pb->eta[i] += b0;
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

int
mare_optim_path(const struct mare_optim_data *d,
    const struct mare_optim_opts *o, const double *lambdas, size_t nlambda,
    double ratio, struct mare_optim_fit *fits, struct mare_err *err)
{
	struct prob pb;
	struct cd c;
	struct mare_optim_opts oo = *o;
	double *bt = NULL, b0, lm, lam, lprev;
	size_t k, j;
	int rc = -1;

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
	memset(&c, 0, sizeof(c));
	memset(fits, 0, nlambda * sizeof(*fits));
	if ((bt = xcalloc(d->p + 1, sizeof(double), err)) == NULL)
		goto out;
	if (o->alpha > 0 && cd_init(&c, d->p, err) == -1)
		goto out;
	lm = lmax_of(&pb, bt);
	memset(bt, 0, (d->p + 1) * sizeof(double));
	b0 = start_b0(&pb);
	lprev = lm;
	for (k = 0; k < nlambda; k++) {
		if (lambdas != NULL)
			lam = lambdas[k];
		else
			lam = nlambda == 1 ? lm : lm * pow(ratio,
			    (double)k / (double)(nlambda - 1));
		oo.lambda = lam;
		if (o->alpha > 0) {
			if (solve_cd(&pb, &c, lam, lprev, &oo, &b0, bt + 1,
			    &fits[k], err) == -1)
				goto out;
		} else {
			bt[0] = b0;
			if (solve_tron(&pb, lam, o->tol, o->max_iter, bt,
			    &fits[k], err) == -1)
				goto out;
			b0 = bt[0];
		}
		if (finish(&pb, lam, b0, bt + 1, &fits[k], err) == -1)
			goto out;
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
	prob_release(&pb);
	return rc;
}

int
mare_optim_fit(const struct mare_optim_data *d,
    const struct mare_optim_opts *o, struct mare_optim_fit *fit,
    struct mare_err *err)
{
	struct mare_optim_fit *fits;
	double *lams, lm;
	size_t k, K;
	int rc, iters = 0;

	memset(fit, 0, sizeof(*fit));
	if (check_opts(o, err) == -1)
		return -1;
	K = o->path_steps > 1 && o->alpha > 0 ? (size_t)o->path_steps : 1;
	if (K == 1)
		return mare_optim_path(d, o, &o->lambda, 1, 0, fit, err);
	if (mare_optim_lambda_max(d, o, &lm, err) == -1)
		return -1;
	if (lm <= o->lambda)
		return mare_optim_path(d, o, &o->lambda, 1, 0, fit, err);
	if ((lams = xcalloc(K, sizeof(double), err)) == NULL)
		return -1;
	if ((fits = xcalloc(K, sizeof(*fits), err)) == NULL) {
		free(lams);
		return -1;
	}
	for (k = 0; k < K; k++)
		lams[k] = lm * pow(o->lambda / lm, (double)(k + 1) / (double)K);
	lams[K - 1] = o->lambda;
	rc = mare_optim_path(d, o, lams, K, 0, fits, err);
	if (rc == 0) {
		for (k = 0; k < K; k++)
			iters += fits[k].iterations;
		*fit = fits[K - 1];
		fit->iterations = iters;
		for (k = 0; k + 1 < K; k++)
			mare_optim_fit_release(&fits[k]);
	}
	free(fits);
	free(lams);
	return rc;
}
