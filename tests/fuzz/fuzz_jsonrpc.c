// SPDX-License-Identifier: GPL-2.0
/*
 * The MCP server's JSON-RPC handling on arbitrary input, one message per line
 * (sandboxed: no BPF, no file access): every response is exactly one line of
 * valid JSON, every request-looking input gets at most one.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "top/mcp/mcp_server.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mcp_server s;
	const char *p = (const char *)data, *end = p + size;

	mcp_server_init(&s);
	s.sandbox = true;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct strbuf out = STRBUF_INIT;

		mcp_handle_message(&s, p, n, &out);
		if (out.len) {
			json_error_t jerr;
			json_t *j;

			if (out.buf[out.len - 1] != '\n' || memchr(out.buf, '\n', out.len - 1))
				abort();
			j = json_loadb(out.buf, out.len, 0, &jerr);
			if (!j)
				abort();
			json_decref(j);
		}
		strbuf_release(&out);
		p += n + 1;
	}
	mcp_server_release(&s);
	return 0;
}
