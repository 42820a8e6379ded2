/*
 * test-svg.c - unit tests of lib/svg.c: numbers, escaping, viridis, ticks
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"
#include "tap.h"

static char *
capture_escape(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	mare_svg_escape(fp, s);
	fclose(fp);
	return buf;
}

static int
count(const char *s, const char *what)
{
	int n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

static void
test_more(void)
{
	struct mare_svg_axes flat = { 3, 3, 5, 5, 10, 20, 100, 40 };
	double t[16], step, x[5] = { 0, 1, NAN, 3, 4 }, y[5] = { 0, 1, 2, 3,
	    4 };
	char buf[32], *text = NULL;
	size_t n, len = 0;
	FILE *fp;

	is_str(mare_svg_num(INFINITY, 3, buf, sizeof(buf)), "Inf",
	    "svg: Inf");
	is_str(mare_svg_num(-INFINITY, 3, buf, sizeof(buf)), "-Inf",
	    "svg: -Inf");
	is_str(mare_svg_px(NAN, buf, sizeof(buf)), "0", "svg: a NaN pixel "
	    "position is 0");
	/* viridis's ends, clamped */
	is_str(mare_svg_viridis_hex(2, buf, sizeof(buf)), "#fde725",
	    "svg: above 1 is viridis's last colour");
	is_str(mare_svg_viridis_hex(-1, buf, sizeof(buf)), "#440154",
	    "svg: below 0 is viridis's first colour");
	/*
	 * [10, 0] is [0, 10]: nice(10) = 10, nice(10 / 4 = 2.5, rounded)
	 * = 2, so 0, 2, ..., 10
	 */
	n = mare_svg_ticks(10, 0, 5, t, &step);
	ok(n == 6 && t[0] == 0 && t[5] == 10 && step == 2,
	    "svg: ticks of a reversed range: 0 to 10 by 2");
	/*
	 * [0, 1] with 16: nice(1 / 15, rounded) = 0.05 gives 21 ticks,
	 * over 16, so the step doubles to 0.1: 11 ticks
	 */
	n = mare_svg_ticks(0, 1, 16, t, &step);
	ok(n == 11 && fabs(step - 0.1) < 1e-15 && t[10] == 1.0,
	    "svg: 16 ticks asked on [0, 1]: the step doubles to 0.1, 11 "
	    "ticks");
	is_double(mare_svg_axes_x(&flat, 7), 10 + 100 / 2.0, 0, "svg: an "
	    "empty x range puts every x in the middle");
	is_double(mare_svg_axes_y(&flat, 7), 20 + 40 / 2.0, 0, "svg: an "
	    "empty y range puts every y in the middle");
	/* a NaN breaks the line in two */
	fp = open_memstream(&text, &len);
	mare_svg_polyline(fp, &flat, x, y, 5, "#000", 1);
	fclose(fp);
	is_int(count(text, "<polyline"), 2, "svg: a NaN splits a line into "
	    "two polylines");
	is_int(count(text, "\"/>"), 2, "svg: each closed");
	free(text);
}

int
main(void)
{
	char b[64], *s;
	double t[MARE_SVG_MAX_TICKS], step;
	unsigned char rgb[3];
	size_t n;

	is_str(mare_svg_px(12.5, b, sizeof(b)), "12.5", "px keeps one decimal");
	is_str(mare_svg_px(3.0, b, sizeof(b)), "3", "px drops .0");
	is_str(mare_svg_px(-0.01, b, sizeof(b)), "0", "px never -0");
	is_str(mare_svg_px(-2.25, b, sizeof(b)), "-2.2", "px rounds half even");
	is_str(mare_svg_num(0.73235495, 4, b, sizeof(b)), "0.7324", "num 4");
	is_str(mare_svg_num(1e-05, 6, b, sizeof(b)), "1e-5", "short exponent");
	is_str(mare_svg_num(2.5e+12, 3, b, sizeof(b)), "2.5e12", "exp +");
	is_str(mare_svg_num(-0.0, 3, b, sizeof(b)), "0", "num -0");
	is_str(mare_svg_num(NAN, 3, b, sizeof(b)), "NaN", "num NaN");
	is_str(mare_svg_num(100, 6, b, sizeof(b)), "100", "num integer");

	s = capture_escape("<script>\"a\" & 'b'</script>\x01\x7f\tok");
	is_str(s, "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;"
	    "&lt;/script&gt;\tok", "escape specials, drop controls");
	free(s);

	is_str(mare_svg_viridis_hex(0, b, sizeof(b)), "#440154", "viridis 0");
	is_str(mare_svg_viridis_hex(1, b, sizeof(b)), "#fde725", "viridis 1");
	is_str(mare_svg_viridis_hex(128 / 255.0, b, sizeof(b)), "#21918c",
	    "viridis entry 128");
	is_str(mare_svg_viridis_hex(64 / 255.0, b, sizeof(b)), "#3b528b",
	    "viridis entry 64");
	mare_svg_viridis(192 / 255.0, rgb);
	ok(abs(rgb[0] - 0x5e) <= 2 && abs(rgb[1] - 0xc9) <= 2 &&
	    abs(rgb[2] - 0x62) <= 2, "viridis entry 192 within 2/255");
	is_str(mare_svg_viridis_hex(-3, b, sizeof(b)), "#440154", "clamped");
	is_str(mare_svg_viridis_hex(NAN, b, sizeof(b)), "#440154", "NaN");

	n = mare_svg_ticks(0, 1, 6, t, &step);
	is_int((long long)n, 6, "ticks 0..1: 6");
	is_double(step, 0.2, 1e-12, "step 0.2");
	is_double(t[5], 1, 1e-12, "last tick 1");
	n = mare_svg_ticks(25.06, 28.5, 6, t, &step);
	is_int((long long)n, 3, "ticks 25.06..28.5: 26, 27, 28");
	is_double(t[0], 26, 1e-12, "first tick 26");
	is_double(step, 1, 1e-12, "step 1");
	n = mare_svg_ticks(-0.3, 0.3, 5, t, NULL);
	is_double(t[1], 0, 0, "zero is exactly 0");
	is_int((long long)mare_svg_ticks(5, 5, 5, t, NULL), 1, "degenerate");
	is_int((long long)mare_svg_ticks(NAN, 5, 5, t, NULL), 0, "NaN");
	test_more();
	return tap_done();
}
