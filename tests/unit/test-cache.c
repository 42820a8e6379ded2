/*
 * test-cache.c - the on-disk HTTP cache: keys, round trips, offline misses,
 * corrupt entries, seeding from recorded responses
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "tap.h"

#define GBIF_URL "https://api.gbif.org/v1/occurrence/search?" \
	"occurrenceStatus=PRESENT&limit=5&offset=0&" \
	"scientificName=Accipiter%20striatus"
#define GBIF_FILE "gbif/occurrence_search/accipiter_striatus_limit5_offset0.json"

/* DIR/ab/cdef...SUFFIX for a key, into buf. */
static void
entry_path(char *buf, size_t size, const char *dir, const char *hex,
    const char *suffix)
{
	if (snprintf(buf, size, "%s/%.2s/%s%s", dir, hex, hex + 2, suffix) >=
	    (int)size)
		abort();
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, fp);
	buf[*len] = '\0';
	fclose(fp);
	return buf;
}

static void
test_normalize(void)
{
	struct mare_err err;
	char *n, hex[65];

	mare_err_init(&err);
	n = mare_cache_normalize_url(
	    "HTTPS://API.GBIF.org:443/v1/occurrence/search?taxonKey=3&limit=2"
	    "&offset=0&taxonKey=1#frag", &err);
	is_str(n, "https://api.gbif.org/v1/occurrence/search?limit=2&offset=0"
	    "&taxonKey=3&taxonKey=1",
	    "cache: normalise lower-cases scheme and host, drops :443 and the "
	    "fragment, sorts parameters stably");
	free(n);
	n = mare_cache_normalize_url("http://127.0.0.1:8080", &err);
	is_str(n, "http://127.0.0.1:8080/",
	    "cache: a non-default port stays, an empty path becomes /");
	free(n);
	n = mare_cache_normalize_url("http://Example.org:80/A?b=1&&a=2", &err);
	is_str(n, "http://example.org/A?a=2&b=1",
	    "cache: :80 dropped for http, empty parameters dropped, path "
	    "case kept");
	free(n);
	n = mare_cache_normalize_url("api.gbif.org/v1", &err);
	ok(n == NULL && err.code == MARE_E_USAGE,
	    "cache: a URL without a scheme is a usage error");
	is_str(err.msg, "'api.gbif.org/v1': not an absolute URL",
	    "cache: the message names the URL");

	/* Reference: printf %s URL | sha256sum */
	mare_err_init(&err);
	ok(mare_cache_key("http://example.org/", hex, &err) == 0,
	    "cache: key computed");
	is_str(hex,
	    "781bc04ec9bd049cdfacaec4ae2026102118d13c79413246f0c88eeef6ebec4e",
	    "cache: key is the SHA-256 of the normalised URL");
	ok(mare_cache_key("HTTP://EXAMPLE.ORG:80", hex, &err) == 0 &&
	    strcmp(hex, "781bc04ec9bd049cdfacaec4ae2026102118d13c79413246f0c88"
	    "eeef6ebec4e") == 0,
	    "cache: equivalent URLs share a key");
}

static void
test_round_trip(const char *dir)
{
	struct mare_err err;
	struct mare_cache *c;
	struct mare_cache_entry ent;
	const char body[] = "{\"results\":[]}";
	const char *url = "http://127.0.0.1:9/v1/x?b=2&a=1";
	char hex[65], path[1024];
	struct stat st;

	mare_err_init(&err);
	c = mare_cache_open(dir, 0, &err);
	ok(c != NULL, "cache: open creates the folder");
	is_int(mare_cache_get(c, url, &ent, &err), 0,
	    "cache: get before put is a miss");
	ok(!ent.corrupt, "cache: a plain miss is not flagged corrupt");
	is_int(mare_cache_put(c, url, 200, "Tue, 01 Jan 2030 00:00:00 GMT",
	    "application/json", body, strlen(body), &err), 0,
	    "cache: put succeeds");
	is_int(mare_cache_get(c, "http://127.0.0.1:9/v1/x?a=1&b=2", &ent,
	    &err), 1, "cache: get with reordered parameters hits");
	is_int((long long)ent.len, (long long)strlen(body),
	    "cache: body length round-trips");
	is_str(ent.body, body, "cache: body round-trips");
	is_int(ent.status, 200, "cache: status round-trips");
	is_str(ent.date, "Tue, 01 Jan 2030 00:00:00 GMT",
	    "cache: date round-trips");
	is_str(ent.content_type, "application/json",
	    "cache: content type round-trips");
	is_str(ent.url, "http://127.0.0.1:9/v1/x?a=1&b=2",
	    "cache: the entry holds the normalised URL");
	mare_cache_entry_release(&ent);

	mare_cache_key(url, hex, &err);
	entry_path(path, sizeof(path), dir, hex, ".json");
	ok(stat(path, &st) == 0 && st.st_size == (off_t)strlen(body),
	    "cache: body stored at DIR/ab/cdef....json");

	/* Empty body */
	is_int(mare_cache_put(c, "http://127.0.0.1:9/empty", 204, NULL, NULL,
	    NULL, 0, &err), 0, "cache: an empty body can be stored");
	is_int(mare_cache_get(c, "http://127.0.0.1:9/empty", &ent, &err), 1,
	    "cache: an empty body hits");
	ok(ent.len == 0 && ent.body[0] == '\0' && ent.date[0] == '\0',
	    "cache: empty body and missing date come back empty");
	mare_cache_entry_release(&ent);
	mare_cache_close(c);
}

static void
test_corrupt(const char *dir)
{
	struct mare_err err;
	struct mare_cache *c;
	struct mare_cache_entry ent;
	const char *url = "http://127.0.0.1:9/corrupt";
	char hex[65], path[1024], want[1200];
	FILE *fp;

	mare_err_init(&err);
	c = mare_cache_open(dir, 0, &err);
	mare_cache_put(c, url, 200, NULL, "text/plain", "hello", 5, &err);
	mare_cache_key(url, hex, &err);
	entry_path(path, sizeof(path), dir, hex, ".json");
	fp = fopen(path, "wb");
	fputs("jello", fp);
	fclose(fp);
	is_int(mare_cache_get(c, url, &ent, &err), 0,
	    "cache: a body that changed on disk is a miss");
	ok(ent.corrupt, "cache: the miss is flagged corrupt");
	snprintf(want, sizeof(want), "%s: body hash differs from its metadata",
	    path);
	is_str(ent.warning, want, "cache: the warning names the file");
	ok(!mare_err_failed(&err), "cache: a corrupt entry is not an error");

	fp = fopen(path, "wb");
	fputs("hello!", fp);
	fclose(fp);
	mare_cache_get(c, url, &ent, &err);
	ok(ent.corrupt && strstr(ent.warning, "body size differs") != NULL,
	    "cache: a body of the wrong size is corrupt");

	entry_path(path, sizeof(path), dir, hex, ".meta");
	fp = fopen(path, "wb");
	fputs("{\"url\":", fp);
	fclose(fp);
	mare_cache_get(c, url, &ent, &err);
	ok(ent.corrupt && strstr(ent.warning, "unreadable metadata") != NULL,
	    "cache: truncated metadata is corrupt");

	is_int(mare_cache_put(c, url, 200, NULL, "text/plain", "hello", 5,
	    &err), 0, "cache: a corrupt entry is replaced by put");
	is_int(mare_cache_get(c, url, &ent, &err), 1,
	    "cache: the replaced entry hits");
	mare_cache_entry_release(&ent);
	mare_cache_close(c);
}

static void
test_offline(const char *dir, const char *srcdir)
{
	struct mare_err err;
	struct mare_cache *c;
	struct mare_cache_entry ent;
	char path[1024], *want;
	size_t wantlen;

	mare_err_init(&err);
	c = mare_cache_open(dir, 0, &err);
	snprintf(path, sizeof(path), "%s/tests/data/%s", srcdir, GBIF_FILE);
	is_int(mare_cache_seed_file(c, GBIF_URL, path, "application/json",
	    &err), 0, "cache: seeded from the recorded GBIF page");
	mare_cache_close(c);

	c = mare_cache_open(dir, MARE_CACHE_OFFLINE, &err);
	ok(c != NULL, "cache: offline open of an existing folder");
	is_int(mare_cache_get(c, GBIF_URL, &ent, &err), 1,
	    "cache: offline hit on the seeded URL");
	want = read_file(path, &wantlen);
	ok(want != NULL && ent.len == wantlen &&
	    memcmp(ent.body, want, wantlen) == 0,
	    "cache: the seeded body is the recorded file byte for byte");
	free(want);
	mare_cache_entry_release(&ent);

	is_int(mare_cache_get(c, "http://127.0.0.1:9/nope?x=1", &ent, &err),
	    -1, "cache: offline miss is an error");
	is_int(err.code, MARE_E_NOINPUT, "cache: offline miss is NOINPUT");
	is_str(err.msg, "not in cache (offline): http://127.0.0.1:9/nope?x=1",
	    "cache: offline miss message names the URL");
	mare_err_init(&err);
	is_int(mare_cache_put(c, "http://127.0.0.1:9/x", 200, NULL, NULL, "",
	    0, &err), -1, "cache: offline put is refused");
	mare_cache_close(c);

	mare_err_init(&err);
	if (snprintf(path, sizeof(path), "%s/missing", dir) >=
	    (int)sizeof(path))
		abort();
	ok(mare_cache_open(path, MARE_CACHE_OFFLINE, &err) == NULL &&
	    err.code == MARE_E_NOINPUT,
	    "cache: offline open of a missing folder is NOINPUT");

	mare_err_init(&err);
	c = mare_cache_open(dir, 0, &err);
	is_int(mare_cache_seed_file(c, GBIF_URL, "/nonexistent/x.json", NULL,
	    &err), -1, "cache: seeding from a missing file fails");
	is_int(err.code, MARE_E_NOINPUT, "cache: ... with NOINPUT");
	mare_cache_close(c);
}

int
main(void)
{
	const char *srcdir = getenv("MARE_SRCDIR");
	char dir[1024];

	if (srcdir == NULL)
		srcdir = ".";
	test_normalize();
	snprintf(dir, sizeof(dir), "%s/cache/a/b", tap_tmpdir());
	test_round_trip(dir);
	test_corrupt(dir);
	snprintf(dir, sizeof(dir), "%s/offline", tap_tmpdir());
	test_offline(dir, srcdir);
	return tap_done();
}
