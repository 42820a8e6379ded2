/*
 * test-io.c - inputs and atomic output files
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io.h"
#include "tap.h"

/* Number of entries in dir other than . and .. */
static int
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static char *
slurp(const char *path)
{
	static char buf[256];
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (fp == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");

	if (fp != NULL) {
		fputs(text, fp);
		fclose(fp);
	}
}

/* mare_in_slurp() on the file at path, with max; the text or NULL. */
static char *
slurp_max(const char *path, size_t max, size_t *len, struct mare_err *err)
{
	FILE *fp = fopen(path, "rb");
	char *buf;

	mare_err_init(err);
	if (fp == NULL)
		return NULL;
	buf = mare_in_slurp(fp, path, max, len, err);
	fclose(fp);
	return buf;
}

static void
test_slurp(void)
{
	struct mare_err err;
	char path[600], msg[600];
	size_t len = 99;
	char *buf;

	snprintf(path, sizeof(path), "%s/ten", tap_tmpdir());
	write_file(path, "0123456789");
	buf = slurp_max(path, 10, &len, &err);
	ok(buf != NULL && strcmp(buf, "0123456789") == 0 && len == 10,
	    "io: slurp reads a file of exactly max bytes");
	free(buf);
	buf = slurp_max(path, SIZE_MAX, &len, &err);
	ok(buf != NULL && strcmp(buf, "0123456789") == 0 && len == 10,
	    "io: slurp with max SIZE_MAX (no limit) reads the whole file");
	free(buf);
	buf = slurp_max(path, 9, &len, &err);
	ok(buf == NULL && err.code == MARE_E_DATA,
	    "io: slurp refuses a file one byte over max (data error)");
	is_str(mare_err_format(&err, msg, sizeof(msg)) + strlen(path),
	    ": larger than 9 bytes", "io: the message names the file and the "
	    "limit");
	/* over the first 4096-byte chunk, so the buffer grows twice */
	snprintf(path, sizeof(path), "%s/big", tap_tmpdir());
	{
		FILE *fp = fopen(path, "wb");
		int i;

		for (i = 0; i < 10000; i++)
			fputc('a' + i % 26, fp);
		fclose(fp);
	}
	buf = slurp_max(path, 10000, &len, &err);
	ok(buf != NULL && len == 10000 && buf[9999] == 'a' + 9999 % 26 &&
	    buf[10000] == '\0', "io: slurp grows past 4096 bytes and "
	    "NUL-terminates");
	free(buf);
	buf = slurp_max(path, 9999, &len, &err);
	ok(buf == NULL && err.code == MARE_E_DATA &&
	    strcmp(err.msg, "larger than 9999 bytes") == 0,
	    "io: slurp refuses 10000 bytes with max 9999");
	snprintf(path, sizeof(path), "%s/empty", tap_tmpdir());
	write_file(path, "");
	len = 99;
	buf = slurp_max(path, 10, &len, &err);
	ok(buf != NULL && buf[0] == '\0' && len == 0,
	    "io: slurp of an empty file is an empty string of length 0");
	free(buf);
	/* a folder opens with fopen() on Linux but read(2) fails: EISDIR */
	buf = slurp_max(tap_tmpdir(), 10, &len, &err);
	ok(buf == NULL && err.code == MARE_E_IO, "io: a read error is "
	    "MARE_E_IO");
	snprintf(path, sizeof(path), "%s: read error: Is a directory",
	    tap_tmpdir());
	is_str(mare_err_format(&err, msg, sizeof(msg)), path,
	    "io: the read error names the file and says why");
}

/* Write "x" to path as an output and commit; the error code. */
static int
commit_one(const char *path, struct mare_err *err)
{
	struct mare_out *out;

	mare_err_init(err);
	if ((out = mare_out_open(path, MARE_OUT_SYNC, err)) == NULL)
		return err->code;
	fputs("x", mare_out_file(out));
	mare_out_commit(out, err);
	return err->code;
}

static void
test_out_errors(const char *dir)
{
	struct mare_err err;
	struct mare_out *outs[65];
	char path[600], want[700];
	struct sockaddr_un sa;
	int i, n, fd, status;
	pid_t pid;

	/* /dev/full takes the open but the flush fails with ENOSPC */
	is_int(commit_one("/dev/full", &err), MARE_E_IO,
	    "io: a full device fails at commit with MARE_E_IO");
	is_str(err.msg, "cannot write '/dev/full'", "io: the write error "
	    "names the device");
	is_str(strerror(err.sys_errno), strerror(ENOSPC), "io: and keeps "
	    "errno ENOSPC");

	/* a folder in the way of the target: the rename fails */
	snprintf(path, sizeof(path), "%s/adir", dir);
	mkdir(path, 0755);
	is_int(commit_one(path, &err), MARE_E_CANTCREAT,
	    "io: renaming over a folder is MARE_E_CANTCREAT");
	snprintf(want, sizeof(want), "cannot rename to '%s'", path);
	is_str(err.msg, want, "io: the message names the target");
	is_int(entries(path), 0, "io: the folder is left empty");
	is_int(entries(dir), 2, "io: the failed commit removed its "
	    "temporary file");

	/* a socket is not a regular file, so it would be opened in place,
	 * and open(2) on a socket fails with ENXIO */
	snprintf(path, sizeof(path), "%s/sock", tap_tmpdir());
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	fd = -1;
	if (strlen(path) < sizeof(sa.sun_path)) {
		memcpy(sa.sun_path, path, strlen(path) + 1);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
	}
	if (fd >= 0 &&
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		is_int(commit_one(path, &err), MARE_E_CANTCREAT,
		    "io: a socket cannot be opened as an output");
		snprintf(want, sizeof(want), "cannot create '%s'", path);
		is_str(err.msg, want, "io: the message names the socket");
		is_int(err.sys_errno, ENXIO, "io: and keeps errno ENXIO");
	} else
		skip("no unix socket", "io: a socket output");
	if (fd >= 0)
		close(fd);

	/* 64 live temporary files at most; the 65th open is refused */
	mare_err_init(&err);
	for (n = 0; n < 65; n++) {
		snprintf(path, sizeof(path), "%s/many-%d", dir, n);
		if ((outs[n] = mare_out_open(path, 0, &err)) == NULL)
			break;
	}
	is_int(n, 64, "io: 64 outputs can be open at once");
	is_int(err.code, MARE_E_INTERNAL, "io: the 65th is an internal error");
	is_str(err.msg, "too many output files open at once",
	    "io: the message says why");
	is_int(entries(dir), 2 + 64, "io: the refused open left no file");
	mare_out_cleanup_all();
	is_int(entries(dir), 2, "io: cleanup_all removes every live "
	    "temporary file");
	for (i = 0; i < n; i++)
		mare_out_abort(outs[i]);
	mare_out_abort(NULL);

	/* a relative target, synced through the current folder; children
	 * exit() rather than _exit() so that their gcov counts are kept */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct mare_err cerr;

		if (chdir(dir) != 0)
			exit(2);
		exit(commit_one("rel.txt", &cerr) == MARE_E_OK ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	snprintf(path, sizeof(path), "%s/rel.txt", dir);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	    strcmp(slurp(path), "x") == 0,
	    "io: a relative target without a folder commits in place");
	unlink(path);

	/* a regular file over RLIMIT_FSIZE: the flush at commit fails with
	 * EFBIG, the target is not created, the temporary file is removed */
	snprintf(path, sizeof(path), "%s/capped", dir);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/* the soft limit only, lifted before exit() so that the
		 * gcov counts can be written */
		struct rlimit rl = { 10, RLIM_INFINITY };
		struct mare_err cerr;
		struct mare_out *o;
		int k;

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			exit(2);
		mare_err_init(&cerr);
		if ((o = mare_out_open(path, 0, &cerr)) == NULL)
			exit(3);
		for (k = 0; k < 100; k++)
			fputc('x', mare_out_file(o));
		k = mare_out_commit(o, &cerr);
		rl.rlim_cur = RLIM_INFINITY;
		setrlimit(RLIMIT_FSIZE, &rl);
		if (k != -1 || cerr.code != MARE_E_IO ||
		    cerr.sys_errno != EFBIG)
			exit(1);
		snprintf(want, sizeof(want), "cannot write '%s'", path);
		exit(strcmp(cerr.msg, want) == 0 ? 0 : 4);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "io: a write over the file size limit is 'cannot write' (EFBIG)");
	ok(access(path, F_OK) != 0 && entries(dir) == 2,
	    "io: it leaves neither the target nor a temporary file");

	/* standard output on a full device: the flush error is reported */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct mare_err cerr;
		int full = open("/dev/full", O_WRONLY);

		if (full < 0 || dup2(full, 1) < 0)
			exit(2);
		if (commit_one("-", &cerr) != MARE_E_IO ||
		    strcmp(cerr.msg, "write error") != 0 ||
		    cerr.sys_errno != ENOSPC)
			exit(1);
		exit(0);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "io: stdout on a full device is 'write error' (ENOSPC)");
}

int
main(void)
{
	struct mare_err err;
	struct mare_out *out;
	char dir[512], target[600], path[600];
	const char *name;
	struct stat st;
	FILE *fp;
	pid_t pid;
	int status;

	snprintf(dir, sizeof(dir), "%s/out", tap_tmpdir());
	mkdir(dir, 0755);
	snprintf(target, sizeof(target), "%s/model.json", dir);

	/* inputs */
	mare_err_init(&err);
	fp = mare_in_open("-", &name, &err);
	ok(fp == stdin && strcmp(name, "<stdin>") == 0,
	    "io: '-' opens stdin, named <stdin>");
	fp = mare_in_open(NULL, &name, &err);
	ok(fp == stdin, "io: no name opens stdin");
	snprintf(path, sizeof(path), "%s/nope.jsonl", tap_tmpdir());
	fp = mare_in_open(path, &name, &err);
	ok(fp == NULL && err.code == MARE_E_NOINPUT,
	    "io: a missing input is MARE_E_NOINPUT");
	like(err.msg, "nope.jsonl'", "io: the message quotes the file name");

	/* a committed output appears whole, with no temporary file left */
	mare_err_init(&err);
	out = mare_out_open(target, MARE_OUT_SYNC, &err);
	ok(out != NULL, "io: an output file opens in a writable folder");
	fputs("{\"v\":1}\n", mare_out_file(out));
	is_int(entries(dir), 1, "io: only the temporary file exists while "
	    "writing");
	ok(stat(target, &st) != 0, "io: the target does not exist before "
	    "commit");
	is_int(mare_out_commit(out, &err), 0, "io: commit succeeds");
	is_str(slurp(target), "{\"v\":1}\n", "io: the target has the data");
	is_int(entries(dir), 1, "io: no temporary file is left after commit");
	ok(stat(target, &st) == 0 && (st.st_mode & 0777) != 0600,
	    "io: the file gets the umask mode, not mkstemp's 0600");

	/* abort keeps the old target */
	out = mare_out_open(target, 0, &err);
	fputs("half", mare_out_file(out));
	mare_out_abort(out);
	is_str(slurp(target), "{\"v\":1}\n", "io: abort leaves the old "
	    "target as it was");
	is_int(entries(dir), 1, "io: abort removes the temporary file");

	/* a folder that does not exist */
	mare_err_init(&err);
	snprintf(path, sizeof(path), "%s/no/such/dir/x.tensor", tap_tmpdir());
	out = mare_out_open(path, 0, &err);
	ok(out == NULL && err.code == MARE_E_CANTCREAT,
	    "io: a missing folder is MARE_E_CANTCREAT");
	like(err.msg, "cannot create", "io: the message says cannot create");

	/* a path under a regular file cannot be created either */
	mare_err_init(&err);
	snprintf(path, sizeof(path), "%s/model.json/x", dir);
	out = mare_out_open(path, 0, &err);
	ok(out == NULL && err.code == MARE_E_CANTCREAT,
	    "io: a path under a regular file is MARE_E_CANTCREAT");

	/* a write error at commit: /dev/full cannot be a target folder, so
	 * simulate by writing to a closed stream is not portable; instead
	 * check that a killed writer leaves nothing behind. */
	write_file(target, "old\n");
	pid = fork();
	if (pid == 0) {
		struct mare_err cerr;
		struct mare_out *o;

		mare_err_init(&cerr);
		o = mare_out_open(target, 0, &cerr);
		if (o == NULL)
			_exit(2);
		fputs("partial", mare_out_file(o));
		fflush(mare_out_file(o));
		mare_out_cleanup_all();	/* what the SIGTERM handler does */
		raise(SIGKILL);
		_exit(3);
	}
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status), "io: the child writer was killed");
	is_str(slurp(target), "old\n", "io: a killed writer leaves the old "
	    "target");
	is_int(entries(dir), 1, "io: cleanup removed the killed writer's "
	    "temporary file");

	/* a device is written in place, never replaced by a plain file */
	mare_err_init(&err);
	/*
	 * Some machines come up with /dev/null as a plain file; then there
	 * is no device to test, and renaming over it would hide nothing.
	 */
	if (stat("/dev/null", &st) != 0 || !S_ISCHR(st.st_mode)) {
		skip("/dev/null is not a character device on this machine",
		    "io: /dev/null opens as an output");
		skip("/dev/null is not a character device on this machine",
		    "io: writing to /dev/null commits");
		skip("/dev/null is not a character device on this machine",
		    "io: /dev/null is still a character device");
	} else {
		out = mare_out_open("/dev/null", 0, &err);
		ok(out != NULL, "io: /dev/null opens as an output");
		if (out != NULL) {
			fputs("x", mare_out_file(out));
			is_int(mare_out_commit(out, &err), 0,
			    "io: writing to /dev/null commits");
		} else {
			skip("no output", "io: writing to /dev/null commits");
		}
		ok(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode),
		    "io: /dev/null is still a character device");
	}
	/*
	 * A link to an open descriptor (as /dev/stdout is, with a shell's
	 * "> file" behind it) is written through the descriptor; renaming
	 * over it would replace the link with a plain file.
	 */
	{
		char file[4096], link[4096], fdname[64];
		struct stat lst;
		int fd;

		snprintf(file, sizeof(file), "%s/redirected", tap_tmpdir());
		snprintf(link, sizeof(link), "%s/stdout-link", tap_tmpdir());
		fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		snprintf(fdname, sizeof(fdname), "/proc/self/fd/%d", fd);
		if (fd >= 0 && symlink(fdname, link) == 0) {
			mare_err_init(&err);
			out = mare_out_open(link, 0, &err);
			if (out != NULL) {
				fputs("through\n", mare_out_file(out));
				mare_out_commit(out, &err);
			}
			ok(lstat(link, &lst) == 0 && S_ISLNK(lst.st_mode),
			    "io: a link to a descriptor stays a link");
			is_str(slurp(file), "through\n", "io: the data went "
			    "to the descriptor's file");
		} else
			ok(0, "io: cannot make the descriptor link");
		if (fd >= 0)
			close(fd);
	}
	snprintf(path, sizeof(path), "%s/fifo", tap_tmpdir());
	if (mkfifo(path, 0600) == 0) {
		pid = fork();
		if (pid == 0) {
			char b[16];
			FILE *r = fopen(path, "rb");
			size_t n = r != NULL ? fread(b, 1, sizeof(b), r) : 0;

			_exit(n == 3 ? 0 : 1);
		}
		out = mare_out_open(path, 0, &err);
		if (out != NULL) {
			fputs("abc", mare_out_file(out));
			mare_out_commit(out, &err);
		}
		waitpid(pid, &status, 0);
		ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "io: a named pipe receives the data in place");
		ok(stat(path, &st) == 0 && S_ISFIFO(st.st_mode),
		    "io: the fifo is still a fifo");
	}

	/* stdout */
	mare_err_init(&err);
	out = mare_out_open("-", 0, &err);
	ok(out != NULL && mare_out_is_stdout(out) &&
	    strcmp(mare_out_name(out), "<stdout>") == 0,
	    "io: '-' writes to stdout, named <stdout>");
	mare_out_abort(out);

	test_slurp();
	test_out_errors(dir);
	return tap_done();
}
