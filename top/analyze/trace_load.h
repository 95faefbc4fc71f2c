/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Streaming Perfetto trace loader.
 *
 * The file is read in chunks and walked packet by packet (the outer Trace is
 * never decoded as one message; the buffer only grows to the largest packet).
 * Gzip-compressed files and TracePacket.compressed_packets are inflated on the
 * fly. Understood: FtraceEventBundle (verbose events and compact_sched with its
 * per-bundle comm table), ProcessTree, GenericKernelProcessTree,
 * Track/Process/ThreadDescriptor, TrackEvent with per-sequence interning
 * (names, categories, debug annotation names and string values) and
 * incremental-state clears, SystemInfo, ClockSnapshot. Everything else is
 * skipped. A packet with invalid wire data is skipped and counted; a file that
 * ends inside a packet (or continues with garbage) loads what was complete and
 * says where it stopped (model->stats.truncated / stop_offset / stop_reason).
 *
 * Writers handled: scxtop (ours and upstream's, incl. DSQ counter tracks and the
 * scxtop_topo: descriptor), systing, Perfetto's traced, wprof in TrackEvent mode
 * (ONCPU slices on child tracks, WAKER/WAKEE flows, annotations, idle threads
 * under pid 2000000000 or with negative tids) and in sched-view mode.
 */
#ifndef SCX_TOP_ANALYZE_TRACE_LOAD_H
#define SCX_TOP_ANALYZE_TRACE_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "top/analyze/trace_model.h"

struct load_opts {
	/* Called after each chunk: bytes consumed so far, file size (0 if unknown). */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *ctx;
	/* Polled between chunks; true stops the load with -EINTR. */
	bool (*cancelled)(void *ctx);
	/* Refuse traces with more events than this (0: no limit); -EFBIG. */
	uint64_t max_events;
};

/*
 * Load path into m (model_init'ed by the caller), then model_build() it.
 * Returns 0 (also for a truncated file that held at least one packet), or a
 * negative errno: -ENOENT/-EACCES/... from open/read, -EINVAL when the input is
 * not a Perfetto trace (msg says why), -EINTR when cancelled, -EFBIG over
 * max_events. msg (may be NULL) receives a one-line reason on failure.
 */
int trace_load_file(struct trace_model *m, const char *path, const struct load_opts *o,
		    char *msg, size_t msglen);
/* Same from memory (tests, fuzzing). */
int trace_load_mem(struct trace_model *m, const void *data, size_t len, const struct load_opts *o,
		   char *msg, size_t msglen);

#endif
