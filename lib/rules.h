/*
 * rules.h - mare-rules(5) rules files: Great Expectations suites in JSON
 *
 * A rules file is a Great Expectations expectation suite, read as GE writes
 * it: {"expectations": [{"expectation_type": "...", "kwargs": {...}}, ...]}
 * ("type" is accepted for "expectation_type", as GE 1.x writes it), plus
 * mare's own entries: {"expectation_type": "builtin", "kwargs": {"check":
 * "LOW_PRECISION", "min_decimals": 2}} configures a built-in check (see
 * checks.h) and the top-level "builtins": "none" switches off every
 * built-in check not named by such an entry. man/mare-rules.5 is the
 * reference: grammar, each expectation and its parameters, versioning.
 *
 * Load errors name the file and the rule's position, e.g.
 * "rules.json: expectations[3] (expect_column_values_to_match_regex): bad
 * regex '([': parentheses not balanced"; JSON syntax errors name the line
 * and column.
 *
 * Evaluation and `mostly` (the semantics of GE's column map expectations):
 * each record is evaluated against each expectation; a record whose value
 * fails gives a finding. Null or absent values are not evaluated (they
 * count as missing), except by expect_column_values_to_not_be_null and
 * expect_column_to_exist. The pass fraction of an expectation is
 * (evaluated - missing - unexpected) / (evaluated - missing), 1 when no
 * value was evaluated; the expectation succeeds when it is >= mostly
 * (default 1), and the suite succeeds when every expectation does.
 * A finding of an expectation with mostly = 1 has reject = 1: the record
 * is rejected. With mostly < 1 the finding has reject = 0: the record is
 * counted, not rejected, and only the suite's verdict at the end says
 * whether too many failed. Uniqueness is decided in stream order: the first
 * record with a value passes and later ones with the same value fail (GE
 * marks every copy; a stream cannot look ahead).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_RULES_H
#define MARE_RULES_H

#include <stddef.h>

#include <jansson.h>

#include "checks.h"
#include "err.h"

#define MARE_RULES_VERSION	1	/* highest mare_rules_version read */
#define MARE_RULES_MAX_SIZE	(16 * 1024 * 1024)	/* bytes */

struct mare_rules;

/*
 * Load a rules file (NULL or "-": standard input). Returns the rule set,
 * or NULL with MARE_E_NOINPUT (cannot open), MARE_E_IO, or MARE_E_DATA for
 * a file that is no valid rules file (message as above). Files over
 * MARE_RULES_MAX_SIZE are refused.
 */
struct mare_rules *mare_rules_load(const char *path, struct mare_err *err);
/* The same from memory; name is used in messages. */
struct mare_rules *mare_rules_load_buffer(const char *buf, size_t len,
	    const char *name, struct mare_err *err);
void	mare_rules_free(struct mare_rules *r);

/* SHA-256 of the file's bytes, 64 lower-case hex digits. */
const char *mare_rules_sha256(const struct mare_rules *r);

/*
 * Apply the file's built-in entries to o: "builtins": "none" first, then
 * each builtin entry in file order (enable or disable, set parameters).
 * Returns 0.
 */
int	mare_rules_configure(const struct mare_rules *r,
	    struct mare_checks_opts *o);

/*
 * Evaluate every expectation on rec (a JSON object), append findings to out
 * (rule = expectation type, field = column; both owned by r), and update
 * the counters. Returns the number of findings added, or -1 (MARE_E_NOMEM,
 * MARE_E_INTERNAL when rec is not an object).
 */
int	mare_rules_eval(struct mare_rules *r, const json_t *rec,
	    struct mare_findings *out, struct mare_err *err);

/* Expectations in the file, builtin entries excluded. */
size_t	mare_rules_count(const struct mare_rules *r);

struct mare_rule_stats {
	const char		*type;		/* owned by the rule set */
	const char		*column;
	size_t			 index;		/* position in "expectations" */
	double			 mostly;
	unsigned long long	 evaluated;	/* records seen */
	unsigned long long	 missing;	/* null or absent, not judged */
	unsigned long long	 unexpected;	/* failed */
	double			 pass_fraction;
	int			 success;
};

/* Counters of expectation i (0 .. count - 1); -1 when out of range. */
int	mare_rules_stats(const struct mare_rules *r, size_t i,
	    struct mare_rule_stats *st);
/* 1 when every expectation succeeds so far. */
int	mare_rules_success(const struct mare_rules *r);

#endif /* MARE_RULES_H */
