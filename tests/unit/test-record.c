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

/* Records to a spec's raw variables: by name, and from layers. */
static void
test_raw_values(void)
{
	static const double x[] = { 1, 10, 2, 20, 3, 30 };
	static const char *const names[] = { "a", "b" };
	static const int label[] = { 1, 0, 1 };
	struct mare_grid_geom geom = { 2, 1, 0, 0, 1, 1, -9999 };
	struct mare_featspec *fs;
	struct mare_grid_stack st;
	struct mare_grid *ga, *gb;
	size_t layer[2] = { 1, 0 };	/* the stack holds b, then a */
	const char *field = NULL;
	char msg[128];
	double out[2];
	json_t *r;

	fs = mare_featspec_fit(x, 3, 2, names, label, NULL, NULL);
	r = json_loads("{\"b\": 7.5, \"a\": -1, \"c\": \"x\"}", 0, NULL);
	is_int(mare_record_values(r, fs, NULL, NULL, out, &field, msg,
	    sizeof(msg)), 1, "fields by name");
	ok(out[0] == -1 && out[1] == 7.5, "in the spec's order");
	json_decref(r);
	r = json_loads("{\"a\": 1, \"b\": \"7\"}", 0, NULL);
	is_int(mare_record_values(r, fs, NULL, NULL, out, &field, msg,
	    sizeof(msg)), 0, "a string value");
	is_str(field, "b", "its field");
	is_str(msg, "expected a number, got a string", "its message");
	json_decref(r);

	mare_grid_stack_init(&st);
	gb = mare_grid_new(&geom, "b", NULL);
	ga = mare_grid_new(&geom, "a", NULL);
	gb->cells[0] = 5;
	gb->cells[1] = 6;
	ga->cells[0] = 1.5f;
	ga->cells[1] = -9999;
	mare_grid_stack_add_take(&st, gb, NULL);
	mare_grid_stack_add_take(&st, ga, NULL);
	r = json_loads("{\"decimalLongitude\": 0.5, \"decimalLatitude\": "
	    "0.5}", 0, NULL);
	is_int(mare_record_values(r, fs, &st, layer, out, &field, msg,
	    sizeof(msg)), 1, "from the layers");
	ok(out[0] == 1.5 && out[1] == 5, "layer values by variable");
	json_decref(r);
	r = json_loads("{\"decimalLongitude\": 1.5, \"decimalLatitude\": "
	    "0.5}", 0, NULL);
	is_int(mare_record_values(r, fs, &st, layer, out, &field, msg,
	    sizeof(msg)), 0, "a NODATA cell");
	is_str(msg, "no value in layer 'a'", "names the layer");
	json_decref(r);
	r = json_loads("{\"decimalLongitude\": 3, \"decimalLatitude\": "
	    "0.5}", 0, NULL);
	mare_record_values(r, fs, &st, layer, out, &field, msg, sizeof(msg));
	is_str(msg, "outside the layers", "outside");
	is_str(field, "decimalLongitude,decimalLatitude", "both fields");
	json_decref(r);
	r = json_loads("{\"decimalLatitude\": 0.5}", 0, NULL);
	mare_record_values(r, fs, &st, layer, out, &field, msg, sizeof(msg));
	is_str(field, "decimalLongitude", "missing longitude");
	is_str(msg, "missing", "missing message");
	json_decref(r);
	mare_grid_stack_release(&st);
	mare_featspec_free(fs);
}

static void
test_more(void)
{
	static const double x[] = { 1, 2, 3 };
	static const char *const names[] = { "a" };
	static const int label[] = { 1, 0, 1 };
	static const struct {
		const char *json, *msg;
	} kinds[] = {
		{ "{\"a\": true}", "expected a number, got a boolean" },
		{ "{\"a\": null}", "expected a number, got null" },
		{ "{\"a\": [1]}", "expected a number, got an array" },
		{ "{\"a\": {}}", "expected a number, got an object" },
		{ "{\"b\": 1}", "missing" }
	};
	struct mare_grid_geom geom = { 1, 1, 0, 0, 1, 0, 0 };
	struct mare_featspec *fs;
	struct mare_grid_stack st;
	struct mare_err err;
	const char *field = NULL;
	size_t i, layer[1] = { 0 };
	char msg[128];
	double out[1];
	json_t *r, *v;

	is_str(mare_record_term_key("urn:example:terms#myTerm"), "myTerm",
	    "record: an unknown URI ending in #name gives name");
	is_str(mare_record_term_key("http://example.org/t/"), "http://example"
	    ".org/t/", "record: a URI ending in '/' is kept whole");

	/* 20 digits overflow a 64-bit integer: a real instead */
	r = mare_record_new("csv");
	mare_err_init(&err);
	ok(mare_record_put(r, "depth", "99999999999999999999", 20, 1,
	    &err) == 0 && json_is_real(v = json_object_get(r, "depth")) &&
	    json_real_value(v) == 1e20, "record: 99999999999999999999 becomes "
	    "the real 1e20");
	ok(mare_record_put(r, "depth", "1e999", 5, 1, &err) == 0 &&
	    json_is_string(json_object_get(r, "depth")),
	    "record: 1e999 (not finite) stays a string");
	mare_err_init(&err);
	ok(mare_record_put(r, "locality", "caf\xe9", 4, 0, &err) == -1 &&
	    err.code == MARE_E_DATA && strcmp(err.msg, "locality: value is "
	    "not valid UTF-8") == 0, "record: a Latin-1 byte is refused, "
	    "naming the key");
	json_decref(r);

	fs = mare_featspec_fit(x, 3, 1, names, label, NULL, NULL);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		r = json_loads(kinds[i].json, 0, NULL);
		ok(mare_record_values(r, fs, NULL, NULL, out, &field, msg,
		    sizeof(msg)) == 0 && strcmp(field, "a") == 0 &&
		    strcmp(msg, kinds[i].msg) == 0, "record: %s: '%s'",
		    kinds[i].json, kinds[i].msg);
		json_decref(r);
	}
	/* from layers: a latitude that is not a number */
	mare_grid_stack_init(&st);
	mare_grid_stack_add_take(&st, mare_grid_new(&geom, "a", NULL), NULL);
	r = json_loads("{\"decimalLongitude\": 0.5, \"decimalLatitude\": "
	    "\"0.5\"}", 0, NULL);
	ok(mare_record_values(r, fs, &st, layer, out, &field, msg,
	    sizeof(msg)) == 0 && strcmp(field, "decimalLatitude") == 0 &&
	    strcmp(msg, "expected a number, got a string") == 0,
	    "record: a latitude in quotes is named");
	json_decref(r);
	mare_grid_stack_release(&st);
	mare_featspec_free(fs);
}

int
main(void)
{
	test_terms();
	test_values();
	test_raw_values();
	test_more();
	return tap_done();
}
