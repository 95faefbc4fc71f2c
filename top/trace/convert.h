/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `scxtop trace --convert`: scheduler recordings of other tools to struct
 * sched_event, fed to a Perfetto writer.
 *
 * Inputs (the format is told by the content, not the name):
 *   - perf.sched.jsonl, written by `scxprof process` (one record per line:
 *     comm, pid, tid, cpu, time_ns (or time), event, trace[, fields]);
 *   - perf.sched.data (scxprof record's perf recording), through `perf script`
 *     and libscxprof's line parser;
 *   - a scxprof bundle (directory or .tar.gz) or process output directory;
 *   - a Perfetto trace (.pftrace): re-encoded through our writer, e.g. a
 *     verbose ftrace capture into compact_sched.
 * Event texts are perf's (`perf script` trace field); sched_switch in both of
 * perf's formats comes from libscxprof's parser (or the record's `fields`).
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
	CONVERT_BUNDLE_ARCHIVE,	/* gzip: a .tar.gz bundle */
};

struct convert_stats {
	uint64_t records;		/* input records (lines, events) */
	uint64_t converted;		/* turned into trace events */
	uint64_t ignored;		/* events a Perfetto trace has no place for */
	uint64_t unparsed;		/* records whose text did not parse */
	char ignored_example[64];	/* one ignored event name */
	char unparsed_example[160];	/* "line N: why" */
};

/* The file to read, once found. */
struct convert_input {
	char *path;
	char *name;	/* for messages: path, or "<archive>:perf.sched.data" */
	enum convert_format fmt;
	char *tmpdir;	/* a .tar.gz bundle's extraction, removed on release */
};

/*
 * What INPUT is: a file is told by its content; a directory (a scxprof bundle
 * or `process` output) holds perf.sched.jsonl or perf.sched.data; a .tar.gz
 * bundle is extracted (safely, profiler/bundle_in.h) into $TMPDIR first.
 * Errors are logged.
 */
int convert_open(const char *input, struct convert_input *in);
void convert_input_release(struct convert_input *in);

/* Strings convert_prepare() points the writer options to. */
struct convert_info {
	char sysname[65], release[65], version[160], machine[65];
	struct pftrace_clocks clocks;
};

/*
 * Fill writer options that depend on the input, before the writer is
 * created: the recording host's kernel (a Perfetto trace's SystemInfo, or the
 * bundle's meta.json), its CPU count, and a ClockSnapshot only when meta.json
 * gives the recording's start on both clocks. o's strings point into *info.
 */
int convert_prepare(const char *path, enum convert_format fmt, struct pftrace_opts *o,
		    struct convert_info *info);

/* Stream the input into w. Errors are logged ("<name>:<line>: why"). */
int convert_run(struct pftrace_writer *w, const struct convert_input *in,
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
