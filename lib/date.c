/*
 * date.c - ISO 8601 dates, date-times and intervals to UTC spans
 *
 * A hand-written recursive-descent parser over the string: each end of an
 * interval is read into a struct point (the fields written and the
 * precision), validated against the calendar, then turned into a span of
 * seconds with days_from_civil (the algorithm published by Howard Hinnant,
 * "chrono-Compatible Low-Level Date Algorithms"), so that no libc time
 * function, TZ or locale is involved.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <string.h>

#include "date.h"

struct point {
	int	y, m, d;	/* m, d are 0 when not written */
	int	yday;		/* ordinal day, 0 when not written */
	int	h, mi, s;	/* -1 when not written */
	int	has_zone;
	int	tz;		/* zone offset, seconds east of UTC */
	enum mare_date_prec prec;
};

int
mare_date_is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned
mare_date_days_in_month(int64_t y, unsigned m)
{
	static const unsigned dim[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && mare_date_is_leap(y))
		return 29;
	return dim[m - 1];
}

int64_t
mare_date_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;				/* [0, 399] */
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;	/* [0, 365] */
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* [0, 146096] */
	return era * 146097 + doe - 719468;
}

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* The number of digits at p. */
static int
ndigits(const char *p)
{
	int n = 0;

	while (isdig(p[n]))
		n++;
	return n;
}

/* Read exactly n digits; the caller has checked they are there. */
static int
num(const char **p, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*(*p)++ - '0');
	return v;
}

static int
bad(struct mare_err *err, const char *what)
{
	return mare_err_set(err, MARE_E_DATA, "%s", what);
}

/* Zone: "Z", "+hh", "+hhmm", "+hh:mm" (or "-"); nothing is fine too. */
static int
parse_zone(const char **p, struct point *pt, struct mare_err *err)
{
	int sign, zh, zm = 0;

	if (**p == 'Z') {
		(*p)++;
		pt->has_zone = 1;
		pt->tz = 0;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return 0;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (ndigits(*p) == 2) {
		zh = num(p, 2);
	} else if (ndigits(*p) == 4) {
		zh = num(p, 2);
		zm = num(p, 2);
		goto check;
	} else
		return bad(err, "bad time zone offset");
	if (**p == ':') {
		(*p)++;
		if (ndigits(*p) != 2)
			return bad(err, "bad time zone offset");
		zm = num(p, 2);
	}
check:
	if (zh > 23 || zm > 59)
		return bad(err, "time zone offset out of range");
	pt->has_zone = 1;
	pt->tz = sign * (zh * 3600 + zm * 60);
	return 0;
}

/* hh[:mm[:ss[(.|,)f+]]] then an optional zone. */
static int
parse_time(const char **p, struct point *pt, struct mare_err *err)
{
	int frac_nonzero = 0;

	if (ndigits(*p) == 4 || ndigits(*p) == 6)
		return bad(err, "basic format time (hhmm) is not accepted: "
		    "write hh:mm");
	if (ndigits(*p) != 2)
		return bad(err, "bad time: expected hh, hh:mm or hh:mm:ss");
	pt->h = num(p, 2);
	pt->prec = MARE_DATE_HOUR;
	if (**p == ':') {
		(*p)++;
		if (ndigits(*p) != 2)
			return bad(err, "bad minutes: expected two digits");
		pt->mi = num(p, 2);
		pt->prec = MARE_DATE_MINUTE;
		if (**p == ':') {
			(*p)++;
			if (ndigits(*p) != 2)
				return bad(err,
				    "bad seconds: expected two digits");
			pt->s = num(p, 2);
			pt->prec = MARE_DATE_SECOND;
			if (**p == '.' || **p == ',') {
				(*p)++;
				if (ndigits(*p) == 0)
					return bad(err, "bad fraction of a "
					    "second: expected digits");
				while (isdig(**p))
					if (*(*p)++ != '0')
						frac_nonzero = 1;
			}
		}
	}
	if (pt->h > 24)
		return bad(err, "hour out of range");
	if (pt->mi > 59)
		return bad(err, "minute out of range");
	if (pt->s > 59)
		return bad(err, "second out of range (leap seconds are not "
		    "accepted)");
	if (pt->h == 24 && (pt->mi > 0 || pt->s > 0 || frac_nonzero))
		return bad(err, "hour 24 is only valid as 24:00:00");
	return parse_zone(p, pt, err);
}

/* Check the calendar fields of pt. */
static int
check_calendar(const struct point *pt, struct mare_err *err)
{
	if (pt->yday != 0) {
		if (pt->yday > (mare_date_is_leap(pt->y) ? 366 : 365))
			return mare_err_set(err, MARE_E_DATA,
			    "day %03d out of range for %04d", pt->yday, pt->y);
		return 0;
	}
	if (pt->m != 0 && (pt->m < 1 || pt->m > 12))
		return mare_err_set(err, MARE_E_DATA,
		    "month %02d out of range", pt->m);
	if (pt->d != 0 &&
	    (unsigned)pt->d > mare_date_days_in_month(pt->y, (unsigned)pt->m))
		return mare_err_set(err, MARE_E_DATA,
		    "day %02d out of range for %04d-%02d", pt->d, pt->y,
		    pt->m);
	if (pt->prec >= MARE_DATE_MONTH && pt->m == 0)
		return bad(err, "month 00 out of range");
	if (pt->prec >= MARE_DATE_DAY && pt->d == 0 && pt->yday == 0)
		return bad(err, "day 00 out of range");
	return 0;
}

/* After the date part: optional "T" and a time. */
static int
parse_opt_time(const char **p, struct point *pt, struct mare_err *err)
{
	if (**p == 'T') {
		if (pt->prec != MARE_DATE_DAY)
			return bad(err, "a time needs a full date before it");
		(*p)++;
		return parse_time(p, pt, err);
	}
	if (**p == ' ' && isdig((*p)[1]))
		return bad(err, "a space separates date and time: ISO 8601 "
		    "writes 'T'");
	if (**p == 't')
		return bad(err, "lower-case 't': ISO 8601 writes 'T'");
	return 0;
}

/* A complete date or date-time: YYYY[-MM[-DD]|-DDD][Thh...]. */
static int
parse_full(const char **p, struct point *pt, struct mare_err *err)
{
	int n;

	n = ndigits(*p);
	if (n == 8)
		return bad(err, "basic format date (YYYYMMDD) is not "
		    "accepted: write YYYY-MM-DD");
	if (n != 4)
		return bad(err, "expected a four-digit year");
	pt->y = num(p, 4);
	pt->prec = MARE_DATE_YEAR;
	if (**p == '-') {
		(*p)++;
		n = ndigits(*p);
		if (**p == 'W')
			return bad(err, "week dates are not accepted");
		if (n == 2) {
			pt->m = num(p, 2);
			pt->prec = MARE_DATE_MONTH;
			if (pt->m == 0)
				return bad(err, "month 00 out of range");
			if (**p == '-') {
				(*p)++;
				if (ndigits(*p) != 2)
					return bad(err,
					    "bad day: expected two digits");
				pt->d = num(p, 2);
				pt->prec = MARE_DATE_DAY;
				if (pt->d == 0)
					return bad(err, "day 00 out of range");
			}
		} else if (n == 3) {
			pt->yday = num(p, 3);
			pt->prec = MARE_DATE_DAY;
			if (pt->yday == 0)
				return bad(err, "day 000 out of range");
		} else
			return bad(err, "bad month: expected two digits");
	}
	if (check_calendar(pt, err) == -1)
		return -1;
	return parse_opt_time(p, pt, err);
}

/*
 * The end of an interval, abbreviated by leaving out what it shares with
 * the start a: "15", "12-02", "07", "130", "15:30", "15T12:00".
 */
static int
parse_abbrev(const char **p, const struct point *a, struct point *b,
    struct mare_err *err)
{
	int n = ndigits(*p);

	b->y = a->y;
	b->m = a->m;
	b->d = a->d;
	b->yday = a->yday;
	b->prec = a->prec;
	if (n == 2 && (*p)[2] == ':') {
		if (a->prec < MARE_DATE_HOUR)
			return bad(err, "interval end is a time but the start "
			    "has none");
		if (parse_time(p, b, err) == -1)
			return -1;
	} else if (a->yday != 0) {
		if (n != 3)
			return bad(err, "bad interval end: expected an "
			    "ordinal day DDD");
		b->yday = num(p, 3);
		if (b->yday == 0)
			return bad(err, "day 000 out of range");
		b->prec = MARE_DATE_DAY;
	} else if (n == 2 && (*p)[2] == '-') {
		if (a->prec < MARE_DATE_DAY)
			return bad(err, "bad interval end: MM-DD after a start "
			    "without a day");
		b->m = num(p, 2);
		(*p)++;
		if (ndigits(*p) != 2)
			return bad(err, "bad day: expected two digits");
		b->d = num(p, 2);
		b->prec = MARE_DATE_DAY;
	} else if (n == 2 && a->prec == MARE_DATE_MONTH) {
		b->m = num(p, 2);
		b->prec = MARE_DATE_MONTH;
	} else if (n == 2 && a->prec >= MARE_DATE_DAY) {
		b->d = num(p, 2);
		b->prec = MARE_DATE_DAY;
	} else
		return bad(err, "bad interval end");
	if (b->prec <= MARE_DATE_DAY) {
		if (b->m == 0 && b->yday == 0 && b->prec >= MARE_DATE_MONTH)
			return bad(err, "month 00 out of range");
		if (b->d == 0 && b->yday == 0 && b->prec == MARE_DATE_DAY)
			return bad(err, "day 00 out of range");
		if (check_calendar(b, err) == -1)
			return -1;
		if (parse_opt_time(p, b, err) == -1)
			return -1;
	}
	if (b->prec >= MARE_DATE_HOUR && !b->has_zone && a->has_zone) {
		b->has_zone = 1;	/* the zone carries over (ISO 8601) */
		b->tz = a->tz;
	}
	return 0;
}

/* The first and last second of pt. */
static void
span(const struct point *pt, int64_t *start, int64_t *end)
{
	int64_t day;

	if (pt->yday != 0)
		day = mare_date_days_from_civil(pt->y, 1, 1) + pt->yday - 1;
	else
		day = mare_date_days_from_civil(pt->y,
		    pt->m != 0 ? (unsigned)pt->m : 1,
		    pt->d != 0 ? (unsigned)pt->d : 1);
	switch (pt->prec) {
	case MARE_DATE_YEAR:
		*start = day * 86400;
		*end = mare_date_days_from_civil((int64_t)pt->y + 1, 1, 1) *
		    86400 - 1;
		return;
	case MARE_DATE_MONTH:
		*start = day * 86400;
		*end = (day + mare_date_days_in_month(pt->y,
		    (unsigned)pt->m)) * 86400 - 1;
		return;
	case MARE_DATE_DAY:
		*start = day * 86400;
		*end = *start + 86399;
		return;
	case MARE_DATE_HOUR:
		*start = day * 86400 + pt->h * 3600 - pt->tz;
		*end = *start + 3599;
		return;
	case MARE_DATE_MINUTE:
		*start = day * 86400 + pt->h * 3600 + pt->mi * 60 - pt->tz;
		*end = *start + 59;
		return;
	case MARE_DATE_SECOND:
		*start = day * 86400 + pt->h * 3600 + pt->mi * 60 + pt->s -
		    pt->tz;
		*end = *start;
		return;
	}
}

static void
point_init(struct point *pt)
{
	memset(pt, 0, sizeof(*pt));
	pt->h = pt->mi = pt->s = -1;
}

static int
trailing(const char *p, struct mare_err *err)
{
	if (*p == '\0')
		return 0;
	if (*p == 'z')
		return bad(err, "lower-case 'z': ISO 8601 writes 'Z'");
	return bad(err, "unexpected text after the date");
}

int
mare_date_parse(const char *s, struct mare_date *d, struct mare_err *err)
{
	struct point a, b;
	const char *p = s;
	int64_t as, ae, bs, be;

	if (s == NULL || *s == '\0')
		return bad(err, "empty date");
	point_init(&a);
	point_init(&b);
	if (*p == '.' && p[1] == '.')
		return bad(err, "open intervals are not accepted");
	if (*p == 'P')
		return bad(err, "durations are not accepted");
	if (parse_full(&p, &a, err) == -1)
		return -1;
	span(&a, &as, &ae);
	if (*p != '/') {
		if (trailing(p, err) == -1)
			return -1;
		d->start = as;
		d->end = ae;
		d->prec = a.prec;
		d->interval = 0;
		d->has_zone = a.prec < MARE_DATE_HOUR || a.has_zone;
		return 0;
	}
	p++;
	if (*p == '.' && p[1] == '.')
		return bad(err, "open intervals are not accepted");
	if (*p == 'P')
		return bad(err, "durations are not accepted");
	if (ndigits(p) == 4 && (p[4] == '\0' || p[4] == '-' || p[4] == 'T')) {
		if (parse_full(&p, &b, err) == -1)
			return -1;
	} else if (parse_abbrev(&p, &a, &b, err) == -1)
		return -1;
	if (trailing(p, err) == -1)
		return -1;
	span(&b, &bs, &be);
	if (be < as)
		return bad(err, "interval ends before it starts");
	d->start = as;
	d->end = be;
	d->prec = a.prec < b.prec ? a.prec : b.prec;
	d->interval = 1;
	d->has_zone = (a.prec < MARE_DATE_HOUR || a.has_zone) &&
	    (b.prec < MARE_DATE_HOUR || b.has_zone);
	return 0;
}
