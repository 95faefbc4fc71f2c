// SPDX-License-Identifier: GPL-2.0
/*
 * The perf.sched.jsonl record reader on arbitrary bytes (accepted lines must be
 * objects jansson accepts, with the same comm and event), and every accepted
 * record through the sched-util busy-interval model, its checks and its output.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "extract/sched_util.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jscan_reader rr;
	struct sched_categories cats;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct sched_util *u;
	const char *p = (const char *)data, *end = p + size;

	if (sched_categories_parse("w@hint=1,svc-*,a?c", &cats, &err))
		abort();
	u = sched_util_new(1, &cats, NULL, NULL);
	jscan_reader_init(&rr);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct sched_record r;

		if (sched_record_parse(&rr, p, len, &r) == 1) {
			json_error_t jerr;
			json_t *j = json_loadb(p, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);

			if (!j && !strstr(jerr.text, "overflow") && !strstr(jerr.text, "too big") &&
			    !strstr(jerr.text, "too deep"))
				abort();
			if (j) {
				json_t *c = json_object_get(j, "comm");

				if (!json_is_string(c) || json_string_length(c) != r.comm_len ||
				    memcmp(json_string_value(c), r.comm, r.comm_len))
					abort();
				json_decref(j);
			}
			/* Keep the window count small: a fuzzer has no GBs to spare. */
			if ((r.has_time_ns ? r.time_ns < 10000000000ull : r.time < 10.0) &&
			    sched_util_add(u, &r, &err))
				break;
		}
		p += len + (nl ? 1 : 0);
	}
	if (!sched_util_finish(u, &err))
		sched_util_write(u, &out);
	sched_util_missing_cpus(u, &out);
	sched_util_free(u);
	sched_categories_release(&cats);
	jscan_reader_release(&rr);
	strbuf_release(&err);
	strbuf_release(&out);
	return 0;
}
