/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The events view's model: the last N streamed scheduler events, in time
 * order, with each switch-in paired to the wakeup that made the task runnable.
 *
 * Records come from several ring buffers (one per group of CPUs), so a
 * sched_waking from CPU 0 can arrive after the sched_switch on CPU 1 that it
 * caused. Events are held in a reorder buffer for `window_ns` and released in
 * timestamp order; pairing then follows the kernel-side rule of
 * bpf/scxtop.bpf.c: waking/wakeup_new stamp the task (by tid, on any CPU; a
 * later waking replaces an earlier one), its next switch-in consumes the stamp;
 * exec, exit and free drop it. An event older than one already released (later
 * than the window) is still counted, and reported in `late`.
 */
#ifndef SCX_TOP_LIVE_EVENTS_H
#define SCX_TOP_LIVE_EVENTS_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/scxtop.h"
#include "common/hashmap.h"

struct ev_entry {
	struct scxtop_event ev;
	uint64_t lat_ns;	/* switch: wakeup latency of next (0: no wakeup seen) */
};

struct event_log {
	uint64_t window_ns;
	struct scxtop_event *pend;	/* reorder buffer, sorted by ts */
	size_t npend, apend;
	uint64_t released_ts;		/* timestamp of the last released event */
	struct ev_entry *ring;		/* released events */
	size_t cap, head, count;	/* head: next slot to write */
	struct u64map wake;		/* tid -> waking timestamp */
	uint64_t counts[SCXTOP_EV_MAX];	/* events seen, by type */
	uint64_t paired, unpaired, late;
	uint64_t lat_total_ns, lat_min_ns, lat_max_ns;
	uint32_t lat_hist[SCXTOP_LAT_SLOTS];
};

void event_log_init(struct event_log *l, size_t cap, uint64_t window_ns);
void event_log_release(struct event_log *l);
/* Forget the events and the pairing state (counters too). */
void event_log_clear(struct event_log *l);
/* Take a streamed record (size bytes); releases what is older than the window. */
void event_log_add(struct event_log *l, const struct scxtop_event *ev, size_t size);
/* Release the events older than now_ns - window (call on each tick). */
void event_log_flush_older(struct event_log *l, uint64_t now_ns);
/* Release everything pending. */
void event_log_flush(struct event_log *l);
/* The i-th most recent released event (0: newest), or NULL. */
const struct ev_entry *event_log_get(const struct event_log *l, size_t i);
/* One line describing the event ("cpu1 sched_switch bash:123 S -> foo:456 waited 12.3us"). */
void event_format(const struct ev_entry *e, char *buf, size_t n);

#endif
