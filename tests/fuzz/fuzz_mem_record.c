// SPDX-License-Identifier: GPL-2.0
/*
 * The perf.jsonl record reader on arbitrary bytes, line by line, checked against
 * jansson: a line we accept must be a JSON object jansson accepts too, with the
 * same comm and cgroup, and the strings we return must be valid UTF-8. Accepted
 * samples then go through extract mem in locality mode (config, reports), so the
 * whole pipeline sees hostile input.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "extract/extract_mem.h"
#include "extract/jscan.h"
#include "extract/mem_record.h"
#include "tests/fuzz/fuzz.h"

static void check_str(json_t *obj, const char *key, const char *p, size_t len)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v) || json_string_length(v) != len || memcmp(json_string_value(v), p, len))
		abort();
	if (utf8_valid_prefix(p, len) != len)
		abort();
}

static void quiet(void *ctx, enum log_level level, const char *line)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jscan_reader rr;
	struct extract_mem_opts o;
	struct extract_mem *x = NULL;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	const char *p = (const char *)data, *end = p + size;

	log_set_sink(quiet, NULL);
	jscan_reader_init(&rr);
	extract_mem_opts_init(&o);
	o.cluster = EXTRACT_CLUSTER_LOCALITY;
	o.max_page_entries = 64; /* exercise page sampling */
	if (extract_mem_new(&o, &x, &err))
		abort();
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct mem_sample s;
		int r = mem_record_parse(&rr, p, len, &s);

		if (r == 1) {
			json_error_t jerr;
			json_t *j = json_loadb(p, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);

			if (!j) {
				/* jansson converts every number; we skip unknown values. */
				if (!strstr(jerr.text, "overflow") && !strstr(jerr.text, "too big") &&
				    !strstr(jerr.text, "too deep"))
					abort();
			} else {
				if (!json_is_object(j))
					abort();
				check_str(j, "comm", s.comm, s.comm_len);
				check_str(j, "cgroup", s.cgroup, s.cgroup_len);
				json_decref(j);
			}
			extract_mem_add(x, &s);
		} else if (r == 0) {
			for (size_t i = 0; i < len; i++)
				if (!strchr(" \t\r\n", p[i]))
					abort();
		} else if (!rr.err[0]) {
			abort();
		}
		p += len + (nl ? 1 : 0);
	}
	extract_mem_finish(x);
	/* The config and the JSON report are always valid JSON (jansson agrees). */
	for (int doc = 0; doc < 2; doc++) {
		json_t *j;

		strbuf_reset(&out);
		if (doc)
			extract_mem_report_json(x, &out);
		else
			cell_config_write(extract_mem_config(x), &out);
		j = json_loadb(out.buf, out.len, 0, NULL);
		if (!j || (!doc && !json_is_array(j)))
			abort();
		json_decref(j);
	}
	strbuf_reset(&out);
	extract_mem_report(x, 2, &out);
	extract_mem_free(x);
	jscan_reader_release(&rr);
	strbuf_release(&err);
	strbuf_release(&out);
	log_set_file(NULL);
	return 0;
}
