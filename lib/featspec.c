/*
 * featspec.c - the feature spec: MaxEnt feature classes, fitted once and
 * applied everywhere
 *
 * One function computes a feature from raw values (feat_value()); fitting,
 * applying and the statistics all go through it, so a feature has one
 * definition. Knots are computed once at fit time, with the same floating
 * point operations as R's seq(), and stored exactly; nothing downstream
 * recomputes them. The JSON text is written by hand rather than by
 * jansson's dumper so that its layout and number format are fixed (the
 * spec's hash depends on them); it is read back with jansson, whose strtod
 * gives back the same bits for the shortest round-trip digits written here.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "featspec.h"
#include "io.h"
#include "jsonl.h"
#include "mem.h"
#include "par.h"
#include "prov.h"

#define CLASS_LETTERS	"lqpht"
#define MAX_FEATURES	(50UL * 1000 * 1000)

static const char *const class_names[] = {
	"linear", "quadratic", "product", "hinge", "threshold", "categorical"
};

static const char *const thr_names[] = { "maxnet-0.1.4", "maxnet-fixed" };

/* Numbers */

char *
mare_featspec_rnum(double d, char *buf, size_t size)
{
	char m[48], *e;
	long k;
	int neg, nsig, rgt, wf, ws;

	if (d == 0 || !isfinite(d)) {
		snprintf(buf, size, d == 0 ? "0" : isnan(d) ? "NaN" :
		    d > 0 ? "Inf" : "-Inf");
		return buf;
	}
	/* 15 significant digits: "-d.dddddddddddddde+XX" */
	snprintf(m, sizeof(m), "%.14e", d);
	neg = m[0] == '-';
	e = strchr(m, 'e');
	k = strtol(e + 1, NULL, 10);
	for (nsig = 15; nsig > 1; nsig--)
		if (m[neg + nsig] != '0')	/* digit nsig sits at +1 */
			break;
	/* R's formatReal(): fixed unless wider than scientific */
	rgt = nsig - (int)k - 1;
	if (rgt < 0)
		rgt = 0;
	wf = neg + (k >= 0 ? (int)k + 1 : 1) + (rgt > 0 ? rgt + 1 : 0);
	ws = neg + (nsig > 1 ? nsig : 0) + 5 + (k >= 100 || k <= -100);
	if (wf <= ws)
		snprintf(buf, size, "%.*f", rgt, d);
	else
		snprintf(buf, size, "%.*e", nsig - 1, d);
	return buf;
}

/*
 * The shortest of %.15g, %.16g and %.17g that reads back to the same bits.
 * -0 is written "-0.0" so that JSON readers take it as a real, not the
 * integer 0. For a normal d the digits come from mare_jsonl_digits() (the
 * same digits at the same precision, without printing three times) and
 * are laid out as %g lays them out at that precision, at least 15.
 */
static void
dtoa(double d, char *buf, size_t size)
{
	char dig[17];
	int prec, n, x;

	if (d == 0) {
		snprintf(buf, size, signbit(d) ? "-0.0" : "0");
		return;
	}
	if (!isnormal(d) || size < MARE_JSONL_DTOA_SIZE) {
		for (prec = 15; prec < 17; prec++) {
			snprintf(buf, size, "%.*g", prec, d);
			if (strtod(buf, NULL) == d)
				return;
		}
		snprintf(buf, size, "%.17g", d);
		return;
	}
	n = mare_jsonl_digits(fabs(d), dig, &x);
	(void)mare_jsonl_lay_out(buf, size, d < 0, dig, n, x, n > 15 ? n : 15,
	    0);
}

/* Names */

/* maxnet's column name of feature f; NULL when out of memory. */
static char *
feat_name(const struct mare_featspec *fs, const struct mare_featspec_feat *f)
{
	const char *v = fs->vars[f->var].name;
	char a[32], b[32], *s;
	size_t n;

	n = strlen(v) + strlen(fs->vars[f->var2].name) + 80;
	if ((s = malloc(n)) == NULL)
		return NULL;
	switch (f->cls) {
	case MARE_FEATSPEC_LINEAR:
		snprintf(s, n, "%s", v);
		break;
	case MARE_FEATSPEC_QUADRATIC:
		snprintf(s, n, "I(%s^2)", v);
		break;
	case MARE_FEATSPEC_PRODUCT:
		snprintf(s, n, "%s:%s", v, fs->vars[f->var2].name);
		break;
	case MARE_FEATSPEC_HINGE:
		snprintf(s, n, "hinge(%s):%s:%s", v,
		    mare_featspec_rnum(f->lo, a, sizeof(a)),
		    mare_featspec_rnum(f->hi, b, sizeof(b)));
		break;
	case MARE_FEATSPEC_THRESHOLD:
		snprintf(s, n, "thresholds(%s):%s", v,
		    mare_featspec_rnum(f->knot, a, sizeof(a)));
		break;
	case MARE_FEATSPEC_CATEGORICAL:
		snprintf(s, n, "categorical(%s):%s", v,
		    mare_featspec_rnum(f->knot, a, sizeof(a)));
		break;
	}
	return s;
}

const char *
mare_featspec_class_name(enum mare_featspec_class cls)
{
	if ((unsigned)cls >= sizeof(class_names) / sizeof(class_names[0]))
		return "?";
	return class_names[cls];
}

/*
 * Parse a classes string ("default", NULL, or letters of "lqpht" in any
 * order) into its canonical form; "" for default. -1 on a bad letter.
 */
static int
parse_classes(const char *s, char *out, size_t size)
{
	const char *p;
	size_t n = 0;

	out[0] = '\0';
	if (s == NULL || strcmp(s, "default") == 0)
		return 0;
	if (*s == '\0')
		return -1;
	for (p = s; *p != '\0'; p++)
		if (strchr(CLASS_LETTERS, *p) == NULL)
			return -1;
	for (p = CLASS_LETTERS; *p != '\0' && n + 1 < size; p++)
		if (strchr(s, *p) != NULL)
			out[n++] = *p;
	out[n] = '\0';
	return 0;
}

/* maxnet.formula()'s default classes for np presences (maxnet 0.1.4). */
static const char *
default_classes(size_t np)
{
	if (np < 10)
		return "l";
	if (np < 15)
		return "lq";
	if (np < 80)
		return "lqh";
	return "lqph";
}

/* Lifecycle */

void
mare_featspec_free(struct mare_featspec *fs)
{
	size_t i;

	if (fs == NULL)
		return;
	for (i = 0; i < fs->nvars; i++) {
		free(fs->vars[i].name);
		free(fs->vars[i].levels);
	}
	for (i = 0; i < fs->nfeat; i++)
		free(fs->feat[i].name);
	free(fs->vars);
	free(fs->feat);
	free(fs);
}

/* Applying */

static int
has_level(const struct mare_featspec_var *v, double x)
{
	size_t lo = 0, hi = v->nlevels, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v->levels[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->nlevels && v->levels[lo] == x;
}

/* Raw value of variable i, clamped to its training range when asked. */
static inline double
var_value(const struct mare_featspec *fs, size_t i, const double *raw,
    int clamp)
{
	const struct mare_featspec_var *v = &fs->vars[i];
	double x = raw[i];

	if (clamp && !v->categorical) {
		if (x < v->st.min)
			x = v->st.min;
		if (x > v->st.max)
			x = v->st.max;
	}
	return x;
}

/* The one definition of every feature (maxnet's hingeval() etc.). */
static inline double
feat_value(const struct mare_featspec *fs, const struct mare_featspec_feat *f,
    const double *raw, int clamp)
{
	double x = var_value(fs, f->var, raw, clamp), t;

	switch (f->cls) {
	case MARE_FEATSPEC_LINEAR:
		return x;
	case MARE_FEATSPEC_QUADRATIC:
		return x * x;
	case MARE_FEATSPEC_PRODUCT:
		return x * var_value(fs, f->var2, raw, clamp);
	case MARE_FEATSPEC_HINGE:
		t = (x - f->lo) / (f->hi - f->lo);
		return t < 0 ? 0 : t > 1 ? 1 : t;
	case MARE_FEATSPEC_THRESHOLD:
		return x >= f->knot ? 1 : 0;
	case MARE_FEATSPEC_CATEGORICAL:
		return x == f->knot ? 1 : 0;
	}
	return 0;
}

/* Check the raw row; the number of variables outside, or -1. */
static int
check_raw(const struct mare_featspec *fs, const double *raw,
    struct mare_err *err)
{
	const struct mare_featspec_var *v;
	int outside = 0;
	size_t i;

	for (i = 0; i < fs->nvars; i++) {
		v = &fs->vars[i];
		if (!isfinite(raw[i]))
			return mare_err_set(err, MARE_E_DATA,
			    "'%s': not a finite number", v->name);
		if (v->categorical ? !has_level(v, raw[i]) :
		    raw[i] < v->st.min || raw[i] > v->st.max)
			outside++;
	}
	return outside;
}

/* Feature i of a checked raw row, clamped when asked. */
static inline double
feat_final(const struct mare_featspec *fs, size_t i, const double *raw,
    int clamp)
{
	double y = feat_value(fs, &fs->feat[i], raw, clamp);

	if (clamp) {
		if (y < fs->feat[i].st.min)
			y = fs->feat[i].st.min;
		if (y > fs->feat[i].st.max)
			y = fs->feat[i].st.max;
	}
	return y;
}

int
mare_featspec_apply(const struct mare_featspec *fs, const double *raw,
    unsigned flags, double *out, struct mare_err *err)
{
	int clamp = (flags & MARE_FEATSPEC_CLAMP) != 0, outside;
	size_t i;

	if ((outside = check_raw(fs, raw, err)) < 0)
		return -1;
	for (i = 0; i < fs->nfeat; i++)
		out[i] = feat_final(fs, i, raw, clamp);
	return outside;
}

int
mare_featspec_apply_some(const struct mare_featspec *fs, const double *raw,
    unsigned flags, const size_t *idx, size_t n, double *out,
    struct mare_err *err)
{
	int clamp = (flags & MARE_FEATSPEC_CLAMP) != 0, outside;
	size_t k;

	if ((outside = check_raw(fs, raw, err)) < 0)
		return -1;
	for (k = 0; k < n; k++)
		out[k] = feat_final(fs, idx[k], raw, clamp);
	return outside;
}

#define APPLY_ROWS	1024	/* mare_featspec_apply_rows(): a block */

/* mare_featspec_apply_rows()'s blocks on threads. */
struct apply_job {
	const struct mare_featspec *fs;
	const double	*raw;
	double		*out;
	size_t		 nrows;
	unsigned	 flags;
	size_t		*bad;	/* per block: its first bad row, or SIZE_MAX */
	size_t		*nout;	/* per block: rows outside the ranges */
};

/*
 * Block b's rows; -1 at a bad row, which stops the blocks not started
 * yet: blocks start in order, so every block before it runs, and the
 * first bad row of all is the least of the blocks'.
 */
static int
apply_block(void *arg, size_t b, size_t thread)
{
	const struct apply_job *j = arg;
	size_t r, r1 = (b + 1) * APPLY_ROWS;
	int k;

	(void)thread;
	if (r1 > j->nrows)
		r1 = j->nrows;
	for (r = b * APPLY_ROWS; r < r1; r++) {
		k = mare_featspec_apply(j->fs, j->raw + r * j->fs->nvars,
		    j->flags, j->out + r * j->fs->nfeat, NULL);
		if (k < 0) {
			j->bad[b] = r;
			return -1;
		}
		j->nout[b] += k > 0;
	}
	return 0;
}

int
mare_featspec_apply_rows(const struct mare_featspec *fs, const double *raw,
    size_t nrows, unsigned flags, unsigned threads, double *out,
    size_t *noutside, struct mare_err *err)
{
	struct apply_job j = { fs, raw, out, nrows, flags, NULL, NULL };
	char m[sizeof(err->msg)];
	size_t b, nb = (nrows + APPLY_ROWS - 1) / APPLY_ROWS, bad = SIZE_MAX;
	size_t n = 0;

	if ((j.bad = calloc(nb ? 2 * nb : 1, sizeof(size_t))) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	j.nout = j.bad + nb;
	for (b = 0; b < nb; b++)
		j.bad[b] = SIZE_MAX;	/* none yet, or never started; nout: 0 */
	(void)mare_par_for(nb, threads, apply_block, &j);
	for (b = 0; b < nb; b++) {
		bad = j.bad[b] < bad ? j.bad[b] : bad;
		n += j.nout[b];
	}
	free(j.bad);
	if (bad != SIZE_MAX) {
		/* the row again, for its message */
		(void)mare_featspec_apply(fs, raw + bad * fs->nvars, flags,
		    out + bad * fs->nfeat, err);
		if (err != NULL) {
			snprintf(m, sizeof(m), "row %zu: %.480s", bad + 1,
			    err->msg);
			snprintf(err->msg, sizeof(err->msg), "%s", m);
		}
		return -1;
	}
	if (noutside != NULL)
		*noutside = n;
	return 0;
}

int
mare_featspec_is_identity(const struct mare_featspec *fs)
{
	size_t k;

	if (fs->nfeat != fs->nvars)
		return 0;
	for (k = 0; k < fs->nfeat; k++)
		if (fs->feat[k].cls != MARE_FEATSPEC_LINEAR ||
		    fs->feat[k].var != k || fs->vars[k].categorical)
			return 0;
	return 1;
}

long
mare_featspec_var_index(const struct mare_featspec *fs, const char *name)
{
	size_t i;

	for (i = 0; i < fs->nvars; i++)
		if (fs->vars[i].name != NULL &&
		    strcmp(fs->vars[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* Fitting */

/*
 * Running sums of one column for mean and sd, in two passes. Plain doubles
 * with Neumaier's compensation, not long double: long double differs
 * between platforms (and under valgrind), and the statistics, which go into
 * the spec and its hash, must have the same bits everywhere.
 */
struct ksum {
	double	s, c;
};

/*
 * The statistics of w columns, fed a row at a time: pass 1 (range, sums)
 * gives the means, pass 2 the squared deviations from them. Each column's
 * sums run over the rows in the order they are fed, the presences' over
 * theirs; the columns' arrays sit side by side, so that their chains of
 * dependent additions interleave rather than run one after the other.
 */
struct colstats {
	size_t		 w;
	double		*min, *max;
	struct ksum	*sum, *psum;	/* pass 1 */
	struct ksum	*ss, *pss;	/* pass 2 */
	struct mare_featspec_stats *st;	/* w results */
};

static void
ksum_add(struct ksum *k, double x)
{
	double t = k->s + x, a = (k->s - t) + x, b = (x - t) + k->s;

	/* both terms and a select, not a branch: loops of it vectorize */
	k->c += fabs(k->s) >= fabs(x) ? a : b;
	k->s = t;
}

static double
ksum_value(const struct ksum *k)
{
	return k->s + k->c;
}

static int
colstats_init(struct colstats *c, size_t w)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->w = w;
	c->min = malloc((w ? w : 1) * sizeof(double));
	c->max = malloc((w ? w : 1) * sizeof(double));
	c->sum = calloc(4 * (w ? w : 1), sizeof(struct ksum));
	c->st = calloc(w ? w : 1, sizeof(*c->st));
	if (c->min == NULL || c->max == NULL || c->sum == NULL ||
	    c->st == NULL)
		return -1;
	c->psum = c->sum + w;
	c->ss = c->psum + w;
	c->pss = c->ss + w;
	for (i = 0; i < w; i++) {
		c->min[i] = INFINITY;
		c->max[i] = -INFINITY;
	}
	return 0;
}

static void
colstats_release(struct colstats *c)
{
	free(c->min);
	free(c->max);
	free(c->sum);
	free(c->st);
}

static void
colstats_add1(struct colstats *c, const double *row, int pres)
{
	size_t i;

	for (i = 0; i < c->w; i++) {
		c->min[i] = row[i] < c->min[i] ? row[i] : c->min[i];
		c->max[i] = row[i] > c->max[i] ? row[i] : c->max[i];
		ksum_add(&c->sum[i], row[i]);
	}
	if (pres)
		for (i = 0; i < c->w; i++)
			ksum_add(&c->psum[i], row[i]);
}

static void
colstats_mean(struct colstats *c, size_t n, size_t np)
{
	size_t i;

	for (i = 0; i < c->w; i++) {
		c->st[i].min = c->min[i];
		c->st[i].max = c->max[i];
		c->st[i].mean = ksum_value(&c->sum[i]) / (double)n;
		c->st[i].pmean = ksum_value(&c->psum[i]) / (double)np;
	}
}

static void
colstats_add2(struct colstats *c, const double *row, int pres)
{
	size_t i;
	double d;

	for (i = 0; i < c->w; i++) {
		d = row[i] - c->st[i].mean;
		ksum_add(&c->ss[i], d * d);
	}
	if (pres)
		for (i = 0; i < c->w; i++) {
			d = row[i] - c->st[i].pmean;
			ksum_add(&c->pss[i], d * d);
		}
}

static void
colstats_sd(struct colstats *c, size_t n, size_t np)
{
	size_t i;

	for (i = 0; i < c->w; i++) {
		c->st[i].sd = n < 2 ? 0 : sqrt(ksum_value(&c->ss[i]) /
		    (double)(n - 1));
		c->st[i].psd = np < 2 ? 0 : sqrt(ksum_value(&c->pss[i]) /
		    (double)(np - 1));
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A string jansson accepts (valid UTF-8, no NUL). */
static int
valid_utf8(const char *s)
{
	json_t *j = json_string(s);

	if (j == NULL)
		return 0;
	json_decref(j);
	return 1;
}

static int
fit_vars(struct mare_featspec *fs, const double *x, size_t nrows,
    const char *const *names, const int *label,
    const struct mare_featspec_opts *o, struct mare_err *err)
{
	struct mare_featspec_var *v;
	struct colstats a;
	size_t i, j, r, n;
	double *col;
	int rc = -1;

	for (i = 0; i < fs->nvars; i++) {
		if (names[i] == NULL || names[i][0] == '\0')
			return mare_err_set(err, MARE_E_DATA,
			    "variable %zu has no name", i + 1);
		if (!valid_utf8(names[i]))
			return mare_err_set(err, MARE_E_DATA,
			    "variable %zu: name is not valid UTF-8", i + 1);
		for (j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				return mare_err_set(err, MARE_E_DATA,
				    "variable '%s' appears twice", names[i]);
		if ((fs->vars[i].name = strdup(names[i])) == NULL)
			return mare_err_sys(err, MARE_E_NOMEM, "strdup");
	}
	for (i = 0; i < o->ncategorical; i++) {
		long k = mare_featspec_var_index(fs, o->categorical[i]);

		if (k < 0)
			return mare_err_set(err, MARE_E_USAGE,
			    "categorical variable '%s' is not among the "
			    "variables", o->categorical[i]);
		fs->vars[k].categorical = 1;
	}
	for (r = 0; r < nrows; r++) {
		if (label[r] != 0 && label[r] != 1)
			return mare_err_set(err, MARE_E_DATA,
			    "row %zu: label %d: expected 0 or 1", r + 1,
			    label[r]);
		for (i = 0; i < fs->nvars; i++)
			if (!isfinite(x[r * fs->nvars + i]))
				return mare_err_set(err, MARE_E_DATA,
				    "row %zu: '%s': not a finite number",
				    r + 1, fs->vars[i].name);
		fs->npresence += (size_t)label[r];
	}
	fs->nbackground = nrows - fs->npresence;
	if (fs->npresence == 0)
		return mare_err_set(err, MARE_E_DATA,
		    "no presences (rows with label 1) to fit on");

	if (colstats_init(&a, fs->nvars) < 0 ||
	    (col = malloc(nrows * sizeof(*col))) == NULL) {
		colstats_release(&a);
		return mare_err_sys(err, MARE_E_NOMEM, "fitting variables");
	}
	for (r = 0; r < nrows; r++)
		colstats_add1(&a, x + r * fs->nvars, label[r]);
	colstats_mean(&a, nrows, fs->npresence);
	for (r = 0; r < nrows; r++)
		colstats_add2(&a, x + r * fs->nvars, label[r]);
	colstats_sd(&a, nrows, fs->npresence);
	for (i = 0; i < fs->nvars; i++)
		fs->vars[i].st = a.st[i];

	for (i = 0; i < fs->nvars; i++) {
		v = &fs->vars[i];
		if (!v->categorical)
			continue;
		for (r = 0; r < nrows; r++)
			col[r] = x[r * fs->nvars + i];
		qsort(col, nrows, sizeof(*col), cmp_double);
		for (r = n = 0; r < nrows; r++)
			if (r == 0 || col[r] != col[n - 1])
				col[n++] = col[r];
		if (n > MARE_FEATSPEC_MAX_LEVELS) {
			mare_err_set(err, MARE_E_DATA,
			    "categorical variable '%s' has %zu levels "
			    "(at most %d)", v->name, n,
			    MARE_FEATSPEC_MAX_LEVELS);
			goto out;
		}
		if ((v->levels = malloc(n * sizeof(double))) == NULL) {
			mare_err_sys(err, MARE_E_NOMEM, "levels");
			goto out;
		}
		memcpy(v->levels, col, n * sizeof(double));
		v->nlevels = n;
	}
	rc = 0;
out:
	free(col);
	colstats_release(&a);
	return rc;
}

static struct mare_featspec_feat *
add_feat(struct mare_featspec *fs, enum mare_featspec_class cls, size_t var,
    size_t var2)
{
	struct mare_featspec_feat *f = &fs->feat[fs->nfeat++];

	memset(f, 0, sizeof(*f));
	f->cls = cls;
	f->var = var;
	f->var2 = var2;
	return f;
}

/* Whether variable i gets hinge and threshold features. */
static int
ranged(const struct mare_featspec *fs, size_t i)
{
	return !fs->vars[i].categorical &&
	    fs->vars[i].st.max > fs->vars[i].st.min;
}

static size_t
nthresholds(const struct mare_featspec *fs)
{
	return fs->thr == MARE_FEATSPEC_THR_FIXED ? fs->nknots :
	    fs->nknots - 1;
}

/* R's seq(min, max, length.out = n)[i], i from 0. */
static double
seq_at(double min, double max, unsigned n, size_t i)
{
	if (i == 0)
		return min;
	if (i == n - 1)
		return max;
	return min + (double)i * ((max - min) / (double)(n - 1));
}

static int
build_feats(struct mare_featspec *fs, struct mare_err *err)
{
	struct mare_featspec_feat *f;
	const struct mare_featspec_stats *st;
	const char *c = fs->classes;
	size_t i, j, n = 0, ncont = 0, nh = fs->nknots - 1, first, last;

	for (i = 0; i < fs->nvars; i++) {
		if (fs->vars[i].categorical) {
			n += fs->vars[i].nlevels;
			continue;
		}
		ncont++;
		if (ranged(fs, i)) {
			n += strchr(c, 'h') ? 2 * nh : 0;
			n += strchr(c, 't') ? nthresholds(fs) : 0;
		}
	}
	n += ncont * (!!strchr(c, 'l') + !!strchr(c, 'q'));
	n += strchr(c, 'p') ? ncont * (ncont - 1) / 2 : 0;
	if (n == 0)
		return mare_err_set(err, MARE_E_DATA,
		    "no features: classes '%s' give none for these variables",
		    c);
	if (n > MAX_FEATURES)
		return mare_err_set(err, MARE_E_DATA,
		    "%zu features is too many (at most %lu)", n,
		    MAX_FEATURES);
	if ((fs->feat = calloc(n, sizeof(*fs->feat))) == NULL)
		return mare_err_sys(err, MARE_E_NOMEM, "features");

	/* model.matrix() order: main effects first, interactions last */
	if (strchr(c, 'l'))
		for (i = 0; i < fs->nvars; i++)
			if (!fs->vars[i].categorical)
				add_feat(fs, MARE_FEATSPEC_LINEAR, i, i);
	if (strchr(c, 'q'))
		for (i = 0; i < fs->nvars; i++)
			if (!fs->vars[i].categorical)
				add_feat(fs, MARE_FEATSPEC_QUADRATIC, i, i);
	if (strchr(c, 'h'))
		for (i = 0; i < fs->nvars; i++) {
			if (!ranged(fs, i))
				continue;
			st = &fs->vars[i].st;
			for (j = 0; j < nh; j++) {	/* hingeval(x, k, max) */
				f = add_feat(fs, MARE_FEATSPEC_HINGE, i, i);
				f->lo = seq_at(st->min, st->max, fs->nknots, j);
				f->hi = st->max;
			}
			for (j = 1; j <= nh; j++) {	/* hingeval(x, min, k) */
				f = add_feat(fs, MARE_FEATSPEC_HINGE, i, i);
				f->lo = st->min;
				f->hi = seq_at(st->min, st->max, fs->nknots, j);
			}
		}
	if (strchr(c, 't'))
		for (i = 0; i < fs->nvars; i++) {
			if (!ranged(fs, i))
				continue;
			st = &fs->vars[i].st;
			first = fs->thr == MARE_FEATSPEC_THR_FIXED ? 1 : 2;
			last = fs->nknots;
			for (j = first; j <= last; j++) {
				f = add_feat(fs, MARE_FEATSPEC_THRESHOLD, i, i);
				f->knot = seq_at(st->min, st->max,
				    fs->nknots + 2, j);
			}
		}
	for (i = 0; i < fs->nvars; i++)
		for (j = 0; j < fs->vars[i].nlevels; j++) {
			f = add_feat(fs, MARE_FEATSPEC_CATEGORICAL, i, i);
			f->knot = fs->vars[i].levels[j];
		}
	if (strchr(c, 'p'))
		for (i = 0; i < fs->nvars; i++)
			for (j = i + 1; j < fs->nvars; j++)
				if (!fs->vars[i].categorical &&
				    !fs->vars[j].categorical)
					add_feat(fs, MARE_FEATSPEC_PRODUCT,
					    i, j);

	for (i = 0; i < fs->nfeat; i++) {
		f = &fs->feat[i];
		if (f->cls == MARE_FEATSPEC_HINGE && !(f->hi > f->lo))
			return mare_err_set(err, MARE_E_DATA,
			    "variable '%s': range too narrow for %u knots",
			    fs->vars[f->var].name, fs->nknots);
		if ((f->name = feat_name(fs, f)) == NULL)
			return mare_err_sys(err, MARE_E_NOMEM, "names");
	}
	return 0;
}

/*
 * The statistics of every feature, a chunk of features at a time: a row's
 * values of the chunk are computed once into a block (the design's columns
 * of the chunk, or a thread's scratch), the range and the sums taken while
 * the row is at hand, and the squared deviations from the means then read
 * back from the block. Each feature's sums run over the rows in order (the
 * presences' over theirs), the terms and the order of a column-at-a-time
 * pass, so the statistics do not depend on the chunk width or on the thread
 * that ran a chunk; but a chunk's chains of dependent additions interleave,
 * where a column's were one chain, and every value is computed once. With
 * a design a thread takes one chunk, its share of the columns, so that the
 * second pass streams through the design in order; without one, chunks
 * are FIT_SCRATCH columns wide, so that the scratch stays in the cache.
 */
#define FIT_SCRATCH	4	/* features a chunk, into scratch (no design) */

struct fit_job {
	struct mare_featspec *fs;
	const double	*x;
	const int	*label;
	size_t		 nrows, width;
	double		*design;	/* nrows x nfeat, or NULL: */
	double		*scratch;	/* nrows x width a thread */
};

static int
fit_chunk(void *arg, size_t c, size_t t)
{
	struct fit_job *j = arg;
	struct mare_featspec *fs = j->fs;
	struct colstats a;
	size_t nv = fs->nvars, n = j->nrows, r, i, w, stride,
	    i0 = c * j->width;
	double *blk, *row;
	const double *raw;

	w = fs->nfeat - i0 < j->width ? fs->nfeat - i0 : j->width;
	if (colstats_init(&a, w) < 0) {
		colstats_release(&a);
		return -1;
	}
	if (j->design != NULL) {
		blk = j->design + i0;
		stride = fs->nfeat;
	} else {
		blk = j->scratch + t * n * j->width;
		stride = w;
	}
	for (r = 0; r < n; r++) {
		raw = j->x + r * nv;
		row = blk + r * stride;
		for (i = 0; i < w; i++)
			row[i] = feat_value(fs, &fs->feat[i0 + i], raw, 0);
		colstats_add1(&a, row, j->label[r]);
	}
	colstats_mean(&a, n, fs->npresence);
	for (r = 0; r < n; r++)
		colstats_add2(&a, blk + r * stride, j->label[r]);
	colstats_sd(&a, n, fs->npresence);
	for (i = 0; i < w; i++)
		fs->feat[i0 + i].st = a.st[i];
	colstats_release(&a);
	return 0;
}

/*
 * The feature statistics, and the features into design (nrows x nfeat)
 * when it is not NULL, on threads (0 or 1: this one) sharing the chunks.
 */
static int
fit_stats(struct mare_featspec *fs, const double *x, size_t nrows,
    const int *label, double *design, unsigned threads, struct mare_err *err)
{
	struct fit_job j;
	const struct mare_featspec_stats *st;
	size_t i, nt, nc;
	int rc;

	if (fs->nfeat == 0)
		return 0;
	nt = threads > MARE_PAR_MAX_THREADS ? MARE_PAR_MAX_THREADS :
	    threads > 0 ? threads : 1;
	if (nt > fs->nfeat)
		nt = fs->nfeat;
	j.fs = fs;
	j.x = x;
	j.label = label;
	j.nrows = nrows;
	j.width = design != NULL ? (fs->nfeat + nt - 1) / nt : FIT_SCRATCH;
	j.design = design;
	j.scratch = NULL;
	nc = (fs->nfeat + j.width - 1) / j.width;
	if (nt > nc && nc > 0)
		nt = nc;
	if (design == NULL && (nrows > SIZE_MAX / sizeof(double) / nt /
	    j.width || (j.scratch = malloc(nt * nrows * j.width *
	    sizeof(double))) == NULL))
		return mare_err_sys(err, MARE_E_NOMEM, "feature statistics");
	rc = mare_par_for(nc, (unsigned)nt, fit_chunk, &j);
	free(j.scratch);
	if (rc != 0)
		return mare_err_sys(err, MARE_E_NOMEM, "feature statistics");
	for (i = 0; i < fs->nfeat; i++) {
		st = &fs->feat[i].st;
		if (!isfinite(st->mean) || !isfinite(st->sd) ||
		    !isfinite(st->min) || !isfinite(st->max))
			return mare_err_set(err, MARE_E_DATA,
			    "feature '%s' overflows: values too large",
			    fs->feat[i].name);
	}
	return 0;
}

/* mare_featspec_fit(), and the design when design is not NULL. */
static struct mare_featspec *
fit(const double *x, size_t nrows, size_t nvars, const char *const *names,
    const int *label, const struct mare_featspec_opts *opts, double **design,
    struct mare_err *err)
{
	static const struct mare_featspec_opts defaults;
	const struct mare_featspec_opts *o = opts ? opts : &defaults;
	struct mare_featspec *fs;
	double *d = NULL;

	if (design != NULL)
		*design = NULL;
	if (nrows == 0 || nvars == 0) {
		mare_err_set(err, MARE_E_DATA, "no %s to fit on",
		    nrows == 0 ? "rows" : "variables");
		return NULL;
	}
	if ((fs = calloc(1, sizeof(*fs))) == NULL ||
	    (fs->vars = calloc(nvars, sizeof(*fs->vars))) == NULL) {
		free(fs);
		mare_err_sys(err, MARE_E_NOMEM, "feature spec");
		return NULL;
	}
	fs->nvars = nvars;
	fs->nknots = o->nknots ? o->nknots : MARE_FEATSPEC_NKNOTS;
	fs->thr = o->thr;
	if (fs->nknots < 2 || fs->nknots > MARE_FEATSPEC_MAX_KNOTS) {
		mare_err_set(err, MARE_E_USAGE,
		    "%u knots: expected 2 to %d", fs->nknots,
		    MARE_FEATSPEC_MAX_KNOTS);
		goto fail;
	}
	if ((unsigned)fs->thr > MARE_FEATSPEC_THR_FIXED) {
		mare_err_set(err, MARE_E_USAGE, "unknown threshold rule %d",
		    (int)fs->thr);
		goto fail;
	}
	if (parse_classes(o->classes, fs->classes, sizeof(fs->classes)) < 0 ||
	    (o->classes && strlen(o->classes) >= sizeof(fs->requested))) {
		mare_err_set(err, MARE_E_USAGE, "feature classes '%s': "
		    "expected letters of 'lqpht' or 'default'", o->classes);
		goto fail;
	}
	snprintf(fs->requested, sizeof(fs->requested), "%s",
	    fs->classes[0] ? o->classes : "default");
	if (fit_vars(fs, x, nrows, names, label, o, err) < 0)
		goto fail;
	if (fs->classes[0] == '\0')
		snprintf(fs->classes, sizeof(fs->classes), "%s",
		    default_classes(fs->npresence));
	if (build_feats(fs, err) < 0)
		goto fail;
	if (design != NULL && !mare_featspec_is_identity(fs)) {
		if (nrows > SIZE_MAX / sizeof(double) / fs->nfeat ||
		    (d = malloc(nrows * fs->nfeat * sizeof(double))) == NULL) {
			mare_err_sys(err, MARE_E_NOMEM, "%zu x %zu features",
			    nrows, fs->nfeat);
			goto fail;
		}
		mare_mem_hint_huge(d, nrows * fs->nfeat * sizeof(double));
	}
	if (fit_stats(fs, x, nrows, label, d, o->threads, err) < 0)
		goto fail;
	if (design != NULL)
		*design = d;
	return fs;
fail:
	free(d);
	mare_featspec_free(fs);
	return NULL;
}

struct mare_featspec *
mare_featspec_fit(const double *x, size_t nrows, size_t nvars,
    const char *const *names, const int *label,
    const struct mare_featspec_opts *opts, struct mare_err *err)
{
	return fit(x, nrows, nvars, names, label, opts, NULL, err);
}

struct mare_featspec *
mare_featspec_fit_apply(const double *x, size_t nrows, size_t nvars,
    const char *const *names, const int *label,
    const struct mare_featspec_opts *opts, double **design,
    struct mare_err *err)
{
	return fit(x, nrows, nvars, names, label, opts, design, err);
}

/* Writing */

struct sb {
	char	*p;
	size_t	 len, cap;
	int	 oom;
};

static void
sb_add(struct sb *b, const char *s, size_t n)
{
	char *q;
	size_t cap;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((q = realloc(b->p, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_puts(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void
sb_str(struct sb *b, const char *s)
{
	char u[8];

	sb_add(b, "\"", 1);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\') {
			u[0] = '\\';
			u[1] = *s;
			sb_add(b, u, 2);
		} else if ((unsigned char)*s < 0x20) {
			snprintf(u, sizeof(u), "\\u%04x", (unsigned char)*s);
			sb_add(b, u, 6);
		} else
			sb_add(b, s, 1);
	}
	sb_add(b, "\"", 1);
}

static void
sb_num(struct sb *b, double d)
{
	char s[40];

	dtoa(d, s, sizeof(s));
	sb_puts(b, s);
}

static void
sb_key(struct sb *b, const char *key, int comma)
{
	if (comma)
		sb_add(b, ", ", 2);
	sb_str(b, key);
	sb_add(b, ": ", 2);
}

static void
sb_stats(struct sb *b, const struct mare_featspec_stats *st)
{
	sb_key(b, "min", 1);
	sb_num(b, st->min);
	sb_key(b, "max", 1);
	sb_num(b, st->max);
	sb_key(b, "mean", 1);
	sb_num(b, st->mean);
	sb_key(b, "sd", 1);
	sb_num(b, st->sd);
	sb_key(b, "presence_mean", 1);
	sb_num(b, st->pmean);
	sb_key(b, "presence_sd", 1);
	sb_num(b, st->psd);
}

char *
mare_featspec_to_json(const struct mare_featspec *fs, size_t *len,
    struct mare_err *err)
{
	const struct mare_featspec_var *v;
	const struct mare_featspec_feat *f;
	struct sb b = { NULL, 0, 0, 0 };
	char n[32];
	size_t i, j;

	sb_puts(&b, "{\n  \"format\": \"" MARE_FEATSPEC_FORMAT "\",\n");
	snprintf(n, sizeof(n), "%d", MARE_FEATSPEC_VERSION);
	sb_puts(&b, "  \"version\": ");
	sb_puts(&b, n);
	sb_puts(&b, ",\n  \"classes_requested\": ");
	sb_str(&b, fs->requested);
	sb_puts(&b, ",\n  \"classes\": ");
	sb_str(&b, fs->classes);
	snprintf(n, sizeof(n), "%u", fs->nknots);
	sb_puts(&b, ",\n  \"nknots\": ");
	sb_puts(&b, n);
	sb_puts(&b, ",\n  \"thresholds\": ");
	sb_str(&b, thr_names[fs->thr]);
	snprintf(n, sizeof(n), "%zu", fs->npresence);
	sb_puts(&b, ",\n  \"presences\": ");
	sb_puts(&b, n);
	snprintf(n, sizeof(n), "%zu", fs->nbackground);
	sb_puts(&b, ",\n  \"background\": ");
	sb_puts(&b, n);
	sb_puts(&b, ",\n  \"variables\": [");
	for (i = 0; i < fs->nvars; i++) {
		v = &fs->vars[i];
		sb_puts(&b, i ? ",\n    {" : "\n    {");
		sb_key(&b, "name", 0);
		sb_str(&b, v->name);
		sb_key(&b, "type", 1);
		sb_str(&b, v->categorical ? "categorical" : "continuous");
		if (v->categorical) {
			sb_key(&b, "levels", 1);
			sb_add(&b, "[", 1);
			for (j = 0; j < v->nlevels; j++) {
				if (j)
					sb_add(&b, ", ", 2);
				sb_num(&b, v->levels[j]);
			}
			sb_add(&b, "]", 1);
		}
		sb_stats(&b, &v->st);
		sb_puts(&b, "}");
	}
	sb_puts(&b, "\n  ],\n  \"features\": [");
	for (i = 0; i < fs->nfeat; i++) {
		f = &fs->feat[i];
		sb_puts(&b, i ? ",\n    {" : "\n    {");
		sb_key(&b, "name", 0);
		sb_str(&b, f->name);
		sb_key(&b, "class", 1);
		sb_str(&b, class_names[f->cls]);
		sb_key(&b, "vars", 1);
		sb_add(&b, "[", 1);
		sb_str(&b, fs->vars[f->var].name);
		if (f->cls == MARE_FEATSPEC_PRODUCT) {
			sb_add(&b, ", ", 2);
			sb_str(&b, fs->vars[f->var2].name);
		}
		sb_add(&b, "]", 1);
		if (f->cls == MARE_FEATSPEC_HINGE) {
			sb_key(&b, "knots", 1);
			sb_add(&b, "[", 1);
			sb_num(&b, f->lo);
			sb_add(&b, ", ", 2);
			sb_num(&b, f->hi);
			sb_add(&b, "]", 1);
		} else if (f->cls == MARE_FEATSPEC_THRESHOLD) {
			sb_key(&b, "knot", 1);
			sb_num(&b, f->knot);
		} else if (f->cls == MARE_FEATSPEC_CATEGORICAL) {
			sb_key(&b, "level", 1);
			sb_num(&b, f->knot);
		}
		sb_stats(&b, &f->st);
		sb_puts(&b, "}");
	}
	sb_puts(&b, fs->nfeat ? "\n  ]\n}\n" : "]\n}\n");
	if (b.oom) {
		free(b.p);
		mare_err_sys(err, MARE_E_NOMEM, "feature spec text");
		return NULL;
	}
	if (len != NULL)
		*len = b.len;
	return b.p;
}

/* The value of a lowercase hex digit, as mare_sha256_buf writes them. */
static unsigned
hexval(char c)
{
	return c >= 'a' ? (unsigned)(c - 'a' + 10) : (unsigned)(c - '0');
}

int
mare_featspec_hash(const struct mare_featspec *fs, unsigned char sha[32],
    char hex[65], struct mare_err *err)
{
	char h[65];
	size_t len, i;
	char *text;
	int rc;

	if ((text = mare_featspec_to_json(fs, &len, err)) == NULL)
		return -1;
	rc = mare_sha256_buf(text, len, h, err);
	free(text);
	if (rc != 0)
		return -1;
	if (sha != NULL)
		for (i = 0; i < 32; i++)
			sha[i] = (unsigned char)(hexval(h[2 * i]) << 4 |
			    hexval(h[2 * i + 1]));
	if (hex != NULL)
		memcpy(hex, h, 65);
	return 0;
}

int
mare_featspec_save(const struct mare_featspec *fs, const char *path,
    struct mare_err *err)
{
	struct mare_out *out;
	size_t len;
	char *text;

	if ((text = mare_featspec_to_json(fs, &len, err)) == NULL)
		return -1;
	if ((out = mare_out_open(path, 0, err)) == NULL) {
		free(text);
		return -1;
	}
	if (fwrite(text, 1, len, mare_out_file(out)) != len) {
		mare_err_sys(err, MARE_E_IO, "%s", mare_out_name(out));
		mare_out_abort(out);
		free(text);
		return -1;
	}
	free(text);
	return mare_out_commit(out, err);
}

/* Reading */

struct rd {
	const char		*src;
	struct mare_err		*err;
	struct mare_featspec	*fs;
};

static int
bad(struct rd *rd, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int
badk(struct rd *rd, const char *path, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
bad(struct rd *rd, const char *path, const char *fmt, ...)
{
	char m[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	mare_err_set(rd->err, MARE_E_DATA, "%s: %s", path, m);
	mare_err_at(rd->err, rd->src, 0, 0);
	return -1;
}

/* The same about key in the object at path: "$.features[3].knots: ..." */
static int
badk(struct rd *rd, const char *path, const char *key, const char *fmt, ...)
{
	char m[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	mare_err_set(rd->err, MARE_E_DATA, "%s.%s: %s", path, key, m);
	mare_err_at(rd->err, rd->src, 0, 0);
	return -1;
}

static const char *
json_kind(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:	return "an object";
	case JSON_ARRAY:	return "an array";
	case JSON_STRING:	return "a string";
	case JSON_INTEGER:
	case JSON_REAL:		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:	return "a boolean";
	default:		return "null";
	}
}

/* Refuse keys other than the allowed ones (NULL-terminated list). */
static int
only_keys(struct rd *rd, const json_t *o, const char *path,
    const char *const *allowed)
{
	const char *key;
	json_t *val;
	size_t i;

	json_object_foreach((json_t *)o, key, val) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL)
			return bad(rd, path, "unknown key '%s'", key);
	}
	return 0;
}

static json_t *
get(struct rd *rd, const json_t *o, const char *path, const char *key,
    json_type want)
{
	json_t *j = json_object_get(o, key);
	int ok;

	if (j == NULL) {
		bad(rd, path, "missing key '%s'", key);
		return NULL;
	}
	ok = want == JSON_REAL ? json_is_number(j) : json_typeof(j) == want;
	if (!ok) {
		const char *w = want == JSON_REAL ? "a number" :
		    want == JSON_INTEGER ? "an integer" :
		    want == JSON_STRING ? "a string" :
		    want == JSON_ARRAY ? "an array" : "an object";
		badk(rd, path, key, "expected %s, got %s", w, json_kind(j));
		return NULL;
	}
	return j;
}

static int
get_num(struct rd *rd, const json_t *o, const char *path, const char *key,
    double *out)
{
	json_t *j = get(rd, o, path, key, JSON_REAL);

	if (j == NULL)
		return -1;
	*out = json_number_value(j);
	if (!isfinite(*out))
		return badk(rd, path, key, "not a finite number");
	return 0;
}

static int
get_stats(struct rd *rd, const json_t *o, const char *path,
    struct mare_featspec_stats *st)
{
	if (get_num(rd, o, path, "min", &st->min) < 0 ||
	    get_num(rd, o, path, "max", &st->max) < 0 ||
	    get_num(rd, o, path, "mean", &st->mean) < 0 ||
	    get_num(rd, o, path, "sd", &st->sd) < 0 ||
	    get_num(rd, o, path, "presence_mean", &st->pmean) < 0 ||
	    get_num(rd, o, path, "presence_sd", &st->psd) < 0)
		return -1;
	if (st->min > st->max)
		return bad(rd, path, "min is above max");
	if (st->sd < 0 || st->psd < 0)
		return bad(rd, path, "negative standard deviation");
	return 0;
}

static int
read_var(struct rd *rd, const json_t *o, size_t i)
{
	static const char *const keys[] = { "name", "type", "levels", "min",
	    "max", "mean", "sd", "presence_mean", "presence_sd", NULL };
	struct mare_featspec_var *v = &rd->fs->vars[i];
	char path[64], p2[96];
	const char *type, *name;
	json_t *j, *lv;
	size_t k;

	snprintf(path, sizeof(path), "$.variables[%zu]", i);
	if (!json_is_object(o))
		return bad(rd, path, "expected an object, got %s",
		    json_kind(o));
	if (only_keys(rd, o, path, keys) < 0 ||
	    (j = get(rd, o, path, "name", JSON_STRING)) == NULL)
		return -1;
	name = json_string_value(j);
	if (name[0] == '\0' || strlen(name) != json_string_length(j))
		return badk(rd, path, "name", "empty or holds a NUL");
	if (mare_featspec_var_index(rd->fs, name) >= 0)
		return badk(rd, path, "name", "'%s' appears twice", name);
	if ((j = get(rd, o, path, "type", JSON_STRING)) == NULL)
		return -1;
	type = json_string_value(j);
	if (strcmp(type, "categorical") == 0)
		v->categorical = 1;
	else if (strcmp(type, "continuous") != 0)
		return badk(rd, path, "type", "expected 'continuous' or "
		    "'categorical', got '%s'", type);
	if (get_stats(rd, o, path, &v->st) < 0)
		return -1;
	if (v->categorical) {
		if ((j = get(rd, o, path, "levels", JSON_ARRAY)) == NULL)
			return -1;
		snprintf(p2, sizeof(p2), "%s.levels", path);
		if (json_array_size(j) == 0 ||
		    json_array_size(j) > MARE_FEATSPEC_MAX_LEVELS)
			return bad(rd, p2, "expected 1 to %d levels, got %zu",
			    MARE_FEATSPEC_MAX_LEVELS, json_array_size(j));
		v->levels = malloc(json_array_size(j) * sizeof(double));
		if (v->levels == NULL)
			return mare_err_sys(rd->err, MARE_E_NOMEM, "levels");
		json_array_foreach(j, k, lv) {
			if (!json_is_number(lv))
				return bad(rd, p2, "[%zu]: expected a number, "
				    "got %s", k, json_kind(lv));
			v->levels[k] = json_number_value(lv);
			if (k > 0 && !(v->levels[k] > v->levels[k - 1]))
				return bad(rd, p2, "[%zu]: levels must "
				    "increase", k);
			v->nlevels = k + 1;
		}
	} else if (json_object_get(o, "levels") != NULL)
		return badk(rd, path, "levels", "only categorical "
		    "variables have levels");
	if ((v->name = strdup(name)) == NULL)
		return mare_err_sys(rd->err, MARE_E_NOMEM, "strdup");
	return 0;
}

static int
read_feat(struct rd *rd, const json_t *o, size_t i)
{
	static const char *const keys[] = { "name", "class", "vars", "knots",
	    "knot", "level", "min", "max", "mean", "sd", "presence_mean",
	    "presence_sd", NULL };
	struct mare_featspec *fs = rd->fs;
	struct mare_featspec_feat *f = &fs->feat[i];
	const struct mare_featspec_var *v;
	char path[64], p2[96], *name;
	const char *cls;
	json_t *j, *e;
	size_t k, want;
	long idx;
	int r;

	snprintf(path, sizeof(path), "$.features[%zu]", i);
	if (!json_is_object(o))
		return bad(rd, path, "expected an object, got %s",
		    json_kind(o));
	if (only_keys(rd, o, path, keys) < 0 ||
	    (j = get(rd, o, path, "class", JSON_STRING)) == NULL)
		return -1;
	cls = json_string_value(j);
	for (k = 0; k < sizeof(class_names) / sizeof(class_names[0]); k++)
		if (strcmp(cls, class_names[k]) == 0)
			break;
	if (k == sizeof(class_names) / sizeof(class_names[0]))
		return badk(rd, path, "class", "unknown feature class '%s'",
		    cls);
	f->cls = (enum mare_featspec_class)k;

	if ((j = get(rd, o, path, "vars", JSON_ARRAY)) == NULL)
		return -1;
	snprintf(p2, sizeof(p2), "%s.vars", path);
	want = f->cls == MARE_FEATSPEC_PRODUCT ? 2 : 1;
	if (json_array_size(j) != want)
		return bad(rd, p2, "expected %zu variable name%s, got %zu",
		    want, want > 1 ? "s" : "", json_array_size(j));
	json_array_foreach(j, k, e) {
		if (!json_is_string(e))
			return bad(rd, p2, "[%zu]: expected a string, got %s",
			    k, json_kind(e));
		if ((idx = mare_featspec_var_index(fs,
		    json_string_value(e))) < 0)
			return bad(rd, p2, "[%zu]: unknown variable '%s'", k,
			    json_string_value(e));
		if (k == 0)
			f->var = f->var2 = (size_t)idx;
		else
			f->var2 = (size_t)idx;
		v = &fs->vars[idx];
		if (v->categorical != (f->cls == MARE_FEATSPEC_CATEGORICAL))
			return bad(rd, p2, "[%zu]: a %s feature of %s "
			    "variable '%s'", k, cls, v->categorical ?
			    "categorical" : "continuous", v->name);
	}
	if (f->cls == MARE_FEATSPEC_PRODUCT && f->var == f->var2)
		return bad(rd, p2, "a product of '%s' with itself",
		    fs->vars[f->var].name);

	r = 0;
	switch (f->cls) {
	case MARE_FEATSPEC_HINGE:
		if ((j = get(rd, o, path, "knots", JSON_ARRAY)) == NULL)
			return -1;
		snprintf(p2, sizeof(p2), "%s.knots", path);
		if (json_array_size(j) != 2)
			return bad(rd, p2, "expected 2 knots, got %zu",
			    json_array_size(j));
		json_array_foreach(j, k, e)
			if (!json_is_number(e))
				return bad(rd, p2, "[%zu]: expected a number, "
				    "got %s", k, json_kind(e));
		f->lo = json_number_value(json_array_get(j, 0));
		f->hi = json_number_value(json_array_get(j, 1));
		if (!(f->hi > f->lo))
			return bad(rd, p2, "knots must increase");
		break;
	case MARE_FEATSPEC_THRESHOLD:
		r = get_num(rd, o, path, "knot", &f->knot);
		break;
	case MARE_FEATSPEC_CATEGORICAL:
		if ((r = get_num(rd, o, path, "level", &f->knot)) == 0 &&
		    !has_level(&fs->vars[f->var], f->knot))
			return badk(rd, path, "level", "not a level of '%s'",
			    fs->vars[f->var].name);
		break;
	default:
		break;
	}
	if (r < 0)
		return -1;
	for (k = 0; keys[k] != NULL; k++)	/* keys of other classes */
		if ((strcmp(keys[k], "knots") == 0 &&
		    f->cls != MARE_FEATSPEC_HINGE) ||
		    (strcmp(keys[k], "knot") == 0 &&
		    f->cls != MARE_FEATSPEC_THRESHOLD) ||
		    (strcmp(keys[k], "level") == 0 &&
		    f->cls != MARE_FEATSPEC_CATEGORICAL))
			if (json_object_get(o, keys[k]) != NULL)
				return badk(rd, path, keys[k], "not a key of "
				    "a %s feature", cls);
	if (get_stats(rd, o, path, &f->st) < 0)
		return -1;
	if ((j = get(rd, o, path, "name", JSON_STRING)) == NULL)
		return -1;
	if ((name = feat_name(fs, f)) == NULL)
		return mare_err_sys(rd->err, MARE_E_NOMEM, "names");
	if (strcmp(name, json_string_value(j)) != 0) {
		r = badk(rd, path, "name", "expected '%s' for this "
		    "feature, got '%s'", name, json_string_value(j));
		free(name);
		return r;
	}
	f->name = name;
	return 0;
}

static int
read_top(struct rd *rd, const json_t *root)
{
	static const char *const keys[] = { "format", "version",
	    "classes_requested", "classes", "nknots", "thresholds",
	    "presences", "background", "variables", "features", NULL };
	struct mare_featspec *fs = rd->fs;
	const char *s;
	char canon[8];
	json_int_t n;
	json_t *j, *vars, *feats;
	size_t i;

	if (!json_is_object(root))
		return bad(rd, "$", "expected an object, got %s",
		    json_kind(root));
	if (only_keys(rd, root, "$", keys) < 0 ||
	    (j = get(rd, root, "$", "format", JSON_STRING)) == NULL)
		return -1;
	if (strcmp(json_string_value(j), MARE_FEATSPEC_FORMAT) != 0)
		return bad(rd, "$.format", "expected '%s', got '%s'",
		    MARE_FEATSPEC_FORMAT, json_string_value(j));
	if ((j = get(rd, root, "$", "version", JSON_INTEGER)) == NULL)
		return -1;
	if (json_integer_value(j) != MARE_FEATSPEC_VERSION)
		return bad(rd, "$.version", "unsupported version %lld "
		    "(this is version %d)", (long long)json_integer_value(j),
		    MARE_FEATSPEC_VERSION);

	if ((j = get(rd, root, "$", "classes_requested", JSON_STRING)) == NULL)
		return -1;
	s = json_string_value(j);
	if (strlen(s) >= sizeof(fs->requested) ||
	    parse_classes(s, canon, sizeof(canon)) < 0)
		return bad(rd, "$.classes_requested", "expected letters of "
		    "'lqpht' or 'default', got '%s'", s);
	snprintf(fs->requested, sizeof(fs->requested), "%s", s);
	if ((j = get(rd, root, "$", "classes", JSON_STRING)) == NULL)
		return -1;
	s = json_string_value(j);
	if (parse_classes(s, canon, sizeof(canon)) < 0 || canon[0] == '\0' ||
	    strcmp(canon, s) != 0)
		return bad(rd, "$.classes", "expected letters in the order "
		    "'lqpht', got '%s'", s);
	snprintf(fs->classes, sizeof(fs->classes), "%s", s);

	if ((j = get(rd, root, "$", "nknots", JSON_INTEGER)) == NULL)
		return -1;
	n = json_integer_value(j);
	if (n < 2 || n > MARE_FEATSPEC_MAX_KNOTS)
		return bad(rd, "$.nknots", "expected 2 to %d, got %lld",
		    MARE_FEATSPEC_MAX_KNOTS, (long long)n);
	fs->nknots = (unsigned)n;
	if ((j = get(rd, root, "$", "thresholds", JSON_STRING)) == NULL)
		return -1;
	s = json_string_value(j);
	if (strcmp(s, thr_names[0]) == 0)
		fs->thr = MARE_FEATSPEC_THR_MAXNET014;
	else if (strcmp(s, thr_names[1]) == 0)
		fs->thr = MARE_FEATSPEC_THR_FIXED;
	else
		return bad(rd, "$.thresholds", "expected '%s' or '%s', "
		    "got '%s'", thr_names[0], thr_names[1], s);
	if ((j = get(rd, root, "$", "presences", JSON_INTEGER)) == NULL)
		return -1;
	if (json_integer_value(j) < 1)
		return bad(rd, "$.presences", "expected at least 1");
	fs->npresence = (size_t)json_integer_value(j);
	if ((j = get(rd, root, "$", "background", JSON_INTEGER)) == NULL)
		return -1;
	if (json_integer_value(j) < 0)
		return bad(rd, "$.background", "expected at least 0");
	fs->nbackground = (size_t)json_integer_value(j);

	if ((vars = get(rd, root, "$", "variables", JSON_ARRAY)) == NULL ||
	    (feats = get(rd, root, "$", "features", JSON_ARRAY)) == NULL)
		return -1;
	if (json_array_size(vars) == 0)
		return bad(rd, "$.variables", "no variables");
	if (json_array_size(feats) == 0)
		return bad(rd, "$.features", "no features");
	fs->vars = calloc(json_array_size(vars), sizeof(*fs->vars));
	fs->feat = calloc(json_array_size(feats), sizeof(*fs->feat));
	if (fs->vars == NULL || fs->feat == NULL)
		return mare_err_sys(rd->err, MARE_E_NOMEM, "feature spec");
	for (i = 0; i < json_array_size(vars); i++) {
		if (read_var(rd, json_array_get(vars, i), i) < 0) {
			/* free() sees the partial variable */
			fs->nvars = i + 1;
			return -1;
		}
		fs->nvars = i + 1;
	}
	for (i = 0; i < json_array_size(feats); i++) {
		fs->nfeat = i + 1;
		if (read_feat(rd, json_array_get(feats, i), i) < 0)
			return -1;
	}
	return 0;
}

struct mare_featspec *
mare_featspec_from_json(const char *text, size_t len, const char *src,
    struct mare_err *err)
{
	struct rd rd;
	json_error_t je;
	json_t *root;
	int rc;

	if (src == NULL)
		src = "<spec>";
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		mare_err_set(err, MARE_E_DATA, "%s", je.text);
		mare_err_at(err, src, je.line > 0 ? (unsigned long)je.line :
		    0, je.column > 0 ? (unsigned long)je.column : 0);
		return NULL;
	}
	rd.src = src;
	rd.err = err;
	if ((rd.fs = calloc(1, sizeof(*rd.fs))) == NULL) {
		json_decref(root);
		mare_err_sys(err, MARE_E_NOMEM, "feature spec");
		return NULL;
	}
	rc = read_top(&rd, root);
	json_decref(root);
	if (rc < 0) {
		mare_featspec_free(rd.fs);
		return NULL;
	}
	return rd.fs;
}

struct mare_featspec *
mare_featspec_load(const char *path, struct mare_err *err)
{
	struct mare_featspec *fs = NULL;
	const char *name;
	size_t len;
	char *buf;
	FILE *fp;

	if ((fp = mare_in_open(path, &name, err)) == NULL)
		return NULL;
	buf = mare_in_slurp(fp, name, MARE_FEATSPEC_MAX_JSON, &len, err);
	if (buf != NULL)
		fs = mare_featspec_from_json(buf, len, name, err);
	free(buf);
	mare_in_close(fp);
	return fs;
}
