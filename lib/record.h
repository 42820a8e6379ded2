/*
 * record.h - Darwin Core terms and occurrence records as jansson objects
 *
 * A record is a JSON object whose keys are Darwin Core short names
 * ("decimalLatitude"), plus "source" ("dwca", "csv", "gbif", "obis") and
 * any unknown field under its own name. Every source of mare-fetch builds
 * its records through mare_record_put(), so they all follow one rule:
 *
 * - an empty value is omitted (no key at all);
 * - a numeric term (mare_record_term_numeric()) whose text is a finite
 *   decimal number becomes a JSON number: an integer when the text has no
 *   fraction or exponent and fits in a json_int_t, a real otherwise;
 * - anything else, including a numeric term whose text is not a number
 *   ("abc", "12 m", "NaN", "0x10"), stays the exact string, so that
 *   mare-validate can reject it later: never dropped, never guessed.
 *
 * The term table knows the Darwin Core terms
 * (http://rs.tdwg.org/dwc/terms/NAME), the Dublin Core terms used by
 * Darwin Core (http://purl.org/dc/terms/NAME: type, modified, language,
 * license, rightsHolder, accessRights, bibliographicCitation, references),
 * and the fields OBIS (http://rs.iobis.org/obis/terms/NAME) and GBIF
 * (http://rs.gbif.org/terms/1.0/NAME) add, which keep their names.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_RECORD_H
#define MARE_RECORD_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"
#include "featspec.h"
#include "grid.h"

/* Terms */

/*
 * The canonical short name of a term given by its short name (compared
 * without regard to case: "decimallatitude" gives "decimalLatitude") or
 * by its URI in one of the four namespaces above (with "http" or "https";
 * "http://rs.tdwg.org/dwc/terms/decimalLatitude"). Returns a static
 * string, or NULL when the term is not in the table.
 */
const char *mare_record_term_name(const char *s);
/*
 * The URI of a known term given by its canonical short name (exact case),
 * a static string; NULL when unknown.
 */
const char *mare_record_term_uri(const char *name);
/*
 * The key to use for a term URI that may be unknown: the canonical name
 * when known, else the last path segment of the URI (after the last '/'
 * or '#'), else the whole string. Returns a pointer into s or a static
 * string; never NULL for a non-NULL s.
 */
const char *mare_record_term_key(const char *uri);
/*
 * True when the term's values are numbers (decimalLatitude,
 * decimalLongitude, coordinateUncertaintyInMeters, coordinatePrecision,
 * pointRadiusSpatialFit, minimum/maximumDepthInMeters,
 * minimum/maximumElevationInMeters,
 * minimum/maximumDistanceAboveSurfaceInMeters, year, month, day,
 * startDayOfYear, endDayOfYear, individualCount, sampleSizeValue, and
 * GBIF's depth, depthAccuracy, elevation, elevationAccuracy). Exact case.
 */
int	 mare_record_term_numeric(const char *name);

/* Records */

/*
 * A new empty record with "source" set to source (not set when NULL).
 * Returns NULL only when out of memory.
 */
json_t	*mare_record_new(const char *source);
/*
 * Set key to the value of len bytes at val (need not be NUL-terminated,
 * must be UTF-8) following the rules above; numeric says whether the
 * value may become a number (mare_record_term_numeric(key), computed once
 * per column by callers that stream). An empty value removes nothing and
 * adds nothing. Returns 0, or -1 with MARE_E_NOMEM.
 */
int	 mare_record_put(json_t *rec, const char *key, const char *val,
	    size_t len, int numeric, struct mare_err *err);
/* The same for a NUL-terminated value, numeric looked up from key. */
int	 mare_record_set(json_t *rec, const char *key, const char *val,
	    struct mare_err *err);

/*
 * A reject object for a row that could not become a record, for the
 * caller's reject stream: {"_rejected": reason, "_where": where,
 * "_raw": the row's text}. raw may be NULL. Returns NULL when out of
 * memory (or when reason, where or raw is not UTF-8).
 */
json_t	*mare_record_reject(const char *where, const char *reason,
	    const char *raw, size_t rawlen);

/*
 * Remove the fields that name people (for --drop-personal): recordedBy,
 * recordedByID, identifiedBy, identifiedByID, rightsHolder,
 * georeferencedBy, measurementDeterminedBy, verbatimRecordedBy (no DwC
 * term but seen in exports) and the GBIF/OBIS API's "collector" and
 * "recordedByIDs"/"identifiedByIDs" arrays. Returns the number of keys
 * removed.
 */
size_t	 mare_record_drop_personal(json_t *rec);
/* The NULL-terminated list of keys mare_record_drop_personal() removes. */
extern const char *const mare_record_personal_keys[];

/* Raw variables */

/*
 * The raw values of spec fs's variables for record rec, into
 * out[0..fs->nvars): with stack NULL, the record's fields named as the
 * variables; otherwise the values of the stack's layers layer[0..nvars)
 * at the record's decimalLongitude and decimalLatitude. The one way
 * mare-predict and mare-drift turn records into model rows. Returns 1,
 * or 0 with *field naming the field at fault (a variable,
 * "decimalLongitude", "decimalLatitude",
 * "decimalLongitude,decimalLatitude") and the problem in msg (msize
 * bytes): "missing", "expected a number, got a string", "outside the
 * layers", "no value in layer 'SST'", "out of memory".
 */
int	 mare_record_values(const json_t *rec, const struct mare_featspec *fs,
	    const struct mare_grid_stack *stack, const size_t *layer,
	    double *out, const char **field, char *msg, size_t msize);

#endif /* MARE_RECORD_H */
