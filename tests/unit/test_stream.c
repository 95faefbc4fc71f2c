// SPDX-License-Identifier: GPL-2.0
/*
 * Streams (profiler/stream.c): upstream scx_characterize's process tests
 * (reference §5.2 tests 1-4) on its fixtures under tests/data/process/, the
 * counters and summary lines, cgroup fill, and chunked input.
 */
#include "test_common.h"

#include "profiler/libscxprof.h"

struct collect {
	struct strbuf json;
	uint64_t hints[64];
	int64_t prev_hint[64], next_hint[64];
	size_t n;
	struct strbuf rejects;
	size_t stop_after;
};

static int on_mem(void *ctx, const struct scxprof_mem_sample *s)
{
	struct collect *c = ctx;

	scxprof_mem_json(s, &c->json);
	if (c->n < ARRAY_SIZE(c->hints))
		c->hints[c->n] = s->hint;
	c->n++;
	return c->stop_after && c->n == c->stop_after ? 42 : 0;
}

static int on_sched(void *ctx, const struct scxprof_sched_event *e)
{
	struct collect *c = ctx;

	scxprof_sched_json(e, &c->json);
	if (c->n < ARRAY_SIZE(c->hints)) {
		c->hints[c->n] = e->hint;
		c->prev_hint[c->n] = e->switch_hints ? (int64_t)e->prev_hint : -1;
		c->next_hint[c->n] = e->switch_hints ? (int64_t)e->next_hint : -1;
	}
	c->n++;
	return 0;
}

static void on_reject(void *ctx, enum scxprof_reject why, const char *line, size_t len)
{
	struct collect *c = ctx;

	strbuf_addf(&c->rejects, "%d:%.*s|", why, (int)len, line);
}

static struct scxprof_hints *load_hints(const char *rel)
{
	struct scxprof_hints *h = scxprof_hints_new();
	FILE *fp = fopen(test_data_path(rel), "r");

	assert_non_null(fp);
	assert_int_equal(scxprof_hints_load_file(h, fp, NULL, NULL, 0), 0);
	fclose(fp);
	scxprof_hints_finish(h);
	return h;
}

static void collect_init(struct collect *c)
{
	memset(c, 0, sizeof(*c));
	strbuf_init(&c->json, 0);
	strbuf_init(&c->rejects, 0);
}

static void collect_release(struct collect *c)
{
	strbuf_release(&c->json);
	strbuf_release(&c->rejects);
}

/* Remove ,"time_ns":N from every record: what upstream writes. */
static void strip_time_ns(struct strbuf *sb)
{
	char *p;

	while ((p = strstr(sb->buf, ",\"time_ns\":"))) {
		char *e = p + 11;
		while (*e && *e != ',')
			e++;
		memmove(p, e, strlen(e) + 1);
		sb->len = strlen(sb->buf);
	}
}

/* tests 1 and 2: profile_basic from start to finish */
static void mem_stream__profile_basic__upstream_hints(void **state)
{
	static const uint64_t want[] = {0, 7, 7, 9, 0, 5, 5, 0};
	struct scxprof_hints *h = load_hints("process/profile_basic/hints.jsonl");
	struct scxprof_mem_stream st;
	struct strbuf sum = STRBUF_INIT;
	struct collect c;
	char *expect;
	FILE *fp;

	collect_init(&c);
	scxprof_mem_stream_init(&st, &(struct scxprof_mem_opts){
		.hints = h, .on_record = on_mem, .on_reject = on_reject, .ctx = &c});
	fp = fopen(test_data_path("process/profile_basic/perf.mem.script"), "r");
	assert_non_null(fp);
	assert_int_equal(scxprof_mem_stream_file(&st, fp), 0);
	fclose(fp);
	assert_int_equal(c.n, 8);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(c.hints[i], want[i]);
	assert_non_null(strstr(c.json.buf, "\"tid\":2001,\"pid\":1000,"));
	scxprof_mem_summary(&st.stats, &sum);
	assert_string_equal(sum.buf, "Parsed 8 of 8 records (0 skipped, 0 unparseable)");
	assert_int_equal(st.stats.with_hint, 5);
	assert_int_equal(st.stats.cgroup[SCXPROF_CGROUP_BEFORE_IP], 8);
	assert_int_equal(st.ann.order.violations, 0);

	/* byte-identical to upstream's perf.mem.jsonl once our time_ns is removed */
	expect = test_read_file(test_data_path("process/profile_basic/expected.upstream.perf.jsonl"),
				NULL);
	assert_non_null(expect);
	strip_time_ns(&c.json);
	assert_string_equal(c.json.buf, expect);
	free(expect);
	strbuf_release(&sum);
	scxprof_mem_stream_release(&st);
	collect_release(&c);
	scxprof_hints_free(h);
}

static void sched_stream__profile_basic__upstream_hints(void **state)
{
	static const uint64_t want[] = {0, 7, 0, 9, 0, 5, 0};
	struct scxprof_hints *h = load_hints("process/profile_basic/hints.jsonl");
	struct scxprof_sched_stream st;
	struct strbuf sum = STRBUF_INIT;
	struct collect c;
	char *text, *expect;
	size_t len = 0;

	collect_init(&c);
	scxprof_sched_stream_init(&st, &(struct scxprof_sched_opts){
		.hints = h, .on_record = on_sched, .ctx = &c});
	text = test_read_file(test_data_path("process/profile_basic/perf.sched.script"), &len);
	assert_non_null(text);
	assert_int_equal(scxprof_sched_stream_buf(&st, text, len), 0);
	assert_int_equal(c.n, 7);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(c.hints[i], want[i]);
	assert_int_equal(c.prev_hint[2], 0);
	assert_int_equal(c.next_hint[2], 7);
	assert_int_equal(c.prev_hint[0], -1);	/* only switches get them */
	scxprof_sched_summary(&st.stats, &sum);
	assert_string_equal(sum.buf, "Parsed 7 of 7 sched trace records (0 unparseable)");
	assert_int_equal(st.stats.switches, 1);

	expect = test_read_file(
		test_data_path("process/profile_basic/expected.upstream.perf.sched.jsonl"), NULL);
	assert_non_null(expect);
	strip_time_ns(&c.json);
	assert_string_equal(c.json.buf, expect);
	free(expect);
	free(text);
	strbuf_release(&sum);
	scxprof_sched_stream_release(&st);
	collect_release(&c);
	scxprof_hints_free(h);
}

/* test 3: prev and next hints are resolved independently */
static void sched_stream__switch__prev_and_next_hints_independent(void **state)
{
	struct scxprof_hints *h = scxprof_hints_new();
	struct scxprof_sched_stream st;
	struct collect c;
	const char *line = "worker-a 1000/10 [000] 0.000000500: sched:sched_switch: worker-a:10 "
			   "[120] R ==> worker-b:20 [120]";

	scxprof_hints_add(h, 10, 500, 256);
	scxprof_hints_add(h, 20, 500, 640);
	scxprof_hints_finish(h);
	collect_init(&c);
	scxprof_sched_stream_init(&st, &(struct scxprof_sched_opts){
		.hints = h, .on_record = on_sched, .ctx = &c});
	assert_int_equal(scxprof_sched_stream_line(&st, line, strlen(line)), 0);
	assert_int_equal(c.hints[0], 256);
	assert_int_equal(c.prev_hint[0], 256);
	assert_int_equal(c.next_hint[0], 640);
	scxprof_sched_stream_release(&st);
	collect_release(&c);

	/* without a hint index: hint 0 and no prev/next_hint keys */
	collect_init(&c);
	scxprof_sched_stream_init(&st, &(struct scxprof_sched_opts){.on_record = on_sched,
								    .ctx = &c});
	assert_int_equal(scxprof_sched_stream_line(&st, line, strlen(line)), 0);
	assert_null(strstr(c.json.buf, "prev_hint"));
	assert_non_null(strstr(c.json.buf, "\"hint\":0}"));
	scxprof_sched_stream_release(&st);
	collect_release(&c);
	scxprof_hints_free(h);
}

/* test 4: profile_out_of_order gives hints [9, 7] and a sample-order violation */
static void mem_stream__out_of_order__binary_search(void **state)
{
	struct scxprof_hints *h = load_hints("process/profile_out_of_order/hints.jsonl");
	struct scxprof_mem_stream st;
	struct collect c;
	char *text;
	size_t len = 0;

	assert_int_equal(scxprof_hints_order(h)->violations, 1);
	collect_init(&c);
	scxprof_mem_stream_init(&st, &(struct scxprof_mem_opts){
		.hints = h, .on_record = on_mem, .ctx = &c});
	text = test_read_file(test_data_path("process/profile_out_of_order/perf.mem.script"), &len);
	assert_int_equal(scxprof_mem_stream_buf(&st, text, len), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.hints[0], 9);
	assert_int_equal(c.hints[1], 7);
	assert_int_equal(st.ann.order.violations, 1);
	assert_int_equal(st.ann.order.example[0], 4004);
	free(text);
	scxprof_mem_stream_release(&st);
	collect_release(&c);
	scxprof_hints_free(h);
}

/* skip rules in order, verbose lines without "\r\n", blank lines not counted */
static void mem_stream__skips__counted_and_reported(void **state)
{
	const char *text = "a 1/2 1.0: 1 /cg 2 f (d) 3 4K\n"
			   "\n"
			   "garbage\r\n"
			   "b 1/2 1.0: 1 /cg 2 f (d) 0 N/A\n"
			   "perf 1/2 1.0: 1 /cg 2 f (d) 0 N/A\n"
			   "perf 1/2 1.0: 1 /cg 2 f (d) 5 4K\n"
			   "swapper 0/0 1.0: 1 /cg 2 f (d) 5 4K\n"
			   "   \n"
			   "c 3/4 1.0: 1 /cg 2 f (d) 6 2M";
	struct scxprof_mem_stream st;
	struct strbuf sum = STRBUF_INIT;
	struct collect c;

	collect_init(&c);
	scxprof_mem_stream_init(&st, &(struct scxprof_mem_opts){
		.on_record = on_mem, .on_reject = on_reject, .ctx = &c});
	assert_int_equal(scxprof_mem_stream_buf(&st, text, strlen(text)), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(st.stats.lines, 7);
	assert_int_equal(st.stats.skipped_no_phys, 2);
	assert_int_equal(st.stats.skipped_comm, 2);
	assert_int_equal(st.stats.unparseable, 1);
	assert_string_equal(c.rejects.buf,
			    "0:garbage|1:b 1/2 1.0: 1 /cg 2 f (d) 0 N/A|1:perf 1/2 1.0: 1 /cg 2 f (d) "
			    "0 N/A|2:perf 1/2 1.0: 1 /cg 2 f (d) 5 4K|2:swapper 0/0 1.0: 1 /cg 2 f (d) "
			    "5 4K|");
	scxprof_mem_summary(&st.stats, &sum);
	assert_string_equal(sum.buf, "Parsed 2 of 7 records (4 skipped, 1 unparseable)");
	strbuf_release(&sum);
	scxprof_mem_stream_release(&st);
	collect_release(&c);
}

/* perf < 6.3: the cgroup comes from cgroups.jsonl, else "unknown" */
static void mem_stream__no_cgroup_field__filled_from_table(void **state)
{
	const char *cg = "{\"tid\":4243,\"pid\":4242,\"cgroup\":\"/workload.slice/web\"}\n"
			 "{\"tid\":4242,\"pid\":4242,\"cgroup\":\"/workload.slice/main\"}\n";
	const char *text =
		"            web1  4242/4243  1.000000001:     7f3a12345678     55a1b2c3d4e5 f "
		"(/bin/w)         3c1a2b000 4K\n"
		"            web9  4242/4249  1.000000002:     7f3a12345678     55a1b2c3d4e5 f "
		"(/bin/w)         3c1a2b000 4K\n"
		"           other  5000/5000  1.000000003:     7f3a12345678     55a1b2c3d4e5 f "
		"(/bin/w)         3c1a2b000 4K\n"
		"            web2  4242/4244  1.000000004:     7f3a12345678 /perf/says     "
		"55a1b2c3d4e5 f (/bin/w)         3c1a2b000 4K\n";
	struct scxprof_cgroups *tab = scxprof_cgroups_new();
	struct scxprof_mem_stream st;
	struct collect c;

	assert_int_equal(scxprof_cgroups_load_buf(tab, cg, strlen(cg), NULL, NULL, 0), 0);
	collect_init(&c);
	scxprof_mem_stream_init(&st, &(struct scxprof_mem_opts){
		.cgroups = tab, .on_record = on_mem, .ctx = &c});
	assert_int_equal(scxprof_mem_stream_buf(&st, text, strlen(text)), 0);
	assert_int_equal(c.n, 4);
	assert_int_equal(st.stats.cgroup[SCXPROF_CGROUP_FILLED], 2);
	assert_int_equal(st.stats.cgroup[SCXPROF_CGROUP_UNKNOWN], 1);
	assert_int_equal(st.stats.cgroup[SCXPROF_CGROUP_BEFORE_IP], 1);
	assert_non_null(strstr(c.json.buf, "\"tid\":4243,\"pid\":4242,\"time\":\"1.000000001\","
					   "\"time_ns\":1000000001,\"addr\":\"7f3a12345678\","
					   "\"cgroup\":\"/workload.slice/web\""));
	assert_non_null(strstr(c.json.buf, "\"tid\":4249,\"pid\":4242,\"time\":\"1.000000002\","
					   "\"time_ns\":1000000002,\"addr\":\"7f3a12345678\","
					   "\"cgroup\":\"/workload.slice/main\""));
	assert_non_null(strstr(c.json.buf, "\"cgroup\":\"unknown\""));
	assert_non_null(strstr(c.json.buf, "\"cgroup\":\"/perf/says\""));
	scxprof_mem_stream_release(&st);
	collect_release(&c);
	scxprof_cgroups_free(tab);
}

/* feed() in chunks of every size gives the same records as whole lines */
static void mem_stream__chunked_feed__same_output(void **state)
{
	char *text;
	size_t len = 0;
	struct collect whole, part;
	struct scxprof_mem_stream st;

	text = test_read_file(test_data_path("process/profile_basic/perf.mem.script"), &len);
	assert_non_null(text);
	collect_init(&whole);
	scxprof_mem_stream_init(&st, &(struct scxprof_mem_opts){.on_record = on_mem, .ctx = &whole});
	assert_int_equal(scxprof_mem_stream_buf(&st, text, len), 0);
	scxprof_mem_stream_release(&st);
	for (size_t chunk = 1; chunk <= 64; chunk++) {
		collect_init(&part);
		scxprof_mem_stream_init(&st, &(struct scxprof_mem_opts){.on_record = on_mem,
									 .ctx = &part});
		for (size_t off = 0; off < len; off += chunk)
			assert_int_equal(scxprof_mem_stream_feed(&st, text + off, MIN(chunk, len - off)),
					 0);
		assert_int_equal(scxprof_mem_stream_end(&st), 0);
		assert_string_equal(part.json.buf, whole.json.buf);
		scxprof_mem_stream_release(&st);
		collect_release(&part);
	}
	/* a last line without '\n' is still read */
	collect_init(&part);
	scxprof_mem_stream_init(&st, &(struct scxprof_mem_opts){.on_record = on_mem, .ctx = &part});
	assert_int_equal(scxprof_mem_stream_feed(&st, text, len - 1), 0);
	assert_int_equal(part.n, 7);
	assert_int_equal(scxprof_mem_stream_end(&st), 0);
	assert_int_equal(part.n, 8);
	scxprof_mem_stream_release(&st);
	collect_release(&part);
	collect_release(&whole);
	free(text);
}

/* a non-zero return from the callback stops the stream and is passed back */
static void mem_stream__callback_error__stops(void **state)
{
	const char *text = "a 1/2 1.0: 1 /cg 2 f (d) 3 4K\na 1/2 1.0: 1 /cg 2 f (d) 3 4K\n"
			   "a 1/2 1.0: 1 /cg 2 f (d) 3 4K\n";
	struct scxprof_mem_stream st;
	struct collect c;

	collect_init(&c);
	c.stop_after = 2;
	scxprof_mem_stream_init(&st, &(struct scxprof_mem_opts){.on_record = on_mem, .ctx = &c});
	assert_int_equal(scxprof_mem_stream_buf(&st, text, strlen(text)), 42);
	assert_int_equal(c.n, 2);
	scxprof_mem_stream_release(&st);
	collect_release(&c);
}

static void sched_stream__unparseable__counted(void **state)
{
	const char *text = "a 1/2 [0] 1.0: x:y: z\nnot a sched line\n\nb 1/2 [0] 2.0: x:y: z\n";
	struct scxprof_sched_stream st;
	struct strbuf sum = STRBUF_INIT;
	struct collect c;

	collect_init(&c);
	scxprof_sched_stream_init(&st, &(struct scxprof_sched_opts){
		.on_record = on_sched, .on_reject = on_reject, .ctx = &c});
	assert_int_equal(scxprof_sched_stream_buf(&st, text, strlen(text)), 0);
	scxprof_sched_summary(&st.stats, &sum);
	assert_string_equal(sum.buf, "Parsed 2 of 3 sched trace records (1 unparseable)");
	assert_string_equal(c.rejects.buf, "0:not a sched line|");
	strbuf_release(&sum);
	scxprof_sched_stream_release(&st);
	collect_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mem_stream__profile_basic__upstream_hints),
		cmocka_unit_test(sched_stream__profile_basic__upstream_hints),
		cmocka_unit_test(sched_stream__switch__prev_and_next_hints_independent),
		cmocka_unit_test(mem_stream__out_of_order__binary_search),
		cmocka_unit_test(mem_stream__skips__counted_and_reported),
		cmocka_unit_test(mem_stream__no_cgroup_field__filled_from_table),
		cmocka_unit_test(mem_stream__chunked_feed__same_output),
		cmocka_unit_test(mem_stream__callback_error__stops),
		cmocka_unit_test(sched_stream__unparseable__counted),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("stream", tests, NULL, NULL);
}
