// SPDX-License-Identifier: GPL-2.0
/*
 * The trace loader and analyzers on small traces with hand-computed answers:
 * ftrace traces written by the project's writer (top/trace/pftrace_writer.h),
 * and wprof-format TrackEvent traces encoded here (wprof has no writer of ours:
 * descriptors, child tracks, interning, flows and annotations as wprof writes
 * them, reference/perfetto.md §2).
 */
#include "test_common.h"

#include <jansson.h>
#include <zlib.h>

#include "top/analyze/analyzers.h"
#include "top/analyze/stats.h"
#include "top/analyze/trace_load.h"
#include "top/trace/pftrace_writer.h"

/* ------------------------------------------------------------- helpers -- */

struct tw {
	char *buf;
	size_t len;
	FILE *fp;
	struct pftrace_writer *w;
};

static void tw_open(struct tw *t)
{
	struct pftrace_opts o = PFTRACE_OPTS_INIT;
	static const struct pftrace_clocks clk = {1000, 1000, 1000};

	memset(t, 0, sizeof(*t));
	t->fp = open_memstream(&t->buf, &t->len);
	assert_non_null(t->fp);
	o.nr_cpus = 4;
	o.sysname = "Linux";
	o.release = "6.18.0-test";
	o.machine = "x86_64";
	o.clocks = &clk;
	assert_int_equal(pftrace_writer_create(&t->w, t->fp, &o), 0);
}

static void tw_close(struct tw *t)
{
	assert_int_equal(pftrace_writer_finish(t->w), 0);
	pftrace_writer_destroy(t->w);
	fclose(t->fp);
}

static void task(struct sched_task *tk, int tid, int tgid, const char *comm)
{
	tk->tid = tid;
	tk->tgid = tgid;
	tk->prio = 120;
	sched_comm_set(tk->comm, comm);
}

static void ev_switch(struct tw *t, uint64_t ts, int cpu, int prev, int prev_tgid, const char *pc,
		      int64_t state, int next, int next_tgid, const char *nc)
{
	struct sched_event e = {.ts = ts, .cpu = (uint32_t)cpu, .kind = SCHED_EV_SWITCH, .pid = prev,
				.tgid = prev_tgid};

	task(&e.sw.prev, prev, prev_tgid, pc);
	task(&e.sw.next, next, next_tgid, nc);
	e.sw.prev_state = state;
	assert_int_equal(pftrace_write_event(t->w, &e), 0);
}

static void ev_waking(struct tw *t, uint64_t ts, int cpu, int waker, int wakee, int wakee_tgid,
		      const char *comm, int target)
{
	struct sched_event e = {.ts = ts, .cpu = (uint32_t)cpu, .kind = SCHED_EV_WAKING, .pid = waker,
				.tgid = -1};

	task(&e.wake.task, wakee, wakee_tgid, comm);
	e.wake.target_cpu = target;
	assert_int_equal(pftrace_write_event(t->w, &e), 0);
}

static void load(struct trace_model *m, const void *buf, size_t len)
{
	char msg[256];

	model_init(m);
	assert_int_equal(trace_load_mem(m, buf, len, NULL, msg, sizeof(msg)), 0);
}

/* Run one analyzer as JSON and return its object (caller json_decref's the root). */
static json_t *run_json(const struct trace_model *m, const char *name, const struct analyze_params *p,
			json_t **root)
{
	struct strbuf sb = STRBUF_INIT;
	struct report *r = report_json(&sb, 0);
	json_error_t jerr;
	json_t *a;

	rep_obj(r, NULL);
	assert_int_equal(analyzer_run(analyzer_find(name), m, p, r), 0);
	rep_end(r);
	report_free(r);
	*root = json_loads(sb.buf, 0, &jerr);
	if (!*root)
		fail_msg("invalid JSON from %s: %s\n%s", name, jerr.text, sb.buf);
	strbuf_release(&sb);
	a = json_object_get(*root, name);
	assert_non_null(a);
	return a;
}

static json_int_t jint(json_t *o, const char *path)
{
	char buf[256], *save = NULL, *tok;
	json_t *v = o;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && v; tok = strtok_r(NULL, ".", &save)) {
		char *end;
		long idx = strtol(tok, &end, 10);

		v = *end == '\0' && json_is_array(v) ? json_array_get(v, (size_t)idx) : json_object_get(v, tok);
	}
	if (!json_is_integer(v))
		fail_msg("%s is not an integer", path);
	return json_integer_value(v);
}

/* --------------------------------------------------------------- stats -- */

static void stats__nearest_rank__documented_values(void **state)
{
	uint64_t v[] = {1, 2, 3, 4}, w[100];

	(void)state;
	assert_int_equal(pct_sorted(v, 4, 0.50), 2);
	assert_int_equal(pct_sorted(v, 4, 0.75), 3);
	assert_int_equal(pct_sorted(v, 4, 0.99), 4);
	assert_int_equal(pct_sorted(v, 1, 0.5), 1);
	assert_int_equal(pct_sorted(v, 0, 0.5), 0);
	for (int i = 0; i < 100; i++)
		w[i] = (uint64_t)i + 1;
	assert_int_equal(pct_sorted(w, 100, 0.99), 99);
	assert_int_equal(pct_sorted(w, 100, 0.999), 100);
	assert_int_equal(pct_sorted(w, 100, 0.95), 95);
}

static void stats__radix_sort__sorted_and_same_values(void **state)
{
	/* both the LSD (≤ 1M values) and the in-place MSD sort */
	static const size_t sizes[] = {700, 100000, 1500000};

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
		size_t n = sizes[k];
		uint64_t *v = xmalloc(n * sizeof(*v)), x = 88172645463325252ull, sum = 0, sum2 = 0;

		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			v[i] = i % 3 ? x : i % 2 ? x >> 40 : i % 1000;
			sum += v[i];
		}
		u64_sort(v, n);
		for (size_t i = 1; i < n; i++)
			assert_true(v[i - 1] <= v[i]);
		for (size_t i = 0; i < n; i++)
			sum2 += v[i];
		assert_true(sum == sum2);
		free(v);
	}
}

/* --------------------------------------------------- ftrace scenarios -- */

/*
 * 2 CPUs. ts in ns (the writer's ClockSnapshot is irrelevant: BOOTTIME as is).
 *  CPU0: seed idle→A(100) at 1000 [first compact switch: skipped, seeds A]
 *        A wakes B(200) at 2000, target_cpu 1
 *        A→idle (S) at 11000
 *  CPU1: seed idle→idle? no: seed idle→C(300) at 1000, C→idle (S) at 1500
 *        idle→B at 5000 (B ran 3000 ns after its waking, on another CPU)
 *        B→A? no: B→idle (S) at 9000
 *  end of trace: 21000 (a cpu_frequency event on CPU0)
 */
static void build_cross_cpu(struct tw *t)
{
	struct sched_event f = {.ts = 21000, .cpu = 0, .kind = SCHED_EV_CPU_FREQ, .pid = 0, .tgid = 0};

	tw_open(t);
	ev_switch(t, 1000, 0, 0, 0, "swapper/0", 0, 100, 100, "A");
	ev_switch(t, 1000, 1, 0, 0, "swapper/1", 0, 300, 300, "C");
	ev_switch(t, 1500, 1, 300, 300, "C", 1, 0, 0, "swapper/1");
	ev_waking(t, 2000, 0, 100, 200, 100, "B", 1);
	ev_switch(t, 5000, 1, 0, 0, "swapper/1", 0, 200, 100, "B");
	ev_switch(t, 9000, 1, 200, 100, "B", 1, 0, 0, "swapper/1");
	ev_switch(t, 11000, 0, 100, 100, "A", 1, 0, 0, "swapper/0");
	f.freq.cpu_id = 0;
	f.freq.khz = 2000000;
	assert_int_equal(pftrace_write_event(t->w, &f), 0);
	tw_close(t);
}

static void analyze__cross_cpu_wakeup__latency_and_cpus(void **state)
{
	struct analyze_params p;
	struct trace_model m;
	struct tw t;
	json_t *root, *a;

	(void)state;
	build_cross_cpu(&t);
	load(&m, t.buf, t.len);
	assert_int_equal(m.stats.compact_sched_switch_skipped, 2);
	assert_int_equal(m.start_ts, 1000);
	assert_int_equal(m.end_ts, 21000);
	analyze_params_init(&p);
	a = run_json(&m, "wakeup_latency", &p, &root);
	assert_int_equal(jint(a, "latency.count"), 1);
	assert_int_equal(jint(a, "latency.p50_ns"), 3000);
	assert_int_equal(jint(a, "latency.max_ns"), 3000);
	assert_int_equal(jint(a, "cross_cpu"), 1);
	assert_int_equal(jint(a, "per_cpu.0.cpu"), 1);
	json_decref(root);
	a = run_json(&m, "correlation", &p, &root);
	assert_int_equal(jint(a, "slowest.0.wakee_tid"), 200);
	assert_int_equal(jint(a, "slowest.0.waker_tid"), 100);
	assert_int_equal(jint(a, "slowest.0.waker_cpu"), 0);
	assert_int_equal(jint(a, "slowest.0.target_cpu"), 1);
	assert_int_equal(jint(a, "slowest.0.cpu"), 1);
	assert_int_equal(jint(a, "slowest.0.wakeup_ts"), 2000);
	assert_int_equal(jint(a, "slowest.0.schedule_ts"), 5000);
	json_decref(root);
	/* B (tid 200) and A are one process (tgid 100): 10 µs + 4 µs of runtime */
	a = run_json(&m, "process_runtime", &p, &root);
	assert_int_equal(jint(a, "processes.0.pid"), 100);
	assert_int_equal(jint(a, "processes.0.runtime_ns"), 0 + 4000); /* A's slice opened by a skipped switch */
	json_decref(root);
	model_release(&m);
	free(t.buf);
}

static void analyze__idle_handling__utilization(void **state)
{
	struct analyze_params p;
	struct trace_model m;
	struct tw t;
	json_t *root, *a;

	(void)state;
	build_cross_cpu(&t);
	load(&m, t.buf, t.len);
	analyze_params_init(&p);
	a = run_json(&m, "cpu_utilization", &p, &root);
	/* CPU1: C's slice is not closed knowably (its switch was skipped); idle 1500→5000 and
	 * 9000→21000 (the last slice runs to the end of the trace), B 5000→9000 */
	assert_int_equal(jint(a, "per_cpu.1.cpu"), 1);
	assert_int_equal(jint(a, "per_cpu.1.busy_ns"), 4000);
	assert_int_equal(jint(a, "per_cpu.1.idle_ns"), 3500 + 12000);
	assert_int_equal(jint(a, "per_cpu.1.unknown_ns"), 20000 - 4000 - 15500);
	json_decref(root);
	model_release(&m);
	free(t.buf);
}

static void analyze__preemption__counted_with_pair(void **state)
{
	struct analyze_params p;
	struct trace_model m;
	struct tw t;
	json_t *root, *a;

	(void)state;
	tw_open(&t);
	ev_switch(&t, 1000, 0, 0, 0, "swapper/0", 0, 10, 10, "victim");
	ev_switch(&t, 2000, 0, 10, 10, "victim", 0x100, 20, 20, "bully");
	ev_switch(&t, 2500, 0, 20, 20, "bully", 1, 10, 10, "victim");
	ev_switch(&t, 3000, 0, 10, 10, "victim", 1, 0, 0, "swapper/0");
	tw_close(&t);
	load(&m, t.buf, t.len);
	analyze_params_init(&p);
	a = run_json(&m, "preemptions", &p, &root);
	assert_int_equal(jint(a, "total_preemptions"), 1);
	assert_int_equal(jint(a, "top_pairs.0.victim_tid"), 10);
	assert_int_equal(jint(a, "top_pairs.0.preemptor_tid"), 20);
	/* runnable (preempted) at 2000, ran again at 2500 */
	assert_int_equal(jint(a, "requeue_latency.max_ns"), 500);
	json_decref(root);
	a = run_json(&m, "task_states", &p, &root);
	assert_int_equal(jint(a, "processes.0.pid"), 10);
	assert_int_equal(jint(a, "processes.0.runnable_preempted_ns"), 500);
	json_decref(root);
	model_release(&m);
	free(t.buf);
}

/*
 * oncpu_slices groups (group << 40 | length) keys in place; a slice longer than
 * 2^40 ns (18 min) does not fit and must still be reported exactly.
 */
static void analyze__oncpu_slices__groups_and_huge_slice(void **state)
{
	const uint64_t huge = (1ull << 40) + 12345;
	struct analyze_params p;
	struct trace_model m;
	struct tw t;
	json_t *root, *a;

	(void)state;
	tw_open(&t);
	/* the first switch of a CPU only tells what runs next (compact_sched) */
	ev_switch(&t, 500, 0, 1, 1, "init", 1, 0, 0, "swapper/0");
	ev_switch(&t, 500, 1, 1, 1, "init", 1, 0, 0, "swapper/1");
	/* CPU 0: process 10 runs 100, 300 and 200 ns; process 20 runs 1000 ns */
	ev_switch(&t, 1000, 0, 0, 0, "swapper/0", 0, 10, 10, "short");
	ev_switch(&t, 1100, 0, 10, 10, "short", 1, 20, 20, "long");
	ev_switch(&t, 2100, 0, 20, 20, "long", 1, 10, 10, "short");
	ev_switch(&t, 2400, 0, 10, 10, "short", 1, 0, 0, "swapper/0");
	ev_switch(&t, 3000, 0, 0, 0, "swapper/0", 0, 10, 10, "short");
	ev_switch(&t, 3200, 0, 10, 10, "short", 1, 0, 0, "swapper/0");
	/* CPU 1: process 30 runs for 2^40 + 12345 ns */
	ev_switch(&t, 1000, 1, 0, 0, "swapper/1", 0, 30, 30, "hog");
	ev_switch(&t, 1000 + huge, 1, 30, 30, "hog", 1, 0, 0, "swapper/1");
	tw_close(&t);
	load(&m, t.buf, t.len);
	analyze_params_init(&p);
	a = run_json(&m, "oncpu_slices", &p, &root);
	assert_int_equal(jint(a, "slice_length.count"), 5);
	assert_int_equal(jint(a, "slice_length.min_ns"), 100);
	assert_int_equal(jint(a, "slice_length.max_ns"), (json_int_t)huge);
	assert_int_equal(jint(a, "slice_length.p50_ns"), 300);
	/* ordered by total time: hog (clamped to 2^40 - 1 in its own row), long, short */
	assert_int_equal(jint(a, "per_process.0.pid"), 30);
	assert_int_equal(jint(a, "per_process.1.pid"), 20);
	assert_int_equal(jint(a, "per_process.1.total_ns"), 1000);
	assert_int_equal(jint(a, "per_process.2.pid"), 10);
	assert_int_equal(jint(a, "per_process.2.slices"), 3);
	assert_int_equal(jint(a, "per_process.2.total_ns"), 600);
	assert_int_equal(jint(a, "per_process.2.p50_ns"), 200);
	assert_int_equal(jint(a, "per_process.2.max_ns"), 300);
	json_decref(root);
	model_release(&m);
	free(t.buf);
}

static void analyze__migration_across_llcs__classified(void **state)
{
	static const char topo[] = "{\"cpu_to_llc\":{\"0\":0,\"1\":0,\"2\":1,\"3\":1},"
				   "\"cpu_to_numa\":{\"0\":0,\"1\":0,\"2\":0,\"3\":0}}";
	struct sched_event e = {.ts = 3000, .cpu = 0, .kind = SCHED_EV_MIGRATE, .pid = 0, .tgid = -1};
	struct analyze_params p;
	struct trace_model m;
	struct tw t;
	json_t *root, *a;
	char msg[128];

	(void)state;
	tw_open(&t);
	ev_switch(&t, 1000, 0, 0, 0, "swapper/0", 0, 0, 0, "swapper/0");
	task(&e.migrate.task, 50, 50, "mover");
	e.migrate.orig_cpu = 0;
	e.migrate.dest_cpu = 2;
	assert_int_equal(pftrace_write_event(t.w, &e), 0);
	e.ts = 4000;
	e.migrate.orig_cpu = 2;
	e.migrate.dest_cpu = 3;
	assert_int_equal(pftrace_write_event(t.w, &e), 0);
	tw_close(&t);
	model_init(&m);
	assert_int_equal(trace_topology_from_json(&m.topo, topo, strlen(topo)), 0);
	m.topo.source = "test";
	assert_int_equal(trace_load_mem(&m, t.buf, t.len, NULL, msg, sizeof(msg)), 0);
	analyze_params_init(&p);
	a = run_json(&m, "migrations", &p, &root);
	assert_int_equal(jint(a, "total_migrations"), 2);
	assert_int_equal(jint(a, "cross_llc"), 1);
	assert_int_equal(jint(a, "same_llc"), 1);
	assert_int_equal(jint(a, "cross_numa"), 0);
	assert_int_equal(jint(a, "per_process.0.pid"), 50);
	json_decref(root);
	model_release(&m);
	free(t.buf);
}

static void analyze__dsq_counters__latency_in_ns(void **state)
{
	struct analyze_params p;
	struct trace_model m;
	struct tw t;
	json_t *root, *a;

	(void)state;
	tw_open(&t);
	ev_switch(&t, 1000, 0, 0, 0, "swapper/0", 0, 0, 0, "swapper/0");
	for (int i = 0; i < 4; i++) {
		struct sched_event e = {.ts = 2000 + (uint64_t)i * 100, .cpu = 0, .kind = SCHED_EV_DSQ,
					.pid = 0, .tgid = -1};

		e.dsq.dsq_id = 42;
		e.dsq.latency_ns = 1000 * (uint64_t)(i + 1);
		e.dsq.nr_queued = (uint64_t)i;
		e.dsq.tid = 7;
		assert_int_equal(pftrace_write_event(t.w, &e), 0);
	}
	tw_close(&t);
	load(&m, t.buf, t.len);
	assert_int_equal(m.nr_dsqs, 1);
	analyze_params_init(&p);
	a = run_json(&m, "dsq", &p, &root);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(a, "per_dsq"), 0), "dsq_id")), "0x2a");
	assert_int_equal(jint(a, "per_dsq.0.latency_samples"), 4);
	assert_int_equal(jint(a, "per_dsq.0.latency_p50_ns"), 2000);
	assert_int_equal(jint(a, "per_dsq.0.latency_max_ns"), 4000);
	assert_int_equal(jint(a, "per_dsq.0.depth_max"), 3);
	json_decref(root);
	model_release(&m);
	free(t.buf);
}

static void load__truncated_trace__loads_complete_packets(void **state)
{
	struct trace_model m;
	struct tw t;
	char msg[256];
	uint64_t full_events;

	(void)state;
	build_cross_cpu(&t);
	load(&m, t.buf, t.len);
	full_events = m.total_events;
	model_release(&m);
	model_init(&m);
	assert_int_equal(trace_load_mem(&m, t.buf, t.len - 3, NULL, msg, sizeof(msg)), 0);
	assert_true(m.stats.truncated);
	assert_non_null(strstr(m.stats.stop_reason, "file ends inside"));
	assert_true(m.total_events <= full_events);
	model_release(&m);
	model_init(&m);
	assert_int_equal(trace_load_mem(&m, "\xff\xff\xff\xff garbage", 12, NULL, msg, sizeof(msg)), -EINVAL);
	assert_non_null(strstr(msg, "not a Perfetto trace"));
	model_release(&m);
	model_init(&m);
	assert_int_equal(trace_load_mem(&m, "", 0, NULL, msg, sizeof(msg)), -EINVAL);
	assert_string_equal(msg, "empty file");
	model_release(&m);
	free(t.buf);
}

static void load__gzip__same_as_plain(void **state)
{
	struct trace_model m, g;
	struct tw t;
	z_stream z = {0};
	unsigned char *gz;
	size_t cap;
	char msg[128];

	(void)state;
	build_cross_cpu(&t);
	cap = t.len + 1024;
	gz = xmalloc(cap);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)t.buf;
	z.avail_in = (uInt)t.len;
	z.next_out = gz;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	load(&m, t.buf, t.len);
	model_init(&g);
	assert_int_equal(trace_load_mem(&g, gz, z.total_out, NULL, msg, sizeof(msg)), 0);
	assert_true(g.stats.gzip);
	assert_int_equal(g.total_events, m.total_events);
	assert_int_equal(g.nr_wakeups, m.nr_wakeups);
	deflateEnd(&z);
	model_release(&m);
	model_release(&g);
	free(gz);
	free(t.buf);
}

/* ------------------------------------------------------- wprof encoder -- */

struct enc {
	uint8_t *b;
	size_t n, cap;
	size_t stack[16];
	int depth;
};

static void e_byte(struct enc *e, uint8_t c)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 4096;
		e->b = xrealloc(e->b, e->cap);
	}
	e->b[e->n++] = c;
}

static void e_varint(struct enc *e, uint64_t v)
{
	while (v >= 0x80) {
		e_byte(e, (uint8_t)(v | 0x80));
		v >>= 7;
	}
	e_byte(e, (uint8_t)v);
}

static void e_u(struct enc *e, unsigned f, uint64_t v)
{
	e_varint(e, (uint64_t)f << 3);
	e_varint(e, v);
}

static void e_s(struct enc *e, unsigned f, const char *s)
{
	e_varint(e, (uint64_t)f << 3 | 2);
	e_varint(e, strlen(s));
	for (; *s; s++)
		e_byte(e, (uint8_t)*s);
}

static void e_d(struct enc *e, unsigned f, double d)
{
	uint64_t u;

	memcpy(&u, &d, 8);
	e_varint(e, (uint64_t)f << 3 | 1);
	for (int i = 0; i < 8; i++)
		e_byte(e, (uint8_t)(u >> (8 * i)));
}

static void e_f64(struct enc *e, unsigned f, uint64_t u)
{
	e_varint(e, (uint64_t)f << 3 | 1);
	for (int i = 0; i < 8; i++)
		e_byte(e, (uint8_t)(u >> (8 * i)));
}

/* Nested messages: a 5-byte length placeholder, patched on close (non-minimal varint, valid). */
static void e_open(struct enc *e, unsigned f)
{
	e_varint(e, (uint64_t)f << 3 | 2);
	e->stack[e->depth++] = e->n;
	for (int i = 0; i < 5; i++)
		e_byte(e, 0);
}

static void e_close(struct enc *e)
{
	size_t at = e->stack[--e->depth], len = e->n - at - 5;

	for (int i = 0; i < 5; i++)
		e->b[at + i] = (uint8_t)(((len >> (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0));
}

enum { CAT_ONCPU = 1, CAT_WAKER, CAT_WAKEE, CAT_DSQ };
enum { AN_CPU = 1, AN_DELAY, AN_LAYER, AN_DSQ, AN_REASON };
enum { STR_SLEEP = 1, STR_PREEMPTED };
#define SEQ 7

static void w_track_thread(struct enc *e, uint64_t uuid, uint64_t parent, int64_t pid, int64_t tid,
			   const char *name)
{
	e_open(e, 1);
	e_u(e, 10, SEQ);
	e_open(e, 60);
	e_u(e, 1, uuid);
	if (parent)
		e_u(e, 5, parent);
	if (tid != INT64_MIN) {
		e_open(e, 4);
		e_u(e, 1, (uint64_t)pid);
		e_u(e, 2, (uint64_t)tid);
		e_s(e, 5, name);
		e_close(e);
	} else {
		e_s(e, 2, name);
	}
	e_close(e);
	e_close(e);
}

static void w_track_process(struct enc *e, uint64_t uuid, int64_t pid, const char *name)
{
	e_open(e, 1);
	e_u(e, 10, SEQ);
	e_open(e, 60);
	e_u(e, 1, uuid);
	e_open(e, 3);
	e_u(e, 1, (uint64_t)pid);
	e_s(e, 6, name);
	e_close(e);
	e_close(e);
	e_close(e);
}

struct annot {
	unsigned name;
	int kind; /* 0 uint, 1 double, 2 string iid, 3 int */
	uint64_t u;
	double d;
};

static void w_event(struct enc *e, uint64_t ts, uint64_t track, unsigned type, unsigned cat,
		    const char *name, uint64_t flow, const struct annot *an, int nan)
{
	e_open(e, 1);
	e_u(e, 8, ts);
	e_u(e, 10, SEQ);
	e_open(e, 11);
	e_u(e, 9, type);
	e_u(e, 11, track);
	if (cat)
		e_u(e, 3, cat);
	if (name)
		e_s(e, 23, name);
	if (flow)
		e_f64(e, 47, flow);
	for (int i = 0; i < nan; i++) {
		e_open(e, 4);
		e_u(e, 1, an[i].name);
		if (an[i].kind == 0)
			e_u(e, 3, an[i].u);
		else if (an[i].kind == 1)
			e_d(e, 5, an[i].d);
		else if (an[i].kind == 2)
			e_u(e, 17, an[i].u);
		else
			e_u(e, 4, an[i].u);
		e_close(e);
	}
	e_close(e);
	e_close(e);
}

static void interned(struct enc *e, unsigned table, uint64_t iid, const char *s, unsigned sfield)
{
	e_open(e, table);
	e_u(e, 1, iid);
	e_s(e, sfield, s);
	e_close(e);
}

/*
 * A wprof TrackEvent trace: process 100 "app" with thread 101 ("worker",
 * meta track 11, child event track 12) and thread 102 ("waker", tracks 21/22);
 * idle swapper/0 under pid 2000000000 (tid 1, or -1 with negative_idle).
 * CPU0: 102 runs [0, 4000) and wakes 101 at 3000 (flow 3000); 101 runs
 * [4000, 9000) (layer 3, dsq 0x10, waking_delay_us 1.0) and is preempted;
 * idle [9000, 20000). A DSQ slice for 101: 3200 → 3900 in dsq 0x10.
 */
static void build_wprof(struct enc *e, bool negative_idle)
{
	struct annot a[5];

	/* START packet: interned strings, CLEARED */
	e_open(e, 1);
	e_u(e, 8, 0);
	e_u(e, 10, SEQ);
	e_u(e, 13, 1);
	e_open(e, 12);
	interned(e, 1, CAT_ONCPU, "ONCPU", 2);
	interned(e, 1, CAT_WAKER, "WAKER", 2);
	interned(e, 1, CAT_WAKEE, "WAKEE", 2);
	interned(e, 1, CAT_DSQ, "SCX_DSQ", 2);
	interned(e, 3, AN_CPU, "cpu", 2);
	interned(e, 3, AN_DELAY, "waking_delay_us", 2);
	interned(e, 3, AN_LAYER, "scx_layer_id", 2);
	interned(e, 3, AN_DSQ, "scx_dsq_id", 2);
	interned(e, 3, AN_REASON, "offcpu_reason", 2);
	interned(e, 29, STR_SLEEP, "interruptible_sleep", 2);
	interned(e, 29, STR_PREEMPTED, "preempted", 2);
	e_close(e);
	e_close(e);
	w_track_process(e, 1, 2000000000, "IDLE");
	w_track_thread(e, 2, 1, 2000000000, negative_idle ? -1 : 1, "swapper/0");
	w_track_process(e, 10, 100, "app");
	w_track_thread(e, 11, 10, 100, 101, "worker");
	w_track_thread(e, 12, 11, 0, INT64_MIN, "worker");
	w_track_thread(e, 21, 10, 100, 102, "waker");
	w_track_thread(e, 22, 21, 0, INT64_MIN, "waker");

	a[0] = (struct annot){AN_CPU, 0, 0, 0};
	w_event(e, 0, 22, 1, CAT_ONCPU, "waker", 0, a, 1);
	/* WAKER on 102's track, WAKEE on 101's, same flow id (the waking ts) */
	w_event(e, 3000, 22, 3, CAT_WAKER, "worker", 3000, a, 1);
	w_event(e, 3000, 12, 3, CAT_WAKEE, "worker", 3000, a, 1);
	/* DSQ residency slice of 101 */
	w_event(e, 3200, 12, 1, CAT_DSQ, "DSQ:dsq_insert_0x10", 0, a, 1);
	a[1] = (struct annot){AN_DSQ, 0, 0x10, 0};
	a[2] = (struct annot){AN_LAYER, 3, 3, 0};
	w_event(e, 3900, 12, 2, CAT_DSQ, NULL, 0, a + 1, 2);
	/* switch 102 → 101 at 4000 (the END is written after the BEGIN: the loader orders them) */
	a[1] = (struct annot){AN_DELAY, 1, 0, 1.0};
	a[2] = (struct annot){AN_LAYER, 3, 3, 0};
	a[3] = (struct annot){AN_DSQ, 0, 0x10, 0};
	w_event(e, 4000, 12, 1, CAT_ONCPU, "worker", 3000, a, 4);
	a[1] = (struct annot){AN_REASON, 2, STR_SLEEP, 0};
	w_event(e, 4000, 22, 2, CAT_ONCPU, NULL, 0, a, 2);
	/* 101 preempted at 9000; idle until 20000 */
	a[1] = (struct annot){AN_REASON, 2, STR_PREEMPTED, 0};
	w_event(e, 9000, 12, 2, CAT_ONCPU, NULL, 0, a, 2);
	w_event(e, 9000, 2, 1, CAT_ONCPU, "swapper/0", 0, a, 1);
	w_event(e, 20000, 2, 2, CAT_ONCPU, NULL, 0, a, 1);
}

static void wprof_checks(bool negative_idle)
{
	struct analyze_params p;
	struct trace_model m;
	struct enc e = {0};
	json_t *root, *a;

	build_wprof(&e, negative_idle);
	/* SCX_WPROF_OUT=DIR keeps the traces (fuzz seeds, schema samples) */
	if (getenv("SCX_WPROF_OUT")) {
		char path[512];
		FILE *fp;

		snprintf(path, sizeof(path), "%s/wprof%s.pftrace", getenv("SCX_WPROF_OUT"),
			 negative_idle ? "_negative_idle" : "");
		fp = fopen(path, "w");
		if (fp) {
			fwrite(e.b, 1, e.n, fp);
			fclose(fp);
		}
	}
	load(&m, e.b, e.n);
	assert_int_equal(m.sched_src, SRC_TRACK_EVENT);
	assert_true(m.meta.wprof);
	assert_int_equal(m.stats.unresolved_tracks, 0);
	assert_int_equal(m.stats.interned_missing, 0);
	analyze_params_init(&p);
	p.per_thread = true;
	a = run_json(&m, "process_runtime", &p, &root);
	/* worker 4000→9000, waker 0→4000; idle is not a thread */
	assert_int_equal(jint(a, "threads.0.tid"), 101);
	assert_int_equal(jint(a, "threads.0.runtime_ns"), 5000);
	assert_int_equal(jint(a, "threads.1.tid"), 102);
	assert_int_equal(jint(a, "threads.1.runtime_ns"), 4000);
	assert_int_equal(jint(a, "total"), 2);
	json_decref(root);
	a = run_json(&m, "cpu_utilization", &p, &root);
	assert_int_equal(jint(a, "per_cpu.0.busy_ns"), 9000);
	assert_int_equal(jint(a, "per_cpu.0.idle_ns"), 11000);
	json_decref(root);
	a = run_json(&m, "wakeup_latency", &p, &root);
	assert_int_equal(jint(a, "latency.count"), 1);
	assert_int_equal(jint(a, "latency.p50_ns"), 1000);
	json_decref(root);
	a = run_json(&m, "correlation", &p, &root);
	assert_int_equal(jint(a, "slowest.0.waker_tid"), 102);
	assert_int_equal(jint(a, "slowest.0.wakee_tid"), 101);
	json_decref(root);
	a = run_json(&m, "scx_layers", &p, &root);
	assert_int_equal(jint(a, "layers"), 1);
	assert_int_equal(jint(a, "per_layer.0.layer_id"), 3);
	assert_int_equal(jint(a, "per_layer.0.runtime_ns"), 5000);
	assert_int_equal(jint(a, "per_layer.0.residency_p50_ns"), 700);
	json_decref(root);
	a = run_json(&m, "dsq", &p, &root);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(a, "per_dsq"), 0), "dsq_id")), "0x10");
	assert_int_equal(jint(a, "per_dsq.0.dispatches"), 1);
	assert_int_equal(jint(a, "per_dsq.0.residency_max_ns"), 700);
	json_decref(root);
	a = run_json(&m, "preemptions", &p, &root);
	/* preempted by the idle task: not a preemption (nobody took the CPU) */
	assert_int_equal(jint(a, "total_preemptions"), 0);
	json_decref(root);
	model_release(&m);
	free(e.b);
}

static void wprof__track_event_mode__slices_flows_annotations(void **state)
{
	(void)state;
	wprof_checks(false);
}

static void wprof__negative_idle_tids__treated_as_idle(void **state)
{
	(void)state;
	wprof_checks(true);
}

/* A FtraceEvent in a bundle of its own: sched_switch (4) or sched_waking (20). */
static void u_ftrace(struct enc *e, uint32_t cpu, uint64_t ts, uint32_t pid, unsigned kind,
		     int a, int b, const char *comm)
{
	e_open(e, 1);
	e_open(e, 1);
	e_u(e, 1, cpu);
	e_open(e, 2);
	e_u(e, 1, ts);
	e_u(e, 2, pid);
	e_open(e, kind);
	if (kind == 4) { /* prev_pid a (state S), next_pid b */
		e_u(e, 2, (uint64_t)a);
		e_u(e, 4, 1);
		e_s(e, 5, comm);
		e_u(e, 6, (uint64_t)b);
		e_u(e, 7, 120);
	} else { /* wakee a, target_cpu b */
		e_s(e, 1, comm);
		e_u(e, 2, (uint64_t)a);
		e_u(e, 5, (uint64_t)b);
	}
	e_close(e);
	e_close(e);
	e_close(e);
	e_close(e);
}

static void u_counter_track(struct enc *e, uint64_t uuid, const char *name)
{
	e_open(e, 1);
	e_open(e, 60);
	e_u(e, 1, uuid);
	e_s(e, 2, name);
	e_open(e, 8);
	e_u(e, 3, 2);
	e_close(e);
	e_close(e);
	e_close(e);
}

static void u_counter(struct enc *e, uint64_t ts, uint64_t uuid, int64_t v, uint32_t clock)
{
	e_open(e, 1);
	e_u(e, 8, ts);
	if (clock)
		e_u(e, 58, clock);
	e_u(e, 10, 9);
	e_open(e, 11);
	e_u(e, 9, 4);
	e_u(e, 11, uuid);
	e_u(e, 30, (uint64_t)v);
	e_close(e);
	e_close(e);
}

/*
 * An upstream-scxtop-style trace: verbose events whose waking FtraceEvent.pid
 * is the wakee (its writer's bug), the scxtop_topo: descriptor, and DSQ counter
 * tracks named "DSQ <id> latency ns" that carry microseconds; one counter on
 * CLOCK_MONOTONIC converted through the ClockSnapshot.
 */
static void upstream__scxtop_trace__conventions_handled(void **state)
{
	struct analyze_params p;
	struct trace_model m;
	struct enc e = {0};
	json_t *root, *a;

	(void)state;
	/* ClockSnapshot: BOOTTIME 1,000,000 = MONOTONIC 400,000 */
	e_open(&e, 1);
	e_open(&e, 6);
	e_open(&e, 1);
	e_u(&e, 1, 6);
	e_u(&e, 2, 1000000);
	e_close(&e);
	e_open(&e, 1);
	e_u(&e, 1, 3);
	e_u(&e, 2, 400000);
	e_close(&e);
	e_close(&e);
	e_close(&e);
	e_open(&e, 1);
	e_open(&e, 60);
	e_u(&e, 1, 99);
	e_s(&e, 10, "scxtop_topo:{\"cpu_to_llc\":{\"0\":0,\"1\":1},\"cpu_to_numa\":{\"0\":0,\"1\":0},"
		      "\"cpu_to_core\":{\"0\":0,\"1\":1},\"nr_cpus\":2}");
	e_close(&e);
	e_close(&e);
	/* CPU0: 10 runs from 1,001,000; 10 wakes 20 at 1,002,000 (pid field = wakee!);
	 * CPU1: 20 runs at 1,005,000 */
	u_ftrace(&e, 0, 1001000, 0, 4, 0, 10, "waker");
	u_ftrace(&e, 1, 1001000, 0, 4, 0, 0, "swapper/1");
	u_ftrace(&e, 0, 1002000, 20, 20, 20, 1, "wakee");
	u_ftrace(&e, 1, 1005000, 0, 4, 0, 20, "wakee");
	u_ftrace(&e, 1, 1009000, 20, 4, 20, 0, "swapper/1");
	u_counter_track(&e, 500, "DSQ 7 latency ns");
	u_counter_track(&e, 501, "DSQ 7 nr_queued");
	u_counter(&e, 1003000, 500, 25, 0);	/* 25 µs */
	u_counter(&e, 1003000, 501, 4, 0);
	u_counter(&e, 603500, 500, 35, 3);	/* MONOTONIC 603,500 = BOOTTIME 1,203,500 */
	load(&m, e.b, e.n);
	assert_true(m.topo.known);
	assert_int_equal(m.topo.nr_llcs, 2);
	assert_int_equal(m.nr_dsq, 3);
	assert_int_equal(m.dsq[2].ts, 1203500);
	analyze_params_init(&p);
	a = run_json(&m, "correlation", &p, &root);
	/* the waker is the task running on CPU0, not the wakee the pid field names */
	assert_int_equal(jint(a, "slowest.0.wakee_tid"), 20);
	assert_int_equal(jint(a, "slowest.0.waker_tid"), 10);
	assert_int_equal(jint(a, "slowest.0.latency_ns"), 3000);
	json_decref(root);
	a = run_json(&m, "dsq", &p, &root);
	assert_int_equal(jint(a, "per_dsq.0.latency_samples"), 2);
	assert_int_equal(jint(a, "per_dsq.0.latency_max_ns"), 35000);
	assert_int_equal(jint(a, "per_dsq.0.depth_max"), 4);
	json_decref(root);
	a = run_json(&m, "cpu_utilization", &p, &root);
	assert_non_null(json_object_get(a, "per_llc"));
	json_decref(root);
	model_release(&m);
	free(e.b);
}

/* dist_of_values (radix select) gives exactly what sorting and dist_of_sorted give. */
static void dist__values_without_sort__equal_to_sorted(void **state)
{
	static const size_t sizes[] = {1, 2, 5, 47, 48, 49, 100, 1000, 4097, 100000};
	uint64_t seed = 12345;

	for (size_t si = 0; si < ARRAY_SIZE(sizes); si++) {
		for (int shape = 0; shape < 5; shape++) {
			size_t n = sizes[si];
			uint64_t *a = xmalloc(n * sizeof(*a)), *b = xmalloc(n * sizeof(*b));
			struct dist ds, dv;

			for (size_t i = 0; i < n; i++) {
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				uint64_t r = seed >> 11;

				a[i] = shape == 0 ? r			/* wide */
				     : shape == 1 ? r % 1000		/* narrow, many ties */
				     : shape == 2 ? 7			/* all equal */
				     : shape == 3 ? (r % 100 == 0 ? r : 500 + r % 3) /* outliers */
						  : (uint64_t)i << 20;	/* sorted, one byte varies high */
			}
			memcpy(b, a, n * sizeof(*a));
			u64_sort(a, n);
			dist_of_sorted(&ds, a, n);
			dist_of_values(&dv, b, n);
			assert_int_equal(ds.n, dv.n);
			assert_int_equal(ds.min, dv.min);
			assert_int_equal(ds.max, dv.max);
			assert_int_equal(ds.sum, dv.sum);
			assert_int_equal(ds.p50, dv.p50);
			assert_int_equal(ds.p90, dv.p90);
			assert_int_equal(ds.p95, dv.p95);
			assert_int_equal(ds.p99, dv.p99);
			assert_int_equal(ds.p999, dv.p999);
			free(a);
			free(b);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dist__values_without_sort__equal_to_sorted),
		cmocka_unit_test(stats__nearest_rank__documented_values),
		cmocka_unit_test(stats__radix_sort__sorted_and_same_values),
		cmocka_unit_test(analyze__cross_cpu_wakeup__latency_and_cpus),
		cmocka_unit_test(analyze__idle_handling__utilization),
		cmocka_unit_test(analyze__preemption__counted_with_pair),
		cmocka_unit_test(analyze__oncpu_slices__groups_and_huge_slice),
		cmocka_unit_test(analyze__migration_across_llcs__classified),
		cmocka_unit_test(analyze__dsq_counters__latency_in_ns),
		cmocka_unit_test(load__truncated_trace__loads_complete_packets),
		cmocka_unit_test(load__gzip__same_as_plain),
		cmocka_unit_test(wprof__track_event_mode__slices_flows_annotations),
		cmocka_unit_test(wprof__negative_idle_tids__treated_as_idle),
		cmocka_unit_test(upstream__scxtop_trace__conventions_handled),
	};

	test_setup_stdio();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
