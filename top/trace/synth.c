// SPDX-License-Identifier: GPL-2.0
/*
 * Synthetic scheduler event stream (see synth.h). The model is small but
 * consistent, so a trace built from it passes the same checks as a real one:
 * each CPU runs one task (or idle) at a time and a switch hands it over;
 * a task put to sleep is woken (sched_waking on the waker's CPU) before it
 * runs again; exits are followed by a switch out with state X and a free;
 * forks announce the child (task_newtask) and wake it (sched_wakeup_new).
 * Events come out in global time order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "top/trace/synth.h"

static uint64_t rnd(struct synth *s)
{
	/* splitmix64: fast, good enough, deterministic */
	uint64_t z = (s->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd_below(struct synth *s, uint64_t n)
{
	return n ? rnd(s) % n : 0;
}

/* Roughly exponential with the given mean (sum of two uniforms, cheap). */
static uint64_t rnd_gap(struct synth *s, uint64_t mean)
{
	return 1 + rnd_below(s, mean) + rnd_below(s, mean);
}

static void task_spawn(struct synth *s, struct synth_task *t, int32_t tgid, const char *pcomm)
{
	unsigned tpp = s->o.threads_per_process;

	s->next_tid += 1 + (int32_t)rnd_below(s, 40);
	t->tid = s->next_tid;
	if (tgid > 0) {
		t->tgid = tgid;
		snprintf(t->comm, sizeof(t->comm), "%.10s-w%u", pcomm, (unsigned)(t->tid % 97));
	} else {
		t->tgid = t->tid;
		snprintf(t->comm, sizeof(t->comm), "app%u", (unsigned)(t->tid % 1000));
	}
	(void)tpp;
	t->prio = rnd_below(s, 8) ? 120 : 100 + (int32_t)rnd_below(s, 39);
	t->cpu = -1;
	t->runnable = true;
}

void synth_init(struct synth *s, const struct synth_opts *o)
{
	unsigned i;

	memset(s, 0, sizeof(*s));
	s->o = *o;
	if (!s->o.nr_cpus)
		s->o.nr_cpus = 4;
	if (!s->o.nr_tasks)
		s->o.nr_tasks = 64;
	if (!s->o.threads_per_process)
		s->o.threads_per_process = 4;
	if (!s->o.start_ts)
		s->o.start_ts = 1000000000000ULL;
	if (!s->o.mean_slice_ns)
		s->o.mean_slice_ns = 50000;
	s->rng = s->o.seed ^ 0x5c7d0b5eULL;
	s->now = s->o.start_ts;
	s->next_tid = 1000;
	s->tasks = xcalloc(s->o.nr_tasks, sizeof(*s->tasks));
	s->cur = xmalloc(s->o.nr_cpus * sizeof(*s->cur));
	for (i = 0; i < s->o.nr_cpus; i++)
		s->cur[i] = -1;
	for (i = 0; i < s->o.nr_tasks; i++) {
		struct synth_task *t = &s->tasks[i];
		unsigned lead = i - i % s->o.threads_per_process;

		if (lead == i)
			task_spawn(s, t, 0, NULL);
		else
			task_spawn(s, t, s->tasks[lead].tgid, s->tasks[lead].comm);
	}
}

void synth_release(struct synth *s)
{
	free(s->tasks);
	free(s->cur);
	memset(s, 0, sizeof(*s));
}

static void fill_task(struct sched_task *dst, const struct synth_task *t)
{
	dst->tid = t->tid;
	dst->tgid = t->tgid;
	dst->prio = t->prio;
	memcpy(dst->comm, t->comm, SCHED_COMM_LEN);
}

static void fill_idle(struct sched_task *dst, uint32_t cpu)
{
	memset(dst, 0, sizeof(*dst));
	dst->prio = 120;
	snprintf(dst->comm, sizeof(dst->comm), "swapper/%u", cpu % 100000);
}

static struct sched_event *push(struct synth *s, uint16_t kind, uint32_t cpu)
{
	struct sched_event *ev = &s->queue[s->nq++];
	int32_t c = s->cur[cpu];

	memset(ev, 0, sizeof(*ev));
	ev->ts = s->now;
	ev->cpu = cpu;
	ev->kind = kind;
	ev->pid = c >= 0 ? s->tasks[c].tid : 0;
	ev->tgid = c >= 0 ? s->tasks[c].tgid : 0;
	return ev;
}

/* A random task index matching: 0 runnable and not running, 1 sleeping, 2 dead. */
static int32_t pick(struct synth *s, int what)
{
	unsigned n = s->o.nr_tasks, start = (unsigned)rnd_below(s, n), i;

	for (i = 0; i < n; i++) {
		unsigned k = (start + i) % n;
		struct synth_task *t = &s->tasks[k];

		if (what == 0 && t->tid && t->runnable && t->cpu < 0)
			return (int32_t)k;
		if (what == 1 && t->tid && !t->runnable && t->cpu < 0)
			return (int32_t)k;
		if (what == 2 && !t->tid)
			return (int32_t)k;
	}
	return -1;
}

static void gen_switch(struct synth *s, uint32_t cpu)
{
	int32_t prev = s->cur[cpu], next = pick(s, 0);
	struct sched_event *ev;
	uint64_t r = rnd_below(s, 1000);
	bool dies = false;

	/* Idle when nothing is runnable, and sometimes anyway. */
	if (next >= 0 && prev >= 0 && r < 150)
		next = -1;
	if (prev < 0 && next < 0)
		return;
	if (prev >= 0 && !s->o.switches_only && r >= 995) {
		dies = true;
		ev = push(s, SCHED_EV_EXIT, cpu);
		fill_task(&ev->exit.task, &s->tasks[prev]);
		s->now += 1 + rnd_below(s, 1000);	/* do_exit() runs a while */
	}
	ev = push(s, SCHED_EV_SWITCH, cpu);
	if (prev >= 0) {
		struct synth_task *p = &s->tasks[prev];

		fill_task(&ev->sw.prev, p);
		if (dies) {
			ev->sw.prev_state = SCHED_STATE_EXIT_DEAD;
			p->runnable = false;
		} else if (r < 400) {
			ev->sw.prev_state = SCHED_STATE_PREEMPTED;	/* stays runnable */
		} else {
			ev->sw.prev_state = r < 950 ? SCHED_STATE_INTERRUPTIBLE
						    : SCHED_STATE_UNINTERRUPTIBLE;
			p->runnable = false;
		}
		p->cpu = -1;
	} else {
		fill_idle(&ev->sw.prev, cpu);
	}
	if (next >= 0) {
		fill_task(&ev->sw.next, &s->tasks[next]);
		s->tasks[next].cpu = (int32_t)cpu;
	} else {
		fill_idle(&ev->sw.next, cpu);
	}
	s->cur[cpu] = next;
	if (dies) {
		s->now += 1 + rnd_below(s, 1000);	/* after an RCU grace period, really */
		ev = push(s, SCHED_EV_FREE, (uint32_t)rnd_below(s, s->o.nr_cpus));
		fill_task(&ev->exit.task, &s->tasks[prev]);
		s->tasks[prev].tid = 0;	/* the slot is free for a fork */
	}
	if (s->o.dsq && next >= 0) {
		ev = push(s, SCHED_EV_DSQ, cpu);
		ev->dsq.dsq_id = cpu % 2 ? SCX_DSQ_GLOBAL : 42;
		ev->dsq.latency_ns = rnd_gap(s, 20000);
		ev->dsq.nr_queued = rnd_below(s, 8);
		ev->dsq.tid = s->tasks[next].tid;
	}
}

static void gen_waking(struct synth *s, uint32_t cpu)
{
	int32_t k = pick(s, 1);
	struct sched_event *ev;

	if (k < 0)
		return;
	ev = push(s, SCHED_EV_WAKING, cpu);
	fill_task(&ev->wake.task, &s->tasks[k]);
	ev->wake.target_cpu = (int32_t)rnd_below(s, s->o.nr_cpus);
	if (rnd_below(s, 10) == 0)
		ev->flags = SCHED_FLAG_HARDIRQ;
	s->tasks[k].runnable = true;
}

static void gen_rare(struct synth *s, uint32_t cpu, uint64_t r)
{
	struct sched_event *ev;
	int32_t c = s->cur[cpu], k;

	if (r < 40) {
		ev = push(s, SCHED_EV_SOFTIRQ_ENTRY, cpu);
		ev->softirq.vec = (uint32_t)rnd_below(s, 10);
		s->now += 1 + rnd_below(s, 3000);
		ev = push(s, SCHED_EV_SOFTIRQ_EXIT, cpu);
		ev->softirq.vec = s->queue[s->nq - 2].softirq.vec;
	} else if (r < 50) {
		k = pick(s, 0);
		if (k < 0)
			return;
		ev = push(s, SCHED_EV_MIGRATE, cpu);
		fill_task(&ev->migrate.task, &s->tasks[k]);
		ev->migrate.orig_cpu = (int32_t)rnd_below(s, s->o.nr_cpus);
		ev->migrate.dest_cpu = (int32_t)cpu;
	} else if (r < 54 && c >= 0 && (k = pick(s, 2)) >= 0) {
		struct synth_task *par = &s->tasks[c], *ch = &s->tasks[k];
		bool thread = rnd_below(s, 2);

		task_spawn(s, ch, thread ? par->tgid : 0, par->comm);
		if (thread)
			memcpy(ch->comm, par->comm, SCHED_COMM_LEN);
		ev = push(s, SCHED_EV_NEWTASK, cpu);
		fill_task(&ev->newtask.parent, par);
		fill_task(&ev->newtask.child, ch);
		memcpy(ev->newtask.child.comm, par->comm, SCHED_COMM_LEN);
		ev->newtask.clone_flags = thread ? 0x3d0f00 : 0x11;
		ev = push(s, SCHED_EV_WAKEUP_NEW, cpu);
		fill_task(&ev->wake.task, ch);
		ev->wake.target_cpu = (int32_t)rnd_below(s, s->o.nr_cpus);
	} else if (r < 56 && c >= 0) {
		struct synth_task *t = &s->tasks[c];
		static const char *const names[] = {"sh", "make", "cc1", "ld", "python3"};
		const char *nm = names[rnd_below(s, ARRAY_SIZE(names))];

		snprintf(t->comm, sizeof(t->comm), "%s", nm);
		ev = push(s, SCHED_EV_EXEC, cpu);
		fill_task(&ev->exec.task, t);
		ev->exec.old_tid = t->tid;
	} else if (r < 58) {
		ev = push(s, SCHED_EV_CPU_FREQ, cpu);
		ev->freq.cpu_id = cpu;
		ev->freq.khz = 800000 + 100000 * (uint32_t)rnd_below(s, 28);
	}
}

static void generate(struct synth *s)
{
	uint32_t cpu = (uint32_t)rnd_below(s, s->o.nr_cpus);
	uint64_t r;

	s->nq = s->qi = 0;
	s->now += rnd_gap(s, s->o.mean_slice_ns / s->o.nr_cpus);
	if (s->o.switches_only) {
		gen_switch(s, cpu);
		if (s->nq)
			return;
		/* Nothing to switch to: wake someone without emitting it. */
		int32_t k = pick(s, 1);

		if (k >= 0)
			s->tasks[k].runnable = true;
		return;
	}
	r = rnd_below(s, 1000);
	if (r < 60) {
		gen_rare(s, cpu, r);
		if (s->nq)
			return;
	}
	if (r & 1)
		gen_waking(s, cpu);
	else
		gen_switch(s, cpu);
}

void synth_next(struct synth *s, struct sched_event *ev)
{
	while (s->qi >= s->nq)
		generate(s);
	*ev = s->queue[s->qi++];
	s->serial++;
}
