/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live recording for `scxtop trace`: the BPF collector's events streamed into a
 * Perfetto writer for a fixed time (or until Ctrl-C), written atomically.
 */
#ifndef SCX_TOP_TRACE_TRACE_LIVE_H
#define SCX_TOP_TRACE_TRACE_LIVE_H

#include <stdbool.h>
#include <stdint.h>

struct live_trace_opts {
	uint64_t duration_ns;	/* recording length after the warmup */
	uint64_t warmup_ns;	/* attached but not recording */
	const char *output;	/* path, or "-" for stdout */
	bool verbose_sched;	/* no compact_sched */
};

/* Record. 0, -EINTR (stopped early by a signal: the trace is complete), or an error (logged). */
int live_trace_run(const struct live_trace_opts *o);

#endif
