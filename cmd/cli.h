/*
 * cli.h - the front-end layer shared by every mare-NAME command
 *
 * This is the only code that writes to stderr. It lives beside the commands
 * (built as the convenience library cmd/libmarecli.la, never installed), so
 * that libmare itself never prints. It still never calls exit(): main()
 * returns the status that mare_cli_finish() computes.
 *
 * A command's main() looks like:
 *
 *	struct mare_cli_common common;
 *	struct mare_err err;
 *	mare_cli_init(argv[0], usage, &common, &err);
 *	... getopt_long with MARE_CLI_COMMON_SHORTOPTS and
 *	    MARE_CLI_COMMON_LONGOPTS; default: r = mare_cli_common_option()
 *	    (r == 2: --help or --version was handled, return 0) ...
 *	status = run(...);
 *	return mare_cli_finish(status, &err);
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_CLI_H
#define MARE_CLI_H

#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "err.h"
#include "prom.h"

enum mare_cli_log_format {
	MARE_CLI_LOG_TEXT = 0,
	MARE_CLI_LOG_JSON
};

/* The options every command shares, with their defaults after init. */
struct mare_cli_common {
	const char	*output;	/* -o; NULL = stdout */
	int		 quiet;		/* -q */
	int		 verbose;	/* -v, repeatable */
	unsigned long long seed;	/* --seed; default 1 */
	int		 seed_set;
	int		 threads;	/* --threads; 0 = library default */
	enum mare_cli_log_format log_format;
	int		 progress;	/* -1 auto (stderr is a tty), 0, 1 */
	const char	*metrics_file;	/* --metrics-file */
};

/* Long-only option values; a command numbers its own from MARE_OPT_CMD. */
enum {
	MARE_OPT_SEED = 0x1000,
	MARE_OPT_THREADS,
	MARE_OPT_LOG_FORMAT,
	MARE_OPT_PROGRESS,
	MARE_OPT_NO_PROGRESS,
	MARE_OPT_METRICS_FILE,
	MARE_OPT_CMD = 0x1100
};

#define MARE_CLI_COMMON_SHORTOPTS "ho:qvV"
#define MARE_CLI_COMMON_LONGOPTS \
	{ "help",		no_argument,	   NULL, 'h' }, \
	{ "log-format",		required_argument, NULL, MARE_OPT_LOG_FORMAT }, \
	{ "metrics-file",	required_argument, NULL, MARE_OPT_METRICS_FILE }, \
	{ "no-progress",	no_argument,	   NULL, MARE_OPT_NO_PROGRESS }, \
	{ "output",		required_argument, NULL, 'o' }, \
	{ "progress",		no_argument,	   NULL, MARE_OPT_PROGRESS }, \
	{ "quiet",		no_argument,	   NULL, 'q' }, \
	{ "seed",		required_argument, NULL, MARE_OPT_SEED }, \
	{ "threads",		required_argument, NULL, MARE_OPT_THREADS }, \
	{ "verbose",		no_argument,	   NULL, 'v' }, \
	{ "version",		no_argument,	   NULL, 'V' }

/*
 * The help lines of the shared options, in the layout of every command's
 * usage (util-linux): a command prints its own options, then these.
 */
#define MARE_CLI_COMMON_HELP \
" -o, --output <file>      write to <file> atomically (default: stdout)\n" \
" -q, --quiet              print only errors\n" \
" -v, --verbose            say more on stderr (repeatable)\n" \
"     --seed <n>           seed for every random choice (default: 1)\n" \
"     --threads <n>        OpenBLAS threads (default: all cores)\n" \
"     --log-format <fmt>   messages on stderr as text or json\n" \
"     --progress           show a progress bar even when stderr is not a tty\n" \
"     --no-progress        never show a progress bar\n" \
"     --metrics-file <file>  write counters and timings in Prometheus format\n" \
" -h, --help               display this help\n" \
" -V, --version            display version and library versions\n"

/* Lifecycle */

/*
 * Set the program name from argv0, fill common with defaults, install
 * SIGINT/SIGTERM/SIGHUP handlers that remove temporary output files, and
 * remember usage() for --help. usage writes the whole help to fp.
 */
void	mare_cli_init(const char *argv0, void (*usage)(FILE *fp),
	    struct mare_cli_common *common, struct mare_err *err);

/*
 * Handle one of the shared options. Returns 1 when it consumed c, 2 when
 * c was --help or --version and the program should now return 0, 0 when c
 * is not a shared option, -1 on a bad value (MARE_E_USAGE in err).
 * For c == '?' (getopt's unknown option) it sets a usage error.
 */
int	mare_cli_common_option(int c, const char *arg,
	    struct mare_cli_common *common, struct mare_err *err);

/*
 * Report err when status is not 0 (one line, and "Try 'PROG --help'" for
 * usage errors), check that stdout was written and closed without error,
 * write --metrics-file, and return the exit status to give main().
 * status is 0 for success, MARE_E_FOUND's status for "found", or -1 to use
 * err's code.
 */
int	mare_cli_finish(int status, const struct mare_err *err);

/* Messages (all on stderr, all one line) */

const char *mare_cli_progname(void);
void	mare_cli_error(const struct mare_err *err);
void	mare_cli_warn(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* Shown unless -q. */
void	mare_cli_note(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
/* Shown with -v (level 1) or -vv (level 2). */
void	mare_cli_info(int level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Argument parsing */

/* Whole-string unsigned number within [min, max]; "invalid --N value 'x'". */
int	mare_cli_parse_ulong(const char *name, const char *text,
	    unsigned long long min, unsigned long long max,
	    unsigned long long *out, struct mare_err *err);
int	mare_cli_parse_double(const char *name, const char *text,
	    double min, double max, double *out, struct mare_err *err);
/* A byte size with an optional K, M or G suffix (powers of 1024). */
int	mare_cli_parse_size(const char *name, const char *text,
	    unsigned long long min, unsigned long long max,
	    unsigned long long *out, struct mare_err *err);

/* Time: SOURCE_DATE_EPOCH when set and valid, else the clock. */
time_t	mare_cli_now(void);

/*
 * The processors this process may run on: its CPU affinity (what SLURM,
 * taskset or a container's cpuset gives it), else every online one; at
 * least 1. The default thread count of the commands.
 */
unsigned mare_cli_processors(void);

/* The process-wide metrics that --metrics-file writes at finish. */
struct mare_prom *mare_cli_metrics(void);

/* Progress bar on stderr, only when enabled and (by default) a tty. */

struct mare_cli_progress;

/* total 0 means unknown (no percentage or ETA). unit: "rows", "bytes". */
struct mare_cli_progress *mare_cli_progress_new(
	    const struct mare_cli_common *common, const char *label,
	    unsigned long long total, const char *unit);
/* Cheap to call per item: redraws at most ten times a second. */
void	mare_cli_progress_update(struct mare_cli_progress *p,
	    unsigned long long done);
/* Clear the bar and free it. NULL is a no-op. */
void	mare_cli_progress_free(struct mare_cli_progress *p);

#endif /* MARE_CLI_H */
