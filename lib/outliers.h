/*
 * outliers.h - per-species geographic outliers (CoordinateCleaner's cc_outl)
 *
 * Records are added with their species, coordinates and a record number;
 * after the last one, mare_outl_finish() tests each species with at least
 * min_records records (CoordinateCleaner's min_occs, 7) and at most
 * max_records (the test is quadratic in the records of a species; larger
 * species are counted as untested, never silently passed):
 *
 *   For each record, the great-circle distances (lib/near.h, in km) to
 *   every other record of its species; distances of 0 (the same point)
 *   are left out, as cc_outl sets them to NA.
 *   quantile method (cc_outl's default): the record's statistic is the
 *   mean of those distances; it is an outlier when the statistic is above
 *   Q3 + multiplier * (Q3 - Q1), the quartiles of the species' statistics
 *   computed as R's quantile() type 7 does (multiplier: cc_outl's mltpl,
 *   default 5). Only the upper side is tested.
 *   distance method: the statistic is the smallest of those distances; an
 *   outlier when it is above distance_km (cc_outl's tdi, default 1000).
 *   A record with no distance (all its species' records at its point)
 *   has no statistic and is never an outlier.
 *
 * Memory: 24 bytes per record added, and one copy of each species name.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_OUTLIERS_H
#define MARE_OUTLIERS_H

#include <stddef.h>

#include "err.h"

enum mare_outl_method {
	MARE_OUTL_QUANTILE,
	MARE_OUTL_DISTANCE
};

struct mare_outl_opts {
	enum mare_outl_method	method;
	double			multiplier;	/* quantile: 5 */
	double			distance_km;	/* distance: 1000 */
	size_t			min_records;	/* 7 */
	size_t			max_records;	/* 10000 */
};

struct mare_outl_stats {
	size_t	species;	/* distinct species added */
	size_t	tested;		/* species tested */
	size_t	too_few;	/* species under min_records */
	size_t	too_many;	/* species over max_records */
	size_t	records;	/* records added */
	size_t	untested_records;	/* of the species not tested */
	size_t	outliers;
};

void	mare_outl_opts_init(struct mare_outl_opts *o);

struct mare_outl;

/* NULL with MARE_E_USAGE (bad options) or MARE_E_NOMEM. */
struct mare_outl *mare_outl_new(const struct mare_outl_opts *o,
	    struct mare_err *err);
void	mare_outl_free(struct mare_outl *s);	/* NULL is a no-op */

/* Add a record; recno must grow from call to call. 0, or -1 NOMEM. */
int	mare_outl_add(struct mare_outl *s, const char *species, size_t len,
	    double lat, double lon, unsigned long long recno,
	    struct mare_err *err);

/* Test every species. 0, or -1 (MARE_E_NOMEM). */
int	mare_outl_finish(struct mare_outl *s, struct mare_err *err);

/*
 * After finish: 1 when record recno is an outlier, with its statistic
 * and the species' limit in km; 0 otherwise.
 */
int	mare_outl_lookup(const struct mare_outl *s, unsigned long long recno,
	    double *stat_km, double *limit_km);

void	mare_outl_get_stats(const struct mare_outl *s,
	    struct mare_outl_stats *st);

#endif /* MARE_OUTLIERS_H */
