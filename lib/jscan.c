/*
 * jscan.c - validating JSON scanner with selective decoding
 *
 * A recursive-descent scan over the bytes of one line, depth bounded by
 * MARE_JSCAN_MAX_DEPTH. Strings advance through a table of plain bytes
 * (printable ASCII but '"' and '\\'); other bytes are escapes, checked as
 * jansson checks them, or UTF-8 sequences, checked as jansson's utf.c
 * does (no overlong forms, no surrogates, nothing above U+10FFFF). Keys
 * are hashed (FNV-1a) as they are scanned; each object level keeps a
 * 64-bit mask of the hashes seen, so the search for a duplicate key runs
 * only when two hashes share a bit. A wanted top-level value is decoded
 * on the spot when it is a plain string, a short number or a literal,
 * and by json_loadb() on its own bytes otherwise (escaped strings,
 * arrays, objects), which makes its value jansson's by construction.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"

#define LOAD_FLAGS	(JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | \
			    JSON_ALLOW_NUL)
#define MAX_INT_DIGITS	18	/* always within int64 */
#define MAX_NUM_DIGITS	300	/* no plain decimal this long overflows */

/* Scan results inside this file: NO sends the line to jansson. */
#define OK	0
#define NO	(-1)
#define NOMEM	(-2)

struct want {
	char		*name;
	size_t		 len;
	uint64_t	 h;
};

struct key {
	uint64_t	 h;
	const char	*p;
	size_t		 n;
};

struct mare_jscan {
	struct want	*want;
	size_t		 nwant;
	struct key	*keys;		/* keys of the open objects */
	size_t		 nkeys, capkeys;
	const char	*p, *end;
	json_t		*obj;		/* the result being built */
};

/* 1 for bytes that stand for themselves inside a string. */
static unsigned char plain[256];

static void
init_plain(void)
{
	int c;

	if (plain['a'])
		return;
	for (c = 0x20; c < 0x80; c++)
		plain[c] = c != '"' && c != '\\';
}

static uint64_t
fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

struct mare_jscan *
mare_jscan_new(const char *const *keys, size_t n, struct mare_err *err)
{
	struct mare_jscan *sc;
	size_t i, j;

	init_plain();
	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		goto nomem;
	if (n > 0 && (sc->want = calloc(n, sizeof(*sc->want))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		for (j = 0; j < sc->nwant; j++)
			if (strcmp(sc->want[j].name, keys[i]) == 0)
				break;
		if (j < sc->nwant)
			continue;
		if ((sc->want[j].name = strdup(keys[i])) == NULL)
			goto nomem;
		sc->want[j].len = strlen(keys[i]);
		sc->want[j].h = fnv1a(keys[i], sc->want[j].len);
		sc->nwant++;
	}
	return sc;
nomem:
	mare_jscan_free(sc);
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return NULL;
}

void
mare_jscan_free(struct mare_jscan *sc)
{
	size_t i;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->nwant; i++)
		free(sc->want[i].name);
	free(sc->want);
	free(sc->keys);
	json_decref(sc->obj);
	free(sc);
}

static void
skip_ws(struct mare_jscan *sc)
{
	while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t' ||
	    *sc->p == '\n' || *sc->p == '\r'))
		sc->p++;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at p (end checked by the caller), or -1. */
static long
hex4(const char *p)
{
	long v = 0;
	int i, d;

	for (i = 0; i < 4; i++) {
		if ((d = hexval((unsigned char)p[i])) < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* One UTF-8 sequence at sc->p whose first byte is >= 0x80. */
static int
utf8_seq(struct mare_jscan *sc)
{
	const unsigned char *u = (const unsigned char *)sc->p;
	size_t n, i, left = (size_t)(sc->end - sc->p);
	uint32_t v;

	if (u[0] < 0xC2)
		return NO;
	else if (u[0] < 0xE0) {
		n = 2;
		v = u[0] & 0x1F;
	} else if (u[0] < 0xF0) {
		n = 3;
		v = u[0] & 0x0F;
	} else if (u[0] < 0xF5) {
		n = 4;
		v = u[0] & 0x07;
	} else
		return NO;
	if (left < n)
		return NO;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return NO;
		v = (v << 6) | (u[i] & 0x3F);
	}
	if ((n == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) ||
	    (n == 4 && (v < 0x10000 || v > 0x10FFFF)))
		return NO;
	sc->p += n;
	return OK;
}

/*
 * A string; sc->p is on its opening quote and ends after the closing one.
 * *esc is set when it holds an escape.
 */
static int
scan_string(struct mare_jscan *sc, int *esc)
{
	const char *p = sc->p + 1, *end = sc->end;
	long u, lo;

	*esc = 0;
	for (;;) {
		while (p < end && plain[(unsigned char)*p])
			p++;
		if (p >= end)
			return NO;
		if (*p == '"') {
			sc->p = p + 1;
			return OK;
		}
		if (*p == '\\') {
			*esc = 1;
			if (end - p < 2)
				return NO;
			switch (p[1]) {
			case '"': case '\\': case '/': case 'b': case 'f':
			case 'n': case 'r': case 't':
				p += 2;
				continue;
			case 'u':
				break;
			default:
				return NO;
			}
			if (end - p < 6 || (u = hex4(p + 2)) < 0 || u == 0)
				return NO;
			p += 6;
			if (u >= 0xDC00 && u <= 0xDFFF)
				return NO;
			if (u >= 0xD800 && u <= 0xDBFF) {
				if (end - p < 6 || p[0] != '\\' ||
				    p[1] != 'u' || (lo = hex4(p + 2)) < 0xDC00 ||
				    lo > 0xDFFF)
					return NO;
				p += 6;
			}
			continue;
		}
		if ((unsigned char)*p < 0x20)
			return NO;
		sc->p = p;
		if (utf8_seq(sc) != OK)
			return NO;
		p = sc->p;
	}
}

/*
 * A number at sc->p. *isint: no fraction; *iv its value then. Exponents
 * and long digit strings are not vouched for.
 */
static int
scan_number(struct mare_jscan *sc, int *isint, long long *iv)
{
	const char *p = sc->p, *end = sc->end;
	int neg = 0, digits = 0;
	long long v = 0;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	if (p >= end || !(*p >= '0' && *p <= '9'))
		return NO;
	if (*p == '0')
		p++, digits++;
	else
		while (p < end && *p >= '0' && *p <= '9') {
			v = digits < MAX_INT_DIGITS ? v * 10 + (*p - '0') : 0;
			p++, digits++;
		}
	*isint = 1;
	if (p < end && *p == '.') {
		*isint = 0;
		p++;
		if (p >= end || !(*p >= '0' && *p <= '9'))
			return NO;
		while (p < end && *p >= '0' && *p <= '9')
			p++, digits++;
	}
	if (p < end && (*p == 'e' || *p == 'E'))
		return NO;
	if (digits > MAX_NUM_DIGITS || (*isint && digits > MAX_INT_DIGITS))
		return NO;
	*iv = neg ? -v : v;
	sc->p = p;
	return OK;
}

/* Exact powers of ten: every one up to 1e22 is a double. */
static const double tens[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/*
 * A plain decimal "-?d+.d+" with at most 15 digits in all: its digits m
 * and fraction length k give m / 10^k, both exact doubles, so the one
 * correctly rounded division is the double strtod() makes of the text
 * (Clinger's fast path). 0 when the token does not qualify.
 */
static int
fast_real(const char *s, size_t n, double *out)
{
	unsigned long long m = 0;
	size_t i = 0;
	int digits = 0, frac = -1, neg = 0;

	if (s[0] == '-') {
		neg = 1;
		i = 1;
	}
	for (; i < n; i++) {
		if (s[i] == '.') {
			frac = 0;
			continue;
		}
		m = m * 10 + (unsigned long long)(s[i] - '0');
		if (++digits > 15)
			return 0;
		if (frac >= 0)
			frac++;
	}
	if (frac < 0 || frac > 22)
		return 0;
	*out = (double)m / tens[frac];
	if (neg)
		*out = -*out;
	return 1;
}

static int scan_value(struct mare_jscan *, int, json_t **, int);

static int
push_key(struct mare_jscan *sc, size_t first, uint64_t *mask, const char *k,
    size_t n, uint64_t h)
{
	uint64_t bit = (uint64_t)1 << (h & 63);
	struct key *nk;
	size_t i;

	if (*mask & bit)
		for (i = first; i < sc->nkeys; i++)
			if (sc->keys[i].h == h && sc->keys[i].n == n &&
			    memcmp(sc->keys[i].p, k, n) == 0)
				return NO;	/* jansson: duplicate key */
	*mask |= bit;
	if (sc->nkeys == sc->capkeys) {
		size_t cap = sc->capkeys ? sc->capkeys * 2 : 64;

		if ((nk = reallocarray(sc->keys, cap, sizeof(*nk))) == NULL)
			return NOMEM;
		sc->keys = nk;
		sc->capkeys = cap;
	}
	sc->keys[sc->nkeys].h = h;
	sc->keys[sc->nkeys].p = k;
	sc->keys[sc->nkeys].n = n;
	sc->nkeys++;
	return OK;
}

static const struct want *
wanted(const struct mare_jscan *sc, const char *k, size_t n, uint64_t h)
{
	size_t i;

	for (i = 0; i < sc->nwant; i++)
		if (sc->want[i].h == h && sc->want[i].len == n &&
		    memcmp(sc->want[i].name, k, n) == 0)
			return &sc->want[i];
	return NULL;
}

static int
scan_object(struct mare_jscan *sc, int depth)
{
	const struct want *w;
	const char *k;
	size_t first = sc->nkeys, n;
	uint64_t mask = 0, h;
	json_t *v, **vp;
	int esc, rc;

	sc->p++;			/* '{' */
	skip_ws(sc);
	if (sc->p < sc->end && *sc->p == '}') {
		sc->p++;
		return OK;
	}
	for (;;) {
		if (sc->p >= sc->end || *sc->p != '"')
			return NO;
		k = sc->p + 1;
		if ((rc = scan_string(sc, &esc)) != OK)
			return rc;
		if (esc)
			return NO;	/* keys as written, not decoded */
		n = (size_t)(sc->p - 1 - k);
		h = fnv1a(k, n);
		if ((rc = push_key(sc, first, &mask, k, n, h)) != OK)
			return rc;
		skip_ws(sc);
		if (sc->p >= sc->end || *sc->p != ':')
			return NO;
		sc->p++;
		skip_ws(sc);
		w = depth == 1 ? wanted(sc, k, n, h) : NULL;
		v = NULL;
		vp = w != NULL ? &v : NULL;
		if ((rc = scan_value(sc, depth, vp, 0)) != OK)
			return rc;
		if (v != NULL && json_object_set_new_nocheck(sc->obj, w->name,
		    v) != 0)
			return NOMEM;
		skip_ws(sc);
		if (sc->p >= sc->end)
			return NO;
		if (*sc->p == '}') {
			sc->p++;
			sc->nkeys = first;
			return OK;
		}
		if (*sc->p != ',')
			return NO;
		sc->p++;
		skip_ws(sc);
	}
}

static int
scan_array(struct mare_jscan *sc, int depth)
{
	int rc;

	sc->p++;			/* '[' */
	skip_ws(sc);
	if (sc->p < sc->end && *sc->p == ']') {
		sc->p++;
		return OK;
	}
	for (;;) {
		if ((rc = scan_value(sc, depth, NULL, 0)) != OK)
			return rc;
		skip_ws(sc);
		if (sc->p >= sc->end)
			return NO;
		if (*sc->p == ']') {
			sc->p++;
			return OK;
		}
		if (*sc->p != ',')
			return NO;
		sc->p++;
		skip_ws(sc);
	}
}

static int
literal(struct mare_jscan *sc, const char *word, size_t n)
{
	if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, word, n) != 0)
		return NO;
	sc->p += n;
	return OK;
}

/* json_loadb() of the bytes from start to sc->p, for a wanted value. */
static int
load_span(struct mare_jscan *sc, const char *start, json_t **out)
{
	json_error_t je;

	*out = json_loadb(start, (size_t)(sc->p - start), LOAD_FLAGS, &je);
	if (*out != NULL)
		return OK;
	return json_error_code(&je) == json_error_out_of_memory ? NOMEM : NO;
}

/*
 * A value at sc->p inside a container at depth (the top object is 1);
 * *out, when out is not NULL, receives it decoded.
 */
static int
scan_value(struct mare_jscan *sc, int depth, json_t **out, int top)
{
	const char *start = sc->p;
	char num[MAX_NUM_DIGITS + 8];
	long long iv;
	double d;
	int rc, esc, isint;

	if (sc->p >= sc->end)
		return NO;
	switch (*sc->p) {
	case '{':
		if (depth >= MARE_JSCAN_MAX_DEPTH)
			return NO;
		if (!top && out == NULL)
			return scan_object(sc, depth + 1);
		if (top)
			return scan_object(sc, 1);
		/* a wanted object: scanned for the line, decoded alone */
		if ((rc = scan_object(sc, depth + 1)) != OK)
			return rc;
		return load_span(sc, start, out);
	case '[':
		if (depth >= MARE_JSCAN_MAX_DEPTH)
			return NO;
		if ((rc = scan_array(sc, depth + 1)) != OK)
			return rc;
		return out != NULL ? load_span(sc, start, out) : OK;
	case '"':
		if ((rc = scan_string(sc, &esc)) != OK || out == NULL)
			return rc;
		if (esc)
			return load_span(sc, start, out);
		*out = json_stringn_nocheck(start + 1,
		    (size_t)(sc->p - start - 2));
		return *out != NULL ? OK : NOMEM;
	case 't':
		rc = literal(sc, "true", 4);
		if (rc == OK && out != NULL)
			*out = json_true();
		return rc;
	case 'f':
		rc = literal(sc, "false", 5);
		if (rc == OK && out != NULL)
			*out = json_false();
		return rc;
	case 'n':
		rc = literal(sc, "null", 4);
		if (rc == OK && out != NULL)
			*out = json_null();
		return rc;
	default:
		if ((rc = scan_number(sc, &isint, &iv)) != OK || out == NULL)
			return rc;
		if (isint)
			*out = json_integer(iv);
		else if (fast_real(start, (size_t)(sc->p - start), &d))
			*out = json_real(d);
		else {
			/* the token, NUL-terminated: the line is not */
			memcpy(num, start, (size_t)(sc->p - start));
			num[sc->p - start] = '\0';
			*out = json_real(strtod(num, NULL));
		}
		return *out != NULL ? OK : NOMEM;
	}
}

int
mare_jscan_object(struct mare_jscan *sc, const char *s, size_t len,
    json_t **obj, struct mare_err *err)
{
	int rc;

	*obj = NULL;
	sc->p = s;
	sc->end = s + len;
	sc->nkeys = 0;
	skip_ws(sc);
	if (sc->p >= sc->end || *sc->p != '{')
		return 0;
	if ((sc->obj = json_object()) == NULL)
		rc = NOMEM;
	else
		rc = scan_value(sc, 0, NULL, 1);
	if (rc == OK) {
		skip_ws(sc);
		if (sc->p != sc->end)
			rc = NO;
	}
	if (rc != OK) {
		json_decref(sc->obj);
		sc->obj = NULL;
		if (rc == NOMEM)
			return mare_err_set(err, MARE_E_NOMEM,
			    "out of memory");
		return 0;
	}
	*obj = sc->obj;
	sc->obj = NULL;
	return 1;
}
