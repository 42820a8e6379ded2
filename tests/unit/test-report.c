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
	return tap_done();
}
