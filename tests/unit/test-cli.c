/*
 * test-cli.c - the commands' shared front-end layer: numbers, time, options
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tap.h"

static void
usage(FILE *fp)
{
	fputs("Usage:\n test-cli\n", fp);
}

int
main(int argc, char **argv)
{
	struct mare_cli_common common;
	struct mare_err err;
	unsigned long long u;
	double d;

	(void)argc;
	mare_cli_init(argv[0], usage, &common, &err);
	is_str(mare_cli_progname(), "test-cli", "cli: the program name is "
	    "argv[0]'s base name without libtool's lt- prefix");
	is_int((long long)common.seed, 1, "cli: the default seed is 1");
	is_int(common.progress, -1, "cli: progress defaults to auto");

	is_int(mare_cli_parse_ulong("seed", "42", 0, 100, &u, &err), 0,
	    "cli: a plain number parses");
	is_int((long long)u, 42, "cli: its value is kept");
	mare_err_init(&err);
	is_int(mare_cli_parse_ulong("seed", "4x", 0, 100, &u, &err), -1,
	    "cli: trailing garbage is refused");
	is_str(err.msg, "invalid --seed value '4x'", "cli: the message names "
	    "the option and the text");
	is_int(err.code, MARE_E_USAGE, "cli: a bad number is a usage error");
	mare_err_init(&err);
	ok(mare_cli_parse_ulong("seed", "-1", 0, 100, &u, &err) == -1,
	    "cli: a negative number is refused for an unsigned option");
	mare_err_init(&err);
	mare_cli_parse_ulong("threads", "2000", 1, 1024, &u, &err);
	is_str(err.msg, "invalid --threads value '2000': must be between 1 "
	    "and 1024", "cli: a number out of range says the range");
	mare_err_init(&err);
	ok(mare_cli_parse_ulong("seed", "99999999999999999999999", 0,
	    ~0ULL, &u, &err) == -1, "cli: an overflowing number is refused");

	mare_err_init(&err);
	is_int(mare_cli_parse_double("alpha", "0.25", 0, 1, &d, &err), 0,
	    "cli: a decimal parses");
	is_double(d, 0.25, 0, "cli: its value is exact");
	ok(mare_cli_parse_double("alpha", "nan", 0, 1, &d, &err) == -1,
	    "cli: NaN is refused");

	mare_err_init(&err);
	is_int(mare_cli_parse_size("max-line", "5M", 1, ~0ULL, &u, &err), 0,
	    "cli: a size with a suffix parses");
	is_int((long long)u, 5LL << 20, "cli: M means MiB");
	mare_cli_parse_size("max-line", "64KiB", 1, ~0ULL, &u, &err);
	is_int((long long)u, 64LL << 10, "cli: KiB is accepted");
	mare_err_init(&err);
	ok(mare_cli_parse_size("max-line", "5Q", 1, ~0ULL, &u, &err) == -1,
	    "cli: an unknown suffix is refused");

	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	is_int((long long)mare_cli_now(), 1700000000LL,
	    "cli: SOURCE_DATE_EPOCH sets the time");
	setenv("SOURCE_DATE_EPOCH", "garbage", 1);
	ok(mare_cli_now() > 1700000000, "cli: an invalid SOURCE_DATE_EPOCH "
	    "is ignored");
	unsetenv("SOURCE_DATE_EPOCH");

	mare_err_init(&err);
	is_int(mare_cli_common_option('q', NULL, &common, &err), 1,
	    "cli: -q is a shared option");
	ok(common.quiet, "cli: -q sets quiet");
	is_int(mare_cli_common_option(MARE_OPT_LOG_FORMAT, "json", &common,
	    &err), 1, "cli: --log-format json is accepted");
	is_int(common.log_format, MARE_CLI_LOG_JSON, "cli: json logs are on");
	is_int(mare_cli_common_option(MARE_OPT_LOG_FORMAT, "xml", &common,
	    &err), -1, "cli: --log-format xml is refused");
	is_int(mare_cli_common_option('Z', NULL, &common, &err), 0,
	    "cli: a command's own option is not consumed");
	return tap_done();
}
