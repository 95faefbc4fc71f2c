/* SPDX-License-Identifier: GPL-2.0 */
/* Options of `scxtop [tui]`, shared by cmd_tui.c, headless.c and tui.c. */
#ifndef SCX_TOP_LIVE_LIVE_H
#define SCX_TOP_LIVE_LIVE_H

#include <stdbool.h>
#include <stdint.h>

struct live_opts {
	bool headless;
	uint64_t iterations;	/* 0: until interrupted */
	uint64_t interval_ms;	/* headless interval (0: default 1000) */
	uint64_t tick_rate_ms;	/* TUI tick (0: config or 250) */
	uint64_t limit;		/* headless: processes/threads per record (0: all) */
	bool all_tasks;		/* headless: include tasks without activity */
	const char *theme;
	const char *view;
	const char *log_file;
	const char *trace_prefix;
	uint64_t trace_duration_ms;	/* 0: config */
	int trace_warmup_ms;		/* -1: config */
	int color_mode;		/* index in live_color_modes */
	int verbose;
};

extern const char *const live_color_modes[];	/* "auto", "256", "16", "mono", NULL */

/* `scxtop --headless`: one JSON object per interval on stdout. Exit code. */
int live_headless(const struct live_opts *o);
/* The ncurses TUI (top/live/tui.c). Exit code. */
int live_tui(const struct live_opts *o);

#endif
