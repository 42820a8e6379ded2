/*
 * test-cache.c - the on-disk HTTP cache: keys, round trips, offline misses,
 * corrupt entries, seeding from recorded responses
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
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

static char *
norm(const char *url, struct mare_err *err)
{
	mare_err_init(err);
	return mare_cache_normalize_url(url, err);
}

static void
test_normalize_more(void)
{
	static const struct {
		const char *in, *out, *what;
	} cases[] = {
		{ "https://User:PW@Example.ORG:443/a?b=2&a=1",
		  "https://User:PW@example.org/a?a=1&b=2",
		  "userinfo kept as written, host lower-cased, :443 dropped" },
		{ "http://[::1]:80/x", "http://[::1]/x",
		  "IPv6 literal: :80 after ']' dropped" },
		{ "http://[::1]/x", "http://[::1]/x",
		  "IPv6 literal: the colons inside [] are not a port" },
		{ "http://[::1]:8080/x", "http://[::1]:8080/x",
		  "IPv6 literal: another port kept" },
		{ "http://h:/p", "http://h/p", "an empty port dropped" },
		{ "http://h/?a=1&ab=2&a", "http://h/?a=1&a&ab=2",
		  "a name that prefixes another sorts first; equal names "
		  "keep their order" },
		{ "http://h/p?&&b&", "http://h/p?b", "empty pieces dropped" }
	};
	struct mare_err err;
	size_t i;
	char *n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = norm(cases[i].in, &err);
		is_str(n, cases[i].out, "cache: %s", cases[i].what);
		free(n);
	}
	ok(norm("ht tp://x/", &err) == NULL && err.code == MARE_E_USAGE &&
	    strcmp(err.msg, "'ht tp://x/': not an absolute URL") == 0,
	    "cache: a space in the scheme is not an absolute URL");
	ok(norm("://x/", &err) == NULL && err.code == MARE_E_USAGE,
	    "cache: an empty scheme is not an absolute URL");
}

static void
write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || fputs(text, fp) < 0 || fclose(fp) != 0)
		abort();
}

/* A sparse file of size bytes (nothing is read before the size check). */
static void
sparse(const char *path, off_t size)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || ftruncate(fileno(fp), size) != 0 || fclose(fp) != 0)
		abort();
}

static void
test_files_more(void)
{
	const char *a = "http://127.0.0.1:9/a", *b = "http://127.0.0.1:9/b";
	struct mare_cache_entry ent;
	struct mare_cache *c;
	struct mare_err err;
	char dir[1024], path[1200], slashes[1200], want[1500], hex[65];
	char bhex[65], other[1300];
	size_t len;
	char *meta;

	snprintf(dir, sizeof(dir), "%s/more", tap_tmpdir());
	mare_err_init(&err);
	ok(mare_cache_open("", 0, &err) == NULL && err.code == MARE_E_USAGE &&
	    strcmp(err.msg, "cache: no folder given") == 0,
	    "cache: an empty folder name is a usage error");

	/* a regular file in the way */
	snprintf(path, sizeof(path), "%s/file", tap_tmpdir());
	write_text(path, "x");
	mare_err_init(&err);
	ok(mare_cache_open(path, 0, &err) == NULL &&
	    err.code == MARE_E_CANTCREAT && err.sys_errno == ENOTDIR,
	    "cache: a regular file as the folder is CANTCREAT (ENOTDIR)");
	snprintf(want, sizeof(want), "cannot create cache folder '%s'", path);
	is_str(err.msg, want, "cache: naming the file");
	snprintf(other, sizeof(other), "%s/sub", path);
	mare_err_init(&err);
	ok(mare_cache_open(other, 0, &err) == NULL &&
	    err.code == MARE_E_CANTCREAT && err.sys_errno == ENOTDIR,
	    "cache: a folder under a regular file cannot be made");
	snprintf(want, sizeof(want), "cannot create cache folder '%s'", other);
	is_str(err.msg, want, "cache: naming the folder it could not make");
	mare_err_init(&err);
	ok(mare_cache_open(path, MARE_CACHE_OFFLINE, &err) == NULL &&
	    err.code == MARE_E_NOINPUT && err.sys_errno == ENOTDIR,
	    "cache: offline, a regular file is NOINPUT (ENOTDIR)");
	snprintf(want, sizeof(want), "cache folder '%s'", path);
	is_str(err.msg, want, "cache: offline: naming it");

	/* trailing slashes are dropped: the warnings name DIR/ab/... */
	snprintf(slashes, sizeof(slashes), "%s///", dir);
	mare_err_init(&err);
	c = mare_cache_open(slashes, 0, &err);
	ok(c != NULL && mare_cache_put(c, a, 200, "d", "t", "body", 4,
	    &err) == 0, "cache: a folder given with trailing slashes works");
	mare_cache_key(a, hex, &err);
	mare_cache_key(b, bhex, &err);

	/* a's metadata under b's key */
	entry_path(path, sizeof(path), dir, hex, ".meta");
	meta = read_file(path, &len);
	snprintf(other, sizeof(other), "%s/%.2s", dir, bhex);
	mkdir(other, 0777);
	entry_path(other, sizeof(other), dir, bhex, ".meta");
	write_text(other, meta);
	free(meta);
	is_int(mare_cache_get(c, b, &ent, &err), 0, "cache: metadata of "
	    "another URL is a miss");
	snprintf(want, sizeof(want), "%s: metadata is for another URL", other);
	ok(ent.corrupt, "cache: flagged corrupt");
	is_str(ent.warning, want, "cache: the warning names the metadata "
	    "file, without the trailing slashes");
	mare_cache_entry_release(&ent);

	/* metadata over 1 MiB */
	sparse(other, ((off_t)1 << 20) + 1);
	is_int(mare_cache_get(c, b, &ent, &err), 0, "cache: metadata over "
	    "1 MiB is a miss");
	snprintf(want, sizeof(want), "%s: metadata too large", other);
	is_str(ent.warning, want, "cache: 'metadata too large'");
	mare_cache_entry_release(&ent);

	/* a's body missing, then over 256 MiB */
	entry_path(path, sizeof(path), dir, hex, ".json");
	unlink(path);
	is_int(mare_cache_get(c, a, &ent, &err), 0, "cache: a missing body "
	    "is a miss");
	snprintf(want, sizeof(want), "%s: body missing", path);
	is_str(ent.warning, want, "cache: 'body missing'");
	mare_cache_entry_release(&ent);
	sparse(path, ((off_t)256 << 20) + 1);
	is_int(mare_cache_get(c, a, &ent, &err), 0, "cache: a body over "
	    "256 MiB is a miss");
	snprintf(want, sizeof(want), "%s: body too large", path);
	is_str(ent.warning, want, "cache: 'body too large'");
	mare_cache_entry_release(&ent);

	/* seeding from a file over 256 MiB, and from a folder */
	snprintf(path, sizeof(path), "%s/huge.json", tap_tmpdir());
	sparse(path, ((off_t)256 << 20) + 1);
	mare_err_init(&err);
	ok(mare_cache_seed_file(c, b, path, NULL, &err) == -1 &&
	    err.code == MARE_E_DATA, "cache: seeding from 256 MiB + 1 is a "
	    "data error");
	snprintf(want, sizeof(want), "'%s': larger than 268435456 bytes",
	    path);
	is_str(err.msg, want, "cache: saying the limit");
	unlink(path);
	mare_err_init(&err);
	ok(mare_cache_seed_file(c, b, tap_tmpdir(), NULL, &err) == -1 &&
	    err.code == MARE_E_IO && err.sys_errno == EISDIR,
	    "cache: seeding from a folder is a read error (EISDIR)");
	snprintf(want, sizeof(want), "cannot read '%s'", tap_tmpdir());
	is_str(err.msg, want, "cache: naming the folder");

	/* a path through a regular file: fopen() fails with ENOTDIR */
	snprintf(path, sizeof(path), "%s/file/x.json", tap_tmpdir());
	mare_err_init(&err);
	ok(mare_cache_seed_file(c, b, path, NULL, &err) == -1 &&
	    err.code == MARE_E_IO && err.sys_errno == ENOTDIR,
	    "cache: seeding through a regular file is a read error (ENOTDIR)");
	snprintf(want, sizeof(want), "cannot read '%s'", path);
	is_str(err.msg, want, "cache: naming the path");

	/* folders where an entry's files go: errors, not misses */
	mare_err_init(&err);
	ok(mare_cache_put(c, a, 200, "d", "t", "body", 4, &err) == 0,
	    "cache: a is stored again");
	entry_path(path, sizeof(path), dir, hex, ".json");
	unlink(path);
	mkdir(path, 0777);
	mare_err_init(&err);
	ok(mare_cache_get(c, a, &ent, &err) == -1 && err.code == MARE_E_IO &&
	    err.sys_errno == EISDIR, "cache: a folder as the body is a read "
	    "error (EISDIR)");
	snprintf(want, sizeof(want), "cannot read '%s'", path);
	is_str(err.msg, want, "cache: naming the body path");
	mare_cache_entry_release(&ent);
	mare_err_init(&err);
	ok(mare_cache_put(c, a, 200, "d", "t", "body", 4, &err) == -1 &&
	    err.code == MARE_E_CANTCREAT, "cache: put cannot rename a body "
	    "over a folder");
	snprintf(want, sizeof(want), "cannot rename to '%s'", path);
	is_str(err.msg, want, "cache: naming the body path");
	rmdir(path);
	entry_path(path, sizeof(path), dir, hex, ".meta");
	unlink(path);
	mkdir(path, 0777);
	mare_err_init(&err);
	ok(mare_cache_get(c, a, &ent, &err) == -1 && err.code == MARE_E_IO &&
	    err.sys_errno == EISDIR, "cache: a folder as the metadata is a "
	    "read error (EISDIR)");
	mare_cache_entry_release(&ent);
	rmdir(path);

	/* a regular file where an entry's subfolder goes */
	snprintf(path, sizeof(path), "%s/%.2s", dir, bhex);
	entry_path(other, sizeof(other), dir, bhex, ".meta");
	unlink(other);
	rmdir(path);
	write_text(path, "x");
	mare_err_init(&err);
	ok(mare_cache_put(c, b, 200, NULL, NULL, "x", 1, &err) == -1 &&
	    err.code == MARE_E_CANTCREAT && err.sys_errno == ENOTDIR,
	    "cache: put fails when its subfolder is a regular file");
	snprintf(want, sizeof(want), "cannot create cache folder '%s'", path);
	is_str(err.msg, want, "cache: naming the subfolder");
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
	test_normalize_more();
	test_files_more();
	return tap_done();
}
