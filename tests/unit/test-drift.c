/*
 * test-drift.c - unit tests of the drift statistics
 *
 * The KS, Wasserstein, Jensen-Shannon and chi-square values are scipy's on
 * saved samples: tests/data/drift/cases.json, written by
 * tests/data/drift/scipy_cases.py (versions recorded in the file). PSI is
 * checked against a hand-worked example.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "drift.h"
#include "grid.h"
#include "rng.h"
#include "tap.h"

static double *
array(const json_t *a, size_t *n)
{
	double *x;
	size_t i;

	*n = json_array_size(a);
	x = malloc((*n + 1) * sizeof(*x));
	for (i = 0; i < *n; i++)
		x[i] = json_number_value(json_array_get(a, i));
	return x;
}

static void
test_scipy(void)
{
	const char *src = getenv("MARE_SRCDIR");
	char path[4096];
	json_t *root, *c;
	json_error_t je;
	size_t i, na, nb;
	double *a, *b, p, d;
	int exact;

	snprintf(path, sizeof(path), "%s/tests/data/drift/cases.json",
	    src != NULL ? src : ".");
	root = json_load_file(path, 0, &je);
	if (!ok(root != NULL, "load %s", path))
		return;
	diag("scipy %s numpy %s", json_string_value(json_object_get(root,
	    "scipy")), json_string_value(json_object_get(root, "numpy")));
	json_array_foreach(json_object_get(root, "cases"), i, c) {
		const char *name = json_string_value(json_object_get(c,
		    "name"));
		double want_p = json_real_value(json_object_get(c, "p"));

		a = array(json_object_get(c, "a"), &na);
		b = array(json_object_get(c, "b"), &nb);
		mare_drift_sort(a, na, NULL);
		mare_drift_sort(b, nb, NULL);
		d = mare_drift_ks(a, na, b, nb, &p, &exact);
		is_double(d, json_real_value(json_object_get(c, "ks")), 1e-14,
		    "%s: KS statistic", name);
		/* exact: to rounding; asymptotic: relative 1e-6 */
		is_double(p, want_p, exact ? 1e-12 : want_p * 1e-6 + 1e-300,
		    "%s: KS p-value (%s)", name, exact ? "exact" : "asymp");
		is_int(exact, na <= 10000 && nb <= 10000, "%s: method", name);
		is_double(mare_drift_wasserstein(a, na, b, nb),
		    json_real_value(json_object_get(c, "wd")), 1e-12,
		    "%s: Wasserstein", name);
		free(a);
		free(b);
	}
	json_array_foreach(json_object_get(root, "js"), i, c) {
		a = array(json_object_get(c, "p"), &na);
		b = array(json_object_get(c, "q"), &nb);
		is_double(mare_drift_js(a, b, na),
		    json_real_value(json_object_get(c, "js")), 1e-14,
		    "JS case %zu", i);
		free(a);
		free(b);
	}
	json_array_foreach(json_object_get(root, "chisquare"), i, c) {
		a = array(json_object_get(c, "ref"), &na);
		b = array(json_object_get(c, "cur"), &nb);
		p = mare_drift_chisq(a, b, na, &d);
		is_double(d, json_real_value(json_object_get(c, "stat")),
		    1e-12, "chi-square %zu statistic", i);
		is_double(p, json_real_value(json_object_get(c, "p")),
		    1e-12, "chi-square %zu p-value", i);
		free(a);
		free(b);
	}
	json_decref(root);
}

static void
test_psi(void)
{
	/*
	 * ref shares .25 .25 .25 .25, cur .10 .20 .30 .40:
	 * (.1-.25) ln(.1/.25) = 0.1374436, (.2-.25) ln(.8) = 0.0111572,
	 * (.3-.25) ln(1.2) = 0.0091161, (.4-.25) ln(1.6) = 0.0705005;
	 * sum 0.2282174095.
	 */
	static const double r[] = { 25, 25, 25, 25 }, c[] = { 10, 20, 30, 40 };
	/* an empty current bin: share 0 -> 0.0001; (1e-4-.5) ln(1e-4/.5) */
	static const double r2[] = { 50, 50 }, c2[] = { 0, 10 };

	is_double(mare_drift_psi(r, c, 4), 0.2282174095, 1e-10,
	    "PSI hand-worked");
	is_double(mare_drift_psi(r, r, 4), 0, 0, "PSI of identical shares");
	is_double(mare_drift_psi(r2, c2, 2),
	    (1e-4 - .5) * log(1e-4 / .5) + (1 - .5) * log(1 / .5), 1e-12,
	    "PSI with an empty bin (epsilon 1e-4)");
}

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Against qsort, bit for bit: floats, small integers, one value, mixed. */
static void
sort_cases(void)
{
	static const char *const what[] = { "float values", "integers 0..9",
	    "a constant", "full doubles with signs",
	    "floats of every exponent", "floats and one double" };
	struct mare_rng rng;
	double *x, *y;
	size_t i, n = 30000, c;

	mare_rng_init(&rng, 3);
	x = malloc(n * sizeof(*x));
	y = malloc(n * sizeof(*y));
	for (c = 0; c < 6; c++) {
		for (i = 0; i < n; i++) {
			double v = mare_rng_normal(&rng);

			x[i] = c == 0 ? (double)(float)v : c == 1 ?
			    (double)mare_rng_bounded(&rng, 10) : c == 2 ?
			    -2.5 : c == 3 ? v * exp(40 *
			    mare_rng_normal(&rng)) : (double)(float)ldexp(v,
			    (int)mare_rng_bounded(&rng, 250) - 125);
		}
		if (c == 5)
			x[n / 2] = 0.1;	/* not a float: the 64-bit keys */
		memcpy(y, x, n * sizeof(*x));
		qsort(y, n, sizeof(*y), cmpd);
		mare_drift_sort(x, n, NULL);
		ok(memcmp(x, y, n * sizeof(*x)) == 0, "radix sort = qsort: %s",
		    what[c]);
	}
	free(x);
	free(y);
}

static void
test_sort(void)
{
	double x[200];
	size_t i;
	int sorted = 1;

	for (i = 0; i < 200; i++)
		x[i] = (i % 7 == 0 ? -1.0 : 1.0) * (double)((i * 7919) % 211) /
		    3.0;
	x[5] = -0.0;
	x[6] = 1e300;
	x[7] = -1e-300;
	mare_drift_sort(x, 200, NULL);
	for (i = 1; i < 200; i++)
		sorted &= x[i - 1] <= x[i];
	ok(sorted, "radix sort ascending with negatives");
	is_double(x[199], 1e300, 0, "largest last");
	/* -0 before +0, as floats and as doubles */
	for (i = 0; i < 200; i++)
		x[i] = i % 2 ? -0.0 : 0.0;
	x[0] = 0.5;
	mare_drift_sort(x, 200, NULL);
	ok(signbit(x[0]) && signbit(x[99]) && !signbit(x[100]) &&
	    x[199] == 0.5, "floats: -0 sorts before +0");
	for (i = 0; i < 200; i++)
		x[i] = i % 2 ? -0.0 : 0.0;
	x[0] = 0.1;
	mare_drift_sort(x, 200, NULL);
	ok(signbit(x[0]) && signbit(x[99]) && !signbit(x[100]) &&
	    x[199] == 0.1, "doubles: -0 sorts before +0");
	sort_cases();
}

static void
test_columns(void)
{
	static const char *const names[] = { "x" };
	double ref[2000], cur[2000];
	struct mare_profile *p;
	struct mare_drift_col r;
	size_t i;

	for (i = 0; i < 2000; i++) {
		ref[i] = (double)((i * 7919) % 2000) / 100.0;
		cur[i] = ref[i];
	}
	p = mare_profile_build(ref, 2000, 1, names, NULL);
	mare_drift_sort(ref, 2000, NULL);

	/* identical data: no drift, from raw rows and from the profile */
	mare_drift_column(&p->cols[0], ref, cur, 2000, 1, MARE_DRIFT_AUTO,
	    NAN, &r, NULL);
	is_str(mare_drift_test_name(r.test), "wasserstein",
	    "auto: > 1000 rows");
	is_double(r.stat, 0, 0, "identical: W1 0");
	is_int(r.drift, 0, "identical: no drift");
	mare_drift_column(&p->cols[0], NULL, cur, 2000, 1, MARE_DRIFT_KS,
	    NAN, &r, NULL);
	ok(r.stat < 0.01, "identical vs profile: KS D %g < 0.01", r.stat);
	is_int(r.drift, 0, "identical vs profile: no drift");
	mare_drift_column(&p->cols[0], NULL, cur, 2000, 1, MARE_DRIFT_PSI,
	    NAN, &r, NULL);
	is_double(r.stat, 0, 1e-15, "identical vs profile: PSI 0");

	/* shifted by 2 sd */
	for (i = 0; i < 2000; i++)
		cur[i] = ref[i] + 11.5;
	mare_drift_column(&p->cols[0], ref, cur, 2000, 1, MARE_DRIFT_AUTO,
	    NAN, &r, NULL);
	is_int(r.drift, 1, "shifted: drift");
	is_double(r.stat, 11.5 / p->cols[0].sd, 1e-9, "shifted: W1 / sd");
	is_double(r.out_of_range, 0.5755, 1e-12,
	    "shifted: out of range (8.49 + 11.5 > 19.99 in doubles)");
	mare_drift_column(&p->cols[0], NULL, cur, 2000, 1, MARE_DRIFT_AUTO,
	    NAN, &r, NULL);
	is_double(r.stat, 11.5 / p->cols[0].sd, 1e-3,
	    "shifted vs profile: W1 / sd");
	is_int(r.drift, 1, "shifted vs profile: drift");

	/* empty current set */
	mare_drift_column(&p->cols[0], ref, cur, 0, 1, MARE_DRIFT_AUTO, NAN,
	    &r, NULL);
	is_str(r.skipped, "no finite current values", "empty current");
	is_str(mare_drift_test_name(r.test), "none", "empty: not tested");
	mare_profile_free(p);

	/* a constant column and an all-NaN column */
	for (i = 0; i < 100; i++) {
		ref[2 * i] = 3;
		ref[2 * i + 1] = NAN;
		cur[i] = i < 90 ? 3 : 4;
	}
	{
		static const char *const n2[] = { "c", "nan" };

		p = mare_profile_build(ref, 100, 2, n2, NULL);
	}
	mare_drift_column(&p->cols[0], NULL, cur, 100, 1, MARE_DRIFT_AUTO,
	    NAN, &r, NULL);
	is_str(mare_drift_test_name(r.test), "z", "constant: z test");
	is_double(r.pvalue, erfc(fabs((1.0 - 0.9) /
	    sqrt(0.95 * 0.05 * (2.0 / 100))) / M_SQRT2), 1e-12,
	    "constant: z p-value");
	is_int(r.drift, 1, "constant: a new value drifts");
	mare_drift_column(&p->cols[1], NULL, cur, 100, 1, MARE_DRIFT_AUTO,
	    NAN, &r, NULL);
	is_str(r.skipped, "no finite reference values", "all-NaN reference");
	mare_profile_free(p);
}

static void
test_mess(void)
{
	static const char *const names[] = { "a", "b" };
	double rows[202], x[2];
	struct mare_profile *p;
	size_t i, idx[2] = { 0, 1 };

	for (i = 0; i < 101; i++) {
		rows[2 * i] = (double)i;
		rows[2 * i + 1] = (double)(100 - i) / 10;
	}
	p = mare_profile_build(rows, 101, 2, names, NULL);
	x[0] = 50;
	x[1] = 5;
	is_double(mare_drift_mess(p, idx, x, 2), 100, 1e-12, "MESS median");
	x[0] = 10;
	is_double(mare_drift_mess(p, idx, x, 2), 20, 1e-12, "MESS 10th");
	x[0] = 120;
	is_double(mare_drift_mess(p, idx, x, 2), -20, 1e-12, "MESS outside");
	x[0] = NAN;
	x[1] = -1;
	is_double(mare_drift_mess(p, idx, x, 2), -10, 1e-12, "MESS NaN skip");
	mare_profile_free(p);
}

/*
 * The MESS map: hand-worked against raw rows a = 1..10, b = 10..100
 * (f = percentage strictly below x), then every cell of a random stack
 * equal to the per-row MESS of the same cell's values.
 */
static void
test_mess_grid(void)
{
	static const char *const names[] = { "a", "b" };
	static const float av[] = { 5, 0, -9999, 8 }, bv[] = { 50, 100, 3, 30 };
	struct mare_grid_geom geom = { 2, 2, 0, 0, 1, 1, -9999 };
	struct mare_grid_stack st;
	struct mare_grid *a, *b, *m;
	struct mare_profile *p;
	double rows[20], *sorted[2], sa[10], sb[10], x[2];
	size_t i, idx[2] = { 0, 1 }, layer[2] = { 1, 0 }, bad = 0;
	struct mare_rng rng;

	for (i = 0; i < 10; i++) {
		rows[2 * i] = sa[i] = (double)(i + 1);
		rows[2 * i + 1] = sb[i] = (double)(10 * (i + 1));
	}
	sorted[0] = sa;
	sorted[1] = sb;
	p = mare_profile_build(rows, 10, 2, names, NULL);
	mare_grid_stack_init(&st);
	/* stack order b, a: layer[] maps the profile's columns */
	b = mare_grid_new(&geom, "b", NULL);
	a = mare_grid_new(&geom, "a", NULL);
	memcpy(a->cells, av, sizeof(av));
	memcpy(b->cells, bv, sizeof(bv));
	mare_grid_stack_add_take(&st, b, NULL);
	mare_grid_stack_add_take(&st, a, NULL);
	m = mare_drift_mess_grid(p, (const double *const *)sorted, idx, layer,
	    2, &st, NULL);
	is_int(m != NULL, 1, "MESS map built");
	is_double(m->cells[0], 80, 0, "map: a=5 (2 x 40), b=50 (2 x 40)");
	is_double(m->cells[1], (float)(-100.0 / 9), 0,
	    "map: a=0 below the range: 100 (0 - 1) / 9");
	is_double(m->cells[2], -9999, 0, "map: NODATA in a layer");
	is_double(m->cells[3], 40, 0, "map: a=8 (2 x 30), b=30 (2 x 20)");
	is_int(m->geom.has_nodata, 1, "map has NODATA_value");
	mare_grid_free(m);
	mare_grid_stack_release(&st);

	/* 40 x 30 random cells, some NODATA, against the profile */
	geom.ncols = 40;
	geom.nrows = 30;
	mare_rng_init(&rng, 7);
	a = mare_grid_new(&geom, "a", NULL);
	b = mare_grid_new(&geom, "b", NULL);
	for (i = 0; i < 1200; i++) {
		a->cells[i] = (float)(mare_rng_uniform(&rng) * 12 - 1);
		b->cells[i] = (float)(mare_rng_uniform(&rng) * 120 - 10);
		if (i % 17 == 3)
			b->cells[i] = -9999;
	}
	mare_grid_stack_add_take(&st, b, NULL);
	mare_grid_stack_add_take(&st, a, NULL);
	m = mare_drift_mess_grid(p, NULL, idx, layer, 2, &st, NULL);
	for (i = 0; i < 1200; i++) {
		float want;

		if (!mare_grid_stack_valid(&st, i)) {
			bad += m->cells[i] != -9999;
			continue;
		}
		x[0] = st.layers[1]->cells[i];
		x[1] = st.layers[0]->cells[i];
		want = (float)mare_drift_mess(p, idx, x, 2);
		bad += m->cells[i] != want;
	}
	is_int((long)bad, 0, "map cells equal per-row MESS (1200 cells)");
	mare_grid_free(m);
	/* and the same against the raw rows */
	m = mare_drift_mess_grid(p, (const double *const *)sorted, idx, layer,
	    2, &st, NULL);
	for (bad = 0, i = 0; i < 1200; i++) {
		if (!mare_grid_stack_valid(&st, i))
			continue;
		x[0] = st.layers[1]->cells[i];
		x[1] = st.layers[0]->cells[i];
		bad += m->cells[i] != (float)mare_drift_mess_sorted(p,
		    (const double *const *)sorted, idx, x, 2);
	}
	is_int((long)bad, 0, "map cells equal per-row raw MESS");
	mare_grid_free(m);
	mare_grid_stack_release(&st);
	mare_profile_free(p);
}

/* The bucketed MESS equals the plain one bit for bit. */
static void
test_mess_fast(void)
{
	static const char *const names[] = { "a", "b", "c" };
	double *rows, *s[3], x[3], e, *cols[3], *mf, *mg;
	struct mare_profile *p;
	struct mare_drift_mess *f, *g;
	struct mare_rng rng;
	size_t i, j, n = 5000, idx[3] = { 0, 1, 2 }, bad = 0, bad2 = 0;
	size_t bad3 = 0, bad4 = 0, nx = 20000;

	mare_rng_init(&rng, 11);
	rows = malloc(n * 3 * sizeof(*rows));
	for (j = 0; j < 3; j++)
		s[j] = malloc(n * sizeof(double));
	for (i = 0; i < n; i++) {
		rows[3 * i] = s[0][i] = mare_rng_normal(&rng);
		rows[3 * i + 1] = s[1][i] = (double)mare_rng_bounded(&rng, 7);
		rows[3 * i + 2] = s[2][i] = exp(3 * mare_rng_normal(&rng));
	}
	for (j = 0; j < 3; j++)
		mare_drift_sort(s[j], n, NULL);
	p = mare_profile_build(rows, n, 3, names, NULL);
	f = mare_drift_mess_new(p, (const double *const *)s, idx, 3, NULL);
	g = mare_drift_mess_new(p, NULL, idx, 3, NULL);
	for (j = 0; j < 3; j++)
		cols[j] = malloc(nx * sizeof(double));
	mf = malloc(nx * sizeof(double));
	mg = malloc(nx * sizeof(double));
	for (i = 0; i < nx; i++) {
		mf[i] = mg[i] = INFINITY;
		for (j = 0; j < 3; j++) {
			e = mare_rng_uniform(&rng);
			/* reference values themselves, ties and edges too */
			x[j] = e < 0.3 ? s[j][mare_rng_bounded(&rng, n)] :
			    e < 0.35 ? p->cols[j].q[mare_rng_bounded(&rng,
			    MARE_PROFILE_NQ)] : e < 0.37 ? (e < 0.36 ? NAN :
			    -INFINITY) : e < 0.38 ? p->cols[j].max :
			    p->cols[j].min - 1 + (p->cols[j].max -
			    p->cols[j].min + 2) * mare_rng_uniform(&rng);
			cols[j][i] = x[j];
		}
		e = mare_drift_mess_row(f, x);
		bad += memcmp(&e, &(double){ mare_drift_mess_sorted(p,
		    (const double *const *)s, idx, x, 3) }, sizeof(e)) != 0;
		e = mare_drift_mess_row(g, x);
		bad2 += memcmp(&e, &(double){ mare_drift_mess(p, idx, x, 3) },
		    sizeof(e)) != 0;
	}
	is_int((long)bad, 0, "bucketed MESS = exact MESS (raw rows)");
	is_int((long)bad2, 0, "bucketed MESS = exact MESS (profile)");
	/* column by column: the same minimum per row (NaN: INFINITY) */
	for (j = 0; j < 3; j++) {
		mare_drift_mess_column(f, j, cols[j], nx, mf);
		mare_drift_mess_column(g, j, cols[j], nx, mg);
	}
	for (i = 0; i < nx; i++) {
		for (j = 0; j < 3; j++)
			x[j] = cols[j][i];
		e = mare_drift_mess_sorted(p, (const double *const *)s, idx,
		    x, 3);
		bad3 += isnan(e) ? mf[i] != INFINITY :
		    memcmp(&e, &mf[i], sizeof(e)) != 0;
		e = mare_drift_mess(p, idx, x, 3);
		bad4 += isnan(e) ? mg[i] != INFINITY :
		    memcmp(&e, &mg[i], sizeof(e)) != 0;
	}
	is_int((long)bad3, 0, "MESS by column = exact MESS (raw rows)");
	is_int((long)bad4, 0, "MESS by column = exact MESS (profile)");
	for (j = 0; j < 3; j++)
		free(cols[j]);
	free(mf);
	free(mg);
	mare_drift_mess_free(f);
	mare_drift_mess_free(g);
	mare_profile_free(p);
	for (j = 0; j < 3; j++)
		free(s[j]);
	free(rows);
}

/*
 * Many columns at once: the same bits as one by one, on 1 to 5 threads
 * (100,000 and 80,000 values: above the size below which one thread works).
 */
static void
test_many(void)
{
	static const char *const names[] = { "a", "b", "c", "d", "e" };
	enum mare_drift_test tests[5] = { MARE_DRIFT_AUTO, MARE_DRIFT_KS,
	    MARE_DRIFT_PSI, MARE_DRIFT_AUTO, MARE_DRIFT_JS };
	double thr[5] = { NAN, NAN, 0.2, NAN, NAN };
	double *rows, *cols[5], *cur[5], *sorted[5], mean[5], *minv, *mv, v;
	struct mare_profile *p, *q;
	struct mare_drift_mess *ms;
	struct mare_drift_col one, out[5];
	struct mare_drift_set set;
	struct mare_rng rng;
	size_t i, j, n = 20000, nc = 16000, idx[5] = { 0, 1, 2, 3, 4 };
	unsigned t;
	int same;

	mare_rng_init(&rng, 5);
	rows = malloc(n * 5 * sizeof(*rows));
	minv = malloc(nc * sizeof(*minv));
	mv = malloc(nc * sizeof(*mv));
	for (j = 0; j < 5; j++) {
		cols[j] = malloc(n * sizeof(double));
		cur[j] = malloc(nc * sizeof(double));
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < 5; j++) {
			v = j == 3 ? (double)mare_rng_bounded(&rng, 4) :
			    (double)(float)mare_rng_normal(&rng) *
			    (double)(j + 1);
			if (mare_rng_bounded(&rng, 50) == 0)
				v = j == 4 ? INFINITY : NAN;
			rows[5 * i + j] = cols[j][i] = v;
		}
	for (i = 0; i < nc; i++)
		for (j = 0; j < 5; j++)
			cur[j][i] = j == 3 ?
			    (double)mare_rng_bounded(&rng, 5) :
			    mare_rng_bounded(&rng, 40) == 0 ? NAN :
			    0.3 + mare_rng_normal(&rng) * (double)(j + 1);
	p = mare_profile_build(rows, n, 5, names, NULL);
	for (t = 1; t <= 5; t += 2) {
		double *c2[5];

		for (j = 0; j < 5; j++) {
			c2[j] = malloc(n * sizeof(double));
			memcpy(c2[j], cols[j], n * sizeof(double));
		}
		q = mare_drift_reference(c2, n, 5, names, t, NULL);
		same = q != NULL;
		for (j = 0; same && j < 5; j++) {
			struct mare_profile_col a = p->cols[j], b = q->cols[j];

			same = strcmp(a.name, b.name) == 0 && a.n == b.n &&
			    a.nan == b.nan && memcmp(a.q, b.q, sizeof(a.q)) ==
			    0 && a.mean == b.mean && a.sd == b.sd &&
			    a.nbins == b.nbins && memcmp(a.counts, b.counts,
			    sizeof(a.counts)) == 0 && a.distinct == b.distinct;
			for (i = 1; same && i < a.n; i++)
				same = c2[j][i - 1] <= c2[j][i];
		}
		ok(same, "reference on %u thread(s) = mare_profile_build()",
		    t);
		mare_profile_free(q);
		for (j = 0; j < 5; j++) {
			if (t == 1)
				sorted[j] = c2[j];
			else
				free(c2[j]);
		}
	}
	ms = mare_drift_mess_new(p, NULL, idx, 5, NULL);
	set.prof = p;
	set.sorted = (const double *const *)sorted;
	set.idx = idx;
	set.cur = (const double *const *)cur;
	set.ncols = 5;
	set.n = nc;
	set.test = tests;
	set.threshold = thr;
	set.mess = ms;
	for (i = 0; i < nc; i++)
		mv[i] = INFINITY;
	for (j = 0; j < 5; j++)
		mare_drift_mess_column(ms, j, cur[j], nc, mv);
	for (t = 1; t <= 5; t += 2) {
		memset(out, 0, sizeof(out));
		same = mare_drift_columns(&set, t, out, mean, minv, NULL) == 0;
		for (j = 0; same && j < 5; j++) {
			double sum = 0;
			size_t k = 0;

			mare_drift_column(&p->cols[j], sorted[j], cur[j], nc,
			    1, tests[j], thr[j], &one, NULL);
			same = memcmp(&one, &out[j], sizeof(one)) == 0;
			for (i = 0; i < nc; i++)
				if (isfinite(cur[j][i])) {
					sum += cur[j][i];
					k++;
				}
			same = same && mean[j] == sum / (double)k;
		}
		ok(same, "columns on %u thread(s) = mare_drift_column()", t);
		ok(memcmp(minv, mv, nc * sizeof(*mv)) == 0,
		    "MESS on %u thread(s) = column by column", t);
	}
	is_int(out[2].test, MARE_DRIFT_PSI, "the tests asked for");
	is_double(out[2].threshold, 0.2, 0, "and their thresholds");
	mare_drift_mess_free(ms);
	mare_profile_free(p);
	for (j = 0; j < 5; j++) {
		free(cols[j]);
		free(cur[j]);
		free(sorted[j]);
	}
	free(rows);
	free(minv);
	free(mv);
}

int
main(void)
{
	test_psi();
	test_sort();
	test_columns();
	test_mess();
	test_mess_grid();
	test_mess_fast();
	test_many();
	test_scipy();
	return tap_done();
}
