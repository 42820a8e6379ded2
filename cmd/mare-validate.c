/*
 * mare-validate - data-quality rules for occurrence records, nothing lost
 *
 * A streaming filter over JSON Lines: each record is checked by the rules
 * file's expectations (lib/rules.h), the reference-data checks (a land
 * mask and a bathymetry grid, lib/grid.h) and the built-in checks
 * (lib/checks.h), in that order. A record with no rejecting finding goes
 * to the output exactly as it was read (the raw line, never
 * re-serialised); a rejected one goes to the reject file, its raw line
 * with only a "_rejected" array spliced in before the final '}'. A line
 * that is not a JSON object is itself a reject (INVALID_JSON). So every
 * record goes to exactly one of the two files, and in = passed + rejected.
 *
 * Memory: one line buffer (bounded by --max-line), the findings of one
 * record, the counters, the grids, and the duplicate index, which grows
 * with the number of distinct keys (see checks.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "checks.h"
#include "cli.h"
#include "date.h"
#include "grid.h"
#include "io.h"
#include "jsonl.h"
#include "mare.h"
#include "near.h"
#include "outliers.h"
#include "prov.h"
#include "rules.h"

#define RULE_INVALID_JSON	"INVALID_JSON"
#define RULE_ON_LAND		"ON_LAND"
#define RULE_DEPTH_BATH		"DEPTH_EXCEEDS_BATH"
#define RULE_NEAR		"NEAR_POINT"
#define RULE_OUTLIER		"SPECIES_OUTLIER"

enum {
	OPT_RULES = MARE_OPT_CMD,
	OPT_SUMMARY,
	OPT_STRICT,
	OPT_WARN_ONLY,
	OPT_DISABLE,
	OPT_MIN_DECIMALS,
	OPT_MAX_UNCERTAINTY,
	OPT_MAX_DEPTH,
	OPT_EARLIEST,
	OPT_DUP_DECIMALS,
	OPT_NO_DEDUP,
	OPT_LAND_MASK,
	OPT_BATHYMETRY,
	OPT_BATH_MARGIN,
	OPT_MAX_LINE,
	OPT_FULL_PARSE,
	OPT_NEAR,
	OPT_OUTLIERS,
	OPT_OUTL_MULT,
	OPT_OUTL_DIST,
	OPT_OUTL_MIN,
	OPT_OUTL_MAX
};

struct opts {
	struct mare_cli_common common;
	const char	*rules;
	const char	*reject;
	const char	*summary;
	int		 strict;
	char		*warn_only;	/* comma-separated, as given */
	char		*disable;
	int		 min_decimals;	/* -1: not given */
	double		 max_uncertainty; /* NAN: not given */
	double		 max_depth;
	const char	*earliest;
	int		 dup_decimals;
	int		 no_dedup;
	const char	*land_mask;
	const char	*bathymetry;
	double		 bath_margin;
	unsigned long long max_line;
	int		 full_parse;
	const char	*near;
	const char	*outliers;	/* method name, NULL: off */
	struct mare_outl_opts outl;
	char		**inputs;	/* argv tail; none: stdin */
	int		 ninputs;
	int		 argc;
	char		**argv;
};

static void
usage(FILE *fp)
{
	fputs("Usage:\n"
" mare-validate -R <file> [--rules <file>] [--summary <file>] [--strict]\n"
"               [--warn-only <rules>] [--disable <checks>] [<check options>]\n"
"               [<file>...]\n"
"\n"
"Check occurrence records (JSON Lines) against built-in quality checks and\n"
"a rules file; good records go to the output byte for byte, rejected ones\n"
"to the reject file with their reasons.\n"
"\n"
"Options:\n"
" -R, --reject <file>      write rejected records here (required;\n"
"                          /dev/null drops them)\n"
"     --rules <file>       expectations to apply (mare-rules(5))\n"
"     --summary <file>     write counts, expectation results and provenance\n"
"     --strict             exit 1 when a record was rejected or an\n"
"                          expectation failed its mostly\n"
"     --warn-only <rules>  comma-separated rules that count but never reject\n"
"     --disable <checks>   comma-separated built-in checks to switch off\n"
"     --min-decimals <n>   LOW_PRECISION below n decimals (default: 1)\n"
"     --max-uncertainty <m>  UNCERTAINTY_TOO_HIGH above m metres (100000)\n"
"     --max-depth <m>      DEPTH_OUT_OF_RANGE above m metres (default: 11000)\n"
"     --earliest <date>    DATE_BEFORE_MIN before this ISO date (1600-01-01)\n"
"     --dup-decimals <n>   DUPLICATE_RECORD rounds coordinates to n (4)\n"
"     --no-dedup           switch off DUPLICATE_RECORD and DUPLICATE_ID\n"
"     --land-mask <file>   ON_LAND: .asc grid, 0 sea, other values and\n"
"                          NODATA land\n"
"     --bathymetry <file>  DEPTH_EXCEEDS_BATH: .asc grid of sea-floor depth\n"
"                          in metres, positive down\n"
"     --bathymetry-margin <m>  tolerance for DEPTH_EXCEEDS_BATH (default: 0)\n"
"     --max-line <size>    longest line accepted (default: 1M)\n"
"     --full-parse         decode every field of every record with jansson\n"
"                          (slower; the same results)\n"
"     --near <file>        NEAR_POINT: CSV of points with radii\n"
"                          (columns name,lat,lon,radius_m,kind)\n"
"     --outliers <method>  SPECIES_OUTLIER, quantile or distance: reads\n"
"                          the input files twice (not standard input)\n"
"     --outlier-multiplier <x>  quantile: IQRs above Q3 (default: 5)\n"
"     --outlier-distance <km>  distance: nearest other record (1000)\n"
"     --outlier-min-records <n>  test species with n records or more (7)\n"
"     --outlier-max-records <n>  and at most n (default: 10000)\n"
	    MARE_CLI_COMMON_HELP
"\n"
"See mare-validate(1) and mare-rules(5).\n", fp);
}

static const struct option longopts[] = {
	{ "bathymetry",		required_argument, NULL, OPT_BATHYMETRY },
	{ "bathymetry-margin",	required_argument, NULL, OPT_BATH_MARGIN },
	{ "disable",		required_argument, NULL, OPT_DISABLE },
	{ "dup-decimals",	required_argument, NULL, OPT_DUP_DECIMALS },
	{ "earliest",		required_argument, NULL, OPT_EARLIEST },
	{ "full-parse",		no_argument,	   NULL, OPT_FULL_PARSE },
	{ "land-mask",		required_argument, NULL, OPT_LAND_MASK },
	{ "max-depth",		required_argument, NULL, OPT_MAX_DEPTH },
	{ "max-line",		required_argument, NULL, OPT_MAX_LINE },
	{ "max-uncertainty",	required_argument, NULL, OPT_MAX_UNCERTAINTY },
	{ "min-decimals",	required_argument, NULL, OPT_MIN_DECIMALS },
	{ "near",		required_argument, NULL, OPT_NEAR },
	{ "no-dedup",		no_argument,	   NULL, OPT_NO_DEDUP },
	{ "outlier-distance",	required_argument, NULL, OPT_OUTL_DIST },
	{ "outlier-max-records", required_argument, NULL, OPT_OUTL_MAX },
	{ "outlier-min-records", required_argument, NULL, OPT_OUTL_MIN },
	{ "outlier-multiplier",	required_argument, NULL, OPT_OUTL_MULT },
	{ "outliers",		required_argument, NULL, OPT_OUTLIERS },
	{ "reject",		required_argument, NULL, 'R' },
	{ "rules",		required_argument, NULL, OPT_RULES },
	{ "strict",		no_argument,	   NULL, OPT_STRICT },
	{ "summary",		required_argument, NULL, OPT_SUMMARY },
	{ "warn-only",		required_argument, NULL, OPT_WARN_ONLY },
	MARE_CLI_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static int
parse_args(int argc, char **argv, struct opts *o, struct mare_err *err)
{
	unsigned long long u;
	int c, r;

	o->min_decimals = -1;
	o->dup_decimals = -1;
	o->max_uncertainty = NAN;
	o->max_depth = NAN;
	mare_outl_opts_init(&o->outl);
	o->argc = argc;
	o->argv = argv;
	while ((c = getopt_long(argc, argv, MARE_CLI_COMMON_SHORTOPTS "R:",
	    longopts, NULL)) != -1) {
		switch (c) {
		case 'R':
			o->reject = optarg;
			break;
		case OPT_RULES:
			o->rules = optarg;
			break;
		case OPT_SUMMARY:
			o->summary = optarg;
			break;
		case OPT_STRICT:
			o->strict = 1;
			break;
		case OPT_WARN_ONLY:
			o->warn_only = optarg;
			break;
		case OPT_DISABLE:
			o->disable = optarg;
			break;
		case OPT_MIN_DECIMALS:
			if (mare_cli_parse_ulong("min-decimals", optarg, 0, 15,
			    &u, err) != 0)
				return -1;
			o->min_decimals = (int)u;
			break;
		case OPT_DUP_DECIMALS:
			if (mare_cli_parse_ulong("dup-decimals", optarg, 0, 15,
			    &u, err) != 0)
				return -1;
			o->dup_decimals = (int)u;
			break;
		case OPT_MAX_UNCERTAINTY:
			if (mare_cli_parse_double("max-uncertainty", optarg, 0,
			    1e12, &o->max_uncertainty, err) != 0)
				return -1;
			break;
		case OPT_MAX_DEPTH:
			if (mare_cli_parse_double("max-depth", optarg, 0, 1e6,
			    &o->max_depth, err) != 0)
				return -1;
			break;
		case OPT_BATH_MARGIN:
			if (mare_cli_parse_double("bathymetry-margin", optarg,
			    0, 1e6, &o->bath_margin, err) != 0)
				return -1;
			break;
		case OPT_EARLIEST:
			o->earliest = optarg;
			break;
		case OPT_NO_DEDUP:
			o->no_dedup = 1;
			break;
		case OPT_LAND_MASK:
			o->land_mask = optarg;
			break;
		case OPT_BATHYMETRY:
			o->bathymetry = optarg;
			break;
		case OPT_FULL_PARSE:
			o->full_parse = 1;
			break;
		case OPT_NEAR:
			o->near = optarg;
			break;
		case OPT_OUTLIERS:
			if (strcmp(optarg, "quantile") == 0)
				o->outl.method = MARE_OUTL_QUANTILE;
			else if (strcmp(optarg, "distance") == 0)
				o->outl.method = MARE_OUTL_DISTANCE;
			else
				return mare_err_set(err, MARE_E_USAGE,
				    "--outliers: expected quantile or "
				    "distance, got '%s'", optarg);
			o->outliers = optarg;
			break;
		case OPT_OUTL_MULT:
			if (mare_cli_parse_double("outlier-multiplier",
			    optarg, 0, 1e6, &o->outl.multiplier, err) != 0)
				return -1;
			break;
		case OPT_OUTL_DIST:
			if (mare_cli_parse_double("outlier-distance", optarg,
			    0, 40075, &o->outl.distance_km, err) != 0)
				return -1;
			break;
		case OPT_OUTL_MIN:
			if (mare_cli_parse_ulong("outlier-min-records", optarg,
			    2, 1000000000, &u, err) != 0)
				return -1;
			o->outl.min_records = (size_t)u;
			break;
		case OPT_OUTL_MAX:
			if (mare_cli_parse_ulong("outlier-max-records", optarg,
			    2, 1000000000, &u, err) != 0)
				return -1;
			o->outl.max_records = (size_t)u;
			break;
		case OPT_MAX_LINE:
			if (mare_cli_parse_size("max-line", optarg, 2,
			    1ULL << 30, &o->max_line, err) != 0)
				return -1;
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
	if (o->reject == NULL)
		return mare_err_set(err, MARE_E_USAGE, "no --reject file "
		    "given (use -R /dev/null to drop rejected records)");
	o->inputs = argv + optind;
	o->ninputs = argc - optind;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Counters per rule and per field */

struct tally {
	const char		*name;	/* static, or owned by the rules */
	unsigned long long	 findings;
	unsigned long long	 records;	/* records with >= 1 */
	unsigned long long	 rejecting;	/* findings that rejected */
	unsigned long long	 last;		/* record number last counted */
};

struct tallies {
	struct tally	*v;
	size_t		 n, cap;
};

static int
tally_add(struct tallies *t, const char *name, unsigned long long recno,
    int reject, struct mare_err *err)
{
	struct tally *e;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].name == name || strcmp(t->v[i].name, name) == 0)
			break;
	if (i == t->n) {
		if (t->n == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 32;

			e = realloc(t->v, cap * sizeof(*e));
			if (e == NULL)
				return mare_err_set(err, MARE_E_NOMEM,
				    "out of memory");
			t->v = e;
			t->cap = cap;
		}
		e = &t->v[t->n++];
		memset(e, 0, sizeof(*e));
		e->name = name;
	}
	e = &t->v[i];
	e->findings++;
	if (reject)
		e->rejecting++;
	if (e->last != recno) {
		e->last = recno;
		e->records++;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The run */

struct refcheck {
	struct mare_grid	*grid;
	const char		*path;
	char			 sha256[65];
	unsigned long long	 tested;
	unsigned long long	 untested;	/* no usable coordinates */
	unsigned long long	 outside;	/* outside the grid, or NODATA */
	unsigned long long	 nodepth;	/* bathymetry: no depth */
	int			 nodepth_applies;	/* bathymetry */
};

struct run {
	const struct opts	*o;
	struct mare_rules	*rules;
	struct mare_checks	*checks;
	struct mare_findings	 f;
	struct mare_out		*out;
	struct mare_out		*rej;
	FILE			*outfp;
	FILE			*rejfp;
	const char		**want;		/* fields to decode */
	size_t			 nwant;
	char			**warn;		/* canonical names */
	size_t			 nwarn;
	struct refcheck		 land, bath;
	struct mare_near	*near;
	char			 near_sha256[65];
	int			 near_on, outl_on;
	unsigned long long	 near_tested, near_untested;
	struct mare_outl	*outl;
	struct ident		*ident;		/* per input, --outliers */
	unsigned long long	 outl_untested;	/* no coordinates or name */
	struct tallies		 by_rule, by_field;
	unsigned long long	 in, passed, rejected, warned, invalid;
	char			*buf;		/* reject line being built */
	size_t			 bufcap;
	size_t			 buflen;
};

static int
buf_put(struct run *R, const char *s, size_t n, struct mare_err *err)
{
	if (R->buflen + n > R->bufcap) {
		size_t cap = R->bufcap ? R->bufcap : 4096;
		char *p;

		while (cap < R->buflen + n)
			cap *= 2;
		p = realloc(R->buf, cap);
		if (p == NULL)
			return mare_err_set(err, MARE_E_NOMEM, "out of memory");
		R->buf = p;
		R->bufcap = cap;
	}
	memcpy(R->buf + R->buflen, s, n);
	R->buflen += n;
	return 0;
}

/* Length of s without a trailing incomplete UTF-8 sequence. */
static size_t
utf8_trim(const char *s, size_t n)
{
	size_t i, back;
	unsigned char c;
	size_t need;

	for (back = 1; back <= 4 && back <= n; back++) {
		c = (unsigned char)s[n - back];
		if ((c & 0xC0) != 0x80)
			break;
	}
	if (back > 4 || back > n)
		return n;
	i = n - back;
	c = (unsigned char)s[i];
	if (c < 0x80)
		return n;
	need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	return back < need ? i : n;
}

/* Append s as a JSON string (quotes included), or null for NULL. */
static int
buf_json_string(struct run *R, const char *s, struct mare_err *err)
{
	static const char hex[] = "0123456789abcdef";
	char esc[7];
	size_t i, n, start;
	unsigned char c;

	if (s == NULL)
		return buf_put(R, "null", 4, err);
	n = utf8_trim(s, strlen(s));
	if (buf_put(R, "\"", 1, err) != 0)
		return -1;
	for (start = i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (buf_put(R, s + start, i - start, err) != 0)
			return -1;
		esc[0] = '\\';
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			if (buf_put(R, esc, 2, err) != 0)
				return -1;
		} else {
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			if (buf_put(R, esc, 6, err) != 0)
				return -1;
		}
		start = i + 1;
	}
	if (buf_put(R, s + start, n - start, err) != 0)
		return -1;
	return buf_put(R, "\"", 1, err);
}

/* Append the findings as the elements of a JSON array (no brackets). */
static int
buf_findings(struct run *R, int comma, struct mare_err *err)
{
	const struct mare_finding *fi;
	size_t i;

	for (i = 0; i < R->f.n; i++) {
		fi = &R->f.v[i];
		if ((comma || i > 0) && buf_put(R, ",", 1, err) != 0)
			return -1;
		if (buf_put(R, "{\"rule\":", 8, err) != 0 ||
		    buf_json_string(R, fi->rule, err) != 0 ||
		    buf_put(R, ",\"field\":", 9, err) != 0 ||
		    buf_json_string(R, fi->field, err) != 0 ||
		    buf_put(R, ",\"message\":", 11, err) != 0 ||
		    buf_json_string(R, fi->message, err) != 0 ||
		    buf_put(R, "}", 1, err) != 0)
			return -1;
	}
	return 0;
}

static int
write_line(FILE *fp, const char *name, const char *s, size_t n,
    struct mare_err *err)
{
	if ((n > 0 && fwrite(s, 1, n, fp) != n) || putc('\n', fp) == EOF)
		return mare_err_sys(err, MARE_E_IO, "cannot write '%s'", name);
	return 0;
}

/*
 * The reject line: the raw text with ,"_rejected":[...] before its final
 * '}'. A record that already holds "_rejected" (a reject file validated
 * again) cannot take a second key of that name: it is re-serialised with
 * the new findings appended to its array.
 */
static int
write_reject(struct run *R, const json_t *rec, const char *raw, size_t len,
    struct mare_err *err)
{
	const json_t *old;
	size_t end, i;
	int empty;

	R->buflen = 0;
	old = json_object_get(rec, "_rejected");
	if (old != NULL) {
		json_t *copy, *arr, *e;
		int rc;

		/* rec may hold the checked fields only: the whole line */
		copy = json_loadb(raw, len, JSON_REJECT_DUPLICATES |
		    JSON_ALLOW_NUL, NULL);
		if (copy == NULL)
			return mare_err_set(err, MARE_E_NOMEM, "out of memory");
		arr = json_is_array(old) ? json_deep_copy(old) : json_array();
		if (!json_is_array(old))
			json_array_append_new(arr, json_deep_copy(old));
		for (i = 0; i < R->f.n; i++) {
			e = json_pack("{s:s, s:s?, s:s}", "rule", R->f.v[i].rule,
			    "field", R->f.v[i].field, "message",
			    R->f.v[i].message);
			json_array_append_new(arr, e);
		}
		json_object_set_new(copy, "_rejected", arr);
		rc = mare_jsonl_write(R->rejfp, copy, err);
		json_decref(copy);
		return rc;
	}
	end = len;
	while (end > 0 && raw[end - 1] != '}')
		end--;
	if (end == 0)
		return mare_err_set(err, MARE_E_INTERNAL, "record without '}'");
	end--;
	for (i = 1; i < end && strchr(" \t\r\n", raw[i]) != NULL; i++)
		;
	empty = i >= end;
	if (buf_put(R, raw, end, err) != 0 ||
	    buf_put(R, ",\"_rejected\":[" + empty, 14 - (size_t)empty,
	    err) != 0 || buf_findings(R, 0, err) != 0 ||
	    buf_put(R, "]", 1, err) != 0 ||
	    buf_put(R, raw + end, len - end, err) != 0)
		return -1;
	return write_line(R->rejfp, mare_out_name(R->rej), R->buf, R->buflen,
	    err);
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * A line that is not a JSON object: {"_line":N,"_raw":"text",
 * "_rejected":[...]}, "_raw_base64" instead of "_raw" when the text is not
 * valid UTF-8, "_raw":null when the line was too long to keep.
 */
static int
write_invalid(struct run *R, const char *file, unsigned long line,
    const char *raw, size_t len, struct mare_err *err)
{
	json_t *s = NULL;
	char num[32];
	size_t i;

	R->buflen = 0;
	snprintf(num, sizeof(num), "%lu", line);
	if (buf_put(R, "{\"_file\":", 9, err) != 0 ||
	    buf_json_string(R, file, err) != 0 ||
	    buf_put(R, ",\"_line\":", 9, err) != 0 ||
	    buf_put(R, num, strlen(num), err) != 0)
		return -1;
	if (raw != NULL)
		s = json_stringn(raw, len);
	if (raw == NULL) {
		if (buf_put(R, ",\"_raw\":null", 12, err) != 0)
			return -1;
	} else if (s != NULL) {
		char *t = json_dumps(s, JSON_ENCODE_ANY);

		json_decref(s);
		if (t == NULL)
			return mare_err_set(err, MARE_E_NOMEM, "out of memory");
		if (buf_put(R, ",\"_raw\":", 8, err) != 0 ||
		    buf_put(R, t, strlen(t), err) != 0) {
			free(t);
			return -1;
		}
		free(t);
	} else {
		char q[4];

		if (buf_put(R, ",\"_raw_base64\":\"", 16, err) != 0)
			return -1;
		for (i = 0; i < len; i += 3) {
			unsigned v = (unsigned)(unsigned char)raw[i] << 16;

			if (i + 1 < len)
				v |= (unsigned)(unsigned char)raw[i + 1] << 8;
			if (i + 2 < len)
				v |= (unsigned char)raw[i + 2];
			q[0] = b64[v >> 18 & 63];
			q[1] = b64[v >> 12 & 63];
			q[2] = i + 1 < len ? b64[v >> 6 & 63] : '=';
			q[3] = i + 2 < len ? b64[v & 63] : '=';
			if (buf_put(R, q, 4, err) != 0)
				return -1;
		}
		if (buf_put(R, "\"", 1, err) != 0)
			return -1;
	}
	if (buf_put(R, ",\"_rejected\":[", 14, err) != 0 ||
	    buf_findings(R, 0, err) != 0 || buf_put(R, "]}", 2, err) != 0)
		return -1;
	return write_line(R->rejfp, mare_out_name(R->rej), R->buf, R->buflen,
	    err);
}

/* Mark findings from index from on as warnings when their rule says so. */
static void
apply_warn_only(struct run *R, size_t from)
{
	size_t i, k;

	for (i = from; i < R->f.n; i++)
		for (k = 0; k < R->nwarn; k++)
			if (strcmp(R->f.v[i].rule, R->warn[k]) == 0)
				R->f.v[i].reject = 0;
}

/* s cut to fit buf (at most 40 bytes) on a UTF-8 character boundary. */
static const char *
clip(char *buf, size_t size, const char *s)
{
	size_t n = strlen(s), max = size - 1 < 40 ? size - 1 : 40;

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* Usable coordinates: 1 with lat, lon set, else 0. */
static int
coords(const json_t *rec, double *lat, double *lon)
{
	if (mare_checks_number(json_object_get(rec, "decimalLatitude"),
	    lat) != 1 || mare_checks_number(json_object_get(rec,
	    "decimalLongitude"), lon) != 1)
		return 0;
	return fabs(*lat) <= 90 && fabs(*lon) <= 180;
}

static const char *const depth_fields[] = {
	"depth", "minimumDepthInMeters", "maximumDepthInMeters"
};

static int
reference_checks(struct run *R, const json_t *rec, struct mare_err *err)
{
	double lat, lon, d, deepest;
	const char *dfield = NULL;
	float v;
	size_t k;
	int have;

	if (R->land.grid == NULL && R->bath.grid == NULL && !R->near_on &&
	    !R->outl_on)
		return 0;
	have = coords(rec, &lat, &lon);
	if (R->near_on) {
		const struct mare_near_point *pt;
		char name[64], kind[32];

		if (!have)
			R->near_untested++;
		else {
			R->near_tested++;
			pt = mare_near_find(R->near, lat, lon, &d);
			if (pt != NULL && mare_findings_add(&R->f, RULE_NEAR,
			    NULL, 1, err, "%.6g %.6g is %.0f m from '%s' "
			    "(%s%sradius %.0f m)", lat, lon, d,
			    clip(name, sizeof(name), pt->name),
			    clip(kind, sizeof(kind), pt->kind),
			    *pt->kind ? ", " : "", pt->radius_m) == -1)
				return -1;
		}
	}
	if (R->outl_on && mare_outl_lookup(R->outl, R->in, &d, &deepest) &&
	    mare_findings_add(&R->f, RULE_OUTLIER, NULL, 1, err, "%s %.0f km "
	    "to the other records of its species is above %.0f km",
	    R->o->outl.method == MARE_OUTL_QUANTILE ? "mean distance" :
	    "distance", d, deepest) == -1)
		return -1;
	if (R->land.grid != NULL) {
		if (!have)
			R->land.untested++;
		else if (!mare_grid_geom_cell(&R->land.grid->geom, lon, lat,
		    NULL, NULL))
			R->land.outside++;
		else {
			R->land.tested++;
			/* NODATA counts as land, as OBIS's xylookup does */
			if ((!mare_grid_value_at(R->land.grid, lon, lat, &v) ||
			    v != 0) && mare_findings_add(&R->f, RULE_ON_LAND,
			    NULL, 1, err, "%.6g %.6g is land in the mask",
			    lat, lon) == -1)
				return -1;
		}
	}
	if (R->bath.grid != NULL) {
		deepest = -INFINITY;
		for (k = 0; k < 3; k++)
			if (mare_checks_number(json_object_get(rec,
			    depth_fields[k]), &d) == 1 && d > deepest) {
				deepest = d;
				dfield = depth_fields[k];
			}
		if (!have)
			R->bath.untested++;
		else if (dfield == NULL)
			R->bath.nodepth++;
		else if (!mare_grid_value_at(R->bath.grid, lon, lat, &v))
			R->bath.outside++;
		else {
			R->bath.tested++;
			if (deepest > (double)(v > 0 ? v : 0) +
			    R->o->bath_margin && mare_findings_add(&R->f,
			    RULE_DEPTH_BATH, dfield, 1, err,
			    "%s %.6g m below the sea floor at %.6g m",
			    dfield, deepest, (double)(v > 0 ? v : 0)) == -1)
				return -1;
		}
	}
	return 0;
}

static int
count_findings(struct run *R, int *reject, struct mare_err *err)
{
	const struct mare_finding *fi;
	size_t i;

	*reject = 0;
	for (i = 0; i < R->f.n; i++) {
		fi = &R->f.v[i];
		if (fi->reject)
			*reject = 1;
		if (tally_add(&R->by_rule, fi->rule, R->in, fi->reject,
		    err) != 0 || tally_add(&R->by_field, fi->field != NULL ?
		    fi->field : "(record)", R->in, fi->reject, err) != 0)
			return -1;
	}
	return 0;
}

static int
one_record(struct run *R, const json_t *rec, const char *raw, size_t len,
    struct mare_err *err)
{
	size_t mark;
	int reject;

	mare_findings_clear(&R->f);
	if (R->rules != NULL && mare_rules_eval(R->rules, rec, &R->f, err) < 0)
		return -1;
	apply_warn_only(R, 0);
	mark = R->f.n;
	if (reference_checks(R, rec, err) != 0)
		return -1;
	apply_warn_only(R, mark);
	mark = R->f.n;
	if (mare_checks_run(R->checks, rec, &R->f, err) < 0)
		return -1;
	apply_warn_only(R, mark);
	if (count_findings(R, &reject, err) != 0)
		return -1;
	if (!reject) {
		R->passed++;
		if (R->f.n > 0)
			R->warned++;
		return write_line(R->outfp, mare_out_name(R->out), raw, len,
		    err);
	}
	R->rejected++;
	return write_reject(R, rec, raw, len, err);
}

struct ident {
	off_t		size;
	struct timespec	mtime;
};

/* Input k's size and time now; in pass 2 it must not have changed. */
static int
check_ident(struct run *R, FILE *fp, const char *name, size_t k, int set,
    struct mare_err *err)
{
	struct stat st;

	if (fstat(fileno(fp), &st) != 0)
		return mare_err_sys(err, MARE_E_IO, "cannot stat '%s'", name);
	if (set) {
		if (!S_ISREG(st.st_mode))
			return mare_err_set(err, MARE_E_USAGE, "--outliers "
			    "reads its input twice: '%s' is not a regular "
			    "file", name);
		R->ident[k].size = st.st_size;
		R->ident[k].mtime = st.st_mtim;
		return 0;
	}
	if (R->ident[k].size != st.st_size || R->ident[k].mtime.tv_sec !=
	    st.st_mtim.tv_sec || R->ident[k].mtime.tv_nsec !=
	    st.st_mtim.tv_nsec)
		return mare_err_set(err, MARE_E_IO, "'%s' changed between "
		    "the two passes of --outliers", name);
	return 0;
}

/*
 * Pass 1 of --outliers: every record with usable coordinates and a
 * scientificName, numbered as pass 2 numbers them (R->in).
 */
static int
outliers_pass(struct run *R, struct mare_err *err)
{
	const struct opts *o = R->o;
	struct mare_jsonl_reader *jr;
	struct mare_err rerr;
	const json_t *sp;
	unsigned long long recno = 0;
	const char *name;
	double lat, lon;
	json_t *rec;
	FILE *fp;
	int k, rc = 0;

	if (o->ninputs == 0)
		return mare_err_set(err, MARE_E_USAGE, "--outliers reads its "
		    "input twice: give files, not standard input");
	for (k = 0; k < o->ninputs; k++)
		if (mare_io_is_stdio(o->inputs[k]))
			return mare_err_set(err, MARE_E_USAGE, "--outliers "
			    "reads its input twice: give files, not "
			    "standard input");
	R->ident = calloc((size_t)o->ninputs, sizeof(*R->ident));
	if (R->ident == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	for (k = 0; k < o->ninputs && rc == 0; k++) {
		if ((fp = mare_in_open(o->inputs[k], &name, err)) == NULL)
			return -1;
		jr = NULL;
		if (check_ident(R, fp, name, (size_t)k, 1, err) != 0 ||
		    (jr = mare_jsonl_reader_new(fp, name,
		    (size_t)o->max_line, err)) == NULL ||
		    (!o->full_parse && mare_jsonl_reader_select(jr,
		    (const char *const *)R->want, R->nwant, err) != 0))
			rc = -1;
		while (rc == 0) {
			mare_err_init(&rerr);
			if ((rc = mare_jsonl_read(jr, &rec, &rerr)) == 0)
				break;
			recno++;
			if (rc < 0) {
				if (rerr.code != MARE_E_DATA) {
					*err = rerr;
					break;
				}
				rc = 0;
				continue;
			}
			sp = json_object_get(rec, "scientificName");
			rc = 0;
			if (coords(rec, &lat, &lon) && json_is_string(sp) &&
			    json_string_length(sp) > 0)
				rc = mare_outl_add(R->outl,
				    json_string_value(sp),
				    json_string_length(sp), lat, lon, recno,
				    err);
			else
				R->outl_untested++;
			json_decref(rec);
		}
		mare_jsonl_reader_free(jr);
		mare_in_close(fp);
	}
	if (rc != 0)
		return -1;
	return mare_outl_finish(R->outl, err);
}

static int
one_input(struct run *R, const char *path, size_t k, struct mare_err *err)
{
	struct mare_jsonl_reader *jr;
	const char *name, *raw;
	struct mare_err rerr;
	json_t *rec;
	size_t len;
	FILE *fp;
	int rc;

	fp = mare_in_open(path, &name, err);
	if (fp == NULL)
		return -1;
	if (R->ident != NULL && check_ident(R, fp, name, k, 0, err) != 0) {
		mare_in_close(fp);
		return -1;
	}
	jr = mare_jsonl_reader_new(fp, name, (size_t)R->o->max_line, err);
	if (jr == NULL || (!R->o->full_parse && mare_jsonl_reader_select(jr,
	    (const char *const *)R->want, R->nwant, err) != 0)) {
		mare_jsonl_reader_free(jr);
		mare_in_close(fp);
		return -1;
	}
	mare_err_init(&rerr);
	for (;;) {
		if (rerr.code != 0)
			mare_err_init(&rerr);
		rc = mare_jsonl_read(jr, &rec, &rerr);
		if (rc == 0)
			break;
		R->in++;
		raw = mare_jsonl_raw(jr, &len);
		if (rc < 0) {
			if (rerr.code != MARE_E_DATA) {
				*err = rerr;
				break;
			}
			R->rejected++;
			R->invalid++;
			mare_findings_clear(&R->f);
			if (mare_findings_add(&R->f, RULE_INVALID_JSON, NULL, 1,
			    err, "%s: %s", rerr.where, rerr.msg) == -1 ||
			    tally_add(&R->by_rule, RULE_INVALID_JSON, R->in, 1,
			    err) != 0 || tally_add(&R->by_field, "(record)",
			    R->in, 1, err) != 0 ||
			    write_invalid(R, name, mare_jsonl_line(jr), raw,
			    len, err) != 0) {
				rc = -1;
				break;
			}
			continue;
		}
		rc = one_record(R, rec, raw, len, err);
		json_decref(rec);
		if (rc != 0)
			break;
	}
	mare_jsonl_reader_free(jr);
	mare_in_close(fp);
	return rc < 0 ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Setup */

/*
 * The fields anything here reads: the checks' (which include those of the
 * reference checks), the rules' columns, and "_rejected" (a reject file
 * validated again). The reader decodes these and only checks the syntax
 * of the rest.
 */
static int
setup_want(struct run *R, struct mare_err *err)
{
	const char *const *cf = mare_checks_fields();
	struct mare_rule_stats st;
	size_t i, n, nrules;

	nrules = R->rules != NULL ? mare_rules_count(R->rules) : 0;
	for (n = 0; cf[n] != NULL; n++)
		;
	R->want = calloc(n + nrules + 1, sizeof(*R->want));
	if (R->want == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	for (i = 0; i < n; i++)
		R->want[R->nwant++] = cf[i];
	R->want[R->nwant++] = "_rejected";
	for (i = 0; i < nrules; i++)
		if (mare_rules_stats(R->rules, i, &st) == 0 &&
		    st.column != NULL)
			R->want[R->nwant++] = st.column;
	return 0;
}

static int
is_known_rule(const char *name)
{
	return mare_check_lookup(name) >= 0 ||
	    strcmp(name, RULE_ON_LAND) == 0 ||
	    strcmp(name, RULE_NEAR) == 0 ||
	    strcmp(name, RULE_OUTLIER) == 0 ||
	    strcmp(name, RULE_DEPTH_BATH) == 0 ||
	    strncmp(name, "expect_", 7) == 0;
}

static int
setup_warn(struct run *R, struct mare_err *err)
{
	char *p, *tok, *save = NULL;
	const char *canon;
	int id;

	if (R->o->warn_only == NULL)
		return 0;
	p = strdup(R->o->warn_only);
	if (p == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	R->warn = calloc(strlen(p) / 2 + 2, sizeof(*R->warn));
	if (R->warn == NULL) {
		free(p);
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	}
	for (tok = strtok_r(p, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, RULE_INVALID_JSON) == 0) {
			free(p);
			return mare_err_set(err, MARE_E_USAGE, "--warn-only "
			    "%s: a line that is not JSON cannot be kept",
			    RULE_INVALID_JSON);
		}
		if (!is_known_rule(tok)) {
			mare_err_set(err, MARE_E_USAGE, "--warn-only: unknown "
			    "rule '%s'", tok);
			free(p);
			return -1;
		}
		id = mare_check_lookup(tok);
		canon = id >= 0 ? mare_check_name(id) : tok;
		R->warn[R->nwarn] = strdup(canon);
		if (R->warn[R->nwarn] == NULL) {
			free(p);
			return mare_err_set(err, MARE_E_NOMEM, "out of memory");
		}
		R->nwarn++;
	}
	free(p);
	return 0;
}

static int
setup_checks(struct run *R, struct mare_err *err)
{
	const struct opts *o = R->o;
	struct mare_checks_opts co;
	struct mare_date d;
	char *p, *tok, *save = NULL;
	int rc = 0;

	mare_checks_opts_init(&co, (int64_t)mare_cli_now());
	if (R->rules != NULL)
		mare_rules_configure(R->rules, &co);
	if (o->min_decimals >= 0)
		co.min_decimals = o->min_decimals;
	if (o->dup_decimals >= 0)
		co.dup_decimals = o->dup_decimals;
	if (!isnan(o->max_uncertainty))
		co.max_uncertainty_m = o->max_uncertainty;
	if (!isnan(o->max_depth))
		co.max_depth_m = o->max_depth;
	if (o->earliest != NULL) {
		if (mare_date_parse(o->earliest, &d, err) != 0) {
			mare_err_init(err);
			return mare_err_set(err, MARE_E_USAGE, "invalid "
			    "--earliest value '%s': not an ISO 8601 date",
			    o->earliest);
		}
		co.earliest = d.start;
	}
	if (o->no_dedup) {
		co.enabled[MARE_CHECK_DUPLICATE_RECORD] = 0;
		co.enabled[MARE_CHECK_DUPLICATE_ID] = 0;
	}
	if (o->disable != NULL) {
		p = strdup(o->disable);
		if (p == NULL)
			return mare_err_set(err, MARE_E_NOMEM, "out of memory");
		for (tok = strtok_r(p, ",", &save); tok != NULL && rc == 0;
		    tok = strtok_r(NULL, ",", &save)) {
			if (strcmp(tok, RULE_NEAR) == 0)
				R->near_on = 0;
			else if (strcmp(tok, RULE_OUTLIER) == 0)
				R->outl_on = 0;
			else
				rc = mare_checks_enable(&co, tok, 0, err);
		}
		free(p);
		if (rc != 0) {
			err->code = MARE_E_USAGE;
			return -1;
		}
	}
	R->checks = mare_checks_new(&co, err);
	return R->checks != NULL ? 0 : -1;
}

/* --near's points and --outliers' state, unless disabled by name. */
static int
setup_near(struct run *R, struct mare_err *err)
{
	const struct opts *o = R->o;

	if (R->near_on) {
		if ((R->near = mare_near_load(o->near, err)) == NULL)
			return -1;
		if (!mare_io_is_stdio(o->near) && mare_sha256_file(o->near,
		    R->near_sha256, err) != 0)
			return -1;
	}
	if (R->outl_on && (R->outl = mare_outl_new(&o->outl, err)) == NULL)
		return -1;
	return 0;
}

static int
load_ref(struct refcheck *rc, const char *path, struct mare_err *err)
{
	if (path == NULL)
		return 0;
	rc->path = path;
	rc->grid = mare_grid_load(path, err);
	if (rc->grid == NULL)
		return -1;
	if (!mare_io_is_stdio(path) && mare_sha256_file(path, rc->sha256,
	    err) != 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Summary, metrics */

static json_t *
tallies_json(const struct tallies *t)
{
	json_t *o = json_object(), *e;
	size_t i;

	for (i = 0; i < t->n; i++) {
		e = json_pack("{s:I, s:I, s:I}", "records",
		    (json_int_t)t->v[i].records, "findings",
		    (json_int_t)t->v[i].findings, "rejecting",
		    (json_int_t)t->v[i].rejecting);
		json_object_set_new(o, t->v[i].name, e);
	}
	return o;
}

static json_t *
ref_json(const struct refcheck *rc, int bath, double margin)
{
	json_t *o;

	if (rc->grid == NULL)
		return json_null();
	o = json_pack("{s:s, s:s?, s:I, s:I, s:I}", "file", rc->path,
	    "sha256", rc->sha256[0] != '\0' ? rc->sha256 : NULL, "tested",
	    (json_int_t)rc->tested, "untested_no_coordinates",
	    (json_int_t)rc->untested, "untested_outside_grid",
	    (json_int_t)rc->outside);
	if (bath) {
		json_object_set_new(o, "untested_no_depth",
		    json_integer((json_int_t)rc->nodepth));
		json_object_set_new(o, "margin", json_real(margin));
	}
	return o;
}

static int
write_summary(struct run *R, struct mare_err *err)
{
	const struct opts *o = R->o;
	struct mare_rule_stats st;
	struct mare_prov *prov;
	struct mare_out *out;
	json_t *root, *arr, *e;
	size_t i, n;
	int k, rc;

	prov = mare_prov_new(o->argc, o->argv, o->common.seed, mare_cli_now(),
	    err);
	if (prov == NULL)
		return -1;
	if (o->ninputs == 0)
		rc = mare_prov_add_input(prov, NULL, err);
	else
		for (rc = 0, k = 0; k < o->ninputs && rc == 0; k++)
			rc = mare_prov_add_input(prov, o->inputs[k], err);
	if (rc == 0 && o->rules != NULL)
		rc = mare_prov_add_input_hash(prov, o->rules,
		    mare_rules_sha256(R->rules), err);
	if (rc == 0 && R->land.grid != NULL)
		rc = mare_prov_add_input_hash(prov, o->land_mask,
		    R->land.sha256[0] ? R->land.sha256 : NULL, err);
	if (rc == 0 && R->bath.grid != NULL)
		rc = mare_prov_add_input_hash(prov, o->bathymetry,
		    R->bath.sha256[0] ? R->bath.sha256 : NULL, err);
	if (rc == 0 && R->near != NULL)
		rc = mare_prov_add_input_hash(prov, o->near,
		    R->near_sha256[0] ? R->near_sha256 : NULL, err);
	if (rc != 0) {
		mare_prov_free(prov);
		return -1;
	}
	root = json_pack("{s:I, s:I, s:I, s:I, s:I}", "records_in",
	    (json_int_t)R->in, "passed", (json_int_t)R->passed, "rejected",
	    (json_int_t)R->rejected, "passed_with_warnings",
	    (json_int_t)R->warned, "invalid_json", (json_int_t)R->invalid);
	json_object_set_new(root, "by_rule", tallies_json(&R->by_rule));
	json_object_set_new(root, "by_field", tallies_json(&R->by_field));
	json_object_set_new(root, "rules_file", R->rules == NULL ?
	    json_null() : json_pack("{s:s, s:s}", "path", o->rules, "sha256",
	    mare_rules_sha256(R->rules)));
	arr = json_array();
	n = R->rules != NULL ? mare_rules_count(R->rules) : 0;
	for (i = 0; i < n; i++) {
		mare_rules_stats(R->rules, i, &st);
		e = json_pack("{s:I, s:s, s:s, s:f, s:I, s:I, s:I, s:f, s:b}",
		    "index", (json_int_t)st.index, "expectation_type", st.type,
		    "column", st.column != NULL ? st.column : "", "mostly",
		    st.mostly, "element_count", (json_int_t)st.evaluated,
		    "missing_count", (json_int_t)st.missing,
		    "unexpected_count", (json_int_t)st.unexpected,
		    "success_fraction", st.pass_fraction, "success",
		    st.success);
		json_array_append_new(arr, e);
	}
	json_object_set_new(root, "expectations", arr);
	json_object_set_new(root, "success", json_boolean(R->rules == NULL ||
	    mare_rules_success(R->rules)));
	json_object_set_new(root, "ON_LAND", ref_json(&R->land, 0, 0));
	json_object_set_new(root, "DEPTH_EXCEEDS_BATH", ref_json(&R->bath, 1,
	    o->bath_margin));
	json_object_set_new(root, RULE_NEAR, R->near == NULL ? json_null() :
	    json_pack("{s:s, s:s?, s:I, s:I, s:I}", "file", o->near,
	    "sha256", R->near_sha256[0] ? R->near_sha256 : NULL, "points",
	    (json_int_t)mare_near_count(R->near), "tested",
	    (json_int_t)R->near_tested, "untested_no_coordinates",
	    (json_int_t)R->near_untested));
	if (R->outl != NULL) {
		struct mare_outl_stats os;

		mare_outl_get_stats(R->outl, &os);
		json_object_set_new(root, RULE_OUTLIER, json_pack("{s:s, s:f, "
		    "s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		    "method", o->outliers, "multiplier", o->outl.multiplier,
		    "distance_km", o->outl.distance_km, "min_records",
		    (json_int_t)o->outl.min_records, "max_records",
		    (json_int_t)o->outl.max_records, "species",
		    (json_int_t)os.species, "species_tested",
		    (json_int_t)os.tested, "species_too_few",
		    (json_int_t)os.too_few, "species_too_many",
		    (json_int_t)os.too_many, "records_tested",
		    (json_int_t)(os.records - os.untested_records),
		    "records_untested", (json_int_t)(os.untested_records +
		    R->outl_untested), "outliers", (json_int_t)os.outliers));
	} else
		json_object_set_new(root, RULE_OUTLIER, json_null());
	json_object_set_new(root, "duplicate_index_keys",
	    json_integer((json_int_t)mare_checks_dup_keys(R->checks)));
	json_object_set_new(root, "provenance", mare_prov_to_json(prov));
	mare_prov_free(prov);
	out = mare_out_open(o->summary, MARE_OUT_SYNC, err);
	if (out == NULL) {
		json_decref(root);
		return -1;
	}
	rc = mare_jsonl_write(mare_out_file(out), root, err);
	json_decref(root);
	if (rc != 0) {
		mare_out_abort(out);
		return -1;
	}
	return mare_out_commit(out, err);
}

static int
write_metrics(struct run *R, struct mare_err *err)
{
	struct mare_prom *p = mare_cli_metrics();
	char label[256];
	size_t i;

	if (p == NULL || R->o->common.metrics_file == NULL)
		return 0;
	if (mare_prom_set(p, "mare_validate_records_in_total",
	    MARE_PROM_COUNTER, "records read", NULL, (double)R->in,
	    err) != 0 || mare_prom_set(p, "mare_validate_records_passed_total",
	    MARE_PROM_COUNTER, "records written to the output", NULL,
	    (double)R->passed, err) != 0 ||
	    mare_prom_set(p, "mare_validate_records_rejected_total",
	    MARE_PROM_COUNTER, "records written to the reject file", NULL,
	    (double)R->rejected, err) != 0)
		return -1;
	for (i = 0; i < R->by_rule.n; i++) {
		snprintf(label, sizeof(label), "rule=\"%s\"",
		    R->by_rule.v[i].name);
		if (strchr(R->by_rule.v[i].name, '"') != NULL ||
		    strchr(R->by_rule.v[i].name, '\\') != NULL)
			continue;
		if (mare_prom_set(p, "mare_validate_findings_total",
		    MARE_PROM_COUNTER, "findings per rule", label,
		    (double)R->by_rule.v[i].findings, err) != 0 ||
		    mare_prom_set(p, "mare_validate_rejecting_findings_total",
		    MARE_PROM_COUNTER, "findings that rejected a record, per "
		    "rule", label, (double)R->by_rule.v[i].rejecting,
		    err) != 0)
			return -1;
	}
	return 0;
}

static void
note_untested(const struct refcheck *rc, const char *rule)
{
	if (rc->grid == NULL)
		return;
	if (rc->untested > 0)
		mare_cli_warn("%s: %llu records without usable coordinates "
		    "not tested (see NO_COORD and the range checks)", rule,
		    rc->untested);
	if (rc->outside > 0)
		mare_cli_warn("%s: %llu records outside %s's extent%s not "
		    "tested", rule, rc->outside, rc->path,
		    rc->nodepth_applies ? " or on a NODATA cell" : "");
	if (rc->nodepth > 0)
		mare_cli_info(1, "%s: %llu records without a depth not tested",
		    rule, rc->nodepth);
}

static void
note_other(const struct run *R)
{
	struct mare_outl_stats os;

	if (R->near != NULL && R->near_untested > 0)
		mare_cli_warn("%s: %llu records without usable coordinates "
		    "not tested", RULE_NEAR, R->near_untested);
	if (R->outl == NULL)
		return;
	mare_outl_get_stats(R->outl, &os);
	if (R->outl_untested > 0)
		mare_cli_warn("%s: %llu records without usable coordinates "
		    "or scientificName not tested", RULE_OUTLIER,
		    R->outl_untested);
	if (os.too_many > 0)
		mare_cli_warn("%s: %zu species with more than %zu records "
		    "not tested (--outlier-max-records)", RULE_OUTLIER,
		    os.too_many, R->o->outl.max_records);
	if (os.too_few > 0)
		mare_cli_info(1, "%s: %zu species with fewer than %zu "
		    "records not tested", RULE_OUTLIER, os.too_few,
		    R->o->outl.min_records);
}

static int
run(const struct opts *o, int *found, struct mare_err *err)
{
	struct run R;
	int k, rc = -1;
	size_t i;

	memset(&R, 0, sizeof(R));
	R.o = o;
	mare_findings_init(&R.f);
	if (o->rules != NULL) {
		R.rules = mare_rules_load(o->rules, err);
		if (R.rules == NULL)
			goto out;
	}
	R.near_on = o->near != NULL;
	R.outl_on = o->outliers != NULL;
	if (setup_warn(&R, err) != 0 || setup_checks(&R, err) != 0 ||
	    setup_want(&R, err) != 0 || setup_near(&R, err) != 0 ||
	    load_ref(&R.land, o->land_mask, err) != 0 ||
	    load_ref(&R.bath, o->bathymetry, err) != 0)
		goto out;
	R.bath.nodepth_applies = 1;
	R.out = mare_out_open(o->common.output, 0, err);
	if (R.out == NULL)
		goto out;
	R.rej = mare_out_open(o->reject, 0, err);
	if (R.rej == NULL)
		goto out;
	R.outfp = mare_out_file(R.out);
	R.rejfp = mare_out_file(R.rej);
	if (R.outl_on && outliers_pass(&R, err) != 0)
		goto out;
	if (o->ninputs == 0)
		rc = one_input(&R, NULL, 0, err);
	else
		for (rc = 0, k = 0; k < o->ninputs && rc == 0; k++)
			rc = one_input(&R, o->inputs[k], (size_t)k, err);
	if (rc != 0)
		goto out;
	rc = -1;
	if (mare_out_commit(R.rej, err) != 0) {
		R.rej = NULL;
		goto out;
	}
	R.rej = NULL;
	if (mare_out_commit(R.out, err) != 0) {
		R.out = NULL;
		goto out;
	}
	R.out = NULL;
	if (o->summary != NULL && write_summary(&R, err) != 0)
		goto out;
	if (write_metrics(&R, err) != 0)
		goto out;
	note_untested(&R.land, RULE_ON_LAND);
	note_untested(&R.bath, RULE_DEPTH_BATH);
	note_other(&R);
	if (R.rules != NULL && !mare_rules_success(R.rules)) {
		struct mare_rule_stats st;
		size_t nfail = 0;

		for (i = 0; i < mare_rules_count(R.rules); i++)
			if (mare_rules_stats(R.rules, i, &st) == 0 &&
			    !st.success)
				nfail++;
		mare_cli_note("%zu of %zu expectations failed (see "
		    "--summary)", nfail, mare_rules_count(R.rules));
	}
	mare_cli_note("%llu in, %llu passed, %llu rejected", R.in, R.passed,
	    R.rejected);
	*found = R.rejected > 0 || (R.rules != NULL &&
	    !mare_rules_success(R.rules));
	rc = 0;
out:
	mare_out_abort(R.rej);
	mare_out_abort(R.out);
	mare_findings_release(&R.f);
	mare_checks_free(R.checks);
	mare_rules_free(R.rules);
	mare_grid_free(R.land.grid);
	mare_grid_free(R.bath.grid);
	for (i = 0; i < R.nwarn; i++)
		free(R.warn[i]);
	free(R.warn);
	free(R.want);
	free(R.ident);
	mare_near_free(R.near);
	mare_outl_free(R.outl);
	free(R.by_rule.v);
	free(R.by_field.v);
	free(R.buf);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct mare_err err;
	int r, found = 0, status = 0;

	memset(&o, 0, sizeof(o));
	mare_cli_init(argv[0], usage, &o.common, &err);
	argv[0] = (char *)(uintptr_t)mare_cli_progname();
	r = parse_args(argc, argv, &o, &err);
	if (r == -2)
		status = 0;
	else if (r < 0)
		status = -1;
	else if (run(&o, &found, &err) != 0)
		status = -1;
	else if (found && o.strict) {
		status = 1;
		mare_err_set(&err, MARE_E_FOUND, "records rejected");
	}
	return mare_cli_finish(status, &err);
}
