/*
 * http.h - an HTTP client that survives flaky networks and busy APIs
 *
 * One handle talks to one or more hosts from one thread. mare_http_get()
 * retries what is worth retrying -- connection errors, timeouts, a body
 * cut short (fewer bytes than Content-Length), HTTP 408, 429, 500, 502, 503
 * and 504, and a body the caller's validator rejects (an HTML error page
 * served with 200, truncated JSON) -- sleeping between attempts with
 * exponential backoff and full jitter:
 *
 *	sleep = uniform(0, min(cap, base * 2^attempt))
 *
 * (the "Exponential Backoff And Jitter" formula of the AWS architecture
 * blog), drawn from a generator seeded by the caller so that tests are
 * reproducible. A Retry-After header (seconds or an HTTP-date) is a lower
 * bound on that sleep, itself capped by retry_after_max_ms. Every attempt
 * first takes a token from a token bucket (rate requests per second, burst
 * of one), so --rate holds across retries too.
 *
 * When the retries are spent the call fails with MARE_E_TEMPFAIL (exit 75,
 * "try later"): "GET URL: 503 Service Unavailable after 6 attempts". An
 * answer that will not change by asking again -- a 4xx other than 408 and
 * 429, a 501, a TLS certificate that does not verify -- fails at once with
 * MARE_E_UNAVAILABLE (exit 69) and the first line of the server's body:
 * "GET URL: 400 Bad Request: 334 is not valid value, latitude must be
 * between -90 and 90.". A body larger than max_body is MARE_E_DATA.
 *
 * A circuit breaker per host counts consecutive calls that failed with
 * MARE_E_TEMPFAIL (each already retried); at breaker_threshold it opens and
 * every later call to that host fails at once with MARE_E_TEMPFAIL "circuit
 * open for HOST after K failures". A successful call closes it.
 *
 * TLS peer and host verification are always on; there is deliberately no
 * option to turn them off. Only http and https URLs are followed, with at
 * most 5 redirects. Responses may be gzip- or deflate-encoded (the client
 * asks for them) and are decoded before the caller sees them.
 *
 * Proxies: libcurl's own http_proxy, https_proxy and no_proxy environment
 * variables apply (cluster nodes often need them); tests that must stay on
 * 127.0.0.1 set no_proxy to "*".
 *
 * This module is the only one in mare that uses libcurl to transfer
 * (lib/version.c includes <curl/curl.h> only to print its version).
 *
 * Threads: call mare_http_global_init() once from main() before any thread
 * starts (it wraps curl_global_init(), which is not thread-safe), and
 * mare_http_global_cleanup() once at the end. After that, separate handles
 * may be used from separate threads; one handle must not be used by two
 * threads at once.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_HTTP_H
#define MARE_HTTP_H

#include <stddef.h>

#include "err.h"

#define MARE_HTTP_USER_AGENT \
	"mare/0.1.0 (+https://github.com/mare-sdm/mare)"

struct mare_http_opts {
	long		 connect_timeout_ms;	/* default 10000 */
	long		 timeout_ms;		/* whole attempt, default 60000 */
	int		 max_retries;		/* default 5: 6 attempts */
	long		 backoff_base_ms;	/* default 500 */
	long		 backoff_cap_ms;	/* default 30000 */
	long		 retry_after_max_ms;	/* default 120000 */
	double		 rate;			/* requests/s, 0: no limit */
	int		 breaker_threshold;	/* K, default 5; 0: no breaker */
	size_t		 max_body;		/* bytes, default 256 MiB */
	unsigned long long seed;		/* jitter generator, default 1 */
	const char	*user_agent;		/* NULL: MARE_HTTP_USER_AGENT */
};

struct mare_http_response {
	long	 status;		/* HTTP status, e.g. 200 */
	char	*body;			/* decoded body, NUL-terminated, owned */
	size_t	 len;			/* body bytes, not counting the NUL */
	char	 content_type[128];	/* "" when absent */
	char	 retry_after[64];	/* raw header value, "" when absent */
	char	 date[64];		/* Date header, "" when absent */
	int	 attempts;		/* attempts this call made */
};

/*
 * The call counters. requests counts attempts (each one a request sent or
 * tried); retries counts the attempts after the first of each call; bytes
 * counts decoded body bytes received; by_class[c] counts responses with
 * status c*100..c*100+99 (c = 1..5), by_class[0] attempts that got no HTTP
 * status at all (connection error, timeout, reset).
 */
struct mare_http_stats {
	unsigned long long requests;
	unsigned long long retries;
	unsigned long long bytes;
	unsigned long long by_class[6];
	unsigned long long breaker_rejects;	/* calls refused by a breaker */
};

/*
 * A body check: return 0 when resp is acceptable, or -1 after writing a
 * short reason ("not a JSON object with key 'results'") into why. A
 * rejected body is retried like a 503. Called only for 2xx responses.
 */
typedef int (*mare_http_validator)(const struct mare_http_response *resp,
	    void *arg, char *why, size_t whysize);

struct mare_http;

/*
 * Process-wide set-up and tear-down (not thread-safe: call from main()
 * before threads start). Returns 0, or -1 with MARE_E_INTERNAL.
 * Calls after the first successful one do nothing.
 */
int	 mare_http_global_init(struct mare_err *err);
void	 mare_http_global_cleanup(void);

/* Fill opts with the defaults listed above. */
void	 mare_http_opts_init(struct mare_http_opts *opts);

/*
 * A new handle (opts NULL: the defaults; opts is copied, user_agent too).
 * Returns NULL with MARE_E_NOMEM or MARE_E_USAGE (a negative or
 * nonsensical option, named in the message).
 */
struct mare_http *mare_http_new(const struct mare_http_opts *opts,
	    struct mare_err *err);
/* Free a handle; NULL is a no-op. */
void	 mare_http_free(struct mare_http *h);

/* Set (fn non-NULL) or clear (NULL) the body check used by later calls. */
void	 mare_http_set_validator(struct mare_http *h, mare_http_validator fn,
	    void *arg);

/*
 * GET url, retrying as described above. On success returns 0 and fills
 * *resp (a 2xx status, the caller releases it with
 * mare_http_response_release()). On failure returns -1, fills err
 * (MARE_E_TEMPFAIL, MARE_E_UNAVAILABLE, MARE_E_DATA, MARE_E_NOMEM) and
 * leaves *resp empty (safe to release).
 */
int	 mare_http_get(struct mare_http *h, const char *url,
	    struct mare_http_response *resp, struct mare_err *err);

/*
 * POST a JSON document (Content-Type: application/json) to url, with HTTP
 * basic authentication when user is non-NULL. Because a POST may create
 * something (a GBIF download), it is retried only when the server cannot
 * have acted on it: the connection could not be made, or the answer was
 * 429 or 503. Other failures are reported at once. Results as for
 * mare_http_get(); any 2xx is success.
 */
int	 mare_http_post_json(struct mare_http *h, const char *url,
	    const char *json, const char *user, const char *password,
	    struct mare_http_response *resp, struct mare_err *err);

/*
 * GET url into the file at path, resuming: bytes already in the file are
 * kept and only the rest is asked for (Range: bytes=N-); a server that
 * answers 200 instead of 206 sends it all, and the file starts over.
 * size is the length the file must end with (0: unknown, whatever the
 * server sends); a file longer than size starts over. An attempt cut
 * short (reset, timeout) is retried as mare_http_get() retries, from where
 * it stopped; the body is never decoded (no gzip) and max_body does not
 * apply. On success returns 0 and sets *got (may be NULL) to the file's
 * size; on failure -1 with err set (MARE_E_TEMPFAIL, MARE_E_UNAVAILABLE,
 * MARE_E_CANTCREAT, MARE_E_IO) and the partial file left for a later call.
 */
int	 mare_http_download(struct mare_http *h, const char *url,
	    const char *path, unsigned long long size,
	    unsigned long long *got, struct mare_err *err);

/* Free the body and zero *resp; NULL is a no-op. */
void	 mare_http_response_release(struct mare_http_response *resp);

/* Copy the counters of h into *stats. */
void	 mare_http_get_stats(const struct mare_http *h,
	    struct mare_http_stats *stats);

/*
 * A ready-made validator: the body must parse as a JSON object that has
 * the member named by arg (a const char *; NULL: any JSON object).
 */
int	 mare_http_valid_json_object(const struct mare_http_response *resp,
	    void *arg, char *why, size_t whysize);

#endif /* MARE_HTTP_H */
