/*
 * svg.c - inline SVG primitives: numbers, escaping, viridis, axes
 *
 * See svg.h. Output goes straight to the caller's stream; nothing is
 * allocated here. Positions are rounded to a tenth of a pixel, which is
 * finer than any screen or printer needs and keeps the page small.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svg.h"

/* Entries round(i * 255 / 32) of matplotlib's 256-entry viridis table. */
static const double viridis[33][3] = {
	{ 0.267004, 0.004874, 0.329415 },	/*   0 */
	{ 0.277018, 0.050344, 0.375715 },	/*   8 */
	{ 0.282327, 0.094955, 0.417331 },	/*  16 */
	{ 0.282884, 0.135920, 0.453427 },	/*  24 */
	{ 0.278826, 0.175490, 0.483397 },	/*  32 */
	{ 0.270595, 0.214069, 0.507052 },	/*  40 */
	{ 0.258965, 0.251537, 0.524736 },	/*  48 */
	{ 0.244972, 0.287675, 0.537260 },	/*  56 */
	{ 0.229739, 0.322361, 0.545706 },	/*  64 */
	{ 0.214298, 0.355619, 0.551184 },	/*  72 */
	{ 0.199430, 0.387607, 0.554642 },	/*  80 */
	{ 0.185556, 0.418570, 0.556753 },	/*  88 */
	{ 0.172719, 0.448791, 0.557885 },	/*  96 */
	{ 0.160665, 0.478540, 0.558115 },	/* 104 */
	{ 0.149039, 0.508051, 0.557250 },	/* 112 */
	{ 0.137770, 0.537492, 0.554906 },	/* 120 */
	{ 0.127568, 0.566949, 0.550556 },	/* 128 */
	{ 0.121148, 0.592739, 0.544641 },	/* 135 */
	{ 0.120081, 0.622161, 0.534946 },	/* 143 */
	{ 0.130067, 0.651384, 0.521608 },	/* 151 */
	{ 0.153894, 0.680203, 0.504172 },	/* 159 */
	{ 0.191090, 0.708366, 0.482284 },	/* 167 */
	{ 0.239374, 0.735588, 0.455688 },	/* 175 */
	{ 0.296479, 0.761561, 0.424223 },	/* 183 */
	{ 0.360741, 0.785964, 0.387814 },	/* 191 */
	{ 0.430983, 0.808473, 0.346476 },	/* 199 */
	{ 0.506271, 0.828786, 0.300362 },	/* 207 */
	{ 0.585678, 0.846661, 0.249897 },	/* 215 */
	{ 0.668054, 0.861999, 0.196293 },	/* 223 */
	{ 0.751884, 0.874951, 0.143228 },	/* 231 */
	{ 0.835270, 0.886029, 0.102646 },	/* 239 */
	{ 0.916242, 0.896091, 0.100717 },	/* 247 */
	{ 0.993248, 0.906157, 0.143936 },	/* 255 */
};

void
mare_svg_escape(FILE *fp, const char *s)
{
	const unsigned char *p;

	if (s == NULL)
		return;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			if ((*p < 0x20 && *p != '\t' && *p != '\n') ||
			    *p == 0x7f)
				break;
			putc(*p, fp);
		}
	}
}

/* Remove trailing zeros of a fixed-point number in buf; "-0" to "0". */
static void
trim(char *buf)
{
	char *dot, *end, *e;

	e = strchr(buf, 'e');
	dot = strchr(buf, '.');
	if (dot != NULL && e == NULL) {
		end = buf + strlen(buf) - 1;
		while (end > dot && *end == '0')
			*end-- = '\0';
		if (end == dot)
			*end = '\0';
	}
	if (strcmp(buf, "-0") == 0)
		memmove(buf, buf + 1, 2);
}

char *
mare_svg_px(double v, char *buf, size_t size)
{
	if (!isfinite(v))
		v = 0;
	snprintf(buf, size, "%.1f", v);
	trim(buf);
	return buf;
}

char *
mare_svg_num(double v, int sig, char *buf, size_t size)
{
	char tmp[64], ex[16], *e, *m, *src, *dst;

	if (isnan(v)) {
		snprintf(buf, size, "NaN");
		return buf;
	}
	if (isinf(v)) {
		snprintf(buf, size, v > 0 ? "Inf" : "-Inf");
		return buf;
	}
	if (sig < 1)
		sig = 1;
	if (sig > 17)
		sig = 17;
	snprintf(tmp, sizeof(tmp), "%.*g", sig, v);
	e = strchr(tmp, 'e');
	if (e != NULL) {
		/* mantissa: drop trailing zeros; exponent: '+' and zeros */
		*e = '\0';
		m = tmp;
		trim(m);
		src = e + 1;
		dst = ex;
		if (*src == '-')
			*dst++ = *src;
		if (*src == '+' || *src == '-')
			src++;
		while (*src == '0' && src[1] != '\0')
			src++;
		while (*src != '\0' && dst < ex + sizeof(ex) - 1)
			*dst++ = *src++;
		*dst = '\0';
		snprintf(buf, size, "%se%s", m, ex);
		return buf;
	}
	/* %g drops trailing zeros already; only "-0" is left to fix. */
	snprintf(buf, size, "%s", strcmp(tmp, "-0") == 0 ? "0" : tmp);
	return buf;
}

void
mare_svg_viridis(double t, unsigned char rgb[3])
{
	double x, f;
	size_t k, c;
	long lo, hi;

	if (isnan(t) || t < 0)
		t = 0;
	if (t > 1)
		t = 1;
	x = t * 255;
	/* Anchor k sits at round(k * 255 / 32) of the table. */
	for (k = 0; k < 31; k++)
		if (x <= lround((double)(k + 1) * 255 / 32))
			break;
	lo = lround((double)k * 255 / 32);
	hi = lround((double)(k + 1) * 255 / 32);
	f = (x - (double)lo) / (double)(hi - lo);
	if (f < 0)
		f = 0;
	for (c = 0; c < 3; c++) {
		double v = viridis[k][c] + (viridis[k + 1][c] -
		    viridis[k][c]) * f;
		rgb[c] = (unsigned char)lround(v * 255);
	}
}

char *
mare_svg_viridis_hex(double t, char *buf, size_t size)
{
	unsigned char rgb[3];

	mare_svg_viridis(t, rgb);
	snprintf(buf, size, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
	return buf;
}

/* Heckbert's nice number: 1, 2, 5 or 10 times a power of ten. */
static double
nice(double x, int round)
{
	double e, f, nf;

	e = floor(log10(x));
	f = x / pow(10, e);
	if (round)
		nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
	else
		nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
	return nf * pow(10, e);
}

size_t
mare_svg_ticks(double lo, double hi, size_t n, double *out, double *step)
{
	double range, d, first, v;
	size_t k = 0, i;

	if (step != NULL)
		*step = 0;
	if (!isfinite(lo) || !isfinite(hi))
		return 0;
	if (hi < lo) {
		d = lo;
		lo = hi;
		hi = d;
	}
	if (hi - lo <= fabs(lo) * 1e-12 || hi == lo) {
		out[0] = lo;
		return 1;
	}
	if (n < 2)
		n = 2;
	if (n > MARE_SVG_MAX_TICKS)
		n = MARE_SVG_MAX_TICKS;
	range = nice(hi - lo, 0);
	d = nice(range / (double)(n - 1), 1);
	while ((hi - lo) / d + 1 > MARE_SVG_MAX_TICKS)
		d *= 2;
	first = ceil(lo / d - 1e-9) * d;
	for (i = 0; k < MARE_SVG_MAX_TICKS; i++) {
		v = first + (double)i * d;
		if (v > hi + d * 1e-9)
			break;
		if (fabs(v) < d * 1e-9)
			v = 0;
		out[k++] = v;
	}
	if (step != NULL)
		*step = d;
	return k;
}

double
mare_svg_axes_x(const struct mare_svg_axes *a, double x)
{
	if (a->x1 == a->x0)
		return a->left + a->width / 2;
	return a->left + (x - a->x0) / (a->x1 - a->x0) * a->width;
}

double
mare_svg_axes_y(const struct mare_svg_axes *a, double y)
{
	if (a->y1 == a->y0)
		return a->top + a->height / 2;
	return a->top + a->height - (y - a->y0) / (a->y1 - a->y0) *
	    a->height;
}

/* Significant digits that tell ticks of this step apart. */
static int
tick_digits(double v, double step)
{
	int d;

	if (step <= 0 || v == 0)
		return 6;
	d = (int)floor(log10(fabs(v))) - (int)floor(log10(step)) + 1;
	return d < 1 ? 1 : d > 15 ? 15 : d;
}

void
mare_svg_axes_draw(FILE *fp, const struct mare_svg_axes *a,
    const char *xlabel, const char *ylabel)
{
	double t[MARE_SVG_MAX_TICKS], step, p;
	char b1[32], b2[32], b3[32], b4[32], lab[32];
	size_t n, i;

	fprintf(fp, "<g class=\"axes\" font-size=\"12\">");
	fprintf(fp, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" "
	    "fill=\"none\" stroke=\"#555\"/>",
	    mare_svg_px(a->left, b1, sizeof(b1)),
	    mare_svg_px(a->top, b2, sizeof(b2)),
	    mare_svg_px(a->width, b3, sizeof(b3)),
	    mare_svg_px(a->height, b4, sizeof(b4)));
	n = mare_svg_ticks(a->x0, a->x1, 6, t, &step);
	for (i = 0; i < n; i++) {
		p = mare_svg_axes_x(a, t[i]);
		fprintf(fp, "<path d=\"M%s %sv%s\" stroke=\"#ddd\"/>",
		    mare_svg_px(p, b1, sizeof(b1)),
		    mare_svg_px(a->top, b2, sizeof(b2)),
		    mare_svg_px(a->height, b3, sizeof(b3)));
		fprintf(fp, "<path d=\"M%s %sv5\" stroke=\"#555\"/>",
		    mare_svg_px(p, b1, sizeof(b1)),
		    mare_svg_px(a->top + a->height, b2, sizeof(b2)));
		mare_svg_text(fp, p, a->top + a->height + 18, "middle", 12,
		    mare_svg_num(t[i], tick_digits(t[i], step), lab,
		    sizeof(lab)));
	}
	n = mare_svg_ticks(a->y0, a->y1, 5, t, &step);
	for (i = 0; i < n; i++) {
		p = mare_svg_axes_y(a, t[i]);
		fprintf(fp, "<path d=\"M%s %sh%s\" stroke=\"#ddd\"/>",
		    mare_svg_px(a->left, b1, sizeof(b1)),
		    mare_svg_px(p, b2, sizeof(b2)),
		    mare_svg_px(a->width, b3, sizeof(b3)));
		fprintf(fp, "<path d=\"M%s %sh5\" stroke=\"#555\"/>",
		    mare_svg_px(a->left - 5, b1, sizeof(b1)),
		    mare_svg_px(p, b2, sizeof(b2)));
		mare_svg_text(fp, a->left - 8, p + 4, "end", 12,
		    mare_svg_num(t[i], tick_digits(t[i], step), lab,
		    sizeof(lab)));
	}
	if (xlabel != NULL)
		mare_svg_text(fp, a->left + a->width / 2,
		    a->top + a->height + 38, "middle", 13, xlabel);
	if (ylabel != NULL) {
		fprintf(fp, "<text transform=\"translate(%s %s) rotate(-90)\" "
		    "text-anchor=\"middle\" font-size=\"13\">",
		    mare_svg_px(a->left - 52, b1, sizeof(b1)),
		    mare_svg_px(a->top + a->height / 2, b2, sizeof(b2)));
		mare_svg_escape(fp, ylabel);
		fputs("</text>", fp);
	}
	fputs("</g>", fp);
}

void
mare_svg_open(FILE *fp, double width, double height, const char *title)
{
	char b1[32], b2[32];

	mare_svg_px(width, b1, sizeof(b1));
	mare_svg_px(height, b2, sizeof(b2));
	fprintf(fp, "<svg viewBox=\"0 0 %s %s\" width=\"%s\" height=\"%s\" "
	    "role=\"img\"", b1, b2, b1, b2);
	if (title != NULL) {
		fputs(" aria-label=\"", fp);
		mare_svg_escape(fp, title);
		fputs("\"><title>", fp);
		mare_svg_escape(fp, title);
		fputs("</title>", fp);
	} else
		fputs(">", fp);
}

void
mare_svg_close(FILE *fp)
{
	fputs("</svg>", fp);
}

void
mare_svg_text(FILE *fp, double x, double y, const char *anchor,
    double size, const char *text)
{
	char b1[32], b2[32], b3[32];

	fprintf(fp, "<text x=\"%s\" y=\"%s\"", mare_svg_px(x, b1, sizeof(b1)),
	    mare_svg_px(y, b2, sizeof(b2)));
	if (anchor != NULL && strcmp(anchor, "start") != 0) {
		fputs(" text-anchor=\"", fp);
		mare_svg_escape(fp, anchor);
		putc('"', fp);
	}
	fprintf(fp, " font-size=\"%s\">", mare_svg_px(size, b3, sizeof(b3)));
	mare_svg_escape(fp, text);
	fputs("</text>", fp);
}

void
mare_svg_rect(FILE *fp, double x, double y, double w, double h,
    const char *fill)
{
	char b1[32], b2[32], b3[32], b4[32];

	fprintf(fp, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" "
	    "fill=\"", mare_svg_px(x, b1, sizeof(b1)),
	    mare_svg_px(y, b2, sizeof(b2)), mare_svg_px(w, b3, sizeof(b3)),
	    mare_svg_px(h, b4, sizeof(b4)));
	mare_svg_escape(fp, fill);
	fputs("\"/>", fp);
}

void
mare_svg_polyline(FILE *fp, const struct mare_svg_axes *a,
    const double *x, const double *y, size_t n, const char *stroke,
    double width)
{
	char b1[32], b2[32];
	size_t i;
	int open = 0;

	for (i = 0; i < n; i++) {
		if (!isfinite(x[i]) || !isfinite(y[i])) {
			if (open)
				fputs("\"/>", fp);
			open = 0;
			continue;
		}
		if (!open) {
			fputs("<polyline fill=\"none\" stroke=\"", fp);
			mare_svg_escape(fp, stroke);
			fprintf(fp, "\" stroke-width=\"%s\" "
			    "stroke-linejoin=\"round\" points=\"",
			    mare_svg_px(width, b1, sizeof(b1)));
			open = 1;
		} else
			putc(' ', fp);
		fprintf(fp, "%s,%s",
		    mare_svg_px(mare_svg_axes_x(a, x[i]), b1, sizeof(b1)),
		    mare_svg_px(mare_svg_axes_y(a, y[i]), b2, sizeof(b2)));
	}
	if (open)
		fputs("\"/>", fp);
}

static int
inside(double v, double a, double b)
{
	return a <= b ? v >= a && v <= b : v >= b && v <= a;
}

size_t
mare_svg_points(FILE *fp, const struct mare_svg_axes *a, const double *x,
    const double *y, size_t n, double r, const char *fill,
    const char *stroke)
{
	char b1[32], b2[32], b3[32];
	size_t i, k = 0;

	mare_svg_px(r, b3, sizeof(b3));
	fputs("<g fill=\"", fp);
	mare_svg_escape(fp, fill);
	fputs("\" stroke=\"", fp);
	mare_svg_escape(fp, stroke);
	fputs("\" stroke-width=\"1\">", fp);
	for (i = 0; i < n; i++) {
		if (!isfinite(x[i]) || !isfinite(y[i]) ||
		    !inside(x[i], a->x0, a->x1) || !inside(y[i], a->y0, a->y1))
			continue;
		fprintf(fp, "<circle cx=\"%s\" cy=\"%s\" r=\"%s\"/>",
		    mare_svg_px(mare_svg_axes_x(a, x[i]), b1, sizeof(b1)),
		    mare_svg_px(mare_svg_axes_y(a, y[i]), b2, sizeof(b2)),
		    b3);
		k++;
	}
	fputs("</g>", fp);
	return k;
}

void
mare_svg_legend(FILE *fp, double x, double y, double w, double h,
    double lo, double hi, const char *title)
{
	double t[MARE_SVG_MAX_TICKS], step, p;
	char col[8], lab[32];
	size_t i, n, steps = 64;

	fputs("<g class=\"legend\">", fp);
	if (title != NULL)
		mare_svg_text(fp, x, y - 6, "start", 12, title);
	for (i = 0; i < steps; i++)
		mare_svg_rect(fp, x + w * (double)i / (double)steps, y,
		    w / (double)steps + 0.5, h,
		    mare_svg_viridis_hex(((double)i + 0.5) / (double)steps,
		    col, sizeof(col)));
	n = mare_svg_ticks(lo, hi, 5, t, &step);
	for (i = 0; i < n; i++) {
		p = hi > lo ? x + (t[i] - lo) / (hi - lo) * w : x;
		mare_svg_rect(fp, p - 0.5, y + h, 1, 4, "#555");
		mare_svg_text(fp, p, y + h + 16, "middle", 12,
		    mare_svg_num(t[i], tick_digits(t[i], step), lab,
		    sizeof(lab)));
	}
	fputs("</g>", fp);
}
