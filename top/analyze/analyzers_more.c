// SPDX-License-Identifier: GPL-2.0
/*
 * The other analyzers: dsq, scx_layers, oncpu_slices, bottlenecks, outliers,
 * correlation, timeline, query. Definitions are in each section's comment;
 * percentiles are nearest-rank (stats.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "top/analyze/analyzers.h"
#include "top/analyze/stats.h"

static double pctof(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static bool in_window(const struct analyze_params *p, uint64_t ts)
{
	return (!p->start_ns || ts >= p->start_ns) && (!p->end_ns || ts <= p->end_ns);
}

/* ------------------------------------------------------------------ dsq -- */

/*
 * sched_ext dispatch queues. scxtop's counter tracks "DSQ <id> latency ns"
 * (whose values are µs, an upstream quirk: converted to ns here) and
 * "DSQ <id> nr_queued"; wprof's DSQ:<type>_0x<id> slices (insert → dispatch,
 * the residency) and the scx_dsq_id of ONCPU slices (dispatches).
 */
int an_dsq(const struct trace_model *m, const struct analyze_params *p, struct report *r)
{
	size_t n = m->nr_dsqs;
	uint64_t **lat = xcalloc(n, sizeof(*lat)), **res = xcalloc(n, sizeof(*res));
	size_t *nl = xcalloc(n, sizeof(*nl)), *nr = xcalloc(n, sizeof(*nr));
	uint64_t *qn = xcalloc(n, sizeof(*qn)), *qmax = xcalloc(n, sizeof(*qmax));
	double *qsum = xcalloc(n, sizeof(*qsum));
	uint64_t *disp = xcalloc(n, sizeof(*disp));
	uint64_t dur = trace_duration(m);

	(void)p;
	for (size_t i = 0; i < m->nr_dsq; i++) {
		const struct dsq_sample *s = &m->dsq[i];

		if (s->kind == DSQ_LAT_US || s->kind == DSQ_LAT_NS)
			nl[s->dsq]++;
		else if (s->kind == DSQ_RESIDENCY)
			nr[s->dsq]++;
	}
	for (size_t d = 0; d < n; d++) {
		lat[d] = xmalloc((nl[d] ? nl[d] : 1) * sizeof(uint64_t));
		res[d] = xmalloc((nr[d] ? nr[d] : 1) * sizeof(uint64_t));
		nl[d] = nr[d] = 0;
	}
	for (size_t i = 0; i < m->nr_dsq; i++) {
		const struct dsq_sample *s = &m->dsq[i];
		uint64_t v = s->value > 0 ? (uint64_t)s->value : 0;

		if (s->kind == DSQ_LAT_US)
			lat[s->dsq][nl[s->dsq]++] = v * 1000;
		else if (s->kind == DSQ_LAT_NS)
			lat[s->dsq][nl[s->dsq]++] = v;
		else if (s->kind == DSQ_RESIDENCY)
			res[s->dsq][nr[s->dsq]++] = v;
		else {
			qn[s->dsq]++;
			qsum[s->dsq] += (double)v;
			qmax[s->dsq] = MAX(qmax[s->dsq], v);
		}
	}
	for (uint32_t c = 0; c < m->nr_cpus; c++)
		for (size_t i = 0; i < m->cpus[c].n; i++) {
			const struct tev *e = &m->cpus[c].ev[i];

			if (e->type == TEV_ONCPU_BEGIN && e->str && e->str <= n)
				disp[e->str - 1]++;
		}
	rep_u64(r, "total_dsqs", n);
	rep_str(r, "note", "all latencies in ns (upstream scxtop's \"DSQ <id> latency ns\" counters carry microseconds and are converted)");
	rep_table(r, "per_dsq",
		  (const struct rcol[]){{"dsq_id", "dsq", RT_HEX},
					{"latency_samples", "lat n", RT_U64},
					{"latency_p50_ns", "lat p50", RT_NS},
					{"latency_p99_ns", "lat p99", RT_NS},
					{"latency_max_ns", "lat max", RT_NS},
					{"depth_avg", "depth avg", RT_DBL},
					{"depth_max", "depth max", RT_U64},
					{"residency_samples", "res n", RT_U64},
					{"residency_p50_ns", "res p50", RT_NS},
					{"residency_p99_ns", "res p99", RT_NS},
					{"residency_max_ns", "res max", RT_NS},
					{"dispatches", "dispatches", RT_U64},
					{"dispatches_per_sec", "disp/s", RT_DBL}},
		  13);
	for (size_t d = 0; d < n; d++) {
		struct dist dl, dr;

		dist_of_values(&dl, lat[d], nl[d]);
		dist_of_values(&dr, res[d], nr[d]);
		rep_row(r);
		rep_cell_u64(r, m->dsq_ids[d]);
		rep_cell_u64(r, dl.n);
		rep_cell_u64(r, dl.p50);
		rep_cell_u64(r, dl.p99);
		rep_cell_u64(r, dl.max);
		rep_cell_dbl(r, qn[d] ? qsum[d] / (double)qn[d] : 0);
		rep_cell_u64(r, qmax[d]);
		rep_cell_u64(r, dr.n);
		rep_cell_u64(r, dr.p50);
		rep_cell_u64(r, dr.p99);
		rep_cell_u64(r, dr.max);
		rep_cell_u64(r, disp[d] ? disp[d] : dl.n);
		rep_cell_dbl(r, dur ? (double)(disp[d] ? disp[d] : dl.n) * 1e9 / (double)dur : 0);
	}
	rep_table_end(r);
	for (size_t d = 0; d < n; d++) {
		free(lat[d]);
		free(res[d]);
	}
	free(lat);
	free(res);
	free(nl);
	free(nr);
	free(qn);
	free(qmax);
	free(qsum);
	free(disp);
	return 0;
}

/* ----------------------------------------------------------- scx layers -- */

/*
 * wprof -f scx traces: each ONCPU slice carries scx_layer_id and scx_dsq_id.
 * Per layer: slices, runtime (the slices' durations), threads and CPUs seen,
 * the wakeup latency of threads whose last slice was in the layer, DSQs used
 * and DSQ residency (DSQ slices with scx_layer_id).
 */
struct layer {
	int32_t id;
	uint64_t slices, runtime, threads;
	uint8_t *cpus;
	uint64_t nr_cpus;
	uint64_t *lat;
	size_t nlat;
	uint64_t *res;
	size_t nres;
	struct u64map dsqs;
};

struct layer_ctx {
	const struct trace_model *m;
	struct layer *l;
	size_t n;
	int32_t *thread_layer;
};

static struct layer *layer_get(struct layer_ctx *lc, int32_t id)
{
	for (size_t i = 0; i < lc->n; i++)
		if (lc->l[i].id == id)
			return &lc->l[i];
	lc->l = xrealloc(lc->l, (lc->n + 1) * sizeof(*lc->l));
	memset(&lc->l[lc->n], 0, sizeof(*lc->l));
	lc->l[lc->n].id = id;
	lc->l[lc->n].cpus = xcalloc(MAX_CPUS, 1);
	u64map_init(&lc->l[lc->n].dsqs);
	return &lc->l[lc->n++];
}

static void layer_slice(void *ctx, const struct sched_slice *s, const struct tev *open)
{
	struct layer_ctx *lc = ctx;
	struct layer *l;
	bool created;

	if (!open || open->type != TEV_ONCPU_BEGIN || open->arg2 < 0 || s->utid == UTID_IDLE)
		return;
	l = layer_get(lc, open->arg2);
	l->slices++;
	if (s->dur > 0)
		l->runtime += (uint64_t)s->dur;
	if (!l->cpus[s->cpu]) {
		l->cpus[s->cpu] = 1;
		l->nr_cpus++;
	}
	if (open->str && open->str <= lc->m->nr_dsqs)
		(*u64map_upsert(&l->dsqs, lc->m->dsq_ids[open->str - 1], &created))++;
	lc->thread_layer[s->utid] = open->arg2;
}

int an_scx_layers(const struct trace_model *m, const struct analyze_params *p, struct report *r)
{
	struct layer_ctx lc = {.m = m};

	lc.thread_layer = xmalloc(m->nr_threads * sizeof(int32_t));
	for (size_t u = 0; u < m->nr_threads; u++)
		lc.thread_layer[u] = -1;
	for (uint32_t c = 0; c < m->nr_cpus; c++)
		model_cpu_slices(m, c, layer_slice, &lc);
	for (size_t u = 1; u < m->nr_threads; u++)
		if (lc.thread_layer[u] >= 0)
			layer_get(&lc, lc.thread_layer[u])->threads++;
	for (size_t i = 0; i < m->nr_wakeups; i++) {
		const struct wakeup *w = &m->wakeups[i];
		struct layer *l;

		if (w->kind != WK_WAKEUP || lc.thread_layer[w->utid] < 0)
			continue;
		l = layer_get(&lc, lc.thread_layer[w->utid]);
		l->lat = xrealloc(l->lat, (l->nlat + 1) * sizeof(uint64_t));
		l->lat[l->nlat++] = w->lat;
	}
	for (size_t i = 0; i < m->nr_dsq; i++) {
		const struct dsq_sample *s = &m->dsq[i];
		struct layer *l;

		if (s->kind != DSQ_RESIDENCY || s->layer < 0)
			continue;
		l = layer_get(&lc, s->layer);
		l->res = xrealloc(l->res, (l->nres + 1) * sizeof(uint64_t));
		l->res[l->nres++] = s->value > 0 ? (uint64_t)s->value : 0;
	}
	rep_u64(r, "layers", lc.n);
	rep_table(r, "per_layer",
		  (const struct rcol[]){{"layer_id", "layer", RT_I64},
					{"slices", "slices", RT_U64},
					{"runtime_ns", "runtime", RT_NS},
					{"threads", "threads", RT_U64},
					{"cpus", "cpus", RT_U64},
					{"wakeups", "wakeups", RT_U64},
					{"latency_p50_ns", "lat p50", RT_NS},
					{"latency_p99_ns", "lat p99", RT_NS},
					{"residency_p50_ns", "dsq p50", RT_NS},
					{"residency_p99_ns", "dsq p99", RT_NS},
					{"dsqs", "dsqs", RT_U64}},
		  11);
	for (size_t i = 0; i < lc.n; i++) {
		struct layer *l = &lc.l[i];
		struct dist dl, dr;

		if (p->layer >= 0 && l->id != p->layer)
			continue;
		dist_of_values(&dl, l->lat, l->nlat);
		dist_of_values(&dr, l->res, l->nres);
		rep_row(r);
		rep_cell_i64(r, l->id);
		rep_cell_u64(r, l->slices);
		rep_cell_u64(r, l->runtime);
		rep_cell_u64(r, l->threads);
		rep_cell_u64(r, l->nr_cpus);
		rep_cell_u64(r, dl.n);
		rep_cell_u64(r, dl.p50);
		rep_cell_u64(r, dl.p99);
		rep_cell_u64(r, dr.p50);
		rep_cell_u64(r, dr.p99);
		rep_cell_u64(r, l->dsqs.len);
	}
	rep_table_end(r);
	for (size_t i = 0; i < lc.n; i++) {
		free(lc.l[i].cpus);
		free(lc.l[i].lat);
		free(lc.l[i].res);
		u64map_release(&lc.l[i].dsqs);
	}
	free(lc.l);
	free(lc.thread_layer);
	return 0;
}

/* ---------------------------------------------------------- oncpu slices -- */

/* Length of each closed, non-idle sched slice, per thread (or process). */
struct slice_ctx {
	uint64_t *v;
	size_t n, alloc;
	bool raw;		/* durations only (no group) */
	bool clamped;		/* a duration did not fit the 40 bits next to its group */
	const struct groups *g;
	const struct analyze_params *p;
};

static void collect_slice(void *ctx, const struct sched_slice *s, const struct tev *open)
{
	struct slice_ctx *sc = ctx;
	uint32_t gi;

	(void)open;
	if (s->dur < 0 || s->utid == UTID_IDLE || !in_window(sc->p, s->ts))
		return;
	gi = sc->g->of_utid[s->utid];
	if (gi == UINT32_MAX)
		return;
	if (sc->n == sc->alloc)
		xgrow((void **)&sc->v, &sc->alloc, sc->n + 1, sizeof(*sc->v));
	if (!sc->raw && (uint64_t)s->dur >= 1ull << 40)
		sc->clamped = true;
	sc->v[sc->n++] = sc->raw ? (uint64_t)s->dur
				 : (uint64_t)gi << 40 | MIN((uint64_t)s->dur, (1ull << 40) - 1);
}

static void collect_slices(const struct trace_model *m, struct slice_ctx *sc, bool raw)
{
	sc->n = 0;
	sc->raw = raw;
	for (uint32_t c = 0; c < m->nr_cpus; c++)
		if (sc->p->cpu < 0 || sc->p->cpu == c)
			model_cpu_slices(m, c, collect_slice, sc);
}

int an_oncpu_slices(const struct trace_model *m, const struct analyze_params *p, struct report *r)
{
	struct groups g;
	struct slice_ctx sc = {.p = p};
	size_t *off, nsel;
	double *key;
	uint32_t *ix;
	struct dist d, *gd;

	groups_build(&g, m, p->per_thread);
	sc.g = &g;
	/*
	 * One array of (group << 40 | length), grouped in place (no copy, no sort);
	 * percentiles by radix selection: per shown group, then over all slices.
	 */
	collect_slices(m, &sc, false);
	off = xmalloc((g.n + 1) * sizeof(*off));
	u64_group_inplace(sc.v, sc.n, 40, g.n, off);
	for (size_t i = 0; i < sc.n; i++)
		sc.v[i] &= (1ull << 40) - 1;
	key = xmalloc((g.n ? g.n : 1) * sizeof(*key));
	for (size_t i = 0; i < g.n; i++) {
		key[i] = 0;
		for (size_t k = off[i]; k < off[i + 1]; k++)
			key[i] += (double)sc.v[k];
	}
	nsel = top_groups(m, &g, p, key, 0, &ix);
	gd = xmalloc((nsel ? nsel : 1) * sizeof(*gd));
	for (size_t k = 0; k < nsel; k++)
		dist_of_values(&gd[k], sc.v + off[ix[k]], off[ix[k] + 1] - off[ix[k]]);
	/* a slice over 2^40 ns (18 min) was clamped: the exact global figures need them raw */
	if (sc.clamped)
		collect_slices(m, &sc, true);
	dist_of_values(&d, sc.v, sc.n);

	rep_str(r, "definition", "closed sched slices of non-idle tasks (ONCPU slices in wprof traces)");
	rep_dist_ns(r, "slice_length", &d);
	rep_table(r, p->per_thread ? "per_thread" : "per_process",
		  (const struct rcol[]){{p->per_thread ? "tid" : "pid", p->per_thread ? "tid" : "pid", RT_I64},
					{"comm", "comm", RT_STR},
					{"slices", "slices", RT_U64},
					{"total_ns", "total", RT_NS},
					{"p50_ns", "p50", RT_NS},
					{"p99_ns", "p99", RT_NS},
					{"max_ns", "max", RT_NS}},
		  7);
	for (size_t k = 0; k < nsel; k++) {
		rep_row(r);
		rep_cell_i64(r, g.id[ix[k]]);
		rep_cell_str(r, group_name(m, &g, ix[k], p->per_thread));
		rep_cell_u64(r, gd[k].n);
		rep_cell_u64(r, gd[k].sum);
		rep_cell_u64(r, gd[k].p50);
		rep_cell_u64(r, gd[k].p99);
		rep_cell_u64(r, gd[k].max);
	}
	rep_table_end(r);
	free(gd);
	free(ix);
	free(key);
	free(off);
	free(sc.v);
	groups_release(&g);
	return 0;
}

/* -------------------------------------------------------- bottlenecks -- */

/*
 * Rules, each a finding with a 0–10 severity and the numbers behind it:
 *   wakeup_latency_p99  global p99 wakeup latency above 1 ms (10 at 100 ms)
 *   process_latency     a process's p99 above 5 ms (≥ 10 wakeups)
 *   starvation          one wait above 100 ms
 *   cpu_imbalance       busiest − least busy CPU > 40 points while the average is > 10 %
 *   cpu_saturation      CPUs above 90 % while tasks wait for a CPU
 *   context_switch_rate a CPU above 10,000 switches/s
 *   migration_rate      above 1,000 migrations/s, or most migrations cross LLCs
 *   preemption_heavy    a process preempted in over half of its switch-outs (≥ 100)
 *   dsq_latency         a DSQ with p99 latency/residency above 10 ms
 *   trace_quality       broken switch chains, truncation (numbers are less reliable)
 */
struct finding {
	const char *id;
	double severity;
	char title[160];
	char detail[320];
	int64_t pid;
	uint64_t value;		/* the measured value (ns, count, or rate ×1000) */
	uint64_t threshold;
	const char *unit;
};

struct findings {
	struct finding *f;
	size_t n;
};

static struct finding *add(struct findings *fs, const char *id, double sev)
{
	struct finding *f;

	fs->f = xrealloc(fs->f, (fs->n + 1) * sizeof(*fs->f));
	f = &fs->f[fs->n++];
	memset(f, 0, sizeof(*f));
	f->id = id;
	f->severity = MIN(10.0, MAX(0.0, sev));
	f->pid = -1;
	return f;
}

static int cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void ms(char *buf, size_t len, uint64_t ns)
{
	snprintf(buf, len, "%.2f ms", ns / 1e6);
}

int an_bottlenecks(const struct trace_model *m, const struct analyze_params *p, struct report *r)
{
	struct findings fs = {0};
	uint64_t dur = trace_duration(m), worst = 0;
	struct dist ld;
	size_t n = 0;
	uint32_t worst_utid = UTID_NONE;
	char a[32], b[32];
	struct finding *f;

	/* latency */
	for (size_t i = 0; i < m->nr_wakeups; i++)
		if (m->wakeups[i].kind == WK_WAKEUP && m->wakeups[i].lat > worst) {
			worst = m->wakeups[i].lat;
			worst_utid = m->wakeups[i].utid;
		}
	latency_dist_all(m, WK_WAKEUP, &ld);
	n = ld.n;
	if (n >= 10) {
		uint64_t p99 = ld.p99;

		if (p99 > 1000000) {
			f = add(&fs, "wakeup_latency_p99", 1 + 9 * log10((double)p99 / 1e6) / 2);
			ms(a, sizeof(a), p99);
			snprintf(f->title, sizeof(f->title), "p99 wakeup latency is %s", a);
			snprintf(f->detail, sizeof(f->detail),
				 "1%% of %llu wakeups waited longer than %s for a CPU after being woken",
				 (unsigned long long)n, a);
			f->value = p99;
			f->threshold = 1000000;
			f->unit = "ns";
		}
	}
	if (worst > 100000000) {
		f = add(&fs, "starvation", 5 + 5 * MIN(1.0, (double)worst / 1e9));
		ms(a, sizeof(a), worst);
		snprintf(f->title, sizeof(f->title), "a task waited %s to run", a);
		snprintf(f->detail, sizeof(f->detail), "%s (tid %lld) was runnable for %s before it ran",
			 thread_comm(m, worst_utid), (long long)m->threads[worst_utid].tid, a);
		f->pid = thread_pid(m, worst_utid);
		f->value = worst;
		f->threshold = 100000000;
		f->unit = "ns";
	}
	{
		struct groups g;
		const struct grouped *gs;

		groups_build(&g, m, false);
		gs = latency_by_group(m, &g, WK_WAKEUP);
		for (size_t i = 0; i < g.n; i++) {
			size_t cnt = gs->off[i + 1] - gs->off[i];
			uint64_t p99;

			if (cnt < 10)
				continue;
			p99 = pct_sorted(gs->values + gs->off[i], cnt, 0.99);
			if (p99 <= 5000000)
				continue;
			f = add(&fs, "process_latency", 2 + 8 * log10((double)p99 / 5e6) / 1.5);
			ms(a, sizeof(a), p99);
			snprintf(f->title, sizeof(f->title), "%s (pid %lld): p99 wakeup latency %s",
				 group_name(m, &g, i, false), (long long)g.id[i], a);
			snprintf(f->detail, sizeof(f->detail), "%zu wakeups of this process", cnt);
			f->pid = g.id[i];
			f->value = p99;
			f->threshold = 5000000;
			f->unit = "ns";
		}
		groups_release(&g);
	}
	/* CPUs */
	if (dur) {
		double maxu = -1, minu = 101, sum = 0;
		uint32_t maxc = 0, minc = 0, ncpu = 0, sat = 0;
		uint64_t waiting = 0;

		for (uint32_t c = 0; c < m->nr_cpus; c++) {
			const struct cpu_events *ce = &m->cpus[c];
			double u = pctof(ce->busy_ns, dur), rate = (double)ce->nr_switches * 1e9 / (double)dur;

			if (!ce->n)
				continue;
			ncpu++;
			sum += u;
			if (u > maxu)
				maxu = u, maxc = c;
			if (u < minu)
				minu = u, minc = c;
			sat += u > 90;
			if (rate > 10000) {
				f = add(&fs, "context_switch_rate", 2 + 8 * MIN(1.0, rate / 100000));
				snprintf(f->title, sizeof(f->title), "CPU %u switches %.0f times/s", c, rate);
				snprintf(f->detail, sizeof(f->detail),
					 "%llu context switches in %.3f s: short slices and wakeup storms cost "
					 "cache warmth", (unsigned long long)ce->nr_switches, dur / 1e9);
				f->value = (uint64_t)rate;
				f->threshold = 10000;
				f->unit = "per_sec";
			}
		}
		for (size_t u = 1; u < m->nr_threads; u++)
			waiting += m->threads[u].state_ns[TS_R] + m->threads[u].state_ns[TS_RPLUS];
		if (ncpu > 1 && maxu - minu > 40 && sum / ncpu > 10) {
			f = add(&fs, "cpu_imbalance", 2 + 6 * (maxu - minu) / 100);
			snprintf(f->title, sizeof(f->title), "CPU load is uneven: CPU %u at %.0f%%, CPU %u at %.0f%%",
				 maxc, maxu, minc, minu);
			snprintf(f->detail, sizeof(f->detail),
				 "average %.1f%% over %u CPUs; tasks spent %s runnable", sum / ncpu, ncpu,
				 (ms(a, sizeof(a), waiting), a));
			f->value = (uint64_t)((maxu - minu) * 1000);
			f->threshold = 40000;
			f->unit = "pct_x1000";
		}
		if (sat && waiting > dur / 10) {
			f = add(&fs, "cpu_saturation", 3 + 7 * MIN(1.0, (double)waiting / (double)(dur * MAX(1u, ncpu))));
			ms(a, sizeof(a), waiting);
			snprintf(f->title, sizeof(f->title), "%u CPU(s) above 90%% busy while tasks wait", sat);
			snprintf(f->detail, sizeof(f->detail), "tasks spent %s runnable but not running", a);
			f->value = waiting;
			f->threshold = dur / 10;
			f->unit = "ns";
		}
	}
	/* migrations */
	{
		uint64_t mig = m->type_counts[TEV_MIGRATE] ? m->type_counts[TEV_MIGRATE] : m->nr_migrate_inferred;
		double rate = dur ? (double)mig * 1e9 / (double)dur : 0;
		uint64_t cross = m->migrate_cross_llc + m->migrate_cross_node;

		if (rate > 1000) {
			f = add(&fs, "migration_rate", 2 + 6 * MIN(1.0, rate / 20000));
			snprintf(f->title, sizeof(f->title), "%.0f task migrations/s", rate);
			snprintf(f->detail, sizeof(f->detail), "%llu migrations in %.3f s",
				 (unsigned long long)mig, dur / 1e9);
			f->value = (uint64_t)rate;
			f->threshold = 1000;
			f->unit = "per_sec";
		}
		if (m->topo.known && mig >= 100 && cross * 2 > mig) {
			f = add(&fs, "cross_llc_migrations", 3 + 4 * (double)cross / (double)mig);
			snprintf(f->title, sizeof(f->title), "%.0f%% of migrations leave the LLC",
				 pctof(cross, mig));
			snprintf(f->detail, sizeof(f->detail),
				 "%llu cross-LLC and %llu cross-NUMA of %llu migrations: caches go cold",
				 (unsigned long long)m->migrate_cross_llc,
				 (unsigned long long)m->migrate_cross_node, (unsigned long long)mig);
			f->value = cross;
			f->unit = "count";
		}
	}
	/* preemption-heavy processes */
	{
		struct groups g;

		groups_build(&g, m, false);
		uint64_t *pre = xcalloc(g.n + 1, sizeof(*pre)), *outs = xcalloc(g.n + 1, sizeof(*outs));

		for (size_t u = 1; u < m->nr_threads; u++) {
			uint32_t gi = g.of_utid[u];

			if (gi == UINT32_MAX)
				continue;
			pre[gi] += m->threads[u].nr_preempted;
			outs[gi] += m->threads[u].nr_vol + m->threads[u].nr_invol;
		}
		for (size_t i = 0; i < g.n; i++) {
			if (outs[i] < 100 || pre[i] * 2 <= outs[i])
				continue;
			f = add(&fs, "preemption_heavy", 2 + 4 * (double)pre[i] / (double)outs[i]);
			snprintf(f->title, sizeof(f->title), "%s (pid %lld) is preempted in %.0f%% of its switch-outs",
				 group_name(m, &g, i, false), (long long)g.id[i], pctof(pre[i], outs[i]));
			snprintf(f->detail, sizeof(f->detail), "%llu preemptions of %llu switch-outs",
				 (unsigned long long)pre[i], (unsigned long long)outs[i]);
			f->pid = g.id[i];
			f->value = pre[i];
			f->unit = "count";
		}
		free(pre);
		free(outs);
		groups_release(&g);
	}
	/* DSQs */
	for (size_t d = 0; d < m->nr_dsqs; d++) {
		uint64_t *dv = xmalloc((m->nr_dsq ? m->nr_dsq : 1) * sizeof(*dv)), dn = 0, p99;

		for (size_t i = 0; i < m->nr_dsq; i++)
			if (m->dsq[i].dsq == d && m->dsq[i].kind != DSQ_NR_QUEUED)
				dv[dn++] = (uint64_t)MAX(0, m->dsq[i].value) *
					   (m->dsq[i].kind == DSQ_LAT_US ? 1000 : 1);
		u64_sort(dv, dn);
		p99 = pct_sorted(dv, dn, 0.99);
		if (dn >= 10 && p99 > 10000000) {
			f = add(&fs, "dsq_latency", 3 + 7 * MIN(1.0, (double)p99 / 1e8));
			ms(a, sizeof(a), p99);
			snprintf(f->title, sizeof(f->title), "DSQ 0x%llx: p99 queueing %s",
				 (unsigned long long)m->dsq_ids[d], a);
			snprintf(f->detail, sizeof(f->detail), "%llu samples", (unsigned long long)dn);
			f->value = p99;
			f->threshold = 10000000;
			f->unit = "ns";
		}
		free(dv);
	}
	/* the trace itself */
	if (m->stats.mismatched_sched_switch_tids * 100 > m->type_counts[TEV_SWITCH] &&
	    m->type_counts[TEV_SWITCH]) {
		f = add(&fs, "trace_quality", 4);
		snprintf(f->title, sizeof(f->title), "%llu of %llu sched_switch events do not continue their CPU's chain",
			 (unsigned long long)m->stats.mismatched_sched_switch_tids,
			 (unsigned long long)m->type_counts[TEV_SWITCH]);
		snprintf(f->detail, sizeof(f->detail),
			 "prev_pid differs from the previous switch's next_pid (switches were lost): the time "
			 "between them is unknown, so utilization and runtime are undercounted on those CPUs");
		f->value = m->stats.mismatched_sched_switch_tids;
		f->unit = "count";
	}
	if (m->stats.truncated) {
		f = add(&fs, "trace_quality", 3);
		snprintf(f->title, sizeof(f->title), "the trace is truncated");
		snprintf(f->detail, sizeof(f->detail), "%s", m->stats.stop_reason);
		f->unit = "count";
	}
	(void)b;
	if (fs.n > 1)
		qsort(fs.f, fs.n, sizeof(*fs.f), cmp_finding);
	rep_u64(r, "total_findings", fs.n);
	if (!fs.n)
		rep_text(r, "no bottleneck found by the rules (see the README for the thresholds)");
	rep_table(r, "findings",
		  (const struct rcol[]){{"rank", "#", RT_U64},
					{"severity", "sev", RT_DBL},
					{"id", "rule", RT_STR},
					{"title", "finding", RT_STR},
					{"evidence", "evidence", RT_STR},
					{"pid", "pid", RT_I64},
					{"value", "value", RT_U64},
					{"threshold", "threshold", RT_U64},
					{"unit", "unit", RT_STR}},
		  9);
	for (size_t i = 0; i < fs.n && i < p->limit; i++) {
		rep_row(r);
		rep_cell_u64(r, i + 1);
		rep_cell_dbl(r, round(fs.f[i].severity * 10) / 10);
		rep_cell_str(r, fs.f[i].id);
		rep_cell_str(r, fs.f[i].title);
		rep_cell_str(r, fs.f[i].detail);
		if (fs.f[i].pid >= 0)
			rep_cell_i64(r, fs.f[i].pid);
		else
			rep_cell_null(r);
		rep_cell_u64(r, fs.f[i].value);
		rep_cell_u64(r, fs.f[i].threshold);
		rep_cell_str(r, fs.f[i].unit);
	}
	rep_table_end(r);
	free(fs.f);
	return 0;
}

/* ------------------------------------------------------------- outliers -- */

/*
 * Metrics: latency → per-process p99 and max wakeup latency; runtime →
 * per-process CPU time and context switches; cpu → per-CPU utilization.
 * Methods: IQR (outside [q1 − 1.5·IQR, q3 + 1.5·IQR]), MAD (modified z-score
 * 0.6745·|x − median| / MAD > 3.5), z-score (|x − mean| / σ > 3, population σ).
 * Quartiles and the median use the nearest-rank percentile.
 */
struct series {
	const char *metric;
	const char *unit;
	size_t n;
	double *x;
	int64_t *id;
	const char **name;
};

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void outliers_of(struct report *r, const struct series *s, enum outlier_method method,
			uint64_t limit)
{
	static const char *const names[] = {"all", "iqr", "mad", "zscore"};
	double *sorted = xmalloc((s->n ? s->n : 1) * sizeof(double)), *dev;
	double q1, q3, med, mad, mean = 0, sd = 0, iqr, lo, hi;
	uint64_t shown = 0, count = 0;

	memcpy(sorted, s->x, s->n * sizeof(double));
	qsort(sorted, s->n, sizeof(double), cmp_dbl);
	q1 = pct_sorted_dbl(sorted, s->n, 0.25);
	q3 = pct_sorted_dbl(sorted, s->n, 0.75);
	med = pct_sorted_dbl(sorted, s->n, 0.5);
	iqr = q3 - q1;
	lo = q1 - 1.5 * iqr;
	hi = q3 + 1.5 * iqr;
	for (size_t i = 0; i < s->n; i++)
		mean += s->x[i];
	mean = s->n ? mean / (double)s->n : 0;
	for (size_t i = 0; i < s->n; i++)
		sd += (s->x[i] - mean) * (s->x[i] - mean);
	sd = s->n ? sqrt(sd / (double)s->n) : 0;
	dev = xmalloc((s->n ? s->n : 1) * sizeof(double));
	for (size_t i = 0; i < s->n; i++)
		dev[i] = fabs(s->x[i] - med);
	qsort(dev, s->n, sizeof(double), cmp_dbl);
	mad = pct_sorted_dbl(dev, s->n, 0.5);

	rep_obj(r, s->metric);
	rep_str(r, "unit", s->unit);
	rep_u64(r, "points", s->n);
	rep_str(r, "method", names[method]);
	rep_obj(r, "thresholds");
	rep_dbl(r, "q1", q1);
	rep_dbl(r, "median", med);
	rep_dbl(r, "q3", q3);
	rep_dbl(r, "iqr", iqr);
	rep_dbl(r, "iqr_lower_bound", lo);
	rep_dbl(r, "iqr_upper_bound", hi);
	rep_dbl(r, "mad", mad);
	rep_dbl(r, "mean", mean);
	rep_dbl(r, "std_dev", sd);
	rep_end(r);
	rep_table(r, "outliers",
		  (const struct rcol[]){{"id", "id", RT_I64},
					{"name", "name", RT_STR},
					{"value", "value", RT_DBL},
					{"direction", "dir", RT_STR},
					{"iqr", "iqr", RT_BOOL},
					{"mad_score", "mad z", RT_DBL},
					{"z_score", "z", RT_DBL}},
		  7);
	{
		/* most extreme first */
		double *key = xmalloc((s->n ? s->n : 1) * sizeof(double));
		uint32_t *ix;

		for (size_t i = 0; i < s->n; i++)
			key[i] = fabs(s->x[i] - med);
		ix = order_desc(key, s->n);
		for (size_t k = 0; k < s->n; k++) {
			size_t i = ix[k];
			double x = s->x[i];
			bool by_iqr = s->n >= 4 && (x < lo || x > hi);
			double mz = mad > 0 ? 0.6745 * fabs(x - med) / mad : 0;
			double z = sd > 0 ? fabs(x - mean) / sd : 0;
			bool by_mad = s->n >= 4 && mad > 0 && mz > 3.5;
			bool by_z = s->n >= 4 && sd > 0 && z > 3;
			bool hit = method == OM_IQR ? by_iqr : method == OM_MAD ? by_mad
				   : method == OM_ZSCORE ? by_z : (by_iqr || by_mad || by_z);

			if (!hit)
				continue;
			count++;
			if (shown >= limit)
				continue;
			shown++;
			rep_row(r);
			rep_cell_i64(r, s->id[i]);
			rep_cell_str(r, s->name[i]);
			rep_cell_dbl(r, x);
			rep_cell_str(r, x >= med ? "high" : "low");
			rep_cell_u64(r, by_iqr);
			rep_cell_dbl(r, mz);
			rep_cell_dbl(r, z);
		}
		free(ix);
		free(key);
	}
	rep_table_end(r);
	rep_u64(r, "outlier_count", count);
	rep_pct(r, "outlier_pct", s->n ? 100.0 * (double)count / (double)s->n : 0);
	rep_end(r);
	free(sorted);
	free(dev);
}

static void series_init(struct series *s, const char *metric, const char *unit, size_t cap)
{
	s->metric = metric;
	s->unit = unit;
	s->n = 0;
	s->x = xmalloc((cap ? cap : 1) * sizeof(double));
	s->id = xmalloc((cap ? cap : 1) * sizeof(int64_t));
	s->name = xmalloc((cap ? cap : 1) * sizeof(char *));
}

static void series_free(struct series *s)
{
	free(s->x);
	free(s->id);
	free(s->name);
}

int an_outliers(const struct trace_model *m, const struct analyze_params *p, struct report *r)
{
	static const char *const cats[] = {"all", "latency", "runtime", "cpu"};
	static const char *const meths[] = {"all", "iqr", "mad", "zscore"};
	struct groups g;
	struct series s;

	rep_str(r, "method", meths[p->method]);
	rep_str(r, "category", cats[p->category]);
	groups_build(&g, m, false);
	if (p->category == OC_ALL || p->category == OC_LATENCY) {
		const struct grouped *gs;
		struct series mx;

		gs = latency_by_group(m, &g, WK_WAKEUP);
		series_init(&s, "process_wakeup_latency_p99", "ns", g.n);
		series_init(&mx, "process_wakeup_latency_max", "ns", g.n);
		for (size_t i = 0; i < g.n; i++) {
			size_t cnt = gs->off[i + 1] - gs->off[i];

			if (cnt < 5)
				continue;
			s.id[s.n] = mx.id[mx.n] = g.id[i];
			s.name[s.n] = mx.name[mx.n] = group_name(m, &g, i, false);
			s.x[s.n++] = (double)pct_sorted(gs->values + gs->off[i], cnt, 0.99);
			mx.x[mx.n++] = (double)gs->values[gs->off[i + 1] - 1];
		}
		rep_obj(r, "latency");
		outliers_of(r, &s, p->method, p->limit);
		outliers_of(r, &mx, p->method, p->limit);
		rep_end(r);
		series_free(&s);
		series_free(&mx);
	}
	if (p->category == OC_ALL || p->category == OC_RUNTIME) {
		struct series sw;
		uint64_t *rt = xcalloc(g.n + 1, sizeof(*rt)), *nsw = xcalloc(g.n + 1, sizeof(*nsw));

		for (size_t u = 1; u < m->nr_threads; u++) {
			uint32_t gi = g.of_utid[u];

			if (gi == UINT32_MAX)
				continue;
			rt[gi] += m->threads[u].runtime_ns;
			nsw[gi] += m->threads[u].nr_vol + m->threads[u].nr_invol;
		}
		series_init(&s, "process_runtime", "ns", g.n);
		series_init(&sw, "process_context_switches", "count", g.n);
		for (size_t i = 0; i < g.n; i++) {
			s.id[s.n] = sw.id[sw.n] = g.id[i];
			s.name[s.n] = sw.name[sw.n] = group_name(m, &g, i, false);
			s.x[s.n++] = (double)rt[i];
			sw.x[sw.n++] = (double)nsw[i];
		}
		rep_obj(r, "runtime");
		outliers_of(r, &s, p->method, p->limit);
		outliers_of(r, &sw, p->method, p->limit);
		rep_end(r);
		series_free(&s);
		series_free(&sw);
		free(rt);
		free(nsw);
	}
	if (p->category == OC_ALL || p->category == OC_CPU) {
		uint64_t dur = trace_duration(m);

		series_init(&s, "cpu_utilization", "percent", m->nr_cpus);
		for (uint32_t c = 0; c < m->nr_cpus; c++) {
			if (!m->cpus[c].n)
				continue;
			s.id[s.n] = c;
			s.name[s.n] = "cpu";
			s.x[s.n++] = pctof(m->cpus[c].busy_ns, dur);
		}
		rep_obj(r, "cpu");
		outliers_of(r, &s, p->method, p->limit);
		rep_end(r);
		series_free(&s);
	}
	groups_release(&g);
	return 0;
}

/* ---------------------------------------------------------- correlation -- */

/* Each waking paired with the switch that ran the task (the latency samples). */

static bool wk_worse(const struct wakeup *w, uint32_t a, uint32_t b)
{
	/* "a ranks below b": lower latency, or as long but later */
	if (w[a].lat != w[b].lat)
		return w[a].lat < w[b].lat;
	return w[a].ts > w[b].ts;
}

static const struct wakeup *g_wk;

static int cmp_wk_lat(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return wk_worse(g_wk, y, x) ? -1 : wk_worse(g_wk, x, y) ? 1 : 0;
}

struct wpair {
	uint32_t waker, wakee;
	uint64_t n, sum, max;
};

static int cmp_wpair(const void *a, const void *b)
{
	const struct wpair *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	if (x->max != y->max)
		return x->max > y->max ? -1 : 1;
	if (x->wakee != y->wakee)
		return x->wakee < y->wakee ? -1 : 1;
	return x->waker < y->waker ? -1 : x->waker > y->waker;
}

int an_correlation(const struct trace_model *m, const struct analyze_params *p, struct report *r)
{
	struct topk_stream tk;
	bool unfiltered = p->pid < 0 && p->tid < 0 && p->cpu < 0 && !p->start_ns && !p->end_ns;
	uint64_t *lat = unfiltered ? NULL : xmalloc((m->nr_wakeups ? m->nr_wakeups : 1) * sizeof(*lat));
	uint32_t *kidx = xmalloc((m->nr_wakeups ? m->nr_wakeups : 1) * sizeof(*kidx));
	size_t n = 0, np = 0;
	struct wpair *pairs = NULL, cur = {0};
	struct topk_stream best;
	size_t ntop = 0;
	struct dist d;
	uint64_t cross = 0;

	g_wk = m->wakeups;
	topk_init(&tk, p->limit, sizeof(uint32_t), cmp_wk_lat);
	for (size_t i = 0; i < m->nr_wakeups; i++) {
		const struct wakeup *w = &m->wakeups[i];

		if (w->kind != WK_WAKEUP || !in_window(p, w->ts) ||
		    (!params_match_thread(m, p, w->utid) && !params_match_thread(m, p, w->waker)) ||
		    (p->cpu >= 0 && w->cpu != p->cpu))
			continue;
		if (lat)
			lat[n] = w->lat;
		kidx[n] = (uint32_t)i;
		n++;
		cross += w->waker_cpu != CPU_NONE && w->waker_cpu != w->cpu;
		{
			uint32_t idx = (uint32_t)i;

			topk_push(&tk, &idx);
		}
	}
	if (unfiltered) {
		latency_dist_all(m, WK_WAKEUP, &d);
	} else {
		dist_of_values(&d, lat, n);
	}
	topk_finish(&tk);
	/* pair statistics: indices ordered by (wakee, waker) with two stable counting sorts */
	{
		size_t nb = m->nr_threads + 2;
		size_t *cnt = xmalloc(nb * sizeof(*cnt));
		uint32_t *tmp = xmalloc((n ? n : 1) * sizeof(*tmp));

		for (int pass = 0; pass < 2; pass++) {
			uint32_t *src = pass ? tmp : kidx, *dst = pass ? kidx : tmp;
			size_t sum = 0;

			memset(cnt, 0, nb * sizeof(*cnt));
			for (size_t i = 0; i < n; i++) {
				const struct wakeup *w = &m->wakeups[src[i]];

				cnt[pass ? w->utid : (w->waker == UTID_NONE ? nb - 1 : w->waker)]++;
			}
			for (size_t b2 = 0; b2 < nb; b2++) {
				size_t c = cnt[b2];

				cnt[b2] = sum;
				sum += c;
			}
			for (size_t i = 0; i < n; i++) {
				const struct wakeup *w = &m->wakeups[src[i]];

				dst[cnt[pass ? w->utid : (w->waker == UTID_NONE ? nb - 1 : w->waker)]++] = src[i];
			}
		}
		free(cnt);
		free(tmp);
		/* one pass over the runs of equal pairs, keeping the best `limit` */
		topk_init(&best, p->limit, sizeof(struct wpair), cmp_wpair);
		for (size_t i = 0; i < n; i++) {
			const struct wakeup *w = &m->wakeups[kidx[i]];

			if (i && (cur.waker != w->waker || cur.wakee != w->utid)) {
				topk_push(&best, &cur);
				np++;
			}
			if (!i || cur.waker != w->waker || cur.wakee != w->utid) {
				memset(&cur, 0, sizeof(cur));
				cur.waker = w->waker;
				cur.wakee = w->utid;
			}
			cur.n++;
			cur.sum += w->lat;
			cur.max = MAX(cur.max, w->lat);
		}
		if (n) {
			topk_push(&best, &cur);
			np++;
		}
	}
	ntop = topk_finish(&best);
	pairs = (struct wpair *)best.h;
	rep_str(r, "definition", "each sched_waking paired with the sched_switch that ran the woken task; "
				 "statistics over all pairs, lists bounded by limit");
	rep_u64(r, "total_correlations", n);
	rep_u64(r, "cross_cpu", cross);
	rep_dist_ns(r, "latency", &d);
	rep_table(r, "slowest",
		  (const struct rcol[]){{"wakee_tid", "tid", RT_I64},
					{"wakee_pid", "pid", RT_I64},
					{"wakee_comm", "comm", RT_STR},
					{"waker_tid", "waker", RT_I64},
					{"waker_comm", "waker comm", RT_STR},
					{"wakeup_ts", "woken at", RT_TS},
					{"schedule_ts", "ran at", RT_TS},
					{"latency_ns", "latency", RT_NS},
					{"waker_cpu", "w cpu", RT_I64},
					{"target_cpu", "target", RT_I64},
					{"cpu", "ran cpu", RT_U64}},
		  11);
	for (size_t k = 0; k < tk.n; k++) {
		const struct wakeup *w = &m->wakeups[((uint32_t *)tk.h)[k]];

		rep_row(r);
		rep_cell_i64(r, m->threads[w->utid].tid);
		rep_cell_i64(r, thread_pid(m, w->utid));
		rep_cell_str(r, thread_comm(m, w->utid));
		if (w->waker != UTID_NONE) {
			rep_cell_i64(r, m->threads[w->waker].tid);
			rep_cell_str(r, thread_comm(m, w->waker));
		} else {
			rep_cell_null(r);
			rep_cell_null(r);
		}
		rep_cell_u64(r, w->ts);
		rep_cell_u64(r, w->ts + w->lat);
		rep_cell_u64(r, w->lat);
		if (w->waker_cpu != CPU_NONE)
			rep_cell_i64(r, w->waker_cpu);
		else
			rep_cell_null(r);
		rep_cell_i64(r, w->target_cpu);
		rep_cell_u64(r, w->cpu);
	}
	rep_table_end(r);
	rep_table(r, "top_waker_wakee_pairs",
		  (const struct rcol[]){{"waker_tid", "waker", RT_I64},
					{"waker_comm", "comm", RT_STR},
					{"wakee_tid", "wakee", RT_I64},
					{"wakee_comm", "comm", RT_STR},
					{"count", "count", RT_U64},
					{"avg_latency_ns", "avg", RT_NS},
					{"max_latency_ns", "max", RT_NS}},
		  7);
	for (size_t k = 0; k < ntop && k < p->limit; k++) {
		rep_row(r);
		if (pairs[k].waker != UTID_NONE) {
			rep_cell_i64(r, m->threads[pairs[k].waker].tid);
			rep_cell_str(r, thread_comm(m, pairs[k].waker));
		} else {
			rep_cell_null(r);
			rep_cell_null(r);
		}
		rep_cell_i64(r, m->threads[pairs[k].wakee].tid);
		rep_cell_str(r, thread_comm(m, pairs[k].wakee));
		rep_cell_u64(r, pairs[k].n);
		rep_cell_u64(r, pairs[k].sum / pairs[k].n);
		rep_cell_u64(r, pairs[k].max);
	}
	rep_table_end(r);
	rep_u64(r, "distinct_pairs", np);
	topk_release(&best);
	topk_release(&tk);
	free(kidx);
	free(lat);
	return 0;
}

/* ------------------------------------------------------ timeline / query -- */

/* First index of a CPU's events with ts >= t (events are sorted). */
static size_t lower_bound(const struct cpu_events *ce, uint64_t t)
{
	size_t lo = 0, hi = ce->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ce->ev[mid].ts < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

typedef bool (*ev_match_fn)(const struct trace_model *, const struct analyze_params *,
			    const struct tev *);

/* Matching events in the window, in time order (ties: CPU order), at most limit. */
static const struct tev **first_events(const struct trace_model *m, const struct analyze_params *p,
				       ev_match_fn match, size_t *n)
{
	const struct tev **v = xmalloc((p->limit ? p->limit : 1) * sizeof(*v));
	size_t *pos = xcalloc(m->nr_cpus + 1, sizeof(*pos));
	uint64_t end = p->end_ns ? p->end_ns : UINT64_MAX;

	*n = 0;
	for (uint32_t c = 0; c < m->nr_cpus; c++)
		pos[c] = lower_bound(&m->cpus[c], p->start_ns);
	while (*n < p->limit) {
		uint32_t best = UINT32_MAX;

		/* a linear pick per row: limit is small, CPUs few compared to events */
		for (uint32_t c = 0; c < m->nr_cpus; c++) {
			const struct cpu_events *ce = &m->cpus[c];

			if (p->cpu >= 0 && p->cpu != c)
				continue;
			while (pos[c] < ce->n && ce->ev[pos[c]].ts <= end && !match(m, p, &ce->ev[pos[c]]))
				pos[c]++;
			if (pos[c] < ce->n && ce->ev[pos[c]].ts <= end &&
			    (best == UINT32_MAX || ce->ev[pos[c]].ts < m->cpus[best].ev[pos[best]].ts))
				best = c;
		}
		if (best == UINT32_MAX)
			break;
		v[(*n)++] = &m->cpus[best].ev[pos[best]++];
	}
	free(pos);
	return v;
}

/* Matching events in the window, with counts per CPU, type and utid (each may be NULL). */
static uint64_t count_events(const struct trace_model *m, const struct analyze_params *p,
			     ev_match_fn match, uint64_t *per_cpu, uint64_t *per_type,
			     uint64_t *per_utid)
{
	uint64_t n = 0, end = p->end_ns ? p->end_ns : UINT64_MAX;

	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		const struct cpu_events *ce = &m->cpus[c];

		if (p->cpu >= 0 && p->cpu != c)
			continue;
		for (size_t i = lower_bound(ce, p->start_ns); i < ce->n && ce->ev[i].ts <= end; i++) {
			const struct tev *e = &ce->ev[i];

			if (!match(m, p, e))
				continue;
			n++;
			if (per_cpu)
				per_cpu[c]++;
			if (per_type)
				per_type[e->type]++;
			if (per_utid && e->utid < m->nr_threads)
				per_utid[e->utid]++;
		}
	}
	return n;
}

static bool type_matches(const char *want, unsigned type)
{
	return !want || !strcmp(want, "all") || !strcmp(want, tev_type_name(type));
}

static bool ev_has_thread(const struct trace_model *m, const struct analyze_params *p,
			  const struct tev *e)
{
	bool utid_is_thread = e->type != TEV_CPU_FREQ && e->type != TEV_CPU_IDLE &&
			      e->type != TEV_IPI_RAISE;

	if (p->pid < 0 && p->tid < 0)
		return true;
	if (utid_is_thread && e->utid != UTID_NONE && e->utid != UTID_IDLE &&
	    params_match_thread(m, p, e->utid))
		return true;
	return e->other != UTID_NONE && e->other != UTID_IDLE && params_match_thread(m, p, e->other);
}

static bool match_query(const struct trace_model *m, const struct analyze_params *p,
			const struct tev *e)
{
	return type_matches(p->event_type, e->type) && ev_has_thread(m, p, e);
}

static void detail(const struct trace_model *m, const struct tev *e, struct strbuf *sb)
{
	char buf[16];
	const char *st;

	switch (e->type) {
	case TEV_SWITCH:
	case TEV_SWITCH_COMPACT:
		st = prev_state_str(e->arg, buf);
		if (e->other != UTID_NONE)
			strbuf_addf(sb, "%s[%lld] %s -> ", thread_comm(m, e->other),
				    (long long)m->threads[e->other].tid, st ? st : "?");
		else
			strbuf_addstr(sb, "? -> ");
		strbuf_addf(sb, "%s[%lld] prio %d", thread_comm(m, e->utid),
			    (long long)m->threads[e->utid].tid, e->prio);
		if (e->flags & TEVF_MISMATCH)
			strbuf_addstr(sb, " (prev mismatch)");
		break;
	case TEV_WAKING:
	case TEV_WAKING_COMPACT:
	case TEV_WAKEUP:
	case TEV_WAKEUP_NEW:
	case TEV_WAKEE:
		strbuf_addf(sb, "%s[%lld] target_cpu %d", thread_comm(m, e->utid),
			    (long long)m->threads[e->utid].tid, e->arg);
		if (e->other != UTID_NONE)
			strbuf_addf(sb, " by %s[%lld]", thread_comm(m, e->other),
				    (long long)m->threads[e->other].tid);
		break;
	case TEV_MIGRATE:
		strbuf_addf(sb, "%s[%lld] cpu %d -> %d", thread_comm(m, e->utid),
			    (long long)m->threads[e->utid].tid, e->arg2, e->arg);
		break;
	case TEV_ONCPU_BEGIN:
		strbuf_addf(sb, "%s[%lld] on cpu", thread_comm(m, e->utid), (long long)m->threads[e->utid].tid);
		if (e->arg2 >= 0)
			strbuf_addf(sb, " layer %d", e->arg2);
		break;
	case TEV_ONCPU_END:
		st = prev_state_str(e->arg, buf);
		strbuf_addf(sb, "%s[%lld] off cpu %s", thread_comm(m, e->utid),
			    (long long)m->threads[e->utid].tid, st ? st : "?");
		break;
	case TEV_SOFTIRQ_ENTRY:
	case TEV_SOFTIRQ_EXIT:
	case TEV_SOFTIRQ_RAISE:
		strbuf_addf(sb, "vec %d", e->arg);
		break;
	case TEV_IRQ_ENTRY:
	case TEV_IRQ_EXIT:
		strbuf_addf(sb, "irq %d %s", e->arg, model_str(m, e->str));
		break;
	case TEV_CPU_FREQ:
		strbuf_addf(sb, "%d kHz", e->arg);
		break;
	case TEV_CPU_IDLE:
		strbuf_addf(sb, "state %d", e->arg);
		break;
	case TEV_FORK:
	case TEV_NEWTASK:
		strbuf_addf(sb, "child %s[%lld]", thread_comm(m, e->utid), (long long)m->threads[e->utid].tid);
		if (e->other != UTID_NONE)
			strbuf_addf(sb, " of %s[%lld]", thread_comm(m, e->other),
				    (long long)m->threads[e->other].tid);
		break;
	case TEV_EXEC:
	case TEV_RENAME:
		strbuf_addf(sb, "%s[%lld] %s", thread_comm(m, e->utid), (long long)m->threads[e->utid].tid,
			    model_str(m, e->str));
		break;
	default:
		if (e->utid != UTID_NONE)
			strbuf_addf(sb, "%s[%lld]", thread_comm(m, e->utid),
				    (long long)m->threads[e->utid].tid);
	}
}

static void events_table(const struct trace_model *m, struct report *r, const char *key,
			 const struct tev **v, size_t n, uint64_t limit)
{
	struct strbuf sb = STRBUF_INIT;

	rep_table(r, key,
		  (const struct rcol[]){{"ts", "time", RT_TS},
					{"cpu", "cpu", RT_U64},
					{"event", "event", RT_STR},
					{"tid", "tid", RT_I64},
					{"pid", "pid", RT_I64},
					{"comm", "comm", RT_STR},
					{"detail", "detail", RT_STR}},
		  7);
	for (size_t i = 0; i < n && i < limit; i++) {
		const struct tev *e = v[i];
		bool thr = e->utid != UTID_NONE && e->type != TEV_CPU_FREQ && e->type != TEV_CPU_IDLE;

		strbuf_reset(&sb);
		detail(m, e, &sb);
		rep_row(r);
		rep_cell_u64(r, e->ts);
		rep_cell_u64(r, e->cpu);
		rep_cell_str(r, tev_type_name(e->type));
		if (thr) {
			rep_cell_i64(r, m->threads[e->utid].tid);
			rep_cell_i64(r, thread_pid(m, e->utid));
			rep_cell_str(r, thread_comm(m, e->utid));
		} else {
			rep_cell_null(r);
			rep_cell_null(r);
			rep_cell_null(r);
		}
		rep_cell_str(r, sb.len ? sb.buf : "");
	}
	rep_table_end(r);
	strbuf_release(&sb);
}

struct cpu_tl {
	struct report *r;
	const struct trace_model *m;
	const struct analyze_params *p;
	uint64_t shown, total, busy;
};

static void cpu_tl_slice(void *ctx, const struct sched_slice *s, const struct tev *open)
{
	struct cpu_tl *t = ctx;
	char buf[16];
	const char *es;

	(void)open;
	if (!in_window(t->p, s->ts))
		return;
	t->total++;
	if (s->utid != UTID_IDLE && s->dur > 0)
		t->busy += (uint64_t)s->dur;
	if (t->shown >= t->p->limit)
		return;
	t->shown++;
	es = s->end_state >= 0 ? prev_state_str(s->end_state, buf) : NULL;
	rep_row(t->r);
	rep_cell_u64(t->r, s->ts);
	if (s->dur >= 0)
		rep_cell_u64(t->r, (uint64_t)s->dur);
	else
		rep_cell_null(t->r);
	rep_cell_i64(t->r, t->m->threads[s->utid].tid);
	rep_cell_i64(t->r, s->utid == UTID_IDLE ? 0 : thread_pid(t->m, s->utid));
	rep_cell_str(t->r, thread_comm(t->m, s->utid));
	rep_cell_i64(t->r, s->prio);
	if (es)
		rep_cell_str(t->r, es);
	else
		rep_cell_null(t->r);
}

int an_timeline(const struct trace_model *m, const struct analyze_params *p, struct report *r)
{
	const struct tev **v;
	size_t n;
	uint64_t total;

	if (p->pid < 0 && p->tid < 0 && p->cpu >= 0) {
		struct cpu_tl t = {r, m, p, 0, 0, 0};

		rep_str(r, "kind", "cpu");
		rep_i64(r, "cpu", p->cpu);
		rep_table(r, "slices",
			  (const struct rcol[]){{"ts", "start", RT_TS},
						{"dur_ns", "duration", RT_NS},
						{"tid", "tid", RT_I64},
						{"pid", "pid", RT_I64},
						{"comm", "comm", RT_STR},
						{"prio", "prio", RT_I64},
						{"end_state", "end", RT_STR}},
			  7);
		model_cpu_slices(m, (uint32_t)p->cpu, cpu_tl_slice, &t);
		rep_table_end(r);
		rep_u64(r, "total_slices", t.total);
		rep_u64(r, "shown", t.shown);
		rep_ns(r, "busy_ns", t.busy);
		return 0;
	}
	total = count_events(m, p, match_query, NULL, NULL, NULL);
	v = first_events(m, p, match_query, &n);
	rep_str(r, "kind", p->pid >= 0 ? "process" : p->tid >= 0 ? "thread" : "window");
	if (p->pid >= 0) {
		rep_i64(r, "pid", p->pid);
		rep_str(r, "comm", model_process_name(m, p->pid));
	}
	if (p->tid >= 0)
		rep_i64(r, "tid", p->tid);
	rep_u64(r, "total_events", total);
	rep_u64(r, "shown", n);
	events_table(m, r, "events", v, n, p->limit);
	free(v);
	return 0;
}

struct qgroup {
	uint64_t key, n;
};

/* query --group-by: counts per cpu, type, tid, pid or comm, largest first. */
static void group_counts(const struct trace_model *m, const struct analyze_params *p,
			 struct report *r, const uint64_t *per_cpu, const uint64_t *per_type,
			 const uint64_t *per_utid)
{
	struct u64map gm;
	uint64_t key, *val;
	size_t ng = 0;
	struct qgroup *gv;
	double *dk;
	uint32_t *ix;
	bool created;

	u64map_init(&gm);
	if (!strcmp(p->group_by, "cpu")) {
		for (uint32_t c = 0; c < m->nr_cpus; c++)
			if (per_cpu[c])
				*u64map_upsert(&gm, c, &created) += per_cpu[c];
	} else if (!strcmp(p->group_by, "type")) {
		for (unsigned t = 1; t < TEV_NR_TYPES; t++) {
			unsigned k = t == TEV_SWITCH_COMPACT ? TEV_SWITCH
				     : t == TEV_WAKING_COMPACT ? TEV_WAKING : t;

			if (per_type[t])
				*u64map_upsert(&gm, k, &created) += per_type[t];
		}
	} else {
		for (size_t u = 0; u < m->nr_threads; u++) {
			uint64_t k;

			if (!per_utid[u])
				continue;
			if (!strcmp(p->group_by, "tid"))
				k = (uint64_t)m->threads[u].tid;
			else if (!strcmp(p->group_by, "pid"))
				k = (uint64_t)(u == UTID_IDLE ? 0 : m->threads[u].tgid);
			else
				k = m->threads[u].name;
			*u64map_upsert(&gm, k, &created) += per_utid[u];
		}
	}
	gv = xmalloc((gm.len ? gm.len : 1) * sizeof(*gv));
	for (size_t it = 0; u64map_next(&gm, &it, &key, &val);) {
		gv[ng].key = key;
		gv[ng++].n = *val;
	}
	dk = xmalloc((ng ? ng : 1) * sizeof(*dk));
	for (size_t i = 0; i < ng; i++)
		dk[i] = (double)gv[i].n;
	ix = order_desc(dk, ng);
	rep_str(r, "group_by", p->group_by);
	rep_u64(r, "groups", ng);
	rep_table(r, "counts",
		  (const struct rcol[]){{"key", p->group_by, RT_STR}, {"count", "count", RT_U64}}, 2);
	for (size_t k = 0; k < ng && k < p->limit; k++) {
		const struct qgroup *g = &gv[ix[k]];
		char buf[64];
		const char *gs = buf;

		if (!strcmp(p->group_by, "type"))
			gs = tev_type_name((unsigned)g->key);
		else if (!strcmp(p->group_by, "comm"))
			gs = model_str(m, (uint32_t)g->key);
		else
			snprintf(buf, sizeof(buf), "%lld", (long long)g->key);
		rep_row(r);
		rep_cell_str(r, gs);
		rep_cell_u64(r, g->n);
	}
	rep_table_end(r);
	free(ix);
	free(dk);
	free(gv);
	u64map_release(&gm);
}

int an_query(const struct trace_model *m, const struct analyze_params *p, struct report *r)
{
	const struct tev **v;
	size_t n;
	uint64_t total;

	if (p->event_type && strcmp(p->event_type, "all")) {
		bool known = false;

		for (unsigned t = 1; t < TEV_NR_TYPES; t++)
			known |= !strcmp(tev_type_name(t), p->event_type);
		if (!known) {
			rep_str(r, "error", "unknown event type");
			return -EINVAL;
		}
	}
	rep_obj(r, "filter");
	rep_str(r, "event_type", p->event_type ? p->event_type : "all");
	if (p->cpu >= 0)
		rep_i64(r, "cpu", p->cpu);
	if (p->pid >= 0)
		rep_i64(r, "pid", p->pid);
	if (p->tid >= 0)
		rep_i64(r, "tid", p->tid);
	if (p->start_ns)
		rep_ts(r, "start_ts", p->start_ns);
	if (p->end_ns)
		rep_ts(r, "end_ts", p->end_ns);
	rep_end(r);
	{
		uint64_t *per_cpu = xcalloc(m->nr_cpus + 1, sizeof(uint64_t));
		uint64_t per_type[TEV_NR_TYPES] = {0};
		uint64_t *per_utid = xcalloc(m->nr_threads + 1, sizeof(uint64_t));

		total = count_events(m, p, match_query, per_cpu, per_type, per_utid);
		rep_u64(r, "count", total);
		if (p->group_by)
			group_counts(m, p, r, per_cpu, per_type, per_utid);
		free(per_cpu);
		free(per_utid);
	}
	v = first_events(m, p, match_query, &n);
	rep_u64(r, "shown", n);
	events_table(m, r, "events", v, n, p->limit);
	free(v);
	return 0;
}
