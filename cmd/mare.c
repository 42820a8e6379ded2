/*
 * mare - run a mare command: `mare NAME ARGS...` is `mare-NAME ARGS...`
 *
 * The git.c model: the dispatcher knows no command's options; it finds the
 * executable mare-NAME and execs it with the remaining arguments, so any
 * mare-NAME a user puts in a search folder becomes a subcommand. Folders
 * are searched in this order: --exec-path or $MARE_EXEC_PATH, the folder of
 * the running executable (the parent of a libtool ".libs" folder first),
 * the compile-time MARE_LIBEXECDIR and MARE_BINDIR, then $PATH.
 * `mare help` lists the commands found there; `mare help NAME` is
 * `man mare-NAME`. NAME is a plain word of [a-z0-9-], never a path.
 *
 * Adding a command NAME (the checklist tests/cli enforces):
 *   - cmd/mare-NAME.c on cmd/cli.h, and its block in Makefile.am;
 *   - a line in the commands[] table below, in pipeline order;
 *   - man/mare-NAME.1 (every long option of --help in it), a line in
 *     mare(7) and mare(1) SEE ALSO;
 *   - completions/bash/mare-NAME, its case in completions/zsh/_mare and
 *     in the #compdef line, its name in completions/bash/mare;
 *   - tests/cli/mare-NAME.bats, and the NAME lines in tests/cli/common.bats
 *     and tests/cli/docs.bats.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "lineage.h"
#include "mare.h"

/* The known family, in pipeline order; `mare help` lists those found. */
static const struct {
	const char	*name;
	const char	*summary;
} commands[] = {
	{ "fetch",
	    "get occurrence records from GBIF, OBIS, DwC-A or CSV" },
	{ "validate",
	    "check records against rules, quarantine the rejects" },
	{ "featurize",
	    "sample environmental layers into a feature tensor" },
	{ "train",
	    "fit a species distribution model to a tensor" },
	{ "predict",
	    "apply a model to a tensor, records or a layer stack" },
	{ "drift",
	    "compare new data with a model's reference profile" },
	{ "report",
	    "write an HTML page or a text summary of a run" },
	{ "tensor",
	    "inspect and convert tensors (mare-tensor(5), .npy)" },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* Suggest a command at most this many edits away from a mistyped name. */
#define SUGGEST_MAX_DISTANCE	2
#define SUGGEST_MAX_LEN		64

/* A growable list of unique strings (folders, command names). */
struct names {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

enum {
	OPT_EXEC_PATH = MARE_OPT_CMD
};

static void
usage(FILE *fp)
{
	fputs(
"Usage: mare [--exec-path[=<dir>]] <command> [<args>...]\n"
"       mare help [-m | --man] [<command>]\n"
"       mare lineage [--format text|json] <file>\n"
"       mare -h | --help | -V | --version\n"
"\n"
"Run the mare command mare-<command> with <args>:\n"
"'mare tensor info x.mt' is 'mare-tensor info x.mt'.\n"
"\n"
"Options:\n"
"     --exec-path[=<dir>]  look for commands in <dir> first; without <dir>,\n"
"                          print the folder searched first\n"
" -h, --help               display this help\n"
" -V, --version            display version and library versions\n"
"\n"
"'mare help' lists the commands installed, 'mare help <command>' shows the\n"
"manual of one, and 'mare help mare' the conventions they share.\n"
"'mare lineage <file>' prints the artifacts, commands and SHA-256 hashes\n"
"that produced a report, model or tensor, from the provenance they carry;\n"
"it exits 1 when an input is missing or changed.\n"
"For more details see mare(1) and mare(7).\n", fp);
}

/* ------------------------------------------------------------------ */
/* Names */

static int
names_has(const struct names *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

/* Append a copy of s unless present. Returns 0, or -1 out of memory. */
static int
names_add(struct names *l, const char *s)
{
	char **v;

	if (names_has(l, s))
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		v = realloc(l->v, l->cap * sizeof(*v));
		if (v == NULL)
			return -1;
		l->v = v;
	}
	/*
	 * analyzer false positive: l->v is grown above whenever n == cap,
	 * so it is allocated here
	 */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	if ((l->v[l->n] = strdup(s)) == NULL)
		return -1;
	l->n++;
	return 0;
}

static void
names_release(struct names *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ------------------------------------------------------------------ */
/* Search folders */

/* A command name is a plain word: no path, no option, no surprise. */
static int
valid_name(const char *s)
{
	const char *p;

	if (*s == '\0' || *s == '-')
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-'))
			return 0;
	return 1;
}

/* "dir/file", allocated; NULL when out of memory. */
static char *
join(const char *dir, const char *file)
{
	size_t size = strlen(dir) + strlen(file) + 2;
	char *s = malloc(size);

	if (s != NULL)
		snprintf(s, size, "%s/%s", dir, file);
	return s;
}

/* The folder of the running executable, allocated; NULL if unknown. */
static char *
exe_dir(void)
{
	char *buf = NULL, *p, *slash;
	size_t size = 256;
	ssize_t len;

	for (;;) {
		if ((p = realloc(buf, size)) == NULL)
			goto fail;
		buf = p;
		len = readlink("/proc/self/exe", buf, size);
		if (len < 0)
			goto fail;
		if ((size_t)len < size)
			break;
		if (size >= 65536)
			goto fail;
		size *= 2;
	}
	buf[len] = '\0';
	if ((slash = strrchr(buf, '/')) == NULL)
		goto fail;
	if (slash == buf)
		slash[1] = '\0';
	else
		*slash = '\0';
	return buf;
fail:
	free(buf);
	return NULL;
}

/*
 * Fill dirs with the folders searched before $PATH, in order. exec_path is
 * --exec-path's value or NULL. Returns 0, or -1 out of memory.
 */
static int
search_dirs(const char *exec_path, struct names *dirs)
{
	char *exe, *slash;
	int r = 0;

	if (exec_path == NULL)
		exec_path = getenv("MARE_EXEC_PATH");
	if (exec_path != NULL && *exec_path != '\0')
		r |= names_add(dirs, exec_path);
	if ((exe = exe_dir()) != NULL) {
		/* libtool runs the real binary from .libs; the wrappers
		 * beside it set up the library path. */
		slash = strrchr(exe, '/');
		if (slash != NULL && slash != exe &&
		    strcmp(slash, "/.libs") == 0) {
			*slash = '\0';
			r |= names_add(dirs, exe);
			*slash = '/';
		}
		r |= names_add(dirs, exe);
		free(exe);
	}
#ifdef MARE_LIBEXECDIR
	r |= names_add(dirs, MARE_LIBEXECDIR);
#endif
#ifdef MARE_BINDIR
	r |= names_add(dirs, MARE_BINDIR);
#endif
	return r;
}

/* Add the NAME of each executable mare-NAME in dir to found. */
static int
scan_dir(const char *dir, struct names *found)
{
	struct dirent *de;
	struct stat st;
	char *path;
	DIR *d;
	int r = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while (r == 0 && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "mare-", 5) != 0 ||
		    !valid_name(de->d_name + 5) ||
		    names_has(found, de->d_name + 5))
			continue;
		if ((path = join(dir, de->d_name)) == NULL) {
			r = -1;
			break;
		}
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(path, X_OK) == 0)
			r = names_add(found, de->d_name + 5);
		free(path);
	}
	closedir(d);
	return r;
}

/* Every command found in dirs and then in $PATH, sorted by name. */
static int
find_commands(const struct names *dirs, struct names *found)
{
	const char *path = getenv("PATH"), *p, *end;
	char *dir;
	size_t i;
	int r;

	for (i = 0; i < dirs->n; i++)
		if (scan_dir(dirs->v[i], found) != 0)
			return -1;
	for (p = path; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		if (end == p)
			continue;	/* "" means ".": not listed */
		if ((dir = strndup(p, (size_t)(end - p))) == NULL)
			return -1;
		r = scan_dir(dir, found);
		free(dir);
		if (r != 0)
			return -1;
	}
	if (found->n > 1)
		qsort(found->v, found->n, sizeof(found->v[0]), cmp_str);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Suggestions */

/*
 * Damerau-Levenshtein distance (optimal string alignment: insertions,
 * deletions, substitutions and swaps of two neighbours cost 1). Both
 * strings are at most SUGGEST_MAX_LEN bytes.
 */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t rows[3][SUGGEST_MAX_LEN + 1];
	size_t *pp = rows[0], *prev = rows[1], *cur = rows[2], *t;
	size_t la = strlen(a), lb = strlen(b), i, j, cost, v;

	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			cost = a[i - 1] != b[j - 1];
			v = prev[j - 1] + cost;
			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cur[j] = v;
		}
		t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

/* After "not a mare command": the found commands closest to name, if any. */
static void
suggest(const char *name, const struct names *found)
{
	size_t i, d, best = SUGGEST_MAX_DISTANCE + 1, n = 0;

	if (strlen(name) > SUGGEST_MAX_LEN)
		return;
	for (i = 0; i < found->n; i++) {
		if (strlen(found->v[i]) > SUGGEST_MAX_LEN)
			continue;
		d = edit_distance(name, found->v[i]);
		/* "ab" is two edits from any two-letter name: no hint. */
		if (d > SUGGEST_MAX_DISTANCE || d >= strlen(name))
			continue;
		if (d < best) {
			best = d;
			n = 1;
		} else if (d == best)
			n++;
	}
	if (n == 0)
		return;
	fprintf(stderr, "\nThe most similar command%s\n",
	    n == 1 ? " is" : "s are");
	for (i = 0; i < found->n; i++)
		if (strlen(found->v[i]) <= SUGGEST_MAX_LEN &&
		    strlen(name) > best &&
		    edit_distance(name, found->v[i]) == best)
			fprintf(stderr, "\t%s\n", found->v[i]);
}

/* ------------------------------------------------------------------ */
/* Running */

/*
 * Exec mare-NAME from the first folder that has it, then from $PATH, with
 * args (args[0] is replaced by "mare-NAME"). Returns only on failure:
 * 1 when no mare-NAME exists, -1 when one exists but cannot run.
 */
static int
run_command(const struct names *dirs, const char *name, char **args,
    struct mare_err *err)
{
	char *cmd, *path, *arg0 = args[0];
	int saved = 0;
	size_t i;

	if ((cmd = join("mare", name)) == NULL)
		return mare_err_sys(err, MARE_E_NOMEM, "out of memory");
	cmd[4] = '-';
	args[0] = cmd;
	fflush(NULL);
	for (i = 0; i < dirs->n; i++) {
		if ((path = join(dirs->v[i], cmd)) == NULL) {
			args[0] = arg0;
			free(cmd);
			return mare_err_sys(err, MARE_E_NOMEM,
			    "out of memory");
		}
		execv(path, args);
		if (errno != ENOENT && errno != ENOTDIR && saved == 0)
			saved = errno;
		free(path);
	}
	execvp(cmd, args);
	if (errno != ENOENT && errno != ENOTDIR && saved == 0)
		saved = errno;
	args[0] = arg0;
	if (saved != 0) {
		errno = saved;
		mare_err_sys(err, MARE_E_INTERNAL, "cannot run '%s'", cmd);
		free(cmd);
		return -1;
	}
	free(cmd);
	return 1;
}

static int
not_found(const struct names *dirs, const char *name, struct mare_err *err)
{
	struct names found = { NULL, 0, 0 };

	mare_err_set(err, MARE_E_USAGE,
	    "'%s' is not a mare command. See 'mare help'.", name);
	mare_cli_error(err);
	if (find_commands(dirs, &found) == 0)
		suggest(name, &found);
	names_release(&found);
	return mare_err_exit_status(MARE_E_USAGE);
}

/* ------------------------------------------------------------------ */
/* Help */

static int
list_commands(const struct names *dirs, struct mare_err *err)
{
	struct names found = { NULL, 0, 0 };
	size_t i, n = 0;

	if (find_commands(dirs, &found) != 0) {
		names_release(&found);
		return mare_err_sys(err, MARE_E_NOMEM, "out of memory");
	}
	printf("Usage: mare <command> [<args>...]\n\n"
	    "The mare commands installed:\n");
	for (i = 0; i < NCOMMANDS; i++) {
		if (!names_has(&found, commands[i].name))
			continue;
		printf("   %-12s %s\n", commands[i].name, commands[i].summary);
		n++;
	}
	if (n == 0)
		printf("   (none)\n");
	n = 0;
	for (i = 0; i < found.n; i++) {
		size_t k;

		for (k = 0; k < NCOMMANDS; k++)
			if (strcmp(found.v[i], commands[k].name) == 0)
				break;
		if (k < NCOMMANDS)
			continue;
		if (n++ == 0)
			printf("\nOther mare commands found:\n");
		printf("   %s\n", found.v[i]);
	}
	printf("\nSee 'mare help <command>' for the manual of a command and "
	    "'mare help mare'\nfor the conventions they all follow.\n");
	names_release(&found);
	return 0;
}

/* Exec man(1) on the page; returns only on failure. */
static int
show_man(const char *section, const char *page, struct mare_err *err)
{
	char man[] = "man";
	char *args[4];

	args[0] = man;
	args[1] = (char *)section;
	args[2] = (char *)page;
	args[3] = NULL;
	fflush(NULL);
	execvp(man, args);
	return mare_err_sys(err, MARE_E_UNAVAILABLE, "cannot run 'man'");
}

/* mare help [-m | --man] [NAME] */
static int
help(const struct names *dirs, int argc, char **argv, struct mare_err *err)
{
	const char *name;
	char *page;
	int man = 0, r;

	argc--;
	argv++;
	if (argc > 0 && (strcmp(argv[0], "-m") == 0 ||
	    strcmp(argv[0], "--man") == 0)) {
		man = 1;
		argc--;
		argv++;
	}
	if (argc > 0 && strcmp(argv[0], "--") == 0) {
		argc--;
		argv++;
	}
	if (argc > 1)
		return mare_err_set(err, MARE_E_USAGE,
		    "help: too many arguments");
	if (argc == 0)
		return man ? show_man("7", "mare", err) :
		    list_commands(dirs, err);
	name = argv[0];
	if (strncmp(name, "mare-", 5) == 0)
		name += 5;
	if (strcmp(name, "mare") == 0)
		return show_man("7", "mare", err);
	if (!valid_name(name))
		return mare_err_set(err, MARE_E_USAGE,
		    "invalid command name '%s'", argv[0]);
	if ((page = join("mare", name)) == NULL)
		return mare_err_sys(err, MARE_E_NOMEM, "out of memory");
	page[4] = '-';
	r = show_man("1", page, err);
	free(page);
	return r;
}

/* ------------------------------------------------------------------ */
/* mare lineage */

/* Print one argument, single-quoted when the shell would split it. */
static void
print_arg(const char *a)
{
	const char *p;

	if (*a != '\0' && strspn(a, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=+/.,:@%") == strlen(a)) {
		fputs(a, stdout);
		return;
	}
	putchar('\'');
	for (p = a; *p != '\0'; p++)
		if (*p == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*p);
	putchar('\'');
}

static void
print_node(const json_t *n, int depth)
{
	const char *st = json_string_value(json_object_get(n, "status"));
	const char *hex = json_string_value(json_object_get(n, "sha256"));
	const json_t *cmd, *k;
	size_t i;

	printf("%*s%s  %s", depth * 2, "",
	    json_string_value(json_object_get(n, "path")),
	    hex != NULL ? hex : "(no hash recorded)");
	if (strcmp(st, "missing") == 0)
		fputs("  NOT FOUND", stdout);
	else if (strcmp(st, "changed") == 0)
		printf("  CHANGED (now %s)", json_string_value(
		    json_object_get(n, "now")));
	else if (strcmp(st, "repeat") == 0)
		fputs("  (above)", stdout);
	putchar('\n');
	if ((cmd = json_object_get(n, "command")) != NULL) {
		printf("%*s$", depth * 2 + 2, "");
		json_array_foreach(cmd, i, k) {
			putchar(' ');
			print_arg(json_string_value(k) ? json_string_value(k) :
			    "?");
		}
		if (json_object_get(n, "via") != NULL)
			printf("   # recorded in %s", json_string_value(
			    json_object_get(n, "via")));
		putchar('\n');
	}
	json_array_foreach(json_object_get(n, "inputs"), i, k)
		print_node(k, depth + 1);
}

/* mare lineage [--format text|json] FILE */
static int
lineage(int argc, char **argv, struct mare_err *err)
{
	json_t *tree;
	const char *file = NULL;
	int json = 0, i, r;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			i++;
			if (strcmp(argv[i], "json") == 0)
				json = 1;
			else if (strcmp(argv[i], "text") == 0)
				json = 0;
			else
				return mare_err_set(err, MARE_E_USAGE,
				    "lineage: invalid --format value '%s': "
				    "expected text or json", argv[i]);
		} else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--") == 0 && i + 1 < argc &&
		    file == NULL) {
			file = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1] != '\0')
			return mare_err_set(err, MARE_E_USAGE, "lineage: "
			    "unknown option '%s'", argv[i]);
		else if (file == NULL)
			file = argv[i];
		else
			return mare_err_set(err, MARE_E_USAGE,
			    "lineage: too many arguments");
	}
	if (file == NULL)
		return mare_err_set(err, MARE_E_USAGE,
		    "lineage: a file is required");
	if ((tree = mare_lineage(file, err)) == NULL)
		return -1;
	if (json) {
		r = json_dumpf(tree, stdout, JSON_COMPACT);
		putchar('\n');
	} else {
		print_node(tree, 0);
		r = 0;
	}
	r = r != 0 ? mare_err_set(err, MARE_E_IO, "write error") :
	    mare_lineage_problems(tree) > 0 ? 1 : 0;
	json_decref(tree);
	return r;
}

/* ------------------------------------------------------------------ */

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "exec-path",	optional_argument, NULL, OPT_EXEC_PATH },
		{ "help",	no_argument,	   NULL, 'h' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ NULL,		0,		   NULL, 0 }
	};
	struct mare_cli_common common;
	struct names dirs = { NULL, 0, 0 };
	struct mare_err err;
	const char *exec_path = NULL, *name;
	int c, r, print_path = 0, status;

	mare_cli_init(argv[0], usage, &common, &err);
	/* getopt names the program by argv[0]: not libtool's .libs path */
	argv[0] = (char *)mare_cli_progname();
	/* '+': options end at the command name; the rest is the command's */
	while ((c = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_EXEC_PATH:
			if (optarg == NULL) {
				print_path = 1;
				break;
			}
			if (*optarg == '\0') {
				mare_err_set(&err, MARE_E_USAGE,
				    "invalid --exec-path value ''");
				return mare_cli_finish(-1, &err);
			}
			exec_path = optarg;
			break;
		default:
			/* -h, -V, or getopt's complaint ('?') */
			r = mare_cli_common_option(c, optarg, &common, &err);
			if (r == 2)
				return mare_cli_finish(0, &err);
			if (r >= 0)
				mare_err_set(&err, MARE_E_INTERNAL,
				    "unexpected option %d", c);
			return mare_cli_finish(-1, &err);
		}
	}
	/* Commands run from here inherit the folder. */
	if (exec_path != NULL && setenv("MARE_EXEC_PATH", exec_path, 1) != 0) {
		mare_err_sys(&err, MARE_E_NOMEM, "cannot set MARE_EXEC_PATH");
		return mare_cli_finish(-1, &err);
	}
	if (search_dirs(exec_path, &dirs) != 0) {
		names_release(&dirs);
		mare_err_sys(&err, MARE_E_NOMEM, "out of memory");
		return mare_cli_finish(-1, &err);
	}
	if (print_path) {
		printf("%s\n", dirs.n > 0 ? dirs.v[0] : ".");
		names_release(&dirs);
		return mare_cli_finish(0, &err);
	}
	if (optind >= argc) {
		usage(stderr);
		names_release(&dirs);
		return mare_cli_finish(mare_err_exit_status(MARE_E_USAGE),
		    NULL);
	}
	name = argv[optind];
	if (strcmp(name, "help") == 0) {
		r = help(&dirs, argc - optind, argv + optind, &err);
		names_release(&dirs);
		return mare_cli_finish(r == 0 ? 0 : -1, &err);
	}
	if (strcmp(name, "lineage") == 0) {
		r = lineage(argc - optind, argv + optind, &err);
		names_release(&dirs);
		return r > 0 ? mare_cli_finish(r, NULL) :
		    mare_cli_finish(r, &err);
	}
	if (!valid_name(name)) {
		mare_err_set(&err, MARE_E_USAGE, "invalid command name '%s': "
		    "expected letters a-z, digits and '-'", name);
		names_release(&dirs);
		return mare_cli_finish(-1, &err);
	}
	r = run_command(&dirs, name, argv + optind, &err);
	status = r > 0 ? not_found(&dirs, name, &err) : -1;
	names_release(&dirs);
	return mare_cli_finish(status, status < 0 ? &err : NULL);
}
