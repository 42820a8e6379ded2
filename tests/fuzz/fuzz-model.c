/*
 * fuzz-model - libFuzzer target: mare-model(5) files
 *
 * The input is a model file read from memory. A model that loads must
 * predict a few fixed rows of raw values (zeros, ones, huge values) with
 * every output type without crashing, and survive a round trip through
 * its own serialiser: the reloaded model predicts the same bits.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "featspec.h"
#include "fuzz.h"
#include "model.h"

#define ROWS	3
#define MAXVARS	4096

static const enum mare_model_output outputs[] = {
	MARE_MODEL_LINK, MARE_MODEL_EXPONENTIAL, MARE_MODEL_CLOGLOG,
	MARE_MODEL_LOGISTIC_OUT,
};

static int
predict(const struct mare_model *m, const double *raw,
    enum mare_model_output type, double *out)
{
	struct mare_model_pred_opts o;
	struct mare_err err;

	mare_err_init(&err);
	mare_model_pred_opts_init(&o);
	o.type = type;
	if (mare_model_predict(m, raw, ROWS, &o, out, NULL, &err) == -1) {
		fuzz_check_err(&err);
		return -1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mare_model *m, *back;
	struct mare_err err;
	double *raw, a[ROWS], b[ROWS];
	size_t nv, i, k;
	json_t *j;
	char *text;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	mare_err_init(&err);
	m = mare_model_from_json((const char *)data, size, "fuzz.json", &err);
	if (m == NULL) {
		fuzz_check_err(&err);
		return 0;
	}
	nv = m->spec->nvars;
	if (nv == 0 || nv > MAXVARS) {
		mare_model_free(m);
		return 0;
	}
	if ((raw = malloc(ROWS * nv * sizeof(double))) == NULL)
		abort();
	for (i = 0; i < nv; i++) {
		raw[i] = 0;
		raw[nv + i] = 1;
		raw[2 * nv + i] = 1e300;
	}
	back = NULL;
	if ((j = mare_model_to_json(m, &err)) == NULL)
		fuzz_check_err(&err);
	else {
		text = json_dumps(j, JSON_COMPACT);
		json_decref(j);
		if (text == NULL)
			abort();
		back = mare_model_from_json(text, strlen(text), "back.json",
		    &err);
		if (back == NULL) {
			fprintf(stderr, "fuzz: a loaded model does not reload: "
			    "%s: %s\n", err.where, err.msg);
			abort();
		}
		free(text);
	}
	for (k = 0; k < sizeof(outputs) / sizeof(outputs[0]); k++) {
		if (predict(m, raw, outputs[k], a) == -1)
			continue;
		if (back == NULL || predict(back, raw, outputs[k], b) == -1)
			continue;
		for (i = 0; i < ROWS; i++)
			if (memcmp(&a[i], &b[i], sizeof(double)) != 0 &&
			    !(isnan(a[i]) && isnan(b[i]))) {
				fprintf(stderr, "fuzz: row %zu predicts %.17g, "
				    "after a round trip %.17g\n", i, a[i], b[i]);
				abort();
			}
	}
	mare_model_free(back);
	mare_model_free(m);
	free(raw);
	return 0;
}
