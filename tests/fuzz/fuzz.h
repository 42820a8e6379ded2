/*
 * fuzz.h - shared helpers of the libFuzzer targets in tests/fuzz
 *
 * Every target feeds one reader of libmare from memory: a FILE * from
 * fmemopen() (a pipe-like stream with no file descriptor, so the reader
 * takes its streaming path), or an anonymous memfd (a regular file with a
 * size, reachable by path as /proc/self/fd/N, so path-based readers and the
 * "size known" paths are exercised) -- nothing is written to disk. Inputs
 * are capped (FUZZ_MAX_INPUT) so each run stays fast; every resource a run
 * takes is released before it returns, so LeakSanitizer finds real leaks.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_FUZZ_H
#define MARE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define FUZZ_MAX_INPUT	(1U << 20)

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * An anonymous in-memory regular file holding data, rewound; its path is
 * written to path (/proc/self/fd/N). Returns the descriptor, or -1.
 */
int	fuzz_memfd(const uint8_t *data, size_t size, char *path,
	    size_t pathsize);

/*
 * The contract of every reader on failure: err holds a code and a message,
 * and neither the message nor the position holds a control character (the
 * command prints them as one line). Aborts -- a finding -- otherwise.
 */
void	fuzz_check_err(const struct mare_err *err);

/* A NUL-terminated copy of data (caller frees), or NULL. */
char	*fuzz_strndup(const uint8_t *data, size_t size);

#endif /* MARE_FUZZ_H */
