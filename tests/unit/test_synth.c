// SPDX-License-Identifier: GPL-2.0
/* The synthetic scheduler stream: deterministic and self-consistent. */
#include "test_common.h"

#include "top/trace/synth.h"

static void synth__same_seed__same_stream(void **state)
{
	struct synth_opts o = SYNTH_OPTS_INIT;
	struct synth a, b;
	struct sched_event x, y;
	int i;

	o.seed = 3;
	synth_init(&a, &o);
	synth_init(&b, &o);
	for (i = 0; i < 10000; i++) {
		synth_next(&a, &x);
		synth_next(&b, &y);
		assert_memory_equal(&x, &y, sizeof(x));
	}
	synth_release(&a);
	o.seed = 4;
	synth_init(&a, &o);
	synth_next(&a, &x);
	synth_next(&b, &y);
	assert_true(memcmp(&x, &y, sizeof(x)) != 0);
	synth_release(&a);
	synth_release(&b);
}

/* Per CPU, a switch's prev is the previous switch's next; time never goes back. */
static void synth__switch_chains__consistent(void **state)
{
	struct synth_opts o = SYNTH_OPTS_INIT;
	int32_t last_next[8];
	bool seen[8] = {false};
	uint64_t last_ts = 0, kinds[SCHED_EV_NR_KINDS] = {0};
	struct sched_event ev;
	struct synth s;
	int i;

	o.nr_cpus = 8;
	o.dsq = true;
	synth_init(&s, &o);
	for (i = 0; i < 200000; i++) {
		synth_next(&s, &ev);
		assert_true(ev.ts >= last_ts);
		assert_true(ev.cpu < 8);
		last_ts = ev.ts;
		kinds[ev.kind]++;
		if (ev.kind != SCHED_EV_SWITCH)
			continue;
		if (seen[ev.cpu])
			assert_int_equal(ev.sw.prev.tid, last_next[ev.cpu]);
		assert_int_equal(ev.pid, ev.sw.prev.tid);
		assert_true(ev.sw.prev.tid != ev.sw.next.tid || ev.sw.prev.tid == 0);
		last_next[ev.cpu] = ev.sw.next.tid;
		seen[ev.cpu] = true;
	}
	/* every kind the generator knows shows up */
	assert_true(kinds[SCHED_EV_SWITCH] > 40000);
	assert_true(kinds[SCHED_EV_WAKING] > 25000);
	assert_true(kinds[SCHED_EV_NEWTASK] > 0);
	assert_int_equal(kinds[SCHED_EV_NEWTASK], kinds[SCHED_EV_WAKEUP_NEW]);
	assert_true(kinds[SCHED_EV_EXIT] > 0);
	assert_true(kinds[SCHED_EV_FREE] > 0);
	assert_true(kinds[SCHED_EV_EXEC] > 0);
	assert_true(kinds[SCHED_EV_MIGRATE] > 0);
	assert_int_equal(kinds[SCHED_EV_SOFTIRQ_ENTRY], kinds[SCHED_EV_SOFTIRQ_EXIT]);
	assert_true(kinds[SCHED_EV_CPU_FREQ] > 0);
	assert_true(kinds[SCHED_EV_DSQ] > 0);
	synth_release(&s);
}

static void synth__switches_only__nothing_else(void **state)
{
	struct synth_opts o = SYNTH_OPTS_INIT;
	struct sched_event ev;
	struct synth s;
	int i;

	o.switches_only = true;
	synth_init(&s, &o);
	for (i = 0; i < 50000; i++) {
		synth_next(&s, &ev);
		assert_int_equal(ev.kind, SCHED_EV_SWITCH);
	}
	synth_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(synth__same_seed__same_stream),
		cmocka_unit_test(synth__switch_chains__consistent),
		cmocka_unit_test(synth__switches_only__nothing_else),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("synth", tests, NULL, NULL);
}
