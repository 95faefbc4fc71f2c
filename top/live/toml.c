// SPDX-License-Identifier: GPL-2.0
#include "top/live/toml.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "common/util.h"
#include "top/live/utf8.h"

struct parser {
	const char *p, *end;
	unsigned line;
	const struct toml_handler *h;
	unsigned errors;
	char table[256];
	struct strbuf strs;		/* decoded strings of the current value */
	size_t str_offs[64];		/* offsets into strs of each string item */
	struct toml_value items[64];
	size_t nitems;
};

static void report(struct parser *ps, unsigned line, const char *fmt, ...) __printf(3, 4);

static void report(struct parser *ps, unsigned line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ps->errors++;
	if (ps->h->on_error)
		ps->h->on_error(ps->h->ctx, line, msg);
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t'))
		ps->p++;
}

/* Whitespace, newlines and comments (inside arrays). */
static void skip_ws_nl(struct parser *ps)
{
	for (;;) {
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == '#') {
			while (ps->p < ps->end && *ps->p != '\n')
				ps->p++;
		}
		if (ps->p < ps->end && (*ps->p == '\n' || *ps->p == '\r')) {
			if (*ps->p == '\n')
				ps->line++;
			ps->p++;
			continue;
		}
		return;
	}
}

/* Skip to the start of the next line. */
static void skip_line(struct parser *ps)
{
	while (ps->p < ps->end && *ps->p != '\n')
		ps->p++;
	if (ps->p < ps->end) {
		ps->p++;
		ps->line++;
	}
}

/* A quoted string at ps->p into out; NULL or an error message. */
static const char *parse_string(struct parser *ps, struct strbuf *out)
{
	char q = *ps->p++;

	if (ps->p + 1 < ps->end && ps->p[0] == q && ps->p[1] == q)
		return "multi-line strings are not supported";
	while (ps->p < ps->end && *ps->p != q) {
		char c = *ps->p;

		if (c == '\n' || c == '\r')
			return "unterminated string";	/* the newline is left for skip_line */
		ps->p++;
		if ((unsigned char)c < 0x20 && c != '\t')
			return "control character in a string";
		if (q == '\'' || c != '\\') {
			strbuf_addch(out, c);
			continue;
		}
		if (ps->p >= ps->end || *ps->p == '\n' || *ps->p == '\r')
			return "unterminated string";
		c = *ps->p++;
		switch (c) {
		case '"': strbuf_addch(out, '"'); break;
		case '\\': strbuf_addch(out, '\\'); break;
		case 'b': strbuf_addch(out, '\b'); break;
		case 't': strbuf_addch(out, '\t'); break;
		case 'n': strbuf_addch(out, '\n'); break;
		case 'f': strbuf_addch(out, '\f'); break;
		case 'r': strbuf_addch(out, '\r'); break;
		case 'u':
		case 'U': {
			int nd = c == 'u' ? 4 : 8;
			uint32_t cp = 0;

			for (int i = 0; i < nd; i++) {
				if (ps->p >= ps->end || !isxdigit((unsigned char)*ps->p))
					return "bad \\u escape";
				cp = cp * 16 + (uint32_t)(isdigit((unsigned char)*ps->p)
								  ? *ps->p - '0'
								  : (tolower((unsigned char)*ps->p) - 'a' + 10));
				ps->p++;
			}
			if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
				return "\\u escape is not a Unicode scalar value";
			char enc[4];

			strbuf_add(out, enc, utf8_encode(cp, enc));
			break;
		}
		default:
			return "unknown escape in a string";
		}
	}
	if (ps->p >= ps->end)
		return "unterminated string";
	ps->p++;
	return NULL;
}

static bool bare_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* A scalar value into v; string bytes go to ps->strs. NULL or an error message. */
static const char *parse_scalar(struct parser *ps, struct toml_value *v, size_t *str_off)
{
	const char *start = ps->p;
	char word[64];
	size_t n = 0;

	memset(v, 0, sizeof(*v));
	if (ps->p >= ps->end)
		return "missing value";
	if (*ps->p == '"' || *ps->p == '\'') {
		*str_off = ps->strs.len;
		v->type = TOML_STRING;
		const char *err = parse_string(ps, &ps->strs);

		strbuf_addch(&ps->strs, '\0');
		return err;
	}
	if (*ps->p == '{')
		return "inline tables are not supported";
	while (ps->p < ps->end && (bare_char(*ps->p) || *ps->p == '+' || *ps->p == '.' ||
				   *ps->p == ':')) {
		if (n + 1 < sizeof(word))
			word[n++] = *ps->p;
		ps->p++;
	}
	word[n] = '\0';
	if (!n || ps->p == start)
		return "expected a value";
	if (!strcmp(word, "true") || !strcmp(word, "false")) {
		v->type = TOML_BOOL;
		v->b = word[0] == 't';
		return NULL;
	}
	{
		char digits[64];
		size_t k = 0;
		int base = 10;
		const char *w = word;
		bool neg = false;
		char *end;
		long long val;

		if (*w == '+' || *w == '-')
			neg = *w++ == '-';
		if (w[0] == '0' && (w[1] == 'x' || w[1] == 'o' || w[1] == 'b') && !neg) {
			base = w[1] == 'x' ? 16 : w[1] == 'o' ? 8 : 2;
			w += 2;
		}
		for (; *w; w++) {
			if (*w == '_')
				continue;
			if (base == 10 ? !isdigit((unsigned char)*w) : !isxdigit((unsigned char)*w))
				break;
			digits[k++] = *w;
		}
		digits[k] = '\0';
		if (*w) {
			if (strchr(word, ':') || (n > 4 && word[4] == '-'))
				return "dates are not supported";
			if (base == 10 && (strchr(word, '.') || strpbrk(word, "eE")) &&
			    isdigit((unsigned char)word[neg || word[0] == '+']))
				return "floats are not supported";
			return "expected a value (quote strings)";
		}
		if (!k)
			return "expected a value";
		errno = 0;
		val = strtoll(digits, &end, base);
		if (*end || errno)
			return errno == ERANGE ? "integer out of range" : "bad integer";
		v->type = TOML_INT;
		v->i = neg ? -val : val;
	}
	return NULL;
}

/* The value after '=' (scalar or array) into ps->items[0] / items; NULL or error. */
static const char *parse_value(struct parser *ps, struct toml_value *out)
{
	size_t off = 0;
	const char *err;

	ps->nitems = 0;
	strbuf_reset(&ps->strs);
	if (ps->p < ps->end && *ps->p == '[') {
		ps->p++;
		for (;;) {
			skip_ws_nl(ps);
			if (ps->p >= ps->end)
				return "unterminated array";
			if (*ps->p == ']') {
				ps->p++;
				break;
			}
			if (*ps->p == '[')
				return "nested arrays are not supported";
			if (ps->nitems >= ARRAY_SIZE(ps->items))
				return "array too long";
			err = parse_scalar(ps, &ps->items[ps->nitems], &off);
			if (err)
				return err;
			ps->str_offs[ps->nitems++] = off;
			skip_ws_nl(ps);
			if (ps->p < ps->end && *ps->p == ',') {
				ps->p++;
				continue;
			}
			skip_ws_nl(ps);
			if (ps->p < ps->end && *ps->p == ']') {
				ps->p++;
				break;
			}
			return "expected ',' or ']' in array";
		}
		/* strings are final now: point items at them */
		for (size_t i = 0; i < ps->nitems; i++)
			if (ps->items[i].type == TOML_STRING)
				ps->items[i].str = ps->strs.buf + ps->str_offs[i];
		memset(out, 0, sizeof(*out));
		out->type = TOML_ARRAY;
		out->n = ps->nitems;
		out->items = ps->items;
		return NULL;
	}
	err = parse_scalar(ps, out, &off);
	if (!err && out->type == TOML_STRING)
		out->str = ps->strs.buf + off;
	return err;
}

/* A key (bare or quoted) into buf; NULL or an error message. */
static const char *parse_key(struct parser *ps, char *buf, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	const char *err = NULL;

	if (ps->p < ps->end && (*ps->p == '"' || *ps->p == '\'')) {
		err = parse_string(ps, &sb);
	} else {
		while (ps->p < ps->end && bare_char(*ps->p))
			strbuf_addch(&sb, *ps->p++);
		if (!sb.len)
			err = "expected a key";
	}
	if (!err && sb.len >= n)
		err = "key too long";
	if (!err && memchr(sb.buf, '\0', sb.len))
		err = "NUL in a key";
	if (!err)
		snprintf(buf, n, "%s", sb.buf);
	strbuf_release(&sb);
	return err;
}

/* After a value: only a comment may follow on the line. */
static const char *line_end(struct parser *ps)
{
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '#')
		while (ps->p < ps->end && *ps->p != '\n')
			ps->p++;
	if (ps->p < ps->end && *ps->p == '\r')
		ps->p++;
	if (ps->p < ps->end && *ps->p != '\n')
		return "unexpected text after the value";
	return NULL;
}

static void parse_table(struct parser *ps)
{
	unsigned line = ps->line;
	char name[256], part[128];
	const char *err = NULL;
	size_t len = 0;

	ps->p++;
	if (ps->p < ps->end && *ps->p == '[') {
		report(ps, line, "arrays of tables ([[...]]) are not supported");
		goto skip;
	}
	name[0] = '\0';
	for (;;) {
		skip_ws(ps);
		err = parse_key(ps, part, sizeof(part));
		if (err)
			break;
		len += (size_t)snprintf(name + len, sizeof(name) - MIN(len, sizeof(name)), "%s%s",
					len ? "." : "", part);
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == '.') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			break;
		}
		err = "expected ']' after the table name";
		break;
	}
	if (!err)
		err = line_end(ps);
	if (err) {
		report(ps, line, "%s", err);
		goto skip;
	}
	snprintf(ps->table, sizeof(ps->table), "%s", name);
	if (ps->h->on_table)
		ps->h->on_table(ps->h->ctx, ps->table, line);
skip:
	skip_line(ps);
}

static void parse_keyval(struct parser *ps)
{
	unsigned line = ps->line;
	struct toml_value v;
	char key[256];
	const char *err;

	err = parse_key(ps, key, sizeof(key));
	if (!err) {
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == '.')
			err = "dotted keys are not supported";
		else if (ps->p >= ps->end || *ps->p != '=')
			err = "expected '=' after the key";
	}
	if (!err) {
		ps->p++;
		skip_ws(ps);
		err = parse_value(ps, &v);
	}
	if (!err)
		err = line_end(ps);
	if (err) {
		report(ps, line, "%s", err);
		skip_line(ps);
		return;
	}
	if (ps->h->on_value && (err = ps->h->on_value(ps->h->ctx, ps->table, key, &v, line))) {
		ps->errors++;
		if (ps->h->on_error)
			ps->h->on_error(ps->h->ctx, line, err);
	}
	skip_line(ps);
}

unsigned toml_parse(const char *text, size_t len, const struct toml_handler *h)
{
	struct parser ps = {.p = text, .end = text + len, .line = 1, .h = h};

	strbuf_init(&ps.strs, 256);
	while (ps.p < ps.end) {
		skip_ws(&ps);
		if (ps.p >= ps.end)
			break;
		switch (*ps.p) {
		case '#':
		case '\n':
		case '\r':
			skip_line(&ps);
			break;
		case '[':
			parse_table(&ps);
			break;
		default:
			parse_keyval(&ps);
			break;
		}
	}
	strbuf_release(&ps.strs);
	return ps.errors;
}

void toml_write_key(struct strbuf *out, const char *key)
{
	bool bare = *key != '\0';

	for (const char *p = key; *p && bare; p++)
		bare = bare_char(*p);
	if (bare)
		strbuf_addstr(out, key);
	else
		toml_write_string(out, key);
}

void toml_write_string(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"': strbuf_addstr(out, "\\\""); break;
		case '\\': strbuf_addstr(out, "\\\\"); break;
		case '\n': strbuf_addstr(out, "\\n"); break;
		case '\t': strbuf_addstr(out, "\\t"); break;
		case '\r': strbuf_addstr(out, "\\r"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				strbuf_addf(out, "\\u%04x", c);
			else
				strbuf_addch(out, (char)c);
		}
	}
	strbuf_addch(out, '"');
}
