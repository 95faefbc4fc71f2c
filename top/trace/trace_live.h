/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live recording for `scxtop trace`: the BPF collector's events streamed into a
 * Perfetto writer for a fixed time (or until SIGINT/SIGTERM/SIGHUP).
 */
#ifndef SCX_TOP_TRACE_TRACE_LIVE_H
#define SCX_TOP_TRACE_TRACE_LIVE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "top/trace/pftrace_writer.h"

struct live_trace_opts {
	uint64_t duration_ns;	/* recording length after the warmup */
	uint64_t warmup_ns;	/* attached but not recording */
	bool verbose_sched;	/* no compact_sched */
	bool sched_wakeup;	/* also record sched_wakeup (sched_waking says the same, earlier) */
};

struct live_trace_stats {
	bool complete;		/* fp holds a whole trace (also after a signal) */
	uint64_t duration_ns;	/* recorded */
	uint64_t processes, threads;	/* from /proc at the start */
	uint64_t ignored;	/* records of types the trace does not carry */
	struct pftrace_stats writer;
};

/*
 * Record into fp. 0; -EINTR when a signal stopped the recording (st->complete
 * says whether the trace was finished: a signal during the warmup leaves
 * nothing); or another negative errno, already reported.
 */
int live_trace_run(const struct live_trace_opts *o, FILE *fp, struct live_trace_stats *st);

#endif
