// SPDX-License-Identifier: GPL-2.0
/* scxprof extract: the group of extract subcommands (mem is the default). */
#include "profiler/commands.h"

static const struct cli_command *const extract_commands[] = {
	&cmd_extract_mem,
	&cmd_extract_sched_util,
	&cmd_extract_sched,
	NULL,
};

const struct cli_command cmd_extract = {
	.name = "extract",
	.summary = "Derive a scx_mitosis cell config (mem) or CPU utilisation (sched-util)",
	.usage = "[mem] -f perf.jsonl [options]\nsched-util -f perf.sched.jsonl [options]",
	.subcommands = extract_commands,
	.default_subcommand = "mem",
};
