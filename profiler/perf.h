/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The perf binary scxprof drives: which one, its version, what its `perf
 * script` can print, and the event lists record asks it for.
 */
#ifndef SCX_PROFILER_PERF_H
#define SCX_PROFILER_PERF_H

#include <stdbool.h>
#include <stddef.h>

/* perf script gained the `cgroup` field in v6.3 (commit 3fd7a168bf51). */
#define PERF_CGROUP_FIELD_MAJOR 6
#define PERF_CGROUP_FIELD_MINOR 3

struct perf_info {
	char binary[256];	/* what we ran */
	char path[4096];	/* binary resolved through PATH (= binary when not found) */
	char version_line[128];	/* "perf version 6.1.192" */
	char version[64];	/* "6.1.192" */
	int major, minor;	/* -1 when unknown */
	bool has_cgroup_field;	/* perf script -F cgroup is accepted */
	bool cgroup_probed;	/* has_cgroup_field comes from running perf, not the version */
};

/* $SCXPROF_PERF, else $SCX_CHARACTERIZE_PERF (upstream's name), else "perf". */
const char *perf_binary(void);
/* Parse "perf version X.Y[.Z...]". 0 or -EINVAL. */
int perf_version_parse(const char *line, int *major, int *minor);
/*
 * Run `perf version` and probe whether `perf script` knows the cgroup field
 * (no files are written). 0, or negative errno when perf cannot be run
 * (-ENOENT: not installed); pi->binary is filled either way.
 */
int perf_probe(struct perf_info *pi);

/*
 * Whether `perf mem record` can sample on this host: runs `perf mem record -e
 * list` (it only lists events) in a scratch directory. 1 when memory events are
 * available, 0 when not (why: perf's first line, e.g. "failed: memory events not
 * supported"), or a negative errno when perf could not be run.
 */
int perf_mem_probe(const char *binary, char *why, size_t n);

/*
 * The sched/irq/nmi events of the sched trace, in upstream's order
 * (reference/scxprof-upstream.md §2.1). irq_vectors:* exist only on x86.
 */
extern const char *const perf_sched_events[];
#define PERF_NR_SCHED_EVENTS 15
/* Which of perf_sched_events this kernel has (BTF probe). 0 or negative errno. */
int perf_sched_events_probe(bool present[PERF_NR_SCHED_EVENTS]);

#endif
