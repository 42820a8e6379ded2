/*
 * jscan.h - a validating JSON scanner that decodes selected fields only
 *
 * A JSON Lines filter that looks at a dozen fields of each record does
 * not need the rest decoded into a tree: most of jansson's time goes to
 * allocating and hashing values nobody reads. The scanner walks one line
 * once, checks the whole text's syntax (structure, strings and their
 * escapes, UTF-8, numbers, duplicate keys at every level) and builds a
 * jansson object holding only the wanted top-level keys, with the values
 * jansson would have made of them.
 *
 * The scanner is an accelerator, never a judge: it answers either "this
 * line is an object that json_loadb() with mare's JSON Lines flags accepts,
 * and here are its wanted fields, decoded as json_loadb() decodes them", or
 * "ask jansson". It says "ask jansson" for every invalid line and also for
 * valid but unusual ones it does not vouch for: numbers with an exponent
 * or more than 18 digits before the point (which could overflow), keys
 * with escapes, \u0000 escapes, nesting deeper than 64 levels, a value
 * that is not an object. The caller then parses the line with jansson,
 * which gives the error message or the value, so results and messages
 * are the same as with jansson alone. tests/unit/test-jscan and
 * tests/fuzz/fuzz-jscan check that property against jansson.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_JSCAN_H
#define MARE_JSCAN_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

/* The deepest nesting the scanner follows itself. */
#define MARE_JSCAN_MAX_DEPTH	64

struct mare_jscan;

/*
 * A scanner wanting the top-level keys keys[0..n) (copied; duplicates
 * are ignored). Returns NULL with MARE_E_NOMEM.
 */
struct mare_jscan *mare_jscan_new(const char *const *keys, size_t n,
	    struct mare_err *err);
void	mare_jscan_free(struct mare_jscan *sc);	/* NULL is a no-op */

/*
 * Scan s[0..len), one line without its end. Returns 1 with *obj a new
 * object holding the wanted keys that the line has (and no others),
 * each value equal to what json_loadb(s, len, JSON_DECODE_ANY |
 * JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL) gives for it; 0 with *obj NULL
 * when the caller must parse the line with jansson (invalid, or not
 * vouched for, as above); -1 with MARE_E_NOMEM.
 */
int	mare_jscan_object(struct mare_jscan *sc, const char *s, size_t len,
	    json_t **obj, struct mare_err *err);

#endif /* MARE_JSCAN_H */
