/*
 * lineage.c - the chain of artifacts that produced a file (see lineage.h)
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "err.h"
#include "io.h"
#include "lineage.h"
#include "prov.h"
#include "tensor.h"

static const char TENSOR_MAGIC[8] = "\x89MTN\r\n\x1a\n";
static const char META_OPEN[] = "<meta name=\"mare-provenance\" content=\"";

/* Options whose argument is a file the command wrote. */
static const char *const out_opts[] = { "-o", "--output", "-R",
	"--reject", "--summary", "--spec-out", "--profile-out", NULL };

struct ctx {
	json_t	*hashes;	/* path -> hex, or null: not a regular file */
	json_t	*provs;		/* path -> record, or null: none */
	json_t	*seen;		/* hex -> true: expanded in the tree */
};

/* Records */

/* Replace the five entities the report writes, in place. */
static void
unescape(char *s)
{
	static const struct {
		const char	*ent;
		char		 c;
	} ents[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
	    { "&quot;", '"' }, { "&#39;", '\'' } };
	char *r = s, *w = s;
	size_t i, n;

	while (*r != '\0') {
		if (*r == '&') {
			for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
				n = strlen(ents[i].ent);
				if (strncmp(r, ents[i].ent, n) == 0)
					break;
			}
			if (i < sizeof(ents) / sizeof(ents[0])) {
				*w++ = ents[i].c;
				r += n;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
}

/* The record of a report: its <meta name="mare-provenance">. */
static int
html_prov(FILE *fp, const char *path, json_t **prov, struct mare_err *err)
{
	json_error_t jerr;
	char *buf, *p, *q;

	if ((buf = mare_in_slurp(fp, path, MARE_LINEAGE_MAX_HTML, NULL,
	    err)) == NULL)
		return -1;
	if ((p = strstr(buf, META_OPEN)) == NULL) {
		free(buf);
		return 0;
	}
	p += sizeof(META_OPEN) - 1;
	if ((q = strchr(p, '"')) == NULL) {
		free(buf);
		return mare_err_set(err, MARE_E_DATA, "%s: mare-provenance: "
		    "unterminated", path);
	}
	*q = '\0';
	unescape(p);
	*prov = json_loads(p, 0, &jerr);
	free(buf);
	if (!json_is_object(*prov)) {
		json_decref(*prov);
		*prov = NULL;
		return mare_err_set(err, MARE_E_DATA, "%s: mare-provenance: "
		    "not a JSON object", path);
	}
	return 0;
}

/* A JSON file's "provenance", or the file when it is a bare record. */
static int
json_prov(const char *path, json_t **prov)
{
	json_error_t jerr;
	json_t *j, *p;

	/* JSON Lines and other non-JSON carry no record: not an error */
	if ((j = json_load_file(path, 0, &jerr)) == NULL)
		return 0;
	p = json_object_get(j, "provenance");
	if (json_is_object(p))
		*prov = json_incref(p);
	else if (json_is_array(json_object_get(j, "command")) &&
	    json_is_array(json_object_get(j, "inputs")))
		*prov = json_incref(j);
	json_decref(j);
	return 0;
}

int
mare_lineage_prov(const char *path, json_t **prov, struct mare_err *err)
{
	struct mare_tensor_reader *r;
	const json_t *p;
	FILE *fp;
	char head[16];
	size_t n, i;
	int rc = 0;

	*prov = NULL;
	if ((fp = fopen(path, "rb")) == NULL)
		return mare_err_sys(err, MARE_E_NOINPUT, "'%s'", path);
	n = fread(head, 1, sizeof(head), fp);
	if (ferror(fp)) {
		fclose(fp);
		return mare_err_set(err, MARE_E_IO, "'%s': read error", path);
	}
	for (i = 0; i < n && strchr(" \t\r\n", head[i]) != NULL; i++)
		continue;
	if (n >= sizeof(TENSOR_MAGIC) &&
	    memcmp(head, TENSOR_MAGIC, sizeof(TENSOR_MAGIC)) == 0) {
		rewind(fp);
		if ((r = mare_tensor_reader_new(fp, path, err)) == NULL)
			rc = -1;
		else {
			p = json_object_get(mare_tensor_reader_info(r)->meta,
			    "provenance");
			if (json_is_object(p))
				*prov = json_deep_copy(p);
			mare_tensor_reader_free(r);
		}
	} else if (i < n && head[i] == '{')
		rc = json_prov(path, prov);
	else if (i < n && head[i] == '<') {
		rewind(fp);
		rc = html_prov(fp, path, prov, err);
	}
	fclose(fp);
	return rc;
}

/* Paths */

static char *
join(const char *dir, const char *name)
{
	size_t n;
	char *s;

	if (name[0] == '/' || strcmp(dir, ".") == 0)
		return strdup(name);
	n = strlen(dir) + strlen(name) + 2;
	if ((s = malloc(n)) != NULL)
		snprintf(s, n, "%s/%s", dir, name);
	return s;
}

/* The folder part of path: "." when it has none. */
static char *
dir_of(const char *path)
{
	const char *sl = strrchr(path, '/');

	if (sl == NULL)
		return strdup(".");
	if (sl == path)
		return strdup("/");
	return strndup(path, (size_t)(sl - path));
}

static const char *
base_of(const char *path)
{
	const char *sl = strrchr(path, '/');

	return sl != NULL ? sl + 1 : path;
}

/* The SHA-256 of a regular file, cached; NULL when it is none. */
static const char *
hash_of(struct ctx *c, const char *path)
{
	struct mare_err e;
	struct stat st;
	json_t *v;
	char hex[65];

	v = json_object_get(c->hashes, path);
	if (v != NULL)
		return json_string_value(v);
	mare_err_init(&e);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    mare_sha256_file(path, hex, &e) != 0)
		v = json_null();
	else
		v = json_string(hex);
	json_object_set_new(c->hashes, path, v);
	return json_string_value(v);
}

/* The record of a file, cached; NULL when none or unreadable. */
static json_t *
prov_of(struct ctx *c, const char *path)
{
	struct mare_err e;
	json_t *v, *p = NULL;

	v = json_object_get(c->provs, path);
	if (v != NULL)
		return json_is_object(v) ? v : NULL;
	mare_err_init(&e);
	if (mare_lineage_prov(path, &p, &e) != 0 || p == NULL)
		p = json_null();
	json_object_set_new(c->provs, path, p);
	return json_is_object(p) ? p : NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir as "dir/name", sorted; NULL-terminated. */
static char **
dir_files(const char *dir)
{
	struct dirent *de;
	struct stat st;
	char **v = NULL, **nv, *p;
	size_t n = 0, cap = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return calloc(1, sizeof(*v));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((p = join(dir, de->d_name)) == NULL)
			break;
		if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		if (n + 1 >= cap) {
			cap = cap ? cap * 2 : 32;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				free(p);
				break;
			}
			v = nv;
		}
		v[n++] = p;
	}
	closedir(d);
	if (v == NULL)
		return calloc(1, sizeof(*v));
	v[n] = NULL;
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
}

static void
files_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/*
 * Find the input recorded as rec with hash hex, for an artifact in dir.
 * Returns a new path, or NULL; *now is then the hash the recorded path
 * holds when it holds other bytes ("" otherwise), and *where that path (a
 * new string).
 */
static char *
find_input(struct ctx *c, const char *dir, const char *rec, const char *hex,
    char now[65], char **where)
{
	const char *h;
	char *cand[3] = { NULL, NULL, NULL }, **files, *found = NULL;
	size_t i;

	now[0] = '\0';
	*where = NULL;
	cand[0] = join(dir, rec);
	cand[1] = strdup(rec);
	cand[2] = join(dir, base_of(rec));
	for (i = 0; i < 3 && found == NULL; i++) {
		if (cand[i] == NULL || (h = hash_of(c, cand[i])) == NULL)
			continue;
		if (strcmp(h, hex) == 0)
			found = strdup(cand[i]);
		else if (i < 2 && now[0] == '\0') {
			snprintf(now, 65, "%s", h);
			*where = strdup(cand[i]);
		}
	}
	for (i = 0; i < 3; i++)
		free(cand[i]);
	if (found != NULL)
		goto out;
	files = dir_files(dir);
	for (i = 0; files != NULL && files[i] != NULL && found == NULL; i++)
		if ((h = hash_of(c, files[i])) != NULL && strcmp(h, hex) == 0)
			found = strdup(files[i]);
	files_free(files);
	if (found == NULL)
		return NULL;
out:
	now[0] = '\0';
	free(*where);
	*where = NULL;
	return found;
}

/* Whether the command of record p, run in dir, wrote the file st. */
static int
wrote(const json_t *p, const char *dir, const struct stat *st)
{
	const json_t *cmd = json_object_get(p, "command");
	const char *a, *arg;
	struct stat ost;
	size_t i, j, n;
	char *path;
	int hit = 0;

	for (i = 1; i < json_array_size(cmd) && !hit; i++) {
		a = json_string_value(json_array_get(cmd, i));
		if (a == NULL)
			continue;
		arg = NULL;
		for (j = 0; out_opts[j] != NULL && arg == NULL; j++) {
			n = strlen(out_opts[j]);
			if (strcmp(a, out_opts[j]) == 0)
				arg = json_string_value(json_array_get(cmd,
				    i + 1));
			else if (strncmp(a, out_opts[j], n) == 0 &&
			    a[n] == '=' && out_opts[j][1] == '-')
				arg = a + n + 1;
		}
		if (arg == NULL || (path = join(dir, arg)) == NULL)
			continue;
		hit = stat(path, &ost) == 0 && ost.st_dev == st->st_dev &&
		    ost.st_ino == st->st_ino;
		free(path);
	}
	return hit;
}

/*
 * A record in the file's folder whose command wrote it, or NULL; *via is
 * then a new string, the record's file.
 */
static json_t *
writer_of(struct ctx *c, const char *path, char **via)
{
	struct stat st;
	char *dir, **files;
	json_t *p, *hit = NULL;
	size_t i;

	*via = NULL;
	if (stat(path, &st) != 0 || (dir = dir_of(path)) == NULL)
		return NULL;
	files = dir_files(dir);
	for (i = 0; files != NULL && files[i] != NULL && hit == NULL; i++) {
		if (strcmp(files[i], path) == 0 ||
		    (p = prov_of(c, files[i])) == NULL)
			continue;
		if (wrote(p, dir, &st) && (*via = strdup(files[i])) != NULL)
			hit = p;
	}
	files_free(files);
	free(dir);
	return hit;
}

/* Tree */

static json_t *node(struct ctx *c, const char *path, const char *hex,
    int depth);

/* Copy the record's description into n and add its inputs' nodes. */
static void
describe(struct ctx *c, json_t *n, const json_t *p, const char *dir,
    int depth)
{
	static const char *const keys[] = { "command", "version", "created",
	    "seed", NULL };
	const json_t *ins, *in;
	const char *rec, *hex;
	json_t *kids, *k;
	char now[65], *found, *where;
	size_t i;

	for (i = 0; keys[i] != NULL; i++)
		if (json_object_get(p, keys[i]) != NULL)
			json_object_set(n, keys[i], json_object_get(p,
			    keys[i]));
	kids = json_array();
	json_object_set_new(n, "inputs", kids);
	ins = json_object_get(p, "inputs");
	json_array_foreach(ins, i, in) {
		rec = json_string_value(json_object_get(in, "path"));
		hex = json_string_value(json_object_get(in, "sha256"));
		if (rec == NULL)
			rec = "?";
		if (hex == NULL) {
			json_array_append_new(kids, json_pack("{s:s,s:n,s:s}",
			    "path", rec, "sha256", "status", "unknown"));
			continue;
		}
		found = find_input(c, dir, rec, hex, now, &where);
		if (found == NULL) {
			k = json_pack("{s:s,s:s,s:s}", "path", where != NULL ?
			    where : rec, "sha256", hex, "status", now[0] ?
			    "changed" : "missing");
			if (now[0] != '\0')
				json_object_set_new(k, "now", json_string(now));
			json_array_append_new(kids, k);
			free(where);
			continue;
		}
		json_array_append_new(kids, node(c, found, hex, depth + 1));
		free(found);
	}
}

static json_t *
node(struct ctx *c, const char *path, const char *hex, int depth)
{
	json_t *n, *p;
	char *dir, *via = NULL;

	n = json_pack("{s:s,s:s,s:s}", "path", path, "sha256", hex,
	    "status", "ok");
	if (n == NULL)
		return NULL;
	if (json_object_get(c->seen, hex) != NULL) {
		json_object_set_new(n, "status", json_string("repeat"));
		return n;
	}
	json_object_set_new(c->seen, hex, json_true());
	if (depth >= MARE_LINEAGE_MAX_DEPTH)
		return n;
	if ((p = prov_of(c, path)) == NULL &&
	    (p = writer_of(c, path, &via)) != NULL)
		json_object_set_new(n, "via", json_string(via));
	free(via);
	if (p != NULL && (dir = dir_of(path)) != NULL) {
		/* a writer's inputs are relative to the writer's folder */
		describe(c, n, p, dir, depth);
		free(dir);
	}
	return n;
}

json_t *
mare_lineage(const char *path, struct mare_err *err)
{
	struct ctx c;
	json_t *p = NULL, *tree = NULL;
	char hex[65];

	if (mare_sha256_file(path, hex, err) != 0)
		return NULL;
	/* the file asked about: its own record must be readable */
	if (mare_lineage_prov(path, &p, err) != 0)
		return NULL;
	c.hashes = json_object();
	c.provs = json_object();
	c.seen = json_object();
	if (c.hashes == NULL || c.provs == NULL || c.seen == NULL)
		goto nomem;
	json_object_set_new(c.hashes, path, json_string(hex));
	json_object_set(c.provs, path, p != NULL ? p : json_null());
	tree = node(&c, path, hex, 0);
	if (tree == NULL)
		goto nomem;
	json_decref(p);
	json_decref(c.hashes);
	json_decref(c.provs);
	json_decref(c.seen);
	return tree;
nomem:
	json_decref(p);
	json_decref(c.hashes);
	json_decref(c.provs);
	json_decref(c.seen);
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
	return NULL;
}

size_t
mare_lineage_problems(const json_t *tree)
{
	const char *s = json_string_value(json_object_get(tree, "status"));
	const json_t *k;
	size_t i, n = 0;

	if (s != NULL && (strcmp(s, "missing") == 0 ||
	    strcmp(s, "changed") == 0))
		n++;
	json_array_foreach(json_object_get(tree, "inputs"), i, k)
		n += mare_lineage_problems(k);
	return n;
}
