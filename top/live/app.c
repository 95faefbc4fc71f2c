// SPDX-License-Identifier: GPL-2.0
#include "top/live/app.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "top/live/theme.h"
#include "top/live/topology.h"
#include "top/live/utf8.h"

const char *const tui_view_names[VIEW_MAX] = {
	[VIEW_CPU] = "cpu",	    [VIEW_LLC] = "llc",	      [VIEW_NODE] = "node",
	[VIEW_PROCESS] = "process", [VIEW_THREAD] = "thread", [VIEW_SCHED] = "scheduler",
	[VIEW_EVENTS] = "events",   [VIEW_HELP] = "help",
};

const char *const tui_chart_names[CHART_MAX] = {"bar", "sparkline", "gauge"};

const struct tui_metric_info tui_metrics[MET_MAX] = {
	[MET_UTIL] = {"util", "utilisation %", true},
	[MET_BUSY] = {"busy", "BPF busy %", true},
	[MET_SWITCHES] = {"switches", "context switches/s", false},
	[MET_WAKEUPS] = {"wakeups", "wakeups/s", false},
	[MET_MIGRATIONS] = {"migrations", "migrations in/s", false},
	[MET_LAT_AVG] = {"latency_avg", "wakeup latency avg (us)", false},
	[MET_LAT_P99] = {"latency_p99", "wakeup latency p99 (us)", false},
	[MET_SOFTIRQ] = {"softirq", "softirq time %", true},
	[MET_FREQ] = {"freq", "frequency (MHz)", false},
};

int tui_view_find(const char *s)
{
	for (int i = 0; i < VIEW_MAX; i++)
		if (i != VIEW_THREAD && !strcmp(s, tui_view_names[i]))
			return i;
	if (!strcmp(s, "default"))
		return VIEW_CPU;
	return -1;
}

int tui_chart_find(const char *s)
{
	for (int i = 0; i < CHART_MAX; i++)
		if (!strcmp(s, tui_chart_names[i]))
			return i;
	if (!strcmp(s, "barchart"))
		return CHART_BAR;
	return -1;
}

int tui_metric_find(const char *s)
{
	for (int i = 0; i < MET_MAX; i++)
		if (!strcmp(s, tui_metrics[i].name))
			return i;
	return -1;
}

/* ---- metrics ---- */

static double per_sec(const struct stats_snapshot *s, uint64_t v)
{
	return s->interval_ns ? (double)v * 1e9 / (double)s->interval_ns : 0.0;
}

double app_cpu_metric(const struct stats_snapshot *s, const struct stats_cpu *c,
		      enum tui_metric m)
{
	switch (m) {
	case MET_UTIL:
		return c->proc_valid ? c->util_pct : c->busy_pct;
	case MET_BUSY:
		return c->busy_pct;
	case MET_SWITCHES:
		return per_sec(s, c->nr_switches);
	case MET_WAKEUPS:
		return per_sec(s, c->nr_wakeups);
	case MET_MIGRATIONS:
		return per_sec(s, c->nr_migrations);
	case MET_LAT_AVG:
		return (double)c->latency.avg_ns / 1e3;
	case MET_LAT_P99:
		return (double)c->latency.p99_ns / 1e3;
	case MET_SOFTIRQ:
		return s->interval_ns ? MIN(100.0, 100.0 * (double)c->softirq_ns /
							  (double)s->interval_ns)
				      : 0.0;
	case MET_FREQ:
		return (double)c->freq_khz / 1e3;
	default:
		return 0.0;
	}
}

double app_group_metric(const struct stats_snapshot *s, const struct stats_group *g,
			enum tui_metric m)
{
	switch (m) {
	case MET_UTIL:
		return g->util_pct > 0 || !g->busy_pct ? g->util_pct : g->busy_pct;
	case MET_BUSY:
		return g->busy_pct;
	case MET_SWITCHES:
		return per_sec(s, g->nr_switches);
	case MET_WAKEUPS:
		return per_sec(s, g->nr_wakeups);
	case MET_MIGRATIONS:
		return per_sec(s, g->nr_migrations);
	case MET_LAT_AVG:
		return (double)g->latency.avg_ns / 1e3;
	case MET_LAT_P99:
		return (double)g->latency.p99_ns / 1e3;
	case MET_SOFTIRQ:
		return s->interval_ns && g->nr_cpus
			       ? MIN(100.0, 100.0 * (double)g->softirq_ns /
						    ((double)s->interval_ns * g->nr_cpus))
			       : 0.0;
	case MET_FREQ: {
		double sum = 0;
		unsigned n = 0;

		for (unsigned k = 0; g->cpus && k < g->nr_cpus; k++) {
			const struct stats_cpu *c = &s->cpus[g->cpus[k]];

			if (c->freq_khz) {
				sum += c->freq_khz / 1e3;
				n++;
			}
		}
		return n ? sum / n : 0.0;
	}
	default:
		return 0.0;
	}
}

/* ---- life cycle ---- */

void app_init(struct app *a, const struct topology *topo, const struct tui_config *cfg)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->cfg = *cfg;
	memset(&a->cfg.keymap, 0, sizeof(a->cfg.keymap));
	keymap_copy(&a->cfg.keymap, &cfg->keymap);
	a->topo = topo;
	a->theme = MAX(theme_find(cfg->theme), 0);
	a->chart = (i = tui_chart_find(cfg->chart)) >= 0 ? (enum tui_chart)i : CHART_BAR;
	a->metric = (i = tui_metric_find(cfg->metric)) >= 0 ? (enum tui_metric)i : MET_UTIL;
	a->view = (i = tui_view_find(cfg->view)) >= 0 ? (enum tui_view)i : VIEW_CPU;
	a->prev_view = VIEW_CPU;
	a->tick_ms = cfg->tick_rate_ms;
	a->show_freq = cfg->show_cpu_freq;
	a->localize = cfg->localize;
	a->color_desc = "";
	for (int t = 0; t < TAB_MAX; t++)
		a->tab[t].sel_id = -1;
	a->tab[TAB_PROCESS].sort = 3;	/* CPU% */
	a->tab[TAB_THREAD].sort = 3;
	a->tab[TAB_DSQ].sort = 4;	/* avg latency */
	a->page_rows = 10;
	stats_snapshot_init(&a->snap);
	event_log_init(&a->events, 4096, 20000000ull);
	snprintf(a->trace_unavailable, sizeof(a->trace_unavailable),
		 "tracing is not available (cannot find the scxtop binary to run `scxtop trace`)");
}

void app_release(struct app *a)
{
	config_release(&a->cfg);
	stats_snapshot_release(&a->snap);
	event_log_release(&a->events);
	free(a->hist_cpu);
	free(a->hist_llc);
	free(a->hist_node);
	free(a->dsq_hist);
	memset(a, 0, sizeof(*a));
}

void app_message(struct app *a, int role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->msg, sizeof(a->msg), fmt, ap);
	va_end(ap);
	a->msg_role = role;
	a->msg_ticks = (unsigned)MAX(8, 4000 / MAX(a->tick_ms, 1u));	/* ~4 s */
}

void app_config_snapshot(const struct app *a, struct tui_config *cfg)
{
	config_release(cfg);
	*cfg = a->cfg;
	memset(&cfg->keymap, 0, sizeof(cfg->keymap));
	keymap_copy(&cfg->keymap, &a->cfg.keymap);
	snprintf(cfg->theme, sizeof(cfg->theme), "%s", tui_themes[a->theme].name);
	cfg->tick_rate_ms = a->tick_ms;
	snprintf(cfg->chart, sizeof(cfg->chart), "%s", tui_chart_names[a->chart]);
	snprintf(cfg->metric, sizeof(cfg->metric), "%s", tui_metrics[a->metric].name);
	cfg->show_cpu_freq = a->show_freq;
	cfg->localize = a->localize;
}

bool app_wants_stream(const struct app *a)
{
	return a->view == VIEW_EVENTS && !a->paused;
}

bool app_wants_tasks(const struct app *a)
{
	/* the CPU view names running tasks; tables need them all */
	return a->view != VIEW_HELP && a->view != VIEW_EVENTS;
}

/* ---- history ---- */

static float *hist_slot(float *base, unsigned e, enum tui_metric m)
{
	return base + ((size_t)e * MET_MAX + m) * APP_HIST_LEN;
}

size_t app_history(const struct app *a, int kind, unsigned e, enum tui_metric m, float *out,
		   size_t max)
{
	float *base = kind == 0 ? a->hist_cpu : kind == 1 ? a->hist_llc : a->hist_node;
	unsigned n = kind == 0 ? a->hist_ncpu : kind == 1 ? a->hist_nllc : a->hist_nnode;
	size_t cnt = MIN(a->hist_count, max);
	const float *ring;

	if (!base || e >= n)
		return 0;
	ring = hist_slot(base, e, m);
	/* the newest cnt values, oldest first; hist_head is the next write slot */
	for (size_t i = 0; i < cnt; i++)
		out[i] = ring[(a->hist_head + APP_HIST_LEN - cnt + i) % APP_HIST_LEN];
	return cnt;
}

static void hist_push(struct app *a)
{
	const struct stats_snapshot *s = &a->snap;

	if (!a->hist_cpu) {
		a->hist_ncpu = s->nr_cpus;
		a->hist_nllc = s->nr_llcs;
		a->hist_nnode = s->nr_nodes;
		a->hist_cpu = xcalloc((size_t)MAX(a->hist_ncpu, 1u) * MET_MAX * APP_HIST_LEN,
				      sizeof(float));
		a->hist_llc = xcalloc((size_t)MAX(a->hist_nllc, 1u) * MET_MAX * APP_HIST_LEN,
				      sizeof(float));
		a->hist_node = xcalloc((size_t)MAX(a->hist_nnode, 1u) * MET_MAX * APP_HIST_LEN,
				       sizeof(float));
		a->dsq_hist = xcalloc(APP_MAX_DSQ_HIST, sizeof(*a->dsq_hist));
	}
	for (int m = 0; m < MET_MAX; m++) {
		for (unsigned i = 0; i < MIN(a->hist_ncpu, s->nr_cpus); i++)
			hist_slot(a->hist_cpu, i, m)[a->hist_head] =
				(float)app_cpu_metric(s, &s->cpus[i], m);
		for (unsigned i = 0; i < MIN(a->hist_nllc, s->nr_llcs); i++)
			hist_slot(a->hist_llc, i, m)[a->hist_head] =
				(float)app_group_metric(s, &s->llcs[i], m);
		for (unsigned i = 0; i < MIN(a->hist_nnode, s->nr_nodes); i++)
			hist_slot(a->hist_node, i, m)[a->hist_head] =
				(float)app_group_metric(s, &s->nodes[i], m);
	}
	/* DSQs: average latency in us, by id (a new DSQ takes a free slot) */
	for (size_t k = 0; k < a->nr_dsq_hist; k++)
		a->dsq_hist[k].v[a->hist_head] = 0;
	for (size_t d = 0; d < s->nr_dsqs; d++) {
		struct dsq_hist *h = NULL;

		for (size_t k = 0; k < a->nr_dsq_hist && !h; k++)
			if (a->dsq_hist[k].id == s->dsqs[d].dsq_id)
				h = &a->dsq_hist[k];
		if (!h && a->nr_dsq_hist < APP_MAX_DSQ_HIST) {
			h = &a->dsq_hist[a->nr_dsq_hist++];
			memset(h, 0, sizeof(*h));
			h->id = s->dsqs[d].dsq_id;
		}
		if (h)
			h->v[a->hist_head] = (float)s->dsqs[d].latency.avg_ns / 1e3f;
	}
	a->hist_head = (a->hist_head + 1) % APP_HIST_LEN;
	if (a->hist_count < APP_HIST_LEN)
		a->hist_count++;
}

void app_update(struct app *a, struct stats_snapshot *s)
{
	struct stats_snapshot tmp;

	a->ticks++;
	if (a->msg_ticks && !--a->msg_ticks)
		a->msg[0] = '\0';
	if (a->paused)
		return;
	tmp = a->snap;
	a->snap = *s;
	*s = tmp;
	a->have_snap = true;
	for (int i = 0; i < SCXTOP_EV_MAX; i++) {
		uint64_t c = a->events.counts[i];

		a->ev_rate[i] = a->snap.interval_ns ? (double)(c - MIN(c, a->ev_prev[i])) * 1e9 /
							      (double)a->snap.interval_ns
						    : 0.0;
		a->ev_prev[i] = c;
	}
	hist_push(a);
}

/* ---- input ---- */

bool app_filter_match(const char *filter, const char *text)
{
	const char *t = text;

	for (const char *f = filter; *f; f++) {
		while (*t && tolower((unsigned char)*t) != tolower((unsigned char)*f))
			t++;
		if (!*t)
			return false;
		t++;
	}
	return true;
}

static int table_of(enum tui_view v)
{
	switch (v) {
	case VIEW_PROCESS:
		return TAB_PROCESS;
	case VIEW_THREAD:
		return TAB_THREAD;
	case VIEW_SCHED:
		return TAB_DSQ;
	default:
		return -1;
	}
}

static unsigned set_view(struct app *a, enum tui_view v)
{
	bool stream = app_wants_stream(a);

	if (a->view == v && v != VIEW_CPU) {
		/* the current view's key again: back to the previous one */
		v = a->prev_view != a->view ? a->prev_view : VIEW_CPU;
	} else if (a->view == VIEW_THREAD && v == VIEW_PROCESS) {
		a->view = VIEW_PROCESS;
		return APP_REDRAW;
	}
	if (a->view != VIEW_HELP && a->view != VIEW_THREAD)
		a->prev_view = a->view;
	a->view = v;
	a->filtering = false;
	return APP_REDRAW | (stream != app_wants_stream(a) ? APP_STREAM : 0);
}

static void move_sel(struct app *a, int delta, bool absolute)
{
	int t = table_of(a->view);

	if (t >= 0) {
		struct app_table *tb = &a->tab[t];

		tb->sel = absolute ? delta : tb->sel + delta;
		if (tb->sel < 0)
			tb->sel = 0;
		tb->sel_id = -1;	/* render clamps to the row count and records the id */
	} else {
		int *sc = &a->scroll[a->view];

		*sc = absolute ? delta : *sc + delta;
		if (*sc < 0)
			*sc = 0;
	}
}

static void open_threads(struct app *a)
{
	const struct app_table *tb = &a->tab[TAB_PROCESS];
	const struct stats_process *p;

	if (tb->sel_id < 0 || !(p = stats_find_process(&a->snap, tb->sel_id))) {
		app_message(a, R_WARN, "no process selected");
		return;
	}
	a->thread_pid = p->pid;
	memcpy(a->thread_comm, p->comm, sizeof(a->thread_comm));
	a->tab[TAB_THREAD].sel = 0;
	a->tab[TAB_THREAD].top = 0;
	a->tab[TAB_THREAD].sel_id = -1;
	a->filter[VIEW_THREAD][0] = '\0';
	a->view = VIEW_THREAD;
	a->filtering = false;
}

static uint64_t tick_faster(uint64_t t)
{
	t = t >= 200 ? t - 100 : t / 2;
	return MAX(t, (uint64_t)CONFIG_TICK_MIN_MS);
}

static uint64_t tick_slower(uint64_t t)
{
	t = t > 100 ? t + 100 : t * 2;
	return MIN(t, (uint64_t)CONFIG_TICK_MAX_MS);
}

unsigned app_action(struct app *a, enum tui_action act)
{
	int t = table_of(a->view);
	bool stream = app_wants_stream(a);

	switch (act) {
	case ACT_VIEW_CPU:
		return set_view(a, VIEW_CPU);
	case ACT_VIEW_LLC:
		return set_view(a, VIEW_LLC);
	case ACT_VIEW_NODE:
		return set_view(a, VIEW_NODE);
	case ACT_VIEW_PROCESS:
		return set_view(a, VIEW_PROCESS);
	case ACT_VIEW_SCHED:
		return set_view(a, VIEW_SCHED);
	case ACT_VIEW_EVENTS:
		return set_view(a, VIEW_EVENTS);
	case ACT_VIEW_HELP:
		return set_view(a, VIEW_HELP);
	case ACT_PAUSE:
		a->paused = !a->paused;
		app_message(a, R_ACCENT, a->paused ? "paused (space resumes)" : "resumed");
		return APP_REDRAW | (stream != app_wants_stream(a) ? APP_STREAM : 0);
	case ACT_FILTER:
		if (t < 0 && a->view != VIEW_EVENTS) {
			app_message(a, R_WARN,
				    "filters apply to the process, thread, scheduler and events views");
			return APP_REDRAW;
		}
		a->filtering = true;
		return APP_REDRAW;
	case ACT_TOGGLE_FREQ:
		a->show_freq = !a->show_freq;
		app_message(a, R_ACCENT, "CPU frequency %s", a->show_freq ? "shown" : "hidden");
		return APP_REDRAW;
	case ACT_TOGGLE_LOCALIZE:
		a->localize = !a->localize;
		app_message(a, R_ACCENT, "numbers %s", a->localize ? "in full" : "abbreviated");
		return APP_REDRAW;
	case ACT_SAVE_CONFIG:
		return APP_SAVE;
	case ACT_TRACE:
		if (a->tracing) {
			app_message(a, R_WARN, "already recording %s", a->trace_path);
			return APP_REDRAW;
		}
		if (a->trace_available)
			return APP_TRACE;
		app_message(a, R_WARN, "%s", a->trace_unavailable);
		return APP_REDRAW;
	case ACT_METRIC_RESET:
		a->metric = MET_UTIL;
		app_message(a, R_ACCENT, "charting %s", tui_metrics[a->metric].title);
		return APP_REDRAW;
	case ACT_METRIC_PREV:
	case ACT_METRIC_NEXT:
		a->metric = (enum tui_metric)((a->metric + (act == ACT_METRIC_NEXT ? 1 : MET_MAX - 1)) %
					      MET_MAX);
		app_message(a, R_ACCENT, "charting %s", tui_metrics[a->metric].title);
		return APP_REDRAW;
	case ACT_THEME:
		a->theme = (a->theme + 1) % (int)tui_nr_themes;
		app_message(a, R_ACCENT, "theme %s", tui_themes[a->theme].name);
		return APP_REDRAW;
	case ACT_TICK_FASTER:
	case ACT_TICK_SLOWER:
		a->tick_ms = act == ACT_TICK_FASTER ? tick_faster(a->tick_ms)
						    : tick_slower(a->tick_ms);
		app_message(a, R_ACCENT, "tick %llu ms", (unsigned long long)a->tick_ms);
		return APP_REDRAW | APP_TICK;
	case ACT_CHART_MODE:
		a->chart = (enum tui_chart)((a->chart + 1) % CHART_MAX);
		return APP_REDRAW;
	case ACT_SORT_NEXT:
	case ACT_SORT_PREV:
	case ACT_SORT_REVERSE:
		if (t < 0)
			return 0;
		if (act == ACT_SORT_REVERSE)
			a->tab[t].rev = !a->tab[t].rev;
		else
			a->tab[t].sort = (a->tab[t].sort + (act == ACT_SORT_NEXT ? 1 : app_table_ncols[t] - 1)) %
					 app_table_ncols[t];
		return APP_REDRAW;	/* the selected row stays selected (sel_id) */
	case ACT_QUIT:
		if (a->view == VIEW_HELP)
			return set_view(a, VIEW_HELP);
		if (a->view == VIEW_THREAD)
			return set_view(a, VIEW_PROCESS);
		return APP_QUIT;
	case ACT_UP:
		move_sel(a, -1, false);
		return APP_REDRAW;
	case ACT_DOWN:
		move_sel(a, 1, false);
		return APP_REDRAW;
	case ACT_PAGE_UP:
		move_sel(a, -MAX(a->page_rows - 1, 1), false);
		return APP_REDRAW;
	case ACT_PAGE_DOWN:
		move_sel(a, MAX(a->page_rows - 1, 1), false);
		return APP_REDRAW;
	case ACT_HOME:
		move_sel(a, 0, true);
		return APP_REDRAW;
	case ACT_END:
		move_sel(a, 1 << 30, true);
		return APP_REDRAW;
	case ACT_ENTER:
		if (a->view == VIEW_PROCESS)
			open_threads(a);
		return APP_REDRAW;
	case ACT_ESC:
		if (a->filter[a->view][0]) {
			a->filter[a->view][0] = '\0';
			return APP_REDRAW;
		}
		if (a->view == VIEW_THREAD)
			return set_view(a, VIEW_PROCESS);
		if (a->view == VIEW_HELP)
			return set_view(a, VIEW_HELP);
		if (a->view == VIEW_SCHED || a->view == VIEW_EVENTS)
			return set_view(a, VIEW_CPU);
		return APP_QUIT;
	case ACT_BACKSPACE: {
		size_t len = strlen(a->filter[a->view]);

		/* drop the last UTF-8 character */
		while (len && ((unsigned char)a->filter[a->view][len - 1] & 0xc0) == 0x80)
			len--;
		if (len)
			len--;
		a->filter[a->view][len] = '\0';
		return APP_REDRAW;
	}
	default:
		return 0;
	}
}

static void filter_add(struct app *a, uint32_t cp)
{
	char *f = a->filter[a->view], enc[4];
	size_t len = strlen(f), n = utf8_encode(cp, enc);

	if (len + n >= sizeof(a->filter[0]))
		return;
	memcpy(f + len, enc, n);
	f[len + n] = '\0';
}

unsigned app_key(struct app *a, uint32_t key)
{
	if (a->filtering) {
		int t = table_of(a->view);

		switch (key) {
		case TK_ENTER:
			a->filtering = false;
			return APP_REDRAW;
		case TK_ESC:
			a->filter[a->view][0] = '\0';
			a->filtering = false;
			return APP_REDRAW;
		case TK_BACKSPACE:
			return app_action(a, ACT_BACKSPACE);
		case TK_UP:
		case TK_DOWN:
		case TK_PAGEUP:
		case TK_PAGEDOWN:
		case TK_HOME:
		case TK_END:
			break;	/* navigation still works while typing */
		default:
			if (key >= 0x20 && key < TK_UP && key != 0x7f) {
				filter_add(a, key);
				if (t >= 0) {
					a->tab[t].sel = 0;
					a->tab[t].top = 0;
					a->tab[t].sel_id = -1;
				}
				a->scroll[a->view] = 0;
			}
			return APP_REDRAW;
		}
	}
	return app_action(a, keymap_lookup(&a->cfg.keymap, key));
}
