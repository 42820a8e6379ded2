/*
 * prov.h - provenance: SHA-256 of inputs and where an artifact came from
 *
 * Every artifact mare writes (models, tensors, reports) carries a record
 * of the command line, the tool version, the seed, when it was made and
 * the SHA-256 of each input, so that one can tell what produced it and
 * check that a rerun gives the same bytes. SHA-256 comes from libcrypto
 * (OpenSSL's EVP interface).
 *
 * Reproducibility: the library never reads the clock or the environment.
 * The caller passes the time; the command layer takes it from
 * SOURCE_DATE_EPOCH when that is set. The same argv, seed, time and input
 * files (added in the same order) therefore give byte-identical JSON from
 * mare_prov_to_json() written with mare_jsonl_write() or json_dumps().
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_PROV_H
#define MARE_PROV_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "err.h"

/* SHA-256 */

/*
 * A streaming SHA-256. The context lives inside libcrypto, so init
 * allocates and mare_sha256_final() or mare_sha256_release() must end
 * every successful init.
 */
struct mare_sha256 {
	void	*ctx;		/* EVP_MD_CTX, private */
	int	 failed;	/* an update failed: final reports it */
};

/* Returns 0, or -1 with MARE_E_NOMEM or MARE_E_INTERNAL. */
int	mare_sha256_init(struct mare_sha256 *s, struct mare_err *err);
/* Hash len more bytes. A failure is kept and reported by final. */
void	mare_sha256_update(struct mare_sha256 *s, const void *buf,
	    size_t len);
/*
 * Write the digest as 64 lowercase hex digits and a NUL into hex, and
 * release the context. Returns 0, or -1 with MARE_E_INTERNAL (hex is then
 * the empty string).
 */
int	mare_sha256_final(struct mare_sha256 *s, char hex[65],
	    struct mare_err *err);
/* Release the context without a digest (after an error). Idempotent. */
void	mare_sha256_release(struct mare_sha256 *s);

/* The SHA-256 of len bytes at buf. Returns 0 or -1 as final does. */
int	mare_sha256_buf(const void *buf, size_t len, char hex[65],
	    struct mare_err *err);
/*
 * The SHA-256 of the file at path (not "-": standard input is hashed by
 * whoever reads it, see mare_prov_add_input_hash()). Returns 0; or -1 with
 * MARE_E_NOINPUT when it cannot be opened ("'x': No such file or
 * directory"), MARE_E_IO "'x': read error" when reading fails.
 */
int	mare_sha256_file(const char *path, char hex[65],
	    struct mare_err *err);

/* Provenance records */

struct mare_prov;

/*
 * Start a record of the command argv[0..argc) (copied), the seed and the
 * creation time when (seconds since the epoch, printed in UTC). Returns
 * the record, or NULL with MARE_E_USAGE when the seed does not fit a JSON
 * integer (above 9223372036854775807) or when is outside the years 0 to
 * 9999, or MARE_E_NOMEM.
 */
struct mare_prov *mare_prov_new(int argc, char **argv,
	    unsigned long long seed, time_t when, struct mare_err *err);
/* Free the record. NULL is a no-op. */
void	mare_prov_free(struct mare_prov *p);

/*
 * Record the input file path with its SHA-256, hashed now. For standard
 * input (NULL or "-") nothing can be hashed here: the input is recorded
 * as "<stdin>" with a null hash; a caller that hashed what it read uses
 * mare_prov_add_input_hash() instead. Returns 0, or -1 with the errors of
 * mare_sha256_file() or MARE_E_NOMEM.
 */
int	mare_prov_add_input(struct mare_prov *p, const char *path,
	    struct mare_err *err);
/*
 * Record an input by name (copied) with a hash the caller computed: 64
 * lowercase hex digits, or NULL for unknown. Any other hex is
 * MARE_E_INTERNAL. Returns 0 or -1.
 */
int	mare_prov_add_input_hash(struct mare_prov *p, const char *name,
	    const char *hex, struct mare_err *err);

/*
 * The record as a new JSON object (the caller owns the reference), keys
 * always in this order:
 * {"tool":"mare","version":"0.1.0","command":["mare-train","-o","m.json"],
 *  "seed":42,"created":"2023-11-14T22:13:20Z",
 *  "inputs":[{"path":"occ.jsonl","sha256":"ba78..."}]}
 * Returns NULL only when memory runs out.
 */
json_t	*mare_prov_to_json(const struct mare_prov *p);

#endif /* MARE_PROV_H */
