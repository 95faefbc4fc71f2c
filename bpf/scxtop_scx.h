/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared between bpf/scxtop_scx.bpf.c (the sched_ext collector, loaded
 * only on kernels with sched_ext) and user space (top/live/scx.c, stats.c).
 * Includes nothing (see bpf/scxtop.h); needs SCXTOP_LAT_SLOTS from scxtop.h.
 *
 * DSQ ids follow the kernel's encoding (include/linux/sched/ext.h): built-in
 * DSQs have bit 63 set; LOCAL_ON|cpu ids are folded into one LOCAL_ON bucket.
 */
#ifndef SCX_BPF_SCXTOP_SCX_H
#define SCX_BPF_SCXTOP_SCX_H

#define SCXTOP_DSQ_FLAG_BUILTIN (1ull << 63)
#define SCXTOP_DSQ_FLAG_LOCAL_ON (1ull << 62)
#define SCXTOP_DSQ_INVALID (SCXTOP_DSQ_FLAG_BUILTIN | 0)
#define SCXTOP_DSQ_GLOBAL (SCXTOP_DSQ_FLAG_BUILTIN | 1)
#define SCXTOP_DSQ_LOCAL (SCXTOP_DSQ_FLAG_BUILTIN | 2)
#define SCXTOP_DSQ_LOCAL_ON (SCXTOP_DSQ_FLAG_BUILTIN | SCXTOP_DSQ_FLAG_LOCAL_ON)
#define SCXTOP_MAX_DSQS 4096

/* Per DSQ (hash map keyed by the bucketed DSQ id). */
struct scxtop_dsq_stats {
	__u64 nr_inserts;	/* tasks inserted into (or moved to) this DSQ */
	__u64 nr_dispatches;	/* tasks switched in after waiting in it */
	__u64 lat_total_ns;	/* DSQ latency: switch-in time - insert time */
	__u64 lat_samples;
	__u64 lat_min_ns;
	__u64 lat_max_ns;
	__u64 slice_total_ns;	/* slice consumed by tasks that ran from it */
	__u64 slice_samples;
	__u64 vtime_last;	/* vtime of the last vtime insert */
	__u32 nr_queued_last;	/* scx_bpf_dsq_nr_queued() at the last switch-in */
	__u32 nr_queued_max;
	__u32 lat_hist[SCXTOP_LAT_SLOTS];
	__u64 win_lat_min_ns;	/* window extremes, see scxtop_cpu_stats */
	__u64 win_lat_max_ns;
	__u32 win_queued_max;
	__u32 win_epoch;
};

struct scxtop_dsq_rec {
	__u64 dsq_id;
	struct scxtop_dsq_stats st;
};

/* Per task (task storage), dumped by the dump_scx_tasks iterator. */
struct scxtop_scx_task_stats {
	__u64 dsq_id;		/* DSQ of the pending insert (SCXTOP_DSQ_INVALID: none) */
	__u64 last_dsq_id;	/* DSQ it last ran from */
	__u64 insert_ts;	/* pending insert time (0: none) */
	__u64 run_start_ts;	/* switched in at (0: not running) */
	__u64 vtime;		/* vtime of the last vtime insert */
	__u64 nr_dispatches;
	__u64 lat_total_ns;
	__u64 lat_samples;
	__u64 lat_min_ns;
	__u64 lat_max_ns;
	__u64 slice_total_ns;	/* time run per switch-in (slice consumed) */
	__u64 slice_samples;
	__u32 lat_hist[SCXTOP_LAT_SLOTS];
	__u64 win_lat_min_ns;
	__u64 win_lat_max_ns;
	__u32 win_epoch;
	__u32 __pad;
};

struct scxtop_scx_task_rec {
	__s32 pid, tgid;
	char comm[SCXTOP_COMM_LEN];
	struct scxtop_scx_task_stats st;
};

#endif
