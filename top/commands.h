/* SPDX-License-Identifier: GPL-2.0 */
/* scxtop's subcommands; each is defined in its own cmd_*.c file. */
#ifndef SCX_TOP_COMMANDS_H
#define SCX_TOP_COMMANDS_H

#include "common/cli.h"

extern const struct cli_command cmd_tui;	/* top/live/cmd_tui.c */
extern const struct cli_command cmd_trace;	/* top/trace/cmd_trace.c */
extern const struct cli_command cmd_analyze;	/* top/analyze/cmd_analyze.c */
extern const struct cli_command cmd_mcp;	/* top/mcp/cmd_mcp.c */

#endif
