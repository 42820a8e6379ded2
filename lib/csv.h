/*
 * csv.h - streaming CSV/TSV rows and Darwin Core records, on libcsv
 *
 * A reader pulls bytes from a callback (a file, or an archive member for
 * dwca.c), converts them to UTF-8 with iconv(3) when an encoding is named,
 * checks they are UTF-8, strips a leading byte order mark and hands them,
 * one physical line at a time, to libcsv (quotes per RFC 4180, CRLF or LF
 * line ends; fields are never trimmed). Every row carries the physical
 * line where it starts (a quoted field may span lines) and its raw text,
 * for reject streams. Blank lines are skipped.
 *
 * Memory is bounded: a row longer than max_row bytes is an error, and
 * nothing else grows with the input. This is the only module of libmare
 * that includes libcsv's <csv.h>.
 *
 * The delimiter, unless given, is sniffed from the first line: the most
 * frequent of tab, comma, semicolon and pipe outside double quotes (ties
 * in that order; comma when none occurs).
 *
 * Problems, each MARE_E_DATA with "NAME:LINE" as position: invalid UTF-8
 * ("invalid UTF-8 (byte 0xE9): the file looks like Latin-1 or
 * Windows-1252: use --encoding"), a byte the named encoding cannot convert,
 * a NUL byte, a row over max_row bytes, a bare carriage return ending a row
 * in the middle of a line (old Mac line ends are not supported), a quoted
 * field still open at the end of the input, and a row whose number of
 * fields differs from the header's (or is below min_columns). That last one
 * is a "bad row": by default an error, with reject_bad_rows a distinct
 * return value (MARE_CSV_BADROW) so that the caller can count it and send
 * it to its reject stream.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_CSV_H
#define MARE_CSV_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

/* Returned by the read functions for a row with the wrong field count. */
#define MARE_CSV_BADROW		2
/* Default and largest accepted max_row. */
#define MARE_CSV_MAX_ROW	((size_t)1 << 20)
#define MARE_CSV_MAX_ROW_LIMIT	((size_t)1 << 30)
/* quote: no quoting at all (DwC-A fieldsEnclosedBy=""). */
#define MARE_CSV_NOQUOTE	(-1)

struct mare_csv_opts {
	int		 delim;		/* 0: sniff; else the byte */
	int		 quote;		/* 0: '"'; MARE_CSV_NOQUOTE; a byte */
	int		 no_header;	/* first row (after skip) is data */
	unsigned long	 skip_rows;	/* rows ignored before header/data */
	size_t		 min_columns;	/* without header: fewer is bad */
	const char	*encoding;	/* NULL or UTF-8: none; else iconv */
	size_t		 max_row;	/* bytes; 0: MARE_CSV_MAX_ROW */
	int		 reject_bad_rows; /* MARE_CSV_BADROW, not an error */
};

/*
 * Source of bytes: fill buf with up to size bytes; return the count, 0 at
 * the end, -1 on failure with err set (MARE_E_IO).
 */
typedef long	(*mare_csv_read_fn)(void *ctx, void *buf, size_t size,
		    struct mare_err *err);

/* A row, valid until the next read or mare_csv_close(). */
struct mare_csv_row {
	size_t		 nfields;
	const char *const *fields;	/* NUL-terminated UTF-8 */
	const size_t	*lens;		/* byte lengths of fields */
	unsigned long	 line;		/* physical line of the row's start */
	const char	*raw;		/* the row as read, without newline */
	size_t		 rawlen;
	const char	*problem;	/* for MARE_CSV_BADROW, else NULL */
};

struct mare_csv;

/*
 * Start reading from fn(ctx); name is used in messages (copied). opts may
 * be NULL (all defaults). Reads the header (unless no_header) before
 * returning. Returns NULL with err set: MARE_E_USAGE for an unknown
 * encoding or bad options, MARE_E_DATA for a bad first line (empty input
 * with a header expected: "no header line"), MARE_E_NOMEM.
 * The reader never closes or frees ctx.
 */
struct mare_csv *mare_csv_new(mare_csv_read_fn fn, void *ctx,
	    const char *name, const struct mare_csv_opts *opts,
	    struct mare_err *err);
/* The same on a file (NULL or "-": standard input, named "<stdin>"). */
struct mare_csv *mare_csv_open(const char *path,
	    const struct mare_csv_opts *opts, struct mare_err *err);
/* Free the reader (and close the file of mare_csv_open()). NULL is ok. */
void	 mare_csv_close(struct mare_csv *csv);

/* The header's names (NULL and *n = 0 with no_header). */
const char *const *mare_csv_header(const struct mare_csv *csv, size_t *n);
/* The delimiter in use (sniffed or given). */
int	 mare_csv_delim(const struct mare_csv *csv);
/* The name given to mare_csv_new() or the path. */
const char *mare_csv_name(const struct mare_csv *csv);

/*
 * Read the next data row into *row. Returns 1, 0 at the end, -1 on error
 * (err set with "NAME:LINE"), or MARE_CSV_BADROW with row->problem set
 * when reject_bad_rows is on (otherwise a bad row is an error).
 */
int	 mare_csv_read(struct mare_csv *csv, const struct mare_csv_row **row,
	    struct mare_err *err);

/* Columns to Darwin Core terms */

struct mare_csv_map;

/*
 * Map the header's columns to record keys: each column whose name is a
 * Darwin Core short name (any case) gets the canonical name, any other
 * column keeps its own name; overrides (a NULL-terminated list of
 * "col=term", or NULL) map a column (matched without regard to case) to a
 * term (canonicalised when known, else used as given). Returns NULL with
 * err set: MARE_E_USAGE for an override without '=' or naming no column
 * of the header, MARE_E_NOMEM. Needs a header.
 */
struct mare_csv_map *mare_csv_map_new(const struct mare_csv *csv,
	    const char *const *overrides, struct mare_err *err);
void	 mare_csv_map_free(struct mare_csv_map *map);
/* The key column i maps to. */
const char *mare_csv_map_key(const struct mare_csv_map *map, size_t i);

/*
 * Read the next row as a record (mare_record_put() rules, "source" set to
 * source, e.g. "csv"). Returns 1 with *rec (new reference, caller owns),
 * 0 at the end, -1 on error, MARE_CSV_BADROW with *rec a reject object
 * (mare_record_reject()). *rec is NULL unless 1 or MARE_CSV_BADROW.
 */
int	 mare_csv_read_record(struct mare_csv *csv,
	    const struct mare_csv_map *map, const char *source, json_t **rec,
	    struct mare_err *err);

#endif /* MARE_CSV_H */

/* Only lib/csv.c defines this: libcsv's own <csv.h>, behind this one. */
#if defined(MARE_CSV_INCLUDE_LIBCSV) && !defined(LIBCSV_H__)
#include_next <csv.h>
#endif
