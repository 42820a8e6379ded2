/*
 * fuzz-cache - libFuzzer target: the HTTP cache's metadata files and URLs
 *
 * A cache folder is made once under $TMPDIR (default /tmp) and removed at
 * exit. Each input is written as the .meta file of one fixed entry whose
 * body is stored by mare_cache_put(); mare_cache_get() must then either
 * serve exactly that body or report a miss or an error -- never crash. The
 * input is also normalised as a URL.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "fuzz.h"

#define URL	"https://api.obis.org/v3/occurrence?size=1"
#define BODY	"{\"total\": 0, \"results\": []}"

static char dir[256], metapath[512], bodypath[512];
static struct mare_cache *cache;

static void
cleanup(void)
{
	char d[512];

	mare_cache_close(cache);
	unlink(metapath);
	unlink(bodypath);
	snprintf(d, sizeof(d), "%s", metapath);
	if (strrchr(d, '/') != NULL)
		*strrchr(d, '/') = '\0';
	rmdir(d);
	rmdir(dir);
}

static int
setup(void)
{
	const char *tmp = getenv("TMPDIR");
	struct mare_err err;
	char hex[65];

	snprintf(dir, sizeof(dir), "%s/mare-fuzz-cache.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return -1;
	mare_err_init(&err);
	if ((cache = mare_cache_open(dir, 0, &err)) == NULL ||
	    mare_cache_key(URL, hex, &err) == -1 ||
	    mare_cache_put(cache, URL, 200, NULL, "application/json", BODY,
	    strlen(BODY), &err) == -1)
		return -1;
	snprintf(metapath, sizeof(metapath), "%s/%.2s/%s.meta", dir, hex,
	    hex + 2);
	snprintf(bodypath, sizeof(bodypath), "%s/%.2s/%s.json", dir, hex,
	    hex + 2);
	atexit(cleanup);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct mare_cache_entry ent;
	struct mare_err err;
	char *s;
	FILE *fp;
	int ret;

	if (size > 65536)
		return 0;
	if (!ready) {
		if (setup() == -1)
			abort();
		ready = 1;
	}
	if ((fp = fopen(metapath, "w")) == NULL)
		abort();
	if (size > 0)
		fwrite(data, 1, size, fp);
	if (fclose(fp) != 0)
		abort();
	mare_err_init(&err);
	ret = mare_cache_get(cache, URL, &ent, &err);
	if (ret == -1)
		fuzz_check_err(&err);
	else if (ret == 1 && (ent.len != strlen(BODY) ||
	    memcmp(ent.body, BODY, ent.len) != 0)) {
		fprintf(stderr, "fuzz: cache served a wrong body\n");
		abort();
	}
	mare_cache_entry_release(&ent);
	if ((s = fuzz_strndup(data, size)) != NULL) {
		mare_err_init(&err);
		free(mare_cache_normalize_url(s, &err));
		free(s);
	}
	return 0;
}
