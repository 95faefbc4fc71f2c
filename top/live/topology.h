/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU topology from sysfs: CPU → core → LLC → NUMA node, read under a root
 * directory so tests can point it at a fixture tree (tests/data/topology/).
 *
 * Every possible CPU has an entry (cpus[id], id = 0..nr_cpus-1); CPUs that are
 * not possible, not present or offline are kept and flagged, never dropped and
 * never shifted: data from /proc/stat or BPF is always matched by CPU id. An
 * offline CPU has no topology or cache directory in sysfs, so its core, LLC and
 * node are -1 (unknown). Isolated CPUs (isolcpus=) are flagged.
 *
 * The LLC of a CPU is its highest-level data or unified cache; CPUs sharing it
 * (shared_cpu_list) form one LLC. LLCs are numbered by their kernel cache id when
 * every LLC has a distinct one, else densely in order of their first CPU. Nodes
 * keep their kernel number (node2 stays 2); without /sys/devices/system/node
 * every online CPU is on node 0. Arrays llcs[] and nodes[] are dense; a CPU's
 * llc/node fields index them.
 */
#ifndef SCX_TOP_LIVE_TOPOLOGY_H
#define SCX_TOP_LIVE_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

struct topo_cpu {
	int id;
	bool possible, present, online, isolated;
	int package;		/* physical_package_id, -1 unknown */
	int core_id;		/* kernel core_id (unique within a package), -1 unknown */
	int core;		/* dense core index (SMT siblings share it), -1 unknown */
	int llc;		/* index into topology.llcs, -1 unknown */
	int node;		/* index into topology.nodes, -1 unknown */
};

struct topo_group {
	int id;			/* displayed id (kernel cache id / node number, or dense) */
	int node;		/* LLC: index of its node (-1 unknown); node: itself */
	unsigned nr_cpus;	/* online CPUs in the group */
	int *cpus;		/* their ids, ascending (owned) */
};

struct topology {
	unsigned nr_cpus;	/* highest possible CPU id + 1 */
	unsigned nr_online;
	unsigned nr_cores;
	struct topo_cpu *cpus;	/* nr_cpus entries, indexed by CPU id */
	unsigned nr_llcs, nr_nodes;
	struct topo_group *llcs, *nodes;
};

/*
 * Read the topology under root ("" or NULL: the real /sys). 0, or a negative
 * errno when the CPU list itself cannot be read (a missing topology file of one
 * CPU is not an error). *t is initialised either way; release it.
 */
int topology_load(struct topology *t, const char *root);
/*
 * The same from a directory laid out like /sys/devices/system (a copy made with
 * `cp -r /sys/devices/system`, or the live one). Without cpu/possible and
 * cpu/present, the cpuN directories are the CPUs, all of them online.
 */
int topology_load_system(struct topology *t, const char *sysdir);
void topology_release(struct topology *t);

/* A CPU id that is in range, or NULL. */
const struct topo_cpu *topology_cpu(const struct topology *t, int cpu);

/*
 * Parse a kernel CPU list ("0-3,8,10-11", "" = empty, trailing newline allowed)
 * into set[0..n): set[i] = true for each listed CPU below n. Returns the highest
 * listed CPU + 1 (0 when empty) or -EINVAL on a malformed list.
 */
int cpulist_parse(const char *s, bool *set, unsigned n);
/* Append the compact form ("0-3,8") of the ids in cpus[0..n) (ascending). */
void cpulist_format(struct strbuf *out, const int *cpus, unsigned n);

#endif
