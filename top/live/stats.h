/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The statistics model of scxtop, shared by the TUI, `scxtop --headless` and the
 * MCP server (stats://aggregated/{cpu,llc,node,dsq,process,thread}). No curses,
 * no I/O: it turns raw counter readings into snapshots and snapshots into JSON.
 *
 *   struct stats_raw       one reading of the cumulative counters (filled by
 *                          top/live/sampler.c from BPF, /proc/stat and sysfs, or
 *                          by hand in tests): per CPU, per task, per DSQ.
 *   stats_snapshot_build   the activity between two readings (or since the
 *                          collector started, with prev = NULL), per CPU, LLC,
 *                          NUMA node, process (tgid), thread (tid) and DSQ.
 *   stats_json_*           the snapshot as JSON, with the shared-stats field
 *                          names: nr_switches, nr_wakeups, nr_migrations,
 *                          runtime_ns, latency {avg_ns, min_ns, max_ns, total_ns,
 *                          samples, p50_ns, p90_ns, p99_ns}.
 *
 * Definitions (see bpf/scxtop.bpf.c):
 *  - wakeup latency: time from a task's sched_waking (or wakeup_new) to its next
 *    switch-in, on whatever CPU; it counts for the CPU it was switched in on.
 *  - nr_wakeups of a CPU: wakeups targeting it; of a task: times it was woken.
 *  - nr_migrations of a CPU: tasks migrated onto it (nr_migrations_in; _out too).
 *  - percentiles: scxtop_lat_percentile over the interval's histogram delta
 *    (nearest rank, ~19 % slot width, clamped to [min, max]).
 *  - min_ns/max_ns: exact for consecutive readings (per-window extremes) and
 *    since start; between non-consecutive readings estimated from the histogram.
 */
#ifndef SCX_TOP_LIVE_STATS_H
#define SCX_TOP_LIVE_STATS_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/scxtop.h"
#include "bpf/scxtop_scx.h"
#include "top/live/procstat.h"

struct json_writer;
struct topology;

/* What the sched_ext side found (top/live/scx.c). */
enum stats_sched_state {
	STATS_SCHED_UNSUPPORTED,	/* kernel without sched_ext */
	STATS_SCHED_NONE,		/* sched_ext present, no scheduler loaded */
	STATS_SCHED_RUNNING,		/* a scheduler is running */
};

struct stats_sched {
	enum stats_sched_state state;
	char name[64];			/* root/ops, when running */
	char reason[192];		/* why there is no DSQ data, for the UI */
	bool collecting;		/* the DSQ programs are attached */
};

/* One reading of the cumulative counters. */
struct stats_raw {
	uint64_t ts_ns;			/* CLOCK_BOOTTIME of the reading */
	uint64_t start_ns;		/* when the counters started (collector open) */
	uint32_t epoch;			/* window these counters close (collector_epoch_advance) */
	uint32_t scx_epoch;		/* same for the sched_ext object */
	unsigned nr_cpus;
	struct scxtop_cpu_stats *cpus;	/* nr_cpus, by CPU id */
	struct procstat_cpu *proc;	/* nr_cpus, by CPU id (NULL: none) */
	uint32_t *freq_khz;		/* nr_cpus sysfs frequencies (NULL: not read) */
	bool have_tasks;		/* tasks[] was read for this reading */
	size_t nr_tasks, alloc_tasks;
	struct scxtop_task_rec *tasks;
	size_t nr_dsqs, alloc_dsqs;
	struct scxtop_dsq_rec *dsqs;
	size_t nr_scx_tasks, alloc_scx_tasks;
	struct scxtop_scx_task_rec *scx_tasks;
	uint64_t dropped;		/* ring-buffer records lost since start */
	struct stats_sched sched;
};

void stats_raw_init(struct stats_raw *r, unsigned nr_cpus);
void stats_raw_release(struct stats_raw *r);
/* Copy src into dst (dst initialised; its arrays are reused). */
void stats_raw_copy(struct stats_raw *dst, const struct stats_raw *src);
/* Append records (used by the sampler's callbacks and by tests). */
struct scxtop_task_rec *stats_raw_add_task(struct stats_raw *r);
struct scxtop_dsq_rec *stats_raw_add_dsq(struct stats_raw *r);
struct scxtop_scx_task_rec *stats_raw_add_scx_task(struct stats_raw *r);

struct stats_latency {
	uint64_t avg_ns, min_ns, max_ns, total_ns, samples;
	uint64_t p50_ns, p90_ns, p99_ns;
};

struct stats_cpu {
	int cpu_id;
	int core, llc_id, node_id;	/* displayed ids; -1 unknown (offline) */
	int llc, node;			/* indexes into snapshot llcs/nodes, -1 unknown */
	bool online, isolated;
	bool proc_valid;		/* /proc/stat had a row for it */
	double util_pct;		/* /proc/stat: non-idle share of the interval */
	double user_pct, system_pct, irq_pct, iowait_pct, steal_pct;
	double busy_pct;		/* BPF: non-idle-task share of switch-accounted time */
	uint64_t busy_ns, idle_ns, softirq_ns;
	uint64_t nr_switches, nr_preempts, nr_wakeups;
	uint64_t nr_migrations;		/* = nr_migrations_in */
	uint64_t nr_migrations_in, nr_migrations_out;
	uint64_t nr_softirqs, dropped;
	uint32_t freq_khz;		/* 0: unknown */
	int curr_pid;			/* running at the reading (0: idle) */
	struct stats_latency latency;
	uint32_t hist[SCXTOP_LAT_SLOTS];	/* the interval's latency histogram */
};

/* An LLC or a NUMA node: sums over its online CPUs. */
struct stats_group {
	int id;				/* llc_id / node_id */
	int node_id;			/* LLC: its node (-1 unknown); node: itself */
	unsigned nr_cpus;
	const int *cpus;		/* borrowed from the topology */
	double util_pct, busy_pct;	/* mean over the CPUs */
	double util_max_pct, util_min_pct;
	uint64_t busy_ns, idle_ns, softirq_ns;
	uint64_t nr_switches, nr_preempts, nr_wakeups, nr_migrations;
	uint64_t nr_migrations_in, nr_migrations_out, nr_softirqs;
	struct stats_latency latency;
	uint32_t hist[SCXTOP_LAT_SLOTS];
};

/* What threads and processes have in common (a process: sums over its threads). */
#define STATS_TASK_FIELDS                                                                          \
	char comm[SCXTOP_COMM_LEN];	/* process: the thread group leader's */                  \
	int last_cpu, llc_id, node_id;	/* process: of its busiest thread; -1 unknown */          \
	uint64_t runtime_ns, nr_switches, nr_wakeups, nr_migrations, nr_preempts;                 \
	double cpu_pct;			/* runtime / interval (a process can pass 100) */         \
	struct stats_latency latency;                                                              \
	bool has_scx;			/* sched_ext data below */                                  \
	uint64_t dsq_id;		/* DSQ it last ran from */                                  \
	uint64_t nr_dispatches;                                                                    \
	uint64_t slice_avg_ns;		/* slice consumed per switch-in */                         \
	struct stats_latency dsq_latency;

struct stats_task {
	STATS_TASK_FIELDS
};

struct stats_thread {
	int tid, pid;			/* pid = tgid */
	int prio;
	bool on_cpu;
	int last_waker_pid;
	uint64_t vtime;
	union {				/* t->runtime_ns, or &t->task for shared code */
		struct stats_task task;
		struct {
			STATS_TASK_FIELDS
		};
	};
};

struct stats_process {
	int pid;
	unsigned nr_threads;
	size_t first_thread;		/* its threads: threads[first_thread, +nr_threads) */
	union {
		struct stats_task task;
		struct {
			STATS_TASK_FIELDS
		};
	};
};

struct stats_dsq {
	uint64_t dsq_id;
	uint64_t nr_enqueues, nr_dispatches;
	uint64_t queue_depth;		/* nr_queued at the last switch-in */
	uint64_t nr_queued_max;		/* in the interval (or since start) */
	uint64_t slice_avg_ns;
	uint64_t vtime;
	struct stats_latency latency;
};

struct stats_snapshot {
	uint64_t ts_ns;			/* CLOCK_BOOTTIME of the reading */
	uint64_t interval_ns;		/* time covered */
	bool since_start;		/* built without a previous reading */
	unsigned nr_cpus, nr_online;
	struct stats_cpu *cpus;		/* by CPU id */
	unsigned nr_llcs, nr_nodes;
	struct stats_group *llcs, *nodes;
	struct stats_group total;	/* the whole machine */
	bool have_tasks;
	size_t nr_threads, nr_processes;
	struct stats_thread *threads;	/* sorted by (pid, tid) */
	struct stats_process *processes; /* sorted by pid */
	size_t nr_dsqs;
	struct stats_dsq *dsqs;		/* sorted by dsq_id */
	uint64_t dropped, dropped_total;
	struct stats_sched sched;
};

void stats_snapshot_init(struct stats_snapshot *s);
void stats_snapshot_release(struct stats_snapshot *s);
/*
 * Build the activity between prev and cur (prev NULL: since the counters
 * started). Both readings must come from the same collector. Reuses s's memory.
 */
void stats_snapshot_build(struct stats_snapshot *s, const struct topology *topo,
			  const struct stats_raw *prev, const struct stats_raw *cur);

/* Lookups (NULL when absent). */
const struct stats_process *stats_find_process(const struct stats_snapshot *s, int pid);
const struct stats_thread *stats_find_thread(const struct stats_snapshot *s, int tid);

/* Latency summary of a histogram with its count, total and extremes. */
void stats_latency_from_hist(struct stats_latency *l, const uint32_t *hist, uint64_t samples,
			     uint64_t total_ns, uint64_t min_ns, uint64_t max_ns);
/* "GLOBAL", "LOCAL", "LOCAL_ON", "INVALID" or "0x%llx" into buf (returns buf). */
const char *stats_dsq_name(uint64_t dsq_id, char *buf, size_t n);
/* "none", "sched_ext present, no scheduler" ... for the state. */
const char *stats_sched_state_name(enum stats_sched_state st);

/* JSON output. Each section is one object: {"cpus": [...], "total_cpus": N} ... */
struct stats_json_opts {
	size_t proc_limit;		/* processes shown (0: all) */
	size_t thread_limit;		/* threads shown (0: all) */
	bool active_only;		/* leave out tasks without activity in the interval */
};

void stats_json_latency(struct json_writer *w, const struct stats_latency *l);
void stats_json_cpus(struct json_writer *w, const struct stats_snapshot *s);
void stats_json_llcs(struct json_writer *w, const struct stats_snapshot *s);
void stats_json_nodes(struct json_writer *w, const struct stats_snapshot *s);
void stats_json_processes(struct json_writer *w, const struct stats_snapshot *s,
			  const struct stats_json_opts *o);
void stats_json_threads(struct json_writer *w, const struct stats_snapshot *s,
			const struct stats_json_opts *o);
void stats_json_dsqs(struct json_writer *w, const struct stats_snapshot *s);
void stats_json_scheduler(struct json_writer *w, const struct stats_snapshot *s);

/* Collector status for the "collector" section (programs and drops). */
struct stats_prog {
	const char *name, *attach, *state;	/* state: attached/unavailable/failed */
	bool required;
	const char *error;		/* NULL unless failed */
};

/*
 * The whole headless record (schemas/scxtop-stats.schema.json): header,
 * collector status, scheduler, and every section above, as one object.
 */
void stats_json_snapshot(struct json_writer *w, const struct stats_snapshot *s,
			 uint64_t iteration, const struct stats_prog *progs, size_t nr_progs,
			 const struct stats_json_opts *o);

#endif
