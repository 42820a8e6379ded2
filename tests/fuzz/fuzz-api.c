/*
 * fuzz-api - libFuzzer target: GBIF and OBIS API response bodies
 *
 * Each input is taken as every body mare-fetch reads from the services:
 * it goes through the page validator (with no member, "results" and
 * "status"), is loaded as a GBIF page and as an OBIS page (each result
 * checked, turned into a record and written as JSON Lines to /dev/null,
 * its GBIF key read, the OBIS cursor taken), read as a count response and
 * as a download status (with its citation), and scanned as the body of a
 * download request. Beyond "no crash, no leak, one clean message", it
 * checks what mare-fetch relies on: a page's nres is its results' size,
 * every record from a loaded page writes, a reason fits its buffer, a
 * download key is a prefix of the first line holding none of ' ', '/',
 * '"', '<'.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api.h"
#include "fuzz.h"
#include "jsonl.h"

static FILE *devnull;

static void
finding(const char *what)
{
	fprintf(stderr, "fuzz: %s\n", what);
	abort();
}

static void
validate(char *body, size_t size)
{
	static char results[] = "results", status[] = "status";
	struct mare_http_response r;
	char *members[] = { NULL, results, status };
	char why[64];
	size_t i;

	memset(&r, 0, sizeof(r));
	r.body = body;
	r.len = size;
	r.status = 200;
	snprintf(r.content_type, sizeof(r.content_type), "text/html");
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		memset(why, 'x', sizeof(why));
		if (mare_api_valid_page(&r, members[i], why, sizeof(why)) != 0 &&
		    memchr(why, '\0', sizeof(why)) == NULL)
			finding("validator reason not terminated");
	}
}

static void
page(const char *body, size_t size, enum mare_api_service svc)
{
	struct mare_api_page pg;
	struct mare_err err;
	const char *after;
	json_t *res, *rec;
	uint64_t key;
	size_t i;

	mare_err_init(&err);
	if (mare_api_page_load(&pg, svc, body, size, "GET fuzz", &err) != 0) {
		fuzz_check_err(&err);
		if (pg.doc != NULL)
			finding("failed load left a document");
		return;
	}
	if (pg.nres != json_array_size(pg.results))
		finding("nres is not the size of results");
	for (i = 0; i < pg.nres; i++) {
		mare_err_init(&err);
		if ((res = mare_api_page_result(&pg, i, "GET fuzz", &err)) ==
		    NULL) {
			fuzz_check_err(&err);
			continue;
		}
		(void)mare_api_gbif_key(res, &key);
		if ((rec = mare_api_record(res, svc == MARE_API_GBIF ?
		    "gbif" : "obis", &err)) == NULL) {
			fuzz_check_err(&err);
			continue;
		}
		if (!json_is_string(json_object_get(rec, "source")))
			finding("record without its source");
		if (mare_jsonl_write(devnull, rec, &err) != 0) {
			fuzz_check_err(&err);
			finding("a record from a page does not write");
		}
		json_decref(rec);
	}
	mare_err_init(&err);
	if (svc == MARE_API_OBIS) {
		if (mare_api_page_after(&pg, &after, "GET fuzz", &err) != 0)
			fuzz_check_err(&err);
		else if (pg.nres > 0 && after == NULL)
			finding("no cursor from a page with results");
	}
	mare_api_page_release(&pg);
}

static void
documents(const char *body, size_t size)
{
	struct mare_api_download d;
	struct mare_err err;
	unsigned long long count;
	char cite[96];
	json_t *doc;

	if ((doc = json_loadb(body, size, 0, NULL)) == NULL)
		return;
	mare_err_init(&err);
	if (mare_api_count(doc, &count, "GET fuzz", &err) != 0)
		fuzz_check_err(&err);
	mare_err_init(&err);
	if (mare_api_download_set(&d, doc, "GET fuzz", &err) != 0) {
		fuzz_check_err(&err);
		if (d.status != NULL || d.doi != NULL || d.link != NULL)
			finding("failed status read left strings");
	} else {
		if (d.status == NULL)
			finding("status read without a status");
		mare_api_download_citation(d.created, d.doi, cite,
		    sizeof(cite));
		if (strncmp(cite, "GBIF.org ", 9) != 0)
			finding("citation does not start with GBIF.org");
		mare_api_download_release(&d);
	}
	json_decref(doc);
}

static void
download_key(const char *s)
{
	size_t n = mare_api_download_key(s), i;

	if (n > strlen(s))
		finding("download key longer than the body");
	for (i = 0; i < n; i++)
		if (strchr(" /\"<\r\n", s[i]) != NULL)
			finding("download key holds a separator");
	if (n > 0 && s[n] != '\0' && s[n] != '\r' && s[n] != '\n')
		finding("download key is not the whole first line");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	if ((s = fuzz_strndup(data, size)) == NULL)
		return 0;
	validate(s, size);
	page(s, size, MARE_API_GBIF);
	page(s, size, MARE_API_OBIS);
	documents(s, size);
	download_key(s);
	free(s);
	return 0;
}
