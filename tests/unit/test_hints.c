// SPDX-License-Identifier: GPL-2.0
/*
 * Hint index, annotator and cgroup table (profiler/hints.c): upstream's join
 * rules (reference §3.8) and the hints.jsonl / cgroups.jsonl line readers.
 */
#include "test_common.h"

#include "profiler/libscxprof.h"

static struct scxprof_hints *hints_from(const char *text)
{
	struct scxprof_hints *h = scxprof_hints_new();
	char why[128] = "";

	assert_int_equal(scxprof_hints_load_buf(h, text, strlen(text), NULL, why, sizeof(why)), 0);
	scxprof_hints_finish(h);
	return h;
}

static uint64_t resolve(struct scxprof_annotator *a, uint32_t tid, uint64_t t, bool want_found)
{
	uint64_t hint = 12345;

	assert_int_equal(scxprof_annotator_resolve(a, tid, t, &hint), want_found);
	return hint;
}

/* the latest update with ts <= t; before the first one: none */
static void annotator__timeline__latest_update_at_or_before(void **state)
{
	struct scxprof_hints *h = hints_from("{\"pid\":2001,\"tgid\":1000,\"hints\":7,\"timestamp\":100}\n"
					     "{\"pid\":2001,\"tgid\":1000,\"hints\":9,\"timestamp\":300}\n"
					     "\n"
					     "{\"pid\":3002,\"tgid\":1000,\"hints\":5,\"timestamp\":150}\n");
	struct scxprof_annotator a;

	assert_int_equal(scxprof_hints_count(h), 3);
	assert_int_equal(scxprof_hints_tids(h), 2);
	assert_int_equal(scxprof_hints_order(h)->violations, 0);
	scxprof_annotator_init(&a, h);
	assert_int_equal(resolve(&a, 2001, 50, false), 0);
	assert_int_equal(resolve(&a, 2001, 100, true), 7);
	assert_int_equal(resolve(&a, 2001, 299, true), 7);
	assert_int_equal(resolve(&a, 2001, 300, true), 9);
	assert_int_equal(resolve(&a, 2001, 1000000, true), 9);
	assert_int_equal(resolve(&a, 3002, 149, false), 0);
	assert_int_equal(resolve(&a, 3002, 150, true), 5);
	assert_int_equal(resolve(&a, 4000, 150, false), 0);	/* no timeline */
	assert_int_equal(a.order.violations, 0);
	/* time goes back: binary search, counted once per lookup */
	assert_int_equal(resolve(&a, 2001, 120, true), 7);
	assert_int_equal(resolve(&a, 2001, 10, false), 0);
	assert_int_equal(resolve(&a, 2001, 500, true), 9);
	assert_int_equal(a.order.violations, 2);
	assert_int_equal(a.order.tids, 1);
	assert_int_equal(a.order.nexample, 1);
	assert_int_equal(a.order.example[0], 2001);
	/* a thread without a timeline is still watched for order */
	assert_int_equal(resolve(&a, 4000, 100, false), 0);
	assert_int_equal(a.order.violations, 3);
	scxprof_annotator_release(&a);
	scxprof_hints_free(h);
}

/* equal timestamps: the later line wins (stable by input order) */
static void hints__equal_timestamps__later_line_wins(void **state)
{
	struct scxprof_hints *h = hints_from("{\"pid\":1,\"tgid\":1,\"hints\":3,\"timestamp\":10}\n"
					     "{\"pid\":1,\"tgid\":1,\"hints\":4,\"timestamp\":10}\n"
					     "{\"pid\":1,\"tgid\":1,\"hints\":5,\"timestamp\":10}\n");
	struct scxprof_annotator a;

	scxprof_annotator_init(&a, h);
	assert_int_equal(resolve(&a, 1, 10, true), 5);
	scxprof_annotator_release(&a);
	scxprof_hints_free(h);
}

/* reference §5.2 test 4: profile_out_of_order's hints are reported and sorted */
static void hints__out_of_order__warned_and_sorted(void **state)
{
	struct scxprof_hints *h = hints_from("{\"pid\":4004,\"tgid\":1000,\"hints\":9,\"timestamp\":200}\n"
					     "{\"pid\":4004,\"tgid\":1000,\"hints\":7,\"timestamp\":100}\n");
	struct scxprof_annotator a;
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(scxprof_hints_order(h)->violations, 1);
	scxprof_hints_order_warning(scxprof_hints_order(h), &sb);
	assert_string_equal(sb.buf,
			    "WARNING: detected 1 out-of-order hint timeline violation(s) across 1 "
			    "tid(s) while processing hints.jsonl. Hint events will be sorted "
			    "conservatively before annotation. Example tids: 4004. Please fix the "
			    "input ordering if possible.");
	scxprof_annotator_init(&a, h);
	assert_int_equal(resolve(&a, 4004, 250, true), 9);
	assert_int_equal(resolve(&a, 4004, 150, true), 7);
	assert_int_equal(a.order.violations, 1);
	strbuf_reset(&sb);
	scxprof_samples_order_warning(&a.order, "out/perf.jsonl", &sb);
	assert_string_equal(sb.buf,
			    "WARNING: detected 1 out-of-order sample timeline violation(s) across 1 "
			    "tid(s) while processing out/perf.jsonl. Hint lookup fell back "
			    "conservatively for out-of-order samples. Example tids: 4004. Please "
			    "fix the input ordering if possible.");
	scxprof_annotator_release(&a);

	/* no example tids: the clause is left out */
	struct scxprof_order none = {.violations = 0};
	strbuf_reset(&sb);
	scxprof_samples_order_warning(&none, "x", &sb);
	assert_non_null(strstr(sb.buf, "samples. Please fix"));
	strbuf_release(&sb);
	scxprof_hints_free(h);
}

/* at most 8 example tids, in order of discovery */
static void hints__many_violations__eight_examples(void **state)
{
	struct scxprof_hints *h = scxprof_hints_new();
	struct strbuf sb = STRBUF_INIT;

	for (int tid = 20; tid > 0; tid--) {
		scxprof_hints_add(h, tid, 100, 1);
		scxprof_hints_add(h, tid, 50, 2);
		scxprof_hints_add(h, tid, 40, 3);
	}
	scxprof_hints_finish(h);
	assert_int_equal(scxprof_hints_order(h)->violations, 40);
	assert_int_equal(scxprof_hints_order(h)->tids, 20);
	scxprof_hints_order_warning(scxprof_hints_order(h), &sb);
	assert_non_null(strstr(sb.buf, "Example tids: 20, 19, 18, 17, 16, 15, 14, 13. Please"));
	strbuf_release(&sb);
	scxprof_hints_free(h);
}

static void hints__negative_pid__dropped(void **state)
{
	struct scxprof_hints *h = hints_from("{\"pid\":-5,\"tgid\":1,\"hints\":3,\"timestamp\":10}\n"
					     "{\"pid\":0,\"tgid\":0,\"hints\":4,\"timestamp\":10}\n");

	assert_int_equal(scxprof_hints_count(h), 1);
	assert_int_equal(scxprof_hints_dropped(h), 1);
	scxprof_hints_free(h);
}

static void hints_line__formats__accepted_or_explained(void **state)
{
	static const struct {
		const char *line;
		int err;
		const char *why;
	} cases[] = {
		{"{\"pid\":1,\"tgid\":2,\"hints\":18446744073709551615,\"timestamp\":3}", 0, ""},
		{" { \"timestamp\" : 3 , \"hints\" : 0 , \"tgid\" : 2 , \"pid\" : 1 } ", 0, ""},
		{"{\"pid\":1,\"tgid\":2,\"hints\":3,\"timestamp\":4,\"extra\":{\"a\":[1,\"]\",{}]}}",
		 0, ""},
		{"   ", 0, ""},
		{"{\"pid\":1,\"tgid\":2,\"hints\":3}", -EINVAL, "missing field `timestamp`"},
		{"{\"pid\":1.0,\"tgid\":2,\"hints\":3,\"timestamp\":4}", -EINVAL,
		 "`pid` is not a 32-bit integer"},
		{"{\"pid\":2147483648,\"tgid\":2,\"hints\":3,\"timestamp\":4}", -EINVAL,
		 "`pid` is not a 32-bit integer"},
		{"{\"pid\":1,\"tgid\":2,\"hints\":-3,\"timestamp\":4}", -EINVAL,
		 "`hints` is not a 64-bit unsigned integer"},
		{"{\"pid\":1,\"tgid\":2,\"hints\":18446744073709551616,\"timestamp\":4}", -EINVAL,
		 "`hints` is not a 64-bit unsigned integer"},
		{"{\"pid\":\"1\",\"tgid\":2,\"hints\":3,\"timestamp\":4}", -EINVAL,
		 "`pid` is not a 32-bit integer"},
		{"{\"pid\":1,\"pid\":1,\"tgid\":2,\"hints\":3,\"timestamp\":4}", -EINVAL,
		 "duplicate field `pid`"},
		{"{\"pid\":1,\"tgid\":2,\"hints\":3,\"timestamp\":4} x", -EINVAL, "invalid JSON"},
		{"{\"pid\":1,\"tgid\":2,\"hints\":3,\"timestamp\":4", -EINVAL, "invalid JSON"},
		{"[1,2]", -EINVAL, "not a JSON object"},
		{"{\"pid\":01,\"tgid\":2,\"hints\":3,\"timestamp\":4}", -EINVAL, "invalid JSON"},
	};
	struct scxprof_hints *h = scxprof_hints_new();

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char why[128] = "";
		int err = scxprof_hints_add_line(h, cases[i].line, strlen(cases[i].line), why,
						 sizeof(why));
		if (err != cases[i].err || strcmp(why, cases[i].why))
			fail_msg("'%s': %d '%s', expected %d '%s'", cases[i].line, err, why,
				 cases[i].err, cases[i].why);
	}
	assert_int_equal(scxprof_hints_count(h), 3);
	scxprof_hints_free(h);

	/* the line number of the first bad line */
	const char *text = "{\"pid\":1,\"tgid\":2,\"hints\":3,\"timestamp\":4}\n\nnope\n";
	uint64_t lineno = 0;
	char why[64];
	h = scxprof_hints_new();
	assert_int_equal(scxprof_hints_load_buf(h, text, strlen(text), &lineno, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(lineno, 3);
	scxprof_hints_free(h);
}

static void cgroups__lookup__thread_then_process(void **state)
{
	const char *text = "{\"tid\":100,\"pid\":100,\"cgroup\":\"/a.slice/x.service\"}\n"
			   "{\"tid\":101,\"pid\":100,\"cgroup\":\"/a.slice/x.service\"}\n"
			   "{\"tid\":201,\"pid\":200,\"cgroup\":\"/b\"}\n"
			   "{\"tid\":202,\"pid\":200,\"cgroup\":\"/c\"}\n"
			   "{\"tid\":300,\"pid\":300,\"cgroup\":\"/caf\\u00e9 \\\"q\\\"\\ud83d\\ude00\"}\n"
			   "{\"tid\":101,\"pid\":100,\"cgroup\":\"/moved\"}\n";
	struct scxprof_cgroups *c = scxprof_cgroups_new();
	struct scx_span p;
	char why[64] = "";

	assert_int_equal(scxprof_cgroups_load_buf(c, text, strlen(text), NULL, why, sizeof(why)), 0);
	assert_int_equal(scxprof_cgroups_threads(c), 5);
	assert_int_equal(scxprof_cgroups_moved(c), 1);
	assert_true(scxprof_cgroups_lookup(c, 100, 100, &p));
	assert_int_equal(p.len, strlen("/a.slice/x.service"));
	assert_true(scxprof_cgroups_lookup(c, 101, 100, &p));
	assert_memory_equal(p.p, "/moved", 6);	/* the last snapshot wins */
	assert_true(scxprof_cgroups_lookup(c, 105, 100, &p));	/* unknown thread: its leader */
	assert_memory_equal(p.p, "/a.slice/x.service", p.len);
	assert_true(scxprof_cgroups_lookup(c, 203, 200, &p));	/* no leader: first thread */
	assert_memory_equal(p.p, "/b", 2);
	assert_true(scxprof_cgroups_lookup(c, 300, 300, &p));
	assert_int_equal(p.len, strlen("/caf\xc3\xa9 \"q\"\xf0\x9f\x98\x80"));
	assert_memory_equal(p.p, "/caf\xc3\xa9 \"q\"\xf0\x9f\x98\x80", p.len);
	assert_false(scxprof_cgroups_lookup(c, 999, 999, &p));

	assert_int_equal(scxprof_cgroups_add_line(c, "{\"tid\":1}", 9, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "missing field `cgroup`");
	assert_int_equal(scxprof_cgroups_add_line(c, "{\"tid\":1,\"cgroup\":5}", 20, why,
						  sizeof(why)),
			 -EINVAL);
	scxprof_cgroups_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(annotator__timeline__latest_update_at_or_before),
		cmocka_unit_test(hints__equal_timestamps__later_line_wins),
		cmocka_unit_test(hints__out_of_order__warned_and_sorted),
		cmocka_unit_test(hints__many_violations__eight_examples),
		cmocka_unit_test(hints__negative_pid__dropped),
		cmocka_unit_test(hints_line__formats__accepted_or_explained),
		cmocka_unit_test(cgroups__lookup__thread_then_process),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("hints", tests, NULL, NULL);
}
