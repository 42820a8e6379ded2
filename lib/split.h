/*
 * split.h - a GBIF search cut into parts under its offset cap
 *
 * GBIF serves offset + limit <= 100,000 records of one query. When the
 * count a query reports is above that cap, mare-fetch cuts it into parts,
 * each counted before any record is written:
 *
 * 1. by year: the year range (open ends stand for year 1 and the current
 *    year + 1 when a midpoint is needed) is bisected into disjoint
 *    integer ranges;
 * 2. a single year still above the cap is halved in space: longitude
 *    first, then latitude, alternately, starting from the root's box.
 *    GBIF's ranges are inclusive, so the upper half starts at the next
 *    double after the midpoint and the halves are disjoint. Records of
 *    that year without coordinates are one more part (nocoord), when the
 *    query does not already exclude them (opts.nocoord_part).
 *
 * A region with a count of zero is dropped. This module plans; counting a
 * region is the caller's (a limit=0 request, in mare-fetch), through a
 * count function. The parts come in a fixed order (the nocoord part of a
 * year, then the lower half before the upper), so the same counts give
 * the same plan.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_SPLIT_H
#define MARE_SPLIT_H

#include <stddef.h>

#include "err.h"

/* Halvings in space before a year at one place is given up on. */
#define MARE_SPLIT_MAX_HALVINGS 60

struct mare_split_region {
	int		 ylo, yhi;	/* inclusive years */
	int		 ylo_open, yhi_open;	/* "*": no bound */
	double		 box[4];	/* w, s, e, n, inclusive */
	int		 spatial;	/* box is a filter of this region */
	int		 nocoord;	/* the records without coordinates */
	int		 halvings;
};

struct mare_split_opts {
	unsigned long long cap;		/* records one query serves */
	int		 cur_year;	/* open upper end: cur_year + 1 */
	int		 nocoord_part;	/* add the nocoord parts */
};

/*
 * *count = the records of r; 0, or -1 with err set (which stops the
 * plan).
 */
typedef int (*mare_split_count_fn)(const struct mare_split_region *r,
    unsigned long long *count, void *arg, struct mare_err *err);

struct mare_split {
	struct mare_split_region *parts;
	unsigned long long *counts;	/* each part's count */
	size_t		 nparts, size;
	unsigned long long sum;		/* of counts */
	unsigned long long requests;	/* count calls made */
};

/*
 * Plan the parts of root, whose count is total, into *sp (zeroed by the
 * caller; release it with mare_split_release() either way). Returns 0, or
 * -1 with err set: the count function's error, MARE_E_UNAVAILABLE when a
 * year's records without coordinates, or one year's records after
 * MARE_SPLIT_MAX_HALVINGS halvings, are still above the cap, or
 * MARE_E_NOMEM. sp->sum below total means records no part reaches (for
 * GBIF: records without a year).
 */
int	mare_split_plan(struct mare_split *sp, const struct mare_split_opts *o,
	    const struct mare_split_region *root, unsigned long long total,
	    mare_split_count_fn count, void *arg, struct mare_err *err);
void	mare_split_release(struct mare_split *sp);

/*
 * The year range "A" or "A,B" into r's years, "*" for an open end
 * (years 0 to 9999, A <= B); 0, or -1 when it is not one.
 */
int	mare_split_parse_year(const char *text, struct mare_split_region *r);
/*
 * The bounding box (w, s, e, n) of the numbers of a WKT text, taken as
 * lon lat pairs; 0, or -1 when it has fewer than three points, an odd
 * count of numbers, or an empty box.
 */
int	mare_split_wkt_box(const char *wkt, double *box);

#endif /* MARE_SPLIT_H */
