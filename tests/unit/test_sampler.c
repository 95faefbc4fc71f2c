// SPDX-License-Identifier: GPL-2.0
/*
 * The live path end to end (root + BTF): sampler readings → snapshots, with a
 * waker pinned to CPU 0 and a wakee pinned to CPU 1, so every wakeup crosses
 * CPUs. The in-kernel pairing (per-task latency, the wakee CPU's histogram)
 * and the user-space pairing of the event stream must agree.
 */
#include "test_common.h"

#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>

#include "top/live/collector.h"
#include "top/live/events.h"
#include "top/live/sampler.h"

struct pingpong {
	int a[2], b[2];
	int rounds;
	volatile int done;
};

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void *waker(void *arg)
{
	struct pingpong *pp = arg;
	char c = 'x';

	pin(0);
	prctl(PR_SET_NAME, "scx-waker");
	for (int i = 0; i < pp->rounds; i++)
		if (write(pp->a[1], &c, 1) != 1 || read(pp->b[0], &c, 1) != 1)
			break;
	while (!pp->done)
		usleep(1000);
	return NULL;
}

static void *wakee(void *arg)
{
	struct pingpong *pp = arg;
	char c;

	pin(1);
	prctl(PR_SET_NAME, "scx-wakee");
	for (int i = 0; i < pp->rounds; i++)
		if (read(pp->a[0], &c, 1) != 1 || write(pp->b[1], &c, 1) != 1)
			break;
	while (!pp->done)
		usleep(1000);
	return NULL;
}

struct stream {
	struct event_log log;
	uint64_t wakee_switch_ins;
};

static int on_event(void *ctx, const struct scxtop_event *ev, size_t size)
{
	event_log_add(&((struct stream *)ctx)->log, ev, size);
	return 0;
}

static const struct stats_thread *find_comm(const struct stats_snapshot *s, const char *comm)
{
	for (size_t i = 0; i < s->nr_threads; i++)
		if (!strcmp(s->threads[i].comm, comm))
			return &s->threads[i];
	return NULL;
}

static void sampler__cross_cpu_wakeups__kernel_and_stream_pairing_agree(void **state)
{
	struct stream st;
	struct sampler_opts so = {.stream = true, .on_event = on_event, .ctx = &st};
	struct sampler *smp = NULL;
	struct stats_raw r0, r1;
	struct stats_snapshot s;
	struct pingpong pp = {.rounds = 3000};
	pthread_t t1, t2;
	char why[512];
	uint64_t stream_pairs = 0, stream_wakee_lat = 0;

	SKIP_UNLESS(geteuid() == 0, "needs root to load BPF");
	SKIP_UNLESS(access("/sys/kernel/btf/vmlinux", R_OK) == 0, "kernel has no BTF");
	SKIP_UNLESS(sysconf(_SC_NPROCESSORS_ONLN) >= 2, "needs two online CPUs");
	event_log_init(&st.log, 1 << 16, 50000000ull);
	if (sampler_open(&smp, &so, why, sizeof(why)))
		fail_msg("sampler_open: %s", why);
	collector_set_stream(sampler_collector(smp), true,
			     (1u << SCXTOP_EV_SWITCH) | (1u << SCXTOP_EV_WAKING) |
				     (1u << SCXTOP_EV_WAKEUP_NEW) | (1u << SCXTOP_EV_EXIT) |
				     (1u << SCXTOP_EV_EXEC) | (1u << SCXTOP_EV_FREE));
	stats_raw_init(&r0, 0);
	stats_raw_init(&r1, 0);
	stats_snapshot_init(&s);
	assert_int_equal(pipe(pp.a), 0);
	assert_int_equal(pipe(pp.b), 0);
	/* the threads exist before the first reading: their counters start at 0 there */
	assert_int_equal(pthread_create(&t2, NULL, wakee, &pp), 0);
	assert_int_equal(pthread_create(&t1, NULL, waker, &pp), 0);
	assert_int_equal(sampler_read(smp, &r0, true, false), 0);
	for (int i = 0; i < 60; i++) {
		collector_poll(sampler_collector(smp), 10);
	}
	assert_int_equal(sampler_read(smp, &r1, true, false), 0);
	collector_drain(sampler_collector(smp));
	pp.done = 1;
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	event_log_flush(&st.log);
	stats_snapshot_build(&s, sampler_topology(smp), &r0, &r1);

	const struct stats_thread *we = find_comm(&s, "scx-wakee");
	const struct stats_thread *wr = find_comm(&s, "scx-waker");

	assert_non_null(we);
	assert_non_null(wr);
	printf("wakee: %llu switches, %llu wakeups, latency %llu samples p50 %llu p99 %llu ns on "
	       "cpu %d; cpu1 %llu samples\n",
	       (unsigned long long)we->nr_switches, (unsigned long long)we->nr_wakeups,
	       (unsigned long long)we->latency.samples, (unsigned long long)we->latency.p50_ns,
	       (unsigned long long)we->latency.p99_ns, we->last_cpu,
	       (unsigned long long)s.cpus[1].latency.samples);
	assert_int_equal(we->last_cpu, 1);
	assert_int_equal(wr->last_cpu, 0);
	assert_true(we->nr_wakeups >= 1000);
	assert_true(we->latency.samples >= 1000);
	assert_true(we->latency.min_ns <= we->latency.p50_ns);
	assert_true(we->latency.p50_ns <= we->latency.p99_ns);
	assert_true(we->latency.p99_ns <= we->latency.max_ns);
	/* every wakee latency sample was recorded on CPU 1, where it ran */
	assert_true(s.cpus[1].latency.samples >= we->latency.samples);
	assert_true(s.cpus[1].nr_wakeups >= we->nr_wakeups / 2);
	assert_true(s.cpus[0].nr_switches > 0 && s.cpus[1].nr_switches > 0);

	/* the stream's pairing of the same wakeups: counted the same way */
	for (size_t i = 0; i < st.log.count; i++) {
		const struct ev_entry *e = event_log_get(&st.log, i);

		if (e->ev.hdr.type == SCXTOP_EV_SWITCH && !strcmp(e->ev.sw.next_comm, "scx-wakee") &&
		    e->ev.hdr.ts > r0.ts_ns && e->ev.hdr.ts <= r1.ts_ns && e->lat_ns) {
			stream_pairs++;
			stream_wakee_lat += e->lat_ns;
			assert_int_equal(e->ev.hdr.cpu, 1);
		}
	}
	printf("stream: %llu wakee pairs, avg %llu ns; kernel avg %llu ns; dropped %llu\n",
	       (unsigned long long)stream_pairs,
	       (unsigned long long)(stream_pairs ? stream_wakee_lat / stream_pairs : 0),
	       (unsigned long long)we->latency.avg_ns, (unsigned long long)s.dropped);
	if (!s.dropped) {
		/* window edges can move a handful of pairs across the readings */
		assert_true(stream_pairs + 20 >= we->latency.samples);
		assert_true(stream_pairs <= we->latency.samples + 20);
		double ka = (double)we->latency.avg_ns, sa = (double)stream_wakee_lat / stream_pairs;

		assert_true(sa > ka * 0.8 && sa < ka * 1.25);
	}
	stats_snapshot_release(&s);
	stats_raw_release(&r0);
	stats_raw_release(&r1);
	sampler_close(smp);
	event_log_release(&st.log);
	for (int i = 0; i < 2; i++) {
		close(pp.a[i]);
		close(pp.b[i]);
	}
}

static void sampler__programs__every_core_program_listed(void **state)
{
	struct sampler *smp = NULL;
	const struct stats_prog *p;
	char why[512];
	size_t n;
	bool sw = false;

	SKIP_UNLESS(geteuid() == 0, "needs root to load BPF");
	SKIP_UNLESS(access("/sys/kernel/btf/vmlinux", R_OK) == 0, "kernel has no BTF");
	if (sampler_open(&smp, NULL, why, sizeof(why)))
		fail_msg("sampler_open: %s", why);
	p = sampler_programs(smp, &n);
	assert_true(n >= 14);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(p[i].name, "on_sched_switch"))
			sw = !strcmp(p[i].state, "attached");
		if (p[i].required)
			assert_string_equal(p[i].state, "attached");
		assert_true(!strcmp(p[i].state, "failed") == (p[i].error != NULL));
	}
	assert_true(sw);
	sampler_close(smp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sampler__cross_cpu_wakeups__kernel_and_stream_pairing_agree),
		cmocka_unit_test(sampler__programs__every_core_program_listed),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("sampler", tests, NULL, NULL);
}
