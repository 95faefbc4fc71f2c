// SPDX-License-Identifier: GPL-2.0
#include "test_common.h"

#include "common/strbuf.h"
#include "top/live/topology.h"

static void assert_sane_topology(const struct topology *t)
{
	unsigned online = 0, in_llcs = 0, in_nodes = 0;

	for (unsigned i = 0; i < t->nr_cpus; i++) {
		const struct topo_cpu *c = &t->cpus[i];

		assert_int_equal(c->id, (int)i);
		if (!c->online) {
			assert_int_equal(c->llc, -1);
			continue;
		}
		online++;
		assert_true(c->possible && c->present);
		assert_true(c->llc >= 0 && (unsigned)c->llc < t->nr_llcs);
		assert_true(c->node >= 0 && (unsigned)c->node < t->nr_nodes);
		assert_true(c->core >= 0 && (unsigned)c->core < t->nr_cores);
	}
	assert_int_equal(online, t->nr_online);
	for (unsigned l = 0; l < t->nr_llcs; l++) {
		in_llcs += t->llcs[l].nr_cpus;
		for (unsigned k = 0; k < t->llcs[l].nr_cpus; k++)
			assert_int_equal(t->cpus[t->llcs[l].cpus[k]].llc, (int)l);
	}
	for (unsigned n = 0; n < t->nr_nodes; n++) {
		in_nodes += t->nodes[n].nr_cpus;
		for (unsigned k = 0; k < t->nodes[n].nr_cpus; k++)
			assert_int_equal(t->cpus[t->nodes[n].cpus[k]].node, (int)n);
	}
	assert_int_equal(in_llcs, online);
	assert_int_equal(in_nodes, online);
}

static const char *fixture(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s", test_data_path(name));
	return buf;
}

static void cpulist__forms__parsed_and_formatted(void **state)
{
	bool set[16] = {0};
	struct strbuf sb = STRBUF_INIT;
	int cpus[] = {0, 1, 2, 3, 8, 10, 11, 14};

	assert_int_equal(cpulist_parse("0-3,8,10-11\n", set, 16), 12);
	assert_true(set[0] && set[3] && set[8] && set[10] && set[11]);
	assert_false(set[4] || set[9] || set[12]);
	assert_int_equal(cpulist_parse("", set, 16), 0);
	assert_int_equal(cpulist_parse("\n", set, 16), 0);
	assert_int_equal(cpulist_parse("200", set, 16), 201);	/* beyond n: counted, not set */
	assert_int_equal(cpulist_parse("3-1", set, 16), -EINVAL);
	assert_int_equal(cpulist_parse("a", set, 16), -EINVAL);
	assert_int_equal(cpulist_parse("1,", set, 16), 2);
	assert_int_equal(cpulist_parse("1-", set, 16), -EINVAL);
	assert_int_equal(cpulist_parse("1;2", set, 16), -EINVAL);
	cpulist_format(&sb, cpus, ARRAY_SIZE(cpus));
	assert_string_equal(sb.buf, "0-3,8,10-11,14");
	strbuf_reset(&sb);
	cpulist_format(&sb, cpus, 0);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
}

static void topology__one_node_two_cpus__one_llc(void **state)
{
	struct topology t;

	assert_int_equal(topology_load(&t, fixture("topology/1node-2cpu")), 0);
	assert_sane_topology(&t);
	assert_int_equal(t.nr_cpus, 2);
	assert_int_equal(t.nr_online, 2);
	assert_int_equal(t.nr_cores, 2);
	assert_int_equal(t.nr_llcs, 1);	/* L3 (level 3) wins over the per-CPU L1/L2 */
	assert_int_equal(t.llcs[0].id, 0);
	assert_int_equal(t.llcs[0].nr_cpus, 2);
	assert_int_equal(t.nr_nodes, 1);
	assert_int_equal(t.nodes[0].id, 0);
	assert_false(t.cpus[0].isolated || t.cpus[1].isolated);
	topology_release(&t);
}

static void topology__two_nodes_64_cpus__4_llcs_32_cores(void **state)
{
	struct topology t;
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(topology_load(&t, fixture("topology/2node-4llc-64cpu")), 0);
	assert_sane_topology(&t);
	assert_int_equal(t.nr_cpus, 64);
	assert_int_equal(t.nr_online, 64);
	assert_int_equal(t.nr_cores, 32);	/* SMT siblings share a core */
	assert_int_equal(t.cpus[3].core, t.cpus[35].core);
	assert_true(t.cpus[3].core != t.cpus[4].core);
	assert_int_equal(t.nr_llcs, 4);
	assert_int_equal(t.nr_nodes, 2);	/* node2 has no CPU: left out */
	assert_int_equal(t.nodes[0].id, 0);
	assert_int_equal(t.nodes[1].id, 1);
	for (unsigned l = 0; l < 4; l++) {
		assert_int_equal(t.llcs[l].nr_cpus, 16);
		assert_int_equal(t.llcs[l].id, (int)l);	/* kernel cache ids */
		assert_int_equal(t.llcs[l].node, (int)(l / 2));
	}
	/* CPU 40 is the sibling of CPU 8: LLC 1, node 0; CPU 50: LLC 2, node 1. */
	assert_int_equal(t.llcs[t.cpus[40].llc].id, 1);
	assert_int_equal(t.nodes[t.cpus[40].node].id, 0);
	assert_int_equal(t.llcs[t.cpus[50].llc].id, 2);
	assert_int_equal(t.nodes[t.cpus[50].node].id, 1);
	assert_int_equal(t.cpus[50].package, 1);
	cpulist_format(&sb, t.llcs[t.cpus[40].llc].cpus, t.llcs[t.cpus[40].llc].nr_cpus);
	assert_string_equal(sb.buf, "8-15,40-47");
	strbuf_reset(&sb);
	cpulist_format(&sb, t.nodes[1].cpus, t.nodes[1].nr_cpus);
	assert_string_equal(sb.buf, "16-31,48-63");
	strbuf_release(&sb);
	topology_release(&t);
}

static void topology__offline_and_isolated__kept_in_place_unknown_placement(void **state)
{
	struct topology t;

	assert_int_equal(topology_load(&t, fixture("topology/offline")), 0);
	assert_sane_topology(&t);
	assert_int_equal(t.nr_cpus, 8);
	assert_int_equal(t.nr_online, 6);
	assert_false(t.cpus[3].online);
	assert_false(t.cpus[6].online);
	assert_true(t.cpus[3].possible && t.cpus[3].present);
	assert_int_equal(t.cpus[3].llc, -1);
	assert_int_equal(t.cpus[3].node, -1);
	assert_int_equal(t.cpus[6].core, -1);
	/* CPU 7 is still CPU 7 (not shifted into 6's place) */
	assert_true(t.cpus[7].online);
	assert_int_equal(t.cpus[7].id, 7);
	assert_true(t.cpus[5].isolated);
	assert_false(t.cpus[4].isolated);
	/* two LLCs without cache ids: dense ids in order of first CPU */
	assert_int_equal(t.nr_llcs, 2);
	assert_int_equal(t.llcs[t.cpus[0].llc].id, 0);
	assert_int_equal(t.llcs[t.cpus[7].llc].id, 1);
	assert_int_equal(t.llcs[0].nr_cpus, 3);	/* 0,1,2 online (3 offline) */
	assert_int_equal(t.llcs[1].nr_cpus, 3);	/* 4,5,7 */
	topology_release(&t);
}

static void topology__missing_tree__enoent(void **state)
{
	struct topology t;

	assert_int_equal(topology_load(&t, "/nonexistent/root"), -ENOENT);
	topology_release(&t);
}

static void topology__no_node_dir__everything_on_node0(void **state)
{
	const char *d = test_tmpdir();
	char path[512];
	struct topology t;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/nonuma/sys/devices/system/cpu", d);
	assert_int_equal(fs_mkdir_p(path, 0755), 0);
	strcat(path, "/possible");
	fp = fopen(path, "w");
	fputs("0-3\n", fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/nonuma", d);
	assert_int_equal(topology_load(&t, path), 0);
	assert_sane_topology(&t);
	assert_int_equal(t.nr_online, 4);	/* no online file: every present CPU */
	assert_int_equal(t.nr_nodes, 1);
	assert_int_equal(t.nodes[0].nr_cpus, 4);
	assert_int_equal(t.nr_llcs, 1);	/* no cache data: one LLC per package */
	assert_int_equal(t.nr_cores, 4);
	topology_release(&t);
}

static void put(const char *dir, const char *rel, const char *text)
{
	char path[1024], *slash;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	assert_int_equal(fs_mkdir_p(path, 0755), 0);
	*slash = '/';
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/*
 * A partial copy of /sys/devices/system (what `scxtop analyze --topology` gets):
 * no cpu/possible, and only cache index0 and index3 per CPU. The cpuN
 * directories are the CPUs; the LLC is index3 despite the gap.
 */
static void topology_system__partial_copy__cpus_from_dirs_llc_past_gaps(void **state)
{
	char dir[512];
	struct topology t;

	snprintf(dir, sizeof(dir), "%s/partial", test_tmpdir());
	for (int c = 0; c < 4; c++) {
		char rel[128];

		snprintf(rel, sizeof(rel), "cpu/cpu%d/cache/index0/level", c);
		put(dir, rel, "1\n");
		snprintf(rel, sizeof(rel), "cpu/cpu%d/cache/index0/type", c);
		put(dir, rel, "Data\n");
		snprintf(rel, sizeof(rel), "cpu/cpu%d/cache/index0/shared_cpu_list", c);
		put(dir, rel, c == 0 ? "0\n" : c == 1 ? "1\n" : c == 2 ? "2\n" : "3\n");
		snprintf(rel, sizeof(rel), "cpu/cpu%d/cache/index3/level", c);
		put(dir, rel, "3\n");
		snprintf(rel, sizeof(rel), "cpu/cpu%d/cache/index3/type", c);
		put(dir, rel, "Unified\n");
		snprintf(rel, sizeof(rel), "cpu/cpu%d/cache/index3/shared_cpu_list", c);
		put(dir, rel, c < 2 ? "0-1\n" : "2-3\n");
	}
	put(dir, "node/node0/cpulist", "0-1\n");
	put(dir, "node/node1/cpulist", "2-3\n");
	assert_int_equal(topology_load_system(&t, dir), 0);
	assert_sane_topology(&t);
	assert_int_equal(t.nr_cpus, 4);
	assert_int_equal(t.nr_online, 4);
	assert_int_equal(t.nr_llcs, 2);
	assert_int_equal(t.nr_nodes, 2);
	assert_int_equal(t.cpus[1].llc, t.cpus[0].llc);
	assert_true(t.cpus[2].llc != t.cpus[0].llc);
	assert_int_equal(t.nodes[t.cpus[3].node].id, 1);
	topology_release(&t);
}

static void topology__this_machine__consistent(void **state)
{
	struct topology t;

	assert_int_equal(topology_load(&t, NULL), 0);
	assert_sane_topology(&t);
	assert_true(t.nr_online >= 1);
	assert_true(t.nr_llcs >= 1);
	topology_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cpulist__forms__parsed_and_formatted),
		cmocka_unit_test(topology__one_node_two_cpus__one_llc),
		cmocka_unit_test(topology__two_nodes_64_cpus__4_llcs_32_cores),
		cmocka_unit_test(topology__offline_and_isolated__kept_in_place_unknown_placement),
		cmocka_unit_test(topology__missing_tree__enoent),
		cmocka_unit_test(topology__no_node_dir__everything_on_node0),
		cmocka_unit_test(topology_system__partial_copy__cpus_from_dirs_llc_past_gaps),
		cmocka_unit_test(topology__this_machine__consistent),
	};

	test_setup_stdio();
	return cmocka_run_group_tests_name("topology", tests, NULL, NULL);
}
