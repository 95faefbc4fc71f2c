// SPDX-License-Identifier: GPL-2.0
/* scxprof: the dispatch table. Each subcommand lives in its own cmd_*.c. */
#include "common/cli.h"
#include "profiler/commands.h"

static const struct cli_command *const commands[] = {
	&cmd_record,
	&cmd_process,
	&cmd_extract,
	&cmd_doctor,
	NULL,
};

static const struct cli_command scxprof = {
	.name = "scxprof",
	.summary = "workload locality profiler and cell-config generator for sched_ext",
	.usage = "<command> [options]",
	.description =
		"Records which threads touch which physical memory (perf mem samples,\n"
		"an optional scheduler trace and BPF task hints) on a production host,\n"
		"turns the recording into JSONL on a workstation, and derives a cell\n"
		"configuration that scx_mitosis --cell-config loads, so that threads\n"
		"sharing memory are scheduled on the same CPUs.\n"
		"\n"
		"Typical flow:\n"
		"  sudo scxprof doctor                     what can this host record?\n"
		"  sudo scxprof record -t 30 -f run1.tar.gz\n"
		"  scxprof process -f run1.tar.gz          -> run1.out/perf.jsonl\n"
		"  scxprof extract -f run1.out/perf.jsonl -o cells.json",
	.subcommands = commands,
};

static const struct cli_program program = {
	.root = &scxprof,
	.environment =
		"SCXPROF_PERF\n"
		"    perf binary to run (default: perf from PATH). SCX_CHARACTERIZE_PERF,\n"
		"    upstream's name, is honoured when SCXPROF_PERF is not set.",
	.exit_status = "0  success\n"
		       "1  runtime error (message on stderr)\n"
		       "2  usage error (unknown option, bad value)\n"
		       "130  record or process stopped by SIGINT, SIGTERM or SIGHUP (nothing kept)",
	.see_also = "scxtop(1), perf-mem(1), perf-script(1), scx_mitosis",
};

int main(int argc, char **argv)
{
	return cli_main(&program, argc, argv);
}
