/*
 * http.c - GET and POST on libcurl with retries, backoff, a rate limit and
 * a circuit breaker per host
 *
 * One call is a loop of attempts. Each attempt waits for a token of the
 * rate limiter, runs curl_easy_perform() on the handle's one easy handle
 * (so connections are reused), and is classified: done, worth another try
 * (with the reason and any Retry-After), or final. Between tries the loop
 * sleeps with full jitter; after the last try the reason becomes the
 * error message, with the number of attempts. The breaker is a small
 * table of hosts with their count of consecutive calls that ended in
 * MARE_E_TEMPFAIL. All sleeping is nanosleep() on the monotonic clock's
 * schedule; nothing here installs signal handlers (CURLOPT_NOSIGNAL).
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "http.h"

#define BODY_FIRST_LINE_MAX	200

struct breaker {
	char	*host;
	int	 failures;
};

struct mare_http {
	struct mare_http_opts	 opts;
	char			*user_agent;
	CURL			*curl;
	char			 curl_err[CURL_ERROR_SIZE];
	mare_http_validator	 valid;
	void			*valid_arg;
	struct mare_http_stats	 stats;
	uint64_t		 rng;
	double			 tokens;
	double			 last_refill;	/* monotonic seconds */
	struct breaker		*brk;
	size_t			 nbrk;
};

/* What became of one attempt. */
enum outcome {
	OUT_DONE,
	OUT_RETRY,
	OUT_FAIL
};

struct attempt {
	enum outcome	 outcome;
	enum mare_errc	 code;		/* for OUT_FAIL */
	char		 why[384];	/* "503 Service Unavailable" */
	long		 retry_after_ms;	/* -1: none */
};

/* The response being received, for the curl callbacks. */
struct sink {
	struct mare_http_response	*resp;
	size_t				 cap;
	size_t				 max;
	int				 overflow;
	int				 nomem;
	char				 reason[64];
};

static int global_done;

int
mare_http_global_init(struct mare_err *err)
{
	CURLcode rc;

	if (global_done)
		return 0;
	rc = curl_global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK)
		return mare_err_set(err, MARE_E_INTERNAL,
		    "cannot initialise libcurl: %s", curl_easy_strerror(rc));
	global_done = 1;
	return 0;
}

void
mare_http_global_cleanup(void)
{
	if (global_done) {
		curl_global_cleanup();
		global_done = 0;
	}
}

void
mare_http_opts_init(struct mare_http_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->connect_timeout_ms = 10000;
	opts->timeout_ms = 60000;
	opts->max_retries = 5;
	opts->backoff_base_ms = 500;
	opts->backoff_cap_ms = 30000;
	opts->retry_after_max_ms = 120000;
	opts->rate = 0;
	opts->breaker_threshold = 5;
	opts->max_body = (size_t)256 << 20;
	opts->seed = 1;
	opts->user_agent = NULL;
}

/* Clocks, sleeping and the jitter generator */

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_seconds(double s)
{
	struct timespec ts, rem;

	if (!(s > 0))
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec > 999999999L)
		ts.tv_nsec = 999999999L;
	while (nanosleep(&ts, &rem) == -1 && errno == EINTR)
		ts = rem;
}

/* splitmix64: small, fast, and the same sequence everywhere. */
static double
uniform01(struct mare_http *h)
{
	uint64_t z;

	h->rng += 0x9e3779b97f4a7c15ULL;
	z = h->rng;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) * (1.0 / 9007199254740992.0);
}

/* Full jitter: uniform(0, min(cap, base * 2^attempt)) milliseconds. */
static double
backoff_ms(struct mare_http *h, int attempt)
{
	double ceil = (double)h->opts.backoff_base_ms;
	int i;

	for (i = 0; i < attempt && ceil < (double)h->opts.backoff_cap_ms; i++)
		ceil *= 2;
	if (ceil > (double)h->opts.backoff_cap_ms)
		ceil = (double)h->opts.backoff_cap_ms;
	return uniform01(h) * ceil;
}

/* Token bucket with a burst of one: at most rate attempts per second. */
static void
take_token(struct mare_http *h)
{
	double now, rate = h->opts.rate;

	if (!(rate > 0))
		return;
	now = now_mono();
	h->tokens += (now - h->last_refill) * rate;
	if (h->tokens > 1)
		h->tokens = 1;
	h->last_refill = now;
	if (h->tokens < 1) {
		sleep_seconds((1 - h->tokens) / rate);
		h->tokens = 1;
		h->last_refill = now_mono();
	}
	h->tokens -= 1;
}

/* Handle lifecycle */

struct mare_http *
mare_http_new(const struct mare_http_opts *opts, struct mare_err *err)
{
	struct mare_http *h;
	struct mare_http_opts def;
	const char *ua;

	if (opts == NULL) {
		mare_http_opts_init(&def);
		opts = &def;
	}
	if (opts->connect_timeout_ms < 0 || opts->timeout_ms < 0 ||
	    opts->max_retries < 0 || opts->backoff_base_ms < 0 ||
	    opts->backoff_cap_ms < 0 || opts->retry_after_max_ms < 0 ||
	    opts->breaker_threshold < 0 || !(opts->rate >= 0) ||
	    opts->max_body == 0) {
		mare_err_set(err, MARE_E_USAGE,
		    "http: timeouts, retries, backoff, rate and breaker must "
		    "not be negative, and the body cap must be positive");
		return NULL;
	}
	if (mare_http_global_init(err) == -1)
		return NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		mare_err_sys(err, MARE_E_NOMEM, "http");
		return NULL;
	}
	h->opts = *opts;
	ua = opts->user_agent != NULL ? opts->user_agent : MARE_HTTP_USER_AGENT;
	if ((h->user_agent = strdup(ua)) == NULL ||
	    (h->curl = curl_easy_init()) == NULL) {
		mare_err_sys(err, MARE_E_NOMEM, "http");
		mare_http_free(h);
		return NULL;
	}
	h->opts.user_agent = h->user_agent;
	h->rng = opts->seed;
	h->tokens = 1;
	h->last_refill = now_mono();
	return h;
}

void
mare_http_free(struct mare_http *h)
{
	size_t i;

	if (h == NULL)
		return;
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	for (i = 0; i < h->nbrk; i++)
		free(h->brk[i].host);
	free(h->brk);
	free(h->user_agent);
	free(h);
}

void
mare_http_set_validator(struct mare_http *h, mare_http_validator fn,
    void *arg)
{
	h->valid = fn;
	h->valid_arg = fn != NULL ? arg : NULL;
}

void
mare_http_response_release(struct mare_http_response *resp)
{
	if (resp == NULL)
		return;
	free(resp->body);
	memset(resp, 0, sizeof(*resp));
}

void
mare_http_get_stats(const struct mare_http *h, struct mare_http_stats *stats)
{
	*stats = h->stats;
}

/* Circuit breaker */

/* The host of url, lower-cased, in a new string; NULL when unparsable. */
static char *
url_host(const char *url)
{
	CURLU *u;
	char *host = NULL, *copy = NULL, *p;

	if ((u = curl_url()) == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		copy = strdup(host);
		curl_free(host);
	}
	curl_url_cleanup(u);
	if (copy != NULL)
		for (p = copy; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
	return copy;
}

static struct breaker *
breaker_find(struct mare_http *h, const char *host, int create)
{
	struct breaker *nb;
	size_t i;

	for (i = 0; i < h->nbrk; i++)
		if (strcmp(h->brk[i].host, host) == 0)
			return &h->brk[i];
	if (!create)
		return NULL;
	nb = realloc(h->brk, (h->nbrk + 1) * sizeof(*nb));
	if (nb == NULL)
		return NULL;
	h->brk = nb;
	if ((nb[h->nbrk].host = strdup(host)) == NULL)
		return NULL;
	nb[h->nbrk].failures = 0;
	return &nb[h->nbrk++];
}

/* curl callbacks */

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	struct mare_http_response *r = s->resp;
	size_t n = size * nmemb, ncap;
	char *nb;

	if (n > s->max || r->len > s->max - n) {
		s->overflow = 1;
		return 0;
	}
	if (r->len + n + 1 > s->cap) {
		ncap = s->cap ? s->cap : 16384;
		while (ncap < r->len + n + 1)
			ncap *= 2;
		if ((nb = realloc(r->body, ncap)) == NULL) {
			s->nomem = 1;
			return 0;
		}
		r->body = nb;
		s->cap = ncap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return n;
}

/* Copy a header value without surrounding blanks, truncated to size. */
static void
header_value(const char *v, size_t n, char *dst, size_t size)
{
	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static int
header_is(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name);

	return n > k && line[k] == ':' && strncasecmp(line, name, k) == 0;
}

static size_t
on_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	struct mare_http_response *r = s->resp;
	size_t n = size * nmemb;
	const char *sp;

	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		/* A new response (after a redirect or a 100): start over. */
		r->content_type[0] = r->retry_after[0] = r->date[0] = '\0';
		s->reason[0] = '\0';
		if ((sp = memchr(line, ' ', n)) != NULL &&
		    (sp = memchr(sp + 1, ' ', n - (size_t)(sp + 1 - line)))
		    != NULL)
			header_value(sp + 1, n - (size_t)(sp + 1 - line),
			    s->reason, sizeof(s->reason));
	} else if (header_is(line, n, "Content-Type"))
		header_value(line + 13, n - 13, r->content_type,
		    sizeof(r->content_type));
	else if (header_is(line, n, "Retry-After"))
		header_value(line + 12, n - 12, r->retry_after,
		    sizeof(r->retry_after));
	else if (header_is(line, n, "Date"))
		header_value(line + 5, n - 5, r->date, sizeof(r->date));
	return n;
}

/* Classification */

static const char *
reason_phrase(long status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 408: return "Request Timeout";
	case 410: return "Gone";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

/* Retry-After as milliseconds (seconds or HTTP-date), -1 when absent/bad. */
static long
parse_retry_after(const char *v)
{
	const char *p;
	long long secs = 0;
	time_t t, now;

	if (v[0] == '\0')
		return -1;
	for (p = v; *p >= '0' && *p <= '9'; p++)
		if (secs < 1000000)
			secs = secs * 10 + (*p - '0');
	if (p != v && *p == '\0')
		return (long)(secs * 1000);
	if ((t = curl_getdate(v, NULL)) == -1)
		return -1;
	now = time(NULL);
	if (t <= now)
		return 0;
	secs = (long long)(t - now);
	if (secs > 1000000)
		secs = 1000000;
	return (long)(secs * 1000);
}

static int
transient_curl(CURLcode rc, int post)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		return 1;
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
		return !post;
	default:
		return 0;
	}
}

static int
transient_status(long status, int post)
{
	switch (status) {
	case 429:
	case 503:
		return 1;
	case 408:
	case 500:
	case 502:
	case 504:
		return !post;
	default:
		return 0;
	}
}

/* "STATUS Reason" into buf. */
static void
status_text(long status, const char *reason, char *buf, size_t size)
{
	if (reason[0] == '\0')
		reason = reason_phrase(status);
	snprintf(buf, size, "%ld%s%s", status, reason[0] ? " " : "", reason);
}

/* The body's first line, printable and bounded, into buf ("" if none). */
static void
first_line(const struct mare_http_response *r, char *buf, size_t size)
{
	size_t i, n = 0;

	for (i = 0; i < r->len && n + 1 < size && n < BODY_FIRST_LINE_MAX;
	    i++) {
		unsigned char c = (unsigned char)r->body[i];

		if (c == '\n' || c == '\r')
			break;
		buf[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
}

/* One attempt: perform and classify. */
static void
attempt_once(struct mare_http *h, const char *url, const char *post,
    struct sink *s, struct attempt *a)
{
	struct mare_http_response *r = s->resp;
	CURLcode rc;
	long status = 0;
	char st[96], line[BODY_FIRST_LINE_MAX + 1], why[256];
	int is_post = post != NULL;

	free(r->body);
	r->body = NULL;
	r->len = 0;
	r->status = 0;
	r->content_type[0] = r->retry_after[0] = r->date[0] = '\0';
	s->cap = 0;
	s->overflow = s->nomem = 0;
	s->reason[0] = '\0';
	h->curl_err[0] = '\0';
	a->retry_after_ms = -1;
	a->code = MARE_E_OK;
	a->why[0] = '\0';

	take_token(h);
	curl_easy_setopt(h->curl, CURLOPT_URL, url);
	rc = curl_easy_perform(h->curl);
	h->stats.requests++;
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	r->status = status;
	if (status >= 100 && status < 600)
		h->stats.by_class[status / 100]++;
	else
		h->stats.by_class[0]++;
	h->stats.bytes += r->len;

	if (rc != CURLE_OK) {
		a->outcome = OUT_FAIL;
		if (s->nomem) {
			a->code = MARE_E_NOMEM;
			snprintf(a->why, sizeof(a->why), "out of memory");
		} else if (s->overflow || rc == CURLE_FILESIZE_EXCEEDED) {
			a->code = MARE_E_DATA;
			snprintf(a->why, sizeof(a->why),
			    "response body larger than %zu bytes",
			    h->opts.max_body);
		} else {
			a->code = MARE_E_UNAVAILABLE;
			snprintf(a->why, sizeof(a->why), "%s",
			    h->curl_err[0] ? h->curl_err :
			    curl_easy_strerror(rc));
			if (transient_curl(rc, is_post))
				a->outcome = OUT_RETRY;
		}
		return;
	}
	status_text(status, s->reason, st, sizeof(st));
	if (status >= 200 && status < 300) {
		a->outcome = OUT_DONE;
		if (!is_post && h->valid != NULL) {
			why[0] = '\0';
			if (h->valid(r, h->valid_arg, why, sizeof(why)) != 0) {
				a->outcome = OUT_RETRY;
				snprintf(a->why, sizeof(a->why),
				    "%s with an unexpected body (%s)", st,
				    why[0] ? why : "rejected");
			}
		}
		return;
	}
	if (transient_status(status, is_post)) {
		a->outcome = OUT_RETRY;
		a->retry_after_ms = parse_retry_after(r->retry_after);
		snprintf(a->why, sizeof(a->why), "%s", st);
		return;
	}
	a->outcome = OUT_FAIL;
	a->code = MARE_E_UNAVAILABLE;
	first_line(r, line, sizeof(line));
	snprintf(a->why, sizeof(a->why), "%s%s%s", st, line[0] ? ": " : "",
	    line);
}

/* The options every request shares: TLS on, http(s) only, timeouts. */
static void
setup_curl(struct mare_http *h)
{
	curl_easy_reset(h->curl);
	curl_easy_setopt(h->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h->curl, CURLOPT_ERRORBUFFER, h->curl_err);
	curl_easy_setopt(h->curl, CURLOPT_USERAGENT, h->user_agent);
	curl_easy_setopt(h->curl, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h->curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h->curl, CURLOPT_MAXREDIRS, 5L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h->curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h->curl, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(h->curl, CURLOPT_REDIR_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS,
	    h->opts.connect_timeout_ms);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, h->opts.timeout_ms);
}

/* The breaker of url's host: NULL when none; -1 when it is open. */
static int
breaker_check(struct mare_http *h, const char *method, const char *url,
    struct breaker **bp, struct mare_err *err)
{
	struct breaker *b;
	char *host;

	*bp = NULL;
	if ((host = url_host(url)) == NULL)
		return mare_err_set(err, MARE_E_USAGE, "%s %s: not a valid URL",
		    method, url);
	if (h->opts.breaker_threshold > 0) {
		b = breaker_find(h, host, 1);
		if (b == NULL) {
			free(host);
			return mare_err_sys(err, MARE_E_NOMEM, "http");
		}
		if (b->failures >= h->opts.breaker_threshold) {
			h->stats.breaker_rejects++;
			mare_err_set(err, MARE_E_TEMPFAIL,
			    "%s %s: circuit open for %s after %d failures",
			    method, url, host, b->failures);
			free(host);
			return -1;
		}
		*bp = b;
	}
	free(host);
	return 0;
}

static int
request(struct mare_http *h, const char *method, const char *url,
    const char *post, const char *user, const char *password,
    struct mare_http_response *resp, struct mare_err *err)
{
	struct curl_slist *hdrs = NULL, *nh;
	struct breaker *b = NULL;
	struct attempt a;
	struct sink s;
	int attempt, ret = -1;
	double wait, ra;

	memset(resp, 0, sizeof(*resp));
	if (breaker_check(h, method, url, &b, err) != 0)
		return -1;

	memset(&s, 0, sizeof(s));
	s.resp = resp;
	s.max = h->opts.max_body;
	setup_curl(h);
	curl_easy_setopt(h->curl, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)h->opts.max_body);
	curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(h->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, &s);
	if (post != NULL) {
		nh = curl_slist_append(NULL, "Content-Type: application/json");
		if (nh == NULL)
			return mare_err_sys(err, MARE_E_NOMEM, "http");
		hdrs = nh;
		curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, post);
		curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)strlen(post));
		if (user != NULL) {
			curl_easy_setopt(h->curl, CURLOPT_HTTPAUTH,
			    (long)CURLAUTH_BASIC);
			curl_easy_setopt(h->curl, CURLOPT_USERNAME, user);
			curl_easy_setopt(h->curl, CURLOPT_PASSWORD,
			    password != NULL ? password : "");
		}
	} else
		curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);

	for (attempt = 0;; attempt++) {
		if (attempt > 0)
			h->stats.retries++;
		attempt_once(h, url, post, &s, &a);
		resp->attempts = attempt + 1;
		if (a.outcome == OUT_DONE) {
			ret = 0;
			break;
		}
		if (a.outcome == OUT_FAIL) {
			mare_err_set(err, a.code, "%s %s: %s", method, url,
			    a.why);
			break;
		}
		if (attempt >= h->opts.max_retries) {
			mare_err_set(err, MARE_E_TEMPFAIL,
			    "%s %s: %s after %d attempt%s", method, url, a.why,
			    attempt + 1, attempt ? "s" : "");
			a.code = MARE_E_TEMPFAIL;
			break;
		}
		wait = backoff_ms(h, attempt);
		if (a.retry_after_ms >= 0) {
			ra = (double)a.retry_after_ms;
			if (ra > (double)h->opts.retry_after_max_ms)
				ra = (double)h->opts.retry_after_max_ms;
			if (wait < ra)
				wait = ra;
		}
		sleep_seconds(wait / 1000);
	}
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	if (b != NULL)
		b->failures = ret == 0 || a.code != MARE_E_TEMPFAIL ? 0 :
		    b->failures + 1;
	if (ret != 0) {
		free(resp->body);
		memset(resp, 0, sizeof(*resp));
		return -1;
	}
	if (resp->body == NULL && (resp->body = calloc(1, 1)) == NULL)
		return mare_err_sys(err, MARE_E_NOMEM, "http");
	return 0;
}

int
mare_http_get(struct mare_http *h, const char *url,
    struct mare_http_response *resp, struct mare_err *err)
{
	return request(h, "GET", url, NULL, NULL, NULL, resp, err);
}

int
mare_http_post_json(struct mare_http *h, const char *url, const char *json,
    const char *user, const char *password, struct mare_http_response *resp,
    struct mare_err *err)
{
	return request(h, "POST", url, json != NULL ? json : "", user,
	    password, resp, err);
}

int
mare_http_valid_json_object(const struct mare_http_response *resp,
    void *arg, char *why, size_t whysize)
{
	const char *key = arg;
	json_error_t jerr;
	json_t *doc;
	int ret = 0;

	doc = json_loadb(resp->body != NULL ? resp->body : "", resp->len,
	    0, &jerr);
	if (doc == NULL) {
		snprintf(why, whysize, "not JSON: %s at offset %d", jerr.text,
		    jerr.position);
		return -1;
	}
	if (!json_is_object(doc)) {
		snprintf(why, whysize, "not a JSON object");
		ret = -1;
	} else if (key != NULL && json_object_get(doc, key) == NULL) {
		snprintf(why, whysize, "no member '%s'", key);
		ret = -1;
	}
	json_decref(doc);
	return ret;
}

/* Downloading to a file */

struct dl {
	struct mare_http	*h;
	FILE			*fp;
	unsigned long long	 from;	/* bytes in the file before */
	unsigned long long	 wrote;	/* this attempt */
	int			 ioerr;
	struct sink		 err;	/* body of a non-2xx answer */
};

static size_t
dl_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct dl *d = arg;
	size_t n = size * nmemb;
	long status = 0;

	curl_easy_getinfo(d->h->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299)
		return on_body(data, size, nmemb, &d->err);
	/*
	 * A 200 to a range request never gets here: libcurl refuses it
	 * before the body (CURLE_RANGE_ERROR, handled by the caller).
	 */
	if (fwrite(data, 1, n, d->fp) != n) {
		d->ioerr = 1;
		return 0;
	}
	d->wrote += n;
	d->h->stats.bytes += n;
	return n;
}

/* The size of the file behind fp, after flushing it; -1 on error. */
static off_t
file_size(FILE *fp)
{
	struct stat sb;

	if (fflush(fp) != 0 || fstat(fileno(fp), &sb) != 0)
		return -1;
	return sb.st_size;
}

int
mare_http_download(struct mare_http *h, const char *url, const char *path,
    unsigned long long size, unsigned long long *got, struct mare_err *err)
{
	struct mare_http_response eresp;
	struct breaker *b;
	struct dl d;
	CURLcode rc;
	long status;
	off_t len;
	double wait, ra;
	char st[CURL_ERROR_SIZE + 32], line[BODY_FIRST_LINE_MAX + 1];
	int attempt, ret = -1, transient = 0;

	if (breaker_check(h, "GET", url, &b, err) != 0)
		return -1;
	memset(&d, 0, sizeof(d));
	memset(&eresp, 0, sizeof(eresp));
	d.h = h;
	d.err.resp = &eresp;
	d.err.max = 1 << 20;
	d.fp = fopen(path, "ab");
	if (d.fp == NULL)
		return mare_err_sys(err, MARE_E_CANTCREAT, "cannot write '%s'",
		    path);
	for (attempt = 0;; attempt++) {
		if ((len = file_size(d.fp)) < 0) {
			mare_err_sys(err, MARE_E_IO, "cannot write '%s'", path);
			break;
		}
		d.from = (unsigned long long)len;
		if (size > 0 && d.from == size) {
			ret = 0;
			break;
		}
		if (size > 0 && d.from > size) {
			if (ftruncate(fileno(d.fp), 0) != 0) {
				mare_err_sys(err, MARE_E_IO, "cannot truncate "
				    "'%s'", path);
				break;
			}
			d.from = 0;
		}
		if (attempt > 0)
			h->stats.retries++;
		free(eresp.body);
		memset(&eresp, 0, sizeof(eresp));
		d.err.cap = 0;
		d.ioerr = 0;
		d.wrote = 0;
		setup_curl(h);
		/* identity: byte offsets must be those of the file */
		curl_easy_setopt(h->curl, CURLOPT_ACCEPT_ENCODING, NULL);
		curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(h->curl, CURLOPT_RESUME_FROM_LARGE,
		    (curl_off_t)d.from);
		curl_easy_setopt(h->curl, CURLOPT_WRITEFUNCTION, dl_body);
		curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, &d);
		curl_easy_setopt(h->curl, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(h->curl, CURLOPT_HEADERDATA, &d.err);
		curl_easy_setopt(h->curl, CURLOPT_URL, url);
		h->curl_err[0] = '\0';
		take_token(h);
		rc = curl_easy_perform(h->curl);
		h->stats.requests++;
		status = 0;
		curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
		if (status >= 100 && status < 600)
			h->stats.by_class[status / 100]++;
		else
			h->stats.by_class[0]++;
		transient = 0;
		if (rc == CURLE_RANGE_ERROR && d.from > 0) {
			/*
			 * The server ignores Range: it answered 200 with the
			 * whole body, which libcurl will not append. Start
			 * the file over; the next request asks for no range.
			 */
			if (ftruncate(fileno(d.fp), 0) != 0) {
				mare_err_sys(err, MARE_E_IO, "cannot truncate "
				    "'%s'", path);
				break;
			}
			continue;
		}
		if (d.ioerr) {
			mare_err_sys(err, MARE_E_IO, "cannot write '%s'", path);
			break;
		}
		if (rc == CURLE_OK && status >= 200 && status < 300) {
			if ((len = file_size(d.fp)) < 0) {
				mare_err_sys(err, MARE_E_IO, "cannot write "
				    "'%s'", path);
				break;
			}
			if (size == 0 || (unsigned long long)len == size) {
				ret = 0;
				break;
			}
			/* short or long: ask for the rest (or start over) */
			snprintf(st, sizeof(st), "%lld of %llu bytes",
			    (long long)len, size);
			transient = 1;
		} else if (rc != CURLE_OK && status < 300) {
			snprintf(st, sizeof(st), "%s", h->curl_err[0] ?
			    h->curl_err : curl_easy_strerror(rc));
			transient = transient_curl(rc, 0) ||
			    d.wrote > 0;
			if (!transient) {
				mare_err_set(err, MARE_E_UNAVAILABLE,
				    "GET %s: %s", url, st);
				break;
			}
		} else {
			status_text(status, d.err.reason, st, sizeof(st));
			if (!transient_status(status, 0)) {
				first_line(&eresp, line, sizeof(line));
				mare_err_set(err, MARE_E_UNAVAILABLE,
				    "GET %s: %s%s%s", url, st, line[0] ?
				    ": " : "", line);
				break;
			}
			transient = 1;
		}
		if (attempt >= h->opts.max_retries) {
			mare_err_set(err, MARE_E_TEMPFAIL, "GET %s: %s after "
			    "%d attempt%s", url, st, attempt + 1,
			    attempt ? "s" : "");
			break;
		}
		wait = backoff_ms(h, attempt);
		ra = (double)parse_retry_after(eresp.retry_after);
		if (ra >= 0) {
			if (ra > (double)h->opts.retry_after_max_ms)
				ra = (double)h->opts.retry_after_max_ms;
			if (wait < ra)
				wait = ra;
		}
		sleep_seconds(wait / 1000);
	}
	free(eresp.body);
	if (fclose(d.fp) != 0 && ret == 0)
		ret = mare_err_sys(err, MARE_E_IO, "cannot write '%s'", path);
	if (b != NULL)
		b->failures = ret == 0 || !transient ? 0 : b->failures + 1;
	if (ret == 0 && got != NULL) {
		struct stat sb;

		*got = stat(path, &sb) == 0 ? (unsigned long long)sb.st_size :
		    0;
	}
	return ret;
}
