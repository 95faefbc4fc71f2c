// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming Perfetto trace writer (see pftrace_writer.h for what is written).
 *
 * Hot path: a compact sched_switch is five varints appended to per-CPU column
 * buffers plus a per-bundle comm lookup; nothing is allocated per event. A
 * bundle is serialized when it holds bundle_events events (or at the end):
 * all sizes are known by then, so every length prefix is exact and the bytes
 * go straight to the output buffer. Field numbers are upstream Perfetto's,
 * the same as in our subset protos, schemas/perfetto/ (the tests decode our
 * output with those and with the official ones).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/hashmap.h"
#include "common/util.h"
#include "top/trace/pbwire.h"
#include "top/trace/pftrace_writer.h"

/* TracePacket */
enum {
	TP_FTRACE_EVENTS = 1,
	TP_PROCESS_TREE = 2,
	TP_CLOCK_SNAPSHOT = 6,
	TP_TIMESTAMP = 8,
	TP_SEQ_ID = 10,
	TP_TRACK_EVENT = 11,
	TP_SEQ_FLAGS = 13,
	TP_FTRACE_STATS = 34,
	TP_SYSTEM_INFO = 45,
	TP_TRACK_DESCRIPTOR = 60,
	TP_FIRST_PACKET_ON_SEQ = 87,
};
enum { SEQ_INCREMENTAL_STATE_CLEARED = 1, SEQ_NEEDS_INCREMENTAL_STATE = 2 };

/* FtraceEventBundle, CompactSched */
enum { FB_CPU = 1, FB_EVENT = 2, FB_LOST_EVENTS = 3, FB_COMPACT_SCHED = 4 };
enum { CS_INTERN_TABLE = 5 };

/* FtraceEvent and the oneof members we write */
enum {
	FE_TIMESTAMP = 1,
	FE_PID = 2,
	FE_COMMON_FLAGS = 5,
	FE_SCHED_SWITCH = 4,
	FE_CPU_FREQUENCY = 11,
	FE_CPU_IDLE = 13,
	FE_SCHED_WAKEUP = 17,
	FE_SCHED_WAKING = 20,
	FE_SOFTIRQ_ENTRY = 24,
	FE_SOFTIRQ_EXIT = 25,
	FE_SOFTIRQ_RAISE = 26,
	FE_IRQ_HANDLER_ENTRY = 36,
	FE_IRQ_HANDLER_EXIT = 37,
	FE_SCHED_WAKEUP_NEW = 114,
	FE_TASK_NEWTASK = 235,
	FE_TASK_RENAME = 236,
	FE_SCHED_PROCESS_EXEC = 237,
	FE_SCHED_PROCESS_EXIT = 238,
	FE_SCHED_PROCESS_FORK = 239,
	FE_SCHED_PROCESS_FREE = 240,
	FE_SCHED_MIGRATE_TASK = 491,
};

#define CLONE_THREAD_FLAG 0x00010000ULL

/* compact_sched columns, in CompactSched field order */
enum {
	C_SW_TS,
	C_SW_STATE,
	C_SW_PID,
	C_SW_PRIO,
	C_SW_COMM,
	C_WK_TS,
	C_WK_PID,
	C_WK_CPU,
	C_WK_PRIO,
	C_WK_COMM,
	C_WK_FLAGS,
	NR_COLS,
};
static const uint8_t col_field[NR_COLS] = {1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12};

struct intern_slot {
	uint64_t k0, k1;	/* the comm, NUL-padded to 16 bytes */
	uint32_t gen;		/* valid when == cpu_buf.gen */
	uint32_t idx;
};

struct cpu_buf {
	struct pbuf col[NR_COLS];
	struct pbuf events;	/* FtraceEvent records, tag and length included */
	struct pbuf interns;	/* intern_table records */
	struct intern_slot *slots;
	uint32_t nslots, ninterns, gen;
	uint64_t sw_ts, wk_ts, ev_ts;	/* last timestamp of each chain in this bundle */
	uint32_t nsw, nwk, nev;
	bool flags_seen;	/* some waking had nonzero common flags */
	bool lost;		/* events were dropped before this bundle */
	bool seen;
	uint64_t read_events, dropped;
};

enum {
	TASK_THREAD_WRITTEN = 1,	/* a ProcessTree Thread entry told its tgid */
	TASK_PROCESS_WRITTEN = 2,	/* a Process entry named the process */
	TASK_HAS_CMDLINE = 4,		/* ... with a real cmdline (until exec) */
	TASK_KTHREAD = 8,		/* trace_processor files it under kthreadd */
};

/*
 * What trace_processor was told about a task. Names from ProcessTree outrank
 * the comms of ftrace events there, so an entry is written again only when a
 * name it gave changes (exec, prctl) or the tgid it gave is wrong.
 */
struct task_info {
	int32_t tgid;			/* -1: unknown */
	uint8_t flags;
	char comm[SCHED_COMM_LEN];	/* latest known comm; "" when unknown */
	char tname[SCHED_COMM_LEN];	/* name in the last Thread entry ("": none given) */
	char pname[SCHED_COMM_LEN];	/* comm in the last Process entry (leaders) */
};

#define KTHREADD_PID 2
#define TASK_PT_SHIFT 10
#define TASK_PT_LIMIT (1u << 22)	/* PID_MAX_LIMIT */
#define TASK_PT_PAGES (TASK_PT_LIMIT >> TASK_PT_SHIFT)

struct pftrace_writer {
	FILE *fp;
	int err;
	struct pftrace_opts opts;
	uint32_t seq;
	struct pbuf out;	/* bytes not yet fwrite()n */
	struct pbuf pkt;	/* scratch for small packets */
	struct cpu_buf *cpus;
	size_t ncpus;
	/* tasks: tid → index in tasks[] */
	/*
	 * tid → index + 1 in tasks[] (0: unknown): a two-level table for the tids
	 * Linux hands out (< TASK_PT_LIMIT), a hash map beyond; one or two loads
	 * per lookup, which every event does once or twice.
	 */
	uint32_t **task_pt;
	struct u64map task_ix;
	uint32_t big_slot;	/* task_slot() of a tid beyond the table */
	uint64_t *big_val;
	struct task_info *tasks;
	size_t ntasks, tasks_alloc;
	/* slots of freed tasks, reused: memory follows the tasks alive, not all ever seen */
	uint32_t *free_slots;
	size_t nfree, free_alloc;
	/* pending ProcessTree entries */
	struct pbuf ptree;
	uint64_t ptree_ts, ptree_first;	/* latest and first time of the batch */
	unsigned ptree_n;
	/* sched_ext DSQ → counter track uuid (latency; nr_queued is uuid + 1) */
	struct u64map dsq_uuid;
	uint64_t next_uuid;
	struct pftrace_stats st;
};

static const char *const kind_names[SCHED_EV_NR_KINDS] = {
	[SCHED_EV_NONE] = "none",
	[SCHED_EV_SWITCH] = "sched_switch",
	[SCHED_EV_WAKING] = "sched_waking",
	[SCHED_EV_WAKEUP] = "sched_wakeup",
	[SCHED_EV_WAKEUP_NEW] = "sched_wakeup_new",
	[SCHED_EV_MIGRATE] = "sched_migrate_task",
	[SCHED_EV_NEWTASK] = "task_newtask",
	[SCHED_EV_EXEC] = "sched_process_exec",
	[SCHED_EV_RENAME] = "task_rename",
	[SCHED_EV_EXIT] = "sched_process_exit",
	[SCHED_EV_FREE] = "sched_process_free",
	[SCHED_EV_SOFTIRQ_ENTRY] = "softirq_entry",
	[SCHED_EV_SOFTIRQ_EXIT] = "softirq_exit",
	[SCHED_EV_SOFTIRQ_RAISE] = "softirq_raise",
	[SCHED_EV_IRQ_ENTRY] = "irq_handler_entry",
	[SCHED_EV_IRQ_EXIT] = "irq_handler_exit",
	[SCHED_EV_CPU_FREQ] = "cpu_frequency",
	[SCHED_EV_CPU_IDLE] = "cpu_idle",
	[SCHED_EV_DSQ] = "scx_dsq",
};

const char *sched_event_kind_name(unsigned kind)
{
	return kind < SCHED_EV_NR_KINDS ? kind_names[kind] : "?";
}

/* ---- output ---------------------------------------------------------------------------- */

#define OUT_FLUSH_BYTES (256 * 1024)

static int out_flush(struct pftrace_writer *w)
{
	if (w->err)
		return w->err;
	if (w->out.len && fwrite(w->out.data, 1, w->out.len, w->fp) != w->out.len)
		w->err = err_errno();
	w->st.bytes += w->out.len;
	pbuf_reset(&w->out);
	return w->err;
}

static void out_maybe_flush(struct pftrace_writer *w)
{
	if (w->out.len >= OUT_FLUSH_BYTES)
		out_flush(w);
}

/*
 * Emit w->pkt (the packet's fields without the sequence id) as one TracePacket
 * on our sequence, with optional timestamp (0: none) and sequence flags.
 */
static void packet_emit(struct pftrace_writer *w, uint64_t ts, unsigned seq_flags)
{
	struct pbuf *o = &w->out;
	size_t start;

	start = pb_open(o, 1);
	if (ts)
		pb_uint(o, TP_TIMESTAMP, ts);
	pb_raw(o, w->pkt.data, w->pkt.len);
	pb_uint(o, TP_SEQ_ID, w->seq);
	if (seq_flags)
		pb_uint(o, TP_SEQ_FLAGS, seq_flags);
	pb_close(o, start);
	pbuf_reset(&w->pkt);
	w->st.packets++;
	out_maybe_flush(w);
}

/* ---- header packets -------------------------------------------------------------------- */

static void write_system_info(struct pftrace_writer *w)
{
	const struct pftrace_opts *o = &w->opts;
	struct pbuf *p = &w->pkt;
	struct utsname u;
	bool have_uts = uname(&u) == 0;
	size_t si, us;

	si = pb_open(p, TP_SYSTEM_INFO);
	us = pb_open(p, 1);
	pb_string(p, 1, o->sysname ? o->sysname : have_uts ? u.sysname : "Linux");
	if (o->version || have_uts)
		pb_string(p, 2, o->version ? o->version : u.version);
	if (o->release || have_uts)
		pb_string(p, 3, o->release ? o->release : u.release);
	if (o->machine || have_uts)
		pb_string(p, 4, o->machine ? o->machine : u.machine);
	pb_close(p, us);
	if (o->nr_cpus)
		pb_uint(p, 8, o->nr_cpus);
	pb_close(p, si);
	/* The first packet of the sequence: it starts the incremental state. */
	pb_uint(p, TP_FIRST_PACKET_ON_SEQ, 1);
	packet_emit(w, 0, SEQ_INCREMENTAL_STATE_CLEARED);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void write_clock_snapshot(struct pftrace_writer *w)
{
	struct pftrace_clocks now;
	const struct pftrace_clocks *c = w->opts.clocks;
	static const uint32_t ids[3] = {6 /* BOOTTIME */, 3 /* MONOTONIC */, 1 /* REALTIME */};
	uint64_t vals[3];
	struct pbuf *p = &w->pkt;
	size_t cs, cl;
	int i;

	if (!c) {
		now.boottime = clock_ns(CLOCK_BOOTTIME);
		now.monotonic = clock_ns(CLOCK_MONOTONIC);
		now.realtime = clock_ns(CLOCK_REALTIME);
		c = &now;
	}
	vals[0] = c->boottime;
	vals[1] = c->monotonic;
	vals[2] = c->realtime;
	cs = pb_open(p, TP_CLOCK_SNAPSHOT);
	for (i = 0; i < 3; i++) {
		cl = pb_open(p, 1);
		pb_uint(p, 1, ids[i]);
		pb_uint(p, 2, vals[i]);
		pb_close(p, cl);
	}
	pb_uint(p, 2, 6 /* primary_trace_clock = BOOTTIME */);
	pb_close(p, cs);
	packet_emit(w, c->boottime, 0);
}

/* ---- per-CPU bundles ------------------------------------------------------------------- */

static struct cpu_buf *cpu_get(struct pftrace_writer *w, uint32_t cpu)
{
	if (cpu >= w->ncpus) {
		size_t n = w->ncpus ? w->ncpus : 8;

		while (n <= cpu)
			n *= 2;
		w->cpus = xrealloc(w->cpus, n * sizeof(*w->cpus));
		memset(w->cpus + w->ncpus, 0, (n - w->ncpus) * sizeof(*w->cpus));
		w->ncpus = n;
	}
	return &w->cpus[cpu];
}

static void ptree_flush(struct pftrace_writer *w);

static size_t len_field_size(size_t len)
{
	return 1 + pb_varint_size(len) + len;	/* all our tags here are one byte */
}

static void bundle_flush(struct pftrace_writer *w, uint32_t cpu)
{
	struct cpu_buf *cb = &w->cpus[cpu];
	struct pbuf *o = &w->out;
	size_t compact = 0, bundle, packet;
	int c;

	if (!cb->nsw && !cb->nwk && !cb->nev)
		return;
	/* Thread names and tgids first, so a reader of the file meets them early. */
	ptree_flush(w);

	if (cb->nsw || cb->nwk) {
		compact = cb->interns.len;
		w->st.switch_bytes += cb->interns.len;
		for (c = 0; c < NR_COLS; c++) {
			if (!cb->col[c].len || (c == C_WK_FLAGS && !cb->flags_seen))
				continue;
			compact += len_field_size(cb->col[c].len);
			if (c <= C_SW_COMM)
				w->st.switch_bytes += len_field_size(cb->col[c].len);
		}
	}
	bundle = 1 + pb_varint_size(cpu) + cb->events.len;
	if (compact)
		bundle += len_field_size(compact);
	if (cb->lost)
		bundle += 2;
	packet = len_field_size(bundle) + 1 + pb_varint_size(w->seq);

	pbuf_reserve(o, 3 * PB_VARINT_MAX + 8 + packet);
	o->data[o->len++] = 0x0a;	/* Trace.packet */
	o->len = (size_t)(pb_put_varint(o->data + o->len, packet) - o->data);
	o->data[o->len++] = (uint8_t)pb_tag_value(TP_FTRACE_EVENTS, PB_LEN);
	o->len = (size_t)(pb_put_varint(o->data + o->len, bundle) - o->data);
	o->data[o->len++] = (uint8_t)pb_tag_value(FB_CPU, PB_VARINT);
	o->len = (size_t)(pb_put_varint(o->data + o->len, cpu) - o->data);
	if (cb->lost) {
		o->data[o->len++] = (uint8_t)pb_tag_value(FB_LOST_EVENTS, PB_VARINT);
		o->data[o->len++] = 1;
	}
	pb_raw(o, cb->events.data, cb->events.len);
	if (compact) {
		pb_varint(o, pb_tag_value(FB_COMPACT_SCHED, PB_LEN));
		pb_varint(o, compact);
		pb_raw(o, cb->interns.data, cb->interns.len);
		for (c = 0; c < NR_COLS; c++) {
			if (!cb->col[c].len || (c == C_WK_FLAGS && !cb->flags_seen))
				continue;
			pb_bytes(o, col_field[c], cb->col[c].data, cb->col[c].len);
		}
	}
	pb_uint(o, TP_SEQ_ID, w->seq);

	w->st.packets++;
	w->st.bundles++;
	for (c = 0; c < NR_COLS; c++)
		pbuf_reset(&cb->col[c]);
	pbuf_reset(&cb->events);
	pbuf_reset(&cb->interns);
	cb->ninterns = 0;
	if (++cb->gen == 0) {	/* wrapped: forget every slot */
		if (cb->slots)
			memset(cb->slots, 0, cb->nslots * sizeof(*cb->slots));
		cb->gen = 1;
	}
	cb->nsw = cb->nwk = cb->nev = 0;
	cb->flags_seen = cb->lost = false;
	out_maybe_flush(w);
}

static void bundle_maybe_flush(struct pftrace_writer *w, uint32_t cpu)
{
	struct cpu_buf *cb = &w->cpus[cpu];

	if (cb->nsw + cb->nwk + cb->nev >= w->opts.bundle_events)
		bundle_flush(w, cpu);
}

/* Index of comm in the CPU's current intern table, adding it if new. */
static uint32_t intern_comm(struct cpu_buf *cb, const char *comm)
{
	uint64_t k[2] = {0, 0};
	size_t n = strnlen(comm, SCHED_COMM_LEN);
	uint64_t h;
	uint32_t i, mask;
	struct intern_slot *s;

	memcpy(k, comm, n);
	if (cb->ninterns * 2 >= cb->nslots) {
		/* Grow (rare): move the current bundle's entries into a bigger table. */
		uint32_t nn = cb->nslots ? cb->nslots * 2 : 64, j;
		struct intern_slot *ns = xcalloc(nn, sizeof(*ns));

		for (j = 0; j < cb->nslots; j++) {
			struct intern_slot *os = &cb->slots[j];

			if (os->gen != cb->gen)
				continue;
			h = hash_u64(os->k0 ^ hash_u64(os->k1));
			for (i = (uint32_t)h & (nn - 1); ns[i].gen; i = (i + 1) & (nn - 1))
				;
			ns[i] = *os;
			ns[i].gen = 1;
		}
		free(cb->slots);
		cb->slots = ns;
		cb->nslots = nn;
		cb->gen = 1;	/* slot.gen 0 = never used */
	}
	mask = cb->nslots - 1;
	h = hash_u64(k[0] ^ hash_u64(k[1]));
	for (i = (uint32_t)h & mask;; i = (i + 1) & mask) {
		s = &cb->slots[i];
		if (s->gen != cb->gen)
			break;
		if (s->k0 == k[0] && s->k1 == k[1])
			return s->idx;
	}
	s->k0 = k[0];
	s->k1 = k[1];
	s->gen = cb->gen;
	s->idx = cb->ninterns++;
	pb_bytes(&cb->interns, CS_INTERN_TABLE, comm, n);
	return s->idx;
}

static inline void col_put(struct cpu_buf *cb, int c, uint64_t v)
{
	struct pbuf *b = &cb->col[c];

	pbuf_reserve(b, PB_VARINT_MAX);
	b->len = (size_t)(pb_put_varint(b->data + b->len, v) - b->data);
}

static void compact_switch(struct pftrace_writer *w, uint32_t cpu, const struct sched_event *ev)
{
	struct cpu_buf *cb = &w->cpus[cpu];

	if (cb->nsw && ev->ts < cb->sw_ts)
		bundle_flush(w, cpu);
	col_put(cb, C_SW_TS, cb->nsw ? ev->ts - cb->sw_ts : ev->ts);
	col_put(cb, C_SW_STATE, (uint64_t)ev->sw.prev_state);
	col_put(cb, C_SW_PID, (uint64_t)(int64_t)ev->sw.next.tid);
	col_put(cb, C_SW_PRIO, (uint64_t)(int64_t)ev->sw.next.prio);
	col_put(cb, C_SW_COMM, intern_comm(cb, ev->sw.next.comm));
	cb->sw_ts = ev->ts;
	cb->nsw++;
}

static void compact_waking(struct pftrace_writer *w, uint32_t cpu, const struct sched_event *ev)
{
	struct cpu_buf *cb = &w->cpus[cpu];

	if (cb->nwk && ev->ts < cb->wk_ts)
		bundle_flush(w, cpu);
	col_put(cb, C_WK_TS, cb->nwk ? ev->ts - cb->wk_ts : ev->ts);
	col_put(cb, C_WK_PID, (uint64_t)(int64_t)ev->wake.task.tid);
	col_put(cb, C_WK_CPU, (uint64_t)(int64_t)ev->wake.target_cpu);
	col_put(cb, C_WK_PRIO, (uint64_t)(int64_t)ev->wake.task.prio);
	col_put(cb, C_WK_COMM, intern_comm(cb, ev->wake.task.comm));
	col_put(cb, C_WK_FLAGS, ev->flags);
	cb->flags_seen |= ev->flags != 0;
	cb->wk_ts = ev->ts;
	cb->nwk++;
}

/* Open a full FtraceEvent on cpu's bundle; returns the payload's start for ev_close(). */
static size_t ev_open(struct pftrace_writer *w, uint32_t cpu, const struct sched_event *ev,
		      unsigned payload_field, size_t *outer)
{
	struct cpu_buf *cb = &w->cpus[cpu];
	struct pbuf *b = &cb->events;

	if (cb->nev && ev->ts < cb->ev_ts)
		bundle_flush(w, cpu);
	*outer = pb_open(b, FB_EVENT);
	pb_uint(b, FE_TIMESTAMP, ev->ts);
	pb_uint(b, FE_PID, ev->pid > 0 ? (uint32_t)ev->pid : 0);
	if (ev->flags)
		pb_uint(b, FE_COMMON_FLAGS, ev->flags);
	return pb_open(b, payload_field);
}

static void ev_close(struct pftrace_writer *w, uint32_t cpu, const struct sched_event *ev,
		     size_t payload, size_t outer)
{
	struct cpu_buf *cb = &w->cpus[cpu];

	pb_close(&cb->events, payload);
	pb_close(&cb->events, outer);
	cb->ev_ts = ev->ts;
	cb->nev++;
}

/* comm, pid, prio (the layout of sched_waking/wakeup/wakeup_new, migrate, free). */
static void put_task_cpp(struct pbuf *b, const struct sched_task *t)
{
	pb_comm(b, 1, t->comm);
	pb_int(b, 2, t->tid);
	pb_int(b, 3, t->prio);
}

static void verbose_switch(struct pftrace_writer *w, uint32_t cpu, const struct sched_event *ev)
{
	struct pbuf *b = &w->cpus[cpu].events;
	size_t outer, p = ev_open(w, cpu, ev, FE_SCHED_SWITCH, &outer);

	pb_comm(b, 1, ev->sw.prev.comm);
	pb_int(b, 2, ev->sw.prev.tid);
	pb_int(b, 3, ev->sw.prev.prio);
	pb_int(b, 4, ev->sw.prev_state);
	pb_comm(b, 5, ev->sw.next.comm);
	pb_int(b, 6, ev->sw.next.tid);
	pb_int(b, 7, ev->sw.next.prio);
	ev_close(w, cpu, ev, p, outer);
}

static void verbose_wake(struct pftrace_writer *w, uint32_t cpu, const struct sched_event *ev,
			 unsigned field)
{
	struct pbuf *b = &w->cpus[cpu].events;
	size_t outer, p = ev_open(w, cpu, ev, field, &outer);

	put_task_cpp(b, &ev->wake.task);
	pb_int(b, 5, ev->wake.target_cpu);
	ev_close(w, cpu, ev, p, outer);
}

/* ---- tasks and the process tree -------------------------------------------------------- */

/*
 * ProcessTree entries are batched into one packet stamped with the batch's
 * latest time, so trace_processor never applies an entry before the task
 * appeared (an entry before a task_newtask would make it a second thread).
 * A batch spans at most PTREE_SPAN_NS, so associations are never late by more.
 */
#define PTREE_SPAN_NS 10000000ULL

static void ptree_begin(struct pftrace_writer *w, uint64_t ts)
{
	if (w->ptree_n && ts > w->ptree_first + PTREE_SPAN_NS)
		ptree_flush(w);
}

static void ptree_note(struct pftrace_writer *w, uint64_t ts)
{
	if (!w->ptree_n)
		w->ptree_first = w->ptree_ts = ts;
	if (ts > w->ptree_ts)
		w->ptree_ts = ts;
	w->ptree_n++;
}

static void ptree_flush(struct pftrace_writer *w)
{
	size_t t;

	if (!w->ptree_n)
		return;
	t = pb_open(&w->pkt, TP_PROCESS_TREE);
	pb_raw(&w->pkt, w->ptree.data, w->ptree.len);
	pb_close(&w->pkt, t);
	packet_emit(w, w->ptree_ts, 0);
	pbuf_reset(&w->ptree);
	w->ptree_n = 0;
}

static void ptree_maybe_flush(struct pftrace_writer *w)
{
	if (w->ptree.len >= 16384)
		ptree_flush(w);
}

static void ptree_thread(struct pftrace_writer *w, uint64_t ts, int32_t tid, int32_t tgid,
			 const char *comm)
{
	struct pbuf *b = &w->ptree;
	size_t m;

	ptree_begin(w, ts);
	m = pb_open(b, 2);

	pb_int(b, 1, tid);
	if (comm[0])
		pb_comm(b, 2, comm);
	pb_int(b, 3, tgid);
	pb_close(b, m);
	ptree_note(w, ts);
	w->st.threads++;
}

static void ptree_process(struct pftrace_writer *w, uint64_t ts, int32_t pid, int32_t ppid,
			  const char *comm, const char *cmdline, size_t len, bool is_comm)
{
	struct pbuf *b = &w->ptree;
	size_t m;

	ptree_begin(w, ts);
	m = pb_open(b, 1);

	pb_int(b, 1, pid);
	if (ppid >= 0)
		pb_int(b, 2, ppid);
	while (len && cmdline[len - 1] == '\0')
		len--;
	if (cmdline && len) {
		const char *s = cmdline, *end = cmdline + len;

		while (s <= end) {
			const char *z = memchr(s, '\0', (size_t)(end - s));
			size_t n = z ? (size_t)(z - s) : (size_t)(end - s);

			pb_bytes(b, 3, s, n);
			s += n + 1;
		}
		if (is_comm)
			pb_uint(b, 9, 1);	/* cmdline_is_comm */
	} else if (comm[0]) {
		pb_comm(b, 3, comm);
		pb_uint(b, 9, 1);	/* cmdline_is_comm */
	}
	pb_close(b, m);
	ptree_note(w, ts);
	w->st.processes++;
}

/* The task of tid (> 0), or NULL when it is not known. */
static struct task_info *task_find(const struct pftrace_writer *w, int32_t tid)
{
	uint32_t u = (uint32_t)tid, ix = 0;

	if (u < TASK_PT_LIMIT) {
		const uint32_t *page = w->task_pt[u >> TASK_PT_SHIFT];

		ix = page ? page[u & ((1u << TASK_PT_SHIFT) - 1)] : 0;
	} else {
		const uint64_t *v = u64map_get(&w->task_ix, u);

		ix = v ? (uint32_t)*v : 0;
	}
	return ix ? &w->tasks[ix - 1] : NULL;
}

/* Where tid's index + 1 lives, created if need be. */
static uint32_t *task_slot(struct pftrace_writer *w, int32_t tid)
{
	uint32_t u = (uint32_t)tid;
	uint64_t *v;
	bool created;

	if (u < TASK_PT_LIMIT) {
		uint32_t **page = &w->task_pt[u >> TASK_PT_SHIFT];

		if (!*page)
			*page = xcalloc(1u << TASK_PT_SHIFT, sizeof(**page));
		return &(*page)[u & ((1u << TASK_PT_SHIFT) - 1)];
	}
	/* Beyond what Linux allocates: kept in the hash map, copied back on return. */
	v = u64map_upsert(&w->task_ix, u, &created);
	w->big_slot = (uint32_t)*v;
	w->big_val = v;
	return &w->big_slot;
}

static void task_slot_done(struct pftrace_writer *w, const uint32_t *slot)
{
	if (slot == &w->big_slot)
		*w->big_val = w->big_slot;
}

static struct task_info *task_get(struct pftrace_writer *w, int32_t tid, bool *created)
{
	struct task_info *t = task_find(w, tid);
	uint32_t *slot, ix;

	*created = !t;
	if (t)
		return t;
	if (w->nfree) {
		ix = w->free_slots[--w->nfree];
	} else {
		xgrow((void **)&w->tasks, &w->tasks_alloc, w->ntasks + 1, sizeof(*w->tasks));
		ix = (uint32_t)w->ntasks++;
	}
	slot = task_slot(w, tid);
	*slot = ix + 1;
	task_slot_done(w, slot);
	t = &w->tasks[ix];
	memset(t, 0, sizeof(*t));
	t->tgid = -1;
	return t;
}

/* A freed task: its tid may be reused, and the next one is announced afresh. */
static void task_forget(struct pftrace_writer *w, int32_t tid)
{
	struct task_info *t = tid > 0 ? task_find(w, tid) : NULL;
	uint32_t *slot;

	if (!t)
		return;
	xgrow((void **)&w->free_slots, &w->free_alloc, w->nfree + 1, sizeof(*w->free_slots));
	w->free_slots[w->nfree++] = (uint32_t)(t - w->tasks);
	slot = task_slot(w, tid);
	*slot = 0;
	task_slot_done(w, slot);
}

static bool comm_differs(const char *have, const char *comm)
{
	/* Both usually NUL-padded and equal: one 16-byte compare decides. */
	if (!memcmp(have, comm, SCHED_COMM_LEN))
		return false;
	return strncmp(have, comm, SCHED_COMM_LEN) != 0;
}


/*
 * A task named by an event at ts: remember its tgid and comm (comm NULL or ""
 * = not known here) and queue a ProcessTree entry when something new is known.
 */
static void task_write_thread(struct pftrace_writer *w, uint64_t ts, int32_t tid,
			      struct task_info *t)
{
	ptree_thread(w, ts, tid, t->tgid, t->comm);
	memcpy(t->tname, t->comm, SCHED_COMM_LEN);
	t->flags |= TASK_THREAD_WRITTEN;
}

/*
 * A task named by an event at ts: remember its tgid and comm (comm NULL or ""
 * = not known here) and queue a ProcessTree entry when trace_processor has to
 * learn something: the thread's process, a new name, a process name.
 */
static void task_note(struct pftrace_writer *w, uint64_t ts, int32_t tid, int32_t tgid,
		      const char *comm)
{
	struct task_info *t;
	bool created, tgid_changed = false;

	if (tid <= 0)
		return;	/* idle (trace_processor's swapper) or unknown */
	t = task_get(w, tid, &created);
	if (tgid > 0 && t->tgid != tgid && !(t->flags & TASK_KTHREAD)) {
		tgid_changed = t->tgid > 0;
		t->tgid = tgid;
	}
	if (comm && comm[0] && comm_differs(t->comm, comm))
		sched_comm_set(t->comm, comm);
	if (t->tgid <= 0)
		return;
	if (!(t->flags & TASK_THREAD_WRITTEN) || tgid_changed ||
	    (t->tname[0] && comm_differs(t->tname, t->comm)))
		task_write_thread(w, ts, tid, t);
	/* The leader names the process; a real cmdline from /proc stays until exec. */
	if (tid == t->tgid && t->comm[0] && !(t->flags & (TASK_HAS_CMDLINE | TASK_KTHREAD)) &&
	    (!(t->flags & TASK_PROCESS_WRITTEN) || comm_differs(t->pname, t->comm))) {
		ptree_process(w, ts, tid, -1, t->comm, NULL, 0, true);
		memcpy(t->pname, t->comm, SCHED_COMM_LEN);
		t->flags |= TASK_PROCESS_WRITTEN;
	}
	ptree_maybe_flush(w);
}

static inline void task_note_t(struct pftrace_writer *w, uint64_t ts, const struct sched_task *t)
{
	task_note(w, ts, t->tid, t->tgid, t->comm);
}

/*
 * A forked task: task_newtask tells trace_processor its tid, process (parent's
 * with CLONE_THREAD, else a new one named after it) and comm, so it needs no
 * ProcessTree entry; remember what it says.
 */
static void task_newtask_known(struct pftrace_writer *w, const struct sched_event *ev)
{
	const struct sched_task *ch = &ev->newtask.child, *par = &ev->newtask.parent;
	struct task_info *t;
	bool created;

	if (ch->tid <= 0)
		return;
	t = task_get(w, ch->tid, &created);
	t->tgid = ch->tgid > 0 ? ch->tgid : -1;
	sched_comm_set(t->comm, ch->comm[0] ? ch->comm : par->comm);
	memset(t->tname, 0, SCHED_COMM_LEN);
	memcpy(t->pname, t->comm, SCHED_COMM_LEN);
	t->flags = TASK_THREAD_WRITTEN | (t->tgid == ch->tid ? TASK_PROCESS_WRITTEN : 0);
}

int pftrace_write_process(struct pftrace_writer *w, uint64_t ts, int32_t pid, int32_t ppid,
			  const char *comm, const char *cmdline, size_t len, unsigned flags)
{
	struct task_info *t;
	bool created;

	if (w->err)
		return w->err;
	if (pid <= 0)
		return -EINVAL;
	t = task_get(w, pid, &created);
	if (comm && comm[0])
		sched_comm_set(t->comm, comm);
	ptree_process(w, ts, pid, ppid, t->comm, cmdline, len, flags & PFTRACE_CMDLINE_IS_COMM);
	memcpy(t->pname, t->comm, SCHED_COMM_LEN);
	t->flags |= TASK_PROCESS_WRITTEN;
	if (cmdline && len && cmdline[0])
		t->flags |= TASK_HAS_CMDLINE;
	if (ppid == KTHREADD_PID) {
		/* trace_processor makes children of kthreadd threads of kthreadd. */
		t->tgid = KTHREADD_PID;
		t->flags |= TASK_KTHREAD | TASK_THREAD_WRITTEN;
	} else {
		t->tgid = pid;
	}
	ptree_maybe_flush(w);
	return w->err;
}

int pftrace_write_thread(struct pftrace_writer *w, uint64_t ts, int32_t tid, int32_t tgid,
			 const char *comm)
{
	struct task_info *t;
	bool created;

	if (w->err)
		return w->err;
	if (tid <= 0 || tgid <= 0)
		return -EINVAL;
	t = task_get(w, tid, &created);
	if (!(t->flags & TASK_KTHREAD))
		t->tgid = tgid;
	if (comm && comm[0])
		sched_comm_set(t->comm, comm);
	task_write_thread(w, ts, tid, t);
	ptree_maybe_flush(w);
	return w->err;
}

/* ---- sched_ext DSQ counter tracks ------------------------------------------------------ */

void pftrace_dsq_name(uint64_t id, char *buf, size_t size)
{
	if (id == SCX_DSQ_GLOBAL)
		snprintf(buf, size, "DSQ GLOBAL");
	else if (id == SCX_DSQ_LOCAL)
		snprintf(buf, size, "DSQ LOCAL");
	else if ((id & (SCX_DSQ_FLAG_BUILTIN | SCX_DSQ_FLAG_LOCAL_ON)) ==
		 (SCX_DSQ_FLAG_BUILTIN | SCX_DSQ_FLAG_LOCAL_ON))
		snprintf(buf, size, "DSQ LOCAL_ON %" PRIu64, id & SCX_DSQ_LOCAL_CPU_MASK);
	else if (id & SCX_DSQ_FLAG_BUILTIN)
		snprintf(buf, size, "DSQ 0x%" PRIx64, id);
	else
		snprintf(buf, size, "DSQ %" PRIu64, id);
}

static void counter_track(struct pftrace_writer *w, uint64_t ts, uint64_t uuid, const char *name,
			  unsigned unit)
{
	struct pbuf *p = &w->pkt;
	size_t td = pb_open(p, TP_TRACK_DESCRIPTOR), cd;

	pb_uint(p, 1, uuid);
	pb_string(p, 2, name);
	cd = pb_open(p, 8);	/* counter */
	pb_uint(p, 3, unit);
	pb_close(p, cd);
	pb_close(p, td);
	packet_emit(w, ts, 0);
}

static void counter_value(struct pftrace_writer *w, uint64_t ts, uint64_t uuid, int64_t v)
{
	struct pbuf *p = &w->pkt;
	size_t te = pb_open(p, TP_TRACK_EVENT);

	pb_uint(p, 9, 4);	/* TYPE_COUNTER */
	pb_uint(p, 11, uuid);
	pb_int(p, 30, v);
	pb_close(p, te);
	packet_emit(w, ts, SEQ_NEEDS_INCREMENTAL_STATE);
}

static void write_dsq(struct pftrace_writer *w, const struct sched_event *ev)
{
	bool created;
	uint64_t *uuid = u64map_upsert(&w->dsq_uuid, ev->dsq.dsq_id, &created);
	uint64_t u;

	if (created) {
		char name[64], full[96];

		*uuid = w->next_uuid;
		w->next_uuid += 2;
		pftrace_dsq_name(ev->dsq.dsq_id, name, sizeof(name));
		snprintf(full, sizeof(full), "%s latency", name);
		counter_track(w, ev->ts, *uuid, full, 1 /* UNIT_TIME_NS */);
		snprintf(full, sizeof(full), "%s nr_queued", name);
		counter_track(w, ev->ts, *uuid + 1, full, 2 /* UNIT_COUNT */);
		w->st.dsq_tracks++;
	}
	u = *uuid;
	counter_value(w, ev->ts, u, (int64_t)ev->dsq.latency_ns);
	counter_value(w, ev->ts, u + 1, (int64_t)ev->dsq.nr_queued);
}

/* ---- events ---------------------------------------------------------------------------- */

static void write_newtask(struct pftrace_writer *w, uint32_t cpu, const struct sched_event *ev)
{
	const struct sched_task *par = &ev->newtask.parent, *ch = &ev->newtask.child;
	struct pbuf *b = &w->cpus[cpu].events;
	uint64_t flags = ev->newtask.clone_flags;
	size_t outer, p;

	if (!flags && ch->tgid > 0 && ch->tgid == par->tgid)
		flags = CLONE_THREAD_FLAG;
	p = ev_open(w, cpu, ev, FE_TASK_NEWTASK, &outer);
	pb_int(b, 1, ch->tid);
	pb_comm(b, 2, ch->comm[0] ? ch->comm : par->comm);
	pb_uint(b, 3, flags);
	ev_close(w, cpu, ev, p, outer);

	p = ev_open(w, cpu, ev, FE_SCHED_PROCESS_FORK, &outer);
	pb_comm(b, 1, par->comm);
	pb_int(b, 2, par->tid);
	pb_comm(b, 3, ch->comm[0] ? ch->comm : par->comm);
	pb_int(b, 4, ch->tid);
	ev_close(w, cpu, ev, p, outer);
}

static void write_rename(struct pftrace_writer *w, uint32_t cpu, const struct sched_event *ev,
			 int32_t tid, const char *oldcomm, const char *newcomm)
{
	struct pbuf *b = &w->cpus[cpu].events;
	size_t outer, p = ev_open(w, cpu, ev, FE_TASK_RENAME, &outer);

	pb_int(b, 1, tid);
	pb_comm(b, 2, oldcomm);
	pb_comm(b, 3, newcomm);
	ev_close(w, cpu, ev, p, outer);
}

static void write_exec(struct pftrace_writer *w, uint32_t cpu, const struct sched_event *ev)
{
	const struct sched_task *t = &ev->exec.task;
	struct pbuf *b = &w->cpus[cpu].events;
	struct task_info *ti = t->tid > 0 ? task_find(w, t->tid) : NULL;
	size_t outer, p;

	/* The kernel fires task_rename from exec when the name changes; so do we. */
	if (ti) {
		ti->flags &= (uint8_t)~TASK_HAS_CMDLINE;
		if (ti->comm[0] && t->comm[0] && comm_differs(ti->comm, t->comm))
			write_rename(w, cpu, ev, t->tid, ti->comm, t->comm);
	}
	p = ev_open(w, cpu, ev, FE_SCHED_PROCESS_EXEC, &outer);
	if (ev->exec.filename)
		pb_string(b, 1, ev->exec.filename);
	pb_int(b, 2, t->tid);
	pb_int(b, 3, ev->exec.old_tid ? ev->exec.old_tid : t->tid);
	ev_close(w, cpu, ev, p, outer);
	task_note_t(w, ev->ts, t);
}

static void write_other(struct pftrace_writer *w, uint32_t cpu, const struct sched_event *ev)
{
	struct pbuf *b = &w->cpus[cpu].events;
	size_t outer, p;

	switch (ev->kind) {
	case SCHED_EV_MIGRATE:
		task_note_t(w, ev->ts, &ev->migrate.task);
		p = ev_open(w, cpu, ev, FE_SCHED_MIGRATE_TASK, &outer);
		put_task_cpp(b, &ev->migrate.task);
		pb_int(b, 4, ev->migrate.orig_cpu);
		pb_int(b, 5, ev->migrate.dest_cpu);
		break;
	case SCHED_EV_EXIT:
		task_note_t(w, ev->ts, &ev->exit.task);
		p = ev_open(w, cpu, ev, FE_SCHED_PROCESS_EXIT, &outer);
		pb_comm(b, 1, ev->exit.task.comm);
		pb_int(b, 2, ev->exit.task.tid);
		if (ev->exit.task.tgid >= 0)
			pb_int(b, 3, ev->exit.task.tgid);
		pb_int(b, 4, ev->exit.task.prio);
		break;
	case SCHED_EV_FREE:
		p = ev_open(w, cpu, ev, FE_SCHED_PROCESS_FREE, &outer);
		put_task_cpp(b, &ev->exit.task);
		task_forget(w, ev->exit.task.tid);
		break;
	case SCHED_EV_SOFTIRQ_ENTRY:
	case SCHED_EV_SOFTIRQ_EXIT:
	case SCHED_EV_SOFTIRQ_RAISE:
		p = ev_open(w, cpu, ev,
			    ev->kind == SCHED_EV_SOFTIRQ_ENTRY  ? FE_SOFTIRQ_ENTRY
			    : ev->kind == SCHED_EV_SOFTIRQ_EXIT ? FE_SOFTIRQ_EXIT
								: FE_SOFTIRQ_RAISE,
			    &outer);
		pb_uint(b, 1, ev->softirq.vec);
		break;
	case SCHED_EV_IRQ_ENTRY:
		p = ev_open(w, cpu, ev, FE_IRQ_HANDLER_ENTRY, &outer);
		pb_int(b, 1, ev->irq.irq);
		if (ev->irq.name)
			pb_string(b, 2, ev->irq.name);
		break;
	case SCHED_EV_IRQ_EXIT:
		p = ev_open(w, cpu, ev, FE_IRQ_HANDLER_EXIT, &outer);
		pb_int(b, 1, ev->irq.irq);
		pb_int(b, 2, ev->irq.ret);
		break;
	case SCHED_EV_CPU_FREQ:
		p = ev_open(w, cpu, ev, FE_CPU_FREQUENCY, &outer);
		pb_uint(b, 1, ev->freq.khz);
		pb_uint(b, 2, ev->freq.cpu_id);
		break;
	case SCHED_EV_CPU_IDLE:
		p = ev_open(w, cpu, ev, FE_CPU_IDLE, &outer);
		pb_uint(b, 1, ev->idle.state);
		pb_uint(b, 2, ev->idle.cpu_id);
		break;
	default:
		return;
	}
	ev_close(w, cpu, ev, p, outer);
}

int pftrace_write_event(struct pftrace_writer *w, const struct sched_event *ev)
{
	uint32_t cpu = ev->cpu;

	if (w->err)
		return w->err;
	if (cpu >= PFTRACE_MAX_CPUS || ev->kind == SCHED_EV_NONE || ev->kind >= SCHED_EV_NR_KINDS)
		return -EINVAL;
	if (!w->st.events || ev->ts < w->st.first_ts)
		w->st.first_ts = ev->ts;
	if (ev->ts > w->st.last_ts)
		w->st.last_ts = ev->ts;
	cpu_get(w, cpu)->seen = true;
	/* The emitter: its tgid is known here (its comm is not, except in a switch). */
	if (ev->kind != SCHED_EV_SWITCH)
		task_note(w, ev->ts, ev->pid, ev->tgid, NULL);

	switch (ev->kind) {
	case SCHED_EV_SWITCH:
		task_note_t(w, ev->ts, &ev->sw.prev);
		task_note_t(w, ev->ts, &ev->sw.next);
		if (w->opts.verbose_sched)
			verbose_switch(w, cpu, ev);
		else
			compact_switch(w, cpu, ev);
		break;
	case SCHED_EV_WAKING:
		task_note_t(w, ev->ts, &ev->wake.task);
		if (w->opts.verbose_sched)
			verbose_wake(w, cpu, ev, FE_SCHED_WAKING);
		else
			compact_waking(w, cpu, ev);
		break;
	case SCHED_EV_WAKEUP:
		if (!w->opts.keep_wakeup) {
			w->st.skipped++;
			return 0;
		}
		task_note_t(w, ev->ts, &ev->wake.task);
		verbose_wake(w, cpu, ev, FE_SCHED_WAKEUP);
		break;
	case SCHED_EV_WAKEUP_NEW:
		task_note_t(w, ev->ts, &ev->wake.task);
		verbose_wake(w, cpu, ev, FE_SCHED_WAKEUP_NEW);
		break;
	case SCHED_EV_NEWTASK:
		task_note_t(w, ev->ts, &ev->newtask.parent);
		task_newtask_known(w, ev);
		write_newtask(w, cpu, ev);
		break;
	case SCHED_EV_EXEC:
		write_exec(w, cpu, ev);
		break;
	case SCHED_EV_RENAME:
		write_rename(w, cpu, ev, ev->rename.task.tid, ev->rename.oldcomm,
			     ev->rename.task.comm);
		task_note_t(w, ev->ts, &ev->rename.task);
		break;
	case SCHED_EV_DSQ:
		write_dsq(w, ev);
		break;
	default:
		write_other(w, cpu, ev);
		break;
	}
	w->st.events++;
	w->st.by_kind[ev->kind]++;
	w->cpus[cpu].read_events++;
	bundle_maybe_flush(w, cpu);
	return w->err;
}

int pftrace_note_dropped(struct pftrace_writer *w, int cpu, uint64_t n)
{
	size_t i;

	if (w->err)
		return w->err;
	if (!n)
		return 0;
	if (cpu >= PFTRACE_MAX_CPUS)
		return -EINVAL;
	w->st.dropped += n;
	if (cpu >= 0) {
		struct cpu_buf *cb = cpu_get(w, (uint32_t)cpu);

		cb->dropped += n;
		cb->lost = true;
		return 0;
	}
	cpu_get(w, 0)->dropped += n;
	for (i = 0; i < w->ncpus; i++)
		w->cpus[i].lost = true;
	return 0;
}

/* ---- lifetime -------------------------------------------------------------------------- */

static void write_ftrace_stats(struct pftrace_writer *w, bool end)
{
	size_t ncpus = w->opts.nr_cpus, i, fs, cs;
	struct pbuf *p = &w->pkt;

	for (i = 0; i < w->ncpus; i++)
		if (w->cpus[i].seen || w->cpus[i].dropped)
			ncpus = MAX(ncpus, i + 1);
	if (!ncpus)
		return;
	fs = pb_open(p, TP_FTRACE_STATS);
	pb_uint(p, 1, end ? 2 : 1);	/* END_OF_TRACE : START_OF_TRACE */
	for (i = 0; i < ncpus; i++) {
		const struct cpu_buf *cb = i < w->ncpus ? &w->cpus[i] : NULL;

		cs = pb_open(p, 2);
		pb_uint(p, 1, i);
		pb_uint(p, 3, end && cb ? cb->dropped : 0);	/* overrun */
		if (end && cb) {
			pb_uint(p, 8, cb->dropped);
			pb_uint(p, 9, cb->read_events);
		}
		pb_close(p, cs);
	}
	pb_close(p, fs);
	packet_emit(w, end ? w->st.last_ts : w->st.first_ts, 0);
}

int pftrace_writer_create(struct pftrace_writer **wp, FILE *fp, const struct pftrace_opts *opts)
{
	struct pftrace_writer *w = xcalloc(1, sizeof(*w));

	w->fp = fp;
	w->opts = *opts;
	if (!w->opts.bundle_events)
		w->opts.bundle_events = PFTRACE_DEFAULT_BUNDLE_EVENTS;
	w->seq = opts->sequence_id ? opts->sequence_id : PFTRACE_DEFAULT_SEQ_ID;
	w->next_uuid = 256;	/* small: two varint bytes per counter event */
	w->task_pt = xcalloc(TASK_PT_PAGES, sizeof(*w->task_pt));
	u64map_init(&w->task_ix);
	u64map_init(&w->dsq_uuid);
	pbuf_reserve(&w->out, OUT_FLUSH_BYTES + 4096);

	write_system_info(w);
	if (!opts->no_clock_snapshot)
		write_clock_snapshot(w);
	out_flush(w);
	*wp = w;
	return w->err;
}

int pftrace_writer_finish(struct pftrace_writer *w)
{
	size_t i;

	if (w->err)
		return w->err;
	ptree_flush(w);
	for (i = 0; i < w->ncpus; i++)
		bundle_flush(w, (uint32_t)i);
	ptree_flush(w);
	if (w->st.events || w->st.dropped) {
		write_ftrace_stats(w, false);
		write_ftrace_stats(w, true);
	}
	if (!out_flush(w) && fflush(w->fp))
		w->err = err_errno();
	return w->err;
}

void pftrace_writer_destroy(struct pftrace_writer *w)
{
	size_t i;
	int c;

	if (!w)
		return;
	for (i = 0; i < w->ncpus; i++) {
		struct cpu_buf *cb = &w->cpus[i];

		for (c = 0; c < NR_COLS; c++)
			pbuf_release(&cb->col[c]);
		pbuf_release(&cb->events);
		pbuf_release(&cb->interns);
		free(cb->slots);
	}
	free(w->cpus);
	free(w->tasks);
	free(w->free_slots);
	for (i = 0; w->task_pt && i < TASK_PT_PAGES; i++)
		free(w->task_pt[i]);
	free(w->task_pt);
	u64map_release(&w->task_ix);
	u64map_release(&w->dsq_uuid);
	pbuf_release(&w->out);
	pbuf_release(&w->pkt);
	pbuf_release(&w->ptree);
	free(w);
}

const struct pftrace_stats *pftrace_writer_stats(const struct pftrace_writer *w)
{
	return &w->st;
}
