/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `extract sched-util` as a library: time-weighted CPU busy percentages per
 * window, split into user categories, from perf.sched.jsonl records fed in file
 * order. Follows upstream scx_characterize (reference/scxprof-upstream.md §4.4):
 * categories with globs and @hint=, automatic <comm>@hint=0, system categories,
 * a busy-interval model per CPU (running task, hardirq/softirq stack, ksoftirqd
 * as softirq-other, NMI carved out of the current interval, hint changes split
 * intervals, nothing extrapolated past a CPU's last record) and the
 * mutual-exclusion check with upstream's error text.
 *
 * Fixed here (upstream bugs, reference §6.2 item 12): the trace ends at the
 * largest timestamp, not the last one read; an NMI that starts before the
 * current segment is not counted twice; CPUs that never appear are named in a
 * warning (utilization is relative to the CPUs seen); window sizes and window
 * counts that would overflow or exhaust memory are refused. Records with an
 * exact "time_ns" use it instead of going through the f64 "time".
 */
#ifndef SCX_EXTRACT_SCHED_UTIL_H
#define SCX_EXTRACT_SCHED_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"
#include "extract/jscan.h"

#define SCHED_UTIL_MAX_BUCKETS 100000000ull

struct sched_category {
	char *name;
	char *comm;		/* exact comm, or a glob when glob */
	bool glob;
	bool has_hint;
	uint64_t hint;
};

struct sched_categories {
	struct sched_category *v;
	size_t n;
};

/* -EINVAL with upstream's message ("invalid hint selector in category '<item>'") in err. */
int sched_categories_parse(const char *spec, struct sched_categories *out, struct strbuf *err);
void sched_categories_release(struct sched_categories *c);
/* Indices (ascending) of the categories an interval (comm, hint) matches; returns how many. */
size_t sched_categories_match(const struct sched_categories *c, const char *comm, size_t len,
			      uint64_t hint, uint32_t *out);
/* Byte-wise glob: '*' any sequence, '?' one byte, the whole string must match. */
bool glob_match(const char *pat, size_t plen, const char *s, size_t slen);

/* One perf.sched.jsonl record; strings borrowed, not NUL-terminated. */
struct sched_record {
	const char *comm;
	size_t comm_len;
	int32_t pid, tid;
	uint32_t cpu;
	double time;
	bool has_time_ns;
	uint64_t time_ns;
	const char *event;
	size_t event_len;
	const char *trace;
	size_t trace_len;
	uint64_t hint;
	bool has_fields;
	const char *next_comm;	/* fields.next_comm ("" when absent) */
	size_t next_comm_len;
	bool has_next_pid;
	int32_t next_pid;
	uint64_t next_hint;
	const char *action;	/* fields.action (NULL when absent) */
	size_t action_len;
};

/* With a reader from jscan_reader_init(): 1 record, 0 blank line, -EINVAL with r->err. */
int sched_record_parse(struct jscan_reader *r, const char *line, size_t len,
		       struct sched_record *out);

/* A busy interval [start, end) on a CPU, attributed to (comm, hint). */
struct sched_interval {
	uint32_t cpu;
	uint64_t start, end;
	const char *comm;
	size_t comm_len;
	uint64_t hint;
};

typedef void (*sched_interval_fn)(void *arg, const struct sched_interval *iv);

struct sched_util;

/* cats is borrowed; on_interval (optional) sees every interval, for tests and tools. */
struct sched_util *sched_util_new(uint64_t window_ms, const struct sched_categories *cats,
				  sched_interval_fn on_interval, void *arg);
/* Feed one record; -E2BIG with err set when the windows would not fit in memory. */
int sched_util_add(struct sched_util *u, const struct sched_record *r, struct strbuf *err);
/* Close every CPU's interval and run upstream's checks; -EINVAL with err set. */
int sched_util_finish(struct sched_util *u, struct strbuf *err);
/* One compact JSON object per window (sched-util.schema.json), each ending in '\n'. */
void sched_util_write(const struct sched_util *u, struct strbuf *out);
/* The -v line. */
void sched_util_summary(const struct sched_util *u, struct strbuf *out);
/* Warning text naming CPUs below the highest id seen that never appear ("" if none). */
void sched_util_missing_cpus(const struct sched_util *u, struct strbuf *out);

uint64_t sched_util_trace_start(const struct sched_util *u);
uint64_t sched_util_trace_end(const struct sched_util *u);
size_t sched_util_cpu_count(const struct sched_util *u);
uint64_t sched_util_nr_intervals(const struct sched_util *u);
size_t sched_util_nr_buckets(const struct sched_util *u);
void sched_util_free(struct sched_util *u);

#endif
