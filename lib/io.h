/*
 * io.h - opening inputs, and output files that appear whole or not at all
 *
 * Inputs: a path, or NULL or "-" for standard input, named "<stdin>" in
 * messages. A missing or unreadable file is MARE_E_NOINPUT.
 *
 * Outputs: mare_out_open() creates a temporary file ".NAME.XXXXXX" in the
 * target's own folder (so rename(2) stays on one file system), the caller
 * writes through mare_out_file(), and mare_out_commit() flushes, fsyncs,
 * renames it over the target and fsyncs the folder. mare_out_abort() (or a
 * failed commit) removes the temporary file and leaves any old target as it
 * was. With a NULL or "-" path the output is standard output: nothing is
 * atomic then, but flush and close errors are still reported (ENOSPC on a
 * pipe or a full disk must not look like success). A path that names an
 * existing device or fifo (/dev/stdout, /dev/null, a named pipe) is written
 * in place, since renaming over it would replace it with a plain file.
 *
 * Every live temporary file is also kept in a process-wide list so that a
 * signal handler can remove it: mare_out_cleanup_all() is async-signal-safe
 * and is what a program's SIGINT/SIGTERM handler calls before re-raising.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_IO_H
#define MARE_IO_H

#include <stdio.h>

#include "err.h"

/* Inputs */

/*
 * Open path for reading ("rb"); NULL or "-" gives stdin. Returns the
 * stream, or NULL with MARE_E_NOINPUT ("'x': No such file or directory").
 * *name receives the name to use in messages ("<stdin>" or path).
 */
FILE	*mare_in_open(const char *path, const char **name,
	    struct mare_err *err);
/* Close a stream from mare_in_open(); stdin is left open. */
void	 mare_in_close(FILE *fp);
/*
 * Read the rest of fp into a new NUL-terminated buffer (the caller frees
 * it), refusing input over max bytes with MARE_E_DATA "larger than N
 * bytes" at name, before reading more than max + 1 bytes. *len gets the
 * byte count (the NUL not included). NULL on error.
 */
char	*mare_in_slurp(FILE *fp, const char *name, size_t max, size_t *len,
	    struct mare_err *err);
/* True when path names standard input (NULL or "-"). */
int	 mare_io_is_stdio(const char *path);

/* Atomic output files */

struct mare_out;

enum mare_out_flags {
	MARE_OUT_SYNC = (1 << 0)	/* fsync file and folder on commit */
};

/*
 * Start writing path (NULL or "-": stdout). Returns a handle, or NULL with
 * MARE_E_CANTCREAT when the temporary file cannot be created (folder
 * missing or not writable) or MARE_E_NOMEM.
 */
struct mare_out *mare_out_open(const char *path, unsigned flags,
	    struct mare_err *err);
FILE	*mare_out_file(struct mare_out *out);
/* The name to use in messages: the target path or "<stdout>". */
const char *mare_out_name(const struct mare_out *out);
/* True when the output is stdout (not atomic, not seekable in general). */
int	 mare_out_is_stdout(const struct mare_out *out);

/*
 * Finish: flush, check for write errors, fsync (MARE_OUT_SYNC), rename over
 * the target. Frees out in every case. Returns 0, or -1 with MARE_E_IO and
 * the temporary file removed.
 */
int	 mare_out_commit(struct mare_out *out, struct mare_err *err);
/* Give up: remove the temporary file, free out. NULL is a no-op. */
void	 mare_out_abort(struct mare_out *out);

/* Remove every live temporary file. Async-signal-safe. */
void	 mare_out_cleanup_all(void);

#endif /* MARE_IO_H */
