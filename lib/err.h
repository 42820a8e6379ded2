/*
 * err.h - the one error type every libmare call fills
 *
 * A failing call sets a code (which maps one-to-one to a sysexits.h exit
 * status), a message, and where the problem is ("occ.jsonl:123",
 * "x.tensor: offset 4096"). The first error wins: an inner function sets the
 * message, outer ones only add a position when none is there yet. Every
 * function taking a struct mare_err * accepts NULL when the caller does not
 * care why it failed.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_ERR_H
#define MARE_ERR_H

#include <stddef.h>

enum mare_errc {
	MARE_E_OK = 0,		/* success (exit 0) */
	MARE_E_FOUND,		/* the check found something (exit 1) */
	MARE_E_USAGE,		/* bad option or argument (exit 64) */
	MARE_E_DATA,		/* malformed or unusable input (exit 65) */
	MARE_E_NOINPUT,		/* input missing or unreadable (exit 66) */
	MARE_E_UNAVAILABLE,	/* service refused or unreachable (exit 69) */
	MARE_E_INTERNAL,	/* bug, failed invariant (exit 70) */
	MARE_E_NOMEM,		/* out of memory (exit 71) */
	MARE_E_CANTCREAT,	/* cannot create output (exit 73) */
	MARE_E_IO,		/* read or write error (exit 74) */
	MARE_E_TEMPFAIL		/* transient failure, retry later (exit 75) */
};

struct mare_err {
	enum mare_errc	code;
	int		sys_errno;	/* errno at failure, 0 if none */
	char		where[256];	/* "occ.jsonl:123", "" when unknown */
	char		msg[512];	/* "decimalLatitude: expected a number" */
};

/* Lifecycle */
void	mare_err_init(struct mare_err *err);

/*
 * Setting. Each returns -1 so that `return mare_err_set(...)` propagates.
 * They do nothing when err is NULL or already holds an error.
 * mare_err_sys() also records errno and appends strerror() when formatted.
 */
int	mare_err_set(struct mare_err *err, enum mare_errc code,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int	mare_err_sys(struct mare_err *err, enum mare_errc code,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#ifdef __clang_analyzer__
/*
 * For clang-tidy's analyzer only: it analyses one file at a time, so it
 * cannot see that the two calls above always return -1, and it follows
 * paths where `return mare_err_set(...)` returned 0 -- a success with
 * nothing filled in -- into false reports (uninitialised values, double
 * frees). These wrappers state that contract where it can see it.
 */
static inline int
mare_err_analyzer_fail(int rc)
{
	(void)rc;
	return -1;
}
#define mare_err_set(...) \
	mare_err_analyzer_fail(mare_err_set(__VA_ARGS__))
#define mare_err_sys(...) \
	mare_err_analyzer_fail(mare_err_sys(__VA_ARGS__))
#endif

/*
 * Attach a position when none is set yet. line and col count from 1; 0
 * leaves them out: ("occ.jsonl", 12, 0) gives "occ.jsonl:12".
 */
void	mare_err_at(struct mare_err *err, const char *src,
	    unsigned long line, unsigned long col);
/* Attach a byte offset in a binary file: "x.tensor: offset 4096". */
void	mare_err_at_offset(struct mare_err *err, const char *src,
	    unsigned long long offset);

/* Reading */
int	mare_err_failed(const struct mare_err *err);
int	mare_err_exit_status(enum mare_errc code);
const char *mare_err_name(enum mare_errc code);

/*
 * Format the error as one line without the program name:
 * "where: msg[: strerror]". Returns buf.
 */
char	*mare_err_format(const struct mare_err *err, char *buf, size_t size);

#endif /* MARE_ERR_H */
