// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include <linux/types.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>

#include "common/util.h"
#include "top/live/collector.h"

static void lat_slot__bounds_contain_value__every_octave(void **state)
{
	uint64_t lo, hi;

	for (uint64_t v = 1; v < (1ull << 40); v = v * 3 / 2 + 1) {
		unsigned s = scxtop_lat_slot(v);

		assert_true(s < SCXTOP_LAT_SLOTS);
		scxtop_lat_slot_bounds(s, &lo, &hi);
		assert_true(lo <= v);
		assert_true(v < hi);
	}
	assert_int_equal(scxtop_lat_slot(0), 0);
	assert_int_equal(scxtop_lat_slot(63), 0);
	assert_int_equal(scxtop_lat_slot(64), 1);
	assert_int_equal(scxtop_lat_slot(80), 2);
	assert_int_equal(scxtop_lat_slot(127), 4);
	assert_int_equal(scxtop_lat_slot(128), 5);
	assert_int_equal(scxtop_lat_slot(1ull << 36), SCXTOP_LAT_SLOTS - 1);
	/* slots are contiguous: each slot's hi is the next slot's lo */
	for (unsigned s = 0; s + 1 < 1 + (SCXTOP_LAT_MAX_SHIFT - SCXTOP_LAT_MIN_SHIFT + 1) * 4; s++) {
		uint64_t lo2, hi2;

		scxtop_lat_slot_bounds(s, &lo, &hi);
		scxtop_lat_slot_bounds(s + 1, &lo2, &hi2);
		assert_int_equal(hi, lo2);
	}
}

static void lat_percentile__known_histograms(void **state)
{
	uint32_t hist[SCXTOP_LAT_SLOTS] = {0};
	uint64_t lo, hi, p50;

	assert_int_equal(scxtop_lat_percentile(hist, 50, 0, 0), 0);
	/* 100 samples all of 1000 ns: every percentile lies in 1000's slot, clamped to [min,max]. */
	hist[scxtop_lat_slot(1000)] = 100;
	assert_int_equal(scxtop_lat_percentile(hist, 50, 1000, 1000), 1000);
	assert_int_equal(scxtop_lat_percentile(hist, 99, 1000, 1000), 1000);
	/* 90 fast (~1 us) and 10 slow (~1 ms): p50 near 1 us, p99 near 1 ms. */
	memset(hist, 0, sizeof(hist));
	hist[scxtop_lat_slot(1000)] = 90;
	hist[scxtop_lat_slot(1000000)] = 10;
	p50 = scxtop_lat_percentile(hist, 50, 900, 1100000);
	scxtop_lat_slot_bounds(scxtop_lat_slot(1000), &lo, &hi);
	assert_true(p50 >= lo && p50 < hi);
	scxtop_lat_slot_bounds(scxtop_lat_slot(1000000), &lo, &hi);
	uint64_t p99 = scxtop_lat_percentile(hist, 99, 900, 1100000);
	assert_true(p99 >= lo && p99 < hi);
	/* p90 is the 90th sample: still the fast slot; p91 the slow one. */
	assert_true(scxtop_lat_percentile(hist, 90, 900, 1100000) < 2000);
	assert_true(scxtop_lat_percentile(hist, 91, 900, 1100000) >= lo);
}

static void event_names__x_macro_table(void **state)
{
	assert_string_equal(scxtop_event_name(SCXTOP_EV_SWITCH), "sched_switch");
	assert_string_equal(scxtop_event_name(SCXTOP_EV_MIGRATE), "sched_migrate_task");
	assert_string_equal(scxtop_event_name(SCXTOP_EV_RENAME), "task_rename");
	assert_string_equal(scxtop_event_name(999), "unknown");
}

/* ---- live: real BPF on this kernel ---- */

struct seen {
	unsigned long switches_to_ping, wakings_of_ping, sleeps_of_ping, bad_size, other;
	unsigned long types[SCXTOP_EV_MAX];
	uint64_t last_ts;
	bool ts_monotonic_per_cpu_ok;
};

static int on_event(void *ctx, const struct scxtop_event *ev, size_t size)
{
	struct seen *s = ctx;

	if (size != ev->hdr.size || ev->hdr.type >= SCXTOP_EV_MAX || ev->hdr.type == 0) {
		s->bad_size++;
		return 0;
	}
	s->types[ev->hdr.type]++;
	if (ev->hdr.type == SCXTOP_EV_SWITCH) {
		if (!strcmp(ev->sw.next_comm, "scx-ping"))
			s->switches_to_ping++;
		if (!strcmp(ev->sw.prev_comm, "scx-ping") && ev->sw.prev_state == 0x1)
			s->sleeps_of_ping++;
	} else if (ev->hdr.type == SCXTOP_EV_WAKING && !strcmp(ev->wake.comm, "scx-ping")) {
		s->wakings_of_ping++;
	}
	return 0;
}

struct pingpong {
	int a[2], b[2];
	int rounds;
	volatile int done;	/* threads stay alive until the test has read their stats */
};

static void *ping(void *arg)
{
	struct pingpong *pp = arg;
	char c = 'x';

	prctl(PR_SET_NAME, "scx-ping");
	for (int i = 0; i < pp->rounds; i++) {
		if (write(pp->a[1], &c, 1) != 1 || read(pp->b[0], &c, 1) != 1)
			break;
	}
	while (!pp->done)
		usleep(1000);
	return NULL;
}

static void *pong(void *arg)
{
	struct pingpong *pp = arg;
	char c;

	prctl(PR_SET_NAME, "scx-pong");
	for (int i = 0; i < pp->rounds; i++) {
		if (read(pp->a[0], &c, 1) != 1 || write(pp->b[1], &c, 1) != 1)
			break;
	}
	while (!pp->done)
		usleep(1000);
	return NULL;
}

static volatile int busy_stop;

static void *busy(void *arg)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET((int)(long)arg, &set);
	sched_setaffinity(0, sizeof(set), &set);
	prctl(PR_SET_NAME, "scx-busy");
	while (!busy_stop)
		;
	return NULL;
}

struct task_find {
	const char *comm;
	struct scxtop_task_rec rec;
	bool found;
};

static void find_task(void *ctx, const struct scxtop_task_rec *r)
{
	struct task_find *f = ctx;

	if (!strcmp(r->comm, f->comm)) {
		f->rec = *r;
		f->found = true;
	}
}

static void collector__live_workload__events_and_stats(void **state)
{
	struct seen seen = {0};
	struct collector_opts o = {.aggregate = true, .stream = true, .on_event = on_event, .ctx = &seen};
	struct collector *c = NULL;
	struct scxtop_cpu_stats before[64], after[64];
	struct pingpong pp = {.rounds = 2000};
	pthread_t t1, t2, tb;
	char why[256] = "";
	unsigned ncpu, busy_cpu;
	size_t nprog;
	int err;

	SKIP_UNLESS(geteuid() == 0, "needs root to load BPF");
	SKIP_UNLESS(access("/sys/kernel/btf/vmlinux", R_OK) == 0, "kernel has no BTF");
	err = collector_open(&c, &o, why, sizeof(why));
	if (err)
		fail_msg("collector_open: %s", why);
	ncpu = collector_nr_cpus(c);
	assert_true(ncpu >= 1 && ncpu <= 64);
	busy_cpu = ncpu > 1 ? 1 : 0;

	const struct collector_prog_status *ps = collector_programs(c, &nprog);
	for (size_t i = 0; i < nprog; i++)
		if (ps[i].required)
			assert_int_equal(ps[i].state, COLLECTOR_PROG_ATTACHED);

	collector_read_cpus(c, before, ncpu);
	busy_stop = 0;
	assert_int_equal(pthread_create(&tb, NULL, busy, (void *)(long)busy_cpu), 0);
	assert_int_equal(pipe(pp.a), 0);
	assert_int_equal(pipe(pp.b), 0);
	assert_int_equal(pthread_create(&t2, NULL, pong, &pp), 0);
	assert_int_equal(pthread_create(&t1, NULL, ping, &pp), 0);
	uint64_t t0 = now_mono_ns();
	while (now_mono_ns() - t0 < 400000000ull)
		collector_poll(c, 20);

	struct task_find fb = {.comm = "scx-busy"}, fp = {.comm = "scx-ping"};
	assert_int_equal(collector_read_tasks(c, find_task, &fb), 0);
	assert_int_equal(collector_read_tasks(c, find_task, &fp), 0);
	busy_stop = 1;
	pp.done = 1;
	pthread_join(tb, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	collector_read_cpus(c, after, ncpu);
	collector_drain(c);

	/* streamed events */
	assert_int_equal(seen.bad_size, 0);
	assert_true(seen.types[SCXTOP_EV_SWITCH] > 1000);
	assert_true(seen.types[SCXTOP_EV_WAKING] > 500);
	assert_true(seen.switches_to_ping >= 500);
	assert_true(seen.wakings_of_ping >= 500);
	assert_true(seen.sleeps_of_ping >= 500);
	assert_int_equal(collector_dropped(c), 0);

	/* per-CPU statistics: the busy CPU was busy most of the 400 ms */
	uint64_t busy = after[busy_cpu].busy_ns - before[busy_cpu].busy_ns;
	printf("busy cpu %u: %.0f ms busy of ~400 ms; switches %llu\n", busy_cpu, busy / 1e6,
	       (unsigned long long)(after[busy_cpu].nr_switches - before[busy_cpu].nr_switches));
	assert_true(busy > 200000000ull);
	uint64_t sw = 0, wk = 0, lat = 0;
	for (unsigned i = 0; i < ncpu; i++) {
		sw += after[i].nr_switches - before[i].nr_switches;
		wk += after[i].nr_wakeups - before[i].nr_wakeups;
		lat += after[i].lat_samples - before[i].lat_samples;
	}
	assert_true(sw > 1000);
	assert_true(wk > 500);
	assert_true(lat > 500);

	/* per-task statistics from the iterator */
	assert_true(fb.found);
	printf("scx-busy runtime %.0f ms on cpu %d\n", fb.rec.st.runtime_ns / 1e6, fb.rec.st.last_cpu);
	/* The CPU may be shared with other load: at least a fair share, never more than wall time. */
	uint64_t wall = now_mono_ns() - t0;
	assert_true(fb.rec.st.runtime_ns > 50000000ull);
	assert_true(fb.rec.st.runtime_ns <= wall + 10000000ull);
	assert_int_equal(fb.rec.st.last_cpu, (int)busy_cpu);
	assert_true(fp.found);
	assert_true(fp.rec.st.nr_wakeups >= 500);
	assert_true(fp.rec.st.lat_samples >= 500);
	assert_true(fp.rec.st.lat_min_ns <= fp.rec.st.lat_max_ns);
	uint64_t p50 = scxtop_lat_percentile(fp.rec.st.lat_hist, 50, fp.rec.st.lat_min_ns,
					     fp.rec.st.lat_max_ns);
	printf("scx-ping wakeup latency p50 %llu ns (min %llu, max %llu, %llu samples)\n",
	       (unsigned long long)p50, (unsigned long long)fp.rec.st.lat_min_ns,
	       (unsigned long long)fp.rec.st.lat_max_ns, (unsigned long long)fp.rec.st.lat_samples);
	assert_true(p50 >= fp.rec.st.lat_min_ns && p50 <= fp.rec.st.lat_max_ns);
	assert_string_equal(fp.rec.leader_comm, "test_collector");

	/* streaming off: nothing more arrives */
	collector_set_stream(c, false, 0);
	collector_drain(c);
	memset(&seen, 0, sizeof(seen));
	usleep(50000);
	collector_poll(c, 10);
	assert_int_equal(seen.types[SCXTOP_EV_SWITCH], 0);
	collector_close(c);
	close(pp.a[0]);
	close(pp.a[1]);
	close(pp.b[0]);
	close(pp.b[1]);
}

/* Latency min/max per sampling window: tagged with the epoch they belong to. */
static void collector__epoch_windows__min_max_per_window(void **state)
{
	struct collector_opts o = {.aggregate = true};
	struct collector *c = NULL;
	struct pingpong pp = {.rounds = 300};
	struct task_find fp = {.comm = "scx-ping"};
	pthread_t t1, t2;
	char why[256] = "";
	uint32_t e0, e1;

	SKIP_UNLESS(geteuid() == 0, "needs root to load BPF");
	SKIP_UNLESS(access("/sys/kernel/btf/vmlinux", R_OK) == 0, "kernel has no BTF");
	if (collector_open(&c, &o, why, sizeof(why)))
		fail_msg("collector_open: %s", why);
	e0 = collector_epoch_advance(c);
	assert_int_equal(pipe(pp.a), 0);
	assert_int_equal(pipe(pp.b), 0);
	assert_int_equal(pthread_create(&t2, NULL, pong, &pp), 0);
	assert_int_equal(pthread_create(&t1, NULL, ping, &pp), 0);
	usleep(200000);
	assert_int_equal(collector_read_tasks(c, find_task, &fp), 0);
	e1 = collector_epoch_advance(c);
	assert_int_equal(e1, e0 + 1);
	assert_true(fp.found);
	/* every latency sample of scx-ping fell in window e1 */
	assert_int_equal(fp.rec.st.win_epoch, e1);
	assert_int_equal(fp.rec.st.win_lat_min_ns, fp.rec.st.lat_min_ns);
	assert_int_equal(fp.rec.st.win_lat_max_ns, fp.rec.st.lat_max_ns);
	pp.done = 1;
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	collector_close(c);
	for (int i = 0; i < 2; i++) {
		close(pp.a[i]);
		close(pp.b[i]);
	}
}

/*
 * Statistics-only mode: busy + idle time of every CPU adds up to the wall time
 * while thousands of switches happen, switch times are CLOCK_BOOTTIME (never
 * ahead of a later clock read), and the wakeup latencies are plausible.
 */
static void collector__aggregate_clock__busy_plus_idle_is_wall_time(void **state)
{
	struct collector_opts o = {.aggregate = true};
	struct collector *c = NULL;
	struct scxtop_cpu_stats before[64], after[64];
	struct pingpong pp = {.rounds = 5000};
	struct task_find fp = {.comm = "scx-ping"};
	pthread_t t1, t2;
	char why[256] = "";
	uint64_t t0, t1_ns;
	unsigned ncpu;

	SKIP_UNLESS(geteuid() == 0, "needs root to load BPF");
	SKIP_UNLESS(access("/sys/kernel/btf/vmlinux", R_OK) == 0, "kernel has no BTF");
	if (collector_open(&c, &o, why, sizeof(why)))
		fail_msg("collector_open: %s", why);
	ncpu = collector_nr_cpus(c);
	assert_true(ncpu >= 1 && ncpu <= 64);
	assert_int_equal(pipe(pp.a), 0);
	assert_int_equal(pipe(pp.b), 0);
	assert_int_equal(pthread_create(&t2, NULL, pong, &pp), 0);
	assert_int_equal(pthread_create(&t1, NULL, ping, &pp), 0);
	usleep(20000); /* every CPU has switched */
	t0 = now_boot_ns();
	collector_read_cpus(c, before, ncpu);
	usleep(300000);
	collector_read_cpus(c, after, ncpu);
	t1_ns = now_boot_ns();
	assert_int_equal(collector_read_tasks(c, find_task, &fp), 0);
	pp.done = 1;
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);

	for (unsigned i = 0; i < ncpu; i++) {
		uint64_t acc =
		    after[i].busy_ns + after[i].idle_ns - before[i].busy_ns - before[i].idle_ns;
		uint64_t switches = after[i].nr_switches - before[i].nr_switches;
		int64_t off = (int64_t)acc - (int64_t)(t1_ns - t0);

		printf("cpu %u: busy+idle %.3f ms over %.3f ms of wall time, %llu switches\n", i,
		       acc / 1e6, (t1_ns - t0) / 1e6, (unsigned long long)switches);
		if (!before[i].last_switch_ts)
			continue; /* a CPU that never switched accounts nothing */
		/* switch times are BOOTTIME: never ahead of a later clock read */
		assert_true(after[i].last_switch_ts <= t1_ns);
		/* both readings were taken inside [t0, t1_ns] */
		assert_true(acc <= t1_ns - t0);
		assert_true(off > -1000000);
	}
	assert_true(fp.found);
	assert_true(fp.rec.st.lat_samples >= 500);
	printf("scx-ping: %llu wakeups, latency min %llu ns, max %llu ns\n",
	       (unsigned long long)fp.rec.st.lat_samples, (unsigned long long)fp.rec.st.lat_min_ns,
	       (unsigned long long)fp.rec.st.lat_max_ns);
	assert_true(fp.rec.st.lat_max_ns < 1000000000ull);
	assert_true(fp.rec.st.lat_total_ns / fp.rec.st.lat_samples > 100);
	collector_close(c);
	for (int i = 0; i < 2; i++) {
		close(pp.a[i]);
		close(pp.b[i]);
	}
}

static void collector__bad_ringbuf_size__einval_with_reason(void **state)
{
	struct collector_opts o = {.ringbuf_bytes = 12345};
	struct collector *c = NULL;
	char why[256] = "";

	assert_int_equal(collector_open(&c, &o, why, sizeof(why)), -EINVAL);
	assert_null(c);
	assert_non_null(strstr(why, "power of two"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lat_slot__bounds_contain_value__every_octave),
		cmocka_unit_test(lat_percentile__known_histograms),
		cmocka_unit_test(event_names__x_macro_table),
		cmocka_unit_test(collector__live_workload__events_and_stats),
		cmocka_unit_test(collector__epoch_windows__min_max_per_window),
		cmocka_unit_test(collector__aggregate_clock__busy_plus_idle_is_wall_time),
		cmocka_unit_test(collector__bad_ringbuf_size__einval_with_reason),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("collector", tests, NULL, NULL);
}
