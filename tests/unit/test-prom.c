/*
 * test-prom.c - Prometheus text format
 *
 * The expected text follows the exposition format document of Prometheus
 * ("Text-based format": HELP, TYPE, then samples, one per line).
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "prom.h"
#include "tap.h"

int
main(void)
{
	struct mare_err err;
	struct mare_prom *p;
	char path[600], buf[1024];
	FILE *fp;
	size_t n;

	mare_err_init(&err);
	p = mare_prom_new(&err);
	mare_prom_add(p, "mare_records_total", MARE_PROM_COUNTER,
	    "records read", "result=\"passed\"", 10, &err);
	mare_prom_add(p, "mare_run_seconds", MARE_PROM_GAUGE, "time", NULL,
	    1.5, &err);
	mare_prom_add(p, "mare_records_total", MARE_PROM_COUNTER,
	    "records read", "result=\"rejected\"", 2, &err);
	mare_prom_add(p, "mare_records_total", MARE_PROM_COUNTER,
	    "records read", "result=\"passed\"", 5, &err);
	mare_prom_set(p, "mare_nan", MARE_PROM_GAUGE, "not a number", NULL,
	    NAN, &err);
	ok(!mare_err_failed(&err), "prom: valid samples are accepted");
	is_int(mare_prom_set(p, "bad-name", MARE_PROM_GAUGE, "x", NULL, 1,
	    &err), -1, "prom: a name with a dash is refused");

	snprintf(path, sizeof(path), "%s/m.prom", tap_tmpdir());
	mare_err_init(&err);
	is_int(mare_prom_save(p, path, &err), 0, "prom: saved atomically");
	fp = fopen(path, "r");
	n = fp != NULL ? fread(buf, 1, sizeof(buf) - 1, fp) : 0;
	buf[n] = '\0';
	if (fp != NULL)
		fclose(fp);
	is_str(buf,
	    "# HELP mare_records_total records read\n"
	    "# TYPE mare_records_total counter\n"
	    "mare_records_total{result=\"passed\"} 15\n"
	    "mare_records_total{result=\"rejected\"} 2\n"
	    "# HELP mare_run_seconds time\n"
	    "# TYPE mare_run_seconds gauge\n"
	    "mare_run_seconds 1.5\n"
	    "# HELP mare_nan not a number\n"
	    "# TYPE mare_nan gauge\n"
	    "mare_nan NaN\n",
	    "prom: samples grouped by name under one HELP and TYPE");
	mare_prom_free(p);
	mare_prom_free(NULL);
	ok(1, "prom: freeing NULL is a no-op");

	/* infinities, and one name with and without labels */
	p = mare_prom_new(&err);
	mare_err_init(&err);
	mare_prom_set(p, "up", MARE_PROM_GAUGE, "u", NULL, INFINITY, &err);
	mare_prom_set(p, "up", MARE_PROM_GAUGE, "u", "a=\"1\"", -INFINITY,
	    &err);
	mare_prom_add(p, "up", MARE_PROM_GAUGE, "u", NULL, 1, &err);
	ok(!mare_err_failed(&err), "prom: infinite samples are accepted");
	fp = tmpfile();
	is_int(mare_prom_write(p, fp, &err), 0, "prom: written");
	rewind(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	is_str(buf, "# HELP up u\n# TYPE up gauge\nup +Inf\n"
	    "up{a=\"1\"} -Inf\n", "prom: +Inf and -Inf as the text format "
	    "writes them; the unlabelled sample is one sample");
	/* a stream that cannot be written */
	fp = fopen(tap_tmpdir(), "r");
	mare_err_init(&err);
	ok(fp != NULL && mare_prom_write(p, fp, &err) == -1 &&
	    err.code == MARE_E_IO && strcmp(err.msg, "write error") == 0,
	    "prom: a write error is MARE_E_IO");
	if (fp != NULL)
		fclose(fp);
	mare_prom_free(p);
	return tap_done();
}
