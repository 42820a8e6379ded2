/*
 * prom.c - Prometheus text format writer
 *
 * A handful of samples per run, so a flat array searched linearly is all
 * the structure needed.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io.h"
#include "jsonl.h"
#include "prom.h"

struct sample {
	char			*name;
	char			*labels;	/* NULL when none */
	char			*help;
	enum mare_prom_type	 type;
	double			 value;
};

struct mare_prom {
	struct sample	*s;
	size_t		 n, cap;
};

struct mare_prom *
mare_prom_new(struct mare_err *err)
{
	struct mare_prom *p = calloc(1, sizeof(*p));

	if (p == NULL)
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return p;
}

void
mare_prom_free(struct mare_prom *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->s[i].name);
		free(p->s[i].labels);
		free(p->s[i].help);
	}
	free(p->s);
	free(p);
}

static int
valid_name(const char *name)
{
	const char *c;

	if (name == NULL || *name == '\0' || (*name >= '0' && *name <= '9'))
		return 0;
	for (c = name; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '_' || *c == ':'))
			return 0;
	return 1;
}

static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static struct sample *
find_or_add(struct mare_prom *p, const char *name, enum mare_prom_type type,
    const char *help, const char *labels, struct mare_err *err)
{
	struct sample *s;
	size_t i;

	if (!valid_name(name)) {
		mare_err_set(err, MARE_E_INTERNAL, "invalid metric name '%s'",
		    name != NULL ? name : "");
		return NULL;
	}
	for (i = 0; i < p->n; i++)
		if (strcmp(p->s[i].name, name) == 0 &&
		    same(p->s[i].labels, labels))
			return &p->s[i];
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct sample *ns = realloc(p->s, cap * sizeof(*ns));

		if (ns == NULL)
			goto nomem;
		p->s = ns;
		p->cap = cap;
	}
	s = &p->s[p->n];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	s->labels = labels != NULL ? strdup(labels) : NULL;
	s->help = strdup(help != NULL ? help : "");
	s->type = type;
	if (s->name == NULL || s->help == NULL ||
	    (labels != NULL && s->labels == NULL)) {
		free(s->name);
		free(s->labels);
		free(s->help);
		goto nomem;
	}
	p->n++;
	return s;
nomem:
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return NULL;
}

int
mare_prom_set(struct mare_prom *p, const char *name, enum mare_prom_type type,
    const char *help, const char *labels, double value, struct mare_err *err)
{
	struct sample *s = find_or_add(p, name, type, help, labels, err);

	if (s == NULL)
		return -1;
	s->value = value;
	return 0;
}

int
mare_prom_add(struct mare_prom *p, const char *name, enum mare_prom_type type,
    const char *help, const char *labels, double delta, struct mare_err *err)
{
	struct sample *s = find_or_add(p, name, type, help, labels, err);

	if (s == NULL)
		return -1;
	s->value += delta;
	return 0;
}

static void
write_value(FILE *fp, double v)
{
	if (isnan(v))
		fputs("NaN", fp);
	else if (isinf(v))
		fputs(v > 0 ? "+Inf" : "-Inf", fp);
	else if (v == (double)(long long)v && fabs(v) < 9e15)
		fprintf(fp, "%lld", (long long)v);
	else {
		char buf[MARE_JSONL_DTOA_SIZE];

		mare_jsonl_dtoa(v, buf, sizeof(buf));
		fputs(buf, fp);
	}
}

int
mare_prom_write(const struct mare_prom *p, FILE *fp, struct mare_err *err)
{
	size_t i, j;

	for (i = 0; i < p->n; i++) {
		const struct sample *s = &p->s[i];
		int first = 1;

		for (j = 0; j < i; j++)
			if (strcmp(p->s[j].name, s->name) == 0)
				first = 0;
		if (!first)
			continue;
		fprintf(fp, "# HELP %s %s\n# TYPE %s %s\n", s->name, s->help,
		    s->name, s->type == MARE_PROM_COUNTER ? "counter" : "gauge");
		for (j = i; j < p->n; j++) {
			const struct sample *t = &p->s[j];

			if (strcmp(t->name, s->name) != 0)
				continue;
			if (t->labels != NULL)
				fprintf(fp, "%s{%s} ", t->name, t->labels);
			else
				fprintf(fp, "%s ", t->name);
			write_value(fp, t->value);
			fputc('\n', fp);
		}
	}
	if (ferror(fp))
		return mare_err_sys(err, MARE_E_IO, "write error");
	return 0;
}

int
mare_prom_save(const struct mare_prom *p, const char *path,
    struct mare_err *err)
{
	struct mare_out *out = mare_out_open(path, 0, err);

	if (out == NULL)
		return -1;
	if (mare_prom_write(p, mare_out_file(out), err) != 0) {
		mare_out_abort(out);
		return -1;
	}
	return mare_out_commit(out, err);
}
