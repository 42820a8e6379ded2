/*
 * test-jscan.c - the selective JSON scanner, differentially against jansson
 *
 * Each line is given to the scanner and to json_loadb() with the JSON
 * Lines flags. Whenever the scanner vouches for a line, jansson must accept
 * it as an object and the wanted keys must have equal values in both (and
 * the scanner's object nothing else). The lines are the real records of
 * tests/data/validate, the bad-input corpus tests/bad/jsonl and hand-made
 * edge cases, for which the expected answer (vouch or decline) is given
 * too, so a scanner that declines everything fails.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"
#include "tap.h"

static const char *const keys[] = {
	"decimalLatitude", "decimalLongitude", "eventDate", "depth",
	"minimumDepthInMeters", "maximumDepthInMeters", "scientificName",
	"occurrenceID", "basisOfRecord", "coordinateUncertaintyInMeters",
	"_rejected", "year", "a", "b"
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

/*
 * Scan one line; returns the scanner's answer (1 or 0), or 2 when the
 * answer contradicts jansson.
 */
static int
diff1(struct mare_jscan *sc, const char *s, size_t n, char *why, size_t sz)
{
	struct mare_err err;
	json_error_t je;
	json_t *obj = NULL, *full, *a, *b;
	size_t i, present = 0;
	int rc, bad = 0;

	mare_err_init(&err);
	*why = '\0';
	rc = mare_jscan_object(sc, s, n, &obj, &err);
	if (rc != 1)
		return rc;
	full = json_loadb(s, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES |
	    JSON_ALLOW_NUL, &je);
	if (full == NULL || !json_is_object(full)) {
		snprintf(why, sz, "vouched, jansson: %s", full == NULL ?
		    je.text : "not an object");
		bad = 1;
	}
	for (i = 0; i < NKEYS && !bad; i++) {
		a = json_object_get(obj, keys[i]);
		b = json_object_get(full, keys[i]);
		if ((a == NULL) != (b == NULL) || (a != NULL &&
		    !json_equal(a, b))) {
			snprintf(why, sz, "key %s differs", keys[i]);
			bad = 1;
		}
		present += a != NULL;
	}
	if (!bad && json_object_size(obj) != present) {
		snprintf(why, sz, "extra keys");
		bad = 1;
	}
	json_decref(obj);
	json_decref(full);
	return bad ? 2 : 1;
}

/* Every line of path; the number of lines the scanner vouched for. */
static long
diff_file(struct mare_jscan *sc, const char *path, long *lines,
    long *wrong)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, why[200];
	size_t cap = 0;
	ssize_t n;
	long yes = 0;
	int rc;

	if (fp == NULL) {
		diag("cannot open %s", path);
		*wrong += 1;
		return 0;
	}
	while ((n = getline(&line, &cap, fp)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			n--;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		(*lines)++;
		rc = diff1(sc, line, (size_t)n, why, sizeof(why));
		if (rc == 2) {
			diag("%s:%ld: %s", path, *lines, why);
			(*wrong)++;
		}
		yes += rc == 1;
	}
	free(line);
	fclose(fp);
	return yes;
}

static void
test_files(struct mare_jscan *sc, const char *src)
{
	static const char *const real[] = {
		"gbif-encelia-250.jsonl", "obis-no-filter-100.jsonl",
		"gbif-accipiter-nocoord-5.jsonl", "one-per-check.jsonl",
		"grid-points.jsonl", "rules-sample.jsonl"
	};
	char path[4096];
	struct dirent *de;
	DIR *d;
	long lines, wrong, yes;
	size_t i;

	for (i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
		lines = wrong = 0;
		snprintf(path, sizeof(path), "%s/tests/data/validate/%s", src,
		    real[i]);
		yes = diff_file(sc, path, &lines, &wrong);
		is_int(wrong, 0, "%s: no line where scanner and jansson "
		    "differ", real[i]);
		ok(lines > 0 && yes * 10 >= lines * 9, "%s: the scanner "
		    "vouches for %ld of %ld lines", real[i], yes, lines);
	}
	snprintf(path, sizeof(path), "%s/tests/bad/jsonl", src);
	if ((d = opendir(path)) == NULL) {
		ok(0, "open %s", path);
		return;
	}
	lines = wrong = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/tests/bad/jsonl/%s", src,
		    de->d_name);
		(void)diff_file(sc, path, &lines, &wrong);
	}
	closedir(d);
	ok(lines > 30, "tests/bad/jsonl: %ld lines", lines);
	is_int(wrong, 0, "tests/bad/jsonl: no line where they differ");
}

static const struct {
	const char	*line;
	int		 vouch;
} edges[] = {
	{ "{}", 1 },
	{ " {\"a\":true} \t", 1 },
	{ "{\"a\":1}", 1 },
	{ "{\"a\":-0}", 1 },
	{ "{\"a\":-0.0,\"b\":0.1}", 1 },
	{ "{\"a\":123456789012345678}", 1 },
	{ "{\"a\":1234567890123456789}", 0 },	/* 19 digits: jansson */
	{ "{\"a\":12345678901234567890}", 0 },	/* too big */
	{ "{\"a\":1e5}", 0 },			/* exponent: jansson */
	{ "{\"a\":1e999}", 0 },			/* overflow */
	{ "{\"a\":01}", 0 },
	{ "{\"a\":1.}", 0 },
	{ "{\"a\":.5}", 0 },
	{ "{\"a\":-}", 0 },
	{ "{\"a\":+1}", 0 },
	{ "{\"a\":1x}", 0 },
	{ "{\"a\":tru}", 0 },
	{ "{\"a\":truex}", 0 },
	{ "{\"a\":nul}", 0 },
	{ "{\"a\":1} x", 0 },
	{ "{\"a\":1}{}", 0 },
	{ "{\"a\":1,}", 0 },
	{ "{\"a\":[1,]}", 0 },
	{ "{\"a\" 1}", 0 },
	{ "{a:1}", 0 },
	{ "[1]", 0 },
	{ "\"a\"", 0 },
	{ "", 0 },
	{ "{\"a\":1,\"a\":2}", 0 },		/* duplicate */
	{ "{\"x\":{\"a\":1,\"a\":2}}", 0 },
	{ "{\"x\":{\"a\":1},\"y\":{\"a\":2},\"a\":3}", 1 },
	{ "{\"a\":\"\\u00e9\\n\\\"\\\\\\/\\b\\f\\r\\t\"}", 1 },
	{ "{\"a\":\"\\ud834\\udd1e\"}", 1 },
	{ "{\"a\":\"\\ud834\"}", 0 },		/* lone high surrogate */
	{ "{\"a\":\"\\ud834\\u0041\"}", 0 },
	{ "{\"a\":\"\\udd1e\"}", 0 },		/* lone low surrogate */
	{ "{\"a\":\"\\u0000\"}", 0 },		/* NUL: jansson */
	{ "{\"a\":\"\\u12\"}", 0 },
	{ "{\"a\":\"\\x\"}", 0 },
	{ "{\"\\u0061\":1}", 0 },		/* escaped key: jansson */
	{ "{\"a\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x9f\"}", 1 },
	{ "{\"a\":\"\xc3\x28\"}", 0 },
	{ "{\"a\":\"\xc0\xaf\"}", 0 },		/* overlong */
	{ "{\"a\":\"\xe0\x80\xaf\"}", 0 },
	{ "{\"a\":\"\xed\xa0\x80\"}", 0 },	/* surrogate */
	{ "{\"a\":\"\xf4\x90\x80\x80\"}", 0 },	/* above U+10FFFF */
	{ "{\"a\":\"\xf5\x80\x80\x80\"}", 0 },
	{ "{\"a\":\"\xe2\x82\"}", 0 },		/* cut short */
	{ "{\"a\":\"tab\there\"}", 0 },		/* control character */
	{ "{\"a\":\"x\x7f\"}", 1 },
	{ "{\"a\":\"unterminated}", 0 },
	{ "{\"b\":[1,{\"c\":\"d\"},[]],\"a\":{\"z\":null,\"y\":\"\\t\"}}", 1 },
	{ "{\"_rejected\":[{\"rule\":\"X\"}],\"a\":false}", 1 },
	{ "\xef\xbb\xbf{\"a\":1}", 0 },		/* BOM */
	{ "{\"a\":1\r}", 1 },
	{ "{\"a\":0.000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000000000000000000000"
	    "0000000000000000000000000000000000000000000000000000000001}", 1 },
};

static void
test_edges(struct mare_jscan *sc)
{
	char why[200];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		rc = diff1(sc, edges[i].line, strlen(edges[i].line), why,
		    sizeof(why));
		if (rc == 2)
			diag("%s", why);
		is_int(rc, edges[i].vouch, "edge %zu: %s", i, edges[i].line);
	}
}

static void
test_depth(struct mare_jscan *sc)
{
	char buf[400], why[200];
	size_t n = 0;
	int d;

	/* 64 levels: the top object and 63 arrays; 65: declined */
	n += (size_t)snprintf(buf, sizeof(buf), "{\"a\":");
	for (d = 0; d < 63; d++)
		buf[n++] = '[';
	for (d = 0; d < 63; d++)
		buf[n++] = ']';
	buf[n++] = '}';
	is_int(diff1(sc, buf, n, why, sizeof(why)), 1, "64 levels vouched");
	n = (size_t)snprintf(buf, sizeof(buf), "{\"a\":");
	for (d = 0; d < 64; d++)
		buf[n++] = '[';
	for (d = 0; d < 64; d++)
		buf[n++] = ']';
	buf[n++] = '}';
	is_int(diff1(sc, buf, n, why, sizeof(why)), 0, "65 levels declined");
}

static void
test_values(struct mare_jscan *sc)
{
	static const char line[] = "{\"a\":\"x\\u00e9\",\"b\":-12.50,"
	    "\"year\":-0,\"depth\":[1,\"2\"],\"zz\":1}";
	struct mare_err err;
	json_t *o;

	mare_err_init(&err);
	is_int(mare_jscan_object(sc, line, sizeof(line) - 1, &o, &err), 1,
	    "vouched");
	is_str(json_string_value(json_object_get(o, "a")), "x\xc3\xa9",
	    "escaped string decoded");
	ok(json_is_real(json_object_get(o, "b")) &&
	    json_real_value(json_object_get(o, "b")) == -12.5, "real -12.5");
	ok(json_is_integer(json_object_get(o, "year")) &&
	    json_integer_value(json_object_get(o, "year")) == 0,
	    "-0 is the integer 0, as jansson reads it");
	ok(json_is_array(json_object_get(o, "depth")) &&
	    json_array_size(json_object_get(o, "depth")) == 2, "array kept");
	ok(json_object_get(o, "zz") == NULL, "unwanted key left out");
	is_int((long long)json_object_size(o), 4, "four wanted keys");
	json_decref(o);
}

/* Keys given twice to the scanner; escapes in upper-case hex */
static void
test_more(void)
{
	static const char *const twice[] = { "a", "\xc3\xa9", "a" };
	static const char line[] = "{\"\xc3\xa9\":\"\\u00C9t\\u00E9\","
	    "\"a\":1,\"b\":2}";
	struct mare_jscan *sc;
	struct mare_err err;
	json_t *o = NULL;
	int rc;

	mare_err_init(&err);
	sc = mare_jscan_new(twice, 3, &err);
	ok(sc != NULL, "jscan: a key given twice is taken once");
	rc = sc != NULL ? mare_jscan_object(sc, line, strlen(line), &o,
	    &err) : -1;
	ok(rc == 1 && json_object_size(o) == 2 &&
	    json_integer_value(json_object_get(o, "a")) == 1 &&
	    strcmp(json_string_value(json_object_get(o, "\xc3\xa9")),
	    "\xc3\x89t\xc3\xa9") == 0, "jscan: \\u00C9t\\u00E9 (upper-case "
	    "hex) decodes to UTF-8 (rc %d)", rc);
	json_decref(o);
	mare_jscan_free(sc);
}

int
main(void)
{
	const char *src = getenv("MARE_SRCDIR");
	struct mare_jscan *sc;
	struct mare_err err;

	if (src == NULL)
		src = ".";
	mare_err_init(&err);
	sc = mare_jscan_new(keys, NKEYS, &err);
	ok(sc != NULL, "scanner made");
	if (sc == NULL)
		return tap_done();
	test_edges(sc);
	test_depth(sc);
	test_values(sc);
	test_files(sc, src);
	mare_jscan_free(sc);
	test_more();
	return tap_done();
}
