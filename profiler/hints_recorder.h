/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hint recorder of `scxprof record`: follows one BPF task-storage "task
 * hint" map (scx_layered's task_hint_map, or any map with an int pidfd key and
 * a value of at least 8 bytes) and writes hints.jsonl, one line per change:
 *
 *   {"pid":<tid>,"tgid":<pid>,"hints":<first u64 of the value>,"timestamp":<CLOCK_MONOTONIC ns>}
 *
 * Two ways to see the changes (DESIGN §4.3):
 *   trace  fentry on bpf_map_update_value (bpf/hints_trace.bpf.c): every
 *          update made through the bpf() syscall, as it happens, attributed to
 *          the calling thread; events come through a ring buffer and drops are
 *          counted. After attaching, one iterator pass (when iter/task works)
 *          records the hints tasks already had when recording started.
 *   poll   an iter/task program bound to the map (bpf/hints_poll.bpf.c) reads
 *          every thread's value each poll interval; a line is written when a
 *          thread's value differs from the previous pass (its first pass
 *          records every hint already set), stamped with the time it was read.
 *          A thread that had a value and no longer has one (it exited, or the
 *          value was deleted) gets a line with hints 0. A pass visits every
 *          thread of the host; when passes get slow the interval is stretched
 *          so that polling stays under 1/HINTS_POLL_DUTY of a CPU.
 *   auto   trace, else poll.
 *
 * Functions log their own one-line error (pr_err) and return a negative errno.
 */
#ifndef SCX_PROFILER_HINTS_RECORDER_H
#define SCX_PROFILER_HINTS_RECORDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/hashmap.h"
#include "common/strbuf.h"

enum hints_mode {
	HINTS_AUTO = 0,
	HINTS_TRACE,
	HINTS_POLL,
};

/* "auto", "trace", "poll" (indexes of enum hints_mode); NULL-terminated. */
extern const char *const hints_mode_names[];

#define HINTS_RING_MB_MAX 2048	/* ring size in MiB: a power of two, 1 ..HINTS_RING_MB_MAX */
#define HINTS_POLL_MS_DEFAULT 10
#define HINTS_POLL_DUTY 20	/* polling may use at most 1/20 of a CPU */

/* The target map, opened from its pin or its id. */
struct hints_map {
	int fd;
	uint32_t id;
	uint32_t type;
	uint32_t key_size, value_size;
	char name[16];
	char desc[4200];	/* "'<pin path>'" or "id <id>", for messages */
};

/*
 * Open the map pinned at pin_path (when not NULL) or the one with map id id,
 * and check it is a task-storage map whose value holds at least 8 bytes.
 */
int hints_map_open(struct hints_map *m, const char *pin_path, uint32_t id);
void hints_map_close(struct hints_map *m);

struct hints_opts {
	enum hints_mode mode;
	unsigned ring_mb;	/* trace mode ring buffer, MiB (power of two) */
	unsigned poll_ms;	/* poll mode interval */
};

struct hints_stats {
	uint64_t lines;		/* lines written to hints.jsonl */
	uint64_t trace_events;	/* trace: updates seen by the BPF program */
	uint64_t dropped;	/* trace: lost because the ring buffer was full */
	uint64_t snapshot_lines;	/* lines from the first iterator pass */
	uint64_t polls;		/* iterator passes */
	uint64_t poll_ns_total, poll_ns_max;	/* CPU time spent in passes */
	uint64_t interval_ns_max;	/* longest interval used (stretched when passes are slow) */
	uint64_t tasks;		/* threads visited by the last pass */
	uint64_t hinted;	/* threads holding a value in the last pass */
};

struct hints_trace_bpf;
struct hints_poll_bpf;
struct ring_buffer;
struct bpf_link;

/* Last value seen for a thread (poll mode). */
struct hints_seen {
	int32_t tid, tgid;
	uint64_t hint;
	uint64_t pass;	/* last pass that saw it */
};

struct hints_recorder {
	enum hints_mode mode;	/* the one that runs: HINTS_TRACE or HINTS_POLL */
	const struct hints_map *map;	/* borrowed */
	unsigned poll_ms;
	char fallback_reason[256];	/* why trace mode was not used (auto), else "" */
	bool snapshot;		/* trace mode: the initial iterator pass ran */

	struct hints_trace_bpf *trace;
	struct ring_buffer *rb;
	struct hints_poll_bpf *poll;
	struct bpf_link *iter_link;
	uint64_t next_poll_ns;
	uint64_t last_pass_ns;	/* CPU time of the last pass */

	struct u64map index;	/* tid → position in seen[] + 1 */
	struct hints_seen *seen;
	size_t nr_seen, alloc_seen;
	uint64_t pass;

	FILE *out;		/* borrowed: hints.jsonl */
	struct strbuf buf;	/* lines not yet written */
	int err;		/* first write error */
	bool stopped;
	bool stretched;		/* the poll interval had to be stretched (warned once) */
	struct hints_stats stats;
};

/*
 * Load and attach the BPF side for o->mode against map; lines go to out.
 * Nothing is written before hints_recorder_service(). On failure everything is
 * released. Trace mode that the kernel refuses fails with "fentry not
 * permitted" (mode trace) or falls back to poll (mode auto, said on stderr).
 */
int hints_recorder_start(struct hints_recorder *r, const struct hints_map *map,
			 const struct hints_opts *o, FILE *out);
/* fd to poll for trace events (ring buffer epoll fd), or -1 in poll mode. */
int hints_recorder_fd(const struct hints_recorder *r);
/* Milliseconds until the next poll pass is due (0: now; -1: none). */
int hints_recorder_timeout_ms(const struct hints_recorder *r);
/* Consume pending trace events or run a due poll pass; write and flush lines. */
int hints_recorder_service(struct hints_recorder *r);
/*
 * Stop: detach (no new events), take the last events (a final pass in poll
 * mode), write and flush, and warn about dropped events. Idempotent.
 */
int hints_recorder_stop(struct hints_recorder *r);
/* Release everything (after stop, or instead of it on failure). */
void hints_recorder_destroy(struct hints_recorder *r);

/*
 * Poll-mode bookkeeping, exposed for tests: feed one pass's records, then end
 * the pass; lines for changes (and hints 0 for threads that vanished, stamped
 * end_ns) are appended to r->buf.
 */
void hints_poll_record(struct hints_recorder *r, const void *rec);
void hints_poll_end_pass(struct hints_recorder *r, uint64_t end_ns);
/* Append one hints.jsonl line. */
void hints_format_line(struct strbuf *sb, int32_t pid, int32_t tgid, uint64_t hints,
		       uint64_t timestamp);

#endif
