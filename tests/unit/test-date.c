/*
 * test-date.c - ISO 8601 event dates to UTC spans
 *
 * Expected spans were computed by hand from known epoch anchors
 * (2001-01-01 = 978307200, 2009-01-01 = 1230768000, 1900-01-01 =
 * -2208988800, ...) plus whole days; each can be checked with
 * `date -u -d @N` (GNU date).
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>

#include "date.h"
#include "tap.h"

struct good {
	const char	*s;
	int64_t		 start, end;
	enum mare_date_prec prec;
	int		 interval, has_zone;
};

static const struct good goods[] = {
	{ "2001", 978307200, 1009843199, MARE_DATE_YEAR, 0, 1 },
	{ "2000", 946684800, 978307199, MARE_DATE_YEAR, 0, 1 },
	{ "2001-02", 980985600, 983404799, MARE_DATE_MONTH, 0, 1 },
	{ "2000-02", 949363200, 951868799, MARE_DATE_MONTH, 0, 1 },
	{ "2000-02-29", 951782400, 951868799, MARE_DATE_DAY, 0, 1 },
	{ "2001-123", 988848000, 988934399, MARE_DATE_DAY, 0, 1 },
	{ "2000-366", 978220800, 978307199, MARE_DATE_DAY, 0, 1 },
	{ "1970-01-01", 0, 86399, MARE_DATE_DAY, 0, 1 },
	{ "1969-12-31", -86400, -1, MARE_DATE_DAY, 0, 1 },
	{ "2009-02-20T08:40Z", 1235119200, 1235119259, MARE_DATE_MINUTE,
	    0, 1 },
	{ "1963-03-08T14:07-0600", -215149980, -215149921,
	    MARE_DATE_MINUTE, 0, 1 },
	{ "1963-03-08T14:07-06:00", -215149980, -215149921,
	    MARE_DATE_MINUTE, 0, 1 },
	{ "1963-03-08T14:07-06", -215149980, -215149921,
	    MARE_DATE_MINUTE, 0, 1 },
	{ "2018-08-29T15:19", 1535555940, 1535555999, MARE_DATE_MINUTE,
	    0, 0 },
	{ "2018-08-29T15", 1535554800, 1535558399, MARE_DATE_HOUR, 0, 0 },
	{ "2015-11-10T18:13:44.35+09:00", 1447146824, 1447146824,
	    MARE_DATE_SECOND, 0, 1 },
	{ "2015-11-10T18:13:44,5Z", 1447179224, 1447179224,
	    MARE_DATE_SECOND, 0, 1 },
	{ "2001-12-31T24:00:00Z", 1009843200, 1009843200, MARE_DATE_SECOND,
	    0, 1 },
	{ "2007-11-13/15", 1194912000, 1195171199, MARE_DATE_DAY, 1, 1 },
	{ "2007-11-13/12-02", 1194912000, 1196639999, MARE_DATE_DAY, 1, 1 },
	{ "2001-05/2001-07", 988675200, 996623999, MARE_DATE_MONTH, 1, 1 },
	{ "2001-05/07", 988675200, 996623999, MARE_DATE_MONTH, 1, 1 },
	{ "1900/1909", -2208988800LL, -1893456001LL, MARE_DATE_YEAR, 1, 1 },
	{ "2007-03-01T13:00:00Z/2008-05-11T15:30:00Z", 1172754000,
	    1210519800, MARE_DATE_SECOND, 1, 1 },
	{ "2007-03-01T13:00/15:30", 1172754000, 1172763059,
	    MARE_DATE_MINUTE, 1, 0 },
	{ "2007-03-01T13:00Z/15:30", 1172754000, 1172763059,
	    MARE_DATE_MINUTE, 1, 1 },
	{ "2001-123/125", 988848000, 989107199, MARE_DATE_DAY, 1, 1 },
	{ "2001/2001-03", 978307200, 986083199, MARE_DATE_YEAR, 1, 1 },
	{ "2001-05-01/2001-05-01", 988675200, 988761599, MARE_DATE_DAY, 1,
	    1 },
};

struct badd {
	const char	*s;
	const char	*msg;
};

static const struct badd bads[] = {
	{ "", "empty date" },
	{ "2001-05-01T10:00+1", "bad time zone offset" },
	{ "2001-05-01T10:00+01:5", "bad time zone offset" },
	{ "2001-05-01T10:5", "bad minutes: expected two digits" },
	{ "2001-05-01T10:00:5", "bad seconds: expected two digits" },
	{ "2001-001/01", "bad interval end: expected an ordinal day DDD" },
	{ "2001-001/000", "day 000 out of range" },
	{ "2001-05-01/05-1", "bad day: expected two digits" },
	{ "2001-05/00", "month 00 out of range" },
	{ "2001-05-01/00", "day 00 out of range" },
	{ "2001-02-29", "day 29 out of range for 2001-02" },
	{ "2001-02-30", "day 30 out of range for 2001-02" },
	{ "1900-02-29", "day 29 out of range for 1900-02" },
	{ "2001-04-31", "day 31 out of range for 2001-04" },
	{ "2001-13", "month 13 out of range" },
	{ "2001-00", "month 00 out of range" },
	{ "2001-05-00", "day 00 out of range" },
	{ "2001-366", "day 366 out of range for 2001" },
	{ "2001-000", "day 000 out of range" },
	{ "20010501", "basic format date (YYYYMMDD) is not accepted: write "
	    "YYYY-MM-DD" },
	{ "2001-W05", "week dates are not accepted" },
	{ "2001-05-01 10:00", "a space separates date and time: ISO 8601 "
	    "writes 'T'" },
	{ "2001-05-01t10:00", "lower-case 't': ISO 8601 writes 'T'" },
	{ "2001-05-01T10:00z", "lower-case 'z': ISO 8601 writes 'Z'" },
	{ "2001-05-01T25:00", "hour out of range" },
	{ "2001-05-01T24:30", "hour 24 is only valid as 24:00:00" },
	{ "2001-05-01T10:60", "minute out of range" },
	{ "2001-05-01T23:59:60", "second out of range (leap seconds are "
	    "not accepted)" },
	{ "2001-05-01T1000", "basic format time (hhmm) is not accepted: "
	    "write hh:mm" },
	{ "2001-05-01T", "bad time: expected hh, hh:mm or hh:mm:ss" },
	{ "2001-05-01T10:00:00.", "bad fraction of a second: expected "
	    "digits" },
	{ "2001-05-01T10:00+25:00", "time zone offset out of range" },
	{ "2001-05-01T10:00+1", "bad time zone offset" },
	{ "2001T10", "a time needs a full date before it" },
	{ "2001-05T10", "a time needs a full date before it" },
	{ "01-05-2001", "expected a four-digit year" },
	{ "2001-5-1", "bad month: expected two digits" },
	{ "2001-05-1", "bad day: expected two digits" },
	{ "abc", "expected a four-digit year" },
	{ " 2001", "expected a four-digit year" },
	{ "2001 ", "unexpected text after the date" },
	{ "2001-05-01x", "unexpected text after the date" },
	{ "2001/2000", "interval ends before it starts" },
	{ "2001-05-15/10", "interval ends before it starts" },
	{ "2001-05/2001-04", "interval ends before it starts" },
	{ "2001/..", "open intervals are not accepted" },
	{ "../2001", "open intervals are not accepted" },
	{ "P1D", "durations are not accepted" },
	{ "2001-05-01/P1D", "durations are not accepted" },
	{ "2001/05", "bad interval end" },
	{ "2001-05-01/15:00", "interval end is a time but the start has "
	    "none" },
	{ "2001-05/02-03", "bad interval end: MM-DD after a start without "
	    "a day" },
	{ "2001-02-01/30", "day 30 out of range for 2001-02" },
	{ "2001-05-01/", "bad interval end" },
};

int
main(void)
{
	struct mare_err err;
	struct mare_date d;
	size_t i;

	for (i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		const struct good *g = &goods[i];

		mare_err_init(&err);
		d.start = d.end = 12345;
		if (!ok(mare_date_parse(g->s, &d, &err) == 0,
		    "date: '%s' parses", g->s)) {
			diag("error: %s", err.msg);
			continue;
		}
		is_int(d.start, g->start, "date: '%s' starts at %lld", g->s,
		    (long long)g->start);
		is_int(d.end, g->end, "date: '%s' ends at %lld", g->s,
		    (long long)g->end);
		is_int(d.prec, g->prec, "date: '%s' precision", g->s);
		is_int(d.interval, g->interval, "date: '%s' interval flag",
		    g->s);
		is_int(d.has_zone, g->has_zone, "date: '%s' zone flag", g->s);
	}
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		mare_err_init(&err);
		d.start = 12345;
		is_int(mare_date_parse(bads[i].s, &d, &err), -1,
		    "date: '%s' is rejected", bads[i].s);
		is_int(err.code, MARE_E_DATA, "date: '%s' is a data error",
		    bads[i].s);
		is_str(err.msg, bads[i].msg, "date: '%s' message", bads[i].s);
		is_int(d.start, 12345, "date: '%s' leaves the result alone",
		    bads[i].s);
	}

	/* Calendar helpers. */
	is_int(mare_date_days_from_civil(2000, 3, 1), 11017,
	    "date: 2000-03-01 is day 11017");
	is_int(mare_date_days_from_civil(1600, 1, 1), -135140,
	    "date: 1600-01-01 is day -135140");
	is_int(mare_date_days_from_civil(0, 1, 1), -719528,
	    "date: 0000-01-01 is day -719528");
	ok(mare_date_is_leap(2000) && mare_date_is_leap(2024) &&
	    !mare_date_is_leap(1900) && !mare_date_is_leap(2100),
	    "date: Gregorian leap years");
	is_int(mare_date_days_in_month(2024, 2), 29, "date: Feb 2024 has 29");
	is_int(mare_date_days_in_month(2023, 2), 28, "date: Feb 2023 has 28");
	is_int(mare_date_days_in_month(2023, 13), 0, "date: month 13 has 0");
	return tap_done();
}
