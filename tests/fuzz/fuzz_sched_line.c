// SPDX-License-Identifier: GPL-2.0
/*
 * The perf script scheduler-event parser on arbitrary bytes: every span lies in
 * the input, parsing is deterministic, switch fields come only from
 * sched:sched_switch, and the stream's JSONL (with a hint join) always parses
 * as JSON objects with the required keys in order.
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

static void check_event(const struct scxprof_sched_event *e)
{
	check_span(e->comm);
	check_span(e->time);
	check_span(e->event);
	check_span(e->trace);
	if (e->fields == SCXPROF_FIELDS_SWITCH) {
		if (e->event.len != 18 || memcmp(e->event.p, "sched:sched_switch", 18))
			abort();
		check_span(e->sw.prev_comm);
		check_span(e->sw.prev_state);
		check_span(e->sw.next_comm);
	}
	if (e->nkv > SCXPROF_SCHED_MAX_KV)
		abort();
	for (unsigned i = 0; i < e->nkv; i++) {
		check_span(e->kv[i].key);
		check_span(e->kv[i].val);
		if (!e->kv[i].key.len)
			abort();
	}
}

static int on_record(void *ctx, const struct scxprof_sched_event *e)
{
	static const char *const keys[] = {"comm", "pid", "tid", "cpu", "time", "time_ns",
					   "event", "trace"};
	struct strbuf out = STRBUF_INIT;
	json_error_t jerr;
	json_t *j;
	void *it;

	(void)ctx;
	check_event(e);
	scxprof_sched_json(e, &out);
	if (!out.len || out.buf[out.len - 1] != '\n' || memchr(out.buf, '\n', out.len - 1))
		abort();
	j = json_loadb(out.buf, out.len, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &jerr);
	if (!j || !json_is_object(j) || !json_is_number(json_object_get(j, "hint")))
		abort();
	it = json_object_iter(j);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++, it = json_object_iter_next(j, it))
		if (!it || strcmp(json_object_iter_key(it), keys[i]))
			abort();
	if ((e->fields != SCXPROF_FIELDS_NONE) != (json_object_get(j, "fields") != NULL))
		abort();
	json_decref(j);
	strbuf_release(&out);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scxprof_sched_event *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct scxprof_hints *h = scxprof_hints_new();
	struct scxprof_sched_stream st;
	enum scxprof_parse_result r;

	lo = (const char *)data;
	hi = lo + size;
	r = scxprof_sched_parse(lo, size, a);
	if (r == SCXPROF_PARSED) {
		check_event(a);
		if (scxprof_sched_parse(lo, size, b) != r || a->fields != b->fields ||
		    a->nkv != b->nkv || a->time_ns != b->time_ns || a->comm.len != b->comm.len)
			abort();
	}
	scxprof_hints_add(h, 1, 0, 7);
	scxprof_hints_add(h, 20, 500, 640);
	scxprof_hints_finish(h);
	scxprof_sched_stream_init(&st, &(struct scxprof_sched_opts){.hints = h,
								    .on_record = on_record});
	scxprof_sched_stream_buf(&st, lo, size);
	if (st.stats.records + st.stats.unparseable != st.stats.lines)
		abort();
	scxprof_sched_stream_release(&st);
	scxprof_hints_free(h);
	free(a);
	free(b);
	return 0;
}
