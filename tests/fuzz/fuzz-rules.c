/*
 * fuzz-rules - libFuzzer target: mare-rules(5) files
 *
 * The input is a rules file loaded from memory; a loaded rule set is
 * configured and evaluated against a few fixed records (a good one, one
 * with wrong types, an empty one), then its statistics are read back.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <jansson.h>

#include "checks.h"
#include "fuzz.h"
#include "rules.h"

static const char *const records[] = {
	"{\"scientificName\": \"Mola mola\", \"decimalLatitude\": 43.5,"
	" \"decimalLongitude\": -8.25, \"eventDate\": \"2001-05-04\","
	" \"depth\": 12, \"basisOfRecord\": \"HumanObservation\","
	" \"occurrenceID\": \"a1\", \"year\": 2001}",
	"{\"scientificName\": 7, \"decimalLatitude\": \"north\","
	" \"decimalLongitude\": null, \"eventDate\": [1], \"depth\": -1e308,"
	" \"year\": \"2001\"}",
	"{}",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mare_checks_opts o;
	struct mare_rule_stats st;
	struct mare_findings f;
	struct mare_rules *r;
	struct mare_err err;
	json_t *rec;
	size_t i;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	mare_err_init(&err);
	r = mare_rules_load_buffer((const char *)data, size, "fuzz.json",
	    &err);
	if (r == NULL) {
		fuzz_check_err(&err);
		return 0;
	}
	mare_checks_opts_init(&o, 1700000000);
	(void)mare_rules_configure(r, &o);
	mare_findings_init(&f);
	for (i = 0; i < sizeof(records) / sizeof(records[0]); i++) {
		if ((rec = json_loads(records[i], 0, NULL)) == NULL)
			continue;
		mare_findings_clear(&f);
		if (mare_rules_eval(r, rec, &f, &err) == -1)
			fuzz_check_err(&err);
		json_decref(rec);
	}
	for (i = 0; i < mare_rules_count(r); i++)
		(void)mare_rules_stats(r, i, &st);
	(void)mare_rules_success(r);
	mare_findings_release(&f);
	mare_rules_free(r);
	return 0;
}
