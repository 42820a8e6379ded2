/*
 * test-cli.c - the commands' shared front-end layer: numbers, time, options
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#ifdef HAVE_SCHED_GETAFFINITY
#include <sched.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tap.h"

static void
usage(FILE *fp)
{
	fputs("Usage:\n test-cli\n", fp);
}

/* What the messages look like on stderr, as text and as JSON lines */
static void
test_messages(struct mare_cli_common *common)
{
	char path[600], buf[2048];
	struct mare_err err;
	FILE *fp;
	size_t n;
	int saved;

	snprintf(path, sizeof(path), "%s/stderr", tap_tmpdir());
	fflush(stderr);
	saved = dup(2);
	if ((fp = fopen(path, "w")) == NULL || saved < 0 ||
	    dup2(fileno(fp), 2) < 0) {
		ok(0, "cli: stderr redirected");
		return;
	}
	mare_err_init(&err);
	mare_err_set(&err, MARE_E_DATA, "decimalLatitude: expected a number");
	mare_err_at(&err, "occ.jsonl", 3, 0);
	common->log_format = MARE_CLI_LOG_TEXT;
	common->quiet = 0;
	common->verbose = 2;
	mare_cli_error(&err);
	common->log_format = MARE_CLI_LOG_JSON;
	mare_cli_error(&err);
	mare_err_init(&err);
	errno = ENOENT;
	mare_err_sys(&err, MARE_E_NOINPUT, "'x.jsonl'");
	mare_cli_error(&err);
	mare_cli_warn("%d records without a date", 3);
	mare_cli_note("wrote %s", "m.json");
	mare_cli_info(2, "iteration %d", 7);
	mare_cli_info(3, "not shown at -vv");
	common->quiet = 1;
	mare_cli_note("not shown when quiet");
	common->quiet = 0;
	common->verbose = 0;
	common->log_format = MARE_CLI_LOG_TEXT;
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	fclose(fp);
	fp = fopen(path, "r");
	n = fp != NULL ? fread(buf, 1, sizeof(buf) - 1, fp) : 0;
	buf[n] = '\0';
	if (fp != NULL)
		fclose(fp);
	is_str(buf,
	    "test-cli: occ.jsonl:3: decimalLatitude: expected a number\n"
	    "{\"level\":\"error\",\"prog\":\"test-cli\",\"where\":"
	    "\"occ.jsonl:3\",\"code\":\"data\",\"exit\":65,\"msg\":"
	    "\"decimalLatitude: expected a number\"}\n"
	    "{\"level\":\"error\",\"prog\":\"test-cli\",\"code\":\"noinput\","
	    "\"exit\":66,\"msg\":\"'x.jsonl'\",\"errno\":\"No such file or "
	    "directory\"}\n"
	    "{\"level\":\"warning\",\"prog\":\"test-cli\",\"msg\":\"3 records "
	    "without a date\"}\n"
	    "{\"level\":\"info\",\"prog\":\"test-cli\",\"msg\":\"wrote "
	    "m.json\"}\n"
	    "{\"level\":\"debug\",\"prog\":\"test-cli\",\"msg\":\"iteration "
	    "7\"}\n",
	    "cli: a text error line, then JSON lines for an error with and "
	    "without errno, a warning, a note and a -vv message; quiet and "
	    "too verbose ones left out");
}

/* The default thread count follows the CPU affinity (SLURM, taskset). */
static void
test_processors(void)
{
#ifdef HAVE_SCHED_GETAFFINITY
	cpu_set_t all, one;
	int first;

	ok(mare_cli_processors() >= 1, "cli: at least one processor");
	if (sched_getaffinity(0, sizeof(all), &all) != 0) {
		skip("sched_getaffinity failed", "cli: processors by affinity");
		return;
	}
	is_int(mare_cli_processors(), CPU_COUNT(&all), "cli: the processors "
	    "are those of the affinity mask (%d)", CPU_COUNT(&all));
	for (first = 0; first < CPU_SETSIZE && !CPU_ISSET(first, &all);
	    first++)
		;
	CPU_ZERO(&one);
	CPU_SET(first, &one);
	if (first == CPU_SETSIZE || sched_setaffinity(0, sizeof(one),
	    &one) != 0) {
		skip("sched_setaffinity failed", "cli: one allowed processor");
		return;
	}
	is_int(mare_cli_processors(), 1, "cli: bound to one processor (as "
	    "taskset -c or a one-CPU SLURM task), the default is 1 thread");
	(void)sched_setaffinity(0, sizeof(all), &all);
#else
	ok(mare_cli_processors() >= 1, "cli: at least one processor");
#endif
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

	test_processors();

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

	mare_err_init(&err);
	is_int(mare_cli_parse_size("max-line", "2GiB", 1, ~0ULL, &u, &err), 0,
	    "cli: GiB is accepted");
	is_int((long long)u, 2LL << 30, "cli: G means GiB");
	mare_err_init(&err);
	ok(mare_cli_parse_size("max-line", "20000000000G", 1, ~0ULL, &u,
	    &err) == -1 && strcmp(err.msg, "invalid --max-line value "
	    "'20000000000G'") == 0, "cli: a size that overflows 64 bits is "
	    "refused");
	mare_err_init(&err);
	ok(mare_cli_parse_size("max-line", "2K", 4096, ~0ULL, &u, &err) ==
	    -1 && strcmp(err.msg, "invalid --max-line value '2K': must be "
	    "between 4096 and 18446744073709551615") == 0,
	    "cli: a size below the minimum says the range");
	mare_err_init(&err);
	ok(mare_cli_parse_size("max-line", "x", 1, 2, &u, &err) == -1,
	    "cli: a size that is not a number is refused");
	mare_err_init(&err);
	ok(mare_cli_parse_double("alpha", " 1", 0, 1, &d, &err) == -1 &&
	    strcmp(err.msg, "invalid --alpha value ' 1'") == 0,
	    "cli: a decimal with a leading space is refused");
	mare_err_init(&err);
	ok(mare_cli_parse_double("alpha", "1.5", 0, 1, &d, &err) == -1 &&
	    strcmp(err.msg, "invalid --alpha value '1.5': must be between 0 "
	    "and 1") == 0, "cli: a decimal out of range says the range");
	test_messages(&common);
	return tap_done();
}
