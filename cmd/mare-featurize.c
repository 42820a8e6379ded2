/*
 * mare-featurize - environmental layers, background points and MaxEnt
 * feature classes into a mare-tensor(5)
 *
 * The feature store: occurrence records (JSON Lines) are sampled on a
 * stack of aligned layers (lib/grid), thinned to one presence per cell,
 * joined by background cells drawn from the layers (lib/sample) or read
 * from records, and turned into features by a spec (lib/featspec) that is
 * either fitted here (and saved with --spec-out) or loaded with --spec, so
 * training rows, new records and whole grids all go through the same code.
 *
 * Rows of the output, in this order (maxnet's rbind order): the presences
 * (label 1) in input order, the background (label 0: cells in row-major
 * order, or the --background-from records in file order), then the
 * presences added to the background (label 0) as maxnet's
 * addsamplestobackground does: every distinct presence row of raw values
 * not already among the background rows. --grid writes every valid cell of
 * the stack instead, with no label.
 *
 * Memory: the layers (4 bytes per cell), one bit per cell for thinning,
 * and the kept rows' raw values (nvars + 3 doubles each); --grid streams
 * its rows. Features are computed one row at a time as they are written.
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
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "featspec.h"
#include "grid.h"
#include "io.h"
#include "jsonl.h"
#include "mare.h"
#include "prov.h"
#include "sample.h"
#include "tensor.h"

#define DEFAULT_BACKGROUND	10000
#define MAX_BACKGROUND		100000000ULL
#define BG_WEIGHT		100.0	/* maxnet: (1 - p) * 100 */

enum {
	OPT_BACKGROUND = MARE_OPT_CMD,
	OPT_BACKGROUND_FROM,
	OPT_BIAS,
	OPT_CATEGORICAL,
	OPT_CLAMP,
	OPT_COLUMNS,
	OPT_DTYPE,
	OPT_FEATURES,
	OPT_GRID,
	OPT_LAYERS,
	OPT_NO_ADD_PRESENCES,
	OPT_NO_CLAMP,
	OPT_NO_THIN,
	OPT_SPEC,
	OPT_SPEC_OUT,
	OPT_SPECIES,
	OPT_WEIGHTS
};

struct opts {
	struct mare_cli_common common;
	const char	*input;		/* NULL: stdin */
	const char	*species;
	const char	*layers_dir;
	const char	**layer_files;	/* -l, in order */
	size_t		 nlayer_files;
	char		**columns;	/* --columns, split */
	size_t		 ncolumns;
	char		*columns_buf;
	const char	*reject;
	int		 thin;
	unsigned long long nbackground;
	int		 background_set;
	const char	*bias;
	const char	*background_from;
	int		 add_presences;
	const char	*features;
	const char	**categorical;
	size_t		 ncategorical;
	const char	*spec_out;
	const char	*spec;
	int		 clamp;		/* -1: default (on with --spec) */
	int		 weights;
	enum mare_tensor_dtype dtype;
	int		 grid;
	int		 argc;
	char		**argv;
};

/* One raw variable: a layer of the stack or a key of the records. */
struct var {
	const char	*name;
	long		 layer;		/* index in the stack, -1: a column */
};

/* Rows kept in memory: raw values, coordinates, label. */
struct rows {
	size_t		 nvars;
	size_t		 n, cap;
	double		*raw;		/* n * nvars */
	double		*xy;		/* n * 2: longitude, latitude */
};

struct counts {
	unsigned long long in, used, thinned, rejected, skipped;
};

struct ctx {
	const struct opts *o;
	struct mare_grid_stack stack;
	struct var	*vars;
	size_t		 nvars;
	float		*lvals;		/* one value per layer */
	unsigned char	*seen;		/* thinning: one bit per cell */
	struct mare_out	*rej;
	struct rows	 pres, bg;
	struct counts	 cp, cb;	/* presences, background records */
	size_t		 nadded;
	struct mare_prov *prov;
};

static void
usage(FILE *fp)
{
	fputs("Usage:\n"
" mare-featurize [--layers <dir>] [-l <layer>]... [--columns <names>]\n"
"                [--spec <spec.json> | --spec-out <spec.json>] [options]\n"
"                [<records.jsonl>]\n"
" mare-featurize --grid --spec <spec.json> --layers <dir> [options]\n"
"\n"
"Sample environmental layers at occurrence records, add background points\n"
"and build MaxEnt feature classes into a mare-tensor(5).\n"
"\n"
"Options:\n"
"     --layers <dir>       every .asc and .asc.gz of <dir> is a layer\n"
" -l, --layer <file>       one more layer (repeatable)\n"
"     --columns <names>    comma-separated numeric keys of the records\n"
"     --species <name>     keep only records of this scientificName\n"
" -R, --reject <file>      write unusable records with reasons to <file>\n"
"     --no-thin            keep every presence (default: one per cell)\n"
"     --background <n>     background cells drawn (default: 10000)\n"
"     --bias <file>        draw background cells weighted by this layer\n"
"     --background-from <file>  background from records (JSON Lines)\n"
"     --no-add-presences   do not add the presences to the background\n"
"     --features <classes> letters of l, q, p, h, t (default: by presences)\n"
"     --categorical <name> a categorical variable (repeatable)\n"
"     --spec-out <file>    write the fitted feature spec to <file>\n"
"     --spec <file>        apply a saved spec instead of fitting one\n"
"     --clamp              clamp to the spec's training ranges (default\n"
"                          with --spec)\n"
"     --no-clamp           never clamp\n"
"     --weights            add a weight column (presence 1, background 100)\n"
"     --dtype <type>       f4 or f8 (default: f8)\n"
"     --grid               every valid cell of the layers (needs --spec)\n"
	    MARE_CLI_COMMON_HELP
"\n"
"See mare-featurize(1).\n", fp);
}

static const struct option longopts[] = {
	{ "background",	required_argument, NULL, OPT_BACKGROUND },
	{ "background-from", required_argument, NULL, OPT_BACKGROUND_FROM },
	{ "bias",	required_argument, NULL, OPT_BIAS },
	{ "categorical", required_argument, NULL, OPT_CATEGORICAL },
	{ "clamp",	no_argument,	   NULL, OPT_CLAMP },
	{ "columns",	required_argument, NULL, OPT_COLUMNS },
	{ "dtype",	required_argument, NULL, OPT_DTYPE },
	{ "features",	required_argument, NULL, OPT_FEATURES },
	{ "grid",	no_argument,	   NULL, OPT_GRID },
	{ "layer",	required_argument, NULL, 'l' },
	{ "layers",	required_argument, NULL, OPT_LAYERS },
	{ "no-add-presences", no_argument, NULL, OPT_NO_ADD_PRESENCES },
	{ "no-clamp",	no_argument,	   NULL, OPT_NO_CLAMP },
	{ "no-thin",	no_argument,	   NULL, OPT_NO_THIN },
	{ "reject",	required_argument, NULL, 'R' },
	{ "spec",	required_argument, NULL, OPT_SPEC },
	{ "spec-out",	required_argument, NULL, OPT_SPEC_OUT },
	{ "species",	required_argument, NULL, OPT_SPECIES },
	{ "weights",	no_argument,	   NULL, OPT_WEIGHTS },
	MARE_CLI_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static int
push_str(const char ***arr, size_t *n, const char *s, struct mare_err *err)
{
	const char **p;

	p = realloc(*arr, (*n + 1) * sizeof(*p));
	if (p == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	p[(*n)++] = s;
	*arr = p;
	return 0;
}

static int
split_columns(struct opts *o, const char *text, struct mare_err *err)
{
	const char *t;
	char *p;
	size_t n = 1, i = 0, k;

	for (t = text; *t != '\0'; t++)
		if (*t == ',')
			n++;
	free(o->columns);
	free(o->columns_buf);
	o->columns_buf = strdup(text);
	o->columns = calloc(n, sizeof(*o->columns));
	if (o->columns_buf == NULL || o->columns == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	o->columns[i++] = o->columns_buf;
	for (p = o->columns_buf; *p != '\0' && i < n; p++)
		if (*p == ',') {
			*p = '\0';
			o->columns[i++] = p + 1;
		}
	o->ncolumns = i;	/* n, counted in text: the same commas */
	for (k = 0; k < o->ncolumns; k++)
		if (o->columns[k][0] == '\0')
			return mare_err_set(err, MARE_E_USAGE, "invalid "
			    "--columns value '%s': empty name", text);
	return 0;
}

static int
parse_args(int argc, char **argv, struct opts *o, struct mare_err *err)
{
	int c, r;

	o->thin = 1;
	o->add_presences = 1;
	o->nbackground = DEFAULT_BACKGROUND;
	o->clamp = -1;
	o->dtype = MARE_TENSOR_F64;
	o->argc = argc;
	o->argv = argv;
	while ((c = getopt_long(argc, argv, MARE_CLI_COMMON_SHORTOPTS "l:R:",
	    longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (push_str(&o->layer_files, &o->nlayer_files,
			    optarg, err) != 0)
				return -1;
			break;
		case 'R':
			o->reject = optarg;
			break;
		case OPT_BACKGROUND:
			if (mare_cli_parse_ulong("background", optarg, 0,
			    MAX_BACKGROUND, &o->nbackground, err) != 0)
				return -1;
			o->background_set = 1;
			break;
		case OPT_BACKGROUND_FROM:
			o->background_from = optarg;
			break;
		case OPT_BIAS:
			o->bias = optarg;
			break;
		case OPT_CATEGORICAL:
			if (push_str(&o->categorical, &o->ncategorical,
			    optarg, err) != 0)
				return -1;
			break;
		case OPT_CLAMP:
			o->clamp = 1;
			break;
		case OPT_NO_CLAMP:
			o->clamp = 0;
			break;
		case OPT_COLUMNS:
			if (split_columns(o, optarg, err) != 0)
				return -1;
			break;
		case OPT_DTYPE:
			if (strcmp(optarg, "f4") == 0)
				o->dtype = MARE_TENSOR_F32;
			else if (strcmp(optarg, "f8") == 0)
				o->dtype = MARE_TENSOR_F64;
			else
				return mare_err_set(err, MARE_E_USAGE,
				    "invalid --dtype value '%s': expected f4 "
				    "or f8", optarg);
			break;
		case OPT_FEATURES:
			o->features = optarg;
			break;
		case OPT_GRID:
			o->grid = 1;
			break;
		case OPT_LAYERS:
			o->layers_dir = optarg;
			break;
		case OPT_NO_ADD_PRESENCES:
			o->add_presences = 0;
			break;
		case OPT_NO_THIN:
			o->thin = 0;
			break;
		case OPT_SPEC:
			o->spec = optarg;
			break;
		case OPT_SPEC_OUT:
			o->spec_out = optarg;
			break;
		case OPT_SPECIES:
			o->species = optarg;
			break;
		case OPT_WEIGHTS:
			o->weights = 1;
			break;
		default:
			r = mare_cli_common_option(c, optarg, &o->common, err);
			if (r == 2)
				return -2;
			if (r < 0)
				return -1;
			break;
		}
	}
	if (optind < argc)
		o->input = argv[optind++];
	if (optind < argc)
		return mare_err_set(err, MARE_E_USAGE, "one input file only, "
		    "got '%s' too", argv[optind]);
	if (o->spec != NULL && o->spec_out != NULL)
		return mare_err_set(err, MARE_E_USAGE, "--spec and --spec-out "
		    "exclude each other (a loaded spec is not refitted)");
	if (o->spec != NULL && (o->features != NULL || o->ncategorical > 0))
		return mare_err_set(err, MARE_E_USAGE, "--features and "
		    "--categorical apply only when fitting, not with --spec");
	if (o->spec == NULL && o->clamp == 1)
		return mare_err_set(err, MARE_E_USAGE, "--clamp needs --spec "
		    "(training rows are never clamped)");
	if (o->bias != NULL && o->background_from != NULL)
		return mare_err_set(err, MARE_E_USAGE, "--bias and "
		    "--background-from exclude each other");
	if (o->grid) {
		if (o->spec == NULL)
			return mare_err_set(err, MARE_E_USAGE, "--grid needs "
			    "--spec");
		if (o->input != NULL || o->background_set || o->bias != NULL
		    || o->background_from != NULL || o->species != NULL ||
		    o->reject != NULL || o->weights || o->ncolumns > 0)
			return mare_err_set(err, MARE_E_USAGE, "--grid takes "
			    "only layers and a spec: no records, background, "
			    "--columns, --reject or --weights");
	}
	if (o->layers_dir == NULL && o->nlayer_files == 0) {
		if (o->grid)
			return mare_err_set(err, MARE_E_USAGE, "--grid needs "
			    "layers (--layers or -l)");
		if (o->spec == NULL && o->ncolumns == 0)
			return mare_err_set(err, MARE_E_USAGE, "no variables: "
			    "give layers (--layers, -l) or --columns");
		if (o->bias != NULL)
			return mare_err_set(err, MARE_E_USAGE, "--bias needs "
			    "layers");
		if (o->background_set && o->nbackground > 0 &&
		    o->background_from == NULL)
			return mare_err_set(err, MARE_E_USAGE, "--background "
			    "draws layer cells: give layers, or use "
			    "--background-from");
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Rows */

static int
rows_push(struct rows *r, const double *raw, double x, double y,
    struct mare_err *err)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 1024;
		double *a, *b;

		a = realloc(r->raw, cap * (r->nvars ? r->nvars : 1) *
		    sizeof(*a));
		if (a == NULL)
			return mare_err_set(err, MARE_E_NOMEM, "out of memory");
		r->raw = a;
		b = realloc(r->xy, cap * 2 * sizeof(*b));
		if (b == NULL)
			return mare_err_set(err, MARE_E_NOMEM, "out of memory");
		r->xy = b;
		r->cap = cap;
	}
	memcpy(r->raw + r->n * r->nvars, raw, r->nvars * sizeof(*raw));
	r->xy[r->n * 2] = x;
	r->xy[r->n * 2 + 1] = y;
	r->n++;
	return 0;
}

static void
rows_release(struct rows *r)
{
	free(r->raw);
	free(r->xy);
	memset(r, 0, sizeof(*r));
}

/* ------------------------------------------------------------------ */
/* Records */

static const char *
json_kind(const json_t *v)
{
	if (v == NULL)
		return "missing";
	if (json_is_null(v))
		return "expected a number, got null";
	if (json_is_string(v))
		return "expected a number, got a string";
	if (json_is_boolean(v))
		return "expected a number, got a boolean";
	return "expected a number, got an array or object";
}

static void
problem(json_t *problems, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(json_t *problems, const char *field, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(problems, json_pack("{s:s, s:s}", "field",
	    field, "message", msg));
}

/* The raw line with "_rejected":problems spliced in before its '}'. */
static int
write_reject(struct mare_out *rej, struct mare_jsonl_reader *jr,
    const json_t *obj, json_t *problems, struct mare_err *err)
{
	return mare_jsonl_write_spliced(mare_out_file(rej),
	    mare_out_name(rej), jr, obj, "_rejected", problems, err);
}

/*
 * Check one record and fill raw (nvars values) and *x, *y. Returns 1 when
 * usable (*cell set when there are layers), 0 when problems were added.
 */
static int
sample_record(struct ctx *c, const json_t *obj, double *raw, double *x,
    double *y, size_t *cell, json_t *problems)
{
	const json_t *vx, *vy, *v;
	enum mare_grid_lookup lk;
	size_t k, layer = 0, row, col;

	vx = json_object_get(obj, "decimalLongitude");
	vy = json_object_get(obj, "decimalLatitude");
	if (!json_is_number(vx))
		problem(problems, "decimalLongitude", "%s", json_kind(vx));
	if (!json_is_number(vy))
		problem(problems, "decimalLatitude", "%s", json_kind(vy));
	if (json_array_size(problems) > 0)
		return 0;
	*x = json_number_value(vx);
	*y = json_number_value(vy);
	if (c->stack.nlayers > 0) {
		lk = mare_grid_stack_lookup(&c->stack, *x, *y, c->lvals, cell,
		    &layer);
		if (lk == MARE_GRID_OUTSIDE) {
			problem(problems, "decimalLongitude,decimalLatitude",
			    "outside the layers");
			return 0;
		}
		if (lk == MARE_GRID_NODATA) {
			row = *cell / c->stack.geom.ncols;
			col = *cell % c->stack.geom.ncols;
			problem(problems, c->stack.layers[layer]->name,
			    "no value (NODATA) at row %zu, col %zu", row, col);
			return 0;
		}
	}
	for (k = 0; k < c->nvars; k++) {
		if (c->vars[k].layer >= 0) {
			raw[k] = c->lvals[c->vars[k].layer];
			continue;
		}
		v = json_object_get(obj, c->vars[k].name);
		if (json_is_number(v))
			raw[k] = json_number_value(v);
		else
			problem(problems, c->vars[k].name, "%s", json_kind(v));
	}
	return json_array_size(problems) == 0;
}

/*
 * Read the records of path (NULL: stdin) into rows. Presences (bg == 0)
 * are filtered by species and thinned; every record counts in cnt.
 */
static int
read_records(struct ctx *c, const char *path, int bg, struct rows *rows,
    struct counts *cnt, struct mare_err *err)
{
	const struct opts *o = c->o;
	struct mare_jsonl_reader *jr = NULL;
	json_t *obj = NULL, *problems = NULL, *sn;
	const char *name;
	double *raw = NULL, x = 0, y = 0;
	size_t cell = 0;
	FILE *in;
	int rc;

	in = mare_in_open(path, &name, err);
	if (in == NULL)
		return -1;
	if (mare_prov_add_input(c->prov, path, err) != 0)
		goto fail;
	jr = mare_jsonl_reader_new(in, name, 0, err);
	raw = calloc(c->nvars ? c->nvars : 1, sizeof(*raw));
	if (jr == NULL || raw == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto fail;
	}
	while ((rc = mare_jsonl_read(jr, &obj, err)) == 1) {
		cnt->in++;
		if (!bg && o->species != NULL) {
			sn = json_object_get(obj, "scientificName");
			if (!json_is_string(sn) ||
			    strcmp(json_string_value(sn), o->species) != 0) {
				cnt->skipped++;
				json_decref(obj);
				obj = NULL;
				continue;
			}
		}
		problems = json_array();
		if (problems == NULL) {
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto fail;
		}
		if (sample_record(c, obj, raw, &x, &y, &cell, problems)) {
			if (!bg && o->thin && c->seen != NULL &&
			    (c->seen[cell / 8] & (1U << (cell % 8)))) {
				cnt->thinned++;
			} else {
				if (!bg && c->seen != NULL)
					c->seen[cell / 8] |= (unsigned char)
					    (1U << (cell % 8));
				if (rows_push(rows, raw, x, y, err) != 0)
					goto fail;
				cnt->used++;
			}
		} else if (c->rej != NULL) {
			cnt->rejected++;
			if (write_reject(c->rej, jr, obj, problems, err) != 0)
				goto fail;
		} else {
			json_t *p0 = json_array_get(problems, 0);

			mare_err_set(err, MARE_E_DATA, "%s: %s (use -R to "
			    "set such records aside)",
			    json_string_value(json_object_get(p0, "field")),
			    json_string_value(json_object_get(p0, "message")));
			mare_err_at(err, name, mare_jsonl_line(jr), 0);
			goto fail;
		}
		json_decref(problems);
		json_decref(obj);
		problems = obj = NULL;
	}
	if (rc < 0)
		goto fail;
	free(raw);
	mare_jsonl_reader_free(jr);
	mare_in_close(in);
	return 0;
fail:
	json_decref(problems);
	json_decref(obj);
	free(raw);
	mare_jsonl_reader_free(jr);
	mare_in_close(in);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Background */

static int
draw_background(struct ctx *c, struct mare_err *err)
{
	const struct opts *o = c->o;
	struct mare_grid_cell *cells = NULL;
	struct mare_grid *bias = NULL;
	double *raw = NULL, x, y;
	size_t i, k, idx;
	long n;
	int rc = -1;

	if (o->bias != NULL) {
		bias = mare_grid_load(o->bias, err);
		if (bias == NULL)
			return -1;
		if (mare_prov_add_input(c->prov, o->bias, err) != 0)
			goto out;
		n = mare_sample_cells_weighted(&c->stack, bias,
		    (size_t)o->nbackground, o->common.seed, &cells, err);
	} else
		n = mare_sample_cells(&c->stack, (size_t)o->nbackground,
		    o->common.seed, &cells, err);
	if (n < 0)
		goto out;
	if ((unsigned long long)n < o->nbackground)
		mare_cli_note("only %ld cells are eligible for the background "
		    "(%llu asked for): all are used", n, o->nbackground);
	raw = calloc(c->nvars ? c->nvars : 1, sizeof(*raw));
	if (raw == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < (size_t)n; i++) {
		idx = cells[i].row * c->stack.geom.ncols + cells[i].col;
		for (k = 0; k < c->nvars; k++)
			raw[k] = c->stack.layers[c->vars[k].layer]->cells[idx];
		mare_grid_geom_center(&c->stack.geom, cells[i].row,
		    cells[i].col, &x, &y);
		if (rows_push(&c->bg, raw, x, y, err) != 0)
			goto out;
	}
	rc = 0;
out:
	free(raw);
	free(cells);
	mare_grid_free(bias);
	return rc;
}

/*
 * maxnet's addsamplestobackground: the distinct presence rows (by their
 * raw values) that are not background rows, appended to the background.
 * An open-addressing set of row indices keyed by a hash of the values.
 */
static uint64_t
row_hash(const double *v, size_t n)
{
	uint64_t h = 1469598103934665603ULL, b;
	double d;
	size_t k;

	for (k = 0; k < n; k++) {
		d = v[k] == 0 ? 0.0 : v[k];	/* -0 == 0 */
		memcpy(&b, &d, sizeof(b));
		h = (h ^ b) * 1099511628211ULL;
		h ^= h >> 29;
	}
	return h;
}

static int
row_eq(const double *a, const double *b, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (a[k] != b[k])
			return 0;
	return 1;
}

static int
add_presences(struct ctx *c, struct mare_err *err)
{
	size_t nb = c->bg.n, np = c->pres.n, nv = c->nvars;
	size_t size = 16, mask, i, j, *tab;
	const double *r;

	while (size < 2 * (nb + np))
		size *= 2;
	mask = size - 1;
	tab = malloc(size * sizeof(*tab));
	if (tab == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	for (i = 0; i < size; i++)
		tab[i] = SIZE_MAX;
	/* Background rows: indices 0..nb-1 of c->bg (appends keep them). */
	for (i = 0; i < nb; i++) {
		r = c->bg.raw + i * nv;
		for (j = row_hash(r, nv) & mask; tab[j] != SIZE_MAX;
		    j = (j + 1) & mask)
			if (row_eq(c->bg.raw + tab[j] * nv, r, nv))
				break;
		if (tab[j] == SIZE_MAX)
			tab[j] = i;
	}
	for (i = 0; i < np; i++) {
		r = c->pres.raw + i * nv;
		for (j = row_hash(r, nv) & mask; tab[j] != SIZE_MAX;
		    j = (j + 1) & mask)
			if (row_eq(c->bg.raw + tab[j] * nv, r, nv))
				break;
		if (tab[j] != SIZE_MAX)
			continue;
		if (rows_push(&c->bg, r, c->pres.xy[i * 2],
		    c->pres.xy[i * 2 + 1], err) != 0) {
			free(tab);
			return -1;
		}
		tab[j] = c->bg.n - 1;
		c->nadded++;
	}
	free(tab);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Variables, spec */

static int
setup_vars(struct ctx *c, const struct mare_featspec *fs,
    struct mare_err *err)
{
	const struct opts *o = c->o;
	size_t k, n;
	long l;

	n = fs != NULL ? fs->nvars : c->stack.nlayers + o->ncolumns;
	c->vars = calloc(n ? n : 1, sizeof(*c->vars));
	if (c->vars == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	c->nvars = n;
	if (fs != NULL) {
		for (k = 0; k < n; k++) {
			c->vars[k].name = fs->vars[k].name;
			c->vars[k].layer = mare_grid_stack_find(&c->stack,
			    fs->vars[k].name);
			if (c->vars[k].layer < 0 && o->grid)
				return mare_err_set(err, MARE_E_DATA,
				    "spec variable '%s' is not a layer "
				    "(--grid reads layers only)",
				    fs->vars[k].name);
		}
		return 0;
	}
	for (k = 0; k < c->stack.nlayers; k++) {
		c->vars[k].name = c->stack.layers[k]->name;
		c->vars[k].layer = (long)k;
	}
	for (k = 0; k < o->ncolumns; k++) {
		l = mare_grid_stack_find(&c->stack, o->columns[k]);
		if (l >= 0)
			return mare_err_set(err, MARE_E_USAGE, "--columns "
			    "name '%s' is also a layer", o->columns[k]);
		c->vars[c->stack.nlayers + k].name = o->columns[k];
		c->vars[c->stack.nlayers + k].layer = -1;
	}
	for (k = 0; k < n; k++)
		for (l = 0; (size_t)l < k; l++)
			if (strcmp(c->vars[k].name, c->vars[l].name) == 0)
				return mare_err_set(err, MARE_E_USAGE,
				    "variable '%s' given twice",
				    c->vars[k].name);
	return 0;
}

static struct mare_featspec *
fit_spec(struct ctx *c, struct mare_err *err)
{
	const struct opts *o = c->o;
	struct mare_featspec_opts fo;
	struct mare_featspec *fs = NULL;
	const char **names = NULL;
	double *x = NULL;
	int *label = NULL;
	size_t n = c->pres.n + c->bg.n, nv = c->nvars, k;

	x = malloc((n ? n : 1) * (nv ? nv : 1) * sizeof(*x));
	label = malloc((n ? n : 1) * sizeof(*label));
	names = malloc((nv ? nv : 1) * sizeof(*names));
	if (x == NULL || label == NULL || names == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto out;
	}
	if (c->pres.n > 0)
		memcpy(x, c->pres.raw, c->pres.n * nv * sizeof(*x));
	if (c->bg.n > 0)
		memcpy(x + c->pres.n * nv, c->bg.raw, c->bg.n * nv *
		    sizeof(*x));
	for (k = 0; k < n; k++)
		label[k] = k < c->pres.n;
	for (k = 0; k < nv; k++)
		names[k] = c->vars[k].name;
	memset(&fo, 0, sizeof(fo));
	fo.classes = o->features;
	fo.categorical = o->categorical;
	fo.ncategorical = o->ncategorical;
	fs = mare_featspec_fit(x, n, nv, names, label, &fo, err);
out:
	free(x);
	free(label);
	free(names);
	return fs;
}

/* ------------------------------------------------------------------ */
/* Output */

struct out {
	struct mare_tensor_writer *w;
	double		*row;		/* one output row */
	double		*feat;		/* nfeat values */
	size_t		 nfeat;
	size_t		 first;		/* index of the first feature */
	size_t		 ncols;
	unsigned	 flags;
	unsigned long long outside;
};

static json_t *
make_meta(struct ctx *c, const struct mare_featspec *fs, const struct out *w)
{
	const struct opts *o = c->o;
	json_t *meta, *fz, *layout, *vars;
	size_t k;

	layout = json_pack("{s:o, s:o, s:{s:I, s:I}, s:I, s:I}",
	    "label", o->grid ? json_null() : json_integer(0),
	    "weight", o->weights ? json_integer(1) : json_null(),
	    "features", "first", (json_int_t)w->first, "count",
	    (json_int_t)w->nfeat,
	    "longitude", (json_int_t)(w->ncols - 2),
	    "latitude", (json_int_t)(w->ncols - 1));
	vars = json_array();
	for (k = 0; k < c->nvars; k++)
		json_array_append_new(vars, json_pack("{s:s, s:s}", "name",
		    c->vars[k].name, "source", c->vars[k].layer >= 0 ?
		    "layer" : "record"));
	fz = json_pack("{s:s, s:o, s:s, s:s, s:o, s:b}",
	    "mode", o->grid ? "grid" : o->spec != NULL ? "apply" : "fit",
	    "columns", layout,
	    "classes", fs->classes,
	    "requested", fs->requested,
	    "variables", vars,
	    "clamp", (w->flags & MARE_FEATSPEC_CLAMP) != 0);
	if (!o->grid) {
		json_object_set_new(fz, "records", json_pack(
		    "{s:I, s:I, s:I, s:I, s:I}", "in", (json_int_t)c->cp.in,
		    "used", (json_int_t)c->cp.used,
		    "thinned", (json_int_t)c->cp.thinned,
		    "rejected", (json_int_t)c->cp.rejected,
		    "skipped", (json_int_t)c->cp.skipped));
		json_object_set_new(fz, "thin", json_boolean(o->thin &&
		    c->seen != NULL));
		json_object_set_new(fz, "species", o->species ?
		    json_string(o->species) : json_null());
		json_object_set_new(fz, "background", json_pack(
		    "{s:s, s:I, s:I, s:b, s:o}", "source",
		    o->background_from ? "records" : c->bg.n > c->nadded ?
		    (o->bias ? "layers-weighted" : "layers") : "none",
		    "rows", (json_int_t)(c->bg.n - c->nadded),
		    "added_presences", (json_int_t)c->nadded,
		    "add_presences", o->add_presences,
		    "asked", o->background_from ? json_null() :
		    json_integer((json_int_t)o->nbackground)));
		json_object_set_new(fz, "weights", o->weights ? json_pack(
		    "{s:f, s:f}", "presence", 1.0, "background", BG_WEIGHT) :
		    json_null());
	}
	meta = json_pack("{s:o, s:o}", "mare-featurize", fz, "provenance",
	    mare_prov_to_json(c->prov));
	return meta;
}

/*
 * The tensor's feature column names: the spec's, made unique as R's
 * make.unique() does (the second "x" becomes "x.1", the third "x.2"), since
 * maxnet's first left and last right hinge of a variable share one name.
 * Quadratic time in the worst case, but specs have hundreds of features.
 */
static char **
unique_names(const struct mare_featspec *fs, struct mare_err *err)
{
	char **u, buf[MARE_TENSOR_MAX_NAME + 32];
	size_t i, j, n = fs->nfeat, dup;
	int clash;

	u = calloc(n ? n : 1, sizeof(*u));
	if (u == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%s", fs->feat[i].name);
		for (dup = 1;; dup++) {
			clash = 0;
			for (j = 0; j < i && !clash; j++)
				clash = strcmp(u[j], buf) == 0;
			if (!clash)
				break;
			snprintf(buf, sizeof(buf), "%s.%zu",
			    fs->feat[i].name, dup);
		}
		u[i] = strdup(buf);
		if (u[i] == NULL) {
			for (j = 0; j < i; j++)
				free(u[j]);
			free(u);
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			return NULL;
		}
	}
	return u;
}

static int
put_row(struct out *w, const struct mare_featspec *fs, const double *raw,
    double label, int has_label, int has_weight, double x, double y,
    struct mare_err *err)
{
	size_t k = 0;
	int r;

	r = mare_featspec_apply(fs, raw, w->flags, w->feat, err);
	if (r < 0)
		return -1;
	if (r > 0)
		w->outside++;
	if (has_label)
		w->row[k++] = label;
	if (has_weight)
		w->row[k++] = label == 1 ? 1.0 : BG_WEIGHT;
	memcpy(w->row + k, w->feat, w->nfeat * sizeof(double));
	k += w->nfeat;
	w->row[k++] = x;
	w->row[k] = y;
	return mare_tensor_write_f64(w->w, w->row, 1, err);
}

static int
write_tensor(struct ctx *c, const struct mare_featspec *fs,
    struct mare_out *out, struct mare_err *err)
{
	const struct opts *o = c->o;
	const char **names = NULL;
	char **uniq = NULL;
	double *raw = NULL, x, y;
	char hex[65];
	json_t *meta = NULL;
	struct out w;
	size_t k, i, nc = c->stack.geom.ncols;
	int rc = -1;

	memset(&w, 0, sizeof(w));
	w.nfeat = fs->nfeat;
	w.first = (o->grid ? 0 : 1) + (o->weights ? 1 : 0);
	w.ncols = w.first + w.nfeat + 2;
	w.flags = (o->spec != NULL && o->clamp != 0) ? MARE_FEATSPEC_CLAMP :
	    0;
	names = calloc(w.ncols, sizeof(*names));
	w.row = calloc(w.ncols, sizeof(*w.row));
	w.feat = calloc(w.nfeat ? w.nfeat : 1, sizeof(*w.feat));
	raw = calloc(c->nvars ? c->nvars : 1, sizeof(*raw));
	if (names == NULL || w.row == NULL || w.feat == NULL || raw == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto out;
	}
	k = 0;
	if (!o->grid)
		names[k++] = "label";
	if (o->weights)
		names[k++] = "weight";
	uniq = unique_names(fs, err);
	if (uniq == NULL)
		goto out;
	for (i = 0; i < w.nfeat; i++)
		names[k++] = uniq[i];
	names[k++] = "longitude";
	names[k] = "latitude";
	if (mare_featspec_hash(fs, NULL, hex, err) != 0)
		goto out;
	meta = make_meta(c, fs, &w);
	if (meta == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto out;
	}
	w.w = mare_tensor_writer_new(mare_out_file(out), mare_out_name(out),
	    o->dtype, w.ncols, names, hex, meta, err);
	if (w.w == NULL)
		goto out;
	if (o->grid) {
		for (i = 0; mare_grid_stack_next_valid(&c->stack, &i); i++) {
			for (k = 0; k < c->nvars; k++)
				raw[k] = c->stack.layers[c->vars[k].layer]->
				    cells[i];
			mare_grid_geom_center(&c->stack.geom, i / nc, i % nc,
			    &x, &y);
			if (put_row(&w, fs, raw, 0, 0, 0, x, y, err) != 0)
				goto out;
		}
	} else {
		for (i = 0; i < c->pres.n; i++)
			if (put_row(&w, fs, c->pres.raw + i * c->nvars, 1, 1,
			    o->weights, c->pres.xy[2 * i],
			    c->pres.xy[2 * i + 1], err) != 0) {
				mare_err_at(err, "presence", i + 1, 0);
				goto out;
			}
		for (i = 0; i < c->bg.n; i++)
			if (put_row(&w, fs, c->bg.raw + i * c->nvars, 0, 1,
			    o->weights, c->bg.xy[2 * i], c->bg.xy[2 * i + 1],
			    err) != 0) {
				mare_err_at(err, "background", i + 1, 0);
				goto out;
			}
	}
	if (mare_tensor_writer_finish(w.w, err) != 0)
		goto out;
	if (w.outside > 0)
		mare_cli_note("%llu rows outside the spec's training range%s",
		    w.outside, w.flags ? " (clamped)" : " (not clamped)");
	mare_cli_info(1, "%llu rows of %zu features, spec %s",
	    mare_tensor_writer_rows(w.w), w.nfeat, hex);
	rc = 0;
out:
	mare_tensor_writer_free(w.w);
	json_decref(meta);
	if (uniq != NULL)
		for (i = 0; i < w.nfeat; i++)
			free(uniq[i]);
	free(uniq);
	free(names);
	free(w.row);
	free(w.feat);
	free(raw);
	return rc;
}

/* ------------------------------------------------------------------ */

static int
load_layers(struct ctx *c, struct mare_err *err)
{
	const struct opts *o = c->o;
	size_t k;

	if (o->layers_dir != NULL &&
	    mare_grid_stack_load_dir(&c->stack, o->layers_dir, err) != 0)
		return -1;
	if (o->nlayer_files > 0 && mare_grid_stack_load(&c->stack,
	    o->layer_files, o->nlayer_files, err) != 0)
		return -1;
	for (k = 0; k < c->stack.nlayers; k++)
		if (mare_prov_add_input(c->prov, c->stack.layers[k]->path,
		    err) != 0)
			return -1;
	if (c->stack.nlayers > 0) {
		c->lvals = calloc(c->stack.nlayers, sizeof(*c->lvals));
		if (c->lvals == NULL)
			return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	}
	return 0;
}

static void
report(const struct ctx *c)
{
	const struct opts *o = c->o;
	struct mare_prom *m = mare_cli_metrics();
	const struct counts *p = &c->cp;

	if (o->grid)
		return;
	mare_cli_note("%llu records in = %llu presences + %llu thinned + "
	    "%llu rejected + %llu other species", p->in, p->used, p->thinned,
	    p->rejected, p->skipped);
	if (o->background_from != NULL)
		mare_cli_note("%llu background records in = %llu used + %llu "
		    "rejected", c->cb.in, c->cb.used, c->cb.rejected);
	mare_cli_note("%zu background rows (%zu of them presences added)",
	    c->bg.n, c->nadded);
	mare_prom_set(m, "mare_featurize_records", MARE_PROM_GAUGE,
	    "occurrence records by outcome", "outcome=\"used\"",
	    (double)p->used, NULL);
	mare_prom_set(m, "mare_featurize_records", MARE_PROM_GAUGE,
	    "occurrence records by outcome", "outcome=\"thinned\"",
	    (double)p->thinned, NULL);
	mare_prom_set(m, "mare_featurize_records", MARE_PROM_GAUGE,
	    "occurrence records by outcome", "outcome=\"rejected\"",
	    (double)(p->rejected + c->cb.rejected), NULL);
	mare_prom_set(m, "mare_featurize_records", MARE_PROM_GAUGE,
	    "occurrence records by outcome", "outcome=\"skipped\"",
	    (double)p->skipped, NULL);
	mare_prom_set(m, "mare_featurize_background_rows", MARE_PROM_GAUGE,
	    "background rows written", NULL, (double)c->bg.n, NULL);
}

static int
run(const struct opts *o, struct mare_err *err)
{
	struct mare_featspec *fs = NULL;
	struct mare_out *out = NULL;
	struct ctx c;
	size_t ncells;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	c.o = o;
	mare_grid_stack_init(&c.stack);
	if (mare_io_is_stdio(o->common.output) && isatty(STDOUT_FILENO))
		return mare_err_set(err, MARE_E_USAGE, "refusing to write a "
		    "binary tensor to a terminal (use -o or a pipe)");
	c.prov = mare_prov_new(o->argc, o->argv, o->common.seed,
	    mare_cli_now(), err);
	if (c.prov == NULL)
		return -1;
	if (load_layers(&c, err) != 0)
		goto out;
	if (o->spec != NULL) {
		fs = mare_featspec_load(o->spec, err);
		if (fs == NULL || mare_prov_add_input(c.prov, o->spec, err)
		    != 0)
			goto out;
	}
	if (setup_vars(&c, fs, err) != 0)
		goto out;
	c.pres.nvars = c.bg.nvars = c.nvars;
	if (!o->grid) {
		if (c.stack.nlayers > 0 && o->thin) {
			ncells = mare_grid_stack_ncells(&c.stack);
			c.seen = calloc(ncells / 8 + 1, 1);
			if (c.seen == NULL) {
				mare_err_set(err, MARE_E_NOMEM,
				    "out of memory");
				goto out;
			}
		}
		if (o->reject != NULL) {
			c.rej = mare_out_open(o->reject, MARE_OUT_SYNC, err);
			if (c.rej == NULL)
				goto out;
		}
		if (read_records(&c, o->input, 0, &c.pres, &c.cp, err) != 0)
			goto out;
		if (o->background_from != NULL) {
			if (read_records(&c, o->background_from, 1, &c.bg,
			    &c.cb, err) != 0)
				goto out;
		} else if (c.stack.nlayers > 0 && o->nbackground > 0) {
			size_t k;

			for (k = 0; k < c.nvars; k++)
				if (c.vars[k].layer < 0) {
					mare_err_set(err, MARE_E_USAGE,
					    "variable '%s' comes from the "
					    "records: background cells have "
					    "no value for it (use "
					    "--background-from, or "
					    "--background 0)",
					    c.vars[k].name);
					goto out;
				}
			if (draw_background(&c, err) != 0)
				goto out;
		}
		if (o->add_presences && add_presences(&c, err) != 0)
			goto out;
		if (fs == NULL) {
			fs = fit_spec(&c, err);
			if (fs == NULL)
				goto out;
		}
	}
	if (fs == NULL) {
		/* parse_args() makes --grid need --spec */
		mare_err_set(err, MARE_E_INTERNAL, "no feature spec");
		goto out;
	}
	out = mare_out_open(o->common.output, MARE_OUT_SYNC, err);
	if (out == NULL)
		goto out;
	if (write_tensor(&c, fs, out, err) != 0)
		goto out;
	if (o->spec_out != NULL && mare_featspec_save(fs, o->spec_out, err)
	    != 0)
		goto out;
	if (c.rej != NULL) {
		rc = mare_out_commit(c.rej, err);
		c.rej = NULL;
		if (rc != 0)
			goto out;
	}
	rc = mare_out_commit(out, err);
	out = NULL;
	if (rc == 0)
		report(&c);
out:
	mare_out_abort(out);
	mare_out_abort(c.rej);
	mare_featspec_free(fs);
	mare_grid_stack_release(&c.stack);
	mare_prov_free(c.prov);
	rows_release(&c.pres);
	rows_release(&c.bg);
	free(c.vars);
	free(c.lvals);
	free(c.seen);
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
	argv[0] = (char *)(uintptr_t)mare_cli_progname();
	r = parse_args(argc, argv, &o, &err);
	if (r == -2)
		status = 0;
	else if (r < 0)
		status = -1;
	else if (run(&o, &err) != 0)
		status = -1;
	free(o.columns);
	free(o.columns_buf);
	free(o.layer_files);
	free(o.categorical);
	return mare_cli_finish(status, &err);
}
