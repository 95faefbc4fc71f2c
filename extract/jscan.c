// SPDX-License-Identifier: GPL-2.0
#include "extract/jscan.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 for bytes that end the fast path of a string: '"', '\\', controls, non-ASCII. */
static const uint8_t str_special[256] = {
	[0x00 ... 0x1f] = 1,
	['"'] = 1,
	['\\'] = 1,
	[0x80 ... 0xff] = 1,
};

static inline bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline void skip_ws(struct jscan *s)
{
	/* JSONL from `scxprof process` has no whitespace: one compare in the usual case. */
	while (s->p < s->end && (unsigned char)*s->p <= ' ' && is_ws(*s->p))
		s->p++;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/*
 * Bytes of p[0..8) that end the fast path ('"', '\\', controls, non-ASCII) as
 * their high bits. The lowest flagged byte is exact (borrows only move up), so
 * ctz finds the first special byte. Little-endian loads.
 */
static inline uint64_t word_special(const char *p)
{
	uint64_t x, q, b;

	memcpy(&x, p, 8);
	q = x ^ (ONES * '"');
	b = x ^ (ONES * '\\');
	return (((q - ONES) & ~q) | ((b - ONES) & ~b) | (x - ONES * 0x20) | x) & HIGHS;
}

static int fail_at(struct jscan *s, const char *at, const char *msg)
{
	s->err = msg;
	s->err_pos = (size_t)(at - s->base);
	return -EINVAL;
}

const char *jtype_name(enum jtype t)
{
	static const char *const names[] = {
		[J_STRING] = "a string", [J_NUMBER] = "a number", [J_TRUE] = "a boolean",
		[J_FALSE] = "a boolean", [J_NULL] = "null",	  [J_OBJECT] = "an object",
		[J_ARRAY] = "an array",
	};

	return names[t];
}

void jscan_init(struct jscan *s, const char *data, size_t len, struct strbuf *scratch)
{
	memset(s, 0, sizeof(*s));
	s->base = s->p = data;
	s->end = data + len;
	s->scratch = scratch;
	strbuf_reset(scratch);
	/* Decoded strings never exceed their encoded form, so this never reallocates
	 * while the line is scanned and earlier decoded strings stay valid. */
	strbuf_grow(scratch, len + 1);
}

bool jscan_blank(const struct jscan *s)
{
	for (const char *p = s->p; p < s->end; p++)
		if (!is_ws(*p))
			return false;
	return true;
}

/* Length of the valid UTF-8 sequence starting at p (a byte >= 0x80), or 0. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;	/* no UTF-8-encoded surrogates */
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;	/* nothing above U+10FFFF */
	if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

size_t utf8_valid_prefix(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		size_t n;

		if (*p < 0x80) {
			p++;
			continue;
		}
		n = utf8_seq(p, end);
		if (!n)
			break;
		p += n;
	}
	return (size_t)(p - (const unsigned char *)s);
}

static int hex4(const char *p, const char *end, unsigned *out)
{
	unsigned v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* Decode the rest of a string that has escapes; [start, p) is plain text already scanned. */
static int scan_string_slow(struct jscan *s, const char *start, const char *p, struct jstr *out)
{
	struct strbuf *sb = s->scratch;
	char *o0 = sb->buf + sb->len, *o = o0;

	memcpy(o, start, (size_t)(p - start));
	o += p - start;
	while (p < s->end) {
		unsigned char c = (unsigned char)*p;

		if (!str_special[c]) {
			*o++ = (char)c;
			p++;
		} else if (c == '"') {
			out->p = o0;
			out->len = (size_t)(o - o0);
			sb->len += out->len;
			s->p = p + 1;
			return 0;
		} else if (c == '\\') {
			const char *esc = p;
			unsigned cp, lo;

			if (p + 1 >= s->end)
				return fail_at(s, p, "unterminated string");
			switch (p[1]) {
			case '"': *o++ = '"'; break;
			case '\\': *o++ = '\\'; break;
			case '/': *o++ = '/'; break;
			case 'b': *o++ = '\b'; break;
			case 'f': *o++ = '\f'; break;
			case 'n': *o++ = '\n'; break;
			case 'r': *o++ = '\r'; break;
			case 't': *o++ = '\t'; break;
			case 'u':
				if (hex4(p + 2, s->end, &cp))
					return fail_at(s, esc, "invalid \\u escape");
				p += 4;
				if (cp >= 0xdc00 && cp <= 0xdfff)
					return fail_at(s, esc, "lone trailing surrogate in \\u escape");
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (s->end - p < 8 || p[2] != '\\' || p[3] != 'u' ||
					    hex4(p + 4, s->end, &lo) || lo < 0xdc00 || lo > 0xdfff)
						return fail_at(s, esc, "lone leading surrogate in \\u escape");
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					p += 6;
				}
				o = put_utf8(o, cp);
				break;
			default:
				return fail_at(s, p, "invalid escape in string");
			}
			p += 2;
		} else if (c < 0x20) {
			return fail_at(s, p, "control character in string");
		} else {
			size_t n = utf8_seq((const unsigned char *)p, (const unsigned char *)s->end);

			if (!n)
				return fail_at(s, p, "invalid UTF-8 in string");
			memcpy(o, p, n);
			o += n;
			p += n;
		}
	}
	return fail_at(s, s->end, "unterminated string");
}

/* s->p is at the opening quote. */
static int scan_string(struct jscan *s, struct jstr *out)
{
	const char *start = s->p + 1, *p = start, *end = s->end;

	for (;;) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		while (end - p >= 8) {
			uint64_t m = word_special(p);

			if (m) {
				p += __builtin_ctzll(m) >> 3;
				goto special;
			}
			p += 8;
		}
#endif
		while (p < end && !str_special[(unsigned char)*p])
			p++;
		if (p >= end)
			return fail_at(s, end, "unterminated string");
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
special:
#endif
		if (*p == '"') {
			out->p = start;
			out->len = (size_t)(p - start);
			s->p = p + 1;
			return 0;
		}
		if (*p == '\\')
			return scan_string_slow(s, start, p, out);
		if ((unsigned char)*p < 0x20)
			return fail_at(s, p, "control character in string");
		size_t n = utf8_seq((const unsigned char *)p, (const unsigned char *)end);
		if (!n)
			return fail_at(s, p, "invalid UTF-8 in string");
		p += n;
	}
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Skip `skip` bytes, then one or more digits; false (with *pp at the non-digit) if none. */
static bool digits(const char **pp, const char *end, size_t skip)
{
	const char *p = *pp + skip;

	*pp = p;
	if (p >= end || !is_digit(*p))
		return false;
	while (p < end && is_digit(*p))
		p++;
	*pp = p;
	return true;
}

static int scan_number(struct jscan *s, struct jval *v)
{
	const char *p = s->p, *end = s->end, *start = p;
	bool neg = false, overflow = false;
	uint64_t u = 0;

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (p >= end || !is_digit(*p))
		return fail_at(s, p, "invalid number");
	if (*p == '0') {
		p++;
	} else {
		while (p < end && is_digit(*p)) {
			unsigned d = (unsigned)(*p - '0');

			/* UINT64_MAX = 1844674407370955161 * 10 + 5 */
			if (u >= 1844674407370955161ull && (u > 1844674407370955161ull || d > 5))
				overflow = true;
			else
				u = u * 10 + d;
			p++;
		}
	}
	v->is_int = true;
	if (p < end && *p == '.') {
		if (!digits(&p, end, 1))
			return fail_at(s, p, "invalid number");
		v->is_int = false;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		if (!digits(&p, end, p + 1 < end && (p[1] == '+' || p[1] == '-') ? 2 : 1))
			return fail_at(s, p, "invalid number");
		v->is_int = false;
	}
	v->type = J_NUMBER;
	v->str.p = start;
	v->str.len = (size_t)(p - start);
	v->is_u64 = v->is_int && !neg && !overflow;
	v->u = v->is_u64 ? u : 0;
	v->is_i64 = v->is_int && !overflow &&
		    (neg ? u <= (uint64_t)INT64_MAX + 1 : u <= (uint64_t)INT64_MAX);
	v->i = !v->is_i64 ? 0 : neg ? (int64_t)(0 - u) : (int64_t)u;
	s->p = p;
	return 0;
}

static int scan_literal(struct jscan *s, const char *lit, enum jtype t, struct jval *v)
{
	size_t n = strlen(lit);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n))
		return fail_at(s, s->p, "invalid literal");
	s->p += n;
	v->type = t;
	return 0;
}

static int open_container(struct jscan *s, bool array)
{
	uint64_t bit;

	if (s->depth >= JSCAN_MAX_DEPTH)
		return fail_at(s, s->p, "nesting too deep");
	bit = 1ull << s->depth;
	s->depth++;
	s->first |= bit;
	if (array)
		s->arr |= bit;
	else
		s->arr &= ~bit;
	s->p++;
	return 0;
}

int jscan_value(struct jscan *s, struct jval *v)
{
	skip_ws(s);
	v->is_u64 = v->is_i64 = v->is_int = false;
	if (s->p >= s->end)
		return fail_at(s, s->p, "unexpected end of line, expected a value");
	switch (*s->p) {
	case '"':
		v->type = J_STRING;
		return scan_string(s, &v->str);
	case '{':
		v->type = J_OBJECT;
		return open_container(s, false);
	case '[':
		v->type = J_ARRAY;
		return open_container(s, true);
	case 't':
		return scan_literal(s, "true", J_TRUE, v);
	case 'f':
		return scan_literal(s, "false", J_FALSE, v);
	case 'n':
		return scan_literal(s, "null", J_NULL, v);
	default:
		if (*s->p == '-' || is_digit(*s->p))
			return scan_number(s, v);
		return fail_at(s, s->p, "expected a value");
	}
}

/* Shared by objects and arrays: consume ',' or the closing bracket. 1 more, 0 closed. */
static inline __attribute__((always_inline)) int container_next(struct jscan *s, char close)
{
	uint64_t bit = 1ull << (s->depth - 1);

	skip_ws(s);
	if (s->p >= s->end)
		return fail_at(s, s->p, "unexpected end of line inside a container");
	if (*s->p == close) {
		s->p++;
		s->depth--;
		return 0;
	}
	if (s->first & bit) {
		s->first &= ~bit;
		return 1;
	}
	if (*s->p != ',')
		return fail_at(s, s->p, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	s->p++;
	skip_ws(s);
	return 1;
}

int jscan_object_next(struct jscan *s, struct jstr *key)
{
	int r = container_next(s, '}');

	if (r <= 0)
		return r;
	if (s->p >= s->end || *s->p != '"')
		return fail_at(s, s->p, "expected a string key");
	r = scan_string(s, key);
	if (r)
		return r;
	skip_ws(s);
	if (s->p >= s->end || *s->p != ':')
		return fail_at(s, s->p, "expected ':' after a key");
	s->p++;
	return 1;
}

int jscan_array_next(struct jscan *s)
{
	return container_next(s, ']');
}

int jscan_skip_rest(struct jscan *s)
{
	unsigned depth = s->depth;
	int r;

	if (!depth)
		return 0;
	for (;;) {
		struct jstr key;

		if (s->arr & (1ull << (depth - 1)))
			r = jscan_array_next(s);
		else
			r = jscan_object_next(s, &key);
		if (r <= 0)
			return r;
		r = jscan_skip_value(s);
		if (r)
			return r;
	}
}

int jscan_skip_value(struct jscan *s)
{
	struct jval v;
	int r = jscan_value(s, &v);

	if (r)
		return r;
	if (v.type == J_OBJECT || v.type == J_ARRAY)
		return jscan_skip_rest(s);
	return 0;
}

int jscan_finish(struct jscan *s)
{
	skip_ws(s);
	if (s->p != s->end)
		return fail_at(s, s->p, "unexpected characters after the JSON value");
	return 0;
}

bool jscan_number_double(const struct jval *v, double *out)
{
	char buf[64], *copy = buf;
	double d;

	if (v->str.len >= sizeof(buf))
		copy = xmalloc(v->str.len + 1);
	memcpy(copy, v->str.p, v->str.len);
	copy[v->str.len] = '\0';
	d = strtod(copy, NULL);
	if (copy != buf)
		free(copy);
	*out = d;
	return isfinite(d);
}

void jscan_reader_init(struct jscan_reader *r)
{
	strbuf_init(&r->scratch, 4096);
	r->err[0] = '\0';
}

void jscan_reader_release(struct jscan_reader *r)
{
	strbuf_release(&r->scratch);
}

int jscan_reader_fail(struct jscan_reader *r, const struct jscan *s, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = (size_t)vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	if (s && n < sizeof(r->err))
		snprintf(r->err + n, sizeof(r->err) - n, " (column %zu)", jscan_err_column(s));
	return -EINVAL;
}

int jscan_record(struct jscan_reader *r, const char *line, size_t len,
		 const struct jscan_field *fields, int nr_fields, int (*lookup)(struct jstr key),
		 jscan_field_fn fn, void *ctx)
{
	struct jscan s;
	struct jval v;
	struct jstr key;
	uint32_t seen = 0;
	int ret;

	jscan_init(&s, line, len, &r->scratch);
	if (jscan_blank(&s))
		return 0;
	if (jscan_value(&s, &v))
		goto syntax;
	if (v.type != J_OBJECT)
		return jscan_reader_fail(r, NULL, "expected a JSON object, got %s", jtype_name(v.type));
	while ((ret = jscan_object_next(&s, &key)) == 1) {
		int f = lookup(key);

		if (f < 0) {
			if (jscan_skip_value(&s))
				goto syntax;
			continue;
		}
		if (seen & (1u << f))
			return jscan_reader_fail(r, NULL, "duplicate key \"%s\"", fields[f].name);
		seen |= 1u << f;
		if (jscan_value(&s, &v))
			goto syntax;
		ret = fn(ctx, r, &s, f, &v);
		if (ret)
			return ret;
	}
	if (ret < 0 || jscan_finish(&s))
		goto syntax;
	for (int f = 0; f < nr_fields; f++)
		if (fields[f].required && !(seen & (1u << f)))
			return jscan_reader_fail(r, NULL, "missing key \"%s\"", fields[f].name);
	return 1;
syntax:
	return jscan_reader_fail(r, &s, "%s", s.err);
}
