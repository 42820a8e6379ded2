/*
 * test-report.c - unit tests of lib/report.c: downsampling, response
 * curves, sparklines, tolerant JSON inputs, escaping in the page
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "featspec.h"
#include "grid.h"
#include "model.h"
#include "report.h"
#include "tap.h"

static char *
write_tmp(const char *dir, const char *name, const char *text)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	FILE *fp;

	sprintf(p, "%s/%s", dir, name);	/* tests only */
	fp = fopen(p, "w");
	fputs(text, fp);
	fclose(fp);
	return p;
}

/* mare_report_model_check(): each refusal names its JSON path */
static void
test_model_check(void)
{
	static const struct {
		const char *json, *msg;
	} bad[] = {
		{ "{\"roc\": 5}", "$.roc: expected an object or null" },
		{ "{\"roc\": {\"train\": 5}}",
		  "$.roc.train: expected an object or null" },
		{ "{\"roc\": {\"cv\": {\"auc\": 0.5, \"fpr\": [0, 1]}}}",
		  "$.roc.cv.tpr: missing" },
		{ "{\"roc\": {\"train\": {\"auc\": 0.5, \"fpr\": \"x\"}}}",
		  "$.roc.train.fpr: expected an array of numbers" },
		{ "{\"roc\": {\"train\": {\"auc\": 0.5, \"fpr\": [0], "
		  "\"tpr\": [0]}}}",
		  "$.roc.train.fpr: 1 values; a curve needs at least 2" },
		{ "{\"roc\": {\"train\": {\"auc\": 0.5, \"fpr\": [0, 1], "
		  "\"tpr\": [0, 0.5, 1]}}}",
		  "$.roc.train.tpr: 3 values but $.roc.train.fpr has 2" },
		{ "{\"importance\": 5}", "$.importance: expected an array or "
		  "null" },
		{ "{\"importance\": [5]}", "$.importance[0]: expected an "
		  "object" },
		{ "{\"importance\": [{\"variable\": 1}]}",
		  "$.importance[0].variable: expected a string" },
		{ "{\"importance\": [{}]}", "$.importance[0].variable: "
		  "missing" },
		{ "{\"importance\": [{\"variable\": \"a\"}]}",
		  "$.importance[0].permutation: missing" },
		{ "{\"importance\": [{\"variable\": \"a\", \"permutation\": "
		  "1, \"contribution\": \"x\"}]}",
		  "$.importance[0].contribution: expected a number or null" },
		{ "{\"tuning\": 5}", "$.tuning: expected an object or null" },
		{ "{\"tuning\": {\"metric\": 5}}",
		  "$.tuning.metric: expected a string" },
		{ "{\"tuning\": {\"rows\": []}}",
		  "$.tuning.rows: expected a non-empty array" },
		{ "{\"tuning\": {}}", "$.tuning.rows: missing" },
		{ "{\"tuning\": {\"rows\": [5]}}",
		  "$.tuning.rows[0]: expected an object" },
		{ "{\"tuning\": {\"rows\": [{\"regmult\": 1}]}}",
		  "$.tuning.rows[0].features: missing" },
		{ "{\"tuning\": {\"rows\": [{\"regmult\": null, "
		  "\"lambda\": null, \"features\": \"l\"}]}}",
		  "$.tuning.rows[0]: neither regmult nor lambda is a number" },
		{ "{\"tuning\": {\"rows\": [{\"lambda\": \"x\", "
		  "\"features\": \"l\"}]}}",
		  "$.tuning.rows[0].lambda: expected a number or null" },
		{ "{\"tuning\": {\"rows\": [{\"regmult\": 1, \"features\": "
		  "\"lq\", \"nonzero\": -1}]}}",
		  "$.tuning.rows[0].nonzero: expected a count" },
		{ "{\"tuning\": {\"rows\": [{\"regmult\": 1, \"features\": "
		  "\"lq\", \"converged\": \"yes\"}]}}",
		  "$.tuning.rows[0].converged: expected true or false" },
		{ "{\"tuning\": {\"selected\": 1, \"rows\": [{\"regmult\": 1, "
		  "\"features\": \"lq\"}]}}",
		  "$.tuning.selected: expected a row index from 0 to 0" }
	};
	struct mare_err err;
	json_t *j;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = json_loads(bad[i].json, 0, NULL);
		mare_err_init(&err);
		ok(j != NULL && mare_report_model_check(j, "m.json", &err) ==
		    -1 && err.code == MARE_E_DATA &&
		    strcmp(err.msg, bad[i].msg) == 0 &&
		    strcmp(err.where, "m.json") == 0, "report: %s (%s)",
		    bad[i].msg, err.msg);
		json_decref(j);
	}
	j = json_loads("{\"roc\": null, \"importance\": [], \"tuning\": "
	    "{\"selected\": 0, \"rows\": [{\"regmult\": 1, \"features\": "
	    "\"lq\", \"nonzero\": 3, \"converged\": true, \"aicc\": null}]}}",
	    0, NULL);
	mare_err_init(&err);
	is_int(mare_report_model_check(j, "m.json", &err), 0,
	    "report: a well-formed tuning table passes (%s)", err.msg);
	json_decref(j);
}

/* Occurrences, a map of a grid, the curve of a categorical variable */
static void
test_inputs(void)
{
	static const double x[] = { 1, 2, 4, 2, 1, 3, 3, 2, 2, 4, 5, 1 };
	static const int label[] = { 1, 1, 0, 0 };
	static const char *const names[] = { "x", "s", "y" };
	static const char *const cat[] = { "s" };
	struct mare_grid_geom geom = { 2, 2, 0, 0, 1, 0, 0 };
	struct mare_featspec_opts fo;
	struct mare_report_occ o;
	struct mare_report_map m;
	struct mare_model *mod;
	struct mare_grid *g;
	struct mare_err err;
	char *path;
	double cx[10], cy[10];
	long n;

	/* lon/lat spelled two ways; 400 and a record without a point are
	 * skipped */
	path = write_tmp(tap_tmpdir(), "occ.jsonl", "{\"scientificName\":"
	    "\"A b\","
	    "\"lon\":10,\"lat\":20}\n{\"decimalLongitude\":400,"
	    "\"decimalLatitude\":0}\n{\"x\":1}\n{\"decimalLongitude\":-10.5,"
	    "\"decimalLatitude\":-20,\"scientificName\":\"C d\"}\n");
	mare_err_init(&err);
	ok(mare_report_occ_load(path, &o, &err) == 0 && o.in == 4 &&
	    o.n == 2 && o.skipped == 2, "report: 4 records, 2 points, 2 "
	    "skipped (%s)", err.msg);
	ok(o.n == 2 && o.lon[0] == 10 && o.lat[0] == 20 &&
	    o.lon[1] == -10.5 && o.lat[1] == -20, "report: the points in "
	    "order");
	is_str(o.species, "A b", "report: the first species name");
	mare_report_occ_release(&o);
	free(path);
	path = write_tmp(tap_tmpdir(), "bad.jsonl", "{\"lon\":1,"
	    "\"lat\":2}\n[1]\n");
	mare_err_init(&err);
	ok(mare_report_occ_load(path, &o, &err) == -1 &&
	    err.code == MARE_E_DATA && o.lon == NULL, "report: a line that "
	    "is not an object is a data error, nothing kept");
	like(err.where, "bad.jsonl:2", "report: ... at line 2");
	free(path);
	path = write_tmp(tap_tmpdir(), "empty.jsonl", "");
	mare_err_init(&err);
	ok(mare_report_occ_load(path, &o, &err) == 0 && o.in == 0 &&
	    o.n == 0, "report: an empty file has no records");
	mare_report_occ_release(&o);
	free(path);

	/* width 0 means one block: the mean of 1, 2 and 3 (NaN left out) */
	g = mare_grid_new(&geom, "g", &err);
	g->cells[0] = 1;
	g->cells[1] = 2;
	g->cells[2] = 3;
	g->cells[3] = NAN;
	mare_err_init(&err);
	ok(mare_report_map_make(g, 0, &m, &err) == 0 && m.ncols == 1 &&
	    m.nrows == 1 && m.block == 2 && m.nvalid == 3 && m.v[0] == 2 &&
	    m.min == 1 && m.max == 3 && m.mean == 2, "report: a map of one "
	    "2 x 2 block averages the 3 valid cells");
	mare_report_map_release(&m);
	g->cells[0] = g->cells[1] = g->cells[2] = NAN;
	mare_err_init(&err);
	ok(mare_report_map_make(g, 10, &m, &err) == -1 &&
	    err.code == MARE_E_DATA && strcmp(err.msg, "no valid cell") == 0,
	    "report: a map of no valid cell is refused");
	mare_grid_free(g);

	/* a categorical variable's curve has one point per level; with
	 * every coefficient 0 a logistic model predicts 1/2 */
	memset(&fo, 0, sizeof(fo));
	fo.classes = "l";
	fo.categorical = cat;
	fo.ncategorical = 1;
	mod = mare_model_new(MARE_MODEL_LOGISTIC, mare_featspec_fit(x, 4, 3,
	    names, label, &fo, NULL), &err);
	mare_err_init(&err);
	n = mod != NULL ? mare_report_curve(mod, 1, 10, cx, cy, &err) : -1;
	ok(n == 3 && cx[0] == 1 && cx[1] == 2 && cx[2] == 5 &&
	    cy[0] == 0.5 && cy[1] == 0.5 && cy[2] == 0.5,
	    "report: the curve of s has its 3 levels, each at 1/2 (%s)",
	    err.msg);
	mare_model_free(mod);
}

/* The entry of column name in the array a, or NULL */
static const json_t *
by_column(const json_t *a, const char *name)
{
	const json_t *e;
	size_t i;

	json_array_foreach(a, i, e)
		if (json_is_string(json_object_get(e, "column")) &&
		    strcmp(json_string_value(json_object_get(e, "column")),
		    name) == 0)
			return e;
	return NULL;
}

/* Drift and validation files in the other shapes the report reads */
static void
test_other_shapes(void)
{
	struct mare_report_in in;
	struct mare_err err;
	json_t *drift, *drift2, *val, *o, *d;
	const json_t *e;
	char *text = NULL, *s;
	size_t len = 0;
	FILE *fp;

	/* "features" as an object: sst's statistic is found under "psi"
	 * and named PSI, its verdict from "drift": true; depth's is a
	 * number under "statistic" named by "method"; 5 is not a column */
	drift = json_loads("{\"features\": {\"sst\": {\"psi\": 0.3, "
	    "\"threshold\": 0.2, \"drift\": true}, \"depth\": {\"statistic\": "
	    "0.1, \"method\": \"KS\", \"verdict\": \"ok\"}, \"bad\": 5}}", 0,
	    NULL);
	val = json_loads("{\"records\": 10, \"valid\": 7, \"invalid\": 3, "
	    "\"rules\": [{\"rule\": \"ZERO_COORD\", \"count\": 2}, "
	    "{\"name\": \"DATE_INVALID\", \"rejected\": 1}, {\"x\": 1}]}", 0,
	    NULL);
	memset(&in, 0, sizeof(in));
	in.drift = drift;
	in.validation = val;
	mare_err_init(&err);
	o = mare_report_json(&in, &err);
	d = json_object_get(o, "drift");
	is_int((long long)json_array_size(d), 2, "report: two drift columns "
	    "of three entries");
	e = by_column(d, "sst");
	s = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS |
	    JSON_REAL_PRECISION(15));
	is_str(s, "{\"column\":\"sst\",\"statistic\":\"PSI\",\"threshold\":"
	    "0.2,\"value\":0.3,\"verdict\":\"drift\"}", "report: sst: PSI "
	    "0.3 over 0.2, drift");
	free(s);
	e = by_column(d, "depth");
	s = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS |
	    JSON_REAL_PRECISION(15));
	is_str(s, "{\"column\":\"depth\",\"statistic\":\"KS\",\"threshold\":"
	    "null,\"value\":0.1,\"verdict\":\"ok\"}", "report: depth: KS 0.1, "
	    "ok");
	free(s);
	s = json_dumps(json_object_get(o, "validation"), JSON_COMPACT |
	    JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
	is_str(s, "{\"in\":10.0,\"passed\":7.0,\"rejected\":3.0,\"rules\":"
	    "{\"DATE_INVALID\":1.0,\"ZERO_COORD\":2.0}}", "report: records, "
	    "valid and invalid read as in, passed and rejected; rules from an "
	    "array by rule or name");
	free(s);
	json_decref(o);

	/* "columns" as an array, named by "name", "drifted" */
	drift2 = json_loads("{\"columns\": [{\"name\": \"a\", \"score\": 2, "
	    "\"verdict\": \"drifted\"}, 7]}", 0, NULL);
	in.drift = drift2;
	in.validation = NULL;
	mare_err_init(&err);
	o = mare_report_json(&in, &err);
	s = json_dumps(json_object_get(o, "drift"), JSON_COMPACT |
	    JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
	is_str(s, "[{\"column\":\"a\",\"statistic\":null,\"threshold\":"
	    "null,\"value\":2.0,\"verdict\":\"drifted\"}]", "report: an "
	    "array of columns named by 'name'; a score has no statistic "
	    "name (null)");
	free(s);
	json_decref(o);

	/* the text report of both shows the drifted columns */
	in.drift = drift;
	in.validation = val;
	fp = open_memstream(&text, &len);
	mare_err_init(&err);
	is_int(mare_report_text(&in, fp, &err), 0, "report: text of drift "
	    "and validation only");
	fclose(fp);
	like(text, "sst", "report: the text names sst");
	free(text);
	json_decref(drift);
	json_decref(drift2);
	json_decref(val);
}

int
main(void)
{
	const char *src = getenv("MARE_SRCDIR") ? getenv("MARE_SRCDIR") : ".";
	char path[4096], *buf = NULL, *p, spark[64];
	struct mare_err err;
	struct mare_grid *g;
	struct mare_report_map m;
	struct mare_report_in in;
	struct mare_model *model;
	double x[MARE_REPORT_CURVE_POINTS], y[MARE_REPORT_CURVE_POINTS];
	const double v[4] = { 0, 1, NAN, 7 };
	const char *dir = tap_tmpdir();
	size_t len;
	json_t *j;
	FILE *fp;
	long n;

	mare_err_init(&err);
	snprintf(path, sizeof(path), "%s/tests/data/report/tiny.asc", src);
	g = mare_grid_load(path, &err);
	ok(g != NULL, "load tiny.asc");
	is_int(mare_report_map_make(g, 3, &m, &err), 0, "downsample to 3");
	is_int((long long)m.block, 2, "blocks of 2");
	is_int((long long)m.ncols, 3, "3 blocks across");
	is_int((long long)m.nrows, 2, "2 blocks down");
	is_int((long long)m.nvalid, 20, "20 valid cells");
	is_double(m.v[0], (1 + 2 + 7 + 8) / 4.0, 1e-6, "block 0 mean");
	ok(isnan(m.v[4]), "the NODATA block is empty");
	is_double(m.v[3], (13 + 14 + 19 + 20) / 4.0, 1e-6, "block 3 mean");
	is_double(m.min, 1, 0, "min");
	is_double(m.max, 24, 0, "max");
	mare_report_map_release(&m);
	is_int(mare_report_map_make(g, 4, &m, &err), 0, "width 4");
	is_int((long long)m.ncols, 3, "ceil(6 / 4) = 2: 3 blocks");
	mare_report_map_release(&m);
	is_int(mare_report_map_make(g, 600, &m, &err), 0, "width 600");
	is_int((long long)m.block, 1, "no downsampling");
	is_int((long long)(m.ncols * m.nrows), 24, "24 blocks");
	mare_report_map_release(&m);
	mare_grid_free(g);

	is_str(mare_report_sparkline(v, 4, spark, sizeof(spark)),
	    "\xe2\x96\x81\xe2\x96\x82 \xe2\x96\x88", "sparkline");

	snprintf(path, sizeof(path),
	    "%s/tests/data/train/golden-logistic.json", src);
	model = mare_model_load(path, &err);
	ok(model != NULL, "load the golden model");
	n = mare_report_curve(model, 0, MARE_REPORT_CURVE_POINTS, x, y, &err);
	is_int(n, MARE_REPORT_CURVE_POINTS, "101 points");
	is_double(x[0], model->spec->vars[0].st.min, 0, "curve from min");
	is_double(x[100], model->spec->vars[0].st.max, 1e-12, "to max");
	ok(y[0] > y[100], "SST: suitability falls with temperature");

	/* the page escapes the title and holds no script nor link */
	memset(&in, 0, sizeof(in));
	in.title = "<script>x</script> & y";
	in.model = model;
	fp = open_memstream(&buf, &len);
	is_int(mare_report_html(&in, fp, &err), 0, "html");
	fclose(fp);
	ok(strstr(buf, "&lt;script&gt;x&lt;/script&gt; &amp; y") != NULL,
	    "title escaped");
	ok(strstr(buf, "<script") == NULL, "no script element");
	ok(strstr(buf, "http") == NULL, "no link out");
	ok(strstr(buf, "0.7324 \xc2\xb1 0.0309") != NULL, "CV AUC mean, sd");
	free(buf);
	mare_model_free(model);

	/* tolerant drift JSON, strict format and version */
	p = write_tmp(dir, "d.json", "{\"columns\":{\"SST\":{\"statistic\":"
	    "\"PSI\",\"value\":0.31,\"threshold\":0.2,\"verdict\":\"drift\"}}}");
	j = mare_report_json_load(p, "mare-drift", &err);
	ok(j != NULL, "drift without format key");
	json_decref(j);
	free(p);
	p = write_tmp(dir, "e.json", "{\"format\":\"mare-drift\",\"version\":"
	    "\"2.0\"}");
	ok(mare_report_json_load(p, "mare-drift", &err) == NULL, "v2 refused");
	like(err.msg, "version '2.0' is not supported", "message");
	free(p);
	mare_err_init(&err);
	p = write_tmp(dir, "f.json", "[1]");
	ok(mare_report_json_load(p, "mare-drift", &err) == NULL, "array");
	is_str(err.msg, "expected a JSON object", "message");
	free(p);
	test_model_check();
	test_inputs();
	test_other_shapes();
	return tap_done();
}
