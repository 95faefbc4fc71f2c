/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The live scheduler collector shared by the TUI, `scxtop trace` and the MCP
 * server: loads bpf/scxtop.bpf.c, attaches each program on its own (an
 * optional tracepoint the kernel lacks is reported, never fatal), and offers:
 *
 *  - aggregated statistics (opts.aggregate): per-CPU counters and busy/idle time
 *    read from an mmap'ed array (collector_read_cpus), per-task statistics
 *    dumped by a task iterator (collector_read_tasks);
 *  - a stream of per-event records (opts.stream or collector_set_stream at run
 *    time) delivered to opts.on_event from collector_poll(). Records are struct
 *    scxtop_event (bpf/scxtop.h) of hdr.size bytes; timestamps are
 *    CLOCK_BOOTTIME ns. Records lost because a ring buffer was full are counted
 *    (collector_dropped), never silent.
 *
 * Needs root (or CAP_BPF + CAP_PERFMON) and a kernel with BTF. On failure
 * collector_open returns a negative errno and, in *why, one line for the user.
 */
#ifndef SCX_TOP_LIVE_COLLECTOR_H
#define SCX_TOP_LIVE_COLLECTOR_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/scxtop.h"

struct collector;

/* Called for each streamed record; return non-zero to stop the current poll. */
typedef int (*collector_event_fn)(void *ctx, const struct scxtop_event *ev, size_t size);
/* Called for each task record of collector_read_tasks. */
typedef void (*collector_task_fn)(void *ctx, const struct scxtop_task_rec *rec);

struct collector_opts {
	bool aggregate;		/* in-kernel statistics (TUI, MCP) */
	bool stream;		/* per-event records from the start (trace) */
	/*
	 * bit (1 << SCXTOP_EV_x) per type; 0 = all. Without aggregate, the programs
	 * of types outside the mask are not loaded at all (they would run on every
	 * such event for nothing), so collector_set_stream cannot add them later.
	 */
	uint32_t stream_types;
	size_t ringbuf_bytes;	/* per ring buffer; power of two (default 8 MiB) */
	unsigned nr_ringbufs;	/* power of two; 0 = one per 8 CPUs, at most 64 */
	collector_event_fn on_event;
	void *ctx;
};

enum collector_prog_state {
	COLLECTOR_PROG_ATTACHED,
	COLLECTOR_PROG_UNAVAILABLE,	/* the kernel lacks the tracepoint: not loaded */
	COLLECTOR_PROG_FAILED,		/* load or attach failed (err) */
	COLLECTOR_PROG_ON_DEMAND,	/* loaded; feeds only the stream, attached when
					 * streaming is first turned on (keeps the cost of
					 * statistics-only use down) */
};

struct collector_prog_status {
	const char *name;	/* program name, e.g. "on_sched_switch" */
	const char *attach;	/* "tp_btf/sched_switch" */
	bool required;
	enum collector_prog_state state;
	int err;		/* negative errno for FAILED */
};

/* Open, load and attach. *why gets a one-line reason on failure (static string or buf). */
int collector_open(struct collector **out, const struct collector_opts *opts, char *why,
		   size_t why_len);
/* Detach, drain nothing more, free. NULL-safe. */
void collector_close(struct collector *c);

/* Consume streamed records, waiting up to timeout_ms for the first. Returns records
 * delivered, or a negative errno (-EINTR when interrupted by a signal). */
int collector_poll(struct collector *c, int timeout_ms);
/* Consume everything available now without waiting. */
int collector_drain(struct collector *c);
/* An fd that becomes readable when records are waiting (for a poll loop). */
int collector_fd(const struct collector *c);
/* Turn streaming on or off at run time (types: mask as in opts; 0 = all). */
void collector_set_stream(struct collector *c, bool on, uint32_t types);
/*
 * Make every CPU this process may run on switch once (done by collector_open
 * for aggregation), so each CPU's current task is seen: a task that never
 * sleeps, such as a pinned busy loop, would otherwise never show up.
 */
void collector_prime_cpus(const struct collector *c);

unsigned collector_nr_cpus(const struct collector *c);
/*
 * Copy the per-CPU statistics (nr entries, possible CPUs). busy_ns/idle_ns include
 * the interval running at the time of the call, so a task that never switches
 * out still shows as busy. Returns the number of entries copied.
 */
unsigned collector_read_cpus(struct collector *c, struct scxtop_cpu_stats *out, unsigned nr);
/* Run the task iterator: fn is called once per task with statistics. 0 or -errno.
 * runtime_ns of a running task includes its current interval. */
int collector_read_tasks(struct collector *c, collector_task_fn fn, void *ctx);
/*
 * Close the current sampling window and open the next; returns the epoch just
 * closed. Records read before this call whose win_epoch equals the returned
 * value carry that window's latency min/max (win_lat_*_ns); an older win_epoch
 * means no latency sample in the window. One reader per collector advances it.
 */
uint32_t collector_epoch_advance(struct collector *c);
/* Records lost on full ring buffers since open. */
uint64_t collector_dropped(struct collector *c);
/* Status of every program, for the UI and --headless output. */
const struct collector_prog_status *collector_programs(const struct collector *c, size_t *n);

/* Name of an event type ("sched_switch"), or "unknown". */
const char *scxtop_event_name(unsigned type);
/* Latency histogram: slot of a value, and a slot's [lo, hi) bounds in ns. */
unsigned scxtop_lat_slot(uint64_t ns);
void scxtop_lat_slot_bounds(unsigned slot, uint64_t *lo, uint64_t *hi);
/*
 * The p-th percentile (0 < p <= 100) of a latency histogram: the value at rank
 * ceil(p/100 × count) (nearest rank), placed by linear interpolation inside its
 * slot and clamped to [min, max]. 0 when the histogram is empty.
 */
uint64_t scxtop_lat_percentile(const uint32_t *hist, double p, uint64_t min, uint64_t max);

#endif
