/*
 * test-lineage.c - unit tests of provenance reading and lineage trees
 *
 * Small hand-made artifacts in a temporary folder: a report's entity-
 * escaped <meta>, a model's "provenance" key, a bare record, JSON Lines
 * (no record), and a chain report -> model -> data whose links are found
 * by hash, one of them under another name, one changed, one missing.
 * Hashes are computed here with mare_sha256_file(), tested in test-prov.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "lineage.h"
#include "prov.h"
#include "tap.h"

static char dir[400];

static const char *
at(const char *name)
{
	static char buf[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

static void
put(const char *name, const char *text)
{
	FILE *fp = fopen(at(name), "w");

	if (fp == NULL)
		return;
	fputs(text, fp);
	fclose(fp);
}

static const char *
hash(const char *name)
{
	static char hex[4][65];
	static int k;
	struct mare_err err;

	k = (k + 1) % 4;
	mare_err_init(&err);
	if (mare_sha256_file(at(name), hex[k], &err) != 0)
		hex[k][0] = '\0';
	return hex[k];
}

static void
test_prov(void)
{
	struct mare_err err;
	json_t *p;

	mare_err_init(&err);
	put("r.html", "<!DOCTYPE html>\n<html><head><meta name=\"mare-"
	    "provenance\" content=\"{&quot;tool&quot;:&quot;mare&quot;,"
	    "&quot;command&quot;:[&quot;mare-report&quot;,&quot;--title"
	    "&quot;,&quot;a &lt;b&gt; &amp; &#39;c&#39;&quot;],&quot;inputs"
	    "&quot;:[]}\"></head></html>\n");
	is_int(mare_lineage_prov(at("r.html"), &p, &err), 0,
	    "prov: a report's meta is read");
	is_str(json_string_value(json_array_get(json_object_get(p,
	    "command"), 2)), "a <b> & 'c'",
	    "prov: the five entities are unescaped");
	json_decref(p);

	put("m.json", "{\"format\":\"mare-model\",\"provenance\":{\"tool\":"
	    "\"mare\",\"command\":[\"mare-train\"],\"inputs\":[]}}\n");
	is_int(mare_lineage_prov(at("m.json"), &p, &err), 0,
	    "prov: a model is read");
	is_str(json_string_value(json_array_get(json_object_get(p,
	    "command"), 0)), "mare-train", "prov: a model's provenance key");
	json_decref(p);

	put("bare.json", "{\"tool\":\"mare\",\"command\":[\"x\"],"
	    "\"inputs\":[]}");
	mare_lineage_prov(at("bare.json"), &p, &err);
	ok(p != NULL, "prov: a bare record is its own provenance");
	json_decref(p);

	put("r.jsonl", "{\"a\":1}\n{\"a\":2}\n");
	is_int(mare_lineage_prov(at("r.jsonl"), &p, &err), 0,
	    "prov: JSON Lines are no error");
	ok(p == NULL, "prov: JSON Lines carry no record");

	put("plain.html", "<html><body>no record</body></html>\n");
	mare_lineage_prov(at("plain.html"), &p, &err);
	ok(p == NULL, "prov: a page without the meta carries none");

	put("bad.html", "<html><meta name=\"mare-provenance\" content=\""
	    "[1]\"></html>");
	is_int(mare_lineage_prov(at("bad.html"), &p, &err), -1,
	    "prov: a meta that is not a JSON object is an error");
	is_int(err.code, MARE_E_DATA, "prov: ... MARE_E_DATA");

	mare_err_init(&err);
	is_int(mare_lineage_prov(at("nope"), &p, &err), -1,
	    "prov: a missing file is an error");
	is_int(err.code, MARE_E_NOINPUT, "prov: ... MARE_E_NOINPUT");
}

static void
test_tree(void)
{
	struct mare_err err;
	json_t *t, *in;
	char text[2048];

	mare_err_init(&err);
	put("data.csv", "a,b\n1,2\n");
	put("other.csv", "x\n");
	put("renamed.jsonl", "{\"a\":1}\n");
	/* the model names its data as recorded elsewhere; found by hash */
	snprintf(text, sizeof(text), "{\"provenance\":{\"tool\":\"mare\","
	    "\"command\":[\"mare-train\",\"-o\",\"model.json\"],\"inputs\":["
	    "{\"path\":\"/elsewhere/data.csv\",\"sha256\":\"%s\"},"
	    "{\"path\":\"records.jsonl\",\"sha256\":\"%s\"},"
	    "{\"path\":\"other.csv\",\"sha256\":\"%064d\"},"
	    "{\"path\":\"gone.csv\",\"sha256\":\"%064d\"},"
	    "{\"path\":\"<stdin>\",\"sha256\":null}]}}\n",
	    hash("data.csv"), hash("renamed.jsonl"), 1, 2);
	put("model.json", text);
	snprintf(text, sizeof(text), "{\"tool\":\"mare\",\"command\":["
	    "\"mare-report\"],\"inputs\":[{\"path\":\"model.json\","
	    "\"sha256\":\"%s\"},{\"path\":\"data.csv\",\"sha256\":\"%s\"}]}",
	    hash("model.json"), hash("data.csv"));
	put("report.json", text);

	t = mare_lineage(at("report.json"), &err);
	ok(t != NULL, "tree: built");
	is_str(json_string_value(json_object_get(t, "status")), "ok",
	    "tree: the root is ok");
	is_str(json_string_value(json_object_get(t, "sha256")),
	    hash("report.json"), "tree: the root's hash");
	in = json_object_get(json_array_get(json_object_get(t, "inputs"), 0),
	    "inputs");
	is_int((long long)json_array_size(in), 5, "tree: five model inputs");
	is_str(json_string_value(json_object_get(json_array_get(in, 0),
	    "path")), at("data.csv"), "tree: found by name in the folder");
	is_str(json_string_value(json_object_get(json_array_get(in, 1),
	    "path")), at("renamed.jsonl"), "tree: found by hash alone");
	is_str(json_string_value(json_object_get(json_array_get(in, 2),
	    "status")), "changed", "tree: the recorded path holds other "
	    "bytes");
	is_str(json_string_value(json_object_get(json_array_get(in, 2),
	    "now")), hash("other.csv"), "tree: ... and its hash now");
	is_str(json_string_value(json_object_get(json_array_get(in, 3),
	    "status")), "missing", "tree: nothing has the hash");
	is_str(json_string_value(json_object_get(json_array_get(in, 4),
	    "status")), "unknown", "tree: no hash recorded");
	is_str(json_string_value(json_object_get(json_array_get(
	    json_object_get(t, "inputs"), 1), "status")), "repeat",
	    "tree: data.csv a second time is a repeat");
	is_int((long long)mare_lineage_problems(t), 2,
	    "tree: two problems (changed, missing)");
	json_decref(t);

	ok(mare_lineage(at("nope.json"), &err) == NULL &&
	    err.code == MARE_E_NOINPUT, "tree: a missing file is an error");
}

static void
test_more(void)
{
	struct mare_err err;
	json_t *prov = NULL, *tree;
	char want[700], cwd[4096];

	put("u.html", "<html><meta name=\"mare-provenance\" content=\"{&quot;"
	    "command&quot;: [");
	mare_err_init(&err);
	ok(mare_lineage_prov(at("u.html"), &prov, &err) == -1 &&
	    err.code == MARE_E_DATA && prov == NULL, "lineage: a <meta> "
	    "without its closing quote is a data error");
	snprintf(want, sizeof(want), "%s: mare-provenance: unterminated",
	    at("u.html"));
	is_str(err.msg, want, "lineage: ... saying unterminated");

	put("plain.html", "<html><p>no record here</p></html>\n");
	mare_err_init(&err);
	ok(mare_lineage_prov(at("plain.html"), &prov, &err) == 0 &&
	    prov == NULL, "lineage: a page without the <meta> has no record");

	mare_err_init(&err);
	ok(mare_lineage_prov(dir, &prov, &err) == -1 &&
	    err.code == MARE_E_IO, "lineage: a folder is a read error");
	snprintf(want, sizeof(want), "'%s': read error", dir);
	is_str(err.msg, want, "lineage: ... naming it");

	/* a path without a folder part, from the current folder */
	put("rel.jsonl", "{\"a\":1}\n");
	if (getcwd(cwd, sizeof(cwd)) != NULL && chdir(dir) == 0) {
		mare_err_init(&err);
		tree = mare_lineage("rel.jsonl", &err);
		ok(tree != NULL && strcmp(json_string_value(json_object_get(
		    tree, "path")), "rel.jsonl") == 0 &&
		    strcmp(json_string_value(json_object_get(tree, "status")),
		    "ok") == 0 && strcmp(json_string_value(json_object_get(
		    tree, "sha256")), hash("rel.jsonl")) == 0,
		    "lineage: a bare file name is found, ok, with its hash");
		json_decref(tree);
		if (chdir(cwd) != 0)
			diag("cannot go back to %s", cwd);
	} else
		skip("no current folder", "lineage: a bare file name");
}

int
main(void)
{
	snprintf(dir, sizeof(dir), "%s", tap_tmpdir());
	test_prov();
	test_tree();
	test_more();
	return tap_done();
}
