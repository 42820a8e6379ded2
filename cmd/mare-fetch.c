/*
 * mare-fetch - occurrence records from GBIF, OBIS, Darwin Core Archives
 * and CSV, as Darwin Core JSON Lines
 *
 * One subcommand per source. dwca and csv wire lib/dwca and lib/csv to the
 * JSONL writer and a reject stream. gbif and obis page through the
 * occurrence search APIs with lib/http (retries, backoff, Retry-After,
 * breaker, rate) and optionally lib/cache (--cache-dir, --offline); every
 * response body is checked by a validator, so an HTML error page or a
 * truncated JSON document is retried and never turned into zero records.
 *
 * Resuming (--state FILE): the output is then a plain file written in
 * place, not a temporary file renamed at the end. After each page the
 * page's records are written, the output is flushed and fsync'ed, and
 * only then is the state (query, cursor, record count and the output's
 * size in bytes) written atomically. A rerun with the same query reads the
 * state, truncates the output back to the recorded size (dropping a page
 * written after the last state, if the process died between the two) and
 * continues from the cursor, so the output holds every record exactly
 * once whatever moment a kill -9 hits. A state written for another query
 * is refused.
 *
 * A gbif query above GBIF's offset cap is cut into parts by lib/split,
 * whose counts this file requests; records are deduplicated across parts
 * by their GBIF key with lib/checks' key set.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "api.h"
#include "cache.h"
#include "checks.h"
#include "cli.h"
#include "csv.h"
#include "dwca.h"
#include "http.h"
#include "io.h"
#include "jsonl.h"
#include "mare.h"
#include "prov.h"
#include "record.h"
#include "split.h"

#define GBIF_BASE	"https://api.gbif.org/v1"
#define OBIS_BASE	"https://api.obis.org/v3"
#define GBIF_MAX_PAGE	300
#define GBIF_OFFSET_CAP	100000ULL
#define OBIS_PAGE	5000
#define OBIS_MAX_PAGE	10000
#define STATE_VERSION	1

enum sub {
	SUB_NONE, SUB_GBIF, SUB_OBIS, SUB_DWCA, SUB_CSV, SUB_SEED_CACHE,
	SUB_GBIF_DOWNLOAD
};

static const char *const subnames[] = {
	NULL, "gbif", "obis", "dwca", "csv", "seed-cache", "gbif-download"
};

enum {
	OPT_BASE_URL = MARE_OPT_CMD,
	OPT_BASIS,
	OPT_BBOX,
	OPT_CACHE,
	OPT_CACHE_DIR,
	OPT_COUNTRY,
	OPT_DATASET_KEY,
	OPT_DEPTH_MAX,
	OPT_DEPTH_MIN,
	OPT_DOWNLOAD_DIR,
	OPT_DOWNLOAD_KEY,
	OPT_DROP_PERSONAL,
	OPT_ENCODING,
	OPT_END_DATE,
	OPT_EXCLUDE_FLAGS,
	OPT_FIELDS,
	OPT_FORMAT,
	OPT_GEOMETRY,
	OPT_HAS_COORD,
	OPT_LIMIT,
	OPT_MAP,
	OPT_MAX_RETRIES,
	OPT_OFFSET_CAP,
	OPT_OFFLINE,
	OPT_PAGE_SIZE,
	OPT_PROVENANCE,
	OPT_RATE,
	OPT_RETRY_WAIT,
	OPT_START_DATE,
	OPT_STATE,
	OPT_TAXON,
	OPT_TAXON_ID,
	OPT_TAXON_KEY,
	OPT_TIMEOUT,
	OPT_YEAR
};

/*
 * One instance per run, its fields grouped by meaning: the 40 bytes of
 * padding the analyzer counts are not worth a shuffled order.
 */
/* NOLINTNEXTLINE(clang-analyzer-optin.performance.Padding) */
struct opts {
	struct mare_cli_common common;
	enum sub	 sub;
	char		**inputs;	/* dwca, csv: one; seed-cache: many */
	int		 ninputs;
	const char	*reject;
	const char	**maps;		/* --map, NULL-terminated */
	size_t		 nmaps;
	int		 delim;
	const char	*encoding;
	char		**fields;	/* --fields, split */
	size_t		 nfields;
	char		*fields_buf;
	int		 drop_personal;
	const char	*base_url;
	const char	*taxon;
	const char	*taxon_key;
	const char	*taxon_id;
	const char	*geometry;
	double		 bbox[4];
	int		 bbox_set;
	const char	*year;
	int		 has_coord;
	const char	*basis;
	const char	*dataset_key;
	const char	*country;
	const char	*start_date;
	const char	*end_date;
	const char	*depth_min;
	const char	*depth_max;
	const char	*exclude_flags;
	unsigned long long limit;	/* 0: all */
	unsigned long long page_size;
	unsigned long long offset_cap;	/* gbif: default 100000 */
	int		 offset_cap_set;
	unsigned long long max_retries;
	int		 max_retries_set;
	double		 timeout;	/* seconds, 0: lib default */
	double		 rate;
	unsigned long long retry_wait;	/* ms */
	int		 retry_wait_set;
	const char	*state;
	const char	*cache_dir;
	int		 cache;
	int		 offline;
	char		*cache_path;	/* resolved, owned */
	const char	*format;	/* gbif-download: DWCA, SIMPLE_CSV */
	const char	*download_key;
	const char	*download_dir;
	const char	*provenance;
	int		 argc;
	char		**argv;
};

static void
usage(FILE *fp)
{
	fputs("Usage:\n"
" mare-fetch gbif [--taxon <name> | --taxon-key <n>] [filters] [options]\n"
" mare-fetch gbif-download [--taxon <name> | --taxon-key <n>] [filters]\n"
"            [--format DWCA | SIMPLE_CSV] [--download-dir <dir>] [options]\n"
" mare-fetch obis [--taxon <name>] [--taxon-id <ids>] [filters] [options]\n"
" mare-fetch dwca [-R <file>] [--encoding <name>] [options] <archive.zip>\n"
" mare-fetch csv [-d <c>] [--map <col=term>]... [-R <file>] [options]"
" [<file>]\n"
" mare-fetch seed-cache [--cache-dir <dir>] <INDEX.tsv>...\n"
"\n"
"Get occurrence records as Darwin Core JSON Lines.\n"
"\n"
"Sources:\n"
" gbif        the GBIF occurrence search API (offset paging; a query\n"
"             above 100,000 records is split by year and area)\n"
" gbif-download  a GBIF download (GBIF_USER, GBIF_PWD), read as dwca\n"
" obis        the OBIS v3 occurrence API (after cursor paging)\n"
" dwca        a Darwin Core Archive, read in place\n"
" csv         a CSV or TSV file with a header row\n"
" seed-cache  store recorded responses listed in INDEX.tsv files\n"
"\n"
"Filters (gbif, gbif-download, obis):\n"
"     --taxon <name>       scientific name (gbif: resolved to a taxon key)\n"
"     --taxon-key <n>      GBIF taxon key (gbif)\n"
"     --taxon-id <ids>     WoRMS AphiaIDs, comma-separated (obis)\n"
"     --geometry <wkt>     WKT polygon\n"
"     --bbox <w,s,e,n>     bounding box in degrees\n"
"     --year <a,b>         year or year range (gbif)\n"
"     --has-coordinate     only records with coordinates (gbif)\n"
"     --basis-of-record <b>  e.g. PRESERVED_SPECIMEN (gbif)\n"
"     --dataset-key <uuid> one dataset (gbif)\n"
"     --country <cc>       ISO 3166-1 alpha-2 country code (gbif)\n"
"     --start-date <date>  earliest event date, YYYY-MM-DD (obis)\n"
"     --end-date <date>    latest event date, YYYY-MM-DD (obis)\n"
"     --depth-min <m>      shallowest depth in metres (obis)\n"
"     --depth-max <m>      deepest depth in metres (obis)\n"
"     --exclude-flags <f>  OBIS quality flags to exclude, e.g. ON_LAND\n"
"\n"
"Paging and network (gbif, obis):\n"
"     --limit <n>          records wanted in all (default: every record)\n"
"     --page-size <n>      records per request (gbif: 300 at most, the\n"
"                          default; obis: default 5000)\n"
"     --offset-cap <n>     records GBIF serves of one query (default:\n"
"                          100000; for tests and mirrors)\n"
"     --base-url <url>     API root (default: " GBIF_BASE ",\n"
"                          " OBIS_BASE ")\n"
"     --max-retries <n>    retries of one request (default: 5)\n"
"     --retry-wait <ms>    base of the exponential backoff (default: 500)\n"
"     --timeout <s>        seconds per attempt (default: 60)\n"
"     --rate <n>           requests per second at most (default: no limit)\n"
"     --state <file>       save the cursor after each page; resume from it\n"
"     --cache              cache responses in the default folder\n"
"     --cache-dir <dir>    cache responses in <dir>\n"
"     --offline            use only cached responses\n"
"\n"
"Downloads (gbif-download):\n"
"     --format <f>         DWCA (default) or SIMPLE_CSV\n"
"     --download-dir <dir> where the archive goes (default: .)\n"
"     --download-key <key> fetch this download instead of asking\n"
"\n"
"Files (dwca, csv):\n"
" -R, --reject <file>      write rows that cannot become records to <file>\n"
" -d, --delimiter <c>      field delimiter (csv; default: sniffed)\n"
"     --map <col=term>     map a column to a Darwin Core term (csv)\n"
"     --encoding <name>    convert from this encoding (iconv name)\n"
"\n"
"Records:\n"
"     --fields <keys>      keep only these keys, comma-separated\n"
"     --drop-personal      remove people's names (recordedBy...)\n"
"     --provenance <file>  write the command, inputs, counts (and the\n"
"                          download's DOI and citation) to <file>\n"
	    MARE_CLI_COMMON_HELP
"\n"
"See mare-fetch(1).\n", fp);
}

static const struct option longopts[] = {
	{ "base-url",		required_argument, NULL, OPT_BASE_URL },
	{ "basis-of-record",	required_argument, NULL, OPT_BASIS },
	{ "bbox",		required_argument, NULL, OPT_BBOX },
	{ "cache",		no_argument,	   NULL, OPT_CACHE },
	{ "cache-dir",		required_argument, NULL, OPT_CACHE_DIR },
	{ "country",		required_argument, NULL, OPT_COUNTRY },
	{ "dataset-key",	required_argument, NULL, OPT_DATASET_KEY },
	{ "delimiter",		required_argument, NULL, 'd' },
	{ "depth-max",		required_argument, NULL, OPT_DEPTH_MAX },
	{ "depth-min",		required_argument, NULL, OPT_DEPTH_MIN },
	{ "download-dir",	required_argument, NULL, OPT_DOWNLOAD_DIR },
	{ "download-key",	required_argument, NULL, OPT_DOWNLOAD_KEY },
	{ "drop-personal",	no_argument,	   NULL, OPT_DROP_PERSONAL },
	{ "encoding",		required_argument, NULL, OPT_ENCODING },
	{ "end-date",		required_argument, NULL, OPT_END_DATE },
	{ "exclude-flags",	required_argument, NULL, OPT_EXCLUDE_FLAGS },
	{ "fields",		required_argument, NULL, OPT_FIELDS },
	{ "format",		required_argument, NULL, OPT_FORMAT },
	{ "geometry",		required_argument, NULL, OPT_GEOMETRY },
	{ "has-coordinate",	no_argument,	   NULL, OPT_HAS_COORD },
	{ "limit",		required_argument, NULL, OPT_LIMIT },
	{ "map",		required_argument, NULL, OPT_MAP },
	{ "max-retries",	required_argument, NULL, OPT_MAX_RETRIES },
	{ "offline",		no_argument,	   NULL, OPT_OFFLINE },
	{ "offset-cap",		required_argument, NULL, OPT_OFFSET_CAP },
	{ "page-size",		required_argument, NULL, OPT_PAGE_SIZE },
	{ "provenance",		required_argument, NULL, OPT_PROVENANCE },
	{ "rate",		required_argument, NULL, OPT_RATE },
	{ "reject",		required_argument, NULL, 'R' },
	{ "retry-wait",		required_argument, NULL, OPT_RETRY_WAIT },
	{ "start-date",		required_argument, NULL, OPT_START_DATE },
	{ "state",		required_argument, NULL, OPT_STATE },
	{ "taxon",		required_argument, NULL, OPT_TAXON },
	{ "taxon-id",		required_argument, NULL, OPT_TAXON_ID },
	{ "taxon-key",		required_argument, NULL, OPT_TAXON_KEY },
	{ "timeout",		required_argument, NULL, OPT_TIMEOUT },
	{ "year",		required_argument, NULL, OPT_YEAR },
	MARE_CLI_COMMON_LONGOPTS,
	{ NULL, 0, NULL, 0 }
};

static int
split_fields(struct opts *o, const char *text, struct mare_err *err)
{
	const char *t;
	char *p;
	size_t n = 1, i = 0;

	for (t = text; *t != '\0'; t++)
		if (*t == ',')
			n++;
	free(o->fields);
	free(o->fields_buf);
	o->fields_buf = strdup(text);
	o->fields = calloc(n, sizeof(*o->fields));
	if (o->fields_buf == NULL || o->fields == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	o->fields[i++] = o->fields_buf;
	for (p = o->fields_buf; *p != '\0' && i < n; p++)
		if (*p == ',') {
			*p = '\0';
			o->fields[i++] = p + 1;
		}
	o->nfields = i;		/* n, counted in text: the same commas */
	for (i = 0; i < o->nfields; i++)
		if (o->fields[i][0] == '\0')
			return mare_err_set(err, MARE_E_USAGE, "invalid "
			    "--fields value '%s': empty key", text);
	return 0;
}

static int
parse_bbox(struct opts *o, const char *text, struct mare_err *err)
{
	char *end;
	const char *p = text;
	int i;

	for (i = 0; i < 4; i++) {
		errno = 0;
		o->bbox[i] = strtod(p, &end);
		if (end == p || errno != 0 || (i < 3 && *end != ',') ||
		    (i == 3 && *end != '\0'))
			goto bad;
		p = end + 1;
	}
	if (o->bbox[0] < -180 || o->bbox[2] > 180 || o->bbox[0] >= o->bbox[2]
	    || o->bbox[1] < -90 || o->bbox[3] > 90 || o->bbox[1] >= o->bbox[3])
		goto bad;
	o->bbox_set = 1;
	return 0;
bad:
	return mare_err_set(err, MARE_E_USAGE, "invalid --bbox value '%s': "
	    "expected west,south,east,north in degrees, west < east, "
	    "south < north", text);
}

/* A filter value goes into a URL: refuse control characters early. */
static int
plain_arg(const char *name, const char *text, struct mare_err *err)
{
	const unsigned char *p;

	if (*text == '\0')
		return mare_err_set(err, MARE_E_USAGE, "invalid --%s value: "
		    "empty", name);
	for (p = (const unsigned char *)text; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return mare_err_set(err, MARE_E_USAGE, "invalid --%s "
			    "value: control character", name);
	return 0;
}

static int
parse_args(int argc, char **argv, struct opts *o, struct mare_err *err)
{
	unsigned long long n;
	const char **m;
	int c, r, i;

	o->has_coord = 0;
	o->offset_cap = GBIF_OFFSET_CAP;
	while ((c = getopt_long(argc, argv, MARE_CLI_COMMON_SHORTOPTS "d:R:",
	    longopts, NULL)) != -1) {
		switch (c) {
		case 'R':
			o->reject = optarg;
			break;
		case 'd':
			if (strcmp(optarg, "\\t") == 0 ||
			    strcmp(optarg, "tab") == 0)
				o->delim = '\t';
			else if (strlen(optarg) == 1 && optarg[0] != '"' &&
			    optarg[0] != '\n' && optarg[0] != '\r')
				o->delim = (unsigned char)optarg[0];
			else
				return mare_err_set(err, MARE_E_USAGE,
				    "invalid --delimiter value '%s': expected "
				    "one character or 'tab'", optarg);
			break;
		case OPT_MAP:
			if (strchr(optarg, '=') == NULL)
				return mare_err_set(err, MARE_E_USAGE,
				    "invalid --map value '%s': expected "
				    "column=term", optarg);
			m = realloc(o->maps, (o->nmaps + 2) * sizeof(*m));
			if (m == NULL)
				return mare_err_set(err, MARE_E_NOMEM,
				    "out of memory");
			o->maps = m;
			o->maps[o->nmaps++] = optarg;
			o->maps[o->nmaps] = NULL;
			break;
		case OPT_ENCODING:
			o->encoding = optarg;
			break;
		case OPT_FIELDS:
			if (split_fields(o, optarg, err) != 0)
				return -1;
			break;
		case OPT_DROP_PERSONAL:
			o->drop_personal = 1;
			break;
		case OPT_BASE_URL:
			if (strncmp(optarg, "http://", 7) != 0 &&
			    strncmp(optarg, "https://", 8) != 0)
				return mare_err_set(err, MARE_E_USAGE,
				    "invalid --base-url value '%s': expected "
				    "http:// or https://", optarg);
			o->base_url = optarg;
			break;
		case OPT_TAXON:
			if (plain_arg("taxon", optarg, err) != 0)
				return -1;
			o->taxon = optarg;
			break;
		case OPT_TAXON_KEY:
			if (mare_cli_parse_ulong("taxon-key", optarg, 0,
			    (1ULL << 53), &n, err) != 0)
				return -1;
			o->taxon_key = optarg;
			break;
		case OPT_TAXON_ID:
			if (plain_arg("taxon-id", optarg, err) != 0)
				return -1;
			o->taxon_id = optarg;
			break;
		case OPT_GEOMETRY:
			if (plain_arg("geometry", optarg, err) != 0)
				return -1;
			o->geometry = optarg;
			break;
		case OPT_BBOX:
			if (parse_bbox(o, optarg, err) != 0)
				return -1;
			break;
		case OPT_YEAR:
			if (plain_arg("year", optarg, err) != 0)
				return -1;
			o->year = optarg;
			break;
		case OPT_HAS_COORD:
			o->has_coord = 1;
			break;
		case OPT_BASIS:
			if (plain_arg("basis-of-record", optarg, err) != 0)
				return -1;
			o->basis = optarg;
			break;
		case OPT_DATASET_KEY:
			if (plain_arg("dataset-key", optarg, err) != 0)
				return -1;
			o->dataset_key = optarg;
			break;
		case OPT_COUNTRY:
			if (plain_arg("country", optarg, err) != 0)
				return -1;
			o->country = optarg;
			break;
		case OPT_START_DATE:
			if (plain_arg("start-date", optarg, err) != 0)
				return -1;
			o->start_date = optarg;
			break;
		case OPT_END_DATE:
			if (plain_arg("end-date", optarg, err) != 0)
				return -1;
			o->end_date = optarg;
			break;
		case OPT_DEPTH_MIN:
			if (plain_arg("depth-min", optarg, err) != 0)
				return -1;
			o->depth_min = optarg;
			break;
		case OPT_DEPTH_MAX:
			if (plain_arg("depth-max", optarg, err) != 0)
				return -1;
			o->depth_max = optarg;
			break;
		case OPT_EXCLUDE_FLAGS:
			if (plain_arg("exclude-flags", optarg, err) != 0)
				return -1;
			o->exclude_flags = optarg;
			break;
		case OPT_LIMIT:
			if (mare_cli_parse_ulong("limit", optarg, 1,
			    1ULL << 40, &o->limit, err) != 0)
				return -1;
			break;
		case OPT_PAGE_SIZE:
			if (mare_cli_parse_ulong("page-size", optarg, 1,
			    OBIS_MAX_PAGE, &o->page_size, err) != 0)
				return -1;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "DWCA") != 0 &&
			    strcmp(optarg, "SIMPLE_CSV") != 0)
				return mare_err_set(err, MARE_E_USAGE,
				    "invalid --format value '%s': expected "
				    "DWCA or SIMPLE_CSV", optarg);
			o->format = optarg;
			break;
		case OPT_DOWNLOAD_KEY:
			if (plain_arg("download-key", optarg, err) != 0)
				return -1;
			if (strpbrk(optarg, "/?#& ") != NULL)
				return mare_err_set(err, MARE_E_USAGE,
				    "invalid --download-key value '%s'",
				    optarg);
			o->download_key = optarg;
			break;
		case OPT_DOWNLOAD_DIR:
			o->download_dir = optarg;
			break;
		case OPT_PROVENANCE:
			o->provenance = optarg;
			break;
		case OPT_OFFSET_CAP:
			if (mare_cli_parse_ulong("offset-cap", optarg, 1,
			    1ULL << 40, &o->offset_cap, err) != 0)
				return -1;
			o->offset_cap_set = 1;
			break;
		case OPT_MAX_RETRIES:
			if (mare_cli_parse_ulong("max-retries", optarg, 0,
			    100, &o->max_retries, err) != 0)
				return -1;
			o->max_retries_set = 1;
			break;
		case OPT_RETRY_WAIT:
			if (mare_cli_parse_ulong("retry-wait", optarg, 0,
			    600000, &o->retry_wait, err) != 0)
				return -1;
			o->retry_wait_set = 1;
			break;
		case OPT_TIMEOUT:
			if (mare_cli_parse_double("timeout", optarg, 0.001,
			    86400, &o->timeout, err) != 0)
				return -1;
			break;
		case OPT_RATE:
			if (mare_cli_parse_double("rate", optarg, 0.001,
			    1000, &o->rate, err) != 0)
				return -1;
			break;
		case OPT_STATE:
			o->state = optarg;
			break;
		case OPT_CACHE:
			o->cache = 1;
			break;
		case OPT_CACHE_DIR:
			o->cache_dir = optarg;
			break;
		case OPT_OFFLINE:
			o->offline = 1;
			break;
		default:
			r = mare_cli_common_option(c, optarg, &o->common, err);
			if (r == 2)
				return -2;
			if (r < 0)
				return -1;
			if (r == 0)
				return mare_err_set(err, MARE_E_USAGE,
				    "unknown option");
			break;
		}
	}
	if (optind >= argc)
		return mare_err_set(err, MARE_E_USAGE, "no source given "
		    "(gbif, gbif-download, obis, dwca, csv or seed-cache)");
	for (i = 1; i <= SUB_GBIF_DOWNLOAD; i++)
		if (strcmp(argv[optind], subnames[i]) == 0)
			o->sub = (enum sub)i;
	if (o->sub == SUB_NONE)
		return mare_err_set(err, MARE_E_USAGE, "unknown source '%s'",
		    argv[optind]);
	optind++;
	o->inputs = argv + optind;
	o->ninputs = argc - optind;
	switch (o->sub) {
	case SUB_GBIF:
	case SUB_OBIS:
	case SUB_GBIF_DOWNLOAD:
		if (o->ninputs > 0)
			return mare_err_set(err, MARE_E_USAGE, "%s takes no "
			    "file, got '%s'", subnames[o->sub], o->inputs[0]);
		break;
	case SUB_DWCA:
		if (o->ninputs == 0)
			return mare_err_set(err, MARE_E_USAGE,
			    "dwca needs an archive");
		/* FALLTHROUGH */
	case SUB_CSV:
		if (o->ninputs > 1)
			return mare_err_set(err, MARE_E_USAGE, "%s takes one "
			    "file, got '%s' too", subnames[o->sub],
			    o->inputs[1]);
		break;
	case SUB_SEED_CACHE:
		if (o->ninputs == 0)
			return mare_err_set(err, MARE_E_USAGE,
			    "seed-cache needs INDEX.tsv files");
		break;
	case SUB_NONE:
		break;
	}
	return 0;
}

/*
 * Options are checked per source: an option meant for another source is a
 * mistake, not noise.
 */
static int
check_applicable(const struct opts *o, struct mare_err *err)
{
	const char *bad = NULL;
	int s = (int)o->sub;

	int dl = s == SUB_GBIF_DOWNLOAD, net = s == SUB_GBIF ||
	    s == SUB_OBIS || dl;

	if (s != SUB_GBIF && !dl && (o->taxon_key || o->year ||
	    o->has_coord || o->basis || o->dataset_key || o->country))
		bad = "a gbif filter";
	else if (s != SUB_GBIF && o->offset_cap_set)
		bad = "--offset-cap";
	else if (!dl && (o->format || o->download_key || o->download_dir))
		bad = "--format, --download-key or --download-dir";
	else if (dl && (o->limit || o->page_size || o->offline))
		bad = "--limit, --page-size or --offline";
	else if (s != SUB_OBIS && (o->taxon_id || o->start_date ||
	    o->end_date || o->depth_min || o->depth_max || o->exclude_flags))
		bad = "an obis filter";
	else if (!net && (o->taxon || o->geometry
	    || o->bbox_set || o->limit || o->page_size || o->base_url ||
	    o->max_retries_set || o->retry_wait_set || o->timeout > 0 ||
	    o->rate > 0 || o->state || o->offline))
		bad = "a network option";
	else if (s != SUB_CSV && (o->nmaps > 0 || o->delim != 0))
		bad = "--map or --delimiter";
	else if (s != SUB_CSV && s != SUB_DWCA && !dl && (o->reject ||
	    o->encoding))
		bad = "--reject or --encoding";
	else if (s == SUB_SEED_CACHE && o->provenance)
		bad = "--provenance";
	else if ((s == SUB_CSV || s == SUB_DWCA) && (o->cache ||
	    o->cache_dir))
		bad = "a cache option";
	else if (s == SUB_SEED_CACHE && (o->fields || o->drop_personal))
		bad = "--fields or --drop-personal";
	if (bad != NULL)
		return mare_err_set(err, MARE_E_USAGE, "%s does not apply to "
		    "'%s' (see --help)", bad, subnames[s]);
	if (s == SUB_GBIF && o->page_size > GBIF_MAX_PAGE)
		return mare_err_set(err, MARE_E_USAGE, "invalid --page-size "
		    "value '%llu': GBIF serves at most %d records a page",
		    o->page_size, GBIF_MAX_PAGE);
	if (s == SUB_GBIF && o->taxon && o->taxon_key)
		return mare_err_set(err, MARE_E_USAGE,
		    "--taxon and --taxon-key exclude each other");
	if (o->state != NULL && !dl && mare_io_is_stdio(o->common.output))
		return mare_err_set(err, MARE_E_USAGE,
		    "--state needs -o <file>: standard output cannot be "
		    "resumed");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Records out */

struct sink {
	const struct opts *o;
	struct mare_out	*out;		/* atomic output, or NULL */
	FILE		*fp;		/* where records go */
	const char	*name;
	struct mare_out	*rej;
	unsigned long long in, written, rejected;
	unsigned long long pages, requests;	/* gbif, obis */
	int		 complete;	/* --state said: nothing to do */
};

/* Apply --drop-personal and --fields, then write rec (consumed). */
static int
emit(struct sink *s, json_t *rec, struct mare_err *err)
{
	json_t *sel, *v;
	size_t i;
	int rc;

	if (s->o->drop_personal)
		mare_record_drop_personal(rec);
	if (s->o->fields != NULL) {
		sel = json_object();
		if (sel == NULL) {
			json_decref(rec);
			return mare_err_set(err, MARE_E_NOMEM,
			    "out of memory");
		}
		for (i = 0; i < s->o->nfields; i++) {
			v = json_object_get(rec, s->o->fields[i]);
			if (v != NULL)
				json_object_set(sel, s->o->fields[i], v);
		}
		json_decref(rec);
		rec = sel;
	}
	rc = mare_jsonl_write(s->fp, rec, err);
	json_decref(rec);
	if (rc != 0) {
		mare_err_at(err, s->name, 0, 0);
		return -1;
	}
	s->written++;
	return 0;
}

static int
emit_reject(struct sink *s, json_t *rej, struct mare_err *err)
{
	int rc;

	s->rejected++;
	rc = mare_jsonl_write(mare_out_file(s->rej), rej, err);
	json_decref(rej);
	if (rc != 0)
		mare_err_at(err, mare_out_name(s->rej), 0, 0);
	return rc;
}

static void
count_metrics(const struct sink *s)
{
	struct mare_prom *p = mare_cli_metrics();
	const char *src = s->o->sub == SUB_NONE ? "" : subnames[s->o->sub];
	char lab[64];

	if (p == NULL)
		return;
	snprintf(lab, sizeof(lab), "source=\"%s\"", src);
	mare_prom_set(p, "mare_fetch_records_in_total", MARE_PROM_COUNTER,
	    "Records read from the source.", lab, (double)s->in, NULL);
	mare_prom_set(p, "mare_fetch_records_total", MARE_PROM_COUNTER,
	    "Records written.", lab, (double)s->written, NULL);
	mare_prom_set(p, "mare_fetch_rejected_total", MARE_PROM_COUNTER,
	    "Rows rejected.", lab, (double)s->rejected, NULL);
}

/* ------------------------------------------------------------------ */
/* dwca, csv */

static int
run_files(const struct opts *o, const char *path, struct sink *s,
    struct mare_err *err)
{
	struct mare_dwca *d = NULL;
	struct mare_csv *csv = NULL;
	struct mare_csv_map *map = NULL;
	struct mare_cli_progress *bar;
	json_t *rec = NULL;
	int rc;

	if (o->sub != SUB_CSV) {
		struct mare_dwca_opts dopts;

		memset(&dopts, 0, sizeof(dopts));
		dopts.encoding = o->encoding;
		dopts.reject_bad_rows = o->reject != NULL;
		d = mare_dwca_open(path, &dopts, err);
		if (d == NULL)
			return -1;
		mare_cli_info(1, "%s: core %s, occurrences from %s",
		    path, mare_dwca_core_type(d)[0] != '\0' ?
		    mare_dwca_core_type(d) : "(none: simple CSV)",
		    mare_dwca_member(d));
	} else {
		struct mare_csv_opts copts;

		memset(&copts, 0, sizeof(copts));
		copts.delim = o->delim;
		copts.encoding = o->encoding;
		copts.reject_bad_rows = o->reject != NULL;
		csv = mare_csv_open(path, &copts, err);
		if (csv == NULL)
			return -1;
		map = mare_csv_map_new(csv, o->maps, err);
		if (map == NULL) {
			mare_csv_close(csv);
			return -1;
		}
	}
	bar = mare_cli_progress_new(&o->common, o->sub == SUB_CSV ? "csv" :
	    "dwca", 0, "records");
	for (;;) {
		if (d != NULL)
			rc = mare_dwca_read(d, &rec, err);
		else
			rc = mare_csv_read_record(csv, map, "csv", &rec, err);
		if (rc == 0 || rc < 0)
			break;
		s->in++;
		if (rc == 1)
			rc = emit(s, rec, err);
		else
			rc = emit_reject(s, rec, err);
		rec = NULL;
		if (rc != 0)
			break;
		mare_cli_progress_update(bar, s->in);
	}
	mare_cli_progress_free(bar);
	mare_dwca_close(d);
	mare_csv_map_free(map);
	mare_csv_close(csv);
	return rc < 0 ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* URLs */

struct buf {
	char	*s;
	size_t	 len, size;
};

static int
buf_add(struct buf *b, const char *s, size_t n)
{
	char *p;
	size_t want;

	if (b->len + n + 1 > b->size) {
		want = (b->len + n + 1) * 2;
		p = realloc(b->s, want);
		if (p == NULL)
			return -1;
		b->s = p;
		b->size = want;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

static int
buf_str(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

/* Append "&name=value" (or "?" first), value percent-encoded. */
static int
buf_param(struct buf *b, const char *name, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char e[3];

	if (buf_str(b, strchr(b->s, '?') == NULL ? "?" : "&") != 0 ||
	    buf_str(b, name) != 0 || buf_str(b, "=") != 0)
		return -1;
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~') {
			if (buf_add(b, (const char *)p, 1) != 0)
				return -1;
			continue;
		}
		e[0] = '%';
		e[1] = hex[*p >> 4];
		e[2] = hex[*p & 15];
		if (buf_add(b, e, 3) != 0)
			return -1;
	}
	return 0;
}

static int
buf_param_ull(struct buf *b, const char *name, unsigned long long v)
{
	char t[32];

	snprintf(t, sizeof(t), "%llu", v);
	return buf_param(b, name, t);
}

/* "POLYGON((w s,e s,e n,w n,w s))" of --bbox. */
static void
bbox_wkt(const double *bb, char *t, size_t size)
{
	snprintf(t, size, "POLYGON((%.10g %.10g,%.10g %.10g,%.10g %.10g,"
	    "%.10g %.10g,%.10g %.10g))", bb[0], bb[1], bb[2], bb[1], bb[2],
	    bb[3], bb[0], bb[3], bb[0], bb[1]);
}

/* ------------------------------------------------------------------ */
/* Fetching one document */

struct net {
	const struct opts *o;
	struct mare_http *http;
	struct mare_cache *cache;
	unsigned long long cache_hits;
	char		 taxon_key[64];	/* --taxon resolved, or "" */
};

/*
 * GET url as a JSON object with member (NULL: any object), from the cache
 * when there is one and it holds the URL. Returns the document (new
 * reference) or NULL with err set.
 */
static json_t *
get_json(struct net *n, const char *url, const char *member,
    struct mare_err *err)
{
	struct mare_cache_entry ent;
	struct mare_http_response resp;
	json_error_t je;
	json_t *doc;
	int r;

	memset(&ent, 0, sizeof(ent));
	memset(&resp, 0, sizeof(resp));
	if (n->cache != NULL) {
		r = mare_cache_get(n->cache, url, &ent, err);
		if (r < 0)
			return NULL;
		if (ent.corrupt)
			mare_cli_warn("cache: %s", ent.warning);
		if (r == 1) {
			n->cache_hits++;
			doc = json_loadb(ent.body, ent.len, 0, &je);
			mare_cache_entry_release(&ent);
			if (doc == NULL || !json_is_object(doc)) {
				json_decref(doc);
				mare_err_set(err, MARE_E_DATA, "cached "
				    "response for %s is not a JSON object",
				    url);
				return NULL;
			}
			return doc;
		}
	}
	mare_http_set_validator(n->http, mare_api_valid_page,
	    (void *)(uintptr_t)member);
	mare_cli_info(2, "GET %s", url);
	if (mare_http_get(n->http, url, &resp, err) != 0)
		return NULL;
	doc = json_loadb(resp.body, resp.len, 0, &je);
	if (doc != NULL && n->cache != NULL &&
	    mare_cache_put(n->cache, url, resp.status, resp.date,
	    resp.content_type, resp.body, resp.len, err) != 0) {
		json_decref(doc);
		doc = NULL;
	} else if (doc == NULL)
		mare_err_set(err, MARE_E_DATA, "GET %s: not JSON: %s", url,
		    je.text);
	mare_http_response_release(&resp);
	return doc;
}

/* "GET url", for the messages of lib/api; NULL when out of memory. */
static char *
get_what(const char *url)
{
	size_t len = strlen(url) + 5;
	char *w = malloc(len);

	if (w != NULL)
		snprintf(w, len, "GET %s", url);
	return w;
}

/* ------------------------------------------------------------------ */
/* State */

struct state {
	char		*query;		/* what identifies the query */
	unsigned long long offset;	/* gbif: next offset */
	char		*after;		/* obis: last id, or NULL */
	unsigned long long records;	/* records written so far */
	unsigned long long pages;
	unsigned long long bytes;	/* output size after them */
	int		 complete;
	char		**parts;	/* gbif split: the parts' parameters */
	size_t		 nparts;
	size_t		 part;		/* the part being fetched */
};

static int
state_save(const char *path, const struct state *st, struct mare_err *err)
{
	struct mare_out *out;
	json_t *doc;
	int rc;

	json_t *parts = NULL;
	size_t i;

	doc = json_pack("{s:i, s:s, s:I, s:s?, s:I, s:I, s:I, s:b}",
	    "mare_fetch_state", STATE_VERSION, "query", st->query,
	    "offset", (json_int_t)st->offset, "after", st->after,
	    "records", (json_int_t)st->records,
	    "pages", (json_int_t)st->pages,
	    "bytes", (json_int_t)st->bytes, "complete", st->complete);
	if (doc != NULL && st->nparts > 0) {
		parts = json_array();
		for (i = 0; parts != NULL && i < st->nparts; i++)
			if (json_array_append_new(parts,
			    json_string(st->parts[i])) != 0) {
				json_decref(parts);
				parts = NULL;
			}
		if (parts == NULL || json_object_set_new(doc, "parts",
		    parts) != 0 || json_object_set_new(doc, "part",
		    json_integer((json_int_t)st->part)) != 0) {
			json_decref(doc);
			doc = NULL;
		}
	}
	if (doc == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	out = mare_out_open(path, MARE_OUT_SYNC, err);
	if (out == NULL) {
		json_decref(doc);
		return -1;
	}
	rc = mare_jsonl_write(mare_out_file(out), doc, err);
	json_decref(doc);
	if (rc != 0) {
		mare_out_abort(out);
		return -1;
	}
	return mare_out_commit(out, err);
}

/* Returns 1 with *st filled, 0 when path does not exist, -1 on error. */
static int
state_load(const char *path, struct state *st, struct mare_err *err)
{
	json_error_t je;
	json_t *doc, *after, *parts, *part, *v;
	json_int_t ver, off, recs, pages, bytes;
	size_t i;
	const char *q;
	int complete;

	if (access(path, F_OK) != 0 && errno == ENOENT)
		return 0;
	doc = json_load_file(path, 0, &je);
	if (doc == NULL)
		return mare_err_set(err, MARE_E_DATA, "state file '%s': %s",
		    path, je.text);
	after = NULL;
	if (json_unpack_ex(doc, &je, 0, "{s:I, s:s, s:I, s:o, s:I, s:I, "
	    "s:I, s:b}", "mare_fetch_state", &ver, "query", &q, "offset",
	    &off, "after", &after, "records", &recs, "pages", &pages,
	    "bytes", &bytes, "complete", &complete) != 0 ||
	    ver != STATE_VERSION || off < 0 || recs < 0 || bytes < 0 ||
	    pages < 0 || (!json_is_string(after) && !json_is_null(after))) {
		json_decref(doc);
		return mare_err_set(err, MARE_E_DATA, "state file '%s': not "
		    "a mare-fetch state (version %d)", path, STATE_VERSION);
	}
	st->query = strdup(q);
	st->after = json_is_string(after) ?
	    strdup(json_string_value(after)) : NULL;
	st->offset = (unsigned long long)off;
	st->records = (unsigned long long)recs;
	st->pages = (unsigned long long)pages;
	st->bytes = (unsigned long long)bytes;
	st->complete = complete;
	parts = json_object_get(doc, "parts");
	part = json_object_get(doc, "part");
	if (parts != NULL && (!json_is_array(parts) || json_array_size(parts)
	    == 0 || !json_is_integer(part) || json_integer_value(part) < 0 ||
	    (size_t)json_integer_value(part) > json_array_size(parts))) {
		json_decref(doc);
		return mare_err_set(err, MARE_E_DATA, "state file '%s': bad "
		    "'parts' or 'part'", path);
	}
	if (parts != NULL) {
		st->nparts = json_array_size(parts);
		st->part = (size_t)json_integer_value(part);
		st->parts = calloc(st->nparts, sizeof(*st->parts));
		for (i = 0; st->parts != NULL && i < st->nparts; i++) {
			v = json_array_get(parts, i);
			if (!json_is_string(v) || (st->parts[i] =
			    strdup(json_string_value(v))) == NULL) {
				json_decref(doc);
				return mare_err_set(err, MARE_E_DATA, "state "
				    "file '%s': bad 'parts'", path);
			}
		}
	}
	/* after and parts die with doc: test them first */
	i = (json_is_string(after) && st->after == NULL) ||
	    (parts != NULL && st->parts == NULL);
	json_decref(doc);
	if (st->query == NULL || i)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return 1;
}

/* ------------------------------------------------------------------ */
/* gbif, obis */

/*
 * The query's URL without the paging parameters; split: without --year and
 * --bbox too (gbif; the parts of a split query add their own).
 */
static int
base_query(const struct opts *o, struct net *n, struct buf *b, int split,
    struct mare_err *err)
{
	const char *base = o->base_url;
	char wkt[512], t[64];
	json_t *m = NULL, *v;
	size_t blen;
	int rc = 0;

	if (base == NULL)
		base = o->sub != SUB_OBIS ? GBIF_BASE : OBIS_BASE;
	blen = strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	if (o->sub != SUB_OBIS && o->taxon != NULL &&
	    n->taxon_key[0] != '\0')
		snprintf(t, sizeof(t), "%s", n->taxon_key);
	else if (o->sub != SUB_OBIS && o->taxon != NULL) {
		if (buf_add(b, base, blen) != 0 ||
		    buf_str(b, "/species/match") != 0 ||
		    buf_param(b, "name", o->taxon) != 0)
			goto nomem;
		m = get_json(n, b->s, NULL, err);
		if (m == NULL)
			return -1;
		v = json_object_get(m, "usageKey");
		if (!json_is_integer(v)) {
			v = json_object_get(m, "matchType");
			mare_err_set(err, MARE_E_DATA, "--taxon '%s': GBIF "
			    "found no match (matchType %s)", o->taxon,
			    json_is_string(v) ? json_string_value(v) :
			    "missing");
			json_decref(m);
			return -1;
		}
		snprintf(t, sizeof(t), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		snprintf(n->taxon_key, sizeof(n->taxon_key), "%s", t);
		v = json_object_get(m, "scientificName");
		mare_cli_info(1, "--taxon '%s': taxon key %s (%s)", o->taxon,
		    t, json_is_string(v) ? json_string_value(v) : "?");
		b->len = 0;
		b->s[0] = '\0';
	}
	if (buf_add(b, base, blen) != 0)
		goto nomem;
	if (o->sub != SUB_OBIS) {
		rc |= buf_str(b, "/occurrence/search");
		rc |= buf_param(b, "occurrenceStatus", "PRESENT");
		if (o->taxon != NULL)
			rc |= buf_param(b, "taxonKey", t);
		if (o->taxon_key != NULL)
			rc |= buf_param(b, "taxonKey", o->taxon_key);
		if (o->geometry != NULL)
			rc |= buf_param(b, "geometry", o->geometry);
		if (o->bbox_set && !split) {
			snprintf(wkt, sizeof(wkt), "%.10g,%.10g", o->bbox[0],
			    o->bbox[2]);
			rc |= buf_param(b, "decimalLongitude", wkt);
			snprintf(wkt, sizeof(wkt), "%.10g,%.10g", o->bbox[1],
			    o->bbox[3]);
			rc |= buf_param(b, "decimalLatitude", wkt);
		}
		if (o->year != NULL && !split)
			rc |= buf_param(b, "year", o->year);
		if (o->has_coord)
			rc |= buf_param(b, "hasCoordinate", "true");
		if (o->basis != NULL)
			rc |= buf_param(b, "basisOfRecord", o->basis);
		if (o->dataset_key != NULL)
			rc |= buf_param(b, "datasetKey", o->dataset_key);
		if (o->country != NULL)
			rc |= buf_param(b, "country", o->country);
	} else {
		rc |= buf_str(b, "/occurrence");
		if (o->taxon_id != NULL)
			rc |= buf_param(b, "taxonid", o->taxon_id);
		if (o->taxon != NULL)
			rc |= buf_param(b, "scientificname", o->taxon);
		if (o->geometry != NULL)
			rc |= buf_param(b, "geometry", o->geometry);
		if (o->bbox_set) {
			bbox_wkt(o->bbox, wkt, sizeof(wkt));
			rc |= buf_param(b, "geometry", wkt);
		}
		if (o->start_date != NULL)
			rc |= buf_param(b, "startdate", o->start_date);
		if (o->end_date != NULL)
			rc |= buf_param(b, "enddate", o->end_date);
		if (o->depth_min != NULL)
			rc |= buf_param(b, "startdepth", o->depth_min);
		if (o->depth_max != NULL)
			rc |= buf_param(b, "enddepth", o->depth_max);
		if (o->exclude_flags != NULL)
			rc |= buf_param(b, "exclude", o->exclude_flags);
	}
	json_decref(m);
	if (rc != 0)
		goto nomem;
	return 0;
nomem:
	json_decref(m);
	return mare_err_set(err, MARE_E_NOMEM, "out of memory");
}

/* The output for a resumable run: truncated to st->bytes, or new. */
static FILE *
open_resumable(const char *path, const struct state *st, int resume,
    struct mare_err *err)
{
	struct stat sb;
	FILE *fp;
	int fd;

	if (!resume) {
		fp = fopen(path, "wb");
		if (fp == NULL)
			mare_err_sys(err, MARE_E_CANTCREAT, "cannot create "
			    "'%s'", path);
		return fp;
	}
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		mare_err_sys(err, MARE_E_NOINPUT, "cannot resume into '%s' "
		    "(remove the state file to start over)", path);
		return NULL;
	}
	if (fstat(fd, &sb) != 0 || (unsigned long long)sb.st_size <
	    st->bytes) {
		close(fd);
		mare_err_set(err, MARE_E_DATA, "cannot resume: '%s' is "
		    "shorter than the %llu bytes the state file recorded",
		    path, st->bytes);
		return NULL;
	}
	if (ftruncate(fd, (off_t)st->bytes) != 0 ||
	    lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		mare_err_sys(err, MARE_E_IO, "cannot truncate '%s'", path);
		return NULL;
	}
	fp = fdopen(fd, "ab");
	if (fp == NULL) {
		close(fd);
		mare_err_sys(err, MARE_E_IO, "cannot open '%s'", path);
	}
	return fp;
}

static int
sync_out(FILE *fp, const char *name, unsigned long long *bytes,
    struct mare_err *err)
{
	off_t pos;

	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		return mare_err_sys(err, MARE_E_IO, "cannot write '%s'",
		    name);
	pos = ftello(fp);
	if (pos < 0)
		return mare_err_sys(err, MARE_E_IO, "cannot tell '%s'",
		    name);
	*bytes = (unsigned long long)pos;
	return 0;
}

static void
http_metrics(const struct net *n, unsigned long long pages,
    unsigned long long *requests)
{
	struct mare_prom *p = mare_cli_metrics();
	struct mare_http_stats hs;

	mare_http_get_stats(n->http, &hs);
	*requests = hs.requests;
	if (p == NULL)
		return;
	mare_prom_set(p, "mare_fetch_requests_total", MARE_PROM_COUNTER,
	    "HTTP requests sent (attempts).", NULL, (double)hs.requests, NULL);
	mare_prom_set(p, "mare_fetch_retries_total", MARE_PROM_COUNTER,
	    "HTTP attempts after the first of a request.", NULL,
	    (double)hs.retries, NULL);
	mare_prom_set(p, "mare_fetch_bytes_total", MARE_PROM_COUNTER,
	    "Response body bytes received (decoded).", NULL,
	    (double)hs.bytes, NULL);
	mare_prom_set(p, "mare_fetch_pages_total", MARE_PROM_COUNTER,
	    "Pages of records read.", NULL, (double)pages, NULL);
	mare_prom_set(p, "mare_fetch_cache_hits_total", MARE_PROM_COUNTER,
	    "Responses served from the cache.", NULL,
	    (double)n->cache_hits, NULL);
}

/* ------------------------------------------------------------------ */
/* gbif: splitting a query past the offset cap (lib/split.h plans it) */

/*
 * The parts are fetched one after another with offset paging; the state
 * file keeps the plan, as each part's query parameters, and the part
 * being fetched. Records that no part can reach (records without a year:
 * GBIF's search cannot select "year is null") are counted as the reported
 * count minus the sum of the parts' counts, and reported; gbif-download
 * gets them.
 */

/* What a region's count request needs: the query without year and box. */
struct split {
	const struct opts *o;
	struct net	*n;
	const char	*q;
};

/* A region's query parameters: year, then hasCoordinate or the box. */
static int
region_params(const struct opts *o, const struct mare_split_region *r,
    struct buf *b)
{
	char t[96];
	int rc = 0;

	if (!r->ylo_open || !r->yhi_open || o->year != NULL) {
		if (!r->ylo_open && !r->yhi_open && r->ylo == r->yhi)
			snprintf(t, sizeof(t), "%d", r->ylo);
		else {
			char a[16], c[16];

			snprintf(a, sizeof(a), r->ylo_open ? "*" : "%d",
			    r->ylo);
			snprintf(c, sizeof(c), r->yhi_open ? "*" : "%d",
			    r->yhi);
			snprintf(t, sizeof(t), "%s,%s", a, c);
		}
		rc |= buf_param(b, "year", t);
	}
	if (r->nocoord)
		rc |= buf_param(b, "hasCoordinate", "false");
	else if (r->spatial || o->bbox_set) {
		snprintf(t, sizeof(t), "%.17g,%.17g", r->box[0], r->box[2]);
		rc |= buf_param(b, "decimalLongitude", t);
		snprintf(t, sizeof(t), "%.17g,%.17g", r->box[1], r->box[3]);
		rc |= buf_param(b, "decimalLatitude", t);
	}
	return rc;
}

/* The planner's count function: a limit=0 request for the region. */
static int
region_count(const struct mare_split_region *r, unsigned long long *count,
    void *arg, struct mare_err *err)
{
	const struct split *sp = arg;
	struct buf b;
	json_t *doc;
	char *what;
	int rc = -1;

	memset(&b, 0, sizeof(b));
	if (buf_str(&b, sp->q) != 0 || region_params(sp->o, r, &b) != 0 ||
	    buf_param(&b, "limit", "0") != 0) {
		free(b.s);
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	}
	doc = get_json(sp->n, b.s, "count", err);
	if (doc != NULL) {
		if ((what = get_what(b.s)) == NULL)
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
		else
			rc = mare_api_count(doc, count, what, err);
		free(what);
	}
	json_decref(doc);
	free(b.s);
	return rc;
}

/* On resume: the keys of the records already in the output. */
static int
keyset_load(struct mare_keyset *ks, const char *path,
    unsigned long long bytes, struct mare_err *err)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long long pos = 0;
	json_t *rec;
	uint64_t key;
	FILE *fp;

	fp = fopen(path, "rb");
	if (fp == NULL)
		return mare_err_sys(err, MARE_E_NOINPUT, "cannot read '%s'",
		    path);
	while (pos < bytes && (len = getline(&line, &cap, fp)) > 0) {
		pos += (unsigned long long)len;
		rec = json_loadb(line, (size_t)len, 0, NULL);
		if (rec != NULL && mare_api_gbif_key(rec, &key) == 0 &&
		    mare_keyset_add(ks, &key, sizeof(key), err) < 0) {
			json_decref(rec);
			free(line);
			fclose(fp);
			return -1;
		}
		json_decref(rec);
	}
	free(line);
	fclose(fp);
	return 0;
}

static void
parts_free(char **parts, size_t n)
{
	size_t i;

	if (parts == NULL)
		return;
	for (i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
}

/*
 * Plan the parts of a gbif query whose count is above the cap; qs is the
 * query without --year and --bbox. On success *parts holds each part's
 * parameters ("year=...&..."), *nparts of them.
 */
static int
plan_split(const struct opts *o, struct net *n, const char *qs,
    unsigned long long total, char ***parts, size_t *nparts,
    struct mare_err *err)
{
	struct split sp = { o, n, qs };
	struct mare_split plan;
	struct mare_split_opts so;
	struct mare_split_region root;
	struct buf b;
	struct tm tm;
	time_t now = mare_cli_now();
	char **ps = NULL;
	size_t i;
	int rc = -1;

	memset(&plan, 0, sizeof(plan));
	memset(&root, 0, sizeof(root));
	so.cap = o->offset_cap;
	so.cur_year = gmtime_r(&now, &tm) != NULL ? tm.tm_year + 1900 : 2100;
	so.nocoord_part = !o->has_coord && !o->bbox_set && o->geometry == NULL;
	root.ylo_open = root.yhi_open = 1;
	if (o->year != NULL && mare_split_parse_year(o->year, &root) != 0)
		return mare_err_set(err, MARE_E_USAGE, "cannot split the "
		    "query: --year '%s' is not A or A,B", o->year);
	if (o->bbox_set)
		memcpy(root.box, o->bbox, sizeof(root.box));
	else if (o->geometry != NULL) {
		if (mare_split_wkt_box(o->geometry, root.box) != 0)
			return mare_err_set(err, MARE_E_USAGE, "cannot split "
			    "the query: no bounding box in --geometry");
	} else {
		root.box[0] = -180;
		root.box[1] = -90;
		root.box[2] = 180;
		root.box[3] = 90;
	}
	mare_cli_note("%llu records, above the %llu GBIF serves of one "
	    "query: splitting it", total, so.cap);
	if (mare_split_plan(&plan, &so, &root, total, region_count, &sp,
	    err) != 0)
		goto out;
	if (plan.nparts > 0 &&
	    (ps = calloc(plan.nparts, sizeof(*ps))) == NULL)
		goto nomem;
	for (i = 0; i < plan.nparts; i++) {
		/* "?" first, so that the parameters come as "&name=value" */
		memset(&b, 0, sizeof(b));
		if (buf_str(&b, "?") != 0 ||
		    region_params(o, &plan.parts[i], &b) != 0) {
			free(b.s);
			goto nomem;
		}
		memmove(b.s, b.s + 1, b.len);
		ps[i] = b.s;
		mare_cli_info(2, "part %zu: %llu records: %s", i + 1,
		    plan.counts[i], b.s);
	}
	mare_cli_note("%zu parts (%llu count requests), %llu records",
	    plan.nparts, plan.requests, plan.sum);
	if (plan.sum < total)
		mare_cli_warn("%llu of the %llu records are in no part: "
		    "records without a year cannot be selected by GBIF's "
		    "search; 'mare-fetch gbif-download' gets them",
		    total - plan.sum, total);
	*parts = ps;
	*nparts = plan.nparts;
	ps = NULL;
	rc = 0;
	goto out;
nomem:
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
out:
	parts_free(ps, plan.nparts);
	mare_split_release(&plan);
	return rc;
}

static int
run_api(const struct opts *o, struct net *n, struct sink *s,
    struct mare_err *err)
{
	struct state st, old;
	struct mare_keyset *ks = NULL;
	struct buf q, qs, url;
	struct mare_cli_progress *bar = NULL;
	struct mare_api_page pg;
	json_t *doc, *res, *rec;
	const char *after;
	char *what = NULL;
	unsigned long long page, want, total = 0, dups = 0;
	uint64_t key;
	size_t i;
	int resume = 0, rc = -1, gbif = o->sub == SUB_GBIF, end = 0, r;
	char t[64];

	memset(&st, 0, sizeof(st));
	memset(&old, 0, sizeof(old));
	memset(&pg, 0, sizeof(pg));
	memset(&q, 0, sizeof(q));
	memset(&qs, 0, sizeof(qs));
	memset(&url, 0, sizeof(url));
	if (buf_str(&q, "") != 0 || buf_str(&url, "") != 0 ||
	    buf_str(&qs, "") != 0) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto out;
	}
	if (base_query(o, n, &q, 0, err) != 0 ||
	    (gbif && base_query(o, n, &qs, 1, err) != 0))
		goto out;
	page = o->page_size ? o->page_size : gbif ? GBIF_MAX_PAGE : OBIS_PAGE;
	snprintf(t, sizeof(t), " limit=%llu", o->limit);
	if (buf_str(&url, q.s) != 0 || buf_str(&url, t) != 0 ||
	    (st.query = strdup(url.s)) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto out;
	}
	if (o->state != NULL) {
		resume = state_load(o->state, &old, err);
		if (resume < 0)
			goto out;
		if (resume && strcmp(old.query, st.query) != 0) {
			mare_err_set(err, MARE_E_USAGE, "state file '%s' "
			    "belongs to another query (%s); remove it or "
			    "use another", o->state, old.query);
			goto out;
		}
		if (resume && old.complete) {
			mare_cli_note("%s: already complete, %llu records "
			    "in '%s'", o->state, old.records, s->name);
			s->complete = 1;
			rc = 0;
			goto out;
		}
		if (resume) {
			st.offset = old.offset;
			st.after = old.after;
			old.after = NULL;
			st.records = old.records;
			st.pages = old.pages;
			st.bytes = old.bytes;
			st.parts = old.parts;
			st.nparts = old.nparts;
			st.part = old.part;
			old.parts = NULL;
			mare_cli_note("resuming after %llu records (%llu "
			    "pages) from '%s'", st.records, st.pages,
			    o->state);
		}
		s->fp = open_resumable(s->name, &st, resume, err);
		if (s->fp == NULL)
			goto out;
		if (!resume && state_save(o->state, &st, err) != 0)
			goto out;
		if (st.nparts > 0 && ((ks = mare_keyset_new(err)) == NULL ||
		    keyset_load(ks, s->name, st.bytes, err) != 0))
			goto out;
	}
	end = st.nparts > 0 && st.part >= st.nparts;
	while (!end) {
		want = page;
		if (o->limit > 0 && o->limit - st.records < want)
			want = o->limit - st.records;
		if (gbif && st.offset + want > o->offset_cap)
			want = st.offset < o->offset_cap ?
			    o->offset_cap - st.offset : 0;
		if (gbif && want == 0) {
			mare_err_set(err, MARE_E_UNAVAILABLE, "GBIF serves "
			    "at most %llu records of one query (this one "
			    "has %llu): narrow it (--year, --bbox, "
			    "--geometry) or set --limit", o->offset_cap,
			    total);
			goto stopped;
		}
		url.len = 0;
		if (buf_str(&url, st.nparts > 0 ? qs.s : q.s) != 0 ||
		    (st.nparts > 0 && buf_str(&url, st.parts[st.part]) != 0) ||
		    buf_param_ull(&url, gbif ? "limit" : "size", want) != 0 ||
		    (gbif && buf_param_ull(&url, "offset", st.offset) != 0) ||
		    (!gbif && st.after != NULL &&
		    buf_param(&url, "after", st.after) != 0)) {
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto out;
		}
		doc = get_json(n, url.s, "results", err);
		if (doc == NULL)
			goto stopped;
		free(what);
		if ((what = get_what(url.s)) == NULL) {
			json_decref(doc);
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto out;
		}
		if (mare_api_page_set(&pg, gbif ? MARE_API_GBIF :
		    MARE_API_OBIS, doc, what, err) != 0)
			goto out;
		if (pg.has_total && (st.nparts == 0 || total == 0))
			total = pg.total;
		if (gbif && st.nparts == 0 && st.offset == 0 &&
		    total > o->offset_cap &&
		    (o->limit == 0 || o->limit > o->offset_cap)) {
			/* this page is not written: the parts hold it */
			mare_api_page_release(&pg);
			if (plan_split(o, n, qs.s, total, &st.parts,
			    &st.nparts, err) != 0)
				goto stopped;
			if (st.nparts == 0) {
				mare_err_set(err, MARE_E_DATA, "GBIF reported "
				    "%llu records but no part has any",
				    total);
				goto out;
			}
			st.part = 0;
			if (o->state != NULL && state_save(o->state, &st,
			    err) != 0)
				goto out;
			continue;
		}
		if (bar == NULL) {
			bar = mare_cli_progress_new(&o->common,
			    subnames[o->sub], o->limit > 0 &&
			    o->limit < total ? o->limit : total, "records");
		}
		for (i = 0; i < pg.nres; i++) {
			if ((res = mare_api_page_result(&pg, i, what,
			    err)) == NULL)
				goto out;
			if (o->limit > 0 && st.records >= o->limit)
				break;
			if (st.nparts > 0 && mare_api_gbif_key(res, &key) == 0) {
				if (ks == NULL &&
				    (ks = mare_keyset_new(err)) == NULL)
					goto out;
				r = mare_keyset_add(ks, &key, sizeof(key),
				    err);
				if (r < 0)
					goto out;
				if (r == 0) {
					dups++;
					continue;
				}
			}
			rec = mare_api_record(res, subnames[o->sub], err);
			if (rec == NULL)
				goto out;
			s->in++;
			if (emit(s, rec, err) != 0)
				goto out;
			st.records++;
		}
		st.pages++;
		if (gbif) {
			st.offset += pg.nres;
			end = pg.nres == 0 || pg.end;
			if (end && st.nparts > 0 && ++st.part < st.nparts) {
				end = 0;
				st.offset = 0;
			}
		} else {
			end = pg.nres < want;
			if (mare_api_page_after(&pg, &after, what, err) != 0)
				goto out;
			if (after != NULL) {
				free(st.after);
				st.after = strdup(after);
				if (st.after == NULL) {
					mare_err_set(err, MARE_E_NOMEM,
					    "out of memory");
					goto out;
				}
			}
		}
		if (o->limit > 0 && st.records >= o->limit)
			end = 1;
		mare_api_page_release(&pg);
		if (o->state != NULL) {
			st.complete = end;
			if (sync_out(s->fp, s->name, &st.bytes, err) != 0 ||
			    state_save(o->state, &st, err) != 0)
				goto out;
		}
		mare_cli_progress_update(bar, st.records);
	}
	if (dups > 0)
		mare_cli_note("%llu records seen in two parts written once",
		    dups);
	rc = 0;
	goto out;
stopped:
	if (err != NULL && err->code == MARE_E_TEMPFAIL) {
		size_t len = strlen(err->msg);

		snprintf(err->msg + len, sizeof(err->msg) - len,
		    "; stopped after %llu records (%llu pages)%s",
		    st.records, st.pages, o->state != NULL ?
		    ": rerun to resume" : ": nothing written, use --state "
		    "to keep what was fetched");
	}
out:
	mare_cli_progress_free(bar);
	http_metrics(n, st.pages, &s->requests);
	s->pages = st.pages;
	mare_api_page_release(&pg);
	free(what);
	free(st.query);
	free(st.after);
	parts_free(st.parts, st.nparts);
	free(old.query);
	free(old.after);
	parts_free(old.parts, old.nparts);
	mare_keyset_free(ks);
	free(q.s);
	free(qs.s);
	free(url.s);
	return rc;
}

/* ------------------------------------------------------------------ */
/* gbif-download */

/*
 * GBIF's asynchronous download API: the filters become a predicate, POST
 * /occurrence/download/request with basic authentication (GBIF_USER and
 * GBIF_PWD from the environment, never from the command line, never in a
 * message) returns a key, GET /occurrence/download/KEY is polled no faster
 * than every 5 seconds until the download ends, and the archive of a
 * SUCCEEDED download is fetched into --download-dir (resuming with Range
 * when a previous attempt left part of it; its size checked against the
 * size GBIF reported) and read as dwca. With --state the key is kept, so a
 * rerun polls the same download instead of asking for a new one.
 *
 * GBIF runs at most 3 downloads of one user at a time (more: HTTP 420).
 * One run makes one download; runs on one machine share 3 slots, lock
 * files $TMPDIR/mare-gbif-USER.slotN held with flock(2) from the request
 * (or a rerun's first poll, when GBIF_USER is set) until the download has
 * ended, so that "make -j8" over many species waits for a free slot
 * instead of being refused.
 */

#define POLL_MIN_SECONDS	5.0
#define DOWNLOAD_SLOTS		3

struct download {
	char		*key;
	char		*doi;
	char		*created;
	char		*link;
	char		*status;
	char		*path;		/* the archive */
	char		*predicate;	/* JSON text */
	unsigned long long size, total;
	char		 citation[512];
};

static void
download_release(struct download *d)
{
	free(d->key);
	free(d->doi);
	free(d->created);
	free(d->link);
	free(d->status);
	free(d->path);
	free(d->predicate);
	memset(d, 0, sizeof(*d));
}

static int
pred_add(json_t *list, const char *type, const char *key, const char *value)
{
	return json_array_append_new(list, json_pack("{s:s, s:s, s:s}",
	    "type", type, "key", key, "value", value));
}

/* The predicate of the filters, as {"type":"and","predicates":[...]}. */
static json_t *
download_predicate(const struct opts *o, const char *taxon_key,
    struct mare_err *err)
{
	struct mare_split_region yr;
	json_t *p, *list;
	char wkt[512], t[16];
	int rc = 0;

	list = json_array();
	if (list == NULL)
		goto nomem;
	rc |= pred_add(list, "equals", "OCCURRENCE_STATUS", "PRESENT");
	if (taxon_key != NULL)
		rc |= pred_add(list, "equals", "TAXON_KEY", taxon_key);
	if (o->geometry != NULL || o->bbox_set) {
		if (o->bbox_set)
			bbox_wkt(o->bbox, wkt, sizeof(wkt));
		rc |= json_array_append_new(list, json_pack("{s:s, s:s}",
		    "type", "within", "geometry", o->bbox_set ? wkt :
		    o->geometry));
	}
	if (o->year != NULL) {
		memset(&yr, 0, sizeof(yr));
		if (mare_split_parse_year(o->year, &yr) != 0) {
			json_decref(list);
			mare_err_set(err, MARE_E_USAGE, "invalid --year value "
			    "'%s': expected A or A,B", o->year);
			return NULL;
		}
		if (!yr.ylo_open && !yr.yhi_open && yr.ylo == yr.yhi) {
			snprintf(t, sizeof(t), "%d", yr.ylo);
			rc |= pred_add(list, "equals", "YEAR", t);
		} else {
			if (!yr.ylo_open) {
				snprintf(t, sizeof(t), "%d", yr.ylo);
				rc |= pred_add(list, "greaterThanOrEquals",
				    "YEAR", t);
			}
			if (!yr.yhi_open) {
				snprintf(t, sizeof(t), "%d", yr.yhi);
				rc |= pred_add(list, "lessThanOrEquals",
				    "YEAR", t);
			}
		}
	}
	if (o->has_coord)
		rc |= pred_add(list, "equals", "HAS_COORDINATE", "true");
	if (o->basis != NULL)
		rc |= pred_add(list, "equals", "BASIS_OF_RECORD", o->basis);
	if (o->dataset_key != NULL)
		rc |= pred_add(list, "equals", "DATASET_KEY", o->dataset_key);
	if (o->country != NULL)
		rc |= pred_add(list, "equals", "COUNTRY", o->country);
	if (rc != 0) {
		json_decref(list);
		goto nomem;
	}
	p = json_pack("{s:s, s:o}", "type", "and", "predicates", list);
	if (p == NULL)
		goto nomem;
	return p;
nomem:
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return NULL;
}

/* Take one of the DOWNLOAD_SLOTS lock files; returns its fd or -1. */
static int
download_slot(const char *user, struct mare_err *err)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	const char *p;
	int fd[DOWNLOAD_SLOTS], i, k, got = -1;

	for (p = user; *p != '\0'; p++)
		if (*p == '/')
			return mare_err_set(err, MARE_E_USAGE, "GBIF_USER "
			    "must not contain '/'");
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	for (i = 0; i < DOWNLOAD_SLOTS; i++) {
		snprintf(path, sizeof(path), "%s/mare-gbif-%s.slot%d", tmp,
		    user, i);
		fd[i] = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd[i] < 0) {
			for (k = 0; k < i; k++)
				close(fd[k]);
			return mare_err_sys(err, MARE_E_CANTCREAT, "cannot "
			    "create '%s'", path);
		}
	}
	for (i = 0; i < DOWNLOAD_SLOTS && got < 0; i++)
		if (flock(fd[i], LOCK_EX | LOCK_NB) == 0)
			got = i;
	if (got < 0) {
		mare_cli_note("%d GBIF downloads of '%s' in flight: waiting "
		    "for one to end", DOWNLOAD_SLOTS, user);
		got = (int)(getpid() % DOWNLOAD_SLOTS);
		if (flock(fd[got], LOCK_EX) != 0)
			got = -1;
	}
	for (i = 0; i < DOWNLOAD_SLOTS; i++)
		if (i != got)
			close(fd[i]);
	if (got < 0)
		return mare_err_sys(err, MARE_E_IO, "cannot lock a download "
		    "slot");
	return fd[got];
}

static double
poll_seconds(void)
{
	const char *e = getenv("MARE_GBIF_POLL_SECONDS");
	char *end;
	double v;

	if (e == NULL || *e == '\0')
		return POLL_MIN_SECONDS;
	v = strtod(e, &end);
	return end != e && *end == '\0' && v >= 0 && v <= 3600 ? v :
	    POLL_MIN_SECONDS;
}

/* Poll until the download ends; fill d from the last status. */
static int
download_wait(const struct opts *o, struct net *n, const char *base,
    size_t blen, struct download *d, struct mare_err *err)
{
	struct mare_cache *cache = n->cache;
	struct mare_api_download ds;
	char *url, *what = NULL;
	json_t *doc;
	struct timespec ts;
	double wait = poll_seconds();
	int rc = -1, r;
	size_t len = blen + strlen(d->key) + 32;

	(void)o;
	if ((url = malloc(len)) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	snprintf(url, len, "%.*s/occurrence/download/%s", (int)blen, base,
	    d->key);
	if ((what = get_what(url)) == NULL) {
		free(url);
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	}
	memset(&ds, 0, sizeof(ds));
	n->cache = NULL;	/* a status is never served from a cache */
	for (;;) {
		doc = get_json(n, url, "status", err);
		if (doc == NULL)
			break;
		mare_api_download_release(&ds);
		r = mare_api_download_set(&ds, doc, what, err);
		json_decref(doc);
		if (r != 0)
			break;
		if (d->status == NULL || strcmp(d->status, ds.status) != 0)
			mare_cli_info(1, "download %s: %s", d->key,
			    ds.status);
		free(d->status);
		d->status = ds.status;
		ds.status = NULL;
		if (strcmp(d->status, "PREPARING") == 0 ||
		    strcmp(d->status, "RUNNING") == 0 ||
		    strcmp(d->status, "SUSPENDED") == 0) {
			ts.tv_sec = (time_t)wait;
			ts.tv_nsec = (long)((wait - (double)ts.tv_sec) * 1e9);
			while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
				;
			continue;
		}
		if (strcmp(d->status, "SUCCEEDED") != 0) {
			mare_err_set(err, MARE_E_UNAVAILABLE, "GBIF download "
			    "%s ended %s: nothing to fetch (see "
			    "https://www.gbif.org/occurrence/download/%s)",
			    d->key, d->status, d->key);
			break;
		}
		d->doi = ds.doi;
		d->created = ds.created;
		d->link = ds.link;
		ds.doi = ds.created = ds.link = NULL;
		d->size = ds.size;
		d->total = ds.total;
		if (d->link == NULL) {
			mare_err_set(err, MARE_E_DATA, "GET %s: SUCCEEDED "
			    "without a 'downloadLink'", url);
			break;
		}
		if (d->doi == NULL && (d->doi = strdup("")) == NULL) {
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			break;
		}
		mare_api_download_citation(d->created, d->doi, d->citation,
		    sizeof(d->citation));
		rc = 0;
		break;
	}
	n->cache = cache;
	mare_api_download_release(&ds);
	free(what);
	free(url);
	return rc;
}

static int
run_download(struct opts *o, struct net *n, struct download *d,
    struct mare_err *err)
{
	struct mare_http_response resp;
	struct state st, old;
	struct buf b;
	const char *user = getenv("GBIF_USER"), *pwd = getenv("GBIF_PWD");
	const char *base = o->base_url != NULL ? o->base_url : GBIF_BASE;
	const char *dir = o->download_dir != NULL ? o->download_dir : ".";
	json_t *pred = NULL, *req = NULL;
	char *body = NULL;
	size_t blen = strlen(base), plen, klen;
	int slot = -1, rc = -1, resume = 0;

	memset(&resp, 0, sizeof(resp));
	memset(&st, 0, sizeof(st));
	memset(&old, 0, sizeof(old));
	memset(&b, 0, sizeof(b));
	if (o->format == NULL)
		o->format = "DWCA";
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	/* the taxon, resolved through species/match as for gbif */
	if (buf_str(&b, "") != 0) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto out;
	}
	if (o->taxon != NULL && base_query(o, n, &b, 0, err) != 0)
		goto out;
	pred = download_predicate(o, o->taxon != NULL ? n->taxon_key :
	    o->taxon_key, err);
	if (pred == NULL)
		goto out;
	d->predicate = json_dumps(pred, JSON_COMPACT | JSON_SORT_KEYS);
	if (d->predicate == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto out;
	}
	plen = strlen(d->predicate) + strlen(o->format) + 16;
	if ((st.query = malloc(plen)) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto out;
	}
	snprintf(st.query, plen, "%s format=%s", d->predicate, o->format);
	if (o->state != NULL) {
		resume = state_load(o->state, &old, err);
		if (resume < 0)
			goto out;
		if (resume && strcmp(old.query, st.query) != 0) {
			mare_err_set(err, MARE_E_USAGE, "state file '%s' "
			    "belongs to another query (%s); remove it or "
			    "use another", o->state, old.query);
			goto out;
		}
		/* for gbif-download, "after" holds the download key */
		if (resume && old.after != NULL && o->download_key == NULL &&
		    (d->key = strdup(old.after)) == NULL) {
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto out;
		}
	}
	if (d->key == NULL && o->download_key != NULL &&
	    (d->key = strdup(o->download_key)) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto out;
	}
	if (d->key == NULL) {
		if (user == NULL || *user == '\0' || pwd == NULL) {
			mare_err_set(err, MARE_E_USAGE, "gbif-download needs "
			    "a GBIF account: set GBIF_USER and GBIF_PWD in "
			    "the environment");
			goto out;
		}
		if ((slot = download_slot(user, err)) < 0)
			goto out;
		req = json_pack("{s:s, s:b, s:s, s:O}", "creator", user,
		    "sendNotification", 0, "format", o->format,
		    "predicate", pred);
		body = req != NULL ? json_dumps(req, JSON_COMPACT) : NULL;
		b.len = 0;
		if (body == NULL || buf_add(&b, base, blen) != 0 ||
		    buf_str(&b, "/occurrence/download/request") != 0) {
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto out;
		}
		mare_cli_info(2, "POST %s %s", b.s, body);
		if (mare_http_post_json(n->http, b.s, body, user, pwd, &resp,
		    err) != 0) {
			if (err != NULL && strstr(err->msg, " 401 ") != NULL) {
				size_t l = strlen(err->msg);

				snprintf(err->msg + l, sizeof(err->msg) - l,
				    " (check GBIF_USER and GBIF_PWD)");
			}
			goto out;
		}
		if ((klen = mare_api_download_key(resp.body)) == 0) {
			mare_err_set(err, MARE_E_DATA, "POST %s: %ld with "
			    "no download key in the body", b.s, resp.status);
			goto out;
		}
		d->key = strndup(resp.body, klen);
		if (d->key == NULL) {
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto out;
		}
		mare_cli_note("GBIF download %s requested", d->key);
		if (o->state != NULL) {
			st.after = d->key;
			rc = state_save(o->state, &st, err);
			st.after = NULL;
			if (rc != 0)
				goto out;
			rc = -1;
		}
	} else {
		mare_cli_note("GBIF download %s: polling", d->key);
		/* in flight too: hold a slot while it runs, when we can */
		if (user != NULL && *user != '\0' &&
		    (slot = download_slot(user, err)) < 0)
			goto out;
	}
	if (download_wait(o, n, base, blen, d, err) != 0) {
		if (err != NULL && err->code == MARE_E_TEMPFAIL) {
			size_t l = strlen(err->msg);

			snprintf(err->msg + l, sizeof(err->msg) - l,
			    "; download %s is still there: rerun with %s",
			    d->key, o->state != NULL ? "the same --state" :
			    "--download-key");
		}
		goto out;
	}
	if (slot >= 0) {
		close(slot);
		slot = -1;
	}
	plen = strlen(dir) + strlen(d->key) + 8;
	if ((d->path = malloc(plen)) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto out;
	}
	snprintf(d->path, plen, "%s/%s.zip", dir, d->key);
	mare_cli_info(1, "GET %s -> %s (%llu bytes)", d->link, d->path,
	    d->size);
	if (mare_http_download(n->http, d->link, d->path, d->size, NULL,
	    err) != 0) {
		if (err != NULL && err->code == MARE_E_TEMPFAIL) {
			size_t l = strlen(err->msg);

			snprintf(err->msg + l, sizeof(err->msg) - l,
			    "; '%s' kept: %s", d->path, o->state != NULL ?
			    "rerun to resume" : "rerun with --download-key "
			    "to resume");
		}
		goto out;
	}
	mare_cli_note("GBIF download %s: %llu records, DOI %s; cite as: %s",
	    d->key, d->total, d->doi, d->citation);
	rc = 0;
out:
	if (slot >= 0)
		close(slot);
	mare_http_response_release(&resp);
	json_decref(pred);
	json_decref(req);
	free(body);
	free(b.s);
	free(st.query);
	free(old.query);
	free(old.after);
	parts_free(old.parts, old.nparts);
	return rc;
}

/* ------------------------------------------------------------------ */
/* seed-cache */

/*
 * Each INDEX.tsv (the recorded-response index of tests/data/gbif and
 * tests/data/obis) lists, per line, "file method status url ...": every GET
 * with status 200 is stored for its URL; file paths are relative to the
 * folder above the index's own folder.
 */
static int
run_seed(const struct opts *o, struct mare_cache *c, struct mare_err *err)
{
	char line[8192], path[4096], *f[5], *p;
	const char *slash;
	unsigned long lineno, seeded = 0;
	const char *name;
	FILE *fp;
	int i, k;

	for (i = 0; i < o->ninputs; i++) {
		fp = mare_in_open(o->inputs[i], &name, err);
		if (fp == NULL)
			return -1;
		lineno = 0;
		while (fgets(line, sizeof(line), fp) != NULL) {
			lineno++;
			if (strchr(line, '\n') == NULL && !feof(fp)) {
				mare_in_close(fp);
				mare_err_set(err, MARE_E_DATA, "line too long");
				mare_err_at(err, name, lineno, 0);
				return -1;
			}
			line[strcspn(line, "\r\n")] = '\0';
			if (lineno == 1 && strncmp(line, "file\t", 5) == 0)
				continue;
			for (k = 0, p = line; k < 5; k++) {
				f[k] = p;
				p = p != NULL ? strchr(p, '\t') : NULL;
				if (p != NULL)
					*p++ = '\0';
			}
			if (f[3] == NULL || f[4] == NULL) {
				mare_in_close(fp);
				mare_err_set(err, MARE_E_DATA, "expected file, "
				    "method, status, url and bytes columns");
				mare_err_at(err, name, lineno, 0);
				return -1;
			}
			if (strcmp(f[1], "GET") != 0 ||
			    strcmp(f[2], "200") != 0)
				continue;
			slash = strrchr(name, '/');
			k = snprintf(path, sizeof(path), "%.*s%s../%s",
			    slash != NULL ? (int)(slash - name) : 0, name,
			    slash != NULL ? "/" : "", f[0]);
			if (k < 0 || (size_t)k >= sizeof(path)) {
				mare_in_close(fp);
				mare_err_set(err, MARE_E_DATA, "path too long");
				mare_err_at(err, name, lineno, 0);
				return -1;
			}
			if (mare_cache_seed_file(c, f[3], path,
			    "application/json", err) != 0) {
				mare_in_close(fp);
				mare_err_at(err, name, lineno, 0);
				return -1;
			}
			seeded++;
		}
		if (ferror(fp)) {
			mare_in_close(fp);
			return mare_err_sys(err, MARE_E_IO, "'%s': read error",
			    name);
		}
		mare_in_close(fp);
	}
	mare_cli_note("%lu responses stored in '%s'", seeded, o->cache_path);
	return 0;
}

/* ------------------------------------------------------------------ */

static int
cache_path(struct opts *o, struct mare_err *err)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	size_t n;

	if (o->cache_dir != NULL)
		o->cache_path = strdup(o->cache_dir);
	else if (x != NULL && x[0] == '/') {
		n = strlen(x) + sizeof("/mare");
		if ((o->cache_path = malloc(n)) != NULL)
			snprintf(o->cache_path, n, "%s/mare", x);
	} else if (home != NULL && home[0] == '/') {
		n = strlen(home) + sizeof("/.cache/mare");
		if ((o->cache_path = malloc(n)) != NULL)
			snprintf(o->cache_path, n, "%s/.cache/mare", home);
	} else
		return mare_err_set(err, MARE_E_USAGE, "no cache folder: set "
		    "XDG_CACHE_HOME or HOME, or give --cache-dir");
	if (o->cache_path == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return 0;
}

/*
 * --provenance: the command, version, seed, time and the input files with
 * their SHA-256 (the archive for gbif-download), the record counts, and
 * for gbif-download the download's key, DOI, citation and predicate.
 */
static int
write_provenance(const struct opts *o, const struct sink *s,
    const struct download *d, struct mare_err *err)
{
	struct mare_prov *p;
	struct mare_out *out;
	json_t *doc = NULL, *g = NULL, *pred;
	int rc = -1;

	p = mare_prov_new(o->argc, o->argv, o->common.seed, mare_cli_now(),
	    err);
	if (p == NULL)
		return -1;
	if (d->path != NULL && mare_prov_add_input(p, d->path, err) != 0)
		goto out;
	if ((o->sub == SUB_DWCA || o->sub == SUB_CSV) &&
	    mare_prov_add_input(p, o->ninputs > 0 ? o->inputs[0] : NULL,
	    err) != 0)
		goto out;
	if (d->key != NULL) {
		pred = d->predicate != NULL ? json_loads(d->predicate, 0,
		    NULL) : NULL;
		g = json_pack("{s:s, s:s?, s:s, s:s?, s:s, s:s?, s:I, s:I, "
		    "s:o?}", "key", d->key, "doi", d->doi, "citation",
		    d->citation, "created", d->created, "format", o->format,
		    "downloadLink", d->link, "size", (json_int_t)d->size,
		    "totalRecords", (json_int_t)d->total, "predicate", pred);
		if (g == NULL)
			goto nomem;
	}
	doc = json_pack("{s:o, s:s, s:I, s:I, s:o?}", "provenance",
	    mare_prov_to_json(p), "source", subnames[o->sub], "records_in",
	    (json_int_t)s->in, "records", (json_int_t)s->written,
	    "gbif_download", g);
	g = NULL;
	if (doc == NULL)
		goto nomem;
	out = mare_out_open(o->provenance, MARE_OUT_SYNC, err);
	if (out == NULL)
		goto out;
	if (mare_jsonl_write(mare_out_file(out), doc, err) != 0) {
		mare_out_abort(out);
		goto out;
	}
	rc = mare_out_commit(out, err);
	goto out;
nomem:
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
out:
	json_decref(g);
	json_decref(doc);
	mare_prov_free(p);
	return rc;
}

static int
run(struct opts *o, struct mare_err *err)
{
	struct sink s;
	struct net n;
	struct download d;
	struct mare_http_opts hopts;
	int rc = -1, dl = o->sub == SUB_GBIF_DOWNLOAD;
	int api = o->sub == SUB_GBIF || o->sub == SUB_OBIS;

	memset(&s, 0, sizeof(s));
	memset(&n, 0, sizeof(n));
	memset(&d, 0, sizeof(d));
	s.o = o;
	n.o = o;
	if (check_applicable(o, err) != 0)
		return -1;
	if (o->sub == SUB_SEED_CACHE || o->cache || o->cache_dir ||
	    o->offline) {
		if (cache_path(o, err) != 0)
			return -1;
		n.cache = mare_cache_open(o->cache_path, o->offline ?
		    MARE_CACHE_OFFLINE : 0, err);
		if (n.cache == NULL)
			goto out;
	}
	if (o->sub == SUB_SEED_CACHE) {
		rc = run_seed(o, n.cache, err);
		goto out;
	}
	if (api || dl) {
		mare_http_opts_init(&hopts);
		if (o->max_retries_set)
			hopts.max_retries = (int)o->max_retries;
		if (o->retry_wait_set)
			hopts.backoff_base_ms = (long)o->retry_wait;
		if (o->timeout > 0)
			hopts.timeout_ms = (long)(o->timeout * 1000);
		if (hopts.connect_timeout_ms > hopts.timeout_ms)
			hopts.connect_timeout_ms = hopts.timeout_ms;
		hopts.rate = o->rate;
		hopts.seed = o->common.seed;
		if (mare_http_global_init(err) != 0)
			goto out;
		n.http = mare_http_new(&hopts, err);
		if (n.http == NULL)
			goto out;
	}
	if (dl && run_download(o, &n, &d, err) != 0)
		goto out;
	if (o->state == NULL || dl) {
		s.out = mare_out_open(o->common.output, MARE_OUT_SYNC, err);
		if (s.out == NULL)
			goto out;
		s.fp = mare_out_file(s.out);
		s.name = mare_out_name(s.out);
	} else
		s.name = o->common.output;
	if (o->reject != NULL) {
		s.rej = mare_out_open(o->reject, MARE_OUT_SYNC, err);
		if (s.rej == NULL)
			goto out;
	}
	if (api)
		rc = run_api(o, &n, &s, err);
	else
		rc = run_files(o, dl ? d.path : o->ninputs > 0 ?
		    o->inputs[0] : NULL, &s, err);
	count_metrics(&s);
	if (rc == 0 && o->provenance != NULL)
		rc = write_provenance(o, &s, &d, err);
	if (rc == 0 && s.rej != NULL) {
		rc = mare_out_commit(s.rej, err);
		s.rej = NULL;
	}
	if (rc == 0 && s.out != NULL) {
		rc = mare_out_commit(s.out, err);
		s.out = NULL;
	}
	if (o->state != NULL && !dl && s.fp != NULL) {
		if (fclose(s.fp) != 0 && rc == 0)
			rc = mare_err_sys(err, MARE_E_IO, "cannot write '%s'",
			    s.name);
		s.fp = NULL;
	}
	if (rc == 0 && api && !s.complete)
		mare_cli_note("%llu records out; pages %llu, requests %llu",
		    s.written, s.pages, s.requests);
	else if (rc == 0 && !api)
		mare_cli_note("%llu records in, %llu out, %llu rejected",
		    s.in, s.written, s.rejected);
out:
	mare_out_abort(s.rej);
	mare_out_abort(s.out);
	mare_http_free(n.http);
	mare_cache_close(n.cache);
	download_release(&d);
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
	/* the command line as given, for --provenance (getopt permutes) */
	o.argc = argc;
	o.argv = calloc((size_t)argc + 1, sizeof(*o.argv));
	if (o.argv == NULL)
		return mare_cli_finish(mare_err_set(&err, MARE_E_NOMEM,
		    "out of memory"), &err);
	memcpy(o.argv, argv, (size_t)argc * sizeof(*argv));
	r = parse_args(argc, argv, &o, &err);
	if (r == -2)
		status = 0;
	else if (r < 0)
		status = -1;
	else if (run(&o, &err) != 0)
		status = -1;
	mare_http_global_cleanup();
	free(o.maps);
	free(o.fields);
	free(o.fields_buf);
	free(o.cache_path);
	free(o.argv);
	return mare_cli_finish(status, &err);
}
