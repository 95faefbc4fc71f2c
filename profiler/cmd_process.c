// SPDX-License-Identifier: GPL-2.0
/* scxprof process: not implemented yet (issue: bundles to JSONL). */
#include "profiler/commands.h"

const struct cli_command cmd_process = {
	.name = "process",
	.summary = "Turn a recorded bundle into perf.jsonl and perf.sched.jsonl",
	.usage = "-f PROFILE(.tar.gz|dir) [-o OUTDIR] [-v]",
	.flags = CLI_NOT_IMPLEMENTED,
};
