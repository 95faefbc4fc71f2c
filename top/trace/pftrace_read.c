// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming reader of Perfetto ftrace data (see pftrace_read.h). A trace is a
 * sequence of `Trace.packet` records (tag 0x0a, varint length, TracePacket);
 * each is unpacked on its own and freed, so memory stays at one packet (plus
 * one bundle's events and the tid → tgid / track name tables).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/hashmap.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "top/trace/pbwire.h"
#include "top/trace/pftrace_read.h"

struct cpu_cur {
	struct sched_task t;	/* running task (tid -1: not known yet) */
};

struct item {
	struct sched_event ev;
	uint64_t seq;		/* order within the bundle, for a stable sort */
	uint8_t compact;	/* 1: compact switch (prev unknown), 2: compact waking */
};

struct reader {
	const struct pftrace_read_ops *ops;
	void *ctx;
	struct pftrace_read_stats *st;
	/* input */
	int fd;
	uint8_t *buf;
	size_t cap, start, end;
	bool eof, mem;
	/* state */
	struct cpu_cur *cpus;
	size_t ncpus;
	struct u64map tgid;	/* tid → tgid (ProcessTree) */
	struct u64map track;	/* track uuid → index in names + 1 */
	char **names;
	size_t nnames, names_alloc;
	struct item *items;
	size_t nitems, items_alloc;
	struct strbuf cmdline;
};

/* ---- input ----------------------------------------------------------------------------- */

/* Make n bytes available at r->buf + r->start; returns how many are (< n only at EOF). */
static ssize_t src_want(struct reader *r, size_t n)
{
	while (r->end - r->start < n && !r->eof) {
		ssize_t got;

		if (r->start && (r->cap - r->end < n - (r->end - r->start))) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		if (r->cap - r->end < n - (r->end - r->start)) {
			size_t nc = r->cap ? r->cap : 1 << 20;

			while (nc - r->end < n - (r->end - r->start))
				nc *= 2;
			r->buf = xrealloc(r->buf, nc);
			r->cap = nc;
		}
		got = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return err_errno();
		}
		if (!got)
			r->eof = true;
		r->end += (size_t)got;
	}
	return (ssize_t)MIN(n, r->end - r->start);
}

/* A varint from the input: 1 ok, 0 clean EOF before it, negative error. */
static int src_varint(struct reader *r, uint64_t *v)
{
	ssize_t avail = src_want(r, PB_VARINT_MAX);
	const uint8_t *p = r->buf + r->start;
	uint64_t x = 0;
	ssize_t i;

	if (avail < 0)
		return (int)avail;
	if (!avail)
		return 0;
	for (i = 0; i < avail && i < 10; i++) {
		x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			r->start += (size_t)i + 1;
			*v = x;
			return 1;
		}
	}
	pr_debug("trace: truncated or overlong varint at byte %zu", r->start);
	return -EBADMSG;
}

/* ---- process tree, tracks ------------------------------------------------------------ */

static int32_t tgid_of(struct reader *r, int32_t tid)
{
	uint64_t *v = tid > 0 ? u64map_get(&r->tgid, (uint64_t)(uint32_t)tid) : NULL;

	return v ? (int32_t)*v : tid == 0 ? 0 : -1;
}

static int on_process_tree(struct reader *r, uint64_t ts, const Perfetto__Protos__ProcessTree *pt)
{
	size_t i;
	int err;

	for (i = 0; i < pt->n_processes; i++) {
		const Perfetto__Protos__ProcessTree__Process *p = pt->processes[i];

		r->st->process_tree_processes++;
		if (p->has_pid && p->pid > 0)
			*u64map_upsert(&r->tgid, (uint64_t)(uint32_t)p->pid, &(bool){0}) =
				(uint64_t)(uint32_t)p->pid;
		if (r->ops->process) {
			size_t j;

			strbuf_reset(&r->cmdline);
			for (j = 0; j < p->n_cmdline; j++) {
				if (j)
					strbuf_addch(&r->cmdline, '\0');
				strbuf_addstr(&r->cmdline, p->cmdline[j]);
			}
			err = r->ops->process(r->ctx, ts, p->pid, p->has_ppid ? p->ppid : -1,
					      r->cmdline.buf, r->cmdline.len,
					      p->has_cmdline_is_comm && p->cmdline_is_comm);
			if (err)
				return err;
		}
	}
	for (i = 0; i < pt->n_threads; i++) {
		const Perfetto__Protos__ProcessTree__Thread *t = pt->threads[i];

		r->st->process_tree_threads++;
		if (t->has_tid && t->has_tgid && t->tid > 0 && t->tgid > 0)
			*u64map_upsert(&r->tgid, (uint64_t)(uint32_t)t->tid, &(bool){0}) =
				(uint64_t)(uint32_t)t->tgid;
		if (r->ops->thread &&
		    (err = r->ops->thread(r->ctx, ts, t->tid, t->has_tgid ? t->tgid : -1, t->name)))
			return err;
	}
	return 0;
}

static void on_track(struct reader *r, const Perfetto__Protos__TrackDescriptor *td)
{
	bool created;
	uint64_t *ix;

	if (!td->has_uuid ||
	    td->static_or_dynamic_name_case != PERFETTO__PROTOS__TRACK_DESCRIPTOR__STATIC_OR_DYNAMIC_NAME_NAME)
		return;
	ix = u64map_upsert(&r->track, td->uuid, &created);
	if (created) {
		xgrow((void **)&r->names, &r->names_alloc, r->nnames + 1, sizeof(*r->names));
		r->names[r->nnames++] = xstrdup(td->name);
		*ix = r->nnames;
	}
}

static int on_track_event(struct reader *r, uint64_t ts, const Perfetto__Protos__TrackEvent *te)
{
	uint64_t *ix;
	int64_t v;

	if (!te->has_type || te->type != PERFETTO__PROTOS__TRACK_EVENT__TYPE__TYPE_COUNTER ||
	    te->counter_value_field_case !=
		    PERFETTO__PROTOS__TRACK_EVENT__COUNTER_VALUE_FIELD_COUNTER_VALUE)
		return 0;
	v = te->counter_value;
	r->st->counters++;
	ix = te->has_track_uuid ? u64map_get(&r->track, te->track_uuid) : NULL;
	return r->ops->counter ? r->ops->counter(r->ctx, ts, ix ? r->names[*ix - 1] : NULL, v) : 0;
}

/* ---- ftrace bundles -------------------------------------------------------------------- */

static struct cpu_cur *cur_of(struct reader *r, uint32_t cpu)
{
	if (cpu >= r->ncpus) {
		size_t n = r->ncpus ? r->ncpus : 8, i;

		while (n <= cpu)
			n *= 2;
		r->cpus = xrealloc(r->cpus, n * sizeof(*r->cpus));
		for (i = r->ncpus; i < n; i++) {
			memset(&r->cpus[i], 0, sizeof(r->cpus[i]));
			r->cpus[i].t.tid = -1;
			r->cpus[i].t.tgid = -1;
		}
		r->ncpus = n;
	}
	return &r->cpus[cpu];
}

static struct item *item_new(struct reader *r, uint64_t ts, uint32_t cpu, uint16_t kind)
{
	struct item *it;

	xgrow((void **)&r->items, &r->items_alloc, r->nitems + 1, sizeof(*r->items));
	it = &r->items[r->nitems];
	memset(it, 0, sizeof(*it));
	it->seq = r->nitems++;
	it->ev.ts = ts;
	it->ev.cpu = cpu;
	it->ev.kind = kind;
	it->ev.tgid = -1;
	return it;
}

static void set_task(struct reader *r, struct sched_task *t, const char *comm, int32_t tid,
		     int32_t prio)
{
	t->tid = tid;
	t->tgid = tgid_of(r, tid);
	t->prio = prio;
	sched_comm_set(t->comm, comm);
}

/* One full FtraceEvent into an item; false for kinds we do not map. */
static bool map_event(struct reader *r, uint32_t cpu, const Perfetto__Protos__FtraceEvent *fe)
{
	struct item *it;
	struct sched_event *ev;

#define NEW(kind) (it = item_new(r, fe->timestamp, cpu, (kind)), ev = &it->ev)
	switch (fe->event_case) {
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_SCHED_SWITCH: {
		const Perfetto__Protos__SchedSwitchFtraceEvent *s = fe->sched_switch;

		NEW(SCHED_EV_SWITCH);
		set_task(r, &ev->sw.prev, s->prev_comm, s->prev_pid, s->prev_prio);
		set_task(r, &ev->sw.next, s->next_comm, s->next_pid, s->next_prio);
		ev->sw.prev_state = s->prev_state;
		break;
	}
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_SCHED_WAKING:
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_SCHED_WAKEUP:
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_SCHED_WAKEUP_NEW: {
		/* The three payloads have the same layout. */
		const Perfetto__Protos__SchedWakingFtraceEvent *s =
			(const void *)fe->sched_waking;

		NEW(fe->event_case == PERFETTO__PROTOS__FTRACE_EVENT__EVENT_SCHED_WAKING ? SCHED_EV_WAKING
		    : fe->event_case == PERFETTO__PROTOS__FTRACE_EVENT__EVENT_SCHED_WAKEUP
			    ? SCHED_EV_WAKEUP
			    : SCHED_EV_WAKEUP_NEW);
		set_task(r, &ev->wake.task, s->comm, s->pid, s->prio);
		ev->wake.target_cpu = s->target_cpu;
		break;
	}
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_SCHED_MIGRATE_TASK: {
		const Perfetto__Protos__SchedMigrateTaskFtraceEvent *s = fe->sched_migrate_task;

		NEW(SCHED_EV_MIGRATE);
		set_task(r, &ev->migrate.task, s->comm, s->pid, s->prio);
		ev->migrate.orig_cpu = s->orig_cpu;
		ev->migrate.dest_cpu = s->dest_cpu;
		break;
	}
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_TASK_NEWTASK: {
		const Perfetto__Protos__TaskNewtaskFtraceEvent *s = fe->task_newtask;

		NEW(SCHED_EV_NEWTASK);
		set_task(r, &ev->newtask.parent, NULL, (int32_t)fe->pid, 0);
		set_task(r, &ev->newtask.child, s->comm, s->pid, 0);
		memcpy(ev->newtask.parent.comm, ev->newtask.child.comm, SCHED_COMM_LEN);
		ev->newtask.clone_flags = s->clone_flags;
		break;
	}
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_SCHED_PROCESS_FORK:
		/* Written along with task_newtask, which carries everything. */
		return true;
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_SCHED_PROCESS_EXEC: {
		const Perfetto__Protos__SchedProcessExecFtraceEvent *s = fe->sched_process_exec;

		NEW(SCHED_EV_EXEC);
		set_task(r, &ev->exec.task, NULL, s->pid, 0);
		ev->exec.old_tid = s->old_pid;
		ev->exec.filename = s->filename;
		break;
	}
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_TASK_RENAME: {
		const Perfetto__Protos__TaskRenameFtraceEvent *s = fe->task_rename;

		NEW(SCHED_EV_RENAME);
		set_task(r, &ev->rename.task, s->newcomm, s->pid, 0);
		sched_comm_set(ev->rename.oldcomm, s->oldcomm);
		break;
	}
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_SCHED_PROCESS_EXIT: {
		const Perfetto__Protos__SchedProcessExitFtraceEvent *s = fe->sched_process_exit;

		NEW(SCHED_EV_EXIT);
		set_task(r, &ev->exit.task, s->comm, s->pid, s->prio);
		if (s->has_tgid)
			ev->exit.task.tgid = s->tgid;
		break;
	}
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_SCHED_PROCESS_FREE: {
		const Perfetto__Protos__SchedProcessFreeFtraceEvent *s = fe->sched_process_free;

		NEW(SCHED_EV_FREE);
		set_task(r, &ev->exit.task, s->comm, s->pid, s->prio);
		break;
	}
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_SOFTIRQ_ENTRY:
		NEW(SCHED_EV_SOFTIRQ_ENTRY);
		ev->softirq.vec = fe->softirq_entry->vec;
		break;
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_SOFTIRQ_EXIT:
		NEW(SCHED_EV_SOFTIRQ_EXIT);
		ev->softirq.vec = fe->softirq_exit->vec;
		break;
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_SOFTIRQ_RAISE:
		NEW(SCHED_EV_SOFTIRQ_RAISE);
		ev->softirq.vec = fe->softirq_raise->vec;
		break;
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_IRQ_HANDLER_ENTRY:
		NEW(SCHED_EV_IRQ_ENTRY);
		ev->irq.irq = fe->irq_handler_entry->irq;
		ev->irq.name = fe->irq_handler_entry->name;
		break;
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_IRQ_HANDLER_EXIT:
		NEW(SCHED_EV_IRQ_EXIT);
		ev->irq.irq = fe->irq_handler_exit->irq;
		ev->irq.ret = fe->irq_handler_exit->ret;
		break;
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_CPU_FREQUENCY:
		NEW(SCHED_EV_CPU_FREQ);
		ev->freq.khz = fe->cpu_frequency->state;
		ev->freq.cpu_id = fe->cpu_frequency->cpu_id;
		break;
	case PERFETTO__PROTOS__FTRACE_EVENT__EVENT_CPU_IDLE:
		NEW(SCHED_EV_CPU_IDLE);
		ev->idle.state = fe->cpu_idle->state;
		ev->idle.cpu_id = fe->cpu_idle->cpu_id;
		break;
	default:
		return false;
	}
#undef NEW
	ev->pid = (int32_t)fe->pid;
	ev->tgid = tgid_of(r, ev->pid);
	ev->flags = fe->has_common_flags ? (uint16_t)fe->common_flags : 0;
	return true;
}

static int map_compact(struct reader *r, uint32_t cpu,
		       const Perfetto__Protos__FtraceEventBundle__CompactSched *cs)
{
	size_t n = cs->n_switch_timestamp, i;
	uint64_t ts = 0;

	if (cs->n_switch_prev_state != n || cs->n_switch_next_pid != n ||
	    cs->n_switch_next_prio != n || cs->n_switch_next_comm_index != n) {
		pr_debug("trace: compact_sched switch arrays of different lengths");
		return -EBADMSG;
	}
	for (i = 0; i < n; i++) {
		struct item *it;
		uint32_t ci = cs->switch_next_comm_index[i];

		if (ci >= cs->n_intern_table) {
			pr_debug("trace: compact_sched comm index %u out of range", ci);
			return -EBADMSG;
		}
		ts += cs->switch_timestamp[i];
		it = item_new(r, ts, cpu, SCHED_EV_SWITCH);
		it->compact = 1;
		it->ev.sw.prev_state = cs->switch_prev_state[i];
		set_task(r, &it->ev.sw.next, cs->intern_table[ci], cs->switch_next_pid[i],
			 cs->switch_next_prio[i]);
	}
	r->st->compact_switch += n;

	n = cs->n_waking_timestamp;
	if (cs->n_waking_pid != n || cs->n_waking_target_cpu != n || cs->n_waking_prio != n ||
	    cs->n_waking_comm_index != n || (cs->n_waking_common_flags && cs->n_waking_common_flags != n)) {
		pr_debug("trace: compact_sched waking arrays of different lengths");
		return -EBADMSG;
	}
	ts = 0;
	for (i = 0; i < n; i++) {
		struct item *it;
		uint32_t ci = cs->waking_comm_index[i];

		if (ci >= cs->n_intern_table) {
			pr_debug("trace: compact_sched comm index %u out of range", ci);
			return -EBADMSG;
		}
		ts += cs->waking_timestamp[i];
		it = item_new(r, ts, cpu, SCHED_EV_WAKING);
		it->compact = 2;
		set_task(r, &it->ev.wake.task, cs->intern_table[ci], cs->waking_pid[i],
			 cs->waking_prio[i]);
		it->ev.wake.target_cpu = cs->waking_target_cpu[i];
		if (cs->n_waking_common_flags)
			it->ev.flags = (uint16_t)cs->waking_common_flags[i];
	}
	r->st->compact_waking += n;
	return 0;
}

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->ev.ts != y->ev.ts)
		return x->ev.ts < y->ev.ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int on_bundle(struct reader *r, const Perfetto__Protos__FtraceEventBundle *b)
{
	struct cpu_cur *cur;
	size_t i;
	int err;

	r->st->bundles++;
	if (!b->has_cpu)
		return 0;	/* trace_processor drops such bundles too */
	if (b->has_lost_events && b->lost_events)
		r->st->lost_bundles++;
	r->nitems = 0;
	for (i = 0; i < b->n_event; i++) {
		if (map_event(r, b->cpu, b->event[i]))
			r->st->full_events++;
		else
			r->st->unknown_events++;
	}
	if (b->compact_sched && (err = map_compact(r, b->cpu, b->compact_sched)))
		return err;
	qsort(r->items, r->nitems, sizeof(*r->items), item_cmp);

	cur = cur_of(r, b->cpu);
	for (i = 0; i < r->nitems; i++) {
		struct sched_event *ev = &r->items[i].ev;

		if (r->items[i].compact == 1) {
			ev->sw.prev = cur->t;
			ev->pid = cur->t.tid;
			ev->tgid = cur->t.tgid;
		} else if (r->items[i].compact == 2) {
			ev->pid = cur->t.tid;
			ev->tgid = cur->t.tgid;
		}
		if (ev->kind == SCHED_EV_SWITCH)
			cur->t = ev->sw.next;
		r->st->events++;
		if (r->ops->event && (err = r->ops->event(r->ctx, ev)))
			return err;
	}
	return 0;
}

static int on_packet(struct reader *r, const uint8_t *data, size_t len)
{
	Perfetto__Protos__TracePacket *p = perfetto__protos__trace_packet__unpack(NULL, len, data);
	uint64_t ts;
	int err = 0;

	if (!p) {
		pr_debug("trace: packet %" PRIu64 " (%zu bytes) does not decode", r->st->packets, len);
		return -EBADMSG;
	}
	r->st->packets++;
	ts = p->has_timestamp ? p->timestamp : 0;
	if (r->ops->packet && (err = r->ops->packet(r->ctx, p)))
		goto out;
	switch (p->data_case) {
	case PERFETTO__PROTOS__TRACE_PACKET__DATA_FTRACE_EVENTS:
		err = on_bundle(r, p->ftrace_events);
		break;
	case PERFETTO__PROTOS__TRACE_PACKET__DATA_PROCESS_TREE:
		err = on_process_tree(r, ts, p->process_tree);
		break;
	case PERFETTO__PROTOS__TRACE_PACKET__DATA_TRACK_DESCRIPTOR:
		on_track(r, p->track_descriptor);
		break;
	case PERFETTO__PROTOS__TRACE_PACKET__DATA_TRACK_EVENT:
		err = on_track_event(r, ts, p->track_event);
		break;
	case PERFETTO__PROTOS__TRACE_PACKET__DATA_SYSTEM_INFO:
		if (p->system_info->utsname && p->system_info->utsname->release)
			snprintf(r->st->release, sizeof(r->st->release), "%s",
				 p->system_info->utsname->release);
		if (p->system_info->has_num_cpus)
			r->st->nr_cpus = p->system_info->num_cpus;
		break;
	default:
		break;
	}
out:
	perfetto__protos__trace_packet__free_unpacked(p, NULL);
	return err;
}

/* Skip a field of another number (Trace has only `packet`, but be lenient). */
static int skip_field(struct reader *r, uint64_t tag)
{
	uint64_t v;
	int rc;

	switch (tag & 7) {
	case 0:
		rc = src_varint(r, &v);
		return rc < 0 ? rc : rc ? 0 : -EBADMSG;
	case 1:
	case 5:
		v = (tag & 7) == 1 ? 8 : 4;
		break;
	case 2:
		rc = src_varint(r, &v);
		if (rc <= 0)
			return rc < 0 ? rc : -EBADMSG;
		break;
	default:
		return -EBADMSG;
	}
	if (src_want(r, v) != (ssize_t)v)
		return -EBADMSG;
	r->start += v;
	return 0;
}

static int read_all(struct reader *r)
{
	for (;;) {
		uint64_t tag, len, off = r->st->bytes;
		ssize_t got;
		int rc = src_varint(r, &tag);

		if (rc <= 0)
			return rc;
		if (tag != 0x0a) {
			if ((rc = skip_field(r, tag)))
				return rc;
			continue;
		}
		rc = src_varint(r, &len);
		if (rc <= 0) {
			pr_debug("trace: truncated packet header at byte %" PRIu64, off);
			return rc < 0 ? rc : -EBADMSG;
		}
		if (len > (1ULL << 31)) {
			pr_debug("trace: packet of %" PRIu64 " bytes at byte %" PRIu64, len, off);
			return -EBADMSG;
		}
		got = src_want(r, len);
		if (got < 0)
			return (int)got;
		if ((uint64_t)got != len) {
			pr_debug("trace: truncated packet at byte %" PRIu64 " (%zd of %" PRIu64 " bytes)",
				 off, got, len);
			return -EBADMSG;
		}
		rc = on_packet(r, r->buf + r->start, len);
		r->start += len;
		r->st->bytes = off + 1 + pb_varint_size(len) + len;
		if (rc)
			return rc;
	}
}

static int run(struct reader *r, const struct pftrace_read_ops *ops, void *ctx,
	       struct pftrace_read_stats *stats)
{
	struct pftrace_read_stats local;
	size_t i;
	int err;

	strbuf_init(&r->cmdline, 0);
	r->ops = ops;
	r->ctx = ctx;
	r->st = stats ? stats : &local;
	memset(r->st, 0, sizeof(*r->st));
	u64map_init(&r->tgid);
	u64map_init(&r->track);
	err = read_all(r);
	u64map_release(&r->tgid);
	u64map_release(&r->track);
	for (i = 0; i < r->nnames; i++)
		free(r->names[i]);
	free(r->names);
	free(r->items);
	free(r->cpus);
	strbuf_release(&r->cmdline);
	return err;
}

int pftrace_read(int fd, const struct pftrace_read_ops *ops, void *ctx,
		 struct pftrace_read_stats *stats)
{
	struct reader r = {.fd = fd};
	int err = run(&r, ops, ctx, stats);

	free(r.buf);
	return err;
}

int pftrace_read_mem(const void *data, size_t len, const struct pftrace_read_ops *ops, void *ctx,
		     struct pftrace_read_stats *stats)
{
	struct reader r = {.fd = -1, .buf = (uint8_t *)data, .cap = len, .end = len, .eof = true,
			   .mem = true};

	return run(&r, ops, ctx, stats);
}
