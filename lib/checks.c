/*
 * checks.c - built-in occurrence checks, findings, and the duplicate index
 *
 * The checks read a handful of Darwin Core fields with json_object_get()
 * and compare numbers; the only state is the two duplicate indexes, open
 * addressing hash sets of 128-bit MurmurHash3 values with linear probing,
 * grown by doubling at half load, so a probe is short and no record is
 * ever copied. Messages quote at most 60 bytes of a value, cut on a UTF-8
 * character boundary so that they stay valid JSON strings.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "date.h"

/* ------------------------------------------------------------------ */
/* Names */

static const char *const check_names[MARE_CHECK_COUNT] = {
	"NO_COORD",
	"COORD_NOT_NUMERIC",
	"LAT_OUT_OF_RANGE",
	"LON_OUT_OF_RANGE",
	"ZERO_COORD",
	"ZERO_LAT",
	"ZERO_LON",
	"LAT_EQUALS_LON",
	"COORD_SWAPPED",
	"LOW_PRECISION",
	"UNCERTAINTY_TOO_HIGH",
	"NUMBER_INVALID",
	"DATE_INVALID",
	"DATE_IN_FUTURE",
	"DATE_BEFORE_MIN",
	"DEPTH_NEGATIVE",
	"DEPTH_OUT_OF_RANGE",
	"MIN_DEPTH_EXCEEDS_MAX",
	"BASIS_OF_RECORD_INVALID",
	"DUPLICATE_RECORD",
	"DUPLICATE_ID"
};

static const struct {
	const char	*alias;
	int		 id;
} check_aliases[] = {
	{ "DATE_TOO_EARLY", MARE_CHECK_DATE_BEFORE_MIN },
	{ "DEPTH_IMPLAUSIBLE", MARE_CHECK_DEPTH_OUT_OF_RANGE }
};

static const char *const basis_vocab[] = {
	/* Darwin Core class names (basisOfRecord, 2023 term list) */
	"PreservedSpecimen", "FossilSpecimen", "LivingSpecimen",
	"MaterialSample", "MaterialEntity", "MaterialCitation",
	"HumanObservation", "MachineObservation", "Occurrence", "Event",
	"Taxon",
	/* GBIF's BasisOfRecord enumeration (API responses) */
	"PRESERVED_SPECIMEN", "FOSSIL_SPECIMEN", "LIVING_SPECIMEN",
	"MATERIAL_SAMPLE", "MATERIAL_ENTITY", "MATERIAL_CITATION",
	"HUMAN_OBSERVATION", "MACHINE_OBSERVATION", "OCCURRENCE",
	"OBSERVATION"
};

static const char *const depth_fields[] = {
	"depth", "minimumDepthInMeters", "maximumDepthInMeters"
};

static const char *const fields[] = {
	"decimalLatitude", "decimalLongitude", "coordinateUncertaintyInMeters",
	"eventDate", "depth", "minimumDepthInMeters", "maximumDepthInMeters",
	"basisOfRecord", "scientificName", "occurrenceID", NULL
};

const char *const *
mare_checks_fields(void)
{
	return fields;
}

int
mare_check_lookup(const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < MARE_CHECK_COUNT; i++)
		if (strcmp(name, check_names[i]) == 0)
			return (int)i;
	for (i = 0; i < sizeof(check_aliases) / sizeof(check_aliases[0]); i++)
		if (strcmp(name, check_aliases[i].alias) == 0)
			return check_aliases[i].id;
	return -1;
}

const char *
mare_check_name(int id)
{
	if (id < 0 || id >= MARE_CHECK_COUNT)
		return NULL;
	return check_names[id];
}

/* ------------------------------------------------------------------ */
/* Findings */

void
mare_findings_init(struct mare_findings *f)
{
	f->v = NULL;
	f->n = f->cap = 0;
}

void
mare_findings_clear(struct mare_findings *f)
{
	f->n = 0;
}

void
mare_findings_release(struct mare_findings *f)
{
	free(f->v);
	mare_findings_init(f);
}

int
mare_findings_add(struct mare_findings *f, const char *rule,
    const char *field, int reject, struct mare_err *err, const char *fmt, ...)
{
	struct mare_finding *x;
	va_list ap;

	if (f->n == f->cap) {
		size_t cap = f->cap == 0 ? 8 : f->cap * 2;

		x = reallocarray(f->v, cap, sizeof(*x));
		if (x == NULL)
			return mare_err_set(err, MARE_E_NOMEM, "out of memory");
		f->v = x;
		f->cap = cap;
	}
	x = &f->v[f->n++];
	x->rule = rule;
	x->field = field;
	x->reject = reject;
	va_start(ap, fmt);
	vsnprintf(x->message, sizeof(x->message), fmt, ap);
	va_end(ap);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Values */

/* [+-]?(d+(.d*)?|.d+)([eE][+-]?d+)? and nothing else. */
static int
numeric_syntax(const char *s)
{
	int digits = 0;

	if (*s == '+' || *s == '-')
		s++;
	while (*s >= '0' && *s <= '9') {
		s++;
		digits++;
	}
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9') {
			s++;
			digits++;
		}
	}
	if (digits == 0)
		return 0;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

int
mare_checks_number(const json_t *v, double *out)
{
	const char *s;
	double x;

	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		*out = (double)json_integer_value(v);
		return 1;
	}
	if (json_is_real(v)) {
		*out = json_real_value(v);
		return 1;
	}
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	if (*s == '\0')
		return 0;
	if (!numeric_syntax(s))
		return -1;
	x = strtod(s, NULL);
	if (!isfinite(x))
		return -1;
	*out = x;
	return 1;
}

/*
 * Shortest text that reads back as x: plain decimals ("11000.5") for
 * magnitudes from 1e-5 to 1e15, %g form otherwise.
 */
static void
shortest(char *buf, size_t size, double x)
{
	int prec;

	if (x == 0 || (fabs(x) >= 1e-5 && fabs(x) < 1e15))
		for (prec = 0; prec <= 20; prec++) {
			snprintf(buf, size, "%.*f", prec, x);
			if (strtod(buf, NULL) == x)
				return;
		}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			return;
	}
}

/* Decimal places of a numeric text. */
static int
text_decimals(const char *s)
{
	const char *p = strchr(s, '.'), *e;
	long mant = 0, exp10 = 0, d;

	e = strpbrk(s, "eE");
	if (p != NULL)
		for (p++; *p >= '0' && *p <= '9'; p++)
			mant++;
	if (e != NULL)
		exp10 = strtol(e + 1, NULL, 10);
	d = mant - exp10;
	if (d < 0)
		return 0;
	return d > 99 ? 99 : (int)d;
}

/* Exact powers of ten: every one up to 1e22 is a double. */
static const double tens[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/*
 * The decimals shortest() finds for x in its plain range, without
 * printf: the fewest d with m = round(|x| 10^d) and m / 10^d == |x|. For
 * m below 10^15 both are exact doubles and the division is correctly
 * rounded, so m / 10^d == |x| exactly when "%.*f" with d decimals (which
 * prints m) reads back as x, and no smaller d does. -1 when no such d
 * (the caller then takes the slow path).
 */
static int
fast_decimals(double x)
{
	double a = fabs(x), m;
	int d;

	if (!(a >= 1e-5 && a < 1e15))
		return -1;
	for (d = 0; d <= 15; d++) {
		m = nearbyint(a * tens[d]);
		if (m >= 1e15)
			return -1;
		if (m / tens[d] == a)
			return d;
	}
	return -1;
}

int
mare_checks_decimals(const json_t *v)
{
	char buf[40];
	int d;

	if (json_is_integer(v))
		return 0;
	if (json_is_real(v)) {
		if (json_real_value(v) == 0)
			return 0;
		if ((d = fast_decimals(json_real_value(v))) >= 0)
			return d;
		shortest(buf, sizeof(buf), json_real_value(v));
		return text_decimals(buf);
	}
	if (json_is_string(v) && numeric_syntax(json_string_value(v)))
		return text_decimals(json_string_value(v));
	return -1;
}

/* Copy at most 60 bytes of s, cut on a character boundary. */
static const char *
clip(char *buf, size_t size, const char *s)
{
	size_t n = strlen(s), max = 60;

	if (n <= max) {
		snprintf(buf, size, "%s", s);
		return buf;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	snprintf(buf, size, "%.*s...", (int)max, s);
	return buf;
}

/* A short description of v for "expected a number, got X". */
static const char *
describe(char *buf, size_t size, const json_t *v)
{
	char tmp[80];

	switch (json_typeof(v)) {
	case JSON_STRING:
		snprintf(buf, size, "\"%s\"",
		    clip(tmp, sizeof(tmp), json_string_value(v)));
		break;
	case JSON_INTEGER:
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		shortest(buf, size, json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(buf, size, "true");
		break;
	case JSON_FALSE:
		snprintf(buf, size, "false");
		break;
	case JSON_NULL:
		snprintf(buf, size, "null");
		break;
	case JSON_OBJECT:
		snprintf(buf, size, "an object");
		break;
	case JSON_ARRAY:
		snprintf(buf, size, "an array");
		break;
	}
	return buf;
}

/* ------------------------------------------------------------------ */
/* The hash set */

struct hkey {
	uint64_t	a, b;
};

struct mare_keyset {
	struct hkey	*t;
	size_t		 cap;	/* a power of two */
	size_t		 n;
};

static uint64_t
rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t
fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

static uint64_t
load64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* MurmurHash3 x64-128 (Austin Appleby, public domain), seed 0x6d617265. */
static struct hkey
murmur3_128(const void *key, size_t len)
{
	const unsigned char *data = key, *tail;
	const uint64_t c1 = 0x87c37b91114253d5ULL;
	const uint64_t c2 = 0x4cf5ad432745937fULL;
	uint64_t h1 = 0x6d617265, h2 = 0x6d617265, k1, k2;
	size_t i, nblocks = len / 16;
	struct hkey h;

	for (i = 0; i < nblocks; i++) {
		k1 = load64(data + i * 16);
		k2 = load64(data + i * 16 + 8);
		k1 *= c1; k1 = rotl64(k1, 31); k1 *= c2; h1 ^= k1;
		h1 = rotl64(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
		k2 *= c2; k2 = rotl64(k2, 33); k2 *= c1; h2 ^= k2;
		h2 = rotl64(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
	}
	tail = data + nblocks * 16;
	k1 = k2 = 0;
	for (i = len & 15; i > 8; i--)
		k2 ^= (uint64_t)tail[i - 1] << ((i - 9) * 8);
	if ((len & 15) > 8) {
		k2 *= c2; k2 = rotl64(k2, 33); k2 *= c1; h2 ^= k2;
	}
	for (i = (len & 15) > 8 ? 8 : (len & 15); i > 0; i--)
		k1 ^= (uint64_t)tail[i - 1] << ((i - 1) * 8);
	if ((len & 15) > 0) {
		k1 *= c1; k1 = rotl64(k1, 31); k1 *= c2; h1 ^= k1;
	}
	h1 ^= (uint64_t)len;
	h2 ^= (uint64_t)len;
	h1 += h2;
	h2 += h1;
	h1 = fmix64(h1);
	h2 = fmix64(h2);
	h1 += h2;
	h2 += h1;
	h.a = h1;
	h.b = h2;
	if (h.a == 0 && h.b == 0)
		h.a = 1;	/* (0, 0) marks an empty slot */
	return h;
}

struct mare_keyset *
mare_keyset_new(struct mare_err *err)
{
	struct mare_keyset *s = calloc(1, sizeof(*s));

	if (s == NULL || (s->t = calloc(64, sizeof(*s->t))) == NULL) {
		free(s);
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	s->cap = 64;
	return s;
}

void
mare_keyset_free(struct mare_keyset *s)
{
	if (s == NULL)
		return;
	free(s->t);
	free(s);
}

size_t
mare_keyset_count(const struct mare_keyset *s)
{
	return s->n;
}

/* Insert h; 1 if new, 0 if present. The table has room. */
static int
insert(struct hkey *t, size_t cap, struct hkey h)
{
	size_t i = (size_t)h.b & (cap - 1);

	for (;;) {
		if (t[i].a == 0 && t[i].b == 0) {
			t[i] = h;
			return 1;
		}
		if (t[i].a == h.a && t[i].b == h.b)
			return 0;
		i = (i + 1) & (cap - 1);
	}
}

static int
grow(struct mare_keyset *s, struct mare_err *err)
{
	struct hkey *t;
	size_t i;

	if (s->cap > SIZE_MAX / 2 / sizeof(*t))
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	t = calloc(s->cap * 2, sizeof(*t));
	if (t == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "duplicate index: "
		    "out of memory at %zu distinct keys", s->n);
	for (i = 0; i < s->cap; i++)
		if (s->t[i].a != 0 || s->t[i].b != 0)
			insert(t, s->cap * 2, s->t[i]);
	free(s->t);
	s->t = t;
	s->cap *= 2;
	return 0;
}

int
mare_keyset_add(struct mare_keyset *s, const void *key, size_t len,
    struct mare_err *err)
{
	int r;

	if ((s->n + 1) * 2 > s->cap && grow(s, err) == -1)
		return -1;
	r = insert(s->t, s->cap, murmur3_128(key, len));
	s->n += (size_t)r;
	return r;
}

/* ------------------------------------------------------------------ */
/* The checker */

struct mare_checks {
	struct mare_checks_opts	 o;
	struct mare_keyset	*records;
	struct mare_keyset	*ids;
	char			*key;
	size_t			 keycap;
	char			 earliest[48];	/* "1600-01-01" */
};

void
mare_checks_opts_init(struct mare_checks_opts *o, int64_t now)
{
	memset(o, 0, sizeof(*o));
	memset(o->enabled, 1, sizeof(o->enabled));
	o->min_decimals = 1;
	o->max_uncertainty_m = 100000;
	o->max_depth_m = 11000;
	o->now = now;
	o->earliest = mare_date_days_from_civil(1600, 1, 1) * 86400;
	o->dup_decimals = 4;
}

int
mare_checks_enable(struct mare_checks_opts *o, const char *name, int on,
    struct mare_err *err)
{
	int id = mare_check_lookup(name);

	if (id < 0)
		return mare_err_set(err, MARE_E_USAGE, "unknown check '%s'",
		    name);
	o->enabled[id] = on ? 1 : 0;
	return 0;
}

/* Hinnant's civil_from_days, for the message of DATE_BEFORE_MIN. */
static void
civil(int64_t z, char *buf, size_t size)
{
	int64_t era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(buf, size, "%04lld-%02lld-%02lld", (long long)y,
	    (long long)m, (long long)d);
}

struct mare_checks *
mare_checks_new(const struct mare_checks_opts *o, struct mare_err *err)
{
	struct mare_checks *c;
	int64_t days;

	if (o->min_decimals < 0 || o->min_decimals > 17)
		goto bad;
	if (o->dup_decimals < 0 || o->dup_decimals > 15)
		goto bad;
	if (!(o->max_uncertainty_m >= 0) || !(o->max_depth_m >= 0))
		goto bad;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	c->o = *o;
	if ((c->records = mare_keyset_new(err)) == NULL ||
	    (c->ids = mare_keyset_new(err)) == NULL) {
		mare_checks_free(c);
		return NULL;
	}
	days = o->earliest / 86400 - (o->earliest % 86400 < 0);
	civil(days, c->earliest, sizeof(c->earliest));
	return c;
bad:
	mare_err_set(err, MARE_E_USAGE, "checks: min_decimals must be 0..17, "
	    "dup_decimals 0..15, the limits not negative");
	return NULL;
}

void
mare_checks_free(struct mare_checks *c)
{
	if (c == NULL)
		return;
	mare_keyset_free(c->records);
	mare_keyset_free(c->ids);
	free(c->key);
	free(c);
}

size_t
mare_checks_dup_keys(const struct mare_checks *c)
{
	return mare_keyset_count(c->records) + mare_keyset_count(c->ids);
}

#define ON(id)	(c->o.enabled[(id)])
#define ADD(id, field, ...) do {					\
	if (mare_findings_add(out, check_names[(id)], (field), 1, err,	\
	    __VA_ARGS__) == -1)						\
		return -1;						\
	added++;							\
} while (0)

static int
check_coords(struct mare_checks *c, const json_t *rec,
    struct mare_findings *out, struct mare_err *err, int *valid,
    double *plat, double *plon)
{
	static const char *const names[2] = {
		"decimalLatitude", "decimalLongitude"
	};
	const json_t *v[2];
	double x[2] = { 0, 0 };
	char b1[80], b2[40];
	int r[2], i, added = 0, inrange = 1;

	*valid = 0;
	for (i = 0; i < 2; i++) {
		v[i] = json_object_get(rec, names[i]);
		r[i] = mare_checks_number(v[i], &x[i]);
		if (r[i] == 0 && ON(MARE_CHECK_NO_COORD))
			ADD(MARE_CHECK_NO_COORD, names[i], "%s is missing",
			    names[i]);
		if (r[i] == -1 && ON(MARE_CHECK_COORD_NOT_NUMERIC))
			ADD(MARE_CHECK_COORD_NOT_NUMERIC, names[i],
			    "%s: expected a number, got %s", names[i],
			    describe(b1, sizeof(b1), v[i]));
	}
	if (r[0] != 1 || r[1] != 1)
		return added;
	if (fabs(x[0]) > 90) {
		inrange = 0;
		if (ON(MARE_CHECK_LAT_OUT_OF_RANGE)) {
			shortest(b2, sizeof(b2), x[0]);
			ADD(MARE_CHECK_LAT_OUT_OF_RANGE, names[0],
			    "decimalLatitude %s is outside [-90, 90]", b2);
		}
	}
	if (fabs(x[1]) > 180) {
		inrange = 0;
		if (ON(MARE_CHECK_LON_OUT_OF_RANGE)) {
			shortest(b2, sizeof(b2), x[1]);
			ADD(MARE_CHECK_LON_OUT_OF_RANGE, names[1],
			    "decimalLongitude %s is outside [-180, 180]", b2);
		}
	}
	if (fabs(x[0]) > 90 && fabs(x[0]) <= 180 && fabs(x[1]) <= 90 &&
	    ON(MARE_CHECK_COORD_SWAPPED)) {
		shortest(b1, sizeof(b1), x[0]);
		shortest(b2, sizeof(b2), x[1]);
		ADD(MARE_CHECK_COORD_SWAPPED, NULL, "decimalLatitude %s and "
		    "decimalLongitude %s look swapped", b1, b2);
	}
	if (x[0] == 0 && x[1] == 0) {
		if (ON(MARE_CHECK_ZERO_COORD))
			ADD(MARE_CHECK_ZERO_COORD, NULL,
			    "coordinates are (0, 0)");
	} else if (x[0] == 0) {
		if (ON(MARE_CHECK_ZERO_LAT))
			ADD(MARE_CHECK_ZERO_LAT, names[0],
			    "decimalLatitude is 0");
	} else if (x[1] == 0) {
		if (ON(MARE_CHECK_ZERO_LON))
			ADD(MARE_CHECK_ZERO_LON, names[1],
			    "decimalLongitude is 0");
	} else if (x[0] == x[1] && ON(MARE_CHECK_LAT_EQUALS_LON)) {
		shortest(b2, sizeof(b2), x[0]);
		ADD(MARE_CHECK_LAT_EQUALS_LON, NULL,
		    "decimalLatitude equals decimalLongitude (%s)", b2);
	}
	if (!inrange)
		return added;
	if (ON(MARE_CHECK_LOW_PRECISION) &&
	    mare_checks_decimals(v[0]) < c->o.min_decimals &&
	    mare_checks_decimals(v[1]) < c->o.min_decimals) {
		shortest(b1, sizeof(b1), x[0]);
		shortest(b2, sizeof(b2), x[1]);
		ADD(MARE_CHECK_LOW_PRECISION, NULL, "coordinates (%s, %s) "
		    "have fewer than %d decimal places", b1, b2,
		    c->o.min_decimals);
	}
	*valid = 1;
	*plat = x[0];
	*plon = x[1];
	return added;
}

/* Read a numeric field; NUMBER_INVALID when it is there but not numeric. */
static int
numeric_field(struct mare_checks *c, const json_t *rec, const char *name,
    double *x, int *have, struct mare_findings *out, struct mare_err *err)
{
	const json_t *v = json_object_get(rec, name);
	char b[80];
	int r = mare_checks_number(v, x), added = 0;

	*have = r == 1;
	if (r == -1 && ON(MARE_CHECK_NUMBER_INVALID))
		ADD(MARE_CHECK_NUMBER_INVALID, name,
		    "%s: expected a number, got %s", name,
		    describe(b, sizeof(b), v));
	return added;
}

static int
check_date(struct mare_checks *c, const json_t *rec,
    struct mare_findings *out, struct mare_err *err, struct mare_date *d,
    int *have)
{
	const json_t *v = json_object_get(rec, "eventDate");
	struct mare_err derr;
	char b[80];
	const char *s;
	int added = 0;

	*have = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		if (ON(MARE_CHECK_DATE_INVALID))
			ADD(MARE_CHECK_DATE_INVALID, "eventDate",
			    "eventDate: expected a string, got %s",
			    describe(b, sizeof(b), v));
		return added;
	}
	s = json_string_value(v);
	if (*s == '\0')
		return 0;
	mare_err_init(&derr);
	if (mare_date_parse(s, d, &derr) == -1) {
		if (ON(MARE_CHECK_DATE_INVALID))
			ADD(MARE_CHECK_DATE_INVALID, "eventDate",
			    "eventDate '%s' is not ISO 8601: %s",
			    clip(b, sizeof(b), s), derr.msg);
		return added;
	}
	*have = 1;
	if (d->start > c->o.now && ON(MARE_CHECK_DATE_IN_FUTURE))
		ADD(MARE_CHECK_DATE_IN_FUTURE, "eventDate",
		    "eventDate '%s' is in the future", clip(b, sizeof(b), s));
	if (d->end < c->o.earliest && ON(MARE_CHECK_DATE_BEFORE_MIN))
		ADD(MARE_CHECK_DATE_BEFORE_MIN, "eventDate",
		    "eventDate '%s' is before %s", clip(b, sizeof(b), s),
		    c->earliest);
	return added;
}

static int
check_depths(struct mare_checks *c, const json_t *rec,
    struct mare_findings *out, struct mare_err *err)
{
	double x[3];
	int have[3], i, r, added = 0;
	char b[40], b2[40];

	for (i = 0; i < 3; i++) {
		r = numeric_field(c, rec, depth_fields[i], &x[i], &have[i],
		    out, err);
		if (r == -1)
			return -1;
		added += r;
		if (!have[i])
			continue;
		if (x[i] < 0 && ON(MARE_CHECK_DEPTH_NEGATIVE)) {
			shortest(b, sizeof(b), x[i]);
			ADD(MARE_CHECK_DEPTH_NEGATIVE, depth_fields[i],
			    "%s %s is negative", depth_fields[i], b);
		}
		if (x[i] > c->o.max_depth_m &&
		    ON(MARE_CHECK_DEPTH_OUT_OF_RANGE)) {
			shortest(b, sizeof(b), x[i]);
			shortest(b2, sizeof(b2), c->o.max_depth_m);
			ADD(MARE_CHECK_DEPTH_OUT_OF_RANGE, depth_fields[i],
			    "%s %s is above %s", depth_fields[i], b, b2);
		}
	}
	if (have[1] && have[2] && x[1] > x[2] &&
	    ON(MARE_CHECK_MIN_DEPTH_EXCEEDS_MAX)) {
		shortest(b, sizeof(b), x[1]);
		shortest(b2, sizeof(b2), x[2]);
		ADD(MARE_CHECK_MIN_DEPTH_EXCEEDS_MAX, NULL,
		    "minimumDepthInMeters %s exceeds maximumDepthInMeters %s",
		    b, b2);
	}
	return added;
}

static int
check_basis(struct mare_checks *c, const json_t *rec,
    struct mare_findings *out, struct mare_err *err)
{
	const json_t *v = json_object_get(rec, "basisOfRecord");
	char b[80];
	size_t i;
	int added = 0;

	if (!ON(MARE_CHECK_BASIS_OF_RECORD_INVALID) || v == NULL ||
	    json_is_null(v))
		return 0;
	if (!json_is_string(v)) {
		ADD(MARE_CHECK_BASIS_OF_RECORD_INVALID, "basisOfRecord",
		    "basisOfRecord: expected a string, got %s",
		    describe(b, sizeof(b), v));
		return added;
	}
	for (i = 0; i < sizeof(basis_vocab) / sizeof(basis_vocab[0]); i++)
		if (strcmp(json_string_value(v), basis_vocab[i]) == 0)
			return 0;
	ADD(MARE_CHECK_BASIS_OF_RECORD_INVALID, "basisOfRecord",
	    "basisOfRecord '%s' is not a Darwin Core class",
	    clip(b, sizeof(b), json_string_value(v)));
	return added;
}

/* v in decimal at buf (room for 21 bytes), "-" first when negative. */
static int
put_int(char *buf, long long v)
{
	char tmp[24];
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v :
	    (unsigned long long)v;
	int n = 0, k = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		buf[k++] = '-';
	while (n > 0)
		buf[k++] = tmp[--n];
	return k;
}

/* Append a length-prefixed piece to the key buffer. */
static int
key_put(struct mare_checks *c, size_t *len, const char *s, size_t n,
    struct mare_err *err)
{
	char pre[24];
	int pn = put_int(pre, (long long)n);
	size_t need;

	pre[pn++] = ':';
	need = *len + (size_t)pn + n;
	if (need > c->keycap) {
		size_t cap = need * 2;
		char *k = realloc(c->key, cap);

		if (k == NULL)
			return mare_err_set(err, MARE_E_NOMEM, "out of memory");
		c->key = k;
		c->keycap = cap;
	}
	memcpy(c->key + *len, pre, (size_t)pn);
	memcpy(c->key + *len + pn, s, n);
	*len = need;
	return 0;
}

/*
 * snprintf(buf, size, "%.*f", d, x) for |x| 10^d below 2^32, where the
 * product's rounding error (at most half an ulp, 2^-21) cannot move the
 * rounding unless the fraction is within 1e-6 of one half: then, and out
 * of range, -1 and the caller uses printf, which rounds the exact binary
 * value.
 */
static int
fixed(char *buf, size_t size, double x, int d)
{
	char digits[32];
	double y, r, f;
	unsigned long long u;
	int n = 0, i, k = 0;

	if (d > 15 || !isfinite(x))
		return -1;
	y = fabs(x) * tens[d];
	if (!(y < 4294967296.0))		/* 2^32 */
		return -1;
	r = floor(y);
	f = y - r;
	if (fabs(f - 0.5) < 1e-6)
		return -1;
	if (f > 0.5)
		r += 1;
	u = (unsigned long long)r;
	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	while (n <= d)
		digits[n++] = '0';
	if ((size_t)n + 3 > size)
		return -1;
	if (signbit(x))
		buf[k++] = '-';
	for (i = n - 1; i >= 0; i--) {
		buf[k++] = digits[i];
		if (i == d && d > 0)
			buf[k++] = '.';
	}
	buf[k] = '\0';
	return 0;
}

/* A coordinate rounded to dup_decimals, "-0.00" written "0.00". */
static int
key_coord(struct mare_checks *c, size_t *len, double x,
    struct mare_err *err)
{
	char b[64];
	const char *p;

	if (fixed(b, sizeof(b), x, c->o.dup_decimals) != 0)
		snprintf(b, sizeof(b), "%.*f", c->o.dup_decimals, x);
	p = b;
	if (*p == '-' && strspn(p + 1, "0.") == strlen(p + 1))
		p++;
	return key_put(c, len, p, strlen(p), err);
}

static int
check_dups(struct mare_checks *c, const json_t *rec, int coords_ok,
    double lat, double lon, const struct mare_date *d, int have_date,
    struct mare_findings *out, struct mare_err *err)
{
	const json_t *name, *id, *date;
	char b[80];
	size_t len = 0;
	int r, n, added = 0;

	name = json_object_get(rec, "scientificName");
	if (ON(MARE_CHECK_DUPLICATE_RECORD) && coords_ok &&
	    json_is_string(name) && *json_string_value(name) != '\0') {
		if (key_put(c, &len, json_string_value(name),
		    json_string_length(name), err) == -1 ||
		    key_coord(c, &len, lat, err) == -1 ||
		    key_coord(c, &len, lon, err) == -1)
			return -1;
		date = json_object_get(rec, "eventDate");
		if (have_date) {
			/* "%lld/%lld" of the span */
			n = put_int(b, (long long)d->start);
			b[n++] = '/';
			n += put_int(b + n, (long long)d->end);
			r = key_put(c, &len, b, (size_t)n, err);
		} else if (json_is_string(date)) {
			/* unparsed: "?" keeps it apart from a span */
			r = key_put(c, &len, "?", 1, err);
			if (r == 0)
				r = key_put(c, &len, json_string_value(date),
				    json_string_length(date), err);
		} else
			r = key_put(c, &len, "", 0, err);
		if (r == -1)
			return -1;
		r = mare_keyset_add(c->records, c->key, len, err);
		if (r == -1)
			return -1;
		if (r == 0)
			ADD(MARE_CHECK_DUPLICATE_RECORD, NULL,
			    "same scientificName, coordinates to %d decimals "
			    "and eventDate as an earlier record",
			    c->o.dup_decimals);
	}
	id = json_object_get(rec, "occurrenceID");
	if (ON(MARE_CHECK_DUPLICATE_ID) && json_is_string(id) &&
	    *json_string_value(id) != '\0') {
		r = mare_keyset_add(c->ids, json_string_value(id),
		    json_string_length(id), err);
		if (r == -1)
			return -1;
		if (r == 0)
			ADD(MARE_CHECK_DUPLICATE_ID, "occurrenceID",
			    "occurrenceID '%s' already seen",
			    clip(b, sizeof(b), json_string_value(id)));
	}
	return added;
}

int
mare_checks_run(struct mare_checks *c, const json_t *rec,
    struct mare_findings *out, struct mare_err *err)
{
	struct mare_date d;
	double lat = 0, lon = 0, u;
	size_t i;
	int coords_ok, have_date, have, r, added = 0;
	char b[40], b2[40];

	if (!json_is_object(rec))
		return mare_err_set(err, MARE_E_INTERNAL,
		    "checks: record is not a JSON object");
	if ((r = check_coords(c, rec, out, err, &coords_ok, &lat, &lon)) ==
	    -1)
		return -1;
	added += r;
	if ((r = numeric_field(c, rec, "coordinateUncertaintyInMeters", &u,
	    &have, out, err)) == -1)
		return -1;
	added += r;
	if (have && u > c->o.max_uncertainty_m &&
	    ON(MARE_CHECK_UNCERTAINTY_TOO_HIGH)) {
		shortest(b, sizeof(b), u);
		shortest(b2, sizeof(b2), c->o.max_uncertainty_m);
		ADD(MARE_CHECK_UNCERTAINTY_TOO_HIGH,
		    "coordinateUncertaintyInMeters",
		    "coordinateUncertaintyInMeters %s is above %s", b, b2);
	}
	if ((r = check_date(c, rec, out, err, &d, &have_date)) == -1)
		return -1;
	added += r;
	if ((r = check_depths(c, rec, out, err)) == -1)
		return -1;
	added += r;
	if ((r = check_basis(c, rec, out, err)) == -1)
		return -1;
	added += r;
	for (i = 0; i < out->n; i++)
		if (out->v[i].reject)
			return added;
	if ((r = check_dups(c, rec, coords_ok, lat, lon, &d, have_date, out,
	    err)) == -1)
		return -1;
	return added + r;
}
