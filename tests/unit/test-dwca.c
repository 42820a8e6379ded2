/*
 * test-dwca.c - unit tests of lib/dwca.c on real Darwin Core Archives
 *
 * Counts and values were checked by hand against the archives' text:
 *   unzip -p X.zip occurrence.txt | sed -n 2p
 *   unzip -p X.zip occurrence.txt | tail -n +2 | wc -l
 * The broken archives are made by tests/data/dwca/make-derived.py.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "dwca.h"
#include "tap.h"

static char fixdir[1024];

static const char *
fixture(const char *name)
{
	static char path[1200];

	snprintf(path, sizeof(path), "%s/%s", fixdir, name);
	return path;
}

struct tally {
	size_t		 n, coords, rejects;
	json_t		*first;		/* first record */
	json_t		*pick;		/* record whose occurrenceID is want */
	json_t		*rej;		/* first reject */
	const char	*want;
	int		 rc;
	struct mare_err	 err;
};

static void
read_path(const char *path, const struct mare_dwca_opts *o, struct tally *t)
{
	struct mare_dwca *d;
	json_t *r;
	const char *id, *want = t->want;

	memset(t, 0, sizeof(*t));
	t->want = want;
	mare_err_init(&t->err);
	if ((d = mare_dwca_open(path, o, &t->err)) == NULL) {
		t->rc = -2;
		return;
	}
	while ((t->rc = mare_dwca_read(d, &r, &t->err)) > 0) {
		if (t->rc == MARE_DWCA_REJECT) {
			t->rejects++;
			if (t->rej == NULL)
				t->rej = r;
			else
				json_decref(r);
			continue;
		}
		t->n++;
		if (json_is_number(json_object_get(r, "decimalLatitude")) &&
		    json_is_number(json_object_get(r, "decimalLongitude")))
			t->coords++;
		id = json_string_value(json_object_get(r, "occurrenceID"));
		if (t->want != NULL && id != NULL && t->pick == NULL &&
		    strcmp(id, t->want) == 0)
			t->pick = json_incref(r);
		if (t->first == NULL)
			t->first = r;
		else
			json_decref(r);
	}
	mare_dwca_close(d);
}

static void
read_all(const char *name, const struct mare_dwca_opts *o, struct tally *t)
{
	read_path(fixture(name), o, t);
}

static void
tally_free(struct tally *t)
{
	json_decref(t->first);
	json_decref(t->pick);
	json_decref(t->rej);
}

static const char *
str(json_t *r, const char *k)
{
	const char *s = json_string_value(json_object_get(r, k));

	return s != NULL ? s : "(none)";
}

static double
num(json_t *r, const char *k)
{
	json_t *v = json_object_get(r, k);

	return json_is_number(v) ? json_number_value(v) : -9999;
}

static void
count(const char *name, size_t want, size_t want_coords)
{
	struct tally t = { 0 };

	read_all(name, NULL, &t);
	is_int(t.rc, 0, "dwca: %s reads to the end", name);
	is_int((long long)t.n, (long long)want, "dwca: %s has %zu records",
	    name, want);
	is_int((long long)t.coords, (long long)want_coords,
	    "dwca: %s: %zu with coordinates", name, want_coords);
	tally_free(&t);
}

static void
test_counts(void)
{
	/* GBIF simple CSV: no meta.xml, tab despite .csv, 91 rows */
	count("gbif_download_0009886-250127130748423_simplecsv.zip", 91, 83);
	count("obis_ipt_gelatinous_macrozoo_blacksea-v1.1_occurrence_mof.zip",
	    331, 331);
	count("obis_ipt_ewing_valdivia_bank-v1.1_occurrence_mof.zip", 1716,
	    1716);
	/* Taxon core + Occurrence extension */
	count("obis_ipt_tawitawi_reeffishes-v1.10_taxon_core_occurrence_"
	    "ext.zip", 135, 135);
	/* 2013 GBIF download, hdr=0 */
	count("gbif_download_2013_tetraodon_fluviatilis_dwca.zip", 158, 56);
	count("dwcareader_gbif_simplecsv_2016_no_meta_quoted.zip", 3, 2);
	count("dwcareader_gbif_simplecsv_2016_no_meta_unquoted.zip", 3, 2);
	count("dwcareader_gbif_simplecsv_2016_no_meta_crlf.zip", 3, 2);
	count("dwcareader_simple_occurrence_tab_header.zip", 2, 0);
	count("dwcareader_noheader_explicit.zip", 2, 0);
}

static void
test_values(void)
{
	struct tally t = { 0 };

	/*
	 * unzip -p ...blacksea...zip occurrence.txt | sed -n 2p: occurrenceID
	 * "IBSS_Bay Gelatinous zooplankton_1", eventDate
	 * 2010-11-01T12:00:00+02:00, year 2010, depth 0..35, 45.29167 30.5,
	 * Aurelia aurita
	 */
	read_all("obis_ipt_gelatinous_macrozoo_blacksea-v1.1_occurrence_"
	    "mof.zip", NULL, &t);
	is_str(str(t.first, "occurrenceID"), "IBSS_Bay Gelatinous "
	    "zooplankton_1", "dwca: blacksea first occurrenceID");
	is_str(str(t.first, "scientificName"), "Aurelia aurita",
	    "dwca: blacksea first scientificName");
	is_double(num(t.first, "decimalLatitude"), 45.29167, 1e-12,
	    "dwca: blacksea first latitude");
	is_double(num(t.first, "decimalLongitude"), 30.5, 1e-12,
	    "dwca: blacksea first longitude");
	is_double(num(t.first, "maximumDepthInMeters"), 35, 0,
	    "dwca: blacksea first maximum depth");
	ok(json_is_integer(json_object_get(t.first, "year")) &&
	    json_integer_value(json_object_get(t.first, "year")) == 2010,
	    "dwca: year is an integer");
	is_str(str(t.first, "modified"), "2016-09-30 16:31:30",
	    "dwca: dcterms:modified is keyed 'modified'");
	is_str(str(t.first, "source"), "dwca", "dwca: source is dwca");
	ok(json_object_get(t.first, "recordedBy") == NULL,
	    "dwca: empty fields are omitted");
	tally_free(&t);

	/* meta.xml: <field default="Belgium" term=".../country"/>, hdr=0 */
	read_all("dwcareader_meta_default_value_noheader.zip", NULL, &t);
	is_int((long long)t.n, 2, "dwca: default-value archive has 2 rows");
	is_str(str(t.first, "country"), "Belgium",
	    "dwca: a field with a default and no index");
	is_str(str(t.first, "scientificName"), "tetraodon fluviatilis",
	    "dwca: without header the first line is data");
	tally_free(&t);

	/* fieldsEnclosedBy="'": 'Observation' 'Borneo' Tetraodontidae */
	read_all("dwcareader_simple_occurrence_quote_enclosed.zip", NULL, &t);
	is_int((long long)t.n, 2, "dwca: quote-enclosed archive has 2 rows");
	is_str(str(t.first, "locality"), "Borneo",
	    "dwca: single quotes are removed");
	is_str(str(t.first, "basisOfRecord"), "Observation",
	    "dwca: single quotes are removed (2)");
	tally_free(&t);

	read_all("dwcareader_simple_in_subdirectory.zip", NULL, &t);
	is_int((long long)t.n, 2, "dwca: an archive inside a folder");
	is_str(str(t.first, "scientificName"), "tetraodon fluviatilis",
	    "dwca: subdirectory values");
	tally_free(&t);

	/* a U+0085 (NEL) inside a field, no final newline */
	read_all("dwcareader_gbif_download_2013_utf8_eol.zip", NULL, &t);
	is_int((long long)t.n, 1, "dwca: the NEL archive has one record");
	{
		const char *k;
		json_t *v;
		int nel = 0;

		json_object_foreach(t.first, k, v)
			if (json_is_string(v) &&
			    strstr(json_string_value(v), "\xC2\x85") != NULL)
				nel++;
		is_int(nel, 1, "dwca: NEL stays inside its field");
	}
	tally_free(&t);

	/*
	 * unzip -p gbif_download_2013...zip occurrence.txt | sed -n 1p:
	 * 607759330 5d6c10bd-... CAS (no header line: hdr=0)
	 */
	read_all("gbif_download_2013_tetraodon_fluviatilis_dwca.zip", NULL,
	    &t);
	is_str(str(t.first, "occurrenceID"), "607759330",
	    "dwca: hdr=0: the first line is the first record");
	is_str(str(t.first, "institutionCode"), "CAS",
	    "dwca: hdr=0: institutionCode");
	tally_free(&t);

	/* line 2: 998478875 ... Delphinium ... 41.94 1.01 7071.0 */
	read_all("gbif_download_0009886-250127130748423_simplecsv.zip", NULL,
	    &t);
	is_str(str(t.first, "gbifID"), "998478875",
	    "dwca: simple CSV first gbifID");
	is_double(num(t.first, "decimalLatitude"), 41.94, 1e-12,
	    "dwca: simple CSV first latitude");
	is_double(num(t.first, "coordinateUncertaintyInMeters"), 7071, 0,
	    "dwca: simple CSV uncertainty is a number");
	tally_free(&t);

	/* tawitawi line 2: occurrenceID 1, 5.3764423 120.22819 */
	read_all("obis_ipt_tawitawi_reeffishes-v1.10_taxon_core_occurrence_"
	    "ext.zip", NULL, &t);
	is_str(str(t.first, "scientificName"), "Abudefduf vaigensis",
	    "dwca: tawitawi first species");
	is_double(num(t.first, "decimalLatitude"), 5.3764423, 1e-12,
	    "dwca: tawitawi first latitude");
	tally_free(&t);
}

static void
test_events(void)
{
	struct tally t;
	struct mare_dwca *d;
	struct mare_err err;

	/*
	 * event.txt: sample_1 -> station_1 (51, 3), sample_3 -> station_2
	 * (52, 4), sample_4 -> station_3, which does not exist: occurrences
	 * 7 and 8 stay without coordinates.
	 */
	memset(&t, 0, sizeof(t));
	t.want = "occurrence_5";
	read_all("obis_ipt_test_pieter-v1.1_event_emof_tiny.zip", NULL, &t);
	is_int(t.rc, 0, "dwca: pieter reads to the end");
	is_int((long long)t.n, 8, "dwca: pieter has 8 occurrences");
	is_int((long long)t.coords, 6, "dwca: 6 inherit coordinates "
	    "(station_3 is missing)");
	is_double(num(t.first, "decimalLatitude"), 51, 0,
	    "dwca: occurrence_1 inherits station_1's latitude");
	is_str(str(t.first, "eventDate"), "2018-08-01",
	    "dwca: occurrence_1 inherits sample_1's date");
	is_double(num(t.pick, "decimalLongitude"), 4, 0,
	    "dwca: occurrence_5 inherits station_2's longitude");
	is_str(str(t.pick, "eventTime"), "15:00",
	    "dwca: the occurrence's own fields stay");
	tally_free(&t);

	mare_err_init(&err);
	d = mare_dwca_open(fixture("obis_ipt_test_pieter-v1.1_event_emof_"
	    "tiny.zip"), NULL, &err);
	is_str(mare_dwca_core_type(d), "Event", "dwca: pieter core is Event");
	is_int((long long)mare_dwca_nevents(d), 7, "dwca: 7 events indexed");
	mare_dwca_close(d);

	/*
	 * nsbs: occurrence.txt comes before event.txt in the zip. Line 2:
	 * NSBS_8076 in Cruise1:Station783:Grabbiotic:980_1, whose parent
	 * Cruise1:Station783 has 1985-01-01, 60.00/60.00 m, 56.25 -1.50,
	 * locality "Station: ICES 135", and whose grandparent Cruise1 has
	 * waterBody "North Sea".
	 */
	memset(&t, 0, sizeof(t));
	t.want = "NSBS_16375";
	read_all("obis_ipt_nsbs-v1.6_event_occurrence_emof.zip", NULL, &t);
	is_int(t.rc, 0, "dwca: nsbs reads to the end");
	is_int((long long)t.n, 16846, "dwca: nsbs has 16846 occurrences");
	is_int((long long)t.coords, 16846, "dwca: every nsbs occurrence "
	    "inherits coordinates from its station");
	is_str(str(t.first, "occurrenceID"), "NSBS_8076",
	    "dwca: nsbs first occurrence");
	is_double(num(t.first, "decimalLatitude"), 56.25, 0,
	    "dwca: nsbs latitude from the station");
	is_double(num(t.first, "decimalLongitude"), -1.5, 0,
	    "dwca: nsbs longitude from the station");
	is_double(num(t.first, "minimumDepthInMeters"), 60, 0,
	    "dwca: nsbs depth from the station");
	is_str(str(t.first, "eventDate"), "1985-01-01",
	    "dwca: nsbs date from the station");
	is_str(str(t.first, "locality"), "Station: ICES 135",
	    "dwca: nsbs locality from the station");
	is_str(str(t.first, "waterBody"), "North Sea",
	    "dwca: nsbs waterBody from the cruise, two levels up");
	is_str(str(t.pick, "scientificName"), "HALACARIDA",
	    "dwca: nsbs last occurrence found");
	ok(json_is_number(json_object_get(t.pick, "decimalLatitude")),
	    "dwca: nsbs last occurrence has coordinates");
	tally_free(&t);
}

static void
refused(const char *name, enum mare_errc code, const char *where_suffix,
    const char *msg)
{
	struct tally t = { 0 };
	char where[1300];

	read_all(name, NULL, &t);
	ok(t.rc < 0, "dwca: %s is refused", name);
	is_int(t.err.code, code, "dwca: %s: error code", name);
	is_str(t.err.msg, msg, "dwca: %s: message", name);
	snprintf(where, sizeof(where), "%s%s", fixture(name), where_suffix);
	is_str(t.err.where, where, "dwca: %s: position", name);
	tally_free(&t);
}

static void
test_errors(void)
{
	struct mare_dwca_opts o;
	struct tally t = { 0 };
	char where[1300];

	refused("dwcareader_taxon_core_vernacular_extension.zip", MARE_E_DATA,
	    "", "core is Taxon, not Occurrence or Event: no occurrences to "
	    "read");
	refused("dwcareader_taxon_core_two_extensions.zip", MARE_E_DATA, "",
	    "core is Taxon, not Occurrence or Event: no occurrences to read");
	refused("derived_no_meta_two_files.zip", MARE_E_DATA, "",
	    "no meta.xml and 2 data files (event.txt, occurrence.txt): "
	    "cannot tell which holds the occurrences");
	refused("derived_missing_file.zip", MARE_E_DATA, "!meta.xml",
	    "meta.xml names 'occurrence.txt', which is not in the archive");
	refused("derived_bad_separator.zip", MARE_E_DATA, "!meta.xml",
	    "bad separator fieldsTerminatedBy=\"\\t;\": expected one "
	    "character such as \\t or ,");
	refused("derived_latin1.zip", MARE_E_DATA, "!occurrence.txt:4",
	    "invalid UTF-8 (byte 0xE0): the file looks like Latin-1 or "
	    "Windows-1252: use --encoding");
	refused("derived_short_row.zip", MARE_E_DATA, "!occurrence.txt:4",
	    "expected 6 columns, got 4");
	refused("README.md", MARE_E_DATA, "",
	    "not a readable archive: Unrecognized archive format");
	refused("no-such.zip", MARE_E_NOINPUT, "", "cannot open archive");

	/* the short row as a counted reject */
	memset(&o, 0, sizeof(o));
	o.reject_bad_rows = 1;
	t.want = NULL;
	read_all("derived_short_row.zip", &o, &t);
	is_int(t.rc, 0, "dwca: with rejects the archive reads to the end");
	is_int((long long)t.n, 7, "dwca: 7 records");
	is_int((long long)t.rejects, 1, "dwca: 1 reject");
	snprintf(where, sizeof(where), "%s!occurrence.txt:4",
	    fixture("derived_short_row.zip"));
	is_str(str(t.rej, "_where"), where, "dwca: the reject names "
	    "archive, member and line");
	is_str(str(t.rej, "_raw"), "sample_2\tHumanObservation\t"
	    "occurrence_3\tsample_2", "dwca: the reject carries the raw row");
	tally_free(&t);

	/* Latin-1 accepted when the caller names the encoding */
	memset(&o, 0, sizeof(o));
	o.encoding = "ISO-8859-1";
	memset(&t, 0, sizeof(t));
	t.want = "occurrence_3";
	read_all("derived_latin1.zip", &o, &t);
	is_int((long long)t.n, 8, "dwca: --encoding reads the Latin-1 member");
	is_str(str(t.pick, "scientificName"), "Tellina f\xC3\xA0" "bula",
	    "dwca: converted to UTF-8");
	tally_free(&t);

	/* a bound on the uncompressed size of a member */
	memset(&o, 0, sizeof(o));
	o.max_member_bytes = 100000;
	t.want = NULL;
	read_all("obis_ipt_ewing_valdivia_bank-v1.1_occurrence_mof.zip", &o,
	    &t);
	ok(t.rc == -1 && strcmp(t.err.msg, "member larger than 100000 bytes "
	    "uncompressed (a zip bomb?)") == 0, "dwca: max_member_bytes "
	    "stops a large member");
	tally_free(&t);
}

/*
 * Found by fuzz-dwca: a 67-byte zip whose first member's name libarchive
 * cannot give (archive_entry_pathname() is NULL) crashed the reopen pass
 * (strcmp on NULL). The listing skips such a member; so does the reopen.
 */
static void
test_null_member_name(void)
{
	static const unsigned char zip[] = {
		0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0xff, 0xff, 0xff,
		0x02, 0x81, 0xc8, 0x4c, 0x77, 0xe3, 0x02, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
		0xa7, 0x37, 0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00,
		0x77, 0xe3, 0xe5, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x44, 0x01,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
		0x00, 0x00, 0x78, 0x50, 0x4b, 0x05, 0x06
	};
	struct mare_dwca *d;
	struct mare_err err;
	char path[1024];
	json_t *r;
	FILE *fp;
	int rc;

	snprintf(path, sizeof(path), "%s/null-name.zip", tap_tmpdir());
	fp = fopen(path, "wb");
	ok(fp != NULL && fwrite(zip, 1, sizeof(zip), fp) == sizeof(zip) &&
	    fclose(fp) == 0, "dwca: the fuzzed zip is written");
	mare_err_init(&err);
	if ((d = mare_dwca_open(path, NULL, &err)) != NULL) {
		while ((rc = mare_dwca_read(d, &r, &err)) > 0)
			json_decref(r);
		mare_dwca_close(d);
	} else
		rc = -1;
	ok(rc == -1 && err.code == MARE_E_DATA && err.msg[0] != '\0',
	    "dwca: a member without a name is a data error, not a crash "
	    "(%s)", err.msg);
	unlink(path);
}

/* ------------------------------------------------------------------ */
/* Archives made here: stored (uncompressed) zips of meta.xml variants. */

static uint32_t
crc32_of(const char *p, size_t len)
{
	uint32_t crc = 0xffffffffU;
	int k;

	while (len-- > 0) {
		crc ^= (unsigned char)*p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320U & (0U - (crc & 1)));
	}
	return ~crc;
}

static void
le(FILE *fp, uint32_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		fputc((int)((v >> (8 * i)) & 0xff), fp);
}

/*
 * Write a stored zip of n members (names[i], texts[i]) to
 * tmpdir/zipname; returns its path (static).
 */
static const char *
make_zip(const char *zipname, size_t n, const char *const *names,
    const char *const *texts)
{
	static char path[1200];
	uint32_t off[8], cd, cdlen;
	size_t i, nl, tl;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tap_tmpdir(), zipname);
	if ((fp = fopen(path, "wb")) == NULL || n > 8)
		exit(1);
	for (i = 0; i < n; i++) {
		nl = strlen(names[i]);
		tl = strlen(texts[i]);
		off[i] = (uint32_t)ftell(fp);
		le(fp, 0x04034b50, 4);
		le(fp, 20, 2);
		le(fp, 0, 2);
		le(fp, 0, 2);		/* stored */
		le(fp, 0, 2);
		le(fp, 0x21, 2);	/* 1980-01-01 */
		le(fp, crc32_of(texts[i], tl), 4);
		le(fp, (uint32_t)tl, 4);
		le(fp, (uint32_t)tl, 4);
		le(fp, (uint32_t)nl, 2);
		le(fp, 0, 2);
		fwrite(names[i], 1, nl, fp);
		fwrite(texts[i], 1, tl, fp);
	}
	cd = (uint32_t)ftell(fp);
	for (i = 0; i < n; i++) {
		nl = strlen(names[i]);
		tl = strlen(texts[i]);
		le(fp, 0x02014b50, 4);
		le(fp, 20, 2);
		le(fp, 20, 2);
		le(fp, 0, 2);
		le(fp, 0, 2);
		le(fp, 0, 2);
		le(fp, 0x21, 2);
		le(fp, crc32_of(texts[i], tl), 4);
		le(fp, (uint32_t)tl, 4);
		le(fp, (uint32_t)tl, 4);
		le(fp, (uint32_t)nl, 2);
		le(fp, 0, 2);
		le(fp, 0, 2);
		le(fp, 0, 2);
		le(fp, 0, 2);
		le(fp, 0, 4);
		le(fp, off[i], 4);
		fwrite(names[i], 1, nl, fp);
	}
	cdlen = (uint32_t)ftell(fp) - cd;
	le(fp, 0x06054b50, 4);
	le(fp, 0, 2);
	le(fp, 0, 2);
	le(fp, (uint32_t)n, 2);
	le(fp, (uint32_t)n, 2);
	le(fp, cdlen, 4);
	le(fp, cd, 4);
	le(fp, 0, 2);
	if (fclose(fp) != 0)
		exit(1);
	return path;
}

#define OCC_TYPE "http://rs.tdwg.org/dwc/terms/Occurrence"
#define EVENT_TYPE "http://rs.tdwg.org/dwc/terms/Event"
#define TERM(x) "http://rs.tdwg.org/dwc/terms/" x

/* A meta.xml whose core is given whole, around the archive element. */
static const char *
meta_of(const char *inner)
{
	static char buf[16384];

	snprintf(buf, sizeof(buf), "<?xml version=\"1.0\"?>\n<archive "
	    "xmlns=\"http://rs.tdwg.org/dwc/text/\">\n%s\n</archive>\n",
	    inner);
	return buf;
}

/* Read the archive of meta.xml inner and occurrence.txt data. */
static void
read_made(const char *zipname, const char *inner, const char *data,
    struct tally *t)
{
	const char *names[2] = { "meta.xml", "occurrence.txt" };
	const char *texts[2];
	char *meta = strdup(meta_of(inner));

	texts[0] = meta;
	texts[1] = data;
	t->want = NULL;
	read_path(make_zip(zipname, 2, names, texts), NULL, t);
	free(meta);
}

static void
made_refused_at(const char *zipname, const char *inner, const char *msg,
    const char *suffix, const char *what)
{
	struct tally t;
	char where[1300];

	read_made(zipname, inner, "id\tx\n1\ta\n", &t);
	ok(t.rc < 0 && t.err.code == MARE_E_DATA, "dwca: %s is a data error",
	    what);
	is_str(t.err.msg, msg, "dwca: %s: message", what);
	snprintf(where, sizeof(where), "%s/%s%s", tap_tmpdir(), zipname,
	    suffix);
	is_str(t.err.where, where, "dwca: %s: position", what);
	tally_free(&t);
}

static void
made_refused(const char *zipname, const char *inner, const char *msg,
    const char *what)
{
	made_refused_at(zipname, inner, msg, "!meta.xml", what);
}

#define CORE_OPEN "<core rowType=\"" OCC_TYPE "\" fieldsTerminatedBy=\"\\t\" "
#define CORE_REST "<files><location>occurrence.txt</location></files>" \
	"<id index=\"0\"/><field index=\"0\" term=\"" TERM("occurrenceID") \
	"\"/></core>"

static void
test_made_meta(void)
{
	struct tally t;
	char *inner, *big;
	char where[1300];

	made_refused("two-cores.zip", CORE_OPEN "ignoreHeaderLines=\"1\">"
	    CORE_REST CORE_OPEN ">" CORE_REST, "more than one <core>",
	    "two <core> elements");
	made_refused("quote2.zip", CORE_OPEN "fieldsEnclosedBy=\"''\">"
	    CORE_REST, "bad quote fieldsEnclosedBy=\"''\": expected nothing "
	    "or one character", "a two-character quote");
	made_refused("quote-tab.zip", CORE_OPEN "fieldsEnclosedBy=\"\\t\">"
	    CORE_REST, "bad quote fieldsEnclosedBy=\"\\t\": expected nothing "
	    "or one character", "a quote equal to the separator");
	made_refused("lines-cr.zip", CORE_OPEN "linesTerminatedBy=\"\\r\">"
	    CORE_REST, "unsupported linesTerminatedBy=\"\\r\": expected \\n "
	    "or \\r\\n", "lines ended by CR alone");
	made_refused("header-x.zip", CORE_OPEN "ignoreHeaderLines=\"x\">"
	    CORE_REST, "index 'x' is not a column number",
	    "ignoreHeaderLines=\"x\"");
	made_refused("no-term.zip", CORE_OPEN "><files><location>"
	    "occurrence.txt</location></files><field index=\"1\"/></core>",
	    "<field> without a term", "a field without a term");
	made_refused("no-files.zip", CORE_OPEN "><id index=\"0\"/></core>",
	    "<core> without <files><location>", "a core without files");
	made_refused("empty-loc.zip", CORE_OPEN "><files><location>"
	    "</location></files></core>", "empty <location>",
	    "an empty location");
	/* found by this test: a blank location, or an empty one after an
	 * earlier file's, was taken as the name "" */
	made_refused("blank-loc.zip", CORE_OPEN "><files><location> \n "
	    "</location></files></core>", "empty <location>",
	    "a blank location");
	made_refused("empty-loc2.zip", CORE_OPEN "><files><location>"
	    "occurrence.txt</location></files></core><extension rowType=\""
	    "x\"><files><location></location></files></extension>",
	    "empty <location>", "an empty location after a good one");
	big = malloc(5000);
	memset(big, 'a', 4999);
	big[4999] = '\0';
	inner = malloc(6000);
	snprintf(inner, 6000, CORE_OPEN "><files><location>%s</location>"
	    "</files></core>", big);
	made_refused("long-loc.zip", inner, "<location> longer than 4096 "
	    "bytes", "a location of 4999 bytes");
	free(inner);
	free(big);
	made_refused_at("event-only.zip", "<core rowType=\"" EVENT_TYPE
	    "\"><files><location>occurrence.txt</location></files></core>",
	    "core is Event and no Occurrence extension: no occurrences to "
	    "read", "", "an Event core alone");

	/* a location padded with white space is trimmed, and read */
	read_made("padded.zip", CORE_OPEN "ignoreHeaderLines=\"1\"><files>"
	    "<location>\n\t occurrence.txt \r\n</location></files><id index="
	    "\"0\"/><field index=\"1\" term=\"" TERM("scientificName")
	    "\"/></core>", "id\tname\n1\tAurelia aurita\n", &t);
	ok(t.rc == 0 && t.n == 1 && strcmp(str(t.first, "scientificName"),
	    "Aurelia aurita") == 0, "dwca: a location in white space is "
	    "trimmed (%s)", t.err.msg);
	tally_free(&t);

	/* a column index past the header */
	read_made("past-header.zip", CORE_OPEN "ignoreHeaderLines=\"1\">"
	    "<files><location>occurrence.txt</location></files><id index="
	    "\"0\"/><field index=\"5\" term=\"" TERM("scientificName")
	    "\"/></core>", "id\tname\n1\tAurelia aurita\n", &t);
	ok(t.rc < 0 && t.err.code == MARE_E_DATA && strcmp(t.err.msg,
	    "meta.xml gives column index 5 but the header has 2 columns") ==
	    0, "dwca: a column index past the header is refused (%s)",
	    t.err.msg);
	snprintf(where, sizeof(where), "%s/past-header.zip!occurrence.txt:1",
	    tap_tmpdir());
	is_str(t.err.where, where, "dwca: at the header line");
	tally_free(&t);

	/* meta.xml over 1 MiB */
	big = malloc(((size_t)1 << 20) + 100);
	memset(big, ' ', ((size_t)1 << 20) + 99);
	big[((size_t)1 << 20) + 99] = '\0';
	memcpy(big, "<archive/>", 10);
	{
		const char *names[2] = { "meta.xml", "occurrence.txt" };
		const char *texts[2] = { big, "id\n1\n" };

		t.want = NULL;
		read_path(make_zip("big-meta.zip", 2, names, texts), NULL, &t);
	}
	ok(t.rc < 0 && t.err.code == MARE_E_DATA && strcmp(t.err.msg,
	    "meta.xml larger than 1048576 bytes") == 0,
	    "dwca: meta.xml over 1 MiB is refused (%s)", t.err.msg);
	tally_free(&t);
	free(big);
}

/* An Event core and an Occurrence extension joined by eventID fields */
static void
test_made_events(void)
{
	static const char meta[] = "<?xml version=\"1.0\"?>\n<archive "
	    "xmlns=\"http://rs.tdwg.org/dwc/text/\">\n"
	    "<core rowType=\"" EVENT_TYPE "\" fieldsTerminatedBy=\"\\t\" "
	    "ignoreHeaderLines=\"1\"><files><location>event.txt</location>"
	    "</files><field index=\"0\" term=\"" TERM("eventID") "\"/>"
	    "<field index=\"1\" term=\"" TERM("parentEventID") "\"/>"
	    "<field index=\"2\" term=\"" TERM("eventDate") "\"/>"
	    "<field index=\"3\" term=\"" TERM("decimalLatitude") "\"/>"
	    "<field index=\"4\" term=\"" TERM("decimalLongitude") "\"/>"
	    "</core>\n<extension rowType=\"" OCC_TYPE "\" "
	    "fieldsTerminatedBy=\"\\t\" ignoreHeaderLines=\"1\"><files>"
	    "<location>occurrence.txt</location></files>"
	    "<field index=\"0\" term=\"" TERM("eventID") "\"/>"
	    "<field index=\"1\" term=\"" TERM("occurrenceID") "\"/>"
	    "<field index=\"2\" term=\"" TERM("decimalLatitude") "\"/>"
	    "<field index=\"3\" term=\"" TERM("decimalLongitude") "\"/>"
	    "</extension>\n</archive>\n";
	/*
	 * No <id> and no <coreid>: rows are joined by their eventID
	 * fields. e2's parent is e1; the row without an eventID is
	 * skipped. o1 (in e2) takes e2's point and, through e2, e1's
	 * date; o2 (in e1) keeps its own point and takes e1's date.
	 */
	static const char events[] = "eventID\tparentEventID\teventDate\t"
	    "lat\tlon\ne1\t\t2001-05-01\t10\t20\ne2\te1\t\t11\t21\n"
	    "\t\t1999-01-01\t0\t0\n";
	static const char occ[] = "eventID\toccurrenceID\tlat\tlon\n"
	    "e2\to1\t\t\ne1\to2\t5\t6\n";
	const char *names[3] = { "meta.xml", "event.txt", "occurrence.txt" };
	const char *texts[3] = { meta, events, occ };
	struct tally t;

	memset(&t, 0, sizeof(t));
	t.want = "o1";
	read_path(make_zip("events.zip", 3, names, texts), NULL, &t);
	ok(t.rc == 0 && t.n == 2, "dwca: an Event core joined by eventID "
	    "fields: 2 occurrences (%s)", t.err.msg);
	ok(t.pick != NULL && num(t.pick, "decimalLatitude") == 11 &&
	    num(t.pick, "decimalLongitude") == 21,
	    "dwca: o1 takes its event's point");
	is_str(t.pick != NULL ? str(t.pick, "eventDate") : NULL,
	    "2001-05-01", "dwca: and the parent event's date");
	ok(t.first != NULL && num(t.first, "decimalLatitude") == 11,
	    "dwca: the first record is o1");
	tally_free(&t);
	t.want = "o2";
	read_path(make_zip("events.zip", 3, names, texts), NULL, &t);
	ok(t.pick != NULL && num(t.pick, "decimalLatitude") == 5 &&
	    num(t.pick, "decimalLongitude") == 6 &&
	    strcmp(str(t.pick, "eventDate"), "2001-05-01") == 0,
	    "dwca: o2 keeps its own point and takes its event's date");
	tally_free(&t);
}

int
main(void)
{
	const char *src = getenv("MARE_SRCDIR");

	snprintf(fixdir, sizeof(fixdir), "%s/tests/data/dwca",
	    src != NULL && *src != '\0' ? src : ".");
	if (access(fixture("derived_latin1.zip"), R_OK) != 0) {
		diag("fixtures not found in %s (set MARE_SRCDIR)", fixdir);
		ok(0, "dwca: the fixtures are found");
		return tap_done();
	}
	test_counts();
	test_values();
	test_events();
	test_errors();
	test_null_member_name();
	test_made_meta();
	test_made_events();
	return tap_done();
}
