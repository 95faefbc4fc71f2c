// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming Perfetto loader: see trace_load.h. Field numbers are those of the
 * official protos (../shared/perfetto/protos, perfetto_trace.proto); each
 * decoder names the message it reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "common/err.h"
#include "common/util.h"
#include "top/analyze/pbwire.h"
#include "top/analyze/trace_load.h"

#define CHUNK (4u << 20)
#define MAX_PACKET (256u << 20)
#define MAX_INFLATE (1u << 30)

enum { CLOCK_REALTIME_ID = 1, CLOCK_MONOTONIC_ID = 3, CLOCK_BOOTTIME_ID = 6 };

/* A sequence's interning tables and defaults (trusted_packet_sequence_id). */
struct seq {
	uint32_t id;
	bool cleared;			/* saw SEQ_INCREMENTAL_STATE_CLEARED */
	struct u64map names, cats, ann_names, ann_strs;	/* iid → sid */
	uint64_t default_track;
	bool has_default_track;
	uint32_t clock_id;		/* TracePacketDefaults.timestamp_clock_id */
	int64_t last_us;		/* TrackEvent.timestamp_delta_us base */
};

struct clock {
	uint64_t key;			/* clock id, or seq<<32|id for sequence-scoped ids */
	uint64_t snap_value, snap_boot;
	uint64_t mult;
	bool incremental;
	uint64_t last;
};

enum track_kind { TK_OTHER = 0, TK_PROCESS, TK_THREAD, TK_COUNTER };

struct track {
	uint64_t uuid, parent;
	int64_t pid, tid;
	uint32_t name;
	uint8_t kind;
	bool resolved;
	uint32_t utid;			/* thread this track belongs to (UTID_NONE) */
	int32_t dsq;			/* counter track: DSQ index, -1 */
	uint8_t dsq_kind;
	uint16_t last_cpu;		/* last ONCPU cpu seen on the track */
	uint64_t dsq_begin_ts;
	uint32_t dsq_begin_name;
	uint8_t open[8];		/* open slice kinds (END without category) */
	uint8_t nopen;
};

struct fixup {
	uint32_t cpu;
	uint32_t idx;
	uint64_t flow;
};

/* Interned category/annotation names compared by sid. */
struct known {
	uint32_t oncpu, waker, waker_new, wakee, wakee_new, wakee_unknown, preemptee, preemptor,
		scx_dsq, hardirq, softirq;
	uint32_t a_cpu, a_waker_tid, a_waking_delay_us, a_scx_layer_id, a_scx_dsq_id,
		a_offcpu_reason, a_irq, a_pid, a_tid;
};

struct loader {
	struct trace_model *m;
	const struct load_opts *o;
	/* input */
	int fd;
	const uint8_t *mem;
	size_t mem_len, mem_pos;
	bool gz, gz_eof;
	z_stream z;
	uint8_t *zin;
	uint64_t total;		/* file size (compressed) for progress */
	uint64_t consumed_raw;
	/* buffer */
	uint8_t *buf;
	size_t cap, start, end;
	bool eof;
	uint64_t offset;	/* stream offset of buf[start] */

	struct u64map seq_map;	/* id → index */
	struct seq *seqs;
	size_t nr_seqs, seqs_alloc;
	struct u64map track_map;	/* uuid → index */
	struct track *tracks;
	size_t nr_tracks, tracks_alloc;
	struct clock *clocks;
	size_t nr_clocks, clocks_alloc;
	struct u64map flow_waker;	/* wprof flow id → waker utid */
	struct fixup *fixups;
	size_t nr_fixups, fixups_alloc;
	struct u64map cat_counts;	/* category sid → TrackEvents */
	struct tev *run[3];		/* bundle runs: verbose, compact switch, compact waking */
	size_t run_n[3], run_alloc[3];
	struct tev *merge, *tail;	/* flush_runs scratch */
	size_t merge_alloc, tail_alloc;
	uint32_t *comm_sids;		/* compact intern table → sid */
	size_t comm_alloc;
	struct known k;
	int depth;			/* compressed_packets nesting */
	uint64_t nr_sched_ftrace, nr_sched_track;
};

/* ---------------------------------------------------------------- input -- */

static ssize_t raw_read(struct loader *ld, void *dst, size_t n)
{
	ssize_t r;

	if (ld->mem) {
		size_t left = ld->mem_len - ld->mem_pos;

		if (n > left)
			n = left;
		memcpy(dst, ld->mem + ld->mem_pos, n);
		ld->mem_pos += n;
		return (ssize_t)n;
	}
	do
		r = read(ld->fd, dst, n);
	while (r < 0 && errno == EINTR && !(ld->o && ld->o->cancelled && ld->o->cancelled(ld->o->ctx)));
	return r < 0 ? err_errno() : r;
}

static ssize_t src_read(struct loader *ld, uint8_t *dst, size_t n)
{
	ssize_t r;
	int zr;

	if (!ld->gz) {
		r = raw_read(ld, dst, n);
		if (r > 0)
			ld->consumed_raw += (uint64_t)r;
		return r;
	}
	if (ld->gz_eof)
		return 0;
	ld->z.next_out = dst;
	ld->z.avail_out = (uInt)n;
	while (ld->z.avail_out == n) {
		if (!ld->z.avail_in) {
			r = raw_read(ld, ld->zin, CHUNK);
			if (r < 0)
				return r;
			ld->consumed_raw += (uint64_t)r;
			ld->z.next_in = ld->zin;
			ld->z.avail_in = (uInt)r;
			if (r == 0)
				break;
		}
		zr = inflate(&ld->z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END) {
			/* concatenated gzip members continue; anything else ends the stream */
			if (!ld->z.avail_in) {
				r = raw_read(ld, ld->zin, CHUNK);
				if (r < 0)
					return r;
				ld->consumed_raw += (uint64_t)r;
				ld->z.next_in = ld->zin;
				ld->z.avail_in = (uInt)r;
			}
			if (ld->z.avail_in >= 2 && ld->z.next_in[0] == 0x1f && ld->z.next_in[1] == 0x8b) {
				inflateReset(&ld->z);
				continue;
			}
			ld->gz_eof = true;
			break;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			ld->gz_eof = true;
			if (n - ld->z.avail_out)
				break;
			return -EBADMSG;
		}
	}
	return (ssize_t)(n - ld->z.avail_out);
}

/* Make at least want bytes available at buf[start]; false at EOF (or error in *err). */
static bool fill(struct loader *ld, size_t want, int *err)
{
	while (ld->end - ld->start < want) {
		ssize_t r;

		if (ld->eof)
			return false;
		if (ld->start && (ld->cap - ld->end < CHUNK || ld->cap - ld->start < want)) {
			memmove(ld->buf, ld->buf + ld->start, ld->end - ld->start);
			ld->end -= ld->start;
			ld->start = 0;
		}
		if (ld->cap - ld->end < CHUNK || ld->cap < want) {
			size_t ncap = ld->cap ? ld->cap : 2 * CHUNK;

			while (ncap - ld->end < CHUNK || ncap < want)
				ncap *= 2;
			ld->buf = xrealloc(ld->buf, ncap);
			ld->cap = ncap;
		}
		r = src_read(ld, ld->buf + ld->end, ld->cap - ld->end);
		if (r < 0) {
			*err = (int)r;
			return false;
		}
		if (r == 0)
			ld->eof = true;
		ld->end += (size_t)r;
		if (ld->o && ld->o->progress)
			ld->o->progress(ld->o->ctx, ld->consumed_raw, ld->total);
		if (ld->o && ld->o->cancelled && ld->o->cancelled(ld->o->ctx)) {
			*err = -EINTR;
			return false;
		}
	}
	return true;
}

/* -------------------------------------------------------------- helpers -- */

static struct seq *seq_get(struct loader *ld, uint32_t id)
{
	bool created;
	uint64_t *v = u64map_upsert(&ld->seq_map, id, &created);
	struct seq *s;

	if (created) {
		xgrow((void **)&ld->seqs, &ld->seqs_alloc, ld->nr_seqs + 1, sizeof(*ld->seqs));
		s = &ld->seqs[ld->nr_seqs];
		memset(s, 0, sizeof(*s));
		s->id = id;
		u64map_init(&s->names);
		u64map_init(&s->cats);
		u64map_init(&s->ann_names);
		u64map_init(&s->ann_strs);
		*v = ld->nr_seqs++;
	}
	return &ld->seqs[*v];
}

static void seq_clear(struct seq *s)
{
	u64map_release(&s->names);
	u64map_release(&s->cats);
	u64map_release(&s->ann_names);
	u64map_release(&s->ann_strs);
	u64map_init(&s->names);
	u64map_init(&s->cats);
	u64map_init(&s->ann_names);
	u64map_init(&s->ann_strs);
	s->has_default_track = false;
	s->clock_id = 0;
	s->last_us = 0;
}

static struct track *track_get(struct loader *ld, uint64_t uuid, bool create)
{
	bool created = false;
	uint64_t *v;
	struct track *t;

	if (!create) {
		v = u64map_get(&ld->track_map, uuid);
		return v ? &ld->tracks[*v] : NULL;
	}
	v = u64map_upsert(&ld->track_map, uuid, &created);
	if (created) {
		xgrow((void **)&ld->tracks, &ld->tracks_alloc, ld->nr_tracks + 1, sizeof(*t));
		t = &ld->tracks[ld->nr_tracks];
		memset(t, 0, sizeof(*t));
		t->uuid = uuid;
		t->utid = UTID_NONE;
		t->dsq = -1;
		t->last_cpu = CPU_NONE;
		t->tid = -1;
		*v = ld->nr_tracks++;
	}
	return &ld->tracks[*v];
}

static bool is_idle_task(int64_t pid, int64_t tid)
{
	return pid == WPROF_IDLE_PID || tid < 0 || (pid == 0 && tid <= 0);
}

/* Thread of a track: walk parent_uuid up to a ThreadDescriptor. */
static uint32_t track_utid(struct loader *ld, struct track *t)
{
	struct track *p = t;

	if (t->resolved)
		return t->utid;
	for (int depth = 0; p && depth < 32; depth++) {
		if (p->kind == TK_THREAD) {
			if (is_idle_task(p->pid, p->tid))
				t->utid = UTID_IDLE;
			else
				t->utid = model_thread(ld->m, p->tid);
			t->resolved = true;
			return t->utid;
		}
		if (!p->parent || p->parent == p->uuid)
			break;
		p = track_get(ld, p->parent, false);
	}
	return UTID_NONE;
}

static uint64_t clock_to_boot(struct loader *ld, uint32_t seq_id, uint32_t clock_id, uint64_t ts)
{
	uint64_t key = clock_id >= 64 ? ((uint64_t)seq_id << 32 | clock_id) : clock_id;

	if (clock_id == 0 || clock_id == CLOCK_BOOTTIME_ID)
		return ts;
	for (size_t i = 0; i < ld->nr_clocks; i++) {
		struct clock *c = &ld->clocks[i];

		if (c->key != key)
			continue;
		if (c->incremental) {
			c->last += ts * (c->mult ? c->mult : 1);
			ts = c->last;
		} else if (c->mult > 1) {
			ts *= c->mult;
		}
		return ts - c->snap_value + c->snap_boot;
	}
	ld->m->stats.clock_unconverted++;
	return ts;
}

static uint32_t intern_bytes(struct loader *ld, struct pb_bytes b)
{
	return b.p && b.len ? model_intern(ld->m, (const char *)b.p, b.len) : SID_NONE;
}

static uint32_t lookup_iid(struct loader *ld, struct u64map *map, uint64_t iid)
{
	uint64_t *v = u64map_get(map, iid);

	if (!v) {
		ld->m->stats.interned_missing++;
		return SID_NONE;
	}
	return (uint32_t)*v;
}

/* ------------------------------------------------------ ftrace decoding -- */

struct fev {
	uint64_t ts;
	uint32_t pid;
	uint32_t flags;
};

/* SchedSwitchFtraceEvent: prev_comm 1, prev_pid 2, prev_prio 3, prev_state 4, next_comm 5,
 * next_pid 6, next_prio 7. */
static void dec_sched_switch(struct loader *ld, struct pb *pb, struct tev *e)
{
	struct trace_model *m = ld->m;
	struct pb_bytes prev_comm = {0}, next_comm = {0};
	int64_t prev_pid = 0, next_pid = 0, prev_state = 0;
	int32_t next_prio = 0;
	uint32_t f;
	unsigned w;

	while (pb_field(pb, &f, &w)) {
		switch (f) {
		case 1: prev_comm = pb_bytes(pb); break;
		case 2: prev_pid = (int32_t)pb_uint(pb, w); break;
		case 4: prev_state = (int64_t)pb_uint(pb, w); break;
		case 5: next_comm = pb_bytes(pb); break;
		case 6: next_pid = (int32_t)pb_uint(pb, w); break;
		case 7: next_prio = (int32_t)pb_uint(pb, w); break;
		default: pb_skip(pb, w);
		}
	}
	e->other = model_thread(m, prev_pid);
	e->utid = model_thread(m, next_pid);
	if (prev_state > INT32_MAX || prev_state < INT32_MIN) {
		e->flags |= TEVF_TRUNC_PS;
		prev_state = 0x10000;
	}
	e->arg = (int32_t)prev_state;
	e->prio = (int16_t)next_prio;
	if (next_comm.len) {
		e->str = intern_bytes(ld, next_comm);
		if (e->utid != UTID_IDLE)
			m->threads[e->utid].name = e->str;
	}
	if (prev_comm.len && e->other != UTID_IDLE)
		m->threads[e->other].name = intern_bytes(ld, prev_comm);
}

/* SchedWaking/SchedWakeup/SchedWakeupNew: comm 1, pid 2, prio 3, success 4, target_cpu 5. */
static void dec_waking(struct loader *ld, struct pb *pb, struct tev *e, const struct fev *fe)
{
	struct pb_bytes comm = {0};
	int64_t pid = 0;
	uint32_t f;
	unsigned w;

	e->arg = -1;
	while (pb_field(pb, &f, &w)) {
		switch (f) {
		case 1: comm = pb_bytes(pb); break;
		case 2: pid = (int32_t)pb_uint(pb, w); break;
		case 3: e->prio = (int16_t)pb_uint(pb, w); break;
		case 5: e->arg = (int32_t)pb_uint(pb, w); break;
		default: pb_skip(pb, w);
		}
	}
	e->utid = model_thread(ld->m, pid);
	e->other = model_thread(ld->m, fe->pid);
	if (fe->flags & 0x18)
		e->flags |= TEVF_IRQ;
	if (comm.len) {
		e->str = intern_bytes(ld, comm);
		if (e->utid != UTID_IDLE)
			ld->m->threads[e->utid].name = e->str;
	}
}

static void dec_generic(struct loader *ld, struct pb *pb, struct tev *e, uint32_t ev_field,
			const struct fev *fe)
{
	struct trace_model *m = ld->m;
	struct pb_bytes s1 = {0}, s2 = {0};
	int64_t v[8] = {0};
	bool have[8] = {false};
	uint32_t f;
	unsigned w;

	while (pb_field(pb, &f, &w)) {
		if (w == PB_LEN) {
			struct pb_bytes b = pb_bytes(pb);

			if (!s1.p)
				s1 = b, v[0] = f;
			else
				s2 = b, v[1] = f;
			continue;
		}
		if (f < 8) {
			v[f] = (int64_t)pb_uint(pb, w);
			have[f] = true;
		} else {
			pb_skip(pb, w);
		}
	}
	switch (ev_field) {
	case 491: /* SchedMigrateTask: comm 1, pid 2, prio 3, orig_cpu 4, dest_cpu 5 */
		e->utid = model_thread(m, (int32_t)v[2]);
		e->prio = (int16_t)v[3];
		e->arg2 = have[4] ? (int16_t)v[4] : -1;
		e->arg = (int32_t)v[5];
		if (s1.len) {
			e->str = intern_bytes(ld, s1);
			if (e->utid != UTID_IDLE)
				m->threads[e->utid].name = e->str;
		}
		break;
	case 235: /* TaskNewtask: pid 1, comm 2, clone_flags 3 */
		e->utid = model_thread(m, (int32_t)v[1]);
		e->other = model_thread(m, fe->pid);
		e->arg = (int32_t)(uint32_t)v[3];
		if (s1.len) {
			e->str = intern_bytes(ld, s1);
			m->threads[e->utid].name = e->str;
		}
		if (e->utid != UTID_IDLE) {
			struct thread *c = &m->threads[e->utid], *p = &m->threads[e->other];

			if ((v[3] & 0x10000) && e->other != UTID_IDLE)
				model_thread_set(m, e->utid, p->tgid, SID_NONE);
			else if (!(c->flags & THF_TGID_KNOWN))
				model_thread_set(m, e->utid, c->tid, SID_NONE);
		}
		break;
	case 236: /* TaskRename: pid 1, oldcomm 2, newcomm 3 */
		e->utid = model_thread(m, (int32_t)v[1]);
		if (s2.len) {
			e->str = intern_bytes(ld, s2);
			if (e->utid != UTID_IDLE)
				m->threads[e->utid].name = e->str;
		}
		break;
	case 237: /* SchedProcessExec: filename 1, pid 2, old_pid 3 */
		e->utid = model_thread(m, (int32_t)v[2]);
		if (s1.len)
			e->str = intern_bytes(ld, s1);
		break;
	case 238: /* SchedProcessExit: comm 1, pid 2, tgid 3, prio 4 */
		e->utid = model_thread(m, (int32_t)v[2]);
		e->arg = (int32_t)v[3];
		if (have[3] && v[3] > 0)
			model_thread_set(m, e->utid, v[3], s1.len ? intern_bytes(ld, s1) : SID_NONE);
		break;
	case 239: /* SchedProcessFork: parent_comm 1, parent_pid 2, child_comm 3, child_pid 4 */
		e->other = model_thread(m, (int32_t)v[2]);
		e->utid = model_thread(m, (int32_t)v[4]);
		if (s2.len && e->utid != UTID_IDLE)
			m->threads[e->utid].name = intern_bytes(ld, s2);
		break;
	case 240: /* SchedProcessFree: comm 1, pid 2, prio 3 */
		e->utid = model_thread(m, (int32_t)v[2]);
		break;
	case 24:
	case 25:
	case 26: /* Softirq*: vec 1 */
		e->utid = model_thread(m, fe->pid);
		e->arg = (int32_t)v[1];
		break;
	case 36: /* IrqHandlerEntry: irq 1, name 2, handler 3 */
	case 37: /* IrqHandlerExit: irq 1, ret 2 */
		e->utid = model_thread(m, fe->pid);
		e->arg = (int32_t)v[1];
		if (s1.len)
			e->str = intern_bytes(ld, s1);
		break;
	case 23: /* IpiRaise: target_cpus 1, reason 2 */
		e->utid = model_thread(m, fe->pid);
		e->arg = (int32_t)v[1];
		if (s1.len)
			e->str = intern_bytes(ld, s1);
		break;
	case 11: /* CpuFrequency: state 1, cpu_id 2 */
	case 13: /* CpuIdle: state 1, cpu_id 2 */
		e->arg = (int32_t)(uint32_t)v[1];
		break;
	}
}

static unsigned ftrace_type(uint32_t field)
{
	switch (field) {
	case 4: return TEV_SWITCH;
	case 20: return TEV_WAKING;
	case 17: return TEV_WAKEUP;
	case 114: return TEV_WAKEUP_NEW;
	case 491: return TEV_MIGRATE;
	case 235: return TEV_NEWTASK;
	case 236: return TEV_RENAME;
	case 237: return TEV_EXEC;
	case 238: return TEV_EXIT;
	case 239: return TEV_FORK;
	case 240: return TEV_FREE;
	case 24: return TEV_SOFTIRQ_ENTRY;
	case 25: return TEV_SOFTIRQ_EXIT;
	case 26: return TEV_SOFTIRQ_RAISE;
	case 36: return TEV_IRQ_ENTRY;
	case 37: return TEV_IRQ_EXIT;
	case 23: return TEV_IPI_RAISE;
	case 11: return TEV_CPU_FREQ;
	case 13: return TEV_CPU_IDLE;
	default: return TEV_NONE;
	}
}

static struct tev *run_add(struct loader *ld, int r, uint64_t ts, unsigned type, uint32_t cpu)
{
	struct tev *e;

	if (ld->run_n[r] == ld->run_alloc[r])
		xgrow((void **)&ld->run[r], &ld->run_alloc[r], ld->run_n[r] + 1, sizeof(*e));
	e = &ld->run[r][ld->run_n[r]++];
	memset(e, 0, sizeof(*e));
	e->ts = ts;
	e->type = (uint8_t)type;
	e->cpu = (uint16_t)cpu;
	e->utid = UTID_NONE;
	e->other = UTID_NONE;
	e->arg2 = -1;
	return e;
}

/* FtraceEvent: timestamp 1, pid 2, common_flags 5, payload oneof. */
static void dec_ftrace_event(struct loader *ld, struct pb_bytes b, uint32_t cpu, int64_t clk_off)
{
	struct pb pb = pb_sub(b);
	struct fev fe = {0};
	struct pb_bytes payload = {0};
	uint32_t pf = 0, f;
	unsigned w, type;
	struct tev *e;
	struct pb sub;

	while (pb_field(&pb, &f, &w)) {
		switch (f) {
		case 1: fe.ts = pb_uint(&pb, w); break;
		case 2: fe.pid = (uint32_t)pb_uint(&pb, w); break;
		case 5: fe.flags = (uint32_t)pb_uint(&pb, w); break;
		default:
			if (w == PB_LEN && ftrace_type(f) != TEV_NONE) {
				payload = pb_bytes(&pb);
				pf = f;
			} else {
				pb_skip(&pb, w);
			}
		}
	}
	if (!pb_ok(&pb)) {
		ld->m->stats.bad_packets++;
		return;
	}
	if (!pf)
		return;
	type = ftrace_type(pf);
	fe.ts = (uint64_t)((int64_t)fe.ts + clk_off);
	if (type == TEV_CPU_FREQ || type == TEV_CPU_IDLE) {
		/* these name their CPU in the payload (cpu_id 2) */
		struct pb q = pb_sub(payload);
		uint32_t qf;
		unsigned qw;

		while (pb_field(&q, &qf, &qw)) {
			if (qf == 2)
				cpu = (uint32_t)pb_uint(&q, qw);
			else
				pb_skip(&q, qw);
		}
		if (cpu >= MAX_CPUS)
			return;
	}
	e = run_add(ld, 0, fe.ts, type, cpu);
	sub = pb_sub(payload);
	switch (type) {
	case TEV_SWITCH:
		dec_sched_switch(ld, &sub, e);
		ld->nr_sched_ftrace++;
		break;
	case TEV_WAKING:
	case TEV_WAKEUP:
	case TEV_WAKEUP_NEW:
		dec_waking(ld, &sub, e, &fe);
		break;
	default:
		dec_generic(ld, &sub, e, pf, &fe);
	}
	if (!pb_ok(&sub)) {
		ld->m->stats.bad_packets++;
		ld->run_n[0]--;
	}
}

struct packed {
	struct pb pb;
	bool present;
};

static void packed_init(struct packed *a, struct pb_bytes b)
{
	a->pb = pb_sub(b);
	a->present = true;
}

/* FtraceEventBundle.CompactSched (reference/perfetto.md §1.4). */
static void dec_compact(struct loader *ld, struct pb_bytes b, uint32_t cpu, int64_t clk_off)
{
	struct trace_model *m = ld->m;
	struct packed a[13] = {0};
	size_t nr_comms = 0;
	struct pb pb = pb_sub(b);
	uint32_t f;
	unsigned w;
	uint64_t ts, v;

	while (pb_field(&pb, &f, &w)) {
		if (w != PB_LEN) {
			/* unpacked arrays are not produced by any writer we know; TP rejects them too */
			pb_skip(&pb, w);
			m->stats.compact_parse_errors++;
			continue;
		}
		if (f == 5) {
			struct pb_bytes s = pb_bytes(&pb);

			xgrow((void **)&ld->comm_sids, &ld->comm_alloc, nr_comms + 1, sizeof(uint32_t));
			ld->comm_sids[nr_comms++] = intern_bytes(ld, s);
		} else if (f >= 1 && f <= 12) {
			packed_init(&a[f], pb_bytes(&pb));
		} else {
			pb_skip(&pb, w);
		}
	}
	if (!pb_ok(&pb)) {
		m->stats.compact_parse_errors++;
		return;
	}
	/* switches: timestamp 1 (delta), prev_state 2, next_pid 3, next_prio 4, next_comm_index 6 */
	ts = 0;
	while (pb_packed_next(&a[1].pb, &v)) {
		uint64_t ps = 0, pid = 0, prio = 0, ci = 0;
		struct tev *e;

		ts += v;
		if (!pb_packed_next(&a[2].pb, &ps) || !pb_packed_next(&a[3].pb, &pid) ||
		    !pb_packed_next(&a[4].pb, &prio) || !pb_packed_next(&a[6].pb, &ci) ||
		    ci >= nr_comms) {
			m->stats.compact_parse_errors++;
			break;
		}
		e = run_add(ld, 1, (uint64_t)((int64_t)ts + clk_off), TEV_SWITCH_COMPACT, cpu);
		e->utid = model_thread(m, (int32_t)pid);
		if ((int64_t)ps > INT32_MAX || (int64_t)ps < INT32_MIN) {
			e->flags |= TEVF_TRUNC_PS;
			ps = 0x10000;
		}
		e->arg = (int32_t)ps;
		e->prio = (int16_t)prio;
		e->str = ld->comm_sids[ci];
		if (e->utid != UTID_IDLE && e->str)
			m->threads[e->utid].name = e->str;
		ld->nr_sched_ftrace++;
	}
	/* wakings: timestamp 7 (delta), pid 8, target_cpu 9, prio 10, comm_index 11, flags 12 */
	ts = 0;
	while (pb_packed_next(&a[7].pb, &v)) {
		uint64_t pid = 0, tc = 0, prio = 0, ci = 0, fl = 0;
		struct tev *e;

		ts += v;
		if (!pb_packed_next(&a[8].pb, &pid) || !pb_packed_next(&a[9].pb, &tc) ||
		    !pb_packed_next(&a[10].pb, &prio) || !pb_packed_next(&a[11].pb, &ci) ||
		    ci >= nr_comms) {
			m->stats.compact_parse_errors++;
			break;
		}
		if (a[12].present)
			pb_packed_next(&a[12].pb, &fl);
		e = run_add(ld, 2, (uint64_t)((int64_t)ts + clk_off), TEV_WAKING_COMPACT, cpu);
		e->utid = model_thread(m, (int32_t)pid);
		e->arg = (int32_t)tc;
		e->prio = (int16_t)prio;
		e->str = ld->comm_sids[ci];
		if (fl & 0x18)
			e->flags |= TEVF_IRQ;
		if (e->utid != UTID_IDLE && e->str)
			m->threads[e->utid].name = e->str;
	}
}

/*
 * Append the bundle's runs to the CPU array, merged by timestamp (ties: run
 * order: verbose events, compact switches, compact wakings). Bundles of one
 * CPU may overlap a little (a writer closes a bundle when an event of one kind
 * goes back in time): the overlapping tail is merged in place, so the array
 * stays sorted without a full sort later.
 */
static void flush_runs(struct loader *ld, uint32_t cpu)
{
	struct trace_model *m = ld->m;
	size_t total = ld->run_n[0] + ld->run_n[1] + ld->run_n[2], pos[3] = {0}, k, tail;
	struct cpu_events *c;
	struct tev *mb;
	bool sorted = true;

	if (!total)
		return;
	c = model_cpu(m, cpu);
	if (ld->merge_alloc < total)
		xgrow((void **)&ld->merge, &ld->merge_alloc, total, sizeof(*ld->merge));
	mb = ld->merge;
	for (int r = 0; r < 3; r++)
		for (size_t i = 1; i < ld->run_n[r]; i++)
			if (ld->run[r][i].ts < ld->run[r][i - 1].ts) {
				tev_sort(ld->run[r], ld->run_n[r]);
				break;
			}
	for (size_t i = 0; i < total; i++) {
		int best = -1;

		for (int r = 0; r < 3; r++)
			if (pos[r] < ld->run_n[r] &&
			    (best < 0 || ld->run[r][pos[r]].ts < ld->run[best][pos[best]].ts))
				best = r;
		mb[i] = ld->run[best][pos[best]++];
		if (i && mb[i].ts < mb[i - 1].ts)
			sorted = false;
	}
	ld->run_n[0] = ld->run_n[1] = ld->run_n[2] = 0;
	xgrow((void **)&c->ev, &c->alloc, c->n + total, sizeof(*c->ev));
	if (!sorted)
		c->unsorted = true;
	if (c->unsorted || !c->n || mb[0].ts >= c->ev[c->n - 1].ts) {
		memcpy(c->ev + c->n, mb, total * sizeof(*mb));
		c->n += total;
		c->last_ts = c->ev[c->n - 1].ts;
		return;
	}
	/* first existing event later than the bundle's first: merge from there */
	{
		size_t lo = 0, hi = c->n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (c->ev[mid].ts <= mb[0].ts)
				lo = mid + 1;
			else
				hi = mid;
		}
		k = lo;
	}
	tail = c->n - k;
	if (ld->tail_alloc < tail)
		xgrow((void **)&ld->tail, &ld->tail_alloc, tail, sizeof(*ld->tail));
	memcpy(ld->tail, c->ev + k, tail * sizeof(*c->ev));
	{
		size_t i = 0, j = 0, o = k;

		while (i < tail && j < total)
			c->ev[o++] = mb[j].ts < ld->tail[i].ts ? mb[j++] : ld->tail[i++];
		while (i < tail)
			c->ev[o++] = ld->tail[i++];
		while (j < total)
			c->ev[o++] = mb[j++];
	}
	c->n += total;
	c->last_ts = c->ev[c->n - 1].ts;
}

/* FtraceEventBundle: cpu 1, event 2, lost_events 3, compact_sched 4, ftrace_clock 5,
 * ftrace_timestamp 6, boot_timestamp 7. */
static void dec_bundle(struct loader *ld, struct pb_bytes b)
{
	struct pb pb = pb_sub(b);
	uint64_t cpu = UINT64_MAX, clock = 0;
	int64_t ftrace_ts = 0, boot_ts = 0, off = 0;
	bool have_pair = false;
	uint32_t f;
	unsigned w;

	while (pb_field(&pb, &f, &w)) {
		switch (f) {
		case 1: cpu = pb_uint(&pb, w); break;
		case 3:
			if (pb_uint(&pb, w))
				ld->m->stats.lost_event_bundles++;
			break;
		case 5: clock = pb_uint(&pb, w); break;
		case 6: ftrace_ts = (int64_t)pb_uint(&pb, w), have_pair = true; break;
		case 7: boot_ts = (int64_t)pb_uint(&pb, w); break;
		default: pb_skip(&pb, w);
		}
	}
	if (!pb_ok(&pb) || cpu >= MAX_CPUS) {
		/* trace_processor drops bundles without a (valid) cpu too */
		ld->m->stats.bad_packets++;
		return;
	}
	if (clock > 1) {
		if (have_pair)
			off = boot_ts - ftrace_ts;
		else
			ld->m->stats.clock_unconverted++;
	}
	pb = pb_sub(b);
	while (pb_field(&pb, &f, &w)) {
		if (f == 2 && w == PB_LEN)
			dec_ftrace_event(ld, pb_bytes(&pb), (uint32_t)cpu, off);
		else if (f == 4 && w == PB_LEN)
			dec_compact(ld, pb_bytes(&pb), (uint32_t)cpu, off);
		else
			pb_skip(&pb, w);
	}
	flush_runs(ld, (uint32_t)cpu);
}

/* ------------------------------------------------------ process tables -- */

static uint32_t basename_sid(struct loader *ld, struct pb_bytes s)
{
	size_t i = s.len;

	while (i && s.p[i - 1] != '/')
		i--;
	if (i == s.len)
		i = 0;
	return model_intern(ld->m, (const char *)s.p + i, s.len - i);
}

/* ProcessTree: processes 1 {pid 1, ppid 2, cmdline 3 (repeated), cmdline_is_comm 9},
 * threads 2 {tid 1, name 2, tgid 3}. */
static void dec_process_tree(struct loader *ld, struct pb_bytes b)
{
	struct trace_model *m = ld->m;
	struct pb pb = pb_sub(b);
	uint32_t f;
	unsigned w;

	m->meta.has_process_tree = true;
	while (pb_field(&pb, &f, &w)) {
		struct pb sub;
		uint32_t sf;
		unsigned sw;

		if (w != PB_LEN || (f != 1 && f != 2)) {
			pb_skip(&pb, w);
			continue;
		}
		sub = pb_sub(pb_bytes(&pb));
		if (f == 1) {
			int64_t pid = -1;
			struct pb_bytes cmd0 = {0};
			bool is_comm = false;

			while (pb_field(&sub, &sf, &sw)) {
				if (sf == 1)
					pid = (int32_t)pb_uint(&sub, sw);
				else if (sf == 3 && sw == PB_LEN && !cmd0.p)
					cmd0 = pb_bytes(&sub);
				else if (sf == 9)
					is_comm = pb_uint(&sub, sw);
				else
					pb_skip(&sub, sw);
			}
			if (pb_ok(&sub) && pid > 0) {
				struct process *p = model_process(m, pid);
				uint32_t u = model_thread(m, pid);

				if (cmd0.len) {
					p->cmdline = intern_bytes(ld, cmd0);
					if (is_comm)
						p->name = p->cmdline;
					else if (!p->name)
						p->name = basename_sid(ld, cmd0);
				}
				model_thread_set(m, u, pid, is_comm && cmd0.len ? p->name : SID_NONE);
			}
		} else {
			int64_t tid = -1, tgid = 0;
			struct pb_bytes name = {0};

			while (pb_field(&sub, &sf, &sw)) {
				if (sf == 1)
					tid = (int32_t)pb_uint(&sub, sw);
				else if (sf == 3)
					tgid = (int32_t)pb_uint(&sub, sw);
				else if (sf == 2 && sw == PB_LEN)
					name = pb_bytes(&sub);
				else
					pb_skip(&sub, sw);
			}
			if (pb_ok(&sub) && tid > 0)
				model_thread_set(m, model_thread(m, tid), tgid,
						 name.len ? intern_bytes(ld, name) : SID_NONE);
		}
		if (!pb_ok(&sub))
			m->stats.bad_packets++;
	}
}

/* GenericKernelProcessTree: processes 1 {pid 1, ppid 2, cmdline 3}, threads 2 {tid 1,
 * pid 2, comm 3, is_main_thread 4, is_idle 5}. */
static void dec_generic_tree(struct loader *ld, struct pb_bytes b)
{
	struct trace_model *m = ld->m;
	struct pb pb = pb_sub(b);
	uint32_t f;
	unsigned w;

	while (pb_field(&pb, &f, &w)) {
		struct pb sub;
		int64_t a = -1, c = 0;
		struct pb_bytes s = {0};
		bool idle = false;
		uint32_t sf;
		unsigned sw;

		if (w != PB_LEN || (f != 1 && f != 2)) {
			pb_skip(&pb, w);
			continue;
		}
		sub = pb_sub(pb_bytes(&pb));
		while (pb_field(&sub, &sf, &sw)) {
			if (sf == 1)
				a = (int64_t)pb_uint(&sub, sw);
			else if (sf == 2)
				c = (int64_t)pb_uint(&sub, sw);
			else if (sf == 3 && sw == PB_LEN)
				s = pb_bytes(&sub);
			else if (sf == 5)
				idle = pb_uint(&sub, sw);
			else
				pb_skip(&sub, sw);
		}
		if (!pb_ok(&sub) || a <= 0 || a >= WPROF_IDLE_PID)
			continue;
		if (f == 1) {
			struct process *p = model_process(m, a);

			if (s.len)
				p->name = p->cmdline = intern_bytes(ld, s);
		} else if (!idle && !is_idle_task(c, a)) {
			model_thread_set(m, model_thread(m, a), c > 0 && c < WPROF_IDLE_PID ? c : a,
					 s.len ? intern_bytes(ld, s) : SID_NONE);
		}
	}
}

/* SystemInfo: utsname 1 {sysname 1, version 2, release 3, machine 4}, num_cpus 8. */
static void dec_system_info(struct loader *ld, struct pb_bytes b)
{
	struct trace_model *m = ld->m;
	struct pb pb = pb_sub(b);
	uint32_t f;
	unsigned w;

	m->meta.has_system_info = true;
	while (pb_field(&pb, &f, &w)) {
		if (f == 1 && w == PB_LEN) {
			struct pb u = pb_sub(pb_bytes(&pb));
			uint32_t uf;
			unsigned uw;

			while (pb_field(&u, &uf, &uw)) {
				if (uw == PB_LEN && uf == 1)
					m->meta.sysname = intern_bytes(ld, pb_bytes(&u));
				else if (uw == PB_LEN && uf == 3)
					m->meta.release = intern_bytes(ld, pb_bytes(&u));
				else if (uw == PB_LEN && uf == 4)
					m->meta.machine = intern_bytes(ld, pb_bytes(&u));
				else
					pb_skip(&u, uw);
			}
		} else if (f == 8) {
			m->meta.num_cpus = (uint32_t)pb_uint(&pb, w);
		} else {
			pb_skip(&pb, w);
		}
	}
}

/* ClockSnapshot: clocks 1 {clock_id 1, timestamp 2, is_incremental 3, unit_multiplier_ns 4}. */
static void dec_clock_snapshot(struct loader *ld, struct pb_bytes b, uint32_t seq_id)
{
	struct pb pb = pb_sub(b);
	struct clock cl[16];
	size_t n = 0;
	uint64_t boot = 0;
	bool have_boot = false;
	uint32_t f;
	unsigned w;

	while (pb_field(&pb, &f, &w)) {
		if (f == 1 && w == PB_LEN && n < ARRAY_SIZE(cl)) {
			struct pb c = pb_sub(pb_bytes(&pb));
			uint32_t cf, id = 0;
			unsigned cw;

			memset(&cl[n], 0, sizeof(cl[n]));
			while (pb_field(&c, &cf, &cw)) {
				switch (cf) {
				case 1: id = (uint32_t)pb_uint(&c, cw); break;
				case 2: cl[n].snap_value = pb_uint(&c, cw); break;
				case 3: cl[n].incremental = pb_uint(&c, cw); break;
				case 4: cl[n].mult = pb_uint(&c, cw); break;
				default: pb_skip(&c, cw);
				}
			}
			cl[n].key = id >= 64 ? ((uint64_t)seq_id << 32 | id) : id;
			if (id == CLOCK_BOOTTIME_ID) {
				boot = cl[n].snap_value;
				have_boot = true;
			}
			if (id == CLOCK_REALTIME_ID && !ld->m->meta.snap_realtime)
				ld->m->meta.snap_realtime = cl[n].snap_value;
			n++;
		} else {
			pb_skip(&pb, w);
		}
	}
	ld->m->meta.has_clock_snapshot = true;
	if (!have_boot)
		return;
	if (!ld->m->meta.snap_boot)
		ld->m->meta.snap_boot = boot;
	for (size_t i = 0; i < n; i++) {
		size_t j;

		if (cl[i].key == CLOCK_BOOTTIME_ID)
			continue;
		for (j = 0; j < ld->nr_clocks; j++)
			if (ld->clocks[j].key == cl[i].key)
				break;
		if (j < ld->nr_clocks && !cl[i].incremental)
			continue;	/* keep the first snapshot for absolute clocks */
		if (j == ld->nr_clocks) {
			xgrow((void **)&ld->clocks, &ld->clocks_alloc, ld->nr_clocks + 1,
			      sizeof(*ld->clocks));
			ld->nr_clocks++;
		}
		cl[i].snap_boot = boot;
		cl[i].last = cl[i].snap_value;
		ld->clocks[j] = cl[i];
	}
}

/* ---------------------------------------------------------- track events -- */

/*
 * DSQ counter tracks. Ours: "DSQ <id> latency" (ns) with <id> GLOBAL, LOCAL,
 * LOCAL_ON <cpu>, 0x<builtin> or a decimal user DSQ; upstream scxtop's:
 * "DSQ <decimal id> latency ns" whose values are in fact microseconds.
 */
#define SCX_DSQ_FLAG_BUILTIN (1ull << 63)
#define SCX_DSQ_FLAG_LOCAL_ON (1ull << 62)

static bool parse_dsq_counter_name(const char *s, uint64_t *id, uint8_t *kind)
{
	const char *p = s + 4;
	char *end;

	if (strncmp(s, "DSQ ", 4))
		return false;
	if (!strncmp(p, "GLOBAL ", 7)) {
		*id = SCX_DSQ_FLAG_BUILTIN | 1;
		end = (char *)p + 6;
	} else if (!strncmp(p, "LOCAL_ON ", 9)) {
		*id = SCX_DSQ_FLAG_BUILTIN | SCX_DSQ_FLAG_LOCAL_ON | strtoull(p + 9, &end, 10);
		if (end == p + 9)
			return false;
	} else if (!strncmp(p, "LOCAL ", 6)) {
		*id = SCX_DSQ_FLAG_BUILTIN | 2;
		end = (char *)p + 5;
	} else {
		*id = strtoull(p, &end, 0);
		if (end == p)
			return false;
	}
	if (!strcmp(end, " latency ns"))
		*kind = DSQ_LAT_US;
	else if (!strcmp(end, " latency"))
		*kind = DSQ_LAT_NS;
	else if (!strcmp(end, " nr_queued"))
		*kind = DSQ_NR_QUEUED;
	else
		return false;
	return true;
}

/* TrackDescriptor: uuid 1, name 2, process 3 {pid 1, cmdline 2, process_name 6},
 * thread 4 {pid 1, tid 2, thread_name 5}, parent_uuid 5, counter 8, static_name 10,
 * atrace_name 13. */
static void dec_track_descriptor(struct loader *ld, struct pb_bytes b)
{
	struct trace_model *m = ld->m;
	struct pb pb = pb_sub(b);
	uint64_t uuid = 0, parent = 0;
	struct pb_bytes name = {0}, proc = {0}, thr = {0};
	bool counter = false;
	struct track *t;
	uint32_t f;
	unsigned w;

	while (pb_field(&pb, &f, &w)) {
		switch (f) {
		case 1: uuid = pb_uint(&pb, w); break;
		case 5: parent = pb_uint(&pb, w); break;
		case 2:
		case 10:
		case 13:
			if (w == PB_LEN)
				name = pb_bytes(&pb);
			else
				pb_skip(&pb, w);
			break;
		case 3: if (w == PB_LEN) proc = pb_bytes(&pb); else pb_skip(&pb, w); break;
		case 4: if (w == PB_LEN) thr = pb_bytes(&pb); else pb_skip(&pb, w); break;
		case 8: counter = true; pb_skip(&pb, w); break;
		default: pb_skip(&pb, w);
		}
	}
	if (!pb_ok(&pb)) {
		m->stats.bad_packets++;
		return;
	}
	if (name.len > 12 && !memcmp(name.p, "scxtop_topo:", 12)) {
		if (!m->topo.known &&
		    !trace_topology_from_json(&m->topo, (const char *)name.p + 12, name.len - 12))
			m->topo.source = "trace";
		m->meta.scxtop = true;
	}
	t = track_get(ld, uuid, true);
	t->parent = parent;
	if (name.len)
		t->name = intern_bytes(ld, name);
	if (thr.p) {
		struct pb s = pb_sub(thr);
		struct pb_bytes tn = {0};
		uint32_t sf;
		unsigned sw;

		t->kind = TK_THREAD;
		while (pb_field(&s, &sf, &sw)) {
			if (sf == 1)
				t->pid = (int32_t)pb_uint(&s, sw);
			else if (sf == 2)
				t->tid = (int64_t)pb_uint(&s, sw);
			else if (sf == 5 && sw == PB_LEN)
				tn = pb_bytes(&s);
			else
				pb_skip(&s, sw);
		}
		/* ThreadDescriptor.tid was int32 until 2026-04: sign-extend either way */
		if (t->tid > INT32_MAX && t->tid <= UINT32_MAX)
			t->tid = (int32_t)t->tid;
		t->resolved = false;
		if (t->pid == WPROF_IDLE_PID || t->pid == WPROF_KERNEL_PID)
			m->meta.wprof = true;
		if (!is_idle_task(t->pid, t->tid)) {
			uint32_t u = model_thread(m, t->tid);
			int64_t tgid = t->pid;

			if (t->pid == WPROF_KERNEL_PID) {
				tgid = t->tid;
				m->threads[u].flags |= THF_KTHREAD;
			}
			model_thread_set(m, u, tgid, tn.len ? intern_bytes(ld, tn) : SID_NONE);
		}
	} else if (proc.p) {
		struct pb s = pb_sub(proc);
		struct pb_bytes pn = {0}, cmd = {0};
		uint32_t sf;
		unsigned sw;

		t->kind = TK_PROCESS;
		while (pb_field(&s, &sf, &sw)) {
			if (sf == 1)
				t->pid = (int32_t)pb_uint(&s, sw);
			else if (sf == 6 && sw == PB_LEN)
				pn = pb_bytes(&s);
			else if (sf == 2 && sw == PB_LEN && !cmd.p)
				cmd = pb_bytes(&s);
			else
				pb_skip(&s, sw);
		}
		if (t->pid > 0 && t->pid < WPROF_IDLE_PID) {
			struct process *p = model_process(m, t->pid);

			if (pn.len)
				p->name = intern_bytes(ld, pn);
			if (cmd.len)
				p->cmdline = intern_bytes(ld, cmd);
		} else if (t->pid >= WPROF_IDLE_PID) {
			m->meta.wprof = true;
		}
	} else if (counter) {
		uint64_t id;
		uint8_t kind;

		t->kind = TK_COUNTER;
		if (name.len && parse_dsq_counter_name(model_str(m, t->name), &id, &kind)) {
			t->dsq = (int32_t)model_dsq_index(m, id);
			t->dsq_kind = kind;
			m->meta.scxtop = true;
		}
	}
}

struct annots {
	int64_t cpu, waker_tid, layer, irq;
	uint64_t dsq;
	double delay_us;
	uint32_t reason;	/* sid */
	bool has_cpu, has_waker, has_layer, has_dsq, has_delay, has_irq;
};

/* Saturating conversion (a double outside int64 is undefined behaviour in C). */
static int64_t dbl_to_i64(double d)
{
	if (!(d == d))
		return 0;
	if (d >= 9.2233720368547758e18)
		return INT64_MAX;
	if (d <= -9.2233720368547758e18)
		return INT64_MIN;
	return (int64_t)d;
}

static bool annot_int(struct pb *a, unsigned w, uint32_t f, int64_t *v, double *d)
{
	switch (f) {
	case 2: /* bool */
	case 3: /* uint */
	case 4: /* int */
	case 7: /* pointer */
		*v = (int64_t)pb_uint(a, w);
		*d = (double)*v;
		if (f == 3)
			*d = (double)(uint64_t)*v;
		return true;
	case 5: /* double */
		*d = pb_double(a);
		*v = dbl_to_i64(*d);
		return true;
	}
	return false;
}

/* DebugAnnotation: name_iid 1, name 10; values bool 2, uint 3, int 4, double 5, string 6,
 * pointer 7, string_value_iid 17. */
static void dec_annotation(struct loader *ld, struct seq *sq, struct pb_bytes b, struct annots *an)
{
	struct known *k = &ld->k;
	struct pb a = pb_sub(b);
	uint32_t name = SID_NONE, str = SID_NONE, f;
	int64_t iv = 0;
	double dv = 0;
	bool num = false;
	unsigned w;

	while (pb_field(&a, &f, &w)) {
		if (f == 1)
			name = lookup_iid(ld, &sq->ann_names, pb_uint(&a, w));
		else if (f == 10 && w == PB_LEN)
			name = intern_bytes(ld, pb_bytes(&a));
		else if (f == 6 && w == PB_LEN)
			str = intern_bytes(ld, pb_bytes(&a));
		else if (f == 17)
			str = lookup_iid(ld, &sq->ann_strs, pb_uint(&a, w));
		else if (annot_int(&a, w, f, &iv, &dv))
			num = true;
		else
			pb_skip(&a, w);
	}
	if (!pb_ok(&a) || name == SID_NONE)
		return;
	if (name == k->a_offcpu_reason) {
		an->reason = str;
	} else if (!num) {
		return;
	} else if (name == k->a_cpu) {
		an->cpu = iv, an->has_cpu = true;
	} else if (name == k->a_waker_tid) {
		an->waker_tid = iv, an->has_waker = true;
	} else if (name == k->a_waking_delay_us) {
		an->delay_us = dv, an->has_delay = true;
	} else if (name == k->a_scx_layer_id) {
		an->layer = iv, an->has_layer = true;
	} else if (name == k->a_scx_dsq_id) {
		an->dsq = (uint64_t)iv, an->has_dsq = true;
	} else if (name == k->a_irq) {
		an->irq = iv, an->has_irq = true;
	}
}

static int32_t offcpu_reason_state(struct trace_model *m, uint32_t sid)
{
	static const struct {
		const char *name;
		int32_t ps;
	} map[] = {
		{"preempted", 0x100},		{"running", 0},		{"runnable", 0},
		{"waking", 0},			{"new", 0},		{"interruptible_sleep", 0x1},
		{"uninterruptible_sleep", 0x2}, {"killable_sleep", 0x2}, {"rtlock_wait", 0x2},
		{"freezable", 0x2},		{"frozen", 0x2},	{"stopped", 0x4},
		{"traced", 0x8},		{"exit_dead", 0x10},	{"task_dead", 0x10},
		{"exit_zombie", 0x20},		{"exit_trace", 0x30},	{"parked", 0x40},
		{"idle", 0x80},
	};
	const char *s = model_str(m, sid);

	if (!sid)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(s, map[i].name))
			return map[i].ps;
	return 0x200; /* unknown: invalid → "other" */
}

static int softirq_vec(const char *name)
{
	static const char *const vecs[] = {"hi",     "timer",	 "net-tx",  "net-rx", "block",
					   "irq-poll", "tasklet", "sched", "hrtimer", "rcu"};

	if (strncmp(name, "SOFTIRQ:", 8))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(vecs); i++)
		if (!strcmp(name + 8, vecs[i]))
			return (int)i;
	return -1;
}

enum slice_kind { SK_NONE = 0, SK_ONCPU, SK_DSQ, SK_IRQ, SK_SOFTIRQ, SK_OTHER };

/* TrackEvent: category_iids 3, debug_annotations 4, type 9, name_iid 10, track_uuid 11,
 * timestamp_delta_us 1, timestamp_absolute_us 16, categories 22, name 23, counter_value 30,
 * flow_ids_old 36, double_counter_value 44, flow_ids 47. */
static void dec_track_event(struct loader *ld, struct seq *sq, struct pb_bytes b, uint64_t ts,
			    bool has_ts)
{
	struct trace_model *m = ld->m;
	struct known *k = &ld->k;
	struct pb pb = pb_sub(b);
	struct annots an = {0};
	uint64_t track_uuid = sq && sq->has_default_track ? sq->default_track : 0, flow = 0;
	uint32_t cat = SID_NONE, name = SID_NONE, f;
	int64_t counter = 0;
	bool has_counter = false, has_flow = false;
	unsigned w, type = 0;
	struct track *t;
	uint32_t utid, cpu;
	struct tev *e;
	enum slice_kind sk = SK_NONE;

	m->stats.track_events++;
	an.layer = -1;
	while (pb_field(&pb, &f, &w)) {
		switch (f) {
		case 1: {
			int64_t d = (int64_t)pb_uint(&pb, w);

			if (sq) {
				sq->last_us += d;
				if (!has_ts) {
					ts = (uint64_t)(sq->last_us * 1000);
					has_ts = true;
				}
			}
			break;
		}
		case 3:
			if (w == PB_LEN) {
				struct pb arr = pb_sub(pb_bytes(&pb));
				uint64_t iid;

				if (pb_packed_next(&arr, &iid) && cat == SID_NONE && sq)
					cat = lookup_iid(ld, &sq->cats, iid);
			} else {
				uint64_t iid = pb_uint(&pb, w);

				if (cat == SID_NONE && sq)
					cat = lookup_iid(ld, &sq->cats, iid);
			}
			break;
		case 4:
			if (w == PB_LEN && sq)
				dec_annotation(ld, sq, pb_bytes(&pb), &an);
			else
				pb_skip(&pb, w);
			break;
		case 9: type = (unsigned)pb_uint(&pb, w); break;
		case 10:
			if (sq)
				name = lookup_iid(ld, &sq->names, pb_uint(&pb, w));
			else
				pb_skip(&pb, w);
			break;
		case 11: track_uuid = pb_uint(&pb, w); break;
		case 16:
		{
			int64_t us = (int64_t)pb_uint(&pb, w);

			if (sq)
				sq->last_us = us;
			if (!has_ts) {
				ts = (uint64_t)(us * 1000);
				has_ts = true;
			}
			break;
		}
		case 22:
			if (w == PB_LEN && cat == SID_NONE)
				cat = intern_bytes(ld, pb_bytes(&pb));
			else
				pb_skip(&pb, w);
			break;
		case 23:
			if (w == PB_LEN)
				name = intern_bytes(ld, pb_bytes(&pb));
			else
				pb_skip(&pb, w);
			break;
		case 30: counter = (int64_t)pb_uint(&pb, w), has_counter = true; break;
		case 44: counter = dbl_to_i64(pb_double(&pb)), has_counter = true; break;
		case 36:
		case 47:
			if (w == PB_LEN) {
				struct pb_bytes fb = pb_bytes(&pb);

				if (f == 47 && fb.len >= 8) {
					memcpy(&flow, fb.p, 8);
					has_flow = true;
				} else if (f == 36) {
					struct pb arr = pb_sub(fb);

					has_flow = pb_packed_next(&arr, &flow);
				}
			} else if (!has_flow) {
				flow = pb_uint(&pb, w);
				has_flow = true;
			} else {
				pb_skip(&pb, w);
			}
			break;
		default: pb_skip(&pb, w);
		}
	}
	if (!pb_ok(&pb)) {
		m->stats.bad_packets++;
		return;
	}
	if (!has_ts)
		return;
	if (cat != SID_NONE) {
		bool created;

		(*u64map_upsert(&ld->cat_counts, cat, &created))++;
	}
	t = track_get(ld, track_uuid, false);
	if (!t) {
		if (type != 0)
			m->stats.unresolved_tracks++;
		return;
	}
	if (t->kind == TK_COUNTER) {
		if (t->dsq >= 0 && has_counter && type == 4) {
			struct dsq_sample *s;

			xgrow((void **)&m->dsq, &m->dsq_alloc, m->nr_dsq + 1, sizeof(*s));
			s = &m->dsq[m->nr_dsq++];
			s->ts = ts;
			s->value = counter;
			s->dsq = (uint32_t)t->dsq;
			s->kind = t->dsq_kind;
			s->utid = UTID_NONE;
			s->layer = -1;
		}
		return;
	}
	utid = track_utid(ld, t);
	if (utid == UTID_NONE) {
		if (cat == k->oncpu)
			m->stats.unresolved_tracks++;
		return;
	}
	cpu = an.has_cpu && an.cpu >= 0 && an.cpu < MAX_CPUS ? (uint32_t)an.cpu : t->last_cpu;

	/* which slice does a SLICE_END close? its category, else the track's innermost */
	if (type == 1) {
		sk = cat == k->oncpu ? SK_ONCPU : cat == k->scx_dsq ? SK_DSQ
			: cat == k->hardirq ? SK_IRQ : cat == k->softirq ? SK_SOFTIRQ : SK_OTHER;
		if (t->nopen < ARRAY_SIZE(t->open))
			t->open[t->nopen] = (uint8_t)sk;
		t->nopen++;
	} else if (type == 2) {
		if (t->nopen) {
			t->nopen--;
			if (t->nopen < ARRAY_SIZE(t->open))
				sk = t->open[t->nopen];
		}
		if (cat == k->oncpu)
			sk = SK_ONCPU;
		else if (cat == k->scx_dsq)
			sk = SK_DSQ;
	}

	if (sk == SK_ONCPU) {
		if (cpu == CPU_NONE) {
			m->stats.unresolved_tracks++;
			return;
		}
		t->last_cpu = (uint16_t)cpu;
		ld->nr_sched_track++;
		if (type == 1) {
			e = model_event_add(m, cpu, ts, TEV_ONCPU_BEGIN);
			e->utid = utid;
			if (an.has_waker)
				e->other = is_idle_task(0, an.waker_tid) ? UTID_IDLE
									 : model_thread(m, an.waker_tid);
			if (an.has_layer && an.layer >= 0) {
				e->arg2 = (int16_t)MIN(an.layer, INT16_MAX);
				m->has_layers = true;
			}
			if (an.has_dsq)
				e->str = model_dsq_index(m, an.dsq) + 1;
			if (an.has_delay && an.delay_us >= 0) {
				double ns = an.delay_us * 1000.0 + 0.5;

				e->arg = ns > INT32_MAX ? INT32_MAX : (int32_t)ns;
				e->flags |= TEVF_DELAY;
			}
			if (utid != UTID_IDLE && name != SID_NONE && !m->threads[utid].name)
				m->threads[utid].name = name;
		} else {
			e = model_event_add(m, cpu, ts, TEV_ONCPU_END);
			e->utid = utid;
			e->arg = utid == UTID_IDLE ? 0 : offcpu_reason_state(m, an.reason);
		}
		return;
	}
	if (sk == SK_DSQ) {
		if (type == 1) {
			t->dsq_begin_ts = ts;
			t->dsq_begin_name = name;
		} else if (t->dsq_begin_ts && ts >= t->dsq_begin_ts) {
			struct dsq_sample *s;
			uint64_t id = an.dsq;
			const char *nm = model_str(m, t->dsq_begin_name), *x = strstr(nm, "_0x");

			if (!an.has_dsq && x)
				id = strtoull(x + 1, NULL, 16);
			if (an.has_dsq || x) {
				xgrow((void **)&m->dsq, &m->dsq_alloc, m->nr_dsq + 1, sizeof(*s));
				s = &m->dsq[m->nr_dsq++];
				s->ts = t->dsq_begin_ts;
				s->value = (int64_t)(ts - t->dsq_begin_ts);
				s->dsq = model_dsq_index(m, id);
				s->kind = DSQ_RESIDENCY;
				s->utid = utid;
				s->layer = an.has_layer ? (int32_t)an.layer : -1;
				if (an.has_layer)
					m->has_layers = true;
			}
			t->dsq_begin_ts = 0;
		}
		return;
	}
	if ((sk == SK_IRQ || sk == SK_SOFTIRQ) && cpu != CPU_NONE) {
		unsigned et = sk == SK_IRQ ? (type == 1 ? TEV_IRQ_ENTRY : TEV_IRQ_EXIT)
					   : (type == 1 ? TEV_SOFTIRQ_ENTRY : TEV_SOFTIRQ_EXIT);

		e = model_event_add(m, cpu, ts, et);
		e->utid = utid;
		e->arg = sk == SK_IRQ ? (int32_t)an.irq : softirq_vec(model_str(m, name));
		return;
	}
	if (type != 3 || cat == SID_NONE)
		return;
	if (cat == k->wakee || cat == k->wakee_new || cat == k->preemptee ||
	    cat == k->wakee_unknown) {
		if (cpu == CPU_NONE)
			return;
		ld->nr_sched_track++;
		e = model_event_add(m, cpu, ts, TEV_WAKEE);
		e->utid = utid;
		e->arg = -1;
		if (cat == k->wakee_new)
			e->flags |= TEVF_NEW;
		if (cat == k->preemptee)
			e->flags |= TEVF_PREEMPT;
		if (has_flow) {
			struct fixup *fx;

			xgrow((void **)&ld->fixups, &ld->fixups_alloc, ld->nr_fixups + 1, sizeof(*fx));
			fx = &ld->fixups[ld->nr_fixups++];
			fx->cpu = cpu;
			fx->idx = (uint32_t)(m->cpus[cpu].n - 1);
			fx->flow = flow;
		}
	} else if (cat == k->waker || cat == k->waker_new) {
		if (has_flow) {
			bool created;

			*u64map_upsert(&ld->flow_waker, flow, &created) = utid;
		}
		if (cpu != CPU_NONE) {
			e = model_event_add(m, cpu, ts, TEV_WAKER);
			e->utid = utid;
		}
	}
}

/* InternedData: event_categories 1, event_names 2, debug_annotation_names 3,
 * debug_annotation_string_values 29 (InternedString: iid 1, str 2). */
static void dec_interned(struct loader *ld, struct seq *sq, struct pb_bytes b)
{
	struct pb pb = pb_sub(b);
	uint32_t f;
	unsigned w;

	while (pb_field(&pb, &f, &w)) {
		struct u64map *map = f == 1 ? &sq->cats : f == 2 ? &sq->names : f == 3 ? &sq->ann_names
						: f == 29 ? &sq->ann_strs : NULL;
		struct pb e;
		uint64_t iid = 0;
		struct pb_bytes s = {0};
		uint32_t ef;
		unsigned ew;

		if (!map || w != PB_LEN) {
			pb_skip(&pb, w);
			continue;
		}
		e = pb_sub(pb_bytes(&pb));
		while (pb_field(&e, &ef, &ew)) {
			if (ef == 1)
				iid = pb_uint(&e, ew);
			else if (ef == 2 && ew == PB_LEN)
				s = pb_bytes(&e);
			else
				pb_skip(&e, ew);
		}
		if (pb_ok(&e) && iid) {
			bool created;

			*u64map_upsert(map, iid, &created) = intern_bytes(ld, s);
		}
	}
}

/* TracePacketDefaults: timestamp_clock_id 58, track_event_defaults 11 {track_uuid 11}. */
static void dec_defaults(struct seq *sq, struct pb_bytes b)
{
	struct pb pb = pb_sub(b);
	uint32_t f;
	unsigned w;

	while (pb_field(&pb, &f, &w)) {
		if (f == 58) {
			sq->clock_id = (uint32_t)pb_uint(&pb, w);
		} else if (f == 11 && w == PB_LEN) {
			struct pb d = pb_sub(pb_bytes(&pb));
			uint32_t df;
			unsigned dw;

			while (pb_field(&d, &df, &dw)) {
				if (df == 11) {
					sq->default_track = pb_uint(&d, dw);
					sq->has_default_track = true;
				} else {
					pb_skip(&d, dw);
				}
			}
		} else {
			pb_skip(&pb, w);
		}
	}
}

static int dec_trace(struct loader *ld, const uint8_t *p, size_t len);

static void dec_compressed(struct loader *ld, struct pb_bytes b)
{
	z_stream z = {0};
	uint8_t *out = NULL;
	size_t cap = b.len * 4 + 4096, n = 0;
	int zr;

	if (ld->depth > 0 || inflateInit(&z) != Z_OK) {
		ld->m->stats.bad_packets++;
		return;
	}
	out = xmalloc(cap);
	z.next_in = (Bytef *)b.p;
	z.avail_in = (uInt)b.len;
	do {
		if (n == cap) {
			if (cap >= MAX_INFLATE)
				break;
			cap *= 2;
			out = xrealloc(out, cap);
		}
		z.next_out = out + n;
		z.avail_out = (uInt)(cap - n);
		zr = inflate(&z, Z_NO_FLUSH);
		n = cap - z.avail_out;
	} while (zr == Z_OK);
	inflateEnd(&z);
	if (zr != Z_STREAM_END) {
		ld->m->stats.bad_packets++;
	} else {
		ld->m->stats.compressed_packets++;
		ld->depth++;
		dec_trace(ld, out, n);
		ld->depth--;
	}
	free(out);
}

/* TracePacket (trace_packet.proto). */
static void dec_packet(struct loader *ld, const uint8_t *p, size_t len)
{
	struct trace_model *m = ld->m;
	struct pb pb;
	uint64_t ts = 0, flags = 0;
	uint32_t seq_id = 0, clock_id = 0, f;
	bool has_ts = false, has_seq = false, cleared = false, used = false;
	struct pb_bytes interned = {0}, defaults = {0};
	struct seq *sq = NULL;
	unsigned w;

	m->stats.packets++;
	pb_init(&pb, p, len);
	/* pass 1: sequence state first, whatever the field order */
	while (pb_field(&pb, &f, &w)) {
		switch (f) {
		case 8: ts = pb_uint(&pb, w), has_ts = true; break;
		case 10: seq_id = (uint32_t)pb_uint(&pb, w), has_seq = true; break;
		case 12: if (w == PB_LEN) interned = pb_bytes(&pb); else pb_skip(&pb, w); break;
		case 13: flags = pb_uint(&pb, w); break;
		case 41: cleared = pb_uint(&pb, w); break;
		case 58: clock_id = (uint32_t)pb_uint(&pb, w); break;
		case 59: if (w == PB_LEN) defaults = pb_bytes(&pb); else pb_skip(&pb, w); break;
		default: pb_skip(&pb, w);
		}
	}
	if (!pb_ok(&pb)) {
		m->stats.bad_packets++;
		return;
	}
	if (has_seq) {
		sq = seq_get(ld, seq_id);
		if ((flags & 1) || cleared) {
			seq_clear(sq);
			sq->cleared = true;
		}
		if (defaults.p)
			dec_defaults(sq, defaults);
		if (interned.p)
			dec_interned(ld, sq, interned);
		if (!clock_id)
			clock_id = sq->clock_id;
	}
	if (has_ts)
		ts = clock_to_boot(ld, seq_id, clock_id, ts);
	/* pass 2: payload */
	pb_init(&pb, p, len);
	while (pb_field(&pb, &f, &w)) {
		if (w != PB_LEN) {
			pb_skip(&pb, w);
			continue;
		}
		switch (f) {
		case 1: dec_bundle(ld, pb_bytes(&pb)); used = true; break;
		case 2: dec_process_tree(ld, pb_bytes(&pb)); used = true; break;
		case 6: dec_clock_snapshot(ld, pb_bytes(&pb), seq_id); used = true; break;
		case 11: dec_track_event(ld, sq, pb_bytes(&pb), ts, has_ts); used = true; break;
		case 45: dec_system_info(ld, pb_bytes(&pb)); used = true; break;
		case 50: dec_compressed(ld, pb_bytes(&pb)); used = true; break;
		case 60: dec_track_descriptor(ld, pb_bytes(&pb)); used = true; break;
		case 122: dec_generic_tree(ld, pb_bytes(&pb)); used = true; break;
		case 12:
		case 59: pb_skip(&pb, w); used = true; break;
		default: pb_skip(&pb, w);
		}
	}
	if (!used)
		m->stats.unknown_packets++;
}

/* Packets of an in-memory Trace (compressed_packets content). */
static int dec_trace(struct loader *ld, const uint8_t *p, size_t len)
{
	struct pb pb;
	uint32_t f;
	unsigned w;

	pb_init(&pb, p, len);
	while (pb_field(&pb, &f, &w)) {
		if (f == 1 && w == PB_LEN) {
			struct pb_bytes b = pb_bytes(&pb);

			if (b.p)
				dec_packet(ld, b.p, b.len);
		} else {
			pb_skip(&pb, w);
		}
	}
	return pb_ok(&pb) ? 0 : -EINVAL;
}

/* --------------------------------------------------------------- driver -- */

static void known_init(struct loader *ld)
{
	struct trace_model *m = ld->m;
	struct known *k = &ld->k;

#define K(field, s) k->field = model_intern(m, s, strlen(s))
	K(oncpu, "ONCPU");
	K(waker, "WAKER");
	K(waker_new, "WAKER_NEW");
	K(wakee, "WAKEE");
	K(wakee_new, "WAKEE_NEW");
	K(wakee_unknown, "WAKEE_UNKNOWN");
	K(preemptee, "PREEMPTEE");
	K(preemptor, "PREEMPTOR");
	K(scx_dsq, "SCX_DSQ");
	K(hardirq, "HARDIRQ");
	K(softirq, "SOFTIRQ");
	K(a_cpu, "cpu");
	K(a_waker_tid, "waker_tid");
	K(a_waking_delay_us, "waking_delay_us");
	K(a_scx_layer_id, "scx_layer_id");
	K(a_scx_dsq_id, "scx_dsq_id");
	K(a_offcpu_reason, "offcpu_reason");
	K(a_irq, "irq");
	K(a_pid, "pid");
	K(a_tid, "tid");
#undef K
}

static void loader_release(struct loader *ld)
{
	for (size_t i = 0; i < ld->nr_seqs; i++)
		seq_clear(&ld->seqs[i]), u64map_release(&ld->seqs[i].names),
			u64map_release(&ld->seqs[i].cats), u64map_release(&ld->seqs[i].ann_names),
			u64map_release(&ld->seqs[i].ann_strs);
	free(ld->seqs);
	u64map_release(&ld->seq_map);
	free(ld->tracks);
	u64map_release(&ld->track_map);
	free(ld->clocks);
	u64map_release(&ld->flow_waker);
	free(ld->fixups);
	u64map_release(&ld->cat_counts);
	for (int r = 0; r < 3; r++)
		free(ld->run[r]);
	free(ld->merge);
	free(ld->tail);
	free(ld->comm_sids);
	free(ld->buf);
	free(ld->zin);
	if (ld->gz)
		inflateEnd(&ld->z);
}

/* After all packets: flows, the sched source, the writer guess. */
static void finish(struct loader *ld)
{
	struct trace_model *m = ld->m;

	for (size_t i = 0; i < ld->nr_fixups; i++) {
		struct fixup *fx = &ld->fixups[i];
		uint64_t *v = u64map_get(&ld->flow_waker, fx->flow);

		if (v && fx->cpu < m->nr_cpus && fx->idx < m->cpus[fx->cpu].n)
			m->cpus[fx->cpu].ev[fx->idx].other = (uint32_t)*v;
	}
	if (ld->nr_sched_ftrace)
		m->sched_src = SRC_FTRACE;
	else if (ld->nr_sched_track)
		m->sched_src = SRC_TRACK_EVENT;
	if (ld->nr_sched_track && (m->meta.wprof || u64map_get(&ld->cat_counts, ld->k.oncpu)))
		m->meta.wprof = true;
	if (m->meta.wprof)
		m->meta.writer = model_intern(m, "wprof", 5);
	else if (m->meta.scxtop)
		m->meta.writer = model_intern(m, "scxtop", 6);
	else if (ld->nr_sched_ftrace)
		m->meta.writer = model_intern(m, "ftrace", 6);
	else if (m->stats.track_events)
		m->meta.writer = model_intern(m, "track_event", 11);
}

static int load(struct loader *ld, char *msg, size_t msglen)
{
	struct trace_model *m = ld->m;
	int err = 0;

	known_init(ld);
	u64map_init(&ld->seq_map);
	u64map_init(&ld->track_map);
	u64map_init(&ld->flow_waker);
	u64map_init(&ld->cat_counts);

	if (!fill(ld, 2, &err) && err)
		goto out;
	if (ld->end - ld->start >= 2 && ld->buf[ld->start] == 0x1f && ld->buf[ld->start + 1] == 0x8b) {
		/* gzip: restart the stream through zlib */
		size_t have = ld->end - ld->start;

		if (inflateInit2(&ld->z, 16 + MAX_WBITS) != Z_OK) {
			err = -ENOMEM;
			goto out;
		}
		ld->gz = true;
		m->stats.gzip = true;
		ld->zin = xmalloc(CHUNK > have ? CHUNK : have);
		memcpy(ld->zin, ld->buf + ld->start, have);
		ld->z.next_in = ld->zin;
		ld->z.avail_in = (uInt)have;
		ld->start = ld->end = 0;
		ld->eof = false;
	}
	for (;;) {
		struct pb pb;
		uint64_t tag, len;
		size_t hdr;

		if (!fill(ld, 1, &err)) {
			if (err)
				goto out;
			break; /* clean EOF */
		}
		/* tag + length: at most 10 + 10 bytes */
		fill(ld, 20, &err);
		if (err)
			goto out;
		pb_init(&pb, ld->buf + ld->start, ld->end - ld->start);
		tag = pb_varint(&pb);
		if (pb.err) {
			snprintf(m->stats.stop_reason, sizeof(m->stats.stop_reason),
				 "file ends inside a packet header");
			m->stats.truncated = true;
			break;
		}
		if ((tag & 7) != PB_LEN || (tag >> 3) == 0) {
			if ((tag & 7) == PB_VARINT || (tag & 7) == PB_FIXED64 || (tag & 7) == PB_FIXED32) {
				if ((tag >> 3) != 1 && (tag >> 3) != 0) {
					/* a scalar field of Trace: skip it */
					pb_skip(&pb, tag & 7);
					if (!pb.err) {
						hdr = (size_t)(pb.p - (ld->buf + ld->start));
						ld->start += hdr;
						ld->offset += hdr;
						continue;
					}
				}
			}
			snprintf(m->stats.stop_reason, sizeof(m->stats.stop_reason),
				 "invalid data at byte %llu (not a TracePacket record)",
				 (unsigned long long)ld->offset);
			m->stats.truncated = true;
			break;
		}
		len = pb_varint(&pb);
		if (pb.err) {
			snprintf(m->stats.stop_reason, sizeof(m->stats.stop_reason),
				 "file ends inside a packet header at byte %llu",
				 (unsigned long long)ld->offset);
			m->stats.truncated = true;
			break;
		}
		if (len > MAX_PACKET) {
			snprintf(m->stats.stop_reason, sizeof(m->stats.stop_reason),
				 "packet at byte %llu claims %llu bytes (over %u MiB: corrupt)",
				 (unsigned long long)ld->offset, (unsigned long long)len, MAX_PACKET >> 20);
			m->stats.truncated = true;
			break;
		}
		hdr = (size_t)(pb.p - (ld->buf + ld->start));
		if (!fill(ld, hdr + (size_t)len, &err)) {
			if (err)
				goto out;
			snprintf(m->stats.stop_reason, sizeof(m->stats.stop_reason),
				 "file ends inside the packet at byte %llu (%llu of %llu bytes present)",
				 (unsigned long long)ld->offset,
				 (unsigned long long)(ld->end - ld->start - hdr), (unsigned long long)len);
			m->stats.truncated = true;
			break;
		}
		if ((tag >> 3) == 1)
			dec_packet(ld, ld->buf + ld->start + hdr, (size_t)len);
		ld->start += hdr + (size_t)len;
		ld->offset += hdr + (size_t)len;
		if (ld->o && ld->o->max_events) {
			uint64_t n = 0;

			for (uint32_t c = 0; c < m->nr_cpus; c++)
				n += m->cpus[c].n;
			if (n > ld->o->max_events) {
				err = -EFBIG;
				if (msg)
					snprintf(msg, msglen, "trace has more than %llu events (limit)",
						 (unsigned long long)ld->o->max_events);
				goto out;
			}
		}
	}
	m->stats.stop_offset = ld->offset;
	m->stats.bytes = ld->offset + (ld->end - ld->start);
	if (m->stats.truncated && !m->stats.packets) {
		err = -EINVAL;
		if (msg)
			snprintf(msg, msglen, "not a Perfetto trace: %s", m->stats.stop_reason);
		goto out;
	}
	if (!m->stats.packets && !m->stats.truncated) {
		err = -EINVAL;
		if (msg)
			snprintf(msg, msglen, "%s", ld->offset ? "not a Perfetto trace: no TracePacket"
							       : "empty file");
		goto out;
	}
	finish(ld);
	err = model_build(m);
out:
	if (err && msg && !msg[0])
		snprintf(msg, msglen, "%s", err_str(err));
	loader_release(ld);
	return err;
}

int trace_load_mem(struct trace_model *m, const void *data, size_t len, const struct load_opts *o,
		   char *msg, size_t msglen)
{
	struct loader ld = {0};

	if (msg && msglen)
		msg[0] = '\0';
	ld.m = m;
	ld.o = o;
	ld.fd = -1;
	ld.mem = data ? data : (const uint8_t *)"";
	ld.mem_len = len;
	ld.total = len;
	return load(&ld, msg, msglen);
}

int trace_load_file(struct trace_model *m, const char *path, const struct load_opts *o,
		    char *msg, size_t msglen)
{
	struct loader ld = {0};
	struct stat st;
	int err;

	if (msg && msglen)
		msg[0] = '\0';
	ld.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (ld.fd < 0)
		return err_errno();
	if (fstat(ld.fd, &st)) {
		err = err_errno();
		close(ld.fd);
		return err;
	}
	if (S_ISDIR(st.st_mode)) {
		close(ld.fd);
		return -EISDIR;
	}
	posix_fadvise(ld.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	ld.m = m;
	ld.o = o;
	ld.total = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	free(m->path);
	m->path = xstrdup(path);
	err = load(&ld, msg, msglen);
	close(ld.fd);
	return err;
}
