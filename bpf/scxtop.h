/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared between bpf/scxtop.bpf.c (the core scheduler collector) and user
 * space (top/live/collector.c and its users: the TUI, `scxtop trace`, MCP).
 * Includes nothing: the BPF side includes vmlinux.h first, user space
 * <linux/types.h>.
 *
 * Every timestamp is CLOCK_BOOTTIME in ns (bpf_ktime_get_boot_ns), Perfetto's
 * default clock. Event types are persisted in traces by number: append only.
 */
#ifndef SCX_BPF_SCXTOP_H
#define SCX_BPF_SCXTOP_H

#define SCXTOP_COMM_LEN 16
#define SCXTOP_MAX_RINGBUFS 64

/*
 * Latency histogram: slot 0 holds < 64 ns; then 4 slots per power of two from
 * 2^6 to 2^35 ns (~34 s), each a quarter of its octave wide (< 19 % relative
 * width); the last slot holds everything above. See scxtop_lat_slot().
 */
#define SCXTOP_LAT_SLOTS 128
#define SCXTOP_LAT_MIN_SHIFT 6
#define SCXTOP_LAT_MAX_SHIFT 35

/* X-macro: event type, name. Included twice (enum here, names in user space). */
#define SCXTOP_EVENT_TYPES(X)                                                                      \
	X(SWITCH, "sched_switch")                                                                  \
	X(WAKING, "sched_waking")                                                                  \
	X(WAKEUP, "sched_wakeup")                                                                  \
	X(WAKEUP_NEW, "sched_wakeup_new")                                                          \
	X(MIGRATE, "sched_migrate_task")                                                           \
	X(FORK, "sched_process_fork")                                                              \
	X(EXEC, "sched_process_exec")                                                              \
	X(EXIT, "sched_process_exit")                                                              \
	X(FREE, "sched_process_free")                                                              \
	X(SOFTIRQ_ENTRY, "softirq_entry")                                                          \
	X(SOFTIRQ_EXIT, "softirq_exit")                                                            \
	X(CPU_FREQ, "cpu_frequency")                                                               \
	X(RENAME, "task_rename")

enum scxtop_event_type {
	SCXTOP_EV_NONE = 0,
#define SCXTOP_X_ENUM(name, str) SCXTOP_EV_##name,
	SCXTOP_EVENT_TYPES(SCXTOP_X_ENUM)
#undef SCXTOP_X_ENUM
	SCXTOP_EV_MAX,
};

/* ftrace's encoding of sched_switch prev_state (what Perfetto decodes). */
#define SCXTOP_STATE_RUNNING 0x0
#define SCXTOP_STATE_PREEMPTED 0x100 /* TASK_REPORT_MAX: switched out while runnable (R+) */

struct scxtop_event_hdr {
	__u64 ts;	/* CLOCK_BOOTTIME ns */
	__u32 type;	/* enum scxtop_event_type */
	__u32 cpu;	/* CPU the event fired on */
	__s32 pid;	/* current task (ftrace's common_pid) */
	__u32 size;	/* bytes of this record, header included */
};

struct scxtop_switch {
	__s32 prev_pid, prev_tgid, prev_prio;
	__s32 next_pid, next_tgid, next_prio;
	__s64 prev_state;	/* ftrace encoding, see SCXTOP_STATE_* */
	char prev_comm[SCXTOP_COMM_LEN];
	char next_comm[SCXTOP_COMM_LEN];
};

/* sched_waking / sched_wakeup / sched_wakeup_new */
struct scxtop_wake {
	__s32 pid, tgid, prio;
	__s32 target_cpu;	/* task_cpu(p): where it last ran (waking) or will run (wakeup) */
	char comm[SCXTOP_COMM_LEN];
};

struct scxtop_migrate {
	__s32 pid, tgid, prio;
	__s32 orig_cpu, dest_cpu;
	char comm[SCXTOP_COMM_LEN];
};

struct scxtop_fork {
	__s32 parent_pid, parent_tgid;
	__s32 child_pid, child_tgid;
	char parent_comm[SCXTOP_COMM_LEN];
	char child_comm[SCXTOP_COMM_LEN];
};

/* exec (comm is the new one), exit, free and rename (comm is the new name) */
struct scxtop_task {
	__s32 pid, tgid, prio;
	__s32 old_pid;		/* exec only */
	char comm[SCXTOP_COMM_LEN];
};

struct scxtop_softirq {
	__u32 vec;
};

struct scxtop_cpu_freq {
	__u32 cpu;		/* the CPU whose frequency changed (may differ from hdr.cpu) */
	__u32 khz;
};

struct scxtop_event {
	struct scxtop_event_hdr hdr;
	union {
		struct scxtop_switch sw;
		struct scxtop_wake wake;
		struct scxtop_migrate migrate;
		struct scxtop_fork fork;
		struct scxtop_task task;
		struct scxtop_softirq softirq;
		struct scxtop_cpu_freq freq;
	};
};

/*
 * Per-CPU statistics, one array entry per possible CPU. Fields the CPU updates
 * for itself are plain; fields other CPUs update (migrations in and out) are
 * atomic. The array is mmap'ed by user space.
 */
struct scxtop_cpu_stats {
	__u64 nr_switches;
	__u64 nr_preempts;	/* switches with prev still runnable */
	__u64 nr_wakeups;	/* wakeups serviced here: switch-ins of a woken task */
	__u64 nr_migrations_in;	/* atomic */
	__u64 nr_migrations_out;
	__u64 busy_ns;		/* non-idle time, accounted at each switch */
	__u64 idle_ns;
	__u64 softirq_ns;
	__u64 nr_softirqs;
	__u64 lat_total_ns;	/* wakeup latency of tasks switched in here */
	__u64 lat_samples;
	__u64 lat_min_ns;
	__u64 lat_max_ns;
	__u64 last_switch_ts;	/* start of the current run on this CPU */
	__u64 softirq_entry_ts;
	__u64 dropped;		/* ring-buffer records lost on this CPU */
	__s32 curr_pid;		/* task running since last_switch_ts (0: idle) */
	__u32 freq_khz;		/* last cpu_frequency value (0: never reported) */
	__u32 lat_hist[SCXTOP_LAT_SLOTS];
	/*
	 * Latency extremes of the current sampling window: valid when win_epoch
	 * equals the epoch the reader closes (collector_epoch_advance); a record
	 * with an older win_epoch had no latency sample in the window.
	 */
	__u64 win_lat_min_ns;
	__u64 win_lat_max_ns;
	__u32 win_epoch;
	__u32 rb_unqueried;	/* records submitted since the last ring-buffer fill check */
} __attribute__((aligned(64)));

/*
 * Per-task state and statistics, in task storage (freed with the task). In
 * records of the task iterator (scxtop_task_rec) runtime_ns and nr_preempts are
 * filled from the kernel's own counters (se.sum_exec_runtime, nivcsw) relative
 * to when the task was first seen, so sched_switch never touches the storage
 * of the task switching out.
 */
struct scxtop_task_stats {
	__u64 wake_ts;		/* pending wakeup: when it became runnable (0: none) */
	__u64 run_start_ts;	/* last switched in at */
	__u64 runtime_ns;	/* records: CPU time since first seen, up to now if running */
	__u64 nr_switches;	/* times switched in */
	__u64 nr_preempts;	/* records: times switched out while runnable (nivcsw) */
	__u64 nr_wakeups;	/* times woken (sched_waking / wakeup_new) */
	__u64 nr_migrations;
	__u64 lat_total_ns;
	__u64 lat_samples;
	__u64 lat_min_ns;
	__u64 lat_max_ns;
	__s32 last_cpu;
	__s32 last_waker_pid;
	__u32 lat_hist[SCXTOP_LAT_SLOTS];
	__u64 win_lat_min_ns;	/* as in struct scxtop_cpu_stats */
	__u64 win_lat_max_ns;
	__u32 win_epoch;
	__u32 init;		/* the bases below are set */
	__u64 runtime_base;	/* se.sum_exec_runtime when first seen */
	__u64 exec_at_switch_in;	/* se.sum_exec_runtime at the last switch-in */
	__u64 nivcsw_base;	/* nivcsw when first seen */
};

/* One record per task with statistics, written by the iter/task program. */
struct scxtop_task_rec {
	__s32 pid, tgid;
	__s32 prio;
	__u32 on_cpu;		/* running on a CPU right now (task->on_cpu) */
	char comm[SCXTOP_COMM_LEN];
	char leader_comm[SCXTOP_COMM_LEN];	/* the process (thread group leader) name */
	struct scxtop_task_stats st;
};

#endif
