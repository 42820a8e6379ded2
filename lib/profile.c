/*
 * profile.c - the reference profile of a data set, as stored in a model
 *
 * Each column is copied without its non-finite values and sorted once;
 * every statistic then comes from the sorted copy: quantiles by index,
 * histogram counts by binary search on the edges, distinct values and
 * levels by runs. Sums are compensated (Neumaier) so the mean and the
 * standard deviation do not depend on the row count's rounding drift.
 * Quantiles reproduce numpy.quantile(method="linear") bit for bit: the
 * same virtual index (n - 1) p and the same two-sided lerp.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "par.h"
#include "profile.h"
#include "radix.h"

/* Sorting and order statistics */

#define RADIX_BITS	MARE_RADIX_BITS

static uint64_t
key_of(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return (u >> 63) ? ~u : u | UINT64_C(0x8000000000000000);
}

static double
double_of(uint64_t k)
{
	double d;

	k = (k >> 63) ? k & ~UINT64_C(0x8000000000000000) : ~k;
	memcpy(&d, &k, sizeof(d));
	return d;
}

/* The same for floats: a double that is a float sorts as its float. */
static uint32_t
key32_of(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return (u >> 31) ? ~u : u | UINT32_C(0x80000000);
}

static float
float_of(uint32_t k)
{
	float f;

	k = (k >> 31) ? k & ~UINT32_C(0x80000000) : ~k;
	memcpy(&f, &k, sizeof(f));
	return f;
}

/* The lowest and highest set bits of diff (diff != 0). */
static void
bit_span(uint64_t diff, unsigned *lo, unsigned *hi)
{
	for (*lo = 0; !(diff >> *lo & 1); (*lo)++)
		;
	for (*hi = 63; !(diff >> *hi & 1); (*hi)--)
		;
}

/* Counters for the widest digits of 64-bit keys. */
#define CNT_MAX	MARE_RADIX_CNT

/* s->buf of at least size bytes; 0, or -1 when out of memory. */
static int
scratch(struct mare_profile_scratch *s, size_t size)
{
	if (s->size >= size)
		return 0;
	free(s->buf);
	s->size = 0;
	if ((s->buf = malloc(size)) == NULL)
		return -1;
	s->size = size;
	return 0;
}

/*
 * Doubles that are all floats (read from float32 tensors) sort as 32-bit
 * keys: half the memory traffic of 64-bit ones. The radix passes as in
 * mare_radix_sort(), with the checks, keys and their span in one loop and the
 * last pass writing the doubles back. a and b hold n keys each, cnt
 * CNT_MAX counters. 1 when done, 0 when some value is not a float.
 */
static int
sort_floats(double *x, size_t n, uint32_t *a, uint32_t *b, size_t *cnt)
{
	uint32_t *t, k, k0, diff = 0;
	size_t *cp, i, p, sum, c, passes, nb, last;
	unsigned lo, hi, bits, sh;
	float f;

	k0 = key32_of((float)x[0]);
	for (i = 0; i < n; i++) {
		f = (float)x[i];
		if ((double)f != x[i])
			return 0;
		a[i] = k = key32_of(f);
		diff |= k ^ k0;
	}
	if (diff == 0)		/* every value the same */
		return 1;
	bit_span(diff, &lo, &hi);
	passes = (hi - lo + RADIX_BITS) / RADIX_BITS;
	bits = (unsigned)((hi - lo + passes) / passes);
	nb = (size_t)1 << bits;
	memset(cnt, 0, passes * nb * sizeof(*cnt));
	for (i = 0; i < n; i++)
		for (p = 0; p < passes; p++)
			cnt[p * nb + ((a[i] >> (lo + p * bits)) & (nb - 1))]++;
	/* the last pass that moves keys (a digit's count is n: none) */
	for (last = passes, p = 0; p < passes; p++)
		if (cnt[p * nb + ((a[0] >> (lo + p * bits)) & (nb - 1))] != n)
			last = p;
	for (p = 0; p < passes; p++) {
		cp = cnt + p * nb;
		sh = lo + (unsigned)p * bits;
		if (cp[(a[0] >> sh) & (nb - 1)] == n)
			continue;	/* every key has this digit */
		for (sum = 0, i = 0; i < nb; i++) {
			c = cp[i];
			cp[i] = sum;
			sum += c;
		}
		if (p == last) {
			for (i = 0; i < n; i++) {
				k = a[i];
				x[cp[(k >> sh) & (nb - 1)]++] =
				    (double)float_of(k);
			}
			return 1;
		}
		for (i = 0; i < n; i++)
			b[cp[(a[i] >> sh) & (nb - 1)]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	for (i = 0; i < n; i++)		/* not reached: diff != 0 */
		x[i] = (double)float_of(a[i]);
	return 1;
}

/*
 * LSD radix sort on the order-preserving integer image of the doubles,
 * over the bits that differ between the keys only: at most 12-bit digits,
 * as few passes as cover those bits, each skipped when every key shares
 * the digit. Doubles that are all floats sort as floats (the same order,
 * so the same result, in fewer and narrower passes). a and b hold n keys
 * each, cnt CNT_MAX counters; b may be x itself (x is read into keys in a
 * before b is written), which saves a copy of the values.
 */
static void
sort_keys(double *x, size_t n, size_t *cnt, uint64_t *a, uint64_t *b)
{
	uint64_t *s, k0, diff = 0;
	size_t i;

	if (sort_floats(x, n, (uint32_t *)a, (uint32_t *)a + n, cnt))
		return;
	k0 = key_of(x[0]);
	for (i = 0; i < n; i++) {
		a[i] = key_of(x[i]);
		diff |= a[i] ^ k0;
	}
	if (diff == 0)		/* every value the same */
		return;
	s = mare_radix_sort(a, b, cnt, n, diff);
	for (i = 0; i < n; i++)
		x[i] = double_of(s[i]);
}

/* Insertion sort of n < 64 values. */
static void
sort_few(double *x, size_t n)
{
	size_t i, j;
	double v;

	for (i = 1; i < n; i++) {
		v = x[i];
		for (j = i; j > 0 && x[j - 1] > v; j--)
			x[j] = x[j - 1];
		x[j] = v;
	}
}

int
mare_profile_sort_scratch(double *x, size_t n,
    struct mare_profile_scratch *sc, struct mare_err *err)
{
	uint64_t *a;
	size_t *cnt;

	if (n < 64) {
		sort_few(x, n);
		return 0;
	}
	if (n > (SIZE_MAX - CNT_MAX * sizeof(*cnt)) / 2 / sizeof(*a) ||
	    scratch(sc, CNT_MAX * sizeof(*cnt) + 2 * n * sizeof(*a)) == -1)
		return mare_err_sys(err, MARE_E_NOMEM, "sort");
	cnt = sc->buf;
	a = (uint64_t *)(cnt + CNT_MAX);
	sort_keys(x, n, cnt, a, a + n);
	return 0;
}

void
mare_profile_scratch_free(struct mare_profile_scratch *s)
{
	free(s->buf);
	s->buf = NULL;
	s->size = 0;
}

int
mare_profile_sort(double *x, size_t n, struct mare_err *err)
{
	struct mare_profile_scratch s = { NULL, 0 };
	int rc;

	rc = mare_profile_sort_scratch(x, n, &s, err);
	mare_profile_scratch_free(&s);
	return rc;
}

/* numpy's _lerp(): a + (b - a) t, from the nearer end. */
static double
lerp(double a, double b, double t)
{
	double d = b - a;

	return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/* Type-7 quantile of the n sorted finite values x at p in [0, 1]. */
static double
quantile7(const double *x, size_t n, double p)
{
	double h, fl;
	size_t lo;

	h = (double)(n - 1) * p;
	fl = floor(h);
	lo = (size_t)fl;
	if (lo >= n - 1)
		return x[n - 1];
	return lerp(x[lo], x[lo + 1], h - fl);
}

/* The first index i with x[i] >= v (n when none). */
static size_t
lower_bound(const double *x, size_t n, double v)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (x[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Building */

static void
neumaier(double *sum, double *c, double v)
{
	double t = *sum + v;

	if (fabs(*sum) >= fabs(v))
		*c += (*sum - t) + v;
	else
		*c += (v - t) + *sum;
	*sum = t;
}

int
mare_profile_column(const double *x, size_t n, size_t stride,
    struct mare_profile_col *col, struct mare_err *err)
{
	double *s;
	size_t i, m = 0;

	s = malloc((n > 0 ? n : 1) * sizeof(*s));
	if (s == NULL)
		return mare_err_sys(err, MARE_E_NOMEM, "profile");
	for (i = 0; i < n; i++) {
		double v = x[i * stride];

		if (isfinite(v))
			s[m++] = v;
	}
	if (mare_profile_sort(s, m, err) == -1) {
		free(s);
		return -1;
	}
	mare_profile_column_sorted(s, m, n - m, col);
	free(s);
	return 0;
}

void
mare_profile_column_sorted(const double *s, size_t m, uint64_t nnan,
    struct mare_profile_col *col)
{
	double sum = 0, c = 0, mean, e, prev;
	size_t i, k, run, lb, nb;
	uint64_t distinct;

	col->min = col->max = col->mean = col->sd = NAN;
	for (k = 0; k < MARE_PROFILE_NQ; k++)
		col->q[k] = NAN;
	col->nbins = 0;
	col->distinct = 0;
	col->categorical = 0;
	col->nlevels = 0;
	col->nan = nnan;
	col->n = m;
	if (m == 0)
		return;
	for (i = 0; i < m; i++)
		neumaier(&sum, &c, s[i]);
	mean = (sum + c) / (double)m;
	sum = c = 0;
	for (i = 0; i < m; i++) {
		e = s[i] - mean;
		neumaier(&sum, &c, e * e);
	}
	col->mean = mean;
	col->sd = m < 2 ? 0 : sqrt((sum + c) / (double)m);
	col->min = s[0];
	col->max = s[m - 1];
	for (k = 0; k < MARE_PROFILE_NQ; k++)
		col->q[k] = quantile7(s, m, k == MARE_PROFILE_NQ - 1 ? 1.0 :
		    (double)k * (1.0 / (MARE_PROFILE_NQ - 1)));

	/* Equal-frequency bins, repeated edges merged. */
	nb = 0;
	col->edges[0] = s[0];
	for (k = 1; k <= MARE_PROFILE_NBINS; k++) {
		double v = quantile7(s, m, k == MARE_PROFILE_NBINS ? 1.0 :
		    (double)k * (1.0 / MARE_PROFILE_NBINS));

		if (v > col->edges[nb])
			col->edges[++nb] = v;
	}
	if (nb == 0)
		col->edges[++nb] = s[0];	/* constant: [v, v] */
	col->nbins = nb;
	lb = 0;
	for (k = 0; k < nb; k++) {
		size_t ub = k + 1 == nb ? m :
		    lower_bound(s, m, col->edges[k + 1]);

		col->counts[k] = ub - lb;
		lb = ub;
	}

	/* Distinct values and levels. */
	distinct = 0;
	prev = s[0];
	run = 0;
	for (i = 0; i <= m; i++) {
		if (i < m && s[i] == prev) {
			run++;
			continue;
		}
		if (distinct < MARE_PROFILE_MAX_LEVELS) {
			col->levels[distinct].value = prev;
			col->levels[distinct].count = run;
		}
		distinct++;
		if (i < m) {
			prev = s[i];
			run = 1;
		}
	}
	col->distinct = distinct > MARE_PROFILE_DISTINCT_CAP ?
	    MARE_PROFILE_DISTINCT_CAP + 1 : distinct;
	col->nlevels = distinct <= MARE_PROFILE_MAX_LEVELS ? distinct : 0;
	col->categorical = distinct <= MARE_PROFILE_CAT_DISTINCT;
}

/*
 * The columns of mare_profile_build_threads(), on threads. A thread's
 * scratch (allocated before) holds the counters, the keys and the column's
 * finite values, which the sort takes as its second key buffer: 16 bytes
 * a row.
 */
struct build_job {
	const double	*rows;
	size_t		 nrows, ncols;
	struct mare_profile *p;
	struct mare_profile_scratch *sc;	/* a thread's sort scratch */
};

static int
build_col(void *arg, size_t j, size_t t)
{
	struct build_job *b = arg;
	size_t i, m = 0, *cnt = b->sc[t].buf;
	uint64_t *a = (uint64_t *)(cnt + CNT_MAX);
	double *s = (double *)(void *)(a + b->nrows), v;

	for (i = 0; i < b->nrows; i++) {
		v = b->rows[i * b->ncols + j];
		if (isfinite(v))
			s[m++] = v;
	}
	if (m < 64)
		sort_few(s, m);
	else
		sort_keys(s, m, cnt, a, (uint64_t *)(void *)s);
	mare_profile_column_sorted(s, m, b->nrows - m, &b->p->cols[j]);
	return 0;
}

struct mare_profile *
mare_profile_build(const double *rows, size_t nrows, size_t ncols,
    const char *const *names, struct mare_err *err)
{
	return mare_profile_build_threads(rows, nrows, ncols, names, 1, err);
}

struct mare_profile *
mare_profile_build_threads(const double *rows, size_t nrows, size_t ncols,
    const char *const *names, unsigned nthreads, struct mare_err *err)
{
	struct mare_profile *p;
	struct build_job b;
	struct mare_profile_scratch sc[MARE_PAR_MAX_THREADS];
	size_t j, nt;

	if (ncols == 0 || names == NULL) {
		mare_err_set(err, MARE_E_USAGE, "profile: no columns");
		return NULL;
	}
	for (j = 0; j < ncols; j++)
		if (names[j] == NULL) {
			mare_err_set(err, MARE_E_INTERNAL,
			    "profile: column %zu has no name", j);
			return NULL;
		}
	p = calloc(1, sizeof(*p));
	if (p == NULL || (p->cols = calloc(ncols, sizeof(*p->cols))) == NULL) {
		free(p);
		mare_err_sys(err, MARE_E_NOMEM, "profile");
		return NULL;
	}
	p->ncols = ncols;
	p->rows = nrows;
	for (j = 0; j < ncols; j++) {
		p->cols[j].name = strdup(names[j]);
		if (p->cols[j].name == NULL) {
			mare_err_sys(err, MARE_E_NOMEM, "profile");
			goto fail;
		}
	}
	nt = nthreads < 1 ? 1 : nthreads > MARE_PAR_MAX_THREADS ?
	    MARE_PAR_MAX_THREADS : nthreads;
	if (nt > ncols)
		nt = ncols;
	memset(sc, 0, sizeof(sc));
	/* a thread's buffer serves all its columns */
	for (j = 0; j < nt; j++)
		if (nrows > (SIZE_MAX - CNT_MAX * sizeof(size_t)) / 2 /
		    sizeof(uint64_t) || scratch(&sc[j], CNT_MAX *
		    sizeof(size_t) + 2 * nrows * sizeof(uint64_t)) == -1) {
			mare_err_sys(err, MARE_E_NOMEM, "profile");
			goto fail_s;
		}
	b.rows = rows;
	b.nrows = nrows;
	b.ncols = ncols;
	b.p = p;
	b.sc = sc;
	if (mare_par_for(ncols, (unsigned)nt, build_col, &b) != 0) {
		mare_err_set(err, MARE_E_INTERNAL, "profile: a column failed");
		goto fail_s;
	}
	for (j = 0; j < nt; j++)
		mare_profile_scratch_free(&sc[j]);
	return p;
fail_s:
	for (j = 0; j < nt; j++)
		mare_profile_scratch_free(&sc[j]);
fail:
	mare_profile_free(p);
	return NULL;
}

void
mare_profile_free(struct mare_profile *p)
{
	size_t j;

	if (p == NULL)
		return;
	if (p->cols != NULL)
		for (j = 0; j < p->ncols; j++)
			free(p->cols[j].name);
	free(p->cols);
	if (p->prediction != NULL)
		free(p->prediction->name);
	free(p->prediction);
	free(p);
}

int
mare_profile_set_prediction(struct mare_profile *p, const double *pred,
    size_t n, struct mare_err *err)
{
	struct mare_profile_col *c;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->name = strdup("prediction")) == NULL) {
		free(c);
		return mare_err_sys(err, MARE_E_NOMEM, "profile");
	}
	if (mare_profile_column(pred, n, 1, c, err) == -1) {
		free(c->name);
		free(c);
		return -1;
	}
	if (p->prediction != NULL)
		free(p->prediction->name);
	free(p->prediction);
	p->prediction = c;
	return 0;
}

long
mare_profile_find(const struct mare_profile *p, const char *name)
{
	size_t j;

	for (j = 0; j < p->ncols; j++)
		if (strcmp(p->cols[j].name, name) == 0)
			return (long)j;
	return -1;
}

/* To JSON */

static int
put(json_t *o, const char *key, json_t *v)
{
	return v == NULL ? -1 : json_object_set_new(o, key, v);
}

static json_t *
real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *
reals(const double *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (json_array_append_new(a, json_real(v[i])) == -1) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *
col_to_json(const struct mare_profile_col *c)
{
	json_t *o, *a, *l;
	size_t k;
	int bad = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	bad |= put(o, "name", json_string(c->name));
	bad |= put(o, "n", json_integer((json_int_t)c->n));
	bad |= put(o, "nan", json_integer((json_int_t)c->nan));
	bad |= put(o, "min", real_or_null(c->min));
	bad |= put(o, "max", real_or_null(c->max));
	bad |= put(o, "mean", real_or_null(c->mean));
	bad |= put(o, "sd", real_or_null(c->sd));
	bad |= put(o, "quantiles", reals(c->q, c->n > 0 ? MARE_PROFILE_NQ :
	    0));
	bad |= put(o, "edges", reals(c->edges, c->nbins > 0 ? c->nbins + 1 :
	    0));
	a = json_array();
	for (k = 0; a != NULL && k < c->nbins; k++)
		bad |= json_array_append_new(a,
		    json_integer((json_int_t)c->counts[k]));
	bad |= put(o, "counts", a);
	bad |= put(o, "distinct", json_integer((json_int_t)c->distinct));
	bad |= put(o, "categorical", json_boolean(c->categorical));
	a = json_array();
	for (k = 0; a != NULL && k < c->nlevels; k++) {
		l = json_pack("[f,I]", c->levels[k].value,
		    (json_int_t)c->levels[k].count);
		bad |= l == NULL ? -1 : json_array_append_new(a, l);
	}
	bad |= put(o, "levels", a);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
mare_profile_to_json(const struct mare_profile *p)
{
	json_t *o, *cols;
	size_t j;
	int bad = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	bad |= put(o, "format", json_string("mare-profile"));
	bad |= put(o, "version", json_integer(MARE_PROFILE_VERSION));
	bad |= put(o, "rows", json_integer((json_int_t)p->rows));
	cols = json_array();
	for (j = 0; cols != NULL && j < p->ncols; j++)
		bad |= json_array_append_new(cols, col_to_json(&p->cols[j]));
	bad |= put(o, "columns", cols);
	if (p->prediction != NULL)
		bad |= put(o, "prediction", col_to_json(p->prediction));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* From JSON */

struct rd {
	const char	*src;
	struct mare_err	*err;
	char		 path[160];	/* "columns[2]" */
};

static int
bad(struct rd *r, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
bad(struct rd *r, const char *key, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (*r->path == '\0' && *key == '\0')
		mare_err_set(r->err, MARE_E_DATA, "profile: %s", msg);
	else
		mare_err_set(r->err, MARE_E_DATA, "profile: %s%s%s: %s",
		    r->path, *r->path != '\0' && *key != '\0' ? "." : "",
		    key, msg);
	mare_err_at(r->err, r->src, 0, 0);
	return -1;
}

static int
get_count(struct rd *r, const json_t *o, const char *key, uint64_t *out)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return bad(r, key, "expected a count (an integer >= 0)");
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int
get_real(struct rd *r, const json_t *o, const char *key, int null_ok,
    double *out)
{
	const json_t *v = json_object_get(o, key);

	if (null_ok && json_is_null(v)) {
		*out = NAN;
		return 0;
	}
	if (!json_is_number(v))
		return bad(r, key, null_ok ? "expected a number or null" :
		    "expected a number");
	*out = json_number_value(v);
	return 0;
}

/* An array of exactly n (or at most max when n is 0) ascending reals. */
static int
get_reals(struct rd *r, const json_t *o, const char *key, size_t want,
    size_t max, double *out, size_t *got, int strict)
{
	const json_t *a = json_object_get(o, key), *v;
	char k[64];
	size_t i, n;

	*got = 0;
	if (!json_is_array(a))
		return bad(r, key, "expected an array");
	n = json_array_size(a);
	if (want != (size_t)-1 && n != want)
		return bad(r, key, "expected %zu values, found %zu", want, n);
	if (n > max)
		return bad(r, key, "expected at most %zu values, found %zu",
		    max, n);
	for (i = 0; i < n; i++) {
		v = json_array_get(a, i);
		snprintf(k, sizeof(k), "%s[%zu]", key, i);
		if (!json_is_number(v))
			return bad(r, k, "expected a number");
		out[i] = json_number_value(v);
		if (i > 0 && (strict ? out[i] <= out[i - 1] :
		    out[i] < out[i - 1]))
			return bad(r, k, "not ascending");
	}
	*got = n;
	return 0;
}

static int
col_from_json(struct rd *r, const json_t *o, struct mare_profile_col *c)
{
	const json_t *v, *a, *l;
	char k[64];
	size_t i, n;
	uint64_t sum;

	if (!json_is_object(o))
		return bad(r, "", "expected an object");
	v = json_object_get(o, "name");
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > MARE_PROFILE_MAX_NAME)
		return bad(r, "name", "expected a string of 1 to %d bytes",
		    MARE_PROFILE_MAX_NAME);
	if ((c->name = strdup(json_string_value(v))) == NULL)
		return mare_err_sys(r->err, MARE_E_NOMEM, "profile");
	if (get_count(r, o, "n", &c->n) == -1 ||
	    get_count(r, o, "nan", &c->nan) == -1 ||
	    get_real(r, o, "min", c->n == 0, &c->min) == -1 ||
	    get_real(r, o, "max", c->n == 0, &c->max) == -1 ||
	    get_real(r, o, "mean", c->n == 0, &c->mean) == -1 ||
	    get_real(r, o, "sd", c->n == 0, &c->sd) == -1)
		return -1;
	if (c->n > 0 && (c->min > c->max || c->sd < 0))
		return bad(r, "", "min above max or negative sd");
	if (get_reals(r, o, "quantiles", c->n > 0 ? MARE_PROFILE_NQ : 0,
	    MARE_PROFILE_NQ, c->q, &n, 0) == -1)
		return -1;
	if (c->n == 0)
		for (i = 0; i < MARE_PROFILE_NQ; i++)
			c->q[i] = NAN;
	else if (c->q[0] != c->min || c->q[MARE_PROFILE_NQ - 1] != c->max)
		return bad(r, "quantiles", "do not run from min to max");
	if (get_reals(r, o, "edges", (size_t)-1, MARE_PROFILE_NBINS + 1,
	    c->edges, &n, 0) == -1)
		return -1;
	if (c->n == 0 ? n != 0 : n < 2)
		return bad(r, "edges", c->n == 0 ? "expected none" :
		    "expected at least 2 values");
	if (n > 2 && c->edges[0] == c->edges[1])
		return bad(r, "edges[1]", "not ascending");
	c->nbins = n > 0 ? n - 1 : 0;
	a = json_object_get(o, "counts");
	if (!json_is_array(a) || json_array_size(a) != c->nbins)
		return bad(r, "counts", "expected an array of %zu counts",
		    c->nbins);
	sum = 0;
	for (i = 0; i < c->nbins; i++) {
		v = json_array_get(a, i);
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			snprintf(k, sizeof(k), "counts[%zu]", i);
			return bad(r, k, "expected a count (an integer >= 0)");
		}
		c->counts[i] = (uint64_t)json_integer_value(v);
		sum += c->counts[i];
	}
	if (sum != c->n)
		return bad(r, "counts", "sum to %llu, not n = %llu",
		    (unsigned long long)sum, (unsigned long long)c->n);
	if (get_count(r, o, "distinct", &c->distinct) == -1)
		return -1;
	if (c->distinct > MARE_PROFILE_DISTINCT_CAP + 1 ||
	    c->distinct > c->n || (c->n > 0 && c->distinct == 0))
		return bad(r, "distinct", "out of range");
	v = json_object_get(o, "categorical");
	if (!json_is_boolean(v))
		return bad(r, "categorical", "expected true or false");
	c->categorical = json_is_true(v);
	a = json_object_get(o, "levels");
	if (!json_is_array(a))
		return bad(r, "levels", "expected an array");
	n = json_array_size(a);
	if (n != 0 && (n != c->distinct || n > MARE_PROFILE_MAX_LEVELS))
		return bad(r, "levels", "expected 0 or %llu levels, found %zu",
		    (unsigned long long)c->distinct, n);
	sum = 0;
	for (i = 0; i < n; i++) {
		l = json_array_get(a, i);
		snprintf(k, sizeof(k), "levels[%zu]", i);
		if (!json_is_array(l) || json_array_size(l) != 2 ||
		    !json_is_number(json_array_get(l, 0)) ||
		    !json_is_integer(json_array_get(l, 1)) ||
		    json_integer_value(json_array_get(l, 1)) <= 0)
			return bad(r, k, "expected [value, count]");
		c->levels[i].value = json_number_value(json_array_get(l, 0));
		c->levels[i].count =
		    (uint64_t)json_integer_value(json_array_get(l, 1));
		if (i > 0 && c->levels[i].value <= c->levels[i - 1].value)
			return bad(r, k, "not ascending");
		sum += c->levels[i].count;
	}
	if (n > 0 && sum != c->n)
		return bad(r, "levels", "counts do not sum to n");
	c->nlevels = n;
	return 0;
}

struct mare_profile *
mare_profile_from_json(const json_t *j, const char *src, struct mare_err *err)
{
	struct rd r;
	struct mare_profile *p;
	const json_t *v, *cols;
	size_t i, k, n;

	r.src = src != NULL ? src : "<profile>";
	r.err = err;
	r.path[0] = '\0';
	if (!json_is_object(j)) {
		bad(&r, "", "expected an object");
		return NULL;
	}
	v = json_object_get(j, "format");
	if (!json_is_string(v) ||
	    strcmp(json_string_value(v), "mare-profile") != 0) {
		bad(&r, "format", "expected \"mare-profile\"");
		return NULL;
	}
	v = json_object_get(j, "version");
	if (!json_is_integer(v) ||
	    json_integer_value(v) != MARE_PROFILE_VERSION) {
		bad(&r, "version", "expected %d", MARE_PROFILE_VERSION);
		return NULL;
	}
	cols = json_object_get(j, "columns");
	if (!json_is_array(cols) || (n = json_array_size(cols)) == 0 ||
	    n > MARE_PROFILE_MAX_COLUMNS) {
		bad(&r, "columns", "expected an array of 1 to %d columns",
		    MARE_PROFILE_MAX_COLUMNS);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL || (p->cols = calloc(n, sizeof(*p->cols))) == NULL) {
		free(p);
		mare_err_sys(err, MARE_E_NOMEM, "profile");
		return NULL;
	}
	p->ncols = n;
	if (get_count(&r, j, "rows", &p->rows) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		snprintf(r.path, sizeof(r.path), "columns[%zu]", i);
		if (col_from_json(&r, json_array_get(cols, i), &p->cols[i]) ==
		    -1)
			goto fail;
		if (p->cols[i].n + p->cols[i].nan != p->rows) {
			bad(&r, "", "n + nan is not rows");
			goto fail;
		}
		for (k = 0; k < i; k++)
			if (strcmp(p->cols[k].name, p->cols[i].name) == 0) {
				bad(&r, "name", "\"%s\" repeated",
				    p->cols[i].name);
				goto fail;
			}
	}
	if ((v = json_object_get(j, "prediction")) != NULL) {
		snprintf(r.path, sizeof(r.path), "prediction");
		if ((p->prediction = calloc(1, sizeof(*p->prediction))) ==
		    NULL) {
			mare_err_sys(err, MARE_E_NOMEM, "profile");
			goto fail;
		}
		if (col_from_json(&r, v, p->prediction) == -1)
			goto fail;
	}
	return p;
fail:
	mare_profile_free(p);
	return NULL;
}
