/*
 * model.c - the mare-model(5) file: a fitted model, saved, loaded, applied
 *
 * The model is kept as a small typed core (type, spec, coefficients,
 * entropy, thresholds: all prediction needs) plus JSON values for the
 * documentation parts, written back verbatim. Writing builds one jansson
 * object in the key order of mare-model(5) and prints it with
 * mare_jsonl_write(), whose reals are the shortest round-trip text; the
 * embedded spec is the spec's own canonical JSON parsed into the tree.
 * Reading checks each field prediction relies on and reports the JSON path
 * of the first problem.
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
#include "featspec.h"
#include "io.h"
#include "jsonl.h"
#include "model.h"

#define PRED_BLOCK	256	/* feature rows computed at a time */

static const char *const type_names[] = { "logistic", "poisson", "maxent" };
static const char *const out_names[] = {
	"cloglog", "logistic", "exponential", "link", "class"
};

struct mare_model *
mare_model_new(enum mare_model_type type, struct mare_featspec *spec,
    struct mare_err *err)
{
	struct mare_model *m;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		mare_featspec_free(spec);
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	m->type = type;
	m->spec = spec;
	m->p = spec->nfeat;
	m->thr_min = m->thr_p10 = m->thr_maxtss = NAN;
	if ((m->beta = calloc(m->p > 0 ? m->p : 1, sizeof(double))) == NULL) {
		mare_model_free(m);
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	if (mare_featspec_hash(spec, NULL, m->spec_sha256, err) != 0) {
		mare_model_free(m);
		return NULL;
	}
	return m;
}

void
mare_model_free(struct mare_model *m)
{
	if (m == NULL)
		return;
	mare_featspec_free(m->spec);
	free(m->beta);
	json_decref(m->maxent);
	json_decref(m->hyper);
	json_decref(m->convergence);
	json_decref(m->training);
	json_decref(m->cv);
	json_decref(m->profile);
	json_decref(m->provenance);
	json_decref(m->tuning);
	json_decref(m->roc);
	json_decref(m->importance);
	free(m);
}

const char *
mare_model_type_name(enum mare_model_type t)
{
	if ((unsigned)t > MARE_MODEL_MAXENT)
		return "?";
	return type_names[t];
}

const char *
mare_model_output_name(enum mare_model_output o)
{
	if ((unsigned)o > MARE_MODEL_CLASS)
		return "default";
	return out_names[o];
}

int
mare_model_output_parse(const char *name, enum mare_model_output *o)
{
	size_t i;

	if (strcmp(name, "raw") == 0) {
		*o = MARE_MODEL_EXPONENTIAL;
		return 0;
	}
	for (i = 0; i <= MARE_MODEL_CLASS; i++)
		if (strcmp(name, out_names[i]) == 0) {
			*o = (enum mare_model_output)i;
			return 0;
		}
	return -1;
}

enum mare_model_output
mare_model_default_output(const struct mare_model *m)
{
	switch (m->type) {
	case MARE_MODEL_MAXENT:
		return MARE_MODEL_CLOGLOG;
	case MARE_MODEL_POISSON:
		return MARE_MODEL_EXPONENTIAL;
	default:
		return MARE_MODEL_LOGISTIC_OUT;
	}
}

double
mare_model_transform(const struct mare_model *m, double link,
    enum mare_model_output o)
{
	double h = m->type == MARE_MODEL_MAXENT ? m->entropy : 0.0;

	switch (o) {
	case MARE_MODEL_CLOGLOG:
		return -expm1(-exp(h + link));
	case MARE_MODEL_LOGISTIC_OUT:
		return 1.0 / (1.0 + exp(-(h + link)));
	case MARE_MODEL_EXPONENTIAL:
		return exp(link);
	default:
		return link;
	}
}

void
mare_model_pred_opts_init(struct mare_model_pred_opts *o)
{
	o->type = MARE_MODEL_DEFAULT;
	o->clamp = 1;
	o->threshold = NAN;
}

/* Resolve the type and threshold once per call. */
static int
resolve(const struct mare_model *m, const struct mare_model_pred_opts *o,
    enum mare_model_output *type, int *cls, double *thr,
    struct mare_err *err)
{
	*cls = o->type == MARE_MODEL_CLASS;
	*type = (o->type == MARE_MODEL_DEFAULT || *cls) ?
	    mare_model_default_output(m) : o->type;
	*thr = isnan(o->threshold) ? m->thr_p10 : o->threshold;
	if (*cls && isnan(*thr))
		return mare_err_set(err, MARE_E_USAGE, "class output needs a "
		    "threshold and the model holds none");
	return 0;
}

static double
finish(const struct mare_model *m, double link, enum mare_model_output type,
    int cls, double thr)
{
	double v = mare_model_transform(m, link, type);

	if (cls)
		return v >= thr ? 1.0 : 0.0;
	return v;
}

/*
 * What a prediction call needs: the nonzero coefficients (an L1 fit
 * leaves most at zero, and their features need not be computed) and a
 * block of feature rows.
 */
struct plan {
	size_t	 nnz;
	size_t	*idx;		/* nnz feature indices */
	double	*b;		/* nnz coefficients */
	double	*f;		/* PRED_BLOCK x nnz features */
	double	 y[PRED_BLOCK];	/* link minus intercept */
};

static void
plan_release(struct plan *pl)
{
	free(pl->idx);
	free(pl->b);
	free(pl->f);
}

static int
plan_init(struct plan *pl, const struct mare_model *m, size_t nrows,
    struct mare_err *err)
{
	size_t j, rows = nrows < PRED_BLOCK ? nrows : PRED_BLOCK;

	memset(pl, 0, sizeof(*pl));
	pl->idx = malloc((m->p + 1) * sizeof(*pl->idx));
	pl->b = malloc((m->p + 1) * sizeof(*pl->b));
	if (pl->idx == NULL || pl->b == NULL)
		goto nomem;
	for (j = 0; j < m->p; j++)
		if (m->beta[j] != 0) {
			pl->idx[pl->nnz] = j;
			pl->b[pl->nnz++] = m->beta[j];
		}
	pl->f = malloc((pl->nnz * (rows ? rows : 1) + 1) * sizeof(*pl->f));
	if (pl->f == NULL)
		goto nomem;
	return 0;
nomem:
	plan_release(pl);
	return mare_err_set(err, MARE_E_NOMEM, "out of memory");
}

/*
 * pl->y[0..n) = the n feature rows of pl->f times the coefficients, each
 * a plain sum in feature order: the bits of the full dot product over all
 * p features (the skipped terms are exact zeros), whatever the block size,
 * so a row predicted alone or in a block, from records, a tensor or
 * layers, gets the same value. (dgemv would reorder the sums and change
 * the last bits with the block's shape, for no gain: computing the
 * features, not this sum, is the cost.)
 */
static void
plan_link(struct plan *pl, size_t n)
{
	const double *f;
	double s;
	size_t r, k;

	for (r = 0; r < n; r++) {
		f = pl->f + r * pl->nnz;
		s = 0.0;
		for (k = 0; k < pl->nnz; k++)
			s += pl->b[k] * f[k];
		pl->y[r] = s;
	}
}

int
mare_model_predict(const struct mare_model *m, const double *raw,
    size_t nrows, const struct mare_model_pred_opts *o, double *out,
    size_t *noutside, struct mare_err *err)
{
	struct mare_model_pred_opts def;
	enum mare_model_output type;
	struct plan pl;
	double thr;
	size_t r0, r, n, nout = 0;
	int cls, k;

	if (o == NULL) {
		mare_model_pred_opts_init(&def);
		o = &def;
	}
	if (resolve(m, o, &type, &cls, &thr, err) != 0)
		return -1;
	if (plan_init(&pl, m, nrows, err) != 0)
		return -1;
	for (r0 = 0; r0 < nrows; r0 += n) {
		n = nrows - r0 < PRED_BLOCK ? nrows - r0 : PRED_BLOCK;
		for (r = 0; r < n; r++) {
			k = mare_featspec_apply_some(m->spec,
			    raw + (r0 + r) * m->spec->nvars,
			    o->clamp ? MARE_FEATSPEC_CLAMP : 0, pl.idx, pl.nnz,
			    pl.f + r * pl.nnz, err);
			if (k < 0) {
				char msg[sizeof(err->msg)];

				if (err != NULL) {
					snprintf(msg, sizeof(msg),
					    "row %zu: %.480s", r0 + r + 1,
					    err->msg);
					memcpy(err->msg, msg, sizeof(msg));
				}
				plan_release(&pl);
				return -1;
			}
			if (k > 0)
				nout++;
		}
		plan_link(&pl, n);
		for (r = 0; r < n; r++)
			out[r0 + r] = finish(m, m->intercept + pl.y[r], type,
			    cls, thr);
	}
	plan_release(&pl);
	if (noutside != NULL)
		*noutside = nout;
	return 0;
}

int
mare_model_predict_features(const struct mare_model *m, const double *feat,
    size_t nrows, const struct mare_model_pred_opts *o, double *out,
    struct mare_err *err)
{
	struct mare_model_pred_opts def;
	enum mare_model_output type;
	const struct mare_featspec_stats *st;
	struct plan pl;
	const double *x;
	double thr, v;
	size_t r0, r, n, j, k;
	int cls;

	if (o == NULL) {
		mare_model_pred_opts_init(&def);
		o = &def;
	}
	if (resolve(m, o, &type, &cls, &thr, err) != 0)
		return -1;
	if (plan_init(&pl, m, nrows, err) != 0)
		return -1;
	for (r0 = 0; r0 < nrows; r0 += n) {
		n = nrows - r0 < PRED_BLOCK ? nrows - r0 : PRED_BLOCK;
		for (r = 0; r < n; r++) {
			x = feat + (r0 + r) * m->p;
			for (j = 0; j < m->p; j++)
				if (!isfinite(x[j])) {
					plan_release(&pl);
					return mare_err_set(err, MARE_E_DATA,
					    "row %zu: '%s': not a finite "
					    "number", r0 + r + 1,
					    m->spec->feat[j].name);
				}
			for (k = 0; k < pl.nnz; k++) {
				v = x[pl.idx[k]];
				if (o->clamp) {
					st = &m->spec->feat[pl.idx[k]].st;
					if (v < st->min)
						v = st->min;
					if (v > st->max)
						v = st->max;
				}
				pl.f[r * pl.nnz + k] = v;
			}
		}
		plan_link(&pl, n);
		for (r = 0; r < n; r++)
			out[r0 + r] = finish(m, m->intercept + pl.y[r], type,
			    cls, thr);
	}
	plan_release(&pl);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Writing */

static json_t *
num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static int
set(json_t *o, const char *k, json_t *v)
{
	if (v == NULL)
		return -1;
	return json_object_set_new(o, k, v);
}

static json_t *
ref_or_null(json_t *v)
{
	return v != NULL ? json_incref(v) : json_null();
}

json_t *
mare_model_to_json(const struct mare_model *m, struct mare_err *err)
{
	json_t *o, *link, *beta, *spec, *thr;
	json_error_t jerr;
	char *text, ver[32];
	size_t j, len;
	int bad = 0;

	if ((text = mare_featspec_to_json(m->spec, &len, err)) == NULL)
		return NULL;
	spec = json_loadb(text, len, 0, &jerr);
	free(text);
	if (spec == NULL) {
		mare_err_set(err, MARE_E_INTERNAL, "spec JSON: %s", jerr.text);
		return NULL;
	}
	o = json_object();
	link = json_object();
	beta = json_array();
	thr = json_object();
	if (o == NULL || link == NULL || beta == NULL || thr == NULL) {
		json_decref(spec);
		json_decref(o);
		json_decref(link);
		json_decref(beta);
		json_decref(thr);
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	for (j = 0; j < m->p; j++)
		bad |= json_array_append_new(beta, json_real(m->beta[j]));
	bad |= set(link, "intercept", json_real(m->intercept));
	bad |= set(link, "beta", beta);
	bad |= set(thr, "scale", json_string(mare_model_output_name(
	    mare_model_default_output(m))));
	bad |= set(thr, "min_presence", num_or_null(m->thr_min));
	bad |= set(thr, "p10_presence", num_or_null(m->thr_p10));
	bad |= set(thr, "max_tss", num_or_null(m->thr_maxtss));
	snprintf(ver, sizeof(ver), "%d.%d", MARE_MODEL_MAJOR,
	    MARE_MODEL_MINOR);
	bad |= set(o, "format", json_string(MARE_MODEL_FORMAT));
	bad |= set(o, "version", json_string(ver));
	bad |= set(o, "type", json_string(mare_model_type_name(m->type)));
	bad |= set(o, "output", json_string(mare_model_output_name(
	    mare_model_default_output(m))));
	bad |= set(o, "link", link);
	bad |= set(o, "entropy", json_real(m->entropy));
	bad |= set(o, "spec_sha256", json_string(m->spec_sha256));
	bad |= set(o, "features", spec);
	bad |= set(o, "thresholds", thr);
	bad |= set(o, "maxent", ref_or_null(m->maxent));
	bad |= set(o, "hyperparameters", ref_or_null(m->hyper));
	bad |= set(o, "convergence", ref_or_null(m->convergence));
	bad |= set(o, "training", ref_or_null(m->training));
	bad |= set(o, "cv", ref_or_null(m->cv));
	bad |= set(o, "profile", ref_or_null(m->profile));
	bad |= set(o, "provenance", ref_or_null(m->provenance));
	bad |= set(o, "tuning", ref_or_null(m->tuning));
	bad |= set(o, "roc", ref_or_null(m->roc));
	bad |= set(o, "importance", ref_or_null(m->importance));
	if (bad) {
		json_decref(o);
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	return o;
}

int
mare_model_save(const struct mare_model *m, const char *path,
    struct mare_err *err)
{
	struct mare_out *out;
	json_t *o;

	if ((o = mare_model_to_json(m, err)) == NULL)
		return -1;
	if ((out = mare_out_open(path, 0, err)) == NULL) {
		json_decref(o);
		return -1;
	}
	if (mare_jsonl_write(mare_out_file(out), o, err) != 0) {
		json_decref(o);
		mare_out_abort(out);
		return -1;
	}
	json_decref(o);
	return mare_out_commit(out, err);
}

/* ------------------------------------------------------------------ */
/* Reading */

static int bad(struct mare_err *, const char *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
bad(struct mare_err *err, const char *src, const char *fmt, ...)
{
	char m[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	mare_err_set(err, MARE_E_DATA, "%s", m);
	mare_err_at(err, src, 0, 0);
	return -1;
}

static int
get_num(json_t *o, const char *key, const char *path, int nullable,
    double *v, const char *src, struct mare_err *err)
{
	json_t *x = json_object_get(o, key);

	if (x == NULL)
		return bad(err, src, "%s.%s: missing", path, key);
	if (nullable && json_is_null(x)) {
		*v = NAN;
		return 0;
	}
	if (!json_is_number(x))
		return bad(err, src, "%s.%s: expected a number", path, key);
	*v = json_number_value(x);
	return 0;
}

/* Take an object or null member into *dst (NULL for null). */
static int
get_part(json_t *o, const char *key, json_t **dst, const char *src,
    struct mare_err *err)
{
	json_t *x = json_object_get(o, key);

	if (x == NULL)
		return bad(err, src, "$.%s: missing%s", key, "");
	if (json_is_null(x))
		return 0;
	if (!json_is_object(x))
		return bad(err, src, "$.%s: expected an object or null%s", key,
		    "");
	*dst = json_incref(x);
	return 0;
}

/*
 * A key added by a minor version: absent or null gives NULL; otherwise an
 * object (or an array when array is set).
 */
static int
get_opt_part(json_t *o, const char *key, int array, json_t **dst,
    const char *src, struct mare_err *err)
{
	json_t *x = json_object_get(o, key);

	if (x == NULL || json_is_null(x))
		return 0;
	if (array ? !json_is_array(x) : !json_is_object(x))
		return bad(err, src, "$.%s: expected %s or null", key,
		    array ? "an array" : "an object");
	*dst = json_incref(x);
	return 0;
}

static int
parse_version(const char *s, int *major)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9' || v > 1000000)
		return -1;
	strtol(end + 1, &end, 10);
	if (*end != '\0')
		return -1;
	*major = (int)v;
	return 0;
}

static struct mare_model *
from_tree(json_t *root, const char *src, struct mare_err *err)
{
	struct mare_featspec *fs;
	struct mare_model *m;
	json_t *x, *link, *beta, *thr;
	const char *s;
	char *text, want[65], num[32];
	size_t i, ntype;
	int major;
	enum mare_model_type type = MARE_MODEL_LOGISTIC;

	if (!json_is_object(root)) {
		bad(err, src, "$: expected a JSON object%s%s", "", "");
		return NULL;
	}
	x = json_object_get(root, "format");
	if (!json_is_string(x) || strcmp(json_string_value(x),
	    MARE_MODEL_FORMAT) != 0) {
		bad(err, src, "$.format: expected \"%s\"%s", MARE_MODEL_FORMAT,
		    "");
		return NULL;
	}
	x = json_object_get(root, "version");
	if (!json_is_string(x) || parse_version(json_string_value(x),
	    &major) != 0) {
		bad(err, src, "$.version: expected \"MAJOR.MINOR\"%s%s", "",
		    "");
		return NULL;
	}
	if (major > MARE_MODEL_MAJOR || major < 1) {
		snprintf(num, sizeof(num), "%d.x", MARE_MODEL_MAJOR);
		bad(err, src, "$.version: format version %s is not supported "
		    "(this mare reads %s)", json_string_value(x), num);
		return NULL;
	}
	x = json_object_get(root, "type");
	s = json_is_string(x) ? json_string_value(x) : "";
	ntype = sizeof(type_names) / sizeof(type_names[0]);
	for (i = 0; i < ntype; i++)
		if (strcmp(s, type_names[i]) == 0) {
			type = (enum mare_model_type)i;
			break;
		}
	if (i == ntype) {
		bad(err, src, "$.type: %s%s", x == NULL ? "missing" :
		    "expected \"logistic\", \"poisson\" or \"maxent\"", "");
		return NULL;
	}
	x = json_object_get(root, "features");
	if (!json_is_object(x)) {
		bad(err, src, "$.features: %s%s", x == NULL ? "missing" :
		    "expected an object", "");
		return NULL;
	}
	if ((text = json_dumps(x, JSON_COMPACT | JSON_PRESERVE_ORDER)) ==
	    NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	fs = mare_featspec_from_json(text, strlen(text), "$.features", err);
	free(text);
	if (fs == NULL) {
		if (err != NULL) {
			char msg[sizeof(err->msg)];

			snprintf(msg, sizeof(msg), "%.200s: %.300s",
			    err->where, err->msg);
			memcpy(err->msg, msg, sizeof(msg));
			err->where[0] = '\0';
		}
		mare_err_at(err, src, 0, 0);
		return NULL;
	}
	if ((m = mare_model_new(type, fs, err)) == NULL)
		return NULL;
	x = json_object_get(root, "spec_sha256");
	if (x != NULL && !json_is_null(x)) {
		if (!json_is_string(x)) {
			bad(err, src, "$.spec_sha256: expected a string%s%s",
			    "", "");
			goto fail;
		}
		memcpy(want, m->spec_sha256, sizeof(want));
		if (strcmp(json_string_value(x), want) != 0) {
			bad(err, src, "$.spec_sha256: %s does not match the "
			    "embedded spec (%s)", json_string_value(x), want);
			goto fail;
		}
	}
	link = json_object_get(root, "link");
	if (!json_is_object(link)) {
		bad(err, src, "$.link: %s%s", link == NULL ? "missing" :
		    "expected an object", "");
		goto fail;
	}
	if (get_num(link, "intercept", "$.link", 0, &m->intercept, src,
	    err) != 0)
		goto fail;
	beta = json_object_get(link, "beta");
	if (!json_is_array(beta) || json_array_size(beta) != m->p) {
		char a[48], b[48];

		snprintf(a, sizeof(a), "%zu", m->p);
		if (json_is_array(beta))
			snprintf(b, sizeof(b), "%zu", json_array_size(beta));
		else
			snprintf(b, sizeof(b), "%s", beta == NULL ? "none" :
			    "no array");
		bad(err, src, "$.link.beta: expected %s numbers (one per "
		    "feature), got %s", a, b);
		goto fail;
	}
	for (i = 0; i < m->p; i++) {
		x = json_array_get(beta, i);
		if (!json_is_number(x)) {
			snprintf(num, sizeof(num), "%zu", i);
			bad(err, src, "$.link.beta[%s]: expected a number%s",
			    num, "");
			goto fail;
		}
		m->beta[i] = json_number_value(x);
	}
	if (get_num(root, "entropy", "$", 0, &m->entropy, src, err) != 0)
		goto fail;
	thr = json_object_get(root, "thresholds");
	if (!json_is_object(thr)) {
		bad(err, src, "$.thresholds: %s%s", thr == NULL ? "missing" :
		    "expected an object", "");
		goto fail;
	}
	if (get_num(thr, "min_presence", "$.thresholds", 1, &m->thr_min, src,
	    err) != 0 ||
	    get_num(thr, "p10_presence", "$.thresholds", 1, &m->thr_p10, src,
	    err) != 0 ||
	    get_num(thr, "max_tss", "$.thresholds", 1, &m->thr_maxtss, src,
	    err) != 0)
		goto fail;
	if (get_part(root, "maxent", &m->maxent, src, err) != 0 ||
	    get_part(root, "hyperparameters", &m->hyper, src, err) != 0 ||
	    get_part(root, "convergence", &m->convergence, src, err) != 0 ||
	    get_part(root, "training", &m->training, src, err) != 0 ||
	    get_part(root, "cv", &m->cv, src, err) != 0 ||
	    get_part(root, "profile", &m->profile, src, err) != 0 ||
	    get_part(root, "provenance", &m->provenance, src, err) != 0 ||
	    get_opt_part(root, "tuning", 0, &m->tuning, src, err) != 0 ||
	    get_opt_part(root, "roc", 0, &m->roc, src, err) != 0 ||
	    get_opt_part(root, "importance", 1, &m->importance, src,
	    err) != 0)
		goto fail;
	return m;
fail:
	mare_model_free(m);
	return NULL;
}

struct mare_model *
mare_model_from_json(const char *text, size_t len, const char *src,
    struct mare_err *err)
{
	struct mare_model *m;
	json_error_t jerr;
	json_t *root;

	if (src == NULL)
		src = "<stdin>";
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		mare_err_set(err, MARE_E_DATA, "invalid JSON: %s", jerr.text);
		mare_err_at(err, src, (unsigned long)jerr.line,
		    (unsigned long)jerr.column);
		return NULL;
	}
	m = from_tree(root, src, err);
	json_decref(root);
	return m;
}

struct mare_model *
mare_model_load(const char *path, struct mare_err *err)
{
	struct mare_model *m;
	const char *name;
	FILE *fp;
	char *buf;
	size_t len;

	if ((fp = mare_in_open(path, &name, err)) == NULL)
		return NULL;
	buf = mare_in_slurp(fp, name, MARE_MODEL_MAX_JSON, &len, err);
	mare_in_close(fp);
	if (buf == NULL)
		return NULL;
	m = mare_model_from_json(buf, len, name, err);
	free(buf);
	return m;
}
