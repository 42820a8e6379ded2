/*
 * test-prov.c - unit tests of SHA-256 and provenance records
 *
 * Reference digests are the FIPS 180-2 examples (appendix B) and the
 * SHA-256 of the empty string, as `printf '' | sha256sum` prints it.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "prov.h"
#include "tap.h"

#define ABC	"ba7816bf8f01cfea414140de5dae2223" \
	"b00361a396177a9cb410ff61f20015ad"
#define EMPTY	"e3b0c44298fc1c149afbf4c8996fb924" \
	"27ae41e4649b934ca495991b7852b855"
#define TWO	"248d6a61d20638b8e5c026930c3e6039" \
	"a33ce45964ff2167f6ecedd419db06c1"
#define MILLION	"cdc76e5c9914fb9281a1c7e284d73e67" \
	"f1809a48a497200e046d39ccc7112cd0"

static void
test_sha256(void)
{
	struct mare_sha256 s;
	struct mare_err err;
	char hex[65], path[512], msg[800];
	char *a;
	size_t i;
	FILE *fp;

	mare_err_init(&err);
	is_int(mare_sha256_buf("abc", 3, hex, &err), 0,
	    "sha256: hashing a buffer succeeds");
	is_str(hex, ABC, "sha256: \"abc\" gives the FIPS 180-2 digest");
	mare_sha256_buf("", 0, hex, &err);
	is_str(hex, EMPTY, "sha256: the empty string gives its known digest");
	mare_sha256_buf("abcdbcdecdefdefgefghfghighijhijkijkljklm"
	    "klmnlmnomnopnopq", 56, hex, &err);
	is_str(hex, TWO, "sha256: the 448-bit FIPS 180-2 message gives its "
	    "digest");

	/* A million 'a' fed in uneven pieces. */
	a = malloc(1000000);
	memset(a, 'a', 1000000);
	is_int(mare_sha256_init(&s, &err), 0, "sha256: a stream starts");
	for (i = 0; i < 1000000; i += 7777)
		mare_sha256_update(&s, a + i, i + 7777 <= 1000000 ? 7777 :
		    1000000 - i);
	is_int(mare_sha256_final(&s, hex, &err), 0, "sha256: a stream ends");
	is_str(hex, MILLION, "sha256: a million 'a' in pieces give the FIPS "
	    "180-2 digest");
	ok(s.ctx == NULL, "sha256: final releases the context");
	mare_sha256_release(&s);

	snprintf(path, sizeof(path), "%s/million", tap_tmpdir());
	fp = fopen(path, "wb");
	fwrite(a, 1, 1000000, fp);
	fclose(fp);
	free(a);
	is_int(mare_sha256_file(path, hex, &err), 0,
	    "sha256: hashing a file succeeds");
	is_str(hex, MILLION, "sha256: a file of a million 'a' gives the same "
	    "digest");

	snprintf(path, sizeof(path), "%s/empty", tap_tmpdir());
	fclose(fopen(path, "wb"));
	mare_sha256_file(path, hex, &err);
	is_str(hex, EMPTY, "sha256: an empty file gives the empty digest");

	snprintf(path, sizeof(path), "%s/nope", tap_tmpdir());
	is_int(mare_sha256_file(path, hex, &err), -1,
	    "sha256: a missing file fails");
	is_int(err.code, MARE_E_NOINPUT, "sha256: a missing file is NOINPUT");
	snprintf(path, sizeof(path), "'%s/nope': No such file or directory",
	    tap_tmpdir());
	is_str(mare_err_format(&err, msg, sizeof(msg)), path,
	    "sha256: a missing file is named with strerror");
	is_str(hex, "", "sha256: a failed hash leaves an empty string");

	mare_err_init(&err);
	is_int(mare_sha256_file(tap_tmpdir(), hex, &err), -1,
	    "sha256: a folder cannot be hashed");
	is_int(err.code, MARE_E_IO, "sha256: reading a folder is an I/O "
	    "error");
}

static char *
dump(const struct mare_prov *p)
{
	json_t *o = mare_prov_to_json(p);
	char *s = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	return s;
}

static struct mare_prov *
example(const char *input)
{
	static char a0[] = "mare-train", a1[] = "-o", a2[] = "m.json",
	    a3[] = "--seed", a4[] = "42";
	char *argv[] = { a0, a1, a2, a3, a4, NULL };
	struct mare_prov *p;
	struct mare_err err;

	mare_err_init(&err);
	p = mare_prov_new(5, argv, 42, (time_t)1700000000, &err);
	if (mare_prov_add_input(p, input, &err) == -1 ||
	    mare_prov_add_input(p, "-", &err) == -1 ||
	    mare_prov_add_input_hash(p, "<stdin>", EMPTY, &err) == -1)
		diag("%s", err.msg);
	return p;
}

static void
test_prov(void)
{
	struct mare_prov *p, *q;
	struct mare_err err;
	char path[512], want[2048], *s1, *s2, *line = NULL;
	static char b0[] = "mare-x", b1[] = "caf\xe9", b2[] = "\xc3\xa9";
	char *bad[] = { b0, b1, b2, NULL };
	size_t n = 0;
	json_t *o;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/occ.jsonl", tap_tmpdir());
	fp = fopen(path, "wb");
	fputs("abc", fp);
	fclose(fp);

	p = example(path);
	s1 = dump(p);
	snprintf(want, sizeof(want), "{\"tool\":\"mare\","
	    "\"version\":\"0.1.0\","
	    "\"command\":[\"mare-train\",\"-o\",\"m.json\",\"--seed\",\"42\"],"
	    "\"seed\":42,\"created\":\"2023-11-14T22:13:20Z\","
	    "\"inputs\":[{\"path\":\"%s\",\"sha256\":\"" ABC "\"},"
	    "{\"path\":\"<stdin>\",\"sha256\":null},"
	    "{\"path\":\"<stdin>\",\"sha256\":\"" EMPTY "\"}]}", path);
	is_str(s1, want, "prov: the record has every field, in order, with "
	    "time 1700000000 as 2023-11-14T22:13:20Z");

	q = example(path);
	s2 = dump(q);
	is_str(s2, s1, "prov: the same inputs give byte-identical JSON");
	free(s2);

	/* And through the JSON Lines writer, which mare uses for files. */
	fp = open_memstream(&line, &n);
	o = mare_prov_to_json(q);
	mare_err_init(&err);
	is_int(mare_jsonl_write(fp, o, &err), 0,
	    "prov: the record is written as a JSON line");
	fclose(fp);
	json_decref(o);
	n = strlen(want);
	snprintf(want + n, sizeof(want) - n, "\n");
	is_str(line, want, "prov: the JSON line is the same bytes");
	free(line);
	free(s1);
	mare_prov_free(q);

	mare_err_init(&err);
	is_int(mare_prov_add_input_hash(p, "x", "ABC", &err), -1,
	    "prov: a hash that is not 64 hex digits is refused");
	is_int(err.code, MARE_E_INTERNAL, "prov: a bad hash is a caller bug");
	mare_err_init(&err);
	is_int(mare_prov_add_input_hash(p, "x", ABC "0", &err), -1,
	    "prov: a hash of 65 digits is refused");
	mare_err_init(&err);
	snprintf(path, sizeof(path), "%s/nope", tap_tmpdir());
	is_int(mare_prov_add_input(p, path, &err), -1,
	    "prov: a missing input fails");
	is_int(err.code, MARE_E_NOINPUT, "prov: a missing input is NOINPUT");
	mare_prov_free(p);

	mare_err_init(&err);
	p = mare_prov_new(0, NULL, (unsigned long long)LLONG_MAX + 1, 0, &err);
	ok(p == NULL && err.code == MARE_E_USAGE,
	    "prov: a seed above 2^63 - 1 is refused");
	is_str(err.msg, "seed 9223372036854775808 is too large to record "
	    "(at most 9223372036854775807)", "prov: the refusal names the "
	    "limit");

	mare_err_init(&err);
	p = mare_prov_new(3, bad, (unsigned long long)LLONG_MAX, -86400, &err);
	s1 = dump(p);
	is_str(s1, "{\"tool\":\"mare\",\"version\":\"0.1.0\","
	    "\"command\":[\"mare-x\",\"caf\xef\xbf\xbd\",\"\xc3\xa9\"],"
	    "\"seed\":9223372036854775807,"
	    "\"created\":\"1969-12-31T00:00:00Z\","
	    "\"inputs\":[]}", "prov: bytes that are not UTF-8 become U+FFFD, "
	    "the largest seed and times before 1970 are kept");
	free(s1);
	mare_prov_free(p);
	mare_prov_free(NULL);
}

static void
test_more(void)
{
	static char a0[] = "mare-x";
	static char a1[] = "\xc3\xa9\xff\xf0\x9d\x84\x9e\xe2\x82";
	char *mixed[] = { a0, a1 };
	struct mare_prov *p;
	struct mare_err err;
	char hex[65], *s;

	/* a valid 2-byte and 4-byte character survive beside bad bytes:
	 * é, U+FFFD for 0xFF, U+1D11E, U+FFFD for each byte of a cut
	 * 3-byte character */
	mare_err_init(&err);
	p = mare_prov_new(2, mixed, 1, 0, &err);
	s = dump(p);
	like(s, "\"command\":[\"mare-x\",\"\xc3\xa9\xef\xbf\xbd\xf0\x9d\x84"
	    "\x9e\xef\xbf\xbd\xef\xbf\xbd\"]", "prov: valid characters are "
	    "kept around the replaced bytes");
	free(s);
	mare_prov_free(p);

	/* 10000-01-01T00:00:00Z is 253402300800 s after the epoch */
	mare_err_init(&err);
	ok(mare_prov_new(0, NULL, 1, (time_t)253402300800LL, &err) == NULL &&
	    err.code == MARE_E_USAGE && strcmp(err.msg, "time 253402300800 is "
	    "outside the years 0 to 9999") == 0, "prov: the year 10000 is "
	    "refused");
	mare_err_init(&err);
	p = mare_prov_new(0, NULL, 1, (time_t)253402300799LL, &err);
	s = dump(p);
	like(s, "\"created\":\"9999-12-31T23:59:59Z\"", "prov: the last "
	    "second of 9999 is kept");
	free(s);
	mare_prov_free(p);

	/* hashing a folder: open works, the read fails */
	mare_err_init(&err);
	ok(mare_sha256_file(tap_tmpdir(), hex, &err) == -1 &&
	    err.code == MARE_E_IO && err.sys_errno == EISDIR,
	    "prov: hashing a folder is a read error (EISDIR)");
	{
		char want[600];

		snprintf(want, sizeof(want), "'%s': read error",
		    tap_tmpdir());
		is_str(err.msg, want, "prov: naming the folder");
	}
}

int
main(void)
{
	test_sha256();
	test_prov();
	test_more();
	return tap_done();
}
