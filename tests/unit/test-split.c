/*
 * test-split.c - the GBIF split planner against a world it can count
 *
 * The count function counts a synthetic set of records exactly as GBIF's
 * search filters them (year range, hasCoordinate=false, an inclusive
 * lon/lat box), so each plan can be checked record by record: every part
 * under the cap, no record in two parts, every record with a year in one,
 * the records without a year in none, and each part's count its own.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "split.h"
#include "tap.h"

struct rec {
	int	 year;		/* 0: none */
	int	 coord;		/* has coordinates */
	double	 lon, lat;
};

struct world {
	const struct rec *r;
	size_t	 n;
	int	 fail_at;	/* the count call that fails, or 0 */
	int	 calls;
};

static int
in_region(const struct rec *x, const struct mare_split_region *g)
{
	if (!g->ylo_open || !g->yhi_open) {
		if (x->year == 0)
			return 0;
		if (!g->ylo_open && x->year < g->ylo)
			return 0;
		if (!g->yhi_open && x->year > g->yhi)
			return 0;
	}
	if (g->nocoord)
		return !x->coord;
	if (g->spatial)
		return x->coord && x->lon >= g->box[0] &&
		    x->lon <= g->box[2] && x->lat >= g->box[1] &&
		    x->lat <= g->box[3];
	return 1;
}

static int
count(const struct mare_split_region *g, unsigned long long *c, void *arg,
    struct mare_err *err)
{
	struct world *w = arg;
	size_t i;

	if (++w->calls == w->fail_at)
		return mare_err_set(err, MARE_E_TEMPFAIL, "HTTP 503");
	for (*c = 0, i = 0; i < w->n; i++)
		*c += (unsigned long long)in_region(&w->r[i], g);
	return 0;
}

static void
world_root(struct mare_split_region *root)
{
	memset(root, 0, sizeof(*root));
	root->ylo_open = root->yhi_open = 1;
	root->box[0] = -180;
	root->box[1] = -90;
	root->box[2] = 180;
	root->box[3] = 90;
}

/* The plan of w under cap, checked record by record. */
static void
check_plan(struct world *w, unsigned long long cap, int nocoord_part,
    const char *name)
{
	struct mare_split_opts o = { cap, 2026, nocoord_part };
	struct mare_split sp, again;
	struct mare_split_region root;
	struct mare_err err;
	unsigned long long total = 0, c, noyear = 0;
	size_t i, k, in, bad_count = 0, over = 0, twice = 0, lost = 0;
	size_t misplaced = 0;

	world_root(&root);
	memset(&sp, 0, sizeof(sp));
	memset(&again, 0, sizeof(again));
	mare_err_init(&err);
	(void)count(&root, &total, w, &err);
	if (!ok(mare_split_plan(&sp, &o, &root, total, count, w, &err) == 0,
	    "%s: planned (%s)", name, err.msg)) {
		mare_split_release(&sp);
		return;
	}
	for (k = 0; k < sp.nparts; k++) {
		(void)count(&sp.parts[k], &c, w, &err);
		bad_count += c != sp.counts[k];
		over += sp.counts[k] > cap || sp.counts[k] == 0;
	}
	for (i = 0; i < w->n; i++) {
		for (k = 0, in = 0; k < sp.nparts; k++)
			in += (size_t)in_region(&w->r[i], &sp.parts[k]);
		if (w->r[i].year == 0) {
			noyear++;
			misplaced += in != 0;
		} else {
			twice += in > 1;
			lost += in == 0;
		}
	}
	ok(sp.nparts > 1, "%s: %zu parts", name, sp.nparts);
	is_int((long long)bad_count, 0, "%s: each part's count is its own",
	    name);
	is_int((long long)over, 0, "%s: every part has 1 to %llu records",
	    name, cap);
	is_int((long long)twice, 0, "%s: no record is in two parts", name);
	is_int((long long)lost, 0, "%s: every record with a year is in a "
	    "part", name);
	is_int((long long)misplaced, 0, "%s: no record without a year is",
	    name);
	is_int((long long)sp.sum, (long long)(total - noyear),
	    "%s: the parts hold all but the records without a year", name);
	ok(mare_split_plan(&again, &o, &root, total, count, w, &err) == 0 &&
	    again.nparts == sp.nparts && again.requests == sp.requests &&
	    memcmp(again.parts, sp.parts, sp.nparts * sizeof(*sp.parts)) ==
	    0, "%s: the same counts give the same plan", name);
	mare_split_release(&again);
	mare_split_release(&sp);
}

static void
test_plans(void)
{
	struct rec *r = calloc(5000, sizeof(*r));
	struct mare_rng g;
	struct world w;
	size_t i;

	if (r == NULL) {
		ok(0, "memory");
		return;
	}
	mare_rng_init(&g, 7);
	for (i = 0; i < 5000; i++) {
		/* 2000-2020 over the globe, and 1,000 records of 2015
		 * at 50 points 1e-5 degrees apart (52 halvings apart) */
		r[i].year = i % 97 == 0 ? 0 : 2000 + (int)(i % 21);
		r[i].coord = i % 13 != 0;
		r[i].lon = -180 + 360 * mare_rng_uniform(&g);
		r[i].lat = -90 + 180 * mare_rng_uniform(&g);
		if (i % 5 == 0) {
			r[i].year = 2015;
			r[i].lon = 12.5 + (double)(i / 5 % 50) * 1e-5;
			r[i].lat = -3.25;
		}
	}
	/* records on the first midpoints: the lower halves own them */
	r[1].year = 2003;
	r[1].lon = 0;
	r[2].year = 2003;
	r[2].lon = 90;
	r[2].lat = 0;
	w.r = r;
	w.n = 5000;
	w.fail_at = 0;
	w.calls = 0;
	check_plan(&w, 100, 1, "cap 100, with the no-coordinate parts");
	for (i = 0; i < 5000; i++)
		r[i].coord = 1;		/* as --has-coordinate asks */
	check_plan(&w, 37, 0, "cap 37, coordinates only");
	free(r);
}

static void
test_errors(void)
{
	struct rec r[12];
	struct mare_split_opts o = { 10, 2026, 1 };
	struct mare_split sp;
	struct mare_split_region root;
	struct mare_err err;
	struct world w = { r, 12, 0, 0 };
	size_t i;

	/* 12 records of one year at one point: no halving separates them */
	for (i = 0; i < 12; i++) {
		r[i].year = 1999;
		r[i].coord = 1;
		r[i].lon = 10;
		r[i].lat = 20;
	}
	world_root(&root);
	memset(&sp, 0, sizeof(sp));
	mare_err_init(&err);
	ok(mare_split_plan(&sp, &o, &root, 12, count, &w, &err) == -1 &&
	    err.code == MARE_E_UNAVAILABLE, "one place over the cap fails");
	like(err.msg, "12 records of one year at one place",
	    "  and says so: %s", err.msg);
	mare_split_release(&sp);
	/* 12 records of one year without coordinates */
	for (i = 0; i < 12; i++)
		r[i].coord = 0;
	w.calls = 0;
	mare_err_init(&err);
	ok(mare_split_plan(&sp, &o, &root, 12, count, &w, &err) == -1 &&
	    err.code == MARE_E_UNAVAILABLE, "no coordinates over the cap "
	    "fails");
	like(err.msg, "year 1999 has 12 records without coordinates",
	    "  and names the year: %s", err.msg);
	mare_split_release(&sp);
	/* the count function's error stops the plan */
	for (i = 0; i < 12; i++)
		r[i].year = 1990 + (int)i;
	w.calls = 0;
	w.fail_at = 3;
	mare_err_init(&err);
	ok(mare_split_plan(&sp, &o, &root, 12, count, &w, &err) == -1 &&
	    err.code == MARE_E_TEMPFAIL && w.calls == 3,
	    "a failed count stops the plan at once");
	mare_split_release(&sp);
	ok(sp.parts == NULL && sp.nparts == 0, "release empties the plan");
	/* a total under the cap is one part, without a count */
	w.calls = 0;
	w.fail_at = 0;
	ok(mare_split_plan(&sp, &o, &root, 7, count, &w, &err) == 0 &&
	    sp.nparts == 1 && sp.requests == 0 && sp.sum == 7,
	    "under the cap: the root is the one part");
	mare_split_release(&sp);
	ok(mare_split_plan(&sp, &o, &root, 0, count, &w, &err) == 0 &&
	    sp.nparts == 0, "an empty query has no part");
	mare_split_release(&sp);
}

static void
test_years(void)
{
	struct mare_split_region r;
	static const char *bad[] = { "", "x", "1990,", ",1990", "2000,1990",
	    "10000", "-1", "1990,2000,2010", "19 90",
	    "1990,000000000000000000000000000002000" };
	size_t i;

	memset(&r, 0, sizeof(r));
	ok(mare_split_parse_year("1990", &r) == 0 && r.ylo == 1990 &&
	    r.yhi == 1990 && !r.ylo_open && !r.yhi_open, "year A");
	ok(mare_split_parse_year("1990,2000", &r) == 0 && r.ylo == 1990 &&
	    r.yhi == 2000, "years A,B");
	ok(mare_split_parse_year("*,2000", &r) == 0 && r.ylo_open &&
	    !r.yhi_open && r.yhi == 2000, "years *,B");
	ok(mare_split_parse_year("1990,*", &r) == 0 && !r.ylo_open &&
	    r.yhi_open && r.ylo == 1990, "years A,*");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(mare_split_parse_year(bad[i], &r) == -1, "'%s' is not a "
		    "year range", bad[i]);
}

static void
test_wkt(void)
{
	double b[4];

	ok(mare_split_wkt_box("POLYGON((-80.5 24,-79 24,-79 26.25,-80.5 "
	    "26.25,-80.5 24))", b) == 0 && b[0] == -80.5 && b[1] == 24 &&
	    b[2] == -79 && b[3] == 26.25, "a polygon's box");
	ok(mare_split_wkt_box("MULTIPOLYGON(((1 1,2 1,2 2,1 1)),((5 -3,6 -3,"
	    "6 0,5 -3)))", b) == 0 && b[0] == 1 && b[1] == -3 && b[2] == 6 &&
	    b[3] == 2, "a multipolygon's box spans its parts");
	ok(mare_split_wkt_box("POINT(1 2)", b) == -1, "a point has no box");
	ok(mare_split_wkt_box("POLYGON((1 1,1 2,1 3,1 1))", b) == -1,
	    "a box of no width is none");
	ok(mare_split_wkt_box("POLYGON((1 1,2 1,2 2,1))", b) == -1,
	    "an odd count of numbers is none");
}

int
main(void)
{
	test_plans();
	test_errors();
	test_years();
	test_wkt();
	return tap_done();
}
