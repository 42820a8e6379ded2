/*
 * tap.c - TAP output for the unit tests (see tap.h)
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

static int count, failed;
static char tmpdir[256];

static void
vresult(int pass, const char *fmt, va_list ap)
{
	count++;
	if (!pass)
		failed++;
	printf("%s %d - ", pass ? "ok" : "not ok", count);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

int
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vresult(cond, fmt, ap);
	va_end(ap);
	return cond;
}

int
is_int(long long got, long long want, const char *fmt, ...)
{
	va_list ap;
	int pass = got == want;

	va_start(ap, fmt);
	vresult(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#   got:  %lld\n#   want: %lld\n", got, want);
	return pass;
}

int
is_str(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	int pass = got != NULL && want != NULL ? strcmp(got, want) == 0 :
	    got == want;

	va_start(ap, fmt);
	vresult(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)",
		    want ? want : "(null)");
	return pass;
}

int
is_double(double got, double want, double tol, const char *fmt, ...)
{
	va_list ap;
	double scale = fabs(want) > 1 ? fabs(want) : 1;
	int pass = (isnan(got) && isnan(want)) ||
	    fabs(got - want) <= tol * scale;

	va_start(ap, fmt);
	vresult(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#   got:  %.17g\n#   want: %.17g (tol %g)\n", got, want,
		    tol);
	return pass;
}

int
like(const char *got, const char *want, const char *fmt, ...)
{
	va_list ap;
	int pass = got != NULL && strstr(got, want) != NULL;

	va_start(ap, fmt);
	vresult(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#   got:  '%s'\n#   want it to contain: '%s'\n",
		    got ? got : "(null)", want);
	return pass;
}

void
diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void
skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	count++;
	printf("ok %d - ", count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
}

/* Set with tmpdir: a forked child that calls exit() (so that its gcov
 * counts are written) must not remove its parent's folder. */
static pid_t tmpdir_owner;

static void
rm_tmpdir(void)
{
	char cmd[300];

	if (tmpdir[0] != '\0' && getpid() == tmpdir_owner) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
}

const char *
tap_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (tmpdir[0] == '\0') {
		snprintf(tmpdir, sizeof(tmpdir), "%s/mare-unit.XXXXXX",
		    base != NULL && *base != '\0' ? base : "/tmp");
		if (mkdtemp(tmpdir) == NULL) {
			perror("mkdtemp");
			abort();
		}
		tmpdir_owner = getpid();
		atexit(rm_tmpdir);
	}
	return tmpdir;
}

int
tap_done(void)
{
	printf("1..%d\n", count);
	return failed != 0;
}
