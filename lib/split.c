/*
 * split.c - a GBIF search cut into parts under its offset cap
 *
 * See split.h for the plan. The recursion depth is bounded: at most 14
 * year bisections (years 0 to 10000) and MARE_SPLIT_MAX_HALVINGS halvings.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "split.h"

static int
add_part(struct mare_split *sp, const struct mare_split_region *r,
    unsigned long long c, struct mare_err *err)
{
	struct mare_split_region *np;
	unsigned long long *nc;
	size_t size;

	if (sp->nparts == sp->size) {
		size = sp->size ? sp->size * 2 : 16;
		np = realloc(sp->parts, size * sizeof(*np));
		if (np != NULL)
			sp->parts = np;
		nc = realloc(sp->counts, size * sizeof(*nc));
		if (nc != NULL)
			sp->counts = nc;
		if (np == NULL || nc == NULL)
			return mare_err_set(err, MARE_E_NOMEM,
			    "out of memory");
		sp->size = size;
	}
	sp->parts[sp->nparts] = *r;
	sp->counts[sp->nparts++] = c;
	sp->sum += c;
	return 0;
}

struct plan {
	struct mare_split *sp;
	const struct mare_split_opts *o;
	mare_split_count_fn count;
	void		*arg;
};

static int
count_of(struct plan *pl, const struct mare_split_region *r,
    unsigned long long *c, struct mare_err *err)
{
	pl->sp->requests++;
	return pl->count(r, c, pl->arg, err);
}

static int
plan_region(struct plan *pl, const struct mare_split_region *r,
    unsigned long long c, struct mare_err *err)
{
	struct mare_split_region a, z, nc;
	unsigned long long cap = pl->o->cap, k;
	int lo, hi, mid, lon;
	double m;

	if (c == 0)
		return 0;
	if (c <= cap)
		return add_part(pl->sp, r, c, err);
	if (r->nocoord)
		return mare_err_set(err, MARE_E_UNAVAILABLE, "cannot split "
		    "the query under the %llu-record cap: year %d has %llu "
		    "records without coordinates; use gbif-download", cap,
		    r->ylo, c);
	lo = r->ylo_open ? 1 : r->ylo;
	hi = r->yhi_open ? pl->o->cur_year + 1 : r->yhi;
	a = *r;
	z = *r;
	if (!r->spatial && lo < hi) {
		mid = lo + (hi - lo) / 2;
		a.yhi = mid;
		a.yhi_open = 0;
		z.ylo = mid + 1;
		z.ylo_open = 0;
	} else {
		if (r->halvings >= MARE_SPLIT_MAX_HALVINGS)
			return mare_err_set(err, MARE_E_UNAVAILABLE, "cannot "
			    "split the query under the %llu-record cap: "
			    "%llu records of one year at one place", cap, c);
		if (!r->spatial) {
			a.spatial = z.spatial = 1;
			if (pl->o->nocoord_part) {
				nc = *r;
				nc.nocoord = 1;
				if (count_of(pl, &nc, &k, err) != 0 ||
				    plan_region(pl, &nc, k, err) != 0)
					return -1;
			}
		}
		lon = r->halvings % 2 == 0;
		m = lon ? r->box[0] + (r->box[2] - r->box[0]) / 2 :
		    r->box[1] + (r->box[3] - r->box[1]) / 2;
		a.box[lon ? 2 : 3] = m;
		z.box[lon ? 0 : 1] = nextafter(m, HUGE_VAL);
		a.halvings = z.halvings = r->halvings + 1;
	}
	if (count_of(pl, &a, &c, err) != 0 ||
	    plan_region(pl, &a, c, err) != 0 ||
	    count_of(pl, &z, &c, err) != 0 ||
	    plan_region(pl, &z, c, err) != 0)
		return -1;
	return 0;
}

int
mare_split_plan(struct mare_split *sp, const struct mare_split_opts *o,
    const struct mare_split_region *root, unsigned long long total,
    mare_split_count_fn count, void *arg, struct mare_err *err)
{
	struct plan pl = { sp, o, count, arg };

	return plan_region(&pl, root, total, err);
}

void
mare_split_release(struct mare_split *sp)
{
	free(sp->parts);
	free(sp->counts);
	memset(sp, 0, sizeof(*sp));
}

int
mare_split_parse_year(const char *t, struct mare_split_region *r)
{
	char a[32], b[32], *end;
	const char *c = strchr(t, ',');
	long v;

	if (strlen(t) >= sizeof(a))
		return -1;
	if (c == NULL) {
		snprintf(a, sizeof(a), "%s", t);
		snprintf(b, sizeof(b), "%s", t);
	} else {
		snprintf(a, sizeof(a), "%.*s", (int)(c - t), t);
		snprintf(b, sizeof(b), "%s", c + 1);
	}
	r->ylo_open = strcmp(a, "*") == 0;
	r->yhi_open = strcmp(b, "*") == 0;
	if (!r->ylo_open) {
		v = strtol(a, &end, 10);
		if (end == a || *end != '\0' || v < 0 || v > 9999)
			return -1;
		r->ylo = (int)v;
	}
	if (!r->yhi_open) {
		v = strtol(b, &end, 10);
		if (end == b || *end != '\0' || v < 0 || v > 9999)
			return -1;
		r->yhi = (int)v;
	}
	if (!r->ylo_open && !r->yhi_open && r->ylo > r->yhi)
		return -1;
	return 0;
}

int
mare_split_wkt_box(const char *wkt, double *box)
{
	const char *p = wkt;
	char *end;
	double v;
	int k = 0;

	box[0] = box[1] = 1e9;
	box[2] = box[3] = -1e9;
	while (*p != '\0') {
		if ((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' ||
		    *p == '.') {
			v = strtod(p, &end);
			if (end == p)
				return -1;
			if (k % 2 == 0) {
				box[0] = v < box[0] ? v : box[0];
				box[2] = v > box[2] ? v : box[2];
			} else {
				box[1] = v < box[1] ? v : box[1];
				box[3] = v > box[3] ? v : box[3];
			}
			k++;
			p = end;
		} else
			p++;
	}
	return k >= 6 && k % 2 == 0 && box[0] < box[2] && box[1] < box[3] ?
	    0 : -1;
}
