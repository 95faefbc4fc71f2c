/* SPDX-License-Identifier: GPL-2.0 */
/* UTF-8 for the TUI's keys, filters, config strings and cell buffer. */
#ifndef SCX_TOP_LIVE_UTF8_H
#define SCX_TOP_LIVE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Encode cp (a Unicode scalar value) into buf[0..4); returns the byte count. */
size_t utf8_encode(uint32_t cp, char buf[4]);
/*
 * Decode the character at s (NUL-terminated): returns the bytes it takes and
 * sets *cp, or returns the length of the invalid sequence (at least 1) with
 * *cp = UTF8_INVALID. Overlong forms and surrogates are invalid. 0 at the NUL.
 */
size_t utf8_decode(const char *s, uint32_t *cp);
#define UTF8_INVALID 0xffffffffu

#endif
