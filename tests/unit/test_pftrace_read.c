// SPDX-License-Identifier: GPL-2.0
/*
 * Round trips: synthetic events → writer → reader give the same events, per
 * CPU and in order, with compact_sched's implied prev and waker filled in as
 * trace_processor does; malformed input is refused, never crashes.
 */
#include "test_common.h"

#include <fcntl.h>
#include <inttypes.h>

#include "top/trace/pftrace_read.h"
#include "top/trace/pftrace_writer.h"
#include "top/trace/synth.h"

struct rt {
	/* input, per CPU, in order */
	struct sched_event *in[8];
	size_t nin[8], ain[8], pos[8];
	bool sw_seen[8];
	/* counters seen by the reader */
	uint64_t counters, threads, mismatches, events;
	bool verbose;
	char last_counter[64];
};

static void rt_add(struct rt *r, const struct sched_event *ev)
{
	uint32_t c = ev->cpu;

	assert_true(c < 8);
	xgrow((void **)&r->in[c], &r->ain[c], r->nin[c] + 1, sizeof(*ev));
	r->in[c][r->nin[c]++] = *ev;
}

static bool task_eq(const struct sched_task *a, const struct sched_task *b)
{
	return a->tid == b->tid && a->prio == b->prio && !strncmp(a->comm, b->comm, 16);
}

static bool same(const struct rt *r, const struct sched_event *a, const struct sched_event *b,
		 bool first_switch)
{
	if (a->ts != b->ts || a->cpu != b->cpu || a->kind != b->kind || a->flags != b->flags)
		return false;
	/*
	 * A compact waking's waker is the task running then (the synthetic
	 * emitter); before the CPU's first switch nobody is known to run.
	 */
	if (!r->verbose && first_switch &&
	    (a->kind == SCHED_EV_SWITCH || a->kind == SCHED_EV_WAKING)) {
		if (b->pid != -1)
			return false;
	} else if (a->pid != b->pid) {
		return false;
	}
	switch (a->kind) {
	case SCHED_EV_SWITCH:
		if (r->verbose) {
			if (!task_eq(&a->sw.prev, &b->sw.prev))
				return false;
		} else if (!first_switch) {
			/* implied prev: the task switched in, whose comm an exec may have changed */
			if (a->sw.prev.tid != b->sw.prev.tid || a->sw.prev.prio != b->sw.prev.prio)
				return false;
		} else if (b->sw.prev.tid != -1) {
			return false;	/* nothing precedes the first compact switch */
		}
		return task_eq(&a->sw.next, &b->sw.next) && a->sw.prev_state == b->sw.prev_state;
	case SCHED_EV_WAKING:
	case SCHED_EV_WAKEUP:
	case SCHED_EV_WAKEUP_NEW:
		return task_eq(&a->wake.task, &b->wake.task) &&
		       a->wake.target_cpu == b->wake.target_cpu;
	case SCHED_EV_MIGRATE:
		return task_eq(&a->migrate.task, &b->migrate.task) &&
		       a->migrate.orig_cpu == b->migrate.orig_cpu &&
		       a->migrate.dest_cpu == b->migrate.dest_cpu;
	case SCHED_EV_NEWTASK:
		return a->newtask.child.tid == b->newtask.child.tid &&
		       !strncmp(a->newtask.child.comm, b->newtask.child.comm, 16) &&
		       a->newtask.parent.tid == b->newtask.parent.tid;
	case SCHED_EV_EXEC:
		return a->exec.task.tid == b->exec.task.tid && a->exec.old_tid == b->exec.old_tid;
	case SCHED_EV_EXIT:
	case SCHED_EV_FREE:
		return task_eq(&a->exit.task, &b->exit.task);
	case SCHED_EV_SOFTIRQ_ENTRY:
	case SCHED_EV_SOFTIRQ_EXIT:
		return a->softirq.vec == b->softirq.vec;
	case SCHED_EV_CPU_FREQ:
		return a->freq.khz == b->freq.khz && a->freq.cpu_id == b->freq.cpu_id;
	default:
		return true;
	}
}

static int on_event(void *ctx, const struct sched_event *ev)
{
	struct rt *r = ctx;
	uint32_t c = ev->cpu;
	size_t i;

	r->events++;
	assert_true(c < 8);
	/* The writer announces a rename before an exec whose comm changed. */
	if (ev->kind == SCHED_EV_RENAME)
		return 0;
	i = r->pos[c]++;
	/* DSQ events are counters, not ftrace events: skip them in the input */
	while (i < r->nin[c] && r->in[c][i].kind == SCHED_EV_DSQ)
		i = r->pos[c]++;
	assert_true(i < r->nin[c]);
	{
		bool first = !r->sw_seen[c];

		if (r->in[c][i].kind == SCHED_EV_SWITCH)
			r->sw_seen[c] = true;
		if (!same(r, &r->in[c][i], ev, first)) {
			printf("cpu %u event %zu: %s at %" PRIu64 " differs (got %s at %" PRIu64
			       ", pid %d vs %d)\n",
			       c, i, sched_event_kind_name(r->in[c][i].kind), r->in[c][i].ts,
			       sched_event_kind_name(ev->kind), ev->ts, ev->pid, r->in[c][i].pid);
			r->mismatches++;
		}
	}
	return 0;
}

static int on_counter(void *ctx, uint64_t ts, const char *track, int64_t value)
{
	struct rt *r = ctx;

	r->counters++;
	snprintf(r->last_counter, sizeof(r->last_counter), "%s", track ? track : "(null)");
	return 0;
}

static int on_thread(void *ctx, uint64_t ts, int32_t tid, int32_t tgid, const char *name)
{
	struct rt *r = ctx;

	assert_true(tid > 0);
	assert_true(tgid > 0);
	r->threads++;
	return 0;
}

static void round_trip(bool verbose, unsigned bundle_events, uint64_t n, bool dsq)
{
	static const struct pftrace_read_ops ops = {
		.event = on_event, .counter = on_counter, .thread = on_thread};
	struct synth_opts so = SYNTH_OPTS_INIT;
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct pftrace_read_stats st;
	struct pftrace_writer *w;
	struct sched_event ev;
	struct rt r;
	struct synth s;
	char *buf = NULL;
	size_t len = 0, c;
	uint64_t i, ndsq = 0;
	FILE *fp = open_memstream(&buf, &len);

	memset(&r, 0, sizeof(r));
	r.verbose = verbose;
	so.seed = 7;
	so.dsq = dsq;
	synth_init(&s, &so);
	po.verbose_sched = verbose;
	po.bundle_events = bundle_events;
	po.no_clock_snapshot = true;
	assert_int_equal(pftrace_writer_create(&w, fp, &po), 0);
	for (i = 0; i < n; i++) {
		synth_next(&s, &ev);
		rt_add(&r, &ev);
		ndsq += ev.kind == SCHED_EV_DSQ;
		assert_int_equal(pftrace_write_event(w, &ev), 0);
	}
	assert_int_equal(pftrace_writer_finish(w), 0);
	fflush(fp);
	assert_int_equal(pftrace_read_mem(buf, len, &ops, &r, &st), 0);
	assert_int_equal(r.mismatches, 0);
	for (c = 0; c < 8; c++) {
		while (r.pos[c] < r.nin[c] && r.in[c][r.pos[c]].kind == SCHED_EV_DSQ)
			r.pos[c]++;
		assert_int_equal(r.pos[c], r.nin[c]);
	}
	assert_int_equal(st.bytes, len);
	assert_int_equal(r.counters, 2 * ndsq);
	if (dsq)
		assert_true(strstr(r.last_counter, "DSQ ") == r.last_counter);
	assert_true(r.threads > 0);
	assert_int_equal(st.unknown_events, 0);
	if (verbose)
		assert_int_equal(st.compact_switch, 0);
	else
		assert_int_equal(st.compact_switch, pftrace_writer_stats(w)->by_kind[SCHED_EV_SWITCH]);
	pftrace_writer_destroy(w);
	fclose(fp);
	free(buf);
	synth_release(&s);
	for (c = 0; c < 8; c++)
		free(r.in[c]);
}

static void read__compact_round_trip__same_events_per_cpu(void **state)
{
	round_trip(false, 0, 200000, false);
}

static void read__small_bundles__prev_carried_across_bundles(void **state)
{
	round_trip(false, 7, 20000, true);
}

static void read__verbose_round_trip__same_events_with_prev(void **state)
{
	round_trip(true, 100, 20000, false);
}

struct count {
	uint64_t events;
};

static int count_event(void *ctx, const struct sched_event *ev)
{
	((struct count *)ctx)->events++;
	return 0;
}

static char *small_trace(size_t *len)
{
	struct synth_opts so = SYNTH_OPTS_INIT;
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct pftrace_writer *w;
	struct sched_event ev;
	struct synth s;
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);
	int i;

	synth_init(&s, &so);
	po.no_clock_snapshot = true;
	assert_int_equal(pftrace_writer_create(&w, fp, &po), 0);
	for (i = 0; i < 500; i++) {
		synth_next(&s, &ev);
		assert_int_equal(pftrace_write_event(w, &ev), 0);
	}
	assert_int_equal(pftrace_writer_finish(w), 0);
	pftrace_writer_destroy(w);
	fclose(fp);
	synth_release(&s);
	return buf;
}

static void read__truncated_and_garbage__ebadmsg(void **state)
{
	static const struct pftrace_read_ops ops = {.event = count_event};
	struct pftrace_read_stats st;
	struct count c = {0};
	size_t len, cut;
	char *buf = small_trace(&len);

	assert_int_equal(pftrace_read_mem(buf, len, &ops, &c, &st), 0);
	assert_true(c.events > 0);
	/* every truncation point either ends on a packet boundary or is refused */
	for (cut = 1; cut < len; cut += 37) {
		int rc = pftrace_read_mem(buf, cut, &ops, &c, &st);

		assert_true(rc == 0 || rc == -EBADMSG);
		if (rc == 0)
			assert_int_equal(st.bytes, cut);
	}
	assert_int_equal(pftrace_read_mem("\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11, &ops,
					  &c, &st), -EBADMSG);
	assert_int_equal(pftrace_read_mem("\x0a\x03\xff\xff\xff", 5, &ops, &c, &st), -EBADMSG);
	assert_int_equal(pftrace_read_mem("", 0, &ops, &c, &st), 0);
	assert_int_equal(st.packets, 0);
	free(buf);
}

static int stop_at_first(void *ctx, const struct sched_event *ev)
{
	return -ECANCELED;
}

static void read__callback_error__stops_and_returned(void **state)
{
	static const struct pftrace_read_ops ops = {.event = stop_at_first};
	size_t len;
	char *buf = small_trace(&len);

	assert_int_equal(pftrace_read_mem(buf, len, &ops, NULL, NULL), -ECANCELED);
	free(buf);
}

static void read__fd__same_as_memory(void **state)
{
	static const struct pftrace_read_ops ops = {.event = count_event};
	struct pftrace_read_stats a, b;
	struct count ca = {0}, cb = {0};
	char path[256];
	size_t len;
	char *buf = small_trace(&len);
	FILE *fp;
	int fd;

	snprintf(path, sizeof(path), "%s/t.pftrace", test_tmpdir());
	fp = fopen(path, "w");
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	fclose(fp);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pftrace_read(fd, &ops, &ca, &a), 0);
	close(fd);
	assert_int_equal(pftrace_read_mem(buf, len, &ops, &cb, &b), 0);
	assert_int_equal(ca.events, cb.events);
	assert_int_equal(a.packets, b.packets);
	assert_int_equal(a.bytes, len);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read__compact_round_trip__same_events_per_cpu),
		cmocka_unit_test(read__small_bundles__prev_carried_across_bundles),
		cmocka_unit_test(read__verbose_round_trip__same_events_with_prev),
		cmocka_unit_test(read__truncated_and_garbage__ebadmsg),
		cmocka_unit_test(read__callback_error__stops_and_returned),
		cmocka_unit_test(read__fd__same_as_memory),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("pftrace_read", tests, NULL, NULL);
}
