/*
 * tensor.h - the mare-tensor(5) stream format: rows of float32 or float64
 *
 * A tensor is a header (magic, version, dtype, column count, a JSON object
 * with the column names, the feature spec's SHA-256 and free metadata, a
 * CRC-32), then chunks of rows ("ROWS", row count, row-major little-endian
 * data, CRC-32), then an end record ("END", total rows, CRC-32). The byte
 * layout is in mare-tensor(5).
 *
 * Reader: streams, memory independent of the row count. Every size the
 * stream claims is checked against a fixed limit (MARE_TENSOR_MAX_COLS,
 * MARE_TENSOR_MAX_JSON) or, for a regular file, against the file size
 * before anything is allocated; row data goes straight into the caller's
 * buffer. Rows of a chunk are handed out before that chunk's CRC is read:
 * only a final return of 0 means that every CRC and the end record were
 * checked, and a -1 at any point invalidates all rows read so far.
 *
 * Writer: on a regular seekable file (not opened for appending) it writes
 * one chunk whose row count is patched at finish, so the data is one
 * contiguous block, 16-byte aligned, that mare_tensor_map() can map; on
 * anything else (a pipe, a terminal) it writes chunks of about 1 MiB from
 * one reused buffer. Memory: one buffer of about 1 MiB (at least one row).
 *
 * Errors are MARE_E_DATA for a malformed stream, MARE_E_IO for a read or
 * write failure, MARE_E_NOMEM, MARE_E_NOINPUT (mare_tensor_map() of a
 * missing file), MARE_E_USAGE for a bad argument (duplicate column names
 * given to the writer); the position is "name: offset N", or for a
 * truncated stream the offset is in the message.
 *
 * Ownership: the info of a reader or map (column names, spec hash, meta)
 * belongs to it and lives until it is freed. The writer copies what it
 * needs from its arguments.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_TENSOR_H
#define MARE_TENSOR_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "err.h"

#define MARE_TENSOR_MAJOR	1
#define MARE_TENSOR_MINOR	0
#define MARE_TENSOR_MAX_COLS	1048576U	/* columns */
#define MARE_TENSOR_MAX_JSON	(16U << 20)	/* bytes of header JSON */
#define MARE_TENSOR_MAX_NAME	256U		/* bytes of a column name */
#define MARE_TENSOR_HEADER_ALIGN 64U
#define MARE_TENSOR_CHUNK_BYTES	(1U << 20)	/* data per chunk on a pipe */

enum mare_tensor_dtype {
	MARE_TENSOR_F32 = 1,
	MARE_TENSOR_F64 = 2
};

/* What a header says. Every pointer belongs to the reader or map. */
struct mare_tensor_info {
	int		 major, minor;
	enum mare_tensor_dtype dtype;
	size_t		 itemsize;	/* 4 or 8 */
	size_t		 ncols;
	const char *const *columns;	/* ncols names */
	const char	*spec_sha256;	/* 64 lower-case hex digits, or NULL */
	const json_t	*meta;		/* an object, never NULL ({} if none) */
	unsigned long long header_size;	/* bytes, a multiple of 64 */
};

/* "f32" / "f64"; NULL for an unknown value. */
const char *mare_tensor_dtype_name(enum mare_tensor_dtype dtype);

/* Reading a stream */

struct mare_tensor_reader;

/*
 * Read and check the header from fp (which stays the caller's; it is not
 * closed). name is used in messages and copied. Returns the reader, or NULL
 * with err set (MARE_E_DATA for a bad header, MARE_E_IO, MARE_E_NOMEM).
 */
struct mare_tensor_reader *mare_tensor_reader_new(FILE *fp, const char *name,
	    struct mare_err *err);
const struct mare_tensor_info *mare_tensor_reader_info(
	    const struct mare_tensor_reader *r);

/*
 * Read up to maxrows rows (maxrows > 0) into buf, which holds maxrows *
 * ncols items of the tensor's own dtype, in host byte order. Returns 1 with
 * *nrows > 0 rows stored, 0 at the verified end of the stream (*nrows = 0),
 * -1 on error. After -1 every further call returns -1 with the same error.
 */
int	mare_tensor_read_rows(struct mare_tensor_reader *r, void *buf,
	    size_t maxrows, size_t *nrows, struct mare_err *err);
/* The same, converting to double: buf holds maxrows * ncols doubles. */
int	mare_tensor_read_f64(struct mare_tensor_reader *r, double *buf,
	    size_t maxrows, size_t *nrows, struct mare_err *err);
/* Rows handed out so far; after a return of 0, the verified total. */
unsigned long long mare_tensor_reader_rows(const struct mare_tensor_reader *r);
/* Chunks started so far. */
unsigned long long mare_tensor_reader_chunks(
	    const struct mare_tensor_reader *r);
/* Free the reader (not its FILE). NULL is a no-op. */
void	mare_tensor_reader_free(struct mare_tensor_reader *r);

/* Writing a stream */

struct mare_tensor_writer;

/*
 * Write the header to fp (which stays the caller's). columns holds ncols
 * names: non-empty, unique, valid UTF-8, at most MARE_TENSOR_MAX_NAME bytes
 * (MARE_E_USAGE otherwise). spec_sha256 is NULL or 64 hex digits (stored
 * in lower case); meta is NULL or a JSON object (copied). Returns the
 * writer, or NULL with err set.
 */
struct mare_tensor_writer *mare_tensor_writer_new(FILE *fp, const char *name,
	    enum mare_tensor_dtype dtype, size_t ncols,
	    const char *const *columns, const char *spec_sha256,
	    const json_t *meta, struct mare_err *err);
/* Append nrows rows of the writer's dtype (host order). 0 or -1. */
int	mare_tensor_write_rows(struct mare_tensor_writer *w, const void *rows,
	    size_t nrows, struct mare_err *err);
/*
 * Append nrows rows given as doubles (rounded to float for f32). For f32, a
 * finite value beyond the float range is MARE_E_DATA ("row R, column C: V
 * is out of the float32 range"); the rows before it are written, that row
 * is not, and the writer stays usable.
 */
int	mare_tensor_write_f64(struct mare_tensor_writer *w, const double *rows,
	    size_t nrows, struct mare_err *err);
/*
 * Write the last chunk and the end record (and patch the row count of a
 * file's single chunk), then fflush. 0 or -1. Does not close fp.
 */
int	mare_tensor_writer_finish(struct mare_tensor_writer *w,
	    struct mare_err *err);
unsigned long long mare_tensor_writer_rows(const struct mare_tensor_writer *w);
/* Free the writer; without a finish the stream stays unfinished. */
void	mare_tensor_writer_free(struct mare_tensor_writer *w);

/* Mapping a file */

struct mare_tensor_map;

enum mare_tensor_map_flags {
	MARE_TENSOR_MAP_VERIFY = (1 << 0)	/* check the data's CRC too */
};

/*
 * Map path read-only after checking its header, the single chunk and the
 * end record (header and record CRCs always; the data CRC with
 * MARE_TENSOR_MAP_VERIFY, which reads the whole file). A file written over
 * a pipe (several chunks) is refused (MARE_E_DATA): re-write it with
 * mare-tensor cat -o. Fails too on a big-endian host. Returns the map, or
 * NULL with err set (MARE_E_NOINPUT when path cannot be opened).
 */
struct mare_tensor_map *mare_tensor_map(const char *path, unsigned flags,
	    struct mare_err *err);
const struct mare_tensor_info *mare_tensor_map_info(
	    const struct mare_tensor_map *m);
/* The rows: nrows * ncols items of the dtype, row-major, 16-byte aligned;
 * NULL when there are no rows. Valid until mare_tensor_map_free(). */
const void *mare_tensor_map_data(const struct mare_tensor_map *m);
unsigned long long mare_tensor_map_rows(const struct mare_tensor_map *m);
/* Unmap and free. NULL is a no-op. */
void	mare_tensor_map_free(struct mare_tensor_map *m);

/* Column statistics and number text (used by mare-tensor info and head) */

/* Running moments of one column (Welford); zero-initialise. */
struct mare_tensor_stats {
	unsigned long long count;	/* values that are not NaN */
	unsigned long long nan;		/* NaN values */
	double		 min, max, mean, m2;
};

/* Add nrows rows of ncols doubles to stats[0..ncols-1]. */
void	mare_tensor_stats_add(struct mare_tensor_stats *stats, size_t ncols,
	    const double *rows, size_t nrows);
/* Sample standard deviation (n - 1); NaN when count < 2. */
double	mare_tensor_stats_sd(const struct mare_tensor_stats *s);

/*
 * The shortest decimal text that reads back (strtof) as the same float,
 * in the C locale: "0.1", "1e+30", "nan", "inf", "-inf". Returns the
 * length, or -1 when size is too small (size >= 32 always suffices).
 */
int	mare_tensor_ftoa(float v, char *buf, size_t size);

#endif /* MARE_TENSOR_H */
