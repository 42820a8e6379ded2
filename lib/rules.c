/*
 * rules.c - load a rules file (a Great Expectations suite) and evaluate it
 *
 * Loading validates everything once: each expectation becomes a struct
 * rule with its parameters decoded (a compiled regex, the value set, the
 * bounds), and any problem is reported with the rule's index in the
 * "expectations" array, which is the position jansson cannot give after the
 * parse. Evaluation is then a loop over rules with json_object_get() per
 * record and a few counters per rule; uniqueness uses the hash set of
 * checks.c, so its memory is bounded by the number of distinct values.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <ctype.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "io.h"
#include "prov.h"
#include "rules.h"
#include "date.h"

enum rtype {
	R_NOT_NULL,
	R_EXIST,
	R_BETWEEN,
	R_IN_SET,
	R_REGEX,
	R_UNIQUE,
	R_OF_TYPE,
	R_LENGTHS,
	R_BUILTIN
};

static const struct {
	const char	*name;
	enum rtype	 t;
	const char	*params;	/* allowed kwargs besides column, mostly */
} rtypes[] = {
	{ "expect_column_values_to_not_be_null", R_NOT_NULL, "" },
	{ "expect_column_to_exist", R_EXIST, "" },
	{ "expect_column_values_to_be_between", R_BETWEEN,
	    " min_value max_value strict_min strict_max " },
	{ "expect_column_values_to_be_in_set", R_IN_SET, " value_set " },
	{ "expect_column_values_to_match_regex", R_REGEX, " regex " },
	{ "expect_column_values_to_be_unique", R_UNIQUE, "" },
	{ "expect_column_values_to_be_of_type", R_OF_TYPE, " type_ " },
	{ "expect_column_value_lengths_to_be_between", R_LENGTHS,
	    " min_value max_value strict_min strict_max " },
	{ "builtin", R_BUILTIN,
	    " check enabled min_decimals max_meters earliest decimals " }
};

/* GE kwargs that change only how GE reports; accepted and ignored. */
static const char ignored_kwargs[] =
    " result_format include_config catch_exceptions meta ";

enum jtype { T_INT, T_FLOAT, T_STR, T_BOOL, T_DICT, T_LIST };

static const struct {
	const char	*name;
	enum jtype	 t;
} type_names[] = {
	{ "int", T_INT }, { "int64", T_INT }, { "int32", T_INT },
	{ "int16", T_INT }, { "int8", T_INT }, { "Int64", T_INT },
	{ "integer", T_INT }, { "long", T_INT },
	{ "float", T_FLOAT }, { "float64", T_FLOAT }, { "float32", T_FLOAT },
	{ "Float64", T_FLOAT }, { "double", T_FLOAT }, { "number", T_FLOAT },
	{ "str", T_STR }, { "string", T_STR }, { "String", T_STR },
	{ "bool", T_BOOL }, { "boolean", T_BOOL }, { "Boolean", T_BOOL },
	{ "dict", T_DICT }, { "list", T_LIST }
};

struct rule {
	enum rtype		 t;
	const char		*type;		/* points into rtypes */
	char			*column;
	size_t			 index;
	double			 mostly;
	/* parameters */
	int			 have_min, have_max, strict_min, strict_max;
	double			 min, max;
	json_t			*set;		/* value_set */
	regex_t			 re;
	int			 have_re;
	char			*re_text;
	enum jtype		 jt;
	char			*jt_name;
	struct mare_keyset	*seen;
	/* counters */
	unsigned long long	 evaluated, missing, unexpected;
};

struct builtin {
	int		id;
	int		enabled;
	int		have_min_decimals, min_decimals;
	int		have_max_meters;
	double		max_meters;
	int		have_earliest;
	int64_t		earliest;
	int		have_decimals, decimals;
};

struct mare_rules {
	struct rule	*rules;
	size_t		 n;
	struct builtin	*builtins;
	size_t		 nb;
	int		 builtins_none;
	char		 sha256[65];
};

/* ------------------------------------------------------------------ */
/* Loading */

static int
word_in(const char *list, const char *w)
{
	const char *p = list;
	size_t n = strlen(w);

	if (n == 0)	/* strstr() finds "" everywhere: it never advanced */
		return 0;
	while ((p = strstr(p, w)) != NULL) {
		if (p > list && p[-1] == ' ' && p[n] == ' ')
			return 1;
		p += n;
	}
	return 0;
}

/*
 * glibc's regcomp() copies the tree of a repeated group once per repeat
 * ("x{2,5}" holds five copies of x, "x+" is "xx*"), so nested repeats
 * ("(a{0,2}+++...)", "((a{99}){99}){99}") make memory grow exponentially
 * with the length of a rules file's regex: gigabytes from 100 bytes. This
 * estimates the size of the compiled tree (an upper bound of the copies,
 * in nodes) so such a regex is refused before regcomp() sees it.
 */
#define RE_MAX_COST	100000.0
#define RE_MAX_DEPTH	100

struct recost {
	const char	*p;
	int		 depth;
};

static double	re_seq(struct recost *);

static double
re_atom(struct recost *c)
{
	const char *p = c->p;
	double v;
	char d;

	if (*p == '(') {
		c->p++;
		if (++c->depth > RE_MAX_DEPTH)
			return RE_MAX_COST + 1;
		v = re_seq(c);
		if (*c->p == ')')
			c->p++;
		c->depth--;
		return v + 2;
	}
	if (*p == '[') {		/* a bracket expression is one node */
		p++;
		if (*p == '^')
			p++;
		if (*p == ']')
			p++;
		while (*p != '\0' && *p != ']') {
			if (*p == '[' && (p[1] == ':' || p[1] == '.' ||
			    p[1] == '=')) {
				d = p[1];
				for (p += 2; *p != '\0' &&
				    !(*p == d && p[1] == ']'); p++)
					;
				if (*p != '\0')
					p += 2;
			} else
				p++;
		}
		c->p = *p != '\0' ? p + 1 : p;
		return 1;
	}
	c->p += (*p == '\\' && p[1] != '\0') ? 2 : 1;
	return 1;
}

/* A bound "{m}", "{m,}" or "{m,n}" at c->p: its largest count, or -1. */
static double
re_bound(struct recost *c)
{
	const char *p = c->p + 1;
	double m = 0, n;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++)
		m = m * 10 + (*p - '0');
	n = m;
	if (*p == ',') {
		p++;
		for (n = isdigit((unsigned char)*p) ? 0 : m + 1;
		    isdigit((unsigned char)*p); p++)
			n = n * 10 + (*p - '0');
	}
	if (*p != '}')
		return -1;
	c->p = p + 1;
	return n > m ? n : m;
}

static double
re_seq(struct recost *c)
{
	double total = 0, atom, b;

	while (*c->p != '\0' && *c->p != ')' && total <= RE_MAX_COST) {
		if (*c->p == '|') {
			c->p++;
			total += 1;
			continue;
		}
		atom = re_atom(c);
		for (;;) {
			if (*c->p == '*' || *c->p == '?') {
				c->p++;
				atom += 1;
			} else if (*c->p == '+') {
				c->p++;
				atom = 2 * atom + 1;
			} else if (*c->p == '{' && (b = re_bound(c)) >= 0)
				atom = (b > 1 ? b : 1) * atom + 1;
			else
				break;
			if (atom > RE_MAX_COST)
				break;
		}
		total += atom;
	}
	return total;
}

static double
re_cost(const char *re)
{
	struct recost c = { re, 0 };
	double total = 0;

	while (*c.p != '\0' && total <= RE_MAX_COST) {
		total += re_seq(&c);
		if (*c.p == ')')	/* unmatched: a literal in ERE */
			c.p++;
	}
	return total;
}

static const char *
jtype_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:	return "an object";
	case JSON_ARRAY:	return "an array";
	case JSON_STRING:	return "a string";
	case JSON_INTEGER:
	case JSON_REAL:		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:	return "a boolean";
	case JSON_NULL:		return "null";
	}
	return "?";
}

/* "expectations[i] (type): " + message, at the file name. */
static int __attribute__((format(printf, 5, 6)))
rule_err(struct mare_err *err, const char *name, size_t i, const char *type,
    const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (type != NULL)
		mare_err_set(err, MARE_E_DATA, "expectations[%zu] (%s): %s",
		    i, type, msg);
	else
		mare_err_set(err, MARE_E_DATA, "expectations[%zu]: %s", i,
		    msg);
	mare_err_at(err, name, 0, 0);
	return -1;
}

#define RERR(...)	rule_err(err, name, idx, type, __VA_ARGS__)

/* An optional number or null; 1 when a number was given. */
static int
opt_number(const json_t *kw, const char *key, double *out, int integer,
    const char *name, size_t idx, const char *type, struct mare_err *err)
{
	const json_t *v = json_object_get(kw, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (integer ? !json_is_integer(v) : !json_is_number(v))
		return RERR("%s: expected %s or null, got %s", key,
		    integer ? "an integer" : "a number", jtype_name(v));
	*out = json_number_value(v);
	return 1;
}

static int
opt_bool(const json_t *kw, const char *key, int *out, const char *name,
    size_t idx, const char *type, struct mare_err *err)
{
	const json_t *v = json_object_get(kw, key);

	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return RERR("%s: expected true or false, got %s", key,
		    jtype_name(v));
	*out = json_is_true(v);
	return 1;
}

static int
load_builtin(struct mare_rules *r, const json_t *kw, const char *name,
    size_t idx, struct mare_err *err)
{
	const char *type = "builtin";
	struct builtin *b = &r->builtins[r->nb];
	const json_t *v = json_object_get(kw, "check");
	struct mare_date d;
	struct mare_err derr;
	double x = 0;	/* set by opt_number() when it returns 1 */
	int rc;

	memset(b, 0, sizeof(*b));
	b->enabled = 1;
	if (v == NULL)
		return RERR("missing parameter 'check'");
	if (!json_is_string(v))
		return RERR("check: expected a string, got %s", jtype_name(v));
	if ((b->id = mare_check_lookup(json_string_value(v))) < 0)
		return RERR("unknown check '%s'", json_string_value(v));
	if (opt_bool(kw, "enabled", &b->enabled, name, idx, type, err) == -1)
		return -1;
	if (json_object_get(kw, "min_decimals") != NULL) {
		if (b->id != MARE_CHECK_LOW_PRECISION)
			return RERR("min_decimals applies to LOW_PRECISION "
			    "only");
		if ((rc = opt_number(kw, "min_decimals", &x, 1, name, idx,
		    type, err)) == -1)
			return -1;
		if (rc == 0 || x < 0 || x > 17)
			return RERR("min_decimals: expected 0 to 17");
		b->have_min_decimals = 1;
		b->min_decimals = (int)x;
	}
	if (json_object_get(kw, "max_meters") != NULL) {
		if (b->id != MARE_CHECK_UNCERTAINTY_TOO_HIGH &&
		    b->id != MARE_CHECK_DEPTH_OUT_OF_RANGE)
			return RERR("max_meters applies to "
			    "UNCERTAINTY_TOO_HIGH and DEPTH_OUT_OF_RANGE only");
		if ((rc = opt_number(kw, "max_meters", &x, 0, name, idx,
		    type, err)) == -1)
			return -1;
		if (rc == 0 || x < 0)
			return RERR("max_meters: expected a number >= 0");
		b->have_max_meters = 1;
		b->max_meters = x;
	}
	if ((v = json_object_get(kw, "earliest")) != NULL) {
		if (b->id != MARE_CHECK_DATE_BEFORE_MIN)
			return RERR("earliest applies to DATE_BEFORE_MIN only");
		if (!json_is_string(v))
			return RERR("earliest: expected an ISO 8601 date, got "
			    "%s", jtype_name(v));
		mare_err_init(&derr);
		if (mare_date_parse(json_string_value(v), &d, &derr) == -1)
			return RERR("earliest: '%s': %s", json_string_value(v),
			    derr.msg);
		b->have_earliest = 1;
		b->earliest = d.start;
	}
	if (json_object_get(kw, "decimals") != NULL) {
		if (b->id != MARE_CHECK_DUPLICATE_RECORD)
			return RERR("decimals applies to DUPLICATE_RECORD "
			    "only");
		if ((rc = opt_number(kw, "decimals", &x, 1, name, idx, type,
		    err)) == -1)
			return -1;
		if (rc == 0 || x < 0 || x > 15)
			return RERR("decimals: expected 0 to 15");
		b->have_decimals = 1;
		b->decimals = (int)x;
	}
	r->nb++;
	return 0;
}

static int
load_type(struct rule *ru, const json_t *kw, const char *name, size_t idx,
    const char *type, struct mare_err *err)
{
	const json_t *v = json_object_get(kw, "type_");
	size_t i;

	if (v == NULL)
		return RERR("missing parameter 'type_'");
	if (!json_is_string(v))
		return RERR("type_: expected a string, got %s", jtype_name(v));
	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(json_string_value(v), type_names[i].name) == 0) {
			ru->jt = type_names[i].t;
			if ((ru->jt_name = strdup(json_string_value(v))) ==
			    NULL)
				return mare_err_set(err, MARE_E_NOMEM,
				    "out of memory");
			return 0;
		}
	return RERR("unknown type_ '%s' (known: int, float, str, bool, dict, "
	    "list, and numpy/pandas spellings such as int64, float64, string)",
	    json_string_value(v));
}

static int
load_rule(struct mare_rules *r, const json_t *e, const char *name,
    size_t idx, struct mare_err *err)
{
	const char *type = NULL, *key;
	const json_t *tv, *kw, *v;
	struct rule *ru;
	size_t i, t;
	char ebuf[200];
	int rc;

	if (!json_is_object(e))
		return RERR("expected an object, got %s", jtype_name(e));
	tv = json_object_get(e, "expectation_type");
	if (tv == NULL)
		tv = json_object_get(e, "type");
	if (tv == NULL)
		return RERR("no 'expectation_type'");
	if (!json_is_string(tv))
		return RERR("expectation_type: expected a string, got %s",
		    jtype_name(tv));
	for (t = 0; t < sizeof(rtypes) / sizeof(rtypes[0]); t++)
		if (strcmp(json_string_value(tv), rtypes[t].name) == 0)
			break;
	if (t == sizeof(rtypes) / sizeof(rtypes[0]))
		return RERR("unknown expectation type '%s'",
		    json_string_value(tv));
	type = rtypes[t].name;
	kw = json_object_get(e, "kwargs");
	if (kw == NULL)
		return RERR("no 'kwargs'");
	if (!json_is_object(kw))
		return RERR("kwargs: expected an object, got %s",
		    jtype_name(kw));
	json_object_foreach((json_t *)kw, key, v) {
		if (word_in(rtypes[t].params, key) ||
		    word_in(ignored_kwargs, key))
			continue;
		if (rtypes[t].t != R_BUILTIN &&
		    (strcmp(key, "column") == 0 || strcmp(key, "mostly") == 0))
			continue;
		if (strcmp(key, "row_condition") == 0 ||
		    strcmp(key, "condition_parser") == 0)
			return RERR("%s is not supported", key);
		return RERR("unknown parameter '%s'", key);
	}
	if (rtypes[t].t == R_BUILTIN)
		return load_builtin(r, kw, name, idx, err);

	ru = &r->rules[r->n];
	memset(ru, 0, sizeof(*ru));
	ru->t = rtypes[t].t;
	ru->type = type;
	ru->index = idx;
	ru->mostly = 1;
	v = json_object_get(kw, "column");
	if (v == NULL)
		return RERR("missing parameter 'column'");
	if (!json_is_string(v))
		return RERR("column: expected a string, got %s", jtype_name(v));
	if ((ru->column = strdup(json_string_value(v))) == NULL)
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	r->n++;		/* owns column from here: freed with r */
	v = json_object_get(kw, "mostly");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_number(v))
			return RERR("mostly: expected a number from 0 to 1, "
			    "got %s", jtype_name(v));
		ru->mostly = json_number_value(v);
		if (!(ru->mostly >= 0 && ru->mostly <= 1))
			return RERR("mostly: expected a number from 0 to 1, "
			    "got %g", ru->mostly);
	}
	switch (ru->t) {
	case R_BETWEEN:
	case R_LENGTHS:
		if ((rc = opt_number(kw, "min_value", &ru->min,
		    ru->t == R_LENGTHS, name, idx, type, err)) == -1)
			return -1;
		ru->have_min = rc;
		if ((rc = opt_number(kw, "max_value", &ru->max,
		    ru->t == R_LENGTHS, name, idx, type, err)) == -1)
			return -1;
		ru->have_max = rc;
		if (!ru->have_min && !ru->have_max)
			return RERR("min_value and max_value cannot both be "
			    "missing");
		if (ru->have_min && ru->have_max && ru->min > ru->max)
			return RERR("min_value is above max_value");
		if (opt_bool(kw, "strict_min", &ru->strict_min, name, idx,
		    type, err) == -1 || opt_bool(kw, "strict_max",
		    &ru->strict_max, name, idx, type, err) == -1)
			return -1;
		break;
	case R_IN_SET:
		v = json_object_get(kw, "value_set");
		if (v == NULL)
			return RERR("missing parameter 'value_set'");
		if (!json_is_array(v))
			return RERR("value_set: expected an array, got %s",
			    jtype_name(v));
		for (i = 0; i < json_array_size(v); i++) {
			const json_t *x = json_array_get(v, i);

			if (json_is_object(x) || json_is_array(x))
				return RERR("value_set[%zu]: expected a string,"
				    " number, boolean or null, got %s", i,
				    jtype_name(x));
		}
		ru->set = json_incref((json_t *)v);
		break;
	case R_REGEX:
		v = json_object_get(kw, "regex");
		if (v == NULL)
			return RERR("missing parameter 'regex'");
		if (!json_is_string(v))
			return RERR("regex: expected a string, got %s",
			    jtype_name(v));
		if (re_cost(json_string_value(v)) > RE_MAX_COST)
			return RERR("regex: too complex (nested repeats "
			    "over %.0f copies)", RE_MAX_COST);
		rc = regcomp(&ru->re, json_string_value(v),
		    REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			regerror(rc, &ru->re, ebuf, sizeof(ebuf));
			return RERR("bad regex '%s': %s",
			    json_string_value(v), ebuf);
		}
		ru->have_re = 1;
		if ((ru->re_text = strdup(json_string_value(v))) == NULL)
			return mare_err_set(err, MARE_E_NOMEM,
			    "out of memory");
		break;
	case R_UNIQUE:
		if ((ru->seen = mare_keyset_new(err)) == NULL)
			return -1;
		break;
	case R_OF_TYPE:
		return load_type(ru, kw, name, idx, type, err);
	default:
		break;
	}
	return 0;
}

static int
load_top(struct mare_rules *r, const json_t *root, const char *name,
    struct mare_err *err)
{
	const json_t *v, *ex, *e;
	size_t i;

	if (!json_is_object(root)) {
		mare_err_set(err, MARE_E_DATA, "expected a JSON object with an "
		    "'expectations' array, got %s", jtype_name(root));
		mare_err_at(err, name, 0, 0);
		return -1;
	}
	v = json_object_get(root, "mare_rules_version");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > MARE_RULES_VERSION)) {
		if (json_is_integer(v))
			mare_err_set(err, MARE_E_DATA, "mare_rules_version "
			    "%lld is not supported (this mare reads up to %d)",
			    (long long)json_integer_value(v),
			    MARE_RULES_VERSION);
		else
			mare_err_set(err, MARE_E_DATA, "mare_rules_version: "
			    "expected an integer, got %s", jtype_name(v));
		mare_err_at(err, name, 0, 0);
		return -1;
	}
	v = json_object_get(root, "builtins");
	if (v != NULL) {
		if (json_is_string(v) &&
		    strcmp(json_string_value(v), "none") == 0)
			r->builtins_none = 1;
		else if (!json_is_string(v) ||
		    strcmp(json_string_value(v), "all") != 0) {
			mare_err_set(err, MARE_E_DATA, "builtins: expected "
			    "\"all\" or \"none\"");
			mare_err_at(err, name, 0, 0);
			return -1;
		}
	}
	ex = json_object_get(root, "expectations");
	if (!json_is_array(ex)) {
		mare_err_set(err, MARE_E_DATA, "no 'expectations' array");
		mare_err_at(err, name, 0, 0);
		return -1;
	}
	if (json_array_size(ex) > 0) {
		r->rules = calloc(json_array_size(ex), sizeof(*r->rules));
		r->builtins = calloc(json_array_size(ex),
		    sizeof(*r->builtins));
		if (r->rules == NULL || r->builtins == NULL)
			return mare_err_set(err, MARE_E_NOMEM,
			    "out of memory");
	}
	json_array_foreach(ex, i, e)
		if (load_rule(r, e, name, i, err) == -1)
			return -1;
	return 0;
}

struct mare_rules *
mare_rules_load_buffer(const char *buf, size_t len, const char *name,
    struct mare_err *err)
{
	struct mare_rules *r;
	json_error_t jerr;
	json_t *root;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	if (mare_sha256_buf(buf, len, r->sha256, err) != 0) {
		mare_rules_free(r);
		return NULL;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		mare_err_set(err, MARE_E_DATA, "%s", jerr.text);
		mare_err_at(err, name, (unsigned long)jerr.line,
		    (unsigned long)jerr.column);
		mare_rules_free(r);
		return NULL;
	}
	if (load_top(r, root, name, err) == -1) {
		json_decref(root);
		mare_rules_free(r);
		return NULL;
	}
	json_decref(root);
	return r;
}

struct mare_rules *
mare_rules_load(const char *path, struct mare_err *err)
{
	struct mare_rules *r = NULL;
	const char *name;
	size_t len;
	char *buf;
	FILE *fp;

	if ((fp = mare_in_open(path, &name, err)) == NULL)
		return NULL;
	buf = mare_in_slurp(fp, name, MARE_RULES_MAX_SIZE, &len, err);
	if (buf != NULL)
		r = mare_rules_load_buffer(buf, len, name, err);
	free(buf);
	mare_in_close(fp);
	return r;
}

void
mare_rules_free(struct mare_rules *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free(r->rules[i].column);
		json_decref(r->rules[i].set);
		if (r->rules[i].have_re)
			regfree(&r->rules[i].re);
		free(r->rules[i].re_text);
		free(r->rules[i].jt_name);
		mare_keyset_free(r->rules[i].seen);
	}
	free(r->rules);
	free(r->builtins);
	free(r);
}

const char *
mare_rules_sha256(const struct mare_rules *r)
{
	return r->sha256;
}

int
mare_rules_configure(const struct mare_rules *r, struct mare_checks_opts *o)
{
	size_t i;

	if (r->builtins_none)
		memset(o->enabled, 0, sizeof(o->enabled));
	for (i = 0; i < r->nb; i++) {
		const struct builtin *b = &r->builtins[i];

		o->enabled[b->id] = (unsigned char)b->enabled;
		if (b->have_min_decimals)
			o->min_decimals = b->min_decimals;
		if (b->have_max_meters) {
			if (b->id == MARE_CHECK_UNCERTAINTY_TOO_HIGH)
				o->max_uncertainty_m = b->max_meters;
			else
				o->max_depth_m = b->max_meters;
		}
		if (b->have_earliest)
			o->earliest = b->earliest;
		if (b->have_decimals)
			o->dup_decimals = b->decimals;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Evaluation */

static int
in_set(const json_t *set, const json_t *v)
{
	const json_t *x;
	size_t i;

	json_array_foreach(set, i, x) {
		if (json_is_number(x) && json_is_number(v)) {
			if (json_number_value(x) == json_number_value(v))
				return 1;
		} else if (json_is_string(x) && json_is_string(v)) {
			if (json_string_length(x) == json_string_length(v) &&
			    memcmp(json_string_value(x), json_string_value(v),
			    json_string_length(v)) == 0)
				return 1;
		} else if (json_typeof(x) == json_typeof(v) &&
		    (json_is_boolean(x) || json_is_null(x)))
			return 1;
	}
	return 0;
}

static int
of_type(enum jtype t, const json_t *v)
{
	switch (t) {
	case T_INT:	return json_is_integer(v);
	case T_FLOAT:	return json_is_number(v);
	case T_STR:	return json_is_string(v);
	case T_BOOL:	return json_is_boolean(v);
	case T_DICT:	return json_is_object(v);
	case T_LIST:	return json_is_array(v);
	}
	return 0;
}

/* Characters (UTF-8 code points) of a string jansson has validated. */
static size_t
utf8_len(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

static int
bounds(const struct rule *ru, double x, char *why, size_t size,
    const char *what)
{
	if (ru->have_min && (ru->strict_min ? x <= ru->min : x < ru->min)) {
		snprintf(why, size, "%s %.17g is %s min_value %.17g", what, x,
		    ru->strict_min ? "not above" : "below", ru->min);
		return 0;
	}
	if (ru->have_max && (ru->strict_max ? x >= ru->max : x > ru->max)) {
		snprintf(why, size, "%s %.17g is %s max_value %.17g", what, x,
		    ru->strict_max ? "not below" : "above", ru->max);
		return 0;
	}
	return 1;
}

/* 1 pass, 0 fail (why filled), -1 error. */
static int
judge(struct rule *ru, const json_t *v, char *why, size_t size,
    struct mare_err *err)
{
	char *text;
	double x;
	int r;

	switch (ru->t) {
	case R_BETWEEN:
		if (mare_checks_number(v, &x) != 1) {
			snprintf(why, size, "expected a number, got %s",
			    jtype_name(v));
			return 0;
		}
		return bounds(ru, x, why, size, "value");
	case R_LENGTHS:
		if (!json_is_string(v)) {
			snprintf(why, size, "expected a string, got %s",
			    jtype_name(v));
			return 0;
		}
		return bounds(ru, (double)utf8_len(json_string_value(v),
		    json_string_length(v)), why, size, "length");
	case R_IN_SET:
		if (in_set(ru->set, v))
			return 1;
		snprintf(why, size, "value is not in value_set");
		return 0;
	case R_REGEX:
		if (!json_is_string(v)) {
			snprintf(why, size, "expected a string, got %s",
			    jtype_name(v));
			return 0;
		}
		if (regexec(&ru->re, json_string_value(v), 0, NULL, 0) == 0)
			return 1;
		snprintf(why, size, "value does not match regex '%.60s'",
		    ru->re_text);
		return 0;
	case R_UNIQUE:
		if (json_is_string(v)) {
			r = mare_keyset_add(ru->seen, json_string_value(v),
			    json_string_length(v), err);
		} else {
			text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT |
			    JSON_SORT_KEYS);
			if (text == NULL)
				return mare_err_set(err, MARE_E_NOMEM,
				    "out of memory");
			/*
			 * Hashed with its NUL: parsed strings hold no NUL,
			 * so 5 and "5" stay apart.
			 */
			r = mare_keyset_add(ru->seen, text, strlen(text) + 1,
			    err);
			free(text);
		}
		if (r == -1)
			return -1;
		if (r == 0)
			snprintf(why, size, "value seen in an earlier record");
		return r;
	case R_OF_TYPE:
		if (of_type(ru->jt, v))
			return 1;
		snprintf(why, size, "expected type %s, got %s", ru->jt_name,
		    jtype_name(v));
		return 0;
	default:
		return 1;
	}
}

int
mare_rules_eval(struct mare_rules *r, const json_t *rec,
    struct mare_findings *out, struct mare_err *err)
{
	struct rule *ru;
	const json_t *v;
	char why[200];
	size_t i;
	int added = 0, res;

	if (!json_is_object(rec))
		return mare_err_set(err, MARE_E_INTERNAL,
		    "rules: record is not a JSON object");
	for (i = 0; i < r->n; i++) {
		ru = &r->rules[i];
		ru->evaluated++;
		v = json_object_get(rec, ru->column);
		if (ru->t == R_EXIST) {
			if (v != NULL)
				continue;
			snprintf(why, sizeof(why), "column is missing");
			res = 0;
		} else if (v == NULL || json_is_null(v)) {
			if (ru->t != R_NOT_NULL) {
				ru->missing++;
				continue;
			}
			snprintf(why, sizeof(why), "value is null or missing");
			res = 0;
		} else if ((res = judge(ru, v, why, sizeof(why), err)) == -1)
			return -1;
		if (res == 1)
			continue;
		ru->unexpected++;
		if (mare_findings_add(out, ru->type, ru->column,
		    ru->mostly >= 1, err, "%s: %s", ru->column, why) == -1)
			return -1;
		added++;
	}
	return added;
}

size_t
mare_rules_count(const struct mare_rules *r)
{
	return r->n;
}

int
mare_rules_stats(const struct mare_rules *r, size_t i,
    struct mare_rule_stats *st)
{
	const struct rule *ru;
	unsigned long long denom;

	if (i >= r->n)
		return -1;
	ru = &r->rules[i];
	st->type = ru->type;
	st->column = ru->column;
	st->index = ru->index;
	st->mostly = ru->mostly;
	st->evaluated = ru->evaluated;
	st->missing = ru->missing;
	st->unexpected = ru->unexpected;
	denom = ru->evaluated - ru->missing;
	st->pass_fraction = denom == 0 ? 1.0 :
	    (double)(denom - ru->unexpected) / (double)denom;
	st->success = st->pass_fraction >= ru->mostly;
	return 0;
}

int
mare_rules_success(const struct mare_rules *r)
{
	struct mare_rule_stats st;
	size_t i;

	for (i = 0; i < r->n; i++) {
		mare_rules_stats(r, i, &st);
		if (!st.success)
			return 0;
	}
	return 1;
}
