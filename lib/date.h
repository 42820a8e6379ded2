/*
 * date.h - ISO 8601 event dates as Darwin Core writes them
 *
 * Darwin Core's eventDate holds an ISO 8601-1 date, date-time or interval,
 * often with reduced precision: "1971", "1906-06", "1809-02-12",
 * "2018-08-29T15:19", "2009-02-20T08:40Z", "1963-03-08T14:07-0600",
 * "1900/1909", "2007-11-13/15", "2007-03-01T13:00:00Z/2008-05-11T15:30:00Z".
 * mare_date_parse() turns such a string into the span of UTC seconds it
 * covers: the first second of the start and the last second of the end, so
 * "2001" covers 2001-01-01T00:00:00 to 2001-12-31T23:59:59.
 *
 * Accepted, and nothing else:
 *   date      YYYY | YYYY-MM | YYYY-MM-DD | YYYY-DDD (ordinal day)
 *             (extended format only; the year has exactly four digits,
 *             0000-9999, proleptic Gregorian calendar)
 *   date-time YYYY-MM-DD or YYYY-DDD, "T", then hh | hh:mm | hh:mm:ss,
 *             optional fraction ".f" or ",f" after the seconds (dropped:
 *             the span is in whole seconds), optional zone "Z", "+hh",
 *             "+hhmm" or "+hh:mm" (or "-"); 24:00[:00] is the end of the
 *             day, i.e. 00:00:00 of the next day
 *   interval  A/B: B is a full date or date-time, or B is abbreviated by
 *             leaving out the leading parts it shares with A:
 *             "2007-11-13/15", "2007-11-13/12-02", "2001-05/07",
 *             "2007-03-01T13:00/15:30" (time only, on A's date).
 *             B must not end before A starts.
 * Rejected: week dates (2001-W05), basic format (20010501), a space instead
 * of "T", lower-case "t"/"z", leap seconds (:60), open or duration
 * intervals ("../2001", "P1D"), day 29 of February outside leap years,
 * leading or trailing blanks, anything after the last field.
 *
 * A time without zone is local time of an unknown zone; it is taken as UTC
 * and has_zone says so (the true instant is within 14 hours of it).
 * Nothing here reads the clock, the TZ variable or the locale.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_DATE_H
#define MARE_DATE_H

#include <stdint.h>

#include "err.h"

/* The finest field written, of the coarser end of an interval. */
enum mare_date_prec {
	MARE_DATE_YEAR,
	MARE_DATE_MONTH,
	MARE_DATE_DAY,
	MARE_DATE_HOUR,
	MARE_DATE_MINUTE,
	MARE_DATE_SECOND
};

struct mare_date {
	int64_t			start;	/* first second covered, UTC epoch */
	int64_t			end;	/* last second covered (inclusive) */
	enum mare_date_prec	prec;
	int			interval;	/* 1 when written as A/B */
	int			has_zone;	/* 1 when every time had a zone */
};

/*
 * Parse s (NUL-terminated) into d. Returns 0, or -1 with MARE_E_DATA and a
 * message naming the problem ("month 13 out of range", "not ISO 8601").
 * d is untouched on failure.
 */
int	mare_date_parse(const char *s, struct mare_date *d,
	    struct mare_err *err);

/*
 * Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (negative before 1970). m is 1..12, d 1..31; not validated.
 */
int64_t	mare_date_days_from_civil(int64_t y, unsigned m, unsigned d);

/* 1 when y is a Gregorian leap year. */
int	mare_date_is_leap(int64_t y);

/* Days in month m (1..12) of year y; 0 for a bad month. */
unsigned mare_date_days_in_month(int64_t y, unsigned m);

#endif /* MARE_DATE_H */
