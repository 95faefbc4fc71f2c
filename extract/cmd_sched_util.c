// SPDX-License-Identifier: GPL-2.0
/* scxprof extract sched-util: not implemented yet (issue: cell configs). */
#include "profiler/commands.h"

const struct cli_command cmd_extract_sched_util = {
	.name = "sched-util",
	.summary = "Per-window CPU busy percentages by category from perf.sched.jsonl",
	.usage = "-f perf.sched.jsonl [--window-ms N] [--categories LIST] [-v]",
	.flags = CLI_NOT_IMPLEMENTED,
};
