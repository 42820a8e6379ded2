/*
 * cache.c - the on-disk HTTP response cache (see cache.h)
 *
 * Paths are built from the key: DIR/ab/<62 hex>.json and .meta. The
 * metadata is a small JSON object written with jansson; the body is never
 * parsed here, only hashed (OpenSSL EVP SHA-256). Reads are bounded by the
 * file size found with fstat() and by MAX_BODY, never by a number read
 * from a file.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <jansson.h>

#include "cache.h"
#include "io.h"
#include "prov.h"

#define MAX_BODY	((size_t)256 << 20)
#define MAX_META	((size_t)1 << 20)

struct mare_cache {
	char		*dir;
	unsigned	 flags;
};

/* Hashing */

static int
sha256_hex(const void *data, size_t len, char hex[65])
{
	return mare_sha256_buf(data, len, hex, NULL);
}

/* URL normalisation */

struct param {
	const char	*s;
	size_t		 len;
	size_t		 namelen;
	size_t		 index;
};

static int
param_cmp(const void *a, const void *b)
{
	const struct param *p = a, *q = b;
	size_t n = p->namelen < q->namelen ? p->namelen : q->namelen;
	int c = memcmp(p->s, q->s, n);

	if (c != 0)
		return c;
	if (p->namelen != q->namelen)
		return p->namelen < q->namelen ? -1 : 1;
	return p->index < q->index ? -1 : p->index > q->index;
}

char *
mare_cache_normalize_url(const char *url, struct mare_err *err)
{
	const char *sep, *auth, *aend, *path, *pend, *query, *qend, *hend;
	const char *host, *colon;
	struct param *ps = NULL;
	size_t np = 0, i, n, schemelen;
	char *out, *o;

	sep = strstr(url, "://");
	if (sep == NULL || sep == url) {
		mare_err_set(err, MARE_E_USAGE, "'%s': not an absolute URL",
		    url);
		return NULL;
	}
	for (auth = url; auth < sep; auth++)
		if (!isalnum((unsigned char)*auth) && *auth != '+' &&
		    *auth != '-' && *auth != '.') {
			mare_err_set(err, MARE_E_USAGE,
			    "'%s': not an absolute URL", url);
			return NULL;
		}
	schemelen = (size_t)(sep - url);
	auth = sep + 3;
	aend = auth + strcspn(auth, "/?#");
	path = aend;
	pend = path + strcspn(path, "?#");
	query = *pend == '?' ? pend + 1 : pend;
	qend = query + strcspn(query, "#");

	/* Host part: after any userinfo; port: after the last ':' past ']'. */
	host = auth;
	for (colon = auth; colon < aend; colon++)
		if (*colon == '@')
			host = colon + 1;
	hend = aend;
	colon = NULL;
	for (i = 0; host + i < aend; i++)
		if (host[i] == ':')
			colon = host + i;
		else if (host[i] == ']')
			colon = NULL;
	if (colon != NULL) {
		size_t plen = (size_t)(aend - colon - 1);

		if ((schemelen == 4 && strncasecmp(url, "http", 4) == 0 &&
		    plen == 2 && strncmp(colon + 1, "80", 2) == 0) ||
		    (schemelen == 5 && strncasecmp(url, "https", 5) == 0 &&
		    plen == 3 && strncmp(colon + 1, "443", 3) == 0) ||
		    plen == 0)
			hend = colon;
	}

	n = strlen(url) + 2;
	if ((out = malloc(n)) == NULL) {
		mare_err_sys(err, MARE_E_NOMEM, "cache");
		return NULL;
	}
	o = out;
	for (i = 0; i < schemelen; i++)
		*o++ = (char)tolower((unsigned char)url[i]);
	memcpy(o, "://", 3);
	o += 3;
	memcpy(o, auth, (size_t)(host - auth));
	o += host - auth;
	for (i = 0; host + i < hend; i++)
		*o++ = (char)tolower((unsigned char)host[i]);
	if (path == pend)
		*o++ = '/';
	else {
		memcpy(o, path, (size_t)(pend - path));
		o += pend - path;
	}

	/* Query: split on '&', drop empty pieces, stable sort by name. */
	if (qend > query) {
		const char *p;

		n = 1;
		for (p = query; p < qend; p++)
			n += *p == '&';
		if ((ps = calloc(n, sizeof(*ps))) == NULL) {
			free(out);
			mare_err_sys(err, MARE_E_NOMEM, "cache");
			return NULL;
		}
		p = query;
		while (p < qend) {
			const char *e = p, *eq;

			while (e < qend && *e != '&')
				e++;
			if (e > p) {
				ps[np].s = p;
				ps[np].len = (size_t)(e - p);
				eq = memchr(p, '=', ps[np].len);
				ps[np].namelen = eq != NULL ?
				    (size_t)(eq - p) : ps[np].len;
				ps[np].index = np;
				np++;
			}
			p = e < qend ? e + 1 : e;
		}
		qsort(ps, np, sizeof(*ps), param_cmp);
		for (i = 0; i < np; i++) {
			*o++ = i == 0 ? '?' : '&';
			memcpy(o, ps[i].s, ps[i].len);
			o += ps[i].len;
		}
		free(ps);
	}
	*o = '\0';
	return out;
}

int
mare_cache_key(const char *url, char hex[65], struct mare_err *err)
{
	char *norm;
	int ret;

	if ((norm = mare_cache_normalize_url(url, err)) == NULL)
		return -1;
	ret = sha256_hex(norm, strlen(norm), hex);
	free(norm);
	if (ret == -1)
		return mare_err_set(err, MARE_E_INTERNAL,
		    "cache: SHA-256 failed");
	return 0;
}

/* Files */

/* mkdir -p path (path is modified and restored). */
static int
mkdirs(char *path, struct mare_err *err)
{
	char *p;
	struct stat st;

	for (p = path + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		{
			char c = *p;

			*p = '\0';
			if (mkdir(path, 0777) == -1 && errno != EEXIST) {
				mare_err_sys(err, MARE_E_CANTCREAT,
				    "cannot create cache folder '%s'", path);
				*p = c;
				return -1;
			}
			*p = c;
		}
		if (*p == '\0')
			break;
	}
	if (stat(path, &st) == -1 || !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return mare_err_sys(err, MARE_E_CANTCREAT,
		    "cannot create cache folder '%s'", path);
	}
	return 0;
}

/*
 * Read a whole file of at most max bytes into a NUL-terminated buffer.
 * Returns 1 read, 0 missing (ENOENT), -1 error (MARE_E_IO / MARE_E_NOMEM);
 * a file over max is reported with *toobig set and return 0.
 */
static int
slurp(const char *path, size_t max, char **buf, size_t *len, int *toobig,
    struct mare_err *err)
{
	FILE *fp;
	struct stat st;
	size_t n;
	char *b;

	*buf = NULL;
	*len = 0;
	*toobig = 0;
	if ((fp = fopen(path, "rb")) == NULL) {
		if (errno == ENOENT)
			return 0;
		return mare_err_sys(err, MARE_E_IO, "cannot read '%s'", path);
	}
	if (fstat(fileno(fp), &st) == -1) {
		mare_err_sys(err, MARE_E_IO, "cannot read '%s'", path);
		fclose(fp);
		return -1;
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
		*toobig = 1;
		fclose(fp);
		return 0;
	}
	if ((b = malloc((size_t)st.st_size + 1)) == NULL) {
		fclose(fp);
		return mare_err_sys(err, MARE_E_NOMEM, "cache");
	}
	n = fread(b, 1, (size_t)st.st_size, fp);
	if (ferror(fp)) {
		mare_err_sys(err, MARE_E_IO, "cannot read '%s'", path);
		free(b);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 1;
}

static int
write_atomic(const char *path, const void *data, size_t len,
    struct mare_err *err)
{
	struct mare_out *out;

	if ((out = mare_out_open(path, 0, err)) == NULL)
		return -1;
	if (len > 0 && fwrite(data, 1, len, mare_out_file(out)) != len) {
		mare_out_abort(out);
		return mare_err_sys(err, MARE_E_IO, "cannot write '%s'", path);
	}
	return mare_out_commit(out, err);
}

/* DIR/ab/cdef... + suffix in a new string, and the subfolder in *sub. */
static char *
entry_path(const struct mare_cache *c, const char *hex, const char *suffix,
    struct mare_err *err)
{
	size_t n = strlen(c->dir) + 1 + 2 + 1 + 62 + strlen(suffix) + 1;
	char *p;

	if ((p = malloc(n)) == NULL) {
		mare_err_sys(err, MARE_E_NOMEM, "cache");
		return NULL;
	}
	snprintf(p, n, "%s/%.2s/%s%s", c->dir, hex, hex + 2, suffix);
	return p;
}

/* Handle */

struct mare_cache *
mare_cache_open(const char *dir, unsigned flags, struct mare_err *err)
{
	struct mare_cache *c;
	struct stat st;
	size_t n;

	if (dir == NULL || dir[0] == '\0') {
		mare_err_set(err, MARE_E_USAGE, "cache: no folder given");
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->dir = strdup(dir)) == NULL) {
		free(c);
		mare_err_sys(err, MARE_E_NOMEM, "cache");
		return NULL;
	}
	c->flags = flags;
	n = strlen(c->dir);
	while (n > 1 && c->dir[n - 1] == '/')
		c->dir[--n] = '\0';
	if (flags & MARE_CACHE_OFFLINE) {
		int bad = stat(c->dir, &st) == -1;

		if (!bad && !S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			bad = 1;
		}
		if (bad) {
			mare_err_sys(err, MARE_E_NOINPUT,
			    "cache folder '%s'", c->dir);
			mare_cache_close(c);
			return NULL;
		}
	} else if (mkdirs(c->dir, err) == -1) {
		mare_cache_close(c);
		return NULL;
	}
	return c;
}

void
mare_cache_close(struct mare_cache *c)
{
	if (c == NULL)
		return;
	free(c->dir);
	free(c);
}

void
mare_cache_entry_release(struct mare_cache_entry *ent)
{
	if (ent == NULL)
		return;
	free(ent->url);
	free(ent->date);
	free(ent->content_type);
	free(ent->body);
	memset(ent, 0, sizeof(*ent));
}

/* Mark *ent corrupt with a reason; returns 0 (a miss). */
static int corrupt(struct mare_cache_entry *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

static int
corrupt(struct mare_cache_entry *ent, const char *fmt, ...)
{
	va_list ap;

	ent->corrupt = 1;
	va_start(ap, fmt);
	vsnprintf(ent->warning, sizeof(ent->warning), fmt, ap);
	va_end(ap);
	return 0;
}

/* Look up without the offline rule: 1 hit, 0 miss, -1 error. */
static int
lookup(struct mare_cache *c, const char *norm, const char *hex,
    struct mare_cache_entry *ent, struct mare_err *err)
{
	char *mpath = NULL, *bpath = NULL, *meta = NULL, *body = NULL;
	char bhex[65];
	const char *murl, *msha, *mdate, *mtype;
	size_t mlen, blen;
	json_int_t mstatus, mbytes;
	json_error_t jerr;
	json_t *doc = NULL;
	int toobig, r, ret = -1;

	if ((mpath = entry_path(c, hex, ".meta", err)) == NULL ||
	    (bpath = entry_path(c, hex, ".json", err)) == NULL)
		goto out;
	if ((r = slurp(mpath, MAX_META, &meta, &mlen, &toobig, err)) <= 0) {
		ret = r;
		if (r == 0 && toobig)
			ret = corrupt(ent, "%s: metadata too large", mpath);
		goto out;
	}
	doc = json_loadb(meta, mlen, 0, &jerr);
	murl = msha = mdate = mtype = NULL;
	mstatus = mbytes = -1;
	if (doc == NULL || json_unpack(doc, "{s:s, s:I, s:s, s:s, s:I, s:s}",
	    "url", &murl, "status", &mstatus, "date", &mdate,
	    "content_type", &mtype, "bytes", &mbytes, "sha256", &msha) != 0) {
		ret = corrupt(ent, "%s: unreadable metadata", mpath);
		goto out;
	}
	if (strcmp(murl, norm) != 0) {
		ret = corrupt(ent, "%s: metadata is for another URL", mpath);
		goto out;
	}
	if ((r = slurp(bpath, MAX_BODY, &body, &blen, &toobig, err)) < 0)
		goto out;
	if (r == 0) {
		ret = corrupt(ent, "%s: body %s", bpath,
		    toobig ? "too large" : "missing");
		goto out;
	}
	if (mbytes < 0 || (size_t)mbytes != blen) {
		ret = corrupt(ent, "%s: body size differs from its metadata",
		    bpath);
		goto out;
	}
	if (sha256_hex(body, blen, bhex) == -1 || strcmp(bhex, msha) != 0) {
		ret = corrupt(ent, "%s: body hash differs from its metadata",
		    bpath);
		goto out;
	}
	if ((ent->url = strdup(murl)) == NULL ||
	    (ent->date = strdup(mdate)) == NULL ||
	    (ent->content_type = strdup(mtype)) == NULL) {
		mare_cache_entry_release(ent);
		mare_err_sys(err, MARE_E_NOMEM, "cache");
		goto out;
	}
	ent->status = (long)mstatus;
	ent->body = body;
	ent->len = blen;
	body = NULL;
	ret = 1;
out:
	json_decref(doc);
	free(meta);
	free(body);
	free(mpath);
	free(bpath);
	return ret;
}

int
mare_cache_get(struct mare_cache *c, const char *url,
    struct mare_cache_entry *ent, struct mare_err *err)
{
	char hex[65], *norm;
	int ret;

	memset(ent, 0, sizeof(*ent));
	if ((norm = mare_cache_normalize_url(url, err)) == NULL)
		return -1;
	if (sha256_hex(norm, strlen(norm), hex) == -1) {
		free(norm);
		return mare_err_set(err, MARE_E_INTERNAL,
		    "cache: SHA-256 failed");
	}
	ret = lookup(c, norm, hex, ent, err);
	free(norm);
	if (ret == 0 && (c->flags & MARE_CACHE_OFFLINE))
		return mare_err_set(err, MARE_E_NOINPUT,
		    "not in cache (offline): %s%s%s", url,
		    ent->corrupt ? "; corrupt entry: " : "", ent->warning);
	return ret;
}

int
mare_cache_put(struct mare_cache *c, const char *url, long status,
    const char *date, const char *content_type, const void *body,
    size_t len, struct mare_err *err)
{
	char hex[65], bhex[65], *norm, *mpath = NULL, *bpath = NULL;
	char *meta = NULL, *slash;
	json_t *doc = NULL;
	int ret = -1;

	if (c->flags & MARE_CACHE_OFFLINE)
		return mare_err_set(err, MARE_E_USAGE,
		    "cache: cannot store in offline mode");
	if ((norm = mare_cache_normalize_url(url, err)) == NULL)
		return -1;
	if (sha256_hex(norm, strlen(norm), hex) == -1 ||
	    sha256_hex(body != NULL ? body : "", len, bhex) == -1) {
		mare_err_set(err, MARE_E_INTERNAL, "cache: SHA-256 failed");
		goto out;
	}
	if ((mpath = entry_path(c, hex, ".meta", err)) == NULL ||
	    (bpath = entry_path(c, hex, ".json", err)) == NULL)
		goto out;
	slash = strrchr(bpath, '/');
	*slash = '\0';
	if (mkdirs(bpath, err) == -1)
		goto out;
	*slash = '/';
	doc = json_pack("{s:s, s:I, s:s, s:s, s:I, s:s}", "url", norm,
	    "status", (json_int_t)status, "date", date ? date : "",
	    "content_type", content_type ? content_type : "",
	    "bytes", (json_int_t)len, "sha256", bhex);
	if (doc == NULL || (meta = json_dumps(doc, JSON_SORT_KEYS)) == NULL) {
		mare_err_set(err, MARE_E_INTERNAL,
		    "cache: cannot encode metadata for %s", url);
		goto out;
	}
	if (write_atomic(bpath, body != NULL ? body : "", len, err) == -1 ||
	    write_atomic(mpath, meta, strlen(meta), err) == -1)
		goto out;
	ret = 0;
out:
	json_decref(doc);
	free(meta);
	free(norm);
	free(mpath);
	free(bpath);
	return ret;
}

int
mare_cache_seed_file(struct mare_cache *c, const char *url, const char *path,
    const char *content_type, struct mare_err *err)
{
	char *body;
	size_t len;
	int toobig, r;

	r = slurp(path, MAX_BODY, &body, &len, &toobig, err);
	if (r == -1)
		return -1;
	if (r == 0) {
		if (toobig)
			return mare_err_set(err, MARE_E_DATA,
			    "'%s': larger than %zu bytes", path, MAX_BODY);
		errno = ENOENT;
		return mare_err_sys(err, MARE_E_NOINPUT, "'%s'", path);
	}
	r = mare_cache_put(c, url, 200, NULL, content_type, body, len, err);
	free(body);
	return r;
}
