/*
 * cache.h - an on-disk cache of HTTP responses, keyed by URL
 *
 * An entry is two files under the cache folder, named by the SHA-256 of the
 * normalised URL (hex, first two digits as a subfolder, as git stores
 * objects): DIR/ab/cdef...json holds the body byte for byte, and
 * DIR/ab/cdef...meta holds a JSON object with the URL, the HTTP status, the
 * Date and Content-Type headers, the body's size and the body's SHA-256.
 * Both are written atomically (lib/io.h), body first, so a crash leaves at
 * worst a body that its metadata does not describe. A reader checks the
 * URL, the size and the hash: an entry that fails is corrupt, and is
 * reported as a miss with the corrupt flag set, never served.
 *
 * URL normalisation: scheme and host lower-cased, the default port (80 for
 * http, 443 for https) and any #fragment dropped, an empty path made "/",
 * and the query parameters sorted by name (a stable sort: repeated names
 * keep their order). Percent-encoding is kept as it is.
 *
 * Offline mode (MARE_CACHE_OFFLINE) is for runs that must not touch the
 * network: a miss is then an error, MARE_E_NOINPUT "not in cache
 * (offline): URL". Where the cache lives is the caller's choice (mare-fetch
 * uses $XDG_CACHE_HOME/mare); this module never reads the environment.
 *
 * A cache handle is used by one thread at a time; several processes may
 * share one folder (writes are atomic renames, the last writer wins).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_CACHE_H
#define MARE_CACHE_H

#include <stddef.h>

#include "err.h"

enum mare_cache_flags {
	MARE_CACHE_OFFLINE = (1 << 0)	/* a miss is an error */
};

struct mare_cache;

/* A cached response. Strings are owned by the entry. */
struct mare_cache_entry {
	char	*url;		/* the normalised URL */
	long	 status;	/* HTTP status when stored */
	char	*date;		/* Date header when stored, "" if none */
	char	*content_type;	/* "" if none */
	char	*body;		/* NUL-terminated (the NUL not counted) */
	size_t	 len;
	int	 corrupt;	/* set on a miss caused by a corrupt entry */
	char	 warning[256];	/* why the entry was corrupt, else "" */
};

/*
 * Open (creating it and its parents, mode 0777 & ~umask, unless offline)
 * the cache folder dir. Returns a handle, or NULL with MARE_E_CANTCREAT
 * (folder cannot be made), MARE_E_NOINPUT (offline and missing) or
 * MARE_E_NOMEM.
 */
struct mare_cache *mare_cache_open(const char *dir, unsigned flags,
	    struct mare_err *err);
/* Free the handle; NULL is a no-op. The files stay. */
void	 mare_cache_close(struct mare_cache *c);

/*
 * Look url up. Returns 1 on a hit with *ent filled (release it with
 * mare_cache_entry_release()); 0 on a miss (*ent empty, except that
 * ent->corrupt and ent->warning say when a corrupt entry was skipped); -1
 * on an error: MARE_E_NOINPUT for a miss in offline mode ("not in cache
 * (offline): URL", with "; corrupt entry: WHY" appended when that is the
 * cause), MARE_E_IO when a file exists but cannot be read, MARE_E_NOMEM.
 */
int	 mare_cache_get(struct mare_cache *c, const char *url,
	    struct mare_cache_entry *ent, struct mare_err *err);

/*
 * Store a response for url (replacing any entry). date and content_type
 * may be NULL. Returns 0, or -1 with MARE_E_CANTCREAT or MARE_E_IO (and no
 * entry half-written), MARE_E_USAGE in offline mode.
 */
int	 mare_cache_put(struct mare_cache *c, const char *url, long status,
	    const char *date, const char *content_type, const void *body,
	    size_t len, struct mare_err *err);

/*
 * Seed the cache with a recorded response: the body is the file at path
 * (at most 256 MiB), stored for url with status 200. Returns as
 * mare_cache_put(), or -1 with MARE_E_NOINPUT when path is missing,
 * MARE_E_IO when it cannot be read, MARE_E_DATA when it is too large.
 */
int	 mare_cache_seed_file(struct mare_cache *c, const char *url,
	    const char *path, const char *content_type, struct mare_err *err);

/* Free the strings of *ent and zero it; NULL is a no-op. */
void	 mare_cache_entry_release(struct mare_cache_entry *ent);

/*
 * The normalised form of url in a new string (caller frees), or NULL with
 * MARE_E_USAGE (no "scheme://") or MARE_E_NOMEM.
 */
char	*mare_cache_normalize_url(const char *url, struct mare_err *err);

/*
 * The key of url: the lower-case hex SHA-256 of its normalised form, in
 * hex[65]. Returns 0, or -1 as mare_cache_normalize_url().
 */
int	 mare_cache_key(const char *url, char hex[65], struct mare_err *err);

#endif /* MARE_CACHE_H */
