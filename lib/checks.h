/*
 * checks.h - built-in quality checks on one occurrence record
 *
 * Each check has a stable name, OBIS's flag name where OBIS has one
 * (obis-qc obisqc/util/flags.py), so results compare with OBIS's own QC.
 * A check looks at Darwin Core fields of one record (a jansson object) and
 * adds zero or more findings {rule, field, message}; it never changes the
 * record. The checks are on by default; each is switched off by name.
 *
 * Values: a numeric field may hold a JSON number or a string spelling a
 * decimal number ("12.5", "-7", "1e3"; DwC-A and CSV sources give strings);
 * anything else (a non-numeric string, true, an object) is not numeric.
 * A field that is absent, null or the empty string is missing. Numbers in
 * strings are read with strtod() and so assume the C locale (mare never
 * calls setlocale() for LC_NUMERIC).
 *
 * The checks and what each catches (fields in parentheses):
 *   NO_COORD		decimalLatitude or decimalLongitude missing; one
 *			finding per missing field
 *   COORD_NOT_NUMERIC	a coordinate present but not numeric
 *   LAT_OUT_OF_RANGE	|decimalLatitude| > 90
 *   LON_OUT_OF_RANGE	|decimalLongitude| > 180
 *   ZERO_COORD		latitude and longitude both exactly 0
 *   ZERO_LAT		latitude 0, longitude not (never with ZERO_COORD)
 *   ZERO_LON		longitude 0, latitude not (never with ZERO_COORD)
 *   LAT_EQUALS_LON	latitude == longitude, not both 0
 *   COORD_SWAPPED	|lat| > 90, |lat| <= 180 and |lon| <= 90: the point
 *			is invalid and swapping the axes makes it valid
 *			(CoordinateCleaner's stricter test, a valid point
 *			that lands in its recorded country only when swapped,
 *			needs country polygons and is not done here)
 *   LOW_PRECISION	both coordinates have fewer than min_decimals
 *			decimal places (default 1: integer degrees)
 *   UNCERTAINTY_TOO_HIGH coordinateUncertaintyInMeters > max_uncertainty_m
 *   NUMBER_INVALID	coordinateUncertaintyInMeters, depth,
 *			minimumDepthInMeters or maximumDepthInMeters present
 *			but not numeric
 *   DATE_INVALID	eventDate present but not an ISO 8601 date, date-time
 *			or interval as date.h accepts (a missing eventDate is
 *			no finding: use a rule to require it)
 *   DATE_IN_FUTURE	eventDate starts after now (as OBIS: the earliest
 *			instant of the period is in the future)
 *   DATE_BEFORE_MIN	eventDate ends before earliest (OBIS's name; the
 *			whole period lies before the limit)
 *   DEPTH_NEGATIVE	depth, minimumDepthInMeters or maximumDepthInMeters
 *			below 0 (one finding per field)
 *   DEPTH_OUT_OF_RANGE	one of those above max_depth_m (default 11000 m,
 *			the Challenger Deep; OBIS's name and limit)
 *   MIN_DEPTH_EXCEEDS_MAX minimumDepthInMeters > maximumDepthInMeters
 *   BASIS_OF_RECORD_INVALID basisOfRecord present but not a Darwin Core
 *			class name (PreservedSpecimen, FossilSpecimen,
 *			LivingSpecimen, MaterialSample, MaterialEntity,
 *			MaterialCitation, HumanObservation,
 *			MachineObservation, Occurrence, Event, Taxon) nor
 *			GBIF's enumeration of them (PRESERVED_SPECIMEN, ...,
 *			OCCURRENCE, OBSERVATION); case matters
 *   DUPLICATE_RECORD	same scientificName, coordinates rounded to
 *			dup_decimals and eventDate span as an earlier record;
 *			records without scientificName or valid coordinates
 *			are not compared; the first one is kept
 *   DUPLICATE_ID	the same occurrenceID as an earlier record
 * The aliases DATE_TOO_EARLY and DEPTH_IMPLAUSIBLE name DATE_BEFORE_MIN and
 * DEPTH_OUT_OF_RANGE.
 *
 * Differences from obis-qc: OBIS also raises NO_COORD when a coordinate is
 * out of range or not numeric; here those are LAT/LON_OUT_OF_RANGE and
 * COORD_NOT_NUMERIC alone, so each finding says one thing.
 *
 * Duplicates: the checker keeps, per key, one 128-bit hash (MurmurHash3
 * x64-128 of the key's text) in an open-addressing set: no copies of
 * records. Memory is 16 bytes times the table size, which is kept between
 * 2 and 4 times the number of distinct keys (at most 64 bytes per distinct
 * key; 1e7 distinct records take at most 640 MB, typically half). Two
 * different keys collide with probability about n^2 / 2^129 for n keys
 * (1e9 keys: under 2e-21), so a record wrongly called a duplicate is, in
 * practice, impossible.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_CHECKS_H
#define MARE_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

enum mare_check_id {
	MARE_CHECK_NO_COORD,
	MARE_CHECK_COORD_NOT_NUMERIC,
	MARE_CHECK_LAT_OUT_OF_RANGE,
	MARE_CHECK_LON_OUT_OF_RANGE,
	MARE_CHECK_ZERO_COORD,
	MARE_CHECK_ZERO_LAT,
	MARE_CHECK_ZERO_LON,
	MARE_CHECK_LAT_EQUALS_LON,
	MARE_CHECK_COORD_SWAPPED,
	MARE_CHECK_LOW_PRECISION,
	MARE_CHECK_UNCERTAINTY_TOO_HIGH,
	MARE_CHECK_NUMBER_INVALID,
	MARE_CHECK_DATE_INVALID,
	MARE_CHECK_DATE_IN_FUTURE,
	MARE_CHECK_DATE_BEFORE_MIN,
	MARE_CHECK_DEPTH_NEGATIVE,
	MARE_CHECK_DEPTH_OUT_OF_RANGE,
	MARE_CHECK_MIN_DEPTH_EXCEEDS_MAX,
	MARE_CHECK_BASIS_OF_RECORD_INVALID,
	MARE_CHECK_DUPLICATE_RECORD,
	MARE_CHECK_DUPLICATE_ID,
	MARE_CHECK_COUNT
};

/* ------------------------------------------------------------------ */
/* Findings */

struct mare_finding {
	const char	*rule;		/* check or expectation name */
	const char	*field;		/* NULL: about the record or a pair */
	int		 reject;	/* 0: counted only (mostly < 1) */
	char		 message[200];
};

/*
 * A growing list of findings, reused record after record (clear it
 * between records). rule and field point to static strings or to strings
 * owned by the rule set that produced them: they live as long as it.
 */
struct mare_findings {
	struct mare_finding	*v;
	size_t			 n, cap;
};

void	mare_findings_init(struct mare_findings *f);
void	mare_findings_clear(struct mare_findings *f);	/* n = 0 */
void	mare_findings_release(struct mare_findings *f);	/* frees v */
/* Append one; -1 with MARE_E_NOMEM when memory runs out. */
int	mare_findings_add(struct mare_findings *f, const char *rule,
	    const char *field, int reject, struct mare_err *err,
	    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* ------------------------------------------------------------------ */
/* Options */

struct mare_checks_opts {
	unsigned char	enabled[MARE_CHECK_COUNT];	/* 1 = on */
	int		min_decimals;		/* LOW_PRECISION, default 1 */
	double		max_uncertainty_m;	/* default 100000 */
	double		max_depth_m;		/* default 11000 */
	int64_t		now;			/* DATE_IN_FUTURE, UTC s */
	int64_t		earliest;		/* DATE_BEFORE_MIN, UTC s */
	int		dup_decimals;		/* DUPLICATE_RECORD, 4 */
};

/*
 * Every check on, defaults as above, earliest = 1600-01-01T00:00:00Z
 * (GBIF treats earlier dates as unlikely), now as given: the library never
 * reads the clock (pass time(NULL), or SOURCE_DATE_EPOCH for reruns).
 */
void	mare_checks_opts_init(struct mare_checks_opts *o, int64_t now);

/*
 * Switch a check on or off by name (aliases accepted). Returns 0, or -1
 * with MARE_E_USAGE "unknown check 'X'" for a name that is no check.
 */
int	mare_checks_enable(struct mare_checks_opts *o, const char *name,
	    int on, struct mare_err *err);

/*
 * The record fields the checks read, NULL-terminated: a reader that
 * decodes only some fields (mare_jsonl_reader_select()) must keep these.
 */
const char *const *mare_checks_fields(void);

/* The check named name (or an alias), or -1. */
int	mare_check_lookup(const char *name);
/* The stable name of check id ("NO_COORD"), NULL when out of range. */
const char *mare_check_name(int id);

/* ------------------------------------------------------------------ */
/* Running */

struct mare_checks;

/* A checker with a copy of o; NULL with MARE_E_USAGE for bad options. */
struct mare_checks *mare_checks_new(const struct mare_checks_opts *o,
	    struct mare_err *err);
void	mare_checks_free(struct mare_checks *c);

/*
 * Run the enabled checks on rec, a JSON object (anything else is
 * MARE_E_INTERNAL: the caller rejects non-objects itself). Findings are
 * appended to out with reject = 1. The duplicate checks run last and only
 * when out holds no rejecting finding yet, so that a record rejected for
 * another reason does not enter the duplicate index (it is not "the first,
 * kept"): evaluate rules before the checks to give them that effect too.
 * Returns the number of findings added, or -1 (MARE_E_NOMEM).
 */
int	mare_checks_run(struct mare_checks *c, const json_t *rec,
	    struct mare_findings *out, struct mare_err *err);

/* Distinct keys held by the duplicate indexes (records, ids). */
size_t	mare_checks_dup_keys(const struct mare_checks *c);

/* ------------------------------------------------------------------ */
/* Helpers shared with rules.c */

/*
 * Read v as a number: 1 with *out set for a JSON number or a numeric
 * string, 0 for missing (NULL, null, ""), -1 for anything else.
 * Infinite and NaN results are not numeric.
 */
int	mare_checks_number(const json_t *v, double *out);

/*
 * Decimal places of a numeric value as written: for a string, the digits
 * after '.' (before any exponent); for a JSON real, those of the shortest
 * text that reads back the same double (jansson keeps no spelling, so
 * 12.50 counts 1 and 12.0 counts 0); 0 for an integer; -1 otherwise.
 */
int	mare_checks_decimals(const json_t *v);

/* A set of 128-bit hashes of byte strings, for duplicate detection. */
struct mare_keyset;

struct mare_keyset *mare_keyset_new(struct mare_err *err);
void	mare_keyset_free(struct mare_keyset *s);
/* Add the key; 1 if it was new, 0 if seen before, -1 out of memory. */
int	mare_keyset_add(struct mare_keyset *s, const void *key, size_t len,
	    struct mare_err *err);
size_t	mare_keyset_count(const struct mare_keyset *s);

#endif /* MARE_CHECKS_H */
