/*
 * test-io.c - inputs and atomic output files
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	out = mare_out_open("/dev/null", 0, &err);
	ok(out != NULL, "io: /dev/null opens as an output");
	if (out != NULL) {
		fputs("x", mare_out_file(out));
		is_int(mare_out_commit(out, &err), 0, "io: writing to /dev/null "
		    "commits");
	}
	ok(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode),
	    "io: /dev/null is still a character device");
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
	return tap_done();
}
