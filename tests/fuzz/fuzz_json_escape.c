// SPDX-License-Identifier: GPL-2.0
/*
 * JSON string escaping on arbitrary bytes: the output must always parse as a
 * JSON string (jansson), contain no raw control byte, and decode to exactly
 * utf8_sanitize(input), i.e. the input itself when it is valid UTF-8.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_writer.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf esc = STRBUF_INIT, clean = STRBUF_INIT;
	json_error_t jerr;
	json_t *j;

	json_escape(&esc, (const char *)data, size);
	utf8_sanitize(&clean, (const char *)data, size);
	for (size_t i = 0; i < esc.len; i++)
		if ((unsigned char)esc.buf[i] < 0x20)
			abort();
	j = json_loadb(esc.buf, esc.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (!j || !json_is_string(j))
		abort();
	if (json_string_length(j) != clean.len || memcmp(json_string_value(j), clean.buf, clean.len))
		abort();
	json_decref(j);
	strbuf_release(&esc);
	strbuf_release(&clean);
	return 0;
}
