// SPDX-License-Identifier: GPL-2.0
/* record_bundle.c: the cgroup of a thread, the cgroups.jsonl snapshot, meta.json. */
#include "test_common.h"

#include <jansson.h>
#include <sys/syscall.h>

#include "profiler/hints_recorder.h"
#include "profiler/record.h"

static void expect_path(const char *text, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	bool found = record_cgroup_path(text, &sb);

	if (!want) {
		assert_false(found);
	} else {
		assert_true(found);
		assert_string_equal(sb.buf, want);
	}
	strbuf_release(&sb);
}

static void cgroup__path__v2_line_wins(void **state)
{
	expect_path("0::/system.slice/foo.service\n", "/system.slice/foo.service");
	/* hybrid: v1 controllers first, the cgroup2 line last */
	expect_path("9:name=systemd:/user.slice\n4:memory:/x\n1:cpu:/y\n0::/user.slice/u.scope\n",
		    "/user.slice/u.scope");
	expect_path("0::/\n", "/");
	expect_path("0::/with spaces/and:colons\n", "/with spaces/and:colons");
	/* no trailing newline */
	expect_path("0::/a", "/a");
}

static void cgroup__path__v1_only_uses_cpu_controller(void **state)
{
	expect_path("9:name=systemd:/s\n3:cpu,cpuacct:/workload.slice\n2:memory:/m\n",
		    "/workload.slice");
	expect_path("5:cpuset:/set\n4:cpuacct:/acct\n1:cpu:/cpu-only\n", "/cpu-only");
	/* no cpu controller: the first line */
	expect_path("9:name=systemd:/first\n2:memory:/m\n", "/first");
}

static void cgroup__path__garbage__not_found(void **state)
{
	expect_path("", NULL);
	expect_path("no colons here\n", NULL);
	expect_path("1:only-one-colon\n", NULL);
}

static void cgroup__snapshot__every_thread_one_valid_line(void **state)
{
	char *path = xasprintf("%s/cg.jsonl", test_tmpdir());
	FILE *fp = fopen(path, "w+");
	uint64_t threads = 0, lines = 0;
	bool me = false;
	char line[8192];
	int mytid = (int)syscall(SYS_gettid);

	assert_non_null(fp);
	assert_int_equal(record_cgroups_snapshot(fp, 12345, &threads), 0);
	assert_true(threads >= 1);
	rewind(fp);
	while (fgets(line, sizeof(line), fp)) {
		json_error_t jerr;
		json_t *j = json_loads(line, 0, &jerr);

		assert_non_null(j);
		assert_int_equal(json_object_size(j), 5);
		assert_true(json_is_integer(json_object_get(j, "tid")));
		assert_true(json_is_integer(json_object_get(j, "pid")));
		assert_true(json_is_string(json_object_get(j, "cgroup")));
		assert_true(json_is_string(json_object_get(j, "comm")));
		assert_int_equal(json_integer_value(json_object_get(j, "timestamp")), 12345);
		if (json_integer_value(json_object_get(j, "tid")) == mytid) {
			me = true;
			assert_int_equal(json_integer_value(json_object_get(j, "pid")), getpid());
			assert_string_equal(json_string_value(json_object_get(j, "comm")),
					    "test_record_bun");
		}
		assert_true(strncmp(line, "{\"tid\":", 7) == 0); /* key order: tid, pid, cgroup */
		assert_non_null(strstr(line, ",\"pid\":"));
		json_decref(j);
		lines++;
	}
	assert_true(me);
	assert_int_equal(lines, threads);
	fclose(fp);
	free(path);
}

static void meta__format__parses_and_names_the_modes(void **state)
{
	struct record_opts o = {
		.output = "run1", .timeout_s = 5, .ldlat = 10, .hints_mode = -1, .ring_mb = 8,
		.poll_ms = 10, .stop_grace_s = 60, .mem_event = "page-faults",
		.hints_map = "/sys/fs/bpf/h",
	};
	struct perf_info perf = {.version = "6.1.192", .path = "/usr/bin/perf"};
	struct hints_map map = {.id = 7, .value_size = 32, .name = "scx_layered_tas"};
	struct hints_recorder hr = {.mode = HINTS_POLL, .poll_ms = 10};
	const char *argv[] = {"perf", "record", "-e", "page-faults", NULL};
	struct record_ctx ctx = {
		.o = &o, .perf = &perf, .map = &map, .hints = &hr,
		.nr_traces = 1, .start_ns = 100, .end_ns = 5000000100, .stop = RECORD_STOP_TIMEOUT,
		.rates = {.nr_cpus = 2},
	};
	struct strbuf sb = STRBUF_INIT;
	char root[] = "run1";
	json_error_t jerr;
	json_t *j;

	ctx.root = root;
	ctx.traces[0] = (struct record_trace){.name = "mem", .data = "perf.data", .argv = argv,
					      .argc = 4, .status = "killed by signal 2 (SIGINT)"};
	strbuf_init(&ctx.missing_events, 0);
	hr.stats.polls = 4;
	hr.stats.poll_ns_total = 400;
	snprintf(hr.fallback_reason, sizeof(hr.fallback_reason), "fentry not permitted");
	record_meta_format(&ctx, &sb);
	j = json_loads(sb.buf, 0, &jerr);
	if (!j)
		fail_msg("meta.json does not parse: %s\n%s", jerr.text, sb.buf);
	assert_string_equal(json_string_value(json_object_get(j, "stop_reason")), "timeout");
	assert_int_equal(json_integer_value(json_object_get(j, "duration_ns")), 5000000000);
	json_t *traces = json_object_get(j, "traces");
	assert_string_equal(json_string_value(json_object_get(json_object_get(traces, "mem"), "kind")),
			    "event");
	assert_false(json_is_true(json_object_get(json_object_get(traces, "sched"), "enabled")));
	json_t *h = json_object_get(traces, "hints");
	assert_string_equal(json_string_value(json_object_get(h, "mode")), "poll");
	assert_int_equal(json_integer_value(json_object_get(h, "poll_ns_avg")), 100);
	assert_string_equal(json_string_value(json_object_get(h, "fallback_reason")),
			    "fentry not permitted");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(h, "map"), "id")), 7);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(j, "options"), "hints_mode")),
		"auto");
	json_decref(j);
	strbuf_release(&sb);
	strbuf_release(&ctx.missing_events);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cgroup__path__v2_line_wins),
		cmocka_unit_test(cgroup__path__v1_only_uses_cpu_controller),
		cmocka_unit_test(cgroup__path__garbage__not_found),
		cmocka_unit_test(cgroup__snapshot__every_thread_one_valid_line),
		cmocka_unit_test(meta__format__parses_and_names_the_modes),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("record_bundle", tests, NULL, NULL);
}
