/*
 * outliers.c - per-species geographic outliers
 *
 * Species names go to an open-addressing table (FNV-1a, linear probing,
 * doubled at half load) that gives each a number; records are appended to
 * one array, then sorted by (species, record number) at finish, so each
 * species is a run of the array. Outliers are kept sorted by record
 * number for lookups by binary search.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "near.h"
#include "outliers.h"

struct pt {
	double			lat, lon;
	unsigned long long	recno;
	size_t			sp;
};

struct hit {
	unsigned long long	recno;
	double			stat, limit;
};

struct mare_outl {
	struct mare_outl_opts	 o;
	char			**names;	/* by species number */
	size_t			 nnames, capnames;
	size_t			*slots;		/* species number + 1 */
	size_t			 capslots;
	struct pt		*p;
	size_t			 n, cap;
	struct hit		*hits;
	size_t			 nhits, caphits;
	struct mare_outl_stats	 st;
};

void
mare_outl_opts_init(struct mare_outl_opts *o)
{
	o->method = MARE_OUTL_QUANTILE;
	o->multiplier = 5;
	o->distance_km = 1000;
	o->min_records = 7;
	o->max_records = 10000;
}

struct mare_outl *
mare_outl_new(const struct mare_outl_opts *o, struct mare_err *err)
{
	struct mare_outl *s;

	if (!(o->multiplier >= 0) || !(o->distance_km >= 0) ||
	    o->min_records < 2 || o->max_records < o->min_records) {
		mare_err_set(err, MARE_E_USAGE, "outliers: multiplier and "
		    "distance must not be negative, 2 <= min_records <= "
		    "max_records");
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->slots = calloc(64, sizeof(*s->slots))) == NULL) {
		free(s);
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	s->capslots = 64;
	s->o = *o;
	return s;
}

void
mare_outl_free(struct mare_outl *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nnames; i++)
		free(s->names[i]);
	free(s->names);
	free(s->slots);
	free(s->p);
	free(s->hits);
	free(s);
}

static uint64_t
fnv1a(const char *k, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)k[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static size_t *
slot_of(size_t *slots, size_t cap, char **names, const char *k, size_t n)
{
	size_t i = (size_t)fnv1a(k, n) & (cap - 1);

	while (slots[i] != 0) {
		const char *nm = names[slots[i] - 1];

		if (strlen(nm) == n && memcmp(nm, k, n) == 0)
			break;
		i = (i + 1) & (cap - 1);
	}
	return &slots[i];
}

/* The species number of k, added when new; -1 when out of memory. */
static long
species(struct mare_outl *s, const char *k, size_t n)
{
	size_t *sl, *ns, i, cap;
	char **nn;

	sl = slot_of(s->slots, s->capslots, s->names, k, n);
	if (*sl != 0)
		return (long)(*sl - 1);
	if ((s->nnames + 1) * 2 > s->capslots) {
		cap = s->capslots * 2;
		if ((ns = calloc(cap, sizeof(*ns))) == NULL)
			return -1;
		for (i = 0; i < s->nnames; i++)
			*slot_of(ns, cap, s->names, s->names[i],
			    strlen(s->names[i])) = i + 1;
		free(s->slots);
		s->slots = ns;
		s->capslots = cap;
		sl = slot_of(s->slots, s->capslots, s->names, k, n);
	}
	if (s->nnames == s->capnames) {
		cap = s->capnames ? s->capnames * 2 : 16;
		if ((nn = reallocarray(s->names, cap, sizeof(*nn))) == NULL)
			return -1;
		s->names = nn;
		s->capnames = cap;
	}
	if ((s->names[s->nnames] = strndup(k, n)) == NULL)
		return -1;
	*sl = ++s->nnames;
	return (long)(s->nnames - 1);
}

int
mare_outl_add(struct mare_outl *s, const char *sp, size_t len, double lat,
    double lon, unsigned long long recno, struct mare_err *err)
{
	struct pt *np;
	long id;

	if ((id = species(s, sp, len)) < 0)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;

		if ((np = reallocarray(s->p, cap, sizeof(*np))) == NULL)
			return mare_err_set(err, MARE_E_NOMEM,
			    "out of memory");
		s->p = np;
		s->cap = cap;
	}
	s->p[s->n].lat = lat;
	s->p[s->n].lon = lon;
	s->p[s->n].recno = recno;
	s->p[s->n].sp = (size_t)id;
	s->n++;
	return 0;
}

static int
by_species(const void *a, const void *b)
{
	const struct pt *x = a, *y = b;

	if (x->sp != y->sp)
		return x->sp < y->sp ? -1 : 1;
	return (x->recno > y->recno) - (x->recno < y->recno);
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int
by_recno(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	return (x->recno > y->recno) - (x->recno < y->recno);
}

/* R's quantile(x, q, type = 7) of the sorted x[0..n). */
static double
quantile7(const double *x, size_t n, double q)
{
	double h = (double)(n - 1) * q, lo = floor(h);
	size_t i = (size_t)lo;

	if (i + 1 >= n)
		return x[n - 1];
	return x[i] + (h - lo) * (x[i + 1] - x[i]);
}

static int
hit(struct mare_outl *s, unsigned long long recno, double stat,
    double limit)
{
	struct hit *nh;

	if (s->nhits == s->caphits) {
		size_t cap = s->caphits ? s->caphits * 2 : 64;

		if ((nh = reallocarray(s->hits, cap, sizeof(*nh))) == NULL)
			return -1;
		s->hits = nh;
		s->caphits = cap;
	}
	s->hits[s->nhits].recno = recno;
	s->hits[s->nhits].stat = stat;
	s->hits[s->nhits].limit = limit;
	s->nhits++;
	return 0;
}

/* Test the records p[0..n) of one species; stat and sorted: room for n. */
static int
test_species(struct mare_outl *s, const struct pt *p, size_t n,
    double *stat, double *sorted)
{
	double d, sum, min, q1, q3, limit;
	size_t i, j, k, m = 0;

	for (i = 0; i < n; i++) {
		sum = 0;
		min = INFINITY;
		k = 0;
		for (j = 0; j < n; j++) {
			if (j == i)
				continue;
			d = mare_haversine_m(p[i].lat, p[i].lon, p[j].lat,
			    p[j].lon) / 1000;
			if (d == 0)
				continue;
			sum += d;
			k++;
			if (d < min)
				min = d;
		}
		stat[i] = k == 0 ? NAN : s->o.method == MARE_OUTL_QUANTILE ?
		    sum / (double)k : min;
		if (k > 0)
			sorted[m++] = stat[i];
	}
	if (m == 0)
		return 0;
	if (s->o.method == MARE_OUTL_QUANTILE) {
		qsort(sorted, m, sizeof(*sorted), by_value);
		q1 = quantile7(sorted, m, 0.25);
		q3 = quantile7(sorted, m, 0.75);
		limit = q3 + s->o.multiplier * (q3 - q1);
	} else
		limit = s->o.distance_km;
	for (i = 0; i < n; i++)
		if (!isnan(stat[i]) && stat[i] > limit &&
		    hit(s, p[i].recno, stat[i], limit) != 0)
			return -1;
	return 0;
}

int
mare_outl_finish(struct mare_outl *s, struct mare_err *err)
{
	double *stat = NULL, *sorted = NULL;
	size_t i, j, n, most = 0;
	int rc = 0;

	if (s->n > 0)
		qsort(s->p, s->n, sizeof(*s->p), by_species);
	for (i = 0; i < s->n; i = j) {
		for (j = i; j < s->n && s->p[j].sp == s->p[i].sp; j++)
			;
		if (j - i > most && j - i <= s->o.max_records)
			most = j - i;
	}
	if (most > 0 && ((stat = calloc(most, sizeof(*stat))) == NULL ||
	    (sorted = calloc(most, sizeof(*sorted))) == NULL))
		rc = -1;
	s->st.species = s->nnames;
	s->st.records = s->n;
	for (i = 0; i < s->n && rc == 0; i = j) {
		for (j = i; j < s->n && s->p[j].sp == s->p[i].sp; j++)
			;
		n = j - i;
		if (n < s->o.min_records) {
			s->st.too_few++;
			s->st.untested_records += n;
		} else if (n > s->o.max_records) {
			s->st.too_many++;
			s->st.untested_records += n;
		} else {
			s->st.tested++;
			rc = test_species(s, s->p + i, n, stat, sorted);
		}
	}
	free(stat);
	free(sorted);
	if (rc != 0)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	if (s->nhits > 0)	/* qsort(NULL, 0) is undefined behaviour */
		qsort(s->hits, s->nhits, sizeof(*s->hits), by_recno);
	s->st.outliers = s->nhits;
	free(s->p);		/* the points are no longer needed */
	s->p = NULL;
	s->n = s->cap = 0;
	return 0;
}

int
mare_outl_lookup(const struct mare_outl *s, unsigned long long recno,
    double *stat_km, double *limit_km)
{
	size_t lo = 0, hi = s->nhits, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->hits[mid].recno < recno)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == s->nhits || s->hits[lo].recno != recno)
		return 0;
	*stat_km = s->hits[lo].stat;
	*limit_km = s->hits[lo].limit;
	return 1;
}

void
mare_outl_get_stats(const struct mare_outl *s, struct mare_outl_stats *st)
{
	*st = s->st;
}
