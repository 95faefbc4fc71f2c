/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The processes and threads running when a live trace starts, from /proc, as
 * ProcessTree entries of a Perfetto writer (what Perfetto's process_stats data
 * source does with scan_all_processes_on_start): trace_processor then knows
 * every task's process, command line and name before the first event.
 */
#ifndef SCX_TOP_TRACE_PROCSCAN_H
#define SCX_TOP_TRACE_PROCSCAN_H

#include <stdint.h>

#include "top/trace/pftrace_writer.h"

struct procscan_stats {
	uint64_t processes, threads;
	uint64_t vanished;	/* exited while being read (normal on a busy host) */
};

/* Scan proc_root ("/proc" when NULL) into w at time ts. 0 or a writer error. */
int procscan_write(struct pftrace_writer *w, uint64_t ts, const char *proc_root,
		   struct procscan_stats *st);

#endif
