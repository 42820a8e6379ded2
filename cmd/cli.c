/*
 * cli.c - messages, shared options, progress and metrics for the commands
 *
 * The only file with mutable file-scope state: the program name, the log
 * format and verbosity, and the run's metrics, which every message and
 * the final report need and which are set once in mare_cli_init().
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#ifdef HAVE_SCHED_GETAFFINITY
#include <sched.h>
#endif
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "blas.h"
#include "cli.h"
#include "io.h"
#include "mare.h"

static const char *progname = "mare";
static void (*usage_fn)(FILE *);
static struct mare_cli_common *common_opts;
static struct mare_prom *metrics;
static struct timespec started;

const char *
mare_cli_progname(void)
{
	return progname;
}

static void
on_signal(int sig)
{
	mare_out_cleanup_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

void
mare_cli_init(const char *argv0, void (*usage)(FILE *fp),
    struct mare_cli_common *common, struct mare_err *err)
{
	const char *slash;
	struct sigaction sa;

	if (argv0 != NULL) {
		slash = strrchr(argv0, '/');
		progname = slash != NULL ? slash + 1 : argv0;
		/* libtool wrappers run the real binary as lt-NAME */
		if (strncmp(progname, "lt-", 3) == 0)
			progname += 3;
	}
	usage_fn = usage;
	memset(common, 0, sizeof(*common));
	common->seed = 1;
	common->progress = -1;
	common_opts = common;
	mare_err_init(err);
	clock_gettime(CLOCK_MONOTONIC, &started);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

struct mare_prom *
mare_cli_metrics(void)
{
	if (metrics == NULL)
		metrics = mare_prom_new(NULL);
	return metrics;
}

/* ------------------------------------------------------------------ */
/* Messages */

static void clear_bar(void);

static void
json_line(const char *level, const struct mare_err *err, const char *msg)
{
	json_t *o = json_object();
	char *s;

	if (o == NULL)
		return;
	json_object_set_new(o, "level", json_string(level));
	json_object_set_new(o, "prog", json_string(progname));
	if (err != NULL) {
		if (err->where[0] != '\0')
			json_object_set_new(o, "where",
			    json_string(err->where));
		json_object_set_new(o, "code",
		    json_string(mare_err_name(err->code)));
		json_object_set_new(o, "exit",
		    json_integer(mare_err_exit_status(err->code)));
		json_object_set_new(o, "msg", json_string(err->msg));
		if (err->sys_errno != 0)
			json_object_set_new(o, "errno",
			    json_string(strerror(err->sys_errno)));
	} else {
		/* A message with invalid UTF-8 becomes null, not a lost line. */
		json_object_set_new(o, "msg", json_string(msg));
	}
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s != NULL) {
		fprintf(stderr, "%s\n", s);
		free(s);
	}
	json_decref(o);
}

static int
json_logs(void)
{
	return common_opts != NULL &&
	    common_opts->log_format == MARE_CLI_LOG_JSON;
}

void
mare_cli_error(const struct mare_err *err)
{
	char line[1024];

	clear_bar();
	if (json_logs()) {
		json_line("error", err, NULL);
		return;
	}
	fprintf(stderr, "%s: %s\n", progname,
	    mare_err_format(err, line, sizeof(line)));
}

static void
vmessage(const char *level, const char *prefix, const char *fmt, va_list ap)
{
	char msg[1024];

	clear_bar();

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (json_logs())
		json_line(level, NULL, msg);
	else
		fprintf(stderr, "%s: %s%s\n", progname, prefix, msg);
}

void
mare_cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning", "warning: ", fmt, ap);
	va_end(ap);
}

void
mare_cli_note(const char *fmt, ...)
{
	va_list ap;

	if (common_opts != NULL && common_opts->quiet)
		return;
	va_start(ap, fmt);
	vmessage("info", "", fmt, ap);
	va_end(ap);
}

void
mare_cli_info(int level, const char *fmt, ...)
{
	va_list ap;

	if (common_opts == NULL || common_opts->quiet ||
	    common_opts->verbose < level)
		return;
	va_start(ap, fmt);
	vmessage(level > 1 ? "debug" : "info", "", fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* Numbers */

int
mare_cli_parse_ulong(const char *name, const char *text,
    unsigned long long min, unsigned long long max,
    unsigned long long *out, struct mare_err *err)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (text == NULL || *text == '\0' || *text == '-' || *text == '+' ||
	    *text == ' ')
		goto bad;
	v = strtoull(text, &end, 10);
	if (errno != 0 || *end != '\0')
		goto bad;
	if (v < min || v > max)
		return mare_err_set(err, MARE_E_USAGE,
		    "invalid --%s value '%s': must be between %llu and %llu",
		    name, text, min, max);
	*out = v;
	return 0;
bad:
	return mare_err_set(err, MARE_E_USAGE, "invalid --%s value '%s'", name,
	    text != NULL ? text : "");
}

int
mare_cli_parse_double(const char *name, const char *text, double min,
    double max, double *out, struct mare_err *err)
{
	double v;
	char *end;

	errno = 0;
	if (text == NULL || *text == '\0' || *text == ' ')
		goto bad;
	v = strtod(text, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		goto bad;
	if (v < min || v > max)
		return mare_err_set(err, MARE_E_USAGE,
		    "invalid --%s value '%s': must be between %g and %g", name,
		    text, min, max);
	*out = v;
	return 0;
bad:
	return mare_err_set(err, MARE_E_USAGE, "invalid --%s value '%s'", name,
	    text != NULL ? text : "");
}

int
mare_cli_parse_size(const char *name, const char *text,
    unsigned long long min, unsigned long long max,
    unsigned long long *out, struct mare_err *err)
{
	unsigned long long v, mult = 1;
	char *end;

	errno = 0;
	if (text == NULL || *text < '0' || *text > '9')
		goto bad;
	v = strtoull(text, &end, 10);
	if (errno != 0)
		goto bad;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		mult = 1ULL << 10;
		end++;
		break;
	case 'm': case 'M':
		mult = 1ULL << 20;
		end++;
		break;
	case 'g': case 'G':
		mult = 1ULL << 30;
		end++;
		break;
	default:
		goto bad;
	}
	if (*end == 'i' && mult > 1)
		end++;
	if ((*end == 'B' || *end == 'b') && mult > 1)
		end++;
	if (*end != '\0' || v > ULLONG_MAX / mult)
		goto bad;
	v *= mult;
	if (v < min || v > max)
		return mare_err_set(err, MARE_E_USAGE,
		    "invalid --%s value '%s': must be between %llu and %llu",
		    name, text, min, max);
	*out = v;
	return 0;
bad:
	return mare_err_set(err, MARE_E_USAGE, "invalid --%s value '%s'", name,
	    text != NULL ? text : "");
}

unsigned
mare_cli_processors(void)
{
	long n;
#ifdef HAVE_SCHED_GETAFFINITY
	cpu_set_t set;
	int c;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) == 0 &&
	    (c = CPU_COUNT(&set)) > 0)
		return (unsigned)c;
#endif
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 1 ? (unsigned)n : 1;
}

time_t
mare_cli_now(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	unsigned long long v;
	char *end;

	if (sde != NULL && *sde >= '0' && *sde <= '9') {
		errno = 0;
		v = strtoull(sde, &end, 10);
		if (errno == 0 && *end == '\0' && v <= (unsigned long long)
		    LLONG_MAX)
			return (time_t)v;
	}
	return time(NULL);
}

/* ------------------------------------------------------------------ */
/* Shared options */

int
mare_cli_common_option(int c, const char *arg, struct mare_cli_common *common,
    struct mare_err *err)
{
	unsigned long long v = 0;	/* set when the parse succeeds */

	switch (c) {
	case 'h':
		if (usage_fn != NULL)
			usage_fn(stdout);
		return 2;
	case 'o':
		common->output = arg;
		return 1;
	case 'q':
		common->quiet = 1;
		return 1;
	case 'v':
		common->verbose++;
		return 1;
	case 'V':
		printf("%s (mare) %s %s\n", progname, MARE_VERSION_STRING,
		    mare_version_details());
		return 2;
	case MARE_OPT_SEED:
		if (mare_cli_parse_ulong("seed", arg, 0, LLONG_MAX,
		    &common->seed, err) != 0)
			return -1;
		common->seed_set = 1;
		return 1;
	case MARE_OPT_THREADS:
		if (mare_cli_parse_ulong("threads", arg, 1, 1024, &v, err) != 0)
			return -1;
		common->threads = (int)v;
		if (common->threads == 1)
			mare_blas_one_thread();
		else
			mare_blas_set_threads(common->threads);
		return 1;
	case MARE_OPT_LOG_FORMAT:
		if (strcmp(arg, "text") == 0)
			common->log_format = MARE_CLI_LOG_TEXT;
		else if (strcmp(arg, "json") == 0)
			common->log_format = MARE_CLI_LOG_JSON;
		else
			return mare_err_set(err, MARE_E_USAGE,
			    "invalid --log-format value '%s': "
			    "expected text or json", arg);
		return 1;
	case MARE_OPT_PROGRESS:
		common->progress = 1;
		return 1;
	case MARE_OPT_NO_PROGRESS:
		common->progress = 0;
		return 1;
	case MARE_OPT_METRICS_FILE:
		common->metrics_file = arg;
		return 1;
	case '?':
		/* getopt_long has already said what was wrong. */
		return mare_err_set(err, MARE_E_USAGE, "%s", "");
	case ':':
		return mare_err_set(err, MARE_E_USAGE, "%s", "");
	default:
		return 0;
	}
}

/* ------------------------------------------------------------------ */
/* Finish */

static double
elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - started.tv_sec) +
	    (double)(now.tv_nsec - started.tv_nsec) / 1e9;
}

static void
write_metrics(int status)
{
	struct mare_err merr;
	char name[128], label[160], line[1024];
	const char *p;
	size_t i = 0;
	struct mare_prom *m;

	if (common_opts == NULL || common_opts->metrics_file == NULL)
		return;
	m = mare_cli_metrics();
	if (m == NULL)
		return;
	/* "mare-tensor" -> metric prefix "mare_tensor" */
	for (p = progname; *p != '\0' && i < sizeof(name) - 1; p++)
		name[i++] = (*p == '-') ? '_' : *p;
	name[i] = '\0';
	snprintf(label, sizeof(label), "command=\"%s\"", progname);
	mare_err_init(&merr);
	mare_prom_set(m, "mare_run_duration_seconds", MARE_PROM_GAUGE,
	    "wall-clock time of the last run", label, elapsed(), &merr);
	mare_prom_set(m, "mare_run_exit_status", MARE_PROM_GAUGE,
	    "exit status of the last run", label, status, &merr);
	mare_prom_set(m, "mare_run_last_timestamp_seconds", MARE_PROM_GAUGE,
	    "when the last run ended (unix time)", label,
	    (double)mare_cli_now(), &merr);
	if (mare_prom_save(m, common_opts->metrics_file, &merr) != 0)
		fprintf(stderr, "%s: %s\n", progname,
		    mare_err_format(&merr, line, sizeof(line)));
}

int
mare_cli_finish(int status, const struct mare_err *err)
{
	struct mare_err werr;

	if (status < 0)
		status = mare_err_exit_status(err != NULL ? err->code :
		    MARE_E_INTERNAL);
	if (status != 0 && err != NULL && err->code != MARE_E_OK &&
	    err->code != MARE_E_FOUND) {
		if (err->msg[0] != '\0')
			mare_cli_error(err);
		if (err->code == MARE_E_USAGE)
			fprintf(stderr, "Try '%s --help' for more "
			    "information.\n", progname);
	}
	/* A filter that could not write its output must not exit 0. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE && status == 0) {
			mare_err_init(&werr);
			mare_err_sys(&werr, MARE_E_IO, "write error");
			mare_cli_error(&werr);
			status = mare_err_exit_status(MARE_E_IO);
		}
	}
	if (fclose(stdout) != 0 && status == 0 && errno != EPIPE &&
	    errno != EBADF) {
		mare_err_init(&werr);
		mare_err_sys(&werr, MARE_E_IO, "write error");
		mare_cli_error(&werr);
		status = mare_err_exit_status(MARE_E_IO);
	}
	write_metrics(status);
	mare_prom_free(metrics);
	metrics = NULL;
	return status;
}

/* ------------------------------------------------------------------ */
/* Progress */

struct mare_cli_progress {
	char			label[64];
	char			unit[16];
	unsigned long long	total;
	unsigned long long	done;
	struct timespec		start, last;
	int			drawn;
};

/* The bar on screen, cleared before any message so lines never mix. */
static struct mare_cli_progress *active_bar;

static void
clear_bar(void)
{
	if (active_bar != NULL && active_bar->drawn) {
		fputs("\r\033[K", stderr);
		active_bar->drawn = 0;
	}
}

static double
since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

struct mare_cli_progress *
mare_cli_progress_new(const struct mare_cli_common *common, const char *label,
    unsigned long long total, const char *unit)
{
	struct mare_cli_progress *p;

	if (common->quiet || common->progress == 0)
		return NULL;
	if (common->progress < 0 && !isatty(STDERR_FILENO))
		return NULL;
	/* Never draw over data going to the same terminal (curl). */
	if (common->progress < 0 && common->output == NULL &&
	    isatty(STDOUT_FILENO))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	snprintf(p->label, sizeof(p->label), "%s", label);
	snprintf(p->unit, sizeof(p->unit), "%s", unit);
	p->total = total;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->last = p->start;
	active_bar = p;
	return p;
}

static void
human(double v, char *buf, size_t size)
{
	const char *sfx = "";

	if (v >= 1e9) {
		v /= 1e9;
		sfx = "G";
	} else if (v >= 1e6) {
		v /= 1e6;
		sfx = "M";
	} else if (v >= 1e3) {
		v /= 1e3;
		sfx = "k";
	}
	snprintf(buf, size, "%.1f%s", v, sfx);
}

static void
draw(struct mare_cli_progress *p, const struct timespec *now)
{
	double t = since(&p->start, now);
	double rate = t > 0 ? (double)p->done / t : 0;
	char done[32], r[32];

	human((double)p->done, done, sizeof(done));
	human(rate, r, sizeof(r));
	if (p->total > 0) {
		double frac = (double)p->done / (double)p->total;
		int width = 24, fill, i;
		char bar[32];

		if (frac > 1)
			frac = 1;
		fill = (int)(frac * width);
		for (i = 0; i < width; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[width] = '\0';
		if (rate > 0 && p->done < p->total) {
			double eta = (double)(p->total - p->done) / rate;

			fprintf(stderr, "\r%s [%s] %3.0f%% %s %s, %s/s, "
			    "ETA %02d:%02d ", p->label, bar, frac * 100, done,
			    p->unit, r, (int)(eta / 60), (int)eta % 60);
		} else {
			fprintf(stderr, "\r%s [%s] %3.0f%% %s %s, %s/s ",
			    p->label, bar, frac * 100, done, p->unit, r);
		}
	} else {
		fprintf(stderr, "\r%s %s %s, %s/s ", p->label, done, p->unit,
		    r);
	}
	p->drawn = 1;
}

void
mare_cli_progress_update(struct mare_cli_progress *p, unsigned long long done)
{
	struct timespec now;

	if (p == NULL)
		return;
	p->done = done;
	/* Reading the clock for every row would cost more than the row. */
	if ((done & 1023) != 0 && done != p->total)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (since(&p->last, &now) < 0.1)
		return;
	p->last = now;
	draw(p, &now);
}

void
mare_cli_progress_free(struct mare_cli_progress *p)
{
	if (p == NULL)
		return;
	if (p->drawn)
		fputs("\r\033[K", stderr);
	if (active_bar == p)
		active_bar = NULL;
	free(p);
}
