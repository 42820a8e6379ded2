/*
 * mare-tensor - inspect, verify and convert mare-tensor(5) streams
 *
 * The cat and jq of tensors: one subcommand per job (info, head, cat,
 * verify, and conversions to and from .npy and JSON Lines). Every
 * subcommand streams: memory holds one block of rows, never the tensor.
 * to-npy is the one exception on disk, not in memory: .npy needs the row
 * count before the data, so the rows are first spooled into an unlinked
 * temporary file in the output's folder ($TMPDIR or /tmp for standard
 * output) and copied behind the header once counted.
 *
 * The formats live in lib/ (tensor.c, npy.c, jsonl.c); this file only
 * wires them together and reports.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <float.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "io.h"
#include "jsonl.h"
#include "mare.h"
#include "npy.h"
#include "tensor.h"

#define BLOCK_BYTES	(256U << 10)	/* rows read at a time, about */

enum sub {
	SUB_NONE, SUB_INFO, SUB_HEAD, SUB_CAT, SUB_VERIFY, SUB_TO_NPY,
	SUB_FROM_NPY, SUB_TO_JSONL, SUB_FROM_JSONL
};

static const char *const subnames[] = {
	NULL, "info", "head", "cat", "verify", "to-npy", "from-npy",
	"to-jsonl", "from-jsonl"
};

/* Which subcommands an option applies to (bits of enum sub). */
#define ONLY(s)		(1U << (s))

enum {
	OPT_COLUMNS = MARE_OPT_CMD,
	OPT_DTYPE,
	OPT_JSON,
	OPT_MAX_LINE
};

struct opts {
	struct mare_cli_common common;
	enum sub	 sub;
	const char	*input;		/* NULL: stdin */
	int		 json;		/* info --json */
	unsigned long long head_rows;	/* head -n */
	char		**columns;	/* --columns, split */
	size_t		 ncolumns;
	char		*columns_buf;
	enum mare_tensor_dtype dtype;	/* from-jsonl --dtype */
	const char	*reject;	/* from-jsonl --reject */
	unsigned long long max_line;	/* from-jsonl --max-line */
};

static void
usage(FILE *fp)
{
	fputs("Usage:\n"
" mare-tensor info [--json] [<file>]\n"
" mare-tensor head [-n <rows>] [<file>]\n"
" mare-tensor cat [<file>]\n"
" mare-tensor verify [<file>]\n"
" mare-tensor to-npy [<file>]\n"
" mare-tensor from-npy [--columns <names>] [<file>]\n"
" mare-tensor to-jsonl [<file>]\n"
" mare-tensor from-jsonl --columns <names> [--dtype <type>]\n"
"             [-R <file>] [--max-line <size>] [<file>]\n"
"\n"
"Inspect, verify and convert mare-tensor(5) streams of float rows.\n"
"\n"
"Subcommands:\n"
" info        header, row count and per-column statistics\n"
" head        the first rows as a table\n"
" cat         copy a tensor, checking every checksum\n"
" verify      check every checksum and the end record\n"
" to-npy      write a .npy array (rows x columns)\n"
" from-npy    read a 2-D (or 1-D) float .npy array\n"
" to-jsonl    one JSON object per row (NaN becomes null)\n"
" from-jsonl  JSON Lines records to rows of the named numeric keys\n"
"\n"
"Options:\n"
"     --columns <names>    comma-separated column names (from-npy, from-jsonl)\n"
"     --dtype <type>       f4 or f8: the tensor's dtype (from-jsonl; default: f4)\n"
"     --json               print info as a JSON object\n"
"     --max-line <size>    longest JSON line accepted (default: 1M)\n"
" -n, --rows <n>           rows that head prints (default: 10)\n"
" -R, --reject <file>      write unusable records with reasons to <file>\n"
	    MARE_CLI_COMMON_HELP
"\n"
"See mare-tensor(1).\n", fp);
}

static const struct option longopts[] = {
	{ "columns",	required_argument, NULL, OPT_COLUMNS },
	{ "dtype",	required_argument, NULL, OPT_DTYPE },
	{ "json",	no_argument,	   NULL, OPT_JSON },
	{ "max-line",	required_argument, NULL, OPT_MAX_LINE },
	{ "reject",	required_argument, NULL, 'R' },
	{ "rows",	required_argument, NULL, 'n' },
	MARE_CLI_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static int
split_columns(struct opts *o, const char *text, struct mare_err *err)
{
	const char *t;
	char *p;
	size_t n = 1, i = 0;

	for (t = text; *t != '\0'; t++)
		if (*t == ',')
			n++;
	o->columns_buf = strdup(text);
	o->columns = calloc(n, sizeof(*o->columns));
	if (o->columns_buf == NULL || o->columns == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	o->columns[i++] = o->columns_buf;
	for (p = o->columns_buf; *p != '\0'; p++)
		if (*p == ',') {
			*p = '\0';
			o->columns[i++] = p + 1;
		}
	o->ncolumns = n;
	return 0;
}

static int
parse_args(int argc, char **argv, struct opts *o, struct mare_err *err)
{
	unsigned used = 0, allowed;
	int c, r, i;

	o->head_rows = 10;
	o->dtype = MARE_TENSOR_F32;
	while ((c = getopt_long(argc, argv, MARE_CLI_COMMON_SHORTOPTS "n:R:",
	    longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (mare_cli_parse_ulong("rows", optarg, 0,
			    1ULL << 40, &o->head_rows, err) != 0)
				return -1;
			used |= ONLY(SUB_HEAD);
			break;
		case 'R':
			o->reject = optarg;
			used |= ONLY(SUB_FROM_JSONL);
			break;
		case OPT_COLUMNS:
			free(o->columns);
			free(o->columns_buf);
			if (split_columns(o, optarg, err) != 0)
				return -1;
			used |= ONLY(SUB_FROM_NPY);
			break;
		case OPT_DTYPE:
			if (strcmp(optarg, "f4") == 0)
				o->dtype = MARE_TENSOR_F32;
			else if (strcmp(optarg, "f8") == 0)
				o->dtype = MARE_TENSOR_F64;
			else
				return mare_err_set(err, MARE_E_USAGE,
				    "invalid --dtype value '%s': expected f4 "
				    "or f8", optarg);
			used |= ONLY(SUB_FROM_JSONL);
			break;
		case OPT_JSON:
			o->json = 1;
			used |= ONLY(SUB_INFO);
			break;
		case OPT_MAX_LINE:
			if (mare_cli_parse_size("max-line", optarg, 1,
			    1ULL << 30, &o->max_line, err) != 0)
				return -1;
			used |= ONLY(SUB_FROM_JSONL);
			break;
		default:
			r = mare_cli_common_option(c, optarg, &o->common, err);
			if (r == 2)
				return -2;
			if (r < 0)
				return -1;
			break;
		}
	}
	if (optind >= argc)
		return mare_err_set(err, MARE_E_USAGE, "no subcommand given");
	for (i = 1; i <= SUB_FROM_JSONL; i++)
		if (strcmp(argv[optind], subnames[i]) == 0)
			o->sub = (enum sub)i;
	if (o->sub == SUB_NONE)
		return mare_err_set(err, MARE_E_USAGE, "unknown subcommand "
		    "'%s'", argv[optind]);
	optind++;
	if (optind < argc)
		o->input = argv[optind++];
	if (optind < argc)
		return mare_err_set(err, MARE_E_USAGE, "%s takes one input "
		    "file, got '%s' too", subnames[o->sub], argv[optind]);
	/* Options meant for another subcommand are a mistake, not noise. */
	allowed = ONLY(o->sub);
	if (o->sub == SUB_FROM_JSONL && (used & ONLY(SUB_FROM_NPY)))
		used = (used & ~ONLY(SUB_FROM_NPY)) | ONLY(SUB_FROM_JSONL);
	if ((used & ~allowed) != 0)
		return mare_err_set(err, MARE_E_USAGE, "an option given does "
		    "not apply to '%s' (see --help)", subnames[o->sub]);
	if (o->sub == SUB_FROM_JSONL && o->columns == NULL)
		return mare_err_set(err, MARE_E_USAGE,
		    "from-jsonl needs --columns");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Shared plumbing */

struct io {
	FILE		*in;
	const char	*in_name;
	struct mare_out	*out;
	struct mare_out	*rej;
	struct mare_tensor_reader *r;
	struct mare_tensor_writer *w;
	void		*buf;
	size_t		 block;		/* rows per read */
	size_t		 bufsize;	/* bytes of buf */
	struct mare_cli_progress *prog;	/* bytes of input read */
	unsigned long long rejected;
};

/* Show how far through the input we are (a no-op without a bar). */
static void
progress(struct io *io)
{
	off_t pos;

	if (io->prog == NULL)
		return;
	pos = ftello(io->in);
	if (pos >= 0)
		mare_cli_progress_update(io->prog, (unsigned long long)pos);
}

/* Rows per read for rows of rowbytes bytes, at least 1. */
static size_t
block_rows(size_t rowbytes)
{
	size_t n = BLOCK_BYTES / rowbytes;

	return n > 0 ? n : 1;
}

static int
open_reader(struct io *io, struct mare_err *err)
{
	const struct mare_tensor_info *info;

	io->r = mare_tensor_reader_new(io->in, io->in_name, err);
	if (io->r == NULL)
		return -1;
	info = mare_tensor_reader_info(io->r);
	io->block = block_rows(info->ncols * sizeof(double));
	io->bufsize = io->block * info->ncols * sizeof(double);
	io->buf = malloc(io->bufsize);
	if (io->buf == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return 0;
}

static int
binary_out_ok(const struct opts *o, struct mare_err *err)
{
	if (mare_io_is_stdio(o->common.output) && isatty(STDOUT_FILENO))
		return mare_err_set(err, MARE_E_USAGE, "refusing to write a "
		    "binary %s to a terminal (use -o or a pipe)",
		    o->sub == SUB_TO_NPY ? ".npy" : "tensor");
	return 0;
}

static int
out_puts(struct io *io, const char *s, struct mare_err *err)
{
	if (fputs(s, mare_out_file(io->out)) == EOF)
		return mare_err_sys(err, MARE_E_IO, "cannot write '%s'",
		    mare_out_name(io->out));
	return 0;
}

/* A number as table or JSON text: shortest round-trip, "nan" in text. */
static void
num_text(double v, enum mare_tensor_dtype dtype, char *buf, size_t size)
{
	if (dtype == MARE_TENSOR_F32)
		mare_tensor_ftoa((float)v, buf, size);
	else if (mare_jsonl_dtoa(v, buf, size) < 0)
		snprintf(buf, size, "%s", isnan(v) ? "nan" : v < 0 ? "-inf" :
		    "inf");
}

/* ------------------------------------------------------------------ */
/* info, head, verify, cat */

static int
run_info(const struct opts *o, struct io *io, struct mare_err *err)
{
	const struct mare_tensor_info *info;
	struct mare_tensor_stats *st;
	json_t *root, *arr, *s;
	char line[1024], a[4][40];
	size_t n, k, w = 6;
	int rc;

	if (open_reader(io, err) != 0)
		return -1;
	info = mare_tensor_reader_info(io->r);
	st = calloc(info->ncols, sizeof(*st));
	if (st == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	while ((rc = mare_tensor_read_f64(io->r, io->buf, io->block, &n,
	    err)) == 1)
		mare_tensor_stats_add(st, info->ncols, io->buf, n);
	if (rc < 0)
		goto out;
	rc = -1;
	if (o->json) {
		root = json_pack("{s:s, s:s, s:s, s:I, s:I}", "file",
		    io->in_name, "version", "", "dtype",
		    mare_tensor_dtype_name(info->dtype), "rows",
		    (json_int_t)mare_tensor_reader_rows(io->r), "chunks",
		    (json_int_t)mare_tensor_reader_chunks(io->r));
		if (root == NULL)
			goto nomem;
		snprintf(line, sizeof(line), "%d.%d", info->major, info->minor);
		json_object_set_new(root, "version", json_string(line));
		json_object_set_new(root, "spec_sha256", info->spec_sha256 ?
		    json_string(info->spec_sha256) : json_null());
		json_object_set_new(root, "meta", json_deep_copy(info->meta));
		arr = json_array();
		json_object_set_new(root, "columns", arr);
		for (k = 0; k < info->ncols; k++) {
			double sd = mare_tensor_stats_sd(&st[k]);
			int any = st[k].count > 0;

			s = json_pack("{s:s, s:I, s:I}", "name",
			    info->columns[k], "count", (json_int_t)st[k].count,
			    "nan", (json_int_t)st[k].nan);
			json_object_set_new(s, "min", any && isfinite(st[k].min)
			    ? json_real(st[k].min) : json_null());
			json_object_set_new(s, "mean", any &&
			    isfinite(st[k].mean) ? json_real(st[k].mean) :
			    json_null());
			json_object_set_new(s, "sd", isfinite(sd) ?
			    json_real(sd) : json_null());
			json_object_set_new(s, "max", any && isfinite(st[k].max)
			    ? json_real(st[k].max) : json_null());
			json_array_append_new(arr, s);
		}
		rc = mare_jsonl_write(mare_out_file(io->out), root, err);
		json_decref(root);
		goto out;
	}
	snprintf(line, sizeof(line), "file:     %s\nformat:   mare-tensor "
	    "%d.%d\ndtype:    %s\nrows:     %llu\nchunks:   %llu\n"
	    "columns:  %zu\nspec:     %s\n", io->in_name, info->major,
	    info->minor, mare_tensor_dtype_name(info->dtype),
	    mare_tensor_reader_rows(io->r), mare_tensor_reader_chunks(io->r),
	    info->ncols, info->spec_sha256 ? info->spec_sha256 : "-");
	if (out_puts(io, line, err) != 0)
		goto out;
	{
		char *m = json_dumps(info->meta, JSON_COMPACT |
		    JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);

		if (m == NULL)
			goto nomem;
		fprintf(mare_out_file(io->out), "meta:     %s\n\n", m);
		free(m);
	}
	for (k = 0; k < info->ncols; k++)
		if (strlen(info->columns[k]) > w)
			w = strlen(info->columns[k]);
	fprintf(mare_out_file(io->out), "%-*s %10s %6s %14s %14s %14s %14s\n",
	    (int)w, "column", "count", "nan", "min", "mean", "sd", "max");
	for (k = 0; k < info->ncols; k++) {
		snprintf(a[0], sizeof(a[0]), "%.7g", st[k].count ? st[k].min :
		    NAN);
		snprintf(a[1], sizeof(a[1]), "%.7g", st[k].count ? st[k].mean :
		    NAN);
		snprintf(a[2], sizeof(a[2]), "%.7g",
		    mare_tensor_stats_sd(&st[k]));
		snprintf(a[3], sizeof(a[3]), "%.7g", st[k].count ? st[k].max :
		    NAN);
		fprintf(mare_out_file(io->out),
		    "%-*s %10llu %6llu %14s %14s %14s %14s\n", (int)w,
		    info->columns[k], st[k].count, st[k].nan, a[0], a[1], a[2],
		    a[3]);
	}
	rc = 0;
	goto out;
nomem:
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
out:
	free(st);
	return rc < 0 ? -1 : 0;
}

static int
run_head(const struct opts *o, struct io *io, struct mare_err *err)
{
	const struct mare_tensor_info *info;
	unsigned long long left = o->head_rows;
	FILE *fp = mare_out_file(io->out);
	size_t n, i, k, *width = NULL;
	char t[40];
	double *v;
	int rc, first = 1;

	if (open_reader(io, err) != 0)
		return -1;
	info = mare_tensor_reader_info(io->r);
	v = io->buf;
	width = calloc(info->ncols, sizeof(*width));
	if (width == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	/* Widths come from the names and the first block of rows. */
	for (;;) {
		if (left == 0) {
			rc = 0;
			if (!first)
				break;
			n = 0;
		} else {
			rc = mare_tensor_read_f64(io->r, v, left < io->block ?
			    (size_t)left : io->block, &n, err);
			if (rc < 0)
				break;
		}
		if (first) {
			for (k = 0; k < info->ncols; k++) {
				width[k] = strlen(info->columns[k]);
				for (i = 0; i < n; i++) {
					num_text(v[i * info->ncols + k],
					    info->dtype, t, sizeof(t));
					if (strlen(t) > width[k])
						width[k] = strlen(t);
				}
				fprintf(fp, "%s%*s", k ? "  " : "",
				    (int)width[k], info->columns[k]);
			}
			fputc('\n', fp);
			first = 0;
		}
		for (i = 0; i < n; i++) {
			for (k = 0; k < info->ncols; k++) {
				num_text(v[i * info->ncols + k], info->dtype,
				    t, sizeof(t));
				fprintf(fp, "%s%*s", k ? "  " : "",
				    (int)width[k], t);
			}
			fputc('\n', fp);
		}
		left -= n;
		if (rc == 0)
			break;
	}
	free(width);
	return rc < 0 ? -1 : 0;
}

static int
run_verify(struct io *io, struct mare_err *err)
{
	size_t n;
	int rc;

	if (open_reader(io, err) != 0)
		return -1;
	while ((rc = mare_tensor_read_rows(io->r, io->buf, io->block, &n,
	    err)) == 1)
		progress(io);
	if (rc < 0)
		return -1;
	fprintf(mare_out_file(io->out), "%s: ok, %llu rows, %zu columns\n",
	    io->in_name, mare_tensor_reader_rows(io->r),
	    mare_tensor_reader_info(io->r)->ncols);
	return 0;
}

static int
run_cat(struct io *io, struct mare_err *err)
{
	const struct mare_tensor_info *info;
	size_t n;
	int rc;

	if (open_reader(io, err) != 0)
		return -1;
	info = mare_tensor_reader_info(io->r);
	io->w = mare_tensor_writer_new(mare_out_file(io->out),
	    mare_out_name(io->out), info->dtype, info->ncols, info->columns,
	    info->spec_sha256, info->meta, err);
	if (io->w == NULL)
		return -1;
	while ((rc = mare_tensor_read_rows(io->r, io->buf, io->block, &n,
	    err)) == 1) {
		if (mare_tensor_write_rows(io->w, io->buf, n, err) != 0)
			return -1;
		progress(io);
	}
	if (rc < 0)
		return -1;
	return mare_tensor_writer_finish(io->w, err);
}

/* ------------------------------------------------------------------ */
/* .npy */

/* An unlinked temporary file in the folder of path (or $TMPDIR). */
static FILE *
spool_open(const char *path, struct mare_err *err)
{
	const char *dir = getenv("TMPDIR"), *slash;
	char tmpl[4096];
	FILE *fp;
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if (!mare_io_is_stdio(path)) {
		slash = strrchr(path, '/');
		if (slash == NULL)
			dir = ".";
		else
			dir = NULL;
	}
	if (dir != NULL)
		snprintf(tmpl, sizeof(tmpl), "%s/.mare-tensor-spool.XXXXXX",
		    dir);
	else
		snprintf(tmpl, sizeof(tmpl), "%.*s/.mare-tensor-spool.XXXXXX",
		    (int)(slash - path), path);
	fd = mkstemp(tmpl);
	if (fd < 0) {
		mare_err_sys(err, MARE_E_CANTCREAT, "cannot create a spool "
		    "file '%s'", tmpl);
		return NULL;
	}
	unlink(tmpl);
	fp = fdopen(fd, "w+b");
	if (fp == NULL) {
		close(fd);
		mare_err_sys(err, MARE_E_CANTCREAT, "cannot create a spool "
		    "file");
	}
	return fp;
}

static int
run_to_npy(const struct opts *o, struct io *io, struct mare_err *err)
{
	const struct mare_tensor_info *info;
	enum mare_npy_dtype dt;
	FILE *spool;
	size_t n, bytes;
	int rc = -1;

	if (open_reader(io, err) != 0)
		return -1;
	info = mare_tensor_reader_info(io->r);
	dt = info->dtype == MARE_TENSOR_F32 ? MARE_NPY_F4 : MARE_NPY_F8;
	spool = spool_open(o->common.output, err);
	if (spool == NULL)
		return -1;
	while ((rc = mare_tensor_read_rows(io->r, io->buf, io->block, &n,
	    err)) == 1)
		if (mare_npy_write_rows(spool, dt, info->ncols, io->buf, n,
		    err) != 0)
			goto out;
	if (rc < 0)
		goto out;
	rc = -1;
	if (fflush(spool) != 0 || fseek(spool, 0, SEEK_SET) != 0) {
		mare_err_sys(err, MARE_E_IO, "cannot write the spool file");
		goto out;
	}
	if (mare_npy_write_header(mare_out_file(io->out), dt, 2,
	    mare_tensor_reader_rows(io->r), info->ncols, err) != 0)
		goto out;
	while ((bytes = fread(io->buf, 1, io->bufsize, spool)) > 0)
		if (fwrite(io->buf, 1, bytes, mare_out_file(io->out)) !=
		    bytes) {
			mare_err_sys(err, MARE_E_IO, "cannot write '%s'",
			    mare_out_name(io->out));
			goto out;
		}
	if (ferror(spool)) {
		mare_err_sys(err, MARE_E_IO, "cannot read the spool file");
		goto out;
	}
	rc = 0;
out:
	fclose(spool);
	return rc;
}

static int
run_from_npy(const struct opts *o, struct io *io, struct mare_err *err)
{
	struct mare_npy_header h;
	unsigned long long done = 0;
	char **names = NULL;
	size_t i, n, block;
	int rc = -1;

	if (mare_npy_read_header(io->in, io->in_name, &h, err) != 0)
		return -1;
	if (h.cols < 1 || h.cols > MARE_TENSOR_MAX_COLS) {
		mare_err_set(err, MARE_E_DATA, "%llu columns: a tensor has 1 "
		    "to %u", h.cols, MARE_TENSOR_MAX_COLS);
		mare_err_at(err, io->in_name, 0, 0);
		return -1;
	}
	if (o->columns != NULL && o->ncolumns != h.cols)
		return mare_err_set(err, MARE_E_USAGE, "--columns names %zu "
		    "columns, '%s' has %llu", o->ncolumns, io->in_name,
		    h.cols);
	if (o->columns == NULL) {
		names = calloc((size_t)h.cols, sizeof(*names));
		if (names == NULL)
			return mare_err_set(err, MARE_E_NOMEM,
			    "out of memory");
		for (i = 0; i < h.cols; i++)
			if (asprintf(&names[i], "f%zu", i) < 0) {
				names[i] = NULL;
				mare_err_set(err, MARE_E_NOMEM,
				    "out of memory");
				goto out;
			}
	}
	io->w = mare_tensor_writer_new(mare_out_file(io->out),
	    mare_out_name(io->out), h.dtype == MARE_NPY_F4 ? MARE_TENSOR_F32 :
	    MARE_TENSOR_F64, (size_t)h.cols, (const char *const *)(names ?
	    names : o->columns), NULL, NULL, err);
	if (io->w == NULL)
		goto out;
	block = block_rows((size_t)h.cols * h.dtype);
	io->buf = malloc(block * (size_t)h.cols * h.dtype);
	if (io->buf == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto out;
	}
	while ((rc = mare_npy_read_rows(io->in, io->in_name, &h, &done,
	    io->buf, block, &n, err)) == 1)
		if (mare_tensor_write_rows(io->w, io->buf, n, err) != 0) {
			rc = -1;
			goto out;
		}
	if (rc == 0)
		rc = mare_tensor_writer_finish(io->w, err);
out:
	if (names != NULL)
		for (i = 0; i < h.cols; i++)
			free(names[i]);
	free(names);
	return rc;
}

/* ------------------------------------------------------------------ */
/* JSON Lines */

static int
run_to_jsonl(struct io *io, struct mare_err *err)
{
	const struct mare_tensor_info *info;
	FILE *fp = mare_out_file(io->out);
	char **keys = NULL, t[40];
	double *v;
	size_t n, i, k;
	int rc = -1;

	if (open_reader(io, err) != 0)
		return -1;
	info = mare_tensor_reader_info(io->r);
	v = io->buf;
	/* Each key's JSON text, escaped once. */
	keys = calloc(info->ncols, sizeof(*keys));
	if (keys == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	for (k = 0; k < info->ncols; k++) {
		json_t *s = json_string(info->columns[k]);

		keys[k] = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
		json_decref(s);
		if (keys[k] == NULL) {
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto out;
		}
	}
	while ((rc = mare_tensor_read_f64(io->r, v, io->block, &n, err)) == 1)
		for (i = 0; i < n; i++) {
			for (k = 0; k < info->ncols; k++) {
				double x = v[i * info->ncols + k];

				if (!isfinite(x))
					snprintf(t, sizeof(t), "null");
				else
					num_text(x, info->dtype, t, sizeof(t));
				fprintf(fp, "%c%s:%s", k ? ',' : '{', keys[k],
				    t);
			}
			if (fputs("}\n", fp) == EOF) {
				mare_err_sys(err, MARE_E_IO, "cannot write "
				    "'%s'", mare_out_name(io->out));
				rc = -1;
				goto out;
			}
		}
out:
	if (keys != NULL)
		for (k = 0; k < info->ncols; k++)
			free(keys[k]);
	free(keys);
	return rc < 0 ? -1 : 0;
}

/* The raw line with "_rejected":problems spliced in before its '}'. */
static int
write_reject(struct io *io, struct mare_jsonl_reader *jr,
    json_t *obj, json_t *problems, struct mare_err *err)
{
	return mare_jsonl_write_spliced(mare_out_file(io->rej),
	    mare_out_name(io->rej), jr, obj, "_rejected", problems, err);
}

static int
run_from_jsonl(const struct opts *o, struct io *io, struct mare_err *err)
{
	struct mare_jsonl_reader *jr;
	unsigned long long in = 0, rejected = 0;
	json_t *obj = NULL, *v, *problems = NULL;
	double *row;
	size_t k;
	int rc;

	jr = mare_jsonl_reader_new(io->in, io->in_name, (size_t)o->max_line,
	    err);
	row = calloc(o->ncolumns, sizeof(*row));
	if (jr == NULL || row == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		rc = -1;
		goto out;
	}
	io->w = mare_tensor_writer_new(mare_out_file(io->out),
	    mare_out_name(io->out), o->dtype, o->ncolumns,
	    (const char *const *)o->columns, NULL, NULL, err);
	if (io->w == NULL) {
		rc = -1;
		goto out;
	}
	while ((rc = mare_jsonl_read(jr, &obj, err)) == 1) {
		in++;
		progress(io);
		problems = json_array();
		for (k = 0; k < o->ncolumns; k++) {
			v = json_object_get(obj, o->columns[k]);
			if (json_is_number(v)) {
				row[k] = json_number_value(v);
				if (o->dtype != MARE_TENSOR_F32 ||
				    fabs(row[k]) <= FLT_MAX)
					continue;
			}
			json_array_append_new(problems, json_pack("{s:s, s:s}",
			    "field", o->columns[k], "message", v == NULL ?
			    "missing" : json_is_number(v) ? "out of the "
			    "float32 range (use --dtype f8)" :
			    json_is_null(v) ? "expected a number, "
			    "got null" : json_is_string(v) ? "expected a "
			    "number, got a string" : json_is_boolean(v) ?
			    "expected a number, got a boolean" : "expected a "
			    "number, got an array or object"));
		}
		if (json_array_size(problems) == 0) {
			if (mare_tensor_write_f64(io->w, row, 1, err) != 0)
				goto fail;
		} else if (io->rej != NULL) {
			rejected++;
			if (write_reject(io, jr, obj, problems, err) != 0)
				goto fail;
		} else {
			json_t *p0 = json_array_get(problems, 0);

			mare_err_set(err, MARE_E_DATA, "%s: %s",
			    json_string_value(json_object_get(p0, "field")),
			    json_string_value(json_object_get(p0, "message")));
			mare_err_at(err, io->in_name, mare_jsonl_line(jr), 0);
			goto fail;
		}
		json_decref(problems);
		json_decref(obj);
		problems = obj = NULL;
	}
	if (rc == 0)
		rc = mare_tensor_writer_finish(io->w, err);
	io->rejected = rejected;
	if (rc == 0)
		mare_cli_note("%llu records in, %llu rows out, %llu rejected",
		    in, mare_tensor_writer_rows(io->w), rejected);
	goto out;
fail:
	rc = -1;
	json_decref(problems);
	json_decref(obj);
out:
	free(row);
	mare_jsonl_reader_free(jr);
	return rc < 0 ? -1 : 0;
}

/* ------------------------------------------------------------------ */

/* Rows read, written and rejected, for --metrics-file. */
static void
count_rows(const struct io *io)
{
	struct mare_prom *m = mare_cli_metrics();
	const char *help = "rows handled by the last run";

	if (m == NULL)
		return;
	if (io->r != NULL)
		mare_prom_set(m, "mare_tensor_rows_total", MARE_PROM_COUNTER,
		    help, "direction=\"in\"",
		    (double)mare_tensor_reader_rows(io->r), NULL);
	if (io->w != NULL)
		mare_prom_set(m, "mare_tensor_rows_total", MARE_PROM_COUNTER,
		    help, "direction=\"out\"",
		    (double)mare_tensor_writer_rows(io->w), NULL);
	mare_prom_set(m, "mare_tensor_rows_total", MARE_PROM_COUNTER, help,
	    "direction=\"rejected\"", (double)io->rejected, NULL);
}

static int
run(const struct opts *o, struct mare_err *err)
{
	struct io io;
	int rc = -1;

	memset(&io, 0, sizeof(io));
	if ((o->sub == SUB_CAT || o->sub == SUB_FROM_NPY ||
	    o->sub == SUB_FROM_JSONL || o->sub == SUB_TO_NPY) &&
	    binary_out_ok(o, err) != 0)
		return -1;
	io.in = mare_in_open(o->input, &io.in_name, err);
	if (io.in == NULL)
		return -1;
	{
		struct stat st;

		io.prog = mare_cli_progress_new(&o->common, subnames[o->sub],
		    fstat(fileno(io.in), &st) == 0 && S_ISREG(st.st_mode) ?
		    (unsigned long long)st.st_size : 0, "bytes");
	}
	io.out = mare_out_open(o->common.output, MARE_OUT_SYNC, err);
	if (io.out == NULL)
		goto out;
	if (o->reject != NULL) {
		io.rej = mare_out_open(o->reject, MARE_OUT_SYNC, err);
		if (io.rej == NULL)
			goto out;
	}
	switch (o->sub) {
	case SUB_INFO:
		rc = run_info(o, &io, err);
		break;
	case SUB_HEAD:
		rc = run_head(o, &io, err);
		break;
	case SUB_CAT:
		rc = run_cat(&io, err);
		break;
	case SUB_VERIFY:
		rc = run_verify(&io, err);
		break;
	case SUB_TO_NPY:
		rc = run_to_npy(o, &io, err);
		break;
	case SUB_FROM_NPY:
		rc = run_from_npy(o, &io, err);
		break;
	case SUB_TO_JSONL:
		rc = run_to_jsonl(&io, err);
		break;
	case SUB_FROM_JSONL:
		rc = run_from_jsonl(o, &io, err);
		break;
	case SUB_NONE:
		break;
	}
	if (rc == 0 && io.rej != NULL) {
		rc = mare_out_commit(io.rej, err);
		io.rej = NULL;
	}
	if (rc == 0) {
		rc = mare_out_commit(io.out, err);
		io.out = NULL;
	}
out:
	mare_cli_progress_free(io.prog);
	count_rows(&io);
	mare_out_abort(io.rej);
	mare_out_abort(io.out);
	mare_tensor_writer_free(io.w);
	mare_tensor_reader_free(io.r);
	free(io.buf);
	mare_in_close(io.in);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct mare_err err;
	int r, status = 0;

	memset(&o, 0, sizeof(o));
	mare_cli_init(argv[0], usage, &o.common, &err);
	argv[0] = (char *)(uintptr_t)mare_cli_progname();
	r = parse_args(argc, argv, &o, &err);
	if (r == -2)
		status = 0;
	else if (r < 0)
		status = -1;
	else if (run(&o, &err) != 0)
		status = -1;
	free(o.columns);
	free(o.columns_buf);
	return mare_cli_finish(status, &err);
}
