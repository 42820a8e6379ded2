/*
 * dwca.h - occurrence records from a Darwin Core Archive, read in place
 *
 * The archive (a zip, or anything libarchive reads) is never extracted:
 * its members are streamed. meta.xml (parsed with expat) says which file
 * is the core and which are extensions, and for each its separator,
 * quote, encoding, header lines, id column and the term of every column,
 * with default values. What is read:
 *
 * - Occurrence core: its rows.
 * - Event core with an Occurrence extension (OBIS): the extension's rows,
 *   each inheriting from its event (the core row whose id is the row's
 *   coreid, or its eventID when there is no coreid) and then from that
 *   event's parents (parentEventID), nearest first, the terms below that
 *   the occurrence lacks. Latitude and longitude come as a pair from the
 *   nearest event that has either. Inherited: eventDate, eventTime, year,
 *   month, day, startDayOfYear, endDayOfYear, verbatimEventDate,
 *   decimalLatitude, decimalLongitude, geodeticDatum,
 *   coordinateUncertaintyInMeters, coordinatePrecision, footprintWKT,
 *   footprintSRS, minimumDepthInMeters, maximumDepthInMeters,
 *   verbatimDepth, minimumElevationInMeters, maximumElevationInMeters,
 *   locationID, locality, waterBody, country, countryCode,
 *   higherGeography, habitat. The chain is followed at most 64 levels
 *   (so a cycle ends). An occurrence whose event is missing is read as is.
 * - Any other core (Taxon...) with an Occurrence extension: the
 *   extension's rows, without a join.
 * - No meta.xml (GBIF "simple CSV" downloads): when the archive holds
 *   exactly one data file (not *.xml, not __MACOSX/ or "._" junk), it is
 *   read as a CSV/TSV with a header row, delimiter sniffed, columns mapped
 *   by name like lib/csv.
 *
 * meta.xml may sit in a folder of the archive (all locations are then
 * relative to it). Memory: one row at a time, plus, for an Event core, an
 * index of all events holding only their id, parent and the inherited
 * terms above (one allocation per event: roughly 100 to 300 bytes each
 * for OBIS data; events are far fewer than occurrences). The archive is
 * read in two passes when it has an Event core (index, then the
 * occurrences), so the zip order of members does not matter; path must be
 * a file, not a pipe.
 *
 * Records follow record.h: Darwin Core short names (unknown term URIs are
 * keyed by their last path segment), numbers as numbers, "source" is
 * "dwca". The id/coreid column is not a field of the record.
 *
 * Errors name the archive and member: "x.zip!occurrence.txt:123: ...",
 * "x.zip!meta.xml: ..." (MARE_E_DATA), "x.zip: ..." for the archive itself
 * (MARE_E_NOINPUT when it cannot be opened, MARE_E_DATA when it is not an
 * archive or is corrupt). A row with the wrong number of columns is an
 * error, or with reject_bad_rows a reject (MARE_DWCA_REJECT).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_DWCA_H
#define MARE_DWCA_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

/* mare_dwca_read(): a row that could not become a record. */
#define MARE_DWCA_REJECT	2
/* The largest meta.xml read, in bytes. */
#define MARE_DWCA_MAX_META	((size_t)1 << 20)

struct mare_dwca_opts {
	const char	*encoding;	/* overrides meta.xml's; NULL: keep */
	int		 reject_bad_rows; /* MARE_DWCA_REJECT, not an error */
	size_t		 max_row;	/* bytes per row; 0: lib/csv default */
	unsigned long long max_member_bytes; /* uncompressed; 0: no limit */
};

struct mare_dwca;

/*
 * Open the archive at path, read meta.xml, check that the files it names
 * are there, build the event index for an Event core, and position the
 * reader on the first occurrence row. opts may be NULL. Returns NULL with
 * err set; among the MARE_E_DATA cases: no meta.xml and zero or several
 * data files, a meta.xml that is not well-formed XML or has no core, a bad
 * fieldsTerminatedBy/fieldsEnclosedBy/linesTerminatedBy, a bad index, a
 * file named in meta.xml but missing, "core is Taxon, not Occurrence or
 * Event: no occurrences to read", an Event core without an Occurrence
 * extension, a field index past the header's columns.
 */
struct mare_dwca *mare_dwca_open(const char *path,
	    const struct mare_dwca_opts *opts, struct mare_err *err);
/*
 * Read the next occurrence. Returns 1 with *rec (a new reference the
 * caller owns), 0 at the end, -1 on error, MARE_DWCA_REJECT with *rec a
 * reject object {"_rejected": reason, "_where": "x.zip!member:line",
 * "_raw": row} (see mare_record_reject()). *rec is NULL otherwise. After
 * -1 the reader must only be closed.
 */
int	 mare_dwca_read(struct mare_dwca *d, json_t **rec,
	    struct mare_err *err);
/* Close the archive and free everything. NULL is a no-op. */
void	 mare_dwca_close(struct mare_dwca *d);

/* The core's row type ("Occurrence", "Event"...; "" without meta.xml). */
const char *mare_dwca_core_type(const struct mare_dwca *d);
/* The member the occurrences come from ("occurrence.txt"). */
const char *mare_dwca_member(const struct mare_dwca *d);
/* The number of events in the index (0 unless the core is Event). */
size_t	 mare_dwca_nevents(const struct mare_dwca *d);

#endif /* MARE_DWCA_H */
