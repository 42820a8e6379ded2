/*
 * fuzz-jscan - libFuzzer target: the selective JSON scanner against jansson
 *
 * Differential: the input is one line. Whenever the scanner vouches for it
 * (returns 1), json_loadb() with the JSON Lines flags must accept it as an
 * object, and every wanted key must be present in both or in neither, with
 * equal values (json_equal); the scanner's object must hold nothing else.
 * Any difference aborts. When the scanner declines, jansson decides and
 * nothing is checked.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdlib.h>

#include <jansson.h>

#include "fuzz.h"
#include "jscan.h"

static const char *const keys[] = {
	"decimalLatitude", "decimalLongitude", "eventDate", "depth",
	"scientificName", "occurrenceID", "basisOfRecord", "_rejected",
	"a", "b", ""
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mare_jscan *sc;
	struct mare_err err;
	json_error_t je;
	json_t *obj = NULL, *full = NULL, *a, *b;
	size_t i, present = 0;
	int rc;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	mare_err_init(&err);
	if ((sc = mare_jscan_new(keys, NKEYS, &err)) == NULL)
		return 0;
	rc = mare_jscan_object(sc, (const char *)data, size, &obj, &err);
	if (rc == -1)
		fuzz_check_err(&err);
	if (rc == 1) {
		full = json_loadb((const char *)data, size, JSON_DECODE_ANY |
		    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
		if (full == NULL || !json_is_object(full))
			abort();	/* vouched for a line jansson refuses */
		for (i = 0; i < NKEYS; i++) {
			a = json_object_get(obj, keys[i]);
			b = json_object_get(full, keys[i]);
			if ((a == NULL) != (b == NULL))
				abort();
			if (a != NULL && !json_equal(a, b))
				abort();
			present += a != NULL;
		}
		if (json_object_size(obj) != present)
			abort();
	}
	json_decref(obj);
	json_decref(full);
	mare_jscan_free(sc);
	return 0;
}
