// SPDX-License-Identifier: GPL-2.0
/*
 * Analyzer registry, shared helpers, and the scheduling analyzers: summary,
 * cpu_utilization, process_runtime, wakeup_latency, migrations, preemptions,
 * task_states. Definitions (trace_processor's, see model_build.c):
 *   utilization  = time in non-idle sched slices / trace duration, per CPU;
 *   runtime      = time in a task's sched slices;
 *   wakeup latency = sched_waking → the sched_switch that runs the task (the
 *                  runnable row's duration), wherever the two CPUs are;
 *   migration    = sched_migrate_task when the trace has it, otherwise a task
 *                  switched in on another CPU than its previous one.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "common/log.h"
#include "common/util.h"
#include "top/analyze/analyzers.h"
#include "top/analyze/stats.h"

/* ------------------------------------------------------------- helpers -- */

void analyze_params_init(struct analyze_params *p)
{
	memset(p, 0, sizeof(*p));
	p->limit = ANALYZE_DEFAULT_LIMIT;
	p->pid = p->tid = p->cpu = p->layer = -1;
}

const char *thread_comm(const struct trace_model *m, uint32_t utid)
{
	if (utid == UTID_NONE || utid >= m->nr_threads)
		return "";
	return model_str(m, m->threads[utid].name);
}

int64_t thread_pid(const struct trace_model *m, uint32_t utid)
{
	if (utid == UTID_NONE || utid >= m->nr_threads)
		return -1;
	return m->threads[utid].tgid;
}

uint64_t trace_duration(const struct trace_model *m)
{
	return m->end_ts > m->start_ts ? m->end_ts - m->start_ts : 0;
}

bool params_match_thread(const struct trace_model *m, const struct analyze_params *p, uint32_t utid)
{
	if (utid == UTID_NONE || utid >= m->nr_threads)
		return p->pid < 0 && p->tid < 0;
	if (p->tid >= 0 && m->threads[utid].tid != p->tid)
		return false;
	if (p->pid >= 0 && m->threads[utid].tgid != p->pid)
		return false;
	return true;
}

void groups_build(struct groups *g, const struct trace_model *m, bool per_thread)
{
	struct u64map idx;

	memset(g, 0, sizeof(*g));
	g->per_thread = per_thread;
	u64map_init(&idx);
	g->of_utid = xmalloc((m->nr_threads ? m->nr_threads : 1) * sizeof(*g->of_utid));
	g->id = xmalloc((m->nr_threads ? m->nr_threads : 1) * sizeof(*g->id));
	g->rep = xmalloc((m->nr_threads ? m->nr_threads : 1) * sizeof(*g->rep));
	for (size_t u = 0; u < m->nr_threads; u++) {
		const struct thread *t = &m->threads[u];
		int64_t key = per_thread ? t->tid : t->tgid;
		bool created;
		uint64_t *v;

		g->of_utid[u] = UINT32_MAX;
		if (u == UTID_IDLE || !(t->flags & THF_SEEN_SCHED))
			continue;
		v = u64map_upsert(&idx, (uint64_t)key, &created);
		if (created) {
			*v = g->n;
			g->id[g->n] = key;
			g->rep[g->n] = (uint32_t)u;
			g->n++;
		} else if (t->tid == t->tgid) {
			g->rep[*v] = (uint32_t)u;
		}
		g->of_utid[u] = (uint32_t)*v;
	}
	u64map_release(&idx);
}

void groups_release(struct groups *g)
{
	free(g->of_utid);
	free(g->id);
	free(g->rep);
	memset(g, 0, sizeof(*g));
}

const char *group_name(const struct trace_model *m, const struct groups *g, size_t gi,
		       bool per_thread)
{
	const char *s;

	if (per_thread)
		return thread_comm(m, g->rep[gi]);
	s = model_process_name(m, g->id[gi]);
	return s[0] ? s : thread_comm(m, g->rep[gi]);
}

void grouped_release(struct grouped *gs)
{
	free(gs->values);
	free(gs->off);
	memset(gs, 0, sizeof(*gs));
}

/*
 * Derived data several analyzers need, computed once per model: every latency
 * sample of a kind sorted, and per group (process or thread) sorted. Sorting
 * millions of samples is most of the analyzers' cost on large traces.
 */
struct analyze_cache {
	struct grouped grouped[3][2];	/* [kind][per_thread] */
	bool have_grouped[3][2];
	struct groups groups[2];	/* the groups the process-level samples use */
	bool have_groups[2];
};

static void cache_free(void *p)
{
	struct analyze_cache *c = p;

	if (!c)
		return;
	for (int k = 0; k < 3; k++)
		for (int t = 0; t < 2; t++)
			grouped_release(&c->grouped[k][t]);
	for (int t = 0; t < 2; t++)
		if (c->have_groups[t])
			groups_release(&c->groups[t]);
	free(c);
}

static struct analyze_cache *cache_of(const struct trace_model *cm)
{
	struct trace_model *m = (struct trace_model *)cm; /* the cache is not part of the model's value */

	if (!m->cache) {
		m->cache = xcalloc(1, sizeof(struct analyze_cache));
		m->cache_free = cache_free;
	}
	return m->cache;
}

/* Number of samples <= x over all groups. */
static uint64_t count_le(const struct grouped *gs, uint64_t x)
{
	uint64_t n = 0;

	for (size_t g = 0; g < gs->ngroups; g++) {
		size_t lo = gs->off[g], hi = gs->off[g + 1];

		if (lo == hi)
			continue;
		if (gs->values[hi - 1] <= x) {
			n += hi - lo;
			continue;
		}
		if (gs->values[lo] > x)
			continue;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (gs->values[mid] <= x)
				lo = mid + 1;
			else
				hi = mid;
		}
		n += lo - gs->off[g];
	}
	return n;
}

/* The k-th smallest (0-based) sample over all groups: a binary search on the value. */
static uint64_t grouped_kth(const struct grouped *gs, uint64_t k, uint64_t lo, uint64_t hi)
{
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (count_le(gs, mid) >= k + 1)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The distribution of every sample of the grouped set (as dist_of_sorted on all of them). */
static void dist_of_grouped(struct dist *d, const struct grouped *gs)
{
	static const double ps[] = {0.50, 0.90, 0.95, 0.99, 0.999};
	uint64_t *out[] = {&d->p50, &d->p90, &d->p95, &d->p99, &d->p999};
	size_t n = gs->off[gs->ngroups];

	memset(d, 0, sizeof(*d));
	d->n = n;
	if (!n)
		return;
	d->min = UINT64_MAX;
	for (size_t g = 0; g < gs->ngroups; g++) {
		if (gs->off[g] == gs->off[g + 1])
			continue;
		d->min = MIN(d->min, gs->values[gs->off[g]]);
		d->max = MAX(d->max, gs->values[gs->off[g + 1] - 1]);
	}
	for (size_t i = 0; i < n; i++)
		d->sum += gs->values[i];
	d->mean = (double)d->sum / (double)n;
	for (size_t i = 0; i < ARRAY_SIZE(ps); i++) {
		/* nearest rank, as pct_sorted() */
		double k = ceil(ps[i] * (double)n - 1e-9);

		k = k < 1 ? 1 : k > (double)n ? (double)n : k;
		*out[i] = grouped_kth(gs, (uint64_t)k - 1, d->min, d->max);
	}
}

/*
 * Samples per group, sorted within each group: pack (group << 40 | value) and
 * radix-sort once. Values are capped at 2^40-1 ns (18 minutes). The result for
 * the model's own grouping is cached; callers get a copy to release.
 */
static void group_samples(const struct trace_model *m, const struct groups *g, unsigned kind,
			  struct grouped *out)
{
	const uint64_t cap = (1ull << 40) - 1;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	out->ngroups = g->n;
	out->off = xcalloc(g->n + 1, sizeof(*out->off));
	out->values = xmalloc((m->nr_wakeups ? m->nr_wakeups : 1) * sizeof(uint64_t));
	for (size_t i = 0; i < m->nr_wakeups; i++) {
		const struct wakeup *w = &m->wakeups[i];
		uint32_t gi = g->of_utid[w->utid];

		if (w->kind != kind || gi == UINT32_MAX)
			continue;
		out->values[n++] = (uint64_t)gi << 40 | MIN(w->lat, cap);
	}
	u64_sort(out->values, n);
	for (size_t i = 0; i < n; i++) {
		out->off[(out->values[i] >> 40) + 1]++;
		out->values[i] &= cap;
	}
	for (size_t gi = 0; gi < g->n; gi++)
		out->off[gi + 1] += out->off[gi];
}

void latency_dist_all(const struct trace_model *m, unsigned kind, struct dist *d)
{
	struct analyze_cache *c = cache_of(m);

	if (!c->have_groups[0]) {
		groups_build(&c->groups[0], m, false);
		c->have_groups[0] = true;
	}
	dist_of_grouped(d, latency_by_group(m, &c->groups[0], kind));
}

const struct grouped *latency_by_group(const struct trace_model *m, const struct groups *g,
				       unsigned kind)
{
	struct analyze_cache *c = cache_of(m);
	struct grouped *cg = &c->grouped[kind][g->per_thread];

	/* groups_build() numbers groups the same way for the same model and mode */
	if (!c->have_grouped[kind][g->per_thread]) {
		group_samples(m, g, kind, cg);
		c->have_grouped[kind][g->per_thread] = true;
	}
	return cg;
}

static void dist_of_group(struct dist *d, const struct grouped *gs, size_t gi)
{
	dist_of_sorted(d, gs->values + gs->off[gi], gs->off[gi + 1] - gs->off[gi]);
}

/* Sort indices by a key array, descending (ties: lower index first). */
static _Thread_local const double *sort_key;

static int cmp_desc(const void *a, const void *b)
{
	double x = sort_key[*(const uint32_t *)a], y = sort_key[*(const uint32_t *)b];

	if (x != y)
		return x > y ? -1 : 1;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

uint32_t *order_desc(const double *key, size_t n)
{
	uint32_t *ix = xmalloc((n ? n : 1) * sizeof(*ix));

	for (size_t i = 0; i < n; i++)
		ix[i] = (uint32_t)i;
	sort_key = key;
	qsort(ix, n, sizeof(*ix), cmp_desc);
	return ix;
}

size_t top_groups(const struct trace_model *m, const struct groups *g,
		  const struct analyze_params *p, const double *key, double floor, uint32_t **out)
{
	uint32_t *ix = order_desc(key, g->n);
	size_t n = 0;

	for (size_t k = 0; k < g->n && n < p->limit; k++) {
		uint32_t i = ix[k];

		if (key[i] <= floor)
			break;
		if (p->pid >= 0 && thread_pid(m, g->rep[i]) != p->pid)
			continue;
		if (p->tid >= 0 && g->per_thread && g->id[i] != p->tid)
			continue;
		ix[n++] = i;
	}
	*out = ix;
	return n;
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static double per_sec(uint64_t n, uint64_t ns)
{
	return ns ? (double)n * 1e9 / (double)ns : 0;
}

/* ------------------------------------------------------ applicability -- */

static const char *na_sched(const struct trace_model *m)
{
	return m->sched_src == SRC_NONE ? "the trace has no sched_switch events (or wprof ONCPU slices)"
					: NULL;
}

static const char *na_wakeup(const struct trace_model *m)
{
	if (na_sched(m))
		return na_sched(m);
	for (size_t i = 0; i < m->nr_wakeups; i++)
		if (m->wakeups[i].kind == WK_WAKEUP)
			return NULL;
	return "no waking → running transition in the trace (no sched_waking/sched_wakeup events, or none followed by a switch-in)";
}

static const char *na_dsq(const struct trace_model *m)
{
	if (m->nr_dsqs)
		return NULL;
	return "no sched_ext DSQ data (scxtop DSQ counter tracks, or wprof scx_dsq_id annotations / DSQ slices)";
}

static const char *na_layers(const struct trace_model *m)
{
	return m->has_layers ? NULL : "no scx_layer_id annotations (wprof TrackEvent trace recorded with -f scx)";
}

static const char *na_preempt(const struct trace_model *m)
{
	return na_sched(m);
}

/* ---------------------------------------------------------------- summary -- */

static void events_by_type(const struct trace_model *m, struct report *r)
{
	static const unsigned order[] = {
		TEV_SWITCH,	  TEV_WAKING,	     TEV_WAKEUP,	TEV_WAKEUP_NEW,	  TEV_MIGRATE,
		TEV_NEWTASK,	  TEV_RENAME,	     TEV_FORK,		TEV_EXEC,	  TEV_EXIT,
		TEV_FREE,	  TEV_SOFTIRQ_ENTRY, TEV_SOFTIRQ_EXIT,	TEV_SOFTIRQ_RAISE, TEV_IRQ_ENTRY,
		TEV_IRQ_EXIT,	  TEV_IPI_RAISE,     TEV_CPU_FREQ,	TEV_CPU_IDLE,	  TEV_ONCPU_BEGIN,
		TEV_ONCPU_END,	  TEV_WAKEE,	     TEV_WAKER,
	};

	rep_obj(r, "events_by_type");
	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		unsigned t = order[i];
		uint64_t n = m->type_counts[t];

		if (t == TEV_SWITCH)
			n += m->type_counts[TEV_SWITCH_COMPACT];
		if (t == TEV_WAKING)
			n += m->type_counts[TEV_WAKING_COMPACT];
		if (n)
			rep_u64(r, tev_type_name(t), n);
	}
	rep_end(r);
}

int an_summary(const struct trace_model *m, const struct analyze_params *p, struct report *r)
{
	struct groups g;
	uint64_t nr_threads = 0, nr_cpus = 0;

	(void)p;
	groups_build(&g, m, false);
	for (size_t u = 1; u < m->nr_threads; u++)
		if (m->threads[u].flags & THF_SEEN_SCHED)
			nr_threads++;
	for (uint32_t c = 0; c < m->nr_cpus; c++)
		if (m->cpus[c].n)
			nr_cpus++;
	rep_str(r, "file", m->path);
	rep_str(r, "writer", m->meta.writer ? model_str(m, m->meta.writer) : "unknown");
	rep_str(r, "sched_source", m->sched_src == SRC_FTRACE	      ? "ftrace"
				   : m->sched_src == SRC_TRACK_EVENT ? "track_event"
								     : "none");
	if (m->meta.release)
		rep_str(r, "kernel", model_str(m, m->meta.release));
	else
		rep_null(r, "kernel");
	rep_ts(r, "start_ts", m->start_ts);
	rep_ts(r, "end_ts", m->end_ts);
	rep_ns(r, "duration_ns", trace_duration(m));
	rep_u64(r, "cpus", nr_cpus);
	rep_u64(r, "max_cpu_id", m->nr_cpus ? m->nr_cpus - 1 : 0);
	if (m->meta.num_cpus)
		rep_u64(r, "system_cpus", m->meta.num_cpus);
	rep_u64(r, "processes", g.n);
	rep_u64(r, "threads", nr_threads);
	rep_u64(r, "total_events", m->total_events);
	events_by_type(m, r);
	rep_obj(r, "encoding");
	rep_u64(r, "compact_sched_switch", m->type_counts[TEV_SWITCH_COMPACT]);
	rep_u64(r, "compact_sched_waking", m->type_counts[TEV_WAKING_COMPACT]);
	rep_u64(r, "track_events", m->stats.track_events);
	rep_u64(r, "packets", m->stats.packets);
	rep_u64(r, "bytes", m->stats.bytes);
	rep_bool(r, "gzip", m->stats.gzip);
	rep_end(r);
	rep_obj(r, "topology");
	rep_bool(r, "known", m->topo.known);
	rep_str(r, "source", m->topo.known ? m->topo.source : NULL);
	rep_u64(r, "llcs", m->topo.nr_llcs);
	rep_u64(r, "nodes", m->topo.nr_nodes);
	rep_end(r);
	rep_list(r, "dsq_ids");
	for (size_t i = 0; i < m->nr_dsqs; i++)
		rep_list_hex(r, m->dsq_ids[i]);
	rep_list_end(r);
	rep_obj(r, "data_quality");
	rep_bool(r, "truncated", m->stats.truncated);
	rep_str(r, "stop_reason", m->stats.truncated ? m->stats.stop_reason : NULL);
	rep_u64(r, "bad_packets", m->stats.bad_packets);
	rep_u64(r, "mismatched_sched_switch_tids", m->stats.mismatched_sched_switch_tids);
	rep_u64(r, "compact_sched_switch_skipped", m->stats.compact_sched_switch_skipped);
	rep_u64(r, "compact_sched_waking_skipped", m->stats.compact_sched_waking_skipped);
	rep_u64(r, "compact_parse_errors", m->stats.compact_parse_errors);
	rep_u64(r, "thread_state_data_loss", m->stats.thread_state_data_loss);
	rep_u64(r, "spurious_wakeups", m->stats.spurious_wakeups);
	rep_u64(r, "lost_event_bundles", m->stats.lost_event_bundles);
	rep_u64(r, "interned_missing", m->stats.interned_missing);
	rep_u64(r, "unresolved_tracks", m->stats.unresolved_tracks);
	rep_u64(r, "clock_unconverted", m->stats.clock_unconverted);
	rep_u64(r, "ignored_duplicate_source_events", m->stats.dropped_other_source);
	rep_bool(r, "wakeup_used_as_waking", m->waking_src_wakeup);
	rep_end(r);
	rep_table(r, "capabilities",
		  (const struct rcol[]){{"analyzer", "analyzer", RT_STR},
					{"applicable", "applies", RT_BOOL},
					{"reason", "why not", RT_STR}},
		  3);
	for (size_t i = 0; i < nr_analyzers; i++) {
		const struct analyzer *a = &analyzer_table[i];
		const char *why = a->not_applicable ? a->not_applicable(m) : NULL;

		rep_row(r);
		rep_cell_str(r, a->name);
		rep_cell_u64(r, !why);
		if (why)
			rep_cell_str(r, why);
		else
			rep_cell_null(r);
	}
	rep_table_end(r);
	groups_release(&g);
	return 0;
}

/* -------------------------------------------------------- cpu utilization -- */

static const struct rcol cpu_cols[] = {
	{"cpu", "cpu", RT_U64},
	{"llc", "llc", RT_I64},
	{"node", "node", RT_I64},
	{"utilization_pct", "util", RT_PCT},
	{"busy_ns", "busy", RT_NS},
	{"idle_ns", "idle", RT_NS},
	{"unknown_ns", "unknown", RT_NS},
	{"switches", "switches", RT_U64},
	{"switch_rate_hz", "switch/s", RT_DBL},
	{"wakeups_in", "wakeups", RT_U64},
	{"preemptions", "preempt", RT_U64},
	{"migrations_in", "migr in", RT_U64},
	{"softirq_ns", "softirq", RT_NS},
	{"irq_ns", "irq", RT_NS},
};

struct agg {
	uint64_t busy, idle, switches, cpus;
};

static void rep_groups(struct report *r, const char *key, const char *idname, const struct agg *a,
		       size_t n, uint64_t dur)
{
	const struct rcol cols[] = {
		{idname, idname, RT_U64},	 {"cpus", "cpus", RT_U64},
		{"utilization_pct", "util", RT_PCT}, {"busy_ns", "busy", RT_NS},
		{"switches", "switches", RT_U64},
	};

	rep_table(r, key, cols, ARRAY_SIZE(cols));
	for (size_t i = 0; i < n; i++) {
		if (!a[i].cpus)
			continue;
		rep_row(r);
		rep_cell_u64(r, i);
		rep_cell_u64(r, a[i].cpus);
		rep_cell_dbl(r, pct(a[i].busy, dur * a[i].cpus));
		rep_cell_u64(r, a[i].busy);
		rep_cell_u64(r, a[i].switches);
	}
	rep_table_end(r);
}

int an_cpu_utilization(const struct trace_model *m, const struct analyze_params *p, struct report *r)
{
	uint64_t dur = trace_duration(m), busy = 0, n = 0, above80 = 0, below10 = 0;
	double maxu = 0, minu = 100, sum = 0, sumsq = 0;
	struct agg *llc = NULL, *node = NULL;

	rep_ns(r, "window_ns", dur);
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		const struct cpu_events *ce = &m->cpus[c];
		double u;

		if (!ce->n)
			continue;
		u = pct(ce->busy_ns, dur);
		n++;
		busy += ce->busy_ns;
		sum += u;
		sumsq += u * u;
		maxu = MAX(maxu, u);
		minu = MIN(minu, u);
		above80 += u > 80;
		below10 += u < 10;
	}
	rep_obj(r, "summary");
	rep_u64(r, "cpus", n);
	rep_pct(r, "avg_utilization_pct", n ? sum / (double)n : 0);
	rep_pct(r, "max_utilization_pct", n ? maxu : 0);
	rep_pct(r, "min_utilization_pct", n ? minu : 0);
	rep_dbl(r, "stddev_pct", n ? sqrt(MAX(0.0, sumsq / (double)n - (sum / (double)n) * (sum / (double)n))) : 0);
	rep_u64(r, "cpus_above_80_pct", above80);
	rep_u64(r, "cpus_below_10_pct", below10);
	rep_ns(r, "total_busy_ns", busy);
	rep_end(r);
	rep_table(r, "per_cpu", cpu_cols, ARRAY_SIZE(cpu_cols));
	if (m->topo.known) {
		llc = xcalloc(m->topo.nr_llcs + 1, sizeof(*llc));
		node = xcalloc(m->topo.nr_nodes + 1, sizeof(*node));
	}
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		const struct cpu_events *ce = &m->cpus[c];
		int32_t l = topo_llc(&m->topo, c), nd = topo_node(&m->topo, c);
		uint64_t known = ce->busy_ns + ce->idle_ns;

		if (!ce->n || (p->cpu >= 0 && p->cpu != c))
			continue;
		rep_row(r);
		rep_cell_u64(r, c);
		rep_cell_i64(r, l);
		rep_cell_i64(r, nd);
		rep_cell_dbl(r, pct(ce->busy_ns, dur));
		rep_cell_u64(r, ce->busy_ns);
		rep_cell_u64(r, ce->idle_ns);
		rep_cell_u64(r, dur > known ? dur - known : 0);
		rep_cell_u64(r, ce->nr_switches);
		rep_cell_dbl(r, per_sec(ce->nr_switches, dur));
		rep_cell_u64(r, ce->nr_wakeups_in);
		rep_cell_u64(r, ce->nr_preemptions);
		rep_cell_u64(r, ce->nr_migrations_in);
		rep_cell_u64(r, ce->softirq_ns);
		rep_cell_u64(r, ce->irq_ns);
		if (llc && l >= 0 && (uint32_t)l < m->topo.nr_llcs) {
			llc[l].busy += ce->busy_ns;
			llc[l].switches += ce->nr_switches;
			llc[l].cpus++;
		}
		if (node && nd >= 0 && (uint32_t)nd < m->topo.nr_nodes) {
			node[nd].busy += ce->busy_ns;
			node[nd].switches += ce->nr_switches;
			node[nd].cpus++;
		}
	}
	rep_table_end(r);
	if (llc) {
		rep_groups(r, "per_llc", "llc", llc, m->topo.nr_llcs, dur);
		rep_groups(r, "per_node", "node", node, m->topo.nr_nodes, dur);
	} else {
		rep_text(r, "(per-LLC / per-node: topology unknown; pass --topology DIR)");
	}
	rep_text(r, "utilization = time in non-idle sched slices / trace duration; unknown = time not "
		    "covered by a known slice (before the CPU's first switch, mismatched switches)");
	free(llc);
	free(node);
	return 0;
}

/* -------------------------------------------------------- process runtime -- */

struct proc_row {
	uint64_t runtime, slices, vol, invol, wakeups, migrations, threads, preempted;
	uint64_t state[TS_NR];
};

static struct proc_row *proc_rows(const struct trace_model *m, const struct groups *g)
{
	struct proc_row *pr = xcalloc(g->n ? g->n : 1, sizeof(*pr));

	for (size_t u = 1; u < m->nr_threads; u++) {
		const struct thread *t = &m->threads[u];
		uint32_t gi = g->of_utid[u];

		if (gi == UINT32_MAX)
			continue;
		pr[gi].runtime += t->runtime_ns;
		pr[gi].slices += t->nr_slices;
		pr[gi].vol += t->nr_vol;
		pr[gi].invol += t->nr_invol;
		pr[gi].wakeups += t->nr_wakeups;
		pr[gi].migrations += m->type_counts[TEV_MIGRATE] ? t->nr_migrate_events : t->nr_migrations;
		pr[gi].preempted += t->nr_preempted;
		pr[gi].threads++;
		for (int s = 0; s < TS_NR; s++)
			pr[gi].state[s] += t->state_ns[s];
	}
	return pr;
}

int an_process_runtime(const struct trace_model *m, const struct analyze_params *p, struct report *r)
{
	const struct rcol cols[] = {
		{p->per_thread ? "tid" : "pid", p->per_thread ? "tid" : "pid", RT_I64},
		{"comm", "comm", RT_STR},
		{"threads", "thr", RT_U64},
		{"runtime_ns", "runtime", RT_NS},
		{"cpu_pct", "cpu%", RT_PCT},
		{"share_pct", "share", RT_PCT},
		{"slices", "slices", RT_U64},
		{"avg_slice_ns", "avg slice", RT_NS},
		{"voluntary_switches", "vol", RT_U64},
		{"involuntary_switches", "invol", RT_U64},
		{"wakeups", "wakeups", RT_U64},
		{"migrations", "migr", RT_U64},
	};
	struct groups g;
	struct proc_row *pr;
	double *key;
	uint32_t *ix;
	size_t nsel;
	uint64_t dur = trace_duration(m), total = 0, shown = 0;

	groups_build(&g, m, p->per_thread);
	pr = proc_rows(m, &g);
	key = xmalloc((g.n ? g.n : 1) * sizeof(*key));
	for (size_t i = 0; i < g.n; i++) {
		key[i] = (double)pr[i].runtime;
		total += pr[i].runtime;
	}
	nsel = top_groups(m, &g, p, key, -1, &ix);
	rep_str(r, "aggregation", p->per_thread ? "per_thread" : "per_process");
	rep_u64(r, "total", g.n);
	rep_ns(r, "total_runtime_ns", total);
	rep_ns(r, "window_ns", dur);
	rep_table(r, p->per_thread ? "threads" : "processes", cols, ARRAY_SIZE(cols));
	for (size_t k = 0; k < nsel; k++) {
		size_t i = ix[k];

		shown++;
		rep_row(r);
		rep_cell_i64(r, g.id[i]);
		rep_cell_str(r, group_name(m, &g, i, p->per_thread));
		rep_cell_u64(r, pr[i].threads);
		rep_cell_u64(r, pr[i].runtime);
		rep_cell_dbl(r, pct(pr[i].runtime, dur));
		rep_cell_dbl(r, pct(pr[i].runtime, total));
		rep_cell_u64(r, pr[i].slices);
		rep_cell_u64(r, pr[i].slices ? pr[i].runtime / pr[i].slices : 0);
		rep_cell_u64(r, pr[i].vol);
		rep_cell_u64(r, pr[i].invol);
		rep_cell_u64(r, pr[i].wakeups);
		rep_cell_u64(r, pr[i].migrations);
	}
	rep_table_end(r);
	rep_u64(r, "shown", shown);
	free(ix);
	free(key);
	free(pr);
	groups_release(&g);
	return 0;
}

/* --------------------------------------------------------- wakeup latency -- */

static const struct rcol lat_cols[] = {
	{"count", "count", RT_U64}, {"avg_ns", "avg", RT_NS},	 {"p50_ns", "p50", RT_NS},
	{"p95_ns", "p95", RT_NS},   {"p99_ns", "p99", RT_NS},	 {"p999_ns", "p99.9", RT_NS},
	{"max_ns", "max", RT_NS},
};

static void lat_cells(struct report *r, const struct dist *d)
{
	rep_cell_u64(r, d->n);
	rep_cell_u64(r, dist_avg(d));
	rep_cell_u64(r, d->p50);
	rep_cell_u64(r, d->p95);
	rep_cell_u64(r, d->p99);
	rep_cell_u64(r, d->p999);
	rep_cell_u64(r, d->max);
}

static void kind_dist(const struct trace_model *m, const struct analyze_params *p, unsigned kind,
		      struct dist *d, uint64_t *cross, uint64_t *irq)
{
	bool all = p->pid < 0 && p->tid < 0 && p->cpu < 0;
	uint64_t *v = all ? NULL : xmalloc((m->nr_wakeups ? m->nr_wakeups : 1) * sizeof(*v));
	size_t n = 0;

	if (cross)
		*cross = 0;
	if (irq)
		*irq = 0;
	for (size_t i = 0; i < m->nr_wakeups; i++) {
		const struct wakeup *w = &m->wakeups[i];

		if (w->kind != kind || !params_match_thread(m, p, w->utid) ||
		    (p->cpu >= 0 && w->cpu != p->cpu))
			continue;
		if (v)
			v[n++] = w->lat;
		if (cross && w->waker_cpu != CPU_NONE && w->waker_cpu != w->cpu)
			(*cross)++;
		if (irq && (w->flags & TEVF_IRQ))
			(*irq)++;
	}
	if (all) {
		latency_dist_all(m, kind, d);
		return;
	}
	dist_of_values(d, v, n);
	free(v);
}

int an_wakeup_latency(const struct trace_model *m, const struct analyze_params *p, struct report *r)
{
	struct dist all, newt;
	uint64_t cross, irq;
	struct groups g;
	const struct grouped *gs;
	double *key;
	uint32_t *ix;
	size_t nsel;
	uint64_t shown = 0;
	uint64_t **percpu;
	size_t *ncpu;
	struct rcol gcols[2 + ARRAY_SIZE(lat_cols)] = {
		{p->per_thread ? "tid" : "pid", p->per_thread ? "tid" : "pid", RT_I64},
		{"comm", "comm", RT_STR},
	};
	struct rcol ccols[1 + ARRAY_SIZE(lat_cols)] = {{"cpu", "cpu", RT_U64}};

	kind_dist(m, p, WK_WAKEUP, &all, &cross, &irq);
	kind_dist(m, p, WK_NEW, &newt, NULL, NULL);
	rep_str(r, "definition", "sched_waking (or WAKEE) → the sched_switch that runs the task; "
				 "percentiles are nearest-rank");
	if (m->waking_src_wakeup)
		rep_str(r, "note", "no sched_waking in this trace: sched_wakeup starts the wait");
	rep_dist_ns(r, "latency", &all);
	rep_u64(r, "cross_cpu", cross);
	rep_u64(r, "same_cpu", all.n - cross);
	rep_u64(r, "from_irq_context", irq);
	rep_dist_ns(r, "new_task_latency", &newt);

	/* per process (or thread) */
	groups_build(&g, m, p->per_thread);
	gs = latency_by_group(m, &g, WK_WAKEUP);
	key = xmalloc((g.n ? g.n : 1) * sizeof(*key));
	for (size_t i = 0; i < g.n; i++) {
		size_t n = gs->off[i + 1] - gs->off[i];

		key[i] = n ? (double)pct_sorted(gs->values + gs->off[i], n, 0.99) : -1;
	}
	nsel = top_groups(m, &g, p, key, -0.5, &ix);
	memcpy(gcols + 2, lat_cols, sizeof(lat_cols));
	rep_table(r, p->per_thread ? "per_thread" : "per_process", gcols, ARRAY_SIZE(gcols));
	for (size_t k = 0; k < nsel; k++) {
		size_t i = ix[k];
		struct dist d;

		dist_of_group(&d, gs, i);
		rep_row(r);
		rep_cell_i64(r, g.id[i]);
		rep_cell_str(r, group_name(m, &g, i, p->per_thread));
		lat_cells(r, &d);
		shown++;
	}
	rep_table_end(r);

	/* per CPU the task ran on */
	percpu = xcalloc(m->nr_cpus + 1, sizeof(*percpu));
	ncpu = xcalloc(m->nr_cpus + 1, sizeof(*ncpu));
	for (size_t i = 0; i < m->nr_wakeups; i++) {
		const struct wakeup *w = &m->wakeups[i];

		if (w->kind == WK_WAKEUP && w->cpu < m->nr_cpus && params_match_thread(m, p, w->utid))
			ncpu[w->cpu]++;
	}
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		percpu[c] = xmalloc((ncpu[c] ? ncpu[c] : 1) * sizeof(uint64_t));
		ncpu[c] = 0;
	}
	for (size_t i = 0; i < m->nr_wakeups; i++) {
		const struct wakeup *w = &m->wakeups[i];

		if (w->kind == WK_WAKEUP && w->cpu < m->nr_cpus && params_match_thread(m, p, w->utid))
			percpu[w->cpu][ncpu[w->cpu]++] = w->lat;
	}
	memcpy(ccols + 1, lat_cols, sizeof(lat_cols));
	rep_table(r, "per_cpu", ccols, ARRAY_SIZE(ccols));
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		struct dist d;

		if (!ncpu[c] || (p->cpu >= 0 && p->cpu != c))
			continue;
		dist_of_values(&d, percpu[c], ncpu[c]);
		rep_row(r);
		rep_cell_u64(r, c);
		lat_cells(r, &d);
	}
	rep_table_end(r);
	for (uint32_t c = 0; c < m->nr_cpus; c++)
		free(percpu[c]);
	free(percpu);
	free(ncpu);
	free(ix);
	free(key);
	groups_release(&g);
	return 0;
}

/*
 * A table of the groups with the largest counts: id, comm, count, a base and
 * count/base in percent. cols: the keys and headers of the last three columns.
 */
static void ratio_table(struct report *r, const struct trace_model *m, const struct groups *g,
			const struct analyze_params *p, const char *key, const char *const cols[3][2],
			const uint64_t *num, const uint64_t *den)
{
	const struct rcol rc[] = {
		{g->per_thread ? "tid" : "pid", g->per_thread ? "tid" : "pid", RT_I64},
		{"comm", "comm", RT_STR},
		{cols[0][0], cols[0][1], RT_U64},
		{cols[1][0], cols[1][1], RT_U64},
		{cols[2][0], cols[2][1], RT_PCT},
	};
	double *k = xmalloc((g->n ? g->n : 1) * sizeof(*k));
	uint32_t *ix;
	size_t n;

	for (size_t i = 0; i < g->n; i++)
		k[i] = (double)num[i];
	n = top_groups(m, g, p, k, 0, &ix);
	rep_table(r, key, rc, ARRAY_SIZE(rc));
	for (size_t j = 0; j < n; j++) {
		size_t i = ix[j];

		rep_row(r);
		rep_cell_i64(r, g->id[i]);
		rep_cell_str(r, group_name(m, g, i, g->per_thread));
		rep_cell_u64(r, num[i]);
		rep_cell_u64(r, den[i]);
		rep_cell_dbl(r, pct(num[i], den[i]));
	}
	rep_table_end(r);
	free(ix);
	free(k);
}

/* -------------------------------------------------------------- migrations -- */

int an_migrations(const struct trace_model *m, const struct analyze_params *p, struct report *r)
{
	bool events = m->type_counts[TEV_MIGRATE] > 0;
	uint64_t total = events ? m->type_counts[TEV_MIGRATE] : m->nr_migrate_inferred;
	uint64_t dur = trace_duration(m), moved = 0;
	struct groups g;
	struct proc_row *pr;
	uint64_t *num, *den;

	rep_str(r, "source", events ? "sched_migrate_task" : "inferred from switch-in CPU changes");
	rep_u64(r, "total_migrations", total);
	rep_dbl(r, "migrations_per_sec", per_sec(total, dur));
	rep_u64(r, "inferred_switch_in_cpu_changes", m->nr_migrate_inferred);
	rep_bool(r, "topology_known", m->topo.known);
	if (m->topo.known) {
		rep_u64(r, "same_llc", m->migrate_same_llc);
		rep_u64(r, "cross_llc", m->migrate_cross_llc);
		rep_u64(r, "cross_numa", m->migrate_cross_node);
		rep_u64(r, "unknown_cpu", m->migrate_unknown);
	} else {
		rep_null(r, "same_llc");
		rep_null(r, "cross_llc");
		rep_null(r, "cross_numa");
		rep_text(r, "(cross-LLC / cross-NUMA: topology unknown; pass --topology DIR)");
	}
	groups_build(&g, m, p->per_thread);
	pr = proc_rows(m, &g);
	num = xmalloc((g.n ? g.n : 1) * sizeof(*num));
	den = xmalloc((g.n ? g.n : 1) * sizeof(*den));
	for (size_t i = 0; i < g.n; i++) {
		num[i] = pr[i].migrations;
		den[i] = pr[i].slices;
		moved += pr[i].migrations > 0;
	}
	rep_u64(r, p->per_thread ? "threads_migrated" : "processes_migrated", moved);
	ratio_table(r, m, &g, p, p->per_thread ? "per_thread" : "per_process",
		    (const char *const[3][2]){{"migrations", "migrations"}, {"slices", "slices"},
					      {"migrations_per_slice_pct", "per slice"}},
		    num, den);
	free(num);
	free(den);
	free(pr);
	groups_release(&g);
	return 0;
}

/* ------------------------------------------------------------ preemptions -- */

struct pair {
	uint32_t victim, by;
	uint64_t n;
};

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	if (x->victim != y->victim)
		return x->victim < y->victim ? -1 : 1;
	return x->by < y->by ? -1 : x->by > y->by;
}

struct keyvec {
	uint64_t *v;
	size_t n, alloc;
};

static void count_pair(struct keyvec *kv, uint32_t victim, int32_t state, uint32_t next)
{
	if (!is_preemption(victim, state, next))
		return;
	if (kv->n == kv->alloc)
		xgrow((void **)&kv->v, &kv->alloc, kv->n + 1, sizeof(*kv->v));
	kv->v[kv->n++] = (uint64_t)victim << 32 | next;
}

int an_preemptions(const struct trace_model *m, const struct analyze_params *p, struct report *r)
{
	struct pair *pairs, cur = {0};
	struct topk_stream best;
	size_t np = 0, shown = 0;
	uint64_t total = 0;
	struct dist lat;
	struct groups g;
	struct proc_row *pr;
	uint64_t *num, *den;
	struct keyvec pm = {0};

	/* who preempted whom: the switches themselves (victim = prev, preemptor = next) */
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		const struct tev *end = NULL;

		for (size_t i = 0; i < m->cpus[c].n; i++) {
			const struct tev *e = &m->cpus[c].ev[i];

			if ((e->type == TEV_SWITCH || e->type == TEV_SWITCH_COMPACT) &&
			    !(e->flags & TEVF_SKIP))
				count_pair(&pm, e->other, e->arg, e->utid);
			else if (e->type == TEV_ONCPU_END)
				end = e;
			else if (e->type == TEV_ONCPU_BEGIN && end && end->ts == e->ts)
				count_pair(&pm, end->utid, end->arg, e->utid);
		}
	}
	/* count equal (victim, preemptor) keys after sorting them; keep the best `limit` */
	u64_sort(pm.v, pm.n);
	topk_init(&best, p->limit, sizeof(struct pair), cmp_pair);
	for (size_t i = 0; i < pm.n; i++) {
		if (i && pm.v[i] != pm.v[i - 1]) {
			topk_push(&best, &cur);
			np++;
		}
		if (!i || pm.v[i] != pm.v[i - 1]) {
			cur.victim = (uint32_t)(pm.v[i] >> 32);
			cur.by = (uint32_t)pm.v[i];
			cur.n = 0;
		}
		cur.n++;
		total++;
	}
	if (pm.n) {
		topk_push(&best, &cur);
		np++;
	}
	free(pm.v);
	np = topk_finish(&best);
	pairs = (struct pair *)best.h;

	kind_dist(m, p, WK_PREEMPT, &lat, NULL, NULL);
	rep_str(r, "definition", "a task switched out still runnable (prev_state R/R+) while a "
				 "non-idle task takes the CPU");
	rep_u64(r, "total_preemptions", total);
	rep_dbl(r, "preemptions_per_sec", per_sec(total, trace_duration(m)));
	rep_dist_ns(r, "requeue_latency", &lat);
	groups_build(&g, m, p->per_thread);
	pr = proc_rows(m, &g);
	num = xmalloc((g.n ? g.n : 1) * sizeof(*num));
	den = xmalloc((g.n ? g.n : 1) * sizeof(*den));
	for (size_t i = 0; i < g.n; i++) {
		num[i] = pr[i].preempted;
		den[i] = pr[i].vol + pr[i].invol;
	}
	ratio_table(r, m, &g, p, p->per_thread ? "most_preempted_threads" : "most_preempted_processes",
		    (const char *const[3][2]){{"preempted", "preempted"}, {"switch_outs", "switch-outs"},
					      {"preempted_pct", "share"}},
		    num, den);
	free(num);
	free(den);
	rep_table(r, "top_pairs",
		  (const struct rcol[]){{"victim_tid", "victim", RT_I64},
					{"victim_comm", "comm", RT_STR},
					{"preemptor_tid", "by", RT_I64},
					{"preemptor_comm", "comm", RT_STR},
					{"count", "count", RT_U64}},
		  5);
	shown = 0;
	for (size_t i = 0; i < np && shown < p->limit; i++) {
		if (!params_match_thread(m, p, pairs[i].victim) &&
		    !params_match_thread(m, p, pairs[i].by))
			continue;
		shown++;
		rep_row(r);
		rep_cell_i64(r, m->threads[pairs[i].victim].tid);
		rep_cell_str(r, thread_comm(m, pairs[i].victim));
		rep_cell_i64(r, m->threads[pairs[i].by].tid);
		rep_cell_str(r, thread_comm(m, pairs[i].by));
		rep_cell_u64(r, pairs[i].n);
	}
	rep_table_end(r);
	free(pr);
	groups_release(&g);
	topk_release(&best);
	return 0;
}

/* ------------------------------------------------------------ task states -- */

int an_task_states(const struct trace_model *m, const struct analyze_params *p, struct report *r)
{
	const struct rcol cols[] = {
		{p->per_thread ? "tid" : "pid", p->per_thread ? "tid" : "pid", RT_I64},
		{"comm", "comm", RT_STR},
		{"running_ns", "running", RT_NS},
		{"runnable_ns", "runnable", RT_NS},
		{"runnable_preempted_ns", "preempted", RT_NS},
		{"sleeping_ns", "sleep S", RT_NS},
		{"blocked_ns", "blocked D", RT_NS},
		{"idle_ns", "idle I", RT_NS},
		{"other_ns", "other", RT_NS},
		{"running_pct", "run%", RT_PCT},
		{"waiting_pct", "wait%", RT_PCT},
		{"voluntary_switches", "vol", RT_U64},
		{"involuntary_switches", "invol", RT_U64},
	};
	struct groups g;
	struct proc_row *pr;
	double *key;
	uint32_t *ix;
	size_t nsel;
	uint64_t shown = 0, tot[TS_NR] = {0};

	groups_build(&g, m, p->per_thread);
	pr = proc_rows(m, &g);
	key = xmalloc((g.n ? g.n : 1) * sizeof(*key));
	for (size_t i = 0; i < g.n; i++) {
		key[i] = (double)(pr[i].state[TS_R] + pr[i].state[TS_RPLUS]);
		for (int s = 0; s < TS_NR; s++)
			tot[s] += pr[i].state[s];
	}
	nsel = top_groups(m, &g, p, key, -1, &ix);
	rep_str(r, "definition", "trace_processor thread_state rows (Running, R, R+, S, D, I, other); "
				 "a row still open at the end of the trace counts up to the end");
	rep_str(r, "sorted_by", "runnable + preempted time (waiting for a CPU)");
	rep_obj(r, "totals");
	rep_ns(r, "running_ns", tot[TS_RUNNING]);
	rep_ns(r, "runnable_ns", tot[TS_R]);
	rep_ns(r, "runnable_preempted_ns", tot[TS_RPLUS]);
	rep_ns(r, "sleeping_ns", tot[TS_S]);
	rep_ns(r, "blocked_ns", tot[TS_D]);
	rep_ns(r, "idle_ns", tot[TS_I]);
	rep_ns(r, "other_ns", tot[TS_OTHER]);
	rep_end(r);
	rep_table(r, p->per_thread ? "threads" : "processes", cols, ARRAY_SIZE(cols));
	for (size_t k = 0; k < nsel; k++) {
		size_t i = ix[k];
		uint64_t all = 0, *st = pr[i].state;

		for (int s = TS_RUNNING; s < TS_NR; s++)
			all += st[s];
		shown++;
		rep_row(r);
		rep_cell_i64(r, g.id[i]);
		rep_cell_str(r, group_name(m, &g, i, p->per_thread));
		rep_cell_u64(r, st[TS_RUNNING]);
		rep_cell_u64(r, st[TS_R]);
		rep_cell_u64(r, st[TS_RPLUS]);
		rep_cell_u64(r, st[TS_S]);
		rep_cell_u64(r, st[TS_D]);
		rep_cell_u64(r, st[TS_I]);
		rep_cell_u64(r, st[TS_OTHER]);
		rep_cell_dbl(r, pct(st[TS_RUNNING], all));
		rep_cell_dbl(r, pct(st[TS_R] + st[TS_RPLUS], all));
		rep_cell_u64(r, pr[i].vol);
		rep_cell_u64(r, pr[i].invol);
	}
	rep_table_end(r);
	free(ix);
	free(key);
	free(pr);
	groups_release(&g);
	return 0;
}

/* --------------------------------------------------------------- registry -- */

const struct analyzer analyzer_table[] = {
	{"summary", "trace summary: duration, CPUs, processes, threads, events by type, data quality, "
		    "which analyzers apply", true, NULL, an_summary},
	{"cpu_utilization", "busy/idle time per CPU, LLC and NUMA node", true, na_sched,
	 an_cpu_utilization},
	{"process_runtime", "CPU time per process (or thread) from sched slices", true, na_sched,
	 an_process_runtime},
	{"wakeup_latency", "waking → running latency: p50/p95/p99/p99.9, per process and per CPU, "
			   "cross-CPU wakeups", true, na_wakeup, an_wakeup_latency},
	{"migrations", "task migrations per process; cross-LLC and cross-NUMA with a topology", true,
	 na_sched, an_migrations},
	{"preemptions", "preemptions per process, who preempts whom, requeue latency", true,
	 na_preempt, an_preemptions},
	{"task_states", "time running, runnable, preempted, sleeping, blocked per process", true,
	 na_sched, an_task_states},
	{"dsq", "sched_ext dispatch queues: latency, depth, residency", true, na_dsq, an_dsq},
	{"scx_layers", "sched_ext layers (wprof scx_layer_id): runtime, CPUs, latency, DSQs", true,
	 na_layers, an_scx_layers},
	{"oncpu_slices", "on-CPU slice length distribution per thread", false, na_sched,
	 an_oncpu_slices},
	{"bottlenecks", "ranked findings with evidence", true, NULL, an_bottlenecks},
	{"outliers", "statistical outliers (IQR, MAD, z-score) in latency, runtime and CPU load", true,
	 na_sched, an_outliers},
	{"correlation", "each wakeup paired with the switch that ran it: waker, CPUs, latency", false,
	 na_wakeup, an_correlation},
	{"timeline", "events of one process, one CPU, or a time window, in order", false, NULL,
	 an_timeline},
	{"query", "filter events by type, CPU, pid, time; count and group by", false, NULL, an_query},
};
const size_t nr_analyzers = ARRAY_SIZE(analyzer_table);

const struct analyzer *analyzer_find(const char *name)
{
	for (size_t i = 0; i < nr_analyzers; i++)
		if (!strcmp(analyzer_table[i].name, name))
			return &analyzer_table[i];
	return NULL;
}

int analyzer_run(const struct analyzer *a, const struct trace_model *m,
		 const struct analyze_params *p, struct report *r)
{
	const char *why = a->not_applicable ? a->not_applicable(m) : NULL;
	int err = 0;

	rep_obj(r, a->name);
	if (why) {
		rep_bool(r, "applicable", false);
		rep_str(r, "reason", why);
	} else {
		err = a->run(m, p, r);
	}
	rep_end(r);
	return err;
}

int analyze_document(const struct trace_model *m, const struct analyze_params *p,
		     const struct analyzer *const *list, size_t n, struct report *r)
{
	int err = 0;

	rep_obj(r, NULL);
	if (report_is_json(r)) {
		rep_str(r, "tool", "scxtop analyze");
		rep_str(r, "version", scx_version());
		rep_str(r, "trace", m->path);
		rep_str(r, "percentile_definition",
			"nearest rank: p-th percentile of n sorted values = v[ceil(p*n)-1]");
		rep_obj(r, "params");
		rep_u64(r, "limit", p->limit);
		if (p->pid >= 0)
			rep_i64(r, "pid", p->pid);
		if (p->tid >= 0)
			rep_i64(r, "tid", p->tid);
		if (p->cpu >= 0)
			rep_i64(r, "cpu", p->cpu);
		if (p->start_ns)
			rep_u64(r, "start_ns", p->start_ns);
		if (p->end_ns)
			rep_u64(r, "end_ns", p->end_ns);
		rep_bool(r, "per_thread", p->per_thread);
		rep_end(r);
		rep_obj(r, "analyzers");
	} else {
		rep_text(r, "Trace %s: %.3f s, %llu events, %s", m->path ? m->path : "(memory)",
			 trace_duration(m) / 1e9, (unsigned long long)m->total_events,
			 m->meta.writer ? model_str(m, m->meta.writer) : "unknown writer");
		if (m->stats.truncated)
			rep_text(r, "warning: truncated trace, loaded up to byte %llu: %s",
				 (unsigned long long)m->stats.stop_offset, m->stats.stop_reason);
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t t0 = now_mono_ns();
		int e = analyzer_run(list[i], m, p, r);

		pr_debug("analyzer %s: %.3f s", list[i]->name, (now_mono_ns() - t0) / 1e9);

		if (e && !err)
			err = e;
	}
	if (report_is_json(r))
		rep_end(r);
	rep_end(r);
	return err;
}
