/*
 * model.h - the mare-model(5) file: a fitted model, saved, loaded, applied
 *
 * A model is a linear predictor over the features of a feature spec
 * (featspec.h): link = intercept + sum_j beta_j f_j(raw), where f is the
 * spec applied to a row of raw variables. Every model carries its spec, so
 * training and prediction turn raw values into features with the same
 * code (mare_featspec_apply()) and cannot disagree. Models of plain
 * covariates use a spec of linear features only.
 *
 * Output types (enum mare_model_output) from the link value eta:
 *   link         eta
 *   exponential  exp(eta)                      (MaxEnt's "raw"; Poisson mean)
 *   cloglog      1 - exp(-exp(H + eta))        (H: entropy, maxent only; 0
 *                                               for the other models)
 *   logistic     1 / (1 + exp(-(H + eta)))     (maxent: tau = 0.5 as maxnet;
 *                                               logistic regression: the
 *                                               probability)
 *   class        1 when the model's default type >= threshold, else 0
 * The default type is cloglog for maxent, logistic for logistic regression
 * and exponential for Poisson regression. Clamping (on by default) is
 * maxnet's: variables to their training ranges, then features to theirs.
 *
 * Serialisation: mare_model_to_json() builds the object in the fixed key
 * order of mare-model(5); mare_model_save() writes it as one line with
 * mare_jsonl_write() (reals in the shortest text that reads back to the
 * same double), so save -> load -> save gives the same bytes. The parts
 * that prediction does not need (hyperparameters, convergence, maxent
 * details, training figures, CV table, profile, provenance) are kept as
 * JSON values in the struct and written back as they were read.
 *
 * Keys added by a minor version (tuning, roc, importance in 1.1) are
 * optional on read, so that files of 1.0 still load; they are always
 * written (null when unknown).
 *
 * Loading checks everything prediction relies on and names the JSON path
 * of the first problem: "m.json: $.link.beta: expected 12 numbers, got
 * 11"; a major format version above MARE_MODEL_MAJOR is refused.
 *
 * Ownership: a model from mare_model_new() or mare_model_load() belongs to
 * the caller (mare_model_free()). It owns its spec, arrays and JSON
 * references; setters that take json_t * steal the reference.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_MODEL_H
#define MARE_MODEL_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"
#include "featspec.h"

#define MARE_MODEL_FORMAT	"mare-model"
#define MARE_MODEL_MAJOR	1
#define MARE_MODEL_MINOR	1	/* 1.1: tuning, roc, importance */
#define MARE_MODEL_MAX_JSON	(512UL << 20)	/* bytes of a model file */

enum mare_model_type {
	MARE_MODEL_LOGISTIC = 0,
	MARE_MODEL_POISSON,
	MARE_MODEL_MAXENT
};

enum mare_model_output {
	MARE_MODEL_CLOGLOG = 0,
	MARE_MODEL_LOGISTIC_OUT,
	MARE_MODEL_EXPONENTIAL,
	MARE_MODEL_LINK,
	MARE_MODEL_CLASS,
	MARE_MODEL_DEFAULT	/* the model's default type */
};

struct mare_model {
	enum mare_model_type type;
	struct mare_featspec *spec;	/* owned */
	char	 spec_sha256[65];
	size_t	 p;			/* spec->nfeat */
	double	 intercept;		/* of the link (maxent: maxnet's alpha) */
	double	*beta;			/* p coefficients, owned */
	double	 entropy;		/* maxent; 0 otherwise */
	/* Thresholds on the default type's scale; NaN when unknown. */
	double	 thr_min;		/* minimum training presence */
	double	 thr_p10;		/* 10th percentile training presence */
	double	 thr_maxtss;		/* cut-off of the maximum TSS */
	/* Documentation parts: JSON objects (or NULL: written as null). */
	json_t	*maxent;		/* maxent details, see mare-model(5) */
	json_t	*hyper;			/* hyperparameters */
	json_t	*convergence;
	json_t	*training;		/* figures on the training data */
	json_t	*cv;			/* cross-validation table */
	json_t	*profile;		/* reference profile for drift */
	json_t	*provenance;
	/* Since 1.1; optional on read (absent: NULL). */
	json_t	*tuning;		/* object: the --tune table */
	json_t	*roc;			/* object: ROC curves */
	json_t	*importance;		/* array: variable importance */
};

/* Lifecycle */

/*
 * A new model of type over spec (which the model now owns, also on
 * failure), with p = spec->nfeat zero coefficients, intercept 0, entropy
 * 0, thresholds NaN, documentation parts NULL. NULL with MARE_E_NOMEM
 * (or the errors of mare_featspec_hash()).
 */
struct mare_model *mare_model_new(enum mare_model_type type,
	    struct mare_featspec *spec, struct mare_err *err);
/* Free the model and all it owns. NULL is a no-op. */
void	mare_model_free(struct mare_model *m);

/* Names */

/* "logistic", "poisson", "maxent". */
const char *mare_model_type_name(enum mare_model_type t);
/* "cloglog", "logistic", "exponential", "link", "class". */
const char *mare_model_output_name(enum mare_model_output o);
/*
 * Parse an output type name ("raw" is accepted for exponential). Returns
 * 0 or -1 (unknown name; err not touched).
 */
int	mare_model_output_parse(const char *name, enum mare_model_output *o);
/* The default output type of the model (see above). */
enum mare_model_output mare_model_default_output(const struct mare_model *m);

/* Predicting */

/*
 * Transform one link value to output type o (not MARE_MODEL_CLASS nor
 * MARE_MODEL_DEFAULT: those are resolved by the callers below).
 */
double	mare_model_transform(const struct mare_model *m, double link,
	    enum mare_model_output o);

struct mare_model_pred_opts {
	enum mare_model_output type;	/* MARE_MODEL_DEFAULT by default */
	int	 clamp;			/* 1 by default */
	double	 threshold;		/* class: NaN = the model's thr_p10 */
};

/* Defaults: the default type, clamping on, threshold NaN. */
void	mare_model_pred_opts_init(struct mare_model_pred_opts *o);

/*
 * Predict nrows rows of raw variables (row-major, spec->nvars values per
 * row, in the spec's variable order) into out[0..nrows). *noutside (may
 * be NULL) receives the number of rows with a variable outside the
 * training range. Returns 0, or -1 with MARE_E_DATA "row N: 'SST': not
 * a finite number" (rows count from 1), MARE_E_USAGE for class without a
 * threshold, MARE_E_NOMEM. Work memory: one feature row.
 */
int	mare_model_predict(const struct mare_model *m, const double *raw,
	    size_t nrows, const struct mare_model_pred_opts *o, double *out,
	    size_t *noutside, struct mare_err *err);
/*
 * The same from feature rows (p values per row, as the spec computes
 * them); clamping then clamps each feature to its training range only.
 */
int	mare_model_predict_features(const struct mare_model *m,
	    const double *feat, size_t nrows,
	    const struct mare_model_pred_opts *o, double *out,
	    struct mare_err *err);

/* Serialising */

/* The model as a new JSON object (see mare-model(5)); NULL: no memory. */
json_t	*mare_model_to_json(const struct mare_model *m,
	    struct mare_err *err);
/*
 * Parse and check a model from text. src names it in messages. Returns a
 * new model, or NULL with MARE_E_DATA naming the JSON path.
 */
struct mare_model *mare_model_from_json(const char *text, size_t len,
	    const char *src, struct mare_err *err);
/* Write atomically (mare_out_*; "-" or NULL: stdout). 0 or -1. */
int	mare_model_save(const struct mare_model *m, const char *path,
	    struct mare_err *err);
/* Read a model file; MARE_E_NOINPUT when it cannot be opened. */
struct mare_model *mare_model_load(const char *path, struct mare_err *err);

#endif /* MARE_MODEL_H */
