/*
 * mare-predict - apply mare-model(5) files to tensors, records or layers
 *
 * Every model carries its feature spec, and the input carries RAW
 * variables (environmental values or covariates) named as the spec's
 * variables: the model turns them into features with
 * mare_featspec_apply(), the code that made the training features, so a
 * row predicted here and the same row seen in training cannot disagree.
 * The one exception is a tensor whose header carries a spec_sha256 (what
 * mare-featurize writes): its columns are that spec's features, so the
 * hash must be the model's (otherwise the tensor is refused, naming both
 * hashes) and the model is applied to the feature columns directly.
 *
 * Inputs: a mare-tensor(5) stream or a .npy array (told apart from JSON
 * Lines by their first byte), predicted in blocks of BLOCK rows; JSON Lines
 * records, predicted one at a time (so --line-buffered gives one line out
 * per line in); or, with --layers and no input, every cell of the layer
 * stack, written as an .asc map. With --layers and records, the raw values
 * are the layers' values at decimalLongitude/decimalLatitude.
 *
 * A row that cannot be predicted (a variable missing, not a number, NaN,
 * a record outside the layers) is rejected as a whole, for every model:
 * with -R it goes to the reject file with its reasons, otherwise the run
 * stops with exit 65. Output never holds a NaN.
 *
 * Memory: the models, one block of rows (and the layers and the map in
 * --layers mode); independent of the number of rows streamed.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "featspec.h"
#include "grid.h"
#include "io.h"
#include "jsonl.h"
#include "mare.h"
#include "model.h"
#include "npy.h"
#include "prov.h"
#include "record.h"
#include "tensor.h"

#define BLOCK		4096	/* rows predicted at a time */
#define MAX_MODELS	64

enum fmt {
	FMT_NONE = 0,
	FMT_JSONL,
	FMT_TENSOR,
	FMT_NPY,
	FMT_ASC
};

enum {
	OPT_CLAMP = MARE_OPT_CMD,
	OPT_COLUMNS,
	OPT_FIELD,
	OPT_FORMAT,
	OPT_LAYERS,
	OPT_LINE_BUFFERED,
	OPT_NO_CLAMP,
	OPT_THRESHOLD,
	OPT_TYPE
};

static const struct option longopts[] = {
	{ "clamp",		no_argument,	   NULL, OPT_CLAMP },
	{ "columns",		required_argument, NULL, OPT_COLUMNS },
	{ "field",		required_argument, NULL, OPT_FIELD },
	{ "format",		required_argument, NULL, OPT_FORMAT },
	{ "layers",		required_argument, NULL, OPT_LAYERS },
	{ "line-buffered",	no_argument,	   NULL, OPT_LINE_BUFFERED },
	{ "model",		required_argument, NULL, 'm' },
	{ "no-clamp",		no_argument,	   NULL, OPT_NO_CLAMP },
	{ "reject",		required_argument, NULL, 'R' },
	{ "threshold",		required_argument, NULL, OPT_THRESHOLD },
	{ "type",		required_argument, NULL, OPT_TYPE },
	MARE_CLI_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

/* One model and how the current input feeds it. */
struct mdl {
	const char	*path;
	const char	*field;		/* output name */
	char		*stem;		/* owned: default field */
	struct mare_model *m;
	struct mare_model_pred_opts po;
	int		 features;	/* input columns are the spec's features */
	size_t		 nin;		/* values gathered per row */
	size_t		*col;		/* nin input columns */
	double		*buf;		/* BLOCK * nin */
	double		*out;		/* BLOCK */
	unsigned long long outside;
};

struct opts {
	struct mare_cli_common common;
	const char	*paths[MAX_MODELS];
	size_t		 nmodels;
	const char	*fields[MAX_MODELS];
	size_t		 nfields;
	const char	*input;
	const char	*reject;
	const char	*layers;
	const char	*columns;
	enum fmt	 format;
	enum mare_model_output type;
	double		 threshold;
	const char	*threshold_name;
	int		 clamp;
	int		 line_buffered;
	int		 argc;
	char		**argv;
};

struct counts {
	unsigned long long in, out, rejected;
};

/* Where predictions go. */
struct sink {
	enum fmt	 fmt;
	struct mare_out	*out;
	FILE		*fp;
	struct mare_tensor_writer *tw;
	long		 npy_data;	/* offset of the data */
	FILE		*spool;		/* npy to stdout: the rows, until the
					   count for the header is known */
	unsigned long long rows;
	size_t		 nm;
	struct mdl	*mods;
	int		 flush;
};

struct run {
	struct opts	*o;
	struct mdl	*mods;
	size_t		 nm;
	struct mare_out	*rej;
	struct counts	 cnt;
	struct mare_grid_stack stack;
	int		 have_stack;
};

static void
usage(FILE *fp)
{
	fputs(
"Usage:\n"
" mare-predict -m <model.json> [-m <model.json>]... [options] [<input>]\n"
" mare-predict -m <model.json> --layers <dir> -o <map.asc> [options]\n"
"\n"
"Apply models to rows of raw variables: a tensor, a .npy array, JSON Lines\n"
"records, or every cell of a layer stack (an .asc map).\n"
"\n"
"Options:\n"
" -m, --model <file>       a mare-model(5) file (repeatable: one output\n"
"                          field per model)\n"
"     --type <t>           cloglog, logistic, exponential, link or class\n"
"                          (default: the model's own type)\n"
"     --threshold <x>      class cut-off: a number, or min, p10 or maxtss\n"
"                          from the model (default: p10)\n"
"     --field <name>       name of the output field (repeatable, one per\n"
"                          model; default: the model file's stem)\n"
"     --layers <dir>       layers named as the variables: sample them at\n"
"                          the records' coordinates, or map every cell\n"
"     --columns <names>    names of the columns of a .npy input\n"
"     --format <f>         jsonl, tensor, npy or asc (default: by the -o\n"
"                          suffix, else as the input)\n"
" -R, --reject <file>      write rows that cannot be predicted, with the\n"
"                          reason, to <file>\n"
"     --line-buffered      flush each prediction as it is made\n"
"     --clamp              clamp to the training ranges (default)\n"
"     --no-clamp           do not clamp\n"
"\n", fp);
	fputs(MARE_CLI_COMMON_HELP, fp);
}

static int
parse_format(const char *s, enum fmt *f)
{
	if (strcmp(s, "jsonl") == 0)
		*f = FMT_JSONL;
	else if (strcmp(s, "tensor") == 0)
		*f = FMT_TENSOR;
	else if (strcmp(s, "npy") == 0)
		*f = FMT_NPY;
	else if (strcmp(s, "asc") == 0)
		*f = FMT_ASC;
	else
		return -1;
	return 0;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static enum fmt
format_of_path(const char *path)
{
	if (path == NULL)
		return FMT_NONE;
	if (ends_with(path, ".jsonl") || ends_with(path, ".json"))
		return FMT_JSONL;
	if (ends_with(path, ".tensor"))
		return FMT_TENSOR;
	if (ends_with(path, ".npy"))
		return FMT_NPY;
	if (ends_with(path, ".asc"))
		return FMT_ASC;
	return FMT_NONE;
}

static int
parse_args(int argc, char **argv, struct opts *o, struct mare_err *err)
{
	int c, r;

	o->type = MARE_MODEL_DEFAULT;
	o->threshold = NAN;
	o->clamp = 1;
	while ((c = getopt_long(argc, argv, MARE_CLI_COMMON_SHORTOPTS "m:R:",
	    longopts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (o->nmodels == MAX_MODELS)
				return mare_err_set(err, MARE_E_USAGE,
				    "at most %d models", MAX_MODELS);
			o->paths[o->nmodels++] = optarg;
			break;
		case 'R':
			o->reject = optarg;
			break;
		case OPT_CLAMP:
			o->clamp = 1;
			break;
		case OPT_NO_CLAMP:
			o->clamp = 0;
			break;
		case OPT_COLUMNS:
			o->columns = optarg;
			break;
		case OPT_FIELD:
			if (o->nfields == MAX_MODELS)
				return mare_err_set(err, MARE_E_USAGE,
				    "at most %d fields", MAX_MODELS);
			if (*optarg == '\0')
				return mare_err_set(err, MARE_E_USAGE,
				    "empty --field name");
			o->fields[o->nfields++] = optarg;
			break;
		case OPT_FORMAT:
			if (parse_format(optarg, &o->format) != 0)
				return mare_err_set(err, MARE_E_USAGE,
				    "invalid --format value '%s': expected "
				    "jsonl, tensor, npy or asc", optarg);
			break;
		case OPT_LAYERS:
			o->layers = optarg;
			break;
		case OPT_LINE_BUFFERED:
			o->line_buffered = 1;
			break;
		case OPT_THRESHOLD:
			if (strcmp(optarg, "min") == 0 ||
			    strcmp(optarg, "p10") == 0 ||
			    strcmp(optarg, "maxtss") == 0)
				o->threshold_name = optarg;
			else if (mare_cli_parse_double("threshold", optarg,
			    -1e300, 1e300, &o->threshold, err) != 0)
				return -1;
			break;
		case OPT_TYPE:
			if (mare_model_output_parse(optarg, &o->type) != 0)
				return mare_err_set(err, MARE_E_USAGE,
				    "invalid --type value '%s': expected "
				    "cloglog, logistic, exponential, link or "
				    "class", optarg);
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
	if (o->nmodels == 0)
		return mare_err_set(err, MARE_E_USAGE, "no model given "
		    "(-m model.json)");
	if (optind < argc)
		o->input = argv[optind++];
	if (optind < argc)
		return mare_err_set(err, MARE_E_USAGE, "one input at most, "
		    "got '%s' too", argv[optind]);
	if (o->nfields > 0 && o->nfields != o->nmodels)
		return mare_err_set(err, MARE_E_USAGE, "%zu --field names for "
		    "%zu models: give one per model or none", o->nfields,
		    o->nmodels);
	if (o->format == FMT_NONE)
		o->format = format_of_path(o->common.output);
	if (o->layers != NULL && o->input == NULL) {
		if (o->format != FMT_NONE && o->format != FMT_ASC)
			return mare_err_set(err, MARE_E_USAGE, "a map "
			    "(--layers without input) is written as asc");
		o->format = FMT_ASC;
		if (o->nmodels != 1)
			return mare_err_set(err, MARE_E_USAGE, "a map takes "
			    "one model, got %zu", o->nmodels);
		if (o->line_buffered)
			return mare_err_set(err, MARE_E_USAGE,
			    "--line-buffered needs input records");
	} else if (o->format == FMT_ASC) {
		return mare_err_set(err, MARE_E_USAGE, "asc output is a map: "
		    "give --layers and no input");
	}
	if (o->type == MARE_MODEL_CLASS && isnan(o->threshold) &&
	    o->threshold_name == NULL) {
		/* class without --threshold: the model's p10 */
		o->threshold_name = "p10";
	} else if (o->type != MARE_MODEL_CLASS &&
	    (!isnan(o->threshold) || o->threshold_name != NULL)) {
		return mare_err_set(err, MARE_E_USAGE, "--threshold needs "
		    "--type class");
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Models */

static void
mods_free(struct mdl *mods, size_t nm)
{
	size_t i;

	if (mods == NULL)
		return;
	for (i = 0; i < nm; i++) {
		mare_model_free(mods[i].m);
		free(mods[i].stem);
		free(mods[i].col);
		free(mods[i].buf);
		free(mods[i].out);
	}
	free(mods);
}

/* "dir/sst-maxent.model.json" -> "sst-maxent.model" */
static char *
stem_of(const char *path)
{
	const char *b = strrchr(path, '/');
	char *s;
	size_t n;

	b = b != NULL ? b + 1 : path;
	s = strdup(b);
	if (s == NULL)
		return NULL;
	n = strlen(s);
	if (n > 5 && strcmp(s + n - 5, ".json") == 0)
		s[n - 5] = '\0';
	return s;
}

static int
load_models(struct run *ru, struct mare_err *err)
{
	struct opts *o = ru->o;
	struct mdl *d;
	size_t i, j;

	ru->nm = o->nmodels;
	ru->mods = calloc(ru->nm, sizeof(*ru->mods));
	if (ru->mods == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	for (i = 0; i < ru->nm; i++) {
		d = &ru->mods[i];
		d->path = o->paths[i];
		if ((d->m = mare_model_load(d->path, err)) == NULL)
			return -1;
		if ((d->stem = stem_of(d->path)) == NULL)
			return mare_err_set(err, MARE_E_NOMEM,
			    "out of memory");
		d->field = o->nfields > 0 ? o->fields[i] : d->stem;
		for (j = 0; j < i; j++)
			if (strcmp(ru->mods[j].field, d->field) == 0)
				return mare_err_set(err, MARE_E_USAGE,
				    "two models named '%s': give --field "
				    "names", d->field);
		mare_model_pred_opts_init(&d->po);
		d->po.type = o->type;
		d->po.clamp = o->clamp;
		if (o->type == MARE_MODEL_CLASS) {
			if (o->threshold_name == NULL)
				d->po.threshold = o->threshold;
			else if (strcmp(o->threshold_name, "min") == 0)
				d->po.threshold = d->m->thr_min;
			else if (strcmp(o->threshold_name, "maxtss") == 0)
				d->po.threshold = d->m->thr_maxtss;
			else
				d->po.threshold = d->m->thr_p10;
			if (isnan(d->po.threshold))
				return mare_err_set(err, MARE_E_USAGE,
				    "%s: no '%s' threshold in the model: "
				    "give --threshold <number>", d->path,
				    o->threshold_name);
		}
		d->buf = malloc(BLOCK * (d->m->spec->nvars > d->m->p ?
		    d->m->spec->nvars : d->m->p) * sizeof(double) + 1);
		d->out = malloc(BLOCK * sizeof(double));
		d->nin = d->m->spec->nvars;
		d->col = calloc(d->nin > d->m->p ? d->nin : d->m->p,
		    sizeof(size_t));
		if (d->buf == NULL || d->out == NULL || d->col == NULL)
			return mare_err_set(err, MARE_E_NOMEM,
			    "out of memory");
	}
	return 0;
}

/* The variable (or feature, in feature mode) name of model input k. */
static const char *
input_name(const struct mdl *d, size_t k)
{
	return d->features ? d->m->spec->feat[k].name :
	    d->m->spec->vars[k].name;
}

/*
 * Bind each model to the named columns of a tensor or .npy. spec is the
 * tensor's spec_sha256 or NULL.
 */
static int
bind_columns(struct run *ru, const char *src, const char *const *names,
    size_t ncols, const char *spec, struct mare_err *err)
{
	struct mdl *d;
	size_t i, k, c;

	for (i = 0; i < ru->nm; i++) {
		d = &ru->mods[i];
		d->features = spec != NULL;
		if (spec != NULL && strcmp(spec, d->m->spec_sha256) != 0)
			return mare_err_set(err, MARE_E_DATA, "%s: features "
			    "of spec %s, but model %s has spec %s", src, spec,
			    d->path, d->m->spec_sha256);
		d->nin = d->features ? d->m->p : d->m->spec->nvars;
		for (k = 0; k < d->nin; k++) {
			for (c = 0; c < ncols; c++)
				if (strcmp(names[c], input_name(d, k)) == 0)
					break;
			if (c == ncols)
				return mare_err_set(err, MARE_E_DATA, "%s: "
				    "no column '%s' (model %s)", src,
				    input_name(d, k), d->path);
			d->col[k] = c;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Output */

static int
sink_open(struct sink *s, struct run *ru, const char *meta_src,
    struct mare_err *err)
{
	const char *names[MAX_MODELS];
	json_t *meta = NULL, *ms;
	struct mare_prov *prov = NULL;
	size_t i;
	int rc = -1;

	s->nm = ru->nm;
	s->mods = ru->mods;
	s->flush = ru->o->line_buffered;
	if ((s->out = mare_out_open(ru->o->common.output, MARE_OUT_SYNC,
	    err)) == NULL)
		return -1;
	s->fp = mare_out_file(s->out);
	for (i = 0; i < ru->nm; i++)
		names[i] = ru->mods[i].field;
	switch (s->fmt) {
	case FMT_TENSOR:
		if ((prov = mare_prov_new(ru->o->argc, ru->o->argv,
		    ru->o->common.seed, mare_cli_now(), err)) == NULL)
			goto out;
		for (i = 0; i < ru->nm; i++)
			if (mare_prov_add_input(prov, ru->mods[i].path,
			    err) != 0)
				goto out;
		if (meta_src != NULL && !mare_io_is_stdio(meta_src) &&
		    mare_prov_add_input(prov, meta_src, err) != 0)
			goto out;
		meta = json_object();
		ms = json_array();
		if (meta == NULL || ms == NULL)
			goto nomem;
		json_object_set_new(meta, "mare-predict", json_pack(
		    "{s:o}", "models", ms));
		for (i = 0; i < ru->nm; i++)
			json_array_append_new(ms, json_pack("{s:s,s:s,s:s,s:s}",
			    "field", ru->mods[i].field, "model",
			    ru->mods[i].path, "spec_sha256",
			    ru->mods[i].m->spec_sha256, "type",
			    mare_model_output_name(ru->mods[i].po.type ==
			    MARE_MODEL_DEFAULT ? mare_model_default_output(
			    ru->mods[i].m) : ru->mods[i].po.type)));
		json_object_set_new(meta, "provenance",
		    mare_prov_to_json(prov));
		s->tw = mare_tensor_writer_new(s->fp, mare_out_name(s->out),
		    MARE_TENSOR_F64, ru->nm, names, NULL, meta, err);
		if (s->tw == NULL)
			goto out;
		break;
	case FMT_NPY:
		if (mare_out_is_stdout(s->out)) {
			/* the header holds the row count: spool the rows */
			if ((s->spool = tmpfile()) == NULL) {
				mare_err_sys(err, MARE_E_IO, "cannot create "
				    "a temporary file");
				goto out;
			}
			s->fp = s->spool;
			break;
		}
		if (mare_npy_write_header(s->fp, MARE_NPY_F8, 2, 0, ru->nm,
		    err) != 0)
			goto out;
		s->npy_data = ftell(s->fp);
		break;
	default:
		break;
	}
	rc = 0;
	goto out;
nomem:
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
out:
	json_decref(meta);
	mare_prov_free(prov);
	return rc;
}

static int
is_class(const struct mdl *d)
{
	return d->po.type == MARE_MODEL_CLASS;
}

/* Append ",\"field\":value" for every model, for row r of the block. */
static void
put_fields(FILE *fp, const struct mdl *mods, size_t nm, size_t r,
    int first)
{
	char num[MARE_JSONL_DTOA_SIZE];
	size_t i;

	for (i = 0; i < nm; i++) {
		if (!first || i > 0)
			putc(',', fp);
		putc('"', fp);
		fputs(mods[i].field, fp);	/* checked: plain name */
		fputs("\":", fp);
		if (is_class(&mods[i]))
			fputs(mods[i].out[r] != 0 ? "1" : "0", fp);
		else {
			mare_jsonl_dtoa(mods[i].out[r], num, sizeof(num));
			fputs(num, fp);
		}
	}
}

/* Write row r of the block (every model's out[r]). */
static int
sink_row(struct sink *s, size_t r, struct mare_err *err)
{
	double v[MAX_MODELS];
	size_t i;

	switch (s->fmt) {
	case FMT_JSONL:
		putc('{', s->fp);
		put_fields(s->fp, s->mods, s->nm, r, 1);
		fputs("}\n", s->fp);
		break;
	case FMT_TENSOR:
		for (i = 0; i < s->nm; i++)
			v[i] = s->mods[i].out[r];
		if (mare_tensor_write_f64(s->tw, v, 1, err) != 0)
			return -1;
		break;
	case FMT_NPY:
		for (i = 0; i < s->nm; i++)
			v[i] = s->mods[i].out[r];
		if (mare_npy_write_rows(s->fp, MARE_NPY_F8, s->nm, v, 1,
		    err) != 0)
			return -1;
		break;
	default:
		break;
	}
	s->rows++;
	if (s->flush && fflush(s->fp) != 0)
		return mare_err_sys(err, MARE_E_IO, "cannot write '%s'",
		    mare_out_name(s->out));
	return 0;
}

/* npy to stdout: the header, then the spooled rows. */
static int
spool_finish(struct sink *s, struct mare_out *out, struct mare_err *err)
{
	FILE *fp = mare_out_file(out);
	char buf[65536];
	size_t n;
	int rc = 0;

	if (fflush(s->spool) != 0 || fseek(s->spool, 0, SEEK_SET) != 0)
		rc = mare_err_sys(err, MARE_E_IO, "temporary file");
	else if (mare_npy_write_header(fp, MARE_NPY_F8, 2, s->rows, s->nm,
	    err) != 0)
		rc = -1;
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), s->spool)) > 0)
		if (fwrite(buf, 1, n, fp) != n)
			rc = mare_err_sys(err, MARE_E_IO, "cannot write '%s'",
			    mare_out_name(out));
	if (rc == 0 && ferror(s->spool))
		rc = mare_err_sys(err, MARE_E_IO, "temporary file");
	fclose(s->spool);
	s->spool = NULL;
	if (rc != 0) {
		mare_out_abort(out);
		return -1;
	}
	return mare_out_commit(out, err);
}

static int
sink_finish(struct sink *s, struct mare_err *err)
{
	struct mare_out *out = s->out;

	s->out = NULL;
	if (s->fmt == FMT_TENSOR && mare_tensor_writer_finish(s->tw,
	    err) != 0) {
		mare_out_abort(out);
		return -1;
	}
	if (s->fmt == FMT_NPY && s->spool != NULL)
		return spool_finish(s, out, err);
	if (s->fmt == FMT_NPY) {
		if (fflush(s->fp) != 0 || fseek(s->fp, 0, SEEK_SET) != 0 ||
		    mare_npy_write_header(s->fp, MARE_NPY_F8, 2, s->rows,
		    s->nm, err) != 0 || ftell(s->fp) != s->npy_data) {
			mare_err_set(err, MARE_E_IO, "cannot rewrite the "
			    "header of '%s'", mare_out_name(out));
			mare_out_abort(out);
			return -1;
		}
	}
	return mare_out_commit(out, err);
}

static void
sink_abort(struct sink *s)
{
	mare_tensor_writer_free(s->tw);
	s->tw = NULL;
	if (s->spool != NULL)
		fclose(s->spool);
	s->spool = NULL;
	mare_out_abort(s->out);
	s->out = NULL;
}

/* ------------------------------------------------------------------ */
/* Rejects */

/*
 * A row cannot be predicted: write it to -R (json is the record to write,
 * already holding "_rejected"), or fail naming src:line when there is no
 * -R.
 */
static int
reject_fail(struct run *ru, const char *src, unsigned long line,
    const char *field, const char *msg, struct mare_err *err)
{
	(void)ru;
	mare_err_set(err, MARE_E_DATA, "'%s': %s (use -R to set such rows "
	    "aside)", field, msg);
	mare_err_at(err, src, line, 0);
	return -1;
}

static int
write_problem(FILE *fp, const char *field, const char *msg)
{
	json_t *p;
	char *s;

	p = json_pack("[{s:s,s:s}]", "field", field, "message", msg);
	if (p == NULL)
		return -1;
	s = json_dumps(p, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(p);
	if (s == NULL)
		return -1;
	fprintf(fp, "\"_rejected\":%s}\n", s);
	free(s);
	return 0;
}

static int
reject_row(struct run *ru, const char *src, unsigned long long row,
    const char *field, const char *msg, struct mare_err *err)
{
	FILE *fp;

	ru->cnt.rejected++;
	if (ru->rej == NULL)
		return reject_fail(ru, src, (unsigned long)row, field, msg,
		    err);
	fp = mare_out_file(ru->rej);
	fprintf(fp, "{\"row\":%llu,", row);
	if (write_problem(fp, field, msg) != 0)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return 0;
}

static int
reject_line(struct run *ru, struct mare_jsonl_reader *jr, const char *src,
    size_t nkeys, const char *field, const char *msg, struct mare_err *err)
{
	const char *raw, *close;
	size_t len;
	FILE *fp;

	ru->cnt.rejected++;
	if (ru->rej == NULL)
		return reject_fail(ru, src, mare_jsonl_line(jr), field, msg,
		    err);
	fp = mare_out_file(ru->rej);
	raw = mare_jsonl_raw(jr, &len);
	if (raw == NULL)
		return mare_err_set(err, MARE_E_INTERNAL, "no raw line");
	for (close = raw + len; close > raw && close[-1] != '}'; close--)
		;
	if (close == raw)
		close = raw + 1;
	fwrite(raw, 1, (size_t)(close - raw) - 1, fp);
	if (nkeys > 0)
		putc(',', fp);
	if (write_problem(fp, field, msg) != 0)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Predicting blocks */

/* Predict n gathered rows (d->buf) with every model into d->out. */
static int
predict_block(struct run *ru, size_t n, struct mare_err *err)
{
	struct mdl *d;
	size_t i, outside;

	for (i = 0; i < ru->nm; i++) {
		d = &ru->mods[i];
		outside = 0;
		if (d->features) {
			if (mare_model_predict_features(d->m, d->buf, n,
			    &d->po, d->out, err) != 0)
				return -1;
		} else if (mare_model_predict(d->m, d->buf, n, &d->po,
		    d->out, &outside, err) != 0)
			return -1;
		d->outside += outside;
	}
	return 0;
}

/*
 * Gather row (ncols doubles) into slot k of every model's buffer. Returns
 * 1, or 0 with *bad set to the first input name that is not finite.
 */
static int
gather(struct run *ru, const double *row, size_t k, const char **bad)
{
	struct mdl *d;
	size_t i, j;
	double v;

	for (i = 0; i < ru->nm; i++) {
		d = &ru->mods[i];
		for (j = 0; j < d->nin; j++) {
			v = row[d->col[j]];
			if (!isfinite(v)) {
				*bad = input_name(d, j);
				return 0;
			}
			d->buf[k * d->nin + j] = v;
		}
	}
	return 1;
}

/* A block of rows read from a tensor or .npy: gather, predict, write. */
static int
rows_block(struct run *ru, struct sink *s, const char *src,
    const double *rows, size_t ncols, size_t n, struct mare_err *err)
{
	const char *bad;
	size_t r, k = 0;

	for (r = 0; r < n; r++) {
		ru->cnt.in++;
		if (gather(ru, rows + r * ncols, k, &bad))
			k++;
		else if (reject_row(ru, src, ru->cnt.in, bad,
		    "not a finite number", err) != 0)
			return -1;
	}
	if (k == 0)
		return 0;
	if (predict_block(ru, k, err) != 0)
		return -1;
	for (r = 0; r < k; r++)
		if (sink_row(s, r, err) != 0)
			return -1;
	ru->cnt.out += k;
	return 0;
}

static int
run_tensor(struct run *ru, FILE *fp, const char *name, enum fmt def,
    struct mare_err *err)
{
	struct mare_tensor_reader *tr = NULL;
	const struct mare_tensor_info *ti;
	struct sink s;
	double *rows = NULL;
	size_t n;
	int r, rc = -1;

	memset(&s, 0, sizeof(s));
	if ((tr = mare_tensor_reader_new(fp, name, err)) == NULL)
		return -1;
	ti = mare_tensor_reader_info(tr);
	if (bind_columns(ru, name, ti->columns, ti->ncols, ti->spec_sha256,
	    err) != 0)
		goto out;
	if ((rows = malloc(BLOCK * ti->ncols * sizeof(double) + 1)) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto out;
	}
	s.fmt = ru->o->format != FMT_NONE ? ru->o->format : def;
	if (sink_open(&s, ru, ru->o->input, err) != 0)
		goto out;
	while ((r = mare_tensor_read_f64(tr, rows, BLOCK, &n, err)) == 1)
		if (rows_block(ru, &s, name, rows, ti->ncols, n, err) != 0)
			goto out;
	if (r < 0)
		goto out;
	rc = sink_finish(&s, err);
out:
	if (rc != 0)
		sink_abort(&s);
	else
		mare_tensor_writer_free(s.tw);
	mare_tensor_reader_free(tr);
	free(rows);
	return rc;
}

/* Split --columns "a,b,c" into names (pointers into a copy). */
static char **
split_columns(const char *list, size_t *n, char **copy)
{
	char **names, *p;
	size_t k = 1, i;

	for (p = (char *)(uintptr_t)list; *p != '\0'; p++)
		if (*p == ',')
			k++;
	if ((*copy = strdup(list)) == NULL ||
	    (names = calloc(k, sizeof(*names))) == NULL) {
		free(*copy);
		*copy = NULL;
		return NULL;
	}
	names[0] = *copy;
	for (i = 1, p = *copy; *p != '\0'; p++)
		if (*p == ',') {
			*p = '\0';
			names[i++] = p + 1;
		}
	*n = k;
	return names;
}

static int
run_npy(struct run *ru, FILE *fp, const char *name, struct mare_err *err)
{
	struct mare_npy_header h;
	struct sink s;
	unsigned long long done = 0;
	const char **names = NULL;
	char **split = NULL, *copy = NULL;
	void *raw = NULL;
	double *rows = NULL;
	size_t n, ncols, i, k;
	int r, rc = -1;

	memset(&s, 0, sizeof(s));
	if (mare_npy_read_header(fp, name, &h, err) != 0)
		return -1;
	ncols = (size_t)h.cols;
	if (ru->o->columns != NULL) {
		if ((split = split_columns(ru->o->columns, &k, &copy)) ==
		    NULL) {
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto out;
		}
		if (k != ncols) {
			mare_err_set(err, MARE_E_USAGE, "%s: %zu columns, "
			    "but --columns names %zu", name, ncols, k);
			goto out;
		}
		names = (const char **)split;
	} else {
		/* Unnamed: the first model's variables, in order. */
		const struct mare_featspec *fs = ru->mods[0].m->spec;

		if (ncols != fs->nvars) {
			mare_err_set(err, MARE_E_DATA, "%s: %zu columns, but "
			    "model %s has %zu variables (name the columns "
			    "with --columns)", name, ncols, ru->mods[0].path,
			    fs->nvars);
			goto out;
		}
		if ((names = calloc(ncols + 1, sizeof(*names))) == NULL) {
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto out;
		}
		for (i = 0; i < ncols; i++)
			names[i] = fs->vars[i].name;
	}
	if (bind_columns(ru, name, names, ncols, NULL, err) != 0)
		goto out;
	raw = malloc(BLOCK * (ncols + 1) * h.dtype);
	rows = malloc(BLOCK * (ncols + 1) * sizeof(double));
	if (raw == NULL || rows == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto out;
	}
	s.fmt = ru->o->format != FMT_NONE ? ru->o->format : FMT_NPY;
	if (sink_open(&s, ru, ru->o->input, err) != 0)
		goto out;
	while ((r = mare_npy_read_rows(fp, name, &h, &done, raw, BLOCK, &n,
	    err)) == 1) {
		if (h.dtype == MARE_NPY_F8)
			memcpy(rows, raw, n * ncols * sizeof(double));
		else
			for (i = 0; i < n * ncols; i++)
				rows[i] = ((const float *)raw)[i];
		if (rows_block(ru, &s, name, rows, ncols, n, err) != 0)
			goto out;
	}
	if (r < 0)
		goto out;
	rc = sink_finish(&s, err);
out:
	if (rc != 0)
		sink_abort(&s);
	if (split == NULL)
		free(names);
	free(split);
	free(copy);
	free(raw);
	free(rows);
	return rc;
}

/* ------------------------------------------------------------------ */
/* JSON Lines records */

/*
 * Fill slot 0 of every model's buffer from one record. Returns 1, or 0
 * with *field and *msg (msg in buf) set.
 */
static int
record_values(struct run *ru, const json_t *obj, const char **field,
    char *msg, size_t msize)
{
	struct mdl *d;
	size_t i;

	for (i = 0; i < ru->nm; i++) {
		d = &ru->mods[i];
		if (!mare_record_values(obj, d->m->spec, ru->have_stack ?
		    &ru->stack : NULL, d->col, d->buf, field, msg, msize))
			return 0;
	}
	return 1;
}

/* Splice the fields into the raw line, before its final '}'. */
static int
splice_line(struct sink *s, struct mare_jsonl_reader *jr, size_t nkeys,
    struct mare_err *err)
{
	const char *raw, *close;
	size_t len;

	raw = mare_jsonl_raw(jr, &len);
	if (raw == NULL)
		return mare_err_set(err, MARE_E_INTERNAL, "no raw line");
	for (close = raw + len; close > raw && close[-1] != '}'; close--)
		;
	if (close == raw)
		close = raw + 1;
	fwrite(raw, 1, (size_t)(close - raw) - 1, s->fp);
	put_fields(s->fp, s->mods, s->nm, 0, nkeys == 0);
	fputs("}\n", s->fp);
	s->rows++;
	if (s->flush && fflush(s->fp) != 0)
		return mare_err_sys(err, MARE_E_IO, "cannot write '%s'",
		    mare_out_name(s->out));
	return 0;
}

static int
run_jsonl(struct run *ru, FILE *fp, const char *name, struct mare_err *err)
{
	struct mare_jsonl_reader *jr = NULL;
	struct sink s;
	json_t *obj = NULL;
	const char *field = NULL;
	char msg[sizeof(err->msg)];
	size_t i, k;
	int r, rc = -1, ok;

	memset(&s, 0, sizeof(s));
	/* Bind the layers (by name) to the models' variables. */
	for (i = 0; ru->have_stack && i < ru->nm; i++)
		for (k = 0; k < ru->mods[i].nin; k++) {
			long li = mare_grid_stack_find(&ru->stack,
			    ru->mods[i].m->spec->vars[k].name);

			if (li < 0)
				return mare_err_set(err, MARE_E_DATA, "%s: no "
				    "layer '%s' (model %s)", ru->o->layers,
				    ru->mods[i].m->spec->vars[k].name,
				    ru->mods[i].path);
			ru->mods[i].col[k] = (size_t)li;
		}
	if ((jr = mare_jsonl_reader_new(fp, name, 0, err)) == NULL)
		return -1;
	s.fmt = ru->o->format != FMT_NONE ? ru->o->format : FMT_JSONL;
	if (sink_open(&s, ru, ru->o->input, err) != 0)
		goto out;
	for (;;) {
		r = mare_jsonl_read(jr, &obj, err);
		if (r == 0)
			break;
		if (r < 0) {
			if (err->code != MARE_E_DATA || ru->rej == NULL)
				goto out;
			ru->cnt.in++;
			ru->cnt.rejected++;
			/* a line that is not an object: kept as a string */
			{
				const char *raw;
				size_t len;
				json_t *j;

				snprintf(msg, sizeof(msg), "%s", err->msg);
				mare_err_init(err);
				raw = mare_jsonl_raw(jr, &len);
				j = json_pack("{s:s%,s:[{s:s,s:s}]}", "line",
				    raw != NULL ? raw : "", raw != NULL ? len :
				    0, "_rejected", "field", "-", "message",
				    msg);
				if (j == NULL || mare_jsonl_write(
				    mare_out_file(ru->rej), j, err) != 0) {
					json_decref(j);
					goto out;
				}
				json_decref(j);
			}
			continue;
		}
		ru->cnt.in++;
		ok = record_values(ru, obj, &field, msg, sizeof(msg));
		for (i = 0; ok && i < ru->nm; i++)
			if (s.fmt == FMT_JSONL && json_object_get(obj,
			    ru->mods[i].field) != NULL) {
				field = ru->mods[i].field;
				snprintf(msg, sizeof(msg), "already present");
				ok = 0;
			}
		if (ok) {
			for (i = 0; ok && i < ru->nm; i++)
				if (!isfinite(ru->mods[i].buf[0])) {
					ok = 0;
					field = input_name(&ru->mods[i], 0);
					snprintf(msg, sizeof(msg),
					    "not a finite number");
				}
		}
		if (!ok) {
			if (reject_line(ru, jr, name, json_object_size(obj),
			    field, msg, err) != 0)
				goto out;
		} else {
			if (predict_block(ru, 1, err) != 0) {
				mare_err_at(err, name, mare_jsonl_line(jr), 0);
				goto out;
			}
			if (s.fmt == FMT_JSONL) {
				if (splice_line(&s, jr, json_object_size(obj),
				    err) != 0)
					goto out;
			} else if (sink_row(&s, 0, err) != 0)
				goto out;
			ru->cnt.out++;
		}
		if (ru->rej != NULL && ru->o->line_buffered)
			fflush(mare_out_file(ru->rej));
		json_decref(obj);
		obj = NULL;
	}
	rc = sink_finish(&s, err);
out:
	json_decref(obj);
	if (rc != 0)
		sink_abort(&s);
	else
		mare_tensor_writer_free(s.tw);
	mare_jsonl_reader_free(jr);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Maps */

static int
run_map(struct run *ru, struct mare_err *err)
{
	struct mdl *d = &ru->mods[0];
	struct mare_grid_geom geom;
	struct mare_grid *map = NULL;
	size_t ncells, i, k, j, n, cells[BLOCK];
	long li;
	int rc = -1;

	for (k = 0; k < d->nin; k++) {
		li = mare_grid_stack_find(&ru->stack,
		    d->m->spec->vars[k].name);
		if (li < 0)
			return mare_err_set(err, MARE_E_DATA, "%s: no layer "
			    "'%s' (model %s)", ru->o->layers,
			    d->m->spec->vars[k].name, d->path);
		d->col[k] = (size_t)li;
	}
	geom = ru->stack.layers[0]->geom;
	if (!geom.has_nodata) {
		geom.has_nodata = 1;
		geom.nodata = -9999;
	}
	if ((map = mare_grid_new(&geom, d->field, err)) == NULL)
		return -1;
	ncells = mare_grid_stack_ncells(&ru->stack);
	i = 0;
	for (;;) {
		n = 0;
		while (n < BLOCK && i < ncells &&
		    mare_grid_stack_next_valid(&ru->stack, &i)) {
			for (j = 0; j < d->nin; j++)
				d->buf[n * d->nin + j] =
				    ru->stack.layers[d->col[j]]->cells[i];
			cells[n++] = i++;
		}
		if (n == 0)
			break;
		if (predict_block(ru, n, err) != 0)
			goto out;
		for (j = 0; j < n; j++)
			map->cells[cells[j]] = (float)d->out[j];
		ru->cnt.in += n;
		ru->cnt.out += n;
	}
	if (mare_grid_save(map, ru->o->common.output, err) != 0)
		goto out;
	mare_cli_note("map: %llu cells predicted, %zu without a value in "
	    "some layer", ru->cnt.out, ncells - (size_t)ru->cnt.out);
	rc = 0;
out:
	mare_grid_free(map);
	return rc;
}

/* ------------------------------------------------------------------ */

static int
run(struct opts *o, struct mare_err *err)
{
	struct run ru;
	FILE *fp = NULL;
	const char *name = NULL;
	unsigned long long outside = 0;
	size_t i;
	int c, rc = -1;

	memset(&ru, 0, sizeof(ru));
	ru.o = o;
	mare_grid_stack_init(&ru.stack);
	if (load_models(&ru, err) != 0)
		goto out;
	for (i = 0; i < ru.nm; i++) {
		const char *f = ru.mods[i].field;

		if (strcspn(f, "\"\\") != strlen(f)) {
			mare_err_set(err, MARE_E_USAGE, "invalid field name "
			    "'%s'", f);
			goto out;
		}
	}
	if (o->layers != NULL) {
		if (mare_grid_stack_load_dir(&ru.stack, o->layers, err) != 0)
			goto out;
		ru.have_stack = 1;
	}
	if (o->layers != NULL && o->input == NULL) {
		rc = run_map(&ru, err);
		goto out;
	}
	if (o->reject != NULL && (ru.rej = mare_out_open(o->reject,
	    MARE_OUT_SYNC, err)) == NULL)
		goto out;
	if ((fp = mare_in_open(o->input, &name, err)) == NULL)
		goto out;
	c = getc(fp);
	if (c != EOF)
		ungetc(c, fp);
	if (c == 0x89 && !ru.have_stack)
		rc = run_tensor(&ru, fp, name, FMT_TENSOR, err);
	else if (c == 0x93 && !ru.have_stack)
		rc = run_npy(&ru, fp, name, err);
	else
		rc = run_jsonl(&ru, fp, name, err);
	if (rc == 0 && ru.rej != NULL) {
		struct mare_out *rj = ru.rej;

		ru.rej = NULL;
		rc = mare_out_commit(rj, err);
	}
	if (rc == 0) {
		for (i = 0; i < ru.nm; i++)
			outside += ru.mods[i].outside;
		mare_cli_note("%llu in, %llu predicted, %llu rejected; %llu "
		    "outside the training range%s", ru.cnt.in, ru.cnt.out,
		    ru.cnt.rejected, outside, o->clamp ? " (clamped)" : "");
	}
out:
	{
		struct mare_prom *pm = mare_cli_metrics();

		mare_prom_set(pm, "mare_predict_rows", MARE_PROM_GAUGE,
		    "rows by outcome", "outcome=\"predicted\"",
		    (double)ru.cnt.out, NULL);
		mare_prom_set(pm, "mare_predict_rows", MARE_PROM_GAUGE,
		    "rows by outcome", "outcome=\"rejected\"",
		    (double)ru.cnt.rejected, NULL);
	}
	mare_out_abort(ru.rej);
	if (fp != NULL)
		mare_in_close(fp);
	mare_grid_stack_release(&ru.stack);
	mods_free(ru.mods, ru.nm);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct mare_err err;
	int r, status = 0;

	memset(&o, 0, sizeof(o));
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
