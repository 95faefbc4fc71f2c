/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Streaming JSON writer into a strbuf, byte-compatible with serde_json:
 *
 *  - strings escape \" \\ \b \f \n \r \t, other bytes < 0x20 as \u00xx (lowercase
 *    hex), everything else raw ('/' and non-ASCII included); invalid UTF-8 is
 *    replaced by U+FFFD per maximal invalid subsequence (Rust's from_utf8_lossy);
 *  - compact output has no spaces: {"a":1,"b":[1,2]};
 *  - JSON_PRETTY output is serde_json::to_string_pretty: two-space indent,
 *    "key": value, empty containers as [] and {};
 *  - doubles are printed like serde_json (ryu): shortest round-trip digits,
 *    1.0, 0.001234, 1.2e-7, 1e16; NaN and infinities become null.
 *
 * The caller closes every container it opens; the writer does not validate
 * nesting beyond what is needed for layout.
 */
#ifndef SCX_COMMON_JSON_WRITER_H
#define SCX_COMMON_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "common/strbuf.h"

enum json_flags {
	JSON_PRETTY = 1 << 0,
};

struct json_writer {
	struct strbuf *out;	/* borrowed */
	unsigned flags;
	unsigned depth;
	bool first;		/* no element yet in the innermost container */
	bool after_key;		/* a key was written, its value comes next */
};

void jw_init(struct json_writer *w, struct strbuf *out, unsigned flags);
/* Start a new top-level value (e.g. the next JSONL record) in the same buffer. */
void jw_reset(struct json_writer *w);

void jw_obj_begin(struct json_writer *w);
void jw_obj_end(struct json_writer *w);
void jw_arr_begin(struct json_writer *w);
void jw_arr_end(struct json_writer *w);
void jw_key(struct json_writer *w, const char *key);
void jw_str(struct json_writer *w, const char *s);
void jw_strn(struct json_writer *w, const char *s, size_t len);
void jw_u64(struct json_writer *w, uint64_t v);
void jw_i64(struct json_writer *w, int64_t v);
void jw_double(struct json_writer *w, double v);
void jw_bool(struct json_writer *w, bool v);
void jw_null(struct json_writer *w);
/* Insert an already-encoded JSON value verbatim. */
void jw_raw(struct json_writer *w, const char *json, size_t len);

static inline void jw_kv_str(struct json_writer *w, const char *k, const char *v)
{
	jw_key(w, k);
	jw_str(w, v);
}

static inline void jw_kv_u64(struct json_writer *w, const char *k, uint64_t v)
{
	jw_key(w, k);
	jw_u64(w, v);
}

static inline void jw_kv_i64(struct json_writer *w, const char *k, int64_t v)
{
	jw_key(w, k);
	jw_i64(w, v);
}

static inline void jw_kv_double(struct json_writer *w, const char *k, double v)
{
	jw_key(w, k);
	jw_double(w, v);
}

static inline void jw_kv_bool(struct json_writer *w, const char *k, bool v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

/* Append s (len bytes) as a quoted, escaped JSON string. */
void json_escape(struct strbuf *out, const char *s, size_t len);
/*
 * Length of the prefix of s that json_escape copies unchanged (ASCII without
 * '"', '\\' and control characters): when it is len, "\"" s "\"" is the JSON string.
 */
size_t json_plain_len(const char *s, size_t len);
/* Append v formatted as serde_json formats an f64 ("null" when not finite). */
void json_format_double(struct strbuf *out, double v);
/*
 * Append s with invalid UTF-8 replaced by U+FFFD (no JSON quoting or escaping).
 * Returns the number of replacements made.
 */
size_t utf8_sanitize(struct strbuf *out, const char *s, size_t len);

#endif
