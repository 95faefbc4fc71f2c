// SPDX-License-Identifier: GPL-2.0
/*
 * Timelines from the loaded events, following trace_processor
 * (reference/perfetto.md §5; importers/ftrace/ftrace_sched_event_tracker.cc,
 * importers/common/thread_state_tracker.cc, stdlib sched/latency.sql):
 *
 * Sched slices (per CPU). A sched_switch closes the CPU's open slice only when
 * its prev_pid is the task that slice belongs to; otherwise the switch counts
 * in mismatched_sched_switch_tids and the old slice stays open (dur -1). A
 * compact switch's prev is the previous switch's next on that CPU, and the
 * first compact switch of a CPU opens nothing (compact_sched_switch_skipped).
 * wprof ONCPU slices (TrackEvent mode) are turned into the same slices; the gap
 * between an ONCPU end and the next begin on a CPU is an idle slice.
 *
 * Thread states (per thread). switch-out opens a row in the decoded prev_state
 * (closing the Running row; if the thread was not Running the old row is lost:
 * thread_state_data_loss); switch-in closes whatever row is open and opens
 * Running; sched_waking of a blocked (or unseen) thread closes its row and opens
 * R with the waker (waker = FtraceEvent.pid, or for compact wakings the task
 * running on that CPU; wakings before the CPU's first switch are dropped:
 * compact_sched_waking_skipped); a waking of a runnable or running thread is
 * spurious; task_newtask opens R for the child.
 *
 * Latency samples. Each R/R+ → Running transition is one struct wakeup whose
 * lat is the runnable row's duration: trace_processor's
 * sched_latency_for_running_interval. kind WAKEUP = the row was opened by a
 * waking, NEW = by task_newtask, PREEMPT = by a switch-out in state R/R+.
 *
 * Where we go beyond trace_processor (documented in the README):
 *  - aggregates credit the last slice of each CPU and the last row of each
 *    thread up to the end of the trace (trace_processor v20.1 closes the last
 *    slice the same way; current trace_processor leaves dur = -1);
 *  - traces without any sched_waking use sched_wakeup as the waking, and
 *    without task_newtask use sched_wakeup_new;
 *  - a waking whose FtraceEvent.pid is the wakee itself (upstream scxtop's
 *    writer bug) takes the CPU's running task as the waker;
 *  - tids are not split into several threads on sched_process_free.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "top/analyze/trace_model.h"

struct cpu_state {
	bool valid;		/* a slice is open */
	bool seen;		/* a switch was seen (compact: the current task is known) */
	bool implicit_idle;	/* ONCPU: idle slice opened by an END */
	uint32_t cur;		/* task running (UTID_NONE unknown) */
	uint64_t slice_ts;
	uint32_t slice_utid;
	int16_t slice_prio;
	uint64_t end_ts;	/* ONCPU: last END on this CPU */
	uint32_t end_utid;
	int32_t end_state;
	struct span {
		uint64_t ts;
		bool open;
	} softirq, irq;		/* the open softirq / hardirq on this CPU */
};

struct build {
	struct trace_model *m;
	const struct build_observer *obs;
	struct cpu_state *cs;
	bool use_waking, use_wakeup, use_newtask, use_wakeup_new;
};

/* --------------------------------------------------------------- sorting -- */

static int ev_rank(const struct tev *e)
{
	return e->type == TEV_ONCPU_END ? 0 : 1;
}

static bool ev_less(const struct tev *a, const struct tev *b)
{
	return a->ts < b->ts || (a->ts == b->ts && ev_rank(a) < ev_rank(b));
}

/* Stable bottom-up merge sort (ties: ONCPU ends before other events, then input order). */
void tev_sort(struct tev *v, size_t n)
{
	struct tev *tmp, *src = v, *dst;

	if (n < 2)
		return;
	tmp = xmalloc(n * sizeof(*tmp));
	dst = tmp;
	/* insertion-sort runs of 32 first */
	for (size_t lo = 0; lo < n; lo += 32) {
		size_t hi = MIN(lo + 32, n);

		for (size_t i = lo + 1; i < hi; i++) {
			struct tev x = v[i];
			size_t j = i;

			while (j > lo && ev_less(&x, &v[j - 1])) {
				v[j] = v[j - 1];
				j--;
			}
			v[j] = x;
		}
	}
	for (size_t w = 32; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = MIN(lo + w, n), hi = MIN(lo + 2 * w, n), i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				dst[k++] = ev_less(&src[j], &src[i]) ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		struct tev *t = src;

		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
}

static bool is_track_sched(unsigned type)
{
	return type == TEV_ONCPU_BEGIN || type == TEV_ONCPU_END || type == TEV_WAKEE ||
	       type == TEV_WAKER;
}

static bool is_ftrace_sched(unsigned type)
{
	return type == TEV_SWITCH || type == TEV_SWITCH_COMPACT || type == TEV_WAKING ||
	       type == TEV_WAKING_COMPACT || type == TEV_WAKEUP || type == TEV_WAKEUP_NEW;
}

/* ------------------------------------------------------- thread states -- */

static void row_emit(struct build *b, uint32_t utid, struct thread *t, int64_t dur)
{
	struct state_row r;

	if (!b->obs || !b->obs->state || t->row_state == TS_NONE)
		return;
	r.ts = t->row_ts;
	r.dur = dur;
	r.utid = utid;
	r.state = t->row_state;
	r.raw_state = t->row_state == TS_RUNNING || t->row_state == TS_R ? -1 : t->row_raw;
	r.cpu = t->row_state == TS_RUNNING ? t->row_cpu : CPU_NONE;
	b->obs->state(b->obs->ctx, &r);
}

static void row_close(struct build *b, uint32_t utid, struct thread *t, uint64_t ts)
{
	if (t->row_state == TS_NONE)
		return;
	if (ts >= t->row_ts)
		t->state_ns[t->row_state] += ts - t->row_ts;
	row_emit(b, utid, t, ts >= t->row_ts ? (int64_t)(ts - t->row_ts) : 0);
}

static void touch(struct thread *t, uint64_t ts)
{
	if (!t->first_ts || ts < t->first_ts)
		t->first_ts = ts;
	if (ts > t->last_ts)
		t->last_ts = ts;
	t->flags |= THF_SEEN_SCHED;
}

static void switch_out(struct build *b, uint32_t utid, int32_t prev_state, uint64_t ts, uint16_t cpu)
{
	struct trace_model *m = b->m;
	struct thread *t;
	enum tstate st;

	if (utid == UTID_IDLE || utid == UTID_NONE)
		return;
	t = &m->threads[utid];
	touch(t, ts);
	if (t->row_state == TS_RUNNING) {
		row_close(b, utid, t, ts);
	} else {
		m->stats.thread_state_data_loss++;
		row_emit(b, utid, t, -1);
	}
	st = prev_state_to_tstate(prev_state);
	t->row_state = (uint8_t)st;
	t->row_ts = ts;
	t->row_raw = prev_state;
	t->row_waker = UTID_NONE;
	t->row_kind = WK_PREEMPT;
	t->row_cpu = cpu;
	t->row_target = -1;
	t->row_flags = 0;
	if (st == TS_R || st == TS_RPLUS)
		t->nr_invol++;
	else
		t->nr_vol++;
}

static void migration(struct trace_model *m, int from, int to)
{
	int32_t lf = topo_llc(&m->topo, (unsigned)from), lt = topo_llc(&m->topo, (unsigned)to);
	int32_t nf = topo_node(&m->topo, (unsigned)from), nt = topo_node(&m->topo, (unsigned)to);

	if (from < 0 || to < 0 || lf < 0 || lt < 0)
		m->migrate_unknown++;
	else if (nf >= 0 && nt >= 0 && nf != nt)
		m->migrate_cross_node++;
	else if (lf != lt)
		m->migrate_cross_llc++;
	else
		m->migrate_same_llc++;
}

static void switch_in(struct build *b, uint32_t utid, uint64_t ts, uint16_t cpu)
{
	struct trace_model *m = b->m;
	struct thread *t;

	if (utid == UTID_IDLE || utid == UTID_NONE)
		return;
	t = &m->threads[utid];
	touch(t, ts);
	if ((t->row_state == TS_R || t->row_state == TS_RPLUS) && ts >= t->row_ts) {
		struct wakeup *w;

		if (m->nr_wakeups == m->wakeups_alloc)
			xgrow((void **)&m->wakeups, &m->wakeups_alloc, m->nr_wakeups + 1, sizeof(*w));
		w = &m->wakeups[m->nr_wakeups++];
		w->ts = t->row_ts;
		w->lat = ts - t->row_ts;
		w->utid = utid;
		w->waker = t->row_waker;
		w->waker_cpu = t->row_kind == WK_PREEMPT ? CPU_NONE : t->row_cpu;
		w->cpu = cpu;
		w->target_cpu = t->row_target;
		w->kind = t->row_kind;
		w->flags = t->row_flags;
		if (w->kind == WK_WAKEUP)
			t->nr_wakeups++;
		m->cpus[cpu].nr_wakeups_in++;
	}
	row_close(b, utid, t, ts);
	if (t->last_cpu != CPU_NONE && t->last_cpu != cpu) {
		t->nr_migrations++;
		m->nr_migrate_inferred++;
		m->cpus[cpu].nr_migrations_in++;
		if (m->type_counts[TEV_MIGRATE] == 0)
			migration(m, t->last_cpu, cpu);
	}
	t->last_cpu = cpu;
	t->row_state = TS_RUNNING;
	t->row_ts = ts;
	t->row_cpu = cpu;
}

static void make_runnable(struct build *b, uint32_t utid, uint32_t waker, uint64_t ts, uint16_t cpu,
			  int16_t target, uint8_t flags, uint8_t kind, bool close)
{
	struct trace_model *m = b->m;
	struct thread *t;

	if (utid == UTID_IDLE || utid == UTID_NONE)
		return;
	t = &m->threads[utid];
	touch(t, ts);
	if (close) {
		if (t->row_state == TS_R || t->row_state == TS_RPLUS || t->row_state == TS_RUNNING) {
			m->stats.spurious_wakeups++;
			return;
		}
		row_close(b, utid, t, ts);
	} else if (t->row_state != TS_NONE) {
		row_emit(b, utid, t, -1);
	}
	t->row_state = TS_R;
	t->row_ts = ts;
	t->row_waker = waker;
	t->row_cpu = cpu;
	t->row_target = target;
	t->row_flags = flags & TEVF_IRQ;
	t->row_kind = kind;
	t->row_raw = 0;
}

/* ---------------------------------------------------------- sched slices -- */

static void slice_close(struct build *b, struct cpu_state *cs, uint16_t cpu, uint64_t ts,
			int32_t end_state, bool known)
{
	struct trace_model *m = b->m;
	struct cpu_events *c = &m->cpus[cpu];

	if (!cs->valid)
		return;
	if (known && ts >= cs->slice_ts) {
		uint64_t dur = ts - cs->slice_ts;

		if (cs->slice_utid == UTID_IDLE) {
			c->idle_ns += dur;
		} else {
			c->busy_ns += dur;
			m->threads[cs->slice_utid].runtime_ns += dur;
			m->threads[cs->slice_utid].nr_slices++;
		}
	}
	if (b->obs && b->obs->slice) {
		struct sched_slice s = {
			.ts = cs->slice_ts,
			.dur = known ? (int64_t)(ts - cs->slice_ts) : -1,
			.utid = cs->slice_utid,
			.cpu = cpu,
			.prio = cs->slice_prio,
			.end_state = known ? end_state : -1,
		};

		b->obs->slice(b->obs->ctx, &s);
	}
	cs->valid = false;
}

static void slice_open(struct cpu_state *cs, uint64_t ts, uint32_t utid, int16_t prio)
{
	cs->valid = true;
	cs->slice_ts = ts;
	cs->slice_utid = utid;
	cs->slice_prio = prio;
	cs->implicit_idle = false;
}

bool is_preemption(uint32_t victim, int32_t state, uint32_t next)
{
	enum tstate st = prev_state_to_tstate(state);

	return victim != UTID_IDLE && victim != UTID_NONE && next != UTID_IDLE && next != UTID_NONE &&
	       (st == TS_R || st == TS_RPLUS);
}

static void preempted(struct trace_model *m, uint32_t victim, int32_t state, uint32_t next,
		      uint16_t cpu)
{
	if (!is_preemption(victim, state, next))
		return;
	m->threads[victim].nr_preempted++;
	m->cpus[cpu].nr_preemptions++;
}

/* --------------------------------------------------------------- events -- */

static void on_switch(struct build *b, struct tev *e)
{
	struct trace_model *m = b->m;
	struct cpu_state *cs = &b->cs[e->cpu];
	struct cpu_events *c = &m->cpus[e->cpu];
	uint32_t prev;

	if (e->type == TEV_SWITCH_COMPACT) {
		if (!cs->seen) {
			/* seeds the current task only (trace_processor: compact_sched_switch_skipped) */
			cs->seen = true;
			cs->cur = e->utid;
			e->flags |= TEVF_SKIP;
			m->stats.compact_sched_switch_skipped++;
			return;
		}
		prev = cs->cur;
		e->other = prev;
	} else {
		prev = e->other;
		if (cs->valid && cs->slice_utid != prev) {
			e->flags |= TEVF_MISMATCH;
			m->stats.mismatched_sched_switch_tids++;
			c->nr_mismatch++;
		}
	}
	if (!c->first_switch_ts && !c->nr_switches)
		c->first_switch_ts = e->ts;
	c->nr_switches++;
	if (cs->valid)
		slice_close(b, cs, e->cpu, e->ts, e->arg, !(e->flags & TEVF_MISMATCH));
	preempted(m, prev, e->arg, e->utid, e->cpu);
	switch_out(b, prev, e->arg, e->ts, e->cpu);
	switch_in(b, e->utid, e->ts, e->cpu);
	slice_open(cs, e->ts, e->utid, e->prio);
	cs->seen = true;
	cs->cur = e->utid;
}

static void on_oncpu_end(struct build *b, struct tev *e)
{
	struct trace_model *m = b->m;
	struct cpu_state *cs = &b->cs[e->cpu];
	struct cpu_events *c = &m->cpus[e->cpu];

	if (cs->valid && cs->slice_utid != e->utid) {
		e->flags |= TEVF_MISMATCH;
		m->stats.mismatched_sched_switch_tids++;
		c->nr_mismatch++;
		slice_close(b, cs, e->cpu, e->ts, e->arg, false);
	} else if (cs->valid) {
		slice_close(b, cs, e->cpu, e->ts, e->arg, true);
		c->nr_switches++;
	}
	if (!c->first_switch_ts)
		c->first_switch_ts = e->ts;
	switch_out(b, e->utid, e->arg, e->ts, e->cpu);
	slice_open(cs, e->ts, UTID_IDLE, 120);
	cs->implicit_idle = true;
	cs->seen = true;
	cs->cur = UTID_IDLE;
	cs->end_ts = e->ts;
	cs->end_utid = e->utid;
	cs->end_state = e->arg;
}

static void on_oncpu_begin(struct build *b, struct tev *e)
{
	struct trace_model *m = b->m;
	struct cpu_state *cs = &b->cs[e->cpu];
	struct cpu_events *c = &m->cpus[e->cpu];
	struct thread *t = e->utid != UTID_IDLE ? &m->threads[e->utid] : NULL;

	if (cs->valid && cs->implicit_idle && cs->slice_ts == e->ts) {
		cs->valid = false; /* END and BEGIN at the same time: one switch */
		preempted(m, cs->end_utid, cs->end_state, e->utid, e->cpu);
	} else if (cs->valid) {
		if (cs->slice_utid != UTID_IDLE && !cs->implicit_idle)
			switch_out(b, cs->slice_utid, 0, e->ts, e->cpu);
		slice_close(b, cs, e->cpu, e->ts, 0, true);
		c->nr_switches++;
	}
	if (!c->first_switch_ts)
		c->first_switch_ts = e->ts;
	/* wprof's waking_delay_us when no WAKEE instant made the thread runnable */
	if (t && (e->flags & TEVF_DELAY) && t->row_state != TS_R && t->row_state != TS_RPLUS &&
	    (uint64_t)e->arg <= e->ts) {
		row_close(b, e->utid, t, e->ts - (uint64_t)e->arg);
		make_runnable(b, e->utid, e->other, e->ts - (uint64_t)e->arg, CPU_NONE, -1, 0,
			      WK_WAKEUP, false);
	}
	switch_in(b, e->utid, e->ts, e->cpu);
	slice_open(cs, e->ts, e->utid, 120);
	cs->seen = true;
	cs->cur = e->utid;
}

static void on_waking(struct build *b, struct tev *e)
{
	struct cpu_state *cs = &b->cs[e->cpu];
	uint8_t kind = WK_WAKEUP;

	switch (e->type) {
	case TEV_WAKING:
	case TEV_WAKING_COMPACT:
		if (!b->use_waking)
			return;
		break;
	case TEV_WAKEUP:
		if (!b->use_wakeup)
			return;
		break;
	case TEV_WAKEUP_NEW:
		if (!b->use_wakeup_new)
			return;
		kind = WK_NEW;
		break;
	case TEV_WAKEE:
		if (e->flags & TEVF_PREEMPT)
			return;
		if (e->flags & TEVF_NEW)
			kind = WK_NEW;
		break;
	}
	if (e->type == TEV_WAKING_COMPACT) {
		if (!cs->seen) {
			b->m->stats.compact_sched_waking_skipped++;
			e->flags |= TEVF_SKIP;
			return;
		}
		e->other = cs->cur;
	} else if (e->other == e->utid && cs->seen) {
		e->other = cs->cur;
	}
	make_runnable(b, e->utid, e->other, e->ts, e->cpu, (int16_t)e->arg, e->flags, kind, true);
}

static void on_event(struct build *b, struct tev *e)
{
	struct trace_model *m = b->m;
	struct cpu_state *cs = &b->cs[e->cpu];
	struct cpu_events *c = &m->cpus[e->cpu];

	switch (e->type) {
	case TEV_SWITCH:
	case TEV_SWITCH_COMPACT:
		on_switch(b, e);
		break;
	case TEV_ONCPU_BEGIN:
		on_oncpu_begin(b, e);
		break;
	case TEV_ONCPU_END:
		on_oncpu_end(b, e);
		break;
	case TEV_WAKING:
	case TEV_WAKING_COMPACT:
	case TEV_WAKEUP:
	case TEV_WAKEUP_NEW:
	case TEV_WAKEE:
		on_waking(b, e);
		break;
	case TEV_NEWTASK:
		if (b->use_newtask)
			make_runnable(b, e->utid, e->other, e->ts, e->cpu, -1, 0, WK_NEW, false);
		break;
	case TEV_MIGRATE:
		if (e->utid != UTID_NONE && e->utid != UTID_IDLE) {
			m->threads[e->utid].nr_migrate_events++;
			touch(&m->threads[e->utid], e->ts);
		}
		migration(m, e->arg2, e->arg);
		break;
	case TEV_SOFTIRQ_ENTRY:
	case TEV_IRQ_ENTRY:
	case TEV_SOFTIRQ_EXIT:
	case TEV_IRQ_EXIT: {
		bool soft = e->type == TEV_SOFTIRQ_ENTRY || e->type == TEV_SOFTIRQ_EXIT;
		struct span *sp = soft ? &cs->softirq : &cs->irq;

		if (e->type == TEV_SOFTIRQ_ENTRY || e->type == TEV_IRQ_ENTRY) {
			sp->ts = e->ts;
			sp->open = true;
			(*(soft ? &c->nr_softirq : &c->nr_irq))++;
		} else {
			if (sp->open && e->ts >= sp->ts)
				*(soft ? &c->softirq_ns : &c->irq_ns) += e->ts - sp->ts;
			sp->open = false;
		}
		break;
	}
	case TEV_CPU_FREQ:
		c->last_freq_khz = (uint32_t)e->arg;
		break;
	}
}

/* --------------------------------------------------------------- driver -- */

static void reset_aggregates(struct trace_model *m)
{
	for (size_t i = 0; i < m->nr_threads; i++) {
		struct thread *t = &m->threads[i];

		t->runtime_ns = t->nr_slices = t->nr_vol = t->nr_invol = t->nr_preempted = 0;
		t->nr_wakeups = t->nr_migrations = t->nr_migrate_events = 0;
		t->first_ts = t->last_ts = 0;
		memset(t->state_ns, 0, sizeof(t->state_ns));
		t->last_cpu = CPU_NONE;
		t->row_state = TS_NONE;
		t->row_waker = UTID_NONE;
	}
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		struct cpu_events *ce = &m->cpus[c];

		ce->busy_ns = ce->idle_ns = ce->nr_switches = ce->nr_mismatch = 0;
		ce->first_switch_ts = ce->nr_wakeups_in = ce->nr_preemptions = 0;
		ce->nr_migrations_in = ce->softirq_ns = ce->irq_ns = ce->nr_softirq = ce->nr_irq = 0;
		ce->last_freq_khz = 0;
	}
	m->nr_wakeups = 0;
	m->migrate_cross_llc = m->migrate_cross_node = m->migrate_same_llc = 0;
	m->migrate_unknown = m->nr_migrate_inferred = 0;
	m->stats.mismatched_sched_switch_tids = m->stats.compact_sched_switch_skipped = 0;
	m->stats.compact_sched_waking_skipped = m->stats.spurious_wakeups = 0;
	m->stats.thread_state_data_loss = 0;
}

/* Min-heap of CPUs keyed by (next event ts, cpu), keys cached in the entries. */
struct hent {
	uint64_t ts;
	uint32_t cpu;
};

struct heap {
	struct hent *h;
	size_t n;
};

static inline bool hent_less(const struct hent *a, const struct hent *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->cpu < b->cpu);
}

static void heap_down(struct heap *hp, size_t i)
{
	struct hent x = hp->h[i];

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, s = l;

		if (l >= hp->n)
			break;
		if (r < hp->n && hent_less(&hp->h[r], &hp->h[l]))
			s = r;
		if (!hent_less(&hp->h[s], &x))
			break;
		hp->h[i] = hp->h[s];
		i = s;
	}
	hp->h[i] = x;
}

static int derive(struct trace_model *m, const struct build_observer *obs)
{
	struct build b = {.m = m, .obs = obs};
	struct heap hp = {0};
	size_t *pos;

	if (m->cache_free)
		m->cache_free(m->cache);
	m->cache = NULL;
	m->cache_free = NULL;
	reset_aggregates(m);
	b.use_waking = m->type_counts[TEV_WAKING] + m->type_counts[TEV_WAKING_COMPACT] > 0;
	b.use_wakeup = !b.use_waking;
	b.use_newtask = m->type_counts[TEV_NEWTASK] > 0;
	b.use_wakeup_new = !b.use_newtask;
	m->waking_src_wakeup = b.use_wakeup && m->type_counts[TEV_WAKEUP] > 0;
	b.cs = xcalloc(m->nr_cpus ? m->nr_cpus : 1, sizeof(*b.cs));
	hp.h = xmalloc((m->nr_cpus + 1) * sizeof(*hp.h));
	pos = xcalloc(m->nr_cpus + 1, sizeof(*pos));
	for (uint32_t c = 0; c < m->nr_cpus; c++)
		if (m->cpus[c].n)
			hp.h[hp.n++] = (struct hent){m->cpus[c].ev[0].ts, c};
	for (size_t i = hp.n; i-- > 0;)
		heap_down(&hp, i);
	while (hp.n) {
		uint32_t c = hp.h[0].cpu;
		struct cpu_events *ce = &m->cpus[c];
		/* this CPU stays first until its next event passes the runner-up */
		struct hent next = hp.n > 1 ? hp.h[1] : (struct hent){UINT64_MAX, UINT32_MAX};

		if (hp.n > 2 && hent_less(&hp.h[2], &next))
			next = hp.h[2];
		do {
			on_event(&b, &ce->ev[pos[c]]);
			pos[c]++;
		} while (pos[c] < ce->n &&
			 !hent_less(&next, &(struct hent){ce->ev[pos[c]].ts, c}));
		if (pos[c] >= ce->n) {
			hp.h[0] = hp.h[--hp.n];
		} else {
			hp.h[0].ts = ce->ev[pos[c]].ts;
		}
		if (hp.n)
			heap_down(&hp, 0);
	}
	/* the end of the trace closes what is still open (for the aggregates) */
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		struct cpu_state *cs = &b.cs[c];

		if (!cs->valid)
			continue;
		if (m->end_ts >= cs->slice_ts) {
			uint64_t dur = m->end_ts - cs->slice_ts;

			if (cs->slice_utid == UTID_IDLE) {
				m->cpus[c].idle_ns += dur;
			} else {
				m->cpus[c].busy_ns += dur;
				m->threads[cs->slice_utid].runtime_ns += dur;
				m->threads[cs->slice_utid].nr_slices++;
			}
		}
		if (obs && obs->slice) {
			struct sched_slice s = {cs->slice_ts, -1, cs->slice_utid, (uint16_t)c,
						cs->slice_prio, -1};

			obs->slice(obs->ctx, &s);
		}
	}
	for (size_t i = 1; i < m->nr_threads; i++) {
		struct thread *t = &m->threads[i];

		if (t->row_state == TS_NONE)
			continue;
		if (m->end_ts >= t->row_ts)
			t->state_ns[t->row_state] += m->end_ts - t->row_ts;
		row_emit(&b, (uint32_t)i, t, -1);
	}
	free(b.cs);
	free(hp.h);
	free(pos);
	return 0;
}

int model_build(struct trace_model *m)
{
	bool first = true;

	if (m->built)
		return 0;
	memset(m->type_counts, 0, sizeof(m->type_counts));
	m->total_events = 0;
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		struct cpu_events *ce = &m->cpus[c];
		size_t k = 0;

		/* one source of scheduling events: ftrace when present, else TrackEvents */
		for (size_t i = 0; i < ce->n; i++) {
			unsigned t = ce->ev[i].type;

			if (t == TEV_NONE || (m->sched_src == SRC_FTRACE && is_track_sched(t)) ||
			    (m->sched_src == SRC_TRACK_EVENT && is_ftrace_sched(t))) {
				if (t != TEV_NONE)
					m->stats.dropped_other_source++;
				continue;
			}
			ce->ev[k++] = ce->ev[i];
		}
		ce->n = k;
		if (ce->unsorted || m->sched_src == SRC_TRACK_EVENT) {
			tev_sort(ce->ev, ce->n);
			m->stats.cpus_resorted++;
		}
		ce->unsorted = false;
		for (size_t i = 0; i < ce->n; i++)
			m->type_counts[ce->ev[i].type]++;
		m->total_events += ce->n;
		if (ce->n) {
			if (first || ce->ev[0].ts < m->start_ts)
				m->start_ts = ce->ev[0].ts;
			if (first || ce->ev[ce->n - 1].ts > m->end_ts)
				m->end_ts = ce->ev[ce->n - 1].ts;
			first = false;
		}
		/* give back the growth slack */
		if (ce->alloc > ce->n + ce->n / 8 + 16) {
			ce->ev = xrealloc(ce->ev, (ce->n ? ce->n : 1) * sizeof(*ce->ev));
			ce->alloc = ce->n ? ce->n : 1;
		}
	}
	derive(m, NULL);
	if (m->wakeups_alloc > m->nr_wakeups + 16) {
		m->wakeups = xrealloc(m->wakeups, (m->nr_wakeups ? m->nr_wakeups : 1) * sizeof(*m->wakeups));
		m->wakeups_alloc = m->nr_wakeups ? m->nr_wakeups : 1;
	}
	m->built = true;
	return 0;
}

int model_replay(struct trace_model *m, const struct build_observer *obs)
{
	if (!m->built)
		return -EINVAL;
	return derive(m, obs);
}

/*
 * The sched slices of one CPU, from the flags model_build() left on the events
 * (same rules as derive(): mismatched switches leave the slice open, the first
 * compact switch opens nothing, ONCPU gaps are idle). Slices still open at the
 * end are reported with dur -1.
 */
void model_cpu_slices(const struct trace_model *m, uint32_t cpu,
		      void (*fn)(void *ctx, const struct sched_slice *s, const struct tev *open),
		      void *ctx)
{
	const struct cpu_events *ce;
	struct sched_slice cur = {0};
	const struct tev *open_ev = NULL;
	bool valid = false, implicit = false;

	if (cpu >= m->nr_cpus)
		return;
	ce = &m->cpus[cpu];
	for (size_t i = 0; i < ce->n; i++) {
		const struct tev *e = &ce->ev[i];
		bool known = true;
		int32_t es = e->arg;

		switch (e->type) {
		case TEV_SWITCH:
		case TEV_SWITCH_COMPACT:
			if (e->flags & TEVF_SKIP) {
				valid = false;
				continue;
			}
			known = !(e->flags & TEVF_MISMATCH);
			break;
		case TEV_ONCPU_END:
			known = valid && cur.utid == e->utid;
			break;
		case TEV_ONCPU_BEGIN:
			if (valid && implicit && cur.ts == e->ts)
				valid = false;
			es = 0;
			break;
		default:
			continue;
		}
		if (valid) {
			cur.dur = known ? (int64_t)(e->ts - cur.ts) : -1;
			cur.end_state = known ? es : -1;
			fn(ctx, &cur, open_ev);
		}
		cur.ts = e->ts;
		cur.cpu = (uint16_t)cpu;
		cur.utid = e->type == TEV_ONCPU_END ? UTID_IDLE : e->utid;
		cur.prio = e->type == TEV_ONCPU_END || e->type == TEV_ONCPU_BEGIN ? 120 : e->prio;
		open_ev = e;
		implicit = e->type == TEV_ONCPU_END;
		valid = true;
	}
	if (valid) {
		cur.dur = -1;
		cur.end_state = -1;
		fn(ctx, &cur, open_ev);
	}
}
