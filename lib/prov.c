/*
 * prov.c - SHA-256 through libcrypto, and provenance records
 *
 * SHA-256 goes through OpenSSL's EVP interface (the SHA256_* functions
 * are deprecated in OpenSSL 3). EVP contexts are opaque and allocated, so
 * struct mare_sha256 holds a pointer and init/final bracket its life.
 *
 * A provenance record keeps copies of everything it prints, and formats
 * the creation time once, in mare_prov_new(), with gmtime_r(): UTC, so
 * neither the time zone nor the locale can change the bytes.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "mare.h"
#include "prov.h"

/* SHA-256 */

int
mare_sha256_init(struct mare_sha256 *s, struct mare_err *err)
{
	EVP_MD_CTX *ctx;

	s->failed = 0;
	if ((s->ctx = ctx = EVP_MD_CTX_new()) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		mare_sha256_release(s);
		return mare_err_set(err, MARE_E_INTERNAL,
		    "cannot start SHA-256 (libcrypto)");
	}
	return 0;
}

void
mare_sha256_update(struct mare_sha256 *s, const void *buf, size_t len)
{
	if (s->ctx == NULL || s->failed)
		return;
	if (EVP_DigestUpdate(s->ctx, buf, len) != 1)
		s->failed = 1;
}

int
mare_sha256_final(struct mare_sha256 *s, char hex[65], struct mare_err *err)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	int ok;

	hex[0] = '\0';
	ok = s->ctx != NULL && !s->failed &&
	    EVP_DigestFinal_ex(s->ctx, md, &n) == 1 && n == 32;
	mare_sha256_release(s);
	if (!ok)
		return mare_err_set(err, MARE_E_INTERNAL,
		    "cannot compute SHA-256 (libcrypto)");
	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0xf];
	}
	hex[64] = '\0';
	return 0;
}

void
mare_sha256_release(struct mare_sha256 *s)
{
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
}

int
mare_sha256_buf(const void *buf, size_t len, char hex[65],
    struct mare_err *err)
{
	struct mare_sha256 s;

	hex[0] = '\0';
	if (mare_sha256_init(&s, err) == -1)
		return -1;
	mare_sha256_update(&s, buf, len);
	return mare_sha256_final(&s, hex, err);
}

int
mare_sha256_file(const char *path, char hex[65], struct mare_err *err)
{
	struct mare_sha256 s;
	unsigned char buf[65536];
	size_t n;
	FILE *fp;

	hex[0] = '\0';
	if ((fp = fopen(path, "rb")) == NULL)
		return mare_err_sys(err, MARE_E_NOINPUT, "'%s'", path);
	if (mare_sha256_init(&s, err) == -1) {
		fclose(fp);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		mare_sha256_update(&s, buf, n);
	if (ferror(fp)) {
		mare_sha256_release(&s);
		mare_err_sys(err, MARE_E_IO, "'%s': read error", path);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	return mare_sha256_final(&s, hex, err);
}

/* Provenance records */

struct input {
	char	*name;
	char	 hex[65];	/* "" when unknown */
};

struct mare_prov {
	char			**argv;
	int			  argc;
	unsigned long long	  seed;
	char			  created[32];
	struct input		 *in;
	size_t			  nin, capin;
};

struct mare_prov *
mare_prov_new(int argc, char **argv, unsigned long long seed, time_t when,
    struct mare_err *err)
{
	struct mare_prov *p;
	struct tm tm;
	int i;

	if (seed > (unsigned long long)LLONG_MAX) {
		mare_err_set(err, MARE_E_USAGE,
		    "seed %llu is too large to record (at most %lld)", seed,
		    LLONG_MAX);
		return NULL;
	}
	if (gmtime_r(&when, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900) {
		mare_err_set(err, MARE_E_USAGE,
		    "time %lld is outside the years 0 to 9999",
		    (long long)when);
		return NULL;
	}
	if (argc < 0)
		argc = 0;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		goto nomem;
	p->seed = seed;
	snprintf(p->created, sizeof(p->created),
	    "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (argc > 0 && (p->argv = calloc((size_t)argc, sizeof(char *))) ==
	    NULL)
		goto nomem;
	for (i = 0; i < argc; i++) {
		p->argc = i + 1;
		if ((p->argv[i] = strdup(argv[i] != NULL ? argv[i] : "")) ==
		    NULL)
			goto nomem;
	}
	return p;
nomem:
	mare_prov_free(p);
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return NULL;
}

void
mare_prov_free(struct mare_prov *p)
{
	size_t i;
	int a;

	if (p == NULL)
		return;
	for (a = 0; a < p->argc; a++)
		/*
		 * analyzer false positive: argc > 0 only once argv holds
		 * argc strings
		 */
		/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
		free(p->argv[a]);
	free(p->argv);
	for (i = 0; i < p->nin; i++)
		free(p->in[i].name);
	free(p->in);
	free(p);
}

static int
valid_hex(const char *hex)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') ||
		    (hex[i] >= 'a' && hex[i] <= 'f')))
			return 0;
	return hex[64] == '\0';
}

int
mare_prov_add_input_hash(struct mare_prov *p, const char *name,
    const char *hex, struct mare_err *err)
{
	struct input *nin;
	size_t ncap;

	if (hex != NULL && !valid_hex(hex))
		return mare_err_set(err, MARE_E_INTERNAL,
		    "'%s': not a SHA-256 in hex", name);
	if (p->nin == p->capin) {
		ncap = p->capin == 0 ? 4 : p->capin * 2;
		if ((nin = reallocarray(p->in, ncap, sizeof(*nin))) == NULL)
			return mare_err_set(err, MARE_E_NOMEM,
			    "out of memory");
		p->in = nin;
		p->capin = ncap;
	}
	if ((p->in[p->nin].name = strdup(name)) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	snprintf(p->in[p->nin].hex, sizeof(p->in[p->nin].hex), "%s",
	    hex != NULL ? hex : "");
	p->nin++;
	return 0;
}

int
mare_prov_add_input(struct mare_prov *p, const char *path,
    struct mare_err *err)
{
	char hex[65];

	if (path == NULL || strcmp(path, "-") == 0)
		return mare_prov_add_input_hash(p, "<stdin>", NULL, err);
	if (mare_sha256_file(path, hex, err) == -1)
		return -1;
	return mare_prov_add_input_hash(p, path, hex, err);
}

/*
 * A JSON string for s, which comes from argv or a file name and so need
 * not be UTF-8: each byte that does not start a valid UTF-8 sequence
 * becomes U+FFFD, as a terminal would show it.
 */
static json_t *
text(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	json_t *v;
	char *fixed, *q;
	size_t i, n, len;
	unsigned cp, min;

	if ((v = json_string(s)) != NULL)
		return v;
	len = strlen(s);
	if (len > SIZE_MAX / 3 || (fixed = malloc(3 * len + 1)) == NULL)
		return NULL;
	for (i = 0, q = fixed; i < len; i += n) {
		if (u[i] < 0x80) {
			n = 1;
			cp = u[i];
			min = 0;
		} else if ((u[i] & 0xe0) == 0xc0) {
			n = 2;
			cp = u[i] & 0x1f;
			min = 0x80;
		} else if ((u[i] & 0xf0) == 0xe0) {
			n = 3;
			cp = u[i] & 0x0f;
			min = 0x800;
		} else if ((u[i] & 0xf8) == 0xf0) {
			n = 4;
			cp = u[i] & 0x07;
			min = 0x10000;
		} else
			n = 0;
		if (n > 0 && i + n <= len) {
			size_t k;

			for (k = 1; k < n && (u[i + k] & 0xc0) == 0x80; k++)
				cp = (cp << 6) | (u[i + k] & 0x3f);
			if (k < n || cp < min || cp > 0x10ffff ||
			    (cp >= 0xd800 && cp <= 0xdfff))
				n = 0;
		} else
			n = 0;
		if (n == 0) {
			memcpy(q, "\xef\xbf\xbd", 3);
			q += 3;
			n = 1;
		} else {
			memcpy(q, s + i, n);
			q += n;
		}
	}
	*q = '\0';
	v = json_string(fixed);
	free(fixed);
	return v;
}

/* Append v to the object o under key; consumes v. 0 or -1. */
static int
set(json_t *o, const char *key, json_t *v)
{
	return v == NULL ? -1 : json_object_set_new(o, key, v);
}

json_t *
mare_prov_to_json(const struct mare_prov *p)
{
	json_t *o, *cmd, *inputs, *in;
	size_t i;
	int a;

	if ((o = json_object()) == NULL)
		return NULL;
	if (set(o, "tool", json_string("mare")) == -1 ||
	    set(o, "version", json_string(mare_version())) == -1 ||
	    set(o, "command", cmd = json_array()) == -1)
		goto fail;
	for (a = 0; a < p->argc; a++)
		if (json_array_append_new(cmd, text(p->argv[a])) == -1)
			goto fail;
	if (set(o, "seed", json_integer((json_int_t)p->seed)) == -1 ||
	    set(o, "created", json_string(p->created)) == -1 ||
	    set(o, "inputs", inputs = json_array()) == -1)
		goto fail;
	for (i = 0; i < p->nin; i++) {
		in = json_object();
		if (json_array_append_new(inputs, in) == -1 ||
		    set(in, "path", text(p->in[i].name)) == -1 ||
		    set(in, "sha256", p->in[i].hex[0] != '\0' ?
		    json_string(p->in[i].hex) : json_null()) == -1)
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}
