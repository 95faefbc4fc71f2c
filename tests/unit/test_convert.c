// SPDX-License-Identifier: GPL-2.0
/* scxtop trace --convert: perf's event texts, perf.sched.jsonl, detection. */
#include "test_common.h"

#include "common/log.h"
#include "top/trace/convert.h"
#include "top/trace/pftrace_read.h"

static int rec(const char *event, const char *trace, struct sched_event *ev)
{
	static struct perf_sched_record r;	/* ev's strings point into r.scratch */

	memset(&r, 0, sizeof(r));
	r.comm = "waker";
	r.pid = 100;
	r.tid = 101;
	r.cpu = 3;
	r.ts = 123456789;
	r.event = event;
	r.trace = trace;
	return convert_perf_record(&r, ev);
}

static void convert__prev_state__letters_to_kernel_bits(void **state)
{
	assert_int_equal(convert_prev_state("R", 1), 0);
	assert_int_equal(convert_prev_state("R+", 2), SCHED_STATE_PREEMPTED);
	assert_int_equal(convert_prev_state("S", 1), SCHED_STATE_INTERRUPTIBLE);
	assert_int_equal(convert_prev_state("D", 1), SCHED_STATE_UNINTERRUPTIBLE);
	assert_int_equal(convert_prev_state("D|K", 3), SCHED_STATE_UNINTERRUPTIBLE);
	assert_int_equal(convert_prev_state("T", 1), SCHED_STATE_STOPPED);
	assert_int_equal(convert_prev_state("t", 1), SCHED_STATE_TRACED);
	assert_int_equal(convert_prev_state("X", 1), SCHED_STATE_EXIT_DEAD);
	assert_int_equal(convert_prev_state("Z", 1), SCHED_STATE_EXIT_ZOMBIE);
	assert_int_equal(convert_prev_state("P", 1), SCHED_STATE_PARKED);
	assert_int_equal(convert_prev_state("I", 1), SCHED_STATE_IDLE);
}

static void convert__switch__from_parsed_fields(void **state)
{
	struct perf_sched_switch sw = {
		.prev_comm = "waker", .prev_state = "R+", .next_comm = "sched worker A",
		.prev_pid = 101, .prev_prio = 120, .next_pid = 202, .next_prio = 100};
	struct perf_sched_record r;
	struct sched_event ev;

	memset(&r, 0, sizeof(r));
	r.comm = "waker";
	r.pid = 100;
	r.tid = 101;
	r.cpu = 1;
	r.ts = 5;
	r.event = "sched:sched_switch";
	r.trace = "waker:101 [120] R+ ==> sched worker A:202 [100]";
	assert_int_equal(convert_perf_record(&r, &ev), -EINVAL);	/* no parsed fields */
	r.sw = &sw;
	assert_int_equal(convert_perf_record(&r, &ev), 1);
	assert_int_equal(ev.kind, SCHED_EV_SWITCH);
	assert_int_equal(ev.pid, 101);
	assert_int_equal(ev.tgid, 100);
	assert_int_equal(ev.sw.prev.tid, 101);
	assert_int_equal(ev.sw.prev.tgid, 100);	/* prev is the current task */
	assert_int_equal(ev.sw.prev_state, SCHED_STATE_PREEMPTED);
	assert_string_equal(ev.sw.next.comm, "sched worker A");
	assert_int_equal(ev.sw.next.tid, 202);
	assert_int_equal(ev.sw.next.tgid, -1);	/* unknown */
	assert_int_equal(ev.sw.next.prio, 100);
}

static void convert__wakeups__raw_and_plugin_formats(void **state)
{
	struct sched_event ev;

	assert_int_equal(rec("sched:sched_waking", "comm=sched worker A pid=2001 prio=120 target_cpu=002",
			     &ev), 1);
	assert_int_equal(ev.kind, SCHED_EV_WAKING);
	assert_string_equal(ev.wake.task.comm, "sched worker A");
	assert_int_equal(ev.wake.task.tid, 2001);
	assert_int_equal(ev.wake.task.prio, 120);
	assert_int_equal(ev.wake.target_cpu, 2);
	assert_int_equal(ev.pid, 101);	/* the waker, current on the CPU */
	assert_int_equal(ev.cpu, 3);
	/* older kernels: success=1 before target_cpu */
	assert_int_equal(rec("sched:sched_wakeup", "comm=a pid=5 prio=98 success=1 target_cpu=010",
			     &ev), 1);
	assert_int_equal(ev.kind, SCHED_EV_WAKEUP);
	assert_int_equal(ev.wake.task.prio, 98);
	assert_int_equal(ev.wake.target_cpu, 10);
	/* libtraceevent's plugin format */
	assert_int_equal(rec("sched:sched_wakeup_new", "kworker/0:1:77 [120] success=1 CPU:001", &ev), 1);
	assert_int_equal(ev.kind, SCHED_EV_WAKEUP_NEW);
	assert_string_equal(ev.wake.task.comm, "kworker/0:1");
	assert_int_equal(ev.wake.task.tid, 77);
	assert_int_equal(ev.wake.target_cpu, 1);
	assert_int_equal(rec("sched:sched_wakeup", "my task:8 [139] CPU:000", &ev), 1);
	assert_string_equal(ev.wake.task.comm, "my task");
	assert_int_equal(ev.wake.task.prio, 139);
	assert_int_equal(rec("sched:sched_waking", "comm=x pid=notanumber prio=1 target_cpu=0", &ev),
			 -EINVAL);
	assert_int_equal(rec("sched:sched_waking", "garbage", &ev), -EINVAL);
}

static void convert__task_events__fields(void **state)
{
	struct sched_event ev;

	assert_int_equal(rec("task:task_newtask",
			     "pid=300 comm=waker clone_flags=3d0f00 oom_score_adj=0", &ev), 1);
	assert_int_equal(ev.kind, SCHED_EV_NEWTASK);
	assert_int_equal(ev.newtask.child.tid, 300);
	assert_int_equal(ev.newtask.child.tgid, 100);	/* CLONE_THREAD: the parent's process */
	assert_int_equal(ev.newtask.clone_flags, 0x3d0f00);
	assert_int_equal(ev.newtask.parent.tid, 101);
	assert_int_equal(rec("task:task_newtask", "pid=301 comm=waker clone_flags=1200011 oom_score_adj=0",
			     &ev), 1);
	assert_int_equal(ev.newtask.child.tgid, 301);	/* fork: a new process */
	assert_int_equal(rec("sched:sched_process_fork", "comm=sh pid=10 child_comm=sh child_pid=11",
			     &ev), 1);
	assert_int_equal(ev.kind, SCHED_EV_NEWTASK);
	assert_int_equal(ev.newtask.child.tid, 11);
	assert_int_equal(ev.newtask.clone_flags, 0);	/* unknown */
	assert_int_equal(rec("sched:sched_process_exec", "filename=/usr/bin/true pid=101 old_pid=101",
			     &ev), 1);
	assert_int_equal(ev.kind, SCHED_EV_EXEC);
	assert_string_equal(ev.exec.filename, "/usr/bin/true");
	assert_string_equal(ev.exec.task.comm, "waker");	/* the record's comm: after exec */
	assert_int_equal(rec("task:task_rename", "pid=101 oldcomm=sh newcomm=true oom_score_adj=0",
			     &ev), 1);
	assert_string_equal(ev.rename.oldcomm, "sh");
	assert_string_equal(ev.rename.task.comm, "true");
	assert_int_equal(rec("sched:sched_process_exit", "comm=true pid=101 prio=120 group_dead=1", &ev),
			 1);
	assert_int_equal(ev.kind, SCHED_EV_EXIT);
	assert_int_equal(ev.exit.task.prio, 120);
	assert_int_equal(ev.exit.task.tgid, 100);
	assert_int_equal(rec("sched:sched_process_free", "comm=true pid=55 prio=120", &ev), 1);
	assert_int_equal(ev.kind, SCHED_EV_FREE);
	assert_int_equal(ev.exit.task.tid, 55);
	assert_int_equal(ev.exit.task.tgid, -1);
	assert_int_equal(rec("sched:sched_migrate_task",
			     "comm=a b pid=9 prio=120 orig_cpu=0 dest_cpu=1", &ev), 1);
	assert_string_equal(ev.migrate.task.comm, "a b");
	assert_int_equal(ev.migrate.orig_cpu, 0);
	assert_int_equal(ev.migrate.dest_cpu, 1);
}

static void convert__irq_and_power__fields(void **state)
{
	struct sched_event ev;

	assert_int_equal(rec("irq:softirq_entry", "vec=3 [action=NET_RX]", &ev), 1);
	assert_int_equal(ev.kind, SCHED_EV_SOFTIRQ_ENTRY);
	assert_int_equal(ev.softirq.vec, 3);
	assert_int_equal(rec("irq:softirq_raise", "vec=9 [action=RCU]", &ev), 1);
	assert_int_equal(ev.kind, SCHED_EV_SOFTIRQ_RAISE);
	assert_int_equal(rec("irq:irq_handler_entry", "irq=24 name=virtio0-input.0", &ev), 1);
	assert_int_equal(ev.irq.irq, 24);
	assert_string_equal(ev.irq.name, "virtio0-input.0");
	assert_int_equal(rec("irq:irq_handler_exit", "irq=24 ret=handled", &ev), 1);
	assert_int_equal(ev.irq.ret, 1);
	assert_int_equal(rec("irq:irq_handler_exit", "irq=24 ret=unhandled", &ev), 1);
	assert_int_equal(ev.irq.ret, 0);
	assert_int_equal(rec("power:cpu_frequency", "state=2400000 cpu_id=1", &ev), 1);
	assert_int_equal(ev.freq.khz, 2400000);
	assert_int_equal(ev.freq.cpu_id, 1);
	assert_int_equal(rec("power:cpu_idle", "state=4294967295 cpu_id=0", &ev), 1);
	assert_int_equal(ev.idle.state, SCHED_CPU_IDLE_EXIT);
	/* events with no place in a sched trace */
	assert_int_equal(rec("sched:sched_stat_runtime", "comm=a pid=1 runtime=5 [ns]", &ev), 0);
	assert_int_equal(rec("nmi:nmi_handler", "perf_event_nmi_handler() delta_ns: 3162 handled: 1",
			     &ev), 0);
	assert_int_equal(rec("irq_vectors:local_timer_entry", "vector=236", &ev), 0);
}

struct reread {
	uint64_t by_kind[SCHED_EV_NR_KINDS];
	uint64_t threads;
	bool true_named;
};

static int reread_event(void *ctx, const struct sched_event *ev)
{
	((struct reread *)ctx)->by_kind[ev->kind]++;
	return 0;
}

static int reread_thread(void *ctx, uint64_t ts, int32_t tid, int32_t tgid, const char *name)
{
	((struct reread *)ctx)->threads++;
	return 0;
}

static int reread_process(void *ctx, uint64_t ts, int32_t pid, int32_t ppid, const char *cmdline,
			  size_t len, bool is_comm)
{
	if (is_comm && !strcmp(cmdline, "true"))
		((struct reread *)ctx)->true_named = true;
	return 0;
}

static void convert__fixture_jsonl__all_events_in_trace(void **state)
{
	static const struct pftrace_read_ops ops = {
		.event = reread_event, .thread = reread_thread, .process = reread_process};
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct pftrace_read_stats rs;
	struct convert_stats cs;
	struct convert_info info;
	struct convert_input in;
	struct pftrace_writer *w;
	struct reread rr;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	memset(&rr, 0, sizeof(rr));
	assert_int_equal(convert_open(test_data_path("trace/profile.out"), &in), 0);
	assert_int_equal(in.fmt, CONVERT_JSONL);
	assert_true(str_has_suffix(in.path, "profile.out/perf.sched.jsonl"));
	assert_null(in.tmpdir);
	assert_int_equal(convert_prepare(in.path, in.fmt, &po, &info), 0);
	/* meta.json of the bundle next to profile.out: kernel, CPUs, start clocks */
	assert_string_equal(po.release, "6.18.44-fc-v669");
	assert_string_equal(po.machine, "x86_64");
	assert_int_equal(po.nr_cpus, 2);
	assert_false(po.no_clock_snapshot);
	assert_int_equal(po.clocks->monotonic, 2520900000000ULL);
	assert_int_equal(po.clocks->boottime, 2520900000000ULL);
	assert_int_equal(pftrace_writer_create(&w, fp, &po), 0);
	assert_int_equal(convert_run(w, &in, &cs), 0);
	assert_int_equal(pftrace_writer_finish(w), 0);
	fflush(fp);
	assert_int_equal(cs.records, 500);
	assert_int_equal(cs.unparsed, 0);
	assert_int_equal(cs.ignored, 5);	/* sched_stat_runtime */
	assert_string_equal(cs.ignored_example, "sched:sched_stat_runtime");
	/* task_newtask + sched_process_fork of one fork are one event */
	assert_int_equal(cs.converted, 495);
	assert_int_equal(pftrace_writer_stats(w)->events, 490);

	assert_int_equal(pftrace_read_mem(buf, len, &ops, &rr, &rs), 0);
	assert_int_equal(rr.by_kind[SCHED_EV_SWITCH], 225);
	assert_int_equal(rr.by_kind[SCHED_EV_WAKING], 112);
	assert_int_equal(rr.by_kind[SCHED_EV_WAKEUP], 111);
	assert_int_equal(rr.by_kind[SCHED_EV_WAKEUP_NEW], 5);
	assert_int_equal(rr.by_kind[SCHED_EV_NEWTASK], 5);
	assert_int_equal(rr.by_kind[SCHED_EV_EXEC], 6);
	assert_int_equal(rr.by_kind[SCHED_EV_EXIT], 3);
	assert_int_equal(rr.by_kind[SCHED_EV_MIGRATE], 2);
	assert_int_equal(rr.by_kind[SCHED_EV_SOFTIRQ_ENTRY], 5);
	assert_int_equal(rs.compact_switch, 225);
	assert_string_equal(rs.release, "6.18.44-fc-v669");
	assert_true(rr.threads > 0);
	assert_true(rr.true_named);	/* sh exec'ed /usr/bin/true: the process is renamed */
	pftrace_writer_destroy(w);
	fclose(fp);
	free(buf);
	convert_input_release(&in);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
}

static int convert_file(const char *path, struct convert_stats *cs)
{
	struct pftrace_opts po = PFTRACE_OPTS_INIT;
	struct convert_info info;
	struct convert_input in;
	struct pftrace_writer *w;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int err;

	err = convert_open(path, &in);
	if (err)
		return err;
	fp = open_memstream(&buf, &len);
	assert_int_equal(convert_prepare(in.path, in.fmt, &po, &info), 0);
	assert_int_equal(pftrace_writer_create(&w, fp, &po), 0);
	err = convert_run(w, &in, cs);
	pftrace_writer_destroy(w);
	fclose(fp);
	free(buf);
	convert_input_release(&in);
	return err;
}

static void convert__bad_inputs__clear_errors(void **state)
{
	char path[512];
	struct convert_stats cs;
	const char *dir = test_tmpdir();

	log_set_level(-1);	/* the errors are asserted, not shown */
	snprintf(path, sizeof(path), "%s/empty", dir);
	write_file(path, "", 0);
	assert_int_equal(convert_file(path, &cs), -EINVAL);
	snprintf(path, sizeof(path), "%s/text", dir);
	write_file(path, "hello\n", 6);
	assert_int_equal(convert_file(path, &cs), -EINVAL);
	snprintf(path, sizeof(path), "%s/bundle.tar.gz", dir);
	write_file(path, "\x1f\x8b\x08\x00", 4);
	assert_int_equal(convert_file(path, &cs), -EINVAL);	/* truncated gzip */
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(convert_file(path, &cs), -ENOENT);
	assert_int_equal(convert_file(dir, &cs), -ENOENT);	/* no perf.sched.jsonl in it */
	/* a broken line stops the conversion */
	snprintf(path, sizeof(path), "%s/broken.jsonl", dir);
	write_file(path, "{\"comm\":\"a\"}\n{\"comm\":\n", 22);
	assert_int_equal(convert_file(path, &cs), -EINVAL);
	/* records without the keys, or with unparseable texts, are counted and skipped */
	snprintf(path, sizeof(path), "%s/odd.jsonl", dir);
	{
		const char *j =
			"{\"comm\":\"a\"}\n"
			"\n"
			"{\"comm\":\"a\",\"pid\":1,\"tid\":1,\"cpu\":0,\"time\":1.5,\"event\":\"sched:sched_waking\","
			"\"trace\":\"comm=b pid=2 prio=120 target_cpu=000\"}\n"
			"{\"comm\":\"a\",\"pid\":1,\"tid\":1,\"cpu\":0,\"time_ns\":2000000000,"
			"\"event\":\"sched:sched_waking\",\"trace\":\"nonsense\"}\n";

		write_file(path, j, strlen(j));
	}
	assert_int_equal(convert_file(path, &cs), 0);
	assert_int_equal(cs.records, 3);
	assert_int_equal(cs.converted, 1);
	assert_int_equal(cs.unparsed, 2);
	assert_true(strstr(cs.unparsed_example, "line 1:") == cs.unparsed_example);
	log_set_level(LOG_INFO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(convert__prev_state__letters_to_kernel_bits),
		cmocka_unit_test(convert__switch__from_parsed_fields),
		cmocka_unit_test(convert__wakeups__raw_and_plugin_formats),
		cmocka_unit_test(convert__task_events__fields),
		cmocka_unit_test(convert__irq_and_power__fields),
		cmocka_unit_test(convert__fixture_jsonl__all_events_in_trace),
		cmocka_unit_test(convert__bad_inputs__clear_errors),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("convert", tests, NULL, NULL);
}
