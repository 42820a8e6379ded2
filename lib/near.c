/*
 * near.c - reference points with radii (CSV), lookups by latitude band
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "near.h"

#define MAX_RADIUS_M	20037509.0	/* half the circumference */

struct mare_near {
	struct mare_near_point	*p;	/* sorted by lat */
	size_t			 n, cap;
	double			 max_radius;
};

static const struct {
	const char	*kind;
	double		 m;
} defaults[] = {
	{ "capital", 10000 },
	{ "centroid", 1000 },
	{ "institution", 100 },
	{ "gbif", 1000 }
};

int
mare_near_default_radius(const char *kind, double *m)
{
	size_t i;

	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (strcmp(kind, defaults[i].kind) == 0) {
			*m = defaults[i].m;
			return 0;
		}
	return -1;
}

double
mare_haversine_m(double lat1, double lon1, double lat2, double lon2)
{
	const double rad = M_PI / 180;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad, a;

	a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) *
	    cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
	if (a > 1)
		a = 1;
	return 2 * MARE_EARTH_RADIUS_M * asin(sqrt(a));
}

void
mare_near_free(struct mare_near *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++) {
		free(n->p[i].name);
		free(n->p[i].kind);
	}
	free(n->p);
	free(n);
}

size_t
mare_near_count(const struct mare_near *n)
{
	return n->n;
}

/* A whole-field decimal number, or -1. */
static int
number(const char *s, double *out)
{
	char *end;

	if (*s == '\0' || strchr(" \t\n\r\f\v", *s) != NULL)
		return -1;
	*out = strtod(s, &end);
	if (*end != '\0' || !isfinite(*out))
		return -1;
	return 0;
}

static int
by_lat(const void *a, const void *b)
{
	const struct mare_near_point *x = a, *y = b;

	return (x->lat > y->lat) - (x->lat < y->lat);
}

static int
add_row(struct mare_near *n, const struct mare_csv_row *row,
    const long col[5], const char *name, struct mare_err *err)
{
	struct mare_near_point *p, pt;
	const char *s;

	memset(&pt, 0, sizeof(pt));
	s = row->fields[col[1]];
	if (number(s, &pt.lat) != 0 || fabs(pt.lat) > 90)
		goto bad_lat;
	s = row->fields[col[2]];
	if (number(s, &pt.lon) != 0 || fabs(pt.lon) > 180)
		goto bad_lon;
	s = col[4] >= 0 ? row->fields[col[4]] : "";
	if (col[3] >= 0 && row->fields[col[3]][0] != '\0') {
		if (number(row->fields[col[3]], &pt.radius_m) != 0 ||
		    !(pt.radius_m > 0 && pt.radius_m <= MAX_RADIUS_M))
			goto bad_radius;
	} else if (mare_near_default_radius(s, &pt.radius_m) != 0)
		goto no_radius;
	if (n->n == n->cap) {
		size_t cap = n->cap ? n->cap * 2 : 16;

		if ((p = reallocarray(n->p, cap, sizeof(*p))) == NULL)
			goto nomem;
		n->p = p;
		n->cap = cap;
	}
	pt.kind = strdup(s);
	pt.name = strdup(col[0] >= 0 ? row->fields[col[0]] : "");
	if (pt.kind == NULL || pt.name == NULL) {
		free(pt.kind);
		free(pt.name);
		goto nomem;
	}
	n->p[n->n++] = pt;
	if (pt.radius_m > n->max_radius)
		n->max_radius = pt.radius_m;
	return 0;
nomem:
	return mare_err_set(err, MARE_E_NOMEM, "out of memory");
bad_lat:
	mare_err_set(err, MARE_E_DATA, "lat '%.40s' is not a number in "
	    "[-90, 90]", s);
	goto at;
bad_lon:
	mare_err_set(err, MARE_E_DATA, "lon '%.40s' is not a number in "
	    "[-180, 180]", s);
	goto at;
bad_radius:
	mare_err_set(err, MARE_E_DATA, "radius_m '%.40s' is not a number in "
	    "(0, %.0f]", row->fields[col[3]], MAX_RADIUS_M);
	goto at;
no_radius:
	mare_err_set(err, MARE_E_DATA, "no radius_m, and kind '%.40s' has no "
	    "default radius (capital, centroid, institution, gbif)", s);
at:
	mare_err_at(err, name, row->line, 0);
	return -1;
}

struct mare_near *
mare_near_load(const char *path, struct mare_err *err)
{
	static const char *const cols[5] = {
		"name", "lat", "lon", "radius_m", "kind"
	};
	const struct mare_csv_row *row;
	const char *const *hdr;
	struct mare_csv_opts o;
	struct mare_near *n;
	struct mare_csv *csv;
	long col[5];
	size_t nh, i, k;
	int rc;

	memset(&o, 0, sizeof(o));
	o.delim = ',';
	if ((csv = mare_csv_open(path, &o, err)) == NULL)
		return NULL;
	if ((n = calloc(1, sizeof(*n))) == NULL) {
		mare_csv_close(csv);
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	hdr = mare_csv_header(csv, &nh);
	for (k = 0; k < 5; k++) {
		col[k] = -1;
		for (i = 0; i < nh; i++)
			if (strcmp(hdr[i], cols[k]) == 0)
				col[k] = (long)i;
		if (col[k] < 0 && (k == 1 || k == 2)) {
			mare_err_set(err, MARE_E_DATA, "the header has no "
			    "'%s' column (name,lat,lon,radius_m,kind)",
			    cols[k]);
			mare_err_at(err, mare_csv_name(csv), 1, 0);
			goto fail;
		}
	}
	while ((rc = mare_csv_read(csv, &row, err)) == 1)
		if (add_row(n, row, col, mare_csv_name(csv), err) != 0)
			goto fail;
	if (rc < 0)
		goto fail;
	if (n->n == 0) {
		mare_err_set(err, MARE_E_DATA, "no points");
		mare_err_at(err, mare_csv_name(csv), 0, 0);
		goto fail;
	}
	mare_csv_close(csv);
	qsort(n->p, n->n, sizeof(*n->p), by_lat);
	return n;
fail:
	mare_csv_close(csv);
	mare_near_free(n);
	return NULL;
}

const struct mare_near_point *
mare_near_find(const struct mare_near *n, double lat, double lon,
    double *dist_m)
{
	const struct mare_near_point *best = NULL;
	double band, d;
	size_t lo = 0, hi = n->n, i;

	/* a point further than band degrees of latitude is too far */
	band = n->max_radius / (MARE_EARTH_RADIUS_M * M_PI / 180) * 1.000001 +
	    1e-9;
	while (lo < hi) {
		i = lo + (hi - lo) / 2;
		if (n->p[i].lat < lat - band)
			lo = i + 1;
		else
			hi = i;
	}
	for (i = lo; i < n->n && n->p[i].lat <= lat + band; i++) {
		d = mare_haversine_m(lat, lon, n->p[i].lat, n->p[i].lon);
		if (d <= n->p[i].radius_m && (best == NULL || d < *dist_m)) {
			best = &n->p[i];
			*dist_m = d;
		}
	}
	return best;
}
