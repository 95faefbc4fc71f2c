// SPDX-License-Identifier: GPL-2.0
/*
 * extract sched-util: upstream's sched_util tests (reference/scxprof-upstream.md
 * §5.2, tests 13-20) with records written inline as JSONL, category parsing,
 * globs, the irq/softirq/NMI model, the upstream bugs fixed here, and the
 * record reader's errors.
 */
#include "test_common.h"

#include <jansson.h>

#include "extract/sched_util.h"

#define SW(t, cpu, fields, hint)                                                                   \
	"{\"comm\":\"x\",\"pid\":1,\"tid\":1,\"cpu\":" #cpu ",\"time\":" #t                      \
	",\"event\":\"sched:sched_switch\",\"trace\":\"\",\"fields\":" fields ",\"hint\":" #hint "}"
#define EV(t, cpu, tid, event, fields, hint)                                                       \
	"{\"comm\":\"x\",\"pid\":" #tid ",\"tid\":" #tid ",\"cpu\":" #cpu ",\"time\":" #t        \
	",\"event\":\"" event "\",\"trace\":\"\",\"fields\":" fields ",\"hint\":" #hint "}"
#define TO(comm, pid) "{\"next_comm\":\"" comm "\",\"next_pid\":" #pid "}"
#define TOH(comm, pid, h) "{\"next_comm\":\"" comm "\",\"next_pid\":" #pid ",\"next_hint\":" #h "}"
#define IDLE TO("swapper/0", 0)

struct ivs {
	struct sched_interval v[64];
	char comm[64][32];
	size_t n;
};

static void collect(void *arg, const struct sched_interval *iv)
{
	struct ivs *s = arg;

	assert_true(s->n < 64);
	s->v[s->n] = *iv;
	snprintf(s->comm[s->n], sizeof(s->comm[0]), "%.*s", (int)iv->comm_len, iv->comm);
	s->v[s->n].comm = s->comm[s->n];
	s->n++;
}

struct run {
	struct sched_categories cats;
	struct sched_util *u;
	struct ivs iv;
	struct strbuf err;
	int rc;
};

/* Feed the lines; rc is sched_util_finish's result. */
static void run_lines(struct run *r, const char *cats, uint64_t window_ms, const char *const *lines,
		      size_t n)
{
	struct jscan_reader rr;
	struct sched_record rec;

	memset(r, 0, sizeof(*r));
	strbuf_init(&r->err, 0);
	assert_int_equal(sched_categories_parse(cats, &r->cats, &r->err), 0);
	r->u = sched_util_new(window_ms, &r->cats, collect, &r->iv);
	jscan_reader_init(&rr);
	for (size_t i = 0; i < n; i++) {
		int p = sched_record_parse(&rr, lines[i], strlen(lines[i]), &rec);

		if (p != 1)
			fprintf(stderr, "line %zu: %s\n", i, rr.err);
		assert_int_equal(p, 1);
		r->rc = sched_util_add(r->u, &rec, &r->err);
		if (r->rc)
			break;
	}
	jscan_reader_release(&rr);
	if (!r->rc)
		r->rc = sched_util_finish(r->u, &r->err);
}

static void run_release(struct run *r)
{
	sched_util_free(r->u);
	sched_categories_release(&r->cats);
	strbuf_release(&r->err);
}

static void assert_iv(const struct run *r, size_t i, const char *comm, uint64_t hint,
		      uint64_t start, uint64_t end)
{
	assert_true(i < r->iv.n);
	assert_string_equal(r->iv.v[i].comm, comm);
	assert_int_equal(r->iv.v[i].hint, hint);
	assert_int_equal(r->iv.v[i].start, start);
	assert_int_equal(r->iv.v[i].end, end);
}

static size_t cat_index(const struct sched_categories *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].name, name))
			return i;
	return SIZE_MAX;
}

/* Test 13. */
static void intervals__switches_and_hint_change__three_intervals(void **state)
{
	static const char *const lines[] = {
		SW(0, 0, TO("worker-a", 10), 0),
		EV(0.0005, 0, 10, "sched:sched_stat_runtime", "{}", 640),
		SW(0.001, 0, IDLE, 640),
		SW(0.001, 0, TO("svc-4", 20), 0),
		SW(0.002, 0, IDLE, 0),
	};
	struct run r;
	uint32_t m[16];

	run_lines(&r, "worker-a@hint=640,svc-*", 1, lines, ARRAY_SIZE(lines));
	assert_int_equal(r.rc, 0);
	assert_int_equal(sched_util_cpu_count(r.u), 1);
	assert_int_equal(sched_util_trace_start(r.u), 0);
	assert_int_equal(sched_util_trace_end(r.u), 2000000);
	assert_int_equal(r.iv.n, 3);
	assert_iv(&r, 0, "worker-a", 0, 0, 500000);
	assert_iv(&r, 1, "worker-a", 640, 500000, 1000000);
	assert_iv(&r, 2, "svc-4", 0, 1000000, 2000000);
	assert_int_equal(sched_categories_match(&r.cats, "worker-a", 8, 0, m), 1);
	assert_string_equal(r.cats.v[m[0]].name, "worker-a@hint=0");
	assert_int_equal(sched_categories_match(&r.cats, "worker-a", 8, 640, m), 1);
	assert_string_equal(r.cats.v[m[0]].name, "worker-a@hint=640");
	assert_int_equal(sched_categories_match(&r.cats, "svc-4", 5, 0, m), 1);
	assert_string_equal(r.cats.v[m[0]].name, "svc-*");
	run_release(&r);
}

/* Test 14. */
static void categories__hinted_comm__automatic_zero_hint(void **state)
{
	struct sched_categories c;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(sched_categories_parse("hhvmworker@hint=256,hhvmworker@hint=640,mcrpxy-*",
						&c, &err),
			 0);
	assert_true(cat_index(&c, "hhvmworker@hint=0") != SIZE_MAX);
	assert_true(cat_index(&c, "hhvmworker@hint=256") != SIZE_MAX);
	assert_true(cat_index(&c, "hhvmworker@hint=640") != SIZE_MAX);
	assert_true(cat_index(&c, "mcrpxy-*@hint=0") == SIZE_MAX);
	sched_categories_release(&c);
}

/* Test 15. */
static void categories__explicit_zero_hint__not_duplicated(void **state)
{
	struct sched_categories c;
	struct strbuf err = STRBUF_INIT;
	size_t n = 0;

	assert_int_equal(sched_categories_parse("hhvmworker@hint=0,hhvmworker@hint=384", &c, &err), 0);
	for (size_t i = 0; i < c.n; i++)
		if (str_has_prefix(c.v[i].name, "hhvmworker@hint="))
			assert_string_equal(c.v[i].name, n++ ? "hhvmworker@hint=384"
							     : "hhvmworker@hint=0");
	assert_int_equal(n, 2);
	sched_categories_release(&c);
}

static void categories__upstream_example__order_and_system_categories(void **state)
{
	static const char *const want[] = {"worker-a@hint=640", "svc-*", "worker-a@hint=0",
					   "hardirq", "softirq-rx", "softirq-tx", "softirq-other",
					   "nmi"};
	struct sched_categories c;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(sched_categories_parse(" worker-a@hint=640 , svc-*,,svc-*", &c, &err), 0);
	assert_int_equal(c.n, ARRAY_SIZE(want));
	for (size_t i = 0; i < c.n; i++)
		assert_string_equal(c.v[i].name, want[i]);
	assert_true(c.v[1].glob);
	assert_false(c.v[0].glob);
	sched_categories_release(&c);
	assert_int_equal(sched_categories_parse("a@hint=x", &c, &err), -EINVAL);
	assert_string_equal(err.buf, "invalid hint selector in category 'a@hint=x'");
	strbuf_release(&err);
}

static void glob__star_and_question__whole_string(void **state)
{
	assert_true(glob_match("svc-*", 5, "svc-4", 5));
	assert_true(glob_match("svc-*", 5, "svc-", 4));
	assert_false(glob_match("svc-*", 5, "xsvc-4", 6));
	assert_true(glob_match("*-?", 3, "worker-a", 8));
	assert_false(glob_match("*-?", 3, "worker-ab", 9));
	assert_true(glob_match("a*b*c", 5, "aXbYbZc", 7));
	assert_true(glob_match("*", 1, "", 0));
	assert_false(glob_match("?", 1, "", 0));
}

/* Test 16. */
static void output__two_windows__percentages(void **state)
{
	static const char *const lines[] = {
		SW(0, 0, TO("worker-a", 10), 0),
		EV(0.0005, 0, 10, "sched:sched_stat_runtime", "{}", 640),
		SW(0.001, 0, IDLE, 640),
		SW(0.001, 0, TO("uncat", 20), 0),
		SW(0.002, 0, IDLE, 0),
	};
	struct strbuf out = STRBUF_INIT;
	struct run r;
	json_t *b0, *b1;
	char *nl;

	run_lines(&r, "worker-a@hint=640", 1, lines, ARRAY_SIZE(lines));
	assert_int_equal(r.rc, 0);
	assert_int_equal(sched_util_nr_buckets(r.u), 2);
	assert_int_equal(sched_util_nr_intervals(r.u), 3);
	sched_util_write(r.u, &out);
	nl = strchr(out.buf, '\n');
	assert_non_null(nl);
	b0 = json_loadb(out.buf, (size_t)(nl - out.buf), 0, NULL);
	b1 = json_loads(nl + 1, JSON_DISABLE_EOF_CHECK, NULL);
	assert_non_null(b0);
	assert_non_null(b1);
	assert_true(json_real_value(json_object_get(b0, "total")) == 100.0);
	assert_true(json_real_value(json_object_get(b0, "uncategorized")) == 0.0);
	assert_true(json_real_value(json_object_get(json_object_get(b0, "categories"),
						    "worker-a@hint=0")) == 50.0);
	assert_true(json_real_value(json_object_get(json_object_get(b0, "categories"),
						    "worker-a@hint=640")) == 50.0);
	assert_true(json_real_value(json_object_get(b1, "uncategorized")) == 100.0);
	assert_int_equal(json_integer_value(json_object_get(b1, "time_ms")), 1);
	/* Exact text: key order and serde's float format. */
	assert_string_equal(out.buf,
			    "{\"time_ms\":0,\"window_ms\":1,\"cpu_count\":1,\"total\":100.0,"
			    "\"uncategorized\":0.0,\"categories\":{\"worker-a@hint=640\":50.0,"
			    "\"worker-a@hint=0\":50.0,\"hardirq\":0.0,\"softirq-rx\":0.0,"
			    "\"softirq-tx\":0.0,\"softirq-other\":0.0,\"nmi\":0.0}}\n"
			    "{\"time_ms\":1,\"window_ms\":1,\"cpu_count\":1,\"total\":100.0,"
			    "\"uncategorized\":100.0,\"categories\":{\"worker-a@hint=640\":0.0,"
			    "\"worker-a@hint=0\":0.0,\"hardirq\":0.0,\"softirq-rx\":0.0,"
			    "\"softirq-tx\":0.0,\"softirq-other\":0.0,\"nmi\":0.0}}\n");
	strbuf_reset(&out);
	sched_util_summary(r.u, &out);
	assert_string_equal(out.buf, "sched util: 3 intervals, 2 buckets, 1 cpus, 7 categories\n");
	json_decref(b0);
	json_decref(b1);
	strbuf_release(&out);
	run_release(&r);
}

/* Test 17. */
static void output__overlapping_categories__upstream_error(void **state)
{
	static const char *const lines[] = {
		SW(0, 0, TOH("worker-a", 10, 640), 0),
		SW(0.001, 0, IDLE, 640),
	};
	struct run r;

	run_lines(&r, "worker-a,worker-a@hint=640", 1, lines, ARRAY_SIZE(lines));
	assert_int_equal(r.rc, -EINVAL);
	assert_string_equal(r.err.buf,
			    "sched util categories are not mutually exclusive in bucket starting at "
			    "0ms: total=1000000ns uncategorized=0ns categorized_sum=2000000ns "
			    "[worker-a=1000000ns, worker-a@hint=640=1000000ns]. Fix --categories so "
			    "each busy interval matches at most one category");
	run_release(&r);
}

/* Test 18. */
static void intervals__hint_changes_and_softirq__five_intervals(void **state)
{
	static const char *const lines[] = {
		SW(0, 0, TO("worker-a", 10), 0),
		EV(0.0002, 0, 10, "sched:sched_stat_runtime", "{}", 384),
		EV(0.0006, 0, 10, "irq:softirq_entry", "{\"action\":\"NET_RX\"}", 384),
		EV(0.0007, 0, 10, "irq:softirq_exit", "{\"action\":\"NET_RX\"}", 384),
		EV(0.0008, 0, 10, "sched:sched_stat_runtime", "{}", 640),
		SW(0.0010, 0, IDLE, 640),
	};
	struct run r;

	run_lines(&r, "", 1, lines, ARRAY_SIZE(lines));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.iv.n, 5);
	assert_iv(&r, 0, "worker-a", 0, 0, 200000);
	assert_iv(&r, 1, "worker-a", 384, 200000, 600000);
	assert_iv(&r, 2, "softirq-rx", 0, 600000, 700000);
	assert_iv(&r, 3, "worker-a", 384, 700000, 800000);
	assert_iv(&r, 4, "worker-a", 640, 800000, 1000000);
	run_release(&r);
}

/* Test 19. */
static void intervals__next_hint__taken_from_the_switch(void **state)
{
	static const char *const lines[] = {
		SW(0, 0, TOH("worker-a", 10, 640), 0),
		SW(0.001, 0, IDLE, 640),
	};
	struct run r;

	run_lines(&r, "", 1, lines, ARRAY_SIZE(lines));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.iv.n, 1);
	assert_iv(&r, 0, "worker-a", 640, 0, 1000000);
	run_release(&r);
}

/* Test 20. */
static void intervals__last_record_of_a_cpu__no_extrapolation(void **state)
{
	static const char *const lines[] = {
		SW(0, 0, TO("perf", 900), 0),
		SW(0, 1, TO("worker-a", 10), 0),
		EV(0.001, 0, 900, "sched:sched_stat_runtime", "{}", 0),
		SW(0.002, 1, TO("swapper/1", 0), 0),
	};
	struct run r;

	run_lines(&r, "", 1, lines, ARRAY_SIZE(lines));
	assert_int_equal(r.rc, 0);
	assert_int_equal(sched_util_cpu_count(r.u), 2);
	assert_int_equal(sched_util_trace_end(r.u), 2000000);
	assert_int_equal(r.iv.n, 2);
	assert_iv(&r, 0, "worker-a", 0, 0, 2000000);
	assert_iv(&r, 1, "perf", 0, 0, 1000000);
	run_release(&r);
}

static void irq__nested_and_unbalanced__stack(void **state)
{
	static const char *const lines[] = {
		SW(0, 0, TO("w", 10), 0),
		EV(0.0001, 0, 10, "irq:softirq_exit", "{}", 0),	/* no entry: ignored */
		EV(0.0002, 0, 10, "irq:softirq_entry", "{\"action\":\"TIMER\"}", 0),
		EV(0.0003, 0, 10, "irq:irq_handler_entry", "{\"irq\":5}", 0),
		EV(0.0004, 0, 10, "irq:irq_handler_exit", "{\"irq\":5}", 0),
		EV(0.0005, 0, 10, "irq:softirq_exit", "{}", 0),
		SW(0.0006, 0, TO("ksoftirqd/0", 15), 0),
		EV(0.0007, 0, 15, "irq:softirq_entry", "{\"action\":\"NET_TX\"}", 0),
		EV(0.0008, 0, 15, "irq:softirq_exit", "{}", 0),
		SW(0.0009, 0, IDLE, 0),
	};
	struct run r;

	run_lines(&r, "", 1, lines, ARRAY_SIZE(lines));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.iv.n, 8);
	assert_iv(&r, 0, "w", 0, 0, 200000);
	assert_iv(&r, 1, "softirq-other", 0, 200000, 300000);
	assert_iv(&r, 2, "hardirq", 0, 300000, 400000);
	assert_iv(&r, 3, "softirq-other", 0, 400000, 500000);
	assert_iv(&r, 4, "w", 0, 500000, 600000);
	/* ksoftirqd is softirq-other; its own NET_TX softirq is softirq-tx. */
	assert_iv(&r, 5, "softirq-other", 0, 600000, 700000);
	assert_iv(&r, 6, "softirq-tx", 0, 700000, 800000);
	assert_iv(&r, 7, "softirq-other", 0, 800000, 900000);
	run_release(&r);
}

static void nmi__carved_out__and_not_counted_twice(void **state)
{
	static const char *const lines[] = {
		SW(0, 0, TO("w", 10), 0),
		"{\"comm\":\"w\",\"pid\":10,\"tid\":10,\"cpu\":0,\"time\":0.0005,\"event\":\"nmi:nmi_handler\","
		"\"trace\":\"perf_event_nmi_handler() delta_ns: 100000 handled: 1\",\"hint\":0}",
		/* began 0.3 ms ago, before the segment that started at 0.0005: upstream counted
		 * [0.0004, 0.0005) twice */
		"{\"comm\":\"w\",\"pid\":10,\"tid\":10,\"cpu\":0,\"time\":0.0007,\"event\":\"nmi:nmi_handler\","
		"\"trace\":\"delta_ns: 300000, handled: 1\",\"hint\":0}",
		SW(0.001, 0, IDLE, 0),
	};
	struct strbuf out = STRBUF_INIT;
	struct run r;

	run_lines(&r, "", 1, lines, ARRAY_SIZE(lines));
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.iv.n, 4);
	assert_iv(&r, 0, "w", 0, 0, 400000);
	assert_iv(&r, 1, "nmi", 0, 400000, 500000);
	assert_iv(&r, 2, "nmi", 0, 500000, 700000);
	assert_iv(&r, 3, "w", 0, 700000, 1000000);
	sched_util_write(r.u, &out);
	assert_non_null(strstr(out.buf, "\"total\":100.0,"));
	assert_non_null(strstr(out.buf, "\"nmi\":30.0"));
	strbuf_release(&out);
	run_release(&r);
}

static void fixes__unsorted_input__trace_ends_at_max_time(void **state)
{
	static const char *const lines[] = {
		SW(0, 0, TO("w", 10), 0),
		SW(0.002, 1, TO("v", 11), 0),
		SW(0.003, 1, TO("swapper/1", 0), 0),
		SW(0.001, 0, IDLE, 0), /* the last record is not the latest */
	};
	struct strbuf out = STRBUF_INIT;
	struct run r;

	run_lines(&r, "", 1, lines, ARRAY_SIZE(lines));
	assert_int_equal(r.rc, 0);
	assert_int_equal(sched_util_trace_end(r.u), 3000000);	/* upstream: 1000000 */
	assert_int_equal(sched_util_nr_buckets(r.u), 3);	/* v's window is kept */
	sched_util_write(r.u, &out);
	assert_non_null(strstr(out.buf, "{\"time_ms\":2,\"window_ms\":1,\"cpu_count\":2,"
					"\"total\":50.0,"));
	strbuf_release(&out);
	run_release(&r);
}

static void fixes__cpu_gaps__warning_names_them(void **state)
{
	static const char *const lines[] = {
		SW(0, 0, TO("w", 10), 0),
		SW(0.001, 3, TO("v", 11), 0),
		SW(0.002, 0, IDLE, 0),
	};
	struct strbuf msg = STRBUF_INIT;
	struct run r;

	run_lines(&r, "", 1, lines, ARRAY_SIZE(lines));
	assert_int_equal(r.rc, 0);
	sched_util_missing_cpus(r.u, &msg);
	assert_string_equal(msg.buf, "2 CPUs below CPU 3 never appear in the trace (1, 2); "
				     "utilization is relative to the 2 CPUs seen");
	strbuf_release(&msg);
	run_release(&r);
}

static void fixes__time_ns__preferred_over_float_time(void **state)
{
	static const char *const lines[] = {
		"{\"comm\":\"x\",\"pid\":1,\"tid\":1,\"cpu\":0,\"time\":1.2e-7,\"time_ns\":120,"
		"\"event\":\"sched:sched_switch\",\"trace\":\"\",\"fields\":" TO("w", 10) "}",
		"{\"comm\":\"x\",\"pid\":1,\"tid\":1,\"cpu\":0,\"time\":1.2e-6,\"time_ns\":1200,"
		"\"event\":\"sched:sched_switch\",\"trace\":\"\",\"fields\":" IDLE "}",
	};
	struct run r;

	run_lines(&r, "", 1, lines, ARRAY_SIZE(lines));
	assert_int_equal(r.rc, 0);
	assert_iv(&r, 0, "w", 0, 120, 1200); /* through f64, 120 ns would be 119 */
	run_release(&r);
}

static void errors__upstream_checks__texts(void **state)
{
	static const char *const no_switch[] = {
		EV(0, 0, 1, "sched:sched_stat_runtime", "{}", 0),
		EV(0.001, 0, 1, "sched:sched_stat_runtime", "{}", 0),
	};
	static const char *const zero[] = {
		SW(0.001, 0, TO("w", 1), 0),
		SW(0.001, 0, IDLE, 0),
	};
	static const char *const negative[] = {
		SW(-1, 0, TO("w", 1), 0),
		SW(0.001, 0, TO("w", 1), 0),
		SW(0.002, 0, IDLE, 0),
	};
	struct run r;

	run_lines(&r, "", 1, no_switch, ARRAY_SIZE(no_switch));
	assert_int_equal(r.rc, -EINVAL);
	assert_string_equal(r.err.buf, "no sched:sched_switch events found in perf.sched.jsonl");
	run_release(&r);
	run_lines(&r, "", 1, zero, ARRAY_SIZE(zero));
	assert_int_equal(r.rc, -EINVAL);
	assert_string_equal(r.err.buf, "non-positive sched trace duration");
	run_release(&r);
	run_lines(&r, "", 1, negative, ARRAY_SIZE(negative)); /* the negative time is skipped */
	assert_int_equal(r.rc, 0);
	assert_int_equal(sched_util_trace_start(r.u), 1000000);
	run_release(&r);
}

static void errors__too_many_windows__refused(void **state)
{
	static const char *const lines[] = {
		SW(0, 0, TO("w", 10), 0),
		SW(200000, 0, IDLE, 0), /* 200000 s of 1 ms windows */
	};
	struct run r;

	run_lines(&r, "", 1, lines, ARRAY_SIZE(lines));
	assert_int_equal(r.rc, -E2BIG);
	assert_non_null(strstr(r.err.buf, "use a larger --window-ms"));
	run_release(&r);
	run_lines(&r, "", 10000, lines, ARRAY_SIZE(lines));
	assert_int_equal(r.rc, 0);
	assert_int_equal(sched_util_nr_buckets(r.u), 20000);
	run_release(&r);
}

static void record__switch_without_fields__ignored(void **state)
{
	static const char *const lines[] = {
		SW(0, 0, TO("w", 10), 0),
		"{\"comm\":\"x\",\"pid\":1,\"tid\":1,\"cpu\":0,\"time\":0.0005,"
		"\"event\":\"sched:sched_switch\",\"trace\":\"raw\"}",
		SW(0.001, 0, IDLE, 0),
	};
	struct run r;

	run_lines(&r, "", 1, lines, ARRAY_SIZE(lines));
	assert_int_equal(r.iv.n, 1);
	assert_iv(&r, 0, "w", 0, 0, 1000000);
	run_release(&r);
}

static void record__bad_lines__reasons(void **state)
{
	static const struct {
		const char *line, *err;
	} cases[] = {
		{"{\"comm\":\"x\"}", "missing key \"pid\""},
		{"{\"comm\":\"x\",\"pid\":1,\"tid\":1,\"cpu\":-1,\"time\":0,\"event\":\"e\","
		 "\"trace\":\"\"}",
		 "\"cpu\": expected an unsigned integer"},
		{"{\"comm\":\"x\",\"pid\":2147483648,\"tid\":1,\"cpu\":0,\"time\":0,\"event\":\"e\","
		 "\"trace\":\"\"}",
		 "\"pid\": 2147483648 is out of range for a 32-bit integer"},
		{"{\"comm\":\"x\",\"pid\":1,\"tid\":1,\"cpu\":0,\"time\":\"0\",\"event\":\"e\","
		 "\"trace\":\"\"}",
		 "\"time\": expected a number, got a string"},
		{"{\"comm\":\"x\",\"pid\":1,\"tid\":1,\"cpu\":0,\"time\":1e999,\"event\":\"e\","
		 "\"trace\":\"\"}",
		 "\"time\": 1e999 is out of range"},
		{"{\"comm\":\"x\",\"pid\":1,\"tid\":1,\"cpu\":0,\"time\":0,\"event\":\"e\","
		 "\"trace\":\"\",\"fields\":[]}",
		 "\"fields\": expected an object, got an array"},
		{"{\"comm\":\"x\",\"pid\":1,\"tid\":1,\"cpu\":0,\"time\":0,\"event\":\"e\","
		 "\"trace\":\"\",\"fields\":{\"a\":}}",
		 "expected a value"},
	};
	struct jscan_reader rr;
	struct sched_record rec;

	jscan_reader_init(&rr);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int r = sched_record_parse(&rr, cases[i].line, strlen(cases[i].line), &rec);

		if (r != -EINVAL || !strstr(rr.err, cases[i].err)) {
			fprintf(stderr, "case %zu: got %d '%s', want '%s'\n", i, r, rr.err,
				cases[i].err);
			fail();
		}
	}
	assert_int_equal(sched_record_parse(&rr, " ", 1, &rec), 0);
	jscan_reader_release(&rr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(intervals__switches_and_hint_change__three_intervals),
		cmocka_unit_test(categories__hinted_comm__automatic_zero_hint),
		cmocka_unit_test(categories__explicit_zero_hint__not_duplicated),
		cmocka_unit_test(categories__upstream_example__order_and_system_categories),
		cmocka_unit_test(glob__star_and_question__whole_string),
		cmocka_unit_test(output__two_windows__percentages),
		cmocka_unit_test(output__overlapping_categories__upstream_error),
		cmocka_unit_test(intervals__hint_changes_and_softirq__five_intervals),
		cmocka_unit_test(intervals__next_hint__taken_from_the_switch),
		cmocka_unit_test(intervals__last_record_of_a_cpu__no_extrapolation),
		cmocka_unit_test(irq__nested_and_unbalanced__stack),
		cmocka_unit_test(nmi__carved_out__and_not_counted_twice),
		cmocka_unit_test(fixes__unsorted_input__trace_ends_at_max_time),
		cmocka_unit_test(fixes__cpu_gaps__warning_names_them),
		cmocka_unit_test(fixes__time_ns__preferred_over_float_time),
		cmocka_unit_test(errors__upstream_checks__texts),
		cmocka_unit_test(errors__too_many_windows__refused),
		cmocka_unit_test(record__switch_without_fields__ignored),
		cmocka_unit_test(record__bad_lines__reasons),
	};

	test_setup_stdio();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
