/*
 * table.h - rows of named numeric columns, read into memory column by column
 *
 * mare-drift's reference and current rows. Column-major, so that each
 * statistic, the MESS and the sorts read contiguous columns, and a raw
 * reference's columns can be sorted where they lie.
 *
 * Three sources:
 * - a mare-tensor(5) stream: every column, or WANT's columns by name;
 * - JSON Lines: WANT's columns by name, or else the numeric keys of the
 *   first record; a key that is absent or null reads as NaN, any other
 *   non-number stops the read naming its line and key;
 * - JSON Lines records through a feature spec (mare_record_values(), as
 *   mare-predict reads them): the spec's variables by name, or, for a
 *   record without them and with layers, the layers at its coordinates.
 * A column of WANT that no row holds is an error ("column "x" of the
 * reference is missing"): WANT is the reference the rows are compared
 * with.
 *
 * Windows: with W, the readers call W->full() each time the table holds
 * W->n rows (the last, partial window is left in the table for the
 * caller); full() may empty the table by setting nrows to 0. total counts
 * the rows read over all windows.
 *
 * Memory: 8 bytes a value; a regular tensor file's rows are allocated at
 * once (up to one window), other sources grow by doubling.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_TABLE_H
#define MARE_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "featspec.h"
#include "grid.h"

/* The first byte of a mare-tensor(5) stream; JSON Lines never starts so. */
#define MARE_TABLE_TENSOR_MAGIC	0x89

struct mare_table {
	size_t	 ncols, nrows, cap;
	char	**names;	/* ncols names */
	double	**cols;		/* ncols columns of cap values */
	unsigned long long total;	/* rows read, over all windows */
};

struct mare_table_window {
	size_t	 n;		/* rows a window */
	int	(*full)(void *arg, struct mare_table *t,
		    struct mare_err *err);	/* 0, or -1 to stop */
	void	*arg;
};

/*
 * Read a tensor (told by its first byte) or JSON Lines from fp, named name
 * in messages, into T. want (NULL: every column) names the columns to
 * read; w (NULL: none) the window, whose full() is handed the table being
 * filled (T gets it at the end). T is overwritten (free it first if it
 * holds a table); on error it holds what was read, for mare_table_free().
 * Returns 0, or -1 with err set (what full() returned -1 with, or the
 * problem and where).
 */
int	mare_table_read(FILE *fp, const char *name,
	    const struct mare_table *want, struct mare_table *t,
	    const struct mare_table_window *w, struct mare_err *err);

/*
 * Read JSON Lines records through the spec fs into T (as above): one
 * column a variable of fs. st (NULL or no layers: none) and layer (the
 * layer index of each variable of fs) fill a variable a record lacks from
 * the layers at its coordinates. A record that gives no row stops the read
 * naming its line, field and problem. Returns 0 or -1.
 */
int	mare_table_read_records(FILE *fp, const char *name,
	    const struct mare_featspec *fs, const struct mare_grid_stack *st,
	    const size_t *layer, struct mare_table *t,
	    const struct mare_table_window *w, struct mare_err *err);

/* Free T's names and columns and zero it. */
void	mare_table_free(struct mare_table *t);

#endif /* MARE_TABLE_H */
