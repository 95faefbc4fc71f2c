/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by bpf/hints_poll.bpf.c and profiler/hints.c. The iterator
 * writes the same 24-byte struct hint_event as the trace program (one per
 * task that holds a value in the target map), so hints_trace.h is the one
 * definition of the record.
 */
#ifndef SCX_BPF_HINTS_POLL_H
#define SCX_BPF_HINTS_POLL_H

#include "hints_trace.h"

/* .bss of hints_poll.bpf.c, counts of the last iteration (one iteration at a time). */
struct hints_poll_stats {
	unsigned long long tasks;	/* tasks visited */
	unsigned long long hinted;	/* tasks holding a value */
	unsigned long long write_errors;	/* bpf_seq_write failed (seq buffer full) */
};

#endif
