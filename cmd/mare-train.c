/*
 * mare-train - fit MaxEnt (maxnet), penalised logistic or Poisson models
 *
 * Reads a mare-tensor(5) of training rows: a label column, an optional
 * weight column, optional lon/lat columns and the raw variables. The
 * feature spec is either given (--spec, e.g. the one mare-featurize
 * wrote) or fitted here from the training rows (--features); in both
 * cases the spec turns the raw variables into features with
 * mare_featspec_apply(), the very code mare-predict runs, so training and
 * prediction cannot disagree. The model, its spec and everything needed to
 * reproduce each output type go into one mare-model(5) file.
 *
 * Algorithms live in lib/train.c, lib/optim.c and lib/model.c; this file
 * reads, wires and reports.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "blas.h"
#include "cli.h"
#include "cv.h"
#include "featspec.h"
#include "io.h"
#include "mare.h"
#include "mem.h"
#include "metrics.h"
#include "model.h"
#include "par.h"
#include "profile.h"
#include "prom.h"
#include "prov.h"
#include "tensor.h"
#include "train.h"

enum {
	OPT_ALPHA = MARE_OPT_CMD,
	OPT_CV,
	OPT_CV_GRID,
	OPT_CV_SCHEME,
	OPT_FEATURES,
	OPT_FOLDS_COLUMN,
	OPT_LABEL,
	OPT_LAMBDA,
	OPT_MAX_ITER,
	OPT_NO_ADD,
	OPT_OFFSET,
	OPT_PENALTY,
	OPT_REGMULT,
	OPT_SELECT,
	OPT_SPEC,
	OPT_TOL,
	OPT_TUNE,
	OPT_WEIGHT
};

static const struct option longopts[] = {
	{ "alpha",		required_argument, NULL, OPT_ALPHA },
	{ "cost",		required_argument, NULL, 'C' },
	{ "cv",			required_argument, NULL, OPT_CV },
	{ "cv-grid",		required_argument, NULL, OPT_CV_GRID },
	{ "cv-scheme",		required_argument, NULL, OPT_CV_SCHEME },
	{ "features",		required_argument, NULL, OPT_FEATURES },
	{ "folds-column",	required_argument, NULL, OPT_FOLDS_COLUMN },
	{ "label",		required_argument, NULL, OPT_LABEL },
	{ "lambda",		required_argument, NULL, OPT_LAMBDA },
	{ "max-iter",		required_argument, NULL, OPT_MAX_ITER },
	{ "method",		required_argument, NULL, 'm' },
	{ "no-add-samples",	no_argument,	   NULL, OPT_NO_ADD },
	{ "offset",		required_argument, NULL, OPT_OFFSET },
	{ "penalty",		required_argument, NULL, OPT_PENALTY },
	{ "regmult",		required_argument, NULL, OPT_REGMULT },
	{ "select",		required_argument, NULL, OPT_SELECT },
	{ "spec",		required_argument, NULL, OPT_SPEC },
	{ "tol",		required_argument, NULL, OPT_TOL },
	{ "tune",		required_argument, NULL, OPT_TUNE },
	{ "weight",		required_argument, NULL, OPT_WEIGHT },
	MARE_CLI_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

#define MAX_TUNE	64	/* values per tuned parameter */

struct opts {
	struct mare_cli_common common;
	enum mare_model_type type;
	const char	*input;
	const char	*spec;
	const char	*features;
	const char	*label;
	const char	*weight;
	const char	*offset;
	struct mare_train_opts t;
	int		 penalty_set, lambda_set, cost_set;
	double		 cost;
	unsigned long long cv;
	enum mare_cv_scheme scheme;
	int		 scheme_set;
	double		 grid;
	const char	*folds;
	double		 tune_rm[MAX_TUNE];	/* regmult or lambda */
	size_t		 ntune_rm;
	int		 tune_lambda;	/* tune_rm holds lambdas */
	int		 select_set;
	char		 tune_fc[MAX_TUNE][16];
	size_t		 ntune_fc;
	enum mare_cv_select select;
	int		 argc;
	char		**argv;
};

static void
usage(FILE *fp)
{
	fputs(
"Usage:\n"
" mare-train [options] -m <method> [<tensor>]\n"
"\n"
"Fit a model to the training rows of a tensor (label, optional weight,\n"
"raw variables, optional lon/lat) and write a mare-model(5) JSON file.\n"
"\n"
"Options:\n"
" -m, --method <m>         maxent, logistic or poisson\n"
"     --spec <file>        feature spec to use (default: fit one here)\n"
"     --features <classes> classes of the fitted spec: default or letters\n"
"                          of lqpht (maxent: default; others: l)\n"
"     --label <name>       label column (default: label)\n"
"     --weight <name>      weight column (default: weight, if present)\n"
"     --offset <name>      poisson: offset column (log exposure), added\n"
"                          to the linear predictor\n"
"     --regmult <x>        maxent: regularisation multiplier (default: 1)\n"
"     --no-add-samples     maxent: do not add presences to the background\n"
"     --penalty <p>        l2, l1 or elasticnet (default: l2)\n"
"     --lambda <x>         penalty strength (default: 1/n)\n"
" -C, --cost <c>           liblinear's C: lambda = 1 / (C n)\n"
"     --alpha <a>          elastic-net mixing in (0, 1) (default: 0.5)\n"
"     --tol <x>            convergence tolerance on the KKT violation;\n"
"                          maxent: glmnet's thresh (default: 1e-7)\n"
"     --max-iter <n>       outer iterations per fit (default: 1000)\n"
"     --cv <k>             k-fold cross-validation (2..100)\n"
"     --cv-scheme <s>      random (stratified), block, checkerboard1,\n"
"                          checkerboard2 or user (default: random, or\n"
"                          user with --folds-column)\n"
"     --cv-grid <deg>      checkerboard cell size in degrees, origin at\n"
"                          lon -180, lat 90 (raster resolution times\n"
"                          ENMeval's aggregation factor)\n"
"     --folds-column <col> fold of each row: 1..k, 0 = never held out\n"
"     --tune <p>=<v>,...   tune over regmult=<x>,... (maxent) or\n"
"                          lambda=<x>,... (others) and/or\n"
"                          features=<classes>,...; each cell is cross-\n"
"                          validated and the best refitted on all rows\n"
"     --select <metric>    auc_val (default), aicc, auc_diff,\n"
"                          omission_p10, boyce, max_tss; deviance\n"
"                          (poisson: mean CV deviance explained)\n"
"\n", fp);
	fputs(MARE_CLI_COMMON_HELP, fp);
}

/*
 * One --tune argument: "regmult=0.5,1,2" (maxent), "lambda=0.01,0.1"
 * (logistic, poisson) or "features=l,lq,lqh", or several joined by ';'.
 */
static int
parse_tune(const char *optarg, struct opts *o, struct mare_err *err)
{
	char arg[2048], *part, *val, *v, *sp = NULL, *sv = NULL;
	int rm;

	/* argv stays intact: the provenance records the command */
	if (strlen(optarg) >= sizeof(arg))
		return mare_err_set(err, MARE_E_USAGE, "--tune value too "
		    "long");
	memcpy(arg, optarg, strlen(optarg) + 1);
	for (part = strtok_r(arg, ";", &sp); part != NULL;
	    part = strtok_r(NULL, ";", &sp)) {
		if ((val = strchr(part, '=')) == NULL)
			return mare_err_set(err, MARE_E_USAGE, "invalid "
			    "--tune value '%s': expected regmult=<x>,..., "
			    "lambda=<x>,... or features=<classes>,...", part);
		*val++ = '\0';
		if (strcmp(part, "regmult") == 0 ||
		    strcmp(part, "lambda") == 0)
			rm = 1;
		else if (strcmp(part, "features") == 0)
			rm = 0;
		else
			return mare_err_set(err, MARE_E_USAGE, "invalid "
			    "--tune parameter '%s': expected regmult, lambda "
			    "or features", part);
		if (rm && o->ntune_rm > 0 && o->tune_lambda !=
		    (strcmp(part, "lambda") == 0))
			return mare_err_set(err, MARE_E_USAGE, "--tune: "
			    "regmult and lambda exclude each other");
		if (rm ? o->ntune_rm > 0 : o->ntune_fc > 0)
			return mare_err_set(err, MARE_E_USAGE, "--tune %s "
			    "given twice", part);
		if (rm)
			o->tune_lambda = strcmp(part, "lambda") == 0;
		for (v = strtok_r(val, ",", &sv); v != NULL;
		    v = strtok_r(NULL, ",", &sv)) {
			if ((rm ? o->ntune_rm : o->ntune_fc) == MAX_TUNE)
				return mare_err_set(err, MARE_E_USAGE,
				    "--tune %s: more than %d values", part,
				    MAX_TUNE);
			if (rm) {
				if (mare_cli_parse_double(o->tune_lambda ?
				    "tune lambda" : "tune regmult", v,
				    o->tune_lambda ? 0 : 1e-6, 1e6,
				    &o->tune_rm[o->ntune_rm++], err) != 0)
					return -1;
				continue;
			}
			if (strlen(v) >= sizeof(o->tune_fc[0]) ||
			    (strcmp(v, "default") != 0 &&
			    strspn(v, "lqpht") != strlen(v)))
				return mare_err_set(err, MARE_E_USAGE,
				    "invalid --tune features value '%s': "
				    "expected default or letters of lqpht", v);
			memcpy(o->tune_fc[o->ntune_fc++], v, strlen(v) + 1);
		}
		if ((rm ? o->ntune_rm : o->ntune_fc) == 0)
			return mare_err_set(err, MARE_E_USAGE, "--tune %s: no "
			    "values", part);
	}
	return 0;
}

static int
parse_args(int argc, char **argv, struct opts *o, struct mare_err *err)
{
	unsigned long long u;
	int c, r, method = 0;

	mare_train_opts_init(&o->t);
	o->label = "label";
	o->scheme = MARE_CV_RANDOM;
	while ((c = getopt_long(argc, argv, MARE_CLI_COMMON_SHORTOPTS "m:C:",
	    longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			method = 1;
			if (strcmp(optarg, "maxent") == 0)
				o->type = MARE_MODEL_MAXENT;
			else if (strcmp(optarg, "logistic") == 0)
				o->type = MARE_MODEL_LOGISTIC;
			else if (strcmp(optarg, "poisson") == 0)
				o->type = MARE_MODEL_POISSON;
			else
				return mare_err_set(err, MARE_E_USAGE,
				    "invalid --method value '%s': expected "
				    "maxent, logistic or poisson", optarg);
			break;
		case 'C':
			if (mare_cli_parse_double("cost", optarg, 1e-300,
			    1e300, &o->cost, err) != 0)
				return -1;
			o->cost_set = 1;
			break;
		case OPT_ALPHA:
			if (mare_cli_parse_double("alpha", optarg, 0, 1,
			    &o->t.alpha, err) != 0)
				return -1;
			break;
		case OPT_CV:
			if (mare_cli_parse_ulong("cv", optarg, 2, 100, &o->cv,
			    err) != 0)
				return -1;
			break;
		case OPT_CV_GRID:
			if (mare_cli_parse_double("cv-grid", optarg, 1e-9,
			    360, &o->grid, err) != 0)
				return -1;
			break;
		case OPT_CV_SCHEME:
			if (mare_cv_scheme_parse(optarg, &o->scheme) != 0)
				return mare_err_set(err, MARE_E_USAGE,
				    "invalid --cv-scheme value '%s': expected "
				    "random, block, checkerboard1, "
				    "checkerboard2 or user", optarg);
			o->scheme_set = 1;
			break;
		case OPT_FEATURES:
			o->features = optarg;
			break;
		case OPT_FOLDS_COLUMN:
			o->folds = optarg;
			break;
		case OPT_LABEL:
			o->label = optarg;
			break;
		case OPT_LAMBDA:
			if (mare_cli_parse_double("lambda", optarg, 0, 1e300,
			    &o->t.lambda, err) != 0)
				return -1;
			o->lambda_set = 1;
			break;
		case OPT_MAX_ITER:
			if (mare_cli_parse_ulong("max-iter", optarg, 1,
			    100000000, &u, err) != 0)
				return -1;
			o->t.max_iter = (int)u;
			break;
		case OPT_NO_ADD:
			o->t.add_samples = 0;
			break;
		case OPT_PENALTY:
			o->penalty_set = 1;
			if (strcmp(optarg, "l2") == 0)
				o->t.alpha = 0.0;
			else if (strcmp(optarg, "l1") == 0)
				o->t.alpha = 1.0;
			else if (strcmp(optarg, "elasticnet") == 0)
				o->penalty_set = 2;
			else
				return mare_err_set(err, MARE_E_USAGE,
				    "invalid --penalty value '%s': expected "
				    "l2, l1 or elasticnet", optarg);
			break;
		case OPT_REGMULT:
			if (mare_cli_parse_double("regmult", optarg, 1e-6,
			    1e6, &o->t.regmult, err) != 0)
				return -1;
			break;
		case OPT_SELECT:
			if (mare_cv_select_parse(optarg, &o->select) != 0)
				return mare_err_set(err, MARE_E_USAGE,
				    "invalid --select value '%s': expected "
				    "auc_val, aicc, auc_diff, omission_p10, "
				    "boyce, max_tss or deviance", optarg);
			o->select_set = 1;
			break;
		case OPT_SPEC:
			o->spec = optarg;
			break;
		case OPT_TUNE:
			if (parse_tune(optarg, o, err) != 0)
				return -1;
			break;
		case OPT_TOL:
			if (mare_cli_parse_double("tol", optarg, 1e-15, 1,
			    &o->t.tol, err) != 0)
				return -1;
			break;
		case OPT_WEIGHT:
			o->weight = optarg;
			break;
		case OPT_OFFSET:
			o->offset = optarg;
			break;
		default:
			r = mare_cli_common_option(c, optarg, &o->common, err);
			if (r == 2)
				return -2;
			if (r < 0)
				return -1;
			if (r == 0)
				return mare_err_set(err, MARE_E_USAGE,
				    "unknown option");
			break;
		}
	}
	if (!method)
		return mare_err_set(err, MARE_E_USAGE, "no method given "
		    "(-m maxent, logistic or poisson)");
	if (optind < argc)
		o->input = argv[optind++];
	if (optind < argc)
		return mare_err_set(err, MARE_E_USAGE, "one input tensor at "
		    "most, got '%s' too", argv[optind]);
	if (o->spec != NULL && o->features != NULL)
		return mare_err_set(err, MARE_E_USAGE, "--spec and --features "
		    "exclude each other");
	if (o->lambda_set && o->cost_set)
		return mare_err_set(err, MARE_E_USAGE, "--lambda and --cost "
		    "exclude each other");
	if (o->penalty_set == 2 && (o->t.alpha == 0.0 || o->t.alpha == 1.0))
		o->t.alpha = 0.5;
	o->t.threads = o->common.threads > 0 ? (unsigned)o->common.threads :
	    mare_cli_processors();
	if (o->ntune_rm > 0 && !o->tune_lambda &&
	    o->type != MARE_MODEL_MAXENT)
		return mare_err_set(err, MARE_E_USAGE, "--tune regmult is for "
		    "maxent");
	if (o->ntune_rm > 0 && o->tune_lambda &&
	    o->type == MARE_MODEL_MAXENT)
		return mare_err_set(err, MARE_E_USAGE, "--tune lambda is for "
		    "logistic and poisson (maxent: --tune regmult)");
	if (o->ntune_rm > 0 && o->tune_lambda && (o->lambda_set ||
	    o->cost_set))
		return mare_err_set(err, MARE_E_USAGE, "--tune lambda "
		    "excludes --lambda and --cost");
	if (o->select == MARE_CV_SEL_DEVIANCE && o->type !=
	    MARE_MODEL_POISSON)
		return mare_err_set(err, MARE_E_USAGE, "--select deviance is "
		    "for poisson");
	if (o->type == MARE_MODEL_POISSON && !o->select_set)
		o->select = MARE_CV_SEL_DEVIANCE;
	if (o->type == MARE_MODEL_POISSON && o->select !=
	    MARE_CV_SEL_DEVIANCE)
		return mare_err_set(err, MARE_E_USAGE, "poisson models are "
		    "selected by --select deviance");
	if (o->ntune_fc > 0 && (o->spec != NULL || o->features != NULL))
		return mare_err_set(err, MARE_E_USAGE, "--tune features "
		    "excludes --spec and --features");
	if (o->select == MARE_CV_SEL_AICC && o->type != MARE_MODEL_MAXENT)
		return mare_err_set(err, MARE_E_USAGE, "--select aicc is for "
		    "maxent");
	if (o->offset != NULL && o->type != MARE_MODEL_POISSON)
		return mare_err_set(err, MARE_E_USAGE, "--offset is for "
		    "poisson");
	if (o->folds != NULL && !o->scheme_set)
		o->scheme = MARE_CV_USER;
	if ((o->folds != NULL) != (o->scheme == MARE_CV_USER))
		return mare_err_set(err, MARE_E_USAGE, "--folds-column and "
		    "--cv-scheme user go together");
	if ((o->scheme == MARE_CV_CHECKERBOARD ||
	    o->scheme == MARE_CV_CHECKERBOARD2) && o->grid == 0.0)
		return mare_err_set(err, MARE_E_USAGE, "--cv-scheme %s needs "
		    "--cv-grid, the cell size in degrees",
		    mare_cv_scheme_name(o->scheme));
	if (o->grid != 0.0 && o->scheme != MARE_CV_CHECKERBOARD &&
	    o->scheme != MARE_CV_CHECKERBOARD2)
		return mare_err_set(err, MARE_E_USAGE, "--cv-grid goes with "
		    "--cv-scheme checkerboard1 or checkerboard2");
	if (o->type == MARE_MODEL_MAXENT && (o->lambda_set || o->cost_set ||
	    o->penalty_set))
		return mare_err_set(err, MARE_E_USAGE, "maxent sets its own "
		    "penalties: use --regmult, not --lambda, -C or --penalty");
	return 0;
}

/* ------------------------------------------------------------------ */

/*
 * The training rows, read straight into the arrays the fit uses: the
 * kept columns (the model's variables) row-major in rows (nrows x nkeep),
 * and each role column (label, weight, folds, offset, lon, lat) as a
 * vector of
 * its own (NULL when the tensor has no such column; lon and lat go
 * together). The tensor itself is never held whole: peak memory is the
 * kept columns plus one chunk buffer.
 */
enum {
	ROLE_LABEL, ROLE_WEIGHT, ROLE_FOLD, ROLE_OFFSET, ROLE_LON, ROLE_LAT,
	NROLES
};

struct table {
	const char	*name;
	size_t		 ncols, nrows;
	char		**cols;
	char		*spec_sha256;
	size_t		 nkeep;		/* columns copied into rows */
	size_t		*keep;		/* their tensor indices, in order */
	double		*rows;		/* nrows x nkeep */
	long		 role[NROLES];	/* tensor index, or -1 */
	double		*rv[NROLES];	/* nrows values of each role */
	FILE		*fp;
	struct mare_tensor_reader *r;
};

static void
table_free(struct table *t)
{
	size_t i;

	if (t->cols != NULL)
		for (i = 0; i < t->ncols; i++)
			free(t->cols[i]);
	free(t->cols);
	free(t->rows);
	free(t->keep);
	for (i = 0; i < NROLES; i++)
		free(t->rv[i]);
	free(t->spec_sha256);
	mare_tensor_reader_free(t->r);
	if (t->fp != NULL)
		mare_in_close(t->fp);
	t->r = NULL;
	t->fp = NULL;
}

static long
col_index(const struct table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return (long)i;
	return -1;
}

/* Open the tensor and read its header (the rows come with read_rows()). */
static int
open_table(const char *path, struct table *t, struct mare_err *err)
{
	const struct mare_tensor_info *info;
	size_t i;

	for (i = 0; i < NROLES; i++)
		t->role[i] = -1;
	if ((t->fp = mare_in_open(path, &t->name, err)) == NULL)
		return -1;
	if ((t->r = mare_tensor_reader_new(t->fp, t->name, err)) == NULL)
		return -1;
	info = mare_tensor_reader_info(t->r);
	t->ncols = info->ncols;
	if ((t->cols = calloc(t->ncols, sizeof(char *))) == NULL ||
	    (t->keep = calloc(t->ncols ? t->ncols : 1, sizeof(size_t))) ==
	    NULL)
		goto nomem;
	for (i = 0; i < t->ncols; i++)
		if ((t->cols[i] = strdup(info->columns[i])) == NULL)
			goto nomem;
	if (info->spec_sha256 != NULL &&
	    (t->spec_sha256 = strdup(info->spec_sha256)) == NULL)
		goto nomem;
	{
		/*
		 * mare-featurize's features other than linear ones are not
		 * raw variables: fitted on as such, they would get features
		 * of their own (minutes of work, a meaningless model).
		 */
		const char *cl = json_string_value(json_object_get(
		    json_object_get(info->meta, "mare-featurize"), "classes"));

		if (cl != NULL && strcmp(cl, "l") != 0) {
			mare_err_set(err, MARE_E_DATA, "holds mare-featurize's "
			    "'%s' features (spec %.12s), not raw variables: "
			    "mare-train makes the features itself; featurize "
			    "with --features l and train with --features %s",
			    cl, info->spec_sha256 != NULL ? info->spec_sha256 :
			    "?", cl);
			mare_err_at(err, t->name, 0, 0);
			return -1;
		}
	}
	return 0;
nomem:
	return mare_err_set(err, MARE_E_NOMEM, "out of memory");
}

/*
 * Read every row (training needs them all), scattering each chunk into
 * rows (the t->nkeep columns t->keep) and the role vectors.
 */
static int
read_rows(struct table *t, struct mare_err *err)
{
	size_t cap = 0, got, i, j, k, bufrows;
	double *buf, *nb, *row;
	int rc;

	bufrows = (1U << 20) / sizeof(double) / (t->ncols ? t->ncols : 1);
	if (bufrows == 0)
		bufrows = 1;
	if ((buf = malloc(bufrows * (t->ncols ? t->ncols : 1) *
	    sizeof(double))) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	for (;;) {
		rc = mare_tensor_read_f64(t->r, buf, bufrows, &got, err);
		if (rc <= 0)
			break;
		if (cap - t->nrows < got) {
			/* untouched capacity costs address space, not RSS */
			while (cap - t->nrows < got)
				cap = cap == 0 ? 4096 : cap * 2;
			if (cap > SIZE_MAX / sizeof(double) /
			    (t->nkeep ? t->nkeep : 1))
				goto nomem;
			if ((nb = realloc(t->rows, cap * (t->nkeep ?
			    t->nkeep : 1) * sizeof(double))) == NULL)
				goto nomem;
			t->rows = nb;
			mare_mem_hint_huge(nb, cap * (t->nkeep ? t->nkeep :
			    1) * sizeof(double));
			for (k = 0; k < NROLES; k++) {
				if (t->role[k] < 0)
					continue;
				if ((nb = realloc(t->rv[k], cap *
				    sizeof(double))) == NULL)
					goto nomem;
				t->rv[k] = nb;
			}
		}
		for (i = 0; i < got; i++) {
			row = buf + i * t->ncols;
			for (j = 0; j < t->nkeep; j++)
				t->rows[(t->nrows + i) * t->nkeep + j] =
				    row[t->keep[j]];
			for (k = 0; k < NROLES; k++)
				if (t->role[k] >= 0)
					t->rv[k][t->nrows + i] =
					    row[t->role[k]];
		}
		t->nrows += got;
	}
	free(buf);
	mare_tensor_reader_free(t->r);
	mare_in_close(t->fp);
	t->r = NULL;
	t->fp = NULL;
	return rc < 0 ? -1 : 0;
nomem:
	free(buf);
	return mare_err_set(err, MARE_E_NOMEM, "out of memory");
}

/*
 * Coordinates are metadata, never model variables: "lon"/"lat", and the
 * "longitude"/"latitude" columns that mare-featurize writes last.
 */
static int
is_coordinate(const char *name)
{
	return strcmp(name, "lon") == 0 || strcmp(name, "lat") == 0 ||
	    strcmp(name, "longitude") == 0 || strcmp(name, "latitude") == 0;
}

/* The profile of the model's predictions on the k profiled rows. */
static int
profile_predictions(const struct mare_model *m, struct mare_profile *p,
    const double *rows, size_t k, unsigned threads, struct mare_err *err)
{
	double *pred;
	int rc;

	if ((pred = malloc((k ? k : 1) * sizeof(double))) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	rc = mare_train_predict_raw(m, rows, k, NULL, threads, pred,
	    err) != 0 ||
	    mare_profile_set_prediction(p, pred, k, err) != 0 ? -1 : 0;
	free(pred);
	return rc;
}

/*
 * The reference profile that mare-drift compares new data with: the raw
 * variables of the presences for maxent (new records of the species are
 * what a monitoring job checks), of every row for the other models, and
 * the model's predictions on those rows (prediction drift).
 */
/*
 * Threads for a training figure whose threads take 16 bytes a row each
 * (the permutation importance: a permuted column and the scores; the
 * profile: a column's keys and values): at most as many as keep that
 * within a quarter of the design matrix (8 p bytes a row), so that
 * --threads never lifts the run's peak memory much past the fit's (1M x
 * 20: 2 threads, not 3). The figures are the same on any count.
 */
static unsigned
figure_threads(unsigned threads, size_t p)
{
	if (threads <= 1 || threads <= p / 8)
		return threads;
	return p >= 16 ? (unsigned)(p / 8) : 1;
}

static int
profile_rows(struct mare_model *m, const struct opts *o, const double *raw,
    const double *y, size_t n, size_t nv, const char *const *names,
    struct mare_err *err)
{
	struct mare_profile *p;
	double *sel = NULL;
	const double *rows = raw;
	size_t i, k = n;

	if (o->type == MARE_MODEL_MAXENT) {
		for (i = 0, k = 0; i < n; i++)
			k += y[i] > 0.0;
		if ((sel = malloc((k ? k : 1) * nv * sizeof(double))) == NULL)
			return mare_err_set(err, MARE_E_NOMEM,
			    "out of memory");
		for (i = 0, k = 0; i < n; i++)
			if (y[i] > 0.0)
				memcpy(sel + k++ * nv, raw + i * nv,
				    nv * sizeof(double));
		rows = sel;
	}
	p = mare_profile_build_threads(rows, k, nv, names,
	    figure_threads(o->t.threads, m->p), err);
	if (p != NULL && profile_predictions(m, p, rows, k,
	    o->t.threads, err) != 0) {
		mare_profile_free(p);
		p = NULL;
	}
	free(sel);
	if (p == NULL)
		return -1;
	json_decref(m->profile);
	m->profile = mare_profile_to_json(p);
	mare_profile_free(p);
	return m->profile != NULL ? 0 : mare_err_set(err, MARE_E_NOMEM,
	    "out of memory");
}

static int
is_role(const struct opts *o, const char *name, const char *wname)
{
	return strcmp(name, o->label) == 0 ||
	    (wname != NULL && strcmp(name, wname) == 0) ||
	    (o->folds != NULL && strcmp(name, o->folds) == 0) ||
	    (o->offset != NULL && strcmp(name, o->offset) == 0) ||
	    is_coordinate(name);
}

static int
place(struct mare_err *err, const char *name)
{
	char m[sizeof(err->msg)];

	if (err != NULL && err->where[0] == '\0') {
		mare_err_at(err, name, 0, 0);
	} else if (err != NULL) {
		snprintf(m, sizeof(m), "%.200s: %.300s", err->where,
		    err->msg);
		memcpy(err->msg, m, sizeof(m));
		err->where[0] = '\0';
		mare_err_at(err, name, 0, 0);
	}
	return -1;
}

/*
 * The model's figures on its training rows: AUC and max TSS from its
 * predictions there (score), or for Poisson the deviance explained (w
 * and the offsets off may be NULL; score is not used).
 */
static json_t *
train_figures(const struct mare_model *m, const double *feat,
    const double *score, const double *y, const double *w,
    const double *off, size_t n, size_t np, unsigned threads,
    struct mare_err *err)
{
	json_t *t;
	double *s, auc = NAN, tss = NAN, d2;
	size_t j, nz = 0;

	for (j = 0; j < m->p; j++)
		nz += m->beta[j] != 0.0;
	if ((t = json_object()) == NULL ||
	    (s = malloc((n ? n : 1) * sizeof(double))) == NULL) {
		json_decref(t);
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	json_object_set_new(t, "rows", json_integer((json_int_t)n));
	json_object_set_new(t, "presences", json_integer((json_int_t)np));
	json_object_set_new(t, "features", json_integer((json_int_t)m->p));
	json_object_set_new(t, "nonzero", json_integer((json_int_t)nz));
	if (m->type != MARE_MODEL_POISSON &&
	    mare_metrics_auc(score, y, NULL, n, &auc, err) == 0 &&
	    mare_metrics_max_tss(score, y, n, &tss, NULL, err) == 0) {
		json_object_set_new(t, "auc", json_real(auc));
		json_object_set_new(t, "max_tss", json_real(tss));
	}
	if (m->type == MARE_MODEL_POISSON) {
		double *ex = NULL;

		if (off != NULL && (ex = malloc((n ? n : 1) *
		    sizeof(double))) == NULL)
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
		else if (mare_train_poisson_means(m, feat, off, n, threads, s,
		    ex, err) == 0 && mare_metrics_poisson_d2(s, y, ex, w, n,
		    &d2, err) == 0)
			json_object_set_new(t, "deviance_explained",
			    isfinite(d2) ? json_real(d2) : json_null());
		free(ex);
	}
	free(s);
	if (mare_err_failed(err)) {
		json_decref(t);
		return NULL;
	}
	return t;
}

static double
jnum(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The CV table as text on stderr: one line per fold, then the mean. */
static void
print_cv(const json_t *cv)
{
	static const char *const k[] = { "auc_train", "auc_val", "auc_diff",
	    "max_tss", "boyce", "omission_min", "omission_p10", "logloss",
	    "deviance_explained" };
	static const char *const h[] = { "AUCtr", "AUCval", "gap", "TSS",
	    "Boyce", "OR0", "OR10", "logloss", "D2" };
	const json_t *f, *sum = json_object_get(cv, "summary");
	size_t i, j;

	fprintf(stderr, "%-6s", "fold");
	for (j = 0; j < 9; j++)
		fprintf(stderr, " %8s", h[j]);
	fputc('\n', stderr);
	json_array_foreach(json_object_get(cv, "folds"), i, f) {
		fprintf(stderr, "%-6zu", i + 1);
		for (j = 0; j < 9; j++)
			fprintf(stderr, " %8.4f", jnum(f, k[j]));
		fputc('\n', stderr);
	}
	fprintf(stderr, "%-6s", "mean");
	for (j = 0; j < 9; j++)
		fprintf(stderr, " %8.4f", jnum(json_object_get(sum, k[j]),
		    "mean"));
	fputc('\n', stderr);
}

#define ROC_POINTS	200	/* at most, per curve in the model file */

/* {"auc", "fpr", "tpr"} of one ROC curve, or NULL with err set. */
static json_t *
roc_curve(const double *score, const double *y, size_t n,
    struct mare_err *err)
{
	double fpr[ROC_POINTS], tpr[ROC_POINTS], auc;
	json_t *c, *f, *t;
	size_t i, np;

	if (mare_metrics_roc(score, y, n, ROC_POINTS, fpr, tpr, &np, &auc,
	    err) != 0)
		return NULL;
	c = json_object();
	f = json_array();
	t = json_array();
	if (c == NULL || f == NULL || t == NULL) {
		json_decref(c);
		json_decref(f);
		json_decref(t);
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i < np; i++) {
		json_array_append_new(f, json_real(fpr[i]));
		json_array_append_new(t, json_real(tpr[i]));
	}
	json_object_set_new(c, "auc", json_real(auc));
	json_object_set_new(c, "fpr", f);
	json_object_set_new(c, "tpr", t);
	return c;
}

/*
 * m->roc ({"train", "cv"}) and m->importance for binary models: the
 * training rows' curve (from the predictions there, score), the pooled
 * CV validation curve (pool may be NULL), and the permutation importance
 * of each raw variable.
 */
static int
roc_importance(struct mare_model *m, const double *score, const double *raw,
    const double *y, size_t n, const struct mare_cv_pool *pool,
    uint64_t seed, unsigned threads, struct mare_err *err)
{
	json_t *roc = NULL, *tr = NULL, *cv = NULL, *imp = NULL, *e;
	double *pct = NULL;
	size_t v, nv = m->spec->nvars;
	int rc = -1;

	if (m->type == MARE_MODEL_POISSON)
		return 0;
	if ((pct = malloc((nv ? nv : 1) * sizeof(double))) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto done;
	}
	if ((tr = roc_curve(score, y, n, err)) == NULL)
		goto done;
	if (pool != NULL && pool->n > 0 &&
	    (cv = roc_curve(pool->score, pool->y, pool->n, err)) == NULL)
		goto done;
	if (mare_train_importance(m, raw, y, n, seed,
	    figure_threads(threads, m->p), pct, NULL,
	    err) != 0)
		goto done;
	if ((roc = json_object()) == NULL || (imp = json_array()) == NULL)
		goto nomem;
	json_object_set_new(roc, "train", tr);
	json_object_set_new(roc, "cv", cv != NULL ? cv : json_null());
	tr = cv = NULL;
	for (v = 0; v < nv; v++) {
		if ((e = json_object()) == NULL)
			goto nomem;
		json_object_set_new(e, "variable", json_string(
		    m->spec->vars[v].name));
		json_object_set_new(e, "permutation", json_real(pct[v]));
		json_object_set_new(e, "contribution", json_null());
		json_array_append_new(imp, e);
	}
	json_decref(m->roc);
	json_decref(m->importance);
	m->roc = roc;
	m->importance = imp;
	roc = imp = NULL;
	rc = 0;
	goto done;
nomem:
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
done:
	json_decref(roc);
	json_decref(imp);
	json_decref(tr);
	json_decref(cv);
	free(pct);
	return rc;
}

static void
cv_opts(const struct opts *o, const double *ufold, struct mare_cv_opts *co)
{
	mare_cv_opts_init(co);
	co->k = o->cv > 0 ? (unsigned)o->cv : co->k;
	co->scheme = o->scheme;
	co->seed = o->common.seed;
	co->grid = o->grid;
	co->user = ufold;
}

/* The tuning table as text on stderr; '*' marks the selected cell. */
static void
print_tuning(const json_t *tu)
{
	const json_t *r;
	size_t i, sel = (size_t)json_integer_value(json_object_get(tu,
	    "selected"));
	/* maxent tunes regmult, the others lambda */
	const char *par = json_is_number(json_object_get(json_array_get(
	    json_object_get(tu, "rows"), 0), "lambda")) ? "lambda" :
	    "regmult";

	fprintf(stderr, "%-8s %8s %8s %8s %8s %10s %7s\n", "features",
	    par, "AUCval", "sd", "AUCtr", "AICc", "nonzero");
	json_array_foreach(json_object_get(tu, "rows"), i, r) {
		fprintf(stderr, "%-8s %8g %8.4f %8.4f %8.4f %10.2f %7lld%s\n",
		    json_string_value(json_object_get(r, "features")),
		    jnum(r, par), jnum(r, "auc_val_mean"),
		    jnum(r, "auc_val_sd"), jnum(r, "auc_train"),
		    jnum(r, "aicc"), (long long)json_integer_value(
		    json_object_get(r, "nonzero")), i == sel ? " *" : "");
	}
}

/*
 * The feature matrix of n raw rows under fs: raw itself when fs copies
 * rows unchanged (linear features only: no second copy of the data), else
 * a new array (*own = 1). NULL with err set.
 */
static double *
features(const struct mare_featspec *fs, double *raw, size_t n,
    unsigned threads, int *own, struct mare_err *err)
{
	double *feat;
	size_t i, j;

	*own = 0;
	if (mare_featspec_is_identity(fs)) {
		for (i = 0; i < n; i++)
			for (j = 0; j < fs->nvars; j++)
				if (!isfinite(raw[i * fs->nvars + j])) {
					mare_err_set(err, MARE_E_DATA, "row "
					    "%zu: '%s': not a finite number",
					    i + 1, fs->vars[j].name);
					return NULL;
				}
		return raw;
	}
	if ((feat = malloc((n ? n : 1) * (fs->nfeat ? fs->nfeat : 1) *
	    sizeof(double))) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	mare_mem_hint_huge(feat, n * fs->nfeat * sizeof(double));
	if (mare_featspec_apply_rows(fs, raw, n, 0, threads, feat, NULL,
	    err) != 0) {
		free(feat);
		return NULL;
	}
	*own = 1;
	return feat;
}

/*
 * A spec of classes fitted on the n raw rows, and its feature matrix as
 * features() gives it, each value computed once (mare_featspec_fit_apply)
 * on o's threads. *fs receives the spec; NULL with err set.
 */
static double *
fit_features(const struct opts *o, double *raw, size_t n, size_t nv,
    const char *const *names, const int *lab, const char *classes,
    struct mare_featspec **fs, int *own, struct mare_err *err)
{
	struct mare_featspec_opts fo;
	double *feat;

	memset(&fo, 0, sizeof(fo));
	fo.classes = classes;
	fo.threads = o->t.threads;
	*fs = mare_featspec_fit_apply(raw, n, nv, names, lab, &fo, &feat,
	    err);
	*own = feat != NULL;
	if (*fs == NULL)
		return NULL;
	return feat != NULL ? feat : raw;
}

/*
 * --tune: the feature matrix of every feature set (held at once), then
 * every cell (features outer, regmult or lambda inner) fitted and
 * cross-validated by mare_cv_tune() on the threads of --threads. The
 * selected cell's classes and regmult or lambda are left in o for the
 * final fit. Returns the "tuning" object or NULL.
 */
static json_t *
tune(struct opts *o, double *raw, size_t n, size_t nv,
    const char *const *names, const int *lab, const double *y,
    const double *w, const double *lon, const double *lat,
    const struct mare_cv_opts *co, struct mare_err *err)
{
	struct mare_featspec *fs;
	struct mare_model **m = NULL;
	struct mare_cv_grid g;
	double **feat = NULL;
	const char **classes = NULL;
	json_t *tu = NULL;
	size_t a, nf, best;
	int *own = NULL;

	nf = o->ntune_fc > 0 ? o->ntune_fc : 1;
	/* arrays of pointers: a pointer's size is meant */
	/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
	m = calloc(nf, sizeof(*m));
	/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
	feat = calloc(nf, sizeof(*feat));
	/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
	classes = calloc(nf, sizeof(*classes));
	if (m == NULL || feat == NULL || classes == NULL ||
	    (own = calloc(nf, sizeof(*own))) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto done;
	}
	for (a = 0; a < nf; a++) {
		classes[a] = o->ntune_fc > 0 ? o->tune_fc[a] : o->features !=
		    NULL ? o->features : o->type == MARE_MODEL_MAXENT ?
		    "default" : "l";
		if (o->spec == NULL)
			feat[a] = fit_features(o, raw, n, nv, names, lab,
			    classes[a], &fs, &own[a], err);
		else if ((fs = mare_featspec_load(o->spec, err)) != NULL)
			feat[a] = features(fs, raw, n, o->t.threads, &own[a],
			    err);
		if (fs == NULL)
			goto done;
		if (feat[a] == NULL) {
			mare_featspec_free(fs);
			goto done;
		}
		if ((m[a] = mare_model_new(o->type, fs, err)) == NULL)
			goto done;
	}
	g.m = (const struct mare_model *const *)m;
	g.feat = (const double *const *)feat;
	g.classes = classes;
	g.nset = nf;
	g.val = o->ntune_rm > 0 ? o->tune_rm : NULL;
	g.nval = o->ntune_rm > 0 ? o->ntune_rm : 1;
	g.by_lambda = o->tune_lambda;
	if ((tu = mare_cv_tune(&g, y, w, lon, lat, n, &o->t, co, o->select,
	    o->t.threads, &best, err)) == NULL)
		goto done;
	if (o->ntune_fc > 0)
		o->features = o->tune_fc[best / g.nval];
	if (o->ntune_rm > 0 && o->tune_lambda)
		o->t.lambda = o->tune_rm[best % g.nval];
	else if (o->ntune_rm > 0)
		o->t.regmult = o->tune_rm[best % g.nval];
done:
	for (a = 0; a < nf; a++) {
		if (m != NULL)
			mare_model_free(m[a]);
		if (feat != NULL && own != NULL && own[a])
			free(feat[a]);
	}
	free(m);
	free(feat);
	free(classes);
	free(own);
	return tu;
}

/*
 * Without --threads, a design of fewer values than this is fitted on one
 * OpenBLAS thread: the solvers' BLAS calls on it (blocks of rows, working
 * columns) are too small for OpenBLAS's threads to pay for their start
 * and spinning (the demo's maxent fit, 8,789 x 510, took 0.73 s of CPU
 * on the default threads and 0.59 s on one). mare's own parallel loops
 * (predictions, importance, profile) keep every processor.
 */
#define BLAS_THREADS_MIN	(16.0 * 1024 * 1024)

/* BLAS_THREADS_MIN's rule for n rows of nfeat features. */
static void
small_design_one_thread(const struct opts *o, size_t n, double nfeat)
{
	if (o->common.threads == 0 && (double)n * nfeat < BLAS_THREADS_MIN)
		mare_blas_one_thread();
}

/*
 * The most features a spec fitted here can have on nv variables: linear,
 * quadratic, hinges and thresholds of each, and the products.
 */
static double
max_features(size_t nv)
{
	double v = (double)nv;

	return v * (2 + 2 * (MARE_FEATSPEC_NKNOTS - 1) +
	    MARE_FEATSPEC_NKNOTS) + v * (v - 1) / 2;
}

/*
 * --metrics-file: the seconds since *t (then now) as the phase's
 * mare_train_phase_seconds, where a run's time went.
 */
static void
phase(struct timespec *t, const char *name)
{
	struct timespec now;
	char lab[48];

	clock_gettime(CLOCK_MONOTONIC, &now);
	snprintf(lab, sizeof(lab), "phase=\"%s\"", name);
	mare_prom_add(mare_cli_metrics(), "mare_train_phase_seconds",
	    MARE_PROM_GAUGE, "wall time of each phase of the run", lab,
	    (double)(now.tv_sec - t->tv_sec) +
	    (double)(now.tv_nsec - t->tv_nsec) * 1e-9, NULL);
	*t = now;
}

static int
run(struct opts *o, struct mare_err *err)
{
	struct table t;
	struct mare_featspec *fs = NULL;
	struct mare_model *m = NULL;
	struct mare_prov *prov = NULL;
	const char *wname = o->weight, **names = NULL;
	double *raw = NULL, *feat = NULL, *y = NULL, *w = NULL;
	double *lon = NULL, *lat = NULL, *ufold = NULL, *score = NULL;
	size_t nv = 0, i, j, np = 0, n, *vcol = NULL;
	long li, wi, fi = -1, oi = -1, loni, lati, k;
	struct mare_cv_opts co;
	struct mare_cv_pool pool = { NULL, NULL, 0 };
	json_t *tuning = NULL;
	int *lab = NULL, rc = -1, feat_own = 0;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&t, 0, sizeof(t));
	if (open_table(o->input, &t, err) != 0)
		goto done;
	if ((li = col_index(&t, o->label)) < 0) {
		mare_err_set(err, MARE_E_DATA, "no label column '%s'",
		    o->label);
		place(err, t.name);
		goto done;
	}
	if (wname == NULL && col_index(&t, "weight") >= 0)
		wname = "weight";
	wi = -1;
	if (wname != NULL && (wi = col_index(&t, wname)) < 0) {
		mare_err_set(err, MARE_E_DATA, "no weight column '%s'", wname);
		place(err, t.name);
		goto done;
	}
	if (o->folds != NULL && (fi = col_index(&t, o->folds)) < 0) {
		mare_err_set(err, MARE_E_DATA, "no folds column '%s'",
		    o->folds);
		place(err, t.name);
		goto done;
	}
	if (o->offset != NULL && (oi = col_index(&t, o->offset)) < 0) {
		mare_err_set(err, MARE_E_DATA, "no offset column '%s'",
		    o->offset);
		place(err, t.name);
		goto done;
	}
	if ((loni = col_index(&t, "lon")) < 0)
		loni = col_index(&t, "longitude");
	if ((lati = col_index(&t, "lat")) < 0)
		lati = col_index(&t, "latitude");
	t.role[ROLE_LABEL] = li;
	t.role[ROLE_WEIGHT] = wi;
	t.role[ROLE_FOLD] = fi;
	t.role[ROLE_OFFSET] = oi;
	t.role[ROLE_LON] = loni >= 0 && lati >= 0 ? loni : -1;
	t.role[ROLE_LAT] = loni >= 0 && lati >= 0 ? lati : -1;
	if ((vcol = calloc(t.ncols ? t.ncols : 1, sizeof(*vcol))) == NULL ||
	    (names = calloc(t.ncols ? t.ncols : 1, sizeof(*names))) == NULL)
		goto nomem;
	/* The variables: the spec's, or every column without a role. */
	if (o->spec != NULL) {
		if ((fs = mare_featspec_load(o->spec, err)) == NULL)
			goto done;
		for (j = 0; j < fs->nvars; j++) {
			if ((k = col_index(&t, fs->vars[j].name)) < 0) {
				mare_err_set(err, MARE_E_DATA, "no column "
				    "'%s' (a variable of the spec %s)",
				    fs->vars[j].name, o->spec);
				place(err, t.name);
				goto done;
			}
			names[t.nkeep] = t.cols[k];
			t.keep[t.nkeep++] = (size_t)k;
		}
	} else
		for (j = 0; j < t.ncols; j++)
			if (!is_role(o, t.cols[j], wname))
				t.keep[t.nkeep++] = j;
	if (read_rows(&t, err) != 0) {
		place(err, t.name);
		goto done;
	}
	n = t.nrows;
	if (n == 0) {
		mare_err_set(err, MARE_E_DATA, "no rows");
		place(err, t.name);
		goto done;
	}
	y = t.rv[ROLE_LABEL];
	w = t.rv[ROLE_WEIGHT];
	lon = t.rv[ROLE_LON];
	lat = t.rv[ROLE_LAT];
	ufold = t.rv[ROLE_FOLD];
	o->t.offset = t.rv[ROLE_OFFSET];
	if ((lab = malloc(n * sizeof(int))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		if (!isfinite(y[i]) || (o->type != MARE_MODEL_POISSON &&
		    y[i] != 0.0 && y[i] != 1.0) || y[i] < 0) {
			mare_err_set(err, MARE_E_DATA, "row %zu: label %g is "
			    "not %s", i + 1, y[i], o->type ==
			    MARE_MODEL_POISSON ? "a count >= 0" : "0 or 1");
			place(err, t.name);
			goto done;
		}
		lab[i] = y[i] > 0.0;
		np += (size_t)lab[i];
	}
	if (np == 0 || (o->type != MARE_MODEL_POISSON && np == n)) {
		mare_err_set(err, MARE_E_DATA, "all %zu labels are %d: need "
		    "both presences (1) and %s (0)", n, np ? 1 : 0,
		    o->type == MARE_MODEL_MAXENT ? "background" : "absences");
		place(err, t.name);
		goto done;
	}
	if (o->spec != NULL)
		nv = t.nkeep;
	else {
		/* drop the constant columns, compacting rows in place */
		for (j = 0; j < t.nkeep; j++) {
			double lo = INFINITY, hi = -INFINITY, v;
			const char *cn = t.cols[t.keep[j]];

			for (i = 0; i < n; i++) {
				v = t.rows[i * t.nkeep + j];
				if (!isfinite(v)) {
					mare_err_set(err, MARE_E_DATA, "row "
					    "%zu: '%s': not a finite number",
					    i + 1, cn);
					place(err, t.name);
					goto done;
				}
				lo = v < lo ? v : lo;
				hi = v > hi ? v : hi;
			}
			if (lo == hi) {
				mare_cli_warn("%s: variable '%s' is constant "
				    "(%g): dropped", t.name, cn, lo);
				continue;
			}
			names[nv] = cn;
			vcol[nv++] = j;
		}
		if (nv == 0) {
			mare_err_set(err, MARE_E_DATA, "no variable column "
			    "left");
			place(err, t.name);
			goto done;
		}
		if (nv < t.nkeep)
			for (i = 0; i < n; i++)
				for (j = 0; j < nv; j++)
					t.rows[i * nv + j] =
					    t.rows[i * t.nkeep + vcol[j]];
	}
	raw = t.rows;
	/*
	 * The same rule as early as the rows are known, with the most
	 * features the spec can have (fs's own count when --spec gave one):
	 * OpenBLAS's idle threads spin until they are stopped.
	 */
	small_design_one_thread(o, n, fs != NULL ? (double)fs->nfeat :
	    max_features(nv));
	if (o->type != MARE_MODEL_MAXENT && !o->lambda_set)
		o->t.lambda = o->cost_set ? 1.0 / (o->cost * (double)n) :
		    1.0 / (double)n;
	cv_opts(o, fi >= 0 ? ufold : NULL, &co);
	phase(&t0, "read");
	if (o->ntune_rm > 0 || o->ntune_fc > 0) {
		tuning = tune(o, raw, n, nv, (const char *const *)names, lab,
		    y, wi >= 0 ? w : NULL, lon, lat, &co, err);
		if (tuning == NULL) {
			place(err, t.name);
			goto done;
		}
		if (!o->common.quiet)
			print_tuning(tuning);
		phase(&t0, "tune");
	}
	if (fs == NULL)
		feat = fit_features(o, raw, n, nv, (const char *const *)names,
		    lab, o->features != NULL ? o->features :
		    o->type == MARE_MODEL_MAXENT ? "default" : "l", &fs,
		    &feat_own, err);
	else
		feat = features(fs, raw, n, o->t.threads, &feat_own, err);
	if (feat == NULL) {
		place(err, t.name);
		goto done;
	}
	/* the labels as doubles (y) are all that is needed from here */
	free(lab);
	lab = NULL;
	small_design_one_thread(o, n, (double)fs->nfeat);
	phase(&t0, "features");
	if ((m = mare_model_new(o->type, fs, err)) == NULL) {
		fs = NULL;
		goto done;
	}
	fs = NULL;
	m->tuning = tuning;
	tuning = NULL;
	if (mare_train_fit(m, feat, y, wi >= 0 ? w : NULL, n, &o->t,
	    err) != 0) {
		place(err, t.name);
		goto done;
	}
	phase(&t0, "fit");
	if (o->offset != NULL && json_object_set_new(m->hyper, "offset",
	    json_string(o->offset)) != 0)
		goto nomem;
	if (json_is_false(json_object_get(m->convergence, "converged")))
		mare_cli_warn("did not converge: KKT violation %g (tol %g) "
		    "after %d iterations", json_real_value(json_object_get(
		    m->convergence, "kkt")), o->t.tol, o->t.max_iter);
	/* the predictions at the training rows, made once */
	if (o->type != MARE_MODEL_POISSON) {
		if ((score = malloc(n * sizeof(double))) == NULL)
			goto nomem;
		if (mare_train_predict_threads(m, feat, n, o->t.threads,
		    score, err) != 0 || mare_train_thresholds_scores(m, score,
		    y, n, err) != 0)
			goto done;
	}
	if ((m->training = train_figures(m, feat, score, y, wi >= 0 ? w :
	    NULL, o->t.offset, n, np, o->t.threads, err)) == NULL)
		goto done;
	phase(&t0, "figures");
	if (o->cv > 0 || o->scheme != MARE_CV_RANDOM || m->tuning != NULL) {
		if ((m->cv = mare_cv_run(m, feat, y, wi >= 0 ? w : NULL,
		    lon, lat, n, &o->t, &co, &pool, err)) == NULL) {
			place(err, t.name);
			goto done;
		}
		if (!o->common.quiet)
			print_cv(m->cv);
		phase(&t0, "cv");
	}
	if (roc_importance(m, score, raw, y, n, m->cv != NULL ? &pool : NULL,
	    o->common.seed, o->t.threads, err) != 0) {
		place(err, t.name);
		goto done;
	}
	phase(&t0, "importance");
	if (profile_rows(m, o, raw, y, n, nv, (const char *const *)names,
	    err) != 0) {
		place(err, t.name);
		goto done;
	}
	phase(&t0, "profile");
	if ((prov = mare_prov_new(o->argc, o->argv, o->common.seed,
	    mare_cli_now(), err)) == NULL ||
	    mare_prov_add_input(prov, o->input, err) != 0 ||
	    (o->spec != NULL && mare_prov_add_input(prov, o->spec, err) != 0))
		goto done;
	m->provenance = mare_prov_to_json(prov);
	if (mare_model_save(m, o->common.output, err) != 0)
		goto done;
	phase(&t0, "save");
	mare_cli_note("%s: %zu rows (%zu %s), %zu features, %lld "
	    "non-zero; training %s %.4f", mare_model_type_name(m->type), n,
	    np, m->type == MARE_MODEL_POISSON ? "with counts > 0" :
	    "presences", m->p, (long long)json_integer_value(
	    json_object_get(m->training, "nonzero")),
	    m->type == MARE_MODEL_POISSON ? "deviance explained" : "AUC",
	    json_number_value(json_object_get(m->training,
	    m->type == MARE_MODEL_POISSON ? "deviance_explained" : "auc")));
	rc = 0;
	goto done;
nomem:
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
done:
	mare_prov_free(prov);
	mare_model_free(m);
	mare_featspec_free(fs);
	table_free(&t);
	free(vcol);
	free(names);
	if (feat_own)
		free(feat);
	free(lab);
	json_decref(tuning);
	free(pool.score);
	free(pool.y);
	free(score);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct mare_err err;
	int r, status = 0;

	memset(&o, 0, sizeof(o));
	mare_mem_big_apart();	/* peak memory: see mem.h */
	mare_cli_init(argv[0], usage, &o.common, &err);
	o.argc = argc;
	o.argv = argv;
	argv[0] = (char *)(uintptr_t)mare_cli_progname();
	r = parse_args(argc, argv, &o, &err);
	if (r == -2)
		status = 0;
	else if (r < 0)
		status = -1;
	else if (run(&o, &err) != 0)
		status = -1;
	return mare_cli_finish(status, &err);
}
