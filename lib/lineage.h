/*
 * lineage.h - the chain of artifacts, commands and hashes that produced a
 * file, followed through the provenance records the artifacts carry
 *
 * mare's artifacts carry a provenance record (prov.h): models and
 * validation summaries under a "provenance" key, tensors in their header's
 * meta, HTML reports in <meta name="mare-provenance" content="...">. Each
 * record names the inputs with their SHA-256, so the chain back to the raw
 * data is found by hash: an input is looked for at its recorded path,
 * relative to the artifact's folder (commands often run there) and then
 * to the current folder, then under its file name in the artifact's
 * folder, then among every file of that folder; the first file with the
 * recorded hash is it.
 *
 * A file that carries no record of its own (JSON Lines records, a grid) is
 * described by a record in its folder whose command wrote it: an -o,
 * --output, -R, --reject, --summary, --spec-out or --profile-out argument
 * naming the same file (same device and inode). That record is then the
 * file's "via".
 *
 * The library reads files and hashes them; it prints nothing.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_LINEAGE_H
#define MARE_LINEAGE_H

#include <jansson.h>

#include "err.h"

#define MARE_LINEAGE_MAX_DEPTH	64	/* deepest chain followed */
#define MARE_LINEAGE_MAX_HTML	(256UL << 20)	/* bytes of a report read */

/*
 * The provenance record the file at path carries, as a new reference in
 * *prov, or NULL in *prov when it carries none (JSON Lines, a grid, a file
 * of another kind). Returns 0, or -1 with MARE_E_NOINPUT (cannot open),
 * MARE_E_IO, MARE_E_DATA ("r.html: mare-provenance: not a JSON object";
 * a tensor with a corrupt header), MARE_E_NOMEM.
 */
int	mare_lineage_prov(const char *path, json_t **prov,
	    struct mare_err *err);

/*
 * The lineage of the file at path, as a tree of JSON objects (a new
 * reference), each node
 *   {"path": p, "sha256": hex, "status": s,
 *    "via": record file, "command": [...], "version": v, "created": t,
 *    "seed": n, "inputs": [node, ...]}
 * where path is the file as found (recorded path for one not found), and
 * status is
 *   "ok"       found, or the file asked about;
 *   "missing"  no file with the recorded hash was found;
 *   "changed"  the recorded path holds other bytes now ("now": its hash);
 *   "unknown"  no hash was recorded (the input was standard input);
 *   "repeat"   found, and shown earlier in the tree (not expanded).
 * "via", "command" ... "inputs" are present when a record describes the
 * file. Returns NULL with MARE_E_NOINPUT when path cannot be read, the
 * errors of mare_lineage_prov() for it, or MARE_E_NOMEM. An input's
 * unreadable or malformed record is not an error: the node just has no
 * command.
 */
json_t	*mare_lineage(const char *path, struct mare_err *err);

/* Nodes of the tree whose status is "missing" or "changed". */
size_t	mare_lineage_problems(const json_t *tree);

#endif /* MARE_LINEAGE_H */
