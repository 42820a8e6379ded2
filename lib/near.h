/*
 * near.h - reference points with radii, and the great-circle distance
 *
 * CoordinateCleaner's radius tests (cc_cap, cc_cen, cc_inst, cc_gbif)
 * flag records lying within a radius of a point that coordinates are
 * often wrongly set to: a country's capital, a country or province
 * centroid, a biodiversity institution, GBIF's headquarters. Here the
 * points come from a CSV file with a header naming at least the columns
 * lat and lon (decimal degrees, WGS84), and optionally name, radius_m and
 * kind, in any order; other columns are ignored. A row without radius_m
 * (column absent or cell empty) takes its kind's default, CoordinateCleaner's:
 * capital 10000 m, centroid 1000 m, institution 100 m, gbif 1000 m.
 *
 * Errors are MARE_E_DATA at "FILE:LINE": a header without lat or lon, a
 * coordinate that is not a number in range, a radius that is not a number
 * in (0, 20037509] (half the circumference), a row without radius whose
 * kind has no default, a file without any point; and the CSV reader's
 * own (lib/csv.h).
 *
 * Distances are haversine distances on a sphere of radius 6371008.8 m
 * (the IUGG mean Earth radius); they differ from ellipsoidal ones by up
 * to 0.5 %. Points are kept sorted by latitude, so a lookup scans only the
 * band of latitudes that the largest radius can reach.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_NEAR_H
#define MARE_NEAR_H

#include <stddef.h>

#include "err.h"

#define MARE_EARTH_RADIUS_M	6371008.8

struct mare_near_point {
	char	*name;		/* "" when the file has no name column */
	char	*kind;		/* "" when the file has no kind column */
	double	 lat, lon;	/* degrees */
	double	 radius_m;
};

struct mare_near;

/* Load path (see above). NULL with err set. */
struct mare_near *mare_near_load(const char *path, struct mare_err *err);
void	mare_near_free(struct mare_near *n);	/* NULL is a no-op */
size_t	mare_near_count(const struct mare_near *n);

/*
 * The point whose radius holds (lat, lon) at the smallest distance, with
 * that distance in *dist_m; NULL when there is none.
 */
const struct mare_near_point *mare_near_find(const struct mare_near *n,
	    double lat, double lon, double *dist_m);

/* Haversine distance in metres between two points given in degrees. */
double	mare_haversine_m(double lat1, double lon1, double lat2, double lon2);

/* The default radius of a kind (above): 0 with *m set, or -1. */
int	mare_near_default_radius(const char *kind, double *m);

#endif /* MARE_NEAR_H */
