// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf/scxtop_scx.skel.h"

#include "top/live/scx.h"

/* A tiny raw BTF file, with or without struct sched_ext_entity. */
static const char *write_btf(const char *name, bool with_scx)
{
	static char path[512];
	struct btf *btf = btf__new_empty();
	const void *data;
	__u32 size;
	FILE *fp;

	assert_non_null(btf);
	int u64 = btf__add_int(btf, "unsigned long long", 8, 0);

	assert_true(u64 > 0);
	if (with_scx) {
		assert_true(btf__add_struct(btf, "sched_ext_entity", 8) > 0);
		assert_int_equal(btf__add_field(btf, "slice", u64, 0, 0), 0);
	}
	assert_true(btf__add_struct(btf, "task_struct", 8) > 0);
	data = btf__raw_data(btf, &size);
	snprintf(path, sizeof(path), "%s/%s.btf", test_tmpdir(), name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, size, fp), size);
	fclose(fp);
	btf__free(btf);
	return path;
}

static void scx_probe__no_sysfs_dir__unsupported(void **state)
{
	struct stats_sched s;

	assert_false(scx_probe(test_data_path("sched_ext/absent"), write_btf("scx", true), &s));
	assert_int_equal(s.state, STATS_SCHED_UNSUPPORTED);
	assert_non_null(strstr(s.reason, "this kernel has no sched_ext"));
	assert_string_equal(s.name, "");
	assert_false(s.collecting);
}

static void scx_probe__disabled__no_scheduler_but_loadable(void **state)
{
	struct stats_sched s;

	assert_true(scx_probe(test_data_path("sched_ext/disabled"), write_btf("scx", true), &s));
	assert_int_equal(s.state, STATS_SCHED_NONE);
	assert_non_null(strstr(s.reason, "no sched_ext scheduler is loaded"));
	assert_non_null(strstr(s.reason, "disabled"));
}

static void scx_probe__running__name_from_ops(void **state)
{
	struct stats_sched s;

	assert_true(scx_probe(test_data_path("sched_ext/running"), write_btf("scx", true), &s));
	assert_int_equal(s.state, STATS_SCHED_RUNNING);
	assert_string_equal(s.name, "scx_rusty");
	assert_string_equal(s.reason, "");
}

static void scx_probe__btf_without_sched_ext__not_loadable_with_reason(void **state)
{
	struct stats_sched s;

	assert_false(scx_probe(test_data_path("sched_ext/running"), write_btf("noscx", false), &s));
	assert_int_equal(s.state, STATS_SCHED_RUNNING);	/* sysfs says so; BTF disagrees */
	assert_non_null(strstr(s.reason, "no sched_ext types"));
	assert_false(scx_probe(test_data_path("sched_ext/running"), "/nonexistent.btf", &s));
	assert_non_null(strstr(s.reason, "cannot read kernel BTF"));
}

/* This kernel has no sched_ext: the source opens, reports why, never fails. */
static void scx_source__this_kernel__absence_reported_not_fatal(void **state)
{
	struct stats_sched probe;
	struct scx_source *src;
	struct stats_raw r;
	size_t n = 99;

	SKIP_UNLESS(!scx_probe(NULL, NULL, &probe),
		    "this kernel has sched_ext: covered by the live tests instead");
	src = scx_source_open(NULL);
	assert_non_null(src);
	stats_raw_init(&r, 2);
	assert_int_equal(scx_source_read(src, &r), 0);
	assert_false(r.sched.collecting);
	assert_true(r.sched.reason[0] != '\0');
	assert_int_equal(r.nr_dsqs, 0);
	assert_int_equal(r.nr_scx_tasks, 0);
	assert_int_equal(scx_source_epoch_advance(src), 0);
	scx_source_programs(src, &n);
	assert_int_equal(n, 0);
	printf("sched_ext here: %s: %s\n", stats_sched_state_name(r.sched.state), r.sched.reason);
	stats_raw_release(&r);
	scx_source_close(src);
}

/*
 * The sched_ext object cannot collect here, but its tp_btf and iterator
 * programs must still pass the verifier (the nr_queued kfunc is weak).
 */
static void scx_object__switch_and_iterator__verifier_accepts(void **state)
{
	struct scxtop_scx_bpf *skel;
	struct bpf_program *prog;
	struct bpf_link *link;
	char buf[64];
	int err, fd;

	SKIP_UNLESS(geteuid() == 0, "needs root to load BPF");
	SKIP_UNLESS(access("/sys/kernel/btf/vmlinux", R_OK) == 0, "kernel has no BTF");
	skel = scxtop_scx_bpf__open();
	assert_non_null(skel);
	bpf_object__for_each_program(prog, skel->obj)
		if (str_has_prefix(bpf_program__section_name(prog), "kprobe/"))
			bpf_program__set_autoload(prog, false);
	err = scxtop_scx_bpf__load(skel);
	if (err)
		fail_msg("scxtop_scx.bpf.o failed to load: %d", err);
	link = bpf_program__attach(skel->progs.scx_on_switch);
	assert_non_null(link);
	usleep(10000);
	bpf_link__destroy(link);
	link = bpf_program__attach_iter(skel->progs.dump_scx_tasks, NULL);
	assert_non_null(link);
	fd = bpf_iter_create(bpf_link__fd(link));
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 0);	/* no task inserted into a DSQ */
	close(fd);
	bpf_link__destroy(link);
	scxtop_scx_bpf__destroy(skel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scx_probe__no_sysfs_dir__unsupported),
		cmocka_unit_test(scx_probe__disabled__no_scheduler_but_loadable),
		cmocka_unit_test(scx_probe__running__name_from_ops),
		cmocka_unit_test(scx_probe__btf_without_sched_ext__not_loadable_with_reason),
		cmocka_unit_test(scx_source__this_kernel__absence_reported_not_fatal),
		cmocka_unit_test(scx_object__switch_and_iterator__verifier_accepts),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("scx", tests, NULL, NULL);
}
