/*
 * tap.h - a small Test Anything Protocol producer for the unit tests
 *
 * Each test program calls the checks below and ends with
 * `return tap_done();`, which prints the plan ("1..N") and returns non-zero
 * when a check failed. Names read as sentences:
 * ok(x == 3, "jsonl: a line over the limit is a data error at line 3").
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_TAP_H
#define MARE_TAP_H

int	ok(int cond, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	is_int(long long got, long long want, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	is_str(const char *got, const char *want, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Passes when |got - want| <= tol * max(1, |want|). */
int	is_double(double got, double want, double tol, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
/* Passes when got contains want. */
int	like(const char *got, const char *want, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	skip(const char *why, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	tap_done(void);
/* A fresh temporary folder for this test program, removed at exit. */
const char *tap_tmpdir(void);

#endif /* MARE_TAP_H */
