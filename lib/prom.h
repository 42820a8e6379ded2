/*
 * prom.h - counters and gauges in the Prometheus text exposition format
 *
 * A cron job is monitored without a server by writing a .prom file that
 * node_exporter's textfile collector reads; mare_prom_save() writes it
 * atomically, so the collector never sees half a file. Samples keep the
 * order in which their metric names were first set; a metric's HELP and
 * TYPE lines are written once, before its first sample.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_PROM_H
#define MARE_PROM_H

#include <stdio.h>

#include "err.h"

enum mare_prom_type {
	MARE_PROM_COUNTER,
	MARE_PROM_GAUGE
};

struct mare_prom;

/* Lifecycle */
struct mare_prom *mare_prom_new(struct mare_err *err);
void	mare_prom_free(struct mare_prom *p);

/*
 * Set (replace) or add to the sample name{labels}. labels is the text
 * between the braces, e.g. "rule=\"zero_coordinates\"", or NULL. A name
 * that is not [a-zA-Z_:][a-zA-Z0-9_:]* is MARE_E_INTERNAL.
 */
int	mare_prom_set(struct mare_prom *p, const char *name,
	    enum mare_prom_type type, const char *help, const char *labels,
	    double value, struct mare_err *err);
int	mare_prom_add(struct mare_prom *p, const char *name,
	    enum mare_prom_type type, const char *help, const char *labels,
	    double delta, struct mare_err *err);

/* Writing */
int	mare_prom_write(const struct mare_prom *p, FILE *fp,
	    struct mare_err *err);
/* Write to path atomically (see io.h). */
int	mare_prom_save(const struct mare_prom *p, const char *path,
	    struct mare_err *err);

#endif /* MARE_PROM_H */
