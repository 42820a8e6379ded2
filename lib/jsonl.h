/*
 * jsonl.h - JSON Lines records: a streaming reader and an exact writer
 *
 * Records travel between mare commands as JSON Lines: one JSON object per
 * line, UTF-8, lines ended by LF (a CRLF end is accepted on input). The
 * reader streams with constant memory: one line buffer, reused, grown as
 * long lines need it but never past the line limit, so an untrusted input
 * cannot make it allocate more. Every data error is reported at its line
 * and leaves the reader at the start of the next line, so a caller can send
 * the bad line to a reject stream and go on.
 *
 * The writer prints reals with the shortest text that reads back to the
 * same double (0.1, not 0.10000000000000001), which jansson's own dumper
 * does not do (it prints %.17g); that is why mare serialises values itself.
 *
 * Numbers and locale: reals are formatted and parsed with the C library's
 * printf and strtod, which use the "C" decimal point unless the program
 * calls setlocale(LC_NUMERIC, ...) with another locale; mare commands never
 * do.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_JSONL_H
#define MARE_JSONL_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "err.h"

/* The default longest line, in bytes, not counting its line end. */
#define MARE_JSONL_MAX_LINE	(1024 * 1024)

/* Room mare_jsonl_dtoa() needs: "-2.2250738585072014e-308" and a NUL. */
#define MARE_JSONL_DTOA_SIZE	32

/* Reading */

struct mare_jsonl_reader;

/*
 * Start reading JSON Lines from fp, an open stream the caller keeps
 * owning (and closes after mare_jsonl_reader_free()). name is used in
 * messages ("occ.jsonl", "<stdin>"; NULL means "<stdin>") and copied. max_line is the longest
 * accepted line in bytes without its line end; 0 means MARE_JSONL_MAX_LINE.
 * Returns the reader, or NULL with MARE_E_NOMEM.
 */
struct mare_jsonl_reader *mare_jsonl_reader_new(FILE *fp, const char *name,
	    size_t max_line, struct mare_err *err);
/*
 * Decode only the top-level keys keys[0..n) of each record from here on
 * (lib/jscan.h): mare_jsonl_read() still checks every line's whole syntax
 * and reports the same errors, but the object it returns holds at least
 * the selected keys the line has, each with its usual value, and may lack
 * the others. Much faster for a filter that reads a few fields and copies
 * the raw line. On a regular file (not a pipe, where a slow writer's lines
 * must come through as they arrive) it also reads in large blocks, so the
 * stream's position runs ahead of the last line returned: read fp only
 * through r afterwards. Call before the first read. Returns 0, or -1 with
 * MARE_E_NOMEM.
 */
int	mare_jsonl_reader_select(struct mare_jsonl_reader *r,
	    const char *const *keys, size_t n, struct mare_err *err);
/* Free the reader (not its stream). NULL is a no-op. */
void	mare_jsonl_reader_free(struct mare_jsonl_reader *r);

/*
 * Read the next record. Returns 1 and sets *obj to a new reference to a
 * JSON object that the caller owns (json_decref() it); 0 at the end of the
 * input; -1 on error, with *obj set to NULL.
 *
 * Lines holding only blanks (space, tab, CR) are skipped, but they are
 * counted in line numbers. The last line may lack its "\n". Errors, all
 * placed at "name:line" or "name:line:column" (columns count characters
 * from 1, as jansson does):
 *   MARE_E_DATA  "line longer than N bytes" (the rest of the line is read
 *                and thrown away without being stored),
 *                "NUL byte in line" (jansson would silently stop there),
 *                "invalid JSON: <jansson's reason>", including invalid
 *                UTF-8, trailing text after the value, duplicate keys and
 *                integers outside the 64-bit range,
 *                "expected a JSON object, got an array" (or a string, a
 *                number, a boolean, null);
 *   MARE_E_NOMEM when the line buffer or the value cannot be allocated;
 *   MARE_E_IO    "read error" from the stream (placed at "name").
 * After a MARE_E_DATA error the next call reads the next line. After
 * MARE_E_IO or MARE_E_NOMEM the reader is done: every further call
 * returns -1 with the same kind of error.
 */
int	mare_jsonl_read(struct mare_jsonl_reader *r, json_t **obj,
	    struct mare_err *err);

/* The line number of the last line read (counting from 1), 0 before any. */
unsigned long mare_jsonl_line(const struct mare_jsonl_reader *r);

/*
 * The text of the last line read, without its line end (LF or CRLF), so a
 * caller can copy a rejected line verbatim. *len receives its length (the
 * text is not NUL-terminated and may contain NUL bytes). Valid until the
 * next call on r. For a line longer than the limit, which is never stored,
 * returns NULL with *len = 0; likewise before the first line.
 */
const char *mare_jsonl_raw(const struct mare_jsonl_reader *r, size_t *len);

/*
 * The line buffer's current size in bytes. By design it never exceeds
 * max_line + 1 (the line and a CR), whatever the input holds.
 */
size_t	mare_jsonl_bufsize(const struct mare_jsonl_reader *r);

/* Writing */

/*
 * Write obj, which must be a JSON object, as one compact line ended by
 * "\n": no blanks, keys in the object's order (jansson keeps insertion
 * order), strings escaped as RFC 8259 requires (", \ and control
 * characters; other bytes, UTF-8 included, pass through), integers in
 * full, reals in the shortest form that reads back to the same double and
 * still reads as a real ("3.0", "0.1", "1e+300", "-0.0"). The record is
 * formatted in memory and written with one fwrite(); small records use no
 * heap memory at all.
 * Returns 0; or -1 with MARE_E_DATA for a NaN or an infinity (not
 * representable in JSON; jansson already refuses to make such reals, so
 * this is a guard) or nesting deeper than 2048 levels, MARE_E_INTERNAL
 * when obj is not an object, MARE_E_NOMEM, or MARE_E_IO "write error" when
 * fwrite() fails. Nothing is written on a MARE_E_DATA error.
 */
int	mare_jsonl_write(FILE *fp, const json_t *obj, struct mare_err *err);

/*
 * Format v as a JSON real with the fewest significant digits that strtod()
 * reads back to exactly v (the digits "%.*g" gives with the smallest
 * precision from 1 to 17 that round-trips), laid out as Python's repr()
 * does: plain notation for exponents -4 to 15, always with a fractional
 * part so the value stays a real ("0.1", "12.345", "3.0", "-0.0",
 * "250.0", "0.0001"), and exponent notation otherwise ("1e+16", "1e-05",
 * "1e+300", "5e-324", "1.2345678901234568e+17"). buf gets a NUL-terminated
 * string; size must be at least MARE_JSONL_DTOA_SIZE.
 * Returns the length, or -1 when v is NaN or infinite (JSON has no text
 * for them) or size is too small; buf is then left untouched.
 */
/*
 * Write the last line read by r as it was read, with ,"KEY":VALUE spliced
 * in before its final '}' (no comma when obj, the parsed line, is empty)
 * and a newline: how a reject keeps its record byte for byte. value is
 * serialised compactly. Returns 0, or -1 (MARE_E_IO naming out_name).
 */
int	mare_jsonl_write_spliced(FILE *fp, const char *out_name,
	    const struct mare_jsonl_reader *r, const json_t *obj,
	    const char *key, const json_t *value, struct mare_err *err);
int	mare_jsonl_dtoa(double v, char *buf, size_t size);
/*
 * The digits behind mare_jsonl_dtoa(): for a finite v > 0, the significant
 * digits of the decimal "%.*e" gives at the smallest precision from 15
 * (from 1 for a subnormal) to 17 that strtod() reads back to v, without
 * trailing zeros, into digits (17 chars of room, no NUL), the exponent of
 * the first digit into *exp10. Returns the number of digits (1 to 17),
 * or 0 when v is not finite and positive.
 */
int	mare_jsonl_digits(double v, char *digits, int *exp10);
/*
 * Lay out the ndig digits of mare_jsonl_digits() (first digit at 10^exp10,
 * negated with neg) into buf (at least MARE_JSONL_DTOA_SIZE bytes):
 * positional when -4 <= exp10 < fixed_below, else d.ddde+XX; point_zero
 * writes a whole number with ".0" (Python's repr()), else without a point
 * (%g). Returns the length.
 */
int	mare_jsonl_lay_out(char *buf, size_t size, int neg, const char *digits,
	    int ndig, int exp10, int fixed_below, int point_zero);

#endif /* MARE_JSONL_H */
