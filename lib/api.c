/*
 * api.c - the response bodies of the GBIF and OBIS occurrence APIs
 *
 * Everything here reads jansson documents; nothing transfers or caches
 * (that is lib/http and lib/cache). The reads are lenient where the
 * services are loose (a paging member missing or of another type is
 * "not given") and strict where a wrong guess would lose or invent
 * records (no results array, a result that is not an object, an OBIS
 * page whose last result has no id to page on).
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "record.h"

/* Set err to "WHAT: MESSAGE" (just MESSAGE when what is NULL). */
static int
fail(struct mare_err *err, enum mare_errc code, const char *what,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
fail(struct mare_err *err, enum mare_errc code, const char *what,
    const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (what == NULL)
		return mare_err_set(err, code, "%s", msg);
	return mare_err_set(err, code, "%s: %s", what, msg);
}

/* A non-negative integer member: 1 and *v set, or 0. */
static int
get_count(const json_t *doc, const char *key, unsigned long long *v)
{
	const json_t *m = json_object_get(doc, key);

	if (!json_is_integer(m) || json_integer_value(m) < 0)
		return 0;
	*v = (unsigned long long)json_integer_value(m);
	return 1;
}

int
mare_api_valid_page(const struct mare_http_response *resp, void *arg,
    char *why, size_t whysize)
{
	const char *member = arg;
	json_error_t je;
	json_t *doc, *v;
	int rc = 0;

	doc = json_loadb(resp->body, resp->len, 0, &je);
	if (doc == NULL) {
		snprintf(why, whysize, "not JSON (%s%s)", je.text,
		    strncmp(resp->content_type, "text/html", 9) == 0 ?
		    ", an HTML page" : "");
		return -1;
	}
	if (!json_is_object(doc)) {
		snprintf(why, whysize, "not a JSON object");
		rc = -1;
	} else if (member != NULL) {
		v = json_object_get(doc, member);
		if (v == NULL || (strcmp(member, "results") == 0 &&
		    !json_is_array(v))) {
			snprintf(why, whysize, "no '%s' %s", member,
			    strcmp(member, "results") == 0 ? "array" :
			    "member");
			rc = -1;
		}
	}
	json_decref(doc);
	return rc;
}

int
mare_api_page_load(struct mare_api_page *pg, enum mare_api_service svc,
    const char *body, size_t len, const char *what, struct mare_err *err)
{
	json_error_t je;
	json_t *doc;

	memset(pg, 0, sizeof(*pg));
	doc = json_loadb(body, len, 0, &je);
	if (doc == NULL)
		return fail(err, MARE_E_DATA, what, "not JSON: %s", je.text);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return fail(err, MARE_E_DATA, what, "not a JSON object");
	}
	return mare_api_page_set(pg, svc, doc, what, err);
}

int
mare_api_page_set(struct mare_api_page *pg, enum mare_api_service svc,
    json_t *doc, const char *what, struct mare_err *err)
{
	json_t *results;

	memset(pg, 0, sizeof(*pg));
	results = json_object_get(doc, "results");
	if (!json_is_array(results)) {
		json_decref(doc);
		return fail(err, MARE_E_DATA, what, "no 'results' array");
	}
	pg->doc = doc;
	pg->results = results;
	pg->nres = json_array_size(results);
	if (svc == MARE_API_GBIF) {
		pg->has_total = get_count(doc, "count", &pg->total);
		pg->has_offset = get_count(doc, "offset", &pg->offset);
		pg->has_limit = get_count(doc, "limit", &pg->limit);
		pg->end = json_is_true(json_object_get(doc, "endOfRecords"));
	} else
		pg->has_total = get_count(doc, "total", &pg->total);
	return 0;
}

void
mare_api_page_release(struct mare_api_page *pg)
{
	if (pg == NULL)
		return;
	json_decref(pg->doc);
	memset(pg, 0, sizeof(*pg));
}

json_t *
mare_api_page_result(const struct mare_api_page *pg, size_t i,
    const char *what, struct mare_err *err)
{
	json_t *res = json_array_get(pg->results, i);

	if (!json_is_object(res)) {
		fail(err, MARE_E_DATA, what, "result %zu is not an object", i);
		return NULL;
	}
	return res;
}

int
mare_api_page_after(const struct mare_api_page *pg, const char **after,
    const char *what, struct mare_err *err)
{
	json_t *v;

	*after = NULL;
	if (pg->nres == 0)
		return 0;
	v = json_object_get(json_array_get(pg->results, pg->nres - 1), "id");
	if (!json_is_string(v))
		return fail(err, MARE_E_DATA, what, "last result has no "
		    "'id': cannot page on");
	*after = json_string_value(v);
	return 0;
}

json_t *
mare_api_record(const json_t *res, const char *source,
    struct mare_err *err)
{
	const char *k, *name;
	json_t *rec, *v;

	rec = mare_record_new(source);
	if (rec == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	/* json_object_foreach() wants a non-const object; it only reads */
	json_object_foreach((json_t *)(uintptr_t)res, k, v) {
		if (strcmp(k, "source") == 0 || json_is_null(v))
			continue;
		name = mare_record_term_name(k);
		if (name == NULL)
			name = k;
		if (json_is_string(v)) {
			if (mare_record_put(rec, name, json_string_value(v),
			    json_string_length(v),
			    mare_record_term_numeric(name), err) != 0) {
				json_decref(rec);
				return NULL;
			}
		} else if (json_object_set(rec, name, v) != 0) {
			json_decref(rec);
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			return NULL;
		}
	}
	return rec;
}

int
mare_api_gbif_key(const json_t *res, uint64_t *key)
{
	const json_t *v = json_object_get(res, "key");
	const char *s;
	char *end;

	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*key = (uint64_t)json_integer_value(v);
		return 0;
	}
	v = json_object_get(res, "gbifID");
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*key = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_string(v)) {
		s = json_string_value(v);
		errno = 0;
		*key = strtoull(s, &end, 10);
		if (end != s && *end == '\0' && errno == 0)
			return 0;
	}
	return -1;
}

int
mare_api_count(const json_t *doc, unsigned long long *count,
    const char *what, struct mare_err *err)
{
	if (!get_count(doc, "count", count))
		return fail(err, MARE_E_DATA, what, "'count' is not a count");
	return 0;
}

/* A copy of string member k: 0 and *s (NULL when absent), -1 no memory. */
static int
str_member(const json_t *doc, const char *k, char **s)
{
	const json_t *v = json_object_get(doc, k);

	*s = NULL;
	if (!json_is_string(v))
		return 0;
	*s = strdup(json_string_value(v));
	return *s != NULL ? 0 : -1;
}

int
mare_api_download_set(struct mare_api_download *d, const json_t *doc,
    const char *what, struct mare_err *err)
{
	const json_t *v;

	memset(d, 0, sizeof(*d));
	v = json_object_get(doc, "status");
	if (!json_is_string(v))
		return fail(err, MARE_E_DATA, what, "no 'status'");
	if (str_member(doc, "status", &d->status) != 0 ||
	    str_member(doc, "doi", &d->doi) != 0 ||
	    str_member(doc, "created", &d->created) != 0 ||
	    str_member(doc, "downloadLink", &d->link) != 0) {
		mare_api_download_release(d);
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	}
	v = json_object_get(doc, "size");
	d->size = json_is_integer(v) && json_integer_value(v) > 0 ?
	    (unsigned long long)json_integer_value(v) : 0;
	get_count(doc, "totalRecords", &d->total);
	return 0;
}

void
mare_api_download_release(struct mare_api_download *d)
{
	if (d == NULL)
		return;
	free(d->status);
	free(d->doi);
	free(d->created);
	free(d->link);
	memset(d, 0, sizeof(*d));
}

void
mare_api_download_citation(const char *created, const char *doi,
    char *buf, size_t size)
{
	static const char *const months[] = { "January", "February",
	    "March", "April", "May", "June", "July", "August", "September",
	    "October", "November", "December" };
	int y = 0, m = 0, day = 0;

	if (doi == NULL)
		doi = "";
	if (created == NULL || sscanf(created, "%d-%d-%d", &y, &m,
	    &day) != 3 || m < 1 || m > 12)
		snprintf(buf, size, "GBIF.org GBIF Occurrence Download "
		    "https://doi.org/%s", doi);
	else
		snprintf(buf, size, "GBIF.org (%d %s %d) GBIF Occurrence "
		    "Download https://doi.org/%s", day, months[m - 1], y, doi);
}

size_t
mare_api_download_key(const char *body)
{
	const char *k;

	for (k = body; *k != '\0' && *k != '\r' && *k != '\n'; k++)
		if (*k == ' ' || *k == '/' || *k == '"' || *k == '<')
			return 0;
	return (size_t)(k - body);
}
