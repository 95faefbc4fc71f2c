/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subset of TOML that scxtop.toml uses (Debian 12 ships no C TOML library):
 * comments, [table] headers (dotted names kept as one string), key = value with
 * bare or quoted keys, and values that are basic "strings" (with \" \\ \b \t \n
 * \f \r \uXXXX \UXXXXXXXX escapes), 'literal strings', integers (sign,
 * underscores, 0x/0o/0b), booleans, and arrays of those (possibly over several
 * lines, trailing comma allowed). Floats, dates, inline tables and multi-line
 * strings are reported as unsupported on their line.
 *
 * Errors never stop the parse: each bad line is reported through the error
 * callback with its number and skipped, so one typo does not lose the rest.
 */
#ifndef SCX_TOP_LIVE_TOML_H
#define SCX_TOP_LIVE_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

enum toml_type {
	TOML_STRING,
	TOML_INT,
	TOML_BOOL,
	TOML_ARRAY,
};

struct toml_value {
	enum toml_type type;
	const char *str;	/* TOML_STRING (NUL-terminated, valid until the callback returns) */
	int64_t i;
	bool b;
	size_t n;		/* TOML_ARRAY: items (never arrays themselves) */
	const struct toml_value *items;
};

struct toml_handler {
	/* table is "" before the first header. Return 0, or an error message to report. */
	const char *(*on_value)(void *ctx, const char *table, const char *key,
				const struct toml_value *v, unsigned line);
	void (*on_table)(void *ctx, const char *table, unsigned line);
	void (*on_error)(void *ctx, unsigned line, const char *msg);
	void *ctx;
};

/* Parse text[0..len). Returns the number of errors reported. */
unsigned toml_parse(const char *text, size_t len, const struct toml_handler *h);

/* Writers: a key (bare when possible, else quoted) and a quoted basic string. */
void toml_write_key(struct strbuf *out, const char *key);
void toml_write_string(struct strbuf *out, const char *s);

#endif
