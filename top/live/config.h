/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TUI's settings: $XDG_CONFIG_HOME/scxtop/scxtop.toml (else
 * ~/.config/scxtop/scxtop.toml). Precedence: command line, then the file, then
 * the built-in defaults; a [keymap] table is applied on top of the default
 * keymap (upstream's rule). A missing file means defaults. Problems in the file
 * (syntax, unknown keys, bad values, unsupported upstream actions) are returned
 * as messages, one per line, and never stop scxtop; upstream keys this build
 * does not use (perf_events, worker_threads, ...) are accepted silently.
 *
 *   theme = "Default"             colour theme name (see tui_themes)
 *   tick_rate_ms = 250            update interval, 10..60000
 *   chart = "bar"                 bar | sparkline | gauge
 *   metric = "util"               charted metric (see the help view)
 *   view = "cpu"                  view at start
 *   show_cpu_freq = false
 *   localize = false              full numbers with thousands separators
 *   trace_duration_ms = 1250      `a` records a Perfetto trace this long (upstream's keys)
 *   trace_warmup_ms = 750         after attaching for this long
 *   trace_file_prefix = "scxtop_trace"   into <prefix>_<n>.proto
 *   [keymap]
 *   "q" = "Quit"
 */
#ifndef SCX_TOP_LIVE_CONFIG_H
#define SCX_TOP_LIVE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "top/live/keymap.h"

struct strbuf;

struct tui_config {
	char theme[32];
	uint64_t tick_rate_ms;
	char chart[16];
	char metric[32];
	char view[16];
	bool show_cpu_freq;
	bool localize;
	uint64_t trace_duration_ms;
	uint64_t trace_warmup_ms;
	char trace_file_prefix[256];
	struct keymap keymap;
};

#define CONFIG_TICK_MIN_MS 10
#define CONFIG_TICK_MAX_MS 60000
#define CONFIG_TRACE_MAX_MS 3600000	/* an hour */

void config_defaults(struct tui_config *c);
void config_release(struct tui_config *c);
/* The config file path into buf. 0, or -ENOENT when neither XDG_CONFIG_HOME nor HOME is set. */
int config_path(char *buf, size_t n);
/*
 * Apply the TOML text to c (c holds defaults or earlier settings). Messages go
 * to msgs, one line each ("scxtop.toml:3: unknown key 'foo'"). Returns how many.
 */
unsigned config_parse(struct tui_config *c, const char *text, size_t len, const char *name,
		      struct strbuf *msgs);
/* Read path and apply it; a missing file is not an error. 0 or -errno (read error). */
int config_load(struct tui_config *c, const char *path, struct strbuf *msgs);
/* The file's content for c (the whole keymap included). */
void config_format(const struct tui_config *c, struct strbuf *out);
/* Write atomically (directories created). 0 or -errno. */
int config_save(const struct tui_config *c, const char *path);

/* Validators shared with the command line: 0 or -EINVAL. */
int config_check_chart(const char *s);
int config_check_view(const char *s);
int config_check_metric(const char *s);
int config_check_theme(const char *s);

#endif
