// SPDX-License-Identifier: GPL-2.0
/* scxtop mcp: not implemented yet (issue: analyzers and MCP). */
#include "top/commands.h"

const struct cli_command cmd_mcp = {
	.name = "mcp",
	.summary = "MCP server (JSON-RPC 2.0 over stdio) exposing live stats and trace analyzers",
	.usage = "[options]",
	.flags = CLI_NOT_IMPLEMENTED,
};
