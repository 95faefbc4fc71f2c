// SPDX-License-Identifier: GPL-2.0
/*
 * The core scheduler collector for scxtop (TUI, `scxtop trace`, MCP live stats).
 * Attaches only to BTF tracepoints, so it loads on any kernel with BTF; the
 * sched_ext programs live in a separate object loaded only where sched_ext is.
 *
 * Attaches to: tp_btf/sched_switch, sched_waking, sched_wakeup, sched_wakeup_new,
 * sched_migrate_task, sched_process_fork, sched_process_exec, sched_process_exit,
 * sched_process_free, softirq_entry, softirq_exit, cpu_frequency, task_rename
 * (the last four are optional: user space disables what the kernel lacks).
 *
 * Two outputs, chosen by user space:
 *  - aggregate (rodata, set before load): per-CPU counters, busy/idle time and a
 *    wakeup-latency histogram in the mmap'ed `cpu_stats` array; per-task runtime,
 *    switches, wakeups, migrations and latency in task storage, dumped by the
 *    `dump_tasks` iter/task program. Nothing goes through a ring buffer.
 *  - stream (bss, switchable at run time): one record per event into the ring
 *    buffer of this CPU's group (`rbs`, an array of ring buffers). Records are
 *    fully initialised. A failed reservation is counted in cpu_stats[cpu].dropped
 *    (never silent). Consumers are woken only when a ring buffer is a quarter
 *    full (checked every RB_QUERY_EVERY records); they poll with a timeout
 *    otherwise (cheap at millions of events/s).
 * Timestamps: bpf_ktime_get_boot_ns() (CLOCK_BOOTTIME).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "scxtop.h"

char LICENSE[] SEC("license") = "GPL";

const volatile bool aggregate = true;
const volatile __u32 rb_mask = 0;		/* nr of ring buffers - 1 (a power of two) */
const volatile __u64 wakeup_bytes = 1 << 20;	/* wake the consumer past this much data */

/* Runtime switches (bss, written by user space). */
__u32 epoch;			/* sampling window, advanced by the reader */
__u32 stream;			/* emit per-event records */
__u32 stream_types = ~0u;	/* bit (1 << type) enables a type */

struct rb_inner {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, SCXTOP_MAX_RINGBUFS);
	__type(key, __u32);
	__array(values, struct rb_inner);
} rbs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);		/* set to the number of possible CPUs before load */
	__type(key, __u32);
	__type(value, struct scxtop_cpu_stats);
} cpu_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct scxtop_task_stats);
} task_stats SEC(".maps");

/* Scratch for the iterator's record (too big for the 512-byte BPF stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scxtop_task_rec);
} task_rec_buf SEC(".maps");

struct task_struct___pre516 {
	unsigned int cpu;
} __attribute__((preserve_access_index));

/*
 * tp_btf arguments are trusted BTF pointers: fields are read with direct loads
 * (no bpf_probe_read_kernel call), which matters at millions of switches/s.
 */
static __always_inline int task_cpu(struct task_struct *p)
{
	if (bpf_core_field_exists(p->thread_info.cpu))
		return p->thread_info.cpu;
	return ((struct task_struct___pre516 *)p)->cpu;
}

static __always_inline struct scxtop_cpu_stats *cpu_stats_of(__u32 cpu)
{
	return bpf_map_lookup_elem(&cpu_stats, &cpu);
}

static __always_inline struct scxtop_cpu_stats *this_cpu_stats(void)
{
	return cpu_stats_of(bpf_get_smp_processor_id());
}

/* Position of the most significant bit, for v > 0. */
static __always_inline __u32 msb64(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) { r += 1; }
	return r;
}

static __always_inline __u32 lat_slot(__u64 ns)
{
	__u32 m;

	if (ns < (1ull << SCXTOP_LAT_MIN_SHIFT))
		return 0;
	m = msb64(ns);
	if (m > SCXTOP_LAT_MAX_SHIFT)
		return SCXTOP_LAT_SLOTS - 1;
	return 1 + (m - SCXTOP_LAT_MIN_SHIFT) * 4 + ((ns >> (m - 2)) & 3);
}

static __always_inline struct scxtop_task_stats *task_stats_get(struct task_struct *p,
								  bool create)
{
	return bpf_task_storage_get(&task_stats, p, 0,
				    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

/* The task's storage, created (with its counter bases) on first sight. */
static __always_inline struct scxtop_task_stats *task_stats_init(struct task_struct *p)
{
	struct scxtop_task_stats *ts = task_stats_get(p, true);

	if (ts && !ts->init) {
		ts->init = 1;
		ts->runtime_base = p->se.sum_exec_runtime;
		ts->exec_at_switch_in = ts->runtime_base;
		ts->nivcsw_base = p->nivcsw;
	}
	return ts;
}

static __always_inline bool want(enum scxtop_event_type type)
{
	return stream && (stream_types & (1u << type));
}

/* This CPU's ring buffer (one per group of CPUs). */
static __always_inline void *this_rb(void)
{
	__u32 idx = bpf_get_smp_processor_id() & rb_mask;

	return bpf_map_lookup_elem(&rbs, &idx);
}

/* Reserve a record of `size` bytes in rb; counts drops. */
static __always_inline void *rec_reserve(void *rb, __u32 size)
{
	struct scxtop_cpu_stats *cs;
	void *rec = rb ? bpf_ringbuf_reserve(rb, size, 0) : NULL;

	if (!rec && (cs = this_cpu_stats()))
		cs->dropped++;
	return rec;
}

/*
 * Check how full the ring buffer is once per this many records of a CPU: the
 * query is a helper call, about a tenth of a record's cost.
 */
#define RB_QUERY_EVERY 64

/*
 * Submit; wake the consumer only once a quarter of the buffer is waiting. The
 * fill level is checked every RB_QUERY_EVERY records of this CPU, so a wakeup
 * comes at most that many records late (a few KB against a quarter of the
 * buffer); consumers also poll with a timeout.
 */
static __always_inline void rec_submit(void *rb, void *rec)
{
	struct scxtop_cpu_stats *cs = this_cpu_stats();
	__u64 flags = BPF_RB_NO_WAKEUP;

	if ((!cs || !(++cs->rb_unqueried % RB_QUERY_EVERY)) &&
	    bpf_ringbuf_query(rb, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(rec, flags);
}

/*
 * Copy a task's comm. tp_btf pointers are readable directly, and the kernel
 * keeps comm NUL-padded (strscpy_pad), so 16 plain bytes are the string: no
 * probe-read helper on the hot path.
 */
#define COPY_COMM(dst, task) __builtin_memcpy((dst), (task)->comm, SCXTOP_COMM_LEN)

static __always_inline void hdr_fill_pid(struct scxtop_event_hdr *h, enum scxtop_event_type type,
					 __u64 now, __u32 size, __s32 pid)
{
	h->ts = now;
	h->type = type;
	h->cpu = bpf_get_smp_processor_id();
	h->pid = pid;
	h->size = size;
}

static __always_inline void hdr_fill(struct scxtop_event_hdr *h, enum scxtop_event_type type,
				     __u64 now, __u32 size)
{
	hdr_fill_pid(h, type, now, size, bpf_get_current_pid_tgid() & 0xffffffff);
}

#define REC_SIZE(member) (sizeof(struct scxtop_event_hdr) + sizeof(((struct scxtop_event *)0)->member))

/*
 * ftrace's sched_switch prev_state (__trace_sched_switch_state): TASK_REPORT_MAX
 * when preempted, else the TASK_REPORT bit of the state index (R=0, S=1, D=2,
 * T=4, t=8, X=16, Z=32, P=64, I=128).
 */
static __always_inline __s64 switch_state(bool preempt, unsigned int state,
					  struct task_struct *prev)
{
	unsigned int s;

	if (preempt)
		return SCXTOP_STATE_PREEMPTED;
	s = (state | prev->exit_state) & 0x7f; /* TASK_REPORT */
	if (state == 0x402)	/* TASK_IDLE = TASK_UNINTERRUPTIBLE | TASK_NOLOAD */
		return 0x80;
	if (state == 0x1000)	/* TASK_RTLOCK_WAIT reports as D */
		return 0x2;
	if (!s)
		return 0;
	return 1ll << msb64(s);
}

/* Latency extremes of the current sampling window (see win_epoch in scxtop.h). */
static __always_inline void win_record(__u32 *win_epoch, __u64 *min, __u64 *max, __u64 lat)
{
	__u32 e = epoch;

	if (*win_epoch != e) {
		*win_epoch = e;
		*min = lat;
		*max = lat;
		return;
	}
	if (lat < *min)
		*min = lat;
	if (lat > *max)
		*max = lat;
}

static __always_inline void lat_record(__u64 *total, __u64 *samples, __u64 *min, __u64 *max,
				       __u32 *hist, __u64 lat)
{
	__u32 slot = lat_slot(lat);

	*total += lat;
	*samples += 1;
	if (!*min || lat < *min)
		*min = lat;
	if (lat > *max)
		*max = lat;
	if (slot < SCXTOP_LAT_SLOTS)
		hist[slot]++;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	__u64 now = bpf_ktime_get_boot_ns();
	__s32 prev_pid = prev->pid, next_pid = next->pid;
	/* switched out while runnable: preempted, or still TASK_RUNNING (yield) */
	bool preempted = preempt || !prev_state;

	if (aggregate) {
		struct scxtop_cpu_stats *cs = this_cpu_stats();
		struct scxtop_task_stats *ts;

		if (cs) {
			if (cs->last_switch_ts) {
				__u64 d = now - cs->last_switch_ts;

				if (prev_pid)
					cs->busy_ns += d;
				else
					cs->idle_ns += d;
			}
			cs->last_switch_ts = now;
			cs->curr_pid = next_pid;
			cs->nr_switches++;
			if (preempted)
				cs->nr_preempts++;
		}
		/* prev: nothing to do, the kernel counts its runtime and preemptions */
		if (next_pid && (ts = task_stats_init(next))) {
			ts->run_start_ts = now;
			ts->exec_at_switch_in = next->se.sum_exec_runtime;
			ts->nr_switches++;
			ts->last_cpu = bpf_get_smp_processor_id();
			if (ts->wake_ts && now > ts->wake_ts) {
				__u64 lat = now - ts->wake_ts;

				/* a wakeup serviced here (only this CPU writes cs) */
				if (cs)
					cs->nr_wakeups++;
				lat_record(&ts->lat_total_ns, &ts->lat_samples, &ts->lat_min_ns,
					   &ts->lat_max_ns, ts->lat_hist, lat);
				win_record(&ts->win_epoch, &ts->win_lat_min_ns, &ts->win_lat_max_ns,
					   lat);
				if (cs) {
					lat_record(&cs->lat_total_ns, &cs->lat_samples,
						   &cs->lat_min_ns, &cs->lat_max_ns, cs->lat_hist,
						   lat);
					win_record(&cs->win_epoch, &cs->win_lat_min_ns,
						   &cs->win_lat_max_ns, lat);
				}
			}
			ts->wake_ts = 0;
		}
	}

	if (want(SCXTOP_EV_SWITCH)) {
		void *rb = this_rb();
		struct scxtop_event *e = rec_reserve(rb, REC_SIZE(sw));

		if (!e)
			return 0;
		/* current is prev: no helper call for the pid */
		hdr_fill_pid(&e->hdr, SCXTOP_EV_SWITCH, now, REC_SIZE(sw), prev_pid);
		e->sw.prev_pid = prev_pid;
		e->sw.prev_tgid = prev->tgid;
		e->sw.prev_prio = prev->prio;
		e->sw.next_pid = next_pid;
		e->sw.next_tgid = next->tgid;
		e->sw.next_prio = next->prio;
		e->sw.prev_state = switch_state(preempt, prev_state, prev);
		COPY_COMM(e->sw.prev_comm, prev);
		COPY_COMM(e->sw.next_comm, next);
		rec_submit(rb, e);
	}
	return 0;
}

static __always_inline int on_wake(struct task_struct *p, enum scxtop_event_type type)
{
	__u64 now;

	/* sched_wakeup only feeds the stream (a CPU counts its wakeups at switch-in) */
	if (type == SCXTOP_EV_WAKEUP && !want(type))
		return 0;
	now = bpf_ktime_get_boot_ns();
	if (aggregate && type != SCXTOP_EV_WAKEUP) {
		struct scxtop_task_stats *ts = task_stats_init(p);

		/*
		 * Latency runs from the first sign of runnability: waking (or
		 * wakeup_new). Both fire under p->pi_lock (the rare lockless
		 * wakeup of current can at worst lose one count): no atomics.
		 */
		if (ts) {
			ts->wake_ts = now;
			ts->nr_wakeups++;
			ts->last_waker_pid = bpf_get_current_pid_tgid() & 0xffffffff;
		}
	}

	if (want(type)) {
		void *rb = this_rb();
		struct scxtop_event *e = rec_reserve(rb, REC_SIZE(wake));

		if (!e)
			return 0;
		hdr_fill(&e->hdr, type, now, REC_SIZE(wake));
		e->wake.pid = p->pid;
		e->wake.tgid = p->tgid;
		e->wake.prio = p->prio;
		e->wake.target_cpu = task_cpu(p);
		COPY_COMM(e->wake.comm, p);
		rec_submit(rb, e);
	}
	return 0;
}

SEC("tp_btf/sched_waking")
int BPF_PROG(on_sched_waking, struct task_struct *p)
{
	return on_wake(p, SCXTOP_EV_WAKING);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(on_sched_wakeup, struct task_struct *p)
{
	return on_wake(p, SCXTOP_EV_WAKEUP);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(on_sched_wakeup_new, struct task_struct *p)
{
	return on_wake(p, SCXTOP_EV_WAKEUP_NEW);
}

SEC("tp_btf/sched_migrate_task")
int BPF_PROG(on_sched_migrate_task, struct task_struct *p, int dest_cpu)
{
	__u64 now = bpf_ktime_get_boot_ns();
	int orig = task_cpu(p);

	if (aggregate) {
		struct scxtop_task_stats *ts = task_stats_get(p, false);
		struct scxtop_cpu_stats *cs;

		if (ts)
			ts->nr_migrations++;
		if ((cs = cpu_stats_of(orig)))
			__sync_fetch_and_add(&cs->nr_migrations_out, 1);
		if ((cs = cpu_stats_of(dest_cpu)))
			__sync_fetch_and_add(&cs->nr_migrations_in, 1);
	}
	if (want(SCXTOP_EV_MIGRATE)) {
		void *rb = this_rb();
		struct scxtop_event *e = rec_reserve(rb, REC_SIZE(migrate));

		if (!e)
			return 0;
		hdr_fill(&e->hdr, SCXTOP_EV_MIGRATE, now, REC_SIZE(migrate));
		e->migrate.pid = p->pid;
		e->migrate.tgid = p->tgid;
		e->migrate.prio = p->prio;
		e->migrate.orig_cpu = orig;
		e->migrate.dest_cpu = dest_cpu;
		COPY_COMM(e->migrate.comm, p);
		rec_submit(rb, e);
	}
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	struct scxtop_event *e;
	void *rb;

	if (!want(SCXTOP_EV_FORK))
		return 0;
	rb = this_rb();
	e = rec_reserve(rb, REC_SIZE(fork));
	if (!e)
		return 0;
	hdr_fill(&e->hdr, SCXTOP_EV_FORK, bpf_ktime_get_boot_ns(), REC_SIZE(fork));
	e->fork.parent_pid = parent->pid;
	e->fork.parent_tgid = parent->tgid;
	e->fork.child_pid = child->pid;
	e->fork.child_tgid = child->tgid;
	COPY_COMM(e->fork.parent_comm, parent);
	COPY_COMM(e->fork.child_comm, child);
	rec_submit(rb, e);
	return 0;
}

static __always_inline int task_event(struct task_struct *p, enum scxtop_event_type type,
				      __s32 old_pid, const char *new_comm)
{
	struct scxtop_event *e;
	void *rb;

	if (!want(type))
		return 0;
	rb = this_rb();
	e = rec_reserve(rb, REC_SIZE(task));
	if (!e)
		return 0;
	hdr_fill(&e->hdr, type, bpf_ktime_get_boot_ns(), REC_SIZE(task));
	e->task.pid = p->pid;
	e->task.tgid = p->tgid;
	e->task.prio = p->prio;
	e->task.old_pid = old_pid;
	if (new_comm)
		bpf_probe_read_kernel_str(&e->task.comm, sizeof(e->task.comm), new_comm);
	else
		COPY_COMM(e->task.comm, p);
	rec_submit(rb, e);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_sched_process_exec, struct task_struct *p, pid_t old_pid)
{
	struct scxtop_task_stats *ts;

	/* A pending wakeup from before exec says nothing about the new program. */
	if (aggregate && (ts = task_stats_get(p, false)))
		ts->wake_ts = 0;
	return task_event(p, SCXTOP_EV_EXEC, old_pid, NULL);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_sched_process_exit, struct task_struct *p)
{
	return task_event(p, SCXTOP_EV_EXIT, 0, NULL);
}

SEC("tp_btf/sched_process_free")
int BPF_PROG(on_sched_process_free, struct task_struct *p)
{
	return task_event(p, SCXTOP_EV_FREE, 0, NULL);
}

SEC("tp_btf/task_rename")
int BPF_PROG(on_task_rename, struct task_struct *p, const char *comm)
{
	return task_event(p, SCXTOP_EV_RENAME, 0, comm);
}

static __always_inline int softirq_event(enum scxtop_event_type type, unsigned int vec, __u64 now)
{
	struct scxtop_event *e;
	void *rb;

	if (!want(type))
		return 0;
	rb = this_rb();
	e = rec_reserve(rb, REC_SIZE(softirq));
	if (!e)
		return 0;
	hdr_fill(&e->hdr, type, now, REC_SIZE(softirq));
	e->softirq.vec = vec;
	rec_submit(rb, e);
	return 0;
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(on_softirq_entry, unsigned int vec)
{
	__u64 now = bpf_ktime_get_boot_ns();
	struct scxtop_cpu_stats *cs;

	if (aggregate && (cs = this_cpu_stats())) {
		cs->softirq_entry_ts = now;
		cs->nr_softirqs++;
	}
	return softirq_event(SCXTOP_EV_SOFTIRQ_ENTRY, vec, now);
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(on_softirq_exit, unsigned int vec)
{
	__u64 now = bpf_ktime_get_boot_ns();
	struct scxtop_cpu_stats *cs;

	if (aggregate && (cs = this_cpu_stats()) && cs->softirq_entry_ts) {
		cs->softirq_ns += now - cs->softirq_entry_ts;
		cs->softirq_entry_ts = 0;
	}
	return softirq_event(SCXTOP_EV_SOFTIRQ_EXIT, vec, now);
}

SEC("tp_btf/cpu_frequency")
int BPF_PROG(on_cpu_frequency, unsigned int state, unsigned int cpu_id)
{
	struct scxtop_cpu_stats *cs;
	struct scxtop_event *e;
	void *rb;

	if (aggregate && (cs = cpu_stats_of(cpu_id)))
		cs->freq_khz = state;
	if (!want(SCXTOP_EV_CPU_FREQ))
		return 0;
	rb = this_rb();
	e = rec_reserve(rb, REC_SIZE(freq));
	if (!e)
		return 0;
	hdr_fill(&e->hdr, SCXTOP_EV_CPU_FREQ, bpf_ktime_get_boot_ns(), REC_SIZE(freq));
	e->freq.cpu = cpu_id;
	e->freq.khz = state;
	rec_submit(rb, e);
	return 0;
}

/* Dump every task that has statistics: one struct scxtop_task_rec each. */
SEC("iter/task")
int dump_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *p = ctx->task;
	struct scxtop_task_stats *ts;
	struct scxtop_task_rec *rec;
	__u32 zero = 0;

	if (!p)
		return 0;
	ts = task_stats_get(p, false);
	rec = bpf_map_lookup_elem(&task_rec_buf, &zero);
	if (!ts || !rec)
		return 0;
	rec->pid = p->pid;
	rec->tgid = p->tgid;
	rec->prio = p->prio;
	rec->on_cpu = p->on_cpu;
	bpf_probe_read_kernel_str(rec->comm, sizeof(rec->comm), p->comm);
	bpf_probe_read_kernel_str(rec->leader_comm, sizeof(rec->leader_comm),
				  BPF_CORE_READ(p, group_leader, comm));
	__builtin_memcpy(&rec->st, ts, sizeof(rec->st));
	/*
	 * Runtime from the kernel: sum_exec_runtime is final for a task that is
	 * not running; a running one has run since its switch-in (sum_exec_runtime
	 * only moves at ticks).
	 */
	{
		__u64 exec = p->se.sum_exec_runtime, now = bpf_ktime_get_boot_ns();

		if (rec->on_cpu && ts->run_start_ts && now > ts->run_start_ts)
			exec = ts->exec_at_switch_in + (now - ts->run_start_ts);
		rec->st.runtime_ns = exec > ts->runtime_base ? exec - ts->runtime_base : 0;
		rec->st.nr_preempts = p->nivcsw - ts->nivcsw_base;
	}
	bpf_seq_write(ctx->meta->seq, rec, sizeof(*rec));
	return 0;
}
