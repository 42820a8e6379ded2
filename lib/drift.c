/*
 * drift.c - drift statistics per column and verdicts
 *
 * Samples are sorted once (an LSD radix sort on the order-preserving
 * integer image of the doubles: six 11-bit passes, skipped when every key
 * shares the digit) and every statistic walks the sorted arrays: KS and
 * Wasserstein by merging, PSI and the categorical tests by counting. The KS
 * statistic from raw rows is computed in integers (i n2/g - j n1/g over the
 * merged walk), so the exact p-value gets the same lattice distance h that
 * scipy rounds its floating-point D to. The exact p-value uses scipy's
 * recursion on the share of lattice paths that leave the band (each cell
 * the weighted mean of its two predecessors, so nothing overflows).
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"
#include "grid.h"
#include "par.h"

static const char *const test_names[] = {
	"auto", "ks", "psi", "wasserstein", "js", "chisquare", "z", "none"
};

const char *
mare_drift_test_name(enum mare_drift_test t)
{
	return (unsigned)t <= MARE_DRIFT_NONE ? test_names[t] : "?";
}

int
mare_drift_test_parse(const char *name)
{
	int i;

	if (strcmp(name, "wd") == 0)
		return MARE_DRIFT_WASSERSTEIN;
	if (strcmp(name, "chi2") == 0)
		return MARE_DRIFT_CHISQ;
	for (i = 0; i < MARE_DRIFT_NONE; i++)
		if (strcmp(name, test_names[i]) == 0)
			return i;
	return -1;
}

int
mare_drift_is_pvalue(enum mare_drift_test t)
{
	return t == MARE_DRIFT_KS || t == MARE_DRIFT_CHISQ ||
	    t == MARE_DRIFT_Z;
}

double
mare_drift_default_threshold(enum mare_drift_test t)
{
	return mare_drift_is_pvalue(t) ? 0.05 : 0.1;
}

/* Sorting */

int
mare_drift_sort(double *x, size_t n, struct mare_err *err)
{
	return mare_profile_sort(x, n, err);
}

/* Kolmogorov-Smirnov */

static uint64_t
gcd64(uint64_t a, uint64_t b)
{
	while (b != 0) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static int64_t
floordiv(int64_t a, int64_t b)	/* b > 0 */
{
	int64_t q = a / b;

	return (a % b != 0 && a < 0) ? q - 1 : q;
}

static int64_t
ceildiv(int64_t a, int64_t b)	/* b > 0 */
{
	return -floordiv(-a, b);
}

/* scipy's _compute_prob_outside_square(n, h): P(D_{n,n} >= h/n). */
static double
outside_square(int64_t n, int64_t h)
{
	double P = 0, p1;
	int64_t k, j;

	for (k = n / h; k >= 0; k--) {
		p1 = 1.0;
		for (j = 0; j < h; j++)
			p1 = (double)(n - k * h - j) * p1 /
			    (double)(n + k * h + j + 1);
		P = p1 * (1.0 - P);
	}
	return 2 * P;
}

/*
 * The share of lattice paths from (0,0) to (m,n) that leave the band
 * |i ng - j mg| < h (scipy's _compute_outer_prob_inside_method).
 */
static double
outer_inside(int64_t m, int64_t n, int64_t g, int64_t h)
{
	double *A, *B, *T, val, r;
	int64_t mg, ng, i, j, minj, maxj, lastmin, lastmax;

	if (m < n) {
		int64_t t = m;

		m = n;
		n = t;
	}
	mg = m / g;
	ng = n / g;
	A = malloc((size_t)(n + 2) * sizeof(*A));
	B = malloc((size_t)(n + 2) * sizeof(*B));
	if (A == NULL || B == NULL) {
		free(A);
		free(B);
		return NAN;
	}
	minj = 0;
	maxj = ceildiv(h, mg);
	if (maxj > n + 1)
		maxj = n + 1;
	for (j = minj; j < maxj; j++)
		A[j - minj] = 0.0;
	for (i = 1; i <= m; i++) {
		lastmin = minj;
		lastmax = maxj;
		minj = floordiv(ng * i - h, mg) + 1;
		if (minj < 0)
			minj = 0;
		if (minj > n)
			minj = n;
		maxj = ceildiv(ng * i + h, mg);
		if (maxj > n + 1)
			maxj = n + 1;
		if (maxj <= minj) {
			free(A);
			free(B);
			return 1.0;
		}
		val = minj == 0 ? 0.0 : 1.0;
		for (j = minj; j < maxj; j++) {
			r = (j >= lastmin && j < lastmax) ?
			    A[j - lastmin] : 1.0;
			val = (r * (double)i + val * (double)j) /
			    (double)(i + j);
			B[j - minj] = val;
		}
		T = A;
		A = B;
		B = T;
	}
	val = A[maxj - minj - 1];
	free(A);
	free(B);
	return val;
}

/* cephes-style smirnov(n, x): P(D+_n >= x), the Birnbaum-Tingey sum. */
static double
smirnov(double n, double x)
{
	double sum = 0, lgn, t, jj, a, b;
	uint64_t j, jmax;

	if (x <= 0)
		return 1;
	if (x >= 1)
		return 0;
	lgn = lgamma(n + 1);
	jmax = (uint64_t)floor(n * (1 - x));
	for (j = 0; j <= jmax; j++) {
		jj = (double)j;
		a = x + jj / n;
		b = 1 - x - jj / n;
		if (b <= 0 && n - jj > 0)
			continue;
		t = lgn - lgamma(jj + 1) - lgamma(n - jj + 1) +
		    (jj - 1) * log(a) + (n - jj > 0 ? (n - jj) * log(b) : 0);
		sum += exp(t);
	}
	return x * sum;
}

/* scipy's _kolmogn_PelzGood(n, x, cdf=True). */
static double
pelz_good(double n, double x)
{
	const double pi2 = M_PI * M_PI, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
	const double sqrt2pi = sqrt(2 * M_PI);
	double z, z2, z3, z4, z6, qlog, q, K[4], k1a, k1b, k2a, k2b, k2c;
	double k3a, k3b, k3c, k3d, m, m2, m4, m6, qp, k2x, k3x, s3z, kp;
	long k, maxk;
	int i;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	z = sqrt(n) * x;
	z2 = z * z;
	z3 = z2 * z;
	z4 = z2 * z2;
	z6 = z4 * z2;
	qlog = -pi2 / 8 / z2;
	if (qlog < -708)
		return 0;
	q = exp(qlog);
	k1a = -z2;
	k1b = pi2 / 4;
	k2a = 6 * z6 + 2 * z4;
	k2b = (2 * z4 - 5 * z2) * pi2 / 4;
	k2c = pi4 * (1 - 2 * z2) / 16;
	k3d = pi6 * (5 - 30 * z2) / 64;
	k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
	k3b = pi2 * (135 * z4 - 96 * z6) / 4;
	k3a = -30 * z6 - 90 * z4 * z4;
	K[0] = K[1] = K[2] = K[3] = 0;
	maxk = (long)ceil(16 * z / M_PI);
	for (k = maxk; k > 0; k--) {
		m = (double)(2 * k - 1);
		m2 = m * m;
		m4 = m2 * m2;
		m6 = m4 * m2;
		qp = pow(q, (double)(8 * k));
		K[0] = K[0] * qp + 1.0;
		K[1] = K[1] * qp + (k1a + k1b * m2);
		K[2] = K[2] * qp + (k2a + k2b * m2 + k2c * m4);
		K[3] = K[3] * qp + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
	}
	for (i = 0; i < 4; i++)
		K[i] *= q * sqrt2pi;
	K[0] /= z;
	K[1] /= 6 * z4;
	K[2] /= 72 * z6 * z;
	K[3] /= 6480 * z6 * z4;
	q = exp(-pi2 / 2 / z2);
	s3z = sqrt(3.0) * z;
	k2x = k3x = 0;
	for (k = maxk; k > 0; k--) {
		double kk = (double)k * (double)k, qk = pow(q, kk);

		kp = M_PI * (double)k;
		k2x += kk * qk;
		k3x += (s3z + kp) * (s3z - kp) * kk * qk;
	}
	K[2] += k2x * pi2 * sqrt2pi / (-36 * z3);
	K[3] += k3x * pi2 * sqrt2pi / (216 * z6);
	K[1] /= sqrt(n);
	K[2] /= n;
	K[3] /= n * sqrt(n);
	return K[0] + K[1] + K[2] + K[3];
}

static double
clip01(double p)
{
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

double
mare_drift_kstwo_sf(double x, double n)
{
	double t, nx2, p;

	if (x >= 1)
		return 0;
	if (x <= 0)
		return 1;
	t = n * x;
	if (t <= 1.0) {
		if (t <= 0.5)
			return 1;
		p = exp(lgamma(n + 1) - n * log(n) + n * log(2 * t - 1));
		return clip01(1 - p);
	}
	if (t >= n - 1)
		return clip01(2 * pow(1 - x, n));
	if (x >= 0.5)
		return clip01(2 * smirnov(n, x));
	nx2 = t * x;
	if (nx2 >= 370)
		return 0;
	if (nx2 >= 2.2)
		return clip01(2 * smirnov(n, x));
	if (nx2 >= 18)
		return 0;
	return clip01(1 - pelz_good(n, x));
}

double
mare_drift_ks_pvalue(double d, uint64_t n1, uint64_t n2, int *exact)
{
	uint64_t g, lcm;
	int64_t h;
	double m, n, en;

	if (exact != NULL)
		*exact = 0;
	if (n1 == 0 || n2 == 0 || isnan(d))
		return NAN;
	if (n1 <= MARE_DRIFT_KS_EXACT_MAX && n2 <= MARE_DRIFT_KS_EXACT_MAX) {
		g = gcd64(n1, n2);
		lcm = (n1 / g) * n2;
		h = (int64_t)llround(d * (double)lcm);
		if (exact != NULL)
			*exact = 1;
		if (h == 0)
			return 1.0;
		if (n1 == n2)
			return clip01(outside_square((int64_t)n1, h));
		return clip01(outer_inside((int64_t)n1, (int64_t)n2,
		    (int64_t)g, h));
	}
	m = (double)(n1 > n2 ? n1 : n2);
	n = (double)(n1 > n2 ? n2 : n1);
	en = m * n / (m + n);
	return mare_drift_kstwo_sf(d, nearbyint(en));
}

double
mare_drift_ks(const double *a, size_t na, const double *b, size_t nb,
    double *p, int *exact)
{
	uint64_t g, ag, bg;
	int64_t diff, h = 0;
	size_t i = 0, j = 0;
	double v, d;

	g = gcd64(na, nb);
	ag = na / g;
	bg = nb / g;
	while (i < na || j < nb) {
		if (j >= nb || (i < na && a[i] <= b[j]))
			v = a[i];
		else
			v = b[j];
		while (i < na && a[i] <= v)
			i++;
		while (j < nb && b[j] <= v)
			j++;
		diff = (int64_t)(i * bg) - (int64_t)(j * ag);
		if (diff < 0)
			diff = -diff;
		if (diff > h)
			h = diff;
	}
	d = (double)h / ((double)ag * (double)nb);
	if (p != NULL)
		*p = mare_drift_ks_pvalue(d, na, nb, exact);
	return d;
}

/* Wasserstein */

double
mare_drift_wasserstein(const double *a, size_t na, const double *b,
    size_t nb)
{
	size_t i = 0, j = 0;
	double v, next, sum = 0, c = 0;

	if (na == 0 || nb == 0)
		return NAN;
	v = a[0] < b[0] ? a[0] : b[0];
	for (;;) {
		while (i < na && a[i] <= v)
			i++;
		while (j < nb && b[j] <= v)
			j++;
		if (i >= na && j >= nb)
			break;
		if (j >= nb || (i < na && a[i] < b[j]))
			next = a[i];
		else
			next = b[j];
		{
			double t = fabs((double)i / (double)na -
			    (double)j / (double)nb) * (next - v), s = sum + t;

			c += fabs(sum) >= fabs(t) ? (sum - s) + t :
			    (t - s) + sum;
			sum = s;
		}
		v = next;
	}
	return sum + c;
}

/* Binned statistics */

double
mare_drift_psi(const double *ref, const double *cur, size_t k)
{
	double sr = 0, sc = 0, psi = 0, r, c;
	size_t i;

	for (i = 0; i < k; i++) {
		sr += ref[i];
		sc += cur[i];
	}
	if (sr <= 0 || sc <= 0)
		return NAN;
	for (i = 0; i < k; i++) {
		r = ref[i] / sr;
		c = cur[i] / sc;
		if (r == 0)
			r = MARE_DRIFT_PSI_EPS;
		if (c == 0)
			c = MARE_DRIFT_PSI_EPS;
		psi += (c - r) * log(c / r);
	}
	return psi;
}

static double
rel_entr(double x, double y)
{
	if (x > 0 && y > 0)
		return x * log(x / y);
	return x == 0 && y >= 0 ? 0 : INFINITY;
}

double
mare_drift_js(const double *ref, const double *cur, size_t k)
{
	double sr = 0, sc = 0, js = 0, p, q, m;
	size_t i;

	for (i = 0; i < k; i++) {
		sr += ref[i];
		sc += cur[i];
	}
	if (sr <= 0 || sc <= 0)
		return NAN;
	for (i = 0; i < k; i++) {
		p = ref[i] / sr;
		q = cur[i] / sc;
		m = (p + q) / 2;
		js += rel_entr(p, m) + rel_entr(q, m);
	}
	js /= 2;
	return sqrt(js > 0 ? js : 0);
}

/* Regularised upper incomplete gamma Q(a, x) (Numerical Recipes). */
static double
gammq(double a, double x)
{
	double gln = lgamma(a), sum, del, ap, b, c, d, h, an;
	int i;

	if (x <= 0)
		return 1;
	if (x < a + 1) {
		ap = a;
		sum = del = 1 / a;
		for (i = 0; i < 10000; i++) {
			ap += 1;
			del *= x / ap;
			sum += del;
			if (fabs(del) < fabs(sum) * 1e-16)
				break;
		}
		return clip01(1 - sum * exp(-x + a * log(x) - gln));
	}
	b = x + 1 - a;
	c = 1 / 1e-300;
	d = 1 / b;
	h = d;
	for (i = 1; i < 10000; i++) {
		an = -i * (i - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < 1e-300)
			d = 1e-300;
		c = b + an / c;
		if (fabs(c) < 1e-300)
			c = 1e-300;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-16)
			break;
	}
	return clip01(exp(-x + a * log(x) - gln) * h);
}

double
mare_drift_chisq(const double *ref, const double *cur, size_t k,
    double *stat)
{
	double sr = 0, sc = 0, chi = 0, e;
	size_t i;

	for (i = 0; i < k; i++) {
		sr += ref[i];
		sc += cur[i];
	}
	if (stat != NULL)
		*stat = NAN;
	if (sr <= 0 || sc <= 0)
		return NAN;
	for (i = 0; i < k; i++) {
		e = ref[i] * sc / sr;
		if (e == 0) {
			if (cur[i] > 0) {
				if (stat != NULL)
					*stat = INFINITY;
				return 0;
			}
			continue;
		}
		chi += (cur[i] - e) * (cur[i] - e) / e;
	}
	if (stat != NULL)
		*stat = chi;
	if (k < 2)
		return 1;
	return gammq((double)(k - 1) / 2, chi / 2);
}

double
mare_drift_z(double x1, double n1, double x2, double n2, double *stat)
{
	double p1 = x1 / n1, p2 = x2 / n2, P, z;

	P = (x1 + x2) / (n1 + n2);
	if (P <= 0 || P >= 1) {
		if (stat != NULL)
			*stat = 0;
		return 1;
	}
	z = (p1 - p2) / sqrt(P * (1 - P) * (1 / n1 + 1 / n2));
	if (stat != NULL)
		*stat = z;
	return erfc(fabs(z) / M_SQRT2);
}

/* Against the profile's quantiles */

/* The reference CDF from the quantiles: right (F(x)) and left limits. */
static double
qcdf(const double *q, double x, int left)
{
	size_t lo = 0, hi = MARE_PROFILE_NQ, mid, k;
	const double step = 1.0 / (MARE_PROFILE_NQ - 1);

	if (left ? x <= q[0] : x < q[0])
		return 0;
	if (left ? x > q[MARE_PROFILE_NQ - 1] : x >= q[MARE_PROFILE_NQ - 1])
		return 1;
	while (lo < hi) {	/* first k with q[k] > x (right) or >= x */
		mid = lo + (hi - lo) / 2;
		if (left ? q[mid] < x : q[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	k = lo;		/* q[k-1] <= x < q[k] (right); q[k-1] < x <= q[k] */
	return ((double)(k - 1) + (x - q[k - 1]) / (q[k] - q[k - 1])) * step;
}

static size_t
count_below(const double *x, size_t n, double v, int or_equal)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (or_equal ? x[mid] <= v : x[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static double
ks_profile(const double *q, const double *c, size_t n)
{
	double d = 0, t, fn = (double)n;
	size_t i, j, k;

	for (i = 0; i < n; i = j) {
		for (j = i; j < n && c[j] == c[i]; j++)
			;
		t = fabs(qcdf(q, c[i], 0) - (double)j / fn);
		d = t > d ? t : d;
		t = fabs(qcdf(q, c[i], 1) - (double)i / fn);
		d = t > d ? t : d;
	}
	for (k = 0; k < MARE_PROFILE_NQ; k++) {
		t = fabs(qcdf(q, q[k], 0) -
		    (double)count_below(c, n, q[k], 1) / fn);
		d = t > d ? t : d;
		t = fabs(qcdf(q, q[k], 1) -
		    (double)count_below(c, n, q[k], 0) / fn);
		d = t > d ? t : d;
	}
	return d;
}

/* The integral over [0, 1] of |a + (b - a) t - c| dt. */
static double
absline(double a, double b, double c)
{
	double A = a - c, B = b - c;

	if ((A >= 0) == (B >= 0))
		return fabs(A + B) / 2;
	return (A * A + B * B) / (2 * (fabs(A) + fabs(B)));
}

static double
wd_profile(const double *q, const double *c, size_t n)
{
	const double step = 1.0 / (MARE_PROFILE_NQ - 1);
	double u = 0, un, uq, uc, a, b, sum = 0;
	size_t i = 0, k = 0;

	while (k < MARE_PROFILE_NQ - 1 && i < n) {
		uq = (double)(k + 1) * step;
		uc = (double)(i + 1) / (double)n;
		un = uq < uc ? uq : uc;
		a = q[k] + (q[k + 1] - q[k]) * ((u - (double)k * step) / step);
		b = q[k] + (q[k + 1] - q[k]) *
		    ((un - (double)k * step) / step);
		sum += absline(a, b, c[i]) * (un - u);
		u = un;
		if (uq <= uc)
			k++;
		if (uc <= uq)
			i++;
	}
	return sum;
}

/* Categorical counts over the reference levels plus one "other" key. */
static int
level_counts(const struct mare_profile_col *pc, const double *c, size_t n,
    double *ref, double *cur, size_t *k)
{
	size_t i, l;

	for (l = 0; l < pc->nlevels; l++) {
		ref[l] = (double)pc->levels[l].count;
		cur[l] = (double)(count_below(c, n, pc->levels[l].value, 1) -
		    count_below(c, n, pc->levels[l].value, 0));
	}
	ref[l] = 0;
	cur[l] = 0;
	for (i = 0; i < pc->nlevels; i++)
		cur[l] += cur[i];
	cur[l] = (double)n - cur[l];
	*k = cur[l] > 0 ? l + 1 : l;
	return 0;
}

/* Distinct values of the union of the reference levels and c, up to 6. */
static size_t
union_distinct(const struct mare_profile_col *pc, const double *c, size_t n)
{
	size_t i, l, u;

	if (pc->distinct > MARE_PROFILE_CAT_DISTINCT)
		return pc->distinct;
	u = pc->nlevels;
	for (i = 0; i < n && u <= MARE_PROFILE_CAT_DISTINCT; i++) {
		if (i > 0 && c[i] == c[i - 1])
			continue;
		for (l = 0; l < pc->nlevels; l++)
			if (pc->levels[l].value == c[i])
				break;
		if (l == pc->nlevels)
			u++;
	}
	return u;
}

int
mare_drift_column(const struct mare_profile_col *pc, const double *ref,
    const double *cur, size_t ncur, size_t stride,
    enum mare_drift_test test, double threshold,
    struct mare_drift_col *out, struct mare_err *err)
{
	double *c;
	size_t i, m = 0;
	int rc;

	c = malloc((ncur > 0 ? ncur : 1) * sizeof(*c));
	if (c == NULL)
		return mare_err_sys(err, MARE_E_NOMEM, "drift");
	for (i = 0; i < ncur; i++) {
		double v = cur[i * stride];

		if (isfinite(v))
			c[m++] = v;
	}
	rc = mare_drift_sort(c, m, err);
	if (rc == 0)
		rc = mare_drift_column_sorted(pc, ref, c, m, ncur - m, test,
		    threshold, out, err);
	free(c);
	return rc;
}

int
mare_drift_column_sorted(const struct mare_profile_col *pc,
    const double *ref, const double *c, size_t m, uint64_t nnan,
    enum mare_drift_test test, double threshold,
    struct mare_drift_col *out, struct mare_err *err)
{
	double rb[MARE_PROFILE_NBINS + 1], cb[MARE_PROFILE_NBINS + 1];
	size_t i, k, outside, nv;

	(void)err;
	memset(out, 0, sizeof(*out));
	out->name = pc->name;
	out->test = MARE_DRIFT_NONE;
	out->stat = out->pvalue = out->score = out->threshold = NAN;
	out->out_of_range = NAN;
	out->n_ref = pc->n;
	out->exact = ref != NULL;
	out->n_cur = m;
	out->nan_cur = nnan;
	if (pc->n == 0)
		out->skipped = "no finite reference values";
	else if (m == 0)
		out->skipped = "no finite current values";
	if (out->skipped != NULL)
		return 0;
	/* the values below min and above max */
	outside = count_below(c, m, pc->min, 0) +
	    (m - count_below(c, m, pc->max, 1));
	out->out_of_range = (double)outside / (double)m;
	if (test == MARE_DRIFT_AUTO) {
		nv = union_distinct(pc, c, m);
		if (pc->n <= MARE_DRIFT_SMALL_REF)
			test = nv > MARE_PROFILE_CAT_DISTINCT ? MARE_DRIFT_KS :
			    nv > 2 ? MARE_DRIFT_CHISQ : MARE_DRIFT_Z;
		else
			test = nv > MARE_PROFILE_CAT_DISTINCT ?
			    MARE_DRIFT_WASSERSTEIN : MARE_DRIFT_JS;
	}
	out->test = test;
	out->threshold = isnan(threshold) ?
	    mare_drift_default_threshold(test) : threshold;
	switch (test) {
	case MARE_DRIFT_KS:
		if (ref != NULL)
			out->stat = mare_drift_ks(ref, pc->n, c, m,
			    &out->pvalue, NULL);
		else {
			out->stat = ks_profile(pc->q, c, m);
			out->pvalue = mare_drift_ks_pvalue(out->stat, pc->n, m,
			    NULL);
		}
		break;
	case MARE_DRIFT_WASSERSTEIN:
		out->stat = (ref != NULL ? mare_drift_wasserstein(ref, pc->n,
		    c, m) : wd_profile(pc->q, c, m)) /
		    fmax(pc->sd, MARE_DRIFT_SD_FLOOR);
		break;
	case MARE_DRIFT_PSI:
	case MARE_DRIFT_JS:
		if (test == MARE_DRIFT_JS && pc->nlevels > 0 &&
		    pc->nlevels <= MARE_PROFILE_CAT_DISTINCT) {
			level_counts(pc, c, m, rb, cb, &k);
			out->stat = mare_drift_js(rb, cb, k);
			break;
		}
		k = pc->nbins;
		for (i = 0; i < k; i++) {
			size_t lo = i == 0 ? 0 :
			    count_below(c, m, pc->edges[i], 0);
			size_t hi = i + 1 == k ? m :
			    count_below(c, m, pc->edges[i + 1], 0);

			rb[i] = (double)pc->counts[i];
			cb[i] = (double)(hi - lo);
		}
		out->stat = test == MARE_DRIFT_PSI ?
		    mare_drift_psi(rb, cb, k) : mare_drift_js(rb, cb, k);
		break;
	case MARE_DRIFT_CHISQ:
	case MARE_DRIFT_Z:
		if (pc->nlevels == 0) {
			out->skipped = "chisquare and z need at most 20 "
			    "distinct reference values";
			break;
		}
		level_counts(pc, c, m, rb, cb, &k);
		if (test == MARE_DRIFT_CHISQ) {
			out->pvalue = mare_drift_chisq(rb, cb, k, &out->stat);
			break;
		}
		if (k > 2) {
			out->skipped = "z needs at most 2 distinct values";
			break;
		}
		out->pvalue = k < 2 ? 1 : mare_drift_z(rb[0], (double)pc->n,
		    cb[0], (double)m, &out->stat);
		if (k < 2)
			out->stat = 0;
		break;
	default:
		out->skipped = "no such test";
		break;
	}
	if (out->skipped != NULL) {
		out->test = MARE_DRIFT_NONE;
		return 0;
	}
	if (mare_drift_is_pvalue(test)) {
		out->score = out->pvalue;
		out->drift = out->pvalue < out->threshold;
	} else {
		out->score = out->stat;
		out->drift = out->stat >= out->threshold;
	}
	return 0;
}

/* Many columns at once */

/* Below this many values in all, threads cost more than they save. */
#define PAR_MIN_VALUES	65536

static unsigned
par_threads(unsigned nthreads, size_t n, size_t values)
{
	if (values < PAR_MIN_VALUES)
		return 1;
	if (nthreads > MARE_PAR_MAX_THREADS)
		nthreads = MARE_PAR_MAX_THREADS;
	if (nthreads > n)
		nthreads = (unsigned)n;
	return nthreads > 0 ? nthreads : 1;
}

/* One thread's state. */
struct worker {
	struct mare_profile_scratch sc;
	double		*c;		/* a column's finite values */
	double		*minv;		/* its MESS minima (thread > 0) */
	struct mare_err	 err;
	int		 used;
};

static struct worker *
workers_new(unsigned nthreads, size_t nc, size_t nminv, double *minv0,
    struct mare_err *err)
{
	struct worker *w;
	size_t k, r;

	if ((w = calloc(nthreads, sizeof(*w))) == NULL) {
		mare_err_sys(err, MARE_E_NOMEM, "drift");
		return NULL;
	}
	for (k = 0; k < nthreads; k++) {
		mare_err_init(&w[k].err);
		if (nc > 0 && (w[k].c = malloc(nc * sizeof(double))) == NULL)
			goto fail;
		if (nminv == 0)
			continue;
		if (k == 0) {
			w[k].minv = minv0;
			continue;
		}
		if ((w[k].minv = malloc(nminv * sizeof(double))) == NULL)
			goto fail;
		for (r = 0; r < nminv; r++)
			w[k].minv[r] = INFINITY;
	}
	return w;
fail:
	for (k = 0; k < nthreads; k++) {
		free(w[k].c);
		if (k > 0)
			free(w[k].minv);
	}
	free(w);
	mare_err_sys(err, MARE_E_NOMEM, "drift");
	return NULL;
}

/* Free w; the first error of a thread, if any, goes to err. */
static void
workers_free(struct worker *w, unsigned nthreads, struct mare_err *err)
{
	size_t k;

	for (k = 0; k < nthreads; k++) {
		if (mare_err_failed(&w[k].err) && err != NULL &&
		    !mare_err_failed(err))
			*err = w[k].err;
		mare_profile_scratch_free(&w[k].sc);
		free(w[k].c);
		if (k > 0)
			free(w[k].minv);
	}
	free(w);
}

struct ref_job {
	double *const	*cols;
	size_t		 n;
	struct mare_profile *p;
	struct worker	*w;
};

static int
ref_one(void *arg, size_t j, size_t t)
{
	struct ref_job *job = arg;
	double *col = job->cols[j];
	size_t i, m;

	for (i = 0, m = 0; i < job->n; i++)
		if (isfinite(col[i]))
			col[m++] = col[i];
	if (mare_profile_sort_scratch(col, m, &job->w[t].sc,
	    &job->w[t].err) == -1)
		return -1;
	mare_profile_column_sorted(col, m, job->n - m, &job->p->cols[j]);
	return 0;
}

struct mare_profile *
mare_drift_reference(double *const *cols, size_t n, size_t ncols,
    const char *const *names, unsigned nthreads, struct mare_err *err)
{
	struct ref_job job;
	struct mare_profile *p;
	size_t j;
	int rc;

	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->cols = calloc(ncols + 1, sizeof(*p->cols))) == NULL) {
		free(p);
		mare_err_sys(err, MARE_E_NOMEM, "profile");
		return NULL;
	}
	p->ncols = ncols;
	p->rows = n;
	for (j = 0; j < ncols; j++)
		if ((p->cols[j].name = strdup(names[j])) == NULL) {
			mare_err_sys(err, MARE_E_NOMEM, "profile");
			mare_profile_free(p);
			return NULL;
		}
	nthreads = par_threads(nthreads, ncols, n * ncols);
	job.cols = cols;
	job.n = n;
	job.p = p;
	if ((job.w = workers_new(nthreads, 0, 0, NULL, err)) == NULL) {
		mare_profile_free(p);
		return NULL;
	}
	rc = mare_par_for(ncols, nthreads, ref_one, &job);
	workers_free(job.w, nthreads, err);
	if (rc == -1) {
		mare_profile_free(p);
		return NULL;
	}
	return p;
}

struct cols_job {
	const struct mare_drift_set *s;
	struct mare_drift_col *out;
	double		*mean;
	struct worker	*w;
};

static int
cols_one(void *arg, size_t i, size_t t)
{
	struct cols_job *job = arg;
	const struct mare_drift_set *s = job->s;
	struct worker *w = &job->w[t];
	const double *x = s->cur[i];
	double sum = 0, *c = w->c;
	size_t j, m;

	w->used = 1;
	if (s->mess != NULL)
		mare_drift_mess_column(s->mess, i, x, s->n, w->minv);
	/* the finite values, and their mean (a plain sum in order) */
	for (j = 0, m = 0; j < s->n; j++)
		if (isfinite(x[j])) {
			sum += x[j];
			c[m++] = x[j];
		}
	job->mean[i] = m > 0 ? sum / (double)m : NAN;
	if (mare_profile_sort_scratch(c, m, &w->sc, &w->err) == -1)
		return -1;
	return mare_drift_column_sorted(&s->prof->cols[s->idx[i]],
	    s->sorted != NULL ? s->sorted[s->idx[i]] : NULL, c, m, s->n - m,
	    s->test != NULL ? s->test[i] : MARE_DRIFT_AUTO,
	    s->threshold != NULL ? s->threshold[i] : NAN, &job->out[i],
	    &w->err);
}

int
mare_drift_columns(const struct mare_drift_set *s, unsigned nthreads,
    struct mare_drift_col *out, double *mean, double *minv,
    struct mare_err *err)
{
	struct cols_job job;
	size_t r, k;
	int rc;

	for (r = 0; r < s->n; r++)
		minv[r] = INFINITY;
	nthreads = par_threads(nthreads, s->ncols, s->n * s->ncols);
	job.s = s;
	job.out = out;
	job.mean = mean;
	if ((job.w = workers_new(nthreads, s->n + 1, s->n, minv, err)) ==
	    NULL)
		return -1;
	rc = mare_par_for(s->ncols, nthreads, cols_one, &job);
	/* the minimum is exact: the same whichever thread saw which column */
	for (k = 1; rc == 0 && k < nthreads; k++)
		if (job.w[k].used)
			for (r = 0; r < s->n; r++)
				minv[r] = job.w[k].minv[r] < minv[r] ?
				    job.w[k].minv[r] : minv[r];
	workers_free(job.w, nthreads, err);
	return rc;
}

/* MESS */

/* The similarity of x to one reference variable; sorted may be NULL. */
static double
mess_var(const struct mare_profile_col *pc, const double *sorted, double x)
{
	double f, r = pc->max - pc->min;

	if (r == 0)
		return x == pc->min ? 0 : -100;
	f = sorted != NULL ? 100 * (double)count_below(sorted, pc->n, x, 0) /
	    (double)pc->n : 100 * qcdf(pc->q, x, 1);
	if (x < pc->min || f <= 0)
		return 100 * (x - pc->min) / r;
	if (x > pc->max || f >= 100)
		return 100 * (pc->max - x) / r;
	if (f <= 50)
		return 2 * f;
	return 2 * (100 - f);
}

double
mare_drift_mess(const struct mare_profile *p, const size_t *idx,
    const double *x, size_t ncols)
{
	return mare_drift_mess_sorted(p, NULL, idx, x, ncols);
}

double
mare_drift_mess_sorted(const struct mare_profile *p,
    const double *const *sorted, const size_t *idx, const double *x,
    size_t ncols)
{
	const struct mare_profile_col *pc;
	double mess = INFINITY, s;
	size_t j;
	int any = 0;

	for (j = 0; j < ncols; j++) {
		pc = &p->cols[idx[j]];
		if (!isfinite(x[j]) || pc->n == 0)
			continue;
		any = 1;
		s = mess_var(pc, sorted != NULL ? sorted[idx[j]] : NULL, x[j]);
		if (s < mess)
			mess = s;
	}
	return any ? mess : NAN;
}

/*
 * The fast form of the same: per column, a table of B buckets of equal
 * width over [min, max] holding the number of sorted values (the raw
 * reference, or the 101 quantiles) strictly below each bucket's lower
 * edge, so that the count below x is searched only within x's bucket. The
 * result is bit for bit mare_drift_mess_sorted()'s.
 */
#define MESS_BUCKETS_MIN	1024
#define MESS_BUCKETS_MAX	65536
#define MESS_BUCKETS_Q		16384	/* for the 101 quantiles: 64 KiB */

struct mess_col {
	const struct mare_profile_col *pc;
	const double	*a;		/* sorted values: raw, or pc->q */
	size_t		 m;		/* their number */
	double		 lo, w, iw;	/* bucket b starts at lo + b w */
	size_t		 nb;		/* buckets; 0: plain search */
	uint32_t	*start;		/* nb + 1 counts */
};

struct mare_drift_mess {
	size_t		 ncols;
	struct mess_col	*cols;
};

/* The number of a[0..m) strictly below x, searched within x's bucket. */
static inline size_t
bucket_below(const struct mess_col *c, double x)
{
	size_t lo, hi, mid, b;
	double t;

	if (c->nb == 0 || !(x > c->lo))
		return count_below(c->a, c->m, x, 0);
	t = (x - c->lo) * c->iw;	/* a guess, corrected below */
	b = t >= (double)c->nb ? c->nb - 1 : (size_t)t;
	while (b > 0 && x < c->lo + (double)b * c->w)
		b--;
	while (b + 1 < c->nb && x >= c->lo + (double)(b + 1) * c->w)
		b++;
	lo = c->start[b];
	hi = c->start[b + 1];
	if (b + 1 == c->nb)
		hi = c->m;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->a[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static double
mess_col_sim(const struct mess_col *c, double x)
{
	const struct mare_profile_col *pc = c->pc;
	const double step = 1.0 / (MARE_PROFILE_NQ - 1);
	double f, r = pc->max - pc->min;
	size_t k;

	if (r == 0)
		return x == pc->min ? 0 : -100;
	if (c->a != pc->q)
		f = 100 * (double)bucket_below(c, x) / (double)pc->n;
	else if (x <= pc->q[0])
		f = 0;
	else if (x > pc->q[MARE_PROFILE_NQ - 1])
		f = 100;
	else {		/* qcdf(q, x, 1) */
		k = bucket_below(c, x);
		f = 100 * (((double)(k - 1) + (x - pc->q[k - 1]) /
		    (pc->q[k] - pc->q[k - 1])) * step);
	}
	if (x < pc->min || f <= 0)
		return 100 * (x - pc->min) / r;
	if (x > pc->max || f >= 100)
		return 100 * (pc->max - x) / r;
	if (f <= 50)
		return 2 * f;
	return 2 * (100 - f);
}

struct mare_drift_mess *
mare_drift_mess_new(const struct mare_profile *p,
    const double *const *sorted, const size_t *idx, size_t ncols,
    struct mare_err *err)
{
	struct mare_drift_mess *m;
	struct mess_col *c;
	size_t j, b, i;

	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->cols = calloc(ncols + 1, sizeof(*m->cols))) == NULL) {
		free(m);
		mare_err_sys(err, MARE_E_NOMEM, "MESS");
		return NULL;
	}
	m->ncols = ncols;
	for (j = 0; j < ncols; j++) {
		c = &m->cols[j];
		c->pc = &p->cols[idx[j]];
		c->a = sorted != NULL ? sorted[idx[j]] : c->pc->q;
		c->m = sorted != NULL ? c->pc->n : MARE_PROFILE_NQ;
		if (c->pc->n == 0 || !(c->pc->max > c->pc->min) ||
		    c->m > UINT32_MAX)
			continue;
		c->nb = c->m < MESS_BUCKETS_MIN ? MESS_BUCKETS_MIN :
		    c->m < MESS_BUCKETS_MAX ? c->m : MESS_BUCKETS_MAX;
		if (c->a == c->pc->q)	/* a quantile in few buckets */
			c->nb = MESS_BUCKETS_Q;
		c->lo = c->pc->min;
		c->w = (c->pc->max - c->pc->min) / (double)c->nb;
		c->iw = 1 / c->w;
		if (!(c->w > 0) || !isfinite(c->w) ||
		    (c->start = malloc((c->nb + 1) * sizeof(uint32_t))) ==
		    NULL) {
			if (c->w > 0 && isfinite(c->w)) {
				mare_drift_mess_free(m);
				mare_err_sys(err, MARE_E_NOMEM, "MESS");
				return NULL;
			}
			c->nb = 0;
			continue;
		}
		for (b = 0, i = 0; b <= c->nb; b++) {
			double e = c->lo + (double)b * c->w;

			while (i < c->m && c->a[i] < e)
				i++;
			c->start[b] = (uint32_t)i;
		}
	}
	return m;
}

double
mare_drift_mess_row(const struct mare_drift_mess *m, const double *x)
{
	double mess = INFINITY, s;
	size_t j;
	int any = 0;

	for (j = 0; j < m->ncols; j++) {
		if (!isfinite(x[j]) || m->cols[j].pc->n == 0)
			continue;
		any = 1;
		s = mess_col_sim(&m->cols[j], x[j]);
		if (s < mess)
			mess = s;
	}
	return any ? mess : NAN;
}

/*
 * mare_drift_mess_column() against the quantiles, the common case first:
 * x strictly inside the profile's range, interpolated between two
 * quantiles, the similarity 2 min(f, 100 - f) (f <= 50 exactly when
 * f <= 100 - f, both rounded) without a branch on which half; the rest
 * goes through mess_col_sim(). The same arithmetic, so the same bits.
 */
static void
mess_column_q(const struct mess_col *c, const double *x, size_t n,
    double *minv)
{
	const struct mare_profile_col *pc = c->pc;
	const double *q = pc->q, step = 1.0 / (MARE_PROFILE_NQ - 1);
	const double qlo = q[0] > pc->min ? q[0] : pc->min;
	const double qhi = q[MARE_PROFILE_NQ - 1] < pc->max ?
	    q[MARE_PROFILE_NQ - 1] : pc->max;
	double v, f, g, s;
	size_t i, k;

	for (i = 0; i < n; i++) {
		v = x[i];
		if (v > qlo && v <= qhi && v < pc->max) {
			k = bucket_below(c, v);
			f = 100 * (((double)(k - 1) + (v - q[k - 1]) /
			    (q[k] - q[k - 1])) * step);
			g = 100 - f;
			s = 2 * (f < g ? f : g);
			if (!(f > 0 && f < 100))
				s = mess_col_sim(c, v);
		} else if (isfinite(v))
			s = mess_col_sim(c, v);
		else
			continue;
		minv[i] = s < minv[i] ? s : minv[i];
	}
}

void
mare_drift_mess_column(const struct mare_drift_mess *m, size_t j,
    const double *x, size_t n, double *minv)
{
	const struct mess_col *c = &m->cols[j];
	double s;
	size_t i;

	if (c->pc->n == 0)
		return;
	if (c->a == c->pc->q && c->nb > 0) {
		mess_column_q(c, x, n, minv);
		return;
	}
	for (i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			continue;
		s = mess_col_sim(c, x[i]);
		if (s < minv[i])
			minv[i] = s;
	}
}

void
mare_drift_mess_free(struct mare_drift_mess *m)
{
	size_t j;

	if (m == NULL)
		return;
	for (j = 0; j < m->ncols; j++)
		free(m->cols[j].start);
	free(m->cols);
	free(m);
}

struct mare_grid *
mare_drift_mess_grid(const struct mare_profile *p,
    const double *const *sorted, const size_t *idx, const size_t *layer,
    size_t ncols, const struct mare_grid_stack *s, struct mare_err *err)
{
	struct mare_grid_geom geom = s->geom;
	struct mare_drift_mess *ms;
	struct mare_grid *g;
	double *x;
	size_t i, j;

	if (s->nlayers == 0 || ncols == 0) {
		mare_err_set(err, MARE_E_USAGE, "MESS map: no layers or no "
		    "columns");
		return NULL;
	}
	geom.has_nodata = 1;
	geom.nodata = MARE_DRIFT_MAP_NODATA;
	if ((x = calloc(ncols, sizeof(*x))) == NULL) {
		mare_err_sys(err, MARE_E_NOMEM, "MESS map");
		return NULL;
	}
	if ((ms = mare_drift_mess_new(p, sorted, idx, ncols, err)) == NULL ||
	    (g = mare_grid_new(&geom, "mess", err)) == NULL) {
		mare_drift_mess_free(ms);
		free(x);
		return NULL;
	}
	for (i = 0; mare_grid_stack_next_valid(s, &i); i++) {
		for (j = 0; j < ncols; j++)
			x[j] = s->layers[layer[j]]->cells[i];
		g->cells[i] = (float)mare_drift_mess_row(ms, x);
	}
	mare_drift_mess_free(ms);
	free(x);
	return g;
}
