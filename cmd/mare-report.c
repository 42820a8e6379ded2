/*
 * mare-report - one self-contained HTML page (or a text or JSON summary)
 * of a model, its suitability map, occurrences, drift and validation
 *
 * Every input is optional; each loads through its library reader (model.h,
 * grid.h, report.h), is hashed for the provenance table, and the page is
 * rendered by lib/report.c and written atomically.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "grid.h"
#include "io.h"
#include "jsonl.h"
#include "mare.h"
#include "model.h"
#include "prov.h"
#include "report.h"

enum {
	OPT_DRIFT = MARE_OPT_CMD,
	OPT_FORMAT,
	OPT_MAP,
	OPT_MAP_WIDTH,
	OPT_MODEL,
	OPT_OCC,
	OPT_TITLE,
	OPT_VALIDATION
};

static const struct option longopts[] = {
	{ "drift",		required_argument, NULL, OPT_DRIFT },
	{ "format",		required_argument, NULL, OPT_FORMAT },
	{ "map",		required_argument, NULL, OPT_MAP },
	{ "map-width",		required_argument, NULL, OPT_MAP_WIDTH },
	{ "model",		required_argument, NULL, OPT_MODEL },
	{ "occurrences",	required_argument, NULL, OPT_OCC },
	{ "title",		required_argument, NULL, OPT_TITLE },
	{ "validation",		required_argument, NULL, OPT_VALIDATION },
	MARE_CLI_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

enum fmt { FMT_HTML, FMT_TEXT, FMT_JSON };

struct opts {
	struct mare_cli_common common;
	const char	*model, *occ, *drift, *validation, *title;
	const char	*maps[MARE_REPORT_MAX_MAPS];
	size_t		 nmaps;
	enum fmt	 format;
	unsigned long long map_width;
	int		 argc;
	char		**argv;
};

static void
usage(FILE *fp)
{
	fputs(
"Usage:\n"
" mare-report [options]\n"
"\n"
"Write one self-contained HTML page (inline SVG and CSS, no script, no\n"
"network) on a model, its maps, occurrences, drift and validation; every\n"
"input is optional and each adds its sections.\n"
"\n"
"Options:\n"
"     --model <file>       a mare-model(5) file\n"
"     --map <file>         a suitability grid (.asc); repeatable (at most\n"
"                          4, one colour scale)\n"
"     --occurrences <file> presences (JSON Lines) drawn on the map\n"
"     --drift <file>       a drift report (JSON)\n"
"     --validation <file>  a validation summary (JSON)\n"
"     --title <text>       the page title (default: mare report)\n"
"     --format <f>         html, text or json (default: html)\n"
"     --map-width <n>      most blocks across the map (default: 600)\n"
"\n", fp);
	fputs(MARE_CLI_COMMON_HELP, fp);
}

static int
parse_args(int argc, char **argv, struct opts *o, struct mare_err *err)
{
	int c, r;

	o->map_width = MARE_REPORT_MAP_WIDTH;
	while ((c = getopt_long(argc, argv, MARE_CLI_COMMON_SHORTOPTS,
	    longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DRIFT:
			o->drift = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "html") == 0)
				o->format = FMT_HTML;
			else if (strcmp(optarg, "text") == 0)
				o->format = FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o->format = FMT_JSON;
			else
				return mare_err_set(err, MARE_E_USAGE,
				    "invalid --format value '%s': expected "
				    "html, text or json", optarg);
			break;
		case OPT_MAP:
			if (o->nmaps == MARE_REPORT_MAX_MAPS)
				return mare_err_set(err, MARE_E_USAGE,
				    "--map given more than %d times",
				    MARE_REPORT_MAX_MAPS);
			o->maps[o->nmaps++] = optarg;
			break;
		case OPT_MAP_WIDTH:
			if (mare_cli_parse_ulong("map-width", optarg, 1, 10000,
			    &o->map_width, err) != 0)
				return -1;
			break;
		case OPT_MODEL:
			o->model = optarg;
			break;
		case OPT_OCC:
			o->occ = optarg;
			break;
		case OPT_TITLE:
			o->title = optarg;
			break;
		case OPT_VALIDATION:
			o->validation = optarg;
			break;
		default:
			r = mare_cli_common_option(c, optarg, &o->common, err);
			if (r == 2)
				return -2;
			if (r <= 0)
				return r < 0 ? -1 : mare_err_set(err,
				    MARE_E_USAGE, "unexpected option");
		}
	}
	if (optind < argc)
		return mare_err_set(err, MARE_E_USAGE, "unexpected argument "
		    "'%s'", argv[optind]);
	return 0;
}

/* Hash an input for the provenance table (stdin: unknown). */
static int
source(struct mare_report_src *s, const char *path, struct mare_err *err)
{
	s->path = path;
	s->sha256[0] = '\0';
	if (path == NULL || mare_io_is_stdio(path))
		return 0;
	return mare_sha256_file(path, s->sha256, err);
}

/* The report's inputs, hashed once, into its provenance record. */
static int
add_inputs(struct mare_prov *prov, const struct mare_report_in *in,
    struct mare_err *err)
{
	const struct mare_report_src *s[4 + MARE_REPORT_MAX_MAPS];
	size_t i, n = 0;

	s[n++] = &in->src_model;
	for (i = 0; i < in->nmaps; i++)
		s[n++] = &in->src_maps[i];
	s[n++] = &in->src_occ;
	s[n++] = &in->src_drift;
	s[n++] = &in->src_validation;
	for (i = 0; i < n; i++)
		if (s[i]->path != NULL && mare_prov_add_input_hash(prov,
		    mare_io_is_stdio(s[i]->path) ? "<stdin>" : s[i]->path,
		    s[i]->sha256[0] != '\0' ? s[i]->sha256 : NULL, err) != 0)
			return -1;
	return 0;
}

static int
run(struct opts *o, struct mare_err *err)
{
	struct mare_report_in in;
	struct mare_model *model = NULL;
	struct mare_grid *grid[MARE_REPORT_MAX_MAPS] = { NULL };
	struct mare_report_map map[MARE_REPORT_MAX_MAPS];
	struct mare_report_occ occ;
	struct mare_prov *prov = NULL;
	struct mare_out *out = NULL;
	json_t *drift = NULL, *val = NULL, *pj = NULL, *mj = NULL, *j;
	size_t i, have_map = 0;
	int rc = -1, have_occ = 0;

	memset(&in, 0, sizeof(in));
	memset(map, 0, sizeof(map));
	memset(&occ, 0, sizeof(occ));
	in.title = o->title;
	if (o->model != NULL) {
		if (mare_report_model_load(o->model, &model, &mj, err) != 0 ||
		    source(&in.src_model, o->model, err) != 0)
			goto done;
		in.model = model;
		in.model_json = mj;
	}
	for (i = 0; i < o->nmaps; i++) {
		if ((grid[i] = mare_grid_load(o->maps[i], err)) == NULL ||
		    source(&in.src_maps[i], o->maps[i], err) != 0)
			goto done;
		if (mare_report_map_make(grid[i], (size_t)o->map_width,
		    &map[i], err) != 0) {
			mare_err_at(err, o->maps[i], 0, 0);
			goto done;
		}
		have_map++;
		in.maps[i] = &map[i];
		in.map_names[i] = grid[i]->name;
	}
	in.nmaps = o->nmaps;
	if (o->occ != NULL) {
		if (mare_report_occ_load(o->occ, &occ, err) != 0 ||
		    source(&in.src_occ, o->occ, err) != 0)
			goto done;
		have_occ = 1;
		in.occ = &occ;
	}
	if (o->drift != NULL) {
		if ((drift = mare_report_json_load(o->drift, "mare-drift",
		    err)) == NULL || source(&in.src_drift, o->drift, err) != 0)
			goto done;
		in.drift = drift;
	}
	if (o->validation != NULL) {
		if ((val = mare_report_json_load(o->validation,
		    "mare-validate", err)) == NULL ||
		    source(&in.src_validation, o->validation, err) != 0)
			goto done;
		in.validation = val;
	}
	prov = mare_prov_new(o->argc, o->argv, o->common.seed,
	    mare_cli_now(), err);
	if (prov == NULL)
		goto done;
	if (add_inputs(prov, &in, err) != 0)
		goto done;
	if ((pj = mare_prov_to_json(prov)) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto done;
	}
	in.prov = pj;
	if ((out = mare_out_open(o->common.output, 0, err)) == NULL)
		goto done;
	if (o->format == FMT_HTML)
		rc = mare_report_html(&in, mare_out_file(out), err);
	else if (o->format == FMT_TEXT)
		rc = mare_report_text(&in, mare_out_file(out), err);
	else {
		j = mare_report_json(&in, err);
		rc = j == NULL ? -1 : mare_jsonl_write(mare_out_file(out), j,
		    err);
		json_decref(j);
	}
	if (rc != 0) {
		mare_out_abort(out);
		goto done;
	}
	rc = mare_out_commit(out, err);
	if (rc == 0 && o->common.output != NULL)
		mare_cli_note("wrote %s", o->common.output);
done:
	json_decref(pj);
	mare_prov_free(prov);
	json_decref(drift);
	json_decref(val);
	if (have_occ)
		mare_report_occ_release(&occ);
	for (i = 0; i < have_map; i++)
		mare_report_map_release(&map[i]);
	for (i = 0; i < MARE_REPORT_MAX_MAPS; i++)
		mare_grid_free(grid[i]);
	mare_model_free(model);
	json_decref(mj);
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
