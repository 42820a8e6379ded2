/*
 * io.c - input opening and atomic output files
 *
 * Live temporary files are kept in a fixed table of slots rather than a
 * list, so that mare_out_cleanup_all() can walk it from a signal handler
 * without touching malloc: a slot holds a pointer to a path that stays
 * valid until the slot is cleared, and clearing happens before the path is
 * freed.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io.h"

#define MAX_LIVE 64

static char *volatile live[MAX_LIVE];

struct mare_out {
	char		*target;	/* NULL for stdout */
	char		*tmp;
	FILE		*fp;
	unsigned	 flags;
	int		 slot;
	int		 device;	/* written in place, not renamed */
};

int
mare_io_is_stdio(const char *path)
{
	return path == NULL || strcmp(path, "-") == 0;
}

FILE *
mare_in_open(const char *path, const char **name, struct mare_err *err)
{
	FILE *fp;

	if (mare_io_is_stdio(path)) {
		if (name != NULL)
			*name = "<stdin>";
		return stdin;
	}
	if (name != NULL)
		*name = path;
	fp = fopen(path, "rb");
	if (fp == NULL) {
		mare_err_sys(err, MARE_E_NOINPUT, "'%s'", path);
		return NULL;
	}
	return fp;
}

char *
mare_in_slurp(FILE *fp, const char *name, size_t max, size_t *len,
    struct mare_err *err)
{
	char *buf = NULL, *nb;
	size_t n = 0, cap = 0, got;

	for (;;) {
		if (n == cap) {
			if (cap > max) {
				mare_err_set(err, MARE_E_DATA,
				    "larger than %zu bytes", max);
				mare_err_at(err, name, 0, 0);
				goto fail;
			}
			cap = cap == 0 ? 4096 : cap * 2;
			/* not "cap > max + 1": that is 0 for SIZE_MAX */
			if (cap > max)
				cap = max + 1;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				mare_err_set(err, MARE_E_NOMEM,
				    "out of memory");
				goto fail;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	/*
	 * Here n < cap <= max + 1, since fread() was asked for cap - n > 0
	 * bytes and gave none, so n <= max; and buf was allocated on the
	 * first pass.
	 */
	if (ferror(fp)) {
		mare_err_sys(err, MARE_E_IO, "read error");
		mare_err_at(err, name, 0, 0);
		goto fail;
	}
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
fail:
	free(buf);
	return NULL;
}

void
mare_in_close(FILE *fp)
{
	if (fp != NULL && fp != stdin)
		fclose(fp);
}

static int
live_add(char *path)
{
	int i;

	for (i = 0; i < MAX_LIVE; i++) {
		if (live[i] == NULL) {
			live[i] = path;
			return i;
		}
	}
	return -1;
}

static void
live_clear(int slot)
{
	if (slot >= 0 && slot < MAX_LIVE)
		live[slot] = NULL;
}

void
mare_out_cleanup_all(void)
{
	int i;

	for (i = 0; i < MAX_LIVE; i++) {
		char *p = live[i];

		if (p != NULL)
			unlink(p);
	}
}

/* Build "dir/.base.XXXXXX" for target "dir/base". */
static char *
tmp_name_for(const char *target)
{
	const char *slash = strrchr(target, '/');
	size_t dirlen = slash != NULL ? (size_t)(slash - target) + 1 : 0;
	const char *base = target + dirlen;
	size_t len = dirlen + 1 + strlen(base) + 8;
	char *tmp = malloc(len);

	if (tmp == NULL)
		return NULL;
	memcpy(tmp, target, dirlen);
	snprintf(tmp + dirlen, len - dirlen, ".%s.XXXXXX", base);
	return tmp;
}

/*
 * Whether path names an open file descriptor rather than a file: under
 * /dev/ or /proc/ (/dev/stdout, /dev/fd/N, /proc/self/fd/N), or a
 * symbolic link into them.
 */
static int
names_descriptor(const char *path)
{
	char link[64];
	ssize_t n;

	if (strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0)
		return 1;
	if ((n = readlink(path, link, sizeof(link) - 1)) < 0)
		return 0;
	link[n] = '\0';
	return strncmp(link, "/dev/", 5) == 0 ||
	    strncmp(link, "/proc/", 6) == 0;
}

struct mare_out *
mare_out_open(const char *path, unsigned flags, struct mare_err *err)
{
	struct mare_out *out;
	sigset_t all, old;
	int fd, saved;

	out = calloc(1, sizeof(*out));
	if (out == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	out->flags = flags;
	out->slot = -1;
	if (mare_io_is_stdio(path)) {
		out->fp = stdout;
		return out;
	}
	/*
	 * A device or a fifo (/dev/null, a named pipe), and a name for an
	 * open file descriptor (/dev/stdout, /dev/fd/3, /proc/self/fd/1, or a
	 * link to one) are written in place: renaming a temporary file over
	 * it would replace the device or the /dev/stdout link with a plain
	 * file, even when the descriptor leads to a regular file (a shell's
	 * "> out.txt"), and the shell would keep writing to the old file.
	 */
	{
		struct stat st;

		if (stat(path, &st) == 0 && ((!S_ISREG(st.st_mode) &&
		    !S_ISDIR(st.st_mode)) || names_descriptor(path))) {
			out->fp = fopen(path, "wb");
			if (out->fp == NULL) {
				mare_err_sys(err, MARE_E_CANTCREAT,
				    "cannot create '%s'", path);
				free(out);
				return NULL;
			}
			out->device = 1;
			out->target = strdup(path);
			if (out->target == NULL) {
				fclose(out->fp);
				free(out);
				mare_err_set(err, MARE_E_NOMEM, "out of memory");
				return NULL;
			}
			return out;
		}
	}
	out->target = strdup(path);
	out->tmp = tmp_name_for(path);
	if (out->target == NULL || out->tmp == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto fail;
	}
	/*
	 * No signal may see the file before its name is in the table. The
	 * name goes in first: blocking signals here covers this thread only,
	 * and a signal can reach another (OpenBLAS starts its workers when
	 * the library loads), whose handler must find the file. Until
	 * mkstemp fills it in, the name ends in XXXXXX and unlinks nothing.
	 */
	fd = -1;
	saved = 0;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	if ((out->slot = live_add(out->tmp)) >= 0 &&
	    (fd = mkstemp(out->tmp)) < 0) {
		saved = errno;
		live_clear(out->slot);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (out->slot < 0) {
		mare_err_set(err, MARE_E_INTERNAL,
		    "too many output files open at once");
		goto fail;
	}
	if (fd < 0) {
		out->slot = -1;
		errno = saved;
		mare_err_sys(err, MARE_E_CANTCREAT, "cannot create '%s'", path);
		goto fail;
	}
	/* mkstemp makes 0600; an artifact should get the usual umask mode. */
	{
		mode_t mask = umask(0);

		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	out->fp = fdopen(fd, "wb");
	if (out->fp == NULL) {
		mare_err_sys(err, MARE_E_CANTCREAT, "cannot create '%s'", path);
		close(fd);
		live_clear(out->slot);
		unlink(out->tmp);
		goto fail;
	}
	return out;
fail:
	free(out->target);
	free(out->tmp);
	free(out);
	return NULL;
}

FILE *
mare_out_file(struct mare_out *out)
{
	return out->fp;
}

const char *
mare_out_name(const struct mare_out *out)
{
	return out->target != NULL ? out->target : "<stdout>";
}

int
mare_out_is_stdout(const struct mare_out *out)
{
	return out->target == NULL;
}

static void
out_free(struct mare_out *out)
{
	live_clear(out->slot);
	free(out->tmp);
	free(out->target);
	free(out);
}

static void
sync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int fd;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (dir == NULL)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int
mare_out_commit(struct mare_out *out, struct mare_err *err)
{
	int rc = 0;

	if (out->target == NULL) {
		if (fflush(stdout) != 0 || ferror(stdout)) {
			if (errno != EPIPE)
				mare_err_sys(err, MARE_E_IO, "write error");
			rc = -1;
		}
		out_free(out);
		return rc;
	}
	if (out->device) {
		if (fflush(out->fp) != 0 || ferror(out->fp)) {
			mare_err_sys(err, MARE_E_IO, "cannot write '%s'",
			    out->target);
			rc = -1;
		}
		if (fclose(out->fp) != 0 && rc == 0) {
			mare_err_sys(err, MARE_E_IO, "cannot write '%s'",
			    out->target);
			rc = -1;
		}
		out_free(out);
		return rc;
	}
	if (fflush(out->fp) != 0 || ferror(out->fp)) {
		mare_err_sys(err, MARE_E_IO, "cannot write '%s'", out->target);
		rc = -1;
	} else if ((out->flags & MARE_OUT_SYNC) && fsync(fileno(out->fp)) != 0
	    && errno != EINVAL) {
		mare_err_sys(err, MARE_E_IO, "cannot sync '%s'", out->target);
		rc = -1;
	}
	if (fclose(out->fp) != 0 && rc == 0) {
		mare_err_sys(err, MARE_E_IO, "cannot write '%s'", out->target);
		rc = -1;
	}
	out->fp = NULL;
	if (rc == 0 && rename(out->tmp, out->target) != 0) {
		mare_err_sys(err, MARE_E_CANTCREAT, "cannot rename to '%s'",
		    out->target);
		rc = -1;
	}
	if (rc != 0)
		unlink(out->tmp);
	else if (out->flags & MARE_OUT_SYNC)
		sync_dir_of(out->target);
	out_free(out);
	return rc;
}

void
mare_out_abort(struct mare_out *out)
{
	if (out == NULL)
		return;
	if (out->target != NULL) {
		if (out->fp != NULL)
			fclose(out->fp);
		if (!out->device)
			unlink(out->tmp);
	}
	out_free(out);
}
