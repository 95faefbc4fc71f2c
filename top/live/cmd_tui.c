// SPDX-License-Identifier: GPL-2.0
/* scxtop [tui]: the live view of scheduler activity, or --headless JSON. */
#include <string.h>

#include "common/bpfutil.h"
#include "common/cli.h"
#include "common/err.h"
#include "common/log.h"
#include "top/commands.h"
#include "top/live/live.h"

const char *const live_color_modes[] = {"auto", "256", "16", "mono", NULL};

#define LIMIT_UNSET UINT64_MAX

static int tui_run(const struct cli_ctx *cli, int argc, char **argv)
{
	struct live_opts o = {.limit = LIMIT_UNSET, .trace_warmup_ms = -1};
	int ret, argi;

	ret = cli_parse(cli, argc, argv, &o, &argi);
	if (ret != CLI_CONTINUE)
		return ret;
	if (!o.headless && (o.interval_ms || o.limit != LIMIT_UNSET || o.all_tasks))
		return cli_usage_error(cli, "--interval-ms, --limit and --all-tasks need --headless");
	if (o.limit == LIMIT_UNSET)
		o.limit = 50;	/* --limit 0 means all */
	log_add_verbosity(o.verbose);
	bpfutil_setup_logging();
	return o.headless ? live_headless(&o) : live_tui(&o);
}

static const struct cli_option tui_options[] = {
	CLI_OPT(0, "headless", CLI_FLAG, struct live_opts, headless, NULL,
		"no TUI: print one JSON object per interval (schemas/scxtop-stats.schema.json)"),
	CLI_OPT('n', "iterations", CLI_U64, struct live_opts, iterations, "N",
		"stop after N intervals (headless) or N ticks (TUI); 0 = until interrupted",
		.min = 0, .max = 1000000000),
	CLI_OPT(0, "interval-ms", CLI_U64, struct live_opts, interval_ms, "MS",
		"headless: interval between records (default 1000)", .min = 10, .max = 3600000),
	CLI_OPT(0, "limit", CLI_U64, struct live_opts, limit, "N",
		"headless: processes and threads per record, busiest first (default 50; 0 = all)",
		.min = 0, .max = 1000000000),
	CLI_OPT(0, "all-tasks", CLI_FLAG, struct live_opts, all_tasks, NULL,
		"headless: include tasks without activity in the interval"),
	CLI_OPT('r', "tick-rate-ms", CLI_U64, struct live_opts, tick_rate_ms, "MS",
		"TUI refresh interval (default 250, or tick_rate_ms from the config file)",
		.min = 10, .max = 60000),
	CLI_OPT(0, "theme", CLI_STRING, struct live_opts, theme, "NAME",
		"colour theme (see the help view; default from the config file)"),
	CLI_OPT(0, "view", CLI_STRING, struct live_opts, view, "VIEW",
		"start in cpu, llc, node, process, scheduler, events or help"),
	CLI_OPT(0, "colors", CLI_CHOICE, struct live_opts, color_mode, "MODE",
		"auto (from the terminal), 256, 16 or mono", .choices = live_color_modes),
	CLI_OPT('t', "trace-file-prefix", CLI_STRING, struct live_opts, trace_prefix, "PREFIX",
		"`a` writes <PREFIX>_<n>.proto (default scxtop_trace, or from the config file)",
		.flags = CLI_FILE),
	CLI_OPT(0, "trace-duration-ms", CLI_U64, struct live_opts, trace_duration_ms, "MS",
		"length of a trace recorded with `a` (default 1250)", .min = 10,
		.max = 3600000),
	CLI_OPT(0, "trace-warmup-ms", CLI_INT, struct live_opts, trace_warmup_ms, "MS",
		"`a` records after attaching for this long (default 750)", .min = 0, .max = 60000),
	CLI_OPT(0, "log-file", CLI_STRING, struct live_opts, log_file, "PATH",
		"TUI: write diagnostics (libbpf with -v) to PATH instead of the message line",
		.flags = CLI_FILE),
	CLI_OPT('v', "verbose", CLI_COUNT, struct live_opts, verbose, NULL,
		"more diagnostics: libbpf messages (-vv: libbpf debug output)"),
	CLI_OPT_END,
};

const struct cli_command cmd_tui = {
	.name = "tui",
	.summary = "Live ncurses view of scheduler activity per CPU, LLC, node and task",
	.usage = "[--tick-rate-ms MS] [--theme NAME] [--view VIEW] [--colors MODE] [-v]\n"
		 "--headless [--iterations N] [--interval-ms MS] [--limit N] [--all-tasks]",
	.description =
		"Shows, tick by tick, how the scheduler treats each CPU, LLC, NUMA node,\n"
		"process and thread: utilisation (/proc/stat and BPF), context switches,\n"
		"wakeups, migrations, softirq time and wakeup latency (p50/p90/p99), from\n"
		"BPF programs on tp_btf tracepoints that aggregate in the kernel. On a\n"
		"kernel with sched_ext the scheduler view adds DSQ latency, slice consumed\n"
		"and queue depth; without it, it says why.\n"
		"\n"
		"Views (default keys): d CPUs, l LLCs, n NUMA nodes, p processes (Enter:\n"
		"threads), s scheduler, e events, h help. v cycles bar/sparkline/gauge,\n"
		"j/k the charted metric, -/+ the tick rate, space pauses, f filters,\n"
		"< > I sort, S saves the config, q quits. Keys, theme and tick rate come\n"
		"from $XDG_CONFIG_HOME/scxtop/scxtop.toml (see the README).\n"
		"\n"
		"--headless prints the same statistics as one JSON object per interval.\n"
		"Needs root (or CAP_BPF and CAP_PERFMON) and a kernel with BTF.",
	.options = tui_options,
	.examples = "sudo scxtop\n"
		    "sudo scxtop --view llc --tick-rate-ms 500\n"
		    "sudo scxtop --headless --iterations 3 | jq '.cpu.cpus[] | {cpu_id, util_pct}'",
	.run = tui_run,
	.flags = CLI_NO_ARGS,
};
