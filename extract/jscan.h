/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A strict, allocation-free pull scanner for one JSON value per buffer (a JSONL
 * line), written for speed on flat records: perf.jsonl and perf.sched.jsonl are
 * read at millions of lines per second, where a DOM parser (jansson) spends most
 * of its time allocating.
 *
 * Strict means what serde_json accepts: RFC 8259 grammar, UTF-8 only (invalid
 * bytes, overlong forms, encoded surrogates and lone \u surrogates are errors),
 * no control characters in strings, nothing but whitespace after the value,
 * nesting at most JSCAN_MAX_DEPTH deep.
 *
 * Strings without escapes point into the input (zero copy); strings with escapes
 * are decoded into the scratch buffer given to jscan_init(), which is sized once
 * per line so that every decoded string of the line stays valid until the next
 * jscan_init(). Strings are not NUL-terminated; use the length.
 *
 * Errors: every function returns a negative errno (-EINVAL) after setting
 * s->err (a static message) and s->err_pos (byte offset into the input).
 */
#ifndef SCX_EXTRACT_JSCAN_H
#define SCX_EXTRACT_JSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"

#define JSCAN_MAX_DEPTH 64

enum jtype {
	J_STRING,
	J_NUMBER,
	J_TRUE,
	J_FALSE,
	J_NULL,
	J_OBJECT,	/* positioned inside: iterate with jscan_object_next or jscan_skip_rest */
	J_ARRAY,	/* positioned inside: iterate with jscan_array_next or jscan_skip_rest */
};

struct jstr {
	const char *p;
	size_t len;
};

struct jval {
	enum jtype type;
	struct jstr str;	/* J_STRING: decoded bytes; J_NUMBER: the literal text */
	bool is_u64;		/* J_NUMBER: an integer (no fraction/exponent) in [0, UINT64_MAX] */
	bool is_i64;		/* J_NUMBER: an integer in [INT64_MIN, INT64_MAX] */
	bool is_int;		/* J_NUMBER: no fraction or exponent (whatever its size) */
	uint64_t u;
	int64_t i;
};

struct jscan {
	const char *base, *p, *end;
	struct strbuf *scratch;	/* borrowed */
	const char *err;
	size_t err_pos;
	unsigned depth;
	uint64_t first;		/* bit d: no member read yet in the container at depth d+1 */
	uint64_t arr;		/* bit d: the container at depth d+1 is an array */
};

/* Start scanning data[0, len); scratch is reset and sized for the line. */
void jscan_init(struct jscan *s, const char *data, size_t len, struct strbuf *scratch);
/* True when the input holds only whitespace. */
bool jscan_blank(const struct jscan *s);
/* Read the next value (after optional whitespace). */
int jscan_value(struct jscan *s, struct jval *v);
/*
 * Inside an object: 1 with *key set and the ':' consumed (read the value next),
 * 0 after the closing '}', or an error.
 */
int jscan_object_next(struct jscan *s, struct jstr *key);
/* Inside an array: 1 when a value follows (read it next), 0 after ']', or an error. */
int jscan_array_next(struct jscan *s);
/* Skip the rest of the container we are inside (after J_OBJECT/J_ARRAY or members). */
int jscan_skip_rest(struct jscan *s);
/* Skip one whole value (scalar or container). */
int jscan_skip_value(struct jscan *s);
/* Only whitespace may follow the top-level value. */
int jscan_finish(struct jscan *s);
/* The number as a double (strtod of the literal); false when it overflows. */
bool jscan_number_double(const struct jval *v, double *out);
/* 1-based column (in bytes) of the error. */
static inline size_t jscan_err_column(const struct jscan *s)
{
	return s->err_pos + 1;
}

static inline bool jstr_eq(struct jstr a, const char *lit)
{
	size_t n = strlen(lit);

	return a.len == n && !memcmp(a.p, lit, n);
}

const char *jtype_name(enum jtype t);

/*
 * Records: one JSON object per line with known keys (perf.jsonl,
 * perf.sched.jsonl). jscan_record() checks the shape, skips unknown keys,
 * refuses a key given twice or a missing required one, and hands each known
 * key's value to fn, which checks and stores it (and may read further from s,
 * e.g. a nested object). Errors end up in r->err, one line with the column
 * where it helps.
 */
struct jscan_reader {
	struct strbuf scratch;	/* decoded strings of the current line */
	char err[256];		/* why the last line was rejected */
};

struct jscan_field {
	const char *name;
	bool required;
};

/* 0, or the result of jscan_reader_fail(). */
typedef int (*jscan_field_fn)(void *ctx, struct jscan_reader *r, struct jscan *s, int field,
			      const struct jval *v);

void jscan_reader_init(struct jscan_reader *r);
void jscan_reader_release(struct jscan_reader *r);
/* Set r->err (with s's error column when s is given); returns -EINVAL. */
int jscan_reader_fail(struct jscan_reader *r, const struct jscan *s, const char *fmt, ...)
	__printf(3, 4);
/*
 * Parse one line: 1 for a record, 0 for a blank line, -EINVAL with r->err set.
 * lookup maps a key to its index in fields (at most 32), or -1 for unknown keys.
 */
int jscan_record(struct jscan_reader *r, const char *line, size_t len,
		 const struct jscan_field *fields, int nr_fields, int (*lookup)(struct jstr key),
		 jscan_field_fn fn, void *ctx);

/* Validate UTF-8 (no overlongs, surrogates or > U+10FFFF); offset of the first bad byte or len. */
size_t utf8_valid_prefix(const char *s, size_t len);

#endif
