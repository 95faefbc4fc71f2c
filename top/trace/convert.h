/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `scxtop trace --convert`: scheduler recordings of other tools to struct
 * sched_event, fed to a Perfetto writer.
 *
 * Inputs (the format is told by the content, not the name):
 *   - perf.sched.jsonl, written by `scxprof process` (one record per line:
 *     comm, pid, tid, cpu, time_ns (or time), event, trace[, fields]);
 *   - a Perfetto trace (.pftrace): re-encoded through our writer, e.g. a
 *     verbose ftrace capture into compact_sched;
 *   - a scxprof bundle or process output directory: its perf.sched.jsonl.
 * Event texts are perf's (`perf script` trace field) for the events scxprof
 * records; sched_switch comes from the record's parsed `fields`.
 *
 * Timestamps are copied as they are: scxprof records sched events with
 * `perf record -k CLOCK_MONOTONIC`, so a converted trace is on the recording
 * host's MONOTONIC clock (equal to BOOTTIME until the host first suspends);
 * the trace gets no ClockSnapshot, so nothing claims otherwise.
 */
#ifndef SCX_TOP_TRACE_CONVERT_H
#define SCX_TOP_TRACE_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "top/trace/pftrace_writer.h"

enum convert_format {
	CONVERT_UNKNOWN = 0,
	CONVERT_JSONL,
	CONVERT_PFTRACE,
	CONVERT_PERF_DATA,
};

struct convert_stats {
	uint64_t records;		/* input records (lines, events) */
	uint64_t converted;		/* turned into trace events */
	uint64_t ignored;		/* events a Perfetto trace has no place for */
	uint64_t unparsed;		/* records whose text did not parse */
	char ignored_example[64];	/* one ignored event name */
	char unparsed_example[160];	/* "line N: why" */
};

/*
 * What the input is: a directory is searched for perf.sched.jsonl; a file is
 * sniffed. *path_out (owned by the caller, free()) is the file to read.
 */
int convert_detect(const char *input, char **path_out, enum convert_format *fmt);

/*
 * Fill writer options that depend on the input (kernel release from a
 * Perfetto trace's SystemInfo or the bundle's meta.json; no clock snapshot),
 * before the writer is created. release_buf holds the release string.
 */
int convert_prepare(const char *path, enum convert_format fmt, struct pftrace_opts *o,
		    char *release_buf, size_t release_size);

/* Stream the input into w. Errors are logged ("<path>:<line>: why"). */
int convert_run(struct pftrace_writer *w, const char *path, enum convert_format fmt,
		struct convert_stats *st);

/*
 * One record as perf prints it (`perf script -F comm,pid,tid,cpu,time,event,
 * trace`), to an event. Returns 1 with *ev set, 0 when the event has no place
 * in a trace (sched_stat_runtime, nmi_handler, ...), -EINVAL when the trace
 * text does not parse (or a sched_switch comes without r->sw). Strings in *ev
 * point into r->scratch.
 */
struct perf_sched_switch {
	const char *prev_comm, *prev_state, *next_comm;	/* NUL-terminated */
	int64_t prev_pid, prev_prio, next_pid, next_prio;
};

struct perf_sched_record {
	const char *comm, *event, *trace;	/* NUL-terminated */
	int32_t pid, tid;
	uint32_t cpu;
	uint64_t ts;
	const struct perf_sched_switch *sw;	/* sched_switch: the parsed text */
	char scratch[256];	/* holds strings *ev points to (filename, irq name) */
};
int convert_perf_record(struct perf_sched_record *r, struct sched_event *ev);

/* sched_switch prev_state text ("R", "R+", "S", "D|K", ...) to SCHED_STATE_* bits. */
int64_t convert_prev_state(const char *s, size_t len);

#endif
