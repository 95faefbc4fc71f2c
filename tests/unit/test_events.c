// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include "top/live/collector.h"
#include "top/live/events.h"

#define MS 1000000ull

static struct scxtop_event waking(uint64_t ts, unsigned cpu, int pid, int target)
{
	struct scxtop_event e = {.hdr = {.ts = ts, .type = SCXTOP_EV_WAKING, .cpu = cpu,
					 .size = sizeof(struct scxtop_event_hdr) + sizeof(e.wake)}};

	e.wake.pid = pid;
	e.wake.tgid = pid;
	e.wake.target_cpu = target;
	snprintf(e.wake.comm, sizeof(e.wake.comm), "t%d", pid);
	return e;
}

static struct scxtop_event sw(uint64_t ts, unsigned cpu, int prev, int next)
{
	struct scxtop_event e = {.hdr = {.ts = ts, .type = SCXTOP_EV_SWITCH, .cpu = cpu,
					 .size = sizeof(struct scxtop_event_hdr) + sizeof(e.sw)}};

	e.sw.prev_pid = prev;
	e.sw.next_pid = next;
	e.sw.prev_state = 1;
	snprintf(e.sw.prev_comm, sizeof(e.sw.prev_comm), "t%d", prev);
	snprintf(e.sw.next_comm, sizeof(e.sw.next_comm), "t%d", next);
	return e;
}

static struct scxtop_event task_ev(uint64_t ts, unsigned type, int pid)
{
	struct scxtop_event e = {.hdr = {.ts = ts, .type = type, .cpu = 0,
					 .size = sizeof(struct scxtop_event_hdr) + sizeof(e.task)}};

	e.task.pid = pid;
	e.task.tgid = pid;
	return e;
}

static void add(struct event_log *l, struct scxtop_event e)
{
	event_log_add(l, &e, e.hdr.size);
}

/* The switch-in of `pid` among the released events, or NULL. */
static const struct ev_entry *find_switch(const struct event_log *l, int pid, uint64_t ts)
{
	for (size_t i = 0; i < l->count; i++) {
		const struct ev_entry *e = event_log_get(l, i);

		if (e->ev.hdr.type == SCXTOP_EV_SWITCH && e->ev.sw.next_pid == pid &&
		    e->ev.hdr.ts == ts)
			return e;
	}
	return NULL;
}

static void events__cross_cpu_wakeup__paired_by_tid(void **state)
{
	struct event_log l;

	event_log_init(&l, 64, 5 * MS);
	/* task 42 woken from CPU 0, switched in on CPU 1 */
	add(&l, waking(100 * MS, 0, 42, 1));
	add(&l, sw(100 * MS + 7000, 1, 0, 42));
	event_log_flush(&l);
	assert_int_equal(find_switch(&l, 42, 100 * MS + 7000)->lat_ns, 7000);
	assert_int_equal(l.paired, 1);
	assert_int_equal(l.lat_min_ns, 7000);
	assert_int_equal(l.lat_hist[scxtop_lat_slot(7000)], 1);
	event_log_release(&l);
}

static void events__waking_arrives_late_from_other_ring__reordered(void **state)
{
	struct event_log l;

	event_log_init(&l, 64, 5 * MS);
	/* CPU 1's ring is read first: the switch arrives before the waking that caused it */
	add(&l, sw(200 * MS + 3000, 1, 0, 42));
	add(&l, sw(200 * MS + 9000, 1, 42, 0));
	add(&l, waking(200 * MS, 0, 42, 1));
	event_log_flush(&l);
	assert_int_equal(find_switch(&l, 42, 200 * MS + 3000)->lat_ns, 3000);
	assert_int_equal(l.late, 0);
	/* released in timestamp order: newest first */
	assert_int_equal(event_log_get(&l, 0)->ev.hdr.ts, 200 * MS + 9000);
	assert_int_equal(event_log_get(&l, 2)->ev.hdr.type, SCXTOP_EV_WAKING);
	event_log_release(&l);
}

static void events__window__releases_only_older_events(void **state)
{
	struct event_log l;

	event_log_init(&l, 64, 5 * MS);
	add(&l, waking(10 * MS, 0, 1, 0));
	add(&l, waking(12 * MS, 0, 2, 0));
	assert_int_equal(l.count, 0);	/* both inside the window */
	add(&l, waking(16 * MS, 0, 3, 0));	/* releases < 11 ms */
	assert_int_equal(l.count, 1);
	event_log_flush_older(&l, 20 * MS);	/* releases < 15 ms */
	assert_int_equal(l.count, 2);
	/* an event older than one already released: kept, counted as late */
	add(&l, waking(1 * MS, 0, 4, 0));
	event_log_flush(&l);
	assert_int_equal(l.count, 4);
	assert_int_equal(l.late, 1);
	assert_int_equal(l.counts[SCXTOP_EV_WAKING], 4);
	event_log_release(&l);
}

static void events__second_waking__latency_from_the_last(void **state)
{
	struct event_log l;

	event_log_init(&l, 64, 5 * MS);
	add(&l, waking(300 * MS, 0, 7, 0));
	add(&l, waking(300 * MS + 500, 1, 7, 0));
	add(&l, sw(300 * MS + 2500, 0, 0, 7));
	/* a switch-in with no wakeup (preempted task resuming) is not paired */
	add(&l, sw(300 * MS + 9000, 0, 7, 8));
	event_log_flush(&l);
	assert_int_equal(find_switch(&l, 7, 300 * MS + 2500)->lat_ns, 2000);
	assert_int_equal(find_switch(&l, 8, 300 * MS + 9000)->lat_ns, 0);
	assert_int_equal(l.paired, 1);
	assert_int_equal(l.unpaired, 1);
	event_log_release(&l);
}

static void events__exit_and_exec__drop_pending_wakeup(void **state)
{
	struct event_log l;

	event_log_init(&l, 64, 5 * MS);
	add(&l, waking(400 * MS, 0, 9, 0));
	add(&l, task_ev(400 * MS + 10, SCXTOP_EV_EXIT, 9));
	/* tid 9 reused by a new task: its first switch-in is not paired with the old waking */
	add(&l, sw(400 * MS + 50000, 0, 0, 9));
	add(&l, waking(401 * MS, 0, 10, 0));
	add(&l, task_ev(401 * MS + 10, SCXTOP_EV_EXEC, 10));
	add(&l, sw(401 * MS + 20, 1, 0, 10));
	event_log_flush(&l);
	assert_int_equal(find_switch(&l, 9, 400 * MS + 50000)->lat_ns, 0);
	assert_int_equal(find_switch(&l, 10, 401 * MS + 20)->lat_ns, 0);
	assert_int_equal(l.paired, 0);
	event_log_release(&l);
}

static void events__ring_wraps__keeps_newest(void **state)
{
	struct event_log l;

	event_log_init(&l, 4, 0);
	for (int i = 1; i <= 10; i++)
		add(&l, waking((uint64_t)i * MS, 0, i, 0));
	event_log_flush(&l);
	assert_int_equal(l.count, 4);
	assert_int_equal(event_log_get(&l, 0)->ev.wake.pid, 10);
	assert_int_equal(event_log_get(&l, 3)->ev.wake.pid, 7);
	assert_null(event_log_get(&l, 4));
	event_log_clear(&l);
	assert_int_equal(l.count, 0);
	assert_int_equal(l.counts[SCXTOP_EV_WAKING], 0);
	event_log_release(&l);
}

static void events__format__one_line_per_type(void **state)
{
	struct ev_entry e = {.ev = sw(1500000000ull, 1, 12, 34), .lat_ns = 12345};
	char buf[256];

	e.ev.sw.prev_state = SCXTOP_STATE_PREEMPTED;
	event_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "1.500000 cpu1   sched_switch       t12:12 R+ -> t34:34 waited 12.3us");
	e.ev = waking(2000000000ull, 0, 5, 1);
	e.ev.hdr.pid = 99;
	event_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "2.000000 cpu0   sched_waking       t5:5 target_cpu=1 (by pid 99)");
	event_format(&e, buf, 10);	/* truncated, still terminated */
	assert_int_equal(strlen(buf), 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(events__cross_cpu_wakeup__paired_by_tid),
		cmocka_unit_test(events__waking_arrives_late_from_other_ring__reordered),
		cmocka_unit_test(events__window__releases_only_older_events),
		cmocka_unit_test(events__second_waking__latency_from_the_last),
		cmocka_unit_test(events__exit_and_exec__drop_pending_wakeup),
		cmocka_unit_test(events__ring_wraps__keeps_newest),
		cmocka_unit_test(events__format__one_line_per_type),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("events", tests, NULL, NULL);
}
