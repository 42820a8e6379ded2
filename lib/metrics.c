/*
 * metrics.c - AUC, log-loss, TSS, omission, Spearman and Boyce
 *
 * Rank-based metrics sort once (a radix sort of order-preserving 64-bit
 * keys, qsort below RADIX_MIN rows) and then walk groups of tied scores,
 * so ties are handled in one place and the result does not depend on the
 * input order. The unweighted AUC and the ROC curve sort the keys of each
 * label apart (8 bytes a row, 16 while sorting) and merge the two lists
 * in the walk; the weighted AUC and the ranks sort (key, index) slots
 * (16 bytes a row, 32 while sorting); max TSS bins the rows by its 100
 * cut-offs without sorting. mare-train computes these on a million
 * training rows next to the feature matrix: their work memory is what
 * its peak is made of.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "radix.h"

struct key {
	double	v;
	size_t	i;
};

static int
cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	if (x->v < y->v)
		return -1;
	if (x->v > y->v)
		return 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int
check_scores(const double *s, size_t n, const char *what,
    struct mare_err *err)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (isnan(s[i]) || isinf(s[i]))
			return mare_err_set(err, MARE_E_DATA, "non-finite "
			    "%s (%g) at %zu", what, s[i], i + 1);
	return 0;
}

static int
check_labels(const double *y, const double *w, size_t n,
    struct mare_err *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (y[i] != 0 && y[i] != 1)
			return mare_err_set(err, MARE_E_DATA, "label %g at "
			    "%zu: labels must be 0 or 1", y[i], i + 1);
		if (w != NULL && (!(w[i] >= 0) || isinf(w[i])))
			return mare_err_set(err, MARE_E_DATA, "weight %g at "
			    "%zu: weights must be finite and >= 0", w[i],
			    i + 1);
	}
	return 0;
}

/* Order-preserving map of a finite double to 64 bits (-0 as +0). */
static uint64_t
okey(double v)
{
	uint64_t b;

	if (v == 0.0)
		v = 0.0;
	memcpy(&b, &v, sizeof(b));
	return (b >> 63) ? ~b : b | (UINT64_C(1) << 63);
}

/* The double of an okey() (0 for the key of both zeros). */
static double
value_of(uint64_t k)
{
	double v;

	k = (k >> 63) ? k & ~(UINT64_C(1) << 63) : ~k;
	memcpy(&v, &k, sizeof(v));
	return v;
}

#define RADIX_MIN	4096	/* below this, qsort */
#define RADIX_BITS	11	/* bits of a radix digit, at most */

/* A sort slot: (order key, index) while sorting, (value, index) after. */
struct ukey {
	uint64_t u;
	size_t	 i;
};

union slot {
	struct key	k;
	struct ukey	u;
};

/*
 * Stable LSD radix sort of the (okey(v[i]), i) in a[0..n) by key,
 * ping-ponging with b, over the bits that differ between the keys only,
 * in digits of at most RADIX_BITS bits (their buckets stay in cache),
 * every histogram from one read of the keys: equal values keep index
 * order, exactly the order of cmp_key(). Returns a or b, whichever holds
 * the result, or NULL (no memory).
 */
static union slot *
radix_keys(union slot *a, union slot *b, size_t n)
{
	union slot *t;
	uint64_t k0 = a[0].u.u, diff = 0;
	size_t *cnt, *cp, i, p, passes, nb, sum, z;
	unsigned lo, hi, bits, sh;

	for (i = 0; i < n; i++)
		diff |= a[i].u.u ^ k0;
	if (diff == 0)
		return a;	/* one value: index order is the order */
	for (lo = 0; !(diff >> lo & 1); lo++)
		;
	for (hi = 63; !(diff >> hi & 1); hi--)
		;
	passes = (hi - lo + RADIX_BITS) / RADIX_BITS;
	bits = (unsigned)((hi - lo + passes) / passes);	/* <= RADIX_BITS */
	nb = (size_t)1 << bits;
	if ((cnt = calloc(passes * nb, sizeof(*cnt))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		for (p = 0; p < passes; p++)
			cnt[p * nb + ((a[i].u.u >> (lo + p * bits)) &
			    (nb - 1))]++;
	for (p = 0; p < passes; p++) {
		cp = cnt + p * nb;
		sh = lo + (unsigned)p * bits;
		if (cp[(a[0].u.u >> sh) & (nb - 1)] == n)
			continue;	/* every key has this digit */
		for (sum = 0, i = 0; i < nb; i++) {
			z = cp[i];
			cp[i] = sum;
			sum += z;
		}
		for (i = 0; i < n; i++)
			b[cp[(a[i].u.u >> sh) & (nb - 1)]++].u = a[i].u;
		t = a;
		a = b;
		b = t;
	}
	free(cnt);
	return a;
}

/* Sorted keys of v, or NULL (err set). Memory: 32 n bytes at most. */
static struct key *
sorted(const double *v, size_t n, struct mare_err *err)
{
	union slot *a, *b, *r;
	struct key *k;
	size_t i, idx;
	double d;

	if ((a = calloc(n > 0 ? n : 1, sizeof(*a))) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory (%zu scores)",
		    n);
		return NULL;
	}
	if (n >= RADIX_MIN && (b = malloc(n * sizeof(*b))) != NULL) {
		for (i = 0; i < n; i++) {
			a[i].u.u = okey(v[i]);
			a[i].u.i = i;
		}
		if ((r = radix_keys(a, b, n)) != NULL) {
			for (i = 0; i < n; i++) {
				/* the value from its key; zeros keep sign */
				idx = r[i].u.i;
				d = value_of(r[i].u.u);
				r[i].k.i = idx;
				r[i].k.v = d != 0.0 ? d : v[idx];
			}
			free(r == a ? b : a);
			return &r->k;
		}
		free(b);
	}
	k = &a->k;
	for (i = 0; i < n; i++) {
		a[i].k.v = v[i];
		a[i].k.i = i;
	}
	qsort(k, n, sizeof(*k), cmp_key);
	return k;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Sort k[0..n) in place; buf (n keys, or NULL: qsort) is scratch, and so
 * are the counters of mare_radix_sort() (qsort without memory for them).
 */
static void
sort_u64(uint64_t *k, uint64_t *buf, size_t n)
{
	uint64_t *r, diff = 0;
	size_t *cnt, i;

	if (n >= RADIX_MIN && buf != NULL &&
	    (cnt = malloc(MARE_RADIX_CNT * sizeof(*cnt))) != NULL) {
		for (i = 0; i < n; i++)
			diff |= k[i] ^ k[0];
		r = mare_radix_sort(k, buf, cnt, n, diff);
		free(cnt);
		if (r != k)
			memcpy(k, r, n * sizeof(*k));
		return;
	}
	qsort(k, n, sizeof(*k), cmp_u64);
}

/*
 * The okey()s of the scores of the rows labelled 1 in k[0..*np) and of
 * the others in k[*np..n), each part sorted: all that the unweighted rank
 * metrics need (equal keys are equal scores, whatever their rows), in 8
 * bytes a row instead of a (key, index) slot's 16. The scratch for the
 * radix sort (another 8 bytes a row) is freed before returning; without
 * memory for it, qsort. Returns k, or NULL when out of memory.
 */
static void split_into(const double *, const double *, size_t, uint64_t *,
    uint64_t *, size_t *);

static uint64_t *
split_sorted(const double *score, const double *y, size_t n, size_t extra,
    size_t *np)
{
	uint64_t *k, *buf = NULL;

	/* extra: room the caller reuses after the keys (>= 8 bytes each) */
	if ((k = malloc((n + extra ? n + extra : 1) * (sizeof(*k) >
	    sizeof(size_t) ? sizeof(*k) : sizeof(size_t)))) == NULL)
		return NULL;
	if (n >= RADIX_MIN)
		buf = malloc(n * sizeof(*buf));
	split_into(score, y, n, k, buf, np);
	free(buf);
	return k;
}

/* split_sorted() into keys k, with buf (n keys, or NULL) as scratch. */
static void
split_into(const double *score, const double *y, size_t n, uint64_t *k,
    uint64_t *buf, size_t *np)
{
	size_t i, a = 0, b;

	for (i = 0; i < n; i++)
		a += y[i] == 1;
	*np = a;
	for (i = 0, a = 0, b = *np; i < n; i++)
		if (y[i] == 1)
			k[a++] = okey(score[i]);
		else
			k[b++] = okey(score[i]);
	sort_u64(k, buf, *np);
	sort_u64(k + *np, buf, n - *np);
}

/*
 * The Mann-Whitney sums over the sorted keys p (rows labelled 1) and q
 * (the others), tie groups from the lowest score up: the same operations
 * in the same order as the walk over a sorted (score, label) list.
 */
static void
auc_walk(const uint64_t *p, size_t np, const uint64_t *q, size_t nq,
    double *wp, double *wn, double *sum)
{
	double below = 0, gp, gn;
	size_t i = 0, j = 0;
	uint64_t v;

	*wp = *wn = *sum = 0;
	while (i < np || j < nq) {
		v = j == nq || (i < np && p[i] <= q[j]) ? p[i] : q[j];
		gp = gn = 0;
		for (; i < np && p[i] == v; i++)
			gp += 1;
		for (; j < nq && q[j] == v; j++)
			gn += 1;
		*sum += gp * (below + 0.5 * gn);
		below += gn;
		*wp += gp;
		*wn += gn;
	}
}

int
mare_metrics_auc(const double *score, const double *y, const double *w,
    size_t n, double *auc, struct mare_err *err)
{
	struct key *k;
	double wp = 0, wn = 0, below = 0, gp, gn, sum = 0, wi;
	size_t a, b;

	if (check_scores(score, n, "score", err) == -1 ||
	    check_labels(y, w, n, err) == -1)
		return -1;
	if (w == NULL) {
		uint64_t *u;
		size_t np;

		if ((u = split_sorted(score, y, n, 0, &np)) == NULL)
			return mare_err_set(err, MARE_E_NOMEM, "out of memory "
			    "(%zu scores)", n);
		auc_walk(u, np, u + np, n - np, &wp, &wn, &sum);
		free(u);
		goto done;
	}
	if ((k = sorted(score, n, err)) == NULL)
		return -1;
	/* walk tie groups upwards; below = negative weight under them */
	for (a = 0; a < n; a = b) {
		gp = gn = 0;
		for (b = a; b < n && k[b].v == k[a].v; b++) {
			wi = w != NULL ? w[k[b].i] : 1;
			if (y[k[b].i] == 1)
				gp += wi;
			else
				gn += wi;
		}
		sum += gp * (below + 0.5 * gn);
		below += gn;
		wp += gp;
		wn += gn;
	}
	free(k);
done:
	if (!(wp > 0) || !(wn > 0))
		return mare_err_set(err, MARE_E_DATA, "AUC needs both "
		    "labels: %s", wp > 0 ? "no absences (0)" :
		    "no presences (1)");
	*auc = sum / (wp * wn);
	return 0;
}

int
mare_metrics_auc_work(const double *score, const double *y, size_t n,
    uint64_t *keys, uint64_t *buf, double *auc, struct mare_err *err)
{
	double wp, wn, sum;
	size_t np;

	if (check_scores(score, n, "score", err) == -1 ||
	    check_labels(y, NULL, n, err) == -1)
		return -1;
	split_into(score, y, n, keys, buf, &np);
	auc_walk(keys, np, keys + np, n - np, &wp, &wn, &sum);
	if (!(wp > 0) || !(wn > 0))
		return mare_err_set(err, MARE_E_DATA, "AUC needs both "
		    "labels: %s", wp > 0 ? "no absences (0)" :
		    "no presences (1)");
	*auc = sum / (wp * wn);
	return 0;
}

int
mare_metrics_logloss(const double *prob, const double *y, const double *w,
    size_t n, double *ll, struct mare_err *err)
{
	const double eps = MARE_METRICS_LOGLOSS_EPS;
	double s = 0, W = 0, p, wi;
	size_t i;

	if (check_labels(y, w, n, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		p = prob[i];
		if (!(p >= 0 && p <= 1))
			return mare_err_set(err, MARE_E_DATA, "probability %g "
			    "at %zu: must be in [0, 1]", p, i + 1);
		p = p < eps ? eps : p > 1 - eps ? 1 - eps : p;
		wi = w != NULL ? w[i] : 1;
		s -= wi * (y[i] == 1 ? log(p) : log1p(-p));
		W += wi;
	}
	if (!(W > 0))
		return mare_err_set(err, MARE_E_DATA, "log-loss of no "
		    "observations (weights sum to 0)");
	*ll = s / W;
	return 0;
}

int
mare_metrics_poisson_d2(const double *mu, const double *y, const double *expo,
    const double *w, size_t n, double *d2, struct mare_err *err)
{
	double sy = 0, se = 0, rate, d = 0, d0 = 0, wi, ei, m0;
	size_t i;

	if (n == 0)
		return mare_err_set(err, MARE_E_DATA, "deviance of no "
		    "observations");
	for (i = 0; i < n; i++) {
		wi = w != NULL ? w[i] : 1;
		ei = expo != NULL ? expo[i] : 1;
		if (!(y[i] >= 0) || !isfinite(y[i]))
			return mare_err_set(err, MARE_E_DATA, "count %g at "
			    "%zu: must be a finite number >= 0", y[i], i + 1);
		if (!(mu[i] > 0) || !isfinite(mu[i]) || !(ei > 0) ||
		    !isfinite(ei))
			return mare_err_set(err, MARE_E_DATA, "mean %g or "
			    "exposure %g at %zu: must be finite and > 0",
			    mu[i], ei, i + 1);
		sy += wi * y[i];
		se += wi * ei;
	}
	rate = sy / se;
	for (i = 0; i < n; i++) {
		wi = w != NULL ? w[i] : 1;
		m0 = rate * (expo != NULL ? expo[i] : 1);
		d += wi * ((y[i] > 0 ? y[i] * log(y[i] / mu[i]) : 0) -
		    (y[i] - mu[i]));
		d0 += wi * ((y[i] > 0 ? y[i] * log(y[i] / m0) : 0) -
		    (y[i] - m0));
	}
	*d2 = d0 > 0 ? 1.0 - d / d0 : NAN;
	return 0;
}

/*
 * Rows below each cut-off counted without sorting: a row counts below
 * cut c when its score is under the highest of the cut-offs 0..c (the
 * cut-offs rise with c; taking the running maximum keeps the counts those
 * of a walk up the sorted scores, which never goes back), so a binary
 * search over the cut-offs per row, and a histogram, give the counts:
 * no memory beyond the cut-offs.
 */
int
mare_metrics_max_tss(const double *score, const double *y, size_t n,
    double *tss, double *cut, struct mare_err *err)
{
	double t[MARE_METRICS_TSS_CUTS], top[MARE_METRICS_TSS_CUTS];
	size_t hp[MARE_METRICS_TSS_CUTS + 1], hn[MARE_METRICS_TSS_CUTS + 1];
	double lo, hi, best = -2, bestcut = 0, np = 0, nn = 0, v;
	size_t tp_below = 0, tn_below = 0, i, l, h, mid;
	int c;

	if (check_scores(score, n, "score", err) == -1 ||
	    check_labels(y, NULL, n, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		np += y[i] == 1;
		nn += y[i] == 0;
	}
	if (np == 0 || nn == 0)
		return mare_err_set(err, MARE_E_DATA, "TSS needs both labels: "
		    "%s", np > 0 ? "no absences (0)" : "no presences (1)");
	/* the first lowest and the last highest, as a stable sort has them */
	lo = hi = score[0];
	for (i = 1; i < n; i++) {
		if (score[i] < lo)
			lo = score[i];
		if (score[i] >= hi)
			hi = score[i];
	}
	for (c = 0; c < MARE_METRICS_TSS_CUTS; c++) {
		t[c] = c == MARE_METRICS_TSS_CUTS - 1 ? hi :
		    lo + c * (hi - lo) / (MARE_METRICS_TSS_CUTS - 1);
		top[c] = c > 0 && top[c - 1] > t[c] ? top[c - 1] : t[c];
	}
	memset(hp, 0, sizeof(hp));
	memset(hn, 0, sizeof(hn));
	for (i = 0; i < n; i++) {
		/* l: the first cut-off whose running maximum is above it */
		for (l = 0, h = MARE_METRICS_TSS_CUTS; l < h; ) {
			mid = (l + h) / 2;
			if (top[mid] <= score[i])
				l = mid + 1;
			else
				h = mid;
		}
		if (y[i] == 1)
			hp[l]++;
		else
			hn[l]++;
	}
	for (c = 0; c < MARE_METRICS_TSS_CUTS; c++) {
		/* rows with score < t are predicted absent */
		tp_below += hp[c];
		tn_below += hn[c];
		v = (np - tp_below) / np + tn_below / nn - 1;
		if (v > best) {
			best = v;
			bestcut = t[c];
		}
	}
	*tss = best;
	if (cut != NULL)
		*cut = bestcut;
	return 0;
}

int
mare_metrics_omission(const double *score, const double *y, size_t n,
    double threshold, double *rate, struct mare_err *err)
{
	size_t i, np = 0, om = 0;

	if (check_scores(score, n, "score", err) == -1 ||
	    check_labels(y, NULL, n, err) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (y[i] == 1) {
			np++;
			om += score[i] < threshold;
		}
	if (np == 0)
		return mare_err_set(err, MARE_E_DATA, "omission rate needs "
		    "presences (1)");
	*rate = (double)om / (double)np;
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
mare_metrics_presence_threshold(const double *score, const double *y,
    size_t n, double q, double *thr, struct mare_err *err)
{
	double *p;
	size_t i, np = 0, k;

	if (!(q >= 0 && q < 1))
		return mare_err_set(err, MARE_E_USAGE, "presence quantile "
		    "must be in [0, 1), got %g", q);
	if (check_scores(score, n, "score", err) == -1 ||
	    check_labels(y, NULL, n, err) == -1)
		return -1;
	for (i = 0; i < n; i++)
		np += y[i] == 1;
	if (np == 0)
		return mare_err_set(err, MARE_E_DATA, "threshold needs "
		    "presences (1)");
	if ((p = calloc(np, sizeof(*p))) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	for (i = 0, k = 0; i < n; i++)
		if (y[i] == 1)
			p[k++] = score[i];
	qsort(p, np, sizeof(*p), cmp_double);
	if (q == 0)
		k = np;	/* the smallest = the np-th largest */
	else if (np < 10)
		k = (size_t)floor((double)np * (1 - q));
	else
		k = (size_t)ceil((double)np * (1 - q));
	if (k < 1)
		k = 1;
	*thr = p[np - k];	/* k-th largest */
	free(p);
	return 0;
}

/* Average ranks (1-based) of v into r. */
static int
ranks(const double *v, size_t n, double *r, struct mare_err *err)
{
	struct key *k;
	size_t a, b, i;

	if ((k = sorted(v, n, err)) == NULL)
		return -1;
	for (a = 0; a < n; a = b) {
		for (b = a; b < n && k[b].v == k[a].v; b++)
			;
		for (i = a; i < b; i++)
			r[k[i].i] = (double)(a + b + 1) / 2;
	}
	free(k);
	return 0;
}

static double
pearson(const double *a, const double *b, size_t n)
{
	double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		ma += a[i];
		mb += b[i];
	}
	ma /= (double)n;
	mb /= (double)n;
	for (i = 0; i < n; i++) {
		sab += (a[i] - ma) * (b[i] - mb);
		saa += (a[i] - ma) * (a[i] - ma);
		sbb += (b[i] - mb) * (b[i] - mb);
	}
	if (saa == 0 || sbb == 0)
		return NAN;
	return sab / sqrt(saa * sbb);
}

int
mare_metrics_spearman(const double *a, const double *b, size_t n,
    double *rho, struct mare_err *err)
{
	double *ra, *rb;
	size_t i;

	if (n < 2)
		return mare_err_set(err, MARE_E_DATA, "Spearman correlation "
		    "needs at least 2 pairs, got %zu", n);
	for (i = 0; i < n; i++)
		if (isnan(a[i]) || isnan(b[i]))
			return mare_err_set(err, MARE_E_DATA, "NaN in pair %zu",
			    i + 1);
	if ((ra = calloc(2 * n, sizeof(*ra))) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	rb = ra + n;
	if (ranks(a, n, ra, err) == -1 || ranks(b, n, rb, err) == -1) {
		free(ra);
		return -1;
	}
	*rho = pearson(ra, rb, n);
	free(ra);
	return 0;
}

#define BOYCE_RES	100

int
mare_metrics_boyce(const double *fit, size_t nfit, const double *obs,
    size_t nobs, double *boyce, struct mare_err *err)
{
	double f[BOYCE_RES + 1], st[BOYCE_RES + 1], vec[BOYCE_RES + 1];
	double fr[BOYCE_RES + 1], sr[BOYCE_RES + 1];
	double mini, maxi, fmin, fmax, ww, by, pi, ei, r;
	size_t i, k, nk = 0, nr = 0, cp, ce;

	if (nfit == 0 || nobs == 0)
		return mare_err_set(err, MARE_E_DATA, "Boyce index needs "
		    "background and presence scores");
	if (check_scores(fit, nfit, "background score", err) == -1 ||
	    check_scores(obs, nobs, "presence score", err) == -1)
		return -1;
	fmin = fmax = fit[0];
	for (i = 1; i < nfit; i++) {
		fmin = fmin < fit[i] ? fmin : fit[i];
		fmax = fmax > fit[i] ? fmax : fit[i];
	}
	mini = fmin;
	maxi = fmax;
	for (i = 0; i < nobs; i++) {
		mini = mini < obs[i] ? mini : obs[i];
		maxi = maxi > obs[i] ? maxi : obs[i];
	}
	ww = (fmax - fmin) / 10;
	by = (maxi - mini - ww) / BOYCE_RES;
	for (k = 0; k <= BOYCE_RES; k++)
		vec[k] = mini + (double)k * by;	/* R's seq(from, by) */
	vec[BOYCE_RES] += 1;	/* ecospat's "trick" for the closed end */
	for (k = 0; k <= BOYCE_RES; k++) {
		cp = ce = 0;
		for (i = 0; i < nobs; i++)
			cp += obs[i] >= vec[k] && obs[i] <= vec[k] + ww;
		for (i = 0; i < nfit; i++)
			ce += fit[i] >= vec[k] && fit[i] <= vec[k] + ww;
		if (cp == 0 && ce == 0)
			continue;	/* NaN: dropped */
		pi = (double)cp / (double)nobs;
		ei = (double)ce / (double)nfit;
		r = pi / ei;	/* may be Inf, which ecospat keeps */
		if (isfinite(r))
			r = round(r * 1e10) / 1e10;
		f[nk] = r;
		st[nk] = vec[k];
		nk++;
	}
	if (nk < 2) {
		*boyce = NAN;
		return 0;
	}
	/* drop a ratio equal to the next; the last is compared with 1 */
	for (k = 0; k < nk; k++) {
		if (f[k] == (k + 1 < nk ? f[k + 1] : 1.0))
			continue;
		fr[nr] = f[k];
		sr[nr] = st[k];
		nr++;
	}
	if (nr < 2) {
		*boyce = NAN;
		return 0;
	}
	return mare_metrics_spearman(fr, sr, nr, boyce, err);
}

/* Cross product of (b - a) and (c - a): > 0 when c is left of a -> b. */
static double
cross(const double *x, const double *y, size_t a, size_t b, size_t c)
{
	return (x[b] - x[a]) * (y[c] - y[a]) - (y[b] - y[a]) * (x[c] - x[a]);
}

/*
 * Memory: the sorted keys of both labels (8 bytes a row, 16 while
 * sorting), the curve's counts (16), then the hull indices in the keys'
 * place and a mark a point: 25 bytes a row at most.
 */
int
mare_metrics_roc(const double *score, const double *y, size_t n,
    size_t maxpts, double *fpr, double *tpr, size_t *npts, double *auc,
    struct mare_err *err)
{
	uint64_t *k = NULL, *kn, v;
	double *fx = NULL, *ty = NULL, tp = 0, fp = 0, P = 0, N = 0;
	double wp, wn, sum;
	size_t b, m = 0, q, i, j, nh, np, *hull;
	unsigned char *mark = NULL;
	int rc = -1;

	if (maxpts < 3)
		return mare_err_set(err, MARE_E_USAGE, "ROC: at least 3 "
		    "points");
	if (check_scores(score, n, "score", err) == -1 ||
	    check_labels(y, NULL, n, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		P += y[i] == 1;
		N += y[i] != 1;
	}
	if (!(P > 0) || !(N > 0))
		return auc != NULL ? mare_err_set(err, MARE_E_DATA, "AUC "
		    "needs both labels: %s", P > 0 ? "no absences (0)" :
		    "no presences (1)") : mare_err_set(err, MARE_E_DATA,
		    "ROC needs both labels");
	/* the keys, then (n + 1) hull indices in their place */
	if ((k = split_sorted(score, y, n, 1, &np)) == NULL ||
	    (fx = malloc((n + 1) * sizeof(double))) == NULL ||
	    (ty = malloc((n + 1) * sizeof(double))) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto done;
	}
	kn = k + np;
	if (auc != NULL) {
		auc_walk(k, np, kn, n - np, &wp, &wn, &sum);
		*auc = sum / (wp * wn);
	}
	/* cumulative counts per distinct score, from the top */
	for (i = np, j = n - np; i > 0 || j > 0; ) {
		v = j == 0 || (i > 0 && k[i - 1] >= kn[j - 1]) ? k[i - 1] :
		    kn[j - 1];
		for (; i > 0 && k[i - 1] == v; i--)
			tp++;
		for (; j > 0 && kn[j - 1] == v; j--)
			fp++;
		fx[m] = fp;
		ty[m++] = tp;
	}
	/* drop_intermediate: keep ends and points with a kink */
	for (i = q = 0; i < m; i++)
		if (i == 0 || i == m - 1 || fx[i + 1] - 2 * fx[i] + fx[i - 1]
		    != 0 || ty[i + 1] - 2 * ty[i] + ty[i - 1] != 0) {
			fx[q] = fx[i];
			ty[q++] = ty[i];
		}
	/* prepend (0, 0) and scale */
	memmove(fx + 1, fx, q * sizeof(double));
	memmove(ty + 1, ty, q * sizeof(double));
	fx[0] = ty[0] = 0;
	m = q + 1;
	for (i = 0; i < m; i++) {
		fx[i] /= N;
		ty[i] /= P;
	}
	if (m <= maxpts) {
		memcpy(fpr, fx, m * sizeof(double));
		memcpy(tpr, ty, m * sizeof(double));
		*npts = m;
		rc = 0;
		goto done;
	}
	if ((mark = calloc(m, 1)) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto done;
	}
	/* upper convex hull (monotone chain; x then y ascending) */
	hull = (size_t *)(void *)k;	/* the keys are done with */
	for (i = nh = 0; i < m; i++) {
		while (nh >= 2 && cross(fx, ty, hull[nh - 2], hull[nh - 1],
		    i) >= 0)
			nh--;
		hull[nh++] = i;
	}
	mark[0] = mark[m - 1] = 1;
	for (i = 0; i < nh && i < maxpts; i++)
		mark[nh <= maxpts ? hull[i] : hull[i * (nh - 1) /
		    (maxpts - 1)]] = 1;
	for (i = q = b = 0; i < m; i++) {
		if (mark[i])
			q++;
		else
			b++;
	}
	/*
	 * fill the rest of the budget evenly among the b other points: the
	 * j-th pick is the ((2 j + 1) b / (2 want))-th of them (all of them
	 * when they fit), a rising rank, so one pass finds them
	 */
	if (q < maxpts && b > 0) {
		size_t want = maxpts - q, r = 0;

		for (i = j = 0; i < m && j < want && j < b; i++) {
			if (mark[i])
				continue;
			if (b <= want || r == (2 * j + 1) * b / (2 * want)) {
				mark[i] = 1;
				j++;
			}
			r++;
		}
	}
	for (i = q = 0; i < m && q < maxpts; i++)
		if (mark[i]) {
			fpr[q] = fx[i];
			tpr[q++] = ty[i];
		}
	*npts = q;
	rc = 0;
done:
	free(k);
	free(fx);
	free(ty);
	free(mark);
	return rc;
}
