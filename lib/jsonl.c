/*
 * jsonl.c - JSON Lines reader and writer on top of jansson
 *
 * Reading: each line is gathered with getc_unlocked() into one buffer that
 * grows by doubling up to the line limit and no further; past the limit
 * the rest of the line is consumed and dropped, so memory stays bounded by
 * the limit whatever the input. Reading byte by byte from stdio (rather
 * than fread() of large blocks) returns each line as soon as it arrives,
 * which matters when the input is a pipe fed slowly by mare-fetch. The
 * line is then checked for NUL bytes (json_loadb() would stop at one
 * without complaint) and parsed with json_loadb(), which rejects trailing
 * text after the value.
 *
 * Writing: jansson's dumper prints reals with %.17g, so 0.1 would come
 * out as 0.10000000000000001. mare writes model coefficients and data that
 * people read and diff, so it serialises values with its own small
 * recursive printer and mare_jsonl_dtoa(), which finds the shortest digits
 * that read back to the same double. Each record is built in a buffer that
 * starts on the stack (no malloc for ordinary records) and goes to the
 * heap only for large ones, then written with a single fwrite().
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <sys/stat.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"
#include "jsonl.h"

#define LOAD_FLAGS	(JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | \
			    JSON_ALLOW_NUL)
#define FIRST_CAP	4096
#define BLOCK		(256 * 1024)	/* fread() size in block mode */
#define MAX_DEPTH	2048

enum state {
	READING,
	AT_END,
	BROKEN
};

struct mare_jsonl_reader {
	FILE		*fp;
	char		*name;
	size_t		 max_line;
	char		*buf;
	size_t		 cap;		/* never above max_line + 1 */
	size_t		 len;		/* the last line, without its end */
	int		 stored;	/* buf holds the last line */
	unsigned long	 line;
	enum state	 state;
	enum mare_errc	 broken;	/* the error that ended reading */
	struct mare_jscan *scan;	/* mare_jsonl_reader_select() */
	char		*blk;		/* block mode: a regular file */
	size_t		 bpos, bend;
};

struct mare_jsonl_reader *
mare_jsonl_reader_new(FILE *fp, const char *name, size_t max_line,
    struct mare_err *err)
{
	struct mare_jsonl_reader *r;

	if (max_line == 0)
		max_line = MARE_JSONL_MAX_LINE;
	if (max_line > SIZE_MAX / 2)
		max_line = SIZE_MAX / 2;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		goto nomem;
	r->fp = fp;
	r->max_line = max_line;
	r->state = READING;
	if ((r->name = strdup(name != NULL ? name : "<stdin>")) == NULL)
		goto nomem;
	r->cap = max_line + 1 < FIRST_CAP ? max_line + 1 : FIRST_CAP;
	if ((r->buf = malloc(r->cap)) == NULL)
		goto nomem;
	return r;
nomem:
	mare_jsonl_reader_free(r);
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return NULL;
}

void
mare_jsonl_reader_free(struct mare_jsonl_reader *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r->name);
	mare_jscan_free(r->scan);
	free(r->blk);
	free(r);
}

int
mare_jsonl_reader_select(struct mare_jsonl_reader *r,
    const char *const *keys, size_t n, struct mare_err *err)
{
	struct mare_jscan *sc = mare_jscan_new(keys, n, err);

	struct stat st;
	int fd;

	if (sc == NULL)
		return -1;
	mare_jscan_free(r->scan);
	r->scan = sc;
	fd = fileno(r->fp);
	if (r->blk == NULL && r->line == 0 && fd >= 0 && fstat(fd, &st) == 0 &&
	    S_ISREG(st.st_mode) && (r->blk = malloc(BLOCK)) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return 0;
}

unsigned long
mare_jsonl_line(const struct mare_jsonl_reader *r)
{
	return r->line;
}

const char *
mare_jsonl_raw(const struct mare_jsonl_reader *r, size_t *len)
{
	if (!r->stored) {
		*len = 0;
		return NULL;
	}
	*len = r->len;
	return r->buf;
}

size_t
mare_jsonl_bufsize(const struct mare_jsonl_reader *r)
{
	return r->cap;
}

/* Make room for one more byte; 0 when the line limit is reached. */
static int
grow(struct mare_jsonl_reader *r, struct mare_err *err)
{
	size_t limit = r->max_line + 1, ncap;
	char *nbuf;

	if (r->cap >= limit)
		return 0;
	ncap = r->cap > limit / 2 ? limit : r->cap * 2;
	/*
	 * analyzer false positive: cap starts at min(max_line + 1,
	 * FIRST_CAP) >= 1, so ncap > 0
	 */
	/* NOLINTNEXTLINE(clang-analyzer-optin.portability.UnixAPI) */
	if ((nbuf = realloc(r->buf, ncap)) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	r->buf = nbuf;
	r->cap = ncap;
	return 1;
}

/*
 * Gather the next line into r->buf. Returns 1 (a line, possibly too long:
 * *toolong set and nothing stored), 0 (no more input), -1 (read error or
 * no memory).
 */
static int
read_line(struct mare_jsonl_reader *r, int *toolong, struct mare_err *err)
{
	FILE *fp = r->fp;
	size_t len = 0;
	int c = EOF, any = 0, g = 1;

	*toolong = 0;
	flockfile(fp);
	while ((c = getc_unlocked(fp)) != EOF) {
		any = 1;
		if (c == '\n')
			break;
		if (len == r->cap && (g = grow(r, err)) <= 0)
			break;
		r->buf[len++] = (char)c;
	}
	if (g == 0) {
		/* Over the limit: drop the rest of the line unstored. */
		*toolong = 1;
		while ((c = getc_unlocked(fp)) != EOF && c != '\n')
			;
	}
	funlockfile(fp);
	if (g < 0)
		return -1;
	if (c == EOF && ferror(fp))
		return mare_err_sys(err, MARE_E_IO, "read error");
	if (!any)
		return 0;
	if (len > 0 && r->buf[len - 1] == '\r')
		len--;
	if (len > r->max_line)
		*toolong = 1;
	r->len = *toolong ? 0 : len;
	return 1;
}

/*
 * read_line() for block mode: fread() of large blocks and memchr() for the
 * line ends; same results.
 */
static int
read_line_block(struct mare_jsonl_reader *r, int *toolong,
    struct mare_err *err)
{
	size_t len = 0, n, got;
	const char *nl;
	int any = 0, g;

	*toolong = 0;
	for (;;) {
		if (r->bpos == r->bend) {
			got = fread(r->blk, 1, BLOCK, r->fp);
			if (got == 0) {
				if (ferror(r->fp))
					return mare_err_sys(err, MARE_E_IO,
					    "read error");
				break;
			}
			r->bpos = 0;
			r->bend = got;
		}
		any = 1;
		nl = memchr(r->blk + r->bpos, '\n', r->bend - r->bpos);
		n = nl != NULL ? (size_t)(nl - (r->blk + r->bpos)) :
		    r->bend - r->bpos;
		if (!*toolong && len + n > r->max_line + 1)
			*toolong = 1;
		if (!*toolong) {
			while (r->cap < len + n)
				if ((g = grow(r, err)) <= 0)
					return g < 0 ? -1 : mare_err_set(err,
					    MARE_E_INTERNAL, "line buffer");
			memcpy(r->buf + len, r->blk + r->bpos, n);
			len += n;
		}
		r->bpos += n + (nl != NULL);
		if (nl != NULL)
			break;
	}
	if (!any)
		return 0;
	if (len > 0 && r->buf[len - 1] == '\r')
		len--;
	if (len > r->max_line)
		*toolong = 1;
	r->len = *toolong ? 0 : len;
	return 1;
}

static const char *
type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "an unknown value";
}

/* The column (in characters, from 1) of byte offset off in the line. */
static unsigned long
column_of(const char *s, size_t off)
{
	unsigned long col = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			col++;
	return col;
}

static int
parse_error(struct mare_jsonl_reader *r, const json_error_t *je,
    struct mare_err *err)
{
	static const char utf8[] = "unable to decode byte ";

	if (json_error_code(je) == json_error_out_of_memory)
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
	else if (strncmp(je->text, utf8, sizeof(utf8) - 1) == 0)
		mare_err_set(err, MARE_E_DATA,
		    "invalid JSON: invalid UTF-8 byte %.4s",
		    je->text + sizeof(utf8) - 1);
	else
		mare_err_set(err, MARE_E_DATA, "invalid JSON: %s", je->text);
	mare_err_at(err, r->name, r->line,
	    je->column > 0 ? (unsigned long)je->column : 0);
	return -1;
}

int
mare_jsonl_read(struct mare_jsonl_reader *r, json_t **obj,
    struct mare_err *err)
{
	json_error_t je;
	json_t *v;
	const char *nul;
	size_t i;
	int rc, toolong;

	*obj = NULL;
	if (r->state == AT_END)
		return 0;
	if (r->state == BROKEN) {
		mare_err_set(err, r->broken, r->broken == MARE_E_IO ?
		    "read error" : "out of memory");
		mare_err_at(err, r->name, 0, 0);
		return -1;
	}
	for (;;) {
		r->stored = 0;
		rc = r->blk != NULL ? read_line_block(r, &toolong, err) :
		    read_line(r, &toolong, err);
		if (rc <= 0) {
			if (rc == 0) {
				r->state = AT_END;
				return 0;
			}
			r->state = BROKEN;
			r->broken = err != NULL ? err->code : MARE_E_IO;
			mare_err_at(err, r->name, 0, 0);
			return -1;
		}
		r->line++;
		if (toolong) {
			mare_err_set(err, MARE_E_DATA,
			    "line longer than %zu bytes", r->max_line);
			mare_err_at(err, r->name, r->line, 0);
			return -1;
		}
		r->stored = 1;
		for (i = 0; i < r->len; i++)
			if (r->buf[i] != ' ' && r->buf[i] != '\t' &&
			    r->buf[i] != '\r')
				break;
		if (i < r->len)
			break;
	}
	if ((nul = memchr(r->buf, '\0', r->len)) != NULL) {
		mare_err_set(err, MARE_E_DATA, "NUL byte in line");
		mare_err_at(err, r->name, r->line,
		    column_of(r->buf, (size_t)(nul - r->buf)));
		return -1;
	}
	if (r->scan != NULL) {
		rc = mare_jscan_object(r->scan, r->buf, r->len, obj, err);
		if (rc != 0) {
			if (rc < 0)
				mare_err_at(err, r->name, r->line, 0);
			return rc;
		}
	}
	if ((v = json_loadb(r->buf, r->len, LOAD_FLAGS, &je)) == NULL)
		return parse_error(r, &je, err);
	if (!json_is_object(v)) {
		mare_err_set(err, MARE_E_DATA,
		    "expected a JSON object, got %s", type_name(v));
		mare_err_at(err, r->name, r->line, 0);
		json_decref(v);
		return -1;
	}
	*obj = v;
	return 1;
}

/* Writing */

/* Exact powers of ten: every one up to 1e22 is a double. */
static const double tens[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/*
 * The fast way for v > 0 that is a short decimal, as most data is: find
 * the fewest decimals d such that m = v * 10^d rounded to an integer gives
 * m / 10^d == v. With m below 10^15 and 10^d exact, that division is
 * correctly rounded, so it equals what strtod() makes of the text "m e-d";
 * and a decimal of 15 or fewer digits that reads back to a normal double
 * is the only one of its length that does, so these are the digits "%.*g"
 * finds. Returns the number of digits, or 0 when v is not such a decimal.
 */
static int
short_digits(double v, char *digits, int *exp10)
{
	char tmp[20], *q;
	double m;
	unsigned long long u;
	int d, n;

	if (v < DBL_MIN || v >= 1e15)
		return 0;
	for (d = 0; d < (int)(sizeof(tens) / sizeof(tens[0])); d++) {
		m = v * tens[d];
		if (m >= 1e15)
			return 0;
		m = nearbyint(m);
		if (m / tens[d] == v)
			break;
	}
	if (d == (int)(sizeof(tens) / sizeof(tens[0])) || m < 1)
		return 0;
	u = (unsigned long long)m;
	q = tmp + sizeof(tmp);
	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	n = (int)(tmp + sizeof(tmp) - q);
	*exp10 = n - 1 - d;
	while (n > 1 && q[n - 1] == '0')
		n--;
	memcpy(digits, q, (size_t)n);
	return n;
}

/*
 * The slow way, for any v > 0: "%.*e" at growing precision from prec until
 * strtod() reads the text back to v. For a normal double, when some text
 * of 15 or fewer digits reads back, so does the nearest 15-digit decimal
 * (the rounding interval is narrower than half a 15-digit step), and
 * dropping its trailing zeros gives the shortest digits: one try covers
 * precisions 1 to 15. Subnormals have fewer bits: they search from 1
 * digit.
 */
static int
search_digits(double v, int prec, char *digits, int *exp10)
{
	char e[40], *p;
	int n;

	for (;; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec - 1, v);
		if (prec >= 17 || strtod(e, NULL) == v)
			break;
	}
	/* Take e apart: d[.ddd]e(+|-)xx */
	n = 0;
	for (p = e; *p != 'e'; p++)
		if (*p != '.')
			digits[n++] = *p;
	*exp10 = (int)strtol(p + 1, NULL, 10);
	while (n > 1 && digits[n - 1] == '0')
		n--;
	return n;
}

/*
 * Whether the n digits d (at most 16) with the first at 10^exp10 read
 * back to v: strtod(), or when the digits are an integer m below 2^53 and
 * the scale an exact power of ten, m * 10^s or m / 10^-s, a single rounding
 * of exact operands, which is the correctly rounded value of the decimal
 * as strtod() gives it (Clinger's fast path).
 */
static int
reads_back(const char *d, int n, int exp10, double v)
{
	char t[40];
	uint64_t m = 0;
	int i, s = exp10 - (n - 1);

	for (i = 0; i < n; i++)
		m = m * 10 + (uint64_t)(d[i] - '0');
#if FLT_EVAL_METHOD == 0	/* one rounding, to double */
	if (m <= (UINT64_C(1) << 53) && s >= 0 && s <= 22)
		return (double)m * tens[s] == v;
	if (m <= (UINT64_C(1) << 53) && s < 0 && s >= -22)
		return (double)m / tens[-s] == v;
#endif
	t[0] = d[0];
	t[1] = '.';
	memcpy(t + 2, d + 1, (size_t)(n - 1));
	snprintf(t + n + 1, sizeof(t) - (size_t)(n + 1), "e%d", exp10);
	return strtod(t, NULL) == v;
}

/*
 * Any v > 0: the search of search_digits() from 15 digits, from a single
 * "%.16e". The 15- and 16-digit decimals nearest v are its 17-digit text
 * rounded, unless that text lies exactly halfway between two of them: a
 * 15- or 16-digit halfway point is itself a 17-digit decimal, so none lies
 * strictly between v and its nearest 17-digit decimal, and rounding either
 * gives the same digits. A halfway text, and subnormals, take the search.
 */
static int
any_digits(double v, char *digits, int *exp10)
{
	char e[40], d17[17], *p;
	int i, k, n = 0, x, up;

	if (v < DBL_MIN)
		return search_digits(v, 1, digits, exp10);
	snprintf(e, sizeof(e), "%.16e", v);
	for (p = e; *p != 'e' && *p != '\0' && n < 17; p++)
		if (*p != '.')
			d17[n++] = *p;
	x = (int)strtol(p + 1, NULL, 10);
	if (n != 17 || *p != 'e' ||
	    (d17[15] == '5' && d17[16] == '0') || d17[16] == '5')
		return search_digits(v, 15, digits, exp10);
	for (k = 15; k <= 16; k++) {
		memcpy(digits, d17, (size_t)k);
		*exp10 = x;
		up = d17[k] >= '5';
		for (i = k - 1; up && i >= 0; i--) {
			up = digits[i] == '9';
			digits[i] = up ? '0' : (char)(digits[i] + 1);
		}
		if (up) {		/* 99..9 rounded up to 10..0 */
			digits[0] = '1';
			(*exp10)++;
		}
		for (n = k; n > 1 && digits[n - 1] == '0'; n--)
			;
		if (reads_back(digits, n, *exp10, v))
			return n;
	}
	memcpy(digits, d17, 17);
	*exp10 = x;
	for (n = 17; n > 1 && digits[n - 1] == '0'; n--)
		;
	return n;
}

int
mare_jsonl_digits(double v, char *digits, int *exp10)
{
	int n;

	if (!(v > 0) || !isfinite(v))
		return 0;
	if ((n = short_digits(v, digits, exp10)) == 0)
		n = any_digits(v, digits, exp10);
	return n;
}

int
mare_jsonl_dtoa(double v, char *buf, size_t size)
{
	char digits[20];
	int ndig, exp10, neg;

	if (!isfinite(v) || size < MARE_JSONL_DTOA_SIZE)
		return -1;
	if (v == 0)
		return snprintf(buf, size, "%s", signbit(v) ? "-0.0" : "0.0");
	neg = v < 0;
	ndig = mare_jsonl_digits(fabs(v), digits, &exp10);
	/* as Python's repr() */
	return mare_jsonl_lay_out(buf, size, neg, digits, ndig, exp10, 16, 1);
}

int
mare_jsonl_lay_out(char *buf, size_t size, int neg, const char *digits,
    int ndig, int exp10, int fixed_below, int point_zero)
{
	char *q = buf;
	int i;

	if (neg)
		*q++ = '-';
	if (exp10 >= -4 && exp10 < fixed_below) {
		if (exp10 < 0) {
			*q++ = '0';
			*q++ = '.';
			for (i = -1; i > exp10; i--)
				*q++ = '0';
			memcpy(q, digits, (size_t)ndig);
			q += ndig;
		} else {
			for (i = 0; i <= exp10; i++)
				*q++ = i < ndig ? digits[i] : '0';
			if (ndig > exp10 + 1) {
				*q++ = '.';
				memcpy(q, digits + exp10 + 1,
				    (size_t)(ndig - exp10 - 1));
				q += ndig - exp10 - 1;
			} else if (point_zero) {
				*q++ = '.';
				*q++ = '0';
			}
		}
		*q = '\0';
		return (int)(q - buf);
	}
	*q++ = digits[0];
	if (ndig > 1) {
		*q++ = '.';
		memcpy(q, digits + 1, (size_t)(ndig - 1));
		q += ndig - 1;
	}
	return (int)(q - buf) + snprintf(q, size - (size_t)(q - buf),
	    "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
}

/* An output buffer that starts on the caller's stack. */
struct out {
	char	*p;
	size_t	 len, cap;
	int	 heap;
	char	 local[8192];
};

static int
reserve(struct out *o, size_t n, struct mare_err *err)
{
	size_t ncap;
	char *np;

	if (o->cap - o->len >= n)
		return 0;
	ncap = o->cap;
	while (ncap - o->len < n) {
		if (ncap > SIZE_MAX / 2)
			return mare_err_set(err, MARE_E_NOMEM,
			    "out of memory");
		ncap *= 2;
	}
	if (o->heap)
		np = realloc(o->p, ncap);
	else if ((np = malloc(ncap)) != NULL)
		memcpy(np, o->p, o->len);
	if (np == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	o->p = np;
	o->cap = ncap;
	o->heap = 1;
	return 0;
}

static int
put(struct out *o, const char *s, size_t n, struct mare_err *err)
{
	if (reserve(o, n, err) == -1)
		return -1;
	memcpy(o->p + o->len, s, n);
	o->len += n;
	return 0;
}

/* Bytes that need an escape inside a JSON string. */
static int
needs_escape(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

static int
put_string(struct out *o, const char *s, size_t n, struct mare_err *err)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run;
	unsigned char c;
	char *q;

	/* Worst case: every byte becomes \u00XX. */
	if (n > (SIZE_MAX - 2) / 6)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	if (reserve(o, 6 * n + 2, err) == -1)
		return -1;
	q = o->p + o->len;
	*q++ = '"';
	for (i = 0; i < n; ) {
		for (run = i; run < n && !needs_escape((unsigned char)s[run]);
		    run++)
			;
		memcpy(q, s + i, run - i);
		q += run - i;
		if ((i = run) == n)
			break;
		c = (unsigned char)s[i++];
		*q++ = '\\';
		switch (c) {
		case '"':
		case '\\':
			*q++ = (char)c;
			break;
		case '\b':
			*q++ = 'b';
			break;
		case '\f':
			*q++ = 'f';
			break;
		case '\n':
			*q++ = 'n';
			break;
		case '\r':
			*q++ = 'r';
			break;
		case '\t':
			*q++ = 't';
			break;
		default:
			*q++ = 'u';
			*q++ = '0';
			*q++ = '0';
			*q++ = hex[c >> 4];
			*q++ = hex[c & 0xf];
			break;
		}
	}
	*q++ = '"';
	o->len = (size_t)(q - o->p);
	return 0;
}

static int
put_integer(struct out *o, json_int_t v, struct mare_err *err)
{
	char tmp[24], *q = tmp + sizeof(tmp);
	unsigned long long u;

	u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--q = '-';
	return put(o, q, (size_t)(tmp + sizeof(tmp) - q), err);
}

static const char *
nonfinite(const json_t *v)
{
	double d = json_real_value(v);

	return isnan(d) ? "NaN" : d > 0 ? "infinity" : "-infinity";
}

static int
put_value(struct out *o, const json_t *v, int depth, struct mare_err *err)
{
	char num[MARE_JSONL_DTOA_SIZE];
	const char *key;
	const json_t *val;
	void *it;
	size_t i, n, klen;
	int len;

	if (depth > MAX_DEPTH)
		return mare_err_set(err, MARE_E_DATA,
		    "value nested deeper than %d levels", MAX_DEPTH);
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (put(o, "{", 1, err) == -1)
			return -1;
		/* The iterator walks keys in insertion order. */
		it = json_object_iter((json_t *)(uintptr_t)v);
		for (i = 0; it != NULL; i++) {
			key = json_object_iter_key(it);
			klen = json_object_iter_key_len(it);
			val = json_object_iter_value(it);
			if (json_is_real(val) &&
			    !isfinite(json_real_value(val)))
				return mare_err_set(err, MARE_E_DATA,
				    "%.*s: %s cannot be written as JSON",
				    (int)klen, key, nonfinite(val));
			if ((i > 0 && put(o, ",", 1, err) == -1) ||
			    put_string(o, key, klen, err) == -1 ||
			    put(o, ":", 1, err) == -1 ||
			    put_value(o, val, depth + 1, err) == -1)
				return -1;
			it = json_object_iter_next((json_t *)(uintptr_t)v,
			    it);
		}
		return put(o, "}", 1, err);
	case JSON_ARRAY:
		if (put(o, "[", 1, err) == -1)
			return -1;
		n = json_array_size(v);
		for (i = 0; i < n; i++)
			if ((i > 0 && put(o, ",", 1, err) == -1) ||
			    put_value(o, json_array_get(v, i), depth + 1,
			    err) == -1)
				return -1;
		return put(o, "]", 1, err);
	case JSON_STRING:
		return put_string(o, json_string_value(v),
		    json_string_length(v), err);
	case JSON_INTEGER:
		return put_integer(o, json_integer_value(v), err);
	case JSON_REAL:
		len = mare_jsonl_dtoa(json_real_value(v), num, sizeof(num));
		if (len < 0)
			return mare_err_set(err, MARE_E_DATA,
			    "%s cannot be written as JSON", nonfinite(v));
		return put(o, num, (size_t)len, err);
	case JSON_TRUE:
		return put(o, "true", 4, err);
	case JSON_FALSE:
		return put(o, "false", 5, err);
	case JSON_NULL:
		return put(o, "null", 4, err);
	}
	return mare_err_set(err, MARE_E_INTERNAL, "unknown JSON type");
}

int
mare_jsonl_write(FILE *fp, const json_t *obj, struct mare_err *err)
{
	struct out o;
	int rc = -1;

	if (obj == NULL || !json_is_object(obj))
		return mare_err_set(err, MARE_E_INTERNAL,
		    "a JSON Lines record must be an object");
	o.p = o.local;
	o.len = 0;
	o.cap = sizeof(o.local);
	o.heap = 0;
	if (put_value(&o, obj, 1, err) == 0 && put(&o, "\n", 1, err) == 0) {
		if (fwrite(o.p, 1, o.len, fp) == o.len)
			rc = 0;
		else
			mare_err_sys(err, MARE_E_IO, "write error");
	}
	if (o.heap)
		free(o.p);
	return rc;
}

int
mare_jsonl_write_spliced(FILE *fp, const char *out_name,
    const struct mare_jsonl_reader *r, const json_t *obj, const char *key,
    const json_t *value, struct mare_err *err)
{
	const char *raw, *close;
	char *v;
	size_t len;

	raw = mare_jsonl_raw(r, &len);
	if (raw == NULL)
		return mare_err_set(err, MARE_E_INTERNAL, "no raw line");
	for (close = raw + len; close > raw && close[-1] != '}'; close--)
		;
	if (close == raw)	/* cannot happen for an object */
		close = raw + 1;
	v = json_dumps(value, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_ENCODE_ANY);
	if (v == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	fwrite(raw, 1, (size_t)(close - raw) - 1, fp);
	fprintf(fp, "%s\"%s\":%s}\n", json_object_size(obj) > 0 ? "," : "",
	    key, v);
	free(v);
	if (ferror(fp))
		return mare_err_sys(err, MARE_E_IO, "cannot write '%s'",
		    out_name);
	return 0;
}
