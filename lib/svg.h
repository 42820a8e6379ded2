/*
 * svg.h - inline SVG primitives for self-contained HTML reports
 *
 * Everything here writes SVG elements as text to a stdio stream, meant to
 * be embedded in an HTML5 page (inline <svg>, no xmlns needed, no external
 * reference of any kind). Callers check the stream's error state once at
 * the end (ferror(), or mare_out_commit() for an output file): the
 * functions themselves return nothing but what they compute.
 *
 * Numbers are printed compactly: pixel positions with at most one
 * decimal ("12.5", "3", never "-0"), data values with a chosen number of
 * significant digits ("0.7324", "1e-05"). Every text that reaches the
 * output goes through mare_svg_escape(), which escapes the five XML
 * specials and drops control characters that HTML and XML forbid.
 *
 * Axes map data coordinates to the pixels of a plot box; ticks sit at
 * "nice" steps of 1, 2 or 5 times a power of ten (Heckbert, "Nice numbers
 * for graph labels", Graphics Gems, 1990), labelled in data units.
 *
 * Colour: viridis (van der Walt and Smith, 2015), the perceptually uniform
 * colour-blind-safe map of matplotlib. mare keeps 33 entries of the
 * published 256-entry table (matplotlib's _cm_listed.py, CC0; entries
 * round(i * 255 / 32), i = 0..32) and interpolates linearly between them:
 * within 1.7/255 of the full table in every channel, exact at the 33
 * entries kept.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_SVG_H
#define MARE_SVG_H

#include <stddef.h>
#include <stdio.h>

#define MARE_SVG_MAX_TICKS	16	/* at most this many ticks per axis */

/* Text */

/*
 * Write s with &, <, >, " and ' escaped, and C0 control characters other
 * than tab and newline dropped (XML forbids them). NULL writes nothing.
 * Safe for element text and for attribute values.
 */
void	mare_svg_escape(FILE *fp, const char *s);

/*
 * Format a pixel position with at most one decimal: "12.5", "3", "0"
 * (never "-0"). buf holds at least 32 bytes. Returns buf.
 */
char	*mare_svg_px(double v, char *buf, size_t size);
/*
 * Format a data value with at most sig (1..17) significant digits, no
 * trailing zeros, short exponents ("1e-05" becomes "1e-5"); "-0" becomes
 * "0"; NaN and infinities give "NaN", "Inf", "-Inf". Returns buf.
 */
char	*mare_svg_num(double v, int sig, char *buf, size_t size);

/* Colour */

/* viridis at t in [0, 1] (clamped; NaN gives 0) as 8-bit RGB. */
void	mare_svg_viridis(double t, unsigned char rgb[3]);
/* The same as "#rrggbb" into buf (at least 8 bytes). Returns buf. */
char	*mare_svg_viridis_hex(double t, char *buf, size_t size);

/* Ticks and axes */

/*
 * Nice tick positions covering [lo, hi] with about n (2..MARE_SVG_MAX_TICKS)
 * ticks, all inside [lo, hi]: writes up to MARE_SVG_MAX_TICKS values to
 * out and returns their count; *step (may be NULL) gets the step. A
 * degenerate or non-finite range gives the single tick lo (or none).
 */
size_t	mare_svg_ticks(double lo, double hi, size_t n, double *out,
	    double *step);

struct mare_svg_axes {
	double	x0, x1;		/* data range shown, left to right */
	double	y0, y1;		/* data range shown, bottom to top */
	double	left, top;	/* plot box in pixels */
	double	width, height;
};

/* Pixel position of data x (or y) in the plot box; no clamping. */
double	mare_svg_axes_x(const struct mare_svg_axes *a, double x);
double	mare_svg_axes_y(const struct mare_svg_axes *a, double y);

/*
 * Draw the frame of the plot box, light grid lines and labelled ticks on
 * the bottom and left sides, and the axis titles (xlabel below, ylabel
 * turned along the left side; either may be NULL).
 */
void	mare_svg_axes_draw(FILE *fp, const struct mare_svg_axes *a,
	    const char *xlabel, const char *ylabel);

/* Elements */

/*
 * Open an <svg> of width x height pixels that scales down with the page
 * (viewBox), with an accessible name (title, escaped; may be NULL).
 */
void	mare_svg_open(FILE *fp, double width, double height,
	    const char *title);
void	mare_svg_close(FILE *fp);

/* text at (x, y); anchor "start", "middle" or "end"; size in pixels. */
void	mare_svg_text(FILE *fp, double x, double y, const char *anchor,
	    double size, const char *text);
/* A filled rectangle; fill is a colour such as "#21918c". */
void	mare_svg_rect(FILE *fp, double x, double y, double w, double h,
	    const char *fill);
/*
 * A line through the n data points (x[i], y[i]) of the axes a. A
 * non-finite point breaks the line into separate <polyline>s.
 */
void	mare_svg_polyline(FILE *fp, const struct mare_svg_axes *a,
	    const double *x, const double *y, size_t n, const char *stroke,
	    double width);
/*
 * Circles of radius r at the n data points (points outside the axes'
 * ranges or non-finite are skipped). Returns the number drawn.
 */
size_t	mare_svg_points(FILE *fp, const struct mare_svg_axes *a,
	    const double *x, const double *y, size_t n, double r,
	    const char *fill, const char *stroke);
/*
 * A horizontal viridis colour bar at (x, y) of w x h pixels for values
 * lo..hi, with nice ticks labelled below and title (may be NULL) above.
 */
void	mare_svg_legend(FILE *fp, double x, double y, double w, double h,
	    double lo, double hi, const char *title);

#endif /* MARE_SVG_H */
