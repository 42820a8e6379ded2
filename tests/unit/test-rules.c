/*
 * test-rules.c - mare-rules(5) files: loading, evaluation, load errors
 *
 * tests/data/validate/rules-every-type.json uses every expectation type and
 * every built-in parameter; rules-sample.jsonl holds five records whose
 * expected outcome per rule was worked out by hand (see the comments).
 * The file's SHA-256 is from `sha256sum rules-every-type.json`.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "tap.h"

static char path[4096];

static const char *
data(const char *name)
{
	const char *src = getenv("MARE_SRCDIR");

	snprintf(path, sizeof(path), "%s/tests/data/validate/%s",
	    src != NULL ? src : ".", name);
	return path;
}

/* Load text as "t.json"; the formatted error, or "" when it loads. */
static const char *
load_error(const char *text)
{
	static char buf[700];
	struct mare_rules *r;
	struct mare_err err;

	mare_err_init(&err);
	r = mare_rules_load_buffer(text, strlen(text), "t.json", &err);
	if (r != NULL) {
		mare_rules_free(r);
		return "";
	}
	if (err.code != MARE_E_DATA)
		return "not a data error";
	return mare_err_format(&err, buf, sizeof(buf));
}

#define ONE(type, kwargs) \
	"{\"expectations\":[{\"expectation_type\":\"" type "\"," \
	"\"kwargs\":" kwargs "}]}"

struct loaderr {
	const char	*text;
	const char	*msg;
};

static const struct loaderr loaderrs[] = {
	{ "{\n  \"expectations\": [\n    {\"expectation_type\": }\n]}",
	    "t.json:3:26: unexpected token near '}'" },
	{ "{\"expectations\":[], \"expectations\":[]}",
	    "t.json:1:34: duplicate object key near '\"expectations\"'" },
	{ "[]", "t.json: expected a JSON object with an 'expectations' "
	    "array, got an array" },
	{ "{}", "t.json: no 'expectations' array" },
	{ "{\"expectations\":{}}", "t.json: no 'expectations' array" },
	{ "{\"mare_rules_version\":2,\"expectations\":[]}",
	    "t.json: mare_rules_version 2 is not supported (this mare reads "
	    "up to 1)" },
	{ "{\"mare_rules_version\":\"1\",\"expectations\":[]}",
	    "t.json: mare_rules_version: expected an integer, got a string" },
	{ "{\"builtins\":\"some\",\"expectations\":[]}",
	    "t.json: builtins: expected \"all\" or \"none\"" },
	{ "{\"expectations\":[5]}",
	    "t.json: expectations[0]: expected an object, got a number" },
	{ "{\"expectations\":[{\"kwargs\":{}}]}",
	    "t.json: expectations[0]: no 'expectation_type'" },
	{ "{\"expectations\":[{\"expectation_type\":3,\"kwargs\":{}}]}",
	    "t.json: expectations[0]: expectation_type: expected a string, "
	    "got a number" },
	{ "{\"expectations\":[" "{\"expectation_type\":\"expect_column_to_"
	    "exist\",\"kwargs\":{\"column\":\"a\"}},"
	    "{\"expectation_type\":\"expect_column_values_to_be_purple\","
	    "\"kwargs\":{}}]}",
	    "t.json: expectations[1]: unknown expectation type "
	    "'expect_column_values_to_be_purple'" },
	{ "{\"expectations\":[{\"expectation_type\":\"expect_column_to_"
	    "exist\"}]}",
	    "t.json: expectations[0] (expect_column_to_exist): no 'kwargs'" },
	{ ONE("expect_column_to_exist", "[]"),
	    "t.json: expectations[0] (expect_column_to_exist): kwargs: "
	    "expected an object, got an array" },
	{ ONE("expect_column_values_to_not_be_null", "{}"),
	    "t.json: expectations[0] (expect_column_values_to_not_be_null): "
	    "missing parameter 'column'" },
	{ ONE("expect_column_values_to_not_be_null", "{\"column\":1}"),
	    "t.json: expectations[0] (expect_column_values_to_not_be_null): "
	    "column: expected a string, got a number" },
	{ ONE("expect_column_values_to_not_be_null",
	    "{\"column\":\"a\",\"mostly\":\"0.5\"}"),
	    "t.json: expectations[0] (expect_column_values_to_not_be_null): "
	    "mostly: expected a number from 0 to 1, got a string" },
	{ ONE("expect_column_values_to_not_be_null",
	    "{\"column\":\"a\",\"mostly\":1.5}"),
	    "t.json: expectations[0] (expect_column_values_to_not_be_null): "
	    "mostly: expected a number from 0 to 1, got 1.5" },
	{ ONE("expect_column_values_to_be_between",
	    "{\"column\":\"a\",\"min_vale\":1}"),
	    "t.json: expectations[0] (expect_column_values_to_be_between): "
	    "unknown parameter 'min_vale'" },
	{ ONE("expect_column_values_to_be_between",
	    "{\"column\":\"a\",\"min_value\":1,\"row_condition\":\"x>1\"}"),
	    "t.json: expectations[0] (expect_column_values_to_be_between): "
	    "row_condition is not supported" },
	{ ONE("expect_column_values_to_be_between", "{\"column\":\"a\"}"),
	    "t.json: expectations[0] (expect_column_values_to_be_between): "
	    "min_value and max_value cannot both be missing" },
	{ ONE("expect_column_values_to_be_between",
	    "{\"column\":\"a\",\"min_value\":\"1\"}"),
	    "t.json: expectations[0] (expect_column_values_to_be_between): "
	    "min_value: expected a number or null, got a string" },
	{ ONE("expect_column_values_to_be_between",
	    "{\"column\":\"a\",\"min_value\":2,\"max_value\":1}"),
	    "t.json: expectations[0] (expect_column_values_to_be_between): "
	    "min_value is above max_value" },
	{ ONE("expect_column_values_to_be_between",
	    "{\"column\":\"a\",\"min_value\":1,\"strict_min\":1}"),
	    "t.json: expectations[0] (expect_column_values_to_be_between): "
	    "strict_min: expected true or false, got a number" },
	{ ONE("expect_column_values_to_be_in_set", "{\"column\":\"a\"}"),
	    "t.json: expectations[0] (expect_column_values_to_be_in_set): "
	    "missing parameter 'value_set'" },
	{ ONE("expect_column_values_to_be_in_set",
	    "{\"column\":\"a\",\"value_set\":\"x\"}"),
	    "t.json: expectations[0] (expect_column_values_to_be_in_set): "
	    "value_set: expected an array, got a string" },
	{ ONE("expect_column_values_to_be_in_set",
	    "{\"column\":\"a\",\"value_set\":[\"x\",[1]]}"),
	    "t.json: expectations[0] (expect_column_values_to_be_in_set): "
	    "value_set[1]: expected a string, number, boolean or null, got "
	    "an array" },
	{ ONE("expect_column_values_to_match_regex", "{\"column\":\"a\"}"),
	    "t.json: expectations[0] (expect_column_values_to_match_regex): "
	    "missing parameter 'regex'" },
	{ ONE("expect_column_values_to_match_regex",
	    "{\"column\":\"a\",\"regex\":5}"),
	    "t.json: expectations[0] (expect_column_values_to_match_regex): "
	    "regex: expected a string, got a number" },
	{ ONE("expect_column_values_to_be_of_type", "{\"column\":\"a\"}"),
	    "t.json: expectations[0] (expect_column_values_to_be_of_type): "
	    "missing parameter 'type_'" },
	{ ONE("expect_column_values_to_be_of_type",
	    "{\"column\":\"a\",\"type_\":\"purple\"}"),
	    "t.json: expectations[0] (expect_column_values_to_be_of_type): "
	    "unknown type_ 'purple' (known: int, float, str, bool, dict, "
	    "list, and numpy/pandas spellings such as int64, float64, "
	    "string)" },
	{ ONE("expect_column_value_lengths_to_be_between",
	    "{\"column\":\"a\",\"min_value\":1.5}"),
	    "t.json: expectations[0] "
	    "(expect_column_value_lengths_to_be_between): min_value: "
	    "expected an integer or null, got a number" },
	{ ONE("builtin", "{}"),
	    "t.json: expectations[0] (builtin): missing parameter 'check'" },
	{ ONE("builtin", "{\"check\":\"NOPE\"}"),
	    "t.json: expectations[0] (builtin): unknown check 'NOPE'" },
	{ ONE("builtin", "{\"check\":\"NO_COORD\",\"column\":\"x\"}"),
	    "t.json: expectations[0] (builtin): unknown parameter 'column'" },
	{ ONE("builtin", "{\"check\":\"NO_COORD\",\"enabled\":\"no\"}"),
	    "t.json: expectations[0] (builtin): enabled: expected true or "
	    "false, got a string" },
	{ ONE("builtin", "{\"check\":\"ZERO_COORD\",\"min_decimals\":2}"),
	    "t.json: expectations[0] (builtin): min_decimals applies to "
	    "LOW_PRECISION only" },
	{ ONE("builtin", "{\"check\":\"LOW_PRECISION\",\"min_decimals\":"
	    "20}"),
	    "t.json: expectations[0] (builtin): min_decimals: expected 0 to "
	    "17" },
	{ ONE("builtin", "{\"check\":\"NO_COORD\",\"max_meters\":5}"),
	    "t.json: expectations[0] (builtin): max_meters applies to "
	    "UNCERTAINTY_TOO_HIGH and DEPTH_OUT_OF_RANGE only" },
	{ ONE("builtin", "{\"check\":\"DATE_BEFORE_MIN\",\"earliest\":"
	    "\"2001-13\"}"),
	    "t.json: expectations[0] (builtin): earliest: '2001-13': month 13 "
	    "out of range" },
	{ ONE("builtin", "{\"check\":\"DUPLICATE_RECORD\",\"decimals\":16}"),
	    "t.json: expectations[0] (builtin): decimals: expected 0 to 15" },
	{ ONE("builtin", "{\"check\":5}"),
	    "t.json: expectations[0] (builtin): check: expected a string, "
	    "got a number" },
	{ ONE("builtin", "{\"check\":null}"),
	    "t.json: expectations[0] (builtin): check: expected a string, "
	    "got null" },
	{ ONE("builtin", "{\"check\":\"UNCERTAINTY_TOO_HIGH\","
	    "\"max_meters\":-1}"),
	    "t.json: expectations[0] (builtin): max_meters: expected a "
	    "number >= 0" },
	{ ONE("builtin", "{\"check\":\"NO_COORD\",\"earliest\":\"2001\"}"),
	    "t.json: expectations[0] (builtin): earliest applies to "
	    "DATE_BEFORE_MIN only" },
	{ ONE("builtin", "{\"check\":\"DATE_BEFORE_MIN\",\"earliest\":"
	    "2001}"),
	    "t.json: expectations[0] (builtin): earliest: expected an ISO "
	    "8601 date, got a number" },
	{ ONE("builtin", "{\"check\":\"NO_COORD\",\"decimals\":2}"),
	    "t.json: expectations[0] (builtin): decimals applies to "
	    "DUPLICATE_RECORD only" },
	{ ONE("expect_column_values_to_be_of_type",
	    "{\"column\":\"a\",\"type_\":[\"int\"]}"),
	    "t.json: expectations[0] (expect_column_values_to_be_of_type): "
	    "type_: expected a string, got an array" },
};

struct want {
	const char	*type, *column;
	unsigned long long evaluated, missing, unexpected;
	double		 pass;
	int		 success;
};

/* Worked out by hand from rules-sample.jsonl (records r1..r5). */
static const struct want wants[] = {
	/* r3 has no occurrenceID */
	{ "expect_column_to_exist", "occurrenceID", 5, 0, 1, 0.8, 0 },
	/* r2 null; mostly 0.5 */
	{ "expect_column_values_to_not_be_null", "scientificName", 5, 0, 1,
	    0.8, 1 },
	/* r2 "95" above, r3 "abc" not a number, r5 null */
	{ "expect_column_values_to_be_between", "decimalLatitude", 5, 1, 2,
	    0.5, 0 },
	/* r2 0 not above 0 (strict), r3 r5 missing, r4 1.5 passes */
	{ "expect_column_values_to_be_between", "individualCount", 5, 2, 1,
	    2.0 / 3, 0 },
	/* r2 Occurrence, r3 r5 missing */
	{ "expect_column_values_to_be_in_set", "basisOfRecord", 5, 2, 1,
	    2.0 / 3, 0 },
	/* r2 has a time, r3 a number; mostly 0.6 */
	{ "expect_column_values_to_match_regex", "eventDate", 5, 1, 2, 0.5,
	    0 },
	/* r4 repeats "a", r3 missing */
	{ "expect_column_values_to_be_unique", "occurrenceID", 5, 1, 1, 0.75,
	    0 },
	/* r2 "2001", r4 1999.0 (a real); r3 absent, r5 null */
	{ "expect_column_values_to_be_of_type", "year", 5, 2, 2, 1.0 / 3,
	    0 },
	/* r2 "NOR"; r3 "é€" is two characters */
	{ "expect_column_value_lengths_to_be_between", "countryCode", 5, 1, 1,
	    0.75, 0 },
};

static const char *const want_findings[] = {
	/* r1 */ "",
	/* r2 */ "0|scientificName: value is null or missing;"
	    "1|decimalLatitude: value 95 is above max_value 90;"
	    "1|individualCount: value 0 is not above min_value 0;"
	    "1|basisOfRecord: value is not in value_set;"
	    "0|eventDate: value does not match regex "
	    "'^[0-9]{4}(-[0-9]{2}){0,2}$';"
	    "1|year: expected type int, got a string;"
	    "1|countryCode: length 3 is above max_value 2;",
	/* r3 */ "1|occurrenceID: column is missing;"
	    "1|decimalLatitude: expected a number, got a string;"
	    "0|eventDate: expected a string, got a number;",
	/* r4 */ "1|occurrenceID: value seen in an earlier record;"
	    "1|year: expected type int, got a number;",
	/* r5 */ "",
};

/* Type checks of each kind, uniqueness of non-string values, lengths */
static void
test_types_unique(void)
{
	static const char suite[] = "{\"expectations\":["
	    "{\"expectation_type\":\"expect_column_values_to_be_of_type\","
	    "\"kwargs\":{\"column\":\"f\",\"type_\":\"float64\"}},"
	    "{\"expectation_type\":\"expect_column_values_to_be_of_type\","
	    "\"kwargs\":{\"column\":\"s\",\"type_\":\"str\"}},"
	    "{\"expectation_type\":\"expect_column_values_to_be_of_type\","
	    "\"kwargs\":{\"column\":\"b\",\"type_\":\"bool\"}},"
	    "{\"expectation_type\":\"expect_column_values_to_be_of_type\","
	    "\"kwargs\":{\"column\":\"d\",\"type_\":\"dict\"}},"
	    "{\"expectation_type\":\"expect_column_values_to_be_of_type\","
	    "\"kwargs\":{\"column\":\"l\",\"type_\":\"list\"}},"
	    "{\"expectation_type\":\"expect_column_values_to_be_unique\","
	    "\"kwargs\":{\"column\":\"u\"}},"
	    "{\"expectation_type\":"
	    "\"expect_column_value_lengths_to_be_between\","
	    "\"kwargs\":{\"column\":\"n\",\"max_value\":3}}]}";
	/* per record, the findings worked out by hand */
	static const struct {
		const char *rec;
		size_t n;
	} recs[] = {
		/* all of the right type; u 5 first seen; n "abc" 3 long */
		{ "{\"f\":1.5,\"s\":\"x\",\"b\":true,\"d\":{},\"l\":[],"
		  "\"u\":5,\"n\":\"abc\"}", 0 },
		/* s, d, l wrong; u "5" differs from 5; n a number */
		{ "{\"f\":2,\"s\":2,\"b\":false,\"d\":[],\"l\":{},"
		  "\"u\":\"5\",\"n\":7}", 4 },
		/* f a string; u 5 again; n 4 characters (3 of them é) */
		{ "{\"f\":\"1\",\"u\":5,\"n\":\"a\xc3\xa9\xc3\xa9\xc3\xa9\"}",
		  3 },
		/* u {"a":1} and then the same object, keys reordered */
		{ "{\"u\":{\"a\":1,\"b\":2}}", 0 },
		{ "{\"u\":{\"b\":2,\"a\":1}}", 1 }
	};
	struct mare_findings f;
	struct mare_rules *r;
	struct mare_err err;
	size_t i;

	mare_err_init(&err);
	r = mare_rules_load_buffer(suite, strlen(suite), "t.json", &err);
	ok(r != NULL, "rules: a suite of types, unique and lengths loads "
	    "(%s)", err.msg);
	if (r == NULL)
		return;
	mare_findings_init(&f);
	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		json_t *rec = json_loads(recs[i].rec, 0, NULL);

		mare_findings_clear(&f);
		is_int(mare_rules_eval(r, rec, &f, &err), (long long)recs[i].n,
		    "rules: record %zu has %zu findings", i + 1, recs[i].n);
		json_decref(rec);
	}
	mare_findings_release(&f);
	mare_rules_free(r);
}

int
main(void)
{
	struct mare_rules *r;
	struct mare_err err;
	struct mare_findings f;
	struct mare_checks_opts o;
	struct mare_rule_stats st;
	char *line = NULL, got[2048], want[700], ebuf[200];
	size_t cap = 0, i, n;
	regex_t re;
	int lineno = 0, rc;
	FILE *fp;

	/* Loading the suite with every type. */
	mare_err_init(&err);
	r = mare_rules_load(data("rules-every-type.json"), &err);
	if (!ok(r != NULL, "rules: rules-every-type.json loads")) {
		diag("%s", mare_err_format(&err, got, sizeof(got)));
		return tap_done();
	}
	is_str(mare_rules_sha256(r),
	    "9d986a998c9634c5f818260194ea4168441dfe6fad80db8d169766530eaaa7be",
	    "rules: SHA-256 of the file");
	is_int((long long)mare_rules_count(r), 9,
	    "rules: 9 expectations besides the 5 builtin entries");

	/* Built-in configuration. */
	mare_checks_opts_init(&o, 0);
	mare_rules_configure(r, &o);
	n = 0;
	for (i = 0; i < MARE_CHECK_COUNT; i++)
		n += o.enabled[i];
	is_int((long long)n, 4, "rules: builtins none + 4 enabled entries");
	ok(o.enabled[MARE_CHECK_LOW_PRECISION] &&
	    o.enabled[MARE_CHECK_DEPTH_OUT_OF_RANGE] &&
	    o.enabled[MARE_CHECK_DATE_BEFORE_MIN] &&
	    o.enabled[MARE_CHECK_DUPLICATE_RECORD] &&
	    !o.enabled[MARE_CHECK_ZERO_COORD] && !o.enabled[MARE_CHECK_NO_COORD],
	    "rules: the right built-in checks are on");
	is_int(o.min_decimals, 2, "rules: min_decimals 2");
	is_double(o.max_depth_m, 8000, 0, "rules: max_meters 8000 for depth "
	    "(through the alias DEPTH_IMPLAUSIBLE)");
	is_double(o.max_uncertainty_m, 100000, 0, "rules: uncertainty limit "
	    "untouched");
	is_int(o.earliest, -2208988800LL, "rules: earliest 1900-01-01");
	is_int(o.dup_decimals, 2, "rules: duplicate decimals 2");

	/* Evaluation over the sample. */
	mare_findings_init(&f);
	fp = fopen(data("rules-sample.jsonl"), "r");
	ok(fp != NULL, "rules: open rules-sample.jsonl");
	while (fp != NULL && getline(&line, &cap, fp) > 0) {
		json_t *rec = json_loads(line, 0, NULL);

		mare_findings_clear(&f);
		rc = mare_rules_eval(r, rec, &f, &err);
		is_int(rc, (long long)f.n, "rules: record %d: eval returns the "
		    "number of findings", lineno + 1);
		got[0] = '\0';
		for (i = 0, n = 0; i < f.n; i++)
			n += (size_t)snprintf(got + n, sizeof(got) - n,
			    "%d|%s;", f.v[i].reject, f.v[i].message);
		if (lineno < 5)
			is_str(got, want_findings[lineno], "rules: record %d "
			    "findings", lineno + 1);
		for (i = 0; i < f.n; i++)
			if (f.v[i].field == NULL || strncmp(f.v[i].message,
			    f.v[i].field, strlen(f.v[i].field)) != 0)
				ok(0, "rules: finding field names the column");
		json_decref(rec);
		lineno++;
	}
	if (fp != NULL)
		fclose(fp);
	free(line);
	is_int(lineno, 5, "rules: 5 sample records");
	for (i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
		ok(mare_rules_stats(r, i, &st) == 0, "rules: stats %zu", i);
		is_str(st.type, wants[i].type, "rules: %zu type", i);
		is_str(st.column, wants[i].column, "rules: %zu column", i);
		is_int((long long)st.index, (long long)i, "rules: %zu index",
		    i);
		is_int((long long)st.evaluated, (long long)wants[i].evaluated,
		    "rules: %zu %s evaluated", i, wants[i].type);
		is_int((long long)st.missing, (long long)wants[i].missing,
		    "rules: %zu %s missing", i, wants[i].type);
		is_int((long long)st.unexpected, (long long)wants[i].unexpected,
		    "rules: %zu %s unexpected", i, wants[i].type);
		is_double(st.pass_fraction, wants[i].pass, 1e-12,
		    "rules: %zu %s pass fraction", i, wants[i].type);
		is_int(st.success, wants[i].success, "rules: %zu %s success",
		    i, wants[i].type);
	}
	is_int(mare_rules_stats(r, 9, &st), -1, "rules: stats out of range");
	is_int(mare_rules_success(r), 0, "rules: the suite fails");
	mare_findings_clear(&f);
	{
		json_t *arr = json_array();

		is_int(mare_rules_eval(r, arr, &f, &err), -1,
		    "rules: a non-object record is refused");
		json_decref(arr);
	}
	mare_rules_free(r);

	/* mostly decides: 3 of 4 non-null values pass, mostly 0.75. */
	{
		static const char suite[] = "{\"expectations\":[{"
		    "\"expectation_type\":\"expect_column_values_to_be_in_set\","
		    "\"kwargs\":{\"column\":\"v\",\"value_set\":[1,\"x\",true,"
		    "null],\"mostly\":0.75}}]}";
		static const char *const recs[] = {
			"{\"v\":1.0}", "{\"v\":\"x\"}", "{\"v\":true}",
			"{\"v\":\"1\"}", "{\"v\":null}", "{}"
		};

		mare_err_init(&err);
		r = mare_rules_load_buffer(suite, strlen(suite), "m.json",
		    &err);
		ok(r != NULL, "rules: in-memory suite loads");
		n = 0;
		for (i = 0; r != NULL && i < 6; i++) {
			json_t *rec = json_loads(recs[i], 0, NULL);

			mare_findings_clear(&f);
			mare_rules_eval(r, rec, &f, &err);
			n += f.n;
			if (f.n > 0)
				is_int(f.v[0].reject, 0, "rules: mostly < 1 "
				    "findings do not reject");
			json_decref(rec);
		}
		is_int((long long)n, 1, "rules: only \"1\" is outside "
		    "[1, \"x\", true, null] (1.0 equals 1)");
		mare_rules_stats(r, 0, &st);
		is_double(st.pass_fraction, 0.75, 0, "rules: pass fraction "
		    "3/4");
		is_int(st.success, 1, "rules: 0.75 >= mostly 0.75 succeeds");
		is_int(mare_rules_success(r), 1, "rules: suite succeeds");
		mare_rules_free(r);
	}
	mare_findings_release(&f);

	/* An empty suite succeeds; a GE 1.x "type" key is accepted. */
	is_str(load_error("{\"expectations\":[]}"), "", "rules: empty suite");
	is_str(load_error("{\"name\":\"s\",\"expectations\":[{\"type\":"
	    "\"expect_column_to_exist\",\"kwargs\":{\"column\":\"a\"},"
	    "\"id\":\"x\"}]}"), "", "rules: GE 1.x shape");

	/* Load errors. */
	for (i = 0; i < sizeof(loaderrs) / sizeof(loaderrs[0]); i++)
		is_str(load_error(loaderrs[i].text), loaderrs[i].msg,
		    "rules: load error %zu", i);
	rc = regcomp(&re, "([", REG_EXTENDED | REG_NOSUB);
	regerror(rc, &re, ebuf, sizeof(ebuf));
	regfree(&re);
	snprintf(want, sizeof(want), "t.json: expectations[0] "
	    "(expect_column_values_to_match_regex): bad regex '([': %s", ebuf);
	is_str(load_error(ONE("expect_column_values_to_match_regex",
	    "{\"column\":\"a\",\"regex\":\"([\"}")), want,
	    "rules: bad regex gives regerror's text");

	/* found by fuzz-rules: 100 bytes of nested repeats took > 2 GB */
	is_str(load_error(ONE("expect_column_values_to_match_regex",
	    "{\"column\":\"a\",\"regex\":\"^[0-9]{4}(-[0-9]{2}){0,2}"
	    "++++++++++++++++++++++++++++++++++++++++$\"}")),
	    "t.json: expectations[0] (expect_column_values_to_match_regex): "
	    "regex: too complex (nested repeats over 100000 copies)",
	    "rules: a regex of stacked repeats is refused before regcomp");
	is_str(load_error(ONE("expect_column_values_to_match_regex",
	    "{\"column\":\"a\",\"regex\":\"((a{99}){99}){99}\"}")),
	    "t.json: expectations[0] (expect_column_values_to_match_regex): "
	    "regex: too complex (nested repeats over 100000 copies)",
	    "rules: nested bounded repeats are refused");
	is_str(load_error(ONE("expect_column_values_to_match_regex",
	    "{\"column\":\"a\",\"regex\":\"^[A-Z]{2}(-[A-Z0-9]{1,3})?$|"
	    "^urn:lsid:[a-z.]+:[0-9]+(:[0-9]+)*$|[[:alpha:]]{0,255}\"}")),
	    "", "rules: ordinary regexes with bounds and classes still load");

	/* found by fuzz-rules: an empty kwargs key looped forever */
	is_str(load_error(ONE("expect_column_to_exist",
	    "{\"column\":\"a\",\"\":1}")),
	    "t.json: expectations[0] (expect_column_to_exist): "
	    "unknown parameter ''", "rules: an empty parameter name is "
	    "refused, not a hang");

	mare_err_init(&err);
	ok(mare_rules_load(data("no-such-rules.json"), &err) == NULL &&
	    err.code == MARE_E_NOINPUT, "rules: a missing file is "
	    "MARE_E_NOINPUT");
	test_types_unique();
	return tap_done();
}
