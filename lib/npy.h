/*
 * npy.h - NumPy .npy files: read and write 1-D and 2-D float arrays
 *
 * A .npy file is a 6-byte magic string "\x93NUMPY", a format version
 * (1.0, 2.0 or 3.0), a little-endian header length (2 bytes in 1.0, 4 in
 * 2.0 and 3.0), a header that is a Python dict literal such as
 * {'descr': '<f4', 'fortran_order': False, 'shape': (1000, 20), }
 * padded with spaces to end in '\n', and then the raw array in C order.
 * mare reads and writes only little-endian float32 ('<f4') and float64
 * ('<f8') arrays of one or two dimensions in C order; everything else is
 * refused with MARE_E_DATA, the byte offset and the reason.
 *
 * The header is parsed by a small parser of the dict literal (tolerant of
 * spacing and key order, as numpy's reader is, strict about the rest). No
 * allocation is sized by the file before the header length has been checked
 * against MARE_NPY_MAX_HEADER and, for a regular file, against its size.
 * Reading streams rows into the caller's buffer: memory is independent of
 * the array's size. Nothing here owns the FILE *; the caller opens and
 * closes it. Writing needs no seek: the row count is known in advance.
 *
 * On a big-endian host the data is byte-swapped by mare_npy_read_rows() and
 * mare_npy_write_rows(), so callers always see native doubles and floats.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_NPY_H
#define MARE_NPY_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

/* The longest header accepted on reading, in bytes. */
#define MARE_NPY_MAX_HEADER	(1024 * 1024)
/* Data written by mare_npy_write_header() starts at a multiple of this. */
#define MARE_NPY_ALIGN		64

/* dtype of the data block: little-endian float32 or float64 */
enum mare_npy_dtype { MARE_NPY_F4 = 4, MARE_NPY_F8 = 8 };

struct mare_npy_header {
	enum mare_npy_dtype dtype;	/* itemsize in bytes */
	int		 ndim;		/* 1 or 2 */
	unsigned long long rows;	/* shape[0] */
	unsigned long long cols;	/* shape[1], 1 when ndim == 1 */
	unsigned long long data_offset;	/* bytes from file start to data */
	int		 major, minor;	/* format version read */
};

/* Reading */

/*
 * Read and validate the header from fp, positioned at the start of the
 * .npy file. On success returns 0, fills h and leaves fp at the first data
 * byte. On failure returns -1 with err set: MARE_E_DATA with the byte
 * offset ("x.npy: offset 8") for a malformed or unsupported file (empty
 * file, bad magic, unknown version, header length over MARE_NPY_MAX_HEADER
 * or past the end of the file, a header that is not a dict literal of
 * exactly the keys descr, fortran_order and shape, a dtype other than '<f4'
 * or '<f8', Fortran order, not 1 or 2 dimensions, a shape or data size that
 * overflows 64 bits, and, when fp is a regular file, a data block that is
 * truncated or followed by trailing bytes); MARE_E_IO for a read error;
 * MARE_E_NOMEM when the header text (at most MARE_NPY_MAX_HEADER bytes)
 * cannot be allocated. h is zeroed on failure. A key given twice is
 * refused, where numpy would keep the last one. Any data offset is
 * accepted (old numpy aligned to 16 bytes). name is the file name used in
 * messages; it must not be NULL.
 */
int	mare_npy_read_header(FILE *fp, const char *name,
	    struct mare_npy_header *h, struct mare_err *err);

/*
 * Read up to maxrows rows of h->cols items each into buf, which must hold
 * maxrows * h->cols * h->dtype bytes; values are native floats or doubles
 * in row-major order. *rows_done counts the rows read so far (0 after
 * mare_npy_read_header()) and is advanced by the call. Returns 1 and sets
 * *nrows (> 0) when rows were read, 0 with *nrows = 0 at the end of the
 * array, and -1 with err set on a read error (MARE_E_IO) or when the data
 * ends early (MARE_E_DATA, "expected N rows, data ends after M"); then
 * *nrows holds the whole rows read before the end and *rows_done counts
 * them. A 2-D array with 0 columns yields its rows without reading. The
 * call that returns 0 reads one more byte to catch trailing bytes where the
 * header could not (a pipe): MARE_E_DATA, "trailing bytes after the data".
 */
int	mare_npy_read_rows(FILE *fp, const char *name,
	    const struct mare_npy_header *h, unsigned long long *rows_done,
	    void *buf, size_t maxrows, size_t *nrows, struct mare_err *err);

/* Writing */

/*
 * Write the header of a C-order little-endian array of rows x cols items
 * (ndim 2) or rows items (ndim 1; cols is then ignored) of dtype, as
 * np.save() writes it (format 1.0, whose 65535 bytes always hold the dict
 * of 1 or 2 dimensions; byte for byte what numpy 1.24 writes, checked by
 * the tests):
 * the same dict, the same spare spaces after it, padded with spaces and a
 * final '\n' so that the data starts at a multiple of MARE_NPY_ALIGN (64,
 * numpy's ARRAY_ALIGN) bytes. The caller then writes exactly the data
 * announced, for instance with mare_npy_write_rows(). Returns 0, or -1
 * with err set: MARE_E_INTERNAL for a bad dtype or ndim, MARE_E_DATA when
 * the data size overflows 64 bits, MARE_E_IO when writing fails.
 */
int	mare_npy_write_header(FILE *fp, enum mare_npy_dtype dtype, int ndim,
	    unsigned long long rows, unsigned long long cols,
	    struct mare_err *err);

/*
 * Write nrows rows of cols native values of dtype from buf (row-major) as
 * little-endian data. cols is 1 for a 1-D array. Returns 0, or -1 with err
 * set (MARE_E_IO) when writing fails.
 */
int	mare_npy_write_rows(FILE *fp, enum mare_npy_dtype dtype,
	    unsigned long long cols, const void *buf, size_t nrows,
	    struct mare_err *err);

#endif /* MARE_NPY_H */
