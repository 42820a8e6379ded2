/*
 * test-api.c - lib/api over recorded GBIF and OBIS responses
 *
 * The pages and status documents are the real responses of
 * tests/data/gbif and tests/data/obis (see their README.md); the expected
 * values were read off those files with python3's json module. The
 * malformed bodies are written here, each with its exact message.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "api.h"
#include "tap.h"

static char datadir[4096];

/* The whole of tests/data/NAME, NUL-terminated, or NULL. */
static char *
slurp(const char *name, size_t *len)
{
	char path[8192], *s = NULL;
	long n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", datadir, name);
	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 && (s = malloc((size_t)n + 1)) != NULL) {
		*len = fread(s, 1, (size_t)n, fp);
		s[*len] = '\0';
	}
	fclose(fp);
	return s;
}

/* Load a recorded page; fails the test when it does not load. */
static int
load(struct mare_api_page *pg, enum mare_api_service svc, const char *name)
{
	struct mare_err err;
	size_t len = 0;
	char *body;
	int rc;

	mare_err_init(&err);
	if ((body = slurp(name, &len)) == NULL) {
		ok(0, "api: %s is readable", name);
		memset(pg, 0, sizeof(*pg));
		return -1;
	}
	rc = mare_api_page_load(pg, svc, body, len, name, &err);
	free(body);
	ok(rc == 0, "api: %s loads (%s)", name, err.msg);
	return rc;
}

static void
test_gbif_pages(void)
{
	struct mare_api_page pg;
	struct mare_err err;
	json_t *res, *rec;
	uint64_t key = 0;

	if (load(&pg, MARE_API_GBIF, "gbif/occurrence_search/"
	    "accipiter_striatus_limit5_offset0.json") == 0) {
		ok(pg.has_total && pg.total == 1407843ULL,
		    "api: gbif page: count 1407843");
		ok(pg.has_offset && pg.offset == 0, "api: gbif page: offset 0");
		ok(pg.has_limit && pg.limit == 5, "api: gbif page: limit 5");
		is_int(pg.end, 0, "api: gbif page: endOfRecords false");
		is_int((long long)pg.nres, 5, "api: gbif page: 5 results");
		mare_err_init(&err);
		res = mare_api_page_result(&pg, 0, "p", &err);
		ok(res != NULL, "api: gbif page: result 0 is an object");
		ok(mare_api_gbif_key(res, &key) == 0 && key == 3455494179ULL,
		    "api: gbif page: result 0 has key 3455494179");
		rec = mare_api_record(res, "gbif", &err);
		ok(rec != NULL, "api: gbif result 0 becomes a record");
		is_str(json_string_value(json_object_get(rec, "source")),
		    "gbif", "api: gbif record: source gbif");
		ok(json_is_real(json_object_get(rec, "decimalLatitude")) &&
		    json_real_value(json_object_get(rec, "decimalLatitude")) ==
		    33.10483, "api: gbif record: decimalLatitude 33.10483");
		is_str(json_string_value(json_object_get(rec,
		    "scientificName")), "Accipiter striatus Vieillot, 1808",
		    "api: gbif record: scientificName");
		is_int((long long)json_object_size(rec), 79,
		    "api: gbif record: 78 members and source");
		json_decref(rec);
	}
	mare_api_page_release(&pg);
	if (load(&pg, MARE_API_GBIF, "gbif/occurrence_search/"
	    "accipiter_striatus_limit5_offset5.json") == 0)
		ok(pg.has_offset && pg.offset == 5, "api: gbif page 2: offset 5");
	mare_api_page_release(&pg);
	if (load(&pg, MARE_API_GBIF, "gbif/occurrence_search/"
	    "encelia_californica_taxonKey3118771_limit250_offset500.json") ==
	    0) {
		ok(pg.total == 18596 && pg.offset == 500 && pg.limit == 250 &&
		    pg.nres == 250 && !pg.end,
		    "api: encelia page 3: count 18596, offset 500, 250 results");
	}
	mare_api_page_release(&pg);
	mare_api_page_release(NULL);
}

static void
test_obis_pages(void)
{
	struct mare_api_page pg;
	struct mare_err err;
	const char *after = NULL;
	json_t *rec;

	mare_err_init(&err);
	if (load(&pg, MARE_API_OBIS, "obis/occurrence/mola_mola_size3.json") ==
	    0) {
		ok(pg.has_total && pg.total == 19897, "api: obis page: total");
		is_int((long long)pg.nres, 3, "api: obis page: 3 results");
		ok(!pg.has_offset && !pg.has_limit && !pg.end,
		    "api: obis page: no GBIF paging members");
		ok(mare_api_page_after(&pg, &after, "p", &err) == 0,
		    "api: obis page: a cursor");
		is_str(after, "0007bd3d-3b3d-41ef-ac70-f4c8d26ad804",
		    "api: obis page: the cursor is the last result's id");
		rec = mare_api_record(mare_api_page_result(&pg, 0, "p", &err),
		    "obis", &err);
		ok(rec != NULL, "api: obis result 0 becomes a record");
		ok(json_object_get(rec, "minimumDepthInMeters") == NULL,
		    "api: obis record: a null member is left out");
		is_str(json_string_value(json_object_get(rec, "id")),
		    "0000642b-51de-4042-a152-71797fe34b17",
		    "api: obis record: id kept");
		ok(json_real_value(json_object_get(rec, "decimalLongitude")) ==
		    4.0639, "api: obis record: decimalLongitude 4.0639");
		json_decref(rec);
	}
	mare_api_page_release(&pg);
	if (load(&pg, MARE_API_OBIS, "obis/occurrence/no_filter_size100.json")
	    == 0) {
		ok(pg.total == 162127036ULL && pg.nres == 100,
		    "api: obis no-filter page: total and 100 results");
		ok(mare_api_page_after(&pg, &after, "p", &err) == 0 &&
		    after != NULL && strcmp(after,
		    "00000c6f-bad0-461d-88ed-32f32052fa9d") == 0,
		    "api: obis no-filter page: cursor");
	}
	mare_api_page_release(&pg);
	/* the "name not found" page still has results to read */
	if (load(&pg, MARE_API_OBIS,
	    "obis/occurrence/name_not_found_error_size1.json") == 0)
		ok(pg.total == 25350 && pg.nres == 1,
		    "api: obis page with an 'error' member: total, 1 result");
	mare_api_page_release(&pg);
}

static void
test_download(void)
{
	struct mare_api_download d;
	struct mare_err err;
	json_t *doc;
	char buf[512], *body;
	size_t len;

	mare_err_init(&err);
	body = slurp("gbif/occurrence_download/status_SUCCEEDED.json", &len);
	doc = body != NULL ? json_loadb(body, len, 0, NULL) : NULL;
	ok(doc != NULL && mare_api_download_set(&d, doc, "s", &err) == 0,
	    "api: SUCCEEDED status reads");
	if (doc != NULL) {
		is_str(d.status, "SUCCEEDED", "api: status SUCCEEDED");
		is_str(d.doi, "10.15468/dl.np3k7j", "api: status doi");
		is_str(d.created, "2025-09-04T12:11:34.648+00:00",
		    "api: status created");
		is_str(d.link, "https://api.gbif.org/v1/occurrence/download/"
		    "request/0026011-250827131500795.zip",
		    "api: status downloadLink");
		ok(d.size == 8329717 && d.total == 22235,
		    "api: status size 8329717, totalRecords 22235");
		mare_api_download_citation(d.created, d.doi, buf, sizeof(buf));
		is_str(buf, "GBIF.org (4 September 2025) GBIF Occurrence "
		    "Download https://doi.org/10.15468/dl.np3k7j",
		    "api: the citation GBIF asks for");
		mare_api_download_release(&d);
	}
	json_decref(doc);
	free(body);

	body = slurp("gbif/occurrence_download/status_PREPARING.json", &len);
	doc = body != NULL ? json_loadb(body, len, 0, NULL) : NULL;
	ok(doc != NULL && mare_api_download_set(&d, doc, "s", &err) == 0,
	    "api: PREPARING status reads");
	if (doc != NULL) {
		is_str(d.status, "PREPARING", "api: status PREPARING");
		ok(d.doi == NULL && d.size == 0 && d.total == 22235,
		    "api: PREPARING: no doi, size 0 is unknown");
		mare_api_download_release(&d);
	}
	json_decref(doc);
	free(body);
	mare_api_download_release(NULL);

	mare_api_download_citation("2020-13-01", "10.1/x", buf, sizeof(buf));
	is_str(buf, "GBIF.org GBIF Occurrence Download https://doi.org/10.1/x",
	    "api: citation without a valid date");
	mare_api_download_citation(NULL, NULL, buf, sizeof(buf));
	is_str(buf, "GBIF.org GBIF Occurrence Download https://doi.org/",
	    "api: citation without created and doi");

	body = slurp("gbif/occurrence_download/request_201_key_DWCA.txt", &len);
	ok(body != NULL && mare_api_download_key(body) == 23 &&
	    strncmp(body, "0012150-260108223611665", 23) == 0,
	    "api: the key of a recorded download request");
	free(body);
	is_int((long long)mare_api_download_key("abc\r\nmore"), 3,
	    "api: a key ends at the line's end");
	is_int((long long)mare_api_download_key(""), 0, "api: empty: no key");
	is_int((long long)mare_api_download_key("<html>"), 0,
	    "api: an HTML page is no key");
	is_int((long long)mare_api_download_key("Bad request"), 0,
	    "api: a sentence is no key");
	is_int((long long)mare_api_download_key("a/b"), 0,
	    "api: a path is no key");
}

/* Load body as a page of svc; the message of the failure, or "ok". */
static const char *
page_error(enum mare_api_service svc, const char *body, const char *what)
{
	static struct mare_err err;
	struct mare_api_page pg;
	const char *after;

	mare_err_init(&err);
	if (mare_api_page_load(&pg, svc, body, strlen(body), what, &err) != 0)
		return err.msg;
	if (pg.nres > 0 && mare_api_page_result(&pg, pg.nres - 1, what,
	    &err) == NULL) {
		mare_api_page_release(&pg);
		return err.msg;
	}
	if (svc == MARE_API_OBIS && mare_api_page_after(&pg, &after, what,
	    &err) != 0) {
		mare_api_page_release(&pg);
		return err.msg;
	}
	mare_api_page_release(&pg);
	return "ok";
}

static void
test_malformed(void)
{
	struct mare_api_page pg;
	struct mare_api_download d;
	struct mare_err err;
	unsigned long long c = 7;
	const char *body;
	json_t *doc;

	is_str(page_error(MARE_API_GBIF, "", "GET u"),
	    "GET u: not JSON: '[' or '{' expected near end of file",
	    "api: an empty body");
	is_str(page_error(MARE_API_GBIF, "<html><body>502</body></html>",
	    "GET u"), "GET u: not JSON: '[' or '{' expected near '<'",
	    "api: an HTML page");
	is_str(page_error(MARE_API_GBIF, "{\"results\": [{\"key\": 1}",
	    "GET u"), "GET u: not JSON: ']' expected near end of file",
	    "api: a truncated page");
	is_str(page_error(MARE_API_GBIF, "[{\"results\": []}]", "GET u"),
	    "GET u: not a JSON object", "api: an array is no page");
	is_str(page_error(MARE_API_GBIF, "{\"count\": 3}", "GET u"),
	    "GET u: no 'results' array", "api: a page without results");
	is_str(page_error(MARE_API_OBIS, "{\"results\": {}}", NULL),
	    "no 'results' array", "api: results not an array, no what");
	is_str(page_error(MARE_API_GBIF, "{\"results\": [{}, 3]}", "GET u"),
	    "GET u: result 1 is not an object",
	    "api: a result that is not an object");
	is_str(page_error(MARE_API_OBIS, "{\"results\": [{\"id\": \"a\"}, "
	    "{\"id\": 5}]}", "GET u"),
	    "GET u: last result has no 'id': cannot page on",
	    "api: an obis page whose last id is not a string");
	is_str(page_error(MARE_API_OBIS, "{\"results\": []}", "GET u"), "ok",
	    "api: an empty obis page has no cursor and is fine");

	mare_err_init(&err);
	body = "{\"results\": [], \"count\": -1, \"offset\": \"3\", "
	    "\"limit\": 1.5, \"endOfRecords\": 1}";
	ok(mare_api_page_load(&pg, MARE_API_GBIF, body, strlen(body), "u",
	    &err) == 0 && !pg.has_total &&
	    !pg.has_offset && !pg.has_limit && !pg.end,
	    "api: paging members of the wrong type are not given");
	mare_api_page_release(&pg);
	body = "{\"results\": [], \"endOfRecords\": true}";
	ok(mare_api_page_load(&pg, MARE_API_GBIF, body, strlen(body), "u",
	    &err) == 0 && pg.end &&
	    pg.nres == 0, "api: endOfRecords true");
	mare_api_page_release(&pg);

	doc = json_loads("{\"count\": 18596}", 0, NULL);
	ok(mare_api_count(doc, &c, "GET u", &err) == 0 && c == 18596,
	    "api: a count response");
	json_decref(doc);
	doc = json_loads("{\"count\": \"18596\"}", 0, NULL);
	ok(mare_api_count(doc, &c, "GET u", &err) == -1, "api: a string "
	    "count fails");
	is_str(err.msg, "GET u: 'count' is not a count", "api: its message");
	is_int(err.code, MARE_E_DATA, "api: a data error");
	json_decref(doc);

	mare_err_init(&err);
	doc = json_loads("{\"status\": 3, \"doi\": \"x\"}", 0, NULL);
	ok(mare_api_download_set(&d, doc, "GET s", &err) == -1 &&
	    d.doi == NULL, "api: a status that is not a string fails, empty");
	is_str(err.msg, "GET s: no 'status'", "api: its message");
	json_decref(doc);
	doc = json_loads("{\"status\": \"SUCCEEDED\", \"size\": -4, "
	    "\"totalRecords\": -1}", 0, NULL);
	mare_err_init(&err);
	ok(mare_api_download_set(&d, doc, "GET s", &err) == 0 &&
	    d.link == NULL && d.size == 0 && d.total == 0,
	    "api: negative size and total are unknown; no link is NULL");
	mare_api_download_release(&d);
	json_decref(doc);
}

static void
test_keys_records(void)
{
	struct mare_err err;
	uint64_t key = 0;
	json_t *doc, *rec;

	doc = json_loads("{\"gbifID\": \"1234567890123\"}", 0, NULL);
	ok(mare_api_gbif_key(doc, &key) == 0 && key == 1234567890123ULL,
	    "api: gbifID as a string");
	json_decref(doc);
	doc = json_loads("{\"key\": -1, \"gbifID\": 5}", 0, NULL);
	ok(mare_api_gbif_key(doc, &key) == 0 && key == 5,
	    "api: a negative key falls back to gbifID");
	json_decref(doc);
	doc = json_loads("{\"gbifID\": \"12x\"}", 0, NULL);
	ok(mare_api_gbif_key(doc, &key) == -1, "api: gbifID '12x' is no key");
	json_decref(doc);
	doc = json_loads("{\"gbifID\": \"99999999999999999999\"}", 0, NULL);
	ok(mare_api_gbif_key(doc, &key) == -1,
	    "api: a gbifID past 2^64 is no key");
	json_decref(doc);

	mare_err_init(&err);
	doc = json_loads("{\"source\": \"x\", \"DecimalLatitude\": \"12.5\", "
	    "\"decimalLongitude\": \"abc\", \"foo\": null, \"bar\": [1], "
	    "\"year\": \"\"}", 0, NULL);
	rec = mare_api_record(doc, "gbif", &err);
	ok(rec != NULL, "api: a result with odd members becomes a record");
	is_str(json_string_value(json_object_get(rec, "source")), "gbif",
	    "api: the result's own source is replaced");
	ok(json_real_value(json_object_get(rec, "decimalLatitude")) == 12.5,
	    "api: a numeric term in a string becomes a number, DwC name");
	is_str(json_string_value(json_object_get(rec, "decimalLongitude")),
	    "abc", "api: a non-number stays the exact string");
	ok(json_object_get(rec, "foo") == NULL &&
	    json_object_get(rec, "year") == NULL &&
	    json_is_array(json_object_get(rec, "bar")),
	    "api: null and empty left out, an array kept");
	json_decref(rec);
	json_decref(doc);
}

static void
test_validator(void)
{
	struct mare_http_response r;
	char why[256], html[] = "<html>busy</html>", arr[] = "[]";
	char one[] = "{\"results\": 1}", page[] = "{\"results\": []}";
	char results[] = "results", status[] = "status";

	memset(&r, 0, sizeof(r));
	r.body = html;
	r.len = strlen(r.body);
	snprintf(r.content_type, sizeof(r.content_type), "text/html");
	ok(mare_api_valid_page(&r, results, why, sizeof(why)) == -1,
	    "api: validator rejects an HTML page");
	is_str(why, "not JSON ('[' or '{' expected near '<', an HTML page)",
	    "api: validator says it is HTML");
	r.body = arr;
	r.len = 2;
	r.content_type[0] = '\0';
	ok(mare_api_valid_page(&r, NULL, why, sizeof(why)) == -1,
	    "api: validator rejects an array");
	is_str(why, "not a JSON object", "api: validator: not an object");
	r.body = one;
	r.len = strlen(r.body);
	ok(mare_api_valid_page(&r, results, why, sizeof(why)) == -1,
	    "api: validator rejects results that are not an array");
	is_str(why, "no 'results' array", "api: validator: no results array");
	ok(mare_api_valid_page(&r, status, why, sizeof(why)) == -1,
	    "api: validator rejects a missing member");
	is_str(why, "no 'status' member", "api: validator: no member");
	ok(mare_api_valid_page(&r, NULL, why, sizeof(why)) == 0,
	    "api: validator accepts any object without a member");
	r.body = page;
	r.len = strlen(r.body);
	ok(mare_api_valid_page(&r, results, why, sizeof(why)) == 0,
	    "api: validator accepts a page");
}

int
main(void)
{
	const char *src = getenv("MARE_SRCDIR");
	size_t len;
	char *s;

	snprintf(datadir, sizeof(datadir), "%s/tests/data",
	    src != NULL && *src != '\0' ? src : ".");
	if ((s = slurp("obis/occurrence/mola_mola_size3.json", &len)) ==
	    NULL) {
		diag("test data not found in %s (set MARE_SRCDIR)", datadir);
		ok(0, "api: the recorded responses are found");
		return tap_done();
	}
	free(s);
	test_gbif_pages();
	test_obis_pages();
	test_download();
	test_malformed();
	test_keys_records();
	test_validator();
	return tap_done();
}
