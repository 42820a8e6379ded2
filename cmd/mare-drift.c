/*
 * mare-drift - has the data moved since the model was trained?
 *
 * Compares CURRENT rows with a reference column by column (lib/drift.c)
 * and gives a verdict: JSON on stdout (or -o), a table on stderr, exit 1
 * when the share of drifted columns reaches --share, so that
 * "mare-drift ... || retrain" works in cron. The reference is either a
 * stored profile (a model file's "profile" key, or a bare profile), with
 * statistics computed from its quantiles, or raw rows (a tensor or JSON
 * Lines), with exact statistics. An alert (PagerDuty Events v2 shape) is
 * POSTed when drift is found; a failing alert is reported on stderr and
 * never changes the exit status.
 *
 * A model as the reference brings its spec (records become rows through
 * mare_record_values(), as in mare-predict, by name or from --layers at
 * their coordinates) and prediction drift (its predictions on CURRENT
 * against the profile of its training predictions). --map writes the MESS
 * of every cell of --layers (lib/drift.c). --window N tests CURRENT in
 * tumbling windows as it streams, one flushed JSON line each.
 *
 * Memory: the reference (sorted raw columns, or the profile) and CURRENT
 * (one window with --window), 8 bytes a value, and 24 bytes a row of
 * CURRENT per thread (--threads: columns tested at once, lib/drift.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <sys/stat.h>

#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "drift.h"
#include "grid.h"
#include "http.h"
#include "io.h"
#include "jsonl.h"
#include "mare.h"
#include "mem.h"
#include "model.h"
#include "profile.h"
#include "prov.h"
#include "table.h"

#define ROUTING_ENV	"MARE_DRIFT_ROUTING_KEY"
#define MAX_TESTS	256

enum {
	OPT_REFERENCE = MARE_OPT_CMD,
	OPT_COLUMNS,
	OPT_TEST,
	OPT_SHARE,
	OPT_FORMAT,
	OPT_ALERT_URL,
	OPT_PROFILE_OUT,
	OPT_LAYERS,
	OPT_MAP,
	OPT_WINDOW
};

static const struct option longopts[] = {
	MARE_CLI_COMMON_LONGOPTS,
	{ "alert-url",	 required_argument, NULL, OPT_ALERT_URL },
	{ "columns",	 required_argument, NULL, OPT_COLUMNS },
	{ "format",	 required_argument, NULL, OPT_FORMAT },
	{ "layers",	 required_argument, NULL, OPT_LAYERS },
	{ "map",	 required_argument, NULL, OPT_MAP },
	{ "profile-out", required_argument, NULL, OPT_PROFILE_OUT },
	{ "reference",	 required_argument, NULL, OPT_REFERENCE },
	{ "share",	 required_argument, NULL, OPT_SHARE },
	{ "test",	 required_argument, NULL, OPT_TEST },
	{ "window",	 required_argument, NULL, OPT_WINDOW },
	{ NULL, 0, NULL, 0 }
};

struct override {
	const char		*col;
	enum mare_drift_test	 test;
	double			 threshold;
};

struct opts {
	struct mare_cli_common common;
	const char	*reference, *current, *columns, *alert_url;
	const char	*profile_out, *layers, *map;
	double		 share;
	size_t		 window;	/* --window: rows per verdict */
	int		 format_json;	/* --format json: no table */
	int		 format_text;	/* --format text: table on stdout */
	struct override	 tests[MAX_TESTS];
	size_t		 ntests;
	char		*buf;		/* copies of --test arguments */
	int		 argc;		/* for the provenance record */
	char		**argv;
};

static void
usage(FILE *fp)
{
	fprintf(fp,
"Usage: mare-drift [options] --reference REF [CURRENT]\n"
"\n"
"Test whether CURRENT rows (a tensor or JSON Lines; stdin by default) have\n"
"drifted from the reference REF: a model file or profile (JSON with a\n"
"\"profile\" key, or a bare profile), a tensor, or JSON Lines records.\n"
"Exit status 1 when the data set drifted, 0 when not. With a model as\n"
"REF, records give its variables by name (or from --layers at their\n"
"coordinates) and its predictions are tested too (--test prediction=...).\n"
"\n"
"Options:\n"
"     --reference <file>   the reference (required)\n"
"     --columns <a,b,...>  test these columns (default: all of REF's)\n"
"     --test <col=test[:threshold]>  override a column's test: ks, psi,\n"
"                          wasserstein, js, chisquare, z (repeatable)\n"
"     --share <x>          drift when this share of columns drifted\n"
"                          (default: 0.5)\n"
"     --format <fmt>       json (stdout) with a text table on stderr\n"
"                          (default), or text (the table on stdout)\n"
"     --alert-url <url>    POST a PagerDuty Events v2 event on drift\n"
"                          (routing key from $" ROUTING_ENV ")\n"
"     --profile-out <file> write the reference's profile as JSON\n"
"     --layers <dir>       a stack of .asc layers named as REF's columns\n"
"     --map <file>         write MESS of every cell of --layers as .asc\n"
"                          (then CURRENT is optional)\n"
"     --window <n>         a verdict (one JSON line, flushed) every n\n"
"                          rows of CURRENT; the last may be partial\n"
MARE_CLI_COMMON_HELP);
}

static int
parse_test(struct opts *o, char *arg, struct mare_err *err)
{
	char *eq, *colon;
	int t;

	if (o->ntests == MAX_TESTS)
		return mare_err_set(err, MARE_E_USAGE, "too many --test");
	eq = strchr(arg, '=');
	if (eq == NULL || eq == arg)
		return mare_err_set(err, MARE_E_USAGE, "invalid --test value "
		    "'%s': expected column=test[:threshold]", arg);
	*eq++ = '\0';
	colon = strchr(eq, ':');
	if (colon != NULL)
		*colon++ = '\0';
	t = mare_drift_test_parse(eq);
	if (t <= MARE_DRIFT_AUTO)
		return mare_err_set(err, MARE_E_USAGE, "--test %s: unknown "
		    "test '%s' (expected ks, psi, wasserstein, js, chisquare "
		    "or z)", arg, eq);
	o->tests[o->ntests].col = arg;
	o->tests[o->ntests].test = (enum mare_drift_test)t;
	o->tests[o->ntests].threshold = NAN;
	if (colon != NULL && mare_cli_parse_double("test", colon, 0, 1e300,
	    &o->tests[o->ntests].threshold, err) != 0)
		return -1;
	o->ntests++;
	return 0;
}

static int
parse_args(int argc, char **argv, struct opts *o, struct mare_err *err)
{
	int c, r;
	size_t used = 0, len;

	o->share = 0.5;
	len = 0;
	for (c = 1; c < argc; c++)
		len += strlen(argv[c]) + 1;
	o->buf = malloc(len + 1);
	if (o->buf == NULL)
		return mare_err_sys(err, MARE_E_NOMEM, "options");
	while ((c = getopt_long(argc, argv, MARE_CLI_COMMON_SHORTOPTS,
	    longopts, NULL)) != -1) {
		switch (c) {
		case OPT_REFERENCE:
			o->reference = optarg;
			break;
		case OPT_COLUMNS:
			o->columns = optarg;
			break;
		case OPT_TEST:
			memcpy(o->buf + used, optarg, strlen(optarg) + 1);
			if (parse_test(o, o->buf + used, err) != 0)
				return -1;
			used += strlen(optarg) + 1;
			break;
		case OPT_SHARE:
			if (mare_cli_parse_double("share", optarg, 0, 1,
			    &o->share, err) != 0)
				return -1;
			break;
		case OPT_FORMAT:
			o->format_json = strcmp(optarg, "json") == 0;
			o->format_text = strcmp(optarg, "text") == 0;
			if (!o->format_json && !o->format_text)
				return mare_err_set(err, MARE_E_USAGE,
				    "invalid --format value '%s': expected "
				    "json or text", optarg);
			break;
		case OPT_ALERT_URL:
			o->alert_url = optarg;
			break;
		case OPT_PROFILE_OUT:
			o->profile_out = optarg;
			break;
		case OPT_LAYERS:
			o->layers = optarg;
			break;
		case OPT_MAP:
			o->map = optarg;
			break;
		case OPT_WINDOW: {
			unsigned long long w;

			if (mare_cli_parse_ulong("window", optarg, 1,
			    SIZE_MAX / 2, &w, err) != 0)
				return -1;
			o->window = (size_t)w;
			break;
		}
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
		o->current = argv[optind++];
	if (optind < argc)
		return mare_err_set(err, MARE_E_USAGE, "unexpected argument "
		    "'%s'", argv[optind]);
	if (o->reference == NULL)
		return mare_err_set(err, MARE_E_USAGE, "--reference is "
		    "required");
	if (o->map != NULL && o->layers == NULL)
		return mare_err_set(err, MARE_E_USAGE, "--map needs --layers");
	return 0;
}

/*
 * The profile of raw rows, every column sorted once where it lies: *sorted
 * takes t's columns (t keeps its names), each left with its finite values
 * only, sorted, and used again for exact statistics.
 */
static struct mare_profile *
profile_rows(struct mare_table *t, unsigned nthreads, double ***sorted,
    struct mare_err *err)
{
	struct mare_profile *p;
	size_t j;

	*sorted = t->cols;
	t->cols = NULL;
	p = mare_drift_reference(*sorted, t->nrows, t->ncols,
	    (const char *const *)t->names, nthreads, err);
	if (p == NULL) {
		for (j = 0; j < t->ncols; j++)
			free((*sorted)[j]);
		free(*sorted);
		*sorted = NULL;
	}
	return p;
}

/*
 * REF: a JSON document holding a profile (bare or under "profile") gives
 * *prof only; anything else is read as rows into ref.
 */
static int
read_reference(const char *path, unsigned nthreads,
    struct mare_profile **prof, struct mare_model **model,
    struct mare_table *ref, double ***sorted, struct mare_err *err)
{
	const char *name;
	json_t *j, *p;
	json_error_t je;
	FILE *fp;
	int rc;

	if ((fp = mare_in_open(path, &name, err)) == NULL)
		return -1;
	j = json_loadf(fp, JSON_DECODE_ANY, &je);
	mare_in_close(fp);
	p = json_object_get(j, "format");
	if (json_is_string(p) &&
	    strcmp(json_string_value(p), MARE_MODEL_FORMAT) == 0) {
		/* a model: its spec, its profile, its predictions */
		json_decref(j);
		if (mare_io_is_stdio(path))
			return mare_err_set(err, MARE_E_USAGE, "a model "
			    "--reference must be a file, not standard input");
		if ((*model = mare_model_load(path, err)) == NULL)
			return -1;
		if (!json_is_object((*model)->profile)) {
			mare_err_set(err, MARE_E_DATA, "the model has no "
			    "reference profile (written before profiles "
			    "existed: train it again)");
			mare_err_at(err, name, 0, 0);
			return -1;
		}
		*prof = mare_profile_from_json((*model)->profile, name, err);
		return *prof == NULL ? -1 : 0;
	}
	if (json_is_object(j)) {
		p = json_object_get(j, "profile");
		if (p == NULL && json_is_string(json_object_get(j, "format")))
			p = j;
		if (p != NULL) {
			*prof = mare_profile_from_json(p, name, err);
			json_decref(j);
			return *prof == NULL ? -1 : 0;
		}
	}
	json_decref(j);
	if (mare_io_is_stdio(path))
		return mare_err_set(err, MARE_E_USAGE, "--reference must be "
		    "a file, not standard input");
	if ((fp = mare_in_open(path, &name, err)) == NULL)
		return -1;
	rc = mare_table_read(fp, name, NULL, ref, NULL, err);
	mare_in_close(fp);
	if (rc == -1)
		return -1;
	if (ref->nrows == 0) {
		mare_err_set(err, MARE_E_DATA, "no reference rows");
		mare_err_at(err, name, 0, 0);
		return -1;
	}
	*prof = profile_rows(ref, nthreads, sorted, err);
	return *prof == NULL ? -1 : 0;
}

/* Output */

static json_t *
num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *
col_json(const struct mare_drift_col *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "column", json_string(r->name));
	json_object_set_new(o, "test", json_string(
	    mare_drift_test_name(r->test)));
	json_object_set_new(o, "statistic", num(r->stat));
	json_object_set_new(o, "p_value", num(r->pvalue));
	json_object_set_new(o, "threshold", num(r->threshold));
	json_object_set_new(o, "drift", json_boolean(r->drift));
	json_object_set_new(o, "exact", json_boolean(r->exact));
	json_object_set_new(o, "n_reference",
	    json_integer((json_int_t)r->n_ref));
	json_object_set_new(o, "n_current",
	    json_integer((json_int_t)r->n_cur));
	json_object_set_new(o, "nan_current",
	    json_integer((json_int_t)r->nan_cur));
	json_object_set_new(o, "out_of_range", num(r->out_of_range));
	if (r->skipped != NULL)
		json_object_set_new(o, "skipped", json_string(r->skipped));
	return o;
}

static void
table_text(FILE *fp, const struct mare_drift_col *res, size_t n,
    const struct mare_drift_col *pred, size_t drifted, size_t tested,
    double share, int drift)
{
	char pv[32];
	size_t i;
	int w = 6;	/* the widest name, from "column" up to 40 */

	for (i = 0; i < n + (pred != NULL); i++) {
		size_t len = strlen(i < n ? res[i].name : pred->name);

		if (len > (size_t)w)
			w = len < 40 ? (int)len : 40;
	}
	fprintf(fp, "%-*s %-11s %12s %9s %9s %8s %s\n", w, "column", "test",
	    "statistic", "p-value", "threshold", "outside", "verdict");
	for (i = 0; i < n + (pred != NULL); i++) {
		const struct mare_drift_col *r = i < n ? &res[i] : pred;

		if (r->skipped != NULL) {
			fprintf(fp, "%-*s %-11s %12s %9s %9s %8s skipped: "
			    "%s\n", w, r->name, "-", "-", "-", "-", "-",
			    r->skipped);
			continue;
		}
		/* the threshold applies to the p-value, or to the statistic */
		if (mare_drift_is_pvalue(r->test))
			snprintf(pv, sizeof(pv), "%.3g", r->pvalue);
		else
			snprintf(pv, sizeof(pv), "-");
		fprintf(fp, "%-*s %-11s %12.6g %9s %9g %7.2f%% %s\n",
		    w, r->name, mare_drift_test_name(r->test), r->stat, pv,
		    r->threshold, 100 * r->out_of_range,
		    r->drift ? "DRIFT" : "ok");
	}
	fprintf(fp, "%zu of %zu columns drifted (share %.3g, threshold %g): "
	    "%s\n", drifted, tested, tested > 0 ? (double)drifted /
	    (double)tested : 0.0, share, drift ? "DRIFT" : "no drift");
}

static void
alert(const struct opts *o, json_t *verdict, const char *curname)
{
	struct mare_http_opts ho;
	struct mare_http *h;
	struct mare_http_response resp;
	struct mare_err err;
	const char *key = getenv(ROUTING_ENV);
	json_t *ev;
	char *body, summary[256];
	const json_t *ds = json_object_get(verdict, "dataset");

	mare_err_init(&err);
	memset(&resp, 0, sizeof(resp));
	snprintf(summary, sizeof(summary), "mare-drift: %lld of %lld columns "
	    "drifted in %s", (long long)json_integer_value(json_object_get(ds,
	    "drifted")), (long long)json_integer_value(json_object_get(ds,
	    "tested")), curname);
	ev = json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:O}}",
	    "routing_key", key != NULL ? key : "",
	    "event_action", "trigger",
	    "payload", "summary", summary, "severity", "warning",
	    "source", curname, "custom_details", verdict);
	body = ev != NULL ? json_dumps(ev, JSON_COMPACT) : NULL;
	json_decref(ev);
	mare_http_opts_init(&ho);
	ho.max_retries = 2;
	ho.backoff_base_ms = 100;
	ho.timeout_ms = 10000;
	if (body == NULL)
		mare_err_set(&err, MARE_E_NOMEM, "alert");
	else if (mare_http_global_init(&err) == 0 &&
	    (h = mare_http_new(&ho, &err)) != NULL) {
		if (mare_http_post_json(h, o->alert_url, body, NULL, NULL,
		    &resp, &err) == 0) {
			mare_cli_note("alert sent to %s (HTTP %ld)",
			    o->alert_url, resp.status);
			/* -vv: the whole answer, raw, for debugging */
			if (o->common.verbose >= 2 && !o->common.quiet &&
			    resp.body != NULL)
				fprintf(stderr, "alert response: %.*s\n",
				    (int)(resp.len < 1048576 ? resp.len :
				    1048576), resp.body);
		}
		mare_http_response_release(&resp);
		mare_http_free(h);
	}
	if (mare_err_failed(&err)) {
		char msg[1024];

		mare_cli_warn("alert to %s failed: %s", o->alert_url,
		    mare_err_format(&err, msg, sizeof(msg)));
	}
	free(body);
	mare_http_global_cleanup();
}

static int
write_profile(const char *path, const struct mare_profile *p,
    struct mare_err *err)
{
	struct mare_out *out;
	json_t *j = mare_profile_to_json(p);

	if (j == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "profile");
	if ((out = mare_out_open(path, 0, err)) == NULL ||
	    mare_jsonl_write(mare_out_file(out), j, err) == -1) {
		mare_out_abort(out);
		json_decref(j);
		return -1;
	}
	json_decref(j);
	return mare_out_commit(out, err);
}

static void
metrics(const struct mare_drift_col *cols, size_t n,
    const struct mare_drift_col *pred, double share, int drift)
{
	struct mare_prom *m = mare_cli_metrics();
	const struct mare_drift_col *res;
	char lab[512];
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < n + (pred != NULL); i++) {
		res = i < n ? &cols[i] : pred;
		if (res->skipped != NULL)
			continue;
		snprintf(lab, sizeof(lab), "column=\"%s\",test=\"%s\"",
		    res->name, mare_drift_test_name(res->test));
		mare_prom_set(m, "mare_drift_statistic", MARE_PROM_GAUGE,
		    "drift statistic per column", lab, res->stat, NULL);
		if (mare_drift_is_pvalue(res->test))
			mare_prom_set(m, "mare_drift_p_value", MARE_PROM_GAUGE,
			    "p-value per column", lab, res->pvalue, NULL);
		mare_prom_set(m, "mare_drift_detected", MARE_PROM_GAUGE,
		    "1 when the column drifted", lab, res->drift, NULL);
		mare_prom_set(m, "mare_drift_out_of_range", MARE_PROM_GAUGE,
		    "share of current values outside the reference range",
		    lab, res->out_of_range, NULL);
	}
	mare_prom_set(m, "mare_drift_share", MARE_PROM_GAUGE,
	    "share of tested columns that drifted", NULL, share, NULL);
	mare_prom_set(m, "mare_drift_dataset", MARE_PROM_GAUGE,
	    "1 when the data set drifted", NULL, drift, NULL);
}

/* --map: MESS of every cell of the --layers stack. */
static int
write_map(const struct opts *o, const struct mare_grid_stack *st,
    const struct mare_profile *prof, double **sorted, const size_t *idx,
    size_t n, struct mare_err *err)
{
	struct mare_grid *g;
	size_t *layer, i;
	long li;
	int rc = -1;

	if ((layer = calloc(n + 1, sizeof(*layer))) == NULL)
		return mare_err_sys(err, MARE_E_NOMEM, "map");
	for (i = 0; i < n; i++) {
		li = mare_grid_stack_find(st, prof->cols[idx[i]].name);
		if (li < 0) {
			mare_err_set(err, MARE_E_DATA, "%s: no layer '%s' for "
			    "the reference's column", o->layers,
			    prof->cols[idx[i]].name);
			goto out;
		}
		layer[i] = (size_t)li;
	}
	g = mare_drift_mess_grid(prof, (const double *const *)sorted, idx,
	    layer, n, st, err);
	if (g != NULL) {
		rc = mare_grid_save(g, o->map, err);
		mare_grid_free(g);
	}
	if (rc == 0)
		mare_cli_note("MESS map of %zu cells written to %s",
		    mare_grid_stack_count_valid(st), o->map);
out:
	free(layer);
	return rc;
}

/* What every test of CURRENT rows needs. */
struct ctx {
	struct opts		*o;
	struct mare_profile	*prof;
	double			**sorted;	/* raw reference, or NULL */
	struct mare_model	*model;		/* REF is a model, or NULL */
	size_t			*idx, n;	/* the tested profile columns */
	size_t			*colmap;	/* idx[i] -> column of CURRENT */
	struct mare_drift_col	*res;
	double			*pred;		/* predictions, or NULL */
	struct mare_drift_mess	*mess;		/* MESS lookup tables */
	unsigned		 nthreads;	/* columns tested at once */
	const double		**curcols;	/* n: CURRENT's columns */
	enum mare_drift_test	*tests;		/* n: --test's */
	double			*thr;		/* n: --test's thresholds */
	double			*minv;		/* MESS per row (cap) */
	size_t			 cap;
	struct mare_drift_col	 pr;		/* prediction drift */
	int			 have_pred;
	const char		*curname;
	struct mare_out		*out;
	unsigned long long	 windows;	/* --window: verdicts so far */
	double			 share;		/* of the last verdict */
	int			 drift;		/* any verdict drifted */
};

/* The test and threshold --test asks for column name. */
static void
override(const struct opts *o, const char *name, enum mare_drift_test *t,
    double *thr)
{
	size_t k;

	*t = MARE_DRIFT_AUTO;
	*thr = NAN;
	for (k = 0; k < o->ntests; k++)
		if (strcmp(o->tests[k].col, name) == 0) {
			*t = o->tests[k].test;
			*thr = o->tests[k].threshold;
		}
}

/*
 * Prediction drift: the model's predictions on the rows of cur whose
 * variables are all finite, against the profile of its predictions on
 * the training rows.
 */
static int
predict_drift(struct ctx *cx, const struct mare_table *cur,
    struct mare_drift_col *r, struct mare_err *err)
{
	enum mare_drift_test t;
	double thr, *rows;
	size_t i, j, k = 0, nv = cur->ncols;
	int rc;

	if ((rows = malloc((cur->nrows + 1) * nv * sizeof(*rows))) == NULL ||
	    (cx->pred = realloc(cx->pred, (cur->nrows + 1) *
	    sizeof(double))) == NULL) {
		free(rows);
		return mare_err_sys(err, MARE_E_NOMEM, "predictions");
	}
	for (i = 0; i < cur->nrows; i++) {
		double *row = rows + k * nv;

		for (j = 0; j < nv && isfinite(cur->cols[j][i]); j++)
			row[j] = cur->cols[j][i];
		k += j == nv;
	}
	rc = mare_model_predict(cx->model, rows, k, NULL, cx->pred, NULL,
	    err);
	free(rows);
	if (rc != 0)
		return -1;
	override(cx->o, "prediction", &t, &thr);
	if (mare_drift_column(cx->prof->prediction, NULL, cx->pred, k, 1, t,
	    thr, r, err) == -1)
		return -1;
	r->nan_cur += cur->nrows - k;
	return 0;
}

/*
 * The verdict's provenance: the command, the reference and the current
 * data with their SHA-256 (standard input: no hash), so that mare lineage
 * can follow a drift check back to its inputs.
 */
static int
add_prov(const struct opts *o, json_t *verdict, struct mare_err *err)
{
	struct mare_prov *p;
	json_t *pj;

	p = mare_prov_new(o->argc, o->argv, o->common.seed, mare_cli_now(),
	    err);
	if (p == NULL)
		return -1;
	if (mare_prov_add_input(p, o->reference, err) == -1 ||
	    mare_prov_add_input(p, o->current == NULL ||
	    strcmp(o->current, "-") == 0 ? NULL : o->current, err) == -1) {
		mare_prov_free(p);
		return -1;
	}
	pj = mare_prov_to_json(p);
	mare_prov_free(p);
	if (pj == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	json_object_set_new(verdict, "provenance", pj);
	return 0;
}

/*
 * Test the rows of cur: the columns, MESS, the predictions. Returns the
 * verdict object (the caller json_decref()s it) with *drift set, or NULL.
 */
static json_t *
evaluate(struct ctx *cx, const struct mare_table *cur, int *drift,
    struct mare_err *err)
{
	const struct opts *o = cx->o;
	struct mare_drift_col *pr = &cx->pr;
	struct mare_drift_set set;
	size_t i, j, tested = 0, drifted = 0, nmess = 0, negmess = 0;
	double share, messsum = 0, *minv, *mcur;
	json_t *verdict, *cols, *col;

	/*
	 * The summary interpolates in the quantiles even against raw rows:
	 * exact counts in the sorted raw columns cost a cache miss per
	 * search step (1M x 20: 13 s -> 86 s); --map stays exact.
	 */
	if (cx->mess == NULL && (cx->mess = mare_drift_mess_new(cx->prof,
	    NULL, cx->idx, cx->n, err)) == NULL)
		return NULL;
	/* minv: the MESS of each row; reused from window to window */
	if (cur->nrows + 1 > cx->cap) {
		free(cx->minv);
		cx->cap = 0;
		if ((cx->minv = malloc((cur->nrows + 1) *
		    sizeof(*cx->minv))) == NULL) {
			mare_err_sys(err, MARE_E_NOMEM, "columns");
			return NULL;
		}
		cx->cap = cur->nrows + 1;
	}
	minv = cx->minv;
	if ((mcur = malloc((cx->n + 1) * sizeof(*mcur))) == NULL) {
		mare_err_sys(err, MARE_E_NOMEM, "columns");
		return NULL;
	}
	for (i = 0; i < cx->n; i++) {
		cx->curcols[i] = cur->cols[cx->colmap[i]];
		override(o, cx->prof->cols[cx->idx[i]].name, &cx->tests[i],
		    &cx->thr[i]);
	}
	set.prof = cx->prof;
	set.sorted = (const double *const *)cx->sorted;
	set.idx = cx->idx;
	set.cur = cx->curcols;
	set.ncols = cx->n;
	set.n = cur->nrows;
	set.test = cx->tests;
	set.threshold = cx->thr;
	set.mess = cx->mess;
	if (mare_drift_columns(&set, cx->nthreads, cx->res, mcur, minv,
	    err) == -1) {
		free(mcur);
		return NULL;
	}
	for (i = 0; i < cx->n; i++)
		if (cx->res[i].skipped == NULL) {
			tested++;
			drifted += cx->res[i].drift != 0;
		}
	for (j = 0; j < cur->nrows; j++) {
		if (minv[j] == INFINITY)
			continue;
		nmess++;
		messsum += minv[j];
		negmess += minv[j] < 0;
	}
	if (cx->model != NULL && cx->prof->prediction != NULL) {
		if (predict_drift(cx, cur, pr, err) != 0) {
			free(mcur);
			return NULL;
		}
		cx->have_pred = 1;
	}
	share = tested > 0 ? (double)drifted / (double)tested : 0;
	*drift = tested > 0 && share >= o->share;
	cx->share = share;

	verdict = json_object();
	json_object_set_new(verdict, "reference", json_pack("{s:s, s:I, s:b}",
	    "source", o->reference, "rows", (json_int_t)cx->prof->rows, "raw",
	    cx->sorted != NULL));
	json_object_set_new(verdict, "current", json_pack("{s:s, s:I}",
	    "source", cx->curname, "rows", (json_int_t)cur->nrows));
	cols = json_array();
	for (i = 0; i < cx->n; i++) {
		col = col_json(&cx->res[i]);
		json_object_set_new(col, "mean_reference",
		    num(cx->prof->cols[cx->idx[i]].mean));
		json_object_set_new(col, "mean_current", num(mcur[i]));
		json_array_append_new(cols, col);
	}
	free(mcur);
	json_object_set_new(verdict, "columns", cols);
	if (cx->have_pred)
		json_object_set_new(verdict, "prediction", col_json(pr));
	else if (cx->model != NULL)
		json_object_set_new(verdict, "prediction", json_pack("{s:s, "
		    "s:s}", "column", "prediction", "skipped", "the model's "
		    "profile has no predictions (train it again)"));
	json_object_set_new(verdict, "mess", json_pack("{s:o, s:o}",
	    "mean", num(nmess > 0 ? messsum / (double)nmess : NAN),
	    "share_negative", num(nmess > 0 ? (double)negmess /
	    (double)nmess : NAN)));
	json_object_set_new(verdict, "dataset", json_pack("{s:I, s:I, s:I, "
	    "s:o, s:f, s:b}", "columns", (json_int_t)cx->n, "tested",
	    (json_int_t)tested, "drifted", (json_int_t)drifted, "share",
	    json_real(share), "threshold", o->share, "drift", *drift));
	/* a window's verdict line stays small: no provenance */
	if (o->window == 0 && add_prov(o, verdict, err) == -1) {
		json_decref(verdict);
		return NULL;
	}
	if (!o->format_text || o->window > 0)
		return verdict;
	table_text(mare_out_file(cx->out), cx->res, cx->n, cx->have_pred ?
	    pr : NULL, drifted, tested, o->share, *drift);
	return verdict;
}

/* --window: one verdict line per full window; empties the table. */
static int
window_full(void *arg, struct mare_table *t, struct mare_err *err)
{
	struct ctx *cx = arg;
	json_t *v;
	FILE *fp = mare_out_file(cx->out);
	int drift, rc = 0;

	if ((v = evaluate(cx, t, &drift, err)) == NULL)
		return -1;
	json_object_set_new(v, "window", json_pack("{s:I, s:I, s:I, s:b}",
	    "index", (json_int_t)cx->windows, "first_record",
	    (json_int_t)(t->total - t->nrows + 1), "records",
	    (json_int_t)t->nrows, "partial", t->nrows < cx->o->window));
	if (mare_jsonl_write(fp, v, err) == -1 || fflush(fp) != 0)
		rc = mare_err_sys(err, MARE_E_IO, "cannot write '%s'",
		    mare_out_name(cx->out));
	if (rc == 0 && drift && cx->o->alert_url != NULL)
		alert(cx->o, v, cx->curname);
	cx->drift |= drift;
	cx->windows++;
	json_decref(v);
	t->nrows = 0;
	return rc;
}

/* CURRENT, tested once or in windows. */
static int
read_current(struct ctx *cx, const struct mare_table *want,
    const struct mare_grid_stack *st, struct mare_table *cur,
    struct mare_err *err)
{
	struct mare_table_window w, *wp = NULL;
	size_t *layer = NULL, j;
	const char *name;
	FILE *fp;
	long li;
	int c, rc = -1;

	if (cx->o->window > 0) {
		w.n = cx->o->window;
		w.full = window_full;
		w.arg = cx;
		wp = &w;
	}
	if ((fp = mare_in_open(cx->o->current, &name, err)) == NULL)
		return -1;
	c = getc(fp);
	if (c != EOF)
		ungetc(c, fp);
	if (c == MARE_TABLE_TENSOR_MAGIC || cx->model == NULL) {
		rc = mare_table_read(fp, name, want, cur, wp, err);
		goto out;
	}
	layer = calloc(cx->model->spec->nvars + 1, sizeof(*layer));
	if (layer == NULL) {
		mare_err_sys(err, MARE_E_NOMEM, "layers");
		goto out;
	}
	for (j = 0; st->nlayers > 0 && j < cx->model->spec->nvars; j++) {
		li = mare_grid_stack_find(st, cx->model->spec->vars[j].name);
		if (li < 0) {
			mare_err_set(err, MARE_E_DATA, "%s: no layer '%s' for "
			    "the model's variable", cx->o->layers,
			    cx->model->spec->vars[j].name);
			goto out;
		}
		layer[j] = (size_t)li;
	}
	rc = mare_table_read_records(fp, name, cx->model->spec, st, layer,
	    cur, wp, err);
out:
	free(layer);
	mare_in_close(fp);
	return rc;
}

/*
 * --threads, or one a processor we may run on (the columns are tested
 * that many at once).
 */
static unsigned
threads(const struct opts *o)
{
	unsigned n;

	if (o->common.threads > 0)
		return (unsigned)o->common.threads;
	n = mare_cli_processors();
	return n < MARE_DRIFT_MAX_THREADS ? n : MARE_DRIFT_MAX_THREADS;
}

static int
run(struct opts *o, int *found, struct mare_err *err)
{
	struct mare_profile *prof = NULL;
	struct mare_table ref, cur, want;
	struct mare_grid_stack st;
	struct ctx cx;
	size_t i, k, n = 0;
	json_t *verdict = NULL;
	int rc = -1, drift;

	memset(&cx, 0, sizeof(cx));
	cx.o = o;
	mare_grid_stack_init(&st);
	memset(&ref, 0, sizeof(ref));
	memset(&cur, 0, sizeof(cur));
	memset(&want, 0, sizeof(want));
	cx.nthreads = threads(o);
	if (read_reference(o->reference, cx.nthreads, &prof, &cx.model, &ref,
	    &cx.sorted, err) == -1)
		goto out;
	cx.prof = prof;
	mare_table_free(&ref);	/* the sorted columns hold what is needed */
	if (o->profile_out != NULL &&
	    write_profile(o->profile_out, prof, err) == -1)
		goto out;

	/* The columns to test. */
	cx.idx = calloc(prof->ncols, sizeof(*cx.idx));
	cx.colmap = calloc(prof->ncols, sizeof(*cx.colmap));
	want.names = calloc(prof->ncols, sizeof(*want.names));
	cx.res = calloc(prof->ncols, sizeof(*cx.res));
	cx.curcols = calloc(prof->ncols, sizeof(*cx.curcols));
	cx.tests = calloc(prof->ncols, sizeof(*cx.tests));
	cx.thr = calloc(prof->ncols, sizeof(*cx.thr));
	if (cx.idx == NULL || cx.colmap == NULL || want.names == NULL ||
	    cx.res == NULL || cx.curcols == NULL || cx.tests == NULL ||
	    cx.thr == NULL) {
		mare_err_sys(err, MARE_E_NOMEM, "columns");
		goto out;
	}
	if (o->columns != NULL) {
		const char *p = o->columns, *e;
		long f;
		char name[MARE_PROFILE_MAX_NAME + 1];

		while (*p != '\0') {
			e = strchr(p, ',');
			k = e != NULL ? (size_t)(e - p) : strlen(p);
			snprintf(name, sizeof(name), "%.*s", (int)k, p);
			f = mare_profile_find(prof, name);
			if (f < 0) {
				mare_err_set(err, MARE_E_USAGE, "--columns: "
				    "no column \"%s\" in the reference", name);
				goto out;
			}
			if (n < prof->ncols)
				cx.idx[n++] = (size_t)f;
			p += k + (e != NULL);
		}
	} else
		for (n = 0; n < prof->ncols; n++)
			cx.idx[n] = n;
	cx.n = n;
	for (i = 0; i < o->ntests; i++)
		if (mare_profile_find(prof, o->tests[i].col) < 0 &&
		    (cx.model == NULL ||
		    strcmp(o->tests[i].col, "prediction") != 0)) {
			mare_err_set(err, MARE_E_USAGE, "--test: no column "
			    "\"%s\" in the reference", o->tests[i].col);
			goto out;
		}
	want.ncols = n;
	for (i = 0; i < n; i++) {
		want.names[i] = prof->cols[cx.idx[i]].name;
		cx.colmap[i] = i;
	}
	if (cx.model != NULL) {
		/* CURRENT rows are the spec's variables */
		for (i = 0; i < n; i++) {
			long v = mare_featspec_var_index(cx.model->spec,
			    want.names[i]);

			if (v < 0) {
				mare_err_set(err, MARE_E_DATA, "profile column "
				    "\"%s\" is no variable of the model",
				    want.names[i]);
				mare_err_at(err, o->reference, 0, 0);
				goto out;
			}
			cx.colmap[i] = (size_t)v;
		}
		want.ncols = cx.model->spec->nvars;
		free(want.names);
		want.names = calloc(want.ncols, sizeof(*want.names));
		if (want.names == NULL) {
			mare_err_sys(err, MARE_E_NOMEM, "columns");
			goto out;
		}
		for (i = 0; i < want.ncols; i++)
			want.names[i] = cx.model->spec->vars[i].name;
	}
	if (o->layers != NULL &&
	    mare_grid_stack_load_dir(&st, o->layers, err) != 0)
		goto out;
	if (o->map != NULL &&
	    write_map(o, &st, prof, cx.sorted, cx.idx, n, err) != 0)
		goto out;
	if (o->map != NULL && o->current == NULL) {
		rc = 0;
		goto out;
	}

	cx.curname = o->current == NULL || strcmp(o->current, "-") == 0 ?
	    "<stdin>" : o->current;
	if ((cx.out = mare_out_open(o->common.output, 0, err)) == NULL)
		goto out;
	if (read_current(&cx, &want, &st, &cur, err) == -1)
		goto out;
	if (cur.total == 0) {
		mare_err_set(err, MARE_E_DATA, "no current rows to test");
		mare_err_at(err, cx.curname, 0, 0);
		goto out;
	}
	if (o->window > 0) {
		if (cur.nrows > 0 && window_full(&cx, &cur, err) == -1)
			goto out;
		drift = cx.drift;
		/* the gauges of the last window */
		metrics(cx.res, n, cx.have_pred ? &cx.pr : NULL, cx.share,
		    drift);
	} else {
		if ((verdict = evaluate(&cx, &cur, &drift, err)) == NULL)
			goto out;
		if (!o->format_text &&
		    mare_jsonl_write(mare_out_file(cx.out), verdict, err) == -1)
			goto out;
	}
	if (mare_out_commit(cx.out, err) == -1) {
		cx.out = NULL;
		goto out;
	}
	cx.out = NULL;
	if (verdict != NULL) {
		const json_t *ds = json_object_get(verdict, "dataset");
		size_t tested = (size_t)json_integer_value(json_object_get(ds,
		    "tested"));
		size_t drifted = (size_t)json_integer_value(json_object_get(ds,
		    "drifted"));
		const struct mare_drift_col *prp = cx.have_pred ? &cx.pr :
		    NULL;

		if (!o->common.quiet && !o->format_text && !o->format_json)
			table_text(stderr, cx.res, n, prp, drifted, tested,
			    o->share, drift);
		metrics(cx.res, n, prp, tested > 0 ? (double)drifted /
		    (double)tested : 0, drift);
		if (drift && o->alert_url != NULL)
			alert(o, verdict, cx.curname);
	}
	*found = drift;
	rc = 0;
out:
	mare_out_abort(cx.out);
	json_decref(verdict);
	for (i = 0; cx.sorted != NULL && i < prof->ncols; i++)
		free(cx.sorted[i]);
	free(cx.sorted);
	free(cx.res);
	free(cx.idx);
	free(cx.colmap);
	free(cx.pred);
	mare_drift_mess_free(cx.mess);
	free(cx.curcols);
	free(cx.tests);
	free(cx.thr);
	free(cx.minv);
	free(want.names);
	mare_table_free(&ref);
	mare_table_free(&cur);
	mare_grid_stack_release(&st);
	mare_model_free(cx.model);
	mare_profile_free(prof);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct mare_err err;
	int r, status = 0, found = 0;

	memset(&o, 0, sizeof(o));
	mare_cli_init(argv[0], usage, &o.common, &err);
	argv[0] = (char *)(uintptr_t)mare_cli_progname();
	o.argc = argc;
	o.argv = argv;
	r = parse_args(argc, argv, &o, &err);
	if (r == -2)
		status = 0;
	else if (r < 0)
		status = -1;
	else if (run(&o, &found, &err) != 0)
		status = -1;
	else if (found)
		status = mare_err_exit_status(MARE_E_FOUND);
	free(o.buf);
	return mare_cli_finish(status, &err);
}
