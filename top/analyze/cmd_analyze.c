// SPDX-License-Identifier: GPL-2.0
/* scxtop analyze: not implemented yet (issue: analyzers and MCP). */
#include "top/commands.h"

const struct cli_command cmd_analyze = {
	.name = "analyze",
	.summary = "Analyze a Perfetto trace: latency, utilization, migrations, outliers",
	.usage = "TRACE [--analyzer NAME]... [--json] [--limit N]",
	.flags = CLI_NOT_IMPLEMENTED,
};
