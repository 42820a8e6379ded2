/*
 * err.c - error codes, messages and their exit statuses
 *
 * The table below is the single place where an error code becomes an exit
 * status; mare(7) and every mare-NAME(1) page print the same table, and
 * tests/cli/docs.bats checks that they agree.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mare.h"

/* the definitions below, not err.h's analyzer wrappers */
#undef mare_err_set
#undef mare_err_sys

static const struct {
	enum mare_errc	code;
	int		status;
	const char	*name;
} codes[] = {
	{ MARE_E_OK,		0,  "ok" },
	{ MARE_E_FOUND,		1,  "found" },
	{ MARE_E_USAGE,		64, "usage" },
	{ MARE_E_DATA,		65, "data" },
	{ MARE_E_NOINPUT,	66, "noinput" },
	{ MARE_E_UNAVAILABLE,	69, "unavailable" },
	{ MARE_E_INTERNAL,	70, "internal" },
	{ MARE_E_NOMEM,		71, "nomem" },
	{ MARE_E_CANTCREAT,	73, "cantcreat" },
	{ MARE_E_IO,		74, "ioerr" },
	{ MARE_E_TEMPFAIL,	75, "tempfail" },
};

const char *
mare_version(void)
{
	return MARE_VERSION_STRING;
}

void
mare_err_init(struct mare_err *err)
{
	if (err == NULL)
		return;
	memset(err, 0, sizeof(*err));
}

/*
 * Messages and positions quote input (a token, a member name, jansson's
 * "near '...'"), and a command prints them as one line: a control byte
 * would break the line or reach the terminal as an escape sequence. Each
 * becomes '?', as ls -q shows unprintable names. Bytes >= 0x80 stay (UTF-8).
 */
static void
sanitize(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static int
vset(struct mare_err *err, enum mare_errc code, int errnum,
    const char *fmt, va_list ap)
{
	if (err == NULL || err->code != MARE_E_OK)
		return -1;
	err->code = code;
	err->sys_errno = errnum;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	sanitize(err->msg);
	return -1;
}

int
mare_err_set(struct mare_err *err, enum mare_errc code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(err, code, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int
mare_err_sys(struct mare_err *err, enum mare_errc code, const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;

	va_start(ap, fmt);
	vset(err, code, errnum, fmt, ap);
	va_end(ap);
	errno = errnum;
	return -1;
}

void
mare_err_at(struct mare_err *err, const char *src, unsigned long line,
    unsigned long col)
{
	if (err == NULL || err->where[0] != '\0' || src == NULL)
		return;
	if (line == 0)
		snprintf(err->where, sizeof(err->where), "%s", src);
	else if (col == 0)
		snprintf(err->where, sizeof(err->where), "%s:%lu", src, line);
	else
		snprintf(err->where, sizeof(err->where), "%s:%lu:%lu", src,
		    line, col);
	sanitize(err->where);
}

void
mare_err_at_offset(struct mare_err *err, const char *src,
    unsigned long long offset)
{
	if (err == NULL || err->where[0] != '\0' || src == NULL)
		return;
	snprintf(err->where, sizeof(err->where), "%s: offset %llu", src,
	    offset);
	sanitize(err->where);
}

int
mare_err_failed(const struct mare_err *err)
{
	return err != NULL && err->code != MARE_E_OK;
}

int
mare_err_exit_status(enum mare_errc code)
{
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == code)
			return codes[i].status;
	return 70;
}

const char *
mare_err_name(enum mare_errc code)
{
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == code)
			return codes[i].name;
	return "internal";
}

char *
mare_err_format(const struct mare_err *err, char *buf, size_t size)
{
	const char *msg = err->msg[0] != '\0' ? err->msg : "unknown error";

	if (err->where[0] != '\0' && err->sys_errno != 0)
		snprintf(buf, size, "%s: %s: %s", err->where, msg,
		    strerror(err->sys_errno));
	else if (err->where[0] != '\0')
		snprintf(buf, size, "%s: %s", err->where, msg);
	else if (err->sys_errno != 0)
		snprintf(buf, size, "%s: %s", msg, strerror(err->sys_errno));
	else
		snprintf(buf, size, "%s", msg);
	return buf;
}
