// SPDX-License-Identifier: GPL-2.0
/*
 * The perf script memory-sample parser on arbitrary bytes: every span lies in
 * the input, parsing is deterministic, and the stream's JSONL (each line of the
 * input through upstream's rules, hints and a cgroup table) always parses as
 * JSON objects with the required keys in order.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "profiler/libscxprof.h"
#include "tests/fuzz/fuzz.h"

static const char *lo, *hi;

static void check_span(struct scx_span s)
{
	if (s.len && (s.p < lo || s.p + s.len > hi))
		abort();
}

static void check_sample(const struct scxprof_mem_sample *s)
{
	struct scx_span spans[] = {s->comm, s->time, s->addr, s->addr_sym, s->addr_dso,
				   s->data_src, s->ip, s->sym, s->dso, s->phys_addr};

	for (size_t i = 0; i < sizeof(spans) / sizeof(spans[0]); i++)
		check_span(spans[i]);
	if (s->cgroup_pos == SCXPROF_CGROUP_BEFORE_IP || s->cgroup_pos == SCXPROF_CGROUP_AT_END)
		check_span(s->cgroup);
}

static int on_record(void *ctx, const struct scxprof_mem_sample *s)
{
	static const char *const keys[] = {"comm", "tid", "pid", "time", "time_ns", "addr",
					   "cgroup", "ip", "sym", "dso", "phys_addr",
					   "data_page_size", "hint"};
	struct strbuf out = STRBUF_INIT;
	json_error_t jerr;
	json_t *j;
	void *it;

	(void)ctx;
	check_sample(s);
	if (scxprof_mem_skip(s) != SCXPROF_MEM_KEEP)
		abort();
	scxprof_mem_json(s, &out);
	if (!out.len || out.buf[out.len - 1] != '\n' || memchr(out.buf, '\n', out.len - 1))
		abort();
	j = json_loadb(out.buf, out.len, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &jerr);
	if (!j || !json_is_object(j))
		abort();
	it = json_object_iter(j);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++, it = json_object_iter_next(j, it))
		if (!it || strcmp(json_object_iter_key(it), keys[i]))
			abort();
	json_decref(j);
	strbuf_release(&out);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scxprof_mem_sample a, b;
	struct scxprof_hints *h = scxprof_hints_new();
	struct scxprof_cgroups *c = scxprof_cgroups_new();
	struct scxprof_mem_stream st;
	enum scxprof_parse_result r;

	lo = (const char *)data;
	hi = lo + size;
	r = scxprof_mem_parse(lo, size, &a);
	if (r == SCXPROF_PARSED) {
		check_sample(&a);
		if (scxprof_mem_parse(lo, size, &b) != r || memcmp(&a, &b, sizeof(a)))
			abort();
	}
	scxprof_hints_add(h, 1, 0, 7);
	scxprof_hints_add(h, 2, 1000000000, 9);
	scxprof_hints_finish(h);
	scxprof_cgroups_add(c, 2, 1, "/cg/x", 5);
	scxprof_mem_stream_init(&st, &(struct scxprof_mem_opts){.hints = h, .cgroups = c,
								 .on_record = on_record});
	scxprof_mem_stream_buf(&st, lo, size);
	if (st.stats.records + st.stats.skipped_no_phys + st.stats.skipped_comm +
	    st.stats.unparseable != st.stats.lines)
		abort();
	scxprof_mem_stream_release(&st);
	scxprof_cgroups_free(c);
	scxprof_hints_free(h);
	return 0;
}
