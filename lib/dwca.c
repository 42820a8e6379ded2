/*
 * dwca.c - Darwin Core Archives streamed with libarchive (see dwca.h)
 *
 * Opening makes one pass over the archive's headers to list its members
 * and read meta.xml (expat, at most MARE_DWCA_MAX_META bytes: the only
 * buffer sized by the archive, and bounded). libarchive reads members in
 * archive order only, so every later pass reopens the archive and skips
 * to the member it wants: one pass for the event core (the index), one for
 * the occurrences. Rows come from lib/csv through a read callback over
 * archive_read_data(), which also counts the uncompressed bytes against
 * max_member_bytes; nothing is allocated from a size the archive declares.
 *
 * The event index is an open-addressing hash table (FNV-1a, load <= 1/2)
 * of pointers to packed blobs: "id\0parent\0" followed by
 * (term number byte, "value\0") pairs and a final 0xFF byte.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>
#include <expat.h>
#include <jansson.h>

#include "csv.h"
#include "dwca.h"
#include "record.h"

#define MAX_INDEX	100000	/* largest column index in meta.xml */
#define MAX_DEPTH	64	/* parentEventID levels followed */

static const char *const inherit[] = {
	"decimalLatitude", "decimalLongitude",	/* 0, 1: a pair */
	"eventDate", "eventTime", "year", "month", "day", "startDayOfYear",
	"endDayOfYear", "verbatimEventDate", "geodeticDatum",
	"coordinateUncertaintyInMeters", "coordinatePrecision",
	"footprintWKT", "footprintSRS", "minimumDepthInMeters",
	"maximumDepthInMeters", "verbatimDepth", "minimumElevationInMeters",
	"maximumElevationInMeters", "locationID", "locality", "waterBody",
	"country", "countryCode", "higherGeography", "habitat", NULL
};

struct field {
	char		*key;
	long		 index;		/* -1: default only */
	char		*def;
	int		 numeric;
	int		 inherit;	/* index in inherit[], or -1 */
};

struct dfile {
	char		*row_type;	/* local name: "Occurrence" */
	char		*location;
	int		 delim;
	int		 quote;		/* MARE_CSV_NOQUOTE for none */
	char		*encoding;
	unsigned long	 ignore;
	long		 id_index;	/* id or coreid; -1 when absent */
	struct field	*fields;
	size_t		 nfields;
	long		 max_index;
};

struct meta {
	struct dfile	*files;		/* files[0] is the core */
	size_t		 n;
	int		 have_core;
	/* parser state */
	XML_Parser	 xp;
	struct dfile	*cur;
	int		 in_location;
	char		*loc;
	size_t		 loclen;
	struct mare_err	*err;
	int		 failed;
};

struct mare_dwca {
	char		*path;
	struct mare_dwca_opts opts;
	char		**members;
	size_t		 nmembers;
	char		*dir;		/* folder of meta.xml, "" or "x/" */
	struct meta	 meta;
	const char	*core_type;
	struct dfile	*target;	/* the file of the occurrences */
	int		 join;		/* inherit from the event core */
	char		*member;	/* full member name of target */
	char		*where;		/* "x.zip!member" */

	/* event index */
	char		**slots;
	size_t		 nslots, nevents;

	/* streaming */
	struct archive	*a;
	unsigned long long nread;
	const char	*reading;	/* member being read, for messages */
	struct mare_csv	*csv;
	struct mare_csv_map *map;	/* simple CSV mode */
	size_t		 nheader;
	int		 eventid_field;	/* target field index of eventID */
};

/* Small helpers */

static char *
xstrdup(const char *s, struct mare_err *err)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return p;
}

static const char *
local_name(const char *uri)
{
	const char *p;

	if ((p = strrchr(uri, '/')) != NULL && p[1] != '\0')
		uri = p + 1;
	if ((p = strrchr(uri, '#')) != NULL && p[1] != '\0')
		uri = p + 1;
	return uri;
}

static const char *
basename_of(const char *path)
{
	const char *p = strrchr(path, '/');

	return p != NULL ? p + 1 : path;
}

static int
is_junk(const char *name)
{
	return strncmp(name, "__MACOSX/", 9) == 0 ||
	    strstr(name, "/__MACOSX/") != NULL ||
	    strncmp(basename_of(name), "._", 2) == 0;
}

/* meta.xml */

/* Unescape "\t", "\n", "\r", "\\" as meta.xml writers spell them. */
static char *
unescape(const char *s)
{
	char *out, *o;

	if ((out = malloc(strlen(s) + 1)) == NULL)
		return NULL;
	for (o = out; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
			*o++ = *s == 't' ? '\t' : *s == 'n' ? '\n' :
			    *s == 'r' ? '\r' : *s;
		} else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

static void meta_fail(struct meta *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
meta_fail(struct meta *m, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (!m->failed) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		mare_err_set(m->err, MARE_E_DATA, "%s", msg);
	}
	m->failed = 1;
	XML_StopParser(m->xp, XML_FALSE);
}

static const char *
attr(const XML_Char **atts, const char *name)
{
	const char *k;

	for (; atts[0] != NULL; atts += 2) {
		k = strchr(atts[0], '|') ? strchr(atts[0], '|') + 1 : atts[0];
		if (strcmp(k, name) == 0)
			return atts[1];
	}
	return NULL;
}

static int
parse_index(struct meta *m, const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 0 ||
	    v > MAX_INDEX) {
		meta_fail(m, "index '%s' is not a column number", s);
		return -1;
	}
	*out = v;
	return 0;
}

static void
start_file(struct meta *m, const XML_Char **atts, int is_core)
{
	struct dfile *f, *nf;
	const char *v;
	char *u;

	if (is_core && m->have_core) {
		meta_fail(m, "%s", "more than one <core>");
		return;
	}
	if ((nf = realloc(m->files, (m->n + 1) * sizeof(*nf))) == NULL) {
		meta_fail(m, "%s", "out of memory");
		return;
	}
	m->files = nf;
	if (is_core) {
		memmove(m->files + 1, m->files, m->n * sizeof(*nf));
		f = &m->files[0];
		m->have_core = 1;
	} else
		f = &m->files[m->n];
	m->n++;
	memset(f, 0, sizeof(*f));
	m->cur = f;
	f->id_index = -1;
	f->max_index = -1;
	f->delim = ',';
	f->quote = '"';
	v = attr(atts, "rowType");
	f->row_type = strdup(local_name(v != NULL ? v : ""));
	v = attr(atts, "encoding");
	f->encoding = strdup(v != NULL ? v : "UTF-8");
	if (f->row_type == NULL || f->encoding == NULL) {
		meta_fail(m, "%s", "out of memory");
		return;
	}
	if ((v = attr(atts, "fieldsTerminatedBy")) != NULL) {
		if ((u = unescape(v)) == NULL) {
			meta_fail(m, "%s", "out of memory");
			return;
		}
		if (strlen(u) != 1 || u[0] == '\n' || u[0] == '\r' ||
		    u[0] == '"' || (unsigned char)u[0] >= 0x80) {
			free(u);
			meta_fail(m, "bad separator "
			    "fieldsTerminatedBy=\"%s\": "
			    "expected one character such as \\t or ,", v);
			return;
		}
		f->delim = (unsigned char)u[0];
		free(u);
	}
	if ((v = attr(atts, "fieldsEnclosedBy")) != NULL) {
		if ((u = unescape(v)) == NULL) {
			meta_fail(m, "%s", "out of memory");
			return;
		}
		if (strlen(u) > 1 || (unsigned char)u[0] >= 0x80 ||
		    (u[0] != '\0' && (int)(unsigned char)u[0] == f->delim)) {
			free(u);
			meta_fail(m, "bad quote fieldsEnclosedBy=\"%s\": "
			    "expected nothing or one character", v);
			return;
		}
		f->quote = u[0] == '\0' ? MARE_CSV_NOQUOTE : u[0];
		free(u);
	}
	if ((v = attr(atts, "linesTerminatedBy")) != NULL) {
		if ((u = unescape(v)) == NULL) {
			meta_fail(m, "%s", "out of memory");
			return;
		}
		if (strcmp(u, "\n") != 0 && strcmp(u, "\r\n") != 0 &&
		    strcmp(u, "") != 0) {
			free(u);
			meta_fail(m, "unsupported linesTerminatedBy=\"%s\": "
			    "expected \\n or \\r\\n", v);
			return;
		}
		free(u);
	}
	if ((v = attr(atts, "ignoreHeaderLines")) != NULL) {
		long h;

		if (parse_index(m, v, &h) == -1)
			return;
		f->ignore = (unsigned long)h;
	}
}

static void
start_field(struct meta *m, const XML_Char **atts)
{
	struct dfile *f = m->cur;
	struct field *nf, *fd;
	const char *term, *idx, *def;
	int i;

	term = attr(atts, "term");
	idx = attr(atts, "index");
	def = attr(atts, "default");
	if (term == NULL || *term == '\0') {
		meta_fail(m, "%s", "<field> without a term");
		return;
	}
	if (idx == NULL && def == NULL)
		return;		/* vocabulary only: nothing to read */
	if ((nf = realloc(f->fields, (f->nfields + 1) * sizeof(*nf))) ==
	    NULL) {
		meta_fail(m, "%s", "out of memory");
		return;
	}
	f->fields = nf;
	fd = &f->fields[f->nfields++];
	memset(fd, 0, sizeof(*fd));
	fd->index = -1;
	fd->inherit = -1;
	if ((fd->key = strdup(mare_record_term_key(term))) == NULL ||
	    (def != NULL && (fd->def = strdup(def)) == NULL)) {
		meta_fail(m, "%s", "out of memory");
		return;
	}
	if (idx != NULL && parse_index(m, idx, &fd->index) == -1)
		return;
	if (fd->index > f->max_index)
		f->max_index = fd->index;
	fd->numeric = mare_record_term_numeric(fd->key);
	for (i = 0; inherit[i] != NULL; i++)
		if (strcmp(inherit[i], fd->key) == 0)
			fd->inherit = i;
}

static void XMLCALL
on_start(void *data, const XML_Char *name, const XML_Char **atts)
{
	struct meta *m = data;
	const char *n = strchr(name, '|') ? strchr(name, '|') + 1 : name;
	const char *v;

	if (m->failed)
		return;
	if (strcmp(n, "core") == 0 || strcmp(n, "extension") == 0)
		start_file(m, atts, n[0] == 'c');
	else if (m->cur == NULL)
		return;
	else if (strcmp(n, "location") == 0) {
		m->in_location = 1;
		m->loclen = 0;
	} else if (strcmp(n, "id") == 0 || strcmp(n, "coreid") == 0) {
		if ((v = attr(atts, "index")) != NULL)
			parse_index(m, v, &m->cur->id_index);
		if (m->cur->id_index > m->cur->max_index)
			m->cur->max_index = m->cur->id_index;
	} else if (strcmp(n, "field") == 0)
		start_field(m, atts);
}

static void XMLCALL
on_end(void *data, const XML_Char *name)
{
	struct meta *m = data;
	const char *n = strchr(name, '|') ? strchr(name, '|') + 1 : name;
	char *s, *e;

	if (m->failed)
		return;
	if (strcmp(n, "core") == 0 || strcmp(n, "extension") == 0) {
		if (m->cur != NULL && m->cur->location == NULL)
			meta_fail(m, "<%s> without <files><location>", n);
		m->cur = NULL;
	} else if (strcmp(n, "location") == 0 && m->in_location) {
		m->in_location = 0;
		if (m->cur == NULL || m->cur->location != NULL)
			return;		/* only the first location */
		if (m->loc == NULL) {
			meta_fail(m, "%s", "empty <location>");
			return;
		}
		s = m->loc;
		s[m->loclen] = '\0';
		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' ||
		    e[-1] == '\n' || e[-1] == '\r'))
			*--e = '\0';
		/* blank, or empty after an earlier file's (m->loc is kept) */
		if (*s == '\0') {
			meta_fail(m, "%s", "empty <location>");
			return;
		}
		if ((m->cur->location = strdup(s)) == NULL)
			meta_fail(m, "%s", "out of memory");
	}
}

static void XMLCALL
on_text(void *data, const XML_Char *s, int len)
{
	struct meta *m = data;
	char *p;

	if (m->failed || !m->in_location || len <= 0)
		return;
	if (m->loclen + (size_t)len > 4096) {
		meta_fail(m, "%s", "<location> longer than 4096 bytes");
		return;
	}
	if ((p = realloc(m->loc, m->loclen + (size_t)len + 1)) == NULL) {
		meta_fail(m, "%s", "out of memory");
		return;
	}
	m->loc = p;
	memcpy(m->loc + m->loclen, s, (size_t)len);
	m->loclen += (size_t)len;
	m->loc[m->loclen] = '\0';
}

static int
meta_parse(struct meta *m, const char *text, size_t len, const char *where,
    struct mare_err *err)
{
	m->err = err;
	if ((m->xp = XML_ParserCreateNS(NULL, '|')) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	XML_SetUserData(m->xp, m);
	XML_SetElementHandler(m->xp, on_start, on_end);
	XML_SetCharacterDataHandler(m->xp, on_text);
	if (XML_Parse(m->xp, text, (int)len, XML_TRUE) == XML_STATUS_ERROR &&
	    !m->failed) {
		mare_err_set(err, MARE_E_DATA, "not well-formed XML: %s",
		    XML_ErrorString(XML_GetErrorCode(m->xp)));
		mare_err_at(err, where, XML_GetCurrentLineNumber(m->xp), 0);
		m->failed = 1;
	}
	XML_ParserFree(m->xp);
	m->xp = NULL;
	if (!m->failed && !m->have_core)
		mare_err_set(err, MARE_E_DATA, "no <core> in meta.xml");
	if (m->failed || !m->have_core) {
		mare_err_at(err, where, 0, 0);
		return -1;
	}
	return 0;
}

static void
meta_free(struct meta *m)
{
	size_t i, j;

	for (i = 0; i < m->n; i++) {
		for (j = 0; j < m->files[i].nfields; j++) {
			free(m->files[i].fields[j].key);
			free(m->files[i].fields[j].def);
		}
		free(m->files[i].fields);
		free(m->files[i].row_type);
		free(m->files[i].location);
		free(m->files[i].encoding);
	}
	free(m->files);
	free(m->loc);
}

/* The archive */

static struct archive *
zopen(struct mare_dwca *d, struct mare_err *err)
{
	struct archive *a;

	if ((a = archive_read_new()) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	/*
	 * Darwin Core Archives travel as zip (IPT, GBIF) and sometimes as
	 * tarballs. format_all would also take a text file as an mtree
	 * manifest or a raw stream and report nonsense about its "members".
	 */
	archive_read_support_format_zip(a);
	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	if (archive_read_open_filename(a, d->path, 64 * 1024) != ARCHIVE_OK) {
		if (archive_errno(a) == ENOENT || archive_errno(a) == EACCES) {
			errno = archive_errno(a);
			mare_err_sys(err, MARE_E_NOINPUT,
			    "cannot open archive");
		} else
			mare_err_set(err, MARE_E_DATA, "not a readable "
			    "archive: %s", archive_error_string(a));
		mare_err_at(err, d->path, 0, 0);
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static int
zerror(struct mare_dwca *d, struct archive *a, const char *member,
    struct mare_err *err)
{
	char where[600];

	mare_err_set(err, MARE_E_DATA, "corrupt archive: %s",
	    archive_error_string(a) ? archive_error_string(a) : "?");
	if (member != NULL) {
		snprintf(where, sizeof(where), "%s!%s", d->path, member);
		mare_err_at(err, where, 0, 0);
	} else
		mare_err_at(err, d->path, 0, 0);
	return -1;
}

/* Reopen the archive and stop at member. */
static int
zseek(struct mare_dwca *d, const char *member, struct mare_err *err)
{
	struct archive_entry *ent;
	const char *name;
	int r;

	if (d->a != NULL)
		archive_read_free(d->a);
	d->nread = 0;
	if ((d->a = zopen(d, err)) == NULL)
		return -1;
	while ((r = archive_read_next_header(d->a, &ent)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		/* NULL for a name libarchive cannot convert (listing skips) */
		name = archive_entry_pathname(ent);
		if (name != NULL && strcmp(name, member) == 0) {
			d->reading = member;
			return 0;
		}
	}
	if (r == ARCHIVE_EOF)
		return mare_err_set(err, MARE_E_INTERNAL,
		    "member '%s' vanished", member);
	return zerror(d, d->a, member, err);
}

static long
zread(void *ctx, void *buf, size_t size, struct mare_err *err)
{
	struct mare_dwca *d = ctx;
	la_ssize_t n;

	n = archive_read_data(d->a, buf, size);
	if (n < 0)
		return zerror(d, d->a, d->reading, err);
	d->nread += (unsigned long long)n;
	if (d->opts.max_member_bytes > 0 &&
	    d->nread > d->opts.max_member_bytes) {
		char where[600];

		snprintf(where, sizeof(where), "%s!%s", d->path, d->reading);
		mare_err_set(err, MARE_E_DATA, "member larger than %llu bytes "
		    "uncompressed (a zip bomb?)", d->opts.max_member_bytes);
		mare_err_at(err, where, 0, 0);
		return -1;
	}
	return (long)n;
}

/* First pass: list the members, read meta.xml. */
static int
scan(struct mare_dwca *d, struct mare_err *err)
{
	struct archive *a;
	struct archive_entry *ent;
	const char *name;
	char *text = NULL, *where = NULL, **nm;
	size_t len = 0;
	la_ssize_t n;
	int r, rc = -1;

	if ((a = zopen(d, err)) == NULL)
		return -1;
	while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		name = archive_entry_pathname(ent);
		if (name == NULL || archive_entry_filetype(ent) == AE_IFDIR ||
		    name[0] == '\0' || name[strlen(name) - 1] == '/' ||
		    is_junk(name))
			continue;
		if ((nm = realloc(d->members, (d->nmembers + 1) *
		    sizeof(*nm))) == NULL) {
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto out;
		}
		d->members = nm;
		if ((d->members[d->nmembers] = xstrdup(name, err)) == NULL)
			goto out;
		d->nmembers++;
		if (text != NULL || strcmp(basename_of(name), "meta.xml") != 0)
			continue;
		if ((text = malloc(MARE_DWCA_MAX_META + 1)) == NULL) {
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto out;
		}
		if ((d->dir = xstrdup(name, err)) == NULL)
			goto out;
		d->dir[basename_of(name) - name] = '\0';
		while ((n = archive_read_data(a, text + len,
		    MARE_DWCA_MAX_META + 1 - len)) > 0) {
			len += (size_t)n;
			if (len > MARE_DWCA_MAX_META) {
				mare_err_set(err, MARE_E_DATA, "meta.xml "
				    "larger than %zu bytes",
				    MARE_DWCA_MAX_META);
				goto metaerr;
			}
		}
		if (n < 0) {
			zerror(d, a, name, err);
			goto out;
		}
	}
	if (r != ARCHIVE_EOF) {
		zerror(d, a, NULL, err);
		goto out;
	}
	if (text != NULL) {
		if (asprintf(&where, "%s!%smeta.xml", d->path, d->dir) == -1) {
			where = NULL;
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto out;
		}
		if (meta_parse(&d->meta, text, len, where, err) == -1)
			goto out;
	}
	rc = 0;
	goto out;
metaerr:
	mare_err_at(err, d->path, 0, 0);
out:
	free(where);
	free(text);
	archive_read_free(a);
	return rc;
}

/* Event index */

static uint64_t
fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static char **
ev_slot(struct mare_dwca *d, const char *id)
{
	size_t i = (size_t)(fnv(id) & (d->nslots - 1));

	while (d->slots[i] != NULL && strcmp(d->slots[i], id) != 0)
		i = (i + 1) & (d->nslots - 1);
	return &d->slots[i];
}

static const char *
ev_find(struct mare_dwca *d, const char *id)
{
	if (d->nslots == 0 || id == NULL || *id == '\0')
		return NULL;
	return *ev_slot(d, id);
}

static int
ev_add(struct mare_dwca *d, char *blob)
{
	char **old, **s;
	size_t i, oldn;

	if (2 * (d->nevents + 1) > d->nslots) {
		old = d->slots;
		oldn = d->nslots;
		d->nslots = oldn ? 2 * oldn : 1024;
		if ((d->slots = calloc(d->nslots, sizeof(char *))) == NULL) {
			d->slots = old;
			d->nslots = oldn;
			return -1;
		}
		for (i = 0; i < oldn; i++)
			if (old[i] != NULL)
				*ev_slot(d, old[i]) = old[i];
		free(old);
	}
	s = ev_slot(d, blob);
	if (*s != NULL) {
		free(blob);	/* a duplicate id: the first row wins */
		return 0;
	}
	*s = blob;
	d->nevents++;
	return 0;
}

static const char *
row_value(const struct mare_csv_row *row, const struct field *f,
    size_t *len)
{
	if (f->index >= 0 && (size_t)f->index < row->nfields &&
	    row->lens[f->index] > 0) {
		*len = row->lens[f->index];
		return row->fields[f->index];
	}
	if (f->def != NULL) {
		*len = strlen(f->def);
		return f->def;
	}
	*len = 0;
	return NULL;
}

static struct mare_csv *
open_member(struct mare_dwca *d, const struct dfile *f, const char *member,
    struct mare_err *err)
{
	struct mare_csv_opts o;
	struct mare_csv *c;
	char *where;
	size_t nh;

	memset(&o, 0, sizeof(o));
	if (zseek(d, member, err) == -1)
		return NULL;
	if (asprintf(&where, "%s!%s", d->path, member) == -1) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	o.max_row = d->opts.max_row;
	o.reject_bad_rows = d->opts.reject_bad_rows;
	o.encoding = d->opts.encoding;
	if (f == NULL) {
		/* simple CSV: header, sniffed */
		c = mare_csv_new(zread, d, where, &o, err);
		free(where);
		return c;
	}
	if (o.encoding == NULL)
		o.encoding = f->encoding;
	o.delim = f->delim;
	o.quote = f->quote;
	if (f->ignore == 0) {
		o.no_header = 1;
		o.min_columns = (size_t)(f->max_index + 1);
	} else
		o.skip_rows = f->ignore - 1;
	c = mare_csv_new(zread, d, where, &o, err);
	if (c != NULL && f->ignore > 0) {
		mare_csv_header(c, &nh);
		if (f->max_index >= 0 && (size_t)f->max_index >= nh) {
			mare_err_set(err, MARE_E_DATA, "meta.xml gives column "
			    "index %ld but the header has %zu columns",
			    f->max_index, nh);
			mare_err_at(err, where, 1 + f->ignore - 1, 0);
			mare_csv_close(c);
			c = NULL;
		}
	}
	free(where);
	return c;
}

static int
build_index(struct mare_dwca *d, const char *member, struct mare_err *err)
{
	const struct dfile *core = &d->meta.files[0];
	const struct mare_csv_row *row;
	struct mare_csv *c;
	const char *id, *parent, *v;
	size_t i, len, idlen, plen, total;
	long id_idx = core->id_index, parent_f = -1, eventid_f = -1;
	char *blob, *p;
	int rc;

	for (i = 0; i < core->nfields; i++) {
		if (strcmp(core->fields[i].key, "parentEventID") == 0)
			parent_f = (long)i;
		if (strcmp(core->fields[i].key, "eventID") == 0)
			eventid_f = (long)i;
	}
	if ((c = open_member(d, core, member, err)) == NULL)
		return -1;
	while ((rc = mare_csv_read(c, &row, err)) > 0) {
		if (rc == MARE_CSV_BADROW)
			continue;	/* its occurrences inherit nothing */
		id = NULL;
		idlen = 0;
		if (id_idx >= 0 && (size_t)id_idx < row->nfields)
			id = row->fields[id_idx];
		else if (eventid_f >= 0)
			id = row_value(row, &core->fields[eventid_f], &idlen);
		if (id == NULL || *id == '\0')
			continue;
		idlen = strlen(id);
		parent = parent_f >= 0 ? row_value(row,
		    &core->fields[parent_f], &plen) : NULL;
		if (parent == NULL)
			plen = 0;
		total = idlen + 1 + plen + 1 + 1;
		for (i = 0; i < core->nfields; i++)
			if (core->fields[i].inherit >= 0 &&
			    row_value(row, &core->fields[i], &len) != NULL)
				total += 1 + len + 1;
		if ((blob = malloc(total)) == NULL) {
			rc = mare_err_set(err, MARE_E_NOMEM, "out of memory");
			break;
		}
		p = blob;
		memcpy(p, id, idlen + 1);
		p += idlen + 1;
		if (plen > 0)
			memcpy(p, parent, plen);
		p[plen] = '\0';
		p += plen + 1;
		for (i = 0; i < core->nfields; i++)
			if (core->fields[i].inherit >= 0 && (v = row_value(row,
			    &core->fields[i], &len)) != NULL) {
				*p++ = (char)core->fields[i].inherit;
				memcpy(p, v, len);
				p[len] = '\0';
				p += len + 1;
			}
		*p = (char)0xFF;
		if (ev_add(d, blob) == -1) {
			free(blob);
			rc = mare_err_set(err, MARE_E_NOMEM, "out of memory");
			break;
		}
	}
	mare_csv_close(c);
	return rc < 0 ? -1 : 0;
}

static int
inherit_from(struct mare_dwca *d, json_t *rec, const char *id,
    struct mare_err *err)
{
	const char *e, *p, *v;
	int depth, coord_done, took, t;

	coord_done = json_object_get(rec, inherit[0]) != NULL ||
	    json_object_get(rec, inherit[1]) != NULL;
	for (depth = 0; depth < MAX_DEPTH && (e = ev_find(d, id)) != NULL;
	    depth++) {
		p = e + strlen(e) + 1;		/* parent */
		id = p;
		p += strlen(p) + 1;
		took = 0;
		while ((unsigned char)*p != 0xFF) {
			t = (unsigned char)*p++;
			v = p;
			p += strlen(p) + 1;
			if (t <= 1 && coord_done)
				continue;
			if (json_object_get(rec, inherit[t]) != NULL)
				continue;
			if (mare_record_put(rec, inherit[t], v, strlen(v),
			    mare_record_term_numeric(inherit[t]), err) == -1)
				return -1;
			if (t <= 1)
				took = 1;
		}
		if (took)
			coord_done = 1;
	}
	return 0;
}

/* Opening */

static const struct dfile *
find_ext(const struct meta *m, const char *row_type)
{
	size_t i;

	for (i = 1; i < m->n; i++)
		if (strcmp(m->files[i].row_type, row_type) == 0)
			return &m->files[i];
	return NULL;
}

static char *
member_of(struct mare_dwca *d, const char *location, struct mare_err *err)
{
	char *full;
	size_t i;

	if (asprintf(&full, "%s%s", d->dir, location) == -1) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i < d->nmembers; i++)
		if (strcmp(d->members[i], full) == 0)
			return full;
	mare_err_set(err, MARE_E_DATA, "meta.xml names '%s', which is not in "
	    "the archive", location);
	free(full);
	full = NULL;
	if (asprintf(&full, "%s!%smeta.xml", d->path, d->dir) != -1) {
		mare_err_at(err, full, 0, 0);
		free(full);
	}
	return NULL;
}

static int
open_simple(struct mare_dwca *d, struct mare_err *err)
{
	const char *data[4];
	size_t i, n = 0;
	const char *nm;

	for (i = 0; i < d->nmembers; i++) {
		nm = d->members[i];
		if (strlen(nm) > 4 &&
		    strcasecmp(nm + strlen(nm) - 4, ".xml") == 0)
			continue;
		if (n < 4)
			data[n] = nm;
		n++;
	}
	if (n != 1) {
		if (n == 0)
			mare_err_set(err, MARE_E_DATA, "no meta.xml and "
			    "no data file: not a Darwin Core Archive");
		else
			mare_err_set(err, MARE_E_DATA, "no meta.xml and %zu "
			    "data files (%s, %s%s): cannot tell which holds "
			    "the occurrences", n, data[0], data[1],
			    n > 2 ? ", ..." : "");
		mare_err_at(err, d->path, 0, 0);
		return -1;
	}
	d->core_type = "";
	if ((d->member = xstrdup(data[0], err)) == NULL)
		return -1;
	if ((d->csv = open_member(d, NULL, d->member, err)) == NULL)
		return -1;
	if ((d->map = mare_csv_map_new(d->csv, NULL, err)) == NULL)
		return -1;
	return 0;
}

struct mare_dwca *
mare_dwca_open(const char *path, const struct mare_dwca_opts *opts,
    struct mare_err *err)
{
	struct mare_dwca *d;
	const struct dfile *core, *occ;
	char *core_member = NULL;
	size_t i;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	d->eventid_field = -1;
	if (opts != NULL)
		d->opts = *opts;
	if ((d->path = xstrdup(path, err)) == NULL || scan(d, err) == -1)
		goto fail;
	if (d->dir == NULL) {
		if (open_simple(d, err) == -1)
			goto fail;
		return d;
	}
	core = &d->meta.files[0];
	/*
	 * analyzer false positive: meta parsing guarantees at least one
	 * file (nfiles >= 1) here
	 */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	d->core_type = core->row_type;
	occ = find_ext(&d->meta, "Occurrence");
	if (strcmp(core->row_type, "Occurrence") == 0)
		d->target = (struct dfile *)core;
	else if (occ != NULL) {
		d->target = (struct dfile *)occ;
		d->join = strcmp(core->row_type, "Event") == 0;
	} else {
		if (strcmp(core->row_type, "Event") == 0)
			mare_err_set(err, MARE_E_DATA, "core is Event and no "
			    "Occurrence extension: no occurrences to read");
		else
			mare_err_set(err, MARE_E_DATA, "core is %s, not "
			    "Occurrence or Event: no occurrences to read",
			    core->row_type[0] ? core->row_type : "untyped");
		mare_err_at(err, path, 0, 0);
		goto fail;
	}
	if ((d->member = member_of(d, d->target->location, err)) == NULL)
		goto fail;
	if (d->join) {
		core_member = member_of(d, core->location, err);
		if (core_member == NULL ||
		    build_index(d, core_member, err) == -1)
			goto fail;
		for (i = 0; i < d->target->nfields; i++)
			if (strcmp(d->target->fields[i].key, "eventID") == 0)
				d->eventid_field = (int)i;
		free(core_member);
		core_member = NULL;
	}
	if ((d->csv = open_member(d, d->target, d->member, err)) == NULL)
		goto fail;
	return d;
fail:
	free(core_member);
	mare_dwca_close(d);
	return NULL;
}

void
mare_dwca_close(struct mare_dwca *d)
{
	size_t i;

	if (d == NULL)
		return;
	mare_csv_map_free(d->map);
	mare_csv_close(d->csv);
	if (d->a != NULL)
		archive_read_free(d->a);
	for (i = 0; i < d->nslots; i++)
		free(d->slots[i]);
	free(d->slots);
	for (i = 0; i < d->nmembers; i++)
		free(d->members[i]);
	free(d->members);
	meta_free(&d->meta);
	free(d->dir);
	free(d->member);
	free(d->where);
	free(d->path);
	free(d);
}

/* Reading */

int
mare_dwca_read(struct mare_dwca *d, json_t **rec, struct mare_err *err)
{
	const struct mare_csv_row *row;
	const struct dfile *f = d->target;
	const struct field *fd;
	const char *v, *id = NULL;
	char where[600];
	size_t i, len;
	int rc;

	*rec = NULL;
	if (d->map != NULL)
		return mare_csv_read_record(d->csv, d->map, "dwca", rec, err);
	if ((rc = mare_csv_read(d->csv, &row, err)) <= 0)
		return rc;
	if (rc == MARE_CSV_BADROW) {
		snprintf(where, sizeof(where), "%s:%lu",
		    mare_csv_name(d->csv), row->line);
		if ((*rec = mare_record_reject(where, row->problem, row->raw,
		    row->rawlen)) == NULL)
			return mare_err_set(err, MARE_E_NOMEM,
			    "out of memory");
		return MARE_DWCA_REJECT;
	}
	if ((*rec = mare_record_new("dwca")) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	for (i = 0; i < f->nfields; i++) {
		fd = &f->fields[i];
		if ((v = row_value(row, fd, &len)) == NULL)
			continue;
		if (mare_record_put(*rec, fd->key, v, len, fd->numeric, err)
		    == -1)
			goto fail;
	}
	if (d->join) {
		if (f->id_index >= 0 && (size_t)f->id_index < row->nfields)
			id = row->fields[f->id_index];
		if ((id == NULL || *id == '\0') && d->eventid_field >= 0)
			id = row_value(row, &f->fields[d->eventid_field],
			    &len);
		if (id != NULL && inherit_from(d, *rec, id, err) == -1)
			goto fail;
	}
	return 1;
fail:
	mare_err_at(err, mare_csv_name(d->csv), row->line, 0);
	json_decref(*rec);
	*rec = NULL;
	return -1;
}

const char *
mare_dwca_core_type(const struct mare_dwca *d)
{
	return d->core_type;
}

const char *
mare_dwca_member(const struct mare_dwca *d)
{
	return d->member;
}

size_t
mare_dwca_nevents(const struct mare_dwca *d)
{
	return d->nevents;
}
