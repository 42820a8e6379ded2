/*
 * tensor.c - mare-tensor(5) reader, writer and file mapping
 *
 * The reader is a small state machine over the records of the stream:
 * header, then chunk records ("ROWS", whose data is handed out in pieces
 * of the caller's size while a running CRC is kept), then the end record,
 * then nothing. It never allocates by a size read from the stream except
 * the header JSON, which is capped at MARE_TENSOR_MAX_JSON and, on a
 * regular file, checked against the bytes left. Data never passes through
 * the reader's memory: it is read into the caller's buffer.
 *
 * The writer computes a chunk's CRC as crc32(chunk header) combined with
 * crc32(data) (zlib's crc32_combine), so that the single chunk of a file
 * can have its row count patched at finish without reading the data back.
 *
 * On a big-endian host the data is byte-swapped on the way in and out; the
 * CRCs are always of the little-endian bytes in the stream.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <zlib.h>

#include "tensor.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_BIG_ENDIAN 1
#else
#define HOST_BIG_ENDIAN 0
#endif

static const unsigned char magic[8] = {
	0x89, 'M', 'T', 'N', '\r', '\n', 0x1a, '\n'
};

#define FIXED_HEADER	28	/* magic .. JSON length */
#define RECORD_HEADER	16	/* tag, reserved, count */
#define END_RECORD	20	/* with its CRC */

/* ------------------------------------------------------------------ */
/* Little-endian fields */

static uint16_t
get16(const unsigned char *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
	    ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t
get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | ((uint64_t)get32(p + 4) << 32);
}

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void
swap_items(void *buf, size_t n, size_t itemsize)
{
	unsigned char *p = buf, t;
	size_t i, j;

	if (!HOST_BIG_ENDIAN)
		return;
	for (i = 0; i < n; i++, p += itemsize)
		for (j = 0; j < itemsize / 2; j++) {
			t = p[j];
			p[j] = p[itemsize - 1 - j];
			p[itemsize - 1 - j] = t;
		}
}

/* zlib's crc32 takes a uInt length: feed big blocks in pieces. */
static uint32_t
crc_update(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uInt n;

	while (len > 0) {
		n = len > (1U << 30) ? (1U << 30) : (uInt)len;
		crc = (uint32_t)crc32(crc, p, n);
		p += n;
		len -= n;
	}
	return crc;
}

const char *
mare_tensor_dtype_name(enum mare_tensor_dtype dtype)
{
	switch (dtype) {
	case MARE_TENSOR_F32:
		return "f32";
	case MARE_TENSOR_F64:
		return "f64";
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Header: shared by the reader and the map */

struct header {
	struct mare_tensor_info info;
	char		**names;
	char		 *spec;
	json_t		 *meta;
	uint32_t	  json_len;
};

static void
header_release(struct header *h)
{
	size_t i;

	if (h->names != NULL)
		for (i = 0; i < h->info.ncols; i++)
			free(h->names[i]);
	free(h->names);
	free(h->spec);
	json_decref(h->meta);
	memset(h, 0, sizeof(*h));
}

static int
data_err(struct mare_err *err, const char *name, unsigned long long off,
    const char *msg)
{
	mare_err_set(err, MARE_E_DATA, "%s", msg);
	mare_err_at_offset(err, name, off);
	return -1;
}

/* Check the 28 fixed bytes; fills version, dtype, ncols and json_len. */
static int
header_fixed(struct header *h, const unsigned char *p, const char *name,
    struct mare_err *err)
{
	uint64_t ncols;
	uint32_t dtype, len;

	if (memcmp(p, magic, 4) != 0)
		return data_err(err, name, 0,
		    "not a tensor stream (wrong magic)");
	if (memcmp(p, magic, sizeof(magic)) != 0)
		return data_err(err, name, 0, "mangled tensor magic "
		    "(converted as text? line endings changed)");
	h->info.major = get16(p + 8);
	h->info.minor = get16(p + 10);
	if (h->info.major != MARE_TENSOR_MAJOR) {
		mare_err_set(err, MARE_E_DATA, "unsupported tensor format "
		    "version %d.%d (this reader knows major version %d)",
		    h->info.major, h->info.minor, MARE_TENSOR_MAJOR);
		mare_err_at_offset(err, name, 8);
		return -1;
	}
	dtype = get32(p + 12);
	if (dtype != MARE_TENSOR_F32 && dtype != MARE_TENSOR_F64) {
		mare_err_set(err, MARE_E_DATA, "unknown dtype %lu "
		    "(expected 1 = f32 or 2 = f64)", (unsigned long)dtype);
		mare_err_at_offset(err, name, 12);
		return -1;
	}
	h->info.dtype = (enum mare_tensor_dtype)dtype;
	h->info.itemsize = dtype == MARE_TENSOR_F32 ? 4 : 8;
	ncols = get64(p + 16);
	if (ncols < 1 || ncols > MARE_TENSOR_MAX_COLS) {
		mare_err_set(err, MARE_E_DATA, "header claims %llu columns "
		    "(limit %u)", (unsigned long long)ncols,
		    MARE_TENSOR_MAX_COLS);
		if (ncols == 0)
			mare_err_set(err, MARE_E_DATA,
			    "header claims 0 columns (at least 1 needed)");
		mare_err_at_offset(err, name, 16);
		return -1;
	}
	h->info.ncols = (size_t)ncols;
	len = get32(p + 24);
	if (len > MARE_TENSOR_MAX_JSON) {
		mare_err_set(err, MARE_E_DATA, "header JSON length %lu over "
		    "the limit of %u bytes", (unsigned long)len,
		    MARE_TENSOR_MAX_JSON);
		mare_err_at_offset(err, name, 24);
		return -1;
	}
	if ((FIXED_HEADER + (unsigned long long)len + 4) %
	    MARE_TENSOR_HEADER_ALIGN != 0) {
		mare_err_set(err, MARE_E_DATA, "header JSON length %lu does "
		    "not pad the header to a multiple of %u bytes",
		    (unsigned long)len, MARE_TENSOR_HEADER_ALIGN);
		mare_err_at_offset(err, name, 24);
		return -1;
	}
	h->json_len = len;
	h->info.header_size = FIXED_HEADER + (unsigned long long)len + 4;
	return 0;
}

static int
valid_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0, n, k;
	uint32_t c;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			n = 1;
			c = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 2;
			c = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 3;
			c = s[i] & 0x07;
		} else
			return 0;
		if (i + n >= len)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 1 && c < 0x80) || (n == 2 && c < 0x800) ||
		    (n == 3 && (c < 0x10000 || c > 0x10ffff)) ||
		    (c >= 0xd800 && c <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Check column names; on failure returns the index of a bad one and sets
 * *why. A duplicate is reported by name (dup gets it).
 */
static int
check_names(const char *const *names, size_t n, const char **why,
    const char **dup, struct mare_err *err)
{
	const char **sorted;
	size_t i, len;

	*dup = NULL;
	for (i = 0; i < n; i++) {
		if (names[i] == NULL || names[i][0] == '\0') {
			*why = "is empty";
			return (int)i;
		}
		len = strlen(names[i]);
		if (len > MARE_TENSOR_MAX_NAME) {
			*why = "is longer than 256 bytes";
			return (int)i;
		}
		if (!valid_utf8((const unsigned char *)names[i], len)) {
			*why = "is not valid UTF-8";
			return (int)i;
		}
	}
	sorted = malloc(n * sizeof(*sorted));
	if (sorted == NULL) {
		*why = NULL;
		return mare_err_set(err, MARE_E_NOMEM, "out of memory");
	}
	memcpy(sorted, names, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_names);
	for (i = 1; i < n; i++)
		if (strcmp(sorted[i - 1], sorted[i]) == 0) {
			*dup = sorted[i];
			break;
		}
	free(sorted);
	if (*dup != NULL) {
		*why = "is duplicated";
		return 0;
	}
	return -2;
}

static int
is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return s[64] == '\0';
}

/* Parse the JSON part of the header (at offset 28 in the stream). */
static int
header_json(struct header *h, const char *text, const char *name,
    struct mare_err *err)
{
	json_error_t jerr;
	json_t *root, *cols, *v;
	const char *why, *dup;
	size_t i, n;
	int bad;

	root = json_loadb(text, h->json_len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		mare_err_set(err, MARE_E_DATA, "header JSON: %s", jerr.text);
		mare_err_at_offset(err, name, FIXED_HEADER +
		    (unsigned long long)(jerr.position > 0 ?
		    jerr.position - 1 : 0));
		return -1;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		return data_err(err, name, FIXED_HEADER,
		    "header JSON is not an object");
	}
	cols = json_object_get(root, "columns");
	if (!json_is_array(cols)) {
		json_decref(root);
		return data_err(err, name, FIXED_HEADER,
		    "header JSON: \"columns\" is missing or not an array");
	}
	n = json_array_size(cols);
	if (n != h->info.ncols) {
		mare_err_set(err, MARE_E_DATA, "header JSON names %zu columns, "
		    "the header claims %zu", n, h->info.ncols);
		mare_err_at_offset(err, name, FIXED_HEADER);
		json_decref(root);
		return -1;
	}
	h->names = calloc(n, sizeof(*h->names));
	if (h->names == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		v = json_array_get(cols, i);
		if (!json_is_string(v)) {
			mare_err_set(err, MARE_E_DATA, "header JSON: column "
			    "%zu is not a string", i + 1);
			goto fail;
		}
		/* jansson has checked UTF-8 and refused \u0000. */
		h->names[i] = strdup(json_string_value(v));
		if (h->names[i] == NULL)
			goto nomem;
	}
	bad = check_names((const char *const *)h->names, n, &why, &dup, err);
	if (bad >= 0) {
		if (dup != NULL)
			mare_err_set(err, MARE_E_DATA, "header JSON: column "
			    "name '%s' is duplicated", dup);
		else
			mare_err_set(err, MARE_E_DATA, "header JSON: column "
			    "%d name %s", bad + 1, why);
		goto fail;
	} else if (bad == -1)
		goto fail;
	v = json_object_get(root, "spec_sha256");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_string(v) || !is_hex64(json_string_value(v))) {
			mare_err_set(err, MARE_E_DATA, "header JSON: "
			    "\"spec_sha256\" is not 64 hex digits or null");
			goto fail;
		}
		h->spec = strdup(json_string_value(v));
		if (h->spec == NULL)
			goto nomem;
	}
	v = json_object_get(root, "meta");
	if (v != NULL && !json_is_null(v) && !json_is_object(v)) {
		mare_err_set(err, MARE_E_DATA, "header JSON: \"meta\" is not "
		    "an object");
		goto fail;
	}
	h->meta = json_is_object(v) ? json_incref(v) : json_object();
	if (h->meta == NULL)
		goto nomem;
	json_decref(root);
	h->info.columns = (const char *const *)h->names;
	h->info.spec_sha256 = h->spec;
	h->info.meta = h->meta;
	return 0;
nomem:
	mare_err_set(err, MARE_E_NOMEM, "out of memory");
fail:
	mare_err_at_offset(err, name, FIXED_HEADER);
	json_decref(root);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Reader */

enum rstate {
	R_RECORD,	/* at the start of a record */
	R_DATA,		/* inside a chunk's data */
	R_DONE,		/* end record checked */
	R_FAILED
};

struct mare_tensor_reader {
	FILE		*fp;
	char		*name;
	struct header	 h;
	size_t		 rowbytes;
	unsigned long long off;		/* bytes consumed */
	long long	 size;		/* bytes left at start, -1 unknown */
	enum rstate	 state;
	unsigned long long chunks;
	unsigned long long rows;	/* rows handed out */
	unsigned long long chunk_left;	/* rows left in the current chunk */
	uint32_t	 crc;		/* running CRC of the chunk */
	struct mare_err	 err;		/* sticky error after R_FAILED */
};

static int
rfail(struct mare_tensor_reader *r, struct mare_err *err)
{
	r->state = R_FAILED;
	if (err != NULL)
		r->err = *err;
	return -1;
}

static int
rtruncated(struct mare_tensor_reader *r, const char *inside,
    struct mare_err *err)
{
	mare_err_set(err, MARE_E_DATA, "truncated: stream ends at offset "
	    "%llu inside %s", r->off, inside);
	mare_err_at(err, r->name, 0, 0);
	return rfail(r, err);
}

/*
 * Read exactly len bytes. Returns len, or the short count at EOF (r->off
 * advanced by it), or -1 on a read error (err set).
 */
static long long
rread(struct mare_tensor_reader *r, void *buf, size_t len,
    struct mare_err *err)
{
	size_t got = fread(buf, 1, len, r->fp);

	r->off += got;
	if (got < len && ferror(r->fp)) {
		mare_err_sys(err, MARE_E_IO, "read error");
		mare_err_at_offset(err, r->name, r->off);
		rfail(r, err);
		return -1;
	}
	return (long long)got;
}

/* Bytes left in a regular file, or -1 when unknown. */
static long long
left(const struct mare_tensor_reader *r)
{
	if (r->size < 0)
		return -1;
	return r->size - (long long)r->off;
}

struct mare_tensor_reader *
mare_tensor_reader_new(FILE *fp, const char *name, struct mare_err *err)
{
	struct mare_tensor_reader *r;
	unsigned char fixed[FIXED_HEADER], crcb[4];
	char *json = NULL;
	struct stat st;
	off_t pos;
	long long got;
	uint32_t crc;
	size_t have, want;

	r = calloc(1, sizeof(*r));
	if (r == NULL || (r->name = strdup(name != NULL ? name :
	    "<tensor>")) == NULL) {
		free(r);
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	r->fp = fp;
	r->size = -1;
	if (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) &&
	    (pos = ftello(fp)) >= 0)
		r->size = (long long)st.st_size - (long long)pos;

	got = rread(r, fixed, sizeof(fixed), err);
	if (got < 0)
		goto fail;
	if (got == 0) {
		mare_err_set(err, MARE_E_DATA,
		    "empty input: not a tensor stream");
		mare_err_at_offset(err, r->name, 0);
		goto fail;
	}
	if ((size_t)got < sizeof(fixed)) {
		/* Too short for a header: wrong magic, or cut short. */
		if (memcmp(fixed, magic, (size_t)got < 4 ? (size_t)got : 4)
		    != 0) {
			data_err(err, r->name, 0,
			    "not a tensor stream (wrong magic)");
			goto fail;
		}
		rtruncated(r, "the header", err);
		goto fail;
	}
	if (header_fixed(&r->h, fixed, r->name, err) != 0)
		goto fail;
	want = r->h.json_len;
	if (left(r) >= 0 && (unsigned long long)left(r) < want + 4ULL) {
		mare_err_set(err, MARE_E_DATA, "truncated: header JSON of %zu "
		    "bytes but the file has %lld bytes left", want, left(r));
		mare_err_at_offset(err, r->name, r->off);
		goto fail;
	}
	/* Grow as the bytes arrive: a pipe cannot make us allocate 16 MiB
	 * by claiming it. */
	have = 0;
	while (have < want) {
		size_t step = want - have > (1U << 20) ? (1U << 20) :
		    want - have;
		char *n = realloc(json, have + step + 1);

		if (n == NULL) {
			mare_err_set(err, MARE_E_NOMEM, "out of memory");
			goto fail;
		}
		json = n;
		got = rread(r, json + have, step, err);
		if (got < 0)
			goto fail;
		have += (size_t)got;
		if ((size_t)got < step) {
			rtruncated(r, "the header", err);
			goto fail;
		}
	}
	got = rread(r, crcb, 4, err);
	if (got < 0)
		goto fail;
	if (got < 4) {
		rtruncated(r, "the header", err);
		goto fail;
	}
	crc = crc_update((uint32_t)crc32(0, Z_NULL, 0), fixed, sizeof(fixed));
	crc = crc_update(crc, json, want);
	if (crc != get32(crcb)) {
		mare_err_set(err, MARE_E_DATA, "header checksum mismatch "
		    "(stored %08lx, computed %08lx)",
		    (unsigned long)get32(crcb), (unsigned long)crc);
		mare_err_at_offset(err, r->name, r->off - 4);
		goto fail;
	}
	if (header_json(&r->h, json != NULL ? json : "", r->name, err) != 0)
		goto fail;
	free(json);
	r->rowbytes = r->h.info.ncols * r->h.info.itemsize;
	r->state = R_RECORD;
	return r;
fail:
	free(json);
	header_release(&r->h);
	free(r->name);
	free(r);
	return NULL;
}

const struct mare_tensor_info *
mare_tensor_reader_info(const struct mare_tensor_reader *r)
{
	return &r->h.info;
}

unsigned long long
mare_tensor_reader_rows(const struct mare_tensor_reader *r)
{
	return r->rows;
}

unsigned long long
mare_tensor_reader_chunks(const struct mare_tensor_reader *r)
{
	return r->chunks;
}

void
mare_tensor_reader_free(struct mare_tensor_reader *r)
{
	if (r == NULL)
		return;
	header_release(&r->h);
	free(r->name);
	free(r);
}

/* Check that nothing follows the end record. */
static int
read_trailer(struct mare_tensor_reader *r, struct mare_err *err)
{
	int c = getc(r->fp);

	if (c == EOF) {
		if (ferror(r->fp)) {
			mare_err_sys(err, MARE_E_IO, "read error");
			mare_err_at_offset(err, r->name, r->off);
			return rfail(r, err);
		}
		return 0;
	}
	data_err(err, r->name, r->off, "trailing bytes after end record");
	return rfail(r, err);
}

/*
 * Record faults, worded once for both readers (the stream's and the mapped
 * file's), so that a file gets the same message whichever reads it.
 * Each sets err at offset off of name and returns -1.
 */
static int
bad_tag(struct mare_err *err, const char *name, unsigned long long off,
    const unsigned char *rec)
{
	mare_err_set(err, MARE_E_DATA, "unknown record tag %02x %02x %02x %02x "
	    "(expected \"ROWS\" or \"END\")", rec[0], rec[1], rec[2], rec[3]);
	mare_err_at_offset(err, name, off);
	return -1;
}

static int
bad_reserved(struct mare_err *err, const char *name, unsigned long long off,
    uint32_t v)
{
	mare_err_set(err, MARE_E_DATA, "reserved field is %lu, expected 0",
	    (unsigned long)v);
	mare_err_at_offset(err, name, off);
	return -1;
}

static int
bad_end_crc(struct mare_err *err, const char *name, unsigned long long off,
    uint32_t stored, uint32_t computed)
{
	mare_err_set(err, MARE_E_DATA, "end record checksum mismatch (stored "
	    "%08lx, computed %08lx)", (unsigned long)stored,
	    (unsigned long)computed);
	mare_err_at_offset(err, name, off);
	return -1;
}

/* At a record boundary: start a chunk (1), or check the end record (0). */
static int
read_record(struct mare_tensor_reader *r, struct mare_err *err)
{
	unsigned char rec[END_RECORD];
	char inside[64];
	unsigned long long start = r->off, n, bytes;
	uint32_t crc, reserved;
	long long got;

	got = rread(r, rec, RECORD_HEADER, err);
	if (got < 0)
		return -1;
	if (got == 0) {
		mare_err_set(err, MARE_E_DATA, "truncated: no end record "
		    "(stream ends at offset %llu after %llu chunks)",
		    r->off, r->chunks);
		mare_err_at(err, r->name, 0, 0);
		return rfail(r, err);
	}
	if (got >= 4 && memcmp(rec, "ROWS", 4) != 0 &&
	    memcmp(rec, "END\0", 4) != 0) {
		bad_tag(err, r->name, start, rec);
		return rfail(r, err);
	}
	if (got < RECORD_HEADER) {
		if (got >= 4 && memcmp(rec, "END\0", 4) == 0)
			return rtruncated(r, "the end record", err);
		snprintf(inside, sizeof(inside), "chunk %llu", r->chunks + 1);
		return rtruncated(r, inside, err);
	}
	reserved = get32(rec + 4);
	if (reserved != 0) {
		bad_reserved(err, r->name, start + 4, reserved);
		return rfail(r, err);
	}
	n = get64(rec + 8);
	if (memcmp(rec, "END\0", 4) == 0) {
		got = rread(r, rec + RECORD_HEADER, 4, err);
		if (got < 0)
			return -1;
		if (got < 4)
			return rtruncated(r, "the end record", err);
		crc = crc_update((uint32_t)crc32(0, Z_NULL, 0), rec,
		    RECORD_HEADER);
		if (crc != get32(rec + RECORD_HEADER)) {
			bad_end_crc(err, r->name, start + 16,
			    get32(rec + RECORD_HEADER), crc);
			return rfail(r, err);
		}
		if (n != r->rows) {
			mare_err_set(err, MARE_E_DATA, "end record says %llu "
			    "rows, the chunks hold %llu", n, r->rows);
			mare_err_at_offset(err, r->name, start + 8);
			return rfail(r, err);
		}
		if (read_trailer(r, err) != 0)
			return -1;
		r->state = R_DONE;
		return 0;
	}
	r->chunks++;
	if (n == UINT64_MAX) {
		mare_err_set(err, MARE_E_DATA, "chunk %llu is unfinished "
		    "(row count 0xffffffffffffffff: the writer did not "
		    "finish)", r->chunks);
		mare_err_at_offset(err, r->name, start + 8);
		return rfail(r, err);
	}
	if (n == 0) {
		mare_err_set(err, MARE_E_DATA, "chunk %llu has 0 rows",
		    r->chunks);
		mare_err_at_offset(err, r->name, start + 8);
		return rfail(r, err);
	}
	if (n > (UINT64_MAX - 4) / r->rowbytes ||
	    n > UINT64_MAX - r->rows) {
		mare_err_set(err, MARE_E_DATA, "chunk %llu claims %llu rows: "
		    "too many", r->chunks, n);
		mare_err_at_offset(err, r->name, start + 8);
		return rfail(r, err);
	}
	bytes = n * r->rowbytes;
	if (left(r) >= 0 && (unsigned long long)left(r) < bytes + 4) {
		mare_err_set(err, MARE_E_DATA, "truncated: chunk %llu claims "
		    "%llu rows (%llu bytes) but the file has %lld bytes left",
		    r->chunks, n, bytes, left(r));
		mare_err_at_offset(err, r->name, start + 8);
		return rfail(r, err);
	}
	r->crc = crc_update((uint32_t)crc32(0, Z_NULL, 0), rec, RECORD_HEADER);
	r->chunk_left = n;
	r->state = R_DATA;
	return 1;
}

/* At the end of a chunk's data: check its CRC. */
static int
read_chunk_crc(struct mare_tensor_reader *r, struct mare_err *err)
{
	unsigned char b[4];
	char inside[64];
	long long got;

	got = rread(r, b, 4, err);
	if (got < 0)
		return -1;
	if (got < 4) {
		snprintf(inside, sizeof(inside), "chunk %llu", r->chunks);
		return rtruncated(r, inside, err);
	}
	if (get32(b) != r->crc) {
		mare_err_set(err, MARE_E_DATA, "chunk %llu checksum mismatch "
		    "(stored %08lx, computed %08lx)", r->chunks,
		    (unsigned long)get32(b), (unsigned long)r->crc);
		mare_err_at_offset(err, r->name, r->off - 4);
		return rfail(r, err);
	}
	r->state = R_RECORD;
	return 0;
}

int
mare_tensor_read_rows(struct mare_tensor_reader *r, void *buf, size_t maxrows,
    size_t *nrows, struct mare_err *err)
{
	char inside[64];
	size_t n, bytes;
	long long got;
	int rc;

	*nrows = 0;
	for (;;) {
		switch (r->state) {
		case R_FAILED:
			if (err != NULL && err->code == MARE_E_OK)
				*err = r->err;
			return -1;
		case R_DONE:
			return 0;
		case R_RECORD:
			rc = read_record(r, err);
			if (rc <= 0)
				return rc;
			continue;
		case R_DATA:
			break;
		}
		if (r->chunk_left == 0) {
			if (read_chunk_crc(r, err) != 0)
				return -1;
			continue;
		}
		if (maxrows == 0) {
			mare_err_set(err, MARE_E_INTERNAL,
			    "mare_tensor_read_rows: maxrows is 0");
			return -1;
		}
		n = r->chunk_left < maxrows ? (size_t)r->chunk_left : maxrows;
		/* Keep a single read under SIZE_MAX bytes. */
		if (n > SIZE_MAX / r->rowbytes)
			n = SIZE_MAX / r->rowbytes;
		bytes = n * r->rowbytes;
		got = rread(r, buf, bytes, err);
		if (got < 0)
			return -1;
		if ((size_t)got < bytes) {
			snprintf(inside, sizeof(inside), "chunk %llu",
			    r->chunks);
			return rtruncated(r, inside, err);
		}
		r->crc = crc_update(r->crc, buf, bytes);
		swap_items(buf, n * r->h.info.ncols, r->h.info.itemsize);
		r->chunk_left -= n;
		r->rows += n;
		*nrows = n;
		return 1;
	}
}

int
mare_tensor_read_f64(struct mare_tensor_reader *r, double *buf,
    size_t maxrows, size_t *nrows, struct mare_err *err)
{
	const unsigned char *src = (const unsigned char *)buf;
	size_t i, count;
	float f;
	int rc;

	rc = mare_tensor_read_rows(r, buf, maxrows, nrows, err);
	if (rc != 1 || r->h.info.dtype == MARE_TENSOR_F64)
		return rc;
	/* The floats fill the first half of buf: widen from the back, so
	 * that each double only overwrites floats already converted. */
	count = *nrows * r->h.info.ncols;
	for (i = count; i-- > 0;) {
		memcpy(&f, src + i * sizeof(float), sizeof(f));
		buf[i] = (double)f;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Writer */

struct mare_tensor_writer {
	FILE		*fp;
	char		*name;
	enum mare_tensor_dtype dtype;
	size_t		 itemsize, ncols, rowbytes;
	int		 single;	/* one patched chunk (seekable file) */
	off_t		 chunk_pos;	/* single: where the chunk header is */
	int		 chunk_open;	/* single: header written */
	uint32_t	 data_crc;	/* single: CRC of the data so far */
	unsigned long long chunk_rows;	/* single: rows in the chunk */
	unsigned char	*buf;
	size_t		 buf_rows, used;	/* capacity and fill, in rows */
	unsigned long long rows, off;
	int		 failed, finished;
};

static int
wwrite(struct mare_tensor_writer *w, const void *p, size_t len,
    struct mare_err *err)
{
	if (len > 0 && fwrite(p, 1, len, w->fp) != len) {
		mare_err_sys(err, MARE_E_IO, "cannot write");
		mare_err_at_offset(err, w->name, w->off);
		w->failed = 1;
		return -1;
	}
	w->off += len;
	return 0;
}

static int
seekable_file(FILE *fp)
{
	struct stat st;
	int fl;

	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	fl = fcntl(fileno(fp), F_GETFL);
	/* With O_APPEND the patch would land at the end. */
	if (fl == -1 || (fl & O_APPEND))
		return 0;
	return ftello(fp) >= 0;
}

static int
header_text(struct mare_tensor_writer *w, size_t ncols,
    const char *const *columns, const char *spec, const json_t *meta,
    char **out, size_t *outlen, struct mare_err *err)
{
	json_t *root, *cols;
	char *s, *lower = NULL;
	size_t i, len, padded;

	root = json_object();
	cols = json_array();
	if (root == NULL || cols == NULL ||
	    json_object_set_new(root, "columns", cols) != 0)
		goto nomem;
	for (i = 0; i < ncols; i++)
		if (json_array_append_new(cols, json_string(columns[i])) != 0)
			goto nomem;
	if (spec != NULL) {
		lower = strdup(spec);
		if (lower == NULL)
			goto nomem;
		for (i = 0; lower[i] != '\0'; i++)
			if (lower[i] >= 'A' && lower[i] <= 'F')
				lower[i] = (char)(lower[i] - 'A' + 'a');
	}
	if (json_object_set_new(root, "spec_sha256", lower != NULL ?
	    json_string(lower) : json_null()) != 0)
		goto nomem;
	if (json_object_set_new(root, "meta", meta != NULL ?
	    json_deep_copy(meta) : json_object()) != 0)
		goto nomem;
	s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s == NULL)
		goto nomem;
	len = strlen(s);
	padded = (FIXED_HEADER + len + 4 + MARE_TENSOR_HEADER_ALIGN - 1) /
	    MARE_TENSOR_HEADER_ALIGN * MARE_TENSOR_HEADER_ALIGN -
	    FIXED_HEADER - 4;
	if (padded > MARE_TENSOR_MAX_JSON) {
		free(s);
		free(lower);
		json_decref(root);
		mare_err_set(err, MARE_E_USAGE, "header JSON of %zu bytes "
		    "over the limit of %u bytes", padded, MARE_TENSOR_MAX_JSON);
		mare_err_at_offset(err, w->name, FIXED_HEADER);
		return -1;
	}
	*out = malloc(padded);
	if (*out == NULL) {
		free(s);
		goto nomem;
	}
	memcpy(*out, s, len);
	memset(*out + len, ' ', padded - len);
	*outlen = padded;
	free(s);
	free(lower);
	json_decref(root);
	return 0;
nomem:
	free(lower);
	json_decref(root);
	return mare_err_set(err, MARE_E_NOMEM, "out of memory");
}

struct mare_tensor_writer *
mare_tensor_writer_new(FILE *fp, const char *name,
    enum mare_tensor_dtype dtype, size_t ncols, const char *const *columns,
    const char *spec_sha256, const json_t *meta, struct mare_err *err)
{
	struct mare_tensor_writer *w;
	unsigned char fixed[FIXED_HEADER], crcb[4];
	const char *why, *dup;
	char *json = NULL;
	size_t jlen = 0;
	uint32_t crc;
	int bad;

	if (dtype != MARE_TENSOR_F32 && dtype != MARE_TENSOR_F64) {
		mare_err_set(err, MARE_E_USAGE, "unknown dtype %d", (int)dtype);
		return NULL;
	}
	if (ncols < 1 || ncols > MARE_TENSOR_MAX_COLS) {
		mare_err_set(err, MARE_E_USAGE, "%zu columns: a tensor has 1 "
		    "to %u", ncols, MARE_TENSOR_MAX_COLS);
		return NULL;
	}
	bad = check_names(columns, ncols, &why, &dup, err);
	if (bad == -1)
		return NULL;
	if (bad >= 0) {
		if (dup != NULL)
			mare_err_set(err, MARE_E_USAGE, "column name '%s' is "
			    "duplicated", dup);
		else
			mare_err_set(err, MARE_E_USAGE, "column %d name %s",
			    bad + 1, why);
		return NULL;
	}
	if (spec_sha256 != NULL && !is_hex64(spec_sha256)) {
		mare_err_set(err, MARE_E_USAGE, "feature spec hash '%s' is not "
		    "64 hex digits", spec_sha256);
		return NULL;
	}
	if (meta != NULL && !json_is_object(meta)) {
		mare_err_set(err, MARE_E_USAGE, "tensor meta is not a JSON "
		    "object");
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (w == NULL || (w->name = strdup(name != NULL ? name :
	    "<tensor>")) == NULL) {
		free(w);
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	w->fp = fp;
	w->dtype = dtype;
	w->itemsize = dtype == MARE_TENSOR_F32 ? 4 : 8;
	w->ncols = ncols;
	w->rowbytes = ncols * w->itemsize;
	w->buf_rows = MARE_TENSOR_CHUNK_BYTES / w->rowbytes;
	if (w->buf_rows == 0)
		w->buf_rows = 1;
	w->single = seekable_file(fp);
	w->buf = malloc(w->buf_rows * w->rowbytes);
	if (w->buf == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		goto fail;
	}
	if (header_text(w, ncols, columns, spec_sha256, meta, &json, &jlen,
	    err) != 0)
		goto fail;
	memcpy(fixed, magic, sizeof(magic));
	put16(fixed + 8, MARE_TENSOR_MAJOR);
	put16(fixed + 10, MARE_TENSOR_MINOR);
	put32(fixed + 12, (uint32_t)dtype);
	put64(fixed + 16, ncols);
	put32(fixed + 24, (uint32_t)jlen);
	crc = crc_update((uint32_t)crc32(0, Z_NULL, 0), fixed, sizeof(fixed));
	crc = crc_update(crc, json, jlen);
	put32(crcb, crc);
	if (wwrite(w, fixed, sizeof(fixed), err) != 0 ||
	    wwrite(w, json, jlen, err) != 0 || wwrite(w, crcb, 4, err) != 0)
		goto fail;
	free(json);
	return w;
fail:
	free(json);
	mare_tensor_writer_free(w);
	return NULL;
}

/* Write the buffered rows: a chunk of their own, or more of the one. */
static int
flush_rows(struct mare_tensor_writer *w, struct mare_err *err)
{
	unsigned char rec[RECORD_HEADER], crcb[4];
	size_t bytes = w->used * w->rowbytes;
	uint32_t crc;

	if (w->used == 0)
		return 0;
	swap_items(w->buf, w->used * w->ncols, w->itemsize);
	memcpy(rec, "ROWS", 4);
	put32(rec + 4, 0);
	if (w->single) {
		if (!w->chunk_open) {
			if (fflush(w->fp) != 0 ||
			    (w->chunk_pos = ftello(w->fp)) < 0) {
				mare_err_sys(err, MARE_E_IO, "cannot write");
				mare_err_at_offset(err, w->name, w->off);
				w->failed = 1;
				return -1;
			}
			put64(rec + 8, UINT64_MAX);
			if (wwrite(w, rec, sizeof(rec), err) != 0)
				return -1;
			w->chunk_open = 1;
			w->data_crc = (uint32_t)crc32(0, Z_NULL, 0);
		}
		w->data_crc = crc_update(w->data_crc, w->buf, bytes);
		w->chunk_rows += w->used;
		if (wwrite(w, w->buf, bytes, err) != 0)
			return -1;
	} else {
		put64(rec + 8, w->used);
		crc = crc_update((uint32_t)crc32(0, Z_NULL, 0), rec,
		    sizeof(rec));
		crc = crc_update(crc, w->buf, bytes);
		put32(crcb, crc);
		if (wwrite(w, rec, sizeof(rec), err) != 0 ||
		    wwrite(w, w->buf, bytes, err) != 0 ||
		    wwrite(w, crcb, 4, err) != 0)
			return -1;
	}
	w->used = 0;
	return 0;
}

static int
wcheck(struct mare_tensor_writer *w, struct mare_err *err)
{
	if (w->failed)
		return mare_err_set(err, MARE_E_IO, "tensor writer for '%s' "
		    "has already failed", w->name);
	if (w->finished)
		return mare_err_set(err, MARE_E_INTERNAL, "tensor writer for "
		    "'%s' is finished", w->name);
	return 0;
}

int
mare_tensor_write_rows(struct mare_tensor_writer *w, const void *rows,
    size_t nrows, struct mare_err *err)
{
	const unsigned char *p = rows;
	size_t n;

	if (wcheck(w, err) != 0)
		return -1;
	while (nrows > 0) {
		n = w->buf_rows - w->used;
		if (n > nrows)
			n = nrows;
		memcpy(w->buf + w->used * w->rowbytes, p, n * w->rowbytes);
		w->used += n;
		w->rows += n;
		p += n * w->rowbytes;
		nrows -= n;
		if (w->used == w->buf_rows && flush_rows(w, err) != 0)
			return -1;
	}
	return 0;
}

int
mare_tensor_write_f64(struct mare_tensor_writer *w, const double *rows,
    size_t nrows, struct mare_err *err)
{
	float *dst;
	size_t i, k;

	if (w->dtype == MARE_TENSOR_F64)
		return mare_tensor_write_rows(w, rows, nrows, err);
	if (wcheck(w, err) != 0)
		return -1;
	for (i = 0; i < nrows; i++) {
		/*
		 * A finite double beyond FLT_MAX would become infinity (and
		 * the conversion is undefined in C): refuse the row whole.
		 */
		for (k = 0; k < w->ncols; k++)
			if (isfinite(rows[i * w->ncols + k]) &&
			    fabs(rows[i * w->ncols + k]) > FLT_MAX)
				return mare_err_set(err, MARE_E_DATA,
				    "row %llu, column %zu: %g is out of the "
				    "float32 range", w->rows + 1, k + 1,
				    rows[i * w->ncols + k]);
		dst = (float *)(void *)(w->buf + w->used * w->rowbytes);
		for (k = 0; k < w->ncols; k++)
			dst[k] = (float)rows[i * w->ncols + k];
		w->used++;
		w->rows++;
		if (w->used == w->buf_rows && flush_rows(w, err) != 0)
			return -1;
	}
	return 0;
}

int
mare_tensor_writer_finish(struct mare_tensor_writer *w, struct mare_err *err)
{
	unsigned char rec[RECORD_HEADER], end[END_RECORD], crcb[4];
	off_t here;
	uint32_t crc;

	if (wcheck(w, err) != 0)
		return -1;
	if (flush_rows(w, err) != 0)
		return -1;
	if (w->single && w->chunk_open) {
		/*
		 * analyzer false positive: a 4-byte record tag, not a C
		 * string
		 */
		/* NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
		memcpy(rec, "ROWS", 4);
		put32(rec + 4, 0);
		put64(rec + 8, w->chunk_rows);
		crc = crc_update((uint32_t)crc32(0, Z_NULL, 0), rec,
		    sizeof(rec));
		crc = (uint32_t)crc32_combine(crc, w->data_crc,
		    (z_off_t)(w->chunk_rows * w->rowbytes));
		put32(crcb, crc);
		if (wwrite(w, crcb, 4, err) != 0)
			return -1;
	}
	memcpy(end, "END\0", 4);
	put32(end + 4, 0);
	put64(end + 8, w->rows);
	put32(end + 16, crc_update((uint32_t)crc32(0, Z_NULL, 0), end,
	    RECORD_HEADER));
	if (wwrite(w, end, sizeof(end), err) != 0)
		return -1;
	if (w->single && w->chunk_open) {
		/* Only now is the chunk's row count known: patch it. */
		if (fflush(w->fp) != 0 || (here = ftello(w->fp)) < 0 ||
		    fseeko(w->fp, w->chunk_pos + 8, SEEK_SET) != 0 ||
		    fwrite(rec + 8, 1, 8, w->fp) != 8 ||
		    fseeko(w->fp, here, SEEK_SET) != 0) {
			mare_err_sys(err, MARE_E_IO, "cannot write");
			mare_err_at_offset(err, w->name,
			    (unsigned long long)w->chunk_pos + 8);
			w->failed = 1;
			return -1;
		}
	}
	if (fflush(w->fp) != 0) {
		mare_err_sys(err, MARE_E_IO, "cannot write");
		mare_err_at_offset(err, w->name, w->off);
		w->failed = 1;
		return -1;
	}
	w->finished = 1;
	return 0;
}

unsigned long long
mare_tensor_writer_rows(const struct mare_tensor_writer *w)
{
	return w->rows;
}

void
mare_tensor_writer_free(struct mare_tensor_writer *w)
{
	if (w == NULL)
		return;
	free(w->buf);
	free(w->name);
	free(w);
}

/* ------------------------------------------------------------------ */
/* Map */

struct mare_tensor_map {
	struct header	 h;
	void		*base;
	size_t		 len;
	const unsigned char *data;
	unsigned long long rows;
};

static int
map_check(struct mare_tensor_map *m, const char *name, unsigned flags,
    struct mare_err *err)
{
	const unsigned char *p = m->base, *rec, *end;
	unsigned long long hs, n, bytes, need;
	uint32_t crc;

	if (m->len == 0)
		return data_err(err, name, 0,
		    "empty input: not a tensor stream");
	if (m->len < FIXED_HEADER) {
		if (memcmp(p, magic, m->len < 4 ? m->len : 4) != 0)
			return data_err(err, name, 0,
			    "not a tensor stream (wrong magic)");
		mare_err_set(err, MARE_E_DATA, "truncated: stream ends at "
		    "offset %zu inside the header", m->len);
		mare_err_at(err, name, 0, 0);
		return -1;
	}
	if (header_fixed(&m->h, p, name, err) != 0)
		return -1;
	hs = m->h.info.header_size;
	if (m->len < hs) {
		mare_err_set(err, MARE_E_DATA, "truncated: header JSON of %zu "
		    "bytes but the file has %zu bytes left", (size_t)m->h.json_len,
		    m->len - FIXED_HEADER);
		mare_err_at_offset(err, name, FIXED_HEADER);
		return -1;
	}
	crc = crc_update((uint32_t)crc32(0, Z_NULL, 0), p, hs - 4);
	if (crc != get32(p + hs - 4)) {
		mare_err_set(err, MARE_E_DATA, "header checksum mismatch "
		    "(stored %08lx, computed %08lx)",
		    (unsigned long)get32(p + hs - 4), (unsigned long)crc);
		mare_err_at_offset(err, name, hs - 4);
		return -1;
	}
	if (header_json(&m->h, (const char *)p + FIXED_HEADER, name,
	    err) != 0)
		return -1;
	rec = p + hs;
	end = rec;
	n = 0;
	if (m->len - hs >= 4 && memcmp(rec, "ROWS", 4) != 0 &&
	    memcmp(rec, "END\0", 4) != 0) {
		return bad_tag(err, name, hs, rec);
	}
	if (m->len - hs < END_RECORD) {
		mare_err_set(err, MARE_E_DATA, "truncated: no end record "
		    "(stream ends at offset %zu after 0 chunks)", m->len);
		mare_err_at(err, name, 0, 0);
		return -1;
	}
	if (get32(rec + 4) != 0) {
		return bad_reserved(err, name, hs + 4, get32(rec + 4));
	}
	if (memcmp(rec, "ROWS", 4) == 0) {
		n = get64(rec + 8);
		if (n == UINT64_MAX || n == 0) {
			mare_err_set(err, MARE_E_DATA, "%s", n == 0 ?
			    "chunk 1 has 0 rows" : "chunk 1 is unfinished "
			    "(row count 0xffffffffffffffff: the writer did "
			    "not finish)");
			mare_err_at_offset(err, name, hs + 8);
			return -1;
		}
		need = m->len - hs - RECORD_HEADER;
		if (n > (need < 4 ? 0 : need - 4) /
		    (m->h.info.ncols * m->h.info.itemsize)) {
			if (n > (UINT64_MAX - 4) / (m->h.info.ncols *
			    m->h.info.itemsize))
				mare_err_set(err, MARE_E_DATA, "chunk 1 claims "
				    "%llu rows: too many", n);
			else
				mare_err_set(err, MARE_E_DATA, "truncated: "
				    "chunk 1 claims %llu rows (%llu bytes) but "
				    "the file has %llu bytes left", n,
				    n * m->h.info.ncols * m->h.info.itemsize,
				    need);
			mare_err_at_offset(err, name, hs + 8);
			return -1;
		}
		bytes = n * m->h.info.ncols * m->h.info.itemsize;
		m->data = rec + RECORD_HEADER;
		end = m->data + bytes + 4;
		if ((flags & MARE_TENSOR_MAP_VERIFY)) {
			crc = crc_update((uint32_t)crc32(0, Z_NULL, 0), rec,
			    RECORD_HEADER + bytes);
			if (crc != get32(m->data + bytes)) {
				mare_err_set(err, MARE_E_DATA, "chunk 1 "
				    "checksum mismatch (stored %08lx, "
				    "computed %08lx)",
				    (unsigned long)get32(m->data + bytes),
				    (unsigned long)crc);
				mare_err_at_offset(err, name,
				    hs + RECORD_HEADER + bytes);
				return -1;
			}
		}
	}
	if (end != rec && (size_t)(p + m->len - end) >= 4 &&
	    memcmp(end, "ROWS", 4) != 0 && memcmp(end, "END\0", 4) != 0) {
		return bad_tag(err, name, (unsigned long long)(end - p),
		    end);
	}
	if ((size_t)(p + m->len - end) < END_RECORD) {
		mare_err_set(err, MARE_E_DATA, "truncated: no end record "
		    "(stream ends at offset %zu after %d chunks)", m->len,
		    end != rec);
		mare_err_at(err, name, 0, 0);
		return -1;
	}
	if (memcmp(end, "END\0", 4) != 0)
		return data_err(err, name, (unsigned long long)(end - p),
		    "not a single-chunk tensor file (written through a pipe? "
		    "re-write it with 'mare-tensor cat -o')");
	if (get32(end + 4) != 0) {
		return bad_reserved(err, name,
		    (unsigned long long)(end - p) + 4, get32(end + 4));
	}
	crc = crc_update((uint32_t)crc32(0, Z_NULL, 0), end, RECORD_HEADER);
	if (crc != get32(end + RECORD_HEADER)) {
		return bad_end_crc(err, name,
		    (unsigned long long)(end - p) + 16,
		    get32(end + RECORD_HEADER), crc);
	}
	if (get64(end + 8) != n) {
		mare_err_set(err, MARE_E_DATA, "end record says %llu rows, "
		    "the chunks hold %llu", (unsigned long long)get64(end + 8),
		    n);
		mare_err_at_offset(err, name, (unsigned long long)(end - p) +
		    8);
		return -1;
	}
	if ((size_t)(end - p) + END_RECORD != m->len)
		return data_err(err, name, (unsigned long long)(end - p) +
		    END_RECORD, "trailing bytes after end record");
	m->rows = n;
	if (n == 0)
		m->data = NULL;
	return 0;
}

struct mare_tensor_map *
mare_tensor_map(const char *path, unsigned flags, struct mare_err *err)
{
	struct mare_tensor_map *m;
	struct stat st;
	int fd;

	if (HOST_BIG_ENDIAN) {
		mare_err_set(err, MARE_E_INTERNAL, "cannot map '%s': the data "
		    "is little-endian and this host is not", path);
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		mare_err_set(err, MARE_E_NOMEM, "out of memory");
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		mare_err_sys(err, MARE_E_NOINPUT, "'%s'", path);
		free(m);
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (errno == 0)
			errno = EINVAL;
		mare_err_set(err, MARE_E_NOINPUT, "cannot map '%s': not a "
		    "regular file", path);
		close(fd);
		free(m);
		return NULL;
	}
	m->len = (size_t)st.st_size;
	if (m->len > 0) {
		m->base = mmap(NULL, m->len, PROT_READ, MAP_SHARED, fd, 0);
		if (m->base == MAP_FAILED) {
			mare_err_sys(err, MARE_E_IO, "cannot map '%s'", path);
			close(fd);
			free(m);
			return NULL;
		}
	}
	close(fd);
	if (map_check(m, path, flags, err) != 0) {
		mare_tensor_map_free(m);
		return NULL;
	}
	return m;
}

const struct mare_tensor_info *
mare_tensor_map_info(const struct mare_tensor_map *m)
{
	return &m->h.info;
}

const void *
mare_tensor_map_data(const struct mare_tensor_map *m)
{
	return m->data;
}

unsigned long long
mare_tensor_map_rows(const struct mare_tensor_map *m)
{
	return m->rows;
}

void
mare_tensor_map_free(struct mare_tensor_map *m)
{
	if (m == NULL)
		return;
	if (m->base != NULL && m->base != MAP_FAILED)
		munmap(m->base, m->len);
	header_release(&m->h);
	free(m);
}

/* ------------------------------------------------------------------ */
/* Statistics and numbers */

void
mare_tensor_stats_add(struct mare_tensor_stats *stats, size_t ncols,
    const double *rows, size_t nrows)
{
	struct mare_tensor_stats *s;
	size_t i, k;
	double v, d;

	for (i = 0; i < nrows; i++)
		for (k = 0; k < ncols; k++) {
			s = &stats[k];
			v = rows[i * ncols + k];
			if (isnan(v)) {
				s->nan++;
				continue;
			}
			if (s->count == 0 || v < s->min)
				s->min = v;
			if (s->count == 0 || v > s->max)
				s->max = v;
			s->count++;
			d = v - s->mean;
			s->mean += d / (double)s->count;
			s->m2 += d * (v - s->mean);
		}
}

double
mare_tensor_stats_sd(const struct mare_tensor_stats *s)
{
	if (s->count < 2)
		return NAN;
	return sqrt(s->m2 / (double)(s->count - 1));
}

int
mare_tensor_ftoa(float v, char *buf, size_t size)
{
	char tmp[32];
	int prec, n = 0;

	if (isnan(v))
		n = snprintf(tmp, sizeof(tmp), "nan");
	else if (isinf(v))
		n = snprintf(tmp, sizeof(tmp), v < 0 ? "-inf" : "inf");
	else
		for (prec = 1; prec <= 9; prec++) {
			n = snprintf(tmp, sizeof(tmp), "%.*g", prec, (double)v);
			if (strtof(tmp, NULL) == v)
				break;
		}
	if (n < 0 || (size_t)n >= size)
		return -1;
	memcpy(buf, tmp, (size_t)n + 1);
	return n;
}
