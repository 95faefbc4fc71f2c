// SPDX-License-Identifier: GPL-2.0
/* scxtop tui: not implemented yet (issue: the live ncurses view). */
#include "top/commands.h"

const struct cli_command cmd_tui = {
	.name = "tui",
	.summary = "Live ncurses view of scheduler activity per CPU, LLC, node and task",
	.usage = "[--headless [--iterations N] [--interval-ms MS]] [options]",
	.flags = CLI_NOT_IMPLEMENTED,
};
