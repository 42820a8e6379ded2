/*
 * report.h - one self-contained HTML page (or a text or JSON summary) of a
 * model, its map, its occurrences, a drift check and a validation summary
 *
 * The caller loads what it has (every input is optional) into a struct
 * mare_report_in and asks for one of three renderings:
 *
 *   html  one HTML5 file: inline CSS and inline SVG, no script, no external
 *         font, image or link, so it opens from a file with no network,
 *         prints (one section per page where it fits), and reflows on a
 *         phone. Colours: viridis for the map, and the blue/orange pair of
 *         the Okabe-Ito palette for curves and points (colour-blind safe).
 *   text  the summary for a terminal: aligned tables, a sparkline per
 *         response curve.
 *   json  the numbers only, one object.
 *
 * Sections appear for the inputs given: summary, cross-validation, ROC
 * curves, tuning table, response curves, variable importance (model);
 * suitability maps (maps, with presences from occurrences); validation;
 * drift; provenance (always: this report's inputs with their SHA-256, and
 * the model's own provenance).
 *
 * ROC curves, importance and tuning come from optional keys of the model
 * file that prediction does not need (see mare-model(5) and
 * mare_report_model_check()); an absent or null key leaves its section
 * out (the ROC section says when the cross-validated curve is missing).
 * The ROC chart draws both curves on one square plot with the chance
 * diagonal, the AUC of each in the legend; importance is a horizontal bar
 * chart sorted by permutation importance (the model's own contribution
 * beside it when known); the tuning table marks the selected row.
 *
 * Response curves follow maxnet's response.plot(): one variable runs over
 * its training range (MARE_REPORT_CURVE_POINTS points), the others sit at
 * their training mean (a categorical variable at its first level), and the
 * prediction is the model's default output type, clamped.
 *
 * The map is downsampled to at most map_width blocks across by averaging
 * the valid cells of each b x b block of cells (b = ceil(ncols /
 * map_width)); a block without a valid cell stays transparent. Each block
 * is one <rect>, except that runs of blocks of one colour within a row are
 * merged into one. Colours map the range of the valid cells onto viridis,
 * quantised to 256 levels.
 *
 * Drift and validation files are read as generic JSON objects, tolerant of
 * their layout (see mare-report(1) for the shapes recognised). A "format"
 * key, when present, must be "mare-drift" (resp. "mare-validate") and a
 * "version" key must have major version 1; anything else is refused.
 *
 * Ownership: the report borrows everything in struct mare_report_in; the
 * occurrence set and downsampled map belong to the caller (release them).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_REPORT_H
#define MARE_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "err.h"
#include "grid.h"
#include "model.h"

#define MARE_REPORT_CURVE_POINTS 101	/* points per response curve */
#define MARE_REPORT_MAP_WIDTH	600	/* default map width in blocks */
#define MARE_REPORT_MAX_JSON	(64UL << 20)	/* bytes of drift JSON */
#define MARE_REPORT_MAX_MAPS	4	/* maps in one report */

/* Occurrence points (lon, lat) read from JSON Lines. */
struct mare_report_occ {
	size_t	 n;		/* points kept */
	size_t	 in;		/* records read */
	size_t	 skipped;	/* records without usable coordinates */
	double	*lon;		/* n values, owned */
	double	*lat;
	char	*species;	/* first scientificName seen, or NULL */
};

/*
 * Read the records of a JSON Lines file (path "-" or NULL: stdin). A
 * record's point is decimalLongitude/decimalLatitude (or lon/lat), finite
 * and within [-180, 360] x [-90, 90]; records without one are counted in
 * skipped. Returns 0, or -1 with MARE_E_NOINPUT, MARE_E_DATA for a line
 * that is not a JSON object ("occ.jsonl:3: ..."), MARE_E_NOMEM.
 */
int	mare_report_occ_load(const char *path, struct mare_report_occ *o,
	    struct mare_err *err);
void	mare_report_occ_release(struct mare_report_occ *o);

/* A grid downsampled by block averaging. */
struct mare_report_map {
	size_t	 ncols, nrows;	/* blocks */
	size_t	 block;		/* cells per block side */
	double	 xll, yll;	/* as the grid's */
	double	 xmax, ymax;	/* extent of the grid (not of the blocks) */
	double	 bsize;		/* block side in map units */
	float	*v;		/* ncols * nrows, row 0 north; NaN: empty */
	size_t	 nvalid;	/* valid cells of the grid */
	double	 min, max, mean;	/* over the valid cells */
};

/*
 * Downsample g to at most width (>= 1) blocks across. Returns 0, or -1
 * with MARE_E_DATA (no valid cell) or MARE_E_NOMEM.
 */
int	mare_report_map_make(const struct mare_grid *g, size_t width,
	    struct mare_report_map *m, struct mare_err *err);
void	mare_report_map_release(struct mare_report_map *m);

/*
 * The response curve of variable var of model m: npts values x (from the
 * variable's training min to max; for a categorical variable its levels,
 * npts then at least nlevels) and the predictions y. Returns the number of
 * points written, or -1 with the errors of mare_model_predict().
 */
long	mare_report_curve(const struct mare_model *m, size_t var,
	    size_t npts, double *x, double *y, struct mare_err *err);

/*
 * Read a drift (what "mare-drift") or validation (what "mare-validate")
 * JSON file. Returns a new reference, or NULL with MARE_E_NOINPUT,
 * MARE_E_DATA ("d.json:3:7: syntax error ..."; "d.json: expected a JSON
 * object"; "d.json: format 'x' is not mare-drift"; "d.json: version '2.0'
 * is not supported (major version 1 is)").
 */
json_t	*mare_report_json_load(const char *path, const char *what,
	    struct mare_err *err);

/*
 * Check the report's optional keys of a parsed model file (src names it
 * in messages), naming the JSON path of the first problem:
 *   roc         null, or an object whose "train" and "cv" are each null
 *               or {"auc": a, "fpr": [...], "tpr": [...]}: a in [0, 1],
 *               fpr and tpr of one length >= 2, values in [0, 1];
 *   importance  null, or an array of {"variable": string, "permutation":
 *               number, "contribution": number or null};
 *   tuning      null, or {"metric": string, "selected": index into rows,
 *               "rows": [ {"regmult": number, "features": string, and
 *               "auc_val_mean", "auc_val_sd", "auc_train", "aicc": number
 *               or null, "nonzero": integer >= 0, "converged": boolean} ]}
 *               (the number keys may be missing: shown as a dash).
 * Returns 0, or -1 with MARE_E_DATA: "m.json: $.roc.cv.tpr: 12 values but
 * $.roc.cv.fpr has 13"; "m.json: $.roc.train.auc: 1.2 is outside [0, 1]".
 */
int	mare_report_model_check(const json_t *mj, const char *src,
	    struct mare_err *err);
/*
 * Read a model file once (path "-" or NULL: stdin) into a model
 * (mare_model_from_json()) and its parsed JSON, checked by
 * mare_report_model_check(). Both belong to the caller. Returns 0, or -1
 * with the errors of mare_model_load() and of the check.
 */
int	mare_report_model_load(const char *path, struct mare_model **m,
	    json_t **mj, struct mare_err *err);

/* One input of the report. path NULL: the input was not given. */
struct mare_report_src {
	const char *path;
	char	 sha256[65];	/* "" when unknown */
};

struct mare_report_in {
	const char		*title;		/* NULL: a default */
	const struct mare_model	*model;
	const json_t		*model_json;	/* the parsed file, or NULL */
	/*
	 * Maps (a present-day map and its projections): each gets its
	 * figure, all on one colour scale, the range of all their valid
	 * cells, so that they compare.
	 */
	const struct mare_report_map *maps[MARE_REPORT_MAX_MAPS];
	const char		*map_names[MARE_REPORT_MAX_MAPS]; /* layers */
	size_t			 nmaps;
	const struct mare_report_occ *occ;
	const json_t		*drift;
	const json_t		*validation;
	struct mare_report_src	 src_model, src_maps[MARE_REPORT_MAX_MAPS],
				 src_occ, src_drift, src_validation;
	/*
	 * This run's provenance; html embeds it whole, entity-escaped, in
	 * <meta name="mare-provenance" content="{...}"> (for mare lineage)
	 * and shows it but its "inputs".
	 */
	const json_t		*prov;
};

/*
 * Render the report to fp. Return 0, or -1 with the errors of
 * mare_report_curve() and MARE_E_NOMEM. Write errors show in ferror(fp).
 */
int	mare_report_html(const struct mare_report_in *in, FILE *fp,
	    struct mare_err *err);
int	mare_report_text(const struct mare_report_in *in, FILE *fp,
	    struct mare_err *err);
/* The numbers as a new JSON object, or NULL with err set. */
json_t	*mare_report_json(const struct mare_report_in *in,
	    struct mare_err *err);

/*
 * A sparkline of the n values (UTF-8 block characters, one per value,
 * scaled from min to max; non-finite values are a space) into buf.
 * Returns buf (truncated to whole characters when size is small).
 */
char	*mare_report_sparkline(const double *v, size_t n, char *buf,
	    size_t size);

#endif /* MARE_REPORT_H */
