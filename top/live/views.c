// SPDX-License-Identifier: GPL-2.0
/*
 * Every view of the TUI drawn into a cell buffer (no curses). Layout rules:
 * row 0 is the title bar, the last row the status bar; content in between is
 * clipped, and when it does not fit it scrolls (or, for many CPUs, becomes a
 * grid), so any terminal size from tiny to 200+ columns stays readable.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cli.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "top/live/app.h"
#include "top/live/collector.h"
#include "top/live/theme.h"
#include "top/live/topology.h"

/* ---- number formatting ---- */

static void fmt_thousands(char *buf, size_t n, uint64_t v)
{
	char tmp[32];
	int len = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v), k = 0;

	for (int i = 0; i < len && (size_t)k + 2 < n; i++) {
		if (i && (len - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = tmp[i];
	}
	buf[k] = '\0';
}

/* A count or rate: "950", "9.5", "12.3k", "456k", "7.8M" (or "1,234,567" localized). */
static void fmt_num(char *buf, size_t n, double v, bool localize)
{
	if (localize && v >= 10) {
		fmt_thousands(buf, n, (uint64_t)llround(v));
		return;
	}
	if (v < 0.05)
		snprintf(buf, n, "0");
	else if (v < 10 && fabs(v - round(v)) > 0.05)
		snprintf(buf, n, "%.1f", v);
	else if (v < 999.5)
		snprintf(buf, n, "%.0f", v);
	else if (v < 9999.5)
		snprintf(buf, n, "%.1fk", v / 1e3);
	else if (v < 999500)
		snprintf(buf, n, "%.0fk", v / 1e3);
	else if (v < 9999500)
		snprintf(buf, n, "%.1fM", v / 1e6);
	else if (v < 999500000)
		snprintf(buf, n, "%.0fM", v / 1e6);
	else
		snprintf(buf, n, "%.1fG", v / 1e9);
}

static void fmt_ns(char *buf, size_t n, uint64_t ns)
{
	if (!ns)
		snprintf(buf, n, "-");
	else if (ns < 1000)
		snprintf(buf, n, "%lluns", (unsigned long long)ns);
	else if (ns < 10000)
		snprintf(buf, n, "%.2fus", ns / 1e3);
	else if (ns < 1000000)
		snprintf(buf, n, "%.1fus", ns / 1e3);
	else if (ns < 10000000)
		snprintf(buf, n, "%.2fms", ns / 1e6);
	else if (ns < 1000000000)
		snprintf(buf, n, "%.1fms", ns / 1e6);
	else
		snprintf(buf, n, "%.2fs", ns / 1e9);
}

static double rate(const struct stats_snapshot *s, uint64_t v)
{
	return s->interval_ns ? (double)v * 1e9 / (double)s->interval_ns : 0.0;
}

/* rsched-style latency colour: 10 us / 100 us / 1 ms / 10 ms steps. */
static int lat_role(uint64_t ns)
{
	if (!ns)
		return R_DIM;
	if (ns < 10000)
		return R_G0;
	if (ns < 100000)
		return R_G1;
	if (ns < 1000000)
		return R_G2;
	if (ns < 10000000)
		return R_G3;
	return R_G4;
}

static void fmt_metric(char *buf, size_t n, enum tui_metric m, double v, bool localize)
{
	if (tui_metrics[m].pct)
		snprintf(buf, n, "%.1f%%", v);
	else if (m == MET_LAT_AVG || m == MET_LAT_P99)
		fmt_ns(buf, n, (uint64_t)llround(v * 1e3));
	else
		fmt_num(buf, n, v, localize);
}

static const char *arrow_down(const struct tui_buf *b)
{
	return b->ascii ? "v" : "\u25bc";
}

static const char *arrow_up(const struct tui_buf *b)
{
	return b->ascii ? "^" : "\u25b2";
}

/* ---- frame: title, summary, status ---- */

static void draw_title(struct app *a, struct tui_buf *b, const char *title)
{
	char right[128];
	const char *sched = a->snap.sched.state == STATS_SCHED_RUNNING ? a->snap.sched.name
			    : a->snap.sched.state == STATS_SCHED_NONE    ? "no scheduler"
									 : "no sched_ext";

	tbuf_fill(b, 0, 0, b->w, ' ', R_TITLE, TA_BOLD);
	char rec[32] = "";

	if (a->tracing)
		snprintf(rec, sizeof(rec), "REC %d%% | ", a->trace_pct);
	snprintf(right, sizeof(right), "%s%s%s | %s | tick %llums ", rec,
		 a->paused ? "PAUSED | " : "", sched, tui_chart_names[a->chart],
		 (unsigned long long)a->tick_ms);
	int rw = (int)strlen(right);
	int lw = tbuf_printf(b, 0, 0, b->w, R_TITLE, TA_BOLD, " scxtop | %s", title);

	if (lw + rw + 1 <= b->w)
		tbuf_text(b, b->w - rw, 0, rw, R_TITLE, TA_BOLD, right);
}

static void draw_summary(struct app *a, struct tui_buf *b, int y)
{
	const struct stats_snapshot *s = &a->snap;
	const struct stats_group *t = &s->total;
	char sw[16], wk[16], mig[16], p50[16], p99[16], seg[5][128];
	struct strbuf sb = STRBUF_INIT;

	if (!a->have_snap) {
		tbuf_text(b, 1, y, b->w - 1, R_DIM, 0, "collecting the first interval...");
		return;
	}
	fmt_num(sw, sizeof(sw), rate(s, t->nr_switches), a->localize);
	fmt_num(wk, sizeof(wk), rate(s, t->nr_wakeups), a->localize);
	fmt_num(mig, sizeof(mig), rate(s, t->nr_migrations), a->localize);
	fmt_ns(p50, sizeof(p50), t->latency.p50_ns);
	fmt_ns(p99, sizeof(p99), t->latency.p99_ns);
	snprintf(seg[0], sizeof(seg[0]), "%u/%u CPUs, %u LLC%s, %u node%s", s->nr_online,
		 s->nr_cpus, s->nr_llcs, s->nr_llcs == 1 ? "" : "s", s->nr_nodes,
		 s->nr_nodes == 1 ? "" : "s");
	snprintf(seg[1], sizeof(seg[1]), "util %.1f%%", t->util_pct);
	snprintf(seg[2], sizeof(seg[2]), "sw %s/s wk %s/s mig %s/s", sw, wk, mig);
	snprintf(seg[3], sizeof(seg[3]), "lat p50 %s p99 %s", p50, p99);
	snprintf(seg[4], sizeof(seg[4]), "dropped %llu", (unsigned long long)s->dropped_total);
	/* as many segments as fit, most important first */
	for (size_t i = 0; i < ARRAY_SIZE(seg); i++) {
		size_t add = strlen(seg[i]) + (sb.len ? 3 : 1);

		if (sb.len + add > (size_t)b->w && i)
			continue;
		strbuf_addstr(&sb, sb.len ? " | " : " ");
		strbuf_addstr(&sb, seg[i]);
	}
	tbuf_text(b, 0, y, b->w, s->dropped ? R_WARN : R_TEXT, 0, sb.buf);
	strbuf_release(&sb);
}

/* "h help  q quit ..." from the live keymap. */
static void key_hint(struct app *a, struct strbuf *sb, enum tui_action act, const char *what)
{
	uint32_t keys[2];
	char name[16];

	if (!keymap_keys(&a->cfg.keymap, act, keys, 1))
		return;
	strbuf_addf(sb, "%s%s %s", sb->len ? "  " : " ", keymap_key_name(keys[0], name, sizeof(name)),
		    what);
}

static void draw_status(struct app *a, struct tui_buf *b)
{
	int y = b->h - 1;
	struct strbuf sb = STRBUF_INIT;

	if (y < 1)
		return;
	tbuf_fill(b, 0, y, b->w, ' ', R_STATUS, 0);
	if (a->filtering) {
		int n = tbuf_printf(b, 0, y, b->w, R_STATUS, TA_BOLD, " filter: %s",
				    a->filter[a->view]);

		tbuf_fill(b, n, y, 1, b->ascii ? '_' : 0x2588, R_STATUS, 0);
		tbuf_text(b, n + 2, y, b->w - n - 2, R_STATUS, 0, "(Enter keeps, Esc clears)");
		return;
	}
	if (a->msg[0]) {
		tbuf_printf(b, 0, y, b->w, a->msg_role, TA_BOLD, " %s", a->msg);
		return;
	}
	key_hint(a, &sb, ACT_VIEW_HELP, "help");
	key_hint(a, &sb, ACT_QUIT, "quit");
	key_hint(a, &sb, ACT_VIEW_CPU, "cpu");
	key_hint(a, &sb, ACT_VIEW_LLC, "llc");
	key_hint(a, &sb, ACT_VIEW_NODE, "node");
	key_hint(a, &sb, ACT_VIEW_PROCESS, "proc");
	key_hint(a, &sb, ACT_VIEW_SCHED, "sched");
	key_hint(a, &sb, ACT_VIEW_EVENTS, "events");
	key_hint(a, &sb, ACT_CHART_MODE, "chart");
	key_hint(a, &sb, ACT_METRIC_NEXT, "metric");
	key_hint(a, &sb, ACT_PAUSE, "pause");
	tbuf_text(b, 0, y, b->w, R_STATUS, 0, sb.buf);
	strbuf_release(&sb);
}

/* ---- charts ---- */

struct chart_ctx {
	struct app *a;
	enum tui_metric m;
	double max;		/* scale for non-percent metrics */
	int kind;		/* history kind: 0 cpu, 1 llc, 2 node */
};

static double frac_of(const struct chart_ctx *cc, double v)
{
	if (tui_metrics[cc->m].pct)
		return v / 100.0;
	return cc->max > 0 ? v / cc->max : 0.0;
}

static void draw_chart(struct tui_buf *b, const struct chart_ctx *cc, int x, int y, int w,
		       unsigned entity, double v)
{
	double f = frac_of(cc, v);
	int role = tbuf_grad_role(f);

	if (w <= 0)
		return;
	switch (cc->a->chart) {
	case CHART_BAR:
		tbuf_hbar(b, x, y, w, f, role);
		break;
	case CHART_GAUGE:
		tbuf_gauge(b, x, y, w, f, role);
		break;
	case CHART_SPARK: {
		float hist[APP_HIST_LEN];
		size_t n = app_history(cc->a, cc->kind, entity, cc->m, hist,
				       (size_t)MIN(w, APP_HIST_LEN));

		tbuf_sparkline(b, x, y, w, hist, n,
			       tui_metrics[cc->m].pct ? 100.0f : (float)cc->max, true, role);
		break;
	}
	default:
		break;
	}
}

/* Scale of a non-percent metric: the largest value now, or in the history for sparklines. */
static double metric_max(struct app *a, int kind, enum tui_metric m)
{
	const struct stats_snapshot *s = &a->snap;
	unsigned n = kind == 0 ? s->nr_cpus : kind == 1 ? s->nr_llcs : s->nr_nodes;
	double max = 0;
	float hist[APP_HIST_LEN];

	for (unsigned i = 0; i < n; i++) {
		double v = kind == 0   ? app_cpu_metric(s, &s->cpus[i], m)
			   : kind == 1 ? app_group_metric(s, &s->llcs[i], m)
				       : app_group_metric(s, &s->nodes[i], m);

		max = MAX(max, v);
		if (a->chart == CHART_SPARK) {
			size_t h = app_history(a, kind, i, m, hist, APP_HIST_LEN);

			for (size_t k = 0; k < h; k++)
				max = MAX(max, (double)hist[k]);
		}
	}
	return max;
}

/* ---- CPU view ---- */

/* Name of the task running on a CPU ("comm:pid"), "idle", or the pid alone. */
static void running_task(const struct app *a, int pid, char *buf, size_t n)
{
	const struct stats_thread *t;

	if (!pid) {
		snprintf(buf, n, "idle");
		return;
	}
	t = a->snap.have_tasks ? stats_find_thread(&a->snap, pid) : NULL;
	if (t)
		snprintf(buf, n, "%s:%d", t->comm, pid);
	else
		snprintf(buf, n, "pid %d", pid);
}

/* The header line of node n's CPUs (n == nr_nodes: offline CPUs / unknown node). */
static void node_header(struct tui_buf *b, int y, const struct stats_snapshot *s, unsigned n)
{
	struct strbuf sb = STRBUF_INIT;
	const struct stats_group *g;

	if (n >= s->nr_nodes) {
		tbuf_text(b, 0, y, -1, R_HEADER, TA_BOLD, " Offline / unknown node");
		return;
	}
	g = &s->nodes[n];
	cpulist_format(&sb, g->cpus, g->nr_cpus);
	tbuf_printf(b, 0, y, -1, R_HEADER, TA_BOLD,
		    " Node %d  CPUs %s  util avg %.1f%% max %.1f%% min %.1f%%", g->id, sb.buf,
		    g->util_pct, g->util_max_pct, g->util_min_pct);
	strbuf_release(&sb);
}

/* "lines 1-19 of 24" under a scrolled list, when it does not fit. */
static void scroll_footer(struct tui_buf *b, int y, int sc, int rows, unsigned total)
{
	if ((int)total > rows)
		tbuf_printf(b, 0, y, -1, R_DIM, 0, " lines %d-%d of %u (Up/Down, PgUp/PgDn)",
			    sc + 1, MIN(sc + rows, (int)total), total);
}

/* Detailed CPU table: one row per CPU, grouped by node. */
static void cpu_detailed(struct app *a, struct tui_buf *b, int y0, int rows,
			 const struct chart_ctx *cc)
{
	const struct stats_snapshot *s = &a->snap;
	int lines = 0, sc, x, chart_w;
	bool rates, lat, run, freq;
	int avail;

	/* "   CPU LLC " 11, brackets 2, value 8; optional columns while the chart keeps 10 */
	avail = b->w - 11 - 2 - 8;
	rates = avail - 23 >= 10;
	avail -= rates ? 23 : 0;
	lat = b->w >= 90 && avail - 18 >= 10;
	avail -= lat ? 18 : 0;
	freq = a->show_freq && avail - 7 >= 10;
	avail -= freq ? 7 : 0;
	run = avail - 17 >= 10;
	avail -= run ? 17 : 0;
	chart_w = MIN(MAX(avail, 4), 60);
	/* header */
	x = tbuf_text(b, 0, y0, -1, R_HEADER, TA_BOLD, "   CPU LLC ");
	tbuf_printf(b, x, y0, chart_w + 1, R_HEADER, TA_BOLD, "[%s]", tui_metrics[cc->m].title);
	x += chart_w + 2;
	tbuf_text_right(b, x, y0, 7, R_HEADER, TA_BOLD, "VALUE");
	x += 8;
	if (rates) {
		tbuf_text_right(b, x, y0, 7, R_HEADER, TA_BOLD, "SW/s");
		x += 8;
		tbuf_text_right(b, x, y0, 7, R_HEADER, TA_BOLD, "WK/s");
		x += 8;
		tbuf_text_right(b, x, y0, 6, R_HEADER, TA_BOLD, "MIG/s");
		x += 7;
	}
	if (lat) {
		tbuf_text_right(b, x, y0, 8, R_HEADER, TA_BOLD, "LAT p50");
		x += 9;
		tbuf_text_right(b, x, y0, 8, R_HEADER, TA_BOLD, "LAT p99");
		x += 9;
	}
	if (freq) {
		tbuf_text_right(b, x, y0, 6, R_HEADER, TA_BOLD, "MHz");
		x += 7;
	}
	if (run)
		tbuf_text(b, x + 1, y0, b->w - x - 1, R_HEADER, TA_BOLD, "RUNNING");

	/* virtual lines: per node a header, then its CPUs; offline CPUs at the end */
	unsigned total = s->nr_nodes + s->nr_cpus;
	unsigned noff = 0;

	for (unsigned i = 0; i < s->nr_cpus; i++)
		noff += s->cpus[i].node < 0;
	if (noff)
		total++;
	sc = MIN(a->scroll[VIEW_CPU], MAX((int)total - rows, 0));
	a->scroll[VIEW_CPU] = sc;
	for (unsigned n = 0; n <= s->nr_nodes; n++) {
		bool off_group = n == s->nr_nodes;
		int line;

		if (off_group && !noff)
			break;
		line = lines++ - sc;
		if (line >= 0 && line < rows)
			node_header(b, y0 + 1 + line, s, n);
		for (unsigned i = 0; i < s->nr_cpus; i++) {
			const struct stats_cpu *c = &s->cpus[i];
			char v[16], sw[16], wk[16], mig[16], p50[16], p99[16], task[48];
			int yy;

			if (off_group ? c->node >= 0 : c->node != (int)n)
				continue;
			line = lines++ - sc;
			if (line < 0 || line >= rows)
				continue;
			yy = y0 + 1 + line;
			if (!c->online) {
				tbuf_printf(b, 0, yy, -1, R_DIM, 0, "   %3d   -  offline", c->cpu_id);
				continue;
			}
			x = tbuf_printf(b, 0, yy, -1, c->isolated ? R_ACCENT : R_TEXT, 0,
					"   %3d %3d ", c->cpu_id, c->llc_id);
			double mv = app_cpu_metric(s, c, cc->m);

			tbuf_text(b, x - 1, yy, 1, R_DIM, 0, b->ascii ? "|" : "\u2595");
			draw_chart(b, cc, x, yy, chart_w, i, mv);
			tbuf_text(b, x + chart_w, yy, 1, R_DIM, 0, b->ascii ? "|" : "\u258f");
			x += chart_w + 2;
			fmt_metric(v, sizeof(v), cc->m, mv, a->localize);
			tbuf_text_right(b, x, yy, 7, tbuf_grad_role(frac_of(cc, mv)), TA_BOLD, v);
			x += 8;
			if (rates) {
				fmt_num(sw, sizeof(sw), rate(s, c->nr_switches), a->localize);
				fmt_num(wk, sizeof(wk), rate(s, c->nr_wakeups), a->localize);
				fmt_num(mig, sizeof(mig), rate(s, c->nr_migrations), a->localize);
				tbuf_text_right(b, x, yy, 7, R_TEXT, 0, sw);
				x += 8;
				tbuf_text_right(b, x, yy, 7, R_TEXT, 0, wk);
				x += 8;
				tbuf_text_right(b, x, yy, 6, R_TEXT, 0, mig);
				x += 7;
			}
			if (lat) {
				fmt_ns(p50, sizeof(p50), c->latency.p50_ns);
				fmt_ns(p99, sizeof(p99), c->latency.p99_ns);
				tbuf_text_right(b, x, yy, 8, lat_role(c->latency.p50_ns), 0, p50);
				x += 9;
				tbuf_text_right(b, x, yy, 8, lat_role(c->latency.p99_ns), 0, p99);
				x += 9;
			}
			if (freq) {
				if (c->freq_khz)
					snprintf(v, sizeof(v), "%u", c->freq_khz / 1000);
				else
					snprintf(v, sizeof(v), "-");
				tbuf_text_right(b, x, yy, 6, R_TEXT, 0, v);
				x += 7;
			}
			if (run) {
				running_task(a, c->curr_pid, task, sizeof(task));
				tbuf_text(b, x + 1, yy, b->w - x - 1, c->curr_pid ? R_TEXT : R_DIM,
					  0, task);
			}
		}
	}
	scroll_footer(b, y0 + 1 + rows, sc, rows, total);
}

/* Grid of CPUs for machines with more CPUs than rows: several per line. */
static void cpu_grid(struct app *a, struct tui_buf *b, int y0, int rows,
		     const struct chart_ctx *cc)
{
	const struct stats_snapshot *s = &a->snap;
	int cols = MIN(MAX((b->w + 2) / 22, 1), 8);
	int cw = (b->w - (cols - 1) * 2) / cols, chart_w = MAX(cw - 12, 1);
	int lines = 0, sc;
	unsigned total = 0, noff = 0;

	for (unsigned n = 0; n < s->nr_nodes; n++)
		total += 1 + (s->nodes[n].nr_cpus + (unsigned)cols - 1) / (unsigned)cols;
	for (unsigned i = 0; i < s->nr_cpus; i++)
		noff += s->cpus[i].node < 0;
	if (noff)
		total += 1 + (noff + (unsigned)cols - 1) / (unsigned)cols;
	tbuf_printf(b, 0, y0, -1, R_HEADER, TA_BOLD, " %s, %d CPUs per line",
		    tui_metrics[cc->m].title, cols);
	sc = MIN(a->scroll[VIEW_CPU], MAX((int)total - rows, 0));
	a->scroll[VIEW_CPU] = sc;
	for (unsigned n = 0; n <= s->nr_nodes; n++) {
		bool off_group = n == s->nr_nodes;
		int line, col = 0;

		if (off_group && !noff)
			break;
		line = lines++ - sc;
		if (line >= 0 && line < rows)
			node_header(b, y0 + 1 + line, s, n);
		for (unsigned i = 0; i < s->nr_cpus; i++) {
			const struct stats_cpu *c = &s->cpus[i];
			char v[16];
			int x, yy;

			if (off_group ? c->node >= 0 : c->node != (int)n)
				continue;
			if (col == 0)
				lines++;
			line = lines - 1 - sc;
			x = col * (cw + 2);
			col = (col + 1) % cols;
			if (line < 0 || line >= rows)
				continue;
			yy = y0 + 1 + line;
			if (!c->online) {
				tbuf_printf(b, x, yy, cw, R_DIM, 0, "%4d offline", c->cpu_id);
				continue;
			}
			double mv = app_cpu_metric(s, c, cc->m);

			tbuf_printf(b, x, yy, 4, c->isolated ? R_ACCENT : R_TEXT, 0, "%4d", c->cpu_id);
			draw_chart(b, cc, x + 5, yy, chart_w, i, mv);
			fmt_metric(v, sizeof(v), cc->m, mv, false);
			tbuf_text_right(b, x + 5 + chart_w, yy, cw - 5 - chart_w,
					tbuf_grad_role(frac_of(cc, mv)), TA_BOLD, v);
		}
	}
	scroll_footer(b, y0 + 1 + rows, sc, rows, total);
}

static void view_cpu(struct app *a, struct tui_buf *b)
{
	const struct stats_snapshot *s = &a->snap;
	struct chart_ctx cc = {.a = a, .m = a->metric, .kind = 0};
	int y0 = 2, rows = b->h - 4;	/* title, summary, header ... footer, status */
	unsigned need = s->nr_cpus + s->nr_nodes + 1;

	draw_title(a, b, "CPUs");
	draw_summary(a, b, 1);
	if (!a->have_snap || rows < 1)
		return;
	cc.max = metric_max(a, 0, cc.m);
	a->page_rows = rows;
	if (need <= (unsigned)rows || b->w < 44)
		cpu_detailed(a, b, y0, rows - ((int)need > rows), &cc);
	else
		cpu_grid(a, b, y0, rows - 1, &cc);
}

/* ---- LLC and node views ---- */

static void view_groups(struct app *a, struct tui_buf *b, bool llc)
{
	const struct stats_snapshot *s = &a->snap;
	struct chart_ctx cc = {.a = a, .m = a->metric, .kind = llc ? 1 : 2};
	unsigned n = llc ? s->nr_llcs : s->nr_nodes;
	int y0 = 2, rows = b->h - 4, x, sc, chart_w, list_w = 12;
	bool lat = b->w >= 96;
	struct strbuf sb = STRBUF_INIT;
	int fixed = 5 + 5 + list_w + 1 + 8 + 7 + 8 + 8 + 7 + 7 + (lat ? 18 : 0);

	draw_title(a, b, llc ? "LLCs (last-level caches)" : "NUMA nodes");
	draw_summary(a, b, 1);
	if (!a->have_snap || rows < 1)
		return;
	cc.max = metric_max(a, cc.kind, cc.m);
	chart_w = MIN(MAX(b->w - fixed - 2, 6), 60);
	x = tbuf_text(b, 0, y0, -1, R_HEADER, TA_BOLD, llc ? "  LLC NODE " : " NODE LLCS ");
	tbuf_text(b, x, y0, list_w, R_HEADER, TA_BOLD, "CPUS");
	x += list_w + 1;
	tbuf_printf(b, x, y0, chart_w + 1, R_HEADER, TA_BOLD, "[%s]", tui_metrics[cc.m].title);
	x += chart_w + 2;
	tbuf_text_right(b, x, y0, 7, R_HEADER, TA_BOLD, "VALUE");
	tbuf_text_right(b, x + 8, y0, 6, R_HEADER, TA_BOLD, "UTIL%");
	tbuf_text_right(b, x + 15, y0, 7, R_HEADER, TA_BOLD, "SW/s");
	tbuf_text_right(b, x + 23, y0, 7, R_HEADER, TA_BOLD, "WK/s");
	tbuf_text_right(b, x + 31, y0, 6, R_HEADER, TA_BOLD, "MIG/s");
	if (lat) {
		tbuf_text_right(b, x + 38, y0, 8, R_HEADER, TA_BOLD, "LAT p50");
		tbuf_text_right(b, x + 47, y0, 8, R_HEADER, TA_BOLD, "LAT p99");
	}
	rows--;
	a->page_rows = rows;
	sc = MIN(a->scroll[a->view], MAX((int)n - rows, 0));
	a->scroll[a->view] = sc;
	for (int r = 0; r < rows && sc + r < (int)n; r++) {
		unsigned i = (unsigned)(sc + r);
		const struct stats_group *g = llc ? &s->llcs[i] : &s->nodes[i];
		char v[16], sw[16], wk[16], mig[16], p50[16], p99[16];
		int yy = y0 + 1 + r;
		double mv = app_group_metric(s, g, cc.m);

		if (llc) {
			x = tbuf_printf(b, 0, yy, -1, R_TEXT, 0, " %4d %4d ", g->id, g->node_id);
		} else {
			unsigned nl = 0;

			for (unsigned l = 0; l < s->nr_llcs; l++)
				nl += s->llcs[l].node_id == g->id;
			x = tbuf_printf(b, 0, yy, -1, R_TEXT, 0, " %4d %4u ", g->id, nl);
		}
		strbuf_reset(&sb);
		cpulist_format(&sb, g->cpus, g->nr_cpus);
		tbuf_text(b, x, yy, list_w, R_TEXT, 0, sb.buf);
		x += list_w + 1;
		draw_chart(b, &cc, x, yy, chart_w, i, mv);
		x += chart_w + 2;
		fmt_metric(v, sizeof(v), cc.m, mv, a->localize);
		tbuf_text_right(b, x, yy, 7, tbuf_grad_role(frac_of(&cc, mv)), TA_BOLD, v);
		tbuf_printf(b, x + 8, yy, 6, R_TEXT, 0, "%6.1f", g->util_pct);
		fmt_num(sw, sizeof(sw), rate(s, g->nr_switches), a->localize);
		fmt_num(wk, sizeof(wk), rate(s, g->nr_wakeups), a->localize);
		fmt_num(mig, sizeof(mig), rate(s, g->nr_migrations), a->localize);
		tbuf_text_right(b, x + 15, yy, 7, R_TEXT, 0, sw);
		tbuf_text_right(b, x + 23, yy, 7, R_TEXT, 0, wk);
		tbuf_text_right(b, x + 31, yy, 6, R_TEXT, 0, mig);
		if (lat) {
			fmt_ns(p50, sizeof(p50), g->latency.p50_ns);
			fmt_ns(p99, sizeof(p99), g->latency.p99_ns);
			tbuf_text_right(b, x + 38, yy, 8, lat_role(g->latency.p50_ns), 0, p50);
			tbuf_text_right(b, x + 47, yy, 8, lat_role(g->latency.p99_ns), 0, p99);
		}
	}
	if ((int)n > rows)
		tbuf_printf(b, 0, y0 + 1 + rows, -1, R_DIM, 0, " rows %d-%d of %u (Up/Down)",
			    sc + 1, MIN(sc + rows, (int)n), n);
	strbuf_release(&sb);
}

/* ---- tables (processes, threads, DSQs) ---- */

enum col_kind {
	CK_ID,		/* pid / tid / DSQ name */
	CK_COMM,
	CK_THREADS,
	CK_PRIO,
	CK_CPU_PCT,
	CK_SW,
	CK_WK,
	CK_MIG,
	CK_LAT_AVG,
	CK_LAT_P99,
	CK_LAST_CPU,
	CK_WAKER,
	CK_DSQ,
	CK_NONE,	/* DSQ table columns: compared by index in cmp_dsq */
};

struct col {
	const char *title;
	int w;			/* 0: flexible (name column) */
	bool left;
	bool asc;		/* natural order ascending (ids, names) */
	enum col_kind kind;
};

static const struct col proc_cols[] = {
	{"PID", 7, false, true, CK_ID},		{"COMM", 0, true, true, CK_COMM},
	{"THR", 4, false, false, CK_THREADS},	{"CPU%", 6, false, false, CK_CPU_PCT},
	{"SW/s", 7, false, false, CK_SW},	{"WK/s", 7, false, false, CK_WK},
	{"MIG/s", 6, false, false, CK_MIG},	{"LAT avg", 8, false, false, CK_LAT_AVG},
	{"LAT p99", 8, false, false, CK_LAT_P99}, {"CPU", 4, false, true, CK_LAST_CPU},
	{"DSQ", 9, false, true, CK_DSQ},
};

static const struct col thread_cols[] = {
	{"TID", 7, false, true, CK_ID},		{"COMM", 0, true, true, CK_COMM},
	{"PRIO", 4, false, true, CK_PRIO},	{"CPU%", 6, false, false, CK_CPU_PCT},
	{"SW/s", 7, false, false, CK_SW},	{"WK/s", 7, false, false, CK_WK},
	{"MIG/s", 6, false, false, CK_MIG},	{"LAT avg", 8, false, false, CK_LAT_AVG},
	{"LAT p99", 8, false, false, CK_LAT_P99}, {"CPU", 4, false, true, CK_LAST_CPU},
	{"WAKER", 7, false, true, CK_WAKER},	{"DSQ", 9, false, true, CK_DSQ},
};

static const struct col dsq_cols[] = {
	{"DSQ", 0, true, true, CK_NONE},	{"p50", 8, false, false, CK_NONE},
	{"p90", 8, false, false, CK_NONE},	{"p99", 8, false, false, CK_NONE},
	{"AVG", 8, false, false, CK_NONE},	{"MAX", 8, false, false, CK_NONE},
	{"Q MAX", 6, false, false, CK_NONE},	{"DISP/s", 7, false, false, CK_NONE},
	{"ENQ/s", 7, false, false, CK_NONE},
};

const int app_table_ncols[TAB_MAX] = {ARRAY_SIZE(proc_cols), ARRAY_SIZE(thread_cols),
				      ARRAY_SIZE(dsq_cols)};

/* Column layout for width w: x of each column, -1 when dropped. Returns the flex width. */
static int layout_cols(const struct col *cols, int n, int w, int *xs)
{
	int fixed = 0, flex, k, x = 0;

	for (k = 0; k < n; k++)
		fixed += cols[k].w + 1;
	/* drop columns from the right until the name column gets at least 8 */
	for (k = n; k > 2 && w - fixed < 8; k--)
		fixed -= cols[k - 1].w + 1;
	flex = MIN(MAX(w - fixed, 8), 24);
	for (int i = 0; i < n; i++) {
		if (i >= k) {
			xs[i] = -1;
			continue;
		}
		xs[i] = x;
		x += (cols[i].w ? cols[i].w : flex) + 1;
	}
	return flex;
}

static void draw_header(struct tui_buf *b, int y, const struct col *cols, int n, const int *xs,
			int flex, const struct app_table *tb)
{
	tbuf_fill(b, 0, y, b->w, ' ', R_HEADER, TA_REVERSE);
	for (int i = 0; i < n; i++) {
		char t[32];
		int w = cols[i].w ? cols[i].w : flex;
		bool desc = cols[i].asc == tb->rev;

		if (xs[i] < 0)
			continue;
		snprintf(t, sizeof(t), "%s%s", cols[i].title,
			 i == tb->sort ? (desc ? arrow_down(b) : arrow_up(b)) : "");
		if (cols[i].left)
			tbuf_text(b, xs[i], y, w, R_HEADER, TA_REVERSE | TA_BOLD, t);
		else
			tbuf_text_right(b, xs[i], y, w, R_HEADER, TA_REVERSE | TA_BOLD, t);
	}
}

static void cell(struct tui_buf *b, const struct col *c, int x, int y, int flex, int role,
		 const char *s)
{
	int w = c->w ? c->w : flex;

	if (x < 0)
		return;
	if (c->left)
		tbuf_text(b, x, y, w, role, 0, s);
	else
		tbuf_text_right(b, x, y, w, role, 0, s);
}

/* Keep the selection on its id, clamp it, scroll it into view; returns first row. */
static int table_follow(struct app_table *tb, const int *ids, int nrows, int rows)
{
	if (tb->sel_id >= 0) {
		for (int r = 0; r < nrows; r++)
			if (ids[r] == tb->sel_id) {
				tb->sel = r;
				break;
			}
	}
	if (tb->sel >= nrows)
		tb->sel = nrows - 1;
	if (tb->sel < 0)
		tb->sel = 0;
	tb->sel_id = nrows ? ids[tb->sel] : -1;
	if (tb->sel < tb->top)
		tb->top = tb->sel;
	if (rows > 0 && tb->sel >= tb->top + rows)
		tb->top = tb->sel - rows + 1;
	if (tb->top > MAX(nrows - rows, 0))
		tb->top = MAX(nrows - rows, 0);
	return tb->top;
}

struct sort_ctx {
	const struct stats_snapshot *s;
	int col;
	bool desc;
	enum col_kind kind;
};

static int cmp_u64(uint64_t x, uint64_t y)
{
	return (x > y) - (x < y);
}

static int cmp_double(double x, double y)
{
	return (x > y) - (x < y);
}

/* A row of the process or thread table. */
struct task_row {
	int id;			/* pid or tid */
	const struct stats_task *t;
	unsigned threads;
	int prio, waker;
	bool on_cpu;
};

static int cmp_int(int x, int y)
{
	return (x > y) - (x < y);
}

static int cmp_task_row(const void *pa, const void *pb, void *ctx)
{
	const struct sort_ctx *sc = ctx;
	const struct task_row *x = pa, *y = pb;
	int r;

	switch (sc->kind) {
	case CK_ID: r = cmp_int(x->id, y->id); break;
	case CK_COMM: r = strcmp(x->t->comm, y->t->comm); break;
	case CK_THREADS: r = cmp_u64(x->threads, y->threads); break;
	case CK_PRIO: r = cmp_int(x->prio, y->prio); break;
	case CK_CPU_PCT: r = cmp_double(x->t->cpu_pct, y->t->cpu_pct); break;
	case CK_SW: r = cmp_u64(x->t->nr_switches, y->t->nr_switches); break;
	case CK_WK: r = cmp_u64(x->t->nr_wakeups, y->t->nr_wakeups); break;
	case CK_MIG: r = cmp_u64(x->t->nr_migrations, y->t->nr_migrations); break;
	case CK_LAT_AVG: r = cmp_u64(x->t->latency.avg_ns, y->t->latency.avg_ns); break;
	case CK_LAT_P99: r = cmp_u64(x->t->latency.p99_ns, y->t->latency.p99_ns); break;
	case CK_LAST_CPU: r = cmp_int(x->t->last_cpu, y->t->last_cpu); break;
	case CK_WAKER: r = cmp_int(x->waker, y->waker); break;
	default:
		r = cmp_u64(x->t->has_scx ? x->t->dsq_id : UINT64_MAX,
			    y->t->has_scx ? y->t->dsq_id : UINT64_MAX);
		break;
	}
	if (sc->desc)
		r = -r;
	if (!r)	/* ties: busier first, then by id */
		r = cmp_double(y->t->cpu_pct, x->t->cpu_pct) ?: cmp_int(x->id, y->id);
	return r;
}

static int cmp_dsq(const void *pa, const void *pb, void *ctx)
{
	const struct sort_ctx *sc = ctx;
	const struct stats_dsq *x = &sc->s->dsqs[*(const size_t *)pa];
	const struct stats_dsq *y = &sc->s->dsqs[*(const size_t *)pb];
	int r;

	switch (sc->col) {
	case 0: r = cmp_u64(x->dsq_id, y->dsq_id); break;
	case 1: r = cmp_u64(x->latency.p50_ns, y->latency.p50_ns); break;
	case 2: r = cmp_u64(x->latency.p90_ns, y->latency.p90_ns); break;
	case 3: r = cmp_u64(x->latency.p99_ns, y->latency.p99_ns); break;
	case 4: r = cmp_u64(x->latency.avg_ns, y->latency.avg_ns); break;
	case 5: r = cmp_u64(x->latency.max_ns, y->latency.max_ns); break;
	case 6: r = cmp_u64(x->nr_queued_max, y->nr_queued_max); break;
	case 7: r = cmp_u64(x->nr_dispatches, y->nr_dispatches); break;
	default: r = cmp_u64(x->nr_enqueues, y->nr_enqueues); break;
	}
	if (sc->desc)
		r = -r;
	if (!r)	/* upstream's order: avg, p99, q_max, all descending */
		r = cmp_u64(y->latency.avg_ns, x->latency.avg_ns)
			?: cmp_u64(y->latency.p99_ns, x->latency.p99_ns)
			?: cmp_u64(x->dsq_id, y->dsq_id);
	return r;
}

static void dsq_label(const struct stats_dsq *d, char *buf, size_t n)
{
	stats_dsq_name(d->dsq_id, buf, n);
}

static void task_dsq(bool has, uint64_t id, char *buf, size_t n)
{
	if (!has)
		snprintf(buf, n, "-");
	else
		stats_dsq_name(id, buf, n);
}

static void table_footer(struct tui_buf *b, int y, int shown, int total, const char *what,
			 const char *filter)
{
	if (filter[0])
		tbuf_printf(b, 0, y, -1, R_DIM, 0, " %d of %d %s match '%s'", shown, total, what,
			    filter);
}

static void task_cell(const struct app *a, const struct task_row *row, enum col_kind k,
		      char *v, size_t n, int *role)
{
	const struct stats_snapshot *s = &a->snap;
	const struct stats_task *t = row->t;

	*role = !t->runtime_ns && !t->nr_switches ? R_DIM : R_TEXT;
	switch (k) {
	case CK_ID: snprintf(v, n, "%d", row->id); break;
	case CK_COMM: snprintf(v, n, "%s%s", t->comm, row->on_cpu ? " *" : ""); break;
	case CK_THREADS: snprintf(v, n, "%u", row->threads); break;
	case CK_PRIO: snprintf(v, n, "%d", row->prio); break;
	case CK_CPU_PCT:
		snprintf(v, n, "%.1f", t->cpu_pct);
		*role = tbuf_grad_role(t->cpu_pct / 100.0);
		break;
	case CK_SW: fmt_num(v, n, rate(s, t->nr_switches), a->localize); break;
	case CK_WK: fmt_num(v, n, rate(s, t->nr_wakeups), a->localize); break;
	case CK_MIG: fmt_num(v, n, rate(s, t->nr_migrations), a->localize); break;
	case CK_LAT_AVG:
		fmt_ns(v, n, t->latency.avg_ns);
		*role = lat_role(t->latency.avg_ns);
		break;
	case CK_LAT_P99:
		fmt_ns(v, n, t->latency.p99_ns);
		*role = lat_role(t->latency.p99_ns);
		break;
	case CK_LAST_CPU: snprintf(v, n, "%d", t->last_cpu); break;
	case CK_WAKER: snprintf(v, n, "%d", row->waker); break;
	default: task_dsq(t->has_scx, t->dsq_id, v, n); break;
	}
}

/* A sorted, filtered, scrolling table of processes or threads from row y0. */
static void task_table(struct app *a, struct tui_buf *b, int y0, struct app_table *tb,
		       const struct col *cols, int n, struct task_row *rows, int nrows,
		       int total, const char *what)
{
	struct sort_ctx sc = {&a->snap, tb->sort, cols[tb->sort].asc == tb->rev, cols[tb->sort].kind};
	int xs[16], flex, top, height = b->h - 2 - y0 - 1, *ids;

	if (height < 1 || n > (int)ARRAY_SIZE(xs))
		return;
	flex = layout_cols(cols, n, b->w, xs);
	draw_header(b, y0, cols, n, xs, flex, tb);
	qsort_r(rows, (size_t)nrows, sizeof(*rows), cmp_task_row, &sc);
	ids = xcalloc((size_t)MAX(nrows, 1), sizeof(*ids));
	for (int r = 0; r < nrows; r++)
		ids[r] = rows[r].id;
	a->page_rows = height;
	top = table_follow(tb, ids, nrows, height);
	for (int r = 0; r < height && top + r < nrows; r++) {
		int y = y0 + 1 + r;

		for (int c = 0; c < n; c++) {
			char v[48];
			int role;

			task_cell(a, &rows[top + r], cols[c].kind, v, sizeof(v), &role);
			cell(b, &cols[c], xs[c], y, flex, role, v);
		}
		if (top + r == tb->sel)
			tbuf_style(b, 0, y, b->w, R_SELECTED, TA_BOLD);
	}
	table_footer(b, b->h - 2, nrows, total, what, a->filter[a->view]);
	free(ids);
}

static bool row_matches(const char *f, const char *comm, int id)
{
	char num[16];

	snprintf(num, sizeof(num), "%d", id);
	return !f[0] || app_filter_match(f, comm) || app_filter_match(f, num);
}

static void view_process(struct app *a, struct tui_buf *b)
{
	const struct stats_snapshot *s = &a->snap;
	struct task_row *rows;
	char title[128];
	int nrows = 0;

	snprintf(title, sizeof(title), "Processes (%zu)", s->nr_processes);
	draw_title(a, b, title);
	draw_summary(a, b, 1);
	if (!a->have_snap)
		return;
	rows = xcalloc(MAX(s->nr_processes, (size_t)1), sizeof(*rows));
	for (size_t i = 0; i < s->nr_processes; i++) {
		const struct stats_process *p = &s->processes[i];

		if (row_matches(a->filter[VIEW_PROCESS], p->comm, p->pid))
			rows[nrows++] = (struct task_row){.id = p->pid, .t = &p->task,
							  .threads = p->nr_threads};
	}
	task_table(a, b, 2, &a->tab[TAB_PROCESS], proc_cols, ARRAY_SIZE(proc_cols), rows, nrows,
		   (int)s->nr_processes, "processes");
	free(rows);
}

static void view_thread(struct app *a, struct tui_buf *b)
{
	const struct stats_snapshot *s = &a->snap;
	const struct stats_process *p = stats_find_process(s, a->thread_pid);
	struct task_row *rows;
	char title[128], sw[16], avg[16], p99[16];
	int nrows = 0;

	snprintf(title, sizeof(title), "Threads of %s (pid %d)", a->thread_comm, a->thread_pid);
	draw_title(a, b, title);
	if (!p) {
		tbuf_printf(b, 1, 2, -1, R_WARN, 0, "process %d has exited (q goes back)",
			    a->thread_pid);
		return;
	}
	fmt_num(sw, sizeof(sw), rate(s, p->nr_switches), a->localize);
	fmt_ns(avg, sizeof(avg), p->latency.avg_ns);
	fmt_ns(p99, sizeof(p99), p->latency.p99_ns);
	tbuf_printf(b, 0, 1, -1, R_TEXT, 0,
		    " %u thread%s | cpu %.1f%% | sw %s/s | wakeup lat avg %s p99 %s",
		    p->nr_threads, p->nr_threads == 1 ? "" : "s", p->cpu_pct, sw, avg, p99);
	rows = xcalloc(MAX(p->nr_threads, 1u), sizeof(*rows));
	for (size_t i = p->first_thread; i < p->first_thread + p->nr_threads; i++) {
		const struct stats_thread *t = &s->threads[i];

		if (row_matches(a->filter[VIEW_THREAD], t->comm, t->tid))
			rows[nrows++] = (struct task_row){.id = t->tid, .t = &t->task,
							  .prio = t->prio,
							  .waker = t->last_waker_pid,
							  .on_cpu = t->on_cpu};
	}
	task_table(a, b, 2, &a->tab[TAB_THREAD], thread_cols, ARRAY_SIZE(thread_cols), rows,
		   nrows, (int)p->nr_threads, "threads");
	free(rows);
}

/* ---- scheduler view ---- */

static void sched_absent(struct app *a, struct tui_buf *b)
{
	const struct stats_sched *sc = &a->snap.sched;
	const char *head = sc->state == STATS_SCHED_RUNNING ? "sched_ext statistics unavailable"
			   : sc->state == STATS_SCHED_NONE ? "no sched_ext scheduler"
							   : "no sched_ext scheduler";
	int y = MAX(2, b->h / 2 - 3);
	int w = MIN(b->w - 2, 76);
	int x = MAX((b->w - w) / 2, 0);

	tbuf_text(b, x, y, w, R_WARN, TA_BOLD, head);
	if (sc->state == STATS_SCHED_RUNNING)
		tbuf_printf(b, x, y + 1, w, R_TEXT, 0, "running scheduler: %s", sc->name);
	/* the reason, wrapped to the box */
	const char *r = sc->reason[0] ? sc->reason : "no DSQ data yet";
	int line = 0;

	while (*r && line < 4) {
		int len = (int)strlen(r), cut = len;

		if (len > w) {
			cut = w;
			while (cut > 0 && r[cut] != ' ')
				cut--;
			if (!cut)
				cut = w;
		}
		tbuf_printf(b, x, y + 2 + line, w, R_TEXT, 0, "%.*s", cut, r);
		r += cut;
		while (*r == ' ')
			r++;
		line++;
	}
	tbuf_text(b, x, y + 3 + line, w, R_DIM, 0,
		  "The CPU, LLC, node, process and events views work without sched_ext.");
}

static void view_sched(struct app *a, struct tui_buf *b)
{
	const struct stats_snapshot *s = &a->snap;
	struct app_table *tb = &a->tab[TAB_DSQ];
	const int n = ARRAY_SIZE(dsq_cols);
	int xs[ARRAY_SIZE(dsq_cols)], flex, nrows = 0, top, *ids, y, chart_rows, dsq_rows, proc_rows;
	struct sort_ctx sc = {s, tb->sort, dsq_cols[tb->sort].asc == tb->rev, CK_NONE};
	const char *f = a->filter[VIEW_SCHED];
	char title[128];
	size_t *idx;
	double max = 0;

	snprintf(title, sizeof(title), "Scheduler: %s",
		 s->sched.state == STATS_SCHED_RUNNING ? s->sched.name : "none");
	draw_title(a, b, title);
	if (!a->have_snap)
		return;
	if (!s->sched.collecting) {
		sched_absent(a, b);
		return;
	}
	/* DSQs matching the filter, sorted */
	idx = xcalloc(MAX(s->nr_dsqs, (size_t)1), sizeof(*idx));
	ids = xcalloc(MAX(s->nr_dsqs, (size_t)1), sizeof(*ids));
	for (size_t i = 0; i < s->nr_dsqs; i++) {
		char name[32];

		dsq_label(&s->dsqs[i], name, sizeof(name));
		if (!f[0] || strcasestr(name, f))
			idx[nrows++] = i;
	}
	qsort_r(idx, (size_t)nrows, sizeof(*idx), cmp_dsq, &sc);
	for (int r = 0; r < nrows; r++) {
		ids[r] = (int)idx[r];
		max = MAX(max, (double)s->dsqs[idx[r]].latency.avg_ns / 1e3);
	}
	/* thirds: DSQ latency chart, DSQ table, per-process latency */
	int avail = b->h - 3;

	chart_rows = MAX(avail / 3, 2);
	dsq_rows = MAX(avail / 4, 2);
	proc_rows = avail - chart_rows - dsq_rows - 2;
	y = 1;
	tbuf_printf(b, 0, y, -1, R_HEADER, TA_BOLD, " DSQ latency avg (us), %s%s%s",
		    tui_chart_names[a->chart], f[0] ? ", filter: " : "", f);
	for (int r = 0; r < chart_rows - 1 && r < nrows; r++) {
		const struct stats_dsq *d = &s->dsqs[idx[r]];
		char name[32], v[16];
		int cw = MAX(b->w - 24, 4);
		double mv = (double)d->latency.avg_ns / 1e3;

		dsq_label(d, name, sizeof(name));
		tbuf_printf(b, 0, y + 1 + r, 12, R_TEXT, 0, " %-11s", name);
		if (a->chart == CHART_SPARK) {
			const struct dsq_hist *h = NULL;

			for (size_t k = 0; k < a->nr_dsq_hist; k++)
				if (a->dsq_hist[k].id == d->dsq_id)
					h = &a->dsq_hist[k];
			if (h) {
				float tmp[APP_HIST_LEN];
				size_t cnt = MIN(a->hist_count, (size_t)cw);

				for (size_t i = 0; i < cnt; i++)
					tmp[i] = h->v[(a->hist_head + APP_HIST_LEN - cnt + i) %
						      APP_HIST_LEN];
				tbuf_sparkline(b, 12, y + 1 + r, cw, tmp, cnt, 0, true, R_G2);
			}
		} else if (a->chart == CHART_GAUGE) {
			tbuf_gauge(b, 12, y + 1 + r, cw, max > 0 ? mv / max : 0,
				   lat_role(d->latency.avg_ns));
		} else {
			tbuf_hbar(b, 12, y + 1 + r, cw, max > 0 ? mv / max : 0,
				  lat_role(d->latency.avg_ns));
		}
		fmt_ns(v, sizeof(v), d->latency.avg_ns);
		tbuf_text_right(b, 12 + cw + 1, y + 1 + r, 10, lat_role(d->latency.avg_ns), TA_BOLD,
				v);
	}
	/* DSQ table, rows coloured by p90 */
	y += chart_rows;
	flex = layout_cols(dsq_cols, n, b->w, xs);
	draw_header(b, y, dsq_cols, n, xs, flex, tb);
	top = table_follow(tb, ids, nrows, dsq_rows);
	a->page_rows = dsq_rows;
	for (int r = 0; r < dsq_rows && top + r < nrows; r++) {
		const struct stats_dsq *d = &s->dsqs[idx[top + r]];
		char v[9][32];
		int role = lat_role(d->latency.p90_ns), yy = y + 1 + r;

		dsq_label(d, v[0], 32);
		fmt_ns(v[1], 32, d->latency.p50_ns);
		fmt_ns(v[2], 32, d->latency.p90_ns);
		fmt_ns(v[3], 32, d->latency.p99_ns);
		fmt_ns(v[4], 32, d->latency.avg_ns);
		fmt_ns(v[5], 32, d->latency.max_ns);
		snprintf(v[6], 32, "%llu", (unsigned long long)d->nr_queued_max);
		fmt_num(v[7], 32, rate(s, d->nr_dispatches), a->localize);
		fmt_num(v[8], 32, rate(s, d->nr_enqueues), a->localize);
		for (int c = 0; c < n; c++)
			cell(b, &dsq_cols[c], xs[c], yy, flex, role, v[c]);
		if (top + r == tb->sel)
			tbuf_style(b, 0, yy, b->w, R_SELECTED, TA_BOLD);
	}
	/* per-process DSQ latency, by p90 */
	y += dsq_rows + 1;
	if (proc_rows > 1) {
		size_t np = 0, *pi = xcalloc(MAX(s->nr_processes, (size_t)1), sizeof(*pi));

		for (size_t i = 0; i < s->nr_processes; i++) {
			const struct stats_process *p = &s->processes[i];
			char name[32];

			if (!p->has_scx || !p->dsq_latency.samples)
				continue;
			stats_dsq_name(p->dsq_id, name, sizeof(name));
			if (!f[0] || strcasestr(name, f))
				pi[np++] = i;
		}
		/* insertion sort by p90, descending (a screenful at most matters) */
		for (size_t i = 1; i < np; i++)
			for (size_t j = i; j > 0 &&
					   s->processes[pi[j]].dsq_latency.p90_ns >
						   s->processes[pi[j - 1]].dsq_latency.p90_ns;
			     j--) {
				size_t t = pi[j];

				pi[j] = pi[j - 1];
				pi[j - 1] = t;
			}
		tbuf_fill(b, 0, y, b->w, ' ', R_HEADER, TA_REVERSE);
		tbuf_printf(b, 0, y, -1, R_HEADER, TA_REVERSE | TA_BOLD,
			    "%7s %-15s %-9s %4s %8s %8s %8s %9s %7s", "PID", "COMM", "DSQ", "CPU",
			    "p50", "p90", "p99", "SLICE", "COUNT");
		for (int r = 0; r < proc_rows - 1 && (size_t)r < np; r++) {
			const struct stats_process *p = &s->processes[pi[r]];
			char dn[32], p50[16], p90[16], p99[16], sl[16];

			stats_dsq_name(p->dsq_id, dn, sizeof(dn));
			fmt_ns(p50, sizeof(p50), p->dsq_latency.p50_ns);
			fmt_ns(p90, sizeof(p90), p->dsq_latency.p90_ns);
			fmt_ns(p99, sizeof(p99), p->dsq_latency.p99_ns);
			fmt_ns(sl, sizeof(sl), p->slice_avg_ns);
			tbuf_printf(b, 0, y + 1 + r, -1, lat_role(p->dsq_latency.p90_ns), 0,
				    "%7d %-15.15s %-9.9s %4d %8s %8s %8s %9s %7llu", p->pid, p->comm,
				    dn, p->last_cpu, p50, p90, p99, sl,
				    (unsigned long long)p->nr_dispatches);
		}
		free(pi);
	}
	free(idx);
	free(ids);
}

/* ---- events view ---- */

static void view_events(struct app *a, struct tui_buf *b)
{
	const struct event_log *l = &a->events;
	const char *f = a->filter[VIEW_EVENTS];
	struct strbuf sb = STRBUF_INIT;
	unsigned attached = 0, unavail = 0, failed = 0, on_demand = 0;
	char p50[16], p99[16], mx[16];
	int y = 1, rows, shown = 0, skip;
	uint64_t paired = l->paired;

	draw_title(a, b, "Events");
	strbuf_addf(&sb, " stream %s | dropped %llu (interval %llu) |",
		    a->paused ? "paused" : app_wants_stream(a) ? "on" : "off",
		    (unsigned long long)a->snap.dropped_total, (unsigned long long)a->snap.dropped);
	for (int t = SCXTOP_EV_NONE + 1; t < SCXTOP_EV_MAX; t++) {
		char v[16];

		if (!l->counts[t])
			continue;
		fmt_num(v, sizeof(v), a->ev_rate[t], a->localize);
		strbuf_addf(&sb, " %s %s/s", scxtop_event_name((unsigned)t), v);
	}
	tbuf_text(b, 0, y++, b->w, R_TEXT, 0, sb.buf);
	strbuf_reset(&sb);
	if (paired) {
		fmt_ns(p50, sizeof(p50), scxtop_lat_percentile(l->lat_hist, 50, l->lat_min_ns,
							      l->lat_max_ns));
		fmt_ns(p99, sizeof(p99), scxtop_lat_percentile(l->lat_hist, 99, l->lat_min_ns,
							      l->lat_max_ns));
		fmt_ns(mx, sizeof(mx), l->lat_max_ns);
		tbuf_printf(b, 0, y++, b->w, R_TEXT, 0,
			    " wakeup latency in the stream: %llu paired, %llu without a wakeup, "
			    "p50 %s p99 %s max %s (late records %llu)",
			    (unsigned long long)paired, (unsigned long long)l->unpaired, p50, p99, mx,
			    (unsigned long long)l->late);
	} else {
		tbuf_text(b, 0, y++, b->w, R_DIM, 0, " wakeup latency in the stream: no pairs yet");
	}
	for (size_t i = 0; i < a->nr_progs; i++) {
		const struct stats_prog *p = &a->progs[i];

		if (!strcmp(p->state, "attached"))
			attached++;
		else if (!strcmp(p->state, "unavailable"))
			unavail++;
		else if (!strcmp(p->state, "on_demand"))
			on_demand++;
		else
			failed++;
		if (strcmp(p->state, "attached") && strcmp(p->state, "on_demand"))
			strbuf_addf(&sb, " %s (%s%s%s)", p->attach, p->state,
				    p->error ? ": " : "", p->error ? p->error : "");
	}
	tbuf_printf(b, 0, y++, b->w, failed ? R_WARN : R_TEXT, 0,
		    " BPF programs: %u attached, %u on demand, %u unavailable, %u failed%s%s",
		    attached, on_demand, unavail, failed, sb.len ? ":" : "", sb.buf);
	strbuf_release(&sb);
	tbuf_fill(b, 0, y, b->w, ' ', R_HEADER, TA_REVERSE);
	tbuf_printf(b, 0, y++, -1, R_HEADER, TA_REVERSE | TA_BOLD,
		    " TIME(s)         CPU    EVENT              DETAILS%s%s",
		    f[0] ? "   filter: " : "", f);
	rows = b->h - 1 - y;
	if (rows < 1)
		return;
	/* newest at the bottom; Up scrolls back in time */
	a->page_rows = rows;
	skip = a->scroll[VIEW_EVENTS];
	const struct ev_entry **vis = xcalloc((size_t)rows, sizeof(*vis));
	int matched = 0;

	for (size_t i = 0; i < l->count && shown < rows; i++) {
		const struct ev_entry *e = event_log_get(l, i);
		char line[256];

		if (f[0]) {
			event_format(e, line, sizeof(line));
			if (!strcasestr(line, f))
				continue;
		}
		if (matched++ < skip)
			continue;
		vis[shown++] = e;
	}
	if (!shown && skip) {
		a->scroll[VIEW_EVENTS] = MAX(skip - 1, 0);
	}
	for (int r = 0; r < shown; r++) {
		char line[256];

		event_format(vis[r], line, sizeof(line));
		tbuf_text(b, 1, y + rows - 1 - r, b->w - 1,
			  vis[r]->ev.hdr.type == SCXTOP_EV_SWITCH ? R_TEXT : R_ACCENT, 0, line);
	}
	if (!l->count)
		tbuf_text(b, 1, y, b->w - 1, R_DIM, 0,
			  a->paused ? "(paused)" : "(waiting for events)");
	free(vis);
}

/* ---- help ---- */

static void view_help(struct app *a, struct tui_buf *b)
{
	struct strbuf sb = STRBUF_INIT;
	int y = 1, lines = 0, sc = a->scroll[VIEW_HELP], rows = b->h - 2;
	char l[1024];

#define HELP_LINE(role, attr, ...)                                                                 \
	do {                                                                                       \
		snprintf(l, sizeof(l), __VA_ARGS__);                                               \
		if (lines >= sc && lines - sc < rows)                                              \
			tbuf_text(b, 1, y + lines - sc, b->w - 1, role, attr, l);                  \
		lines++;                                                                           \
	} while (0)

	draw_title(a, b, "Help");
	HELP_LINE(R_TEXT, 0, "scxtop %s: live scheduler activity from BPF (GPL-2.0).", scx_version());
	HELP_LINE(R_TEXT, 0, " ");
	HELP_LINE(R_HEADER, TA_BOLD, "Keys (from the keymap; rebind them in the config file)");
	for (int act = ACT_NONE + 1; act < ACT_MAX; act++) {
		uint32_t keys[8];
		size_t nk = keymap_keys(&a->cfg.keymap, (enum tui_action)act, keys, 8);
		char name[16];

		strbuf_reset(&sb);
		for (size_t k = 0; k < nk; k++)
			strbuf_addf(&sb, "%s%s", k ? ", " : "", keymap_key_name(keys[k], name, sizeof(name)));
		HELP_LINE(nk ? R_TEXT : R_DIM, 0, "  %-14s %-20s %s", nk ? sb.buf : "(unbound)",
			  action_name((enum tui_action)act), action_help((enum tui_action)act));
	}
	HELP_LINE(R_TEXT, 0, " ");
	HELP_LINE(R_HEADER, TA_BOLD, "Settings");
	HELP_LINE(R_TEXT, 0, "  tick rate        %llu ms%s", (unsigned long long)a->tick_ms,
		  a->paused ? " (paused)" : "");
	HELP_LINE(R_TEXT, 0, "  chart            %s, metric: %s (%s)", tui_chart_names[a->chart],
		  tui_metrics[a->metric].name, tui_metrics[a->metric].title);
	HELP_LINE(R_TEXT, 0, "  theme            %s (%zu themes)", tui_themes[a->theme].name,
		  tui_nr_themes);
	HELP_LINE(R_TEXT, 0, "  colours          %s", a->color_desc[0] ? a->color_desc : "-");
	HELP_LINE(R_TEXT, 0, "  CPU frequency    %s", a->show_freq ? "shown" : "hidden");
	HELP_LINE(R_TEXT, 0, "  numbers          %s", a->localize ? "in full" : "abbreviated");
	HELP_LINE(R_TEXT, 0, "  config file      %s", a->config_path[0] ? a->config_path : "(none)");
	HELP_LINE(R_TEXT, 0, "  sched_ext        %s%s%s",
		  stats_sched_state_name(a->snap.sched.state),
		  a->snap.sched.name[0] ? ": " : "", a->snap.sched.name);
	HELP_LINE(R_TEXT, 0, "  tracing (a)      %s",
		  !a->trace_available ? a->trace_unavailable
		  : a->tracing	      ? a->trace_path
				      : "records a Perfetto trace with `scxtop trace`");
	HELP_LINE(R_TEXT, 0, "  trace settings   %llu ms after a %llu ms warmup, into %s_<n>.proto",
		  (unsigned long long)a->cfg.trace_duration_ms,
		  (unsigned long long)a->cfg.trace_warmup_ms, a->cfg.trace_file_prefix);
	HELP_LINE(R_TEXT, 0, " ");
	HELP_LINE(R_HEADER, TA_BOLD, "Metrics (j/k)");
	for (int m = 0; m < MET_MAX; m++)
		HELP_LINE(R_TEXT, 0, "  %-12s %s", tui_metrics[m].name, tui_metrics[m].title);
	HELP_LINE(R_TEXT, 0, " ");
	HELP_LINE(R_DIM, 0,
		  "Latency colours: <10us, <100us, <1ms, <10ms, above. Wakeup latency runs from "
		  "sched_waking to the switch-in, on any CPU.");
#undef HELP_LINE
	a->page_rows = rows;
	if (sc > MAX(lines - rows, 0))
		a->scroll[VIEW_HELP] = MAX(lines - rows, 0);
	strbuf_release(&sb);
}

static void view_llc(struct app *a, struct tui_buf *b)
{
	view_groups(a, b, true);
}

static void view_node(struct app *a, struct tui_buf *b)
{
	view_groups(a, b, false);
}

static void (*const view_fns[VIEW_MAX])(struct app *a, struct tui_buf *b) = {
	[VIEW_CPU] = view_cpu,		[VIEW_LLC] = view_llc,	   [VIEW_NODE] = view_node,
	[VIEW_PROCESS] = view_process, [VIEW_THREAD] = view_thread, [VIEW_SCHED] = view_sched,
	[VIEW_EVENTS] = view_events,	[VIEW_HELP] = view_help,
};

void app_render(struct app *a, struct tui_buf *b)
{
	tbuf_clear(b);
	if (b->w < 20 || b->h < 4) {
		tbuf_text(b, 0, 0, b->w, R_WARN, TA_BOLD, "terminal too small");
		return;
	}
	if (a->view < VIEW_MAX)
		view_fns[a->view](a, b);
	draw_status(a, b);
}
