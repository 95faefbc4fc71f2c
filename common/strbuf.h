/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Growable byte buffer (git's strbuf). Invariants: buf is never NULL and is
 * always NUL-terminated at buf[len]; alloc > len once anything was added.
 * Initialise with STRBUF_INIT or strbuf_init(); strbuf_release() frees.
 */
#ifndef SCX_COMMON_STRBUF_H
#define SCX_COMMON_STRBUF_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char strbuf_empty[];
#define STRBUF_INIT {.buf = strbuf_empty, .len = 0, .alloc = 0}

void strbuf_init(struct strbuf *sb, size_t hint);
/* Frees the buffer; sb is left as STRBUF_INIT. */
void strbuf_release(struct strbuf *sb);
/* Ensure room for extra more bytes plus the NUL. */
void strbuf_grow(struct strbuf *sb, size_t extra);
/* Take ownership of the buffer (caller frees); sb is left empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

static inline void strbuf_setlen(struct strbuf *sb, size_t len)
{
	sb->len = len;
	sb->buf[len] = '\0';
}

static inline void strbuf_reset(struct strbuf *sb)
{
	if (sb->alloc)
		strbuf_setlen(sb, 0);
}

static inline void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (sb->alloc - sb->len <= len)
		strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	strbuf_setlen(sb, sb->len + len);
}

static inline void strbuf_addch(struct strbuf *sb, char c)
{
	if (sb->alloc - sb->len <= 1)
		strbuf_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

static inline void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __printf(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) __printf(2, 0);
/* Append n copies of c. */
void strbuf_addchars(struct strbuf *sb, char c, size_t n);
/* Append the decimal form of v (faster than addf). */
void strbuf_addu64(struct strbuf *sb, unsigned long long v);
void strbuf_addi64(struct strbuf *sb, long long v);
/* Remove trailing whitespace (including \r and \n). */
void strbuf_rtrim(struct strbuf *sb);
/* Write the whole buffer to fp; 0 or negative errno. */
int strbuf_write(const struct strbuf *sb, FILE *fp);

#endif
