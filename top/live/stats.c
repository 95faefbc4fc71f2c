// SPDX-License-Identifier: GPL-2.0
#include "top/live/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hashmap.h"
#include "common/json_writer.h"
#include "common/util.h"
#include "top/live/collector.h"
#include "top/live/topology.h"

/* ---- raw readings ---- */

void stats_raw_init(struct stats_raw *r, unsigned nr_cpus)
{
	memset(r, 0, sizeof(*r));
	r->nr_cpus = nr_cpus;
	r->cpus = xcalloc(MAX(nr_cpus, 1u), sizeof(*r->cpus));
}

void stats_raw_release(struct stats_raw *r)
{
	free(r->cpus);
	free(r->proc);
	free(r->freq_khz);
	free(r->tasks);
	free(r->dsqs);
	free(r->scx_tasks);
	memset(r, 0, sizeof(*r));
}

#define COPY_ARRAY(dst, src, field, nfield, afield)                                                \
	do {                                                                                       \
		xgrow((void **)&(dst)->field, &(dst)->afield, (src)->nfield,                      \
		      sizeof(*(src)->field));                                                      \
		if ((src)->nfield)                                                                 \
			memcpy((dst)->field, (src)->field, (src)->nfield * sizeof(*(src)->field)); \
		(dst)->nfield = (src)->nfield;                                                     \
	} while (0)

void stats_raw_copy(struct stats_raw *dst, const struct stats_raw *src)
{
	struct stats_raw keep = *dst;

	*dst = *src;
	dst->cpus = keep.cpus;
	dst->proc = keep.proc;
	dst->freq_khz = keep.freq_khz;
	dst->tasks = keep.tasks;
	dst->alloc_tasks = keep.alloc_tasks;
	dst->dsqs = keep.dsqs;
	dst->alloc_dsqs = keep.alloc_dsqs;
	dst->scx_tasks = keep.scx_tasks;
	dst->alloc_scx_tasks = keep.alloc_scx_tasks;
	if (keep.nr_cpus != src->nr_cpus) {
		dst->cpus = xrealloc(dst->cpus, MAX(src->nr_cpus, 1u) * sizeof(*dst->cpus));
		free(dst->proc);
		free(dst->freq_khz);
		dst->proc = NULL;
		dst->freq_khz = NULL;
	}
	memcpy(dst->cpus, src->cpus, src->nr_cpus * sizeof(*dst->cpus));
	if (src->proc) {
		if (!dst->proc)
			dst->proc = xcalloc(MAX(src->nr_cpus, 1u), sizeof(*dst->proc));
		memcpy(dst->proc, src->proc, src->nr_cpus * sizeof(*dst->proc));
	} else {
		free(dst->proc);
		dst->proc = NULL;
	}
	if (src->freq_khz) {
		if (!dst->freq_khz)
			dst->freq_khz = xcalloc(MAX(src->nr_cpus, 1u), sizeof(*dst->freq_khz));
		memcpy(dst->freq_khz, src->freq_khz, src->nr_cpus * sizeof(*dst->freq_khz));
	} else {
		free(dst->freq_khz);
		dst->freq_khz = NULL;
	}
	COPY_ARRAY(dst, src, tasks, nr_tasks, alloc_tasks);
	COPY_ARRAY(dst, src, dsqs, nr_dsqs, alloc_dsqs);
	COPY_ARRAY(dst, src, scx_tasks, nr_scx_tasks, alloc_scx_tasks);
}

struct scxtop_task_rec *stats_raw_add_task(struct stats_raw *r)
{
	xgrow((void **)&r->tasks, &r->alloc_tasks, r->nr_tasks + 1, sizeof(*r->tasks));
	memset(&r->tasks[r->nr_tasks], 0, sizeof(*r->tasks));
	return &r->tasks[r->nr_tasks++];
}

struct scxtop_dsq_rec *stats_raw_add_dsq(struct stats_raw *r)
{
	xgrow((void **)&r->dsqs, &r->alloc_dsqs, r->nr_dsqs + 1, sizeof(*r->dsqs));
	memset(&r->dsqs[r->nr_dsqs], 0, sizeof(*r->dsqs));
	return &r->dsqs[r->nr_dsqs++];
}

struct scxtop_scx_task_rec *stats_raw_add_scx_task(struct stats_raw *r)
{
	xgrow((void **)&r->scx_tasks, &r->alloc_scx_tasks, r->nr_scx_tasks + 1,
	      sizeof(*r->scx_tasks));
	memset(&r->scx_tasks[r->nr_scx_tasks], 0, sizeof(*r->scx_tasks));
	return &r->scx_tasks[r->nr_scx_tasks++];
}

/* ---- latency ---- */

void stats_latency_from_hist(struct stats_latency *l, const uint32_t *hist, uint64_t samples,
			     uint64_t total_ns, uint64_t min_ns, uint64_t max_ns)
{
	memset(l, 0, sizeof(*l));
	if (!samples)
		return;
	l->samples = samples;
	l->total_ns = total_ns;
	l->avg_ns = total_ns / samples;
	l->min_ns = min_ns;
	l->max_ns = max_ns;
	l->p50_ns = scxtop_lat_percentile(hist, 50, min_ns, max_ns);
	l->p90_ns = scxtop_lat_percentile(hist, 90, min_ns, max_ns);
	l->p99_ns = scxtop_lat_percentile(hist, 99, min_ns, max_ns);
}

/* The cumulative latency counters of one record, whatever its kind. */
struct lat_src {
	uint64_t total, samples, min, max;
	const uint32_t *hist;
	uint32_t win_epoch;
	uint64_t win_min, win_max;
};

#define LAT_SRC(st)                                                                                \
	((struct lat_src){(st)->lat_total_ns, (st)->lat_samples, (st)->lat_min_ns,               \
			  (st)->lat_max_ns, (st)->lat_hist, (st)->win_epoch,                      \
			  (st)->win_lat_min_ns, (st)->win_lat_max_ns})

static uint64_t d64(uint64_t prev, uint64_t cur)
{
	return cur >= prev ? cur - prev : cur;
}

/*
 * Interval latency of one record into out (and its histogram into hist):
 * p == NULL means since start. `window` says the readings are consecutive and
 * this record's window extremes belong to the interval.
 */
static void lat_delta(struct stats_latency *out, uint32_t *hist, const struct lat_src *p,
		      const struct lat_src *c, bool window)
{
	uint64_t samples, total, min, max;
	int lo = -1, hi = -1;

	if (p && c->samples < p->samples)
		p = NULL;	/* counters restarted */
	if (!p) {
		memcpy(hist, c->hist, SCXTOP_LAT_SLOTS * sizeof(*hist));
		stats_latency_from_hist(out, hist, c->samples, c->total, c->min, c->max);
		return;
	}
	samples = c->samples - p->samples;
	total = d64(p->total, c->total);
	for (unsigned i = 0; i < SCXTOP_LAT_SLOTS; i++) {
		hist[i] = c->hist[i] >= p->hist[i] ? c->hist[i] - p->hist[i] : 0;
		if (hist[i]) {
			if (lo < 0)
				lo = (int)i;
			hi = (int)i;
		}
	}
	if (!samples) {
		memset(out, 0, sizeof(*out));
		return;
	}
	if (window) {
		min = c->win_min;
		max = c->win_max;
	} else {
		/* Estimate from the histogram, exact where the extremes moved. */
		uint64_t a, b;

		scxtop_lat_slot_bounds(lo < 0 ? 0 : (unsigned)lo, &a, &b);
		min = MAX(a, c->min);
		scxtop_lat_slot_bounds(hi < 0 ? 0 : (unsigned)hi, &a, &b);
		max = b == UINT64_MAX ? c->max : MIN(b - 1, c->max);
		if (c->min < p->min || !p->samples)
			min = c->min;
		if (c->max > p->max)
			max = c->max;
		if (min > max)
			min = max;
	}
	stats_latency_from_hist(out, hist, samples, total, min, max);
}

/* Merge a member's interval latency into a group's accumulators. */
static void lat_merge(uint32_t *hist, uint64_t *samples, uint64_t *total, uint64_t *min,
		      uint64_t *max, const uint32_t *mh, const struct stats_latency *ml)
{
	if (!ml->samples)
		return;
	for (unsigned i = 0; i < SCXTOP_LAT_SLOTS; i++)
		hist[i] += mh[i];
	*samples += ml->samples;
	*total += ml->total_ns;
	if (!*min || ml->min_ns < *min)
		*min = ml->min_ns;
	if (ml->max_ns > *max)
		*max = ml->max_ns;
}

/* ---- snapshot ---- */

void stats_snapshot_init(struct stats_snapshot *s)
{
	memset(s, 0, sizeof(*s));
}

void stats_snapshot_release(struct stats_snapshot *s)
{
	free(s->cpus);
	free(s->llcs);
	free(s->nodes);
	free(s->threads);
	free(s->processes);
	free(s->dsqs);
	memset(s, 0, sizeof(*s));
}

static void cpu_build(struct stats_cpu *o, const struct topology *topo, unsigned i,
		      const struct stats_raw *prev, const struct stats_raw *cur, bool window)
{
	const struct topo_cpu *tc = topology_cpu(topo, (int)i);
	const struct scxtop_cpu_stats *c = i < cur->nr_cpus ? &cur->cpus[i] : NULL;
	const struct scxtop_cpu_stats *p = prev && i < prev->nr_cpus ? &prev->cpus[i] : NULL;
	struct lat_src lc, lp;

	memset(o, 0, sizeof(*o));
	o->cpu_id = (int)i;
	o->core = o->llc_id = o->node_id = o->llc = o->node = -1;
	if (tc) {
		o->online = tc->online;
		o->isolated = tc->isolated;
		o->core = tc->core;
		o->llc = tc->llc;
		o->node = tc->node;
		if (tc->llc >= 0)
			o->llc_id = topo->llcs[tc->llc].id;
		if (tc->node >= 0)
			o->node_id = topo->nodes[tc->node].id;
	}
	if (cur->proc && i < cur->nr_cpus) {
		struct procstat_cpu zero = {.valid = true};
		const struct procstat_cpu *a = prev && prev->proc ? &prev->proc[i] : &zero;
		struct procstat_util u;

		procstat_util(a, &cur->proc[i], &u);
		o->proc_valid = u.valid;
		o->util_pct = u.busy;
		o->user_pct = u.user;
		o->system_pct = u.system;
		o->irq_pct = u.irq;
		o->iowait_pct = u.iowait;
		o->steal_pct = u.steal;
	}
	if (cur->freq_khz && i < cur->nr_cpus)
		o->freq_khz = cur->freq_khz[i];
	if (!c)
		return;
	if (p && c->nr_switches < p->nr_switches)
		p = NULL;
	if (c->freq_khz)
		o->freq_khz = c->freq_khz;
	o->curr_pid = c->curr_pid;
#define D(f) (p ? d64(p->f, c->f) : c->f)
	o->busy_ns = D(busy_ns);
	o->idle_ns = D(idle_ns);
	o->softirq_ns = D(softirq_ns);
	o->nr_switches = D(nr_switches);
	o->nr_preempts = D(nr_preempts);
	o->nr_wakeups = D(nr_wakeups);
	o->nr_migrations_in = D(nr_migrations_in);
	o->nr_migrations_out = D(nr_migrations_out);
	o->nr_migrations = o->nr_migrations_in;
	o->nr_softirqs = D(nr_softirqs);
	o->dropped = D(dropped);
#undef D
	if (o->busy_ns + o->idle_ns)
		o->busy_pct = 100.0 * (double)o->busy_ns / (double)(o->busy_ns + o->idle_ns);
	lc = LAT_SRC(c);
	if (p)
		lp = LAT_SRC(p);
	lat_delta(&o->latency, o->hist, p ? &lp : NULL, &lc,
		  window && c->win_epoch == cur->epoch);
}

/* Sum the online member CPUs of a group. */
static void group_build(struct stats_group *g, const struct stats_snapshot *s, const int *cpus,
			unsigned n)
{
	uint64_t samples = 0, total = 0, min = 0, max = 0;
	unsigned nutil = 0, nbusy = 0;

	g->cpus = cpus;
	g->nr_cpus = n;
	g->util_min_pct = n ? 100.0 : 0.0;
	for (unsigned k = 0; k < n; k++) {
		const struct stats_cpu *c;

		if (cpus[k] < 0 || (unsigned)cpus[k] >= s->nr_cpus)
			continue;
		c = &s->cpus[cpus[k]];
		if (c->proc_valid) {
			g->util_pct += c->util_pct;
			g->util_max_pct = MAX(g->util_max_pct, c->util_pct);
			g->util_min_pct = MIN(g->util_min_pct, c->util_pct);
			nutil++;
		}
		if (c->busy_ns + c->idle_ns) {
			g->busy_pct += c->busy_pct;
			nbusy++;
		}
		g->busy_ns += c->busy_ns;
		g->idle_ns += c->idle_ns;
		g->softirq_ns += c->softirq_ns;
		g->nr_switches += c->nr_switches;
		g->nr_preempts += c->nr_preempts;
		g->nr_wakeups += c->nr_wakeups;
		g->nr_migrations += c->nr_migrations;
		g->nr_migrations_in += c->nr_migrations_in;
		g->nr_migrations_out += c->nr_migrations_out;
		g->nr_softirqs += c->nr_softirqs;
		lat_merge(g->hist, &samples, &total, &min, &max, c->hist, &c->latency);
	}
	g->util_pct = nutil ? g->util_pct / nutil : 0.0;
	if (!nutil)
		g->util_min_pct = 0.0;
	g->busy_pct = nbusy ? g->busy_pct / nbusy : 0.0;
	stats_latency_from_hist(&g->latency, g->hist, samples, total, min, max);
}

/* Per-build scratch: each thread's interval histogram. */
struct thread_tmp {
	struct stats_thread t;
	char leader_comm[SCXTOP_COMM_LEN];
	uint32_t hist[SCXTOP_LAT_SLOTS];
	uint32_t dsq_hist[SCXTOP_LAT_SLOTS];
};

static int cmp_thread(const void *a, const void *b)
{
	const struct thread_tmp *x = a, *y = b;

	if (x->t.pid != y->t.pid)
		return x->t.pid < y->t.pid ? -1 : 1;
	return (x->t.tid > y->t.tid) - (x->t.tid < y->t.tid);
}

static void index_records(struct u64map *m, const void *base, size_t n, size_t size,
			  size_t key_off, bool key64)
{
	for (size_t i = 0; i < n; i++) {
		const char *rec = (const char *)base + i * size;
		uint64_t key;

		if (key64)
			memcpy(&key, rec + key_off, sizeof(key));
		else {
			int32_t k32;

			memcpy(&k32, rec + key_off, sizeof(k32));
			key = (uint64_t)(uint32_t)k32;
		}
		*u64map_upsert(m, key, NULL) = i;
	}
}

static void scx_task_build(struct stats_thread *t, uint32_t *hist,
			   const struct scxtop_scx_task_rec *c, const struct scxtop_scx_task_rec *p,
			   bool window)
{
	struct lat_src lc = LAT_SRC(&c->st), lp;
	uint64_t slices, slice_ns;

	if (p && (c->st.nr_dispatches < p->st.nr_dispatches || c->tgid != p->tgid))
		p = NULL;
	if (p)
		lp = LAT_SRC(&p->st);
	t->has_scx = true;
	t->dsq_id = c->st.last_dsq_id;
	t->vtime = c->st.vtime;
	t->nr_dispatches = p ? c->st.nr_dispatches - p->st.nr_dispatches : c->st.nr_dispatches;
	slices = p ? d64(p->st.slice_samples, c->st.slice_samples) : c->st.slice_samples;
	slice_ns = p ? d64(p->st.slice_total_ns, c->st.slice_total_ns) : c->st.slice_total_ns;
	t->slice_avg_ns = slices ? slice_ns / slices : 0;
	lat_delta(&t->dsq_latency, hist, p ? &lp : NULL, &lc, window);
}

static void threads_build(struct stats_snapshot *s, const struct topology *topo,
			  const struct stats_raw *prev, const struct stats_raw *cur, bool window,
			  bool scx_window)
{
	struct u64map prev_idx, scx_idx, scx_prev_idx;
	struct thread_tmp *tmp;
	bool have_prev = prev && prev->have_tasks;
	size_t n = cur->nr_tasks;

	s->have_tasks = cur->have_tasks;
	s->nr_threads = s->nr_processes = 0;
	if (!cur->have_tasks)
		return;
	u64map_init(&prev_idx);
	u64map_init(&scx_idx);
	u64map_init(&scx_prev_idx);
	if (have_prev)
		index_records(&prev_idx, prev->tasks, prev->nr_tasks, sizeof(*prev->tasks),
			      offsetof(struct scxtop_task_rec, pid), false);
	index_records(&scx_idx, cur->scx_tasks, cur->nr_scx_tasks, sizeof(*cur->scx_tasks),
		      offsetof(struct scxtop_scx_task_rec, pid), false);
	if (prev)
		index_records(&scx_prev_idx, prev->scx_tasks, prev->nr_scx_tasks,
			      sizeof(*prev->scx_tasks), offsetof(struct scxtop_scx_task_rec, pid),
			      false);

	tmp = xcalloc(MAX(n, (size_t)1), sizeof(*tmp));
	for (size_t i = 0; i < n; i++) {
		const struct scxtop_task_rec *c = &cur->tasks[i], *p = NULL;
		struct stats_thread *t = &tmp[i].t;
		const struct topo_cpu *tc;
		struct lat_src lc, lp;
		uint64_t *pi;

		if (have_prev && (pi = u64map_get(&prev_idx, (uint64_t)(uint32_t)c->pid))) {
			p = &prev->tasks[*pi];
			/* a recycled tid is a new thread */
			if (c->tgid != p->tgid || c->st.nr_switches < p->st.nr_switches ||
			    c->st.runtime_ns < p->st.runtime_ns)
				p = NULL;
		}
		t->tid = c->pid;
		t->pid = c->tgid;
		memcpy(t->comm, c->comm, sizeof(t->comm));
		t->comm[sizeof(t->comm) - 1] = '\0';
		memcpy(tmp[i].leader_comm, c->leader_comm, sizeof(tmp[i].leader_comm));
		tmp[i].leader_comm[sizeof(tmp[i].leader_comm) - 1] = '\0';
		t->prio = c->prio;
		t->on_cpu = c->on_cpu;
		t->last_cpu = c->st.last_cpu;
		t->llc_id = t->node_id = -1;
		tc = topology_cpu(topo, c->st.last_cpu);
		if (tc && tc->llc >= 0)
			t->llc_id = topo->llcs[tc->llc].id;
		if (tc && tc->node >= 0)
			t->node_id = topo->nodes[tc->node].id;
		t->last_waker_pid = c->st.last_waker_pid;
#define D(f) (p ? d64(p->st.f, c->st.f) : c->st.f)
		t->runtime_ns = D(runtime_ns);
		t->nr_switches = D(nr_switches);
		t->nr_wakeups = D(nr_wakeups);
		t->nr_migrations = D(nr_migrations);
		t->nr_preempts = D(nr_preempts);
#undef D
		if (s->interval_ns)
			t->cpu_pct = 100.0 * (double)t->runtime_ns / (double)s->interval_ns;
		lc = LAT_SRC(&c->st);
		if (p)
			lp = LAT_SRC(&p->st);
		lat_delta(&t->latency, tmp[i].hist, p ? &lp : NULL, &lc,
			  window && p && c->st.win_epoch == cur->epoch);
		if ((pi = u64map_get(&scx_idx, (uint64_t)(uint32_t)c->pid))) {
			const struct scxtop_scx_task_rec *sc = &cur->scx_tasks[*pi], *sp = NULL;
			uint64_t *pj = u64map_get(&scx_prev_idx, (uint64_t)(uint32_t)c->pid);

			if (pj)
				sp = &prev->scx_tasks[*pj];
			scx_task_build(t, tmp[i].dsq_hist, sc, sp,
				       scx_window && sp && sc->st.win_epoch == cur->scx_epoch);
		}
	}
	qsort(tmp, n, sizeof(*tmp), cmp_thread);

	s->threads = xrealloc(s->threads, MAX(n, (size_t)1) * sizeof(*s->threads));
	s->processes = xrealloc(s->processes, MAX(n, (size_t)1) * sizeof(*s->processes));
	s->nr_threads = n;
	for (size_t i = 0; i < n;) {
		struct stats_process *pr = &s->processes[s->nr_processes++];
		uint32_t hist[SCXTOP_LAT_SLOTS] = {0}, dhist[SCXTOP_LAT_SLOTS] = {0};
		uint64_t samples = 0, total = 0, min = 0, max = 0;
		uint64_t dsamples = 0, dtotal = 0, dmin = 0, dmax = 0, slice_w = 0;
		const struct stats_thread *busiest = NULL;
		size_t j;

		memset(pr, 0, sizeof(*pr));
		pr->pid = tmp[i].t.pid;
		pr->first_thread = i;
		for (j = i; j < n && tmp[j].t.pid == pr->pid; j++) {
			const struct stats_thread *t = &tmp[j].t;

			s->threads[j] = *t;
			pr->nr_threads++;
			pr->runtime_ns += t->runtime_ns;
			pr->nr_switches += t->nr_switches;
			pr->nr_wakeups += t->nr_wakeups;
			pr->nr_migrations += t->nr_migrations;
			pr->nr_preempts += t->nr_preempts;
			lat_merge(hist, &samples, &total, &min, &max, tmp[j].hist, &t->latency);
			if (!busiest || t->runtime_ns > busiest->runtime_ns ||
			    (t->tid == pr->pid && t->runtime_ns == busiest->runtime_ns))
				busiest = t;
			if (t->has_scx) {
				pr->has_scx = true;
				pr->nr_dispatches += t->nr_dispatches;
				slice_w += t->slice_avg_ns * t->nr_dispatches;
				lat_merge(dhist, &dsamples, &dtotal, &dmin, &dmax, tmp[j].dsq_hist,
					  &t->dsq_latency);
			}
		}
		/* the thread group leader's name: every record carries it */
		memcpy(pr->comm, tmp[i].leader_comm[0] ? tmp[i].leader_comm : tmp[i].t.comm,
		       sizeof(pr->comm));
		pr->last_cpu = busiest->last_cpu;
		pr->llc_id = busiest->llc_id;
		pr->node_id = busiest->node_id;
		pr->dsq_id = busiest->dsq_id;
		if (s->interval_ns)
			pr->cpu_pct = 100.0 * (double)pr->runtime_ns / (double)s->interval_ns;
		stats_latency_from_hist(&pr->latency, hist, samples, total, min, max);
		if (pr->has_scx) {
			pr->slice_avg_ns = pr->nr_dispatches ? slice_w / pr->nr_dispatches : 0;
			stats_latency_from_hist(&pr->dsq_latency, dhist, dsamples, dtotal, dmin,
						dmax);
		}
		i = j;
	}
	free(tmp);
	u64map_release(&prev_idx);
	u64map_release(&scx_idx);
	u64map_release(&scx_prev_idx);
}

static int cmp_dsq(const void *a, const void *b)
{
	const struct stats_dsq *x = a, *y = b;

	return (x->dsq_id > y->dsq_id) - (x->dsq_id < y->dsq_id);
}

static void dsqs_build(struct stats_snapshot *s, const struct stats_raw *prev,
		       const struct stats_raw *cur, bool window)
{
	struct u64map idx;

	u64map_init(&idx);
	if (prev)
		index_records(&idx, prev->dsqs, prev->nr_dsqs, sizeof(*prev->dsqs),
			      offsetof(struct scxtop_dsq_rec, dsq_id), true);
	s->dsqs = xrealloc(s->dsqs, MAX(cur->nr_dsqs, (size_t)1) * sizeof(*s->dsqs));
	s->nr_dsqs = cur->nr_dsqs;
	for (size_t i = 0; i < cur->nr_dsqs; i++) {
		const struct scxtop_dsq_rec *c = &cur->dsqs[i], *p = NULL;
		struct stats_dsq *d = &s->dsqs[i];
		uint32_t hist[SCXTOP_LAT_SLOTS];
		struct lat_src lc = LAT_SRC(&c->st), lp;
		uint64_t *pi = u64map_get(&idx, c->dsq_id), slices, slice_ns;
		bool win;

		if (pi)
			p = &prev->dsqs[*pi];
		if (p && (c->st.nr_inserts < p->st.nr_inserts ||
			  c->st.lat_samples < p->st.lat_samples))
			p = NULL;
		win = window && p && c->st.win_epoch == cur->scx_epoch;
		memset(d, 0, sizeof(*d));
		d->dsq_id = c->dsq_id;
		d->nr_enqueues = p ? c->st.nr_inserts - p->st.nr_inserts : c->st.nr_inserts;
		d->nr_dispatches = p ? d64(p->st.nr_dispatches, c->st.nr_dispatches)
				     : c->st.nr_dispatches;
		d->queue_depth = c->st.nr_queued_last;
		d->nr_queued_max = win ? c->st.win_queued_max : c->st.nr_queued_max;
		if (p && !win && d->nr_enqueues == 0 && d->nr_dispatches == 0)
			d->nr_queued_max = d->queue_depth;
		d->vtime = c->st.vtime_last;
		slices = p ? d64(p->st.slice_samples, c->st.slice_samples) : c->st.slice_samples;
		slice_ns = p ? d64(p->st.slice_total_ns, c->st.slice_total_ns) : c->st.slice_total_ns;
		d->slice_avg_ns = slices ? slice_ns / slices : 0;
		if (p)
			lp = LAT_SRC(&p->st);
		lat_delta(&d->latency, hist, p ? &lp : NULL, &lc, win);
	}
	qsort(s->dsqs, s->nr_dsqs, sizeof(*s->dsqs), cmp_dsq);
	u64map_release(&idx);
}

void stats_snapshot_build(struct stats_snapshot *s, const struct topology *topo,
			  const struct stats_raw *prev, const struct stats_raw *cur)
{
	bool window = prev && cur->epoch == prev->epoch + 1;
	bool scx_window = prev && cur->scx_epoch == prev->scx_epoch + 1;
	int *all;
	unsigned nall = 0;

	s->ts_ns = cur->ts_ns;
	s->since_start = !prev;
	s->interval_ns = prev ? d64(prev->ts_ns, cur->ts_ns) : d64(cur->start_ns, cur->ts_ns);
	s->nr_cpus = MAX(topo->nr_cpus, cur->nr_cpus);
	s->nr_online = topo->nr_online;
	s->cpus = xrealloc(s->cpus, MAX(s->nr_cpus, 1u) * sizeof(*s->cpus));
	for (unsigned i = 0; i < s->nr_cpus; i++)
		cpu_build(&s->cpus[i], topo, i, prev, cur, window);

	s->nr_llcs = topo->nr_llcs;
	s->nr_nodes = topo->nr_nodes;
	s->llcs = xrealloc(s->llcs, MAX(s->nr_llcs, 1u) * sizeof(*s->llcs));
	s->nodes = xrealloc(s->nodes, MAX(s->nr_nodes, 1u) * sizeof(*s->nodes));
	for (unsigned l = 0; l < s->nr_llcs; l++) {
		struct stats_group *g = &s->llcs[l];

		memset(g, 0, sizeof(*g));
		g->id = topo->llcs[l].id;
		g->node_id = topo->llcs[l].node >= 0 ? topo->nodes[topo->llcs[l].node].id : -1;
		group_build(g, s, topo->llcs[l].cpus, topo->llcs[l].nr_cpus);
	}
	for (unsigned n = 0; n < s->nr_nodes; n++) {
		struct stats_group *g = &s->nodes[n];

		memset(g, 0, sizeof(*g));
		g->id = g->node_id = topo->nodes[n].id;
		group_build(g, s, topo->nodes[n].cpus, topo->nodes[n].nr_cpus);
	}
	all = xcalloc(MAX(s->nr_cpus, 1u), sizeof(int));
	for (unsigned i = 0; i < s->nr_cpus; i++)
		if (s->cpus[i].online)
			all[nall++] = (int)i;
	memset(&s->total, 0, sizeof(s->total));
	s->total.id = s->total.node_id = -1;
	group_build(&s->total, s, all, nall);
	s->total.cpus = NULL;	/* not kept: `all` is freed below */
	free(all);

	threads_build(s, topo, prev, cur, window, scx_window);
	dsqs_build(s, prev, cur, scx_window);
	s->dropped_total = cur->dropped;
	s->dropped = prev ? d64(prev->dropped, cur->dropped) : cur->dropped;
	s->sched = cur->sched;
}

const struct stats_process *stats_find_process(const struct stats_snapshot *s, int pid)
{
	size_t lo = 0, hi = s->nr_processes;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->processes[mid].pid == pid)
			return &s->processes[mid];
		if (s->processes[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct stats_thread *stats_find_thread(const struct stats_snapshot *s, int tid)
{
	for (size_t i = 0; i < s->nr_threads; i++)
		if (s->threads[i].tid == tid)
			return &s->threads[i];
	return NULL;
}

const char *stats_dsq_name(uint64_t dsq_id, char *buf, size_t n)
{
	if (dsq_id == SCXTOP_DSQ_GLOBAL)
		snprintf(buf, n, "GLOBAL");
	else if (dsq_id == SCXTOP_DSQ_LOCAL)
		snprintf(buf, n, "LOCAL");
	else if ((dsq_id & SCXTOP_DSQ_LOCAL_ON) == SCXTOP_DSQ_LOCAL_ON)
		snprintf(buf, n, "LOCAL_ON");
	else if (dsq_id == SCXTOP_DSQ_INVALID)
		snprintf(buf, n, "INVALID");
	else
		snprintf(buf, n, "0x%llx", (unsigned long long)dsq_id);
	return buf;
}

const char *stats_sched_state_name(enum stats_sched_state st)
{
	switch (st) {
	case STATS_SCHED_RUNNING:
		return "running";
	case STATS_SCHED_NONE:
		return "none";
	default:
		return "unsupported";
	}
}

/* ---- JSON ---- */

static void kv_pct(struct json_writer *w, const char *k, double v)
{
	jw_key(w, k);
	jw_double(w, round(v * 100.0) / 100.0);
}

static void kv_id(struct json_writer *w, const char *k, int v)
{
	jw_key(w, k);
	if (v < 0)
		jw_null(w);
	else
		jw_i64(w, v);
}

void stats_json_latency(struct json_writer *w, const struct stats_latency *l)
{
	jw_obj_begin(w);
	jw_kv_u64(w, "avg_ns", l->avg_ns);
	jw_kv_u64(w, "min_ns", l->min_ns);
	jw_kv_u64(w, "max_ns", l->max_ns);
	jw_kv_u64(w, "total_ns", l->total_ns);
	jw_kv_u64(w, "samples", l->samples);
	jw_kv_u64(w, "p50_ns", l->p50_ns);
	jw_kv_u64(w, "p90_ns", l->p90_ns);
	jw_kv_u64(w, "p99_ns", l->p99_ns);
	jw_obj_end(w);
}

static void cpus_members(struct json_writer *w, const struct stats_snapshot *s)
{
	jw_key(w, "cpus");
	jw_arr_begin(w);
	for (unsigned i = 0; i < s->nr_cpus; i++) {
		const struct stats_cpu *c = &s->cpus[i];

		jw_obj_begin(w);
		jw_kv_u64(w, "cpu_id", (uint64_t)c->cpu_id);
		jw_kv_bool(w, "online", c->online);
		jw_kv_bool(w, "isolated", c->isolated);
		kv_id(w, "core_id", c->core);
		kv_id(w, "llc_id", c->llc_id);
		kv_id(w, "node_id", c->node_id);
		if (c->proc_valid) {
			kv_pct(w, "util_pct", c->util_pct);
			kv_pct(w, "user_pct", c->user_pct);
			kv_pct(w, "system_pct", c->system_pct);
			kv_pct(w, "irq_pct", c->irq_pct);
			kv_pct(w, "iowait_pct", c->iowait_pct);
			kv_pct(w, "steal_pct", c->steal_pct);
		} else {
			jw_key(w, "util_pct");
			jw_null(w);
		}
		kv_pct(w, "busy_pct", c->busy_pct);
		jw_kv_u64(w, "busy_ns", c->busy_ns);
		jw_kv_u64(w, "idle_ns", c->idle_ns);
		jw_kv_u64(w, "nr_switches", c->nr_switches);
		jw_kv_u64(w, "nr_preempts", c->nr_preempts);
		jw_kv_u64(w, "nr_wakeups", c->nr_wakeups);
		jw_kv_u64(w, "nr_migrations", c->nr_migrations);
		jw_kv_u64(w, "nr_migrations_in", c->nr_migrations_in);
		jw_kv_u64(w, "nr_migrations_out", c->nr_migrations_out);
		jw_kv_u64(w, "nr_softirqs", c->nr_softirqs);
		jw_kv_u64(w, "softirq_ns", c->softirq_ns);
		jw_key(w, "freq_khz");
		if (c->freq_khz)
			jw_u64(w, c->freq_khz);
		else
			jw_null(w);
		jw_kv_i64(w, "curr_pid", c->curr_pid);
		jw_key(w, "latency");
		stats_json_latency(w, &c->latency);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kv_u64(w, "total_cpus", s->nr_cpus);
	jw_kv_u64(w, "online_cpus", s->nr_online);
}

static void group_json(struct json_writer *w, const struct stats_group *g, const char *id_key)
{
	jw_obj_begin(w);
	if (id_key)
		jw_kv_i64(w, id_key, g->id);
	if (id_key && !strcmp(id_key, "llc_id"))
		kv_id(w, "node_id", g->node_id);
	jw_kv_u64(w, "nr_cpus", g->nr_cpus);
	if (g->cpus) {
		jw_key(w, "cpus");
		jw_arr_begin(w);
		for (unsigned k = 0; k < g->nr_cpus; k++)
			jw_i64(w, g->cpus[k]);
		jw_arr_end(w);
	}
	kv_pct(w, "util_pct", g->util_pct);
	kv_pct(w, "util_min_pct", g->util_min_pct);
	kv_pct(w, "util_max_pct", g->util_max_pct);
	kv_pct(w, "busy_pct", g->busy_pct);
	jw_kv_u64(w, "busy_ns", g->busy_ns);
	jw_kv_u64(w, "idle_ns", g->idle_ns);
	jw_kv_u64(w, "nr_switches", g->nr_switches);
	jw_kv_u64(w, "nr_preempts", g->nr_preempts);
	jw_kv_u64(w, "nr_wakeups", g->nr_wakeups);
	jw_kv_u64(w, "nr_migrations", g->nr_migrations);
	jw_kv_u64(w, "nr_migrations_in", g->nr_migrations_in);
	jw_kv_u64(w, "nr_migrations_out", g->nr_migrations_out);
	jw_kv_u64(w, "nr_softirqs", g->nr_softirqs);
	jw_kv_u64(w, "softirq_ns", g->softirq_ns);
	jw_key(w, "latency");
	stats_json_latency(w, &g->latency);
	jw_obj_end(w);
}

static void llcs_members(struct json_writer *w, const struct stats_snapshot *s)
{
	jw_key(w, "llcs");
	jw_arr_begin(w);
	for (unsigned l = 0; l < s->nr_llcs; l++)
		group_json(w, &s->llcs[l], "llc_id");
	jw_arr_end(w);
	jw_kv_u64(w, "total_llcs", s->nr_llcs);
}

static void nodes_members(struct json_writer *w, const struct stats_snapshot *s)
{
	jw_key(w, "nodes");
	jw_arr_begin(w);
	for (unsigned n = 0; n < s->nr_nodes; n++)
		group_json(w, &s->nodes[n], "node_id");
	jw_arr_end(w);
	jw_kv_u64(w, "total_nodes", s->nr_nodes);
}

static void scx_task_json(struct json_writer *w, bool has, uint64_t dsq_id, uint64_t dispatches,
			  uint64_t slice_avg, const struct stats_latency *lat)
{
	char name[32];

	jw_key(w, "dsq");
	if (!has) {
		jw_null(w);
		return;
	}
	jw_obj_begin(w);
	jw_kv_u64(w, "dsq_id", dsq_id);
	jw_kv_str(w, "dsq_name", stats_dsq_name(dsq_id, name, sizeof(name)));
	jw_kv_u64(w, "nr_dispatches", dispatches);
	jw_kv_u64(w, "slice_avg_ns", slice_avg);
	jw_key(w, "latency");
	stats_json_latency(w, lat);
	jw_obj_end(w);
}

/* Order for JSON: busiest first (runtime, then switches), then by id. */
static int cmp_busy(const struct stats_task *x, const struct stats_task *y, int xid, int yid)
{
	if (x->runtime_ns != y->runtime_ns)
		return x->runtime_ns > y->runtime_ns ? -1 : 1;
	if (x->nr_switches != y->nr_switches)
		return x->nr_switches > y->nr_switches ? -1 : 1;
	return (xid > yid) - (xid < yid);
}

static int cmp_proc_busy(const void *a, const void *b, void *ctx)
{
	const struct stats_snapshot *s = ctx;
	const struct stats_process *x = &s->processes[*(const size_t *)a];
	const struct stats_process *y = &s->processes[*(const size_t *)b];

	return cmp_busy(&x->task, &y->task, x->pid, y->pid);
}

static int cmp_thread_busy(const void *a, const void *b, void *ctx)
{
	const struct stats_snapshot *s = ctx;
	const struct stats_thread *x = &s->threads[*(const size_t *)a];
	const struct stats_thread *y = &s->threads[*(const size_t *)b];

	return cmp_busy(&x->task, &y->task, x->tid, y->tid);
}

/* Indexes of the items to show, busiest first; returns how many. */
static size_t pick(const struct stats_snapshot *s, bool threads, const struct stats_json_opts *o,
		   size_t **out)
{
	size_t n = threads ? s->nr_threads : s->nr_processes, k = 0;
	size_t *idx = xcalloc(MAX(n, (size_t)1), sizeof(size_t));
	size_t limit = o && (threads ? o->thread_limit : o->proc_limit)
			       ? (threads ? o->thread_limit : o->proc_limit)
			       : n;

	for (size_t i = 0; i < n; i++) {
		if (o && o->active_only) {
			const struct stats_task *t = threads ? &s->threads[i].task
							     : &s->processes[i].task;

			if (!t->runtime_ns && !t->nr_switches && !t->nr_wakeups)
				continue;
		}
		idx[k++] = i;
	}
	qsort_r(idx, k, sizeof(size_t), threads ? cmp_thread_busy : cmp_proc_busy, (void *)s);
	*out = idx;
	return MIN(k, limit);
}

/* The fields threads and processes share, inside their object. */
static void task_members(struct json_writer *w, const struct stats_task *t)
{
	jw_kv_str(w, "comm", t->comm);
	kv_pct(w, "cpu_pct", t->cpu_pct);
	jw_kv_u64(w, "runtime_ns", t->runtime_ns);
	jw_kv_u64(w, "nr_switches", t->nr_switches);
	jw_kv_u64(w, "nr_wakeups", t->nr_wakeups);
	jw_kv_u64(w, "nr_migrations", t->nr_migrations);
	jw_kv_u64(w, "nr_preempts", t->nr_preempts);
	kv_id(w, "last_cpu", t->last_cpu);
	kv_id(w, "llc_id", t->llc_id);
	kv_id(w, "node_id", t->node_id);
	jw_key(w, "latency");
	stats_json_latency(w, &t->latency);
	scx_task_json(w, t->has_scx, t->dsq_id, t->nr_dispatches, t->slice_avg_ns,
		      &t->dsq_latency);
}

static void processes_members(struct json_writer *w, const struct stats_snapshot *s,
			      const struct stats_json_opts *o)
{
	size_t *idx, n = pick(s, false, o, &idx);

	jw_key(w, "processes");
	jw_arr_begin(w);
	for (size_t k = 0; k < n; k++) {
		const struct stats_process *p = &s->processes[idx[k]];

		jw_obj_begin(w);
		jw_kv_i64(w, "pid", p->pid);
		jw_kv_u64(w, "nr_threads", p->nr_threads);
		task_members(w, &p->task);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kv_u64(w, "total_processes", s->nr_processes);
	jw_kv_u64(w, "shown", n);
	free(idx);
}

static void threads_members(struct json_writer *w, const struct stats_snapshot *s,
			    const struct stats_json_opts *o)
{
	size_t *idx, n = pick(s, true, o, &idx);

	jw_key(w, "threads");
	jw_arr_begin(w);
	for (size_t k = 0; k < n; k++) {
		const struct stats_thread *t = &s->threads[idx[k]];

		jw_obj_begin(w);
		jw_kv_i64(w, "tid", t->tid);
		jw_kv_i64(w, "pid", t->pid);
		jw_kv_i64(w, "prio", t->prio);
		jw_kv_bool(w, "on_cpu", t->on_cpu);
		jw_kv_i64(w, "last_waker_pid", t->last_waker_pid);
		task_members(w, &t->task);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kv_u64(w, "total_threads", s->nr_threads);
	jw_kv_u64(w, "shown", n);
	free(idx);
}

static void dsqs_members(struct json_writer *w, const struct stats_snapshot *s)
{
	char name[32];

	jw_key(w, "dsqs");
	jw_arr_begin(w);
	for (size_t i = 0; i < s->nr_dsqs; i++) {
		const struct stats_dsq *d = &s->dsqs[i];

		jw_obj_begin(w);
		jw_kv_u64(w, "dsq_id", d->dsq_id);
		jw_kv_str(w, "dsq_name", stats_dsq_name(d->dsq_id, name, sizeof(name)));
		jw_kv_u64(w, "nr_enqueues", d->nr_enqueues);
		jw_kv_u64(w, "nr_dispatches", d->nr_dispatches);
		jw_kv_u64(w, "queue_depth", d->queue_depth);
		jw_kv_u64(w, "nr_queued_max", d->nr_queued_max);
		jw_kv_u64(w, "slice_avg_ns", d->slice_avg_ns);
		jw_kv_u64(w, "vtime", d->vtime);
		jw_key(w, "latency");
		stats_json_latency(w, &d->latency);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kv_u64(w, "total_dsqs", s->nr_dsqs);
}

#define SECTION(fn, members, ...)                                                                  \
	void fn                                                                                    \
	{                                                                                          \
		jw_obj_begin(w);                                                                   \
		members(w, s, ##__VA_ARGS__);                                                      \
		jw_obj_end(w);                                                                     \
	}

SECTION(stats_json_cpus(struct json_writer *w, const struct stats_snapshot *s), cpus_members)
SECTION(stats_json_llcs(struct json_writer *w, const struct stats_snapshot *s), llcs_members)
SECTION(stats_json_nodes(struct json_writer *w, const struct stats_snapshot *s), nodes_members)
SECTION(stats_json_processes(struct json_writer *w, const struct stats_snapshot *s,
			     const struct stats_json_opts *o),
	processes_members, o)
SECTION(stats_json_threads(struct json_writer *w, const struct stats_snapshot *s,
			   const struct stats_json_opts *o),
	threads_members, o)
SECTION(stats_json_dsqs(struct json_writer *w, const struct stats_snapshot *s), dsqs_members)

void stats_json_scheduler(struct json_writer *w, const struct stats_snapshot *s)
{
	jw_obj_begin(w);
	jw_kv_str(w, "state", stats_sched_state_name(s->sched.state));
	jw_key(w, "name");
	if (s->sched.name[0])
		jw_str(w, s->sched.name);
	else
		jw_null(w);
	jw_kv_str(w, "reason", s->sched.reason);
	jw_kv_bool(w, "collecting", s->sched.collecting);
	jw_obj_end(w);
}

void stats_json_snapshot(struct json_writer *w, const struct stats_snapshot *s,
			 uint64_t iteration, const struct stats_prog *progs, size_t nr_progs,
			 const struct stats_json_opts *o)
{
	jw_obj_begin(w);
	jw_kv_u64(w, "iteration", iteration);
	jw_kv_u64(w, "timestamp_ns", s->ts_ns);
	jw_kv_u64(w, "interval_ns", s->interval_ns);
	jw_kv_bool(w, "since_start", s->since_start);
	jw_key(w, "collector");
	jw_obj_begin(w);
	jw_kv_u64(w, "dropped_events", s->dropped);
	jw_kv_u64(w, "dropped_events_total", s->dropped_total);
	jw_key(w, "programs");
	jw_arr_begin(w);
	for (size_t i = 0; i < nr_progs; i++) {
		jw_obj_begin(w);
		jw_kv_str(w, "name", progs[i].name);
		jw_kv_str(w, "attach", progs[i].attach);
		jw_kv_str(w, "state", progs[i].state);
		jw_kv_bool(w, "required", progs[i].required);
		jw_key(w, "error");
		if (progs[i].error)
			jw_str(w, progs[i].error);
		else
			jw_null(w);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	jw_key(w, "scheduler");
	stats_json_scheduler(w, s);
	jw_key(w, "system");
	group_json(w, &s->total, NULL);
	jw_key(w, "cpu");
	stats_json_cpus(w, s);
	jw_key(w, "llc");
	stats_json_llcs(w, s);
	jw_key(w, "node");
	stats_json_nodes(w, s);
	jw_key(w, "process");
	stats_json_processes(w, s, o);
	jw_key(w, "thread");
	stats_json_threads(w, s, o);
	jw_key(w, "dsq");
	stats_json_dsqs(w, s);
	jw_obj_end(w);
}
