/*
 * test-outliers.c - per-species outliers and reference points, worked by hand
 *
 * On the equator the haversine distance is R * dlon (radians): one degree
 * is 6371.0088 * pi / 180 = 111.19508 km. Seven records at longitudes 0, 1,
 * 2, 3, 4, 5 and 20 have mean distances (in degrees) 35/6, 30/6, 27/6,
 * 26/6, 27/6, 30/6 and 105/6; sorted 4.333 4.5 4.5 5 5 5.833 17.5, R's type
 * 7 quartiles Q1 = 4.5 (h = 1.5) and Q3 = 5 + 0.5 * 0.833 = 5.4167 (h =
 * 4.5), so the limit Q3 + 5 IQR is exactly 10 degrees = 1111.95 km, and
 * only longitude 20 (17.5 degrees = 1945.91 km) is above it. Its nearest
 * other record is 15 degrees = 1667.93 km away, above the distance
 * method's 1000 km; the others' nearest is 1 degree.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "near.h"
#include "outliers.h"
#include "tap.h"

#define DEG_KM	(6371.0088 * M_PI / 180)

static struct mare_outl *
seven(enum mare_outl_method m, size_t min)
{
	static const double lon[] = { 0, 1, 2, 3, 4, 5, 20 };
	struct mare_outl_opts o;
	struct mare_outl *s;
	struct mare_err err;
	size_t i;

	mare_err_init(&err);
	mare_outl_opts_init(&o);
	o.method = m;
	o.min_records = min;
	s = mare_outl_new(&o, &err);
	for (i = 0; i < 7; i++) {
		/* another species in between, and a record numbering gap */
		mare_outl_add(s, "Beta", 4, 10, lon[i], 100 + 2 * i, &err);
		mare_outl_add(s, "Alpha", 5, 0, lon[i], 101 + 2 * i, &err);
	}
	mare_outl_add(s, "Gamma", 5, 0, 0, 200, &err);
	is_int(mare_outl_finish(s, &err), 0, "finish");
	return s;
}

static void
test_outliers(void)
{
	struct mare_outl_stats st;
	struct mare_outl *s;
	double stat, lim;
	unsigned long long r;
	int n;

	s = seven(MARE_OUTL_QUANTILE, 7);
	for (n = 0, r = 100; r <= 200; r++)
		n += mare_outl_lookup(s, r, &stat, &lim);
	is_int(n, 2, "quantile: one outlier in each of the two species");
	ok(mare_outl_lookup(s, 113, &stat, &lim) == 1, "Alpha lon 20 is one");
	is_double(stat, 17.5 * DEG_KM, 1e-6, "its mean distance is 17.5 deg");
	is_double(lim, 10 * DEG_KM, 1e-6, "the limit is 10 deg");
	ok(mare_outl_lookup(s, 112, &stat, &lim) == 1, "Beta lon 20 is one");
	ok(stat < 17.5 * DEG_KM && stat > 17.5 * DEG_KM * 0.98,
	    "at 10 N the distances are a little shorter (%.2f km)",
	    stat);
	ok(mare_outl_lookup(s, 111, &stat, &lim) == 0, "Alpha lon 5 is not");
	mare_outl_get_stats(s, &st);
	is_int((long long)st.species, 3, "three species");
	is_int((long long)st.tested, 2, "two tested");
	is_int((long long)st.too_few, 1, "one with too few records");
	is_int((long long)st.records, 15, "15 records");
	is_int((long long)st.untested_records, 1, "one untested record");
	mare_outl_free(s);

	s = seven(MARE_OUTL_DISTANCE, 7);
	ok(mare_outl_lookup(s, 113, &stat, &lim) == 1, "distance: lon 20");
	is_double(stat, 15 * DEG_KM, 1e-6, "its nearest is 15 deg away");
	is_double(lim, 1000, 0, "the limit is 1000 km");
	ok(mare_outl_lookup(s, 101, &stat, &lim) == 0, "lon 0 is not");
	mare_outl_free(s);

	s = seven(MARE_OUTL_QUANTILE, 8);
	ok(mare_outl_lookup(s, 113, &stat, &lim) == 0,
	    "min_records 8: seven records are not tested");
	mare_outl_free(s);
}

static void
test_near(void)
{
	char path[4096];
	const struct mare_near_point *p;
	const char *src = getenv("MARE_SRCDIR");
	struct mare_near *n;
	struct mare_err err;
	double d, m;

	is_double(mare_haversine_m(0, 0, 0, 1), DEG_KM * 1000, 1e-6,
	    "one degree on the equator is 111195.08 m");
	is_double(mare_haversine_m(0, 0, 90, 0), 6371008.8 * M_PI / 2, 1e-6,
	    "equator to pole is a quarter circle");
	is_double(mare_haversine_m(10, 170, 10, -170),
	    mare_haversine_m(10, 0, 10, 20), 1e-6,
	    "the antimeridian is crossed the short way");
	ok(mare_near_default_radius("capital", &m) == 0 && m == 10000,
	    "capital: 10 km");
	ok(mare_near_default_radius("institution", &m) == 0 && m == 100,
	    "institution: 100 m");
	ok(mare_near_default_radius("zoo", &m) == -1, "zoo: no default");
	snprintf(path, sizeof(path), "%s/tests/data/validate/near-points.csv",
	    src != NULL ? src : ".");
	mare_err_init(&err);
	n = mare_near_load(path, &err);
	ok(n != NULL && mare_near_count(n) == 3, "three points loaded");
	if (n == NULL)
		return;
	p = mare_near_find(n, 55.671, 12.581, &d);
	ok(p != NULL && strcmp(p->kind, "gbif") == 0, "near GBIF");
	is_double(d, 127.65, 0.01, "127.65 m: sqrt(111.195^2 + 62.69^2)");
	ok(mare_near_find(n, 55.68, 12.58, &d) == NULL, "1112 m: not near");
	p = mare_near_find(n, 10.05, 20.05, &d);
	ok(p != NULL && p->radius_m == 10000, "capital by default radius");
	mare_near_free(n);
}

/* Bad options; many species (the name table grows past 64 slots) */
static void
test_outliers_more(void)
{
	struct mare_outl_opts o;
	struct mare_outl_stats st;
	struct mare_outl *s;
	struct mare_err err;
	char name[16];
	int i, ok_add = 1;

	mare_outl_opts_init(&o);
	o.multiplier = -1;
	mare_err_init(&err);
	ok(mare_outl_new(&o, &err) == NULL && err.code == MARE_E_USAGE &&
	    strcmp(err.msg, "outliers: multiplier and distance must not be "
	    "negative, 2 <= min_records <= max_records") == 0,
	    "outliers: a negative multiplier is refused");
	mare_outl_opts_init(&o);
	o.min_records = 1;
	mare_err_init(&err);
	ok(mare_outl_new(&o, &err) == NULL && err.code == MARE_E_USAGE,
	    "outliers: min_records 1 is refused");
	mare_outl_opts_init(&o);
	o.max_records = 3;
	mare_err_init(&err);
	ok(mare_outl_new(&o, &err) == NULL && err.code == MARE_E_USAGE,
	    "outliers: max_records below min_records is refused");

	/* 100 species of 1 record, then species 0..99 again: 2 each */
	mare_outl_opts_init(&o);
	mare_err_init(&err);
	s = mare_outl_new(&o, &err);
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "sp%d", i % 100);
		if (mare_outl_add(s, name, strlen(name), i % 90, i % 180,
		    (unsigned long long)i + 1, &err) != 0)
			ok_add = 0;
	}
	ok(ok_add, "outliers: 200 records of 100 species are added");
	ok(mare_outl_finish(s, &err) == 0, "outliers: finished");
	mare_outl_get_stats(s, &st);
	ok(st.species == 100 && st.records == 200 && st.too_few == 100 &&
	    st.tested == 0 && st.untested_records == 200 && st.outliers == 0,
	    "outliers: 100 species of 2 records, all under min_records 7");
	mare_outl_free(s);
}

/* A points file with a longitude out of range */
static void
test_near_more(void)
{
	char path[1200], want[1400];
	struct mare_err err;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/bad-lon.csv", tap_tmpdir());
	fp = fopen(path, "w");
	fputs("name,lat,lon,radius_m,kind\nok,1,2,100,\nfar,3,200,100,\n",
	    fp);
	fclose(fp);
	mare_err_init(&err);
	ok(mare_near_load(path, &err) == NULL && err.code == MARE_E_DATA &&
	    strcmp(err.msg, "lon '200' is not a number in [-180, 180]") == 0,
	    "near: longitude 200 is refused (%s)", err.msg);
	snprintf(want, sizeof(want), "%s:3", path);
	is_str(err.where, want, "near: at its line");
}

int
main(void)
{
	test_outliers();
	test_near();
	test_outliers_more();
	test_near_more();
	return tap_done();
}
