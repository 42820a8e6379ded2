/*
 * report.c - the HTML, text and JSON renderings of mare-report
 *
 * See report.h. The HTML is written in one pass, section by section; each
 * section reads only the inputs it needs and is skipped when they are
 * missing. Drift and validation files are read through small accessors
 * (num(), str()) that never assume a key is there or has the right type:
 * a file of an unexpected shape shows less, it never fails here. The
 * model file's roc, tuning and importance keys are the exception: they
 * are checked when the model is loaded (mare_report_model_check()), so
 * the renderings may rely on their shape.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "err.h"
#include "grid.h"
#include "io.h"
#include "jsonl.h"
#include "mare.h"
#include "model.h"
#include "report.h"
#include "svg.h"

#define BLUE	"#0072b2"	/* Okabe-Ito blue */
#define ORANGE	"#e69f00"	/* Okabe-Ito orange */
#define VERMIL	"#d55e00"	/* Okabe-Ito vermillion */

/* CV metrics shown, in order, with their headings. */
static const struct {
	const char *key, *head;
} cvcols[] = {
	{ "auc_train", "AUC train" },
	{ "auc_val", "AUC test" },
	{ "auc_diff", "AUC diff" },
	{ "max_tss", "max TSS" },
	{ "boyce", "Boyce" },
	{ "omission_min", "omission min" },
	{ "omission_p10", "omission p10" },
	{ "logloss", "log loss" },
	{ "deviance_explained", "dev. expl." }
};
#define NCVCOLS	(sizeof(cvcols) / sizeof(cvcols[0]))

/* Accessors that tolerate anything */

static double
num(const json_t *o, const char *key)
{
	const json_t *v;

	if (!json_is_object(o))
		return NAN;
	v = json_object_get(o, key);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *
str(const json_t *o, const char *key)
{
	const json_t *v;

	if (!json_is_object(o))
		return NULL;
	v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A number, with the first key of keys that is present. */
static double
num_any(const json_t *o, const char *const *keys)
{
	double v;

	for (; *keys != NULL; keys++)
		if (!isnan(v = num(o, *keys)))
			return v;
	return NAN;
}

static char *
fmt(double v, int decimals, char *buf, size_t size)
{
	if (isnan(v))
		snprintf(buf, size, "\xe2\x80\x93");	/* en dash */
	else
		snprintf(buf, size, "%.*f", decimals, v);
	return buf;
}

static char *
fmtg(double v, char *buf, size_t size)
{
	if (isnan(v))
		return fmt(v, 0, buf, size);
	return mare_svg_num(v, 6, buf, size);
}

/* Occurrences */

void
mare_report_occ_release(struct mare_report_occ *o)
{
	free(o->lon);
	free(o->lat);
	free(o->species);
	memset(o, 0, sizeof(*o));
}

static int
coord(const json_t *r, const char *k1, const char *k2, double *v)
{
	*v = num(r, k1);
	if (isnan(*v))
		*v = num(r, k2);
	return isfinite(*v);
}

int
mare_report_occ_load(const char *path, struct mare_report_occ *o,
    struct mare_err *err)
{
	struct mare_jsonl_reader *rd;
	const char *name, *sp;
	json_t *r;
	size_t cap = 0;
	double x, y, *p;
	FILE *fp;
	int rc;

	memset(o, 0, sizeof(*o));
	if ((fp = mare_in_open(path, &name, err)) == NULL)
		return -1;
	if ((rd = mare_jsonl_reader_new(fp, name, 0, err)) == NULL) {
		mare_in_close(fp);
		return -1;
	}
	while ((rc = mare_jsonl_read(rd, &r, err)) == 1) {
		o->in++;
		if (o->species == NULL &&
		    (sp = str(r, "scientificName")) != NULL &&
		    (o->species = strdup(sp)) == NULL)
			rc = mare_err_set(err, MARE_E_NOMEM, "out of memory");
		if (rc == 1 && coord(r, "decimalLongitude", "lon", &x) &&
		    coord(r, "decimalLatitude", "lat", &y) &&
		    x >= -180 && x <= 360 && y >= -90 && y <= 90) {
			if (o->n == cap) {
				cap = cap ? cap * 2 : 256;
				if ((p = realloc(o->lon, cap * sizeof(*p))) !=
				    NULL)
					o->lon = p;
				if (p == NULL || (p = realloc(o->lat,
				    cap * sizeof(*p))) == NULL)
					rc = mare_err_set(err, MARE_E_NOMEM,
					    "out of memory");
				else
					o->lat = p;
			}
			if (rc == 1) {
				o->lon[o->n] = x;
				o->lat[o->n++] = y;
			}
		} else if (rc == 1)
			o->skipped++;
		json_decref(r);
		if (rc != 1)
			break;
	}
	mare_jsonl_reader_free(rd);
	mare_in_close(fp);
	if (rc < 0) {
		mare_report_occ_release(o);
		return -1;
	}
	return 0;
}

/* Map */

void
mare_report_map_release(struct mare_report_map *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

int
mare_report_map_make(const struct mare_grid *g, size_t width,
    struct mare_report_map *m, struct mare_err *err)
{
	const struct mare_grid_geom *ge = &g->geom;
	size_t b, r, c, i, k, n;
	double sum, total = 0;

	memset(m, 0, sizeof(*m));
	if (width < 1)
		width = 1;
	b = (ge->ncols + width - 1) / width;
	if (b < 1)
		b = 1;
	m->block = b;
	m->ncols = (ge->ncols + b - 1) / b;
	m->nrows = (ge->nrows + b - 1) / b;
	m->xll = ge->xll;
	m->yll = ge->yll;
	m->xmax = ge->xll + (double)ge->ncols * ge->cellsize;
	m->ymax = ge->yll + (double)ge->nrows * ge->cellsize;
	m->bsize = (double)b * ge->cellsize;
	m->min = INFINITY;
	m->max = -INFINITY;
	m->v = malloc((m->ncols * m->nrows + 1) * sizeof(*m->v));
	if (m->v == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	for (k = 0; k < m->ncols * m->nrows; k++) {
		size_t br = k / m->ncols, bc = k % m->ncols;

		sum = 0;
		n = 0;
		for (r = br * b; r < (br + 1) * b && r < ge->nrows; r++)
			for (c = bc * b; c < (bc + 1) * b && c < ge->ncols;
			    c++) {
				i = r * ge->ncols + c;
				if (!mare_grid_valid(g, i) ||
				    !isfinite(g->cells[i]))
					continue;
				sum += g->cells[i];
				n++;
				if (g->cells[i] < m->min)
					m->min = g->cells[i];
				if (g->cells[i] > m->max)
					m->max = g->cells[i];
			}
		m->v[k] = n > 0 ? (float)(sum / (double)n) : NAN;
		m->nvalid += n;
		total += sum;
	}
	if (m->nvalid == 0) {
		mare_report_map_release(m);
		return mare_err_set(err, MARE_E_DATA, "no valid cell");
	}
	m->mean = total / (double)m->nvalid;
	return 0;
}

/* Response curves */

long
mare_report_curve(const struct mare_model *m, size_t var, size_t npts,
    double *x, double *y, struct mare_err *err)
{
	const struct mare_featspec *fs = m->spec;
	const struct mare_featspec_var *v = &fs->vars[var];
	struct mare_model_pred_opts po;
	double *raw;
	size_t i, j, n = npts;

	if (v->categorical && v->nlevels < n)
		n = v->nlevels;
	raw = malloc(n * fs->nvars * sizeof(*raw));
	if (raw == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		for (j = 0; j < fs->nvars; j++)
			raw[i * fs->nvars + j] = fs->vars[j].categorical ?
			    (fs->vars[j].nlevels ? fs->vars[j].levels[0] : 0) :
			    fs->vars[j].st.mean;
		if (v->categorical)
			x[i] = v->levels[i];
		else
			x[i] = n < 2 ? v->st.min : v->st.min +
			    (v->st.max - v->st.min) * (double)i /
			    (double)(n - 1);
		raw[i * fs->nvars + var] = x[i];
	}
	mare_model_pred_opts_init(&po);
	if (mare_model_predict(m, raw, n, &po, y, NULL, err) != 0) {
		free(raw);
		return -1;
	}
	free(raw);
	return (long)n;
}

/* Optional keys of the model file: ROC, importance, tuning */

static int bad(struct mare_err *, const char *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
bad(struct mare_err *err, const char *src, const char *fmt, ...)
{
	char m[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	mare_err_set(err, MARE_E_DATA, "%s", m);
	mare_err_at(err, src, 0, 0);
	return -1;
}

/* A number in [0, 1] at path. */
static int
check_unit(const json_t *v, const char *path, const char *src,
    struct mare_err *err)
{
	char b[64];

	if (!json_is_number(v))
		return bad(err, src, "%s: %s", path, v == NULL ? "missing" :
		    "expected a number");
	if (!(json_number_value(v) >= 0 && json_number_value(v) <= 1))
		return bad(err, src, "%s: %s is outside [0, 1]", path,
		    fmtg(json_number_value(v), b, sizeof(b)));
	return 0;
}

static int
check_curve(const json_t *c, const char *path, const char *src,
    struct mare_err *err)
{
	const json_t *fpr, *tpr, *v;
	char p[128], q[128];
	size_t i, k;

	if (c == NULL || json_is_null(c))
		return 0;
	if (!json_is_object(c))
		return bad(err, src, "%s: expected an object or null", path);
	snprintf(p, sizeof(p), "%s.auc", path);
	if (check_unit(json_object_get(c, "auc"), p, src, err) != 0)
		return -1;
	fpr = json_object_get(c, "fpr");
	tpr = json_object_get(c, "tpr");
	for (k = 0; k < 2; k++) {
		v = k == 0 ? fpr : tpr;
		snprintf(p, sizeof(p), "%s.%s", path, k == 0 ? "fpr" : "tpr");
		if (!json_is_array(v))
			return bad(err, src, "%s: %s", p, v == NULL ?
			    "missing" : "expected an array of numbers");
		if (json_array_size(v) < 2)
			return bad(err, src, "%s: %zu values; a curve needs "
			    "at least 2", p, json_array_size(v));
	}
	if (json_array_size(fpr) != json_array_size(tpr))
		return bad(err, src, "%s.tpr: %zu values but %s.fpr has %zu",
		    path, json_array_size(tpr), path, json_array_size(fpr));
	for (k = 0; k < 2; k++)
		for (i = 0; i < json_array_size(fpr); i++) {
			snprintf(q, sizeof(q), "%s.%s[%zu]", path, k == 0 ?
			    "fpr" : "tpr", i);
			if (check_unit(json_array_get(k == 0 ? fpr : tpr, i),
			    q, src, err) != 0)
				return -1;
		}
	return 0;
}

/* A member that must be a number, or null/missing when nullable. */
static int
check_num(const json_t *o, const char *key, const char *path, int nullable,
    const char *src, struct mare_err *err)
{
	const json_t *v = json_object_get(o, key);

	if (nullable && (v == NULL || json_is_null(v)))
		return 0;
	if (!json_is_number(v) || !isfinite(json_number_value(v)))
		return bad(err, src, "%s.%s: %s", path, key, v == NULL ?
		    "missing" : nullable ? "expected a number or null" :
		    "expected a number");
	return 0;
}

static int
check_importance(const json_t *a, const char *src, struct mare_err *err)
{
	const json_t *e;
	char p[64];
	size_t i;

	if (a == NULL || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return bad(err, src, "$.importance: expected an array or "
		    "null");
	json_array_foreach(a, i, e) {
		snprintf(p, sizeof(p), "$.importance[%zu]", i);
		if (!json_is_object(e))
			return bad(err, src, "%s: expected an object", p);
		if (str(e, "variable") == NULL)
			return bad(err, src, "%s.variable: %s", p,
			    json_object_get(e, "variable") == NULL ?
			    "missing" : "expected a string");
		if (check_num(e, "permutation", p, 0, src, err) != 0 ||
		    check_num(e, "contribution", p, 1, src, err) != 0)
			return -1;
	}
	return 0;
}

static int
check_tuning(const json_t *t, const char *src, struct mare_err *err)
{
	static const char *const nums[] = { "auc_val_mean", "auc_val_sd",
	    "auc_train", "aicc" };
	const json_t *rows, *r, *v;
	char p[64];
	size_t i, k;

	if (t == NULL || json_is_null(t))
		return 0;
	if (!json_is_object(t))
		return bad(err, src, "$.tuning: expected an object or null");
	if (json_object_get(t, "metric") != NULL && str(t, "metric") == NULL)
		return bad(err, src, "$.tuning.metric: expected a string");
	rows = json_object_get(t, "rows");
	if (!json_is_array(rows) || json_array_size(rows) == 0)
		return bad(err, src, "$.tuning.rows: %s", rows == NULL ?
		    "missing" : "expected a non-empty array");
	v = json_object_get(t, "selected");
	if (v != NULL && !json_is_null(v) && (!json_is_integer(v) ||
	    json_integer_value(v) < 0 ||
	    (size_t)json_integer_value(v) >= json_array_size(rows)))
		return bad(err, src, "$.tuning.selected: expected a row index "
		    "from 0 to %zu", json_array_size(rows) - 1);
	json_array_foreach(rows, i, r) {
		snprintf(p, sizeof(p), "$.tuning.rows[%zu]", i);
		if (!json_is_object(r))
			return bad(err, src, "%s: expected an object", p);
		/* maxent tunes regmult, the others lambda: one is set */
		if (check_num(r, "regmult", p, 1, src, err) != 0 ||
		    check_num(r, "lambda", p, 1, src, err) != 0)
			return -1;
		if (!json_is_number(json_object_get(r, "regmult")) &&
		    !json_is_number(json_object_get(r, "lambda")))
			return bad(err, src, "%s: neither regmult nor lambda "
			    "is a number", p);
		if (str(r, "features") == NULL)
			return bad(err, src, "%s.features: %s", p,
			    json_object_get(r, "features") == NULL ?
			    "missing" : "expected a string");
		for (k = 0; k < sizeof(nums) / sizeof(nums[0]); k++)
			if (check_num(r, nums[k], p, 1, src, err) != 0)
				return -1;
		v = json_object_get(r, "nonzero");
		if (v != NULL && !json_is_null(v) && (!json_is_integer(v) ||
		    json_integer_value(v) < 0))
			return bad(err, src, "%s.nonzero: expected a count",
			    p);
		v = json_object_get(r, "converged");
		if (v != NULL && !json_is_null(v) && !json_is_boolean(v))
			return bad(err, src, "%s.converged: expected true or "
			    "false", p);
	}
	return 0;
}

int
mare_report_model_check(const json_t *mj, const char *src,
    struct mare_err *err)
{
	const json_t *roc = json_object_get(mj, "roc");

	if (roc != NULL && !json_is_null(roc)) {
		if (!json_is_object(roc))
			return bad(err, src, "$.roc: expected an object or "
			    "null");
		if (check_curve(json_object_get(roc, "train"), "$.roc.train",
		    src, err) != 0 || check_curve(json_object_get(roc, "cv"),
		    "$.roc.cv", src, err) != 0)
			return -1;
	}
	if (check_importance(json_object_get(mj, "importance"), src,
	    err) != 0)
		return -1;
	return check_tuning(json_object_get(mj, "tuning"), src, err);
}

int
mare_report_model_load(const char *path, struct mare_model **m,
    json_t **mj, struct mare_err *err)
{
	const char *name;
	json_t *j;
	size_t len;
	char *text;
	FILE *fp;

	*m = NULL;
	*mj = NULL;
	if ((fp = mare_in_open(path, &name, err)) == NULL)
		return -1;
	text = mare_in_slurp(fp, name, MARE_MODEL_MAX_JSON, &len, err);
	mare_in_close(fp);
	if (text == NULL)
		return -1;
	if ((*m = mare_model_from_json(text, len, name, err)) == NULL) {
		free(text);
		return -1;
	}
	/* the text parsed as a model, so it parses here too */
	j = json_loadb(text, len, 0, NULL);
	free(text);
	if (j == NULL || mare_report_model_check(j, name, err) != 0) {
		if (j == NULL)
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
		json_decref(j);
		mare_model_free(*m);
		*m = NULL;
		return -1;
	}
	*mj = j;
	return 0;
}

/* Drift and validation files */

json_t *
mare_report_json_load(const char *path, const char *what,
    struct mare_err *err)
{
	json_error_t je;
	const char *name, *f, *ver;
	json_t *j;
	size_t len;
	char *text;
	FILE *fp;

	if ((fp = mare_in_open(path, &name, err)) == NULL)
		return NULL;
	text = mare_in_slurp(fp, name, MARE_REPORT_MAX_JSON, &len, err);
	mare_in_close(fp);
	if (text == NULL)
		return NULL;
	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	free(text);
	if (j == NULL) {
		mare_err_set(err, MARE_E_DATA, "invalid JSON: %s", je.text);
		mare_err_at(err, name, (unsigned long)je.line,
		    (unsigned long)je.column);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		mare_err_set(err, MARE_E_DATA, "expected a JSON object");
		mare_err_at(err, name, 0, 0);
		return NULL;
	}
	if (json_object_get(j, "format") != NULL &&
	    ((f = str(j, "format")) == NULL || strcmp(f, what) != 0)) {
		mare_err_set(err, MARE_E_DATA, "format '%s' is not %s",
		    f != NULL ? f : "(not a string)", what);
		mare_err_at(err, name, 0, 0);
		json_decref(j);
		return NULL;
	}
	if (json_object_get(j, "version") != NULL &&
	    ((ver = str(j, "version")) == NULL || strtol(ver, NULL, 10) != 1)) {
		if (ver == NULL && json_is_integer(json_object_get(j,
		    "version")) && json_integer_value(json_object_get(j,
		    "version")) == 1)
			return j;
		mare_err_set(err, MARE_E_DATA, "version '%s' is not supported "
		    "(major version 1 is)", ver != NULL ? ver : "?");
		mare_err_at(err, name, 0, 0);
		json_decref(j);
		return NULL;
	}
	return j;
}

/*
 * The per-column entries of a drift object as an array of objects, each
 * with a "column" name: from "columns" (or "features") as an object of
 * objects or an array of objects. Returns a new reference (maybe empty).
 */
static json_t *
drift_columns(const json_t *d)
{
	const json_t *c, *v;
	const char *k;
	json_t *out, *e;
	size_t i;

	out = json_array();
	if (out == NULL)
		return NULL;
	c = json_object_get(d, "columns");
	if (c == NULL)
		c = json_object_get(d, "features");
	if (json_is_object(c)) {
		json_object_foreach((json_t *)c, k, v) {
			if (!json_is_object(v))
				continue;
			e = json_deep_copy(v);
			if (e == NULL)
				continue;
			json_object_set_new(e, "column", json_string(k));
			json_array_append_new(out, e);
		}
	} else if (json_is_array(c)) {
		json_array_foreach(c, i, v) {
			if (!json_is_object(v))
				continue;
			e = json_deep_copy(v);
			if (e == NULL)
				continue;
			if (str(e, "column") == NULL && str(e, "name") != NULL)
				json_object_set_new(e, "column",
				    json_string(str(e, "name")));
			json_array_append_new(out, e);
		}
	}
	return out;
}

/* Verdict text of a column: "drift", "ok", or the file's own word. */
static const char *
verdict(const json_t *c)
{
	const json_t *v;
	const char *s;

	if ((s = str(c, "verdict")) != NULL)
		return s;
	v = json_object_get(c, "drift");
	if (json_is_boolean(v))
		return json_is_true(v) ? "drift" : "ok";
	return NULL;
}

static int
is_drift(const char *v)
{
	return v != NULL && (strcmp(v, "drift") == 0 ||
	    strcmp(v, "drifted") == 0 || strcmp(v, "fail") == 0 ||
	    strcmp(v, "alert") == 0);
}

/* The statistic's name and value: "statistic" as a name or a number. */
static void
statistic(const json_t *c, const char **name, double *value)
{
	static const char *const vk[] = { "value", "score", "psi", "ks",
	    "wasserstein", "js", "chi2", NULL };
	static const char *const vn[] = { "value", "score", "PSI", "KS",
	    "Wasserstein", "JS", "chi-square", NULL };
	size_t i;

	*name = str(c, "statistic");
	if (*name == NULL)
		*name = str(c, "method");
	*value = num(c, "statistic");
	if (!isnan(*value))
		*name = str(c, "method");
	if (*name == NULL)
		*name = str(c, "test");
	for (i = 0; isnan(*value) && vk[i] != NULL; i++)
		if (!isnan(*value = num(c, vk[i])) && *name == NULL && i >= 2)
			*name = vn[i];
}

static const char *const in_keys[] = { "in", "records_in", "records",
	"total", "read", NULL };
static const char *const pass_keys[] = { "passed", "out", "valid", "good",
	NULL };
static const char *const rej_keys[] = { "rejected", "rejects", "invalid",
	"bad", NULL };

/* Per-rule counts as an object rule -> number (new reference). */
static json_t *
validation_rules(const json_t *v)
{
	const json_t *r, *e;
	const char *k, *name;
	json_t *out;
	size_t i;
	double n;

	out = json_object();
	if (out == NULL)
		return NULL;
	r = json_object_get(v, "rules");
	if (r == NULL)
		r = json_object_get(v, "by_rule");
	if (json_is_object(r)) {
		json_object_foreach((json_t *)r, k, e) {
			n = json_is_number(e) ? json_number_value(e) :
			    num_any(e, rej_keys);
			if (isnan(n))
				n = num(e, "count");
			/* mare-validate: {records, findings, rejecting} */
			if (isnan(n))
				n = num(e, "records");
			if (isnan(n))
				continue;
			json_object_set_new(out, k, json_real(n));
		}
	} else if (json_is_array(r)) {
		json_array_foreach(r, i, e) {
			if ((name = str(e, "rule")) == NULL &&
			    (name = str(e, "name")) == NULL)
				continue;
			n = num(e, "count");
			if (isnan(n))
				n = num_any(e, rej_keys);
			json_object_set_new(out, name, json_real(n));
		}
	}
	return out;
}

/* Species: the model's provenance or meta, else the occurrences. */
static const char *
species(const struct mare_report_in *in)
{
	const char *s = NULL;

	if (in->model != NULL) {
		s = str(in->model->provenance, "species");
		if (s == NULL && in->model_json != NULL)
			s = str(json_object_get(in->model_json, "meta"),
			    "species");
	}
	if (s == NULL && in->occ != NULL)
		s = in->occ->species;
	return s;
}

char *
mare_report_sparkline(const double *v, size_t n, char *buf, size_t size)
{
	static const char *const bars[8] = { "\xe2\x96\x81", "\xe2\x96\x82",
	    "\xe2\x96\x83", "\xe2\x96\x84", "\xe2\x96\x85", "\xe2\x96\x86",
	    "\xe2\x96\x87", "\xe2\x96\x88" };
	double lo = INFINITY, hi = -INFINITY;
	size_t i, len = 0;
	long k;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < n; i++)
		if (isfinite(v[i])) {
			lo = v[i] < lo ? v[i] : lo;
			hi = v[i] > hi ? v[i] : hi;
		}
	for (i = 0; i < n && len + 4 <= size; i++) {
		if (!isfinite(v[i])) {
			buf[len++] = ' ';
			continue;
		}
		k = hi > lo ? lround((v[i] - lo) / (hi - lo) * 7) : 3;
		memcpy(buf + len, bars[k], 3);
		len += 3;
	}
	buf[len] = '\0';
	return buf;
}

/* HTML */

static const char css[] =
":root{color-scheme:light}"
"body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,"
"\"Helvetica Neue\",Arial,sans-serif;color:#1a1a1a;background:#fff;"
"margin:0 auto;max-width:62rem;padding:1rem 1.25rem;line-height:1.45}"
"h1{font-size:1.6rem;margin:.2rem 0}"
"h2{font-size:1.25rem;border-bottom:2px solid #0072b2;padding-bottom:.2rem;"
"margin-top:2rem}"
"h3{font-size:1rem;margin:1rem 0 .3rem}"
".sub{color:#555;margin:0}"
"nav ul{list-style:none;padding:0;margin:.6rem 0;display:flex;"
"flex-wrap:wrap;gap:.3rem 1rem}"
"nav a{color:#0072b2}"
".scroll{overflow-x:auto}"
"table{border-collapse:collapse;margin:.4rem 0;font-size:.9rem}"
"th,td{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:left;"
"vertical-align:top}"
"th{background:#f3f5f7}"
"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
"tr.agg td{font-weight:600;background:#fafafa}"
"tr.sel td{font-weight:600;background:#e8f1f8}"
"table.tuning td{white-space:nowrap}"
"tr.sel td:first-child{color:#0072b2}"
"table.kv th{background:none;font-weight:600;white-space:nowrap}"
"code,.hash{font-family:ui-monospace,\"DejaVu Sans Mono\",Menlo,Consolas,"
"monospace;font-size:.85em;word-break:break-all}"
".grid{display:flex;flex-wrap:wrap;gap:.5rem 1rem}"
".grid figure{margin:0;flex:1 1 18rem;max-width:24rem}"
"figure{margin:.5rem 0}"
"figcaption{font-size:.85rem;color:#444}"
"svg{max-width:100%;height:auto;display:block}"
"svg text{fill:#222;font-family:inherit}"
".drift{color:#fff;background:#d55e00;border-radius:3px;padding:0 .35rem;"
"font-weight:600}"
".ok{color:#1a1a1a;background:#e8f1f8;border-radius:3px;padding:0 .35rem}"
".note{color:#555;font-size:.85rem}"
"@media (max-width:40rem){body{padding:.6rem}table{font-size:.8rem}"
"th,td{padding:.15rem .35rem}}"
"@media print{nav{display:none}body{max-width:none;padding:0}"
"section{break-inside:avoid-page}h2{break-after:avoid}"
"a{color:inherit;text-decoration:none}}";

static void
h(FILE *fp, const char *s)
{
	mare_svg_escape(fp, s);
}

static void
kv_row(FILE *fp, const char *key, const char *val)
{
	fputs("<tr><th scope=\"row\">", fp);
	h(fp, key);
	fputs("</th><td>", fp);
	h(fp, val);
	fputs("</td></tr>\n", fp);
}

static void
kv_num(FILE *fp, const char *key, double v, int decimals)
{
	char b[64];

	kv_row(fp, key, decimals < 0 ? fmtg(v, b, sizeof(b)) :
	    fmt(v, decimals, b, sizeof(b)));
}

/* "0.7324 ± 0.0309" from a CV summary entry. */
static char *
mean_sd(const json_t *summary, const char *key, char *buf, size_t size)
{
	const json_t *e = json_object_get(summary, key);
	char a[32], b[32];

	if (isnan(num(e, "mean")))
		return fmt(NAN, 0, buf, size);
	snprintf(buf, size, "%s \xc2\xb1 %s", fmt(num(e, "mean"), 4, a,
	    sizeof(a)), fmt(num(e, "sd"), 4, b, sizeof(b)));
	return buf;
}

/* A JSON scalar as text (strings as they are, numbers compact). */
static char *
scalar(const json_t *v, char *buf, size_t size)
{
	if (json_is_string(v))
		snprintf(buf, size, "%s", json_string_value(v));
	else if (json_is_number(v))
		fmtg(json_number_value(v), buf, size);
	else if (json_is_true(v))
		snprintf(buf, size, "true");
	else if (json_is_false(v))
		snprintf(buf, size, "false");
	else if (json_is_null(v))
		snprintf(buf, size, "null");
	else
		buf[0] = '\0';
	return buf;
}

/* Rows for the scalar members of o (arrays and objects skipped). */
static void
kv_scalars(FILE *fp, const json_t *o, const char *prefix)
{
	const char *k;
	json_t *v;
	char b[512], key[256];

	if (!json_is_object(o))
		return;
	json_object_foreach((json_t *)o, k, v) {
		if (json_is_object(v) || json_is_array(v))
			continue;
		snprintf(key, sizeof(key), "%s%s", prefix, k);
		kv_row(fp, key, scalar(v, b, sizeof(b)));
	}
}

static void
section_open(FILE *fp, const char *id, const char *title)
{
	fprintf(fp, "<section id=\"%s\">\n<h2>", id);
	h(fp, title);
	fputs("</h2>\n", fp);
}

static void
html_summary(const struct mare_report_in *in, FILE *fp)
{
	const struct mare_model *m = in->model;
	const json_t *cv, *sum;
	char b[256], c[64], c2[64];
	const char *s;
	size_t i;

	section_open(fp, "summary", "Summary");
	fputs("<table class=\"kv\">\n", fp);
	if ((s = species(in)) != NULL)
		kv_row(fp, "Species", s);
	if (m != NULL) {
		snprintf(b, sizeof(b), "%s (output: %s)",
		    mare_model_type_name(m->type),
		    mare_model_output_name(mare_model_default_output(m)));
		kv_row(fp, "Model", b);
		b[0] = '\0';
		for (i = 0; i < m->spec->nvars; i++) {
			if (i > 0)
				strncat(b, ", ", sizeof(b) - strlen(b) - 1);
			strncat(b, m->spec->vars[i].name,
			    sizeof(b) - strlen(b) - 1);
		}
		kv_row(fp, "Variables", b);
		snprintf(b, sizeof(b), "%zu (classes %s), %s non-zero",
		    m->p, m->spec->classes,
		    fmtg(num(m->training, "nonzero"), c, sizeof(c)));
		kv_row(fp, "Features", b);
		snprintf(b, sizeof(b), "%zu", m->spec->npresence);
		kv_row(fp, "Presences (training)", b);
		snprintf(b, sizeof(b), "%zu", m->spec->nbackground);
		kv_row(fp, m->type == MARE_MODEL_MAXENT ? "Background points" :
		    "Absences / background (training)", b);
		kv_scalars(fp, m->hyper, "");
		kv_num(fp, "AUC (training)", num(m->training, "auc"), 4);
		kv_num(fp, "max TSS (training)", num(m->training, "max_tss"),
		    4);
		cv = m->cv;
		if (json_is_object(cv)) {
			sum = json_object_get(cv, "summary");
			snprintf(b, sizeof(b), "%s, k = %s",
			    str(cv, "scheme") ? str(cv, "scheme") : "?",
			    fmtg(num(cv, "k"), c, sizeof(c)));
			kv_row(fp, "Cross-validation", b);
			kv_row(fp, "AUC (cross-validated, mean \xc2\xb1 sd)",
			    mean_sd(sum, "auc_val", b, sizeof(b)));
			kv_row(fp, "max TSS (cross-validated)",
			    mean_sd(sum, "max_tss", b, sizeof(b)));
			kv_row(fp, "Boyce index (cross-validated)",
			    mean_sd(sum, "boyce", b, sizeof(b)));
			kv_row(fp, "Omission at 10th percentile",
			    mean_sd(sum, "omission_p10", b, sizeof(b)));
		}
		kv_num(fp, "Threshold: minimum presence", m->thr_min, -1);
		kv_num(fp, "Threshold: 10th percentile presence", m->thr_p10,
		    -1);
		kv_num(fp, "Threshold: max TSS", m->thr_maxtss, -1);
	}
	if (in->occ != NULL) {
		snprintf(b, sizeof(b), "%zu records, %zu with coordinates, "
		    "%zu without", in->occ->in, in->occ->n, in->occ->skipped);
		kv_row(fp, "Occurrences", b);
	}
	if (in->validation != NULL) {
		snprintf(b, sizeof(b), "%s in, ",
		    fmtg(num_any(in->validation, in_keys), c, sizeof(c)));
		snprintf(b + strlen(b), sizeof(b) - strlen(b), "%s passed, ",
		    fmtg(num_any(in->validation, pass_keys), c, sizeof(c)));
		snprintf(b + strlen(b), sizeof(b) - strlen(b), "%s rejected",
		    fmtg(num_any(in->validation, rej_keys), c, sizeof(c)));
		kv_row(fp, "Validation", b);
	}
	for (i = 0; i < in->nmaps; i++) {
		snprintf(b, sizeof(b), "%s: %zu valid cells, values %s",
		    in->map_names[i] ? in->map_names[i] : "map",
		    in->maps[i]->nvalid, fmtg(in->maps[i]->min, c, sizeof(c)));
		snprintf(b + strlen(b), sizeof(b) - strlen(b), " to %s, mean %s",
		    fmtg(in->maps[i]->max, c, sizeof(c)),
		    fmtg(in->maps[i]->mean, c2, sizeof(c2)));
		kv_row(fp, "Map", b);
	}
	fputs("</table>\n</section>\n", fp);
}

static void
html_cv(const struct mare_report_in *in, FILE *fp)
{
	const json_t *cv = in->model->cv, *folds, *f, *sum;
	char b[64];
	size_t i, j;

	if (!json_is_object(cv))
		return;
	folds = json_object_get(cv, "folds");
	sum = json_object_get(cv, "summary");
	section_open(fp, "cv", "Cross-validation");
	fprintf(fp, "<p class=\"note\">Scheme: ");
	h(fp, str(cv, "scheme"));
	fprintf(fp, "; %s folds; seed %s. Test metrics are computed on the "
	    "held-out fold.</p>\n", fmtg(num(cv, "k"), b, sizeof(b)),
	    fmtg(num(cv, "seed"), b + 32, 32));
	fputs("<div class=\"scroll\"><table>\n<thead><tr><th>fold</th>"
	    "<th class=\"n\">train rows</th><th class=\"n\">test presences"
	    "</th>", fp);
	for (j = 0; j < NCVCOLS; j++) {
		fputs("<th class=\"n\">", fp);
		h(fp, cvcols[j].head);
		fputs("</th>", fp);
	}
	fputs("</tr></thead>\n<tbody>\n", fp);
	json_array_foreach(folds, i, f) {
		fprintf(fp, "<tr><td>%s</td>", fmtg(num(f, "fold"), b,
		    sizeof(b)));
		fprintf(fp, "<td class=\"n\">%s</td>",
		    fmtg(num(f, "train_rows"), b, sizeof(b)));
		fprintf(fp, "<td class=\"n\">%s</td>",
		    fmtg(num(f, "test_presences"), b, sizeof(b)));
		for (j = 0; j < NCVCOLS; j++)
			fprintf(fp, "<td class=\"n\">%s</td>",
			    fmt(num(f, cvcols[j].key), 4, b, sizeof(b)));
		fputs("</tr>\n", fp);
	}
	for (i = 0; i < 2; i++) {
		fprintf(fp, "<tr class=\"agg\"><td>%s</td><td></td><td></td>",
		    i == 0 ? "mean" : "sd");
		for (j = 0; j < NCVCOLS; j++)
			fprintf(fp, "<td class=\"n\">%s</td>",
			    fmt(num(json_object_get(sum, cvcols[j].key),
			    i == 0 ? "mean" : "sd"), 4, b, sizeof(b)));
		fputs("</tr>\n", fp);
	}
	fputs("</tbody></table></div>\n</section>\n", fp);
}

/* ROC, tuning and importance (optional keys of the model file) */

static const json_t *
mpart(const struct mare_report_in *in, const char *key)
{
	const json_t *v;

	if (in->model == NULL || in->model_json == NULL)
		return NULL;
	v = json_object_get(in->model_json, key);
	return json_is_null(v) ? NULL : v;
}

/* A checked curve as arrays (n points); 0 when absent. */
static size_t
curve_xy(const json_t *c, double *x, double *y, size_t max)
{
	const json_t *fpr = json_object_get(c, "fpr");
	const json_t *tpr = json_object_get(c, "tpr");
	size_t i, n = json_array_size(fpr);

	if (!json_is_object(c) || n != json_array_size(tpr))
		return 0;
	for (i = 0; i < n && i < max; i++) {
		x[i] = json_number_value(json_array_get(fpr, i));
		y[i] = json_number_value(json_array_get(tpr, i));
	}
	return n < max ? n : max;
}

static const struct {
	const char *key, *name, *colour, *dash;
} roc_curves[2] = {
	{ "train", "training", BLUE, NULL },
	{ "cv", "cross-validated", ORANGE, "7 4" }
};

static int
html_roc(const struct mare_report_in *in, FILE *fp, struct mare_err *err)
{
	const json_t *roc = mpart(in, "roc"), *c;
	struct mare_svg_axes a;
	double *x, *y, lx, ly;
	char b[64], b1[32], b2[32], b3[32], b4[32], lab[128];
	size_t k, n, max = 0, nleg = 0;

	if (!json_is_object(roc))
		return 0;
	for (k = 0; k < 2; k++)
		if ((n = json_array_size(json_object_get(json_object_get(roc,
		    roc_curves[k].key), "fpr"))) > max)
			max = n;
	x = malloc((max + 1) * sizeof(*x));
	y = malloc((max + 1) * sizeof(*y));
	if (x == NULL || y == NULL) {
		free(x);
		free(y);
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	}
	section_open(fp, "roc", "ROC curve");
	fputs("<p class=\"note\">True against false positive rate as the "
	    "threshold on the prediction falls. Training: the model on its "
	    "own training rows; cross-validated: held-out folds pooled. "
	    "The diagonal is a model no better than chance (AUC 0.5).</p>\n",
	    fp);
	a.x0 = a.y0 = 0;
	a.x1 = a.y1 = 1;
	a.left = 64;
	a.top = 12;
	a.width = a.height = 300;
	fputs("<figure>", fp);
	mare_svg_open(fp, 380, 374, "ROC curve");
	mare_svg_axes_draw(fp, &a, "false positive rate (1 - specificity)",
	    "true positive rate (sensitivity)");
	fprintf(fp, "<line class=\"diag\" x1=\"%s\" y1=\"%s\" x2=\"%s\" "
	    "y2=\"%s\" stroke=\"#888\" stroke-width=\"1.2\" "
	    "stroke-dasharray=\"2 3\"/>",
	    mare_svg_px(mare_svg_axes_x(&a, 0), b1, sizeof(b1)),
	    mare_svg_px(mare_svg_axes_y(&a, 0), b2, sizeof(b2)),
	    mare_svg_px(mare_svg_axes_x(&a, 1), b3, sizeof(b3)),
	    mare_svg_px(mare_svg_axes_y(&a, 1), b4, sizeof(b4)));
	for (k = 0; k < 2; k++) {
		c = json_object_get(roc, roc_curves[k].key);
		if ((n = curve_xy(c, x, y, max)) == 0)
			continue;
		fprintf(fp, "<g class=\"roc-%s\"", roc_curves[k].key);
		if (roc_curves[k].dash != NULL)
			fprintf(fp, " stroke-dasharray=\"%s\"",
			    roc_curves[k].dash);
		fputs(">", fp);
		mare_svg_polyline(fp, &a, x, y, n, roc_curves[k].colour, 2.5);
		fputs("</g>", fp);
	}
	/* legend, lower right inside the plot */
	lx = a.left + a.width - 226;
	ly = a.top + a.height - 70;
	fprintf(fp, "<rect class=\"legend\" x=\"%s\" y=\"%s\" width=\"220\" "
	    "height=\"64\" fill=\"#fff\" fill-opacity=\"0.9\" stroke=\"#ccc\""
	    "/>", mare_svg_px(lx, b1, sizeof(b1)), mare_svg_px(ly, b2,
	    sizeof(b2)));
	for (k = 0; k < 3; k++) {
		double yy = ly + 16 + 19 * (double)nleg;

		if (k < 2) {
			c = json_object_get(roc, roc_curves[k].key);
			if (!json_is_object(c))
				continue;
			snprintf(lab, sizeof(lab), "%s, AUC %s",
			    roc_curves[k].name, fmt(num(c, "auc"), 4, b,
			    sizeof(b)));
		} else
			snprintf(lab, sizeof(lab), "chance, AUC 0.5");
		fprintf(fp, "<path d=\"M%s %sh26\" stroke=\"%s\" "
		    "stroke-width=\"%s\"%s%s%s/>", mare_svg_px(lx + 8, b1,
		    sizeof(b1)), mare_svg_px(yy - 4, b2, sizeof(b2)),
		    k < 2 ? roc_curves[k].colour : "#888",
		    k < 2 ? "2.5" : "1.2",
		    k == 2 || roc_curves[k].dash ? " stroke-dasharray=\"" : "",
		    k == 2 ? "2 3" : k < 2 && roc_curves[k].dash ?
		    roc_curves[k].dash : "",
		    k == 2 || roc_curves[k].dash ? "\"" : "");
		mare_svg_text(fp, lx + 40, yy, "start", 12, lab);
		nleg++;
	}
	mare_svg_close(fp);
	fputs("<figcaption>", fp);
	for (k = 0; k < 2; k++) {
		c = json_object_get(roc, roc_curves[k].key);
		if (k > 0)
			fputs("; ", fp);
		if (!json_is_object(c)) {
			fprintf(fp, "no %s curve in the model", roc_curves[k].name);
			continue;
		}
		fprintf(fp, "%s AUC <b class=\"auc-%s\">%s</b> (%zu points)",
		    k == 0 ? "Training" : "cross-validated", roc_curves[k].key,
		    fmt(num(c, "auc"), 4, b, sizeof(b)),
		    json_array_size(json_object_get(c, "fpr")));
	}
	fputs(".</figcaption></figure>\n</section>\n", fp);
	free(x);
	free(y);
	return 0;
}

/* The tuned parameter of a table's rows: lambda, or maxent's regmult. */
static const char *
tuned_param(const json_t *rows)
{
	return json_is_number(json_object_get(json_array_get(rows, 0),
	    "lambda")) ? "lambda" : "regmult";
}

static void
html_tuning(const struct mare_report_in *in, FILE *fp)
{
	const json_t *t = mpart(in, "tuning"), *rows, *r, *v;
	const char *par;
	char b[64], b2[64];
	size_t i;
	long sel;

	if (!json_is_object(t))
		return;
	rows = json_object_get(t, "rows");
	par = tuned_param(rows);
	v = json_object_get(t, "selected");
	sel = json_is_integer(v) ? (long)json_integer_value(v) : -1;
	section_open(fp, "tuning", "Model tuning");
	fprintf(fp, "<p class=\"note\">Each row is one setting of the "
	    "%s and feature classes, fitted and cross-validated; the setting "
	    "kept", strcmp(par, "lambda") == 0 ? "penalty (lambda)" :
	    "regularisation multiplier");
	if (str(t, "metric") != NULL) {
		fputs(" has the best <code>", fp);
		h(fp, str(t, "metric"));
		fputs("</code>", fp);
	}
	fprintf(fp, " and is marked \xe2\x96\xb6.</p>\n<div class=\"scroll\">"
	    "<table class=\"tuning\">\n<thead><tr><th></th><th class=\"n\">%s"
	    "</th><th>features</th><th class=\"n\">AUC test (mean \xc2\xb1 "
	    "sd)</th><th class=\"n\">AUC train</th><th class=\"n\">AICc</th>"
	    "<th class=\"n\">non-zero</th><th>converged</th></tr></thead>\n"
	    "<tbody>\n", par);
	json_array_foreach(rows, i, r) {
		fprintf(fp, "<tr%s><td>%s</td>", (long)i == sel ?
		    " class=\"sel\"" : "", (long)i == sel ?
		    "<span title=\"selected\">\xe2\x96\xb6</span>" : "");
		fprintf(fp, "<td class=\"n\">%s</td><td>", fmtg(num(r,
		    par), b, sizeof(b)));
		h(fp, str(r, "features"));
		fprintf(fp, "</td><td class=\"n\">%s \xc2\xb1 ", fmt(num(r,
		    "auc_val_mean"), 4, b, sizeof(b)));
		fprintf(fp, "%s</td><td class=\"n\">%s</td>", fmt(num(r,
		    "auc_val_sd"), 4, b, sizeof(b)), fmt(num(r, "auc_train"),
		    4, b2, sizeof(b2)));
		fprintf(fp, "<td class=\"n\">%s</td>", fmt(num(r, "aicc"), 1,
		    b, sizeof(b)));
		fprintf(fp, "<td class=\"n\">%s</td><td>%s</td></tr>\n",
		    fmtg(num(r, "nonzero"), b, sizeof(b)),
		    json_is_true(json_object_get(r, "converged")) ? "yes" :
		    json_is_false(json_object_get(r, "converged")) ? "no" :
		    "\xe2\x80\x93");
	}
	fputs("</tbody></table></div>\n</section>\n", fp);
}

/* Indices of the n importance entries (json_array_size(imp)) by
 * permutation importance, highest first (ties: in file order). Returns a
 * malloc'd array or NULL. */
static size_t *
importance_order(const json_t *imp, size_t n)
{
	size_t i, j, t, *ix;

	if ((ix = malloc((n + 1) * sizeof(*ix))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		ix[i] = i;
	for (i = 1; i < n; i++)		/* insertion sort: few variables */
		for (j = i; j > 0 && num(json_array_get(imp, ix[j]),
		    "permutation") > num(json_array_get(imp, ix[j - 1]),
		    "permutation"); j--) {
			t = ix[j];
			ix[j] = ix[j - 1];
			ix[j - 1] = t;
		}
	return ix;
}

static int
html_importance(const struct mare_report_in *in, FILE *fp,
    struct mare_err *err)
{
	const json_t *imp = mpart(in, "importance"), *e;
	double vmax = 0, t[MARE_SVG_MAX_TICKS], step, v, y, x0 = 100,
	    bw = 270, rowh, hgt;
	char b[64], b1[32], b2[32];
	size_t i, k, n, nt, *ix;
	int contrib = 0;

	if (!json_is_array(imp) || (n = json_array_size(imp)) == 0)
		return 0;
	if ((ix = importance_order(imp, n)) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	json_array_foreach(imp, i, e) {
		/* room for the longest name, about 7 pixels a character */
		v = 16 + 7 * (double)strlen(str(e, "variable"));
		if (v > x0)
			x0 = v < 300 ? v : 300;
		if (num(e, "permutation") > vmax)
			vmax = num(e, "permutation");
		if (!isnan(num(e, "contribution"))) {
			contrib = 1;
			if (num(e, "contribution") > vmax)
				vmax = num(e, "contribution");
		}
	}
	if (!(vmax > 0))
		vmax = 1;
	nt = mare_svg_ticks(0, vmax, 5, t, &step);
	if (nt > 0 && t[nt - 1] < vmax)
		vmax = t[nt - 1] + step;
	nt = mare_svg_ticks(0, vmax, 5, t, &step);
	rowh = contrib ? 30 : 22;
	hgt = 28 + rowh * (double)n + 40;
	section_open(fp, "importance", "Variable importance");
	fputs("<p class=\"note\">Permutation importance: the loss of AUC "
	    "when the variable's values are shuffled, as a percentage of the "
	    "total loss over all variables", fp);
	if (contrib)
		fputs("; contribution: the model's own share of each variable "
		    "in the fit (MaxEnt's percent contribution)", fp);
	fputs(". Sorted by permutation importance.</p>\n<figure>", fp);
	mare_svg_open(fp, x0 + bw + 70, hgt, "Variable importance");
	/* legend */
	mare_svg_rect(fp, x0, 6, 10, 10, BLUE);
	mare_svg_text(fp, x0 + 14, 15, "start", 12, "permutation");
	if (contrib) {
		mare_svg_rect(fp, x0 + 110, 6, 10, 10, ORANGE);
		mare_svg_text(fp, x0 + 124, 15, "start", 12, "contribution");
	}
	/* grid and ticks */
	for (k = 0; k < nt; k++) {
		double px = x0 + bw * t[k] / vmax;

		fprintf(fp, "<path d=\"M%s 24v%s\" stroke=\"#e3e3e3\"/>",
		    mare_svg_px(px, b1, sizeof(b1)),
		    mare_svg_px(rowh * (double)n + 6, b2, sizeof(b2)));
		snprintf(b, sizeof(b), "%s", mare_svg_num(t[k], 6, b1,
		    sizeof(b1)));
		mare_svg_text(fp, px, 28 + rowh * (double)n + 16, "middle",
		    12, b);
	}
	mare_svg_text(fp, x0 + bw / 2, hgt - 4, "middle", 13,
	    "importance (%)");
	fputs("<g class=\"bars\">", fp);
	for (k = 0; k < n; k++) {
		e = json_array_get(imp, ix[k]);
		y = 28 + rowh * (double)k;
		mare_svg_text(fp, x0 - 8, y + (contrib ? 18 : 14), "end", 12,
		    str(e, "variable"));
		v = num(e, "permutation");
		mare_svg_rect(fp, x0, y + 2, bw * (v > 0 ? v : 0) / vmax,
		    contrib ? 12 : 16, BLUE);
		mare_svg_text(fp, x0 + bw * (v > 0 ? v : 0) / vmax + 4,
		    y + (contrib ? 12 : 14), "start", 11, fmt(v, 1, b,
		    sizeof(b)));
		if (contrib && !isnan(v = num(e, "contribution"))) {
			mare_svg_rect(fp, x0, y + 15, bw * (v > 0 ? v : 0) /
			    vmax, 12, ORANGE);
			mare_svg_text(fp, x0 + bw * (v > 0 ? v : 0) / vmax + 4,
			    y + 25, "start", 11, fmt(v, 1, b, sizeof(b)));
		}
	}
	fputs("</g>", fp);
	fprintf(fp, "<path d=\"M%s 24v%s\" stroke=\"#555\"/>",
	    mare_svg_px(x0, b1, sizeof(b1)), mare_svg_px(rowh * (double)n + 6,
	    b2, sizeof(b2)));
	mare_svg_close(fp);
	fputs("</figure>\n<div class=\"scroll\"><table class=\"importance\">"
	    "<thead><tr><th>variable</th><th class=\"n\">permutation (%)"
	    "</th><th class=\"n\">contribution (%)</th></tr></thead><tbody>\n",
	    fp);
	for (k = 0; k < n; k++) {
		e = json_array_get(imp, ix[k]);
		fputs("<tr><td>", fp);
		h(fp, str(e, "variable"));
		fprintf(fp, "</td><td class=\"n\">%s</td>", fmtg(num(e,
		    "permutation"), b, sizeof(b)));
		fprintf(fp, "<td class=\"n\">%s</td></tr>\n", fmtg(num(e,
		    "contribution"), b, sizeof(b)));
	}
	fputs("</tbody></table></div>\n</section>\n", fp);
	free(ix);
	return 0;
}

static int
html_curves(const struct mare_report_in *in, FILE *fp, struct mare_err *err)
{
	const struct mare_model *m = in->model;
	const size_t np = MARE_REPORT_CURVE_POINTS;
	struct mare_svg_axes a;
	double *x, *y, ymax = 0;
	const char *out;
	size_t v, i;
	long n;
	int rc = 0;

	x = calloc(np * m->spec->nvars, sizeof(*x));
	y = calloc(np * m->spec->nvars, sizeof(*y));
	if (x == NULL || y == NULL) {
		free(x);
		free(y);
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	}
	for (v = 0; v < m->spec->nvars; v++) {
		n = mare_report_curve(m, v, np, x + v * np, y + v * np, err);
		if (n < 0) {
			rc = -1;
			goto done;
		}
		for (i = (size_t)n; i < np; i++)
			x[v * np + i] = y[v * np + i] = NAN;
		for (i = 0; i < (size_t)n; i++)
			if (y[v * np + i] > ymax)
				ymax = y[v * np + i];
	}
	out = mare_model_output_name(mare_model_default_output(m));
	if (!(ymax > 0))
		ymax = 1;
	ymax *= 1.05;
	section_open(fp, "response", "Response curves");
	fputs("<p class=\"note\">The model's prediction (", fp);
	h(fp, out);
	fputs(" output, clamped) as one variable runs over its training range "
	    "while the others stay at their training mean. Ticks on the "
	    "lower edge mark the training mean.</p>\n<div class=\"grid\">\n",
	    fp);
	for (v = 0; v < m->spec->nvars; v++) {
		const struct mare_featspec_var *var = &m->spec->vars[v];
		char b1[32], b2[32];

		a.x0 = var->st.min;
		a.x1 = var->st.max;
		if (var->categorical && var->nlevels > 0) {
			a.x0 = var->levels[0];
			a.x1 = var->levels[var->nlevels - 1];
		}
		a.y0 = 0;
		a.y1 = ymax;
		a.left = 64;
		a.top = 10;
		a.width = 250;
		a.height = 150;
		fputs("<figure>", fp);
		mare_svg_open(fp, 330, 222, var->name);
		mare_svg_axes_draw(fp, &a, var->name, out);
		mare_svg_polyline(fp, &a, x + v * np, y + v * np, np, BLUE,
		    2.5);
		if (!var->categorical && var->st.mean >= a.x0 &&
		    var->st.mean <= a.x1)
			fprintf(fp, "<path d=\"M%s %sv-8\" stroke=\"%s\" "
			    "stroke-width=\"2\"/>",
			    mare_svg_px(mare_svg_axes_x(&a, var->st.mean), b1,
			    sizeof(b1)), mare_svg_px(a.top + a.height, b2,
			    sizeof(b2)), VERMIL);
		mare_svg_close(fp);
		fputs("<figcaption>", fp);
		h(fp, var->name);
		fprintf(fp, ": mean %s, range %s", fmtg(var->st.mean, b1,
		    sizeof(b1)), fmtg(var->st.min, b2, sizeof(b2)));
		fprintf(fp, " to %s</figcaption></figure>\n",
		    fmtg(var->st.max, b1, sizeof(b1)));
	}
	fputs("</div>\n</section>\n", fp);
done:
	free(x);
	free(y);
	return rc;
}

static void
html_map(const struct mare_report_in *in, size_t k, double lo, double hi,
    FILE *fp)
{
	const struct mare_report_map *mp = in->maps[k];
	const char *name = in->map_names[k];
	struct mare_svg_axes a;
	double px, w, hgt;
	char col[8], b[64];
	size_t r, c, c2, drawn = 0;
	int lev, lev2;

	px = 600.0 / (double)mp->ncols;
	if (px * (double)mp->nrows > 700)
		px = 700.0 / (double)mp->nrows;
	w = px * (double)mp->ncols;
	hgt = px * (double)mp->nrows;
	a.x0 = mp->xll;
	a.x1 = mp->xll + mp->bsize * (double)mp->ncols;
	a.y1 = mp->ymax;
	a.y0 = mp->ymax - mp->bsize * (double)mp->nrows;
	a.left = 70;
	a.top = 10;
	a.width = w;
	a.height = hgt;
	fputs("<figure>", fp);
	mare_svg_open(fp, w + 90, hgt + 120, name ? name : "map");
	fputs("<g class=\"cells\" shape-rendering=\"crispEdges\">", fp);
	for (r = 0; r < mp->nrows; r++)
		for (c = 0; c < mp->ncols; c = c2) {
			float v = mp->v[r * mp->ncols + c];

			c2 = c + 1;
			if (isnan(v))
				continue;
			lev = hi > lo ? (int)lround((v - lo) / (hi - lo) *
			    255) : 128;
			while (c2 < mp->ncols && !isnan(mp->v[r * mp->ncols +
			    c2])) {
				lev2 = hi > lo ? (int)lround(
				    (mp->v[r * mp->ncols + c2] - lo) /
				    (hi - lo) * 255) : 128;
				if (lev2 != lev)
					break;
				c2++;
			}
			mare_svg_rect(fp, a.left + px * (double)c,
			    a.top + px * (double)r, px * (double)(c2 - c),
			    px, mare_svg_viridis_hex(lev / 255.0, col,
			    sizeof(col)));
		}
	fputs("</g>", fp);
	if (in->occ != NULL && in->occ->n > 0)
		drawn = mare_svg_points(fp, &a, in->occ->lon, in->occ->lat,
		    in->occ->n, 2.5, "#fff", "#000");
	mare_svg_axes_draw(fp, &a, "longitude (\xc2\xb0)",
	    "latitude (\xc2\xb0)");
	mare_svg_legend(fp, a.left, a.top + hgt + 66, w < 300 ? w : 300, 12,
	    lo, hi, name ? name : "value");
	mare_svg_close(fp);
	fputs("<figcaption>", fp);
	h(fp, name);
	fprintf(fp, ": %zu valid cells", mp->nvalid);
	if (mp->block > 1)
		fprintf(fp, ", shown as blocks of %zu \xc3\x97 %zu cells "
		    "(mean of the valid cells of each block)", mp->block,
		    mp->block);
	fprintf(fp, "; mean %s", fmtg(mp->mean, b, sizeof(b)));
	if (in->occ != NULL)
		fprintf(fp, "; %zu of %zu presences inside the map (white "
		    "dots)", drawn, in->occ->n);
	fputs(". Cells without data are left blank.</figcaption></figure>\n",
	    fp);
}

static void
html_maps(const struct mare_report_in *in, FILE *fp)
{
	double lo = INFINITY, hi = -INFINITY;
	size_t k;

	for (k = 0; k < in->nmaps; k++) {
		lo = in->maps[k]->min < lo ? in->maps[k]->min : lo;
		hi = in->maps[k]->max > hi ? in->maps[k]->max : hi;
	}
	section_open(fp, "map", in->nmaps > 1 ? "Suitability maps" :
	    "Suitability map");
	if (in->nmaps > 1)
		fputs("<p>The maps share one colour scale.</p>\n", fp);
	for (k = 0; k < in->nmaps; k++)
		html_map(in, k, lo, hi, fp);
	fputs("</section>\n", fp);
}

static void
html_validation(const struct mare_report_in *in, FILE *fp)
{
	const json_t *v = in->validation;
	json_t *rules, *e;
	const char *k;
	char b[64];

	section_open(fp, "validation", "Validation");
	fputs("<table class=\"kv\">\n", fp);
	kv_num(fp, "Records in", num_any(v, in_keys), -1);
	kv_num(fp, "Passed", num_any(v, pass_keys), -1);
	kv_num(fp, "Rejected", num_any(v, rej_keys), -1);
	fputs("</table>\n", fp);
	rules = validation_rules(v);
	if (rules != NULL && json_object_size(rules) > 0) {
		fputs("<h3>Rejected by rule</h3>\n<table><thead><tr><th>rule"
		    "</th><th class=\"n\">records</th></tr></thead><tbody>\n",
		    fp);
		json_object_foreach(rules, k, e) {
			fputs("<tr><td>", fp);
			h(fp, k);
			fprintf(fp, "</td><td class=\"n\">%s</td></tr>\n",
			    fmtg(json_number_value(e), b, sizeof(b)));
		}
		fputs("</tbody></table>\n", fp);
	}
	json_decref(rules);
	fputs("</section>\n", fp);
}

/* Reference and current histograms of a column, when the JSON has them. */
static void
html_hist(FILE *fp, const char *column, const json_t *c)
{
	const json_t *hg, *edges, *ref, *cur;
	struct mare_svg_axes a;
	double ymax = 0, x0, x1, v, sr = 0, sc = 0;
	size_t i, n;

	hg = json_object_get(c, "histogram");
	if (hg == NULL)
		hg = c;
	edges = json_object_get(hg, "edges");
	ref = json_object_get(hg, "reference");
	cur = json_object_get(hg, "current");
	n = json_array_size(ref);
	if (n == 0 || json_array_size(cur) != n ||
	    json_array_size(edges) != n + 1)
		return;
	for (i = 0; i < n; i++) {
		sr += json_number_value(json_array_get(ref, i));
		sc += json_number_value(json_array_get(cur, i));
	}
	if (sr <= 0 || sc <= 0)
		return;
	for (i = 0; i < n; i++) {
		v = json_number_value(json_array_get(ref, i)) / sr;
		ymax = v > ymax ? v : ymax;
		v = json_number_value(json_array_get(cur, i)) / sc;
		ymax = v > ymax ? v : ymax;
	}
	x0 = json_number_value(json_array_get(edges, 0));
	x1 = json_number_value(json_array_get(edges, n));
	if (!(x1 > x0) || !(ymax > 0))
		return;
	a.x0 = x0;
	a.x1 = x1;
	a.y0 = 0;
	a.y1 = ymax * 1.05;
	a.left = 64;
	a.top = 24;
	a.width = 250;
	a.height = 120;
	fputs("<figure>", fp);
	mare_svg_open(fp, 330, 200, column);
	for (i = 0; i < n; i++) {
		double e0 = json_number_value(json_array_get(edges, i));
		double e1 = json_number_value(json_array_get(edges, i + 1));
		double px0 = mare_svg_axes_x(&a, e0);
		double bw = (mare_svg_axes_x(&a, e1) - px0) / 2;
		double vr = json_number_value(json_array_get(ref, i)) / sr;
		double vc = json_number_value(json_array_get(cur, i)) / sc;

		mare_svg_rect(fp, px0, mare_svg_axes_y(&a, vr), bw,
		    mare_svg_axes_y(&a, 0) - mare_svg_axes_y(&a, vr), BLUE);
		mare_svg_rect(fp, px0 + bw, mare_svg_axes_y(&a, vc), bw,
		    mare_svg_axes_y(&a, 0) - mare_svg_axes_y(&a, vc), ORANGE);
	}
	mare_svg_axes_draw(fp, &a, column, "share");
	mare_svg_rect(fp, 70, 6, 10, 10, BLUE);
	mare_svg_text(fp, 84, 15, "start", 12, "reference");
	mare_svg_rect(fp, 160, 6, 10, 10, ORANGE);
	mare_svg_text(fp, 174, 15, "start", 12, "current");
	mare_svg_close(fp);
	fputs("</figure>\n", fp);
}

/* A drift column's means and their difference, as one table cell. */
static void
mean_shift(FILE *fp, const json_t *c)
{
	double r = num(c, "mean_reference"), k = num(c, "mean_current");
	char b1[64], b2[64], b3[64];

	if (isnan(r) || isnan(k)) {
		fputs("<td class=\"n\">\xe2\x80\x93</td>", fp);
		return;
	}
	fprintf(fp, "<td class=\"n\">%s \xe2\x86\x92 %s (%s%s)</td>",
	    fmtg(r, b1, sizeof(b1)), fmtg(k, b2, sizeof(b2)),
	    k - r >= 0 ? "+" : "", fmtg(k - r, b3, sizeof(b3)));
}

static void
html_drift(const struct mare_report_in *in, FILE *fp)
{
	json_t *cols, *c;
	const json_t *mess;
	const char *col, *vd, *sname;
	double val, out;
	char b[64];
	size_t i, ndrift = 0;

	cols = drift_columns(in->drift);
	section_open(fp, "drift", "Drift");
	json_array_foreach(cols, i, c)
		if (is_drift(verdict(c)))
			ndrift++;
	fprintf(fp, "<p>%zu of %zu columns drifted.</p>\n", ndrift,
	    json_array_size(cols));
	if (str(json_object_get(in->drift, "reference"), "source") != NULL &&
	    str(json_object_get(in->drift, "current"), "source") != NULL) {
		fputs("<p>Reference: <code>", fp);
		h(fp, str(json_object_get(in->drift, "reference"), "source"));
		fprintf(fp, "</code> (%s rows); current: <code>", fmtg(num(
		    json_object_get(in->drift, "reference"), "rows"), b,
		    sizeof(b)));
		h(fp, str(json_object_get(in->drift, "current"), "source"));
		fprintf(fp, "</code> (%s rows).</p>\n", fmtg(num(
		    json_object_get(in->drift, "current"), "rows"), b,
		    sizeof(b)));
	}
	mess = json_object_get(in->drift, "mess");
	if (!isnan(num(mess, "share_negative"))) {
		fprintf(fp, "<p>%s%% of the rows lie outside the reference's "
		    "conditions (MESS &lt; 0", fmt(100 * num(mess,
		    "share_negative"), 1, b, sizeof(b)));
		fprintf(fp, "; mean MESS %s): predictions there are "
		    "extrapolations.</p>\n", fmtg(num(mess, "mean"), b,
		    sizeof(b)));
	}
	fputs("<table class=\"kv\">\n", fp);
	kv_scalars(fp, in->drift, "");
	fputs("</table>\n", fp);
	if (json_array_size(cols) > 0) {
		fputs("<div class=\"scroll\"><table><thead><tr><th>column</th>"
		    "<th>statistic</th><th class=\"n\">value</th>"
		    "<th class=\"n\">threshold</th><th class=\"n\">outside "
		    "range</th><th class=\"n\">mean: reference \xe2\x86\x92 "
		    "current (shift)</th><th>verdict</th></tr>"
		    "</thead><tbody>\n", fp);
		json_array_foreach(cols, i, c) {
			col = str(c, "column");
			statistic(c, &sname, &val);
			vd = verdict(c);
			fputs("<tr><td>", fp);
			h(fp, col);
			fputs("</td><td>", fp);
			h(fp, sname);
			fprintf(fp, "</td><td class=\"n\">%s</td>",
			    fmt(val, 4, b, sizeof(b)));
			fprintf(fp, "<td class=\"n\">%s</td>",
			    fmtg(num(c, "threshold"), b, sizeof(b)));
			out = num(c, "out_of_range");
			if (isnan(out))
				fputs("<td class=\"n\">\xe2\x80\x93</td>", fp);
			else
				fprintf(fp, "<td class=\"n\">%s%%</td>",
				    fmt(100 * out, 1, b, sizeof(b)));
			mean_shift(fp, c);
			fputs("<td>", fp);
			if (vd != NULL) {
				fprintf(fp, "<span class=\"%s\">",
				    is_drift(vd) ? "drift" : "ok");
				h(fp, vd);
				fputs("</span>", fp);
			}
			fputs("</td></tr>\n", fp);
		}
		fputs("</tbody></table></div>\n<div class=\"grid\">\n", fp);
		for (i = 0; i < json_array_size(cols); i++) {
			c = json_array_get(cols, i);
			html_hist(fp, str(c, "column"), c);
		}
		fputs("</div>\n", fp);
	}
	json_decref(cols);
	fputs("</section>\n", fp);
}

static void
src_row(FILE *fp, const char *kind, const struct mare_report_src *s)
{
	if (s->path == NULL)
		return;
	fputs("<tr><td>", fp);
	h(fp, kind);
	fputs("</td><td><code>", fp);
	h(fp, s->path);
	fputs("</code></td><td class=\"hash\">", fp);
	h(fp, s->sha256[0] != '\0' ? s->sha256 : "unknown");
	fputs("</td></tr>\n", fp);
}

static void
prov_table(FILE *fp, const json_t *p, int with_inputs)
{
	const json_t *cmd, *ins, *e;
	char b[4096];
	size_t i, len = 0;

	fputs("<table class=\"kv\">\n", fp);
	cmd = json_object_get(p, "command");
	b[0] = '\0';
	json_array_foreach(cmd, i, e) {
		if (!json_is_string(e))
			continue;
		len += (size_t)snprintf(b + len, sizeof(b) - len, "%s%s",
		    i ? " " : "", json_string_value(e));
		if (len >= sizeof(b))
			break;
	}
	if (b[0] != '\0')
		kv_row(fp, "command", b);
	kv_scalars(fp, p, "");
	ins = with_inputs ? json_object_get(p, "inputs") : NULL;
	json_array_foreach(ins, i, e) {
		snprintf(b, sizeof(b), "%s  sha256:%s",
		    str(e, "path") ? str(e, "path") : "?",
		    str(e, "sha256") ? str(e, "sha256") : "unknown");
		kv_row(fp, "input", b);
	}
	fputs("</table>\n", fp);
}

static void
html_prov(const struct mare_report_in *in, FILE *fp)
{
	size_t i;

	section_open(fp, "provenance", "Provenance");
	fputs("<h3>Inputs of this report</h3>\n<div class=\"scroll\"><table>"
	    "<thead><tr><th>input</th><th>file</th><th>SHA-256</th></tr>"
	    "</thead><tbody>\n", fp);
	src_row(fp, "model", &in->src_model);
	for (i = 0; i < in->nmaps; i++)
		src_row(fp, "map", &in->src_maps[i]);
	src_row(fp, "occurrences", &in->src_occ);
	src_row(fp, "drift", &in->src_drift);
	src_row(fp, "validation", &in->src_validation);
	fputs("</tbody></table></div>\n", fp);
	if (in->prov != NULL) {
		fputs("<h3>This report</h3>\n", fp);
		prov_table(fp, in->prov, 0);
	}
	if (in->model != NULL && json_is_object(in->model->provenance)) {
		fputs("<h3>The model</h3>\n", fp);
		prov_table(fp, in->model->provenance, 1);
	}
	if (in->drift != NULL &&
	    json_is_object(json_object_get(in->drift, "provenance"))) {
		fputs("<h3>The drift check</h3>\n", fp);
		prov_table(fp, json_object_get(in->drift, "provenance"), 1);
	}
	fputs("</section>\n", fp);
}

/*
 * JSON in the head, as <meta name="NAME" content="..."> with the JSON
 * entity-escaped: machine-readable, and no script in the page. Returns 0,
 * or -1 when memory runs out.
 */
static int
embed_json(FILE *fp, const char *name, const json_t *j)
{
	char *t;

	if ((t = json_dumps(j, JSON_COMPACT)) == NULL)
		return -1;
	fprintf(fp, "<meta name=\"%s\" content=\"", name);
	h(fp, t);
	fputs("\">\n", fp);
	free(t);
	return 0;
}

static const char *
title_of(const struct mare_report_in *in)
{
	return in->title != NULL ? in->title : "mare report";
}

int
mare_report_html(const struct mare_report_in *in, FILE *fp,
    struct mare_err *err)
{
	const char *sp = species(in);

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>", fp);
	h(fp, title_of(in));
	fprintf(fp, "</title>\n<style>%s</style>\n", css);
	if (in->prov != NULL && embed_json(fp, "mare-provenance",
	    in->prov) != 0)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	fputs("</head>\n<body>\n<header><h1>", fp);
	h(fp, title_of(in));
	fputs("</h1>\n<p class=\"sub\">", fp);
	if (sp != NULL) {
		fputs("<i>", fp);
		h(fp, sp);
		fputs("</i> \xc2\xb7 ", fp);
	}
	fputs("mare ", fp);
	h(fp, mare_version());
	if (in->prov != NULL && str(in->prov, "created") != NULL) {
		fputs(" \xc2\xb7 ", fp);
		h(fp, str(in->prov, "created"));
	}
	fputs("</p>\n</header>\n<nav><ul><li><a href=\"#summary\">Summary"
	    "</a></li>", fp);
	if (in->model != NULL && json_is_object(in->model->cv))
		fputs("<li><a href=\"#cv\">Cross-validation</a></li>", fp);
	if (json_is_object(mpart(in, "roc")))
		fputs("<li><a href=\"#roc\">ROC</a></li>", fp);
	if (json_is_object(mpart(in, "tuning")))
		fputs("<li><a href=\"#tuning\">Tuning</a></li>", fp);
	if (in->model != NULL)
		fputs("<li><a href=\"#response\">Response curves</a></li>", fp);
	if (json_array_size(mpart(in, "importance")) > 0)
		fputs("<li><a href=\"#importance\">Importance</a></li>",
		    fp);
	if (in->nmaps > 0)
		fprintf(fp, "<li><a href=\"#map\">Map%s</a></li>",
		    in->nmaps > 1 ? "s" : "");
	if (in->validation != NULL)
		fputs("<li><a href=\"#validation\">Validation</a></li>", fp);
	if (in->drift != NULL)
		fputs("<li><a href=\"#drift\">Drift</a></li>", fp);
	fputs("<li><a href=\"#provenance\">Provenance</a></li></ul></nav>\n"
	    "<main>\n", fp);
	html_summary(in, fp);
	if (in->model != NULL) {
		html_cv(in, fp);
		if (html_roc(in, fp, err) != 0)
			return -1;
		html_tuning(in, fp);
		if (html_curves(in, fp, err) != 0 ||
		    html_importance(in, fp, err) != 0)
			return -1;
	}
	if (in->nmaps > 0)
		html_maps(in, fp);
	if (in->validation != NULL)
		html_validation(in, fp);
	if (in->drift != NULL)
		html_drift(in, fp);
	html_prov(in, fp);
	fputs("</main>\n</body>\n</html>\n", fp);
	return 0;
}

/* Text */

static void
text_roc_tuning(const struct mare_report_in *in, FILE *fp)
{
	const json_t *roc = mpart(in, "roc"), *t = mpart(in, "tuning"), *c,
	    *r;
	char b[64], b2[64], b3[160];
	size_t k, i;
	long sel;

	if (json_is_object(roc)) {
		fputs("== ROC\n", fp);
		for (k = 0; k < 2; k++) {
			c = json_object_get(roc, roc_curves[k].key);
			if (!json_is_object(c))
				fprintf(fp, "%-22s none in the model\n",
				    roc_curves[k].name);
			else
				fprintf(fp, "%-22s AUC %s (%zu points)\n",
				    roc_curves[k].name, fmt(num(c, "auc"), 4,
				    b, sizeof(b)), json_array_size(
				    json_object_get(c, "fpr")));
		}
	}
	if (json_is_object(t)) {
		r = json_object_get(t, "selected");
		sel = json_is_integer(r) ? (long)json_integer_value(r) : -1;
		fprintf(fp, "== Tuning (* selected%s%s)\n", str(t, "metric") ?
		    " by " : "", str(t, "metric") ? str(t, "metric") : "");
		fprintf(fp, "  %8s %-8s %17s %9s %9s %7s %s\n",
		    tuned_param(json_object_get(t, "rows")),
		    "features", "AUC test", "AUC train", "AICc", "nonzero",
		    "converged");
		json_array_foreach(json_object_get(t, "rows"), i, r) {
			snprintf(b3, sizeof(b3), "%s \xc2\xb1 ", fmt(num(r,
			    "auc_val_mean"), 4, b, sizeof(b)));
			snprintf(b3 + strlen(b3), sizeof(b3) - strlen(b3),
			    "%s", fmt(num(r, "auc_val_sd"), 4, b, sizeof(b)));
			fprintf(fp, "%c %8s %-8s %18s", (long)i == sel ? '*' :
			    ' ', fmtg(num(r, tuned_param(json_object_get(t,
			    "rows"))), b, sizeof(b)),
			    str(r, "features") ? str(r, "features") : "", b3);
			fprintf(fp, " %9s", fmt(num(r, "auc_train"), 4, b,
			    sizeof(b)));
			fprintf(fp, " %9s", isnan(num(r, "aicc")) ? "-" :
			    fmt(num(r, "aicc"), 1, b2, sizeof(b2)));
			fprintf(fp, " %7s %s\n", fmtg(num(r, "nonzero"), b,
			    sizeof(b)), json_is_true(json_object_get(r,
			    "converged")) ? "yes" : json_is_false(
			    json_object_get(r, "converged")) ? "no" : "-");
		}
	}
}

static int
text_importance(const struct mare_report_in *in, FILE *fp,
    struct mare_err *err)
{
	const json_t *imp = mpart(in, "importance"), *e;
	char b[64], b2[64], bar[3 * 30 + 1];
	const char *name;
	double vmax = 0, v;
	size_t k, j, n, len, *ix;

	if (!json_is_array(imp) || (n = json_array_size(imp)) == 0)
		return 0;
	if ((ix = importance_order(imp, n)) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	for (k = 0; k < n; k++)
		if (num(json_array_get(imp, k), "permutation") > vmax)
			vmax = num(json_array_get(imp, k), "permutation");
	fprintf(fp, "== Variable importance (%%)\n%-26s %11s %-30s %s\n",
	    "variable", "permutation", "", "contribution");
	for (k = 0; k < n; k++) {
		e = json_array_get(imp, ix[k]);
		v = num(e, "permutation");
		len = vmax > 0 && v > 0 ? (size_t)lround(v / vmax * 30) : 0;
		for (j = 0; j < len; j++)
			memcpy(bar + 3 * j, "\xe2\x96\x88", 3);
		bar[3 * len] = '\0';
		if ((name = str(e, "variable")) == NULL)
			name = "";
		fprintf(fp, "%-26s %11s ", name, fmtg(v, b, sizeof(b)));
		fprintf(fp, "%s%*s %s\n", bar, (int)(30 - len), "",
		    isnan(num(e, "contribution")) ? "-" : fmtg(num(e,
		    "contribution"), b2, sizeof(b2)));
	}
	free(ix);
	return 0;
}

int
mare_report_text(const struct mare_report_in *in, FILE *fp,
    struct mare_err *err)
{
	const struct mare_model *m = in->model;
	const size_t np = MARE_REPORT_CURVE_POINTS;
	const json_t *f, *sum;
	json_t *cols, *c, *rules, *e;
	double x[MARE_REPORT_CURVE_POINTS], y[MARE_REPORT_CURVE_POINTS];
	double sp[33], val;
	char b[64], b2[64], spark[33 * 3 + 1];
	const char *s, *k, *sname;
	size_t i, j;
	long n;

	fprintf(fp, "%s\n", title_of(in));
	fputs("== Summary\n", fp);
	if ((s = species(in)) != NULL)
		fprintf(fp, "%-22s %s\n", "species", s);
	if (m != NULL) {
		fprintf(fp, "%-22s %s (%s)\n", "model",
		    mare_model_type_name(m->type),
		    mare_model_output_name(mare_model_default_output(m)));
		fprintf(fp, "%-22s %zu (classes %s), %s non-zero\n",
		    "features", m->p, m->spec->classes,
		    fmtg(num(m->training, "nonzero"), b, sizeof(b)));
		fprintf(fp, "%-22s %zu\n", "presences", m->spec->npresence);
		fprintf(fp, "%-22s %zu\n", "background", m->spec->nbackground);
		if (json_is_object(m->hyper)) {
			json_object_foreach(m->hyper, k, e)
				fprintf(fp, "%-22s %s\n", k, scalar(e, b,
				    sizeof(b)));
		}
		fprintf(fp, "%-22s %s\n", "AUC training",
		    fmt(num(m->training, "auc"), 4, b, sizeof(b)));
		if (json_is_object(m->cv)) {
			sum = json_object_get(m->cv, "summary");
			fprintf(fp, "%-22s %s\n", "AUC cross-validated",
			    mean_sd(sum, "auc_val", b, sizeof(b)));
			fprintf(fp, "%-22s %s\n", "max TSS cross-valid.",
			    mean_sd(sum, "max_tss", b, sizeof(b)));
			fprintf(fp, "%-22s %s\n", "Boyce cross-validated",
			    mean_sd(sum, "boyce", b, sizeof(b)));
		}
	}
	if (in->occ != NULL)
		fprintf(fp, "%-22s %zu records, %zu with coordinates\n",
		    "occurrences", in->occ->in, in->occ->n);
	for (i = 0; i < in->nmaps; i++) {
		fprintf(fp, "%-22s %s: %zu valid cells, %s to ", "map",
		    in->map_names[i] ? in->map_names[i] : "map",
		    in->maps[i]->nvalid, fmtg(in->maps[i]->min, b, sizeof(b)));
		fprintf(fp, "%s, mean %s\n", fmtg(in->maps[i]->max, b,
		    sizeof(b)), fmtg(in->maps[i]->mean, b2, sizeof(b2)));
	}
	if (m != NULL && json_is_object(m->cv)) {
		fputs("== Cross-validation\nfold", fp);
		for (j = 0; j < 4; j++)
			fprintf(fp, " %12s", cvcols[j].head);
		fputs("\n", fp);
		json_array_foreach(json_object_get(m->cv, "folds"), i, f) {
			fprintf(fp, "%-4s", fmtg(num(f, "fold"), b, sizeof(b)));
			for (j = 0; j < 4; j++)
				fprintf(fp, " %12s", fmt(num(f,
				    cvcols[j].key), 4, b, sizeof(b)));
			fputs("\n", fp);
		}
		sum = json_object_get(m->cv, "summary");
		for (i = 0; i < 2; i++) {
			fprintf(fp, "%-4s", i == 0 ? "mean" : "sd");
			for (j = 0; j < 4; j++)
				fprintf(fp, " %12s", fmt(num(json_object_get(
				    sum, cvcols[j].key), i == 0 ? "mean" :
				    "sd"), 4, b, sizeof(b)));
			fputs("\n", fp);
		}
	}
	if (m != NULL)
		text_roc_tuning(in, fp);
	if (m != NULL) {
		fprintf(fp, "== Response curves (%s)\n",
		    mare_model_output_name(mare_model_default_output(m)));
		for (j = 0; j < m->spec->nvars; j++) {
			n = mare_report_curve(m, j, np, x, y, err);
			if (n < 0)
				return -1;
			for (i = 0; i < 33; i++)
				sp[i] = y[(i * ((size_t)n - 1)) / 32];
			fprintf(fp, "%-26s %10s %s ", m->spec->vars[j].name,
			    fmtg(x[0], b, sizeof(b)), mare_report_sparkline(sp,
			    33, spark, sizeof(spark)));
			fprintf(fp, "%-10s", fmtg(x[n - 1], b, sizeof(b)));
			val = -INFINITY;
			for (i = 0; i < (size_t)n; i++)
				val = y[i] > val ? y[i] : val;
			fprintf(fp, " max %s\n", fmt(val, 4, b, sizeof(b)));
		}
	}
	if (m != NULL && text_importance(in, fp, err) != 0)
		return -1;
	if (in->validation != NULL) {
		fputs("== Validation\n", fp);
		fprintf(fp, "%-22s %s\n", "in", fmtg(num_any(in->validation,
		    in_keys), b, sizeof(b)));
		fprintf(fp, "%-22s %s\n", "passed", fmtg(num_any(
		    in->validation, pass_keys), b, sizeof(b)));
		fprintf(fp, "%-22s %s\n", "rejected", fmtg(num_any(
		    in->validation, rej_keys), b, sizeof(b)));
		rules = validation_rules(in->validation);
		json_object_foreach(rules, k, e)
			fprintf(fp, "  %-20s %s\n", k, fmtg(
			    json_number_value(e), b, sizeof(b)));
		json_decref(rules);
	}
	if (in->drift != NULL) {
		fputs("== Drift\n", fp);
		cols = drift_columns(in->drift);
		fprintf(fp, "%-26s %-12s %10s %10s  %s\n", "column",
		    "statistic", "value", "threshold", "verdict");
		json_array_foreach(cols, i, c) {
			statistic(c, &sname, &val);
			fprintf(fp, "%-26s %-12s %10s ", str(c, "column"),
			    sname ? sname : "", fmt(val, 4, b, sizeof(b)));
			fprintf(fp, "%10s  %s\n", fmtg(num(c, "threshold"), b,
			    sizeof(b)), verdict(c) ? verdict(c) : "");
		}
		json_decref(cols);
	}
	fputs("== Inputs\n", fp);
	{
		const struct mare_report_src *srcs[5] = { &in->src_model,
		    &in->src_maps[0], &in->src_occ, &in->src_drift,
		    &in->src_validation };
		static const char *const names[5] = { "model", "map",
		    "occurrences", "drift", "validation" };

		for (i = 0; i < 5; i++)
			if (srcs[i]->path != NULL)
				fprintf(fp, "%-12s %s  %s\n", names[i],
				    srcs[i]->sha256[0] ? srcs[i]->sha256 :
				    "unknown", srcs[i]->path);
	}
	for (i = 1; i < in->nmaps; i++)
		if (in->src_maps[i].path != NULL)
			fprintf(fp, "%-12s %s  %s\n", "map",
			    in->src_maps[i].sha256[0] ? in->src_maps[i].sha256 :
			    "unknown", in->src_maps[i].path);
	return 0;
}

/* JSON */

static json_t *
jreal(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *
mare_report_json(const struct mare_report_in *in, struct mare_err *err)
{
	const struct mare_model *m = in->model;
	double x[MARE_REPORT_CURVE_POINTS], y[MARE_REPORT_CURVE_POINTS];
	json_t *o, *mo, *cu, *xs, *ys, *cols, *c, *d, *a;
	const char *sname;
	double val;
	size_t i, j, *ix;
	long n;

	o = json_object();
	if (o == NULL)
		goto nomem;
	json_object_set_new(o, "title", json_string(title_of(in)));
	if (species(in) != NULL)
		json_object_set_new(o, "species", json_string(species(in)));
	if (m != NULL) {
		mo = json_object();
		json_object_set_new(o, "model", mo);
		json_object_set_new(mo, "type",
		    json_string(mare_model_type_name(m->type)));
		json_object_set_new(mo, "output", json_string(
		    mare_model_output_name(mare_model_default_output(m))));
		json_object_set_new(mo, "features", json_integer((json_int_t)
		    m->p));
		json_object_set_new(mo, "presences", json_integer((json_int_t)
		    m->spec->npresence));
		json_object_set_new(mo, "background", json_integer(
		    (json_int_t)m->spec->nbackground));
		json_object_set(mo, "hyperparameters", m->hyper ? m->hyper :
		    json_null());
		json_object_set(mo, "training", m->training ? m->training :
		    json_null());
		json_object_set(mo, "cv_summary", json_is_object(m->cv) ?
		    json_object_get(m->cv, "summary") : json_null());
		if (json_is_object(mpart(in, "roc")))
			json_object_set(o, "roc", (json_t *)mpart(in, "roc"));
		if (json_is_object(mpart(in, "tuning")))
			json_object_set(o, "tuning", (json_t *)mpart(in,
			    "tuning"));
		if (json_is_array(mpart(in, "importance")) &&
		    (ix = importance_order(mpart(in, "importance"),
		    json_array_size(mpart(in, "importance")))) != NULL) {
			a = json_array();
			for (i = 0; i < json_array_size(mpart(in,
			    "importance")); i++)
				json_array_append(a, json_array_get(mpart(in,
				    "importance"), ix[i]));
			json_object_set_new(o, "importance", a);
			free(ix);
		}
		cu = json_array();
		json_object_set_new(o, "response", cu);
		for (j = 0; j < m->spec->nvars; j++) {
			n = mare_report_curve(m, j, MARE_REPORT_CURVE_POINTS,
			    x, y, err);
			if (n < 0) {
				json_decref(o);
				return NULL;
			}
			xs = json_array();
			ys = json_array();
			for (i = 0; i < (size_t)n; i++) {
				json_array_append_new(xs, jreal(x[i]));
				json_array_append_new(ys, jreal(y[i]));
			}
			json_array_append_new(cu, json_pack("{s:s,s:o,s:o}",
			    "variable", m->spec->vars[j].name, "x", xs,
			    "y", ys));
		}
	}
	for (i = 0; i < in->nmaps; i++) {
		const struct mare_report_map *mp = in->maps[i];

		c = json_pack("{s:s,s:I,s:I,s:I,s:I,s:o,s:o,s:o}", "layer",
		    in->map_names[i] ? in->map_names[i] : "", "blocks_x",
		    (json_int_t)mp->ncols, "blocks_y", (json_int_t)mp->nrows,
		    "block", (json_int_t)mp->block, "valid",
		    (json_int_t)mp->nvalid, "min", jreal(mp->min), "max",
		    jreal(mp->max), "mean", jreal(mp->mean));
		if (i == 0)
			json_object_set_new(o, "map", c);
		else {
			if (json_object_get(o, "more_maps") == NULL)
				json_object_set_new(o, "more_maps",
				    json_array());
			json_array_append_new(json_object_get(o, "more_maps"),
			    c);
		}
	}
	if (in->occ != NULL)
		json_object_set_new(o, "occurrences", json_pack("{s:I,s:I,"
		    "s:I}", "in", (json_int_t)in->occ->in, "points",
		    (json_int_t)in->occ->n, "skipped",
		    (json_int_t)in->occ->skipped));
	if (in->validation != NULL) {
		a = validation_rules(in->validation);
		json_object_set_new(o, "validation", json_pack("{s:o,s:o,s:o,"
		    "s:o}", "in", jreal(num_any(in->validation, in_keys)),
		    "passed", jreal(num_any(in->validation, pass_keys)),
		    "rejected", jreal(num_any(in->validation, rej_keys)),
		    "rules", a ? a : json_object()));
	}
	if (in->drift != NULL) {
		cols = drift_columns(in->drift);
		d = json_array();
		json_array_foreach(cols, i, c) {
			statistic(c, &sname, &val);
			json_array_append_new(d, json_pack("{s:s?,s:s?,s:o,"
			    "s:o,s:s?}", "column", str(c, "column"),
			    "statistic", sname, "value", jreal(val),
			    "threshold", jreal(num(c, "threshold")),
			    "verdict", verdict(c)));
		}
		json_decref(cols);
		json_object_set_new(o, "drift", d);
	}
	return o;
nomem:
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return NULL;
}
