// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"
#include "stats_fixture.h"

#include <jansson.h>
#include <math.h>

#include "common/json_writer.h"
#include "common/strbuf.h"
#include "top/live/collector.h"
#include "top/live/stats.h"
#include "top/live/topology.h"


static struct topology topo64, topo_off;

static int setup(void **state)
{
	if (topology_load(&topo64, test_data_path("topology/2node-4llc-64cpu")))
		return -1;
	if (topology_load(&topo_off, test_data_path("topology/offline")))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	topology_release(&topo64);
	topology_release(&topo_off);
	return 0;
}

static void stats__per_cpu_to_llc_and_node__sums_and_merged_latency(void **state)
{
	struct stats_raw r;
	struct stats_snapshot s;

	stats_raw_init(&r, 64);
	r.start_ns = 1000;
	r.ts_ns = 1000 + 1000000000ull;
	for (unsigned i = 0; i < 64; i++) {
		r.cpus[i].nr_switches = 10 + i;
		r.cpus[i].nr_wakeups = 2;
		r.cpus[i].nr_migrations_in = 1;
		r.cpus[i].busy_ns = 250000000;
		r.cpus[i].idle_ns = 750000000;
	}
	/* LLC 1 = CPUs 8-15 and 40-47: two latency populations */
	ADD_LAT(&r.cpus[8], 1000, 90);
	ADD_LAT(&r.cpus[40], 1000000, 10);
	stats_snapshot_init(&s);
	stats_snapshot_build(&s, &topo64, NULL, &r);

	assert_true(s.since_start);
	assert_int_equal(s.interval_ns, 1000000000ull);
	assert_int_equal(s.nr_cpus, 64);
	assert_int_equal(s.nr_llcs, 4);
	assert_int_equal(s.nr_nodes, 2);
	assert_int_equal(s.cpus[40].llc_id, 1);
	assert_int_equal(s.cpus[40].node_id, 0);
	assert_true(fabs(s.cpus[3].busy_pct - 25.0) < 1e-9);

	const struct stats_group *l1 = &s.llcs[1];
	uint64_t want = 0;

	for (unsigned k = 0; k < l1->nr_cpus; k++)
		want += 10 + (unsigned)l1->cpus[k];
	assert_int_equal(l1->id, 1);
	assert_int_equal(l1->nr_cpus, 16);
	assert_int_equal(l1->nr_switches, want);
	assert_int_equal(l1->nr_wakeups, 32);
	assert_int_equal(l1->nr_migrations, 16);
	assert_true(fabs(l1->busy_pct - 25.0) < 1e-9);
	/* merged latency: 100 samples, min 1 us, max 1 ms, p50 ~1 us, p99 ~1 ms */
	assert_int_equal(l1->latency.samples, 100);
	assert_int_equal(l1->latency.min_ns, 1000);
	assert_int_equal(l1->latency.max_ns, 1000000);
	assert_int_equal(l1->latency.total_ns, 90 * 1000 + 10 * 1000000ull);
	assert_int_equal(l1->latency.avg_ns, (90 * 1000 + 10 * 1000000ull) / 100);
	assert_true(l1->latency.p50_ns >= 1000 && l1->latency.p50_ns < 1200);
	assert_true(l1->latency.p90_ns < 1200);	/* the 90th sample is still fast */
	assert_true(l1->latency.p99_ns > 800000 && l1->latency.p99_ns <= 1000000);
	/* other LLCs saw no latency */
	assert_int_equal(s.llcs[0].latency.samples, 0);
	assert_int_equal(s.llcs[0].latency.p99_ns, 0);
	/* nodes: node 0 = LLCs 0 and 1 */
	assert_int_equal(s.nodes[0].nr_switches, s.llcs[0].nr_switches + s.llcs[1].nr_switches);
	assert_int_equal(s.nodes[1].nr_switches, s.llcs[2].nr_switches + s.llcs[3].nr_switches);
	assert_int_equal(s.nodes[0].latency.samples, 100);
	assert_int_equal(s.total.nr_switches, s.nodes[0].nr_switches + s.nodes[1].nr_switches);
	assert_int_equal(s.total.nr_cpus, 64);
	stats_snapshot_release(&s);
	stats_raw_release(&r);
}

static void stats__consecutive_readings__deltas_and_window_extremes(void **state)
{
	struct stats_raw a, b;
	struct stats_snapshot s;

	stats_raw_init(&a, 64);
	a.ts_ns = 5000000000ull;
	a.epoch = 7;
	a.cpus[0].nr_switches = 100;
	ADD_LAT(&a.cpus[0], 500, 10);	/* old samples: cumulative min 500 */
	a.cpus[0].lat_max_ns = 9000000;
	stats_raw_init(&b, 64);
	stats_raw_copy(&b, &a);
	b.ts_ns = a.ts_ns + 250000000ull;
	b.epoch = 8;
	b.cpus[0].nr_switches = 130;
	ADD_LAT(&b.cpus[0], 20000, 4);
	b.cpus[0].win_epoch = 8;
	b.cpus[0].win_lat_min_ns = 19000;
	b.cpus[0].win_lat_max_ns = 21000;

	stats_snapshot_init(&s);
	stats_snapshot_build(&s, &topo64, &a, &b);
	assert_false(s.since_start);
	assert_int_equal(s.interval_ns, 250000000ull);
	assert_int_equal(s.cpus[0].nr_switches, 30);
	assert_int_equal(s.cpus[0].latency.samples, 4);
	assert_int_equal(s.cpus[0].latency.total_ns, 80000);
	/* exact window extremes, not the cumulative 500 ns / 9 ms */
	assert_int_equal(s.cpus[0].latency.min_ns, 19000);
	assert_int_equal(s.cpus[0].latency.max_ns, 21000);
	assert_true(s.cpus[0].latency.p50_ns >= 19000 && s.cpus[0].latency.p50_ns <= 21000);

	/* not consecutive (epoch gap): estimated inside the histogram slot, clamped */
	b.epoch = 9;
	stats_snapshot_build(&s, &topo64, &a, &b);
	uint64_t lo, hi;

	scxtop_lat_slot_bounds(scxtop_lat_slot(20000), &lo, &hi);
	assert_int_equal(s.cpus[0].latency.min_ns, lo);
	assert_int_equal(s.cpus[0].latency.max_ns, hi - 1);

	/* a window tagged with an older epoch means no sample belongs to it */
	b.epoch = 8;
	b.cpus[0].win_epoch = 7;
	stats_snapshot_build(&s, &topo64, &a, &b);
	assert_int_equal(s.cpus[0].latency.min_ns, lo);

	/* counters that went back (collector restarted) count from zero */
	b.cpus[0].nr_switches = 5;
	stats_snapshot_build(&s, &topo64, &a, &b);
	assert_int_equal(s.cpus[0].nr_switches, 5);
	stats_snapshot_release(&s);
	stats_raw_release(&a);
	stats_raw_release(&b);
}

static void stats__offline_cpu__no_util_no_group(void **state)
{
	struct stats_raw a, b;
	struct stats_snapshot s;

	stats_raw_init(&a, 8);
	a.proc = xcalloc(8, sizeof(*a.proc));
	stats_raw_init(&b, 8);
	b.proc = xcalloc(8, sizeof(*b.proc));
	assert_int_equal(procstat_read(test_data_path("procstat/offline.stat"), a.proc, 8), 0);
	assert_int_equal(procstat_read(test_data_path("procstat/offline-later.stat"), b.proc, 8), 0);
	b.ts_ns = 1000000000;
	b.cpus[7].nr_switches = 3;
	stats_snapshot_init(&s);
	stats_snapshot_build(&s, &topo_off, &a, &b);
	assert_int_equal(s.nr_cpus, 8);
	assert_int_equal(s.nr_online, 6);
	assert_false(s.cpus[3].online);
	assert_false(s.cpus[3].proc_valid);
	assert_int_equal(s.cpus[3].llc_id, -1);
	assert_true(s.cpus[0].proc_valid);
	assert_true(fabs(s.cpus[0].util_pct - 100.0 * 110 / 190) < 1e-9);
	assert_true(fabs(s.cpus[2].util_pct - 100.0) < 1e-9);
	assert_true(s.cpus[5].isolated);
	/* CPU 7 is CPU 7: its counters did not slide onto CPU 6 */
	assert_int_equal(s.cpus[7].nr_switches, 3);
	assert_int_equal(s.cpus[6].nr_switches, 0);
	/* LLC 0 = CPUs 0,1,2 online: mean of 57.9, 0, 100 */
	assert_int_equal(s.llcs[0].nr_cpus, 3);
	assert_true(fabs(s.llcs[0].util_pct - (100.0 * 110 / 190 + 0 + 100) / 3) < 1e-9);
	assert_true(fabs(s.llcs[0].util_max_pct - 100.0) < 1e-9);
	assert_true(fabs(s.llcs[0].util_min_pct - 0.0) < 1e-9);
	assert_int_equal(s.total.nr_cpus, 6);
	stats_snapshot_release(&s);
	stats_raw_release(&a);
	stats_raw_release(&b);
}

static struct scxtop_task_rec *add_task(struct stats_raw *r, int tid, int tgid, const char *comm,
					const char *leader, uint64_t runtime, uint64_t switches)
{
	struct scxtop_task_rec *t = stats_raw_add_task(r);

	t->pid = tid;
	t->tgid = tgid;
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
	snprintf(t->leader_comm, sizeof(t->leader_comm), "%s", leader);
	t->st.runtime_ns = runtime;
	t->st.nr_switches = switches;
	t->st.last_cpu = 8;
	return t;
}

static void stats__threads_to_processes__grouped_by_tgid(void **state)
{
	struct stats_raw a, b;
	struct stats_snapshot s;
	struct scxtop_task_rec *t;

	stats_raw_init(&a, 64);
	stats_raw_init(&b, 64);
	a.have_tasks = b.have_tasks = true;
	a.ts_ns = 1000000000;
	b.ts_ns = 2000000000;
	add_task(&a, 100, 100, "db", "db", 1000, 10);
	add_task(&a, 101, 100, "db-worker", "db", 5000, 20);
	add_task(&a, 300, 300, "old", "old", 900000000, 5);	/* tid 300 exits, then reused */
	add_task(&b, 100, 100, "db", "db", 1000, 10);	/* idle this interval */
	t = add_task(&b, 101, 100, "db-worker", "db", 5000 + 600000000, 120);
	t->st.last_cpu = 50;
	ADD_LAT(&t->st, 3000, 100);
	t = add_task(&b, 102, 100, "db-worker", "db", 300000000, 30);	/* new thread */
	ADD_LAT(&t->st, 6000, 100);
	add_task(&b, 300, 77, "new", "shell", 1000000, 2);	/* recycled tid, new tgid */
	add_task(&b, 200, 200, "busy", "busy", 1000000000, 1);

	stats_snapshot_init(&s);
	stats_snapshot_build(&s, &topo64, &a, &b);
	assert_int_equal(s.nr_threads, 5);
	assert_int_equal(s.nr_processes, 3);	/* 77, 100, 200 */
	/* sorted by pid, then tid */
	assert_int_equal(s.processes[0].pid, 77);
	assert_int_equal(s.processes[1].pid, 100);
	assert_int_equal(s.threads[1].tid, 100);
	assert_int_equal(s.threads[2].tid, 101);
	assert_int_equal(s.threads[3].tid, 102);

	const struct stats_process *db = stats_find_process(&s, 100);

	assert_non_null(db);
	assert_string_equal(db->comm, "db");
	assert_int_equal(db->nr_threads, 3);
	assert_int_equal(db->first_thread, 1);
	assert_int_equal(db->runtime_ns, 900000000ull);
	assert_int_equal(db->nr_switches, 100 + 30);
	assert_true(fabs(db->cpu_pct - 90.0) < 1e-9);
	/* busiest thread (101) ran on CPU 50: LLC 2, node 1 */
	assert_int_equal(db->last_cpu, 50);
	assert_int_equal(db->llc_id, 2);
	assert_int_equal(db->node_id, 1);
	assert_int_equal(db->latency.samples, 200);
	assert_int_equal(db->latency.min_ns, 3000);
	assert_int_equal(db->latency.max_ns, 6000);
	assert_true(db->latency.p50_ns <= 3500);
	assert_true(db->latency.p90_ns >= 5000);

	const struct stats_thread *recycled = stats_find_thread(&s, 300);

	assert_non_null(recycled);
	assert_int_equal(recycled->pid, 77);
	assert_int_equal(recycled->runtime_ns, 1000000);	/* not 1000000 - 900000000 */
	assert_string_equal(stats_find_process(&s, 77)->comm, "shell");
	assert_null(stats_find_process(&s, 300));
	assert_true(fabs(stats_find_thread(&s, 200)->cpu_pct - 100.0) < 1e-9);
	stats_snapshot_release(&s);
	stats_raw_release(&a);
	stats_raw_release(&b);
}

static void stats__dsqs_and_scx_tasks__fake_sched_ext_data(void **state)
{
	struct stats_raw a, b;
	struct stats_snapshot s;
	struct scxtop_dsq_rec *d;
	struct scxtop_scx_task_rec *x;
	char name[32];

	stats_raw_init(&a, 64);
	stats_raw_init(&b, 64);
	a.have_tasks = b.have_tasks = true;
	a.ts_ns = 1000000000;
	b.ts_ns = 2000000000;
	a.scx_epoch = 3;
	b.scx_epoch = 4;
	b.sched.state = STATS_SCHED_RUNNING;
	snprintf(b.sched.name, sizeof(b.sched.name), "scx_rusty");
	b.sched.collecting = true;
	d = stats_raw_add_dsq(&a);
	d->dsq_id = 0x2a;
	d->st.nr_inserts = 10;
	d->st.nr_dispatches = 10;
	ADD_LAT(&d->st, 2000, 10);
	d = stats_raw_add_dsq(&b);
	d->dsq_id = 0x2a;
	d->st.nr_inserts = 60;
	d->st.nr_dispatches = 58;
	d->st.nr_queued_last = 2;
	d->st.nr_queued_max = 40;
	ADD_LAT(&d->st, 2000, 10);
	ADD_LAT(&d->st, 50000, 48);
	d->st.win_epoch = 4;
	d->st.win_lat_min_ns = 48000;
	d->st.win_lat_max_ns = 52000;
	d->st.win_queued_max = 7;
	d = stats_raw_add_dsq(&b);
	d->dsq_id = SCXTOP_DSQ_GLOBAL;
	d->st.nr_inserts = 3;

	add_task(&a, 10, 10, "game", "game", 0, 0);
	add_task(&b, 10, 10, "game", "game", 1000, 5);
	x = stats_raw_add_scx_task(&b);
	x->pid = 10;
	x->tgid = 10;
	x->st.last_dsq_id = 0x2a;
	x->st.nr_dispatches = 5;
	x->st.slice_total_ns = 5 * 700000;
	x->st.slice_samples = 5;
	ADD_LAT(&x->st, 50000, 5);

	stats_snapshot_init(&s);
	stats_snapshot_build(&s, &topo64, &a, &b);
	assert_int_equal(s.sched.state, STATS_SCHED_RUNNING);
	assert_string_equal(s.sched.name, "scx_rusty");
	assert_int_equal(s.nr_dsqs, 2);
	/* sorted by id: 0x2a before GLOBAL (bit 63) */
	assert_int_equal(s.dsqs[0].dsq_id, 0x2a);
	assert_int_equal(s.dsqs[0].nr_enqueues, 50);
	assert_int_equal(s.dsqs[0].nr_dispatches, 48);
	assert_int_equal(s.dsqs[0].queue_depth, 2);
	assert_int_equal(s.dsqs[0].nr_queued_max, 7);	/* window, not the cumulative 40 */
	assert_int_equal(s.dsqs[0].latency.samples, 48);
	assert_int_equal(s.dsqs[0].latency.min_ns, 48000);
	assert_int_equal(s.dsqs[0].latency.max_ns, 52000);
	assert_string_equal(stats_dsq_name(s.dsqs[1].dsq_id, name, sizeof(name)), "GLOBAL");
	assert_int_equal(s.dsqs[1].nr_enqueues, 3);	/* new DSQ: since start */
	assert_string_equal(stats_dsq_name(SCXTOP_DSQ_LOCAL_ON | 5, name, sizeof(name)), "LOCAL_ON");
	assert_string_equal(stats_dsq_name(SCXTOP_DSQ_LOCAL, name, sizeof(name)), "LOCAL");
	assert_string_equal(stats_dsq_name(0x2a, name, sizeof(name)), "0x2a");

	const struct stats_thread *t = stats_find_thread(&s, 10);

	assert_true(t->has_scx);
	assert_int_equal(t->dsq_id, 0x2a);
	assert_int_equal(t->nr_dispatches, 5);
	assert_int_equal(t->slice_avg_ns, 700000);
	assert_int_equal(t->dsq_latency.samples, 5);
	const struct stats_process *p = stats_find_process(&s, 10);

	assert_true(p->has_scx);
	assert_int_equal(p->dsq_id, 0x2a);
	assert_int_equal(p->dsq_latency.samples, 5);
	assert_int_equal(p->dsq_latency.min_ns, 50000);
	stats_snapshot_release(&s);
	stats_raw_release(&a);
	stats_raw_release(&b);
}

static json_t *snapshot_json(const struct stats_snapshot *s, const struct stats_json_opts *o)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_writer w;
	struct stats_prog progs[] = {
		{"on_sched_switch", "tp_btf/sched_switch", "attached", true, NULL},
		{"on_cpu_frequency", "tp_btf/cpu_frequency", "unavailable", false, NULL},
	};
	json_error_t e;
	json_t *j;

	jw_init(&w, &sb, 0);
	stats_json_snapshot(&w, s, 3, progs, 2, o);
	j = json_loads(sb.buf, 0, &e);
	if (!j)
		fail_msg("invalid JSON (%s): %s", e.text, sb.buf);
	strbuf_release(&sb);
	return j;
}

static void stats_json__shared_stats_names__and_limits(void **state)
{
	struct stats_raw r;
	struct stats_snapshot s;
	struct stats_json_opts o = {.proc_limit = 2, .thread_limit = 1, .active_only = true};
	json_t *j, *cpu0, *lat;

	stats_raw_init(&r, 64);
	r.have_tasks = true;
	r.ts_ns = 2000000000;
	r.start_ns = 1000000000;
	r.cpus[0].nr_switches = 7;
	ADD_LAT(&r.cpus[0], 4000, 2);
	add_task(&r, 1, 1, "init", "init", 10, 1);
	add_task(&r, 2, 2, "idle", "idle", 0, 0);
	add_task(&r, 3, 3, "busy", "busy", 999, 9);
	add_task(&r, 4, 3, "busy-t", "busy", 5, 1);
	stats_snapshot_init(&s);
	stats_snapshot_build(&s, &topo64, NULL, &r);
	j = snapshot_json(&s, &o);

	assert_int_equal(json_integer_value(json_object_get(j, "iteration")), 3);
	assert_true(json_is_true(json_object_get(j, "since_start")));
	assert_int_equal(json_integer_value(json_object_get(j, "interval_ns")), 1000000000);
	cpu0 = json_array_get(json_object_get(json_object_get(j, "cpu"), "cpus"), 0);
	assert_int_equal(json_integer_value(json_object_get(cpu0, "cpu_id")), 0);
	assert_int_equal(json_integer_value(json_object_get(cpu0, "nr_switches")), 7);
	assert_non_null(json_object_get(cpu0, "nr_wakeups"));
	assert_non_null(json_object_get(cpu0, "nr_migrations"));
	assert_true(json_is_null(json_object_get(cpu0, "util_pct")));	/* no /proc/stat */
	lat = json_object_get(cpu0, "latency");
	assert_int_equal(json_integer_value(json_object_get(lat, "avg_ns")), 4000);
	assert_int_equal(json_integer_value(json_object_get(lat, "min_ns")), 4000);
	assert_int_equal(json_integer_value(json_object_get(lat, "max_ns")), 4000);
	assert_int_equal(json_integer_value(json_object_get(lat, "total_ns")), 8000);
	assert_int_equal(json_integer_value(json_object_get(lat, "samples")), 2);
	assert_int_equal(json_integer_value(json_object_get(lat, "p50_ns")), 4000);
	assert_non_null(json_object_get(lat, "p90_ns"));
	assert_non_null(json_object_get(lat, "p99_ns"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "cpu"), "total_cpus")),
			 64);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "llc"), "llcs")), 4);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(json_object_get(json_object_get(j, "llc"), "llcs"), 2),
				 "llc_id")),
			 2);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "node"), "nodes")), 2);

	/* processes: busiest first, idle ones left out (active_only), limit 2 */
	json_t *procs = json_object_get(j, "process");

	assert_int_equal(json_integer_value(json_object_get(procs, "total_processes")), 3);
	assert_int_equal(json_integer_value(json_object_get(procs, "shown")), 2);
	json_t *p0 = json_array_get(json_object_get(procs, "processes"), 0);

	assert_int_equal(json_integer_value(json_object_get(p0, "pid")), 3);
	assert_string_equal(json_string_value(json_object_get(p0, "comm")), "busy");
	assert_int_equal(json_integer_value(json_object_get(p0, "runtime_ns")), 1004);
	assert_int_equal(json_integer_value(json_object_get(p0, "nr_threads")), 2);
	assert_true(json_is_null(json_object_get(p0, "dsq")));
	json_t *t0 = json_array_get(json_object_get(json_object_get(j, "thread"), "threads"), 0);

	assert_int_equal(json_integer_value(json_object_get(t0, "tid")), 3);
	assert_int_equal(json_integer_value(json_object_get(t0, "pid")), 3);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "thread"), "threads")), 1);

	json_t *progs = json_object_get(json_object_get(j, "collector"), "programs");

	assert_int_equal(json_array_size(progs), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(progs, 1), "state")),
			    "unavailable");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(j, "scheduler"), "state")),
		"unsupported");
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "dsq"), "dsqs")), 0);
	json_decref(j);
	stats_snapshot_release(&s);
	stats_raw_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stats__per_cpu_to_llc_and_node__sums_and_merged_latency),
		cmocka_unit_test(stats__consecutive_readings__deltas_and_window_extremes),
		cmocka_unit_test(stats__offline_cpu__no_util_no_group),
		cmocka_unit_test(stats__threads_to_processes__grouped_by_tgid),
		cmocka_unit_test(stats__dsqs_and_scx_tasks__fake_sched_ext_data),
		cmocka_unit_test(stats_json__shared_stats_names__and_limits),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("stats", tests, setup, teardown);
}
