/*
 * grid.c - ESRI ASCII grid reader and writer, layer stacks, cell lookup
 *
 * Reading goes through libarchive for plain and compressed files alike
 * (the "raw" format with every filter): one code path, and the content
 * decides whether gunzip is needed. Data arrive in 1 MiB blocks; the
 * scanner works on the part of the buffer that ends at the last whitespace,
 * so no token is ever split, and moves the unfinished tail to the front
 * before the next read. Numbers are parsed by hand when they are plain
 * decimals whose digits fit in 2^53 and whose scale is at most 10^22: then
 * m / 10^k is one correctly rounded IEEE division of two exact doubles,
 * which is exactly what a correctly rounded strtod returns. Anything else
 * (exponents, long mantissas, nan, inf) goes to strtod.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <archive.h>

#include "grid.h"
#include "io.h"

#define BLOCK		(1u << 20)	/* read size */
#define MAX_HEADER_LINE	4096
#define MAX_TOKEN	64		/* longest number accepted */
#define INITIAL_CELLS	((size_t)1 << 20)

/* Exact powers of ten as doubles (10^22 is the last exact one). */
static const double pow10tab[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

struct reader {
	struct archive	*a;
	const char	*name;
	char		*buf;
	size_t		 len, pos;
	unsigned long	 line;		/* line of buf[pos] */
	int		 eof;
	int		 last_nl;	/* the last byte read was '\n' */
	unsigned long long consumed;	/* bytes before buf[0] */
	struct mare_err	*err;
};

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

/* "10,080" */
static const char *
fmt_count(char *buf, size_t size, unsigned long long n)
{
	char tmp[32];
	size_t len, i, o = 0;

	len = (size_t)snprintf(tmp, sizeof(tmp), "%llu", n);
	for (i = 0; i < len && o + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return buf;
}

/* A token for a message: at most 40 bytes, quoted by the caller. */
static int
tok_len(size_t len)
{
	return len > 40 ? 40 : (int)len;
}

/*
 * Move the unread tail to the front and read more. Returns the number of
 * new bytes (0 at end of input), or -1 on a read error.
 */
static long
fill(struct reader *r)
{
	la_ssize_t got;

	if (r->eof)
		return 0;
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->consumed += r->pos;
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->len == BLOCK)
		return 0;
	do {
		got = archive_read_data(r->a, r->buf + r->len, BLOCK - r->len);
	} while (got == ARCHIVE_RETRY);
	if (got < 0) {
		/* a compressed stream that breaks off is bad data */
		if (archive_filter_code(r->a, 0) != ARCHIVE_FILTER_NONE)
			mare_err_set(r->err, MARE_E_DATA, "corrupt compressed "
			    "data: %s", archive_error_string(r->a) != NULL ?
			    archive_error_string(r->a) : "unknown");
		else
			mare_err_sys(r->err, MARE_E_IO, "read error");
		mare_err_at(r->err, r->name, archive_filter_code(r->a, 0) !=
		    ARCHIVE_FILTER_NONE ? 0 : r->line, 0);
		return -1;
	}
	if (got == 0) {
		r->eof = 1;
		return 0;
	}
	r->len += (size_t)got;
	r->last_nl = r->buf[r->len - 1] == '\n';
	return got;
}

/* Fast path; returns 1 when it could not decide (use strtod). */
static int
parse_fast(const char *s, const char *e, float *out)
{
	uint64_t m = 0;
	int neg = 0, nd = 0, frac = 0, dot = 0, digits = 0;
	double d;

	if (s < e && (*s == '-' || *s == '+'))
		neg = *s++ == '-';
	for (; s < e; s++) {
		unsigned c = (unsigned char)*s - '0';

		if (c <= 9) {
			digits = 1;
			if (m != 0 || c != 0) {
				if (++nd > 19)
					return 1;
				m = m * 10 + c;
			}
			frac += dot;
		} else if (*s == '.' && !dot)
			dot = 1;
		else
			return 1;
	}
	if (!digits)
		return 1;
	while (frac > 0 && m % 10 == 0) {
		m /= 10;
		frac--;
	}
	if (m > (UINT64_C(1) << 53) || frac > 22)
		return 1;
	d = (double)m;
	if (frac > 0)
		d /= pow10tab[frac];
	*out = (float)(neg ? -d : d);
	return 0;
}

int
mare_grid_parse_float(const char *p, size_t len, float *out)
{
	char tmp[MAX_TOKEN + 1], *end;
	double d;
	size_t i;

	if (len == 0)
		return -1;
	if (parse_fast(p, p + len, out) == 0)
		return 0;
	if (len > MAX_TOKEN)
		return -1;
	for (i = 0; i < len; i++) {
		if (p[i] == 'x' || p[i] == 'X' || p[i] == '\0' ||
		    is_space((unsigned char)p[i]))
			return -1;
	}
	memcpy(tmp, p, len);
	tmp[len] = '\0';
	errno = 0;
	d = strtod(tmp, &end);
	if (end != tmp + len)
		return -1;
	*out = (float)d;
	return 0;
}

/* Header */

enum hkey {
	K_NCOLS, K_NROWS, K_XLLCORNER, K_XLLCENTER, K_YLLCORNER, K_YLLCENTER,
	K_CELLSIZE, K_DX, K_DY, K_NODATA, K_COUNT
};

static const char *const hkey_names[K_COUNT] = {
	"ncols", "nrows", "xllcorner", "xllcenter", "yllcorner", "yllcenter",
	"cellsize", "dx", "dy", "NODATA_value"
};

struct header {
	int		seen[K_COUNT];
	unsigned long	line[K_COUNT];
	double		val[K_COUNT];
	size_t		ncols, nrows;
};

static int
is_number_word(const char *s, size_t n)
{
	static const char *const words[] = {
		"nan", "-nan", "+nan", "inf", "-inf", "+inf", "infinity",
		"-infinity", "+infinity"
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strlen(words[i]) == n && strncasecmp(s, words[i], n) == 0)
			return 1;
	}
	return 0;
}

static int	hdr_fail(struct reader *r, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

static int
hdr_fail(struct reader *r, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mare_err_set(r->err, MARE_E_DATA, "%s", msg);
	mare_err_at(r->err, r->name, r->line, 0);
	return -1;
}

/* Parse one "keyword value" line [s, e). */
static int
header_line(struct reader *r, struct header *h, const char *s, const char *e)
{
	const char *kw, *v, *ve, *x;
	size_t kwlen, vlen;
	char tmp[MAX_TOKEN + 1], *end;
	unsigned long long u;
	double d;
	int k;

	kw = s;
	while (s < e && !is_space((unsigned char)*s))
		s++;
	kwlen = (size_t)(s - kw);
	while (s < e && is_space((unsigned char)*s))
		s++;
	v = s;
	while (s < e && !is_space((unsigned char)*s))
		s++;
	ve = s;
	vlen = (size_t)(ve - v);
	while (s < e && is_space((unsigned char)*s))
		s++;
	x = s;

	for (k = 0; k < K_COUNT; k++) {
		if (strlen(hkey_names[k]) == kwlen &&
		    strncasecmp(kw, hkey_names[k], kwlen) == 0)
			break;
	}
	if (k == K_COUNT)
		return hdr_fail(r, "unknown header keyword '%.*s'",
		    tok_len(kwlen), kw);
	if (h->seen[k])
		return hdr_fail(r, "header keyword '%.*s' given twice",
		    tok_len(kwlen), kw);
	if (vlen == 0)
		return hdr_fail(r, "header keyword '%.*s' has no value",
		    tok_len(kwlen), kw);
	if (x < e)
		return hdr_fail(r, "header keyword '%.*s': unexpected '%.*s' "
		    "after the value", tok_len(kwlen), kw,
		    tok_len((size_t)(e - x)), x);
	if (vlen > MAX_TOKEN)
		return hdr_fail(r, "header keyword '%.*s': value too long: "
		    "'%.*s'", tok_len(kwlen), kw, tok_len(vlen), v);
	memcpy(tmp, v, vlen);
	tmp[vlen] = '\0';

	if (k == K_NCOLS || k == K_NROWS) {
		if (!isdigit((unsigned char)tmp[0]))
			goto notposint;
		errno = 0;
		u = strtoull(tmp, &end, 10);
		if (*end != '\0' || u == 0)
			goto notposint;
		if (errno == ERANGE || u > MARE_GRID_MAX_CELLS)
			return hdr_fail(r, "header keyword '%.*s': '%.*s' is "
			    "too large", tok_len(kwlen), kw, tok_len(vlen), v);
		if (k == K_NCOLS)
			h->ncols = (size_t)u;
		else
			h->nrows = (size_t)u;
		d = (double)u;
	} else {
		for (end = tmp; *end != '\0'; end++) {
			if (*end == 'x' || *end == 'X')
				goto notnum;
		}
		d = strtod(tmp, &end);
		if (*end != '\0' || end == tmp)
			goto notnum;
		if (!isfinite(d) && !(k == K_NODATA && isnan(d)))
			goto notnum;
	}
	h->seen[k] = 1;
	h->line[k] = r->line;
	h->val[k] = d;
	return 0;
notposint:
	return hdr_fail(r, "header keyword '%.*s' must be a positive integer, "
	    "got '%.*s'", tok_len(kwlen), kw, tok_len(vlen), v);
notnum:
	return hdr_fail(r, "header keyword '%.*s' must be a finite number, "
	    "got '%.*s'", tok_len(kwlen), kw, tok_len(vlen), v);
}

/* Read header lines until the first line that starts with a number. */
static int
read_header(struct reader *r, struct header *h)
{
	char *nl, *s, *e, *t;

	for (;;) {
		nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
		if (nl == NULL && !r->eof) {
			if (r->len - r->pos >= MAX_HEADER_LINE) {
				/* a long line of numbers ends the header */
				s = r->buf + r->pos;
				while (s < r->buf + r->len &&
				    is_space((unsigned char)*s))
					s++;
				if (s < r->buf + r->len && !isalpha(
				    (unsigned char)*s))
					return 0;
				return hdr_fail(r, "header line too long");
			}
			if (fill(r) < 0)
				return -1;
			continue;
		}
		s = r->buf + r->pos;
		e = nl != NULL ? nl : r->buf + r->len;
		t = s;
		while (t < e && is_space((unsigned char)*t))
			t++;
		if (t == e) {
			if (nl == NULL)
				return 0;	/* end of input */
			r->pos = (size_t)(nl + 1 - r->buf);
			r->line++;
			continue;
		}
		if (!isalpha((unsigned char)*t))
			return 0;
		s = t;
		while (t < e && !is_space((unsigned char)*t))
			t++;
		if (is_number_word(s, (size_t)(t - s)))
			return 0;
		while (e > s && is_space((unsigned char)e[-1]))
			e--;
		if (header_line(r, h, s, e) < 0)
			return -1;
		if (nl == NULL) {
			r->pos = r->len;
			return 0;
		}
		r->pos = (size_t)(nl + 1 - r->buf);
		r->line++;
	}
}

static int
close_enough(double a, double b, double tol)
{
	return fabs(a - b) <= tol;
}

/* Turn a parsed header into a geometry; check what must be true. */
static int
make_geom(struct reader *r, struct header *h, struct mare_grid_geom *g)
{
	static const char *const need[] = { "ncols", "nrows" };
	double cs, span;
	int i;

	for (i = 0; i < 2; i++) {
		if (!h->seen[i]) {
			mare_err_set(r->err, MARE_E_DATA, "header has no %s",
			    need[i]);
			goto fail;
		}
	}
	if (h->seen[K_XLLCORNER] && h->seen[K_XLLCENTER]) {
		mare_err_set(r->err, MARE_E_DATA,
		    "header has both xllcorner and xllcenter");
		goto fail;
	}
	if (h->seen[K_YLLCORNER] && h->seen[K_YLLCENTER]) {
		mare_err_set(r->err, MARE_E_DATA,
		    "header has both yllcorner and yllcenter");
		goto fail;
	}
	if (!h->seen[K_XLLCORNER] && !h->seen[K_XLLCENTER]) {
		mare_err_set(r->err, MARE_E_DATA,
		    "header has no xllcorner or xllcenter");
		goto fail;
	}
	if (!h->seen[K_YLLCORNER] && !h->seen[K_YLLCENTER]) {
		mare_err_set(r->err, MARE_E_DATA,
		    "header has no yllcorner or yllcenter");
		goto fail;
	}
	if ((size_t)h->ncols * h->nrows / h->nrows != h->ncols ||
	    h->ncols * h->nrows > MARE_GRID_MAX_CELLS) {
		mare_err_set(r->err, MARE_E_DATA, "header asks for %zu x %zu "
		    "cells, more than the limit of 2^31", h->ncols, h->nrows);
		goto fail;
	}
	span = (double)(h->ncols > h->nrows ? h->ncols : h->nrows);
	if (h->seen[K_CELLSIZE]) {
		if (h->seen[K_DX] || h->seen[K_DY]) {
			mare_err_set(r->err, MARE_E_DATA,
			    "header has both cellsize and dx/dy");
			goto fail;
		}
		cs = h->val[K_CELLSIZE];
	} else if (h->seen[K_DX] && h->seen[K_DY]) {
		cs = h->val[K_DX];
		if (!close_enough(h->val[K_DX], h->val[K_DY],
		    MARE_GRID_TOLERANCE * fabs(cs) / span)) {
			mare_err_set(r->err, MARE_E_DATA, "dx %.17g and dy "
			    "%.17g differ: non-square cells are not supported",
			    h->val[K_DX], h->val[K_DY]);
			goto fail;
		}
	} else if (h->seen[K_DX] || h->seen[K_DY]) {
		mare_err_set(r->err, MARE_E_DATA, "header has %s without %s",
		    h->seen[K_DX] ? "dx" : "dy", h->seen[K_DX] ? "dy" : "dx");
		goto fail;
	} else {
		mare_err_set(r->err, MARE_E_DATA,
		    "header has no cellsize (or dx and dy)");
		goto fail;
	}
	if (!(cs > 0)) {
		mare_err_set(r->err, MARE_E_DATA,
		    "cellsize must be positive, got %.17g", cs);
		goto fail;
	}
	g->ncols = h->ncols;
	g->nrows = h->nrows;
	g->cellsize = cs;
	g->xll = h->seen[K_XLLCORNER] ? h->val[K_XLLCORNER] :
	    h->val[K_XLLCENTER] - cs / 2;
	g->yll = h->seen[K_YLLCORNER] ? h->val[K_YLLCORNER] :
	    h->val[K_YLLCENTER] - cs / 2;
	g->has_nodata = h->seen[K_NODATA];
	g->nodata = h->seen[K_NODATA] ? h->val[K_NODATA] : 0;
	return 0;
fail:
	mare_err_at(r->err, r->name, 0, 0);
	return -1;
}

/* Data */

static int	data_fail(struct reader *r, unsigned long line,
		    const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

static int
data_fail(struct reader *r, unsigned long line, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mare_err_set(r->err, MARE_E_DATA, "%s", msg);
	mare_err_at(r->err, r->name, line, 0);
	return -1;
}

static int
grow(struct reader *r, float **cells, size_t *cap, size_t n)
{
	size_t ncap = *cap * 2;
	float *p;

	if (ncap > n)
		ncap = n;
	p = realloc(*cells, ncap * sizeof(float));
	if (p == NULL)
		return mare_err_set(r->err, MARE_E_NOMEM, "out of memory");
	*cells = p;
	*cap = ncap;
	return 0;
}

static int
read_data(struct reader *r, float **cells, size_t *cap, size_t n,
    const struct mare_grid_geom *geom)
{
	/*
	 * NaN is never a value, so a NaN cell is a cell without data, as
	 * GDAL writes them; infinities (and overflows, which strtod turns
	 * into them) are data only as the header's NODATA_value.
	 */
	char nb[32], fb[32];
	const char *p, *stop, *t;
	unsigned long line = r->line;
	size_t count = 0;
	float *c = *cells;
	float v;

	for (;;) {
		p = r->buf + r->pos;
		stop = r->buf + r->len;
		if (!r->eof) {
			/* stop after the last whitespace: no split token */
			while (stop > p && !is_space((unsigned char)stop[-1]))
				stop--;
			if (stop == p) {
				if (r->len - r->pos == BLOCK)
					return data_fail(r, line, "token too "
					    "long: '%.*s...'", 40, p);
				if (fill(r) < 0)
					return -1;
				continue;
			}
		}
		while (p < stop) {
			while (p < stop && is_space((unsigned char)*p)) {
				if (*p == '\n')
					line++;
				p++;
			}
			if (p == stop)
				break;
			t = p;
			while (p < stop && !is_space((unsigned char)*p))
				p++;
			if (parse_fast(t, p, &v) != 0 && mare_grid_parse_float(
			    t, (size_t)(p - t), &v) != 0) {
				if (p - t > MAX_TOKEN)
					return data_fail(r, line, "number too "
					    "long: '%.*s...' (more than %d "
					    "characters)", 40, t, MAX_TOKEN);
				return data_fail(r, line,
				    "expected a number, got '%.*s'",
				    tok_len((size_t)(p - t)), t);
			}
			if (isinf(v) &&
			    !(geom->has_nodata && (double)v == geom->nodata))
				return data_fail(r, line, "value '%.*s' is "
				    "beyond the 32-bit float range (cells without "
				    "data hold the NODATA_value)",
				    tok_len((size_t)(p - t)), t);
			if (count == n) {
				mare_err_set(r->err, MARE_E_DATA,
				    "extra value "
				    "'%.*s' after the %s values of the header",
				    tok_len((size_t)(p - t)), t,
				    fmt_count(nb, sizeof(nb), n));
				mare_err_at(r->err, r->name, line, 0);
				return -1;
			}
			if (count == *cap) {
				if (grow(r, cells, cap, n) < 0)
					return -1;
				c = *cells;
			}
			c[count++] = v;
		}
		r->pos = (size_t)(stop - r->buf);
		r->line = line;
		if (r->eof)
			break;
		if (fill(r) < 0)
			return -1;
	}
	if (count < n) {
		mare_err_set(r->err, MARE_E_DATA, "expected %s values, found "
		    "%s (file ends at line %lu)", fmt_count(nb, sizeof(nb), n),
		    fmt_count(fb, sizeof(fb), count),
		    r->last_nl && line > 1 ? line - 1 : line);
		mare_err_at(r->err, r->name, 0, 0);
		return -1;
	}
	return 0;
}

/* "dir/SST_present.asc.gz" -> "SST_present" */
static char *
stem_of(const char *path)
{
	static const char *const zext[] = { ".gz", ".bz2", ".xz", ".zst" };
	const char *b = strrchr(path, '/');
	size_t len, i, el;

	b = b != NULL ? b + 1 : path;
	len = strlen(b);
	for (i = 0; i < sizeof(zext) / sizeof(zext[0]); i++) {
		el = strlen(zext[i]);
		if (len > el && strcasecmp(b + len - el, zext[i]) == 0) {
			len -= el;
			break;
		}
	}
	if (len > 4 && strncasecmp(b + len - 4, ".asc", 4) == 0)
		len -= 4;
	return strndup(b, len);
}

struct mare_grid *
mare_grid_load(const char *path, struct mare_err *err)
{
	struct reader r;
	struct header h;
	struct mare_grid *g = NULL;
	struct stat st;
	const char *name;
	size_t n, cap;
	int plain, known;
	FILE *fp;
	char nb[32], bb[32], needb[32];
	unsigned long long have;

	memset(&r, 0, sizeof(r));
	memset(&h, 0, sizeof(h));
	r.err = err;
	r.line = 1;
	fp = mare_in_open(path, &name, err);
	if (fp == NULL)
		return NULL;
	r.name = name;
	known = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode);
	g = calloc(1, sizeof(*g));
	r.buf = malloc(BLOCK);
	r.a = archive_read_new();
	if (g == NULL || r.buf == NULL || r.a == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto fail;
	}
	g->path = strdup(name);
	g->name = mare_io_is_stdio(path) ? strdup("stdin") : stem_of(path);
	if (g->path == NULL || g->name == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto fail;
	}
	archive_read_support_filter_all(r.a);
	archive_read_support_format_raw(r.a);
	if (known && st.st_size == 0) {
		mare_err_set(err, MARE_E_DATA, "empty file");
		mare_err_at(err, name, 0, 0);
		goto fail;
	}
	if (archive_read_open_fd(r.a, fileno(fp), BLOCK) != ARCHIVE_OK) {
		mare_err_set(err, MARE_E_DATA, "cannot read: %s",
		    archive_error_string(r.a));
		mare_err_at(err, name, 0, 0);
		goto fail;
	}
	{
		struct archive_entry *ae;

		if (archive_read_next_header(r.a, &ae) != ARCHIVE_OK) {
			mare_err_set(err, MARE_E_DATA, "cannot read: %s",
			    archive_error_string(r.a) != NULL ?
			    archive_error_string(r.a) : "no data");
			mare_err_at(err, name, 0, 0);
			goto fail;
		}
	}
	if (fill(&r) < 0)
		goto fail;
	if (r.len >= 3 && memcmp(r.buf, "\xEF\xBB\xBF", 3) == 0)
		r.pos = 3;	/* a UTF-8 byte order mark */
	if (read_header(&r, &h) < 0 ||
	    make_geom(&r, &h, &g->geom) < 0)
		goto fail;
	n = g->geom.ncols * g->geom.nrows;
	plain = archive_filter_count(r.a) <= 1 ||
	    archive_filter_code(r.a, 0) == ARCHIVE_FILTER_NONE;
	if (plain && known) {
		have = (unsigned long long)st.st_size - (r.consumed + r.pos);
		if (have < 2ULL * n - 1) {
			mare_err_set(err, MARE_E_DATA,
			    "header says %zu x %zu = "
			    "%s cells, but only %s bytes of data follow (at "
			    "least %s needed)", g->geom.ncols, g->geom.nrows,
			    fmt_count(nb, sizeof(nb), n),
			    fmt_count(bb, sizeof(bb), have),
			    fmt_count(needb, sizeof(needb), 2ULL * n - 1));
			mare_err_at(err, name, 0, 0);
			goto fail;
		}
		cap = n;
	} else
		cap = n < INITIAL_CELLS ? n : INITIAL_CELLS;
	g->cells = malloc(cap * sizeof(float));
	if (g->cells == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto fail;
	}
	if (read_data(&r, &g->cells, &cap, n, &g->geom) < 0)
		goto fail;
	archive_read_free(r.a);
	free(r.buf);
	mare_in_close(fp);
	return g;
fail:
	if (r.a != NULL)
		archive_read_free(r.a);
	free(r.buf);
	mare_in_close(fp);
	mare_grid_free(g);
	return NULL;
}

struct mare_grid *
mare_grid_new(const struct mare_grid_geom *geom, const char *name,
    struct mare_err *err)
{
	struct mare_grid *g;
	size_t n, i;
	float fill_v;

	if (geom->ncols == 0 || geom->nrows == 0 ||
	    geom->ncols > MARE_GRID_MAX_CELLS / geom->nrows ||
	    !(geom->cellsize > 0) || !isfinite(geom->xll) ||
	    !isfinite(geom->yll)) {
		mare_err_set(err, MARE_E_USAGE, "invalid grid geometry");
		return NULL;
	}
	n = geom->ncols * geom->nrows;
	g = calloc(1, sizeof(*g));
	if (g == NULL ||
	    (g->name = strdup(name != NULL ? name : "")) == NULL ||
	    (g->cells = malloc(n * sizeof(float))) == NULL) {
		mare_grid_free(g);
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	g->geom = *geom;
	fill_v = geom->has_nodata ? (float)geom->nodata : NAN;
	for (i = 0; i < n; i++)
		g->cells[i] = fill_v;
	return g;
}

void
mare_grid_free(struct mare_grid *g)
{
	if (g == NULL)
		return;
	free(g->name);
	free(g->path);
	free(g->cells);
	free(g);
}

/* Writing */

/*
 * The shortest of %.15g, %.16g, %.17g that reads back to d. %g drops
 * trailing zeros, and a double given with at most 15 significant digits
 * comes back from %.15g as written, so header values keep their look.
 */
static void
fmt_double(char *buf, size_t size, double d)
{
	int p;

	for (p = 15; p < 17; p++) {
		snprintf(buf, size, "%.*g", p, d);
		if (strtod(buf, NULL) == d)
			return;
	}
	snprintf(buf, size, "%.17g", d);
}

/*
 * A float with the fewest significant digits, from 6 (FLT_DIG) to 9 (always
 * enough), that reads back to the same float, laid out as %g would. One
 * snprintf gives 9 digits; shorter candidates are those digits rounded,
 * each checked by reading it back with our own parser, so the file always
 * round-trips through mare_grid_load(). Where the 9 digits end in a tie
 * ("...5", "...50") rounding them again could go the wrong way, so snprintf
 * rounds the exact value for that length instead. The result is the same
 * text as the first %.6g ... %.9g that round-trips.
 */
static void
fmt_float(char *buf, size_t size, float f)
{
	char e[32], dig[10], d[10];
	const char *s;
	int neg, ex, x, p, nd, i, k;
	size_t o;
	float back;

	if (!isfinite(f) || f == 0) {
		snprintf(buf, size, "%g", (double)f);
		return;
	}
	snprintf(e, sizeof(e), "%.8e", (double)f);	/* -d.dddddddde+XX */
	neg = e[0] == '-';
	s = e + neg;
	dig[0] = s[0];
	memcpy(dig + 1, s + 2, 8);
	ex = (int)strtol(s + 11, NULL, 10);
	for (p = 6; p <= 9; p++) {
		/*
		 * "...5", "...50" may be a rounded tie: the exact value
		 * decides, so let snprintf round it (rare).
		 */
		for (k = p + 1; p < 9 && dig[p] == '5' && k < 9 &&
		    dig[k] == '0'; k++)
			;
		if (p < 9 && dig[p] == '5' && k == 9) {
			snprintf(buf, size, "%.*g", p, (double)f);
			goto check;
		}
		memcpy(d, dig, (size_t)p);
		x = ex;
		if (p < 9 && dig[p] >= '5') {
			for (i = p - 1; i >= 0 && d[i] == '9'; i--)
				d[i] = '0';
			if (i >= 0)
				d[i]++;
			else {
				d[0] = '1';	/* 9.99 -> 10.0 */
				x++;
			}
		}
		for (nd = p; nd > 1 && d[nd - 1] == '0'; nd--)
			;
		o = 0;
		if (neg)
			buf[o++] = '-';
		if (x < -4 || x >= p) {
			buf[o++] = d[0];
			if (nd > 1) {
				buf[o++] = '.';
				for (k = 1; k < nd; k++)
					buf[o++] = d[k];
			}
			snprintf(buf + o, size - o, "e%c%02d",
			    x < 0 ? '-' : '+', x < 0 ? -x : x);
		} else if (x < 0) {
			buf[o++] = '0';
			buf[o++] = '.';
			for (k = 0; k < -x - 1; k++)
				buf[o++] = '0';
			for (k = 0; k < nd; k++)
				buf[o++] = d[k];
			buf[o] = '\0';
		} else {
			for (k = 0; k <= x || k < nd; k++) {
				if (k == x + 1)
					buf[o++] = '.';
				buf[o++] = k < nd ? d[k] : '0';
			}
			buf[o] = '\0';
		}
check:
		if (p == 9 || (mare_grid_parse_float(buf, strlen(buf),
		    &back) == 0 && back == f))
			return;
	}
}

int
mare_grid_save(const struct mare_grid *g, const char *path,
    struct mare_err *err)
{
	const struct mare_grid_geom *gm = &g->geom;
	struct mare_out *out;
	char buf[40], nd[40];
	size_t r, c;
	FILE *fp;
	float v;

	out = mare_out_open(path, MARE_OUT_SYNC, err);
	if (out == NULL)
		return -1;
	fp = mare_out_file(out);
	fprintf(fp, "ncols %zu\nnrows %zu\n", gm->ncols, gm->nrows);
	fmt_double(buf, sizeof(buf), gm->xll);
	fprintf(fp, "xllcorner %s\n", buf);
	fmt_double(buf, sizeof(buf), gm->yll);
	fprintf(fp, "yllcorner %s\n", buf);
	fmt_double(buf, sizeof(buf), gm->cellsize);
	fprintf(fp, "cellsize %s\n", buf);
	if (gm->has_nodata) {
		fmt_double(nd, sizeof(nd), gm->nodata);
		fprintf(fp, "NODATA_value %s\n", nd);
	} else
		snprintf(nd, sizeof(nd), "nan");
	for (r = 0; r < gm->nrows; r++) {
		for (c = 0; c < gm->ncols; c++) {
			v = g->cells[r * gm->ncols + c];
			if (!mare_grid_valid(g, r * gm->ncols + c))
				fputs(nd, fp);
			else if (isinf(v)) {
				/* "inf" would be written, and refused back */
				mare_err_set(err, MARE_E_DATA, "cell at row %zu, "
				    "col %zu is %s: an .asc grid holds finite "
				    "values and NODATA", r, c, v > 0 ?
				    "infinite" : "-infinite");
				mare_err_at(err, mare_out_name(out), 0, 0);
				mare_out_abort(out);
				return -1;
			} else {
				fmt_float(buf, sizeof(buf), v);
				fputs(buf, fp);
			}
			putc(c + 1 < gm->ncols ? ' ' : '\n', fp);
		}
	}
	return mare_out_commit(out, err);
}

/* Geometry and values */

int
mare_grid_geom_cell(const struct mare_grid_geom *g, double x, double y,
    size_t *row, size_t *col)
{
	double cs = g->cellsize;
	double xmax = g->xll + (double)g->ncols * cs;
	double ymax = g->yll + (double)g->nrows * cs;
	double fc, fr;
	size_t c, r;

	/* NaN fails every comparison, so it is outside too */
	if (!(x >= g->xll && x <= xmax && y >= g->yll && y <= ymax))
		return 0;
	fc = floor((x - g->xll) / cs);
	fr = floor((ymax - y) / cs);
	c = fc < 0 ? 0 : (size_t)fc;
	r = fr < 0 ? 0 : (size_t)fr;
	if (c >= g->ncols)
		c = g->ncols - 1;
	if (r >= g->nrows)
		r = g->nrows - 1;
	if (row != NULL)
		*row = r;
	if (col != NULL)
		*col = c;
	return 1;
}

void
mare_grid_geom_center(const struct mare_grid_geom *g, size_t row,
    size_t col, double *x, double *y)
{
	double ymax = g->yll + (double)g->nrows * g->cellsize;

	if (x != NULL)
		*x = g->xll + ((double)col + 0.5) * g->cellsize;
	if (y != NULL)
		*y = ymax - ((double)row + 0.5) * g->cellsize;
}

const char *
mare_grid_geom_diff(const struct mare_grid_geom *a,
    const struct mare_grid_geom *b)
{
	double tol = MARE_GRID_TOLERANCE * a->cellsize;
	double span;

	if (a->ncols != b->ncols)
		return "ncols";
	if (a->nrows != b->nrows)
		return "nrows";
	if (!close_enough(a->xll, b->xll, tol))
		return "xllcorner";
	if (!close_enough(a->yll, b->yll, tol))
		return "yllcorner";
	span = (double)(a->ncols > a->nrows ? a->ncols : a->nrows);
	if (!close_enough(a->cellsize, b->cellsize, tol / span))
		return "cellsize";
	return NULL;
}

int
mare_grid_valid(const struct mare_grid *g, size_t i)
{
	float v = g->cells[i];

	if (isnan(v))
		return 0;
	return !g->geom.has_nodata || v != (float)g->geom.nodata;
}

int
mare_grid_value_at(const struct mare_grid *g, double x, double y, float *v)
{
	size_t r, c, i;

	if (!mare_grid_geom_cell(&g->geom, x, y, &r, &c))
		return 0;
	i = r * g->geom.ncols + c;
	if (!mare_grid_valid(g, i))
		return 0;
	*v = g->cells[i];
	return 1;
}

/* Stacks */

void
mare_grid_stack_init(struct mare_grid_stack *s)
{
	memset(s, 0, sizeof(*s));
}

void
mare_grid_stack_release(struct mare_grid_stack *s)
{
	size_t i;

	for (i = 0; i < s->nlayers; i++)
		mare_grid_free(s->layers[i]);
	free(s->layers);
	mare_grid_stack_init(s);
}

long
mare_grid_stack_find(const struct mare_grid_stack *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nlayers; i++) {
		if (strcmp(s->layers[i]->name, name) == 0)
			return (long)i;
	}
	return -1;
}

static double
geom_field(const struct mare_grid_geom *g, const char *field)
{
	if (strcmp(field, "ncols") == 0)
		return (double)g->ncols;
	if (strcmp(field, "nrows") == 0)
		return (double)g->nrows;
	if (strcmp(field, "xllcorner") == 0)
		return g->xll;
	if (strcmp(field, "yllcorner") == 0)
		return g->yll;
	return g->cellsize;
}

int
mare_grid_stack_add_take(struct mare_grid_stack *s, struct mare_grid *g,
    struct mare_err *err)
{
	struct mare_grid **p;
	const struct mare_grid *first;
	const char *field;
	char va[40], vb[40];

	if (s->nlayers > 0) {
		first = s->layers[0];
		field = mare_grid_geom_diff(&first->geom, &g->geom);
		if (field != NULL) {
			fmt_double(va, sizeof(va),
			    geom_field(&g->geom, field));
			fmt_double(vb, sizeof(vb),
			    geom_field(&first->geom, field));
			mare_err_set(err, MARE_E_DATA, "layer '%s' is not "
			    "aligned with layer '%s' (%s): %s %s vs %s",
			    g->name, first->name,
			    first->path != NULL ? first->path : "memory",
			    field, va, vb);
			goto fail;
		}
		if (mare_grid_stack_find(s, g->name) >= 0) {
			mare_err_set(err, MARE_E_DATA, "two layers named '%s'",
			    g->name);
			goto fail;
		}
	}
	/*
	 * analyzer false positive: p is an array of pointers: sizeof(*p) is
	 * the pointer size, as intended
	 */
	/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
	p = realloc(s->layers, (s->nlayers + 1) * sizeof(*p));
	if (p == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto fail;
	}
	s->layers = p;
	s->layers[s->nlayers++] = g;
	if (s->nlayers == 1) {
		s->geom = g->geom;
		s->geom.has_nodata = 0;
		s->geom.nodata = 0;
	}
	return 0;
fail:
	mare_err_at(err, g->path, 0, 0);
	mare_grid_free(g);
	return -1;
}

int
mare_grid_stack_load(struct mare_grid_stack *s, const char *const *paths,
    size_t n, struct mare_err *err)
{
	struct mare_grid *g;
	size_t i;

	for (i = 0; i < n; i++) {
		g = mare_grid_load(paths[i], err);
		if (g == NULL || mare_grid_stack_add_take(s, g, err) < 0)
			return -1;
	}
	return 0;
}

static int
is_layer_file(const char *name)
{
	size_t len = strlen(name);

	if (name[0] == '.')
		return 0;
	return (len > 4 && strcasecmp(name + len - 4, ".asc") == 0) ||
	    (len > 7 && strcasecmp(name + len - 7, ".asc.gz") == 0);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
mare_grid_stack_load_dir(struct mare_grid_stack *s, const char *dir,
    struct mare_err *err)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL, **np, *path;
	size_t n = 0, cap = 0, i, plen;
	int rc = -1;

	d = opendir(dir);
	if (d == NULL)
		return mare_err_sys(err, MARE_E_NOINPUT, "'%s'", dir);
	while ((de = readdir(d)) != NULL) {
		if (!is_layer_file(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			np = realloc(names, cap * sizeof(*np));
			if (np == NULL)
				goto nomem;
			names = np;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto nomem;
		n++;
	}
	if (n == 0) {
		mare_err_set(err, MARE_E_NOINPUT,
		    "'%s': no .asc or .asc.gz layers in this folder", dir);
		goto out;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		plen = strlen(dir) + strlen(names[i]) + 2;
		if ((path = malloc(plen)) == NULL)
			goto nomem;
		snprintf(path, plen, "%s/%s", dir, names[i]);
		rc = mare_grid_stack_load(s, (const char *const *)&path, 1,
		    err);
		free(path);
		if (rc < 0)
			goto out;
	}
	rc = 0;
	goto out;
nomem:
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
	rc = -1;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

size_t
mare_grid_stack_ncells(const struct mare_grid_stack *s)
{
	return s->nlayers == 0 ? 0 : s->geom.ncols * s->geom.nrows;
}

int
mare_grid_stack_valid(const struct mare_grid_stack *s, size_t i)
{
	size_t k;

	if (s->nlayers == 0)
		return 0;
	for (k = 0; k < s->nlayers; k++) {
		if (!mare_grid_valid(s->layers[k], i))
			return 0;
	}
	return 1;
}

size_t
mare_grid_stack_count_valid(const struct mare_grid_stack *s)
{
	size_t i, n = mare_grid_stack_ncells(s), count = 0;

	for (i = 0; i < n; i++)
		count += (size_t)mare_grid_stack_valid(s, i);
	return count;
}

int
mare_grid_stack_next_valid(const struct mare_grid_stack *s, size_t *i)
{
	size_t n = mare_grid_stack_ncells(s), j;

	for (j = *i; j < n; j++) {
		if (mare_grid_stack_valid(s, j)) {
			*i = j;
			return 1;
		}
	}
	return 0;
}

enum mare_grid_lookup
mare_grid_stack_lookup(const struct mare_grid_stack *s, double x, double y,
    float *vals, size_t *cell, size_t *layer)
{
	size_t r, c, i, k;

	if (s->nlayers == 0 || !mare_grid_geom_cell(&s->geom, x, y, &r, &c))
		return MARE_GRID_OUTSIDE;
	i = r * s->geom.ncols + c;
	if (cell != NULL)
		*cell = i;
	for (k = 0; k < s->nlayers; k++) {
		if (!mare_grid_valid(s->layers[k], i)) {
			if (layer != NULL)
				*layer = k;
			return MARE_GRID_NODATA;
		}
		if (vals != NULL)
			vals[k] = s->layers[k]->cells[i];
	}
	return MARE_GRID_FOUND;
}
