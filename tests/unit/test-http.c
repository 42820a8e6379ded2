/*
 * test-http.c - the HTTP client against tests/cli/httpd.py on 127.0.0.1:
 * recorded bodies, every injected fault survived, permanent errors,
 * exhaustion, the circuit breaker, the rate limit, POST
 *
 * The server is started once (python3, --port-file in tap_tmpdir()); each
 * test resets its fault rules and log through POST /_control and then
 * counts the requests the server saw in its log. Without python3 the whole
 * program is skipped. Nothing leaves the loopback interface: the proxy
 * variables are cleared and NO_PROXY is "*".
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "tap.h"

#define ACC_QUERY "/v1/occurrence/search?scientificName=Accipiter%20striatus" \
	"&limit=5&offset=5"
#define ACC_FILE "gbif/occurrence_search/accipiter_striatus_limit5_offset5.json"
#define ENC_QUERY "/v1/occurrence/search?taxonKey=3118771&limit=250" \
	"&offset=250"
#define ENC_FILE "gbif/occurrence_search/" \
	"encelia_californica_taxonKey3118771_limit250_offset250.json"
#define SEARCH "/v1/occurrence/search"

static pid_t server;
static char base[64];
static char logpath[1100];
static const char *srcdir;
static char results_key[] = "results";

static void
xsnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
xsnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		abort();
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

/* The recorded body of a file under tests/data. */
static char *
recorded(const char *file, size_t *len)
{
	char path[1024];

	xsnprintf(path, sizeof(path), "%s/tests/data/%s", srcdir, file);
	return read_file(path, len);
}

/* Start httpd.py; returns 0, or -1 when python3 cannot run it. */
static int
start_server(void)
{
	const char *py = getenv("PYTHON3");
	char script[1024], data[1024], portfile[1100], *s;
	double t0;
	size_t len;
	int status;
	pid_t pid;

	if (py == NULL || py[0] == '\0')
		py = "python3";
	xsnprintf(script, sizeof(script), "%s/tests/cli/httpd.py", srcdir);
	xsnprintf(data, sizeof(data), "%s/tests/data", srcdir);
	xsnprintf(portfile, sizeof(portfile), "%s/port", tap_tmpdir());
	xsnprintf(logpath, sizeof(logpath), "%s/httpd.log", tap_tmpdir());
	fflush(stdout);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(127);
		execlp(py, py, script, "--data", data, "--port-file", portfile,
		    "--log", logpath, "--max-seconds", "120", (char *)NULL);
		_exit(127);
	}
	server = pid;
	for (t0 = now(); now() - t0 < 20; ) {
		if ((s = read_file(portfile, &len)) != NULL) {
			xsnprintf(base, sizeof(base), "http://127.0.0.1:%d",
			    atoi(s));
			free(s);
			return 0;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			server = 0;
			return -1;
		}
		usleep(20000);
	}
	return -1;
}

static void
stop_server(void)
{
	int status;

	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, &status, 0);
		server = 0;
	}
}

/* Reset the server's rules and log, then install faults (a JSON list). */
static void
control(const char *faults)
{
	struct mare_http *h;
	struct mare_http_response r;
	struct mare_err err;
	char url[128], *doc;
	size_t n = strlen(faults) + 64;

	mare_err_init(&err);
	doc = malloc(n);
	xsnprintf(doc, n, "{\"reset\": true, \"faults\": %s}", faults);
	xsnprintf(url, sizeof(url), "%s/_control", base);
	h = mare_http_new(NULL, &err);
	if (h == NULL || mare_http_post_json(h, url, doc, NULL, NULL, &r,
	    &err) != 0)
		diag("control failed: %s", err.msg);
	mare_http_response_release(&r);
	mare_http_free(h);
	free(doc);
}

/* Requests logged for path (all, or those with the given fault). */
static int
logged(const char *path, const char *fault)
{
	FILE *fp = fopen(logpath, "r");
	char line[4096], *f[6], *p;
	int n = 0, i;

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		for (i = 0, p = line; i < 6 && p != NULL; i++) {
			f[i] = p;
			if ((p = strchr(p, '\t')) != NULL)
				*p++ = '\0';
		}
		if (i < 5)
			continue;
		if (strcmp(f[1], path) == 0 &&
		    (fault == NULL || strcmp(f[3], fault) == 0))
			n++;
	}
	fclose(fp);
	return n;
}

/* A fast handle: 10 ms backoff base, no breaker unless asked. */
static struct mare_http *
fast_handle(int retries, int breaker, long timeout_ms)
{
	struct mare_http_opts o;
	struct mare_err err;

	mare_http_opts_init(&o);
	o.backoff_base_ms = 10;
	o.backoff_cap_ms = 100;
	o.max_retries = retries;
	o.breaker_threshold = breaker;
	o.timeout_ms = timeout_ms;
	o.connect_timeout_ms = 2000;
	o.seed = 42;
	mare_err_init(&err);
	return mare_http_new(&o, &err);
}

/*
 * GET path with a fault script; check the body equals the recorded file.
 * Returns the elapsed seconds.
 */
static double
survive(const char *name, const char *faults, const char *path,
    const char *file, long timeout_ms, int want_attempts)
{
	struct mare_http *h = fast_handle(5, 0, timeout_ms);
	struct mare_http_response r;
	struct mare_err err;
	char url[512], *want;
	size_t wantlen;
	double t0, dt;
	int rc;

	control(faults);
	mare_err_init(&err);
	mare_http_set_validator(h, mare_http_valid_json_object, results_key);
	xsnprintf(url, sizeof(url), "%s%s", base, path);
	want = recorded(file, &wantlen);
	t0 = now();
	rc = mare_http_get(h, url, &r, &err);
	dt = now() - t0;
	if (!ok(rc == 0, "http: %s: survived", name))
		diag("%s", err.msg);
	ok(want != NULL && r.len == wantlen &&
	    memcmp(r.body, want, wantlen) == 0,
	    "http: %s: body is the recorded file byte for byte", name);
	is_int(r.attempts, want_attempts, "http: %s: attempts", name);
	is_int(logged(SEARCH, NULL), want_attempts,
	    "http: %s: the server saw %d requests", name, want_attempts);
	free(want);
	mare_http_response_release(&r);
	mare_http_free(h);
	return dt;
}

static void
test_faults(void)
{
	double dt;

	survive("clean GET", "[]", ENC_QUERY, ENC_FILE, 5000, 1);
	is_int(logged(SEARCH, "-"), 1, "http: clean GET: no fault fired");
	survive("503 x3 then OK",
	    "[{\"path\": \"" SEARCH "\", \"fault\": \"status\", "
	    "\"status\": 503, \"times\": 3}]", ACC_QUERY, ACC_FILE, 5000, 4);
	is_int(logged(SEARCH, "status"), 3, "http: 503 x3: three 503s logged");
	dt = survive("429 with Retry-After: 1",
	    "[{\"path\": \"" SEARCH "\", \"fault\": \"status\", "
	    "\"status\": 429, \"retry_after\": \"1\"}]",
	    ACC_QUERY, ACC_FILE, 5000, 2);
	ok(dt >= 1.0, "http: 429: waited at least the Retry-After second "
	    "(%.3f s)", dt);
	survive("connection reset mid-body",
	    "[{\"path\": \"" SEARCH "\", \"fault\": \"reset\"}]",
	    ENC_QUERY, ENC_FILE, 5000, 2);
	survive("truncated body",
	    "[{\"path\": \"" SEARCH "\", \"fault\": \"truncate\", "
	    "\"times\": 2}]", ACC_QUERY, ACC_FILE, 5000, 3);
	dt = survive("slow response past a 1 s timeout",
	    "[{\"path\": \"" SEARCH "\", \"fault\": \"slow\", "
	    "\"delay\": 2.5}]", ACC_QUERY, ACC_FILE, 1000, 2);
	ok(dt >= 1.0 && dt < 2.5,
	    "http: slow: the attempt was cut at the 1 s timeout (%.3f s)", dt);
	survive("HTML 200 page rejected by the validator",
	    "[{\"path\": \"" SEARCH "\", \"fault\": \"html\"}]",
	    ACC_QUERY, ACC_FILE, 5000, 2);
	dt = survive("503 with a Retry-After HTTP-date in the past",
	    "[{\"path\": \"" SEARCH "\", \"fault\": \"status\", "
	    "\"retry_after\": \"Wed, 21 Oct 2015 07:28:00 GMT\"}]",
	    ACC_QUERY, ACC_FILE, 5000, 2);
	ok(dt < 1.0, "http: a past HTTP-date means no extra wait (%.3f s)", dt);
	survive("the issue's sequence 503, 429, truncated",
	    "[{\"path\": \"" SEARCH "\", \"fault\": \"status\"},"
	    " {\"path\": \"" SEARCH "\", \"fault\": \"status\", \"status\": 429},"
	    " {\"path\": \"" SEARCH "\", \"fault\": \"truncate\"}]",
	    ENC_QUERY, ENC_FILE, 5000, 4);
}

static void
test_gzip(void)
{
	FILE *fp;
	char line[4096];
	int gz = 0;

	survive("gzip response", "[]", ENC_QUERY, ENC_FILE, 5000, 1);
	if ((fp = fopen(logpath, "r")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL)
			gz += strstr(line, "\tgzip\t") != NULL;
		fclose(fp);
	}
	is_int(gz, 1, "http: gzip: the server sent it gzip-encoded");
}

static void
test_no_validator(void)
{
	struct mare_http *h = fast_handle(5, 0, 5000);
	struct mare_http_response r;
	struct mare_err err;
	char url[512];

	control("[{\"path\": \"" SEARCH "\", \"fault\": \"html\"}]");
	mare_err_init(&err);
	xsnprintf(url, sizeof(url), "%s%s", base, ACC_QUERY);
	is_int(mare_http_get(h, url, &r, &err), 0,
	    "http: without a validator an HTML 200 is a success");
	ok(r.len > 9 && strncmp(r.body, "<!DOCTYPE", 9) == 0,
	    "http: ... and its body is the HTML page");
	is_str(r.content_type, "text/html; charset=utf-8",
	    "http: Content-Type is reported");
	mare_http_response_release(&r);
	mare_http_free(h);
}

static void
test_permanent(void)
{
	struct mare_http *h = fast_handle(5, 0, 5000);
	struct mare_http_response r;
	struct mare_err err;
	char url[512], want[700];

	control("[]");
	mare_err_init(&err);
	xsnprintf(url, sizeof(url), "%s%s", base, SEARCH
	    "?decimalLatitude=334&limit=500");
	is_int(mare_http_get(h, url, &r, &err), -1,
	    "http: 400: the call fails");
	is_int(mare_err_exit_status(err.code), 69, "http: 400: exit 69");
	xsnprintf(want, sizeof(want), "GET %s: 400 Bad Request: 334 is not "
	    "valid value, latitude must be between -90 and 90.", url);
	is_str(err.msg, want, "http: 400: GBIF's message");
	is_int(logged(SEARCH, NULL), 1, "http: 400: not retried");
	ok(r.body == NULL && r.len == 0, "http: 400: response left empty");

	control("[]");
	mare_err_init(&err);
	xsnprintf(url, sizeof(url), "%s/v1/nothing/here", base);
	is_int(mare_http_get(h, url, &r, &err), -1, "http: 404 fails");
	xsnprintf(want, sizeof(want), "GET %s: 404 Not Found: {\"error\": "
	    "\"not recorded\", \"path\": \"/v1/nothing/here\", \"query\": "
	    "\"\"}", url);
	is_str(err.msg, want, "http: 404: the body's first line is shown");
	mare_http_free(h);
}

static void
test_exhaustion(void)
{
	struct mare_http *h = fast_handle(5, 0, 5000);
	struct mare_http_response r;
	struct mare_http_stats st;
	struct mare_err err;
	char url[512], want[700];

	control("[{\"path\": \"" SEARCH "\", \"fault\": \"status\", "
	    "\"times\": 100}]");
	mare_err_init(&err);
	xsnprintf(url, sizeof(url), "%s%s", base, ACC_QUERY);
	is_int(mare_http_get(h, url, &r, &err), -1,
	    "http: 503 forever: fails");
	is_int(mare_err_exit_status(err.code), 75, "http: exhaustion: exit 75");
	xsnprintf(want, sizeof(want),
	    "GET %s: 503 Service Unavailable after 6 attempts", url);
	is_str(err.msg, want, "http: exhaustion: message with the attempts");
	is_int(logged(SEARCH, NULL), 6, "http: exhaustion: 6 requests seen");
	mare_http_get_stats(h, &st);
	is_int((long long)st.requests, 6, "http: stats: 6 requests");
	is_int((long long)st.retries, 5, "http: stats: 5 retries");
	is_int((long long)st.by_class[5], 6, "http: stats: six 5xx");
	mare_http_free(h);

	/* Validator exhaustion names the reason. */
	h = fast_handle(1, 0, 5000);
	mare_http_set_validator(h, mare_http_valid_json_object, results_key);
	control("[{\"path\": \"" SEARCH "\", \"fault\": \"html\", "
	    "\"times\": 100}]");
	mare_err_init(&err);
	is_int(mare_http_get(h, url, &r, &err), -1,
	    "http: HTML forever: fails");
	xsnprintf(want, sizeof(want), "GET %s: 200 OK with an unexpected body "
	    "(not JSON: '[' or '{' expected near '<' at offset 1) after 2 attempts",
	    url);
	is_str(err.msg, want, "http: HTML forever: message says why");
	is_int(err.code, MARE_E_TEMPFAIL, "http: HTML forever: TEMPFAIL");
	mare_http_free(h);
}

static void
test_breaker(void)
{
	struct mare_http *h = fast_handle(1, 2, 5000);
	struct mare_http_response r;
	struct mare_http_stats st;
	struct mare_err err;
	char url[512], want[700];

	control("[{\"path\": \"" SEARCH "\", \"fault\": \"status\", "
	    "\"times\": 100}]");
	xsnprintf(url, sizeof(url), "%s%s", base, ACC_QUERY);
	mare_err_init(&err);
	mare_http_get(h, url, &r, &err);
	mare_err_init(&err);
	mare_http_get(h, url, &r, &err);
	is_int(logged(SEARCH, NULL), 4, "http: breaker: two calls, 4 requests");
	mare_err_init(&err);
	is_int(mare_http_get(h, url, &r, &err), -1,
	    "http: breaker: third call fails");
	is_int(err.code, MARE_E_TEMPFAIL, "http: breaker: TEMPFAIL");
	xsnprintf(want, sizeof(want),
	    "GET %s: circuit open for 127.0.0.1 after 2 failures", url);
	is_str(err.msg, want, "http: breaker: message");
	is_int(logged(SEARCH, NULL), 4,
	    "http: breaker: the open circuit sent nothing");
	mare_http_get_stats(h, &st);
	is_int((long long)st.breaker_rejects, 1, "http: breaker: counted");
	mare_http_free(h);

	/* A success closes it again: threshold 2, fail, succeed, fail. */
	h = fast_handle(0, 2, 5000);
	control("[{\"path\": \"" SEARCH "\", \"fault\": \"status\", "
	    "\"on\": [1, 3]}]");
	mare_err_init(&err);
	mare_http_get(h, url, &r, &err);
	mare_err_init(&err);
	ok(mare_http_get(h, url, &r, &err) == 0, "http: breaker: a success");
	mare_http_response_release(&r);
	mare_err_init(&err);
	mare_http_get(h, url, &r, &err);
	mare_err_init(&err);
	ok(mare_http_get(h, url, &r, &err) == 0,
	    "http: breaker: a success resets the count");
	mare_http_response_release(&r);
	mare_http_free(h);
}

static void
test_rate(void)
{
	struct mare_http_opts o;
	struct mare_http *h;
	struct mare_http_response r;
	struct mare_err err;
	char url[512];
	double t0, dt;
	int i, okc = 0;

	control("[]");
	mare_http_opts_init(&o);
	o.rate = 10;
	mare_err_init(&err);
	h = mare_http_new(&o, &err);
	xsnprintf(url, sizeof(url), "%s/v1/species/match?name=Helianthus"
	    "+annuus&strict=false&verbose=false", base);
	t0 = now();
	for (i = 0; i < 5; i++) {
		okc += mare_http_get(h, url, &r, &err) == 0;
		mare_http_response_release(&r);
	}
	dt = now() - t0;
	is_int(okc, 5, "http: rate: 5 requests succeeded");
	ok(dt >= 0.4, "http: rate: 5 requests at 10/s took %.3f s >= 0.4 s",
	    dt);
	is_int(logged("/v1/species/match", NULL), 5,
	    "http: rate: 5 requests seen");
	mare_http_free(h);
}

static void
test_post(void)
{
	struct mare_http *h = fast_handle(2, 0, 5000);
	struct mare_http_response r;
	struct mare_err err;
	char url[512];

	control("[{\"path\": \"/_echo\", \"fault\": \"status\", "
	    "\"status\": 503}]");
	mare_err_init(&err);
	xsnprintf(url, sizeof(url), "%s/_echo", base);
	is_int(mare_http_post_json(h, url, "{\"format\":\"DWCA\"}", "user",
	    "pass", &r, &err), 0, "http: POST succeeds after a 503");
	is_int(r.attempts, 2, "http: POST: retried once on 503");
	like(r.body, "\"method\": \"POST\"", "http: POST: method");
	like(r.body, "\"body\": \"{\\\"format\\\":\\\"DWCA\\\"}\"",
	    "http: POST: the JSON body arrived");
	like(r.body, "\"Authorization\": \"Basic dXNlcjpwYXNz\"",
	    "http: POST: basic auth (user:pass)");
	like(r.body, "\"Content-Type\": \"application/json\"",
	    "http: POST: JSON content type");
	like(r.body, "\"User-Agent\": \"" MARE_HTTP_USER_AGENT "\"",
	    "http: the user agent is mare's");
	mare_http_response_release(&r);

	/* A POST is not retried after a 500: it may have been acted on. */
	control("[{\"path\": \"/_echo\", \"fault\": \"status\", "
	    "\"status\": 500}]");
	mare_err_init(&err);
	is_int(mare_http_post_json(h, url, "{}", NULL, NULL, &r, &err), -1,
	    "http: POST: a 500 fails");
	is_int(logged("/_echo", NULL), 1, "http: POST: ... without a retry");
	mare_http_free(h);
}

/* The file at path equals want[0..len)? */
static int
same_file(const char *path, const char *want, size_t len)
{
	size_t n;
	char *got = read_file(path, &n);
	int same = got != NULL && n == len && memcmp(got, want, len) == 0;

	free(got);
	return same;
}

static void
test_download(void)
{
	struct mare_http *h = fast_handle(3, 0, 5000);
	struct mare_err err;
	unsigned long long got = 0;
	char url[512], zpath[1024], path[1024], *zip;
	size_t zlen;
	FILE *fp;

	xsnprintf(zpath, sizeof(zpath), "%s/tests/data/dwca/"
	    "gbif_download_2013_tetraodon_fluviatilis_dwca.zip", srcdir);
	zip = read_file(zpath, &zlen);
	xsnprintf(url, sizeof(url), "%s/v1/occurrence/download/request/"
	    "0012150-260108223611665.zip", base);
	xsnprintf(path, sizeof(path), "%s/dl.zip", tap_tmpdir());
	control("[]");
	mare_err_init(&err);
	unlink(path);
	is_int(mare_http_download(h, url, path, zlen, &got, &err), 0,
	    "http: download: a whole file");
	is_int((int)got, (int)zlen, "http: download: ... its size");
	ok(same_file(path, zip, zlen), "http: download: ... its bytes");

	/* a file already holding the first 1000 bytes: only the rest */
	fp = fopen(path, "wb");
	fwrite(zip, 1, 1000, fp);
	fclose(fp);
	is_int(mare_http_download(h, url, path, zlen, &got, &err), 0,
	    "http: download: resumed from 1000 bytes");
	ok(same_file(path, zip, zlen), "http: download: ... the same bytes");

	/* a reset mid-body: the retry asks for the rest */
	control("[{\"path\": \"/v1/occurrence/download/request/"
	    "0012150-260108223611665.zip\", \"fault\": \"reset\"}]");
	unlink(path);
	is_int(mare_http_download(h, url, path, zlen, &got, &err), 0,
	    "http: download: a reset mid-body is resumed");
	is_int(logged("/v1/occurrence/download/request/"
	    "0012150-260108223611665.zip", NULL), 2,
	    "http: download: ... with a second request");
	ok(same_file(path, zip, zlen), "http: download: ... the same bytes");

	/* a file longer than the size starts over */
	fp = fopen(path, "ab");
	fputs("trailing junk", fp);
	fclose(fp);
	is_int(mare_http_download(h, url, path, zlen, &got, &err), 0,
	    "http: download: a file too long starts over");
	ok(same_file(path, zip, zlen), "http: download: ... the same bytes");

	/* the server has fewer bytes than said: an error, not success */
	unlink(path);
	mare_err_init(&err);
	is_int(mare_http_download(h, url, path, zlen + 10, &got, &err), -1,
	    "http: download: fewer bytes than the size fails");
	is_int(err.code, MARE_E_UNAVAILABLE, "http: download: ... as "
	    "unavailable");
	like(err.msg, "416", "http: download: ... saying 416");
	free(zip);
	mare_http_free(h);
}

static void
test_misc(void)
{
	struct mare_http_opts o;
	struct mare_http *h;
	struct mare_http_response r;
	struct mare_err err;
	char url[512], want[600];
	double t0, dt;

	/* Body cap */
	control("[]");
	mare_http_opts_init(&o);
	o.max_body = 1000;
	mare_err_init(&err);
	h = mare_http_new(&o, &err);
	xsnprintf(url, sizeof(url), "%s%s", base, ENC_QUERY);
	is_int(mare_http_get(h, url, &r, &err), -1,
	    "http: a body over the cap fails");
	is_int(err.code, MARE_E_DATA, "http: ... with a data error");
	xsnprintf(want, sizeof(want),
	    "GET %s: response body larger than 1000 bytes", url);
	is_str(err.msg, want, "http: ... saying the cap");
	mare_http_free(h);

	/* OBIS after-paging served from the id-sorted recording */
	control("[]");
	h = fast_handle(0, 0, 5000);
	mare_err_init(&err);
	xsnprintf(url, sizeof(url), "%s/v3/occurrence?size=2&after="
	    "00000002-3cef-4bc1-8540-2c20b4798855", base);
	is_int(mare_http_get(h, url, &r, &err), 0, "http: OBIS after page");
	like(r.body, "{\"total\":162127036,\"results\":[{",
	    "http: OBIS page keeps the total");
	like(r.body, "\"id\":\"0000002b-29da-4dcd-a746-0df7c314010f\"",
	    "http: OBIS page starts after the cursor");
	mare_http_response_release(&r);
	mare_http_free(h);

	/* Retry-After is capped by retry_after_max_ms */
	control("[{\"path\": \"" SEARCH "\", \"fault\": \"status\", "
	    "\"status\": 429, \"retry_after\": \"3600\"}]");
	mare_http_opts_init(&o);
	o.backoff_base_ms = 10;
	o.retry_after_max_ms = 300;
	mare_err_init(&err);
	h = mare_http_new(&o, &err);
	xsnprintf(url, sizeof(url), "%s%s", base, ACC_QUERY);
	t0 = now();
	is_int(mare_http_get(h, url, &r, &err), 0,
	    "http: 429 with Retry-After: 3600 and a 300 ms cap succeeds");
	dt = now() - t0;
	ok(dt >= 0.3 && dt < 3.0,
	    "http: ... after waiting the capped 0.3 s (%.3f s)", dt);
	mare_http_response_release(&r);
	mare_http_free(h);

	/* Bad options and URLs */
	mare_http_opts_init(&o);
	o.max_retries = -1;
	mare_err_init(&err);
	ok(mare_http_new(&o, &err) == NULL && err.code == MARE_E_USAGE,
	    "http: a negative retry count is refused");
	h = fast_handle(0, 0, 5000);
	mare_err_init(&err);
	is_int(mare_http_get(h, "not a url", &r, &err), -1,
	    "http: a malformed URL fails");
	is_str(err.msg, "GET not a url: not a valid URL",
	    "http: ... with a clear message");
	mare_err_init(&err);
	is_int(mare_http_get(h, "ftp://127.0.0.1:1/x", &r, &err), -1,
	    "http: a non-HTTP scheme is refused");
	is_int(err.code, MARE_E_UNAVAILABLE, "http: ... as unavailable");
	mare_http_free(h);
}

/*
 * A bare server on 127.0.0.1 answering "GET /s/NNN" with the status line
 * "HTTP/1.1 NNN" and nothing after the code (as HTTP/2 sends no reason
 * phrase), an empty body, and closing. Its port, or -1.
 */
static pid_t bare;

static int
start_bare(void)
{
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);
	int fd, c;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(fd, 8) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &salen) != 0) {
		close(fd);
		return -1;
	}
	fflush(stdout);
	if ((bare = fork()) < 0) {
		close(fd);
		return -1;
	}
	if (bare == 0) {
		for (;;) {
			char req[2048], resp[128];
			size_t n = 0;
			ssize_t k;
			int code = 500;

			if ((c = accept(fd, NULL, NULL)) < 0)
				_exit(0);
			while (n + 1 < sizeof(req) && (k = read(c, req + n,
			    sizeof(req) - 1 - n)) > 0) {
				n += (size_t)k;
				req[n] = '\0';
				if (strstr(req, "\r\n\r\n") != NULL)
					break;
			}
			req[n] = '\0';
			if (strncmp(req, "GET /s/", 7) == 0)
				code = atoi(req + 7);
			if (strncmp(req, "GET /big ", 9) == 0) {
				/* 2000 bytes, no Content-Length: the
				 * body ends when the connection does */
				char body[2000];

				memset(body, 'x', sizeof(body));
				snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK"
				    "\r\nConnection: close\r\n\r\n");
				if (write(c, resp, strlen(resp)) < 0 ||
				    write(c, body, sizeof(body)) < 0)
					_exit(1);
				close(c);
				continue;
			}
			if (strncmp(req, "GET /z ", 7) == 0)
				/* the whole body, whatever Range asked */
				snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK"
				    "\r\nContent-Length: 10\r\nConnection: "
				    "close\r\n\r\n0123456789");
			else
				snprintf(resp, sizeof(resp), "HTTP/1.1 %d\r\n"
				    "Content-Length: 0\r\nConnection: close"
				    "\r\n\r\n", code);
			if (write(c, resp, strlen(resp)) < 0)
				_exit(1);
			close(c);
		}
	}
	close(fd);
	return ntohs(sa.sin_port);
}

static void
test_reason_phrases(void)
{
	static const struct {
		long status;
		const char *text;
	} st[] = {
		{ 400, "400 Bad Request" },
		{ 401, "401 Unauthorized" },
		{ 403, "403 Forbidden" },
		{ 404, "404 Not Found" },
		{ 408, "408 Request Timeout" },
		{ 410, "410 Gone" },
		{ 413, "413 Content Too Large" },
		{ 414, "414 URI Too Long" },
		{ 418, "418" },
		{ 422, "422 Unprocessable Content" },
		{ 429, "429 Too Many Requests" },
		{ 500, "500 Internal Server Error" },
		{ 501, "501 Not Implemented" },
		{ 502, "502 Bad Gateway" },
		{ 503, "503 Service Unavailable" },
		{ 504, "504 Gateway Timeout" }
	};
	struct mare_http_response r;
	struct mare_http *h;
	struct mare_err err;
	char url[128], want[300];
	int port, status;
	size_t i;

	if ((port = start_bare()) < 0) {
		skip("no socket", "http: reason phrases of a bare status "
		    "line");
		return;
	}
	h = fast_handle(0, 0, 5000);
	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		xsnprintf(url, sizeof(url), "http://127.0.0.1:%d/s/%ld", port,
		    st[i].status);
		mare_err_init(&err);
		is_int(mare_http_get(h, url, &r, &err), -1, "http: %ld "
		    "without a reason phrase fails", st[i].status);
		/* 408, 429 and 5xx but 501 are retried: no retry left */
		if (st[i].status == 408 || st[i].status == 429 ||
		    (st[i].status >= 500 && st[i].status != 501))
			xsnprintf(want, sizeof(want), "GET %s: %s after 1 "
			    "attempt", url, st[i].text);
		else
			xsnprintf(want, sizeof(want), "GET %s: %s", url,
			    st[i].text);
		is_str(err.msg, want, "http: %ld gets its RFC 9110 phrase",
		    st[i].status);
	}

	/* a body of unknown length over the cap is cut as it arrives */
	{
		struct mare_http_opts o;
		struct mare_http *hb;

		mare_http_opts_init(&o);
		o.max_body = 1000;
		o.max_retries = 0;
		mare_err_init(&err);
		hb = mare_http_new(&o, &err);
		xsnprintf(url, sizeof(url), "http://127.0.0.1:%d/big", port);
		ok(hb != NULL && mare_http_get(hb, url, &r, &err) == -1 &&
		    err.code == MARE_E_DATA, "http: 2000 bytes without a "
		    "length, over a cap of 1000, is a data error");
		xsnprintf(want, sizeof(want), "GET %s: response body larger "
		    "than 1000 bytes", url);
		is_str(err.msg, want, "http: ... saying the cap");
		mare_http_free(hb);
	}

	/* a server that answers a range request with 200 and everything:
	 * the partial file is started over */
	{
		char path[1024], buf[32];
		unsigned long long got = 0;
		FILE *fp;
		size_t n;

		xsnprintf(path, sizeof(path), "%s/range.txt", tap_tmpdir());
		fp = fopen(path, "wb");
		fputs("abc", fp);
		fclose(fp);
		xsnprintf(url, sizeof(url), "http://127.0.0.1:%d/z", port);
		mare_err_init(&err);
		is_int(mare_http_download(h, url, path, 10, &got, &err), 0,
		    "http: download: 200 to a range request succeeds (%s)",
		    err.msg);
		fp = fopen(path, "rb");
		n = fp != NULL ? fread(buf, 1, sizeof(buf) - 1, fp) : 0;
		buf[n] = '\0';
		if (fp != NULL)
			fclose(fp);
		is_str(buf, "0123456789", "http: download: ... the file "
		    "started over, not appended to");
		is_int((long long)got, 10, "http: download: ... 10 bytes");
	}
	mare_http_free(h);
	kill(bare, SIGTERM);
	waitpid(bare, &status, 0);
}

static void
test_download_errors(void)
{
	struct mare_http_opts o;
	struct mare_http *h = fast_handle(0, 0, 5000);
	struct mare_err err;
	unsigned long long got = 0;
	char url[512], path[1024], want[1200];
	double t0, dt;

	xsnprintf(url, sizeof(url), "%s/v1/occurrence/download/request/"
	    "0012150-260108223611665.zip", base);
	control("[]");
	xsnprintf(path, sizeof(path), "%s/no/dir/dl.zip", tap_tmpdir());
	mare_err_init(&err);
	ok(mare_http_download(h, url, path, 0, &got, &err) == -1 &&
	    err.code == MARE_E_CANTCREAT && err.sys_errno == ENOENT,
	    "http: download into a missing folder is CANTCREAT (ENOENT)");
	xsnprintf(want, sizeof(want), "cannot write '%s'", path);
	is_str(err.msg, want, "http: download: ... naming the path");

	mare_err_init(&err);
	ok(mare_http_download(h, url, "/dev/full", 0, &got, &err) == -1 &&
	    err.code == MARE_E_IO, "http: download to /dev/full is an I/O "
	    "error");
	is_str(err.msg, "cannot write '/dev/full'", "http: download: ... "
	    "naming the device");

	mare_err_init(&err);
	xsnprintf(path, sizeof(path), "%s/ftp.zip", tap_tmpdir());
	ok(mare_http_download(h, "ftp://127.0.0.1:1/x", path, 0, &got,
	    &err) == -1 && err.code == MARE_E_UNAVAILABLE,
	    "http: download of an ftp URL is refused as unavailable");
	like(err.msg, "GET ftp://127.0.0.1:1/x: ", "http: download: ... "
	    "naming the URL (%s)", err.msg);
	mare_http_free(h);

	/* Retry-After of 1 s capped at 50 ms on a download */
	control("[{\"path\": \"/v1/occurrence/download/request/"
	    "0012150-260108223611665.zip\", \"fault\": \"status\", "
	    "\"status\": 503, \"retry_after\": \"1\"}]");
	mare_http_opts_init(&o);
	o.backoff_base_ms = 10;
	o.backoff_cap_ms = 20;
	o.retry_after_max_ms = 50;
	mare_err_init(&err);
	h = mare_http_new(&o, &err);
	xsnprintf(path, sizeof(path), "%s/ra.zip", tap_tmpdir());
	unlink(path);
	t0 = now();
	is_int(mare_http_download(h, url, path, 0, &got, &err), 0,
	    "http: download: 503 with Retry-After: 1 then the file (%s)",
	    err.msg);
	dt = now() - t0;
	ok(dt >= 0.05 && dt < 0.9, "http: download: ... after the capped "
	    "50 ms, not 1 s (%.3f s)", dt);
	mare_http_free(h);
}

/* Retry-After as an HTTP-date: far ahead (capped), or already past. */
static void
test_retry_after_dates(void)
{
	struct mare_http_opts o;
	struct mare_http_response r;
	struct mare_http *h;
	struct mare_err err;
	char url[512];
	double t0, dt;

	control("[{\"path\": \"" SEARCH "\", \"fault\": \"status\", "
	    "\"status\": 503, \"retry_after\": \"Wed, 21 Oct 2099 07:28:00 "
	    "GMT\"}]");
	mare_http_opts_init(&o);
	o.backoff_base_ms = 10;
	o.retry_after_max_ms = 300;
	mare_err_init(&err);
	h = mare_http_new(&o, &err);
	xsnprintf(url, sizeof(url), "%s%s", base, ACC_QUERY);
	t0 = now();
	is_int(mare_http_get(h, url, &r, &err), 0,
	    "http: 503 with a Retry-After date in 2099 succeeds");
	dt = now() - t0;
	ok(dt >= 0.3 && dt < 3.0, "http: ... after the capped 0.3 s "
	    "(%.3f s)", dt);
	mare_http_response_release(&r);

	control("[{\"path\": \"" SEARCH "\", \"fault\": \"status\", "
	    "\"status\": 503, \"retry_after\": \"Wed, 21 Oct 2015 07:28:00 "
	    "GMT\"}]");
	mare_err_init(&err);
	t0 = now();
	is_int(mare_http_get(h, url, &r, &err), 0,
	    "http: 503 with a Retry-After date in the past succeeds");
	dt = now() - t0;
	ok(dt < 0.3, "http: ... at once, without the cap's wait (%.3f s)",
	    dt);
	mare_http_response_release(&r);
	mare_http_free(h);
}

int
main(void)
{
	struct mare_err err;

	srcdir = getenv("MARE_SRCDIR");
	if (srcdir == NULL)
		srcdir = ".";
	/* Loopback only: never through a proxy. */
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	setenv("no_proxy", "*", 1);
	setenv("NO_PROXY", "*", 1);
	mare_err_init(&err);
	if (mare_http_global_init(&err) != 0) {
		printf("1..0 # SKIP %s\n", err.msg);
		return 0;
	}
	if (start_server() != 0) {
		printf("1..0 # SKIP cannot start tests/cli/httpd.py "
		    "(python3 missing?)\n");
		mare_http_global_cleanup();
		return 0;
	}
	test_faults();
	test_gzip();
	test_no_validator();
	test_permanent();
	test_exhaustion();
	test_breaker();
	test_rate();
	test_post();
	test_download();
	test_misc();
	test_reason_phrases();
	test_retry_after_dates();
	test_download_errors();
	stop_server();
	mare_http_global_cleanup();
	return tap_done();
}
