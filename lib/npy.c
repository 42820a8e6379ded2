/*
 * npy.c - NumPy .npy files: read and write 1-D and 2-D float arrays
 *
 * The header is a Python dict literal. Rather than guessing at it with
 * sscanf, a small recursive-descent parser accepts exactly the grammar
 * numpy's reader accepts for our three keys: a '{', quoted string keys, each
 * followed by ':' and a value (a quoted string for descr, True or False for
 * fortran_order, a tuple of non-negative integers for shape), separated by
 * ',' with an optional trailing ',', a '}', and Python whitespace anywhere
 * between tokens. Anything else is refused at its byte offset. The header
 * length is checked against MARE_NPY_MAX_HEADER and the file size before
 * the one allocation that holds the header text.
 *
 * Writing reproduces np.save() of numpy 1.24 byte for byte (the dict, the
 * 21 - len(str(shape[0])) spare spaces numpy leaves for growing the first
 * axis in place, the padding to a 64-byte boundary), so a tool comparing
 * files made by numpy and by mare sees no difference.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "npy.h"

#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) && \
    __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BIG_ENDIAN 1
#else
#define HOST_BIG_ENDIAN 0
#endif

/* numpy leaves room for the first axis to grow to this many digits. */
#define GROWTH_AXIS_MAX_DIGITS 21

static const unsigned char npy_magic[6] = { 0x93, 'N', 'U', 'M', 'P', 'Y' };

struct parser {
	const char	*s;
	size_t		 len;
	size_t		 pos;
	unsigned long long base;	/* file offset of s[0] */
	int		 py2_long;	/* accept Python 2's "12L" */
	const char	*name;
	struct mare_err	*err;
};

struct dict {
	int		 have_descr, have_order, have_shape;
	const char	*descr;
	size_t		 descr_len, descr_pos;
	int		 fortran;
	size_t		 order_pos;
	size_t		 ndim, shape_pos;
	unsigned long long shape[2];
};

static int	fail_at(struct mare_err *, const char *, unsigned long long,
		    enum mare_errc, const char *, ...)
		    __attribute__((format(printf, 5, 6)));
static int	perr(struct parser *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static int
fail_at(struct mare_err *err, const char *name, unsigned long long off,
    enum mare_errc code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mare_err_set(err, code, "%s", msg);
	mare_err_at_offset(err, name, off);
	return -1;
}

static int
read_fail(FILE *fp, struct mare_err *err, const char *name,
    unsigned long long off, const char *what)
{
	if (ferror(fp)) {
		mare_err_sys(err, MARE_E_IO, "read error in %s", what);
		mare_err_at_offset(err, name, off);
		return -1;
	}
	return fail_at(err, name, off, MARE_E_DATA, "file ends inside %s",
	    what);
}

/* Quote up to 32 bytes of s for a message, escaping non-printables. */
static const char *
quote(const char *s, size_t len, char *buf, size_t size)
{
	size_t i, n = 0;

	for (i = 0; i < len && i < 32 && n + 5 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[n++] = (char)c;
		else
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
	}
	if (i < len && n + 4 < size) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

static void
swap_items(void *buf, size_t nitems, size_t size)
{
	unsigned char *p = buf, t;
	size_t i, j;

	for (i = 0; i < nitems; i++, p += size)
		for (j = 0; j < size / 2; j++) {
			t = p[j];
			p[j] = p[size - 1 - j];
			p[size - 1 - j] = t;
		}
}

/* The header parser */

static int
perr(struct parser *p, size_t pos, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail_at(p->err, p->name, p->base + pos, MARE_E_DATA,
	    "header: %s", msg);
}

/* Describe the byte at the cursor for "expected X, got Y" messages. */
static const char *
got(struct parser *p, char *buf, size_t size)
{
	unsigned char c;

	if (p->pos >= p->len)
		return "the end of the header";
	c = (unsigned char)p->s[p->pos];
	if (c > 0x20 && c < 0x7f)
		snprintf(buf, size, "'%c'", c);
	else
		snprintf(buf, size, "byte 0x%02x", c);
	return buf;
}

static void
skip_ws(struct parser *p)
{
	while (p->pos < p->len && strchr(" \t\f\r\n", p->s[p->pos]) != NULL &&
	    p->s[p->pos] != '\0')
		p->pos++;
}

static int
peek(struct parser *p, char c)
{
	return p->pos < p->len && p->s[p->pos] == c;
}

static int
is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* A quoted string without escapes: 'abc' or "abc". */
static int
parse_string(struct parser *p, const char **s, size_t *len, const char *what)
{
	char q, buf[16];
	size_t start;

	if (!peek(p, '\'') && !peek(p, '"'))
		return perr(p, p->pos, "expected %s, got %s", what,
		    got(p, buf, sizeof(buf)));
	q = p->s[p->pos++];
	start = p->pos;
	while (p->pos < p->len && p->s[p->pos] != q) {
		if (p->s[p->pos] == '\\')
			return perr(p, p->pos, "escape sequences in strings "
			    "are not supported");
		if (p->s[p->pos] == '\n' || p->s[p->pos] == '\r')
			return perr(p, p->pos, "unterminated string");
		p->pos++;
	}
	if (p->pos >= p->len)
		return perr(p, start - 1, "unterminated string");
	*s = p->s + start;
	*len = p->pos - start;
	p->pos++;
	return 0;
}

/*
 * A Python decimal integer literal without sign or underscores: "0",
 * "000" or a non-zero digit followed by digits, then, in format 1.0 and
 * 2.0 files, an optional Python 2 "L".
 */
static int
parse_uint(struct parser *p, unsigned long long *v)
{
	size_t start = p->pos;
	unsigned d;
	char buf[16];

	if (p->pos >= p->len || p->s[p->pos] < '0' || p->s[p->pos] > '9')
		return perr(p, p->pos, "shape: expected a non-negative "
		    "integer, got %s", got(p, buf, sizeof(buf)));
	*v = 0;
	while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
		d = (unsigned)(p->s[p->pos] - '0');
		if (*v > (ULLONG_MAX - d) / 10)
			return perr(p, start,
			    "shape: value overflows 64 bits");
		*v = *v * 10 + d;
		p->pos++;
	}
	if (p->s[start] == '0' && *v != 0)
		return perr(p, start, "shape: leading zeros in an integer");
	if (p->py2_long && peek(p, 'L'))
		p->pos++;
	if (p->pos < p->len && is_ident(p->s[p->pos]))
		return perr(p, start, "shape: expected a non-negative "
		    "integer, got '%s'", quote(p->s + start,
		    p->pos + 1 - start, buf, sizeof(buf)));
	return 0;
}

static int
parse_shape(struct parser *p, struct dict *d)
{
	unsigned long long v = 0;
	char buf[16];

	d->shape_pos = p->pos;
	if (!peek(p, '('))
		return perr(p, p->pos, "shape: expected a tuple such as "
		    "(3, 4), got %s", got(p, buf, sizeof(buf)));
	p->pos++;
	skip_ws(p);
	d->ndim = 0;
	if (peek(p, ')')) {
		p->pos++;
		return 0;
	}
	for (;;) {
		if (parse_uint(p, &v) == -1)
			return -1;
		if (d->ndim < 2)
			d->shape[d->ndim] = v;
		d->ndim++;
		skip_ws(p);
		if (peek(p, ',')) {
			p->pos++;
			skip_ws(p);
			if (peek(p, ')'))
				break;
			continue;
		}
		if (peek(p, ')')) {
			if (d->ndim == 1)
				return perr(p, d->shape_pos, "shape: (%llu) "
				    "is not a tuple; a 1-D shape is (%llu,)",
				    v, v);
			break;
		}
		return perr(p, p->pos, "shape: expected ',' or ')', got %s",
		    got(p, buf, sizeof(buf)));
	}
	p->pos++;
	return 0;
}

static int
parse_bool(struct parser *p, int *v)
{
	char buf[16];
	size_t n = p->len - p->pos;

	if (n >= 4 && memcmp(p->s + p->pos, "True", 4) == 0 &&
	    (n == 4 || !is_ident(p->s[p->pos + 4]))) {
		*v = 1;
		p->pos += 4;
		return 0;
	}
	if (n >= 5 && memcmp(p->s + p->pos, "False", 5) == 0 &&
	    (n == 5 || !is_ident(p->s[p->pos + 5]))) {
		*v = 0;
		p->pos += 5;
		return 0;
	}
	return perr(p, p->pos, "fortran_order: expected True or False, got %s",
	    got(p, buf, sizeof(buf)));
}

static int
key_is(const char *k, size_t klen, const char *want)
{
	return klen == strlen(want) && memcmp(k, want, klen) == 0;
}

static int
parse_entry(struct parser *p, struct dict *d)
{
	const char *k = NULL;
	size_t klen = 0, kpos = p->pos;
	char buf[160], gbuf[16];

	if (parse_string(p, &k, &klen, "a quoted key or '}'") == -1)
		return -1;
	skip_ws(p);
	if (!peek(p, ':'))
		return perr(p, p->pos, "expected ':' after key '%s', got %s",
		    quote(k, klen, buf, sizeof(buf)),
		    got(p, gbuf, sizeof(gbuf)));
	p->pos++;
	skip_ws(p);
	if (key_is(k, klen, "descr")) {
		if (d->have_descr)
			return perr(p, kpos, "duplicate key 'descr'");
		d->have_descr = 1;
		d->descr_pos = p->pos;
		if (peek(p, '['))
			return perr(p, p->pos, "descr: structured dtypes are "
			    "not supported");
		return parse_string(p, &d->descr, &d->descr_len,
		    "descr: a quoted dtype such as '<f4'");
	}
	if (key_is(k, klen, "fortran_order")) {
		if (d->have_order)
			return perr(p, kpos, "duplicate key 'fortran_order'");
		d->have_order = 1;
		d->order_pos = p->pos;
		return parse_bool(p, &d->fortran);
	}
	if (key_is(k, klen, "shape")) {
		if (d->have_shape)
			return perr(p, kpos, "duplicate key 'shape'");
		d->have_shape = 1;
		return parse_shape(p, d);
	}
	return perr(p, kpos, "unexpected key '%s' (a .npy header has "
	    "exactly descr, fortran_order and shape)",
	    quote(k, klen, buf, sizeof(buf)));
}

static int
parse_dict(struct parser *p, struct dict *d)
{
	char buf[16];
	size_t line;

	memset(d, 0, sizeof(*d));
	/*
	 * Python's literal_eval() strips spaces and tabs, then takes blank
	 * lines but not an indented first line: "\n{" and " {" are fine,
	 * "\n {" is an IndentationError, so it is refused here too.
	 */
	while (peek(p, ' ') || peek(p, '\t'))
		p->pos++;
	while (peek(p, '\n') || peek(p, '\r')) {
		while (peek(p, '\n') || peek(p, '\r'))
			p->pos++;
		line = p->pos;
		while (peek(p, ' ') || peek(p, '\t') || peek(p, '\f'))
			p->pos++;
		if (!peek(p, '\n') && !peek(p, '\r') && p->pos != line)
			return perr(p, line, "unexpected indentation before "
			    "the dict");
	}
	if (!peek(p, '{'))
		return perr(p, p->pos, "not a Python dict literal: expected "
		    "'{', got %s", got(p, buf, sizeof(buf)));
	p->pos++;
	for (;;) {
		skip_ws(p);
		if (peek(p, '}'))
			break;
		if (parse_entry(p, d) == -1)
			return -1;
		skip_ws(p);
		if (peek(p, ',')) {
			p->pos++;
			continue;
		}
		if (peek(p, '}'))
			break;
		return perr(p, p->pos, "expected ',' or '}', got %s",
		    got(p, buf, sizeof(buf)));
	}
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len)
		return perr(p, p->pos, "unexpected %s after the dict",
		    got(p, buf, sizeof(buf)));
	if (!d->have_descr)
		return perr(p, 0, "missing key 'descr'");
	if (!d->have_order)
		return perr(p, 0, "missing key 'fortran_order'");
	if (!d->have_shape)
		return perr(p, 0, "missing key 'shape'");
	return 0;
}

/* Turn the parsed dict into h, refusing what mare cannot read. */
static int
check_dict(struct parser *p, const struct dict *d, struct mare_npy_header *h)
{
	char buf[160];
	const char *ds = d->descr;
	unsigned long long cols;

	if (key_is(ds, d->descr_len, "<f4"))
		h->dtype = MARE_NPY_F4;
	else if (key_is(ds, d->descr_len, "<f8"))
		h->dtype = MARE_NPY_F8;
	else if (key_is(ds, d->descr_len, ">f4") ||
	    key_is(ds, d->descr_len, ">f8"))
		return fail_at(p->err, p->name, p->base + d->descr_pos,
		    MARE_E_DATA, "big-endian dtype '%s' is not supported; "
		    "convert with a.astype('<%s')",
		    quote(ds, d->descr_len, buf, sizeof(buf)), buf + 1);
	else
		return fail_at(p->err, p->name, p->base + d->descr_pos,
		    MARE_E_DATA, "unsupported dtype '%s': mare reads float32 "
		    "('<f4') and float64 ('<f8') arrays",
		    quote(ds, d->descr_len, buf, sizeof(buf)));
	if (d->fortran)
		return fail_at(p->err, p->name, p->base + d->order_pos,
		    MARE_E_DATA, "Fortran order is not supported; save with "
		    "np.ascontiguousarray");
	if (d->ndim == 0 || d->ndim > 2)
		return fail_at(p->err, p->name, p->base + d->shape_pos,
		    MARE_E_DATA, "%zu-dimensional array is not supported; "
		    "expected 1 or 2 dimensions", d->ndim);
	h->ndim = (int)d->ndim;
	h->rows = d->shape[0];
	cols = d->ndim == 2 ? d->shape[1] : 1;
	h->cols = cols;
	if ((cols != 0 && h->rows > ULLONG_MAX / cols) ||
	    h->rows * cols > ULLONG_MAX / (unsigned)h->dtype)
		return fail_at(p->err, p->name, p->base + d->shape_pos,
		    MARE_E_DATA, "data size overflows 64 bits (shape %llu x "
		    "%llu of %d-byte items)", h->rows, cols, (int)h->dtype);
	return 0;
}

/* Reading */

int
mare_npy_read_header(FILE *fp, const char *name, struct mare_npy_header *h,
    struct mare_err *err)
{
	unsigned char pre[12];
	size_t n, lenbytes, prelen;
	unsigned long long hlen, fsize = 0, size;
	int regular = 0, rc = -1;
	char *text = NULL;
	struct stat st;
	struct parser p;
	struct dict d;
	off_t start;

	memset(h, 0, sizeof(*h));
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) &&
	    (start = ftello(fp)) >= 0 && start <= st.st_size) {
		regular = 1;
		fsize = (unsigned long long)(st.st_size - start);
	}

	n = fread(pre, 1, 8, fp);
	if (n == 0 && !ferror(fp))
		return fail_at(err, name, 0, MARE_E_DATA,
		    "empty file: expected a .npy header");
	if (memcmp(pre, npy_magic, n < 6 ? n : 6) != 0)
		return fail_at(err, name, 0, MARE_E_DATA, "not a .npy file: "
		    "bad magic (expected \\x93NUMPY)");
	if (n < 8)
		return read_fail(fp, err, name, n, "the .npy preamble");
	h->major = pre[6];
	h->minor = pre[7];
	if ((h->major < 1 || h->major > 3) || h->minor != 0)
		return fail_at(err, name, 6, MARE_E_DATA, "unsupported .npy "
		    "format version %d.%d (mare reads 1.0, 2.0 and 3.0)",
		    h->major, h->minor);

	lenbytes = h->major == 1 ? 2 : 4;
	prelen = 8 + lenbytes;
	n = fread(pre + 8, 1, lenbytes, fp);
	if (n < lenbytes)
		return read_fail(fp, err, name, 8 + n, "the header length");
	hlen = (unsigned long long)pre[8] | (unsigned long long)pre[9] << 8;
	if (lenbytes == 4)
		hlen |= (unsigned long long)pre[10] << 16 |
		    (unsigned long long)pre[11] << 24;
	if (hlen > MARE_NPY_MAX_HEADER)
		return fail_at(err, name, 8, MARE_E_DATA, "header length %llu "
		    "exceeds the limit of %d bytes", hlen,
		    MARE_NPY_MAX_HEADER);
	if (regular && prelen + hlen > fsize)
		return fail_at(err, name, 8, MARE_E_DATA, "header length %llu "
		    "runs past the end of the file (%llu bytes)", hlen,
		    fsize);

	if ((text = malloc((size_t)hlen + 1)) == NULL) {
		mare_err_sys(err, MARE_E_NOMEM, "header of %llu bytes", hlen);
		mare_err_at_offset(err, name, prelen);
		return -1;
	}
	n = fread(text, 1, (size_t)hlen, fp);
	if (n < hlen) {
		read_fail(fp, err, name, prelen + n, "the header");
		goto out;
	}
	text[hlen] = '\0';

	p.s = text;
	p.len = (size_t)hlen;
	p.pos = 0;
	p.base = prelen;
	p.py2_long = h->major < 3;
	p.name = name;
	p.err = err;
	if (parse_dict(&p, &d) == -1 || check_dict(&p, &d, h) == -1)
		goto out;
	h->data_offset = prelen + hlen;

	size = h->rows * h->cols * (unsigned)h->dtype;
	if (regular && fsize - h->data_offset < size) {
		fail_at(err, name, fsize, MARE_E_DATA, "truncated data: "
		    "expected %llu bytes of data, the file has %llu "
		    "(%llu bytes missing)", size, fsize - h->data_offset,
		    size - (fsize - h->data_offset));
		goto out;
	}
	if (regular && fsize - h->data_offset > size) {
		fail_at(err, name, h->data_offset + size, MARE_E_DATA,
		    "%llu trailing bytes after the data (expected %llu bytes "
		    "of data)", fsize - h->data_offset - size, size);
		goto out;
	}
	rc = 0;
out:
	free(text);
	if (rc == -1) {
		struct mare_npy_header zero = { 0 };
		*h = zero;
	}
	return rc;
}

int
mare_npy_read_rows(FILE *fp, const char *name,
    const struct mare_npy_header *h, unsigned long long *rows_done,
    void *buf, size_t maxrows, size_t *nrows, struct mare_err *err)
{
	unsigned long long left, at;
	size_t rowsize, want, n, whole;

	*nrows = 0;
	if (h->dtype != MARE_NPY_F4 && h->dtype != MARE_NPY_F8)
		return mare_err_set(err, MARE_E_INTERNAL,
		    "mare_npy_read_rows: header not read");
	if (h->cols > SIZE_MAX / (unsigned)h->dtype)
		return fail_at(err, name, h->data_offset, MARE_E_NOMEM,
		    "a row of %llu items does not fit in memory", h->cols);
	rowsize = (size_t)h->cols * (unsigned)h->dtype;
	at = h->data_offset + *rows_done * rowsize;
	if (*rows_done >= h->rows) {
		/* Catch trailing bytes in a pipe, where there is no size. */
		if (getc(fp) != EOF)
			return fail_at(err, name, at, MARE_E_DATA,
			    "trailing bytes after the data (expected %llu "
			    "rows)", h->rows);
		if (ferror(fp))
			return read_fail(fp, err, name, at, "the data");
		return 0;
	}
	if (maxrows == 0)
		return mare_err_set(err, MARE_E_INTERNAL,
		    "mare_npy_read_rows: maxrows is 0");
	left = h->rows - *rows_done;
	want = left < maxrows ? (size_t)left : maxrows;
	if (rowsize == 0) {
		*rows_done += want;
		*nrows = want;
		return 1;
	}
	if (want > SIZE_MAX / rowsize)
		want = SIZE_MAX / rowsize;
	n = fread(buf, 1, want * rowsize, fp);
	whole = n / rowsize;
	if (HOST_BIG_ENDIAN)
		swap_items(buf, whole * (size_t)h->cols, (unsigned)h->dtype);
	*rows_done += whole;
	*nrows = whole;
	if (n < want * rowsize) {
		if (ferror(fp)) {
			mare_err_sys(err, MARE_E_IO, "read error in the data");
			mare_err_at_offset(err, name, at + n);
			return -1;
		}
		return fail_at(err, name, at + n, MARE_E_DATA,
		    "truncated data: expected %llu rows, data ends after %llu",
		    h->rows, *rows_done);
	}
	return 1;
}

/* Writing */

static int
write_fail(struct mare_err *err)
{
	return mare_err_sys(err, MARE_E_IO, "cannot write .npy data");
}

int
mare_npy_write_header(FILE *fp, enum mare_npy_dtype dtype, int ndim,
    unsigned long long rows, unsigned long long cols, struct mare_err *err)
{
	char hdr[256], digits[24];
	size_t prelen, dlen, hlen, pad, total, growth;
	int n;

	if (dtype != MARE_NPY_F4 && dtype != MARE_NPY_F8)
		return mare_err_set(err, MARE_E_INTERNAL,
		    "npy: bad dtype %d", (int)dtype);
	if (ndim != 1 && ndim != 2)
		return mare_err_set(err, MARE_E_INTERNAL,
		    "npy: bad number of dimensions %d", ndim);
	if (ndim == 1)
		cols = 1;
	if ((cols != 0 && rows > ULLONG_MAX / cols) ||
	    rows * cols > ULLONG_MAX / (unsigned)dtype)
		return mare_err_set(err, MARE_E_DATA, "npy: data size "
		    "overflows 64 bits (%llu x %llu of %d-byte items)",
		    rows, cols, (int)dtype);

	/* {'descr': '<f4', 'fortran_order': False, 'shape': (5, 3), } */
	prelen = 10;
	n = snprintf(digits, sizeof(digits), "%llu", rows);
	growth = GROWTH_AXIS_MAX_DIGITS - (size_t)n;
	if (ndim == 1)
		n = snprintf(hdr + 12, sizeof(hdr) - 12, "{'descr': '<f%d', "
		    "'fortran_order': False, 'shape': (%llu,), }", (int)dtype,
		    rows);
	else
		n = snprintf(hdr + 12, sizeof(hdr) - 12, "{'descr': '<f%d', "
		    "'fortran_order': False, 'shape': (%llu, %llu), }",
		    (int)dtype, rows, cols);
	dlen = (size_t)n;
	/* The text, the spare spaces, the '\n'; then pad to the boundary. */
	hlen = dlen + growth + 1;
	/*
	 * Always format 1.0: with two 20-digit dimensions the dict is 97
	 * bytes, so hlen + pad is far below format 1.0's limit of 65535
	 * (format 2.0 is for headers that do not fit).
	 */
	pad = MARE_NPY_ALIGN - (prelen + hlen) % MARE_NPY_ALIGN;
	total = prelen + hlen + pad;
	if (total > sizeof(hdr))
		return mare_err_set(err, MARE_E_INTERNAL,
		    "npy: header too long");

	/* Build in place: the dict was printed at offset 12. */
	memmove(hdr + prelen, hdr + 12, dlen);
	memcpy(hdr, npy_magic, 6);
	hdr[6] = 1;
	hdr[7] = 0;
	hdr[8] = (char)((hlen + pad) & 0xff);
	hdr[9] = (char)((hlen + pad) >> 8 & 0xff);
	memset(hdr + prelen + dlen, ' ', growth + pad);
	hdr[total - 1] = '\n';
	if (fwrite(hdr, 1, total, fp) != total)
		return write_fail(err);
	return 0;
}

int
mare_npy_write_rows(FILE *fp, enum mare_npy_dtype dtype,
    unsigned long long cols, const void *buf, size_t nrows,
    struct mare_err *err)
{
	unsigned char chunk[4096];
	const unsigned char *p = buf;
	size_t size = (size_t)dtype, nitems, k;

	if (dtype != MARE_NPY_F4 && dtype != MARE_NPY_F8)
		return mare_err_set(err, MARE_E_INTERNAL,
		    "npy: bad dtype %d", (int)dtype);
	if (cols != 0 && nrows > SIZE_MAX / size / cols)
		return mare_err_set(err, MARE_E_INTERNAL,
		    "npy: %zu rows of %llu items overflow", nrows, cols);
	nitems = nrows * (size_t)cols;
	if (!HOST_BIG_ENDIAN) {
		if (nitems != 0 && fwrite(buf, size, nitems, fp) != nitems)
			return write_fail(err);
		return 0;
	}
	while (nitems > 0) {
		k = nitems < sizeof(chunk) / size ? nitems :
		    sizeof(chunk) / size;
		memcpy(chunk, p, k * size);
		swap_items(chunk, k, size);
		if (fwrite(chunk, size, k, fp) != k)
			return write_fail(err);
		p += k * size;
		nitems -= k;
	}
	return 0;
}
