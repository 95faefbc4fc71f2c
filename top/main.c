// SPDX-License-Identifier: GPL-2.0
/* scxtop: the dispatch table. `scxtop` alone (or with options) runs the TUI. */
#include "common/cli.h"
#include "top/commands.h"

static const struct cli_command *const commands[] = {
	&cmd_tui,
	&cmd_trace,
	&cmd_analyze,
	&cmd_mcp,
	NULL,
};

static const struct cli_command scxtop = {
	.name = "scxtop",
	.summary = "live scheduler monitor, Perfetto tracer and trace analyzer for sched_ext",
	.usage = "[<command>] [options]",
	.description =
		"Shows, second by second, how the scheduler treats CPUs, LLCs, NUMA nodes\n"
		"and tasks (BPF on tp_btf tracepoints; sched_ext details when the kernel\n"
		"has it), records Perfetto traces, analyzes them, and serves the analyzers\n"
		"and live statistics to AI assistants over MCP. Without a command, scxtop\n"
		"runs the TUI; options before any command are the TUI's.",
	.subcommands = commands,
	.default_subcommand = "tui",
};

static const struct cli_program program = {
	.root = &scxtop,
	.environment = "XDG_CONFIG_HOME\n"
		       "    the TUI reads and writes $XDG_CONFIG_HOME/scxtop/scxtop.toml\n"
		       "    (default ~/.config/scxtop/scxtop.toml).",
	.exit_status = "0  success\n"
		       "1  runtime error (message on stderr)\n"
		       "2  usage error (unknown option, bad value)",
	.see_also = "scxprof(1), perf-sched(1), https://ui.perfetto.dev",
};

int main(int argc, char **argv)
{
	return cli_main(&program, argc, argv);
}
