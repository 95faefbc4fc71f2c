/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by bpf/hints_trace.bpf.c, bpf/hints_poll.bpf.c and the hint
 * recorder (profiler/hints.c).
 *
 * struct hint_event is upstream scx_characterize's 24-byte record (intf.h):
 *   pid        kernel task->pid, i.e. the thread id
 *   tgid       task->tgid, the process id
 *   hints      the first 8 bytes of the task-storage value
 *   timestamp  bpf_ktime_get_ns(): CLOCK_MONOTONIC nanoseconds
 * The trace program sends one per map update through a ring buffer; the poll
 * iterator writes one per task holding a value into its seq_file.
 */
#ifndef SCX_BPF_HINTS_TRACE_H
#define SCX_BPF_HINTS_TRACE_H

struct hint_event {
	int pid;
	int tgid;
	unsigned long long hints;
	unsigned long long timestamp;
};

#define HINT_EVENT_SIZE 24

/* .bss of hints_trace.bpf.c */
struct hints_trace_stats {
	unsigned long long events;		/* updates of the target map seen */
	unsigned long long dropped_events;	/* ring buffer full */
	unsigned long long read_errors;		/* value could not be read */
};

#endif
