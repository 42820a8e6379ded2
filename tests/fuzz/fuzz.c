/*
 * fuzz.c - shared helpers of the libFuzzer targets (see fuzz.h)
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

int
fuzz_memfd(const uint8_t *data, size_t size, char *path, size_t pathsize)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	if ((fd = memfd_create("mare-fuzz", MFD_CLOEXEC)) == -1)
		return -1;
	while (off < size) {
		n = write(fd, data + off, size - off);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	snprintf(path, pathsize, "/proc/self/fd/%d", fd);
	return fd;
}

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

void
fuzz_check_err(const struct mare_err *err)
{
	if (err->code == MARE_E_OK || err->msg[0] == '\0') {
		fprintf(stderr, "fuzz: failure without an error message\n");
		abort();
	}
	if (has_control(err->msg) || has_control(err->where)) {
		fprintf(stderr, "fuzz: control character in message: %s: %s\n",
		    err->where, err->msg);
		abort();
	}
}

char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s;

	if ((s = malloc(size + 1)) == NULL)
		return NULL;
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
