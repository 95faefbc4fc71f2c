// SPDX-License-Identifier: GPL-2.0
/* Live recording for `scxtop trace` (see trace_live.h). */
#include <errno.h>

#include "common/log.h"
#include "top/trace/trace_live.h"

int live_trace_run(const struct live_trace_opts *o)
{
	(void)o;
	pr_err("trace: live recording is not available yet: this build has no BPF scheduler "
	       "collector; --convert works");
	return -EOPNOTSUPP;
}
