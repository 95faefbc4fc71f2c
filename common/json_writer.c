// SPDX-License-Identifier: GPL-2.0
#include "common/json_writer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* The UTF-8 encoding of U+FFFD REPLACEMENT CHARACTER. */
static const char utf8_replacement[] = "\xef\xbf\xbd";

/*
 * Length of the valid UTF-8 sequence at s (1..4), or the negated length of its
 * maximal invalid prefix (-1..-3) when it is not valid. s[0] >= 0x80.
 */
static int utf8_seq(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	int need, i;

	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return -1;
	}
	for (i = 1; i <= need; i++) {
		if ((size_t)i >= avail || s[i] < lo || s[i] > hi)
			return -i;
		lo = 0x80;
		hi = 0xbf;
	}
	return need + 1;
}

size_t utf8_sanitize(struct strbuf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len, *run = p;
	size_t bad = 0;

	while (p < end) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		int n = utf8_seq(p, (size_t)(end - p));
		if (n > 0) {
			p += n;
			continue;
		}
		strbuf_add(out, run, (size_t)(p - run));
		strbuf_add(out, utf8_replacement, 3);
		p += -n;
		run = p;
		bad++;
	}
	strbuf_add(out, run, (size_t)(p - run));
	return bad;
}

/* 0: copy as is; 1: needs an escape or UTF-8 validation. */
static const unsigned char json_special[256] = {
	[0x00 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x80 ... 0xff] = 1,
};

/*
 * The first byte at p that needs attention (json_special), 8 bytes at a time:
 * for each test the lowest flagged byte is exact, so the lowest of all is too.
 */
static const unsigned char *plain_run_end(const unsigned char *p, const unsigned char *end)
{
#ifdef __SSE2__
	/* 16 at a time: a signed "< 0x20" also catches bytes >= 0x80 */
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
		      space = _mm_set1_epi8(0x20);

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
			_mm_cmplt_epi8(v, space)));

		if (m)
			return p + __builtin_ctz(m);
		p += 16;
	}
#endif
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;

	while (end - p >= 8) {
		uint64_t v, q, b, m;

		memcpy(&v, p, 8);
		q = v ^ ('"' * ones);
		b = v ^ ('\\' * ones);
		m = (((v - 0x20 * ones) & ~v) | ((q - ones) & ~q) | ((b - ones) & ~b) | v) & highs;
		if (m)
			return p + (__builtin_ctzll(m) >> 3);
		p += 8;
	}
#endif
	while (p < end && !json_special[*p])
		p++;
	return p;
}

size_t json_plain_len(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	return (size_t)(plain_run_end(p, p + len) - p);
}

void json_escape(struct strbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + len, *run;

	strbuf_grow(out, len + 2);
	strbuf_addch(out, '"');
	while (p < end) {
		run = p;
		p = plain_run_end(p, end);
		while (p < end && !json_special[*p])
			p++;
		if (p > run)
			strbuf_add(out, run, (size_t)(p - run));
		if (p >= end)
			break;

		unsigned char c = *p;
		if (c >= 0x80) {
			int n = utf8_seq(p, (size_t)(end - p));
			if (n > 0) {
				strbuf_add(out, p, (size_t)n);
				p += n;
			} else {
				strbuf_add(out, utf8_replacement, 3);
				p += -n;
			}
			continue;
		}
		p++;
		switch (c) {
		case '"':
			strbuf_add(out, "\\\"", 2);
			break;
		case '\\':
			strbuf_add(out, "\\\\", 2);
			break;
		case '\b':
			strbuf_add(out, "\\b", 2);
			break;
		case '\f':
			strbuf_add(out, "\\f", 2);
			break;
		case '\n':
			strbuf_add(out, "\\n", 2);
			break;
		case '\r':
			strbuf_add(out, "\\r", 2);
			break;
		case '\t':
			strbuf_add(out, "\\t", 2);
			break;
		default: {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			strbuf_add(out, u, 6);
		}
		}
	}
	strbuf_addch(out, '"');
}

void json_format_double(struct strbuf *out, double v)
{
	char buf[40], digits[20];
	int prec, exp10, len = 0, kk, i;
	const char *p;

	if (!isfinite(v)) {
		strbuf_add(out, "null", 4);
		return;
	}
	if (signbit(v))
		strbuf_addch(out, '-');
	v = fabs(v);
	if (v == 0) {
		strbuf_add(out, "0.0", 3);
		return;
	}

	/* Shortest digit string that reads back as v (what ryu computes). */
	for (prec = 0; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	for (p = buf; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			digits[len++] = *p;
	exp10 = atoi(p + 1);
	while (len > 1 && digits[len - 1] == '0')
		len--;

	/* v = digits × 10^k with k = exp10 - (len - 1); kk = len + k. */
	kk = exp10 + 1;
	int k = kk - len;
	if (k >= 0 && kk <= 16) {
		strbuf_add(out, digits, (size_t)len);
		strbuf_addchars(out, '0', (size_t)k);
		strbuf_add(out, ".0", 2);
	} else if (kk > 0 && kk <= 16) {
		strbuf_add(out, digits, (size_t)kk);
		strbuf_addch(out, '.');
		strbuf_add(out, digits + kk, (size_t)(len - kk));
	} else if (kk > -5 && kk <= 0) {
		strbuf_add(out, "0.", 2);
		for (i = kk; i < 0; i++)
			strbuf_addch(out, '0');
		strbuf_add(out, digits, (size_t)len);
	} else {
		strbuf_addch(out, digits[0]);
		if (len > 1) {
			strbuf_addch(out, '.');
			strbuf_add(out, digits + 1, (size_t)(len - 1));
		}
		strbuf_addch(out, 'e');
		strbuf_addi64(out, kk - 1);
	}
}

void jw_init(struct json_writer *w, struct strbuf *out, unsigned flags)
{
	w->out = out;
	w->flags = flags;
	jw_reset(w);
}

void jw_reset(struct json_writer *w)
{
	w->depth = 0;
	w->first = true;
	w->after_key = false;
}

static void newline_indent(struct json_writer *w, unsigned depth)
{
	strbuf_addch(w->out, '\n');
	strbuf_addchars(w->out, ' ', 2 * (size_t)depth);
}

/* Separator and layout before a value or key in the current container. */
static void elem_begin(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0)
		return;
	if (!w->first)
		strbuf_addch(w->out, ',');
	if (w->flags & JSON_PRETTY)
		newline_indent(w, w->depth);
	w->first = false;
}

static void container_begin(struct json_writer *w, char open)
{
	elem_begin(w);
	strbuf_addch(w->out, open);
	w->depth++;
	w->first = true;
}

static void container_end(struct json_writer *w, char close)
{
	w->depth--;
	if ((w->flags & JSON_PRETTY) && !w->first)
		newline_indent(w, w->depth);
	strbuf_addch(w->out, close);
	w->first = false;
}

void jw_obj_begin(struct json_writer *w)
{
	container_begin(w, '{');
}

void jw_obj_end(struct json_writer *w)
{
	container_end(w, '}');
}

void jw_arr_begin(struct json_writer *w)
{
	container_begin(w, '[');
}

void jw_arr_end(struct json_writer *w)
{
	container_end(w, ']');
}

void jw_key(struct json_writer *w, const char *key)
{
	elem_begin(w);
	json_escape(w->out, key, strlen(key));
	if (w->flags & JSON_PRETTY)
		strbuf_add(w->out, ": ", 2);
	else
		strbuf_addch(w->out, ':');
	w->after_key = true;
}

void jw_strn(struct json_writer *w, const char *s, size_t len)
{
	elem_begin(w);
	json_escape(w->out, s, len);
}

void jw_str(struct json_writer *w, const char *s)
{
	jw_strn(w, s, strlen(s));
}

void jw_u64(struct json_writer *w, uint64_t v)
{
	elem_begin(w);
	strbuf_addu64(w->out, v);
}

void jw_i64(struct json_writer *w, int64_t v)
{
	elem_begin(w);
	strbuf_addi64(w->out, v);
}

void jw_double(struct json_writer *w, double v)
{
	elem_begin(w);
	json_format_double(w->out, v);
}

void jw_bool(struct json_writer *w, bool v)
{
	elem_begin(w);
	if (v)
		strbuf_add(w->out, "true", 4);
	else
		strbuf_add(w->out, "false", 5);
}

void jw_null(struct json_writer *w)
{
	elem_begin(w);
	strbuf_add(w->out, "null", 4);
}

void jw_raw(struct json_writer *w, const char *json, size_t len)
{
	elem_begin(w);
	strbuf_add(w->out, json, len);
}
