// SPDX-License-Identifier: GPL-2.0
/*
 * CPU → core / LLC / NUMA node maps of a trace, from the trace itself (scxtop's
 * "scxtop_topo:" JSON descriptor) or from sysfs (the live /sys/devices/system,
 * or a copy of it given with --topology, read by top/live/topology). Used for
 * cross-LLC / cross-NUMA migrations and the per-LLC / per-node utilization.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/fs.h"
#include "common/util.h"
#include "top/analyze/trace_model.h"
#include "top/live/topology.h"

static void topo_alloc(struct trace_topology *t)
{
	if (t->cpu_llc)
		return;
	t->cpu_llc = xmalloc(MAX_CPUS * sizeof(int32_t));
	t->cpu_node = xmalloc(MAX_CPUS * sizeof(int32_t));
	t->cpu_core = xmalloc(MAX_CPUS * sizeof(int32_t));
	for (int i = 0; i < MAX_CPUS; i++)
		t->cpu_llc[i] = t->cpu_node[i] = t->cpu_core[i] = -1;
}

void trace_topology_release(struct trace_topology *t)
{
	free(t->cpu_llc);
	free(t->cpu_node);
	free(t->cpu_core);
	memset(t, 0, sizeof(*t));
}

static void topo_count(struct trace_topology *t)
{
	int32_t max_llc = -1, max_node = -1;

	t->nr_cpus = 0;
	for (int i = 0; i < MAX_CPUS; i++) {
		if (t->cpu_llc[i] < 0 && t->cpu_node[i] < 0 && t->cpu_core[i] < 0)
			continue;
		t->nr_cpus = (uint32_t)i + 1;
		if (t->cpu_llc[i] < 0)
			t->cpu_llc[i] = 0;
		if (t->cpu_node[i] < 0)
			t->cpu_node[i] = 0;
		max_llc = MAX(max_llc, t->cpu_llc[i]);
		max_node = MAX(max_node, t->cpu_node[i]);
	}
	t->nr_llcs = (uint32_t)(max_llc + 1);
	t->nr_nodes = (uint32_t)(max_node + 1);
	t->known = t->nr_cpus > 0;
}

static int json_map(json_t *root, const char *key, int32_t *dst)
{
	json_t *obj = json_object_get(root, key), *v;
	const char *k;
	int n = 0;

	if (!json_is_object(obj))
		return 0;
	json_object_foreach(obj, k, v) {
		uint64_t cpu;

		if (parse_u64(k, 0, MAX_CPUS - 1, &cpu) || !json_is_integer(v) ||
		    json_integer_value(v) < 0 || json_integer_value(v) > INT32_MAX)
			return -EINVAL;
		dst[cpu] = (int32_t)json_integer_value(v);
		n++;
	}
	return n;
}

int trace_topology_from_json(struct trace_topology *t, const char *json, size_t len)
{
	json_error_t jerr;
	json_t *root = json_loadb(json, len, 0, &jerr);
	int n, err = 0;

	if (!json_is_object(root)) {
		json_decref(root);
		return -EINVAL;
	}
	topo_alloc(t);
	n = json_map(root, "cpu_to_llc", t->cpu_llc);
	if (n <= 0 || json_map(root, "cpu_to_numa", t->cpu_node) < 0 ||
	    json_map(root, "cpu_to_core", t->cpu_core) < 0) {
		err = -EINVAL;
		goto out;
	}
	topo_count(t);
out:
	json_decref(root);
	if (err) {
		trace_topology_release(t);
	}
	return err;
}

/*
 * From a sysfs copy: DIR is /sys/devices/system (or a copy of it) or its cpu/
 * directory. Read with the live view's topology loader (one sysfs parser in
 * the project); nodes keep their kernel number, LLCs and cores are dense.
 */
int trace_topology_from_sysfs(struct trace_topology *t, const char *dir)
{
	struct topology topo;
	char *sysdir, *sub = xasprintf("%s/cpu", dir);
	int err;

	if (fs_is_dir(sub)) {
		sysdir = xstrdup(dir);
	} else {
		char *base = fs_basename(dir);

		sysdir = !strcmp(base, "cpu") ? fs_dirname(dir) : xstrdup(dir);
		free(base);
	}
	free(sub);
	err = topology_load_system(&topo, sysdir);
	free(sysdir);
	if (err) {
		topology_release(&topo);
		return err;
	}
	topo_alloc(t);
	for (unsigned i = 0; i < topo.nr_cpus && i < MAX_CPUS; i++) {
		const struct topo_cpu *c = &topo.cpus[i];

		if (!c->online)
			continue;
		t->cpu_core[i] = c->core;
		t->cpu_llc[i] = c->llc;
		t->cpu_node[i] = c->node >= 0 ? topo.nodes[c->node].id : 0;
	}
	topology_release(&topo);
	topo_count(t);
	if (!t->known) {
		trace_topology_release(t);
		return -ENOENT;
	}
	return 0;
}
