// SPDX-License-Identifier: GPL-2.0
/* scxprof extract mem: not implemented yet (issue: cell configs). */
#include "profiler/commands.h"

const struct cli_command cmd_extract_mem = {
	.name = "mem",
	.summary = "Group memory samples by cgroup and comm into a scx_mitosis cell config",
	.usage = "-f perf.jsonl [options]",
	.flags = CLI_NOT_IMPLEMENTED,
};
