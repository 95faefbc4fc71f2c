// SPDX-License-Identifier: GPL-2.0
/*
 * The sched_ext collector for scxtop's scheduler view: DSQ latency, slice
 * consumed, vtime and nr_queued per DSQ and per task. A separate object from
 * bpf/scxtop.bpf.c because it only makes sense (and only loads) on a kernel
 * built with sched_ext; user space (top/live/scx.c) loads it only after a BTF
 * probe finds sched_ext, and reports its absence otherwise, never fatally.
 *
 * Attaches to:
 *  - kprobes on the DSQ insert kfuncs, each optional and attached on its own
 *    (names changed across kernels): scx_bpf_dsq_insert[_vtime] (6.13+),
 *    __scx_bpf_dsq_insert_vtime (args struct, 6.19+), scx_bpf_dispatch[_vtime]
 *    (before 6.13), scx_bpf_dsq_move[_vtime] and scx_bpf_dispatch[_vtime]_from_dsq.
 *    Kprobes read arguments by position, so a changed kfunc signature cannot
 *    make the object fail verification.
 *  - tp_btf/sched_switch: DSQ latency of `next` (switch-in - insert), slice
 *    consumed by `prev` (switch-out - switch-in), scx_bpf_dsq_nr_queued() of the
 *    DSQ at switch-in (weak kfunc: 0 when the kernel lacks it).
 *  - iter/task dump_scx_tasks: one struct scxtop_scx_task_rec per task seen.
 * Per-DSQ statistics live in the `dsq_stats` hash (bucketed ids, bounded: new
 * DSQs beyond SCXTOP_MAX_DSQS are not tracked, counted in `dsq_overflow`).
 * No ring buffer: nothing is dropped.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "scxtop.h"
#include "scxtop_scx.h"

char LICENSE[] SEC("license") = "GPL";

/* Declared here: vmlinux.h of a kernel without sched_ext lacks them (CO-RE). */
struct scx_bpf_dsq_insert_vtime_args___scxtop {
	__u64 dsq_id;
	__u64 slice;
	__u64 vtime;
	__u64 enq_flags;
} __attribute__((preserve_access_index));

extern __s32 scx_bpf_dsq_nr_queued(__u64 dsq_id) __ksym __weak;

#ifndef bpf_ksym_exists	/* libbpf < 1.2 */
#define bpf_ksym_exists(sym) (!!(sym))
#endif

__u32 epoch;		/* sampling window, advanced by the reader */
__u64 dsq_overflow;	/* DSQs not tracked because the map was full */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SCXTOP_MAX_DSQS);
	__type(key, __u64);
	__type(value, struct scxtop_dsq_stats);
} dsq_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct scxtop_scx_task_stats);
} scx_task_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scxtop_scx_task_rec);
} scx_rec_buf SEC(".maps");

/* A zeroed value to insert new DSQs from (too big for the stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scxtop_dsq_stats);
} dsq_zero SEC(".maps");

static __always_inline __u64 dsq_bucket(__u64 id)
{
	if ((id & SCXTOP_DSQ_LOCAL_ON) == SCXTOP_DSQ_LOCAL_ON)
		return SCXTOP_DSQ_LOCAL_ON;
	return id;
}

static __always_inline struct scxtop_dsq_stats *dsq_get(__u64 bucket)
{
	struct scxtop_dsq_stats *ds = bpf_map_lookup_elem(&dsq_stats, &bucket);
	__u32 zero = 0;
	void *z;

	if (ds)
		return ds;
	z = bpf_map_lookup_elem(&dsq_zero, &zero);
	if (!z)
		return NULL;
	if (bpf_map_update_elem(&dsq_stats, &bucket, z, BPF_NOEXIST) == -7 /* E2BIG */)
		__sync_fetch_and_add(&dsq_overflow, 1);
	return bpf_map_lookup_elem(&dsq_stats, &bucket);
}

/* Same slot function as bpf/scxtop.bpf.c (scxtop_lat_slot in user space). */
static __always_inline __u32 lat_slot(__u64 ns)
{
	__u32 m = 0;
	__u64 v = ns;

	if (ns < (1ull << SCXTOP_LAT_MIN_SHIFT))
		return 0;
	if (v >> 32) { v >>= 32; m += 32; }
	if (v >> 16) { v >>= 16; m += 16; }
	if (v >> 8) { v >>= 8; m += 8; }
	if (v >> 4) { v >>= 4; m += 4; }
	if (v >> 2) { v >>= 2; m += 2; }
	if (v >> 1) { m += 1; }
	if (m > SCXTOP_LAT_MAX_SHIFT)
		return SCXTOP_LAT_SLOTS - 1;
	return 1 + (m - SCXTOP_LAT_MIN_SHIFT) * 4 + ((ns >> (m - 2)) & 3);
}

#define LAT_RECORD(st, lat)                                                                        \
	do {                                                                                       \
		__u32 __s = lat_slot(lat), __e = epoch;                                            \
		(st)->lat_total_ns += (lat);                                                       \
		(st)->lat_samples++;                                                               \
		if (!(st)->lat_min_ns || (lat) < (st)->lat_min_ns)                                 \
			(st)->lat_min_ns = (lat);                                                  \
		if ((lat) > (st)->lat_max_ns)                                                      \
			(st)->lat_max_ns = (lat);                                                  \
		if (__s < SCXTOP_LAT_SLOTS)                                                        \
			(st)->lat_hist[__s]++;                                                     \
		if ((st)->win_epoch != __e) {                                                      \
			(st)->win_epoch = __e;                                                     \
			(st)->win_lat_min_ns = (lat);                                              \
			(st)->win_lat_max_ns = (lat);                                              \
		} else {                                                                           \
			if ((lat) < (st)->win_lat_min_ns)                                          \
				(st)->win_lat_min_ns = (lat);                                      \
			if ((lat) > (st)->win_lat_max_ns)                                          \
				(st)->win_lat_max_ns = (lat);                                      \
		}                                                                                  \
	} while (0)

/* A task entered a DSQ (move = true: moved from another DSQ by the scheduler). */
static __always_inline int on_insert(struct task_struct *p, __u64 dsq_id, __u64 vtime,
				     bool has_vtime, bool move)
{
	struct scxtop_scx_task_stats *ts;
	struct scxtop_dsq_stats *ds;
	bool to_local = dsq_id == SCXTOP_DSQ_LOCAL ||
			(dsq_id & SCXTOP_DSQ_LOCAL_ON) == SCXTOP_DSQ_LOCAL_ON;

	if (!p)
		return 0;
	ts = bpf_task_storage_get(&scx_task_stats, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!ts)
		return 0;
	/* A move onto a CPU's local DSQ keeps the wait attributed to the DSQ it left. */
	if (!(move && to_local && ts->insert_ts)) {
		ts->dsq_id = dsq_id;
		ts->insert_ts = bpf_ktime_get_boot_ns();
	}
	if (has_vtime)
		ts->vtime = vtime;
	ds = dsq_get(dsq_bucket(dsq_id));
	if (ds) {
		__sync_fetch_and_add(&ds->nr_inserts, 1);
		if (has_vtime)
			ds->vtime_last = vtime;
	}
	return 0;
}

SEC("kprobe/scx_bpf_dsq_insert")
int BPF_KPROBE(kp_dsq_insert, struct task_struct *p, __u64 dsq_id)
{
	return on_insert(p, dsq_id, 0, false, false);
}

SEC("kprobe/scx_bpf_dsq_insert_vtime")
int BPF_KPROBE(kp_dsq_insert_vtime, struct task_struct *p, __u64 dsq_id, __u64 slice, __u64 vtime)
{
	return on_insert(p, dsq_id, vtime, true, false);
}

SEC("kprobe/__scx_bpf_dsq_insert_vtime")
int BPF_KPROBE(kp_dsq_insert_vtime_args, struct task_struct *p,
	       struct scx_bpf_dsq_insert_vtime_args___scxtop *args)
{
	return on_insert(p, BPF_CORE_READ(args, dsq_id), BPF_CORE_READ(args, vtime), true, false);
}

SEC("kprobe/scx_bpf_dispatch")
int BPF_KPROBE(kp_dispatch, struct task_struct *p, __u64 dsq_id)
{
	return on_insert(p, dsq_id, 0, false, false);
}

SEC("kprobe/scx_bpf_dispatch_vtime")
int BPF_KPROBE(kp_dispatch_vtime, struct task_struct *p, __u64 dsq_id, __u64 slice, __u64 vtime)
{
	return on_insert(p, dsq_id, vtime, true, false);
}

SEC("kprobe/scx_bpf_dsq_move")
int BPF_KPROBE(kp_dsq_move, void *it, struct task_struct *p, __u64 dsq_id)
{
	return on_insert(p, dsq_id, 0, false, true);
}

SEC("kprobe/scx_bpf_dsq_move_vtime")
int BPF_KPROBE(kp_dsq_move_vtime, void *it, struct task_struct *p, __u64 dsq_id)
{
	return on_insert(p, dsq_id, 0, false, true);
}

SEC("kprobe/scx_bpf_dispatch_from_dsq")
int BPF_KPROBE(kp_dispatch_from_dsq, void *it, struct task_struct *p, __u64 dsq_id)
{
	return on_insert(p, dsq_id, 0, false, true);
}

SEC("kprobe/scx_bpf_dispatch_vtime_from_dsq")
int BPF_KPROBE(kp_dispatch_vtime_from_dsq, void *it, struct task_struct *p, __u64 dsq_id)
{
	return on_insert(p, dsq_id, 0, false, true);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(scx_on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 now = bpf_ktime_get_boot_ns();
	struct scxtop_scx_task_stats *ts;
	struct scxtop_dsq_stats *ds;

	ts = bpf_task_storage_get(&scx_task_stats, prev, 0, 0);
	if (ts && ts->run_start_ts) {
		__u64 slice = now - ts->run_start_ts;

		ts->slice_total_ns += slice;
		ts->slice_samples++;
		ts->run_start_ts = 0;
		ds = bpf_map_lookup_elem(&dsq_stats, &ts->last_dsq_id);
		if (ds) {
			__sync_fetch_and_add(&ds->slice_total_ns, slice);
			__sync_fetch_and_add(&ds->slice_samples, 1);
		}
	}

	ts = bpf_task_storage_get(&scx_task_stats, next, 0, 0);
	if (!ts)
		return 0;
	ts->run_start_ts = now;
	if (!ts->insert_ts)
		return 0;
	{
		__u64 lat = now > ts->insert_ts ? now - ts->insert_ts : 0;
		__u64 raw = ts->dsq_id, bucket = dsq_bucket(raw);
		__u32 queued = 0;

		ts->insert_ts = 0;
		ts->last_dsq_id = bucket;
		ts->nr_dispatches++;
		LAT_RECORD(ts, lat);
		if (bpf_ksym_exists(scx_bpf_dsq_nr_queued)) {
			__s32 q = scx_bpf_dsq_nr_queued(raw);

			queued = q > 0 ? (__u32)q : 0;
		}
		ds = bpf_map_lookup_elem(&dsq_stats, &bucket);
		if (!ds)
			return 0;
		/* Several CPUs update a DSQ at once: sums are atomic, extremes best effort. */
		__sync_fetch_and_add(&ds->nr_dispatches, 1);
		/* the window's queue maximum first: LAT_RECORD moves win_epoch on */
		if (ds->win_epoch != epoch || queued > ds->win_queued_max)
			ds->win_queued_max = queued;
		LAT_RECORD(ds, lat);
		ds->nr_queued_last = queued;
		if (queued > ds->nr_queued_max)
			ds->nr_queued_max = queued;
	}
	return 0;
}

SEC("iter/task")
int dump_scx_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *p = ctx->task;
	struct scxtop_scx_task_stats *ts;
	struct scxtop_scx_task_rec *rec;
	__u32 zero = 0;

	if (!p)
		return 0;
	ts = bpf_task_storage_get(&scx_task_stats, p, 0, 0);
	rec = bpf_map_lookup_elem(&scx_rec_buf, &zero);
	if (!ts || !rec)
		return 0;
	rec->pid = p->pid;
	rec->tgid = p->tgid;
	bpf_probe_read_kernel_str(rec->comm, sizeof(rec->comm), p->comm);
	__builtin_memcpy(&rec->st, ts, sizeof(rec->st));
	bpf_seq_write(ctx->meta->seq, rec, sizeof(*rec));
	return 0;
}
