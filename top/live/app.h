/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TUI's state and controller, without curses: the current view and its
 * selection/scroll/sort/filter, the chart mode and metric, the histories behind
 * the sparklines, the latest snapshot and the event log. Keys become actions
 * through the keymap; app_action() changes the state and returns what the
 * event loop (tui.c) must do (redraw, re-arm the tick timer, switch the event
 * stream, save the config, quit). app_render() draws the current view into a
 * cell buffer (views.c). Everything here is testable without a terminal.
 */
#ifndef SCX_TOP_LIVE_APP_H
#define SCX_TOP_LIVE_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "top/live/config.h"
#include "top/live/events.h"
#include "top/live/keymap.h"
#include "top/live/render.h"
#include "top/live/stats.h"

struct topology;

enum tui_view {
	VIEW_CPU,
	VIEW_LLC,
	VIEW_NODE,
	VIEW_PROCESS,
	VIEW_THREAD,
	VIEW_SCHED,
	VIEW_EVENTS,
	VIEW_HELP,
	VIEW_MAX,
};

enum tui_chart {
	CHART_BAR,
	CHART_SPARK,
	CHART_GAUGE,
	CHART_MAX,
};

enum tui_metric {
	MET_UTIL,	/* /proc/stat utilisation % */
	MET_BUSY,	/* BPF busy % */
	MET_SWITCHES,	/* per second */
	MET_WAKEUPS,
	MET_MIGRATIONS,
	MET_LAT_AVG,	/* wakeup latency, us */
	MET_LAT_P99,
	MET_SOFTIRQ,	/* softirq time % */
	MET_FREQ,	/* MHz */
	MET_MAX,
};

struct tui_metric_info {
	const char *name;	/* config / --metric name */
	const char *title;	/* chart title */
	bool pct;		/* 0..100 scale */
};

extern const char *const tui_view_names[VIEW_MAX];
extern const char *const tui_chart_names[CHART_MAX];
extern const struct tui_metric_info tui_metrics[MET_MAX];
int tui_view_find(const char *s);	/* index or -1 (thread is not selectable) */
int tui_chart_find(const char *s);
int tui_metric_find(const char *s);

/* What the event loop must do after an input or a tick. */
enum app_reaction {
	APP_REDRAW = 1 << 0,
	APP_QUIT = 1 << 1,
	APP_SAVE = 1 << 2,	/* write the config (app_config_snapshot) */
	APP_TICK = 1 << 3,	/* tick rate changed: re-arm the timer */
	APP_STREAM = 1 << 4,	/* app_wants_stream() changed */
	APP_TRACE = 1 << 5,	/* a trace was requested */
};

#define APP_HIST_LEN 240	/* samples kept per entity and metric */
#define APP_MAX_DSQ_HIST 32

/* A table's sort, selection and scroll. */
struct app_table {
	int sort;		/* column */
	bool rev;		/* ascending instead of the column's natural order */
	int sel;		/* selected row (in displayed order) */
	int top;		/* first displayed row */
	int sel_id;		/* pid/tid/index of the selected row, kept across updates */
};

enum { TAB_PROCESS, TAB_THREAD, TAB_DSQ, TAB_MAX };

struct dsq_hist {
	uint64_t id;
	float v[APP_HIST_LEN];
};

struct app {
	/* settings (initialised from the config) */
	struct tui_config cfg;
	int theme;
	enum tui_chart chart;
	enum tui_metric metric;
	uint64_t tick_ms;
	bool show_freq, localize;
	int color_mode;		/* 0 auto, 1 256, 2 16, 3 mono (for the help view) */
	const char *color_desc;	/* what the terminal turned out to support */
	char config_path[512];

	/* view state */
	enum tui_view view, prev_view;
	bool paused, filtering;
	char filter[VIEW_MAX][64];
	int scroll[VIEW_MAX];
	struct app_table tab[TAB_MAX];
	int thread_pid;
	char thread_comm[SCXTOP_COMM_LEN];
	int page_rows;		/* rows of the last rendered table (for PageUp/Down) */

	/* data */
	const struct topology *topo;
	struct stats_snapshot snap;
	bool have_snap;
	uint64_t ticks;
	float *hist_cpu, *hist_llc, *hist_node;	/* [entity][metric][APP_HIST_LEN] rings */
	unsigned hist_ncpu, hist_nllc, hist_nnode;
	size_t hist_head, hist_count;
	struct dsq_hist *dsq_hist;
	size_t nr_dsq_hist;
	struct event_log events;
	uint64_t ev_prev[SCXTOP_EV_MAX];	/* event counts at the previous tick */
	double ev_rate[SCXTOP_EV_MAX];		/* per second, over the last tick */
	const struct stats_prog *progs;
	size_t nr_progs;

	/* messages and features */
	char msg[256];
	int msg_role;
	unsigned msg_ticks;	/* ticks left to show msg */
	bool trace_available;
	char trace_unavailable[160];
	/* a trace being recorded with `a` (tui.c runs `scxtop trace`) */
	bool tracing;
	int trace_pct;		/* progress for the title bar */
	char trace_path[512];
};

/* cfg is copied; topo is borrowed and must outlive the app. */
void app_init(struct app *a, const struct topology *topo, const struct tui_config *cfg);
void app_release(struct app *a);

/* A new snapshot (swapped with *s, which gets the old one back for reuse). */
void app_update(struct app *a, struct stats_snapshot *s);
/* A key: filter editing, or the keymap's action. */
unsigned app_key(struct app *a, uint32_t key);
unsigned app_action(struct app *a, enum tui_action action);
/* A line for the status bar, shown for a few ticks. */
void app_message(struct app *a, int role, const char *fmt, ...) __printf(3, 4);
/* Fill cfg with the current settings (theme, tick, chart, ...) for saving. */
void app_config_snapshot(const struct app *a, struct tui_config *cfg);

bool app_wants_stream(const struct app *a);
bool app_wants_tasks(const struct app *a);

/* Draw the current view into b (views.c). Records page sizes in a. */
void app_render(struct app *a, struct tui_buf *b);

/* ---- shared by app.c and views.c ---- */

/* Number of sortable columns of each table (views.c). */
extern const int app_table_ncols[TAB_MAX];

/* Metric value of a CPU (or, for groups, the same fields) for charts. */
double app_cpu_metric(const struct stats_snapshot *s, const struct stats_cpu *c,
		      enum tui_metric m);
double app_group_metric(const struct stats_snapshot *s, const struct stats_group *g,
			enum tui_metric m);
/* History of entity e (kind 0 cpu, 1 llc, 2 node) for metric m, oldest first, into out. */
size_t app_history(const struct app *a, int kind, unsigned e, enum tui_metric m, float *out,
		   size_t max);
/* Subsequence ("spread") match, case-insensitive: every filter char in order. */
bool app_filter_match(const char *filter, const char *text);

#endif
