/*
 * record.c - the Darwin Core term table and record normalisation
 *
 * The table is a flat array of (name, namespace) pairs searched linearly:
 * lookups happen once per column when a reader starts, never per value,
 * so ~250 comparisons are nothing. Per value the work is
 * mare_record_put(): a strict check that the text is a decimal number in
 * JSON-like syntax (so "NaN", "inf", "0x1p3", " 5" and "5 m" are left as
 * strings), then strtod() or strtoll(). strtod() follows LC_NUMERIC, which
 * mare's programs leave at "C".
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "record.h"

enum ns { NS_DWC, NS_DC, NS_OBIS, NS_GBIF };

/* Namespace prefixes, the first of each being the canonical one. */
static const char *const ns_prefixes[][4] = {
	[NS_DWC] = { "http://rs.tdwg.org/dwc/terms/",
	    "https://rs.tdwg.org/dwc/terms/", NULL },
	[NS_DC] = { "http://purl.org/dc/terms/", "https://purl.org/dc/terms/",
	    "http://purl.org/dc/elements/1.1/", NULL },
	[NS_OBIS] = { "http://rs.iobis.org/obis/terms/",
	    "https://rs.iobis.org/obis/terms/",
	    "http://rs.obis.org/obis/terms/", NULL },
	[NS_GBIF] = { "http://rs.gbif.org/terms/1.0/",
	    "https://rs.gbif.org/terms/1.0/", NULL },
};

struct term {
	const char	*name;
	enum ns		 ns;
	char		 uri[96];
};

#define DWC(n)	{ n, NS_DWC, "http://rs.tdwg.org/dwc/terms/" n }
#define DC(n)	{ n, NS_DC, "http://purl.org/dc/terms/" n }
#define OBIS(n)	{ n, NS_OBIS, "http://rs.iobis.org/obis/terms/" n }
#define GBIF(n)	{ n, NS_GBIF, "http://rs.gbif.org/terms/1.0/" n }

static const struct term terms[] = {
	/* Dublin Core terms used by Darwin Core (record level) */
	DC("type"), DC("modified"), DC("language"), DC("license"),
	DC("rightsHolder"), DC("accessRights"), DC("bibliographicCitation"),
	DC("references"),
	/* Record level */
	DWC("institutionID"), DWC("collectionID"), DWC("datasetID"),
	DWC("institutionCode"), DWC("collectionCode"), DWC("datasetName"),
	DWC("ownerInstitutionCode"), DWC("basisOfRecord"),
	DWC("informationWithheld"), DWC("dataGeneralizations"),
	DWC("dynamicProperties"),
	/* Occurrence */
	DWC("occurrenceID"), DWC("catalogNumber"), DWC("recordNumber"),
	DWC("recordedBy"), DWC("recordedByID"), DWC("individualCount"),
	DWC("organismQuantity"), DWC("organismQuantityType"), DWC("sex"),
	DWC("lifeStage"), DWC("reproductiveCondition"), DWC("caste"),
	DWC("behavior"), DWC("vitality"), DWC("establishmentMeans"),
	DWC("degreeOfEstablishment"), DWC("pathway"),
	DWC("georeferenceVerificationStatus"), DWC("occurrenceStatus"),
	DWC("preparations"), DWC("disposition"), DWC("associatedMedia"),
	DWC("associatedOccurrences"), DWC("associatedReferences"),
	DWC("associatedSequences"), DWC("associatedTaxa"),
	DWC("otherCatalogNumbers"), DWC("occurrenceRemarks"),
	/* Organism, material */
	DWC("organismID"), DWC("organismName"), DWC("organismScope"),
	DWC("associatedOrganisms"), DWC("previousIdentifications"),
	DWC("organismRemarks"), DWC("materialEntityID"),
	DWC("materialEntityRemarks"), DWC("verbatimLabel"),
	DWC("materialSampleID"),
	/* Event */
	DWC("eventID"), DWC("parentEventID"), DWC("eventType"),
	DWC("fieldNumber"), DWC("eventDate"), DWC("eventTime"),
	DWC("startDayOfYear"), DWC("endDayOfYear"), DWC("year"),
	DWC("month"), DWC("day"), DWC("verbatimEventDate"), DWC("habitat"),
	DWC("samplingProtocol"), DWC("sampleSizeValue"),
	DWC("sampleSizeUnit"), DWC("samplingEffort"), DWC("fieldNotes"),
	DWC("eventRemarks"),
	/* Location */
	DWC("locationID"), DWC("higherGeographyID"), DWC("higherGeography"),
	DWC("continent"), DWC("waterBody"), DWC("islandGroup"),
	DWC("island"), DWC("country"), DWC("countryCode"),
	DWC("stateProvince"), DWC("county"), DWC("municipality"),
	DWC("locality"), DWC("verbatimLocality"),
	DWC("minimumElevationInMeters"), DWC("maximumElevationInMeters"),
	DWC("verbatimElevation"), DWC("verticalDatum"),
	DWC("minimumDepthInMeters"), DWC("maximumDepthInMeters"),
	DWC("verbatimDepth"), DWC("minimumDistanceAboveSurfaceInMeters"),
	DWC("maximumDistanceAboveSurfaceInMeters"),
	DWC("locationAccordingTo"), DWC("locationRemarks"),
	DWC("decimalLatitude"), DWC("decimalLongitude"),
	DWC("geodeticDatum"), DWC("coordinateUncertaintyInMeters"),
	DWC("coordinatePrecision"), DWC("pointRadiusSpatialFit"),
	DWC("verbatimCoordinates"), DWC("verbatimLatitude"),
	DWC("verbatimLongitude"), DWC("verbatimCoordinateSystem"),
	DWC("verbatimSRS"), DWC("footprintWKT"), DWC("footprintSRS"),
	DWC("footprintSpatialFit"), DWC("georeferencedBy"),
	DWC("georeferencedDate"), DWC("georeferenceProtocol"),
	DWC("georeferenceSources"), DWC("georeferenceRemarks"),
	/* Identification */
	DWC("identificationID"), DWC("verbatimIdentification"),
	DWC("identificationQualifier"), DWC("typeStatus"),
	DWC("identifiedBy"), DWC("identifiedByID"), DWC("dateIdentified"),
	DWC("identificationReferences"),
	DWC("identificationVerificationStatus"),
	DWC("identificationRemarks"),
	/* Taxon */
	DWC("taxonID"), DWC("scientificNameID"), DWC("acceptedNameUsageID"),
	DWC("parentNameUsageID"), DWC("originalNameUsageID"),
	DWC("nameAccordingToID"), DWC("namePublishedInID"),
	DWC("taxonConceptID"), DWC("scientificName"),
	DWC("acceptedNameUsage"), DWC("parentNameUsage"),
	DWC("originalNameUsage"), DWC("nameAccordingTo"),
	DWC("namePublishedIn"), DWC("namePublishedInYear"),
	DWC("higherClassification"), DWC("kingdom"), DWC("phylum"),
	DWC("class"), DWC("order"), DWC("superfamily"), DWC("family"),
	DWC("subfamily"), DWC("tribe"), DWC("subtribe"), DWC("genus"),
	DWC("genericName"), DWC("subgenus"), DWC("infragenericEpithet"),
	DWC("specificEpithet"), DWC("infraspecificEpithet"),
	DWC("cultivarEpithet"), DWC("taxonRank"), DWC("verbatimTaxonRank"),
	DWC("scientificNameAuthorship"), DWC("vernacularName"),
	DWC("nomenclaturalCode"), DWC("taxonomicStatus"),
	DWC("nomenclaturalStatus"), DWC("taxonRemarks"),
	/* MeasurementOrFact */
	DWC("measurementID"), DWC("parentMeasurementID"),
	DWC("measurementType"), DWC("measurementValue"),
	DWC("measurementAccuracy"), DWC("measurementUnit"),
	DWC("measurementDeterminedBy"), DWC("measurementDeterminedDate"),
	DWC("measurementMethod"), DWC("measurementRemarks"),
	/* OBIS additions */
	OBIS("measurementTypeID"), OBIS("measurementValueID"),
	OBIS("measurementUnitID"),
	/* GBIF additions (downloads and the occurrence API) */
	GBIF("gbifID"), GBIF("datasetKey"), GBIF("publishingOrgKey"),
	GBIF("publishingCountry"), GBIF("taxonKey"),
	GBIF("acceptedTaxonKey"), GBIF("kingdomKey"), GBIF("phylumKey"),
	GBIF("classKey"), GBIF("orderKey"), GBIF("familyKey"),
	GBIF("genusKey"), GBIF("subgenusKey"), GBIF("speciesKey"),
	GBIF("species"), GBIF("acceptedScientificName"),
	GBIF("verbatimScientificName"),
	GBIF("verbatimScientificNameAuthorship"), GBIF("issue"),
	GBIF("hasCoordinate"), GBIF("hasGeospatialIssues"),
	GBIF("repatriated"), GBIF("lastInterpreted"), GBIF("lastParsed"),
	GBIF("lastCrawled"), GBIF("mediaType"), GBIF("elevation"),
	GBIF("elevationAccuracy"), GBIF("depth"), GBIF("depthAccuracy"),
	GBIF("protocol"), GBIF("typifiedName"),
	GBIF("iucnRedListCategory"),
};

#define NTERMS	(sizeof(terms) / sizeof(terms[0]))

static const char *const numeric_terms[] = {
	"decimalLatitude", "decimalLongitude",
	"coordinateUncertaintyInMeters", "coordinatePrecision",
	"pointRadiusSpatialFit", "minimumDepthInMeters",
	"maximumDepthInMeters", "minimumElevationInMeters",
	"maximumElevationInMeters", "minimumDistanceAboveSurfaceInMeters",
	"maximumDistanceAboveSurfaceInMeters", "year", "month", "day",
	"startDayOfYear", "endDayOfYear", "individualCount",
	"sampleSizeValue", "depth", "depthAccuracy", "elevation",
	"elevationAccuracy", NULL
};

const char *const mare_record_personal_keys[] = {
	"recordedBy", "recordedByID", "identifiedBy", "identifiedByID",
	"rightsHolder", "georeferencedBy", "measurementDeterminedBy",
	"verbatimRecordedBy", "collector", "recordedByIDs",
	"identifiedByIDs", NULL
};

/* Terms */

const char *
mare_record_term_name(const char *s)
{
	size_t i, j, plen;
	const char *local = NULL;
	int ns = -1;

	if (s == NULL)
		return NULL;
	for (i = 0; ns < 0 && i < sizeof(ns_prefixes) /
	    sizeof(ns_prefixes[0]); i++)
		for (j = 0; ns_prefixes[i][j] != NULL; j++) {
			plen = strlen(ns_prefixes[i][j]);
			if (strncmp(s, ns_prefixes[i][j], plen) == 0) {
				ns = (int)i;
				local = s + plen;
				break;
			}
		}
	if (ns >= 0) {
		for (i = 0; i < NTERMS; i++)
			if ((int)terms[i].ns == ns &&
			    strcmp(terms[i].name, local) == 0)
				return terms[i].name;
		/* dc:elements and dcterms share names */
		return NULL;
	}
	for (i = 0; i < NTERMS; i++)
		if (strcasecmp(terms[i].name, s) == 0)
			return terms[i].name;
	return NULL;
}

const char *
mare_record_term_uri(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < NTERMS; i++)
		if (strcmp(terms[i].name, name) == 0)
			return terms[i].uri;
	return NULL;
}

const char *
mare_record_term_key(const char *uri)
{
	const char *name, *p;

	if (uri == NULL)
		return NULL;
	if (strchr(uri, ':') != NULL && (name = mare_record_term_name(uri))
	    != NULL)
		return name;
	if ((p = strrchr(uri, '/')) != NULL && p[1] != '\0')
		uri = p + 1;
	if ((p = strrchr(uri, '#')) != NULL && p[1] != '\0')
		uri = p + 1;
	return uri;
}

int
mare_record_term_numeric(const char *name)
{
	size_t i;

	if (name == NULL)
		return 0;
	for (i = 0; numeric_terms[i] != NULL; i++)
		if (strcmp(numeric_terms[i], name) == 0)
			return 1;
	return 0;
}

/* Records */

json_t *
mare_record_new(const char *source)
{
	json_t *rec;

	if ((rec = json_object()) == NULL)
		return NULL;
	if (source != NULL &&
	    json_object_set_new(rec, "source", json_string(source)) != 0) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

/*
 * Is s[0..len) a decimal number: -?(D+(.D*)?|.D+)([eE][+-]?D+)? with an
 * optional leading '+'? *integral is set when there is no '.' and no
 * exponent.
 */
static int
is_number(const char *s, size_t len, int *integral)
{
	size_t i = 0, nd = 0;

	*integral = 1;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++, nd++;
	if (i < len && s[i] == '.') {
		*integral = 0;
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, nd++;
	}
	if (nd == 0)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		*integral = 0;
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		nd = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, nd++;
		if (nd == 0)
			return 0;
	}
	return i == len;
}

static json_t *
number_value(const char *val, size_t len)
{
	char buf[64], *end;
	long long ll;
	double d;
	int integral;

	if (len >= sizeof(buf) || !is_number(val, len, &integral))
		return NULL;
	memcpy(buf, val, len);
	buf[len] = '\0';
	errno = 0;
	if (integral) {
		ll = strtoll(buf, &end, 10);
		if (errno == 0 && *end == '\0')
			return json_integer((json_int_t)ll);
		errno = 0;
	}
	d = strtod(buf, &end);
	if (*end != '\0' || !isfinite(d) || errno == ERANGE)
		return NULL;
	return json_real(d);
}

int
mare_record_put(json_t *rec, const char *key, const char *val, size_t len,
    int numeric, struct mare_err *err)
{
	json_t *v = NULL;

	if (len == 0)
		return 0;
	if (numeric)
		v = number_value(val, len);
	if (v == NULL)
		v = json_stringn(val, len);
	if (v == NULL)
		return mare_err_set(err, MARE_E_DATA,
		    "%s: value is not valid UTF-8", key);
	if (json_object_set_new(rec, key, v) != 0)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return 0;
}

int
mare_record_set(json_t *rec, const char *key, const char *val,
    struct mare_err *err)
{
	return mare_record_put(rec, key, val, strlen(val),
	    mare_record_term_numeric(key), err);
}

size_t
mare_record_drop_personal(json_t *rec)
{
	size_t i, n = 0;

	for (i = 0; mare_record_personal_keys[i] != NULL; i++)
		if (json_object_del(rec, mare_record_personal_keys[i]) == 0)
			n++;
	return n;
}

json_t *
mare_record_reject(const char *where, const char *reason, const char *raw,
    size_t rawlen)
{
	json_t *o;

	if ((o = json_pack("{s:s, s:s}", "_rejected", reason, "_where",
	    where)) == NULL)
		return NULL;
	if (raw != NULL && json_object_set_new(o, "_raw",
	    json_stringn(raw, rawlen)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Raw variables */

static const char *
json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:	return "an object";
	case JSON_ARRAY:	return "an array";
	case JSON_STRING:	return "a string";
	case JSON_TRUE:
	case JSON_FALSE:	return "a boolean";
	case JSON_NULL:		return "null";
	default:		return "a number";
	}
}

int
mare_record_values(const json_t *rec, const struct mare_featspec *fs,
    const struct mare_grid_stack *stack, const size_t *layer, double *out,
    const char **field, char *msg, size_t msize)
{
	float vals[256], *vp = vals;
	const json_t *v, *vx, *vy;
	size_t j, cell, bad = 0;
	enum mare_grid_lookup lk;

	if (stack == NULL) {
		for (j = 0; j < fs->nvars; j++) {
			*field = fs->vars[j].name;
			v = json_object_get(rec, *field);
			if (v == NULL) {
				snprintf(msg, msize, "missing");
				return 0;
			}
			if (!json_is_number(v)) {
				snprintf(msg, msize, "expected a number, "
				    "got %s", json_kind(v));
				return 0;
			}
			out[j] = json_number_value(v);
		}
		return 1;
	}
	vx = json_object_get(rec, "decimalLongitude");
	vy = json_object_get(rec, "decimalLatitude");
	if (!json_is_number(vx) || !json_is_number(vy)) {
		v = json_is_number(vx) ? vy : vx;
		*field = v == vx ? "decimalLongitude" : "decimalLatitude";
		if (v == NULL)
			snprintf(msg, msize, "missing");
		else
			snprintf(msg, msize, "expected a number, got %s",
			    json_kind(v));
		return 0;
	}
	if (stack->nlayers > sizeof(vals) / sizeof(vals[0]) &&
	    (vp = malloc(stack->nlayers * sizeof(float))) == NULL) {
		*field = "-";
		snprintf(msg, msize, "out of memory");
		return 0;
	}
	lk = mare_grid_stack_lookup(stack, json_number_value(vx),
	    json_number_value(vy), vp, &cell, &bad);
	if (lk != MARE_GRID_FOUND) {
		*field = "decimalLongitude,decimalLatitude";
		if (lk == MARE_GRID_OUTSIDE)
			snprintf(msg, msize, "outside the layers");
		else
			snprintf(msg, msize, "no value in layer '%s'",
			    stack->layers[bad]->name);
	} else
		for (j = 0; j < fs->nvars; j++)
			out[j] = vp[layer[j]];
	if (vp != vals)
		free(vp);
	return lk == MARE_GRID_FOUND;
}
