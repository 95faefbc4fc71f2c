/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One live source of struct stats_raw readings: the core BPF collector
 * (aggregate mode), /proc/stat, cpufreq sysfs, the sched_ext source and the
 * topology, opened together. Used by the TUI and `scxtop --headless`; the MCP
 * server can use it the same way. One sampler per process: each reading closes
 * the collector's sampling window (collector_epoch_advance).
 */
#ifndef SCX_TOP_LIVE_SAMPLER_H
#define SCX_TOP_LIVE_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>

#include "top/live/collector.h"
#include "top/live/stats.h"
#include "top/live/topology.h"

struct sampler;

struct sampler_opts {
	bool stream;		/* start with the event stream on */
	collector_event_fn on_event;	/* streamed records (events view) */
	void *ctx;
};

/*
 * Open the topology, the collector and the sched_ext source. On failure returns
 * a negative errno and one line for the user in why (e.g. "cannot load the BPF
 * programs: Operation not permitted (needs root, ...; see `scxprof doctor`)").
 */
int sampler_open(struct sampler **out, const struct sampler_opts *opts, char *why, size_t n);
void sampler_close(struct sampler *s);

/* Take a reading into r (reusing its memory). tasks: also run the task iterators. */
int sampler_read(struct sampler *s, struct stats_raw *r, bool tasks, bool freq);

const struct topology *sampler_topology(const struct sampler *s);
struct collector *sampler_collector(struct sampler *s);
/* Every program of both objects with its status (borrowed until close). */
const struct stats_prog *sampler_programs(struct sampler *s, size_t *n);

#endif
