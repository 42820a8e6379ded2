/*
 * test-err.c - error codes, positions and exit statuses
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "mare.h"
#include "tap.h"

int
main(void)
{
	struct mare_err err;
	char buf[1024];

	mare_err_init(&err);
	ok(!mare_err_failed(&err), "err: a fresh error holds no failure");

	is_int(mare_err_set(&err, MARE_E_DATA, "decimalLatitude: expected a "
	    "number, got \"%s\"", "abc"), -1, "err: set returns -1");
	mare_err_at(&err, "occ.jsonl", 123, 0);
	is_str(mare_err_format(&err, buf, sizeof(buf)),
	    "occ.jsonl:123: decimalLatitude: expected a number, got \"abc\"",
	    "err: a data error formats as where: message");
	is_int(mare_err_exit_status(err.code), 65,
	    "err: a data error exits 65");

	mare_err_set(&err, MARE_E_IO, "second");
	is_str(err.msg, "decimalLatitude: expected a number, got \"abc\"",
	    "err: the first error wins over a later one");
	mare_err_at(&err, "other.jsonl", 9, 2);
	is_str(err.where, "occ.jsonl:123",
	    "err: an outer position does not replace the inner one");

	mare_err_init(&err);
	errno = ENOENT;
	mare_err_sys(&err, MARE_E_NOINPUT, "'%s'", "nope.jsonl");
	is_str(mare_err_format(&err, buf, sizeof(buf)),
	    "'nope.jsonl': No such file or directory",
	    "err: a system error appends strerror");
	is_int(mare_err_exit_status(err.code), 66,
	    "err: a missing input exits 66");

	mare_err_init(&err);
	mare_err_set(&err, MARE_E_DATA, "bad magic");
	mare_err_at_offset(&err, "x.tensor", 4096);
	is_str(mare_err_format(&err, buf, sizeof(buf)),
	    "x.tensor: offset 4096: bad magic",
	    "err: a binary position is a byte offset");

	mare_err_init(&err);
	mare_err_set(&err, MARE_E_DATA, "col");
	mare_err_at(&err, "layers/sst.asc", 17, 4);
	is_str(err.where, "layers/sst.asc:17:4",
	    "err: line and column both shown");

	is_int(mare_err_set(NULL, MARE_E_DATA, "x"), -1,
	    "err: a NULL error is accepted and still returns -1");

	is_int(mare_err_exit_status(MARE_E_OK), 0, "err: ok exits 0");
	is_int(mare_err_exit_status(MARE_E_FOUND), 1, "err: found exits 1");
	is_int(mare_err_exit_status(MARE_E_USAGE), 64, "err: usage exits 64");
	is_int(mare_err_exit_status(MARE_E_UNAVAILABLE), 69,
	    "err: unavailable exits 69");
	is_int(mare_err_exit_status(MARE_E_INTERNAL), 70,
	    "err: internal exits 70");
	is_int(mare_err_exit_status(MARE_E_NOMEM), 71,
	    "err: out of memory exits 71");
	is_int(mare_err_exit_status(MARE_E_CANTCREAT), 73,
	    "err: cannot create exits 73");
	is_int(mare_err_exit_status(MARE_E_IO), 74, "err: I/O error exits 74");
	is_int(mare_err_exit_status(MARE_E_TEMPFAIL), 75,
	    "err: temporary failure exits 75");
	is_str(mare_err_name(MARE_E_TEMPFAIL), "tempfail",
	    "err: codes have names for JSON logs");

	/* found by fuzz-grid, fuzz-jsonl, fuzz-dwca: quoted input bytes */
	mare_err_init(&err);
	mare_err_set(&err, MARE_E_DATA, "expected a number, got '%s'",
	    "42\n\x1b[2J\r\x7f\xc3\xa9");
	is_str(err.msg, "expected a number, got '42??[2J??\xc3\xa9'",
	    "err: control bytes of quoted input become '?', UTF-8 stays");
	mare_err_at(&err, "a\nb.asc", 3, 0);
	is_str(err.where, "a?b.asc:3",
	    "err: a control byte in a position becomes '?'");
	mare_err_init(&err);
	mare_err_at_offset(&err, "x.zip!m\tm.csv", 7);
	is_str(err.where, "x.zip!m?m.csv: offset 7",
	    "err: a control byte in an offset position becomes '?'");
	return tap_done();
}
