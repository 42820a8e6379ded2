/*
 * csv.c - streaming CSV/TSV rows on libcsv (see csv.h)
 *
 * Bytes flow source -> [iconv] -> buf (UTF-8, 64 KiB) -> segments -> libcsv.
 * A segment is one physical line including its '\n', or, for a line longer
 * than buf, the part of it that is in buf. Each segment is checked as UTF-8
 * (an incremental validator, so a character may straddle two segments),
 * appended to the raw text of the current row, and fed to libcsv in two
 * parts: the body, then the line terminator. libcsv ends a row only at an
 * unquoted '\r' or '\n', so a row that ends while the body is being fed
 * was ended by a bare '\r' in the middle of a line: that is refused rather
 * than mis-numbered. Feeding by lines is what gives every row the physical
 * line where it starts.
 *
 * libcsv's field buffer grows with the longest field, and ours with the
 * longest row; both are bounded by max_row because the raw text of a row
 * is checked against it before each segment is fed.
 *
 * Our header is lib/csv.h and libcsv's is <csv.h>: with -I lib on the
 * command line, <csv.h> finds ours, so ours, when MARE_CSV_INCLUDE_LIBCSV
 * is defined, pulls libcsv's in with #include_next (GCC and Clang).
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io.h"
#include "record.h"
#define MARE_CSV_INCLUDE_LIBCSV
#include <csv.h>

#ifndef LIBCSV_H__
#error "libcsv's csv.h was not found behind lib/csv.h"
#endif

#define BUFSZ	((size_t)64 << 10)

struct mare_csv {
	char		*name;
	mare_csv_read_fn fn;
	void		*ctx;
	FILE		*fp;		/* mare_csv_open() only */
	struct csv_parser p;
	int		 p_init;
	int		 delim;
	int		 quote;
	int		 no_header;
	unsigned long	 skip_rows;
	size_t		 min_columns;
	size_t		 max_row;
	int		 reject_bad_rows;

	/* input */
	iconv_t		 cd;		/* (iconv_t)-1 without conversion */
	char		*raw_in;	/* bytes before iconv */
	size_t		 raw_len;
	int		 src_eof;
	char		*buf;		/* UTF-8 */
	size_t		 pos, len;
	int		 eof;		/* buf holds the last bytes */
	unsigned long	 line;		/* line of buf[pos] */
	int		 u8_need;	/* UTF-8 validator state */
	unsigned char	 u8_lo, u8_hi, u8_lead;

	/* the row being built */
	char		*fbuf;		/* fields, each NUL-terminated */
	size_t		 fbuf_len, fbuf_cap;
	size_t		*foff, *flen;
	const char	**fptr;
	size_t		 nf, foff_cap, flen_cap, fptr_cap;
	size_t		 cap;		/* usable size of buf */
	char		*raw;
	size_t		 rawlen, rawcap;
	unsigned long	 row_line;
	int		 pending;	/* a row has begun */
	int		 ready;		/* a row is complete */
	int		 cb_err;	/* ENOMEM in a callback */
	int		 finished;

	/* header */
	char		**header;
	size_t		 nheader;
	unsigned long	 rows_seen;	/* rows completed, incl. skipped */

	struct mare_csv_row row;
	char		 problem[96];
};

/* libcsv callbacks */

static int
grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap *= 2;
	if ((np = realloc(*p, ncap * elem)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

static void
cb_field(void *s, size_t len, void *data)
{
	struct mare_csv *c = data;

	if (c->cb_err)
		return;
	if (grow((void **)&c->foff, &c->foff_cap, c->nf + 1,
	    sizeof(size_t)) == -1 ||
	    grow((void **)&c->flen, &c->flen_cap, c->nf + 1,
	    sizeof(size_t)) == -1 ||
	    grow((void **)&c->fbuf, &c->fbuf_cap, c->fbuf_len + len + 1, 1)
	    == -1) {
		c->cb_err = 1;
		return;
	}
	c->foff[c->nf] = c->fbuf_len;
	c->flen[c->nf] = len;
	if (len > 0)
		memcpy(c->fbuf + c->fbuf_len, s, len);
	c->fbuf[c->fbuf_len + len] = '\0';
	c->fbuf_len += len + 1;
	c->nf++;
}

static void
cb_row(int ch, void *data)
{
	struct mare_csv *c = data;

	if (c->ready)
		c->cb_err = 2;	/* two rows in one feed: bare CR */
	c->ready = 1;
}

static int
never_space(unsigned char ch)
{
	return 0;
}

/* Input */

static int
utf8_check(struct mare_csv *c, const char *s, size_t n, struct mare_err *err)
{
	size_t i;
	unsigned char b;

	for (i = 0; i < n; i++) {
		b = (unsigned char)s[i];
		if (c->u8_need > 0) {
			if (b < c->u8_lo || b > c->u8_hi) {
				b = c->u8_lead;
				goto bad;
			}
			c->u8_lo = 0x80;
			c->u8_hi = 0xBF;
			c->u8_need--;
			continue;
		}
		if (b == 0) {
			mare_err_set(err, MARE_E_DATA, "NUL byte in text");
			mare_err_at(err, c->name, c->line, 0);
			return -1;
		}
		if (b < 0x80)
			continue;
		c->u8_lo = 0x80;
		c->u8_hi = 0xBF;
		c->u8_lead = b;
		if (b >= 0xC2 && b <= 0xDF)
			c->u8_need = 1;
		else if (b >= 0xE0 && b <= 0xEF) {
			c->u8_need = 2;
			if (b == 0xE0)
				c->u8_lo = 0xA0;
			else if (b == 0xED)
				c->u8_hi = 0x9F;
		} else if (b >= 0xF0 && b <= 0xF4) {
			c->u8_need = 3;
			if (b == 0xF0)
				c->u8_lo = 0x90;
			else if (b == 0xF4)
				c->u8_hi = 0x8F;
		} else
			goto bad;
	}
	return 0;
bad:
	mare_err_set(err, MARE_E_DATA, "invalid UTF-8 (byte 0x%02X): the file "
	    "looks like Latin-1 or Windows-1252: use --encoding", b);
	mare_err_at(err, c->name, c->line, 0);
	return -1;
}

static unsigned long
count_nl(const char *s, size_t n)
{
	unsigned long k = 0;
	const char *p, *end = s + n;

	while (s < end && (p = memchr(s, '\n', (size_t)(end - s))) != NULL) {
		k++;
		s = p + 1;
	}
	return k;
}

/*
 * Read more bytes into buf[len..cap), moving the unread part to the front
 * first. Sets eof when the source is exhausted. Returns 0, or -1 with err
 * set.
 */
static int
fill(struct mare_csv *c, struct mare_err *err)
{
	long n;
	char *in, *out;
	size_t inleft, outleft;

	if (c->pos > 0) {
		memmove(c->buf, c->buf + c->pos, c->len - c->pos);
		c->len -= c->pos;
		c->pos = 0;
	}
	if (c->cd == (iconv_t)-1) {
		if (c->len == c->cap)
			return 0;
		n = c->fn(c->ctx, c->buf + c->len, c->cap - c->len, err);
		if (n < 0)
			return -1;
		if (n == 0)
			c->eof = 1;
		c->len += (size_t)n;
		return 0;
	}
	for (;;) {
		if (!c->src_eof && c->raw_len < BUFSZ) {
			n = c->fn(c->ctx, c->raw_in + c->raw_len,
			    BUFSZ - c->raw_len, err);
			if (n < 0)
				return -1;
			if (n == 0)
				c->src_eof = 1;
			c->raw_len += (size_t)n;
		}
		if (c->raw_len == 0 && c->src_eof) {
			c->eof = 1;
			return 0;
		}
		in = c->raw_in;
		inleft = c->raw_len;
		out = c->buf + c->len;
		outleft = BUFSZ - c->len;	/* >= 8: cap is BUFSZ - 8 */
		if (iconv(c->cd, &in, &inleft, &out, &outleft) == (size_t)-1 &&
		    errno != E2BIG && !(errno == EINVAL && !c->src_eof)) {
			mare_err_set(err, MARE_E_DATA, errno == EINVAL ?
			    "incomplete multibyte sequence at the end" :
			    "a byte sequence that this encoding cannot "
			    "convert");
			mare_err_at(err, c->name, c->line +
			    count_nl(c->buf + c->pos,
			    (size_t)(out - c->buf) - c->pos), 0);
			return -1;
		}
		memmove(c->raw_in, in, inleft);
		c->raw_len = inleft;
		n = (long)(out - (c->buf + c->len));
		c->len = (size_t)(out - c->buf);
		if (c->src_eof && c->raw_len == 0)
			c->eof = 1;
		if (n > 0 || c->eof || c->len >= c->cap)
			return 0;
	}
}

static void
row_reset(struct mare_csv *c)
{
	c->nf = 0;
	c->fbuf_len = 0;
	c->rawlen = 0;
	c->ready = 0;
	c->pending = 0;
	c->problem[0] = '\0';
}

static int
feed(struct mare_csv *c, const char *s, size_t n, struct mare_err *err)
{
	if (n == 0)
		return 0;
	if (csv_parse(&c->p, s, n, cb_field, cb_row, c) != n ||
	    c->cb_err == 1)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return 0;
}

/*
 * Parse until a row is complete (c->ready) or the input ends. Returns 1
 * with a row ready, 0 at the end, -1 on error.
 */
static int
next_row(struct mare_csv *c, struct mare_err *err)
{
	const char *seg, *nl;
	size_t n, body, term;
	int full_line;

	row_reset(c);
	for (;;) {
		if (c->finished)
			return 0;
		nl = memchr(c->buf + c->pos, '\n', c->len - c->pos);
		if (nl == NULL && !c->eof && (c->pos > 0 || c->len < c->cap)) {
			if (fill(c, err) == -1)
				return -1;
			continue;
		}
		seg = c->buf + c->pos;
		full_line = nl != NULL;
		n = full_line ? (size_t)(nl - seg) + 1 : c->len - c->pos;
		if (!full_line && !c->eof && n > 0 && seg[n - 1] == '\r')
			n--;	/* keep a CR that may start a CRLF */
		if (n == 0 && c->eof) {
			/* end of input */
			c->finished = 1;
			if (c->u8_need > 0) {
				mare_err_set(err, MARE_E_DATA, "invalid UTF-8 "
				    "(a character cut at the end of the "
				    "input)");
				mare_err_at(err, c->name, c->line, 0);
				return -1;
			}
			/*
			 * libcsv's CSV_STRICT_FINI works only in strict mode;
			 * its state is public: 2 is "field begun".
			 */
			if (c->p.pstate == 2 && c->p.quoted) {
				mare_err_set(err, MARE_E_DATA,
				    "quoted field not closed at the end of "
				    "the input");
				mare_err_at(err, c->name, c->row_line, 0);
				return -1;
			}
			if (csv_fini(&c->p, cb_field, cb_row, c) != 0 ||
			    c->cb_err == 1)
				return mare_err_set(err, MARE_E_NOMEM,
				    "out of memory");
			return c->ready;
		}
		if (utf8_check(c, seg, n, err) == -1)
			return -1;
		term = 0;
		if (full_line) {
			term = 1;
			if (n >= 2 && seg[n - 2] == '\r')
				term = 2;
		}
		body = n - term;
		if (!c->pending && body == 0) {
			/* blank line between rows */
			c->pos += n;
			c->line++;
			continue;
		}
		if (!c->pending) {
			c->pending = 1;
			c->row_line = c->line;
		}
		if (c->rawlen + n > c->max_row) {
			mare_err_set(err, MARE_E_DATA,
			    "row longer than %zu bytes (a quote not closed?)",
			    c->max_row);
			mare_err_at(err, c->name, c->row_line, 0);
			return -1;
		}
		if (grow((void **)&c->raw, &c->rawcap, c->rawlen + n + 1, 1)
		    == -1)
			return mare_err_set(err, MARE_E_NOMEM,
			    "out of memory");
		memcpy(c->raw + c->rawlen, seg, n);
		c->rawlen += n;
		c->raw[c->rawlen] = '\0';
		if (feed(c, seg, body, err) == -1)
			return -1;
		if (c->ready || c->cb_err == 2) {
			mare_err_set(err, MARE_E_DATA, "a carriage return "
			    "ends a row in the middle of a line (old Mac "
			    "line ends are not supported)");
			mare_err_at(err, c->name, c->line, 0);
			return -1;
		}
		if (feed(c, seg + body, term, err) == -1)
			return -1;
		c->pos += n;
		if (full_line)
			c->line++;
		if (c->ready) {
			/* drop the line terminator from the raw text */
			while (c->rawlen > 0 &&
			    (c->raw[c->rawlen - 1] == '\n' ||
			    c->raw[c->rawlen - 1] == '\r'))
				c->raw[--c->rawlen] = '\0';
			return 1;
		}
	}
}

static void
sniff(struct mare_csv *c)
{
	static const char cands[] = "\t,;|";
	size_t counts[4] = { 0, 0, 0, 0 }, i, k, best = 0;
	int inq = 0;

	for (i = c->pos; i < c->len && c->buf[i] != '\n'; i++) {
		if (c->buf[i] == '"')
			inq = !inq;
		else if (!inq)
			for (k = 0; k < 4; k++)
				if (c->buf[i] == cands[k])
					counts[k]++;
	}
	for (k = 1; k < 4; k++)
		if (counts[k] > counts[best])
			best = k;
	c->delim = counts[best] > 0 ? cands[best] : ',';
}

static int
save_header(struct mare_csv *c)
{
	size_t i;

	if ((c->header = calloc(c->nf + 1, sizeof(char *))) == NULL)
		return -1;
	c->nheader = c->nf;
	for (i = 0; i < c->nf; i++)
		if ((c->header[i] = strdup(c->fbuf + c->foff[i])) == NULL)
			return -1;
	return 0;
}

/* Lifecycle */

static int
is_utf8_name(const char *enc)
{
	return strcasecmp(enc, "UTF-8") == 0 || strcasecmp(enc, "UTF8") == 0;
}

struct mare_csv *
mare_csv_new(mare_csv_read_fn fn, void *ctx, const char *name,
    const struct mare_csv_opts *opts, struct mare_err *err)
{
	static const struct mare_csv_opts defaults;
	struct mare_csv *c;
	unsigned char q;
	int rc;

	if (opts == NULL)
		opts = &defaults;
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->name = strdup(name)) == NULL ||
	    (c->buf = malloc(BUFSZ)) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto fail;
	}
	c->cd = (iconv_t)-1;
	c->fn = fn;
	c->ctx = ctx;
	c->line = 1;
	c->cap = BUFSZ;
	c->delim = opts->delim;
	c->quote = opts->quote == 0 ? '"' : opts->quote;
	c->no_header = opts->no_header;
	c->skip_rows = opts->skip_rows;
	c->min_columns = opts->min_columns;
	c->reject_bad_rows = opts->reject_bad_rows;
	c->max_row = opts->max_row ? opts->max_row : MARE_CSV_MAX_ROW;
	if (c->max_row > MARE_CSV_MAX_ROW_LIMIT || c->delim < 0 ||
	    c->delim > 255 || c->quote > 255 || c->delim == '\n' ||
	    c->delim == '\r' || (c->delim != 0 && c->delim == c->quote)) {
		mare_err_set(err, MARE_E_USAGE, "bad CSV reader options");
		goto fail;
	}
	if (opts->encoding != NULL && !is_utf8_name(opts->encoding)) {
		if ((c->cd = iconv_open("UTF-8", opts->encoding)) ==
		    (iconv_t)-1) {
			mare_err_set(err, MARE_E_USAGE,
			    "unknown encoding '%s'", opts->encoding);
			goto fail;
		}
		c->cap = BUFSZ - 8;
		if ((c->raw_in = malloc(BUFSZ)) == NULL) {
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto fail;
		}
	}
	if (csv_init(&c->p, CSV_APPEND_NULL) != 0) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto fail;
	}
	c->p_init = 1;
	csv_set_space_func(&c->p, never_space);
	/* the first line, for sniffing */
	if (fill(c, err) == -1)
		goto fail;
	/* a read may give fewer than the 3 bytes of a BOM */
	while (c->len < 3 && !c->eof)
		if (fill(c, err) == -1)
			goto fail;
	if (c->len >= 3 && memcmp(c->buf, "\xEF\xBB\xBF", 3) == 0)
		c->pos = 3;
	while (memchr(c->buf + c->pos, '\n', c->len - c->pos) == NULL &&
	    !c->eof && (c->pos > 0 || c->len < c->cap))
		if (fill(c, err) == -1)
			goto fail;
	if (c->delim == 0)
		sniff(c);
	csv_set_delim(&c->p, (unsigned char)c->delim);
	q = c->quote == MARE_CSV_NOQUOTE ? 0 : (unsigned char)c->quote;
	csv_set_quote(&c->p, q);
	for (; c->skip_rows > 0; c->skip_rows--)
		if ((rc = next_row(c, err)) <= 0) {
			if (rc == 0)
				break;
			goto fail;
		}
	if (!c->no_header) {
		if ((rc = next_row(c, err)) == -1)
			goto fail;
		if (rc == 0) {
			mare_err_set(err, MARE_E_DATA, "no header line");
			mare_err_at(err, c->name, c->line, 0);
			goto fail;
		}
		if (save_header(c) == -1) {
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto fail;
		}
	}
	return c;
fail:
	mare_csv_close(c);
	return NULL;
}

static long
file_read(void *ctx, void *buf, size_t size, struct mare_err *err)
{
	FILE *fp = ctx;
	size_t n;

	n = fread(buf, 1, size, fp);
	if (n == 0 && ferror(fp))
		return mare_err_sys(err, MARE_E_IO, "read error");
	return (long)n;
}

struct mare_csv *
mare_csv_open(const char *path, const struct mare_csv_opts *opts,
    struct mare_err *err)
{
	struct mare_csv *c;
	const char *name;
	FILE *fp;

	if ((fp = mare_in_open(path, &name, err)) == NULL)
		return NULL;
	if ((c = mare_csv_new(file_read, fp, name, opts, err)) == NULL) {
		mare_err_at(err, name, 0, 0);
		mare_in_close(fp);
		return NULL;
	}
	c->fp = fp;
	return c;
}

void
mare_csv_close(struct mare_csv *c)
{
	size_t i;

	if (c == NULL)
		return;
	if (c->p_init)
		csv_free(&c->p);
	if (c->cd != (iconv_t)-1)
		iconv_close(c->cd);
	if (c->fp != NULL)
		mare_in_close(c->fp);
	if (c->header != NULL) {
		for (i = 0; i < c->nheader; i++)
			free(c->header[i]);
		free(c->header);
	}
	free(c->name);
	free(c->raw_in);
	free(c->buf);
	free(c->fbuf);
	free(c->foff);
	free(c->flen);
	free(c->fptr);
	free(c->raw);
	free(c);
}

const char *const *
mare_csv_header(const struct mare_csv *c, size_t *n)
{
	*n = c->nheader;
	return (const char *const *)c->header;
}

int
mare_csv_delim(const struct mare_csv *c)
{
	return c->delim;
}

const char *
mare_csv_name(const struct mare_csv *c)
{
	return c->name;
}

int
mare_csv_read(struct mare_csv *c, const struct mare_csv_row **row,
    struct mare_err *err)
{
	size_t i;
	int rc;

	*row = NULL;
	if ((rc = next_row(c, err)) <= 0)
		return rc;
	if (grow((void **)&c->fptr, &c->fptr_cap, c->nf + 1,
	    sizeof(char *)) == -1)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	for (i = 0; i < c->nf; i++)
		c->fptr[i] = c->fbuf + c->foff[i];
	c->fptr[c->nf] = NULL;
	c->row.nfields = c->nf;
	c->row.fields = c->fptr;
	c->row.lens = c->flen;
	c->row.line = c->row_line;
	c->row.raw = c->raw;
	c->row.rawlen = c->rawlen;
	c->row.problem = NULL;
	*row = &c->row;
	if (c->header != NULL && c->nf != c->nheader)
		snprintf(c->problem, sizeof(c->problem),
		    "expected %zu columns, got %zu", c->nheader, c->nf);
	else if (c->header == NULL && c->nf < c->min_columns)
		snprintf(c->problem, sizeof(c->problem),
		    "expected at least %zu columns, got %zu", c->min_columns,
		    c->nf);
	if (c->problem[0] == '\0')
		return 1;
	c->row.problem = c->problem;
	if (c->reject_bad_rows)
		return MARE_CSV_BADROW;
	mare_err_set(err, MARE_E_DATA, "%s", c->problem);
	mare_err_at(err, c->name, c->row_line, 0);
	return -1;
}

/* Columns to terms */

struct mare_csv_map {
	size_t		 n;
	char		**keys;
	int		*numeric;
};

void
mare_csv_map_free(struct mare_csv_map *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->numeric);
	free(m);
}

struct mare_csv_map *
mare_csv_map_new(const struct mare_csv *c, const char *const *overrides,
    struct mare_err *err)
{
	struct mare_csv_map *m;
	const char *key, *eq, *term;
	size_t i, j, clen;

	if (c->header == NULL) {
		mare_err_set(err, MARE_E_USAGE,
		    "mapping columns needs a header line");
		return NULL;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->keys = calloc(c->nheader + 1, sizeof(char *))) == NULL ||
	    (m->numeric = calloc(c->nheader + 1, sizeof(int))) == NULL)
		goto nomem;
	m->n = c->nheader;
	for (i = 0; i < c->nheader; i++) {
		key = mare_record_term_name(c->header[i]);
		if ((m->keys[i] = strdup(key != NULL ? key : c->header[i])) ==
		    NULL)
			goto nomem;
	}
	for (j = 0; overrides != NULL && overrides[j] != NULL; j++) {
		if ((eq = strchr(overrides[j], '=')) == NULL ||
		    eq == overrides[j] || eq[1] == '\0') {
			mare_err_set(err, MARE_E_USAGE, "'%s': expected "
			    "COLUMN=TERM", overrides[j]);
			goto fail;
		}
		clen = (size_t)(eq - overrides[j]);
		term = mare_record_term_name(eq + 1);
		if (term == NULL)
			term = eq + 1;
		for (i = 0; i < c->nheader; i++)
			if (strncasecmp(c->header[i], overrides[j], clen)
			    == 0 && c->header[i][clen] == '\0')
				break;
		if (i == c->nheader) {
			mare_err_set(err, MARE_E_USAGE, "'%s': no column "
			    "'%.*s' in the header of %s", overrides[j],
			    (int)clen, overrides[j], c->name);
			goto fail;
		}
		free(m->keys[i]);
		if ((m->keys[i] = strdup(term)) == NULL)
			goto nomem;
	}
	/* two columns under one key: a record would silently lose one */
	for (i = 0; i < m->n; i++)
		for (j = i + 1; j < m->n; j++)
			if (strcmp(m->keys[i], m->keys[j]) == 0) {
				mare_err_set(err, MARE_E_DATA, "columns %zu "
				    "('%s') and %zu ('%s') both give the field "
				    "'%s'", i + 1, c->header[i], j + 1,
				    c->header[j], m->keys[i]);
				mare_err_at(err, c->name, 1, 0);
				goto fail;
			}
	for (i = 0; i < m->n; i++)
		m->numeric[i] = mare_record_term_numeric(m->keys[i]);
	return m;
nomem:
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
fail:
	mare_csv_map_free(m);
	return NULL;
}

const char *
mare_csv_map_key(const struct mare_csv_map *m, size_t i)
{
	return i < m->n ? m->keys[i] : NULL;
}

int
mare_csv_read_record(struct mare_csv *c, const struct mare_csv_map *m,
    const char *source, json_t **rec, struct mare_err *err)
{
	const struct mare_csv_row *row;
	char where[300];
	size_t i;
	int rc;

	*rec = NULL;
	if ((rc = mare_csv_read(c, &row, err)) <= 0)
		return rc;
	if (rc == MARE_CSV_BADROW) {
		/*
		 * analyzer false positive: mare_csv_read() sets *row
		 * whenever it returns 1 or MARE_CSV_BADROW
		 */
		/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
		snprintf(where, sizeof(where), "%s:%lu", c->name, row->line);
		if ((*rec = mare_record_reject(where, row->problem, row->raw,
		    row->rawlen)) == NULL)
			return mare_err_set(err, MARE_E_NOMEM,
			    "out of memory");
		return rc;
	}
	if ((*rec = mare_record_new(source)) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	/*
	 * analyzer false positive: mare_csv_read() sets *row whenever it
	 * returns 1 or MARE_CSV_BADROW
	 */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	for (i = 0; i < row->nfields && i < m->n; i++)
		if (mare_record_put(*rec, m->keys[i], row->fields[i],
		    row->lens[i], m->numeric[i], err) == -1) {
			mare_err_at(err, c->name, row->line, 0);
			json_decref(*rec);
			*rec = NULL;
			return -1;
		}
	return 1;
}
