/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Streaming reader of the ftrace side of Perfetto traces: the inverse of
 * pftrace_writer.h. Walks the file one TracePacket at a time (memory: the
 * largest packet), unpacks it with protobuf-c (schemas/perfetto) and turns
 * FtraceEventBundles — compact_sched and full events alike — back into
 * struct sched_event, per bundle in time order. For compact_sched it applies
 * trace_processor's rules: a switch's prev is the previous switch's next on
 * that CPU (unknown before the first one: prev.tid = -1), a waking's waker is
 * the task running on that CPU. Task tgids come from ProcessTree entries seen
 * earlier in the file (-1 otherwise).
 *
 * Used by `scxtop trace --convert TRACE.pftrace` (re-encode any ftrace-based
 * trace, e.g. verbose to compact), by the tests (round trips) and benchmarks.
 * Track events other than counters are not interpreted here (top/analyze has
 * the full loader).
 */
#ifndef SCX_TOP_TRACE_PFTRACE_READ_H
#define SCX_TOP_TRACE_PFTRACE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "perfetto/trace.pb-c.h"
#include "top/trace/sched_event.h"

/* Callbacks return 0 to go on or a negative errno to stop reading (returned). */
struct pftrace_read_ops {
	/* Every packet, before the callbacks below. */
	int (*packet)(void *ctx, const Perfetto__Protos__TracePacket *pkt);
	int (*event)(void *ctx, const struct sched_event *ev);
	int (*thread)(void *ctx, uint64_t ts, int32_t tid, int32_t tgid, const char *name);
	/*
	 * cmdline: the arguments joined by NULs (len bytes, "" when none);
	 * is_comm: it is only the process's comm.
	 */
	int (*process)(void *ctx, uint64_t ts, int32_t pid, int32_t ppid, const char *cmdline,
		       size_t len, bool is_comm);
	/* TYPE_COUNTER track events, with their track's name (NULL if undefined). */
	int (*counter)(void *ctx, uint64_t ts, const char *track, int64_t value);
};

struct pftrace_read_stats {
	uint64_t bytes, packets, bundles;
	uint64_t events;		/* passed to ops->event */
	uint64_t compact_switch, compact_waking, full_events;
	uint64_t unknown_events;	/* FtraceEvents of kinds we do not map */
	uint64_t lost_bundles;		/* bundles with lost_events */
	uint64_t process_tree_threads, process_tree_processes;
	uint64_t counters;
	char release[65];		/* SystemInfo utsname release, "" if none */
	uint32_t nr_cpus;		/* SystemInfo num_cpus, 0 if none */
};

/*
 * Read the trace from fd to its end. Returns 0, a callback's error, -EBADMSG
 * for a malformed file (what failed is logged at debug level) or a read error.
 */
int pftrace_read(int fd, const struct pftrace_read_ops *ops, void *ctx,
		 struct pftrace_read_stats *stats);

/* Same over a buffer in memory. */
int pftrace_read_mem(const void *data, size_t len, const struct pftrace_read_ops *ops, void *ctx,
		     struct pftrace_read_stats *stats);

#endif
