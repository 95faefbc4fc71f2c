// SPDX-License-Identifier: GPL-2.0
/* scxprof record: not implemented yet (issue: the production recorder). */
#include "profiler/commands.h"

const struct cli_command cmd_record = {
	.name = "record",
	.summary = "Record a workload profile (perf mem, sched trace, task hints) into a .tar.gz bundle",
	.usage = "[-o DIR] [-f ARCHIVE.tar.gz] [-t SECS] [options]",
	.flags = CLI_NOT_IMPLEMENTED,
};
