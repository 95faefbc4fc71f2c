// SPDX-License-Identifier: GPL-2.0
/* scxtop trace: not implemented yet (issue: Perfetto traces). */
#include "top/commands.h"

const struct cli_command cmd_trace = {
	.name = "trace",
	.summary = "Record the scheduler into a Perfetto trace (ui.perfetto.dev)",
	.usage = "[-d MS | --duration SECS] [-o PATH] [options]",
	.flags = CLI_NOT_IMPLEMENTED,
};
