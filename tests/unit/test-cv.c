/*
 * test-cv.c - unit tests of lib/cv.c's fold assignment: spatial blocks
 * (ENMeval's get.block) worked by hand, and the refusals of the block,
 * checkerboard and user schemes
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "cv.h"
#include "tap.h"

/*
 * 7 presences and 4 background rows. Worked by hand: the presence
 * latitudes 10..70 have median 40 (the 4th of 7); south of it (lat <= 40)
 * the presence longitudes 4, 1, 3, 2 have median 2.5, north of it 9, 5, 7
 * have median 7. Fold (0-based) = 2 * (north) + (east of the half's
 * median): P1 (4, 10) 1, P2 (1, 20) 0, P3 (3, 30) 1, P4 (2, 40) 0,
 * P5 (9, 50) 3, P6 (5, 60) 2, P7 (7, 70) 2 (7 <= 7 is west); background
 * B1 (0, 0) 0, B2 (10, 40) 1 (40 <= 40 is south), B3 (7, 40.5) 2,
 * B4 (100, -10) 1.
 */
static const double lon[11] = { 4, 1, 3, 2, 9, 5, 7, 0, 10, 7, 100 };
static const double lat[11] = { 10, 20, 30, 40, 50, 60, 70, 0, 40, 40.5,
    -10 };
static const double y[11] = { 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0 };
static const int want[11] = { 1, 0, 1, 0, 3, 2, 2, 0, 1, 2, 1 };

static int
folds(enum mare_cv_scheme scheme, const double *lo, const double *la,
    const double *yy, size_t n, int *fold, struct mare_err *err)
{
	struct mare_cv_opts o;
	double feat[11] = { 0 };

	mare_cv_opts_init(&o);
	o.scheme = scheme;
	o.grid = 1;
	mare_err_init(err);
	return mare_cv_folds(feat, 1, yy, lo, la, n, 1, &o, fold, err);
}

static void
test_block(void)
{
	struct mare_cv_opts o;
	struct mare_err err;
	double la[11], lo[11], yy[11];
	int fold[11], i, same = 1;
	enum mare_cv_scheme s;

	ok(mare_cv_scheme_parse("block", &s) == 0 && s == MARE_CV_BLOCK,
	    "cv: 'block' names the block scheme");
	is_str(mare_cv_scheme_name(MARE_CV_BLOCK), "block",
	    "cv: and the block scheme is named 'block'");
	mare_cv_opts_init(&o);
	o.scheme = MARE_CV_BLOCK;
	is_int(mare_cv_nfolds(&o, 11), 4, "cv: block makes 4 folds");

	is_int(folds(MARE_CV_BLOCK, lon, lat, y, 11, fold, &err), 0,
	    "cv: block folds of 7 presences and 4 background rows (%s)",
	    err.msg);
	for (i = 0; i < 11; i++)
		if (fold[i] != want[i]) {
			diag("row %d: fold %d, want %d", i + 1, fold[i],
			    want[i]);
			same = 0;
		}
	ok(same, "cv: block: each row in its hand-worked quadrant");

	ok(folds(MARE_CV_BLOCK, NULL, lat, y, 11, fold, &err) == -1 &&
	    err.code == MARE_E_DATA && strcmp(err.msg, "--cv-scheme block "
	    "needs lon and lat columns") == 0, "cv: block needs lon/lat");
	memcpy(la, lat, sizeof(la));
	la[2] = NAN;
	ok(folds(MARE_CV_BLOCK, lon, la, y, 11, fold, &err) == -1 &&
	    err.code == MARE_E_DATA && strcmp(err.msg, "row 3: lon/lat not "
	    "finite (needed by --cv-scheme block)") == 0,
	    "cv: block refuses a NaN latitude, naming the row");
	memcpy(lo, lon, sizeof(lo));
	lo[8] = INFINITY;
	ok(folds(MARE_CV_BLOCK, lo, lat, y, 11, fold, &err) == -1 &&
	    strcmp(err.msg, "row 9: lon/lat not finite (needed by "
	    "--cv-scheme block)") == 0,
	    "cv: block refuses an infinite background longitude too");

	/* all presences on one latitude: nothing lies north of the median */
	for (i = 0; i < 11; i++)
		la[i] = 12.5;
	ok(folds(MARE_CV_BLOCK, lon, la, y, 11, fold, &err) == -1 &&
	    err.code == MARE_E_DATA && strcmp(err.msg, "--cv-scheme block: "
	    "too few distinct presence latitudes") == 0,
	    "cv: block with one presence latitude is refused");

	/* the southern presences on one longitude: quadrant 2 is empty */
	memcpy(lo, lon, sizeof(lo));
	lo[0] = lo[1] = lo[2] = lo[3] = 3;
	ok(folds(MARE_CV_BLOCK, lo, lat, y, 11, fold, &err) == -1 &&
	    err.code == MARE_E_DATA && strcmp(err.msg, "--cv-scheme block: "
	    "fold 2 has no presence") == 0,
	    "cv: a block without a presence is named (fold 2)");

	/* no presence at all (found by this test: the median of no
	 * latitudes read before the buffer) */
	memset(yy, 0, sizeof(yy));
	ok(folds(MARE_CV_BLOCK, lon, lat, yy, 11, fold, &err) == -1 &&
	    err.code == MARE_E_DATA && strcmp(err.msg, "--cv-scheme block: "
	    "no presences") == 0, "cv: block without presences is refused");
}

static void
test_refusals(void)
{
	struct mare_cv_opts o;
	struct mare_err err;
	double la[11];
	int fold[11];

	ok(folds(MARE_CV_CHECKERBOARD, NULL, NULL, y, 11, fold, &err) == -1 &&
	    err.code == MARE_E_DATA && strcmp(err.msg, "--cv-scheme "
	    "checkerboard1 needs lon and lat columns") == 0,
	    "cv: checkerboard1 needs lon/lat");
	memcpy(la, lat, sizeof(la));
	la[1] = -INFINITY;
	ok(folds(MARE_CV_CHECKERBOARD2, lon, la, y, 11, fold, &err) == -1 &&
	    err.code == MARE_E_DATA && strcmp(err.msg, "row 2: lon/lat not "
	    "finite (needed by --cv-scheme checkerboard2)") == 0,
	    "cv: checkerboard2 refuses a non-finite latitude, naming the "
	    "row");
	ok(folds(MARE_CV_USER, lon, lat, y, 11, fold, &err) == -1 &&
	    err.code == MARE_E_USAGE && strcmp(err.msg, "--cv-scheme user "
	    "needs --folds-column") == 0, "cv: user folds need a column");
	mare_cv_opts_init(&o);
	is_int((long long)o.k, 5, "cv: 5 folds by default");
}

int
main(void)
{
	test_block();
	test_refusals();
	return tap_done();
}
