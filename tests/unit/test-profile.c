/*
 * test-profile.c - unit tests of the reference profile
 *
 * Expected values come from numpy 1.24.2 (np.quantile, np.std, np.unique,
 * np.histogram on the same numbers); the script is in the comments.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "tap.h"

/*
 * x = [3.5, 1, 2, nan, 10, 7.25, 2, 4, 8, 9.5, 0.1]; f = finite x
 * f.mean() 4.735, np.std(f) 3.4622283286923756
 * np.quantile(f, np.linspace(0, 1, 101))[[1, 7, 33, 50, 99]]:
 *   0.181 0.667 2.0 3.75 9.955
 * np.unique(np.quantile(f, np.linspace(0, 1, 31))): 28 edges,
 *   0.1 0.37 0.6399999999999999 ...; np.histogram(f, e)[0] below
 */
static const double x1[] = { 3.5, 1, 2, NAN, 10, 7.25, 2, 4, 8, 9.5, 0.1 };
static const unsigned long long counts1[] = { 1, 0, 0, 1, 0, 0, 0, 2, 0, 0,
	1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1 };

static void
test_column(void)
{
	struct mare_profile_col c;
	struct mare_err err;
	size_t k;
	int same = 1;

	mare_err_init(&err);
	memset(&c, 0, sizeof(c));
	is_int(mare_profile_column(x1, 11, 1, &c, &err), 0, "column");
	is_int((long long)c.n, 10, "n");
	is_int((long long)c.nan, 1, "nan");
	is_double(c.mean, 4.735, 0, "mean");
	is_double(c.sd, 3.4622283286923756, 0, "sd (ddof 0)");
	is_double(c.min, 0.1, 0, "min");
	is_double(c.max, 10, 0, "max");
	is_double(c.q[0], 0.1, 0, "q0");
	is_double(c.q[1], 0.181, 0, "q1");
	is_double(c.q[7], 0.667, 0, "q7");
	is_double(c.q[33], 2.0, 0, "q33");
	is_double(c.q[50], 3.75, 0, "q50");
	is_double(c.q[99], 9.955, 0, "q99");
	is_double(c.q[100], 10, 0, "q100");
	is_int((long long)c.nbins, 27, "27 bins after merging ties");
	is_double(c.edges[1], 0.37, 0, "edge 1");
	is_double(c.edges[2], 0.6399999999999999, 0, "edge 2");
	for (k = 0; k < c.nbins; k++)
		same &= c.counts[k] == counts1[k];
	ok(same, "counts as np.histogram");
	is_int((long long)c.distinct, 9, "distinct");
	is_int((long long)c.nlevels, 9, "levels kept");
	is_double(c.levels[2].value, 2, 0, "level 2 value");
	is_int((long long)c.levels[2].count, 2, "level 2 count");
	is_int(c.categorical, 0, "not categorical");
}

static void
test_special(void)
{
	static const double rows[] = {
		/* const, allnan, binary */
		5, NAN, 0,
		5, NAN, 1,
		5, INFINITY, 1,
	};
	static const char *const names[] = { "c", "nan", "bin" };
	struct mare_profile *p;
	struct mare_err err;

	mare_err_init(&err);
	p = mare_profile_build(rows, 3, 3, names, &err);
	ok(p != NULL, "build");
	is_int((long long)p->rows, 3, "rows");
	is_int((long long)p->cols[0].nbins, 1, "constant: one bin");
	is_double(p->cols[0].edges[0], 5, 0, "constant edge 0");
	is_double(p->cols[0].edges[1], 5, 0, "constant edge 1");
	is_int((long long)p->cols[0].counts[0], 3, "constant count");
	is_double(p->cols[0].sd, 0, 0, "constant sd");
	is_int(p->cols[0].categorical, 1, "constant categorical");
	is_int((long long)p->cols[1].n, 0, "all-NaN n");
	is_int((long long)p->cols[1].nan, 3, "all-NaN nan (inf counted)");
	ok(isnan(p->cols[1].mean), "all-NaN mean NaN");
	is_int((long long)p->cols[1].nbins, 0, "all-NaN no bins");
	is_int((long long)p->cols[2].nlevels, 2, "binary levels");
	is_int((long long)p->cols[2].levels[1].count, 2, "binary count of 1");
	is_int(mare_profile_find(p, "bin"), 2, "find");
	is_int(mare_profile_find(p, "zz"), -1, "find missing");
	mare_profile_free(p);

	mare_err_init(&err);
	ok(mare_profile_build(rows, 3, 0, names, &err) == NULL, "no columns");
	is_int(err.code, MARE_E_USAGE, "no columns: usage");
}

static void
test_distinct_cap(void)
{
	double *x = malloc(5000 * sizeof(*x));
	struct mare_profile_col c;
	size_t i;

	for (i = 0; i < 5000; i++)
		x[i] = (double)(i % 2000);
	memset(&c, 0, sizeof(c));
	is_int(mare_profile_column(x, 5000, 1, &c, NULL), 0, "cap column");
	is_int((long long)c.distinct, MARE_PROFILE_DISTINCT_CAP + 1,
	    "distinct capped");
	is_int((long long)c.nlevels, 0, "no levels");
	is_int((long long)c.nbins, 30, "30 bins");
	free(x);
}

static char *
dump(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17));
}

static void
test_json(void)
{
	static const double rows[] = { 1.5, NAN, 2.25, NAN, 0.1, NAN };
	static const char *const names[] = { "a", "b" };
	struct mare_profile *p, *q;
	struct mare_err err;
	json_t *j, *k;
	char *s1, *s2, msg[512];

	mare_err_init(&err);
	p = mare_profile_build(rows, 3, 2, names, &err);
	j = mare_profile_to_json(p);
	ok(j != NULL, "to json");
	s1 = dump(j);
	ok(strncmp(s1, "{\"format\":\"mare-profile\",\"version\":1,"
	    "\"rows\":3,\"columns\":[{\"name\":\"a\",\"n\":3,\"nan\":0,"
	    "\"min\":0.1", 70) == 0, "key order");
	like(s1, "{\"name\":\"b\",\"n\":0,\"nan\":3,\"min\":null,\"max\":null,"
	    "\"mean\":null,\"sd\":null,\"quantiles\":[],\"edges\":[],"
	    "\"counts\":[],\"distinct\":0,\"categorical\":false,"
	    "\"levels\":[]}", "empty column");
	q = mare_profile_from_json(j, "m.json", &err);
	ok(q != NULL, "from json");
	k = mare_profile_to_json(q);
	s2 = dump(k);
	is_str(s2, s1, "round trip");
	free(s1);
	free(s2);
	json_decref(k);
	mare_profile_free(q);

	/* Damage one field at a time. */
	json_real_set(json_array_get(json_object_get(json_array_get(
	    json_object_get(j, "columns"), 0), "quantiles"), 5), 0.0);
	mare_err_init(&err);
	ok(mare_profile_from_json(j, "m.json", &err) == NULL, "bad quantile");
	is_str(mare_err_format(&err, msg, sizeof(msg)),
	    "m.json: profile: columns[0].quantiles[5]: not ascending",
	    "path in message");
	is_int(err.code, MARE_E_DATA, "data error");
	json_decref(j);

	j = mare_profile_to_json(p);
	json_object_set_new(json_array_get(json_object_get(j, "columns"), 0),
	    "counts", json_pack("[i]", 2));
	mare_err_init(&err);
	ok(mare_profile_from_json(j, "m.json", &err) == NULL, "bad counts");
	is_str(mare_err_format(&err, msg, sizeof(msg)),
	    "m.json: profile: columns[0].counts: expected an array of 30 "
	    "counts",
	    "counts message");
	json_decref(j);

	j = mare_profile_to_json(p);
	json_object_set_new(j, "version", json_integer(2));
	mare_err_init(&err);
	ok(mare_profile_from_json(j, "m.json", &err) == NULL, "bad version");
	is_str(mare_err_format(&err, msg, sizeof(msg)),
	    "m.json: profile: version: expected 1", "version message");
	json_decref(j);

	j = mare_profile_to_json(p);
	json_object_set_new(json_array_get(json_object_get(j, "columns"), 1),
	    "name", json_string("a"));
	mare_err_init(&err);
	ok(mare_profile_from_json(j, "m.json", &err) == NULL, "repeated");
	is_str(mare_err_format(&err, msg, sizeof(msg)),
	    "m.json: profile: columns[1].name: \"a\" repeated",
	    "repeated message");
	json_decref(j);
	mare_err_init(&err);
	ok(mare_profile_from_json(json_array_get(NULL, 0), NULL, &err) ==
	    NULL, "not an object");
	is_str(mare_err_format(&err, msg, sizeof(msg)),
	    "<profile>: profile: expected an object", "object message");

	/* The optional prediction column: written last, read back. */
	{
		static const double pred[] = { 0.25, 0.5, 0.75, 1 };

		ok(mare_profile_set_prediction(p, pred, 4, &err) == 0,
		    "set prediction");
		j = mare_profile_to_json(p);
		s1 = dump(j);
		like(s1, "],\"prediction\":{\"name\":\"prediction\","
		    "\"n\":4,\"nan\":0,\"min\":0.25,\"max\":1.0,"
		    "\"mean\":0.625,", "prediction after columns");
		q = mare_profile_from_json(j, "m.json", &err);
		ok(q != NULL && q->prediction != NULL &&
		    q->prediction->n == 4 && q->prediction->max == 1,
		    "prediction read back");
		mare_profile_free(q);
		json_object_set_new(json_object_get(j, "prediction"), "n",
		    json_string("x"));
		mare_err_init(&err);
		ok(mare_profile_from_json(j, "m.json", &err) == NULL,
		    "bad prediction");
		is_str(mare_err_format(&err, msg, sizeof(msg)),
		    "m.json: profile: prediction.n: expected a count (an integer "
		    ">= 0)",
		    "prediction path in message");
		json_decref(j);
		free(s1);
	}
	mare_profile_free(p);
}

/* columns[0] of a profile of 1, 2, 2, 3, 3, 3 with key set to v (NULL:
 * v is the whole column); the message must be "m.json: profile: " msg */
static void
damaged(const char *key, json_t *v, const char *msg)
{
	static const double rows[] = { 1, 2, 2, 3, 3, 3 };
	static const char *const names[] = { "a" };
	struct mare_profile *p;
	struct mare_err err;
	json_t *j, *cols;
	char got[600], want[600];

	mare_err_init(&err);
	p = mare_profile_build(rows, 6, 1, names, &err);
	j = mare_profile_to_json(p);
	cols = json_object_get(j, "columns");
	if (key == NULL)
		json_array_set_new(cols, 0, v);
	else
		json_object_set_new(json_array_get(cols, 0), key, v);
	mare_err_init(&err);
	ok(mare_profile_from_json(j, "m.json", &err) == NULL &&
	    err.code == MARE_E_DATA, "profile: damaged %s is refused",
	    key ? key : "column");
	snprintf(want, sizeof(want), "m.json: profile: %s", msg);
	is_str(mare_err_format(&err, got, sizeof(got)), want,
	    "profile: %s", msg);
	json_decref(j);
	mare_profile_free(p);
}

/* A JSON array of n reals from a step b */
static json_t *
reals(size_t n, double a, double b)
{
	json_t *x = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(x, json_real(a + b * (double)i));
	return x;
}

static void
test_damage(void)
{
	static const double rows[] = { 1, 2, 2, 3, 3, 3 };
	static const char *const names[] = { "a" };
	static const char *const nonames[] = { NULL };
	struct mare_profile *p;
	struct mare_err err;
	json_t *j, *q, *c;
	char got[600];

	/* the base: 6 values, 3 distinct, so a categorical column whose
	 * levels are [1, 1], [2, 2], [3, 3] */
	mare_err_init(&err);
	p = mare_profile_build(rows, 6, 1, names, &err);
	ok(p != NULL && p->cols[0].n == 6 && p->cols[0].distinct == 3 &&
	    p->cols[0].categorical && p->cols[0].nlevels == 3 &&
	    p->cols[0].levels[2].value == 3 && p->cols[0].levels[2].count == 3,
	    "profile: 1, 2, 2, 3, 3, 3 has 3 levels, 3 of them 3s");
	mare_profile_free(p);

	damaged(NULL, json_integer(5), "columns[0]: expected an object");
	damaged("name", json_string(""), "columns[0].name: expected a string "
	    "of 1 to 1024 bytes");
	damaged("min", json_string("x"), "columns[0].min: expected a number");
	damaged("min", json_real(5), "columns[0]: min above max or negative "
	    "sd");
	damaged("sd", json_real(-1), "columns[0]: min above max or negative "
	    "sd");
	damaged("quantiles", json_string("x"), "columns[0].quantiles: "
	    "expected an array");
	damaged("quantiles", reals(2, 1, 1), "columns[0].quantiles: expected "
	    "101 values, found 2");
	/* 101 ascending values from 0.5, not from min 1 */
	damaged("quantiles", reals(101, 0.5, 0.025), "columns[0].quantiles: "
	    "do not run from min to max");
	damaged("edges", reals(32, 1, 0.0625), "columns[0].edges: expected "
	    "at most 31 values, found 32");
	damaged("edges", reals(1, 1, 0), "columns[0].edges: expected at "
	    "least 2 values");
	q = json_pack("[f,f,f,f]", 1.0, 1.0, 2.0, 3.0);
	damaged("edges", q, "columns[0].edges[1]: not ascending");
	damaged("distinct", json_integer(0), "columns[0].distinct: out of "
	    "range");
	damaged("distinct", json_integer(7), "columns[0].distinct: out of "
	    "range");
	damaged("categorical", json_integer(1), "columns[0].categorical: "
	    "expected true or false");
	damaged("levels", json_string("x"), "columns[0].levels: expected an "
	    "array");
	damaged("levels", json_pack("[[i,i]]", 1, 6), "columns[0].levels: "
	    "expected 0 or 3 levels, found 1");
	damaged("levels", json_pack("[[i,i],[i,s],[i,i]]", 1, 1, 2, "x", 3,
	    3), "columns[0].levels[1]: expected [value, count]");
	damaged("levels", json_pack("[[i,i],[i,i],[i,i]]", 1, 1, 2, 0, 3, 3),
	    "columns[0].levels[1]: expected [value, count]");
	damaged("levels", json_pack("[[i,i],[i,i],[i,i]]", 2, 2, 1, 1, 3, 3),
	    "columns[0].levels[1]: not ascending");
	damaged("levels", json_pack("[[i,i],[i,i],[i,i]]", 1, 1, 2, 2, 3, 2),
	    "columns[0].levels: counts do not sum to n");

	/* counts: one negative, then one too many in the first bin */
	mare_err_init(&err);
	p = mare_profile_build(rows, 6, 1, names, &err);
	j = mare_profile_to_json(p);
	c = json_object_get(json_array_get(json_object_get(j, "columns"), 0),
	    "counts");
	json_array_set_new(c, 0, json_integer(-1));
	mare_err_init(&err);
	ok(mare_profile_from_json(j, "m.json", &err) == NULL,
	    "profile: a negative count is refused");
	is_str(mare_err_format(&err, got, sizeof(got)), "m.json: profile: "
	    "columns[0].counts[0]: expected a count (an integer >= 0)",
	    "profile: naming the count");
	json_decref(j);
	j = mare_profile_to_json(p);
	c = json_object_get(json_array_get(json_object_get(j, "columns"), 0),
	    "counts");
	json_array_set_new(c, 0, json_integer(json_integer_value(
	    json_array_get(c, 0)) + 1));
	mare_err_init(&err);
	ok(mare_profile_from_json(j, "m.json", &err) == NULL,
	    "profile: counts over n are refused");
	is_str(mare_err_format(&err, got, sizeof(got)), "m.json: profile: "
	    "columns[0].counts: sum to 7, not n = 6", "profile: giving both");
	json_decref(j);

	/* the top level */
	j = mare_profile_to_json(p);
	json_object_set_new(j, "format", json_string("mare-model"));
	mare_err_init(&err);
	ok(mare_profile_from_json(j, "m.json", &err) == NULL &&
	    strcmp(mare_err_format(&err, got, sizeof(got)), "m.json: "
	    "profile: format: expected \"mare-profile\"") == 0,
	    "profile: another format is refused");
	json_object_set_new(j, "format", json_string("mare-profile"));
	json_object_set_new(j, "rows", json_integer(7));
	mare_err_init(&err);
	ok(mare_profile_from_json(j, "m.json", &err) == NULL &&
	    strcmp(mare_err_format(&err, got, sizeof(got)), "m.json: "
	    "profile: columns[0]: n + nan is not rows") == 0,
	    "profile: 6 + 0 values in 7 rows are refused");
	json_object_set_new(j, "columns", json_array());
	mare_err_init(&err);
	ok(mare_profile_from_json(j, "m.json", &err) == NULL &&
	    strcmp(mare_err_format(&err, got, sizeof(got)), "m.json: "
	    "profile: columns: expected an array of 1 to 100000 columns") ==
	    0, "profile: no columns are refused");
	json_decref(j);
	mare_profile_free(p);

	/* building */
	mare_err_init(&err);
	ok(mare_profile_build(rows, 6, 0, names, &err) == NULL &&
	    err.code == MARE_E_USAGE && strcmp(err.msg, "profile: no "
	    "columns") == 0, "profile: building 0 columns is a usage error");
	mare_err_init(&err);
	ok(mare_profile_build(rows, 6, 1, nonames, &err) == NULL &&
	    err.code == MARE_E_INTERNAL && strcmp(err.msg, "profile: column 0 "
	    "has no name") == 0, "profile: a column without a name is a "
	    "caller's bug (internal)");
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Column j of the profile against one made from the column's finite
 * values sorted by qsort() (the threads sort in their scratch, keys and
 * values sharing it).
 */
static int
same_as_qsort(const struct mare_profile *p, const double *rows, size_t n,
    size_t nc, size_t j)
{
	struct mare_profile_col c;
	double *v;
	size_t i, m = 0;
	int same;

	if ((v = malloc(n * sizeof(*v))) == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (isfinite(rows[i * nc + j]))
			v[m++] = rows[i * nc + j];
	qsort(v, m, sizeof(*v), cmp_double);
	memset(&c, 0, sizeof(c));
	mare_profile_column_sorted(v, m, n - m, &c);
	free(v);
	same = c.n == p->cols[j].n && c.nan == p->cols[j].nan &&
	    c.nbins == p->cols[j].nbins && c.distinct == p->cols[j].distinct &&
	    memcmp(c.q, p->cols[j].q, sizeof(c.q)) == 0 &&
	    memcmp(&c.min, &p->cols[j].min, sizeof(c.min)) == 0 &&
	    memcmp(&c.max, &p->cols[j].max, sizeof(c.max)) == 0 &&
	    memcmp(c.counts, p->cols[j].counts, sizeof(c.counts)) == 0;
	return same;
}

/*
 * Columns on threads: 5000 rows of 4 columns (ties, NaNs, a constant
 * column, one of few levels) give the same profile, as JSON, for 1, 2
 * and 3 threads as mare_profile_build(), and the same order statistics
 * as qsort() (u and t sort as doubles, l as floats).
 */
static void
test_threads(void)
{
	enum { N = 5000, NC = 4 };
	static const char *names[NC] = { "u", "t", "k", "l" };
	static double rows[N * NC];
	char *ref, *got;
	struct mare_profile *p;
	struct mare_err err;
	json_t *j;
	unsigned long r = 7;
	size_t i;
	unsigned t;
	int same = 1;

	for (i = 0; i < N; i++) {
		r = (r * 1103515245UL + 12345UL) & 0x7fffffffUL;
		rows[i * NC] = i % 211 == 0 ? NAN : (double)r / 2147483648.0;
		rows[i * NC + 1] = (double)(r % 1500) / 3.0;
		rows[i * NC + 2] = 2.5;
		rows[i * NC + 3] = i % 53 == 0 ? INFINITY : (double)(r % 7);
	}
	mare_err_init(&err);
	p = mare_profile_build(rows, N, NC, names, &err);
	j = p != NULL ? mare_profile_to_json(p) : NULL;
	ref = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	for (i = 0; p != NULL && i < NC; i++)
		ok(same_as_qsort(p, rows, N, NC, i), "threads: column %s as "
		    "from qsort()", names[i]);
	mare_profile_free(p);
	for (t = 1; t <= 3; t++) {
		p = mare_profile_build_threads(rows, N, NC, names, t, &err);
		j = p != NULL ? mare_profile_to_json(p) : NULL;
		got = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
		same &= ref != NULL && got != NULL && strcmp(ref, got) == 0;
		free(got);
		json_decref(j);
		mare_profile_free(p);
	}
	ok(ref != NULL && same, "threads: 1, 2 and 3 threads give "
	    "mare_profile_build()'s profile");
	free(ref);
}

int
main(void)
{
	test_column();
	test_damage();
	test_special();
	test_distinct_cap();
	test_json();
	test_threads();
	return tap_done();
}
