// SPDX-License-Identifier: GPL-2.0
/* record_check.c: option checks, the archive's top-level name, the size estimate. */
#include "test_common.h"

#include "profiler/hints_recorder.h"
#include "profiler/record.h"

static struct record_opts defaults(void)
{
	return (struct record_opts){
		.output = RECORD_DEFAULT_OUTPUT,
		.timeout_s = 30,
		.ldlat = 10,
		.hints_mode = -1,
		.ring_mb = 8,
		.poll_ms = HINTS_POLL_MS_DEFAULT,
		.stop_grace_s = 60,
	};
}

static void expect_root(const char *path, const char *want)
{
	char *got = record_archive_root(path);

	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void record__archive_root__stem_of_the_file_name(void **state)
{
	expect_root("run1.tar.gz", "run1");
	expect_root("/data/runs/run1.tar.gz", "run1");
	expect_root("a b.tar.gz", "a b");
	expect_root("run.tar.gz.tar.gz", "run.tar.gz");
	expect_root(".hidden.tar.gz", ".hidden");
	expect_root(".tar.gz", NULL);
	expect_root("dir/.tar.gz", NULL);
	expect_root("run1.tgz", NULL);
	expect_root("run1.tar", NULL);
	expect_root("run1.tar.gz/", NULL);
	expect_root("", NULL);
}

static void check_opts(struct record_opts o, const char *want_substring)
{
	const char *msg = record_opts_check(&o);

	if (!want_substring) {
		assert_null(msg);
		return;
	}
	assert_non_null(msg);
	if (!strstr(msg, want_substring))
		fail_msg("'%s' does not contain '%s'", msg, want_substring);
}

static void record__opts_check__each_usage_error(void **state)
{
	struct record_opts o;

	check_opts(defaults(), NULL);
	o = defaults();
	o.file = "x.tgz";
	check_opts(o, "must end with .tar.gz");
	o.file = "dir/.tar.gz";
	check_opts(o, "needs a name before .tar.gz");
	o.file = "run.tar.gz";
	check_opts(o, NULL);
	o.disable_archive = true;
	check_opts(o, "--file cannot be used with --disable-archive");
	o = defaults();
	o.output = "";
	check_opts(o, "must not be empty");
	o = defaults();
	o.hints_map = "/sys/fs/bpf/x";
	o.hints_map_id = 3;
	check_opts(o, "cannot be used together");
	o = defaults();
	o.hints_mode = HINTS_POLL;
	check_opts(o, "--hints-mode needs --hints-map or --hints-map-id");
	o.hints_map_id = 3;
	check_opts(o, NULL);
	for (uint64_t mb = 1; mb <= HINTS_RING_MB_MAX; mb++) {
		o.ring_mb = mb;
		check_opts(o, (mb & (mb - 1)) ? "power of two" : NULL);
	}
	o = defaults();
	o.disable_mem = true;
	o.mem_event = "page-faults";
	check_opts(o, "--mem-event cannot be used with --disable-mem-trace");
	o = defaults();
	o.disable_mem = o.disable_sched = true;
	check_opts(o, "at least one of mem trace, sched trace, or hints trace");
	o.hints_map = "/sys/fs/bpf/x";
	check_opts(o, NULL);
}

static struct record_rates busy_host(void)
{
	return (struct record_rates){
		.ctxt = 20000, .irq = 5000, .softirq = 3000, .faults = 1000, .busy_cpus = 4,
		.nr_cpus = 8, .threads = 1000, .maps = 50000,
	};
}

static void record__estimate__scales_with_time_and_traces(void **state)
{
	struct record_opts o = defaults();
	struct record_rates r = busy_host();
	struct record_estimate e10, e30, e;

	o.timeout_s = 10;
	record_estimate_compute(&o, &r, &e10);
	o.timeout_s = 30;
	record_estimate_compute(&o, &r, &e30);
	assert_true(e30.mem_bytes > e10.mem_bytes);
	assert_true(e30.sched_bytes > e10.sched_bytes);
	assert_int_equal(e30.script_bytes, 0);
	assert_int_equal(e30.staging_bytes,
			 e30.mem_bytes + e30.sched_bytes + e30.script_bytes + e30.other_bytes);
	assert_true(e30.archive_bytes > 0 && e30.archive_bytes < e30.staging_bytes);
	/* perf mem: 4 busy CPUs at 4000 Hz for 30 s, ~112 bytes a sample, plus the base */
	assert_true(e30.mem_bytes > 4ull * 4000 * 30 * 100);
	assert_true(e30.mem_bytes < 4ull * 4000 * 30 * 150 + (16ull << 20));

	o.enable_script = true;
	record_estimate_compute(&o, &r, &e);
	assert_true(e.script_bytes > e30.mem_bytes);
	o.enable_script = false;
	o.disable_sched = true;
	record_estimate_compute(&o, &r, &e);
	assert_int_equal(e.sched_bytes, 0);
	o.disable_mem = true;
	o.disable_sched = false;
	record_estimate_compute(&o, &r, &e);
	assert_int_equal(e.mem_bytes, 0);
	o.disable_archive = true;
	record_estimate_compute(&o, &r, &e);
	assert_int_equal(e.archive_bytes, 0);
}

static void record__estimate__page_faults_follow_the_fault_rate(void **state)
{
	struct record_opts o = defaults();
	struct record_rates r = busy_host();
	struct record_estimate quiet, faulty;

	o.mem_event = "page-faults";
	o.disable_sched = true;
	r.faults = 10;
	record_estimate_compute(&o, &r, &quiet);
	r.faults = 1e9; /* capped at 4000 Hz per CPU */
	record_estimate_compute(&o, &r, &faulty);
	assert_true(faulty.mem_bytes > quiet.mem_bytes);
	assert_true(faulty.mem_bytes < 8ull * 4000 * 30 * 120 + (16ull << 20));
}

static void record__rates__measured_from_proc(void **state)
{
	struct record_rates r;

	assert_int_equal(record_rates_measure(&r, 50), 0);
	assert_true(r.nr_cpus >= 1);
	assert_true(r.threads >= 1);
	assert_true(r.ctxt >= 0 && r.busy_cpus >= 0 && r.busy_cpus <= r.nr_cpus + 0.01);
}

static void record__fmt_bytes__binary_units(void **state)
{
	char b[32];

	assert_string_equal(record_fmt_bytes(0, b, sizeof(b)), "0 bytes");
	assert_string_equal(record_fmt_bytes(1023, b, sizeof(b)), "1023 bytes");
	assert_string_equal(record_fmt_bytes(1536, b, sizeof(b)), "1.5 KiB");
	assert_string_equal(record_fmt_bytes(5ull << 30, b, sizeof(b)), "5.0 GiB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record__archive_root__stem_of_the_file_name),
		cmocka_unit_test(record__opts_check__each_usage_error),
		cmocka_unit_test(record__estimate__scales_with_time_and_traces),
		cmocka_unit_test(record__estimate__page_faults_follow_the_fault_rate),
		cmocka_unit_test(record__rates__measured_from_proc),
		cmocka_unit_test(record__fmt_bytes__binary_units),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("record_check", tests, NULL, NULL);
}
