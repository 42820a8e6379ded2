/*
 * api.h - the response bodies of the GBIF and OBIS occurrence APIs
 *
 * What mare-fetch reads from the web services, apart from the transfer
 * (lib/http) and the cache (lib/cache): the JSON documents themselves.
 *
 * - Occurrence search pages. GBIF (/v1/occurrence/search) answers
 *   {"offset": N, "limit": N, "endOfRecords": bool, "count": N,
 *   "results": [...]}; OBIS (/v3/occurrence) answers {"total": N,
 *   "results": [...]} and is paged by the "id" of the last result (the
 *   next request asks for after=ID). A page must be a JSON object with a
 *   "results" array; the paging members are read when they are
 *   non-negative integers (endOfRecords when it is true) and otherwise
 *   left unset: a server that leaves one out is not wrong, and what to do
 *   then is the caller's choice. Each result must be an object; it
 *   becomes a record (record.h) with Darwin Core names.
 * - Count responses: a GBIF search with limit=0, whose "count" is the
 *   number of matching records.
 * - Download status objects (GET /v1/occurrence/download/KEY): "status"
 *   (PREPARING, RUNNING, SUSPENDED, SUCCEEDED, CANCELLED, KILLED, FAILED,
 *   FILE_ERASED), "doi", "created", "downloadLink", "size",
 *   "totalRecords"; and the body of a download request, which is the key.
 *
 * Error messages start with the caller's description of the body, what
 * ("GET https://api.gbif.org/v1/occurrence/search?...", a file name),
 * when it is not NULL: "GET URL: no 'results' array". All are MARE_E_DATA
 * but running out of memory (MARE_E_NOMEM).
 *
 * Ownership: a page owns its document; results and the strings returned
 * from a page point into it and live until mare_api_page_release().
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_API_H
#define MARE_API_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "http.h"

enum mare_api_service {
	MARE_API_GBIF,
	MARE_API_OBIS
};

struct mare_api_page {
	json_t		*doc;		/* the page, owned */
	json_t		*results;	/* doc's "results" array, borrowed */
	size_t		 nres;		/* results in it */
	int		 has_total;	/* total below was given */
	unsigned long long total;	/* GBIF "count", OBIS "total" */
	int		 end;		/* GBIF "endOfRecords" is true */
	int		 has_offset;	/* GBIF "offset" given */
	unsigned long long offset;
	int		 has_limit;	/* GBIF "limit" given */
	unsigned long long limit;
};

/*
 * A validator for mare_http_set_validator() (see http.h): the body must
 * be a JSON object; when arg (a const char *) names a member, the object
 * must have it, and "results" must be an array. The reasons given are
 * "not JSON (TEXT)" (", an HTML page" added when the Content-Type says
 * so), "not a JSON object", "no 'results' array", "no 'M' member".
 */
int	 mare_api_valid_page(const struct mare_http_response *resp,
	    void *arg, char *why, size_t whysize);

/*
 * Read a page from len bytes at body: "not JSON: TEXT" (jansson's
 * message), "not a JSON object", or as mare_api_page_set(). On success
 * returns 0 and fills *pg (release it); on failure returns -1 and leaves
 * *pg empty (safe to release).
 */
int	 mare_api_page_load(struct mare_api_page *pg,
	    enum mare_api_service svc, const char *body, size_t len,
	    const char *what, struct mare_err *err);
/*
 * The same for a parsed document, whose reference pg takes (doc is
 * released on failure too): "no 'results' array" when doc is not an
 * object with one.
 */
int	 mare_api_page_set(struct mare_api_page *pg,
	    enum mare_api_service svc, json_t *doc, const char *what,
	    struct mare_err *err);
/* Release the document and zero *pg; NULL is a no-op. */
void	 mare_api_page_release(struct mare_api_page *pg);

/*
 * Result i (< pg->nres), borrowed: NULL with "result I is not an object"
 * when it is not an object.
 */
json_t	*mare_api_page_result(const struct mare_api_page *pg, size_t i,
	    const char *what, struct mare_err *err);

/*
 * The OBIS cursor: *after is set to the "id" of the page's last result
 * (pointing into the page), or to NULL when the page has no results.
 * Returns 0, or -1 with "last result has no 'id': cannot page on".
 */
int	 mare_api_page_after(const struct mare_api_page *pg,
	    const char **after, const char *what, struct mare_err *err);

/*
 * One result object as a new record (record.h) with "source" set to
 * source: every member but "source" and nulls, under its Darwin Core
 * name when the term table knows it (mare_record_term_name()), else its
 * own; strings through mare_record_put() (so numeric terms become
 * numbers), other values as they are. NULL with err set on failure.
 */
json_t	*mare_api_record(const json_t *res, const char *source,
	    struct mare_err *err);

/*
 * The GBIF key of a result or a record written from one: "key" (a
 * non-negative integer), else "gbifID" (a non-negative integer or the
 * decimal digits of one, as GBIF's downloads give it). Returns 0, or -1
 * when there is none (not an error).
 */
int	 mare_api_gbif_key(const json_t *res, uint64_t *key);

/*
 * The "count" of a GBIF count response: 0, or -1 with "'count' is not a
 * count" when it is not a non-negative integer.
 */
int	 mare_api_count(const json_t *doc, unsigned long long *count,
	    const char *what, struct mare_err *err);

/* A download's status. Strings are owned, NULL when absent. */
struct mare_api_download {
	char		*status;
	char		*doi;
	char		*created;	/* "2025-09-04T10:11:12.000+00:00" */
	char		*link;		/* "downloadLink" */
	unsigned long long size;	/* bytes; 0 when unknown */
	unsigned long long total;	/* "totalRecords"; 0 when unknown */
};

/*
 * Fill *d from a download status object: "no 'status'" when it has no
 * string "status". The other members are optional (strings: NULL; size
 * and total: 0 unless a positive, respectively non-negative, integer).
 * On failure *d is left empty. Returns 0 or -1.
 */
int	 mare_api_download_set(struct mare_api_download *d, const json_t *doc,
	    const char *what, struct mare_err *err);
/* Free the strings and zero *d; NULL is a no-op. */
void	 mare_api_download_release(struct mare_api_download *d);

/*
 * The citation GBIF asks for, into buf (size bytes, truncated):
 * "GBIF.org (4 September 2025) GBIF Occurrence Download
 * https://doi.org/DOI", without the date when created (may be NULL) does
 * not start with YEAR-MONTH-DAY. doi NULL is taken as "".
 */
void	 mare_api_download_citation(const char *created, const char *doi,
	    char *buf, size_t size);

/*
 * The download key a download request answers with: the length of the
 * key at the start of body (NUL-terminated), which runs to the end of the
 * first line; 0 when there is none (an empty line, or one holding a
 * space, '/', '"' or '<': an error page rather than a key).
 */
size_t	 mare_api_download_key(const char *body);

#endif /* MARE_API_H */
