/*
 * test-checks.c - built-in occurrence checks
 *
 * tests/data/validate/one-per-check.jsonl holds hand-made records, each
 * with the list of findings it must give ("_expect", in the order the
 * checks run): one that trips each check and one that must not. The real
 * GBIF and OBIS records (tests/data/validate/README.md) are compared with
 * counts computed independently with jq; the jq expressions are in that
 * README.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "date.h"
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

/* 2025-06-01T00:00:00Z */
static int64_t
fixed_now(void)
{
	return mare_date_days_from_civil(2025, 6, 1) * 86400;
}

/*
 * Run the checks over a JSONL file. counts[id] is the number of records
 * with at least one finding of check id; with expect, each record's
 * findings are compared with its "_expect" list. Returns records read.
 */
static int
run_file(const char *name, const struct mare_checks_opts *o,
    long *counts, int expect)
{
	struct mare_err err;
	struct mare_checks *c;
	struct mare_findings f;
	json_error_t jerr;
	char *line = NULL, got[512], want[512];
	size_t cap = 0, i;
	int lineno = 0, seen[MARE_CHECK_COUNT], id;
	FILE *fp;

	memset(counts, 0, sizeof(long) * MARE_CHECK_COUNT);
	if ((fp = fopen(data(name), "r")) == NULL) {
		ok(0, "checks: open %s", path);
		return -1;
	}
	mare_err_init(&err);
	c = mare_checks_new(o, &err);
	mare_findings_init(&f);
	while (getline(&line, &cap, fp) > 0) {
		json_t *rec = json_loads(line, 0, &jerr), *e, *x;

		lineno++;
		if (rec == NULL) {
			ok(0, "checks: %s:%d parses: %s", name, lineno,
			    jerr.text);
			continue;
		}
		mare_findings_clear(&f);
		if (mare_checks_run(c, rec, &f, &err) < 0)
			ok(0, "checks: %s:%d runs: %s", name, lineno,
			    err.msg);
		memset(seen, 0, sizeof(seen));
		got[0] = '\0';
		for (i = 0; i < f.n; i++) {
			id = mare_check_lookup(f.v[i].rule);
			if (id >= 0)
				seen[id] = 1;
			if (i > 0)
				strcat(got, ",");	/* bounded: few findings */
			strncat(got, f.v[i].rule, sizeof(got) - strlen(got) - 1);
		}
		for (id = 0; id < MARE_CHECK_COUNT; id++)
			counts[id] += seen[id];
		if (expect) {
			want[0] = '\0';
			e = json_object_get(rec, "_expect");
			json_array_foreach(e, i, x) {
				if (i > 0)
					strcat(want, ",");
				strncat(want, json_string_value(x),
				    sizeof(want) - strlen(want) - 1);
			}
			is_str(got, want, "checks: %s:%d (%s) gives [%s]", name,
			    lineno, json_string_value(json_object_get(rec,
			    "occurrenceID")), want);
		}
		json_decref(rec);
	}
	free(line);
	fclose(fp);
	mare_findings_release(&f);
	mare_checks_free(c);
	return lineno;
}

/* Findings of one record given as JSON text, joined "RULE|field|msg;". */
static const char *
one(struct mare_checks *c, const char *text)
{
	static char buf[2048];
	struct mare_findings f;
	struct mare_err err;
	json_t *rec = json_loads(text, 0, NULL);
	size_t i, n = 0;

	mare_err_init(&err);
	mare_findings_init(&f);
	buf[0] = '\0';
	if (rec == NULL || mare_checks_run(c, rec, &f, &err) < 0)
		snprintf(buf, sizeof(buf), "error: %s", err.msg);
	for (i = 0; i < f.n && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s|%s|%s;",
		    f.v[i].rule, f.v[i].field ? f.v[i].field : "-",
		    f.v[i].message);
	json_decref(rec);
	mare_findings_release(&f);
	return buf;
}

/* Only check name on: the findings of one record */
static const char *
only(const char *name, const char *text)
{
	struct mare_checks_opts o;
	struct mare_checks *c;
	struct mare_err err;
	const char *got;
	int id;

	mare_checks_opts_init(&o, fixed_now());
	for (id = 0; id < MARE_CHECK_COUNT; id++)
		mare_checks_enable(&o, mare_check_name(id), 0, NULL);
	mare_checks_enable(&o, name, 1, NULL);
	mare_err_init(&err);
	c = mare_checks_new(&o, &err);
	got = one(c, text);
	mare_checks_free(c);
	return got;
}

/* How a value of each JSON kind is shown in a finding */
static void
test_describe(void)
{
	is_str(only("DATE_INVALID", "{\"eventDate\": false}"),
	    "DATE_INVALID|eventDate|eventDate: expected a string, got false;",
	    "checks: false is shown as false");
	is_str(only("DATE_INVALID", "{\"eventDate\": {}}"),
	    "DATE_INVALID|eventDate|eventDate: expected a string, got an "
	    "object;", "checks: an object is 'an object'");
	is_str(only("DATE_INVALID", "{\"eventDate\": [1]}"),
	    "DATE_INVALID|eventDate|eventDate: expected a string, got an "
	    "array;", "checks: an array is 'an array'");
	is_str(only("DATE_INVALID", "{\"eventDate\": 2.5}"),
	    "DATE_INVALID|eventDate|eventDate: expected a string, got 2.5;",
	    "checks: a real is its shortest form");
	/* 1e300 is too large for %f: the shortest %g that reads back */
	is_str(only("BASIS_OF_RECORD_INVALID", "{\"basisOfRecord\": 1e300}"),
	    "BASIS_OF_RECORD_INVALID|basisOfRecord|basisOfRecord: expected "
	    "a string, got 1e+300;", "checks: 1e300 is shown as 1e+300");
	is_str(only("COORD_NOT_NUMERIC", "{\"decimalLatitude\": true, "
	    "\"decimalLongitude\": 3}"), "COORD_NOT_NUMERIC|decimalLatitude|"
	    "decimalLatitude: expected a number, got true;",
	    "checks: true as a latitude");
	is_str(only("NUMBER_INVALID", "{\"coordinateUncertaintyInMeters\": "
	    "[]}"), "NUMBER_INVALID|coordinateUncertaintyInMeters|"
	    "coordinateUncertaintyInMeters: expected a number, got an array;",
	    "checks: an array as the uncertainty");
}

int
main(void)
{
	struct mare_checks_opts o;
	struct mare_checks *c;
	struct mare_err err;
	struct mare_keyset *ks;
	long counts[MARE_CHECK_COUNT];
	int n, id, all_zero;
	char key[32];
	json_t *v;

	/* Names */
	for (id = 0; id < MARE_CHECK_COUNT; id++)
		is_int(mare_check_lookup(mare_check_name(id)), id,
		    "checks: name %s looks up to itself", mare_check_name(id));
	is_int(mare_check_lookup("DATE_TOO_EARLY"), MARE_CHECK_DATE_BEFORE_MIN,
	    "checks: DATE_TOO_EARLY is an alias of DATE_BEFORE_MIN");
	is_int(mare_check_lookup("DEPTH_IMPLAUSIBLE"),
	    MARE_CHECK_DEPTH_OUT_OF_RANGE,
	    "checks: DEPTH_IMPLAUSIBLE is an alias of DEPTH_OUT_OF_RANGE");
	is_int(mare_check_lookup("no_coord"), -1, "checks: names are "
	    "case-sensitive");
	ok(mare_check_name(MARE_CHECK_COUNT) == NULL, "checks: id out of "
	    "range has no name");

	/* One record per check, both ways. */
	mare_checks_opts_init(&o, fixed_now());
	n = run_file("one-per-check.jsonl", &o, counts, 1);
	is_int(n, 49, "checks: one-per-check.jsonl has 49 records");

	/* Every check off: nothing found. */
	for (id = 0; id < MARE_CHECK_COUNT; id++)
		mare_checks_enable(&o, mare_check_name(id), 0, NULL);
	run_file("one-per-check.jsonl", &o, counts, 0);
	all_zero = 1;
	for (id = 0; id < MARE_CHECK_COUNT; id++)
		all_zero &= counts[id] == 0;
	ok(all_zero, "checks: with every check off nothing is found");

	/* One check off: only it goes quiet. */
	mare_checks_opts_init(&o, fixed_now());
	mare_err_init(&err);
	is_int(mare_checks_enable(&o, "ZERO_COORD", 0, &err), 0,
	    "checks: ZERO_COORD can be switched off");
	is_int(mare_checks_enable(&o, "NO_SUCH", 0, &err), -1,
	    "checks: an unknown check cannot");
	is_int(err.code, MARE_E_USAGE, "checks: unknown check is a usage "
	    "error");
	is_str(err.msg, "unknown check 'NO_SUCH'", "checks: unknown check "
	    "message");
	run_file("one-per-check.jsonl", &o, counts, 0);
	is_int(counts[MARE_CHECK_ZERO_COORD], 0, "checks: ZERO_COORD off");
	is_int(counts[MARE_CHECK_ZERO_LAT], 1, "checks: ZERO_LAT still on");
	is_int(counts[MARE_CHECK_NO_COORD], 3, "checks: NO_COORD on 3 records");
	is_int(counts[MARE_CHECK_DUPLICATE_RECORD], 3,
	    "checks: 3 duplicate records");

	/* Messages and fields. */
	mare_checks_opts_init(&o, fixed_now());
	o.min_decimals = 2;
	o.earliest = mare_date_days_from_civil(1700, 1, 1) * 86400;
	c = mare_checks_new(&o, NULL);
	is_str(one(c, "{}"), "NO_COORD|decimalLatitude|decimalLatitude is "
	    "missing;NO_COORD|decimalLongitude|decimalLongitude is missing;",
	    "checks: an empty record lacks both coordinates");
	is_str(one(c, "{\"decimalLongitude\":1.5}"),
	    "NO_COORD|decimalLatitude|decimalLatitude is missing;",
	    "checks: NO_COORD message");
	mare_checks_free(c);
	mare_checks_enable(&o, "NO_COORD", 0, NULL);
	c = mare_checks_new(&o, NULL);
	is_str(one(c, "{\"decimalLatitude\":\"abc\",\"decimalLongitude\":1.5}"),
	    "COORD_NOT_NUMERIC|decimalLatitude|decimalLatitude: expected a "
	    "number, got \"abc\";", "checks: COORD_NOT_NUMERIC message");
	is_str(one(c, "{\"decimalLatitude\":[1],\"decimalLongitude\":1.5}"),
	    "COORD_NOT_NUMERIC|decimalLatitude|decimalLatitude: expected a "
	    "number, got an array;", "checks: an array is not a number");
	is_str(one(c, "{\"decimalLatitude\":-123.25,\"decimalLongitude\":"
	    "\"45.125\"}"),
	    "LAT_OUT_OF_RANGE|decimalLatitude|decimalLatitude -123.25 is "
	    "outside [-90, 90];COORD_SWAPPED|-|decimalLatitude -123.25 and "
	    "decimalLongitude 45.125 look swapped;",
	    "checks: swapped coordinates");
	is_str(one(c, "{\"decimalLatitude\":12.5,\"decimalLongitude\":45.1}"),
	    "LOW_PRECISION|-|coordinates (12.5, 45.1) have fewer than 2 "
	    "decimal places;", "checks: LOW_PRECISION threshold 2");
	is_str(one(c, "{\"decimalLatitude\":12.5,\"decimalLongitude\":45.12}"),
	    "", "checks: LOW_PRECISION passes with 2 decimals on one axis");
	is_str(one(c, "{\"eventDate\":\"2001-02-29\"}"),
	    "DATE_INVALID|eventDate|eventDate '2001-02-29' is not ISO 8601: "
	    "day 29 out of range for 2001-02;", "checks: DATE_INVALID message");
	is_str(one(c, "{\"eventDate\":\"1650\"}"),
	    "DATE_BEFORE_MIN|eventDate|eventDate '1650' is before 1700-01-01;",
	    "checks: DATE_BEFORE_MIN with a set limit");
	is_str(one(c, "{\"eventDate\":\"2025-06-01T00:00:01Z\"}"),
	    "DATE_IN_FUTURE|eventDate|eventDate '2025-06-01T00:00:01Z' is in "
	    "the future;", "checks: one second after now is the future");
	is_str(one(c, "{\"eventDate\":\"2025-06-01T00:00:00Z\"}"), "",
	    "checks: now itself is not the future");
	is_str(one(c, "{\"minimumDepthInMeters\":-1,\"maximumDepthInMeters\":"
	    "-2}"),
	    "DEPTH_NEGATIVE|minimumDepthInMeters|minimumDepthInMeters -1 is "
	    "negative;DEPTH_NEGATIVE|maximumDepthInMeters|maximumDepthInMeters"
	    " -2 is negative;MIN_DEPTH_EXCEEDS_MAX|-|minimumDepthInMeters -1 "
	    "exceeds maximumDepthInMeters -2;", "checks: depth messages");
	is_str(one(c, "{\"depth\":11000.5}"),
	    "DEPTH_OUT_OF_RANGE|depth|depth 11000.5 is above 11000;",
	    "checks: DEPTH_OUT_OF_RANGE message");
	is_str(one(c, "{\"coordinateUncertaintyInMeters\":\"1e6\"}"),
	    "UNCERTAINTY_TOO_HIGH|coordinateUncertaintyInMeters|"
	    "coordinateUncertaintyInMeters 1000000 is above 100000;",
	    "checks: uncertainty as a numeric string with exponent");
	is_str(one(c, "{\"basisOfRecord\":5}"),
	    "BASIS_OF_RECORD_INVALID|basisOfRecord|basisOfRecord: expected a "
	    "string, got 5;", "checks: basisOfRecord not a string");
	is_str(one(c, "{\"basisOfRecord\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\"}"),
	    "BASIS_OF_RECORD_INVALID|basisOfRecord|basisOfRecord '\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9...' is not a Darwin Core "
	    "class;", "checks: a long value is cut at 60 bytes on a character "
	    "boundary");
	is_str(one(c, "[1]"), "error: checks: record is not a JSON object",
	    "checks: a non-object is an internal error");
	mare_checks_free(c);

	o.dup_decimals = 16;
	mare_err_init(&err);
	ok(mare_checks_new(&o, &err) == NULL && err.code == MARE_E_USAGE,
	    "checks: dup_decimals 16 is refused");

	/* Value helpers. */
	{
		static const struct {
			const char *json;
			int r, dec;
		} vals[] = {
			{ "12", 1, 0 }, { "12.5", 1, 1 }, { "12.0", 1, 0 },
			{ "0.1", 1, 1 }, { "1e-05", 1, 5 },
			{ "\"12.50\"", 1, 2 }, { "\"-7\"", 1, 0 },
			{ "\"+.5\"", 1, 1 }, { "\"1.25e-2\"", 1, 4 },
			{ "\"1e3\"", 1, 0 }, { "\"\"", 0, -1 },
			{ "null", 0, -1 }, { "\"nan\"", -1, -1 },
			{ "\"inf\"", -1, -1 }, { "\"1e999\"", -1, 0 },
			{ "\" 1\"", -1, -1 }, { "\"1 \"", -1, -1 },
			{ "\"0x10\"", -1, -1 }, { "\".\"", -1, -1 },
			{ "\"1e\"", -1, -1 }, { "true", -1, -1 },
			{ "{}", -1, -1 },
		};
		size_t i;
		double x;

		for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
			v = json_loads(vals[i].json, JSON_DECODE_ANY, NULL);
			is_int(mare_checks_number(v, &x), vals[i].r,
			    "checks: %s is numeric %d", vals[i].json,
			    vals[i].r);
			is_int(mare_checks_decimals(v), vals[i].dec,
			    "checks: %s has %d decimals", vals[i].json,
			    vals[i].dec);
			json_decref(v);
		}
		is_int(mare_checks_number(NULL, &x), 0, "checks: absent is "
		    "missing");
	}

	/* The hash set grows and keeps every key. */
	ks = mare_keyset_new(NULL);
	for (n = 0; n < 100000; n++) {
		snprintf(key, sizeof(key), "k%d", n);
		if (mare_keyset_add(ks, key, strlen(key), NULL) != 1)
			break;
	}
	is_int(n, 100000, "keyset: 100000 distinct keys are new");
	for (n = 0; n < 100000; n++) {
		snprintf(key, sizeof(key), "k%d", n);
		if (mare_keyset_add(ks, key, strlen(key), NULL) != 0)
			break;
	}
	is_int(n, 100000, "keyset: and all are found again");
	is_int((long long)mare_keyset_count(ks), 100000, "keyset: count");
	is_int(mare_keyset_add(ks, "", 0, NULL), 1, "keyset: the empty key");
	mare_keyset_free(ks);

	/*
	 * Real records: counts from jq (tests/data/validate/README.md).
	 * now = 2026-01-01, after both recordings.
	 */
	mare_checks_opts_init(&o, mare_date_days_from_civil(2026, 1, 1) *
	    86400);
	is_int(run_file("obis-no-filter-100.jsonl", &o, counts, 0), 100,
	    "real: OBIS file has 100 records");
	is_int(counts[MARE_CHECK_NO_COORD], 0, "real: OBIS NO_COORD 0");
	is_int(counts[MARE_CHECK_ZERO_COORD], 0, "real: OBIS ZERO_COORD 0");
	is_int(counts[MARE_CHECK_LAT_OUT_OF_RANGE], 0,
	    "real: OBIS LAT_OUT_OF_RANGE 0");
	is_int(counts[MARE_CHECK_BASIS_OF_RECORD_INVALID], 0,
	    "real: OBIS BASIS_OF_RECORD_INVALID 0");
	is_int(counts[MARE_CHECK_DATE_INVALID], 7, "real: OBIS DATE_INVALID 7");
	is_int(counts[MARE_CHECK_DUPLICATE_ID], 0, "real: OBIS DUPLICATE_ID 0");
	is_int(counts[MARE_CHECK_DUPLICATE_RECORD], 0,
	    "real: OBIS DUPLICATE_RECORD 0");
	is_int(counts[MARE_CHECK_UNCERTAINTY_TOO_HIGH], 0,
	    "real: OBIS UNCERTAINTY_TOO_HIGH 0");
	is_int(counts[MARE_CHECK_MIN_DEPTH_EXCEEDS_MAX], 0,
	    "real: OBIS MIN_DEPTH_EXCEEDS_MAX 0");
	is_int(counts[MARE_CHECK_DEPTH_NEGATIVE], 0,
	    "real: OBIS DEPTH_NEGATIVE 0");
	is_int(counts[MARE_CHECK_LOW_PRECISION], 0,
	    "real: OBIS LOW_PRECISION 0");

	is_int(run_file("gbif-encelia-250.jsonl", &o, counts, 0), 250,
	    "real: GBIF file has 250 records");
	is_int(counts[MARE_CHECK_NO_COORD], 0, "real: GBIF NO_COORD 0");
	is_int(counts[MARE_CHECK_ZERO_COORD], 0, "real: GBIF ZERO_COORD 0");
	is_int(counts[MARE_CHECK_LAT_OUT_OF_RANGE], 0,
	    "real: GBIF LAT_OUT_OF_RANGE 0");
	is_int(counts[MARE_CHECK_BASIS_OF_RECORD_INVALID], 0,
	    "real: GBIF BASIS_OF_RECORD_INVALID 0 (GBIF's enum names)");
	is_int(counts[MARE_CHECK_DATE_INVALID], 0, "real: GBIF DATE_INVALID 0");
	is_int(counts[MARE_CHECK_DUPLICATE_ID], 0, "real: GBIF DUPLICATE_ID 0");
	is_int(counts[MARE_CHECK_DUPLICATE_RECORD], 0,
	    "real: GBIF DUPLICATE_RECORD 0");

	is_int(run_file("gbif-accipiter-nocoord-5.jsonl", &o, counts, 0), 5,
	    "real: GBIF hasCoordinate=FALSE file has 5 records");
	is_int(counts[MARE_CHECK_NO_COORD], 5, "real: GBIF NO_COORD 5");
	is_int(counts[MARE_CHECK_DATE_INVALID], 0,
	    "real: GBIF no-coordinate DATE_INVALID 0");
	test_describe();
	return tap_done();
}
