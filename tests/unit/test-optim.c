/*
 * test-optim.c - penalised GLM fits against liblinear, scikit-learn, glmnet
 *
 * The cases are the rows of tests/data/ref/refs.csv (made by make_ref.py
 * and make_ref.R beside it) on the real lionfish presence/background table
 * swd.csv: each row says how to pose the problem and holds the reference
 * coefficients and objective in mare's scaling.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blas.h"
#include "optim.h"
#include "tap.h"

#define P	5	/* layer columns of swd.csv */
#define MAXN	10000

static double X[MAXN * P], X1[MAXN * (P + 1)], Y[MAXN], WBG[MAXN];
static size_t N;

static char *
path_of(const char *name)
{
	static char buf[4096];
	const char *src = getenv("MARE_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/tests/data/ref/%s",
	    src != NULL ? src : ".", name);
	return buf;
}

static int
load_swd(void)
{
	FILE *fp;
	char line[1024], *s, *e;
	size_t j;

	if ((fp = fopen(path_of("swd.csv"), "r")) == NULL)
		return -1;
	if (fgets(line, sizeof(line), fp) == NULL) {
		fclose(fp);
		return -1;
	}
	while (N < MAXN && fgets(line, sizeof(line), fp) != NULL) {
		s = line;
		Y[N] = strtod(s, &e);
		for (j = 0; j < 2; j++)		/* skip lon, lat */
			(void)strtod(e + 1, &e);
		for (j = 0; j < P; j++) {
			X[N * P + j] = strtod(e + 1, &e);
			X1[N * (P + 1) + j] = X[N * P + j];
		}
		X1[N * (P + 1) + P] = 1;
		WBG[N] = Y[N] == 1 ? 1 : 100;
		N++;
	}
	fclose(fp);
	return 0;
}

static double
rel(double got, double want)
{
	return fabs(got - want) / fmax(fabs(want), 1e-300);
}

/*
 * One reference fit; with stream (alpha > 0 only), coordinate descent
 * reads its working columns from X by row blocks instead of copying them.
 */
static void
run_case(char *line, int stream)
{
	char *f[20], *s, *rest = line;
	int nf = 0, icpt, std, j, pp;
	struct mare_optim_data d;
	struct mare_optim_opts o;
	struct mare_optim_fit fit;
	struct mare_err err;
	double ref[P + 2], robj, maxrel = 0, r, bmax = 0;
	char name[128];

	line[strcspn(line, "\n")] = '\0';
	while (nf < 20 && (s = strsep(&rest, ",")) != NULL)
		f[nf++] = s;
	if (nf != 16) {
		ok(0, "optim: refs.csv row has 16 fields (%d)", nf);
		return;
	}
	icpt = atoi(f[3]);
	std = atoi(f[4]);
	mare_optim_opts_init(&o);
	o.family = strcmp(f[2], "poisson") == 0 ? MARE_OPTIM_POISSON :
	    MARE_OPTIM_LOGISTIC;
	o.lambda = strtod(f[5], NULL);
	o.alpha = strtod(f[6], NULL);
	o.intercept = icpt;
	o.standardize = std;
	o.tol = 1e-11;
	o.max_iter = 10000;
	if (stream && !(o.alpha > 0))
		return;
	if (stream)
		o.cd_copy_bytes = 0;
	snprintf(name, sizeof(name), "%s%s", f[0], stream ? " (streamed)" :
	    "");
	for (j = 0; j < P + 2; j++)
		ref[j] = strtod(f[8 + j], NULL);
	robj = strtod(f[15], NULL);
	pp = icpt ? P : P + 1;
	d.x = icpt ? X : X1;
	d.n = N;
	d.p = (size_t)pp;
	d.y = Y;
	d.w = strcmp(f[7], "bg100") == 0 ? WBG : NULL;
	d.offset = NULL;
	d.pl_key = NULL;
	d.pl_a = d.pl_b = NULL;
	mare_err_init(&err);
	if (mare_optim_fit(&d, &o, &fit, &err) == -1) {
		ok(0, "optim: %s fits (%s)", name, err.msg);
		return;
	}
	ok(fit.converged, "optim: %s converges (kkt %.3g, %d iterations)",
	    name, fit.kkt, fit.iterations);
	/*
	 * Coefficients: relative to the largest one of the fit, so an
	 * entry the reference has as ~0 is compared on the model's scale.
	 */
	for (j = 0; j < pp; j++)
		bmax = fmax(bmax, fabs(ref[1 + j]));
	if (icpt)
		bmax = fmax(bmax, fabs(ref[0]));
	for (j = 0; j < pp; j++) {
		r = fabs(fit.beta[j] - ref[1 + j]) / bmax;
		maxrel = fmax(maxrel, r);
	}
	if (icpt)
		maxrel = fmax(maxrel, fabs(fit.intercept - ref[0]) / bmax);
	ok(maxrel <= 1e-4, "optim: %s coefficients within 1e-4 of %s "
	    "(max rel diff %.2g)", name, f[1], maxrel);
	ok(rel(fit.objective, robj) <= 1e-6, "optim: %s objective %.15g "
	    "within 1e-6 of %.15g (rel %.2g)", name, fit.objective, robj,
	    rel(fit.objective, robj));
	ok(fit.objective <= robj * (1 + 1e-12), "optim: %s objective is "
	    "not above the reference's", name);
	mare_optim_fit_release(&fit);
}

static void
test_refs(void)
{
	FILE *fp;
	char line[4096], copy[4096];
	int n = 0;

	if ((fp = fopen(path_of("refs.csv"), "r")) == NULL) {
		ok(0, "optim: refs.csv opens");
		return;
	}
	if (fgets(line, sizeof(line), fp) != NULL)
		while (fgets(line, sizeof(line), fp) != NULL) {
			memcpy(copy, line, sizeof(line));
			run_case(line, 0);
			run_case(copy, 1);
			n++;
		}
	fclose(fp);
	is_int(n, 10, "optim: refs.csv holds 10 reference fits");
}

static void
test_bad_input(void)
{
	struct mare_optim_data d;
	struct mare_optim_opts o;
	struct mare_optim_fit fit;
	struct mare_err err;
	static double x[6 * 3], y[6] = { 1, 1, 1, 1, 1, 1 };
	static double x2[4 * 10], y2[4] = { 1, 0, 1, 0 };
	static double xz[8 * 3], yz[8] = { 1, 0, 1, 0, 0, 1, 1, 0 };
	size_t i, j;

	mare_optim_opts_init(&o);
	o.lambda = 0.01;
	memset(&d, 0, sizeof(d));
	for (i = 0; i < 18; i++)
		x[i] = (double)(i % 5);
	d.x = x;
	d.n = 6;
	d.p = 3;
	d.y = y;

	mare_err_init(&err);
	is_int(mare_optim_fit(&d, &o, &fit, &err), -1,
	    "optim: all labels 1 fails");
	is_int(err.code, MARE_E_DATA, "optim: ... as a data error");
	is_str(err.msg, "all labels are 1 (with non-zero weight): need both "
	    "1 (presence) and 0 (absence or background)",
	    "optim: ... with a clear message");

	y[2] = 0;
	x[4 * 3 + 1] = NAN;
	mare_err_init(&err);
	is_int(mare_optim_fit(&d, &o, &fit, &err), -1,
	    "optim: NaN in X fails");
	is_str(err.msg, "non-finite value (nan) in row 5, column 2",
	    "optim: ... naming row and column");
	x[4 * 3 + 1] = INFINITY;
	mare_err_init(&err);
	mare_optim_fit(&d, &o, &fit, &err);
	is_str(err.msg, "non-finite value (inf) in row 5, column 2",
	    "optim: Inf in X names row and column");
	x[4 * 3 + 1] = 1;

	y[0] = 2;
	mare_err_init(&err);
	mare_optim_fit(&d, &o, &fit, &err);
	is_str(err.msg, "label 2 in row 1: labels must be 0 or 1",
	    "optim: a label other than 0/1 is named");
	y[0] = 1;

	o.alpha = 1.5;
	mare_err_init(&err);
	is_int(mare_optim_fit(&d, &o, &fit, &err), -1,
	    "optim: alpha 1.5 fails");
	is_int(err.code, MARE_E_USAGE, "optim: ... as a usage error");
	o.alpha = 0;

	/* p > n: 4 rows, 10 columns, L2 and L1 both converge */
	for (i = 0; i < 4; i++)
		for (j = 0; j < 10; j++)
			x2[i * 10 + j] = sin((double)(i * 10 + j + 1));
	d.x = x2;
	d.n = 4;
	d.p = 10;
	d.y = y2;
	o.lambda = 0.05;
	mare_err_init(&err);
	ok(mare_optim_fit(&d, &o, &fit, &err) == 0 && fit.converged,
	    "optim: p > n converges with L2");
	mare_optim_fit_release(&fit);
	o.alpha = 1;
	o.lambda = 0.02;
	mare_err_init(&err);
	ok(mare_optim_fit(&d, &o, &fit, &err) == 0 && fit.converged &&
	    fit.n_nonzero <= 4, "optim: p > n converges with L1 "
	    "(%zu non-zero)", fit.n_nonzero);
	mare_optim_fit_release(&fit);

	/* a zero-variance column is flagged and gets 0 */
	for (i = 0; i < 8; i++) {
		xz[i * 3] = cos((double)i);
		xz[i * 3 + 1] = 7.25;
		xz[i * 3 + 2] = (double)(i * i % 5);
	}
	d.x = xz;
	d.n = 8;
	d.p = 3;
	d.y = yz;
	for (o.alpha = 0; o.alpha <= 1; o.alpha += 1) {
		mare_err_init(&err);
		ok(mare_optim_fit(&d, &o, &fit, &err) == 0 &&
		    fit.converged && fit.n_zero_var == 1 &&
		    fit.zero_var[1] == 1 && fit.beta[1] == 0 &&
		    fit.zero_var[0] == 0, "optim: a constant column is "
		    "flagged and gets 0 (alpha %g)", o.alpha);
		mare_optim_fit_release(&fit);
	}
}

static void
test_path(void)
{
	struct mare_optim_data d = { X, N, P, Y, NULL, NULL, NULL, NULL,
	    NULL };
	struct mare_optim_opts o;
	struct mare_optim_fit fits[10];
	struct mare_err err;
	double lmax;
	size_t k;
	int mono = 1;

	mare_optim_opts_init(&o);
	o.alpha = 1;
	mare_err_init(&err);
	lmax = -1;
	is_int(mare_optim_lambda_max(&d, &o, &lmax, &err), 0,
	    "optim: lambda_max runs");
	ok(lmax > 0.01 && lmax < 1, "optim: lambda_max %g is plausible", lmax);
	ok(mare_optim_path(&d, &o, NULL, 10, 0.01, fits, &err) == 0,
	    "optim: a 10-step path runs");
	is_int((long long)fits[0].n_nonzero, 0,
	    "optim: nothing is selected at lambda_max");
	is_double(fits[0].lambda, lmax, 1e-15, "optim: the path starts at "
	    "lambda_max");
	is_double(fits[9].lambda, 0.01 * lmax, 1e-12, "optim: ... and ends "
	    "at ratio * lambda_max");
	for (k = 1; k < 10; k++)
		mono &= fits[k].n_nonzero >= fits[k - 1].n_nonzero ||
		    fits[k].objective < fits[k - 1].objective;
	ok(mono && fits[9].n_nonzero > 0, "optim: the path selects "
	    "features as lambda falls (%zu at the end)", fits[9].n_nonzero);
	for (k = 0; k < 10; k++) {
		ok(fits[k].converged, "optim: path step %zu converged", k + 1);
		mare_optim_fit_release(&fits[k]);
	}
}

/*
 * The L2 passes on 1, 2 and 3 threads give the same bits: the lionfish
 * rows four times over (35,156 rows, 7 blocks of the fused passes).
 */
static void
test_threads(void)
{
	struct mare_optim_data d;
	struct mare_optim_opts o;
	struct mare_optim_fit fit[3];
	struct mare_err err;
	double *x4, *y4, *w4;
	size_t i, k, n4 = 4 * N;
	unsigned t;
	int same = 1;

	x4 = malloc(n4 * P * sizeof(*x4));
	y4 = malloc(n4 * sizeof(*y4));
	w4 = malloc(n4 * sizeof(*w4));
	if (x4 == NULL || y4 == NULL || w4 == NULL) {
		ok(0, "optim: threads: memory");
		goto out;
	}
	for (k = 0; k < 4; k++) {
		memcpy(x4 + k * N * P, X, N * P * sizeof(*x4));
		memcpy(y4 + k * N, Y, N * sizeof(*y4));
		memcpy(w4 + k * N, WBG, N * sizeof(*w4));
	}
	d.x = x4;
	d.n = n4;
	d.p = P;
	d.y = y4;
	d.w = w4;
	d.offset = NULL;
	d.pl_key = NULL;
	d.pl_a = d.pl_b = NULL;
	mare_optim_opts_init(&o);
	o.lambda = 1e-4;
	for (t = 1; t <= 3; t++) {
		o.threads = t;
		mare_err_init(&err);
		if (mare_optim_fit(&d, &o, &fit[t - 1], &err) != 0) {
			ok(0, "optim: threads: %u threads fit (%s)", t,
			    err.msg);
			while (--t > 0)
				mare_optim_fit_release(&fit[t - 1]);
			goto out;
		}
	}
	ok(fit[0].converged && fit[0].iterations > 1,
	    "optim: threads: the fit converges (%d iterations)",
	    fit[0].iterations);
	for (t = 1; t < 3; t++) {
		same &= memcmp(&fit[t].intercept, &fit[0].intercept,
		    sizeof(double)) == 0 && memcmp(&fit[t].objective,
		    &fit[0].objective, sizeof(double)) == 0 &&
		    fit[t].iterations == fit[0].iterations;
		for (i = 0; i < P; i++)
			same &= memcmp(&fit[t].beta[i], &fit[0].beta[i],
			    sizeof(double)) == 0;
	}
	ok(same, "optim: threads: 1, 2 and 3 threads give the same bits");
	for (t = 0; t < 3; t++)
		mare_optim_fit_release(&fit[t]);
out:
	free(x4);
	free(y4);
	free(w4);
}

/*
 * The streamed CD passes (no copies of the working columns: 25 row
 * blocks of these 40,000 rows) on 1, 2 and 3 threads give the same bits.
 */
static void
test_threads_stream(const struct mare_optim_data *d,
    const struct mare_optim_opts *o0)
{
	struct mare_optim_opts o = *o0;
	struct mare_optim_fit fit[3];
	struct mare_err err;
	unsigned t;
	size_t j;
	int same = 1;

	o.cd_copy_bytes = 0;
	for (t = 1; t <= 3; t++) {
		o.threads = t;
		mare_err_init(&err);
		if (mare_optim_fit(d, &o, &fit[t - 1], &err) != 0) {
			ok(0, "optim: threads L1 streamed: %u threads fit "
			    "(%s)", t, err.msg);
			while (--t > 0)
				mare_optim_fit_release(&fit[t - 1]);
			return;
		}
	}
	for (t = 1; t < 3; t++) {
		same &= memcmp(&fit[t].intercept, &fit[0].intercept,
		    sizeof(double)) == 0 && memcmp(&fit[t].objective,
		    &fit[0].objective, sizeof(double)) == 0 &&
		    fit[t].iterations == fit[0].iterations;
		for (j = 0; j < d->p; j++)
			same &= memcmp(&fit[t].beta[j], &fit[0].beta[j],
			    sizeof(double)) == 0;
	}
	ok(fit[0].converged && fit[0].n_nonzero >= 10,
	    "optim: threads L1 streamed: the fit converges (%zu non-zero)",
	    fit[0].n_nonzero);
	ok(same, "optim: threads L1 streamed: 1, 2 and 3 threads give the "
	    "same bits");
	for (t = 0; t < 3; t++)
		mare_optim_fit_release(&fit[t]);
}

/*
 * L1 on threads: 40,000 synthetic rows of 20 columns (uniform, an LCG;
 * labels from a logistic model of 10 of them), fitted with threads 1 and
 * OpenBLAS at one thread, then threads 3 and OpenBLAS at 2, give the same
 * bits: the CD fit holds OpenBLAS at one thread, whose sums at this size
 * would otherwise depend on its thread count.
 */
static void
test_threads_l1(void)
{
	enum { NL = 40000, PL = 20 };
	struct mare_optim_data d;
	struct mare_optim_opts o;
	struct mare_optim_fit fit[2];
	struct mare_err err;
	double *x, *y, eta;
	unsigned long r = 11;
	size_t i, j;
	int same, rc;

	x = malloc(NL * PL * sizeof(*x));
	y = malloc(NL * sizeof(*y));
	if (x == NULL || y == NULL) {
		ok(0, "optim: threads L1: memory");
		goto out;
	}
	for (i = 0; i < NL; i++) {
		eta = -1;
		for (j = 0; j < PL; j++) {
			r = (r * 1103515245UL + 12345UL) & 0x7fffffffUL;
			x[i * PL + j] = 10 * j + (double)r / 2147483648.0;
			if (j % 2 == 0)
				eta += (x[i * PL + j] - 10 * j - 0.5) * 2;
		}
		r = (r * 1103515245UL + 12345UL) & 0x7fffffffUL;
		y[i] = (double)r / 2147483648.0 < 1 / (1 + exp(-eta));
	}
	memset(&d, 0, sizeof(d));
	d.x = x;
	d.n = NL;
	d.p = PL;
	d.y = y;
	mare_optim_opts_init(&o);
	o.alpha = 1;
	o.lambda = 1.0 / NL;
	o.threads = 1;
	mare_err_init(&err);
	rc = mare_optim_fit(&d, &o, &fit[0], &err);
	mare_blas_set_threads(2);
	o.threads = 3;
	if (rc == 0 && (rc = mare_optim_fit(&d, &o, &fit[1], &err)) != 0)
		mare_optim_fit_release(&fit[0]);
	mare_blas_set_threads(1);
	if (rc != 0) {
		ok(0, "optim: threads L1: fits (%s)", err.msg);
		goto out;
	}
	same = fit[0].converged && memcmp(&fit[1].intercept,
	    &fit[0].intercept, sizeof(double)) == 0 &&
	    fit[1].iterations == fit[0].iterations;
	for (j = 0; j < PL; j++)
		same &= memcmp(&fit[1].beta[j], &fit[0].beta[j],
		    sizeof(double)) == 0;
	ok(same, "optim: threads L1: 3 threads give the bits of 1 (%zu "
	    "non-zero)", fit[0].n_nonzero);
	mare_optim_fit_release(&fit[0]);
	mare_optim_fit_release(&fit[1]);
	test_threads_stream(&d, &o);
out:
	free(x);
	free(y);
}

/*
 * The structure hint (pl_key) of maxent's hinge and threshold columns:
 * the same path with the hint, without it, with a wrong one (every hinge
 * knot moved) and with the hint but no copies of the working columns
 * (read from X by row blocks once the working set passes 16 columns)
 * selects the same features with the same coefficients to rounding. The columns are built from the raw values, as featspec
 * does, so the hint holds only to rounding.
 */
#define HK	9	/* knots per side */
#define HP	(P * (2 + 2 * HK + 5))

static void
test_structure(void)
{
	static double xh[MAXN * HP];
	static size_t key[HP];
	static double a[HP], b[HP], wa[HP];
	struct mare_optim_data d = { xh, 0, HP, Y, WBG, NULL, NULL, NULL,
	    NULL };
	struct mare_optim_opts o;
	struct mare_optim_fit f0[40], f1[40], f2[40], f3[40];
	struct mare_err err;
	double mn, mx, lo, hi, t, diff = 0, bmax = 0;
	size_t i, j, v, k, c, same = 1;
	int rc;

	d.n = N;
	for (v = 0, c = 0; v < P; v++) {
		mn = mx = X[v];
		for (i = 0; i < N; i++) {
			mn = fmin(mn, X[i * P + v]);
			mx = fmax(mx, X[i * P + v]);
		}
		/* linear (no structure), key, left and right hinges, steps */
		for (i = 0; i < N; i++)
			xh[i * HP + c] = X[i * P + v];
		key[c++] = (size_t)-1;
		k = c;
		for (j = 0; j < 1 + 2 * HK + 5; j++, c++) {
			if (j == 0) {
				a[c] = 0;
				b[c] = 1;
			} else if (j <= HK) {
				a[c] = (double)j / (HK + 1);
				b[c] = 1;
			} else if (j <= 2 * HK) {
				a[c] = 0;
				b[c] = (double)(j - HK) / (HK + 1);
			} else
				a[c] = b[c] = (double)(j - 2 * HK) / 6;
			key[c] = k;
			lo = mn + a[c] * (mx - mn);
			hi = mn + b[c] * (mx - mn);
			for (i = 0; i < N; i++) {
				t = X[i * P + v];
				if (a[c] == b[c])
					t = t >= lo ? 1 : 0;
				else {
					t = (t - lo) / (hi - lo);
					t = t < 0 ? 0 : t > 1 ? 1 : t;
				}
				xh[i * HP + c] = t;
			}
			wa[c] = j > 0 && j <= HK ? a[c] + 0.05 : a[c];
		}
	}
	mare_optim_opts_init(&o);
	o.alpha = 1;
	o.standardize = 0;
	o.stop = MARE_OPTIM_STOP_GLMNET;
	mare_err_init(&err);
	rc = mare_optim_path(&d, &o, NULL, 40, 1e-3, f0, &err);
	d.pl_key = key;
	d.pl_a = a;
	d.pl_b = b;
	rc |= mare_optim_path(&d, &o, NULL, 40, 1e-3, f1, &err);
	d.pl_a = wa;
	rc |= mare_optim_path(&d, &o, NULL, 40, 1e-3, f2, &err);
	/* and with the working columns read from X (no copies) */
	d.pl_a = a;
	o.cd_copy_bytes = 0;
	rc |= mare_optim_path(&d, &o, NULL, 40, 1e-3, f3, &err);
	ok(rc == 0, "optim: hinge paths run with and without the hint");
	if (rc != 0)
		return;
	for (k = 0; k < 40; k++) {
		same &= f0[k].n_nonzero == f1[k].n_nonzero &&
		    f0[k].n_nonzero == f2[k].n_nonzero &&
		    f0[k].n_nonzero == f3[k].n_nonzero;
		for (j = 0; j < HP; j++) {
			bmax = fmax(bmax, fabs(f0[k].beta[j]));
			diff = fmax(diff, fabs(f1[k].beta[j] - f0[k].beta[j]));
			diff = fmax(diff, fabs(f2[k].beta[j] - f0[k].beta[j]));
			diff = fmax(diff, fabs(f3[k].beta[j] - f0[k].beta[j]));
			same &= (f0[k].beta[j] != 0) == (f1[k].beta[j] != 0) &&
			    (f0[k].beta[j] != 0) == (f2[k].beta[j] != 0) &&
			    (f0[k].beta[j] != 0) == (f3[k].beta[j] != 0);
		}
	}
	ok(same && f0[39].n_nonzero > 10, "optim: the hint (right or "
	    "wrong) selects the same features at every step (%zu at the "
	    "end)", f0[39].n_nonzero);
	ok(diff <= 1e-9 * bmax, "optim: ... with the same coefficients (max "
	    "diff %.3g of %.3g)", diff, bmax);
	for (k = 0; k < 40; k++) {
		mare_optim_fit_release(&f0[k]);
		mare_optim_fit_release(&f1[k]);
		mare_optim_fit_release(&f2[k]);
		mare_optim_fit_release(&f3[k]);
	}
}

int
main(void)
{
	mare_blas_set_threads(1);
	if (load_swd() == -1 || N != 8789) {
		ok(0, "optim: swd.csv loads 8789 rows");
		return tap_done();
	}
	test_refs();
	test_bad_input();
	test_path();
	test_threads();
	test_threads_l1();
	test_structure();
	return tap_done();
}
