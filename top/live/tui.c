// SPDX-License-Identifier: GPL-2.0
#include "common/err.h"
#include "common/log.h"
#include "top/live/live.h"

int live_tui(const struct live_opts *o)
{
	pr_err("the TUI is being written");
	return EXIT_FAIL;
}
