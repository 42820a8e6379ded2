/*
 * test-record.c - unit tests of lib/record.c: the term table, values that
 * become numbers or stay strings, rejects and --drop-personal
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "record.h"
#include "tap.h"

static void
test_terms(void)
{
	is_str(mare_record_term_name("decimallatitude"), "decimalLatitude",
	    "record: short names are found without regard to case");
	is_str(mare_record_term_name(
	    "http://rs.tdwg.org/dwc/terms/scientificName"), "scientificName",
	    "record: a Darwin Core URI gives its short name");
	is_str(mare_record_term_name("http://purl.org/dc/terms/license"),
	    "license", "record: a dcterms URI gives its short name");
	is_str(mare_record_term_name("http://rs.obis.org/obis/terms/"
	    "measurementTypeID"), "measurementTypeID",
	    "record: the old OBIS namespace is known");
	ok(mare_record_term_name("http://rs.tdwg.org/dwc/terms/nope") == NULL,
	    "record: an unknown term in a known namespace is unknown");
	ok(mare_record_term_name("sname") == NULL,
	    "record: an old OBIS column name is not a term");
	is_str(mare_record_term_uri("rightsHolder"),
	    "http://purl.org/dc/terms/rightsHolder",
	    "record: rightsHolder is a dcterms term");
	is_str(mare_record_term_uri("decimalLongitude"),
	    "http://rs.tdwg.org/dwc/terms/decimalLongitude",
	    "record: decimalLongitude URI");
	is_str(mare_record_term_uri("depth"), "http://rs.gbif.org/terms/1.0/"
	    "depth", "record: GBIF's depth keeps its name");
	is_str(mare_record_term_key("http://example.org/x/terms/seaTemp"),
	    "seaTemp", "record: an unknown URI is keyed by its last segment");
	is_int(mare_record_term_numeric("year"), 1, "record: year is numeric");
	is_int(mare_record_term_numeric("eventDate"), 0,
	    "record: eventDate is not numeric");
}

static void
test_values(void)
{
	struct mare_err err;
	json_t *r = mare_record_new("csv"), *v;
	char *s;

	mare_err_init(&err);
	mare_record_set(r, "decimalLatitude", "56.25", &err);
	mare_record_set(r, "year", "1985", &err);
	mare_record_set(r, "depth", "-1e2", &err);
	mare_record_set(r, "decimalLongitude", "abc", &err);
	mare_record_set(r, "day", "NaN", &err);
	mare_record_set(r, "month", " 5", &err);
	mare_record_set(r, "individualCount", "0x10", &err);
	mare_record_set(r, "locality", "", &err);
	mare_record_set(r, "eventDate", "1985", &err);
	mare_record_set(r, "seaTemp", "12.5", &err);
	ok(!mare_err_failed(&err), "record: setting values does not fail");
	v = json_object_get(r, "decimalLatitude");
	ok(json_is_real(v) && json_real_value(v) == 56.25,
	    "record: a numeric term becomes a real");
	v = json_object_get(r, "year");
	ok(json_is_integer(v) && json_integer_value(v) == 1985,
	    "record: an integer stays an integer");
	v = json_object_get(r, "depth");
	ok(json_is_real(v) && json_real_value(v) == -100.0,
	    "record: an exponent is a number");
	is_str(json_string_value(json_object_get(r, "decimalLongitude")),
	    "abc", "record: a non-number stays a string for validation");
	is_str(json_string_value(json_object_get(r, "day")), "NaN",
	    "record: NaN stays a string");
	is_str(json_string_value(json_object_get(r, "month")), " 5",
	    "record: a number with a space stays the exact string");
	is_str(json_string_value(json_object_get(r, "individualCount")),
	    "0x10", "record: hexadecimal is not guessed");
	ok(json_object_get(r, "locality") == NULL,
	    "record: an empty value is omitted");
	is_str(json_string_value(json_object_get(r, "eventDate")), "1985",
	    "record: a string term stays a string");
	is_str(json_string_value(json_object_get(r, "seaTemp")), "12.5",
	    "record: an unknown field stays a string");
	is_str(json_string_value(json_object_get(r, "source")), "csv",
	    "record: source is set");
	mare_record_set(r, "recordedBy", "A. Person", &err);
	mare_record_set(r, "identifiedBy", "B. Person", &err);
	mare_record_set(r, "rightsHolder", "C. Person", &err);
	is_int((long long)mare_record_drop_personal(r), 3,
	    "record: drop-personal removes three names");
	ok(json_object_get(r, "recordedBy") == NULL &&
	    json_object_get(r, "rightsHolder") == NULL &&
	    json_object_get(r, "decimalLatitude") != NULL,
	    "record: drop-personal keeps the rest");
	json_decref(r);

	r = mare_record_reject("x.zip!occurrence.txt:4", "expected 6 columns, "
	    "got 4", "a\tb", 3);
	s = json_dumps(r, JSON_COMPACT | JSON_SORT_KEYS);
	is_str(s, "{\"_raw\":\"a\\tb\",\"_rejected\":\"expected 6 columns, "
	    "got 4\",\"_where\":\"x.zip!occurrence.txt:4\"}",
	    "record: a reject carries reason, place and raw row");
	free(s);
	json_decref(r);
}

int
main(void)
{
	test_terms();
	test_values();
	return tap_done();
}
