/*
 * test-featspec.c - the feature spec against hand-computed values, numpy
 * and R maxnet 0.1.4
 *
 * Hand cases: every value of a 4-row, 2-variable spec is worked out in the
 * comments. References: tests/data/features/ref.csv from make_ref.py
 * (numpy, independent of mare), and the knots that maxnet printed into its
 * feature names in tests/data/features/\*_betas.csv (see README.md there).
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "featspec.h"
#include "tap.h"

#define NV	5	/* variables of swd.csv */

static const char *const swd_names[NV] = {
	"SST_present_crop", "salinity_present_crop", "PAR_present_crop",
	"pH_present_crop", "currentspeed_present_crop"
};

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL, *q;
	size_t n = 0, cap = 0, k;

	if (fp == NULL)
		return NULL;
	for (;;) {
		if (n + 1 >= cap) {
			cap = cap ? cap * 2 : 65536;
			if ((q = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = q;
		}
		if ((k = fread(buf + n, 1, cap - n - 1, fp)) == 0)
			break;
		n += k;
	}
	fclose(fp);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

static char *
datapath(const char *name)
{
	static char buf[4096];
	const char *src = getenv("MARE_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/tests/data/features/%s",
	    src ? src : ".", name);
	return buf;
}

/* Split a CSV line in place (fields may be "quoted", no embedded quotes). */
static size_t
split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line, *e;

	while (n < max) {
		if (*p == '"') {
			f[n++] = ++p;
			if ((e = strchr(p, '"')) == NULL)
				break;
			*e = '\0';
			p = e + 1;
		} else {
			f[n++] = p;
			p += strcspn(p, ",\n\r");
		}
		if (*p != ',') {
			*p = '\0';
			break;
		}
		*p++ = '\0';
	}
	return n;
}

/* swd.csv: p,lon,lat,5 variables */
static size_t
load_swd(double **x, int **label)
{
	char *text = slurp(datapath("swd.csv"), NULL), *line, *save, *f[8];
	size_t n = 0, cap = 0, i;

	*x = NULL;
	*label = NULL;
	if (text == NULL)
		return 0;
	line = strtok_r(text, "\n", &save);	/* header */
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		if (split(line, f, 8) != 8)
			break;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			*x = realloc(*x, cap * NV * sizeof(double));
			*label = realloc(*label, cap * sizeof(int));
		}
		(*label)[n] = (int)strtol(f[0], NULL, 10);
		for (i = 0; i < NV; i++)
			(*x)[n * NV + i] = strtod(f[3 + i], NULL);
		n++;
	}
	free(text);
	return n;
}

static long
find_name(const struct mare_featspec *fs, const char *name)
{
	size_t i;

	for (i = 0; i < fs->nfeat; i++)
		if (strcmp(fs->feat[i].name, name) == 0)
			return (long)i;
	return -1;
}

static int
close_rel(double a, double b, double tol)
{
	return fabs(a - b) <= tol * fmax(1, fabs(b));
}

/*
 * A maxnet name found in the spec by its knots: "hinge(v):lo:hi" and
 * "thresholds(v):k" by the numbers (to 1e-9 relative), others by name.
 */
static int
find_by_knots(const struct mare_featspec *fs, const char *name)
{
	char var[256], *p;
	double a, b = 0;
	enum mare_featspec_class cls;
	long v;
	size_t i;
	const struct mare_featspec_feat *f;

	if (strncmp(name, "hinge(", 6) == 0)
		cls = MARE_FEATSPEC_HINGE;
	else if (strncmp(name, "thresholds(", 11) == 0)
		cls = MARE_FEATSPEC_THRESHOLD;
	else
		return find_name(fs, name) >= 0;
	snprintf(var, sizeof(var), "%s", strchr(name, '(') + 1);
	if ((p = strstr(var, "):")) == NULL)
		return 0;
	*p = '\0';
	p += 2;
	a = strtod(p, &p);
	if (cls == MARE_FEATSPEC_HINGE)
		b = strtod(p + 1, NULL);
	if ((v = mare_featspec_var_index(fs, var)) < 0)
		return 0;
	for (i = 0; i < fs->nfeat; i++) {
		f = &fs->feat[i];
		if (f->cls != cls || f->var != (size_t)v)
			continue;
		if (cls == MARE_FEATSPEC_HINGE ? close_rel(f->lo, a, 1e-9) &&
		    close_rel(f->hi, b, 1e-9) : close_rel(f->knot, a, 1e-9))
			return 1;
	}
	return 0;
}

/*
 * The hand case: 4 rows of a and b, labels 1 1 0 0, classes lqpht,
 * 5 knots.
 *
 *   row  a  b  label
 *   r0   0  7  1
 *   r1   3  3  1
 *   r2   2  2  0
 *   r3   6  1  0
 *
 * a in [0, 6]: hinge knots seq(0, 6, length = 5) = 0 1.5 3 4.5 6;
 *   thresholds seq(0, 6, length = 7)[3:6] = 2 3 4 5 (maxnet 0.1.4).
 * b in [1, 7]: hinge knots 1 2.5 4 5.5 7; thresholds 3 4 5 6.
 * Columns: a b I(a^2) I(b^2), 4 left hinges of a (k, 6), 4 right (0, k),
 * the same for b, thresholds of a, of b, then a:b: 29.
 */
static const double hand_x[] = { 0, 7, 3, 3, 2, 2, 6, 1 };
static const int hand_label[] = { 1, 1, 0, 0 };
static const char *const hand_names[] = { "a", "b" };

static const char *const hand_fnames[29] = {
	"a", "b", "I(a^2)", "I(b^2)",
	"hinge(a):0:6", "hinge(a):1.5:6", "hinge(a):3:6", "hinge(a):4.5:6",
	"hinge(a):0:1.5", "hinge(a):0:3", "hinge(a):0:4.5", "hinge(a):0:6",
	"hinge(b):1:7", "hinge(b):2.5:7", "hinge(b):4:7", "hinge(b):5.5:7",
	"hinge(b):1:2.5", "hinge(b):1:4", "hinge(b):1:5.5", "hinge(b):1:7",
	"thresholds(a):2", "thresholds(a):3", "thresholds(a):4",
	"thresholds(a):5",
	"thresholds(b):3", "thresholds(b):4", "thresholds(b):5",
	"thresholds(b):6",
	"a:b"
};

/*
 * r1 (a = 3, b = 3), by hand:
 *   left hinges of a:  (3-0)/6 = 1/2, (3-1.5)/4.5 = 1/3, (3-3)/3 = 0,
 *                      (3-4.5)/1.5 < 0 -> 0
 *   right hinges of a: 3/1.5 > 1 -> 1, 3/3 = 1, 3/4.5 = 2/3, 3/6 = 1/2
 *   left hinges of b:  (3-1)/6 = 1/3, (3-2.5)/4.5 = 1/9, 0, 0
 *   right hinges of b: 2/1.5 -> 1, 2/3, 2/4.5 = 4/9, 2/6 = 1/3
 *   thresholds of a (2 3 4 5): 1 1 0 0 (3 >= 3); of b (3 4 5 6): 1 0 0 0
 *   a:b = 9
 */
static const double hand_r1[29] = {
	3, 3, 9, 9,
	0.5, 1.0 / 3, 0, 0, 1, 1, 2.0 / 3, 0.5,
	1.0 / 3, 1.0 / 9, 0, 0, 1, 2.0 / 3, 4.0 / 9, 1.0 / 3,
	1, 1, 0, 0, 1, 0, 0, 0,
	9
};

/*
 * r0 (a = 0, b = 7): every hinge of a is 0 (x at min), every hinge of b
 * is 1 (x at max); thresholds of a 0 0 0 0, of b 1 1 1 1; a:b = 0.
 */
static const double hand_r0[29] = {
	0, 7, 0, 49,
	0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 0, 0, 1, 1, 1, 1,
	0
};

/*
 * A new row (a = 8, b = 9), outside both ranges. Unclamped: 8 9 64 81,
 * hinges of a: left (8-k)/(6-k) > 1 -> 1; right 8/k > 1 -> 1, same for b;
 * every threshold 1; a:b = 72. Clamped: a -> 6, b -> 7, then 6 7 36 49,
 * hinges all 1, thresholds all 1, a:b = 42 -> clamped to the training
 * range of a:b, [0, 9] (products 0 9 4 6), so 9.
 */
static const double hand_new[2] = { 8, 9 };
static const double hand_new_raw[29] = {
	8, 9, 64, 81,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1,
	72
};
static const double hand_new_clamped[29] = {
	6, 7, 36, 49,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1,
	9
};

static int
same_vec(const double *got, const double *want, size_t n, const char *what)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (got[i] != want[i]) {
			diag("%s: column %zu: got %.17g, want %.17g", what, i,
			    got[i], want[i]);
			return 0;
		}
	return 1;
}

static struct mare_featspec *
fit_hand(const char *classes, enum mare_featspec_thr thr)
{
	struct mare_featspec_opts o;

	memset(&o, 0, sizeof(o));
	o.classes = classes;
	o.nknots = 5;
	o.thr = thr;
	return mare_featspec_fit(hand_x, 4, 2, hand_names, hand_label, &o,
	    NULL);
}

static void
test_hand(void)
{
	struct mare_featspec *fs = fit_hand("lqpht",
	    MARE_FEATSPEC_THR_MAXNET014);
	double out[29], all[4 * 29];
	size_t i, nout;
	int names_ok = 1;

	ok(fs != NULL, "hand: fits");
	if (fs == NULL)
		return;
	is_int((long long)fs->nfeat, 29, "hand: 2 l + 2 q + 16 h + 8 t + 1 p "
	    "features");
	for (i = 0; i < fs->nfeat && i < 29; i++)
		if (strcmp(fs->feat[i].name, hand_fnames[i]) != 0) {
			diag("feature %zu: '%s', want '%s'", i,
			    fs->feat[i].name, hand_fnames[i]);
			names_ok = 0;
		}
	ok(names_ok, "hand: names and order are maxnet's model.matrix()'s");
	is_str(fs->classes, "lqpht", "hand: classes as asked");
	is_int((long long)fs->npresence, 2, "hand: 2 presences");
	is_int((long long)fs->nbackground, 2, "hand: 2 background rows");

	is_int(mare_featspec_apply(fs, hand_x + 2, 0, out, NULL), 0,
	    "hand: r1 is inside the training range");
	ok(same_vec(out, hand_r1, 29, "r1"), "hand: r1 values by hand");
	mare_featspec_apply(fs, hand_x, 0, out, NULL);
	ok(same_vec(out, hand_r0, 29, "r0"), "hand: r0 values by hand");
	mare_featspec_apply(fs, hand_x + 2, MARE_FEATSPEC_CLAMP, out, NULL);
	ok(same_vec(out, hand_r1, 29, "r1 clamped"),
	    "hand: clamping leaves a training row alone");

	is_int(mare_featspec_apply(fs, hand_new, 0, out, NULL), 2,
	    "hand: the new row has 2 variables outside the range");
	ok(same_vec(out, hand_new_raw, 29, "new"),
	    "hand: new row unclamped");
	is_int(mare_featspec_apply(fs, hand_new, MARE_FEATSPEC_CLAMP, out,
	    NULL), 2, "hand: clamping counts the same 2 variables");
	ok(same_vec(out, hand_new_clamped, 29, "new clamped"),
	    "hand: clamped variables, then the product clamped to [0, 9]");

	/*
	 * Statistics of a: 0 3 2 6, mean 11/4, squared deviations
	 * 7.5625 .0625 .5625 10.5625 = 18.75, sd sqrt(18.75/3) = 2.5;
	 * presences 0 3: mean 1.5, sd sqrt(4.5). a:b: 0 9 4 6, mean 4.75,
	 * sd sqrt(42.75/3); presences 0 9: mean 4.5, sd sqrt(40.5).
	 */
	is_double(fs->vars[0].st.mean, 2.75, 0, "hand: mean of a");
	is_double(fs->vars[0].st.sd, 2.5, 0, "hand: sd of a (n - 1)");
	is_double(fs->vars[0].st.pmean, 1.5, 0, "hand: presence mean of a");
	is_double(fs->vars[0].st.psd, sqrt(4.5), 1e-15,
	    "hand: presence sd of a");
	is_double(fs->feat[28].st.min, 0, 0, "hand: a:b min");
	is_double(fs->feat[28].st.max, 9, 0, "hand: a:b max");
	is_double(fs->feat[28].st.mean, 4.75, 0, "hand: a:b mean");
	is_double(fs->feat[28].st.sd, sqrt(42.75 / 3), 1e-15, "hand: a:b sd");
	is_double(fs->feat[28].st.psd, sqrt(40.5), 1e-15,
	    "hand: a:b presence sd");
	/* hinge(a):1.5:6 over rows: 0, 1/3, 1/9, 1 */
	is_double(fs->feat[5].st.mean, (0 + 1.0 / 3 + 1.0 / 9 + 1) / 4,
	    1e-15, "hand: hinge(a):1.5:6 mean");

	nout = 99;
	ok(mare_featspec_apply_rows(fs, hand_x, 4, 0, 1, all, &nout, NULL) == 0 &&
	    nout == 0 && same_vec(all + 29, hand_r1, 29, "rows r1"),
	    "hand: apply_rows counts no row outside on the training rows");
	mare_featspec_free(fs);

	/* thresholds after maxnet issue #15: seq(0, 6, length = 7)[2:6] */
	fs = fit_hand("t", MARE_FEATSPEC_THR_FIXED);
	ok(fs != NULL && fs->nfeat == 10 &&
	    strcmp(fs->feat[0].name, "thresholds(a):1") == 0 &&
	    strcmp(fs->feat[4].name, "thresholds(a):5") == 0 &&
	    strcmp(fs->feat[5].name, "thresholds(b):2") == 0,
	    "hand: the fixed threshold rule gives 5 thresholds 1..5 per "
	    "variable");
	mare_featspec_free(fs);
}

/*
 * Categorical: x (continuous) 1 2 3 4, s (categorical) 2 1 2 5,
 * y (continuous) 4 3 2 1; classes "lp". Columns: x y, then the levels of
 * s (1 2 5), then x:y, as R orders main effects before interactions.
 */
/* Only a spec of linear features in variable order copies rows. */
static void
test_identity(void)
{
	static const double x[] = { 1, 2, 4, 2, 1, 3, 3, 2, 2, 4, 5, 1 };
	static const int label[] = { 1, 1, 0, 0 };
	static const char *const names[] = { "x", "s", "y" };
	static const char *const cat[] = { "s" };
	static const char *const cls[] = { "l", "lq", "h" };
	static const int want[] = { 1, 0, 0 };
	struct mare_featspec_opts o;
	struct mare_featspec *fs;
	double out[3];
	size_t i;

	for (i = 0; i < 3; i++) {
		memset(&o, 0, sizeof(o));
		o.classes = cls[i];
		fs = mare_featspec_fit(x, 4, 3, names, label, &o, NULL);
		ok(fs != NULL && mare_featspec_is_identity(fs) == want[i],
		    "is_identity: '%s' is %d", cls[i], want[i]);
		if (fs != NULL && want[i]) {
			mare_featspec_apply(fs, x + 3, 0, out, NULL);
			ok(memcmp(out, x + 3, sizeof(out)) == 0,
			    "is_identity: a row applies to itself");
		}
		mare_featspec_free(fs);
	}
	memset(&o, 0, sizeof(o));
	o.classes = "l";
	o.categorical = cat;
	o.ncategorical = 1;
	fs = mare_featspec_fit(x, 4, 3, names, label, &o, NULL);
	ok(fs != NULL && !mare_featspec_is_identity(fs),
	    "is_identity: a categorical variable is not");
	mare_featspec_free(fs);
}

static void
test_categorical(void)
{
	static const double x[] = { 1, 2, 4, 2, 1, 3, 3, 2, 2, 4, 5, 1 };
	static const int label[] = { 1, 1, 0, 0 };
	static const char *const names[] = { "x", "s", "y" };
	static const char *const cat[] = { "s" };
	static const char *const want[] = { "x", "y", "categorical(s):1",
	    "categorical(s):2", "categorical(s):5", "x:y" };
	struct mare_featspec_opts o;
	struct mare_featspec *fs;
	struct mare_err err;
	double out[6], row[3] = { 2, 3, 3 };
	size_t i;
	int names_ok = 1;

	memset(&o, 0, sizeof(o));
	o.classes = "lp";
	o.categorical = cat;
	o.ncategorical = 1;
	fs = mare_featspec_fit(x, 4, 3, names, label, &o, NULL);
	ok(fs != NULL && fs->nfeat == 6, "categorical: 6 features");
	if (fs == NULL)
		return;
	for (i = 0; i < 6 && i < fs->nfeat; i++)
		if (strcmp(fs->feat[i].name, want[i]) != 0)
			names_ok = 0;
	ok(names_ok, "categorical: indicators come before products");
	is_int((long long)fs->vars[1].nlevels, 3, "categorical: 3 levels");
	/* row 3: x = 3, s = 2, y = 2 -> 3 2, 0 1 0, 6 */
	mare_featspec_apply(fs, x + 6, 0, out, NULL);
	ok(out[0] == 3 && out[1] == 2 && out[2] == 0 && out[3] == 1 &&
	    out[4] == 0 && out[5] == 6, "categorical: indicator of level 2");
	/* an unseen level: no indicator set, counted as outside */
	is_int(mare_featspec_apply(fs, row, 0, out, NULL), 1,
	    "categorical: an unseen level counts as outside");
	ok(out[2] == 0 && out[3] == 0 && out[4] == 0,
	    "categorical: an unseen level sets no indicator");
	mare_featspec_free(fs);

	mare_err_init(&err);
	{
		static const char *const nope[] = { "depth" };

		o.categorical = nope;
		ok(mare_featspec_fit(x, 4, 3, names, label, &o, &err) ==
		    NULL && err.code == MARE_E_USAGE, "categorical: an "
		    "unknown name is a usage error");
		is_str(err.msg, "categorical variable 'depth' is not among "
		    "the variables", "categorical: the message names it");
	}
}

static void
test_defaults(void)
{
	static const struct { size_t np; const char *want; } t[] = {
		{ 1, "l" }, { 9, "l" }, { 10, "lq" }, { 14, "lq" },
		{ 15, "lqh" }, { 79, "lqh" }, { 80, "lqph" }, { 200, "lqph" }
	};
	const char *names[] = { "v" };
	struct mare_featspec *fs;
	double x[201];
	int label[201];
	size_t i, r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (r = 0; r <= t[i].np; r++) {
			x[r] = (double)r;
			label[r] = r < t[i].np;
		}
		fs = mare_featspec_fit(x, t[i].np + 1, 1, names, label, NULL,
		    NULL);
		ok(fs != NULL && strcmp(fs->classes, t[i].want) == 0 &&
		    strcmp(fs->requested, "default") == 0,
		    "defaults: %zu presences give '%s' (maxnet 0.1.4)",
		    t[i].np, t[i].want);
		mare_featspec_free(fs);
	}
}

static void
test_rnum(void)
{
	static const struct { double d; const char *want; } t[] = {
		{ 100000, "1e+05" }, { 123456, "123456" },
		{ 27.0272387693898, "27.0272387693898" },
		{ 0.000943030211374686, "0.000943030211374686" },
		{ 0.0001, "1e-04" }, { 1e-05, "1e-05" }, { 0.5, "0.5" },
		{ -3.25, "-3.25" }, { 0, "0" },
		{ 1.0 / 3, "0.333333333333333" }, { 1e300, "1e+300" },
		{ 0.1 + 0.2, "0.3" }, { 1234.5, "1234.5" },
		{ 26.605660858765, "26.605660858765" }, { -1e-10, "-1e-10" }
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_str(mare_featspec_rnum(t[i].d, buf, sizeof(buf)), t[i].want,
		    "rnum: %.17g prints as R's as.character()", t[i].d);
}

/* Parse fits.csv: the candidates column of fit name. */
static long
fits_candidates(const char *fit)
{
	char *text = slurp(datapath("fits.csv"), NULL), *line, *save, *f[8];
	long n = -1;

	if (text == NULL)
		return -1;
	line = strtok_r(text, "\n", &save);
	if (line == NULL || split(line, f, 8) != 8 ||
	    strcmp(f[6], "candidates") != 0) {
		free(text);
		return -1;
	}
	while ((line = strtok_r(NULL, "\n", &save)) != NULL)
		if (split(line, f, 8) == 8 && strcmp(f[0], fit) == 0)
			n = strtol(f[6], NULL, 10);
	free(text);
	return n;
}

static void
test_maxnet(const double *x, size_t n, const int *label)
{
	static const struct {
		const char *fit, *classes, *resolved;
		size_t nfeat, nbetas;
	} t[] = {
		{ "default", "default", "lqph", 510, 29 },
		{ "lqh_rm2", "lqh", "lqh", 500, 20 },
		{ "lq_rm1", "lq", "lq", 10, 6 },
	};
	struct mare_featspec_opts o;
	struct mare_featspec *fs;
	char path[64], *text, *line, *save, *f[2];
	size_t i, nb, byname, byknots;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&o, 0, sizeof(o));
		o.classes = t[i].classes;
		fs = mare_featspec_fit(x, n, NV, swd_names, label, &o, NULL);
		ok(fs != NULL, "maxnet %s: fits", t[i].fit);
		if (fs == NULL)
			continue;
		is_str(fs->classes, t[i].resolved, "maxnet %s: classes '%s'",
		    t[i].fit, t[i].resolved);
		is_int((long long)fs->nfeat, t[i].nfeat,
		    "maxnet %s: %zu candidate features", t[i].fit,
		    t[i].nfeat);
		/* fits.csv counts ncol(model.matrix) - 1, see README.md */
		is_int((long long)fs->nfeat - 1, fits_candidates(t[i].fit),
		    "maxnet %s: fits.csv candidates + 1", t[i].fit);

		snprintf(path, sizeof(path), "%s_betas.csv", t[i].fit);
		text = slurp(datapath(path), NULL);
		ok(text != NULL, "maxnet %s: %s read", t[i].fit, path);
		nb = byname = byknots = 0;
		line = text ? strtok_r(text, "\n", &save) : NULL;
		while (line != NULL &&
		    (line = strtok_r(NULL, "\n", &save)) != NULL) {
			if (split(line, f, 2) != 2)
				continue;
			nb++;
			if (find_name(fs, f[0]) >= 0)
				byname++;
			else
				diag("not found by name: %s", f[0]);
			if (find_by_knots(fs, f[0]))
				byknots++;
			else
				diag("not found by knots: %s", f[0]);
		}
		free(text);
		is_int((long long)nb, (long long)t[i].nbetas,
		    "maxnet %s: %zu non-zero betas listed", t[i].fit,
		    t[i].nbetas);
		is_int((long long)byknots, (long long)nb,
		    "maxnet %s: every beta's feature is in the spec, knots "
		    "to 1e-9", t[i].fit);
		is_int((long long)byname, (long long)nb,
		    "maxnet %s: every beta's name is a spec name, "
		    "character for character", t[i].fit);
		mare_featspec_free(fs);
	}
}

static long
find_ref(const struct mare_featspec *fs, char **f)
{
	static const char *const cls[] = { "linear", "quadratic", "product",
	    "hinge", "threshold" };
	const struct mare_featspec_feat *ft;
	long v = mare_featspec_var_index(fs, f[3]), v2 = v;
	double lo = *f[5] ? strtod(f[5], NULL) : 0;
	double hi = *f[6] ? strtod(f[6], NULL) : 0;
	size_t i, c;

	for (c = 0; c < 5; c++)
		if (strcmp(f[2], cls[c]) == 0)
			break;
	if (*f[4])
		v2 = mare_featspec_var_index(fs, f[4]);
	for (i = 0; i < fs->nfeat; i++) {
		ft = &fs->feat[i];
		if ((size_t)ft->cls != c || ft->var != (size_t)v ||
		    ft->var2 != (size_t)v2)
			continue;
		if (ft->cls == MARE_FEATSPEC_HINGE &&
		    !(close_rel(ft->lo, lo, 1e-12) &&
		    close_rel(ft->hi, hi, 1e-12)))
			continue;
		if (ft->cls == MARE_FEATSPEC_THRESHOLD &&
		    !close_rel(ft->knot, lo, 1e-12))
			continue;
		return (long)i;
	}
	return -1;
}

static void
test_numpy(const double *x, size_t n, const int *label)
{
	struct mare_featspec_opts o;
	struct mare_featspec *fs;
	char *text, *nr, *line, *save, *f[8];
	double newrows[3 * NV], *out, maxerr = 0, e;
	const double *raw;
	size_t nref = 0, bad = 0, missing = 0, i, r;
	long k;

	memset(&o, 0, sizeof(o));
	o.classes = "lqpht";
	fs = mare_featspec_fit(x, n, NV, swd_names, label, &o, NULL);
	/* 5 + 5 + 490 hinges + 245 thresholds + 10 products */
	ok(fs != NULL && fs->nfeat == 755, "numpy: lqpht spec has 755 "
	    "features");
	nr = slurp(datapath("newrows.csv"), NULL);
	text = slurp(datapath("ref.csv"), NULL);
	ok(nr != NULL && text != NULL, "numpy: ref.csv and newrows.csv read");
	if (fs == NULL || nr == NULL || text == NULL)
		goto out;
	line = strtok_r(nr, "\n", &save);
	for (r = 0; r < 3 && (line = strtok_r(NULL, "\n", &save)); r++) {
		split(line, f, NV);
		for (i = 0; i < NV; i++)
			newrows[r * NV + i] = strtod(f[i], NULL);
	}
	out = malloc(fs->nfeat * sizeof(double));
	line = strtok_r(text, "\n", &save);
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		if (split(line, f, 8) != 8)
			continue;
		nref++;
		if ((k = find_ref(fs, f)) < 0) {
			missing++;
			diag("no feature for %s %s %s %s", f[2], f[3], f[5],
			    f[6]);
			continue;
		}
		raw = strncmp(f[0], "new", 3) == 0 ?
		    newrows + strtol(f[0] + 3, NULL, 10) * NV :
		    x + strtol(f[0], NULL, 10) * NV;
		mare_featspec_apply(fs, raw, strcmp(f[1], "1") == 0 ?
		    MARE_FEATSPEC_CLAMP : 0, out, NULL);
		e = fabs(out[k] - strtod(f[7], NULL)) /
		    fmax(1, fabs(strtod(f[7], NULL)));
		if (e > maxerr)
			maxerr = e;
		if (e > 1e-12) {
			bad++;
			diag("%s clamp %s %s: got %.17g, want %s", f[0], f[1],
			    fs->feat[k].name, out[k], f[7]);
		}
	}
	free(out);
	is_int((long long)nref, 552, "numpy: 552 reference values");
	is_int((long long)missing, 0, "numpy: every reference feature is in "
	    "the spec (knots to 1e-12)");
	is_int((long long)bad, 0, "numpy: every value agrees to 1e-12 "
	    "(max relative difference %.3g)", maxerr);
out:
	free(nr);
	free(text);
	mare_featspec_free(fs);
}

static void
test_roundtrip(const double *x, size_t n, const int *label)
{
	struct mare_featspec *fs, *fs2, *fs3;
	struct mare_err err;
	char *t1, *t2, *t3, path[4096], hex1[65], hex2[65];
	double *a, *b, *c;
	size_t len1, len2, i;

	fs = mare_featspec_fit(x, n, NV, swd_names, label, NULL, NULL);
	t1 = fs ? mare_featspec_to_json(fs, &len1, NULL) : NULL;
	ok(t1 != NULL, "round trip: the default spec serialises");
	if (t1 == NULL) {
		mare_featspec_free(fs);
		return;
	}
	mare_err_init(&err);
	fs2 = mare_featspec_from_json(t1, len1, "spec.json", &err);
	ok(fs2 != NULL, "round trip: it reads back (%s)", err.msg);
	t2 = fs2 ? mare_featspec_to_json(fs2, &len2, NULL) : NULL;
	ok(t2 != NULL && len1 == len2 && memcmp(t1, t2, len1) == 0,
	    "round trip: write -> read -> write gives identical bytes");

	a = malloc(n * fs->nfeat * sizeof(double));
	b = malloc(n * fs->nfeat * sizeof(double));
	c = malloc(n * fs->nfeat * sizeof(double));
	mare_featspec_apply_rows(fs, x, n, 0, 1, a, NULL, NULL);
	if (fs2 != NULL)
		mare_featspec_apply_rows(fs2, x, n, 0, 1, b, NULL, NULL);
	ok(fs2 != NULL && memcmp(a, b, n * fs->nfeat * sizeof(double)) == 0,
	    "round trip: fit -> write -> read -> apply gives the same bits "
	    "on all %zu rows", n);
	mare_featspec_apply_rows(fs, x, n, MARE_FEATSPEC_CLAMP, 1, c, &i, NULL);
	ok(memcmp(a, c, n * fs->nfeat * sizeof(double)) == 0 && i == 0,
	    "round trip: clamping changes no training row");
	free(a);
	free(b);
	free(c);

	ok(mare_featspec_hash(fs, NULL, hex1, NULL) == 0 && fs2 != NULL &&
	    mare_featspec_hash(fs2, NULL, hex2, NULL) == 0 &&
	    strcmp(hex1, hex2) == 0 && strlen(hex1) == 64,
	    "round trip: the hash survives the round trip");

	snprintf(path, sizeof(path), "%s/spec.json", tap_tmpdir());
	ok(mare_featspec_save(fs, path, NULL) == 0, "save: writes %s",
	    path);
	fs3 = mare_featspec_load(path, NULL);
	t3 = fs3 ? mare_featspec_to_json(fs3, NULL, NULL) : NULL;
	ok(t3 != NULL && strcmp(t1, t3) == 0, "load: reads the same spec");
	free(t3);
	mare_featspec_free(fs3);
	mare_err_init(&err);
	snprintf(path, sizeof(path), "%s/nope.json", tap_tmpdir());
	ok(mare_featspec_load(path, &err) == NULL &&
	    err.code == MARE_E_NOINPUT, "load: a missing file is NOINPUT");

	free(t1);
	free(t2);
	mare_featspec_free(fs);
	mare_featspec_free(fs2);
}

/* Replace the first from in text by to, read it, expect msg. */
static void
bad_spec(const char *text, const char *from, const char *to,
    const char *msg)
{
	struct mare_featspec *fs;
	struct mare_err err;
	const char *p = strstr(text, from);
	char *s;
	size_t n;

	if (p == NULL) {
		ok(0, "malformed: '%s' not in the text", from);
		return;
	}
	n = strlen(text) - strlen(from) + strlen(to);
	s = malloc(n + 1);
	memcpy(s, text, (size_t)(p - text));
	memcpy(s + (p - text), to, strlen(to));
	memcpy(s + (p - text) + strlen(to), p + strlen(from),
	    strlen(p + strlen(from)) + 1);
	mare_err_init(&err);
	fs = mare_featspec_from_json(s, strlen(s), "t.json", &err);
	ok(fs == NULL && err.code == MARE_E_DATA &&
	    strcmp(err.where, "t.json") == 0, "malformed: %s is a data error "
	    "in t.json", msg);
	is_str(err.msg, msg, "malformed: message");
	mare_featspec_free(fs);
	free(s);
}

static void
test_malformed(void)
{
	struct mare_featspec *fs = fit_hand("lqpht",
	    MARE_FEATSPEC_THR_MAXNET014);
	struct mare_err err;
	char *t, hex[65];

	t = mare_featspec_to_json(fs, NULL, NULL);
	/*
	 * Pinned: the SHA-256 of the canonical text of the hand spec, as
	 * sha256sum computed it on the file mare_featspec_save() wrote.
	 * It changes whenever the format does: then bump the version.
	 */
	ok(mare_featspec_hash(fs, NULL, hex, NULL) == 0,
	    "hash: of the hand spec");
	is_str(hex, "b41f7d2dd31e84eacd64371cc89190a"
	    "fd56592a966a1bfe8aeffafe41bcd6ab0",
	    "hash: the hand spec's SHA-256 is pinned");
	like(t, "{\n  \"format\": \"mare-features\",\n  \"version\": 1,\n"
	    "  \"classes_requested\": \"lqpht\",\n  \"classes\": \"lqpht\",\n"
	    "  \"nknots\": 5,\n  \"thresholds\": \"maxnet-0.1.4\",\n"
	    "  \"presences\": 2,\n  \"background\": 2,\n  \"variables\": [\n"
	    "    {\"name\": \"a\", \"type\": \"continuous\", \"min\": 0, "
	    "\"max\": 6, \"mean\": 2.75, \"sd\": 2.5, \"presence_mean\": 1.5, "
	    "\"presence_sd\": 2.1213203435596424},\n",
	    "json: the canonical layout");
	like(t, "    {\"name\": \"hinge(a):1.5:6\", \"class\": \"hinge\", "
	    "\"vars\": [\"a\"], \"knots\": [1.5, 6], \"min\": 0, \"max\": 1, ",
	    "json: a hinge feature");

	bad_spec(t, "\"class\": \"hinge\"", "\"class\": \"spline\"",
	    "$.features[4].class: unknown feature class 'spline'");
	bad_spec(t, "\"knots\": [1.5, 6]", "\"knots\": [1.5, 3, 6]",
	    "$.features[5].knots: expected 2 knots, got 3");
	bad_spec(t, "\"knots\": [1.5, 6]", "\"knots\": [6, 1.5]",
	    "$.features[5].knots: knots must increase");
	bad_spec(t, "\"knots\": [1.5, 6]", "\"knots\": [1.5, \"6\"]",
	    "$.features[5].knots: [1]: expected a number, got a string");
	bad_spec(t, "\"knots\": [1.5, 6]", "\"knots\": [1.25, 6]",
	    "$.features[5].name: expected 'hinge(a):1.25:6' for this feature,"
	    " got 'hinge(a):1.5:6'");
	bad_spec(t, ", \"knots\": [1.5, 6]", "",
	    "$.features[5]: missing key 'knots'");
	bad_spec(t, "\"mean\": 2.75", "\"mean\": null",
	    "$.variables[0].mean: expected a number, got null");
	bad_spec(t, "\"sd\": 2.5", "\"sd\": -2.5",
	    "$.variables[0]: negative standard deviation");
	bad_spec(t, "\"classes\": \"lqpht\"", "\"classes\": \"lqx\"",
	    "$.classes: expected letters in the order 'lqpht', got 'lqx'");
	bad_spec(t, "\"version\": 1", "\"version\": 2",
	    "$.version: unsupported version 2 (this is version 1)");
	bad_spec(t, "\"nknots\": 5", "\"nknots\": 1",
	    "$.nknots: expected 2 to 1000, got 1");
	bad_spec(t, "\"format\": \"mare-features\"", "\"format\": \"npy\"",
	    "$.format: expected 'mare-features', got 'npy'");
	bad_spec(t, "\"thresholds\": \"maxnet-0.1.4\"", "\"thresholds\": 1",
	    "$.thresholds: expected a string, got a number");
	bad_spec(t, "\"vars\": [\"a\", \"b\"]", "\"vars\": [\"a\"]",
	    "$.features[28].vars: expected 2 variable names, got 1");
	bad_spec(t, "\"vars\": [\"a\", \"b\"]", "\"vars\": [\"a\", \"c\"]",
	    "$.features[28].vars: [1]: unknown variable 'c'");
	bad_spec(t, "\"vars\": [\"a\", \"b\"]", "\"vars\": [\"a\", \"a\"]",
	    "$.features[28].vars: a product of 'a' with itself");
	bad_spec(t, "\"name\": \"b\", \"type\": \"continuous\"",
	    "\"name\": \"a\", \"type\": \"continuous\"",
	    "$.variables[1].name: 'a' appears twice");
	bad_spec(t, "\"name\": \"a\", \"type\": \"continuous\"",
	    "\"name\": \"a\", \"type\": \"ordinal\"",
	    "$.variables[0].type: expected 'continuous' or 'categorical', "
	    "got 'ordinal'");
	bad_spec(t, "\"class\": \"linear\",", "\"class\": \"linear\", "
	    "\"knot\": 3,", "$.features[0].knot: not a key of a linear "
	    "feature");
	bad_spec(t, "\"class\": \"linear\",", "\"class\": \"linear\", "
	    "\"colour\": 3,", "$.features[0]: unknown key 'colour'");
	bad_spec(t, "\"presences\": 2", "\"presences\": 0",
	    "$.presences: expected at least 1");
	bad_spec(t, "\"max\": 6,", "\"max\": -1,",
	    "$.variables[0]: min is above max");
	bad_spec(t, "\"vars\": [\"a\"]", "\"vars\": \"a\"",
	    "$.features[0].vars: expected an array, got a string");

	/* syntax errors: line and column from jansson */
	mare_err_init(&err);
	ok(mare_featspec_from_json("{\n  \"format\": ,\n}", 17, "t.json",
	    &err) == NULL && strcmp(err.where, "t.json:2:13") == 0,
	    "malformed: a syntax error gives line and column (%s)",
	    err.where);
	mare_err_init(&err);
	ok(mare_featspec_from_json("{\"format\": 1e999}", 19, "t.json",
	    &err) == NULL && err.code == MARE_E_DATA,
	    "malformed: a number too large for a double is refused");
	is_str(err.msg, "real number overflow near '1e999'",
	    "malformed: overflow message (%s)", err.where);
	mare_err_init(&err);
	ok(mare_featspec_from_json("[1]", 3, "t.json", &err) == NULL,
	    "malformed: an array is not a spec");
	is_str(err.msg, "$: expected an object, got an array",
	    "malformed: message for an array");
	free(t);
	mare_featspec_free(fs);
}

/* Names that need escaping survive the JSON round trip. */
static void
test_escapes(void)
{
	static const char *const names[] = { "sst \"deg C\"", "a\\b\tc" };
	struct mare_featspec *fs, *fs2;
	struct mare_err err;
	char *t1, *t2 = NULL;
	struct mare_featspec_opts o;

	memset(&o, 0, sizeof(o));
	o.classes = "lp";
	fs = mare_featspec_fit(hand_x, 4, 2, names, hand_label, &o, NULL);
	t1 = fs ? mare_featspec_to_json(fs, NULL, NULL) : NULL;
	like(t1 ? t1 : "", "\"name\": \"sst \\\"deg C\\\"\"",
	    "escapes: a quote is escaped");
	like(t1 ? t1 : "", "\"sst \\\"deg C\\\":a\\\\b\\u0009c\"",
	    "escapes: backslash and tab in a product name");
	mare_err_init(&err);
	fs2 = t1 ? mare_featspec_from_json(t1, strlen(t1), "e.json", &err) :
	    NULL;
	t2 = fs2 ? mare_featspec_to_json(fs2, NULL, NULL) : NULL;
	ok(t2 != NULL && strcmp(t1, t2) == 0,
	    "escapes: write -> read -> write is identical (%s)", err.msg);
	free(t1);
	free(t2);
	mare_featspec_free(fs);
	mare_featspec_free(fs2);
}

static void
test_fit_errors(void)
{
	static const char *const names[] = { "a", "b" };
	static const char *const dup[] = { "a", "a" };
	double x[8] = { 0, 7, 3, 3, 2, 2, 6, 1 };
	int label[4] = { 1, 1, 0, 0 }, none[4] = { 0, 0, 0, 0 },
	    two[4] = { 1, 2, 0, 0 };
	struct mare_featspec_opts o;
	struct mare_err err;

	memset(&o, 0, sizeof(o));
	o.classes = "lqz";
	mare_err_init(&err);
	ok(mare_featspec_fit(x, 4, 2, names, label, &o, &err) == NULL &&
	    err.code == MARE_E_USAGE, "fit: a bad class letter is a usage "
	    "error");
	is_str(err.msg, "feature classes 'lqz': expected letters of 'lqpht' "
	    "or 'default'", "fit: bad classes message");

	x[5] = NAN;
	mare_err_init(&err);
	ok(mare_featspec_fit(x, 4, 2, names, label, NULL, &err) == NULL &&
	    err.code == MARE_E_DATA, "fit: NaN is a data error");
	is_str(err.msg, "row 3: 'b': not a finite number",
	    "fit: NaN message names row and variable");
	x[5] = 2;

	mare_err_init(&err);
	ok(mare_featspec_fit(x, 4, 2, names, two, NULL, &err) == NULL,
	    "fit: label 2 is refused");
	is_str(err.msg, "row 2: label 2: expected 0 or 1",
	    "fit: label message");
	mare_err_init(&err);
	ok(mare_featspec_fit(x, 4, 2, names, none, NULL, &err) == NULL,
	    "fit: no presence is refused");
	is_str(err.msg, "no presences (rows with label 1) to fit on",
	    "fit: no presence message");
	mare_err_init(&err);
	ok(mare_featspec_fit(x, 4, 2, dup, label, NULL, &err) == NULL,
	    "fit: a duplicate name is refused");
	is_str(err.msg, "variable 'a' appears twice", "fit: duplicate message");
	o.classes = "lq";
	o.nknots = 1;
	mare_err_init(&err);
	ok(mare_featspec_fit(x, 4, 2, names, label, &o, &err) == NULL &&
	    err.code == MARE_E_USAGE, "fit: 1 knot is a usage error");

	/* a constant variable gets no hinge: classes h give nothing */
	{
		double c[4] = { 5, 5, 5, 5 };
		static const char *const one[] = { "c" };

		o.classes = "h";
		o.nknots = 0;
		mare_err_init(&err);
		ok(mare_featspec_fit(c, 4, 1, one, label, &o, &err) == NULL,
		    "fit: hinges of a constant variable are left out");
		is_str(err.msg, "no features: classes 'h' give none for these "
		    "variables", "fit: no features message");
	}

	/* apply refuses a non-finite value */
	{
		struct mare_featspec *fs = fit_hand("l",
		    MARE_FEATSPEC_THR_MAXNET014);
		double row[2] = { 1, INFINITY }, out[2];

		mare_err_init(&err);
		ok(fs != NULL && mare_featspec_apply(fs, row, 0, out, &err) ==
		    -1, "apply: Inf is refused");
		is_str(err.msg, "'b': not a finite number", "apply: message");
		mare_featspec_free(fs);
	}
}

/* The categorical spec of test_categorical() through its JSON text */
static void
test_categorical_json(void)
{
	static const double x[] = { 1, 2, 4, 2, 1, 3, 3, 2, 2, 4, 5, 1 };
	static const int label[] = { 1, 1, 0, 0 };
	static const char *const names[] = { "x", "s", "y" };
	static const char *const cat[] = { "s" };
	struct mare_featspec_opts o;
	struct mare_featspec *fs, *back;
	struct mare_err err;
	double a[6], b[6], rows[6] = { 1, 2, 3, 4, NAN, 1 };
	char *t, *t2;

	memset(&o, 0, sizeof(o));
	o.classes = "lp";
	o.categorical = cat;
	o.ncategorical = 1;
	fs = mare_featspec_fit(x, 4, 3, names, label, &o, NULL);
	t = mare_featspec_to_json(fs, NULL, NULL);
	/* s is 2 1 2 5: the levels sorted, one indicator each */
	like(t, "{\"name\": \"s\", \"type\": \"categorical\", \"levels\": "
	    "[1, 2, 5], \"min\": 1, \"max\": 5, \"mean\": 2.5, ",
	    "categorical json: the levels of s");
	like(t, "{\"name\": \"categorical(s):2\", \"class\": \"categorical\", "
	    "\"vars\": [\"s\"], \"level\": 2, \"min\": 0, \"max\": 1, "
	    "\"mean\": 0.5, \"sd\": 0.5773502691896257, ",
	    "categorical json: the indicator of level 2 (sd of 1 0 1 0 is "
	    "sqrt(1/3))");
	mare_err_init(&err);
	back = mare_featspec_from_json(t, strlen(t), "t.json", &err);
	ok(back != NULL && back->vars[1].categorical &&
	    back->vars[1].nlevels == 3 && back->vars[1].levels[2] == 5,
	    "categorical json: read back with its 3 levels (%s)", err.msg);
	t2 = back != NULL ? mare_featspec_to_json(back, NULL, NULL) : NULL;
	is_str(t2, t, "categorical json: written again, the same text");
	mare_featspec_apply(fs, x + 6, 0, a, NULL);
	if (back != NULL)
		mare_featspec_apply(back, x + 6, 0, b, NULL);
	ok(back != NULL && memcmp(a, b, sizeof(a)) == 0,
	    "categorical json: the same features");
	free(t2);
	mare_featspec_free(back);

	bad_spec(t, "\"levels\": [1, 2, 5]", "\"levels\": []",
	    "$.variables[1].levels: expected 1 to 1000 levels, got 0");
	bad_spec(t, "\"levels\": [1, 2, 5]", "\"levels\": [1, 2, 2]",
	    "$.variables[1].levels: [2]: levels must increase");
	bad_spec(t, "\"levels\": [1, 2, 5]", "\"levels\": [1, \"2\", 5]",
	    "$.variables[1].levels: [1]: expected a number, got a string");
	bad_spec(t, "{\"name\": \"x\", \"type\": \"continuous\",",
	    "{\"name\": \"x\", \"type\": \"continuous\", \"levels\": [1],",
	    "$.variables[0].levels: only categorical variables have levels");
	bad_spec(t, "\"type\": \"categorical\"", "\"type\": \"ordinal\"",
	    "$.variables[1].type: expected 'continuous' or 'categorical', "
	    "got 'ordinal'");
	bad_spec(t, "{\"name\": \"x\", \"type\"", "{\"name\": \"\", \"type\"",
	    "$.variables[0].name: empty or holds a NUL");
	bad_spec(t, "\"level\": 5", "\"level\": 4",
	    "$.features[4].level: not a level of 's'");

	/* rows: the first bad one is named */
	mare_err_init(&err);
	{
		double out[12];

		is_int(mare_featspec_apply_rows(fs, rows, 2, 0, 1, out, NULL,
		    &err), -1, "apply_rows: a NaN in row 2 fails");
		is_str(err.msg, "row 2: 's': not a finite number",
		    "apply_rows: naming the row and the variable");
	}
	free(t);
	mare_featspec_free(fs);
}

static void
test_fit_more(void)
{
	static const double x2[] = { 1, 2, 3, 4 };
	static const int label2[] = { 1, 0 };
	static const char *const noname[] = { "a", NULL };
	static const char *const badname[] = { "\xff", "b" };
	static const char *const one[] = { "s" };
	struct mare_featspec_opts o;
	struct mare_featspec *fs;
	struct mare_err err;
	unsigned char sha[32];
	char hex[65], two[3], buf[32];
	double *x;
	int *label, i, same = 1;

	mare_err_init(&err);
	ok(mare_featspec_fit(x2, 2, 2, noname, label2, NULL, &err) == NULL &&
	    err.code == MARE_E_DATA && strcmp(err.msg, "variable 2 has no "
	    "name") == 0, "fit: a variable without a name");
	mare_err_init(&err);
	ok(mare_featspec_fit(x2, 2, 2, badname, label2, NULL, &err) == NULL &&
	    err.code == MARE_E_DATA && strcmp(err.msg, "variable 1: name is "
	    "not valid UTF-8") == 0, "fit: a name that is not UTF-8");
	memset(&o, 0, sizeof(o));
	o.thr = (enum mare_featspec_thr)9;
	mare_err_init(&err);
	{
		static const char *const ab[] = { "a", "b" };

		ok(mare_featspec_fit(x2, 2, 2, ab, label2, &o, &err) == NULL &&
		    err.code == MARE_E_USAGE && strcmp(err.msg, "unknown "
		    "threshold rule 9") == 0, "fit: threshold rule 9 is "
		    "unknown");
	}

	/* 1001 distinct values of a categorical variable */
	x = malloc(1001 * sizeof(*x));
	label = calloc(1001, sizeof(*label));
	for (i = 0; i < 1001; i++)
		x[i] = i;
	label[0] = 1;
	memset(&o, 0, sizeof(o));
	o.classes = "l";
	o.categorical = one;
	o.ncategorical = 1;
	mare_err_init(&err);
	ok(mare_featspec_fit(x, 1001, 1, one, label, &o, &err) == NULL &&
	    err.code == MARE_E_DATA && strcmp(err.msg, "categorical variable "
	    "'s' has 1001 levels (at most 1000)") == 0,
	    "fit: 1001 levels are too many");
	free(x);
	free(label);

	is_str(mare_featspec_class_name(MARE_FEATSPEC_LINEAR), "linear",
	    "class name: linear");
	is_str(mare_featspec_class_name(MARE_FEATSPEC_CATEGORICAL),
	    "categorical", "class name: categorical");
	is_str(mare_featspec_class_name((enum mare_featspec_class)99), "?",
	    "class name: out of range is '?'");
	is_str(mare_featspec_rnum(INFINITY, buf, sizeof(buf)), "Inf",
	    "rnum: Inf, as R writes it");
	is_str(mare_featspec_rnum(-INFINITY, buf, sizeof(buf)), "-Inf",
	    "rnum: -Inf");
	is_str(mare_featspec_rnum(NAN, buf, sizeof(buf)), "NaN", "rnum: NaN");

	/* the hash as bytes is the hex digits read two by two */
	fs = fit_hand("lqpht", MARE_FEATSPEC_THR_MAXNET014);
	ok(mare_featspec_hash(fs, sha, hex, NULL) == 0, "hash: bytes and hex");
	for (i = 0; i < 32; i++) {
		memcpy(two, hex + 2 * i, 2);
		two[2] = '\0';
		if (sha[i] != (unsigned char)strtoul(two, NULL, 16))
			same = 0;
	}
	ok(same, "hash: byte i is hex digits 2i and 2i + 1");
	/* a spec text over stdio's buffer goes straight to the device */
	mare_err_init(&err);
	ok(mare_featspec_save(fs, "/dev/full", &err) == -1 &&
	    err.code == MARE_E_IO && err.sys_errno == ENOSPC &&
	    strcmp(err.msg, "/dev/full") == 0, "save: /dev/full is an I/O "
	    "error (ENOSPC) naming it");
	mare_featspec_free(fs);
}

/*
 * mare_featspec_fit_apply() and threads: on swd.csv under five class sets,
 * the spec is the one the column-at-a-time fit of mare 0.1.0 (b03aa98)
 * gave, to the bit (its SHA-256, pinned), for 1, 2 and 3 threads, with or
 * without the design; the design holds the bits of
 * mare_featspec_apply_rows(), or is NULL for the identity spec ("l").
 */
static void
test_fit_apply(const double *x, size_t n, const int *label)
{
	static const struct {
		const char	*classes;
		const char	*sha;
	} c[] = {
		{ "default",
		  "362b97823f8ade9c560f85d7230bb763"
		  "6676b9d7802836a45ef5c5d97e724f45" },
		{ "lqpht",
		  "2559b6726c089f711d0bf76e3529bb68"
		  "a152b9495f0fa184edd6cef3fefb6983" },
		{ "l",
		  "0c6256f70cb49524b274f28ce223ed28"
		  "afa428c231f0f549bc6e8a6a9e53afe3" },
		{ "tq",
		  "22ca424acc385ebc11117fb498f7133a"
		  "2fd6fcde436750795351ad65cbf58f87" },
		{ "h",
		  "e0d466db678af819c8ff6c3649b3cf96"
		  "ea5acf383e4fbd9fb92c7ffeb046cb3a" },
	};
	struct mare_featspec_opts o;
	struct mare_featspec *fs, *fs2;
	struct mare_err err;
	char hex[65], hex2[65];
	double *ref, *d;
	size_t i, t;
	int same, design;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(&o, 0, sizeof(o));
		o.classes = c[i].classes;
		mare_err_init(&err);
		fs = mare_featspec_fit(x, n, NV, swd_names, label, &o, &err);
		ref = fs != NULL ? malloc(n * fs->nfeat * sizeof(double)) :
		    NULL;
		if (ref == NULL || mare_featspec_hash(fs, NULL, hex, NULL) != 0 ||
		    mare_featspec_apply_rows(fs, x, n, 0, 1, ref, NULL,
		    NULL) != 0) {
			ok(0, "fit_apply: %s fits (%s)", c[i].classes,
			    err.msg);
			mare_featspec_free(fs);
			free(ref);
			continue;
		}
		is_str(hex, c[i].sha, "fit: %s: the spec of the column-at-a-"
		    "time fit", c[i].classes);
		for (t = 1; t <= 3; t++) {
			o.threads = (unsigned)t;
			fs2 = mare_featspec_fit_apply(x, n, NV, swd_names,
			    label, &o, &d, &err);
			same = fs2 != NULL && mare_featspec_hash(fs2, NULL,
			    hex2, NULL) == 0 && strcmp(hex, hex2) == 0;
			design = fs2 != NULL && (mare_featspec_is_identity(fs) ?
			    d == NULL : d != NULL && memcmp(d, ref, n *
			    fs->nfeat * sizeof(double)) == 0);
			ok(same && design, "fit_apply: %s on %zu thread(s): "
			    "the same spec, %s", c[i].classes, t,
			    mare_featspec_is_identity(fs) ? "no design "
			    "(identity)" : "the design of apply_rows");
			mare_featspec_free(fs2);
			free(d);
			fs2 = mare_featspec_fit(x, n, NV, swd_names, label,
			    &o, &err);
			ok(fs2 != NULL && mare_featspec_hash(fs2, NULL, hex2,
			    NULL) == 0 && strcmp(hex, hex2) == 0,
			    "fit: %s on %zu thread(s): the same spec",
			    c[i].classes, t);
			mare_featspec_free(fs2);
		}
		mare_featspec_free(fs);
		free(ref);
	}
}

/*
 * apply_rows on threads: the default spec of swd.csv applied (clamped,
 * to the rows shifted so that some leave the training ranges) on 1, 2
 * and 3 threads gives the same bits and the same count of rows outside;
 * with NaN in rows 1501 and 3001 (different blocks) the error names row
 * 1501 on any thread count.
 */
static void
test_apply_rows_threads(const double *x, size_t n, const int *label)
{
	struct mare_featspec_opts o;
	struct mare_featspec *fs;
	struct mare_err err;
	double *xs, *out[3] = { NULL, NULL, NULL };
	size_t i, t, nout[3] = { 0, 0, 0 };
	int rc = 0;

	memset(&o, 0, sizeof(o));
	o.classes = "default";
	mare_err_init(&err);
	fs = mare_featspec_fit(x, n, NV, swd_names, label, &o, &err);
	xs = malloc(n * NV * sizeof(double));
	if (fs == NULL || xs == NULL) {
		ok(0, "apply_rows threads: a default spec (%s)", err.msg);
		goto done;
	}
	for (i = 0; i < n * NV; i++)
		xs[i] = x[i] * (i % 7 == 0 ? 1.5 : 1.0);
	for (t = 0; t < 3; t++) {
		out[t] = malloc(n * fs->nfeat * sizeof(double));
		rc |= out[t] == NULL || mare_featspec_apply_rows(fs, xs, n,
		    MARE_FEATSPEC_CLAMP, (unsigned)t + 1, out[t], &nout[t],
		    &err) != 0;
	}
	ok(rc == 0 && nout[0] > 0 && nout[0] < n &&
	    nout[1] == nout[0] && nout[2] == nout[0] &&
	    memcmp(out[0], out[1], n * fs->nfeat * sizeof(double)) == 0 &&
	    memcmp(out[0], out[2], n * fs->nfeat * sizeof(double)) == 0,
	    "apply_rows threads: 1, 2, 3 threads, the same bits, %zu rows "
	    "outside", nout[0]);
	xs[1500 * NV + 2] = NAN;
	xs[3000 * NV] = NAN;
	for (t = 1; t <= 3; t += 2) {
		mare_err_init(&err);
		ok(out[0] != NULL && mare_featspec_apply_rows(fs, xs, n, 0,
		    (unsigned)t, out[0], NULL, &err) == -1 &&
		    strncmp(err.msg, "row 1501: ", 10) == 0,
		    "apply_rows threads: %zu thread(s), the first bad row: %s",
		    t, err.msg);
	}
done:
	for (t = 0; t < 3; t++)
		free(out[t]);
	free(xs);
	mare_featspec_free(fs);
}

/*
 * fit_apply with a categorical variable: the indicators and the stats as
 * mare_featspec_fit() and mare_featspec_apply_rows() give them.
 */
static void
test_fit_apply_categorical(void)
{
	static const char *const names[3] = { "a", "c", "b" };
	static const char *const cat[1] = { "c" };
	double x[60 * 3], *ref, *d;
	int label[60];
	struct mare_featspec_opts o;
	struct mare_featspec *fs, *fs2;
	char *t1, *t2;
	size_t r;

	for (r = 0; r < 60; r++) {
		x[r * 3] = (double)((r * 7) % 23) / 4.0;
		x[r * 3 + 1] = (double)(r % 4) * 10.0;
		x[r * 3 + 2] = -(double)((r * 11) % 17);
		label[r] = r % 5 == 0;
	}
	memset(&o, 0, sizeof(o));
	o.classes = "lqph";
	o.categorical = cat;
	o.ncategorical = 1;
	fs = mare_featspec_fit(x, 60, 3, names, label, &o, NULL);
	o.threads = 2;
	fs2 = mare_featspec_fit_apply(x, 60, 3, names, label, &o, &d, NULL);
	ref = fs != NULL ? malloc(60 * fs->nfeat * sizeof(double)) : NULL;
	t1 = fs != NULL ? mare_featspec_to_json(fs, NULL, NULL) : NULL;
	t2 = fs2 != NULL ? mare_featspec_to_json(fs2, NULL, NULL) : NULL;
	ok(ref != NULL && d != NULL && t1 != NULL && t2 != NULL &&
	    strcmp(t1, t2) == 0 && mare_featspec_apply_rows(fs, x, 60, 0, 1, ref,
	    NULL, NULL) == 0 && memcmp(ref, d, 60 * fs->nfeat *
	    sizeof(double)) == 0 && fs->nfeat > 4 &&
	    fs->feat[fs->nfeat - 4].cls == MARE_FEATSPEC_CATEGORICAL,
	    "fit_apply: a categorical variable: the same spec and design");
	free(t1);
	free(t2);
	free(ref);
	free(d);
	mare_featspec_free(fs);
	mare_featspec_free(fs2);
}

/*
 * The numbers of the canonical text: each is the shortest of %.15g, %.16g
 * and %.17g that reads back to the same bits (the reference, computed
 * here). 1000 levels of a categorical variable with random bits (normal
 * and subnormal, exponents -320 to 200) and chosen edges, written by
 * to_json and compared one by one.
 */
static void
ref_num(double d, char *buf, size_t size)
{
	int prec;

	if (d == 0) {
		snprintf(buf, size, signbit(d) ? "-0.0" : "0");
		return;
	}
	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, size, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
	snprintf(buf, size, "%.17g", d);
}

static void
test_numbers(void)
{
	enum { NL = 1000 };
	static const double edge[] = { 1e15, 1e16, 1e-5, 1e-4, 0.0001234,
	    123456789012345.0, 1234567890123456.0, 12345678901234568.0,
	    0.30000000000000004, 5e-324, 2.2250738585072014e-308, 1e22,
	    1e23, 9.999999999999999e22, 0.1, 100.0, -0.0, -1.5e300,
	    999999999999999.9, 0.5, 7.0 };
	static const char *const names[1] = { "c" };
	static const char *const cat[1] = { "c" };
	static double x[NL];
	int label[NL];
	struct mare_featspec_opts o;
	struct mare_featspec *fs;
	char *t, *p, *e, want[40];
	uint64_t r = 0x9e3779b97f4a7c15ULL, bits;
	size_t i, bad = 0;

	for (i = 0; i < NL; i++) {
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		bits = (r & 0x800fffffffffffffULL) |
		    ((uint64_t)((r >> 20) % 1731) << 52);	/* e-1023..707 */
		memcpy(&x[i], &bits, sizeof(x[i]));
		if (i < sizeof(edge) / sizeof(edge[0]))
			x[i] = edge[i];
		label[i] = i % 2;
	}
	memset(&o, 0, sizeof(o));
	o.classes = "l";
	o.categorical = cat;
	o.ncategorical = 1;
	fs = mare_featspec_fit(x, NL, 1, names, label, &o, NULL);
	t = fs != NULL ? mare_featspec_to_json(fs, NULL, NULL) : NULL;
	p = t != NULL ? strstr(t, "\"levels\": [") : NULL;
	if (p == NULL || fs->vars[0].nlevels < NL / 2) {
		ok(0, "numbers: 1000 random levels fit and serialise");
		goto out;
	}
	p += strlen("\"levels\": [");
	for (i = 0; i < fs->vars[0].nlevels; i++) {
		ref_num(fs->vars[0].levels[i], want, sizeof(want));
		e = p + strcspn(p, ",]");
		if ((size_t)(e - p) != strlen(want) ||
		    strncmp(p, want, strlen(want)) != 0) {
			if (bad++ == 0)
				diag("level %zu: %.*s, want %s", i,
				    (int)(e - p), p, want);
		}
		p = e + (*e == ',' ? 2 : 0);
	}
	ok(bad == 0, "numbers: %zu levels (random bits, subnormals, edges) "
	    "written as the shortest %%.15g/16g/17g", fs->vars[0].nlevels);
out:
	free(t);
	mare_featspec_free(fs);
}

int
main(void)
{
	double *x;
	int *label;
	size_t n;

	test_rnum();
	test_hand();
	test_categorical();
	test_identity();
	test_defaults();
	test_fit_errors();
	test_escapes();
	test_malformed();
	test_categorical_json();
	test_fit_more();
	test_fit_apply_categorical();
	test_numbers();

	n = load_swd(&x, &label);
	is_int((long long)n, 8789, "swd.csv: 8789 rows");
	if (n == 8789) {
		test_maxnet(x, n, label);
		test_numpy(x, n, label);
		test_roundtrip(x, n, label);
		test_fit_apply(x, n, label);
		test_apply_rows_threads(x, n, label);
	}
	free(x);
	free(label);
	return tap_done();
}
