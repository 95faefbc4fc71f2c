/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libscxprof: `perf script` text to records, without touching the file system.
 *
 * The layers, each usable on its own:
 *
 *   1. Line parsers. scxprof_mem_parse() and scxprof_sched_parse() take one line
 *      (any length, no NUL needed, a trailing "\r\n" is ignored) and fill a
 *      record whose strings are spans borrowed from the line. No allocation.
 *   2. Hint index and cgroup table. scxprof_hints (hints.jsonl: per-thread
 *      timelines of task-hint updates) answers "which hint did thread T have at
 *      time t"; scxprof_cgroups (cgroups.jsonl) answers "which cgroup is thread T
 *      in" for perf versions whose `perf script` has no cgroup field.
 *   3. Streams. scxprof_mem_stream / scxprof_sched_stream apply upstream
 *      scx_characterize's rules to a sequence of lines (counting, skip filters,
 *      hint join, cgroup fill) and hand each record to a callback. Feed them
 *      lines, arbitrary chunks of text, a buffer or a FILE*.
 *   4. JSON. scxprof_mem_json() / scxprof_sched_json() append the JSONL line of
 *      a record (DESIGN §4.4; schemas/perf.schema.json, perf.sched.schema.json).
 *
 * Example: perf script text in memory to JSONL in memory.
 *
 *	static int on_sample(void *ctx, const struct scxprof_mem_sample *s)
 *	{
 *		scxprof_mem_json(s, ctx);		// ctx is a struct strbuf *
 *		return 0;				// non-zero stops the stream
 *	}
 *	...
 *	struct strbuf out = STRBUF_INIT;
 *	struct scxprof_mem_stream st;
 *	scxprof_mem_stream_init(&st, &(struct scxprof_mem_opts){
 *		.on_record = on_sample, .ctx = &out });
 *	scxprof_mem_stream_buf(&st, text, text_len);
 *	// st.stats: lines, records, skipped, unparseable
 *	scxprof_mem_stream_release(&st);
 *
 * Threading: objects are not shared between threads; a built (finished) hint
 * index or cgroup table may be read by several streams at once.
 * Errors: functions returning int give 0 or a negative errno.
 */
#ifndef SCX_PROFILER_LIBSCXPROF_H
#define SCX_PROFILER_LIBSCXPROF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/hashmap.h"
#include "common/strbuf.h"

/* A byte range borrowed from the parsed line (not NUL-terminated; may be empty). */
struct scx_span {
	const char *p;
	size_t len;
};

enum scxprof_parse_result {
	SCXPROF_PARSED = 0,
	SCXPROF_BLANK,		/* empty or only whitespace: ignored, never counted */
	SCXPROF_UNPARSEABLE,
};

/*
 * ---------------------------------------------------------------------------
 * Memory sample lines: `perf script --ns -F comm,tid,pid,time,[cgroup,]ip,addr,
 * phys_addr,data_page_size,dso,sym` of perf 5.x-6.x (profiler/bundle.h). One
 * parser for every layout (reference/perf-script-format.md):
 *  - cgroup between addr and ip (perf >= 6.6), after the page size (6.3-6.5),
 *    or absent (<= 6.2); a cgroup path may contain spaces;
 *  - pid/tid of any width; comms with spaces, digits or '/' (perf's "%16s "
 *    column when the line has it, else everything before the first pid/tid);
 *  - addr bare (PEBS/IBS/SPE) or followed by " sym (dso)" (page-fault events);
 *  - optional [cpu], "period event:", data_src (+ decode) and weight columns;
 *  - sym with spaces; dso with spaces and parentheses ("/x (deleted)");
 *  - page sizes 4K 2M 1G 1024M N/A; upstream's unpadded fixture lines.
 * Bytes are not validated here (the JSON writer replaces invalid UTF-8).
 * ---------------------------------------------------------------------------
 */
enum scxprof_cgroup_pos {
	SCXPROF_CGROUP_NONE = 0,	/* the line has no cgroup field */
	SCXPROF_CGROUP_BEFORE_IP,	/* perf >= 6.6 (and 6.5.y stable) */
	SCXPROF_CGROUP_AT_END,		/* perf 6.3 - 6.5 */
	SCXPROF_CGROUP_FILLED,		/* set by the stream from a scxprof_cgroups table */
	SCXPROF_CGROUP_UNKNOWN,		/* set by the stream: no field and no table entry */
};

struct scxprof_mem_sample {
	struct scx_span line;		/* the whole line, without trailing whitespace */
	struct scx_span comm;
	uint32_t pid, tid;
	struct scx_span time;		/* perf's text without the ':' ("1234.567890123") */
	uint64_t time_ns;		/* exact integer nanoseconds, when time_ok */
	bool time_ok;
	struct scx_span addr;		/* data virtual address, hex without 0x */
	struct scx_span addr_sym;	/* page-fault events: symbol of addr (else empty) */
	struct scx_span addr_dso;	/* page-fault events: dso of addr (else empty) */
	bool has_addr_sym;
	struct scx_span data_src;	/* raw hex, when the line has a data_src column */
	bool has_data_src;
	uint64_t weight;		/* when has_weight */
	bool has_weight;
	struct scx_span cgroup;		/* path, "unknown", or empty when cgroup_pos is NONE */
	enum scxprof_cgroup_pos cgroup_pos;
	struct scx_span ip;		/* hex without 0x */
	struct scx_span sym;		/* "[unknown]" when perf could not resolve it */
	struct scx_span dso;
	struct scx_span phys_addr;	/* hex without 0x; "0" or empty: no physical address */
	uint64_t data_page_size;	/* bytes; 0 for N/A */
	uint64_t hint;			/* filled by the stream (0: no hint) */
};

/* Parse one line. s is overwritten; its spans point into line. */
enum scxprof_parse_result scxprof_mem_parse(const char *line, size_t len,
					    struct scxprof_mem_sample *s);

/* Upstream's skip rules (reference §3.7), checked in this order. */
enum scxprof_mem_skip {
	SCXPROF_MEM_KEEP = 0,
	SCXPROF_MEM_SKIP_NO_PHYS,	/* phys_addr is "0" or empty */
	SCXPROF_MEM_SKIP_COMM,		/* comm is exactly "perf" or "swapper" */
};
enum scxprof_mem_skip scxprof_mem_skip(const struct scxprof_mem_sample *s);

/*
 * perf's page-size text in bytes: "4K" → 4096, "2M", "1G", "1024M", "512B",
 * plain digits; "N/A", empty or malformed → 0 (case-insensitive).
 */
uint64_t scxprof_page_size_parse(const char *s, size_t len);

/*
 * Exact nanoseconds from perf's time text "S[.F]" (F: up to 9 digits used,
 * further digits ignored). false when it is not a number or overflows u64.
 */
bool scxprof_time_parse_ns(const char *s, size_t len, uint64_t *ns);

/*
 * ---------------------------------------------------------------------------
 * Scheduler trace lines: `perf script --ns -F comm,pid,tid,cpu,time,event,trace`
 *   <comm> <pid>/<tid> [<cpu>] <secs>.<frac>: <subsys>:<event>: <trace text>
 * Upstream's grammar (reference §3.9): comm is everything before the first
 * "pid/tid [cpu] time:" sequence (perf's "%16s " column when present), event
 * runs to its second ':', trace is the rest, trimmed.
 *
 * fields (the parsed trace text):
 *  - sched:sched_switch in either text format, with the same result:
 *      plugin  "perf:28329 [120] D ==> migration/0:18 [0]"
 *      raw     "prev_comm=perf prev_pid=28329 prev_prio=120 prev_state=D ==>
 *               next_comm=migration/0 next_pid=18 next_prio=0"
 *    → prev_comm, prev_pid, prev_prio, prev_state, next_comm, next_pid,
 *      next_prio, cpu_idle (next is pid 0 or swapper*), prev_idle;
 *  - other events: every "key=value" (value up to whitespace or ']'), as an
 *    integer when it is one, then "[action=X]" as the string X;
 *  - none when nothing matched (e.g. nmi_handler's "delta_ns: N" text).
 * ---------------------------------------------------------------------------
 */
#define SCXPROF_SCHED_MAX_KV 32	/* further distinct keys of one event are dropped */

enum scxprof_sched_fields {
	SCXPROF_FIELDS_NONE = 0,
	SCXPROF_FIELDS_SWITCH,
	SCXPROF_FIELDS_KV,
};

enum scxprof_switch_format {
	SCXPROF_SWITCH_PLUGIN = 0,	/* libtraceevent plugin_sched_switch */
	SCXPROF_SWITCH_RAW,		/* the tracepoint's print fmt (perf without plugins) */
};

struct scxprof_switch {
	struct scx_span prev_comm, prev_state, next_comm;
	int64_t prev_pid, prev_prio, next_pid, next_prio;
	bool cpu_idle, prev_idle;
	enum scxprof_switch_format format;
};

struct scxprof_kv {
	struct scx_span key, val;	/* val is the text; ival when is_int */
	int64_t ival;
	bool is_int;
};

struct scxprof_sched_event {
	struct scx_span comm;
	int32_t pid, tid;
	uint32_t cpu;
	struct scx_span time;		/* perf's text ("6691.267977123") */
	double time_s;			/* the same as a double (the JSON "time") */
	uint64_t time_ns;		/* exact integer nanoseconds, when time_ok */
	bool time_ok;
	struct scx_span event;		/* "sched:sched_switch" */
	struct scx_span trace;
	enum scxprof_sched_fields fields;
	struct scxprof_switch sw;	/* SCXPROF_FIELDS_SWITCH */
	struct scxprof_kv kv[SCXPROF_SCHED_MAX_KV];	/* SCXPROF_FIELDS_KV, in order */
	unsigned nkv;
	uint64_t hint;			/* set by the stream (0: no hint) */
	bool switch_hints;		/* set by the stream: prev_hint/next_hint are valid */
	uint64_t prev_hint, next_hint;
};

enum scxprof_parse_result scxprof_sched_parse(const char *line, size_t len,
					      struct scxprof_sched_event *e);

/* Parse only the trace text of an event (used by scxprof_sched_parse). */
void scxprof_sched_parse_fields(struct scxprof_sched_event *e);

/*
 * ---------------------------------------------------------------------------
 * Hint index (hints.jsonl lines {"pid":TID,"tgid":PID,"hints":U64,"timestamp":NS}).
 * Per tid, the updates sorted by (timestamp, input order); the hint of a thread
 * at time t is the latest update with timestamp <= t (an equal timestamp: the
 * later line wins), or none. Records with pid < 0 are dropped.
 * ---------------------------------------------------------------------------
 */
#define SCXPROF_EXAMPLE_TIDS 8

/* Ordering problems, reported as upstream does (first 8 distinct tids). */
struct scxprof_order {
	uint64_t violations;
	uint64_t tids;
	int64_t example[SCXPROF_EXAMPLE_TIDS];
	unsigned nexample;
	struct u64map seen;	/* internal: affected tids */
};

struct scxprof_hints;

struct scxprof_hints *scxprof_hints_new(void);
void scxprof_hints_free(struct scxprof_hints *h);
void scxprof_hints_add(struct scxprof_hints *h, int64_t pid, uint64_t timestamp, uint64_t hints);
/*
 * One hints.jsonl line. Blank lines are ignored (0). -EINVAL when the line is
 * not an object with integer pid (i32), tgid (i32), hints (u64) and timestamp
 * (u64); why (if not NULL) then says what is wrong.
 */
int scxprof_hints_add_line(struct scxprof_hints *h, const char *line, size_t len, char *why,
			   size_t why_len);
/* Whole files or buffers; on error *lineno (if not NULL) is the bad line. */
int scxprof_hints_load_file(struct scxprof_hints *h, FILE *fp, uint64_t *lineno, char *why,
			    size_t why_len);
int scxprof_hints_load_buf(struct scxprof_hints *h, const char *buf, size_t len,
			   uint64_t *lineno, char *why, size_t why_len);
/* Sort the timelines. Call once, after the last add, before any lookup. */
void scxprof_hints_finish(struct scxprof_hints *h);
uint64_t scxprof_hints_count(const struct scxprof_hints *h);	/* kept records */
uint64_t scxprof_hints_tids(const struct scxprof_hints *h);
uint64_t scxprof_hints_dropped(const struct scxprof_hints *h);	/* pid < 0 */
/* Timestamps that went backwards within a tid, in input order. */
const struct scxprof_order *scxprof_hints_order(const struct scxprof_hints *h);

/*
 * Annotator: resolves hints for a sequence of samples (one per input file, as
 * upstream). O(1) per lookup for time-ordered samples; binary search when a
 * thread's time goes backwards, which is counted as a sample-order violation.
 */
struct scxprof_annotator {
	const struct scxprof_hints *h;
	struct u64map state;		/* tid → index into st */
	struct scxprof_tid_state *st;
	size_t nst, ast;
	struct scxprof_order order;
};

void scxprof_annotator_init(struct scxprof_annotator *a, const struct scxprof_hints *h);
/* The hint of tid at t; false (and *hint = 0) when the thread has none then. */
bool scxprof_annotator_resolve(struct scxprof_annotator *a, uint32_t tid, uint64_t t,
			       uint64_t *hint);
void scxprof_annotator_release(struct scxprof_annotator *a);

/* Upstream's warnings (exact text), without a trailing newline. */
void scxprof_hints_order_warning(const struct scxprof_order *o, struct strbuf *out);
void scxprof_samples_order_warning(const struct scxprof_order *o, const char *path,
				   struct strbuf *out);

/*
 * ---------------------------------------------------------------------------
 * Cgroup table (cgroups.jsonl lines {"tid":N,"pid":N,"cgroup":"/path"}; record
 * writes a snapshot of every thread at start and at end). A thread's cgroup is
 * its last line; a thread that is not listed gets its process's cgroup (the
 * line with tid == pid, else the process's first thread listed).
 * ---------------------------------------------------------------------------
 */
struct scxprof_cgroups;

struct scxprof_cgroups *scxprof_cgroups_new(void);
void scxprof_cgroups_free(struct scxprof_cgroups *c);
void scxprof_cgroups_add(struct scxprof_cgroups *c, int64_t tid, int64_t pid, const char *path,
			 size_t len);
int scxprof_cgroups_add_line(struct scxprof_cgroups *c, const char *line, size_t len, char *why,
			     size_t why_len);
int scxprof_cgroups_load_file(struct scxprof_cgroups *c, FILE *fp, uint64_t *lineno, char *why,
			      size_t why_len);
int scxprof_cgroups_load_buf(struct scxprof_cgroups *c, const char *buf, size_t len,
			     uint64_t *lineno, char *why, size_t why_len);
/* The cgroup of tid (or of its process); false when neither is listed. */
bool scxprof_cgroups_lookup(const struct scxprof_cgroups *c, uint32_t tid, uint32_t pid,
			    struct scx_span *path);
uint64_t scxprof_cgroups_threads(const struct scxprof_cgroups *c);	/* distinct tids */
uint64_t scxprof_cgroups_moved(const struct scxprof_cgroups *c);	/* tids seen in 2+ cgroups */

/*
 * ---------------------------------------------------------------------------
 * Streams.
 * ---------------------------------------------------------------------------
 */
/* Why a line produced no record (for verbose output). */
enum scxprof_reject {
	SCXPROF_REJECT_UNPARSEABLE = 0,
	SCXPROF_REJECT_NO_PHYS,
	SCXPROF_REJECT_COMM,
};

/* A record; return non-zero to stop the stream (that value is returned to the feeder). */
typedef int (*scxprof_mem_fn)(void *ctx, const struct scxprof_mem_sample *s);
typedef int (*scxprof_sched_fn)(void *ctx, const struct scxprof_sched_event *e);
/* A line without a record; line excludes the "\n"/"\r\n" (it is not trimmed). */
typedef void (*scxprof_reject_fn)(void *ctx, enum scxprof_reject why, const char *line,
				  size_t len);

struct scxprof_mem_opts {
	const struct scxprof_hints *hints;	/* NULL: every hint is 0 */
	const struct scxprof_cgroups *cgroups;	/* fills lines without a cgroup field */
	scxprof_mem_fn on_record;
	scxprof_reject_fn on_reject;		/* optional */
	void *ctx;
};

struct scxprof_mem_stats {
	uint64_t lines;			/* non-blank lines */
	uint64_t records;		/* handed to on_record */
	uint64_t skipped_no_phys, skipped_comm;
	uint64_t unparseable;
	uint64_t no_time;		/* records whose time did not parse (hint 0) */
	uint64_t with_hint;		/* records that found a hint */
	/* records by where their cgroup came from (enum scxprof_cgroup_pos) */
	uint64_t cgroup[5];
	uint64_t with_addr_sym, with_data_src;
};

struct scxprof_mem_stream {
	struct scxprof_mem_opts o;
	struct scxprof_mem_stats stats;
	struct scxprof_annotator ann;	/* when o.hints */
	struct strbuf partial;		/* scxprof_mem_stream_feed's unfinished line */
	struct scxprof_mem_sample s;
};

void scxprof_mem_stream_init(struct scxprof_mem_stream *st, const struct scxprof_mem_opts *o);
/* One line (without "\n"). Returns on_record's non-zero value, else 0. */
int scxprof_mem_stream_line(struct scxprof_mem_stream *st, const char *line, size_t len);
/* Any chunk of text; lines may span chunks. Call _end after the last chunk. */
int scxprof_mem_stream_feed(struct scxprof_mem_stream *st, const char *buf, size_t len);
int scxprof_mem_stream_end(struct scxprof_mem_stream *st);
/* A whole buffer, or everything up to EOF (then -errno on a read error). */
int scxprof_mem_stream_buf(struct scxprof_mem_stream *st, const char *buf, size_t len);
int scxprof_mem_stream_file(struct scxprof_mem_stream *st, FILE *fp);
void scxprof_mem_stream_release(struct scxprof_mem_stream *st);
/* "Parsed N of M records (S skipped, U unparseable)" (upstream's summary line). */
void scxprof_mem_summary(const struct scxprof_mem_stats *st, struct strbuf *out);

struct scxprof_sched_opts {
	const struct scxprof_hints *hints;	/* NULL: hint 0 and no prev/next_hint */
	scxprof_sched_fn on_record;
	scxprof_reject_fn on_reject;		/* optional */
	void *ctx;
};

struct scxprof_sched_stats {
	uint64_t lines, records, unparseable;
	uint64_t switches, switches_raw, switches_unparsed;
	uint64_t with_hint;
};

struct scxprof_sched_stream {
	struct scxprof_sched_opts o;
	struct scxprof_sched_stats stats;
	struct scxprof_annotator ann;
	struct strbuf partial;
	struct scxprof_sched_event e;
};

void scxprof_sched_stream_init(struct scxprof_sched_stream *st,
			       const struct scxprof_sched_opts *o);
int scxprof_sched_stream_line(struct scxprof_sched_stream *st, const char *line, size_t len);
int scxprof_sched_stream_feed(struct scxprof_sched_stream *st, const char *buf, size_t len);
int scxprof_sched_stream_end(struct scxprof_sched_stream *st);
int scxprof_sched_stream_buf(struct scxprof_sched_stream *st, const char *buf, size_t len);
int scxprof_sched_stream_file(struct scxprof_sched_stream *st, FILE *fp);
void scxprof_sched_stream_release(struct scxprof_sched_stream *st);
/* "Parsed N of M sched trace records (U unparseable)" */
void scxprof_sched_summary(const struct scxprof_sched_stats *st, struct strbuf *out);

/*
 * ---------------------------------------------------------------------------
 * JSONL (compact, one object and '\n' per record; invalid UTF-8 becomes U+FFFD).
 *  perf.jsonl: comm, tid, pid, time, time_ns (null when the time did not
 *    parse), addr, cgroup, ip, sym, dso, phys_addr, data_page_size, hint, then
 *    data_src, weight, addr_sym, addr_dso when the line had them.
 *  perf.sched.jsonl: comm, pid, tid, cpu, time (a number, as upstream),
 *    time_ns, event, trace, fields (omitted when none; prev_hint/next_hint
 *    appended on switches when hints were joined), hint.
 * ---------------------------------------------------------------------------
 */
void scxprof_mem_json(const struct scxprof_mem_sample *s, struct strbuf *out);
void scxprof_sched_json(const struct scxprof_sched_event *e, struct strbuf *out);

#endif
